/// A policy document in a form where two documents that mean the same compare equal: the
/// white space between and around statements, the order of attributes and the spelling of
/// escapes do not count; names, values, expressions (exactly as written), comments and
/// the order of statements do. Tests and the import's round-trip check compare these.
public enum PolicyXMLCanonical {
    public static func form(of document: PolicyXMLDocument) -> String {
        var lines: [String] = []
        write(document.root, depth: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    /// One statement's form, as ``form(of:)`` writes it.
    public static func form(of element: PolicyXMLElement) -> String {
        var lines: [String] = []
        write(element, depth: 0, into: &lines)
        return lines.joined(separator: "\n")
    }

    private static func write(_ element: PolicyXMLElement, depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        let attributes = element.attributes.sorted { $0.name < $1.name }.map { " \($0.name)=\(quoted($0.value))" }.joined()
        lines.append("\(indent)<\(element.name)\(attributes)>")
        for child in element.children {
            switch child {
            case .element(let nested):
                write(nested, depth: depth + 1, into: &lines)
            case .text(let value, _):
                let shown = quoted(value)
                if case .text(let text) = value, text.isWhitespaceOnly { continue }
                lines.append("\(indent)  \(shown)")
            case .comment(let text, _):
                lines.append("\(indent)  <!--\(text.trimmingWhitespace)-->")
            }
        }
    }

    /// Literal text trimmed and escaped so that every value is one line; expressions as written.
    private static func quoted(_ value: PolicyXMLValue) -> String {
        switch value {
        case .text(let text): text.trimmingWhitespace.debugDescription
        case .expression(let code): "expression(" + code.debugDescription + ")"
        }
    }
}

extension String {
    /// Whether the text is white space only, as the text between elements usually is.
    /// Space, tab and line breaks are told from their bytes; anything else is judged as a
    /// Character (which walks graphemes and looks up Unicode properties, ten times slower).
    public var isWhitespaceOnly: Bool {
        if utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return true }
        return allSatisfy(\.isWhitespace)
    }
}
