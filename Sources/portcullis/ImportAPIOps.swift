import ArgumentParser
import FoundationEssentials
import PortcullisCompiler
import PortcullisImport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ImportAPIOps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apiops",
        abstract: "Turn an APIOps extractor tree into Portcullis definitions, proved by building them.",
        discussion: """
            Every policy document of the tree must come back from a build of the definitions \
            unchanged (canonical XML), and every information property Portcullis carries with \
            its value; when one would not, nothing is written unless --allow-differences is given.
            """)

    @Argument(help: "The APIOps artifact folder (the extractor's output).")
    var tree: String

    @Option(help: "The folder to write the definitions to: a new or empty folder (not needed with --verify).")
    var out: String?

    @Option(help: "The gateway's name in the definitions.")
    var name = "imported"

    @Option(
        name: .customLong("configuration"),
        help: ArgumentHelp(
            "An APIOps publisher configuration, 'configuration.NAME.yaml', imported as environment NAME (repeatable).",
            valueName: "file"))
    var configurations: [String] = []

    @Flag(help: "Check the round trip and report; write nothing.")
    var verify = false

    @Flag(help: "Write the definitions even when some documents would not come back unchanged.")
    var allowDifferences = false

    @OptionGroup var report: ReportOptions<ImportReportFormat>

    @OptionGroup var environment: RefusedEnvironmentOption

    func validate() throws {
        if out == nil, !verify { throw ValidationError("'--out' names the folder to write to; only '--verify' writes nothing") }
    }

    func run() throws {
        try runDriver {
            let output = try out.map { try OutputFolder(resolving: $0, replacing: .nothing) }
            if let report = report.output, let output, !verify { try ReportDestination.refuse(report, insideBundle: output) }
            try report.refuseOutput(replacing: configurations, inside: [tree])
            if let output, !verify {
                try output.refuseUnsafeReplacement(inputs: [tree] + configurations)
                try output.refuseInside([tree])
            }
            // Every environment is checked, as `lint` checks the written project.
            let imported = try APIOpsImport(
                tree: tree, configurations: configurations, gatewayName: name, options: report.lintOptions(.all))
            let written: OutputFolder? = verify || !(imported.roundTrip.differences.isEmpty || allowDifferences) ? nil : output
            if let written { try BundleWriter.write(imported.files, to: written) }
            if report.format == .text { FileSystem.writeText(imported.textReport(), to: STDOUT_FILENO) }
            // The lint read the project in memory; once written, its files are named where
            // they are, relative to the working directory as `lint` names them.
            let lint = imported.roundTrip.lint.report
            let folder = written.map { $0.given.hasSuffix("/") ? $0.given : $0.given + "/" }
            try report.emit(
                folder.map { folder in lint.relocated { folder + $0 } } ?? lint, section: ("import", imported.summary), reads: configurations,
                inside: [tree])
            if !report.quiet {
                let what =
                    if let written { "wrote \(imported.files.files.count) files to '\(written.given)'" }
                    else if verify { "checked; wrote nothing" }
                    else { "some documents would not come back unchanged; wrote nothing" }
                FileSystem.writeText("portcullis: \(what)\n", to: STDERR_FILENO)
            }
            let credentials = reportsCredentialsWrittenOut(lint, quiet: report.quiet)
            exitWithoutTeardown(imported.hasErrors || credentials ? 1 : 0, keeping: imported)
        }
    }
}
