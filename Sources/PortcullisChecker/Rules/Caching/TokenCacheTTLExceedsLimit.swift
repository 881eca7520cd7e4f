import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// CA004: revoked tokens stay valid too long.
public enum TokenCacheTTLExceedsLimit: Rule {
    public static let code = DiagnosticCode(
        "CA004", "token-cache-ttl-exceeds-limit", .error,
        summary: "an introspection 'cacheTtl' above 'guardrails.maxTokenCacheTtl' or the provider's 'tokenLifetime', or a raw 'cache-store-value' of what may be a token or another credential kept longer than 'guardrails.maxTokenCacheTtl'")

    public static let description = RuleDescription(
        code,
        rationale: """
            While an introspection result is cached, a revoked token keeps working. The guardrail \
            bounds that window; caching past the token's lifetime would even serve 'active' for a \
            token that has expired.
            """,
        fix: "Lower 'cacheTtl' to at most the guardrail and the provider's 'tokenLifetime'.",
        triggering: [
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Gateway
                name: example
                identityProviders:
                  partner:
                    type: introspection
                    endpoint: https://idp.example.com/introspect
                    clientId: example-gateway
                    clientSecret: {secret: partner-secret}
                    cacheTtl: ↓15m
                secrets:
                  partner-secret: {keyVault: https://example-kv.vault.azure.net/secrets/partner}
                defaults:
                  auth: partner
                  rateLimit: {calls: 100, per: 60s}
                """),
            RuleExample.api(
                rawInbound: #"<cache-store-value key="backend-token" value="@((string)context.Variables["token"])" duration="↓86400" />"#,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
        ],
        nonTriggering: [
            // Reference data: nothing in the store names a credential.
            RuleExample.api(
                rawInbound: #"<cache-store-value key="exchange-rates" value="@((string)context.Variables["rates"])" duration="3600" />"#,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Gateway
                name: example
                identityProviders:
                  partner:
                    type: introspection
                    endpoint: https://idp.example.com/introspect
                    clientId: example-gateway
                    clientSecret: {secret: partner-secret}
                    cacheTtl: 2m
                secrets:
                  partner-secret: {keyVault: https://example-kv.vault.azure.net/secrets/partner}
                defaults:
                  auth: partner
                  rateLimit: {calls: 100, per: 60s}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard let guardrails = context.guardrails else { return }
        for provider in context.project.gateway?.identityProviders ?? [] where !provider.hasErrors {
            guard case .introspection(let details) = provider.details else { continue }
            let ttl = details.effectiveCacheTtl
            let at = details.cacheTtl?.range ?? provider.name.range
            let name = provider.name.value
            if ttl > guardrails.effectiveMaxTokenCacheTtl {
                let limit = DurationText.format(guardrails.effectiveMaxTokenCacheTtl)
                let notes = guardrails.maxTokenCacheTtl.map { [Diagnostic.Note("'guardrails.maxTokenCacheTtl' is set here", at: $0.range)] } ?? []
                findings.report(
                    code, "provider '\(name)' caches introspection results for \(DurationText.format(ttl)), longer than the limit of \(limit)",
                    at: at, notes: notes)
            } else if ttl > provider.effectiveTokenLifetime {
                findings.report(
                    code,
                    "provider '\(name)' caches introspection results for \(DurationText.format(ttl)), longer than its tokens live (\(DurationText.format(provider.effectiveTokenLifetime)))",
                    at: at)
            }
        }
        // Values a raw policy caches are most often tokens it fetched: the same bound applies.
        let limit = guardrails.effectiveMaxTokenCacheTtl
        // Read once, when a long store of a variable asks.
        var credentials: MarkedVariables?
        for scope in context.rawScopes {
            for store in scope.elements(named: ["cache-store-value"]) {
                guard let seconds = scope.seconds(of: store, context.namedValues), seconds > limit,
                    mayKeepACredential(
                        store, in: scope.api,
                        credentials: {
                            if credentials == nil { credentials = credentialVariables(in: context.project, values: context.namedValues.byName) }
                            return credentials!
                        }),
                    let duration = scope.duration(of: store, context.namedValues)
                else { continue }
                findings.report(
                    CacheTTLExceedsLimit.finding(
                        code,
                        "raw 'cache-store-value' in \(scope.owner) keeps values \(CacheTTLExceedsLimit.forLongerThan(duration.seconds)) the limit of \(DurationText.format(limit))",
                        seconds: duration.seconds, limit: limit, at: duration.range,
                        notes: [Diagnostic.Note("a cached token outlives its revocation; lower 'duration' or raise 'guardrails.maxTokenCacheTtl'", at: duration.range)]
                            + duration.notes))
            }
        }
    }

    /// Whether what `store`, in `api`'s policies (nil: every API's), keeps may be a
    /// credential: its key or its value's code names one by a word, or it reads a variable
    /// of `credentials` (``credentialVariables(in:values:)``). Reference data kept for an
    /// hour (exchange rates, a geocode) is none (found by an audit: every long store was an
    /// error no build passes). A key is judged by the text it writes: one that reads a
    /// token's subject keys entries per caller, and names nothing it keeps. Errs towards a
    /// credential.
    private static func mayKeepACredential(_ store: PolicyXMLElement, in api: Int?, credentials: () -> MarkedVariables) -> Bool {
        let key = store.attribute("key")?.value
        let keyText: String =
            switch key {
            case .text(let text)?: text
            case .expression?: ExpressionFlow.sources(of: key!.resolved).compactMap { if case .literal(let text) = $0 { text } else { nil } }.joined(separator: " ")
            case nil: ""
            }
        let value = store.attribute("value")?.value.resolved ?? ""
        if namesACredential(keyText) || namesACredential(value) || readsASubscriptionKey(value) { return true }
        guard value.mayReadAVariable else { return false }
        let marked = credentials()
        return ExpressionFlow.sources(of: value).contains { marked.read(by: $0, in: api) }
    }

    /// The variables that may hold a credential: written by a token statement
    /// (`output-token-variable-name`), set by code that names one by a word, or copied from
    /// such a variable (the audit of the change found a token copied once missed). Marked
    /// once for every store.
    private static func credentialVariables(in project: ResolvedProject, values: NamedValueTable) -> MarkedVariables {
        let tokens = MarkedVariables.written(in: project, values: values) { $1 == "output-token-variable-name" }
        let marked = VariableSetters(project, values: values).marked(
            seeds: { setter in namesACredential(setter.code) || setter.sources.contains { tokens.read(by: $0, in: setter.api) } },
            passesOn: { _ in true })
        return marked.adding(tokens)
    }

    /// Whether `code` reads the caller's subscription key (`context.Subscription.Key`, its
    /// primary or secondary one): a credential named by no word of its own (audit V86).
    private static func readsASubscriptionKey(_ code: String) -> Bool {
        let read = ExpressionFlow.withoutWrittenText(code).replacing("?.", with: ".")
        return ["Subscription.Key", "Subscription.PrimaryKey", "Subscription.SecondaryKey"].contains(where: read.holds)
    }

    /// Words that name a credential where a name ends with them, its words joined
    /// (`bearerToken`, `relaytoken`, `x-api-key`, `storage_access_key`, a session's
    /// `Cookie`), a number or a plural after them aside (`graphtoken2`, `client-certs`).
    private static let credentialEndings = [
        "token", "secret", "certificate", "password", "passwd", "credential", "bearer", "assertion", "authorization", "signature",
        "apikey", "accesskey", "signingkey", "privatekey", "cookie",
    ]
    /// Words that name one only as a word of their own (`keyVaultCertBase64`, `JWTCache`),
    /// not inside another (`concert`, `disaster`).
    private static let credentialWords: Set<String> = ["cert", "jwt", "sas", "pwd"]

    /// Whether `text` names a credential: a name (letters and digits joined by `-` or `_`)
    /// ends with one of ``credentialEndings``, or one of its words, split where case changes
    /// (`graphJWT2`: `graph`, `jwt`), is one of ``credentialWords``.
    private static func namesACredential(_ text: String) -> Bool {
        for name in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            var joined = name.filter { $0 != "-" && $0 != "_" }.lowercased()
            while joined.last?.isNumber == true { joined.removeLast() }
            if joined.hasSuffix("s") { joined.removeLast() }
            if credentialEndings.contains(where: { joined.hasSuffix($0) }) { return true }
            if words(of: name).contains(where: { credentialWords.contains($0) }) { return true }
        }
        return false
    }

    /// The words of `name`, lower-cased, a number or a plural after each aside: split at `-`
    /// and `_`, before an upper-case letter that follows a lower-case one, and before the
    /// last of a run of upper-case letters that a lower-case one follows (`JWTCache`).
    private static func words(of name: Substring) -> [String] {
        var words: [String] = []
        var word = ""
        let characters = Array(name)
        func close() {
            while word.last?.isNumber == true { word.removeLast() }
            if word.count > 3, word.hasSuffix("s") { word.removeLast() }
            if !word.isEmpty { words.append(word.lowercased()) }
            word = ""
        }
        for (index, character) in characters.enumerated() {
            if character == "-" || character == "_" {
                close()
                continue
            }
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) { close() }
            }
            word.append(character)
        }
        close()
        return words
    }
}
