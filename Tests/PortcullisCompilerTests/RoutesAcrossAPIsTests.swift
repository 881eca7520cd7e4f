import Foundation
import PortcullisChecker
import PortcullisTestSupport
import XCTest

/// Two APIs whose paths nest publish routes under one URL space: a route of each that
/// match the same requests once each API's path is put before them would leave one
/// route's checks unrun, since the gateway sends a request to one API only. Lint passed
/// a public route shadowing a scoped one, and `gateway.json` listed both (audit V45).
final class RoutesAcrossAPIsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `gateway` plus an API per `(name, path, more fields, routes)`, linted through the
    /// executable; the RF and YS findings, as `CODE file: message`.
    private func findings(_ apis: [(name: String, path: String, fields: String, routes: String)], gateway: String = RuleExample.baseGateway) throws -> [String] {
        let project = directory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try gateway.write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        for api in apis {
            let text = "apiVersion: portcullis/v1\nkind: API\nname: \(api.name)\npath: \(api.path)\nbackend: https://\(api.name).example.com\nauth: partner\n\(api.fields)routes:\n\(api.routes)"
            try text.write(to: project.appendingPathComponent("\(api.name).yaml"), atomically: true, encoding: .utf8)
        }
        let lint = try ToolProcess.run(["lint", project.path, "--format", "json"])
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any], lint.stderr)
        return (report["diagnostics"] as? [[String: Any]] ?? []).compactMap { finding in
            let code = finding["code"] as? String ?? ""
            guard code.hasPrefix("RF") || code.hasPrefix("YS"), let file = finding["file"] as? String else { return nil }
            return "\(code) \(URL(fileURLWithPath: file).lastPathComponent): \(finding["message"] ?? "")"
        }
    }

    private let scoped = "  - {id: get-report, method: GET, path: '/reports/{id}', scopes: [orders.read]}\n"
    private let open = "  - {id: status, method: GET, path: '/{reportId}', auth: none, public: status pages}\n"

    func testARouteOfANestedAPIThatMatchesAnotherAPIsRouteIsRF003() throws {
        XCTAssertEqual(
            try findings([("orders", "orders", "", scoped), ("status", "Orders/Reports", "", open)]),
            ["RF003 status.yaml: route 'status' of API 'status' and route 'get-report' of API 'orders' both match GET '/Orders/Reports/{reportId}'"])
        // Another method, another shape, or APIs side by side: no two routes match alike.
        XCTAssertEqual(try findings([("orders", "orders", "", scoped), ("status", "orders/reports", "", "  - {id: status, method: POST, path: '/{id}', auth: none, public: status pages}\n")]), [])
        XCTAssertEqual(try findings([("orders", "orders", "", scoped), ("status", "orders/reports", "", "  - {id: status, method: GET, path: '/{id}/summary', auth: none, public: status pages}\n")]), [])
        XCTAssertEqual(try findings([("orders", "orders", "", scoped), ("status", "order-reports", "", open)]), [])
    }

    /// Two versions of one set whose names differ only in case are one URL to APIM (audit
    /// V60: `v1` and `V1` linted clean, one API's checks never run).
    func testVersionsDifferingOnlyInCaseAreOne() throws {
        let gateway = RuleExample.baseGateway + "versionSets:\n  orders: {scheme: segment}\n"
        let listing = "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n"
        XCTAssertEqual(
            try findings([("orders-v1", "orders", "version: {set: orders, name: v1}\n", listing), ("orders-v1b", "orders", "version: {set: orders, name: V1}\n", listing)], gateway: gateway),
            ["RF002 orders-v1b.yaml: APIs 'orders-v1' and 'orders-v1b' are both version 'V1' of version set 'orders'"])
    }

    /// A version told by a path segment puts that segment between the API's path and its
    /// routes; a version told by a query parameter or a header shares the path.
    func testASegmentVersionIsPartOfThePath() throws {
        let gateway = RuleExample.baseGateway + "versionSets:\n  orders: {scheme: segment}\n  billing: {scheme: query, parameter: api-version}\n"
        let listing = "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n"
        let legacy = "  - {id: legacy-list, method: GET, path: /orders, auth: none, public: old listing}\n"
        XCTAssertEqual(
            try findings([("orders-v2", "orders", "version: {set: orders, name: v2}\n", listing), ("legacy", "orders/v2", "", legacy)], gateway: gateway),
            ["RF003 orders-v2.yaml: route 'list-orders' of API 'orders-v2' and route 'legacy-list' of API 'legacy' both match GET '/orders/v2/orders'"])
        XCTAssertEqual(
            try findings([("billing-v1", "billing", "version: {set: billing, name: v1}\n", listing), ("billing-v2", "billing", "version: {set: billing, name: v2}\n", legacy)], gateway: gateway),
            [])
    }

    /// Only one set's versions share a path: an unversioned API or another set's version
    /// there leaves to the gateway which API a request reaches (audit V60: lint passed an
    /// unversioned public API and a second set's version on a versioned set's path).
    func testOnlyOneSetsVersionsShareAPath() throws {
        let gateway = RuleExample.baseGateway + "versionSets:\n  orders: {scheme: header, parameter: Api-Version}\n  reports: {scheme: query, parameter: api-version}\n"
        let listing = "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n"
        let v1 = ("orders-v1", "orders", "version: {set: orders, name: v1}\n", listing)
        XCTAssertEqual(
            try findings([v1, ("orders-legacy", "Orders", "", open)], gateway: gateway),
            ["RF004 orders-v1.yaml: APIs 'orders-legacy' and 'orders-v1' both use path 'orders'"])
        XCTAssertEqual(
            try findings([v1, ("reports-v1", "orders", "version: {set: reports, name: v1}\n", listing)], gateway: gateway),
            ["RF004 reports-v1.yaml: APIs 'orders-v1' and 'reports-v1' both use path 'orders'"])
        XCTAssertEqual(try findings([v1, ("orders-v2", "orders", "version: {set: orders, name: v2}\n", listing)], gateway: gateway), [])
    }

    /// APIM reads an API's path without case, as it reads routes'.
    func testAPIPathsDifferingInCaseAreRF004() throws {
        XCTAssertEqual(
            try findings([("orders", "orders", "", scoped), ("status", "Orders", "", open)]),
            ["RF004 status.yaml: APIs 'orders' and 'status' both use path 'Orders'"])
    }
}
