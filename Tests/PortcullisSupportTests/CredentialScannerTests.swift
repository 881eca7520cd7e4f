import Foundation
import PortcullisSupport
import PortcullisTestSupport
import XCTest

/// The edges of the one credential test: what sits next to a credential shape but is not one.
final class CredentialScannerTests: XCTestCase {
    func testReferencesPlaceholdersAndShortParametersAreNotCredentials() {
        for text in [
            "Password={{db-password}}", "Server=db;Password=<your password>", "Server=db;Password=;",
            "https://orders.example.com/v1?code=404", "https://deploy@orders.example.com/v1",
            "https://deploy:{{password}}@orders.example.com", "see ops@contoso.com", "passwordless=true",
            "AKIAIOSFODNN7EXAMPLEXX", "task_live_feed", "-----BEGIN CERTIFICATE-----", "eyJhbGciOiJIUzI1NiJ9",
            // Prose, and Base64 of no 'user:password'.
            "Basic authentication only", "Basic Auth2024Blue", "Basic dGVzdHVzZXJuYW1l", "Basic {{partner-basic}}", "basic authentication is off",
            // Bytes that are no UTF-8: 'ab:' then FF FE 80; 'u:éé', 'x' and a character cut
            // short (C3); 'u:éé' and a surrogate (ED A0 80).
            "Basic YWI6//6Aeno=", "Basic dTrDqcOpeMM=", "Basic dTrDqcOp7aCA",
            "based on the backend", "Basically everything",
            // Near the token formats: an Entra secret's shape inside a longer word, or too
            // short; a word after 'sk-'; 'AIza' too short.
            "prefix-xYz8Q~Ab3dEf.Gh1jKl-MnOpQr5tUvWx_Yz0123Ab", "xYz8Q~Ab3dEf", "sk-learn", "AIzaShort", "glpat-short",
            "https://sk-prod-northeurope-invoices-backend.azurewebsites.net/api", "/sk-learn-model-scoring-service-production-v2",
        ] {
            XCTAssertFalse(CredentialScanner.looksLikeCredential(text), text)
        }
    }

    func testCredentialsInsideLongerText() {
        for text in [
            "Server=db;DbPassword=Hunter2pass", "connect with password = Hunter2pass please",
            "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl'",
            "(AKIAIOSFODNN7EXAMPLE)", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
            // Keys are read as YAML's are: a number after the name, a key for encryption.
            "Server=db;Password2=Hunter2pass", "aes_key=Yx3kP9vQ2mT7wL5n",
            // HTTP Basic credentials, 'username:supersecretpassword' (from the audit of environments).
            "Basic dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA==", "https://login.example.com/Basic dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA==/v2.0",
            // Any case, unpadded, two spaces, the URL alphabet ('a?b:c>d~e' holds '/' and '+' in the other).
            "basic dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA", "BASIC  dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA==", "Basic YT9iOmM-ZH5l",
            // UTF-8, as RFC 7617 allows: 'orders:pässwörd-Blue7', 'jürgen:geheim2024', '用户:密码密码'.
            "Basic b3JkZXJzOnDDpHNzd8O2cmQtQmx1ZTc=", "Basic asO8cmdlbjpnZWhlaW0yMDI0", "Basic 55So5oi3OuWvhueggeWvhueggQ==",
        ] {
            XCTAssertTrue(CredentialScanner.looksLikeCredential(text), text)
        }
    }

    /// A webhook's or OAuth flow's query secrets were quoted by `diff` and written into
    /// bundles (found by the audit of secrets); ordinary parameters of those names are not
    /// credentials when short.
    func testWebhookAndOAuthQueryParametersAreCredentials() {
        for text in [
            "https://hooks.example.com/api?secret=q8Zr2LmN4vT7xK1p", "https://hooks.example.com/api?x=1&access-token=q8Zr2LmN4vT7xK1p",
            "https://hooks.example.com/api?signature=q8Zr2LmN4vT7xK1p", "https://idp.example.com/cb?client_secret=q8Zr2LmN4vT7xK1p",
        ] {
            XCTAssertTrue(CredentialScanner.looksLikeCredential(text), text)
        }
        XCTAssertFalse(CredentialScanner.looksLikeCredential("https://orders.example.com/v1?signature=none"))
    }

    /// Token formats count where a word starts, wherever that is in the text, and nowhere
    /// inside a word: the scan passes over a word's bytes after its first.
    func testTokenShapesCountOnlyAtAWordStart() {
        let gitHub = "ghp_" + String(repeating: "a1", count: 18)
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl"
        for text in [
            "_AKIAIOSFODNN7EXAMPLE", "token:" + gitHub, "-" + jwt, "use " + jwt, "k=sk_live_0123456789abcdef",
            "9.xoxb-1234567890", "é" + gitHub,
        ] {
            XCTAssertTrue(CredentialScanner.looksLikeCredential(text), text)
        }
        for text in ["keyAKIAIOSFODNN7EXAMPLE", "2" + gitHub, "my" + jwt, "ask_live_0123456789abcdef", "mxoxb-1234567890"] {
            XCTAssertFalse(CredentialScanner.looksLikeCredential(text), text)
        }
    }

    /// A header copied with a colon after its scheme (`Bearer: …`), a web page's
    /// non-breaking space, or a URL's encoding of it (`Bearer%20…`, a form's `Bearer+…`,
    /// the token's `+`, `/` and `=` escaped) writes the token out as plainly; prose and
    /// references after the same separators, URL-encoded prose included, are none.
    func testSchemesAfterTheSeparatorsOfCopiedOrEncodedHeaders() {
        for text in [
            "Bearer: Qx7mP2vK9tR4wZ8nB3cL6hJ1", "Authorization:Bearer:Qx7mP2vK9tR4wZ8nB3cL6hJ1", "bearer:\tQx7mP2vK9tR4wZ8nB3cL6hJ1",
            "Bearer\u{00A0}Qx7mP2vK9tR4wZ8nB3cL6hJ1", "Basic: dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA==",
            "https://api.example.com/v1?auth=Bearer%209f8e7d6c5b4a39281726354453627189",
            "https://api.example.com/v1?h=Authorization%3A%20Bearer%20Qx7mP2vK9tR4wZ8nB3cL6hJ1",
            "https://api.example.com/v1?auth=Bearer+Qx7mP2vK9tR4wZ8nB3cL6hJ1&x=1", "q=Bearer%20Qx%2B7mP%2FvK9tR4wZ8nB3cL6hJ1%3D%3D",
            "https://api.example.com/v1?auth=Basic%20dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA%3D%3D",
            "https://api.example.com/v1?t=%2Fghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        ] {
            XCTAssertTrue(CredentialScanner.looksLikeCredential(text), text)
        }
        for text in [
            "Bearer: required", "Bearer: see https://learn.microsoft.com/azure/api-management", "Bearer:{{partner-token}}", "Bearer: <token>",
            "Bearer: YOUR_ACCESS_TOKEN_GOES_HERE", "Bearer:  ${PARTNER_TOKEN_2024}", "Bearer-token authentication for Orders v2 callers",
            "Bearertoken9f8e7d6c5b4a39281726354453627189", "Basic: authentication only", "token_type:Bearer,expires_in:3600",
            "https://orders.example.com/search?q=Bearer%20Token%20For%20The%20API%20v2%20Calls",
            "https://orders.example.com/search?q=Bearer+Token+For+The+Orders+API+v2+Calls", "https://orders.example.com/search?q=%22Bearer%22",
            "100%25Basic", "50%OFF Bearer bonds", "https://orders.example.com/a%20b%2Fc%3Dd?x=%41KIAIOSFODNN7EXAMPLE",
        ] {
            XCTAssertFalse(CredentialScanner.looksLikeCredential(text), text)
        }
    }

    /// A Teams incoming webhook's URL posts to the channel for whoever has it (audit V90:
    /// one was published in clear); its ids alone, or another `@`, are none.
    func testTeamsWebhooks() {
        let path = "webhookb2/4f1c2a9e-1111-2222-3333-444455556666@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/9c0e7b5d2a4f4e1b8d3c6a7f0e9b2d41/5a6b7c8d-9e0f-1a2b-3c4d-5e6f7a8b9c0d"
        for text in [
            "https://contoso.webhook.office.com/" + path, "https://outlook.office.com/" + path.replacing("webhookb2", with: "webhook"),
            "https%3A%2F%2Fcontoso.webhook.office.com%2F" + path.replacing("/", with: "%2F"),
            #"{"url": "https:\/\/contoso.webhook.office.com\/"# + path.replacing("/", with: #"\/"#) + #""}"#,
            // Encoded whole, and another connector's (audit V95).
            "https%3A%2F%2Fcontoso.webhook.office.com%2F" + path.replacing("/", with: "%2F").replacing("@", with: "%40"),
            "https://contoso.webhook.office.com/" + path.replacing("IncomingWebhook", with: "JenkinsCI"),
        ] {
            XCTAssertTrue(CredentialScanner.looksLikeCredential(text), text)
        }
        for text in [
            "4f1c2a9e-1111-2222-3333-444455556666@72f988bf-86f1-41af-91ab-2d7cd011db47",
            "https://contoso.webhook.office.com/webhookb2/4f1c2a9e-1111-2222-3333-444455556666@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/",
            "mailto:someone@72f988bf-86f1-41af-91ab-2d7cd011db47.example.com",
        ] {
            XCTAssertFalse(CredentialScanner.looksLikeCredential(text), text)
        }
    }

    /// A credential's header written as on a request's line or in a command, and a signed
    /// URL passed percent-encoded as a query's value (audit V89); prose under such a name,
    /// and an encoded query of ordinary parameters, are none.
    func testAHeaderLineAndAnEncodedSignedURL() {
        for text in [
            "curl -H 'X-Vault-Token: Zq7wLmB4nXc2Rt8vQ1Zq7wLmB9' https://vault.example.com/v1/secret",
            "X-Api-Key: 8f14e45fceea167a5a36dedd4bea2543",
            "Authorization: Basic dXNlcjpwYXNzd29yZDEyMzQ1",
            "/proxy?target=https%3A%2F%2Facct.blob.core.windows.net%2Fc%2Fo%3Fsv%3D2022-11-02%26sig%3DQ2xpZW50U2VjcmV0MTIzNDU2Nzg5MGFiY2RlZg%253D",
            "/proxy?target=https%3A%2F%2Fb.s3.amazonaws.com%2Fo%3FX-Amz-Signature%3D247a2aa45f169edf247a2aa45f169edf247a2aa45f169edf247a2aa45f169edf",
            // Encoded twice; a header in a code span, in brackets, quoted, after an escape
            // written out (audit V95).
            "/proxy?target=https%253A%252F%252Fb.s3.amazonaws.com%252Fo%253FX-Amz-Signature%253D247a2aa45f169edf247a2aa45f169edf247a2aa45f169edf247a2aa45f169edf",
            "Use `X-Vault-Token: Zq7wLmB4nXc2Rt8vQ1Zq7wLmB9` to read it", "(X-Vault-Token: Zq7wLmB4nXc2Rt8vQ1Zq7wLmB9)",
            #"X-Vault-Token: "Zq7wLmB4nXc2Rt8vQ1Zq7wLmB9""#, #"GET / HTTP/1.1\r\nX-Vault-Token: Zq7wLmB4nXc2Rt8vQ1Zq7wLmB9"#,
        ] {
            XCTAssertTrue(CredentialScanner.looksLikeCredential(text), text)
        }
        for text in [
            "Access token: required for every call", "api-key: your-subscription-key", "Refresh token: valid for 90 days",
            "starts at 12:30:45 every day", "see https://example.com:8443/docs",
            "/login?returnUrl=https%3A%2F%2Fshop.example.com%2Forders%3Fpage%3D2%26sort%3Ddate",
        ] {
            XCTAssertFalse(CredentialScanner.looksLikeCredential(text), text)
        }
    }

    /// A header named `X-Key` holds a key in a generated key's shape (audit V93), as
    /// `X-Api-Key` does; a key of a tenant, a partition or a cache is an identifier, and so
    /// is `key` alone (a cache's, a limit's: `key="catalog-v2-2024-summary"`).
    func testAnExtensionKeyHoldsAGeneratedKey() {
        for key in ["X-Key", "x_key", "X-KEY"] {
            XCTAssertTrue(CredentialScanner.isCredential("zXyW1234abcdEFGH5678ijklMNOP9012qrstUVWX", under: key), key)
            XCTAssertFalse(CredentialScanner.isCredential("subscription", under: key), key)
        }
        for key in ["key", "Key", "X-Tenant-Key", "partitionKey", "X-Cache-Key", "monkey"] {
            XCTAssertFalse(CredentialScanner.isCredential("zXyW1234abcdEFGH5678ijklMNOP9012qrstUVWX", under: key), key)
        }
    }

    /// Slack's webhooks of Workflow Builder (`/workflows/`, `/triggers/`) post as the
    /// incoming ones do, and a host is read in any case; other hosts and bare paths are none.
    func testSlackWebhooksOfEveryKindAndCase() {
        for text in [
            "https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "https://hooks.slack.com/workflows/T0ABCDEF1/A0ABCDEF2/418273645546372819/Zq8Wm3Lp7Kx2Nv5Rt9Ys4Bd6",
            "https://hooks.slack.com/triggers/T0ABCDEF1/7411234567890/4f9c2e7a1b3d5f60718293a4b5c6d7e8",
            "HTTPS://HOOKS.SLACK.COM/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "post to Https://Hooks.Slack.Com/Triggers/T0ABCDEF1/7411234567890/4f9c2e7a1b3d5f60718293a4b5c6d7e8 on failure",
            // Without its scheme, and URL-encoded into a query (an audit).
            "hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            // Slashes and `.` segments a path reads as one `/` (the audit of the change).
            "https://hooks.slack.com/./services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "https://hooks.slack.com//services//T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "https://relay.example.com/?to=https%3A%2F%2Fhooks.slack.com%2Fservices%2FT0ABCDEF1%2FB0ABCDEF2%2FaBcDeFgHiJkLmNoPqRsTuVwX",
            // With a port, the host's final dot, and JSON-escaped (the next audit).
            "https://hooks.slack.com:443/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "hooks.slack.com:443/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "https%3A%2F%2Fhooks.slack.com%3A443%2Fservices%2FT0ABCDEF1%2FB0ABCDEF2%2FaBcDeFgHiJkLmNoPqRsTuVwX",
            "https%3a%2f%2fhooks.slack.com%3a443%2fservices%2fT0ABCDEF1%2fB0ABCDEF2%2faBcDeFgHiJkLmNoPqRsTuVwX",
            "https://hooks.slack.com./services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "https://hooks.slack.com.:8443/workflows/T0ABCDEF1/A0ABCDEF2/418273645546372819/Zq8Wm3Lp7Kx2Nv5Rt9Ys4Bd6",
            #"{"url": "https:\/\/hooks.slack.com\/services\/T0ABCDEF1\/B0ABCDEF2\/aBcDeFgHiJkLmNoPqRsTuVwX"}"#,
        ] {
            XCTAssertTrue(CredentialScanner.looksLikeCredential(text), text)
        }
        for text in [
            "https://hooks.slack.com/workflows/", "https://hooks.slack.com/triggers/T0ABCDEF1", "https://hooks.slack.com/triggers/T0ABCDEF1/74112",
            "https://HOOKS.SLACK.COM/apps/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "https://hooks.slack.com.example.net/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "https://api.slack.com/workflows/T0ABCDEF1/A0ABCDEF2/418273645546372819/Zq8Wm3Lp7Kx2Nv5Rt9Ys4Bd6",
            "https://webhooks.slack.com.example.net/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "hooks.slack.com%2Fservices%2F",
            "https://hooks.slack.com:443.example.net/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            "https://hooks.slack.com..example.net/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            #"hooks.slack.com\services\T0ABCDEF1\B0ABCDEF2\aBcDeFgHiJkLmNoPqRsTuVwX"#,
            "https://hooks.slack.com:443/apps/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
        ] {
            XCTAssertFalse(CredentialScanner.looksLikeCredential(text), text)
        }
    }

    /// A SendGrid key is one inside a longer text too, where a word starts; its shape's
    /// neighbours (a dotted name, one character short or long, inside a word) are none.
    func testSendGridKeysInsideLongerText() {
        let key = "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"
        for text in [key, "apikey: " + key, "apikey:" + key, "mail with " + key + " today", "(" + key + ")", "\"" + key + "\""] {
            XCTAssertTrue(CredentialScanner.looksLikeCredential(text), text)
        }
        for text in [
            "x" + key, key + "X", "mail with " + String(key.dropLast()), "SG.orders.api.contoso.example.com.westeurope.production.2024.release",
            "Region SG.Singapore serves the orders API", "SG.1 and SG.2 are the gateway's regions",
        ] {
            XCTAssertFalse(CredentialScanner.looksLikeCredential(text), text)
        }
    }

    /// The scan stays linear on text made of what starts the checks above: each check reads
    /// to a byte that ends it, which no other check of the same kind reads past (a form's
    /// `+` after `Bearer+` ends its token, as it is a space there).
    func testTextsOfRepeatedSchemesEscapesAndPrefixesAreScannedInLinearTime() {
        for unit in [
            "Bearer+", "Bearer%20", "%20Bearer", "Bearer%20x+", "Bearer:", "Basic%20", "basic+", "SG.", "-SG.a", "%2F%2F",
            "://hooks.slack.com/services/", "://HOOKS.SLACK.COM/triggers/aaaaaaaa/", "Bearer%2B", "a@", "://a:b@",
        ] {
            let text = String(repeating: unit, count: 400_000 / unit.utf8.count)
            let start = Date()
            _ = CredentialScanner.looksLikeCredential(text)
            XCTAssertLessThan(Date().timeIntervalSince(start), 2, unit)
        }
    }

    /// Header values: an `Authorization` value is a credential after its scheme unless that
    /// part references a named value; subscription and function keys are credentials by name.
    func testHeaderValuesAreJudgedByTheHeaderTheyAreWrittenUnder() {
        for (header, value) in [
            ("Authorization", "Bearer 8f2c1d9e4b7a6c5d"), ("Authorization", "Basic dXNlcjpwYXNzd29yZA=="),
            ("authorization", "SharedKey account:c2lnbmF0dXJl"), ("Ocp-Apim-Subscription-Key", "0123456789abcdef"),
            ("x-functions-key", "aGVsbG8gd29ybGQ"),
        ] {
            XCTAssertTrue(CredentialScanner.isCredential(value, under: header), "\(header): \(value)")
        }
        for (header, value) in [
            ("Authorization", "Bearer {{backend-token}}"), ("Authorization", "Basic {{backend-basic}}"),
            ("Authorization", "{{backend-authorization}}"), ("Ocp-Apim-Subscription-Key", "{{orders-key}}"),
            ("X-Request-Source", "partner-api"), ("Accept", "application/json"),
        ] {
            XCTAssertFalse(CredentialScanner.isCredential(value, under: header), "\(header): \(value)")
        }
    }

    /// Names the audit of the forty-sixth round found passed: a credential, a passphrase or
    /// a passcode takes what a token does, what signs, a SAS or an APIM subscription key
    /// (`ocp`) a generated key's shape; a mode or a flag under the same words, and the
    /// language's own `auth`, are none.
    func testCredentialsWordsBeyondPasswordKeyTokenAndSecretNameOne() {
        let key = "kQ7vR2xN9pLm4TzW8yHc3FbJ6sDg"
        for (name, value) in [
            ("X-Partner-Credential", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"), ("nv-credentials", "hunter22"), ("X-Backend-Passphrase", "correct horse"),
            ("passcode", "4711"), ("Private_Key", "abc"), ("X-Signature-Key", key), ("nv-signing", "3f786850e387550fdab836ed7e6dc881de23001b"),
            ("nv-ocp", "8d7f2a1c4b9e0f3a6c5d2e1b7a9f0c4d"), ("Ocp-Apim-Key", key), ("blob-sas", key), ("X-Sig", key),
            // Digits under a plural that counts nothing, as under its singular (an audit).
            ("partner-credentials", "4829173650184736"), ("X-Api-Keys", "4829173650184736"),
            // Nor under a counting name past ten digits, and `cred` after a digit (the audit of the fix).
            ("X-Max-Api-Keys", "4829173650184736"), ("maxPasswords", "4829173650184736"), ("refresh-tokens", "4829173650184736"),
            ("db2cred", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"),
        ] {
            XCTAssertTrue(CredentialScanner.isCredential(value, under: name), "\(name): \(value)")
        }
        for (name, value) in [
            ("allowCredentials", "true"), ("credentials", "same-origin"), ("X-Credential-Type", key), ("request-signing", "enabled-always"),
            ("auth", key), ("X-Auth", "managed-identity"), ("ocp-apim-trace", "true"), ("X-Sig", "v1"), ("nv-ocp", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
            ("x-sacred", "hello-world-value"), ("maxTokens", "-1"), ("X-Max-Api-Keys", "25"), ("maxTokens", "1200000000"),
        ] {
            XCTAssertFalse(CredentialScanner.isCredential(value, under: name), "\(name): \(value)")
        }
        // A JSON member is judged as the same key in YAML is.
        XCTAssertTrue(CredentialScanner.looksLikeCredential(#"{"partnerCredential": "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"}"#))
        XCTAssertFalse(CredentialScanner.looksLikeCredential(#"{"credentials": "same-origin", "signing": "enabled-always"}"#))
    }

    /// Names the audit of the forty-seventh round found passed: `cred` joined in one case to
    /// a word that says whose it is (`dbcreds`, `X-DBCRED`), `pass-word` as two words, a
    /// version after a dot (`api.key.v2`). Words that only end so, or hold `cred` inside,
    /// and a key's name whose value is no key's shape, stay none.
    func testJoinedOneCaseDottedAndTwoWordNamesNameOne() {
        let key = "kQ7vR2xN9pLm4TzW8yHc3FbJ6sDg"
        for (name, value) in [
            ("X-DBCRED", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"), ("X-DBCREDS", "hunter22"), ("dbcreds", "hunter22"), ("sqlcred", "Tr0ub4dor-and-3"),
            ("X-SVCCREDS", "4829173650184736"), ("nv-admincred", "hunter22"), ("pass-word", "hunter22"), ("Pass_Word", "correct horse"),
            ("x-pass-words", "4829173650184736"), ("api.key.v2", key), ("api.key.2", key), ("X-Api-Token.V2", "hunter22"),
            // The services a credential opens (the audit of the change).
            ("mysqlcreds", "hunter22"), ("X-MSSQLCRED", "hunter22"), ("pgcreds", "hunter22"), ("awscreds", "hunter22"), ("ldapcreds", "hunter22"),
            ("smtpcreds", "hunter22"), ("rediscreds", "hunter22"), ("azurecreds", "hunter22"), ("x-mysqlcred", "hunter22"), ("pass.word", "hunter22"),
            // A qualifier ending the word before `cred` (the audit of the change).
            ("xdbcred", "hunter22"), ("MYDBCRED", "hunter22"), ("mongodbcreds", "hunter22"), ("superusercreds", "hunter22"), ("sysadmincreds", "hunter22"),
            ("postgresqlcreds", "hunter22"), ("webappcreds", "hunter22"),
        ] {
            XCTAssertTrue(CredentialScanner.isCredential(value, under: name), "\(name): \(value)")
        }
        for (name, value) in [
            ("x-sacred", "hello-world-value"), ("X-SACRED", "hello-world-value"), ("X-SACREDS", "hello-world-value"), ("incredible", "hunter22"),
            ("X-INCREDIBLE", "hunter22"), ("accredited", "hunter22"), ("X-ACCREDITED", "hunter22"),
            ("password-policy", "strict"), ("pass-word-length", "hunter22"), ("api.key.v2", "orders-v2"),
            ("dbcreds", "true"), ("pass-words", "false"), ("api.key.v2", "{{api-key}}"),
        ] {
            XCTAssertFalse(CredentialScanner.isCredential(value, under: name), "\(name): \(value)")
        }
        // A JSON member and a KEY=VALUE pair are read by the same names.
        XCTAssertTrue(CredentialScanner.looksLikeCredential(#"{"DBCREDS": "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"}"#))
        XCTAssertTrue(CredentialScanner.looksLikeCredential("Server=db;pass_word=hunter22;"))
        XCTAssertFalse(CredentialScanner.looksLikeCredential(#"{"SACRED": "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"}"#))
    }
}

/// Keys are told apart by their last two letters before any suffix is compared; random
/// keys in any case, short ones and ones ending in other bytes included, must be judged
/// as comparing every credential key suffix, ignoring ASCII case, would judge them.
final class CredentialKeyTests: XCTestCase {
    /// The keys that call their value a credential, as the scanner documents them.
    private static let suffixes = [
        "password", "pwd", "passwd", "passphrase", "passcode", "accountkey", "accesskey", "apikey", "api-key", "api_key", "privatekey",
        "private-key", "private_key", "clientsecret", "-secret", "_secret", "authorization", "subscription-key", "functions-key",
        "pass-phrase", "pass_phrase", "pass-code", "pass_code", "pass-word", "pass_word", "pass.word",
        "secretkey", "secret-key", "secret_key", "encryptionkey", "encryption-key", "encryption_key", "signingkey", "signing-key",
        "signing_key", "aeskey", "aes-key", "aes_key", "hmackey", "hmac-key", "hmac_key",
    ]

    func testKeysAreJudgedByTheirWholeSuffixInAnyCase() {
        let pieces = Self.suffixes + ["a", "e", "y", "d", "t", "n", "-", "_", "@", "`", "\u{7F}", "é", "0", "12", "K", "EY", "WD"]
        var random = SeededRandom(seed: 0xC4ED)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var credentialKeys = 0
        for _ in 0..<100_000 {
            var key = (0..<next(3)).map { _ in pieces[next(pieces.count)] }.joined()
            if next(2) == 0 { key = String(key.suffix(1 + next(4))) }
            // Flip the case of some ASCII letters.
            key = String(decoding: key.utf8.map { byte in
                (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A && next(3) == 0 ? byte ^ 0x20 : byte
            }, as: UTF8.self)
            let lowered = String(decoding: key.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
            // A number after the name counts a key among others or versions it
            // (`TokenEncryptionKey1`, `api-key-v2`): read without it, its `v` and separators.
            var named = lowered.utf8.reversed().drop { $0 >= 0x30 && $0 <= 0x39 }
            if named.count < lowered.utf8.count {
                if named.first == UInt8(ascii: "v") { named = named.dropFirst() }
                named = named.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
            }
            let expected = Self.suffixes.contains { named.starts(with: $0.utf8.reversed()) }
            XCTAssertEqual(CredentialScanner.isCredential("Hunter2pass", under: key), expected, "key '\(key)'")
            if expected { credentialKeys += 1 }
        }
        XCTAssertGreaterThan(credentialKeys, 10_000, "many random keys are credential keys")
    }

    /// A value that stands alone (a named value's) is a credential when it is nothing but a
    /// generated key; identifiers, digests and words run together are not.
    func testBareKeysAreToldFromIdentifiers() {
        for key in [
            "q7Xm2PzR9vKc4TbW8nYh3JdLs6FgA1eQoU5iVxZyNwBk0CtMpH7r==",
            "Xc7mI1fXh8h9kZq3mLq0c8_ZkRkC5mP9vO5x8L5nQ0E",
            "3q2+7w/Zb9Kx1LmN4pQr8sTu5vWx6yZa7bCd0eFg1Hi=",
            // A SendGrid key, whose dots the rule of mixed letters does not take (an audit).
            "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",
        ] {
            XCTAssertTrue(CredentialScanner.looksLikeABareKey(key), key)
            XCTAssertTrue(CredentialScanner.isCredential(key, orNamedSoBy: "value"), key)
        }
        for other in [
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "ContosoOrdersProductionEndpointWestEurope2024",
            "short1Ab",
            "q7Xm2PzR9vKc4TbW8nYh3JdLs6FgA1eQoU5iVxZyNwBk0CtMpH7r.example",
            "q7Xm2PzR9vKc4TbW8nYh3JdLs6FgA1eQoU5iVxZyNwBk0CtMpH7r===",
            "ContosoOrdersProductionEnvironmentWestEurope2024",
            "SG.ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5c",
            "SG.orders.api.contoso.example.com.westeurope.production.2024.release",
            // Words run together with a digit: their lowercase runs are long (audit V77).
            "listOrdersByCustomerIdAndStatusForTenantV2", "GetAListOfAllTheOrdersForAUserInARegionV2",
        ] {
            XCTAssertFalse(CredentialScanner.looksLikeABareKey(other), other)
        }
        // A key among other characters is found by its run; a path of folders named with
        // GUIDs is no key, and a key with '/' in it still is.
        let key = "hVVK/NnA0a3PSYT/TOoYoQKheIRz7skHn1MFGFV8RJzbosUcGsfbpaquq46QXeHdkZUM3nWRIDaC1Q6DaljMUg=="
        XCTAssertEqual(CredentialScanner.keyRuns(in: Array("é|\(key)|".unicodeScalars)), [2..<(2 + key.unicodeScalars.count)])
        XCTAssertEqual(CredentialScanner.keyRuns(in: Array("'/tmp/portcullis-bundle-9A976802-BA9A-42E5-AB78-A52B721095B9/project-EEB13C2B-C688-4FC1-A77F-BBF6ECDF77A8/apis/extra.yaml'".unicodeScalars)), [])
        // Keys as Azure makes them: random Base64 of 32, 40 and 64 bytes, padded; the
        // first rule missed one in twenty-five (this one among them).
        XCTAssertTrue(CredentialScanner.looksLikeABareKey("hVVK/NnA0a3PSYT/TOoYoQKheIRz7skHn1MFGFV8RJzbosUcGsfbpaquq46QXeHdkZUM3nWRIDaC1Q6DaljMUg=="))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var random = SeededRandom(seed: 0x5EED)
        for length in [44, 56, 88] {
            var missed = 0
            for _ in 0..<3_000 {
                let body = (0..<(length - 1)).map { _ in alphabet[random.next(alphabet.count)] }
                let key = String(decoding: body + [UInt8(ascii: "=")], as: UTF8.self)
                if !CredentialScanner.looksLikeABareKey(key) { missed += 1 }
            }
            XCTAssertLessThan(missed, 15, "keys of \(length) characters missed")
        }
    }
}
