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
            turn the plain port off.
            """,
        fix: "Remove 'tls: false' (TLS is the default) and connect to the TLS port.",
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
        guard let tls = context.redis?.tls, !tls.value else { return }
        findings.report(code, "Redis connections are not encrypted", at: tls.range)
    }
}
