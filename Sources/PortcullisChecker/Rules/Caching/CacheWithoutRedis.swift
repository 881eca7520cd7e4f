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
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Gateway
                name: example
                identityProviders:
                  entra:
                    type: jwt
                    issuer: https://login.example.com/v2.0
                    openidConfig: https://login.example.com/v2.0/.well-known/openid-configuration
                    audiences: [api://example]
                scopes:
                  orders.read: {access: read}
                defaults:
                  auth: entra
                  rateLimit: {calls: 100, per: 60s}
                ---
                apiVersion: portcullis/v1
                kind: API
                name: orders
                path: orders
                backend: https://orders.example.com
                routes:
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    ↓cache: {ttl: 30s}
                """)
        ],
        nonTriggering: [
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: API
                name: orders
                path: orders
                backend: https://orders.example.com
                routes:
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard let gateway = context.project.gateway, gateway.redis == nil else { return }
        for route in context.routes {
            guard let cache = route.route.cache else { continue }
            findings.report(
                code, "route '\(route.route.id.value)' caches responses but the gateway declares no 'redis'",
                at: cache.anchor, notes: [Diagnostic.Note("gateway '\(gateway.name.value)' is declared here", at: gateway.anchor)])
        }
    }
}
