import XCTest

@testable import PortcullisSupport

/// Reporters quote lines through `String(scalars:)`, which writes UTF-8 itself: every width
/// of scalar must come out as the scalars went in.
final class StringFromScalarsTests: XCTestCase {
    func testEveryWidthOfScalarComesOutUnchanged() {
        let text = "a é € 𝄞 \u{FFFD} *\u{0}"
        XCTAssertEqual(String(scalars: Array(text.unicodeScalars)), text)
        XCTAssertEqual(String(scalars: Array(text.unicodeScalars)[2..<5]), "é €")
        XCTAssertEqual(String(scalars: [Unicode.Scalar]()), "")
    }

    /// Scalars that make one character together (a letter and its accent) stay two scalars.
    func testCombiningScalarsAreKeptApart() {
        let scalars: [Unicode.Scalar] = ["e", "\u{301}", "x"]
        XCTAssertEqual(Array(String(scalars: scalars).unicodeScalars), scalars)
    }
}
