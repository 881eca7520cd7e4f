import ArgumentParser
import Foundation
import PortcullisCompiler

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint, then write the deployable bundle (only when there are no errors).")

    @Argument(help: "Input files or directories (default: the current directory).")
    var paths: [String] = []

    @Option(help: "The bundle folder: a new or empty folder, or a bundle Portcullis wrote, replaced as a whole, atomically.")
    var out: String

    @Flag(help: "Write nothing; exit 1 and list the files that differ when the folder is not what build would write.")
    var check = false

    @OptionGroup var report: ReportOptions

    func run() throws {
        try runDriver {
            let options = report.lintOptions()
            let output = try OutputFolder(resolving: out)
            if !check { try output.refuseUnsafeReplacement(inputs: (paths.isEmpty ? ["."] : paths) + [report.config].compactMap { $0 }) }
            let workspace = try report.workspace(paths)
            let (result, outcome) = BuildPipeline.run(workspace, options: options)
            try report.emit(result.report)
            switch outcome {
            case .refused:
                exitWithoutTeardown(1, keeping: result)
            case .holdsSecrets(let locations):
                let message =
                    "portcullis: error: the inputs hold secret values, which a bundle would publish; nothing was written\n"
                    + locations.map { "  \($0)\n" }.joined()
                FileHandle.standardError.write(Data(message.utf8))
                exitWithoutTeardown(1, keeping: result)
            case .built(let bundle):
                if check {
                    let differences = try BundleWriter.differences(bundle, at: output)
                    let lines = differences.map { "portcullis: \($0)\n" }.joined()
                    FileHandle.standardError.write(Data(lines.utf8))
                    exitWithoutTeardown(differences.isEmpty ? 0 : 1, keeping: result)
                }
                try BundleWriter.write(bundle, to: output)
                exitWithoutTeardown(0, keeping: result)
            }
        }
    }
}
