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
}
