import PortcullisDiagnostics
import PortcullisModel

/// RD002: cache traffic in clear text.
public enum RedisTLSDisabled: Rule {
    public static let code = DiagnosticCode(
        "RD002", "redis-tls-disabled", .error,
        summary: "'redis.tls: false'")

    public static let description = RuleDescription(
        code,
        rationale: """
            Without TLS, the Redis password, cached responses and introspection results cross \
            the network in clear text. Azure Cache for Redis serves TLS on port 6380 and can \
            turn the plain port off. A runtime that reads gateway.json follows 'tls'; APIM \
            follows the connection string in the secret, which must say so too.
            """,
        fix: "Remove 'tls: false' (TLS is the default), and keep 'ssl=True' and port 6380 in the connection string the secret holds.",
        triggering: [
            RuleExample.gateway(
                """
                secrets:
                  redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis}
                redis:
                  connection: {secret: redis-connection}
                  tls: ↓false
                """)
        ],
        nonTriggering: [RuleExample(RuleExample.baseGateway)])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard case .present(let redis) = context.redis, let tls = redis.tls, !tls.value else { return }
        findings.report(code, "Redis connections are not encrypted", at: tls.range)
    }
}
