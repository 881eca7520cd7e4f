import ArgumentParser
import FoundationEssentials
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisImport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ImportOpenAPI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract:
            "Turn an OpenAPI document into a starting project: a gateway, an API with one route per operation, and the document as its specification.",
        discussion: """
            Exit codes: 0 the project was written (its lint findings are in the report), 1 the document \
            cannot be imported (nothing written) or the project was written holding a credential the \
            document writes out (SE001: move it to a Key Vault secret before committing), 2 a file could \
            not be read or written, 64 bad usage.
            """)

    @Argument(help: "The OpenAPI 2.0, 3.0 or 3.1 document, YAML or JSON.")
    var file: String

    @Option(help: "The folder to write the definitions to: new or empty.")
    var out: String

    @Option(help: "The API's name (default: made from the document's title, else from its file name).")
    var name: String?

    @OptionGroup var report: ReportOptions<ImportReportFormat>

    @OptionGroup var environment: RefusedEnvironmentOption

    func validate() throws {
        if let name, !NameMaker.isResourceName(name) {
            throw ValidationError(
                "'--name' must be an APIM resource name, such as 'orders' or 'Orders_v2', not '\(DisplayText.escaped(name.utf8))'")
        }
    }

    func run() throws {
        try runDriver {
            let options = report.lintOptions()
            let output = try OutputFolder(resolving: out, replacing: .nothing)
            if let report = report.output { try ReportDestination.refuse(report, insideBundle: output) }
            try output.refuseUnsafeReplacement(inputs: [file])
            // The configuration the lint of the written project reads is known already.
            try report.refuseOutput(replacing: [file] + (report.config.map { [$0] } ?? []))
            let source = try InputFiles().file(named: file, limits: options.limits)
            switch try OpenAPIImport.run(source, name: name, limits: options.limits) {
            case .refused(let diagnostics):
                try report.emit(DiagnosticReport(diagnostics: diagnostics, sources: SourceFiles([source])), reads: [file])
                throw ExitCode(1)
            case .imported(let imported):
                try BundleWriter.write(imported.files, to: output)
                let result = LintPipeline.run(try report.workspace([output.path]), options: options)
                if report.format == .text {
                    let lines = imported.report.lines + ["lint of the imported project:"]
                    FileSystem.writeText(lines.map { $0 + "\n" }.joined(), to: STDOUT_FILENO)
                }
                try report.emit(result.report, section: ("import", imported.report), reads: [file] + result.readFiles)
                exitWithoutTeardown(reportsCredentialsWrittenOut(result.report, quiet: report.quiet) ? 1 : 0, keeping: result)
            }
        }
    }
}
