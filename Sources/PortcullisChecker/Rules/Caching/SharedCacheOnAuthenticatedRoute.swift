import PortcullisDiagnostics
import PortcullisModel

/// CA001: one user's response served to another.
public enum SharedCacheOnAuthenticatedRoute: Rule {
    public static let code = DiagnosticCode(
        "CA001", "shared-cache-on-authenticated-route", .error,
        summary: "an authenticated route whose cache is 'sharing: shared'")

    public static let description = RuleDescription(
        code,
        rationale: """
            A route that checks tokens usually answers differently per caller. With a shared \
            cache, the first caller's response is served to everyone who asks the same URL \
            within the TTL: another user's orders, profile or documents.
            """,
        fix: "Use 'sharing: per-user' (the default on authenticated routes), which keys the cache on the token's subject.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s, sharing: ↓shared}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.routes where route.isAuthenticated {
            guard let sharing = route.written.cache?.sharing, sharing.value == .shared else { continue }
            findings.report(
                code, "route '\(route.written.id.value)' requires a token but shares its cached responses between callers",
                at: sharing.range)
        }
    }
}
