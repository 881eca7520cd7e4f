import Foundation
import PortcullisChecker
import XCTest

/// What the built policies enforce, through the executable: the order of checks, caches
/// that do what the definitions ask or are refused, and limits the tier can run.
final class EnforcementSemanticsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes the base gateway (with `gatewayExtra` appended) and one API with `routes`.
    private func project(gatewayExtra: String = "", routes: String, apiExtra: String = "", more: String = "") throws -> URL {
        let folder = directory.appendingPathComponent("defs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try (RuleExample.baseGateway + gatewayExtra).write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = RuleExample.api(fields: apiExtra, routes: routes).yaml
        try api.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        if !more.isEmpty { try more.write(to: folder.appendingPathComponent("more.yaml"), atomically: true, encoding: .utf8) }
        return folder
    }

    private func build(_ folder: URL) throws -> (result: ToolProcess.Result, out: URL) {
        let out = directory.appendingPathComponent("out-\(UUID().uuidString)")
        return (try ToolProcess.run(["build", folder.path, "--out", out.path, "--today", "2026-01-01"]), out)
    }

    private func policy(_ out: URL, route: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent("apim/apis/orders/operations/\(route)/policy.xml"), encoding: .utf8)
    }

    /// `gateway.json` did not say which routes APIM refuses without a subscription key: a
    /// route of an API with `subscriptionRequired: false`, or one an open product includes,
    /// read the same as one APIM closes to keyless callers, and a runtime enforcing the file
    /// let anonymous callers in where the bundle does not (found by the audit of the
    /// emitters). Each route now says, with why and where a route is open, and lists no
    /// limit of an open product, which counts nothing; the file validates against its schema.
    func testGatewayJSONSaysWhichRoutesNeedASubscriptionKey() throws {
        let open = "apiVersion: portcullis/v1\nkind: Product\nname: open-shop\ndisplayName: Open shop\nsubscriptionRequired: false\napis: [lookup]\nrateLimit: {calls: 5, per: 60s}\n"
        let lookup = RuleExample.api("lookup", routes: "  - {id: find, method: GET, path: /find, scopes: [orders.read], rateLimit: {calls: 10, per: 1s, key: ip}}\n").yaml
        let folder = try project(
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], rateLimit: {calls: 10, per: 1s, key: ip}}\n",
            apiExtra: "subscriptionRequired: false\n", more: lookup + "---\n" + open)
        let closed = RuleExample.api("closed", routes: "  - {id: get-closed, method: GET, path: /closed, scopes: [orders.read]}\n").yaml
        try closed.write(to: folder.appendingPathComponent("closed.yaml"), atomically: true, encoding: .utf8)
        let (result, out) = try build(folder)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let config = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("gateway.json"))) as? [String: Any])
        var subscriptions: [String: NSDictionary] = [:]
        for route in config["routes"] as? [[String: Any]] ?? [] {
            subscriptions["\(route["api"] ?? "")/\(route["id"] ?? "")"] = route["subscription"] as? NSDictionary
            // An open product has no subscriptions to count: its limit never applies (RL008).
            XCTAssertNil(route["productLimits"], "\(route)")
        }
        XCTAssertEqual(subscriptions["closed/get-closed"], ["required": true] as NSDictionary)
        XCTAssertEqual(subscriptions["orders/list-orders"]?["required"] as? Bool, false)
        XCTAssertEqual(subscriptions["orders/list-orders"]?["openedBy"] as? String, "api")
        XCTAssertTrue((subscriptions["orders/list-orders"]?["source"] as? String ?? "").hasSuffix("orders.yaml:6:23"), "\(subscriptions)")
        XCTAssertEqual(subscriptions["lookup/find"]?["openedBy"] as? String, "product")
        XCTAssertEqual(subscriptions["lookup/find"]?["product"] as? String, "open-shop")
        let output = try PythonTool.run([
            PythonTool.support.appendingPathComponent("check_bundle.py").path, out.path,
            GoldenFiles.packageRoot.appendingPathComponent("Schemas/gateway-config.schema.json").path,
        ])
        XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
    }

    /// `gateway.json` told a runtime the gateway's CORS answers for every route, where a raw
    /// policy without `<base />` in `inbound` keeps it from running: for every request of
    /// an API or route, for a product's subscribers (found by the audit of the fixes).
    func testGatewayJSONSaysWhereTheGatewaysCORSDoesNotRun() throws {
        let cors = "cors:\n  allowedOrigins: [https://shop.example.com]\n  allowedHeaders: [Authorization]\n"
        let own = "'<policies><inbound><set-header name=\"X-Own\" exists-action=\"override\"><value>1</value></set-header></inbound></policies>'"
        let shop = "apiVersion: portcullis/v1\nkind: Product\nname: shop\ndisplayName: Shop\napis: [orders]\npolicy: \(own)\n"
        let folder = try project(
            gatewayExtra: cors,
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n  - id: get-order\n    method: GET\n    path: /orders/{id}\n    scopes: [orders.read]\n    policy: \(own)\n",
            more: shop)
        let (result, out) = try build(folder)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let config = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("gateway.json"))) as? [String: Any])
        var runs: [String: NSDictionary] = [:]
        for route in config["routes"] as? [[String: Any]] ?? [] { runs["\(route["id"] ?? "")"] = route["cors"] as? NSDictionary }
        XCTAssertEqual(runs["list-orders"], ["runs": true, "skippedThroughProducts": ["shop"]] as NSDictionary)
        XCTAssertEqual(runs["get-order"], ["runs": false] as NSDictionary)
        XCTAssertEqual((config["cors"] as? [String: Any])?["allowedOrigins"] as? [String], ["https://shop.example.com"])
        let output = try PythonTool.run([
            PythonTool.support.appendingPathComponent("check_bundle.py").path, out.path,
            GoldenFiles.packageRoot.appendingPathComponent("Schemas/gateway-config.schema.json").path,
        ])
        XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
    }

    /// Element names in document order, to compare the order of checks.
    private func order(of names: [String], in policy: String) -> [String] {
        var found: [(String.Index, String)] = []
        for name in names {
            var start = policy.startIndex
            while let range = policy.range(of: "<\(name) ", range: start..<policy.endIndex) {
                found.append((range.lowerBound, name))
                start = range.upperBound
            }
        }
        return found.sorted { $0.0 < $1.0 }.map(\.1)
    }

    func testLimitsCountEveryRequestBeforeTokenChecksAndCacheHits() throws {
        let folder = try project(
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                rateLimit: {calls: 10, per: 1s, key: user}
                quota: {calls: 100000, per: 30d, key: ip}
                cache: {ttl: 30s}
            """)
        let (result, out) = try build(folder)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let policy = try policy(out, route: "list-orders")
        XCTAssertEqual(
            order(of: ["quota-by-key", "validate-jwt", "rate-limit-by-key", "cache-lookup"], in: policy),
            ["quota-by-key", "validate-jwt", "validate-jwt", "rate-limit-by-key", "cache-lookup"])
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("gateway.json"))) as! [String: Any]
        let route = (config["routes"] as! [[String: Any]])[0]
        XCTAssertEqual(
            route["steps"] as? [String], ["quota", "token-check", "scope-check", "rate-limit", "cache-lookup", "backend", "cache-store"],
            "gateway.json states the order the policy has")
    }

    func testCallersATokenDoesNotNameAreRefusedByLimitsAndNeverCached() throws {
        let folder = try project(
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                rateLimit: {calls: 10, per: 1s, key: client}
                cache: {ttl: 30s, sharing: per-user}
            """)
        let (result, out) = try build(folder)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let policy = try policy(out, route: "list-orders")
        XCTAssertFalse(policy.contains("?? \"\""), "no caller falls back to an empty, shared key:\n\(policy)")
        XCTAssertTrue(policy.contains("<when condition=\"@(((string)context.Variables[\"portcullis-caller-1\"]) == \"\")\">"), policy)
        XCTAssertTrue(policy.contains("<when condition=\"@(((string)context.Variables[\"portcullis-caller-2\"]) != \"\" && context.Request.OriginalUrl.Query.Count == 0)\">"), policy)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("gateway.json"))) as! [String: Any]
        let route = (config["routes"] as! [[String: Any]])[0]
        XCTAssertEqual((route["rateLimit"] as? [String: Any])?["whenCallerMissing"] as? String, "refuse")
        XCTAssertEqual((route["cache"] as? [String: Any])?["whenCallerMissing"] as? String, "bypass")
    }

    func testAPerUserCacheOnAPublicRouteIsRefused() throws {
        let folder = try project(
            routes: """
              - id: list-products
                method: GET
                path: /products
                auth: none
                public: The catalogue is public
                rateLimit: {calls: 10, per: 1s, key: ip}
                cache: {ttl: 30s, sharing: per-user}
            """)
        let (result, out) = try build(folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("orders.yaml:13:32: error: public route 'list-products' asks for a per-user cache"), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testASuppressedSharedCacheOnAnAuthenticatedRouteCachesAsWritten() throws {
        let folder = try project(
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                # portcullis:ignore CA001 -- the same price list for every partner
                cache: {ttl: 30s, sharing: shared}
            """)
        let (result, out) = try build(folder)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let policy = try policy(out, route: "list-orders")
        XCTAssertTrue(policy.contains("allow-private-response-caching=\"true\""), "APIM skips requests with a token otherwise:\n\(policy)")
        XCTAssertFalse(policy.contains("X-Portcullis-Cache-Subject"), policy)
    }

    /// A route limited per user, as the tier and product tests need it.
    private static let listOrders = """
          - id: list-orders
            method: GET
            path: /orders
            scopes: [orders.read]
            rateLimit: {calls: 10, per: 1s, key: user}
        """

    func testLimitsTheTierCannotRunAreRefused() throws {
        let routes = Self.listOrders + "\n    quota: {calls: 100000, per: 30d, key: user}"
        let consumption = try build(try project(gatewayExtra: "sku: Consumption\n", routes: routes)).result
        XCTAssertEqual(consumption.status, 1)
        XCTAssertTrue(consumption.stdout.contains("error: the rate limit needs APIM's 'rate-limit-by-key', which the 'Consumption' tier does not have [RL009]"), consumption.stdout)
        XCTAssertTrue(consumption.stdout.contains("error: the quota needs APIM's 'quota-by-key', which the 'Consumption' tier does not have [RL009]"), consumption.stdout)
        let standardV2 = try build(try project(gatewayExtra: "sku: StandardV2\n", routes: routes)).result
        XCTAssertEqual(standardV2.status, 1)
        XCTAssertFalse(standardV2.stdout.contains("'rate-limit-by-key'"), standardV2.stdout)
        XCTAssertTrue(standardV2.stdout.contains("error: the quota needs APIM's 'quota-by-key', which the 'StandardV2' tier does not have [RL009]"), standardV2.stdout)
        let premium = try build(try project(gatewayExtra: "sku: Premium\n", routes: routes)).result
        XCTAssertEqual(premium.status, 0, premium.stdout)
    }

    func testAnOpenProductMakesItsAPIsKeyless() throws {
        let product = """
            apiVersion: portcullis/v1
            kind: Product
            name: open-data
            apis: [orders]
            subscriptionRequired: false
            rateLimit: {calls: 100, per: 60s}
            """
        let folder = try project(
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                rateLimit: {calls: 10, per: 1s}
            """, more: product)
        let lint = try ToolProcess.run(["lint", folder.path, "--today", "2026-01-01"])
        XCTAssertTrue(lint.stdout.contains("warning: route 'list-orders' counts its rate limit by subscription, but the open product 'open-data' includes its API: keyless callers share one counter [RL007]"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("warning: product 'open-data' requires no subscription, so its rate limit never applies [RL008]"), lint.stdout)
    }

    /// A request without a key to an API that requires none is handled in the API's
    /// context alone, so a product that requires subscriptions does not limit it: its
    /// limits were written into the bundle with no finding (found by an audit against
    /// Microsoft's subscription reference).
    func testAKeylessAPIEscapesItsProductsLimits() throws {
        let product = """
            apiVersion: portcullis/v1
            kind: Product
            name: gold
            apis: [orders]
            rateLimit: {calls: 10, per: 60s}
            quota: {calls: 1000, per: 30d}
            """
        let routes = Self.listOrders
        let keyless = try ToolProcess.run(["lint", try project(routes: routes, apiExtra: "subscriptionRequired: false\n", more: product).path])
        for what in ["rate limit", "quota"] {
            XCTAssertTrue(
                keyless.stdout.contains("warning: API 'orders' requires no subscription key, so requests without one escape the \(what) of product 'gold' [RL008]"),
                keyless.stdout)
        }
        let keyed = try ToolProcess.run(["lint", try project(routes: routes, more: product).path])
        XCTAssertFalse(keyed.stdout.contains("RL008"), keyed.stdout)
        // So do the statements of its raw policy (found by the audit of the fix).
        let rawProduct = product.replacingOccurrences(
            of: "rateLimit: {calls: 10, per: 60s}\nquota: {calls: 1000, per: 30d}",
            with: "policy: '<policies><inbound><base /><rate-limit calls=\"10\" renewal-period=\"60\" /></inbound></policies>'")
        let raw = try ToolProcess.run(["lint", try project(routes: routes, apiExtra: "subscriptionRequired: false\n", more: rawProduct).path])
        XCTAssertTrue(
            raw.stdout.contains("warning: API 'orders' requires no subscription key, so requests without one escape the policy of product 'gold' [RL008]"),
            raw.stdout)
        // An API that requires a key, in an open product beside 'gold', is called without one
        // too (audit V80: silent).
        let opened = try ToolProcess.run([
            "lint", try project(routes: routes, more: product + "\n---\napiVersion: portcullis/v1\nkind: Product\nname: free\napis: [orders]\nsubscriptionRequired: false\n").path,
        ])
        XCTAssertTrue(
            opened.stdout.contains("warning: API 'orders' is in the open product 'free', so requests without a subscription key escape the quota of product 'gold' [RL008]"),
            opened.stdout)
    }
}

extension EnforcementSemanticsTests {
    func testApplicationTokensPassWithRolesAndUserTokensWithScopes() throws {
        let folder = try project(
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                appRoles: {all: [orders.admin]}
            """)
        let (result, out) = try build(folder)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let policy = try policy(out, route: "list-orders")
        XCTAssertEqual(policy.components(separatedBy: "<validate-jwt ").count - 1, 1, "one token check; the permission check reads its claims:\n\(policy)")
        XCTAssertTrue(policy.contains("claims.TryGetValue(\"scp\", out values)"), policy)
        XCTAssertTrue(policy.contains("claims.TryGetValue(\"roles\", out values)"), policy)
        XCTAssertTrue(policy.contains("return !(new[] { \"orders.read\" }.Any(required => granted0.Contains(required)) || new[] { \"orders.admin\" }.All(required => granted1.Contains(required))); }"), policy)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("gateway.json"))) as! [String: Any]
        let auth = (config["routes"] as! [[String: Any]])[0]["auth"] as! [String: Any]
        XCTAssertEqual(auth["scopes"] as? [String], ["orders.read"])
        XCTAssertEqual(auth["appRoles"] as? [String], ["orders.admin"])
        XCTAssertEqual(auth["appRolesMatch"] as? String, "all")
        XCTAssertEqual(auth["requires"] as? String, "scopesOrAppRoles")
    }

    /// A route that takes any valid token and one that takes roles only both wrote
    /// `"scopes": []`, `"match": "any"`: a runtime read the pair either as open to every
    /// token or as closed to all (found by the audit of the emitted policies). `requires`
    /// names the lists a token is judged by.
    func testGatewayConfigSaysWhatATokenMustHold() throws {
        let folder = try project(
            routes: """
              - id: list-orders  # portcullis:ignore LP002 -- any token of the provider
                method: GET
                path: /orders
              - id: get-order
                method: GET
                path: /orders/{id}
                appRoles: {all: [orders.admin]}
              - id: list-public
                method: GET
                path: /public
                auth: none
                public: open data
            """)
        let (result, out) = try build(folder)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("gateway.json"))) as! [String: Any]
        var requires: [String: String] = [:]
        for route in config["routes"] as! [[String: Any]] {
            requires[route["id"] as! String] = (route["auth"] as! [String: Any])["requires"] as? String ?? "absent"
        }
        XCTAssertEqual(requires, ["list-orders": "token", "get-order": "appRoles", "list-public": "absent"])
    }
}

extension EnforcementSemanticsTests {
    func testIntrospectionProvidersCanRequireAnAudience() throws {
        let folder = try project(
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                auth: partner
                scopes: [orders.read]
            """)
        let gateway = folder.appendingPathComponent("gateway.yaml")
        let text = try String(contentsOf: gateway, encoding: .utf8)
            .replacingOccurrences(of: "clientSecret: {secret: partner-secret}\n", with: "clientSecret: {secret: partner-secret}\n    audiences: [api://orders]\n")
        try text.write(to: gateway, atomically: true, encoding: .utf8)
        let (result, out) = try build(folder)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let policy = try policy(out, route: "list-orders")
        XCTAssertTrue(policy.contains("var aud = JObject.Parse((string)context.Variables[\"portcullis-introspection\"])[\"aud\"];"), policy)
        XCTAssertTrue(policy.contains("return !new[] { \"api://orders\" }.Any(audience => named.Contains(audience)); }"), policy)
    }
}
