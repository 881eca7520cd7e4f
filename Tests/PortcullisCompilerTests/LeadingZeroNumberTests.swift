import Foundation
import PortcullisChecker
import PortcullisTestSupport
import XCTest

/// A whole number written with a leading zero is refused, through the executable: YAML 1.1
/// (PyYAML, which reviewers' tools use) reads `0100` as octal 64 and YAML 1.2 as 100, so the
/// limit a reviewer reads and the one the build wrote differed (found by an audit: the build
/// enforced 100).
final class LeadingZeroNumberTests: XCTestCase {
    func testALeadingZeroIsRefusedWhereAWholeNumberOrSecondsAreRead() throws {
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let api = RuleExample.api(
            routes: """
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], rateLimit: {calls: 0100, per: 60s, key: ip}}
              - {id: get-order, method: GET, path: '/orders/{id}', scopes: [orders.read], rateLimit: {calls: -010, per: 60, key: ip}}
              - {id: count-orders, method: GET, path: /orders/count, scopes: [orders.read], rateLimit: {calls: 100, per: 060, key: ip}}
              - {id: find-orders, method: GET, path: /orders/find, scopes: [orders.read], rateLimit: {calls: 0_100, per: 0, key: ip}}

            """)
        try RuleExample.baseGateway.write(to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try api.text.write(to: directory.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "."], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        let refused = lint.stdout.split(separator: "\n").filter { $0.contains(": error: number") }.map { String($0.drop { $0 != " " }.dropFirst()) }
        XCTAssertEqual(refused, [
            "error: number '0100' for 'calls' has a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal [YS004]",
            "error: number '-010' for 'calls' has a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal [YS004]",
            "error: number '060' for 'per' has a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal [YS004]",
            "error: number '0_100' for 'calls' has a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal [YS004]",
        ], lint.stdout)
        // A zero alone is a number like any other (refused here as a window, for its value).
        XCTAssertFalse(lint.stdout.contains("number '0' "), lint.stdout)
    }
}
