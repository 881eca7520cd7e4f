import PortcullisChecker
import PortcullisCompiler
import PortcullisDiagnostics
import XCTest

/// The caching rules walk only the judged routes that write a cache.
final class CachingRoutesTests: XCTestCase {
    /// Every judged route with a cache, whatever its method, sharing or authentication,
    /// in route order; routes without one, and routes not judged, are left out.
    func testCachingRoutesAreTheJudgedRoutesThatWriteACache() throws {
        let api = RuleExample.api(
            routes: """
              - {id: plain, method: GET, path: /a, scopes: [orders.read]}
              - {id: cached, method: GET, path: /b, scopes: [orders.read], cache: {ttl: 30s}}
              - {id: posted, method: POST, path: /c, scopes: [orders.read], cache: {ttl: 30s, sharing: shared}}
              - {id: open, method: GET, path: /d, auth: none, public: a public list, cache: {ttl: 30s}}
              - {id: unjudged, method: GET, path: /e, auth: nobody, cache: {ttl: 30s}}
              - {id: last, method: GET, path: /f, scopes: [orders.read], cache: {ttl: 5s, varyBy: {headers: [Accept]}}}
            """
        ).text
        let text = [RuleExample.baseGateway, api].joined(separator: "---\n")
        let result = LintPipeline.run([SourceFile(path: "project.yaml", bytes: Array(text.utf8))])
        let context = CheckContext(project: result.project)
        XCTAssertEqual(context.routes.map(\.written.id.value), ["plain", "cached", "posted", "open", "last"])
        XCTAssertEqual(context.cachingRoutes.map(\.written.id.value), ["cached", "posted", "open", "last"])
    }
}
