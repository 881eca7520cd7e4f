import PortcullisDiagnostics
import PortcullisModel

/// RL005: a route that escapes its API's budget.
public enum RouteLimitLooserThanAPI: Rule {
    public static let code = DiagnosticCode(
        "RL005", "route-limit-looser-than-api", .warning,
        summary: "a route's own rate limit allows more than the API limit it replaces, on the same key")

    public static let description = RuleDescription(
        code,
        rationale: """
            A route with its own limit leaves the API's shared budget and counts on its own \
            counter. When that limit is also looser, the route allows more than the API as a \
            whole, which is rarely intended and easy to miss in review.
            """,
        fix: "Make the route's limit at most as loose as the API's, or drop it to share the API's budget.",
        triggering: [
            RuleExample.api(
                fields: """
                rateLimit: {calls: 100, per: 60s, key: user}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    rateLimit: {calls: ↓50, per: 10s, key: user}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                fields: """
                rateLimit: {calls: 100, per: 60s, key: user}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    rateLimit: {calls: 10, per: 10s, key: user}
                  - id: search-orders
                    method: GET
                    path: /orders/search
                    scopes: [orders.read]
                    rateLimit: {calls: 50, per: 10s, key: ip}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        let defaults = context.defaults?.rateLimit
        for route in context.routes {
            guard case .limit(let own)? = route.written.rateLimit else { continue }
            // The API's limit is read in place: copying the whole API for each of thousands of
            // routes costs more than the check.
            let apiLimit = context.project.apis[route.apiIndex].rateLimit
            guard case .limit(let replaced)? = apiLimit ?? defaults, replaced.effectiveKey == own.effectiveKey,
                own.isLooser(thanCalls: replaced.calls.value, per: replaced.per.value)
            else { continue }
            let owner = apiLimit != nil ? "API '\(context.api(of: route).name.value)'" : "the gateway's 'defaults'"
            findings.report(
                code,
                "route '\(route.written.id.value)' allows \(own.calls.value) calls per \(DurationText.format(own.per.value)), more than the \(replaced.calls.value) per \(DurationText.format(replaced.per.value)) of \(owner) it replaces",
                at: own.calls.range, notes: [Diagnostic.Note("the limit of \(owner) is set here", at: replaced.range)])
        }
    }
}
