import Foundation
import PortcullisModel

/// Double-quoted string literals in the C-like syntax C# and YAML share: `\"`, `\\`,
/// `\n`, `\r`, `\t`, and other invisible characters in the form each language spells.
enum QuotedText {
    /// Written as escapes: control characters, the line breaks YAML 1.1 folds (NEL, U+2028,
    /// U+2029), the byte-order mark, and the noncharacters no YAML or XML may hold.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    static func doubleQuoted(_ text: String, control: (UInt32) -> String) -> String {
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

/// A value in a policy document.
///
/// Literals come from the definitions and are always written as escaped text, never
/// evaluated. Expressions are C# that this module writes itself; their initializer is
/// internal, so no other stage, and no user value, can create one.
public enum PolicyValue: Sendable, Equatable {
    case literal(String)
    case expression(PolicyExpression)
}

/// A policy expression, `@(...)` or `@{...}`, written by the emitter.
public struct PolicyExpression: Sendable, Equatable {
    public let code: String

    init(_ code: String) {
        precondition(code.hasPrefix("@(") || code.hasPrefix("@{"), "a policy expression starts with @( or @{")
        self.code = code
    }

    /// A C# string literal of `text`, for embedding values the emitter controls in an expression.
    static func csharpString(_ text: String) -> String {
        QuotedText.doubleQuoted(text) { String(format: "\\u%04X", $0) }
    }
}

/// An element of a policy document; attributes keep the order APIM's reference gives.
public struct PolicyElement: Sendable, Equatable {
    public enum Child: Sendable, Equatable {
        case element(PolicyElement)
        case text(PolicyValue)
        /// Raw XML an author wrote (a statement or a comment), carried exactly as written,
        /// with the white space that came before it on its first line, if it started one.
        case verbatim(String, indentation: String?)
    }

    public var name: String
    public var attributes: [(name: String, value: PolicyValue)]
    public var children: [Child]

    init(_ name: String, _ attributes: [(String, PolicyValue)] = [], _ children: [PolicyElement] = []) {
        self.name = name
        self.attributes = attributes.map { (name: $0.0, value: $0.1) }
        self.children = children.map { .element($0) }
    }

    /// An element whose content is one text value: `<value>orders.read</value>`.
    init(_ name: String, _ attributes: [(String, PolicyValue)] = [], text: PolicyValue) {
        self.name = name
        self.attributes = attributes.map { (name: $0.0, value: $0.1) }
        self.children = [.text(text)]
    }

    init(_ name: String, children: [Child]) {
        self.name = name
        self.attributes = []
        self.children = children
    }

    public static func == (lhs: PolicyElement, rhs: PolicyElement) -> Bool {
        lhs.name == rhs.name && lhs.children == rhs.children && lhs.attributes.count == rhs.attributes.count
            && zip(lhs.attributes, rhs.attributes).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Renders policy trees as text in APIM's `rawxml` form, the one the portal shows and
/// APIOps always publishes: expressions unescaped, every literal escaped. Four-space
/// indentation, LF line ends, a final newline.
public struct PolicyRenderer: Sendable {
    public init() {}

    public func render(_ root: PolicyElement) -> String {
        String(decoding: bytes(root), as: UTF8.self)
    }

    /// The document as UTF-8, as a bundle holds it.
    public func bytes(_ root: PolicyElement) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(root, depth: 0, into: &out)
        return out
    }

    /// Appends bytes piece by piece: joining the pieces with `+` first built a temporary
    /// string for each, and appending to a `String` checked each piece's encoding again.
    private func write(_ element: PolicyElement, depth: Int, into out: inout [UInt8]) {
        Self.indent(depth, into: &out)
        out.append(UInt8(ascii: "<"))
        out += element.name.utf8
        for attribute in element.attributes {
            out.append(UInt8(ascii: " "))
            out += attribute.name.utf8
            out += "=\"".utf8
            write(attribute.value, inAttribute: true, into: &out)
            out.append(UInt8(ascii: "\""))
        }
        if element.children.isEmpty {
            out += " />\n".utf8
            return
        }
        if element.children.count == 1, case .text(let value) = element.children[0] {
            out.append(UInt8(ascii: ">"))
            write(value, inAttribute: false, into: &out)
            out += "</".utf8
            out += element.name.utf8
            out += ">\n".utf8
            return
        }
        out += ">\n".utf8
        for child in element.children {
            switch child {
            case .element(let nested): write(nested, depth: depth + 1, into: &out)
            case .text(let value):
                Self.indent(depth + 1, into: &out)
                write(value, inAttribute: false, into: &out)
                out.append(UInt8(ascii: "\n"))
            case .verbatim(let text, let indentation):
                // Later lines may lie inside a literal or an expression, where white space is
                // the author's, so they stay as written; the first keeps the author's
                // indentation too, so the statement reads as it did.
                if let indentation { out += indentation.utf8 } else { Self.indent(depth + 1, into: &out) }
                out += text.utf8
                out.append(UInt8(ascii: "\n"))
            }
        }
        Self.indent(depth, into: &out)
        out += "</".utf8
        out += element.name.utf8
        out += ">\n".utf8
    }

    private static func indent(_ depth: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 4 * depth))
    }

    func render(_ value: PolicyValue, inAttribute: Bool) -> String {
        var out: [UInt8] = []
        write(value, inAttribute: inAttribute, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func write(_ value: PolicyValue, inAttribute: Bool, into out: inout [UInt8]) {
        switch value {
        case .expression(let expression):
            out += expression.code.utf8
        case .literal(let text):
            // The language rejects literals that APIM would evaluate; should one arrive
            // anyway, it is written as an expression that returns it as a string.
            if PolicyText.isExpression(text) {
                out += ("@(" + PolicyExpression.csharpString(text) + ")").utf8
            } else {
                Self.escape(text, inAttribute: inAttribute, into: &out)
            }
        }
    }

    private static func needsEscape(_ byte: UInt8, inAttribute: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), 0x0D: return true
        // Characters XML 1.0 cannot carry: C0 controls, and U+FFFE/U+FFFF (lead byte 0xEF).
        case 0x00..<0x20 where byte != 0x09 && byte != 0x0A, 0xEF: return true
        case UInt8(ascii: "\""), 0x0A, 0x09: return inAttribute
        default: return false
        }
    }

    /// Appends `text` with what XML must not carry as it is escaped.
    static func escape(_ text: String, inAttribute: Bool, into out: inout [UInt8]) {
        // Most text needs no escaping at all: copied whole, not scalar by scalar.
        guard text.utf8.contains(where: { needsEscape($0, inAttribute: inAttribute) }) else {
            out += text.utf8
            return
        }
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;".utf8
            case "<": out += "&lt;".utf8
            case ">": out += "&gt;".utf8
            case "\"" where inAttribute: out += "&quot;".utf8
            case "\n" where inAttribute: out += "&#10;".utf8
            case "\r": out += "&#13;".utf8
            case "\t" where inAttribute: out += "&#9;".utf8
            // The language rejects these; should one arrive anyway, the document stays well-formed.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}".utf8
            default: out += UTF8.encode(character)!
            }
        }
    }
}
