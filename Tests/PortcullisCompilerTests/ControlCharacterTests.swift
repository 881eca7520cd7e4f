import Foundation
import PortcullisChecker
import XCTest

/// Control characters cannot be carried by XML 1.0 (C0) or by YAML (DEL, C1, U+FFFE/F):
/// every value that reaches an output is refused when it holds one, at its location.
final class ControlCharacterTests: XCTestCase {
    func testControlCharactersInValuesAreRejectedWhereTheyAre() throws {
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try RuleExample.baseGateway.write(to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        // The YAML escape, where the value sits, and the code point the message names.
        let cases: [(escape: String, field: String, codePoint: String)] = [
            ("\\e", "description", "U+001B"), ("\\x1b", "summary", "U+001B"), ("\\e", "backend", "U+001B"),
            ("\\x7f", "summary", "U+007F"), ("\\x9b", "displayName", "U+009B"), ("\\0", "summary", "U+0000"),
            ("\\r", "summary", "U+000D"), ("\\uFFFE", "description", "U+FFFE"),
        ]
        for (escape, field, codePoint) in cases {
            let api = """
                apiVersion: portcullis/v1
                kind: API
                name: orders
                path: orders
                backend: \(field == "backend" ? "\"https://orders\(escape).example.com\"" : "https://orders.example.com")
                \(field == "description" || field == "displayName" ? "\(field): \"Orders \(escape)[2J\"" : "description: Orders")
                routes:
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]\(field == "summary" ? ", summary: \"a\(escape)b\"" : "")}

                """
            try api.write(to: directory.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
            let out = directory.appendingPathComponent("bundle")
            let result = try ToolProcess.run(["build", ".", "--out", out.path], in: directory)
            XCTAssertEqual(result.status, 1, "\(escape) in \(field): \(result.stdout)")
            let position = field == "backend" ? "5:10" : field == "summary" ? "8:83" : "6:\(field.count + 3)"
            XCTAssertTrue(
                result.stdout.contains(
                    "orders.yaml:\(position): error: '\(field)' holds the \(codePoint == "U+FFFE" ? "" : "control ")character \(codePoint), which the generated policy documents and OpenAPI files cannot carry [YS004]"),
                "\(escape) in \(field): \(result.stdout)")
            XCTAssertFalse(result.stdout.contains("\u{1B}"), "the report echoes the control character")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        }
    }

    /// Tab and line feed are ordinary text, in block scalars and quoted ones.
    func testTabsAndLineFeedsStillBuild() throws {
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try RuleExample.baseGateway.write(to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = "apiVersion: portcullis/v1\nkind: API\nname: orders\npath: orders\nbackend: https://orders.example.com\ndescription: |\n  Orders\n  \tindented\nroutes:\n  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], summary: \"a\\tb\\nc\"}\n"
        try api.write(to: directory.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let result = try ToolProcess.run(["build", ".", "--out", directory.appendingPathComponent("bundle").path, "--quiet"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
    }
}
