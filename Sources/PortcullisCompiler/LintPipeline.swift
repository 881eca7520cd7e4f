import Foundation
import PortcullisChecker
import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport
import PortcullisSyntax

/// Options that change what the front end accepts and how findings are counted.
public struct LintOptions: Sendable {
    public var limits: InputLimits
    /// Reports warnings as errors, for teams that keep a warning-free tree.
    public var warningsAsErrors: Bool
    /// `YYYY-MM-DD`, the day suppression expiry is judged against.
    public var today: String

    public init(limits: InputLimits = InputLimits(), warningsAsErrors: Bool = false, today: String = LintOptions.todayUTC()) {
        self.limits = limits
        self.warningsAsErrors = warningsAsErrors
        self.today = today
    }

    /// Whether `text` is a calendar date written `YYYY-MM-DD`.
    public static func isDate(_ text: String) -> Bool { SuppressionScanner.isDate(text) }

    /// Today's date in UTC, as suppression comments write dates.
    public static func todayUTC() -> String {
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return String(format: "%04d-%02d-%02d", components.year!, components.month!, components.day!)
    }
}

/// A configuration file as read and parsed by the driver. It is numbered file 0 of the
/// run, so its own problems are reported first.
public struct LoadedConfiguration: Sendable {
    public var source: SourceFile
    public var configuration: Configuration
    public var diagnostics: [Diagnostic]

    public init(source: SourceFile) {
        self.source = source
        (configuration, diagnostics) = Configuration.parse(source, file: FileID(0))
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

    public static func run(
        _ inputs: [SourceFile], configuration: LoadedConfiguration? = nil, options: LintOptions = LintOptions()
    ) -> LintResult {
        run(inputs, configuration: configuration, options: options, chunkSize: chunkSize)
    }

    /// Lints a workspace; its report counts the files the workspace skipped.
    public static func run(_ workspace: Workspace, options: LintOptions) -> LintResult {
        run(
            workspace.inputs, configuration: workspace.configuration, options: options, chunkSize: chunkSize,
            skipped: workspace.skipped.count)
    }

    /// `chunkSize` is a parameter so tests can split every file at every document.
    static func run(
        _ inputs: [SourceFile], configuration: LoadedConfiguration? = nil, options: LintOptions, chunkSize: Int,
        skipped: Int = 0
    ) -> LintResult {
        // Input files are numbered after the configuration file, if there is one.
        let first = configuration == nil ? 0 : 1
        let files = SourceFiles((configuration.map { [$0.source] } ?? []) + inputs)
        var diagnostics = DiagnosticCollector()
        var plan: [(file: Int, chunk: YAMLChunk)] = []
        var parsed: [(id: FileID, source: SourceFile)] = []
        for (index, input) in inputs.enumerated() {
            let reader = YAMLReader(file: FileID(first + index), limits: options.limits)
            if reader.preflight(input.bytes, size: input.size, diagnostics: &diagnostics) {
                parsed.append((FileID(first + index), input))
                let chunks = YAMLChunk.split(
                    input.bytes, preferredSize: chunkSize, maxDocuments: options.limits.maxDocuments)
                plan += chunks.map { (index, $0) }
            }
        }
        let work = plan
        let pieces = ParallelMap.map(work.indices) { item in
            decode(
                work[item].chunk, of: inputs[work[item].file].bytes, file: FileID(first + work[item].file),
                limits: options.limits)
        }
        let (definitions, credentials) = merge(
            pieces, files: work.map(\.file), fileCount: inputs.count, firstFile: first, into: &diagnostics)
        let anchor = SourceRange.point(FileID(first), line: 1, column: 1)
        let project = Resolver.resolve(definitions, projectAnchor: anchor, diagnostics: &diagnostics)
        let context = CheckContext(project: project, credentialLiterals: credentials)
        var list = Checker.run(
            context, frontEnd: (configuration?.diagnostics ?? []) + diagnostics.diagnostics,
            commented: parsed, configuration: configuration?.configuration ?? Configuration(), today: options.today)
        if options.warningsAsErrors {
            for index in list.indices where list[index].severity == .warning { list[index].severity = .error }
        }
        let report = DiagnosticReport(
            diagnostics: list, sources: files, redactions: context.secretRanges, inputCount: inputs.count, skipped: skipped)
        return LintResult(report: report, project: project)
    }

    /// The result of reading and decoding one chunk.
    struct Piece: Sendable {
        var definitions: Definitions
        var diagnostics: DiagnosticCollector
        var outcome: YAMLReader.Outcome
        /// Credential-like literals in the chunk's documents.
        var credentials: [SourceRange]
    }

    /// Reads and decodes one chunk, a document at a time, so each document's YAML tree is
    /// dropped as soon as it is decoded.
    static func decode(_ chunk: YAMLChunk, of bytes: [UInt8], file: FileID, limits: InputLimits) -> Piece {
        var readerDiagnostics = DiagnosticCollector()
        var decoder = DocumentDecoder()
        var credentials: [SourceRange] = []
        let outcome = YAMLReader(file: file, limits: limits).read(chunk, of: bytes, diagnostics: &readerDiagnostics) {
            decoder.decode($0)
            credentials += CredentialScanner.scan($0)
        }
        var (definitions, diagnostics) = decoder.finish()
        diagnostics.append(contentsOf: readerDiagnostics)
        return Piece(definitions: definitions, diagnostics: diagnostics, outcome: outcome, credentials: credentials)
    }

    /// Joins the pieces in file order. As when a file is read in one go, reading a file
    /// stops at its first unreadable chunk: later chunks' results are dropped and the
    /// definitions are marked incomplete.
    static func merge(
        _ pieces: [Piece], files: [Int], fileCount: Int, firstFile: Int, into diagnostics: inout DiagnosticCollector
    ) -> (Definitions, [SourceRange]) {
        var definitions = Definitions()
        var credentials: [SourceRange] = []
        var documents = [Int](repeating: 0, count: fileCount)
        var stopped = [Bool](repeating: false, count: fileCount)
        var readFile = [Bool](repeating: false, count: fileCount)
        for (piece, file) in zip(pieces, files) where !stopped[file] {
            readFile[file] = true
            definitions.append(contentsOf: piece.definitions)
            diagnostics.append(contentsOf: piece.diagnostics)
            credentials += piece.credentials
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
            let start = SourceRange.point(FileID(firstFile + file), line: 1, column: 1)
            diagnostics.report(
                .missingField, "file holds no document", at: start,
                notes: [Diagnostic.Note("each document is a mapping with 'apiVersion: portcullis/v1' and a 'kind'", at: start)])
        }
        return (definitions, credentials)
    }
}
