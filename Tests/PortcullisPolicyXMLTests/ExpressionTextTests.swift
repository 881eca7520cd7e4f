import XCTest

@testable import PortcullisPolicyXML

/// What an expression's code always makes, read from its string literals.
final class ExpressionTextTests: XCTestCase {
    func testConstantTextIsCodeOfNothingButStrings() {
        XCTAssertEqual(ExpressionExtent.constantText(in: #"@("Basic " + "dXNl")"#), "Basic dXNl")
        XCTAssertEqual(ExpressionExtent.constantText(in: #"@{ return "a" + @"b""c"; }"#), #"ab"c"#)
        XCTAssertNil(ExpressionExtent.constantText(in: #"@("http://" + host)"#))
        XCTAssertNil(ExpressionExtent.constantText(in: #"@($"http://{host}/x")"#))
        // Comments, a string's own text and the case of one literal (audit V88).
        XCTAssertEqual(ExpressionExtent.constantText(in: #"@("orders.read" /* x */)"#), "orders.read")
        XCTAssertEqual(ExpressionExtent.constantText(in: "@(\"orders\" + // x\n \".read\")"), "orders.read")
        XCTAssertEqual(ExpressionExtent.constantText(in: #"@("orders.read".ToString())"#), "orders.read")
        XCTAssertEqual(ExpressionExtent.constantText(in: #"@("Orders.READ".ToLowerInvariant())"#), "orders.read")
        XCTAssertEqual(ExpressionExtent.constantText(in: #"@(" orders.read ".Trim() + "")"#), "orders.read")
        // The case of a sum is not read: which literals it changes is the brackets'.
        XCTAssertNil(ExpressionExtent.constantText(in: #"@("Orders" + ".READ".ToLower())"#))
        XCTAssertNil(ExpressionExtent.constantText(in: #"@("orders.read".Substring(0, 6))"#))
    }

    /// Numbers written out, alone or computed, are read as C# computes them (audit V88).
    func testIntegerValuesOfNumbersWrittenOut() {
        for (code, value) in [("@(1-1)", 0), ("@(60 * 60)", 3600), ("@((2 + 3) * -(4))", -20), ("7 % 4", 3), ("@(0x10 / 3)", 5), ("@(1_000L)", 1000), ("@(1 /* x */ - 1)", 0), ("@(10 // ten\n)", 10)] {
            XCTAssertEqual(ExpressionExtent.integerValue(of: code), value, code)
        }
        for code in ["@(1 / 0)", "@(a - 1)", "@(1 -)", "@((1)", "@(9223372036854775807 + 1)", "@(\"1\")"] {
            XCTAssertNil(ExpressionExtent.integerValue(of: code), code)
        }
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

    /// Where each `{{name}}` stands in code, which decides what its value may hold.
    func testReferencesAreReadWithTheirPlaces() {
        let code = #"@({{limit}} > 2 && "{{a}}" == @"{{b}}" && $"x{{c}}{d}" == $@"{{e}}" && '{{f}}' == 'x' /* {{g}} */ // {{h}}"# + "\n)"
        let found = ExpressionExtent.references(in: code)
        XCTAssertEqual(found.map(\.name), ["limit", "a", "b", "c", "e", "f", "g", "h"])
        XCTAssertEqual(
            found.map(\.place), [.code, .string, .verbatimString, .interpolatedString, .verbatimInterpolatedString, .character, .blockComment, .lineComment])
        // Code without an end may be ended by a value: every reference is taken as code.
        XCTAssertEqual(ExpressionExtent.references(in: #"@(x != "{{pk}})"#).map(\.place), [.code])
        XCTAssertEqual(ExpressionExtent.references(in: #"@("{{not a name}}" + "{{}}")"#).map(\.name), [])
    }

    /// What a value may hold in each place without becoming code.
    func testAPlaceKeepsOnlyValuesThatStayItsText() {
        let place = ExpressionExtent.ReferencePlace.self
        XCTAssertTrue(place.string.keeps("s3cr3t-partner-k3y"))
        XCTAssertFalse(place.string.keeps(#"x" && "a" == "b"#))
        XCTAssertFalse(place.string.keeps(#"C:\temp"#))
        XCTAssertTrue(place.verbatimString.keeps(#"C:\temp"#))
        XCTAssertFalse(place.verbatimString.keeps(#"x" + "y"#))
        XCTAssertTrue(place.string.keeps("{x}"))
        XCTAssertFalse(place.interpolatedString.keeps("{context.Subscription.Key}"))
        XCTAssertTrue(place.code.keeps("42"))
        XCTAssertTrue(place.code.keeps("-1.5"))
        XCTAssertTrue(place.code.keeps("false"))
        XCTAssertFalse(place.code.keeps("42 || true"))
        XCTAssertFalse(place.code.keeps("1.2.3"))
        XCTAssertFalse(place.code.keeps(""))
        XCTAssertFalse(place.lineComment.keeps("x\nreturn true;"))
        XCTAssertFalse(place.lineComment.keeps("x\u{2028}return true;"))
        XCTAssertFalse(place.blockComment.keeps("*/ true /*"))
    }
}
