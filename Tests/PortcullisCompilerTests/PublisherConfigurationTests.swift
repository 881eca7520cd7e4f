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

    /// The base gateway with a named value the token check's issuer reads, and one API.
    private func project(_ name: String, configuration: String?) throws -> URL {
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
            try configuration.write(to: folder.appendingPathComponent("configuration.prod.yaml"), atomically: true, encoding: .utf8)
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

    /// A credential written into the configuration is masked where a finding quotes its
    /// line, in every format, and reported as the committed secret it is.
    func testAConfigurationsCredentialsAreNeverQuoted() throws {
        let token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
        let folder = try project(
            "credential", configuration: "namedValues:\n  - name: tenant-id\n    properties: {value: \(token)}\n")
        for format in ["text", "json", "sarif", "github"] {
            let lint = try ToolProcess.run(["lint", ".", "--format", format], in: folder)
            XCTAssertEqual(lint.status, 1, "\(format): \(lint.stdout)\(lint.stderr)")
            XCTAssertTrue(lint.stdout.contains("RF009") && lint.stdout.contains("SE001"), "\(format): \(lint.stdout)")
            XCTAssertFalse((lint.stdout + lint.stderr).contains(token), "\(format) repeats the token:\n\(lint.stdout)")
        }
    }
}
