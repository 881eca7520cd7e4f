import Foundation

/// Writes simple YAML documents (OpenAPI specifications) in block style, quoting every
/// string YAML could read as something else.
enum YAMLValue {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case sequence([YAMLValue])
    case mapping([(String, YAMLValue)])

    func render() -> String {
        var out = ""
        write(indent: 0, into: &out)
        return out
    }

    private func write(indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        switch self {
        case .mapping(let entries):
            for (key, value) in entries {
                out += pad + Self.scalar(key) + ":"
                value.writeAfterKey(indent: indent, into: &out)
            }
        case .sequence(let items):
            for item in items {
                switch item {
                case .mapping(let entries) where !entries.isEmpty:
                    var nested = ""
                    item.write(indent: indent + 1, into: &nested)
                    // The first line of the item follows the dash.
                    out += pad + "- " + nested.dropFirst(pad.count + 2)
                default:
                    out += pad + "-"
                    item.writeAfterKey(indent: indent, into: &out)
                }
            }
        default:
            out += pad + inline + "\n"
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
            out += " " + inline + "\n"
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

    /// A plain scalar where that is unambiguous, else a double-quoted one.
    static func scalar(_ text: String) -> String {
        let safe = !text.isEmpty
            && text.unicodeScalars.allSatisfy { ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x41 && $0.value <= 0x5A) || ($0.value >= 0x61 && $0.value <= 0x7A) || "-_./".unicodeScalars.contains($0) }
            && !"-./".unicodeScalars.contains(text.unicodeScalars.first!)
            && Int(text) == nil && Double(text) == nil
            && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(text.lowercased())
        if safe { return text }
        return QuotedText.doubleQuoted(text) { "\\x" + String(format: "%02X", $0) }
    }
}
