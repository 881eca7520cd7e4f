import ArgumentParser
import PortcullisCompiler

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Parse and check definitions and print diagnostics; writes nothing.",
        discussion: """
            Folders are searched for YAML files; those that are not Portcullis's (no document with \
            'apiVersion: portcullis/...') are skipped and counted. '-' reads one file from standard input.
            """)

    @Argument(help: "Input files or directories (default: the current directory); '-' for standard input.")
    var paths: [String] = []

    @Option(help: "The path standard input stands for: reports show it, and its folder's portcullis.yaml applies.")
    var stdinFilename: String?

    @OptionGroup var environment: EnvironmentOption

    @OptionGroup var report: ReportOptions<ReportFormat>

    private var readsStandardInput: Bool { paths == ["-"] }

    func validate() throws {
        if paths.contains("-"), !readsStandardInput { throw ValidationError("'-' (standard input) cannot be combined with other paths") }
        if stdinFilename != nil, !readsStandardInput { throw ValidationError("'--stdin-filename' names standard input: give '-' as the path") }
    }

    func run() throws {
        try runDriver {
            let options = report.lintOptions(environment.choice(unselected: .all))
            let workspace =
                readsStandardInput
                ? try Workspace.standardInput(named: stdinFilename, configPath: report.config, limits: options.limits)
                : try report.workspace(paths)
            let result = LintPipeline.run(workspace, options: options)
            try result.requireEnvironment()
            try report.emit(result.report, reads: result.readFiles)
            exitWithoutTeardown(result.report.hasErrors ? 1 : 0, keeping: result)
        }
    }
}
