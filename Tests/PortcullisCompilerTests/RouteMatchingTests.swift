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
        let folder = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try RuleExample.baseGateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try RuleExample.api(routes: routes).text.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        return folder
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
    /// (a rewrite to `/tenants/acme/all` beside `/tenants/{tenant}/all`), or a template that
    /// covers it, is compared with that route's checks: only the same template was looked
    /// for, and the gate passed a write token to an admin's operation.
    func testARouteAddedThatMayReachAGuardedOperationIsWeighed() throws {
        let guarded = "  - {id: purge-tenant, method: DELETE, path: \"/tenants/{tenant}/all\", scopes: [orders.admin]}\n  - {id: list-tenants, method: GET, path: /tenants, scopes: [orders.read]}\n"
        let base = try project("base", routes: guarded)
        for (name, added, reached) in [
            ("instance", "  - {id: purge-acme, method: DELETE, path: /maintenance/acme, scopes: [orders.write], rewrite: {path: /tenants/acme/all}}\n", "DELETE /tenants/acme/all"),
            ("covering", "  - {id: drop-item, method: DELETE, path: \"/{collection}/{id}/{item}\", scopes: [orders.write]}\n", "DELETE /{collection}/{id}/{item}"),
            ("pattern", "  - {id: purge-json, method: DELETE, path: \"/tenants/{tenant}/all.json\", scopes: [orders.write], rewrite: {path: \"/tenants/{tenant}/all\"}}\n", "DELETE /tenants/{tenant}/all"),
        ] {
            let head = try project(name, routes: guarded + added)
            let gate = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase"])
            XCTAssertEqual(gate.status, 1, "\(name): \(gate.stdout)\(gate.stderr)")
            XCTAssertTrue(gate.stdout.contains("privilege increase:") && gate.stdout.contains("where 'orders/purge-tenant' guards"), "\(name): \(gate.stdout)")
            XCTAssertTrue(gate.stdout.contains(reached), "\(name): \(gate.stdout)")
        }
        // A route added beside, reaching no operation a guard's requests may reach, is not.
        let apart = try project("apart", routes: guarded + "  - {id: purge-cache, method: DELETE, path: /tenants/cache, scopes: [orders.write]}\n")
        let gate = try ToolProcess.run(["diff", base.path, apart.path, "--fail-on", "privilege-increase"])
        XCTAssertEqual(gate.status, 0, gate.stdout + gate.stderr)
    }
}
