import Foundation
import XCTest

/// What the APIOps publisher needs from a bundle to publish it again and again, and that
/// every policy lands on the operation APIM actually creates.
final class APIOpsPublishingTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The publisher reads `apiRevision` of an API that already exists and stops when it is
    /// missing, so every publish after the first would fail without it.
    func testEveryAPIInformationFileNamesItsCurrentRevision() throws {
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", BundleTests.contoso.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(build.status, 0, build.stderr)
        let apis = out.appendingPathComponent("apim/apis")
        let names = try FileManager.default.contentsOfDirectory(atPath: apis.path).sorted()
        XCTAssertEqual(names, ["catalog", "orders", "partner-orders"])
        for name in names {
            let data = try Data(contentsOf: apis.appendingPathComponent(name).appendingPathComponent("apiInformation.json"))
            let properties = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["properties"] as? [String: Any])
            XCTAssertEqual(properties["apiRevision"] as? String, "1", name)
            XCTAssertEqual(properties["isCurrent"] as? Bool, true, name)
        }
    }

    /// APIM turns each run of characters other than letters and digits in an `operationId`
    /// into one hyphen, so `list--orders` would become `list-orders` and the policy written
    /// for `operations/list--orders` would have no operation.
    func testRouteIdsAPIMWouldRenameAreRefused() throws {
        let project = directory.appendingPathComponent("project")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: project)
        let orders = project.appendingPathComponent("apis/orders.yaml")
        let text = try String(contentsOf: orders, encoding: .utf8)
        try text.replacingOccurrences(of: "id: list-orders", with: "id: list--orders").write(to: orders, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("bundle")
        let result = try ToolProcess.run(["build", "--out", out.path, "--format", "json"], in: project)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing is written")
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try XCTUnwrap(report["diagnostics"] as? [[String: Any]])
        let refused = diagnostics.filter { ($0["message"] as? String)?.contains("list--orders") == true }
        XCTAssertEqual(refused.count, 1, result.stdout)
        let finding = try XCTUnwrap(refused.first)
        XCTAssertEqual(finding["code"] as? String, "YS004")
        XCTAssertEqual(finding["severity"] as? String, "error")
        XCTAssertEqual(finding["file"] as? String, "apis/orders.yaml")
        XCTAssertEqual(finding["line"] as? Int, 12)
        XCTAssertEqual(finding["column"] as? Int, 9)
        let notes = (finding["notes"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        XCTAssertTrue(notes.contains { $0.contains("operationId") && $0.contains("hyphen") }, "\(notes)")
    }

    /// APIOps publishes policies as `rawxml` whatever the files hold, so a build cannot
    /// offer another form.
    func testBuildOffersNoOtherPolicyFormat() throws {
        let out = directory.appendingPathComponent("bundle")
        let result = try ToolProcess.run(["build", BundleTests.contoso.path, "--out", out.path, "--policy-format", "xml"])
        XCTAssertEqual(result.status, 64, result.stderr)
        XCTAssertTrue(result.stderr.contains("--policy-format"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
