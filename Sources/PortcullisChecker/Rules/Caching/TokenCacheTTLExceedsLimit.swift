import PortcullisDiagnostics
import PortcullisModel

/// CA004: revoked tokens stay valid too long.
public enum TokenCacheTTLExceedsLimit: Rule {
    public static let code = DiagnosticCode(
        "CA004", "token-cache-ttl-exceeds-limit", .error,
        summary: "an introspection 'cacheTtl' above 'guardrails.maxTokenCacheTtl' or the provider's 'tokenLifetime'")

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
                """)
        ],
        nonTriggering: [
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
    }
}
