import PortcullisDiagnostics
import PortcullisModel

/// RD001: two kinds of data in one Redis database.
public enum RedisDatabaseShared: Rule {
    public static let code = DiagnosticCode(
        "RD001", "redis-database-shared", .error,
        summary: "two purposes ('auth', 'rateLimit', 'responses') mapped to one Redis database")

    public static let description = RuleDescription(
        code,
        rationale: """
            For a runtime that reads gateway.json, separate databases keep token state, counters \
            and cached responses apart: flushing the response cache then cannot reset rate limits \
            or log everyone out, and eviction under memory pressure cannot drop rate-limit \
            counters to make room for responses. APIM honours none of this split: its external \
            cache is one connection, holding cached responses and introspection results \
            together, and it keeps rate-limit counters in its own store, not in Redis.
            """,
        fix: "Give 'auth', 'rateLimit' and 'responses' different database numbers (0 to 15).",
        triggering: [
            RuleExample.gateway(
                """
                secrets:
                  redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis}
                redis:
                  connection: {secret: redis-connection}
                  databases: {auth: 0, rateLimit: 1, responses: ↓1}
                """)
        ],
        nonTriggering: [
            RuleExample.gateway(
                """
                secrets:
                  redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis}
                redis:
                  connection: {secret: redis-connection}
                  databases: {auth: 3, rateLimit: 4, responses: 5}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard case .present(let redis) = context.redis else { return }
        let databases = redis.databases
        let purposes: [(name: String, number: Int, written: Located<Int>?)] = [
            ("auth", databases.effectiveAuth, databases.auth),
            ("rateLimit", databases.effectiveRateLimit, databases.rateLimit),
            ("responses", databases.effectiveResponses, databases.responses),
        ]
        for (index, purpose) in purposes.enumerated() {
            // Report each clash once, at a number that is written, with a note at the other.
            guard let other = purposes[..<index].first(where: { $0.number == purpose.number }) else { continue }
            let (at, partner) = purpose.written != nil ? (purpose, other) : (other, purpose)
            let range = at.written?.range ?? redis.keyRange
            let note =
                partner.written.map { Diagnostic.Note("'\(partner.name)' uses database \(partner.number) here", at: $0.range) }
                ?? Diagnostic.Note("'\(partner.name)' uses database \(partner.number) by default", at: range)
            findings.report(
                code, "Redis purposes '\(other.name)' and '\(purpose.name)' share database \(purpose.number)", at: range,
                notes: [note])
        }
    }
}
