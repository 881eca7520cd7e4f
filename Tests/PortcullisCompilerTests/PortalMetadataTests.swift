import Foundation
import XCTest

/// Named values' display names and tags, products' groups and terms, and tags on APIs and
/// products, end to end: what the APIOps files say and what environments keep.
final class PortalMetadataTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func build(_ options: [String] = []) throws -> URL {
        let out = directory.appendingPathComponent("bundle-\(options.joined())")
        let result = try ToolProcess.run(["build", BundleTests.contoso.path, "--out", out.path, "--quiet"] + options)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return out
    }

    private func properties(_ out: URL, _ path: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent(path))) as? [String: Any]
        return try XCTUnwrap(object?["properties"] as? [String: Any], path)
    }

    func testGroupsTermsAndTagsReachTheirAPIOpsFiles() throws {
        let out = try build()
        let product = try properties(out, "apim/products/partners/productInformation.json")
        XCTAssertTrue((product["terms"] as? String)?.hasPrefix("Partners use the APIs only") == true, "\(product)")
        XCTAssertEqual(
            try properties(out, "apim/products/partners/groups/partner-companies/productGroupInformation.json")["groupId"] as? String,
            "/groups/partner-companies")
        // APIOps' publisher deploys a link only where its file names it (audit V90).
        let groupLink = try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("apim/products/partners/groups/partner-companies/productGroupInformation.json"))) as? [String: Any]
        XCTAssertEqual(groupLink?["name"] as? String, "partner-companies")
        let group = try properties(out, "apim/groups/partner-companies/groupInformation.json")
        XCTAssertEqual(group["displayName"] as? String, "Partner companies")
        XCTAssertEqual(group["type"] as? String, "custom")
        let tags = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("apim/tags").path).sorted()
        XCTAssertEqual(tags, ["orders", "partner-program", "web-shop"])
        XCTAssertEqual(try properties(out, "apim/tags/web-shop/tagInformation.json")["displayName"] as? String, "web-shop")
        let tagged = try FileManager.default.subpathsOfDirectory(atPath: out.appendingPathComponent("apim/tags/partner-program").path)
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(
            tagged,
            ["apis/catalog/tagApiInformation.json", "apis/partner-orders/tagApiInformation.json",
             "products/partners/tagProductInformation.json", "tagInformation.json"])
        let link = try String(contentsOf: out.appendingPathComponent("apim/tags/partner-program/apis/catalog/tagApiInformation.json"), encoding: .utf8)
        XCTAssertEqual(link, "{}\n")
    }

    /// APIM finds the named value a policy's `{{tenant-id}}` refers to by its display name:
    /// another named value displayed as 'tenant-id' took over the token check's issuer,
    /// while lint, which resolves by name, was clean and `diff` said "no changes" (found by
    /// a hostile audit). A display name other than the name is YS004.
    func testADisplayNameOtherThanTheNameIsRefused() throws {
        let project = directory.appendingPathComponent("takeover")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: project)
        let gateway = project.appendingPathComponent("gateway.yaml")
        let text = try String(contentsOf: gateway, encoding: .utf8)
        let declaration = "  tenant-id: {value: 72f988bf-86f1-41af-91ab-2d7cd011db47, tags: [identity]}\n"
        XCTAssertTrue(text.contains(declaration))
        try text.replacingOccurrences(of: declaration, with: declaration + "  issuer-override: {value: attacker-tenant, displayName: tenant-id}\n")
            .write(to: gateway, atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", project.path, "--quiet"])
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(
            lint.stdout.contains("error: display name 'tenant-id' of 'issuer-override' differs from its name, but APIM finds the named value a policy's '{{...}}' refers to by its display name [YS004]"),
            lint.stdout)
    }

    /// APIM's resource contracts cap a display name, a description and a named value's
    /// value; a longer one linted and built clean and failed only at deployment (audit V60).
    /// An environment's value is held to the same cap.
    func testTextLongerThanAPIMKeepsIsRefused() throws {
        let project = directory.appendingPathComponent("long")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: project)
        func edit(_ file: String, _ old: String, _ new: String) throws {
            let url = project.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(old), "\(file): \(old)")
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }
        try edit("gateway.yaml", "{displayName: Partner program}", "{displayName: \(String(repeating: "p", count: 161))}")
        try edit("gateway.yaml", "{displayName: Partner companies,", "{displayName: \(String(repeating: "g", count: 300)),")
        try edit("environments/dev.yaml", "tenant-id: 5f1c2a9e-7d3b-4e8a-9c61-0b2d4f6a8e13", "tenant-id: \(String(repeating: "t", count: 4097))")
        let lint = try ToolProcess.run(["lint", project.path, "--env", "dev", "--quiet"])
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        let errors = lint.stdout.split(separator: "\n").filter { $0.contains("characters, but APIM takes at most") }
            .map { String($0[$0.range(of: "error: ")!.upperBound...]) }
        XCTAssertEqual(
            errors,
            ["'value' holds 4097 characters, but APIM takes at most 4096 [YS004]",
             "'displayName' holds 161 characters, but APIM takes at most 160 [YS004]"],
            lint.stdout)
    }

    /// An environment that writes a named value alone changes its value and keeps the
    /// display name (its name: APIM resolves references by display name) and the tags the
    /// definitions give it.
    func testAnEnvironmentsValueKeepsTheDisplayNameAndTags() throws {
        for (options, value) in [([String](), "72f988bf-86f1-41af-91ab-2d7cd011db47"), (["--env", "dev"], "5f1c2a9e-7d3b-4e8a-9c61-0b2d4f6a8e13")] {
            let named = try properties(try build(options), "apim/named values/tenant-id/namedValueInformation.json")
            XCTAssertEqual(named["value"] as? String, value, "\(options)")
            XCTAssertEqual(named["displayName"] as? String, "tenant-id", "\(options)")
            XCTAssertEqual(named["tags"] as? [String], ["identity"], "\(options)")
        }
        let short = try properties(try build(), "apim/named values/api-client-id/namedValueInformation.json")
        XCTAssertEqual(short["displayName"] as? String, "api-client-id", "the short form's display name is its name")
        XCTAssertNil(short["tags"])
    }
}
