import ArgumentParser
import FoundationEssentials
import PortcullisCompiler

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension AccessDiffFormat: ExpressibleByArgument {}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what a change does to access, limits and caching, route by route.",
        discussion: """
            Give BASE and HEAD paths, or HEAD paths and --git-base REF to read BASE from Git. \
            To compare two environments of one tree before a promotion, give one path with \
            --env-base and --env-head. When a side has errors, the report (and --output) says so, \
            and the exit status is 2.
            """)

    @Argument(help: "BASE then HEAD paths; with --git-base, or to compare environments, only HEAD paths.")
    var paths: [String]

    @Option(name: .customLong("env"), help: ArgumentHelp("Read both sides with this environment's overrides.", valueName: "name"))
    var environment: String?

    @Option(help: ArgumentHelp("Read BASE with this environment's overrides.", valueName: "name"))
    var envBase: String?

    @Option(help: ArgumentHelp("Read HEAD with this environment's overrides.", valueName: "name"))
    var envHead: String?

    /// One tree, two of its environments.
    private var comparesEnvironments: Bool { gitBase == nil && paths.count == 1 && (envBase != nil || envHead != nil) }

    @Option(help: "Read BASE from this Git revision of the HEAD paths.")
    var gitBase: String?

    @Option(help: "The output format.")
    var format: AccessDiffFormat = .text

    @Option(help: "Write the diff to this file instead of standard output.")
    var output: String?

    // One value each time, categories joined by commas: taking every word up to the next
    // option took the paths written after it (`--fail-on privilege-increase .`).
    @Option(
        parsing: .singleValue,
        help: ArgumentHelp(
            "Exit 1 when a change of these categories is present: "
                + AccessChange.Category.allCases.map(\.rawValue).joined(separator: ", ") + ".",
            valueName: "category"))
    var failOn: [String] = []

    @OptionGroup var limits: LimitOptions

    func validate() throws {
        if environment != nil, envBase != nil || envHead != nil {
            throw ValidationError("'--env' sets both sides; use it or '--env-base' and '--env-head', not both")
        }
        if gitBase == nil, paths.count != 2, !comparesEnvironments {
            throw ValidationError(
                "give a BASE and a HEAD path, HEAD paths with --git-base REF, or one path with --env-base and --env-head")
        }
        if gitBase != nil, paths.isEmpty { throw ValidationError("give the HEAD paths to compare with --git-base") }
        // Git would read such a revision as one of its own options (`--output=FILE` writes a file).
        if let gitBase, gitBase.hasPrefix("-") {
            throw ValidationError("invalid revision '\(gitBase)' for --git-base: a revision cannot start with '-'")
        }
        // An empty value (a CI variable left unset) would gate nothing, silently (an audit).
        if !failOn.isEmpty, failOnCategories.isEmpty {
            throw ValidationError("'--fail-on' names no category, so it would fail on nothing; name one or more, or leave the option out")
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
            let head = gitBase != nil || comparesEnvironments ? paths : [paths[1]]
            let environments = DiffPipeline.Environments(base: envBase ?? environment, head: envHead ?? environment)
            let outcome = try DiffPipeline.run(base: base, head: head, limits: limits.limits, environments: environments, report: output)
            // A side's errors are a report like lint's, and as long.
            var shown = outcome
            if case .unreadable(let side, let errors) = outcome { shown = .unreadable(side: side, errors: errors.keepingFirst(limits.maxFindings)) }
            let text = format.render(shown)
            if let output {
                try ReportDestination.write(text, to: output)
            } else {
                FileSystem.writeText(text, to: STDOUT_FILENO)
            }
            switch outcome {
            case .unreadable(let side, _):
                FileSystem.writeText("portcullis: error: \(side) has errors, so it cannot be compared\n", to: STDERR_FILENO)
                throw ExitCode(2)
            case .compared(let changes):
                let failing = Set(failOnCategories)
                if changes.contains(where: { failing.contains($0.category.rawValue) }) { throw ExitCode(1) }
            }
        }
    }
}
