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

    /// A written whole number; one of more digits than `Int` holds is as large as it gets.
    private static func number(_ text: String) -> Int? {
        let written = text.trimmingWhitespace
        if let value = Int(written) { return value }
        let digits = written.hasPrefix("+") ? written.dropFirst() : Substring(written)
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) ? Int.max : nil
    }

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
        // known (APIM puts them in before the policy runs), or chosen among budgets written
        // out (`@(premium ? 100000 : 100)`: the largest with the shortest window, found by
        // the audit of the thirty-eighth round); one an expression computes is not judged.
        let values = context.namedValues
        for scope in context.rawScopes {
            for limit in scope.elements(named: rawLimits) {
                // Compared as fractions without overflow: the text may hold any number.
                guard let calls = Self.writtenNumbers("calls", of: limit, in: scope, values), let count = calls.numbers.max(),
                    let seconds = Self.writtenNumbers("renewal-period", of: limit, in: scope, values)?.numbers.filter({ $0 > 0 }).min(),
                    count > 0, count.multipliedFullWidth(by: maximum.per.value) > maximum.calls.value.multipliedFullWidth(by: seconds)
                else { continue }
                let allows = calls.chosen ? "may allow \(count)" : "allows \(calls.text)"
                findings.report(
                    code,
                    "raw '\(limit.name)' in \(scope.owner) \(allows) calls per \(DurationText.format(seconds)), more than the guardrail of \(allowed)",
                    at: calls.range, notes: [Diagnostic.Note("'guardrails.maxRateLimit' is set here", at: maximum.range)] + calls.notes)
            }
        }
    }

    /// The numbers `attribute` of `limit` may be, named values put in: its text's, or each
    /// one written out that an expression may give (``ExpressionFlow/possibleValues(of:)``),
    /// `chosen` then; values it computes are left out. Nil when none is known.
    private static func writtenNumbers(
        _ attribute: String, of limit: PolicyXMLElement, in scope: RawScope, _ values: KnownNamedValues
    ) -> (numbers: [Int], text: String, chosen: Bool, range: SourceRange, notes: [Diagnostic.Note])? {
        if let written = scope.resolved(attribute, of: limit, values) {
            return Self.number(written.text).map { ([$0], written.text.trimmingWhitespace, false, written.range, written.notes) }
        }
        guard let written = limit.attribute(attribute), written.value.isExpression, let code = values.resolved(written.value.resolved) else { return nil }
        let numbers = ExpressionFlow.possibleValues(of: code).compactMap { value in
            // `@(100)`, `@((100))`: the number alone, white space aside.
            let text = value.code.filter { !$0.isWhitespace && $0 != "(" && $0 != ")" }
            return text.hasPrefix("@") ? Self.number(String(text.dropFirst())) : nil
        }
        guard !numbers.isEmpty else { return nil }
        return (numbers, written.value.written, true, scope.document.range(written.valueSpan), values.notes(for: written.value.written))
    }
}
