import PortcullisDiagnostics
import PortcullisModel

/// RD005: two environments keeping their state in one Redis under one key prefix.
///
/// No variant of the definitions can see this alone, so it is not a ``Rule``: `lint`
/// collects each environment's ``Store`` as it checks the environments one by one, and
/// judges them together at the end (``Checker/acrossEnvironments(_:definitions:comments:configuration:)``).
public enum RedisSharedBetweenEnvironments {
    public static let code = DiagnosticCode(
        "RD005", "redis-shared-between-environments", .error,
        summary: "two environments read one Redis connection (the same Key Vault secret) and write under the same key prefix")

    public static let description = RuleDescription(
        code,
        rationale: """
            Environments usually differ in who may call them and which identity providers \
            they trust. Sharing one cache under one prefix lets one environment read what \
            another wrote: an introspection result cached by a test environment is a valid \
            token in production, and cached responses and a gateway.json runtime's counters \
            cross over too.
            """,
        fix: """
            Give each environment its own 'redis.keyPrefix' in its environment file, or its \
            own cache through its own Key Vault secret.
            """,
        triggering: [
            example(
                """
                  keyPrefix: ↓shop
                """,
                environments: """
                    apiVersion: portcullis/v1
                    kind: Environment
                    name: test
                    ---
                    apiVersion: portcullis/v1
                    kind: Environment
                    name: prod
                    """)
        ],
        nonTriggering: [
            example(
                """
                  keyPrefix: shop
                """,
                environments: """
                    apiVersion: portcullis/v1
                    kind: Environment
                    name: test
                    gateway:
                      redis: {keyPrefix: shop-test}
                    ---
                    apiVersion: portcullis/v1
                    kind: Environment
                    name: prod
                    gateway:
                      secrets:
                        redis-connection: {keyVault: https://example-prod-kv.vault.azure.net/secrets/redis}
                    """)
        ])

    /// A gateway whose Redis section ends with `redis` (its fields), followed by the
    /// `environments` documents.
    private static func example(_ redis: String, environments: String, line: UInt = #line) -> RuleExample {
        let gateway = RuleExample.gateway(
            """
            secrets:
              redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis}
            redis:
              connection: {secret: redis-connection}
            \(redis)
            """, line: line)
        return RuleExample(gateway.yaml + "---\n" + environments + "\n", line: line)
    }

    /// Where one variant of the definitions keeps its state: the Key Vault secret its Redis
    /// connection reads (``Gateway/redisSecret``) and the prefix of its keys. None for a
    /// literal connection (SE001) or one that names no declared secret (RF001): those are
    /// errors already.
    public struct Store: Hashable, Sendable {
        let secret: String
        let keyPrefix: String

        public init?(_ context: CheckContext) {
            guard let gateway = context.project.gateway, let secret = gateway.redisSecret else { return nil }
            self.secret = secret
            keyPrefix = gateway.effectiveKeyPrefix
        }
    }

    /// One finding for each set of environments sharing a store, at the definitions' Redis
    /// section, with a note at each environment.
    static func check(_ stores: [(environment: Environment, store: Store?)], definitions: Redis, into findings: inout DiagnosticCollector) {
        var sharing: [Store: [Environment]] = [:]
        var order: [Store] = []
        for case let (environment, store?) in stores {
            if sharing[store] == nil { order.append(store) }
            sharing[store, default: []].append(environment)
        }
        let range = definitions.keyPrefix?.range ?? definitions.keyRange
        for store in order {
            guard let environments = sharing[store], environments.count > 1 else { continue }
            // Each environment has a note; the message names a few.
            let named = environments.prefix(environments.count > 4 ? 3 : 4).map { "'\($0.name.value)'" }
            let names = DisplayText.list(named + (named.count < environments.count ? ["\(environments.count - named.count) others"] : []))
            findings.report(
                code, "environments \(names) share one Redis under key prefix '\(store.keyPrefix)'", at: range,
                notes: environments.map { Diagnostic.Note("environment '\($0.name.value)' uses it", at: $0.name.range) })
        }
    }
}
