import Foundation
import PortcullisChecker
import XCTest

/// APIM refuses a policy document over 256 KiB, so a build that would publish one fails
/// at the definition that makes it, and writes nothing.
final class PolicySizeLimitTests: XCTestCase {
    /// APIM's limit, written out rather than read from the code under test.
    static let limit = 262_144
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Scope names of one length, so each adds the same number of bytes to a policy.
    private static func scope(_ index: Int) -> String {
        "scope." + String(repeating: "0", count: 6 - String(index).count) + String(index) + String(repeating: "x", count: 100)
    }

    /// Builds a project whose route `list-orders` requires `scopes` scopes and whose API
    /// has `backend`; returns the result and where the bundle was to be written.
    private func build(scopes: Int, backend: String = "https://orders.example.com") throws -> (ToolProcess.Result, URL) {
        let project = directory.appendingPathComponent("project-\(scopes)-\(backend.count)")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        let names = (0..<scopes).map(Self.scope)
        let gateway = RuleExample.baseGateway.replacingOccurrences(
            of: "  orders.admin: {access: admin}\n",
            with: "  orders.admin: {access: admin}\n" + names.map { "  \($0): {access: read}\n" }.joined())
        try gateway.write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: orders
            path: orders
            backend: \(backend)
            routes:
              - id: list-orders
                method: GET
                path: /orders
                scopes: {all: [\(names.joined(separator: ", "))]}
              - {id: get-order, method: GET, path: "/orders/{id}", scopes: [orders.read]}

            """
        try api.write(to: project.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("bundle-\(scopes)-\(backend.count)")
        return (try ToolProcess.run(["build", ".", "--out", out.path, "--quiet"], in: project), out)
    }

    private func policySize(_ out: URL) throws -> Int {
        try Data(contentsOf: out.appendingPathComponent("apim/apis/orders/operations/list-orders/policy.xml")).count
    }

    func testRoutePolicyOverTheLimitFailsAtTheRouteAndWritesNothing() throws {
        // Each scope adds the same bytes, so two small builds say how many fit.
        let (one, oneOut) = try build(scopes: 1)
        let (two, twoOut) = try build(scopes: 2)
        XCTAssertEqual(one.status, 0, one.stdout)
        XCTAssertEqual(two.status, 0, two.stdout)
        let base = try policySize(oneOut)
        let perScope = try policySize(twoOut) - base
        let fitting = 1 + (Self.limit - base) / perScope

        let (under, underOut) = try build(scopes: fitting)
        XCTAssertEqual(under.status, 0, under.stdout + under.stderr)
        let size = try policySize(underOut)
        XCTAssertLessThanOrEqual(size, Self.limit)
        XCTAssertGreaterThan(size, Self.limit - perScope, "the document is just under the limit")

        let (over, overOut) = try build(scopes: fitting + 1)
        XCTAssertEqual(over.status, 1, over.stdout + over.stderr)
        XCTAssertTrue(
            over.stdout.contains(
                "orders.yaml:7:9: error: the policy document of route 'orders/list-orders' is \(size + perScope) bytes, over APIM's limit of 262144 [YS006]"),
            over.stdout)
        XCTAssertEqual(over.stdout.components(separatedBy: "error:").count - 1, 1, "only the oversized document is reported: \(over.stdout)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: overOut.path), "a refused build wrote its bundle")
    }

    func testAPIPolicyOverTheLimitFailsAtTheAPI() throws {
        let backend = "https://orders.example.com/" + String(repeating: "a", count: Self.limit)
        let (result, out) = try build(scopes: 1, backend: backend)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(
            result.stdout.contains("orders.yaml:3:7: error: the policy document of API 'orders' is"), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// Files are written as they are made, so an oversized policy is found with others
    /// already on disk: they stay in the staging folder, which is removed, and the bundle
    /// already in the output is kept as it was. `--check` refuses with the same report.
    func testOversizedPolicyKeepsTheEarlierBundleAndLeavesNoStagingFolder() throws {
        let (good, out) = try build(scopes: 1)
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        let files = try FileManager.default.subpathsOfDirectory(atPath: out.path).sorted()
        let gateway = try Data(contentsOf: out.appendingPathComponent("gateway.json"))

        let backend = "https://orders.example.com/" + String(repeating: "a", count: Self.limit)
        _ = try build(scopes: 1, backend: backend)
        let oversized = directory.appendingPathComponent("project-1-\(backend.count)")
        for extra in [[], ["--check"]] {
            let result = try ToolProcess.run(["build", ".", "--out", out.path, "--quiet"] + extra, in: oversized)
            XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
            XCTAssertTrue(result.stdout.contains("error: the policy document of API 'orders' is"), result.stdout)
        }
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: out.path).sorted(), files)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("gateway.json")), gateway)
        let beside = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertEqual(beside.filter { $0.contains("portcullis-") }, [], "a staging folder was left beside the output")
    }
}
