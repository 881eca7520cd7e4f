import Foundation
import XCTest

/// What `import` makes of an estate, through the executable: which statements become
/// fields (each must come back from the build as the estate wrote it, and what cannot stays
/// raw in its place), secrets it cannot export, and publisher configurations.
final class ImportTranslationTests: ImportTreeTestCase {
    /// A global policy that forwards every request, as APIM's default one does.
    static let plainGlobal = "<policies>\n  <inbound />\n  <backend>\n    <forward-request />\n  </backend>\n</policies>\n"

    /// A tree with one API of one operation, a product, a backend and a global policy.
    func writeTree(operation: String, product: String, global: String) throws {
        try write(#"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "subscriptionRequired": true}}"#, to: "apis/orders/apiInformation.json")
        try write(
            "openapi: 3.0.1\ninfo: {title: orders, version: '1'}\npaths:\n  /orders/{id}:\n    get:\n      operationId: getOrder\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n",
            to: "apis/orders/specification.yaml")
        try write(operation, to: "apis/orders/operations/getOrder/policy.xml")
        try write(#"{"properties": {"url": "https://orders-v2.example.com", "protocol": "http"}}"#, to: "backends/Orders_V2/backendInformation.json")
        try write(#"{"properties": {"displayName": "Partners", "subscriptionRequired": true, "state": "published"}}"#, to: "products/partners/productInformation.json")
        try write("{}", to: "products/partners/apis/orders/productApiInformation.json")
        try write(product, to: "products/partners/policy.xml")
        try write(global, to: "policy.xml")
    }

    func testStatementsRunningFirstInAFormTheBuildWritesBecomeFields() throws {
        try writeTree(
            operation: """
                <policies>
                    <inbound>
                        <base />
                        <ip-filter action="allow">
                            <address>203.0.113.7</address>
                            <address-range from="10.0.0.1" to="10.0.0.9" />
                        </ip-filter>
                        <set-header name="X-Api" exists-action="override">
                            <value>orders</value>
                        </set-header>
                        <set-header name="X-Debug" exists-action="delete" />
                        <rewrite-uri template="/v2/orders/{id}" copy-unmatched-params="false" />
                        <set-query-parameter name="source" exists-action="skip">
                            <value>gateway</value>
                        </set-query-parameter>
                        <set-backend-service backend-id="Orders_V2" />
                        <set-variable name="started" value="@(DateTime.UtcNow)" />
                    </inbound>
                    <backend>
                        <base />
                    </backend>
                    <outbound>
                        <base />
                        <set-header name="X-Powered-By" exists-action="delete" />
                    </outbound>
                </policies>
                """,
            product: "<policies>\n  <inbound>\n    <base />\n    <rate-limit calls=\"100\" renewal-period=\"60\" />\n    <quota calls=\"10000\" renewal-period=\"604800\" />\n  </inbound>\n</policies>\n",
            global: """
                <policies>
                  <inbound>
                    <cors allow-credentials="false" terminate-unmatched-request="false">
                      <allowed-origins><origin>https://app.contoso.com</origin></allowed-origins>
                      <allowed-methods preflight-result-max-age="300"><method>GET</method></allowed-methods>
                      <allowed-headers><header>Authorization</header></allowed-headers>
                    </cors>
                  </inbound>
                  <backend><forward-request /></backend>
                </policies>
                """)
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let section = try ImportRoundTripTests.importSection(result)
        XCTAssertEqual(section["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertEqual((section["statements"] as? [String: Int])?["highLevel"], 10, result.stdout)
        XCTAssertEqual((section["statements"] as? [String: Int])?["raw"], 1, result.stdout)

        let api = try read("apis/orders.yaml")
        for field in [
            "ipFilter:", #"- "203.0.113.7""#, #"- "10.0.0.1-10.0.0.9""#, "X-Api: orders", "remove:", "- X-Debug", "rewrite:", #"path: "/v2/orders/{id}""#,
            "keepQuery: false", "setIfMissing:", "source: gateway", "backend: Orders_V2", "response:", "- X-Powered-By",
        ] {
            XCTAssertTrue(api.contains(field), "'\(field)' is not in:\n\(api)")
        }
        // The statement no field gives back stays where it was, and only it.
        let operation = try read("policies/apis/orders/getOrder.xml")
        XCTAssertTrue(operation.contains(#"<set-variable name="started" value="@(DateTime.UtcNow)" />"#), operation)
        for taken in ["ip-filter", "set-header", "rewrite-uri", "set-query-parameter", "set-backend-service"] {
            XCTAssertFalse(operation.contains("<\(taken)"), "'\(taken)' is still raw:\n\(operation)")
        }
        let products = try read("products.yaml")
        XCTAssertTrue(products.contains("rateLimit:\n  calls: 100\n  per: \"60s\""), products)
        XCTAssertTrue(products.contains("quota:\n  calls: 10000\n  per: \"604800s\""), products)
        let gateway = try read("gateway.yaml")
        XCTAssertTrue(gateway.contains("cors:\n  allowedOrigins:\n    - \"https://app.contoso.com\"\n  allowedMethods:\n    - GET\n  preflightMaxAge: \"300s\""), gateway)
    }

    func testAStatementTheBuildWouldNotGiveBackStaysRaw() throws {
        // The header's value is an expression, and the limit counts by key: no field writes
        // either back, so both stay raw, and what follows them too.
        let operation = """
            <policies>
                <inbound>
                    <base />
                    <set-header name="X-Caller" exists-action="override">
                        <value>@(context.Request.IpAddress)</value>
                    </set-header>
                    <set-header name="X-Api" exists-action="override">
                        <value>orders</value>
                    </set-header>
                </inbound>
            </policies>
            """
        try writeTree(
            operation: operation,
            product: "<policies>\n  <inbound>\n    <base />\n    <rate-limit-by-key calls=\"10\" renewal-period=\"60\" counter-key=\"@(context.Subscription.Id)\" />\n  </inbound>\n</policies>\n",
            global: Self.plainGlobal)
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(try read("policies/apis/orders/getOrder.xml"), operation)
        XCTAssertTrue(
            result.stdout.contains(
                "raw: apis/orders/operations/getOrder/policy.xml: 1 'set-header' kept as raw policy: they are written in a form no field gives back"),
            result.stdout)
        XCTAssertTrue(
            result.stdout.contains("raw: apis/orders/operations/getOrder/policy.xml: 1 'set-header' kept as raw policy: they run after a statement kept raw"),
            result.stdout)
        XCTAssertTrue(result.stdout.contains("round trip: 3 policy documents come back unchanged; nothing differs"), result.stdout)
        XCTAssertFalse(try read("apis/orders.yaml").contains("request:"))
    }

    func testASecretStoredInAPIMBecomesAPlaceholderToResolveAndItsValueIsNeverWritten() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        let value = "s3cr3t-\(UUID().uuidString)"
        try write(#"{"properties": {"displayName": "partner-key", "secret": true, "value": "\#(value)"}}"#, to: "named values/partner-key/namedValueInformation.json")
        try write(
            #"{"properties": {"displayName": "vault-key", "secret": true, "keyVault": {"secretIdentifier": "https://demo-kv.vault.azure.net/secrets/vault-key"}}}"#,
            to: "named values/vault-key/namedValueInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertEqual(result.status, 1, "an unresolved secret is an error to resolve")
        XCTAssertTrue(result.stdout.contains("error: named values/partner-key: secret named value 'partner-key' is stored in APIM"), result.stdout)
        let gateway = try read("gateway.yaml")
        XCTAssertTrue(gateway.contains("partner-key:\n    keyVault: \"https://REPLACE-ME.vault.azure.net/secrets/partner-key\""), gateway)
        XCTAssertTrue(gateway.contains("vault-key:\n    keyVault: \"https://demo-kv.vault.azure.net/secrets/vault-key\""), gateway)
        let written = try FileManager.default.subpathsOfDirectory(atPath: directory.appendingPathComponent("out").path)
        for path in written {
            let text = (try? String(contentsOf: directory.appendingPathComponent("out/" + path), encoding: .utf8)) ?? ""
            XCTAssertFalse(text.contains(value), "\(path) holds the secret's value")
        }
        XCTAssertFalse(result.stdout.contains(value) || result.stderr.contains(value))
        // Published, the placeholder would replace the live secret with one no vault holds:
        // lint and build refuse it until it is replaced (found by an audit of import: both
        // passed).
        let build = try ToolProcess.run(["build", "out", "--out", "bundle"], in: directory)
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
        XCTAssertTrue(
            build.stdout.contains("out/gateway.yaml:7:15: error: 'keyVault' is the placeholder 'import' writes for a secret APIM keeps, which no vault holds [YS004]"), build.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("bundle").path))
        // A national cloud's user edits the suffix first; still the placeholder (found by
        // the next audit).
        let gatewayFile = directory.appendingPathComponent("out/gateway.yaml")
        try gateway.replacingOccurrences(of: "REPLACE-ME.vault.azure.net", with: "replace-me.vault.azure.cn").write(to: gatewayFile, atomically: true, encoding: .utf8)
        let sovereign = try ToolProcess.run(["lint", "out"], in: directory)
        XCTAssertEqual(sovereign.status, 1, sovereign.stdout + sovereign.stderr)
        XCTAssertTrue(sovereign.stdout.contains("error: 'keyVault' is the placeholder 'import' writes for a secret APIM keeps, which no vault holds [YS004]"), sovereign.stdout)
    }

    /// A resource named `portcullis` is read by the build: a walk skipped every
    /// `portcullis.yaml` as the configuration while the round trip, made in memory, read
    /// it, so the API went missing from the bundle after an import that exited 0 (an
    /// audit). Only the configuration where a walk starts is not definitions.
    func testAResourceNamedAsTheConfigurationIsReadByTheBuild() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        try write(#"{"properties": {"path": "portcullis", "serviceUrl": "https://gate.example.com"}}"#, to: "apis/portcullis/apiInformation.json")
        try write(
            "openapi: 3.0.1\ninfo: {title: gate, version: '1'}\npaths:\n  /gates:\n    get:\n      operationId: listGates\n      responses: {'200': {description: ok}}\n",
            to: "apis/portcullis/specification.yaml")
        try write("<policies>\n  <inbound><base /><set-header name=\"X-Gate\" exists-action=\"override\"><value>@(context.Request.Url.Path)</value></set-header></inbound>\n</policies>\n", to: "apis/portcullis/operations/listGates/policy.xml")
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertTrue(result.stdout.contains("nothing differs"), result.stdout)
        XCTAssertTrue(try read("apis/portcullis.yaml").contains("name: portcullis"))
        // Read: its route is judged (it takes no token), its document found.
        let lint = try ToolProcess.run(["lint", "out"], in: directory)
        XCTAssertFalse(lint.stderr.contains("skipped"), lint.stderr)
        XCTAssertFalse(lint.stdout.contains("RF001"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("out/apis/portcullis.yaml:9:9: error: route 'listGates' accepts requests without a token"), lint.stdout)
    }

    /// A product's quota renewed sooner than the language's field allows stays raw, where
    /// APIM's own range holds: as a field it failed RL002 (audit V55).
    func testALimitWhoseWindowNoFieldTakesStaysRaw() throws {
        try writeTree(
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n",
            product: "<policies>\n  <inbound>\n    <base />\n    <rate-limit calls=\"100\" renewal-period=\"60\" />\n    <quota calls=\"100\" renewal-period=\"60\" />\n  </inbound>\n</policies>\n",
            global: Self.plainGlobal)
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertTrue(result.stdout.contains("raw: products/partners/policy.xml: 1 'quota' kept as raw policy"), result.stdout)
        XCTAssertFalse(result.stdout.contains("RL002"), result.stdout)
        let product = try read("products.yaml")
        XCTAssertTrue(product.contains("rateLimit:\n  calls: 100\n  per: \"60s\""), product)
        XCTAssertFalse(product.contains("quota:"), product)
    }

    /// APIM names operations without case: an operation folder is the specification's
    /// operation whatever the case of either, and its policy comes along (audit V53: it was
    /// left out, the route without its token check).
    func testAnOperationFolderIsMatchedWithoutCase() throws {
        let check = "<validate-jwt header-name=\"Authorization\"><openid-config url=\"https://login.example.com/.well-known/openid-configuration\" /><audiences><audience>api://orders</audience></audiences></validate-jwt>"
        try writeTree(operation: "<policies>\n  <inbound><base />\(check)</inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        let folder = directory.appendingPathComponent("tree/apis/orders/operations")
        try FileManager.default.moveItem(at: folder.appendingPathComponent("getOrder"), to: folder.appendingPathComponent("getorder"))
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertFalse(result.stdout.contains("has a policy but no operation"), result.stdout)
        let definitions = try read("apis/orders.yaml")
        XCTAssertTrue(definitions.contains("policy: \"../policies/apis/orders/getOrder.xml\""), definitions)
        XCTAssertTrue(try read("policies/apis/orders/getOrder.xml").contains("<validate-jwt"))
    }

    /// The bundle always writes a global policy; a tree without the service's would have
    /// replaced it with one that only forwards requests, the import at 0 (an audit).
    func testATreeWithoutTheGlobalPolicyIsAnErrorToResolve() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("tree/policy.xml"))
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(
            result.stdout.contains(
                "error: policy.xml: the tree holds no global policy, so the bundle's, which only forwards requests, would replace the service's; extract it too, or write what it does in the gateway's 'policy'"),
            result.stdout)
    }

    func testAPublisherConfigurationBecomesAnEnvironment() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        try write(#"{"properties": {"displayName": "region", "value": "westeurope"}}"#, to: "named values/region/namedValueInformation.json")
        try write(
            """
            apimServiceName: contoso-prod
            namedValues:
              - name: Region
                properties: {value: northeurope}
              - name: REGION
                properties: {value: westus}
              - name: build-id
                properties: {value: "{#buildId#}"}
            backends:
              - name: orderſ_v2
                properties: {url: "https://orders-v2.prod.example.com"}
            apis:
              - name: Orders
                properties: {serviceUrl: "https://orders.prod.example.com"}
            loggers:
              - name: insights
                properties: {loggerType: applicationInsights}
            Policies:
              - name: policy
                properties: {format: rawxml}
            """, to: "../configuration.prod.yaml")
        let result = try ToolProcess.run(["import", "tree", "--configuration", "configuration.prod.yaml", "--out", "out"], in: directory)
        // Entries name resources in any letter case, as the publisher matches them; the
        // environment names them as the estate does (dropped, prod got dev's values: an audit).
        XCTAssertEqual(try read("environments/prod.yaml"), """
            # Imported from an APIOps tree by 'portcullis import'; edit freely.
            apiVersion: portcullis/v1
            kind: Environment
            name: prod
            gateway:
              namedValues:
                region: northeurope
            apis:
              orders:
                backend: "https://orders.prod.example.com"
            backends:
              Orders_V2:
                url: "https://orders-v2.prod.example.com"

            """)
        XCTAssertTrue(result.stdout.contains("not-imported: configuration.prod.yaml: 'loggers' overrides are not carried; keep them in the publisher configuration"), result.stdout)
        // Two entries for one resource would be one key twice (the audit of the change).
        XCTAssertTrue(
            result.stdout.contains(
                "error: configuration.prod.yaml: entries 'Region' and 'REGION' both override 'region', as the publisher matches names in any letter case; keep one"),
            result.stdout)
        // What the bundle writes may not stay there (RF009), whatever the key's case; a
        // policy's override decides what requests do, so dropping it is an error.
        XCTAssertTrue(
            result.stdout.contains("error: configuration.prod.yaml: 'Policies' overrides are not carried, and may not stay in the publisher configuration"),
            result.stdout)
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("not-imported: configuration.prod.yaml: named value 'build-id' is not one the import declared"), result.stdout)
        // The environment is checked with the rest: lint reads it without a front-end error.
        let lint = try ToolProcess.run(["lint", "out", "--format", "json"], in: directory)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any], lint.stderr)
        let codes = Set((report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
        XCTAssertTrue(codes.isSubset(of: ["LP001", "RL001"]), "\(codes)")
    }

    func testBackendsKeepTheirCredentialsTLSAndPoolsOrSayWhatIsLost() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        try write(
            #"{"properties": {"displayName": "func-key", "secret": true, "keyVault": {"secretIdentifier": "https://demo-kv.vault.azure.net/secrets/func-key"}}}"#,
            to: "named values/func-key/namedValueInformation.json")
        try write(
            #"{"properties": {"url": "https://func.example.com/api", "protocol": "http", "tls": {"validateCertificateChain": true}, "credentials": {"header": {"x-functions-key": ["{{func-key}}"]}}}}"#,
            to: "backends/func/backendInformation.json")
        try write(
            #"{"properties": {"type": "Pool", "pool": {"services": [{"id": "/backends/Orders_V2", "priority": 1, "weight": 3}, {"id": "/backends/func", "priority": 2}]}}}"#,
            to: "backends/both/backendInformation.json")
        try write(
            #"{"properties": {"url": "https://legacy.example.com", "protocol": "http", "credentials": {"header": {"x-key": ["plain-text"]}}, "proxy": {"url": "http://proxy"}}}"#,
            to: "backends/legacy/backendInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let section = try ImportRoundTripTests.importSection(result)
        // Carried properties come back in the backends' information files.
        XCTAssertEqual(section["differences"] as? [[String: String]], [], result.stdout)
        let backends = try read("backends.yaml")
        XCTAssertTrue(backends.contains("tls:\n  validateCertificateChain: true\ncredentials:\n  headers:\n    x-functions-key:\n      secret: func-key"), backends)
        XCTAssertTrue(backends.contains("pool:\n  - backend: Orders_V2\n    priority: 1\n    weight: 3\n  - backend: func\n    priority: 2"), backends)
        // A literal credential and a proxy have no field: each is an error to resolve, since
        // a bundle without them would change how APIM calls the backend.
        let notes = try XCTUnwrap(section["notes"] as? [[String: String]])
        for key in ["credentials", "proxy"] {
            XCTAssertTrue(
                notes.contains { $0["kind"] == "error" && $0["path"] == "backends/legacy" && ($0["message"] ?? "").contains("'\(key)'") }, "\(notes)")
        }
        XCTAssertFalse(backends.contains("plain-text"), backends)
        XCTAssertEqual(result.status, 1)
    }

    func testTheCurrentRevisionsNumberIsKeptSoTheBundleUpdatesIt() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        try write(
            #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "apiRevision": "3", "isCurrent": true}}"#,
            to: "apis/orders/apiInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        // The bundle writes revision 3, as the estate's current revision is: nothing differs.
        XCTAssertEqual(try ImportRoundTripTests.importSection(result)["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertTrue(try read("apis/orders.yaml").contains("\nrevision: 3\n"))
        // And a revision that is not a positive number is refused where it is written.
        try String(contentsOf: directory.appendingPathComponent("out/apis/orders.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "revision: 3", with: "revision: 0")
            .write(to: directory.appendingPathComponent("out/apis/orders.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "out"], in: directory)
        XCTAssertTrue(lint.stdout.contains("out/apis/orders.yaml:7:11: error: 'revision' must be between 1 and 9999, found 0 [YS004]"), lint.stdout)
    }

    func testATagsDisplayNameIsDeclaredOnTheGatewayAndComesBack() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        try write(#"{"properties": {"displayName": "Order management"}}"#, to: "tags/orders-team/tagInformation.json")
        try write("{}", to: "tags/orders-team/apis/orders/tagApiInformation.json")
        try write(#"{"properties": {"displayName": "billing"}}"#, to: "tags/billing/tagInformation.json")
        try write("{}", to: "tags/billing/products/partners/tagProductInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        // The bundle's tag information carries the display name: the round trip compares it.
        XCTAssertEqual(try ImportRoundTripTests.importSection(result)["differences"] as? [[String: String]], [], result.stdout)
        let gateway = try read("gateway.yaml")
        XCTAssertTrue(gateway.contains("tags:\n  orders-team:\n    displayName: \"Order management\"\n"), gateway)
        XCTAssertFalse(gateway.contains("billing:"), "a tag shown by its name needs no declaration:\n\(gateway)")
        XCTAssertTrue(try read("apis/orders.yaml").contains("tags:\n  - orders-team\n"))
    }

    func testAnUnpublishedProductStaysUnpublished() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        try write(#"{"properties": {"displayName": "Partners", "subscriptionRequired": true, "state": "notPublished"}}"#, to: "products/partners/productInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        // The bundle's product is 'notPublished' as the estate's is: the round trip compares 'state'.
        XCTAssertEqual(try ImportRoundTripTests.importSection(result)["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertTrue(try read("products.yaml").contains("\npublished: false\n"))
    }

    func testAnAPIThatAcceptsPlainHTTPKeepsItAndTheCheckerSaysSo() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        try write(
            #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "protocols": ["http", "https"]}}"#,
            to: "apis/orders/apiInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        XCTAssertEqual(try ImportRoundTripTests.importSection(result)["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertTrue(try read("apis/orders.yaml").contains("protocols:\n  - http\n  - https\n"))
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = (report["diagnostics"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "SE003" }
        XCTAssertEqual(findings.compactMap { $0["message"] as? String }, ["API 'orders' accepts requests over plain http"], result.stdout)
    }

    func testAnOperationUnderAPathNoRouteCanHaveIsAnErrorNotLostInSilence() throws {
        try writeTree(operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n", product: "<policies />\n", global: Self.plainGlobal)
        try write(
            "openapi: 3.0.1\ninfo: {title: orders, version: '1'}\npaths:\n  /orders/{id}:\n    get:\n      operationId: getOrder\n      responses: {'200': {description: ok}}\n"
                + "  /orders/{id}/{id}:\n    get:\n      operationId: getTwice\n      responses: {'200': {description: ok}}\n",
            to: "apis/orders/specification.yaml")
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(
            result.stdout.contains("error: apis/orders/specification.yaml: operation 'GET /orders/{id}/{id}' is under a path no route can have"),
            result.stdout)
    }
}
