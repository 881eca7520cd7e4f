import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `import openapi FILE --out DIR` through the built executable: the project it writes lints
/// with only the findings nothing in the document could settle, builds once they are fixed,
/// and carries the document byte for byte; what it could not keep as written is reported;
/// hostile input and output folders end in a located diagnostic or a refusal, never a crash,
/// and nothing is written outside `--out`.
final class ImportOpenAPITests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private static let petStore = """
        openapi: 3.0.3
        info:
          title: Pet Store
          description: Pets for sale.
          version: "1.0"
        servers:
          - url: https://pets.example.com/store/v1
        paths:
          /pets:
            get:
              operationId: list-pets
              summary: List the pets
              responses: {"200": {description: ok}}
            post:
              operationId: create-pet
              responses: {"201": {description: created}}
          /pets/{petId}:
            get:
              operationId: get-pet
              summary: One pet
              responses: {"200": {description: ok}}

        """

    private func write(_ text: String, to name: String) throws {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func read(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    private func run(_ arguments: [String]) throws -> ToolProcess.Result {
        try ToolProcess.run(arguments, in: directory)
    }

    /// The JSON report's `import` member and the codes of its findings.
    private func importJSON(_ arguments: [String]) throws -> (status: Int32, report: [String: Any], codes: [String]) {
        let result = try run(["import", "openapi"] + arguments + ["--format", "json"])
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stderr)
        let codes = (document["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        return (result.status, document["import"] as? [String: Any] ?? [:], codes)
    }

    private func snapshot() throws -> [String: Data] {
        try OutputFolderSafetyTests.snapshot(directory)
    }

    func testADocumentBecomesAProjectThatLintsAndBuildsOnceTheFindingsAreFixed() throws {
        try write(Self.petStore, to: "pets.yaml")
        let result = try run(["import", "openapi", "pets.yaml", "--out", "defs"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(
            try read("defs/apis/pet-store.yaml"),
            """
            # Written by 'portcullis import openapi' as a starting point; its report lists what to check.
            apiVersion: portcullis/v1
            kind: API
            name: pet-store
            displayName: "Pet Store"
            description: "Pets for sale."
            path: store/v1
            backend: "https://pets.example.com/store/v1"
            openapi: "../specs/pet-store.yaml"
            routes:
              - id: list-pets
                method: GET
                path: "/pets"
                summary: "List the pets"
              - id: create-pet
                method: POST
                path: "/pets"
              - id: get-pet
                method: GET
                path: "/pets/{petId}"
                summary: "One pet"

            """)
        XCTAssertEqual(try read("defs/specs/pet-store.yaml"), Self.petStore, "the document is kept byte for byte")
        XCTAssertTrue(try read("defs/gateway.yaml").contains("kind: Gateway\nname: pet-store\n"))
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(
            Array(lines.prefix(7)),
            [
                "imported 'pets.yaml' as API 'pet-store' (name from info.title)",
                "  wrote gateway.yaml", "  wrote apis/pet-store.yaml", "  wrote specs/pet-store.yaml",
                "  route list-pets: GET /pets (operation 'list-pets' at line 10)",
                "  route create-pet: POST /pets (operation 'create-pet' at line 14)",
                "  route get-pet: GET /pets/{petId} (operation 'get-pet' at line 18)",
            ])
        XCTAssertTrue(lines.contains("lint of the imported project:"), result.stdout)
        XCTAssertTrue(lines.contains("7 errors, 0 warnings in 3 files"), result.stdout)

        // Only what the document cannot say is found: how callers authenticate and how often
        // they may call. Routes and operations match both ways (no RF008).
        let lint = try run(["lint", "defs", "--format", "json"])
        let findings = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any])
        let codes = Set((findings["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
        XCTAssertEqual(codes, ["LP001", "LP007", "RL001"], lint.stdout)

        // Fixed as a team would: an identity provider as the default, a rate limit and scopes.
        try write(
            try read("defs/gateway.yaml")
                + "identityProviders:\n  entra:\n    type: jwt\n"
                + "    issuer: https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0\n"
                + "    openidConfig: https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/.well-known/openid-configuration\n"
                + "    audiences: [api://pet-store]\n"
                + "scopes:\n  pets.read: {access: read}\n  pets.write: {access: write}\n"
                + "defaults:\n  auth: entra\n  rateLimit: {calls: 100, per: 60s, key: subscription}\n",
            to: "defs/gateway.yaml")
        try write(
            try read("defs/apis/pet-store.yaml")
                .replacingOccurrences(of: "    method: GET\n", with: "    method: GET\n    scopes: [pets.read]\n")
                .replacingOccurrences(of: "    method: POST\n", with: "    method: POST\n    scopes: [pets.write]\n"),
            to: "defs/apis/pet-store.yaml")
        let build = try run(["build", "defs", "--out", "bundle"])
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        XCTAssertEqual(try read("bundle/apim/apis/pet-store/specification.yaml"), Self.petStore)
    }

    func testSwagger2InJSONIsNamedFromItsFileAndKeptAsJSON() throws {
        let document = """
            {"swagger": "2.0", "info": {"version": "1"}, "host": "inventory.example.com", "basePath": "/inventory",
             "schemes": ["http", "https"],
             "paths": {"/items/{sku}": {"get": {"operationId": "get-item", "responses": {"200": {"description": "ok"}}}}}}

            """
        try write(document, to: "Stock Keeping.json")
        let (status, report, codes) = try importJSON(["Stock Keeping.json", "--out", "defs"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(report["api"] as? String, "stock-keeping")
        XCTAssertEqual(report["apiNamedFrom"] as? String, "file name")
        XCTAssertEqual(report["files"] as? [String], ["gateway.yaml", "apis/stock-keeping.yaml", "specs/stock-keeping.json"])
        XCTAssertEqual(try read("defs/specs/stock-keeping.json"), document)
        let api = try read("defs/apis/stock-keeping.yaml")
        XCTAssertTrue(api.contains("\npath: inventory\nbackend: \"https://inventory.example.com/inventory\"\n"), api)
        XCTAssertEqual(Set(codes), ["LP001", "RL001"])

        // '--name' takes an APIM resource name; the gateway's name is made of it.
        let named = try importJSON(["Stock Keeping.json", "--out", "named", "--name", "Stock_V2"])
        XCTAssertEqual(named.status, 0)
        XCTAssertEqual(named.report["apiNamedFrom"] as? String, "--name")
        XCTAssertEqual(named.report["files"] as? [String], ["gateway.yaml", "apis/Stock_V2.yaml", "specs/Stock_V2.json"])
        XCTAssertTrue(try read("named/gateway.yaml").hasSuffix("kind: Gateway\nname: stock-v2\n"))
        XCTAssertEqual(Set(named.codes), ["LP001", "RL001"])
    }

    func testWhatCannotBeKeptAsWrittenIsRenamedOrDroppedAndReported() throws {
        try write(
            """
            openapi: 3.1.0
            info: {title: "@(evil) ../../etc", description: "Returns {{x}}"}
            servers: [{url: "http://plain.example.com/api"}]
            paths:
              /orders:
                get: {operationId: listOrders, summary: "All orders"}
                post: {operationId: create-order}
              /orders/{order-id}:
                get: {operationId: create-order}
                delete: {}
                trace: {operationId: trace-order}
              /a|b:
                get: {operationId: odd}

            """, to: "in/orders.yaml")
        let (status, report, codes) = try importJSON(["in/orders.yaml", "--out", "defs"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(report["api"] as? String, "evil-etc", "the title's odd characters never reach a path")
        let routes = (report["routes"] as? [[String: Any]] ?? []).map { "\($0["route"]!) \($0["method"]!) \($0["routePath"]!)" }
        XCTAssertEqual(
            routes,
            ["listOrders GET /orders", "create-order POST /orders", "create-order-2 GET /orders/{order_id}", "delete-orders-order-id DELETE /orders/{order_id}"])
        let changes = (report["changes"] as? [[String: Any]] ?? []).map { change in
            "\(change["line"].map { "\($0)" } ?? "-") \(change["kind"]!): \(change["message"]!)"
        }
        XCTAssertEqual(
            changes,
            [
                "8 renamed: path '/orders/{order-id}' of GET is not a route path (parameter names are letters, digits and '_', starting with a letter), so the route's path is '/orders/{order_id}'",
                "8 renamed: path '/orders/{order-id}' of DELETE is not a route path (parameter names are letters, digits and '_', starting with a letter), so the route's path is '/orders/{order_id}'",
                "9 renamed: operationId 'create-order' of GET '/orders/{order-id}' is an earlier operation's too, so its route is 'create-order-2'",
                "10 renamed: DELETE '/orders/{order-id}' has no operationId, so its route is 'delete-orders-order-id'",
                "11 dropped: TRACE '/orders/{order-id}' has no route: a route's method is one of GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE",
                "12 dropped: path '/a|b' of GET is not a route path ('|' is not allowed in a route path), so the operation has no route",
                "- dropped: the API's title is left out of the definitions: it starts with '@(' or '@{', which APIM would run as a policy expression",
                "- dropped: the API's description is left out of the definitions: it holds '{{' or '}}', which the language reads as a named-value reference",
                "- placeholder: the first server URL is not an absolute https URL, so the backend is 'https://backend.invalid'",
            ])
        // The definitions themselves read back; what stays is the document's own paths and
        // operationIds, which the report says how to fix.
        XCTAssertEqual(Set(codes), ["LP001", "LP007", "RL001", "RF008", "YS004"], "\(codes)")
        let lint = try run(["lint", "defs"])
        let frontEnd = lint.stdout.split(separator: "\n").filter { $0.contains(": error: ") && ($0.contains("[YS") || $0.contains("[RF")) }
        XCTAssertEqual(frontEnd.filter { $0.contains("[YS") }.count, 2, lint.stdout)
        XCTAssertTrue(frontEnd.allSatisfy { $0.hasPrefix("defs/specs/evil-etc.yaml:") || $0.contains("[RF008]") }, lint.stdout)
    }

    func testOddNamesBecomeValidNames() throws {
        let long = String(repeating: "segment", count: 12)
        try write(
            """
            openapi: 3.0.0
            info: {version: '1'}
            paths:
              /x:
                get: {operationId: "日本語"}
                put: {operationId: "a--b"}
                post: {operationId: "\(long)"}
                delete: {operationId: "\\u0007bell"}

            """, to: "ünï côdé!.yaml")
        let (status, report, _) = try importJSON(["ünï côdé!.yaml", "--out", "defs"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(report["api"] as? String, "n-c-d")
        let routes = (report["routes"] as? [[String: Any]] ?? []).compactMap { $0["route"] as? String }
        XCTAssertEqual(routes, ["get-x", "a-b", String(long.prefix(64)), "bell"])
        let lint = try run(["lint", "defs"])
        XCTAssertFalse(lint.stdout.contains("[YS"), lint.stdout)
        XCTAssertEqual(lint.stdout.components(separatedBy: "[RF008]").count - 1, 4, "each renamed route is reported until the document agrees")
    }

    /// An API named from a title (or file name) holding a credential carried it, lowercased
    /// and hyphenated so that no check knew it, into every report, file name and APIM's
    /// resource name (found by a hostile audit). Such a text names nothing.
    func testNoAPIIsNamedFromACredential() throws {
        let key = "sk_live_4ec39hqlyjwdarjtt1zdp7dc"
        try write("openapi: 3.0.1\ninfo: {title: \"\(key)\", version: '1'}\npaths: {/invoices: {get: {operationId: list-invoices, responses: {'200': {description: ok}}}}}\n", to: "doc3.yaml")
        let (status, report, _) = try importJSON(["doc3.yaml", "--out", "defs"])
        // The document carried holds the credential: an error to resolve.
        XCTAssertEqual(status, 1)
        XCTAssertEqual(report["api"] as? String, "doc3")
        try write("openapi: 3.0.1\ninfo: {version: '1'}\npaths: {/x: {get: {operationId: get-x, responses: {'200': {description: ok}}}}}\n", to: "\(key).yaml")
        let (fileStatus, fileReport, _) = try importJSON(["\(key).yaml", "--out", "defs-file"])
        XCTAssertEqual(fileStatus, 0)
        XCTAssertEqual(fileReport["api"] as? String, "api")
        let lint = try run(["lint", "defs", "defs-file"])
        XCTAssertFalse(lint.stdout.contains("4ec39hqlyjwdarjtt1zdp7dc"), lint.stdout)
    }

    /// A credential the document writes out (a server URL's `?code=` key) is copied into the
    /// definitions the import writes (the API's backend, and the document carried as it is): it is the document's, but the team must move it to Key
    /// Vault before committing the project, so the import says so and exits 1, as for a
    /// named value holding one (found by the audit of the forty-second round: exit 0).
    func testACredentialCopiedIntoTheProjectIsAnErrorToResolve() throws {
        let key = "Zq8vN3xK7pW2mR5tY9bC4dF6gH1jL0aS3eU8iO2wQ7zX=="
        try write(Self.petStore.replacingOccurrences(of: "https://pets.example.com/store/v1", with: "https://pets.example.com/store/v1?code=\(key)"), to: "pets.yaml")
        let result = try run(["import", "openapi", "pets.yaml", "--out", "defs"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("[SE001]"), result.stdout)
        XCTAssertTrue(
            result.stderr.contains("portcullis: the imported project holds 2 credentials written out (SE001 above); put each in a Key Vault secret before committing it\n"),
            result.stderr)
        XCTAssertFalse((result.stdout + result.stderr).contains(key), result.stdout + result.stderr)
        XCTAssertEqual(try run(["import", "openapi", "pets.yaml", "--out", "defs-quiet", "--quiet"]).stderr, "")
    }

    /// A server URL's user name and password stay out of the definitions written: `backend`
    /// is the URL without them and the report says so (audit V34: they were copied into
    /// `backend`, where only lint's SE001 stood between them and a commit). The document
    /// itself is carried as it is, so its credential is still an error to resolve.
    func testAServerURLsUserAndPasswordStayOutOfTheBackend() throws {
        let password = "Tr0ub4dor-and-3-horses"
        try write(Self.petStore.replacingOccurrences(of: "https://pets.example.com", with: "https://ops:\(password)@pets.example.com"), to: "pets.yaml")
        let (status, report, _) = try importJSON(["pets.yaml", "--out", "defs"])
        XCTAssertEqual(status, 1)
        let definitions = try read("defs/apis/pet-store.yaml")
        XCTAssertTrue(definitions.contains("backend: \"https://pets.example.com/store/v1\"\n"), definitions)
        XCTAssertFalse(definitions.contains(password), definitions)
        let changes = (report["changes"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        XCTAssertTrue(changes.contains("the first server URL's user name and password are left out of 'backend'"), "\(changes)")
        // A password holding a `/` ends the host early: the port is no number, and the URL
        // is not taken (audit V41: it became the backend).
        try write(Self.petStore.replacingOccurrences(of: "https://pets.example.com", with: "https://ops:Tr0ub4dor/and3@pets.example.com"), to: "slash.yaml")
        _ = try importJSON(["slash.yaml", "--out", "defs-slash"])
        let slash = try read("defs-slash/apis/pet-store.yaml")
        XCTAssertTrue(slash.contains("backend: \"https://backend.invalid\"\n"), slash)
        XCTAssertFalse(slash.contains("Tr0ub4dor"), slash)
        // Nor one where an `@` is left; an IPv6 address and its port are a host (audit V42).
        for (server, backend) in [("https://ops:Tr0ub@dor/and3@pets.example.com", "https://backend.invalid"), ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443/store/v1")] {
            let name = "server-\(backend.count)"
            try write(Self.petStore.replacingOccurrences(of: "https://pets.example.com", with: server), to: name + ".yaml")
            _ = try importJSON([name + ".yaml", "--out", "defs-" + name])
            let written = try read("defs-\(name)/apis/pet-store.yaml")
            XCTAssertTrue(written.contains("backend: \"\(backend)\"\n"), written)
            XCTAssertFalse(written.contains("dor/and3"), written)
        }
    }

    /// The report quotes the document: a path holding ESC and a bidirectional override and
    /// an operationId holding a line break and a C1 control are shown escaped, in text and JSON.
    func testTheDocumentsControlCharactersAreShownEscaped() throws {
        let document = Self.petStore
            .replacingOccurrences(of: "  /pets:\n", with: "  \"/pets\\e[2J\\u202E\":\n")
            .replacingOccurrences(of: "operationId: get-pet", with: "operationId: \"get\\n::error file=x::forged\\x85pet\"")
        try write(document, to: "pets.yaml")
        for (format, out) in [("text", "defs-text"), ("json", "defs-json")] {
            let result = try run(["import", "openapi", "pets.yaml", "--out", out, "--format", format])
            let output = result.stdout + result.stderr
            XCTAssertFalse(output.split(separator: "\n").contains { $0.hasPrefix("::error file=x::forged") }, "\(format): \(output)")
            XCTAssertFalse(output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" || $0 == "\u{85}" }, "\(format): \(output)")
        }
    }

    func testTenThousandOperationsImportQuickly() throws {
        var text = "openapi: 3.0.0\ninfo: {title: Big, version: '1'}\nservers: [{url: 'https://big.example.com/api'}]\npaths:\n"
        for index in 0..<10_000 { text += "  /items\(index)/{id}:\n    get: {operationId: get-item-\(index), summary: Item \(index)}\n" }
        try write(text, to: "big.yaml")
        let result = try BoundedRun.run(["import", "openapi", "big.yaml", "--out", "defs", "--format", "json"], in: directory, seconds: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertLessThan(result.seconds, 15, "a release build takes under a second; a debug build on a busy machine about five")
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((document["import"] as? [String: Any])?["routes"].map { ($0 as? [Any])?.count }, 10_000)
        let codes = Set((document["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
        XCTAssertEqual(codes, ["LP001", "RL001"])
    }

    func testUnreadableDocumentsAreRefusedAndNothingIsWritten() throws {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try write("openapi: 3.0.0\npaths: {a: [\n", to: "broken.yaml")
        try write("{\"openapi\": \"3.0.0\", \"paths\": {\"/a\": {\"get\": {}}", to: "broken.json")
        try write("openapi: 3.0.0\ninfo: {title: none}\npaths: {}\n", to: "empty.yaml")
        try write("- just\n- a list\n", to: "list.yaml")
        try Data(repeating: UInt8(ascii: "a"), count: 16 * 1024 * 1024 + 1).write(to: directory.appendingPathComponent("huge.yaml"))
        try write("{\"openapi\": \"3.0.0\", \"paths\": " + String(repeating: "[", count: 100_000) + "}", to: "deep.json")
        let laughs = (1...6).map { level in "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        try write("openapi: 3.0.0\nl0: &l0 [x]\n" + laughs.joined() + "paths: {/a: {get: {operationId: a}}}\n", to: "laughs.yaml")
        try Data("openapi: 3.0.0\ninfo: {title: \u{FF}}\n".utf8.map { $0 == 0xC3 ? 0xFF : $0 }).write(to: directory.appendingPathComponent("utf8.yaml"))
        try write("openapi: 3.0.0\npaths: {}\n---\nopenapi: 3.0.0\npaths: {}\n", to: "two.yaml")
        XCTAssertEqual(mkfifo(directory.appendingPathComponent("fifo.yaml").path, 0o644), 0)
        let before = try snapshot()
        let cases: [(file: String, status: Int32, output: String)] = [
            ("missing.yaml", 2, "portcullis: error: cannot read 'missing.yaml': it does not exist\n"),
            ("folder", 2, "portcullis: error: cannot read 'folder': it is a folder, not a file\n"),
            ("broken.yaml", 1, "broken.yaml:3:1: error: did not find expected node content [YS001]"),
            ("broken.json", 1, "broken.json:2:1: error: did not find expected ',' or '}' [YS001]"),
            ("empty.yaml", 1, "empty.yaml:1:1: error: 'empty.yaml' has no operation a route can have, and an API needs at least one route [YS004]"),
            ("list.yaml", 1, "list.yaml:1:1: error: 'list.yaml' is not an OpenAPI document: it is not a mapping [YS004]"),
            ("huge.yaml", 1, "huge.yaml:1:1: error: file is 16777217 bytes, larger than the limit of 16777216 bytes [YS006]"),
            ("deep.json", 1, "deep.json:1:94: error: nesting is deeper than the limit of 64 levels [YS006]"),
            ("laughs.yaml", 1, "laughs.yaml:7:"),
            ("utf8.yaml", 1, "utf8.yaml:2:15: error: invalid UTF-8: byte 0xFF cannot start a character [YS001]"),
            ("two.yaml", 1, "two.yaml:4:1: error: 'two.yaml' holds 2 YAML documents; it must hold one [YS004]"),
            ("fifo.yaml", 2, "portcullis: error: cannot read 'fifo.yaml': it is not a regular file\n"),
        ]
        for (file, status, output) in cases {
            let result = try BoundedRun.run(["import", "openapi", file, "--out", "defs"], in: directory, seconds: 10)
            XCTAssertEqual(result.status, status, file)
            XCTAssertTrue((result.stdout + result.stderr).hasPrefix(output), "\(file): \(result.stdout)\(result.stderr)")
            XCTAssertEqual(try snapshot(), before, "\(file): nothing written")
        }
        let json = try importJSON(["broken.yaml", "--out", "defs"])
        XCTAssertEqual(json.status, 1)
        XCTAssertEqual(json.codes, ["YS001"])
        XCTAssertTrue(json.report.isEmpty, "no import member when nothing was imported")
        let badName = try run(["import", "openapi", "broken.yaml", "--out", "defs", "--name", "../x"])
        XCTAssertEqual(badName.status, 64, badName.stderr)
        XCTAssertEqual(try snapshot(), before)
    }

    /// Options an import cannot honour are usage errors, not ignored, and its help does not
    /// offer them: `--env` (an import lints what it writes in every environment), and report
    /// formats that would drop its report of what became what (found by an audit of the
    /// README: `--env nosuch` exited 0).
    func testOptionsAnImportCannotHonourAreUsageErrorsAndNotOffered() throws {
        try write(Self.petStore, to: "in/pets.yaml")
        let before = try snapshot()
        for command in [["import", "openapi", "in/pets.yaml"], ["import", "apiops", "in"]] {
            for (option, message) in [
                (["--env", "prod"], "import lints the project it writes in every environment it has; '--env' does not apply"),
                (["--format", "sarif"], "The value 'sarif' is invalid for '--format <format>'. Please provide one of 'text' and 'json'."),
                (["--format", "github"], "The value 'github' is invalid for '--format <format>'. Please provide one of 'text' and 'json'."),
            ] {
                let result = try run(command + ["--out", "defs"] + option)
                XCTAssertEqual(result.status, 64, "\(command) \(option): \(result.stderr)")
                XCTAssertTrue(result.stderr.hasPrefix("Error: \(message)\n"), result.stderr)
            }
            let help = try run(command.dropLast() + ["--help"])
            XCTAssertEqual(help.status, 0, help.stderr)
            XCTAssertTrue(help.stdout.contains("--format <format>"), help.stdout)
            for offered in ["--env", "sarif", "github"] {
                XCTAssertFalse(help.stdout.contains(offered), "\(command) --help offers '\(offered)': \(help.stdout)")
            }
        }
        XCTAssertEqual(try snapshot(), before, "nothing written")
        let lintHelp = try run(["lint", "--help"])
        XCTAssertTrue(lintHelp.stdout.contains("--env <name>") && lintHelp.stdout.contains("sarif"), lintHelp.stdout)
    }

    func testOutputFoldersItMustNotReplaceAreRefusedUntouched() throws {
        try write(Self.petStore, to: "in/pets.yaml")
        try write("keep\n", to: "notes/keep.txt")
        let elsewhere = directory.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("to-notes").path, withDestinationPath: "notes")
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("to-elsewhere").path, withDestinationPath: "elsewhere")
        // A bundle a build wrote, which a build may replace and an import must not.
        let built = try run(["build", BundleTests.contoso.path, "--out", "bundle", "--quiet"])
        XCTAssertEqual(built.status, 0, built.stderr)
        let before = try snapshot()
        let cases: [(out: String, message: String)] = [
            ("notes", "will not replace 'notes': it is not empty; write to a new or empty folder"),
            ("to-notes", "will not replace 'to-notes', a link to '\(directory.resolvingSymlinksInPath().path)/notes': it is not empty; write to a new or empty folder"),
            ("bundle", "will not replace 'bundle': it is not empty; write to a new or empty folder"),
            ("in", "will not replace 'in': it holds the input 'in/pets.yaml'"),
            (".", "will not replace '.': it is the working directory"),
            ("missing/defs", "cannot write 'missing/defs': its parent folder does not exist"),
        ]
        for (out, message) in cases {
            let result = try run(["import", "openapi", "in/pets.yaml", "--out", out])
            XCTAssertEqual(result.status, 2, out)
            XCTAssertEqual(result.stderr, "portcullis: error: \(message)\n", out)
            XCTAssertEqual(try snapshot(), before, "\(out): nothing touched")
        }
        // The report would replace what the import writes (found by a hostile audit of build).
        for command in [["import", "openapi", "in/pets.yaml"], ["import", "apiops", "in"]] {
            let result = try run(command + ["--out", "defs", "--output", "defs/gateway.yaml"])
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertEqual(result.stderr, "portcullis: error: will not replace 'defs/gateway.yaml': it is inside the output folder 'defs'\n")
            XCTAssertEqual(try snapshot(), before, "nothing written")
        }
        // A link to an empty folder leads there, as for build; the link stays a link.
        let result = try run(["import", "openapi", "in/pets.yaml", "--out", "to-elsewhere"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).sorted(), ["apis", "gateway.yaml", "specs"])
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: directory.appendingPathComponent("to-elsewhere").path), "elsewhere")
        var after = try snapshot()
        after = after.filter { !$0.key.hasPrefix("elsewhere/") }
        XCTAssertEqual(after, before, "nothing but the output folder changes")
        // An import is never written over: the folder now holds a project.
        let again = try run(["import", "openapi", "in/pets.yaml", "--out", "elsewhere"])
        XCTAssertEqual(again.status, 2)
    }
}
