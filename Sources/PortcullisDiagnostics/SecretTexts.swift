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
        for range in redactions where range.start.line == range.end.line && range.end.column > range.start.column {
            let file = sources[range.file]
            if starts[range.file] == nil { starts[range.file] = file.lineStarts() }
            guard let line = file.line(Int(range.start.line), starts: starts[range.file]!) else { continue }
            let scalars = Array(line.unicodeScalars)
            let from = Int(range.start.column) - 1
            let to = min(scalars.count, Int(range.end.column) - 1)
            guard from >= 0, to > from else { continue }
            // An anchor or a tag before a scalar, and quotes around it, are not part of
            // what a message would quote.
            var text = Substring(String(String.UnicodeScalarView(scalars[from..<to])))
            while text.first == "&" || text.first == "!", let space = text.firstIndex(where: { $0 == " " || $0 == "\t" }) {
                text = text[space...].drop { $0 == " " || $0 == "\t" }
            }
            let written = String(text)
            guard written.count >= Self.shortest else { continue }
            texts.insert(written)
            if written.count > 2, let first = written.first, first == "\"" || first == "'", written.last == first {
                texts.insert(String(written.dropFirst().dropLast()))
            }
        }
        self.texts = texts
    }

    public var isEmpty: Bool { texts.isEmpty }

    /// `message` with each part between single quotes that is one of the texts replaced by
    /// words saying it holds a credential.
    public func hiding(in message: String) -> String {
        guard !texts.isEmpty, message.utf8.contains(UInt8(ascii: "'")) else { return message }
        let parts = message.split(separator: "'", omittingEmptySubsequences: false)
        guard parts.indices.contains(where: { $0 % 2 == 1 && texts.contains(String(parts[$0])) }) else { return message }
        return parts.enumerated().map { index, part in
            index % 2 == 1 && texts.contains(String(part)) ? "\u{1}" : String(part)
        }.joined(separator: "'").replacingOccurrences(of: "'\u{1}'", with: DisplayText.hiddenCredential)
    }
}
