import Foundation
import PortcullisChecker
import PortcullisDiagnostics
import PortcullisPolicyXML
import XCTest

/// `build --policy-format xml`: the bundle's policies in APIM's well-formed `xml` form, from
/// which an XML parser reads the code APIM compiles from the `rawxml` form, and nothing
/// else of the bundle changed.
final class PolicyFormatTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Raw expressions written every way `rawxml` allows: with references, over lines with a
    /// `//` comment in an attribute, in single quotes, in a fragment.
    private func writeRawProject() throws -> URL {
        let project = directory.appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("policies"), withIntermediateDirectories: true)
        try (RuleExample.baseGateway + "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: tagging\npolicy: policies/tagging.xml\n")
            .write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try RuleExample.api("orders", fields: "policy: policies/orders.xml", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").text
            .write(to: project.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        try """
            <policies>
                <inbound>
                    <base />
                    <set-variable name="quoted" value="@(&quot;a&quot; + &#34;b&#34; + &#x22;c&#x22;)" />
                    <set-variable name="unknown" value="@("&nbsp;" + "&amp;")" />
                    <set-variable name="region" value="@{
                        // the caller's region, or the default one
                        var region = context.Request.Headers.GetValueOrDefault("X-Region", "eu");
                        return region == "us" && region.Length < 3 ? "us" : "eu";
                    }" />
                    <set-variable name="verb" value='@(context.Request.Method == "GET" ? 'g'.ToString() : "p")' />
                    <include-fragment fragment-id="tagging" />
                </inbound>
                <outbound>
                    <base />
                    <set-header name="x-region" exists-action="override">
                        <value>@{ <!-- read back --> return (string)context.Variables["region"] + "<" + '>'; }</value>
                    </set-header>
                </outbound>
            </policies>
            """.write(to: project.appendingPathComponent("policies/orders.xml"), atomically: true, encoding: .utf8)
        try """
            <fragment>
                <set-header name="x-tag" exists-action="override">
                    <value>@(context.Request.Headers.GetValueOrDefault("X-Tag", "none").Length > 3 ? "long" : "short")</value>
                </set-header>
            </fragment>
            """.write(to: project.appendingPathComponent("policies/tagging.xml"), atomically: true, encoding: .utf8)
        return project
    }

    private func build(_ project: URL, into name: String, _ options: [String] = []) throws -> URL {
        let out = directory.appendingPathComponent(name)
        let result = try ToolProcess.run(["build", project.path, "--out", out.path, "--quiet"] + options)
        XCTAssertEqual(result.status, 0, result.stderr + result.stdout)
        return out
    }

    private func files(in folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? [])
            .filter { !$0.hasSuffix("/") && !(try! folder.appendingPathComponent($0).resourceValues(forKeys: [.isDirectoryKey]).isDirectory!) }
            .sorted()
    }

    /// Every expression of each policy: read with Portcullis's reader from the `rawxml`
    /// bundle (the code APIM compiles), and with Foundation's XML parser from the `xml` one.
    func testTheXMLFormHoldsTheCodeOfEveryExpressionForAnyXMLParser() throws {
        for project in [BundleTests.contoso, BundleTests.fabrikam, try writeRawProject()] {
            let rawxml = try build(project, into: "\(project.lastPathComponent)-rawxml")
            let xml = try build(project, into: "\(project.lastPathComponent)-xml", ["--policy-format", "xml"])
            XCTAssertEqual(files(in: rawxml), files(in: xml))
            var expressions = 0
            for path in files(in: rawxml) {
                let written = try Data(contentsOf: rawxml.appendingPathComponent(path))
                let wellFormed = try Data(contentsOf: xml.appendingPathComponent(path))
                guard path.hasSuffix("policy.xml") else {
                    if path != "manifest.json" { XCTAssertEqual(written, wellFormed, "\(path) differs between the forms") }
                    continue
                }
                var diagnostics = DiagnosticCollector()
                let document = try XCTUnwrap(PolicyXMLReader.read([UInt8](written), placement: .file(FileID(0)), what: path, diagnostics: &diagnostics))
                var compiled: [String] = []
                document.root.forEachElement { element in
                    compiled += element.attributes.filter(\.value.isExpression).map(\.value.resolved)
                    for case .text(let value, _) in element.children where value.isExpression { compiled.append(value.resolved) }
                }
                let parsed = Self.expressions(below: try PolicyTree.parse(wellFormed, name: "\(project.lastPathComponent) \(path) (xml)"))
                XCTAssertEqual(parsed.sorted(), compiled.sorted(), path)
                expressions += compiled.count
            }
            XCTAssertGreaterThan(expressions, 4, project.path)
            let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: xml.appendingPathComponent("manifest.json"))) as? [String: Any])
            XCTAssertEqual(manifest["policyFormat"] as? String, "xml")
            let plain = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: rawxml.appendingPathComponent("manifest.json"))) as? [String: Any])
            XCTAssertNil(plain["policyFormat"], "a rawxml manifest names no format")
        }
    }

    private static func expressions(below node: PolicyTree.Node) -> [String] {
        var found = node.attributes.map(\.1).filter { $0.hasPrefix("@(") || $0.hasPrefix("@{") }
        let text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("@(") || text.hasPrefix("@{") { found.append(text) }
        return found + node.children.flatMap(expressions(below:))
    }

    /// A drift check compares the form it is asked for: a bundle built in one form differs
    /// from the other in each policy and in its manifest.
    func testACheckComparesTheFormItIsAskedFor() throws {
        let project = try writeRawProject()
        let xml = try build(project, into: "bundle", ["--policy-format", "xml"])
        let same = try ToolProcess.run(["build", project.path, "--out", xml.path, "--check", "--policy-format", "xml"])
        XCTAssertEqual(same.status, 0, same.stderr)
        let other = try ToolProcess.run(["build", project.path, "--out", xml.path, "--check"])
        XCTAssertEqual(other.status, 1, other.stderr)
        for path in ["manifest.json", "apim/apis/orders/policy.xml", "apim/policy fragments/tagging/policy.xml"] {
            XCTAssertTrue(other.stderr.contains(path), "\(path) is not listed: \(other.stderr)")
        }
        let unknown = try ToolProcess.run(["build", project.path, "--out", xml.path, "--policy-format", "json"])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("'rawxml'") || unknown.stderr.contains("rawxml"), unknown.stderr)
    }
}
