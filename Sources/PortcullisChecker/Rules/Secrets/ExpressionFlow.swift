import PortcullisPolicyXML
import PortcullisSupport

/// What a policy expression's value may carry whole: the variables, request headers,
/// request URL and body it reads, and the strings it writes out, each unless a one-way
/// step stands between it and the result. A one-way step is a hash, or a cipher whose key
/// the policy does not write out (`ComputeHash`, `Encrypt` with a key read from a named
/// value or a variable; `Decrypt` gives back what it is handed, only its key is safe), a
/// measure (`.Length`, `.Count`), a test (`==`, `&&`, `!x`, `.StartsWith(...)`,
/// `string.IsNullOrEmpty(...)`, the condition of `if`), parsing a token for its claims
/// (`.AsJwt()`), or a read typed as something no string is (`GetValueOrDefault<IResponse>`).
/// Anything else (a cast, `.Substring`, `.Replace`, Base64, a concatenation, a JSON object)
/// is taken to keep the value: a secret so passed on is still readable.
///
/// A block (`@{ ... }`) whose statements only assign, test and return is followed through
/// its local variables; one that loops, matches patterns, declares functions or lambdas
/// or passes `out`/`ref` arguments carries everything it reads.
///
/// This reads C# only as far as that needs, on the UTF-8 bytes (every token it looks for
/// is ASCII): literals are skipped as wholes, comments and white space dropped, `\u`
/// escapes outside literals read, brackets counted once. Every pass is linear in the
/// expression's length, so hostile input costs what its size does.
enum ExpressionFlow {
    /// What a value may carry.
    enum Source: Hashable {
        /// `context.Variables["name"]`, `context.Variables.GetValueOrDefault<T>("name")`.
        case variable(String)
        /// Every variable: `context.Variables` passed whole, or read by a name not written out.
        case allVariables
        /// `context.Request.Headers.GetValueOrDefault("name")`, `...Headers["name"]`.
        case requestHeader(String)
        /// One request header, read by a name not written out (`Headers[name]`,
        /// `GetValueOrDefault(prefix + "Sub", …)`): any, so one the caller sends too, which
        /// need not be the credential's (an audit found `X-Sub` so named taken for it).
        case someRequestHeader
        /// Every request header: `context.Request.Headers` passed whole.
        case allRequestHeaders
        /// `context.Request.Url.Query.GetValueOrDefault("name")`, `...Query["name"]`.
        case requestQuery(String)
        /// Every query parameter's value: the parameters passed whole (`...Url.Query`), or
        /// read by a name not written out. (`QueryString`, which starts with its `?`, is the
        /// URL's.)
        case allRequestQuery
        /// The URL the backend is sent, whole (`context.Request.Url`), or its query string.
        case requestURL
        /// The URL's path only, whole or changed in a way that keeps its leading `/`.
        case requestPath
        /// A part of the URL's path (`.Substring(9)`, `.Split('/')[2]`): what the caller
        /// wrote, without the `/` that ends a host written before it.
        case requestPathPart
        /// A part of the request as the caller sent it, which holds nothing the policies put
        /// in: a parameter of the operation's URL template (`context.Request.MatchedParameters["id"]`,
        /// matched before any policy runs), or a query parameter or a part of the path or
        /// query string of `context.Request.OriginalUrl` (whole, that URL starts with the
        /// gateway's host, its path with `/`, its query string with `?`, and is none).
        case asSent
        case requestBody
        /// `context.Request` itself, which holds its headers, URL and body.
        case request
        /// The answer, `context.Response`, whole or any part but its status: its body, its
        /// headers (not another call's response, kept in a variable).
        case answer
        /// A string written out, as written between its quotes.
        case literal(String)

        /// Whether it is a variable, or every variable.
        var isVariable: Bool {
            switch self {
            case .variable, .allVariables: true
            default: false
            }
        }

        /// Whether the caller writes it: the request, any part of it.
        var isCallerWritten: Bool {
            switch self {
            case .requestHeader, .someRequestHeader, .allRequestHeaders, .requestQuery, .allRequestQuery, .requestURL, .requestPath, .requestPathPart, .asSent, .requestBody,
                .request:
                true
            case .variable, .allVariables, .answer, .literal: false
            }
        }
    }

    /// An identifier a value passes on (a block's local), and whether what it holds is cut
    /// there: a path so cut is a part of it, which may be a host.
    private struct PassedName: Hashable {
        let name: String
        let cut: Bool
    }

    /// The sources of `code`, an expression as APIM reads it (references resolved).
    /// With `typedReads`, a read typed as something no string is counts too: a call's
    /// answer read as `GetValueOrDefault<IResponse>` (CA001 follows answers, not secrets).
    static func sources(of code: String, typedReads: Bool = false) -> [Source] {
        let text = compacted(Array(code.utf8))
        let structure = Structure(text)
        guard text.count > 2, text[0] == at, text[1] == openBrace else { return scan(text, structure, in: 0..<text.count, typedReads: typedReads).sources }
        return Block(text, structure).sources(typedReads: typedReads)
    }

    /// A value as APIM reads it, for telling two spellings of one apart: trimmed, an
    /// expression without its spaces and comments, and `?.` read as `.`, which reads the
    /// same when there is something to read (audit V41).
    static func normalized(_ written: String) -> String {
        let trimmed = written.trimmingWhitespace
        guard trimmed.hasPrefix("@") else { return trimmed }
        return String(decoding: compacted(Array(trimmed.utf8)), as: UTF8.self).replacing("?.", with: ".")
    }

    /// Everything `code` reads, tests, measures and blocks' statements included, one-way
    /// steps not cutting: what a condition or a choice decides by. A test of a name
    /// (`Headers.ContainsKey("X-Legacy")`) reads that entry, a count every one; the method,
    /// the URL's host and the like are not named here.
    static func reads(of code: String) -> [Source] {
        let text = compacted(Array(code.utf8))
        return scan(text, Structure(text), in: 0..<text.count, reading: .everything).sources
    }

    /// What `code`'s value may carry far enough to tell two callers' values apart: whole, or
    /// through steps that keep different values different (a change of case, a hash, the
    /// part after a written prefix, a token's subject). A test or a measure of it, a cut to
    /// its start (`.Substring(0, 7)`, `.Split(' ')[0]`, `.Remove(6)`, `[0]`), or a token's
    /// facts every user's token shares (its tenant, audience or issuer) leave what all
    /// callers' values have in common (found by an audit: a cache key of the token's scheme
    /// was taken for the caller's own). Read without tests, as ``reads(of:)`` is not.
    static func valuesKeptApart(of code: String) -> [Source] {
        let text = compacted(Array(code.utf8))
        return scan(text, Structure(text), in: 0..<text.count, reading: .apart).sources
    }

    /// Whether every value `code` may give holds, in one of its parts, what `holds` looks
    /// for: each branch of a choice (`a ? b : c`, each arm of a `switch` expression), each
    /// value a block returns, each side of a `??`, and in a value joined from parts
    /// (``terms(of:)``), any part, read so in turn. A text written out for a value missing
    /// (a `??`'s fallback, or the branch of a test of whether the credential the other
    /// branch holds is there, which `credentials` names: `t != null ? t.Subject :
    /// "anonymous"`) is no other caller's. A block's value
    /// that reads its locals, which are not followed, and a value past 32 levels or a
    /// part past 4, are `holds`' to judge whole. Read ``ValueReading/whole``, no part and
    /// no fallback is spared.
    static func everyValue(of code: String, credentials: (Source) -> Bool, reading: ValueReading = .parts, holds: (String) -> Bool) -> Bool {
        let parts = reading == .parts
        // Each value, one that reads a local of its block or its arm's pattern judged by
        // the whole (judged once: a block of thousands of returns judged whole for each
        // took minutes, and an arm judged alone let the others through: audits).
        // A value whose locals the block gives one value each is judged with them put in.
        // The block is read for its locals once, not for each value (a block of thousands
        // of returns read again for each took seconds: the audit of the change).
        func judgeEach(_ values: [(code: String, mayReadALocal: Bool)], whole code: String, depth: Int) -> Bool {
            var whole: Bool?
            var locals: BlockLocals??
            return values.allSatisfy { value in
                guard value.mayReadALocal, readsALocal(value.code) else { return judge(value.code, depth: depth + 1) }
                if locals == nil { locals = .some(BlockLocals(code)) }
                if let put = locals??.inPlace(in: value.code), !readsALocal(put) { return judge(put, depth: depth + 1) }
                if whole == nil { whole = holds(code) }
                return whole!
            }
        }
        func judge(_ code: String, depth: Int) -> Bool {
            guard depth < 32 else { return holds(code) }
            let (text, structure, body) = expressionBody(of: code)
            if let body {
                func expression(_ range: Range<Int>) -> String { "@(" + String(decoding: text[range], as: UTF8.self) + ")" }
                if let (test, whenTrue, whenFalse) = choice(text, structure) {
                    let (kept, fallback) = isWrittenOut(expression(whenFalse)) ? (whenTrue, whenFalse) : (whenFalse, whenTrue)
                    if parts, isWrittenOut(expression(fallback)), let present = presence(in: expression(test), of: expression(kept), credentials),
                        present != (fallback == whenTrue)
                    {
                        return judge(expression(kept), depth: depth + 1)
                    }
                    return judge(expression(whenTrue), depth: depth + 1) && judge(expression(whenFalse), depth: depth + 1)
                }
                if let mark = coalescing(text, body, structure) {
                    let fallback = expression((mark + 2)..<body.upperBound)
                    return judge(expression(body.lowerBound..<mark), depth: depth + 1)
                        && (parts && isWrittenOut(fallback) || judge(fallback, depth: depth + 1))
                }
                // Steps after a bracketed `??` apply to each side: `(t ?? "").Split('.')[0]`
                // is the first part of the token (read whole, the cut was lost: the last
                // audit of the round).
                if text[body.lowerBound] == openParenthesis, let close = structure.close[body.lowerBound], close + 1 < body.upperBound,
                    text[close + 1] == dot || text[close + 1] == openBracket,
                    let mark = coalescing(text, (body.lowerBound + 1)..<close, structure)
                {
                    let steps = String(decoding: text[(close + 1)..<body.upperBound], as: UTF8.self)
                    func side(_ range: Range<Int>) -> String { "@((" + String(decoding: text[range], as: UTF8.self) + ")" + steps + ")" }
                    let fallback = (mark + 2)..<close
                    return judge(side((body.lowerBound + 1)..<mark), depth: depth + 1)
                        && (parts && isWrittenOut(expression(fallback)) || judge(side(fallback), depth: depth + 1))
                }
                // A read with a default gives the entry where the request has it and the
                // default where not, as `??` does, so each is judged: read as one value, a
                // key `Headers.GetValueOrDefault("X-Sub", subject)` was taken for the
                // subject's, though a caller who sends `X-Sub` chooses it (an audit). Past
                // eight such reads, every default is dropped: each entry is then judged as
                // sent.
                if parts, contains(text[body], "GetValueOrDefault"), let read = firstReadWithADefault(text, body, structure) {
                    guard depth < 8 else { return judge(String(decoding: withoutDefaults(text, body, structure), as: UTF8.self), depth: depth + 1) }
                    let fallback = expression(read.fallback)
                    let entry = text[..<(read.fallback.lowerBound - 1)] + text[read.fallback.upperBound...]
                    let missing = text[..<read.start] + "(".utf8 + text[read.fallback] + ")".utf8 + text[(read.fallback.upperBound + 1)...]
                    return judge(String(decoding: entry, as: UTF8.self), depth: depth + 1)
                        && (isWrittenOut(fallback) || judge(String(decoding: missing, as: UTF8.self), depth: depth + 1))
                }
                if let (subject, arms) = switchArms(text, body, structure) {
                    // An arm for a credential that is missing (`t switch { null => "anon", … }`)
                    // serves no caller with one, as a written branch of a test of it.
                    let tested = parts && presence(in: "@(" + String(decoding: text[subject], as: UTF8.self) + "==null)", of: expression(subject), credentials) != nil
                    let served = arms.filter { arm in
                        !(tested && ["null", "\"\""].contains(String(decoding: text[arm.pattern], as: UTF8.self)) && isWrittenOut(expression(arm.value)))
                    }
                    return judgeEach(served.map { (expression($0.value), true) }, whole: code, depth: depth)
                }
            }
            // A text written out, or `null`, has no part to read: `holds` judges it whole.
            if isWrittenOut(code) || isNothingWritten(code) { return holds(code) }
            let values = possibleValues(of: code)
            if values.count > 1 || values.first?.fromABlock == true {
                return judgeEach(values.map { ($0.code, $0.fromABlock) }, whole: code, depth: depth)
            }
            guard parts, depth < 4, let terms = terms(of: code), terms != [.code(code)] else { return holds(code) }
            return terms.contains { term in
                guard case .code(let part) = term else { return false }
                return judge(part, depth: depth + 1)
            }
        }
        return judge(code, depth: 0)
    }

    /// The first `GetValueOrDefault` call in `body` with a default, of the request's
    /// headers or query, the variables or any other collection, whatever names the entry
    /// (`@"X-Sub"`, `"X-" + "Sub"`, a variable: read by a name written out only, the others
    /// kept their default as part of the value, an audit found): where the read starts
    /// (its receiver) and its default's code, which the call's closing bracket follows.
    private static func firstReadWithADefault(_ text: [UInt8], _ body: Range<Int>, _ structure: Structure) -> (start: Int, fallback: Range<Int>)? {
        var index = body.lowerBound
        while index < body.upperBound {
            if let end = structure.literalEnd[index] {
                index = end
                continue
            }
            if text[index] == dot, starts(text, at: index + 1, with: "GetValueOrDefault") {
                var open = index + 18
                if open < text.count, text[open] == lessThan, let greaterAt = text[open...].prefix(64).firstIndex(of: greater) { open = greaterAt + 1 }
                if open < body.upperBound, text[open] == openParenthesis, let close = structure.close[open],
                    let separator = outside(text, (open + 1)..<close, structure).first(where: { text[$0] == comma }), separator + 1 < close
                {
                    var start = index
                    while start > body.lowerBound, isIdentifier(text[start - 1]) || text[start - 1] == dot || text[start - 1] == question { start -= 1 }
                    return (start, (separator + 1)..<close)
                }
            }
            index += 1
        }
        return nil
    }

    /// `text` with the default of every read in `body` that has one taken off
    /// (``firstReadWithADefault(_:_:_:)``): each entry as the request sends it.
    private static func withoutDefaults(_ text: [UInt8], _ body: Range<Int>, _ structure: Structure) -> [UInt8] {
        var kept: [UInt8] = []
        var from = 0
        var rest = body
        while let read = firstReadWithADefault(text, rest, structure) {
            kept += text[from..<(read.fallback.lowerBound - 1)]
            from = read.fallback.upperBound
            rest = (read.fallback.upperBound + 1)..<body.upperBound
        }
        return kept + text[from...]
    }

    /// How ``everyValue(of:credentials:reading:holds:)`` reads each value.
    enum ValueReading {
        /// As a key that tells callers apart: a value joined from parts holds what one of
        /// them holds, and a text written out for a missing credential serves no caller.
        case parts
        /// As a token: each value whole, a fallback written out too (one given for a
        /// missing token is the gateway's, and one joined to the caller's text may be).
        case whole
    }

    /// The header or query parameter whose text `code` gives and nothing else, read by a
    /// name written out: `Headers.GetValueOrDefault("X")` with no default but nothing
    /// (`""`, `string.Empty`, `null`), `Headers["X"]`'s first value, the query's alike,
    /// cast to a string or not, its scheme taken off at most (``tokenCuts``). Nil for
    /// anything more: a default or a join may hold a token the gateway chose, and a name
    /// not written out may be any.
    static func callersText(of code: String) -> Source? {
        guard let body = textRead(of: code)?.body else { return nil }
        let collections = [
            ("context.Request.Headers", Source.requestHeader), ("context.Request.Url.Query", Source.requestQuery),
            ("context.Request.OriginalUrl.Query", Source.requestQuery),
        ]
        for (collection, place) in collections {
            guard body.hasPrefix(collection) else { continue }
            var read = body.dropFirst(collection.count)
            if read.hasPrefix(".GetValueOrDefault(") { return readWithNothingElse(read.dropFirst(".GetValueOrDefault(".count)).map(place) }
            guard let first = [".First()", ".FirstOrDefault()", "[0]"].first(where: read.hasSuffix), read.hasPrefix("[") else { return nil }
            read = read.dropLast(first.count)
            guard read.hasSuffix("]") else { return nil }
            return writtenName(read.dropFirst().dropLast()).map(place)
        }
        return nil
    }

    /// The variable `code` reads and gives as text, nothing else: `(string)context.Variables["t"]`,
    /// `context.Variables["t"] as string`, `context.Variables.GetValueOrDefault<string>("t")`
    /// with no default but nothing, its scheme cut off at most (``tokenCuts``).
    static func variableRead(of code: String) -> String? {
        guard var (body, text) = textRead(of: code) else { return nil }
        if let suffix = ["as string", ".ToString()"].first(where: body.hasSuffix) {
            text = true
            body = body.dropLast(suffix.count)
        }
        guard body.hasPrefix("context.Variables") else { return nil }
        let read = body.dropFirst("context.Variables".count)
        for (call, typed) in [(".GetValueOrDefault<string>(", true), (".GetValueOrDefault(", false)] where read.hasPrefix(call) && (typed || text) {
            return readWithNothingElse(read.dropFirst(call.count))
        }
        guard text, read.hasPrefix("["), read.hasSuffix("]") else { return nil }
        return writtenName(read.dropFirst().dropLast())
    }

    /// What an expression `code` reads, compacted, `?.` read as `.`, with the scheme cuts
    /// at its end (``tokenCuts``) and a cast to a string taken off, and whether it had
    /// that cast; nil for a block.
    private static func textRead(of code: String) -> (body: Substring, cast: Bool)? {
        var body = Substring(String(decoding: compacted(Array(code.utf8)), as: UTF8.self))
        guard body.hasPrefix("@("), body.hasSuffix(")") else { return nil }
        body = Substring(body.dropFirst(2).dropLast().replacingBytes("?.", with: "."))
        while let cut = tokenCuts.first(where: body.hasSuffix) { body = body.dropLast(cut.count) }
        if body.hasPrefix("((string)"), body.hasSuffix(")") { body = body.dropFirst().dropLast() }
        guard body.hasPrefix("(string)") else { return (body, false) }
        return (body.dropFirst(8), true)
    }

    /// The expression a block of two statements stands for, where the first gives a local
    /// a value of one operand (no operator at its top) and the second returns that local,
    /// members read after it: `@{ var h = E; return h.Replace("Bearer ", ""); }` is
    /// `@(E.Replace("Bearer ", ""))`. Nil for any other block.
    static func expression(ofBlock code: String) -> String? {
        let text = compacted(Array(code.utf8))
        guard text.count > 3, text[0] == at, text[1] == openBrace, text[text.count - 1] == closeBrace else { return nil }
        let structure = Structure(text)
        guard structure.close[1] == text.count - 1 else { return nil }
        var index = 2
        if starts(text, at: index, with: "var ") { index += 4 } else if starts(text, at: index, with: "string ") { index += 7 } else { return nil }
        let nameEnd = identifierEnd(text, from: index)
        guard nameEnd > index, nameEnd < text.count, text[nameEnd] == equals, nameEnd + 1 < text.count, text[nameEnd + 1] != equals else { return nil }
        let name = text[index..<nameEnd]
        let valueEnd = structure.statementEnd[nameEnd + 1]
        guard valueEnd < text.count, text[valueEnd] == semicolon, valueEnd > nameEnd + 1 else { return nil }
        let value = (nameEnd + 1)..<valueEnd
        // One operand: an operator at the top would bind the members returned otherwise.
        var scan = value.lowerBound
        while scan < value.upperBound {
            if let end = structure.literalEnd[scan] {
                scan = end
                continue
            }
            if isOpening(text[scan]) {
                scan = (structure.close[scan] ?? value.upperBound) + 1
                continue
            }
            if Array("?:+-*/%&|^<>=!".utf8).contains(text[scan]) { return nil }
            scan += 1
        }
        var returned = valueEnd + 1
        guard starts(text, at: returned, with: "return ") else { return nil }
        returned += "return ".utf8.count
        guard text[returned...].starts(with: name), identifierEnd(text, from: returned) == returned + name.count else { return nil }
        let members = (returned + name.count)..<structure.statementEnd[returned]
        guard members.upperBound == text.count - 2, text[members.upperBound] == semicolon,
            members.isEmpty || text[members.lowerBound] == dot || text[members.lowerBound] == openBracket || starts(text, at: members.lowerBound, with: "?.")
        else { return nil }
        return "@(" + String(decoding: text[value], as: UTF8.self) + String(decoding: text[members], as: UTF8.self) + ")"
    }

    /// The name in the arguments of a `GetValueOrDefault(` (what follows it): a name
    /// written out, and no default but nothing.
    private static func readWithNothingElse(_ arguments: Substring) -> String? {
        // Microsoft's samples give `"scheme param"`, whose last word no issuer signed.
        for nothing in [")", ",\"\")", ",string.Empty)", ",String.Empty)", ",null)", ",\"scheme param\")"] where arguments.hasSuffix(nothing) {
            if let name = writtenName(arguments.dropLast(nothing.count)) { return name }
        }
        return nil
    }

    /// The name a string written out holds, with nothing that would change it (no escape,
    /// no quote, no hole) but named values' references (`{{token-header}}`), which APIM puts
    /// in before the code runs: a name holding one is some name the caller sends (audit V10
    /// found a variable copying such a header read as the gateway's token).
    private static func writtenName(_ literal: Substring) -> String? {
        guard literal.count >= 3, literal.first == "\"", literal.last == "\"" else { return nil }
        let name = literal.dropFirst().dropLast()
        guard !name.contains(where: { $0 == "\"" || $0 == "\\" }) else { return nil }
        var rest = name[...]
        while let brace = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            rest = rest[brace...]
            guard rest.hasPrefix("{{"), let close = rest.firstRange(of: "}}"), close.lowerBound > rest.index(rest.startIndex, offsetBy: 2),
                !rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound].contains(where: { $0 == "{" || $0 == "}" })
            else { return nil }
            rest = rest[close.upperBound...]
        }
        return String(name)
    }

    /// `code` compacted, and the range of what its `@(…)` holds, brackets around the whole
    /// of it taken off; nil for a block or anything else.
    private static func expressionBody(of code: String) -> (text: [UInt8], structure: Structure, body: Range<Int>?) {
        let text = compacted(Array(code.utf8))
        let structure = Structure(text)
        guard text.count > 3, text[0] == at, text[1] == openParenthesis, structure.close[1] == text.count - 1 else { return (text, structure, nil) }
        return (text, structure, body(ofExpression: text, structure))
    }

    /// Whether `code` writes out nothing: an empty string, `string.Empty` or `null`.
    static func isNothingWritten(_ code: String) -> Bool {
        let text = String(decoding: compacted(Array(code.utf8)), as: UTF8.self)
        return text == "@(null)" || emptyTexts.contains(text)
    }

    /// Whether `code` is a text written out: a string, or `string.Empty`.
    private static func isWrittenOut(_ code: String) -> Bool {
        stringLiteral(of: code) != nil || emptyTexts.contains(String(decoding: compacted(Array(code.utf8)), as: UTF8.self))
    }

    /// An empty text, as an expression compacted.
    private static let emptyTexts: Set<String> = ["@(string.Empty)", "@(String.Empty)", "@(\"\")"]

    /// Whether `test` is true where the credential header `value` holds (or the token it
    /// carries) is there, or false: a test of that and nothing else (`t != null`,
    /// `t.AsJwt() is null`, `string.IsNullOrEmpty(t)`, `Headers.ContainsKey("Authorization")`,
    /// negated or not). Nil for any other test: one of a member or a claim (`t.Id == null`,
    /// `scp == null` pick tokens without them), of another header, or of a value picks
    /// callers that reach the branch (audits).
    private static func presence(in test: String, of value: String, _ credentials: (Source) -> Bool) -> Bool? {
        var tested = Substring(String(decoding: compacted(Array(test.utf8)).dropFirst(2).dropLast(), as: UTF8.self))
        var present = true
        while tested.hasPrefix("!"), !tested.hasPrefix("!=") {
            present.toggle()
            tested = tested.dropFirst()
        }
        while tested.hasPrefix("("), tested.hasSuffix(")") {
            tested = tested.dropFirst().dropLast()
        }
        var subject: Substring
        if let suffix = ["!=null", "==null", "is not null", "is null"].first(where: tested.hasSuffix) {
            if suffix == "==null" || suffix == "is null" { present.toggle() }
            subject = tested.dropLast(suffix.count)
            // White space stays between words once compacted (`t is null`), not after `)`.
            if subject.last == " " { subject = subject.dropLast() }
        } else if let call = ["string.IsNullOrEmpty(", "String.IsNullOrEmpty(", "string.IsNullOrWhiteSpace(", "String.IsNullOrWhiteSpace("].first(where: tested.hasPrefix),
            tested.hasSuffix(")")
        {
            present.toggle()
            subject = tested.dropFirst(call.count).dropLast()
        } else if tested.hasSuffix(".ContainsKey(\"Authorization\")") || tested.hasSuffix(".ContainsKey(\"authorization\")") {
            subject = tested
        } else {
            return nil
        }
        // The header read, parsed as a token at most: nothing after it (a part of it,
        // `Split(' ')[2] is null`, is missing for every caller: the fifth audit).
        subject = Substring(subject.replacingBytes("?.", with: "."))
        if subject.hasSuffix(".AsJwt()") { subject = subject.dropLast(8) }
        guard isAHeaderRead(subject) || tested.hasSuffix(".ContainsKey(\"Authorization\")") || tested.hasSuffix(".ContainsKey(\"authorization\")"),
            !["==", "!=", "&&", "||", "<", ">", "AsJwt"].contains(where: { subject.contains($0) }),
            case let read = reads(of: "@(" + subject + ")").filter({ if case .literal = $0 { false } else { true } }), !read.isEmpty, read.allSatisfy(credentials),
            read.allSatisfy({ if case .requestHeader = $0 { true } else { false } }),
            valuesKeptApart(of: value).contains(where: read.contains)
        else { return nil }
        return present
    }

    /// Whether compacted `code` is a read of one request header by its name and nothing
    /// more: `context.Request.Headers.GetValueOrDefault("…", …)` or `…Headers["…"]`, cast
    /// to a string or not, or the token after its scheme as Microsoft's samples take it
    /// (`.Split(' ')[1]`, `.Split(' ').Last()`, `.Replace("Bearer ", "")`: there for every
    /// caller a token check let through; the sixth audit).
    private static func isAHeaderRead(_ written: Substring) -> Bool {
        let headers = "context.Request.Headers"
        var code = written
        if code.hasPrefix("((string)"), code.hasSuffix(")") { code = code.dropFirst().dropLast() }
        if code.hasPrefix("(string)") { code = code.dropFirst(8) }
        while let suffix = schemeCuts.first(where: code.hasSuffix) { code = code.dropLast(suffix.count) }
        guard code.hasPrefix(headers) else { return false }
        let rest = code.dropFirst(headers.count)
        if rest.hasPrefix(".GetValueOrDefault("), rest.hasSuffix(")") { return rest.firstRange(of: ").") == nil && rest.firstRange(of: ")[") == nil }
        if rest.hasPrefix("[\""), rest.hasSuffix("\"]") { return !rest.dropFirst().dropLast().contains("]") }
        return false
    }

    /// What takes a header's scheme off and leaves its token (``isAHeaderRead(_:)``).
    private static let schemeCuts = [
        ".Split(' ')[1]", ".Split(\" \")[1]", ".Split(' ').Last()", ".Split(\" \").Last()", ".Split(' ').LastOrDefault()", ".Split(\" \").LastOrDefault()",
        ".Replace(\"Bearer \",\"\")", ".Replace(\"Bearer \",string.Empty)", ".Substring(7)", ".Trim()",
    ]

    /// What takes a header's scheme off and leaves the token a check is given: the
    /// ``schemeCuts``, and other ways of writing them.
    private static let tokenCuts =
        schemeCuts + [
            ".Remove(0,7)", ".Substring(\"Bearer \".Length)", ".Remove(0,\"Bearer \".Length)", ".Replace(\"Bearer \",String.Empty)",
            ".Split(' ',2)[1]", ".Split(\" \",2)[1]", ".Replace(\"Bearer \",\"\",StringComparison.Ordinal)", ".Replace(\"Bearer \",\"\",StringComparison.OrdinalIgnoreCase)",
            ".Replace(\"Bearer \",\"\",StringComparison.InvariantCultureIgnoreCase)",
        ]

    /// What may follow a header's read and leave the value a caller sends (the audit of
    /// SE001's comparisons found each missed): its first value, trimmed, in one case, cast.
    private static let wholeReads: Set<String> = [
        ".First()", ".FirstOrDefault()", "[0]", ".Trim()", ".ToLower()", ".ToLowerInvariant()", ".ToUpper()", ".ToUpperInvariant()", "as string",
        ".ToString()",
    ]

    /// Where a `??` at the top of `body` stands.
    private static func coalescing(_ text: [UInt8], _ body: Range<Int>, _ structure: Structure) -> Int? {
        let marks = outside(text, body, structure)
        return marks.first { text[$0] == question && $0 + 1 < body.upperBound && text[$0 + 1] == question }
    }

    /// The value of each arm of a `switch` expression that is the whole of `body`
    /// (`subject switch { pattern => value, … }`).
    private static func switchArms(_ text: [UInt8], _ body: Range<Int>, _ structure: Structure) -> (subject: Range<Int>, arms: [(pattern: Range<Int>, value: Range<Int>)])? {
        // The braces end the body; `outside` passes over them, so its last mark stands
        // right before them.
        guard text[body.upperBound - 1] == closeBrace, let last = outside(text, body, structure).last, last + 1 < body.upperBound, text[last + 1] == openBrace,
            structure.close[last + 1] == body.upperBound - 1, last + 1 >= body.lowerBound + 6, text[(last - 5)...last].elementsEqual("switch".utf8)
        else { return nil }
        let open = last + 1
        let arms = (open + 1)..<(body.upperBound - 1)
        var start = arms.lowerBound
        var values: [(pattern: Range<Int>, value: Range<Int>)] = []
        for end in outside(text, arms, structure).filter({ text[$0] == comma }) + [arms.upperBound] where end > start {
            let arm = start..<end
            start = end + 1
            guard let arrow = outside(text, arm, structure).first(where: { text[$0] == equals && $0 + 1 < arm.upperBound && text[$0 + 1] == greater }) else { return nil }
            // An arm that throws gives no value.
            let value = (arrow + 2)..<arm.upperBound
            let throwsThere = text[value].starts(with: "throw".utf8) && (value.count == 5 || !isIdentifier(text[value.lowerBound + 5]))
            if !throwsThere { values.append((arm.lowerBound..<arrow, value)) }
        }
        var subject = body.lowerBound..<(last - 5)
        if subject.count > 0, text[subject.upperBound - 1] == space { subject = subject.lowerBound..<(subject.upperBound - 1) }
        return values.isEmpty ? nil : (subject, values)
    }

    /// Whether `code` reads a name of its own: a block's local or a pattern's (`value` in
    /// `return "o-" + value[0];`), not the context, a keyword or a type of .NET's that
    /// policies name.
    private static func readsALocal(_ code: String) -> Bool {
        let text = compacted(Array(code.utf8))
        return scan(text, Structure(text), in: 0..<text.count, reading: .everything, namesWanted: true).names.contains { !notLocals.contains($0.name) }
    }

    private static let notLocals: Set<String> = [
        "context", "string", "int", "long", "bool", "object", "char", "byte", "sbyte", "short", "ushort", "uint", "ulong", "float", "double",
        "decimal", "dynamic", "var", "new", "true", "false", "null", "this", "typeof", "default", "nameof", "is", "as", "switch", "when", "checked",
        "unchecked", "return", "throw", "String", "Convert", "Math", "Encoding", "Guid", "DateTime", "DateTimeOffset", "TimeSpan", "JObject",
        "JArray", "JToken", "JValue", "JProperty", "JsonConvert", "Uri", "Regex", "System", "Text", "Security", "Cryptography", "Int32", "Int64",
        "Boolean", "Char", "BitConverter", "Array", "Enumerable", "StringComparison", "Jwt", "IResponse", "IRequest", "HttpUtility",
        "WebUtility", "SHA1", "SHA256", "SHA384", "SHA512", "MD5", "HMACSHA256", "Linq",
    ]

    /// How ``scan`` takes a step that may lose what it reads.
    private enum Reading {
        /// Hashes, ciphers, measures, tests and token parsing are one-way: what a value carries.
        case carried
        /// Only hashes, ciphers' keys and measures are one-way (a block whose locals are not
        /// followed: a test may bind a pattern, a lambda may copy).
        case lenient
        /// Nothing is one-way: what a value is decided by (``reads(of:)``).
        case everything
        /// Tests, measures and cuts to what values share are one-way; hashes are not
        /// (``valuesKeptApart(of:)``).
        case apart
    }

    /// The text of an expression that is one plain string written out (`@("X-Key")`).
    static func stringLiteral(of code: String) -> String? {
        let text = compacted(Array(code.utf8))
        guard text.count >= 5, text[0] == at, text[1] == openParenthesis, text[2] == quote, text[text.count - 1] == closeParenthesis,
            literalEnd(text, from: 2) == text.count - 1
        else { return nil }
        let content = text[3..<(text.count - 2)]
        return content.contains(backslash) ? nil : String(decoding: content, as: UTF8.self)
    }

    /// The strings written out (`"…"`) that `code` compares for equality with a request
    /// header or query parameter read by its name (``namedRead(_:_:_:)``): either side of
    /// `==` or `!=`, `X.Equals("…")`, `string.Equals(X, "…")`, and the patterns of the
    /// arms of `X switch { "…" => … }`. A string a value the caller sends must equal is
    /// what the caller is asked for: under a credential's name, the credential itself.
    static func textsCompared(in code: String) -> [(read: Source, text: String)] {
        guard mayCompareARead(code) else { return [] }
        let text = compacted(Array(code.utf8))
        let structure = Structure(text)
        var found: [(read: Source, text: String)] = []
        func compare(_ one: Range<Int>, _ other: Range<Int>) {
            for (read, written) in [(one, other), (other, one)] {
                guard let source = namedRead(text, read, structure), let string = writtenString(text[operand(text, written, structure)]) else { continue }
                found.append((source, string))
            }
        }
        // An operand that compares by itself: a call of `Equals`, or a `switch` expression.
        func judge(_ range: Range<Int>) {
            let range = operand(text, range, structure)
            guard !range.isEmpty else { return }
            if let (subject, arms) = switchArms(text, range, structure) {
                for arm in arms { compare(subject, arm.pattern) }
                return
            }
            guard text[range.upperBound - 1] == closeParenthesis, let open = outside(text, range, structure).last.map({ $0 + 1 }),
                structure.close[open] == range.upperBound - 1, open >= range.lowerBound + 7, text[(open - 7)..<open].elementsEqual(".Equals".utf8)
            else { return }
            let inside = (open + 1)..<(range.upperBound - 1)
            var arguments: [Range<Int>] = []
            var start = inside.lowerBound
            for comma in outside(text, inside, structure).filter({ text[$0] == comma }) + [inside.upperBound] {
                arguments.append(start..<comma)
                start = comma + 1
            }
            let receiver = String(decoding: text[range.lowerBound..<(open - 7)], as: UTF8.self)
            if ["string", "String", "System.String"].contains(receiver) {
                if arguments.count >= 2 { compare(arguments[0], arguments[1]) }
            } else {
                compare(range.lowerBound..<(open - 7), arguments[0])
            }
        }
        // Each level (the whole, the inside of each bracket) is cut where an operator that
        // binds more loosely than a comparison stands: each piece compares its operands.
        let levels = [0..<text.count] + structure.close.pairs.map { ($0.index + 1)..<$0.partner }
        for level in levels {
            var start = level.lowerBound
            var operands: [Range<Int>] = []
            func end(at index: Int, next: Int) {
                operands.append(start..<index)
                for operand in operands { judge(operand) }
                for (one, other) in zip(operands, operands.dropFirst()) { compare(one, other) }
                operands = []
                start = next
            }
            var marks = outside(text, level, structure)[...]
            while let mark = marks.popFirst() {
                let byte = text[mark]
                let second = mark + 1 < level.upperBound ? text[mark + 1] : 0
                switch byte {
                case equals where second == equals, bang where second == equals:
                    operands.append(start..<mark)
                    start = mark + 2
                    marks = marks.drop { $0 <= mark + 1 }
                case lessThan where second == equals, greater where second == equals:
                    marks = marks.drop { $0 <= mark + 1 }
                case question where second == dot || second == openBracket: continue
                case comma, semicolon, colon, question, ampersand, bar, UInt8(ascii: "^"), equals: end(at: mark, next: mark + 1)
                default: continue
                }
            }
            end(at: level.upperBound, next: level.upperBound)
        }
        return found
    }

    /// Whether `code` may compare a read of the request (``textsCompared(in:)``), told by its
    /// bytes: most expressions read nothing of the request or compare nothing (a `\u`
    /// escape may spell a name, never an operator).
    static func mayCompareARead(_ code: String) -> Bool {
        let escaped = code.holdsAnEscape
        return (code.holds("Request") || escaped) && (escaped || code.holds("==") || code.holds("!=") || code.holds("Equals") || code.holds("switch"))
    }

    /// `range` without what stands around an operand: a `return`, negations, up to four
    /// pairs of brackets around it whole (each level is read on its own too: taking off
    /// every pair of thousands nested, at every level, took time by their square).
    private static func operand(_ text: [UInt8], _ range: Range<Int>, _ structure: Structure) -> Range<Int> {
        var range = range
        if text[range].starts(with: "return".utf8), range.count > 6, !isIdentifier(text[range.lowerBound + 6]) {
            range = (range.lowerBound + (text[range.lowerBound + 6] == space ? 7 : 6))..<range.upperBound
        }
        var pairs = 0
        while let first = range.first, text[first] == bang || (pairs < 4 && text[first] == openParenthesis && structure.close[first] == range.upperBound - 1) {
            if text[first] == bang {
                range = (first + 1)..<range.upperBound
            } else {
                range = (first + 1)..<(range.upperBound - 1)
                pairs += 1
            }
        }
        return range
    }

    /// The request header or query parameter `range` reads by a name written out and
    /// nothing more: cast to a string or not, the token after its scheme (``tokenCuts``), or
    /// its first value, trimmed or in one case (``wholeReads``).
    private static func namedRead(_ text: [UInt8], _ range: Range<Int>, _ structure: Structure) -> Source? {
        var range = operand(text, range, structure)
        if text[range].starts(with: "(string)".utf8) { range = operand(text, (range.lowerBound + 8)..<range.upperBound, structure) }
        guard text[range].starts(with: "context.Request.".utf8), let (source, _, valueEnd) = read(text, at: range.lowerBound + 7, structure),
            valueEnd <= range.upperBound, case let rest = String(decoding: text[valueEnd..<range.upperBound], as: UTF8.self),
            rest.isEmpty || tokenCuts.contains(rest) || wholeReads.contains(rest)
        else { return nil }
        switch source {
        case .requestHeader?, .requestQuery?: return source
        default: return nil
        }
    }

    // MARK: - Reading a range

    /// What `range` of `text` carries, and the identifiers it passes on unchanged (which
    /// a block resolves as locals).
    /// `reading` says which steps are one-way (``Reading``).
    /// `namesWanted` keeps the identifiers passed on, which only a block's locals need,
    /// each with whether it is cut where read (`p.Substring(1)`: ``keepsItsStart``).
    private static func scan(
        _ text: [UInt8], _ structure: Structure, in range: Range<Int>, reading: Reading = .carried, namesWanted: Bool = false,
        typedReads: Bool = false, depth: Int = 0
    ) -> (sources: [Source], names: [PassedName]) {
        var sources: [Source] = []
        var names: [PassedName] = []
        // Whether what stands inside each open bracket reaches the result one way only.
        var neutral: [Bool] = [false]
        var index = range.lowerBound
        let testsAreOneWay = reading == .carried || reading == .apart
        func oneWay(at start: Int, valueEnd: Int, held: Held = .text) -> Bool {
            guard reading != .everything else { return false }
            return neutral.last! || testsAreOneWay && (structure.partHasTest(at: start) || negated(text, before: start))
                || (reading == .apart
                    ? losesWhatKeepsValuesApart(text, after: valueEnd, holding: held, structure)
                    : oneWayMember(text, after: valueEnd, structure, lenient: reading == .lenient))
        }
        while index < range.upperBound {
            if let end = structure.literalEnd[index] {
                let prefix = text[index..<end].prefix { $0 == at || $0 == dollar }
                let oneWayHere = oneWay(at: index, valueEnd: end)
                if !oneWayHere, end - index >= prefix.count + 2 {
                    sources.append(.literal(String(decoding: text[(index + prefix.count + 1)..<(end - 1)], as: UTF8.self)))
                }
                // What an interpolated string's holes read is in it, each read as an
                // expression of its own, sixteen strings deep; deeper, a hole may read the
                // request and any variable (each level read its text again: 8,000 nested
                // strings took 8 s, found by an audit).
                if prefix.contains(dollar), !oneWayHere {
                    for hole in holes(text, in: (index + prefix.count + 1)..<(end - 1)) {
                        guard depth < 16 else {
                            sources += [.request, .allVariables]
                            break
                        }
                        let inner = compacted(Array(text[hole]))
                        let found = scan(
                            inner, Structure(inner), in: 0..<inner.count, reading: reading, namesWanted: namesWanted,
                            typedReads: typedReads, depth: depth + 1)
                        sources += found.sources
                        names += found.names
                    }
                }
                index = end
                continue
            }
            let byte = text[index]
            if isOpening(byte) {
                neutral.append(
                    reading != .everything
                        && (neutral.last! || testsAreOneWay && (structure.partHasTest(at: index) || negated(text, before: index))
                            || isOneWayCall(text, open: index, structure, reading)))
            } else if isClosing(byte) {
                if neutral.count > 1 { neutral.removeLast() }
            } else if byte == dot,
                let (source, end, valueEnd) = read(text, at: index, structure, presence: reading == .everything, typed: typedReads || reading == .apart)
            {
                // '!' stands before the receiver ('!context.Variables...').
                var receiver = index
                while receiver > range.lowerBound, isIdentifier(text[receiver - 1]) || text[receiver - 1] == dot { receiver -= 1 }
                if let source, !oneWay(at: index, valueEnd: valueEnd, held: Self.held(by: source, endingAt: valueEnd, text)),
                    !testsAreOneWay || !negated(text, before: receiver)
                {
                    sources.append(source)
                }
                index = max(end, index + 1)
                continue
            } else if isIdentifier(byte), index == range.lowerBound || !isIdentifier(text[index - 1]) && text[index - 1] != dot {
                let end = identifierEnd(text, from: index)
                // A name passed on: a local of a block, unless called; a number is none (`[0]`
                // made a value read a local, and judged its block whole).
                if namesWanted, !(0x30...0x39).contains(byte), end >= text.count || text[end] != openParenthesis, !oneWay(at: index, valueEnd: end) {
                    names.append(PassedName(name: String(decoding: text[index..<end], as: UTF8.self), cut: !keepsItsStart(text, at: end, leading: slash, structure)))
                }
                index = end
                continue
            }
            index += 1
        }
        return (sources, names)
    }

    /// Whether the text read up to `end` (a path, starting with `/`, or a query string,
    /// starting with `?`; a variable's value, whose `leading` byte is not known) keeps its
    /// first byte through what follows, past closing brackets (a cast's around it, or a
    /// call's it is passed to, which errs towards a cut): nothing, or
    /// only changes of case or of its end, `Trim()` of white space, or a `Replace` of
    /// written texts that cannot take the byte off (one not starting with it, or by one
    /// that does, as `Replace("/v1/", "/api/")`). A `Substring`, a `Split`, a `Trim('/')`
    /// or anything else may take it off, leaving a part of what the caller wrote, which can
    /// be a host (found by audits).
    private static func keepsItsStart(_ text: [UInt8], at end: Int, leading: UInt8?, _ structure: Structure) -> Bool {
        endOfKeptStart(text, at: end, leading: leading, structure) != nil
    }

    /// Whether the members from `start` to `end` (a term's end, which closing brackets may
    /// follow) keep the value's start (``endOfKeptStart(_:at:leading:_:)``).
    private static func keepsItsStart(_ text: [UInt8], from start: Int, to end: Int, _ structure: Structure, leading: UInt8? = nil) -> Bool {
        guard let kept = endOfKeptStart(text, at: start, leading: leading, structure) else { return false }
        return kept >= end
    }

    /// The first byte of the text `terms` start with, when they start with text: of the
    /// first text that is not empty (`"" + " key:"` starts with a blank: audit V47).
    private static func leadingByte(of terms: [Term]) -> UInt8? {
        for term in terms {
            guard case .text(let text) = term else { return nil }
            if let first = text.utf8.first { return first }
        }
        return nil
    }

    /// Where the members that keep the value's start (``keepsItsStart(_:at:leading:_:)``)
    /// and the closing brackets after them end; nil when one may take the start off.
    private static func endOfKeptStart(_ text: [UInt8], at end: Int, leading: UInt8?, _ structure: Structure) -> Int? {
        var position = end
        while true {
            while position < text.count, text[position] == closeParenthesis { position += 1 }
            guard position < text.count, text[position] == dot else { return position }
            let (member, arguments, end) = self.member(at: position, text, structure)
            position = end
            switch member {
            // A URI's text, whole, too.
            case "ToString", "ToLower", "ToLowerInvariant", "ToUpper", "ToUpperInvariant", "TrimEnd", "Normalize", "AbsoluteUri", "OriginalString":
                continue
            // A trim takes white space off the start: kept only where the start is no white
            // space (.NET's reaches past ASCII), or is a variable's, judged alone (a
            // leading blank trimmed put a key under the introspection answers': audit V44).
            case "Trim" where arguments.isEmpty && leading.map({ $0 > space && $0 < 0x7F }) ?? true:
                continue
            case "Replace":
                guard let leading, replaceKeeps(leading, text, arguments, structure) else { return nil }
            default:
                return nil
            }
        }
    }

    /// The member whose `.` is at `dot`: its name, its call's arguments (empty where it is
    /// not called), and where it ends.
    private static func member(at dot: Int, _ text: [UInt8], _ structure: Structure) -> (name: String, arguments: Range<Int>, end: Int) {
        let nameEnd = identifierEnd(text, from: dot + 1)
        let name = String(decoding: text[(dot + 1)..<nameEnd], as: UTF8.self)
        guard nameEnd < text.count, text[nameEnd] == openParenthesis, let close = structure.close[nameEnd] else { return (name, nameEnd..<nameEnd, nameEnd) }
        return (name, (nameEnd + 1)..<close, close + 1)
    }

    /// Whether `Replace(found, put)`, its `arguments` two written texts, keeps the `leading`
    /// byte of what it changes.
    private static func replaceKeeps(_ leading: UInt8, _ text: [UInt8], _ arguments: Range<Int>, _ structure: Structure) -> Bool {
        let start = arguments.lowerBound
        guard start < arguments.upperBound, text[start] == quote, let first = structure.literalEnd[start], first < arguments.upperBound,
            text[first] == comma, first + 1 < arguments.upperBound, text[first + 1] == quote, let second = structure.literalEnd[first + 1],
            second == arguments.upperBound
        else { return false }
        let found = text[(start + 1)..<(first - 1)]
        let put = text[(first + 2)..<(second - 1)]
        return found.first != leading || put.first == leading
    }

    /// The variables `code` reads and then cuts (`.Substring(1)`, `.Split('/')[2]`, past a
    /// cast): what is left of a value that starts with `/` or a host may be one.
    static func variablesCut(in code: String) -> [String] {
        let text = compacted(Array(code.utf8))
        let structure = Structure(text)
        var names: [String] = []
        var index = 0
        while index < text.count {
            if let end = structure.literalEnd[index] {
                index = end
                continue
            }
            if text[index] == dot, let (source, end, valueEnd) = read(text, at: index, structure) {
                if case .variable(let name) = source, !keepsItsStart(text, at: valueEnd, leading: nil, structure) { names.append(name) }
                index = max(end, index + 1)
                continue
            }
            index += 1
        }
        return names
    }

    /// `code` without its comments, white space and the text of its strings (an
    /// interpolated string's holes kept): the code alone, for a test of what it names.
    static func withoutWrittenText(_ code: String) -> String {
        let text = compacted(Array(code.utf8))
        var kept: [UInt8] = []
        var index = 0
        while index < text.count {
            guard let end = literalEnd(text, from: index) else {
                kept.append(text[index])
                index += 1
                continue
            }
            let prefix = text[index..<end].prefix { $0 == at || $0 == dollar }
            if prefix.contains(dollar), end - index >= prefix.count + 2 {
                for hole in holes(text, in: (index + prefix.count + 1)..<(end - 1)) { kept += [space] + compacted(Array(text[hole])) }
            }
            kept.append(space)
            index = end
        }
        return String(decoding: kept, as: UTF8.self)
    }

    /// The texts of `code`'s strings as written, escapes left in, with those of the strings
    /// in an interpolated string's holes, sixteen deep, in place of the holes: what the code
    /// may give of its own, for a test of what it names.
    static func writtenTexts(of code: String) -> [String] {
        var texts: [String] = []
        func collect(_ text: [UInt8], depth: Int) {
            var index = 0
            while index < text.count {
                guard let end = literalEnd(text, from: index) else {
                    index += 1
                    continue
                }
                let prefix = text[index..<end].prefix { $0 == at || $0 == dollar }
                let body = min(index + prefix.count + 1, end)..<max(min(index + prefix.count + 1, end), end - 1)
                var last = body.lowerBound
                if prefix.contains(dollar), depth < 16 {
                    for hole in holeSpans(text, in: body) {
                        texts.append(String(decoding: text[last..<max(last, hole.code.lowerBound - 1)], as: UTF8.self))
                        collect(compacted(Array(text[hole.code])), depth: depth + 1)
                        last = hole.end + 1
                    }
                }
                texts.append(String(decoding: text[min(last, body.upperBound)..<body.upperBound], as: UTF8.self))
                index = end
            }
        }
        collect(compacted(Array(code.utf8)), depth: 0)
        return texts
    }

    /// The string an expression's value starts with when it opens with a literal that
    /// the rest only appends to (`@("orders:" + …)`, `@($"orders:{…}")`), or nil. A
    /// literal that is cut, replaced or compared (`"x".Substring(1)`, `"a" == b ? …`)
    /// says nothing of the value.
    static func leadingText(of code: String) -> String? {
        var rest = Substring(code).drop(while: \.isWhitespace)
        guard rest.hasPrefix("@(") || rest.hasPrefix("@{") else { return nil }
        let block = rest.hasPrefix("@{")
        rest = rest.dropFirst(2).drop(while: \.isWhitespace)
        if block {
            guard rest.hasPrefix("return") else { return nil }
            rest = rest.dropFirst(6).drop(while: \.isWhitespace)
        }
        let interpolated = rest.hasPrefix("$\"")
        if interpolated { rest = rest.dropFirst() }
        guard rest.hasPrefix("\"") else { return nil }
        // The literal's known text: up to a named value or an interpolation, whose holes
        // are skipped to the literal's end; an escape is not read.
        var text = ""
        var known = true
        var depth = 0
        var index = rest.index(after: rest.startIndex)
        var end: Substring.Index?
        while index < rest.endIndex {
            let character = rest[index]
            index = rest.index(after: index)
            if depth > 0 {
                if character == "{" { depth += 1 } else if character == "}" { depth -= 1 }
                continue
            }
            if character == "\\" { return nil }
            if character == "\"" {
                end = index
                break
            }
            if character == "{" {
                known = false
                if interpolated { depth = 1 }
            }
            if known { text.append(character) }
        }
        // What follows must only append to the literal: '+', or the expression's end, and
        // no condition ('?', '??') that may choose another value than the sum; a member
        // read only if there is one (`?.`, `?[`) chooses none.
        guard let end else { return nil }
        let after = rest[end...].drop(while: \.isWhitespace)
        // A choice in brackets (`"p-" + (t ?? "")`) picks a part, not the start; literals
        // are passed over.
        let bytes = Array(after.utf8)
        var chooses = false
        var brackets = 0
        var position = 0
        while position < bytes.count, !chooses {
            if let end = literalEnd(bytes, from: position) {
                position = end
                continue
            }
            switch bytes[position] {
            case openParenthesis, openBracket, openBrace: brackets += 1
            case closeParenthesis, closeBracket, closeBrace: brackets -= 1
            case question where brackets <= 0:
                let next = position + 1 < bytes.count ? bytes[position + 1] : nil
                // `?.5` is a choice of the number .5 (found by the audit of the change).
                let digitAfter = position + 2 < bytes.count && (0x30...0x39).contains(bytes[position + 2])
                chooses = !(next == openBracket || next == dot && !digitAfter)
            default: break
            }
            position += 1
        }
        guard after.hasPrefix("+") || after.hasPrefix(block ? ";" : ")"), !chooses else { return nil }
        return text
    }

    /// A value an expression may give (``possibleValues(of:)``).
    struct PossibleValue: Equatable {
        /// As an expression of its own (`@(…)`).
        let code: String
        /// Whether a block returns it: it may read the block's locals.
        let fromABlock: Bool
    }

    /// The values `code` may give: what each branch of a choice at its top gives
    /// (`test ? a : b`), what a block (`@{ … }`) may return, each read so in turn, or the
    /// code itself. Read eight levels deep at most: each level reads its text again.
    static func possibleValues(of code: String) -> [PossibleValue] {
        var values: [PossibleValue] = []
        func expand(_ code: String, fromABlock: Bool, depth: Int) {
            let text = compacted(Array(code.utf8))
            if depth < 8, text.count > 3, text[0] == at {
                let structure = Structure(text)
                if text[1] == openBrace, let returned = Block(text, structure).returnedValues() {
                    for value in returned { expand(value, fromABlock: true, depth: depth + 1) }
                    return
                }
                if text[1] == openParenthesis, let branches = branches(text, structure) {
                    for branch in branches { expand(branch, fromABlock: fromABlock, depth: depth + 1) }
                    return
                }
            }
            values.append(PossibleValue(code: code, fromABlock: fromABlock))
        }
        expand(code, fromABlock: false, depth: 0)
        return values
    }

    /// The locals of a block (`@{ … }`) that it gives one value each (one assignment, no
    /// `+=`, no call that may change it), read once: a value the block returns is read with
    /// each such local it reads put in its place (in brackets, unless a chain of members
    /// and calls), and so on in what was put in,
    /// eight levels deep and 16 KB at most (``inPlace(in:)``): `var t = header; return
    /// t.Split('.')[0];` returns the header's first part, which a reading of the block whole
    /// took for the header (found by an audit). Nil for code that is no block or a block
    /// not followed.
    struct BlockLocals {
        private let text: [UInt8]
        private let given: [String: Range<Int>]
        private let unsure: Set<String>

        init?(_ block: String) {
            let text = compacted(Array(block.utf8))
            guard text.count > 3, text[0] == at, text[1] == openBrace, text.last == closeBrace else { return nil }
            let reading = Block(text, Structure(text))
            guard reading.isFollowed else { return nil }
            let statements = reading.statements()
            var given: [String: Range<Int>] = [:]
            // A call that changes nothing of any type policies name (`t.Split('.')`) leaves
            // the local as it was; `sb.Append(h)` or `list.Reverse()` does not.
            // Only the block's own locals: `string.Concat(…)` changes no `string`.
            let declared = Set(statements.assignments.map(\.local))
            var unsure = Set(statements.changes.filter { $0.called.map { !Block.unchanging.contains($0) } ?? true }.map(\.local)).intersection(declared)
            for assignment in statements.assignments {
                if assignment.appends || given[assignment.local] != nil { unsure.insert(assignment.local) }
                given[assignment.local] = assignment.value
            }
            for name in unsure { given[name] = nil }
            (self.text, self.given, self.unsure) = (text, given, unsure)
        }

        /// `value`, code the block returns (`@(…)`), with its locals put in; nil where a
        /// local read has another value, or past the depth or the size.
        func inPlace(in value: String) -> String? {
            var budget = 16_384
            func put(_ code: [UInt8], depth: Int) -> [UInt8]? {
                let structure = Structure(code)
                var result: [UInt8] = []
                var index = 0
                while index < code.count {
                    if let end = structure.literalEnd[index] {
                        // An interpolated string's holes are code: their locals are put in
                        // too (`$"q-{t.Split('.')[0]}"`: the last audit of the round).
                        guard code[index] == dollar || (code[index] == at && index + 1 < end && code[index + 1] == dollar) else {
                            result += code[index..<end]
                            index = end
                            continue
                        }
                        var inner = index
                        while inner < end {
                            let byte = code[inner]
                            guard byte == openBrace, inner + 1 < end, code[inner + 1] != openBrace else {
                                // A brace written as two stays two.
                                let width = byte == openBrace || byte == closeBrace ? (inner + 1 < end && code[inner + 1] == byte ? 2 : 1) : 1
                                result += code[inner..<min(inner + width, end)]
                                inner += width
                                continue
                            }
                            var close = inner + 1
                            var braces = 1
                            while close < end, braces > 0 {
                                if code[close] == openBrace { braces += 1 } else if code[close] == closeBrace { braces -= 1 }
                                if braces > 0 { close += 1 }
                            }
                            guard close < end, let hole = put(Array(code[(inner + 1)..<close]), depth: depth + 1) else { return nil }
                            result.append(openBrace)
                            result += hole
                            result.append(closeBrace)
                            inner = close + 1
                        }
                        index = end
                        continue
                    }
                    guard isIdentifier(code[index]), index == 0 || !(isIdentifier(code[index - 1]) || code[index - 1] == dot) else {
                        result.append(code[index])
                        index += 1
                        continue
                    }
                    let end = identifierEnd(code, from: index)
                    let name = String(decoding: code[index..<end], as: UTF8.self)
                    if let range = given[name] {
                        guard depth < 8, let inner = put(Array(text[range]), depth: depth + 1) else { return nil }
                        // A chain of members and calls goes in as it is, where the steps after
                        // it are read as they are on the header itself; anything else in brackets.
                        let bracketed = !isAChain(inner)
                        if bracketed { result.append(openParenthesis) }
                        result += inner
                        if bracketed { result.append(closeParenthesis) }
                    } else if unsure.contains(name) {
                        return nil
                    } else {
                        result += code[index..<end]
                    }
                    budget -= end - index
                    guard budget > 0, result.count <= 16_384 else { return nil }
                    index = end
                }
                return result
            }
            return put(compacted(Array(value.utf8)), depth: 0).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Whether `code` is one chain of names, members, calls and indices
    /// (`context.Request.Headers.GetValueOrDefault("A", "")`), which a member read after
    /// it applies to whole: no operator, space or cast outside its brackets and literals.
    private static func isAChain(_ code: [UInt8]) -> Bool {
        guard let first = code.first, isIdentifier(first) else { return false }
        let structure = Structure(code)
        var index = 0
        while index < code.count {
            if let end = structure.literalEnd[index] {
                index = end
                continue
            }
            let byte = code[index]
            if isOpening(byte), let close = structure.close[index] {
                index = close + 1
                continue
            }
            let nullConditional = byte == question && index + 1 < code.count && (code[index + 1] == dot || code[index + 1] == openBracket)
            guard isIdentifier(byte) || byte == dot || nullConditional else { return false }
            index += 1
        }
        return true
    }

    /// The codes whose reads decide what `code` may give: each value a choice at its top
    /// may give (``possibleValues(of:)``), and each part of a value joined from parts
    /// (``terms(of:)``: `"https://login." + (eu ? "eu" : "us") + ".example.com/"`), read so
    /// in turn, four levels deep at most; text written out decides nothing. The whole code
    /// where a value may read what its test or block names: a block (its locals, and what
    /// `+=` joins to them, are not followed: an audit found a URL joined so passing), or a
    /// test that names what it tests (`header is string s`, `out var v`) or an assignment
    /// (``assigns(_:)``), which hands the caller's value to a branch under a name. Words in
    /// written strings name nothing.
    static func decidingCodes(of code: String) -> [String] {
        let bare = withoutWrittenText(code)
        guard !names(bare, anyOf: ["is", "out"]), !assigns(bare) else { return [code] }
        var codes: [String] = []
        func read(_ code: String, depth: Int) -> Bool {
            for value in possibleValues(of: code) {
                guard !value.fromABlock else { return false }
                let terms = depth < 4 ? terms(of: value.code) : nil
                if let terms, terms != [.code(value.code)] {
                    for case .code(let part) in terms where !read(part, depth: depth + 1) { return false }
                } else {
                    codes.append(value.code)
                }
            }
            return true
        }
        return read(code, depth: 0) ? codes : [code]
    }

    /// Whether one of `words` stands as a word of its own in `code` (between characters
    /// that are no letter, digit or `_`). Read by bytes where the code is ASCII, as nearly
    /// all is: asking each character for its Unicode properties cost a tenth of reading a
    /// chain of variables.
    private static func names(_ code: String, anyOf words: [StaticString]) -> Bool {
        guard code.utf8.allSatisfy({ $0 < 0x80 }) else {
            let found = code.split { !($0.isLetter || $0.isNumber || $0 == "_") }
            return words.contains { word in found.contains { $0.utf8.elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)) } }
        }
        let bytes = Array(code.utf8)
        var start = 0
        while start < bytes.count {
            guard isIdentifier(bytes[start]) else {
                start += 1
                continue
            }
            let end = identifierEnd(bytes, from: start)
            if words.contains(where: { $0.utf8CodeUnitCount == end - start && starts(bytes, at: start, with: $0) }) { return true }
            start = end
        }
        return false
    }

    /// Whether `code`, its written text taken out, assigns (`=`, `+=`, `??=`; not `==`,
    /// `!=`, `<=`, `>=` or a lambda's `=>`): a test may then store the caller's value
    /// where a branch reads it (`(o["u"] = header) == null ? "…" : (string)o["u"]`: an audit).
    /// Not inside braces, where an expression holds only an initializer's members
    /// (`new JObject { ["r"] = 1 }`: the audit of the fix).
    private static func assigns(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        var braces = 0
        for index in bytes.indices {
            switch bytes[index] {
            case openBrace: braces += 1
            case closeBrace: braces = max(0, braces - 1)
            case UInt8(ascii: "=") where braces == 0:
                let before = index > 0 ? bytes[index - 1] : 0
                let after = index + 1 < bytes.count ? bytes[index + 1] : 0
                if after == UInt8(ascii: "=") || after == UInt8(ascii: ">") { continue }
                if before == UInt8(ascii: "=") || before == UInt8(ascii: "!") || before == UInt8(ascii: "<") || before == UInt8(ascii: ">") { continue }
                return true
            default: continue
            }
        }
        return false
    }

    /// The two branches of a choice at the top of `text`, an `@(…)` expression
    /// (`test ? a : b`), each as an expression of its own; nil when there is none.
    /// The code of `text`, an `@(…)` expression, inside its parentheses and any that
    /// enclose all of it.
    private static func body(ofExpression text: [UInt8], _ structure: Structure) -> Range<Int> {
        var range = 2..<(text.count - 1)
        while range.count > 2, text[range.lowerBound] == openParenthesis, structure.close[range.lowerBound] == range.upperBound - 1 {
            range = (range.lowerBound + 1)..<(range.upperBound - 1)
        }
        return range
    }

    private static func branches(_ text: [UInt8], _ structure: Structure) -> [String]? {
        guard let (_, whenTrue, whenFalse) = choice(text, structure) else { return nil }
        let code = { (part: Range<Int>) in "@(" + String(decoding: text[part], as: UTF8.self) + ")" }
        return [code(whenTrue), code(whenFalse)]
    }

    /// The test and the two branches of a choice `test ? a : b` at the top of an
    /// expression's body.
    private static func choice(_ text: [UInt8], _ structure: Structure) -> (test: Range<Int>, whenTrue: Range<Int>, whenFalse: Range<Int>)? {
        let range = body(ofExpression: text, structure)
        var mark: Int?
        var nested = 0
        var index = range.lowerBound
        while index < range.upperBound {
            if let end = structure.literalEnd[index] {
                index = end
                continue
            }
            switch text[index] {
            case openParenthesis, openBracket, openBrace:
                index = min(structure.close[index] ?? range.upperBound, range.upperBound - 1) + 1
                continue
            case question:
                // Not `??`, `?.` or `?[`, nor a type that may be null among a generic's
                // arguments (`<int?>`, `<int?, string>`: an audit).
                let next = index + 1 < range.upperBound ? text[index + 1] : 0
                if next == question || next == dot || next == openBracket {
                    index += 2
                    continue
                }
                if next == greater || next == comma {
                    index += 1
                    continue
                }
                if mark == nil { mark = index } else { nested += 1 }
            case colon where mark != nil:
                // Not `global::`.
                if index + 1 < range.upperBound, text[index + 1] == colon {
                    index += 2
                    continue
                }
                if nested == 0, let test = mark { return (range.lowerBound..<test, (test + 1)..<index, (index + 1)..<range.upperBound) }
                nested -= 1
            default: break
            }
            index += 1
        }
        return nil
    }

    /// Whether `code` is a read of the API's own service URL (`context.Api.ServiceUrl`),
    /// changed only in ways that keep its start (`ToString()`, `TrimEnd('/')`).
    static func readsTheServiceURL(_ code: String) -> Bool {
        let text = compacted(Array(code.utf8))
        guard text.count > 3, text[0] == at, text[1] == openParenthesis else { return false }
        var index = 2
        while index < text.count, text[index] == openParenthesis { index += 1 }
        guard starts(text, at: index, with: "context.Api.ServiceUrl") else { return false }
        let end = index + "context.Api.ServiceUrl".utf8.count
        return endOfKeptStart(text, at: end, leading: nil, Structure(text)) == text.count
    }

    /// A part of the sum a value is joined from (``terms(of:)``).
    enum Term: Equatable {
        /// Text written out.
        case text(String)
        /// Code, as an expression of its own (`@(…)`).
        case code(String)
    }

    /// The parts the value of `code` is joined from, in order: the terms of the sum at its
    /// top (`"https://" + host + "/v1"`), an interpolated string's texts and holes in their
    /// place. Nil for code that is no such sum: a block, or a test or a choice at the top
    /// (`== x ? a : b`, `??`), which may give another value than the sum's.
    static func terms(of code: String) -> [Term]? {
        terms(of: code, depth: 0)
    }

    /// ``terms(of:)``, for code `depth` calls deep in another's arguments: eight at most,
    /// as each level reads its text again (the audit of the change: 2,200 nested URIs
    /// overflowed the stack).
    private static func terms(of code: String, depth: Int) -> [Term]? {
        let text = compacted(Array(code.utf8))
        guard text.count > 3, text[0] == at, text[1] == openParenthesis, text[text.count - 1] == closeParenthesis else { return nil }
        let structure = Structure(text)
        let range = body(ofExpression: text, structure)
        var terms: [Term] = []
        var start = range.lowerBound
        var index = start
        while index <= range.upperBound {
            if index == range.upperBound || text[index] == UInt8(ascii: "+") {
                guard start < index, let found = term(text, start..<index, structure, depth: depth) else { return nil }
                terms += found
                start = index + 1
                index += 1
                continue
            }
            if let end = structure.literalEnd[index] {
                // A literal left open runs past the expression: no sum is known (an audit
                // found such code read as an empty one).
                guard end <= range.upperBound else { return nil }
                index = end
                continue
            }
            switch text[index] {
            // A member or index read through `?.` or `?[` is no test.
            case question where index + 1 < range.upperBound && (text[index + 1] == dot || text[index + 1] == openBracket): index += 1
            case question, equals, ampersand, bar: return nil
            case openParenthesis, openBracket, openBrace: index = min(structure.close[index] ?? range.upperBound, range.upperBound - 1) + 1
            default: index += 1
            }
        }
        return terms
    }

    /// The term `text[range]`: a string written out, an interpolated one's parts, a
    /// `string.Format`'s, or code.
    private static func term(_ text: [UInt8], _ range: Range<Int>, _ structure: Structure, depth: Int) -> [Term]? {
        let written = { (part: Range<Int>) in String(decoding: text[part], as: UTF8.self) }
        if let call = call(text, range, structure) {
            guard depth < 8, let terms = callTerms(call, text, structure, depth: depth) else { return nil }
            // Members after it may take its start off: a trim its first text's blanks.
            guard call.end == range.upperBound || keepsItsStart(text, from: call.end, to: range.upperBound, structure, leading: leadingByte(of: terms)) else {
                return [.code("@(" + written(range) + ")")]
            }
            return terms
        }
        // A sum in brackets, with members after it that keep its start, is read as the sum;
        // one that is no sum (a choice) is code.
        // A `Replace` keeps the start when what it replaces does not begin with the start's
        // first byte (`.Replace(" ", "%20")`; the audit of the fixes found it reported).
        if text[range.lowerBound] == openParenthesis, depth < 8, let close = structure.close[range.lowerBound], close < range.upperBound,
            let inner = terms(of: "@(" + written((range.lowerBound + 1)..<close) + ")", depth: depth + 1),
            close + 1 == range.upperBound || keepsItsStart(text, from: close + 1, to: range.upperBound, structure, leading: leadingByte(of: inner))
        {
            return inner
        }
        // A string, with members after it that keep its start (`$"https://x/{id}".ToLower()`:
        // the audit of the fixes found its host taken for the caller's).
        guard let end = structure.literalEnd[range.lowerBound] else { return [.code("@(" + written(range) + ")")] }
        let literal = range.lowerBound..<end
        let prefix = written(literal.lowerBound..<(literal.lowerBound + text[literal].prefix { $0 == at || $0 == dollar }.count))
        let first = literal.lowerBound + prefix.utf8.count + 1
        guard end == range.upperBound || keepsItsStart(text, from: end, to: range.upperBound, structure, leading: first < end - 1 ? text[first] : nil) else {
            return [.code("@(" + written(range) + ")")]
        }
        guard prefix.contains("$") else { return ExpressionExtent.constantText(in: "@(" + written(literal) + ")").map { [.text($0)] } }
        let content = (literal.lowerBound + prefix.utf8.count + 1)..<(literal.upperBound - 1)
        var terms: [Term] = []
        var from = content.lowerBound
        func addText(upTo end: Int) -> Bool {
            guard from < end else { return true }
            guard let piece = ExpressionExtent.constantText(in: "@(" + prefix + "\"" + written(from..<end) + "\")") else { return false }
            terms.append(.text(piece))
            return true
        }
        for hole in holeSpans(text, in: content) {
            guard addText(upTo: hole.code.lowerBound - 1) else { return nil }
            terms.append(.code("@(" + written(hole.code) + ")"))
            from = hole.end + 1
        }
        return addText(upTo: content.upperBound) ? terms : nil
    }

    /// A call whose value is joined from its arguments' (``callTerms(_:_:_:depth:)``).
    private struct Call {
        enum Kind {
            case format, concat, join, uri
        }

        var kind: Kind
        /// Each argument's code, a label (`uriString:`) left out.
        var arguments: [Range<Int>]
        /// Whether an argument is named: named, they may be given in any order.
        var labelled: Bool
        /// Where the call ends, after its closing bracket.
        var end: Int
    }

    private static let calls: [(name: StaticString, kind: Call.Kind)] = [
        ("string.Format(", .format), ("String.Format(", .format), ("System.String.Format(", .format),
        ("string.Concat(", .concat), ("String.Concat(", .concat), ("System.String.Concat(", .concat),
        ("string.Join(", .join), ("String.Join(", .join), ("System.String.Join(", .join),
        ("new Uri(", .uri), ("new System.Uri(", .uri), ("new global::System.Uri(", .uri),
    ]

    /// The call `text[range]` starts with, members after it aside (``term(_:_:_:depth:)``
    /// asks whether they keep its start: `.ToLower()`, a URI's `AbsoluteUri`, a trim of no
    /// blanks); nil for any other code, or arguments that may
    /// hold a generic's comma (`Dictionary<string,string>`), which cannot be told apart
    /// here (one type argument, `GetValueOrDefault<string>`, holds none).
    private static func call(_ text: [UInt8], _ range: Range<Int>, _ structure: Structure) -> Call? {
        guard let first = text[range].first, first == UInt8(ascii: "s") || first == UInt8(ascii: "S") || first == UInt8(ascii: "n") else { return nil }
        guard let (kind, open) = calls.lazy.compactMap({ call in
            starts(text, at: range.lowerBound, with: call.name) ? (call.kind, range.lowerBound + call.name.utf8CodeUnitCount - 1) : nil
        }).first, let close = structure.close[open], close < range.upperBound
        else { return nil }
        var arguments: [Range<Int>] = []
        var labelled = false
        // Past the last `>`, a `<` is a comparison: not looked past again for each one.
        let lastGreater = text[open..<close].lastIndex(of: greater) ?? open
        var start = open + 1
        var index = start
        while index <= close {
            if index < close, let end = structure.literalEnd[index] {
                index = end
            } else if index < close, isOpening(text[index]), let inner = structure.close[index] {
                index = inner + 1
            } else if index == close || text[index] == comma {
                // A label (`uriString:`), not `global::`.
                var argument = start..<index
                let label = identifierEnd(text, from: start)
                if label > start, label + 1 < index, text[label] == colon, text[label + 1] != colon {
                    argument = (label + 1)..<index
                    labelled = true
                }
                arguments.append(argument)
                start = index + 1
                index += 1
            } else if text[index] == lessThan, index < lastGreater {
                // A type's arguments up to the next `>`, which hold no comma of the call's.
                guard let end = text[index..<close].firstIndex(of: greater) else { index += 1; continue }
                if text[index..<end].contains(comma) { return nil }
                index = end + 1
            } else {
                index += 1
            }
        }
        return Call(kind: kind, arguments: arguments, labelled: labelled, end: close + 1)
    }

    /// The parts of `call`'s value, nil where they are not known here: a `string.Format`'s
    /// format written out (after a culture or `null`) with each placeholder's argument in
    /// its place (`{0}`, `{1,8:D}`; a host the policy chose, the caller's path after it,
    /// was reported, as the format's text before its first placeholder fixed none: the
    /// thirty-fourth round); `string.Concat`'s arguments; `string.Join`'s with its written
    /// separator between them; a URI made of one text (a `UriKind` aside), or of a base and
    /// a relative text written out, which keeps the base's host (`//x` and an absolute text
    /// replace it, and so may a text not written out).
    private static func callTerms(_ call: Call, _ text: [UInt8], _ structure: Structure, depth: Int) -> [Term]? {
        let code = { (part: Range<Int>) in "@(" + String(decoding: text[part], as: UTF8.self) + ")" }
        let constant = { (part: Range<Int>) in ExpressionExtent.constantText(in: code(part)) }
        // An argument that is no sum (a test, a choice, `??`) is code in its place.
        let parts = { (part: Range<Int>) in terms(of: code(part), depth: depth + 1) ?? [.code(code(part))] }
        let arguments = call.arguments
        // Named arguments may come in any order; only a URI's one text is read so.
        guard !call.labelled || call.kind == .uri && arguments.count == 1 else { return nil }
        switch call.kind {
        case .concat:
            var joined: [Term] = []
            for argument in arguments { joined += parts(argument) }
            return joined
        case .join:
            guard arguments.count > 2, let separator = constant(arguments[0]) else { return nil }
            var joined: [Term] = []
            for (index, argument) in arguments.dropFirst().enumerated() { joined += (index == 0 ? [] : [.text(separator)]) + parts(argument) }
            return joined
        case .uri:
            guard let base = arguments.first else { return nil }
            if arguments.count == 1 || arguments.count == 2 && starts(text, at: arguments[1].lowerBound, with: "UriKind.") { return parts(base) }
            guard arguments.count == 2 else { return nil }
            if let relative = constant(arguments[1]) {
                if relative.hasPrefix("//") || relative.hasPrefix("\\\\") { return nil }
                // Absolute where a scheme comes before its first ':' (a drive letter is one);
                // `openid-configuration?appid=api:orders` is relative (an audit found a
                // caller's base dropped).
                if let colon = relative.firstIndex(of: ":"), isScheme(relative[..<colon].utf8) { return [.text(relative)] }
                return parts(base) + [.text(relative)]
            }
            // A relative text not written out whole keeps the base's host when its written
            // start is a path that no scheme or `//` may begin (`orders/` + id; the audit of
            // the fixes found it reported).
            guard let start = writtenStart(of: code(arguments[1]), depth: depth + 1), keepsTheBase(start) else { return nil }
            return parts(base) + [.text(start), .code(code(arguments[1]))]
        case .format:
            var formatIndex = 0
            if arguments.count > 1, constant(arguments[0]) == nil {
                let first = String(decoding: text[arguments[0]], as: UTF8.self)
                guard first == "null" || first.hasPrefix("CultureInfo.") || first.hasPrefix("System.Globalization.CultureInfo.") else { return nil }
                formatIndex = 1
            }
            // A `{{` left is a named value whose value is not known here: its placeholders are not.
            guard let format = constant(arguments[formatIndex]), !format.holds("{{") else { return nil }
            let values = arguments[(formatIndex + 1)...].map { argument in constant(argument).map(Term.text) ?? .code(code(argument)) }
            var terms: [Term] = []
            var written = ""
            var characters = format.unicodeScalars[...]
            while let character = characters.popFirst() {
                guard character == "{" || character == "}" else {
                    written.unicodeScalars.append(character)
                    continue
                }
                if characters.first == character {
                    characters.removeFirst()
                    written.unicodeScalars.append(character)
                    continue
                }
                // A placeholder: its argument's number, then an alignment or a format, if any.
                // Many are not read: each is a part of the sum to judge.
                let digits = characters.prefix { $0.properties.numericType == .decimal && $0.isASCII }
                guard character == "{", terms.count < 128, let number = Int(String(digits)), number < values.count,
                    let close = characters.firstIndex(of: "}")
                else { return nil }
                characters = characters[characters.index(after: close)...]
                if !written.isEmpty { terms.append(.text(written)) }
                written = ""
                terms.append(values[number])
            }
            if !written.isEmpty { terms.append(.text(written)) }
            return terms
        }
    }

    /// Whether a relative URI that starts with `start` keeps its base's host: it begins a
    /// path, a query or a fragment before any `:` (a scheme's), and not with `//` or a
    /// backslash (.NET reads one as a slash), which name another host.
    private static func keepsTheBase(_ start: String) -> Bool {
        guard let first = start.utf8.first, first != UInt8(ascii: "\\") else { return false }
        if first == UInt8(ascii: "/") { return start.utf8.dropFirst().first.map { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\\") } ?? false }
        guard let end = start.utf8.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else { return false }
        return !start.utf8[..<end].contains(UInt8(ascii: ":"))
    }

    /// The text every value of `code` starts with, written out: the texts its sum
    /// (``terms(of:)``) starts with, a format's, a joined text's and a URI's too; a
    /// block's or a choice's (which `terms` does not read) as their written start gives it.
    static func writtenStart(of code: String) -> String? {
        writtenStart(of: code, depth: 0)
    }

    /// ``writtenStart(of:)`` of code `depth` calls deep (``terms(of:depth:)``). Code that is
    /// no sum has no written start: a test or a choice (`a == b ? x : y`, `??`, `?.`) among it
    /// (the audit of the fixes found the literals they start with taken for one), or a block,
    /// whose values ``possibleValues(of:)`` gives, each read so (its literals alone read past
    /// a bracket and the member that cut it).
    private static func writtenStart(of code: String, depth: Int) -> String? {
        guard let terms = terms(of: code, depth: depth) else { return nil }
        var start = ""
        for case .text(let text) in terms.prefix(while: { if case .text = $0 { true } else { false } }) { start += text }
        return start.isEmpty ? nil : start
    }

    /// The variable whose value the value of `code` starts with, whole, and the text written
    /// out right after it (`@((string)context.Variables["base"] + "/" + id)` gives `base`
    /// and `/`): what a URL's host is then judged by. Nil when the code starts otherwise,
    /// gives the read a default or a fallback (`GetValueOrDefault("base", header)`, `??`),
    /// which the caller may write, or changes the value's start.
    static func leadingVariable(in code: String) -> (name: String, followedBy: String)? {
        let text = compacted(Array(code.utf8))
        guard text.count > 3, text[0] == at, text[1] == openParenthesis else { return nil }
        let structure = Structure(text)
        var index = 2
        // Brackets around the read, and casts (`(string)`), are passed over.
        while index < text.count, text[index] == openParenthesis {
            if let close = structure.close[index], close > index + 1, text[(index + 1)..<close].allSatisfy({ isIdentifier($0) || $0 == dot }) {
                index = close + 1
            } else {
                index += 1
            }
        }
        guard starts(text, at: index, with: "context.Variables"),
            let (source, end, valueEnd) = read(text, at: index + 7, structure), case .variable(let name)? = source,
            end == valueEnd || text[end] != comma,
            let kept = endOfKeptStart(text, at: valueEnd, leading: nil, structure)
        else { return nil }
        guard kept < text.count else { return (name, "") }
        guard text[kept] == UInt8(ascii: "+"), !holdsATest(text, from: kept, structure) else { return nil }
        let rest = "@(" + String(decoding: text[(kept + 1)...], as: UTF8.self)
        return (name, ExpressionExtent.leadingText(in: rest) ?? "")
    }

    /// Whether `text` from `start` on holds a comparison, a logical operator or a choice
    /// (`== x ? a : b`) outside its literals: the value may then be another than the sum.
    private static func holdsATest(_ text: [UInt8], from start: Int, _ structure: Structure) -> Bool {
        var index = start
        while index < text.count {
            if let end = structure.literalEnd[index] {
                index = end
                continue
            }
            switch text[index] {
            case question, equals, bang, lessThan, greater, ampersand, bar: return true
            default: index += 1
            }
        }
        return false
    }

    /// Calls that test or measure what they are given: one-way in every reading but ``reads(of:)``.
    private static let testingCalls: Set<String> = [
        "VerifyData", "VerifyHash", "Equals", "StartsWith", "EndsWith", "Contains", "ContainsKey", "CompareTo", "Compare", "IsNullOrEmpty",
        "IsNullOrWhiteSpace", "Any", "All", "Count", "if", "while", "switch",
    ]
    /// Those, hashes and ciphers: what a value does not carry whole.
    private static let oneWayCalls: Set<String> = testingCalls.union([
        "ComputeHash", "HashData", "TransformBlock", "TransformFinalBlock", "SignData", "SignHash",
        "Encrypt", "Decrypt", "EncryptCbc", "DecryptCbc", "EncryptEcb", "DecryptEcb", "GetHashCode",
    ])
    /// What stays one-way where tests and calls may bind or copy (``scan``'s `lenient`).
    private static let digests: Set<String> = [
        "ComputeHash", "HashData", "TransformBlock", "TransformFinalBlock", "SignData", "SignHash", "VerifyData", "VerifyHash",
        "Encrypt", "Decrypt", "EncryptCbc", "DecryptCbc", "EncryptEcb", "DecryptEcb", "GetHashCode", "Length", "Count",
    ]
    private static let oneWayMembers: Set<String> = [
        "ComputeHash", "HashData", "GetHashCode", "Equals", "StartsWith", "EndsWith", "Contains", "ContainsKey", "CompareTo", "Any",
        "All", "Length", "Count", "AsJwt",
    ]
    /// Types no string is: a read typed as one of them gives nothing a secret was.
    private static let stringTypes: Set<String> = [
        "string", "String", "object", "Object", "dynamic", "JToken", "JValue", "JObject", "JArray", "JContainer", "string[]", "String[]",
    ]

    /// Whether the `!` operator stands right before `index` (not `!=`): its operand is a test.
    private static func negated(_ text: [UInt8], before index: Int) -> Bool {
        index > 0 && text[index - 1] == bang
    }

    /// Whether the member right after `end` (past the brackets closing there) takes a
    /// value one way only. `.Encrypt(...)` does when its key is one the policy reads from a
    /// named value or a variable; a key written out can be read back by anyone.
    private static func oneWayMember(_ text: [UInt8], after end: Int, _ structure: Structure, lenient: Bool) -> Bool {
        var member = end
        while member < text.count, text[member] == closeParenthesis { member += 1 }
        if member < text.count, text[member] == question { member += 1 }
        guard member < text.count, text[member] == dot else { return false }
        let nameEnd = identifierEnd(text, from: member + 1)
        let name = String(decoding: text[(member + 1)..<nameEnd], as: UTF8.self)
        if name.hasPrefix("Encrypt") {
            guard nameEnd < text.count, text[nameEnd] == openParenthesis, let close = structure.close[nameEnd] else { return false }
            return holdsAKey(text[nameEnd..<close])
        }
        return lenient ? digests.contains(name) : oneWayMembers.contains(name)
    }

    /// Whether the call whose `(` is at `open` takes its arguments one way only.
    private static func isOneWayCall(_ text: [UInt8], open: Int, _ structure: Structure, _ reading: Reading) -> Bool {
        guard text[open] == openParenthesis else { return false }
        var last = open
        // A generic argument list between the name and '('.
        // Looked for within a bounded reach: a search to the start for every '>(' would
        // make a hostile expression cost the square of its length.
        if last > 0, text[last - 1] == greater, let less = text[max(0, last - 64)..<last].lastIndex(of: lessThan) { last = less }
        var first = last
        while first > 0, isIdentifier(text[first - 1]) { first -= 1 }
        let name = String(decoding: text[first..<last], as: UTF8.self)
        switch reading {
        case .carried: return oneWayCalls.contains(name)
        case .lenient: return digests.contains(name)
        // `Regex.Replace` may take any part away but a scheme at the start; a text's `Replace`
        // of a written text keeps the rest.
        case .apart:
            guard keepingCalls.contains(name) else { return true }
            if let close = structure.close[open] {
                let arguments = (open + 1)..<close
                // An encoder handed an offset and a length encodes a slice (`ToBase64String(h,
                // 0, 1)`); `ConvertAll` keeps the bytes only as `b => b.ToString("x2")` does (the
                // third audit).
                if encoders.contains(name), argument(2, named: "length", text, arguments, structure) != nil { return true }
                if name == "ConvertAll" { return !(argument(1, named: "converter", text, arguments, structure).map(formatsEachElement) ?? false) }
            }
            guard name == "Replace", text[max(0, first - 6)..<first].elementsEqual("Regex.".utf8), let close = structure.close[open] else { return false }
            guard var pattern = argument(1, named: "pattern", text, (open + 1)..<close, structure) else { return true }
            // A regular or a verbatim string (`@"^Bearer\s+"`), as written between its quotes.
            if pattern.first == at { pattern = pattern.dropFirst() }
            guard pattern.count >= 2, pattern.first == quote, pattern.last == quote, !pattern.dropFirst().dropLast().contains(quote) else { return true }
            return !isASchemePattern(String(decoding: pattern.dropFirst().dropLast(), as: UTF8.self))
        case .everything: return false
        }
    }

    /// Calls that encode bytes, whose further arguments may pick a slice of them.
    private static let encoders: Set<String> = ["ToBase64String", "ToHexString", "ToHexStringLower", "ToString", "GetString"]

    /// Whether a regular expression only matches a scheme (`^Bearer `, `^Bearer\s+`,
    /// `(?i)^bearer `, `^[Bb]earer `, `^(Bearer|bearer) `, unanchored `Bearer `): a word of
    /// letters, its cases spelt as classes or choices, spaces around it; replaced by
    /// nothing, the token is left whole (a token holds no space). Users' samples strip it so;
    /// the audits found it taken for a cut.
    private static func isASchemePattern(_ written: String) -> Bool {
        // As written between the quotes: a regular string doubles the backslash, a verbatim one not.
        var pattern = Substring(written.replacing("\\\\", with: "\\"))
        for prefix in ["(?i)", "^", "\\s*", "\\s+", " *"] where pattern.hasPrefix(prefix) { pattern = pattern.dropFirst(prefix.count) }
        let word = pattern.prefix { $0.isASCII && ($0.isLetter || "[]()|".contains($0)) }
        guard word.contains(where: \.isLetter) else { return false }
        pattern = pattern.dropFirst(word.count)
        for ending in ["\\s+", "\\s*", "\\s", " +", " *", " "] where pattern.hasPrefix(ending) {
            pattern = pattern.dropFirst(ending.count)
            break
        }
        return pattern.isEmpty
    }

    /// Calls whose result tells apart what their arguments do (`.apart`): grouping and
    /// casts (no name), joining and formatting text, encodings, hashes, parsing. Any other
    /// may keep a part only (`Regex.Match(t, "^[^.]*").Value`: the scheme and the token's
    /// header, which every token of a key shares; an audit), so a value passed to it is
    /// taken to lose what kept callers apart.
    private static let keepingCalls: Set<String> = [
        "", "return", "checked", "unchecked", "string", "String", "Guid", "ToBase64String", "FromBase64String", "ToHexString",
        "ToHexStringLower", "ComputeHash", "HashData", "TransformFinalBlock", "SignData", "Encrypt", "EncryptCbc", "EncryptEcb", "GetBytes",
        "GetString", "Join", "Concat", "Format", "Copy", "EscapeDataString", "EscapeUriString", "UnescapeDataString", "UrlEncode",
        "UrlDecode", "UrlPathEncode", "HtmlEncode", "HtmlDecode", "ToString", "Abs", "Parse", "ToInt32", "ToInt64", "ToUInt32", "ToUInt64",
        "GetValueOrDefault", "Replace", "Insert", "ConvertAll",
    ]

    /// What a value read in a key holds, as ``losesWhatKeepsValuesApart`` follows it.
    private enum Held {
        case text
        /// The values of a header or query parameter read by its name (`Headers["Authorization"]`:
        /// APIM's dictionaries hold `string[]`).
        case texts
        /// The parts of a split text (`Split(' ')`: the first is the scheme).
        case parts
        case characters
        /// The parts of a split text in reverse (`Split('.').Reverse()`: the last is the scheme).
        case reversedParts
        /// A token parsed by `AsJwt()`.
        case token
        /// A token's `Claims`, by name: each a `string[]`.
        case claims
        /// What a call that keeps values apart made of one (``keepingCalls``): a hash's bytes,
        /// an encoded or joined text. Whole or turned to text any way it tells callers apart;
        /// one of its elements, or a slice, does not (`ToBase64String(…)[0]` is a `Q` for
        /// every token; the audit of the forty-first round's fixes).
        case derived
        /// Anything else: a variable, a call's result.
        case other

        var isArray: Bool { self == .texts || self == .parts || self == .reversedParts || self == .characters }
    }

    /// Whether the members and indexers after `end` (past closing brackets) leave only what
    /// many values share (``valuesKeptApart(of:)``), following what the value holds from
    /// `start`: a test or a measure; a cut to the text's start (`Substring(0, n)`,
    /// `Remove(n)`), a character (`[0]`, `First()` of a text), the scheme (the first part of
    /// a split); a token's facts but its subject and id, or a claim many users share
    /// (`tid`, `aud`, `roles`, …); or an array joined to text as it is (`System.String[]`).
    /// The first value of a header's array (`Headers["Authorization"].First()`, `[0]`) is
    /// the header whole. Past 64 steps a chain is taken to lose it: a hostile expression of
    /// many reads each followed by a long chain would cost the square of its length.
    private static func losesWhatKeepsValuesApart(_ text: [UInt8], after end: Int, holding start: Held, _ structure: Structure) -> Bool {
        var held = start
        var position = end
        var passedOut = false
        for _ in 0..<64 {
            while position < text.count, text[position] == closeParenthesis {
                // Into a call or a cast, but for the expression's own `@(…)`.
                if position < text.count - 1 { passedOut = true }
                // Out of a call (one that keeps what tells values apart: the others are
                // one-way in `scan`), the value is the call's result: a hash's bytes, an
                // encoded text (`ComputeHash(…).Select(b => b.ToString("x2"))` is a
                // caller's; an audit). Out of brackets around it, it is itself.
                if let opening = structure.open[position], opening > 0, isIdentifier(text[opening - 1]) || text[opening - 1] == greater {
                    held = .derived
                }
                position += 1
            }
            if position < text.count, text[position] == question { position += 1 }
            if position < text.count, text[position] == openBracket, let close = structure.close[position] {
                let index = text[(position + 1)..<close]
                position = close + 1
                switch held {
                case .claims:
                    guard let claim = writtenString(index) else {
                        held = .other
                        continue
                    }
                    if sharedClaims.contains(claim.lowercased()) { return true }
                    held = .texts
                case .texts: held = .text
                case .parts:
                    // Only a part written out past the first is sure not to be the scheme
                    // (`[1 - 1]`, `[(int)0]` and `[i]` may be it; an audit).
                    if !isPositive(index) { return true }
                    held = .text
                case .reversedParts:
                    // The last part first: only the first index is sure not to be the scheme.
                    if !isZero(index) { return true }
                    held = .text
                case .text, .characters, .derived: return true
                case .token, .other: held = .other
                }
                continue
            }
            guard position < text.count, text[position] == dot else {
                // One argument among others: what the call makes of them is followed past its
                // bracket (`BitConverter.ToInt32(h, 0) % 2`: the third audit).
                if position < text.count, text[position] == comma {
                    guard let close = listEnd(after: position, text, structure) else { return true }
                    if text[close] == closeParenthesis {
                        // What a text's `Replace` takes away is lost, whatever the text
                        // (`hex.Replace(hex, "")`: the third audit).
                        if let opening = structure.open[close], isReplaced(upTo: position, after: opening, text, structure) { return true }
                        position = close
                        continue
                    }
                }
                return held.isArray && !passedOut || bucketsANumber(text, at: position)
            }
            let (name, arguments, end) = member(at: position, text, structure)
            position = end
            let first = argument(0, named: name == "Substring" ? "startIndex" : "", text, arguments, structure) ?? text[arguments]
            if testingMembers.contains(name) || held == .token && tokenFacts.contains(name) { return true }
            switch (held, name) {
            case (_, "ToString") where held.isArray: return true
            case (_, "AsJwt"): held = .token
            case (_, "Claims"): held = .claims
            case (_, "Split"): held = .parts
            case (_, "ToCharArray"): held = .characters
            case (.token, "Subject"), (.token, "Id"): held = .text
            case (.claims, "GetValueOrDefault"):
                guard let claim = writtenString(first) else {
                    held = .other
                    continue
                }
                if sharedClaims.contains(claim.lowercased()) { return true }
                held = .text
            case (.derived, "Substring"):
                // Of a hash's text, sixteen characters or more written out still tell callers
                // apart (a 96-bit prefix of a digest: the fourth audit); fewer, or a computed
                // length, may not.
                if let length = argument(1, named: "length", text, arguments, structure), (ExpressionExtent.integerLiteral(String(decoding: length, as: UTF8.self)) ?? 0) < 16 {
                    return true
                }
            case (.text, "Substring"), (.other, "Substring"):
                // A slice from the start, or of a written length from a written place, is
                // what many tokens share (`Substring(7, 20)`: the start of the header every
                // token of a key has); one to the end (`Substring(7, t.Length - 7)`) or at
                // it (`Substring(t.Length - 43, 43)`, the signature's) is the caller's.
                if let length = argument(1, named: "length", text, arguments, structure),
                    isZero(first) || !contains(length, "Length") && !contains(first, "Length")
                {
                    return true
                }
            case (.text, "Remove"), (.other, "Remove"), (.derived, "Remove"):
                // To the end (no count, or one of the text's length: `Remove(20, t.Length - 20)`),
                // only the start is left.
                guard let count = argument(1, named: "count", text, arguments, structure), !contains(count, "Length") else { return true }
            case (.text, _) where elementPicks.contains(name), (.characters, _) where elementPicks.contains(name),
                (.derived, _) where elementPicks.contains(name) || name == "Skip":
                return true
            // Turned to text (`Select(b => b.ToString("x2"))`, `ToLowerInvariant()`,
            // `TrimEnd('=')`); any other step may make it one value for all (`Select(c =>
            // "x")`, `Max()`, `Trim("0123456789ABCDEF".ToCharArray())`: the third audit).
            case (.derived, "Select"):
                if !formatsEachElement(text[arguments]) { return true }
            case (.derived, "TrimEnd"), (.derived, "Trim"), (.derived, "TrimStart"):
                // Base64's padding at most (`TrimEnd('=')`, `TrimEnd(new char[] { '=' })`).
                let trimmed = String(decoding: text[arguments], as: UTF8.self).replacing("new char[]", with: "").filter { !"{} ".contains($0) }
                if !arguments.isEmpty, trimmed != "'='" { return true }
            case (.derived, "Replace"):
                if writtenString(first) == nil, !(first.count == 3 && first.first == apostrophe) { return true }
            case (.derived, _):
                if !derivedTextMembers.contains(name) { return true }
            case (.texts, "Take"), (.texts, "TakeLast"), (.texts, "Skip"): break
            case (.texts, _) where elementPicks.contains(name): held = .text
            case (.claims, _) where !arguments.isEmpty:
                // A claim picked by a test that names it (`First(c => c.Key == "tid")`).
                if literals(in: arguments, text, structure).contains(where: { sharedClaims.contains($0.lowercased()) }) { return true }
                held = .other
            case (.parts, "First"), (.parts, "FirstOrDefault"), (.parts, "Single"), (.parts, "SingleOrDefault"): return true
            case (.parts, "ElementAt"), (.parts, "ElementAtOrDefault"):
                if !isPositive(first) { return true }
                held = .text
            case (.parts, "Take"):
                // The first part alone is the scheme.
                if !isPositive(first) || ExpressionExtent.integerLiteral(String(decoding: first, as: UTF8.self)) == 1 { return true }
            case (.parts, "Skip"):
                if !isZero(first) { held = .texts }
            case (.parts, _) where elementPicks.contains(name): held = .text
            case (.parts, "Reverse"): held = .reversedParts
            case (.reversedParts, "First"), (.reversedParts, "FirstOrDefault"): held = .text
            case (.reversedParts, "ElementAt"), (.reversedParts, "ElementAtOrDefault"):
                if !isZero(first) { return true }
                held = .text
            case (.text, _) where keepingTextMembers.contains(name): break
            case (_, _) where held.isArray && keepingArrayMembers.contains(name): break
            case (.text, _), (.texts, _), (.parts, _), (.reversedParts, _), (.characters, _):
                // Any other step may keep a part only (`Split('.').Reverse().Last()`,
                // `Split('.').Min()`: the scheme and the token's header; an audit).
                return true
            default:
                held = .other
            }
        }
        return true
    }

    /// What a read of `source` that ends at `end` holds: a header's or query parameter's
    /// values where read by name (`["name"]`), a variable anything, else a text.
    private static func held(by source: Source, endingAt end: Int, _ text: [UInt8]) -> Held {
        switch source {
        case .requestHeader, .someRequestHeader, .requestQuery: end > 0 && text[end - 1] == closeBracket ? .texts : .text
        case .variable, .allVariables, .allRequestHeaders, .allRequestQuery, .request, .requestBody, .answer: .other
        case .requestURL, .requestPath, .requestPathPart, .asSent, .literal: .text
        }
    }

    /// Members of a text that give a text telling apart whatever the text did. Not
    /// `GetHashCode`: 32 bits, which two of some 77,000 callers share more often than not,
    /// and .NET draws it anew in each process (audit V122: a key of the subject's was taken
    /// for the subject).
    private static let keepingTextMembers: Set<String> = [
        "Trim", "TrimStart", "TrimEnd", "ToLower", "ToLowerInvariant", "ToUpper", "ToUpperInvariant", "Replace", "Normalize", "ToString",
        "PadLeft", "PadRight", "Insert", "Clone",
    ]
    /// Whether the argument that ends at `comma` is the first of a text's `Replace` whose
    /// bracket opens at `opening` (not `Regex.Replace`, which ``isOneWayCall`` judges): the
    /// text it takes away.
    private static func isReplaced(upTo comma: Int, after opening: Int, _ text: [UInt8], _ structure: Structure) -> Bool {
        let name = "Replace".utf8
        guard opening >= name.count + 1, text[(opening - name.count)..<opening].elementsEqual(name), text[opening - name.count - 1] == dot,
            !text[max(0, opening - name.count - 6)..<(opening - name.count)].elementsEqual("Regex.".utf8)
        else { return false }
        return !outside(text, (opening + 1)..<comma, structure).contains { text[$0] == comma }
    }

    /// The bracket that closes the list holding the separator at `comma`, looked for within
    /// 4,096 bytes (past them, nil): literals and inner brackets are stepped over whole.
    private static func listEnd(after comma: Int, _ text: [UInt8], _ structure: Structure) -> Int? {
        var index = comma + 1
        let limit = min(text.count, comma + 4_096)
        while index < limit {
            if let end = structure.literalEnd[index] {
                index = end
            } else if isOpening(text[index]) {
                guard let close = structure.close[index] else { return nil }
                index = close + 1
            } else if isClosing(text[index]) {
                return index
            } else {
                index += 1
            }
        }
        return nil
    }

    /// Members that turn what a keeping call made into text as it is (``Held/derived``).
    private static let derivedTextMembers: Set<String> = ["ToString", "ToLower", "ToLowerInvariant", "ToUpper", "ToUpperInvariant", "ToArray", "ToList", "AsEnumerable", "Normalize"]

    /// Whether `lambda` writes each element out as text (`b => b.ToString("x2")`): the form
    /// that turns a hash's bytes into hex keeps them apart; any other may not.
    private static func formatsEachElement(_ lambda: ArraySlice<UInt8>) -> Bool {
        guard let arrow = lambda.firstIndex(of: equals), arrow + 1 < lambda.endIndex, lambda[arrow + 1] == greater else { return false }
        let parameter = lambda[lambda.startIndex..<arrow]
        let body = lambda[(arrow + 2)...]
        return !parameter.isEmpty && parameter.allSatisfy(isIdentifier) && body.starts(with: parameter + ".ToString(".utf8) && body.last == closeParenthesis
    }

    /// Members of an array that keep its elements and their order.
    private static let keepingArrayMembers: Set<String> = ["ToArray", "ToList", "AsEnumerable"]

    /// Whether an operator at `index` puts a number into a few buckets (`% 10`, `& 1`,
    /// `/ 1000`, `>> 28`, `<< 31`, `* 0`): a hash so cut tells few callers apart
    /// (`GetHashCode() & 1`; audits). A shift is `>>` or `<<` here; one of them alone
    /// compares, and a test is one-way anyway.
    private static func bucketsANumber(_ text: [UInt8], at index: Int) -> Bool {
        guard index < text.count else { return false }
        switch text[index] {
        case UInt8(ascii: "%"), slash, star: return true
        case ampersand: return index + 1 >= text.count || text[index + 1] != ampersand
        case greater: return index + 1 < text.count && text[index + 1] == greater
        case lessThan: return index + 1 < text.count && text[index + 1] == lessThan
        default: return false
        }
    }

    /// Members that test or measure a value.
    private static let testingMembers = testingCalls.union(["Length", "IndexOf", "LastIndexOf"])
    /// A token's facts that every user's token of an application or a tenant shares.
    private static let tokenFacts: Set<String> = ["Audiences", "Issuer", "ExpirationTime", "NotBefore", "IssuedAt", "Algorithm", "Type"]
    /// Members that pick one element: of a text, a character.
    private static let elementPicks: Set<String> = [
        "First", "FirstOrDefault", "Last", "LastOrDefault", "Single", "SingleOrDefault", "ElementAt", "ElementAtOrDefault", "Take", "TakeLast",
    ]
    /// Claims that many users' tokens share: the tenant, the application, the audience and
    /// issuer, the token's kind and times, permissions and groups. Others (`sub`, `oid`,
    /// `email`, a custom claim) are taken to name a user.
    private static let sharedClaims: Set<String> = [
        "tid", "aud", "iss", "azp", "appid", "azpacr", "appidacr", "client_id", "cid", "scp", "scope", "scopes", "roles", "role", "groups",
        "permissions", "wids", "ver", "idp", "idtyp", "iat", "nbf", "exp", "auth_time", "amr", "acr", "typ", "gty", "token_use", "acct", "ctry",
        "tenant_region_scope", "tenant_ctry", "realm_access", "resource_access", "org_id", "hd", "locale", "ipaddr", "at_hash", "c_hash",
        "email_verified", "name", "given_name", "family_name",
        "http://schemas.microsoft.com/identity/claims/tenantid", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    ]

    /// Whether `code` is a whole number above zero written out (`1`, `0x2`).
    private static func isPositive(_ code: ArraySlice<UInt8>) -> Bool {
        (ExpressionExtent.integerLiteral(String(decoding: code, as: UTF8.self)) ?? 0) > 0
    }

    /// Whether `code` is a zero written out (`0`, `0x0`).
    private static func isZero(_ code: ArraySlice<UInt8>) -> Bool {
        ExpressionExtent.integerLiteral(String(decoding: code, as: UTF8.self)) == 0
    }

    /// The code of the call argument `name` names in `arguments` (`length: 7`), else of the
    /// one at `position` among those not named; nil where there is none.
    private static func argument(_ position: Int, named name: String, _ text: [UInt8], _ arguments: Range<Int>, _ structure: Structure) -> ArraySlice<UInt8>? {
        guard !arguments.isEmpty else { return nil }
        var start = arguments.lowerBound
        var unnamed: [ArraySlice<UInt8>] = []
        for end in outside(text, arguments, structure).filter({ text[$0] == comma }) + [arguments.upperBound] {
            let argument = text[start..<end]
            start = end + 1
            if let colon = argument.firstIndex(of: colon), colon > argument.startIndex, argument[argument.startIndex..<colon].allSatisfy(isIdentifier) {
                if argument[argument.startIndex..<colon].elementsEqual(name.utf8) { return argument[(colon + 1)...] }
            } else {
                unnamed.append(argument)
            }
        }
        return position < unnamed.count ? unnamed[position] : nil
    }

    /// The strings written out in `range` of `text`, as written between their quotes.
    private static func literals(in range: Range<Int>, _ text: [UInt8], _ structure: Structure) -> [String] {
        var found: [String] = []
        var index = range.lowerBound
        while index < range.upperBound {
            if let end = structure.literalEnd[index] {
                if let written = writtenString(text[index..<end]) { found.append(written) }
                index = end
            } else {
                index += 1
            }
        }
        return found
    }

    /// The positions of `range` of `text` outside brackets and literals.
    private static func outside(_ text: [UInt8], _ range: Range<Int>, _ structure: Structure) -> [Int] {
        var found: [Int] = []
        var index = range.lowerBound
        while index < range.upperBound {
            if let end = structure.literalEnd[index] {
                index = end
            } else if isOpening(text[index]), let close = structure.close[index] {
                index = close + 1
            } else {
                found.append(index)
                index += 1
            }
        }
        return found
    }

    /// Whether a value `code` may give (``decidingCodes(of:)``) reads something new for
    /// every request (``newForEveryRequest``), or a variable or a header `readsANewVariable`
    /// says may hold such a value: a counter keyed on it counts each request alone (RL001,
    /// `diff`).
    /// Read in the code alone: a string that names one (`"RequestId"`) gives none.
    static func givesANewValueForEveryRequest(_ code: String, readsANewVariable: ((Source) -> Bool)? = nil) -> Bool {
        // Members read through `?.` or a bracketed `(context)` are the same members (the
        // audit of the change).
        func namesOne(_ code: String) -> Bool {
            let bare = withoutWrittenText(code).replacingBytes("?.", with: ".").replacingBytes("(context).", with: "context.")
            return newForEveryRequest.contains { bare.holds($0) }
        }
        // Most codes name none and read no variable: they are not taken apart.
        guard namesOne(code) || readsANewVariable != nil && code.mayReadACarrier else { return false }
        return decidingCodes(of: code).contains { value in
            namesOne(value) || readsANewVariable.map { sources(of: value).contains(where: $0) } ?? false
        }
    }

    /// What code may read that is new for every request, as written with white space
    /// taken out: the request's id, its time and the time it has taken, the clock (at any
    /// precision: a key of the day still starts a new counter within a week's quota), a
    /// new GUID, anything random (`Random`, `RandomNumberGenerator`: the audit of the
    /// change), a stopwatch's ticks. Not a call's answer, nor a cached value: what another
    /// service or the cache answers (a tenant's id) may be the same for every request of a
    /// caller.
    static let newForEveryRequest: [StaticString] = [
        ".RequestId", "context.Timestamp", ".Elapsed", "DateTime.Now", "DateTime.UtcNow", "DateTime.Today", "DateTimeOffset.Now",
        "DateTimeOffset.UtcNow", "Environment.TickCount", "Guid.NewGuid(", "Random", "Stopwatch",
    ]

    /// Whether `code`'s value is one or more whatever the request holds: the larger of a
    /// number written out and anything (`Math.Max(1, int.Parse(weight))`), or a sum of
    /// numbers written out and measures, never negative, each whole or divided by a number
    /// written out (`context.Request.Body.As<string>().Length / 1000 + 1`). RL001 takes a
    /// count the caller writes for one that may be 0 but these (found by the audit of the
    /// thirty-eighth round). Anything else may be less.
    static func isAtLeastOne(_ code: String) -> Bool {
        let (text, structure, whole) = expressionBody(of: code)
        guard let body = whole else { return false }
        func number(_ range: Range<Int>) -> Int? { ExpressionExtent.integerLiteral(String(decoding: text[range], as: UTF8.self)) }
        func positive(_ range: Range<Int>) -> Bool { number(range).map { $0 > 0 } ?? false }
        // A chain of members ending in a length or a count, cast to a type that holds it or
        // not, whole or divided by a number written out.
        func measure(_ range: Range<Int>) -> Bool {
            var chain = range
            let slashes = outside(text, range, structure).filter { text[$0] == slash }
            if let slash = slashes.first {
                guard slashes.count == 1, positive((slash + 1)..<range.upperBound) else { return false }
                chain = range.lowerBound..<slash
            }
            // A narrower cast wraps a long body's length below zero (`(short)`: the audit of
            // the change).
            if text[chain.lowerBound] == openParenthesis, let close = structure.close[chain.lowerBound] {
                guard ["int", "long", "uint", "ulong"].contains(String(decoding: text[(chain.lowerBound + 1)..<close], as: UTF8.self)) else { return false }
                chain = (close + 1)..<chain.upperBound
            }
            // Members, calls and generic arguments (`As<string>(…)`); no operator.
            var mark = chain.lowerBound
            while mark < chain.upperBound {
                if isOpening(text[mark]), let close = structure.close[mark] {
                    mark = close + 1
                } else if isIdentifier(text[mark]) || text[mark] == dot {
                    mark += 1
                } else {
                    guard text[mark] == lessThan, mark > chain.lowerBound, isIdentifier(text[mark - 1]),
                        let closing = text[mark..<chain.upperBound].firstIndex(of: greater), closing + 1 < chain.upperBound,
                        text[closing + 1] == openParenthesis, text[(mark + 1)..<closing].allSatisfy({ isIdentifier($0) || $0 == dot })
                    else { return false }
                    mark = closing + 1
                }
            }
            let measured = text[chain]
            return [".Length", ".Count", ".Count()"].contains { measured.reversed().starts(with: $0.utf8.reversed()) }
        }
        let maximum = Array("Math.Max(".utf8)
        if text[body].starts(with: maximum), structure.close[body.lowerBound + maximum.count - 1] == body.upperBound - 1 {
            let arguments = (body.lowerBound + maximum.count)..<(body.upperBound - 1)
            let commas = outside(text, arguments, structure).filter { text[$0] == comma }
            return commas.count == 1 && (positive(arguments.lowerBound..<commas[0]) || positive((commas[0] + 1)..<arguments.upperBound))
        }
        var parts: [Range<Int>] = []
        var start = body.lowerBound
        for plus in outside(text, body, structure).filter({ text[$0] == UInt8(ascii: "+") }) + [body.upperBound] {
            parts.append(start..<plus)
            start = plus + 1
        }
        // Written numbers that add up past a million may wrap a sum below zero; each is
        // compared first, so the sum cannot overflow here (the audit of the fix: a crash).
        let written = parts.compactMap(number)
        return parts.count > 1 && !written.isEmpty && written.allSatisfy { $0 > 0 && $0 <= 1_000_000 } && written.reduce(0, +) <= 1_000_000
            && parts.allSatisfy { number($0) != nil || measure($0) }
    }

    /// The text of `code` when it is one string written out plainly (`"tid"`).
    private static func writtenString(_ code: ArraySlice<UInt8>) -> String? {
        guard code.count >= 2, code.first == quote, code.last == quote else { return nil }
        let inner = code.dropFirst().dropLast()
        return inner.contains(quote) || inner.contains(backslash) ? nil : String(decoding: inner, as: UTF8.self)
    }

    /// Whether a cipher's arguments hold a key the policy does not write out: a named
    /// value's or a variable's.
    private static func holdsAKey(_ arguments: ArraySlice<UInt8>) -> Bool {
        contains(arguments, "{{") || contains(arguments, ".Variables")
    }

    /// What a read starting at the `.` at `period` reads, where scanning goes on, and where the
    /// value read ends; nil when no read starts there, a nil source for a read that gives
    /// nothing of the values (a count, a test of a name, the method). `presence` takes a
    /// count or a test of a name for a read of the entry or entries it tells of; `typed`, a
    /// read typed as something no string is for a read of it (a validated token read as a
    /// `Jwt` tells its holder apart).
    private static func read(
        _ text: [UInt8], at period: Int, _ structure: Structure, presence: Bool = false, typed: Bool = false
    ) -> (Source?, end: Int, valueEnd: Int)? {
        let index = period + 1
        let word = identifierEnd(text, from: index)
        let member = String(decoding: text[index..<word], as: UTF8.self)
        switch member {
        case "Variables": return keyed(text, from: word, named: Source.variable, all: .allVariables, structure, presence: presence, typed: typed)
        case "Response":
            // The answer whole (kept in a local, cast, in an array), its body or headers,
            // `?.` or not: all but its status, which tells no caller apart (audit V63: a
            // body read through `var r = context.Response` or `?.` was no answer).
            let memberAt = word < text.count && text[word] == question ? word + 1 : word
            guard memberAt < text.count, text[memberAt] == dot else { return (.answer, word, word) }
            let inner = identifierEnd(text, from: memberAt + 1)
            let name = text[(memberAt + 1)..<inner]
            guard !name.elementsEqual("StatusCode".utf8), !name.elementsEqual("StatusReason".utf8) else { return (nil, inner, inner) }
            // `.As<T>(...)` reads the body as a T: what follows the call applies to the value.
            if name.elementsEqual("Body".utf8), starts(text, at: inner, with: ".As<"), let greaterAt = text[inner...].prefix(64).firstIndex(of: greater),
                greaterAt + 1 < text.count, text[greaterAt + 1] == openParenthesis, let close = structure.close[greaterAt + 1]
            {
                return (.answer, inner, close + 1)
            }
            return (.answer, inner, inner)
        case "Request":
            guard word < text.count, text[word] == dot else { return (.request, word, word) }
            let inner = identifierEnd(text, from: word + 1)
            switch String(decoding: text[(word + 1)..<inner], as: UTF8.self) {
            case "Headers":
                return keyed(text, from: inner, named: Source.requestHeader, unnamed: .someRequestHeader, all: .allRequestHeaders, structure, presence: presence)
            case "Body": return (.requestBody, inner, inner)
            case "MatchedParameters": return keyed(text, from: inner, named: { _ in .asSent }, all: .asSent, structure, presence: presence)
            case "Url":
                guard inner < text.count, text[inner] == dot else { return (.requestURL, inner, inner) }
                let part = identifierEnd(text, from: inner + 1)
                switch String(decoding: text[(inner + 1)..<part], as: UTF8.self) {
                case "Host", "Scheme", "Port": return (nil, part, part)
                case "Path": return (keepsItsStart(text, at: part, leading: slash, structure) ? .requestPath : .requestPathPart, part, part)
                case "Query": return keyed(text, from: part, named: Source.requestQuery, all: .allRequestQuery, structure, presence: presence)
                case "QueryString": return (keepsItsStart(text, at: part, leading: question, structure) ? .requestURL : .allRequestQuery, part, part)
                default: return (.requestURL, inner, inner)
                }
            case "OriginalUrl":
                // Whole, it starts with the gateway's own host; its path with `/`, its
                // query string with `?`.
                guard inner < text.count, text[inner] == dot else { return (nil, inner, inner) }
                let part = identifierEnd(text, from: inner + 1)
                switch String(decoding: text[(inner + 1)..<part], as: UTF8.self) {
                case "Path": return (keepsItsStart(text, at: part, leading: slash, structure) ? nil : .asSent, part, part)
                case "QueryString": return (keepsItsStart(text, at: part, leading: question, structure) ? nil : .asSent, part, part)
                case "Query": return keyed(text, from: part, named: { _ in .asSent }, all: .asSent, structure, presence: presence)
                default: return (nil, part, part)
                }
            default: return (nil, inner, inner)
            }
        default: return nil
        }
    }

    /// A read of a collection that ends at `start`: by a name written out (`["name"]`,
    /// `.GetValueOrDefault<T>("name", ...)`), of one entry by a name not written out
    /// (`unnamed`, `all` where nil), of every entry, or of none (a count, a test of a name,
    /// a read typed as something no string is; with `presence`, a test of a name is a read
    /// of that entry, a count one of every entry).
    private static func keyed(
        _ text: [UInt8], from start: Int, named: (String) -> Source, unnamed: Source? = nil, all: Source, _ structure: Structure, presence: Bool,
        typed readsTyped: Bool = false
    ) -> (Source?, end: Int, valueEnd: Int) {
        // A name written out: a string, verbatim (`@"X-Sub"`) or interpolated without a hole
        // (`$"X-Sub"`) too (read as any entry, those kept a default as part of the value
        // that tells callers apart: an audit), with nothing escaped, or strings so written
        // joined (`"X-" + "Sub"`, one name to C#).
        func name(at start: Int) -> (String, end: Int)? {
            var joined = ""
            var next = start
            while true {
                guard next < text.count, let end = structure.literalEnd[next] else { return nil }
                let prefix = text[next..<end].prefix { $0 == at || $0 == dollar }
                guard next + prefix.count < end, text[next + prefix.count] == quote else { return nil }
                let name = text[(next + prefix.count + 1)..<(end - 1)]
                guard !name.contains(backslash), !name.contains(quote), !prefix.contains(dollar) || !name.contains(openBrace) else { return nil }
                joined += String(decoding: name, as: UTF8.self)
                guard end + 1 < text.count, text[end] == plus, structure.literalEnd[end + 1] != nil else { return (joined, end) }
                next = end + 1
            }
        }
        // One entry, by a name not written out: its read ends past the brackets that name it.
        let one = unnamed ?? all
        guard start < text.count else { return (all, start, start) }
        if text[start] == openBracket {
            guard let (found, end) = name(at: start + 1), end < text.count, text[end] == closeBracket else {
                return (one, start, (structure.close[start] ?? start) + 1)
            }
            return (named(found), end + 1, end + 1)
        }
        guard text[start] == dot else { return (all, start, start) }
        let memberEnd = identifierEnd(text, from: start + 1)
        var after = memberEnd
        switch String(decoding: text[(start + 1)..<memberEnd], as: UTF8.self) {
        case "ContainsKey" where presence:
            guard after < text.count, text[after] == openParenthesis, let close = structure.close[after] else { return (all, memberEnd, memberEnd) }
            guard let (found, end) = name(at: after + 1), end == close else { return (one, close + 1, close + 1) }
            return (named(found), close + 1, close + 1)
        case "ContainsKey", "Count", "Keys": return (presence ? all : nil, memberEnd, memberEnd)
        case "GetValueOrDefault", "TryGetValue":
            var typed: String?
            if after < text.count, text[after] == lessThan, let greaterAt = text[after...].prefix(64).firstIndex(of: greater) {
                typed = String(decoding: text[(after + 1)..<greaterAt], as: UTF8.self)
                after = greaterAt + 1
            }
            guard after < text.count, text[after] == openParenthesis else { return (all, start, start) }
            let close = structure.close[after] ?? text.count - 1
            // Read typed as something no string is, a value carries nothing a secret was;
            // where typed reads count, a number counts too: a variable may hold one taken
            // from another call's answer (audit V59: `GetValueOrDefault<int>` and casts to
            // numbers served a PIN in an error's answer, once taken for no data).
            if let typed, !stringTypes.contains(typed), !readsTyped { return (nil, close + 1, close + 1) }
            guard let (found, end) = name(at: after + 1), end < text.count, text[end] == comma || text[end] == closeParenthesis else { return (one, start, close + 1) }
            // The default is read on; what follows the call applies to the value.
            return (named(found), end, close + 1)
        default: return (all, start, start)
        }
    }

    /// The holes of an interpolated string whose text between its quotes is `range`, each
    /// without its format (after a top-level `:` or `,`).
    private static func holes(_ text: [UInt8], in range: Range<Int>) -> [Range<Int>] {
        holeSpans(text, in: range).map(\.code)
    }

    /// ``holes(_:in:)``, each with the index of the `}` that ends it.
    private static func holeSpans(_ text: [UInt8], in range: Range<Int>) -> [(code: Range<Int>, end: Int)] {
        var holes: [(code: Range<Int>, end: Int)] = []
        var index = range.lowerBound
        var start: Int?
        var format: Int?
        var depth = 0
        while index < range.upperBound {
            if start != nil, let end = (format == nil ? commentEnd(text, at: index) : nil) ?? literalEnd(text, from: index) {
                index = end
                continue
            }
            let byte = text[index]
            if start == nil {
                if byte == openBrace, index + 1 < range.upperBound, text[index + 1] == openBrace {
                    index += 2
                    continue
                }
                if byte == openBrace { start = index + 1 }
            } else if isOpening(byte) {
                depth += 1
            } else if isClosing(byte) {
                if depth == 0, let first = start {
                    holes.append((first..<(format ?? index), index))
                    start = nil
                    format = nil
                } else {
                    depth -= 1
                }
            } else if depth == 0, format == nil, byte == colon || byte == comma {
                format = index
            }
            index += 1
        }
        return holes
    }

    // MARK: - Blocks

    /// A block's statements as assignments to locals, changes of them and returns, read
    /// once; what it returns follows the locals to a fixed point over a graph, not by
    /// reading the text again.
    private struct Block {
        let text: [UInt8]
        let structure: Structure

        init(_ text: [UInt8], _ structure: Structure) {
            self.text = text
            self.structure = structure
        }

        /// Constructs that move values in ways the block reading does not follow.
        private static let unfollowed: [StaticString] = [
            "=>", "foreach", "for(", "while(", "switch", "case ", "out ", "ref ", "goto", "yield", "delegate", "var(",
        ]

        /// The block's statements between its braces.
        private var body: Range<Int> { 2..<(text.count - 1) }

        /// Whether the block moves values only in ways this reading follows: no loops,
        /// patterns, lambdas or local functions.
        var isFollowed: Bool {
            !Self.unfollowed.contains(where: { contains(text[body], $0) }) && !assignsToBrackets() && !matchesAPattern(in: body) && !declaresAFunction()
        }

        /// Whether the block assigns to what stands in brackets (`(a, b) = pair`), which may
        /// be several locals: `)=` not followed by `=` (`x.ToLower() == "eu"` is a test;
        /// it made a block unread, found by an audit).
        private func assignsToBrackets() -> Bool {
            var index = body.lowerBound
            while index + 2 < body.upperBound {
                if text[index] == closeParenthesis, text[index + 1] == equals, text[index + 2] != equals, structure.isCode(at: index) { return true }
                index += 1
            }
            return false
        }

        /// What the block's statements do with its locals.
        struct Statements {
            /// `local = value`, `local += value` (which `appends`) and `local ??= value`.
            var assignments: [(local: String, value: Range<Int>, appends: Bool)] = []
            /// A member of a local set or called with `value` (`list.Add(value)`), and the
            /// member called (nil for one set).
            var changes: [(local: String, value: Range<Int>, called: String?)] = []
            var returns: [Range<Int>] = []
        }

        func statements() -> Statements {
            var found = Statements()
            var index = body.lowerBound
            while index < body.upperBound {
                if let end = structure.literalEnd[index] {
                    index = end
                    continue
                }
                guard isIdentifier(text[index]), !isIdentifier(text[index - 1]), text[index - 1] != dot else {
                    index += 1
                    continue
                }
                let after = identifierEnd(text, from: index)
                let word = String(decoding: text[index..<after], as: UTF8.self)
                if word == "return" {
                    found.returns.append(after..<structure.statementEnd[after])
                    index = after
                    continue
                }
                var target = after
                // What is indexed or a member of the local is the local's.
                if target < text.count, text[target] == openBracket, let close = structure.close[target] { target = close + 1 }
                if target < text.count, text[target] == dot {
                    let memberEnd = identifierEnd(text, from: target + 1)
                    let member = String(decoding: text[(target + 1)..<memberEnd], as: UTF8.self)
                    if memberEnd < text.count, text[memberEnd] == openParenthesis, !oneWayCalls.contains(member), let close = structure.close[memberEnd] {
                        found.changes.append((word, (memberEnd + 1)..<close, member))
                    } else if memberEnd + 1 < text.count, text[memberEnd] == equals, text[memberEnd + 1] != equals {
                        found.changes.append((word, (memberEnd + 1)..<structure.statementEnd[memberEnd + 1], nil))
                    }
                }
                // '=', '+=' or '??=', not '==' or '=>'.
                let width: Int
                if starts(text, at: target, with: "??=") { width = 3 } else if starts(text, at: target, with: "+=") { width = 2 } else if target < text.count,
                    text[target] == equals, !starts(text, at: target, with: "=="), !starts(text, at: target, with: "=>")
                {
                    width = 1
                } else {
                    width = 0
                }
                if width > 0 {
                    let value = (target + width)..<structure.statementEnd[target + width]
                    if target == after { found.assignments.append((word, value, width == 2)) } else { found.changes.append((word, value, nil)) }
                }
                index = after
            }
            return found
        }

        /// With `typedReads`, as ``ExpressionFlow/sources(of:typedReads:)`` (a block lost
        /// it: `@{ return …GetValueOrDefault<IResponse>("r").Body…; }` passed, audit V51).
        func sources(typedReads: Bool) -> [Source] {
            // Loops, patterns, lambdas and local functions: everything read is carried.
            guard isFollowed else { return scan(text, structure, in: body, reading: .lenient, typedReads: typedReads).sources }
            let statements = statements()
            let assignments = statements.assignments.map { (local: $0.local, value: $0.value) }
            let changes = statements.changes.map { (local: $0.local, value: $0.value) }
            let returns = statements.returns
            let declared = Set(assignments.map(\.local))
            // Each value read once: its sources, and the locals it is given.
            var own: [String: Set<Source>] = [:]
            var givers: [String: [PassedName]] = [:]
            for (local, value) in assignments + changes.filter({ declared.contains($0.local) }) {
                let found = scan(text, structure, in: value, namesWanted: true, typedReads: typedReads)
                own[local, default: []].formUnion(found.sources)
                for given in found.names where declared.contains(given.name) && given.name != local { givers[local, default: []].append(given) }
            }
            // What is returned holds what the locals it reads hold, and what those were
            // given, back along the edges: each local's sources are taken once whole and
            // once cut, so a chain of locals each given the one before costs its length,
            // not its square. A path cut on the way is a part of it (`var h = p.Substring(1)`).
            var result: [Source] = []
            var taken = Set<PassedName>()
            for value in returns {
                let found = scan(text, structure, in: value, namesWanted: true, typedReads: typedReads)
                result += found.sources
                var pending = found.names
                while let passed = pending.popLast() {
                    guard taken.insert(passed).inserted else { continue }
                    result += (own[passed.name] ?? []).map { passed.cut && $0 == .requestPath ? .requestPathPart : $0 }
                    pending += (givers[passed.name] ?? []).map { PassedName(name: $0.name, cut: passed.cut || $0.cut) }
                }
            }
            return result
        }

        /// The code of each value the block may return, as an expression of its own
        /// (`@(…)`): what a `return` gives or, where it returns a local whole, each value the
        /// local is set to (`+=` keeps its start). Nil where the block is not followed.
        func returnedValues() -> [String]? {
            guard isFollowed else { return nil }
            let statements = statements()
            func code(_ range: Range<Int>) -> String { "@(" + String(decoding: text[range], as: UTF8.self) + ")" }
            var values: [String] = []
            // Each local's values are taken once, however often it is returned: a block of
            // many assignments and as many returns of one local was read in their product
            // (found by the audit of the change).
            var assigned: [String: [Range<Int>]] = [:]
            for assignment in statements.assignments where !assignment.appends { assigned[assignment.local, default: []].append(assignment.value) }
            let declared = Set(statements.assignments.map(\.local))
            var returnedLocals = Set<String>()
            for returned in statements.returns {
                // `return x` keeps a space between the two words.
                let value = returned.drop { text[$0] == space }
                let name = String(decoding: text[value], as: UTF8.self)
                if !value.isEmpty, identifierEnd(text, from: value.lowerBound) == value.upperBound, declared.contains(name) {
                    if returnedLocals.insert(name).inserted { values += (assigned[name] ?? []).map(code) }
                } else {
                    values.append(code(value))
                }
            }
            return values
        }

        /// Members that change nothing of what they are called on, whatever its type
        /// (`Remove`, `Reverse` and `Insert` change a list; `Append` a builder).
        static let unchanging: Set<String> = [
            "Split", "Substring", "Replace", "ToLower", "ToLowerInvariant", "ToUpper", "ToUpperInvariant", "Trim", "TrimStart", "TrimEnd",
            "StartsWith", "EndsWith", "Contains", "IndexOf", "LastIndexOf", "Equals", "ToString", "AsJwt", "PadLeft", "PadRight",
            "GetValueOrDefault", "Normalize", "ToCharArray", "First", "FirstOrDefault", "Last", "LastOrDefault", "Skip", "Take", "Select",
            "Where", "Any", "All", "Count", "ContainsKey", "GetHashCode", "CompareTo", "ElementAt", "ToArray", "ToList", "Aggregate",
        ]

        /// Whether the block tests a value against a pattern (`x is string s`), which may
        /// bind it to a new name: `is` standing as a word.
        private func matchesAPattern(in body: Range<Int>) -> Bool {
            var index = body.lowerBound
            while index + 2 < body.upperBound {
                if text[index] == UInt8(ascii: "i"), text[index + 1] == UInt8(ascii: "s"), !isIdentifier(text[index + 2]),
                    index == 0 || !isIdentifier(text[index - 1]), structure.isCode(at: index)
                {
                    return true
                }
                index += 1
            }
            return false
        }

        /// Whether the block declares a local function: a name and parameters followed by
        /// a body, the name not a statement's keyword.
        private func declaresAFunction() -> Bool {
            let keywords: Set<String> = ["if", "while", "for", "foreach", "switch", "catch", "using", "lock", "fixed", "else"]
            for (open, close) in structure.close.pairs where text[open] == openParenthesis && close + 1 < text.count && text[close + 1] == openBrace {
                var first = open
                while first > 0, isIdentifier(text[first - 1]) { first -= 1 }
                if first < open, !keywords.contains(String(decoding: text[first..<open], as: UTF8.self)) { return true }
            }
            return false
        }
    }

    // MARK: - Structure

    /// Where literals end, which bracket closes which, where each statement ends, and
    /// which parts of each bracket level (between `,` `;` `?` `:`) hold a test: found in
    /// one pass forward and one back.
    private struct Structure {
        /// By the index a literal starts at: just past its closing quote.
        var literalEnd: IndexMap
        /// By an opening bracket's index: its closing bracket's.
        var close: IndexMap
        /// By a closing bracket's index: its opening bracket's.
        var open: IndexMap
        /// For each index: the `;` (or closing bracket, or end) that ends its statement.
        var statementEnd: [Int]
        private var partOf: [Int32]
        private var tested: [Bool] = [false]
        private var inLiteral: [Bool]

        init(_ text: [UInt8]) {
            literalEnd = IndexMap(count: text.count)
            close = IndexMap(count: text.count)
            open = IndexMap(count: text.count)
            partOf = Array(repeating: 0, count: text.count + 1)
            inLiteral = Array(repeating: false, count: text.count + 1)
            statementEnd = Array(repeating: text.count, count: text.count + 1)
            var enclosing = Array(repeating: -1, count: text.count + 1)
            var stack: [(open: Int, part: Int32)] = []
            var part: Int32 = 0
            var index = 0
            while index < text.count {
                if let end = ExpressionFlow.literalEnd(text, from: index) {
                    literalEnd[index] = end
                    for inner in index..<end {
                        partOf[inner] = part
                        enclosing[inner] = stack.last?.open ?? -1
                        inLiteral[inner] = true
                    }
                    index = end
                    continue
                }
                let byte = text[index]
                partOf[index] = part
                enclosing[index] = stack.last?.open ?? -1
                if isOpening(byte) {
                    stack.append((index, part))
                    tested.append(false)
                    part = Int32(tested.count - 1)
                } else if isClosing(byte) {
                    if let (opening, outer) = stack.popLast() {
                        close[opening] = index
                        open[index] = opening
                        part = outer
                    }
                    partOf[index] = part
                    enclosing[index] = stack.last?.open ?? -1
                } else if byte == comma || byte == semicolon || byte == colon
                    || (byte == question && !(index + 1 < text.count && (text[index + 1] == dot || text[index + 1] == openBracket)))
                {
                    tested.append(false)
                    part = Int32(tested.count - 1)
                } else if index + 1 < text.count, Self.isTest(byte, text[index + 1]) {
                    tested[Int(part)] = true
                    index += 2
                    continue
                }
                index += 1
            }
            // Back: the next ';' of each level (by its opening bracket, the top last), else
            // where the level closes.
            var next = IndexMap(count: text.count + 1)
            var scan = text.count - 1
            while scan >= 0 {
                let level = enclosing[scan]
                let slot = level >= 0 ? level : text.count
                if text[scan] == semicolon, !inLiteral[scan] { next[slot] = scan }
                statementEnd[scan] = next[slot] ?? (level >= 0 ? close[level] ?? text.count : text.count)
                scan -= 1
            }
        }

        /// A partner index for some indices of a text, as a dictionary would keep it but in
        /// one array: a structure is made for every expression read, and hashing each index
        /// cost more than the reading.
        struct IndexMap {
            private var partners: [Int32]

            init(count: Int) { partners = Array(repeating: -1, count: count) }

            subscript(index: Int) -> Int? {
                get {
                    guard index >= 0, index < partners.count, partners[index] >= 0 else { return nil }
                    return Int(partners[index])
                }
                set { partners[index] = Int32(newValue ?? -1) }
            }

            /// The indices that have a partner, in order, each with it.
            var pairs: [(index: Int, partner: Int)] {
                partners.indices.compactMap { index in partners[index] >= 0 ? (index, Int(partners[index])) : nil }
            }
        }

        private static func isTest(_ first: UInt8, _ second: UInt8) -> Bool {
            switch (first, second) {
            case (equals, equals), (bang, equals), (lessThan, equals), (greater, equals), (ampersand, ampersand), (bar, bar): true
            default: false
            }
        }

        /// Whether `index` stands outside literals.
        func isCode(at index: Int) -> Bool { !inLiteral[index] }

        /// Whether the part of its level that holds `index` holds a test.
        func partHasTest(at index: Int) -> Bool { tested[Int(partOf[index])] }
    }

    // MARK: - Bytes

    private static let at = UInt8(ascii: "@"), dollar = UInt8(ascii: "$"), quote = UInt8(ascii: "\""), apostrophe = UInt8(ascii: "'")
    private static let backslash = UInt8(ascii: "\\"), dot = UInt8(ascii: "."), comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    private static let semicolon = UInt8(ascii: ";"), question = UInt8(ascii: "?"), bang = UInt8(ascii: "!"), equals = UInt8(ascii: "=")
    private static let lessThan = UInt8(ascii: "<"), greater = UInt8(ascii: ">"), ampersand = UInt8(ascii: "&"), bar = UInt8(ascii: "|")
    private static let openParenthesis = UInt8(ascii: "("), closeParenthesis = UInt8(ascii: ")"), openBracket = UInt8(ascii: "[")
    private static let closeBracket = UInt8(ascii: "]"), openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*"), space = UInt8(ascii: " "), plus = UInt8(ascii: "+")

    private static func isOpening(_ byte: UInt8) -> Bool { byte == openParenthesis || byte == openBracket || byte == openBrace }
    private static func isClosing(_ byte: UInt8) -> Bool { byte == closeParenthesis || byte == closeBracket || byte == closeBrace }

    /// The character a `\uXXXX` or `\UXXXXXXXX` escape at `index` stands for, and where
    /// the escape ends; nil when none starts there.
    private static func escapedScalar(_ text: [UInt8], at index: Int) -> (Unicode.Scalar, end: Int)? {
        guard index + 1 < text.count, text[index] == backslash else { return nil }
        let digits = switch text[index + 1] {
        case UInt8(ascii: "u"): 4
        case UInt8(ascii: "U"): 8
        default: 0
        }
        let end = index + 2 + digits
        guard digits > 0, end <= text.count else { return nil }
        var value: UInt32 = 0
        for byte in text[(index + 2)..<end] {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return Unicode.Scalar(value).map { ($0, end) }
    }

    /// Letters, digits, `_`, and every byte of a non-ASCII character.
    private static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte >= 0x80
    }

    private static func identifierEnd(_ text: [UInt8], from start: Int) -> Int {
        var end = start
        while end < text.count, isIdentifier(text[end]) { end += 1 }
        return end
    }

    private static func starts(_ text: [UInt8], at index: Int, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= text.count else { return false }
        return (0..<count).allSatisfy { text[index + $0] == prefix.utf8Start[$0] }
    }

    private static func contains(_ text: ArraySlice<UInt8>, _ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard count > 0, text.count >= count else { return false }
        let first = needle.utf8Start[0]
        var index = text.startIndex
        while index <= text.endIndex - count {
            if text[index] == first, (1..<count).allSatisfy({ text[index + $0] == needle.utf8Start[$0] }) { return true }
            index += 1
        }
        return false
    }

    /// Where the string or character literal starting at `start` ends (just past its
    /// closing quote, or at the end of the text), or nil when none starts there. Regular,
    /// verbatim (`@"..."`, `""` for a quote) and interpolated (`$"...{hole}..."`) strings,
    /// raw strings (`"""..."""`) read as regular ones.
    /// The strings nested in holes are followed on a stack of their own, not by calling
    /// this again: a hostile expression nests thousands.
    static func literalEnd(_ text: [UInt8], from start: Int) -> Int? {
        guard start < text.count else { return nil }
        if text[start] == apostrophe { return characterEnd(text, from: start) }
        guard let first = stringStart(text, at: start) else { return nil }
        var open = [first.string]
        var index = first.next
        while index < text.count {
            let byte = text[index]
            let innermost = open.count - 1
            guard open[innermost].holes > 0 else {
                // The string's own text.
                if !open[innermost].verbatim, byte == backslash {
                    index += 2
                } else if byte == quote, open[innermost].verbatim, index + 1 < text.count, text[index + 1] == quote {
                    index += 2
                } else if byte == quote {
                    open.removeLast()
                    if open.isEmpty { return index + 1 }
                    index += 1
                } else if byte == openBrace, open[innermost].interpolated {
                    if index + 1 < text.count, text[index + 1] == openBrace { index += 1 } else { open[innermost].holes = 1 }
                    index += 1
                } else {
                    index += 1
                }
                continue
            }
            // A hole's code, whose comments, strings and characters have their own ends.
            if let end = commentEnd(text, at: index) {
                index = end
            } else if byte == apostrophe {
                index = characterEnd(text, from: index)
            } else if let inner = stringStart(text, at: index) {
                open.append(inner.string)
                index = inner.next
            } else {
                if byte == openBrace { open[innermost].holes += 1 } else if byte == closeBrace { open[innermost].holes -= 1 }
                index += 1
            }
        }
        return text.count
    }

    /// A string being read by ``literalEnd(_:from:)``.
    private struct OpenString {
        var verbatim: Bool
        var interpolated: Bool
        /// Braces open in its holes: its text is read where there are none.
        var holes = 0
    }

    /// The string whose prefix (`@`, `$`, both) and quote are at `index`, and where its
    /// text starts.
    private static func stringStart(_ text: [UInt8], at index: Int) -> (string: OpenString, next: Int)? {
        var string = OpenString(verbatim: false, interpolated: false)
        var next = index
        while next < text.count, next - index < 2, text[next] == at || text[next] == dollar {
            if text[next] == at { string.verbatim = true } else { string.interpolated = true }
            next += 1
        }
        guard next < text.count, text[next] == quote else { return nil }
        return (string, next + 1)
    }

    /// Whether `text` is a URI's scheme: a letter, then letters, digits, `+`, `-` or `.`.
    private static func isScheme(_ text: Substring.UTF8View) -> Bool {
        let letter = { (byte: UInt8) in (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        guard let first = text.first, letter(first) else { return false }
        return text.allSatisfy { letter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == dot }
    }

    /// Just past the comment (`/* … */`, `// …` to the line's end) at `index`, or nil when
    /// none starts there: a hole's comment may hold quotes and brackets (an audit found
    /// `{header /* the caller's */}` hiding what the hole reads).
    static func commentEnd(_ text: [UInt8], at index: Int) -> Int? {
        guard text[index] == slash, index + 1 < text.count, text[index + 1] == slash || text[index + 1] == star else { return nil }
        var end = index + 2
        if text[index + 1] == star {
            while end < text.count, !(text[end] == star && end + 1 < text.count && text[end + 1] == slash) { end += 1 }
            return min(end + 2, text.count)
        }
        while end < text.count, text[end] != 0x0A { end += 1 }
        return end
    }

    /// Just past the character literal at `start`, or the end of the text.
    private static func characterEnd(_ text: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < text.count {
            if text[index] == backslash {
                index += 2
                continue
            }
            if text[index] == apostrophe { return index + 1 }
            index += 1
        }
        return text.count
    }

    /// `text` without comments and white space outside literals (one space kept between
    /// two identifiers: `new string`, `as string`), its `\uXXXX` and `\UXXXXXXXX` escapes
    /// outside literals read and the `@` before a name dropped (C# allows both in names:
    /// `Guid.New\U00000047uid()` and `context.@RequestId` are `Guid.NewGuid()` and
    /// `context.RequestId`; an audit found them read as other names).
    static func compacted(_ text: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var index = 0
        var spaced = false
        func separate(before byte: UInt8) {
            if spaced, isIdentifier(byte), let last = result.last, isIdentifier(last) { result.append(space) }
            spaced = false
        }
        while index < text.count {
            if let end = literalEnd(text, from: index) {
                separate(before: text[index])
                result += text[index..<min(end, text.count)]
                index = end
                continue
            }
            let byte = text[index]
            if byte == slash, index + 1 < text.count, text[index + 1] == slash || text[index + 1] == star {
                let block = text[index + 1] == star
                index += 2
                while index < text.count, block ? !(text[index] == star && index + 1 < text.count && text[index + 1] == slash) : text[index] != 0x0A { index += 1 }
                index += block ? 2 : 0
                spaced = true
                continue
            }
            if let (scalar, end) = escapedScalar(text, at: index) {
                let bytes = Array(String(Character(scalar)).utf8)
                separate(before: bytes[0])
                result += bytes
                index = end
                continue
            }
            // A verbatim name (`@Guid`, `@class`): its `@` is no part of it, but keeps it apart.
            if byte == at, index + 1 < text.count, isIdentifier(text[index + 1]) || escapedScalar(text, at: index + 1) != nil {
                spaced = true
                index += 1
                continue
            }
            if byte == space || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                spaced = true
            } else {
                separate(before: byte)
                result.append(byte)
            }
            index += 1
        }
        return result
    }
}

/// Policy code as the checker reads it, for `diff`'s comparisons.
public enum PolicyCode {
    /// `written` with two spellings of one value made one (``ExpressionFlow/normalized(_:)``).
    public static func normalized(_ written: String) -> String { ExpressionFlow.normalized(written) }

    /// The variables `code` reads by name, tests and casts included: what a condition
    /// decides by. Nil when it may read any.
    public static func variablesDecidingBy(_ code: String) -> Set<String>? {
        guard code.mayReadAVariable else { return [] }
        var names = Set<String>()
        for read in ExpressionFlow.reads(of: code) {
            switch read {
            case .variable(let name): names.insert(name)
            case .allVariables: return nil
            default: continue
            }
        }
        return names
    }
}

extension PolicyXMLValue {
    /// The policy variables this expression reads, by name, as the secret walk reads them
    /// (interpolations, comments, escapes, typed reads); nil when it may read any (a name
    /// not written out, `Variables` passed whole). `diff` follows secrets through them.
    public var variablesRead: Set<String>? {
        guard isExpression else { return [] }
        var names = Set<String>()
        for source in ExpressionFlow.sources(of: resolved, typedReads: true) {
            switch source {
            case .variable(let name): names.insert(name)
            case .allVariables: return nil
            default: continue
            }
        }
        return names
    }
}
