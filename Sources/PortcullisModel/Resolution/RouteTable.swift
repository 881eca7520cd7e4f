import PortcullisDiagnostics
import PortcullisSupport

/// The routes of one API must be told apart: by id, ignoring case as APIM does (RF002), and
/// by method and path, ignoring the case of its letters (RF003): most backends read
/// `/Orders/{id}` as `/orders/{id}`, so a caller would pick the checks by the spelling
/// (audit V30).
enum RouteTable {
    /// Routes collide when they have the same method and the same path once parameter
    /// names are erased and its letters lowered.
    struct RouteSignature: Hashable {
        var method: HTTPMethod
        var shape: String
    }

    /// A path's segments, their letters lowered, without empty ones: APIM reads
    /// `Orders/` as `orders`.
    static func segments(of path: String) -> [String] {
        // By bytes: paths are ASCII (the grammar refuses others), and every API's is split.
        path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0.map(\.asciiLowercased), as: UTF8.self) }
    }

    /// `route`'s method and shape, with `prefix` (segments of its API's path that another
    /// API's path lacks) put before it, so that routes of nested APIs compare.
    static func signature(of route: Route, under prefix: [String]) -> RouteSignature {
        RouteSignature(method: route.method.value, shape: "/" + (prefix + segments(of: route.path.value.shape)).joined(separator: "/"))
    }

    /// APIs with up to this many routes (almost all) compare every pair of routes by
    /// fingerprint, which costs less than filling hash tables; larger ones use hash tables,
    /// so an API of any size costs time linear in its routes. Both find the same first
    /// duplicates.
    static let pairwiseLimit = 32

    static func check(_ api: API, into diagnostics: inout DiagnosticCollector) {
        if api.routes.count <= pairwiseLimit {
            checkPairs(api, into: &diagnostics)
        } else {
            checkHashed(api, into: &diagnostics)
        }
    }

    static func checkPairs(_ api: API, into diagnostics: inout DiagnosticCollector) {
        let routes = api.routes
        // Pairs are told apart by a fingerprint of each key; only pairs whose fingerprints
        // match (duplicates, and rare collisions) compare the keys themselves.
        let ids = routes.map { Fingerprint.caseFolded($0.id.value) }
        let signatures = routes.map { Fingerprint.signature($0.method.value, $0.path.value) }
        for index in routes.indices {
            if let first = (0..<index).first(where: {
                ids[$0] == ids[index] && Grammar.caseFolded(routes[$0].id.value) == Grammar.caseFolded(routes[index].id.value)
            }) {
                reportDuplicateID(api, routes[index].id, first: routes[first].id, into: &diagnostics)
            }
            if let first = (0..<index).first(where: {
                signatures[$0] == signatures[index] && routes[$0].method.value == routes[index].method.value
                    && routes[$0].path.value.shape.lowercased() == routes[index].path.value.shape.lowercased()
            }) {
                reportDuplicateRoute(routes[index], first: routes[first], into: &diagnostics)
            }
        }
    }

    /// FNV-1a hashes of route keys: keys equal byte for byte have equal fingerprints. Route
    /// ids and paths are ASCII (the grammar refuses others before routes are compared), so
    /// no two keys Swift calls equal differ in their bytes.
    struct Fingerprint: Equatable {
        private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

        private mutating func add(_ byte: UInt8) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }

        /// The id with ASCII upper case lowered, as ``Grammar/caseFolded(_:)`` files it.
        static func caseFolded(_ id: String) -> Fingerprint {
            var print = Fingerprint()
            id.withUTF8Bytes { bytes in
                for byte in bytes { print.add(byte.asciiLowercased) }
            }
            return print
        }

        /// The method, a space, and the path's ``PathTemplate/shape``, its letters lowered.
        static func signature(_ method: HTTPMethod, _ path: PathTemplate) -> Fingerprint {
            var print = Fingerprint()
            method.rawValue.withUTF8Bytes { bytes in
                for byte in bytes { print.add(byte) }
            }
            print.add(UInt8(ascii: " "))
            path.forEachShapeByte { print.add($0.asciiLowercased) }
            return print
        }
    }

    static func checkHashed(_ api: API, into diagnostics: inout DiagnosticCollector) {
        var ids = ResourceNames(capacity: api.routes.count)
        var signatures: [RouteSignature: Int] = [:]
        signatures.reserveCapacity(api.routes.count)
        for index in api.routes.indices {
            let id = api.routes[index].id
            if let first = ids.earlier(id) {
                reportDuplicateID(api, id, first: first, into: &diagnostics)
            }
            let signature = RouteSignature(method: api.routes[index].method.value, shape: api.routes[index].path.value.shape.lowercased())
            if let first = signatures[signature] {
                reportDuplicateRoute(api.routes[index], first: api.routes[first], into: &diagnostics)
            } else {
                signatures[signature] = index
            }
        }
    }

    private static func reportDuplicateID(
        _ api: API, _ id: Located<String>, first: Located<String>, into diagnostics: inout DiagnosticCollector
    ) {
        diagnostics.report(
            .duplicateDefinition, "route id '\(id.value)' is used twice in API '\(api.name.value)'", at: id.range,
            notes: [ResourceNames.note("first defined here", earlier: first, later: id.value)])
    }

    private static func reportDuplicateRoute(_ route: Route, first: Route, into diagnostics: inout DiagnosticCollector) {
        diagnostics.report(
            .duplicateRoute,
            "routes '\(first.id.value)' and '\(route.id.value)' both match \(route.method.value.rawValue) '\(route.path.value.text)'",
            at: route.path.range,
            notes: [Diagnostic.Note("'\(first.id.value)' is declared here", at: first.path.range)]
                + (route.path.value.shape == first.path.value.shape
                    ? []
                    : [Diagnostic.Note("the paths differ only in letter case, which most backends do not tell apart", at: route.path.range)]))
    }
}
