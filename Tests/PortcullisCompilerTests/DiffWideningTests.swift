import Foundation
import PortcullisTestSupport
import XCTest

/// Widenings `diff` showed as nothing, as `other`, or as a stricter limit (found by the
/// audit of the diff, twenty-ninth round). Each case changes one thing in a copy of the
/// contoso sample and reads what `diff` says of it.
final class DiffWideningTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The report lines of `diff base head`, their locations left out, after `edits`
    /// (file, text, replacement) in HEAD; new files are written whole.
    private func diff(_ edits: [(String, String, String)], newFiles: [(String, String)] = [], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let base = directory.appendingPathComponent("base-\(UUID().uuidString)")
        let head = directory.appendingPathComponent("head-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: base)
        try FileManager.default.copyItem(at: BundleTests.contoso, to: head)
        for (path, from, to) in edits {
            let url = head.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(from), "\(path) holds no '\(from)'", file: file, line: line)
            try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
        }
        for (path, text) in newFiles { try text.write(to: head.appendingPathComponent(path), atomically: true, encoding: .utf8) }
        let result = try ToolProcess.run(["diff", base.path, head.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr, file: file, line: line)
        return result.stdout.split(separator: "\n").map { String($0.drop { $0 != " " }.dropFirst()) }
    }

    private func assertReports(_ expected: [String], in lines: [String], file: StaticString = #filePath, line: UInt = #line) {
        for text in expected {
            XCTAssertTrue(lines.contains(text), "missing: \(text)\nin:\n\(lines.joined(separator: "\n"))", file: file, line: line)
        }
    }

    /// A route renamed while its path changed only in letter case was one removed and one
    /// added, and the weaker scope of the new one went unmentioned.
    func testARouteRenamedWithItsPathsCaseChangedIsComparedWithWhatItWas() throws {
        let lines = try diff([
            ("apis/orders.yaml", "  - id: cancel-order\n    method: DELETE\n    path: /orders/{orderId}\n    summary: Cancel and refund an order\n    scopes: [orders.cancel]",
             "  - id: cancel-order2\n    method: DELETE\n    path: /Orders/{orderId}\n    summary: Cancel and refund an order\n    scopes: [orders.write]"),
        ])
        assertReports([
            "privilege increase: route 'orders/cancel-order2' now accepts scope 'orders.write'",
            "other: route 'orders/cancel-order2' was 'orders/cancel-order' before",
        ], in: lines)
    }

    /// A route added in another API, or whose rewrite is spelt with another case or a final
    /// `/`, reaches the backend operation a route guards: its weaker checks were not compared.
    func testARouteReachingAGuardedBackendOperationIsComparedWithItsGuardWhereverItIs() throws {
        let admin = """
            apiVersion: portcullis/v1
            kind: API
            name: orders-admin
            path: orders-admin
            backend: https://orders.internal.contoso.com/api/
            routes:
              - id: cancel
                method: DELETE
                path: /orders/{id}
                summary: Cancel an order
                scopes: [orders.write]

            """
        assertReports([
            "privilege increase: route 'orders-admin/cancel' now accepts scope 'orders.write', where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
        ], in: try diff([], newFiles: [("apis/orders-admin.yaml", admin)]))
        for rewrite in ["/Orders/{orderId}", "/orders/{orderId}/"] {
            let lines = try diff([
                ("apis/orders.yaml", "  - id: health\n",
                 "  - id: zap\n    method: DELETE\n    path: /zap/{orderId}\n    summary: z\n    scopes: [orders.write]\n    rewrite: {path: \"\(rewrite)\"}\n  - id: health\n"),
            ])
            assertReports([
                "privilege increase: route 'orders/zap' now accepts scope 'orders.write', where 'orders/cancel-order' guards 'DELETE \(rewrite)' on the same backend"
            ], in: lines)
        }
    }

    /// A longer window with more calls keeps or lowers the average but multiplies the
    /// burst: it was no change, or a stricter limit.
    func testALargerBurstIsALooserLimit() throws {
        assertReports([
            "looser limit: route 'orders/create-order' has a looser rate limit: 99 calls per 300s by user, was 20 calls per 60s by user"
        ], in: try diff([("apis/orders.yaml", "rateLimit: {calls: 20, per: 60s, key: user}", "rateLimit: {calls: 99, per: 300s, key: user}")]))
        assertReports([
            "looser limit: product 'partners' has a looser rate limit: 5000 calls per 300s, was 1000 calls per 60s"
        ], in: try diff([("products.yaml", "rateLimit: {calls: 1000, per: 60s}", "rateLimit: {calls: 5000, per: 300s}")]))
        // The same burst in a shorter window is stricter, not looser.
        assertReports([
            "stricter limit: route 'orders/create-order' has a stricter rate limit: 10 calls per 30s by user, was 20 calls per 60s by user"
        ], in: try diff([("apis/orders.yaml", "rateLimit: {calls: 20, per: 60s, key: user}", "rateLimit: {calls: 10, per: 30s, key: user}")]))
    }

    /// Raw statements whose change was only `other`: a rewrite or method that sends the
    /// route's requests to another backend operation, a limit that now counts some requests
    /// only, a lookup that lets proxies share answers.
    func testRawRetargetingCountingAndDownstreamCachingAreWeighed() throws {
        func policy(_ statements: String) -> String {
            "    policy: |\n      <policies><inbound><base />\(statements)</inbound></policies>\n"
        }
        let route = "    scopes: [orders.read]\n    cache: {ttl: 1m}\n"
        assertReports([
            "privilege increase: the raw policy of route 'orders/get-order' adds 'rewrite-uri'"
        ], in: try diff([("apis/orders.yaml", route, route + policy(#"<rewrite-uri template="/orders/{orderId}/refund" />"#))]))
        let limit = #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Subscription?.Id ?? &quot;&quot;)" />"#
        let counting = #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Subscription?.Id ?? &quot;&quot;)" increment-condition="@(context.Response.StatusCode &gt;= 500)" />"#
        let base = directory.appendingPathComponent("limit")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: base)
        let url = base.appendingPathComponent("apis/orders.yaml")
        try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: route, with: route + policy(limit)).write(to: url, atomically: true, encoding: .utf8)
        let head = directory.appendingPathComponent("limit-head")
        try FileManager.default.copyItem(at: base, to: head)
        let headURL = head.appendingPathComponent("apis/orders.yaml")
        try String(contentsOf: headURL, encoding: .utf8).replacingOccurrences(of: limit, with: counting).write(to: headURL, atomically: true, encoding: .utf8)
        let result = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "looser-limit"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(
            result.stdout.contains("looser limit: the raw policy of route 'orders/get-order' makes 'rate-limit-by-key' count only the requests its 'increment-condition' selects"),
            result.stdout)
        let lookup = { (type: String) in
            #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" downstream-caching-type="\#(type)"><vary-by-header>Authorization</vary-by-header></cache-lookup>"#
        }
        let publicBase = directory.appendingPathComponent("public")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: publicBase)
        let publicURL = publicBase.appendingPathComponent("apis/orders.yaml")
        let withoutCache = "    scopes: [orders.read]\n    cache: {ttl: 1m}\n"
        try String(contentsOf: publicURL, encoding: .utf8).replacingOccurrences(of: withoutCache, with: "    scopes: [orders.read]\n" + policy(lookup("none")))
            .write(to: publicURL, atomically: true, encoding: .utf8)
        let publicHead = directory.appendingPathComponent("public-head")
        try FileManager.default.copyItem(at: publicBase, to: publicHead)
        let publicHeadURL = publicHead.appendingPathComponent("apis/orders.yaml")
        try String(contentsOf: publicHeadURL, encoding: .utf8).replacingOccurrences(of: lookup("none"), with: lookup("public"))
            .write(to: publicHeadURL, atomically: true, encoding: .utf8)
        let widened = try ToolProcess.run(["diff", publicBase.path, publicHead.path, "--fail-on", "cache-widened"])
        XCTAssertEqual(widened.status, 1, widened.stdout + widened.stderr)
        XCTAssertTrue(
            widened.stdout.contains("cache widened: the raw policy of route 'orders/get-order' makes 'cache-lookup' let proxies keep its answers for other callers (downstream-caching-type 'public')"),
            widened.stdout)
    }

    /// A secret a backend did not receive before, and a named value put in the headers
    /// callers receive, were `other`.
    func testSecretsSentOnAndNamedValuesShownAreAPrivilegeIncrease() throws {
        assertReports([
            "privilege increase: route 'orders/get-order' now sends secret 'partner-client-secret' to its backend in a header or query parameter"
        ], in: try diff([("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
                           "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    request: {headers: {set: {X-Key: '{{partner-client-secret}}'}}}\n")]))
        assertReports([
            "privilege increase: backend 'partner-orders-weu' now sends header 'x-gateway-key' from secret 'partner-client-secret' instead of secret 'partner-orders-gateway-key', a secret it did not receive before"
        ], in: try diff([("backends.yaml", "x-gateway-key: {secret: partner-orders-gateway-key}", "x-gateway-key: {secret: partner-client-secret}")]))
        assertReports([
            "privilege increase: route 'partner-orders/list-partner-orders' now puts named value 'tenant-id' in a response header its callers receive"
        ], in: try diff([("apis/partner-orders.yaml", "    set: {Strict-Transport-Security: max-age=31536000; includeSubDomains}",
                           "    set: {Strict-Transport-Security: max-age=31536000; includeSubDomains, X-Tenant: '{{tenant-id}}'}")]))
    }

    /// A product renamed and loosened showed only as one removed and one added.
    func testAProductRenamedIsComparedWithWhatItWas() throws {
        var edits = [("products.yaml", "name: partners\n", "name: partners2\n"), ("products.yaml", "rateLimit: {calls: 1000, per: 60s}", "rateLimit: {calls: 5000, per: 60s}")]
        for environment in ["dev", "test", "prod"] {
            let text = try String(contentsOf: BundleTests.contoso.appendingPathComponent("environments/\(environment).yaml"), encoding: .utf8)
            if text.contains("  partners:") { edits.append(("environments/\(environment).yaml", "  partners:", "  partners2:")) }
        }
        assertReports([
            "looser limit: product 'partners2' has a looser rate limit: 5000 calls per 60s, was 1000 calls per 60s",
            "other: product 'partners2' was 'partners' before; subscriptions do not move to a new name",
        ], in: try diff(edits))
    }
}
