import XCTest

@testable import PortcullisModel

/// Secrets and client certificates name a Key Vault secret: APIM fetches it with its managed
/// identity, from Key Vault only, so any other URL is a secret the gateway never gets.
final class KeyVaultIdentifierTests: XCTestCase {
    func testSecretIdentifiersInEveryCloudAreAccepted() {
        for identifier in [
            "https://contoso-kv.vault.azure.net/secrets/redis-connection",
            "HTTPS://Contoso-KV.Vault.Azure.Net/Secrets/Redis-Connection",
            "https://kv1.vault.azure.net/secrets/a/0123456789abcdef0123456789ABCDEF",
            "https://abc.vault.azure.cn/secrets/s", "https://abc.vault.usgovcloudapi.net/secrets/s",
            "https://abc.vault.microsoftazure.de/secrets/s",
            "https://a23456789012345678901234.vault.azure.net/secrets/" + String(repeating: "s", count: 127),
        ] {
            XCTAssertTrue(Grammar.isKeyVaultSecretIdentifier(identifier), identifier)
        }
    }

    func testAnythingElseIsRefused() {
        for identifier in [
            // Another host, another scheme, a host that only starts like a vault's.
            "https://kv.example/secrets/s", "http://contoso-kv.vault.azure.net/secrets/s",
            "https://contoso-kv.vault.azure.net.attacker.example/secrets/s", "https://vault.azure.net/secrets/s",
            "https://a.b.vault.azure.net/secrets/s", "https://contoso-kv.vault.azure.net:443/secrets/s",
            "https://user@contoso-kv.vault.azure.net/secrets/s",
            // Vault names: 3 to 24, a letter first, no hyphen last or twice running.
            "https://kv.vault.azure.net/secrets/s", "https://1kv.vault.azure.net/secrets/s",
            "https://kv-.vault.azure.net/secrets/s", "https://k--v.vault.azure.net/secrets/s",
            "https://a234567890123456789012345.vault.azure.net/secrets/s",
            // Keys and certificates are not secrets; names, versions and what follows them.
            "https://contoso-kv.vault.azure.net/keys/s", "https://contoso-kv.vault.azure.net/certificates/s",
            "https://contoso-kv.vault.azure.net/secrets/", "https://contoso-kv.vault.azure.net/secrets/a_b",
            "https://contoso-kv.vault.azure.net/secrets/" + String(repeating: "s", count: 128),
            "https://contoso-kv.vault.azure.net/secrets/s/", "https://contoso-kv.vault.azure.net/secrets/s/0b5c1e2f",
            "https://contoso-kv.vault.azure.net/secrets/s/0123456789abcdef0123456789abcdeg",
            "https://contoso-kv.vault.azure.net/secrets/s?api-version=7.4", "https://contoso-kv.vault.azure.net/secrets/s#x",
            "https://contoso-kv.vault.azure.net/secrets/s/0123456789abcdef0123456789abcdef/x",
            "https://{{vault}}.vault.azure.net/secrets/s", "https://contoso-kv.vault.azure.net/secrets/s ",
            // The Kelvin sign lowers to 'k': only ASCII is a name.
            "https://demo-\u{212A}v.vault.azure.net/secrets/s", "https://demo-kv.vault.azure.net/secrets/\u{212A}ey",
        ] {
            XCTAssertFalse(Grammar.isKeyVaultSecretIdentifier(identifier), identifier)
        }
    }
}
