import Foundation
import PortcullisDiagnostics
import PortcullisModel
import PortcullisSyntax

/// Options that change what the front end accepts and how findings are counted.
public struct LintOptions: Sendable {
    public var limits: InputLimits
    /// Reports warnings as errors, for teams that keep a warning-free tree.
    public var warningsAsErrors: Bool

    public init(limits: InputLimits = InputLimits(), warningsAsErrors: Bool = false) {
        self.limits = limits
        self.warningsAsErrors = warningsAsErrors
    }
}

/// What linting produced: the report, and the resolved project for later stages.
public struct LintResult: Sendable {
    public var report: DiagnosticReport
    public var project: ResolvedProject
}

/// The front half of the compiler: bytes → YAML → definitions → resolved project,
/// collecting every diagnostic on the way.
public enum LintPipeline {
    public static func run(_ inputs: [SourceInput], options: LintOptions = LintOptions()) -> LintResult {
        let files = SourceFiles(inputs.map { SourceFile(path: $0.path, bytes: $0.bytes) })
        // Many files keep both cores busy on their own; a few large ones need the pipeline.
        let pipelined = inputs.count < ProcessInfo.processInfo.activeProcessorCount
        let perFile = ParallelMap.map(inputs.indices) { index in
            decodeFile(inputs[index].bytes, file: FileID(index), limits: options.limits, pipelined: pipelined)
        }
        var definitions = Definitions()
        var diagnostics = DiagnosticCollector()
        for (fileDefinitions, fileDiagnostics) in perFile {
            definitions.append(contentsOf: fileDefinitions)
            diagnostics.append(contentsOf: fileDiagnostics)
        }
        let anchor = SourceRange.point(FileID(0), line: 1, column: 1)
        let project = Resolver.resolve(definitions, projectAnchor: anchor, diagnostics: &diagnostics)
        var list = diagnostics.diagnostics
        if options.warningsAsErrors {
            for index in list.indices where list[index].severity == .warning { list[index].severity = .error }
        }
        return LintResult(report: DiagnosticReport(diagnostics: list, sources: files), project: project)
    }

    /// Reads and decodes one file, a document at a time so the YAML tree of a document is
    /// dropped as soon as it is decoded.
    static func decodeFile(
        _ bytes: [UInt8], file: FileID, limits: InputLimits, pipelined: Bool
    ) -> (Definitions, DiagnosticCollector) {
        var readerDiagnostics = DiagnosticCollector()
        let reader = YAMLReader(file: file, limits: limits)
        let outcome: YAMLReader.Outcome
        var definitions: Definitions
        var diagnostics: DiagnosticCollector
        if pipelined {
            let pipeline = PipelinedDecoder()
            outcome = reader.read(bytes, diagnostics: &readerDiagnostics) { pipeline.push($0) }
            (definitions, diagnostics) = pipeline.finish(complete: outcome.complete)
        } else {
            var decoder = DocumentDecoder()
            outcome = reader.read(bytes, diagnostics: &readerDiagnostics) { decoder.decode($0) }
            if !outcome.complete { decoder.markIncomplete() }
            (definitions, diagnostics) = decoder.finish()
        }
        diagnostics.append(contentsOf: readerDiagnostics)
        if outcome.complete, outcome.documents == 0 {
            diagnostics.report(
                .missingField, "file holds no document", at: .point(file, line: 1, column: 1),
                notes: [
                    Diagnostic.Note(
                        "each document is a mapping with 'apiVersion: portcullis/v1' and a 'kind'",
                        at: .point(file, line: 1, column: 1))
                ])
        }
        return (definitions, diagnostics)
    }
}
