import Foundation
import PortcullisChecker
import PortcullisTestSupport
import XCTest

/// Raw policy XML through the executable: where it may come from, what the bundle carries,
/// and hostile documents.
final class RawPolicyTests: XCTestCase {
    private var directory: URL!
    private var outside: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        outside = try BundleTests.temporaryDirectory()
        try FileManager.default.createDirectory(at: file("defs/policies"), withIntermediateDirectories: true)
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.removeItem(at: outside)
    }

    private func file(_ path: String) -> URL { directory.appendingPathComponent(path) }

    private func write(_ text: String, to path: String) throws {
        try text.write(to: file(path), atomically: true, encoding: .utf8)
    }

    /// A Product document over `apis` (a YAML list's items) whose raw policy holds `policy`.
    private static func product(_ name: String, apis: String, policy: String) -> String {
        "apiVersion: portcullis/v1\nkind: Product\nname: \(name)\napis: [\(apis)]\npolicy: '<policies>\(policy)</policies>'\n"
    }

    /// The findings of `lint defs`, which must fail, as `CODE file: message` lines.
    /// The findings of a lint of `defs`, which exits with `status` (1: an error among them).
    private func lintFindings(status: Int32 = 1, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let lint = try ToolProcess.run(["lint", "defs", "--format", "json"], in: directory)
        XCTAssertEqual(lint.status, status, lint.stderr, file: file, line: line)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any], file: file, line: line)
        return (report["diagnostics"] as? [[String: Any]] ?? []).map { "\($0["code"] ?? "") \($0["file"] ?? ""): \($0["message"] ?? "")" }
    }

    /// LP010: a gateway's allow-list, written in its policy or in a fragment it includes
    /// (audit V126), that a route's raw policy without `<base />` keeps from running is an
    /// error; a route policy that filters addresses itself is not reported (audit V126: the
    /// real estate's product policy with its own filter was).
    func testAnIPFilterANarrowerPolicySkipsIsLP010() throws {
        let filter = #"<ip-filter action="allow"><address>10.0.0.1</address></ip-filter>"#
        try write(
            RuleExample.baseGateway + "policy: '<policies><inbound><include-fragment fragment-id=\"allow-list\" /><base /></inbound></policies>'\n"
                + "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: allow-list\npolicy: '<fragment>\(filter)</fragment>'\n",
            to: "defs/gateway.yaml")
        let routes = [
            ("skipping", "<inbound><set-header name=\"X-Channel\" exists-action=\"override\"><value>web</value></set-header></inbound>"),
            ("filtering", "<inbound>\(filter)</inbound>"),
            ("keeping", "<inbound><base /></inbound>"),
        ].map { id, inbound in
            "  - {id: \(id), method: GET, path: /\(id), scopes: [orders.read], policy: '<policies>\(inbound)</policies>'}\n"
        }
        try write(RuleExample.api(routes: routes.joined()).text, to: "defs/apis.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("LP010") },
            ["LP010 defs/apis.yaml: the 'inbound' section of route 'orders/skipping' has no '<base />', so the 'ip-filter' of the gateway never runs for its routes"])
    }

    /// A value of the wrong kind may be anything, a password pasted into `max-count` too, and
    /// no check of secrets reads it there: PX005's message leaves it out, and the line quoted
    /// under it shows no value, in `lint`, `build` and `diff` alike (the audit of the round
    /// found the line quoted whole). Numbers are read as XML Schema reads them: only XML's
    /// white space around them dropped, one sign; `}}…{{` names no named value.
    func testAValueOfTheWrongKindIsJudgedAndNeverQuoted() throws {
        let secret = "Tr0ub4dor&amp;3SECRETVALUE"
        let statements = [
            ("pasted", #"<limit-concurrency key="k" max-count="\#(secret)"><set-variable name="v" value="1" /></limit-concurrency>"#),
            ("spaced", #"<limit-concurrency key="k" max-count="&#xA0;3"><set-variable name="v" value="1" /></limit-concurrency>"#),
            ("signed", #"<limit-concurrency key="k" max-count="+-3"><set-variable name="v" value="1" /></limit-concurrency>"#),
            ("braces", #"<limit-concurrency key="k" max-count="}}ten{{"><set-variable name="v" value="1" /></limit-concurrency>"#),
            ("plain", #"<limit-concurrency key="k" max-count=" 3 "><set-variable name="v" value="1" /></limit-concurrency>"#),
        ]
        for (name, statement) in statements {
            let example = RuleExample.api(
                name, fields: "policy: '<policies><inbound><base />\(statement)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /orders, scopes: [orders.read]}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        // Written over two lines, with another finding on the second (the audit of the fix
        // found its second half quoted there).
        let split = RuleExample.api(
            "split",
            fields: "policy: |\n  <policies>\n    <inbound>\n      <base />\n      <limit-concurrency key=\"k\" max-count=\"Tr0ub4dor\n  SECRETVALUE\"><set-variable name=\"v\" value=\"1\" /></limit-concurrency><forward-request />\n    </inbound>\n  </policies>\n",
            routes: "  - {id: list-split, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(split.text, to: "defs/split.yaml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stderr)
        let found = lint.stdout.split(separator: "\n").filter { $0.contains("[PX005]") }.map { String($0.drop { $0 != " " }.dropFirst()) }
        XCTAssertEqual(found.sorted(), Array(repeating: "error: 'max-count' of 'limit-concurrency' is not a whole number [PX005]", count: 5), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("'forward-request' is not allowed in the 'inbound' section [PX003]"), lint.stdout)
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        try FileManager.default.copyItem(at: file("defs"), to: file("base"))
        for name in ["pasted", "spaced", "signed", "braces", "split"] { try FileManager.default.removeItem(at: file("base/\(name).yaml")) }
        let gate = try ToolProcess.run(["diff", "base", "defs"], in: directory)
        for (command, output) in [("lint", lint.stdout + lint.stderr), ("build", build.stdout + build.stderr), ("diff", gate.stdout + gate.stderr)] {
            XCTAssertFalse(output.contains("SECRETVALUE"), "\(command) quoted the value:\n\(output)")
        }
    }

    /// The gateway with `values`, and for each statement an API of its name, in a file of its
    /// name, whose policy runs the statement after `<base />` for its one route. A policy
    /// `asBlock` is a YAML block, in which two values of one statement keep their places
    /// apart (a single-quoted policy is one scalar's range).
    private func writeOneAPIPerStatement(_ statements: [(name: String, statement: String)], values: String, asBlock: Bool = false) throws {
        try (RuleExample.baseGateway + values).write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        for (name, statement) in statements {
            let policy = "<policies><inbound><base />\(statement)</inbound></policies>"
            let example = RuleExample.api(
                name, fields: asBlock ? "policy: |\n  \(policy)\n" : "policy: '\(policy)'\n",
                routes: "  - {id: list-\(name), method: GET, path: /orders, scopes: [orders.read]}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
    }

    /// One API per check, named by its key, without `auth`: its API policy runs the check
    /// after `<base />`, and its one route takes POST.
    private func writeWriteRoutes(checkedBy checks: [String: String]) throws {
        for (name, check) in checks {
            let example = RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound><base />\(check)</inbound></policies>'\n",
                routes: "  - {id: submit-\(name), method: POST, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
    }

    /// An API whose API-level `policy` is `policy` and whose one route reads orders.
    private func writeAPI(policy: String) throws {
        let example = RuleExample.api(
            fields: "policy: \(policy)\n", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(example.text, to: "defs/orders.yaml")
    }

    /// A route's IP filter is generated after the broader policies run: an API's raw
    /// `cache-lookup`, or a gateway's answer, served every address before it, and lint was
    /// clean (from the audit of the emitted policies). A lookup in the route's own policy
    /// after `<base />` runs after the filter, and an answer of nothing but what is written
    /// gives nothing away. A product without `<base />` drops the gateway's policy for its
    /// own subscribers alone (round 51: it hid the gateway's answer from every caller).
    func testARawAnswerOrLookupBeforeAnIPFilterIsReported() throws {
        let lookup = #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" />"#
        try write(
            RuleExample.baseGateway + "policy: '<policies><inbound><base /><choose><when condition=\"@(context.Request.Url.Path.EndsWith(&quot;/ping&quot;))\"><return-response><set-status code=\"200\" /><set-body>@(context.Deployment.Region)</set-body></return-response></when></choose></inbound></policies>'\n",
            to: "defs/gateway.yaml")
        let apis = [
            RuleExample.api(
                "reports", fields: "auth: none\nipFilter: {allow: [203.0.113.0/24]}\npolicy: '<policies><inbound><base />\(lookup)</inbound></policies>'\n",
                routes: "  - {id: internal-report, method: GET, path: /report, public: Office network only, rateLimit: {calls: 10, per: 1s, key: ip}}\n"),
            RuleExample.api(
                "stock", fields: "auth: none\n",
                routes: """
                  - id: count
                    method: GET
                    path: /count
                    public: Office network only
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    ipFilter: {allow: [203.0.113.0/24]}
                    policy: '<policies><inbound><base />\(lookup)</inbound></policies>'

                """),
        ]
        for api in apis { try write(api.text, to: "defs/\(api.text.split(separator: "\n")[2].dropFirst(6)).yaml") }
        try write(
            "apiVersion: portcullis/v1\nkind: Product\nname: partners\napis: [stock]\npolicy: '<policies><inbound><set-header name=\"X-Partner\" exists-action=\"override\"><value>1</value></set-header></inbound></policies>'\n",
            to: "defs/partners.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("LP001") }.sorted(),
            [
                "LP001 defs/reports.yaml: raw 'return-response' in the gateway may answer requests of route 'internal-report' before its IP filter, so every address gets the answer",
                "LP001 defs/stock.yaml: raw 'return-response' in the gateway may answer requests of route 'count' before its IP filter, so every address gets the answer",
            ])
        try write(RuleExample.baseGateway, to: "defs/gateway.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("LP001") },
            ["LP001 defs/reports.yaml: raw 'cache-lookup' in API 'reports' serves cached responses of route 'internal-report' before its IP filter, so every address is served them"])
    }

    /// Raw statements that let callers past a route's token check, which lint passed
    /// without a finding (an audit against Microsoft's policy reference): a `cache-lookup`
    /// that serves private responses before the check, cache keys that do not tell the
    /// callers of a token apart (`vary-by-developer` where requests need no key, a header
    /// only the generated policies set), and a `validate-jwt` that takes unsigned tokens.
    func testRawStatementsThatLetCallersPastTheTokenCheckAreReported() throws {
        let lookup = #"allow-private-response-caching="true" vary-by-developer-groups="false" downstream-caching-type="none""#
        let apis: [(name: String, fields: String, route: String)] = [
            ("before", "", #"<cache-lookup vary-by-developer="false" \#(lookup) /><base />"#),
            ("keyless", "subscriptionRequired: false\n", #"<base /><cache-lookup vary-by-developer="true" \#(lookup) />"#),
            ("reserved", "", #"<base /><cache-lookup vary-by-developer="false" \#(lookup)><vary-by-header>X-Portcullis-Cache-Subject</vary-by-header></cache-lookup>"#),
            ("unsigned", "auth: none\n", #"<base /><validate-jwt header-name="Authorization" require-signed-tokens="false"><required-claims><claim name="scp" match="any"><value>orders.write</value></claim></required-claims></validate-jwt>"#),
            // Shapes the audit of the first fix found unreported: a condition around the
            // lookup, a token check written raw, and a product's policy (below).
            ("chosen", "", #"<choose><when condition="@(true)"><cache-lookup vary-by-developer="false" \#(lookup) /></when></choose><base />"#),
            ("rawcheck", "auth: none\n", #"<base /><cache-lookup vary-by-developer="false" \#(lookup) /><validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#),
            ("sold", "", "<base />"),
            // In a fragment another fragment includes.
            ("nested", "", #"<include-fragment fragment-id="outer" /><base />"#),
            ("fragmented", "auth: none\n", #"<include-fragment fragment-id="gatewaytoken" /><base />"#),
            ("deleted", "auth: none\n", #"<include-fragment fragment-id="cleared" /><base />"#),
            // A raw token check before the lookup, but the route's scopes are checked after it.
            ("scoped", "", #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt><cache-lookup vary-by-developer="false" \#(lookup) /><base />"#),
            ("unscoped", "", #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt><cache-lookup vary-by-developer="false" \#(lookup) /><base />"#),
            // Keyed on the token, the lookup serves it only what it stored after every
            // check (a false finding of the first version, found by the audit of the fix).
            ("pertoken", "", #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt><cache-lookup vary-by-developer="false" \#(lookup)><vary-by-header>Authorization</vary-by-header></cache-lookup><base />"#),
            // Unless the check read another credential: 'Authorization' was never checked.
            ("certified", "", #"<validate-client-certificate validate-trust="true"><identities><identity issuer-thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" /></identities></validate-client-certificate><cache-lookup vary-by-developer="false" \#(lookup)><vary-by-header>Authorization</vary-by-header></cache-lookup><base />"#),
        ]
        let jwt = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        for (name, body) in [
            ("outer", #"<include-fragment fragment-id="inner" />"#), ("inner", #"<cache-lookup vary-by-developer="false" \#(lookup) />"#),
            // The gateway's token set before the check the same fragment makes (the second audit).
            ("gatewaytoken", #"<authentication-managed-identity resource="api://other" />"# + jwt),
            ("cleared", #"<set-header name="Authorization" exists-action="delete" />"# + jwt),
        ] {
            try write("apiVersion: portcullis/v1\nkind: PolicyFragment\nname: \(name)\npolicy: '<fragment>\(body)</fragment>'\n", to: "defs/\(name).yaml")
        }
        try write(
            "apiVersion: portcullis/v1\nkind: Product\nname: shop\ndisplayName: Shop\napis: [sold]\n"
                + "policy: '<policies><inbound><base /><cache-lookup vary-by-developer=\"false\" \(lookup) /></inbound></policies>'\n",
            to: "defs/shop.yaml")
        for api in apis {
            // The route of 'unsigned' has no 'auth': its raw check is its only one.
            let scopes = ["unsigned", "rawcheck", "fragmented", "deleted", "unscoped"].contains(api.name) ? "" : "    scopes: [orders.read]\n"
            let example = RuleExample.api(
                api.name, fields: api.fields,
                routes: """
                  - id: list-\(api.name)
                    method: GET
                    path: /orders
                    rateLimit: {calls: 10, per: 1s, key: ip}
                \(scopes)    policy: '<policies><inbound>\(api.route)</inbound><outbound><base /><cache-store duration="60" /></outbound></policies>'

                """)
            try write(example.text, to: "defs/\(api.name).yaml")
        }
        let found = try lintFindings()
        XCTAssertContainsEach(found, [
            "LP001 defs/before.yaml: raw 'cache-lookup' in route 'before/list-before' serves cached responses of route 'list-before' before its token check, so callers need no token",
            "CA001 defs/keyless.yaml: raw 'cache-lookup' in route 'keyless/list-keyless' shares cached responses between the callers of route 'list-keyless', which requires a token",
            "CA001 defs/reserved.yaml: raw 'cache-lookup' in route 'reserved/list-reserved' shares cached responses between the callers of route 'list-reserved', which requires a token",
            "LP002 defs/unsigned.yaml: raw 'validate-jwt' in route 'unsigned/list-unsigned' takes unsigned tokens, so anyone can write one that passes",
            "LP001 defs/unsigned.yaml: route 'list-unsigned' accepts requests without a token and gives no reason",
            "LP001 defs/chosen.yaml: raw 'cache-lookup' in route 'chosen/list-chosen' serves cached responses of route 'list-chosen' before its token check, so callers need no token",
            "LP001 defs/rawcheck.yaml: raw 'cache-lookup' in route 'rawcheck/list-rawcheck' serves cached responses of route 'list-rawcheck' before its token check, so callers need no token",
            "LP001 defs/sold.yaml: raw 'cache-lookup' in product 'shop' serves cached responses of route 'list-sold' before its token check, so callers need no token",
            "LP001 defs/nested.yaml: raw 'cache-lookup' in fragment 'inner' serves cached responses of route 'list-nested' before its token check, so callers need no token",
            "LP001 defs/fragmented.yaml: raw 'authentication-managed-identity' in fragment 'gatewaytoken' replaces the caller's token before the token check of route 'list-fragmented' reads it, so the check judges the gateway's credentials, not the caller's",
            "LP001 defs/scoped.yaml: raw 'cache-lookup' in route 'scoped/list-scoped' serves cached responses of route 'list-scoped' after a raw token check but before the check of its scopes or roles, so any valid token is served them",
            "LP001 defs/certified.yaml: raw 'cache-lookup' in route 'certified/list-certified' serves cached responses of route 'list-certified' after a raw token check but before the check of its scopes or roles, so any valid token is served them",
        ])
        // Deleting the header leaves no token to pass the check.
        XCTAssertFalse(found.contains { $0.hasPrefix("LP001 defs/deleted.yaml") }, found.joined(separator: "\n"))
        // Without scopes or roles, the raw check is all the generated one would do.
        XCTAssertFalse(found.contains { $0.contains("serves cached responses of route 'list-unscoped'") }, found.joined(separator: "\n"))
        XCTAssertFalse(found.contains { $0.contains("serves cached responses of route 'list-pertoken'") }, found.joined(separator: "\n"))
    }

    /// The definitions' request changes (`request.headers`, `request.query`, a `rewrite`'s
    /// query) are generated after `<base />` of the route's policy, before a raw token check
    /// written after it: put where that check reads, the gateway's value is what it judges.
    /// Lint was silent where the same `set-header` written raw was LP001 (audit findings
    /// F9, F7, N1). The API's raw policy runs at the route's `<base />`, before them, and so
    /// does a check before `<base />`; a response header, another header, a removed one or
    /// the generated check first leave the raw check the caller's token.
    func testCredentialsTheDefinitionsSetBeforeARawTokenCheckAreLP001() throws {
        try (RuleExample.baseGateway + "namedValues:\n  svc-token: placeholder\n").write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let audience = #"<openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>Orders.Read</value></claim></required-claims></validate-jwt>"#
        let header = #"<validate-jwt header-name="Authorization">"# + audience
        let query = #"<validate-jwt query-parameter-name="access_token">"# + audience
        // Both places named: lint read the header alone, `diff` the query parameter alone;
        // both now read both (one reader, `placesNamedAsChecked`).
        let both = #"<validate-jwt header-name="X-Token" query-parameter-name="access_token">"# + audience
        let setAuthorization = "request: {headers: {set: {Authorization: '{{svc-token}}'}}}\n"
        let cases: [(name: String, api: String, route: String, inbound: String)] = [
            ("apiheader", setAuthorization, "", "<base />" + header),
            ("apiquery", "request: {query: {set: {access_token: '{{svc-token}}'}}}\n", "", "<base />" + query),
            ("routequery", "", "request: {query: {set: {access_token: '{{svc-token}}'}}}, ", "<base />" + query),
            ("rewritten", "", "rewrite: {path: '/orders?access_token=abc'}, ", "<base />" + query),
            ("bothnamed", "request: {query: {set: {access_token: '{{svc-token}}'}}}\n", "", "<base />" + both),
            // Controls: each is quiet.
            ("apicheck", setAuthorization, "", "<base />"),
            ("beforebase", setAuthorization, "", header + "<base />"),
            ("response", "response: {headers: {set: {Authorization: '{{svc-token}}'}}}\n", "", "<base />" + header),
            ("other", "request: {headers: {set: {X-Backend: '{{svc-token}}'}}}\n", "", "<base />" + header),
            ("removed", "request: {headers: {remove: [Authorization]}}\n", "", "<base />" + header),
            ("plainrewrite", "", "rewrite: {path: '/orders?view=full'}, ", "<base />" + query),
            ("authenticated", setAuthorization, "scopes: [orders.read], ", "<base />" + header),
        ]
        for item in cases {
            // 'apicheck' checks in the API's own policy, which runs at the route's '<base />'.
            let apiPolicy = item.name == "apicheck" ? "policy: '<policies><inbound><base />\(header)</inbound></policies>'\n" : ""
            let auth = item.name == "authenticated" ? "" : "auth: none\n"
            let example = RuleExample.api(
                item.name, fields: auth + item.api + apiPolicy,
                routes: "  - {id: list-\(item.name), method: GET, path: /orders, \(item.route)policy: '<policies><inbound>\(item.inbound)</inbound></policies>'}\n")
            try write(example.text, to: "defs/\(item.name).yaml")
        }
        let found = try lintFindings()
        let judges = "so the check judges the gateway's credentials, not the caller's"
        XCTAssertContainsEach(found, [
            "LP001 defs/apiheader.yaml: 'request.headers' of API 'apiheader' sets header 'authorization' before the raw token check of route 'list-apiheader' reads it, \(judges)",
            "LP001 defs/apiquery.yaml: 'request.query' of API 'apiquery' sets query parameter 'access_token' before the raw token check of route 'list-apiquery' reads it, \(judges)",
            "LP001 defs/routequery.yaml: 'request.query' of route 'list-routequery' sets query parameter 'access_token' before the raw token check of route 'list-routequery' reads it, \(judges)",
            "LP001 defs/rewritten.yaml: 'rewrite' of route 'list-rewritten' sets query parameter 'access_token' before the raw token check of route 'list-rewritten' reads it, \(judges)",
            "LP001 defs/bothnamed.yaml: 'request.query' of API 'bothnamed' sets query parameter 'access_token' before the raw token check of route 'list-bothnamed' reads it, \(judges)",
        ])
        for quiet in ["apicheck", "beforebase", "response", "other", "removed", "plainrewrite", "authenticated"] {
            XCTAssertFalse(found.contains { $0.hasPrefix("LP001 defs/\(quiet).yaml") }, found.joined(separator: "\n"))
        }
    }

    /// A route policy without an `inbound` section is built with one that starts with
    /// `<base />`, so the broader policies run before the route's checks; the checker read
    /// it as one that drops them, and an API's answer before the token check of such a
    /// route linted clean.
    func testARoutePolicyWithoutInboundRunsTheBroaderPolicies() throws {
        let example = RuleExample.api(
            rawInbound: #"<mock-response status-code="200" content-type="application/json" />"#,
            routes: """
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
              - id: get-order
                method: GET
                path: /orders/{id}
                scopes: [orders.read]
                policy: '<policies><outbound><base /><set-header name="X-Shaped" exists-action="override"><value>1</value></set-header></outbound></policies>'

            """)
        try write(example.text, to: "defs/orders.yaml")
        XCTAssertContainsEach(try lintFindings(), [
            "LP001 defs/orders.yaml: raw 'mock-response' in API 'orders' may answer requests of route 'list-orders' before its token check, so callers need no token",
            "LP001 defs/orders.yaml: raw 'mock-response' in API 'orders' may answer requests of route 'get-order' before its token check, so callers need no token",
        ])
    }

    /// The routes of an API share what its policy and the gateway's run in place of their
    /// `<base />`, found once for all of them, yet each keeps its own verdict: what its own
    /// policy runs before, instead of or after the shared statements decides.
    func testRoutesSharingTheBroaderPoliciesKeepTheirOwnVerdicts() throws {
        let check = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt>"#
        let example = RuleExample.api(
            rawInbound: #"<send-request mode="copy" response-variable-name="copy"><set-url>https://audit.example.com/log</set-url></send-request>"#,
            routes: """
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
              - {id: get-order, method: GET, path: '/orders/{id}', scopes: [orders.read], policy: '<policies><inbound>\(check)<base /></inbound></policies>'}
              - {id: count-orders, method: GET, path: /orders/count, scopes: [orders.read], policy: '<policies><inbound>\(check)</inbound></policies>'}
              - {id: add-order, method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound><base /><set-header name="X-Shaped" exists-action="override"><value>1</value></set-header></inbound></policies>'}

            """)
        try write(example.text, to: "defs/orders.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("LP001 ") }
        XCTAssertEqual(findings.sorted(), [
            "LP001 defs/orders.yaml: raw 'send-request' in API 'orders' sends what requests of route 'add-order' carry on before its token check, so requests without a token reach where it sends them",
            "LP001 defs/orders.yaml: raw 'send-request' in API 'orders' sends what requests of route 'get-order' carry on after a raw token check but before the check of its scopes or roles, so requests with any valid token reach where it sends them",
            "LP001 defs/orders.yaml: raw 'send-request' in API 'orders' sends what requests of route 'list-orders' carry on before its token check, so requests without a token reach where it sends them",
        ])
    }

    /// Shapes of real policies (Microsoft's snippets) the audit of real estates found
    /// misread: a `rewrite-uri` written as an expression taken for one that replaces the
    /// token (it changes the URL alone); a refusal whose header names the request's host
    /// taken for an answer; a branch for methods other than GET and HEAD, written with `!=`
    /// and `&&`, taken to run on a GET route; a copy sent after a raw token check said to
    /// reach its target without a token; an Entra ID check that lists client applications
    /// said to take any token.
    func testRealPoliciesShapesAreReadAsAPIMRunsThem() throws {
        let jwt = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let refusal = #"<return-response><set-status code="401" reason="Unauthorized" /><set-header name="WWW-Authenticate" exists-action="override"><value>@("Bearer realm=" + context.Request.OriginalUrl.Host)</value></set-header></return-response>"#
        let csrf = #"<choose><when condition="@(context.Request.Method != "GET" &amp;&amp; context.Request.Method != "HEAD")"><send-request mode="copy" response-variable-name="csrf"><set-url>https://sap.example.com/csrf</set-url></send-request></when></choose>"#
        let apis: [(name: String, inbound: String)] = [
            ("rewritten", #"<rewrite-uri template="@("/tables/" + "orders")" />"#),
            ("refused", refusal),
            ("kept", refusal.replacingOccurrences(of: "context.Request.OriginalUrl.Host", with: #"(string)context.Variables["upstream"]"#)),
            ("csrf", csrf),
            ("checked", jwt + #"<send-request mode="copy" response-variable-name="copy"><set-url>https://audit.example.com/log</set-url></send-request>"#),
        ]
        for api in apis {
            let example = RuleExample.api(
                api.name, rawInbound: api.inbound,
                routes: """
                  - {id: read-\(api.name), method: GET, path: /orders, scopes: [orders.read]}
                  - {id: write-\(api.name), method: POST, path: /orders, scopes: [orders.write]}

                """)
            // Before '<base />', where the broader policies' statements run before the route's checks.
            try write(example.text.replacingOccurrences(of: "      <base />\n", with: "").replacingOccurrences(of: "    </inbound>", with: "      <base />\n    </inbound>"), to: "defs/\(api.name).yaml")
        }
        try write(
            RuleExample.api(
                "apps", fields: "auth: none\n",
                routes: #"""
                  - id: list-apps
                    method: GET
                    path: /apps
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    policy: '<policies><inbound><base /><validate-azure-ad-token tenant-id="contoso.onmicrosoft.com"><client-application-ids><application-id>11111111-2222-3333-4444-555555555555</application-id></client-application-ids><audiences><audience>api://orders</audience></audiences></validate-azure-ad-token></inbound></policies>'

                """#
            ).text, to: "defs/apps.yaml")
        let found = try lintFindings()
        XCTAssertContainsEach(found, [
            "LP001 defs/kept.yaml: raw 'return-response' in API 'kept' may answer requests of route 'read-kept' before its token check, so callers need no token",
            "LP001 defs/csrf.yaml: raw 'send-request' in API 'csrf' sends what requests of route 'write-csrf' carry on before its token check, so requests without a token reach where it sends them",
            "LP001 defs/checked.yaml: raw 'send-request' in API 'checked' sends what requests of route 'read-checked' carry on after a raw token check but before the check of its scopes or roles, so requests with any valid token reach where it sends them",
            "LP002 defs/apps.yaml: raw 'validate-azure-ad-token' in route 'apps/list-apps' requires no claim, so any token issued to the client applications it lists passes, whatever scopes or roles it holds",
        ])
        for quiet in ["defs/rewritten.yaml", "defs/refused.yaml"] {
            XCTAssertFalse(found.contains { $0.hasPrefix("LP001 \(quiet)") }, found.joined(separator: "\n"))
        }
        XCTAssertFalse(found.contains { $0.contains("route 'read-csrf'") }, found.joined(separator: "\n"))
    }

    /// A raw `validate-client-certificate` that ignores errors, or that takes a certificate
    /// the caller makes (trust not validated, no identity pinned by a thumbprint or an
    /// issuer), was taken for a check of every caller: a write route without `auth` and
    /// without a reason behind it linted clean. Microsoft's reference: `ignore-error` goes
    /// on to the next handler when validation fails; `validate-trust` is what fails a
    /// chain that leads to no trusted authority.
    func testACertificateCheckThatLetsAnyCallerThroughIsNoCheck() throws {
        let checks = [
            "ignored": #"<validate-client-certificate ignore-error="true" />"#,
            "untrusted": #"<validate-client-certificate validate-trust="false" validate-revocation="false"><identities><identity common-name="partner.example.com" /></identities></validate-client-certificate>"#,
            "pinned": #"<validate-client-certificate validate-trust="false"><identities><identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" /></identities></validate-client-certificate>"#,
            // Found by the audit of the fix: an expression where APIM takes none, and a
            // thumbprint that names no certificate.
            "computed": #"<validate-client-certificate ignore-error="@(true)" />"#,
            "blank": #"<validate-client-certificate validate-trust="false"><identities><identity thumbprint=" " /></identities></validate-client-certificate>"#,
        ]
        try writeWriteRoutes(checkedBy: checks)
        let found = try lintFindings()
        XCTAssertContainsEach(found, [
            "LP002 defs/ignored.yaml: raw 'validate-client-certificate' in API 'ignored' ignores errors, so a request without a valid certificate goes on",
            "LP007 defs/ignored.yaml: public route 'submit-ignored' accepts POST without a token",
            "LP001 defs/ignored.yaml: route 'submit-ignored' accepts requests without a token and gives no reason",
            "LP002 defs/untrusted.yaml: raw 'validate-client-certificate' in API 'untrusted' does not validate trust and pins no certificate, so a certificate the caller makes passes",
            "LP007 defs/untrusted.yaml: public route 'submit-untrusted' accepts POST without a token",
            "LP007 defs/computed.yaml: public route 'submit-computed' accepts POST without a token",
            "LP007 defs/blank.yaml: public route 'submit-blank' accepts POST without a token",
        ])
        // A thumbprint names one certificate, whose key the caller must hold.
        XCTAssertFalse(found.contains { $0.contains("defs/pinned.yaml") }, found.joined(separator: "\n"))
    }

    /// A check in another XML namespace, and a copy of the caller's request sent on before
    /// the token check, linted clean (found by the audit of raw checks): APIM's policy
    /// elements have no namespace, and the copy reaches its target without a token.
    func testADefaultNamespaceAndARequestCopiedBeforeTheCheckAreReported() throws {
        let spaced = #"<validate-jwt header-name="Authorization" xmlns="urn:example:not-apim"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>Orders.Read</value></claim></required-claims></validate-jwt>"#
        try write(RuleExample.api("spaced", fields: "auth: none\npolicy: '<policies><inbound><base />\(spaced)</inbound></policies>'\n", routes: "  - {id: list-spaced, method: GET, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}}\n").text, to: "defs/spaced.yaml")
        let copied = #"<send-one-way-request mode="copy"><set-url>https://audit.example.com/requests</set-url></send-one-way-request>"#
        try write(RuleExample.api("copied", routes: "  - {id: create-copied, method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound>\(copied)<base /></inbound></policies>'}\n").text, to: "defs/copied.yaml")
        // A mode a named value makes 'new' sends a request of the policy's own (a false
        // finding the round-22 audit of the fixes found).
        try write(RuleExample.baseGateway + "namedValues:\n  audit-mode: new\n", to: "defs/gateway.yaml")
        let fresh = #"<send-one-way-request mode="{{audit-mode}}"><set-url>https://audit.example.com/requests</set-url></send-one-way-request>"#
        try write(RuleExample.api("fresh", routes: "  - {id: create-fresh, method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound>\(fresh)<base /></inbound></policies>'}\n").text, to: "defs/fresh.yaml")
        // A new request that carries the caller's body through a variable (the audit of the
        // fixes), and one in 'on-error' that logs the failed request's path, which sends
        // nothing of the caller's on that a check would have stopped.
        let laundered = #"<set-variable name="b" value="@(context.Request.Body.As&lt;string&gt;(preserveContent: true))" /><send-one-way-request mode="new"><set-url>https://audit.example.com/requests</set-url><set-method>POST</set-method><set-body>@((string)context.Variables[&quot;b&quot;])</set-body></send-one-way-request>"#
        try write(RuleExample.api("laundered", routes: "  - {id: create-laundered, method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound>\(laundered)<base /></inbound></policies>'}\n").text, to: "defs/laundered.yaml")
        let logged = #"<send-one-way-request mode="new"><set-url>https://log.example.com/errors</set-url><set-method>POST</set-method><set-body>@(context.LastError.Message + &quot; &quot; + context.Request.Url.Path)</set-body></send-one-way-request>"#
        try write(RuleExample.api("logged", routes: "  - {id: create-logged, method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound><base /></inbound><on-error><base />\(logged)</on-error></policies>'}\n").text, to: "defs/logged.yaml")
        // A new request that carries the caller's headers or body (the round-22 audit).
        let rebuilt = #"<send-request mode="new" response-variable-name="r"><set-url>https://audit.example.com/requests</set-url><set-header name="X-Forwarded-Token" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))</value></set-header></send-request>"#
        try write(RuleExample.api("rebuilt", routes: "  - {id: create-rebuilt, method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound>\(rebuilt)<base /></inbound></policies>'}\n").text, to: "defs/rebuilt.yaml")
        // A new request sent to one of two URLs written out, which a header picks through a
        // 'choose': it carries nothing the caller wrote (the variable the branches set is
        // the caller's pick, not the caller's text).
        let routed = #"<choose><when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Region&quot;, &quot;&quot;) == &quot;eu&quot;)"><set-variable name="audit-url" value="https://audit-eu.example.com/requests" /></when><otherwise><set-variable name="audit-url" value="https://audit-us.example.com/requests" /></otherwise></choose><send-one-way-request mode="new"><set-url>@((string)context.Variables[&quot;audit-url&quot;])</set-url></send-one-way-request>"#
        try write(RuleExample.api("routed", routes: "  - {id: create-routed, method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound>\(routed)<base /></inbound></policies>'}\n").text, to: "defs/routed.yaml")
        // The same pick written as a choice in the URL carries nothing either; a branch
        // that joins the header to the URL does, and so does one that reads what the test
        // stored (the audit of the change).
        let region = "context.Request.Headers.GetValueOrDefault(&quot;X-Region&quot;, &quot;&quot;)"
        for (name, url) in [
            ("picked", #"@(\#(region) == &quot;eu&quot; ? &quot;https://audit-eu.example.com/requests&quot; : &quot;https://audit-us.example.com/requests&quot;)"#),
            ("pickedjoin", #"@(\#(region) == &quot;&quot; ? &quot;https://audit-us.example.com/requests&quot; : &quot;https://audit-&quot; + \#(region) + &quot;.example.com/requests&quot;)"#),
            ("pickedstore", #"@((((JObject)context.Variables[&quot;cfg&quot;])[&quot;u&quot;] = \#(region)) == null ? &quot;https://audit-us.example.com/requests&quot; : (string)((JObject)context.Variables[&quot;cfg&quot;])[&quot;u&quot;])"#),
            // An initializer's members are no assignment a test makes (the audit of the fix).
            ("pickedobject", #"@(\#(region) == &quot;eu&quot; ? new JObject { [&quot;r&quot;] = 1 }.ToString() : &quot;https://audit-us.example.com/requests&quot;)"#),
        ] {
            let sent = #"<send-one-way-request mode="new"><set-url>\#(url)</set-url></send-one-way-request>"#
            try write(RuleExample.api(name, routes: "  - {id: create-\(name), method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound>\(sent)<base /></inbound></policies>'}\n").text, to: "defs/\(name).yaml")
        }
        let found = try lintFindings()
        XCTAssertContainsEach(found, [
            "LP001 defs/rebuilt.yaml: raw 'send-request' in route 'rebuilt/create-rebuilt' sends what requests of route 'create-rebuilt' carry on before its token check, so requests without a token reach where it sends them",
            "LP001 defs/laundered.yaml: raw 'send-one-way-request' in route 'laundered/create-laundered' sends what requests of route 'create-laundered' carry on before its token check, so requests without a token reach where it sends them",
            "PX002 defs/spaced.yaml: 'validate-jwt' declares a default namespace ('xmlns'), which takes it out of APIM's policy elements",
            "LP001 defs/copied.yaml: raw 'send-one-way-request' in route 'copied/create-copied' sends what requests of route 'create-copied' carry on before its token check, so requests without a token reach where it sends them",
            "LP001 defs/pickedjoin.yaml: raw 'send-one-way-request' in route 'pickedjoin/create-pickedjoin' sends what requests of route 'create-pickedjoin' carry on before its token check, so requests without a token reach where it sends them",
            "LP001 defs/pickedstore.yaml: raw 'send-one-way-request' in route 'pickedstore/create-pickedstore' sends what requests of route 'create-pickedstore' carry on before its token check, so requests without a token reach where it sends them",
        ])
        XCTAssertFalse(
            found.contains { line in ["fresh", "logged", "routed", "picked", "pickedobject"].contains { line.hasPrefix("LP001 defs/\($0).yaml") } },
            found.joined(separator: "\n"))
    }

    /// The generated introspection check reads the provider's answers from the cache
    /// under `PREFIX:introspection:` before it asks: a raw `cache-store-value` there
    /// stored "active" for any bearer string, and lint and build were clean (found by the
    /// audit of raw checks). A key of the policy's own is left alone.
    func testARawStoreWhereIntrospectionAnswersAreKeptIsReported() throws {
        let forged = #"<cache-store-value key="@(&quot;example:introspection:partner:30d8e90f9cc1ed62:&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))" value="{&quot;active&quot;:true,&quot;scope&quot;:&quot;orders.write&quot;}" duration="60" />"#
        let named = #"<cache-store-value key="{{results-key}}" value="{&quot;active&quot;:true}" duration="60" />"#
        let own = #"<cache-store-value key="@(&quot;partner-token:&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;))" value="x" duration="60" /><cache-store-value key="backend-token" value="x" duration="60" /><cache-store-value key="@($&quot;tenant:{context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;)}:token&quot;)" value="x" duration="60" />"#
        // A leading literal that is cut, or that a condition may replace, says nothing of the
        // key (found by the audit of the fix).
        let header = "context.Request.Headers.GetValueOrDefault(&quot;X-K&quot;, &quot;&quot;)"
        let cut = #"<cache-store-value key="@(&quot;xexample:introspection:partner:&quot;.Substring(1) + \#(header))" value="x" duration="60" />"#
        let chosen = #"<cache-store-value key="@(&quot;own:&quot; == &quot;x&quot; ? &quot;&quot; : \#(header))" value="x" duration="60" />"#
        let summed = #"<cache-store-value key="@(&quot;own:&quot; + \#(header) == &quot;y&quot; ? &quot;&quot; : \#(header))" value="x" duration="60" />"#
        // A block's every return, and each branch of a choice, judged by its own leading
        // text: a key built in a block was judged by its first statement (found by an audit
        // of the forty-second round); a member read only if there is one (`?.`) chooses no
        // other value; nor does a choice in brackets, or a join's first text (the last
        // audit of the round).
        let blocks = #"<cache-store-value key="@(&quot;own:&quot; + (\#(header) ?? &quot;&quot;))" value="x" duration="60" /><cache-store-value key="@(string.Concat(&quot;own:&quot;, \#(header)))" value="x" duration="60" />"#
            + #"<cache-store-value key="@{ var t = \#(header); return &quot;own:&quot; + t.Split(&apos;.&apos;)[0]; }" value="x" duration="60" /><cache-store-value key="@(\#(header) != &quot;&quot; ? &quot;own-a:&quot; : &quot;own-b:&quot;)" value="x" duration="60" /><cache-store-value key="@(&quot;own:&quot; + \#(header).AsJwt()?.Subject)" value="x" duration="60" />"#
        let blockInside = #"<cache-store-value key="@{ var t = \#(header); if (t == &quot;&quot;) { return &quot;own:&quot;; } return &quot;example:introspection:partner:&quot; + t; }" value="x" duration="60" />"#
        // `?.5` is a choice of the number .5, not a member read (the audit of the change).
        let pointFive = #"<cache-store-value key="@(&quot;own:&quot; + \#(header) == &quot;x&quot; ?.5.ToString() : &quot;example:introspection:partner:&quot; + \#(header))" value="x" duration="60" />"#
        // A trim takes the blanks the written start begins with (audit V44); one that
        // begins with none keeps it.
        let trimmed = #"<cache-store-value key="@((&quot;&#32; example:introspection:partner:&quot; + \#(header)).Trim())" value="x" duration="60" />"#
        // The blank in a text after an empty one, or in a joined call's (audit V47).
        let trimmedAfterEmpty = #"<cache-store-value key="@((&quot;&quot; + &quot; example:introspection:partner:&quot; + \#(header)).Trim())" value="x" duration="60" />"#
        let trimmedJoined = #"<cache-store-value key="@(string.Concat(&quot; example:introspection:partner:&quot;, \#(header)).Trim())" value="x" duration="60" />"#
        let trimmedOwn = #"<cache-store-value key="@((&quot;own:&quot; + \#(header)).Trim())" value="x" duration="60" />"#
        try write(RuleExample.baseGateway + "namedValues:\n  results-key: example:introspection:partner:0123\n", to: "defs/gateway.yaml")
        for (name, store) in [("forged", forged), ("named", named), ("own", own + trimmedOwn), ("cut", cut), ("chosen", chosen), ("summed", summed), ("blocks", blocks), ("blockinside", blockInside), ("pointfive", pointFive), ("trimmed", trimmed), ("trimmedafterempty", trimmedAfterEmpty), ("trimmedjoined", trimmedJoined)] {
            let example = RuleExample.api(
                name, fields: "auth: partner\n",
                routes: "  - {id: create-\(name), method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound>\(store)<base /></inbound></policies>'}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        let found = try lintFindings()
        for name in ["forged", "named", "cut", "chosen", "summed", "blockinside", "pointfive", "trimmed", "trimmedafterempty", "trimmedjoined"] {
            let expected = "LP001 defs/\(name).yaml: raw 'cache-store-value' in route '\(name)/create-\(name)' may write under 'example:introspection:', where the gateway keeps introspection answers, so a token the provider never called active could pass"
            XCTAssertTrue(found.contains(expected), "missing: \(expected)\nin:\n\(found.joined(separator: "\n"))")
        }
        for name in ["own", "blocks"] {
            XCTAssertFalse(found.contains { $0.contains("defs/\(name).yaml") && $0.contains("introspection") }, found.joined(separator: "\n"))
        }
    }

    /// A raw token check that compares the token's audience with nothing, and a certificate
    /// check that names no identity, were taken for checks of every caller: a route without
    /// `auth` linted clean (from the audit of raw checks against Microsoft's reference).
    /// Without `audiences`, a token the issuer signed for any other API passes; without an
    /// identity, any certificate an authority the gateway trusts issued does.
    func testACheckOfNoAudienceOrOfAnyTrustedCertificateIsNoCheck() throws {
        let openID = #"<openid-config url="https://login.example.com/.well-known/openid-configuration" />"#
        let claims = #"<required-claims><claim name="roles" match="any"><value>Orders.Write</value></claim></required-claims>"#
        let checks = [
            "noaudience": #"<validate-jwt header-name="Authorization">\#(openID)\#(claims)</validate-jwt>"#,
            "emptied": #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience> </audience></audiences>\#(claims)</validate-jwt>"#,
            "entra": #"<validate-azure-ad-token tenant-id="contoso.onmicrosoft.com"><client-application-ids><application-id>00000000-0000-0000-0000-000000000001</application-id></client-application-ids>\#(claims)</validate-azure-ad-token>"#,
            "anycert": #"<validate-client-certificate />"#,
            // An issuer's public key signs every API's tokens too (the audit of the fix).
            "publickey": #"<validate-jwt header-name="Authorization"><issuer-signing-keys><key n="0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw" e="AQAB" /></issuer-signing-keys>\#(claims)</validate-jwt>"#,
            "blankidentity": #"<validate-client-certificate><identities><identity /></identities></validate-client-certificate>"#,
            // The audience compared through a required claim, keys of the API's own, an
            // Entra check naming the API, and a certificate narrowed by its subject.
            "audclaim": #"<validate-jwt header-name="Authorization">\#(openID)<required-claims><claim name="aud"><value>api://orders</value></claim><claim name="roles" match="any"><value>Orders.Write</value></claim></required-claims></validate-jwt>"#,
            "ownkey": #"<validate-jwt header-name="Authorization"><issuer-signing-keys><key>{{partner-secret}}</key></issuer-signing-keys>\#(claims)</validate-jwt>"#,
            "entraapi": #"<validate-azure-ad-token tenant-id="contoso.onmicrosoft.com"><client-application-ids><application-id>00000000-0000-0000-0000-000000000001</application-id></client-application-ids><backend-application-ids><application-id>00000000-0000-0000-0000-000000000002</application-id></backend-application-ids>\#(claims)</validate-azure-ad-token>"#,
            "subject": #"<validate-client-certificate><identities><identity subject="CN=partner.example.com" issuer-subject="CN=Contoso Partner CA" /></identities></validate-client-certificate>"#,
            // The client applications given by the request are any application (audit V66).
            "entraclient": #"<validate-azure-ad-token tenant-id="contoso.onmicrosoft.com"><client-application-ids><application-id>@(context.Request.Headers.GetValueOrDefault(&quot;X-Client&quot;, &quot;&quot;))</application-id></client-application-ids><backend-application-ids><application-id>00000000-0000-0000-0000-000000000002</application-id></backend-application-ids>\#(claims)</validate-azure-ad-token>"#,
        ]
        try writeWriteRoutes(checkedBy: checks)
        let found = try lintFindings()
        XCTAssertContainsEach(found, [
            "LP002 defs/noaudience.yaml: raw 'validate-jwt' in API 'noaudience' checks no audience, so a token its issuer signed for another API passes",
            "LP007 defs/noaudience.yaml: public route 'submit-noaudience' accepts POST without a token",
            "LP002 defs/emptied.yaml: raw 'validate-jwt' in API 'emptied' checks no audience, so a token its issuer signed for another API passes",
            "LP007 defs/emptied.yaml: public route 'submit-emptied' accepts POST without a token",
            "LP002 defs/entra.yaml: raw 'validate-azure-ad-token' in API 'entra' checks no audience, so a token its issuer signed for another API passes",
            "LP007 defs/entra.yaml: public route 'submit-entra' accepts POST without a token",
            "LP002 defs/anycert.yaml: raw 'validate-client-certificate' in API 'anycert' names no identity, so any certificate an authority the gateway trusts issued passes",
            "LP007 defs/anycert.yaml: public route 'submit-anycert' accepts POST without a token",
            "LP002 defs/publickey.yaml: raw 'validate-jwt' in API 'publickey' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/blankidentity.yaml: raw 'validate-client-certificate' in API 'blankidentity' names no identity, so any certificate an authority the gateway trusts issued passes",
            "LP002 defs/entraclient.yaml: raw 'validate-azure-ad-token' in API 'entraclient' names a client application the request gives or leaves blank, so a token issued to any application passes",
        ])
        for name in ["audclaim", "ownkey", "entraapi", "subject"] {
            XCTAssertFalse(found.contains { $0.contains("defs/\(name).yaml") }, found.joined(separator: "\n"))
        }
    }

    /// A required claim named through a named value is the claim the value names, as `diff`
    /// reads it: `{{aud-claim}}` naming `aud` compares the audience (LP002 said it checked
    /// none), one naming `roles` does not, and an audience claim so named grants nothing.
    func testARequiredClaimNamedByANamedValueIsTheClaimItNames() throws {
        let openID = #"<openid-config url="https://login.example.com/.well-known/openid-configuration" />"#
        let roles = #"<claim name="roles" match="any"><value>Orders.Write</value></claim>"#
        let claim = { (name: String) in #"<claim name="\#(name)"><value>api://orders</value></claim>"# }
        try (RuleExample.baseGateway + "namedValues:\n  aud-claim: aud\n  role-claim: roles\n").write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try writeWriteRoutes(checkedBy: [
            "namedaudience": #"<validate-jwt header-name="Authorization">\#(openID)<required-claims>\#(claim("{{aud-claim}}"))\#(roles)</required-claims></validate-jwt>"#,
            "namedrole": #"<validate-jwt header-name="Authorization">\#(openID)<required-claims>\#(claim("{{role-claim}}"))</required-claims></validate-jwt>"#,
            "audienceonly": #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience>api://orders</audience></audiences><required-claims>\#(claim("{{aud-claim}}"))</required-claims></validate-jwt>"#,
            // A blank audience names none (audit V71: the message said "for its audience").
            "blankaudience": #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience> </audience></audiences><required-claims><claim name="aud" /></required-claims></validate-jwt>"#,
        ])
        let found = try lintFindings().filter { $0.hasPrefix("LP002") }
        XCTAssertEqual(found.sorted(), [
            "LP002 defs/audienceonly.yaml: raw 'validate-jwt' in API 'audienceonly' requires only claims that grant no permission ('{{aud-claim}}': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/blankaudience.yaml: raw 'validate-jwt' in API 'blankaudience' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/blankaudience.yaml: raw 'validate-jwt' in API 'blankaudience' requires only claims that grant no permission ('aud': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign passes",
            "LP002 defs/namedrole.yaml: raw 'validate-jwt' in API 'namedrole' checks no audience, so a token its issuer signed for another API passes",
        ])
    }

    /// A claim of the holder's profile (a display name, a sign-in name, an email address),
    /// raw or as a provider's `scopeClaim` or `roleClaim`, grants nothing: a user named as
    /// a scope passes (audit V54). `oid` names one user, an allow-list.
    func testAClaimOfTheHoldersProfileGrantsNoPermission() throws {
        let check = { (claim: String) in
            #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="\#(claim)" match="any"><value>orders.write</value></claim></required-claims></validate-jwt>"#
        }
        let gateway = RuleExample.baseGateway.replacingOccurrences(of: "    openidConfig: ", with: "    scopeClaim: preferred_username\n    roleClaim: Email\n    openidConfig: ")
        XCTAssertNotEqual(gateway, RuleExample.baseGateway)
        try gateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try writeWriteRoutes(checkedBy: ["displayname": check("name"), "signinname": check("preferred_username"), "objectid": check("oid")])
        let found = try lintFindings().filter { $0.hasPrefix("LP002") }
        XCTAssertContainsEach(found, [
            "LP002 defs/displayname.yaml: raw 'validate-jwt' in API 'displayname' requires only claims that grant no permission ('name': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/signinname.yaml: raw 'validate-jwt' in API 'signinname' requires only claims that grant no permission ('preferred_username': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
        ])
        XCTAssertTrue(found.contains { $0.contains("identity provider 'entra' reads permissions from 'preferred_username' ('scopeClaim'), which describes the token's holder, so a user whose name is a scope's passes") }, found.joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.contains("identity provider 'entra' reads permissions from 'Email' ('roleClaim')") }, found.joined(separator: "\n"))
        XCTAssertFalse(found.contains { $0.contains("defs/objectid.yaml") }, found.joined(separator: "\n"))
    }

    /// A token check whose keys the request names checks nothing: the caller points
    /// `openid-config` at a server publishing its own keys, hands over the signing key, or
    /// names its own Entra tenant, and signs tokens that pass (left by the thirty-fourth
    /// round; each passed as a check). A path of a host written out is no better, issuers
    /// named or not: the caller's own tenant's path serves keys it holds, which sign any
    /// issuer (the audit of the fixes). Keys the policy chose, among values written out
    /// too, are checks still.
    func testACheckWhoseKeysTheRequestNamesIsNoCheck() throws {
        let claims = #"<audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>Orders.Write</value></claim></required-claims>"#
        let header = { (name: String) in "context.Request.Headers.GetValueOrDefault(&quot;\(name)&quot;, &quot;&quot;)" }
        let checks = [
            "config": #"<validate-jwt header-name="Authorization"><openid-config url="@(\#(header("X-Issuer")) + &quot;/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            "configvariable": #"<set-variable name="issuer" value="@(\#(header("X-Issuer")))" /><validate-jwt header-name="Authorization"><openid-config url="@((string)context.Variables[&quot;issuer&quot;])" />\#(claims)</validate-jwt>"#,
            "tenantpath": #"<validate-jwt header-name="Authorization"><openid-config url="@(&quot;https://login.microsoftonline.com/&quot; + \#(header("X-Tenant")) + &quot;/v2.0/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            "key": #"<validate-jwt header-name="Authorization"><issuer-signing-keys><key>@(\#(header("X-Key")))</key></issuer-signing-keys>\#(claims)</validate-jwt>"#,
            "modulus": #"<validate-jwt header-name="Authorization"><issuer-signing-keys><key n="@(\#(header("X-N")))" e="AQAB" /></issuer-signing-keys>\#(claims)</validate-jwt>"#,
            "zumokey": #"<validate-jwt header-name="Authorization"><issuer-signing-keys><zumo-master-key id="0">@(\#(header("X-Key")))</zumo-master-key></issuer-signing-keys>\#(claims)</validate-jwt>"#,
            "tenant": #"<validate-azure-ad-token tenant-id="@(\#(header("X-Tenant")))">\#(claims)</validate-azure-ad-token>"#,
            // Keys and tenants the policy chose, on a test of the request among values
            // written out too (the audit of the fixes found the choice reported).
            "chosen": #"<validate-jwt header-name="Authorization"><openid-config url="@(\#(header("X-Region")) == &quot;us&quot; ? &quot;https://login-us.example.com/.well-known/openid-configuration&quot; : &quot;https://login-eu.example.com/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            "chosentenant": #"<validate-azure-ad-token tenant-id="@(\#(header("X-Region")) == &quot;us&quot; ? &quot;11111111-1111-1111-1111-111111111111&quot; : &quot;22222222-2222-2222-2222-222222222222&quot;)">\#(claims)</validate-azure-ad-token>"#,
            // Words in the test's strings name nothing (re-reading the round's change).
            "chosenwords": #"<validate-jwt header-name="Authorization"><openid-config url="@(\#(header("X-Flow")) == &quot;check out is on&quot; ? &quot;https://login-us.example.com/.well-known/openid-configuration&quot; : &quot;https://login-eu.example.com/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            // A test that names the caller's value hands it to a branch (the last audit).
            "bound": #"<validate-jwt header-name="Authorization"><openid-config url="@(\#(header("X-Issuer")) is string s &amp;&amp; s.Length &gt; 0 ? s : &quot;https://login.example.com/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            "issuers": #"<validate-jwt header-name="Authorization"><openid-config url="@(&quot;https://login.microsoftonline.com/&quot; + \#(header("X-Tenant")) + &quot;/v2.0/.well-known/openid-configuration&quot;)" /><issuers><issuer>https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0</issuer></issuers>\#(claims)</validate-jwt>"#,
            "region": #"<validate-jwt header-name="Authorization"><openid-config url="@(&quot;https://login.&quot; + context.Deployment.Region + &quot;.example.com/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            "namedtenant": #"<validate-azure-ad-token tenant-id="{{tenant}}">\#(claims)</validate-azure-ad-token>"#,
            // Kept in a variable, copied, or made by a 'choose' on the request whose
            // branches set values written out, a choice of keys is the policy's still (the
            // caller picks the weakest value where a variable gives an audience, a claim or
            // a counter: testValuesBlankThroughNamedValuesOrWrittenByTheCallerCompareNothing).
            // A choice that hands the caller's value to a branch is the caller's.
            "branchconfig": #"<choose><when condition="@(\#(header("X-Region")) == &quot;us&quot;)"><set-variable name="branch-config" value="https://login-us.example.com/.well-known/openid-configuration" /></when><otherwise><set-variable name="branch-config" value="https://login-eu.example.com/.well-known/openid-configuration" /></otherwise></choose><validate-jwt header-name="Authorization"><openid-config url="@((string)context.Variables[&quot;branch-config&quot;])" />\#(claims)</validate-jwt>"#,
            "chosenvariable": #"<set-variable name="region-issuer" value="@(\#(header("X-Region")) == &quot;us&quot; ? &quot;https://login-us.example.com/.well-known/openid-configuration&quot; : &quot;https://login-eu.example.com/.well-known/openid-configuration&quot;)" /><set-variable name="config" value="@((string)context.Variables[&quot;region-issuer&quot;])" /><validate-jwt header-name="Authorization"><openid-config url="@((string)context.Variables[&quot;config&quot;])" />\#(claims)</validate-jwt>"#,
            // A choice nested in a joined URL is the policy's; a branch or a block's returned
            // local that reads the request is not.
            "nestedchoice": #"<validate-jwt header-name="Authorization"><openid-config url="@(&quot;https://login-&quot; + (\#(header("X-Region")) == &quot;us&quot; ? &quot;us&quot; : &quot;eu&quot;) + &quot;.example.com/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            "nestedcaller": #"<validate-jwt header-name="Authorization"><openid-config url="@(&quot;https://login-&quot; + (\#(header("X-Region")) == &quot;us&quot; ? &quot;us&quot; : \#(header("X-Host"))) + &quot;/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            "blocklocal": #"<validate-jwt header-name="Authorization"><openid-config url="@{ string issuer = \#(header("X-Issuer")); return issuer.Length &gt; 0 ? issuer + &quot;/.well-known/openid-configuration&quot; : &quot;https://login.example.com/.well-known/openid-configuration&quot;; }" />\#(claims)</validate-jwt>"#,
            // A choice among tenants written out, one of them Entra's shared one: the caller
            // picks it (an audit).
            "chosencommon": #"<validate-azure-ad-token tenant-id="@(\#(header("X-Mode")) == &quot;x&quot; ? &quot;common&quot; : &quot;11111111-1111-1111-1111-111111111111&quot;)">\#(claims)</validate-azure-ad-token>"#,
            // Kept in a variable, inline or by a 'choose' (the audit of the change found the
            // shared tenant lost once a choice kept so became the policy's).
            "variablecommon": #"<set-variable name="common-config" value="@(\#(header("X-Mode")) == &quot;x&quot; ? &quot;https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration&quot; : &quot;https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0/.well-known/openid-configuration&quot;)" /><validate-jwt header-name="Authorization"><openid-config url="@((string)context.Variables[&quot;common-config&quot;])" />\#(claims)</validate-jwt>"#,
            "branchcommon": #"<choose><when condition="@(\#(header("X-Mode")) == &quot;x&quot;)"><set-variable name="common-tenant" value="organizations" /></when><otherwise><set-variable name="common-tenant" value="11111111-1111-1111-1111-111111111111" /></otherwise></choose><validate-azure-ad-token tenant-id="@((string)context.Variables[&quot;common-tenant&quot;])">\#(claims)</validate-azure-ad-token>"#,
            // A '?' among a generic's arguments, 'global::', and a character in an
            // interpolated string's hole (quotes doubled for YAML) are no choice (an audit
            // found each hiding the header).
            "nullablegeneric": #"<validate-jwt header-name="Authorization"><openid-config url="@(\#(header("X-Issuer")) + context.Variables.GetValueOrDefault&lt;int?&gt;(&quot;n&quot;) + global::System.String.Empty)" />\#(claims)</validate-jwt>"#,
            "globalname": #"<validate-jwt header-name="Authorization"><openid-config url="@(\#(header("X-Issuer")) + global::System.String.Empty)" />\#(claims)</validate-jwt>"#,
            "characterinhole": #"<validate-jwt header-name="Authorization"><openid-config url="@(\#(header("X-Issuer")) + $&quot;{''&quot;''}&quot; + ''}'' + &quot;?&quot; + &quot;:&quot;)" />\#(claims)</validate-jwt>"#,
            // From the audit of the fixes: a block joining the header with '+=', a relative
            // text with a ':' after a caller's base, a shared tenant chosen inside a joined
            // URL, and a comment in a hole (quotes doubled for YAML).
            "blockappend": #"<validate-jwt header-name="Authorization"><openid-config url="@{ var u = &quot;https://login.example.com/&quot;; u += \#(header("X-Issuer")); u += &quot;/.well-known/openid-configuration&quot;; return u; }" />\#(claims)</validate-jwt>"#,
            "uricolon": #"<validate-jwt header-name="Authorization"><openid-config url="@(new Uri(new Uri(\#(header("X-Issuer"))), &quot;openid-configuration?appid=api:orders&quot;).AbsoluteUri)" />\#(claims)</validate-jwt>"#,
            "commonsum": #"<validate-jwt header-name="Authorization"><openid-config url="@(&quot;https://login.microsoftonline.com/&quot; + (\#(header("X-Mode")) == &quot;multi&quot; ? &quot;common&quot; : &quot;11111111-1111-1111-1111-111111111111&quot;) + &quot;/v2.0/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            "holecomment": #"<validate-jwt header-name="Authorization"><openid-config url="@($&quot;https://{\#(header("X-Issuer")) /* the caller''s IdP */}/.well-known/openid-configuration&quot;)" />\#(claims)</validate-jwt>"#,
            "boundvariable": #"<set-variable name="issuer" value="@(\#(header("X-Issuer")) is string s &amp;&amp; s.Length &gt; 0 ? s : &quot;https://login.example.com/.well-known/openid-configuration&quot;)" /><validate-jwt header-name="Authorization"><openid-config url="@((string)context.Variables[&quot;issuer&quot;])" />\#(claims)</validate-jwt>"#,
        ]
        try write(RuleExample.baseGateway + "namedValues:\n  tenant: 11111111-1111-1111-1111-111111111111\n", to: "defs/gateway.yaml")
        try writeWriteRoutes(checkedBy: checks)
        let found = try lintFindings()
        let configuration = "takes its 'openid-config' URL from the request, so a caller can name a server that publishes its own keys and sign tokens that pass"
        XCTAssertContainsEach(found, [
            "LP002 defs/config.yaml: raw 'validate-jwt' in API 'config' \(configuration)",
            "LP007 defs/config.yaml: public route 'submit-config' accepts POST without a token",
            "LP002 defs/configvariable.yaml: raw 'validate-jwt' in API 'configvariable' \(configuration)",
            "LP002 defs/tenantpath.yaml: raw 'validate-jwt' in API 'tenantpath' \(configuration)",
            "LP002 defs/key.yaml: raw 'validate-jwt' in API 'key' takes a signing key from the request, so a caller can sign tokens that pass",
            "LP007 defs/key.yaml: public route 'submit-key' accepts POST without a token",
            "LP002 defs/modulus.yaml: raw 'validate-jwt' in API 'modulus' takes a signing key from the request, so a caller can sign tokens that pass",
            "LP002 defs/zumokey.yaml: raw 'validate-jwt' in API 'zumokey' takes a signing key from the request, so a caller can sign tokens that pass",
            "LP002 defs/tenant.yaml: raw 'validate-azure-ad-token' in API 'tenant' takes its tenant ('tenant-id') from the request, so a token its own tenant issues passes",
            "LP007 defs/tenant.yaml: public route 'submit-tenant' accepts POST without a token",
            "LP002 defs/issuers.yaml: raw 'validate-jwt' in API 'issuers' \(configuration)",
            "LP002 defs/bound.yaml: raw 'validate-jwt' in API 'bound' \(configuration)",
            "LP002 defs/boundvariable.yaml: raw 'validate-jwt' in API 'boundvariable' \(configuration)",
            "LP002 defs/blockappend.yaml: raw 'validate-jwt' in API 'blockappend' \(configuration)",
            "LP002 defs/uricolon.yaml: raw 'validate-jwt' in API 'uricolon' \(configuration)",
            "LP002 defs/commonsum.yaml: raw 'validate-jwt' in API 'commonsum' takes the keys Entra shares between tenants ('common') and checks no issuer, so a token any tenant issues for its audience passes",
            "LP002 defs/holecomment.yaml: raw 'validate-jwt' in API 'holecomment' \(configuration)",
            "LP002 defs/nullablegeneric.yaml: raw 'validate-jwt' in API 'nullablegeneric' \(configuration)",
            "LP002 defs/globalname.yaml: raw 'validate-jwt' in API 'globalname' \(configuration)",
            "LP002 defs/characterinhole.yaml: raw 'validate-jwt' in API 'characterinhole' \(configuration)",
            "LP002 defs/chosencommon.yaml: raw 'validate-azure-ad-token' in API 'chosencommon' takes the keys Entra shares between tenants ('common') and checks no issuer, so a token any tenant issues for its audience passes",
            "LP002 defs/variablecommon.yaml: raw 'validate-jwt' in API 'variablecommon' takes the keys Entra shares between tenants ('common') and checks no issuer, so a token any tenant issues for its audience passes",
            "LP002 defs/branchcommon.yaml: raw 'validate-azure-ad-token' in API 'branchcommon' takes the keys Entra shares between tenants ('organizations') and checks no issuer, so a token any tenant issues for its audience passes",
            "LP002 defs/nestedcaller.yaml: raw 'validate-jwt' in API 'nestedcaller' \(configuration)",
            "LP002 defs/blocklocal.yaml: raw 'validate-jwt' in API 'blocklocal' \(configuration)",
        ])
        for name in ["chosen", "chosentenant", "chosenwords", "region", "namedtenant", "nestedchoice", "chosenvariable", "branchconfig"] {
            XCTAssertFalse(found.contains { $0.contains("defs/\(name).yaml") }, found.joined(separator: "\n"))
        }
    }

    /// Values a raw check compares, blank once its named values are put in or written by
    /// the caller, compare nothing (the round-22 audit of the fixes): an audience that is
    /// `{{aud}}` with `aud` blank, or read from a request header; a certificate's identity
    /// whose thumbprint or subject a named value blanks; a scope the caller names. Each
    /// passed as a check. Values given by named values that hold some are checks still.
    func testValuesBlankThroughNamedValuesOrWrittenByTheCallerCompareNothing() throws {
        let openID = #"<openid-config url="https://login.example.com/.well-known/openid-configuration" />"#
        let claims = #"<required-claims><claim name="roles" match="any"><value>Orders.Write</value></claim></required-claims>"#
        let fromHeader = #"@(context.Request.Headers.GetValueOrDefault(&quot;X-Audience&quot;, &quot;&quot;))"#
        let checks = [
            "blankaudience": #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience>{{aud}}</audience></audiences>\#(claims)</validate-jwt>"#,
            "calleraudience": #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience>\#(fromHeader)</audience></audiences>\#(claims)</validate-jwt>"#,
            // Other spellings (found by the audit of the fixes).
            "conditional": #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@(context.Request?.Headers.GetValueOrDefault(&quot;X-Aud&quot;, &quot;&quot;))</audience></audiences>\#(claims)</validate-jwt>"#,
            "blankbefore": #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience>{{aud}}\#(fromHeader)</audience></audiences>\#(claims)</validate-jwt>"#,
            "callerscope": #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles"><value>\#(fromHeader)</value></claim></required-claims></validate-jwt>"#,
            "blankthumbprint": #"<validate-client-certificate validate-trust="false"><identities><identity thumbprint="{{thumbprint}}" /></identities></validate-client-certificate>"#,
            "blanksubject": #"<validate-client-certificate><identities><identity subject="{{aud}}" /></identities></validate-client-certificate>"#,
            // Through policy variables (from the audit of the fixes): one set from a header,
            // one copied from such a variable in another letter case, and one set from text.
            "variableaudience": #"<set-variable name="aud" value="\#(fromHeader)" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;aud&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            "copiedvariable": #"<set-variable name="first" value="\#(fromHeader)" /><set-variable name="Second" value="@((string)context.Variables[&quot;first&quot;])" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;second&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            // Found by the audit of that fix: the path's parameters, and a variable named
            // through a named value.
            "matchedvariable": #"<set-variable name="m" value="@((string)context.Request.MatchedParameters[&quot;id&quot;])" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;m&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            "namedvariable": #"<set-variable name="{{audvar}}" value="\#(fromHeader)" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;named-aud&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            // A choice among values written out, on a test of the request: the caller picks
            // the weaker (an audit found both passing once a choice was taken for the policy's).
            "chosenaudience": #"<set-variable name="chosen-aud" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Mode&quot;, &quot;&quot;) == &quot;x&quot; ? &quot;api://other&quot; : &quot;api://orders&quot;)" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;chosen-aud&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            "chosenclaim": #"<set-variable name="needed" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Mode&quot;, &quot;&quot;) == &quot;r&quot; ? &quot;Orders.Read&quot; : &quot;Orders.Write&quot;)" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>@((string)context.Variables[&quot;needed&quot;])</value></claim></required-claims></validate-jwt>"#,
            "givenvariable": #"<set-variable name="given" value="@(&quot;api://orders&quot;)" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;given&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            // The same choices made by a 'choose' on the request, each branch setting the
            // variable to a value written out: on a header's value, on its presence, on a
            // variable copied from a header, and nested in a branch on the method.
            "branchaudience": #"<choose><when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Mode&quot;, &quot;&quot;) == &quot;x&quot;)"><set-variable name="branch-aud" value="api://other" /></when><otherwise><set-variable name="branch-aud" value="api://orders" /></otherwise></choose><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;branch-aud&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            "branchclaim": #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Read&quot;))"><set-variable name="branch-needed" value="Orders.Read" /></when><otherwise><set-variable name="branch-needed" value="Orders.Write" /></otherwise></choose><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>@((string)context.Variables[&quot;branch-needed&quot;])</value></claim></required-claims></validate-jwt>"#,
            "testedcopy": #"<set-variable name="mode" value="\#(fromHeader)" /><choose><when condition="@((string)context.Variables[&quot;mode&quot;] == &quot;r&quot;)"><set-variable name="copy-needed" value="Orders.Read" /></when><otherwise><set-variable name="copy-needed" value="Orders.Write" /></otherwise></choose><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>@((string)context.Variables[&quot;copy-needed&quot;])</value></claim></required-claims></validate-jwt>"#,
            "nestedbranch": #"<choose><when condition="@(context.Request.Method == &quot;POST&quot;)"><choose><when condition="@(context.Request.Url.Query.GetValueOrDefault(&quot;m&quot;, &quot;&quot;) == &quot;r&quot;)"><set-variable name="nested-needed" value="Orders.Read" /></when><otherwise><set-variable name="nested-needed" value="Orders.Write" /></otherwise></choose></when></choose><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>@((string)context.Variables[&quot;nested-needed&quot;])</value></claim></required-claims></validate-jwt>"#,
            // Found by the audit of the change: a variable tested for being there, set from
            // a header's presence, copied by a choice (through '\u' escapes too), and a test of
            // a variable the caller writes inline in the check.
            "presencecopy": #"<choose><when condition="@(context.Request.\u0048eaders.ContainsKey(&quot;X-Legacy&quot;))"><set-variable name="legacy-flag" value="yes" /></when></choose><set-variable name="flag-aud" value="@(context.Variables.ContainsKey(&quot;legacy-flag&quot;) ? &quot;api://legacy&quot; : &quot;api://orders&quot;)" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;flag-aud&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            "inlinetest": #"<set-variable name="sent-mode" value="\#(fromHeader)" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;sent-mode&quot;] == &quot;yes&quot; ? &quot;api://legacy&quot; : &quot;api://orders&quot;)</audience></audiences>\#(claims)</validate-jwt>"#,
            // Branches on what the caller does not write: the method (which picks the
            // route), the product, and a branch that answers, ending the request before the
            // check (the audit of the change).
            "methodbranch": #"<choose><when condition="@(context.Request.Method == &quot;GET&quot;)"><set-variable name="method-needed" value="Orders.Read" /></when><otherwise><set-variable name="method-needed" value="Orders.Write" /></otherwise></choose><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>@((string)context.Variables[&quot;method-needed&quot;])</value></claim></required-claims></validate-jwt>"#,
            "productbranch": #"<choose><when condition="@(context.Product.Name == &quot;partners&quot;)"><set-variable name="product-aud" value="api://partners" /></when><otherwise><set-variable name="product-aud" value="api://orders" /></otherwise></choose><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;product-aud&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            "answeredbranch": #"<choose><when condition="@(!context.Request.Headers.ContainsKey(&quot;X-Version&quot;))"><set-variable name="answered-aud" value="none" /><return-response><set-status code="400" /></return-response></when></choose><set-variable name="answered-aud" value="api://orders" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;answered-aud&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
            // Named values that hold values.
            "namedaudience": #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience>{{orders-audience}}</audience></audiences>\#(claims)</validate-jwt>"#,
            "namedthumbprint": #"<validate-client-certificate validate-trust="false"><identities><identity thumbprint="{{partner-thumbprint}}" /></identities></validate-client-certificate>"#,
        ]
        try (RuleExample.baseGateway + """
            namedValues:
              aud: " "
              thumbprint: " "
              audvar: named-aud
              orders-audience: api://orders
              partner-thumbprint: 9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B

            """).write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try writeWriteRoutes(checkedBy: checks)
        let found = try lintFindings()
        XCTAssertContainsEach(found, [
            "LP002 defs/blankaudience.yaml: raw 'validate-jwt' in API 'blankaudience' checks no audience, so a token its issuer signed for another API passes",
            "LP007 defs/blankaudience.yaml: public route 'submit-blankaudience' accepts POST without a token",
            "LP002 defs/calleraudience.yaml: raw 'validate-jwt' in API 'calleraudience' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/conditional.yaml: raw 'validate-jwt' in API 'conditional' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/blankbefore.yaml: raw 'validate-jwt' in API 'blankbefore' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/variableaudience.yaml: raw 'validate-jwt' in API 'variableaudience' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/copiedvariable.yaml: raw 'validate-jwt' in API 'copiedvariable' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/matchedvariable.yaml: raw 'validate-jwt' in API 'matchedvariable' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/namedvariable.yaml: raw 'validate-jwt' in API 'namedvariable' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/callerscope.yaml: raw 'validate-jwt' in API 'callerscope' requires only claims that grant no permission ('roles': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/blankthumbprint.yaml: raw 'validate-client-certificate' in API 'blankthumbprint' does not validate trust and pins no certificate, so a certificate the caller makes passes",
            "LP007 defs/blankthumbprint.yaml: public route 'submit-blankthumbprint' accepts POST without a token",
            "LP002 defs/blanksubject.yaml: raw 'validate-client-certificate' in API 'blanksubject' names no identity, so any certificate an authority the gateway trusts issued passes",
            "LP002 defs/chosenaudience.yaml: raw 'validate-jwt' in API 'chosenaudience' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/chosenclaim.yaml: raw 'validate-jwt' in API 'chosenclaim' requires only claims that grant no permission ('roles': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/branchaudience.yaml: raw 'validate-jwt' in API 'branchaudience' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/branchclaim.yaml: raw 'validate-jwt' in API 'branchclaim' requires only claims that grant no permission ('roles': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/testedcopy.yaml: raw 'validate-jwt' in API 'testedcopy' requires only claims that grant no permission ('roles': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/nestedbranch.yaml: raw 'validate-jwt' in API 'nestedbranch' requires only claims that grant no permission ('roles': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/presencecopy.yaml: raw 'validate-jwt' in API 'presencecopy' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/inlinetest.yaml: raw 'validate-jwt' in API 'inlinetest' checks no audience, so a token its issuer signed for another API passes",
        ])
        for name in ["namedaudience", "namedthumbprint", "givenvariable", "methodbranch", "productbranch", "answeredbranch"] {
            XCTAssertFalse(found.contains { $0.contains("defs/\(name).yaml") }, found.joined(separator: "\n"))
        }
    }

    /// A token check without claims in an API's policy, where every route checks a claim
    /// that grants a permission on the same token (its own raw check, or the check its
    /// scopes generate), authenticates for routes that authorize: it was LP002 (found by an
    /// audit). A route left without its own check leaves the API's check the only one.
    func testAnAPIsCheckWithoutClaimsIsNoGapWhereEveryRouteAuthorizes() throws {
        let openID = #"<openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences>"#
        let authenticate = #"<validate-jwt header-name="Authorization">\#(openID)</validate-jwt>"#
        func authorize(_ role: String) -> String {
            #"<policies><inbound><base /><validate-jwt header-name="Authorization" failed-validation-httpcode="403">\#(openID)<required-claims><claim name="roles" match="any"><value>\#(role)</value></claim></required-claims></validate-jwt></inbound></policies>"#
        }
        let layered = RuleExample.api(
            "layered", fields: "auth: none\npolicy: '<policies><inbound><base />\(authenticate)</inbound></policies>'\n",
            routes: """
              - {id: submit-layered, method: POST, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '\(authorize("Orders.Write"))'}
              - {id: list-layered, method: GET, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '\(authorize("Orders.Read"))'}

            """)
        let gap = RuleExample.api(
            "gap", fields: "auth: none\npolicy: '<policies><inbound><base />\(authenticate)</inbound></policies>'\n",
            routes: """
              - {id: submit-gap, method: POST, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '\(authorize("Orders.Write"))'}
              - {id: list-gap, method: GET, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}}

            """)
        let generated = RuleExample.api(
            "generated", fields: "policy: '<policies><inbound><base />\(authenticate)</inbound></policies>'\n",
            routes: "  - {id: list-generated, method: GET, path: /orders, scopes: [orders.read]}\n")
        // A route that puts the gateway's own token where its check reads authorizes the
        // gateway, not the caller (the audit of the change).
        let identity = RuleExample.api(
            "identity", fields: "auth: none\npolicy: '<policies><inbound><base />\(authenticate)</inbound></policies>'\n",
            routes: """
              - {id: submit-identity, method: POST, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '\(authorize("Orders.Write").replacing("<inbound><base />", with: #"<inbound><base /><authentication-managed-identity resource="api://orders" />"#))'}

            """)
        // The gateway's token for the backend, put in after the check, is the backend's
        // business; a claim matched on any value, one of them the caller's pick, authorizes
        // nothing (the audit of the fixes).
        let backendIdentity = RuleExample.api(
            "backendidentity", fields: "auth: none\npolicy: '<policies><inbound><base />\(authenticate)</inbound></policies>'\n",
            routes: """
              - {id: submit-backendidentity, method: POST, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '\(authorize("Orders.Write").replacing("</validate-jwt></inbound>", with: #"</validate-jwt><authentication-managed-identity resource="api://orders-backend" /></inbound>"#))'}

            """)
        let picked = #"Orders.Write</value><value>@(context.Request.Headers.GetValueOrDefault(&quot;X-Role&quot;, &quot;&quot;))"#
        let anyPicked = RuleExample.api(
            "anypicked", fields: "auth: none\npolicy: '<policies><inbound><base />\(authenticate)</inbound></policies>'\n",
            routes: """
              - {id: submit-anypicked, method: POST, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '\(authorize(picked))'}

            """)
        try write([layered, gap, generated, identity, backendIdentity, anyPicked].map(\.text).joined(separator: "---\n"), to: "defs/apis.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("LP002") }
        XCTAssertEqual(found, [
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'gap' requires no claim, so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'identity' requires no claim, so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'anypicked' requires no claim, so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/apis.yaml: raw 'validate-jwt' in route 'anypicked/submit-anypicked' requires only claims that grant no permission ('roles': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
        ])
    }

    /// A `choose` that checks the token where one came and refuses with written text where
    /// none did checks every request it lets pass on: it was LP001 and LP007 (found by an
    /// audit). An answer that gives out what it did not write is no refusal.
    func testABranchThatRefusesLetsNoRequestPastTheCheck() throws {
        let check = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>Orders.Write</value></claim></required-claims></validate-jwt>"#
        let present = #"@(context.Request.Headers.ContainsKey(&quot;Authorization&quot;))"#
        let refusal = #"<return-response><set-status code="401" reason="Unauthorized" /></return-response>"#
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try writeWriteRoutes(checkedBy: [
            "refusedotherwise": #"<choose><when condition="\#(present)">\#(check)</when><otherwise>\#(refusal)</otherwise></choose>"#,
            "refusedfirst": #"<choose><when condition="@(!context.Request.Headers.ContainsKey(&quot;Authorization&quot;))">\#(refusal)</when><otherwise>\#(check)</otherwise></choose>"#,
            "answeredotherwise": #"<choose><when condition="\#(present)">\#(check)</when><otherwise><return-response><set-status code="200" /><set-body>@((string)context.Variables[&quot;kept&quot;])</set-body></return-response></otherwise></choose>"#,
            "refusednothing": #"<choose><when condition="\#(present)">\#(check)</when></choose>"#,
            // What a refusing branch does before it answers runs unchecked, and a Liquid body
            // reads the variables it names (the audit of the change).
            "callfirst": #"<choose><when condition="@(!context.Request.Headers.ContainsKey(&quot;Authorization&quot;))"><send-request mode="copy" response-variable-name="copied"><set-url>https://audit.example.com/x</set-url></send-request>\#(refusal)</when><otherwise>\#(check)</otherwise></choose>"#,
            "liquidrefusal": #"<choose><when condition="\#(present)">\#(check)</when><otherwise><return-response><set-status code="401" /><set-body template="liquid">{{context.Variables.kept}}</set-body></return-response></otherwise></choose>"#,
            // A trace before the refusal sends nothing on; a Liquid tag tests a kept value
            // by name (the audit of the fix).
            "tracedrefusal": #"<choose><when condition="\#(present)">\#(check)</when><otherwise><trace source="orders">no token</trace>\#(refusal)</otherwise></choose>"#,
            "liquidtag": #"<choose><when condition="\#(present)">\#(check)</when><otherwise><return-response><set-status code="401" /><set-body template="liquid">{% if context.Variables.kept %}yes{% endif %}</set-body></return-response></otherwise></choose>"#,
        ])
        let found = try lintFindings().filter { $0.hasPrefix("LP001") }
        XCTAssertEqual(found.sorted(), [
            "LP001 defs/answeredotherwise.yaml: route 'submit-answeredotherwise' accepts requests without a token and gives no reason",
            "LP001 defs/callfirst.yaml: route 'submit-callfirst' accepts requests without a token and gives no reason",
            "LP001 defs/liquidrefusal.yaml: route 'submit-liquidrefusal' accepts requests without a token and gives no reason",
            "LP001 defs/liquidtag.yaml: route 'submit-liquidtag' accepts requests without a token and gives no reason",
            "LP001 defs/refusednothing.yaml: route 'submit-refusednothing' accepts requests without a token and gives no reason",
        ])
    }

    /// A `cache-lookup-value` reads the instance's cache, which every API's
    /// `cache-store-value` writes, in any section: what a store keeps from a request (an
    /// anonymous route's, say) may be what a check compares the token with, and a key the
    /// caller writes picks the entry (found by an audit: all four passed clean). A lookup of
    /// a key only the policy's own values are kept under holds the policy's value.
    func testValuesKeptInTheCacheAreTheCallersWhenAStoreOrTheKeyIsTheirs() throws {
        let openID = #"<openid-config url="https://login.example.com/.well-known/openid-configuration" />"#
        let claims = #"<required-claims><claim name="roles" match="any"><value>Orders.Write</value></claim></required-claims>"#
        func audience(from variable: String) -> String {
            #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;\#(variable)&quot;])</audience></audiences>\#(claims)</validate-jwt>"#
        }
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        // Kept after the backend answers, from what the caller sent, and from text.
        let stores = RuleExample.api(
            "prefs",
            fields: #"policy: '<policies><inbound><base /></inbound><outbound><base /><cache-store-value key="aud-config" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Pref&quot;, &quot;&quot;))" duration="60" /><cache-store-value key="orders-aud" value="api://orders" duration="60" /><cache-store-value key="@(&quot;idem-&quot; + context.Request.Headers.GetValueOrDefault(&quot;Idempotency-Key&quot;, &quot;&quot;))" value="@(context.Request.Body.As&lt;string&gt;(preserveContent: true))" duration="60" /></outbound></policies>'"#,
            routes: "  - {id: save-prefs, method: GET, path: /prefs, scopes: [orders.read]}\n")
        try write(stores.text, to: "defs/prefs.yaml")
        try writeWriteRoutes(checkedBy: [
            "cachedaudience": #"<cache-lookup-value key="aud-config" variable-name="cached-aud" default-value="api://orders" />"# + audience(from: "cached-aud"),
            "cachedclaim": #"<cache-lookup-value key="aud-config" variable-name="cached-needed" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>@((string)context.Variables[&quot;cached-needed&quot;])</value></claim></required-claims></validate-jwt>"#,
            "cachedconfig": #"<cache-lookup-value key="aud-config" variable-name="cached-config" /><validate-jwt header-name="Authorization"><openid-config url="@((string)context.Variables[&quot;cached-config&quot;])" /><audiences><audience>api://orders</audience></audiences>\#(claims)</validate-jwt>"#,
            "keyedlookup": #"<cache-lookup-value key="@(&quot;aud:&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;))" variable-name="keyed-aud" />"# + audience(from: "keyed-aud"),
            "ownentry": #"<cache-lookup-value key="orders-aud" variable-name="own-aud" default-value="api://orders" />"# + audience(from: "own-aud"),
            // A key computed from 'idem-' and a header may be 'idem-1', never 'orders-aud'
            // (the audit of the change: one such store made every lookup the caller's).
            "idementry": #"<cache-lookup-value key="idem-1" variable-name="idem-aud" />"# + audience(from: "idem-aud"),
        ])
        let found = try lintFindings()
        XCTAssertContainsEach(found, [
            "LP002 defs/cachedaudience.yaml: raw 'validate-jwt' in API 'cachedaudience' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/cachedclaim.yaml: raw 'validate-jwt' in API 'cachedclaim' requires only claims that grant no permission ('roles': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/cachedconfig.yaml: raw 'validate-jwt' in API 'cachedconfig' takes its 'openid-config' URL from the request, so a caller can name a server that publishes its own keys and sign tokens that pass",
            "LP002 defs/keyedlookup.yaml: raw 'validate-jwt' in API 'keyedlookup' checks no audience, so a token its issuer signed for another API passes",
            "LP002 defs/idementry.yaml: raw 'validate-jwt' in API 'idementry' checks no audience, so a token its issuer signed for another API passes",
        ])
        XCTAssertFalse(found.contains { $0.contains("defs/ownentry.yaml") }, found.joined(separator: "\n"))
    }

    /// A variable the product sets, tested for being there, picks the audience beside a
    /// header's choice of another variable: the test was taken for a read of every
    /// variable, and the check for one the caller picks (found by the audit of the change).
    func testAVariableTestedForBeingThereIsReadByName() throws {
        let openID = #"<openid-config url="https://login.example.com/.well-known/openid-configuration" />"#
        let claims = #"<required-claims><claim name="roles" match="any"><value>Orders.Write</value></claim></required-claims>"#
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try writeWriteRoutes(checkedBy: [
            "presencetest": #"<choose><when condition="@(context.Request.Headers.GetValueOrDefault(&quot;Accept&quot;, &quot;&quot;).Contains(&quot;xml&quot;))"><set-variable name="format" value="xml" /></when></choose><choose><when condition="@(context.Product.Name == &quot;internal&quot;)"><set-variable name="is-internal" value="yes" /></when></choose><choose><when condition="@(context.Variables.ContainsKey(&quot;is-internal&quot;))"><set-variable name="internal-aud" value="api://internal" /></when><otherwise><set-variable name="internal-aud" value="api://orders" /></otherwise></choose><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;internal-aud&quot;])</audience></audiences>\#(claims)</validate-jwt>"#,
        ])
        // The raw check holds: the route is no public one, and nothing is reported.
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout)
        XCTAssertFalse(lint.stdout.contains("LP002"), lint.stdout)
    }

    /// A header picks the audience through fragments each branch includes, which were read
    /// as if they stood outside the branches; a choose in `outbound` sets a variable of the
    /// same name only after the check has run (both found by the audit of the change). Nor
    /// does a pick made through a fragment only `outbound` includes, a fragment that
    /// answers, or a branch that answers beside one that sets the value reach the check
    /// (the audit of the fix).
    func testVariablesPickedThroughFragmentsOrSetAfterTheCheck() throws {
        let openID = #"<openid-config url="https://login.example.com/.well-known/openid-configuration" />"#
        let claims = #"<required-claims><claim name="roles" match="any"><value>Orders.Write</value></claim></required-claims>"#
        let mode = "context.Request.Headers.GetValueOrDefault(&quot;X-Mode&quot;, &quot;&quot;)"
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        func fragment(_ name: String, _ body: String) -> String {
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: \(name)\npolicy: '<fragment>\(body)</fragment>'\n"
        }
        try [
            fragment("legacy-aud", #"<set-variable name="fragment-aud" value="api://legacy" />"#),
            fragment("main-aud", #"<set-variable name="fragment-aud" value="api://orders" />"#),
            fragment("late-aud", #"<set-variable name="late-aud" value="api://legacy" />"#),
            fragment("late-pick", #"<choose><when condition="@(\#(mode) == &quot;x&quot;)"><include-fragment fragment-id="late-aud" /></when></choose>"#),
            fragment("refuse", #"<set-variable name="refused-aud" value="api://legacy" /><return-response><set-status code="403" /></return-response>"#),
        ].joined(separator: "---\n").write(to: file("defs/fragments.yaml"), atomically: true, encoding: .utf8)
        let included = #"<choose><when condition="@(\#(mode) == &quot;x&quot;)"><include-fragment fragment-id="legacy-aud" /></when><otherwise><include-fragment fragment-id="main-aud" /></otherwise></choose><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;fragment-aud&quot;])</audience></audiences>\#(claims)</validate-jwt>"#
        let later = #"<set-variable name="later-aud" value="api://orders" /><validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;later-aud&quot;])</audience></audiences>\#(claims)</validate-jwt></inbound><outbound><base /><choose><when condition="@(\#(mode) == &quot;x&quot;)"><set-variable name="later-aud" value="none" /></when></choose></outbound><inbound>"#
        func check(_ variable: String) -> String {
            #"<validate-jwt header-name="Authorization">\#(openID)<audiences><audience>@((string)context.Variables[&quot;\#(variable)&quot;])</audience></audiences>\#(claims)</validate-jwt>"#
        }
        let lateFragment = #"<include-fragment fragment-id="late-aud" />"# + check("late-aud") + #"</inbound><outbound><base /><include-fragment fragment-id="late-pick" /></outbound><inbound>"#
        let answering = #"<set-variable name="refused-aud" value="api://orders" /><choose><when condition="@(\#(mode) == &quot;x&quot;)"><include-fragment fragment-id="refuse" /></when></choose>"# + check("refused-aud")
        let answeredWhen = #"<choose><when condition="@(\#(mode) == &quot;x&quot;)"><set-variable name="kept-aud" value="api://legacy" /><return-response><set-status code="403" /></return-response></when><otherwise><set-variable name="kept-aud" value="api://orders" /></otherwise></choose>"# + check("kept-aud")
        for (name, check) in [("included", included), ("later", later), ("latefragment", lateFragment), ("answering", answering), ("answeredwhen", answeredWhen)] {
            let example = RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound><base />\(check)</inbound></policies>'\n",
                routes: "  - {id: submit-\(name), method: POST, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}}\n")
            try write(example.text.replacingOccurrences(of: "</outbound><inbound></inbound>", with: "</outbound>"), to: "defs/\(name).yaml")
        }
        let found = try lintFindings()
        XCTAssertTrue(
            found.contains("LP002 defs/included.yaml: raw 'validate-jwt' in API 'included' checks no audience, so a token its issuer signed for another API passes"),
            found.joined(separator: "\n"))
        for name in ["later", "latefragment", "answering", "answeredwhen"] {
            XCTAssertFalse(found.contains { $0.contains("defs/\(name).yaml") }, found.joined(separator: "\n"))
        }
    }

    /// The only check that reads a variable spells it with a character reference, which
    /// the XML reader puts in before C# reads it: the variables the caller writes were not
    /// looked for (found by the audit of the fixes).
    func testAVariableSpeltWithACharacterReferenceIsFollowed() throws {
        let fromHeader = #"@(context.Request.Headers.GetValueOrDefault(&quot;X-Audience&quot;, &quot;&quot;))"#
        let check = #"<set-variable name="aud" value="\#(fromHeader)" /><validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>@((string)context.&#86;ariables[&quot;aud&quot;])</audience></audiences><required-claims><claim name="roles" match="any"><value>Orders.Write</value></claim></required-claims></validate-jwt>"#
        try writeWriteRoutes(checkedBy: ["referenced": check])
        XCTAssertTrue(
            try lintFindings().contains(
                "LP002 defs/referenced.yaml: raw 'validate-jwt' in API 'referenced' checks no audience, so a token its issuer signed for another API passes"))
    }

    /// A write route whose only token check is raw XML, and whose `required-claims` a
    /// token holding only a read scope satisfies, linted clean: LP003 read the route's own
    /// scopes only, and LP007 counts the raw check as one. `match="any"` passes one of the
    /// values, `all` (APIM's default) asks for every one; a second check that asks for
    /// more keeps the route closed.
    func testARawCheckThatPassesReadScopesOnAWriteRouteIsLP003() throws {
        func check(_ claims: String) -> String {
            #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims>\#(claims)</required-claims></validate-jwt>"#
        }
        let checks: [(name: String, route: String, statements: String)] = [
            ("anyread", "POST", check(#"<claim name="scp" match="any"><value>orders.write</value><value>orders.read</value></claim>"#)),
            ("allread", "DELETE", check(#"<claim name="roles"><value>orders.read</value></claim>"#)),
            ("sentwrite", "GET", #"<set-method>PUT</set-method>"# + check(#"<claim name="scp" match="any"><value>orders.read</value></claim>"#)),
            ("allboth", "POST", check(#"<claim name="scp" match="all"><value>orders.read</value><value>orders.write</value></claim>"#)),
            ("second", "POST", check(#"<claim name="scp"><value>orders.read</value></claim>"#) + check(#"<claim name="roles"><value>orders.admin</value></claim>"#)),
            ("reading", "GET", check(#"<claim name="scp"><value>orders.read</value></claim>"#)),
            // Found by the audit of the fix: 'match' given by a named value, and a check that
            // asks for more but runs only on another method's requests.
            ("named", "POST", check(#"<claim name="scp" match="{{m}}"><value>orders.write</value><value>orders.read</value></claim>"#)),
            ("branch", "POST", check(#"<claim name="scp" match="any"><value>orders.read</value></claim>"#)
                + #"<choose><when condition="@(context.Request.Method == &quot;PATCH&quot;)">"# + check(#"<claim name="scp"><value>orders.write</value></claim>"#) + "</when></choose>"),
            // Found by an audit: the token's claim is split at the separator, so 'orders'
            // is met by 'orders.read'. A separator no scope name holds splits nothing.
            ("separated", "POST", check(#"<claim name="scp" match="any" separator="."><value>orders</value></claim>"#)),
            ("spaced", "POST", check(#"<claim name="scp" separator=" "><value>orders.write</value></claim>"#)),
            // Audit V83: an expression of nothing but strings is the text it makes.
            ("expressed", "POST", check(#"<claim name="scp" match="any"><value>@(&quot;orders.&quot; + &quot;read&quot;)</value><value>orders.write</value></claim>"#)),
            // Audit V88: with a comment, as a string's own text, or in another case.
            ("commented", "POST", check(#"<claim name="scp" match="any"><value>@(&quot;orders.read&quot; /* x */)</value></claim>"#)),
            ("converted", "POST", check(#"<claim name="scp" match="any"><value>@(&quot;Orders.Read&quot;.ToLower())</value></claim>"#)),
        ]
        try (RuleExample.baseGateway + "namedValues:\n  m: any\n").write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        for (name, method, statements) in checks {
            let example = RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound><base />\(statements)</inbound></policies>'\n",
                routes: "  - {id: call-\(name), method: \(method), path: /orders, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        let found = try lintFindings()
        XCTAssertContainsEach(found, [
            "LP003 defs/anyread.yaml: POST route 'call-anyread' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'anyread'",
            "LP003 defs/allread.yaml: DELETE route 'call-allread' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'allread'",
            "LP003 defs/sentwrite.yaml: GET route 'call-sentwrite', which raw 'set-method' in API 'sentwrite' sends to its backend as a write, accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'sentwrite'",
            "LP003 defs/named.yaml: POST route 'call-named' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'named'",
            "LP003 defs/branch.yaml: POST route 'call-branch' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'branch'",
            "LP003 defs/separated.yaml: POST route 'call-separated' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'separated'",
            "LP003 defs/expressed.yaml: POST route 'call-expressed' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'expressed'",
            "LP003 defs/commented.yaml: POST route 'call-commented' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'commented'",
            "LP003 defs/converted.yaml: POST route 'call-converted' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'converted'",
        ])
        for closed in ["allboth", "second", "reading", "spaced"] {
            XCTAssertFalse(found.contains { $0.hasPrefix("LP003 defs/\(closed).yaml") }, found.joined(separator: "\n"))
        }
    }

    /// An expression in an element's text written with XML's references, whose `//` the
    /// bytes alone read as a comment running to the line's end, and then to a `)` in the
    /// markup after it: the policy was refused (PX001), hiding what it does (found by the
    /// audits of the thirty-third round).
    func testAnExpressionWithReferencesInAnElementsTextIsRead() throws {
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(
            """
            apiVersion: portcullis/v1
            kind: API
            name: stock
            path: stock
            backend: https://stock.example.com
            policy: |
              <policies>
                <inbound>
                  <base />
                  <send-request mode="new" response-variable-name="levels">
                    <set-url>@(&quot;http://stock.example.com/&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Id&quot;, &quot;&quot;))</set-url>
                  </send-request>
                  <!-- 2) then the backend -->
                </inbound>
              </policies>
            routes:
              - {id: list-levels, method: GET, path: /levels, scopes: [orders.read]}

            """, to: "defs/stock.yaml")
        let findings = try lintFindings()
        XCTAssertFalse(findings.contains { $0.hasPrefix("PX001") }, findings.joined(separator: "\n"))
        XCTAssertTrue(findings.contains("SE003 defs/stock.yaml: raw 'set-url' in API 'stock' uses plain http://"), findings.joined(separator: "\n"))
    }

    /// A token check in the `otherwise` of a `when` for `OPTIONS` (how policies let CORS
    /// preflights through), or in a `when` for every method but `OPTIONS`, runs on every
    /// request of a `GET` or `POST` route: APIM picks the route by its method. Such routes
    /// were LP001 and LP007 errors (found by an audit); an `OPTIONS` route, one of a method
    /// the check's branch leaves out, and one whose method a `set-method` may change, are not
    /// checked, unless a branch answers each of their requests with written text (the
    /// preflight's 204), so that none reaches the backend (a later audit).
    func testATokenCheckInTheBranchOfTheRoutesMethodRunsOnEveryRequest() throws {
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let check = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt>"#
        let preflight = #"<return-response><set-status code="204" /></return-response>"#
        let policies = [
            ("preflight", #"<choose><when condition="@(context.Request.Method == &quot;OPTIONS&quot;)">\#(preflight)</when><otherwise>\#(check)</otherwise></choose>"#),
            ("allbut", #"<choose><when condition="@(context.Request.Method != &quot;OPTIONS&quot;)">\#(check)</when></choose>"#),
            ("readsonly", #"<choose><when condition="@(context.Request.Method == &quot;GET&quot;)">\#(check)</when><otherwise>\#(preflight)</otherwise></choose>"#),
            ("remethod", #"<set-method>@(context.Request.Headers.GetValueOrDefault(&quot;X-Method&quot;, &quot;GET&quot;))</set-method><choose><when condition="@(context.Request.Method != &quot;OPTIONS&quot;)">\#(check)</when></choose>"#),
            // A method written with a space is none: the branch never runs (the audit of
            // the change).
            ("spaced", #"<choose><when condition="@(context.Request.Method == &quot;GET &quot; || context.Request.Method == &quot;P OST&quot;)">\#(check)</when></choose>"#),
        ]
        let documents = policies.map { name, statements in
            RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound><base />\(statements)</inbound></policies>'\n",
                routes: """
                  - {id: list-\(name), method: GET, path: /\(name), rateLimit: {calls: 10, per: 1s, key: ip}}
                  - {id: create-\(name), method: POST, path: /\(name), rateLimit: {calls: 10, per: 1s, key: ip}}
                  - {id: preflight-\(name), method: OPTIONS, path: /\(name), rateLimit: {calls: 10, per: 1s, key: ip}}

                """).text
        }
        // The route's own 'rewrite' sends it on as another method: its policy's branch on
        // the method sees that one (the audit of the change).
        let rewritten = RuleExample.api(
            "rewritten", fields: "auth: none\n",
            routes: """
              - id: list-rewritten
                method: GET
                path: /rewritten
                rateLimit: {calls: 10, per: 1s, key: ip}
                rewrite: {path: /v2/rewritten, method: POST}
                policy: '<policies><inbound><base /><choose><when condition="@(context.Request.Method == &quot;GET&quot;)">\(check)</when></choose></inbound></policies>'

            """).text
        try write((documents + [rewritten]).joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("LP001") || $0.hasPrefix("LP007") }
        XCTAssertEqual(findings.sorted(), [
            "LP001 defs/apis.yaml: route 'create-remethod' accepts requests without a token and gives no reason",
            "LP001 defs/apis.yaml: route 'create-spaced' accepts requests without a token and gives no reason",
            "LP001 defs/apis.yaml: route 'list-remethod' accepts requests without a token and gives no reason",
            "LP001 defs/apis.yaml: route 'list-rewritten' accepts requests without a token and gives no reason",
            "LP001 defs/apis.yaml: route 'list-spaced' accepts requests without a token and gives no reason",
            "LP001 defs/apis.yaml: route 'preflight-allbut' accepts requests without a token and gives no reason",
            "LP001 defs/apis.yaml: route 'preflight-remethod' accepts requests without a token and gives no reason",
            "LP001 defs/apis.yaml: route 'preflight-spaced' accepts requests without a token and gives no reason",
            "LP007 defs/apis.yaml: public route 'create-remethod' accepts POST without a token",
            "LP007 defs/apis.yaml: public route 'create-spaced' accepts POST without a token",
            "LP007 defs/apis.yaml: public route 'list-remethod' is sent to its backend as a write by raw 'set-method' in API 'remethod', without a token",
            "LP007 defs/apis.yaml: public route 'list-rewritten' is sent to its backend as POST by its 'rewrite', without a token",
            "LP007 defs/apis.yaml: public route 'preflight-remethod' is sent to its backend as a write by raw 'set-method' in API 'remethod', without a token",
        ], findings.joined(separator: "\n"))
    }

    /// APIM takes one `rate-limit` and one `quota` per policy: a product's limits are its
    /// policy's, so a raw one beside them is PX004, and a raw policy with two is PX003. Both
    /// built or linted clean (found by an audit: the bundle's product policy held two of each).
    func testAPolicyHoldsOneRateLimitAndOneQuota() throws {
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(RuleExample.api("orders", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").text, to: "defs/orders.yaml")
        func product(_ name: String, fields: String, inbound: String) -> String {
            "apiVersion: portcullis/v1\nkind: Product\nname: \(name)\ndisplayName: \(name)\napis: [orders]\n\(fields)"
                + "policy: '<policies><inbound><base />\(inbound)</inbound></policies>'\n"
        }
        let limits = #"<rate-limit calls="5" renewal-period="60" /><quota calls="50" renewal-period="86400" />"#
        try write(
            [
                product("declared", fields: "rateLimit: {calls: 100, per: 60s}\nquota: {calls: 1000, per: 1d}\n", inbound: limits),
                product("twice", fields: "", inbound: limits + #"<choose><when condition="@(context.Request.Method == &quot;POST&quot;)"><rate-limit calls="1" renewal-period="60" /></when></choose>"#),
                product("once", fields: "", inbound: limits),
            ].joined(separator: "---\n"), to: "defs/products.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("PX") }
        XCTAssertEqual(findings.sorted(), [
            "PX003 defs/products.yaml: 'rate-limit' appears more than once in this policy",
            "PX004 defs/products.yaml: raw 'quota' conflicts with the 'quota' of product 'declared'",
            "PX004 defs/products.yaml: raw 'rate-limit' conflicts with the 'rateLimit' of product 'declared'",
        ])
    }

    /// APIM puts a fragment's statements where it is included: a fragment of checks
    /// included in `on-error`, `outbound` or `backend` checks nothing before the backend
    /// call, and lint and `diff` passed it while the same statements written there were
    /// PX003 (audit V82). Judged in a `choose` too, and at the includer's scope; a fragment
    /// of statements any section allows is left alone.
    func testAFragmentsStatementsAreJudgedWhereItIsIncluded() throws {
        func fragment(_ name: String, _ body: String) -> String {
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: \(name)\npolicy: '<fragment>\(body)</fragment>'\n"
        }
        try [
            fragment("checks", #"<ip-filter action="allow"><address>10.0.0.1</address></ip-filter><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#),
            fragment("headers", #"<set-header name="X-Served-By" exists-action="override"><value>gateway</value></set-header>"#),
        ].joined(separator: "---\n").write(to: file("defs/fragments.yaml"), atomically: true, encoding: .utf8)
        try writeAPI(
            policy: #"'<policies><inbound><base /><include-fragment fragment-id="checks" /></inbound><outbound><base /><include-fragment fragment-id="headers" /><choose><when condition="@(true)"><include-fragment fragment-id="checks" /></when></choose></outbound><on-error><base /><include-fragment fragment-id="checks" /></on-error></policies>'"#)
        let findings = try lintFindings().filter { $0.hasPrefix("PX003") }
        XCTAssertEqual(findings.sorted(), [
            "PX003 defs/orders.yaml: fragment 'checks' brings 'ip-filter' here, which is not allowed in the 'on-error' section",
            "PX003 defs/orders.yaml: fragment 'checks' brings 'ip-filter' here, which is not allowed in the 'outbound' section",
            "PX003 defs/orders.yaml: fragment 'checks' brings 'rate-limit-by-key' here, which is not allowed in the 'on-error' section",
            "PX003 defs/orders.yaml: fragment 'checks' brings 'rate-limit-by-key' here, which is not allowed in the 'outbound' section",
        ])
        let json = try ToolProcess.run(["lint", "defs", "--format", "json"], in: directory).stdout
        XCTAssertTrue(
            json.contains("APIM puts the fragment's statements where it is included and allows 'ip-filter' in the 'inbound' section only; include the fragment there"),
            json)
    }

    /// CA004 bounds how long a raw policy keeps what may be a token or another credential,
    /// named so by the store's key, its value or the variables it reads and their values;
    /// reference data kept for an hour was an error (found by an audit).
    func testALongStoreOfReferenceDataIsNoTokenCache() throws {
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let call = #"<send-request mode="new" response-variable-name="answer"><set-url>https://rates.example.com/latest</set-url></send-request>"#
        let stores = [
            ("rates", call + #"<set-variable name="rates" value="@(((IResponse)context.Variables[&quot;answer&quot;]).Body.As&lt;string&gt;())" /><cache-store-value key="exchange-rates" value="@((string)context.Variables[&quot;rates&quot;])" duration="3600" />"#),
            ("bearer", call + #"<set-variable name="fetched" value="@((string)((IResponse)context.Variables[&quot;answer&quot;]).Body.As&lt;JObject&gt;()[&quot;access_token&quot;])" /><cache-store-value key="backend" value="@((string)context.Variables[&quot;fetched&quot;])" duration="3600" />"#),
            ("certificate", #"<cache-store-value key="mycert" value="@((string)context.Variables[&quot;keyVaultCertBase64&quot;])" duration="3600" />"#),
            // A token the gateway obtains into a variable of any name (the audit of the
            // change); words that only hold a credential's name are none ('disaster', 'concert').
            ("identity", #"<authentication-managed-identity resource="https://graph.microsoft.com" output-token-variable-name="msi" /><cache-store-value key="graph" value="@((string)context.Variables[&quot;msi&quot;])" duration="7200" />"#),
            ("disaster", #"<cache-store-value key="disaster-recovery-concert" value="@(context.Deployment.Region)" duration="3600" />"#),
            // Names joined in camel case, kebab case or with a number, and a token copied once
            // (the audit of the fixes); a key that reads a token's subject keeps a profile.
            ("apikey", #"<cache-store-value key="partner-apiKey" value="@((string)context.Variables[&quot;fetched-value&quot;])" duration="3600" />"#),
            ("kebab", #"<cache-store-value key="x-api-key" value="@((string)context.Variables[&quot;fetched-value&quot;])" duration="3600" />"#),
            ("numbered", #"<cache-store-value key="graphJWT2" value="@((string)context.Variables[&quot;fetched-value&quot;])" duration="3600" />"#),
            ("copied", #"<authentication-managed-identity resource="https://graph.microsoft.com" output-token-variable-name="graph" /><set-variable name="held" value="@((string)context.Variables[&quot;graph&quot;])" /><cache-store-value key="graph" value="@((string)context.Variables[&quot;held&quot;])" duration="3600" />"#),
            ("profile", #"<cache-store-value key="@(&quot;profile-&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;&quot;).AsJwt()?.Subject)" value="@((string)context.Variables[&quot;user-profile&quot;])" duration="3600" />"#),
            // The caller's subscription key and session cookie (audit V86).
            ("subscription", #"<cache-store-value key="partner" value="@(context.Subscription?.SecondaryKey)" duration="3600" />"#),
            ("cookie", #"<cache-store-value key="partner" value="@(context.Request.Headers.GetValueOrDefault(&quot;Cookie&quot;, &quot;&quot;))" duration="3600" />"#),
        ]
        let documents = stores.map { name, statements in
            RuleExample.api(name, fields: "policy: '<policies><inbound><base />\(statements)</inbound></policies>'\n", routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n").text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("CA004") }
        XCTAssertEqual(findings.sorted(), [
            "CA004 defs/apis.yaml: raw 'cache-store-value' in API 'bearer' keeps values for 1h, longer than the limit of 5m",
            "CA004 defs/apis.yaml: raw 'cache-store-value' in API 'certificate' keeps values for 1h, longer than the limit of 5m",
            "CA004 defs/apis.yaml: raw 'cache-store-value' in API 'apikey' keeps values for 1h, longer than the limit of 5m",
            "CA004 defs/apis.yaml: raw 'cache-store-value' in API 'copied' keeps values for 1h, longer than the limit of 5m",
            "CA004 defs/apis.yaml: raw 'cache-store-value' in API 'identity' keeps values for 2h, longer than the limit of 5m",
            "CA004 defs/apis.yaml: raw 'cache-store-value' in API 'kebab' keeps values for 1h, longer than the limit of 5m",
            "CA004 defs/apis.yaml: raw 'cache-store-value' in API 'numbered' keeps values for 1h, longer than the limit of 5m",
            "CA004 defs/apis.yaml: raw 'cache-store-value' in API 'subscription' keeps values for 1h, longer than the limit of 5m",
            "CA004 defs/apis.yaml: raw 'cache-store-value' in API 'cookie' keeps values for 1h, longer than the limit of 5m",
        ].sorted())
    }

    /// A branch on the method after a `set-method` sees the method set: a public `GET`
    /// route whose policy makes it `HEAD` and then, for `HEAD`, `DELETE` is sent on as a
    /// write without a token (the audit of the fixes found it unreported).
    func testAWriteMethodSetInABranchOnAChangedMethodIsLP007() throws {
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let policy = #"<set-method>HEAD</set-method><choose><when condition="@(context.Request.Method == &quot;HEAD&quot;)"><set-method>DELETE</set-method></when></choose>"#
        try write(
            RuleExample.api(
                "probe", fields: "auth: none\n",
                routes: "  - {id: health, method: GET, path: /health, public: health probe, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies><inbound><base />\(policy)</inbound></policies>'}\n"
            ).text, to: "defs/probe.yaml")
        // A method the language has no route for may write too (audit V75: `MERGE`), unless
        // HTTP names it safe (audit V76: `QUERY`).
        for (name, method) in [("merge", "MERGE"), ("query", "QUERY")] {
            try write(
                RuleExample.api(
                    name, fields: "auth: none\n",
                    routes: "  - {id: status, method: GET, path: /status, public: status page, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies><inbound><base /><set-method>\(method)</set-method></inbound></policies>'}\n"
                ).text, to: "defs/\(name).yaml")
        }
        let findings = try lintFindings().filter { $0.hasPrefix("LP007") }
        XCTAssertEqual(findings, [
            "LP007 defs/merge.yaml: public route 'status' is sent to its backend as a write by raw 'set-method' in route 'merge/status', without a token",
            "LP007 defs/probe.yaml: public route 'health' is sent to its backend as a write by raw 'set-method' in route 'probe/health', without a token",
        ])
    }

    /// Text after an expression written with XML's references is said to follow it, as
    /// after one written without: it was refused as an expression that never ends.
    func testTextAfterAnExpressionWithReferencesIsSaidToFollowIt() throws {
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let statements = [
            ("text", #"<send-request mode="new" response-variable-name="r"><set-url>@(&quot;https://stock.example.com/&quot;) /levels</set-url></send-request>"#),
            ("attribute", #"<set-backend-service base-url="@(&quot;https://stock.example.com/&quot;)levels" />"#),
        ]
        let documents = statements.map { name, statement in
            RuleExample.api(name, fields: "policy: '<policies><inbound><base />\(statement)</inbound></policies>'\n", routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n").text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("PX001") }
        XCTAssertEqual(findings.sorted(), [
            "PX001 defs/apis.yaml: text follows the policy expression that starts at this element's text",
            "PX001 defs/apis.yaml: text follows the policy expression that starts this attribute value",
        ])
    }

    /// libxml2 reports CDATA sections one after another each on its own: they were taken
    /// for one, and a document with anything after them refused as unreadable.
    func testCDATASectionsOneAfterAnotherAreRead() throws {
        try write(
            "<policies>\n<inbound><base /><set-header name=\"X-Trace\" exists-action=\"override\"><value><![CDATA[a]]><![CDATA[b]]><!-- two sections --></value></set-header></inbound></policies>\n",
            to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
    }

    /// XML joins an element's text pieces, and APIM may look for an expression in the
    /// joined text or in each piece: text that is code one way only hid that code from every
    /// check (`@<!-- -->(...)` was text), or took text for code. It is refused where it starts.
    func testAnExpressionOnlyJoinedTextOrOnePieceMakesIsRefused() throws {
        let header = #"<set-header name="X-Caller" exists-action="override"><value>"#
        let code = #"(context.Request.Headers.GetValueOrDefault("Authorization"))"#
        let statements = [
            ("comment", header + "@<!-- -->" + code + "</value></set-header>"),
            ("cdata", header + "caller <![CDATA[@" + code + "]]></value></set-header>"),
            ("after", header + "@" + code + "<![CDATA[ and more]]></value></set-header>"),
            // An audit: the request chose the backend's host through a referenced '@'.
            ("reference", #"<set-backend-service base-url="&#64;(context.Request.Headers.GetValueOrDefault(&quot;X-Host&quot;, &quot;&quot;))" />"#),
        ]
        for (name, statement) in statements {
            try write("<policies>\n<inbound><base />\(statement)</inbound></policies>\n", to: "defs/policies/\(name).xml")
            let api = RuleExample.api(
                name, fields: "policy: policies/\(name).xml\n", routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n")
            try write(api.text, to: "defs/\(name).yaml")
        }
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stderr)
        let column = "<inbound><base />".count + header.count + 1
        for expected in [
            "defs/policies/comment.xml:2:\(column): error: the text of 'value' starts a policy expression only once XML joins its pieces or resolves its references [PX001]",
            "defs/policies/cdata.xml:2:\(column + 7): error: a policy expression follows other text of 'value' [PX001]",
            "defs/policies/after.xml:2:\(column + 1 + code.count): error: text follows the policy expression that starts at this element's text [PX001]",
            "defs/policies/reference.xml:2:\("<inbound><base /><set-backend-service base-url=\"".count + 1): error: the value of 'base-url' starts a policy expression only once XML resolves its references [PX001]",
        ] {
            XCTAssertTrue(lint.stdout.contains(expected), "missing \(expected) in \(lint.stdout)")
        }
    }

    /// libxml2's check that no attribute of an element repeats is quadratic: 30,000 on one
    /// statement took a quarter of a second to each reading. An element of more attributes
    /// than any statement takes is refused before libxml2 reads it.
    func testAStatementOfTooManyAttributesIsRefusedWhereTheyPassTheLimit() throws {
        let attributes = (0..<20_000).map { " a\($0)=\"\"" }
        try write(
            "<policies>\n<inbound><base /><set-header" + attributes.joined() + " /></inbound></policies>\n", to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stderr)
        let column = "<inbound><base /><set-header".count + attributes.prefix(256).joined().count + 2
        XCTAssertTrue(
            lint.stdout.contains("defs/policies/orders.xml:2:\(column): error: 'set-header' has more attributes than the limit of 256 [PX001]"),
            String(lint.stdout.prefix(600)))
        XCTAssertLessThan(lint.seconds, 10)
    }

    /// A value written as an expression of nothing but strings is that text to APIM: a
    /// password, a key or a plain-HTTP URL written so passed SE001 and SE003, as did a URL
    /// split by an XML comment, which XML joins (found by an audit).
    func testValuesWrittenAsStringExpressionsAreJudgedAsTheirText() throws {
        let statements: [(name: String, statement: String, finding: String?)] = [
            ("basic", #"<set-header name="Authorization" exists-action="override"><value>@("Basic " + "dXNlcjpodW50ZXIyaHVudGVyMg==")</value></set-header>"#, "SE001"),
            ("password", #"<authentication-basic username="svc" password="@(&quot;hunter2hunter2&quot;)" />"#, "SE001"),
            ("joined", #"<set-variable name="apiKey" value="@(&quot;kX9pQ2vLm7RtY4wZ&quot; + &quot;kX9pQ2vLm7RtY4wZ&quot;)" />"#, "SE001"),
            ("verbatim", #"<set-header name="x-functions-key" exists-action="override"><value>@(@"kX9pQ2vLm7RtY4wZkX9pQ2vLm7RtY4wZ")</value></set-header>"#, "SE001"),
            // Written with references, as XML tools write quotes; its '//' was read as a
            // comment, and the expression refused as never ending (PX001).
            ("baseurl", #"<set-backend-service base-url="@(&quot;http://orders.example.com&quot;)" />"#, "SE003"),
            ("split", #"<send-request mode="new" response-variable-name="r"><set-url>http:<!-- split -->//stock.example.com/levels</set-url></send-request>"#, "SE003"),
            // In an element's text too, where XML allows the same references (the audits of
            // the thirty-third round: a valid policy was refused).
            ("elementurl", #"<send-request mode="new" response-variable-name="r"><set-url>@(&quot;http://stock.example.com/levels&quot;) </set-url></send-request>"#, "SE003"),
            // An interpolated string with nothing interpolated, and a block that only returns
            // a string (the audit of the fixes).
            ("interpolated", #"<set-backend-service base-url="@($&quot;http://orders.example.com&quot;)" />"#, "SE003"),
            ("block", #"<set-header name="x-functions-key" exists-action="override"><value>@{ return "kX9pQ2vLm7RtY4wZkX9pQ2vLm7RtY4wZ"; }</value></set-header>"#, "SE001"),
            // Each value the code may give: a branch of a choice the caller picks, a block
            // that returns a local, a format (the audit of the thirty-fourth round).
            ("choicehttp", #"<set-backend-service base-url="@(context.Request.Headers.GetValueOrDefault(&quot;X-Env&quot;, &quot;prod&quot;) == &quot;test&quot; ? &quot;http://test.example.com/api&quot; : &quot;https://orders.example.com/api&quot;)" />"#, "SE003"),
            ("blockhttp", #"<send-request mode="new" response-variable-name="r"><set-url>@{ var url = "http://stock.example.com/levels"; return url; }</set-url></send-request>"#, "SE003"),
            ("formathttp", #"<send-request mode="new" response-variable-name="r"><set-url>@(string.Format("http://stock.example.com/{0}", context.Request.MatchedParameters["id"]))</set-url></send-request>"#, "SE003"),
            // A URI made of such a text (the audit of the thirty-fourth round).
            ("urihttp", #"<set-backend-service base-url="@(new Uri("http://orders.example.com/v1").ToString())" />"#, "SE003"),
            ("systemurihttp", #"<send-request mode="new" response-variable-name="r"><set-url>@((new System.Uri(new Uri("http://stock.example.com/"), "levels")).AbsoluteUri)</set-url></send-request>"#, "SE003"),
            ("urihttps", #"<set-backend-service base-url="@(new Uri("https://orders.example.com/v1").ToString())" />"#, nil),
            // From the audit of that change: a URI in brackets, of an absolute text beside a
            // base, of a format, spelt otherwise; a scheme given as a format's argument or
            // joined from named values; a relative text keeps the base's https.
            ("uribrackets", #"<set-backend-service base-url="@((new Uri("http://orders.example.com/")).ToString())" />"#, "SE003"),
            ("uriabsolute", #"<set-backend-service base-url="@(new Uri(new Uri("https://orders.example.com/"), "http://stock.example.com/").ToString())" />"#, "SE003"),
            ("uriformat", #"<set-backend-service base-url="@(new Uri(string.Format("http://{0}.example.com/", context.Deployment.Region)).ToString())" />"#, "SE003"),
            ("uriglobal", #"<set-backend-service base-url="@(new global::System.Uri(uriString: "http://orders.example.com/").ToString())" />"#, "SE003"),
            ("formatargument", #"<set-backend-service base-url="@(string.Format("{0}://orders.example.com/", "http"))" />"#, "SE003"),
            ("formatnull", #"<set-backend-service base-url="@(System.String.Format(null, "http://{0}.example.com/", context.Deployment.Region))" />"#, "SE003"),
            ("formatnamed", #"<set-backend-service base-url="@(string.Format("{{plain-base}}/{0}", context.Deployment.Region))" />"#, "SE003"),
            ("urirelativetext", #"<set-backend-service base-url="@(new Uri(new Uri("https://orders.example.com/"), "v2/").ToString())" />"#, nil),
            ("escaped", #"<set-header name="x-functions-key" exists-action="override"><value>@("kX9pQ2vLm7RtY4wZ" + "kX9pQ2vLm7RtY4wZ")</value></set-header>"#, "SE001"),
            // Code that computes a value is not judged by its strings' looks.
            ("computed", #"<set-header name="X-Api-Key" exists-action="override"><value>@("key-" + (string)context.Variables["tenant"])</value></set-header>"#, nil),
            // Named values (the audit of the fixes): a header whose name one gives, and a
            // signing key one holds, written in the definitions.
            ("namedheader", #"<set-header name="{{auth-header}}" exists-action="override"><value>Basic dXNlcjpodW50ZXIyaHVudGVyMg==</value></set-header>"#, "SE001"),
            // Basic credentials under a header that names none, their password in UTF-8
            // ('orders:pässwörd-Blue7'), as RFC 7617 allows.
            ("utf8basic", #"<set-header name="X-Partner" exists-action="override"><value>Basic b3JkZXJzOnDDpHNzd8O2cmQtQmx1ZTc=</value></set-header>"#, "SE001"),
            ("namedkey", #"<validate-jwt header-name="Authorization"><issuer-signing-keys><key>{{signing-key}}</key></issuer-signing-keys><audiences><audience>api://orders</audience></audiences></validate-jwt>"#, "SE001"),
            ("namedkeycase", #"<validate-jwt header-name="Authorization"><issuer-signing-keys><key>@("{{Signing-Key}}")</key></issuer-signing-keys><audiences><audience>api://orders</audience></audiences></validate-jwt>"#, "SE001"),
            ("namedzumo", #"<validate-jwt header-name="Authorization"><issuer-signing-keys><zumo-master-key id="0">{{signing-key}}</zumo-master-key></issuer-signing-keys><audiences><audience>api://orders</audience></audiences></validate-jwt>"#, "SE001"),
        ]
        try writeOneAPIPerStatement(
            statements.map { ($0.name, $0.statement) },
            values: "namedValues:\n  auth-header: Authorization\n  signing-key: c2VjcmV0LXNpZ25pbmcta2V5LWZvci10b2tlbnMtMDEyMzQ1Njc4OQ==\n  plain-base: http://orders.example.com\n")
        let found = try lintFindings()
        for (name, _, finding) in statements {
            let codes = Set(found.filter { $0.contains(" defs/\(name).yaml: ") }.map { String($0.prefix(5)) })
            XCTAssertFalse(codes.contains("PX001"), "\(name):\n" + found.joined(separator: "\n"))
            if let finding {
                XCTAssertTrue(codes.contains(finding), "\(name) has no \(finding):\n" + found.joined(separator: "\n"))
            } else {
                XCTAssertTrue(codes.isDisjoint(with: ["SE001", "SE003"]), "\(name):\n" + found.joined(separator: "\n"))
            }
        }
    }

    /// A literal a caller is let in with is a shared secret written in the policy, whatever
    /// it looks like: a string compared with a header or query parameter named like a
    /// credential, and a value of a `check-header` that refuses with 401 or 403. Both passed
    /// SE001 (found by an audit: a 32-character hex key, an APIM subscription key's shape,
    /// in each). Lint names the header, never the value, and the build refuses.
    func testLiteralsACallerIsLetInWithAreCredentials() throws {
        func when(_ condition: String) -> String {
            #"<choose><when condition="@(\#(condition))"><return-response><set-status code="401" /></return-response></when></choose>"#
        }
        let key = #"context.Request.Headers.GetValueOrDefault(&quot;X-Api-Key&quot;, &quot;&quot;)"#
        let compared = "SE001: the text compared with"
        let asked = "SE001: 'value' of check-header"
        let cases: [(name: String, statement: String, findings: [String])] = [
            ("header", when(key + " != &quot;3f9a1c2e7b4d4e8f9a0b1c2d3e4f5a6b&quot;"), ["\(compared) header 'X-Api-Key'"]),
            ("equals", when(#"!string.Equals(context.Request.Headers.GetValueOrDefault(&quot;Ocp-Apim-Subscription-Key&quot;, &quot;&quot;), &quot;d41d8cd98f00b204e9800998ecf8427e&quot;, StringComparison.Ordinal)"#),
             ["\(compared) header 'Ocp-Apim-Subscription-Key'"]),
            ("query", #"<set-variable name="allowed" value="@(context.Request.Url.Query.GetValueOrDefault(&quot;code&quot;, &quot;&quot;) == &quot;Xk29fQ7aLm3p&quot;)" />"#,
             ["\(compared) query parameter 'code'"]),
            ("switch", #"<set-variable name="partner" value="@(\#(key) switch { &quot;a1b2c3d4e5&quot; => &quot;contoso&quot;, _ => &quot;none&quot; })" />"#,
             ["\(compared) header 'X-Api-Key'"]),
            ("namedheader", when(#"context.Request.Headers.GetValueOrDefault(&quot;{{key-header}}&quot;, &quot;&quot;) != &quot;b7e2c9d1f4a8&quot;"#), ["\(compared) header 'X-Api-Key'"]),
            ("checkheader", #"<check-header name="X-Partner-Key" failed-check-httpcode="401" failed-check-error-message="denied" ignore-case="false"><value>7c1e4b9a2d6f4e0b8a3c5d7e9f1a2b3c</value><value>e5f6a7b8c9d0e1f2</value></check-header>"#,
             ["\(asked) 'X-Partner-Key'", "\(asked) 'X-Partner-Key'"]),
            // From the audit of the change: headers whose names hold a credential's word, a
            // check that answers another code.
            ("partnerkey", when(#"context.Request.Headers.GetValueOrDefault(&quot;X-Partner-Key&quot;, &quot;&quot;) != &quot;9d8c7b6a5f4e3d2c1b0a&quot;"#), ["\(compared) header 'X-Partner-Key'"]),
            ("accesstoken", when(#"context.Request.Headers.GetValueOrDefault(&quot;X-Access-Token&quot;, &quot;&quot;) != &quot;q8w7e6r5t4y3u2i1o0p9&quot;"#), ["\(compared) header 'X-Access-Token'"]),
            ("firstvalue", when(#"context.Request.Headers[&quot;X-Api-Key&quot;].FirstOrDefault() != &quot;c3d4e5f6a7b8&quot;"#), ["\(compared) header 'X-Api-Key'"]),
            ("lowered", when(key + ".ToLowerInvariant() != &quot;c3d4e5f6a7b8&quot;"), ["\(compared) header 'X-Api-Key'"]),
            ("cast", when(key + " as string != &quot;c3d4e5f6a7b8&quot;"), ["\(compared) header 'X-Api-Key'"]),
            // From the third audit: names whose words end in a credential's.
            ("apitoken", when(#"context.Request.Headers.GetValueOrDefault(&quot;X-ApiToken&quot;, &quot;&quot;) != &quot;f1e2d3c4b5a6a7b8c9d0&quot;"#), ["\(compared) header 'X-ApiToken'"]),
            ("hubsignature", #"<check-header name="X-Hub-Signature-256" failed-check-httpcode="401" failed-check-error-message="denied" ignore-case="false"><value>sha256f1e2d3c4b5a6e7a7b8c9d0</value></check-header>"#,
             ["\(asked) 'X-Hub-Signature-256'"]),
            // From the second audit: the name of what is read split by a CDATA section.
            ("cdata", when(#"context.Re<![CDATA[quest]]>.Headers.GetValueOrDefault(&quot;X-Api-Key&quot;, &quot;&quot;) != &quot;c3d4e5f6a7b8&quot;"#),
             ["\(compared) header 'X-Api-Key'"]),
            ("checkheader400", #"<check-header name="X-Partner-Key" failed-check-httpcode="400" failed-check-error-message="bad" ignore-case="false"><value>p4rtn3r-k3y-v2-2024x</value></check-header>"#,
             ["\(asked) 'X-Partner-Key'"]),
            // Not a credential: another header, nothing, a reference, a scheme's name (the
            // Power Query sample), a check of another header (the audit of the change: a
            // client's name, a region), of a content type, or of the caller's address (the
            // Application Gateway sample), a text standing for a header missing.
            ("region", when(#"context.Request.Headers.GetValueOrDefault(&quot;X-Region&quot;, &quot;&quot;) == &quot;eu&quot;"#), []),
            ("empty", when(key + " == &quot;&quot; || " + key + " == string.Empty"), []),
            ("named", when(key + " != &quot;{{partner-secret}}&quot;"), []),
            ("scheme", when(#"context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).Trim().Equals(&quot;Bearer&quot;)"#), []),
            ("client", #"<check-header name="X-Client" failed-check-httpcode="403" failed-check-error-message="denied" ignore-case="true"><value>partner-9f8e7d6c</value></check-header>"#, []),
            ("regioncheck", #"<check-header name="X-Region" failed-check-httpcode="403" failed-check-error-message="denied" ignore-case="true"><value>eu</value></check-header>"#, []),
            ("missing", when(#"context.Request.Headers.GetValueOrDefault(&quot;X-Api-Key&quot;, &quot;none&quot;) == &quot;none&quot;"#), []),
            // From the second audit: a key no one keeps secret, what a token or a key is, a
            // header missing tested by its default.
            // From the fourth audit: a tenant's key compared for routing.
            ("tenantkey", when(#"context.Request.Headers.GetValueOrDefault(&quot;X-Tenant-Key&quot;, &quot;&quot;) == &quot;contoso01&quot;"#), []),
            ("eventkey", #"<check-header name="X-Event-Key" failed-check-httpcode="403" failed-check-error-message="denied" ignore-case="true"><value>repo:push</value></check-header>"#, []),
            ("cachekey", #"<check-header name="X-Cache-Key" failed-check-httpcode="403" failed-check-error-message="denied" ignore-case="true"><value>orders-v2</value></check-header>"#, []),
            ("tokentype", #"<check-header name="X-Token-Type" failed-check-httpcode="403" failed-check-error-message="denied" ignore-case="true"><value>Bearer</value></check-header>"#, []),
            ("keyid", when(#"context.Request.Headers.GetValueOrDefault(&quot;X-Key-Id&quot;, &quot;&quot;) != &quot;key-2024-01&quot;"#), []),
            ("dashdefault", when(#"context.Request.Headers.GetValueOrDefault(&quot;X-Api-Key&quot;, &quot;-&quot;) == &quot;-&quot;"#), []),
            ("contenttype", #"<check-header name="Content-Type" failed-check-httpcode="403" failed-check-error-message="bad" ignore-case="true"><value>application/json</value></check-header>"#, []),
            ("forwarded", #"<check-header name="x-forwarded-for" failed-check-httpcode="403" failed-check-error-message="denied" ignore-case="true"><value>10.33.215.173</value><value>{{partner-secret}}</value></check-header>"#, []),
        ]
        try writeOneAPIPerStatement(cases.map { ($0.name, $0.statement) }, values: "namedValues:\n  key-header: X-Api-Key\n", asBlock: true)
        let found = try lintFindings()
        for (name, _, findings) in cases {
            let messages = found.filter { $0.hasPrefix("SE001 defs/\(name).yaml: ") }.map { $0.replacingOccurrences(of: " defs/\(name).yaml", with: "") }
            XCTAssertEqual(messages, findings.map { "\($0) is a literal; it must reference a secret" }, "\(name):\n" + found.joined(separator: "\n"))
        }
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        for secret in ["3f9a1c2e7b4d4e8f", "d41d8cd98f00b204", "Xk29fQ7aLm3p", "a1b2c3d4e5", "b7e2c9d1f4a8", "7c1e4b9a2d6f", "e5f6a7b8c9d0", "9d8c7b6a5f4e3d2c1b0a", "q8w7e6r5t4y3u2i1o0p9", "p4rtn3r-k3y", "c3d4e5f6a7b8", "f1e2d3c4b5a6a7b8c9d0"] {
            XCTAssertFalse(lint.stdout.contains(secret), lint.stdout)
        }
        XCTAssertTrue(lint.stdout.contains("write '{{NAME}}'"), lint.stdout)
        try "rules:\n  SE001: off\n".write(to: file("defs/portcullis.yaml"), atomically: true, encoding: .utf8)
        let build = try ToolProcess.run(["build", "defs", "--out", "bundle"], in: directory)
        XCTAssertNotEqual(build.status, 0, build.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("bundle").path))
    }

    /// A lookup in a broader policy is judged only for the requests that run it: a route
    /// whose policy has no `<base />` never runs its API's, nor the gateway's, and a
    /// product's subscribers run no gateway policy where the product's has none. Judged
    /// for them too, both were CA001 (audit V19 F3, false errors older than round 51; the
    /// first named the route that skips the lookup).
    func testABroaderLookupIsJudgedForTheRequestsThatRunIt() throws {
        let jwt = { (header: String) in
            #"<validate-jwt header-name="\#(header)"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        }
        let lookup = #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false"><vary-by-header>Accept</vary-by-header></cache-lookup>"#
        let route = { (name: String, inbound: String) in
            "  - {id: list-\(name), method: GET, path: /\(name), public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies><inbound>\(inbound)</inbound><outbound><base /><cache-store duration=\"60\" /></outbound></policies>'}\n"
        }
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(
            RuleExample.api(
                "orders", fields: "auth: none\npolicy: '<policies><inbound><base />\(lookup)</inbound></policies>'\n",
                routes: route("skipped", jwt("X-Tok")) + route("kept", "<base />\(jwt("X-Tok"))")
            ).text, to: "defs/orders.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("CA001") },
            ["CA001 defs/orders.yaml: raw 'cache-lookup' in API 'orders' shares cached responses between the callers of route 'list-kept', whose token check reads their credentials outside 'Authorization', so APIM caches their requests"])

        // The callers of no product meet the gateway's check of `Authorization` first.
        try FileManager.default.removeItem(at: file("defs/orders.yaml"))
        try write(RuleExample.baseGateway + "policy: '<policies><inbound>\(jwt("Authorization"))\(lookup)</inbound></policies>'\n", to: "defs/gateway.yaml")
        try write(RuleExample.api("partners", fields: "auth: none\n", routes: route("sold", "<base />\(jwt("X-Tok"))")).text, to: "defs/partners.yaml")
        try write(
            Self.product("resellers", apis: "partners", policy: #"<inbound><set-header name="X-Partner" exists-action="override"><value>1</value></set-header></inbound>"#),
            to: "defs/resellers.yaml")
        XCTAssertEqual(try lintFindings(status: 0).filter { $0.hasPrefix("CA001") }, [])
    }

    /// The generated `cors` hands requests from origins it does not list on to any other
    /// `cors` of the request's way: a raw one at a narrower scope (audit V23), or in the
    /// gateway's own policy inside a `choose` or a fragment (audit V25), admitted origins
    /// the gateway's list and `gateway.json` do not show.
    func testARawCorsBesideTheGatewaysIsPX004() throws {
        let cors = #"<cors allow-credentials="true"><allowed-origins><origin>https://evil.example.com</origin></allowed-origins><allowed-methods><method>GET</method></allowed-methods></cors>"#
        let declared = "cors:\n  allowedOrigins: [https://shop.example.com]\n  allowedMethods: [GET]\n  allowedHeaders: [Authorization]\n"
        try write(
            RuleExample.baseGateway + declared
                + "policy: '<policies><inbound><base /><choose><when condition=\"@(true)\">\(cors)</when></choose><include-fragment fragment-id=\"origins\" /></inbound></policies>'\n",
            to: "defs/gateway.yaml")
        try write("apiVersion: portcullis/v1\nkind: PolicyFragment\nname: origins\npolicy: '<fragment>\(cors)</fragment>'\n", to: "defs/origins.yaml")
        try write(
            RuleExample.api("orders", fields: "policy: '<policies><inbound><base />\(cors)</inbound></policies>'\n", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").text,
            to: "defs/orders.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("PX004") }.sorted(),
            [
                "PX004 defs/gateway.yaml: raw 'cors' conflicts with the gateway's 'cors'",
                "PX004 defs/orders.yaml: raw 'cors' conflicts with the gateway's 'cors', which hands it the requests from origins the gateway does not list",
                "PX004 defs/origins.yaml: raw 'cors' conflicts with the gateway's 'cors'",
            ])
    }

    /// A request that meets `<base />` twice runs the broader scopes' statements twice:
    /// a product's limits count it twice, a write is forwarded twice. Such a policy built
    /// clean (audit V23), as did one whose `retry` holds `<base />` outside `backend`
    /// (audit V25); lint refuses both, through the executable, and builds nothing.
    func testABaseMetTwiceOnAPathIsRefused() throws {
        let retry = #"<retry condition="@(context.Response == null)" count="2" interval="1"><base /></retry>"#
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(
            RuleExample.api(
                "orders",
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], policy: '<policies><inbound><base /><base /></inbound></policies>'}\n"
                    + "  - {id: get-order, method: GET, path: /order, scopes: [orders.read], policy: '<policies><inbound>\(retry)</inbound><backend>\(retry)</backend></policies>'}\n"
            ).text, to: "defs/orders.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("PX003") },
            [
                "PX003 defs/orders.yaml: 'base' runs a second time on a path through the 'inbound' section",
                "PX003 defs/orders.yaml: 'base' inside 'retry' runs the broader scopes' 'inbound' again on every retry",
            ])
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 1, build.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("out").path))
    }

    /// A broader policy's `outbound` runs for a route only where the narrower policies'
    /// `outbound` runs `<base />`: a product's store there was judged for routes whose own
    /// `outbound`, or their API's, has none (audit V22, a false error).
    func testABroaderStoreIsJudgedForTheRoutesWhoseOutboundRunsIt() throws {
        let jwt = #"<validate-jwt header-name="X-Tok"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let store = #"<cache-store-value key="@(&quot;resp:&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Partner&quot;, &quot;&quot;))" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="30" />"#
        let route = { (name: String, outbound: String) in
            "  - {id: list-\(name), method: GET, path: /\(name), public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies><inbound><base /></inbound><outbound>\(outbound)</outbound></policies>'}\n"
        }
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(Self.product("partners", apis: "orders, catalog", policy: "<inbound><base />\(jwt)</inbound><outbound><base />\(store)</outbound>"), to: "defs/partners.yaml")
        try write(RuleExample.api("orders", fields: "auth: none\n", routes: route("dropped", "")).text, to: "defs/orders.yaml")
        // An API whose `outbound` drops the broader policies' drops them for every route.
        try write(
            RuleExample.api("catalog", fields: "auth: none\npolicy: '<policies><outbound /></policies>'\n", routes: route("items", "<base />")).text,
            to: "defs/catalog.yaml")
        XCTAssertEqual(try lintFindings(status: 0).filter { $0.hasPrefix("CA001") }, [])

        try write(RuleExample.api("orders", fields: "auth: none\n", routes: route("dropped", "") + route("kept", "<base />")).text, to: "defs/orders.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("CA001") },
            ["CA001 defs/partners.yaml: raw 'cache-store-value' in product 'partners' keeps the answer to route 'list-kept', which requires a token, under a key that does not tell its callers apart"])
    }

    /// APIM keeps a request out of a cache that does not allow private responses only when
    /// it carries an `Authorization` header: a raw check that reads its token from another
    /// header, or a client certificate, left a plain lookup sharing one caller's answer with
    /// the next, and lint clean (found by an audit).
    func testALookupOnARouteWhoseCredentialsAreNotInAuthorizationIsCA001() throws {
        let jwt = #"<validate-jwt header-name="X-Api-Token"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let lookup = { (vary: String) in #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false">\#(vary)</cache-lookup>"# }
        let authorizationJWT = jwt.replacingOccurrences(of: "X-Api-Token", with: "Authorization")
        let remove = #"<set-header name="Authorization" exists-action="delete" />"#
        let cases: [(name: String, inbound: String)] = [
            ("header", jwt + lookup("")),
            ("varied", jwt + lookup("<vary-by-header>X-Api-Token</vary-by-header>")),
            ("byauthorization", jwt + lookup("<vary-by-header>Authorization</vary-by-header>")),
            ("certificate", #"<validate-client-certificate><identities><identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" /></identities></validate-client-certificate>"# + lookup("")),
            ("authorization", jwt.replacingOccurrences(of: "X-Api-Token", with: "Authorization") + lookup("")),
            // Found by the audit of the fix: a check for some requests only still has callers
            // whose answers the lookup hands on; a token in the query the lookup varies on does not.
            ("branch", #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Api-Token&quot;))">"# + jwt + "</when></choose>" + lookup("")),
            ("queryvaried", jwt.replacingOccurrences(of: #"header-name="X-Api-Token""#, with: #"query-parameter-name="access_token""#) + lookup("<vary-by-query-parameter>access_token</vary-by-query-parameter>")),
            // Round 50: a request whose `Authorization` a policy removes before the lookup is
            // cached; one removed after it is not. A check of `Authorization` after a check of
            // another header keeps the request out (audit V12), unless that header is removed.
            ("removed", authorizationJWT + remove + lookup("")),
            ("removedbyafragment", authorizationJWT + #"<include-fragment fragment-id="strip-token" />"# + lookup("")),
            ("removedafter", authorizationJWT + lookup("") + remove),
            ("alsoauthorization", jwt + authorizationJWT + lookup("")),
            ("alsoauthorizationremoved", jwt + authorizationJWT + remove + lookup("")),
            // A `check-header` of `Authorization` refuses a request without one too (audit
            // V15, a false error); a lookup that allows private responses caches requests
            // with one, and says so (audit V16's N1).
            ("alsocheckheader", jwt + #"<check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="Unauthorized" ignore-case="true" />"# + lookup("")),
            ("private", jwt + authorizationJWT + #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true" />"#),
            // `1` is true as well (audit V44).
            ("privateone", jwt + authorizationJWT + #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="1" />"#),
        ]
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        for (name, inbound) in cases {
            let example = RuleExample.api(
                name, fields: "auth: none\n",
                routes: "  - {id: list-\(name), method: GET, path: /orders, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies><inbound><base />\(inbound)</inbound><outbound><base /><cache-store duration=\"30\" /></outbound></policies>'}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        try write(
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: strip-token\npolicy: '<fragment>\(remove)</fragment>'\n", to: "defs/strip-token.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("CA001") }
        for removed in ["removed", "removedbyafragment"] {
            XCTAssertTrue(
                found.contains("CA001 defs/\(removed).yaml: raw 'cache-lookup' in route '\(removed)/list-\(removed)' shares cached responses between the callers of route 'list-\(removed)', whose 'Authorization' header a policy may remove before it, so APIM caches their requests"),
                "\(removed):\n" + found.joined(separator: "\n"))
        }
        for shared in ["header", "byauthorization", "certificate", "branch", "alsoauthorizationremoved"] {
            XCTAssertTrue(
                found.contains("CA001 defs/\(shared).yaml: raw 'cache-lookup' in route '\(shared)/list-\(shared)' shares cached responses between the callers of route 'list-\(shared)', whose token check reads their credentials outside 'Authorization', so APIM caches their requests"),
                "\(shared):\n" + found.joined(separator: "\n"))
        }
        for name in ["private", "privateone"] {
            XCTAssertTrue(
                found.contains("CA001 defs/\(name).yaml: raw 'cache-lookup' in route '\(name)/list-\(name)' shares cached responses between the callers of route 'list-\(name)', whose credentials it does not vary by"),
                found.joined(separator: "\n"))
        }
        for kept in ["varied", "authorization", "queryvaried", "removedafter", "alsoauthorization", "alsocheckheader"] {
            XCTAssertFalse(found.contains { $0.contains("defs/\(kept).yaml") }, found.joined(separator: "\n"))
        }
    }

    /// What keeps a request out of a cache lookup is the caller's `Authorization` on it where
    /// the lookup runs: a policy's statements after its `<base />` run after a broader
    /// policy's lookup, those before it before (audit V15 found a removal in a route's policy
    /// after the API's lookup reported, and a route that must pass a check of
    /// `Authorization` reported where the token was taken off after the lookup), and a
    /// lookup that allows private responses, varied by `Authorization` after a broader policy
    /// took the caller's off, keys every caller alike (audit V15; predates round 50). The
    /// definitions' header changes are writes too (audit V17; predates round 50).
    func testALookupJudgesTheAuthorizationARequestCarriesWhereTheLookupRuns() throws {
        let jwt = { (header: String) in
            #"<validate-jwt header-name="\#(header)"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        }
        let plain = #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false"><vary-by-header>Accept</vary-by-header></cache-lookup>"#
        let byToken = #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true"><vary-by-header>Authorization</vary-by-header></cache-lookup>"#
        let remove = #"<set-header name="Authorization" exists-action="delete" />"#
        let identity = #"<authentication-managed-identity resource="https://orders.example.com" />"#
        // The header changes the definitions write run after the route's `<base />`, before
        // the rest of its policy (audit V17 found them read as no write).
        let definitions = [
            "definitionsremove": "request:\n  headers:\n    remove: [Authorization]\n",
            "definitionsgiven": "request:\n  headers:\n    setIfMissing: {Authorization: 'Bearer {{partner-secret}}'}\n",
            "definitionsfirst": "request:\n  headers:\n    remove: [Authorization]\n",
        ]
        let cases: [(name: String, api: String, route: String)] = [
            ("definitionsremove", jwt("Authorization") + "<base />", "<base />" + plain),
            ("definitionsgiven", jwt("X-Tok") + "<base />" + plain, "<base />" + jwt("Authorization")),
            // Without a `<base />` at the top of the route's policy they run first (audit V18).
            ("definitionsfirst", jwt("Authorization") + "<base />", plain + #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Beta&quot;))"><base /></when><otherwise><base /></otherwise></choose>"#),
            ("removedafter", jwt("Authorization") + "<base />" + plain, "<base />" + remove),
            ("removedbefore", jwt("Authorization") + "<base />" + plain, remove + "<base />"),
            ("bothremovedafter", jwt("X-Tok") + jwt("Authorization") + "<base />" + plain, "<base />" + remove),
            ("bothidentityafter", jwt("X-Tok") + jwt("Authorization") + "<base />" + plain, "<base />" + identity),
            ("bothremovedbefore", jwt("X-Tok") + jwt("Authorization") + "<base />" + plain, remove + "<base />"),
            ("privateremoved", jwt("Authorization") + remove + "<base />", "<base />" + byToken),
            ("privatereplaced", jwt("Authorization") + identity + "<base />", "<base />" + byToken),
            ("privatekept", jwt("Authorization") + "<base />", "<base />" + byToken + identity),
            // Audit V16: the gateway's token given between the lookup and the check of
            // `Authorization` passes a caller who sent none; a product's check is met by its
            // subscribers alone, in a fragment too; a `<base />` on some paths before the
            // lookup runs the broader policies before it there.
            ("givenbetween", jwt("X-Tok") + "<base />" + plain, "<base />" + identity + jwt("Authorization")),
            ("productcheck", jwt("X-Tok") + "<base />" + plain, "<base />"),
            ("somepathsbase", jwt("Authorization") + remove + "<base />", #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Beta&quot;))"><base /></when></choose>"# + plain + "<base />"),
            // A route's policy without `<base />` runs none of the broader policies, whose
            // removal its lookup never meets (audit V16, a false error).
            ("withoutbase", jwt("Authorization") + remove + "<base />", jwt("Authorization") + plain),
        ]
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        for (name, api, route) in cases {
            let example = RuleExample.api(
                name, fields: "auth: none\n\(definitions[name] ?? "")policy: '<policies><inbound>\(api)</inbound><outbound><base /><cache-store duration=\"30\" /></outbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /orders, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies><inbound>\(route)</inbound></policies>'}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        try write(
            """
            apiVersion: portcullis/v1
            kind: Product
            name: partners
            apis: [productcheck]
            policy: '<policies><inbound><base /><include-fragment fragment-id="partner-check" /></inbound></policies>'
            ---
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: partner-check
            policy: '<fragment>\(jwt("Authorization"))</fragment>'


            """, to: "defs/product.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("CA001") }.map { $0.replacingOccurrences(of: "shares cached responses between the callers of route", with: "shares") }
        XCTAssertEqual(
            found.sorted(),
            [
                "CA001 defs/bothremovedbefore.yaml: raw 'cache-lookup' in API 'bothremovedbefore' shares 'list-bothremovedbefore', whose token check reads their credentials outside 'Authorization', so APIM caches their requests",
                "CA001 defs/definitionsfirst.yaml: raw 'cache-lookup' in route 'definitionsfirst/list-definitionsfirst' shares 'list-definitionsfirst', whose 'Authorization' header a policy may remove before it, so APIM caches their requests",
                "CA001 defs/definitionsgiven.yaml: raw 'cache-lookup' in API 'definitionsgiven' shares 'list-definitionsgiven', whose token check reads their credentials outside 'Authorization', so APIM caches their requests",
                "CA001 defs/definitionsremove.yaml: raw 'cache-lookup' in route 'definitionsremove/list-definitionsremove' shares 'list-definitionsremove', whose 'Authorization' header a policy may remove before it, so APIM caches their requests",
                "CA001 defs/givenbetween.yaml: raw 'cache-lookup' in API 'givenbetween' shares 'list-givenbetween', whose token check reads their credentials outside 'Authorization', so APIM caches their requests",
                "CA001 defs/privateremoved.yaml: raw 'cache-lookup' in route 'privateremoved/list-privateremoved' shares 'list-privateremoved', which requires a token",
                "CA001 defs/privatereplaced.yaml: raw 'cache-lookup' in route 'privatereplaced/list-privatereplaced' shares 'list-privatereplaced', which requires a token",
                "CA001 defs/productcheck.yaml: raw 'cache-lookup' in API 'productcheck' shares 'list-productcheck', whose token check reads their credentials outside 'Authorization', so APIM caches their requests",
                "CA001 defs/removedbefore.yaml: raw 'cache-lookup' in API 'removedbefore' shares 'list-removedbefore', whose 'Authorization' header a policy may remove before it, so APIM caches their requests",
                "CA001 defs/somepathsbase.yaml: raw 'cache-lookup' in route 'somepathsbase/list-somepathsbase' shares 'list-somepathsbase', whose 'Authorization' header a policy may remove before it, so APIM caches their requests",
            ])
    }

    /// Writes the base gateway and, for each case, an API `name` of one public route whose
    /// policy holds the sections `route`, in a product of its own whose policy holds `product`.
    private func writeRoutesInProducts(_ cases: [(name: String, product: String, route: String)]) throws {
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        for (name, product, route) in cases {
            let example = RuleExample.api(
                name, fields: "auth: none\n",
                routes: "  - {id: list-\(name), method: GET, path: /orders, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies>\(route)</policies>'}\n")
            try write(example.text, to: "defs/\(name).yaml")
            try write("apiVersion: portcullis/v1\nkind: Product\nname: \(name)-partners\napis: [\(name)]\npolicy: '<policies>\(product)</policies>'\n", to: "defs/\(name)-product.yaml")
        }
    }

    /// A product's policy runs for that product's subscribers alone: a request with a
    /// subscription to all APIs or to the API alone, or with none, runs no product's
    /// policy, and meets the route's own first check first. Audit V16 found a product's
    /// check of `Authorization` taken for every caller's first check, where other callers
    /// met a check of `X-Tok` and APIM cached their requests (predates round 50); a store's
    /// key of a header only a product's check reads told callers apart for everyone. A
    /// product's check counts for its subscribers alone, where it runs (audit V17: one in
    /// its `on-error` withheld the relief of a later check of `Authorization`), and so does
    /// a product's lookup, or a store in a fragment only products include, which no other
    /// caller meets (audit V19).
    func testAProductsCheckIsMetByItsSubscribersAlone() throws {
        let jwt = { (header: String) in
            #"<validate-jwt header-name="\#(header)"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        }
        let lookup = #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false"><vary-by-header>Accept</vary-by-header></cache-lookup>"#
        let store = #"<cache-store-value key="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tok&quot;, &quot;&quot;))" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="30" />"#
        let cases: [(name: String, product: String, route: String)] = [
            ("firstcheck", "<inbound>\(jwt("Authorization"))<base /></inbound>", "<inbound><base />\(jwt("X-Tok"))\(lookup)</inbound><outbound><base /><cache-store duration=\"30\" /></outbound>"),
            ("bothauthorization", "<inbound>\(jwt("Authorization"))<base /></inbound>", "<inbound><base />\(jwt("Authorization"))\(lookup)</inbound><outbound><base /><cache-store duration=\"30\" /></outbound>"),
            ("storekey", "<inbound>\(jwt("X-Tok"))<base /></inbound>", "<inbound><base />\(jwt("Authorization"))</inbound><outbound><base />\(store)</outbound>"),
            ("storekeyeveryone", "<inbound><base /></inbound>", "<inbound><base />\(jwt("X-Tok"))</inbound><outbound><base />\(store)</outbound>"),
            // A product's lookup is met by its subscribers alone, and a route checked by a
            // product alone shares its subscribers' answers (audit V19).
            ("productlookup", "<inbound>\(jwt("Authorization"))\(lookup)<base /></inbound><outbound><base /><cache-store duration=\"30\" /></outbound>", "<inbound><base />\(jwt("X-Tok"))</inbound>"),
            ("productonly", "<inbound>\(jwt("X-Tok"))<base /></inbound>", "<inbound><base />\(lookup)</inbound><outbound><base /><cache-store duration=\"30\" /></outbound>"),
            // A fragment only a product's policy includes runs for its subscribers alone.
            ("productfragment", #"<inbound>\#(jwt("X-Tok"))<base /></inbound><outbound><base /><include-fragment fragment-id="keep-by-token" /></outbound>"#, "<inbound><base />\(jwt("Authorization"))</inbound>"),
            ("onerrorcheck", #"<inbound><base /></inbound><on-error><base /><include-fragment fragment-id="late-check" /></on-error>"#, "<inbound><base />\(jwt("X-Tok"))\(lookup)\(jwt("Authorization"))</inbound><outbound><base /><cache-store duration=\"30\" /></outbound>"),
        ]
        try writeRoutesInProducts(cases)
        try write("apiVersion: portcullis/v1\nkind: PolicyFragment\nname: late-check\npolicy: '<fragment>\(jwt("Authorization"))</fragment>'\n", to: "defs/late-check.yaml")
        try write("apiVersion: portcullis/v1\nkind: PolicyFragment\nname: keep-by-token\npolicy: '<fragment>\(store)</fragment>'\n", to: "defs/keep-by-token.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("CA001") }
        XCTAssertEqual(
            found.sorted(),
            [
                "CA001 defs/firstcheck.yaml: raw 'cache-lookup' in route 'firstcheck/list-firstcheck' shares cached responses between the callers of route 'list-firstcheck', whose token check reads their credentials outside 'Authorization', so APIM caches their requests",
                "CA001 defs/productonly.yaml: raw 'cache-lookup' in route 'productonly/list-productonly' shares cached responses between the callers of route 'list-productonly', whose token check reads their credentials outside 'Authorization', so APIM caches their requests",
                "CA001 defs/storekey.yaml: raw 'cache-store-value' in route 'storekey/list-storekey' keeps the answer to route 'list-storekey', which requires a token, under a key that does not tell its callers apart",
            ])
    }

    /// A product without `<base />` drops the gateway's policy for its own subscribers
    /// alone: every other caller still meets the gateway's statements. A gateway that
    /// replaces the header a route checked, before the route's store keyed on it, keeps one
    /// answer for every caller of no product (round 51: read as a way without the gateway,
    /// the key told callers apart).
    func testAProductWithoutBaseDropsTheGatewayForItsSubscribersAlone() throws {
        let jwt = #"<validate-jwt header-name="X-Tok"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let store = #"<cache-store-value key="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tok&quot;, &quot;&quot;))" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="30" />"#
        try write(
            RuleExample.baseGateway
                + #"policy: '<policies><inbound><set-header name="X-Tok" exists-action="override"><value>{{partner-secret}}</value></set-header></inbound></policies>'"# + "\n",
            to: "defs/gateway.yaml")
        let example = RuleExample.api(
            fields: "auth: none\n",
            routes: "  - {id: list-orders, method: GET, path: /orders, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies><inbound>\(jwt)<base /></inbound><outbound><base />\(store)</outbound></policies>'}\n")
        try write(example.text, to: "defs/orders.yaml")
        try write(
            Self.product("partners", apis: "orders", policy: #"<inbound><set-header name="X-Partner" exists-action="override"><value>1</value></set-header></inbound>"#),
            to: "defs/partners.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("CA001") },
            ["CA001 defs/orders.yaml: raw 'cache-store-value' in route 'orders/list-orders' keeps the answer to route 'list-orders', which requires a token, under a key that does not tell its callers apart"])
    }

    /// A policy that runs `<base />` in one branch only runs the broader policies for the
    /// requests that take it, and none for the others: rules read its way both through that
    /// `<base />` and past it, at the route's, the API's and a product's scope alike. Read
    /// past it alone, the gateway's replacement of the header each policy's check reads went
    /// unseen (audit V20 B3, older than round 51); read through it alone, the gateway's
    /// check would pass for requests that never meet it.
    func testABaseOnSomePathsOnlyIsReadBothWays() throws {
        let jwt = #"<validate-jwt header-name="X-Tok"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let somePaths = #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Region&quot;))"><base /></when></choose>"#
        try write(
            RuleExample.baseGateway
                + #"policy: '<policies><inbound><set-header name="X-Tok" exists-action="override"><value>@(context.Request.Url.Query.GetValueOrDefault(&quot;t&quot;,&quot;&quot;))</value></set-header></inbound></policies>'"# + "\n",
            to: "defs/gateway.yaml")
        let publicRoute = { (name: String, policy: String) in
            "  - {id: list-\(name), method: GET, path: /\(name), public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}\(policy)}\n"
        }
        let own = "<policies><inbound>\(somePaths)\(jwt)</inbound></policies>"
        try write(RuleExample.api("own", fields: "auth: none\n", routes: publicRoute("own", ", policy: '\(own)'")).text, to: "defs/own.yaml")
        try write(RuleExample.api("scoped", fields: "auth: none\npolicy: '\(own)'\n", routes: publicRoute("scoped", "")).text, to: "defs/scoped.yaml")
        try write(RuleExample.api("sold", fields: "auth: none\n", routes: publicRoute("sold", "")).text, to: "defs/sold.yaml")
        try write(Self.product("partners", apis: "sold", policy: "<inbound>\(somePaths)\(jwt)</inbound>"), to: "defs/partners.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("LP001") }.sorted(),
            ["own", "scoped", "sold"].map {
                "LP001 defs/\($0).yaml: raw 'set-header' in the gateway replaces the caller's token before the token check of route 'list-\($0)' reads it, so the check judges the gateway's credentials, not the caller's"
            })

        // Past it: the gateway's check leaves unchecked the requests that skip it.
        try write(RuleExample.baseGateway + "policy: '<policies><inbound>\(jwt)</inbound></policies>'\n", to: "defs/gateway.yaml")
        let unchecked = { (name: String, inbound: String) in
            "  - {id: list-\(name), method: GET, path: /\(name), policy: '<policies><inbound>\(inbound)</inbound></policies>'}\n"
        }
        try write(RuleExample.api("own", fields: "auth: none\n", routes: unchecked("own", somePaths) + unchecked("all", "<base />")).text, to: "defs/own.yaml")
        for name in ["scoped", "sold", "partners"] { try FileManager.default.removeItem(at: file("defs/\(name).yaml")) }
        XCTAssertEqual(try lintFindings().filter { $0.hasPrefix("LP001") }, ["LP001 defs/own.yaml: route 'list-own' accepts requests without a token and gives no reason"])

        // Through it, a branch that skips it is not taken: a product's answer there is met
        // by no request that meets the gateway's check (audit V21, a false error of the
        // round's first form).
        let answerOtherwise = #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Region&quot;))"><base /></when><otherwise><mock-response status-code="200" content-type="application/json" /></otherwise></choose>"#
        try write(RuleExample.api("own", fields: "auth: none\n", routes: publicRoute("own", "")).text, to: "defs/own.yaml")
        try write(Self.product("partners", apis: "own", policy: "<inbound>\(answerOtherwise)</inbound>"), to: "defs/partners.yaml")
        XCTAssertEqual(try lintFindings(status: 0).filter { $0.hasPrefix("LP001") }, [])

        // A product's `outbound` runs whichever way its subscribers took through `inbound`:
        // its store is judged where the API's `<base />` runs on some paths only (audit V21:
        // unjudged in the round's first form).
        let store = #"<cache-store-value key="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tok&quot;, &quot;&quot;))" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="30" />"#
        try write(RuleExample.baseGateway, to: "defs/gateway.yaml")
        try write(
            RuleExample.api("own", fields: "policy: '<policies><inbound>\(somePaths)</inbound></policies>'\n", routes: "  - {id: list-own, method: GET, path: /own, scopes: [orders.read]}\n").text,
            to: "defs/own.yaml")
        try write(Self.product("partners", apis: "own", policy: "<inbound>\(jwt)<base /></inbound><outbound><base />\(store)</outbound>"), to: "defs/partners.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("CA001") },
            ["CA001 defs/partners.yaml: raw 'cache-store-value' in product 'partners' keeps the answer to route 'list-own', which requires a token, under a key that does not tell its callers apart"])

        // Nor is the header it keeps answers by the caller's where the requests that skip the
        // API's `<base />` have it replaced there (the round's re-reading: that way was left
        // out of what is replaced, though its callers judge the store).
        let replacedOtherwise = #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Region&quot;))"><base /></when><otherwise><set-header name="X-Tok" exists-action="override"><value>@(context.Request.Url.Query.GetValueOrDefault(&quot;t&quot;,&quot;&quot;))</value></set-header></otherwise></choose>"#
        try write(
            RuleExample.api("own", fields: "auth: none\npolicy: '<policies><inbound>\(replacedOtherwise)</inbound></policies>'\n", routes: publicRoute("own", ", policy: '<policies><inbound><base />\(jwt)</inbound></policies>'")).text,
            to: "defs/own.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("CA001") },
            ["CA001 defs/partners.yaml: raw 'cache-store-value' in product 'partners' keeps the answer to route 'list-own', which requires a token, under a key that does not tell its callers apart"])
    }

    /// Writes a gateway whose policy replaces `X-Tok` with the caller's query parameter `t`,
    /// and a public route `sold/list-sold`; returns a token check of `X-Tok`, which after
    /// the gateway's policy judges the gateway's value.
    private func writeAGatewayReplacingXTokBeforeAPublicRoute() throws -> String {
        try write(
            RuleExample.baseGateway
                + #"policy: '<policies><inbound><set-header name="X-Tok" exists-action="override"><value>@(context.Request.Url.Query.GetValueOrDefault(&quot;t&quot;,&quot;&quot;))</value></set-header></inbound></policies>'"# + "\n",
            to: "defs/gateway.yaml")
        try write(
            RuleExample.api("sold", fields: "auth: none\n", routes: "  - {id: list-sold, method: GET, path: /sold, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}}\n").text,
            to: "defs/sold.yaml")
        return #"<validate-jwt header-name="X-Tok"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
    }

    /// Read through a `<base />` on some paths, a branch that runs it and answers passes no
    /// request on: a product's check after it was read as meeting the gateway's replacement
    /// of the header it reads (audit V21, a false error). A branch that may go on does.
    func testABranchThatRunsBaseAndAnswersPassesNoRequestOn() throws {
        let jwt = try writeAGatewayReplacingXTokBeforeAPublicRoute()
        let branch = { (after: String) in
            #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-A&quot;))"><base />\#(after)</when></choose>"#
        }
        let answer = #"<return-response><set-status code="200" reason="OK" /></return-response>"#
        try write(Self.product("partners", apis: "sold", policy: "<inbound>\(branch(answer))\(jwt)</inbound>"), to: "defs/partners.yaml")
        XCTAssertEqual(try lintFindings(status: 0).filter { $0.hasPrefix("LP001") }, [])
        let maybe = #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-B&quot;))">\#(answer)</when></choose>"#
        try write(Self.product("partners", apis: "sold", policy: "<inbound>\(branch(maybe))\(jwt)</inbound>"), to: "defs/partners.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("LP001") },
            ["LP001 defs/sold.yaml: raw 'set-header' in the gateway replaces the caller's token before the token check of route 'list-sold' reads it, so the check judges the gateway's credentials, not the caller's"])
    }

    /// A `limit-concurrency` runs what it holds once, as a `retry` does before any retry:
    /// a `<base />` in it runs the broader policies there, before the check after it. Read
    /// whole before them, the gateway's replacement of the header the check reads passed
    /// (audit V21).
    func testABaseInsideLimitConcurrencyRunsTheBroaderPoliciesThere() throws {
        let jwt = try writeAGatewayReplacingXTokBeforeAPublicRoute()
        try write(Self.product("partners", apis: "sold", policy: #"<inbound><limit-concurrency key="partners" max-count="10"><base />\#(jwt)</limit-concurrency></inbound>"#), to: "defs/partners.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("LP001") },
            ["LP001 defs/sold.yaml: raw 'set-header' in the gateway replaces the caller's token before the token check of route 'list-sold' reads it, so the check judges the gateway's credentials, not the caller's"])
    }

    /// A product's statements are on its own subscribers' way alone, in a fragment it
    /// includes too (audit V20): a product's limit in a fragment stopped RL001's walk for
    /// every caller, hiding an API's call before the API's limit; another product's
    /// replacement of the header a product checks counted against that product's store,
    /// and another product's removal of `Authorization` against its lookup (two false
    /// errors older than round 51).
    func testAnotherProductsStatementsAreNotOnAProductsWay() throws {
        let jwt = { (header: String) in
            #"<validate-jwt header-name="\#(header)"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        }
        let limit = #"<rate-limit-by-key calls="100" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#
        let call = #"<send-request mode="new" response-variable-name="stock"><set-url>https://stock.example.com/levels</set-url></send-request>"#
        let store = #"<cache-store-value key="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tok&quot;, &quot;&quot;))" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="30" />"#
        let lookup = #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false"><vary-by-header>Accept</vary-by-header></cache-lookup>"#
        let route = { (name: String, inbound: String) in
            "  - {id: list-\(name), method: GET, path: /orders, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies><inbound><base />\(inbound)</inbound></policies>'}\n"
        }
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(RuleExample.api("limited", fields: "rateLimit: none", rawInbound: call + limit, routes: "  - {id: list-limited, method: GET, path: /orders, scopes: [orders.read]}\n").text, to: "defs/limited.yaml")
        try write(RuleExample.api("stored", fields: "auth: none\n", routes: route("stored", jwt("Authorization"))).text, to: "defs/stored.yaml")
        try write(RuleExample.api("looked", fields: "auth: none\n", routes: route("looked", jwt("X-Tok"))).text, to: "defs/looked.yaml")
        func product(_ name: String, _ api: String, _ policy: String) -> String {
            "apiVersion: portcullis/v1\nkind: Product\nname: \(name)\napis: [\(api)]\npolicy: '<policies>\(policy)</policies>'\n---\n"
        }
        try write(
            product("limiting", "limited", #"<inbound><include-fragment fragment-id="partner-limit" /><base /></inbound>"#)
                + product("storing", "stored", "<inbound>\(jwt("X-Tok"))<base /></inbound><outbound><base />\(store)</outbound>")
                + product("replacing", "stored", #"<inbound><set-header name="X-Tok" exists-action="override"><value>@(context.Request.Url.Query.GetValueOrDefault(&quot;t&quot;,&quot;&quot;))</value></set-header><base /></inbound>"#)
                + product("looking", "looked", "<inbound>\(jwt("Authorization"))<base />\(lookup)</inbound><outbound><base /><cache-store duration=\"30\" /></outbound>")
                + product("removing", "looked", #"<inbound><base /><set-header name="Authorization" exists-action="delete" /></inbound>"#)
                + "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: partner-limit\npolicy: '<fragment>\(limit)</fragment>'\n",
            to: "defs/products.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("RL001") || $0.hasPrefix("CA001") }
        XCTAssertEqual(
            found,
            ["RL001 defs/limited.yaml: route 'list-limited' is limited only by raw 'rate-limit-by-key' in API 'limited', and raw 'send-request' in API 'limited' runs before it, so its calls go uncounted"])
    }

    /// A product's check stops a walk to the token check for that product's subscribers
    /// alone: the callers of no product meet the route's answer, or its replacement of the
    /// header its check reads, before any check (round 51; both were hidden by a product's
    /// check of `Authorization` before `<base />`). A product without a check leaves them
    /// as they were.
    func testAProductsCheckHidesNothingFromTheCallersOfNoProduct() throws {
        let jwt = { (header: String) in
            #"<validate-jwt header-name="\#(header)"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        }
        let answer = #"<send-request mode="new" response-variable-name="kept"><set-url>https://orders.example.com/orders</set-url><authentication-managed-identity resource="api://orders" /></send-request><return-response response-variable-name="kept" />"#
        let replace = #"<set-header name="X-Tok" exists-action="override"><value>{{partner-secret}}</value></set-header>"#
        let cases: [(name: String, product: String, route: String)] = [
            ("answer", jwt("Authorization") + "<base />", "<base />" + answer + jwt("X-Tok")),
            ("replaced", jwt("Authorization") + "<base />", "<base />" + replace + jwt("X-Tok")),
            ("answernocheck", "<base />", "<base />" + answer + jwt("X-Tok")),
            ("answerafter", jwt("Authorization") + "<base />", "<base />" + jwt("X-Tok") + answer),
        ]
        try writeRoutesInProducts(cases.map { ($0.name, "<inbound>\($0.product)</inbound>", "<inbound>\($0.route)</inbound>") })
        let found = try lintFindings().filter { $0.hasPrefix("LP001") }
        XCTAssertEqual(
            found.sorted(),
            [
                "LP001 defs/answer.yaml: raw 'return-response' in route 'answer/list-answer' may answer requests of route 'list-answer' before its token check, so callers need no token",
                "LP001 defs/answernocheck.yaml: raw 'return-response' in route 'answernocheck/list-answernocheck' may answer requests of route 'list-answernocheck' before its token check, so callers need no token",
                "LP001 defs/replaced.yaml: raw 'set-header' in route 'replaced/list-replaced' replaces the caller's token before the token check of route 'list-replaced' reads it, so the check judges the gateway's credentials, not the caller's",
            ])
    }

    /// A failed token check goes on to `on-error`; a raw `on-error` that answers there with
    /// another call's response, or sends the request on, served callers without a valid
    /// token while lint stayed clean (found by an audit). An answer written out, and a new
    /// request (an alert), are fine.
    func testAnOnErrorThatServesAFailedTokenCheckIsLP001() throws {
        let replay = #"<send-request mode="copy" response-variable-name="copied"><set-url>https://orders.example.com/orders</set-url></send-request><return-response response-variable-name="copied" />"#
        func when(_ source: String, _ body: String) -> String { #"<choose><when condition="@(context.LastError.Source == &quot;\#(source)&quot;)">\#(body)</when></choose>"# }
        let cases: [(name: String, onError: String)] = [
            ("replayed", replay),
            ("forwarded", "<forward-request />"),
            ("kept", #"<return-response response-variable-name="earlier" />"#),
            ("jwtbranch", when("validate-jwt", replay)),
            // A limit refused before the token check goes to 'on-error' too (found by the
            // audit of the fix, which first spared branches for other statements' errors).
            ("quotabranch", when("quota", replay)),
            // The backend call's error comes after every check in 'inbound': Microsoft's
            // sample replays the request then (audit V69).
            ("backendbranch", when("forward-request", replay)),
            ("backendorjwt", #"<choose><when condition="@(context.LastError.Source == &quot;forward-request&quot; || context.LastError.Source == &quot;validate-jwt&quot;)">\#(replay)</when></choose>"#),
            ("backendand", #"<choose><when condition="@((context.LastError.Source == &quot;forward-request&quot;) &amp;&amp; context.Response.StatusCode &gt;= 500)">\#(replay)</when></choose>"#),
            // A test of the test, a single '|', or the test in a comment holds for other
            // errors too (audit V71).
            ("backendfalse", #"<choose><when condition="@(context.LastError.Source == &quot;forward-request&quot; == false)">\#(replay)</when></choose>"#),
            ("backendnot", #"<choose><when condition="@(!context.LastError.Source.Equals(&quot;forward-request&quot;))">\#(replay)</when></choose>"#),
            ("backendbar", #"<choose><when condition="@(context.LastError.Source == &quot;forward-request&quot; | context.LastError.Source.Length &gt; 0)">\#(replay)</when></choose>"#),
            ("backendcomment", #"<choose><when condition="@(true /* context.LastError.Source == &quot;forward-request&quot; */)">\#(replay)</when></choose>"#),
            // A verbatim string's backslash closes it, and `? .5` is a choice (audit V73).
            ("backendverbatim", #"<choose><when condition="@(context.LastError.Source == &quot;forward-request&quot; &amp;&amp; @&quot;\&quot; != null || true)">\#(replay)</when></choose>"#),
            ("backendchoice", #"<choose><when condition="@(context.LastError.Source == &quot;forward-request&quot; &amp;&amp; true ? .5 &gt; 0 : true)">\#(replay)</when></choose>"#),
            // A single '&' joins booleans as '&&' does, and a URL's '//' is no comment.
            // A directive that leaves lines out hides the test from C# (audit V74); a
            // nullable type's '?' is no choice.
            ("backenddirective", "<choose><when condition=\"@(true\n#if false\n&amp;&amp; context.LastError.Source == &quot;forward-request&quot; &amp;&amp;\n#endif\n)\">\(replay)</when></choose>"),
            ("backendnullable", #"<choose><when condition="@(context.LastError.Source == &quot;forward-request&quot; &amp;&amp; context.Variables.GetValueOrDefault&lt;int?&gt;(&quot;retries&quot;) &lt; 3)">\#(replay)</when></choose>"#),
            ("backendsingle", #"<choose><when condition="@(context.LastError.Source == &quot;forward-request&quot; &amp; context.Request.Url.Host != &quot;https://x&quot;)">\#(replay)</when></choose>"#),
            ("oneway", #"<send-one-way-request mode="copy"><set-url>https://orders.example.com/orders</set-url></send-one-way-request>"#),
            ("computedmode", #"<send-request mode="@(&quot;copy&quot;)" response-variable-name="r"><set-url>https://orders.example.com/orders</set-url></send-request>"#),
            ("newrequest", #"<send-request mode="new" response-variable-name="r"><set-url>https://alerts.example.com/errors</set-url></send-request>"#),
            ("written", #"<return-response><set-status code="500" reason="Error" /><set-body>@(context.LastError.Message)</set-body></return-response>"#),
            // An answer whose body is a variable's: a value cached by earlier callers, or
            // another call's response (found by an audit: only 'response-variable-name' was read).
            ("lastgood", #"<cache-lookup-value key="orders-last-good" variable-name="lastGood" /><return-response><set-status code="200" reason="OK" /><set-body>@((string)context.Variables[&quot;lastGood&quot;])</set-body></return-response>"#),
            ("fetched", #"<send-request mode="new" response-variable-name="fallback"><set-url>https://orders.example.com/orders</set-url><authentication-managed-identity resource="api://orders" /></send-request><return-response><set-body>@(((IResponse)context.Variables[&quot;fallback&quot;]).Body.As&lt;string&gt;())</set-body></return-response>"#),
            ("liquid", #"<return-response><set-body template="liquid">{{context.Variables.lastGood}}</set-body></return-response>"#),
            // Read typed in a block (audit V51: a block lost the typed reading).
            // A cast of a part of the answer is data still (audit V58: a character's code).
            ("castpart", #"<send-request mode="new" response-variable-name="fallback"><set-url>https://orders.example.com/orders</set-url><authentication-managed-identity resource="api://orders" /></send-request><return-response><set-status code="200" reason="OK" /><set-body>@(((int)context.Variables.GetValueOrDefault&lt;IResponse&gt;(&quot;fallback&quot;).Body.As&lt;string&gt;()[0]).ToString())</set-body></return-response>"#),
            ("typedblock", #"<send-request mode="new" response-variable-name="fallback"><set-url>https://orders.example.com/orders</set-url><authentication-managed-identity resource="api://orders" /></send-request><return-response><set-body>@{ IResponse o; context.Variables.TryGetValue&lt;IResponse&gt;(&quot;fallback&quot;, out o); return o.Body.As&lt;string&gt;(); }</set-body></return-response>"#),
            // A header carries a cached value as a body does (found by the next audit).
            ("header", #"<cache-lookup-value key="orders-last-good" variable-name="lastGood" /><return-response><set-status code="200" reason="OK" /><set-header name="X-Orders" exists-action="override"><value>@((string)context.Variables[&quot;lastGood&quot;])</value></set-header></return-response>"#),
            ("refusedheader", #"<return-response><set-status code="503" reason="Unavailable" /><set-header name="Retry-After" exists-action="override"><value>@((string)context.Variables[&quot;retry&quot;])</value></set-header></return-response>"#),
            // A sign-in redirect, and Microsoft's pattern that echoes the failed call's status
            // with a correlation id (found by the audit of the change).
            ("redirect", #"<return-response><set-status code="302" reason="Found" /><set-header name="Location" exists-action="override"><value>@($&quot;/signin?to={(string)context.Variables[&quot;redirect&quot;]}&quot;)</value></set-header></return-response>"#),
            ("echoed", #"<return-response><set-status code="@(context.Response.StatusCode)" reason="Error" /><set-header name="X-Correlation-Id" exists-action="override"><value>@((string)context.Variables[&quot;correlation&quot;])</value></set-header><set-body>@(context.LastError.Message)</set-body></return-response>"#),
            // The section's own statements shape the answer too: a success written out with
            // a cached body serves the caller; a message under the failed call's status does
            // not (found by the audit of the change).
            ("section", #"<cache-lookup-value key="orders-last-good" variable-name="lastGood" /><set-status code="200" reason="OK" /><set-body>@((string)context.Variables[&quot;lastGood&quot;])</set-body>"#),
            ("sectionmessage", #"<set-body>@((string)context.Variables[&quot;message&quot;])</set-body>"#),
            // The same through a fragment the section includes (found by an audit), where
            // the fragment writes the success or the section does.
            ("sectionfragment", #"<include-fragment fragment-id="serve-last-good" />"#),
            ("statusfragment", #"<set-status code="200" reason="OK" /><include-fragment fragment-id="last-good-body" />"#),
            ("messagefragment", #"<include-fragment fragment-id="last-good-body" />"#),
            // One branch runs: a refusal in another does not keep this one from serving
            // (the audit of the change).
            ("branchfragment", #"<choose><when condition="@(context.LastError.Source == &quot;validate-jwt&quot;)"><include-fragment fragment-id="serve-last-good" /></when><otherwise><set-status code="500" reason="Error" /></otherwise></choose>"#),
            // A 'return-response' ends its way with its own answer; a status an expression
            // writes as a number is read (the audit of the fixes).
            ("returned", #"<cache-lookup-value key="orders-last-good" variable-name="lastGood" /><choose><when condition="@(context.LastError.Source == &quot;backend&quot;)"><set-status code="200" reason="OK" /><return-response><set-status code="401" reason="Unauthorized" /></return-response></when><otherwise><set-status code="401" reason="Unauthorized" /></otherwise></choose><set-body>@((string)context.Variables[&quot;lastGood&quot;])</set-body>"#),
            ("expressionstatus", #"<cache-lookup-value key="orders-last-good" variable-name="lastGood" /><set-status code="@(200)" reason="OK" /><set-body>@((string)context.Variables[&quot;lastGood&quot;])</set-body>"#),
            ("branchrefused", #"<choose><when condition="@(context.LastError.Source == &quot;validate-jwt&quot;)"><include-fragment fragment-id="serve-last-good" /><set-status code="503" reason="Unavailable" /></when></choose>"#),
        ]
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let body = #"<set-body>@((string)context.Variables[&quot;lastGood&quot;])</set-body>"#
        try write(
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: serve-last-good\npolicy: '<fragment><cache-lookup-value key=\"orders-last-good\" variable-name=\"lastGood\" /><set-status code=\"200\" reason=\"OK\" />\(body)</fragment>'\n"
                + "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: last-good-body\npolicy: '<fragment>\(body)</fragment>'\n",
            to: "defs/fragments.yaml")
        for (name, onError) in cases {
            let example = RuleExample.api(
                name, fields: "",
                routes: "  - {id: call-\(name), method: POST, path: /orders, scopes: [orders.write], policy: '<policies><inbound><base /></inbound><on-error><base />\(onError)</on-error></policies>'}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        let found = try lintFindings().filter { $0.hasPrefix("LP001") }
        for open in ["replayed", "forwarded", "kept", "jwtbranch", "quotabranch", "backendorjwt", "backendfalse", "backendnot", "backendbar", "backendcomment", "backendverbatim", "backendchoice", "backenddirective", "oneway", "computedmode", "lastgood", "fetched", "liquid", "typedblock", "castpart", "header", "section", "sectionfragment", "statusfragment", "branchfragment", "expressionstatus"] {
            XCTAssertTrue(
                found.contains { $0.hasPrefix("LP001 defs/\(open).yaml: raw '") && $0.contains("in the 'on-error' of route '\(open)/call-\(open)'") },
                "\(open):\n" + found.joined(separator: "\n"))
        }
        // The section's own answer is no request sent on (the audit of the change).
        XCTAssertTrue(
            found.contains("LP001 defs/section.yaml: raw 'set-body' in the 'on-error' of route 'section/call-section' writes a value kept from another call into the answer when a request of route 'call-section' fails its token check, so callers need no valid token"),
            found.joined(separator: "\n"))
        for closed in ["written", "newrequest", "refusedheader", "redirect", "echoed", "sectionmessage", "messagefragment", "branchrefused", "returned", "backendbranch", "backendand", "backendsingle", "backendnullable"] {
            XCTAssertFalse(found.contains { $0.contains("defs/\(closed).yaml") }, found.joined(separator: "\n"))
        }
    }

    /// A fragment included in `on-error` that refuses with a correlation id from a variable
    /// crashed the lint: the search through fragments asked each statement twice, and the
    /// second time, the fragment marked as visited, found nothing (found by an audit of the
    /// change). Such a refusal (a status of 400 or more) is no answer of data either.
    func testAnOnErrorFragmentThatRefusesWithAVariableIsReadWithoutCrashing() throws {
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(
            #"apiVersion: portcullis/v1\#nkind: PolicyFragment\#nname: error-body\#npolicy: '<fragment><return-response><set-status code="500" reason="Error" /><set-body>@((string)context.Variables["correlationId"])</set-body></return-response></fragment>'\#n"#,
            to: "defs/fragment.yaml")
        let example = RuleExample.api(
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], policy: '<policies><inbound><base /></inbound><on-error><base /><include-fragment fragment-id=\"error-body\" /></on-error></policies>'}\n")
        try write(example.text, to: "defs/orders.yaml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
    }

    /// A stricter raw check counted as closing a write route wherever it sat: in a product's
    /// policy (which runs only for that product's subscribers), in a fragment included
    /// inside a `choose`, or in an API's policy that the route's own policy skips by leaving
    /// `<base />` out (found by an audit). It closes the route only where it runs on every
    /// request: at the top of the route's, its API's or the gateway's inbound, or of a
    /// fragment included there.
    func testAStricterCheckClosesAWriteRouteOnlyWhereItRunsOnEveryRequest() throws {
        func check(_ scope: String) -> String {
            #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>\#(scope)</value></claim></required-claims></validate-jwt>"#
        }
        let (loose, strict) = (check("orders.read"), check("orders.write"))
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: strict\npolicy: '<fragment>\(strict)</fragment>'\n",
            to: "defs/fragment.yaml")
        try write(
            "apiVersion: portcullis/v1\nkind: Product\nname: strict\napis: [product]\npolicy: '<policies><inbound><base />\(strict)</inbound></policies>'\n",
            to: "defs/product.yaml")
        let route = { (name: String, policy: String) in
            "  - {id: call-\(name), method: POST, path: /orders, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}\(policy)}\n"
        }
        let apis: [(name: String, api: String, route: String)] = [
            ("product", loose, ""),
            ("branch", loose + #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Strict&quot;))"><include-fragment fragment-id="strict" /></when></choose>"#, ""),
            ("skipped", strict, ", policy: '<policies><inbound>\(loose)</inbound></policies>'"),
            ("included", loose + #"<include-fragment fragment-id="strict" />"#, ""),
            ("inherited", strict, ", policy: '<policies><inbound><base />\(loose)</inbound></policies>'"),
        ]
        for (name, statements, policy) in apis {
            let example = RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound><base />\(statements)</inbound></policies>'\n", routes: route(name, policy))
            try write(example.text, to: "defs/\(name).yaml")
        }
        let found = try lintFindings().filter { $0.hasPrefix("LP003") }
        for open in ["product", "branch", "skipped"] {
            XCTAssertTrue(found.contains { $0.hasPrefix("LP003 defs/\(open).yaml: POST route 'call-\(open)' accepts a token holding only the read scope") }, "\(open):\n" + found.joined(separator: "\n"))
        }
        for closed in ["included", "inherited"] {
            XCTAssertFalse(found.contains { $0.contains("'call-\(closed)'") }, found.joined(separator: "\n"))
        }
    }

    /// A raw `validate-jwt` whose claims ask `scope` (`any` of them), with `extra` claims.
    private func scopeCheck(_ scopes: [String], separator: String = " ", _ extra: String = "") -> String {
        let values = scopes.map { "<value>\($0)</value>" }.joined()
        return #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any" separator="\#(separator)">\#(values)</claim>\#(extra)</required-claims></validate-jwt>"#
    }

    /// One API per entry, without `auth`, whose API policy runs `api` after `<base />` and
    /// whose one POST route's policy runs `route` after it.
    private func writeWriteRoutes(_ entries: [(name: String, api: String, route: String)]) throws {
        for (name, api, route) in entries {
            let example = RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound><base />\(api)</inbound></policies>'\n",
                routes: "  - {id: call-\(name), method: POST, path: /orders, public: Partners bring their own tokens, rateLimit: {calls: 10, per: 1s, key: ip}, policy: '<policies><inbound><base />\(route)</inbound></policies>'}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
    }

    /// A claim beside the scopes whose values are no declared scope (`idtyp`, `azp`) made
    /// LP003 take the check for one asking more, though a read-only user token meets it:
    /// APIM asks a token for every claim (found by an audit). A claim naming a declared
    /// write scope still asks more, and so does a permission claim's value no scope declares
    /// (an app role, a group): it may grant the write.
    func testAClaimOfNoDeclaredScopeLeavesAReadOnlyTokenThrough() throws {
        let both = ["orders.read", "orders.write"]
        try writeWriteRoutes([
            ("typed", "", scopeCheck(both, #"<claim name="idtyp"><value>user</value></claim>"#)),
            ("client", "", scopeCheck(both, #"<claim name="azp"><value>client-id</value></claim>"#)),
            ("writing", "", scopeCheck(both, #"<claim name="roles"><value>orders.write</value></claim>"#)),
            ("approle", "", scopeCheck(both, #"<claim name="roles"><value>Orders.Admin</value></claim>"#)),
            // The reference's `group` claim asks more; a custom claim, or a flag every user's
            // token carries, asks nothing LP003 can tell (the last audit of the round found a
            // harmless claim added hid the write).
            ("group", "", scopeCheck(both, #"<claim name="group" match="any"><value>finance</value><value>logistics</value></claim>"#)),
            ("custom", "", scopeCheck(both, #"<claim name="create"><value>true</value></claim>"#)),
            ("verified", "", scopeCheck(both, #"<claim name="email_verified"><value>true</value></claim>"#)),
        ])
        let found = try lintFindings().filter { $0.hasPrefix("LP003") }
        XCTAssertContainsEach(found, [
            "LP003 defs/typed.yaml: POST route 'call-typed' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in route 'typed/call-typed'",
            "LP003 defs/client.yaml: POST route 'call-client' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in route 'client/call-client'",
        ])
        XCTAssertContainsEach(found, [
            "LP003 defs/custom.yaml: POST route 'call-custom' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in route 'custom/call-custom'",
            "LP003 defs/verified.yaml: POST route 'call-verified' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in route 'verified/call-verified'",
        ])
        XCTAssertFalse(
            found.contains { line in ["call-writing", "call-approle", "call-group"].contains { line.contains($0) } }, found.joined(separator: "\n"))
    }

    /// A stricter check of a token the gateway gives itself (its managed identity's, read
    /// from a variable) kept a write route closed to read-only callers, though it judges
    /// no caller: LP001 already takes no such check for one (found by an audit).
    func testACheckOfTheGatewaysOwnTokenKeepsNoReadOnlyCallerOut() throws {
        let given = #"<authentication-managed-identity resource="api://orders" output-token-variable-name="msi" /><validate-jwt token-value="@((string)context.Variables[&quot;msi&quot;])"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>orders.write</value></claim></required-claims></validate-jwt>"#
        try writeWriteRoutes([
            ("given", scopeCheck(["orders.read"]), given),
            ("callers", scopeCheck(["orders.read"]), scopeCheck(["orders.write"])),
        ])
        let found = try lintFindings().filter { $0.hasPrefix("LP003") }
        XCTAssertContainsEach(found, [
            "LP003 defs/given.yaml: POST route 'call-given' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'given'"
        ])
        XCTAssertFalse(found.contains { $0.contains("call-callers") }, found.joined(separator: "\n"))
    }

    /// The CORS preflight idiom, a `choose` that answers `OPTIONS` and checks the token
    /// otherwise, in the API's policy and, asking a write scope, in a POST route's: LP003
    /// reported the route, reading only the top of `inbound`, though a POST never takes the
    /// `OPTIONS` branch (found by an audit). The check in the branch of another method
    /// guards nothing.
    func testAStricterCheckBesideAPreflightAnswerClosesAWriteRoute() throws {
        func preflight(_ check: String, method: String = "OPTIONS") -> String {
            #"<choose><when condition="@(context.Request.Method == &quot;\#(method)&quot;)"><return-response><set-status code="204" /></return-response></when><otherwise>\#(check)</otherwise></choose>"#
        }
        let loose = preflight(scopeCheck(["orders.read", "orders.write"]))
        try writeWriteRoutes([
            ("preflight", loose, preflight(scopeCheck(["orders.write"]))),
            ("posted", loose, #"<choose><when condition="@(context.Request.Method == &quot;PUT&quot;)">\#(scopeCheck(["orders.write"]))</when></choose>"#),
        ])
        let found = try lintFindings(status: 1).filter { $0.hasPrefix("LP003") || $0.hasPrefix("LP001") }
        XCTAssertFalse(found.contains { $0.contains("call-preflight") }, found.joined(separator: "\n"))
        XCTAssertContainsEach(found, [
            "LP003 defs/posted.yaml: POST route 'call-posted' accepts a token holding only the read scope 'orders.read' through raw 'validate-jwt' in API 'posted'"
        ])
    }

    /// A read route whose policy sends a new request, given the caller's `Authorization`,
    /// with a write method linted clean where a copy of the request is LP003: it carries
    /// what the copy would (found by an audit). One given the gateway's own credentials, or
    /// a new request carrying none, is no write of the caller's.
    func testANewRequestGivenTheCallersTokenAsAWriteIsLP003() throws {
        let callers = #"<set-header name="Authorization" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("Authorization",""))</value></set-header>"#
        let gateways = #"<set-header name="Authorization" exists-action="override"><value>Bearer {{backend-token}}</value></set-header>"#
        func sent(_ header: String, in section: String = "inbound", method: String = "DELETE") -> String {
            let sender = #"<send-one-way-request mode="new"><set-url>https://orders.example.com/orders</set-url><set-method>\#(method)</set-method>\#(header)</send-one-way-request>"#
            return section == "inbound" ? "<policies><inbound><base />\(sender)</inbound></policies>" : "<policies><inbound><base /></inbound><outbound><base />\(sender)</outbound></policies>"
        }
        // A new POST with the caller's token is the most common write, though an external
        // authorizer is asked so too (the last audit of the round weighed the two).
        let routes = [("handed", sent(callers)), ("later", sent(callers, in: "outbound")), ("own", sent(gateways)), ("bare", sent("")), ("asked", sent(callers, method: "POST"))].map { id, policy in
            "  - {id: \(id), method: GET, path: /\(id), scopes: [orders.read], policy: '\(policy)'}\n"
        }
        try write(RuleExample.baseGateway + "namedValues:\n  backend-token: not-a-secret-here\n", to: "defs/gateway.yaml")
        try write(RuleExample.api(routes: routes.joined()).text, to: "defs/orders.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("LP003") }
        XCTAssertContainsEach(found, [
            "LP003 defs/orders.yaml: GET route 'handed', whose caller's credentials raw 'send-one-way-request' in route 'orders/handed' sends on in a write, accepts the read scope 'orders.read'",
            "LP003 defs/orders.yaml: GET route 'later', whose caller's credentials raw 'send-one-way-request' in route 'orders/later' sends on in a write, accepts the read scope 'orders.read'",
            "LP003 defs/orders.yaml: GET route 'asked', whose caller's credentials raw 'send-one-way-request' in route 'orders/asked' sends on in a write, accepts the read scope 'orders.read'",
        ])
        XCTAssertFalse(found.contains { $0.contains("'own'") || $0.contains("'bare'") }, found.joined(separator: "\n"))
    }

    /// A scope that only raw token checks require was reported as one no route requires
    /// (found by an audit): a raw check's `required-claims` use it as much as `scopes` do.
    func testAScopeOnlyARawCheckRequiresIsUsed() throws {
        try writeWriteRoutes([("admin", "", scopeCheck(["orders.admin"]))])
        try write(RuleExample.api("orders", routes: "  - {id: read, method: GET, path: /r, scopes: [orders.read]}\n  - {id: write, method: POST, path: /w, scopes: [orders.write]}\n").text, to: "defs/orders.yaml")
        let found = try lintFindings(status: 0).filter { $0.hasPrefix("LP006") }
        XCTAssertEqual(found, [], found.joined(separator: "\n"))
    }

    /// A Dapr topic's message or an output binding's call carrying the caller's body, sent
    /// before `<base />` and the API's token check, linted clean where the same through
    /// `send-one-way-request mode="new"` is LP001: each sends what it is given on before any
    /// check (found by an audit). One whose content is written out carries nothing of the
    /// caller's.
    func testADaprMessageOfTheCallersBodyBeforeTheTokenCheckIsLP001() throws {
        let body = "@(context.Request.Body.As&lt;string&gt;(preserveContent: true))"
        let senders = [
            ("published", #"<publish-to-dapr pubsub-name="orders" topic="new">\#(body)</publish-to-dapr>"#),
            ("bound", #"<invoke-dapr-binding name="orders-queue" operation="create"><data>\#(body)</data></invoke-dapr-binding>"#),
            ("written", #"<publish-to-dapr pubsub-name="orders" topic="ping">ping</publish-to-dapr>"#),
            // A Service Bus message (audit V83: the statement was PX002).
            ("queued", #"<send-service-bus-message queue-name="orders" namespace="orders.servicebus.windows.net"><payload>\#(body)</payload></send-service-bus-message>"#),
        ]
        for (name, sender) in senders {
            let example = RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound>\(sender)<base />\(scopeCheck(["orders.read"]))</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /orders, rateLimit: {calls: 10, per: 1s, key: ip}}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        let found = try lintFindings().filter { $0.hasPrefix("LP001") }
        XCTAssertContainsEach(found, [
            "LP001 defs/published.yaml: raw 'publish-to-dapr' in API 'published' sends what requests of route 'list-published' carry on before its token check, so requests without a token reach where it sends them",
            "LP001 defs/bound.yaml: raw 'invoke-dapr-binding' in API 'bound' sends what requests of route 'list-bound' carry on before its token check, so requests without a token reach where it sends them",
            "LP001 defs/queued.yaml: raw 'send-service-bus-message' in API 'queued' sends what requests of route 'list-queued' carry on before its token check, so requests without a token reach where it sends them",
        ])
        XCTAssertFalse(try lintFindings().contains { $0.hasPrefix("PX002") })
        XCTAssertFalse(found.contains { $0.contains("written") }, found.joined(separator: "\n"))
    }

    /// A route whose callers are checked by raw XML (no 'auth') got the generated cache
    /// shared between them, with no finding: one partner's answer served to another, and
    /// with the check after '<base />', to callers without credentials (found by an audit
    /// against Microsoft's policy reference). It is CA001, as on a route with 'auth'.
    func testARouteCheckedByRawXMLDoesNotShareItsCacheInSilence() throws {
        let checks = [
            "certificate": #"<validate-client-certificate validate-trust="true"><identities><identity issuer-certificate-id="partner-ca" /></identities></validate-client-certificate>"#,
            "header": #"<validate-jwt header-name="X-Api-Token"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp"><value>a</value></claim></required-claims></validate-jwt>"#,
        ]
        for (name, check) in checks {
            let example = RuleExample.api(
                name,
                routes: """
                  - id: get-\(name)
                    method: GET
                    path: /account
                    auth: none
                    public: Partners are checked by the raw policy
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    cache: {ttl: 30s}
                    policy: '<policies><inbound><base />\(check)</inbound></policies>'

                """)
            try write(example.text, to: "defs/\(name).yaml")
        }
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        for (name, statement) in [("certificate", "validate-client-certificate"), ("header", "validate-jwt")] {
            XCTAssertTrue(
                lint.stdout.contains(
                    "error: route 'get-\(name)' checks its callers with raw '\(statement)' in route '\(name)/get-\(name)' but shares its cached responses between them [CA001]"),
                lint.stdout)
        }
    }

    /// Raw limits are judged as the definitions' are (found by an audit against Microsoft's
    /// policy reference): one that counts no request (a new GUID per request for its key,
    /// or an increment condition that is false) is no rate limit (RL001), and one whose
    /// written budget exceeds the guardrail is RL003. One whose count, budget or window the
    /// caller sets counts nothing either, and a budget or window it sets is RL003 too.
    func testRawRateLimitsAreJudgedAsTheDefinitionsLimitsAre() throws {
        let gateway = try String(contentsOf: file("defs/gateway.yaml"), encoding: .utf8)
        try write(gateway + "guardrails:\n  maxRateLimit: {calls: 1000, per: 60s}\nnamedValues:\n  increment: \"0\"\n", to: "defs/gateway.yaml")
        let limits: [(name: String, statement: String)] = [
            ("guid", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(Guid.NewGuid().ToString())" />"#),
            // Ways around the first version of the check (the audit of the fix).
            ("request", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.RequestId.ToString())" />"#),
            // A variable whose name merely holds the words is a key like any other: it counts.
            ("named", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id + (string)context.Variables.GetValueOrDefault("RequestIdGroup", "NewGuid"))" />"#),
            ("zero", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="0" />"#),
            ("nottrue", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-condition="@(!true)" />"#),
            ("wrapped", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-condition="@((false))" />"#),
            ("never", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-condition="@(false)" />"#),
            ("loose", #"<rate-limit-by-key calls="100000" renewal-period="1" counter-key="@(context.Subscription.Id)" />"#),
            // Numbers past any product: compared without overflow (a crash before).
            ("huge", #"<rate-limit-by-key calls="9223372036854775807" renewal-period="1" counter-key="@(context.Subscription.Id)" />"#),
            ("long", #"<rate-limit-by-key calls="5" renewal-period="9223372036854775807" counter-key="@(context.Subscription.Id)" />"#),
            ("beyond", #"<rate-limit-by-key calls="99999999999999999999999999999" renewal-period="1" counter-key="@(context.Subscription.Id)" />"#),
            // Found by a later audit: zero written otherwise, a count a named value gives, a
            // key spaced out, and conditions on what the caller writes in the URL.
            ("negative", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="-0" />"#),
            ("hex", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@(0x0)" />"#),
            ("given", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="{{increment}}" />"#),
            ("spaced", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(Guid.NewGuid ().ToString())" />"#),
            ("query", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-condition="@(!context.Request.OriginalUrl.Query.ContainsKey(&quot;x&quot;))" />"#),
            ("counted", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="2" />"#),
            ("binary", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@(0b0)" />"#),
            ("separated", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@(0_0)" />"#),
            ("spacedheader", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-condition="@(!context.Request .Headers.ContainsKey(&quot;X&quot;))" />"#),
            // A count below zero takes calls off the counter (found by the audit of the fixes).
            ("below", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="-1" />"#),
            // The caller's count, budget or window (an audit): 'X-Weight: 0' counts nothing,
            // 'X-Budget: 2147483647' allows anything; directly or through a variable.
            ("weight", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@(int.Parse(context.Request.Headers.GetValueOrDefault(&quot;X-Weight&quot;,&quot;1&quot;)))" />"#),
            ("budget", #"<rate-limit-by-key calls="@(int.Parse(context.Request.Headers.GetValueOrDefault(&quot;X-Budget&quot;,&quot;10&quot;)))" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#),
            ("window", #"<rate-limit-by-key calls="5" renewal-period="@(int.Parse(context.Request.Url.Query.GetValueOrDefault(&quot;w&quot;,&quot;60&quot;)))" counter-key="@(context.Subscription.Id)" />"#),
            ("weightvariable", #"<set-variable name="weightOfCall" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Weight&quot;,&quot;1&quot;))" /><rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@(int.Parse((string)context.Variables[&quot;weightOfCall&quot;]))" />"#),
            ("weightpick", #"<set-variable name="pickedWeight" value="@(context.Request.Headers.ContainsKey(&quot;X-Free&quot;) ? 0 : 1)" /><rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@((int)context.Variables[&quot;pickedWeight&quot;])" />"#),
            ("weighttest", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@(context.Request.Headers.ContainsKey(&quot;X-Free&quot;) ? 0 : 1)" />"#),
            // A budget the caller picks among written ones is a limit still (judged no further),
            // and one the policy works out from what is not the caller's counts.
            ("tiered", #"<rate-limit-by-key calls="@(context.Request.Headers.ContainsKey(&quot;X-Gold&quot;) ? 10 : 5)" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#),
            ("product", #"<rate-limit-by-key calls="@(context.Product.Name == &quot;gold&quot; ? 10 : 5)" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@(context.Response.StatusCode &gt;= 500 ? 2 : 1)" />"#),
            // Judged at the largest budget and the shortest window a choice may give (found
            // by the audit of the thirty-eighth round).
            ("gold", #"<rate-limit-by-key calls="@(context.Request.Headers.ContainsKey(&quot;X-Gold&quot;) ? 100000 : 5)" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#),
            ("burst", #"<rate-limit-by-key calls="500" renewal-period="@(context.Product.Name == &quot;gold&quot; ? 1 : 60)" counter-key="@(context.Subscription.Id)" />"#),
            // Numbers as C# writes them; a budget and a window one choice gives together are
            // judged together; one number alone is no choice (the audit of the change).
            ("separatedgold", #"<rate-limit-by-key calls="@(context.Product.Name == &quot;p1&quot; ? 100_000 : 0x5)" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#),
            ("paired", #"<rate-limit-by-key calls="@(context.Product.Name == &quot;gold&quot; ? 1000 : 10)" renewal-period="@(context.Product.Name == &quot;gold&quot; ? 60 : 1)" counter-key="@(context.Subscription.Id)" />"#),
            ("bare", #"<rate-limit-by-key calls="@(100000)" renewal-period="1" counter-key="@(context.Subscription.Id)" />"#),
            // Choices of different tests do not choose together (the audit of the fix).
            ("untied", #"<rate-limit-by-key calls="@(context.Product.Name == &quot;tier12&quot; ? 1000 : 10)" renewal-period="@(context.Product.Name == &quot;tier13&quot; ? 60 : 1)" counter-key="@(context.Subscription.Id)" />"#),
            ("hourly", #"<rate-limit-by-key calls="@(context.Product.Name == &quot;gold&quot; ? 100000 : 10)" renewal-period="@(context.Product.Name == &quot;gold&quot; ? 60 * 60 : 1)" counter-key="@(context.Subscription.Id)" />"#),
            // Counts the request decides that are never zero (the audit of the change).
            ("longpath", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@(context.Request.Url.Path.Length &gt; 100 ? 2 : 1)" />"#),
        ]
        for limit in limits {
            let example = RuleExample.api(
                limit.name, fields: "rateLimit: none\npolicy: '<policies><inbound><base />\(limit.statement)</inbound></policies>'\n",
                routes: "  - {id: list-\(limit.name), method: GET, path: /orders, scopes: [orders.read]}\n")
            try write(example.text, to: "defs/\(limit.name).yaml")
        }
        // APIM's 'rate-limit' counts calls with a subscription key only.
        let keyless = RuleExample.api(
            "keyless", fields: "rateLimit: none\nsubscriptionRequired: false\npolicy: '<policies><inbound><base /><rate-limit calls=\"5\" renewal-period=\"60\" /></inbound></policies>'\n",
            routes: "  - {id: list-keyless, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(keyless.text, to: "defs/keyless.yaml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stderr)
        let errors = lint.stdout.split(separator: "\n").filter { $0.contains(": error: ") }.map { String($0.drop { $0 != " " }.dropFirst()) }
        XCTAssertEqual(
            errors.sorted(),
            [
                // APIM reads 'calls' and 'renewal-period' as 32-bit numbers, and refuses more.
                "error: 'calls' of 'rate-limit-by-key' is more than 2147483647, the most APIM takes [PX005]",
                "error: 'calls' of 'rate-limit-by-key' is more than 2147483647, the most APIM takes [PX005]",
                "error: 'renewal-period' of 'rate-limit-by-key' is more than 2147483647, the most APIM takes [PX005]",
                "error: raw 'rate-limit-by-key' in API 'bare' allows 100000 calls per 1s, more than the guardrail of 1000 calls per 1m [RL003]",
                "error: raw 'rate-limit-by-key' in API 'beyond' allows 99999999999999999999999999999 calls per 1s, more than the guardrail of 1000 calls per 1m [RL003]",
                "error: raw 'rate-limit-by-key' in API 'burst' may allow 500 calls per 1s, more than the guardrail of 1000 calls per 1m [RL003]",
                "error: raw 'rate-limit-by-key' in API 'gold' may allow 100000 calls per 1m, more than the guardrail of 1000 calls per 1m [RL003]",
                "error: raw 'rate-limit-by-key' in API 'hourly' may allow 100000 calls per 1s, more than the guardrail of 1000 calls per 1m [RL003]",
                "error: raw 'rate-limit-by-key' in API 'huge' allows 9223372036854775807 calls per 1s, more than the guardrail of 1000 calls per 1m [RL003]",
                "error: raw 'rate-limit-by-key' in API 'loose' allows 100000 calls per 1s, more than the guardrail of 1000 calls per 1m [RL003]",
                "error: raw 'rate-limit-by-key' in API 'separatedgold' may allow 100000 calls per 1m, more than the guardrail of 1000 calls per 1m [RL003]",
                "error: raw 'rate-limit-by-key' in API 'untied' may allow 1000 calls per 1s, more than the guardrail of 1000 calls per 1m [RL003]",
                "error: route 'list-below' has its rate limit switched off [RL001]",
                "error: route 'list-binary' has its rate limit switched off [RL001]",
                "error: route 'list-budget' has its rate limit switched off [RL001]",
                "error: route 'list-given' has its rate limit switched off [RL001]",
                "error: route 'list-guid' has its rate limit switched off [RL001]",
                "error: route 'list-hex' has its rate limit switched off [RL001]",
                "error: route 'list-keyless' is limited only by raw 'rate-limit' in API 'keyless', which counts calls with a subscription key, and the route takes calls without one [RL001]",
                "error: route 'list-negative' has its rate limit switched off [RL001]",
                "error: route 'list-never' has its rate limit switched off [RL001]",
                "error: route 'list-nottrue' has its rate limit switched off [RL001]",
                "error: route 'list-query' has its rate limit switched off [RL001]",
                "error: route 'list-request' has its rate limit switched off [RL001]",
                "error: route 'list-separated' has its rate limit switched off [RL001]",
                "error: route 'list-spaced' has its rate limit switched off [RL001]",
                "error: route 'list-spacedheader' has its rate limit switched off [RL001]",
                "error: route 'list-weight' has its rate limit switched off [RL001]",
                "error: route 'list-weightpick' has its rate limit switched off [RL001]",
                "error: route 'list-weighttest' has its rate limit switched off [RL001]",
                "error: route 'list-weightvariable' has its rate limit switched off [RL001]",
                "error: route 'list-window' has its rate limit switched off [RL001]",
                "error: route 'list-wrapped' has its rate limit switched off [RL001]",
                "error: route 'list-zero' has its rate limit switched off [RL001]",
                // A budget or window the caller writes cannot be held to the guardrail either.
                "error: the 'calls' of raw 'rate-limit-by-key' in API 'budget' is computed as each request runs, so it cannot be held to the guardrail of 1000 calls per 1m [RL003]",
                "error: the 'renewal-period' of raw 'rate-limit-by-key' in API 'window' is computed as each request runs, so it cannot be held to the guardrail of 1000 calls per 1m [RL003]",
                // A window computed from numbers written out is read (audit V88).
                "error: the rate-limit window of raw 'rate-limit-by-key' in API 'hourly' may be 1h, outside 1s to 5m [RL002]",
                // A window past APIM's 300 seconds (RL002 judges raw windows too).
                "error: the rate-limit window of raw 'rate-limit-by-key' in API 'long' is 106751991167300d15h30m7s, outside 1s to 5m [RL002]",
            ], lint.stdout)
    }

    /// A count read from a variable the caller picks among counts written out, one of them
    /// 0, counts nothing: `X-Free` switched the limit off (found by the audit of a fix that
    /// let it pass).
    func testACountPickedThroughAVariableCountsNothing() throws {
        let limit = #"<set-variable name="pickedWeight" value="@(context.Request.Headers.ContainsKey(&quot;X-Free&quot;) ? 0 : 1)" /><rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@((int)context.Variables[&quot;pickedWeight&quot;])" />"#
        let example = RuleExample.api(
            "picked", fields: "rateLimit: none\npolicy: '<policies><inbound><base />\(limit)</inbound></policies>'\n",
            routes: "  - {id: list-picked, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(example.text, to: "defs/picked.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("RL001") }
        XCTAssertEqual(found, ["RL001 defs/picked.yaml: route 'list-picked' has its rate limit switched off"])
    }

    /// A counter key new for every request counts each request alone, whether the key reads
    /// something new itself (the time the request has taken, the clock, a stopwatch) or a
    /// variable set to it, in the API's policy, a fragment it includes or the gateway's,
    /// copies deep (found by the audit of the forty-fifth round: both passed lint). A choice
    /// among keys written out, what the cache keeps, an ordinary key copied through a
    /// variable, and another API's variable of the same name are keys like any other.
    func testACounterKeyNewForEveryRequestThroughAVariableCountsNothing() throws {
        let gateway = RuleExample.baseGateway + "policy: '<policies><inbound><set-variable name=\"gatewayBucket\" value=\"@(context.RequestId.ToString())\" /></inbound><backend><forward-request /></backend></policies>'\n"
        try gateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write("apiVersion: portcullis/v1\nkind: PolicyFragment\nname: new-bucket\npolicy: '<fragment><set-variable name=\"fragmentBucket\" value=\"@(Guid.NewGuid().ToString())\" /></fragment>'\n", to: "defs/new-bucket.yaml")
        let key = { (code: String) in #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(\#(code))" />"# }
        let variable = { (name: String) in "(string)context.Variables[&quot;\(name)&quot;]" }
        let limits: [(name: String, statements: String)] = [
            ("copied", #"<set-variable name="bucket" value="@(Guid.NewGuid().ToString())" />"# + key(variable("bucket"))),
            ("chained", #"<set-variable name="first" value="@(context.RequestId)" /><set-variable name="second" value="@(&quot;orders-&quot; + (string)context.Variables[&quot;first&quot;])" />"# + key(variable("second"))),
            ("elapsed", key("context.Subscription.Id + context.Elapsed.Ticks")),
            ("timestamp", key("context.Subscription.Id + context.Timestamp.Ticks")),
            ("ticks", key("context.Subscription.Id + Environment.TickCount")),
            ("random", key("context.Subscription.Id + new Random().Next()")),
            ("stopwatch", key("context.Subscription.Id + System.Diagnostics.Stopwatch.GetTimestamp()")),
            ("fragment", #"<include-fragment fragment-id="new-bucket" />"# + key(variable("fragmentBucket"))),
            ("global", key(variable("gatewayBucket"))),
            // Another random source, and the request's id read through `?.` or a bracketed
            // `context` (the audit of the change).
            ("generator", key("System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue).ToString()")),
            ("optional", key("context?.RequestId.ToString()")),
            ("bracketed", #"<set-variable name="k" value="@((context).RequestId.ToString())" />"# + key(variable("k"))),
            // Keys like any other.
            ("halfday", key("DateTime.UtcNow.Hour &lt; 12 ? &quot;am&quot; : &quot;pm&quot;")),
            ("tier", #"<set-variable name="RandomTier" value="@(context.Product.Name)" />"# + key("context.Subscription.Id + " + variable("RandomTier"))),
            ("address", #"<set-variable name="caller" value="@(context.Request.IpAddress)" />"# + key(variable("caller"))),
            ("written", #"<set-variable name="label" value="@(&quot;context.RequestId&quot;)" />"# + key(variable("label"))),
            ("cached", #"<cache-lookup-value key="seed" variable-name="seed" />"# + key(variable("seed"))),
            // The audit API's 'shared' is new for each of its requests, never the orders API's.
            ("ownapi", #"<set-variable name="shared" value="@(context.Subscription.Id)" />"# + key(variable("shared"))),
        ]
        for limit in limits {
            let example = RuleExample.api(
                limit.name, fields: "rateLimit: none\npolicy: '<policies><inbound><base />\(limit.statements)</inbound></policies>'\n",
                routes: "  - {id: list-\(limit.name), method: GET, path: /orders, scopes: [orders.read]}\n")
            try write(example.text, to: "defs/\(limit.name).yaml")
        }
        let audit = RuleExample.api(
            "audit", fields: #"policy: '<policies><inbound><base /><set-variable name="shared" value="@(Guid.NewGuid().ToString())" /><cache-store-value key="seed" value="@(Guid.NewGuid().ToString())" duration="60" /></inbound></policies>'"# + "\n",
            routes: "  - {id: list-audit, method: GET, path: /audit, scopes: [orders.read]}\n")
        try write(audit.text, to: "defs/audit.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("RL001") }
        XCTAssertEqual(found.sorted(), ["bracketed", "chained", "copied", "elapsed", "fragment", "generator", "global", "optional", "random", "stopwatch", "ticks", "timestamp"].map {
            "RL001 defs/\($0).yaml: route 'list-\($0)' has its rate limit switched off"
        })
    }

    /// A counter keyed on a request header a policy on the way sets new for every request
    /// counts nothing, whatever the caller sends: the caller's header is replaced
    /// (`override`, the default) or joined (`append`), or kept only where sent (`skip`),
    /// which the caller may leave out (found by an audit: only RL004, a warning). A header
    /// a call or an answer sets, one set in `outbound`, deleted, or set to another value,
    /// or another API's, is not.
    func testACounterKeyOfAHeaderThePolicySetsNewForEveryRequestCountsNothing() throws {
        try write("apiVersion: portcullis/v1\nkind: PolicyFragment\nname: stamp\npolicy: '<fragment><set-header name=\"X-Stamp\"><value>@(Guid.NewGuid().ToString())</value></set-header></fragment>'\n", to: "defs/stamp.yaml")
        let key = { (header: String) in #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;\#(header)&quot;, &quot;&quot;))" />"# }
        let set = { (attributes: String, value: String) in #"<set-header name="X-K"\#(attributes)><value>\#(value)</value></set-header>"# }
        let guid = "@(Guid.NewGuid().ToString())"
        let limits: [(name: String, inbound: String, outbound: String)] = [
            ("replaced", set("", guid) + key("x-k"), ""),
            ("joined", set(#" exists-action="append""#, guid) + key("X-K"), ""),
            ("kept", set(#" exists-action="skip""#, guid) + key("X-K"), ""),
            ("copied", #"<set-variable name="b" value="@(context.RequestId)" />"# + set("", "@((string)context.Variables[&quot;b&quot;])") + key("X-K"), ""),
            ("read", set("", guid) + #"<set-variable name="k" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-K&quot;, &quot;&quot;))" />"#
                + #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@((string)context.Variables[&quot;k&quot;])" />"#, ""),
            ("fragment", #"<include-fragment fragment-id="stamp" />"# + key("X-Stamp"), ""),
            // Keys like any other.
            ("deleted", set(#" exists-action="delete""#, guid) + key("X-K"), ""),
            ("subscription", set("", "@(context.Subscription.Id)") + key("X-K"), ""),
            ("other", set("", guid) + key("X-Other"), ""),
            ("call", key("X-K") + #"<send-request mode="new" response-variable-name="r"><set-url>https://audit.example.com</set-url>\#(set("", guid))</send-request>"#, ""),
            ("answer", key("X-K") + #"<return-response>\#(set("", guid))</return-response>"#, ""),
            ("outbound", key("X-K"), set("", guid)),
            ("elsewhere", key("X-Audit"), ""),
        ]
        for limit in limits {
            let example = RuleExample.api(
                limit.name,
                fields: "rateLimit: none\npolicy: '<policies><inbound><base />\(limit.inbound)</inbound><outbound><base />\(limit.outbound)</outbound></policies>'\n",
                routes: "  - {id: list-\(limit.name), method: GET, path: /\(limit.name), scopes: [orders.read]}\n")
            try write(example.text, to: "defs/\(limit.name).yaml")
        }
        let audit = RuleExample.api(
            "audit", fields: #"policy: '<policies><inbound><base /><set-header name="X-Audit"><value>@(Guid.NewGuid().ToString())</value></set-header></inbound></policies>'"# + "\n",
            routes: "  - {id: list-audit, method: GET, path: /audit, scopes: [orders.read]}\n")
        try write(audit.text, to: "defs/audit.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("RL001") }
        XCTAssertEqual(found.sorted(), ["copied", "fragment", "joined", "kept", "read", "replaced"].map {
            "RL001 defs/\($0).yaml: route 'list-\($0)' has its rate limit switched off"
        })
    }

    /// A key new for every request however C# spells its names (`\U` escapes, a verbatim
    /// `@`), or that a named value makes an expression (APIM puts named values in before
    /// it reads the policy), counts nothing: each was taken for another key (an audit).
    func testACounterKeyNewForEveryRequestSpeltAnyWayCountsNothing() throws {
        try (RuleExample.baseGateway + "namedValues:\n  blank: ''\n").write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let key = { (written: String) in #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="\#(written)" />"# }
        let limits: [(name: String, statement: String)] = [
            ("escaped", key(#"@(context.Request\U00000049d.ToString())"#)),
            ("verbatim", key("@(Guid.@NewGuid().ToString())")),
            ("member", key("@(context?.@RequestId)")),
            ("named", key("{{blank}}@(Guid.NewGuid().ToString())")),
            // Keys like any other: a text, a subscription's, a name that is no member.
            ("text", key("{{blank}}Guid.NewGuid()")),
            ("subscription", key("{{blank}}@(context.Subscription.Id)")),
            ("other", key(#"@(context.Request\u0049D)"#)),
        ]
        for limit in limits {
            let example = RuleExample.api(
                limit.name, fields: "rateLimit: none\npolicy: '<policies><inbound><base />\(limit.statement)</inbound></policies>'\n",
                routes: "  - {id: list-\(limit.name), method: GET, path: /\(limit.name), scopes: [orders.read]}\n")
            try write(example.text, to: "defs/\(limit.name).yaml")
        }
        let found = try lintFindings().filter { $0.hasPrefix("RL001") }
        XCTAssertEqual(found.sorted(), ["escaped", "member", "named", "verbatim"].map {
            "RL001 defs/\($0).yaml: route 'list-\($0)' has its rate limit switched off"
        })
    }

    /// A counter key that named values make an expression is read as APIM reads it, by RL004
    /// as by RL001: `{{blank}}@(…X-Tenant…)` with `blank` empty counts by the caller's header
    /// (linted clean before).
    func testACounterKeyNamedValuesMakeAnExpressionIsReadForTheCallersChoice() throws {
        let tenant = "@(context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;,&quot;&quot;))"
        try writeOneAPIPerStatement([
            ("blanktenant", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="{{blank}}\#(tenant)" />"#),
            ("blankquota", #"<quota-by-key calls="500" renewal-period="3600" counter-key="{{blank}}\#(tenant)" />"#),
            ("blanksubscription", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="{{blank}}@(context.Subscription.Id)" />"#),
            ("texttenant", #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="{{blank}}context.Request.Headers" />"#),
        ], values: "namedValues:\n  blank: ''\n")
        // APIM refuses an empty named value (YS004, audit V98); what it would make is read all the same.
        let all = try lintFindings()
        XCTAssertEqual(all.filter { $0.hasPrefix("YS004") }, ["YS004 defs/gateway.yaml: named value 'blank' is empty, which APIM does not accept"])
        let found = all.filter { $0.hasPrefix("RL004") }
        XCTAssertEqual(found.sorted(), [
            "RL004 defs/blankquota.yaml: raw 'quota-by-key' in API 'blankquota' counts by a request header, which callers choose",
            "RL004 defs/blanktenant.yaml: raw 'rate-limit-by-key' in API 'blanktenant' counts by a request header, which callers choose",
        ])
    }

    /// A request header a policy replaces before the limit is the policy's, not the
    /// caller's: a key reading one overridden with a new GUID was RL004 beside RL001, though
    /// the caller's value never reaches it. Kept, or replaced only on some requests, after
    /// the limit or with what the caller sends, it is still the caller's choice.
    func testAKeyOfAHeaderThePolicyReplacesIsNotTheCallersChoice() throws {
        try write("apiVersion: portcullis/v1\nkind: PolicyFragment\nname: stamp\npolicy: '<fragment><set-header name=\"X-Tenant\" exists-action=\"override\"><value>@(Guid.NewGuid().ToString())</value></set-header></fragment>'\n", to: "defs/stamp.yaml")
        let limit = #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;,&quot;&quot;))" />"#
        let set = { (action: String, value: String) in
            #"<set-header name="X-Tenant"\#(action.isEmpty ? "" : #" exists-action=""# + action + #"""#)><value>\#(value)</value></set-header>"#
        }
        let guid = "@(Guid.NewGuid().ToString())"
        let cases: [(name: String, statement: String)] = [
            ("override", set("override", guid) + limit),
            ("unsaid", set("", guid) + limit),
            ("fragment", #"<include-fragment fragment-id="stamp" />"# + limit),
            ("deleted", #"<set-header name="X-Tenant" exists-action="delete" />"# + limit),
            ("fixed", set("override", "orders") + limit),
            // The caller's value stays, or reaches the key on some requests.
            ("skip", set("skip", guid) + limit),
            ("append", set("append", guid) + limit),
            ("branch", #"<choose><when condition="@(context.Request.Method == &quot;GET&quot;)">\#(set("override", guid))</when></choose>"# + limit),
            ("after", limit + set("override", guid)),
            ("copied", set("override", "@(context.Request.Headers.GetValueOrDefault(&quot;X-Other&quot;,&quot;&quot;))") + limit),
        ]
        try writeOneAPIPerStatement(cases, values: "")
        let found = try lintFindings(status: 0).filter { $0.hasPrefix("RL004") }
        XCTAssertEqual(found.sorted(), ["after", "append", "branch", "copied", "skip"].map {
            "RL004 defs/\($0).yaml: raw 'rate-limit-by-key' in API '\($0)' counts by a request header, which callers choose"
        })
    }

    /// A `limit-concurrency` keyed by what the caller sends gives each value a pool of its
    /// own: RL004, as for a rate limit's key (linted clean, the variable's too). Its
    /// `max-count` takes no expression (Microsoft Learn), so none is read there.
    func testAConcurrencyKeyTheCallerChoosesIsTheCallersChoice() throws {
        let header = "@(context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;,&quot;&quot;))"
        let limit = { (key: String) in #"<limit-concurrency key="\#(key)" max-count="5"><set-variable name="inside" value="1" /></limit-concurrency>"# }
        try writeOneAPIPerStatement([
            ("header", limit(header)),
            ("variable", #"<set-variable name="tenant" value="\#(header)" />"# + limit("@((string)context.Variables[&quot;tenant&quot;])")),
            ("subscription", limit("@(context.Subscription.Id)")),
        ], values: "")
        let found = try lintFindings(status: 0).filter { $0.hasPrefix("RL004") }
        XCTAssertEqual(found.sorted(), [
            "RL004 defs/header.yaml: raw 'limit-concurrency' in API 'header' counts by a request header, which callers choose",
            "RL004 defs/variable.yaml: raw 'limit-concurrency' in API 'variable' counts by what the caller sent, which callers choose",
        ])
    }

    /// A `cache-store-value` of the answer is a response cache, held to `maxCacheTtl` as a
    /// `cache-store` is: 30 days passed (audit V86). Keyed by the caller, the per-user limit;
    /// a store of something else is CA004's to judge.
    func testAStoreOfTheAnswerIsHeldToTheCacheGuardrail() throws {
        let answer = "@(context.Response.Body.As&lt;string&gt;(preserveContent: true))"
        let store = { (key: String, value: String) in #"<cache-store-value key="\#(key)" value="\#(value)" duration="2592000" />"# }
        for (name, statement) in [
            ("shared", store("catalogue", answer)),
            ("own", store("@(&quot;orders:&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)", answer)),
            ("reference", store("regions", "eu,us")),
            // Through a variable that holds it, keyed by the token whole (audit V87).
            ("held", #"<set-variable name="kept" value="\#(answer)" />"# + store("@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))", "@((string)context.Variables[&quot;kept&quot;])")),
        ] {
            let example = RuleExample.api(
                name, fields: "policy: '<policies><outbound><base />\(statement)</outbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /orders, scopes: [orders.read]}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        XCTAssertEqual(try lintFindings().filter { $0.hasPrefix("CA002") }.sorted(), [
            "CA002 defs/held.yaml: raw 'cache-store-value' in API 'held' caches for 30d, longer than the per-user limit of 5m",
            "CA002 defs/own.yaml: raw 'cache-store-value' in API 'own' caches for 30d, longer than the per-user limit of 5m",
            "CA002 defs/shared.yaml: raw 'cache-store-value' in API 'shared' caches for 30d, longer than the shared limit of 1h",
        ])
    }

    /// On a route no token check guards, a raw cache of callers' own answers serves them to
    /// others (audit V86: both linted clean): a lookup that allows private responses and
    /// does not vary by `Authorization`, and a value keyed by claims `AsJwt()` reads without
    /// checking a signature, which any caller writes. Behind a check, or varying by the
    /// token, they are left to CA001.
    func testARawCacheOfCallersAnswersOnAPublicRouteIsCA008() throws {
        let keyed = #"<cache-lookup-value key="@(&quot;orders:&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)" variable-name="kept" />"#
        let lookup = { (vary: String) in
            #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true">\#(vary)</cache-lookup>"#
        }
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        for (name, statement, route) in [
            ("private", lookup(""), "public: Anyone reads orders"), ("varied", lookup("<vary-by-header>Authorization</vary-by-header>"), "public: Anyone reads orders"),
            ("claims", keyed, "public: Anyone reads orders"), ("checked", keyed, "scopes: [orders.read]"),
            // Parsed by `TryParseJwt`, which checks no signature either (audit V87).
            ("parsed", #"<cache-lookup-value key="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).TryParseJwt(out var jwt) ? jwt.Subject : &quot;none&quot;)" variable-name="kept" />"#, "public: Anyone reads orders"),
        ] {
            let example = RuleExample.api(
                name, fields: "policy: '<policies><inbound><base />\(statement)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /orders, auth: none, \(route), rateLimit: {calls: 10, per: 1s, key: ip}}\n"
                    .replacingOccurrences(of: "auth: none, scopes", with: "scopes"))
            try write(example.text, to: "defs/\(name).yaml")
        }
        XCTAssertEqual(try lintFindings().filter { $0.hasPrefix("CA008") }.sorted(), [
            "CA008 defs/claims.yaml: raw 'cache-lookup-value' in API 'claims', which public route 'list-claims' runs, is keyed by claims of a token no check validates, so a caller who writes another's claims reads that caller's entry",
            "CA008 defs/parsed.yaml: raw 'cache-lookup-value' in API 'parsed', which public route 'list-parsed' runs, is keyed by claims of a token no check validates, so a caller who writes another's claims reads that caller's entry",
            "CA008 defs/private.yaml: raw 'cache-lookup' in API 'private', which public route 'list-private' runs, keeps answers to requests with credentials and serves them to every caller, not varying by 'Authorization'",
        ])
    }

    /// A raw `rate-limit-by-key` whose budget or window the caller writes is one it lifts as
    /// it likes (`X-Budget: 2147483647`), whatever other limit the route has: RL004, where
    /// nothing was said without a guardrail; a token limit's budgets too. A choice among
    /// numbers written out is the policy's.
    func testABudgetTheCallerWritesIsTheCallersChoice() throws {
        let header = "int.Parse(context.Request.Headers.GetValueOrDefault(&quot;X-Budget&quot;,&quot;10&quot;))"
        let limit = { (calls: String, period: String) in
            #"<rate-limit-by-key calls="\#(calls)" renewal-period="\#(period)" counter-key="@(context.Subscription.Id)" />"#
        }
        try writeOneAPIPerStatement([
            ("budget", limit("@(\(header))", "60")),
            ("window", limit("10", "@(int.Parse(context.Request.Url.Query.GetValueOrDefault(&quot;w&quot;,&quot;60&quot;)))")),
            ("variable", #"<set-variable name="budget" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Budget&quot;,&quot;10&quot;))" />"# + limit("@(int.Parse((string)context.Variables[&quot;budget&quot;]))", "60")),
            ("named", limit("{{blank}}@(\(header))", "60")),
            ("tiered", limit("@(context.Request.Headers.ContainsKey(&quot;X-Gold&quot;) ? 10 : 5)", "60")),
            ("written", limit("10", "60")),
            // A token limit's budgets take expressions too (audit V78).
            ("tokens", #"<llm-token-limit tokens-per-minute="@(\#(header))" estimate-prompt-tokens="false" counter-key="@(context.Subscription.Id)" />"#),
            ("tokenquota", #"<azure-openai-token-limit tokens-per-minute="5000" token-quota="@(long.Parse(context.Request.Url.Query.GetValueOrDefault(&quot;q&quot;,&quot;1&quot;)))" token-quota-period="Monthly" estimate-prompt-tokens="false" counter-key="@(context.Subscription.Id)" />"#),
        ], values: "namedValues:\n  blank: ''\n")
        // An empty named value is YS004 (audit V98); the limits are read all the same.
        let found = try lintFindings().filter { $0.hasPrefix("RL004") }
        XCTAssertEqual(found.sorted(), [
            "RL004 defs/budget.yaml: the 'calls' of raw 'rate-limit-by-key' in API 'budget' is given by a request header, which callers choose",
            "RL004 defs/named.yaml: the 'calls' of raw 'rate-limit-by-key' in API 'named' is given by a request header, which callers choose",
            "RL004 defs/tokenquota.yaml: the 'token-quota' of raw 'azure-openai-token-limit' in API 'tokenquota' is given by the request's query, which callers choose",
            "RL004 defs/tokens.yaml: the 'tokens-per-minute' of raw 'llm-token-limit' in API 'tokens' is given by a request header, which callers choose",
            "RL004 defs/variable.yaml: the 'calls' of raw 'rate-limit-by-key' in API 'variable' is given by what the caller sent, which callers choose",
            "RL004 defs/window.yaml: the 'renewal-period' of raw 'rate-limit-by-key' in API 'window' is given by the request's query, which callers choose",
        ])
    }

    /// A weight the caller's request sets that is one or more whatever it sends counts every
    /// request: the larger of 1 and the caller's figure, or the body's size in kilobytes
    /// plus one were RL001 (found by the audit of the thirty-eighth round). The caller's
    /// figure alone, or less than one at its least, still switches the limit off.
    func testACountOfAtLeastOneCountsTheCallersRequests() throws {
        let weight = "int.Parse(context.Request.Headers.GetValueOrDefault(&quot;X-Weight&quot;, &quot;1&quot;))"
        let counts = [
            ("largest", "Math.Max(1, \(weight))"),
            ("size", "context.Request.Body.As&lt;string&gt;(preserveContent: true).Length / 1000 + 1"),
            ("floored", "Math.Max(0, \(weight))"),
            ("shrunk", "context.Request.Body.As&lt;string&gt;(preserveContent: true).Length - 5 + 1"),
            // Numbers past what a count holds wrap it below zero (a crash in the first fix).
            ("wrapped", "context.Request.Body.As&lt;string&gt;(preserveContent: true).Length + 9223372036854775807 + 1"),
        ]
        let documents = counts.map { name, count in
            let limit = #"<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-count="@(\#(count))" />"#
            return RuleExample.api(
                name, fields: "rateLimit: none\npolicy: '<policies><inbound><base />\(limit)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/weights.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("RL001") }
        XCTAssertEqual(found.sorted(), [
            "RL001 defs/weights.yaml: route 'list-floored' has its rate limit switched off",
            "RL001 defs/weights.yaml: route 'list-shrunk' has its rate limit switched off",
            "RL001 defs/weights.yaml: route 'list-wrapped' has its rate limit switched off",
        ])
    }

    /// A raw limit stands for a route's only where it counts every request: its
    /// `increment-condition` left out, true as written, or testing nothing but the method and
    /// holding for the route's; its `increment-count` one or more whatever the request holds.
    /// Conditions and counts the checker cannot evaluate passed as limits with lint at 0 (an
    /// audit: `@(1 == 2)`, `@(1-1)`), and one counting successful responses only leaves a
    /// brute force's failed attempts uncounted.
    func testARawLimitStandsForARoutesOnlyWhereItCountsEveryRequest() throws {
        let cases: [(name: String, attributes: String)] = [
            ("never", #"increment-condition="@(1 == 2)""#),
            ("joined", #"increment-condition="@(false &amp;&amp; true)""#),
            ("parsed", #"increment-condition="@(bool.Parse(&quot;false&quot;))""#),
            ("status", #"increment-condition="@(context.Response.StatusCode == 999)""#),
            ("succeeded", #"increment-condition="@(context.Response.StatusCode &gt;= 200 &amp;&amp; context.Response.StatusCode &lt; 300)""#),
            ("othermethod", #"increment-condition="@(context.Request.Method == &quot;POST&quot;)""#),
            ("subtracted", #"increment-count="@(1-1)""#),
            ("costed", #"increment-count="@((int)context.Variables[&quot;cost&quot;])""#),
            // Every request of the route counted: no finding.
            ("ownmethod", #"increment-condition="@(context.Request.Method == &quot;GET&quot;)""#),
            ("written", #"increment-condition="@(true)" increment-count="1""#),
            ("tiered", #"increment-count="@(context.Response.StatusCode &gt;= 500 ? 2 : 1)""#),
            ("plain", ""),
        ]
        let documents = cases.map { name, attributes in
            let limit = #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" \#(attributes) />"#
            return RuleExample.api(
                name, fields: "rateLimit: none\npolicy: '<policies><inbound><base />\(limit)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/limits.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("RL001") }
        XCTAssertEqual(
            found.sorted(),
            (["costed", "joined", "never", "othermethod", "parsed", "status", "succeeded"].map {
                "RL001 defs/limits.yaml: route 'list-\($0)' is limited only by raw 'rate-limit-by-key' in API '\($0)', whose 'increment-condition' or 'increment-count' may leave requests uncounted"
            } + [
                // A count computed from numbers written out is read: nothing (audit V88).
                "RL001 defs/limits.yaml: route 'list-subtracted' has its rate limit switched off"
            ]).sorted())
    }

    /// A raw limit's budget or window that an expression computes, or a secret gives, may be
    /// anything: under a guardrail it is RL003 (an audit: `calls="@(int.MaxValue)"` passed
    /// the guardrail, as the same number written out did not). A named value whose value is
    /// known is read as written, and so is a choice among numbers written out.
    func testARawBudgetNotKnownBeforeTheLimitRunsIsHeldToNoGuardrail() throws {
        let limits: [(name: String, statement: String)] = [
            ("maximum", #"<rate-limit-by-key calls="@(int.MaxValue)" renewal-period="1" counter-key="@(context.Request.IpAddress)" />"#),
            ("variable", #"<rate-limit-by-key calls="10" renewal-period="@((int)context.Variables[&quot;window&quot;])" counter-key="@(context.Request.IpAddress)" />"#),
            ("branch", #"<rate-limit-by-key calls="@(context.Product.Name == &quot;gold&quot; ? int.MaxValue : 10)" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#),
            ("secret", #"<rate-limit calls="{{partner-secret}}" renewal-period="60" />"#),
            ("named", #"<rate-limit-by-key calls="{{budget}}" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#),
            // Known before the limit runs, within the guardrail: no finding.
            ("modest", #"<rate-limit-by-key calls="{{modest}}" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#),
            ("chosen", #"<rate-limit-by-key calls="@(context.Product.Name == &quot;gold&quot; ? 50 : 10)" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#),
        ]
        try writeOneAPIPerStatement(limits, values: "guardrails:\n  maxRateLimit: {calls: 100, per: 60s}\nnamedValues:\n  budget: \"1000000\"\n  modest: \"10\"\n")
        let found = try lintFindings().filter { $0.hasPrefix("RL003") }
        XCTAssertEqual(
            found.sorted(),
            [
                "RL003 defs/branch.yaml: the 'calls' of raw 'rate-limit-by-key' in API 'branch' is computed as each request runs, so it cannot be held to the guardrail of 100 calls per 1m",
                "RL003 defs/maximum.yaml: the 'calls' of raw 'rate-limit-by-key' in API 'maximum' is computed as each request runs, so it cannot be held to the guardrail of 100 calls per 1m",
                "RL003 defs/named.yaml: raw 'rate-limit-by-key' in API 'named' allows 1000000 calls per 1m, more than the guardrail of 100 calls per 1m",
                "RL003 defs/secret.yaml: the 'calls' of raw 'rate-limit' in API 'secret' is given by a named value whose value is not known here, so it cannot be held to the guardrail of 100 calls per 1m",
                "RL003 defs/variable.yaml: the 'renewal-period' of raw 'rate-limit-by-key' in API 'variable' is computed as each request runs, so it cannot be held to the guardrail of 100 calls per 1m",
            ])
    }

    /// A raw API or route policy that keeps its product's declared limits from running is an
    /// error (RL010), where it was a warning (an audit): without `<base />` in `inbound`, or
    /// with one only inside a `choose` without an `otherwise`, which may not run it. One at
    /// the top of `inbound` runs them.
    func testARawPolicyThatSkipsAProductsLimitsIsAnError() throws {
        try write(
            "apiVersion: portcullis/v1\nkind: Product\nname: partners\napis: [bare, chosen, kept]\nrateLimit: {calls: 1000, per: 60s}\nquota: {calls: 100000, per: 30d}\n",
            to: "defs/partners.yaml")
        let inbounds = [
            ("bare", ""),
            ("chosen", #"<choose><when condition="@(1 == 2)"><base /></when></choose>"#),
            ("kept", "<base />"),
        ]
        try writeAPIs(inbounds)
        let found = try lintFindings().filter { $0.hasPrefix("RL010") || $0.hasPrefix("RL008") }
        XCTAssertEqual(
            found.sorted(),
            [
                "RL010 defs/apis.yaml: the 'inbound' section of API 'bare' has no '<base />', so the quota of product 'partners' never applies to its routes",
                "RL010 defs/apis.yaml: the 'inbound' section of API 'bare' has no '<base />', so the rate limit of product 'partners' never applies to its routes",
                "RL010 defs/apis.yaml: the 'inbound' section of API 'chosen' has '<base />' on some paths only, inside 'choose', so the quota of product 'partners' may not apply to its routes",
                "RL010 defs/apis.yaml: the 'inbound' section of API 'chosen' has '<base />' on some paths only, inside 'choose', so the rate limit of product 'partners' may not apply to its routes",
            ])
    }

    /// APIM runs `<base />` where it stands: in every `when` and the `otherwise` of a
    /// `choose`, or inside `retry` (whose statements run once before any retry), it runs the
    /// product's limits on every request, and RL010 was a false error there. A `choose`
    /// without an `otherwise`, even under `@(true)`, or a branch without `<base />`, still
    /// skips them for some requests.
    func testABaseThatEveryPathRunsKeepsAProductsLimits() throws {
        try write(
            "apiVersion: portcullis/v1\nkind: Product\nname: partners\napis: [branches, retried, nested, unbranched, uncovered, always]\nrateLimit: {calls: 1000, per: 60s}\n",
            to: "defs/partners.yaml")
        let partner = #"@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;))"#
        try writeAPIs([
            ("branches", #"<choose><when condition="\#(partner)"><base /></when><when condition="@(1 == 2)"><set-variable name="x" value="1" /><base /></when><otherwise><base /></otherwise></choose>"#),
            ("retried", #"<retry condition="@(false)" count="1" interval="1"><base /></retry>"#),
            ("nested", #"<retry condition="@(false)" count="1" interval="1"><choose><when condition="\#(partner)"><base /></when><otherwise><choose><when condition="@(1 == 2)"><base /></when><otherwise><base /></otherwise></choose></otherwise></choose></retry>"#),
            ("unbranched", #"<choose><when condition="\#(partner)"><base /></when><otherwise><set-variable name="x" value="1" /></otherwise></choose>"#),
            ("uncovered", #"<retry condition="@(false)" count="1" interval="1"><choose><when condition="\#(partner)"><base /></when></choose></retry>"#),
            ("always", #"<choose><when condition="@(true)"><base /></when></choose>"#),
        ])
        let found = try lintFindings().filter { $0.hasPrefix("RL010") }
        XCTAssertEqual(
            found.sorted(),
            [
                "RL010 defs/apis.yaml: the 'inbound' section of API 'always' has '<base />' on some paths only, inside 'choose', so the rate limit of product 'partners' may not apply to its routes",
                "RL010 defs/apis.yaml: the 'inbound' section of API 'unbranched' has '<base />' on some paths only, inside 'choose', so the rate limit of product 'partners' may not apply to its routes",
                "RL010 defs/apis.yaml: the 'inbound' section of API 'uncovered' has '<base />' on some paths only, inside 'retry', so the rate limit of product 'partners' may not apply to its routes",
            ])
    }

    /// A `<base />` in every branch of a `choose` is where that branch runs the broader
    /// policies: what follows it in a branch runs after the API's check, and what stands
    /// between the `choose` and a later `<base />` at the top runs before the generated
    /// check, which the build writes after that `<base />`. The first form read the whole
    /// `choose` as running before the API's check (a false LP001), and the second as after
    /// the generated check, so an answer for callers who send `X-Debug` went out without a
    /// token (the audit of the change).
    func testABaseInBranchesIsWhereEachBranchRunsTheBroaderPolicies() throws {
        let branches = { (statements: String) in
            #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-A&quot;))"><base />\#(statements)</when><otherwise><base />\#(statements)</otherwise></choose>"#
        }
        let debug = #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Debug&quot;))"><return-response><set-status code="200" /><set-body>@(&quot;debug: &quot; + context.Deployment.Region)</set-body></return-response></when></choose>"#
        let route = { (access: String, inbound: String) in
            "  - id: list-orders\n    method: GET\n    path: /orders\n    \(access)\n    policy: '<policies><inbound>\(inbound)</inbound></policies>'\n"
        }
        try write(RuleExample.api("orders", routes: route("scopes: [orders.read]", branches("") + debug + "<base />")).text, to: "defs/apis.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("LP001") },
            ["LP001 defs/apis.yaml: raw 'return-response' in route 'orders/list-orders' may answer requests of route 'list-orders' before its token check, so callers need no token"])
        let check = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any" separator=" "><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let replaced = #"<set-header name="Authorization" exists-action="override"><value>@(&quot;Bearer &quot; + (string)context.Variables[&quot;backend-token&quot;])</value></set-header>"#
        try write(
            RuleExample.api(
                "orders", fields: "policy: '<policies><inbound><base />\(check)</inbound></policies>'\n", routes: route("auth: none", branches(replaced))
            ).text, to: "defs/apis.yaml")
        XCTAssertEqual(try lintFindings(status: 0).filter { $0.hasPrefix("LP001") }, [])
    }

    /// `cache-response` on `llm-semantic-cache-store`, which Microsoft's newer page lists
    /// (cache responses of any status), is no unknown attribute.
    func testASemanticCacheStoreMayCacheAnyResponse() throws {
        let subject = #"context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject"#
        let lookup = #"<llm-semantic-cache-lookup score-threshold="0.05" embeddings-backend-id="embeddings" embeddings-backend-auth="system-assigned"><vary-by>@(\#(subject))</vary-by></llm-semantic-cache-lookup>"#
        let route = "  - id: complete\n    method: POST\n    path: /complete\n    scopes: [orders.write]\n    policy: '<policies><inbound><base />\(lookup)</inbound><outbound><base /><llm-semantic-cache-store duration=\"60\" cache-response=\"true\" /></outbound></policies>'\n"
        try write(RuleExample.api("chat", routes: route).text, to: "defs/apis.yaml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertFalse(lint.stdout.contains("PX002"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("0 errors"), lint.stdout)
    }

    /// One API per name in `defs/apis.yaml`, whose API policy's `inbound` holds the text
    /// given for it, with one route that reads orders.
    private func writeAPIs(_ inbounds: [(name: String, inbound: String)]) throws {
        let documents = inbounds.map { name, inbound in
            RuleExample.api(
                name, fields: "policy: '<policies><inbound>\(inbound)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
    }

    /// An API with its own raw policy is sent to its serviceUrl without a statement; but a
    /// broader raw policy that sets a backend would then send it there instead, so the
    /// API's own statement stays and the definitions' backend is where requests go.
    func testAnAPIsURLBackendWinsOverAGlobalRawBackend() throws {
        let gateway = try String(contentsOf: file("defs/gateway.yaml"), encoding: .utf8)
        let apiPolicy = "'<policies><inbound><base /></inbound></policies>'"
        try writeAPI(policy: apiPolicy)
        try write(gateway, to: "defs/gateway.yaml")
        XCTAssertEqual(try ToolProcess.run(["build", "defs", "--out", "plain", "--quiet"], in: directory).status, 0)
        XCTAssertFalse(
            try String(contentsOf: file("plain/apim/apis/orders/policy.xml"), encoding: .utf8).contains("set-backend-service"),
            "the serviceUrl alone reaches the backend")

        // With a global policy that sets a backend on the way in, for all requests, inside a
        // 'choose' (a canary) or in a fragment it includes (the check read only what every
        // request meets, and no fragment: the audits of the outputs). One in 'backend' runs
        // after the API's statement, which could not override it: none is written for it.
        try write(
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: Elsewhere\npolicy: '<fragment><set-backend-service base-url=\"https://fragment.example.com\" /></fragment>'\n",
            to: "defs/fragments.yaml")
        for (name, inbound, backend, keeps) in [
            ("redirected", "<set-backend-service base-url=\"https://maintenance.example.com\" />", "", true),
            ("canary", "<choose><when condition=\"@(context.Request.Headers.ContainsKey(&quot;X-Canary&quot;))\"><set-backend-service base-url=\"https://canary.example.com\" /></when></choose>", "", true),
            ("fragment", "<include-fragment fragment-id=\"Elsewhere\" />", "", true),
            ("late", "", "<set-backend-service base-url=\"https://late.example.com\" />", false),
        ] {
            try write(gateway + "policy: '<policies><inbound>\(inbound)</inbound><backend>\(backend)<forward-request /></backend></policies>'\n", to: "defs/gateway.yaml")
            let build = try ToolProcess.run(["build", "defs", "--out", name, "--quiet"], in: directory)
            XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
            let policy = try String(contentsOf: file("\(name)/apim/apis/orders/policy.xml"), encoding: .utf8)
            XCTAssertEqual(policy.contains(#"<set-backend-service base-url="https://orders.example.com" />"#), keeps, "\(name): \(policy)")
        }
    }

    func testPolicyFilesAndFragmentsAreCarriedAsWritten() throws {
        let policy = """
            <policies>
                <inbound>
                    <set-variable name="started" value="@(DateTime.UtcNow.ToString("o"))" />
                    <base />
                    <include-fragment fragment-id="Correlation_Headers" />
                </inbound>
                <outbound>
                    <base />
                    <set-header name="X-Powered-By" exists-action="delete" />
                </outbound>
            </policies>

            """
        try write(policy, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        try write(
            """
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: Correlation_Headers
            description: Adds the request id.
            policy: |
              <fragment>
                <set-header name="X-Request-Id" exists-action="skip"><value>@(context.RequestId.ToString())</value></set-header>
              </fragment>

            """, to: "defs/fragments.yaml")
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let api = try String(contentsOf: file("out/apim/apis/orders/policy.xml"), encoding: .utf8)
        XCTAssertEqual(
            api,
            """
            <policies>
                <inbound>
                    <set-variable name="started" value="@(DateTime.UtcNow.ToString("o"))" />
                    <base />
                    <include-fragment fragment-id="Correlation_Headers" />
                </inbound>
                <outbound>
                    <base />
                    <set-header name="X-Powered-By" exists-action="delete" />
                </outbound>
            </policies>

            """)
        // The author's policy is the API's as written: the URL backend is its serviceUrl.
        let information = try String(contentsOf: file("out/apim/apis/orders/apiInformation.json"), encoding: .utf8)
        XCTAssertTrue(information.contains(#""serviceUrl" : "https://orders.example.com""#), information)
        let fragment = try String(contentsOf: file("out/apim/policy fragments/Correlation_Headers/policy.xml"), encoding: .utf8)
        XCTAssertTrue(fragment.hasPrefix("<fragment>\n  <set-header name=\"X-Request-Id\""), fragment)
        let fragmentInformation = try String(
            contentsOf: file("out/apim/policy fragments/Correlation_Headers/policyFragmentInformation.json"), encoding: .utf8)
        XCTAssertTrue(fragmentInformation.contains("Adds the request id."), fragmentInformation)
        let check = try ToolProcess.run(["build", "defs", "--out", "out", "--check"], in: directory)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    func testPolicyPathsCannotLeaveTheProject() throws {
        let canary = "canary-\(UUID().uuidString)"
        try "<policies><inbound><set-variable name=\"\(canary)\" value=\"x\" /></inbound></policies>\n".write(
            to: file("outside.xml"), atomically: true, encoding: .utf8)
        for path in ["/etc/passwd.xml", "policies/orders.txt", "policies//orders.xml"] {
            try writeAPI(policy: "'\(path)'")
            let lint = try ToolProcess.run(["lint", "defs"], in: directory)
            XCTAssertEqual(lint.status, 1, path)
            XCTAssertTrue(lint.stdout.contains("'policy' must be XML or the relative path of an '.xml' file"), lint.stdout)
        }
        // Climbing out of the folder finds nothing: only the inputs are looked among.
        for path in ["../outside.xml", "policies/../../outside.xml", "../../../../../../../../tmp/outside.xml"] {
            try writeAPI(policy: "'\(path)'")
            let lint = try ToolProcess.run(["lint", "defs"], in: directory)
            XCTAssertEqual(lint.status, 1, path)
            XCTAssertTrue(lint.stdout.contains("of API 'orders' is not among the inputs [RF001]"), lint.stdout)
            XCTAssertFalse(lint.stdout.contains(canary), path)
        }
    }

    /// A path is resolved against its YAML file's folder however it is spelled: joined when
    /// every part names a folder or file, and part by part when some part is `.` or `..`.
    func testEverySpellingOfAPolicyPathFindsTheSameFile() throws {
        try write("<policies><inbound><base /></inbound></policies>\n", to: "defs/policies/orders.xml")
        try FileManager.default.createDirectory(at: file("defs/other"), withIntermediateDirectories: true)
        for path in ["policies/orders.xml", "./policies/orders.xml", "policies/./orders.xml", "other/../policies/orders.xml"] {
            try writeAPI(policy: "'\(path)'")
            let lint = try ToolProcess.run(["lint", "defs"], in: directory)
            XCTAssertEqual(lint.status, 0, path + "\n" + lint.stdout)
        }
        try writeAPI(policy: "'other/orders.xml'")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1)
        XCTAssertTrue(lint.stdout.contains("policy file 'other/orders.xml' of API 'orders' is not among the inputs [RF001]"), lint.stdout)
    }

    /// References are found in every element of a document, nested ones too, from the index
    /// the reader makes: each unknown one is reported where it is written, in order.
    func testEveryUnknownReferenceInADocumentIsReported() throws {
        try write(
            """
            <policies>
              <inbound>
                <base />
                <include-fragment fragment-id="missing-a" />
                <choose>
                  <when condition="@(true)"><set-header name="x"><value>{{nope}}</value></set-header></when>
                </choose>
                <include-fragment fragment-id="missing-b" />
              </inbound>
            </policies>

            """, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1)
        let found = lint.stdout.split(separator: "\n").filter { $0.contains("[RF001]") }.map { String($0.split(separator: " ").first ?? "") }
        XCTAssertEqual(found, ["defs/policies/orders.xml:4:36:", "defs/policies/orders.xml:6:61:", "defs/policies/orders.xml:8:36:"], lint.stdout)
    }

    /// Inline XML repeated word for word is read once and shared: each copy is still
    /// placed where it is written (a finding about its statements points there and names its
    /// route), and a copy whose reading has findings is read for itself.
    func testRepeatedInlinePoliciesArePlacedWhereEachIsWritten() throws {
        let insecure = #"<policies><inbound><base /><set-backend-service base-url="http://plain.example.com" /></inbound></policies>"#
        let misspelt = #"<policies><inbound><base /><set-heder name="a" /></inbound></policies>"#
        let example = RuleExample.api(
            routes: """
              - id: first
                method: GET
                path: /a
                scopes: [orders.read]
                policy: '\(insecure)'
              - id: second
                method: GET
                path: /b
                scopes: [orders.read]
                policy: |-
                  \(insecure)
              - {id: third, method: GET, path: /c, scopes: [orders.read], policy: '\(insecure)'}
              - {id: fourth, method: GET, path: /d, scopes: [orders.read], policy: '\(misspelt)'}
              - {id: fifth, method: GET, path: /e, scopes: [orders.read], policy: '\(misspelt)'}

            """)
        try write(example.text, to: "defs/orders.yaml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1)
        let lines = lint.stdout.split(separator: "\n")
        XCTAssertEqual(
            lines.filter { $0.contains("uses plain http://") }.map { String($0.prefix { $0 != " " }) },
            ["defs/orders.yaml:11:13:", "defs/orders.yaml:17:65:", "defs/orders.yaml:18:71:"], lint.stdout)
        XCTAssertEqual(
            lines.filter { $0.contains("[PX002]") }.map { String($0.prefix { $0 != " " }) },
            ["defs/orders.yaml:19:72:", "defs/orders.yaml:20:71:"], lint.stdout)
        for route in ["first", "second", "third"] {
            XCTAssertTrue(lint.stdout.contains("set-backend-service' in route 'orders/\(route)' uses plain http://"), route)
        }
    }

    /// A URL an expression makes by joining a written start with the rest keeps the start's
    /// scheme: `@("http://" + host)` sends over plain http, and was read as no URL at all
    /// (the audit of real estates, on Microsoft's backend-for-frontend snippet).
    func testAURLWhoseCodeStartsWithPlainHTTPIsSE003() throws {
        try write(RuleExample.baseGateway + "namedValues:\n  bff-baseurl: http://bff.example.com\n", to: "defs/gateway.yaml")
        let example = RuleExample.api(
            rawInbound: #"""
                <send-request mode="new" response-variable-name="stock"><set-url>@("http://stock.example.com/levels?sku=" + context.Request.Url.Query.GetValueOrDefault("sku", ""))</set-url></send-request>
                <send-request mode="new" response-variable-name="bff"><set-url>@("{{bff-baseurl}}/operation1?" + context.Request.Url.QueryString)</set-url></send-request>
                <set-backend-service base-url="@($"http://{context.Request.Headers.GetValueOrDefault("X-Region", "eu")}.example.com")" />
                <send-request mode="new" response-variable-name="safe"><set-url>@("https://stock.example.com/levels?sku=" + context.Request.Url.Query.GetValueOrDefault("sku", ""))</set-url></send-request>
                """#,
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(example.text, to: "defs/orders.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("SE003") }
        XCTAssertEqual(found.sorted(), [
            "SE003 defs/orders.yaml: raw 'set-url' in API 'orders' uses plain http://",
            "SE003 defs/orders.yaml: raw 'set-url' in API 'orders' uses plain http://",
            "SE003 defs/orders.yaml: 'base-url' of raw 'set-backend-service' in API 'orders' uses plain http://",
            // A header in the host (`evil.example/x?` makes the host `evil.example`).
            "SE003 defs/orders.yaml: 'base-url' of raw 'set-backend-service' in API 'orders' takes its host from the request, so the request and the credentials it carries go to any server the caller names",
        ].sorted())
    }

    func testALinkedPolicyFileOutsideTheFolderIsNeverRead() throws {
        let canary = "canary-\(UUID().uuidString)"
        let secret = outside.appendingPathComponent("secret.xml")
        try "<policies><inbound><set-variable name=\"\(canary)\" value=\"x\" /></inbound></policies>\n".write(
            to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: file("defs/policies/orders.xml").path, withDestinationPath: secret.path)
        try writeAPI(policy: "policies/orders.xml")
        for format in ["text", "json", "sarif"] {
            let lint = try ToolProcess.run(["lint", "defs", "--format", format], in: directory)
            XCTAssertEqual(lint.status, 1, format)
            XCTAssertFalse((lint.stdout + lint.stderr).contains(canary), format)
            XCTAssertTrue(lint.stdout.contains("is not among the inputs"), "\(format): \(lint.stdout.prefix(400))")
        }
    }

    func testEntityExpansionIsRefusedWhereItIsWritten() throws {
        let laughs = (1...9).map { "<!ENTITY l\($0) \"" + String(repeating: "&l\($0 - 1);", count: 10) + "\">" }.joined()
        try write(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE policies [<!ENTITY l0 \"lol\">\(laughs)]>\n<policies><inbound>&l9;</inbound></policies>\n",
            to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let started = Date()
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(lint.status, 1)
        XCTAssertTrue(
            lint.stdout.contains("defs/policies/orders.xml:2:1: error: a document type declaration is not allowed in a policy [PX001]"),
            lint.stdout)
        XCTAssertFalse(lint.stdout.contains("lollollol"))
    }

    func testSecretsInRawXMLAreReportedMaskedAndNeverBuilt() throws {
        let canary = "Zq9" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try write(
            """
            <policies>
                <inbound>
                    <base />
                    <set-header name="Authorization" exists-action="override"><value>Basic \(canary)</value></set-header>
                    <send-request mode="new" response-variable-name="token">
                        <set-url>https://login.example.com/token</set-url>
                        <set-body>@("grant_type=client_credentials&client_secret=\(canary)")</set-body>
                    </send-request>
                </inbound>
            </policies>

            """, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        try assertReportedMaskedAndNeverBuilt(canary, at: ["4:74", "7:23"])
    }

    /// Credentials in expressions written as APIM's portal writes quotes (`&quot;`), and in
    /// C# comments, which the compiler reads past but APIM deploys: lint passed them and the
    /// build published them (found by a hostile audit).
    func testSecretsInExpressionsAreReadAsTheCompilerReadsThem() throws {
        let token = "ghp_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
        try write(
            """
            <policies>
                <inbound>
                    <base />
                    <set-variable name="jwt" value="@(&quot;\(token)&quot;)" />
                    <set-header name="X-Trace" exists-action="override"><value>@{ /* password=Zq9hunter2 */ return "x"; }</value></set-header>
                    <set-header name="X-Other" exists-action="override"><value>@{
                        // \(token)
                        return "y";
                    }</value></set-header>
                </inbound>
            </policies>

            """, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        for canary in ["aBcDeFgHiJkLmNoPqRsTuVwXyZ", "Zq9hunter2"] {
            try assertReportedMaskedAndNeverBuilt(canary, at: ["4:41", "5:68", "6:68"])
        }
    }

    /// `canary` appears in no report format, SE001 is reported at each of `places` of
    /// `defs/policies/orders.xml`, and no bundle is written.
    private func assertReportedMaskedAndNeverBuilt(_ canary: String, at places: [String], file line: UInt = #line) throws {
        for format in ["text", "json", "sarif", "github"] {
            let lint = try ToolProcess.run(["lint", "defs", "--format", format], in: directory)
            XCTAssertEqual(lint.status, 1, format, line: line)
            XCTAssertFalse((lint.stdout + lint.stderr).contains(canary), format, line: line)
            XCTAssertTrue(lint.stdout.contains("SE001"), format, line: line)
        }
        let text = try ToolProcess.run(["lint", "defs"], in: directory)
        for place in places {
            XCTAssertTrue(
                text.stdout.contains("defs/policies/orders.xml:\(place): error: this value looks like a credential [SE001]"), text.stdout,
                line: line)
        }
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertNotEqual(build.status, 0, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("out").path), line: line)
    }

    func testSuppressionCommentsInRawXML() throws {
        try write(
            """
            <policies>
                <inbound>
                    <base />
                    <!-- portcullis:ignore CA004 - the partner's token lives a day and is revoked upstream -->
                    <cache-store-value key="partner-token" value="@((string)context.Variables["token"])" duration="86400" />
                    <cache-store-value key="other-token" value="@((string)context.Variables["token"])" duration="86400" />
                    <set-variable name="a" value="b" /> <!-- portcullis:ignore SE003 - nothing here -->
                </inbound>
            </policies>

            """, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1)
        XCTAssertFalse(lint.stdout.contains("orders.xml:5:"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("defs/policies/orders.xml:6:102: error: raw 'cache-store-value' in API 'orders' keeps values for 1d"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("defs/policies/orders.xml:7:45: warning: suppression of 'SE003' silenced nothing [SU003]"), lint.stdout)
    }

    /// Hostile nesting is refused where it starts: the scan used to build the whole tree
    /// before libxml2 refused it, and freeing 37,000 nested elements overflowed the stack.
    func testDeeplyNestedElementsAreRefusedWithoutCrashing() throws {
        let depth = 37_000
        let document = "<policies><inbound><base />" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
            + "</inbound></policies>\n"
        try write(document, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stderr)
        XCTAssertTrue(
            lint.stdout.contains("defs/policies/orders.xml:1:790: error: elements are nested deeper than the limit of 256 levels [PX001]"),
            String(lint.stdout.suffix(600)) + lint.stderr.prefix(600))
    }

    /// Interpolated strings nest code in strings in code: each level was a recursion, so a
    /// document of nested `$"{...}"` overflowed the stack.
    func testDeeplyNestedInterpolatedStringsAreRefusedWithoutCrashing() throws {
        let depth = 40_000
        let code = "@(" + String(repeating: "$\"{", count: depth) + "1" + String(repeating: "}\"", count: depth) + ")"
        try write(
            "<policies>\n<inbound><base /><set-variable name=\"x\" value=\"\(code)\" /></inbound></policies>\n",
            to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stderr)
        XCTAssertTrue(
            lint.stdout.contains(
                "defs/policies/orders.xml:2:48: error: the policy expression that starts here nests interpolated strings deeper than the limit of 64 levels [PX001]"),
            String(lint.stdout.suffix(600)) + lint.stderr.prefix(600))
    }

    /// URIs made of URIs, nested deep: reading each level's text was a recursion, and 2,200
    /// levels overflowed the stack in any expression (the audit of the thirty-fifth round).
    /// Its URL is read without a crash, and in time; a short one keeps its plain `http://`.
    func testDeeplyNestedURIsAreReadWithoutCrashing() throws {
        try writeAPI(policy: "policies/orders.xml")
        // Lint reads `uri` (its quotes written as references) as a `base-url` and as a
        // header's value without a crash, and in time.
        func lintsInTime(_ uri: String, _ what: String) throws {
            let header = #"<set-header name="X-A" exists-action="override"><value>@(\#(uri.replacing("&quot;", with: "\"")).ToString())</value></set-header>"#
            try write(
                "<policies><inbound><base />\(header)<set-backend-service base-url=\"@(\(uri).ToString())\" /></inbound></policies>\n", to: "defs/policies/orders.xml")
            let lint = try ToolProcess.run(["lint", "defs", "--format", "json"], in: directory)
            XCTAssertTrue([0, 1].contains(lint.status), "\(what): status \(lint.status): \(lint.stderr.prefix(600))")
            XCTAssertLessThan(lint.seconds, 10, what)
        }
        try lintsInTime(String(repeating: "new Uri(", count: 4_000) + "&quot;http://orders.example.com/&quot;" + String(repeating: ")", count: 4_000), "4,000 nested URIs")
        // Bases of bases, each with a relative text: the relative text's start was read
        // with its depth set back to nothing, and 1,600 levels overflowed the stack (the
        // last audit of the round).
        try lintsInTime(
            String(repeating: "new Uri(new Uri(&quot;https://orders.example.com/&quot;), &quot;v1/&quot; + ", count: 1_600) + "&quot;x&quot;"
                + String(repeating: ")", count: 1_600), "1,600 nested relative URIs")
        // Interpolated strings nested in each other's holes: each level read its text again
        // (16,000 levels took 42 s in a release build; found by an audit).
        let interpolated = String(repeating: "$&quot;{", count: 16_000) + "context.Request.Headers.GetValueOrDefault(&quot;X-A&quot;, &quot;&quot;)"
            + String(repeating: "}&quot;", count: 16_000)
        try write("<policies><inbound><base /><set-backend-service base-url=\"@(\(interpolated))\" /></inbound></policies>\n", to: "defs/policies/orders.xml")
        let nested = try ToolProcess.run(["lint", "defs", "--format", "json"], in: directory)
        XCTAssertTrue(nested.stdout.contains("\"SE003\""), "status \(nested.status): \(nested.stderr.prefix(600))")
        XCTAssertLessThan(nested.seconds, 10, "16,000 nested interpolated strings")
        let shallow = String(repeating: "new Uri(", count: 3) + "&quot;http://orders.example.com/&quot;" + String(repeating: ")", count: 3)
        try write(
            "<policies><inbound><base /><set-backend-service base-url=\"@(\(shallow).ToString())\" /></inbound></policies>\n", to: "defs/policies/orders.xml")
        XCTAssertTrue(try lintFindings().contains("SE003 defs/policies/orders.xml: 'base-url' of raw 'set-backend-service' in API 'orders' uses plain http://"))
    }

    /// APIM keeps a policy's comments, so a credential in one is deployed with the policy:
    /// it is reported, masked in every report and never written to a bundle.
    func testSecretsInRawXMLCommentsAreReportedMaskedAndNeverBuilt() throws {
        let canary = "Zq9" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try write(
            """
            <policies>
                <inbound>
                    <base />
                    <!-- the partner's old key: client_secret=\(canary) -->
                </inbound>
            </policies>

            """, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        try assertReportedMaskedAndNeverBuilt(canary, at: ["4:9"])
    }

    /// A variable named like a credential holds one in its `value`, and `x-functions-key` is
    /// how APIM calls an Azure Functions backend: both are reported, masked and never built.
    func testSecretsInVariablesAndFunctionKeysAreReportedMaskedAndNeverBuilt() throws {
        let canary = "Zq9" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try write(
            """
            <policies>
                <inbound>
                    <base />
                    <set-variable name="partnerApiKey" value="\(canary)" />
                    <set-header name="x-functions-key" exists-action="override"><value>\(canary)</value></set-header>
                    <set-variable name="apiKey" value="@((string)context.Variables["partnerApiKey"])" />
                </inbound>
            </policies>

            """, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        try assertReportedMaskedAndNeverBuilt(canary, at: ["4:51", "5:76"])
        XCTAssertFalse(try ToolProcess.run(["lint", "defs"], in: directory).stdout.contains("orders.xml:6:"))
    }

    /// APIM takes a policy document of up to 256 KiB but a fragment of up to 32 KB only.
    func testAFragmentOverAPIMsLimitIsRefused() throws {
        let statement = "    <set-header name=\"X-Trace\" exists-action=\"append\"><value>step</value></set-header>\n"
        let fragment = "<fragment>\n" + String(repeating: statement, count: 32_768 / statement.utf8.count + 1) + "</fragment>\n"
        try write(fragment, to: "defs/policies/big.xml")
        try write(
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: big\npolicy: policies/big.xml\n", to: "defs/fragments.yaml")
        try writeAPI(policy: "|\n  <policies><inbound><base /><include-fragment fragment-id=\"big\" /></inbound></policies>")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout)
        XCTAssertTrue(
            lint.stdout.contains(
                "defs/policies/big.xml:1:1: error: the policy of fragment 'big' is \(fragment.utf8.count) bytes, over APIM's limit of 32768 for a policy fragment [YS006]"),
            lint.stdout)
    }

    /// An API policy runs before its routes' token checks: an answer at its top lets
    /// every caller in, token or not; inside 'choose' on the request's method it answers
    /// requests for other routes only, while a condition the caller writes lets them in
    /// (found by an audit of raw control flow: the first version passed any 'choose').
    func testAnAnswerBeforeTheTokenCheckIsReported() throws {
        try write(
            """
            <policies>
                <inbound>
                    <base />
                    <return-response><set-status code="200" reason="OK" /><set-body>@(context.Variables.GetValueOrDefault&lt;string&gt;("orders"))</set-body></return-response>
                </inbound>
            </policies>

            """, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout)
        XCTAssertTrue(
            lint.stdout.contains(
                "error: raw 'return-response' in API 'orders' may answer requests of route 'list-orders' before its token check, so callers need no token [LP001]"),
            lint.stdout)
        try write(
            """
            <policies>
                <inbound>
                    <base />
                    <choose>
                        <when condition="@(context.Request.Method == "OPTIONS")">
                            <return-response><set-status code="204" reason="No Content" /></return-response>
                        </when>
                    </choose>
                </inbound>
            </policies>

            """, to: "defs/policies/orders.xml")
        let conditional = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(conditional.status, 0, conditional.stdout)
        try write(
            """
            <policies><inbound><base />
                <choose><when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Debug&quot;, &quot;&quot;) == &quot;1&quot;)">
                    <return-response><set-status code="200" reason="OK" /><set-body>@(context.Variables.GetValueOrDefault&lt;string&gt;("orders"))</set-body></return-response>
                </when></choose>
            </inbound></policies>

            """, to: "defs/policies/orders.xml")
        let chosen = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(chosen.status, 1, chosen.stdout)
        XCTAssertTrue(chosen.stdout.contains("raw 'return-response' in API 'orders' may answer requests of route 'list-orders' before its token check"), chosen.stdout)
    }

    /// What else an audit of raw control flow found lint passing: an answer in a product's
    /// policy, under 'retry' or after a raw check's place; a product without '<base />' that
    /// skips the gateway's raw check; a check of a token the policy gives itself; an empty
    /// 'required-claims'; a rate limit the caller or a named value switches off, or keyed by
    /// the clock; a private cache a named value may allow. And what it found lint refusing:
    /// a managed identity's token on a request to another service.
    func testRawControlFlowIsJudgedAsARequestMeetsIt() throws {
        let jwt = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let gateway = RuleExample.baseGateway + "namedValues:\n  count-calls: 'false'\n  allow-private: 'true'\n"
        try write(gateway, to: "defs/gateway.yaml")
        let apis: [(name: String, fields: String, routePolicy: String?)] = [
            ("product", "", nil),
            ("retried", "", #"<retry condition="@(false)" count="1" interval="1"><mock-response status-code="200" /></retry><base />"#),
            ("reordered", "auth: none\n", #"<base /><mock-response status-code="200" />\#(jwt)"#),
            ("given", "auth: none\n", #"<base /><validate-jwt header-name="Authorization" token-value="{{count-calls}}"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#),
            ("emptyclaims", "auth: none\n", #"<base /><validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims /></validate-jwt>"#),
            ("counted", "rateLimit: none\n", #"<base /><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" increment-condition="@(!context.Request.Headers.ContainsKey(&quot;X-Internal&quot;))" />"#),
            ("named", "rateLimit: none\n", #"<base /><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" increment-condition="{{count-calls}}" />"#),
            ("clock", "rateLimit: none\n", #"<base /><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(DateTime.UtcNow.Ticks.ToString())" />"#),
            // The forms the audit of the fixes found still counting (the last round's note).
            ("random", "rateLimit: none\n", #"<base /><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(new Random().Next().ToString())" />"#),
            ("zero", "rateLimit: none\n", #"<base /><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" increment-count="@(0)" />"#),
            ("cached", "", #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="{{allow-private}}" /><base />"#),
            ("sidecall", "", #"<base /><send-request mode="new" response-variable-name="tenant"><set-url>https://tenants.example.com/t</set-url><authentication-managed-identity resource="api://tenants" /></send-request>"#),
        ]
        var documents: [String] = []
        for (name, fields, policy) in apis {
            let route = "  - id: list-\(name)\n    method: GET\n    path: /\(name)\n    scopes: [orders.read]\n"
                + (policy.map { "    policy: '<policies><inbound>\($0)</inbound></policies>'\n" } ?? "")
            documents.append(RuleExample.api(name, fields: fields, routes: route).text)
        }
        documents.append("""
            apiVersion: portcullis/v1
            kind: Product
            name: answered
            apis: [product]
            policy: '<policies><inbound><base /><mock-response status-code="200" /></inbound></policies>'
            """)
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings()
        func reported(_ code: String, _ text: String) -> Bool { findings.contains { $0.hasPrefix(code) && $0.contains(text) } }
        XCTAssertTrue(reported("LP001", "raw 'mock-response' in product 'answered' may answer requests of route 'list-product' before its token check"), "\(findings)")
        XCTAssertTrue(reported("LP001", "raw 'mock-response' in route 'retried/list-retried' may answer requests of route 'list-retried' before its token check"), "\(findings)")
        XCTAssertTrue(reported("LP001", "raw 'mock-response' in route 'reordered/list-reordered' may answer requests of route 'list-reordered'"), "\(findings)")
        XCTAssertTrue(reported("LP001", "route 'list-given' accepts requests without a token"), "\(findings)")
        XCTAssertTrue(reported("LP002", "raw 'validate-jwt' in route 'emptyclaims/list-emptyclaims' requires no claim"), "\(findings)")
        for name in ["counted", "named", "clock", "random", "zero"] {
            XCTAssertTrue(reported("RL001", "route 'list-\(name)'"), "\(name): \(findings)")
        }
        XCTAssertTrue(reported("LP001", "raw 'cache-lookup' in route 'cached/list-cached' serves cached responses"), "\(findings)")
        XCTAssertFalse(findings.contains { $0.contains("sidecall") }, "\(findings)")
    }

    /// A raw 'set-method' sends a read route's requests on as writes: the backend sees the
    /// method the gateway sends (found by an audit of raw control flow, where a GET route
    /// with a read scope, and a public health probe, deleted with lint clean). One inside a
    /// 'send-request' changes only that request, and one that keeps a read method is fine.
    func testAMethodSetToAWriteIsJudgedAsAWrite() throws {
        let routes = """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                policy: '<policies><inbound><base /><set-method>POST</set-method></inbound></policies>'
              - id: health
                method: GET
                path: /health
                auth: none
                public: Probes check that the gateway answers
                rateLimit: {calls: 10, per: 1s, key: ip}
                policy: '<policies><inbound><base /><choose><when condition="@(context.Request.Url.Query.ContainsKey(&quot;x&quot;))"><set-method>@(context.Request.Url.Query.GetValueOrDefault(&quot;x&quot;))</set-method></when></choose></inbound></policies>'
              - id: get-order
                method: GET
                path: /orders/{id}
                scopes: [orders.read]
                policy: '<policies><inbound><base /><send-request mode="new" response-variable-name="audit"><set-url>https://audit.example.com</set-url><set-method>POST</set-method></send-request><set-method>HEAD</set-method></inbound></policies>'
              - id: copy-order
                method: GET
                path: /orders/{id}/copy
                scopes: [orders.read]
                policy: '<policies><inbound><base /><send-request mode="copy" response-variable-name="r"><set-url>https://orders.example.com/orders</set-url><set-method>DELETE</set-method></send-request><return-response response-variable-name="r" /></inbound></policies>'
              - id: copy-later
                method: GET
                path: /orders/{id}/later
                scopes: [orders.read]
                policy: '<policies><inbound><base /></inbound><outbound><base /><send-one-way-request mode="copy"><set-url>https://orders.example.com/orders</set-url><set-method>DELETE</set-method></send-one-way-request></outbound></policies>'

            """
        try write(RuleExample.api(routes: routes).text, to: "defs/orders.yaml")
        let findings = try lintFindings()
        // A copy of the caller's request, its credentials with it, sent on as a write (found
        // by the raw-policy audit of a later round).
        XCTAssertTrue(
            findings.contains(
                "LP003 defs/orders.yaml: GET route 'copy-order', whose caller's credentials raw 'send-request' in route 'orders/copy-order' sends on in a write, accepts the read scope 'orders.read'"),
            "\(findings)")
        XCTAssertTrue(
            findings.contains(
                "LP003 defs/orders.yaml: GET route 'copy-later', whose caller's credentials raw 'send-one-way-request' in route 'orders/copy-later' sends on in a write, accepts the read scope 'orders.read'"),
            "\(findings)")
        XCTAssertTrue(
            findings.contains(
                "LP003 defs/orders.yaml: GET route 'list-orders', which raw 'set-method' in route 'orders/list-orders' sends to its backend as a write, accepts the read scope 'orders.read'"),
            "\(findings)")
        XCTAssertTrue(
            findings.contains(
                "LP007 defs/orders.yaml: public route 'health' is sent to its backend as a write by raw 'set-method' in route 'orders/health', without a token"),
            "\(findings)")
        XCTAssertFalse(findings.contains { $0.contains("get-order") }, "\(findings)")
    }

    /// Limits and checks the audit of raw control flow found judged only as written: a
    /// budget given by named values (APIM puts their values in first), a counter keyed by the
    /// query, a token check that takes tokens that never expire.
    func testNamedValuesAndQueriesInLimitsAndExpiryInChecksAreJudged() throws {
        let gateway = RuleExample.baseGateway + "namedValues:\n  burst: '1000000'\n  window: '1'\nguardrails:\n  maxRateLimit: {calls: 50, per: 1s}\n"
        try write(gateway, to: "defs/gateway.yaml")
        let check = #"<validate-jwt header-name="Authorization" require-expiration-time="false"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let api = RuleExample.api(
            fields: "auth: none\nrateLimit: none\npolicy: '<policies><inbound><base />\(check)<rate-limit-by-key calls=\"{{burst}}\" renewal-period=\"{{window}}\" counter-key=\"@(context.Request.Url.Query.GetValueOrDefault(&quot;tenant&quot;, &quot;&quot;))\" /></inbound></policies>'\n",
            routes: "  - {id: list-orders, method: GET, path: /orders}\n")
        try write(api.text, to: "defs/orders.yaml")
        let findings = try lintFindings()
        XCTAssertTrue(
            findings.contains { $0.hasPrefix("RL003") && $0.contains("raw 'rate-limit-by-key' in API 'orders' allows 1000000 calls per 1s") }, "\(findings)")
        XCTAssertTrue(
            findings.contains { $0.hasPrefix("RL004") && $0.contains("counts by the request's query, which callers choose") }, "\(findings)")
        try write(api.text.replacingOccurrences(of: "context.Request.Url.Query", with: "context.Request.MatchedParameters"), to: "defs/orders.yaml")
        XCTAssertTrue(
            try lintFindings().contains { $0.hasPrefix("RL004") && $0.contains("counts by a parameter of the request's path, which callers choose") })
        // The whole URL, however spaced, holds the query (found by the audit of a later round).
        try write(
            api.text.replacingOccurrences(of: "context.Request.Url.Query.GetValueOrDefault(&quot;tenant&quot;, &quot;&quot;)", with: "context.Request .OriginalUrl.ToString()"),
            to: "defs/orders.yaml")
        XCTAssertTrue(try lintFindings().contains { $0.hasPrefix("RL004") && $0.contains("counts by the request's URL, which callers choose") })
        XCTAssertTrue(findings.contains { $0.hasPrefix("LP002") && $0.contains("may take tokens that never expire") }, "\(findings)")
        // Through a variable a policy sets from the query (the round-24 backlog), and a
        // variable set from nothing the caller sends, which stays quiet.
        let counted = api.text.replacingOccurrences(
            of: "context.Request.Url.Query.GetValueOrDefault(&quot;tenant&quot;, &quot;&quot;))\" />", with: "(string)context.Variables[&quot;tenant&quot;])\" />")
        for (setter, reported) in [("context.Request.Url.Query.GetValueOrDefault(&quot;tenant&quot;, &quot;&quot;)", true), ("context.Subscription.Id", false)] {
            try write(
                counted.replacingOccurrences(of: "<base />", with: "<base /><set-variable name=\"tenant\" value=\"@(\(setter))\" />"),
                to: "defs/orders.yaml")
            XCTAssertEqual(
                try lintFindings().contains { $0.hasPrefix("RL004") && $0.contains("counts by what the caller sent, which callers choose") }, reported, setter)
        }
        // A counter the query picks among values written out, through a 'choose' whose
        // branches set the variable: the caller picks the counter it is counted on.
        let branches = #"<choose><when condition="@(context.Request.Url.Query.GetValueOrDefault(&quot;tier&quot;, &quot;&quot;) == &quot;gold&quot;)"><set-variable name="tenant" value="gold" /></when><otherwise><set-variable name="tenant" value="free" /></otherwise></choose>"#
        try write(counted.replacingOccurrences(of: "<base />", with: "<base />" + branches), to: "defs/orders.yaml")
        XCTAssertTrue(try lintFindings().contains { $0.hasPrefix("RL004") && $0.contains("counts by what the caller sent, which callers choose") })
    }

    /// A counter keyed by a claim of the token in `Authorization` counts by the issuer's
    /// word once that token is checked before any raw limit, as on a route with `auth` and
    /// its own limit (a false RL004 warning an audit found, on the key of Microsoft's own
    /// examples). Before the check, on a route that checks no token, or of another header,
    /// the caller writes the claim.
    func testACounterKeyedByAValidatedClaimIsNoHeaderTheCallerChooses() throws {
        try (RuleExample.baseGateway + "namedValues:\n  authname: Authorization\n").write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let claim = { (header: String) in
            #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;\#(header)&quot;, &quot;&quot;).AsJwt()?.Subject)" />"#
        }
        let jwt = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt>"#
        let documents = [
            RuleExample.api("checked", routes: "  - {id: list-checked, method: GET, path: /checked, scopes: [orders.read], policy: '<policies><inbound><base />\(claim("Authorization"))</inbound></policies>'}\n"),
            RuleExample.api("unchecked", fields: "auth: none\n", routes: "  - {id: list-unchecked, method: GET, path: /unchecked, public: health checks, policy: '<policies><inbound><base />\(claim("Authorization"))</inbound></policies>'}\n"),
            RuleExample.api("otherheader", routes: "  - {id: list-otherheader, method: GET, path: /otherheader, scopes: [orders.read], policy: '<policies><inbound><base />\(claim("X-Token"))</inbound></policies>'}\n"),
            RuleExample.api("before", fields: "policy: '<policies><inbound><base />\(claim("Authorization"))</inbound></policies>'\n", routes: "  - {id: list-before, method: GET, path: /before, scopes: [orders.read]}\n"),
            // Not where the route's `<base />` runs on some paths only: the generated check runs
            // first, and the broader policies after it may put the caller's text there (audit V22).
            RuleExample.api(
                "partial",
                routes: "  - {id: list-partial, method: GET, path: /partial, scopes: [orders.read], policy: '<policies><inbound><choose><when condition=\"@(context.Request.Headers.ContainsKey(&quot;X-Region&quot;))\"><base /></when></choose>\(claim("Authorization"))</inbound></policies>'}\n"),
            // After the generated check, where a product checks another header first (audit V19 F4).
            RuleExample.api("sold", routes: "  - {id: list-sold, method: GET, path: /sold, scopes: [orders.read], policy: '<policies><inbound><base />\(claim("Authorization"))</inbound></policies>'}\n"),
            // After a raw check of the token in the same policy (Microsoft's example); not
            // before it, nor after one that runs for some requests only.
            RuleExample.api("rawchecked", fields: "auth: none\npolicy: '<policies><inbound><base />\(jwt)\(claim("Authorization"))</inbound></policies>'\n", routes: "  - {id: list-rawchecked, method: GET, path: /rawchecked}\n"),
            // Not after the caller's other header was put in its place (the audit of the fix).
            RuleExample.api(
                "rawreplaced", fields: "auth: none\npolicy: '<policies><inbound><base />\(jwt)<set-header name=\"Authorization\" exists-action=\"override\"><value>@(context.Request.Headers.GetValueOrDefault(&quot;X-Token&quot;, &quot;&quot;))</value></set-header>\(claim("Authorization"))</inbound></policies>'\n",
                routes: "  - {id: list-rawreplaced, method: GET, path: /rawreplaced}\n"),
            // Nor under a name a named value gives, through a variable (the fourth audit); a
            // header of a request sent elsewhere is not this request's.
            RuleExample.api(
                "rawnamed", fields: "auth: none\npolicy: '<policies><inbound><base />\(jwt)<set-header name=\"{{authname}}\" exists-action=\"override\"><value>@(context.Request.Headers.GetValueOrDefault(&quot;X-Token&quot;, &quot;&quot;))</value></set-header>\(claim("Authorization"))</inbound></policies>'\n",
                routes: "  - {id: list-rawnamed, method: GET, path: /rawnamed}\n"),
            // Set in the API's policy, which runs within the route's `<base />`, two copies
            // deep (the sixth audit).
            RuleExample.api(
                "apivariable", fields: "policy: '<policies><inbound><base /><set-variable name=\"rl-raw\" value=\"@(context.Request.Headers.GetValueOrDefault(&quot;X-Token&quot;, &quot;&quot;))\" /><set-variable name=\"rl-copy\" value=\"@((string)context.Variables[&quot;rl-raw&quot;])\" /></inbound></policies>'\n",
                routes: "  - {id: list-apivariable, method: GET, path: /apivariable, scopes: [orders.read], policy: '<policies><inbound><base /><set-header name=\"Authorization\" exists-action=\"override\"><value>@((string)context.Variables[&quot;rl-copy&quot;])</value></set-header>\(claim("Authorization"))</inbound></policies>'}\n"),
            RuleExample.api(
                "rawvariable", fields: "auth: none\npolicy: '<policies><inbound><base />\(jwt)<set-variable name=\"rl-token\" value=\"@(context.Request.Headers.GetValueOrDefault(&quot;X-Token&quot;, &quot;&quot;))\" /><set-header name=\"Authorization\" exists-action=\"override\"><value>@((string)context.Variables[&quot;rl-token&quot;])</value></set-header>\(claim("Authorization"))</inbound></policies>'\n",
                routes: "  - {id: list-rawvariable, method: GET, path: /rawvariable}\n"),
            RuleExample.api(
                "rawsent", fields: "auth: none\npolicy: '<policies><inbound><base />\(jwt)<send-request mode=\"new\" response-variable-name=\"rl-sent\"><set-url>https://audit.example.com</set-url><set-header name=\"Authorization\" exists-action=\"override\"><value>@(context.Request.Headers.GetValueOrDefault(&quot;X-Token&quot;, &quot;&quot;))</value></set-header></send-request>\(claim("Authorization"))</inbound></policies>'\n",
                routes: "  - {id: list-rawsent, method: GET, path: /rawsent}\n"),
            // Nor a written token, a deletion or the gateway's own token in a branch (the
            // fifth audit).
            RuleExample.api(
                "rawwritten", fields: "auth: none\npolicy: '<policies><inbound><base />\(jwt)<set-header name=\"Authorization\" exists-action=\"override\"><value>Bearer gateway</value></set-header><set-header name=\"Authorization\" exists-action=\"delete\" /><choose><when condition=\"@(context.Request.Method == &quot;GET&quot;)\"><authentication-managed-identity resource=\"api://orders-backend\" /></when></choose>\(claim("Authorization"))</inbound></policies>'\n",
                routes: "  - {id: list-rawwritten, method: GET, path: /rawwritten}\n"),
            // The gateway's own token put there is one counter for all, which no caller picks.
            RuleExample.api(
                "rawidentity", fields: "auth: none\npolicy: '<policies><inbound><base />\(jwt)<authentication-managed-identity resource=\"api://orders-backend\" />\(claim("Authorization"))</inbound></policies>'\n",
                routes: "  - {id: list-rawidentity, method: GET, path: /rawidentity}\n"),
            // After the generated check too, the caller's other header put in its place.
            RuleExample.api(
                "routeswap", routes: "  - {id: list-routeswap, method: GET, path: /routeswap, scopes: [orders.read], policy: '<policies><inbound><base /><set-header name=\"Authorization\" exists-action=\"override\"><value>@(context.Request.Headers.GetValueOrDefault(&quot;X-Token&quot;, &quot;&quot;))</value></set-header>\(claim("Authorization"))</inbound></policies>'}\n"),
            RuleExample.api("rawafter", fields: "auth: none\npolicy: '<policies><inbound><base />\(claim("Authorization"))\(jwt)</inbound></policies>'\n", routes: "  - {id: list-rawafter, method: GET, path: /rawafter}\n"),
            RuleExample.api(
                "rawsome", fields: "auth: none\npolicy: '<policies><inbound><base /><choose><when condition=\"@(context.Request.Method == &quot;POST&quot;)\">\(jwt)</when></choose>\(claim("Authorization"))</inbound></policies>'\n",
                routes: "  - {id: list-rawsome, method: GET, path: /rawsome}\n"),
        ].map(\.text)
        // A plain-http backend makes the lint fail, as the helper expects.
        try write(documents.joined(separator: "---\n").replacingOccurrences(of: "https://before.example.com", with: "http://before.example.com"), to: "defs/apis.yaml")
        try write(
            Self.product("partners", apis: "sold", policy: "<inbound>\(jwt.replacingOccurrences(of: "Authorization", with: "X-Tok"))<base /></inbound>"),
            to: "defs/partners.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("RL004") }
        XCTAssertEqual(findings.sorted(), [
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in API 'before' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in API 'rawafter' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in API 'rawnamed' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in API 'rawreplaced' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in API 'rawsome' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in API 'rawvariable' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in route 'apivariable/list-apivariable' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in route 'otherheader/list-otherheader' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in route 'partial/list-partial' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in route 'routeswap/list-routeswap' counts by a request header, which callers choose",
            "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in route 'unchecked/list-unchecked' counts by a request header, which callers choose",
        ])
    }

    /// What the audit of the raw-control-flow fixes found. Bypasses: a branch on the
    /// method written with a named value, a character reference or a lone '|', or on a
    /// method a raw 'set-method' lets the caller choose; a semantic cache lookup before the
    /// check; a check of a token read from a variable; 'Authorization' set with
    /// exists-action 'skip', which a caller who sends none receives. False positives: a
    /// gateway-wide refusal or preflight answer written out, which gives nothing of the
    /// backend's, and a rate limit that counts all but preflights.
    func testTheSecondAuditOfRawControlFlow() throws {
        let jwt = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let answer = #"<return-response response-variable-name="cached" />"#
        let gateway = RuleExample.baseGateway + "namedValues:\n  probe-method: GET\n"
            + #"policy: '<policies><inbound><choose><when condition="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;) == &quot;&quot;)"><return-response><set-status code="401" reason="Unauthorized" /></return-response></when><when condition="@(context.Request.Method == &quot;OPTIONS&quot; &amp;&amp; context.Request.Headers.ContainsKey(&quot;Origin&quot;))"><return-response><set-status code="204" reason="No Content" /><set-header name="Access-Control-Allow-Origin" exists-action="override"><value>https://shop.example.com</value></set-header></return-response></when></choose></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>'"#
            + "\n"
        try write(gateway, to: "defs/gateway.yaml")
        let apis: [(name: String, fields: String, policy: String)] = [
            ("namedmethod", "", #"<choose><when condition="@(context.Request.Method == &quot;{{probe-method}}&quot;)">\#(answer)</when></choose><base />"#),
            ("referenced", "", #"<choose><when condition="@(context.Request.Method == &quot;&#71;ET&quot;)">\#(answer)</when></choose><base />"#),
            ("lonebar", "", #"<choose><when condition="@(context.Request.Method == &quot;DELETE&quot; | context.Request.Headers.ContainsKey(&quot;X-Preview&quot;))">\#(answer)</when></choose><base />"#),
            ("overridden", "", #"<set-method>@(context.Request.Headers.GetValueOrDefault(&quot;X-Method&quot;, &quot;GET&quot;))</set-method><choose><when condition="@(context.Request.Method == &quot;DELETE&quot;)">\#(answer)</when></choose><base />"#),
            ("semantic", "", #"<azure-openai-semantic-cache-lookup score-threshold="0.05" embeddings-backend-id="embeddings" embeddings-backend-auth="system-assigned" /><base />"#),
            ("variabletoken", "auth: none\n", jwt.replacingOccurrences(of: #"header-name="Authorization""#, with: #"token-value="@((string)context.Variables[&quot;partnerToken&quot;])""#) + "<base />"),
            ("skipped", "auth: none\n", #"<set-header name="Authorization" exists-action="skip"><value>Bearer {{probe-method}}</value></set-header><base />"# + jwt),
            ("preflights", "rateLimit: none\n", #"<base /><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" increment-condition="@(context.Request.Method != &quot;OPTIONS&quot;)" />"#),
        ]
        let documents = apis.map { name, fields, policy in
            RuleExample.api(
                name, fields: fields + "policy: '<policies><inbound>\(policy)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /\(name)\(fields.isEmpty || fields.hasPrefix("rateLimit") ? ", scopes: [orders.read]" : "")}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings()
        for name in ["namedmethod", "referenced", "lonebar", "overridden", "semantic"] {
            XCTAssertTrue(
                findings.contains { $0.hasPrefix("LP001") && $0.contains("in API '\(name)' may answer requests of route 'list-\(name)' before its token check") },
                "\(name): \(findings)")
        }
        XCTAssertTrue(findings.contains { $0.hasPrefix("LP001") && $0.contains("route 'list-variabletoken' accepts requests without a token") }, "\(findings)")
        XCTAssertTrue(
            findings.contains { $0.hasPrefix("LP001") && $0.contains("raw 'set-header' in API 'skipped' replaces the caller's token before the token check") },
            "\(findings)")
        XCTAssertFalse(findings.contains { $0.contains("the gateway may answer") }, "\(findings)")
        XCTAssertFalse(findings.contains { $0.hasPrefix("RL001") && $0.contains("list-preflights") }, "\(findings)")
    }

    /// A token-value reading a header a secret names checks some header of the caller's:
    /// a header set before it, whatever its name, may be the one it reads (LP001), a query
    /// parameter or a header set after it is not. A secret given where the caller sends
    /// no token is the gateway's token, so the route stays unchecked (audit V9: every one
    /// was taken for a token the policy gives).
    func testATokenValueReadingAHeaderASecretNamesChecksTheCaller() throws {
        func check(_ read: String) -> String {
            #"<validate-jwt token-value="@(context.Request.Headers.GetValueOrDefault(\#(read)))"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        }
        let named = check("&quot;{{token-header}}&quot;, &quot;&quot;")
        let copy = { (variable: String) in #"<set-variable name="\#(variable)" value="@(context.Request.Headers.GetValueOrDefault(&quot;{{token-header}}&quot;, &quot;&quot;))" />"# }
        let checkOf = { (variable: String) in #"<validate-jwt token-value="@((string)context.Variables[&quot;\#(variable)&quot;])"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"# }
        let header = #"<set-header name="X-Anything" exists-action="override"><value>Bearer {{service-token}}</value></set-header>"#
        let query = #"<set-query-parameter name="x" exists-action="override"><value>1</value></set-query-parameter>"#
        let apis: [(name: String, policy: String)] = [
            ("headerfirst", header + named),
            ("queryfirst", query + named),
            ("headerafter", named + header),
            ("fallback", check("&quot;X-Token&quot;, &quot;{{token-header}}&quot;")),
            // The same secret naming the header and given for a missing one (audit V10).
            ("samefallback", check("&quot;{{token-header}}&quot;, &quot;{{token-header}}&quot;")),
            // A variable copying such a header holds the caller's token too (audit V10).
            // Each its own variable: a variable's setters are read across the estate.
            ("variable", copy("a") + checkOf("a")),
            ("variableheaderfirst", header + copy("b") + checkOf("b")),
            ("variablefallback", copy("c").replacingOccurrences(of: "&quot;{{token-header}}&quot;, &quot;&quot;", with: "&quot;X-Token&quot;, &quot;{{token-header}}&quot;") + checkOf("c")),
        ]
        let gateway = RuleExample.baseGateway.replacingOccurrences(
            of: "secrets:\n", with: "secrets:\n  token-header: {keyVault: https://example-kv.vault.azure.net/secrets/token-header}\n")
        let findings = try findings(ofAPIs: apis, gateway: gateway + "namedValues:\n  service-token: not-a-secret-here\n")
        XCTAssertEqual(
            findings.sorted(),
            [
                "LP001 defs/apis.yaml: raw 'set-header' in API 'headerfirst' replaces the caller's token before the token check of route 'list-headerfirst' reads it, so the check judges the gateway's credentials, not the caller's",
                "LP001 defs/apis.yaml: route 'list-fallback' accepts requests without a token and gives no reason",
                "LP001 defs/apis.yaml: route 'list-samefallback' accepts requests without a token and gives no reason",
                "LP001 defs/apis.yaml: route 'list-variablefallback' accepts requests without a token and gives no reason",
                "LP001 defs/apis.yaml: raw 'set-header' in API 'variableheaderfirst' replaces the caller's token before the token check of route 'list-variableheaderfirst' reads it, so the check judges the gateway's credentials, not the caller's",
            ].sorted())
    }

    /// Lints one API per entry of `apis`, each of one GET route, with the entry's statements
    /// as its raw `inbound` (before `<base />` where `beforeBase`), beside `gateway`; returns
    /// the findings whose code starts with `codes`.
    private func findings(
        ofAPIs apis: [(name: String, policy: String)], gateway: String, beforeBase: Bool = true, codes: String = "LP001"
    ) throws -> [String] {
        try write(gateway, to: "defs/gateway.yaml")
        let base = beforeBase ? "<base />" : ""
        let documents = apis.map { name, policy in
            RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound>\(policy)\(base)</inbound></policies>'\n", routes: "  - {id: list-\(name), method: GET, path: /\(name)}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        return try lintFindings().filter { $0.hasPrefix(codes) }
    }

    /// A raw token check in the branch of the route's method is the route's check, as the
    /// rules that find a route unchecked judge it, so `Authorization` replaced before it
    /// is LP001 (audit V10: the check was taken for the route's, yet the replacement before
    /// it went unreported, as the walk to it looked for a check on every path of any method).
    func testAReplacementBeforeACheckInTheBranchOfTheRoutesMethodIsLP001() throws {
        let check = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let replaced = #"<set-header name="Authorization" exists-action="override"><value>Bearer {{service-token}}</value></set-header>"#
        let branch = #"<choose><when condition="@(context.Request.Method == &quot;GET&quot;)">"# + check + "</when></choose>"
        XCTAssertEqual(
            try findings(ofAPIs: [("branched", replaced + branch)], gateway: RuleExample.baseGateway + "namedValues:\n  service-token: not-a-secret-here\n"),
            [
                "LP001 defs/apis.yaml: raw 'set-header' in API 'branched' replaces the caller's token before the token check of route 'list-branched' reads it, so the check judges the gateway's credentials, not the caller's"
            ])
    }

    /// A variable holding the caller's token holds what its setter read when it ran, in
    /// the order the request meets statements: `Authorization` replaced before the setter
    /// is LP001; replaced after it, or with the variable set only after the check, it is
    /// not (audit V9: LP001 read the setters without their order). Within one statement
    /// (a `choose`, a `retry`, a fragment) the order is not followed: a setter there counts
    /// wherever it stands (audit V10: replaced, then copied, in one `choose` went unreported).
    func testAVariableHoldsTheCallersTokenAsItsSetterFoundIt() throws {
        let check = #"<validate-jwt token-value="@((string)context.Variables[&quot;t&quot;])"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let setter = #"<set-variable name="t" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))" />"#
        let replaced = #"<set-header name="Authorization" exists-action="override"><value>Bearer {{service-token}}</value></set-header>"#
        let apis: [(name: String, policy: String)] = [
            ("replacedfirst", replaced + setter + check),
            ("setfirst", setter + replaced + check),
            ("replacedafter", setter + check + replaced),
            ("setafter", replaced + check + setter),
            ("inachoose", #"<choose><when condition="@(true)">"# + replaced + setter + "</when></choose>" + check),
            ("inaretry", #"<retry condition="@(false)" count="1" interval="1">"# + replaced + setter + "</retry>" + check),
            ("inafragment", #"<choose><when condition="@(true)"><include-fragment fragment-id="copy" /></when></choose>"# + check),
        ]
        try write(
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: copy\npolicy: '<fragment>\(replaced + setter)</fragment>'\n", to: "defs/fragments.yaml")
        let findings = try findings(ofAPIs: apis, gateway: RuleExample.baseGateway + "namedValues:\n  service-token: not-a-secret-here\n")
        for api in ["replacedfirst", "inachoose", "inaretry", "inafragment"] {
            XCTAssertTrue(findings.contains { $0.contains("raw 'set-header' in API '\(api)' replaces the caller's token before the token check") }, "\(findings)")
        }
        XCTAssertEqual(findings.count, 4, "\(findings)")
    }

    /// A token check given its token by a variable judges the caller's own where every
    /// setter of the variable gives what the caller sent in a header or a query parameter,
    /// or nothing: such a check stands for the route's (no LP001; LP002, and so LP001, when
    /// it checks no audience), and credentials put where the setter reads count as replacing the
    /// caller's. A variable also given a named value, a text written out for a missing
    /// token, a variable not so set, a cached value or the gateway's own token is the
    /// gateway's to fill, so the route stays unchecked (it was always so before).
    func testATokenCheckGivenTheCallersTokenThroughAVariableChecksTheCaller() throws {
        let check = #"<validate-jwt token-value="@((string)context.Variables[&quot;NAME&quot;])"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        func checked(_ variable: String, setBy setters: String, audience: Bool = true) -> String {
            var check = check.replacingOccurrences(of: "NAME", with: variable)
            if !audience { check = check.replacingOccurrences(of: "<audiences><audience>api://orders</audience></audiences>", with: "") }
            return setters + check + "<base />"
        }
        func set(_ variable: String, _ value: String) -> String { #"<set-variable name="\#(variable)" value="\#(value)" />"# }
        let header = "context.Request.Headers.GetValueOrDefault(&quot;X-Token&quot;, &quot;&quot;)"
        let service = "&quot;{{service-token}}&quot;"
        let apis: [(name: String, policy: String)] = [
            ("bearer", checked("bearerToken", setBy: set("bearerToken", "@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).Replace(&quot;Bearer &quot;, &quot;&quot;))"))),
            ("queried", checked("queriedToken", setBy: set("queriedToken", "@(context.Request.Url.Query.GetValueOrDefault(&quot;access_token&quot;) ?? &quot;&quot;)"))),
            ("branched", checked("branchedToken", setBy: set("branchedToken", "@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;) ? context.Request.Headers.GetValueOrDefault(&quot;X-Partner&quot;) : context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).Split(&apos; &apos;).Last())"))),
            ("fallback", checked("fallbackToken", setBy: set("fallbackToken", "@(context.Request.Headers.GetValueOrDefault(&quot;X-Token&quot;) ?? \(service))"))),
            ("debug", checked("debugToken", setBy: set("debugToken", "@(context.Request.Headers.GetValueOrDefault(&quot;X-Debug&quot;) == &quot;1&quot; ? \(service) : \(header))"))),
            ("twosetters", checked("twoToken", setBy: set("twoToken", "@(\(header))") + #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Legacy&quot;))">"# + set("twoToken", "{{service-token}}") + "</when></choose>")),
            ("cached", checked("cachedToken", setBy: set("cachedToken", "@(\(header))") + #"<cache-lookup-value key="@(context.Request.Headers.GetValueOrDefault(&quot;X-User&quot;, &quot;&quot;))" variable-name="cachedToken" />"#)),
            ("identity", checked("identityToken", setBy: set("identityToken", "@(\(header))") + #"<authentication-managed-identity resource="api://partner" output-token-variable-name="identityToken" />"#)),
            ("joined", checked("joinedToken", setBy: set("serviceToken", "{{service-token}}") + set("joinedToken", "@(\(header) + (string)context.Variables[&quot;serviceToken&quot;])"))),
            ("replaced", checked("replacedToken", setBy: #"<set-header name="Authorization" exists-action="override"><value>Bearer {{service-token}}</value></set-header>"# + set("replacedToken", "@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))"))),
            ("unset", checked("unsetToken", setBy: "")),
            ("sample", checked("sampleToken", setBy: set("sampleToken", "@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;scheme param&quot;).Split(&apos; &apos;).Last())"))),
            ("anycase", checked("anyCaseToken", setBy: set("anyCaseToken", "@(context.Request.Headers[&quot;Authorization&quot;].First().Replace(&quot;Bearer &quot;, &quot;&quot;, StringComparison.OrdinalIgnoreCase))"))),
            // The second audit: the scheme cut off in `token-value`; other casts; the
            // query as the caller sent it.
            ("cutlater", checked("cutLaterToken", setBy: set("cutLaterToken", "@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))")).replacingOccurrences(of: "(string)context.Variables[&quot;cutLaterToken&quot;]", with: "((string)context.Variables[&quot;cutLaterToken&quot;]).Replace(&quot;Bearer &quot;, String.Empty)")),
            ("asstring", checked("asStringToken", setBy: set("asStringToken", "@(\(header))")).replacingOccurrences(of: "(string)context.Variables[&quot;asStringToken&quot;]", with: "context.Variables[&quot;asStringToken&quot;] as string")),
            ("originalquery", checked("originalQueryToken", setBy: set("originalQueryToken", "@(context.Request.OriginalUrl.Query.GetValueOrDefault(&quot;access_token&quot;, &quot;&quot;))"))),
            ("copied", checked("copiedToken", setBy: set("wholeHeader", "@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))") + set("copiedToken", "@(((string)context.Variables[&quot;wholeHeader&quot;]).Split(&apos; &apos;).Last())"))),
            ("sixteencopies", checked("copy16", setBy: set("copy0", "@(\(header))") + (1...16).map { set("copy\($0)", "@((string)context.Variables[&quot;copy\($0 - 1)&quot;])") }.joined())),
            ("block", checked("blockToken", setBy: set("blockToken", "@{ var header = context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;); return header.Replace(&quot;Bearer &quot;, &quot;&quot;); }"))),
            ("noaudience", checked("audienceToken", setBy: set("audienceToken", "@(\(header))"), audience: false)),
            // The audit of the change: a default of the read, a join or an edit that may
            // give the gateway's token; a fallback in `token-value` itself; a header read
            // by a name not written out, which the gateway replaced; a setter under a
            // name spelt with spaces or a secret's named value; `Variables` written with
            // a character reference.
            ("headerdefault", checked("headerDefaultToken", setBy: set("headerDefaultToken", "@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;Bearer {{service-token}}&quot;).Split(&apos; &apos;).Last())"))),
            ("querydefault", checked("queryDefaultToken", setBy: set("queryDefaultToken", "@(context.Request.Url.Query.GetValueOrDefault(&quot;access_token&quot;, \(service)))"))),
            ("concatenated", checked("concatenatedToken", setBy: set("concatenatedToken", "@(\(header) + \(service))"))),
            ("formatted", checked("formattedToken", setBy: set("formattedToken", "@($&quot;{\(header)}{{service-token}}&quot;)"))),
            ("edited", checked("editedToken", setBy: set("editedToken", "@(\(header).Replace(&quot;svc&quot;, \(service)))"))),
            ("valuefallback", checked("valueFallbackToken", setBy: set("valueFallbackToken", "@(\(header))")).replacingOccurrences(of: "(string)context.Variables[&quot;valueFallbackToken&quot;]", with: "(string)context.Variables.GetValueOrDefault(&quot;valueFallbackToken&quot;) ?? &quot;partner-fallback&quot;")),
            ("valuedefault", checked("valueDefaultToken", setBy: set("valueDefaultToken", "@(\(header))")).replacingOccurrences(of: "(string)context.Variables[&quot;valueDefaultToken&quot;]", with: "context.Variables.GetValueOrDefault&lt;string&gt;(&quot;valueDefaultToken&quot;, &quot;partner-fallback&quot;)")),
            ("anyheader", checked("anyHeaderToken", setBy: #"<set-header name="X-Token" exists-action="override"><value>{{service-token}}</value></set-header>"# + set("anyHeaderToken", "@(context.Request.Headers.FirstOrDefault(h =&gt; h.Key == &quot;X-Token&quot;).Value?.FirstOrDefault() ?? &quot;&quot;)"))),
            ("computedname", checked("computedNameToken", setBy: #"<set-header name="X-Token" exists-action="override"><value>{{service-token}}</value></set-header>"# + set("computedNameToken", "@(context.Request.Headers.GetValueOrDefault(&quot;X-&quot; + &quot;Token&quot;, &quot;&quot;))"))),
            ("spaced", checked("spacedToken", setBy: set(" spacedToken", "{{service-token}}") + set("spacedToken", "@(\(header))"))),
            ("referenced", checked("referencedToken", setBy: set("serviceCopy", "{{service-token}}")).replacingOccurrences(of: "context.Variables[&quot;referencedToken&quot;]", with: "context.&#86;ariables[&quot;serviceCopy&quot;]")),
            // The second audit: `Variables` spelt with a C# escape; a named value written
            // with character references, read by no variable.
            ("escaped", checked("escapedToken", setBy: set("serviceCopy", "{{service-token}}")).replacingOccurrences(of: "context.Variables[&quot;escapedToken&quot;]", with: "context.\\u0056ariables[&quot;serviceCopy&quot;]")),
            ("copiedservice", checked("copiedServiceToken", setBy: set("serviceOriginal", "{{service-token}}") + set("copiedServiceToken", "@((string)context.Variables[&quot;serviceOriginal&quot;])"))),
            ("cycle", checked("cycleToken", setBy: set("cycleToken", "@((string)context.Variables[&quot;cycleOther&quot;])") + set("cycleOther", "@((string)context.Variables[&quot;cycleToken&quot;])"))),
            ("blockjoin", checked("blockJoinToken", setBy: set("blockJoinToken", "@{ var header = \(header) + \(service); return header.Trim(); }"))),
            ("blockdefault", checked("blockDefaultToken", setBy: set("blockDefaultToken", "@{ string header = context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;Bearer {{service-token}}&quot;); return header.Split(&apos; &apos;).Last(); }"))),
            // The third audit: names .NET's case-insensitive comparison takes for one.
            ("dotless", checked("dotlessTı", setBy: set("dotlessTı", "@(\(header))") + set("DOTLESSTI", "{{service-token}}"))),
            ("bracedreference", checked("bracedToken", setBy: "").replacingOccurrences(of: "(string)context.Variables[&quot;bracedToken&quot;]", with: "&quot;&#123;&#123;service-token}}&quot;")),
        ]
        let findings = try findings(
            ofAPIs: apis, gateway: RuleExample.baseGateway + "namedValues:\n  service-token: not-a-secret-here\n", beforeBase: false, codes: "LP00")
        for name in ["bearer", "queried", "branched", "sample", "anycase", "cutlater", "asstring", "originalquery", "copied", "block", "sixteencopies"] {
            XCTAssertFalse(findings.contains { $0.hasPrefix("LP001") && $0.contains("list-\(name)'") }, "\(name): \(findings)")
        }
        // A check that lets callers through is none (LP002), as one of a header.
        for name in [
            "fallback", "debug", "twosetters", "cached", "identity", "joined", "unset", "noaudience", "headerdefault", "querydefault", "concatenated",
            "formatted", "edited", "valuefallback", "valuedefault", "anyheader", "computedname", "spaced", "referenced", "escaped", "bracedreference", "copiedservice", "cycle", "blockjoin", "blockdefault", "dotless",
        ] {
            XCTAssertTrue(findings.contains { $0.hasPrefix("LP001") && $0.contains("route 'list-\(name)' accepts requests without a token") }, "\(name): \(findings)")
        }
        XCTAssertTrue(
            findings.contains { $0.hasPrefix("LP001") && $0.contains("raw 'set-header' in API 'replaced' replaces the caller's token before the token check") },
            "\(findings)")
        XCTAssertTrue(findings.contains { $0.hasPrefix("LP002") && $0.contains("in API 'noaudience' checks no audience") }, "\(findings)")
        XCTAssertFalse(findings.contains { $0.hasPrefix("LP002") && !$0.contains("'noaudience'") }, "\(findings)")
    }

    /// A token check judges what is where it reads: the audit of the emitted policies
    /// replaced 'Authorization' under a name written as a named value or an expression, and
    /// a raw check of another header or a query parameter passed when the policy put a
    /// token of its own there first. Credentials put where no later check reads (the
    /// backend's 'Authorization' before a check of a partner's header) are not reported.
    func testCredentialsPutWhereACheckReadsAreReported() throws {
        let partnerCheck = #"<validate-jwt header-name="X-Partner-Token"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let apis: [(name: String, fields: String, policy: String)] = [
            ("namedheader", "", #"<set-header name="{{token-header}}" exists-action="override"><value>Bearer {{service-token}}</value></set-header><base />"#),
            ("expressionheader", "", #"<set-header name="@(&quot;Authori&quot; + &quot;zation&quot;)" exists-action="override"><value>Bearer {{service-token}}</value></set-header><base />"#),
            ("partnerheader", "auth: none\n", #"<set-header name="x-partner-token" exists-action="skip"><value>{{service-token}}</value></set-header>"# + partnerCheck + "<base />"),
            ("partnerquery", "auth: none\n", #"<set-query-parameter name="access_token" exists-action="override"><value>{{service-token}}</value></set-query-parameter>"#
                + partnerCheck.replacingOccurrences(of: #"header-name="X-Partner-Token""#, with: #"query-parameter-name="access_token""#) + "<base />"),
            ("backendtoken", "auth: none\n", #"<set-header name="Authorization" exists-action="override"><value>Bearer {{service-token}}</value></set-header>"# + partnerCheck + "<base />"),
            // The audit of the fix: a later check reading 'Authorization' (here the
            // generated one) counts past the first; a check given its token by an
            // expression may read any header; a 'rewrite-uri' writes the query too; a
            // name given by a named value is read with its value.
            ("latercheck", "", #"<base /><authentication-managed-identity resource="api://example" />"# + partnerCheck),
            ("tokenvalue", "auth: none\n", #"<set-header name="Authorization" exists-action="override"><value>Bearer {{service-token}}</value></set-header>"#
                + partnerCheck.replacingOccurrences(of: #"header-name="X-Partner-Token""#, with: #"token-value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).Replace(&quot;Bearer &quot;, &quot;&quot;))""#) + "<base />"),
            ("rewritten", "auth: none\n", #"<rewrite-uri template="/orders?access_token={{service-token}}" />"#
                + partnerCheck.replacingOccurrences(of: #"header-name="X-Partner-Token""#, with: #"query-parameter-name="access_token""#) + "<base />"),
            ("tracename", "", #"<set-header name="{{trace-header}}" exists-action="override"><value>1</value></set-header><base />"#),
            // The second audit: a query written by an expression or a named value; and a
            // header the check given its token by an expression does not read.
            ("computedquery", "auth: none\n", #"<rewrite-uri template="@(&quot;/orders&#63;access_token=&quot; + &quot;{{service-token}}&quot;)" />"#
                + partnerCheck.replacingOccurrences(of: #"header-name="X-Partner-Token""#, with: #"query-parameter-name="access_token""#) + "<base />"),
            // A token read from a query parameter whose name is not written out may be read
            // from any (the audit of a later change made it no place the query's writers reach).
            ("namedparameter", "auth: none\n", #"<set-query-parameter name="access_token" exists-action="override"><value>{{service-token}}</value></set-query-parameter>"#
                + partnerCheck.replacingOccurrences(of: #"header-name="X-Partner-Token""#, with: #"token-value="@(context.Request.Url.Query.GetValueOrDefault(&quot;access&quot; + &quot;_token&quot;, &quot;&quot;))""#) + "<base />"),
            ("correlated", "auth: none\n", #"<set-header name="X-Correlation-Id" exists-action="override"><value>@(context.RequestId.ToString())</value></set-header>"#
                + partnerCheck.replacingOccurrences(of: #"header-name="X-Partner-Token""#, with: #"token-value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))""#) + "<base />"),
        ]
        let gateway = RuleExample.baseGateway + "namedValues:\n  token-header: Authorization\n  trace-header: X-Trace\n  service-token: not-a-secret-here\n"
        try write(gateway, to: "defs/gateway.yaml")
        let documents = apis.map { name, fields, policy in
            RuleExample.api(
                name, fields: fields + "policy: '<policies><inbound>\(policy)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /\(name)\(fields.isEmpty ? ", scopes: [orders.read]" : "")}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("LP001") }
        for (name, statement) in [
            ("namedheader", "set-header"), ("expressionheader", "set-header"), ("partnerheader", "set-header"), ("partnerquery", "set-query-parameter"),
            ("latercheck", "authentication-managed-identity"), ("tokenvalue", "set-header"), ("rewritten", "rewrite-uri"),
            ("computedquery", "rewrite-uri"), ("namedparameter", "set-query-parameter"),
        ] {
            XCTAssertTrue(
                findings.contains { $0.contains("raw '\(statement)' in API '\(name)' replaces the caller's token before the token check of route 'list-\(name)' reads it") },
                "\(name): \(findings)")
        }
        XCTAssertFalse(findings.contains { $0.contains("backendtoken") || $0.contains("tracename") || $0.contains("correlated") }, "\(findings)")
    }

    /// A check every request meets, though written in branches: a 'choose' with a check in
    /// each branch and in 'otherwise' (Microsoft's sample that checks writes for more
    /// claims), or a 'retry' around one, which runs what it holds at least once. They were
    /// taken for no check (LP001 on routes they guard). What a branch holds before its
    /// check is still before the check, and a 'choose' without 'otherwise' is no check.
    func testACheckInEveryBranchIsACheckOnEveryRequest() throws {
        let jwt = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let patch = #"<when condition="@(context.Request.Method == &quot;PATCH&quot;)">"#
        let apis: [(name: String, policy: String)] = [
            ("branches", "<choose>\(patch)\(jwt)</when><otherwise>\(jwt)</otherwise></choose><base />"),
            ("retried", #"<retry condition="@(false)" count="1" interval="1">"# + jwt + "</retry><base />"),
            ("nootherwise", "<choose>\(patch)\(jwt)</when></choose><base />"),
            ("answerfirst", #"<choose>\#(patch)\#(jwt)</when><otherwise><return-response response-variable-name="cached" />\#(jwt)</otherwise></choose><base />"#),
        ]
        let documents = apis.map { name, policy in
            RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound>\(policy)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /\(name)}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("LP001") }
        XCTAssertFalse(findings.contains { $0.contains("list-branches") || $0.contains("list-retried") }, "\(findings)")
        XCTAssertTrue(findings.contains { $0.contains("route 'list-nootherwise' accepts requests without a token") }, "\(findings)")
        XCTAssertTrue(
            findings.contains { $0.contains("raw 'return-response' in API 'answerfirst' may answer requests of route 'list-answerfirst' before its token check") },
            "\(findings)")
    }

    /// A raw check whose claims grant nothing lets any token of its issuers through, and
    /// a long 'clock-skew' takes tokens long expired: a check of 'aud' only, a claim
    /// without a value, a day of skew, or a skew a named value or expression decides,
    /// passed LP002 (the last round's open items).
    func testAClaimThatGrantsNothingAndALongClockSkewAreReported() throws {
        func check(_ attributes: String, _ claims: String) -> String {
            #"<validate-jwt header-name="Authorization"\#(attributes)><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims>\#(claims)</required-claims></validate-jwt>"#
        }
        let scope = #"<claim name="scp" match="any"><value>orders.read</value></claim>"#
        let audience = #"<claim name="aud"><value>api://orders</value></claim>"#
        let apis: [(name: String, policy: String)] = [
            ("audience", check("", audience)),
            ("valueless", check("", #"<claim name="roles" />"# + audience)),
            ("skewed", check(#" clock-skew="86400""#, scope)),
            ("computed", check(#" clock-skew="@(86400)""#, scope)),
            ("named", check(#" clock-skew="{{skew}}""#, scope)),
            ("fine", check(#" clock-skew="60""#, scope + audience)),
        ]
        try write(RuleExample.baseGateway + "namedValues:\n  skew: '604800'\n", to: "defs/gateway.yaml")
        let documents = apis.map { name, policy in
            RuleExample.api(
                name, fields: "auth: none\npolicy: '<policies><inbound>\(policy)<base /></inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /\(name)}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("LP002") }
        XCTAssertEqual(findings.sorted(), [
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'audience' requires only claims that grant no permission ('aud': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'computed' may take tokens long after they expire ('clock-skew' is not a number of seconds written out)",
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'named' takes tokens 7d after they expire ('clock-skew'), longer than the 5m a token's check may be kept",
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'skewed' takes tokens 1d after they expire ('clock-skew'), longer than the 5m a token's check may be kept",
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'valueless' requires only claims that grant no permission ('roles', 'aud': the token's own facts, its holder's profile, or a claim with no value), so any token its issuers sign for its audience passes, whatever scopes or roles it holds",
        ])
    }

    /// The generated introspection reads `portcullis-introspection` after a cache lookup
    /// that may leave it as it was: a raw policy that set it first from a header let a caller
    /// invent the provider's answer, and lint was silent (found by an audit). Every raw
    /// write of a generated variable or header is PX004, wherever it runs and however its
    /// name is spelt; other names are the author's.
    func testARawWriteOfAGeneratedVariableOrHeaderIsPX004() throws {
        let statements: [(name: String, statement: String)] = [
            ("invented", #"<set-variable name="portcullis-introspection" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Upstream&quot;, &quot;&quot;))" />"#),
            ("cased", #"<set-variable name=" Portcullis-Token" value="x" />"#),
            ("referenced", #"<set-variable name="&#112;ortcullis-bearer" value="x" />"#),
            ("looked", #"<cache-lookup-value key="k" variable-name="portcullis-caller-1" />"#),
            ("output", #"<authentication-managed-identity resource="api://x" output-token-variable-name="portcullis-token" />"#),
            ("header", #"<set-header name="X-Portcullis-Cache-Subject" exists-action="override"><value>everyone</value></set-header>"#),
            ("own", #"<set-variable name="tenant" value="portcullis-introspection" />"#),
            // Named by a named value, or by an expression's string (found by the audit of the check).
            ("named", #"<set-variable name="{{reserved}}" value="x" />"#),
            ("computed", #"<set-header name="@(&quot;X-Portcullis-&quot; + &quot;Cache-Subject&quot;)" exists-action="override"><value>x</value></set-header>"#),
        ]
        try (RuleExample.baseGateway + "namedValues:\n  reserved: portcullis-introspection-response\n").write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let documents = statements.map { name, statement in
            RuleExample.api(name, fields: "policy: '<policies><inbound>\(statement)<base /></inbound></policies>'\n", routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n").text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        try write("apiVersion: portcullis/v1\nkind: PolicyFragment\nname: shared\npolicy: '<fragment><set-variable name=\"portcullis-client-id\" value=\"x\" /></fragment>'\n", to: "defs/fragment.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("PX004") }
        XCTAssertEqual(findings.sorted(), [
            "PX004 defs/apis.yaml: raw 'authentication-managed-identity' writes variable 'portcullis-token', which the policies Portcullis generates use",
            "PX004 defs/apis.yaml: raw 'cache-lookup-value' writes variable 'portcullis-caller-1', which the policies Portcullis generates use",
            "PX004 defs/apis.yaml: raw 'set-header' writes header 'X-Portcullis-Cache-Subject', which the policies Portcullis generates use",
            "PX004 defs/apis.yaml: raw 'set-header' writes header 'X-Portcullis-Cache-Subject', which the policies Portcullis generates use",
            "PX004 defs/apis.yaml: raw 'set-variable' writes variable 'Portcullis-Token', which the policies Portcullis generates use",
            "PX004 defs/apis.yaml: raw 'set-variable' writes variable 'portcullis-bearer', which the policies Portcullis generates use",
            "PX004 defs/apis.yaml: raw 'set-variable' writes variable 'portcullis-introspection', which the policies Portcullis generates use",
            "PX004 defs/apis.yaml: raw 'set-variable' writes variable 'portcullis-introspection-response', which the policies Portcullis generates use",
            "PX004 defs/fragment.yaml: raw 'set-variable' writes variable 'portcullis-client-id', which the policies Portcullis generates use",
        ])
    }

    /// The URL as the caller sent it (`context.Request.OriginalUrl`) holds nothing the
    /// policies put in the URL: echoing it sends no secret a `set-query-parameter` added,
    /// where echoing the URL the backend was sent does (found by the audit of a change
    /// that read it as `Url`).
    func testTheOriginalURLCarriesNoSecretThePoliciesAdd() throws {
        func api(_ name: String, _ url: String) -> String {
            RuleExample.api(
                name,
                fields: #"policy: '<policies><inbound><base /><set-query-parameter name="code" exists-action="override"><value>{{partner-secret}}</value></set-query-parameter></inbound><outbound><base /><set-header name="X-Requested" exists-action="override"><value>@(context.Request.\#(url).ToString())</value></set-header></outbound></policies>'"# + "\n",
                routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n").text
        }
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(api("original", "OriginalUrl") + "---\n" + api("sent", "Url"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("SE005") }
        XCTAssertEqual(findings.count, 1, findings.joined(separator: "\n"))
        XCTAssertTrue(findings.allSatisfy { $0.contains("API 'sent'") }, findings.joined(separator: "\n"))
    }

    /// A value copied from two holders of different secrets names the same one on every
    /// run: which reached the copy first followed the order of a dictionary's keys, which
    /// changes from run to run (found by an audit: a real policy's SE005 named either of
    /// two tokens).
    func testAMessageNamesTheSameOriginOnEveryRun() throws {
        let policy = #"policy: '<policies><inbound><base /><authentication-managed-identity resource="api://x" output-token-variable-name="a" /><send-request mode="new" response-variable-name="b" timeout="10"><set-url>https://login.microsoftonline.com/t/oauth2/v2.0/token</set-url><set-method>POST</set-method><set-body>grant_type=client_credentials</set-body></send-request><set-variable name="c" value="@((string)context.Variables[&quot;a&quot;] + (string)context.Variables[&quot;b&quot;])" /></inbound><outbound><base /><set-header name="X-Debug" exists-action="override"><value>@((string)context.Variables[&quot;c&quot;])</value></set-header></outbound></policies>'"#
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(RuleExample.api("orders", fields: policy + "\n", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").text, to: "defs/apis.yaml")
        let first = try lintFindings().filter { $0.hasPrefix("SE005") }
        XCTAssertEqual(first.count, 1, first.joined(separator: "\n"))
        for _ in 0..<7 { XCTAssertEqual(try lintFindings().filter { $0.hasPrefix("SE005") }, first) }
    }

    /// A backend or a request sent on whose host the request writes goes wherever the
    /// caller says, with the caller's token and what the policies add (found by an audit:
    /// SE003 read only the scheme). A host written out, with the path or a query value
    /// after it, and a choice among written hosts, are fine.
    func testAURLWhoseHostTheCallerChoosesIsSE003() throws {
        let header = "context.Request.Headers.GetValueOrDefault(&quot;X-Target&quot;, &quot;https://orders.example.com&quot;)"
        let tenant = "context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;)"
        let cases: [(name: String, statement: String)] = [
            ("backend", #"<set-backend-service base-url="@(\#(header))" />"#),
            ("joined", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Host&quot;, &quot;&quot;))" />"#),
            ("suffix", #"<set-backend-service base-url="@(&quot;https://orders.example.com&quot; + context.Request.Url.Query.GetValueOrDefault(&quot;h&quot;, &quot;&quot;))" />"#),
            ("variable", #"<set-variable name="target" value="@(\#(header))" /><set-backend-service base-url="@((string)context.Variables[&quot;target&quot;])" />"#),
            ("callback", #"<send-request mode="new" response-variable-name="r"><set-url>@(context.Request.Headers.GetValueOrDefault("X-Callback-Url", ""))</set-url><set-method>POST</set-method></send-request>"#),
            ("fixed", #"<set-backend-service base-url="@(&quot;https://orders.example.com/&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;))" />"#),
            ("chosen", #"<set-backend-service base-url="@(context.Request.Headers.GetValueOrDefault(&quot;X-Region&quot;, &quot;&quot;) == &quot;eu&quot; ? &quot;https://eu.example.com&quot; : &quot;https://us.example.com&quot;)" />"#),
            ("path", #"<set-backend-service base-url="@(&quot;https://orders.example.com&quot; + context.Request.Url.Path)" />"#),
            // A format written out fixes the host before its first placeholder (the next audit
            // found a fixed host reported); a placeholder in the host does not.
            ("formatted", #"<set-backend-service base-url="@(string.Format(&quot;https://orders.example.com/{0}&quot;, context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;)))" />"#),
            ("formathost", #"<set-backend-service base-url="@(String.Format(&quot;https://{0}/orders&quot;, context.Request.Headers.GetValueOrDefault(&quot;X-Host&quot;, &quot;&quot;)))" />"#),
            ("culture", #"<set-backend-service base-url="@(string.Format(CultureInfo.InvariantCulture, &quot;https://orders.example.com/{0}&quot;, context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;)))" />"#),
            ("returned", #"<set-backend-service base-url="@{ return string.Format(&quot;https://orders.example.com/{0}&quot;, context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;)); }" />"#),
            // A named value is judged by its value where it is known: a scheme alone before
            // '//' fixes no host, a base URL does.
            ("scheme", #"<set-backend-service base-url="@(&quot;{{scheme}}//&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Host&quot;, &quot;&quot;))" />"#),
            ("base", #"<set-backend-service base-url="@(&quot;{{orders-base}}/&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;))" />"#),
            ("original", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Request.OriginalUrl.Query.GetValueOrDefault(&quot;host&quot;, &quot;&quot;))" />"#),
            // One slash after the scheme: the caller's '/evil.example' makes the second
            // (found by the audit of the change).
            ("oneslash", #"<set-backend-service base-url="@(&quot;https:/&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Host&quot;, &quot;&quot;))" />"#),
            // A slash alone, or a backslash .NET reads as one, is half of a '//' the caller
            // completes (found re-reading the change).
            ("slashonly", #"<set-backend-service base-url="@(&quot;/&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Host&quot;, &quot;&quot;))" />"#),
            ("backslash", #"<set-backend-service base-url="@(&quot;/\\&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Host&quot;, &quot;&quot;))" />"#),
            // A path parameter is the caller's too: the real-world blob sample asks the
            // storage account its path names, with the gateway's identity.
            ("parameter", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Request.MatchedParameters[&quot;account&quot;] + &quot;.blob.core.windows.net/&quot;)" />"#),
            ("parametertest", #"<set-backend-service base-url="@(context.Request.MatchedParameters.GetValueOrDefault(&quot;region&quot;, &quot;&quot;) == &quot;eu&quot; ? &quot;https://eu.example.com&quot; : &quot;https://us.example.com&quot;)" />"#),
            // A variable is judged by its value as a URL is: one that starts with a host
            // written out fixes the host of a URL it starts, whatever the caller adds
            // after it (it was reported, as any variable the caller writes part of); one
            // copied from a variable the caller chooses the host of does not.
            ("pinned", #"<set-variable name="pinned-url" value="@(&quot;https://orders.example.com&quot; + context.Request.Url.Path)" /><set-backend-service base-url="@((string)context.Variables[&quot;pinned-url&quot;])" />"#),
            ("pinnedtenant", #"<set-variable name="tenant-url" value="@(&quot;https://orders.example.com/&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;))" /><set-variable name="tenant-orders" value="@((string)context.Variables[&quot;tenant-url&quot;] + &quot;/orders&quot;)" /><set-backend-service base-url="@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;tenant-orders&quot;))" />"#),
            // A query parameter read by a name not written out is the caller's as one
            // written out is (it was taken for the whole URL, the backend's).
            ("computedquery", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Request.Url.Query.GetValueOrDefault((string)context.Variables[&quot;host-parameter&quot;], &quot;&quot;))" />"#),
            // The query string starts with its '?', which ends a host written before it, as
            // the path's '/' does (the audit of the change found it reported).
            ("mirror", #"<set-backend-service base-url="@(&quot;https://orders.example.com&quot; + context.Request.Url.Path + context.Request.Url.QueryString)" />"#),
            // A part of the path has no '/' to end a host before it: it may be one, directly
            // or through a variable (the audit of the change found the variable missed).
            ("pathhost", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Request.Url.Path.Substring(9) + &quot;.blob.core.windows.net/&quot;)" />"#),
            // The path whole after a base URL kept in a variable ends its host.
            ("variablebase", #"<set-variable name="orders-base" value="https://orders.example.com" /><set-backend-service base-url="@((string)context.Variables[&quot;orders-base&quot;] + context.Request.Url.Path)" />"#),
            ("pathvariable", #"<set-variable name="account" value="@(context.Request.Url.Path.Substring(13))" /><set-backend-service base-url="@(&quot;https://&quot; + (string)context.Variables[&quot;account&quot;] + &quot;.blob.core.windows.net/&quot;)" />"#),
            // So does a part of the query string, of the URL as sent too; the path whole
            // and the query string whole do not, nor does a 'Replace' that keeps the path's
            // '/' (the audit of the fixes).
            ("querystringpart", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Request.Url.QueryString.Substring(6))" />"#),
            ("querypart", #"<set-variable name="query-target" value="@(context.Request.Url.QueryString.Substring(6))" /><set-backend-service base-url="@(&quot;https://&quot; + (string)context.Variables[&quot;query-target&quot;])" />"#),
            ("originalpath", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Request.OriginalUrl.Path.Substring(9) + &quot;.blob.core.windows.net/&quot;)" />"#),
            ("originalmirror", #"<set-backend-service base-url="@(&quot;https://shadow.example.com&quot; + context.Request.OriginalUrl.Path + context.Request.OriginalUrl.QueryString)" />"#),
            ("replaced", #"<set-backend-service base-url="@(&quot;https://internal.example.com&quot; + context.Request.Url.Path.Replace(&quot;/v1/&quot;, &quot;/api/&quot;))" />"#),
            // A variable holding the path whole, cut where it is read, and a path cut after
            // a change of case, through a cast, or trimmed of its '/' (the last audit).
            ("cutvariable", #"<set-variable name="whole-path" value="@(context.Request.Url.Path)" /><set-backend-service base-url="@(&quot;https://&quot; + ((string)context.Variables[&quot;whole-path&quot;]).Substring(1))" />"#),
            ("lowercut", #"<set-backend-service base-url="@(&quot;https://&quot; + ((string)context.Request.Url.Path).ToLower().Substring(9))" />"#),
            ("trimmed", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Request.Url.Path.Trim(&apos;/&apos;))" />"#),
            // A variable named as another API's, whose policy sets it from a header, is
            // this API's own (the audit of the fixes: all policies were read as one).
            ("samename", #"<set-variable name="target" value="@(&quot;https://b.example.com/v2/&quot;)" /><set-backend-service base-url="@((string)context.Variables[&quot;target&quot;])" />"#),
            ("copied", #"<set-variable name="open-url" value="@(\#(header))" /><set-variable name="copy-url" value="@((string)context.Variables[&quot;open-url&quot;] + &quot;/orders&quot;)" /><set-backend-service base-url="@((string)context.Variables[&quot;copy-url&quot;])" />"#),
            // A path cut in a block's locals is a part of it as one cut where read is (left
            // by the thirty-third round); kept whole, it still ends a host.
            ("blockcut", #"<set-backend-service base-url="@{ var p = context.Request.Url.Path; var h = p.Substring(1); return &quot;https://&quot; + h; }" />"#),
            ("blocksplit", #"<set-backend-service base-url="@{ var p = context.Request.Url.Path.ToLower(); var parts = p.Split(&apos;/&apos;); return &quot;https://&quot; + parts[2] + &quot;.example.com/&quot;; }" />"#),
            ("blockwhole", #"<set-backend-service base-url="@{ var p = context.Request.Url.Path; var lower = p.ToLower(); return &quot;https://orders.example.com&quot; + lower; }" />"#),
            // The host fixed before what the caller writes joins the URL, in each value the
            // code gives: a block's values, by their written start; a host chosen among
            // written ones, inline or kept in a variable; the API's own service URL; each
            // branch of a choice (the audit of the thirty-fourth round found each an error).
            ("blockhost", #"<set-backend-service base-url="@{ var id = context.Request.MatchedParameters[&quot;id&quot;]; return $&quot;https://orders.example.com/orders/{id}&quot;; }" />"#),
            ("blocklocal", #"<set-backend-service base-url="@{ string tenant = \#(tenant); string url = &quot;https://orders.example.com/tenants/&quot; + tenant; return url; }" />"#),
            // A test of a call's result is no assignment that makes the block unread (the
            // audit of the fixes).
            ("blocktest", #"<set-backend-service base-url="@{ var region = \#(tenant); if (region.ToLower() == &quot;eu&quot;) { return &quot;https://eu.example.com/&quot;; } return &quot;https://us.example.com/&quot;; }" />"#),
            ("blockreturns", #"<set-backend-service base-url="@{ var q = context.Request.Url.Query.GetValueOrDefault(&quot;q&quot;, &quot;&quot;); if (string.IsNullOrEmpty(q)) { return &quot;https://search.example.com/all&quot;; } return &quot;https://search.example.com/find?q=&quot; + q; }" />"#),
            ("regionhost", #"<set-backend-service base-url="@(&quot;https://profile-&quot; + (\#(tenant) == &quot;eu&quot; ? &quot;eu&quot; : &quot;us&quot;) + &quot;.example.com/users/&quot; + context.Request.MatchedParameters[&quot;id&quot;])" />"#),
            ("regionvariable", #"<choose><when condition="@(\#(tenant) == &quot;eu&quot;)"><set-variable name="region-host" value="orders-eu.example.com" /></when><otherwise><set-variable name="region-host" value="orders-us.example.com" /></otherwise></choose><set-backend-service base-url="@($&quot;https://{context.Variables.GetValueOrDefault&lt;string&gt;(&quot;region-host&quot;)}/stock/{context.Request.MatchedParameters[&quot;id&quot;]}&quot;)" />"#),
            ("serviceurl", #"<set-backend-service base-url="@(context.Api.ServiceUrl.ToString().TrimEnd(&apos;/&apos;) + &quot;/tenants/&quot; + \#(tenant))" />"#),
            ("choicebranches", #"<set-backend-service base-url="@(\#(tenant) == &quot;a&quot; ? &quot;https://a.example.com/&quot; + \#(tenant) : &quot;https://b.example.com/&quot;)" />"#),
            // A block's local put in the host, a branch of a choice, and a host chosen among
            // written ones followed by the caller's text with no '/' still leave it open.
            ("blockopen", #"<set-backend-service base-url="@{ var h = \#(tenant); return &quot;https://&quot; + h; }" />"#),
            ("choiceopen", #"<set-backend-service base-url="@(context.Request.Headers.ContainsKey(&quot;X-Tenant&quot;) ? \#(tenant) : &quot;https://b.example.com/&quot;)" />"#),
            ("regionthen", #"<set-backend-service base-url="@(&quot;https://&quot; + (\#(tenant) == &quot;eu&quot; ? &quot;eu&quot; : &quot;us&quot;) + \#(tenant))" />"#),
            // A part of who sends the request is no host a policy chose: a user's e-mail
            // address may end in any domain (the audit of the change).
            ("useremail", #"<set-backend-service base-url="@(&quot;https://&quot; + context.User.Email + &quot;/&quot; + \#(tenant))" />"#),
            ("userdomain", #"<set-backend-service base-url="@(&quot;https://&quot; + context.User.Email.Split(&apos;@&apos;)[1] + &quot;/profile&quot;)" />"#),
            ("userpath", #"<set-backend-service base-url="@(&quot;https://profiles.example.com/users/&quot; + context.User.Id)" />"#),
            // Nor is the address it sends from (a certificate may name an IP address) or its
            // subscription, which a developer names (audit V66); past a written host, they
            // are a path.
            ("senderaddress", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Request.IpAddress + &quot;:8443/api&quot;)" />"#),
            ("subscriptionname", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Subscription?.Name + &quot;.example.com/&quot;)" />"#),
            // A proxy the caller names receives the requests and the proxy's credentials.
            ("proxy", #"<proxy url="@(context.Request.Headers.GetValueOrDefault(&quot;X-Proxy&quot;, &quot;http://proxy.example.com:8080&quot;))" username="gw" password="{{partner-secret}}" />"#),
            ("addresspath", #"<set-backend-service base-url="@(&quot;https://audit.example.com/&quot; + context.Request.IpAddress)" />"#),
            // A backend entity the request names is any of the instance's (found by an
            // audit); one chosen among names written out is not.
            ("backendid", #"<set-backend-service backend-id="@(context.Request.Headers.GetValueOrDefault(&quot;X-Backend&quot;, &quot;orders-backend&quot;))" />"#),
            ("backendchoice", #"<set-backend-service backend-id="@(\#(tenant) == &quot;eu&quot; ? &quot;orders-eu&quot; : &quot;orders-us&quot;)" />"#),
            // A URL that starts with a base URL kept in a variable is judged by the values
            // the variable is given: one written up to its host, then a '/' written out,
            // fixes the host whatever the caller adds (it was reported, as any variable
            // followed by what the caller writes); without the '/', with a default or a
            // fallback the caller may write, never set, or given a value by another
            // statement too, it does not.
            ("basevariable", #"<set-variable name="orders-root" value="https://orders.example.com" /><set-backend-service base-url="@((string)context.Variables[&quot;orders-root&quot;] + &quot;/&quot; + \#(tenant))" />"#),
            ("basenamed", #"<set-variable name="named-root" value="{{orders-base}}" /><set-variable name="tenant-root" value="@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;named-root&quot;) + &quot;/tenants/&quot; + \#(tenant))" /><set-backend-service base-url="@((string)context.Variables[&quot;tenant-root&quot;])" />"#),
            ("basepath", #"<set-variable name="path-root" value="@(&quot;https://orders.example.com/v2&quot;)" /><set-backend-service base-url="@(((string)context.Variables[&quot;path-root&quot;]).ToLower() + \#(tenant))" />"#),
            ("basenoslash", #"<set-variable name="orders-root" value="https://orders.example.com" /><set-backend-service base-url="@((string)context.Variables[&quot;orders-root&quot;] + \#(tenant))" />"#),
            ("basedefault", #"<set-variable name="orders-root" value="https://orders.example.com" /><set-backend-service base-url="@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;orders-root&quot;, \#(tenant)) + &quot;/&quot; + \#(tenant))" />"#),
            ("basefallback", #"<set-variable name="orders-root" value="https://orders.example.com" /><set-backend-service base-url="@(((string)context.Variables[&quot;orders-root&quot;] ?? \#(tenant)) + &quot;/&quot;)" />"#),
            ("baseunset", #"<set-backend-service base-url="@((string)context.Variables[&quot;never-set&quot;] + &quot;/&quot; + \#(tenant))" />"#),
            ("basecached", #"<set-variable name="orders-root" value="https://orders.example.com" /><cache-lookup-value key="root" variable-name="orders-root" /><set-backend-service base-url="@((string)context.Variables[&quot;orders-root&quot;] + &quot;/&quot; + \#(tenant))" />"#),
            ("basechosen", #"<set-variable name="orders-root" value="https://orders.example.com" /><choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Root&quot;))"><set-variable name="orders-root" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Root&quot;, &quot;&quot;))" /></when></choose><set-backend-service base-url="@((string)context.Variables[&quot;orders-root&quot;] + &quot;/&quot; + \#(tenant))" />"#),
            ("basetest", #"<set-variable name="orders-root" value="https://orders.example.com" /><set-backend-service base-url="@((string)context.Variables[&quot;orders-root&quot;] + &quot;/&quot; == &quot;x&quot; ? \#(tenant) : &quot;https://a.example.com/&quot;)" />"#),
            // A format is judged by what fills each placeholder: a host the policy chose,
            // or one written as an argument, and then the caller's path, fix it (it was
            // reported, as the format's text before its first placeholder fixed none; left
            // by the thirty-fourth round); the caller's text in the host, or a scheme the
            // caller completes, do not.
            ("formatregion", #"<set-backend-service base-url="@(string.Format(&quot;https://{0}.orders.example.com/{1}&quot;, context.Deployment.Region, \#(tenant)))" />"#),
            ("formatargument", #"<set-backend-service base-url="@(String.Format(CultureInfo.InvariantCulture, &quot;{0}://{1}/{2,4:D}&quot;, &quot;https&quot;, &quot;orders.example.com&quot;, \#(tenant)))" />"#),
            ("formatsum", #"<set-backend-service base-url="@(&quot;https://&quot; + string.Format(&quot;{0}.example.com/{1}&quot;, context.Deployment.Region, \#(tenant)))" />"#),
            ("formatcaller", #"<set-backend-service base-url="@(string.Format(&quot;https://{1}.orders.example.com/{0}&quot;, context.Deployment.Region, \#(tenant)))" />"#),
            ("formatscheme", #"<set-backend-service base-url="@(string.Format(&quot;https:/{0}&quot;, \#(tenant)))" />"#),
            // From the audit of that change: a format the caller writes, taken for a culture
            // given first; a generic's comma splitting the arguments; a format holding a
            // named value whose value is not known; a URI whose relative part the caller
            // writes (an absolute one replaces the base's host); what follows a URI's text;
            // and members after a sum that take its start off.
            ("formatcallerformat", #"<set-backend-service base-url="@(string.Format(\#(tenant), &quot;orders&quot;))" />"#),
            ("formatgeneric", #"<set-backend-service base-url="@(string.Format(&quot;https://{1}/{0}&quot;, new Dictionary&lt;string,string&gt;().Count, \#(tenant)))" />"#),
            ("formatsecret", #"<set-backend-service base-url="@(string.Format(&quot;{{partner-secret}}&quot;, context.Deployment.Region, \#(tenant)))" />"#),
            ("formatbraces", #"<set-backend-service base-url="@(string.Format(&quot;https://{{{0}}}/&quot;, \#(tenant)))" />"#),
            ("urirelative", #"<set-backend-service base-url="@(new Uri(new Uri(&quot;https://orders.example.com/&quot;), \#(tenant)).ToString())" />"#),
            ("urischeme", #"<set-backend-service base-url="@(new Uri(&quot;https://orders.example.com/&quot;).Scheme + &quot;://&quot; + \#(tenant))" />"#),
            ("substring", #"<set-backend-service base-url="@(&quot;https://orders.example.com/&quot;.Substring(0, 8) + \#(tenant))" />"#),
            ("formatsubstring", #"<set-backend-service base-url="@(string.Format(&quot;https://orders.example.com/{0}&quot;, \#(tenant)).Substring(0, 8) + \#(tenant))" />"#),
            // And fixed hosts it reported: a format changed in case, texts joined by
            // `string.Concat` or `string.Join`, a URI of a base and a relative text.
            ("formatlower", #"<set-backend-service base-url="@(string.Format(&quot;https://{0}.orders.example.com/{1}&quot;, context.Deployment.Region, \#(tenant)).ToLower())" />"#),
            ("concat", #"<set-backend-service base-url="@(string.Concat(&quot;https://orders.example.com/&quot;, \#(tenant)))" />"#),
            ("join", #"<set-backend-service base-url="@(String.Join(&quot;/&quot;, &quot;https://orders.example.com&quot;, \#(tenant)))" />"#),
            ("uribase", #"<set-backend-service base-url="@((new Uri(new Uri(&quot;https://orders.example.com/&quot;), &quot;v2/&quot;)).ToString() + \#(tenant))" />"#),
            // From the audit of the fixes: members that cut a sum in brackets or an
            // interpolated string, and named arguments, which may come in any order, leave
            // the host open; a relative path the caller ends, a type's one argument in a
            // call, and an interpolated string changed in case keep it fixed.
            ("bracketcut", #"<set-backend-service base-url="@((&quot;https://orders.example.com/&quot; + \#(tenant)).Substring(27))" />"#),
            ("interpolatedcut", #"<set-backend-service base-url="@($&quot;https://orders.example.com/{\#(tenant)}&quot;.Substring(27))" />"#),
            ("namedarguments", #"<set-backend-service base-url="@(string.Concat(str1: &quot;https://orders.example.com/&quot;, str0: \#(tenant)))" />"#),
            ("urirelativepath", #"<set-backend-service base-url="@(new Uri(new Uri(&quot;https://orders.example.com/&quot;), &quot;orders/&quot; + \#(tenant)).ToString())" />"#),
            ("generictype", #"<set-backend-service base-url="@(string.Concat(&quot;https://orders.example.com/&quot;, context.Variables.GetValueOrDefault&lt;string&gt;(&quot;id&quot;, \#(tenant))))" />"#),
            ("interpolatedlower", #"<set-backend-service base-url="@($&quot;https://orders.example.com/{\#(tenant)}&quot;.ToLower())" />"#),
            // From the last audit: an argument that is no sum is code in its place, and a
            // `Replace` of what the start does not begin with keeps it; a test or `??` at
            // the top gives no written start (its literals were taken for one).
            ("concatfallback", #"<set-backend-service base-url="@(string.Concat(&quot;https://orders.example.com/&quot;, \#(tenant) ?? &quot;&quot;))" />"#),
            ("replaced", #"<set-backend-service base-url="@((&quot;https://orders.example.com/v1/&quot; + \#(tenant)).Replace(&quot; &quot;, &quot;%20&quot;))" />"#),
            ("testedstart", #"<set-backend-service base-url="@(&quot;https://good.example.com/&quot; == \#(tenant) ? &quot;https://a.example.com/&quot; : \#(tenant))" />"#),
            ("coalescecut", #"<set-backend-service base-url="@((&quot;https://orders.example.com/&quot; + \#(tenant)).Substring(8) ?? &quot;&quot;)" />"#),
            // Nor does a block's, read past the bracket that a member cuts (re-reading the
            // round's change).
            ("blockreturnedcut", #"<set-backend-service base-url="@{ return (&quot;https://orders.example.com/&quot; + \#(tenant)).Substring(8); }" />"#),
            // The request's scheme is 'http' or 'https', and a product's id the estate's
            // (an audit found both taken for the caller's host); a host after the scheme
            // is the caller's still.
            ("requestscheme", #"<set-backend-service base-url="@(context.Request.Url.Scheme + &quot;://orders.example.com/&quot; + \#(tenant))" />"#),
            ("schemethenhost", #"<set-backend-service base-url="@(context.Request.OriginalUrl.Scheme.ToLower() + &quot;://&quot; + \#(tenant))" />"#),
            // A comment in a hole holding a quote hid the header (an audit).
            ("holecomment", #"<set-backend-service base-url="@($&quot;https://{\#(tenant) /* the caller''s region */}.example.com/&quot;)" />"#),
            ("schemespelt", #"<set-backend-service base-url="@((string)context.Request?.Url.Scheme.ToUpperInvariant() + &quot;://orders.example.com/&quot; + \#(tenant))" />"#),
            ("productsub", #"<set-backend-service base-url="@(&quot;https://&quot; + context.Product.Id + &quot;.orders.example.com/&quot; + \#(tenant))" />"#),
            // A token parsed by 'AsJwt()' is checked by nothing: its claims are the caller's
            // (audit V57). A claim past a host written out, or tested, is not.
            ("tokenclaim", #"<set-backend-service base-url="@(context.Request.Headers.GetValueOrDefault(&quot;X-Upstream-Token&quot;, &quot;&quot;).AsJwt()?.Claims.GetValueOrDefault(&quot;backend&quot;, &quot;https://orders.example.com&quot;))" />"#),
            ("tokenbackendid", #"<set-backend-service backend-id="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Claims.GetValueOrDefault(&quot;backend&quot;, &quot;orders&quot;))" />"#),
            ("tokenpath", #"<set-backend-service base-url="@(&quot;https://orders.example.com/&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Claims.GetValueOrDefault(&quot;tid&quot;, &quot;&quot;))" />"#),
            ("tokentested", #"<set-backend-service base-url="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt() != null ? &quot;https://a.example.com/&quot; : &quot;https://b.example.com/&quot;)" />"#),
        ]
        try (RuleExample.baseGateway + "namedValues:\n  scheme: 'https:'\n  orders-base: https://orders.example.com\n").write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let documents = cases.map { name, statement in
            RuleExample.api(name, fields: "policy: '<policies><inbound><base />\(statement)</inbound></policies>'\n", routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n").text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("SE003") }
        for open in ["backend", "joined", "suffix", "variable", "formathost", "scheme", "original", "oneslash", "slashonly", "backslash", "parameter", "copied", "computedquery", "pathhost", "pathvariable", "querystringpart", "querypart", "originalpath", "cutvariable", "lowercut", "trimmed", "basenoslash",
            "basedefault", "basefallback", "baseunset", "basecached", "basechosen", "basetest", "blockcut", "blocksplit", "blockopen", "choiceopen",
            "regionthen", "useremail", "userdomain", "formatcaller", "formatscheme", "formatcallerformat", "formatgeneric", "formatsecret", "formatbraces",
            "urirelative", "urischeme", "substring", "formatsubstring", "bracketcut", "interpolatedcut", "namedarguments", "testedstart", "coalescecut", "blockreturnedcut", "schemethenhost", "holecomment",
            "tokenclaim", "senderaddress", "subscriptionname"]
        {
            XCTAssertTrue(
                findings.contains("SE003 defs/apis.yaml: 'base-url' of raw 'set-backend-service' in API '\(open)' takes its host from the request, so the request and the credentials it carries go to any server the caller names"),
                "\(open):\n" + findings.joined(separator: "\n"))
        }
        XCTAssertTrue(
            findings.contains("SE003 defs/apis.yaml: 'url' of raw 'proxy' in API 'proxy' takes its host from the request, so the request and the credentials it carries go to any server the caller names"),
            findings.joined(separator: "\n"))
        XCTAssertTrue(
            findings.contains("SE003 defs/apis.yaml: raw 'set-url' in API 'callback' takes its host from the request, so the request and the credentials it carries go to any server the caller names"),
            findings.joined(separator: "\n"))
        XCTAssertTrue(
            findings.contains("SE003 defs/apis.yaml: 'backend-id' of raw 'set-backend-service' in API 'backendid' takes the backend from the request, so the request and the credentials it carries go to any backend of the instance the caller names"),
            findings.joined(separator: "\n"))
        XCTAssertTrue(
            findings.contains("SE003 defs/apis.yaml: 'backend-id' of raw 'set-backend-service' in API 'tokenbackendid' takes the backend from the request, so the request and the credentials it carries go to any backend of the instance the caller names"),
            findings.joined(separator: "\n"))
        XCTAssertEqual(findings.count, 60, findings.joined(separator: "\n"))
    }

    /// Raw caches that hand one caller's answer to the next, which lint did not see (found
    /// by an audit): a `cache-store-value` of the response body under a key written out, a
    /// `cache-lookup` that lets shared caches downstream keep the answer, and one varying by
    /// an `Authorization` the policy replaced or removed before it. A key an expression
    /// makes, and `private`, are the author's.
    func testRawCachesThatShareAnAnswerAreReported() throws {
        let store = { (key: String) in #"<outbound><base /><cache-store-value key="\#(key)" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="300" /></outbound>"# }
        let lookup = { (type: String) in #"<inbound><base /><cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true" downstream-caching-type="\#(type)"><vary-by-header>Authorization</vary-by-header></cache-lookup></inbound><outbound><base /><cache-store duration="30" /></outbound>"# }
        let cases: [(name: String, policy: String)] = [
            ("stored", store("orders-list")),
            ("keyed", store("@(&quot;orders:&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)")),
            // A key of nothing but the URL's query or path is every caller's who asks for it
            // (found by an audit of the thirty-fourth round); one of a variable tells callers
            // apart, one of the token's `GetHashCode` does not: 32 bits (audit V122).
            ("querykey", store("@(&quot;orders-&quot; + context.Request.Url.Query.GetValueOrDefault(&quot;status&quot;, &quot;all&quot;))")),
            ("pathkey", store("@(&quot;orders-&quot; + context.Request.MatchedParameters[&quot;id&quot;])")),
            // A string or a comment that names the caller's parts is no read of them (the
            // audit of the change).
            ("namedkey", store("@(&quot;Users-Headers-&quot; /* per User */ + context.Request.MatchedParameters[&quot;id&quot;])")),
            ("hashkey", store("@(&quot;orders-&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).GetHashCode())")),
            ("variablekey", #"<inbound><base /><set-variable name="caller-id" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)" /></inbound>"# + store("@(&quot;orders-&quot; + (string)context.Variables[&quot;caller-id&quot;])")),
            // A header no check reads names whichever caller the caller likes (found by an
            // audit: 'X-User-Id: <someone else>' was served their answer).
            ("callerkey", store("@(&quot;orders-&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-User-Id&quot;, &quot;&quot;))")),
            // A credential only tested keeps no caller apart (the audit of the change).
            ("testedkey", store("@(context.Request.Headers.ContainsKey(&quot;Authorization&quot;) ? context.Request.Headers.GetValueOrDefault(&quot;X-User-Id&quot;, &quot;&quot;) : &quot;anon&quot;)")),
            // A subscription is an application's, and its key may come in the query; a token
            // the gateway put in 'Authorization' is the same for every caller (the audit of
            // the fixes).
            ("subscriptionkey", store("@(&quot;orders-&quot; + context.Request.Headers.GetValueOrDefault(&quot;Ocp-Apim-Subscription-Key&quot;, &quot;&quot;))")),
            ("replacedkey", "<inbound><base /><authentication-managed-identity resource=\"api://orders-backend\" /></inbound>" + store("@(&quot;orders-&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))")),
            ("downstream", lookup("public")),
            ("private", lookup("private")),
            // Varied by 'Authorization' after the policy put its own there, every caller's
            // request has the same key.
            ("identity", lookup("private").replacing("<inbound><base />", with: #"<inbound><base /><authentication-managed-identity resource="api://orders-backend" />"#)),
            ("deleted", lookup("private").replacing("<inbound><base />", with: #"<inbound><base /><set-header name="Authorization" exists-action="delete" />"#)),
            // In a fragment included before the lookup, or under a name an expression of
            // strings makes (found by the next audit).
            ("fragmented", lookup("private").replacing("<inbound><base />", with: #"<inbound><base /><include-fragment fragment-id="backend-token" />"#)),
            ("computed", lookup("private").replacing("<inbound><base />", with: #"<inbound><base /><set-header name="@(&quot;Author&quot; + &quot;ization&quot;)" exists-action="delete" />"#)),
            // Given by a named value (found by the audit of the change).
            ("named", lookup("{{dct}}")),
            // The body kept in a variable first (found by the next audit); a variable that
            // holds something else is the author's.
            ("through", #"<outbound><base /><set-variable name="Answer" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" /><cache-store-value key="orders-list" value="@((string)context.Variables[&quot;answer&quot;])" duration="300" /></outbound>"#),
            ("other", #"<outbound><base /><set-variable name="answer" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" /><cache-store-value key="orders-list" value="@((string)context.Variables[&quot;etag&quot;])" duration="300" /></outbound>"#),
            // Another call's body, the usual cache of a backend token (found by the audit of
            // the change).
            ("token", #"<inbound><base /><set-variable name="backendToken" value="@(((IResponse)context.Variables[&quot;tokenCall&quot;]).Body.As&lt;JObject&gt;()[&quot;access_token&quot;].ToString())" /><cache-store-value key="backend-token" value="@((string)context.Variables[&quot;backendToken&quot;])" duration="300" /></inbound>"#),
            ("tokenbody", #"<inbound><base /><set-variable name="backendToken" value="@{ var tokenResponse = (IResponse)context.Variables[&quot;tokenCall&quot;]; return (string)tokenResponse.Body.As&lt;JObject&gt;()[&quot;access_token&quot;]; }" /><cache-store-value key="backend-token" value="@((string)context.Variables[&quot;backendToken&quot;])" duration="300" /></inbound>"#),
            // By subscription: an application's, which every user's token calls through.
            ("developer", lookup("private").replacing(#"vary-by-developer="false""#, with: #"vary-by-developer="true""#).replacing("Authorization</vary-by-header>", with: "Accept</vary-by-header>")),
            // Kept in a variable by another policy, a fragment here, or copied into another
            // variable first: the variable lives for the whole request.
            ("fragmentkept", #"<outbound><base /><include-fragment fragment-id="keep-answer" /><cache-store-value key="orders-summary" value="@((string)context.Variables[&quot;kept-answer&quot;])" duration="300" /></outbound>"#),
            // A variable of that name that another API's policy sets from the answer is not
            // this request's (the audit of the change); a read typed as a JSON object carries
            // the answer.
            ("auditbody", #"<outbound><base /><set-variable name="audit-body" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" /></outbound>"#),
            ("unrelated", #"<outbound><base /><set-variable name="audit-body" value="@(&quot;summary&quot;)" /><cache-store-value key="orders-unrelated" value="@((string)context.Variables[&quot;audit-body&quot;])" duration="300" /></outbound>"#),
            // The answer's length is no answer, kept or copied (the audit of the change).
            ("length", #"<outbound><base /><set-variable name="answer-size" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true).Length)" /><set-variable name="answer-size-text" value="@(((int)context.Variables[&quot;answer-size&quot;]).ToString())" /><cache-store-value key="orders-size" value="@((string)context.Variables[&quot;answer-size-text&quot;])" duration="300" /></outbound>"#),
            ("typed", #"<outbound><base /><set-variable name="answer-object" value="@(context.Response.Body.As&lt;JObject&gt;(preserveContent: true))" /><cache-store-value key="orders-typed" value="@(context.Variables.GetValueOrDefault&lt;JObject&gt;(&quot;answer-object&quot;).ToString())" duration="300" /></outbound>"#),
            ("copiedanswer", #"<outbound><base /><set-variable name="raw-answer" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" /><set-variable name="shown-answer" value="@(((string)context.Variables[&quot;raw-answer&quot;]).Trim())" /><cache-store-value key="orders-shown" value="@((string)context.Variables[&quot;shown-answer&quot;])" duration="300" /></outbound>"#),
            // The answer reached otherwise: kept whole in a local, cast, read with `?.`, or
            // its headers (a session cookie); its status tells no caller apart (audit V63).
            ("localanswer", #"<outbound><base /><cache-store-value key="orders-local" value="@{ var r = context.Response; return r.Body.As&lt;string&gt;(true); }" duration="60" /></outbound>"#),
            ("castanswer", #"<outbound><base /><cache-store-value key="orders-cast" value="@(((IResponse)context.Response).Body.As&lt;string&gt;(true))" duration="60" /></outbound>"#),
            ("optionalanswer", #"<outbound><base /><cache-store-value key="orders-optional" value="@(context.Response?.Body?.As&lt;string&gt;(true))" duration="60" /></outbound>"#),
            ("cookie", #"<outbound><base /><cache-store-value key="orders-cookie" value="@(context.Response.Headers.GetValueOrDefault(&quot;Set-Cookie&quot;, &quot;&quot;))" duration="60" /></outbound>"#),
            ("status", #"<outbound><base /><cache-store-value key="orders-status" value="@(context.Response.StatusCode.ToString())" duration="60" /></outbound>"#),
        ]
        try (RuleExample.baseGateway + "namedValues:\n  dct: public\n").write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try write(
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: backend-token\npolicy: '<fragment><authentication-managed-identity resource=\"api://orders-backend\" /></fragment>'\n"
                + "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: keep-answer\n"
                + "policy: '<fragment><set-variable name=\"kept-answer\" value=\"@(context.Response.Body.As<string>(preserveContent: true))\" /></fragment>'\n",
            to: "defs/fragment.yaml")
        let documents = cases.map { name, policy in
            RuleExample.api(name, fields: "", routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read], policy: '<policies>\(policy)</policies>'}\n").text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("CA001") || $0.hasPrefix("CA009") }
        XCTAssertEqual(findings.sorted(), [
            "CA001 defs/apis.yaml: raw 'cache-lookup' in route 'computed/list-computed' shares cached responses between the callers of route 'list-computed', which requires a token",
            "CA001 defs/apis.yaml: raw 'cache-lookup' in route 'deleted/list-deleted' shares cached responses between the callers of route 'list-deleted', which requires a token",
            "CA001 defs/apis.yaml: raw 'cache-lookup' in route 'developer/list-developer' shares cached responses between the callers of route 'list-developer', which requires a token",
            "CA001 defs/apis.yaml: raw 'cache-lookup' in route 'fragmented/list-fragmented' shares cached responses between the callers of route 'list-fragmented', which requires a token",
            "CA001 defs/apis.yaml: raw 'cache-lookup' in route 'identity/list-identity' shares cached responses between the callers of route 'list-identity', which requires a token",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'callerkey/list-callerkey' keeps the answer to route 'list-callerkey', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'castanswer/list-castanswer' keeps the answer to route 'list-castanswer', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'cookie/list-cookie' keeps the answer to route 'list-cookie', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'copiedanswer/list-copiedanswer' keeps the answer to route 'list-copiedanswer', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'fragmentkept/list-fragmentkept' keeps the answer to route 'list-fragmentkept', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'hashkey/list-hashkey' keeps the answer to route 'list-hashkey', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'localanswer/list-localanswer' keeps the answer to route 'list-localanswer', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'namedkey/list-namedkey' keeps the answer to route 'list-namedkey', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'optionalanswer/list-optionalanswer' keeps the answer to route 'list-optionalanswer', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'pathkey/list-pathkey' keeps the answer to route 'list-pathkey', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'querykey/list-querykey' keeps the answer to route 'list-querykey', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'replacedkey/list-replacedkey' keeps the answer to route 'list-replacedkey', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'stored/list-stored' keeps the answer to route 'list-stored', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'subscriptionkey/list-subscriptionkey' keeps the answer to route 'list-subscriptionkey', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'testedkey/list-testedkey' keeps the answer to route 'list-testedkey', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'through/list-through' keeps the answer to route 'list-through', which requires a token, under a key that does not tell its callers apart",
            "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'typed/list-typed' keeps the answer to route 'list-typed', which requires a token, under a key that does not tell its callers apart",
            "CA009 defs/apis.yaml: raw 'cache-lookup' of route 'downstream/list-downstream' lets shared caches keep the answer to a request with a token and serve it to other callers ('downstream-caching-type' is 'public')",
            "CA009 defs/apis.yaml: raw 'cache-lookup' of route 'named/list-named' lets shared caches keep the answer to a request with a token and serve it to other callers ('downstream-caching-type' is 'public')",
        ])
    }

    /// A cache key that names something many callers share, or that the caller writes, keeps
    /// one user's answer for the next (found by the audit of the thirty-eighth round): the
    /// subscription, its owner or the address (as `vary-by-developer`), the body, a token
    /// nothing checked, the credential's scheme, length or first part, or the token's
    /// tenant or audience; nor does the token in `Authorization` after a broader policy put
    /// the gateway's own there. The caller's token whole, hashed, past its scheme, or its
    /// subject, and a user's claim tell callers apart.
    func testACacheKeyOfWhatCallersShareIsNoCallersOwn() throws {
        let authorization = "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;)"
        let keys: [(name: String, key: String)] = [
            ("subscriptionid", "&quot;orders-&quot; + context.Subscription.Id"),
            ("userid", "&quot;orders-&quot; + context.User.Id"),
            ("address", "&quot;orders-&quot; + context.Request.IpAddress"),
            ("bodykey", "&quot;orders-&quot; + context.Request.Body.As&lt;string&gt;(preserveContent: true)"),
            ("forged", "context.Request.Headers.GetValueOrDefault(&quot;X-Forwarded-Token&quot;, &quot;&quot;).AsJwt()?.Subject"),
            ("scheme", "\(authorization).Substring(0, 7)"),
            ("size", "&quot;orders-&quot; + \(authorization).Length"),
            ("firstpart", "\(authorization).Split(&apos; &apos;)[0]"),
            ("removed", "\(authorization).Trim().Remove(6)"),
            ("tenant", "\(authorization).AsJwt()?.Claims.GetValueOrDefault(&quot;tid&quot;, &quot;&quot;)"),
            ("audience", "string.Join(&quot;,&quot;, \(authorization).AsJwt()?.Audiences)"),
            // Each of these tells the token's holders apart.
            ("bearerless", "\(authorization).Substring(7)"),
            ("secondpart", "\(authorization).Split(&apos; &apos;)[1]"),
            ("stripped", "\(authorization).Replace(&quot;Bearer &quot;, &quot;&quot;)"),
            ("digest", "Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes(\(authorization))))"),
            ("subjectandsubscription", "context.Subscription.Id + \(authorization).AsJwt()?.Subject"),
            ("objectid", "\(authorization).AsJwt()?.Claims.GetValueOrDefault(&quot;oid&quot;, &quot;&quot;)"),
        ]
        // The token whole, where the API's policy put the gateway's own there first.
        let replacedByTheAPI = "policy: '<policies><inbound><base /><authentication-managed-identity resource=\"api://orders-backend\" /></inbound></policies>'\n"
        let documents = (keys + [("managed", authorization)]).map { name, key in
            let store = #"<outbound><base /><cache-store-value key="@(\#(key))" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="300" /></outbound>"#
            return RuleExample.api(
                name, fields: name == "managed" ? replacedByTheAPI : "",
                routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read], policy: '<policies>\(store)</policies>'}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let reported = try lintFindings().filter { $0.hasPrefix("CA001") }.compactMap { $0.firstMatch(of: /route '(\w+)\/list-/)?.1 }.map(String.init)
        XCTAssertEqual(
            reported.sorted(), ["address", "audience", "bodykey", "firstpart", "forged", "managed", "removed", "scheme", "size", "subscriptionid", "tenant", "userid"])
    }

    /// A key cut by a step not known to keep what tells callers apart is every caller's
    /// alike (found by the audit of the forty-first round): the token's first part after
    /// `Reverse()` (the scheme and the token's header, which every token a key signs shares),
    /// a regular expression's match, the smallest part, a hash cut into buckets. Steps known
    /// to keep it (a hash whole, a template filled in, the last part first) stay the caller's.
    func testACacheKeyCutByAStepNotKnownToKeepItIsNoCallersOwn() throws {
        let authorization = "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;)"
        let keys: [(name: String, key: String)] = [
            ("reversedlast", "&quot;order-&quot; + \(authorization).Split(&apos;.&apos;).Reverse().Last()"),
            ("regexmatch", "System.Text.RegularExpressions.Regex.Match(\(authorization), &quot;^[^.]*&quot;).Value"),
            ("hashbucket", "(\(authorization).GetHashCode() &amp; 1)"),
            ("hashmodulo", "Math.Abs(\(authorization).GetHashCode()) % 100"),
            ("smallestpart", "\(authorization).Split(&apos;.&apos;).Min()"),
            // From the audit of the fix: a regular expression's replacement, a removal to the
            // end, the first part taken or picked by a computed index, a hash shifted left or
            // multiplied.
            ("regexreplace", "System.Text.RegularExpressions.Regex.Replace(\(authorization), &quot;[.].*$&quot;, &quot;&quot;)"),
            ("removedtoend", "\(authorization).Remove(20, \(authorization).Length - 20)"),
            ("takenfirst", "string.Join(&quot;.&quot;, \(authorization).Split(&apos;.&apos;).Take(1))"),
            ("computedindex", "\(authorization).Split(&apos;.&apos;)[1 - 1]"),
            ("shiftedhash", "(\(authorization).GetHashCode() &lt;&lt; 31)"),
            ("multipliedhash", "(\(authorization).GetHashCode() * 0)"),
            // From the second audit: a character or byte of what a hash or an encoding made.
            ("encodedcharacter", "Convert.ToBase64String(Encoding.UTF8.GetBytes(\(authorization)))[0]"),
            ("hashbyte", "System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes(\(authorization))).First()"),
            // From the third audit: what a hash made, turned into one value for all, or an
            // encoder's slice of it, or its first bytes read as a number cut into buckets.
            ("samecharacter", "string.Concat(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization)))).Select(c =&gt; &quot;x&quot;))"),
            ("hashmaximum", "Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization)))).Max()"),
            ("encodedslice", "Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization))), 0, 1)"),
            ("replacedaway", "Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization)))).Replace(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization)))), &quot;&quot;)"),
            ("bucketedbytes", "BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization))), 0) % 2"),
            // Nor does a hash of 32 bits, which two of some 77,000 holders share more often than not (audit V122).
            ("hashwhole", "&quot;order-&quot; + \(authorization).GetHashCode()"),
            // Each of these tells the token's holders apart.
            ("reversedfirst", "&quot;order-&quot; + \(authorization).Split(&apos;.&apos;).Reverse().First()"),
            ("template", "&quot;order-{t}&quot;.Replace(&quot;{t}&quot;, \(authorization))"),
            ("hexdigest", "string.Join(&quot;&quot;, System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes(\(authorization))).Select(b =&gt; b.ToString(&quot;x2&quot;)))"),
            ("convertedbytes", "string.Concat(Array.ConvertAll(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization))), b =&gt; b.ToString(&quot;x2&quot;)))"),
            ("schemestripped", "System.Text.RegularExpressions.Regex.Replace(\(authorization), &quot;^Bearer\\\\s+&quot;, &quot;&quot;, RegexOptions.IgnoreCase)"),
            ("schemeanycase", "System.Text.RegularExpressions.Regex.Replace(\(authorization), &quot;(?i)^bearer &quot;, &quot;&quot;)"),
            ("hashprefix", "Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization)))).Substring(0, 16)"),
            ("unpadded", "Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization)))).TrimEnd(&apos;=&apos;)"),
        ]
        XCTAssertEqual(
            try routesWhoseAnswerIsStoredForEveryone(keys.map { ($0.name, "@(\($0.key))") }),
            [
                "bucketedbytes", "computedindex", "encodedcharacter", "encodedslice", "hashbucket", "hashbyte", "hashmaximum", "hashmodulo", "hashwhole", "multipliedhash",
                "regexmatch", "regexreplace", "removedtoend", "replacedaway", "reversedlast", "samecharacter", "shiftedhash", "smallestpart", "takenfirst",
            ])
    }

    /// A key a block builds through its locals is judged with each local's one value put in
    /// its place: `var t = header; return "p-" + t.Split('.')[0];` is the token's first part,
    /// the same for every token a key signs, and a reading of the block whole took it for the
    /// token (found by the audit of the forty-second round). A local given more than one
    /// value, or changed through a member (`sb.Append(token)`), keeps the whole reading.
    func testACacheKeyABlockBuildsIsJudgedWithItsLocalsInPlace() throws {
        let authorization = "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;)"
        let keys: [(name: String, key: String)] = [
            ("firstpart", "var t = \(authorization); return &quot;p-&quot; + t.Split(&apos;.&apos;)[0];"),
            ("length", "var t = \(authorization); var n = t.Length; return &quot;p-&quot; + n;"),
            ("chained", "var h = \(authorization); var t = h.Replace(&quot;Bearer &quot;, &quot;&quot;); return &quot;p-&quot; + t.Substring(0, 7);"),
            // A fallback for a missing header, then the cut (the last audit of the round).
            ("coalesced", "var t = \(authorization) ?? &quot;&quot;; return &quot;p-&quot; + t.Split(&apos;.&apos;)[0];"),
            // A call on a type's name (`string.Concat`) changes no local of the block.
            ("joined", "var t = \(authorization); return string.Concat(&quot;p-&quot;, t.Split(&apos;.&apos;)[0]);"),
            ("interpolated", "var t = \(authorization); return $&quot;p-{t.Split(&apos;.&apos;)[0]}&quot;;"),
            // Each of these tells the token's holders apart.
            ("payload", "var h = \(authorization); var t = h.Replace(&quot;Bearer &quot;, &quot;&quot;); return &quot;p-&quot; + t.Split(&apos;.&apos;)[1];"),
            ("subject", "var t = \(authorization); return &quot;p-&quot; + t.AsJwt()?.Subject;"),
            ("builder", "var sb = new System.Text.StringBuilder(&quot;p-&quot;); sb.Append(\(authorization)); return sb.ToString();"),
            ("reassigned", "var t = &quot;x&quot;; t = \(authorization); return &quot;p-&quot; + t;"),
        ]
        XCTAssertEqual(try routesWhoseAnswerIsStoredForEveryone(keys.map { ($0.name, "@{ \($0.key) }") }), ["chained", "coalesced", "firstpart", "interpolated", "joined", "length"])
    }

    /// The routes CA001 reports among one API per key, whose route `list-NAME` requires a
    /// token and stores its answer under the key in `outbound`, sorted.
    private func routesWhoseAnswerIsStoredForEveryone(_ keys: [(name: String, key: String)]) throws -> [String] {
        let documents = keys.map { name, key in
            let store = #"<outbound><base /><cache-store-value key="\#(key)" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="60" /></outbound>"#
            return RuleExample.api(
                name, routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read], policy: '<policies>\(store)</policies>'}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        return try lintFindings().filter { $0.hasPrefix("CA001") }.compactMap { $0.firstMatch(of: /route '(\w+)\/list-/)?.1 }.map(String.init).sorted()
    }

    /// The answer to a call sent with the caller's credentials is the caller's own data (their
    /// profile): stored under a key any caller finds, it is handed to the next (found by the
    /// audit of the forty-first round), whether stored from the call's variable or a copy,
    /// the call copying the request or setting `Authorization` from it. A call with the
    /// gateway's credentials answers every caller alike, and a key of the caller's keeps
    /// each answer apart.
    func testTheAnswerToACallSentWithTheCallersCredentialsIsTheCallersOwn() throws {
        let authorization = "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;)"
        let shared = "@(&quot;profile-&quot; + context.Request.MatchedParameters[&quot;id&quot;])"
        let callersHeader = "<set-header name=\"Authorization\" exists-action=\"override\"><value>@(\(authorization))</value></set-header>"
        func call(_ mode: String, _ inside: String) -> String {
            #"<send-request mode="\#(mode)" response-variable-name="me" timeout="10"><set-url>https://profiles.example.com/me</set-url>\#(inside)</send-request>"#
        }
        let copied = #"<set-variable name="profile" value="@(((IResponse)context.Variables[&quot;me&quot;]).Body.As&lt;string&gt;())" />"#
        func store(_ key: String, _ value: String) -> String { #"<cache-store-value key="\#(key)" value="\#(value)" duration="60" />"# }
        let cases: [(name: String, inbound: String)] = [
            ("copiedanswer", call("new", callersHeader) + copied + store(shared, "@((string)context.Variables[&quot;profile&quot;])")),
            ("callanswer", call("new", callersHeader) + store(shared, "@(((IResponse)context.Variables[&quot;me&quot;]).Body.As&lt;string&gt;())")),
            ("copiedrequest", call("copy", "") + copied + store(shared, "@((string)context.Variables[&quot;profile&quot;])")),
            // From the audit of the fix: the token sent through a variable, the answer read
            // typed, the caller named in the URL of a call with the gateway's own identity.
            ("tokenvariable", #"<set-variable name="tok" value="@(\#(authorization))" />"#
                + call("new", #"<set-header name="Authorization" exists-action="override"><value>@((string)context.Variables[&quot;tok&quot;])</value></set-header>"#)
                + copied + store(shared, "@((string)context.Variables[&quot;profile&quot;])")),
            ("typedanswer", call("new", callersHeader) + store(shared, "@(context.Variables.GetValueOrDefault&lt;IResponse&gt;(&quot;me&quot;).Body.As&lt;string&gt;())")),
            ("subjecturl", #"<send-request mode="new" response-variable-name="me" timeout="10"><set-url>@(&quot;https://profiles.example.com/users/&quot; + \#(authorization).AsJwt()?.Subject)</set-url><authentication-managed-identity resource="api://profiles" /></send-request>"#
                + copied + store(shared, "@((string)context.Variables[&quot;profile&quot;])")),
            // From the second audit: the user named by a validated token, read typed, and a
            // token a check reads from another header, sent on.
            ("validatedsubject", #"<validate-jwt header-name="Authorization" output-token-variable-name="jwt"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt>"#
                + #"<send-request mode="new" response-variable-name="me" timeout="10"><set-url>@(&quot;https://profiles.example.com/users/&quot; + context.Variables.GetValueOrDefault&lt;Jwt&gt;(&quot;jwt&quot;).Subject)</set-url><authentication-managed-identity resource="api://profiles" /></send-request>"#
                + copied + store(shared, "@((string)context.Variables[&quot;profile&quot;])")),
            ("otherheader", #"<validate-jwt header-name="X-User-Token"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt>"#
                + call("new", #"<set-header name="Authorization" exists-action="override"><value>@(&quot;Bearer &quot; + context.Request.Headers.GetValueOrDefault(&quot;X-User-Token&quot;, &quot;&quot;))</value></set-header>"#)
                + copied + store(shared, "@((string)context.Variables[&quot;profile&quot;])")),
            // Each of these keeps the caller's answer from the next caller.
            ("gatewaycall", call("new", #"<authentication-managed-identity resource="api://profiles" />"#) + copied
                + store("profiles-config", "@((string)context.Variables[&quot;profile&quot;])")),
            ("callerskey", call("new", callersHeader) + copied + store("@(&quot;profile-&quot; + \(authorization))", "@((string)context.Variables[&quot;profile&quot;])")),
            ("copyownidentity", call("copy", #"<set-header name="Authorization" exists-action="delete" /><authentication-managed-identity resource="api://profiles" />"#)
                + copied + store("profiles-config", "@((string)context.Variables[&quot;profile&quot;])")),
            // From the third audit: a client certificate beside the copied token is sent with
            // it; a test of whether a token is there tells no caller apart.
            ("certificatebeside", call("copy", #"<authentication-certificate certificate-id="gateway-client" />"#) + copied + store(shared, "@((string)context.Variables[&quot;profile&quot;])")),
            ("presencetested", call("new", #"<set-header name="X-Signed-In" exists-action="override"><value>@(context.Request.Headers.ContainsKey(&quot;Authorization&quot;) ? &quot;1&quot; : &quot;0&quot;)</value></set-header><authentication-managed-identity resource="api://profiles" />"#)
                + copied + store(shared, "@((string)context.Variables[&quot;profile&quot;])")),
        ]
        func reported(_ cases: [(name: String, inbound: String)]) throws -> [String] {
            let documents = cases.map { name, inbound in
                RuleExample.api(
                    name, routes: "  - {id: list-\(name), method: GET, path: '/\(name)/{id}', scopes: [orders.read], policy: '<policies><inbound><base />\(inbound)</inbound></policies>'}\n"
                ).text
            }
            try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
            return try lintFindings().filter { $0.hasPrefix("CA001") }.compactMap { $0.firstMatch(of: /route '(\w+)\/list-/)?.1 }.map(String.init).sorted()
        }
        // A check that reads its token elsewhere than `Authorization` makes a copy of the
        // request carry it, whatever the copy puts in `Authorization` (the estate is read
        // as a whole): that case is linted in an estate of its own.
        XCTAssertEqual(
            try reported(cases.filter { $0.name != "otherheader" }),
            ["callanswer", "certificatebeside", "copiedanswer", "copiedrequest", "subjecturl", "tokenvariable", "typedanswer", "validatedsubject"])
        XCTAssertEqual(
            try reported(cases.filter { $0.name == "otherheader" || $0.name == "copyownidentity" }), ["copyownidentity", "otherheader"])
        // A variable lives for one request: another route's call with the caller's token into
        // a variable of the same name leaves the gateway's own token cached under one key a
        // shared answer no caller owns (the fourth audit found it an error).
        let gatewayToken = call("new", #"<authentication-managed-identity resource="api://profiles" />"#) + copied
            + store("profiles-token", "@((string)context.Variables[&quot;profile&quot;])")
        let sameNames = RuleExample.api(
            "samenames",
            routes: "  - {id: list-caller, method: GET, path: '/caller/{id}', scopes: [orders.read], policy: '<policies><inbound><base />\(call("new", callersHeader) + copied)</inbound></policies>'}\n"
                + "  - {id: list-gateway, method: GET, path: '/gateway/{id}', scopes: [orders.read], policy: '<policies><inbound><base />\(gatewayToken)</inbound></policies>'}\n")
        try write(sameNames.text, to: "defs/apis.yaml")
        XCTAssertEqual(try lintFindings(status: 0).filter { $0.hasPrefix("CA001") }, [])
    }

    /// A store in `outbound` runs after the `inbound` of every policy on its request's way: a
    /// call with the caller's token in the API's policy, its answer stored by a route's
    /// `outbound` under one key, or a route's call stored by the API's `outbound`, hands one
    /// caller's data to the next (left by the forty-first round, which read the calls in the
    /// store's own policy only). A store in `inbound` is judged by its own
    /// policy's calls: the gateway's token cached there by the API's policy, while a route
    /// calls with the caller's token into a variable named alike, runs before that call.
    func testTheCallersAnswerFromAnotherPolicyOnTheWayIsStillTheCallersOwn() throws {
        let authorization = "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;)"
        let callersCall = #"<send-request mode="new" response-variable-name="me" timeout="10"><set-url>https://profiles.example.com/me</set-url><set-header name="Authorization" exists-action="override"><value>@(\#(authorization))</value></set-header></send-request><set-variable name="profile" value="@(((IResponse)context.Variables[&quot;me&quot;]).Body.As&lt;string&gt;())" />"#
        let gatewaysCall = #"<send-request mode="new" response-variable-name="me" timeout="10"><set-url>https://profiles.example.com/config</set-url><authentication-managed-identity resource="api://profiles" /></send-request><set-variable name="profile" value="@(((IResponse)context.Variables[&quot;me&quot;]).Body.As&lt;string&gt;())" />"#
        let store = #"<cache-store-value key="profiles-shared" value="@((string)context.Variables[&quot;profile&quot;])" duration="60" />"#
        func policy(inbound: String = "", outbound: String = "") -> String {
            "'<policies><inbound><base />\(inbound)</inbound><outbound><base />\(outbound)</outbound></policies>'"
        }
        let documents = [
            RuleExample.api(
                "apicall", fields: "policy: \(policy(inbound: callersCall))\n",
                routes: "  - {id: list-apicall, method: GET, path: /apicall, scopes: [orders.read], policy: \(policy(outbound: store))}\n"),
            RuleExample.api(
                "routecall", fields: "policy: \(policy(outbound: store))\n",
                routes: "  - {id: list-routecall, method: GET, path: /routecall, scopes: [orders.read], policy: \(policy(inbound: callersCall))}\n"),
            RuleExample.api(
                "inboundstore", fields: "policy: \(policy(inbound: gatewaysCall + store))\n",
                routes: "  - {id: list-inboundstore, method: GET, path: /inboundstore, scopes: [orders.read], policy: \(policy(inbound: callersCall))}\n"),
        ]
        try write(documents.map(\.text).joined(separator: "---\n"), to: "defs/apis.yaml")
        let found = try lintFindings().filter { $0.hasPrefix("CA001") }
        XCTAssertEqual(
            found.sorted(),
            [
                "CA001 defs/apis.yaml: raw 'cache-store-value' in API 'routecall' keeps the answer to route 'list-routecall', which requires a token, under a key that does not tell its callers apart",
                "CA001 defs/apis.yaml: raw 'cache-store-value' in route 'apicall/list-apicall' keeps the answer to route 'list-apicall', which requires a token, under a key that does not tell its callers apart",
            ])
    }

    /// A counter keyed by the client certificate counts what the caller presents: APIM checks
    /// a certificate only where a policy does, so a new self-signed one is a new counter
    /// (found by the audit of the forty-first round). With a `validate-client-certificate`
    /// in the limit's policy, or a key of the gateway's own certificates, it is not.
    func testACounterKeyedByACertificateNoPolicyValidatesIsChosenByTheCaller() throws {
        let cases: [(name: String, inbound: String)] = [
            ("thumbprint", #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Certificate?.Thumbprint ?? &quot;none&quot;)" />"#),
            ("subject", #"<quota-by-key calls="1000" renewal-period="3600" counter-key="@(context.Request?.Certificate.SubjectName.Name)" />"#),
            // Named as C# allows, verbatim or escaped (an audit found both unread).
            ("verbatim", #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.@Certificate?.Thumbprint)" />"#),
            ("escaped", #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Certifi\u0063ate?.Thumbprint)" />"#),
            // Each of these counts what no caller picks.
            ("validated", #"<validate-client-certificate validate-revocation="true"><identities><identity issuer-certificate-id="partners-ca" /></identities></validate-client-certificate><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Certificate.Thumbprint)" />"#),
            ("gatewaycertificates", #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Deployment.Certificates.Count.ToString())" />"#),
            // From the audit of the fix: verified as Microsoft's samples do, or by the API's
            // policy, which the route's runs first.
            ("verified", #"<choose><when condition="@(context.Request.Certificate == null || !context.Request.Certificate.Verify())"><return-response><set-status code="403" /></return-response></when></choose><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Certificate.Thumbprint)" />"#),
            ("apivalidated", #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Certificate.Thumbprint)" />"#),
            // From the second audit: the thumbprint tested against one written out.
            // From the third audit: a `when` that tests for no certificate only, or traces.
            ("otherwiserefuses", #"<choose><when condition="@(context.Request.Certificate != null &amp;&amp; context.Request.Certificate.Thumbprint == &quot;0123456789ABCDEF0123456789ABCDEF01234567&quot;)"><set-variable name="partner" value="known" /></when><otherwise><return-response><set-status code="403" /></return-response></otherwise></choose><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Certificate.Thumbprint)" />"#),
            ("nullonly", #"<choose><when condition="@(context.Request.Certificate == null)"><return-response><set-status code="403" /></return-response></when></choose><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Certificate.Thumbprint)" />"#),
            ("thumbprinttested", #"<choose><when condition="@(context.Request.Certificate == null || context.Request.Certificate.Thumbprint != &quot;0123456789ABCDEF0123456789ABCDEF01234567&quot;)"><return-response><set-status code="403" /></return-response></when></choose><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Certificate.Thumbprint)" />"#),
        ]
        let validating = #"policy: '<policies><inbound><base /><validate-client-certificate validate-revocation="true"><identities><identity issuer-certificate-id="partners-ca" /></identities></validate-client-certificate></inbound></policies>'"#
        let documents = cases.map { name, inbound in
            RuleExample.api(
                name, fields: name == "apivalidated" ? validating + "\n" : "",
                routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read], policy: '<policies><inbound><base />\(inbound)</inbound></policies>'}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings(status: 0).filter { $0.hasPrefix("RL004") }
        XCTAssertEqual(
            findings.sorted(),
            [
                "RL004 defs/apis.yaml: raw 'quota-by-key' in route 'subject/list-subject' counts by the client certificate, which callers choose",
                "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in route 'escaped/list-escaped' counts by the client certificate, which callers choose",
                "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in route 'nullonly/list-nullonly' counts by the client certificate, which callers choose",
                "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in route 'thumbprint/list-thumbprint' counts by the client certificate, which callers choose",
                "RL004 defs/apis.yaml: raw 'rate-limit-by-key' in route 'verbatim/list-verbatim' counts by the client certificate, which callers choose",
            ])
    }

    /// A key tells callers apart only where every value it may hold does (found by the audit
    /// of the change): a subscription's or owner's id beside the token, a variable set to
    /// the subscription's, an array joined to text (`System.String[]`), and the token in
    /// `Authorization` after the API's policy deleted it are every caller's alike. The
    /// first value of a header read by name, Microsoft's `TryGetValue` example, a claim of
    /// the application's own naming, the token past its scheme, a fallback written out for
    /// a subject that is missing, a variable set to the subject, and `Authorization` after a
    /// `set-header` that skips a value the caller sent were taken for shared.
    func testACacheKeyIsJudgedByEveryValueItMayHold() throws {
        let authorization = "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;)"
        let values = "context.Request.Headers[&quot;Authorization&quot;]"
        let cases: [(name: String, key: String, apiInbound: String)] = [
            ("subscriptionvariable", "@(&quot;orders-&quot; + (string)context.Variables[&quot;cache-caller-subscription&quot;])",
             #"<set-variable name="cache-caller-subscription" value="@(context.Subscription.Id)" />"#),
            ("coalesced", "@(context.Subscription?.Id ?? \(authorization))", ""),
            ("userbranch", "@(context.User != null ? context.User.Id : \(authorization))", ""),
            ("claimarray", "@(&quot;o-&quot; + \(authorization).AsJwt()?.Claims[&quot;oid&quot;])", ""),
            ("headerarray", "@(&quot;o-&quot; + \(values))", ""),
            ("deleted", "@(\(authorization))", #"<set-header name="Authorization" exists-action="delete" />"#),
            // Each of these tells the token's holders apart.
            ("firstvalue", "@(&quot;o-&quot; + \(values).First())", ""),
            ("indexed", "@(&quot;o-&quot; + \(values)[0])", ""),
            ("microsoft", "@{ string[] value; if (context.Request.Headers.TryGetValue(&quot;Authorization&quot;, out value)) { return &quot;o-&quot; + value[0]; } return &quot;o-&quot;; }", ""),
            ("customclaim", "@(\(authorization).AsJwt()?.Claims.GetValueOrDefault(&quot;extension_CustomerId&quot;, &quot;&quot;))", ""),
            ("rest", "@(\(authorization).Substring(7, \(authorization).Length - 7))", ""),
            ("skipscheme", "@(\(authorization).Split(&apos; &apos;).Skip(1).First())", ""),
            ("fallback", "@(\(authorization).AsJwt()?.Subject ?? &quot;&quot;)", ""),
            ("subjectvariable", "@(&quot;orders-&quot; + (string)context.Variables[&quot;cache-caller-subject&quot;])",
             #"<set-variable name="cache-caller-subject" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)" />"#),
            ("skipset", "@(\(authorization))", #"<set-header name="Authorization" exists-action="skip"><value>Bearer gateway</value></set-header>"#),
            // Found by the audit of the fixes. Shared: a claim many users' tokens share, by
            // name or by a test; a slice of a written length; a slice from a zero written
            // otherwise or named; the token after 'append' made the header a list; a variable
            // nothing sets, a cache lookup's, or the gateway's own token; an arm of a 'switch';
            // a block's value that reads no local; a long '??' chain; a header's first values
            // joined as a list.
            ("idtyp", "@(\(authorization).AsJwt()?.Claims.GetValueOrDefault(&quot;idtyp&quot;, &quot;&quot;))", ""),
            ("pickedclaim", "@(\(authorization).AsJwt()?.Claims.First(c =&gt; c.Key == &quot;tid&quot;).Value[0])", ""),
            ("slice", "@(\(authorization).Substring(7, 20))", ""),
            ("namedslice", "@(\(authorization).Substring(length: 7, startIndex: 0))", ""),
            ("hexslice", "@(\(authorization).Substring(0x0, 7))", ""),
            ("unset", "@(&quot;o-&quot; + (string)context.Variables.GetValueOrDefault(&quot;cache-nobody-sets&quot;, &quot;&quot;))", ""),
            ("lookedup", "@(&quot;o-&quot; + (string)context.Variables[&quot;cache-tenant-profile&quot;])",
             #"<cache-lookup-value key="tenant-profile" variable-name="cache-tenant-profile" default-value="none" />"#),
            ("gatewaytoken", "@(&quot;o-&quot; + (string)context.Variables[&quot;cache-msi&quot;])",
             #"<authentication-managed-identity resource="api://orders-backend" output-token-variable-name="cache-msi" />"#),
            ("switched", "@(context.Request.Method switch { &quot;GET&quot; =&gt; context.Subscription.Id, _ =&gt; \(authorization) })", ""),
            ("blockvalue", "@{ var a = \(authorization); if (a.Length &gt; 0) { return context.Subscription.Id; } return a; }", ""),
            ("longchain", "@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;a1&quot;) ?? context.Variables.GetValueOrDefault&lt;string&gt;(&quot;a2&quot;) ?? context.Variables.GetValueOrDefault&lt;string&gt;(&quot;a3&quot;) ?? context.Variables.GetValueOrDefault&lt;string&gt;(&quot;a4&quot;) ?? context.Variables.GetValueOrDefault&lt;string&gt;(&quot;a5&quot;) ?? context.Subscription.Id)", ""),
            ("taken", "@(&quot;o-&quot; + \(values).Take(1))", ""),
            // Per caller: the validated token read as a 'Jwt', a fallback written as
            // 'string.Empty', a written branch for a token that is missing, a new key each
            // time.
            ("typedjwt", "@(context.Variables.GetValueOrDefault&lt;Jwt&gt;(&quot;cache-jwt&quot;)?.Subject)",
             #"<validate-jwt header-name="Authorization" output-token-variable-name="cache-jwt"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt>"#),
            ("emptyfallback", "@(\(authorization).AsJwt()?.Subject ?? string.Empty)", ""),
            ("anonymous", "@(\(authorization).AsJwt() != null ? \(authorization).AsJwt().Subject : &quot;anonymous&quot;)", ""),
            ("fresh", "@(Guid.NewGuid().ToString())", ""),
            // Found by the third audit. Per caller: the whole header after 'append' (it still
            // holds the caller's token), a local of any name, a switch arm's pattern, an
            // introspection's answer, a slice at the token's end.
            ("appended", "@(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(\(authorization)))))", #"<set-header name="Authorization" exists-action="append"><value>Bearer gateway</value></set-header>"#),
            ("underscore", "@{ var _jwt = \(authorization).AsJwt(); return &quot;o-&quot; + _jwt.Subject; }", ""),
            ("pascal", "@{ var Token = \(authorization).AsJwt(); return &quot;o-&quot; + Token.Subject; }", ""),
            ("patterned", "@(\(authorization) switch { string s when s.StartsWith(&quot;Bearer &quot;) =&gt; s.Substring(7), var s =&gt; s })", ""),
            ("introspected", "@(&quot;o-&quot; + ((IResponse)context.Variables[&quot;cache-tokenstate&quot;]).Body.As&lt;JObject&gt;(preserveContent: true)[&quot;sub&quot;])",
             #"<send-request mode="new" response-variable-name="cache-tokenstate" timeout="10"><set-url>https://idp.example.com/introspect</set-url><set-method>POST</set-method><set-body>@(&quot;token=&quot; + \#(authorization))</set-body></send-request>"#),
            ("tail", "@(\(authorization).Substring(\(authorization).Length - 43, 43))", ""),
            // Shared: a written branch every caller with a token gets, or one a test of a
            // claim picks; a block whose value reads no local, however it reads others.
            ("signedin", "@(\(authorization).AsJwt() != null ? &quot;signed-in&quot; : \(authorization).AsJwt().Subject)", ""),
            ("apponly", "@(\(authorization).AsJwt()?.Claims.GetValueOrDefault(&quot;scp&quot;, (string)null) == null ? &quot;app-only&quot; : \(authorization).AsJwt()?.Subject)", ""),
            ("requestid", "@{ var rid = context.RequestId.ToString(); var sub = context.Subscription.Id; return &quot;o-&quot; + sub; }", ""),
            // Found by the fourth audit. Shared: an arm that reads no pattern beside one that
            // does; a written branch for a token without an id, or a request without another
            // header. Per caller: a key built on the variable in two steps; `is null`.
            ("bearerarm", "@(\(authorization) switch { var h when h.StartsWith(&quot;Bearer &quot;) =&gt; context.Subscription.Id, var h =&gt; h })", ""),
            ("noid", "@(\(authorization).AsJwt()?.Id == null ? &quot;anon&quot; : \(authorization).AsJwt().Subject)", ""),
            ("notenant", "@(context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;) != null ? \(authorization).AsJwt().Subject + context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;) : &quot;anon&quot;)", ""),
            ("twosteps", "@(&quot;o-&quot; + (string)context.Variables[&quot;cache-steps&quot;])",
             #"<set-variable name="cache-steps" value="@(\#(authorization).AsJwt()?.Subject)" /><set-variable name="cache-steps" value="@((string)context.Variables[&quot;cache-steps&quot;] + &quot;:&quot; + context.Request.Url.Path)" />"#),
            ("isnull", "@(\(authorization).AsJwt() is null ? &quot;anon&quot; : \(authorization).AsJwt().Subject)", ""),
            // Found by the fifth audit. Shared: a variable only ever copied from itself or
            // from another copy of it (it starts unset); a written branch for a part of the
            // header every token lacks. Per caller: a switch's arm for a missing token.
            ("selfonly", "@(&quot;o-&quot; + (string)context.Variables.GetValueOrDefault(&quot;cache-self&quot;, &quot;&quot;))",
             #"<set-variable name="cache-self" value="@((string)context.Variables.GetValueOrDefault(&quot;cache-self&quot;, &quot;&quot;) + &quot;x&quot;)" />"#),
            ("pingpong", "@(&quot;o-&quot; + (string)context.Variables.GetValueOrDefault(&quot;cache-ping&quot;, &quot;&quot;))",
             #"<set-variable name="cache-ping" value="@((string)context.Variables.GetValueOrDefault(&quot;cache-pong&quot;, &quot;&quot;))" /><set-variable name="cache-pong" value="@((string)context.Variables.GetValueOrDefault(&quot;cache-ping&quot;, &quot;&quot;))" />"#),
            ("thirdpart", "@(\(authorization).Split(&apos; &apos;).ElementAtOrDefault(2) is null ? &quot;anon&quot; : \(authorization).AsJwt().Subject)", ""),
            ("switchnull", "@(\(authorization).AsJwt() switch { null =&gt; &quot;anon&quot;, var t =&gt; t.Subject })", ""),
            // Microsoft's spelling of the token past its scheme, tested before it is read (the
            // sixth audit).
            ("schemeless", "@(\(authorization).Split(&apos; &apos;)[1].AsJwt() != null ? \(authorization).Split(&apos; &apos;)[1].AsJwt().Subject : &quot;anonymous&quot;)", ""),
            // But a written branch for callers a test of a value picks is theirs to share.
            ("freetier", "@(\(authorization).AsJwt()?.Claims.GetValueOrDefault(&quot;tier&quot;, null) == &quot;free&quot; ? &quot;anon&quot; : \(authorization).AsJwt()?.Subject)", ""),
        ]
        let documents = cases.map { name, key, apiInbound in
            let store = #"<outbound><base /><cache-store-value key="\#(key)" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="300" /></outbound>"#
            return RuleExample.api(
                name, fields: apiInbound.isEmpty ? "" : "policy: '<policies><inbound><base />\(apiInbound)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /\(name), scopes: [orders.read], policy: '<policies>\(store)</policies>'}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let reported = try lintFindings().filter { $0.hasPrefix("CA001") }.compactMap { $0.firstMatch(of: /route '(\w+)\/list-/)?.1 }.map(String.init)
        XCTAssertEqual(reported.sorted(), [
            "apponly", "bearerarm", "blockvalue", "claimarray", "coalesced", "deleted", "freetier", "gatewaytoken", "headerarray", "hexslice", "idtyp",
            "longchain", "lookedup", "namedslice", "noid", "notenant", "pickedclaim", "pingpong", "requestid", "selfonly", "signedin", "slice",
            "subscriptionvariable", "switched", "taken", "thirdpart", "unset", "userbranch",
        ])
    }

    /// A variable is judged by the headers that carry the credentials of the scope whose
    /// key reads it, however other APIs check theirs, and alike whichever store is read
    /// first (found by the third audit of the round: judged by every scope's headers at
    /// once, a header another API checks passed; a guess made inside a cycle of copies was
    /// kept).
    func testAVariableIsJudgedByItsOwnScopesCredentialsInAnyOrder() throws {
        let store = { (variable: String) in
            #"<outbound><base /><cache-store-value key="@(&quot;o-&quot; + (string)context.Variables[&quot;\#(variable)&quot;])" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="300" /></outbound>"#
        }
        let partnerToken = "context.Request.Headers.GetValueOrDefault(&quot;X-Partner-Token&quot;, &quot;&quot;)"
        let check = #"<validate-jwt header-name="X-Partner-Token"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://partners</audience></audiences></validate-jwt>"#
        let cycle =
            #"<set-variable name="cycle-a" value="@((string)context.Variables[&quot;cycle-b&quot;])" /><set-variable name="cycle-a" value="@(context.Subscription.Id)" />"#
            + #"<set-variable name="cycle-b" value="@((string)context.Variables[&quot;cycle-a&quot;])" />"#
        let documents = [
            RuleExample.api(
                "tokens", fields: "policy: '<policies><inbound><base /><set-variable name=\"partner-caller\" value=\"@(\(partnerToken))\" /></inbound></policies>'\n",
                routes: "  - {id: list-tokens, method: GET, path: /tokens, scopes: [orders.read], policy: '<policies>\(store("partner-caller"))</policies>'}\n"),
            RuleExample.api(
                "partners", fields: "auth: none\npolicy: '<policies><inbound><base />\(check)</inbound></policies>'\n",
                routes: "  - {id: list-partners, method: GET, path: /partners, policy: '<policies><outbound><base /><cache-store-value key=\"@(\(partnerToken))\" value=\"@(context.Response.Body.As&lt;string&gt;(preserveContent: true))\" duration=\"300\" /></outbound></policies>'}\n"),
            RuleExample.api(
                "cycles", fields: "policy: '<policies><inbound><base />\(cycle)</inbound></policies>'\n",
                routes: "  - {id: list-first, method: GET, path: /first, scopes: [orders.read], policy: '<policies>\(store("cycle-a"))</policies>'}\n"
                    + "  - {id: list-second, method: GET, path: /second, scopes: [orders.read], policy: '<policies>\(store("cycle-b"))</policies>'}\n"),
        ].map(\.text)
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let reported = try lintFindings().filter { $0.hasPrefix("CA001") }.compactMap { $0.firstMatch(of: /route '(\w+\/[\w-]+)'/)?.1 }.map(String.init)
        XCTAssertEqual(reported.sorted(), ["cycles/list-first", "cycles/list-second", "tokens/list-tokens"])
    }

    /// An estate of many variables is judged whole: a budget of judgements for the whole
    /// estate first reported the stores read last (found by the fourth audit: 100 APIs of
    /// 60 setters each).
    func testAnEstateOfManyVariablesIsJudgedWhole() throws {
        let subject = "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject"
        let documents = (0..<60).map { index in
            let setters = (0..<100).map { #"<set-variable name="many-\#(index)" value="@(\#(subject) + &quot;-\#($0)&quot;)" />"# }.joined()
            let store = #"<cache-store-value key="@(&quot;o-&quot; + (string)context.Variables[&quot;many-\#(index)&quot;])" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="300" />"#
            return RuleExample.api(
                "many\(index)", fields: "policy: '<policies><inbound><base />\(setters)</inbound></policies>'\n",
                routes: "  - {id: list-many\(index), method: GET, path: /many\(index), scopes: [orders.read], policy: '<policies><outbound><base />\(store)</outbound></policies>'}\n"
            ).text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let lint = try ToolProcess.run(["lint", "defs", "--format", "json"], in: directory)
        XCTAssertFalse(lint.stdout.contains("\"CA001\""), lint.stdout)
    }

    /// A Liquid template reads the body and the context as `{{body.x}}` and `{{context.x}}`,
    /// as Microsoft's own examples do: RF001, which no suppression silences, blocked every
    /// project that used one (found by an audit). So are the variables a template makes, a
    /// loop's, an assigned or a captured one, and the loop's own `forloop` (found by the
    /// next audit). Elsewhere such a name is still a named value, and a name the template
    /// does not make is one inside it too.
    func testALiquidTemplatesObjectsAreNoNamedValues() throws {
        let liquid = #"<set-body template="liquid"><order><id>{{body.order.id}}</id><by>{{context.User.Email}}</by></order></set-body>"#
        let made =
            #"<set-body template="liquid">{%- assign total = body.total -%}{% capture note %}n{% endcapture %}"#
            + #"{% for line in body.lines %}{{line.sku}}:{{forloop.index}}{% endfor %}{{total}}{{note}}{% increment seen %}{{seen}}{{unmade.name}}</set-body>"#
        let plain = #"<set-header name="X-Order" exists-action="override"><value>{{body.order.id}}{{line.sku}}</value></set-header>"#
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let api = RuleExample.api(fields: "policy: '<policies><inbound><base />\(liquid)\(made)\(plain)</inbound></policies>'\n", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(api.text, to: "defs/orders.yaml")
        let findings = try lintFindings().filter { $0.hasPrefix("RF001") }
        XCTAssertEqual(findings, [
            "RF001 defs/orders.yaml: unknown named value 'body.order.id'",
            "RF001 defs/orders.yaml: unknown named value 'line.sku'",
            "RF001 defs/orders.yaml: unknown named value 'unmade.name'",
        ])
    }

    /// Keys Entra shares between tenants (`/common/`, `tenant-id="common"`) sign tokens of
    /// every tenant: without an issuer, a token another tenant issued for the audience
    /// passed, and lint was silent (found by an audit). An issuer, a required `tid`, or a
    /// tenant's own endpoint closes it.
    func testASharedTenantsKeysWithoutAnIssuerAreLP002() throws {
        func jwt(_ tenant: String, _ extra: String = "") -> String {
            #"<validate-jwt header-name="Authorization"><openid-config url="https://login.microsoftonline.com/\#(tenant)/v2.0/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences>\#(extra)<required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        }
        let checks: [(name: String, check: String)] = [
            ("common", jwt("common")),
            ("organizations", jwt("Organizations")),
            ("entra", #"<validate-azure-ad-token tenant-id="common"><audiences><audience>api://orders</audience></audiences></validate-azure-ad-token>"#),
            ("issuer", jwt("common", "<issuers><issuer>https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0</issuer></issuers>")),
            ("tenant", jwt("11111111-1111-1111-1111-111111111111")),
        ]
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        let documents = checks.map { name, check in
            RuleExample.api(name, fields: "auth: none\npolicy: '<policies><inbound>\(check)<base /></inbound></policies>'\n", routes: "  - {id: list-\(name), method: GET, path: /\(name)}\n").text
        }
        try write(documents.joined(separator: "---\n"), to: "defs/apis.yaml")
        let findings = try lintFindings().filter { $0.contains("shares between tenants") }
        XCTAssertEqual(findings.sorted(), [
            "LP002 defs/apis.yaml: raw 'validate-azure-ad-token' in API 'entra' takes the keys Entra shares between tenants ('common') and checks no issuer, so a token any tenant issues for its audience passes",
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'common' takes the keys Entra shares between tenants ('common') and checks no issuer, so a token any tenant issues for its audience passes",
            "LP002 defs/apis.yaml: raw 'validate-jwt' in API 'organizations' takes the keys Entra shares between tenants ('organizations') and checks no issuer, so a token any tenant issues for its audience passes",
        ])
    }

    /// A 'set-method' to a read method also changes which branch on the method runs: a
    /// DELETE route turned into GET then met the GET branch's answer, which the first
    /// exemption skipped as a branch for another method (found reading the change again).
    func testABranchOnAMethodTheRequestWasGivenIsJudged() throws {
        let policy = #"<set-method>GET</set-method><choose><when condition="@(context.Request.Method == &quot;GET&quot;)"><return-response response-variable-name="cached" /></when></choose><base />"#
        let api = RuleExample.api(
            routes: "  - id: cancel-order\n    method: DELETE\n    path: /orders\n    scopes: [orders.write]\n    policy: '<policies><inbound>\(policy)</inbound></policies>'\n")
        try write(api.text, to: "defs/orders.yaml")
        let findings = try lintFindings()
        XCTAssertTrue(
            findings.contains { $0.hasPrefix("LP001") && $0.contains("may answer requests of route 'cancel-order' before its token check") }, "\(findings)")
    }

    /// A product's policy without '<base />' runs instead of the gateway's for the
    /// product's subscribers, so the gateway's raw token check is not on every request.
    func testAProductWithoutBaseSkipsTheGatewaysRawCheck() throws {
        let jwt = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let gateway = RuleExample.baseGateway.replacingOccurrences(of: "  auth: entra\n", with: "  auth: none\n")
            + "policy: '<policies><inbound>\(jwt)</inbound><backend><forward-request /></backend><outbound /><on-error /></policies>'\n"
        try write(gateway, to: "defs/gateway.yaml")
        let api = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders}\n").text
        try write(api, to: "defs/orders.yaml")
        let clean = try ToolProcess.run(["lint", "defs", "--quiet"], in: directory)
        XCTAssertFalse(clean.stdout.contains("[LP001]"), clean.stdout)
        try write(
            "apiVersion: portcullis/v1\nkind: Product\nname: partners\napis: [orders]\npolicy: '<policies><inbound><set-header name=\"X-Partner\" exists-action=\"override\"><value>1</value></set-header></inbound></policies>'\n",
            to: "defs/products.yaml")
        let findings = try lintFindings()
        XCTAssertTrue(findings.contains { $0.hasPrefix("LP001") && $0.contains("route 'list-orders' accepts requests without a token") }, "\(findings)")
    }

    func testAPolicyFileNotGivenIsNamed() throws {
        try write("<policies><inbound><base /></inbound></policies>\n", to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let lint = try ToolProcess.run(["lint", "defs/gateway.yaml", "defs/orders.yaml"], in: directory)
        XCTAssertEqual(lint.status, 1)
        XCTAssertTrue(
            lint.stdout.contains("error: policy file 'policies/orders.xml' of API 'orders' is not among the inputs [RF001]"), lint.stdout)
        let folder = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(folder.status, 0, folder.stdout)
    }

    func testForeignXMLIsSkippedAndCounted() throws {
        try write("<project><modelVersion>4.0.0</modelVersion></project>\n", to: "defs/pom.xml")
        try writeAPI(policy: "|\n  <policies><inbound><base /></inbound></policies>")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout)
        XCTAssertTrue(lint.stdout.contains("(1 other file skipped)"), lint.stdout)
    }

    /// A document that cannot be read has no values to judge, and its finding quotes the
    /// line where reading stopped: a line there that looks like a credential is masked.
    func testASecretOnTheLineOfAnUnreadableDocumentIsNeverEchoed() throws {
        // Short, so that the quoted window around the error would hold all of it.
        let canary = "Zq9" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(9)
        let broken = "<policies><inbound><set-header name=\"Authorization\" exists-action=\"override\"><value>client_secret=\(canary)</value><bad</set-header></inbound></policies>\n"
        try write(broken, to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        for format in ["text", "json", "sarif", "github"] {
            let lint = try ToolProcess.run(["lint", "defs", "--format", format], in: directory)
            XCTAssertEqual(lint.status, 1, format)
            XCTAssertTrue(lint.stdout.contains("PX001"), "\(format): \(lint.stdout.prefix(300))")
            XCTAssertFalse((lint.stdout + lint.stderr).contains(canary), "\(format) repeats the secret")
        }
        // The same inline, in a literal block.
        try writeAPI(policy: "|\n  " + broken)
        let inline = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertTrue(inline.stdout.contains("PX001"), inline.stdout)
        XCTAssertFalse(inline.stdout.contains(canary), inline.stdout)
    }


    /// A finding in raw XML is placed at its text: in a policy file that starts with a byte
    /// order mark, which is no column, and in a literal block scalar with a tag or an anchor
    /// before its `|` (audit V93: the first was one column off, the second placed at the
    /// whole scalar, where one suppression comment then silenced the whole policy).
    func testAFindingInRawXMLIsPlacedAtItsTextBehindAByteOrderMarkOrATag() throws {
        let statement = #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;X-T&quot;,&quot;&quot;))" />"#
        let key = #"@(context.Request.Headers.GetValueOrDefault(&quot;X-T&quot;,&quot;&quot;))"#
        func place() throws -> [String] {
            let lint = try ToolProcess.run(["lint", "defs", "--format", "json"], in: directory)
            let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any])
            return (report["diagnostics"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "RL004" }.map {
                "\($0["file"] ?? ""):\($0["line"] ?? ""):\($0["column"] ?? "")-\($0["endLine"] ?? ""):\($0["endColumn"] ?? "")"
            }
        }
        let text = "<policies><inbound><base />\(statement)</inbound></policies>\n"
        let column = text.distance(from: text.startIndex, to: text.range(of: key)!.lowerBound) + 1
        try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: file("defs/policies/orders.xml"))
        try writeAPI(policy: "policies/orders.xml")
        XCTAssertEqual(try place(), ["defs/policies/orders.xml:1:\(column)-1:\(column + key.count)"])
        // On the indicator's line or, after a comment and line breaks, before it (audit V95).
        for properties in ["!!str ", "&policy ", "!!str &policy ", "!!str # a note\n  ", "&policy\n\n  # a note\r\n  "] {
            try? FileManager.default.removeItem(at: file("defs/policies/orders.xml"))
            try writeAPI(policy: "\(properties)|\n  <policies><inbound><base />\n    \(statement)\n    \(statement)\n  </inbound></policies>")
            let keyColumn = 5 + statement.distance(from: statement.startIndex, to: statement.range(of: key)!.lowerBound)
            let line = 8 + properties.filter(\.isNewline).count
            XCTAssertEqual(
                try place(), ["defs/orders.yaml:\(line):\(keyColumn)-\(line):\(keyColumn + key.count)", "defs/orders.yaml:\(line + 1):\(keyColumn)-\(line + 1):\(keyColumn + key.count)"],
                properties)
        }
    }

    /// A policy file in UTF-16 is read and refused where it is, not skipped and then
    /// reported missing by the definition that names it.
    func testAUTF16PolicyFileIsRefusedWhereItIs() throws {
        let text = "<policies><inbound><base /></inbound></policies>\n"
        try Data([0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: file("defs/policies/orders.xml"))
        try writeAPI(policy: "policies/orders.xml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1)
        XCTAssertTrue(
            lint.stdout.contains("defs/policies/orders.xml:1:1: error: policy file 'defs/policies/orders.xml' is UTF-16 little-endian text, not UTF-8 [PX001]"),
            lint.stdout)
        XCTAssertFalse(lint.stdout.contains("is not among the inputs"), lint.stdout)
    }


    /// Each credential-like line of an unreadable document is placed once: placing each by
    /// walking the text before it took 29 s (debug build) for this file.
    func testManyCredentialLinesInAnUnreadableDocumentArePlacedInLinearTime() throws {
        let lines = ["<policies><inbound><bad"] + (0..<12_000).map { String(format: "password=abcdefgh%06d", $0) }
        try write(lines.joined(separator: "\n") + "\n", to: "defs/policies/orders.xml")
        try writeAPI(policy: "policies/orders.xml")
        let started = Date()
        let lint = try ToolProcess.run(["lint", "defs", "--format", "json"], in: directory)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertEqual(lint.status, 1)
        XCTAssertFalse(lint.stdout.contains("abcdefgh000042"), "a credential line is quoted")
    }


    /// `gateway.json` listed a product's rate limit for a route whose raw policy leaves out
    /// `<base />` in `inbound`, which keeps APIM from running the product's policy (RL010
    /// says so): a runtime reading it enforced a limit the gateway does not. Both now read
    /// one fact of the model.
    func testGatewayJSONListsNoProductLimitARawPolicySkips() throws {
        try write(
            "apiVersion: portcullis/v1\nkind: Product\nname: shop\ndisplayName: Shop\napis: [orders]\nrateLimit: {calls: 100, per: 60s}\n",
            to: "defs/shop.yaml")
        let example = RuleExample.api(
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                policy: '<policies><inbound><set-header name="X-Own" exists-action="override"><value>1</value></set-header></inbound></policies>'
              - {id: get-order, method: GET, path: "/orders/{id}", scopes: [orders.read]}

            """)
        try write(example.text, to: "defs/orders.yaml")
        try "rules:\n  RL010: off\n".write(to: file("defs/portcullis.yaml"), atomically: true, encoding: .utf8)
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let gateway = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file("out/gateway.json"))) as? [String: Any])
        let routes = Dictionary(uniqueKeysWithValues: (gateway["routes"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", $0) })
        XCTAssertNil(routes["list-orders"]?["productLimits"], "a limit the raw policy skips is listed")
        XCTAssertNotNil(routes["get-order"]?["productLimits"], "the product's limit is not listed where it runs")
    }

    /// `gateway.json` named the plan's backend alone where a raw policy sends the route's
    /// requests elsewhere with `set-backend-service` (found by an audit): a runtime reading
    /// it reached another server than APIM. It lists such policies, in the order they run:
    /// the API's and the route's `inbound` (a broader scope's is followed by the statement
    /// the build writes into the API's policy), and every scope's `backend`, a fragment's
    /// statement too, where each narrower scope keeps `<base />` there (found by the audit
    /// of the change, which listed a product the API's own statement overrides).
    func testGatewayJSONNamesTheRawPoliciesThatSetARoutesBackend() throws {
        try write(
            "apiVersion: portcullis/v1\nkind: Product\nname: shop\ndisplayName: Shop\napis: [orders]\n"
                + "policy: '<policies><inbound><base /><include-fragment fragment-id=\"canary\" /></inbound><backend><base /><include-fragment fragment-id=\"canary\" /></backend></policies>'\n"
                + "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: canary\n"
                + "policy: '<fragment><choose><when condition=\"@(context.Request.Headers.ContainsKey(&quot;X-Canary&quot;))\"><set-backend-service base-url=\"https://canary.example.com\" /></when></choose></fragment>'\n",
            to: "defs/shop.yaml")
        let example = RuleExample.api(
            fields: "policy: '<policies><inbound><base /><choose><when condition=\"@(context.Request.Headers.ContainsKey(&quot;X-Blue&quot;))\"><set-backend-service base-url=\"https://blue.example.com\" /></when></choose></inbound></policies>'\n",
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                policy: '<policies><inbound><base /></inbound><backend><base /><set-backend-service base-url="https://mirror.example.com" /></backend></policies>'
              - id: own-orders
                method: GET
                path: /orders/own
                scopes: [orders.read]
                policy: '<policies><inbound><set-header name="X-Own" exists-action="override"><value>1</value></set-header></inbound><backend><forward-request /></backend></policies>'
              - {id: get-order, method: GET, path: "/orders/{id}", scopes: [orders.read]}

            """)
        try write(example.text, to: "defs/orders.yaml")
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        try "rules:\n  RL008: off\n".write(to: file("defs/portcullis.yaml"), atomically: true, encoding: .utf8)
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let gateway = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file("out/gateway.json"))) as? [String: Any])
        let routes = Dictionary(uniqueKeysWithValues: (gateway["routes"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", $0) })
        func setters(_ id: String) -> [String]? { (routes[id]?["backend"] as? [String: Any])?["setByRawPolicies"] as? [String] }
        XCTAssertEqual(setters("list-orders"), ["API 'orders'", "product 'shop'", "route 'orders/list-orders'"])
        XCTAssertEqual(setters("get-order"), ["API 'orders'", "product 'shop'"])
        XCTAssertNil(setters("own-orders"), "a route that runs neither the API's inbound nor the broader backend sections")
        XCTAssertEqual((routes["get-order"]?["backend"] as? [String: Any])?["url"] as? String, "https://orders.example.com")
        // The product's inbound statement is followed by the API's generated one.
        let apiPolicy = try String(contentsOf: file("out/apim/apis/orders/policy.xml"), encoding: .utf8)
        XCTAssertTrue(apiPolicy.contains(#"<base />\#n        <set-backend-service base-url="https://orders.example.com" />"#), apiPolicy)
        let schema = try PythonTool.run([
            PythonTool.support.appendingPathComponent("check_bundle.py").path, file("out").path,
            GoldenFiles.packageRoot.appendingPathComponent("Schemas/gateway-config.schema.json").path,
        ])
        XCTAssertEqual(schema.status, 0, schema.stdout + schema.stderr)
    }

    /// A route whose raw inbound leaves out `<base />` never runs the API's inbound
    /// statements; when the API's backend is a backend entity, with its managed identity,
    /// that route's own policy sets it, so the request still reaches it with its token.
    func testARouteThatDropsBaseStillReachesTheAPIsBackendEntity() throws {
        try write(
            """
            apiVersion: portcullis/v1
            kind: Backend
            name: orders-service
            url: https://orders.internal.example.com
            credentials:
              managedIdentity: {resource: api://orders}

            """, to: "defs/backend.yaml")
        let example = RuleExample.api(
            fields: "",
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                policy: |
                  <policies>
                    <inbound>
                      <set-header name="X-Own" exists-action="override"><value>1</value></set-header>
                    </inbound>
                  </policies>
              - {id: get-order, method: GET, path: "/orders/{id}", scopes: [orders.read]}

            """)
        try write(example.text.replacingOccurrences(of: "backend: https://orders.example.com", with: "backend: orders-service"), to: "defs/orders.yaml")
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let dropsBase = try String(contentsOf: file("out/apim/apis/orders/operations/list-orders/policy.xml"), encoding: .utf8)
        XCTAssertTrue(dropsBase.contains(#"<set-backend-service backend-id="orders-service" />"#), dropsBase)
        XCTAssertTrue(dropsBase.contains(#"<authentication-managed-identity resource="api://orders" />"#), dropsBase)
        let keepsBase = try String(contentsOf: file("out/apim/apis/orders/operations/get-order/policy.xml"), encoding: .utf8)
        XCTAssertFalse(keepsBase.contains("set-backend-service"), "the API's policy sets it for routes that keep <base />")
    }


    /// A rate limit's window of 0 or less limits nothing, and passed every check with its
    /// route counted as limited (audit V78): written out, PX005 refuses it as APIM does; given
    /// by a named value, RL002 reports it. A quota's 0 is one that never renews.
    func testARateLimitWindowOfNothingIsRefused() throws {
        try write(RuleExample.baseGateway + "namedValues:\n  window: '0'\n", to: "defs/gateway.yaml")
        func api(_ name: String, _ statement: String) throws {
            let example = RuleExample.api(
                name, fields: "policy: '<policies><inbound><base />\(statement)</inbound></policies>'\n",
                routes: "  - {id: list-\(name), method: GET, path: /orders, scopes: [orders.read]}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        let key = #"counter-key="@(context.Subscription.Id)""#
        try api("zero", #"<rate-limit-by-key calls="10" renewal-period="0" \#(key) />"#)
        try api("negative", #"<rate-limit calls="10" renewal-period="-1" />"#)
        try api("named", #"<rate-limit-by-key calls="10" renewal-period="{{window}}" \#(key) />"#)
        try api("lifetime", #"<quota-by-key calls="10000" renewal-period="0" \#(key) />"#)
        // Computed from numbers written out (audit V88).
        try api("computed", #"<rate-limit-by-key calls="10" renewal-period="@(1 - 1)" \#(key) />"#)
        try api("hour", #"<rate-limit-by-key calls="10" renewal-period="@(60 * 60)" \#(key) />"#)
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("PX005") || $0.hasPrefix("RL002") }.sorted(),
            [
                "PX005 defs/negative.yaml: 'renewal-period' of 'rate-limit' is less than 1, the least APIM takes",
                "PX005 defs/zero.yaml: 'renewal-period' of 'rate-limit-by-key' is less than 1, the least APIM takes",
                "RL002 defs/computed.yaml: the rate-limit window of raw 'rate-limit-by-key' in API 'computed' is 0 seconds, outside 1s to 5m",
                "RL002 defs/hour.yaml: the rate-limit window of raw 'rate-limit-by-key' in API 'hour' is 1h, outside 1s to 5m",
                "RL002 defs/named.yaml: the rate-limit window of raw 'rate-limit-by-key' in API 'named' is 0 seconds, outside 1s to 5m",
            ])
    }

    /// A certificate check that takes a revoked, not yet valid or expired certificate lets
    /// a stolen one keep passing (audit V91: it linted clean, where a token check that takes
    /// tokens without an expiry is LP002); booleans read as XML Schema reads them (`1` true,
    /// `0` false), so that neither spelling is taken for the other.
    func testACertificateCheckThatTakesRevokedOrExpiredCertificatesIsLP002() throws {
        let pinned = #"<identities><identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" /></identities>"#
        func api(_ name: String, _ attributes: String) throws {
            let example = RuleExample.api(
                name, fields: "policy: '<policies><inbound><base /><validate-client-certificate \(attributes)>\(pinned)</validate-client-certificate></inbound></policies>'\n",
                routes: "  - {id: submit-\(name), method: POST, path: /orders, scopes: [orders.write]}\n")
            try write(example.text, to: "defs/\(name).yaml")
        }
        try api("expired", #"validate-not-after="false""#)
        try api("revoked", #"validate-revocation="0" validate-not-before="false""#)
        try api("strict", #"validate-revocation="1" validate-not-after="true" ignore-error="0""#)
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("LP002") }.sorted(),
            [
                "LP002 defs/expired.yaml: raw 'validate-client-certificate' in API 'expired' takes expired certificates ('validate-not-after')",
                "LP002 defs/revoked.yaml: raw 'validate-client-certificate' in API 'revoked' takes revoked or not yet valid certificates ('validate-revocation', 'validate-not-before')",
            ])
    }

    /// An attribute in a namespace on a check is refused, not read past (audit V91:
    /// `a:require-signed-tokens="false"` linted clean, was built into the bundle, and
    /// adding it was "other" to `diff`).
    func testANamespacedAttributeOnACheckIsPX002() throws {
        let example = RuleExample.api(
            "prefixed",
            fields: #"policy: '<policies><inbound><base /><validate-jwt header-name="X-Partner-Token" xmlns:a="urn:a" a:require-signed-tokens="false"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt></inbound></policies>'"# + "\n",
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(example.text, to: "defs/prefixed.yaml")
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("PX002") },
            ["PX002 defs/prefixed.yaml: 'validate-jwt' has no attribute 'a:require-signed-tokens'"])
    }

    /// Raw limits were judged by their budget (RL003) but not by the tier or their window:
    /// a raw 'rate-limit-by-key' on Consumption, a 'quota-by-key' on a v2 tier, and windows
    /// APIM refuses linted clean (found by an audit). Each is reported in every scope, a
    /// document shared by many routes once; a 'rate-limit' per subscription runs anywhere.
    func testRawLimitsAreJudgedByTierAndWindow() throws {
        let key = #"counter-key="@(context.Subscription.Id)""#
        try write(
            RuleExample.baseGateway + "sku: StandardV2\npolicy: '<policies><inbound><base /><quota-by-key calls=\"100000\" renewal-period=\"60\" \(key) /></inbound></policies>'\n",
            to: "defs/gateway.yaml")
        try write(
            "apiVersion: portcullis/v1\nkind: Product\nname: shop\ndisplayName: Shop\napis: [orders]\n"
                + "policy: '<policies><inbound><base /><rate-limit-by-key calls=\"1000\" renewal-period=\"600\" \(key) /></inbound></policies>'\n",
            to: "defs/shop.yaml")
        try write(
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: limits\npolicy: '<fragment><quota-by-key calls=\"10000\" renewal-period=\"3600\" \(key) /></fragment>'\n",
            to: "defs/limits.yaml")
        try write("<policies><inbound><base /><quota-by-key calls=\"10\" renewal-period=\"60\" \(key) /></inbound></policies>\n", to: "defs/policies/shared.xml")
        let example = RuleExample.api(
            fields: "policy: '<policies><inbound><base /><include-fragment fragment-id=\"limits\" /><rate-limit calls=\"10\" renewal-period=\"3600\" /></inbound></policies>'\n",
            routes: """
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], policy: policies/shared.xml}
              - {id: get-order, method: GET, path: "/orders/{id}", scopes: [orders.read], policy: policies/shared.xml}

            """)
        try write(example.text, to: "defs/orders.yaml")
        XCTAssertEqual(
            try lintFindings().filter { ($0.hasPrefix("RL009") || $0.hasPrefix("RL002")) }.sorted(),
            [
                "RL002 defs/gateway.yaml: the quota window of raw 'quota-by-key' in the gateway is 1m, shorter than 5m",
                "RL002 defs/orders.yaml: the rate-limit window of raw 'rate-limit' in API 'orders' is 1h, outside 1s to 5m",
                "RL002 defs/policies/shared.xml: the quota window of raw 'quota-by-key' in route 'orders/list-orders' is 1m, shorter than 5m",
                "RL002 defs/shop.yaml: the rate-limit window of raw 'rate-limit-by-key' in product 'shop' is 10m, outside 1s to 5m",
                "RL009 defs/gateway.yaml: raw 'quota-by-key' in the gateway is a policy the 'StandardV2' tier does not have",
                "RL009 defs/limits.yaml: raw 'quota-by-key' in fragment 'limits' is a policy the 'StandardV2' tier does not have",
                "RL009 defs/policies/shared.xml: raw 'quota-by-key' in route 'orders/list-orders' is a policy the 'StandardV2' tier does not have",
            ])
        // The audit's own case: on Consumption, a route's raw 'rate-limit-by-key'.
        try write(RuleExample.baseGateway.replacingOccurrences(of: "redis:\n  connection: {secret: redis-connection}\n", with: "") + "sku: Consumption\n", to: "defs/gateway.yaml")
        try FileManager.default.removeItem(at: file("defs/shop.yaml"))
        try FileManager.default.removeItem(at: file("defs/limits.yaml"))
        try write(
            RuleExample.api(
                fields: "rateLimit: none\n",
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    policy: '<policies><inbound><base /><rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" /></inbound></policies>'
                  - id: complete
                    method: POST
                    path: /complete
                    scopes: [orders.write]
                    policy: '<policies><inbound><base /><llm-token-limit counter-key="@(context.Subscription.Id)" tokens-per-minute="5000" estimate-prompt-tokens="false" /></inbound></policies>'
                  - id: embed
                    method: POST
                    path: /embed
                    scopes: [orders.write]
                    policy: '<policies><inbound><base /><azure-openai-token-limit counter-key="@(context.Subscription.Id)" tokens-per-minute="5000" estimate-prompt-tokens="false" /></inbound></policies>'

                """).text,
            to: "defs/orders.yaml")
        // A model's token limits run on every tier but Consumption (audit V100).
        XCTAssertEqual(
            try lintFindings().filter { $0.hasPrefix("RL009") },
            [
                "RL009 defs/orders.yaml: raw 'rate-limit-by-key' in route 'orders/list-orders' is a policy the 'Consumption' tier does not have",
                "RL009 defs/orders.yaml: raw 'llm-token-limit' in route 'orders/complete' is a policy the 'Consumption' tier does not have",
                "RL009 defs/orders.yaml: raw 'azure-openai-token-limit' in route 'orders/embed' is a policy the 'Consumption' tier does not have",
            ])
    }


    /// Policy XML no definition names is not the project's policy (an APIOps tree kept
    /// beside the definitions, say): it is never parsed, so its problems are not reported.
    func testPolicyXMLNoDefinitionNamesIsNeverParsed() throws {
        try write("<policies><inbound><base></inbound></policies>\n", to: "defs/policies/unused.xml")
        try write("<!DOCTYPE p [<!ENTITY a \"a\">]><policies>&a;</policies>\n", to: "defs/policies/unused-dtd.xml")
        try writeAPI(policy: "|\n  <policies><inbound><base /></inbound></policies>")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout)
        XCTAssertFalse(lint.stdout.contains("PX001"), lint.stdout)
    }


    /// A file several definitions name is checked for each, and a finding about the file
    /// itself is reported once, not once per definition, with the suggestion it asked for.
    func testAFileNamedByManyDefinitionsReportsEachFindingOnce() throws {
        try write("<policies><inbound><base /><set-heder name=\"a\" /></inbound></policies>\n", to: "defs/policies/shared.xml")
        let example = RuleExample.api(
            fields: "policy: policies/shared.xml\n",
            routes: """
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], policy: policies/shared.xml}
              - {id: get-order, method: GET, path: "/orders/{id}", scopes: [orders.read], policy: policies/shared.xml}

            """)
        try write(example.text, to: "defs/orders.yaml")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1)
        XCTAssertEqual(lint.stdout.components(separatedBy: "is not an APIM policy statement [PX002]").count - 1, 1, lint.stdout)
        XCTAssertEqual(lint.stdout.components(separatedBy: "note: did you mean 'set-header'?").count - 1, 1, lint.stdout)
    }

}

extension RawPolicyTests {
    /// A raw `cache-lookup-value` keyed by what the request says read another caller's
    /// entry: a route kept each caller's answer under the token's subject, and a public
    /// route answered with whatever entry an `X-Sub` header named, with `lint` at 0 (found
    /// by an audit of raw XML). An entry kept under a random id or the token itself, which
    /// no other caller can name, stays clean.
    func testALookupOfAnEntryTheRequestNamesWhereEachCallerKeepsItsOwnIsCA001() throws {
        let store = #"<cache-store-value key="@(&quot;resp:&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="60" />"#
        let lookup = #"<cache-lookup-value key="@(&quot;resp:&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Sub&quot;, &quot;&quot;))" variable-name="kept" />"#
        let open = "auth: none\n    public: Status page for the uptime monitor\n    rateLimit: {calls: 10, per: 1s, key: ip}"
        func write(store: String, lookup: String = lookup, statusAccess: String = open) throws {
            let api = RuleExample.api(
                "things",
                routes: """
                  - id: list-things
                    method: GET
                    path: /things
                    scopes: [orders.read]
                    policy: '<policies><inbound><base /></inbound><outbound><base />\(store)</outbound></policies>'
                  - id: status
                    method: GET
                    path: /status
                    \(statusAccess)
                    policy: '<policies><inbound><base />\(lookup)<return-response><set-body>@((string)context.Variables.GetValueOrDefault(&quot;kept&quot;, &quot;&quot;))</set-body></return-response></inbound></policies>'

                """)
            try self.write(api.text, to: "defs/things.yaml")
        }
        try write(store: store)
        XCTAssertEqual(
            try lintFindings().filter { !$0.hasPrefix("LP006") },
            [
                "CA001 defs/things.yaml: raw 'cache-lookup-value' in route 'things/status' reads the entry its request names, and raw 'cache-store-value' in route 'things/list-things' keeps each caller's own entries under keys it may name, so one caller can read another's"
            ])
        // Through a variable, as Microsoft's example keys a store (the audit of the rule).
        let setter = #"<set-variable name="userId" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)" />"#
        try write(store: setter + store.replacingOccurrences(of: #"context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)" value"#, with: #"(string)context.Variables[&quot;userId&quot;])" value"#))
        XCTAssertEqual(try lintFindings().filter { $0.hasPrefix("CA001") }.count, 1)
        // On a route whose callers present tokens, the subject as a header's default only:
        // whoever sends 'X-Sub' still names the entry (an audit; the default had been read
        // as part of the header's value). Keyed by the subject, the lookup finds only the
        // caller's own.
        let subject = #"context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject"#
        let checked = "scopes: [orders.read]"
        // The header named by a verbatim or an interpolated string too (the audit of the fix).
        for name in ["&quot;X-Sub&quot;", "@&quot;X-Sub&quot;", "$&quot;X-Sub&quot;"] {
            try write(store: store, lookup: lookup.replacingOccurrences(of: #"&quot;X-Sub&quot;, &quot;&quot;"#, with: "\(name), " + subject), statusAccess: checked)
            XCTAssertEqual(try lintFindings().filter { $0.hasPrefix("CA001") }.count, 1, name)
        }
        // The header named by strings joined, by a variable or by a block's local: it may be
        // 'X-Sub' as well, as here (each was taken for any header, the credential's among
        // them: an audit). Named 'Authorization' so, it is the caller's own token.
        let named = #"<set-variable name="h" value="X-Sub" />"#
        let joined = "&quot;X-&quot; + &quot;Sub&quot;"
        let block = #"<cache-lookup-value key="@{ var h = &quot;X-Sub&quot;; return &quot;resp:&quot; + context.Request.Headers.GetValueOrDefault(h, \#(subject)); }" variable-name="kept" />"#
        for lookup in [
            lookup.replacingOccurrences(of: #"&quot;X-Sub&quot;, &quot;&quot;"#, with: "\(joined), " + subject),
            named + lookup.replacingOccurrences(of: #"&quot;X-Sub&quot;, &quot;&quot;"#, with: "(string)context.Variables[&quot;h&quot;], " + subject),
            block,
        ] {
            try write(store: store, lookup: lookup, statusAccess: checked)
            XCTAssertEqual(try lintFindings().filter { $0.hasPrefix("CA001") }.count, 1, lookup)
        }
        let joinedSubject = subject.replacingOccurrences(of: "&quot;Authorization&quot;", with: "&quot;Author&quot; + &quot;ization&quot;")
        try write(store: store, lookup: lookup.replacingOccurrences(of: #"context.Request.Headers.GetValueOrDefault(&quot;X-Sub&quot;, &quot;&quot;)"#, with: joinedSubject), statusAccess: checked)
        XCTAssertEqual(try lintFindings(status: 0).filter { !$0.hasPrefix("LP006") }, [])
        try write(store: store, lookup: lookup.replacingOccurrences(of: #"context.Request.Headers.GetValueOrDefault(&quot;X-Sub&quot;, &quot;&quot;)"#, with: subject), statusAccess: checked)
        XCTAssertEqual(try lintFindings(status: 0).filter { !$0.hasPrefix("LP006") }, [])
        try write(store: store.replacingOccurrences(of: ".AsJwt()?.Subject", with: ""))
        XCTAssertEqual(try lintFindings(status: 0).filter { !$0.hasPrefix("LP006") }, [])
    }
}
