import ArgumentParser
import Foundation
import PortcullisCompiler
import PortcullisDiagnostics

extension AccessDiffFormat: ExpressibleByArgument {}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a change does to access, limits and caching, route by route.",
        discussion: "Give BASE and HEAD paths, or HEAD paths and --git-base REF to read BASE from Git.")

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
        help: "Exit 1 when a change of these categories is present: privilege-increase, looser-limit, cache-widened.")
    var failOn: [String] = []

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
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-diff-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: scratch) }
            let (basePaths, headPaths): ([String], [String])
            if let gitBase {
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                basePaths = try GitRevision.extract(paths, at: gitBase, into: scratch.path)
                headPaths = paths
            } else {
                (basePaths, headPaths) = ([paths[0]], [paths[1]])
            }
            let base = try side(basePaths, name: "BASE")
            let head = try side(headPaths, name: "HEAD")
            let changes = AccessDiff.compare(base: base, head: head)
            let text = format.render(changes)
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            let failing = Set(failOnCategories)
            if changes.contains(where: { failing.contains($0.category.rawValue) }) { throw ExitCode(1) }
        }
    }

    /// One version of the project; YS and RF errors make a trustworthy diff impossible.
    private func side(_ paths: [String], name: String) throws -> AccessDiff.Side {
        let options = LintOptions()
        let workspace = try Workspace.load(paths: paths, configPath: nil, limits: options.limits)
        let result = LintPipeline.run(workspace.inputs, configuration: workspace.configuration, options: options)
        let errors = result.report.diagnostics.filter { $0.code.id.hasPrefix("YS") || $0.code.id.hasPrefix("RF") }
        guard errors.isEmpty else {
            let report = DiagnosticReport(diagnostics: errors, sources: result.report.sources, redactions: result.report.redactions)
            FileHandle.standardError.write(Data(("portcullis: error: \(name) has errors, so it cannot be compared\n" + TextReporter(quiet: true).render(report)).utf8))
            throw ExitCode(2)
        }
        return AccessDiff.Side(project: result.project, paths: workspace.projectFiles.map(\.path))
    }
}
