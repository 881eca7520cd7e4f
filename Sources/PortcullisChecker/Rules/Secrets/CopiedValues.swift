import Foundation

/// What a policy expression's value carries whole, read as far as copies go: the
/// variables and request headers it reads and passes on unchanged, and the strings it
/// writes out. A value is followed through casts, `as string`, `.ToString()`, `.Trim()`,
/// concatenation (`+`, `string.Concat`, `string.Join`, `string.Format`, an interpolated
/// string's holes), a default (`??`) and both branches of `?:`: each puts the value in the
/// result as it is. Anything else (a call that encrypts, hashes or measures it) computes
/// something new, which is not followed.
///
/// This reads C# only as far as that needs: string and character literals are skipped as
/// wholes, brackets are counted, and whitespace outside literals is dropped.
enum CopiedValues {
    /// A part of the expression that ends up in its value.
    enum Piece: Equatable {
        /// `context.Variables["name"]`, `context.Variables.GetValueOrDefault<T>("name")`.
        case variable(String)
        /// `context.Request.Headers.GetValueOrDefault("name")`, `context.Request.Headers["name"]`.
        case requestHeader(String)
        /// A string written out, as written between its quotes.
        case literal(String)
    }

    /// The pieces of `code`, an expression as written in a policy (`@(...)` or
    /// `@{ return ...; }`, its quotes and brackets possibly written as entities); empty for
    /// anything else.
    static func pieces(of code: String) -> [Piece] {
        var text = compacted(Array(decoded(code)))[...]
        if text.starts(with: "@{return".map { $0 }), text.last == "}" {
            text = text.dropFirst("@{return".count).dropLast()
            // One statement only: a block that computes before it returns is not followed.
            guard text.last == ";", topLevelSplit(text.dropLast(), at: [";"]).count == 1 else { return [] }
            text = text.dropLast()
        } else if text.starts(with: ["@", "("]), text.last == ")" {
            text = text.dropFirst(2).dropLast()
        } else {
            return []
        }
        return pieces(in: text)
    }

    private static let passThrough = [".ToString()", "asstring", ".Trim()"].map(Array.init)
    private static let casts = ["(string)", "(String)", "(object)"].map(Array.init)
    private static let joiners = ["string.Concat(", "String.Concat(", "string.Join(", "String.Join(", "string.Format(", "String.Format("].map(Array.init)

    private static func pieces(in expression: ArraySlice<Character>) -> [Piece] {
        var expression = expression
        while expression.first == "(", closing(expression, from: expression.startIndex) == expression.endIndex - 1 {
            expression = expression.dropFirst().dropLast()
        }
        let parts = topLevelSplit(expression, at: ["+", "?", ":"])
        guard parts.count == 1 else { return parts.flatMap { pieces(in: $0) } }
        if let cast = casts.first(where: { expression.starts(with: $0) }) { return pieces(in: expression.dropFirst(cast.count)) }
        if let suffix = passThrough.first(where: { expression.reversed().starts(with: $0.reversed()) }) {
            return pieces(in: expression.dropLast(suffix.count))
        }
        if let end = literalEnd(expression, from: expression.startIndex), end == expression.endIndex {
            return literalPieces(expression)
        }
        if let joiner = joiners.first(where: { expression.starts(with: $0) }),
            closing(expression, from: expression.startIndex + joiner.count - 1) == expression.endIndex - 1
        {
            let arguments = expression.dropFirst(joiner.count).dropLast()
            return topLevelSplit(arguments, at: [","]).flatMap { pieces(in: $0) }
        }
        return read(expression).map { [$0] } ?? []
    }

    private static let variables = Array("context.Variables"), requestHeaders = Array("context.Request.Headers")

    /// A variable or request header read by a name written out, and nothing more.
    private static func read(_ expression: ArraySlice<Character>) -> Piece? {
        let readsVariable = expression.starts(with: variables)
        guard readsVariable || expression.starts(with: requestHeaders) else { return nil }
        var rest = expression.dropFirst(readsVariable ? variables.count : requestHeaders.count)
        if rest.first == "[" {
            guard closing(rest, from: rest.startIndex) == rest.endIndex - 1 else { return nil }
            rest = rest.dropFirst().dropLast()
        } else {
            guard rest.starts(with: ".GetValueOrDefault".map { $0 }) else { return nil }
            rest = rest.dropFirst(".GetValueOrDefault".count)
            if rest.first == "<", let close = rest.firstIndex(of: ">") { rest = rest[(close + 1)...] }
            guard rest.first == "(", closing(rest, from: rest.startIndex) == rest.endIndex - 1 else { return nil }
            rest = rest.dropFirst().dropLast()
            rest = topLevelSplit(rest, at: [","]).first ?? rest
        }
        guard rest.first == "\"", rest.count >= 2, rest.last == "\"" else { return nil }
        let name = rest.dropFirst().dropLast()
        guard !name.contains("\""), !name.contains("\\") else { return nil }
        return readsVariable ? .variable(String(name)) : .requestHeader(String(name))
    }

    /// The pieces of a string literal: its text, and for an interpolated string what each
    /// hole puts in (a hole's format, after a top-level `:` or `,`, is left out).
    private static func literalPieces(_ literal: ArraySlice<Character>) -> [Piece] {
        let prefix = literal.prefix { $0 == "@" || $0 == "$" }
        guard prefix.contains("$") else { return [.literal(String(literal.dropFirst(prefix.count + 1).dropLast()))] }
        var pieces: [Piece] = []
        var text = ""
        var index = literal.startIndex + prefix.count + 1
        let end = literal.endIndex - 1
        while index < end {
            if literal[index] == "{", index + 1 < end, literal[index + 1] == "{" {
                text += "{{"
                index += 2
            } else if literal[index] == "{", let close = closing(literal[..<end], from: index) {
                let hole = literal[(index + 1)..<close]
                pieces += Self.pieces(in: topLevelSplit(hole, at: [":", ","]).first ?? hole)
                index = close + 1
            } else {
                text.append(literal[index])
                index += 1
            }
        }
        return [.literal(text)] + pieces
    }

    /// `expression` split at `separators` where they stand outside brackets and literals.
    /// A `?` that starts `?.`, `?[` or `??` is an operator of its own: `?.` and `?[` do not
    /// split, `??` does.
    private static func topLevelSplit(_ expression: ArraySlice<Character>, at separators: Set<Character>) -> [ArraySlice<Character>] {
        var parts: [ArraySlice<Character>] = []
        var depth = 0
        var start = expression.startIndex
        var index = expression.startIndex
        while index < expression.endIndex {
            if let end = literalEnd(expression, from: index) {
                index = end
                continue
            }
            let character = expression[index]
            switch character {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth -= 1
            default:
                guard depth == 0, separators.contains(character) else { break }
                var width = 1
                if character == "?", index + 1 < expression.endIndex {
                    let next = expression[index + 1]
                    if next == "." || next == "[" { break }
                    if next == "?" { width = 2 }
                }
                parts.append(expression[start..<index])
                start = index + width
                index += width
                continue
            }
            index += 1
        }
        parts.append(expression[start..<expression.endIndex])
        return parts
    }

    /// The index of the bracket closing the one at `open`, skipping literals; nil when it
    /// is not closed.
    private static func closing(_ text: ArraySlice<Character>, from open: Int) -> Int? {
        var depth = 0
        var index = open
        while index < text.endIndex {
            if index > open, let end = literalEnd(text, from: index) {
                index = end
                continue
            }
            switch text[index] {
            case "(", "[", "{": depth += 1
            case ")", "]", "}":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index += 1
        }
        return nil
    }

    /// Where the string or character literal starting at `start` ends (just past its
    /// closing quote, or at the end of the text), or nil when none starts there. Regular,
    /// verbatim (`@"..."`, `""` for a quote) and interpolated (`$"...{hole}..."`) strings.
    private static func literalEnd(_ text: ArraySlice<Character>, from start: Int) -> Int? {
        var index = start
        var verbatim = false
        var interpolated = false
        while index < text.endIndex, index - start < 2, text[index] == "@" || text[index] == "$" {
            if text[index] == "@" { verbatim = true } else { interpolated = true }
            index += 1
        }
        guard index < text.endIndex else { return nil }
        if index == start, text[index] == "'" {
            index += 1
            while index < text.endIndex {
                if text[index] == "\\" {
                    index += 2
                    continue
                }
                if text[index] == "'" { return index + 1 }
                index += 1
            }
            return text.endIndex
        }
        guard text[index] == "\"" else { return nil }
        index += 1
        while index < text.endIndex {
            let character = text[index]
            if !verbatim, character == "\\" {
                index += 2
                continue
            }
            if character == "\"" {
                if verbatim, index + 1 < text.endIndex, text[index + 1] == "\"" {
                    index += 2
                    continue
                }
                return index + 1
            }
            if interpolated, character == "{" {
                if index + 1 < text.endIndex, text[index + 1] == "{" {
                    index += 2
                    continue
                }
                index = (closing(text, from: index) ?? text.endIndex - 1) + 1
                continue
            }
            index += 1
        }
        return text.endIndex
    }

    /// `text` without whitespace outside literals: `as string` reads `asstring`.
    private static func compacted(_ text: [Character]) -> [Character] {
        var result: [Character] = []
        result.reserveCapacity(text.count)
        let whole = text[...]
        var index = 0
        while index < text.count {
            if let end = literalEnd(whole, from: index) {
                result += text[index..<min(end, text.count)]
                index = end
                continue
            }
            if !text[index].isWhitespace { result.append(text[index]) }
            index += 1
        }
        return result
    }

    /// An expression as written in an attribute, its entities for quotes and brackets read.
    static func decoded(_ code: String) -> String {
        guard code.contains("&") else { return code }
        return code.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
