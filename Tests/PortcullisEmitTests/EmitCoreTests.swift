import XCTest

@testable import PortcullisEmit

final class PolicyWriterTests: XCTestCase {
    /// How the writer writes `value` in an attribute, or as an element's text.
    static func written(_ value: PolicyValue, inAttribute: Bool) -> String {
        var writer = PolicyWriter()
        if inAttribute {
            writer.element("e", [("a", value)])
            return String(writer.text.dropFirst(#"<e a=""#.count).dropLast(#"" />"#.count + 1))
        }
        writer.element("e", text: value)
        return String(writer.text.dropFirst("<e>".count).dropLast("</e>\n".count))
    }

    func testLiteralsAreAlwaysEscaped() {
        var writer = PolicyWriter()
        writer.element("set-header", [("name", .literal("X-\"<&>")), ("exists-action", .literal("override"))]) { writer in
            writer.element("value", text: .literal("a < b & \"c\""))
            writer.element("value", text: .code("@(context.Request.Headers.GetValueOrDefault(\"A\", \"<\"))"))
        }
        XCTAssertEqual(
            writer.text,
            """
            <set-header name="X-&quot;&lt;&amp;&gt;" exists-action="override">
                <value>a &lt; b &amp; "c"</value>
                <value>@(context.Request.Headers.GetValueOrDefault("A", "<"))</value>
            </set-header>

            """)
    }

    /// The language rejects such literals; should one arrive, it must stay text.
    func testALiteralThatLooksLikeAnExpressionStaysText() {
        XCTAssertEqual(Self.written(.literal("@(context.User.Id)"), inAttribute: true), "@(\"@(context.User.Id)\")")
        XCTAssertEqual(Self.written(.literal("  @{ return 1; }"), inAttribute: false), "@(\"  @{ return 1; }\")")
        XCTAssertEqual(Self.written(.literal("mail@(example)"), inAttribute: true), "mail@(example)")
    }

    func testCSharpStringsEscapeEverythingThatEndsThem() {
        XCTAssertEqual(PolicyExpression.csharpString("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"")
        // No '{{name}}' for APIM to fill in before the code is compiled.
        XCTAssertEqual(PolicyExpression.csharpString("a{{b}}"), #""a\u007B{b}}""#)
        XCTAssertEqual(PolicyExpression.csharpString("{{{b}}} {x}"), #""\u007B\u007B{b}}} {x}""#)
    }

    func testEmptyElementsSelfClose() {
        var writer = PolicyWriter()
        writer.element("base")
        writer.element("audiences") { _ in }
        XCTAssertEqual(writer.text, "<base />\n<audiences />\n")
    }
}

extension YAMLValue {
    /// `text` as a document writes it, without the line break after it.
    static func scalar(_ text: String) -> String {
        String(YAMLValue.string(text).render().dropLast())
    }
}

final class YAMLWriterTests: XCTestCase {
    func testScalarsThatYAMLCouldMisreadAreQuoted() {
        XCTAssertEqual(YAMLValue.scalar("orders"), "orders")
        XCTAssertEqual(YAMLValue.scalar("list-orders"), "list-orders")
        for text in ["1", "3.0", "true", "No", "null", "", "a: b", "#x", "-x", "/orders", "x y", "{a}", "caf\u{E9}"] {
            XCTAssertTrue(YAMLValue.scalar(text).hasPrefix("\""), text)
        }
        XCTAssertEqual(YAMLValue.scalar("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"")
    }

    func testNestedStructure() {
        let value = YAMLValue.mapping([
            ("a", .sequence([.mapping([("b", .integer(1)), ("c", .sequence([]))]), .string("d")])),
            ("e", .mapping([])),
        ])
        XCTAssertEqual(value.render(), "a:\n  - b: 1\n    c: []\n  - d\ne: {}\n")
    }
}

final class BundleIndexTests: XCTestCase {
    func testPathsStayInsideTheOutputFolder() {
        for path in ["gateway.json", "apim/apis/orders/policy.xml", "apim/named values/x/namedValueInformation.json"] {
            XCTAssertTrue(BundleIndex.isContained(path), path)
        }
        for path in ["", "/etc/passwd", "../x", "apim/../../x", "apim//x", "apim/./x", "a\\b", "a\u{0}b", "apim/x/"] {
            XCTAssertFalse(BundleIndex.isContained(path), path)
        }
    }
}
