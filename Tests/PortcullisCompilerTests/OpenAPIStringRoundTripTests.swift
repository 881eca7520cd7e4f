import Foundation
import PortcullisChecker
import XCTest

/// Every string the bundle writes into `specification.yaml` reads back, with a real YAML
/// reader, as that same string: never as a date, a number, a boolean or null.
final class OpenAPIStringRoundTripTests: XCTestCase {
    /// Text that YAML 1.1 or 1.2 readers type when it is written plain.
    static let typedTexts = [
        "2024-01-01", "2024-01-01t10:00:00z", "1_000", "0b101", "0o17", "0x1F", "yes", "No", "ON", "off", "y", "N", "~",
        "null", "NULL", "true", "False", ".inf", "-.Inf", ".nan", "1e3", "+1", "-1", "012", "1:20", "190:20:30", "=", "<<",
        "3.0.3", "1.5", "0", "", " leading space", "trailing space ", "a: b", "a #b", "#x", "- x", "? x", "!tag", "&anchor",
        "*alias", "[x]", "{x}", "|", ">", "'", "\"", "%x", "@x", "`x", "x\ty", "two\nlines", "\u{A0}", "\u{2028}x",
        "\u{FEFF}x", "caf\u{E9}",
    ]

    /// Route ids (operationIds) and scope names, which have grammars of their own.
    static let typedIDs = ["012", "yes", "no", "on", "off", "y", "n", "null", "true", "1e3", "2024-01-01", "0b101", "0o17", "0x1f"]
    static let typedScopes = ["012", "yes", "1:20", "1e3", "On", "0x1F", "2024-01-01", "null"]

    /// A YAML double-quoted scalar of `text`, for writing the fixture.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out += scalar.value < 0x80 ? String(scalar) : String(format: "\\U%08X", scalar.value)
            }
        }
        return out + "\""
    }

    func testEveryOpenAPIStringReadsBackUnchanged() throws {
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let project = directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)

        let scopeLines = Self.typedScopes.enumerated().map { index, scope in
            "  \(Self.quoted(scope)): {access: read, description: \(Self.quoted(Self.typedTexts[index]))}\n"
        }.joined()
        let gateway = RuleExample.baseGateway.replacingOccurrences(
            of: "  orders.admin: {access: admin}\n", with: "  orders.admin: {access: admin}\n" + scopeLines)
        try gateway.write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)

        var routes = ""
        for (index, text) in Self.typedTexts.enumerated() {
            routes += "  - {id: r\(index), method: GET, path: /r\(index), scopes: [orders.read], summary: \(Self.quoted(text))}\n"
        }
        for (index, id) in Self.typedIDs.enumerated() {
            routes += "  - {id: \(Self.quoted(id)), method: GET, path: /id\(index), scopes: [orders.read]}\n"
        }
        for (index, scope) in Self.typedScopes.enumerated() {
            routes += "  - {id: s\(index), method: GET, path: /s\(index), auth: partner, scopes: [\(Self.quoted(scope))]}\n"
        }
        // Each API's title and description are two neighbouring texts.
        let apiIndices = Array(stride(from: 0, to: Self.typedTexts.count, by: 2))
        var apis = ""
        for index in apiIndices {
            let pair = (Self.typedTexts[index], Self.typedTexts[(index + 1) % Self.typedTexts.count])
            apis += (apis.isEmpty ? "" : "---\n") + """
                apiVersion: portcullis/v1
                kind: API
                name: api\(index)
                displayName: \(Self.quoted(pair.0))
                description: \(Self.quoted(pair.1))
                path: api\(index)
                backend: https://api.example.com
                routes:
                \(index == 0 ? routes : "  - {id: list, method: GET, path: /list, scopes: [orders.read]}\n")
                """
        }
        try apis.write(to: project.appendingPathComponent("apis.yaml"), atomically: true, encoding: .utf8)

        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", ".", "--out", out.path, "--quiet"], in: project)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)

        let specifications = try FileManager.default.subpathsOfDirectory(atPath: out.path)
            .filter { $0.hasSuffix("specification.yaml") }.sorted().map { out.appendingPathComponent($0).path }
        XCTAssertEqual(specifications.count, apiIndices.count)
        let read = try PythonTool.run([PythonTool.support.appendingPathComponent("read_yaml.py").path] + specifications)
        XCTAssertEqual(read.status, 0, read.stderr)
        let documents = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: [String: Any]])

        var checked = 0
        func expect(_ value: Any?, _ text: String, _ what: String) {
            XCTAssertEqual(value as? String, text, "\(what): \(String(describing: value))")
            checked += 1
        }
        for index in apiIndices {
            let pair = (Self.typedTexts[index], Self.typedTexts[(index + 1) % Self.typedTexts.count])
            let document = try XCTUnwrap(documents[out.appendingPathComponent("apim/apis/api\(index)/specification.yaml").path])
            expect(document["openapi"], "3.0.3", "openapi")
            let info = try XCTUnwrap(document["info"] as? [String: Any])
            expect(info["title"], pair.0, "title of api\(index)")
            expect(info["description"], pair.1, "description of api\(index)")
            expect(info["version"], "1", "version")
        }

        let document = try XCTUnwrap(documents[out.appendingPathComponent("apim/apis/api0/specification.yaml").path])
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: [String: Any]]])
        for (index, text) in Self.typedTexts.enumerated() {
            let operation = try XCTUnwrap(paths["/r\(index)"]?["get"], "path /r\(index)")
            expect(operation["operationId"], "r\(index)", "operationId")
            expect(operation["summary"], text, "summary of r\(index)")
        }
        for (index, id) in Self.typedIDs.enumerated() {
            expect(paths["/id\(index)"]?["get"]?["operationId"], id, "operationId \(id)")
        }
        for (index, scope) in Self.typedScopes.enumerated() {
            let security = paths["/s\(index)"]?["get"]?["security"] as? [[String: [Any]]]
            expect(security?.first?["partner"]?.first, scope, "security scope \(scope)")
        }
        let schemes = (document["components"] as? [String: Any])?["securitySchemes"] as? [String: [String: Any]]
        let flow = (schemes?["partner"]?["flows"] as? [String: [String: Any]])?["clientCredentials"]
        let scopes = try XCTUnwrap(flow?["scopes"] as? [String: Any])
        XCTAssertEqual(Set(scopes.keys), Set(Self.typedScopes), "scope names as keys")
        for (index, scope) in Self.typedScopes.enumerated() {
            expect(scopes[scope], Self.typedTexts[index], "description of scope \(scope)")
        }
        XCTAssertGreaterThan(checked, 100)
    }
}
