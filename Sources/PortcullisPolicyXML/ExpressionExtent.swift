import PortcullisSupport

/// Finds where a policy expression ends in `rawxml` text.
///
/// APIM reads an attribute value or element text that starts with `@(` or `@{` as C#,
/// up to the bracket that closes the opening one, so the code may hold quotes, `<` and `&`
/// that XML would not allow there. Brackets inside C# string and character literals and
/// comments do not count; interpolated strings (`$"...{code}..."`) hold code, which may
/// hold strings in turn.
public enum ExpressionExtent {
    /// The deepest nesting of interpolated strings in code in interpolated strings. Each
    /// level is read by recursion, so a hostile expression must not choose the depth; code
    /// written by hand nests two or three.
    static let maximumNesting = 64

    /// Why an expression has no end.
    enum Failure: Error {
        /// The text ends first.
        case unterminated
        /// Interpolated strings nest deeper than ``maximumNesting``.
        case nestedTooDeep
    }

    /// The offset just past the bracket that closes the expression starting at `start`
    /// (which holds `@`).
    static func end(in text: [UInt8], from start: Int) -> Result<Int, Failure> {
        guard start + 1 < text.count else { return .failure(.unterminated) }
        var scanner = Scanner(text: text, index: start + 1)
        if scanner.code(until: nil) { return .success(scanner.index) }
        return .failure(scanner.nesting > maximumNesting ? .nestedTooDeep : .unterminated)
    }

    /// The text an expression always evaluates to when its code is nothing but string
    /// literals joined by `+` (`@("Basic " + "dXNlcjpw")`, a verbatim `@"..."` too, in
    /// parentheses or not): what APIM puts where the expression stands, as if written out.
    /// Nil for any other code, or an escape this reader does not know.
    public static func constantText(in code: String) -> String? {
        guard let (text, complete) = literals(startingCode: code), complete else { return nil }
        return text
    }

    /// The value of a whole number written out in C# (`42`, `-1`, `1_000`, `0x1F`, `0b10`,
    /// `10u`, `7L`), as large as `Int` holds where it holds more digits; nil for anything
    /// else (`_1` is a name).
    public static func integerLiteral(_ written: String) -> Int? {
        var text = Substring(written.trimmingWhitespace)
        let negative = text.hasPrefix("-")
        if negative || text.hasPrefix("+") { text = text.dropFirst() }
        guard text.first?.isASCII == true, text.first?.isNumber == true, text.last != "_" else { return nil }
        var digits = text.filter { $0 != "_" }.lowercased()
        while digits.hasSuffix("u") || digits.hasSuffix("l") { digits.removeLast() }
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0b") {
            radix = digits.hasPrefix("0x") ? 16 : 2
            digits.removeFirst(2)
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.hexDigitValue.map { $0 < radix } == true }) else { return nil }
        let value = Int(digits, radix: radix) ?? Int.max
        return negative ? -value : value
    }

    /// The value of `code` (`@` before it or not) when it is whole numbers written out
    /// (``integerLiteral(_:)``) joined by `+`, `-`, `*`, `/` and `%`, in brackets or not:
    /// `@(60 * 60)`, `@(1-1)` (audit V88: a window of `@(1-1)` seconds passed RL002). Nil for
    /// anything else, a division by zero, or a result past `Int`'s range. Comments are
    /// none (audit V96).
    public static func integerValue(of code: String) -> Int? {
        var text = Array(withoutComments(code).utf8.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })[...]
        if text.first == UInt8(ascii: "@") { text = text.dropFirst() }
        func take(_ byte: Character) -> Bool {
            guard text.first == byte.asciiValue else { return false }
            text = text.dropFirst()
            return true
        }
        func term() -> Int? {
            if take("-") { return term().flatMap { $0 == .min ? nil : -$0 } }
            if take("+") { return term() }
            if take("(") {
                guard let value = sum(), take(")") else { return nil }
                return value
            }
            let word = text.prefix { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x5F }
            text = text.dropFirst(word.count)
            return word.isEmpty ? nil : integerLiteral(String(decoding: word, as: UTF8.self))
        }
        func product() -> Int? {
            guard var value = term() else { return nil }
            while let operation = text.first, operation == UInt8(ascii: "*") || operation == UInt8(ascii: "/") || operation == UInt8(ascii: "%") {
                text = text.dropFirst()
                guard let right = term() else { return nil }
                if operation == UInt8(ascii: "*") {
                    let (result, overflow) = value.multipliedReportingOverflow(by: right)
                    guard !overflow else { return nil }
                    value = result
                } else {
                    guard right != 0, !(value == .min && right == -1) else { return nil }
                    value = operation == UInt8(ascii: "/") ? value / right : value % right
                }
            }
            return value
        }
        func sum() -> Int? {
            guard var value = product() else { return nil }
            while let operation = text.first, operation == UInt8(ascii: "+") || operation == UInt8(ascii: "-") {
                text = text.dropFirst()
                guard let right = product() else { return nil }
                let (result, overflow) = operation == UInt8(ascii: "+") ? value.addingReportingOverflow(right) : value.subtractingReportingOverflow(right)
                guard !overflow else { return nil }
                value = result
            }
            return value
        }
        guard let value = sum(), text.isEmpty else { return nil }
        return value
    }

    /// `code` without its comments (`/* … */`, `// …` to the line's end); one unended
    /// runs to the end. Code of numbers holds no string in which they would be text.
    private static func withoutComments(_ code: String) -> String {
        guard code.utf8.contains(UInt8(ascii: "/")) else { return code }
        var bytes = code.utf8[...]
        var kept: [UInt8] = []
        while let byte = bytes.first {
            if bytes.starts(with: "/*".utf8) {
                bytes = bytes.dropFirst(2).firstRange(of: "*/".utf8).map { bytes[$0.upperBound...] } ?? bytes[bytes.endIndex...]
                kept.append(0x20)
            } else if bytes.starts(with: "//".utf8) {
                bytes = bytes.drop { $0 != 0x0A && $0 != 0x0D }
            } else {
                kept.append(byte)
                bytes = bytes.dropFirst()
            }
        }
        return String(decoding: kept, as: UTF8.self)
    }

    /// The text an expression's value always starts with, when its code starts with string
    /// literals joined by `+` (`@("http://" + host)`, `$"http://{host}"`): the scheme of a URL
    /// it makes, say. Nil when the code starts otherwise.
    public static func leadingText(in code: String) -> String? {
        guard let (text, _) = literals(startingCode: code), !text.isEmpty else { return nil }
        return text
    }

    /// The text an expression's value always starts with, when its code is a
    /// `string.Format` call whose format is written out (`@(string.Format("https://x.example/{0}", id))`):
    /// the format's text before its first placeholder. Nil when the code is no such call.
    public static func formattedLeadingText(in code: String) -> String? {
        if let returned = returnedCode(of: code) { return formattedLeadingText(in: returned) }
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var body = code.utf8.dropFirst(2).drop(while: isSpace)
        guard code.hasPrefix("@("), body.starts(with: "string.Format(".utf8) || body.starts(with: "String.Format(".utf8) else { return nil }
        // The call must be all of the code: a member after it (`.Substring(0, 8)`) may
        // take its start off (the audit of the thirty-fifth round).
        let call = [UInt8(ascii: "@")] + Array(body.dropFirst(13))
        guard case .success(let end) = end(in: call, from: 0), call[end...].allSatisfy({ isSpace($0) || $0 == UInt8(ascii: ")") }) else { return nil }
        body = body.dropFirst(14).drop(while: isSpace)
        // A culture given first (`CultureInfo.InvariantCulture`) is passed over.
        if body.starts(with: "CultureInfo.".utf8) || body.starts(with: "System.Globalization.CultureInfo.".utf8),
            let comma = body.firstIndex(of: UInt8(ascii: ","))
        {
            body = body[body.index(after: comma)...]
        }
        guard let format = leadingText(in: "@(" + String(decoding: body, as: UTF8.self)) else { return nil }
        // `{{name}}` is a named value, which APIM puts in before the code is compiled (so no
        // brace is written out so); any other `{` starts a placeholder.
        var text: [UInt8] = []
        var bytes = format.utf8[...]
        while let byte = bytes.first {
            if byte == UInt8(ascii: "{") {
                guard bytes.dropFirst().first == UInt8(ascii: "{"), let close = bytes.firstRange(of: "}}".utf8),
                    bytes[bytes.index(bytes.startIndex, offsetBy: 2)..<close.lowerBound].allSatisfy(isNamedValueByte)
                else { break }
                text += bytes[..<close.upperBound]
                bytes = bytes[close.upperBound...]
                continue
            }
            text.append(byte)
            bytes = bytes.dropFirst()
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `byte` may be part of a named value's name: a letter, a digit, `.`, `-` or `_`.
    private static func isNamedValueByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    /// The code a block that only returns it holds (`@{ return X; }` gives `@(X)`), or nil.
    private static func returnedCode(of code: String) -> String? {
        guard code.hasPrefix("@{"), code.hasSuffix("}") else { return nil }
        let body = code.dropFirst(2).dropLast().trimmingWhitespace
        guard body.hasPrefix("return"), body.hasSuffix(";"), let first = body.dropFirst(6).first, first.isWhitespace || first == "\"" || first == "("
        else { return nil }
        return "@(" + body.dropFirst(6).dropLast() + ")"
    }

    /// The string literals joined by `+` that `code` starts with, as one text, and whether
    /// they are all of it (``constantText(in:)``).
    private static func literals(startingCode code: String) -> (text: String, complete: Bool)? {
        // Most code starts with a name ('context.'): told from the first byte, with nothing made.
        let start = code.utf8.dropFirst(2).first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        guard start == UInt8(ascii: "\"") || start == UInt8(ascii: "@") || start == UInt8(ascii: "(") || start == UInt8(ascii: "$")
            || start == UInt8(ascii: "r")
        else { return nil }
        // A block that only returns such code: `@{ return "…"; }`.
        if let returned = returnedCode(of: code) { return literals(startingCode: returned) }
        var bytes = Array(code.utf8)[...]
        guard bytes.first == UInt8(ascii: "@"), bytes.dropFirst().first == UInt8(ascii: "("), bytes.last == UInt8(ascii: ")") else { return nil }
        bytes = bytes.dropFirst(2).dropLast()
        var text: [UInt8] = []
        var expectsLiteral = true
        /// Passes space, brackets and comments (audit V88: `@("orders.read" /*x*/)` was
        /// read as code).
        func skipSpaceAndParentheses() {
            while let byte = bytes.first {
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") {
                    bytes = bytes.dropFirst()
                } else if bytes.starts(with: "/*".utf8), let end = bytes.dropFirst(2).firstRange(of: "*/".utf8) {
                    bytes = bytes[end.upperBound...]
                } else if bytes.starts(with: "//".utf8) {
                    bytes = bytes.drop { $0 != 0x0A && $0 != 0x0D }
                } else {
                    return
                }
            }
        }
        // What has been read, when the code goes on with something else.
        var partial: (text: String, complete: Bool) { (String(decoding: text, as: UTF8.self), false) }
        skipSpaceAndParentheses()
        // Where the last literal's text starts: a member after it (`.Substring(0, 8)`) may
        // take it off, so it is no start then (the audit of the thirty-fifth round).
        var lastLiteral = 0
        while let byte = bytes.first {
            if !expectsLiteral {
                if byte == UInt8(ascii: ".") {
                    // A string's own text (`.ToString()`), and a change of case or a trim of
                    // the one literal read (`"Orders.Read".ToLower()`), give a text; any
                    // other member may take its text off.
                    if let (member, change) = Self.textMembers.first(where: { bytes.dropFirst().starts(with: $0.member.utf8) }),
                        change == nil || lastLiteral == 0
                    {
                        bytes = bytes.dropFirst(1 + member.utf8.count)
                        if let change { text = Array(change(String(decoding: text, as: UTF8.self)).utf8) }
                        skipSpaceAndParentheses()
                        continue
                    }
                    text.removeLast(text.count - lastLiteral)
                    return partial
                }
                guard byte == UInt8(ascii: "+") else { return partial }
                bytes = bytes.dropFirst()
                expectsLiteral = true
            } else {
                lastLiteral = text.count
                // '$' (interpolated, with nothing interpolated) and '@' (verbatim), in either order.
                var verbatim = false
                var interpolated = false
                while let prefix = bytes.first, prefix == UInt8(ascii: "@") || prefix == UInt8(ascii: "$") {
                    if prefix == UInt8(ascii: "@") { verbatim = true } else { interpolated = true }
                    bytes = bytes.dropFirst()
                }
                guard bytes.first == UInt8(ascii: "\"") else { return partial }
                bytes = bytes.dropFirst()
                var closed = false
                while let byte = bytes.first {
                    bytes = bytes.dropFirst()
                    if byte == UInt8(ascii: "\"") {
                        // A verbatim string writes a quote as two.
                        if verbatim, bytes.first == UInt8(ascii: "\"") {
                            bytes = bytes.dropFirst()
                            text.append(byte)
                            continue
                        }
                        closed = true
                        break
                    }
                    // An interpolated string writes a brace as two; one alone holds code. A
                    // named value's reference is put in by APIM before C# reads the braces,
                    // and stays one (found by an audit: `$"…?code={{fn-key}}"` read as a key).
                    if interpolated, byte == UInt8(ascii: "{"), bytes.first == byte {
                        let name = bytes.dropFirst().prefix(while: ExpressionExtent.isNameByte)
                        let after = bytes.dropFirst(1 + name.count)
                        // A generated key is no named value's name (the last audit of the round).
                        if !name.isEmpty, after.starts(with: [UInt8(ascii: "}"), UInt8(ascii: "}")]),
                            !CredentialScanner.looksLikeABareKey(String(decoding: name, as: UTF8.self))
                        {
                            text += [byte, byte] + name + [UInt8(ascii: "}"), UInt8(ascii: "}")]
                            bytes = after.dropFirst(2)
                            continue
                        }
                    }
                    if interpolated, byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") {
                        guard bytes.first == byte else { return partial }
                        bytes = bytes.dropFirst()
                        text.append(byte)
                        continue
                    }
                    if byte == UInt8(ascii: "\\"), !verbatim {
                        guard let escaped = bytes.first else { return nil }
                        bytes = bytes.dropFirst()
                        switch escaped {
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "'"): text.append(escaped)
                        case UInt8(ascii: "n"): text.append(0x0A)
                        case UInt8(ascii: "r"): text.append(0x0D)
                        case UInt8(ascii: "t"): text.append(0x09)
                        case UInt8(ascii: "0"): text.append(0)
                        case UInt8(ascii: "u"):
                            // Four hexadecimal digits name one UTF-16 unit; a surrogate is left to code.
                            guard bytes.count >= 4, let unit = UInt32(String(decoding: bytes.prefix(4), as: UTF8.self), radix: 16),
                                let scalar = Unicode.Scalar(unit)
                            else { return nil }
                            bytes = bytes.dropFirst(4)
                            text += Array(String(Character(scalar)).utf8)
                        default: return nil
                        }
                        continue
                    }
                    text.append(byte)
                }
                guard closed else { return nil }
                expectsLiteral = false
            }
            skipSpaceAndParentheses()
        }
        return expectsLiteral ? partial : (String(decoding: text, as: UTF8.self), true)
    }

    /// The members of a string that give a text ``literals(startingCode:)`` reads, with
    /// what each makes of it (nil: the same text).
    private static let textMembers: [(member: String, change: (@Sendable (String) -> String)?)] = [
        ("ToString()", nil), ("ToLowerInvariant()", { $0.lowercased() }), ("ToLower()", { $0.lowercased() }),
        ("ToUpperInvariant()", { $0.uppercased() }), ("ToUpper()", { $0.uppercased() }), ("Trim()", { $0.trimmingWhitespace }),
    ]

    /// The string literals of an expression's code, as written between their quotes, with
    /// each interpolated part (`{name}`) written as the reference `{{name}}`, and its
    /// comments: what a credential written into the code would be found in. A comment that
    /// holds code (a quote, a `;` or a `(`: code put out of use) gives its own literals and
    /// comments, once; any other is prose and given whole.
    public static func writtenText(in code: String) -> [String] {
        writtenText(Array(code.utf8), readingComments: true).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func writtenText(_ text: [UInt8], readingComments: Bool) -> [[UInt8]] {
        guard text.count > 1 else { return [] }
        var scanner = Scanner(text: text, index: 1)
        scanner.literals = []
        _ = scanner.code(until: nil)
        var found = scanner.literals ?? []
        for comment in scanner.comments {
            let holdsCode = comment.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "(") }
            if holdsCode, readingComments {
                found += writtenText([UInt8(ascii: "(")] + comment + [UInt8(ascii: ")")], readingComments: false)
            } else {
                found.append(comment)
            }
        }
        return found
    }

    /// Where a `{{name}}` reference stands in an expression's code. APIM puts a named
    /// value's value there before the code is compiled, so what the value may hold without
    /// becoming code depends on the place.
    public enum ReferencePlace: Sendable, Hashable {
        case code, string, verbatimString, interpolatedString, verbatimInterpolatedString, character, lineComment, blockComment

        /// Whether `value`, put here, stays text of the place: it ends no string, escapes
        /// nothing and opens no interpolation; in code, only a number or `true`/`false`.
        public func keeps(_ value: String) -> Bool {
            let bytes = Array(value.utf8)
            // C# ends a line at U+0085, U+2028 and U+2029 too.
            let lineEnd = bytes.contains { $0 == 0x0A || $0 == 0x0D } || value.unicodeScalars.contains { $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" }
            let quote = bytes.contains(UInt8(ascii: "\""))
            let backslash = bytes.contains(UInt8(ascii: "\\"))
            let brace = bytes.contains { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "}") }
            switch self {
            case .code:
                let digits = bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
                return value == "true" || value == "false"
                    || (!digits.isEmpty && digits.first != UInt8(ascii: ".") && digits.last != UInt8(ascii: ".")
                        && digits.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") } && digits.filter { $0 == UInt8(ascii: ".") }.count <= 1)
            case .string: return !quote && !backslash && !lineEnd
            case .verbatimString: return !quote
            case .interpolatedString: return !quote && !backslash && !lineEnd && !brace
            case .verbatimInterpolatedString: return !quote && !brace
            case .character: return !bytes.contains(UInt8(ascii: "'")) && !backslash && !lineEnd
            case .lineComment: return !lineEnd
            case .blockComment: return !value.contains("*/")
            }
        }
    }

    /// The `{{name}}` references in an expression's code (as APIM compiles it: XML's
    /// character references resolved), in order, each with where it stands. Code that
    /// cannot be read to its end may be ended by a value put in it: there every reference
    /// is taken to stand in code, the place that keeps least.
    public static func references(in code: String) -> [(name: String, place: ReferencePlace)] {
        guard code.utf8.count > 1 else { return [] }
        var scanner = Scanner(text: Array(code.utf8), index: 1)
        scanner.references = []
        if scanner.code(until: nil) { return scanner.references ?? [] }
        var anywhere = Scanner(text: scanner.text, index: scanner.text.count)
        anywhere.references = []
        anywhere.references(from: 0, .code)
        return anywhere.references ?? []
    }

    /// Whether `byte` may stand in a named value's name: a letter, a digit, `-`, `_` or `.`.
    /// The one test of it, inlined where names are read byte by byte.
    @inlinable
    public static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F || byte == 0x2E
    }

    private struct Scanner {
        let text: [UInt8]
        var index: Int
        /// When set, the contents of string literals are kept here, and of comments in ``comments``.
        var literals: [[UInt8]]?
        var comments: [[UInt8]] = []
        /// How many interpolations the scanner is inside; past the limit, reading stops.
        var nesting = 0
        /// When set, the `{{name}}` references read are kept here, with where they stand.
        var references: [(name: String, place: ReferencePlace)]?

        /// Past a `{{name}}` reference at `index`, kept in ``references`` as standing in
        /// `place`; false, with nothing read, when none starts there or neither references
        /// nor literals are kept. A literal keeps the reference as written: APIM puts named
        /// values in before C# reads `{{` in an interpolated string as a brace (read as one,
        /// `$"…?code={{fn-key}}"` became a key written out: found by an audit).
        mutating func reference(in place: ReferencePlace) -> Bool {
            guard references != nil || literals != nil, peek(0) == UInt8(ascii: "{"), peek(1) == UInt8(ascii: "{") else { return false }
            var end = index + 2
            while end < text.count, ExpressionExtent.isNameByte(text[end]) { end += 1 }
            guard end > index + 2, end + 1 < text.count, text[end] == UInt8(ascii: "}"), text[end + 1] == UInt8(ascii: "}") else { return false }
            // In a literal, a generated key between the braces is read as what it is.
            guard references != nil || !CredentialScanner.looksLikeABareKey(String(decoding: text[(index + 2)..<end], as: UTF8.self)) else { return false }
            references?.append((String(decoding: text[(index + 2)..<end], as: UTF8.self), place))
            index = end + 2
            return true
        }

        /// The references in the text that ran from `start` to `index` (a comment, or code
        /// read as text), each standing in `place`.
        mutating func references(from start: Int, _ place: ReferencePlace) {
            guard references != nil else { return }
            let end = index
            index = start
            while index < end {
                if !reference(in: place) { index += 1 }
            }
            index = end
        }

        /// Reads code from an opening bracket at `index` through its closing bracket; with
        /// `until` set, reads code up to (not through) that unmatched closing byte instead.
        /// Returns false when the text ends first.
        mutating func code(until terminator: UInt8?) -> Bool {
            var depth = 0
            while index < text.count {
                let byte = text[index]
                if let terminator, depth == 0, byte == terminator { return true }
                if byte == UInt8(ascii: "{"), reference(in: .code) { continue }
                switch byte {
                case UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    index += 1
                case UInt8(ascii: ")"), UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    index += 1
                    if depth == 0, terminator == nil { return true }
                    if depth < 0 { return terminator != nil }
                case UInt8(ascii: "\""):
                    guard string(verbatim: false, interpolated: false) else { return false }
                case UInt8(ascii: "'"):
                    guard character() else { return false }
                case UInt8(ascii: "@"), UInt8(ascii: "$"):
                    guard prefixedString() else { return false }
                case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                    // A line ends at CR too: XML reads a lone CR as a line end.
                    let start = index + 2
                    while index < text.count, text[index] != 0x0A, text[index] != 0x0D { index += 1 }
                    if literals != nil { comments.append(Array(text[min(start, index)..<index])) }
                    references(from: min(start, index), .lineComment)
                case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                    index += 2
                    let start = index
                    while index + 1 < text.count, !(text[index] == UInt8(ascii: "*") && text[index + 1] == UInt8(ascii: "/")) {
                        index += 1
                    }
                    guard index + 1 < text.count else { return false }
                    if literals != nil { comments.append(Array(text[start..<index])) }
                    references(from: start, .blockComment)
                    index += 2
                default:
                    index += 1
                }
            }
            return false
        }

        func peek(_ distance: Int) -> UInt8? {
            index + distance < text.count ? text[index + distance] : nil
        }

        /// `@"..."`, `$"..."`, `$@"..."` and `@$"..."`; a lone `@` or `$` is code.
        mutating func prefixedString() -> Bool {
            var verbatim = false
            var interpolated = false
            var length = 0
            while let byte = peek(length), byte == UInt8(ascii: "@") || byte == UInt8(ascii: "$") {
                if byte == UInt8(ascii: "@") { verbatim = true } else { interpolated = true }
                length += 1
            }
            guard peek(length) == UInt8(ascii: "\"") else {
                index += length
                return true
            }
            index += length
            return string(verbatim: verbatim, interpolated: interpolated)
        }

        /// A string literal whose opening quote is at `index`.
        mutating func string(verbatim: Bool, interpolated: Bool) -> Bool {
            index += 1
            var content: [UInt8] = []
            defer { literals?.append(content) }
            let place: ReferencePlace =
                switch (verbatim, interpolated) {
                case (false, false): .string
                case (true, false): .verbatimString
                case (false, true): .interpolatedString
                case (true, true): .verbatimInterpolatedString
                }
            while index < text.count {
                let byte = text[index]
                let start = index
                if byte == UInt8(ascii: "{"), reference(in: place) {
                    content += text[start..<index]
                    continue
                }
                switch byte {
                case UInt8(ascii: "\\") where !verbatim:
                    content += text[index..<min(index + 2, text.count)]
                    index += 2
                case UInt8(ascii: "\""):
                    if verbatim, peek(1) == UInt8(ascii: "\"") {
                        content.append(byte)
                        index += 2
                    } else {
                        index += 1
                        return true
                    }
                case UInt8(ascii: "{") where interpolated:
                    if peek(1) == UInt8(ascii: "{") {
                        content.append(byte)
                        index += 2
                    } else {
                        index += 1
                        nesting += 1
                        guard nesting <= ExpressionExtent.maximumNesting, code(until: UInt8(ascii: "}")) else { return false }
                        nesting -= 1
                        content += "{{interpolated}}".utf8
                        index += 1
                    }
                default:
                    content.append(byte)
                    index += 1
                }
            }
            return false
        }

        /// A character literal, `'x'` or `'\''`.
        mutating func character() -> Bool {
            index += 1
            while index < text.count {
                if reference(in: .character) { continue }
                switch text[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "'"):
                    index += 1
                    return true
                case 0x0A: return false
                default: index += 1
                }
            }
            return false
        }
    }
}
