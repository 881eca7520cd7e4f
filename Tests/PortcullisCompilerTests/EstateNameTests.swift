import Foundation
import XCTest

/// A project that keeps an estate's APIM names (upper case, `_`, generated ids) builds a
/// bundle whose folders and ids are those names exactly, so a publish updates the estate's
/// resources instead of creating new ones.
final class EstateNameTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Subscription keys only: no identity provider, so each route says why it has no token.
    private static let files = [
        "gateway.yaml": """
            apiVersion: portcullis/v1
            kind: Gateway
            name: estate
            versionSets:
              Orders_Set: {displayName: Orders, scheme: segment}
            groups:
              Partner_Companies: {displayName: Partner companies}

            """,
        "apis.yaml": """
            apiVersion: portcullis/v1
            kind: API
            name: Orders_API
            path: orders
            backend: Orders_Backend
            rateLimit: {calls: 1000, per: 60s, key: subscription}
            version: {set: Orders_Set, name: v1}
            tags: [Public_APIs]
            policy: |
              <policies>
                <inbound>
                  <base />
                  <include-fragment fragment-id="Shared_Headers" />
                </inbound>
                <backend><base /></backend>
                <outbound><base /></outbound>
                <on-error><base /></on-error>
              </policies>
            routes:
              - {id: 61e68d73c8e44ca9124dcddb, method: GET, path: /orders, public: callers use subscription keys}
              - {id: GetOrder, method: GET, path: "/orders/{id}", public: callers use subscription keys, rateLimit: {calls: 5, per: 1s, key: subscription}}
            ---
            apiVersion: portcullis/v1
            kind: Backend
            name: Orders_Backend
            url: https://orders.example.com
            ---
            apiVersion: portcullis/v1
            kind: Product
            name: Starter_Plan
            apis: [Orders_API]
            groups: [Partner_Companies]
            tags: [Public_APIs]
            ---
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: Shared_Headers
            policy: |
              <fragment>
                <set-header name="X-Estate" exists-action="override"><value>1</value></set-header>
              </fragment>

            """,
        "environments/prod.yaml": """
            apiVersion: portcullis/v1
            kind: Environment
            name: prod
            apis:
              Orders_API:
                routes:
                  GetOrder:
                    rateLimit: {calls: 10, per: 1s, key: subscription}
            backends:
              Orders_Backend:
                url: https://orders.prod.example.com
            products:
              Starter_Plan:
                quota: {calls: 5000, per: 30d}

            """,
    ]

    private func writeProject() throws -> URL {
        let project = directory.appendingPathComponent("project")
        for (path, text) in Self.files {
            let file = project.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return project
    }

    /// APIM takes a named value name of 256 bytes, but the bundle names a folder after it
    /// and a file name holds 255: such a name linted clean and then failed the build with
    /// an unlocated error (found by a hostile audit). It is a located YS004; 255 builds.
    func testANamedValueNameLongerThanAFileNameCanBeIsALocatedError() throws {
        for (length, status) in [(255, Int32(0)), (256, Int32(1))] {
            let name = String(repeating: "a", count: length)
            let project = directory.appendingPathComponent("names-\(length)")
            try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
            try "apiVersion: portcullis/v1\nkind: Gateway\nname: estate\nnamedValues:\n  \(name): x\n".write(
                to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
            let build = try ToolProcess.run(["build", ".", "--out", "out", "--quiet"], in: project)
            XCTAssertEqual(build.status, status, build.stdout + build.stderr)
            if status == 0 {
                XCTAssertTrue(FileManager.default.fileExists(atPath: project.appendingPathComponent("out/apim/named values/\(name)").path))
            } else {
                XCTAssertTrue(build.stdout.contains("gateway.yaml:5:3: error: invalid named value name for 'namedValues' [YS004]"), build.stdout)
            }
        }
    }

    func testEstateNamesBecomeTheBundlesFoldersAndIds() throws {
        let project = try writeProject()
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", project.path, "--env", "prod", "--out", out.path, "--warnings-as-errors"])
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)

        let files = try XCTUnwrap(FileManager.default.subpaths(atPath: out.appendingPathComponent("apim").path)).filter {
            $0.hasSuffix(".json") || $0.hasSuffix(".xml") || $0.hasSuffix(".yaml")
        }
        XCTAssertEqual(
            Set(files.map { "apim/\($0)" }),
            [
                "apim/policy.xml",
                "apim/apis/Orders_API/apiInformation.json",
                "apim/apis/Orders_API/policy.xml",
                "apim/apis/Orders_API/specification.yaml",
                "apim/apis/Orders_API/operations/61e68d73c8e44ca9124dcddb/policy.xml",
                "apim/apis/Orders_API/operations/GetOrder/policy.xml",
                "apim/backends/Orders_Backend/backendInformation.json",
                "apim/groups/Partner_Companies/groupInformation.json",
                "apim/policy fragments/Shared_Headers/policy.xml",
                "apim/policy fragments/Shared_Headers/policyFragmentInformation.json",
                "apim/products/Starter_Plan/productInformation.json",
                "apim/products/Starter_Plan/policy.xml",
                "apim/products/Starter_Plan/apis/Orders_API/productApiInformation.json",
                "apim/products/Starter_Plan/groups/Partner_Companies/productGroupInformation.json",
                "apim/tags/Public_APIs/tagInformation.json",
                "apim/tags/Public_APIs/apis/Orders_API/tagApiInformation.json",
                "apim/tags/Public_APIs/products/Starter_Plan/tagProductInformation.json",
                "apim/version sets/Orders_Set/versionSetInformation.json",
            ])

        // The specification names each operation by its route's id, which APIM's import keeps.
        let specification = try String(
            contentsOf: out.appendingPathComponent("apim/apis/Orders_API/specification.yaml"), encoding: .utf8)
        XCTAssertTrue(specification.contains("operationId: \"61e68d73c8e44ca9124dcddb\""), specification)
        XCTAssertTrue(specification.contains("operationId: GetOrder\n"), specification)

        let gateway = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("gateway.json"))) as? [String: Any])
        XCTAssertEqual((gateway["identityProviders"] as? [Any])?.count, 0)
        let routes = try XCTUnwrap(gateway["routes"] as? [[String: Any]])
        XCTAssertEqual(routes.compactMap { $0["id"] as? String }, ["61e68d73c8e44ca9124dcddb", "GetOrder"])
        XCTAssertEqual(Set(routes.compactMap { $0["api"] as? String }), ["Orders_API"])
        XCTAssertEqual(Set(routes.compactMap { ($0["backend"] as? [String: Any])?["name"] as? String }), ["Orders_Backend"])
        XCTAssertEqual(Set(routes.flatMap { $0["products"] as? [String] ?? [] }), ["Starter_Plan"])
        let overridden = routes.first { $0["id"] as? String == "GetOrder" }?["rateLimit"] as? [String: Any]
        XCTAssertEqual(overridden?["calls"] as? Int, 10, "the environment's override keyed by 'GetOrder' applies")

        let check = try PythonTool.run([
            PythonTool.support.appendingPathComponent("check_bundle.py").path, out.path,
            GoldenFiles.packageRoot.appendingPathComponent("Schemas/gateway-config.schema.json").path,
        ])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertEqual(check.stdout.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count, 2, check.stdout)
    }

    /// The information files against Azure's ARM schema, where ../shared is.
    func testEstateNamesPassARMValidation() throws {
        let script = GoldenFiles.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/arm-schema/validate_apiops.py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw XCTSkip("\(script.path) is not available; the ARM check runs where ../shared is")
        }
        let project = try writeProject()
        let out = directory.appendingPathComponent("bundle")
        XCTAssertEqual(try ToolProcess.run(["build", project.path, "--out", out.path, "--quiet"]).status, 0)
        let output = try PythonTool.run([script.path, "--strict", out.appendingPathComponent("apim").path])
        XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
        XCTAssertTrue(output.stdout.hasSuffix("3 passed, 0 failed\n"), output.stdout)
    }
}
