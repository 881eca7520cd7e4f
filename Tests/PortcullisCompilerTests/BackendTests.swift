import Foundation
import XCTest

/// `kind: Backend`, end to end through the executable: what the bundle publishes for a
/// backend, what reaches the policies and `gateway.json`, what environments may change,
/// and what the access diff says when a backend changes.
final class BackendTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private static let armSchema = ExternalCacheTests.armSchema

    private func build(_ project: URL, _ options: [String] = []) throws -> URL {
        let out = directory.appendingPathComponent("bundle-\(options.joined())")
        let result = try ToolProcess.run(["build", project.path, "--out", out.path, "--quiet"] + options)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return out
    }

    private func json(_ file: URL) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    }

    private func text(_ file: URL) throws -> String { try String(contentsOf: file, encoding: .utf8) }

    /// A copy of the contoso sample with `edits` (path, from, to) applied.
    /// Asserts that for each of `ends` some line of `text` ends so.
    private func assertLines(ending ends: [String], in text: String, file: StaticString = #filePath, line: UInt = #line) {
        let lines = text.split(separator: "\n")
        for end in ends {
            XCTAssertTrue(lines.contains { $0.hasSuffix(end) }, "missing: \(end)\nin:\n\(text)", file: file, line: line)
        }
    }

    private func project(_ edits: [(String, String, String)]) throws -> URL {
        let project = directory.appendingPathComponent("project-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: project)
        for (path, from, to) in edits {
            let url = project.appendingPathComponent(path)
            let text = try self.text(url)
            XCTAssertTrue(text.contains(from), "\(path) holds no '\(from)'")
            try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
        }
        return project
    }

    /// An API that names a backend sets it by id, with the managed identity of the pool's
    /// members; one that writes a URL keeps v1's `base-url`. gateway.json says which
    /// backend and URL each route reaches.
    func testAPIsReachTheBackendTheyName() throws {
        let out = try build(BundleTests.contoso)
        let partner = try text(out.appendingPathComponent("apim/apis/partner-orders/policy.xml"))
        XCTAssertTrue(partner.contains(#"<set-backend-service backend-id="partner-orders" />"#), partner)
        XCTAssertFalse(partner.contains("authentication-managed-identity"), partner)
        let ordersPolicy = try text(out.appendingPathComponent("apim/apis/orders/policy.xml"))
        XCTAssertTrue(ordersPolicy.contains(#"<set-backend-service base-url="https://orders.internal.contoso.com/api" />"#), ordersPolicy)
        XCTAssertFalse(ordersPolicy.contains("authentication-managed-identity"), ordersPolicy)

        let routes = try XCTUnwrap(try json(out.appendingPathComponent("gateway.json"))["routes"] as? [[String: Any]])
        let backends = Dictionary(routes.map { ($0["api"] as! String, $0["backend"] as! [String: Any]) }) { first, _ in first }
        let pool = try XCTUnwrap(backends["partner-orders"])
        XCTAssertEqual(pool["name"] as? String, "partner-orders")
        XCTAssertNil(pool["url"], "a pool has no URL of its own")
        XCTAssertEqual(
            (pool["pool"] as? [[String: Any]])?.map { $0["url"] as? String },
            ["https://orders-weu.internal.contoso.com/partner", "https://orders-neu.internal.contoso.com/partner"])
        XCTAssertEqual((pool["managedIdentity"] as? [String: Any])?["resource"] as? String, "api://contoso-orders")
        XCTAssertEqual(backends["orders"]?["url"] as? String, "https://orders.internal.contoso.com/api")
        XCTAssertNil(backends["orders"]?["name"], "a URL written on the API names no backend")
        for route in routes {
            let steps = try XCTUnwrap(route["steps"] as? [String])
            // A route the gateway answers itself ('respond', 'mock') reaches no backend.
            XCTAssertEqual(steps.filter { ["backend", "respond", "mock"].contains($0) }.count, 1, "\(steps)")
        }
        let information = try json(out.appendingPathComponent("apim/apis/partner-orders/apiInformation.json"))
        XCTAssertNil((information["properties"] as? [String: Any])?["serviceUrl"], "a pool has no URL to show")
        let orders = try json(out.appendingPathComponent("apim/apis/orders/apiInformation.json"))
        XCTAssertEqual((orders["properties"] as? [String: Any])?["serviceUrl"] as? String, "https://orders.internal.contoso.com/api")
    }

    /// Backend files against Azure's ARM schema (pools and circuit breakers, newer than the
    /// schema, in the shape APIOps reads), the certificate template against it too, and
    /// so the groups and tags the sample declares.
    func testBackendGroupAndTagFilesValidateAgainstARM() throws {
        let out = try build(BundleTests.contoso)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("apim/backends").path).sorted()
        XCTAssertEqual(files, ["partner-orders", "partner-orders-neu", "partner-orders-weu"])
        let member = try json(out.appendingPathComponent("apim/backends/partner-orders-weu/backendInformation.json"))
        let credentials = try XCTUnwrap((member["properties"] as? [String: Any])?["credentials"] as? [String: Any])
        XCTAssertEqual(credentials["header"] as? [String: [String]], ["x-gateway-key": ["{{partner-orders-gateway-key}}"]])
        XCTAssertEqual(credentials["certificateIds"] as? [String], ["/certificates/partner-orders-weu"])
        XCTAssertNil(credentials["managedIdentity"], "the managed identity is in the policies that use the backend")

        guard FileManager.default.fileExists(atPath: Self.armSchema.appendingPathComponent("Microsoft.ApiManagement-2022-08-01.json").path) else {
            throw XCTSkip("\(Self.armSchema.path) is not available; the ARM schema check runs where ../shared is")
        }
        let check = try PythonTool.run([PythonTool.support.appendingPathComponent("check_resources.py").path, out.path, Self.armSchema.path])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let checked = check.stdout.split(separator: "\n").filter { $0.hasPrefix("ok ") }
        XCTAssertEqual(checked.filter { $0.contains("/apim/backends/") }.count, 3, check.stdout)
        XCTAssertEqual(checked.filter { $0.contains("/apim/groups/") || $0.contains("/groups/partner-companies/") }.count, 2, check.stdout)
        XCTAssertEqual(checked.filter { $0.contains("/apim/tags/") }.count, 3, check.stdout)
        let template = out.appendingPathComponent("infrastructure/backend-certificates.json")
        let templateCheck = try PythonTool.run([
            PythonTool.support.appendingPathComponent("check_arm_template.py").path, template.path, Self.armSchema.path,
        ])
        XCTAssertEqual(templateCheck.stdout, "ok \(template.path)\n", templateCheck.stderr)
    }

    /// An environment moves a backend and its certificate; APIs that name the backend
    /// follow it without being overridden themselves.
    func testEnvironmentOverridesABackendsURLAndCertificate() throws {
        let out = try build(BundleTests.contoso, ["--env", "prod"])
        let weu = try json(out.appendingPathComponent("apim/backends/partner-orders-weu/backendInformation.json"))
        XCTAssertEqual((weu["properties"] as? [String: Any])?["url"] as? String, "https://orders-weu.prod.contoso.com/partner")
        let certificates = try text(out.appendingPathComponent("infrastructure/backend-certificates.json"))
        XCTAssertTrue(certificates.contains("https://contoso-prod-kv.vault.azure.net/secrets/partner-orders-client-certificate"), certificates)
        let routes = try XCTUnwrap(try json(out.appendingPathComponent("gateway.json"))["routes"] as? [[String: Any]])
        let partner = try XCTUnwrap(routes.first { $0["api"] as? String == "partner-orders" }?["backend"] as? [String: Any])
        XCTAssertEqual((partner["pool"] as? [[String: Any]])?.first?["url"] as? String, "https://orders-weu.prod.contoso.com/partner")
        XCTAssertEqual(partner["source"] as? String, "apis/partner-orders.yaml:8:10")
    }

    /// How a backend is called is the same everywhere: an environment may not add
    /// credentials it does not have, change its breaker or pool, or name a backend that
    /// is not declared.
    func testEnvironmentCannotChangeHowABackendIsCalled() throws {
        let project = try project([
            (
                "backends.yaml",
                "  managedIdentity: {resource: api://contoso-orders}\n  clientCertificate: {keyVault: https://contoso-kv.vault.azure.net/secrets/partner-orders-client-certificate}\n  headers:\n    x-gateway-key: {secret: partner-orders-gateway-key}\ntls: {validateCertificateChain: true, validateCertificateName: true}\ncircuitBreaker: {failures: 5, per: 1m, statusCodes: [429, 500-599], tripFor: 30s, acceptRetryAfter: true}\n---\napiVersion: portcullis/v1\nkind: Backend\nname: partner-orders\n",
                "  managedIdentity: {resource: api://contoso-orders}\n  headers:\n    x-gateway-key: {secret: partner-orders-gateway-key}\ntls: {validateCertificateChain: true, validateCertificateName: true}\ncircuitBreaker: {failures: 5, per: 1m, statusCodes: [429, 500-599], tripFor: 30s, acceptRetryAfter: true}\n---\napiVersion: portcullis/v1\nkind: Backend\nname: partner-orders\n"
            ),
            (
                "environments/test.yaml", "    url: https://orders-neu.test.contoso.com/partner\n",
                """
                    url: https://orders-neu.test.contoso.com/partner
                    circuitBreaker: {failures: 50, per: 1m, tripFor: 1s}
                  partner-orders-nue:

                """
            ),
        ])
        let result = try ToolProcess.run(["lint", project.path, "--env", "test"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        for expected in [
            "environments/test.yaml:33:5: error: environment 'test' cannot override 'circuitBreaker', which is the same in every environment [RF007]",
            "environments/prod.yaml:30:7: error: environment 'prod' overrides 'clientCertificate', which backend 'partner-orders-neu' does not have [RF007]",
            "environments/test.yaml:34:3: error: unknown backend 'partner-orders-nue' [RF001]",
        ] {
            XCTAssertTrue(result.stdout.contains(expected), "missing: \(expected)\nin:\n\(result.stdout)")
        }
    }

    /// `authentication-managed-identity` puts the gateway's token in `Authorization`. At API
    /// scope it ran at each operation's `<base />`, so the token check, the scope check, the
    /// caller-keyed limits and the per-user cache all read the gateway's token instead of
    /// the caller's (found by an audit of contoso's partner-orders). It is now the last
    /// inbound statement of every operation, after the author's raw statements too, and
    /// every check reads the caller's token: here the introspection, a raw `validate-jwt`
    /// in the API's policy and a raw `check-header` in the route's.
    func testTheGatewaysTokenReplacesTheCallersOnlyAfterEveryCheck() throws {
        let apiPolicy = """
            policy: |
              <policies>
                <inbound>
                  <base />
                  <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
                    <openid-config url="https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences>
                    <required-claims>
                      <claim name="roles" match="any"><value>Partner.Orders</value></claim>
                    </required-claims>
                  </validate-jwt>
                </inbound>
              </policies>

            """
        let routePolicy = """
                policy: |
                  <policies>
                    <inbound>
                      <base />
                      <check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="no token" ignore-case="true" />
                    </inbound>
                  </policies>

            """
        let project = try project([
            ("apis/partner-orders.yaml", "tags: [partner-program, orders]\n", "tags: [partner-program, orders]\n" + apiPolicy),
            ("apis/partner-orders.yaml", "    scopes: [partner.orders.write]\n", "    scopes: [partner.orders.write]\n" + routePolicy),
        ])
        let out = try build(project)
        let api = try text(out.appendingPathComponent("apim/apis/partner-orders/policy.xml"))
        XCTAssertFalse(api.contains("authentication-managed-identity"), api)
        XCTAssertTrue(api.contains("<validate-jwt"), api)
        for route in ["list-partner-orders", "place-partner-order"] {
            let policy = try text(out.appendingPathComponent("apim/apis/partner-orders/operations/\(route)/policy.xml"))
            let inbound = try XCTUnwrap(policy.components(separatedBy: "</inbound>").first, policy)
            let statements = inbound.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let identity = try XCTUnwrap(
                statements.firstIndex(of: #"<authentication-managed-identity resource="api://contoso-orders" />"#), policy)
            XCTAssertEqual(identity, statements.count - 1, "the identity is the last inbound statement:\n\(policy)")
            // The API's raw validate-jwt runs at the operation's `<base />`, its first statement.
            XCTAssertEqual(statements.drop { $0 != "<inbound>" }.dropFirst().first, "<base />", policy)
            for check in [#"<set-variable name="portcullis-bearer""#, "<send-request", "<check-header"]
            where route == "place-partner-order" || check != "<check-header" {
                let at = try XCTUnwrap(statements.lastIndex { $0.hasPrefix(check) }, "no \(check) in \(route):\n\(policy)")
                XCTAssertLessThan(at, identity, "\(check) reads the caller's token before it is replaced:\n\(policy)")
            }
        }
    }

    /// What raw XML may not do around the managed identity (found by the audit of the fix):
    /// put the gateway's credentials in `Authorization` before the route's token check
    /// (LP001: the check would judge them), or, in a route whose backend the identity is
    /// for, set other credentials or another backend (PX004: the token would go elsewhere).
    func testRawStatementsAroundTheManagedIdentityAreReported() throws {
        let identity = #"<authentication-managed-identity resource=\"api://other\" />"#
        let project = try project([
            ("apis/partner-orders.yaml", "tags: [partner-program, orders]\n",
             "tags: [partner-program, orders]\npolicy: \"<policies><inbound><base />\(identity)</inbound></policies>\"\n"),
            ("apis/partner-orders.yaml", "    scopes: [partner.orders.write]\n",
             "    scopes: [partner.orders.write]\n    policy: '<policies><inbound><base /><set-backend-service base-url=\"https://elsewhere.example.com\" /><authentication-basic username=\"a\" password=\"{{basic}}\" /></inbound></policies>'\n"),
            // Inside 'choose' the token goes elsewhere all the same (the second audit).
            ("apis/partner-orders.yaml", "    rewrite: {path: /orders/by-partner}",
             "    rewrite: {path: /orders/by-partner}\n    policy: '<policies><inbound><base /><choose><when condition=\"@(true)\"><set-backend-service base-url=\"https://elsewhere.example.com\" /></when></choose></inbound></policies>'"),
        ])
        let result = try ToolProcess.run(["lint", project.path, "--quiet"], in: directory)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }.map { String($0.drop { $0 != " " }.dropFirst()) }
        for expected in [
            "error: raw 'authentication-managed-identity' in API 'partner-orders' replaces the caller's token before the token check of route 'list-partner-orders' reads it, so the check judges the gateway's credentials, not the caller's [LP001]",
            "error: raw 'set-backend-service' conflicts with the managed identity Portcullis generates for the backend of route 'partner-orders/place-partner-order' [PX004]",
            "error: raw 'authentication-basic' conflicts with the managed identity Portcullis generates for the backend of route 'partner-orders/place-partner-order' [PX004]",
            "error: raw 'set-backend-service' conflicts with the managed identity Portcullis generates for the backend of route 'partner-orders/list-partner-orders' [PX004]",
        ] {
            XCTAssertTrue(errors.contains(expected), "missing: \(expected)\nin:\n\(errors.joined(separator: "\n"))")
        }
    }

    /// The broader scopes' `backend` sections run after the managed identity, at the
    /// route's `<base />`: a backend set there, by the gateway's or a product's policy, gets
    /// the token (audit V57: only a route's own was reported). One in `inbound` is replaced
    /// by the route's own backend, set later.
    func testABackendTheBroaderScopesSetAfterTheManagedIdentityIsReported() throws {
        let elsewhere = #"<set-backend-service base-url=\"https://collector.example.net\" />"#
        let project = try project([
            ("gateway.yaml", "namedValues:\n", "policy: \"<policies><inbound>\(elsewhere)</inbound><backend>\(elsewhere)<forward-request /></backend></policies>\"\nnamedValues:\n"),
            ("products.yaml", "apis: [partner-orders, catalog]\n", "apis: [partner-orders, catalog]\npolicy: \"<policies><inbound><base /></inbound><backend><choose><when condition=\\\"@(true)\\\">\(elsewhere)</when></choose><base /></backend></policies>\"\n"),
        ])
        let result = try ToolProcess.run(["lint", project.path, "--quiet"], in: directory)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains("[PX004]") }
        XCTAssertEqual(errors.count, 2, result.stdout)
        XCTAssertTrue(errors.allSatisfy { $0.hasSuffix(": error: raw 'set-backend-service' conflicts with the managed identity Portcullis generates for the backend of route 'partner-orders/list-partner-orders' [PX004]") }, result.stdout)
        XCTAssertEqual(Set(errors.map { $0.split(separator: ":")[0].split(separator: "/").last! }), ["gateway.yaml", "products.yaml"], result.stdout)
    }

    /// The managed identity's token replaces whatever `Authorization` holds when it runs,
    /// last in the route's `inbound`: a header the definitions or a raw `set-header` put
    /// there never reached the backend, and lint was clean (found by the audit of the
    /// emitted policies). A header deleted, or set on the response, is no conflict.
    func testAnAuthorizationHeaderSetForAManagedIdentityBackendIsReported() throws {
        func setHeader(_ name: String, _ action: String, _ value: String = "Basic {{partner-client-secret}}") -> String {
            "\n          <set-header name=\"\(name)\" exists-action=\"\(action)\"><value>\(value)</value></set-header>"
        }
        let policy =
            "    policy: |\n      <policies><inbound><base />" + setHeader("authorization", "override") + setHeader("{{auth-header}}", "skip")
            + setHeader("Authorization", "delete")
            // A request of the policy's own carries its own headers, and an identity's token
            // kept in a variable leaves the request as it is (the audit of the round's changes).
            + "\n          <authentication-managed-identity resource=\"https://storage.azure.com/\" output-token-variable-name=\"storage-token\" />"
            + "\n          <send-request mode=\"new\" response-variable-name=\"token\"><set-url>https://idp.example.com/token</set-url>"
            + setHeader("Authorization", "override") + "\n          </send-request>"
            + "\n          <choose><when condition=\"@(false)\"><return-response>" + setHeader("Authorization", "override", "@(context.Request.Headers.GetValueOrDefault(&quot;X-Echo&quot;, &quot;&quot;))") + "</return-response></when></choose>"
            + "\n      </inbound><backend><base />" + setHeader(" Authorization ", "append")
            + "\n      </backend><outbound><base />" + setHeader("Authorization", "override", "@(context.Response.Headers.GetValueOrDefault(&quot;WWW-Authenticate&quot;, &quot;&quot;))") + "\n      </outbound></policies>\n"
        let project = try project([
            ("apis/partner-orders.yaml", "    append: {Via: contoso-gateway}\n",
             "    append: {Via: contoso-gateway, Authorization: \"Basic {{partner-client-secret}}\"}\n"),
            ("apis/partner-orders.yaml", "    scopes: [partner.orders.write]\n", "    scopes: [partner.orders.write]\n" + policy),
            ("gateway.yaml", "  api-client-id: ", "  auth-header: Authorization\n  api-client-id: "),
        ])
        let result = try ToolProcess.run(["lint", project.path, "--format", "json"], in: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let errors = (report["diagnostics"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String == "error" }
        let found = errors.map { "\($0["code"] ?? "") \($0["line"] ?? ""):\($0["column"] ?? "") \($0["message"] ?? "")" }
        let identity = "conflicts with the managed identity Portcullis generates for the backend of route 'partner-orders/place-partner-order'"
        // The API's header once, though both routes' backend uses the identity.
        let header = "request header 'Authorization' is replaced by the token of the managed identity the backend of route 'partner-orders/list-partner-orders' is called with"
        XCTAssertEqual(found.filter { $0.hasPrefix("YS004") }.map { String($0.drop { $0 != " " }.dropFirst()) }, ["15:36 \(header)"], found.joined(separator: "\n"))
        // In inbound, by any spelling and through a named value; in backend, where it
        // would replace the token; not the deletion, and not the response's header.
        XCTAssertEqual(found.filter { $0.hasPrefix("PX004") && $0.contains(identity) }.count, 3, found.joined(separator: "\n"))
        XCTAssertEqual(errors.count, 4, found.joined(separator: "\n"))
    }

    /// An API's own raw policy runs before the managed identity generated for its backend:
    /// an `Authorization` header or credentials it sets were replaced silently, as a route's
    /// were (thirtieth round); a route with a backend of its own may take the token instead.
    func testAnAPIPolicyGivingAManagedIdentityBackendOtherCredentialsIsReported() throws {
        let policy = "policy: '<policies><inbound><base /><set-header name=\"Authorization\" exists-action=\"override\"><value>Basic {{partner-client-secret}}</value></set-header>"
            + "<authentication-basic username=\"gateway\" password=\"{{partner-client-secret}}\" /></inbound></policies>'\n"
        let project = try project([("apis/partner-orders.yaml", "backend: partner-orders   # a pool of two regions (backends.yaml)\n", "backend: partner-orders\n" + policy)])
        let result = try ToolProcess.run(["lint", project.path, "--format", "json"], in: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let found = (report["diagnostics"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "PX004" }.map { "\($0["message"] ?? "")" }
        XCTAssertEqual(found, [
            "raw 'authentication-basic' conflicts with the managed identity Portcullis generates for the backend of route 'partner-orders/list-partner-orders'",
            "raw 'set-header' conflicts with the managed identity Portcullis generates for the backend of route 'partner-orders/list-partner-orders'",
        ], result.stdout)
        // Inside a 'choose', whose condition may pick the routes with backends of their own,
        // it is left to the author (the audit of the round's changes).
        let conditional = "policy: '<policies><inbound><base /><choose><when condition=\"@(context.Operation.Id == &quot;export&quot;)\">"
            + "<set-header name=\"Authorization\" exists-action=\"override\"><value>Basic {{partner-client-secret}}</value></set-header></when></choose></inbound></policies>'\n"
        let chosen = try self.project([("apis/partner-orders.yaml", "backend: partner-orders   # a pool of two regions (backends.yaml)\n", "backend: partner-orders\n" + conditional)])
        let lint = try ToolProcess.run(["lint", chosen.path], in: directory)
        // Read all the same: the header replaces the caller's token before its check (LP001).
        XCTAssertTrue(lint.stdout.contains("raw 'set-header' in API 'partner-orders' replaces the caller's token"), lint.stdout)
        XCTAssertFalse(lint.stdout.contains("PX004"), lint.stdout)
    }

    /// An API with its own raw policy is sent to its `serviceUrl`, but a URL that references
    /// a secret gets none (APIM substitutes named values only in policies): the API's
    /// policy set no backend either, and APIM had nowhere to send its requests (found by
    /// the audit of the emitters). It sets the backend now, and so does a route that drops
    /// `<base />`.
    func testAnAPIWhoseBackendURLHoldsASecretSetsItInItsPolicy() throws {
        let url = "https://orders.internal.contoso.com/api?code={{partner-orders-gateway-key}}"
        let project = try project([
            ("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api\n",
             "backend: \(url)\npolicy: '<policies><inbound><base /><set-header name=\"X-Shop\" exists-action=\"override\"><value>web</value></set-header></inbound></policies>'\n"),
            ("apis/orders.yaml", "    summary: Place an order\n",
             "    summary: Place an order\n    policy: '<policies><inbound><set-header name=\"X-Own\" exists-action=\"override\"><value>1</value></set-header></inbound></policies>'\n"),
        ])
        let out = try build(project)
        let information = try json(out.appendingPathComponent("apim/apis/orders/apiInformation.json"))
        XCTAssertNil((information["properties"] as? [String: Any])?["serviceUrl"])
        let api = try text(out.appendingPathComponent("apim/apis/orders/policy.xml"))
        XCTAssertTrue(api.contains(#"<set-backend-service base-url="\#(url)" />"#), api)
        let create = try text(out.appendingPathComponent("apim/apis/orders/operations/create-order/policy.xml"))
        XCTAssertTrue(create.contains(#"<set-backend-service base-url="\#(url)" />"#), create)
        // With a URL the bundle can carry, the author's API policy stays as written.
        let plain = try build(try self.project([
            ("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api\n",
             "backend: https://orders.internal.contoso.com/api\npolicy: '<policies><inbound><base /></inbound></policies>'\n"),
        ]))
        XCTAssertFalse(try text(plain.appendingPathComponent("apim/apis/orders/policy.xml")).contains("set-backend-service"))
    }

    /// A route with its own backend: the API's policy sets none, and every operation sets
    /// its own, so the route's token never reaches the API's backend nor the reverse.
    /// Environments may move it, but not give a route a backend it does not have.
    func testARouteWithItsOwnBackendMakesEveryOperationSetItsBackend() throws {
        let project = try project([
            ("apis/orders.yaml", "    summary: Place an order\n", "    summary: Place an order\n    backend: partner-orders-weu\n")
        ])
        let out = try build(project)
        let api = try text(out.appendingPathComponent("apim/apis/orders/policy.xml"))
        XCTAssertFalse(api.contains("set-backend-service"), api)
        let create = try text(out.appendingPathComponent("apim/apis/orders/operations/create-order/policy.xml"))
        XCTAssertTrue(create.contains(#"<set-backend-service backend-id="partner-orders-weu" />"#), create)
        XCTAssertTrue(create.contains(#"<authentication-managed-identity resource="api://contoso-orders" />"#), create)
        let list = try text(out.appendingPathComponent("apim/apis/orders/operations/list-orders/policy.xml"))
        XCTAssertTrue(list.contains(#"<set-backend-service base-url="https://orders.internal.contoso.com/api" />"#), list)
        XCTAssertFalse(list.contains("authentication-managed-identity"), list)
        let information = try json(out.appendingPathComponent("apim/apis/orders/apiInformation.json"))
        XCTAssertEqual((information["properties"] as? [String: Any])?["serviceUrl"] as? String, "https://orders.internal.contoso.com/api")
        // An environment may not put a URL in place of the route's Backend: prod's bundle
        // lost the managed identity with lint at 0 (an audit).
        let swapped = try self.project([
            ("apis/orders.yaml", "    summary: Place an order\n", "    summary: Place an order\n    backend: partner-orders-weu\n"),
            ("environments/prod.yaml", "      list-orders:\n", "      create-order:\n        backend: https://orders-new.prod.contoso.com\n      list-orders:\n"),
        ])
        let prod = try ToolProcess.run(["build", swapped.path, "--env", "prod", "--out", directory.appendingPathComponent("prod").path])
        XCTAssertEqual(prod.status, 1, prod.stdout)
        XCTAssertTrue(
            prod.stdout.contains(
                "environments/prod.yaml:19:18: error: environment 'prod' changes the backend of route 'create-order' from 'partner-orders-weu' to 'https://orders-new.prod.contoso.com', and which Backend a request goes through is the same in every environment [RF007]"),
            prod.stdout)

        let diff = try ToolProcess.run(["diff", BundleTests.contoso.path, project.path])
        XCTAssertTrue(
            diff.stdout.contains(
                "apis/orders.yaml:34:14: privilege increase: route 'orders/create-order' now sends requests, with the credentials they carry, to backend 'partner-orders-weu' (https://orders-weu.internal.contoso.com/partner) as managed identity for 'api://contoso-orders' instead of 'https://orders.internal.contoso.com/api'"),
            diff.stdout)

        let added = try self.project([("environments/prod.yaml", "      list-orders:\n", "      list-orders:\n        backend: https://orders-new.prod.contoso.com\n")])
        let refused = try ToolProcess.run(["lint", added.path, "--env", "prod"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(
            refused.stdout.contains("environments/prod.yaml:19:9: error: environment 'prod' overrides 'backend', which route 'list-orders' does not have [RF007]"),
            refused.stdout)
    }

    /// Pointing an API at another backend, or a pool at other members, is a change the
    /// reviewer sees, once per API; one whose requests carry tokens or credentials to a
    /// host they did not reach before is a privilege increase (found by an audit: a new
    /// backend pointed at an attacker's host was 'other').
    func testAccessDiffReportsWhereAnAPINowSendsRequests() throws {
        // The environments' URLs for catalog go with its URL: an environment keeps the
        // Backend an API names (RF007).
        let head = try project([
            ("apis/partner-orders.yaml", "backend: partner-orders ", "backend: partner-orders-weu "),
            ("apis/catalog.yaml", "backend: https://catalog.internal.contoso.com", "backend: partner-orders"),
            ("environments/dev.yaml", "  catalog:\n    backend: https://catalog.dev.contoso.com\n", ""),
            ("environments/test.yaml", "  catalog:\n    backend: https://catalog.test.contoso.com\n", ""),
            ("environments/prod.yaml", "  catalog:\n    backend: https://catalog.prod.contoso.com\n", ""),
        ])
        let result = try ToolProcess.run(["diff", BundleTests.contoso.path, head.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { $0.contains("now sends requests") && !$0.contains("in environment") }.count, 2, result.stdout)
        // Each environment points the backend at its own URL, which the definitions' change
        // does not show: the sample's three say so once each (catalog's new backend is the
        // same URL in each, and is not repeated).
        XCTAssertEqual(lines.filter { $0.contains("other: in environment '") }.count, 3, result.stdout)
        XCTAssertTrue(
            lines.contains {
                $0.hasSuffix(
                    "apis/partner-orders.yaml:8:10: other: API 'partner-orders' now sends requests to backend 'partner-orders-weu' (https://orders-weu.internal.contoso.com/partner) as managed identity for 'api://contoso-orders' instead of pool 'partner-orders' of 'partner-orders-weu', 'partner-orders-neu' as managed identity for 'api://contoso-orders'")
            }, result.stdout)
        XCTAssertTrue(
            lines.contains {
                $0.hasSuffix(
                    "apis/catalog.yaml:8:10: privilege increase: API 'catalog' now sends requests, with the credentials they carry, to pool 'partner-orders' of 'partner-orders-weu', 'partner-orders-neu' as managed identity for 'api://contoso-orders' instead of 'https://catalog.internal.contoso.com'")
            }, result.stdout)
    }

    /// A backend whose TLS certificate chain or name is not validated linted clean, though
    /// the gateway sends it a managed identity's token and a secret header: anyone on the
    /// network path could pose as it (found by an audit against Microsoft's reference). It
    /// is SE003, like a plain http:// backend.
    func testABackendWhoseCertificateIsNotValidatedIsReported() throws {
        let head = try project([
            ("backends.yaml", "tls: {validateCertificateChain: true, validateCertificateName: true}", "tls: {validateCertificateChain: false, validateCertificateName: false}")
        ])
        let result = try ToolProcess.run(["lint", head.path, "--quiet"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        assertLines(ending: [
            "backends.yaml:17:33: error: backend 'partner-orders-weu' does not validate its certificate's chain, so anyone on the network path can pose as it and read what the gateway sends [SE003]",
            "backends.yaml:17:65: error: backend 'partner-orders-weu' does not validate its certificate's name, so anyone on the network path can pose as it and read what the gateway sends [SE003]",
        ], in: result.stdout)
    }

    /// What a declared backend does is reviewed where it is declared, once: its URL, the
    /// TLS checks it skips, the credentials it sends and a pool's members. `diff` said
    /// nothing when a pull request pointed a backend that carries the gateway's token,
    /// certificate and key at another host, or turned its TLS checks off; and it quoted a
    /// credential written in an API's backend URL in every format, the Markdown posted to
    /// the pull request too (both found by a hostile audit).
    func testAccessDiffReviewsWhatADeclaredBackendDoesWithoutShowingCredentials() throws {
        let secret = "PwHunter10"
        let head = try project([
            ("backends.yaml", "url: https://orders-weu.internal.contoso.com/partner", "url: https://attacker.example.net/p"),
            ("backends.yaml", "url: https://orders-neu.internal.contoso.com/partner", "url: \"https://svc:\(secret)@orders-neu.internal.contoso.com/partner\""),
            ("backends.yaml", "validateCertificateChain: true", "validateCertificateChain: false"),
            ("backends.yaml", "x-gateway-key: {secret: partner-orders-gateway-key}", "x-gateway-key: {secret: redis-connection}"),
            ("backends.yaml", "{backend: partner-orders-neu, priority: 2}", "{backend: partner-orders-neu, priority: 3}"),
            ("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api", "backend: \"https://svc:\(secret)@orders.internal.contoso.com/api\""),
        ])
        let result = try ToolProcess.run(["diff", BundleTests.contoso.path, head.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        assertLines(ending: [
            // It carries the gateway's identity and key: another host gets them (the audit
            // of environments and the bundle).
            "backends.yaml:11:6: privilege increase: backend 'partner-orders-weu' now sends requests, with the credentials it carries, to another host: 'https://attacker.example.net/p' instead of 'https://orders-weu.internal.contoso.com/partner'",
            "backends.yaml:24:6: other: backend 'partner-orders-neu' now sends requests to a value that holds a credential instead of 'https://orders-neu.internal.contoso.com/partner'",
            "backends.yaml:17:33: privilege increase: backend 'partner-orders-weu' no longer validates its certificate chain: a network attacker may pose as it",
            // The Redis connection string handed to a backend (the audit of the diff).
            "backends.yaml:16:5: privilege increase: backend 'partner-orders-weu' now sends header 'x-gateway-key' from secret 'redis-connection' instead of secret 'partner-orders-gateway-key', a secret it did not receive before",
            "other: backend 'partner-orders' now balances requests over 'partner-orders-weu' (priority 1), 'partner-orders-neu' (priority 3) instead of 'partner-orders-weu' (priority 1), 'partner-orders-neu' (priority 2)",
            "apis/orders.yaml:8:10: other: API 'orders' now sends requests to a value that holds a credential instead of 'https://orders.internal.contoso.com/api'",
        ], in: result.stdout)
        for format in ["text", "json", "markdown"] {
            let shown = try ToolProcess.run(["diff", BundleTests.contoso.path, head.path, "--format", format])
            XCTAssertEqual(shown.status, 0, shown.stderr)
            XCTAssertFalse(shown.stdout.contains(secret), "\(format) shows the credential: \(shown.stdout)")
        }
    }

    /// A backend's managed identity turned to another audience, in an environment's file
    /// alone: the gateway hands the backend a token for Azure Resource Manager. `diff` said
    /// 'other', which a privilege-increase gate let pass (found by the audit of
    /// environments and the bundle); it is a privilege increase.
    func testAManagedIdentityForAnotherAudienceIsAPrivilegeIncrease() throws {
        let base = try project([])
        let head = try project([])
        let prod = head.appendingPathComponent("environments/prod.yaml")
        let arm = "\n      managedIdentity: {resource: https://management.azure.com/}"
        try text(prod).replacingOccurrences(of: "partner-orders-client-certificate}", with: "partner-orders-client-certificate}" + arm)
            .write(to: prod, atomically: true, encoding: .utf8)
        let result = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        assertLines(ending: [
            "privilege increase: in environment 'prod', backend 'partner-orders-weu' now authenticates with the managed identity for 'https://management.azure.com/' instead of the one for 'api://contoso-orders'"
        ], in: result.stdout)
    }

    /// A managed identity's audience given by a named value that only an environment
    /// changes, and a user-assigned identity put in place of the gateway's own: `diff` said
    /// "no changes" for the first, as it compared the resource as written (found by the
    /// audit of environments and `diff`). Both hand the backend a token that may open more.
    func testAManagedIdentityChangedThroughANamedValueOrItsClientIdIsAPrivilegeIncrease() throws {
        let named: [(String, String, String)] = [
            ("backends.yaml", "managedIdentity: {resource: api://contoso-orders}", "managedIdentity: {resource: \"{{orders-audience}}\"}"),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  orders-audience: api://contoso-orders\n"),
        ]
        let base = try project(named)
        let head = try project(
            named + [("environments/prod.yaml", "    api-client-id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n", "    api-client-id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n    orders-audience: https://management.azure.com/\n")])
        let result = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(
            result.stdout.contains(
                "privilege increase: in environment 'prod', backend 'partner-orders-weu' now authenticates with the managed identity for 'https://management.azure.com/' instead of the one for 'api://contoso-orders'"),
            result.stdout)

        /// Contoso with its backends' identity assigned by `clientId`.
        func assigned(_ clientId: String) throws -> URL {
            try project([("backends.yaml", "managedIdentity: {resource: api://contoso-orders}", "managedIdentity: {resource: api://contoso-orders, clientId: \(clientId)}")])
        }
        let userAssigned = try assigned("11111111-2222-3333-4444-555555555555")
        let swapped = try ToolProcess.run(["diff", BundleTests.contoso.path, userAssigned.path, "--fail-on", "privilege-increase"])
        XCTAssertEqual(swapped.status, 1, swapped.stdout + swapped.stderr)
        XCTAssertTrue(
            swapped.stdout.contains(
                "privilege increase: backend 'partner-orders-weu' now authenticates with managed identity '11111111-2222-3333-4444-555555555555' for 'api://contoso-orders' instead of the gateway's own managed identity for 'api://contoso-orders'"),
            swapped.stdout)
        // The same GUID in capitals is the same identity (a false finding of the first version).
        let capitals = try assigned("11111111-2222-3333-4444-55555555555A")
        let lower = try assigned("11111111-2222-3333-4444-55555555555a")
        let same = try ToolProcess.run(["diff", capitals.path, lower.path, "--fail-on", "privilege-increase"])
        XCTAssertEqual(same.status, 0, same.stdout + same.stderr)
    }

    /// What the first version of the backend review missed (found by the audit of the
    /// fix): a backend renamed only in case (one APIM backend) was not compared at all; a
    /// pool turned into a service, and a backend added, showed none of what the service
    /// does; and a URL written through a named value never changed.
    func testTheBackendReviewFollowsRenamesPoolsAndNamedValues() throws {
        let head = try project([
            ("backends.yaml", "name: partner-orders-weu", "name: Partner-Orders-WEU"),
            ("backends.yaml", "{backend: partner-orders-weu, priority: 1}", "{backend: Partner-Orders-WEU, priority: 1}"),
            ("backends.yaml", "url: https://orders-weu.internal.contoso.com/partner", "url: https://{{weu-host}}/partner"),
            (
                "backends.yaml", "pool:\n  - {backend: Partner-Orders-WEU, priority: 1}\n  - {backend: partner-orders-neu, priority: 2}",
                "url: https://elsewhere.example.net/partner\ntls: {validateCertificateChain: false}\ncredentials:\n  headers:\n    x-gateway-key: {secret: partner-orders-gateway-key}"
            ),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  weu-host: evil.example.net\n"),
        ])
        for environment in ["dev", "test", "prod"] {
            let file = head.appendingPathComponent("environments/\(environment).yaml")
            try text(file).replacingOccurrences(of: "partner-orders-weu:", with: "Partner-Orders-WEU:").write(to: file, atomically: true, encoding: .utf8)
        }
        let base = try project([("gateway.yaml", "namedValues:\n", "namedValues:\n  weu-host: orders-weu.internal.contoso.com\n")])
        let result = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        assertLines(ending: [
            "privilege increase: backend 'Partner-Orders-WEU' now sends requests, with the credentials it carries, to another host: 'https://evil.example.net/partner' instead of 'https://orders-weu.internal.contoso.com/partner'",
            "other: backend 'partner-orders' is now one service instead of a pool",
            "other: backend 'partner-orders' now sends requests to 'https://elsewhere.example.net/partner'",
            "privilege increase: backend 'partner-orders' no longer validates its certificate chain: a network attacker may pose as it",
            // The pool's members sent it; the service, at another host, did not receive it.
            "privilege increase: backend 'partner-orders' now sends header 'x-gateway-key' from secret 'partner-orders-gateway-key', a secret it did not receive before",
        ], in: result.stdout)
        XCTAssertFalse(result.stdout.contains("balances requests"), "a name spelt in another case is the same member")
    }

    /// A rate limit keyed by a header bounds nothing before an introspection check: each
    /// request names a new counter. The per-IP budget on calls to the provider was left
    /// out as if it did, so made-up tokens could call the provider without end with the
    /// gateway's client secret (found by an audit against Microsoft's policy reference).
    func testAHeaderKeyedLimitDoesNotReplaceTheProviderCallBudget() throws {
        let budget = #"counter-key="@("partner-orders:list-partner-orders:introspection:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes(context.Request.IpAddress))))""#
        for (key, budgeted) in [("client", true), ("\"header:X-Client\"", true), ("ip", false)] {
            let head = try project([("apis/partner-orders.yaml", "rateLimit: {calls: 300, per: 60s, key: client}", "rateLimit: {calls: 300, per: 60s, key: \(key)}")])
            let out = directory.appendingPathComponent("bundle-\(UUID().uuidString)")
            let build = try ToolProcess.run(["build", head.path, "--out", out.path, "--quiet"])
            XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
            let policy = try text(out.appendingPathComponent("apim/apis/partner-orders/operations/list-partner-orders/policy.xml"))
            XCTAssertEqual(policy.contains(budget), budgeted, "\(key):\n\(policy)")
        }
    }

    /// The Markdown a workflow posts to the pull request quotes the definitions: a backend
    /// URL holding `![...](...)` and `<b>` showed an image and bold text in the bot's
    /// comment, and a backtick in a path broke its code span (found by a hostile audit);
    /// escaping left mentions, issue links and emoji (the audit of the fix), so messages are
    /// code spans, where GitHub renders nothing.
    func testTheMarkdownReportShowsTheDefinitionsTextAsText() throws {
        let hostile = "https://orders.internal.contoso.com/api?![Approved](https://attacker.example/ok.png)<b>LGTM</b>`x"
        let head = try project([("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api", "backend: \"\(hostile)\"")])
        try FileManager.default.moveItem(at: head, to: directory.appendingPathComponent("he`ad"))
        let result = try ToolProcess.run(["diff", BundleTests.contoso.path, "he`ad", "--format", "markdown"], in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        let row = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.hasPrefix("| other | ``API 'orders'") }, result.stdout)
        // A combining mark joins a backtick into one Swift character, but Markdown still
        // reads the backtick: the fence counted characters and ended early (the audit of the fix).
        let marked = try project([("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api", "backend: \"https://orders.internal.contoso.com/api?a``\\u0301@octocat|\\u0301``\\u0301b\"")])
        let markedDiff = try ToolProcess.run(["diff", BundleTests.contoso.path, marked.path, "--format", "markdown"])
        let markedRow = try XCTUnwrap(markedDiff.stdout.split(separator: "\n").first { $0.contains("API 'orders'") }, markedDiff.stdout)
        XCTAssertTrue(markedRow.hasPrefix("| other | ```API 'orders'"), String(markedRow))
        XCTAssertNotNil(Array(markedRow.utf8).firstRange(of: Array("@octocat\\|\u{301}``".utf8)), "the '|' before a mark is escaped too: \(markedRow)")
        XCTAssertEqual(
            String(row),
            #"| other | ``API 'orders' now sends requests to 'https://orders.internal.contoso.com/api?![Approved](https://attacker.example/ok.png)<b>LGTM</b>`x' instead of 'https://orders.internal.contoso.com/api'`` | ``he`ad/apis/orders.yaml:8:10`` |"#)
    }
}
