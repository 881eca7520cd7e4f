import PortcullisDiagnostics
import PortcullisModel

/// RL002: a window APIM does not accept.
public enum RateLimitWindowOutOfRange: Rule {
    public static let code = DiagnosticCode(
        "RL002", "rate-limit-window-out-of-range", .error,
        summary: "a rate-limit window outside 1s to 300s, or a quota window under 300s, in definitions or a raw limit's 'renewal-period'")

    public static let description = RuleDescription(
        code,
        rationale: """
            APIM's rate-limit policies accept renewal periods of at most 300 seconds, and quotas \
            are meant for longer periods; a definition outside those ranges cannot be deployed, or \
            does not limit what its author thinks it limits. A raw 'rate-limit-by-key' or \
            'rate-limit' is held to the same 300 seconds, and a raw 'quota-by-key' to its \
            minimum of 300 (0, a period that never renews, aside).
            """,
        fix: "Express long windows as a quota ('quota: {calls: N, per: 1d}') and keep rate-limit windows between 1s and 5m.",
        triggering: [
            RuleExample.api(
                fields: """
                rateLimit: {calls: 1000, per: ↓1h}
                quota: {calls: 100, per: ↓1m}
                """,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
            RuleExample.api(
                rawInbound: """
                    <rate-limit-by-key calls="1000" renewal-period="↓600" counter-key="@(context.Subscription.Id)" />
                    <quota-by-key calls="100" renewal-period="↓60" counter-key="@(context.Subscription.Id)" />
                    """,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
        ],
        nonTriggering: [
            RuleExample.api(
                fields: """
                rateLimit: {calls: 100, per: 5m}
                quota: {calls: 10000, per: 1d}
                """,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
            // A quota that never renews.
            RuleExample.api(
                rawInbound: """
                    <rate-limit-by-key calls="100" renewal-period="300" counter-key="@(context.Subscription.Id)" />
                    <quota-by-key calls="100000" renewal-period="0" counter-key="@(context.Subscription.Id)" />
                    """,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
        ])

    /// The raw limits whose window RL002 judges, each a rate limit (at most 300 seconds) or
    /// not (a quota, at least 300). A raw 'quota' is not among them: Microsoft's page gives
    /// its 'renewal-period' no minimum.
    private static let rawLimits: [String: LimitDeclaration.Kind] = ["rate-limit-by-key": .rateLimit, "rate-limit": .rateLimit, "quota-by-key": .quota]

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        LimitDeclaration.forEach(in: context.project) { declaration in
            let per = declaration.limit.per
            switch declaration.kind {
            case .rateLimit where per.value > 300:
                findings.report(
                    code, "the rate-limit window of \(declaration.ownerName(in: context.project)) is \(DurationText.format(per.value)), outside 1s to 5m",
                    at: per.range)
            case .quota where per.value < 300:
                findings.report(
                    code, "the quota window of \(declaration.ownerName(in: context.project)) is \(DurationText.format(per.value)), shorter than 5m",
                    at: per.range)
            default:
                return
            }
        }
        // Raw limits whose window is written out, given by named values, or chosen among
        // numbers written out (read as RL003 reads them); one an expression computes is not
        // judged. Each once, in a file many routes name too.
        let names = Set(rawLimits.keys)
        var reported = Set<SourceRange>()
        for scope in context.rawScopes {
            for limit in scope.elements(named: names) {
                guard let kind = rawLimits[limit.name], let period = scope.writtenNumbers("renewal-period", of: limit, context.namedValues),
                    reported.insert(period.range).inserted
                else { continue }
                let seconds = period.numbers.compactMap { $0 }
                let may = period.numbers.count > 1 ? "may be" : "is"
                let owner = "raw '\(limit.name)' in \(scope.owner)"
                if kind == .rateLimit, let longest = seconds.max(), longest > 300 {
                    findings.report(
                        code, "the rate-limit window of \(owner) \(may) \(DurationText.format(longest)), outside 1s to 5m", at: period.range, notes: period.notes)
                } else if kind == .rateLimit, let shortest = seconds.min(), shortest < 1, scope.literal("renewal-period", of: limit)?.text.holds("{{") != false {
                    // What PX005 refuses written out, given by a named value or an expression
                    // (audit V78: a window of 0 limited nothing and passed).
                    findings.report(
                        code, "the rate-limit window of \(owner) \(may) \(shortest) seconds, outside 1s to 5m", at: period.range, notes: period.notes)
                } else if kind == .quota, let shortest = seconds.filter({ $0 > 0 }).min(), shortest < 300 {
                    findings.report(
                        code, "the quota window of \(owner) \(may) \(DurationText.format(shortest)), shorter than 5m", at: period.range, notes: period.notes)
                }
            }
        }
    }
}
