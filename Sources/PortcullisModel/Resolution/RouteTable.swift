import PortcullisDiagnostics

/// The routes of one API must be told apart: by id (RF002), and by method and path (RF003).
enum RouteTable {
    /// Routes collide when they have the same method and the same path once parameter
    /// names are erased.
    struct RouteSignature: Hashable {
        var method: HTTPMethod
        var shape: String
    }

    /// APIs up to this many routes are checked pairwise, which for typical sizes is
    /// cheaper than hashing every id and path.
    static let pairwiseLimit = 64

    static func check(_ api: API, into diagnostics: inout DiagnosticCollector) {
        let routes = api.routes
        guard routes.count <= pairwiseLimit else { return checkIndexed(api, into: &diagnostics) }
        for index in routes.indices {
            for earlier in 0..<index {
                if routes[earlier].id.value == routes[index].id.value {
                    reportDuplicateID(api, routes[index].id, first: routes[earlier].id.range, into: &diagnostics)
                    break
                }
            }
            for earlier in 0..<index
            where routes[earlier].method.value == routes[index].method.value
                && routes[earlier].path.value.hasSameShape(as: routes[index].path.value)
            {
                reportDuplicateRoute(routes[index], first: routes[earlier], into: &diagnostics)
                break
            }
        }
    }

    private static func checkIndexed(_ api: API, into diagnostics: inout DiagnosticCollector) {
        var ids: [String: SourceRange] = [:]
        var signatures: [RouteSignature: Int] = [:]
        ids.reserveCapacity(api.routes.count)
        signatures.reserveCapacity(api.routes.count)
        for index in api.routes.indices {
            let id = api.routes[index].id
            if let first = ids.updateValue(id.range, forKey: id.value) {
                ids[id.value] = first
                reportDuplicateID(api, id, first: first, into: &diagnostics)
            }
            let signature = RouteSignature(method: api.routes[index].method.value, shape: api.routes[index].path.value.shape)
            if let firstIndex = signatures.updateValue(index, forKey: signature) {
                signatures[signature] = firstIndex
                reportDuplicateRoute(api.routes[index], first: api.routes[firstIndex], into: &diagnostics)
            }
        }
    }

    private static func reportDuplicateID(
        _ api: API, _ id: Located<String>, first: SourceRange, into diagnostics: inout DiagnosticCollector
    ) {
        diagnostics.report(
            .duplicateDefinition, "route id '\(id.value)' is used twice in API '\(api.name.value)'", at: id.range,
            notes: [Diagnostic.Note("first defined here", at: first)])
    }

    private static func reportDuplicateRoute(_ route: Route, first: Route, into diagnostics: inout DiagnosticCollector) {
        diagnostics.report(
            .duplicateRoute,
            "routes '\(first.id.value)' and '\(route.id.value)' both match \(route.method.value.rawValue) '\(route.path.value.text)'",
            at: route.path.range,
            notes: [Diagnostic.Note("'\(first.id.value)' is declared here", at: first.path.range)])
    }
}
