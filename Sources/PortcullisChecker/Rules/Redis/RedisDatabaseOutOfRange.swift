import PortcullisDiagnostics
import PortcullisModel

/// RD004: a database number Azure Cache for Redis does not have.
public enum RedisDatabaseOutOfRange: Rule {
    public static let code = DiagnosticCode(
        "RD004", "redis-database-out-of-range", .error,
        summary: "a Redis database number outside 0 to 15")

    public static let description = RuleDescription(
        code,
        rationale: """
            Azure Cache for Redis offers databases 0 to 15 (16 by default); a runtime that reads \
            gateway.json and selects a number outside that range fails every cache and \
            rate-limit operation. APIM selects no database by number: it uses the one its \
            external cache's connection string names.
            """,
        fix: "Use a database number from 0 to 15.",
        triggering: [
            RuleExample.gateway(
                """
                secrets:
                  redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis}
                redis:
                  connection: {secret: redis-connection}
                  databases: {auth: 0, rateLimit: 1, responses: ↓16}
                """)
        ],
        nonTriggering: [RuleExample(RuleExample.baseGateway)])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard case .present(let redis) = context.redis else { return }
        let databases = redis.databases
        for (name, written) in [("auth", databases.auth), ("rateLimit", databases.rateLimit), ("responses", databases.responses)] {
            guard let written, !(0...15).contains(written.value) else { continue }
            findings.report(code, "Redis database \(written.value) for '\(name)' does not exist; use 0 to 15", at: written.range)
        }
    }
}
