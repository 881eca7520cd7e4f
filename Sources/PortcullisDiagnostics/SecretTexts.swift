import PortcullisSupport

/// The texts a run's redactions cover. A message that quotes one is hiding nothing from
/// the credential scanner: a value may be secret only because of where it is written (a
/// secret's literal `value`), and a YAML alias repeats it where any rule may quote it
/// (an audience, an origin). Quoted parts that are one of these texts are hidden.
///
/// They are compared by their letters and digits alone, so a text is found however a
/// message shows it: a block scalar's indicator and line breaks, a quoted scalar's escapes
/// and a message's `\n` for a line break all drop out. A quoted part cut short (`...`, as
/// messages cut a long key) is hidden when it starts a text and is long enough to be no
/// accident; one not cut must be a whole text (a mapping's redaction would otherwise hide
/// its keys wherever a message names them).
public struct SecretTexts: Sendable {
    /// The texts' letters and digits, sorted, for a search by prefix.
    private let texts: [String]
    /// The texts of ``shortestPrefix`` scalars or more, by their first ones: what a reason's
    /// prose is searched for in one pass (testing each text in each reason made 8,000
    /// silenced secrets lint in 220 s: audit V62).
    private let byPrefix: [String: [[Unicode.Scalar]]]
    /// How far apart two quotes that are not next to each other are tried: a text that
    /// holds a quote itself, each of its scalars in up to ten bytes (escaped), with what
    /// sets them off. A part between the next two quotes is always tried.
    private let longestShown: Int

    /// Texts shorter than this, in letters and digits, are not hidden: they would hide
    /// ordinary words.
    private static let shortest = 4
    /// A quoted part cut short that starts a text is hidden from this length on.
    private static let shortestPrefix = 8

    public init(_ redactions: [SourceRange], in sources: SourceFiles) {
        var texts = Set<String>()
        var starts: [FileID: [Int]] = [:]
        // Each line is decoded once, however many redactions it holds: a flow mapping of
        // thousands of secrets is one line.
        var lines: [SourceLine: [Unicode.Scalar]] = [:]
        var longest = 0
        func line(_ number: UInt32, of file: FileID) -> [Unicode.Scalar] {
            let key = SourceLine(file: file, line: number)
            if let known = lines[key] { return known }
            if starts[file] == nil { starts[file] = sources[file].lineStarts() }
            let scalars = Array((sources[file].line(Int(number), starts: starts[file]!) ?? "").unicodeScalars)
            lines[key] = scalars
            return scalars
        }
        for range in redactions where range.start < range.end && range.end.line - range.start.line < 64 {
            var pieces: [String] = []
            for number in range.start.line...range.end.line {
                let scalars = line(number, of: range.file)
                let from = number == range.start.line ? min(scalars.count, max(0, Int(range.start.column) - 1)) : 0
                let to = number == range.end.line ? min(scalars.count, max(from, Int(range.end.column) - 1)) : scalars.count
                pieces.append(String(String.UnicodeScalarView(scalars[from..<to])))
            }
            // A redaction in raw policy XML holds its character references, which messages
            // quote read (`&amp;` as `&`): both are hidden.
            for text in Self.readings(of: pieces).flatMap({ $0.contains("&") ? [$0, XMLReferences.read($0)] : [$0] }) {
                let letters = Self.lettersAndDigits(text)
                if letters.unicodeScalars.count >= Self.shortest {
                    texts.insert(letters)
                    longest = max(longest, text.unicodeScalars.count)
                }
            }
        }
        self.texts = texts.sorted()
        // By the whole text, what sets its letters apart too (audit V89: a secret of eight
        // letters among sixty `!`s was shown), each scalar as a message may escape it
        // (`\u{200e}`, up to ten bytes; audit V95).
        longestShown = 10 * longest + 16
        var byPrefix: [String: [[Unicode.Scalar]]] = [:]
        for text in self.texts where text.unicodeScalars.count >= Self.shortestPrefix {
            let scalars = Array(text.unicodeScalars)
            byPrefix[String(String.UnicodeScalarView(scalars[..<Self.shortestPrefix])), default: []].append(scalars)
        }
        self.byPrefix = byPrefix
    }

    /// Whether `letters` holds one of the texts of ``shortestPrefix`` scalars or more.
    private func holdsALongText(_ letters: String) -> Bool {
        guard !byPrefix.isEmpty else { return false }
        let scalars = Array(letters.unicodeScalars)
        guard scalars.count >= Self.shortestPrefix else { return false }
        for start in 0...(scalars.count - Self.shortestPrefix) {
            guard let candidates = byPrefix[String(String.UnicodeScalarView(scalars[start..<(start + Self.shortestPrefix)]))] else { continue }
            if candidates.contains(where: { $0.count <= scalars.count - start && scalars[start..<(start + $0.count)].elementsEqual($0) }) { return true }
        }
        return false
    }

    /// The letters and digits of `text`, in order; with `escaped`, without the escapes a
    /// message writes: the scalar after each backslash (`\n`), and `\u{…}` whole.
    private static func lettersAndDigits(_ text: Substring, escaped: Bool = false) -> String {
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            if escaped, scalar == "\\", let next = scalars.popFirst() {
                if next == "u", scalars.first == "{", let close = scalars.firstIndex(of: "}") { scalars = scalars[scalars.index(after: close)...] }
                continue
            }
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { result.append(scalar) }
        }
        return String(result)
    }

    private static func lettersAndDigits(_ text: String) -> String { lettersAndDigits(text[...]) }

    /// Whether a quoted part of a message shows one of the texts (see the type's comment).
    func shows(_ quoted: Substring) -> Bool {
        if showsWhole(quoted) { return true }
        // A part set off by what is no letter or digit may be one (`/S3cr3t/x`, `x-S3cr3t`,
        // `user:S3cr3t@host`; found by audits).
        let parts = quoted.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return parts.count > 1 && parts.contains { showsWhole($0) }
    }

    private func showsWhole(_ quoted: Substring) -> Bool {
        let cut = quoted.hasSuffix("...")
        let part = cut ? quoted.dropLast(3) : quoted
        // A backslash in a message is an escape the message made (`\n`, `\u{200E}`) or one
        // the text holds: both readings are tried.
        return [false, true].contains { escaped in
            let letters = Self.lettersAndDigits(part, escaped: escaped)
            guard letters.unicodeScalars.count >= Self.shortest else { return false }
            // The first text not before `letters`: equal to it, or, when `letters` starts
            // some text, one that it starts.
            let index = firstIndex(notBefore: letters)
            guard index < texts.count else { return false }
            return texts[index] == letters || (cut && letters.unicodeScalars.count >= Self.shortestPrefix && texts[index].hasPrefix(letters))
        }
    }

    private func firstIndex(notBefore key: String) -> Int {
        var (low, high) = (0, texts.count)
        while low < high {
            let middle = (low + high) / 2
            if texts[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// What a message may quote of the scalar written as `pieces` (its lines): without an
    /// anchor or a tag before it, its lines folded into one, and for a quoted scalar its
    /// content, escapes read (`\x78`, `''`).
    private static func readings(of pieces: [String]) -> [String] {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        var text = Substring(pieces.map { $0.drop(while: isBlank) }.joined(separator: " ").drop(while: isBlank))
        while text.first == "&" || text.first == "!" || text.first == "|" || text.first == ">" {
            guard let space = text.firstIndex(where: isBlank) else { return [] }
            text = text[space...].drop(while: isBlank)
        }
        while text.last.map(isBlank) == true { text = text.dropLast() }
        guard text.count > 1, let first = text.first, first == "\"" || first == "'", text.last == first else { return [String(text)] }
        let content = text.dropFirst().dropLast()
        return [String(text), first == "'" ? String(content.replacing("''", with: "'")) : unescaped(content)]
    }

    /// A double-quoted scalar's content with YAML's escapes read; one not understood is kept.
    static func unescaped(_ content: Substring) -> String {
        var result = ""
        var rest = content.unicodeScalars[...]
        while let scalar = rest.popFirst() {
            guard scalar == "\\", let kind = rest.popFirst() else {
                result.unicodeScalars.append(scalar)
                continue
            }
            let width: Int? = ["x": 2, "u": 4, "U": 8][Character(kind)]
            if let width, rest.count >= width, let value = UInt32(String(String.UnicodeScalarView(rest.prefix(width))), radix: 16),
                let decoded = Unicode.Scalar(value)
            {
                result.unicodeScalars.append(decoded)
                rest = rest.dropFirst(width)
                continue
            }
            let simple: [Unicode.Scalar: Unicode.Scalar] = ["n": "\n", "t": "\t", "\\": "\\", "\"": "\"", "/": "/", " ": " ", "0": "\0", "r": "\r"]
            if let decoded = simple[kind] { result.unicodeScalars.append(decoded) } else { result.unicodeScalars.append(contentsOf: [scalar, kind]) }
        }
        return result
    }

    public var isEmpty: Bool { texts.isEmpty }

    /// `prose` (a suppression's reason) with each word that is one of the texts hidden, as
    /// well as each quoted part (``hiding(in:)``), or all of it when it holds a long text:
    /// an author names a secret unquoted too.
    public func hiding(inProse prose: String) -> String {
        guard !texts.isEmpty else { return prose }
        // A text long enough to be no accident anywhere in it, however it is set off
        // (`was:SECRET`, a tab), hides all of it.
        if holdsALongText(Self.lettersAndDigits(prose[...])) { return DisplayText.hiddenCredential }
        let words = hiding(in: prose).split(separator: " ", omittingEmptySubsequences: false)
        return words.map { shows($0) ? DisplayText.hiddenCredential : String($0) }.joined(separator: " ")
    }

    /// `message` with each part between two single quotes that is one of the texts, the
    /// quotes included, replaced by words saying it holds a credential. Each pair of quotes
    /// is tried, the next quote always and others no further apart than a text can be shown
    /// in, since a text may hold a quote itself: every pair of a message of many quotes took
    /// minutes (found by an audit).
    public func hiding(in message: String) -> String {
        guard !texts.isEmpty, message.holds("'") else { return message }
        let quotes = message.utf8.indices.filter { message.utf8[$0] == UInt8(ascii: "'") }
        guard quotes.count >= 2 else { return message }
        // A message of many quotes whose letters and digits hold none of the texts shows
        // none (a part cut short, `...`, aside): told once, before the pairs are tried. A
        // message of few quotes tries its few pairs, each by a search of the sorted texts.
        if quotes.count > 16, !message.holds("...") {
            let readings = [Self.lettersAndDigits(message[...]), Self.lettersAndDigits(message[...], escaped: true)]
            guard texts.contains(where: { text in readings.contains { $0.contains(text) } }) else { return message }
        }
        let utf8 = message.utf8
        func hidden(_ open: String.Index, _ close: String.Index) -> String {
            hiding(in: String(message[..<open]) + DisplayText.hiddenCredential + String(message[message.index(after: close)...]))
        }
        // Each two quotes next to each other first, as a list of quoted parts pairs them
        // (`'Authorization', 'TEXT'`: the quotes around `, ` and the text were taken for a
        // pair, and the first part lost its closing quote, audit V81). A part of a quoted
        // part counts only there: between distant quotes it would hide the words between
        // two quoted parts.
        for (open, close) in zip(quotes, quotes.dropFirst()) where shows(message[message.index(after: open)..<close]) {
            return hidden(open, close)
        }
        // Then quotes further apart, no further than a text can be shown in: a text may
        // hold a quote itself.
        for (position, open) in quotes.enumerated() {
            for close in quotes.dropFirst(position + 2) {
                guard utf8.distance(from: open, to: close) <= longestShown else { break }
                if showsWhole(message[message.index(after: open)..<close]) { return hidden(open, close) }
            }
        }
        return message
    }
}
