import PortcullisDiagnostics

/// The routes of one API must be told apart: by id, ignoring case as APIM does (RF002), and
/// by method and path (RF003).
enum RouteTable {
    /// Routes collide when they have the same method and the same path once parameter
    /// names are erased.
    struct RouteSignature: Hashable {
        var method: HTTPMethod
        var shape: String
    }

    /// APIs with up to this many routes (almost all) compare every pair of routes, which
    /// costs less than hashing every id and shape; larger ones use hash tables, so an API
    /// of any size costs time linear in its routes. Both find the same first duplicates.
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
        // Each key is made once; comparing two is then a comparison of short texts.
        let ids = routes.map { Grammar.caseFolded($0.id.value) }
        let methods = routes.map(\.method.value)
        let shapes = routes.map(\.path.value.shape)
        for index in routes.indices {
            if let first = ids[..<index].firstIndex(of: ids[index]) {
                reportDuplicateID(api, routes[index].id, first: routes[first].id, into: &diagnostics)
            }
            if let first = routes.indices[..<index].first(where: { methods[$0] == methods[index] && shapes[$0] == shapes[index] }) {
                reportDuplicateRoute(routes[index], first: routes[first], into: &diagnostics)
            }
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
            let signature = RouteSignature(method: api.routes[index].method.value, shape: api.routes[index].path.value.shape)
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
            notes: [Diagnostic.Note("'\(first.id.value)' is declared here", at: first.path.range)])
    }
}
