import XCTest

@testable import PortcullisImport

/// What the round trip says of a document that differs: where, by element, and never the
/// values, which may be credentials lint would mask.
final class RoundTripMessageTests: XCTestCase {
    func canonical(_ text: String) throws -> String {
        try XCTUnwrap(RoundTrip.canonical(Array(text.utf8)))
    }

    func testADifferentValueIsNamedByItsElementAndNotQuoted() throws {
        let secret = "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.abc"
        let estate = try canonical(
            "<policies><inbound><set-header name=\"Authorization\" exists-action=\"override\"><value>\(secret)</value></set-header></inbound></policies>")
        let built = try canonical(
            "<policies><inbound><set-header name=\"Authorization\" exists-action=\"override\"><value>other</value></set-header></inbound></policies>")
        let message = RoundTrip.firstDifference(estate, built)
        XCTAssertEqual(message, "line 5 of its canonical form, a text value, has other attributes or text in the build")
        XCTAssertFalse(message.contains("eyJ"))
    }

    func testAnotherStatementIsNamed() throws {
        let estate = try canonical("<policies><inbound><find-and-replace from=\"key-123\" to=\"x\" /></inbound></policies>")
        let built = try canonical("<policies><inbound><set-backend-service base-url=\"https://a.example.com\" /></inbound></policies>")
        XCTAssertEqual(
            RoundTrip.firstDifference(estate, built),
            "line 3 of its canonical form differs: the estate has <find-and-replace>, the build writes <set-backend-service>")
    }
}
