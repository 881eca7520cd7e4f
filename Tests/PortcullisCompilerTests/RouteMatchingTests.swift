import Foundation
import PortcullisChecker
import XCTest

/// Which route's checks a request meets depends on how APIM matches it to an operation, and
/// which backend operation it reaches on how the backend reads the path: a route must not
/// cover paths no route declares, two routes must not differ only in how a caller spells
/// the path, and a route added that reaches what another guards is weighed against it
/// (audit V30). Each through the executable.
final class RouteMatchingTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func project(_ name: String, routes: String) throws -> URL {
        try ExampleProject.write(to: directory.appendingPathComponent(name), routes: routes)
    }

    /// APIM reads `*` in an operation's template as a wildcard: `GET /orders/*` with a read
    /// scope linted clean and opened every GET under `/orders`, the undeclared ones too.
    func testAWildcardPathIsRefused() throws {
        for path in ["/orders/*", "/*", "/orders/a*b"] {
            let folder = try project("wildcard-\(path.count)", routes: "  - {id: list-orders, method: GET, path: \"\(path)\", scopes: [orders.read]}\n")
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.status, 1, "\(path): \(lint.stdout)\(lint.stderr)")
            XCTAssertTrue(lint.stdout.contains("error: invalid route path '\(path)' [YS004]"), lint.stdout)
            XCTAssertTrue(lint.stdout.contains("'*' is a wildcard to APIM"), lint.stdout)
            let build = try ToolProcess.run(["build", ".", "--out", "bundle"], in: folder)
            XCTAssertEqual(build.status, 1, "\(path): \(build.stdout)\(build.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("bundle").path), path)
        }
    }

    /// `DELETE /Orders/{id}` for a write token beside `DELETE /orders/{id}` for an admin's
    /// built clean: a backend that reads paths without case serves the admin's operation
    /// to whoever spells the path with a capital.
    func testRoutesDifferingOnlyInLetterCaseAreRF003() throws {
        let folder = try project(
            "case",
            routes: "  - {id: cancel-order, method: DELETE, path: \"/orders/{id}\", scopes: [orders.admin]}\n  - {id: drop-order, method: DELETE, path: \"/Orders/{number}\", scopes: [orders.write]}\n")
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("error: routes 'cancel-order' and 'drop-order' both match DELETE '/Orders/{number}' [RF003]"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("note: the paths differ only in letter case"), lint.stdout)
    }

    /// A route added whose requests reach an instance of an operation another route guards
    /// (a rewrite to `/tenants/acme/all` beside `/tenants/{tenant}/all`), or, from another
    /// API on the same backend, a template that covers it, is compared with that route's
    /// checks: only the same template was looked for, and the gate passed a write token to
    /// an admin's operation (audit V30). Each operation is weighed with its own guards: a
    /// covered operation as open as the route hid the admin's (audit V35).
    func testARouteAddedThatMayReachAGuardedOperationIsWeighed() throws {
        let guarded = "  - {id: purge-tenant, method: DELETE, path: \"/tenants/{tenant}/all\", scopes: [orders.admin]}\n  - {id: list-tenants, method: GET, path: /tenants, scopes: [orders.read]}\n"
        let base = try project("base", routes: guarded + "  - {id: drop-archive, method: DELETE, path: \"/archive/{x}/old\", scopes: [orders.write]}\n")
        // Another API whose backend is the orders API's.
        let covering = RuleExample.api("shop", routes: "  - {id: drop-item, method: DELETE, path: \"/{collection}/{id}/{item}\", scopes: [orders.write]}\n").text
            .replacingOccurrences(of: "backend: https://shop.example.com", with: "backend: https://orders.example.com")
        for (name, added, besides, reached) in [
            ("instance", "  - {id: purge-acme, method: DELETE, path: /maintenance/acme, scopes: [orders.write], rewrite: {path: /tenants/acme/all}}\n", nil, "DELETE /tenants/acme/all"),
            ("covering", "", covering, "DELETE /{collection}/{id}/{item}"),
            ("pattern", "  - {id: purge-json, method: DELETE, path: \"/tenants/{tenant}/all.json\", scopes: [orders.write], rewrite: {path: \"/tenants/{tenant}/all\"}}\n", nil, "DELETE /tenants/{tenant}/all"),
        ] {
            let head = try project(name, routes: guarded + "  - {id: drop-archive, method: DELETE, path: \"/archive/{x}/old\", scopes: [orders.write]}\n" + added)
            if let besides { try besides.write(to: head.appendingPathComponent("shop.yaml"), atomically: true, encoding: .utf8) }
            let gate = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase"])
            XCTAssertEqual(gate.status, 1, "\(name): \(gate.stdout)\(gate.stderr)")
            XCTAssertTrue(gate.stdout.contains("privilege increase:") && gate.stdout.contains("where 'orders/purge-tenant' guards"), "\(name): \(gate.stdout)")
            XCTAssertTrue(gate.stdout.contains(reached), "\(name): \(gate.stdout)")
        }
        // A route added beside, reaching no operation a guard's requests may reach, is not;
        // nor is a template covering a guard's literal segment in the guard's own API, where
        // the guard's template is the more specific (audit V35: an everyday change).
        let ordinary = guarded + "  - {id: export-tenants, method: GET, path: /tenants/export, scopes: [orders.admin]}\n"
        let before = try project("ordinary-base", routes: ordinary)
        for (name, added) in [
            ("apart", "  - {id: purge-cache, method: DELETE, path: /tenants/cache, scopes: [orders.write]}\n"),
            ("sibling", "  - {id: get-tenant, method: GET, path: \"/tenants/{tenant}\", scopes: [orders.read]}\n"),
        ] {
            let head = try project(name, routes: ordinary + added)
            let gate = try ToolProcess.run(["diff", before.path, head.path, "--fail-on", "privilege-increase"])
            XCTAssertEqual(gate.status, 0, "\(name): \(gate.stdout)\(gate.stderr)")
        }
    }
}
