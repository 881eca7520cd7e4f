import PortcullisDiagnostics
import PortcullisModel

/// RD005: two environments keeping their state in one Redis under one key prefix.
///
/// No variant of the definitions can see this alone, so it is not a ``Rule``: `lint`
/// collects each environment's ``Reading`` as it checks the environments one by one, and
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
    /// connection reads (``Gateway/redisSecret``) and the prefix of its keys.
    struct Store: Hashable {
        let secret: String
        let keyPrefix: String
    }

    /// An environment's ``Store``, where its own document sets it (its prefix, its
    /// connection, or the secret that connection reads), and whether it keeps some of the
    /// definitions' settings. None for a literal connection (SE001) or one that names no
    /// declared secret (RF001): those are errors already.
    public struct Reading: Sendable {
        let environment: Environment
        let store: Store
        let setHere: [SourceRange]
        let keepsTheDefinitions: Bool

        public init?(_ context: CheckContext, environment: Environment) {
            guard let gateway = context.project.gateway, let secret = gateway.redisSecret, case .present(let redis) = gateway.redis else { return nil }
            self.environment = environment
            store = Store(secret: secret, keyPrefix: gateway.effectiveKeyPrefix)
            // The prefix (or the section, where the gateway's name is the prefix) and the
            // secret's identifier: where the definitions or the environment write them.
            var places = [redis.keyPrefix?.range ?? redis.keyRange]
            if case .reference(let name) = redis.connection, case .keyVault(let identifier)? = gateway.secrets.first(where: { $0.name.value == name.value })?.source {
                places.append(identifier.range)
            }
            let connection = environment.extent.holdsTheStart(of: redis.connection.range) ? [redis.connection.range] : []
            setHere = (places.filter(environment.extent.holdsTheStart(of:)) + connection).sorted()
            keepsTheDefinitions = places.contains { !environment.extent.holdsTheStart(of: $0) }
        }
    }

    /// One finding for each set of environments sharing a store, at the definitions' Redis
    /// prefix (or section) where some environment keeps some of the definitions' settings
    /// (else where the first sets its own), with a note at each environment: where its
    /// document sets the store, or its name where it keeps the definitions'. Each finding
    /// comes with the places a suppression must stand to silence it: every place the shared
    /// settings are written, and the name of each environment that writes none, so that a
    /// comment beside the definitions' prefix does not vouch for an environment that joins
    /// later (audits V108, V110: one agreed for dev and test silenced prod's).
    static func check(_ readings: [Reading], definitions: Redis) -> [(finding: Diagnostic, vouchers: [SourceRange])] {
        var sharing: [Store: [Reading]] = [:]
        var order: [Store] = []
        for reading in readings {
            if sharing[reading.store] == nil { order.append(reading.store) }
            sharing[reading.store, default: []].append(reading)
        }
        let definitionsPlace = definitions.keyPrefix?.range ?? definitions.keyRange
        return order.compactMap { store in
            guard let group = sharing[store], group.count > 1 else { return nil }
            // The definitions are one document, vouched for by one comment; an environment that
            // sets nothing of its own is vouched for at its name, so that one joining later
            // is not vouched for by a comment made before it (audit V110).
            let written = (group.contains(where: \.keepsTheDefinitions) ? [definitionsPlace] : [])
                + group.flatMap { $0.setHere.isEmpty ? [$0.environment.name.range] : $0.setHere }
            // Each environment has a note; the message names a few.
            let named = group.prefix(group.count > 4 ? 3 : 4).map { "'\($0.environment.name.value)'" }
            let names = DisplayText.list(named + (named.count < group.count ? ["\(group.count - named.count) others"] : []))
            let notes = group.flatMap { reading in
                let name = reading.environment.name
                return reading.setHere.isEmpty
                    ? [Diagnostic.Note("environment '\(name.value)' keeps the definitions' settings", at: name.range)]
                    : reading.setHere.map { Diagnostic.Note("environment '\(name.value)' sets it here", at: $0) }
            }
            let finding = Diagnostic(code, "environments \(names) share one Redis under key prefix '\(store.keyPrefix)'", at: written[0], notes: notes)
            return (finding, written)
        }
    }
}
