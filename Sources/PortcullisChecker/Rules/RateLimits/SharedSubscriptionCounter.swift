import PortcullisDiagnostics
import PortcullisModel

/// RL007: a per-subscription limit that keyless callers share.
public enum SharedSubscriptionCounter: Rule {
    public static let code = DiagnosticCode(
        "RL007", "shared-subscription-counter", .warning,
        summary: "a 'subscription' limit key on a route that can be called without a subscription key")

    public static let description = RuleDescription(
        code,
        rationale: """
            A limit counted per subscription gives every subscription key its own budget. A route \
            that can be called without a key (its API says 'subscriptionRequired: false', or an \
            open product includes it) puts every keyless caller on one counter: one caller can \
            spend the budget of all the others.
            """,
        fix: "Count the limit by 'ip', 'user' or 'client' on such routes, or require subscription keys.",
        triggering: [
            RuleExample.api(
                "catalog",
                fields: """
                subscriptionRequired: false
                """,
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    scopes: [orders.read]
                    rateLimit: ↓{calls: 10, per: 1s, key: subscription}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                "catalog",
                fields: """
                subscriptionRequired: false
                """,
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    scopes: [orders.read]
                    rateLimit: {calls: 10, per: 1s, key: user}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        var reported = Set<SourceRange>()
        for (route, plan) in context.plannedRoutes {
            guard let keyless = plan.keylessAccess else { continue }
            for limit in plan.limits where limit.caller == .subscription && reported.insert(limit.range).inserted {
                let why: String
                switch keyless {
                case .api: why = "its API requires no subscription"
                case .openProduct(let name, _): why = "the open product '\(name)' includes its API"
                }
                findings.report(
                    code,
                    "route '\(route.written.id.value)' counts its \(limit.kind == .quota ? "quota" : "rate limit") by subscription, but \(why): keyless callers share one counter",
                    at: limit.range, notes: [Diagnostic.Note("callers need no subscription key because of this", at: keyless.range)])
            }
        }
    }
}
