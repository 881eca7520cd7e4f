import Foundation
import XCTest

/// Outputs that disagreed with the enforcement plan the policies follow (found by the audit
/// of the outputs, thirtieth round): each builds a copy of the contoso sample with the
/// executable and reads what the bundle says.
final class OutputAgreementTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Builds a copy of contoso with `edits` (file, text, replacement) made, with `options`.
    private func build(_ edits: [(String, String, String)], options: [String] = []) throws -> URL {
        try BundleTests.contosoCopy(at: directory.appendingPathComponent("project"), edits: edits)
        let out = directory.appendingPathComponent("out")
        let result = try ToolProcess.run(["build", "project", "--out", "out", "--quiet"] + options, in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return out
    }

    /// The API's specification read the scopes as written and left app roles out: a route
    /// that takes only app roles said any valid token would do.
    func testTheSpecificationSaysWhatATokenMustCarry() throws {
        let out = try build([
            ("apis/orders.yaml", "    scopes: [orders.read]\n    appRoles: [Orders.Read.All]", "    appRoles: {all: [Orders.Read.All, Orders.Export.All]}"),
            ("gateway.yaml", "  orders.write:", "  Orders.Export.All: {access: read, description: Applications export orders}\n  orders.write:"),
        ])
        let specification = try String(contentsOf: out.appendingPathComponent("apim/apis/orders/specification.yaml"), encoding: .utf8)
        let listOrders = try XCTUnwrap(specification.range(of: "operationId: list-orders"))
        let security = specification[listOrders.upperBound...].prefix { _ in true }.components(separatedBy: "responses:")[0]
        XCTAssertEqual(
            security.trimmingCharacters(in: .whitespacesAndNewlines),
            "summary: \"List the caller's orders\"\n      security:\n        - entra:\n            - Orders.Read.All\n            - Orders.Export.All",
            specification)
    }

    /// gateway.json's cache named the definitions as its source where an environment set
    /// the TTL, while an overridden limit or backend named the environment's file.
    func testAnEnvironmentsCacheTTLNamesTheEnvironmentAsItsSource() throws {
        let out = try build([], options: ["--env", "prod"])
        let gateway = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("gateway.json"))) as? [String: Any])
        let routes = try XCTUnwrap(gateway["routes"] as? [[String: Any]])
        let listOrders = try XCTUnwrap(routes.first { ($0["id"] as? String) == "list-orders" })
        let cache = try XCTUnwrap(listOrders["cache"] as? [String: Any])
        XCTAssertEqual(cache["ttlSeconds"] as? Int, 60)
        XCTAssertEqual(cache["source"] as? String, "environments/prod.yaml:19:22", "\(cache)")
    }
}
