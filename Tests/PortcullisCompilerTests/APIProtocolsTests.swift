import Foundation
import XCTest

/// An API that also accepts plain http: SE003 says so, and when the team keeps it (with a
/// reason), APIM's information file and gateway.json both serve it over both schemes.
final class APIProtocolsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testPlainHTTPIsReportedAndWhenKeptReachesEveryOutput() throws {
        let definitions = """
            apiVersion: portcullis/v1
            kind: Gateway
            name: legacy
            guardrails: {requireRateLimit: false}
            ---
            apiVersion: portcullis/v1
            kind: API
            name: Orders_Legacy
            path: orders
            backend: https://orders.example.com
            protocols: [https, http]
            routes:
              - {id: listOrders, method: GET, path: /orders, auth: none, public: the legacy catalogue is public}

            """
        let file = directory.appendingPathComponent("defs/legacy.yaml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try definitions.write(to: file, atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1)
        XCTAssertTrue(lint.stdout.contains("defs/legacy.yaml:11:20: error: API 'Orders_Legacy' accepts requests over plain http [SE003]"), lint.stdout)

        try definitions.replacingOccurrences(
            of: "protocols: [https, http]", with: "protocols: [https, http]  # portcullis:ignore SE003 -- old clients until 2027"
        ).write(to: file, atomically: true, encoding: .utf8)
        let build = try ToolProcess.run(["build", "defs", "--out", "out", "--quiet"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let information = try String(contentsOf: directory.appendingPathComponent("out/apim/apis/Orders_Legacy/apiInformation.json"), encoding: .utf8)
        XCTAssertTrue(information.contains("\"protocols\" : [\n      \"https\",\n      \"http\"\n    ]"), information)
        let gateway = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("out/gateway.json"))) as? [String: Any])
        let route = try XCTUnwrap((gateway["routes"] as? [[String: Any]])?.first)
        XCTAssertEqual(route["protocols"] as? [String], ["https", "http"])
    }
}
