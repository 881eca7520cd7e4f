import PortcullisDiagnostics
import PortcullisModel

/// CA006: responses cached in APIM's own memory instead of Redis.
public enum CacheWithoutRedis: Rule {
    public static let code = DiagnosticCode(
        "CA006", "cache-without-redis", .warning,
        summary: "a route caches but the gateway declares no 'redis'")

    public static let description = RuleDescription(
        code,
        rationale: """
            Without an external cache, APIM keeps responses in its built-in cache: small, per \
            gateway unit, lost on restart and not shared between regions, so hit rates and \
            behaviour differ from what the definitions suggest.
            """,
        fix: "Declare 'redis' in the gateway, with its connection string in Key Vault.",
        triggering: [
            RuleExample.gateway(
                """
                scopes:
                  orders.read: {access: read}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    ↓cache: {ttl: 30s}
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
        // A 'redis' with errors is reported already; it does not mean there is none.
        guard let gateway = context.project.gateway, case .absent = gateway.redis else { return }
        // The Consumption tier has no built-in cache: CA010 says so.
        guard gateway.effectiveSku != .consumption else { return }
        for route in context.cachingRoutes {
            guard let cache = route.written.cache else { continue }
            findings.report(
                code, "route '\(route.written.id.value)' caches responses but the gateway declares no 'redis'",
                at: cache.keyRange, notes: [Diagnostic.Note("gateway '\(gateway.name.value)' is declared here", at: gateway.kindRange)])
        }
    }
}
