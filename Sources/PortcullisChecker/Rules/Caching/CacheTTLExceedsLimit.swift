import PortcullisDiagnostics
import PortcullisModel

/// CA002: a cache TTL beyond the organisation's guardrail.
public enum CacheTTLExceedsLimit: Rule {
    public static let code = DiagnosticCode(
        "CA002", "cache-ttl-exceeds-limit", .error,
        summary: "a cache 'ttl', or a raw 'cache-store' duration, above 'guardrails.maxCacheTtl' for its sharing")

    public static let description = RuleDescription(
        code,
        rationale: """
            The longer a response is cached, the longer clients see stale data and the longer a \
            wrong response keeps being served after a fix. The gateway's guardrails set how long \
            the organisation accepts, separately for shared and per-user caches.
            """,
        fix: "Lower the 'ttl', or raise the guardrail in the gateway if the organisation agrees.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: ↓10m}
                """),
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    policy: |
                      <policies>
                        <inbound>
                          <base />
                          <cache-lookup vary-by-developer="true" vary-by-developer-groups="false" />
                        </inbound>
                        <outbound>
                          <base />
                          <cache-store duration="↓3600" />
                        </outbound>
                      </policies>
                """),
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
        guard let guardrails = context.guardrails else { return }
        for route in context.cachingRoutes {
            guard let cache = route.written.cache, let sharing = route.cacheSharing else { continue }
            let (limit, setting, name) =
                sharing == .shared
                ? (guardrails.effectiveMaxSharedCacheTtl, guardrails.maxSharedCacheTtl, "shared")
                : (guardrails.effectiveMaxPerUserCacheTtl, guardrails.maxPerUserCacheTtl, "perUser")
            guard cache.ttl.value > limit else { continue }
            let notes =
                setting.map { [Diagnostic.Note("'guardrails.maxCacheTtl.\(name)' is set here", at: $0.range)] }
                ?? [Diagnostic.Note("the default limit for \(sharing.rawValue) caches is \(DurationText.format(limit))", at: cache.ttl.range)]
            findings.report(
                code,
                "route '\(route.written.id.value)' caches for \(DurationText.format(cache.ttl.value)), longer than the \(sharing.rawValue) limit of \(DurationText.format(limit))",
                at: cache.ttl.range, notes: notes)
        }
        for scope in context.rawScopes {
            // A store is as shared as the lookups of its document.
            let perCaller = scope.elements(named: ["cache-lookup"]).contains { scope.variesByCaller($0, fragments: context.rawEnforcement.fragments) }
            let (limit, name) =
                perCaller ? (guardrails.effectiveMaxPerUserCacheTtl, "per-user") : (guardrails.effectiveMaxSharedCacheTtl, "shared")
            for store in scope.elements(named: ["cache-store"]) {
                guard let duration = scope.duration(of: store, context.namedValues), duration.seconds > limit else { continue }
                findings.report(
                    code,
                    "raw 'cache-store' in \(scope.owner) caches for \(DurationText.format(duration.seconds)), longer than the \(name) limit of \(DurationText.format(limit))",
                    at: duration.range, notes: duration.notes)
            }
        }
    }
}
