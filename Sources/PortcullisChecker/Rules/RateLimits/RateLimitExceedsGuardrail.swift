import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// RL003: a limit looser than the organisation allows.
public enum RateLimitExceedsGuardrail: Rule {
    public static let code = DiagnosticCode(
        "RL003", "rate-limit-exceeds-guardrail", .error,
        summary: "a rate limit, or a raw 'rate-limit-by-key' or 'rate-limit', allowing more calls per second than 'guardrails.maxRateLimit'")

    public static let description = RuleDescription(
        code,
        rationale: """
            'guardrails.maxRateLimit' is the most any single client may send, sized to what \
            backends and budgets can take. A limit above it defeats the guardrail for every \
            route that uses it.
            """,
        fix: "Lower 'calls' or lengthen 'per' until the rate is within the guardrail.",
        triggering: [
            example(routeLimit: "{calls: ↓100, per: 1s}"),
            example(routeLimit: "none", rawLimit: #"<rate-limit-by-key calls="↓100000" renewal-period="1" counter-key="@(context.Subscription.Id)" />"#),
            // The largest budget a choice may give.
            example(
                routeLimit: "none",
                rawLimit: #"<rate-limit-by-key calls="↓@(context.Subscription.Name == &quot;premium&quot; ? 100000 : 100)" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#),
        ],
        nonTriggering: [example(routeLimit: "{calls: 1000, per: 60s}")])

    /// A guardrail of 1,000 calls a minute and a route limited by `routeLimit`, with
    /// `rawLimit` in its raw policy.
    private static func example(routeLimit: String, rawLimit: String? = nil) -> RuleExample {
        let policy = rawLimit.map { "    policy: |\n      <policies><inbound><base />\($0)</inbound></policies>\n" } ?? ""
        return RuleExample.gateway(
            """
            scopes:
              orders.read: {access: read}
            guardrails:
              maxRateLimit: {calls: 1000, per: 60s}
            """,
            routes: "  - id: list-orders\n    method: GET\n    path: /orders\n    scopes: [orders.read]\n    rateLimit: \(routeLimit)\n" + policy)
    }

    private static let rawLimits: Set<String> = ["rate-limit-by-key", "rate-limit"]

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard let maximum = context.guardrails?.maxRateLimit else { return }
        let allowed = "\(maximum.calls.value) calls per \(DurationText.format(maximum.per.value))"
        LimitDeclaration.forEach(in: context.project) { declaration in
            let limit = declaration.limit
            guard declaration.kind == .rateLimit, limit.isLooser(thanCalls: maximum.calls.value, per: maximum.per.value) else { return }
            findings.report(
                code,
                "the rate limit of \(declaration.ownerName(in: context.project)), \(limit.calls.value) calls per \(DurationText.format(limit.per.value)), exceeds the guardrail of \(allowed)",
                at: limit.calls.range, notes: [Diagnostic.Note("'guardrails.maxRateLimit' is set here", at: maximum.range)])
        }
        // Raw limits whose budget is written out, or given by named values whose values are
        // known (APIM puts them in before the policy runs), or chosen among numbers written
        // out (`@(premium ? 100000 : 100)`: the loosest budget and window a choice may give,
        // found by the audit of the thirty-eighth round); one an expression computes is not
        // judged.
        let values = context.namedValues
        for scope in context.rawScopes {
            for limit in scope.elements(named: rawLimits) {
                guard let calls = Self.writtenNumbers("calls", of: limit, in: scope, values),
                    let period = Self.writtenNumbers("renewal-period", of: limit, in: scope, values),
                    let (count, seconds) = Self.loosest(calls, period),
                    count.multipliedFullWidth(by: maximum.per.value) > maximum.calls.value.multipliedFullWidth(by: seconds)
                else { continue }
                let chosen = calls.numbers.count > 1 || period.numbers.count > 1
                findings.report(
                    code,
                    "raw '\(limit.name)' in \(scope.owner) \(chosen ? "may allow" : "allows") \(calls.numbers.count > 1 ? String(count) : calls.text) calls per \(DurationText.format(seconds)), more than the guardrail of \(allowed)",
                    at: calls.range, notes: [Diagnostic.Note("'guardrails.maxRateLimit' is set here", at: maximum.range)] + calls.notes)
            }
        }
    }

    /// The numbers an attribute of a raw limit may be, in the order of the values its
    /// expression may give (nil for one it computes), and how its expression is shaped.
    private struct WrittenNumbers {
        var numbers: [Int?]
        /// The budget as written, for messages.
        var text: String
        /// The expression's code with each number written out as `#`: two choices shaped
        /// alike (`@(gold ? 1000 : 10)`, `@(gold ? 60 : 1)`) choose together.
        var shape: [UInt8]
        var range: SourceRange
        var notes: [Diagnostic.Note]
    }

    /// The numbers `attribute` of `limit` may be, named values put in: its text's, or each
    /// one written out that an expression may give (``ExpressionFlow/possibleValues(of:)``).
    /// Nil when none is known.
    private static func writtenNumbers(_ attribute: String, of limit: PolicyXMLElement, in scope: RawScope, _ values: KnownNamedValues) -> WrittenNumbers? {
        if let written = scope.resolved(attribute, of: limit, values) {
            guard let number = plainNumber(written.text) else { return nil }
            return WrittenNumbers(numbers: [number], text: written.text.trimmingWhitespace, shape: [], range: written.range, notes: written.notes)
        }
        guard let written = limit.attribute(attribute), written.value.isExpression, let code = values.resolved(written.value.resolved) else { return nil }
        let numbers = ExpressionFlow.possibleValues(of: code).map { value in
            // `@(100)`, `@((100))`: the number alone, white space aside.
            let text = value.code.filter { !$0.isWhitespace && $0 != "(" && $0 != ")" }
            return text.hasPrefix("@") ? ExpressionFlow.integerLiteral(String(text.dropFirst())) : nil
        }
        guard let first = numbers.first(where: { $0 != nil }) ?? nil else { return nil }
        let text = numbers.count == 1 ? String(first) : written.value.written
        return WrittenNumbers(
            numbers: numbers, text: text, shape: shape(of: code), range: scope.document.range(written.valueSpan), notes: values.notes(for: written.value.written))
    }

    /// A whole number as APIM reads an attribute's text: digits, `+` before them at most;
    /// one of more digits than `Int` holds is as large as it gets.
    private static func plainNumber(_ text: String) -> Int? {
        let written = text.trimmingWhitespace
        if let value = Int(written) { return value }
        let digits = written.hasPrefix("+") ? written.dropFirst() : Substring(written)
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) ? Int.max : nil
    }

    /// `code` without white space, each number that a branch of a choice gives (written
    /// right after its `?` or `:`, a whole number alone up to the branch's end) as `#`;
    /// numbers in the tests, written strings and computed branches (`60 * 60`) stay as
    /// they are, so two choices shaped alike test the same.
    private static func shape(of code: String) -> [UInt8] {
        let text = Array(code.utf8.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
        var shape: [UInt8] = []
        var index = 0
        var quoted = false
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\""), index == 0 || text[index - 1] != UInt8(ascii: "\\") { quoted.toggle() }
            if !quoted, byte == UInt8(ascii: "?") || byte == UInt8(ascii: ":"), index + 1 < text.count, text[index + 1] >= 0x30, text[index + 1] <= 0x39 {
                var end = index + 1
                while end < text.count, text[end] != UInt8(ascii: ":"), text[end] != UInt8(ascii: ")"), text[end] != UInt8(ascii: "?") { end += 1 }
                if end == text.count || text[end] != UInt8(ascii: "?"),
                    ExpressionFlow.integerLiteral(String(decoding: text[(index + 1)..<end], as: UTF8.self)) != nil
                {
                    shape += [byte, UInt8(ascii: "#")]
                    index = end
                    continue
                }
            }
            shape.append(byte)
            index += 1
        }
        return shape
    }

    /// The loosest budget and window a limit may have: the pairs of branches where the two
    /// are choices shaped alike (the same tests, numbers apart), else the largest budget
    /// with the shortest window.
    /// Compared as fractions without overflow: the text may hold any number.
    private static func loosest(_ calls: WrittenNumbers, _ period: WrittenNumbers) -> (count: Int, seconds: Int)? {
        let pairs: [(Int?, Int?)] =
            calls.numbers.count > 1 && calls.shape == period.shape && calls.numbers.count == period.numbers.count
            ? Array(zip(calls.numbers, period.numbers))
            : [(calls.numbers.compactMap { $0 }.max(), period.numbers.compactMap { $0 }.filter { $0 > 0 }.min())]
        var loosest: (count: Int, seconds: Int)?
        for case let (count?, seconds?) in pairs where count > 0 && seconds > 0 {
            if let known = loosest, count.multipliedFullWidth(by: known.seconds) <= known.count.multipliedFullWidth(by: seconds) { continue }
            loosest = (count, seconds)
        }
        return loosest
    }
}
