import Foundation
import PortcullisChecker
import XCTest

/// An API's own OpenAPI document through the executable: what the bundle carries, where a
/// document may come from, and hostile documents.
final class OwnOpenAPITests: XCTestCase {
    private var directory: URL!
    private var outside: URL!

    /// APIOps's sample extractor tree, read in place, never copied into the project.
    static let artifacts = GoldenFiles.packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/real-world/apiops-sample-artifacts/SampleArtifacts/apis")

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        outside = try BundleTests.temporaryDirectory()
        try FileManager.default.createDirectory(at: file("defs/specs"), withIntermediateDirectories: true)
        try write(RuleExample.baseGateway, to: "defs/gateway.yaml")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.removeItem(at: outside)
    }

    private func file(_ path: String) -> URL { directory.appendingPathComponent(path) }

    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: file(path))
    }

    /// API `name` at path `name`, naming `openapi`, with `routes:` entries.
    private func writeAPI(_ name: String = "orders", openapi: String, routes: String) throws {
        try write(RuleExample.api(name, fields: "openapi: \(openapi)\n", routes: routes).text, to: "defs/\(name).yaml")
    }

    private let ordersRoutes = """
          - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
          - {id: get-order, method: GET, path: "/orders/{id}", scopes: [orders.read]}

        """

    private let ordersSpecification = """
        openapi: 3.0.3
        info:
          title: Orders
          version: '1'
        paths:
          /orders:
            get: {operationId: list-orders, responses: {'200': {description: The orders}}}
          /orders/{orderId}:
            get:
              operationId: get-order
              parameters: [{name: orderId, in: path, required: true, schema: {type: string}}]
              responses: {'200': {description: The order}, '404': {description: No such order}}

        """

    /// Every OpenAPI document of APIOps's sample tree, named by an API whose routes match
    /// it, reaches the bundle byte for byte under the name APIOps reads.
    func testRealSpecificationsRoundTripIntoTheBundle() throws {
        guard FileManager.default.fileExists(atPath: Self.artifacts.path) else {
            throw XCTSkip("\(Self.artifacts.path) is absent (../shared is not beside this clone); the real-world tests run in CI")
        }
        let apis: [(folder: String, name: String, file: String, routes: String)] = [
            ("basic-api", "basic-api", "specification.yaml",
             "  - {id: get-items, method: GET, path: /items, scopes: [orders.read]}\n  - {id: create-item, method: POST, path: /items, scopes: [orders.write]}\n"),
            ("versioned-api-v1", "versioned-api-v1", "specification.yaml",
             "  - {id: get-version-v1, method: GET, path: /version, scopes: [orders.read]}\n"),
            ("versioned-api-v2", "versioned-api-v2", "specification.json",
             "  - {id: get-version-v2, method: GET, path: /version, scopes: [orders.read]}\n"),
            ("revisioned-api", "revisioned-api", "specification.yaml",
             "  - {id: get-revision, method: GET, path: /revision, scopes: [orders.read]}\n"),
            ("revisioned-api;rev=2", "revisioned-api-rev2", "specification.yaml",
             "  - {id: get-revision-v2, method: GET, path: /revision, scopes: [orders.read]}\n  - {id: get-revision-details, method: GET, path: /revision/details, scopes: [orders.read]}\n"),
        ]
        var originals: [String: Data] = [:]
        for api in apis {
            let original = try Data(contentsOf: Self.artifacts.appendingPathComponent("\(api.folder)/\(api.file)"))
            let ext = (api.file as NSString).pathExtension
            try original.write(to: file("defs/specs/\(api.name).\(ext)"))
            try writeAPI(api.name, openapi: "specs/\(api.name).\(ext)", routes: api.routes)
            originals["apim/apis/\(api.name)/specification.\(ext)"] = original
        }
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        let manifest = try String(contentsOf: file("out/manifest.json"), encoding: .utf8)
        for (path, original) in originals.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(try Data(contentsOf: file("out/\(path)")), original, path)
            XCTAssertTrue(manifest.contains("\"\(path)\""), "the manifest digests \(path)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("out/apim/apis/versioned-api-v2/specification.yaml").path))
        // Route policies go to the operations APIM names after the operationIds.
        XCTAssertTrue(FileManager.default.fileExists(atPath: file("out/apim/apis/basic-api/operations/create-item/policy.xml").path))
        let check = try ToolProcess.run(["build", "defs", "--out", "out", "--check"], in: directory)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        // A changed document is drift.
        try write(String(decoding: originals["apim/apis/basic-api/specification.yaml"]!, as: UTF8.self) + "# changed\n", to: "defs/specs/basic-api.yaml")
        let drift = try ToolProcess.run(["build", "defs", "--out", "out", "--check"], in: directory)
        XCTAssertEqual(drift.status, 1, drift.stdout + drift.stderr)
        XCTAssertTrue((drift.stdout + drift.stderr).contains("apim/apis/basic-api/specification.yaml"), drift.stdout + drift.stderr)
    }

    /// Without 'openapi' the document is generated; with it, only the author's is written.
    func testTheOwnDocumentReplacesTheGeneratedOne() throws {
        try write(ordersSpecification, to: "defs/specs/orders.yaml")
        try writeAPI(openapi: "specs/orders.yaml", routes: ordersRoutes)
        let build = try ToolProcess.run(["build", "defs", "--out", "out", "--quiet"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        XCTAssertEqual(try String(contentsOf: file("out/apim/apis/orders/specification.yaml"), encoding: .utf8), ordersSpecification)
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout)
    }

    func testRoutesAndOperationsMustMatchBothWays() throws {
        try write(ordersSpecification, to: "defs/specs/orders.yaml")
        try writeAPI(
            openapi: "specs/orders.yaml",
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n  - {id: cancel-order, method: DELETE, path: \"/orders/{id}\", scopes: [orders.write]}\n")
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 1)
        XCTAssertTrue(
            lint.stdout.contains("defs/orders.yaml:9:46: error: route 'orders/cancel-order' has no operation DELETE '/orders/{id}' in 'specs/orders.yaml' [RF008]"),
            lint.stdout)
        XCTAssertTrue(
            lint.stdout.contains("defs/specs/orders.yaml:9:5: error: operation GET '/orders/{orderId}' of 'specs/orders.yaml' has no route in API 'orders' [RF008]"),
            lint.stdout)
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("out").path))
    }

    /// Operations APIM imports from where routes were not matched with: `x-ms-paths`, and a
    /// path item given by `$ref`. Both linted clean and built, and APIM would publish them
    /// without a token check (the audit of the bundle, forty-fifth round). A method written
    /// in capitals is no operation OpenAPI reads, but one an importer may (audit V24).
    func testOperationsOutsideWhatRoutesAreMatchedWithAreRefused() throws {
        let extra = "x-ms-paths:\n  /orders?all=true:\n    delete: {operationId: purge-orders, responses: {'204': {description: Gone}}}\n"
        let referenced = "  /admin: {$ref: '#/components/pathItems/admin'}\ncomponents:\n  pathItems:\n    admin:\n      delete: {operationId: purge, responses: {'204': {description: Gone}}}\n"
        for (document, expected) in [
            (ordersSpecification + extra, "defs/specs/orders.yaml:13:1: error: 'defs/specs/orders.yaml' holds 'x-ms-paths', whose operations APIM would publish without the checks of a route [YS004]"),
            (ordersSpecification.replacingOccurrences(of: "openapi: 3.0.3", with: "openapi: 3.1.0") + referenced,
             "defs/specs/orders.yaml:13:12: error: path '/admin' of 'defs/specs/orders.yaml' is given by '$ref', whose operations routes are not matched with [YS004]"),
            (ordersSpecification.replacingOccurrences(of: "  /orders:\n", with: "  /orders:\n    DELETE: {operationId: purge, responses: {'204': {description: Gone}}}\n"),
             "defs/specs/orders.yaml:7:5: error: 'DELETE' under path '/orders' of 'defs/specs/orders.yaml' is no operation OpenAPI reads, and one an importer may publish without a route's checks [YS004]"),
        ] {
            try write(document, to: "defs/specs/orders.yaml")
            try writeAPI(openapi: "specs/orders.yaml", routes: ordersRoutes)
            let lint = try ToolProcess.run(["lint", "defs"], in: directory)
            XCTAssertEqual(lint.status, 1, lint.stdout)
            XCTAssertTrue(lint.stdout.contains(expected), lint.stdout)
            let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
            XCTAssertEqual(build.status, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: file("out").path))
        }
        // An empty one adds nothing.
        try write(ordersSpecification + "x-ms-paths: {}\n", to: "defs/specs/orders.yaml")
        let empty = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertFalse(empty.stdout.contains("YS004"), empty.stdout)
    }

    /// Operations without a route are listed one by one up to a hundred per API, then
    /// counted: one document of many operations named by many APIs made millions of
    /// findings, and gigabytes, before a report was cut (the audit of growth).
    func testOperationsWithoutARouteAreCountedPastAHundred() throws {
        let paths = (0..<150).map { "  /p\($0):\n    get: {operationId: op\($0), responses: {'200': {description: ok}}}\n" }.joined()
        try write("openapi: 3.0.3\ninfo: {title: Many, version: '1'}\npaths:\n" + paths, to: "defs/specs/many.yaml")
        for name in ["first", "second"] {
            try writeAPI(name, openapi: "specs/many.yaml", routes: "  - {id: op0, method: GET, path: /p0, scopes: [orders.read]}\n")
        }
        let lint = try ToolProcess.run(["lint", "defs", "--format", "json"], in: directory)
        XCTAssertEqual(lint.status, 1)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any])
        let messages = (report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        for name in ["first", "second"] {
            XCTAssertEqual(messages.filter { $0.hasSuffix("has no route in API '\(name)'") && $0.hasPrefix("operation GET") }.count, 100, name)
            XCTAssertTrue(messages.contains("49 more operations of 'specs/many.yaml' have no route in API '\(name)'"), "\(name): \(messages.suffix(3))")
        }
    }

    /// A document is found only among the run's files: never outside the folder given,
    /// through a link leading out, in a hidden folder, or by an absolute path.
    func testSpecificationPathsCannotLeaveTheInputs() throws {
        let canary = "canary-\(UUID().uuidString)"
        let leaked = ordersSpecification.replacingOccurrences(of: "title: Orders", with: "title: \(canary)")
        try write(leaked, to: "outside.yaml")
        try Data(leaked.utf8).write(to: outside.appendingPathComponent("spec.yaml"))
        try FileManager.default.createDirectory(at: file("defs/.hidden"), withIntermediateDirectories: true)
        try write(leaked, to: "defs/.hidden/spec.yaml")
        try FileManager.default.createSymbolicLink(
            atPath: file("defs/specs/linked.yaml").path, withDestinationPath: outside.appendingPathComponent("spec.yaml").path)
        for path in ["/etc/passwd.yaml", "specs/orders.txt", "specs//orders.yaml", "''"] {
            try writeAPI(openapi: path, routes: ordersRoutes)
            let lint = try ToolProcess.run(["lint", "defs"], in: directory)
            XCTAssertEqual(lint.status, 1, path)
            XCTAssertTrue(
                lint.stdout.contains("'openapi' must be the relative path of a '.yaml', '.yml' or '.json' file")
                    || lint.stdout.contains("'openapi' must be a string"), "\(path): \(lint.stdout)")
        }
        for path in ["../outside.yaml", "specs/../../outside.yaml", ".hidden/spec.yaml", "specs/linked.yaml", "../../../../../../../..\(outside.path)/spec.yaml"] {
            try writeAPI(openapi: path, routes: ordersRoutes)
            for format in ["text", "json", "sarif"] {
                let lint = try ToolProcess.run(["lint", "defs", "--format", format], in: directory)
                XCTAssertEqual(lint.status, 1, path)
                XCTAssertTrue(lint.stdout.contains("of API 'orders' is not among the inputs"), "\(path): \(lint.stdout.prefix(600))")
                XCTAssertFalse((lint.stdout + lint.stderr).contains(canary), path)
            }
        }
        // Named files are the inputs: a document must be named too, or found in a folder.
        try write(ordersSpecification, to: "defs/specs/orders.yaml")
        try writeAPI(openapi: "specs/orders.yaml", routes: ordersRoutes)
        let itself = try ToolProcess.run(["lint", "defs/gateway.yaml", "defs/orders.yaml", "defs/specs/orders.yaml"], in: directory)
        XCTAssertEqual(itself.status, 2, "a named document is not Portcullis's: \(itself.stderr)")
        let named = try ToolProcess.run(["lint", "defs/gateway.yaml", "defs/orders.yaml"], in: directory)
        XCTAssertEqual(named.status, 1)
        XCTAssertTrue(named.stdout.contains("OpenAPI document 'specs/orders.yaml' of API 'orders' is not among the inputs [RF001]"), named.stdout)
        // Excluded files are not inputs either.
        try write("exclude: ['specs/**']\n", to: "defs/portcullis.yaml")
        let excluded = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(excluded.status, 1)
        XCTAssertTrue(excluded.stdout.contains("is not among the inputs [RF001]"), excluded.stdout)
    }

    /// A broken or hostile document is a located diagnostic in it, in bounded time and
    /// memory, never a crash; so is one over the size limit, which is never read whole.
    func testHostileSpecificationsAreLocatedDiagnostics() throws {
        let laughs = "openapi: 3.0.1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + (1...9).map { "a\($0): &a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 10).joined(separator: ", ") + "]\n" }.joined()
            + "paths: {}\n"
        let cases: [(name: String, bytes: [UInt8], expected: String)] = [
            ("orders.yaml", Array("openapi: 3.0.1\npaths: {/orders: [\n".utf8), "defs/specs/orders.yaml:3:1: error: "),
            ("orders.json", Array("{\"openapi\": \"3.0.1\", \"paths\": {\"/orders\": {\"get\": ".utf8), "[YS001]"),
            ("orders.json", Array("{\"openapi\": \"3.0.1\", \"openapi\": \"3.0.2\", \"paths\": {}}".utf8), "[YS002]"),
            ("orders.yaml", Array("swagger: '1.2'\npaths: {}\n".utf8), "defs/specs/orders.yaml:1:10: error: 'defs/specs/orders.yaml' is not an OpenAPI document"),
            ("orders.yaml", Array("openapi: 3.0.1\npaths: {}\n---\nopenapi: 3.0.1\npaths: {}\n".utf8), "holds 2 YAML documents; it must hold one [YS004]"),
            ("orders.yaml", Array(laughs.utf8), "aliases expand to more than 100000 nodes in this document [YS006]"),
            ("orders.yaml", Array("openapi: 3.0.1\npaths: ".utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000), "[YS006]"),
            ("orders.yaml", Array("openapi: 3.0.1\npaths: {\"/a\": \"".utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8), "defs/specs/orders.yaml:2:16: error: invalid UTF-8"),
            // Not 8-bit text: read as definitions, so that what is wrong with it is said, and
            // not an OpenAPI document.
            ("orders.yaml", [0xFF, 0xFE] + Array("o\0p\0".utf8), "defs/specs/orders.yaml:1:1: error: file starts with a UTF-16"),
            ("orders.yaml", [0xFF, 0xFE] + Array("o\0p\0".utf8), "error: OpenAPI document 'specs/orders.yaml' of API 'orders' is a Portcullis file [RF001]"),
        ]
        for (index, testCase) in cases.enumerated() {
            try? FileManager.default.removeItem(at: file("defs/specs"))
            try FileManager.default.createDirectory(at: file("defs/specs"), withIntermediateDirectories: true)
            try Data(testCase.bytes).write(to: file("defs/specs/\(testCase.name)"))
            try writeAPI(openapi: "specs/\(testCase.name)", routes: ordersRoutes)
            let lint = try ToolProcess.run(["lint", "defs"], in: directory)
            XCTAssertEqual(lint.status, 1, "case \(index): \(lint.stdout)\(lint.stderr)")
            XCTAssertTrue(lint.stdout.contains(testCase.expected), "case \(index): \(lint.stdout)")
            // A duplicate key is reported and the document still read; the others stop reading.
            if index != 2 { XCTAssertFalse(lint.stdout.contains("[RF008]"), "case \(index): an unread document is not matched") }
            XCTAssertLessThan(lint.seconds, 5, "case \(index)")
            XCTAssertLessThan(lint.peakMemoryBytes, 300 << 20, "case \(index)")
        }
        // Over the size limit: reported at the document, which is never read whole.
        try write(ordersSpecification + "# " + String(repeating: "x", count: 4096) + "\n", to: "defs/specs/orders.yaml")
        try writeAPI(openapi: "specs/orders.yaml", routes: ordersRoutes)
        let large = try ToolProcess.run(["lint", "defs", "--max-file-size", "2048"], in: directory)
        XCTAssertEqual(large.status, 1)
        XCTAssertTrue(large.stdout.contains("defs/specs/orders.yaml:1:1: error: file is 4"), large.stdout)
        XCTAssertTrue(large.stdout.contains("larger than the limit of 2048 bytes [YS006]"), large.stdout)
    }

    /// `diff` reads both sides with their documents: neither side is unreadable for want of one.
    func testDiffComparesProjectsThatNameTheirDocuments() throws {
        try write(ordersSpecification, to: "defs/specs/orders.yaml")
        try writeAPI(openapi: "specs/orders.yaml", routes: ordersRoutes)
        try FileManager.default.copyItem(at: file("defs"), to: file("head"))
        try write(
            try String(contentsOf: file("head/orders.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "path: /orders, scopes: [orders.read]", with: "path: /orders, scopes: [orders.admin]"),
            to: "head/orders.yaml")
        let diff = try ToolProcess.run(["diff", "defs", "head"], in: directory)
        XCTAssertFalse(diff.stdout.contains("RF001"), diff.stdout)
        XCTAssertTrue(diff.stdout.contains("route 'orders/list-orders' no longer accepts scope 'orders.read'"), diff.stdout + diff.stderr)
    }

    /// The document is published as written, so a credential in it is SE001 where it is
    /// written, masked in every report, and the bundle is not written.
    func testSecretsInADocumentAreReportedMaskedAndNeverBuilt() throws {
        let canary = "Zq9" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ\(canary)In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        try write(
            ordersSpecification.replacingOccurrences(
                of: "parameters: [", with: "parameters: [{name: Authorization, in: header, example: 'Bearer \(token)'}, "),
            to: "defs/specs/orders.yaml")
        try writeAPI(openapi: "specs/orders.yaml", routes: ordersRoutes)
        for format in ["text", "json", "sarif", "github"] {
            let lint = try ToolProcess.run(["lint", "defs", "--format", format], in: directory)
            XCTAssertEqual(lint.status, 1, format)
            XCTAssertTrue(lint.stdout.contains("SE001"), "\(format): \(lint.stdout)")
            XCTAssertFalse((lint.stdout + lint.stderr).contains(canary), format)
        }
        let text = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertTrue(text.stdout.contains("defs/specs/orders.yaml:11:63: error: this value looks like a credential [SE001]"), text.stdout)
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertNotEqual(build.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("out").path))
    }

    /// Other YAML and JSON beside the definitions is kept for references, never read as
    /// anything: a broken OpenAPI file no API names reports nothing, and JSON files are
    /// not counted as skipped definitions.
    func testUnnamedDocumentsAreNeverRead() throws {
        try write(ordersSpecification, to: "defs/specs/orders.yaml")
        try write("openapi: 3.0.1\npaths: {/x: [\n", to: "defs/specs/broken.yaml")
        try write("{\"name\": \"web\", \"dependencies\": {", to: "defs/package.json")
        try writeAPI(openapi: "specs/orders.yaml", routes: ordersRoutes)
        let lint = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        // The named document is an input; the broken one no API names is skipped.
        XCTAssertTrue(lint.stdout.hasSuffix("in 3 files (1 other file skipped)\n"), lint.stdout)
    }
}
