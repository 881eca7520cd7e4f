import PortcullisDiagnostics
import PortcullisModel

/// CA010: a cache the tier does not have.
public enum CacheUnavailableOnTier: Rule {
    public static let code = DiagnosticCode(
        "CA010", "cache-unavailable-on-tier", .error,
        summary: "a route's cache, a used introspection provider's kept results or a raw cache statement on the 'Consumption' tier without 'redis': that tier has no built-in cache")

    public static let description = RuleDescription(
        code,
        rationale: """
            Without an external cache, the generated policies keep responses and introspection \
            results in APIM's built-in cache, which the Consumption tier does not have: a lookup \
            finds nothing and a store keeps nothing. A route's cache then never answers, and \
            every request with a token calls the identity provider.
            """,
        fix: "Declare 'redis' in the gateway, with its connection string in Key Vault, or remove the cache.",
        triggering: [
            RuleExample.gateway(
                """
                sku: Consumption
                scopes:
                  orders.read: {access: read}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    ↓cache: {ttl: 30s}
                """),
            RuleExample.gateway(
                """
                sku: Consumption
                scopes:
                  orders.read: {access: read}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    policy: |
                      <policies>
                        <outbound>
                          <base />
                          <↓llm-semantic-cache-store duration="60" />
                        </outbound>
                      </policies>
                """),
        ],
        nonTriggering: [
            RuleExample.gateway(
                """
                sku: Consumption
                scopes:
                  orders.read: {access: read}
                secrets:
                  redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis}
                redis:
                  connection: {secret: redis-connection}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s}
                """)
        ])

    /// The semantic caches keep completions in an external cache only, which that tier
    /// has no other of.
    private static let rawCaches: Set<String> = [
        "cache-lookup", "cache-store", "cache-lookup-value", "cache-store-value", "llm-semantic-cache-lookup", "llm-semantic-cache-store",
        "azure-openai-semantic-cache-lookup", "azure-openai-semantic-cache-store",
    ]

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        // A 'redis' with errors is reported already; it does not mean there is none.
        guard let gateway = context.project.gateway, gateway.effectiveSku == .consumption, case .absent = gateway.redis else { return }
        let tier = gateway.sku.map { [Diagnostic.Note("the gateway's tier is set here", at: $0.range)] } ?? []
        // Only providers some route checks tokens with.
        var used = Set<String>()
        for (_, plan) in context.plannedRoutes { if case .introspection? = plan.token?.method { used.insert(plan.token?.provider.name.value ?? "") } }
        for provider in gateway.identityProviders where !provider.hasErrors && used.contains(provider.name.value) {
            guard case .introspection(let details) = provider.details else { continue }
            findings.report(
                code,
                "introspection provider '\(provider.name.value)' keeps its results in APIM's built-in cache, which the 'Consumption' tier does not have, so every request with a token calls the provider",
                at: details.cacheTtl?.range ?? provider.name.range, notes: tier)
        }
        for route in context.cachingRoutes {
            guard let cache = route.written.cache else { continue }
            findings.report(
                code, "route '\(route.written.id.value)' caches in APIM's built-in cache, which the 'Consumption' tier does not have, so nothing is cached",
                at: cache.keyRange, notes: tier)
        }
        // Raw statements fall back to the built-in cache without an external one
        // ('prefer-external'), and one that asks for the external cache finds none.
        for scope in context.rawScopes {
            for statement in scope.elements(named: Self.rawCaches) {
                findings.report(
                    code, "raw '\(statement.name)' in \(scope.owner) has no cache to use: the 'Consumption' tier has no built-in cache and the gateway declares no 'redis'",
                    at: scope.document.range(statement.nameSpan), notes: tier)
            }
        }
    }
}
