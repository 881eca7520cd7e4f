/// What a policy expression's value may carry whole: the variables, request headers,
/// request URL and body it reads, and the strings it writes out, each unless a one-way
/// step stands between it and the result. A one-way step is a hash or a cipher
/// (`ComputeHash`, `Encrypt`, `Decrypt`, ...), a measure (`.Length`, `.Count`), a test
/// (`==`, `&&`, `.StartsWith(...)`, `string.IsNullOrEmpty(...)`, a condition of `if`), or
/// parsing a token for its claims (`.AsJwt()`). Anything else (a cast, `.Substring`,
/// `.Replace`, Base64, a concatenation, a JSON object, a local variable of a block) is
/// taken to keep the value: a secret so passed on is still readable.
///
/// This reads C# only as far as that needs: string and character literals are skipped as
/// wholes, comments and white space are dropped, brackets are counted.
enum ExpressionFlow {
    /// What a value may carry.
    enum Source: Hashable {
        /// `context.Variables["name"]`, `context.Variables.GetValueOrDefault<T>("name")`.
        case variable(String)
        /// Every variable: `context.Variables` passed whole, or read by a name not written out.
        case allVariables
        /// `context.Request.Headers.GetValueOrDefault("name")`, `...Headers["name"]`.
        case requestHeader(String)
        case allRequestHeaders
        /// `context.Request.Url.Query.GetValueOrDefault("name")`, `...Query["name"]`.
        case requestQuery(String)
        /// The URL the backend is sent, whole: `context.Request.Url`, its path or query.
        case requestURL
        case requestBody
        /// `context.Request` itself, which holds its headers, URL and body.
        case request
        /// A string written out, as written between its quotes.
        case literal(String)
    }

    /// The sources of `code`, an expression as APIM reads it (references resolved). A
    /// block (`@{ ... }`) is followed through its local variables to what it returns.
    static func sources(of code: String) -> [Source] {
        let text = compacted(Array(code))
        guard text.starts(with: ["@", "{"]) else { return sources(in: text[...], locals: [:]) }
        return blockSources(text)
    }

    /// The text of an expression that is one plain string written out (`@("X-Key")`).
    static func stringLiteral(of code: String) -> String? {
        let text = compacted(Array(code))
        guard text.count >= 5, text.starts(with: ["@", "(", "\""]), text.last == ")", literalEnd(text, from: 2) == text.count - 1 else { return nil }
        let content = text[3..<(text.count - 2)]
        return content.contains("\\") ? nil : String(content)
    }

    /// What a block returns, its locals followed: a local holds what is assigned to it
    /// (`var key = ...;`, `key += ...;`, `json["k"] = ...;`) and what is passed to a method
    /// called on it (`json.Add("k", ...)`), until nothing changes.
    private static func blockSources(_ text: [Character]) -> [Source] {
        var assignments: [(local: String, value: ArraySlice<Character>)] = []
        // Changes of what a name holds through a member: the name's only if it is a local.
        var changes: [(local: String, value: ArraySlice<Character>)] = []
        var returns: [ArraySlice<Character>] = []
        var index = 2
        /// The text from `start` to the `;` (or `,` or closing bracket) that ends it.
        func statementEnd(from start: Int) -> Int {
            var depth = 0
            var end = start
            while end < text.count {
                if let literal = literalEnd(text, from: end) {
                    end = literal
                    continue
                }
                if "([{".contains(text[end]) { depth += 1 }
                if ")]}".contains(text[end]) {
                    if depth == 0 { break }
                    depth -= 1
                }
                if depth == 0, text[end] == ";" { break }
                end += 1
            }
            return end
        }
        while index < text.count {
            if let end = literalEnd(text, from: index) {
                index = end
                continue
            }
            guard isIdentifier(text[index]), !isIdentifier(text[index - 1]), text[index - 1] != "." else {
                index += 1
                continue
            }
            let word = identifier(in: text, from: index)
            var after = index + word.count
            // 'out v' (or 'out var v', 'out string[] v') holds what the call reads.
            if word == "out", let open = opening(text, before: index) {
                var receiver = open
                while receiver > 0, isIdentifier(text[receiver - 1]) || text[receiver - 1] == "." { receiver -= 1 }
                let end = statementEnd(from: index)
                var name = end
                while name > index, !isIdentifier(text[name - 1]) { name -= 1 }
                let local = String(text[..<name].reversed().prefix(while: isIdentifier).reversed())
                assignments.append((local, text[receiver...(closing(text, from: open) ?? text.count - 1)]))
                index = after
                continue
            }
            if word == "return" {
                returns.append(text[after..<statementEnd(from: after)])
                index = after
                continue
            }
            // What is indexed or a member of the local is the local's.
            if after < text.count, text[after] == "[", let close = closing(text, from: after) { after = close + 1 }
            if after < text.count, text[after] == "." {
                let member = identifier(in: text, from: after + 1)
                let call = after + 1 + member.count
                if call < text.count, text[call] == "(", !oneWay.contains(member), let close = closing(text, from: call) {
                    changes.append((word, text[(call + 1)..<close]))
                } else if call < text.count, text[call] == "=", call + 1 < text.count, text[call + 1] != "=" {
                    changes.append((word, text[(call + 1)..<statementEnd(from: call + 1)]))
                }
            }
            // '=', '+=' or '??=', not '==' or '=>'.
            let rest = text[after...]
            let operatorWidth = rest.starts(with: ["?", "?", "="]) ? 3 : rest.starts(with: ["+", "="]) ? 2 : rest.starts(with: ["="]) && !rest.starts(with: ["=", "="]) && !rest.starts(with: ["=", ">"]) ? 1 : 0
            if operatorWidth > 0 {
                let value = after + operatorWidth
                assignments.append((word, text[value..<statementEnd(from: value)]))
            }
            index = after
        }
        let declared = Set(assignments.map(\.local))
        assignments += changes.filter { declared.contains($0.local) }
        var locals: [String: [Source]] = [:]
        var changed = true
        while changed {
            changed = false
            for (local, value) in assignments {
                let found = sources(in: value, locals: locals).filter { !(locals[local]?.contains($0) ?? false) }
                guard !found.isEmpty else { continue }
                locals[local, default: []] += found
                changed = true
            }
        }
        return returns.flatMap { sources(in: $0, locals: locals) }
    }

    /// The sources of the expression `text`, `locals` standing for what each holds.
    private static func sources(in text: ArraySlice<Character>, locals: [String: [Source]]) -> [Source] {
        let text = Array(text)
        var found: [(source: Source, start: Int, end: Int, enclosing: [Int])] = []
        var open: [Int] = []
        var index = 0
        while index < text.count {
            if let end = literalEnd(text, from: index) {
                let prefix = text[index...].prefix { $0 == "@" || $0 == "$" }
                if end - index >= prefix.count + 2 {
                    found.append((.literal(String(text[(index + prefix.count + 1)..<(end - 1)])), index, end, open))
                }
                // What an interpolated string's holes read is in it.
                if prefix.contains("$") {
                    for hole in holes(text, in: (index + prefix.count + 1)..<(end - 1)) {
                        found += sources(in: hole, locals: locals).map { ($0, index, end, open) }
                    }
                }
                index = end
                continue
            }
            switch text[index] {
            case "(", "[", "{": open.append(index)
            case ")", "]", "}": _ = open.popLast()
            case "." where index > 0 && isIdentifier(text[index - 1]):
                if let (source, end, valueEnd) = read(text, at: index) {
                    if let source { found.append((source, index, valueEnd, open)) }
                    index = end
                    continue
                }
            default:
                // A local read where it stands.
                guard !locals.isEmpty, isIdentifier(text[index]), index == 0 || (!isIdentifier(text[index - 1]) && text[index - 1] != ".") else { break }
                let word = identifier(in: text, from: index)
                if let held = locals[word] { found += held.map { ($0, index, index + word.count, open) } }
                index += word.count
                continue
            }
            index += 1
        }
        return found.filter { !isOneWay(text, start: $0.start, end: $0.end, enclosing: $0.enclosing) }.map(\.source)
    }

    private static let oneWay: Set<String> = [
        "ComputeHash", "HashData", "TransformBlock", "TransformFinalBlock", "Encrypt", "Decrypt", "EncryptCbc", "DecryptCbc",
        "EncryptEcb", "DecryptEcb", "SignData", "SignHash", "VerifyData", "VerifyHash", "GetHashCode", "Equals", "StartsWith",
        "EndsWith", "Contains", "ContainsKey", "CompareTo", "Compare", "IsNullOrEmpty", "IsNullOrWhiteSpace", "Any", "All",
        "Length", "Count", "AsJwt", "if", "while", "switch",
    ]
    private static let tests: [[Character]] = ["==", "!=", "<=", ">=", "&&", "||"].map(Array.init)

    /// Whether what stands at `start..<end` reaches the result only through a one-way step:
    /// a one-way member right after it, a one-way call around it, or a test at some level
    /// of the brackets around it.
    private static func isOneWay(_ text: [Character], start: Int, end: Int, enclosing: [Int]) -> Bool {
        // A member right after it, or after the brackets that close around it, applies to it.
        var member = end
        while member < text.count, text[member] == ")" { member += 1 }
        if member < text.count, text[member] == "?" { member += 1 }
        if member < text.count, text[member] == ".", oneWay.contains(identifier(in: text, from: member + 1)) { return true }
        for bracket in enclosing where text[bracket] == "(" {
            if oneWay.contains(identifier(in: text, endingAt: bracket)) { return true }
        }
        // The part of each level that holds the value, between that level's separators.
        for (level, bracket) in ([-1] + enclosing).enumerated().reversed() {
            let inner = level == 0 ? 0 : bracket + 1
            let close = level == 0 ? text.count : (closing(text, from: bracket) ?? text.count)
            var depth = 0
            var partStart = inner
            var index = inner
            var partHasTest = false
            while index < close {
                if let literal = literalEnd(text, from: index) {
                    index = literal
                    continue
                }
                let character = text[index]
                if "([{".contains(character) {
                    depth += 1
                } else if ")]}".contains(character) {
                    depth -= 1
                } else if depth == 0 {
                    if ",;?:".contains(character) {
                        if partStart <= start, start < index { return partHasTest }
                        partStart = index + 1
                        partHasTest = false
                    } else if tests.contains(where: { text[index...].starts(with: $0) }) || (character == "!" && text[index...].prefix(2) != ["!", "="]) {
                        partHasTest = true
                    }
                }
                index += 1
            }
            if partHasTest { return true }
        }
        return false
    }

    /// What a read starting at the `.` at `dot` reads, and where it ends; nil when no read
    /// starts there, a nil source for a read that gives nothing of the values (a count, a
    /// test of a name).
    private static func read(_ text: [Character], at dot: Int) -> (Source?, end: Int, valueEnd: Int)? {
        let readers: [(name: [Character], named: (String) -> Source, all: Source)] = [
            (Array(".Variables"), Source.variable, .allVariables), (Array(".Request.Headers"), Source.requestHeader, .allRequestHeaders),
            (Array(".Request.Url"), Source.requestQuery, .requestURL),
        ]
        if text[dot...].starts(with: ".Request.Body"), !isIdentifier(at: dot + 13, in: text) { return (.requestBody, dot + 13, dot + 13) }
        // The request itself, passed whole or kept in a local; its other members (the
        // method, the caller's address, the original URL) hold nothing the gateway set.
        if text[dot...].starts(with: ".Request"), !isIdentifier(at: dot + 8, in: text) {
            guard dot + 8 < text.count, text[dot + 8] == "." else { return (.request, dot + 8, dot + 8) }
            let member = identifier(in: text, from: dot + 9)
            if !["Headers", "Url", "Body"].contains(member) { return (nil, dot + 9 + member.count, dot + 9 + member.count) }
        }
        guard let reader = readers.first(where: { text[dot...].starts(with: $0.name) && !isIdentifier(at: dot + $0.name.count, in: text) }) else { return nil }
        var index = dot + reader.name.count
        if reader.all == .requestURL {
            let member = identifier(in: text, from: index + 1)
            guard index < text.count, text[index] == "." else { return (.requestURL, index, index) }
            if ["Host", "Scheme", "Port"].contains(member) { return (nil, index + 1 + member.count, index + 1 + member.count) }
            guard member == "Query" else { return (.requestURL, index, index) }
            index += 6
        }
        guard index < text.count else { return (reader.all, index, index) }
        func named(from start: Int) -> (Source, end: Int)? {
            guard let end = literalEnd(text, from: start), text[start] == "\"", end - start >= 2 else { return nil }
            let name = text[(start + 1)..<(end - 1)]
            guard !name.contains("\\"), !name.contains("\"") else { return nil }
            return (reader.named(String(name)), end)
        }
        if text[index] == "[" {
            guard let (source, end) = named(from: index + 1), end < text.count, text[end] == "]" else { return (reader.all, index, index) }
            return (source, end + 1, end + 1)
        }
        guard text[index] == "." else { return (reader.all, index, index) }
        let member = identifier(in: text, from: index + 1)
        var after = index + 1 + member.count
        switch member {
        case "ContainsKey", "Count", "Keys": return (nil, after, after)
        case "GetValueOrDefault", "TryGetValue":
            if after < text.count, text[after] == "<", let close = text[after...].firstIndex(of: ">") { after = close + 1 }
            guard after < text.count, text[after] == "(", let (source, end) = named(from: after + 1), end < text.count, text[end] == "," || text[end] == ")"
            else { return (reader.all, index, index) }
            // The default is read on; what follows the call applies to the value.
            return (source, end, (closing(text, from: after) ?? text.count - 1) + 1)
        default: return (reader.all, index, index)
        }
    }

    private static func isIdentifier(_ character: Character) -> Bool { character.isLetter || character.isNumber || character == "_" }

    private static func isIdentifier(at index: Int, in text: [Character]) -> Bool { index < text.count && isIdentifier(text[index]) }

    private static func identifier(in text: [Character], from start: Int) -> String {
        guard start < text.count else { return "" }
        return String(text[start...].prefix(while: isIdentifier))
    }

    /// The identifier that ends right before `end`, skipping a generic argument list.
    private static func identifier(in text: [Character], endingAt end: Int) -> String {
        var last = end
        if last > 0, text[last - 1] == ">", let open = text[..<last].lastIndex(of: "<") { last = open }
        var first = last
        while first > 0, isIdentifier(text[first - 1]) { first -= 1 }
        return String(text[first..<last])
    }

    /// The holes of an interpolated string whose text between its quotes is `range`,
    /// each without its format (after a top-level `:` or `,`, which the hole's own
    /// brackets would enclose otherwise).
    private static func holes(_ text: [Character], in range: Range<Int>) -> [ArraySlice<Character>] {
        var holes: [ArraySlice<Character>] = []
        var index = range.lowerBound
        while index < range.upperBound {
            if text[index] == "{", index + 1 < range.upperBound, text[index + 1] == "{" {
                index += 2
                continue
            }
            guard text[index] == "{", let close = closing(text, from: index), close < range.upperBound else {
                index += 1
                continue
            }
            var hole = text[(index + 1)..<close]
            var depth = 0
            var scan = hole.startIndex
            while scan < hole.endIndex {
                if let end = literalEnd(text, from: scan), end <= hole.endIndex {
                    scan = end
                    continue
                }
                if "([{".contains(text[scan]) { depth += 1 } else if ")]}".contains(text[scan]) { depth -= 1 } else if depth == 0, text[scan] == ":" || text[scan] == "," {
                    hole = text[hole.startIndex..<scan]
                    break
                }
                scan += 1
            }
            holes.append(hole)
            index = close + 1
        }
        return holes
    }

    /// The `(` of the call whose arguments hold `index`, skipping literals before it.
    private static func opening(_ text: [Character], before index: Int) -> Int? {
        var open: [Int] = []
        var scan = 0
        while scan < index {
            if let end = literalEnd(text, from: scan) {
                scan = end
                continue
            }
            if "([{".contains(text[scan]) { open.append(scan) } else if ")]}".contains(text[scan]) { _ = open.popLast() }
            scan += 1
        }
        return open.last.flatMap { text[$0] == "(" ? $0 : nil }
    }

    /// The index of the bracket closing the one at `open`, skipping literals.
    private static func closing(_ text: [Character], from open: Int) -> Int? {
        var depth = 0
        var index = open
        while index < text.count {
            if index > open, let end = literalEnd(text, from: index) {
                index = end
                continue
            }
            if "([{".contains(text[index]) { depth += 1 }
            if ")]}".contains(text[index]) {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }

    /// Where the string or character literal starting at `start` ends (just past its
    /// closing quote, or at the end of the text), or nil when none starts there. Regular,
    /// verbatim (`@"..."`, `""` for a quote) and interpolated (`$"...{hole}..."`) strings.
    static func literalEnd(_ text: [Character], from start: Int) -> Int? {
        var index = start
        var verbatim = false
        var interpolated = false
        while index < text.count, index - start < 2, text[index] == "@" || text[index] == "$" {
            if text[index] == "@" { verbatim = true } else { interpolated = true }
            index += 1
        }
        guard index < text.count else { return nil }
        if index == start, text[index] == "'" {
            index += 1
            while index < text.count {
                if text[index] == "\\" {
                    index += 2
                    continue
                }
                if text[index] == "'" { return index + 1 }
                index += 1
            }
            return text.count
        }
        guard text[index] == "\"" else { return nil }
        index += 1
        while index < text.count {
            let character = text[index]
            if !verbatim, character == "\\" {
                index += 2
                continue
            }
            if character == "\"" {
                if verbatim, index + 1 < text.count, text[index + 1] == "\"" {
                    index += 2
                    continue
                }
                return index + 1
            }
            if interpolated, character == "{" {
                if index + 1 < text.count, text[index + 1] == "{" {
                    index += 2
                    continue
                }
                index = (closing(text, from: index) ?? text.count - 1) + 1
                continue
            }
            index += 1
        }
        return text.count
    }

    /// `text` without comments and white space outside literals, but one space kept
    /// between two identifiers (`new string`, `as string`).
    static func compacted(_ text: [Character]) -> [Character] {
        var result: [Character] = []
        result.reserveCapacity(text.count)
        var index = 0
        var spaced = false
        while index < text.count {
            if let end = literalEnd(text, from: index) {
                if spaced, let last = result.last, isIdentifier(last) { result.append(" ") }
                spaced = false
                result += text[index..<min(end, text.count)]
                index = end
                continue
            }
            let character = text[index]
            if character == "/", index + 1 < text.count, text[index + 1] == "/" || text[index + 1] == "*" {
                let block = text[index + 1] == "*"
                index += 2
                while index < text.count, block ? !(text[index] == "*" && index + 1 < text.count && text[index + 1] == "/") : !text[index].isNewline { index += 1 }
                index += block ? 2 : 0
                spaced = true
                continue
            }
            if character.isWhitespace {
                spaced = true
            } else {
                if spaced, isIdentifier(character), let last = result.last, isIdentifier(last) { result.append(" ") }
                spaced = false
                result.append(character)
            }
            index += 1
        }
        return result
    }
}
