import PortcullisDiagnostics
import PortcullisModel

/// SE002: a named value marked secret but written in plain text.
public enum PlainSecret: Rule {
    public static let code = DiagnosticCode(
        "SE002", "plain-secret", .error,
        summary: "a 'secrets' entry with a literal 'value' instead of 'keyVault'")

    public static let description = RuleDescription(
        code,
        rationale: """
            A secret written as a 'value' is stored in Git and copied into every bundle, so it is \
            no secret. Key Vault-backed named values keep the value out of both and let the \
            secret be rotated without a deployment.
            """,
        fix: "Store the value in Key Vault and write '{keyVault: https://VAULT.vault.azure.net/secrets/NAME}'.",
        triggering: [
            RuleExample.gateway(
                """
                secrets:
                  ↓backend-key: {value: not-so-secret}
                """)
        ],
        nonTriggering: [
            RuleExample.gateway(
                """
                secrets:
                  backend-key: {keyVault: https://example-kv.vault.azure.net/secrets/backend-key}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for secret in context.project.gateway?.secrets ?? [] {
            guard case .literal = secret.source else { continue }
            findings.report(code, "secret '\(secret.name.value)' is written as a literal 'value'", at: secret.name.range)
        }
    }
}
