import PortcullisSupport

/// The source lines a report quotes, with their secret columns, for reporters that quote
/// or hash a line per finding.
///
/// The line starts of each file a finding points into, and the report's secrets by line, are
/// indexed once: looking a line up by scanning the file, and its secrets by scanning every
/// redaction, made rendering many findings quadratic (160,000 findings in a 1.6 MB file took
/// minutes). Read-only afterwards, so reporters may quote lines on several cores.
struct QuotedLines: Sendable {
    private struct LineKey: Hashable {
        var file: FileID
        var line: UInt32
    }

    private let sources: SourceFiles
    private let lineStarts: [FileID: [Int]]
    /// The redactions that touch each line.
    private let secretsByLine: [LineKey: [SourceRange]]

    init(_ report: DiagnosticReport) {
        sources = report.sources
        var lastQuoted: [FileID: Int] = [:]
        for diagnostic in report.diagnostics {
            lastQuoted[diagnostic.range.file] = max(lastQuoted[diagnostic.range.file] ?? 0, Int(diagnostic.range.start.line))
        }
        // Reporters quote a finding's first line; a file is indexed only that far.
        var lineStarts: [FileID: [Int]] = [:]
        for (file, line) in lastQuoted { lineStarts[file] = report.sources[file].lineStarts(through: line) }
        self.lineStarts = lineStarts
        secretsByLine = Self.index(report.redactions)
    }

    /// The text of 1-based line `number` of `file`, as ``SourceFile/line(_:maxBytes:)`` reads it.
    /// `file` must be one a finding of the report points into.
    func text(line number: UInt32, of file: FileID) -> String? {
        sources[file].line(Int(number), starts: lineStarts[file] ?? [])
    }

    /// The scalar offsets of line `line` of `file`, whose text is `text`, that hold a secret:
    /// those the report's redactions cover, and a comment the credential scanner flags. The
    /// whole comment is hidden, since a credential in prose can span words (`password = x`).
    func secretColumns(line: UInt32, of file: FileID, text: [Unicode.Scalar]) -> [Range<Int>] {
        var columns = (secretsByLine[LineKey(file: file, line: line)] ?? []).compactMap { secret -> Range<Int>? in
            let from = max(0, secret.start.line == line ? Int(secret.start.column) - 1 : 0)
            let to = min(text.count, secret.end.line == line ? Int(secret.end.column) - 1 : text.count)
            return from < to ? from..<to : nil
        }
        if let comment = YAMLComment.start(in: text),
            CredentialScanner.looksLikeCredential(String(scalars: text[comment...]))
        {
            columns.append(comment..<text.count)
        }
        return columns
    }

    /// Every line a redaction touches. Secrets are distinct scalars, which do not overlap, so
    /// the index is no larger than the lines they span.
    private static func index(_ redactions: [SourceRange]) -> [LineKey: [SourceRange]] {
        var index: [LineKey: [SourceRange]] = [:]
        for secret in redactions where secret.start.line <= secret.end.line {
            for line in secret.start.line...secret.end.line {
                index[LineKey(file: secret.file, line: line), default: []].append(secret)
            }
        }
        return index
    }
}
