import PortcullisDiagnostics
import PortcullisModel

/// CA007: a per-token cache key made of the raw token.
public enum CacheVariesOnAuthorizationHeader: Rule {
    public static let code = DiagnosticCode(
        "CA007", "cache-varies-on-authorization-header", .warning,
        summary: "'varyBy.headers' lists 'Authorization'")

    public static let description = RuleDescription(
        code,
        rationale: """
            Varying the cache on the Authorization header puts raw bearer tokens into cache keys, \
            where they end up in Redis and its diagnostics. It also caches per token rather than \
            per user, so every token refresh misses the cache.
            """,
        fix: "Remove 'Authorization' from 'varyBy.headers' and use 'sharing: per-user', which keys on the token's subject.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s, varyBy: {headers: [Accept, ↓authorization]}}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s, sharing: per-user, varyBy: {headers: [Accept]}}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.cachingRoutes {
            for header in route.written.cache?.varyByHeaders ?? [] where header.value.lowercased() == "authorization" {
                findings.report(
                    code, "route '\(route.written.id.value)' varies its cache on the raw 'Authorization' header", at: header.range)
            }
        }
    }
}
