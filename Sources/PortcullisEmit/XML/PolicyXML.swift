import FoundationEssentials
import PortcullisModel
import PortcullisSupport

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
        let quoted = QuotedText.doubleQuoted(text) { "\\u" + String(hex: $0, width: 4) }
        // APIM puts named values into a policy before it compiles the code: a `{{name}}` in
        // a string written here would become the value, and a quote in it code (a field
        // that takes one, such as an introspection audience, is read from a variable). A brace before another,
        // as an escape, is the same text to C# and leaves no `{{` for APIM. `&`, `<` and `>`
        // are escapes too: the `rawxml` form leaves expressions unescaped, and an escape
        // reads the same to C# whether or not APIM reads XML's references in them.
        guard quoted.utf8.contains(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") })
        else { return quoted }
        var result = ""
        var scalars = quoted.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "{" where scalars.first == "{": result += "\\u007B"
            case "&": result += "\\u0026"
            case "<": result += "\\u003C"
            case ">": result += "\\u003E"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// Writes a policy document in APIM's `rawxml` form, the one the portal shows and APIOps
/// always publishes: expressions unescaped, every literal escaped. Four-space indentation,
/// LF line ends, a final newline. Attributes keep the order APIM's reference gives.
///
/// Statements are written as they are made, never held as a tree: a bundle has one policy
/// document per route, and building, walking and freeing a tree of elements for each
/// cost more than writing it.
public struct PolicyWriter {
    /// The document so far, as UTF-8.
    public private(set) var bytes: [UInt8] = []
    /// How deep the next element is.
    private var depth = 0

    /// Room for a typical operation's document (about 3.5 KB), reserved at once rather than
    /// grown by doubling, which copied each document six times on the way.
    public init() {
        bytes.reserveCapacity(4096)
    }

    /// The document so far as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// An element without content: `<base />`.
    mutating func element(_ name: String, _ attributes: [(String, PolicyValue)] = []) {
        open(name, attributes)
        bytes.append(markup: " />\n")
    }

    /// An element whose content is one text value: `<value>orders.read</value>`.
    mutating func element(_ name: String, _ attributes: [(String, PolicyValue)] = [], text: PolicyValue) {
        open(name, attributes)
        bytes.append(UInt8(ascii: ">"))
        write(text, inAttribute: false)
        close(name)
    }

    /// An element around what `content` writes, one level deeper; it closes itself when
    /// `content` writes nothing.
    mutating func element(_ name: String, _ attributes: [(String, PolicyValue)] = [], content: (inout PolicyWriter) -> Void) {
        open(name, attributes)
        bytes.append(markup: ">\n")
        let start = bytes.count
        depth += 1
        content(&self)
        depth -= 1
        if bytes.count == start {
            bytes.removeLast(2)
            bytes.append(markup: " />\n")
            return
        }
        indent()
        close(name)
    }

    /// Raw XML an author wrote (a statement or a comment), carried exactly as written, with
    /// the white space that came before it on its first line, if it started one. Later
    /// lines may lie inside a literal or an expression, where white space is the author's,
    /// so they stay as written; the first keeps the author's indentation too, so the
    /// statement reads as it did.
    mutating func verbatim(_ text: String, indentation: String?) {
        if let indentation { bytes.append(utf8: indentation) } else { indent() }
        bytes.append(utf8: text)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Where the document ends now, to ``rollBack(to:)`` what follows.
    var mark: Int { bytes.count }

    /// Drops what was written since `mark`.
    mutating func rollBack(to mark: Int) {
        bytes.removeLast(bytes.count - mark)
    }

    private mutating func open(_ name: String, _ attributes: [(String, PolicyValue)]) {
        indent()
        bytes.append(UInt8(ascii: "<"))
        bytes.append(utf8: name)
        for (attribute, value) in attributes {
            bytes.append(UInt8(ascii: " "))
            bytes.append(utf8: attribute)
            bytes.append(markup: "=\"")
            write(value, inAttribute: true)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private mutating func close(_ name: String) {
        bytes.append(markup: "</")
        bytes.append(utf8: name)
        bytes.append(markup: ">\n")
    }

    private mutating func indent() {
        bytes.append(spaces: 4 * depth)
    }

    private mutating func write(_ value: PolicyValue, inAttribute: Bool) {
        switch value {
        case .expression(let expression):
            bytes.append(utf8: expression.code)
        case .literal(let text):
            // The language rejects literals that APIM would evaluate; should one arrive
            // anyway, it is written as an expression that returns it as a string.
            if PolicyText.isExpression(text) {
                bytes.append(utf8: "@(" + PolicyExpression.csharpString(text) + ")")
            } else {
                Self.escape(text, inAttribute: inAttribute, into: &bytes)
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
    private static func escape(_ text: String, inAttribute: Bool, into out: inout [UInt8]) {
        // Most text needs no escaping at all: copied whole, not scalar by scalar, from its
        // contiguous UTF-8 (which a native string always has).
        let copied = text.withUTF8Bytes { bytes in
            guard !bytes.contains(where: { needsEscape($0, inAttribute: inAttribute) }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied { return }
        for character in text.unicodeScalars {
            switch character {
            case "&": out.append(utf8: "&amp;")
            case "<": out.append(utf8: "&lt;")
            case ">": out.append(utf8: "&gt;")
            case "\"" where inAttribute: out.append(utf8: "&quot;")
            case "\n" where inAttribute: out.append(utf8: "&#10;")
            case "\r": out.append(utf8: "&#13;")
            case "\t" where inAttribute: out.append(utf8: "&#9;")
            // The language rejects these; should one arrive anyway, the document stays well-formed.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out.append(utf8: "\u{FFFD}")
            default: out += UTF8.encode(character)!
            }
        }
    }
}
