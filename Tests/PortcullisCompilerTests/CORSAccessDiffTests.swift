import Foundation
import PortcullisChecker
import XCTest

/// `portcullis diff` on the gateway's `cors`: letting more sites' pages call the APIs, or
/// send credentials, is a privilege increase a reviewer must see.
final class CORSAccessDiffTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The line of `cors:` in the gateways ``diff(_:_:)`` writes.
    private static let corsLine = RuleExample.baseGateway.filter { $0 == "\n" }.count + 1

    /// Diffs two versions of the base gateway that differ in their `cors` (nil: none).
    private func diff(_ base: String?, _ head: String?) throws -> ToolProcess.Result {
        let api = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n\n").yaml
        for (side, cors) in [("base", base), ("head", head)] {
            let folder = directory.appendingPathComponent(side)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let section = cors.map { "cors:\n" + $0.split(separator: "\n").map { "  \($0)\n" }.joined() } ?? ""
            try (RuleExample.baseGateway + section).write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
            try api.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        }
        return try ToolProcess.run(["diff", "base", "head", "--fail-on", "privilege-increase"], in: directory)
    }

    private static let shop = "allowedOrigins: [https://shop.example.com]\nallowedHeaders: [Authorization]"

    func testAllowingAnyOriginIsAPrivilegeIncrease() throws {
        let result = try diff(Self.shop, "allowedOrigins: [\"*\"]\nallowedHeaders: [Authorization]")
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(
            result.stdout,
            """
            head/gateway.yaml:\(Self.corsLine + 1):20: privilege increase: CORS now allows any origin ('*')
            1 change: 1 privilege increase

            """)
    }

    func testGainingOriginsOrCredentialsIsAPrivilegeIncrease() throws {
        let head = """
            allowedOrigins: [https://shop.example.com, https://partner.example.com]
            allowedHeaders: [Authorization]
            allowCredentials: true
            """
        let result = try diff(Self.shop, head)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(
            result.stdout,
            """
            head/gateway.yaml:\(Self.corsLine + 1):46: privilege increase: CORS now allows origin 'https://partner.example.com'
            head/gateway.yaml:\(Self.corsLine + 3):21: privilege increase: CORS now lets browsers send credentials (cookies, HTTP authentication) on cross-origin requests
            2 changes: 2 privilege increase

            """)
        let back = try ToolProcess.run(["diff", "head", "base", "--fail-on", "privilege-increase"], in: directory)
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertEqual(
            back.stdout,
            """
            base/gateway.yaml:\(Self.corsLine):1: privilege decrease: CORS no longer lets browsers send credentials on cross-origin requests
            head/gateway.yaml:\(Self.corsLine + 1):46: privilege decrease: CORS no longer allows origin 'https://partner.example.com' (in BASE)
            2 changes: 2 privilege decrease

            """)
    }

    func testAddingCORSIsAPrivilegeIncrease() throws {
        let result = try diff(nil, Self.shop)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(
            result.stdout,
            """
            head/gateway.yaml:\(Self.corsLine):1: privilege increase: CORS was added: browsers let pages from 'https://shop.example.com' call the APIs
            1 change: 1 privilege increase

            """)
        let removed = try ToolProcess.run(["diff", "head", "base"], in: directory)
        XCTAssertEqual(
            removed.stdout,
            """
            head/gateway.yaml:\(Self.corsLine):1: privilege decrease: CORS was removed: browsers no longer let other sites' pages call the APIs (in BASE)
            1 change: 1 privilege decrease

            """)
    }
}
