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
        var setters: VariableSetters?
        var tokenVariables: Set<String>?
        for scope in context.rawScopes {
            for store in scope.elements(named: ["cache-store-value"]) {
                guard let duration = scope.duration(of: store, context.namedValues), duration.seconds > limit,
                    mayKeepACredential(
                        store,
                        setters: {
                            if setters == nil { setters = VariableSetters(context.project, values: context.namedValues.byName) }
                            return setters!
                        },
                        tokenVariables: {
                            if tokenVariables == nil { tokenVariables = Self.tokenVariables(in: context.project) }
                            return tokenVariables!
                        })
                else { continue }
                findings.report(
                    code,
                    "raw 'cache-store-value' in \(scope.owner) keeps values for \(DurationText.format(duration.seconds)), longer than the limit of \(DurationText.format(limit))",
                    at: duration.range,
                    notes: [Diagnostic.Note("a cached token outlives its revocation; lower 'duration' or raise 'guardrails.maxTokenCacheTtl'", at: duration.range)]
                        + duration.notes)
            }
        }
    }

    /// Whether what `store` keeps may be a credential: a variable a token statement writes
    /// (`output-token-variable-name`), or its key, its value's code, or the names and the
    /// values' code of the variables it reads name one (a token, a secret, a certificate, a
    /// password, a signed assertion, a SAS signature). Reference data kept for an hour
    /// (exchange rates, a geocode) is none (found by an audit: every long store was an error
    /// no build passes). Errs towards a credential.
    private static func mayKeepACredential(_ store: PolicyXMLElement, setters: () -> VariableSetters, tokenVariables: () -> Set<String>) -> Bool {
        let key = store.attribute("key")?.value.resolved ?? ""
        let value = store.attribute("value")?.value.resolved ?? ""
        if namesACredential(key) || namesACredential(value) { return true }
        let read = Set(ExpressionFlow.sources(of: value).compactMap { source -> String? in
            if case .variable(let name) = source { return name.lowercased() }
            return nil
        })
        guard !read.isEmpty else { return false }
        if !read.isDisjoint(with: tokenVariables()) { return true }
        return setters().setters.contains { setter in
            // A setter that names its variable by an expression may set any.
            (setter.name.map { read.contains($0) } ?? true) && namesACredential(setter.code)
        }
    }

    /// The names of the variables the estate's token statements write, case-folded.
    private static func tokenVariables(in project: ResolvedProject) -> Set<String> {
        var names = Set<String>()
        for policy in project.rawPolicies {
            for element in policy.document.allElements {
                guard case .text(let name)? = element.attribute("output-token-variable-name")?.value else { continue }
                names.insert(name.trimmingWhitespace.lowercased())
            }
        }
        return names
    }

    /// Words that name a credential wherever they end a word of a name (`bearerToken`,
    /// `relaytoken`, `client_secret`), and words that do only alone (`cert` in
    /// `keyVaultCertBase64`, not in `concert`; `sas`, not in `disaster`).
    private static let credentialEndings = [
        "token", "secret", "certificate", "password", "passwd", "credential", "credentials", "bearer", "assertion", "authorization", "signature",
        "apikey", "accesskey", "signingkey", "privatekey",
    ]
    private static let credentialWords: Set<String> = ["cert", "jwt", "sas", "pwd"]

    /// Whether a word of `text` names a credential: its words are split at what is no letter
    /// or digit and where a lower-case letter meets an upper-case one.
    private static func namesACredential(_ text: String) -> Bool {
        var word = ""
        var previousIsLower = false
        func ends() -> Bool {
            defer { word = "" }
            return !word.isEmpty && (credentialWords.contains(word) || credentialEndings.contains { word.hasSuffix($0) })
        }
        for scalar in text.unicodeScalars {
            let isLetterOrDigit = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            let isUpper = scalar.properties.isUppercase
            if !isLetterOrDigit || (isUpper && previousIsLower) {
                if ends() { return true }
            }
            if isLetterOrDigit { word.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars) }
            previousIsLower = scalar.properties.isLowercase
        }
        return ends()
    }
}
