import ArgumentParser
import FoundationEssentials
import PortcullisCompiler
import PortcullisEmit
import PortcullisSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Lint, then write the deployable bundle (only when there are no errors).")

    @Argument(help: "Input files or directories (default: the current directory).")
    var paths: [String] = []

    @Option(help: "The bundle folder: a new or empty folder, or a bundle Portcullis wrote, replaced as a whole, atomically.")
    var out: String

    @Flag(help: "Write nothing; exit 1 and list the files that differ when the folder is not what build would write.")
    var check = false

    @Flag(help: "Show progress on standard error even when it is not a terminal (it is shown on a terminal anyway).")
    var progress = false

    @OptionGroup var environment: EnvironmentOption

    @OptionGroup var report: ReportOptions<ReportFormat>

    func run() throws {
        try runDriver {
            let options = report.lintOptions(environment.choice(unselected: .base))
            let output = try OutputFolder(resolving: out)
            if let report = report.output { try ReportDestination.refuse(report, insideBundle: output) }
            if !check { try output.refuseUnsafeReplacement(inputs: (paths.isEmpty ? ["."] : paths) + [report.config].compactMap { $0 }) }
            let status = Progress(shown: progress || isatty(STDERR_FILENO) != 0)
            status.show("reading the inputs")
            let workspace = try report.workspace(paths)
            status.show("checking and compiling \(workspace.inputs.count) files")
            let (result, outcome) = BuildPipeline.run(workspace, options: options)
            try result.requireEnvironment()
            try report.refuseOutput(replacing: result.readFiles)
            // Reports the errors that stand in the way of the bundle and exits 1.
            func refuse(_ result: LintResult) throws -> Never {
                status.clear()
                try report.emit(result.report, reads: result.readFiles)
                exitWithoutTeardown(1, keeping: result)
            }
            switch outcome {
            case .refused:
                try refuse(result)
            case .holdsSecrets(let locations):
                status.clear()
                try report.emit(result.report, reads: result.readFiles)
                let message =
                    "portcullis: error: the inputs hold secret values, which a bundle would publish; nothing was written\n"
                    + locations.map { "  \($0)\n" }.joined()
                FileSystem.writeText(message, to: STDERR_FILENO)
                exitWithoutTeardown(1, keeping: result)
            case .built(let bundle) where check:
                status.show("comparing the bundle with '\(out)'")
                let found: BundleCheck
                do {
                    found = try BundleCheck(bundle, at: output)
                } catch let oversized as OversizedPolicies {
                    try refuse(BuildPipeline.refusing(result, for: oversized))
                }
                status.clear()
                try report.emit(result.report, section: ("check", found), reads: result.readFiles)
                if report.format != .json {
                    // Written straight into one buffer: an empty folder lists every file.
                    var text: [UInt8] = []
                    for line in found.lines + (report.quiet ? [] : [found.summary]) {
                        text.append(utf8: "portcullis: ")
                        text.append(utf8: line)
                        text.append(UInt8(ascii: "\n"))
                    }
                    FileSystem.writeBytes(text, to: STDERR_FILENO)
                }
                exitWithoutTeardown(found.upToDate ? 0 : 1, keeping: result)
            case .built(let bundle):
                status.show("writing the bundle to '\(out)'")
                let written: BundleIndex
                do {
                    written = try BundleWriter.write(bundle, to: output)
                } catch let oversized as OversizedPolicies {
                    try refuse(BuildPipeline.refusing(result, for: oversized))
                }
                status.clear()
                try report.emit(result.report, reads: result.readFiles)
                if !report.quiet {
                    FileSystem.writeText("portcullis: wrote \(written.sizeDescription) to '\(out)'\n", to: STDERR_FILENO)
                }
                exitWithoutTeardown(0, keeping: result)
            }
        }
    }
}

/// One line of progress on standard error, rewritten in place at each stage and erased
/// before anything else is printed.
struct Progress {
    let shown: Bool

    func show(_ stage: String) {
        guard shown else { return }
        FileSystem.writeText("\r\u{1B}[Kportcullis: \(stage)...", to: STDERR_FILENO)
    }

    func clear() {
        guard shown else { return }
        FileSystem.writeText("\r\u{1B}[K", to: STDERR_FILENO)
    }
}
