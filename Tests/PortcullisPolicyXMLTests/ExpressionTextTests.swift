import XCTest

@testable import PortcullisPolicyXML

/// What an expression's code always makes, read from its string literals.
final class ExpressionTextTests: XCTestCase {
    func testConstantTextIsCodeOfNothingButStrings() {
        XCTAssertEqual(ExpressionExtent.constantText(in: #"@("Basic " + "dXNl")"#), "Basic dXNl")
        XCTAssertEqual(ExpressionExtent.constantText(in: #"@{ return "a" + @"b""c"; }"#), #"ab"c"#)
        XCTAssertNil(ExpressionExtent.constantText(in: #"@("http://" + host)"#))
        XCTAssertNil(ExpressionExtent.constantText(in: #"@($"http://{host}/x")"#))
    }

    /// The start a value always has: the literals the code starts with, up to the first
    /// code (a name, a method call, an interpolated part).
    func testLeadingTextIsTheLiteralsTheCodeStartsWith() {
        XCTAssertEqual(ExpressionExtent.leadingText(in: #"@("http://api.example.com/x?q=" + context.Request.Url.Query)"#), "http://api.example.com/x?q=")
        XCTAssertEqual(ExpressionExtent.leadingText(in: #"@("http://" + "b.example.com/" + path)"#), "http://b.example.com/")
        XCTAssertEqual(ExpressionExtent.leadingText(in: #"@($"http://{host}/x")"#), "http://")
        XCTAssertEqual(ExpressionExtent.leadingText(in: #"@{ return "{{base}}/op?" + id; }"#), "{{base}}/op?")
        XCTAssertEqual(ExpressionExtent.leadingText(in: #"@("a" + "b")"#), "ab")
        XCTAssertNil(ExpressionExtent.leadingText(in: #"@(context.Variables["url"] + "/x")"#))
        XCTAssertNil(ExpressionExtent.leadingText(in: #"@(secure ? "https://a" : "http://b")"#))
        XCTAssertNil(ExpressionExtent.leadingText(in: #"@("unended + x)"#))
    }
}
