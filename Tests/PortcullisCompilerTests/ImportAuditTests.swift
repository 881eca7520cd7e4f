import Foundation
import XCTest

/// Estates written to catch `import` out: a round trip that says nothing differs while the
/// bundle would change what APIM does, a secret written where it should not be, a note
/// that misleads, a raw document whose bytes change for nothing. Through the executable.
final class ImportAuditTests: ImportTreeTestCase {
    /// One API `orders` of one operation `getOrder` (whose policy is `operation`), behind
    /// `information`, and a global policy that forwards requests.
    func writeAPI(information: String, operation: String) throws {
        try write(information, to: "apis/orders/apiInformation.json")
        try write(
            "openapi: 3.0.1\ninfo: {title: orders, version: '1'}\npaths:\n  /orders/{id}:\n    get:\n      operationId: getOrder\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n",
            to: "apis/orders/specification.yaml")
        try write(operation, to: "apis/orders/operations/getOrder/policy.xml")
        try write(ImportTranslationTests.plainGlobal, to: "policy.xml")
    }

    static let orders = #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "subscriptionRequired": true}}"#

    func notes(_ section: [String: Any]) throws -> [[String: String]] {
        try XCTUnwrap(section["notes"] as? [[String: String]])
    }

    /// A path of the tree shows no token its names hold, in any format: a folder named with
    /// one showed in clear before the message that hid it (found by an audit of the
    /// thirty-fourth round).
    func testTheReportHidesATokenInAPathOfTheTree() throws {
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        try writeAPI(information: Self.orders, operation: "<policies><inbound><base /></inbound></policies>")
        try write(#"{"properties": {"displayName": "x", "value": "ok"}}"#, to: "named values/\(jwt)/namedValueInformation.json")
        try write(Self.orders, to: "apis/\(jwt)/apiInformation.json")
        for format in ["text", "json"] {
            let result = try ToolProcess.run(["import", "tree", "--out", "out-\(format)", "--format", format, "--allow-differences"], in: directory)
            XCTAssertTrue(result.stdout.contains("named values/(a value that holds a credential)"), result.stdout)
            XCTAssertFalse((result.stdout + result.stderr).contains("dozjgNry"), "\(format):\n\(result.stdout)\(result.stderr)")
        }
    }

    /// A property the build writes otherwise is quoted in the round trip's difference, and
    /// a control character before a token in it left the token in clear (audit V65).
    func testADifferenceQuotesNoTokenAfterAControlCharacter() throws {
        let information = #"{"properties": {"path": "orders", "displayName": "\u0007ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "serviceUrl": "https://orders.example.com"}}"#
        try writeAPI(information: information, operation: "<policies><inbound><base /></inbound></policies>")
        for format in ["text", "json"] {
            let result = try ToolProcess.run(["import", "tree", "--verify", "--format", format], in: directory)
            XCTAssertTrue(result.stdout.contains("displayName"), result.stdout)
            XCTAssertFalse((result.stdout + result.stderr).contains("aBcDeFgHiJkLmNoPqRsTuVwXyZ"), "\(format):\n\(result.stdout)\(result.stderr)")
        }
    }

    /// An API whose `serviceUrl` holds a function's key (`?code=`) and an operation policy
    /// that sends one: the import copies both into the project it writes (the first as the
    /// API's `backend`), lint finds them, and the import exited 0 (found by the audit of the
    /// forty-second round). A credential written out is an error to resolve.
    func testCredentialsTheImportCopiesAreErrorsToResolve() throws {
        let key = "Mv3Ek9Qz2LpX7sWc4RtY8uNb1Vf6Hg0JdA5oIeK3mZq="
        let information = #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com/api?code=\#(key)", "subscriptionRequired": true}}"#
        try writeAPI(information: information, operation: "<policies><inbound><base /></inbound></policies>")
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("written out (SE001 above); put each in a Key Vault secret before committing it\n"), result.stderr)
        XCTAssertFalse((result.stdout + result.stderr).contains(key), result.stdout + result.stderr)
    }

    /// A publisher configuration may make a plain named value a secret for its environment.
    /// The environment must not carry that secret's value as a plain named value: the bundle
    /// would publish it in clear, and the value would sit in the definitions.
    ///
    /// The publisher reads the properties' names in any letter case, as `lint` does; the
    /// import read `Secret: true` as no secret and wrote the value in clear (found by the
    /// audit of import).
    func testAConfigurationThatMakesANamedValueSecretDoesNotWriteItsValue() throws {
        // `yes` is true to YAML 1.1, and a second spelling set beside one that is not counts
        // (found by the audit of secrets).
        for spelling in [
            "value: \"VALUE\", secret: true", "Value: \"VALUE\", Secret: true", "value: \"VALUE\", secret: yes", "value: \"VALUE\", secret: false, Secret: true",
            // The flag in a second spelling of 'properties' (found by the audit of the fixes).
            "value: \"VALUE\"}\n    Properties: {secret: true",
            // A long s is an s to .NET's OrdinalIgnoreCase (found re-reading the
            // forty-third round's change).
            "value: \"VALUE\", ſecret: true",
        ] {
            // Each spelling on a tree of its own.
            try tearDownWithError()
            try setUpWithError()
            try secretOverrideIsNotWritten(spelling)
        }
    }

    /// A named value of the tree marked secret with `"Secret": true` (Resource Manager
    /// reads property names in any case), `"secret": "true"` or a second spelling was
    /// imported as a plain named value, its value written into `gateway.yaml` (found by the
    /// audit of secrets; `--allow-differences` wrote the second too). A key given twice,
    /// in any letter case, makes the file unreadable: which value Resource Manager keeps
    /// is not certain (the audit of the fixes).
    func testATreeNamedValueMarkedSecretInAnySpellingIsNotWritten() throws {
        // `ſecret` (a long s) is `secret` to .NET's OrdinalIgnoreCase, which compares upper
        // cases; compared in lower case it was not, and the value was written (found
        // re-reading the forty-third round's change).
        for spelling in [#""Secret": true"#, #""secret": "true""#, #""secret": false, "SECRET": true"#, #""secret": false, "secret": true"#, #""ſecret": true"#] {
            try tearDownWithError()
            try setUpWithError()
            try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
            // Letters alone: a value shaped as a generated key is kept out of the YAML by its
            // shape whatever the flag says, and would prove nothing here.
            let value = "tree-plain-" + UUID().uuidString.filter(\.isLetter).lowercased()
            try write(
                #"{"properties": {"displayName": "partner-key", "value": "\#(value)", \#(spelling)}}"#, to: "named values/partner-key/namedValueInformation.json")
            let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json", "--allow-differences"], in: directory)
            XCTAssertFalse(result.stdout.contains(value) || result.stderr.contains(value), spelling)
            for path in try FileManager.default.subpathsOfDirectory(atPath: directory.appendingPathComponent("out").path) {
                let text = (try? String(contentsOf: directory.appendingPathComponent("out/" + path), encoding: .utf8)) ?? ""
                XCTAssertFalse(text.contains(value), "\(spelling): \(path) holds the secret's value")
            }
            let gateway = try read("gateway.yaml")
            if spelling.lowercased().components(separatedBy: "\"secret\"").count > 2 {
                XCTAssertTrue(result.stdout.contains("the key 'secret' is given twice (letter case aside)") || result.stdout.contains("the key 'SECRET' is given twice"), result.stdout)
            } else {
                XCTAssertTrue(gateway.contains("secrets:\n  partner-key:\n    keyVault: "), "\(spelling): \(gateway)")
            }
        }
    }

    private func secretOverrideIsNotWritten(_ spelling: String) throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "partner-key", "value": "dev-key"}}"#, to: "named values/partner-key/namedValueInformation.json")
        // Letters alone: a value shaped as a generated key is never written whatever the
        // flag says, and would prove nothing here.
        let value = "prod-plain-" + UUID().uuidString.filter(\.isLetter).lowercased()
        try write(
            """
            namedValues:
              - name: partner-key
                properties: {\(spelling.replacingOccurrences(of: "VALUE", with: value))}
            """, to: "../configuration.prod.yaml")
        let result = try ToolProcess.run(
            ["import", "tree", "--configuration", "configuration.prod.yaml", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(
            notes.contains {
                $0["kind"] == "error" && $0["path"] == "configuration.prod.yaml" && ($0["message"] ?? "").contains("named value 'partner-key' is a secret in 'prod'")
            }, "\(notes)")
        XCTAssertEqual(result.status, 1, "a secret to move to Key Vault is an error to resolve")
        XCTAssertFalse(result.stdout.contains(value) || result.stderr.contains(value))
        for path in try FileManager.default.subpathsOfDirectory(atPath: directory.appendingPathComponent("out").path) {
            let text = (try? String(contentsOf: directory.appendingPathComponent("out/" + path), encoding: .utf8)) ?? ""
            XCTAssertFalse(text.contains(value), "\(path) holds the secret's value")
        }
    }

    /// `serviceUrl` with a `set-backend-service` to a backend in the API's policy is how
    /// most estates send an API to a backend. As a field, the backend takes the serviceUrl's
    /// place and the API's information would change; kept raw, everything comes back.
    func testABackendTheAPIInformationCannotKeepStaysRawInsteadOfFailingTheRoundTrip() throws {
        try writeAPI(
            information: Self.orders,
            operation: "<policies>\n  <inbound>\n    <base />\n  </inbound>\n  <backend>\n    <base />\n  </backend>\n</policies>\n")
        let policy = "<policies>\n  <inbound>\n    <base />\n    <set-backend-service backend-id=\"Orders_V2\" />\n  </inbound>\n  <backend>\n    <base />\n  </backend>\n</policies>\n"
        try write(policy, to: "apis/orders/policy.xml")
        try write(#"{"properties": {"url": "https://orders-v2.example.com", "protocol": "http"}}"#, to: "backends/Orders_V2/backendInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let section = try ImportRoundTripTests.importSection(result)
        XCTAssertEqual(section["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertEqual(result.status, 0, result.stdout)
        XCTAssertEqual(try read("policies/apis/orders.xml"), policy)
        XCTAssertTrue(try read("apis/orders.yaml").contains("backend: \"https://orders.example.com\""))
    }

    /// The build sends an API without a policy of its own to its backend, the estate's
    /// `serviceUrl`, by a `set-backend-service` in a new API policy. The round trip took that
    /// for what APIM does anyway and said nothing differs, while the statement overrode the
    /// global policy's regional backends, which then never ran (found by the audit of
    /// import). Where a policy on the way sets a backend, it is a difference.
    func testAnAddedBackendStatementThatOverridesTheEstatesIsADifference() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(
            """
            <policies>
              <inbound>
                <choose>
                  <when condition="@(context.Deployment.Region == &quot;West US&quot;)">
                    <set-backend-service base-url="https://orders-us.example.com/" />
                  </when>
                </choose>
              </inbound>
              <backend>
                <forward-request />
              </backend>
            </policies>

            """, to: "policy.xml")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let section = try ImportRoundTripTests.importSection(result)
        let differences = try XCTUnwrap(section["differences"] as? [[String: String]], result.stdout)
        XCTAssertTrue(
            differences.contains { $0["path"] == "apim/apis/orders/policy.xml" && ($0["message"] ?? "").contains("'set-backend-service' in 'inbound'") },
            "\(differences)")
        XCTAssertEqual(result.status, 1, result.stdout)
        // A comment that names the statement sets no backend (a false difference of the
        // first version, found by the audit of the fixes).
        try write("<policies>\n  <!-- set-backend-service is set per API -->\n  <inbound />\n  <backend>\n    <forward-request />\n  </backend>\n</policies>\n", to: "policy.xml")
        let commented = try ToolProcess.run(["import", "tree", "--out", "again", "--format", "json"], in: directory)
        let again = try XCTUnwrap(try ImportRoundTripTests.importSection(commented)["differences"] as? [[String: String]], commented.stdout)
        XCTAssertFalse(again.contains { $0["path"] == "apim/apis/orders/policy.xml" }, "\(again)")
    }

    /// A publisher configuration's overrides that decide who gets in were dropped with a
    /// note and exit 0: production published the estate's open API and product, and a
    /// secret overridden by a value kept the estate's Key Vault reference (found by the
    /// audit of import). They are errors to resolve now.
    func testDroppedOverridesThatDecideAccessAreErrors() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "backend-key", "secret": true, "keyVault": {"secretIdentifier": "https://dev-kv.vault.azure.net/secrets/backend-key"}}}"#, to: "named values/backend-key/namedValueInformation.json")
        try write(
            """
            namedValues:
              - name: backend-key
                properties: {value: "{#backendKey#}"}
            apis:
              - name: orders
                properties: {subscriptionRequired: true}
            products:
              - name: starter
                properties: {approvalRequired: true}
            """, to: "../configuration.prod.yaml")
        let result = try ToolProcess.run(["import", "tree", "--configuration", "configuration.prod.yaml", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        for (start, what) in [("secret 'backend-key'", "secret"), ("overrides of API 'orders'", "API"), ("'products' overrides", "product")] {
            XCTAssertTrue(notes.contains { $0["kind"] == "error" && ($0["message"] ?? "").hasPrefix(start) }, "\(what): \(notes)")
        }
        XCTAssertEqual(result.status, 1, result.stdout)
    }

    /// The publisher merges an override whole, and walks the resources below an entry: an
    /// API's `policies` and `operations`, a backend's `tls`, a Key Vault identity were
    /// dropped with exit 0, so production lost its own IP filter and certificate checks
    /// (found by an audit of import). Each is an error to resolve; a display name is a note.
    func testOverridesTheEnvironmentCannotCarryAreErrors() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"url": "https://orders-v2.example.com", "protocol": "http", "tls": {"validateCertificateChain": false}}}"#, to: "backends/b1/backendInformation.json")
        try write(#"{"properties": {"displayName": "region", "value": "westeurope"}}"#, to: "named values/region/namedValueInformation.json")
        try write(
            """
            namedValues:
              - name: region
                properties: {value: northeurope, displayName: Region, keyVault: {identityClientId: 00000000-0000-0000-0000-000000000001}}
            backends:
              - name: b1
                properties: {url: "https://orders-prod.example.com", tls: {validateCertificateChain: true}}
            apis:
              - name: orders
                properties: {serviceUrl: "https://orders-prod.example.com"}
                policies:
                  - name: policy
                    properties: {format: rawxml, value: '<policies><inbound><base /><ip-filter action="allow"><address-range from="10.0.0.0" to="10.0.0.255" /></ip-filter></inbound></policies>'}
            """, to: "../configuration.prod.yaml")
        let result = try ToolProcess.run(["import", "tree", "--configuration", "configuration.prod.yaml", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        let errors = notes.filter { $0["kind"] == "error" }.compactMap { $0["message"] }
        for expected in [
            "overrides below 'apis' entry 'orders' ('policies') are not carried, so 'prod' would get the estate's",
            "overrides of backend 'b1' other than 'url' are not carried ('tls'), so 'prod' would get the estate's",
            "overrides of the Key Vault reference of named value 'region' other than 'secretidentifier' are not carried ('identityclientid')",
        ] {
            XCTAssertTrue(errors.contains { $0.hasPrefix(expected) }, "\(expected):\n" + errors.joined(separator: "\n"))
        }
        XCTAssertTrue(notes.contains { $0["kind"] == "not-imported" && $0["message"] == "overrides of named value 'region' of 'displayname' are not carried" }, "\(notes)")
        XCTAssertEqual(result.status, 1, result.stdout)
    }

    /// An API whose version set the tree does not hold lost its version with a note and
    /// exit 0, and its routes moved from `/orders/v1/x` to `/orders/x`: the round trip
    /// compares only what the build writes (found by an audit of import).
    func testAnAPIWhoseVersionSetIsMissingIsAnError() throws {
        try writeAPI(
            information: #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "apiVersion": "v1", "apiVersionSetId": "/apiVersionSets/orders-set"}}"#,
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(
            notes.contains { $0["kind"] == "error" && $0["message"] == "API 'orders' belongs to version set 'orders-set' ('apiVersionSetId', 'apiVersion'), which the tree does not hold, so its routes would move to other URLs; export the version set too" },
            "\(notes)")
        XCTAssertEqual(result.status, 1, result.stdout)
    }

    /// An API that names its version set in another case than the tree's folder spells it
    /// names that set, as APIM takes it: the error said the tree did not hold it (found by
    /// an audit of import), and now says how to spell it, as for a product's link.
    func testAVersionSetNamedInAnotherCaseIsNamedAsSuch() throws {
        try write(#"{"properties": {"displayName": "Orders", "versioningScheme": "Segment"}}"#, to: "version sets/orders-set/versionSetInformation.json")
        try writeAPI(
            information: #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "apiVersion": "v1", "apiVersionSetId": "/apiVersionSets/Orders-Set"}}"#,
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(
            notes.contains { $0["kind"] == "error" && $0["message"] == "API 'orders' names version set 'Orders-Set', which is version set 'orders-set' spelt in another case; spell 'apiVersionSetId' as the folder does" },
            "\(notes)")
        XCTAssertEqual(result.status, 1, result.stdout)
    }

    /// A product's link to an API spelt in another case names that API (APIM takes names
    /// without case); it was dropped with a note saying the API was not imported, and the
    /// product kept its limits with no API (found by an audit of import).
    func testAProductLinkSpeltInAnotherCaseIsAnError() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "Starter", "subscriptionRequired": true, "state": "published"}}"#, to: "products/starter/productInformation.json")
        try write("{}", to: "products/starter/apis/Orders/productApiInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(
            notes.contains { $0["kind"] == "error" && $0["message"] == "product 'starter' lists API 'Orders', which is API 'orders' spelt in another case; rename the link's folder to 'orders'" },
            "\(notes)")
        XCTAssertEqual(result.status, 1, result.stdout)
    }

    /// Information properties spelt in another letter case (`"Path"`, `"State"`), which
    /// Resource Manager and the publisher read as they read `"path"`, were dropped with a
    /// "not carried" note while the round trip said nothing differs: the bundle moved the API
    /// to another path and out of its version set, and left the product unpublished, without
    /// its approval or its limit (found by an audit of import). They are carried.
    func testInformationPropertiesInAnotherLetterCaseAreCarried() throws {
        try write(#"{"properties": {"displayName": "Orders", "versioningScheme": "Segment"}}"#, to: "version sets/orders-set/versionSetInformation.json")
        try writeAPI(
            information:
                #"{"properties": {"Path": "legacy/orders", "ServiceUrl": "https://orders.example.com", "SubscriptionRequired": true, "ApiVersionSetId": "/apiVersionSets/orders-set", "ApiVersion": "v1"}}"#,
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(
            #"{"properties": {"DisplayName": "Starter", "State": "published", "SubscriptionRequired": true, "ApprovalRequired": true, "SubscriptionsLimit": 1}}"#,
            to: "products/starter/productInformation.json")
        try write("{}", to: "products/starter/apis/orders/productApiInformation.json")
        try write(
            #"{"properties": {"Url": "https://b.example.com", "Protocol": "http", "Tls": {"ValidateCertificateChain": false, "validateCertificateName": false}}}"#,
            to: "backends/b/backendInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let section = try ImportRoundTripTests.importSection(result)
        XCTAssertEqual(section["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertEqual(try notes(section).filter { $0["kind"] == "error" || ($0["message"] ?? "").contains("not carried") }, [])
        XCTAssertEqual(result.status, 0, result.stdout)
        let api = try read("apis/orders.yaml")
        XCTAssertTrue(api.contains("path: legacy/orders\n") && api.contains("version:\n  set: orders-set\n  name: v1\n"), api)
        let product = try read("products.yaml")
        XCTAssertTrue(product.contains("approvalRequired: true\nsubscriptionsLimit: 1\n") && !product.contains("published: false"), product)
        XCTAssertTrue(try read("backends.yaml").contains("validateCertificateChain: false"))
    }

    /// What the bundle would drop while APIM's behaviour depends on it is an error in any
    /// letter case: custom subscription key names, a backend's credentials and circuit
    /// breaker spelt `"SubscriptionKeyParameterNames"`, `"Credentials"`, `"CircuitBreaker"`
    /// were noted as not carried and the import exited 0 (found by an audit of import).
    func testWhatTheBundleWouldDropIsAnErrorInAnyLetterCase() throws {
        try writeAPI(
            information:
                #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "SubscriptionKeyParameterNames": {"header": "X-Key", "query": "key"}}}"#,
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(
            #"{"properties": {"url": "https://b.example.com", "protocol": "http", "Credentials": {"header": {"x-key": ["{{k}}"]}}, "CircuitBreaker": {"rules": [{"name": "cb", "tripDuration": "PT1M"}]}}}"#,
            to: "backends/b/backendInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let errors = try notes(try ImportRoundTripTests.importSection(result)).filter { $0["kind"] == "error" }
        for (path, key) in [("apis/orders", "'subscriptionKeyParameterNames'"), ("backends/b", "'credentials'"), ("backends/b", "'circuitBreaker'")] {
            XCTAssertTrue(errors.contains { $0["path"] == path && ($0["message"] ?? "").contains(key) }, "\(key) of \(path): \(errors)")
        }
        XCTAssertEqual(result.status, 1, result.stdout)
    }

    /// The round trip compares each property the build writes with the estate's spelt in
    /// any letter case: a backend's `"Protocol": "soap"`, which the bundle writes as `http`,
    /// was a note beside "nothing differs" (found by an audit of import).
    func testTheRoundTripComparesPropertiesInAnyLetterCase() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"url": "https://b.example.com", "Protocol": "soap"}}"#, to: "backends/b/backendInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertTrue(
            result.stdout.contains("differs: backends/b/backendInformation.json: property 'protocol' was 'soap', the build writes 'http'\n"), result.stdout)
        XCTAssertEqual(result.status, 1)
    }

    /// A property given twice in one file, in two letter cases, is an error rather than one
    /// spelling silently winning: which value Resource Manager keeps is not certain.
    func testAPropertyGivenInTwoLetterCasesIsAnError() throws {
        try writeAPI(
            information: #"{"properties": {"path": "orders", "Path": "legacy/orders", "serviceUrl": "https://orders.example.com"}}"#,
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(
            notes.contains {
                $0["kind"] == "error" && $0["path"] == "apis/orders/apiInformation.json" && ($0["message"] ?? "").contains("the key 'Path' is given twice (letter case aside)")
            }, "\(notes)")
        XCTAssertEqual(result.status, 1)
    }

    /// A named value not marked secret whose value is a credential (a storage connection
    /// string with its key) was copied into plain YAML, in the project and in an
    /// environment's file (found by an audit of import). Its value is never written now;
    /// nor is a bare generated key, an Azure Functions key or a Logic App's `sig` (found by
    /// the next audit). A GUID and words run together are kept.
    func testACredentialInAPlainNamedValueIsNeverWritten() throws {
        let key = "dGhpcyBpcyBhIHNlY3JldCBrZXkgZm9yIHRlc3Rpbmc="
        let functionKey = "q7Xm2PzR9vKc4TbW8nYh3JdLs6FgA1eQoU5iVxZyNwBk0CtMpH7r=="
        let signature = "Xc7mI1fXh8h9kZq3mLq0c8_ZkRkC5mP9vO5x8L5nQ0E"
        try write(#"{"properties": {"displayName": "fn-code", "value": "\#(functionKey)"}}"#, to: "named values/fn-code/namedValueInformation.json")
        try write(#"{"properties": {"displayName": "logic-sig", "value": "\#(signature)"}}"#, to: "named values/logic-sig/namedValueInformation.json")
        try write(#"{"properties": {"displayName": "tenant", "value": "72f988bf-86f1-41af-91ab-2d7cd011db47"}}"#, to: "named values/tenant/namedValueInformation.json")
        try write(#"{"properties": {"displayName": "endpoint", "value": "ContosoOrdersProductionEndpointWestEurope2024"}}"#, to: "named values/endpoint/namedValueInformation.json")
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "storage", "value": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=\#(key);EndpointSuffix=core.windows.net"}}"#, to: "named values/storage/namedValueInformation.json")
        try write(#"{"properties": {"displayName": "region", "value": "westeurope"}}"#, to: "named values/region/namedValueInformation.json")
        try write(
            """
            namedValues:
              - name: region
                properties: {value: "Server=db;User Id=app;Password=Pr0d-\(key)"}
            """, to: "../configuration.prod.yaml")
        let result = try ToolProcess.run(["import", "tree", "--configuration", "configuration.prod.yaml", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        let errors = notes.filter { $0["kind"] == "error" }.compactMap { $0["message"] }
        XCTAssertTrue(errors.contains { $0.hasPrefix("named value 'storage' is not marked secret but holds what looks like a credential, so its value is not written") }, errors.joined(separator: "\n"))
        XCTAssertTrue(errors.contains { $0.hasPrefix("named value 'region' holds what looks like a credential in 'prod', so its value is not imported") }, errors.joined(separator: "\n"))
        for name in ["fn-code", "logic-sig"] {
            XCTAssertTrue(errors.contains { $0.hasPrefix("named value '\(name)' is not marked secret but holds what looks like a credential") }, errors.joined(separator: "\n"))
        }
        XCTAssertFalse(errors.contains { $0.contains("'tenant'") || $0.contains("'endpoint'") }, errors.joined(separator: "\n"))
        XCTAssertEqual(result.status, 1, result.stdout)
        for file in ["gateway.yaml", "environments/prod.yaml"] {
            for written in [key, functionKey, signature] { XCTAssertFalse(try read(file).contains(written), file) }
        }
        XCTAssertTrue(try read("gateway.yaml").contains("ContosoOrdersProductionEndpointWestEurope2024"))
        XCTAssertFalse(result.stdout.contains(key) || result.stderr.contains(key))
    }

    /// A product without `state` is one APIM keeps unpublished; the import made it
    /// published (found by the audit of import).
    func testAProductWithoutAStateStaysUnpublished() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "Starter", "subscriptionRequired": true, "subscriptionsLimit": 1}}"#, to: "products/starter/productInformation.json")
        try write(#"[{"name": "orders"}]"#, to: "products/starter/apis.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        XCTAssertEqual(try ImportRoundTripTests.importSection(result)["differences"] as? [[String: String]], [], result.stdout)
        let product = try read("products.yaml")
        XCTAssertTrue(product.contains("published: false") && product.contains("subscriptionsLimit: 1"), product)
    }

    /// `"state": "Published"` is published: APIM reads the state in any letter case, and
    /// the import made such a product unpublished (found by the audit of the fixes).
    func testAProductPublishedInCapitalsStaysPublished() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "Starter", "subscriptionRequired": true, "state": "Published"}}"#, to: "products/starter/productInformation.json")
        try write(#"[{"name": "orders"}]"#, to: "products/starter/apis.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        XCTAssertEqual(try ImportRoundTripTests.importSection(result)["differences"] as? [[String: String]], [], result.stdout)
        let product = try read("products.yaml")
        XCTAssertFalse(product.contains("published: false"), product)
    }

    /// Properties the build does not write are said, never dropped in silence: a backend's
    /// title, a version set the tree does not have, what a group or a version set has beyond
    /// what the language carries. A fragment's `format` says nothing: the publisher sends
    /// its policy file as raw XML whatever it says.
    func testEveryPropertyTheBuildDoesNotWriteIsReported() throws {
        try writeAPI(
            information: #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "subscriptionRequired": true, "apiVersionSetId": "/apiVersionSets/gone", "apiVersion": "v2"}}"#,
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"url": "https://orders-v2.example.com", "protocol": "http", "title": "Orders v2"}}"#, to: "backends/Orders_V2/backendInformation.json")
        try write(#"{"properties": {"displayName": "Partners", "type": "custom", "externalId": "aad://contoso/groups/1"}}"#, to: "groups/partners/groupInformation.json")
        try write(#"{"properties": {"description": "f", "format": "rawxml"}}"#, to: "policy fragments/stamp/policyFragmentInformation.json")
        try write("<fragment><set-header name=\"X-Stamp\" exists-action=\"override\"><value>1</value></set-header></fragment>", to: "policy fragments/stamp/policy.xml")
        try write(#"{"properties": {"displayName": "Orders", "versioningScheme": "Segment", "owner": "team"}}"#, to: "version sets/orders-set/versionSetInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        for (folder, key) in [
            ("backends/Orders_V2", "title"), ("apis/orders", "apiVersionSetId"), ("apis/orders", "apiVersion"), ("groups/partners", "externalId"),
            ("version sets/orders-set", "owner"),
        ] {
            XCTAssertTrue(
                // A missing version set is an error: the API's routes would move to other URLs.
                notes.contains { $0["kind"] == (folder == "apis/orders" ? "error" : "not-imported") && $0["path"] == folder && ($0["message"] ?? "").contains("'\(key)'") },
                "'\(key)' of \(folder) is dropped without a note: \(notes)")
        }
        XCTAssertFalse(notes.contains { $0["path"] == "policy fragments/stamp" && $0["kind"] == "not-imported" }, "\(notes)")
    }

    /// A statement taken into a field leaves the lines around it as they were: CRLF line
    /// ends, tabs, white space after it, and statements sharing its line.
    func testTakingAStatementKeepsTheRestOfTheDocumentByteForByte() throws {
        func document(_ lines: [String]) -> String { lines.joined(separator: "\r\n") + "\r\n" }
        let operation = document([
            "<policies>", "\t<inbound>", "\t\t<base />", "\t\t<set-header name=\"X-A\" exists-action=\"override\">", "\t\t\t<value>a</value>",
            "\t\t</set-header>\t ", "\t\t<set-header name=\"X-B\" exists-action=\"delete\" /><set-variable name=\"v\" value=\"1\" />",
            "\t\t<set-variable name=\"w\" value=\"2\" />", "\t</inbound>",
            "\t<outbound><base /><set-header name=\"X-C\" exists-action=\"delete\" /> <!-- kept --><set-variable name=\"o\" value=\"1\" /></outbound>",
            "</policies>",
        ])
        try writeAPI(information: Self.orders, operation: operation)
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let section = try ImportRoundTripTests.importSection(result)
        XCTAssertEqual(section["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertEqual((section["statements"] as? [String: Int])?["highLevel"], 3, result.stdout)
        XCTAssertEqual(
            try read("policies/apis/orders/getOrder.xml"),
            document([
                "<policies>", "\t<inbound>", "\t\t<base />", "\t\t<set-variable name=\"v\" value=\"1\" />", "\t\t<set-variable name=\"w\" value=\"2\" />",
                "\t</inbound>", "\t<outbound><base /> <!-- kept --><set-variable name=\"o\" value=\"1\" /></outbound>", "</policies>",
            ]))
    }

    /// A difference inside an object property names the entry that differs, not only
    /// "was an object, the build writes an object".
    func testADifferenceInsideAnObjectPropertyNamesTheEntry() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(
            #"{"properties": {"displayName": "vault-key", "secret": true, "keyVault": {"secretIdentifier": "https://demo-kv.vault.azure.net/secrets/vault-key", "identityClientId": "5d3f8b1e-0000-4000-8000-000000000001"}}}"#,
            to: "named values/vault-key/namedValueInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out"], in: directory)
        XCTAssertTrue(
            result.stdout.contains(
                "differs: named values/vault-key/namedValueInformation.json: property 'keyVault.identityClientId' was '5d3f8b1e-0000-4000-8000-000000000001', the build writes none"),
            result.stdout)
        XCTAssertEqual(result.status, 1)
    }

    /// The import says of every named value the language refuses for starting with '@'
    /// what it says of `@(...)`: the lint of the written project would fail on any of them.
    func testANamedValueStartingWithAtIsAnErrorToResolveLikeAnExpression() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "handle", "value": " @contoso"}}"#, to: "named values/handle/namedValueInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(
            notes.contains { $0["kind"] == "error" && $0["path"] == "named values/handle" && ($0["message"] ?? "").contains("starts with '@'") }, "\(notes)")
        XCTAssertEqual(result.status, 1)
        let lint = try ToolProcess.run(["lint", "out"], in: directory)
        XCTAssertTrue(lint.stdout.contains("named value 'handle' starts with '@'"), lint.stdout)
    }

    /// A pool member's priority or weight that no integer holds is a difference to report,
    /// not a crash.
    func testAPoolWeightNoIntegerHoldsIsReportedNotACrash() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"url": "https://a.example.com", "protocol": "http"}}"#, to: "backends/a/backendInformation.json")
        try write(
            #"{"properties": {"type": "Pool", "pool": {"services": [{"id": "/backends/a", "priority": 1e300, "weight": 2.5}]}}}"#,
            to: "backends/both/backendInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        let differences = try XCTUnwrap(try ImportRoundTripTests.importSection(result)["differences"] as? [[String: String]])
        XCTAssertTrue(
            differences.contains { $0["path"] == "backends/both/backendInformation.json" && ($0["message"] ?? "").contains("property 'pool.services[0].priority' was 1e+300, the build writes none") }, "\(differences)")
    }

    /// `authenticationSettings` is left out in silence only while it is empty: an API's
    /// OAuth 2 or OpenID server is a property the bundle would drop.
    func testAnAPIsAuthorizationServerIsReportedAndOnlyEmptySettingsAreQuiet() throws {
        try writeAPI(
            information: #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "authenticationSettings": {"oAuth2": {"authorizationServerId": "contoso-auth"}}}}"#,
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "P", "authenticationSettings": {"oAuth2AuthenticationSettings": [], "openid": null}}}"#, to: "products/p/productInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(notes.contains { $0["path"] == "apis/orders" && ($0["message"] ?? "").contains("'authenticationSettings'") }, "\(notes)")
        XCTAssertFalse(notes.contains { $0["path"] == "products/p" && ($0["message"] ?? "").contains("'authenticationSettings'") }, "\(notes)")
    }

    /// A publisher configuration's `{#token#}` is replaced by the pipeline at deployment,
    /// wherever it stands: a backend's URL and an API's serviceUrl are left for the team to
    /// set, as a named value's are, not written where the lint refuses them as URLs.
    func testAPipelineTokenInABackendOrServiceURLIsLeftToTheTeam() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"url": "https://orders-v2.example.com", "protocol": "http"}}"#, to: "backends/Orders_V2/backendInformation.json")
        try write(
            """
            backends:
              - name: Orders_V2
                properties: {url: "{# ordersV2Url #}"}
            apis:
              - name: orders
                properties: {serviceUrl: "https://svc:Pw{#Hunter10@{#ordersHost#}/api"}
            """, to: "../configuration.prod.yaml")
        let result = try ToolProcess.run(
            ["import", "tree", "--configuration", "configuration.prod.yaml", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        for (what, token) in [("the 'url' of backend 'Orders_V2'", "{#ordersV2Url#}"), ("the 'serviceUrl' of API 'orders'", "{#ordersHost#}")] {
            // An error: left out, the environment would keep the estate's value (found by an
            // audit of import: production was sent to the estate's backends).
            XCTAssertTrue(
                notes.contains { $0["kind"] == "error" && ($0["message"] ?? "") .contains("\(what) holds the pipeline token '\(token)';") },
                "\(what): \(notes)")
        }
        // The note names the token, never the rest of the value, which may be a credential
        // (found by a hostile audit: a connection string's key was quoted whole).
        XCTAssertFalse(result.stdout.contains("Hunter10"), result.stdout)
        XCTAssertFalse(try read("environments/prod.yaml").contains("{#"))
        let lint = try ToolProcess.run(["lint", "out", "--format", "json"], in: directory)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any], lint.stderr)
        let codes = Set((report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
        XCTAssertTrue(codes.isSubset(of: ["LP001", "RL001"]), "\(codes)")
    }

    /// The lint in the import's report is what `lint` says of the written project, the
    /// environments' findings included.
    func testTheImportsLintIsTheLintOfTheWrittenProjectEnvironmentsIncluded() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(
            """
            apis:
              - name: orders
                properties: {serviceUrl: "http://orders.internal"}
            """, to: "../configuration.prod.yaml")
        func codes(_ result: ToolProcess.Result) throws -> [String] {
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stderr)
            return (report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }.sorted()
        }
        let imported = try ToolProcess.run(
            ["import", "tree", "--configuration", "configuration.prod.yaml", "--out", "out", "--format", "json"], in: directory)
        let linted = try ToolProcess.run(["lint", "out", "--format", "json"], in: directory)
        XCTAssertTrue(try codes(linted).contains("SE003"), linted.stdout)
        XCTAssertEqual(try codes(imported), try codes(linted))
    }

    /// The extractor writes APIM's own groups (administrators, developers, guests) into
    /// every tree. Products name them without a declaration, and APIM has them anyway:
    /// declared, they failed the lint and the round trip of every real estate.
    func testAPIMsOwnGroupsAreNotDeclaredAndTheirLinksStay() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        for (name, display) in [("administrators", "Administrators"), ("developers", "Developers"), ("guests", "Guests")] {
            try write(
                #"{"properties": {"displayName": "\#(display)", "description": "A built-in group.", "builtIn": true, "type": "system"}}"#,
                to: "groups/\(name)/groupInformation.json")
        }
        try write(#"{"properties": {"displayName": "Partners", "type": "custom"}}"#, to: "groups/partners/groupInformation.json")
        try write(#"{"properties": {"displayName": "Starter", "subscriptionRequired": true, "state": "published"}}"#, to: "products/starter/productInformation.json")
        try write("{}", to: "products/starter/apis/orders/productApiInformation.json")
        for group in ["developers", "partners"] {
            try write(Self.groupLink(group), to: "products/starter/groups/\(group)/productGroupInformation.json")
        }
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let section = try ImportRoundTripTests.importSection(result)
        XCTAssertEqual(section["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertEqual(result.status, 0, result.stdout)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let codes = Set((report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
        XCTAssertTrue(codes.isSubset(of: ["LP001", "RL001"]), "\(codes)")
        let gateway = try read("gateway.yaml")
        XCTAssertTrue(gateway.contains("partners:"), gateway)
        XCTAssertFalse(gateway.contains("developers"), gateway)
        XCTAssertTrue(try read("products.yaml").contains("groups:\n  - developers\n  - partners"))
    }

    /// Resource Manager reads an API's `type` in any case: an `Http` API was dropped as not
    /// HTTP, with its policies (audit V97).
    func testAnAPIsTypeIsReadInAnyCase() throws {
        try writeAPI(
            information: #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "subscriptionRequired": true, "type": "Http"}}"#,
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        XCTAssertEqual(try notes(try ImportRoundTripTests.importSection(result)).filter { $0["path"] == "apis/orders" }, [], result.stdout)
        XCTAssertTrue(try read("apis/orders.yaml").contains("name: orders"))
    }

    /// An API Portcullis does not carry is a note whatever its folder's name: under a name
    /// the language cannot keep it was an error to rename it (audit V101).
    func testAnUnsupportedAPIUnderANameTheLanguageCannotKeepIsANote() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"path": "soap", "type": "soap"}}"#, to: "apis/soap.api/apiInformation.json")
        try write(#"{"properties": {"path": "rest"}}"#, to: "apis/rest.api/apiInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result)).filter { $0["path"]?.hasSuffix(".api") == true }
        XCTAssertEqual(
            notes.map { "\($0["kind"] ?? ""): \($0["path"] ?? ""): \($0["message"] ?? "")" }.sorted(),
            [
                "error: apis/rest.api: 'rest.api' is not a name Portcullis can keep for this resource, so it would be lost; rename it in APIM",
                "not-imported: apis/soap.api: API 'soap.api' is a 'soap' API; Portcullis carries HTTP APIs only",
            ], result.stdout)
    }

    /// A product's group link as the extractor writes it: the link's name and the group's id.
    private static func groupLink(_ group: String) -> String {
        #"{"name": "\#(group)", "properties": {"groupId": "/groups/\#(group)"}}"#
    }

    /// APIOps' publisher takes a link from its file, and a product's group link only from a
    /// file that names the link and the group of its folder: a link it would not deploy was
    /// imported from the folder's name, granting the product's group what APIM does not
    /// (audit V96 #2).
    func testALinkThePublisherWouldNotDeployIsNotImported() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        for group in ["partners", "resellers", "vendors", "auditors", "suppliers", "blank", "marked", "spelt"] {
            try write(#"{"properties": {"displayName": "\#(group)", "type": "custom"}}"#, to: "groups/\(group)/groupInformation.json")
        }
        try write(#"{"properties": {"displayName": "Starter", "subscriptionRequired": true, "state": "published"}}"#, to: "products/starter/productInformation.json")
        try write("{}", to: "products/starter/apis/orders/productApiInformation.json")
        try write(Self.groupLink("partners"), to: "products/starter/groups/partners/productGroupInformation.json")
        try write("{}", to: "products/starter/groups/resellers/productGroupInformation.json")
        try write(#"{"name": "vendors", "properties": {"groupId": "/groups/partners"}}"#, to: "products/starter/groups/vendors/productGroupInformation.json")
        try write(#"{"properties": {"groupId": "/groups/auditors"}}"#, to: "products/starter/groups/auditors/productGroupInformation.json")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tree/products/starter/groups/suppliers"), withIntermediateDirectories: true)
        // A name of white space, and a byte order mark .NET's reader of bytes refuses; property
        // names in any case, as the publisher's web options read them (audit V101).
        try write(#"{"name": " ", "properties": {"groupId": "/groups/blank"}}"#, to: "products/starter/groups/blank/productGroupInformation.json")
        try write("", to: "products/starter/groups/marked/productGroupInformation.json")
        try Data([0xEF, 0xBB, 0xBF] + Array(Self.groupLink("marked").utf8)).write(
            to: directory.appendingPathComponent("tree/products/starter/groups/marked/productGroupInformation.json"))
        try write(#"{"Name": "spelt", "Properties": {"GroupId": "/groups/spelt"}}"#, to: "products/starter/groups/spelt/productGroupInformation.json")
        // An API's link whose file is no JSON object.
        try write(#"{"properties": {"path": "stock", "serviceUrl": "https://stock.example.com"}}"#, to: "apis/stock/apiInformation.json")
        try write("[]", to: "products/starter/apis/stock/productApiInformation.json")
        try write(#"{"properties": {"displayName": "Public"}}"#, to: "tags/public/tagInformation.json")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tree/tags/public/apis/orders"), withIntermediateDirectories: true)
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try self.notes(try ImportRoundTripTests.importSection(result)).filter { ($0["path"] ?? "").contains("/groups/") || ($0["path"] ?? "").hasPrefix("tags/public/") || $0["path"] == "products/starter/apis/stock" }
        XCTAssertEqual(
            Set(notes.map { $0["path"] ?? "" }),
            [
                "products/starter/groups/resellers", "products/starter/groups/vendors", "products/starter/groups/auditors", "products/starter/groups/suppliers",
                "products/starter/groups/blank", "products/starter/groups/marked", "products/starter/apis/stock", "tags/public/apis/orders",
            ],
            result.stdout)
        XCTAssertTrue(notes.allSatisfy { $0["kind"] == "not-imported" && $0["message"]?.hasPrefix("APIOps' publisher deploys no link from it: ") == true }, "\(notes)")
        let products = try read("products.yaml")
        XCTAssertTrue(products.contains("groups:\n  - partners\n  - spelt\n"), products)
        XCTAssertFalse(products.contains("resellers"), products)
        XCTAssertFalse(products.contains("- stock"), products)
    }

    /// An API's subscription key names decide where APIM looks for a caller's key: APIM's
    /// own names (its header in any case) say nothing the bundle must keep, other names are an error to resolve,
    /// since without them APIM would refuse every caller's key.
    func testSubscriptionKeyNamesOtherThanAPIMsAreAnErrorAndAPIMsSayNothing() throws {
        func notes(keys: String) throws -> [[String: String]] {
            try write(
                #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "subscriptionKeyParameterNames": \#(keys)}}"#,
                to: "apis/orders/apiInformation.json")
            try? FileManager.default.removeItem(at: directory.appendingPathComponent("out"))
            let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
            return try self.notes(try ImportRoundTripTests.importSection(result)).filter { $0["path"] == "apis/orders" }
        }
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        XCTAssertEqual(try notes(keys: #"{"header": "Ocp-Apim-Subscription-Key", "query": "subscription-key"}"#), [])
        // The header in another case is the same header (audit V72: it was refused).
        XCTAssertEqual(try notes(keys: #"{"Header": "ocp-apim-subscription-key", "query": "subscription-key"}"#), [])
        let custom = try notes(keys: #"{"header": "X-Partner-Key", "query": "key"}"#)
        XCTAssertTrue(custom.contains { $0["kind"] == "error" && ($0["message"] ?? "").contains("'subscriptionKeyParameterNames'") }, "\(custom)")
    }

    /// Older APIOps versions list a product's APIs in `apis.json`, and keep tag links under
    /// the API or product they tag: those links are not read, which is an error to resolve,
    /// not "nothing here" nor "Portcullis does not model an API's tags".
    func testLinksListedInAnOlderLayoutAreAnErrorNotNothing() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "Starter", "subscriptionRequired": true, "state": "published"}}"#, to: "products/starter/productInformation.json")
        try write(#"[{"name": "orders"}]"#, to: "products/starter/apis.json")
        // And, later, tag links under the API and the product.
        try write(#"{"properties": {"displayName": "public"}}"#, to: "tags/public/tagInformation.json")
        try write("{}", to: "apis/orders/tags/public/apiTagInformation.json")
        try write("{}", to: "products/starter/tags/public/productTagInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(
            notes.contains { $0["kind"] == "error" && $0["path"] == "products/starter/apis.json" && ($0["message"] ?? "").contains("older APIOps layout") },
            "\(notes)")
        for path in ["apis/orders/tags", "products/starter/tags"] {
            XCTAssertTrue(
                notes.contains { $0["kind"] == "error" && $0["path"] == path && ($0["message"] ?? "").contains("tag links kept under the") }, "\(path): \(notes)")
        }
        XCTAssertEqual(result.status, 1)
    }

    /// An API that is its version set's original version has no version name, which the
    /// language cannot say: an error to resolve, not an empty name the lint refuses while
    /// the round trip, finding no version set written, says nothing differs.
    func testTheOriginalVersionOfAVersionSetIsAnErrorNotAnEmptyVersion() throws {
        try writeAPI(
            information: #"{"properties": {"path": "orders", "serviceUrl": "https://orders.example.com", "apiVersionSetId": "/apiVersionSets/orders-set", "apiVersion": ""}}"#,
            operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "Orders", "versioningScheme": "Segment"}}"#, to: "version sets/orders-set/versionSetInformation.json")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(
            notes.contains { $0["kind"] == "error" && $0["path"] == "apis/orders" && ($0["message"] ?? "").contains("original version of version set 'orders-set'") },
            "\(notes)")
        XCTAssertEqual(result.status, 1)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let codes = Set((report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
        XCTAssertTrue(codes.isSubset(of: ["LP001", "RL001"]), "\(codes)")
    }

    /// Two publisher configurations for one environment: the second is an error to
    /// resolve, not written over the first in silence.
    func testTwoConfigurationsForOneEnvironmentAreAnErrorNotOneLostInSilence() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "region", "value": "westeurope"}}"#, to: "named values/region/namedValueInformation.json")
        try write("namedValues:\n  - name: region\n    properties: {value: northeurope}\n", to: "../first/configuration.prod.yaml")
        try write("namedValues:\n  - name: region\n    properties: {value: swedencentral}\n", to: "../second/configuration.prod.yaml")
        let result = try ToolProcess.run(
            ["import", "tree", "--configuration", "first/configuration.prod.yaml", "--configuration", "second/configuration.prod.yaml", "--out", "out", "--format", "json"],
            in: directory)
        let notes = try notes(try ImportRoundTripTests.importSection(result))
        XCTAssertTrue(
            notes.contains { $0["kind"] == "error" && $0["path"] == "second/configuration.prod.yaml" && ($0["message"] ?? "").contains("environment 'prod'") },
            "\(notes)")
        XCTAssertTrue(try read("environments/prod.yaml").contains("region: northeurope"))
        XCTAssertEqual(result.status, 1)
    }

    /// `"keyVault": null` says a named value has no Key Vault secret: the value is plain
    /// and imported as it is, in the estate as in a publisher configuration.
    func testANullKeyVaultIsNoSecret() throws {
        try writeAPI(information: Self.orders, operation: "<policies>\n  <inbound><base /></inbound>\n</policies>\n")
        try write(#"{"properties": {"displayName": "region", "value": "westeurope", "secret": false, "keyVault": null}}"#, to: "named values/region/namedValueInformation.json")
        try write("namedValues:\n  - name: region\n    properties: {value: northeurope, keyVault: null}\n", to: "../configuration.prod.yaml")
        let result = try ToolProcess.run(["import", "tree", "--configuration", "configuration.prod.yaml", "--out", "out", "--format", "json"], in: directory)
        let section = try ImportRoundTripTests.importSection(result)
        XCTAssertEqual(try notes(section).filter { $0["kind"] == "error" }, [])
        XCTAssertEqual(section["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertTrue(try read("gateway.yaml").contains("region: westeurope"))
        XCTAssertTrue(try read("environments/prod.yaml").contains("region: northeurope"))
    }

    /// The round trip compares values trimmed, so an address or an origin padded with
    /// white space would come back trimmed unseen, and the padding may be what kept callers
    /// out: such statements stay raw, byte for byte.
    func testAPaddedAddressOrOriginStaysRaw() throws {
        let operation = "<policies>\n  <inbound>\n    <base />\n    <ip-filter action=\"allow\">\n      <address> 203.0.113.7 </address>\n    </ip-filter>\n  </inbound>\n</policies>\n"
        try writeAPI(information: Self.orders, operation: operation)
        let global = "<policies>\n  <inbound>\n    <cors allow-credentials=\"false\" terminate-unmatched-request=\"false\">\n      <allowed-origins><origin>https://app.contoso.com </origin></allowed-origins>\n    </cors>\n  </inbound>\n  <backend><forward-request /></backend>\n</policies>\n"
        try write(global, to: "policy.xml")
        let result = try ToolProcess.run(["import", "tree", "--out", "out", "--format", "json"], in: directory)
        let section = try ImportRoundTripTests.importSection(result)
        XCTAssertEqual(section["differences"] as? [[String: String]], [], result.stdout)
        XCTAssertEqual((section["statements"] as? [String: Int])?["highLevel"], 0, result.stdout)
        XCTAssertEqual(try read("policies/apis/orders/getOrder.xml"), operation)
        XCTAssertEqual(try read("policies/global.xml"), global)
    }
}
