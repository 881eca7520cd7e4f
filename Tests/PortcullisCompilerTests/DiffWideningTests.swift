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
    /// (file, text, replacement) in HEAD; new files are written whole. `both` edits BASE
    /// and HEAD alike, first.
    private func diff(
        _ edits: [(String, String, String)], newFiles: [(String, String)] = [], both: [(String, String, String)] = [], file: StaticString = #filePath,
        line: UInt = #line
    ) throws -> [String] {
        let base = directory.appendingPathComponent("base-\(UUID().uuidString)")
        let head = directory.appendingPathComponent("head-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: base)
        try FileManager.default.copyItem(at: BundleTests.contoso, to: head)
        for (folder, edits) in [(base, both), (head, both + edits)] {
            for (path, from, to) in edits {
                let url = folder.appendingPathComponent(path)
                let text = try String(contentsOf: url, encoding: .utf8)
                XCTAssertTrue(text.contains(from), "\(path) holds no '\(from)'", file: file, line: line)
                try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
            }
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
    /// So does one whose backend's URL is spelt otherwise for the same server: the scheme's
    /// own port, a host's final dot, a `.` segment (the audit of the forty-fifth round), and
    /// one whose rewrite's path is (audit V75), and one with a query, which APIM sends with
    /// every request to the same path (audit V106).
    func testARouteReachingAGuardedBackendOperationIsComparedWithItsGuardWhereverItIs() throws {
        func admin(_ backend: String) -> String {
            """
                apiVersion: portcullis/v1
                kind: API
                name: orders-admin
                path: orders-admin
                backend: \(backend)
                routes:
                  - id: cancel
                    method: DELETE
                    path: /orders/{id}
                    summary: Cancel an order
                    scopes: [orders.write]

                """
        }
        for backend in [
            "https://orders.internal.contoso.com/api/", "https://Orders.Internal.Contoso.com.:443/./api",
            "https://orders.internal.contoso.com/api?x=1", "https://orders.internal.contoso.com/api/?x=1",
        ] {
            assertReports([
                "privilege increase: route 'orders-admin/cancel' now accepts scope 'orders.write', where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
            ], in: try diff([], newFiles: [("apis/orders-admin.yaml", admin(backend))]))
        }
        // An escaped '?' is part of the path, another operation's (audit V108).
        let escaped = try diff([], newFiles: [("apis/orders-admin.yaml", admin("https://orders.internal.contoso.com/api/%3Fx=1"))])
        XCTAssertFalse(escaped.contains { $0.contains("guards 'DELETE /orders/{id}'") }, escaped.joined(separator: "\n"))
        // Dot segments, empty ones and escapes of plain letters are the path the server
        // resolves (audit V75: `/x/../orders/{orderId}` was compared with nothing).
        // An escaped '/', a '..' with ';' parameters, and an empty segment that '..' takes
        // off, as servers and RFC 3986 read them (audits V76 and V77). (A `..` that climbs
        // above the rewrite's own path is YS004: audit V105.)
        for rewrite in [
            "/Orders/{orderId}", "/orders/{orderId}/", "/x/../orders/{orderId}", "/./orders//{orderId}", "/%6Frders/{orderId}", "/x/..%2Forders/{orderId}",
            "/orders/x/..;/{orderId}", "/orders/{orderId}//..",
        ] {
            let lines = try diff([
                ("apis/orders.yaml", "  - id: health\n",
                 "  - id: zap\n    method: DELETE\n    path: /zap/{orderId}\n    summary: z\n    scopes: [orders.write]\n    rewrite: {path: \"\(rewrite)\"}\n  - id: health\n"),
            ])
            assertReports([
                "privilege increase: route 'orders/zap' now accepts scope 'orders.write', where 'orders/cancel-order' guards 'DELETE \(rewrite)' on the same backend"
            ], in: lines)
        }
    }

    /// A route added that reaches the operation a route guards was compared by its token
    /// and scopes alone: one without the IP filter, on its API's shared budget instead of
    /// the operation's own, or callable without a subscription key passed as `other`
    /// (audit AA of the forty-sixth round).
    func testARouteAddedToAGuardedOperationKeepsItsFilterBudgetAndKey() throws {
        let filterless = try diff([
            ("apis/partner-orders.yaml", "tags: [partner-program, orders]",
             "  - id: place-mobile\n    method: POST\n    path: /orders/mobile\n    scopes: [partner.orders.write]\n    ipFilter: none\n    rewrite: {path: /orders}\ntags: [partner-program, orders]"),
        ])
        assertReports([
            "privilege increase: route 'partner-orders/place-mobile' no longer filters callers by IP address, where 'partner-orders/place-partner-order' guards 'POST /orders' on the same backend"
        ], in: filterless)
        let cancel = "  - id: cancel-v2\n    method: POST\n    path: /orders/{orderId}/cancel\n    summary: c\n    scopes: [orders.cancel]\n    rewrite: {path: \"/orders/{orderId}\", method: DELETE}\n"
        let budget = try diff([("apis/orders.yaml", "  - id: health\n", cancel + "  - id: health\n")])
        assertReports([
            "looser limit: route 'orders/cancel-v2' has a looser rate limit: 600 calls per 60s by user, was 5 calls per 60s by user, where 'orders/cancel-order' guards 'DELETE /orders/{orderId}' on the same backend"
        ], in: budget)
        let keyless = """
            apiVersion: portcullis/v1
            kind: API
            name: orders-open
            path: orders-open
            backend: https://orders.internal.contoso.com/api
            subscriptionRequired: false
            rateLimit: {calls: 5, per: 60s, key: user}
            routes:
              - id: cancel
                method: DELETE
                path: /orders/{id}
                summary: Cancel an order
                scopes: [orders.cancel]

            """
        assertReports([
            "privilege increase: route 'orders-open/cancel' can be called without a subscription key, where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
        ], in: try diff([], newFiles: [("apis/orders-open.yaml", keyless)]))
        // The same checks and budget on another way in are no widening.
        let same = try diff([("apis/orders.yaml", "  - id: health\n", cancel.replacingOccurrences(of: "scopes: [orders.cancel]\n", with: "scopes: [orders.cancel]\n    rateLimit: {calls: 5, per: 60s, key: user}\n") + "  - id: health\n")])
        XCTAssertFalse(same.contains { $0.hasPrefix("privilege increase") || $0.hasPrefix("looser limit") }, same.joined(separator: "\n"))
    }

    /// The audit of the round's fixes: a branch that sends some requests elsewhere hid the
    /// route from the guard of the operation the others reach; a guard's raw IP filter or
    /// token check passed for met by an allow-all filter or another provider's token; a
    /// pool's member reached by its URL was guarded by none; a `Host` the definitions set
    /// was no move, where a raw one was.
    func testAGuardIsMetOnlyByWhatItChecksAndAHostIsAMoveHoweverWritten() throws {
        let branch = #"<policies><inbound><base /><choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Never&quot;))"><rewrite-uri template="/nothing" /></when></choose></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>"#
        let branched = ordersTwo("  - {id: cancel, method: DELETE, path: \"/orders/{id}\", scopes: [orders.write], policy: '\(branch)'}")
        assertReports([
            "privilege increase: route 'orders2/cancel' now accepts scope 'orders.write', where 'orders/cancel-order' guards 'DELETE /nothing or DELETE /orders/{id}' on the same backend"
        ], in: try diff([], newFiles: [("apis/orders2.yaml", branched)]))
        let filter = #"<policies><inbound><base /><ip-filter action="allow"><address>10.1.2.3</address></ip-filter></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>"#
        let guarded = [("apis/orders.yaml", "    scopes: [orders.cancel]\n    rateLimit: {calls: 5, per: 60s, key: user}\n", "    scopes: [orders.cancel]\n    rateLimit: {calls: 5, per: 60s, key: user}\n    policy: '\(filter)'\n")]
        let allowAll = ordersTwo("  - {id: cancel, method: DELETE, path: \"/orders/{id}\", scopes: [orders.cancel], ipFilter: {allow: [0.0.0.0/0]}}")
        assertReports([
            "privilege increase: route 'orders2/cancel' does not pass the raw IP filter its guard's policies run, where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
        ], in: try diff([], newFiles: [("apis/orders2.yaml", allowAll)], both: guarded))
        // A pool's member reached by its URL is what the pool's routes guard.
        let member = """
            apiVersion: portcullis/v1
            kind: API
            name: p2
            path: p2
            backend: https://orders-weu.internal.contoso.com/partner
            auth: partner
            rateLimit: {calls: 300, per: 60s, key: client}
            routes:
              - {id: list, method: GET, path: /orders/by-partner, scopes: [partner.orders.read]}

            """
        assertReports([
            "privilege increase: route 'p2/list' no longer filters callers by IP address, where 'partner-orders/list-partner-orders' guards 'GET /orders/by-partner' on the same backend"
        ], in: try diff([], newFiles: [("apis/p2.yaml", member)]))
        let host = try diff([("apis/orders.yaml", "    scopes: [orders.read]\n", "    scopes: [orders.read]\n    request: {headers: {set: {Host: evil.example.com}}}\n")])
        XCTAssertTrue(host.contains { $0.hasPrefix("privilege increase: API 'orders' now sends requests, with the credentials they carry") && $0.contains("'Host header evil.example.com'") }, host.joined(separator: "\n"))
    }

    /// HEAD's API 'orders2', on the backend of API 'orders', with its limits, holding `routes`.
    private func ordersTwo(_ routes: String) -> String {
        """
        apiVersion: portcullis/v1
        kind: API
        name: orders2
        path: orders2
        backend: https://orders.internal.contoso.com/api
        rateLimit: {calls: 5, per: 60s, key: user}
        quota: {calls: 1000000, per: 30d, key: subscription}
        routes:
        \(routes)

        """
    }

    /// A raw policy, for a YAML string in single quotes, that runs `statement` after the
    /// broader scopes' policies.
    private func policy(_ statement: String) -> String {
        "<policies><inbound><base />\(statement)</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>"
    }

    /// Both sides' 'orders/cancel-order' with a raw policy that runs `statement`, and HEAD's
    /// route 'orders2/cancel' in front of it with one that runs `added`.
    private func guardedCancel(_ statement: String, added: String) throws -> [String] {
        try diff(
            [], newFiles: [("apis/orders2.yaml", ordersTwo("  - {id: cancel, method: DELETE, path: \"/orders/{id}\", scopes: [orders.cancel], policy: '\(policy(added))'}"))],
            both: [("apis/orders.yaml", "    scopes: [orders.cancel]\n", "    scopes: [orders.cancel]\n    policy: '\(policy(statement))'\n")])
    }

    /// A guard's raw checks were met by the route added in front of it by their presence
    /// alone (audit V5): a raw IP filter that forbids one address passed for one that allows
    /// a private network.
    func testAGuardsRawIPFilterIsMetOnlyByOneThatAdmitsNoMore() throws {
        let privateNetwork = #"<ip-filter action="allow"><address-range from="10.0.0.0" to="10.255.255.255" /></ip-filter>"#
        assertReports([
            "privilege increase: route 'orders2/cancel' admits addresses the raw IP filter its guard's policies run refuses: 0.0.0.0-9.255.255.255, 11.0.0.0-192.0.2.0, 192.0.2.2-255.255.255.255, where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
        ], in: try guardedCancel(privateNetwork, added: #"<ip-filter action="forbid"><address>192.0.2.1</address></ip-filter>"#))
        // Part of the guard's network, or its own filter, admits nothing more.
        for narrower in [#"<ip-filter action="allow"><address-range from="10.1.0.0" to="10.1.255.255" /></ip-filter>"#, privateNetwork] {
            let lines = try guardedCancel(privateNetwork, added: narrower)
            XCTAssertFalse(lines.contains { $0.hasPrefix("privilege increase") }, lines.joined(separator: "\n"))
        }
    }

    /// A public guard's raw token check was met by any raw token check: one trusting another
    /// issuer's tokens passed (audit V5).
    func testAGuardsRawTokenCheckIsMetOnlyByOneThatTrustsNoOtherIssuer() throws {
        let check = { (issuer: String, claims: String) in
            #"<validate-jwt header-name="Authorization" failed-validation-httpcode="401"><openid-config url="\#(issuer).well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><issuers><issuer>\#(issuer)</issuer></issuers>\#(claims)</validate-jwt>"#
        }
        let entra = "https://login.microsoftonline.com/contoso/v2.0/"
        let things = { (statement: String) in
            "  - {id: things, method: GET, path: /things, auth: none, public: checked by a raw token check, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '\(self.policy(statement))'}\n"
        }
        let guarded = [("apis/orders.yaml", "  - id: health\n", things(check(entra, "")) + "  - id: health\n")]
        assertReports([
            "privilege increase: route 'orders2/things' does not pass the raw 'validate-jwt' its guard's policies run: its own accepts issuer 'https://idp.attacker.example/' and signing keys of 'https://idp.attacker.example/.well-known/openid-configuration', where 'orders/things' guards 'GET /things' on the same backend"
        ], in: try diff([], newFiles: [("apis/orders2.yaml", ordersTwo(things(check("https://idp.attacker.example/", ""))))], both: guarded))
        // The same issuer, with a claim required besides, accepts no more.
        let claim = #"<required-claims><claim name="roles" match="any"><value>Orders.Read</value></claim></required-claims>"#
        let lines = try diff([], newFiles: [("apis/orders2.yaml", ordersTwo(things(check(entra, claim))))], both: guarded)
        XCTAssertFalse(lines.contains { $0.hasPrefix("privilege increase") }, lines.joined(separator: "\n"))
    }

    /// A guard's raw header check was not compared at all: a route without it passed (audit
    /// V5).
    func testAGuardsRawHeaderCheckIsMetOnlyByOneOfTheSameHeaderAndValues() throws {
        let header = { (values: String) in
            #"<check-header name="X-Internal-Caller" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false">\#(values)</check-header>"#
        }
        let reporting = header("<value>reporting</value>")
        assertReports([
            "privilege increase: route 'orders2/cancel' does not pass the raw 'check-header' of header 'X-Internal-Caller' its guard's policies run, where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
        ], in: try guardedCancel(reporting, added: ""))
        assertReports([
            "privilege increase: route 'orders2/cancel' does not pass the raw 'check-header' its guard's policies run: its own accepts another value of header 'X-Internal-Caller', where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
        ], in: try guardedCancel(reporting, added: header("<value>reporting</value><value>billing</value>")))
        let same = try guardedCancel(header("<value>reporting</value><value>billing</value>"), added: reporting)
        XCTAssertFalse(same.contains { $0.hasPrefix("privilege increase") }, same.joined(separator: "\n"))
    }

    /// An added route's raw IP filter whose action is an expression (Microsoft Learn allows
    /// one) was read as forbidding what it lists (audit V6): one allowing every address but
    /// the guard's passed for one admitting that address alone. A constant expression is its
    /// string; another may admit any address, and a guard's filter so written is not read.
    func testAGuardsRawIPFilterIsNotMetByOneWhoseActionIsAnExpression() throws {
        let filter = { (action: String, entries: String) in #"<ip-filter action="\#(action)">\#(entries)</ip-filter>"# }
        let one = "<address>10.1.1.1</address>"
        let others = #"<address-range from="0.0.0.0" to="10.1.1.0" /><address-range from="10.1.1.2" to="255.255.255.255" />"#
        let computed = "@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;action&quot;, &quot;allow&quot;))"
        for action in ["@(&quot;allow&quot;)", computed] {
            assertReports([
                "privilege increase: route 'orders2/cancel' admits addresses the raw IP filter its guard's policies run refuses: 0.0.0.0-10.1.1.0, 10.1.1.2-255.255.255.255, where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
            ], in: try guardedCancel(filter("allow", one), added: filter(action, others)))
        }
        assertReports([
            "privilege increase: route 'orders2/cancel' does not pass the raw IP filter its guard's policies run, whose addresses or action are not read here, where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
        ], in: try guardedCancel(filter(computed, one), added: filter("allow", one)))
    }

    /// An added route whose raw check of a header was the guard's, word for word, passed for
    /// it while setting that header itself first, so that the check judged the gateway's
    /// value (audit V6): by its own 'set-header', by 'request.headers', before a fragment
    /// holding the check, or by a managed identity before a token check of 'Authorization'.
    func testAGuardsRawHeaderCheckIsNotMetByOneOfAHeaderTheRouteSetsFirst() throws {
        let check = #"<check-header name="X-Internal-Caller" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>reporting</value></check-header>"#
        let set = #"<set-header name="X-Internal-Caller" exists-action="override"><value>reporting</value></set-header>"#
        let unmet = "privilege increase: route 'orders2/cancel' does not pass the raw 'check-header' of header 'X-Internal-Caller' its guard's policies run: it sets the header itself first, where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
        assertReports([unmet], in: try guardedCancel(check, added: set + check))
        // Set after the check, the header is the caller's when it is checked.
        let after = try guardedCancel(check, added: check + set)
        XCTAssertFalse(after.contains { $0.hasPrefix("privilege increase") }, after.joined(separator: "\n"))
        // A guard that sets the header itself for some requests only, or keeps what the
        // caller sent, still asks the others for it (the audit of the fix).
        let skipped = #"<set-header name="X-Internal-Caller" exists-action="skip"><value>anonymous</value></set-header>"#
        let branch = #"<choose><when condition="@(context.Request.IpAddress == &quot;10.9.9.9&quot;)">\#(set)</when></choose>"#
        for guardSets in [skipped, branch] { assertReports([unmet], in: try guardedCancel(guardSets + check, added: set + guardSets + check)) }
        // One that sets it on every request checks nothing a route setting it too escapes.
        let both = try guardedCancel(set + check, added: set + check)
        XCTAssertFalse(both.contains { $0.hasPrefix("privilege increase") }, both.joined(separator: "\n"))
        let declared = "  - {id: cancel, method: DELETE, path: \"/orders/{id}\", scopes: [orders.cancel], request: {headers: {set: {X-Internal-Caller: reporting}}}, policy: '\(policy(check))'}"
        assertReports([unmet], in: try diff(
            [], newFiles: [("apis/orders2.yaml", ordersTwo(declared))],
            both: [("apis/orders.yaml", "    scopes: [orders.cancel]\n", "    scopes: [orders.cancel]\n    policy: '\(policy(check))'\n")]))
        let fragment = "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: internal-caller\npolicy: '<fragment>\(check)</fragment>'\n"
        let include = #"<include-fragment fragment-id="internal-caller" />"#
        assertReports([unmet], in: try diff(
            [], newFiles: [("apis/orders2.yaml", ordersTwo("  - {id: cancel, method: DELETE, path: \"/orders/{id}\", scopes: [orders.cancel], policy: '\(policy(set + include))'}"))],
            both: [
                ("apis/orders.yaml", "    scopes: [orders.cancel]\n", "    scopes: [orders.cancel]\n    policy: '\(policy(include))'\n"),
                ("apis/orders.yaml", "tags: [web-shop, orders]\n", "tags: [web-shop, orders]\n" + fragment),
            ]))
        let jwt = #"<validate-jwt header-name="Authorization" failed-validation-httpcode="401"><openid-config url="https://login.microsoftonline.com/contoso/v2.0/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><issuers><issuer>https://login.microsoftonline.com/contoso/v2.0/</issuer></issuers></validate-jwt>"#
        let things = { (statements: String) in
            "  - {id: things, method: GET, path: /things, auth: none, public: checked by a raw token check, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '\(self.policy(statements))'}\n"
        }
        let identity = #"<authentication-managed-identity resource="api://orders" />"#
        let guarded = [("apis/orders.yaml", "  - id: health\n", things(jwt) + "  - id: health\n")]
        assertReports([
            "privilege increase: route 'orders2/things' does not pass the raw 'validate-jwt' of header 'Authorization' its guard's policies run: it sets the header itself first, where 'orders/things' guards 'GET /things' on the same backend"
        ], in: try diff([], newFiles: [("apis/orders2.yaml", ordersTwo(things(identity + jwt)))], both: guarded))
        // A token read from a query parameter the route sets first, named as such.
        let queryJWT = jwt.replacingOccurrences(of: #"header-name="Authorization""#, with: #"query-parameter-name="access_token""#)
        let setQuery = #"<set-query-parameter name="access_token" exists-action="override"><value>gateway-token</value></set-query-parameter>"#
        assertReports([
            "privilege increase: route 'orders2/things' does not pass the raw 'validate-jwt' of query parameter 'access_token' its guard's policies run: it sets the query parameter itself first, where 'orders/things' guards 'GET /things' on the same backend"
        ], in: try diff([], newFiles: [("apis/orders2.yaml", ordersTwo(things(setQuery + queryJWT)))], both: [("apis/orders.yaml", "  - id: health\n", things(queryJWT) + "  - id: health\n")]))
        // The gateway's token for the backend, put in after the check, is no bypass.
        let backend = try diff([], newFiles: [("apis/orders2.yaml", ordersTwo(things(jwt + identity)))], both: guarded)
        XCTAssertFalse(backend.contains { $0.contains("does not pass") }, backend.joined(separator: "\n"))
    }

    /// A guard's raw check inside a statement that also sets the checked header, after the
    /// check in its branch, in a branch that refuses, or after it in a `retry`, was taken
    /// for one set first: a route copying the guard's statement failed the gate. Set before
    /// the check in its branch, or in the `retry`, it still is.
    func testAGuardsCheckInAStatementSettingItsHeaderAfterItIsMetByTheSame() throws {
        let check = #"<check-header name="X-Internal-Caller" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>reporting</value></check-header>"#
        let set = #"<set-header name="X-Internal-Caller" exists-action="override"><value>reporting</value></set-header>"#
        let refuse = #"<return-response><set-status code="403" reason="no" /></return-response>"#
        let choose = { (first: String, other: String) in
            #"<choose><when condition="@(context.Request.IpAddress == &quot;10.9.9.9&quot;)">\#(first)</when><otherwise>\#(other)</otherwise></choose>"#
        }
        let retry = { (body: String) in #"<retry condition="@(false)" count="1" interval="1">\#(body)</retry>"# }
        for holder in [choose(check + set, check), choose(set + refuse, check), retry(check + set)] {
            let lines = try guardedCancel(holder, added: holder)
            XCTAssertFalse(lines.contains { $0.hasPrefix("privilege increase") }, lines.joined(separator: "\n"))
        }
        let unmet = "privilege increase: route 'orders2/cancel' does not pass the raw 'check-header' of header 'X-Internal-Caller' its guard's policies run: it sets the header itself first, where 'orders/cancel-order' guards 'DELETE /orders/{id}' on the same backend"
        for holder in [choose(set + check, check), retry(set + check)] { assertReports([unmet], in: try guardedCancel(holder, added: holder)) }
    }

    /// A finding silenced anew on another API's route with the same id passed for the one
    /// BASE had, as messages name a route by its id alone (audit AA of the forty-sixth round).
    func testASilencedFindingMovedToAnotherAPIIsANewOne() throws {
        let legacy = """
            apiVersion: portcullis/v1
            kind: API
            name: legacy
            path: legacy
            backend: https://legacy.internal.contoso.com
            routes:
              - id: export
                method: POST
                path: /export
                scopes: [orders.read]   # portcullis:ignore LP003 -- the exporter only reads

            """
        let base = directory.appendingPathComponent("base-moved")
        let head = directory.appendingPathComponent("head-moved")
        for folder in [base, head] { try FileManager.default.copyItem(at: BundleTests.contoso, to: folder) }
        try legacy.write(to: base.appendingPathComponent("apis/legacy.yaml"), atomically: true, encoding: .utf8)
        let orders = head.appendingPathComponent("apis/orders.yaml")
        let text = try String(contentsOf: orders, encoding: .utf8)
        try text.replacingOccurrences(
            of: "  - id: health\n", with: "  - id: export\n    method: POST\n    path: /orders/purge\n    scopes: [orders.read]   # portcullis:ignore LP003 -- moved\n  - id: health\n"
        ).write(to: orders, atomically: true, encoding: .utf8)
        let result = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(
            result.stdout.contains("privilege increase: a new LP003 finding is silenced by a 'portcullis:ignore' comment: POST route 'export' accepts the read scope 'orders.read'"),
            result.stdout)
        // So is one an environment's override holds, moved to another API's route (the
        // audit of the fixes).
        let override = "        rateLimit: {calls: 100000, per: 60s, key: user}  # portcullis:ignore RL003,RL005 -- load test\n"
        let shop = """
            apiVersion: portcullis/v1
            kind: API
            name: shop
            path: shop
            backend: https://shop.internal.contoso.com
            rateLimit: {calls: 600, per: 60s, key: user}
            routes:
              - {id: create-order, method: POST, path: /orders, scopes: [orders.write], rateLimit: {calls: 20, per: 60s, key: user}}

            """
        let lines = try diff(
            [("environments/prod.yaml", "      create-order:\n" + override, ""), ("environments/prod.yaml", "  catalog:\n", "  shop:\n    routes:\n      create-order:\n" + override + "  catalog:\n")],
            newFiles: [("apis/shop.yaml", shop)],
            both: [("environments/prod.yaml", "    routes:\n      list-orders:\n", "    routes:\n      create-order:\n" + override + "      list-orders:\n")])
        XCTAssertTrue(lines.contains { $0.hasPrefix("looser limit: in environment 'prod', a new RL003 finding is silenced by a 'portcullis:ignore' comment") }, lines.joined(separator: "\n"))
    }

    /// A route's requests sent to another backend operation by a raw `rewrite-uri` in its
    /// API's policy, in a fragment its policy includes, or through a named value an
    /// environment changes, under the checks the route had, were only `other`: the route's
    /// own policy alone was read (the audit of the forty-fifth round).
    func testARewriteAnywhereOnARoutesWayThatRetargetsItIsAPrivilegeIncrease() throws {
        let reaches = "privilege increase: route 'orders/get-order' now reaches 'GET /admin' on its backend instead of 'GET /orders/{orderId}', under the checks it had"
        let api = "backend: https://orders.internal.contoso.com/api\n"
        let apiPolicy = { (statement: String) in api + "policy: '<policies><inbound><base />\(statement)</inbound></policies>'\n" }
        assertReports([reaches], in: try diff([("apis/orders.yaml", api, apiPolicy(#"<rewrite-uri template="/admin" />"#))]))
        // Inside `retry`, whose statements run at least once, and in a branch some requests
        // take (the audit of the change: each was a change for review only).
        for holder in [#"retry condition="@(false)" count="1" interval="1""#, #"limit-concurrency key="orders" max-count="10""#] {
            let held = "<\(holder)><rewrite-uri template=\"/admin\" /></\(holder.prefix { $0 != " " })>"
            assertReports([reaches], in: try diff([("apis/orders.yaml", api, apiPolicy(held))]))
        }
        let branch = #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-A&quot;))"><rewrite-uri template="/admin" /></when></choose>"#
        assertReports(
            ["privilege increase: route 'orders/get-order' now reaches 'GET /admin or GET /orders/{orderId}' on its backend instead of 'GET /orders/{orderId}', under the checks it had"],
            in: try diff([("apis/orders.yaml", api, apiPolicy(branch))]))
        // A fragment the API's policy includes, changed alone.
        let header = #"<set-header name="X-Shop" exists-action="override"><value>web</value></set-header>"#
        let document = "apiVersion: portcullis/v1\nkind: API\nname: orders\n"
        let fragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: shaping\npolicy: '<fragment>\(header)</fragment>'\n---\n"
        let including = [
            ("apis/orders.yaml", api, apiPolicy(#"<include-fragment fragment-id="shaping" />"#)), ("apis/orders.yaml", document, fragment + document),
        ]
        assertReports([reaches], in: try diff([("apis/orders.yaml", header, #"<rewrite-uri template="/admin" />"#)], both: including))
        // A named value the API's rewrite reads, changed in one environment.
        let named = [
            ("apis/orders.yaml", api, apiPolicy(#"<rewrite-uri template="{{orders-path}}" />"#)),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  orders-path: /orders/{orderId}\n"),
        ]
        assertReports(
            ["privilege increase: in environment 'prod', route 'orders/get-order' now reaches 'GET /admin' on its backend instead of 'GET /orders/{orderId}', under the checks it had"],
            in: try diff([("environments/prod.yaml", "namedValues:\n", "namedValues:\n    orders-path: /admin\n")], both: named))
    }

    /// A new revision made current leaves the old one callable with its policies: the move
    /// was no change at all (the audit of the bundle, forty-fifth round).
    func testARevisionChangeSaysThePreviousOneStaysCallable() throws {
        assertReports([
            "other: API 'orders' is now revision 2 instead of 1; revision 1 stays callable at 'orders;rev=1' with the policies it has until it is taken offline or deleted"
        ], in: try diff([("apis/orders.yaml", "path: orders\n", "path: orders\nrevision: 2\n")]))
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
            "privilege increase: route 'orders/get-order' now reaches 'GET /orders/{orderId}/refund' on its backend instead of 'GET /orders/{orderId}', under the checks it had"
        ], in: try diff([("apis/orders.yaml", route, route + policy(#"<rewrite-uri template="/orders/{orderId}/refund" />"#))]))
        // A `set-method` inside a request of its own shapes that request, not the route's
        // (the audit of the round's changes: 22 of the real-world snippets hold one).
        let ping = #"<send-one-way-request mode="new"><set-url>https://metrics.contoso.com/hit</set-url><set-method>POST</set-method></send-one-way-request>"#
        let pinged = try diff([("apis/orders.yaml", route, route + policy(ping))])
        XCTAssertFalse(pinged.contains { $0.hasPrefix("privilege increase") }, pinged.joined(separator: "\n"))
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
            result.stdout.contains("looser limit: the raw policy of route 'orders/get-order' makes 'rate-limit-by-key' count only the requests its new 'increment-condition' selects"),
            result.stdout)
        // A condition changed into another may select fewer; a count each request adds
        // lowered lets more through; a respelt condition is the same (audit V67: each was
        // "other").
        func weighed(_ from: String, _ to: String) throws -> (status: Int32, stdout: String) {
            let (was, now) = (directory.appendingPathComponent(UUID().uuidString), directory.appendingPathComponent(UUID().uuidString))
            for (folder, statement) in [(was, from), (now, to)] {
                try FileManager.default.copyItem(at: BundleTests.contoso, to: folder)
                let file = folder.appendingPathComponent("apis/orders.yaml")
                try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: route, with: route + policy(statement)).write(to: file, atomically: true, encoding: .utf8)
            }
            let result = try ToolProcess.run(["diff", was.path, now.path, "--fail-on", "looser-limit"])
            return (result.status, result.stdout)
        }
        let swapped = try weighed(counting, counting.replacingOccurrences(of: "&gt;= 500", with: "== 599"))
        XCTAssertEqual(swapped.status, 1, swapped.stdout)
        XCTAssertTrue(swapped.stdout.contains("looser limit: the raw policy of route 'orders/get-order' changes the 'increment-condition' of 'rate-limit-by-key', so it may count fewer requests"), swapped.stdout)
        XCTAssertEqual(try weighed(counting, counting.replacingOccurrences(of: "StatusCode &gt;= 500", with: "StatusCode&gt;=500")).status, 0)
        let counted = limit.replacingOccurrences(of: "calls=\"10\"", with: "calls=\"100\" increment-count=\"10\"")
        let lowered = try weighed(counted, counted.replacingOccurrences(of: "increment-count=\"10\"", with: "increment-count=\"1\""))
        XCTAssertEqual(lowered.status, 1, lowered.stdout)
        XCTAssertTrue(lowered.stdout.contains("looser limit: the raw policy of route 'orders/get-order' raises the budget of 'rate-limit-by-key' to 100 calls per 60s from 10 per 60s"), lowered.stdout)
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
        // Put on the request by a raw policy, through a fragment too (audit V36: `other`);
        // sent to another host by `send-request`, it does not reach the backend.
        let rawHeader = #"<set-header name="X-Key" exists-action="override"><value>{{partner-client-secret}}</value></set-header>"#
        assertReports([
            "privilege increase: route 'orders/get-order' now sends secret 'partner-client-secret' on its requests from its raw policies, to a host that did not receive it"
        ], in: try diff([("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
                           "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base />\(rawHeader)</inbound></policies>'\n")]))
        let sentElsewhere = try diff([("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
            "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base /><send-request mode=\"new\" response-variable-name=\"r\"><set-url>https://audit.contoso.com</set-url>\(rawHeader)</send-request></inbound></policies>'\n")])
        XCTAssertFalse(sentElsewhere.contains { $0.contains("now sends secret") }, "\(sentElsewhere)")
        // Through a variable, or to another host where a raw policy sends the request
        // (audit V41: both passed).
        let throughVariable = #"<set-variable name="k" value="{{partner-client-secret}}" /><set-header name="X-Key" exists-action="override"><value>@((string)context.Variables["k"])</value></set-header>"#
        assertReports([
            "privilege increase: route 'orders/get-order' now sends secret 'partner-client-secret' on its requests from its raw policies, to a host that did not receive it"
        ], in: try diff([("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
                           "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base />\(throughVariable)</inbound></policies>'\n")]))
        // Kept in a variable for a token request, a secret goes to the token endpoint alone
        // (audit V42: the common client-credentials pattern failed the gate).
        let tokenRequest = #"<set-variable name="k" value="{{partner-client-secret}}" /><send-request mode="new" response-variable-name="t"><set-url>https://login.example.com/token</set-url><set-method>POST</set-method><set-body>@("client_secret=" + (string)context.Variables["k"])</set-body></send-request>"#
        let kept = try diff([("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
            "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base />\(tokenRequest)</inbound></policies>'\n")])
        XCTAssertFalse(kept.contains { $0.contains("now sends secret") }, "\(kept)")
        // The variable read through C#'s `\u` escapes is taken for any variable.
        assertReports([
            "privilege increase: route 'orders/get-order' now sends secret 'partner-client-secret' on its requests from its raw policies, to a host that did not receive it"
        ], in: try diff([("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
                           "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base />\(throughVariable.replacingOccurrences(of: "context.Variables[\"k\"]", with: #"context.\u0056ariables["\u006B"]"#))</inbound></policies>'\n")]))
        // Through a chain of variables (left in the fifty-fifth round: one level only).
        let chained = #"<set-variable name="k" value="{{partner-client-secret}}" /><set-variable name="j" value="@((string)context.Variables[&quot;k&quot;])" /><set-header name="X-Key" exists-action="override"><value>@((string)context.Variables["j"])</value></set-header>"#
        assertReports([
            "privilege increase: route 'orders/get-order' now sends secret 'partner-client-secret' on its requests from its raw policies, to a host that did not receive it"
        ], in: try diff([("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
                           "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base />\(chained)</inbound></policies>'\n")]))
        // Read in an interpolation, or by a Liquid template (audit V51: the quoted texts of
        // the markup missed both); a JSON key named like the variable in a token request's
        // reading is no read of it.
        for sent in [
            #"<set-variable name="k" value="{{partner-client-secret}}" /><set-header name="Authorization" exists-action="override"><value>@($"Bearer {(string)context.Variables["k"]}")</value></set-header>"#,
            #"<set-variable name="k" value="{{partner-client-secret}}" /><set-body template="liquid">{{context.Variables.k}}</set-body>"#,
        ] {
            assertReports([
                "privilege increase: route 'orders/get-order' now sends secret 'partner-client-secret' on its requests from its raw policies, to a host that did not receive it"
            ], in: try diff([("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
                               "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base />\(sent)</inbound></policies>'\n")]))
        }
        let tokenKey = #"<set-variable name="access_token" value="{{partner-client-secret}}" /><send-request mode="new" response-variable-name="t"><set-url>https://login.example.com/token</set-url><set-method>POST</set-method><set-body>@("client_secret=" + (string)context.Variables["access_token"])</set-body></send-request><set-header name="Authorization" exists-action="override"><value>@("Bearer " + (string)((IResponse)context.Variables["t"]).Body.As&lt;JObject&gt;()["access_token"])</value></set-header>"#
        let keyed = try diff([("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
            "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base />\(tokenKey)</inbound></policies>'\n")])
        XCTAssertFalse(keyed.contains { $0.contains("now sends secret") }, "\(keyed)")
        let moved = #"<set-backend-service base-url="https://collector.example.net" />"#
        assertReports([
            "privilege increase: route 'orders/get-order' now sends secret 'partner-client-secret' on its requests from its raw policies, to a host that did not receive it"
        ], in: try diff(
            [("apis/orders.yaml", "<base />\(rawHeader)</inbound>", "<base />\(rawHeader)\(moved)</inbound>")],
            both: [("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
                    "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base />\(rawHeader)</inbound></policies>'\n")]))
        // A URL the request chooses as it runs reaches any host (audit V42).
        let chosen = #"<set-backend-service base-url="@(context.Request.Headers.GetValueOrDefault(&quot;X-Target&quot;, &quot;https://orders.example&quot;))" />"#
        assertReports([
            "privilege increase: route 'orders/get-order' now sends secret 'partner-client-secret' on its requests from its raw policies, to a host that did not receive it"
        ], in: try diff(
            [("apis/orders.yaml", "<base />\(rawHeader)</inbound>", "<base />\(rawHeader)\(chosen)</inbound>")],
            both: [("apis/orders.yaml", "    scopes: [orders.read]\n    cache: {ttl: 1m}\n",
                    "    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: '<policies><inbound><base />\(rawHeader)</inbound></policies>'\n")]))
        // A route added with it is weighed as a route changed is (the second audit).
        assertReports([
            "privilege increase: route 'orders/get-order-internal' was added and sends secret 'partner-client-secret' to its backend in a header or query parameter"
        ], in: try diff([("apis/orders.yaml", "  - id: health\n",
                           "  - id: get-order-internal\n    method: GET\n    path: /internal/{orderId}\n    summary: r\n    scopes: [orders.read]\n    request: {headers: {set: {X-Key: '{{partner-client-secret}}'}}}\n  - id: health\n")]))
        assertReports([
            "privilege increase: route 'partner-orders/list-partner-orders' now puts secret 'partner-client-secret' in a response header its callers receive"
        ], in: try diff([("apis/partner-orders.yaml", "    set: {Strict-Transport-Security: max-age=31536000; includeSubDomains}",
                           "    set: {Strict-Transport-Security: max-age=31536000; includeSubDomains, X-K: '{{partner-client-secret}}'}")]))
    }

    /// What the first version of these checks took for a widening (the audit of the
    /// round's changes): a secret renamed, or made for a new backend in the same change; a
    /// plain named value shown; a raw rewrite whose parameter was renamed, or moved into the
    /// definitions; a product replaced by another; a route the gateway answers; a route
    /// added beside one that leaves the operation public already.
    func testWhatOnlyLooksLikeAWideningIsNotOne() throws {
        func increases(_ lines: [String]) -> [String] { lines.filter { $0.hasPrefix("privilege increase") || $0.hasPrefix("looser limit") } }
        // The same Key Vault secret under a new name.
        var renamed: [(String, String, String)] = [("gateway.yaml", "  partner-orders-gateway-key:", "  partner-gateway-key:")]
        for file in ["backends.yaml", "apis/partner-orders.yaml", "environments/dev.yaml", "environments/test.yaml", "environments/prod.yaml"] {
            let text = try String(contentsOf: BundleTests.contoso.appendingPathComponent(file), encoding: .utf8)
            if text.contains("partner-orders-gateway-key") { renamed.append((file, "partner-orders-gateway-key", "partner-gateway-key")) }
        }
        XCTAssertEqual(increases(try diff(renamed)), [])
        // A backend renamed sends what it sent to the host it sent it to (the second audit).
        var backendRenamed: [(String, String, String)] = []
        for file in ["backends.yaml", "environments/dev.yaml", "environments/test.yaml", "environments/prod.yaml"] {
            let text = try String(contentsOf: BundleTests.contoso.appendingPathComponent(file), encoding: .utf8)
            if text.contains("partner-orders-weu") { backendRenamed.append((file, "partner-orders-weu", "partner-orders-westeurope")) }
        }
        XCTAssertEqual(increases(try diff(backendRenamed)), [])
        // A new backend with a key of its own.
        let invoices = """
            apiVersion: portcullis/v1
            kind: Backend
            name: invoices
            url: https://invoices.internal.contoso.com
            credentials:
              headers:
                x-functions-key: {secret: invoices-key}
            ---
            apiVersion: portcullis/v1
            kind: API
            name: invoices
            path: invoices
            backend: invoices
            routes:
              - id: list-invoices
                method: GET
                path: /invoices
                summary: List invoices
                scopes: [orders.read]

            """
        XCTAssertEqual(
            increases(try diff(
                [("gateway.yaml", "secrets:\n", "secrets:\n  invoices-key: {keyVault: https://contoso-kv.vault.azure.net/secrets/invoices-key}\n")],
                newFiles: [("apis/invoices.yaml", invoices)])), [])
        // A rewrite's parameter renamed with the route's, and a raw rewrite moved into the
        // definitions.
        let route = "    path: /orders/{orderId}\n    summary: Read one order\n    scopes: [orders.read]\n    cache: {ttl: 1m}\n"
        let raw = "    path: /orders/{orderId}\n    summary: Read one order\n    scopes: [orders.read]\n    cache: {ttl: 1m}\n    policy: |\n      <policies><inbound><base /><rewrite-uri template=\"/v2/orders/{orderId}\" /></inbound></policies>\n"
        let base = directory.appendingPathComponent("rewrite")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: base)
        let url = base.appendingPathComponent("apis/orders.yaml")
        try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: route, with: raw).write(to: url, atomically: true, encoding: .utf8)
        for (name, replacement) in [
            ("renamed", raw.replacingOccurrences(of: "{orderId}", with: "{id}")),
            ("moved", route + "    rewrite: {path: \"/v2/orders/{orderId}\"}\n"),
        ] {
            let head = directory.appendingPathComponent("rewrite-\(name)")
            try FileManager.default.copyItem(at: base, to: head)
            let headURL = head.appendingPathComponent("apis/orders.yaml")
            try String(contentsOf: headURL, encoding: .utf8).replacingOccurrences(of: raw, with: replacement).write(to: headURL, atomically: true, encoding: .utf8)
            let result = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase"])
            XCTAssertEqual(result.status, 0, "\(name):\n" + result.stdout + result.stderr)
        }
        // Another product, for other APIs, in place of one removed.
        let team = "apiVersion: portcullis/v1\nkind: Product\nname: web-shop-team\ndisplayName: Web shop team\napis: [orders]\napprovalRequired: true\n"
        let products = try String(contentsOf: BundleTests.contoso.appendingPathComponent("products.yaml"), encoding: .utf8)
        XCTAssertEqual(
            increases(try diff([
                ("products.yaml", products, team), ("environments/prod.yaml", "products:\n  partners:\n    quota: {calls: 5000000, per: 30d}\n", ""),
            ])), [])
        // A route the gateway answers reaches no backend operation; one beside a public
        // route of the same operation opens nothing.
        let answered = """
            apiVersion: portcullis/v1
            kind: API
            name: sandbox
            path: sandbox
            backend: https://orders.internal.contoso.com/api
            routes:
              - id: cancel-order
                method: DELETE
                path: /orders/{orderId}
                summary: Pretend to cancel
                scopes: [orders.read]
                respond: {status: 204}

            """
        XCTAssertEqual(increases(try diff([], newFiles: [("apis/sandbox.yaml", answered)])), [])
        // The catalogue's product page is public: a route that asks a token of its callers
        // opens nothing, whatever other routes guard the same operation, as long as it
        // refuses the addresses the catalogue refuses (without, a scraper holding a token
        // gets in: a widening).
        let shop = """
            apiVersion: portcullis/v1
            kind: API
            name: shop
            path: shop
            backend: https://catalog.internal.contoso.com
            ipFilter: {deny: [192.0.2.0/24]}
            routes:
              - id: product
                method: GET
                path: /items/{sku}
                summary: A product
                scopes: [orders.read]
                rewrite: {path: "/products/{sku}"}

            """
        XCTAssertEqual(increases(try diff([], newFiles: [("apis/shop.yaml", shop)])), [])
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

    /// An API renamed was one removed and one added: what changed with it (plain HTTP
    /// accepted) went unreported, a product listing it by its new name "now included" it,
    /// and its routes' raw policies showed their statements removed and added, a limit
    /// raised among them (thirtieth round).
    func testAnAPIRenamedIsComparedWithWhatItWas() throws {
        var renamed = [
            ("apis/catalog.yaml", "name: catalog\n", "name: catalogue\nprotocols: [http, https]\n"),
            ("products.yaml", "apis: [partner-orders, catalog]", "apis: [partner-orders, catalogue]"),
        ]
        for environment in ["dev", "test", "prod"] {
            renamed.append(("environments/\(environment).yaml", "  catalog:\n    backend:", "  catalogue:\n    backend:"))
        }
        let http = "privilege increase: API 'catalogue' now accepts calls over plain HTTP: tokens and keys cross the network unencrypted"
        let lines = try diff(renamed)
        assertReports([http, "other: API 'catalogue' was 'catalog' before; subscriptions to it do not move to a new name"], in: lines)
        XCTAssertFalse(lines.contains { $0.contains("product 'partners'") }, lines.joined(separator: "\n"))
        // Served under another path too: the routes paired between the two tell.
        assertReports(
            [http, "other: API 'catalogue' is now served under 'products' instead of 'catalog'"],
            in: try diff(renamed + [("apis/catalog.yaml", "path: catalog\n", "path: products\n")]))
        // A route's raw policy goes with it: its limit is compared, not removed and added.
        let limit = #"    rewrite: {path: "/products/{sku}/update", method: POST}   # the catalogue backend takes updates as POST"# + "\n"
        let policy = #"    policy: '<policies><inbound><base /><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" /></inbound></policies>'"# + "\n"
        let raised = try diff(renamed + [("apis/catalog.yaml", #"calls="10""#, #"calls="1000""#)], both: [("apis/catalog.yaml", limit, limit + policy)])
        assertReports(
            ["looser limit: the raw policy of route 'catalogue/update-product' raises the budget of 'rate-limit-by-key' to 1000 calls per 60s from 10 per 60s"],
            in: raised)
        XCTAssertFalse(raised.contains { $0.contains("removes") || $0.contains("adds") || $0.contains("raw policy;") }, raised.joined(separator: "\n"))
    }

    /// An API removed and another added under its path is no rename where no route pairs
    /// the two: the first version of the rename took the newcomer for the API it replaced,
    /// and a product listing it opened it unseen (the audit of the round's changes).
    func testAnAPIReplacedUnderItsPathIsNoRename() throws {
        let admin = """
            apiVersion: portcullis/v1
            kind: API
            name: admin
            path: catalog
            backend: https://admin.internal.contoso.com
            rateLimit: {calls: 300, per: 60s, key: user}
            routes:
              - id: refund
                method: POST
                path: /refunds
                summary: Refund an order
                scopes: [orders.cancel]

            """
        var edits = [("products.yaml", "apis: [partner-orders, catalog]", "apis: [partner-orders, admin]")]
        for environment in ["dev", "test", "prod"] {
            edits.append(("environments/\(environment).yaml", "  catalog:\n    backend:", "  admin:\n    backend:"))
        }
        let lines = try diff(edits, newFiles: [("apis/catalog.yaml", admin)])
        assertReports(["privilege increase: product 'partners' now includes API 'admin': its subscribers may call it"], in: lines)
        XCTAssertFalse(lines.contains { $0.contains("was 'catalog' before") }, lines.joined(separator: "\n"))
    }

    /// A raw `Host` header sends the requests to another site of the server behind the
    /// backend's address (one that hosts several picks the site by it), under the checks
    /// they had: it was only "the raw policy changed" (the audit of the diff gate, forty-sixth
    /// round). A header naming the backend's own host, set on the answer, or skipped, where
    /// the caller's `Host` always stands, sends nothing elsewhere.
    func testARawHostHeaderThatNamesAnotherSiteIsAPrivilegeIncrease() throws {
        let api = "backend: https://orders.internal.contoso.com/api\n"
        let apiPolicy = { (inbound: String, outbound: String) in
            api + "policy: '<policies><inbound><base />\(inbound)</inbound><backend><base /></backend><outbound><base />\(outbound)</outbound></policies>'\n"
        }
        let host = { (value: String, action: String) in #"<set-header name="Host" exists-action="\#(action)"><value>\#(value)</value></set-header>"# }
        assertReports([
            "privilege increase: API 'orders' now sends requests, with the credentials they carry, to 'https://orders.internal.contoso.com/api' and, by policy, 'Host header admin.internal.contoso.com' instead of 'https://orders.internal.contoso.com/api'"
        ], in: try diff([("apis/orders.yaml", api, apiPolicy(host("admin.internal.contoso.com", "override"), ""))]))
        // Through a fragment, as the caller's header picks it.
        let picked = host("@(context.Request.Headers.GetValueOrDefault(&quot;X-Site&quot;, &quot;&quot;))", "override")
        let fragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: site\npolicy: '<fragment>\(picked)</fragment>'\n"
        let lines = try diff([("apis/orders.yaml", api, apiPolicy(#"<include-fragment fragment-id="site" />"#, ""))], newFiles: [("apis/site.yaml", fragment)])
        XCTAssertTrue(lines.contains { $0.hasPrefix("privilege increase: API 'orders' now sends requests, with the credentials they carry") && $0.contains("Host header @(") }, lines.joined(separator: "\n"))
        // Environments give the API other hosts: only the definitions' own are read here.
        func increases(_ lines: [String]) -> [String] { lines.filter { $0.hasPrefix("privilege increase") && !$0.contains("in environment") } }
        for (inbound, outbound) in [
            (host("Orders.Internal.Contoso.com:443", "override"), ""), (host("admin.internal.contoso.com", "skip"), ""), ("", host("admin.internal.contoso.com", "override")),
        ] {
            XCTAssertEqual(increases(try diff([("apis/orders.yaml", api, apiPolicy(inbound, outbound))])), [], inbound + outbound)
        }
    }

    /// A raw `limit-concurrency` removed, raised, or keyed by what the caller sends or anew
    /// for every request lets more requests run at once: it was only "the raw policy changed".
    func testARawConcurrencyLimitLoosenedIsALooserLimit() throws {
        let api = "backend: https://orders.internal.contoso.com/api\n"
        let limit = { (key: String, most: String) in
            #"<limit-concurrency key="\#(key)" max-count="\#(most)"><forward-request timeout="30" /></limit-concurrency>"#
        }
        let apiPolicy = { (backend: String) in api + "policy: '<policies><inbound><base /></inbound><backend>\(backend)</backend></policies>'\n" }
        let both = [("apis/orders.yaml", api, apiPolicy(limit("orders", "10")))]
        let edit = { (to: String) in [("apis/orders.yaml", limit("orders", "10"), to)] }
        assertReports(
            ["looser limit: the raw policy of API 'orders' removes 'limit-concurrency' (in BASE)"],
            in: try diff(edit(#"<forward-request timeout="30" />"#), both: both))
        assertReports(
            ["looser limit: the raw policy of API 'orders' raises 'limit-concurrency' to 1000 requests at once from 10"],
            in: try diff(edit(limit("orders", "1000")), both: both))
        assertReports(
            ["looser limit: the raw policy of API 'orders' counts 'limit-concurrency' by a key callers choose, so each may count anew as often as it likes"],
            in: try diff(edit(limit("@(context.Request.Headers.GetValueOrDefault(&quot;X-Key&quot;, &quot;&quot;))", "10")), both: both))
        // A key new for every request: a counter each, which never reaches its count.
        assertReports(
            ["looser limit: the raw policy of API 'orders' turns 'limit-concurrency' into one that counts nothing or only some requests"],
            in: try diff(edit(limit("@(Guid.NewGuid().ToString())", "10")), both: both))
        // The call moved out of it: it bounds nothing the backend sees (the audit of the fixes).
        assertReports(
            ["looser limit: the raw policy of API 'orders' turns 'limit-concurrency' into one that counts nothing or only some requests"],
            in: try diff(edit(#"<limit-concurrency key="orders" max-count="10"><set-header name="X-A" exists-action="override"><value>1</value></set-header></limit-concurrency><forward-request timeout="30" />"#), both: both))
        for inside in [#"<choose><when condition="@(false)"><forward-request /></when></choose>"#, #"<send-request mode="new" response-variable-name="r"><set-url>https://ping.example.com</set-url></send-request>"#] {
            assertReports(
                ["looser limit: the raw policy of API 'orders' turns 'limit-concurrency' into one that counts nothing or only some requests"],
                in: try diff(edit(#"<limit-concurrency key="orders" max-count="10">\#(inside)</limit-concurrency><forward-request timeout="30" />"#), both: both))
        }
        // Inside a `retry`, it still bounds every call.
        let retried = try diff(edit(#"<limit-concurrency key="orders" max-count="10"><retry condition="@(false)" count="1" interval="1"><forward-request timeout="30" /></retry></limit-concurrency>"#), both: both)
        XCTAssertFalse(retried.contains { $0.hasPrefix("looser limit") }, retried.joined(separator: "\n"))
        // Fewer at once is stricter.
        let lowered = try diff(edit(limit("orders", "2")), both: both)
        XCTAssertFalse(lowered.contains { $0.hasPrefix("looser limit") }, lowered.joined(separator: "\n"))
    }

    /// A required claim whose name a named value gives: the value changed dropped the claim
    /// unseen ("reads named values that changed"), and the same claim written out where the
    /// named value stood was taken for one dropped.
    func testARequiredClaimNamedByANamedValueIsReadWithItsValue() throws {
        let api = "backend: https://orders.internal.contoso.com/api\n"
        let check = { (claim: String) in
            api + #"policy: '<policies><inbound><base /><validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="\#(claim)" match="all"><value>Orders.Admin</value></claim></required-claims></validate-jwt></inbound></policies>'"# + "\n"
        }
        let named = [("apis/orders.yaml", api, check("{{claim-name}}")), ("gateway.yaml", "namedValues:\n", "namedValues:\n  claim-name: roles\n")]
        assertReports(
            ["privilege increase: the raw policy of API 'orders' lets 'validate-jwt' accept tokens without claim 'roles' through named values that changed"],
            in: try diff([("gateway.yaml", "claim-name: roles", "claim-name: unused")], both: named))
        let written = try diff([("apis/orders.yaml", "{{claim-name}}", "roles")], both: named)
        XCTAssertFalse(written.contains { $0.hasPrefix("privilege increase") }, written.joined(separator: "\n"))
    }
}
