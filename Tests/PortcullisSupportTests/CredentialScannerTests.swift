import PortcullisSupport
import XCTest

/// The edges of the one credential test: what sits next to a credential shape but is not one.
final class CredentialScannerTests: XCTestCase {
    func testReferencesPlaceholdersAndShortParametersAreNotCredentials() {
        for text in [
            "Password={{db-password}}", "Server=db;Password=<your password>", "Server=db;Password=;",
            "https://orders.example.com/v1?code=404", "https://deploy@orders.example.com/v1",
            "https://deploy:{{password}}@orders.example.com", "see ops@contoso.com", "passwordless=true",
            "AKIAIOSFODNN7EXAMPLEXX", "task_live_feed", "-----BEGIN CERTIFICATE-----", "eyJhbGciOiJIUzI1NiJ9",
        ] {
            XCTAssertFalse(CredentialScanner.looksLikeCredential(text), text)
        }
    }

    func testCredentialsInsideLongerText() {
        for text in [
            "Server=db;DbPassword=Hunter2pass", "connect with password = Hunter2pass please",
            "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl'",
            "(AKIAIOSFODNN7EXAMPLE)", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
        ] {
            XCTAssertTrue(CredentialScanner.looksLikeCredential(text), text)
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
}
