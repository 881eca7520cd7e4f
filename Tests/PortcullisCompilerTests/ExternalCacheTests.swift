import Foundation
import XCTest

/// A gateway that declares `redis` gets what makes APIM's external cache exist, and every
/// output says which parts of the Redis design APIM follows and which only a runtime that
/// reads `gateway.json` does.
final class ExternalCacheTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Azure's ARM schemas in the team's shared folder.
    static let armSchema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/arm-schema")

    private func build(_ project: URL) throws -> URL {
        let out = directory.appendingPathComponent("bundle")
        let result = try ToolProcess.run(["build", project.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return out
    }

    private func json(_ file: URL) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    }

    /// Policies say `caching-type="external"`, which finds nothing unless APIM has an
    /// external cache; APIOps cannot publish one, so the bundle carries an ARM template.
    func testRedisGatewayBundleRegistersTheExternalCache() throws {
        let out = try build(BundleTests.contoso)
        let template = out.appendingPathComponent("infrastructure/external-cache.json")
        let document = try json(template)
        let parameters = try XCTUnwrap(document["parameters"] as? [String: [String: Any]])
        XCTAssertEqual(Set(parameters.keys), ["apimServiceName", "redisResourceId"])
        let resources = try XCTUnwrap(document["resources"] as? [[String: Any]])
        XCTAssertEqual(resources.count, 1)
        let cache = try XCTUnwrap(resources.first)
        XCTAssertEqual(cache["type"] as? String, "Microsoft.ApiManagement/service/caches")
        XCTAssertEqual(cache["name"] as? String, "[format('{0}/default', parameters('apimServiceName'))]")
        let properties = try XCTUnwrap(cache["properties"] as? [String: Any])
        XCTAssertEqual(properties["useFromLocation"] as? String, "default")
        XCTAssertEqual(properties["connectionString"] as? String, "{{redis-connection}}", "a reference to the secret named value, never a value")
        XCTAssertEqual(properties["resourceId"] as? String, "[uri(environment().resourceManager, parameters('redisResourceId'))]")
        let policy = try String(contentsOf: out.appendingPathComponent("apim/apis/catalog/operations/list-products/policy.xml"), encoding: .utf8)
        XCTAssertTrue(policy.contains("caching-type=\"external\""), policy)
        let manifest = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"infrastructure/external-cache.json\""), "the manifest lists it")

        guard FileManager.default.fileExists(atPath: Self.armSchema.appendingPathComponent("Microsoft.ApiManagement-2022-08-01.json").path) else {
            throw XCTSkip("\(Self.armSchema.path) is not available; the ARM schema check runs where ../shared is")
        }
        let check = try PythonTool.run([
            PythonTool.support.appendingPathComponent("check_arm_template.py").path, template.path, Self.armSchema.path,
        ])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertEqual(check.stdout, "ok \(template.path)\n")
    }

    /// APIM caches GET responses only: with CA003 switched off, a POST route's cache is in
    /// neither output, where gateway.json described a cache APIM never keeps (audit V38).
    func testACacheOnAMethodAPIMDoesNotCacheIsInNeitherOutput() throws {
        let folder = try ExampleProject.write(
            to: directory.appendingPathComponent("post"),
            routes: "  - {id: search, method: POST, path: /orders/search, scopes: [orders.write], cache: {ttl: 30s}}\n  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], cache: {ttl: 30s}}\n")
        try "rules:\n  CA003: off\n".write(to: folder.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
        let out = try build(folder)
        let routes = try XCTUnwrap(try json(out.appendingPathComponent("gateway.json"))["routes"] as? [[String: Any]])
        let cached = routes.filter { $0["cache"] != nil }.compactMap { $0["id"] as? String }
        XCTAssertEqual(cached, ["list-orders"])
        let search = try String(contentsOf: out.appendingPathComponent("apim/apis/orders/operations/search/policy.xml"), encoding: .utf8)
        XCTAssertFalse(search.contains("cache-lookup"), search)
    }

    func testGatewayWithoutRedisHasNoExternalCache() throws {
        let project = directory.appendingPathComponent("project")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: project)
        // The sample's environments override Redis, which must then exist.
        try FileManager.default.removeItem(at: project.appendingPathComponent("environments"))
        let gateway = project.appendingPathComponent("gateway.yaml")
        var text = try String(contentsOf: gateway, encoding: .utf8)
        let start = try XCTUnwrap(text.range(of: "\nredis:\n"))
        let end = try XCTUnwrap(text.range(of: "\n\n", range: start.upperBound..<text.endIndex))
        text.removeSubrange(start.lowerBound..<end.lowerBound)
        try text.write(to: gateway, atomically: true, encoding: .utf8)
        let out = try build(project)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("infrastructure/external-cache.json").path))
        XCTAssertNil(try json(out.appendingPathComponent("gateway.json"))["redis"])
    }

    /// APIM keeps responses and introspection results in its one external cache and its
    /// rate-limit counters in its own store; the database split is for another runtime.
    func testGatewayJSONSaysWhichRedisSettingsAPIMHonours() throws {
        let out = try build(BundleTests.contoso)
        let redis = try XCTUnwrap(try json(out.appendingPathComponent("gateway.json"))["redis"] as? [String: Any])
        // APIM encrypts as the secret's connection string says, which the bundle does not set (audit V100).
        XCTAssertEqual(redis["apimHonours"] as? [String], ["connection", "keyPrefix", "responseCache", "introspectionCache"])
        XCTAssertEqual(redis["runtimeOnly"] as? [String], ["tls", "databases", "rateLimitCounters"])
    }

    func testExplainSaysWhatAPIMDoesWithTheRedisSettings() throws {
        for (code, phrases) in [
            ("RD001", ["APIM", "one connection", "own store"]),
            ("RD002", ["APIM", "connection string", "ssl=True"]),
            ("RD004", ["APIM", "gateway.json"]),
        ] {
            let result = try ToolProcess.run(["explain", code])
            XCTAssertEqual(result.status, 0, result.stderr)
            for phrase in phrases {
                XCTAssertTrue(result.stdout.contains(phrase), "\(code) does not say '\(phrase)':\n\(result.stdout)")
            }
        }
    }
}
