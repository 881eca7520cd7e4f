import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// RL003: a limit looser than the organisation allows.
public enum RateLimitExceedsGuardrail: Rule {
    public static let code = DiagnosticCode(
        "RL003", "rate-limit-exceeds-guardrail", .error,
        summary:
            "a rate limit, or a raw 'rate-limit-by-key' or 'rate-limit', allowing more calls per second than 'guardrails.maxRateLimit', or a raw one whose budget or window is not known before it runs")

    public static let description = RuleDescription(
        code,
        rationale: """
            'guardrails.maxRateLimit' is the most any single client may send, sized to what \
            backends and budgets can take. A limit above it defeats the guardrail for every \
            route that uses it. A raw limit whose 'calls' or 'renewal-period' an expression \
            computes, or a secret gives, may allow anything ('@(int.MaxValue)'): it cannot be \
            held to the guardrail.
            """,
        fix: "Lower 'calls' or lengthen 'per' until the rate is within the guardrail; in raw XML, write both as numbers, or named values whose values are known.",
        triggering: [
            example(routeLimit: "{calls: ↓100, per: 1s}"),
            example(routeLimit: "none", rawLimit: #"<rate-limit-by-key calls="↓100000" renewal-period="1" counter-key="@(context.Subscription.Id)" />"#),
            // The largest budget a choice may give.
            example(
                routeLimit: "none",
                rawLimit: #"<rate-limit-by-key calls="↓@(context.Subscription.Name == &quot;premium&quot; ? 100000 : 100)" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#),
            // A budget computed as each request runs may be anything.
            example(routeLimit: "none", rawLimit: #"<rate-limit-by-key calls="↓@(int.MaxValue)" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#),
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
        // found by the audit of the thirty-eighth round). One an expression computes, or a
        // secret gives, may be anything (`@(int.MaxValue)` passed: an audit).
        let values = context.namedValues
        let guardrail = Diagnostic.Note("'guardrails.maxRateLimit' is set here", at: maximum.range)
        for scope in context.rawScopes {
            for limit in scope.elements(named: rawLimits) {
                if let calls = scope.writtenNumbers("calls", of: limit, values),
                    let period = scope.writtenNumbers("renewal-period", of: limit, values),
                    let (count, seconds) = Self.loosest(calls, period),
                    count.multipliedFullWidth(by: maximum.per.value) > maximum.calls.value.multipliedFullWidth(by: seconds)
                {
                    let chosen = calls.numbers.count > 1 || period.numbers.count > 1
                    findings.report(
                        code,
                        "raw '\(limit.name)' in \(scope.owner) \(chosen ? "may allow" : "allows") \(calls.numbers.count > 1 ? String(count) : calls.text) calls per \(DurationText.format(seconds)), more than the guardrail of \(allowed)",
                        at: calls.range, notes: [guardrail] + calls.notes)
                    continue
                }
                for attribute in ["calls", "renewal-period"] {
                    guard let unknown = scope.unknownNumber(attribute, of: limit, values) else { continue }
                    findings.report(
                        code,
                        "the '\(attribute)' of raw '\(limit.name)' in \(scope.owner) \(unknown.reason), so it cannot be held to the guardrail of \(allowed)",
                        at: unknown.range,
                        notes: [Diagnostic.Note("write '\(attribute)' as a number, or a named value whose value is known", at: unknown.range), guardrail] + unknown.notes)
                }
            }
        }
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
