import Foundation
import PortcullisDiagnostics
import XCTest

@testable import PortcullisPolicyXML

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// APIM's `xml` form of a `rawxml` document: well-formed XML from which an XML parser hands
/// back exactly the code APIM compiles from the `rawxml` text.
final class XMLFormTests: XCTestCase {
    private func xmlForm(_ rawxml: String) -> String? {
        PolicyXMLReader.xmlForm(Array(rawxml.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    func testExpressionsAreEscapedAndTheRestIsKept() {
        let cases: [(rawxml: String, xml: String)] = [
            // Markup characters of the code; the attribute's own quote only.
            (
                #"<a b="@(x("(\")") && y < 1)" c="d &amp; e"><v>@{ return ')' > 'a'; }</v><w>f@(g)</w></a>"#,
                #"<a b="@(x(&quot;(\&quot;)&quot;) &amp;&amp; y &lt; 1)" c="d &amp; e"><v>@{ return ')' &gt; 'a'; }</v><w>f@(g)</w></a>"#
            ),
            (#"<a b='@("x" + 'y'.ToString())' />"#, #"<a b='@("x" + &apos;y&apos;.ToString())' />"#),
            // References mean their character to APIM in `rawxml`: the same character in
            // `xml`, not the reference's text (`&amp;quot;` would compile as `&quot;`).
            (#"<a b="@(&quot;x&quot; + &#34;y&#x22;)" />"#, #"<a b="@(&quot;x&quot; + &quot;y&quot;)" />"#),
            // A reference XML does not know is text of the code.
            (#"<a b="@(&quot;&nbsp;&quot;)" />"#, #"<a b="@(&quot;&amp;nbsp;&quot;)" />"#),
            // A line end in an attribute would be read as a space, and a `//` comment would
            // then run to the expression's end.
            ("<a b=\"@{\n  // note\n  return 1;\n}\" />", "<a b=\"@{&#10;  // note&#10;  return 1;&#10;}\" />"),
            ("<a b=\"@{\r\n\treturn 1; }\" />", "<a b=\"@{&#13;&#10;&#9;return 1; }\" />"),
            // In text a line end stays; a comment in the code is dropped, as XML drops it,
            // and a CDATA section's text is code.
            ("<v>@{\n  return <!-- x --> \"<![CDATA[a<b]]>\"; }</v>", "<v>@{\n  return  &quot;a&lt;b&quot;; }</v>".replacingOccurrences(of: "&quot;", with: "\"")),
        ]
        for (rawxml, xml) in cases { XCTAssertEqual(xmlForm(rawxml), xml, rawxml) }
        XCTAssertNil(xmlForm(#"<a b="@(x" />"#), "an expression that never ends has no xml form")
    }

    /// Each public document: its `xml` form is well-formed for another parser (Foundation's),
    /// which reads from it every expression as the reader's `resolved` code of the `rawxml`
    /// document, and every literal as the reader does.
    func testTheXMLFormOfEveryRealWorldPolicyReadsAsItsCode() throws {
        let files = try RealWorldPolicyTests.policyFiles(under: "policy-snippets") + RealWorldPolicyTests.policyFiles(under: "apiops-sample-artifacts")
        var compared = 0
        var expressions = 0
        for file in files {
            let text = [UInt8](try Data(contentsOf: file))
            var diagnostics = DiagnosticCollector()
            guard let document = PolicyXMLReader.read(text, placement: .file(FileID(0)), what: "", diagnostics: &diagnostics) else { continue }
            let xml = try XCTUnwrap(PolicyXMLReader.xmlForm(text), file.lastPathComponent)
            let parsed = try XCTUnwrap(Values.parse(Data(xml)), "\(file.lastPathComponent) in the xml form is not well-formed")
            let read = Values.of(document.root)
            XCTAssertEqual(parsed.attributes, read.attributes, file.lastPathComponent)
            XCTAssertEqual(parsed.expressions, read.expressions, file.lastPathComponent)
            compared += 1
            document.root.forEachElement { element in expressions += element.attributes.count { $0.value.isExpression } }
            expressions += read.expressions.count
        }
        XCTAssertGreaterThan(compared, 60)
        XCTAssertGreaterThan(expressions, 300)
    }

    /// Attribute values (`element@name=value`) and the expressions among texts, sorted.
    private struct Values: Equatable {
        var attributes: [String] = []
        var expressions: [String] = []

        static func of(_ root: PolicyXMLElement) -> Values {
            var values = Values()
            root.forEachElement { element in
                for attribute in element.attributes {
                    values.attributes.append("\(element.name)@\(attribute.name)=\(attribute.value.resolved)")
                }
                for case .text(let value, _) in element.children where value.isExpression {
                    values.expressions.append(value.resolved)
                }
            }
            values.attributes.sort()
            values.expressions.sort()
            return values
        }

        static func parse(_ data: Data) -> Values? {
            let reader = Reader()
            let parser = XMLParser(data: data)
            parser.delegate = reader
            guard parser.parse() else { return nil }
            reader.values.attributes.sort()
            reader.values.expressions.sort()
            return reader.values
        }

        private final class Reader: NSObject, XMLParserDelegate {
            var values = Values()
            var texts: [String] = []

            func parser(
                _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) {
                flush()
                for (name, value) in attributes { values.attributes.append("\(elementName)@\(name)=\(value)") }
            }

            func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }
            func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { texts.append(String(decoding: CDATABlock, as: UTF8.self)) }
            func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) { flush() }
            func parser(_ parser: XMLParser, foundComment comment: String) {}

            /// A run of text between tags: an expression when it starts one.
            private func flush() {
                let text = texts.joined().trimmingCharacters(in: .whitespacesAndNewlines)
                texts = []
                if text.hasPrefix("@(") || text.hasPrefix("@{") { values.expressions.append(text) }
            }
        }
    }
}
