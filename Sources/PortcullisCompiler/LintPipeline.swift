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
    /// Files larger than this are split at document markers and read on several cores.
    static let chunkSize = 256 * 1024

    public static func run(_ inputs: [SourceFile], options: LintOptions = LintOptions()) -> LintResult {
        run(inputs, options: options, chunkSize: chunkSize)
    }

    /// `chunkSize` is a parameter so tests can split every file at every document.
    static func run(_ inputs: [SourceFile], options: LintOptions, chunkSize: Int) -> LintResult {
        let files = SourceFiles(inputs)
        var diagnostics = DiagnosticCollector()
        var plan: [(file: Int, chunk: YAMLChunk)] = []
        for (index, input) in inputs.enumerated() {
            let reader = YAMLReader(file: FileID(index), limits: options.limits)
            if reader.preflight(input.bytes, diagnostics: &diagnostics) {
                let chunks = YAMLChunk.split(
                    input.bytes, preferredSize: chunkSize, maxDocuments: options.limits.maxDocuments)
                plan += chunks.map { (index, $0) }
            }
        }
        let work = plan
        let pieces = ParallelMap.map(work.indices) { item in
            decode(work[item].chunk, of: inputs[work[item].file].bytes, file: FileID(work[item].file), limits: options.limits)
        }
        let definitions = merge(pieces, files: work.map(\.file), fileCount: inputs.count, into: &diagnostics)
        let anchor = SourceRange.point(FileID(0), line: 1, column: 1)
        let project = Resolver.resolve(definitions, projectAnchor: anchor, diagnostics: &diagnostics)
        var list = diagnostics.diagnostics
        if options.warningsAsErrors {
            for index in list.indices where list[index].severity == .warning { list[index].severity = .error }
        }
        return LintResult(report: DiagnosticReport(diagnostics: list, sources: files), project: project)
    }

    /// The result of reading and decoding one chunk.
    struct Piece: Sendable {
        var definitions: Definitions
        var diagnostics: DiagnosticCollector
        var outcome: YAMLReader.Outcome
    }

    /// Reads and decodes one chunk, a document at a time, so each document's YAML tree is
    /// dropped as soon as it is decoded.
    static func decode(_ chunk: YAMLChunk, of bytes: [UInt8], file: FileID, limits: InputLimits) -> Piece {
        var readerDiagnostics = DiagnosticCollector()
        var decoder = DocumentDecoder()
        let outcome = YAMLReader(file: file, limits: limits).read(chunk, of: bytes, diagnostics: &readerDiagnostics) {
            decoder.decode($0)
        }
        var (definitions, diagnostics) = decoder.finish()
        diagnostics.append(contentsOf: readerDiagnostics)
        return Piece(definitions: definitions, diagnostics: diagnostics, outcome: outcome)
    }

    /// Joins the pieces in file order. As when a file is read in one go, reading a file
    /// stops at its first unreadable chunk: later chunks' results are dropped and the
    /// definitions are marked incomplete.
    static func merge(
        _ pieces: [Piece], files: [Int], fileCount: Int, into diagnostics: inout DiagnosticCollector
    ) -> Definitions {
        var definitions = Definitions()
        var documents = [Int](repeating: 0, count: fileCount)
        var stopped = [Bool](repeating: false, count: fileCount)
        var readFile = [Bool](repeating: false, count: fileCount)
        for (piece, file) in zip(pieces, files) where !stopped[file] {
            readFile[file] = true
            definitions.append(contentsOf: piece.definitions)
            diagnostics.append(contentsOf: piece.diagnostics)
            documents[file] += piece.outcome.documents
            if !piece.outcome.complete {
                stopped[file] = true
                definitions.complete = false
            }
        }
        for file in 0..<fileCount where !readFile[file] {
            definitions.complete = false
        }
        for file in 0..<fileCount where readFile[file] && !stopped[file] && documents[file] == 0 {
            let start = SourceRange.point(FileID(file), line: 1, column: 1)
            diagnostics.report(
                .missingField, "file holds no document", at: start,
                notes: [Diagnostic.Note("each document is a mapping with 'apiVersion: portcullis/v1' and a 'kind'", at: start)])
        }
        return definitions
    }
}
