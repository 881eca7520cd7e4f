import XCTest

@testable import PortcullisEmit

/// The writers never emit a character their format cannot carry, even for a value the
/// front end would have refused.
final class OutputEscapingTests: XCTestCase {
    func testYAMLEscapesEveryInvisibleCharacter() {
        XCTAssertEqual(YAMLValue.scalar("a\u{1B}[2Jb"), "\"a\\x1B[2Jb\"")
        XCTAssertEqual(YAMLValue.scalar("\u{0}\u{7F}\u{85}\u{9F}"), "\"\\x00\\x7F\\x85\\x9F\"")
        XCTAssertEqual(YAMLValue.scalar("a\u{2028}b\u{2029}c\u{FEFF}d\u{FFFE}\u{FFFF}"), "\"a\\u2028b\\u2029c\\uFEFFd\\uFFFE\\uFFFF\"")
        XCTAssertEqual(YAMLValue.scalar("tab\there\r\n"), "\"tab\\there\\r\\n\"")
        XCTAssertEqual(YAMLValue.scalar("caf\u{E9} \u{A0}"), "\"caf\u{E9} \u{A0}\"", "printable text stays as it is")
    }

    func testYAMLWritesPlainOnlyLetterLedWords() {
        for plain in ["orders", "list-orders", "orders.read", "v1_beta/x", "e3", "x0"] {
            XCTAssertEqual(YAMLValue.scalar(plain), plain)
        }
        for typed in ["3.0.3", "012", "1_000", "0x1F", "2024-01-01", ".inf", "~", "=", "Yes", "oFF", "Y", "n", "NULL", "", "-x", "a b"] {
            XCTAssertEqual(YAMLValue.scalar(typed).first, "\"", typed)
        }
    }

    func testXMLNeverCarriesACharacterXMLCannotHold() {
        let text = "a\u{1B}b\u{0}c\u{FFFE}d\u{FFFF}e\u{7F}\u{85}"
        XCTAssertEqual(PolicyWriterTests.written(.literal(text), inAttribute: false), "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{7F}\u{85}")
        XCTAssertEqual(PolicyWriterTests.written(.literal(text), inAttribute: true), "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{7F}\u{85}")
    }

    /// A literal the language would have refused is written as a C# string, never as code,
    /// whatever white space hides its '@('.
    func testLiteralExpressionsBehindUnicodeWhiteSpaceStayText() {
        for space in ["", " ", "\u{A0}", "\u{2028}", "\u{2029}", "\u{85}", "\u{3000}", "\u{FEFF}", "\u{200B}"] {
            let rendered = PolicyWriterTests.written(.literal(space + "@(context.User.Email)"), inAttribute: false)
            XCTAssertTrue(rendered.hasPrefix("@(\""), "\(Array(space.unicodeScalars)): \(rendered)")
            XCTAssertTrue(rendered.hasSuffix("@(context.User.Email)\")"), rendered)
        }
        XCTAssertEqual(
            PolicyWriterTests.written(.literal("\u{1B}@(x)"), inAttribute: false), "@(\"\\u001B@(x)\")",
            "the C# string escapes the control character")
    }
}
