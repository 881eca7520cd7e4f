import PortcullisSupport

/// The texts a run's redactions cover. A message that quotes one is hiding nothing from
/// the credential scanner: a value may be secret only because of where it is written (a
/// secret's literal `value`), and a YAML alias repeats it where any rule may quote it
/// (an audience, an origin). Quoted parts equal to one of these texts are hidden.
public struct SecretTexts: Sendable {
    private let texts: Set<String>

    /// Texts shorter than this are not hidden: they would hide ordinary words.
    private static let shortest = 4

    public init(_ redactions: [SourceRange], in sources: SourceFiles) {
        var texts = Set<String>()
        var starts: [FileID: [Int]] = [:]
        // Each line is decoded once, however many redactions it holds: a flow mapping of
        // thousands of secrets is one line.
        var lines: [SourceLine: [Unicode.Scalar]] = [:]
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
            for text in Self.readings(of: pieces) where text.count >= Self.shortest { texts.insert(text) }
        }
        self.texts = texts
    }

    /// What a message may quote of the scalar written as `pieces` (its lines): without an
    /// anchor or a tag before it, its lines folded into one, and for a quoted scalar its
    /// content, escapes read (`\x78`, `''`).
    private static func readings(of pieces: [String]) -> [String] {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        var text = Substring(pieces.map { $0.drop(while: isBlank) }.joined(separator: " ").drop(while: isBlank))
        while text.first == "&" || text.first == "!" {
            guard let space = text.firstIndex(where: isBlank) else { return [] }
            text = text[space...].drop(while: isBlank)
        }
        while text.last.map(isBlank) == true { text = text.dropLast() }
        guard text.count > 1, let first = text.first, first == "\"" || first == "'", text.last == first else { return [String(text)] }
        let content = text.dropFirst().dropLast()
        return [String(text), first == "'" ? String(content.replacing("''", with: "'")) : unescaped(content)]
    }

    /// A double-quoted scalar's content with YAML's escapes read; one not understood is kept.
    private static func unescaped(_ content: Substring) -> String {
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

    /// `message` with each part between two single quotes that is one of the texts, the
    /// quotes included, replaced by words saying it holds a credential. Every pair of quotes
    /// is tried, since a text may hold a quote itself.
    public func hiding(in message: String) -> String {
        guard !texts.isEmpty, message.holds("'") else { return message }
        let quotes = message.utf8.indices.filter { message.utf8[$0] == UInt8(ascii: "'") }
        guard quotes.count >= 2 else { return message }
        for (position, open) in quotes.enumerated() {
            for close in quotes[(position + 1)...] where texts.contains(String(message[message.index(after: open)..<close])) {
                let hidden = String(message[..<open]) + DisplayText.hiddenCredential + String(message[message.index(after: close)...])
                return hiding(in: hidden)
            }
        }
        return message
    }
}
