import PortcullisSupport

/// The source lines a report quotes, with their secret columns, for reporters that quote
/// or hash a line per finding.
///
/// The line starts of each file a finding points into, and the report's secrets by line, are
/// indexed once: looking a line up by scanning the file, and its secrets by scanning every
/// redaction, made rendering many findings quadratic (160,000 findings in a 1.6 MB file took
/// minutes). Read-only afterwards, so reporters may quote lines on several cores.
struct QuotedLines: Sendable {
    private let sources: SourceFiles
    private let lineStarts: [FileID: [Int]]
    /// The redactions that touch each line.
    private let secretsByLine: [SourceLine: [SourceRange]]
    /// Lines a finding says the reader could not take apart (``Diagnostic/pointsAtUnreadText``).
    private let unreadLines: Set<SourceLine>
    /// The later lines of such findings that span several (a value written over two lines),
    /// by file, merged and in order: another finding may quote one (an audit found a
    /// secret's second half quoted under a finding on the next line).
    private let unreadSpans: [FileID: [ClosedRange<UInt32>]]
    private let secretTexts: SecretTexts

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
        unreadLines = Set(report.diagnostics.lazy.filter(\.pointsAtUnreadText).map { SourceLine(file: $0.range.file, line: $0.range.start.line) })
        var spans: [FileID: [ClosedRange<UInt32>]] = [:]
        for diagnostic in report.diagnostics where diagnostic.pointsAtUnreadText && diagnostic.range.end.line > diagnostic.range.start.line {
            spans[diagnostic.range.file, default: []].append((diagnostic.range.start.line + 1)...diagnostic.range.end.line)
        }
        // Merged, so that they do not overlap and one search finds the only one that may hold a line.
        unreadSpans = spans.mapValues { found in
            found.sorted { $0.lowerBound < $1.lowerBound }.reduce(into: []) { merged, span in
                if let last = merged.last, span.lowerBound <= last.upperBound + 1 {
                    merged[merged.count - 1] = last.lowerBound...max(last.upperBound, span.upperBound)
                } else {
                    merged.append(span)
                }
            }
        }
        secretTexts = report.secretTexts
    }

    /// The text of 1-based line `number` of `file`, as ``SourceFile/line(_:starts:maxBytes:)``
    /// reads it: cut at ``quotedBytes``. `file` must be one a finding of the report points into.
    func text(line number: UInt32, of file: FileID) -> String? {
        sources[file].line(Int(number), starts: lineStarts[file] ?? [], maxBytes: Self.quotedBytes)
    }

    /// How much of a line is quoted, and how much more is read to judge its secrets: a
    /// credential cut at the end of what is quoted is found whole in what follows.
    private static let quotedBytes = 1 << 16
    private static let judgedBytes = quotedBytes + (1 << 12)

    /// The scalar offsets of line `line` of `file`, whose text is `text`, that hold a secret:
    /// those the report's redactions cover, and a comment the credential scanner flags. The
    /// whole comment is hidden, since a credential in prose can span words (`password = x`).
    /// On a line the reader could not take apart every value is hidden: no check of
    /// secrets read it, and a text check cannot tell what its values are (a flow mapping
    /// under `secrets:`, an attribute of broken XML).
    func secretColumns(line: UInt32, of file: FileID, text quoted: [Unicode.Scalar]) -> [Range<Int>] {
        var text = quoted
        if quoted.count >= Self.quotedBytes / 4, quoted.lazy.map({ UTF8.width($0) }).reduce(0, +) >= Self.quotedBytes,
            let longer = sources[file].line(Int(line), starts: lineStarts[file] ?? [], maxBytes: Self.judgedBytes)
        {
            text = Array(longer.unicodeScalars)
        }
        return (judgedColumns(line: line, of: file, text: text) + hiddenWords(in: text)).compactMap { columns in
            let clipped = columns.clamped(to: 0..<quoted.count)
            return clipped.isEmpty ? nil : clipped
        }
    }

    /// Whether `line` is a later line of a finding the reader could not take apart: the
    /// last span starting at or before it is the only one that may hold it.
    private func isInUnreadSpan(_ line: UInt32, of file: FileID) -> Bool {
        guard let spans = unreadSpans[file] else { return false }
        var low = 0
        var high = spans.count
        while low < high {
            let middle = (low + high) / 2
            if spans[middle].lowerBound <= line { low = middle + 1 } else { high = middle }
        }
        return low > 0 && spans[low - 1].contains(line)
    }

    /// ``secretColumns(line:of:text:)`` of `text`, the line read as far as it is judged.
    private func judgedColumns(line: UInt32, of file: FileID, text: [Unicode.Scalar]) -> [Range<Int>] {
        var columns = (secretsByLine[SourceLine(file: file, line: line)] ?? []).compactMap { secret -> Range<Int>? in
            let from = max(0, secret.start.line == line ? Int(secret.start.column) - 1 : 0)
            let to = min(text.count, secret.end.line == line ? Int(secret.end.column) - 1 : text.count)
            return from < to ? from..<to : nil
        }
        // What the reader could not take apart shows its names and nothing else, beside
        // what the report masks there (a key the credential scanner flags).
        if unreadLines.contains(SourceLine(file: file, line: line)) || isInUnreadSpan(line, of: file) { return columns + Self.values(in: text) }
        let comment = YAMLComment.start(in: text)
        if let comment, Self.proseHoldsACredential(text[(comment + 1)...]) {
            columns.append(comment..<text.count)
        }
        // A line without a redaction was not always judged: it may hold what the reader
        // took apart but no check of secrets read (a value of a field that is no secret's),
        // so it is judged here as text.
        let code = text[..<(comment ?? text.count)]
        if secretsByLine[SourceLine(file: file, line: line)] == nil, let exposed = Self.mayHoldACredential(code, keyAbove: { keyAbove(line, of: file) }) {
            columns.append(exposed)
        }
        // A flow mapping may go on from the line above (a value after its key, the rest of a
        // quoted value), and a comment may hold one commented out.
        let above = line > 1 ? self.text(line: line - 1, of: file).map { Self.flowMembers(Array($0.unicodeScalars)[...], entering: FlowState()).leaving } : nil
        let members = Self.flowMembers(code, entering: above ?? FlowState())
        return columns + members.found + (comment.map { Self.flowMembers(text[($0 + 1)...], entering: FlowState()).found } ?? [])
    }

    /// The words of `text` (between blanks, brackets, quotes and `=`) that a message naming
    /// them would hide: one the credential scanner flags (a key, an element's or an
    /// attribute's name), nothing but a generated key (audit V76: `[key]` as a field's name
    /// showed), or one of the report's secret texts (a secret's literal value,
    /// repeated where no redaction is). The last guard, as ``DisplayText/message(_:)`` is
    /// for messages (found by an audit: the message hid what the quoted line showed).
    /// A secret's text is looked for in the parts of a word too, between `/`, `:`, `?`,
    /// `&`, `;` and `.` (a secret in a URL's path; found by the audit of the change), as
    /// ``SecretTexts`` looks for it in a message's quoted parts.
    /// The words are read again joined at `=`, and so are a quoted text and the key a line
    /// starts with, whole: a connection string written as a key (`Server=db;Password=…`,
    /// `Password = …`, `Password='…'`) or `Authorization=Bearer …` is a credential whole,
    /// and none of its parts is one (audits V26 and V27: such a key showed on a line the
    /// reader could not take apart, which the message hid).
    private func hiddenWords(in text: [Unicode.Scalar]) -> [Range<Int>] {
        var hidden: [Range<Int>] = []
        func judge(_ range: Range<Int>, unquoting quote: Unicode.Scalar? = nil) {
            guard range.count >= 4 else { return }
            var word = String(String.UnicodeScalarView(text[range]))
            // As YAML reads a quoted text: `''` is a quote in a single-quoted one, `\"` in a
            // double-quoted one.
            if quote == "'" { word = word.replacing("''", with: "'") } else if quote == "\"" { word = word.replacing("\\\"", with: "\"") }
            if CredentialScanner.looksLikeCredential(word) || CredentialScanner.looksLikeABareKey(word) || (!secretTexts.isEmpty && secretTexts.shows(word[...])) {
                hidden.append(range)
            }
        }
        for joinedAtEquals in [false, true] {
            var start = 0
            for (index, scalar) in text.enumerated() where Self.endsAWord(scalar) && !(joinedAtEquals && scalar == "=") {
                judge(start..<index)
                start = index + 1
            }
            judge(start..<text.count)
        }
        for range in Self.quotedTexts(in: text) { judge(range, unquoting: text[range.lowerBound - 1]) }
        if let key = Self.leadingKey(in: text) { judge(key) }
        // A generated key inside a word, after a character no key has (`éKEY`, `KEY;`).
        return hidden + CredentialScanner.keyRuns(in: text)
    }

    /// The texts between a quote and the next of its kind that closes it, as YAML reads
    /// them: `\"` goes on inside a double-quoted text, `''` inside a single-quoted one
    /// (audit V28: an escaped quote split a key whose credential then showed).
    private static func quotedTexts(in text: [Unicode.Scalar]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = 0
        while index < text.count {
            let quote = text[index]
            guard quote == "\"" || quote == "'" else {
                index += 1
                continue
            }
            var close = index + 1
            while close < text.count {
                if quote == "\"", text[close] == "\\" {
                    close += 2
                } else if text[close] == quote, quote == "'", close + 1 < text.count, text[close + 1] == "'" {
                    close += 2
                } else if text[close] == quote {
                    break
                } else {
                    close += 1
                }
            }
            guard close < text.count else { break }
            found.append((index + 1)..<close)
            index = close + 1
        }
        return found
    }

    /// The plain key a line starts with, after blanks and a sequence's `- `: to the first `:`
    /// that ends it (before a blank or the line's end); a quoted one is a quoted text.
    private static func leadingKey(in text: [Unicode.Scalar]) -> Range<Int>? {
        var start = 0
        while start < text.count, text[start] == " " || text[start] == "\t" || (text[start] == "-" && start + 1 < text.count && text[start + 1] == " ") { start += 1 }
        guard start < text.count, text[start] != "\"", text[start] != "'" else { return nil }
        var index = start
        while index < text.count {
            if text[index] == ":", index + 1 == text.count || text[index + 1] == " " || text[index + 1] == "\t" { return start < index ? start..<index : nil }
            index += 1
        }
        return nil
    }

    private static func endsAWord(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", ",", "[", "]", "{", "}", "(", ")", "\"", "'", "<", ">", "=": true
        default: false
        }
    }

    /// Where a flow mapping read to a line's end stands: after a key whose value is on the
    /// next line, or inside a quoted value.
    private struct FlowState {
        var pendingKey: String?
        /// The quote of a value the line ends inside, and whether its key calls it a credential.
        var openQuote: Unicode.Scalar?
        var quotedCredential = false
    }

    /// The values of a flow mapping's or a JSON object's members in `text` whose key calls
    /// them a credential, read as ``mayHoldACredential(_:keyAbove:)`` reads a line's first
    /// key: a document, a JSON specification or a manifest written on one line holds many
    /// keys (`{"clientSecret": …, "sas_token": …}`), whatever a check made of them. The
    /// language's references (`{secret: name}`) name no secret. `entering` is where the line
    /// above left off.
    private static func flowMembers(_ text: ArraySlice<Unicode.Scalar>, entering: FlowState) -> (found: [Range<Int>], leaving: FlowState) {
        var found: [Range<Int>] = []
        var leaving = FlowState()
        var index = text.startIndex
        var depth = 0
        // Whether a member's key may start here: after `{` or a `,` inside braces.
        var atKey = false
        func skipBlanks() { while index < text.endIndex, text[index] == " " || text[index] == "\t" { index += 1 } }
        /// The end of the quoted text whose content starts at `start` (after its closing
        /// quote, or the line's end), with YAML's escapes: `\"` in double quotes, `''` in single.
        func endOfQuoted(_ quote: Unicode.Scalar, contentFrom start: Int) -> (end: Int, closed: Bool) {
            var end = start
            while end < text.endIndex {
                if quote == "\"", text[end] == "\\" {
                    end += 2
                    continue
                }
                if text[end] == quote {
                    guard quote == "'", end + 1 < text.endIndex, text[end + 1] == "'" else { return (end + 1, true) }
                    end += 2
                    continue
                }
                end += 1
            }
            return (text.endIndex, false)
        }
        /// Reads the value at `index` of the member `key`, hiding it when the key calls it a credential.
        func value(of key: String) {
            skipBlanks()
            guard index < text.endIndex else {
                leaving.pendingKey = key
                return
            }
            guard text[index] != "{" else { return }
            if text[index] == "[" {
                // Each item of a flow sequence is the key's value (found by an audit:
                // `x-functions-key: [KEY]` was quoted in clear); a nested collection is left
                // to the walk.
                index += 1
                while true {
                    skipBlanks()
                    guard index < text.endIndex, !"[]{".unicodeScalars.contains(text[index]) else { return }
                    scalar(of: key)
                    skipBlanks()
                    guard leaving.openQuote == nil, index < text.endIndex, text[index] == "," else { return }
                    index += 1
                }
            }
            scalar(of: key)
        }
        /// Reads the scalar at `index` under `key`, hiding it when the key calls it a credential.
        func scalar(of key: String) {
            let valueStart = index
            let quote = text[index]
            if quote == "\"" || quote == "'" {
                let (end, closed) = endOfQuoted(quote, contentFrom: index + 1)
                index = end
                if !closed {
                    leaving.openQuote = quote
                    leaving.quotedCredential = keyCallsACredential(key)
                    if leaving.quotedCredential { found.append(valueStart..<index) }
                    return
                }
            } else {
                while index < text.endIndex, !",}]".unicodeScalars.contains(text[index]) { index += 1 }
            }
            let written = unquoted(text[valueStart..<index])
            if namesACredential(key, written), CredentialScanner.isWrittenOut(written) { found.append(valueStart..<index) }
        }
        if let quote = entering.openQuote {
            let (end, _) = endOfQuoted(quote, contentFrom: index)
            if entering.quotedCredential { found.append(index..<end) }
            index = end
        } else if let key = entering.pendingKey {
            value(of: key)
        }
        while index < text.endIndex, leaving.openQuote == nil {
            let scalar = text[index]
            if scalar == "{" {
                depth += 1
                atKey = true
                index += 1
                continue
            }
            if scalar == "}" || scalar == "]" || scalar == "[" {
                if scalar == "}" { depth = max(0, depth - 1) }
                atKey = false
                index += 1
                continue
            }
            if scalar == "," {
                atKey = depth > 0 || entering.pendingKey != nil || entering.openQuote != nil
                index += 1
                continue
            }
            guard atKey, scalar != " ", scalar != "\t" else {
                if scalar == "\"" || scalar == "'" { index = endOfQuoted(scalar, contentFrom: index + 1).end } else { index += 1 }
                continue
            }
            atKey = false
            // The key: quoted (escapes read), or plain up to a `:` that a blank follows.
            let keyStart = index
            if scalar == "\"" || scalar == "'" {
                index = endOfQuoted(scalar, contentFrom: index + 1).end
            } else {
                while index < text.endIndex, !",{}[]".unicodeScalars.contains(text[index]),
                    !(text[index] == ":" && (index + 1 == text.endIndex || text[index + 1] == " " || text[index + 1] == "\t"))
                {
                    index += 1
                }
            }
            let key = scalar == "\"" ? SecretTexts.unescaped(unquoted(text[keyStart..<index])[...]) : unquoted(text[keyStart..<index])
            skipBlanks()
            guard index < text.endIndex, text[index] == ":" else { continue }
            index += 1
            guard !referenceKeys.contains(key) else { continue }
            value(of: key)
        }
        return (found, leaving)
    }

    /// Whether a value written under `key` would be hidden (``namesACredential(_:_:)``),
    /// for a value not yet read whole.
    private static func keyCallsACredential(_ key: String) -> Bool {
        namesACredential(key, String(repeating: "x", count: shortestLooseSecret))
    }

    /// The columns of `text` that may hold a value. Of markup (a line that starts with `<`),
    /// all but element and attribute names and the marks between them: text, comments,
    /// CDATA, attribute values quoted or not, and whatever follows a stray quote. Otherwise
    /// what follows the line's key (`key: …`), or all of it after its indentation and list
    /// dashes.
    private static func values(in text: [Unicode.Scalar]) -> [Range<Int>] {
        var start = text.firstIndex { $0 != " " && $0 != "\t" } ?? text.count
        while start + 1 < text.count, text[start] == "-", text[start + 1] == " " || text[start + 1] == "\t" {
            start = text[(start + 1)...].firstIndex { $0 != " " && $0 != "\t" } ?? text.count
        }
        guard start < text.count else { return [] }
        guard text[start] == "<" else {
            // A key is shown only where the line starts with one: plain text before a colon
            // that holds a flow indicator is the end of a value begun above (`SECRET], kind:`).
            let quoted = text[start] == "\"" || text[start] == "'"
            let valueStart =
                key(in: text[...], from: start).flatMap { key, colon in
                    !quoted && key.unicodeScalars.contains { ",[]{}".unicodeScalars.contains($0) }
                        ? nil : text[(colon + 1)...].firstIndex { $0 != " " && $0 != "\t" } ?? text.count
                } ?? start
            return valueStart < text.count ? [valueStart..<text.count] : []
        }
        // Kept: `<`, `</`, `/>`, `>`, `=`, white space, an element's name right after `<`
        // and an attribute's name right before `=`. Everything else is hidden.
        var shown = [Bool](repeating: false, count: text.count)
        func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == ":" || scalar == "."
        }
        var index = start
        var inTag = false
        while index < text.count {
            let scalar = text[index]
            if scalar == "<", index + 1 < text.count, text[index + 1] == "!" || text[index + 1] == "?" {
                // A comment, CDATA or instruction: hidden to its end, marks included.
                inTag = false
                index += 1
                continue
            }
            if scalar == "<" {
                shown[index] = true
                inTag = true
                var name = index + 1
                if name < text.count, text[name] == "/" {
                    shown[name] = true
                    name += 1
                }
                while name < text.count, isNameScalar(text[name]) {
                    shown[name] = true
                    name += 1
                }
                index = name
                continue
            }
            guard inTag else {
                index += 1
                continue
            }
            if scalar == ">" || scalar == "/" || scalar == "=" || scalar == " " || scalar == "\t" {
                shown[index] = true
                if scalar == ">" { inTag = false }
                index += 1
                continue
            }
            if isNameScalar(scalar) {
                // An attribute's name is shown when `=` follows it.
                var end = index
                while end < text.count, isNameScalar(text[end]) { end += 1 }
                var next = end
                while next < text.count, text[next] == " " || text[next] == "\t" { next += 1 }
                if next < text.count, text[next] == "=" { for position in index..<end { shown[position] = true } }
                index = end
                continue
            }
            if scalar == "\"" || scalar == "'" {
                // Hidden to the closing quote; a value with a quote of its kind inside
                // (`"@("x")"`) is hidden to the end of the tag or line.
                var end = text[(index + 1)...].firstIndex(of: scalar) ?? text.count
                if end + 1 < text.count, !(text[end + 1] == " " || text[end + 1] == "\t" || text[end + 1] == "/" || text[end + 1] == ">") {
                    end = text[(end + 1)...].firstIndex(of: ">") ?? text.count
                }
                index = end + 1
                continue
            }
            index += 1
        }
        var columns: [Range<Int>] = []
        var runStart: Int?
        for position in start...text.count {
            let hidden = position < text.count && !shown[position]
            if hidden, runStart == nil { runStart = position }
            if !hidden, let from = runStart {
                if text[from..<position].contains(where: { $0 != " " && $0 != "\t" }) { columns.append(from..<position) }
                runStart = nil
            }
        }
        return columns
    }

    /// The key of the nearest line above `line` that holds code, when it is a key without a
    /// value (`password:`): what a value alone on its line stands under. Indentation is not
    /// compared: a line the reader refused may be indented with a tab.
    private func keyAbove(_ line: UInt32, of file: FileID) -> String? {
        var number = line
        while number > 1, line - number < 8 {
            number -= 1
            guard let above = text(line: number, of: file) else { return nil }
            let scalars = Array(above.unicodeScalars)
            let code = scalars[..<(YAMLComment.start(in: scalars) ?? scalars.count)]
            guard let start = code.firstIndex(where: { $0 != " " && $0 != "\t" }) else { continue }
            guard let (key, colon) = Self.key(in: code, from: start), code[(colon + 1)...].allSatisfy({ $0 == " " || $0 == "\t" }) else { return nil }
            return key
        }
        return nil
    }

    /// Whether prose (a comment, a suppression's reason) holds a credential: the credential
    /// scanner flags it, or it starts `key: value` with a key that calls the value one.
    static func proseHoldsACredential(_ text: String) -> Bool {
        proseHoldsACredential(Array(text.unicodeScalars)[...])
    }

    private static func proseHoldsACredential(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        if mayHoldACredential(text, keyAbove: { nil }) != nil { return true }
        // A `key: value` after other words (`note: apiKey: 9f8e…`), or glued (`apiKey:9f8e…`):
        // found by audits.
        return ProsePairs.contains(in: String(scalars: text)) { key, value in
            let value = unquoted(Array(value.unicodeScalars)[...])
            return namesACredential(unquoted(Array(key.unicodeScalars)[...]), value) && CredentialScanner.isWrittenOut(value)
        }
    }

    /// The columns of `text` to hide when it looks like it holds a credential: after its
    /// indentation when the credential scanner flags it, else the value of a `key: value`
    /// whose key names a credential (`password: x`, or misspelt, `clientSecrett: x`), or a
    /// value alone on its line under such a key (`keyAbove`),
    /// unless the value is a `{{reference}}` or a `<placeholder>`.
    private static func mayHoldACredential(_ text: ArraySlice<Unicode.Scalar>, keyAbove: () -> String?) -> Range<Int>? {
        let start = text.firstIndex { $0 != " " && $0 != "\t" } ?? text.endIndex
        guard start < text.endIndex else { return nil }
        if CredentialScanner.looksLikeCredential(String(scalars: text[start...])) { return start..<text.endIndex }
        let key: String
        let valueStart: Int
        if let (written, colon) = Self.key(in: text, from: start) {
            (key, valueStart) = (written, text[(colon + 1)...].firstIndex { $0 != " " && $0 != "\t" } ?? text.endIndex)
        } else if let above = keyAbove() {
            (key, valueStart) = (above, start)
        } else {
            return nil
        }
        let value = unquoted(text[valueStart...])
        guard namesACredential(key, value), CredentialScanner.isWrittenOut(value) else { return nil }
        return valueStart..<text.endIndex
    }

    /// The key of a `key: value` line (after any `- `) and the offset of its colon.
    private static func key(in text: ArraySlice<Unicode.Scalar>, from start: Int) -> (String, Int)? {
        var keyStart = start
        while keyStart + 1 < text.endIndex, text[keyStart] == "-", text[keyStart + 1] == " " { keyStart += 2 }
        guard let colon = text[keyStart...].indices.first(where: { text[$0] == ":" && ($0 + 1 == text.endIndex || text[$0 + 1] == " " || text[$0 + 1] == "\t") })
        else { return nil }
        return (unquoted(text[keyStart..<colon]), colon)
    }

    private static func unquoted(_ part: ArraySlice<Unicode.Scalar>) -> String {
        let isPadding: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" }
        let from = part.firstIndex { !isPadding($0) } ?? part.endIndex
        let to = part.lastIndex { !isPadding($0) }.map { $0 + 1 } ?? from
        return String(scalars: part[from..<max(from, to)])
    }

    /// Whether `key` calls `value` a credential, read loosely: only a quoted line is at
    /// stake, so a misspelt key (`clientSecrett`, `pasword`) is read by its stem, and keys
    /// ending in `token`, `key` or `sig` count (not the language's own `key` field), for a
    /// value long enough to be a secret.
    private static func namesACredential(_ key: String, _ value: String) -> Bool {
        if CredentialScanner.isCredential(value, under: key) { return true }
        guard value.utf8.count >= shortestLooseSecret else { return false }
        let stem = key.lowercased()
        if credentialStems.contains(where: { stem.holds($0) }) { return true }
        return stem != "key" && ["token", "key", "sig"].contains { stem.hasSuffix($0) }
    }

    /// Keys of the language's references to secret material, `{secret: name}` and
    /// `{keyVault: uri}`: what they give names a secret, and is no secret.
    private static let referenceKeys: Set<String> = ["secret", "keyVault"]

    /// Values shorter than this are not hidden on a loose reading of their key: `key: 1`.
    private static let shortestLooseSecret = 6

    private static let credentialStems: [StaticString] = [
        "secret", "passw", "pasw", "pwd", "credential", "apikey", "api-key", "api_key", "bearer", "authoriz", "connection",
    ]

    /// Every line a redaction touches. Secrets are distinct scalars, which do not overlap, so
    /// the index is no larger than the lines they span.
    private static func index(_ redactions: [SourceRange]) -> [SourceLine: [SourceRange]] {
        var index: [SourceLine: [SourceRange]] = [:]
        for secret in redactions where secret.start.line <= secret.end.line {
            for line in secret.start.line...secret.end.line {
                index[SourceLine(file: secret.file, line: line), default: []].append(secret)
            }
        }
        return index
    }
}
