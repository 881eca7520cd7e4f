import FoundationEssentials
import PortcullisSupport

/// Writes simple YAML documents (OpenAPI specifications, imported definitions) in block
/// style, quoting every string YAML could read as something else.
public enum YAMLValue: Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case sequence([YAMLValue])
    case mapping([(String, YAMLValue)])

    public func render() -> String {
        String(decoding: bytes(), as: UTF8.self)
    }

    /// The document as UTF-8, as a bundle holds it.
    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        write(indent: 0, padsFirstLine: true, into: &out)
        return out
    }

    /// Appends byte by byte, not through a `String`, whose appends check each piece's
    /// encoding again. Without `padsFirstLine`, the first line starts where `out` ends (an
    /// item that follows its dash).
    private func write(indent: Int, padsFirstLine: Bool, into out: inout [UInt8]) {
        var padsLine = padsFirstLine
        switch self {
        case .mapping(let entries):
            for (key, value) in entries {
                if padsLine { Self.pad(indent, into: &out) }
                padsLine = true
                Self.write(scalar: key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.writeAfterKey(indent: indent, into: &out)
            }
        case .sequence(let items):
            for item in items {
                if padsLine { Self.pad(indent, into: &out) }
                padsLine = true
                switch item {
                case .mapping(let entries) where !entries.isEmpty:
                    // The first line of the item follows the dash.
                    out.append(markup: "- ")
                    item.write(indent: indent + 1, padsFirstLine: false, into: &out)
                default:
                    out.append(UInt8(ascii: "-"))
                    item.writeAfterKey(indent: indent, into: &out)
                }
            }
        default:
            if padsLine { Self.pad(indent, into: &out) }
            writeInline(into: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }

    private func writeAfterKey(indent: Int, into out: inout [UInt8]) {
        switch self {
        case .mapping(let entries) where !entries.isEmpty:
            out.append(UInt8(ascii: "\n"))
            write(indent: indent + 1, padsFirstLine: true, into: &out)
        case .sequence(let items) where !items.isEmpty:
            out.append(UInt8(ascii: "\n"))
            write(indent: indent + 1, padsFirstLine: true, into: &out)
        default:
            out.append(UInt8(ascii: " "))
            writeInline(into: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }

    private static func pad(_ indent: Int, into out: inout [UInt8]) {
        out.append(spaces: 2 * indent)
    }

    private func writeInline(into out: inout [UInt8]) {
        switch self {
        case .string(let text): Self.write(scalar: text, into: &out)
        case .integer(let number): out.append(utf8: String(number))
        case .bool(let flag): out.append(utf8: flag ? "true" : "false")
        case .sequence: out.append(markup: "[]")
        case .mapping: out.append(markup: "{}")
        }
    }

    /// A plain scalar only where every YAML 1.1 and 1.2 reader reads back this same string,
    /// else a double-quoted one. Rather than list what YAML types (numbers in bases 2 to 60,
    /// dates, `.inf`, `~`, `=`, ...), plain means: an ASCII letter first, then letters,
    /// digits and `-_./`, and not a boolean or null word. Every typed form but those words
    /// starts with a digit, a sign, a dot or a symbol. Written into `out` without making a
    /// string of it where it is plain or needs only its quotes (most paths and descriptions).
    private static func write(scalar text: String, into out: inout [UInt8]) {
        if isPlain(text) {
            out.append(utf8: text)
        } else if QuotedText.isQuotedAsItIs(text) {
            out.append(UInt8(ascii: "\""))
            out.append(utf8: text)
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(utf8: QuotedText.doubleQuoted(text) { $0 <= 0xFF ? "\\x" + String(hex: $0, width: 2) : "\\u" + String(hex: $0, width: 4) })
        }
    }

    /// Words YAML 1.1 reads as booleans or null, in any case (1.2 reads a subset of them).
    private static let typedWords: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null"]

    /// Whether ``write(scalar:into:)`` writes `text` plain.
    private static func isPlain(_ text: String) -> Bool {
        // Judged byte by byte: every allowed character is ASCII, and no byte of any other
        // character is.
        let isLetter = { (byte: UInt8) in (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        return text.utf8.first.map(isLetter) == true
            && text.withUTF8Bytes { bytes in
                bytes.allSatisfy { byte in
                    isLetter(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                        || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
                }
            }
            // Only short words can be typed ones: the rest skip lowercasing.
            && !(text.utf8.count <= 5 && typedWords.contains(text.lowercased()))
    }
}
