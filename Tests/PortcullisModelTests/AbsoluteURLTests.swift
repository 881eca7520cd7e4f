import XCTest

@testable import PortcullisModel

/// `backend`, `url` and Key Vault references must be absolute http(s) URLs with a host; the
/// check reads bytes, and must not accept what a reader of characters would reject.
final class AbsoluteURLTests: XCTestCase {
    func testURLsWithASchemeAndAHostAreAccepted() {
        for url in [
            "https://a", "HTTPS://a", "Http://x/y", "https://bücher.example/ü", "https://{{host}}/orders",
            "https://a\u{301}", "https://ü.example", "https://a?b#c",
        ] {
            XCTAssertTrue(DecodingContext.isAbsoluteURL(url), url)
        }
    }

    func testURLsWithoutASchemeOrAHostOrWithSpacesAreRejected() {
        for url in [
            "", "https:", "https:/", "https://", "https:///x", "https://?a", "https://#a", "ftp://a", "httpsx://a",
            "//a", "https//a", "https://a b", "https://a\tb", "https://a\nb", "https://a\rb", " https://a",
            "https:/\u{301}/a",
            // A mark after the scheme joins its '/' into another character: there is no "//".
            "https://\u{301}a", "https://\u{200D}a",
        ] {
            XCTAssertFalse(DecodingContext.isAbsoluteURL(url), url.debugDescription)
        }
    }
}
