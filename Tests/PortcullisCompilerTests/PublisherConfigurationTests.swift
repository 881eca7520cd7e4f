import Foundation
import PortcullisChecker
import XCTest

/// An APIOps publisher configuration beside the definitions is read and checked (RF009):
/// the publisher merges its entries into what the bundle publishes, so one naming a
/// resource Portcullis writes would change a token check or a policy after the checks.
final class PublisherConfigurationTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The base gateway with a named value the token check's issuer reads, and one API;
    /// `configuration` is written as `configurationPath`.
    private func project(_ name: String, configuration: String?, at configurationPath: String = "configuration.prod.yaml") throws -> URL {
        let folder = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let gateway = RuleExample.baseGateway
            .replacingOccurrences(of: "issuer: https://login.example.com/v2.0", with: "issuer: https://login.example.com/{{tenant-id}}/v2.0")
            .replacingOccurrences(of: "scopes:\n", with: "namedValues:\n  tenant-id: 72f988bf-86f1-41af-91ab-2d7cd011db47\nscopes:\n")
        try gateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = RuleExample.api(
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n  - {id: cancel-order, method: DELETE, path: \"/orders/{id}\", scopes: [orders.write]}\n")
        try api.text.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        if let configuration {
            let file = folder.appendingPathComponent(configurationPath)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try configuration.write(to: file, atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// What a hostile pull request adds: the token check's tenant turned to another, and a
    /// write route's policy emptied, so it takes no token at all.
    static let hostile = """
        apimServiceName: apim-prod
        namedValues:
          - name: tenant-id
            properties: {value: 00000000-0000-0000-0000-000000000000}
        apis:
          - name: orders
            operations:
              - name: cancel-order
                policies:
                  - name: policy
                    properties: {value: "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>"}

        """

    /// `lint` fails, `build` writes nothing, and `diff` will not compare: before, the file
    /// was skipped as someone else's YAML and all three passed.
    func testAnOverrideOfWhatTheBundleWritesFailsEveryCommand() throws {
        let folder = try project("hostile", configuration: Self.hostile)
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(
            lint.stdout.contains(
                "configuration.prod.yaml:4:5: error: publisher configuration overrides 'properties' of named value 'tenant-id', which the bundle publishes [RF009]"),
            lint.stdout)
        XCTAssertTrue(
            lint.stdout.contains(
                "configuration.prod.yaml:11:13: error: publisher configuration overrides 'properties' of the policy of route 'orders/cancel-order', which the bundle publishes [RF009]"),
            lint.stdout)
        XCTAssertTrue(lint.stdout.contains("gateway.yaml:"), "the note points at the declaration: \(lint.stdout)")

        let build = try ToolProcess.run(["build", ".", "--out", "../hostile-out"], in: folder)
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("hostile-out").path))

        let base = try project("base", configuration: nil)
        let diff = try ToolProcess.run(["diff", base.path, folder.path, "--fail-on", "privilege-increase"], in: directory)
        XCTAssertEqual(diff.status, 2, diff.stdout + diff.stderr)
        XCTAssertTrue((diff.stdout + diff.stderr).contains("[RF009]"), diff.stdout + diff.stderr)
    }

    /// Every way of writing an override the publisher reads is read here too (found by an
    /// audit of the first version, which passed each of these): content indented or on the
    /// document marker's line, which the file recognition took for an empty file; a second
    /// `Name` key before `name`; a name other than APIOps's, told by `apimServiceName` in
    /// flow style after a byte-order mark; an extension in capitals.
    func testEveryLayoutOfAnOverrideIsRead() throws {
        let policy = "policies: [{name: policy, properties: {format: rawxml, value: \"<policies/>\"}}]"
        let cases: [(name: String, path: String, text: String)] = [
            ("indented", "configuration.prod.yaml", "  apis:\n    - name: orders\n      \(policy)\n"),
            ("on-the-marker", "configuration.prod.yaml", "--- {apis: [{name: orders, \(policy)}]}\n"),
            ("directive-then-indented", "configuration.prod.yaml", "%YAML 1.1\n--- !!map\n  apis:\n    - name: orders\n      \(policy)\n"),
            ("second-name-key", "configuration.prod.yaml", "apis:\n  - Name: []\n    name: orders\n    \(policy)\n"),
            ("flow-after-bom", "deploy/prod-overrides.yaml", "\u{FEFF}{apimServiceName: apim-prod, apis: [{name: orders, \(policy)}]}\n"),
            ("capital-extension", "Configuration.Prod.YAML", "apis:\n  - name: orders\n    \(policy)\n"),
        ]
        for (name, path, text) in cases {
            let folder = try project(name, configuration: text, at: path)
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.status, 1, "\(name): \(lint.stdout)\(lint.stderr)")
            XCTAssertTrue(
                lint.stdout.contains("\(path):") && lint.stdout.contains("overrides 'properties' of the policy of API 'orders'"),
                "\(name): \(lint.stdout)")
        }
    }

    /// The publisher overrides the global policy from the section `servicePolicies`
    /// (Azure/apiops's `OverrideDtoFactory`): such an entry replaced the gateway's policy in
    /// production while lint said nothing (found by the audit of this round's fixes).
    func testTheGlobalPolicysOwnSectionIsAnOverride() throws {
        let folder = try project(
            "service", configuration: "servicePolicies:\n  - name: policy\n    properties: {format: rawxml, value: \"<policies><inbound><return-response /></inbound></policies>\"}\n")
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("overrides 'properties' of the policy of gateway"), lint.stdout)
    }

    /// A configuration cannot pass for an API's OpenAPI document, which would leave it
    /// unchecked and publish it as the API's specification.
    func testAConfigurationIsNoOpenAPIDocument() throws {
        let folder = try project("openapi", configuration: "openapi: 3.0.3\napis: []\n")
        let api = try String(contentsOf: folder.appendingPathComponent("orders.yaml"), encoding: .utf8)
        try api.replacingOccurrences(of: "backend: https://orders.example.com\n", with: "backend: https://orders.example.com\nopenapi: configuration.prod.yaml\n")
            .write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(
            lint.stdout.contains("OpenAPI document 'configuration.prod.yaml' of API 'orders' is an APIOps publisher configuration [RF001]"),
            lint.stdout)
    }

    /// `exclude` does not keep a configuration so named from being checked: the publisher
    /// deploys it whatever `portcullis.yaml` says, which may change in the same pull request
    /// (audit V24: a change that added one and excluded it passed the gate). A file that
    /// only mentions `apimServiceName` and cannot be read is a warning that its overrides
    /// go unchecked, not an error that blocks an unrelated chart.
    func testWhatIsNotCheckedIsSaid() throws {
        let excluded = try project("excluded", configuration: "apis: [{name: orders, properties: {}}]\n")
        try "exclude: ['configuration.*.yaml']\n".write(to: excluded.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "."], in: excluded)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("configuration.prod.yaml:1:23: error: publisher configuration overrides 'properties' of API 'orders'"), lint.stdout)
        XCTAssertTrue(
            lint.stderr.contains("'configuration.prod.yaml' matches 'exclude' but is checked: as an APIOps publisher configuration it changes what the bundle deploys"),
            lint.stderr)

        let chart = try project("chart", configuration: "{{- if .Values.apim }}\napimServiceName: {{ .Values.name }}\n{{- end }}\n", at: "deploy/apim.yaml")
        let chartLint = try ToolProcess.run(["lint", "."], in: chart)
        XCTAssertEqual(chartLint.status, 0, chartLint.stdout + chartLint.stderr)
        XCTAssertTrue(
            chartLint.stdout.contains(
                "warning: 'deploy/apim.yaml' looks like an APIOps publisher configuration but cannot be read, so its overrides are not checked [RF009]"),
            chartLint.stdout)
    }

    /// What the audit of the second version found: keys the publisher's reader splits at
    /// ':' ('namedValues:0') passed, and so did a configuration reached through a symbolic
    /// link the walk skips (the publisher follows it); a plain value given to a declared
    /// secret was quoted. And the reverse: any 'configuration*.yaml' was taken for one,
    /// an OpenAPI document or a chart's file too.
    func testWhatTheSecondAuditFound() throws {
        let colons = try project(
            "colons",
            configuration: "namedValues:0:\n  name: tenant-id\n  properties: {value: other-tenant}\npolicies:0:name: policy\nloggers:0:name: insights\n")
        let lint = try ToolProcess.run(["lint", "."], in: colons)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(
            lint.stdout.contains(
                "configuration.prod.yaml:1:1: error: publisher configuration key 'namedValues:0' writes an entry of 'namedValues', whose resources the bundle publishes [RF009]"),
            lint.stdout)
        XCTAssertTrue(lint.stdout.contains("configuration.prod.yaml:4:1: error: publisher configuration key 'policies:0:name'"), lint.stdout)
        XCTAssertFalse(lint.stdout.contains("'loggers:0:name'"), lint.stdout)

        let linked = try project("linked", configuration: nil)
        let outside = directory.appendingPathComponent("elsewhere.yaml")
        try "apis: [{name: orders, properties: {}}]\n".write(to: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: linked.appendingPathComponent("configuration.prod.yaml").path, withDestinationPath: outside.path)
        let linkedLint = try ToolProcess.run(["lint", "."], in: linked)
        XCTAssertEqual(linkedLint.status, 2, linkedLint.stdout + linkedLint.stderr)
        XCTAssertTrue(linkedLint.stderr.contains("named as an APIOps publisher configuration, whose overrides must be checked"), linkedLint.stderr)

        let secret = "Zq8xPlainPartnerKey2024"
        let gatewaySecret = try project("secret", configuration: "namedValues:\n  - name: partner-secret\n    properties: {value: \(secret)}\n")
        let secretLint = try ToolProcess.run(["lint", "."], in: gatewaySecret)
        XCTAssertTrue(secretLint.stdout.contains("overrides 'properties' of secret 'partner-secret'"), secretLint.stdout)
        XCTAssertFalse(secretLint.stdout.contains(secret), secretLint.stdout)

        let openAPI = try project(
            "openapi-named", configuration: "openapi: 3.0.3\ninfo: {title: Orders, version: '1'}\npaths: {}\ntags: [{name: orders, description: Orders}]\n",
            at: "configuration.orders.yaml")
        let chart = try project("chart-named", configuration: "{{ .Values.apim }}\n", at: "templates/configuration.yaml")
        for folder in [openAPI, chart] {
            let clean = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        }
    }

    /// The pipeline names the publisher's file, under any name, JSON too: a file shaped as
    /// one, a section of the publisher's listing entries by `name`, is one (audit V24: an
    /// `overrides-prod.yaml` and a `configuration.prod.json` replaced the issuer unseen).
    /// A section so named that lists no such entries is someone else's YAML.
    func testAConfigurationIsKnownByItsShapeAndAsJSON() throws {
        let override = "namedValues:\n  - name: tenant-id\n    properties: {value: 00000000-0000-0000-0000-000000000000}\n"
        let json = #"{"namedValues": [{"name": "tenant-id", "properties": {"value": "00000000-0000-0000-0000-000000000000"}}]}"#
        // The publisher passes over an entry without a name (audit V25: one hid the file).
        let nameless = override + "  - {}\n  - placeholder\n"
        for (name, text, path) in [
            ("shaped", override, "overrides-prod.yaml"), ("nested", override, "config/prod.yml"), ("json", json, "configuration.prod.json"),
            ("shapedjson", json, "prod.json"), ("nameless", nameless, "overrides-prod.yaml"),
            // A UTF-8 byte-order mark before its first key (audit V28).
            ("bom", "\u{FEFF}" + override, "overrides-prod.yaml"),
        ] {
            let folder = try project(name, configuration: text, at: path)
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.status, 1, "\(name): \(lint.stdout)\(lint.stderr)")
            XCTAssertTrue(lint.stdout.contains("\(path):") && lint.stdout.contains("overrides 'properties' of named value 'tenant-id'"), "\(name): \(lint.stdout)")
        }
        // Nor are rule groups of monitoring tools, which name entries but override nothing.
        let rules = "groups:\n  - name: orders\n    rules:\n      - alert: OrdersDown\n        expr: up == 0\n"
        // Nor is a vault's group with its `policies`: the publisher merges no policies into a
        // group (audit V27), nor is an OpenAPI path `/products` a section.
        let vault = "groups:\n  - name: developers\n    policies: [admin]\n"
        let paths = #"{"openapi": "3.0.3", "paths": {"/products": {}, "/apis": {}}}"#
        for (name, text) in [("list", "apis:\n  - orders\n  - invoices\n"), ("map", "products:\n  gold: {price: 10}\n"), ("rules", rules), ("vault", vault), ("paths", paths)] {
            let folder = try project(name, configuration: text, at: "catalogue.yaml")
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.status, 0, "\(name): \(lint.stdout)\(lint.stderr)")
        }
    }

    /// A configuration in UTF-16 or UTF-32 is one: the publisher's reader follows its
    /// byte-order mark, as Windows PowerShell 5 writes JSON by default. It is refused, as
    /// Portcullis reads UTF-8 alone, where not excluded and where excluded; before, as JSON
    /// or under an `exclude` pattern, it passed unread (audits V27 and V28). JSON in UTF-16
    /// that is no configuration stays a side file.
    func testAConfigurationInAnotherEncodingIsRefused() throws {
        let json = #"{"namedValues": [{"name": "tenant-id", "properties": {"value": "00000000-0000-0000-0000-000000000000"}}]}"#
        func encoded(_ text: String, _ encoding: String.Encoding, mark: [UInt8]) -> Data {
            Data(mark) + text.data(using: encoding)!
        }
        let cases: [(name: String, path: String, bytes: Data, excluded: Bool)] = [
            ("utf16le", "deploy/prod.json", encoded(json, .utf16LittleEndian, mark: [0xFF, 0xFE]), false),
            ("utf16be", "deploy/prod.json", encoded(json, .utf16BigEndian, mark: [0xFE, 0xFF]), false),
            ("utf32le", "deploy/prod.json", encoded(json, .utf32LittleEndian, mark: [0xFF, 0xFE, 0x00, 0x00]), false),
            ("excluded", "deploy/prod-overrides.yaml", encoded(json, .utf16LittleEndian, mark: [0xFF, 0xFE]), true),
        ]
        for (name, path, bytes, excluded) in cases {
            let folder = try project(name, configuration: nil)
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("deploy"), withIntermediateDirectories: true)
            try bytes.write(to: folder.appendingPathComponent(path))
            if excluded { try "exclude: ['deploy/**']\n".write(to: folder.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8) }
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.status, 1, "\(name): \(lint.stdout)\(lint.stderr)")
            XCTAssertTrue(lint.stdout.contains("\(path):1:1: error: file starts with a UTF-"), "\(name): \(lint.stdout)")
            let build = try ToolProcess.run(["build", ".", "--out", "bundle"], in: folder)
            XCTAssertEqual(build.status, 1, "\(name): \(build.stdout)\(build.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("bundle").path), name)
        }
        let folder = try project("utf16side", configuration: nil)
        try encoded(#"{"name": "orders", "paths": {}}"#, .utf16LittleEndian, mark: [0xFF, 0xFE]).write(to: folder.appendingPathComponent("side.json"))
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 0, "\(lint.stdout)\(lint.stderr)")
    }

    /// A file `exclude` removes is read for what it is, and one past the size limit that
    /// looks like a configuration, under its name or by what its start says, is an error:
    /// padded with a comment, a configuration under an excluded folder was left out in
    /// silence (audit V28).
    func testAnExcludedConfigurationPastTheSizeLimitIsAnError() throws {
        let override = "namedValues:\n  - name: tenant-id\n    properties: {value: 00000000-0000-0000-0000-000000000000}\n"
        let padding = String(repeating: "# padding\n", count: 400)
        for path in ["deploy/configuration.prod.yaml", "deploy/prod-overrides.yaml"] {
            let folder = try project("padded-\(path.count)", configuration: override + padding, at: path)
            try "exclude: ['deploy/**']\n".write(to: folder.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
            let lint = try ToolProcess.run(["lint", ".", "--max-file-size", "3000"], in: folder)
            XCTAssertEqual(lint.status, 1, "\(path): \(lint.stdout)\(lint.stderr)")
            XCTAssertTrue(lint.stdout.contains("\(path):1:1: error: file is"), "\(path): \(lint.stdout)")
        }
    }

    /// The publisher's reader compares keys and names as .NET's `OrdinalIgnoreCase` does,
    /// by upper case: `namedValueſ` (a long s) is its `namedValues`, and `ORDERſ` names API
    /// `orders`. Compared in lower case they were no section and no API, and the overrides
    /// passed unchecked; a file found by its `apımServiceName` key (a dotless i) is one too.
    func testSectionsAndNamesAreComparedAsThePublisherComparesThem() throws {
        let configuration = """
            namedValueſ:
              - name: tenant-id
                properties: {value: 00000000-0000-0000-0000-000000000000}
            apiſ:
              - name: ORDERſ
                properties: {serviceUrl: "http://elsewhere.example.com"}

            """
        for (name, path, text) in [
            ("long-s", "configuration.prod.yaml", configuration), ("dotless-i", "overrides/prod.yaml", "apımServiceName: apim-prod\n" + configuration),
        ] {
            let folder = try project(name, configuration: text, at: path)
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
            let errors = lint.stdout.split(separator: "\n").filter { $0.contains("[RF009]") }
            XCTAssertEqual(errors.count, 2, lint.stdout)
            XCTAssertTrue(errors.contains { $0.contains("overrides 'properties' of named value 'tenant-id'") }, lint.stdout)
            XCTAssertTrue(errors.contains { $0.contains("overrides 'properties' of API 'orders'") }, lint.stdout)
        }
    }

    /// What Portcullis does not write (loggers, an API's diagnostics, resources the bundle
    /// lacks) may stay in the configuration; the file counts as read, not skipped.
    func testWhatTheBundleDoesNotWriteMayStay() throws {
        let configuration = """
            apimServiceName: apim-prod
            loggers:
              - name: insights
                properties: {loggerType: applicationInsights}
            apis:
              - name: orders
                diagnostics:
                  - name: applicationinsights
                    properties: {verbosity: error}
              - name: legacy
                properties: {serviceUrl: https://legacy.example.net}

            """
        let folder = try project("benign", configuration: configuration)
        let lint = try ToolProcess.run(["lint", ".", "--list-skipped"], in: folder)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("in 3 files"), lint.stdout)
        XCTAssertFalse(lint.stderr.contains("configuration.prod.yaml"), lint.stderr)
    }

    /// A file named as APIOps names its configurations is reported where it cannot be
    /// read, never skipped: the publisher's reader might take what Portcullis's refuses.
    func testAnUnreadableConfigurationIsReportedNotSkipped() throws {
        let folder = try project("unreadable", configuration: "namedValues:\n  - name: tenant-id\n    properties: !override {value: x}\n")
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("configuration.prod.yaml:3:17: error:"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("[YS007]"), lint.stdout)
    }

    /// A credential written into the configuration, and the value of a named value it makes
    /// secret however plain it looks, are masked where a finding quotes their line, in every
    /// format, and reported as the committed secrets they are.
    func testAConfigurationsCredentialsAreNeverQuoted() throws {
        let token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
        let folder = try project(
            "credential",
            configuration: "namedValues:\n  - name: tenant-id\n    properties: {value: \(token)}\n  - name: tenant-id\n    properties: {secret: true, value: hunter2-Sup3rS3cret}\n")
        for format in ["text", "json", "sarif", "github"] {
            let lint = try ToolProcess.run(["lint", ".", "--format", format], in: folder)
            XCTAssertEqual(lint.status, 1, "\(format): \(lint.stdout)\(lint.stderr)")
            XCTAssertTrue(lint.stdout.contains("RF009") && lint.stdout.contains("SE001"), "\(format): \(lint.stdout)")
            for secret in [token, "hunter2-Sup3rS3cret"] {
                XCTAssertFalse((lint.stdout + lint.stderr).contains(secret), "\(format) repeats '\(secret)':\n\(lint.stdout)")
            }
        }
    }
}
