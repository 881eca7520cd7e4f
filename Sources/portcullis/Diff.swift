import ArgumentParser
import Foundation
import PortcullisCompiler

extension AccessDiffFormat: ExpressibleByArgument {}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a change does to access, limits and caching, route by route.",
        discussion: """
            Give BASE and HEAD paths, or HEAD paths and --git-base REF to read BASE from Git. \
            When a side has errors, the report (and --output) says so, and the exit status is 2.
            """)

    @Argument(help: "BASE then HEAD paths; with --git-base, only HEAD paths.")
    var paths: [String]

    @Option(help: "Read BASE from this Git revision of the HEAD paths.")
    var gitBase: String?

    @Option(help: "The output format.")
    var format: AccessDiffFormat = .text

    @Option(help: "Write the diff to this file instead of standard output.")
    var output: String?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Exit 1 when a change of these categories is present: "
                + AccessChange.Category.allCases.map(\.rawValue).joined(separator: ", ") + ".",
            valueName: "category"))
    var failOn: [String] = []

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        if gitBase == nil, paths.count != 2 {
            throw ValidationError("give a BASE and a HEAD path, or HEAD paths with --git-base REF")
        }
        if gitBase != nil, paths.isEmpty { throw ValidationError("give the HEAD paths to compare with --git-base") }
        // Git would read such a revision as one of its own options (`--output=FILE` writes a file).
        if let gitBase, gitBase.hasPrefix("-") {
            throw ValidationError("invalid revision '\(gitBase)' for --git-base: a revision cannot start with '-'")
        }
        for category in failOnCategories where AccessChange.Category(rawValue: category) == nil {
            throw ValidationError("unknown category '\(category)' for --fail-on")
        }
    }

    private var failOnCategories: [String] {
        failOn.flatMap { $0.split(separator: ",").map(String.init) }
    }

    func run() throws {
        try runDriver {
            let base: DiffPipeline.Base = gitBase.map { .gitRevision($0) } ?? .paths([paths[0]])
            let outcome = try DiffPipeline.run(base: base, head: gitBase == nil ? [paths[1]] : paths, limits: limits.limits)
            let text = format.render(outcome)
            if let output {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw DriverError.unwritable(output, reason: error.localizedDescription)
                }
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            switch outcome {
            case .unreadable(let side, _):
                FileHandle.standardError.write(Data("portcullis: error: \(side) has errors, so it cannot be compared\n".utf8))
                throw ExitCode(2)
            case .compared(let changes):
                let failing = Set(failOnCategories)
                if changes.contains(where: { failing.contains($0.category.rawValue) }) { throw ExitCode(1) }
            }
        }
    }
}
