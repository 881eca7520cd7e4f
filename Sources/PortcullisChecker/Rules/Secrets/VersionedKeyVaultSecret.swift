import PortcullisDiagnostics
import PortcullisModel

/// SE004: a Key Vault reference that will never see a rotated secret.
public enum VersionedKeyVaultSecret: Rule {
    public static let code = DiagnosticCode(
        "SE004", "versioned-key-vault-secret", .warning,
        summary: "a Key Vault secret URI that pins a version")

    public static let description = RuleDescription(
        code,
        rationale: """
            APIM refreshes Key Vault named values only when the URI has no version. With a version \
            pinned, rotating the secret in Key Vault changes nothing at the gateway, and when the \
            old version is disabled the gateway breaks.
            """,
        fix: "Drop the version segment: 'https://VAULT.vault.azure.net/secrets/NAME'.",
        triggering: [
            RuleExample.gateway(
                """
                secrets:
                  backend-key: {keyVault: ↓https://example-kv.vault.azure.net/secrets/backend-key/0b5c1e2f9a7d4c3e8f6a1b2c3d4e5f60}
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
            guard case .keyVault(let uri) = secret.source, isVersioned(uri.value) else { continue }
            findings.report(code, "secret '\(secret.name.value)' pins a Key Vault secret version", at: uri.range)
        }
    }

    /// `.../secrets/NAME/VERSION`, ignoring a query or fragment.
    static func isVersioned(_ uri: String) -> Bool {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let index = segments.lastIndex(where: { $0.lowercased() == "secrets" }) else { return false }
        return segments.count - index - 1 >= 2
    }
}
