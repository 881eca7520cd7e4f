import PortcullisDiagnostics
import PortcullisSyntax
import PortcullisTestSupport
import XCTest

@testable import PortcullisModel

/// Small APIs compare every pair of routes and large ones hash them; both must report the
/// same duplicate ids (RF002) and colliding routes (RF003), each against the same first route.
final class RouteTablePairsTests: XCTestCase {
    private func api(ids: [String], methods: [String], paths: [String]) throws -> API {
        var yaml = "apiVersion: portcullis/v1\nkind: API\nname: items\npath: items\nbackend: https://items.example.com\nroutes:\n"
        for (id, (method, path)) in zip(ids, zip(methods, paths)) {
            yaml += "  - {id: \(id), method: \(method), path: \"\(path)\", scopes: [items.read]}\n"
        }
        var decoder = DocumentDecoder()
        var diagnostics = DiagnosticCollector()
        YAMLReader(file: FileID(0)).read(Array(yaml.utf8), diagnostics: &diagnostics) { decoder.decode($0) }
        let (definitions, _) = decoder.finish()
        let api = try XCTUnwrap(definitions.apis.first)
        XCTAssertEqual(api.routes.count, ids.count, "every route decodes")
        return api
    }

    private func findings(_ check: (API, inout DiagnosticCollector) -> Void, _ api: API) -> [String] {
        var diagnostics = DiagnosticCollector()
        check(api, &diagnostics)
        return diagnostics.diagnostics.map { "\($0.code.id) \($0.range.start.line) \($0.message) \($0.notes.map(\.range.start.line))" }
    }

    func testPairsAndHashTablesFindTheSameDuplicates() throws {
        let ids = ["get-a", "Get-A", "GET-A", "get-b", "get-c", "x1"]
        let methods = ["GET", "POST", "PUT"]
        let paths = ["/a", "/a/{id}", "/a/{x}", "/a/{id}/b", "/a/{idb}/b", "/b", "/a/{id}x", "/a/x{id}", "/a/{id}-{v}"]
        var random = SeededRandom(seed: 0x7AB1E)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var duplicatesSeen = 0
        for _ in 0..<300 {
            let count = 1 + next(40)
            let api = try api(
                ids: (0..<count).map { _ in "\(ids[next(ids.count)])-\(next(4))" },
                methods: (0..<count).map { _ in methods[next(methods.count)] },
                paths: (0..<count).map { _ in paths[next(paths.count)] })
            let pairs = findings(RouteTable.checkPairs, api)
            XCTAssertEqual(pairs, findings(RouteTable.checkHashed, api))
            duplicatesSeen += pairs.count
        }
        XCTAssertGreaterThan(duplicatesSeen, 1000, "the random APIs hold duplicates of both kinds")
    }
}
