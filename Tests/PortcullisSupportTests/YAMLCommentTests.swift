import PortcullisSupport
import XCTest

/// Finding a line's comment: only a `#` that YAML reads as one, so masking a comment never
/// hides a value and a value's `#` never hides the comment after it.
final class YAMLCommentTests: XCTestCase {
    /// The scalar offset of the comment; reading the line's UTF-8 bytes, as suppression
    /// comments are found, must give the same place.
    private func start(_ line: String, file: StaticString = #filePath, lineNumber: UInt = #line) -> Int? {
        let scalars = YAMLComment.start(in: Array(line.unicodeScalars))
        let bytes = Array(line.utf8)
        let byteOffset = YAMLComment.start(in: bytes[...])
        XCTAssertEqual(
            byteOffset.map { String(decoding: bytes[..<$0], as: UTF8.self).unicodeScalars.count }, scalars,
            "bytes and scalars disagree on \(line)", file: file, line: lineNumber)
        return scalars
    }

    func testHashAtLineStartOrAfterWhiteSpaceStartsAComment() {
        XCTAssertEqual(start("# all of it"), 0)
        XCTAssertEqual(start("  # indented"), 2)
        XCTAssertEqual(start("ttl: 5s # why"), 8)
        XCTAssertEqual(start("ttl: 5s\t# why"), 8)
        XCTAssertEqual(start("ttl: 5s # one # two"), 8)
    }

    func testHashInsideAWordIsNotAComment() {
        XCTAssertNil(start("path: /orders#top"))
        XCTAssertNil(start("color: a#b"))
        XCTAssertEqual(start("color: a#b # note"), 11)
    }

    func testHashInsideAQuotedScalarIsNotAComment() {
        XCTAssertNil(start(#"note: "a #b""#))
        XCTAssertNil(start("note: 'a #b'"))
        XCTAssertEqual(start(#"note: "a #b" # after"#), 13)
        XCTAssertEqual(start(##"{a: "x #", b: 'y #'} # after"##), 21)
        XCTAssertEqual(start(##"list: ["#", '#'] # after"##), 17)
    }

    func testEscapesInsideQuotedScalars() {
        XCTAssertNil(start(#"note: "say \" #not" "#))
        XCTAssertEqual(start(#"note: "ends in \\" # after"#), 19)
        XCTAssertNil(start("note: 'it''s #not'"))
        XCTAssertEqual(start("note: 'it''s' # after"), 14)
    }

    func testApostropheInsideAPlainScalarDoesNotOpenAQuote() {
        XCTAssertEqual(start("note: it's fine # after"), 16)
        XCTAssertEqual(start(#"note: 5" screen # after"#), 16)
    }

    func testLineWithoutAComment() {
        XCTAssertNil(start(""))
        XCTAssertNil(start("ttl: 5s"))
        XCTAssertNil(start(#"note: "never closed # inside"#))
    }
}
