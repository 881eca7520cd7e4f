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
            let options = report.lintOptions()
            let workspace = try report.workspace(paths)
            let result = LintPipeline.run(workspace, options: options)
            try report.emit(result.report)
            exitWithoutTeardown(result.report.hasErrors ? 1 : 0, keeping: result)
        }
    }
}
