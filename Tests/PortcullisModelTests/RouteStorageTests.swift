import PortcullisDiagnostics
import PortcullisSupport
import PortcullisSyntax
import XCTest

@testable import PortcullisModel

/// A route keeps its fields in a box its copies share; a change to one copy must never show
/// in another (each environment's variant and the import's retries change copies of the same
/// definitions, on several cores).
final class RouteStorageTests: XCTestCase {
    private let api = """
        apiVersion: portcullis/v1
        kind: API
        name: items
        path: items
        backend: https://items.example.com
        routes:
          - {id: first, method: GET, path: /a, summary: reads, scopes: [items.read]}
          - id: second
            method: POST
            path: /b/{id}
            summary: writes
            scopes: [items.write]
            appRoles: [Items.Write]
            cache: {ttl: 1m}
            rateLimit: {calls: 5, per: 1s}
            quota: {calls: 100, per: 1d}
            auth: none
            public: probe
            backend: other
            policy: "<policies><inbound><base /></inbound></policies>"
            rewrite: {path: /c}

        """

    private func routes() throws -> (Route, Route) {
        var decoder = DocumentDecoder()
        var diagnostics = DiagnosticCollector()
        YAMLReader(file: FileID(0)).read(Array(api.utf8), diagnostics: &diagnostics) { decoder.decode($0) }
        let routes = try XCTUnwrap(decoder.finish().0.apis.first?.routes)
        XCTAssertEqual(routes.count, 2)
        return (routes[0], routes[1])
    }

    /// Every field of the route, as text, so two routes can be compared field by field.
    private func fields(_ route: Route) -> [String] {
        [
            "\(route.id)", "\(route.method)", "\(route.path)", "\(String(describing: route.summary))",
            "\(String(describing: route.scopes))", "\(String(describing: route.appRoles))", "\(String(describing: route.cache))",
            "\(String(describing: route.rateLimit))", "\(String(describing: route.quota))", "\(String(describing: route.auth))",
            "\(String(describing: route.publicReason))", "\(String(describing: route.policy?.written))",
            "\(String(describing: route.backend))", "\(String(describing: route.shaping))", "\(route.itemStart)", "\(route.extent)",
            "\(route.hasErrors)",
        ]
    }

    /// Every effective route holds the limit setting it inherits, most often its API's:
    /// as one shared reference, not a copy of about 120 bytes per route.
    func testALimitSettingIsOneReference() {
        XCTAssertEqual(MemoryLayout<LimitSetting>.size, MemoryLayout<UnsafeRawPointer>.size)
        XCTAssertEqual(MemoryLayout<LimitSetting?>.size, MemoryLayout<UnsafeRawPointer>.size)
    }

    func testChangingEachFieldOfACopyLeavesTheOriginal() throws {
        let (original, other) = try routes()
        let before = fields(original)
        XCTAssertNotEqual(before, fields(other))
        let setters: [(inout Route) -> Void] = [
            { $0.id = other.id }, { $0.method = other.method }, { $0.path = other.path }, { $0.summary = other.summary },
            { $0.scopes = other.scopes }, { $0.appRoles = other.appRoles }, { $0.cache = other.cache },
            { $0.rateLimit = other.rateLimit }, { $0.quota = other.quota }, { $0.auth = other.auth },
            { $0.publicReason = other.publicReason }, { $0.policy = other.policy }, { $0.backend = other.backend },
            { $0.shaping = other.shaping }, { $0.itemStart = other.itemStart }, { $0.extent = other.extent },
            { $0.hasErrors = !$0.hasErrors },
        ]
        for (field, set) in setters.enumerated() {
            var copy = original
            set(&copy)
            XCTAssertEqual(fields(original), before, "setting field \(field) of a copy changed the original")
            XCTAssertNotEqual(fields(copy)[field], before[field], "field \(field) was not set on the copy")
        }
    }

    func testCopiesInAnArrayAndOnSeveralCoresChangeOnlyThemselves() throws {
        let (original, other) = try routes()
        let before = fields(original)
        var routes = [original, original]
        routes[1].summary = other.summary
        routes[1].policy = other.policy
        XCTAssertEqual(fields(routes[0]), before)
        XCTAssertEqual(fields(original), before)
        let variants = ParallelMap.map(0..<2_000) { index -> String in
            var copy = original
            copy.summary = Located("variant \(index)", at: original.extent)
            return copy.summary?.value ?? ""
        }
        XCTAssertEqual(variants, (0..<2_000).map { "variant \($0)" })
        XCTAssertEqual(fields(original), before)
    }
}
