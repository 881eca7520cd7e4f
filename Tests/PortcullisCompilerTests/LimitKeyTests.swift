import Foundation
import PortcullisChecker
import XCTest

/// Who a counter counts decides how many budgets a caller may spend (audit V31), through the
/// executable: a key new in every token is RL004's as a header is; `diff` weighs a key that
/// gives a caller more counters, a product whose limits stop counting, and reads a quota that
/// never renews as the longest window.
final class LimitKeyTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func copy(of base: URL, _ edits: [(path: String, from: String, to: String)]) throws -> URL {
        let project = directory.appendingPathComponent("project-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: base, to: project)
        for (path, from, to) in edits {
            let url = project.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(from), "\(path) holds no '\(from)'")
            try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
        }
        return project
    }

    private func project(_ name: String, routes: String) throws -> URL {
        try ExampleProject.write(to: directory.appendingPathComponent(name), routes: routes)
    }

    /// `claim:jti` (or a raw key of `AsJwt()?.Id`) starts a new count with every token a
    /// caller asks for: it linted clean. A claim that names the caller does not.
    func testAKeyNewInEveryTokenIsRL004() throws {
        for (key, claim) in [("claim:jti", "jti"), ("claim:session_state", "session_state")] {
            let folder = try project(claim, routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], rateLimit: {calls: 10, per: 60s, key: \"\(key)\"}}\n")
            let lint = try ToolProcess.run(["lint", ".", "--format", "json"], in: folder)
            XCTAssertTrue(
                lint.stdout.contains("route 'list-orders' counts its rate limit by claim '\(claim)', which is new in every token a caller asks for"), lint.stdout)
            XCTAssertTrue(lint.stdout.contains("\"RL004\""), lint.stdout)
        }
        let raw = #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Id)" />"#
        let folder = try ExampleProject.write(
            to: directory.appendingPathComponent("raw"), routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n", rawInbound: raw)
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertTrue(lint.stdout.contains("counts by the token's 'jti', which is new in every token a caller asks for [RL004]"), lint.stdout)
        let sub = try project("sub", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], rateLimit: {calls: 10, per: 60s, key: \"claim:sub\"}}\n")
        XCTAssertFalse(try ToolProcess.run(["lint", "."], in: sub).stdout.contains("RL004"))
    }

    /// `scp` holds the scopes a caller asked for, any part of those it was granted: each
    /// set asked for is a new count (audit V55: `claim:scp` linted clean), raw too.
    func testAKeyOfTheScopesAskedForIsRL004() throws {
        let folder = try project("scp", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], rateLimit: {calls: 10, per: 60s, key: \"claim:scp\"}}\n")
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertTrue(
            lint.stdout.contains("route 'list-orders' counts its rate limit by claim 'scp', which holds the scopes a caller asks for in each token [RL004]"), lint.stdout)
        let raw = #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Claims.GetValueOrDefault(&quot;scp&quot;, &quot;&quot;))" />"#
        let rawFolder = try ExampleProject.write(
            to: directory.appendingPathComponent("raw-scp"), routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n", rawInbound: raw)
        let rawLint = try ToolProcess.run(["lint", "."], in: rawFolder)
        XCTAssertTrue(rawLint.stdout.contains("counts by the token's 'scp', which holds the scopes a caller asks for in each token [RL004]"), rawLint.stdout)
    }

    /// With RL006 switched off, a route without a token may be counted by a claim: no
    /// token names a caller, so its requests are refused, as `gateway.json` says. The
    /// policy read a variable nothing set, and APIM failed every request (audit V38).
    func testACallerKeyOnARouteWithoutATokenRefusesAsGatewayJSONSays() throws {
        let folder = try project(
            "public", routes: "  - {id: status, method: GET, path: /status, auth: none, public: status page, rateLimit: {calls: 10, per: 1s, key: ip}, quota: {calls: 5, per: 1d, key: \"claim:tid\"}}\n")
        try "rules:\n  RL006: off\n".write(to: folder.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
        let build = try ToolProcess.run(["build", ".", "--out", "out"], in: folder)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let policy = try String(contentsOf: folder.appendingPathComponent("out/apim/apis/orders/operations/status/policy.xml"), encoding: .utf8)
        let unnamed = try XCTUnwrap(policy.range(of: #"<set-variable name="portcullis-caller-1" value="" />"#), policy)
        let refused = try XCTUnwrap(policy.range(of: #"<set-status code="403" reason="Forbidden" />"#), policy)
        let counted = try XCTUnwrap(policy.range(of: "<quota-by-key"), policy)
        XCTAssertTrue(unnamed.upperBound < refused.lowerBound && refused.upperBound < counted.lowerBound, policy)
        let gateway = try String(contentsOf: folder.appendingPathComponent("out/gateway.json"), encoding: .utf8)
        XCTAssertTrue(gateway.contains(#""whenCallerMissing" : "refuse""#), gateway)
    }

    /// A key later in the order subscription or client, user, ip, a value the caller picks
    /// gives one caller more counters: `user` to `ip` was `other` and passed the gate.
    func testAKeyGivingACallerMoreCountersIsLooser() throws {
        let contoso = BundleTests.contoso
        let ip = try copy(of: contoso, [("apis/orders.yaml", "    rateLimit: {calls: 5, per: 60s, key: user}", "    rateLimit: {calls: 5, per: 60s, key: ip}")])
        let looser = try ToolProcess.run(["diff", contoso.path, ip.path, "--fail-on", "looser-limit"])
        XCTAssertEqual(looser.status, 1, looser.stdout + looser.stderr)
        XCTAssertTrue(
            looser.stdout.contains("looser limit: route 'orders/cancel-order' counts its rate limit by 'ip' instead of 'user', which counts each address a caller sends from apart"),
            looser.stdout)
        let stricter = try ToolProcess.run(["diff", ip.path, contoso.path, "--fail-on", "looser-limit"])
        XCTAssertEqual(stricter.status, 0, stricter.stdout + stricter.stderr)
        XCTAssertTrue(stricter.stdout.contains("stricter limit: route 'orders/cancel-order' counts its rate limit by 'user' instead of 'ip'"), stricter.stdout)
    }

    /// An application may hold several subscriptions, and several applications may share
    /// one: `client` to `subscription`, or back, gives some callers more budgets, and was
    /// `other` (audit V114), where a raw key changed so was looser. A header's name respelt
    /// in another case counts by the same value, and is no change.
    func testAKeyCountingApplicationsByAnotherMeasureIsLooser() throws {
        let contoso = BundleTests.contoso
        let line = "rateLimit: {calls: 300, per: 60s, key: client}"
        let bySubscription = try copy(of: contoso, [("apis/partner-orders.yaml", line, "rateLimit: {calls: 300, per: 60s, key: subscription}")])
        for (from, to, why) in [
            (contoso, bySubscription, "by 'subscription' instead of 'client', which gives an application a budget for each subscription it holds"),
            (bySubscription, contoso, "by 'client' instead of 'subscription', which gives each application sharing a subscription a budget of its own"),
        ] {
            let gate = try ToolProcess.run(["diff", from.path, to.path, "--fail-on", "looser-limit"])
            XCTAssertEqual(gate.status, 1, gate.stdout + gate.stderr)
            XCTAssertTrue(gate.stdout.contains("looser limit: route 'partner-orders/list-partner-orders' counts its rate limit \(why)"), gate.stdout)
        }
        let byHeader = try copy(of: contoso, [("apis/partner-orders.yaml", line, "rateLimit: {calls: 300, per: 60s, key: 'header:X-Partner'}")])
        let respelt = try copy(of: byHeader, [("apis/partner-orders.yaml", "header:X-Partner", "header:x-partner")])
        let same = try ToolProcess.run(["diff", byHeader.path, respelt.path])
        XCTAssertEqual(same.stdout, "no changes to access, limits or caching\n", same.stderr)
    }

    /// An API that stops requiring a subscription takes its callers without a key out of
    /// its products' limits and out of its own limits counted by subscription: only a
    /// privilege increase before (audit V114), so a gate on looser limits passed.
    func testAnAPIMadeKeylessLosesTheLimitsCountedBySubscription() throws {
        let contoso = BundleTests.contoso
        let keyless = try copy(of: contoso, [("apis/partner-orders.yaml", "auth: partner\n", "auth: partner\nsubscriptionRequired: false\n")])
        let gate = try ToolProcess.run(["diff", contoso.path, keyless.path, "--fail-on", "looser-limit"])
        XCTAssertEqual(gate.status, 1, gate.stdout + gate.stderr)
        XCTAssertTrue(
            gate.stdout.contains("looser limit: API 'partner-orders' requires no subscription, so the limits of product 'partners' do not count its callers without a key apart"),
            gate.stdout)
        // So do a product's raw limits, which its policy runs for its subscribers alone (audit V117).
        let raw = try copy(of: contoso, [(
            "products.yaml", "rateLimit: {calls: 1000, per: 60s}\nquota: {calls: 1000000, per: 30d}\n",
            "policy: |\n  <policies>\n    <inbound>\n      <base />\n      <rate-limit calls=\"1000\" renewal-period=\"60\" />\n    </inbound>\n  </policies>\n"
        )])
        // The environments give the product declared limits again.
        try FileManager.default.removeItem(at: raw.appendingPathComponent("environments"))
        let rawKeyless = try copy(of: raw, [("apis/partner-orders.yaml", "auth: partner\n", "auth: partner\nsubscriptionRequired: false\n")])
        let rawGate = try ToolProcess.run(["diff", raw.path, rawKeyless.path, "--fail-on", "looser-limit"])
        XCTAssertEqual(rawGate.status, 1, rawGate.stdout + rawGate.stderr)
        XCTAssertTrue(rawGate.stdout.contains("so the limits of product 'partners' do not count its callers without a key apart"), rawGate.stdout)
    }

    /// A product's raw rate limit may give one API, or one operation, a budget of its own,
    /// which APIM finds by name: the API or route renamed, with the policy's text the
    /// same, left the budget applying to nothing, and `diff` said "other" (audit V114).
    /// `lint` reports such a budget (RL008), and `diff` the change that leaves it so.
    func testABudgetLeftBehindByARenameAppliesToNothing() throws {
        let contoso = BundleTests.contoso
        let budgeted = try copy(of: contoso, [(
            "products.yaml", "rateLimit: {calls: 1000, per: 60s}\n",
            "policy: |\n  <policies>\n    <inbound>\n      <base />\n      <rate-limit calls=\"500\" renewal-period=\"60\">\n"
                + "        <api name=\"catalog\" calls=\"100\" renewal-period=\"60\">\n          <operation name=\"update-product\" calls=\"10\" renewal-period=\"60\" />\n"
                + "        </api>\n      </rate-limit>\n    </inbound>\n  </policies>\n"
        )])
        let clean = try ToolProcess.run(["lint", budgeted.path])
        XCTAssertFalse(clean.stdout.contains("RL008"), clean.stdout)
        let renamed = try copy(of: budgeted, [("apis/catalog.yaml", "- id: update-product", "- id: edit-product")])
        let lint = try ToolProcess.run(["lint", renamed.path])
        XCTAssertTrue(
            lint.stdout.contains("warning: the 'rate-limit' of product 'partners' holds a budget for operation 'update-product' of API 'catalog', which that API does not have [RL008]"),
            lint.stdout)
        let gate = try ToolProcess.run(["diff", budgeted.path, renamed.path, "--fail-on", "looser-limit"])
        XCTAssertEqual(gate.status, 1, gate.stdout + gate.stderr)
        XCTAssertTrue(
            gate.stdout.contains(
                "looser limit: the 'rate-limit' of product 'partners' holds a budget for operation 'update-product' of API 'catalog', which now applies to nothing, though the calls it counted still run the product's policy"),
            gate.stdout)
        let byDisplayName = try copy(of: budgeted, [("products.yaml", "<api name=\"catalog\"", "<api name=\"Catalog API\"")])
        XCTAssertFalse(try ToolProcess.run(["lint", byDisplayName.path]).stdout.contains("RL008"), "an API is named by its display name too")
        // Where both are written, APIM finds the API by its id alone (audit V117).
        let byID = try copy(of: budgeted, [("products.yaml", "<api name=\"catalog\"", "<api name=\"catalog\" id=\"catalogue\"")])
        XCTAssertTrue(try ToolProcess.run(["lint", byID.path]).stdout.contains("holds a budget for API 'catalogue', which the product does not include [RL008]"))
        // An API the product no longer holds takes its calls with it: no limit is looser
        // (audit V117: a looser limit stopped the change).
        let dropped = try copy(of: budgeted, [("products.yaml", "apis: [partner-orders, catalog]", "apis: [partner-orders]")])
        let decrease = try ToolProcess.run(["diff", budgeted.path, dropped.path, "--fail-on", "looser-limit"])
        XCTAssertEqual(decrease.status, 0, decrease.stdout + decrease.stderr)
        XCTAssertTrue(decrease.stdout.contains("privilege decrease: product 'partners' no longer includes API 'catalog'"), decrease.stdout)
    }

    /// A product made open keeps limits that count nothing (APIM counts them by
    /// subscription): only a privilege increase before, so a gate on looser limits passed.
    func testAProductMadeOpenLosesItsLimits() throws {
        let contoso = BundleTests.contoso
        let open = try copy(of: contoso, [("products.yaml", "approvalRequired: true\nrateLimit: {calls: 1000, per: 60s}", "approvalRequired: true\nsubscriptionRequired: false\nrateLimit: {calls: 1000, per: 60s}")])
        let gate = try ToolProcess.run(["diff", contoso.path, open.path, "--fail-on", "looser-limit"])
        XCTAssertEqual(gate.status, 1, gate.stdout + gate.stderr)
        XCTAssertTrue(gate.stdout.contains("looser limit: product 'partners' no longer requires a subscription, so its rate limit and quota count nothing"), gate.stdout)
    }

    /// A raw quota whose period becomes 0 never renews: the same calls over a longer window
    /// are stricter, not a budget not known here.
    func testAQuotaThatNeverRenewsIsNoLooserLimit() throws {
        func raw(_ period: String) -> String {
            #"<quota-by-key calls="1000" renewal-period="\#(period)" counter-key="@(context.Subscription.Id)" />"#
        }
        var folders: [URL] = []
        for period in ["86400", "0"] {
            folders.append(
                try ExampleProject.write(
                    to: directory.appendingPathComponent("quota-\(period)"), routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n",
                    rawInbound: raw(period)))
        }
        let gate = try ToolProcess.run(["diff", folders[0].path, folders[1].path, "--fail-on", "looser-limit"])
        XCTAssertEqual(gate.status, 0, gate.stdout + gate.stderr)
        let back = try ToolProcess.run(["diff", folders[1].path, folders[0].path, "--fail-on", "looser-limit"])
        XCTAssertEqual(back.status, 1, back.stdout + back.stderr)
    }
}
