import Foundation
import PortcullisChecker
import XCTest

/// The gateway's `cors` as the built tool treats it: what APIM receives in the global
/// policy, and the definitions browsers or APIM could not honour, refused where they are.
final class CORSPolicyTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The line of `cors:` in the gateway ``write(cors:routes:)`` writes.
    private static let corsLine = RuleExample.baseGateway.filter { $0 == "\n" }.count + 1

    private static let listRoute = """
          - id: list-orders
            method: GET
            path: /orders
            scopes: [orders.read]
        """

    /// The base gateway with `cors` (indented by two spaces under the key) and an API `orders`.
    private func write(cors: String, routes: String = listRoute) throws {
        let gateway = RuleExample.baseGateway + "cors:\n" + cors.split(separator: "\n").map { "  \($0)\n" }.joined()
        try gateway.write(to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = RuleExample.api(routes: routes + "\n").yaml
        try api.write(to: directory.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
    }

    private func lint() throws -> ToolProcess.Result {
        try ToolProcess.run(["lint", ".", "--quiet", "--color", "never"], in: directory)
    }

    /// Builds and returns the global policy, failing when the build is refused.
    private func globalPolicy() throws -> String {
        let out = directory.appendingPathComponent("bundle")
        let result = try ToolProcess.run(["build", ".", "--out", out.path, "--quiet"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return try String(contentsOf: out.appendingPathComponent("apim/policy.xml"), encoding: .utf8)
    }

    private func assertRefused(
        _ cors: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        try write(cors: cors)
        let result = try lint()
        XCTAssertEqual(result.status, 1, result.stdout, file: file, line: line)
        for diagnostic in expected {
            XCTAssertTrue(result.stdout.contains(diagnostic), "missing '\(diagnostic)' in:\n\(result.stdout)", file: file, line: line)
        }
    }

    /// APIM documents `allowed-headers` as required, and no list of headers is right for
    /// every API, so the definitions must say which request headers browsers may send.
    func testAllowedHeadersAreRequired() throws {
        try assertRefused(
            "allowedOrigins: [https://shop.example.com]",
            [
                "gateway.yaml:\(Self.corsLine):1: error: missing required field 'allowedHeaders' in 'cors' [YS005]",
                "gateway.yaml:\(Self.corsLine):1: note: list the request headers browsers may send, such as 'Authorization' and 'Content-Type'",
            ])
    }

    /// Without origins APIM's policy is invalid; an empty list would say nothing either.
    func testOriginsAreRequiredAndListsAreNeverEmpty() throws {
        try assertRefused(
            "allowedHeaders: [Authorization]",
            ["gateway.yaml:\(Self.corsLine):1: error: missing required field 'allowedOrigins' in 'cors' [YS005]"])
        try assertRefused(
            "allowedOrigins: [https://shop.example.com]\nallowedMethods: []\nallowedHeaders: [Authorization]\nexposeHeaders: []",
            [
                "gateway.yaml:\(Self.corsLine + 2):19: error: 'allowedMethods' must list at least one entry [YS004]",
                "gateway.yaml:\(Self.corsLine + 4):18: error: 'exposeHeaders' must list at least one entry [YS004]",
            ])
    }

    /// Browsers refuse credentialed responses that allow any origin, and APIM takes `*`
    /// only on its own.
    func testAnyOriginIsAloneAndNeverWithCredentials() throws {
        try assertRefused(
            "allowedOrigins: [\"*\"]\nallowedHeaders: [Authorization]\nallowCredentials: true",
            [
                "gateway.yaml:\(Self.corsLine + 3):21: error: 'allowCredentials' cannot be true while 'allowedOrigins' allows any origin ('*') [YS004]",
                "gateway.yaml:\(Self.corsLine + 1):20: note: browsers refuse credentialed responses to any origin; list the origins that may send credentials",
            ])
        try assertRefused(
            "allowedOrigins: [https://shop.example.com, \"*\"]\nallowedHeaders: [Authorization]",
            ["gateway.yaml:\(Self.corsLine + 1):46: error: '*' must be the only entry of 'allowedOrigins' [YS004]"])
    }

    /// APIM sets the preflight cache lifetime on its list of methods.
    func testPreflightMaxAgeNeedsAllowedMethods() throws {
        try assertRefused(
            "allowedOrigins: [https://shop.example.com]\nallowedHeaders: [Authorization]\npreflightMaxAge: 10m",
            ["gateway.yaml:\(Self.corsLine + 3):20: error: 'preflightMaxAge' needs 'allowedMethods', which APIM sets it on [YS004]"])
        try assertRefused(
            "allowedOrigins: [https://shop.example.com]\nallowedMethods: [GET]\nallowedHeaders: [Authorization]\nallowCredentials: maybe\npreflightMaxAge: soon",
            [
                "gateway.yaml:\(Self.corsLine + 4):21: error: expected true or false for 'allowCredentials'",
                "gateway.yaml:\(Self.corsLine + 5):20: error: invalid duration 'soon' for 'preflightMaxAge' [YS004]",
            ])
    }

    /// Every field reaches the policy, in the order APIM documents.
    func testEveryFieldReachesThePolicyInAPIMOrder() throws {
        try write(
            cors: """
                allowedOrigins: [https://shop.example.com, https://admin.example.com:8443]
                allowedMethods: [GET, POST]
                allowedHeaders: [Authorization, Content-Type]
                exposeHeaders: [X-Request-Id, Retry-After]
                allowCredentials: true
                preflightMaxAge: 10m
                """)
        let policy = try globalPolicy()
        let expected = """
                    <cors allow-credentials="true" terminate-unmatched-request="false">
                        <allowed-origins>
                            <origin>https://shop.example.com</origin>
                            <origin>https://admin.example.com:8443</origin>
                        </allowed-origins>
                        <allowed-methods preflight-result-max-age="600">
                            <method>GET</method>
                            <method>POST</method>
                        </allowed-methods>
                        <allowed-headers>
                            <header>Authorization</header>
                            <header>Content-Type</header>
                        </allowed-headers>
                        <expose-headers>
                            <header>X-Request-Id</header>
                            <header>Retry-After</header>
                        </expose-headers>
                    </cors>
            """
        XCTAssertTrue(policy.contains(expected), policy)
        try assertValidatesAgainstTheAPIMSchema(directory.appendingPathComponent("bundle/apim/policy.xml"))
    }

    /// APIM's policy schema, where ../shared and xmllint are available.
    private func assertValidatesAgainstTheAPIMSchema(_ policy: URL) throws {
        let schema = GoldenFiles.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/apim-policy-xsd/policies.xsd")
        guard FileManager.default.fileExists(atPath: schema.path), FileManager.default.isExecutableFile(atPath: "/usr/bin/xmllint")
        else {
            throw XCTSkip("\(schema.path) or xmllint is not available; the XSD check runs where both are")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--schema", schema.path, policy.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
    }

    /// Credentials stay off unless the definitions turn them on.
    func testCredentialsDefaultToOff() throws {
        try write(cors: "allowedOrigins: [\"*\"]\nallowedHeaders: [Content-Type]")
        let policy = try globalPolicy()
        XCTAssertTrue(policy.contains("<cors allow-credentials=\"false\" terminate-unmatched-request=\"false\">"), policy)
        XCTAssertFalse(policy.contains("allowed-methods"), policy)
        XCTAssertFalse(policy.contains("expose-headers"), policy)
    }

    /// APIM does not answer preflight requests itself for a path where an operation takes
    /// OPTIONS: the route's own policy and backend do.
    func testOptionsRouteIsWarnedWhenTheGatewayHasCORS() throws {
        let routes = Self.listRoute + """

              - id: orders-options
                method: OPTIONS
                path: /orders
                scopes: [orders.read]
            """
        try write(cors: "allowedOrigins: [https://shop.example.com]\nallowedHeaders: [Authorization]", routes: routes)
        let result = try lint()
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertTrue(
            result.stdout.contains(
                "orders.yaml:12:13: warning: route 'orders-options' takes OPTIONS, so APIM passes preflight requests for '/orders' to it instead of answering them with the gateway's 'cors' [CO001]"),
            result.stdout)
        XCTAssertTrue(result.stdout.contains("gateway.yaml:\(Self.corsLine):1: note: the gateway's 'cors' is declared here"), result.stdout)
    }

    /// An 'Access-Control-*' response header beside the gateway's 'cors' linted clean,
    /// though it tells browsers something else than the allow-list a reviewer reads: here
    /// another origin, with credentials (found by an audit against Microsoft's reference).
    func testACORSHeaderInAResponseIsWarnedWhenTheGatewayHasCORS() throws {
        let routes = Self.listRoute + """

                response: {headers: {set: {Access-Control-Allow-Origin: "https://evil.example", Access-Control-Allow-Credentials: "true"}}}
              - id: get-order
                method: GET
                path: /orders/{id}
                scopes: [orders.read]
                policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name="Access-Control-Allow-Origin" exists-action="override"><value>*</value></set-header></outbound></policies>'
            """
        try write(cors: "allowedOrigins: [https://shop.example.com]\nallowedHeaders: [Authorization]", routes: routes)
        let result = try lint()
        XCTAssertEqual(result.status, 0, result.stdout)
        for (column, header) in [(61, "Access-Control-Allow-Origin"), (119, "Access-Control-Allow-Credentials")] {
            XCTAssertTrue(
                result.stdout.contains("orders.yaml:11:\(column): warning: response header '\(header)' overrides what the gateway's 'cors' tells browsers [CO002]"),
                result.stdout)
        }
        // Raw XML too (the second audit of the rule).
        XCTAssertTrue(
            result.stdout.contains("warning: raw 'set-header' of route 'orders/get-order' sets 'Access-Control-Allow-Origin', which overrides what the gateway's 'cors' tells browsers [CO002]"),
            result.stdout)
    }

    /// A raw header's name given by a named value is read as APIM reads it, the value put in
    /// first: `{{acao}}` passed CO002 (audit V46).
    func testARawHeaderNamedByANamedValueIsCO002() throws {
        let routes = Self.listRoute + """

              - id: get-order
                method: GET
                path: /orders/{id}
                scopes: [orders.read]
                policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name="{{acao}}" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("Origin", ""))</value></set-header></outbound></policies>'
            """
        try write(cors: "allowedOrigins: [https://shop.example.com]\nallowedHeaders: [Authorization]", routes: routes)
        let gateway = directory.appendingPathComponent("gateway.yaml")
        try (try String(contentsOf: gateway, encoding: .utf8) + "namedValues:\n  acao: Access-Control-Allow-Origin\n").write(to: gateway, atomically: true, encoding: .utf8)
        let result = try lint()
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertTrue(
            result.stdout.contains("warning: raw 'set-header' of route 'orders/get-order' sets 'Access-Control-Allow-Origin' (through '{{acao}}'), which overrides what the gateway's 'cors' tells browsers [CO002]"),
            result.stdout)
        XCTAssertTrue(result.stdout.contains("gateway.yaml:\(Self.corsLine + 4):9: note: named value 'acao' is set here"), result.stdout)
    }

    /// Credentialed answers for an origin anyone can claim: plain HTTP off the caller's own
    /// machine, `null`, or the request's `Origin` copied into the answer untested (a pattern
    /// blogs teach). An allow-list written in code and a copy without credentials are left
    /// alone, as is `http://localhost` (Microsoft's own example has it for development).
    func testCredentialsForAnOriginAnyoneCanClaimIsCO004() throws {
        let copy = #"<set-header name="Access-Control-Allow-Origin" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("Origin", ""))</value></set-header>"#
        let tested = #"<set-header name="Access-Control-Allow-Origin" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("Origin", "") == "https://shop.example.com" ? "https://shop.example.com" : "")</value></set-header>"#
        let credentials = #"<set-header name="access-control-allow-credentials" exists-action="override"><value>true</value></set-header>"#
        func route(_ id: String, _ outbound: String) -> String {
            """

              - id: \(id)
                method: GET
                path: /\(id)
                scopes: [orders.read]
                policy: '<policies><inbound><base /></inbound><outbound><base />\(outbound)</outbound></policies>'
            """
        }
        let rawCORS = #"<cors allow-credentials="true"><allowed-origins><origin>https://shop.example.com</origin><origin>null</origin></allowed-origins><allowed-headers><header>Authorization</header></allowed-headers></cors>"#
        // Credentials allowed through an expression of strings or a named value (audit V87).
        let expressed = #"<set-header name="Access-Control-Allow-Credentials" exists-action="override"><value>@(&quot;true&quot;)</value></set-header>"#
        let named = #"<set-header name="Access-Control-Allow-Credentials" exists-action="override"><value>{{acac}}</value></set-header>"#
        // The origin copied through a variable (audit V87).
        let kept = #"<set-header name="Access-Control-Allow-Origin" exists-action="override"><value>@((string)context.Variables["origin"])</value></set-header>"#
        let keeping = #"<set-variable name="origin" value="@(context.Request.Headers.GetValueOrDefault(&quot;Origin&quot;, &quot;&quot;))" />"#
        // The header named by a named value, the origin copied or kept (audit V96 #3).
        let renamed = { (setter: String) in setter.replacingOccurrences(of: "name=\"Access-Control-Allow-Origin\"", with: "name=\"{{acao}}\"") }
        let routes = Self.listRoute + route("copied", copy + credentials) + route("tested", tested + credentials) + route("uncredentialed", copy)
            + route("expressed", copy + expressed) + route("named", copy + named)
            + route("kept", kept + credentials).replacingOccurrences(of: "<inbound><base /></inbound>", with: "<inbound><base />\(keeping)</inbound>")
            + route("renamed", renamed(copy) + credentials)
            + route("both-renamed", renamed(copy) + credentials.replacingOccurrences(of: "name=\"access-control-allow-credentials\"", with: "name=\"{{acac-name}}\""))
            + route("renamed-kept", renamed(kept) + credentials).replacingOccurrences(of: "<inbound><base /></inbound>", with: "<inbound><base />\(keeping)</inbound>")
            + """

              - id: sandboxed
                method: GET
                path: /sandboxed
                scopes: [orders.read]
                policy: '<policies><inbound>\(rawCORS)<base /></inbound></policies>'
            """
        try write(
            cors: "allowedOrigins: [https://shop.example.com, http://shop.example.com, http://localhost:4200, http://127.0.0.1:8080, http://127.evil.example]\nallowedHeaders: [Authorization]\nallowCredentials: true",
            routes: routes)
        let gateway = directory.appendingPathComponent("gateway.yaml")
        try (try String(contentsOf: gateway, encoding: .utf8) + "namedValues:\n  acac: 'true'\n  acao: Access-Control-Allow-Origin\n  acac-name: Access-Control-Allow-Credentials\n").write(
            to: gateway, atomically: true, encoding: .utf8)
        let result = try lint()
        let findings = result.stdout.split(separator: "\n").filter { $0.hasSuffix("[CO004]") }
        XCTAssertEqual(findings.count, 10, result.stdout)
        XCTAssertTrue(result.stdout.contains("origin 'http://127.evil.example' is given credentialed answers"), result.stdout)
        for id in ["expressed", "named", "kept", "renamed", "renamed-kept", "both-renamed"] {
            XCTAssertTrue(result.stdout.contains("raw 'set-header' of route 'orders/\(id)' copies the request into 'Access-Control-Allow-Origin'"), result.stdout)
        }
        XCTAssertTrue(
            result.stdout.contains(
                "gateway.yaml:\(Self.corsLine + 1):46: warning: origin 'http://shop.example.com' is given credentialed answers, though anyone on the network path can change what a page served over plain 'http://' runs [CO004]"),
            result.stdout)
        XCTAssertTrue(
            result.stdout.contains(
                "warning: raw 'set-header' of route 'orders/copied' copies the request into 'Access-Control-Allow-Origin' while its answers allow credentials, so any site reads them [CO004]"),
            result.stdout)
        XCTAssertTrue(
            result.stdout.contains(
                "warning: raw 'cors' of route 'orders/sandboxed' gives origin 'null' credentialed answers, though every sandboxed frame and local file sends that origin [CO004]"),
            result.stdout)
    }
}
