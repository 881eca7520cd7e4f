import PortcullisDiagnostics
import PortcullisModel

/// CA008: a per-user cache where there is no user.
public enum PerUserCacheOnPublicRoute: Rule {
    public static let code = DiagnosticCode(
        "CA008", "per-user-cache-on-public-route", .error,
        summary: "'sharing: per-user' on a public route, which has no token to tell callers apart")

    public static let description = RuleDescription(
        code,
        rationale: """
            A per-user cache keeps one entry per caller, and a caller is named by its token. A \
            public route checks no token, so there is no caller to key on: the cache would either \
            be shared by everyone, which is not what the definition says, or never used. \
            Portcullis caches nothing rather than guess.
            """,
        fix: "Use 'sharing: shared' if every caller may see the same response, or require a token on the route.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    auth: none
                    public: The catalogue is public
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    cache: {ttl: 30s, sharing: ↓per-user}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    auth: none
                    public: The catalogue is public
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    cache: {ttl: 30s, sharing: shared}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.cachingRoutes where !route.isAuthenticated {
            guard let sharing = route.written.cache?.sharing, sharing.value == .perUser else { continue }
            findings.report(
                code, "public route '\(route.written.id.value)' asks for a per-user cache, but it checks no token to tell callers apart",
                at: sharing.range)
        }
    }
}
