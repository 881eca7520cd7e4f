import Foundation

/// Writes simple YAML documents (OpenAPI specifications, imported definitions) in block
/// style, quoting every string YAML could read as something else.
public enum YAMLValue: Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case sequence([YAMLValue])
    case mapping([(String, YAMLValue)])

    public func render() -> String {
        var out = ""
        write(indent: 0, into: &out)
        return out
    }

    /// Appends piece by piece: joining pieces with `+` first builds a temporary string for each.
    private func write(indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        switch self {
        case .mapping(let entries):
            for (key, value) in entries {
                out += pad
                out += Self.scalar(key)
                out += ":"
                value.writeAfterKey(indent: indent, into: &out)
            }
        case .sequence(let items):
            for item in items {
                switch item {
                case .mapping(let entries) where !entries.isEmpty:
                    var nested = ""
                    item.write(indent: indent + 1, into: &nested)
                    // The first line of the item follows the dash.
                    out += pad
                    out += "- "
                    out += nested.dropFirst(pad.count + 2)
                default:
                    out += pad
                    out += "-"
                    item.writeAfterKey(indent: indent, into: &out)
                }
            }
        default:
            out += pad
            out += inline
            out += "\n"
        }
    }

    private func writeAfterKey(indent: Int, into out: inout String) {
        switch self {
        case .mapping(let entries) where !entries.isEmpty:
            out += "\n"
            write(indent: indent + 1, into: &out)
        case .sequence(let items) where !items.isEmpty:
            out += "\n"
            write(indent: indent + 1, into: &out)
        default:
            out += " "
            out += inline
            out += "\n"
        }
    }

    private var inline: String {
        switch self {
        case .string(let text): Self.scalar(text)
        case .integer(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .sequence: "[]"
        case .mapping: "{}"
        }
    }

    /// Words YAML 1.1 reads as booleans or null, in any case (1.2 reads a subset of them).
    private static let typedWords: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null"]

    /// A plain scalar only where every YAML 1.1 and 1.2 reader reads back this same string,
    /// else a double-quoted one. Rather than list what YAML types (numbers in bases 2 to 60,
    /// dates, `.inf`, `~`, `=`, ...), plain means: an ASCII letter first, then letters,
    /// digits and `-_./`, and not a boolean or null word. Every typed form but those words
    /// starts with a digit, a sign, a dot or a symbol.
    static func scalar(_ text: String) -> String {
        let isLetter = { (scalar: Unicode.Scalar) in (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value) }
        let safe = text.unicodeScalars.first.map(isLetter) == true
            && text.unicodeScalars.allSatisfy { isLetter($0) || (0x30...0x39).contains($0.value) || "-_./".unicodeScalars.contains($0) }
            // Only short words can be typed ones: the rest skip lowercasing.
            && !(text.utf8.count <= 5 && typedWords.contains(text.lowercased()))
        if safe { return text }
        return QuotedText.doubleQuoted(text) { $0 <= 0xFF ? "\\x" + String(format: "%02X", $0) : "\\u" + String(format: "%04X", $0) }
    }
}
