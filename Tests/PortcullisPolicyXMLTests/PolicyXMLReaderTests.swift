import PortcullisDiagnostics
import XCTest

@testable import PortcullisPolicyXML

final class PolicyXMLReaderTests: XCTestCase {
    private func read(_ text: String) -> (PolicyXMLDocument?, [Diagnostic]) {
        var diagnostics = DiagnosticCollector()
        let document = PolicyXMLReader.read(Array(text.utf8), placement: .file(FileID(0)), what: "policy file 'p.xml'", diagnostics: &diagnostics)
        return (document, diagnostics.diagnostics)
    }

    /// Rules, the resolver and the secret scan read a document's elements from the index
    /// made while reading it: every element, nested ones too, in document order.
    func testEveryElementIsIndexedInDocumentOrder() throws {
        let text = """
            <policies>
                <inbound>
                    <validate-azure-ad-token tenant-id="a" />
                    <choose>
                        <when condition="@(true)"><validate-jwt header-name="Authorization" /></when>
                        <otherwise><validate-azure-ad-token tenant-id="b" /></otherwise>
                    </choose>
                </inbound>
            </policies>
            """
        let document = try XCTUnwrap(read(text).0)
        XCTAssertEqual(
            document.allElements.map(\.name),
            ["policies", "inbound", "validate-azure-ad-token", "choose", "when", "validate-jwt", "otherwise", "validate-azure-ad-token"])
        let checks = document.elements(named: ["validate-jwt", "validate-azure-ad-token"])
        XCTAssertEqual(checks.map(\.name), ["validate-azure-ad-token", "validate-jwt", "validate-azure-ad-token"])
        XCTAssertEqual(checks.map(\.nameSpan.lowerBound), checks.map(\.nameSpan.lowerBound).sorted())
        XCTAssertEqual(document.elements(named: ["set-body"]).count, 0)
    }

    /// libxml2 keeps namespace declarations apart from attributes: each attribute's value
    /// was taken by position, so one after a declaration got the next one's value, or none
    /// (found while making a default namespace PX002).
    func testAnAttributeAfterANamespaceDeclarationKeepsItsValue() throws {
        let document = try XCTUnwrap(read(#"<policies><inbound><set-header xmlns="urn:x" name="X-A" exists-action="override" /></inbound></policies>"#).0)
        let header = try XCTUnwrap(document.elements(named: ["set-header"]).first)
        XCTAssertEqual(header.attribute("name")?.value.written, "X-A")
        XCTAssertEqual(header.attribute("exists-action")?.value.written, "override")
    }

    func testExpressionsWithQuotesAndAngleBracketsAreReadVerbatim() throws {
        let text = """
            <policies>
                <inbound>
                    <base />
                    <choose>
                        <when condition="@(context.Request.Headers.GetValueOrDefault("Authorization","") != "" && 1 < 2)">
                            <set-body>@{ var body = context.Request.Body.As<JObject>(); return $"{body["a"]}"; }</set-body>
                        </when>
                    </choose>
                    <set-header name="x-a&amp;b" exists-action="override"><value>a &lt; b</value></set-header>
                </inbound>
            </policies>
            """
        let (document, diagnostics) = read(text)
        XCTAssertEqual(diagnostics.map(\.message), [])
        let root = try XCTUnwrap(document).root
        XCTAssertEqual(root.name, "policies")
        let inbound = try XCTUnwrap(root.elements.first)
        XCTAssertEqual(inbound.elements.map(\.name), ["base", "choose", "set-header"])
        let when = try XCTUnwrap(inbound.elements[1].elements.first)
        XCTAssertEqual(
            when.attribute("condition")?.value,
            .expression(#"@(context.Request.Headers.GetValueOrDefault("Authorization","") != "" && 1 < 2)"#))
        XCTAssertEqual(
            when.elements.first?.textValue, .expression(#"@{ var body = context.Request.Body.As<JObject>(); return $"{body["a"]}"; }"#))
        let header = inbound.elements[2]
        XCTAssertEqual(header.attribute("name")?.value, .text("x-a&b"))
        XCTAssertEqual(header.elements.first?.textValue, .text("a < b"))
        // Places: the "when" element's name is on line 5, after 12 spaces and '<'.
        XCTAssertEqual(document?.range(when.nameSpan).start, SourcePosition(line: 5, column: 14))
        XCTAssertEqual(document?.source(header.span).hasPrefix("<set-header name=\"x-a&amp;b\""), true)
        XCTAssertEqual(document?.source(header.span).hasSuffix("</set-header>"), true)
    }

    /// libxml2's SAX2 interface, which the reader takes values from, hands an attribute's
    /// `&` over as `&#38;` for a tree builder to resolve and reports text in runs: values
    /// and text read as libxml2's tree had them, a written `&amp;#38;` the text `&#38;`,
    /// line ends in a value spaces, and text around a processing instruction two runs.
    func testValuesAndTextReadAsLibxml2sTreeHadThem() throws {
        let text = "<policies><inbound><set-header name=\"a&amp;b&#38;c&amp;#38;\nd&lt;\" exists-action=\"override\"><value>x&amp;y&#233;</value></set-header>"
            + "<set-body>one<?pi?>two</set-body></inbound></policies>"
        let (document, diagnostics) = read(text)
        XCTAssertEqual(diagnostics.map(\.message), [])
        let inbound = try XCTUnwrap(document?.root.elements.first)
        let header = inbound.elements[0]
        XCTAssertEqual(header.attribute("name")?.value, .text("a&b&c&#38; d<"))
        XCTAssertEqual(header.elements.first?.textValue, .text("x&y\u{E9}"))
        XCTAssertEqual(inbound.elements[1].children.compactMap { if case .text(.text(let run), _) = $0 { run } else { nil } }, ["one", "two"])
    }

    /// libxml2 reports each CDATA section in a call of its own, an empty one too: sections
    /// one after another were taken for one, so what followed them was refused, or given
    /// the value of the text after it (`ax&y` for `abx&y`).
    func testCDATASectionsOneAfterAnotherAreEachRead() throws {
        let (document, diagnostics) = read(
            "<policies><inbound><set-header name=\"X-A\" exists-action=\"override\"><value><![CDATA[a]]><![CDATA[b]]>x&amp;y</value></set-header>"
                + "<set-body><![CDATA[]]><![CDATA[]]><!-- none --></set-body></inbound></policies>")
        XCTAssertEqual(diagnostics.map(\.message), [])
        let inbound = try XCTUnwrap(document?.root.elements.first)
        XCTAssertEqual(inbound.elements.first?.elements.first?.textValue, .text("abx&y"))
        XCTAssertEqual(inbound.elements.last?.children.count, 3)
    }

    /// XML joins an element's text, CDATA sections and references, and drops comments and
    /// processing instructions; whether APIM looks for an expression in the joined text or
    /// in each piece, its pages do not say. Text that is an expression one way and not the
    /// other is refused where it starts; an expression with white space and comments around
    /// it, or with markup in its code, is one either way.
    func testAnExpressionThatOnlyJoinedPiecesMakeIsRefused() throws {
        let joins = "the text of 'value' starts a policy expression only once XML joins its pieces or resolves its references"
        let follows = "text follows the policy expression that starts at this element's text"
        let comesAfter = "a policy expression follows other text of 'value'"
        let refused: [(text: String, message: String, column: Int)] = [
            ("@<!-- -->(context.RequestId)", joins, 1),
            ("@<![CDATA[(context.RequestId)]]>", joins, 1),
            ("  <![CDATA[@]]>(context.RequestId)", joins, 3),
            ("@<?pi?>(context.RequestId)", joins, 1),
            ("&#64;(context.RequestId)", joins, 1),
            ("@(context.RequestId)<![CDATA[x]]>", follows, 21),
            ("@(context.RequestId) <!-- one --> @(context.RequestId)", follows, 35),
            ("x<![CDATA[@(context.RequestId)]]>", comesAfter, 2),
            ("x<!-- -->  @{ return context.RequestId; }", comesAfter, 12),
        ]
        for (text, message, column) in refused {
            let (document, diagnostics) = read("<value>\(text)</value>")
            XCTAssertNil(document, text)
            XCTAssertEqual(diagnostics.map(\.message), [message], text)
            XCTAssertEqual(diagnostics.first?.range.start, SourcePosition(line: 1, column: 7 + column), text)
        }
        let read: [(text: String, value: PolicyXMLValue)] = [
            ("@(context.RequestId)<!-- the caller's -->", .expression("@(context.RequestId)")),
            ("\n  <!-- the caller's -->\n  @{ return context.RequestId; }\n  <![CDATA[ ]]>\n", .expression("@{ return context.RequestId; }")),
            ("<![CDATA[ @(context.RequestId) ]]>", .expression("@(context.RequestId)")),
            ("@(context.RequestId<!-- a comment --> + <![CDATA[\"<\"]]>)", .expression("@(context.RequestId<!-- a comment --> + <![CDATA[\"<\"]]>)")),
            ("@<![CDATA[ ]]>(context.RequestId)", .text("@ (context.RequestId)")),
            ("x @(context.RequestId)<!-- -->", .text("x @(context.RequestId)")),
        ]
        for (text, value) in read {
            let (document, diagnostics) = self.read("<value>\(text)</value>")
            XCTAssertEqual(diagnostics.map(\.message), [], text)
            XCTAssertEqual(document?.root.textValue, value, text)
        }
        // Each run of text between two elements is judged alone.
        let (document, diagnostics) = self.read("<set-body>x<base />@(context.RequestId)</set-body>")
        XCTAssertEqual(diagnostics.map(\.message), [])
        XCTAssertEqual(document?.root.children.count, 3)
        // An attribute's value is one piece, judged with its references resolved.
        let resolved = "the value of 'name' starts a policy expression only once XML resolves its references"
        let spaced = "the value of 'name' starts a policy expression only after white space"
        for (value, message) in [
            ("&#64;(context.RequestId)", resolved), ("&#32;&#x40;{ return 1; }", resolved), (" @(context.RequestId)", spaced), ("a&#64;(b)", nil), ("&#64;b", nil),
        ] {
            let (document, diagnostics) = self.read("<set-header name=\"\(value)\" />")
            XCTAssertEqual(document == nil, message != nil, value)
            XCTAssertEqual(diagnostics.map(\.message), message.map { [$0] } ?? [], value)
        }
    }

    /// libxml2's check that no attribute of an element repeats compares each with every one
    /// before it: an element of more attributes than the limit is refused before libxml2
    /// reads it, where the first one past the limit stands.
    func testAnElementOfTooManyAttributesIsRefusedBeforeParsing() throws {
        func statement(_ count: Int) -> String {
            "<policies>\n<inbound><set-header" + (0..<count).map { " a\($0)=\"\"" }.joined() + " /></inbound></policies>"
        }
        let limit = PolicyXMLReader.maximumAttributes
        XCTAssertEqual(read(statement(limit)).0?.root.elements.first?.elements.first?.attributes.count, limit)
        let (document, diagnostics) = read(statement(limit + 1))
        XCTAssertNil(document)
        XCTAssertEqual(diagnostics.map(\.message), ["'set-header' has more attributes than the limit of 256"])
        let column = "<inbound><set-header".count + (0..<limit).map { " a\($0)=\"\"" }.joined().count + 2
        XCTAssertEqual(diagnostics.first?.range.start, SourcePosition(line: 2, column: column))
    }

    /// An `xml:id` that is no name, or that another element has too, is well-formed XML:
    /// libxml2's tree builder, which the reader no longer uses, refused it with a validity
    /// error, which is no concern of a policy's.
    func testAnXMLIDIsNotValidated() throws {
        let (document, diagnostics) = read(#"<policies xml:id="1"><inbound><base xml:id="a" /><base xml:id="a" /></inbound></policies>"#)
        XCTAssertEqual(diagnostics.map(\.message), [])
        XCTAssertEqual(document?.root.elements.first?.elements.map(\.name), ["base", "base"])
    }

    func testNotWellFormedIsLocated() {
        let (document, diagnostics) = read("<policies>\n  <inbound>\n    <base>\n  </inbound>\n</policies>\n")
        XCTAssertNil(document)
        XCTAssertEqual(diagnostics.map(\.code), [.policyXMLSyntax])
        XCTAssertEqual(diagnostics.first?.range.start.line, 4, diagnostics.first?.message ?? "")
        XCTAssertTrue(diagnostics.first?.message.contains("not well-formed XML") == true, diagnostics.first?.message ?? "")
    }

    func testDocumentTypeDeclarationsAreRefusedBeforeParsing() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n<policies>&b;</policies>\n"
        let (document, diagnostics) = read(text)
        XCTAssertNil(document)
        XCTAssertEqual(diagnostics.map(\.message), ["a document type declaration is not allowed in a policy"])
        XCTAssertEqual(diagnostics.first?.range.start, SourcePosition(line: 2, column: 1))
    }

    func testUnterminatedExpressionIsLocated() {
        let (document, diagnostics) = read("<policies>\n<inbound><set-variable name=\"a\" value=\"@(foo(\" /></inbound></policies>")
        XCTAssertNil(document)
        XCTAssertEqual(diagnostics.map(\.message), ["the policy expression that starts here never ends"])
        XCTAssertEqual(diagnostics.first?.range.start, SourcePosition(line: 2, column: 40))
    }

    /// XML reads a lone CR as a line end, and so does C#: a `//` comment ends there.
    func testALineCommentInAnExpressionEndsAtALoneCR() throws {
        let text = "<policies>\r<inbound>\r<set-body>@{\r// the id\rreturn context.RequestId; }</set-body>\r</inbound>\r</policies>\r"
        let (document, diagnostics) = read(text)
        XCTAssertEqual(diagnostics.map(\.message), [])
        let body = try XCTUnwrap(document?.root.elements.first?.elements.first)
        XCTAssertEqual(body.textValue, .expression("@{\r// the id\rreturn context.RequestId; }"))
    }

    /// libxml2 lists the bytes on a second line; a message is one line.
    func testLibxml2MessagesAreOneLine() {
        var diagnostics = DiagnosticCollector()
        let bytes = Array("<policies>\n<inbound><set-variable name=\"a\" value=\"".utf8) + [0xFF, 0xFE] + Array("\" /></inbound></policies>".utf8)
        _ = PolicyXMLReader.read(bytes, placement: .file(FileID(0)), what: "policy file 'p.xml'", diagnostics: &diagnostics)
        XCTAssertEqual(
            diagnostics.diagnostics.map(\.message), ["policy file 'p.xml' is not well-formed XML: input is not proper UTF-8, indicate encoding !"])
        XCTAssertEqual(diagnostics.diagnostics.first?.range.start, SourcePosition(line: 2, column: 40))
    }

    func testOversizedDocumentIsRefused() {
        let text = "<policies><!--" + String(repeating: "x", count: PolicyXMLReader.maximumSize) + "--></policies>"
        let (document, diagnostics) = read(text)
        XCTAssertNil(document)
        XCTAssertEqual(diagnostics.map(\.code), [.inputLimit])
    }

    func testBlockPlacementShiftsLinesAndColumns() throws {
        var diagnostics = DiagnosticCollector()
        let text = Array("<policies>\n  <inbound>\n    <bad\n</policies>\n".utf8)
        _ = PolicyXMLReader.read(text, placement: .block(FileID(3), firstLine: 10, indent: 4), what: "the policy", diagnostics: &diagnostics)
        let range = try XCTUnwrap(diagnostics.diagnostics.first?.range)
        XCTAssertEqual(range.file, FileID(3))
        XCTAssertGreaterThanOrEqual(range.start.line, 12)
        XCTAssertGreaterThan(range.start.column, 4)
    }
}
