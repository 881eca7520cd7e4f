import ArgumentParser
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisImport

struct ImportOpenAPI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract:
            "Turn an OpenAPI document into a starting project: a gateway, an API with one route per operation, and the document as its specification.",
        discussion: """
            Exit codes: 0 the project was written (its lint findings are in the report), 1 the document \
            cannot be imported (nothing written), 2 a file could not be read or written, 64 bad usage.
            """)

    @Argument(help: "The OpenAPI 2.0, 3.0 or 3.1 document, YAML or JSON.")
    var file: String

    @Option(help: "The folder to write the definitions to: new or empty.")
    var out: String

    @Option(help: "The API's name (default: made from the document's title, else from its file name).")
    var name: String?

    @OptionGroup var report: ImportReportOptions

    func validate() throws {
        if let name, !NameMaker.isResourceName(name) {
            throw ValidationError(
                "'--name' must be an APIM resource name, such as 'orders' or 'Orders_v2', not '\(DisplayText.escaped(name.utf8))'")
        }
    }

    func run() throws {
        try runDriver {
            let limits = report.limits.limits
            let output = try OutputFolder(resolving: out)
            try output.refuseUnsafeReplacement(inputs: [file])
            let source = try InputFiles().file(named: file, limits: limits)
            switch try OpenAPIImport.run(source, name: name, limits: limits) {
            case .refused(let diagnostics):
                report.emit(DiagnosticReport(diagnostics: diagnostics, sources: SourceFiles([source])), imported: nil)
                throw ExitCode(1)
            case .imported(let imported):
                try BundleWriter.write(imported.files, to: output)
                let workspace = try Workspace.load(paths: [output.path], configPath: nil, limits: limits)
                let result = LintPipeline.run(workspace, options: LintOptions(limits: limits))
                report.emit(result.report, imported: (imported.report.lines, imported.report))
                exitWithoutTeardown(0, keeping: result)
            }
        }
    }
}
