import PortcullisDiagnostics
import PortcullisModel

/// RD003: the cache reachable from the internet.
public enum RedisPublicNetwork: Rule {
    public static let code = DiagnosticCode(
        "RD003", "redis-public-network", .error,
        summary: "'redis.publicNetworkAccess: true'")

    public static let description = RuleDescription(
        code,
        rationale: """
            A Redis instance open to the public internet is protected by its access key alone; \
            anyone who obtains the key can read cached responses and introspection results, and \
            reset the rate-limit counters a runtime that reads gateway.json keeps there. The \
            gateway reaches Redis over a private endpoint or virtual network.
            """,
        fix: "Set 'publicNetworkAccess: false' (the default) and connect through a private endpoint.",
        triggering: [
            RuleExample.gateway(
                """
                secrets:
                  redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis}
                redis:
                  connection: {secret: redis-connection}
                  publicNetworkAccess: ↓true
                """)
        ],
        nonTriggering: [RuleExample(RuleExample.baseGateway)])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard case .present(let redis) = context.redis, let access = redis.publicNetworkAccess, access.value else { return }
        findings.report(code, "the Redis cache is reachable from the public internet", at: access.range)
    }
}
