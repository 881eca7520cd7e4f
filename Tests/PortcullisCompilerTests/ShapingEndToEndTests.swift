import Foundation
import PortcullisChecker
import XCTest

/// The shaping fields and IP filters through the built executable: what `build` writes for
/// each, what `lint` refuses, and how `diff` classifies IP filter changes.
final class ShapingEndToEndTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        try write(RuleExample.baseGateway, to: "gateway.yaml")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The findings of `code` a `lint` that must fail reports, each as its severity and
    /// message, without the location.
    private func failingFindings(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let lint = try ToolProcess.run(["lint", ".", "--quiet"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr, file: file, line: line)
        return lint.stdout.split(separator: "\n").filter { $0.hasSuffix("[\(code)]") }.map { String($0.split(separator: " ", maxSplits: 1)[1]) }
    }

    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(path))
    }

    private func read(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("out/" + path), encoding: .utf8)
    }

    private static let api = """
        apiVersion: portcullis/v1
        kind: API
        name: orders
        path: orders
        backend: https://orders.example.com
        request:
          headers: {set: {X-Partner-Key: "{{partner-secret}}"}, remove: [X-Debug]}
        response:
          headers: {set: {Strict-Transport-Security: max-age=31536000}}
        ipFilter: {allow: [10.0.0.0/8, 192.0.2.7]}
        routes:
          - id: get-order
            method: GET
            path: /orders/{orderId}
            scopes: [orders.write]
            request: {query: {set: {view: full}}}
            rewrite: {path: "/v2/orders/{orderId}", method: POST}
          - id: health
            method: GET
            path: /health
            auth: none
            public: probe
            rateLimit: {calls: 10, per: 1s, key: ip}
            ipFilter: none
            respond: {status: 200, headers: {Content-Type: application/json}, body: '{"status":"ok"}'}
          - id: preview
            method: GET
            path: /preview
            scopes: [orders.read]
            ipFilter: {deny: [203.0.113.0/24]}
            mock: {status: 202, contentType: application/json}

        """

    func testBuildWritesEveryFieldIntoThePoliciesAndGatewayJSON() throws {
        try write(Self.api, to: "orders.yaml")
        let build = try ToolProcess.run(["build", ".", "--out", "out", "--quiet"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)

        let getOrder = try read("apim/apis/orders/operations/get-order/policy.xml")
        for fragment in [
            "<ip-filter action=\"allow\">\n            <address>192.0.2.7</address>\n            <address-range from=\"10.0.0.0\" to=\"10.255.255.255\" />",
            "<set-header name=\"X-Partner-Key\" exists-action=\"override\">\n            <value>{{partner-secret}}</value>",
            "<set-header name=\"X-Debug\" exists-action=\"delete\" />",
            "<rewrite-uri template=\"/v2/orders/{orderId}\" copy-unmatched-params=\"true\" />",
            "<set-query-parameter name=\"view\" exists-action=\"override\">\n            <value>full</value>",
            "<set-method>POST</set-method>",
            "<outbound>\n        <base />\n        <set-header name=\"Strict-Transport-Security\" exists-action=\"override\">",
        ] {
            XCTAssertTrue(getOrder.contains(fragment), "missing \(fragment) in\n\(getOrder)")
        }
        let health = try read("apim/apis/orders/operations/health/policy.xml")
        XCTAssertFalse(health.contains("ip-filter"), health)
        XCTAssertTrue(health.contains("<return-response>\n            <set-status code=\"200\" reason=\"OK\" />"), health)
        XCTAssertTrue(health.contains("<set-body>{\"status\":\"ok\"}</set-body>"), health)
        XCTAssertFalse(health.contains("Strict-Transport-Security"), "the gateway's own answer skips outbound: \(health)")
        let preview = try read("apim/apis/orders/operations/preview/policy.xml")
        XCTAssertTrue(preview.contains("<ip-filter action=\"forbid\">\n            <address-range from=\"203.0.113.0\" to=\"203.0.113.255\" />"), preview)
        XCTAssertTrue(preview.contains("<mock-response status-code=\"202\" content-type=\"application/json\" />"), preview)

        let config = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(read("gateway.json").utf8)) as? [String: Any])
        let routes = try XCTUnwrap(config["routes"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: routes.map { ($0["id"] as? String ?? "", $0) })
        XCTAssertEqual(
            byID["get-order"]?["steps"] as? [String],
            ["ip-filter", "rate-limit", "token-check", "scope-check", "shape-request", "backend", "shape-response"])
        let filter = try XCTUnwrap(byID["get-order"]?["ipFilter"] as? [String: Any])
        XCTAssertEqual(filter["action"] as? String, "allow")
        XCTAssertEqual(filter["addresses"] as? [String], ["192.0.2.7"])
        XCTAssertEqual(filter["origin"] as? String, "api")
        let rewrite = try XCTUnwrap((byID["get-order"]?["request"] as? [String: Any])?["rewrite"] as? [String: Any])
        XCTAssertEqual(rewrite["path"] as? String, "/v2/orders/{orderId}")
        XCTAssertEqual(rewrite["method"] as? String, "POST")
        XCTAssertEqual(byID["health"]?["steps"] as? [String], ["rate-limit", "respond"])
        XCTAssertEqual((byID["health"]?["answer"] as? [String: Any])?["body"] as? String, "{\"status\":\"ok\"}")
        XCTAssertEqual(byID["preview"]?["steps"] as? [String], ["ip-filter", "rate-limit", "token-check", "scope-check", "mock"])
    }

    func testACredentialInAHeaderIsMaskedAndStopsTheBuild() throws {
        try write(
            Self.api.replacingOccurrences(of: "X-Partner-Key: \"{{partner-secret}}\"", with: "Authorization: Basic b3JkZXJzOmh1bnRlcjI="),
            to: "orders.yaml")
        let lint = try ToolProcess.run(["lint", "."], in: directory)
        XCTAssertEqual(lint.status, 1)
        XCTAssertTrue(lint.stdout.contains("orders.yaml:7:34: error: this value looks like a credential [SE001]"), lint.stdout)
        XCTAssertFalse(lint.stdout.contains("b3JkZXJzOmh1bnRlcjI="), lint.stdout)
        let build = try ToolProcess.run(["build", ".", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }

    /// A declared secret referenced in a response header or in the gateway's own answer
    /// linted clean and was built: APIM puts the secret's value there before the policy
    /// runs, so every caller, anonymous ones too, received it (found by an audit against
    /// Microsoft's reference). It is SE005; a request header to the backend is fine.
    func testASecretSentToCallersIsReported() throws {
        let api = Self.api
            .replacingOccurrences(of: "Strict-Transport-Security: max-age=31536000", with: "X-Upstream-Key: \"{{Partner-Secret}}\"")
            .replacingOccurrences(of: #"body: '{"status":"ok"}'"#, with: #"body: '{"key":"{{partner-secret}}"}'"#)
        try write(api, to: "orders.yaml")
        let lint = try ToolProcess.run(["lint", ".", "--quiet"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        let lines = lint.stdout.split(separator: "\n").filter { $0.hasSuffix("[SE005]") }.map(String.init)
        XCTAssertEqual(lines, [
            "orders.yaml:9:35: error: secret 'Partner-Secret' is sent to callers in response header 'X-Upstream-Key' of API 'orders' [SE005]",
            "orders.yaml:25:77: error: secret 'partner-secret' is sent to callers in the body of the answer of route 'orders/health' [SE005]",
        ])
        let build = try ToolProcess.run(["build", ".", "--out", "out", "--quiet"], in: directory)
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }

    /// SE005 in raw policies, where the audit of the rule found it blind: a Liquid body's
    /// `{{ body.id }}` beside the reference hid it, and so did a fragment included in
    /// outbound and a status's reason phrase. A `send-request`'s header goes to another
    /// service, not to the caller; a find-and-replace that hides the secret, and a header
    /// deleted, send it to no one (false findings of the first fix).
    func testASecretSentToCallersByRawPolicyIsReported() throws {
        let outbound = """
            <base />
            <set-body template="liquid">{"id": "{{ body.id }}", "key": "{{partner-secret}}"}</set-body>
            <include-fragment fragment-id="add-key" />
            <set-status code="200" reason="{{partner-secret}}" />
            <find-and-replace from="{{partner-secret}}" to="[redacted]" />
            <set-header name="X-Echoed-Key" exists-action="delete"><value>{{partner-secret}}</value></set-header>
            <send-request mode="new" response-variable-name="audit"><set-url>https://audit.example.com</set-url><set-method>POST</set-method><set-header name="X-Key" exists-action="override"><value>{{partner-secret}}</value></set-header></send-request>
            """
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: orders
            path: orders
            backend: https://orders.example.com
            policy: |
              <policies><inbound><base /></inbound><outbound>
            \(outbound.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
              </outbound></policies>
            routes:
              - {id: get-order, method: GET, path: /orders, scopes: [orders.read]}
            ---
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: add-key
            policy: '<fragment><set-header name="X-Key" exists-action="override"><value>{{partner-secret}}</value></set-header></fragment>'

            """
        try write(api, to: "orders.yaml")
        XCTAssertEqual(try failingFindings("SE005"), [
            "error: secret 'partner-secret' is sent to callers in raw 'set-body' of API 'orders' [SE005]",
            "error: secret 'partner-secret' is sent to callers in raw 'set-status' of API 'orders' [SE005]",
            "error: secret 'partner-secret' is sent to callers in raw 'set-header' of fragment 'add-key' [SE005]",
        ])
    }

    /// A secret copied into a variable and written into the answer from there, and an
    /// access token the gateway obtained, were sent to every caller with lint clean (the
    /// gap the last round left). Copies are followed through variables, across the scopes
    /// a request passes (the gateway's variable reaches the API); a value computed from a
    /// secret (a decrypted text) is not the secret, and another API's variable of the same
    /// name is not this one's.
    func testASecretSentThroughAVariableIsReported() throws {
        let gateway = try String(contentsOf: directory.appendingPathComponent("gateway.yaml"), encoding: .utf8)
        try write(
            gateway + "policy: '<policies><inbound><set-variable name=\"gatewayKey\" value=\"Key {{partner-secret}}\" /></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>'\n",
            to: "gateway.yaml")
        let orders = """
            <set-variable name="copy" value="@((string)context.Variables[&quot;gatewayKey&quot;])" />
            <authentication-managed-identity resource="https://orders.example.com" output-token-variable-name="msiToken" />
            <set-variable name="plain" value="@(((string)context.Variables[&quot;gatewayKey&quot;]).Length.ToString())" />
            <set-variable name="own" value="{{partner-secret}}" />
            </inbound><outbound><base />
            <set-header name="X-Copy" exists-action="override"><value>@((string)context.Variables["copy"])</value></set-header>
            <set-body>@(context.Variables.GetValueOrDefault<string>("msiToken"))</set-body>
            <set-header name="X-Length" exists-action="override"><value>@((string)context.Variables["plain"])</value></set-header>
            """
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: orders
            path: orders
            backend: https://orders.example.com
            policy: |
              <policies><inbound><base />
            \(orders.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
              </outbound></policies>
            routes:
              - {id: get-order, method: GET, path: /orders, scopes: [orders.read]}
            ---
            apiVersion: portcullis/v1
            kind: API
            name: billing
            path: billing
            backend: https://billing.example.com
            policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name="X-Own" exists-action="override"><value>@((string)context.Variables["own"])</value></set-header></outbound></policies>'
            routes:
              - {id: get-bill, method: GET, path: /bills, scopes: [orders.read]}

            """
        try write(api, to: "orders.yaml")
        XCTAssertEqual(try failingFindings("SE005"), [
            "error: secret 'partner-secret' is sent to callers in raw 'set-header' of API 'orders', through variable 'copy' [SE005]",
            "error: the access token of a managed identity is sent to callers in raw 'set-body' of API 'orders', through variable 'msiToken' [SE005]",
        ])
    }

    /// A fragment's statements are read once, however many routes include it, yet each
    /// route's own variables still decide: 'v' holds the secret on one route and 'w' on
    /// another, so a fragment that sends both, one through a fragment it includes, sends
    /// each through the route that sets it (the audit of growth found every route walking
    /// and reading every fragment again: 1,000 routes including 20 large fragments took 51 s).
    func testAFragmentIncludedByManyRoutesIsJudgedForEach() throws {
        let routes = ["x", "v", "w"].enumerated().map { index, variable in
            "  - {id: r\(index), method: GET, path: /r\(index), scopes: [orders.read], policy: '<policies><inbound><base /><set-variable name=\"\(variable)\" value=\"{{partner-secret}}\" /></inbound><outbound><base /><include-fragment fragment-id=\"f\" /></outbound></policies>'}\n"
        }.joined()
        let fragments = """
            ---
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: f
            policy: '<fragment><set-header name="X-V" exists-action="override"><value>@((string)context.Variables["v"])</value></set-header><include-fragment fragment-id="g" /></fragment>'
            ---
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: g
            policy: '<fragment><set-header name="X-W" exists-action="override"><value>@((string)context.Variables["w"])</value></set-header></fragment>'

            """
        try write("apiVersion: portcullis/v1\nkind: API\nname: orders\npath: orders\nbackend: https://orders.example.com\nroutes:\n" + routes + fragments, to: "orders.yaml")
        XCTAssertEqual(try failingFindings("SE005"), [
            "error: secret 'partner-secret' is sent to callers in raw 'set-header' of fragment 'f', through variable 'v' [SE005]",
            "error: secret 'partner-secret' is sent to callers in raw 'set-header' of fragment 'g', through variable 'w' [SE005]",
        ])
        // Two fragments may share one policy file: what the second reads is kept under its
        // own name (from the audit of the fix: the finding was lost).
        try write("<fragment><set-header name=\"X-Echo\" exists-action=\"override\"><value>@((string)context.Variables[\"k\"])</value></set-header></fragment>\n", to: "common.xml")
        let shared = ["first", "second"].map { "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: \($0)\npolicy: common.xml\n" }.joined()
        let sharing = ["", "<set-variable name=\\\"k\\\" value=\\\"{{partner-secret}}\\\" />"].enumerated().map { index, setter in
            "  - {id: s\(index), method: GET, path: /s\(index), scopes: [orders.read], policy: \"<policies><inbound><base />\(setter)</inbound><outbound><base /><include-fragment fragment-id=\\\"second\\\" /></outbound></policies>\"}\n"
        }.joined()
        try write("apiVersion: portcullis/v1\nkind: API\nname: orders\npath: orders\nbackend: https://orders.example.com\nroutes:\n" + sharing + shared, to: "orders.yaml")
        XCTAssertEqual(try failingFindings("SE005"), ["error: secret 'partner-secret' is sent to callers in raw 'set-header' of fragment 'second', through variable 'k' [SE005]"])
    }

    /// What the audit of the variable walk found: an estate without secrets was not
    /// checked at all, so a managed identity's token echoed to callers passed; and copies
    /// written with '(String)', 'as string', '&lt;string&gt;', '@{ return ...; }' or a
    /// secret inside a string expression were not followed.
    func testEveryCopyOfASecretIsFollowed() throws {
        let copies = [
            #"<set-variable name="a" value="@((String)context.Variables[&quot;key&quot;])" />"#,
            #"<set-variable name="b" value="@(context.Variables[&quot;key&quot;] as string)" />"#,
            #"<set-variable name="c" value="@(context.Variables.GetValueOrDefault&lt;object&gt;(&quot;key&quot;))" />"#,
            #"<set-variable name="d" value="@{ return (string)context.Variables[&quot;key&quot;]; }" />"#,
            #"<set-variable name="e" value="@(&quot;{{partner-secret}}&quot;)" />"#,
        ]
        let echoes = ["a", "b", "c", "d", "e"].map { #"<set-header name="X-\#($0)" exists-action="override"><value>@((string)context.Variables["\#($0)"])</value></set-header>"# }
        let api = RuleExample.api(
            fields: "policy: '<policies><inbound><base /><set-variable name=\"key\" value=\"{{partner-secret}}\" />\(copies.joined())</inbound><outbound><base />\(echoes.joined())</outbound></policies>'\n",
            routes: "  - {id: get-order, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(api.text, to: "orders.yaml")
        XCTAssertEqual(
            try failingFindings("SE005"),
            ["a", "b", "c", "d", "e"].map { "error: secret 'partner-secret' is sent to callers in raw 'set-header' of API 'orders', through variable '\($0)' [SE005]" })
    }

    /// An estate that declares no secret may still hand callers the access token of the
    /// gateway's managed identity: SE005 returned before looking (the audit of the fix).
    func testATokenIsFollowedWhereNoSecretIsDeclared() throws {
        try write(
            """
            apiVersion: portcullis/v1
            kind: Gateway
            name: example
            identityProviders:
              entra: {type: jwt, issuer: https://login.example.com/v2.0, openidConfig: https://login.example.com/v2.0/.well-known/openid-configuration, audiences: [api://example]}
            scopes:
              orders.read: {access: read}
            defaults:
              auth: entra
              rateLimit: {calls: 100, per: 60s}

            """, to: "gateway.yaml")
        let api = RuleExample.api(
            fields: #"policy: '<policies><inbound><base /><authentication-managed-identity resource="https://storage.azure.com" output-token-variable-name="msi" /></inbound><outbound><base /><set-header name="X-Debug-Token" exists-action="override"><value>@((string)context.Variables["msi"])</value></set-header></outbound></policies>'"#
                + "\n",
            routes: "  - {id: get-order, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(api.text, to: "orders.yaml")
        XCTAssertEqual(
            try failingFindings("SE005"),
            ["error: the access token of a managed identity is sent to callers in raw 'set-header' of API 'orders', through variable 'msi' [SE005]"])
    }

    /// From the audit of the emitted policies: a shared cache whose route only adds a
    /// header when missing (or appends to it) stored one caller's `X-Region: us` answer
    /// under everyone's key; a route's own `check-header` after `<base />` ran after the
    /// cache had answered, and lint was clean;
    /// a rewrite that keeps the query copied the caller's `visibility=private` beside its
    /// template's `visibility=public`.
    func testCachedAnswersAndRewritesHonourWhatTheRouteSays() throws {
        let api = RuleExample.api(
            "catalog",
            fields: "auth: none\nrateLimit: {calls: 10, per: 1s, key: ip}\nrequest: {headers: {setIfMissing: {X-Region: eu}, append: {X-Forwarded-Prefix: /cat}, set: {X-Gateway: yes}}}\n",
            routes: """
              - id: list-items
                method: GET
                path: /items
                public: Open catalogue
                cache: {ttl: 60s, varyBy: {headers: [Accept-Language]}}
              - id: partner-report
                method: GET
                path: /report
                public: Partners are told by their header
                cache: {ttl: 60s}
                policy: '<policies><inbound><check-header name="X-Partner" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>{{partner-id}}</value></check-header><base /></inbound></policies>'
              - id: public-documents
                method: GET
                path: /public
                public: Published documents
                rewrite: {path: "/documents?visibility=public"}

            """)
        try write(RuleExample.baseGateway.replacingOccurrences(of: "secrets:\n", with: "namedValues:\n  partner-id: acme\nsecrets:\n"), to: "gateway.yaml")
        try write(api.text, to: "catalog.yaml")
        let build = try ToolProcess.run(["build", ".", "--out", "out", "--quiet"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)

        let items = try read("apim/apis/catalog/operations/list-items/policy.xml")
        XCTAssertTrue(
            items.contains(
                "<vary-by-header>Accept-Language</vary-by-header>\n                    <vary-by-header>X-Region</vary-by-header>\n                    <vary-by-header>X-Forwarded-Prefix</vary-by-header>\n                </cache-lookup>"),
            items)
        XCTAssertFalse(items.contains("<vary-by-header>X-Gateway</vary-by-header>"), items)
        let gateway = try JSONSerialization.jsonObject(with: Data(try read("gateway.json").utf8)) as? [String: Any]
        let routes = try XCTUnwrap(gateway?["routes"] as? [[String: Any]])
        let cache = try XCTUnwrap(routes.first { $0["id"] as? String == "list-items" }?["cache"] as? [String: Any])
        XCTAssertEqual((cache["varyBy"] as? [String: Any])?["headers"] as? [String], ["Accept-Language", "X-Region", "X-Forwarded-Prefix"])

        // The author's check written before '<base />' runs before the lookup, and the
        // lookup before the shaping, whose changes the key must not read.
        let report = try read("apim/apis/catalog/operations/partner-report/policy.xml")
        let check = try XCTUnwrap(report.range(of: "<check-header"), report)
        let lookup = try XCTUnwrap(report.range(of: "<cache-lookup"), report)
        let shaping = try XCTUnwrap(report.range(of: #"<set-header name="X-Region""#), report)
        XCTAssertLessThan(check.lowerBound, lookup.lowerBound, report)
        XCTAssertLessThan(lookup.lowerBound, shaping.lowerBound, report)
        // Written after '<base />', the check comes after the lookup, and lint says so.
        try write(try String(contentsOf: directory.appendingPathComponent("catalog.yaml"), encoding: .utf8).replacingOccurrences(
            of: "<inbound><check-header", with: "<inbound><base /><check-header").replacingOccurrences(of: "</check-header><base /></inbound>", with: "</check-header></inbound>"),
            to: "catalog.yaml")
        XCTAssertEqual(
            try failingFindings("LP001"),
            ["error: the cache of route 'partner-report' answers before raw 'check-header' in its policy runs, so a cached answer skips it [LP001]"])

        let documents = try read("apim/apis/catalog/operations/public-documents/policy.xml")
        XCTAssertTrue(
            documents.contains(
                #"<set-query-parameter name="visibility" exists-action="delete" />"# + "\n        "
                    + #"<rewrite-uri template="/documents?visibility=public" copy-unmatched-params="true" />"#),
            documents)
    }

    /// An access token the gateway asks a token endpoint for with a raw `send-request` (a
    /// client's credentials grant) is as secret as a managed identity's: handed to callers
    /// through a variable, or as the whole answer of a `return-response`, it linted clean.
    /// So did a secret read from Key Vault. A call to another endpoint, whose answer an API
    /// may well pass on, stays quiet.
    func testAnAccessTokenASendRequestObtainedIsNotSentToCallers() throws {
        let gateway = RuleExample.baseGateway.replacingOccurrences(
            of: "secrets:\n", with: "namedValues:\n  token-url: https://login.example.com/tenant/oauth2/v2.0/token\nsecrets:\n")
        try write(gateway, to: "gateway.yaml")
        func policy(url: String, body: String, answer: String) -> String {
            #"policy: '<policies><inbound><base /><send-request mode="new" response-variable-name="tokenResponse" timeout="20"><set-url>"#
                + url + #"</set-url><set-method>POST</set-method><set-body>"# + body + #"</set-body></send-request>"#
                + answer + "</inbound><outbound><base /></outbound></policies>'\n"
        }
        /// API `name`, whose one route answers with what a request to `url` returned.
        func returned(_ name: String, url: String, body: String = "{}") -> RuleExample {
            RuleExample.api(
                name, fields: policy(url: url, body: body, answer: #"<return-response response-variable-name="tokenResponse" />"#),
                routes: "  - {id: get-\(name), method: GET, path: /\(name), scopes: [orders.read]}\n")
        }
        let credentials = "grant_type=client_credentials&amp;client_id=gateway&amp;client_secret={{partner-secret}}"
        let read = #"<set-variable name="token" value="@(((IResponse)context.Variables[&quot;tokenResponse&quot;]).Body.As&lt;JObject&gt;()[&quot;access_token&quot;].ToString())" />"#
        let apis = [
            // By the grant in the body, through a variable into a response header.
            RuleExample.api(
                "orders",
                fields: policy(url: "https://login.example.com/tenant/oauth2/v2.0/token", body: credentials, answer: read)
                    .replacingOccurrences(of: "<outbound><base /></outbound>", with: #"<outbound><base /><set-header name="X-Token" exists-action="override"><value>@((string)context.Variables[&quot;token&quot;])</value></set-header></outbound>"#),
                routes: "  - {id: get-order, method: GET, path: /orders, scopes: [orders.read]}\n"),
            // By the URL a named value gives, the token endpoint's answer returned whole.
            RuleExample.api(
                "billing",
                fields: policy(url: "{{token-url}}", body: "scope=api%3A%2F%2Fbilling%2F.default", answer: #"<return-response response-variable-name="TokenResponse" />"#),
                routes: "  - {id: get-invoice, method: GET, path: /invoices, scopes: [orders.read]}\n"),
            // By the grant, its name percent-encoded as a form may write it.
            returned("ledger", url: "https://idp.example.com/issue", body: "grant%5Ftype=client_credentials"),
            // By a path that ends in '/token' before its parameters (the audit of the fix).
            returned("vault", url: "https://idp.example.com/oauth2/token;v=1"),
            returned("keys", url: "https://idp.example.com/oauth2/tok%65n/."),
            // Other services' answers, passed on: no token (the audit of the fix found the
            // first version took '/token' anywhere in a URL).
            returned("stock", url: "https://stock.example.com/tokens/count"),
            returned("status", url: "https://token.example.com/v1/status"),
            returned("sessions", url: "https://login.example.com/oauth2/token/revoke"),
            // A secret read from Key Vault, as Microsoft's snippet does with the gateway's
            // identity (the audit of real estates); a key's public part is no secret.
            RuleExample(returned("kv", url: "https://contoso-kv.vault.azure.net/secrets/partner-key/?api-version=7.4").text.replacingOccurrences(of: "tokenResponse", with: "vaultAnswer")),
            RuleExample(returned("pubkey", url: "https://contoso-kv.vault.azure.net/keys/signing/?api-version=7.4").text.replacingOccurrences(of: "tokenResponse", with: "vaultAnswer")),
        ]
        for api in apis { try write(api.text, to: "\(api.text.split(separator: "\n")[2].dropFirst(6)).yaml") }
        XCTAssertEqual(
            try failingFindings("SE005"),
            [
                "error: the access token a raw 'send-request' obtained is sent to callers in raw 'return-response' of API 'billing', which answers with the response in variable 'tokenResponse' [SE005]",
                "error: the access token a raw 'send-request' obtained is sent to callers in raw 'return-response' of API 'keys', which answers with the response in variable 'tokenResponse' [SE005]",
                "error: the Key Vault secret a raw 'send-request' read is sent to callers in raw 'return-response' of API 'kv', which answers with the response in variable 'vaultAnswer' [SE005]",
                "error: the access token a raw 'send-request' obtained is sent to callers in raw 'return-response' of API 'ledger', which answers with the response in variable 'tokenResponse' [SE005]",
                "error: the access token a raw 'send-request' obtained is sent to callers in raw 'set-header' of API 'orders', through variable 'token' [SE005]",
                "error: the access token a raw 'send-request' obtained is sent to callers in raw 'return-response' of API 'vault', which answers with the response in variable 'tokenResponse' [SE005]",
            ])
    }

    /// The backend does what the method it is sent says: a read route whose 'rewrite'
    /// sends DELETE, or POST from a public route, linted clean, and a cache kept the
    /// answers of a backend's POST (the audit of the emitted policies). They are LP003,
    /// LP007 and CA003, as a raw 'set-method' already was.
    func testAMethodTheRewriteSendsIsJudged() throws {
        let api = RuleExample.api(
            routes: """
              - {id: archive-order, method: GET, path: "/orders/{id}", scopes: [orders.read], rewrite: {path: "/orders/{id}/archive", method: DELETE}}
              - {id: ping, method: GET, path: /ping, auth: none, public: probes, rateLimit: {calls: 10, per: 1s, key: ip}, rewrite: {path: /ping, method: POST}}
              - {id: search, method: GET, path: /search, scopes: [orders.read], cache: {ttl: 30s}, rewrite: {path: /search, method: POST}}
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], cache: {ttl: 30s}, rewrite: {path: /v2/orders, method: GET}}

            """)
        try write(api.text, to: "orders.yaml")
        let lint = try ToolProcess.run(["lint", ".", "--quiet"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        let findings = lint.stdout.split(separator: "\n").map { String($0.split(separator: " ", maxSplits: 1)[1]) }
        for expected in [
            "error: GET route 'archive-order', which its 'rewrite' sends to its backend as DELETE, accepts the read scope 'orders.read' [LP003]",
            "error: GET route 'search', which its 'rewrite' sends to its backend as POST, accepts the read scope 'orders.read' [LP003]",
            "error: public route 'ping' is sent to its backend as POST by its 'rewrite', without a token [LP007]",
            "error: route 'search' caches the answers of the POST its 'rewrite' sends to its backend, so a cached answer skips the backend's work [CA003]",
        ] {
            XCTAssertTrue(findings.contains(expected), "\(expected)\n\(lint.stdout)")
        }
        XCTAssertFalse(lint.stdout.contains("list-orders"), lint.stdout)
    }

    /// Scopes a route without a token names are never checked: a reader takes the route
    /// for one that needs them (the audit of the emitted policies). LP001, where before
    /// LP006 even counted the scope as used.
    func testScopesOfARouteWithoutATokenAreReported() throws {
        let api = RuleExample.api(
            routes: "  - {id: export, method: GET, path: /export, auth: none, public: partners, rateLimit: {calls: 10, per: 1s, key: ip}, scopes: [orders.admin]}\n")
        try write(api.text, to: "orders.yaml")
        XCTAssertEqual(
            try failingFindings("LP001"),
            ["error: route 'export' requires 'orders.admin' but takes requests without a token, so no scope or role of it is checked [LP001]"])
    }

    /// The Consumption tier has no built-in cache: without 'redis', a route's cache and
    /// an introspection provider's kept results did nothing, with only CA006's warning
    /// that the built-in cache is small (the audit of the emitted policies).
    func testACacheTheTierLacksIsAnError() throws {
        try write(RuleExample.baseGateway.replacingOccurrences(of: "redis:\n  connection: {secret: redis-connection}\n", with: "") + "sku: Consumption\n", to: "gateway.yaml")
        let api = RuleExample.api(
            routes: "  - {id: list-orders, method: GET, path: /orders, auth: partner, scopes: [orders.read], cache: {ttl: 30s}}\n")
        // A raw lookup falls back to the built-in cache too, and one that asks for the
        // external cache finds none.
        let raw = RuleExample.api(
            "billing", fields: #"policy: '<policies><inbound><base /><cache-lookup vary-by-developer="false" vary-by-developer-groups="false" /><cache-lookup-value key="k" variable-name="v" caching-type="external" /></inbound></policies>'"# + "\n",
            routes: "  - {id: list-bills, method: GET, path: /bills, scopes: [orders.read]}\n")
        try write(api.text + "---\n" + raw.text, to: "orders.yaml")
        XCTAssertEqual(try failingFindings("CA010"), [
            "error: introspection provider 'partner' keeps its results in APIM's built-in cache, which the 'Consumption' tier does not have, so every request with a token calls the provider [CA010]",
            "error: route 'list-orders' caches in APIM's built-in cache, which the 'Consumption' tier does not have, so nothing is cached [CA010]",
            "error: raw 'cache-lookup' in API 'billing' has no cache to use: the 'Consumption' tier has no built-in cache and the gateway declares no 'redis' [CA010]",
            "error: raw 'cache-lookup-value' in API 'billing' has no cache to use: the 'Consumption' tier has no built-in cache and the gateway declares no 'redis' [CA010]",
        ])
        // A provider no route uses calls nobody.
        try write(raw.text, to: "orders.yaml")
        XCTAssertFalse(try failingFindings("CA010").contains { $0.contains("introspection provider") })
    }

    /// A secret concatenated or interpolated into a variable is in it as written, and a
    /// request header the gateway sets is in `context.Request` when the answer is written:
    /// both passed lint (the last round's open items). Followed now: `+`, interpolation,
    /// `string.Concat`, both branches of `?:`, a secret written in one of the strings, a
    /// header copied into a variable. A value computed from the secret (a hash) is not it.
    func testASecretConcatenatedOrPutInARequestHeaderIsFollowed() throws {
        let inbound = [
            #"<set-variable name="key" value="{{partner-secret}}" />"#,
            #"<set-variable name="bearer" value='@("Bearer " + (string)context.Variables["key"])' />"#,
            #"<set-variable name="interpolated" value='@($"Key {context.Variables["key"]}!")' />"#,
            #"<set-variable name="joined" value='@(string.Concat("k=", context.Variables.GetValueOrDefault<string>("key", "")))' />"#,
            #"<set-variable name="chosen" value='@(context.Variables.ContainsKey("x") ? "none" : (string)context.Variables["key"])' />"#,
            #"<set-variable name="written" value='@("Key " + "{{partner-secret}}")' />"#,
            #"<set-variable name="hashed" value='@(Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes((string)context.Variables["key"]))))' />"#,
            #"<set-header name="X-Upstream-Key" exists-action="override"><value>@((string)context.Variables["key"])</value></set-header>"#,
            #"<set-variable name="fromHeader" value='@(context.Request.Headers.GetValueOrDefault("X-Upstream-Key", ""))' />"#,
        ]
        let echoed = ["bearer", "interpolated", "joined", "chosen", "written", "hashed", "fromHeader"]
        let outbound = echoed.map { #"<set-header name="X-\#($0)" exists-action="override"><value>@((string)context.Variables["\#($0)"])</value></set-header>"# }
            + [#"<set-header name="X-Echo" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("x-upstream-key", ""))</value></set-header>"#]
        let api = RuleExample.api(
            fields: "policy: |\n  <policies><inbound><base />\n" + (inbound + ["</inbound><outbound><base />"] + outbound + ["</outbound></policies>"]).map { "    " + $0 + "\n" }.joined(),
            routes: "  - {id: get-order, method: GET, path: /orders, scopes: [orders.read]}\n")
        try write(api.text, to: "orders.yaml")
        XCTAssertEqual(
            try failingFindings("SE005"),
            ["bearer", "interpolated", "joined", "chosen", "written"].map { "error: secret 'partner-secret' is sent to callers in raw 'set-header' of API 'orders', through variable '\($0)' [SE005]" } + [
                "error: secret 'partner-secret' is sent to callers in raw 'set-header' of API 'orders', through variable 'fromHeader' [SE005]",
                "error: secret 'partner-secret' is sent to callers in raw 'set-header' of API 'orders', through request header 'X-Upstream-Key' [SE005]",
            ])
    }

    /// What the audit of the secret walk found: copies through forms the first version did
    /// not know ('.Substring', 'String.Copy', Base64, a JSON object, 'string.Join' over an
    /// array, a block's locals, 'TryGetValue' with 'out', a literal secret passed on),
    /// numeric character references, the generated managed identity's token copied in
    /// 'outbound', the query, the body and a cache entry as carriers, text beside a CDATA
    /// section, and the request passed whole or with white space in the member chain. And
    /// false findings: a test of a header's presence, a token parsed for its claims, a
    /// string equal to a variable's name.
    func testTheAuditOfTheSecretWalk() throws {
        let copies = [
            #"@(((string)context.Variables["key"]).Substring(0))"#,
            #"@(String.Copy((string)context.Variables["key"]))"#,
            #"@(Convert.ToBase64String(Encoding.UTF8.GetBytes((string)context.Variables["key"])))"#,
            #"@(new JObject(new JProperty("k", (string)context.Variables["key"])).ToString())"#,
            #"@(string.Join(",", new[] { (string)context.Variables["key"] }))"#,
            #"@{ var s = (string)context.Variables["key"]; return s; }"#,
            #"@("{{partner-secret}}".Substring(0))"#,
            "@((string)context.Variables[&#34;key&#34;])",
            #"@{ object v; context.Variables.TryGetValue("key", out v); return (string)v; }"#,
        ]
        var inbound = [#"<set-variable name="key" value="{{partner-secret}}" />"#]
        inbound += copies.enumerated().map { #"<set-variable name="c\#($0.offset)" value='\#($0.element)' />"# }
        inbound += [
            #"<set-query-parameter name="code" exists-action="override"><value>{{partner-secret}}</value></set-query-parameter>"#,
            #"<set-body>{"key": "{{partner-secret}}"}</set-body>"#,
            #"<cache-store-value key="partner" value="{{partner-secret}}" duration="60" />"#,
            #"<cache-lookup-value key="partner" variable-name="cached" />"#,
            #"<set-header name="X-Up" exists-action="override"><value>prefix-<![CDATA[{{partner-secret}}]]></value></set-header>"#,
        ]
        var outbound = copies.indices.map { #"<set-header name="X-C\#($0)" exists-action="override"><value>@((string)context.Variables["c\#($0)"])</value></set-header>"# }
        outbound += [
            #"<set-header name="X-Query" exists-action="override"><value>@(context.Request.Url.Query.GetValueOrDefault("code", ""))</value></set-header>"#,
            #"<set-body>@(context.Request.Body.As<string>(preserveContent: true))</set-body>"#,
            #"<set-header name="X-Cached" exists-action="override"><value>@((string)context.Variables["cached"])</value></set-header>"#,
            #"<set-header name="X-Echo" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("X-Up", ""))</value></set-header>"#,
            #"<set-header name="X-All" exists-action="override"><value>@{ var r = context.Request; return JsonConvert.SerializeObject(r /* all */ .Headers); }</value></set-header>"#,
            // Not the secret: a test of presence, a claim of a token, a string that names a variable.
            #"<set-header name="X-Has" exists-action="override"><value>@(context.Request.Headers.ContainsKey("X-Up") ? "yes" : "no")</value></set-header>"#,
            #"<set-header name="X-Named" exists-action="override"><value>@(new JProperty("key", "redacted").ToString())</value></set-header>"#,
        ]
        let orders = RuleExample.api(
            fields: "policy: |\n  <policies><inbound><base />\n" + (inbound + ["</inbound><outbound><base />"] + outbound + ["</outbound></policies>"]).map { "    " + $0 + "\n" }.joined(),
            routes: "  - {id: get-order, method: GET, path: /orders, scopes: [orders.read]}\n")
        // The generated managed identity's token, copied in 'outbound' and echoed.
        let billing = """
            apiVersion: portcullis/v1
            kind: Backend
            name: billing-service
            url: https://billing.example.com
            credentials:
              managedIdentity: {resource: api://billing}
            ---
            apiVersion: portcullis/v1
            kind: API
            name: billing
            path: billing
            backend: billing-service
            policy: |
              <policies><inbound><base /></inbound><outbound><base />
                <set-variable name="t" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))" />
                <set-header name="X-T" exists-action="override"><value>@((string)context.Variables["t"])</value></set-header>
                <set-header name="X-Caller" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("Authorization", "").AsJwt()?.Subject)</value></set-header>
              </outbound></policies>
            routes:
              - {id: get-bill, method: GET, path: /bills, scopes: [orders.read]}

            """
        try write(orders.text + "---\n" + billing, to: "orders.yaml")
        let secret = "error: secret 'partner-secret' is sent to callers in raw"
        XCTAssertEqual(try failingFindings("SE005"), copies.indices.map { "\(secret) 'set-header' of API 'orders', through variable 'c\($0)' [SE005]" } + [
            "\(secret) 'set-header' of API 'orders', through query parameter 'code' of the request [SE005]",
            "\(secret) 'set-body' of API 'orders', through the body the backend was sent [SE005]",
            "\(secret) 'set-header' of API 'orders', through variable 'cached' [SE005]",
            "\(secret) 'set-header' of API 'orders', through request header 'X-Up' [SE005]",
            "\(secret) 'set-header' of API 'orders', which writes every request header, 'X-Up' among them [SE005]",
            "error: the access token of a managed identity is sent to callers in raw 'set-header' of API 'billing', through variable 't' [SE005]",
        ])
    }

    /// What the audit of the second version found: a '!' elsewhere in the value's part
    /// taken for a test of it, reads spelt '(context).Variables', 'context?.Variables',
    /// '@Variables' or with a '\u' escape, a named value inside the expression, a pattern
    /// that binds the value in a block, a cipher whose key the policy writes out, the cache
    /// read by another API, an expression split by CDATA, a Liquid read of the query. And
    /// false findings: the URL's path where only the query holds the secret, a read typed
    /// as something no string is.
    func testTheAuditOfTheSecondSecretWalk() throws {
        let echoes = [
            #"@(!false + (string)context.Variables["key"])"#,
            #"@((string)(context).Variables["key"])"#,
            #"@((string)context?.Variables["key"])"#,
            #"@((string)context.@Variables["key"])"#,
            #"@((string)context.V\u0061riables["key"])"#,
            #"@((string)context.Variables["{{key-name}}"])"#,
            #"@{ if (context.Variables["key"] is string s) { return s; } return ""; }"#,
            #"@(Convert.ToBase64String(Encoding.UTF8.GetBytes((string)context.Variables["key"]).Encrypt("Aes", new byte[16], new byte[16])))"#,
            #"@(<![CDATA[(string)context.Variables["key"]]]>)"#,
        ]
        let outbound = echoes.enumerated().map { #"<set-header name="X-E\#($0.offset)" exists-action="override"><value>\#($0.element)</value></set-header>"# } + [
            #"<set-body template="liquid">{{ context.Request.Url.Query.sig }}</set-body>"#,
            // Not the secret: the path, and a response read from a variable.
            #"<set-header name="X-Path" exists-action="override"><value>@(context.Request.Url.Path)</value></set-header>"#,
            #"<set-header name="X-Status" exists-action="override"><value>@(context.Variables.GetValueOrDefault<IResponse>("key")?.StatusCode.ToString())</value></set-header>"#,
        ]
        let inbound = [
            #"<set-variable name="key" value="{{partner-secret}}" />"#,
            #"<set-query-parameter name="sig" exists-action="override"><value>{{partner-secret}}</value></set-query-parameter>"#,
            #"<cache-store-value key="partner" value="{{partner-secret}}" duration="60" />"#,
        ]
        let orders = RuleExample.api(
            fields: "policy: |\n  <policies><inbound><base />\n" + (inbound + ["</inbound><outbound><base />"] + outbound + ["</outbound></policies>"]).map { "    " + $0 + "\n" }.joined(),
            routes: "  - {id: get-order, method: GET, path: /orders, scopes: [orders.read]}\n")
        // The cache is the instance's: another API reads what this one stored.
        let status = RuleExample.api(
            "status",
            fields: #"policy: '<policies><inbound><base /><cache-lookup-value key="partner" variable-name="cached" /></inbound><outbound><base /><set-header name="X-Cached" exists-action="override"><value>@((string)context.Variables["cached"])</value></set-header></outbound></policies>'"# + "\n",
            routes: "  - {id: get-status, method: GET, path: /status, scopes: [orders.read]}\n")
        try write(RuleExample.baseGateway + "namedValues:\n  key-name: key\n", to: "gateway.yaml")
        try write(orders.text + "---\n" + status.text, to: "orders.yaml")
        let secret = "error: secret 'partner-secret' is sent to callers in raw"
        XCTAssertEqual(try failingFindings("SE005"), Array(repeating: "\(secret) 'set-header' of API 'orders', through variable 'key' [SE005]", count: echoes.count) + [
            "\(secret) 'set-body' of API 'orders', through the URL the backend was sent [SE005]",
            "\(secret) 'set-header' of API 'status', through variable 'cached' [SE005]",
        ])
    }

    /// A document that names no variable but through a '\u' escape, echoing the client
    /// secret the generated introspection keeps: the byte test that skips documents
    /// reading nothing let it through (found reading the change again).
    func testAnEscapedReadInADocumentWithNothingElseIsFollowed() throws {
        let api = RuleExample.api(
            fields: #"policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name="X-K" exists-action="override"><value>@((string)context.V\u0061riables["portcullis-client-secret"])</value></set-header></outbound></policies>'"# + "\n",
            routes: "  - {id: get-order, method: GET, path: /orders, auth: partner, scopes: [orders.read]}\n")
        try write(api.text, to: "orders.yaml")
        XCTAssertEqual(
            try failingFindings("SE005"),
            ["error: secret 'partner-secret' is sent to callers in raw 'set-header' of API 'orders', through variable 'portcullis-client-secret' [SE005]"])
    }

    /// An introspection audience that names a secret is set into a variable the generated
    /// check reads (thirtieth round); echoing that variable sends the secret to callers (the
    /// audit of the round's last fixes).
    func testAnAudienceSecretTheGeneratedCheckKeepsIsFollowed() throws {
        let api = RuleExample.api(
            fields: #"policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name="X-A" exists-action="override"><value>@((string)context.Variables["portcullis-audience-1"])</value></set-header></outbound></policies>'"# + "\n",
            routes: "  - {id: get-order, method: GET, path: /orders, auth: partner, scopes: [orders.read]}\n")
        try write(api.text, to: "orders.yaml")
        try write(
            RuleExample.baseGateway.replacingOccurrences(of: "    clientSecret: {secret: partner-secret}\n", with: "    clientSecret: {secret: partner-secret}\n    audiences: [\"{{partner-secret}}\"]\n"),
            to: "gateway.yaml")
        XCTAssertEqual(
            try failingFindings("SE005"),
            ["error: secret 'partner-secret' is sent to callers in raw 'set-header' of API 'orders', through variable 'portcullis-audience-1' [SE005]"])
    }

    /// A statement that writes every variable or every request header into the answer
    /// (`JsonConvert.SerializeObject(context.Variables)`, a Liquid loop over the headers)
    /// sends whatever holds a secret, the generated policies' own too: the client secret
    /// the introspection keeps, the managed identity's token put in `Authorization`, a
    /// header the API sets. An answer given in `inbound` comes before the generated
    /// managed identity, and a token parsed for its claims is not the token.
    func testEveryVariableOrRequestHeaderWrittenAtOnceIsReported() throws {
        func api(_ name: String, backend: String, fields: String = "", inbound: String = "", outbound: String, auth: String = "") -> String {
            """
            ---
            apiVersion: portcullis/v1
            kind: API
            name: \(name)
            path: \(name)
            backend: \(backend)
            \(fields)policy: |
              <policies><inbound><base />\(inbound)</inbound><outbound><base />
                \(outbound)
              </outbound></policies>
            routes:
              - {id: get-\(name), method: GET, path: /\(name), scopes: [orders.read]\(auth)}

            """
        }
        let listing = "<set-body template=\"liquid\">{% for header in context.Request.Headers %}{{header.Key}}={{header.Value}}{% endfor %}</set-body>"
        let estate = """
            apiVersion: portcullis/v1
            kind: Backend
            name: billing-service
            url: https://billing.example.com
            credentials:
              managedIdentity: {resource: api://billing}

            """
            + api("orders", backend: "https://orders.example.com", outbound: "<set-body>@(JsonConvert.SerializeObject(context.Variables))</set-body>", auth: ", auth: partner")
            + api("billing", backend: "billing-service", outbound: listing + "\n    <set-header name=\"X-Caller\" exists-action=\"override\"><value>@(context.Request.Headers.GetValueOrDefault(\"Authorization\", \"\").AsJwt()?.Subject)</value></set-header>")
            + api(
                "inventory", backend: "https://inventory.example.com", fields: "request: {headers: {set: {X-Partner-Key: \"{{partner-secret}}\"}}}\n",
                outbound: #"<set-header name="X-Echo" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault(context.Request.Url.Query.GetValueOrDefault("h", ""), ""))</value></set-header>"#)
            + api("listing", backend: "billing-service", inbound: "<return-response>" + listing + "</return-response>", outbound: "")
        try write(estate, to: "orders.yaml")
        XCTAssertEqual(try failingFindings("SE005"), [
            "error: secret 'partner-secret' is sent to callers in raw 'set-body' of API 'orders', which writes every variable, 'portcullis-client-secret' among them [SE005]",
            "error: the access token of a managed identity is sent to callers in raw 'set-body' of API 'billing', which writes every request header, 'Authorization' among them [SE005]",
            "error: secret 'partner-secret' is sent to callers in raw 'set-header' of API 'inventory', which writes every request header, 'X-Partner-Key' among them [SE005]",
        ])
    }

    /// Character references spell in raw XML what its bytes do not show: the rules' byte
    /// scans, which skip documents holding nothing to judge, let 'Cache&#45;Control' and
    /// '&#123;&#123;secret&#125;&#125;' through (found reading the change once more).
    func testCharacterReferencesDoNotHideWhatARawStatementSends() throws {
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: orders
            path: orders
            backend: https://orders.example.com
            policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name="Cache&#45;Control" exists-action="override"><value>public, max-age=600</value></set-header><set-body>&#123;&#123;partner-secret&#125;&#125;</set-body></outbound></policies>'
            routes:
              - {id: get-order, method: GET, path: /orders, scopes: [orders.read]}

            """
        try write(api, to: "orders.yaml")
        let lint = try ToolProcess.run(["lint", ".", "--quiet"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("error: raw 'set-header' of API 'orders' sets 'Cache-Control' so that shared caches keep the answer to a request with a token and serve it to other callers [CA009]"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("error: secret 'partner-secret' is sent to callers in raw 'set-body' of API 'orders' [SE005]"), lint.stdout)
    }

    /// A 'Cache-Control: public' set on the answers of routes that require a token linted
    /// clean: a CDN in front of the gateway may then keep one caller's answer and serve it
    /// to the next (RFC 9111, 3.5), undoing the per-user cache's "no downstream caching"
    /// (found by an audit against Microsoft's reference). It is CA009, once per declaration;
    /// 'private' and a public route's answer are fine.
    func testAnAuthenticatedAnswerOpenedToSharedCachesIsReported() throws {
        let api = Self.api.replacingOccurrences(
            of: "Strict-Transport-Security: max-age=31536000", with: "Cache-Control: \"public, max-age=3600\"")
        try write(api, to: "orders.yaml")
        let lint = try ToolProcess.run(["lint", ".", "--quiet"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertEqual(
            lint.stdout.split(separator: "\n").filter { $0.hasSuffix("[CA009]") },
            ["orders.yaml:9:34: error: response header 'Cache-Control' of API 'orders' lets shared caches keep the answer to a request with a token and serve it to other callers [CA009]"],
            lint.stdout)
        try write(api.replacingOccurrences(of: "public, max-age=3600", with: "private, max-age=3600"), to: "orders.yaml")
        let fine = try ToolProcess.run(["lint", ".", "--quiet"], in: directory)
        XCTAssertFalse(fine.stdout.contains("[CA009]"), fine.stdout)
        // 'private' naming a field keeps only that field out of shared caches (RFC 9111,
        // 5.2.2.7): the rest may still be stored (found by the audit of the rule).
        try write(api.replacingOccurrences(of: "public, max-age=3600", with: #"public, max-age=3600, private=\"Set-Cookie\""#), to: "orders.yaml")
        let qualified = try ToolProcess.run(["lint", ".", "--quiet"], in: directory)
        XCTAssertTrue(qualified.stdout.contains("[CA009]"), qualified.stdout)
        // Written as raw XML in outbound, through a fragment (the second audit of the rule).
        try write(
            Self.api.replacingOccurrences(of: "ipFilter: {allow", with: "policy: '<policies><inbound><base /></inbound><outbound><base /><include-fragment fragment-id=\"caching\" /></outbound></policies>'\nipFilter: {allow")
                + "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: caching\npolicy: '<fragment><set-header name=\"Cache-Control\" exists-action=\"override\"><value>public, max-age=600</value></set-header></fragment>'\n",
            to: "orders.yaml")
        let raw = try ToolProcess.run(["lint", ".", "--quiet"], in: directory)
        XCTAssertTrue(
            raw.stdout.contains("error: raw 'set-header' of fragment 'caching' sets 'Cache-Control' so that shared caches keep the answer to a request with a token and serve it to other callers [CA009]"),
            raw.stdout)
        // An expression that may give 'public' (audit V87: only strings were read).
        for expression in [#"@(context.Response.StatusCode == 200 ? &quot;public, max-age=600&quot; : &quot;no-store&quot;)"#, #"@(&quot;public, max-age=&quot; + 600)"#] {
            try write(
                Self.api.replacingOccurrences(of: "ipFilter: {allow", with: "policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name=\"Cache-Control\" exists-action=\"override\"><value>\(expression)</value></set-header></outbound></policies>'\nipFilter: {allow"),
                to: "orders.yaml")
            let computed = try ToolProcess.run(["lint", ".", "--quiet"], in: directory)
            XCTAssertTrue(computed.stdout.contains("sets 'Cache-Control' so that shared caches keep the answer to a request with a token and serve it to other callers [CA009]"), computed.stdout)
        }
    }

    func testARewriteNamingAParameterTheRouteLacksIsALocatedError() throws {
        try write(Self.api.replacingOccurrences(of: "/v2/orders/{orderId}", with: "/v2/orders/{id}"), to: "orders.yaml")
        let lint = try ToolProcess.run(["lint", "."], in: directory)
        XCTAssertEqual(lint.status, 1)
        XCTAssertTrue(lint.stdout.contains("orders.yaml:17:33: error: unknown path parameter 'id' in the rewrite path [RF001]"), lint.stdout)
    }

    /// A line feed in a header's value, written or put in by a named value, ended the header:
    /// the build wrote `X-Admin: true` as a header of its own to the backend, or a
    /// `Set-Cookie` to callers (audit V105). A rewrite path climbing out of the backend's
    /// path with `..`, or naming another host with `//`, was built as written.
    func testWhatAHeaderOrRewriteCannotCarryIsRefused() throws {
        let broken = Self.api
            .replacingOccurrences(of: "X-Partner-Key: \"{{partner-secret}}\"", with: "X-Tenant: \"contoso\\nX-Admin: true\"")
            .replacingOccurrences(of: "Strict-Transport-Security: max-age=31536000", with: "X-Account: \"{{account}}\"")
            .replacingOccurrences(of: "/v2/orders/{orderId}", with: "/../billing/{orderId}")
            .replacingOccurrences(of: "respond: {status: 200, headers: {Content-Type: application/json}", with: "respond: {status: 200, headers: {Content-Type: \"a\\nSet-Cookie: s=1\"}")
        // As a server reads it: `\\` for `/`, `%2e` and `%2f` decoded, `..;` as `..` (V109).
        let elsewhere = ["//evil.example/x", "/%2E%2e/billing", "/v2\\\\..\\\\..\\\\billing", "/v2/..%2f..%2fbilling", "/..;/billing", "/v2/x/../../../billing"].enumerated().map { index, path in
            "  - id: other\(index)\n    method: GET\n    path: /other\(index)\n    scopes: [orders.read]\n    rewrite: {path: \"\(path)\"}\n"
        }.joined()
        try write(broken + elsewhere, to: "orders.yaml")
        try write(RuleExample.baseGateway + "namedValues:\n  account: \"acme\\nX-Admin: true\"\n", to: "gateway.yaml")
        XCTAssertEqual(try failingFindings("YS004").sorted(), [
            "error: the rewrite path '/%2E%2e/billing' leaves the backend's path [YS004]",
            "error: the rewrite path '/../billing/{orderId}' leaves the backend's path [YS004]",
            "error: the rewrite path '/..;/billing' leaves the backend's path [YS004]",
            "error: the rewrite path '//evil.example/x' leaves the backend's path [YS004]",
            "error: the rewrite path '/v2/..%2f..%2fbilling' leaves the backend's path [YS004]",
            "error: the rewrite path '/v2/x/../../../billing' leaves the backend's path [YS004]",
            "error: the rewrite path '/v2\\..\\..\\billing' leaves the backend's path [YS004]",
            "error: the value of header 'Content-Type' holds a line break, which no HTTP header can [YS004]",
            "error: the value of header 'X-Account' holds a line break once APIM substitutes named value 'account', which no HTTP header can [YS004]",
            "error: the value of header 'X-Tenant' holds a line break, which no HTTP header can [YS004]",
        ])
        let build = try ToolProcess.run(["build", ".", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 1, build.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
    }

    /// Narrowing an allow list tightens, widening or removing it loosens, whatever form the
    /// addresses are written in; `--fail-on privilege-increase` catches the loosening.
    func testIPFilterChangesAreClassifiedByTheAddressesAdmitted() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let path = "apis/partner-orders.yaml"
        let written = "allow: [203.0.113.0/24, 198.51.100.10, 198.51.100.20-198.51.100.29]"
        func diff(_ filter: String, replacing original: String = written) throws -> ToolProcess.Result {
            let head = contoso.url.appendingPathComponent("head")
            try? FileManager.default.removeItem(at: head)
            try FileManager.default.copyItem(at: contoso.url.appendingPathComponent("defs"), to: head)
            let url = head.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(original))
            try text.replacingOccurrences(of: original, with: filter).write(to: url, atomically: true, encoding: .utf8)
            return try ToolProcess.run(["diff", "defs", "head", "--fail-on", "privilege-increase"], in: contoso.url)
        }
        let route = "head/apis/partner-orders.yaml:23:9"

        // The same addresses written otherwise: no change.
        let same = try diff("allow: [198.51.100.20-198.51.100.29, 203.0.113.0-203.0.113.255, 198.51.100.10/32]")
        XCTAssertEqual(same.status, 0)
        XCTAssertEqual(same.stdout, "no changes to access, limits or caching\n")

        let narrowed = try diff("allow: [203.0.113.0/25, 198.51.100.10]")
        XCTAssertEqual(narrowed.status, 0, narrowed.stdout)
        XCTAssertTrue(
            narrowed.stdout.contains(
                "\(route): privilege decrease: route 'partner-orders/list-partner-orders' now refuses addresses it admitted: 198.51.100.20-198.51.100.29, 203.0.113.128-203.0.113.255"),
            narrowed.stdout)

        let widened = try diff("allow: [203.0.113.0/24, 198.51.100.0/24]")
        XCTAssertEqual(widened.status, 1, widened.stdout)
        XCTAssertTrue(
            widened.stdout.contains(
                "\(route): privilege increase: route 'partner-orders/list-partner-orders' now admits addresses it refused: 198.51.100.0-198.51.100.9, 198.51.100.11-198.51.100.19, 198.51.100.30-198.51.100.255"),
            widened.stdout)

        let denying = try diff("deny: [192.0.2.0/24]")
        XCTAssertEqual(denying.status, 1)
        XCTAssertTrue(
            denying.stdout.contains(
                "privilege increase: route 'partner-orders/list-partner-orders' now admits addresses it refused: 0.0.0.0-192.0.1.255, 192.0.3.0-198.51.100.9, 198.51.100.11-198.51.100.19 and 2 more ranges"),
            denying.stdout)

        let removed = try diff("", replacing: "ipFilter:                     # partners call from their registered egress addresses only\n  " + written + "\n")
        XCTAssertEqual(removed.status, 1)
        XCTAssertTrue(
            removed.stdout.contains("head/apis/partner-orders.yaml:21:9: privilege increase: route 'partner-orders/list-partner-orders' no longer filters callers by IP address"),
            removed.stdout)
    }
}
