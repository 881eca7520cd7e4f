/// Double-quoted string literals in the C-like syntax C# and YAML share: `\"`, `\\`,
/// `\n`, `\r`, `\t`, and other invisible characters in the form each language spells.
package enum QuotedText {
    /// Written as escapes: control characters, the line breaks YAML 1.1 folds (NEL, U+2028,
    /// U+2029), the byte-order mark, and the noncharacters no YAML or XML may hold.
    package static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// Whether `text` is printable ASCII without a quote or backslash, which most text is:
    /// quoted, it is the text between two quotes.
    package static func isQuotedAsItIs(_ text: String) -> Bool {
        text.withUTF8Bytes { $0.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } }
    }

    package static func doubleQuoted(_ text: String, control: (UInt32) -> String) -> String {
        if isQuotedAsItIs(text) { return "\"" + text + "\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if isInvisible(scalar) { out += control(scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
