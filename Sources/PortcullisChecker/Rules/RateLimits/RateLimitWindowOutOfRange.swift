import PortcullisDiagnostics
import PortcullisModel

/// RL002: a window APIM does not accept.
public enum RateLimitWindowOutOfRange: Rule {
    public static let code = DiagnosticCode(
        "RL002", "rate-limit-window-out-of-range", .error,
        summary: "a rate-limit window outside 1s to 300s, or a quota window under 300s")

    public static let description = RuleDescription(
        code,
        rationale: """
            APIM's rate-limit policies accept renewal periods of at most 300 seconds, and quotas \
            are meant for longer periods; a definition outside those ranges cannot be deployed, or \
            does not limit what its author thinks it limits.
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
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                fields: """
                rateLimit: {calls: 100, per: 5m}
                quota: {calls: 10000, per: 1d}
                """,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """)
        ])

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
    }
}
