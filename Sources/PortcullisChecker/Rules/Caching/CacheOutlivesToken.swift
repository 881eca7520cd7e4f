import PortcullisDiagnostics
import PortcullisModel

/// CA005: a per-user response served after its token has expired.
public enum CacheOutlivesToken: Rule {
    public static let code = DiagnosticCode(
        "CA005", "cache-outlives-token", .warning,
        summary: "a per-user cache 'ttl' longer than the route's provider 'tokenLifetime'")

    public static let description = RuleDescription(
        code,
        rationale: """
            A per-user cache entry belongs to the token's subject. When it lives longer than \
            tokens do, responses keep being computed from a session that has ended, and access \
            that was withdrawn at the identity provider stays visible.
            """,
        fix: "Keep per-user cache TTLs shorter than the provider's 'tokenLifetime'.",
        triggering: [
            RuleExample.gateway(
                """
                    tokenLifetime: 2m
                scopes:
                  orders.read: {access: read}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: ↓5m}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 5m}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.cachingRoutes where route.cacheSharing == .perUser {
            guard let cache = route.written.cache, let provider = context.provider(of: route),
                cache.ttl.value > provider.effectiveTokenLifetime
            else { continue }
            let notes = provider.tokenLifetime.map { [Diagnostic.Note("'\(provider.name.value)' sets 'tokenLifetime' here", at: $0.range)] } ?? []
            findings.report(
                code,
                "route '\(route.written.id.value)' caches per-user responses for \(DurationText.format(cache.ttl.value)), longer than tokens from '\(provider.name.value)' live (\(DurationText.format(provider.effectiveTokenLifetime)))",
                at: cache.ttl.range, notes: notes)
        }
    }
}
