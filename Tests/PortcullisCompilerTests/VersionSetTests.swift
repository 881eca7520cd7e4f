import Foundation
import XCTest

/// API version sets end to end: the APIOps files, where requests carry the version, and
/// that the versions of one set share a path.
final class VersionSetTests: XCTestCase {
    static let project = GoldenFiles.fixtures.appendingPathComponent("versions")
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func properties(_ out: URL, _ path: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent(path))) as? [String: Any]
        return try XCTUnwrap(object?["properties"] as? [String: Any], path)
    }

    func testVersionsOfOneSetShareAPathAndNameTheirSet() throws {
        let out = directory.appendingPathComponent("bundle")
        let result = try ToolProcess.run(["build", Self.project.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let orders = try properties(out, "apim/version sets/orders/versionSetInformation.json")
        XCTAssertEqual(orders["versioningScheme"] as? String, "Segment")
        XCTAssertEqual(orders["displayName"] as? String, "Orders API")
        let reports = try properties(out, "apim/version sets/reports/versionSetInformation.json")
        XCTAssertEqual(reports["versioningScheme"] as? String, "Header")
        XCTAssertEqual(reports["versionHeaderName"] as? String, "Api-Version")
        XCTAssertEqual(reports["displayName"] as? String, "reports", "the name unless a display name is written")
        for (api, version) in [("orders-v1", "v1"), ("orders-v2", "v2")] {
            let information = try properties(out, "apim/apis/\(api)/apiInformation.json")
            XCTAssertEqual(information["path"] as? String, "orders")
            XCTAssertEqual(information["apiVersion"] as? String, version)
            XCTAssertEqual(information["apiVersionSetId"] as? String, "/apiVersionSets/orders")
        }
        let gateway = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("gateway.json"))) as? [String: Any])
        let routes = try XCTUnwrap(gateway["routes"] as? [[String: Any]])
        let paths = Dictionary(routes.map { ($0["api"] as! String, $0["path"] as! String) }) { first, _ in first }
        XCTAssertEqual(paths, ["orders-v1": "/orders/v1/orders", "orders-v2": "/orders/v2/orders", "reports": "/reports/reports"])
        let reportsVersion = try XCTUnwrap(routes.first { $0["api"] as? String == "reports" }?["version"] as? [String: String])
        XCTAssertEqual(reportsVersion, ["set": "reports", "name": "2024-05-01", "scheme": "header", "parameter": "Api-Version"])

        let armSchema = ExternalCacheTests.armSchema
        guard FileManager.default.fileExists(atPath: armSchema.appendingPathComponent("Microsoft.ApiManagement-2022-08-01.json").path) else {
            throw XCTSkip("\(armSchema.path) is not available; the ARM schema check runs where ../shared is")
        }
        let check = try PythonTool.run([PythonTool.support.appendingPathComponent("check_resources.py").path, out.path, armSchema.path])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertEqual(check.stdout.split(separator: "\n").filter { $0.contains("version sets/") || $0.contains("apiInformation") }.count, 5, check.stdout)
        let apiops = try PythonTool.run([armSchema.appendingPathComponent("validate_apiops.py").path, "--strict", out.appendingPathComponent("apim").path])
        XCTAssertEqual(apiops.status, 0, apiops.stdout + apiops.stderr)
    }
}
