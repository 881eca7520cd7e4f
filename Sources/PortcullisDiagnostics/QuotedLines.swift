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
        let comment = YAMLComment.start(in: text)
        if let comment, Self.mayHoldACredential(text[(comment + 1)...]) != nil {
            columns.append(comment..<text.count)
        }
        // What no redaction covers was not always judged: a line the reader could not take
        // apart (a syntax error, a repeated key, a misspelt field) never reached the check
        // of scalars, so the line is judged here as text.
        // A line with a redaction was judged: its scalars were read.
        if secretsByLine[LineKey(file: file, line: line)] == nil, let exposed = Self.mayHoldACredential(text[..<(comment ?? text.count)]) {
            columns.append(exposed)
        }
        return columns
    }

    /// The columns of `text` to hide when it looks like it holds a credential: after its
    /// indentation when the credential scanner flags it, else the value of a `key: value`
    /// whose key names a credential (`password: x`, or misspelt, `clientSecrett: x`), unless
    /// the value is a `{{reference}}` or a `<placeholder>`.
    private static func mayHoldACredential(_ text: ArraySlice<Unicode.Scalar>) -> Range<Int>? {
        let start = text.firstIndex { $0 != " " && $0 != "\t" } ?? text.endIndex
        guard start < text.endIndex else { return nil }
        if CredentialScanner.looksLikeCredential(String(scalars: text[start...])) { return start..<text.endIndex }
        var keyStart = start
        while keyStart + 1 < text.endIndex, text[keyStart] == "-", text[keyStart + 1] == " " { keyStart += 2 }
        guard let colon = text[keyStart...].indices.first(where: { text[$0] == ":" && ($0 + 1 == text.endIndex || text[$0 + 1] == " " || text[$0 + 1] == "\t") })
        else { return nil }
        func unquoted(_ part: ArraySlice<Unicode.Scalar>) -> String {
            let isPadding: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" }
            let from = part.firstIndex { !isPadding($0) } ?? part.endIndex
            let to = part.lastIndex { !isPadding($0) }.map { $0 + 1 } ?? from
            return String(scalars: part[from..<max(from, to)])
        }
        let (key, value) = (unquoted(text[keyStart..<colon]), unquoted(text[(colon + 1)...]))
        // A misspelt key (`clientSecrett`) is read by its stem: only the quote is at stake.
        let stem = key.lowercased()
        let named = CredentialScanner.isCredential(value, under: key) || Self.credentialStems.contains { stem.holds($0) }
        guard named, CredentialScanner.isWrittenOut(value) else { return nil }
        return (text[(colon + 1)...].firstIndex { $0 != " " && $0 != "\t" } ?? text.endIndex)..<text.endIndex
    }

    private static let credentialStems: [StaticString] = ["secret", "passw", "pwd", "credential", "apikey", "api-key", "api_key"]

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
