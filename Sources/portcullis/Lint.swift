import ArgumentParser
import PortcullisCompiler

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and check definitions and print diagnostics; writes nothing.")

    @Argument(help: "Input files or directories (default: the current directory).")
    var paths: [String] = []

    @OptionGroup var report: ReportOptions

    func run() throws {
        try runDriver {
            let options = report.lintOptions(unselected: .all)
            let workspace = try Workspace.load(paths: paths, configPath: report.config, limits: options.limits)
            let result = LintPipeline.run(workspace.inputs, configuration: workspace.configuration, options: options)
            try result.requireEnvironment()
            try report.emit(result.report)
            exitWithoutTeardown(result.report.hasErrors ? 1 : 0, keeping: result)
        }
    }
}
