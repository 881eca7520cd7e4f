import PortcullisDiagnostics

/// The routes of one API must be told apart: by id (RF002), and by method and path (RF003).
enum RouteTable {
    /// Routes collide when they have the same method and the same path once parameter
    /// names are erased.
    struct RouteSignature: Hashable {
        var method: HTTPMethod
        var shape: String
    }

    static func check(_ api: API, into diagnostics: inout DiagnosticCollector) {
        var ids: [String: SourceRange] = [:]
        var signatures: [RouteSignature: Int] = [:]
        ids.reserveCapacity(api.routes.count)
        signatures.reserveCapacity(api.routes.count)
        for index in api.routes.indices {
            let id = api.routes[index].id
            if let first = ids.updateValue(id.range, forKey: id.value) {
                ids[id.value] = first
                diagnostics.report(
                    .duplicateDefinition, "route id '\(id.value)' is used twice in API '\(api.name.value)'", at: id.range,
                    notes: [Diagnostic.Note("first defined here", at: first)])
            }
            let path = api.routes[index].path
            let method = api.routes[index].method.value
            let signature = RouteSignature(method: method, shape: path.value.shape)
            if let firstIndex = signatures.updateValue(index, forKey: signature) {
                signatures[signature] = firstIndex
                let first = api.routes[firstIndex]
                diagnostics.report(
                    .duplicateRoute,
                    "routes '\(first.id.value)' and '\(id.value)' both match \(method.rawValue) '\(path.value.text)'",
                    at: path.range,
                    notes: [Diagnostic.Note("'\(first.id.value)' is declared here", at: first.path.range)])
            }
        }
    }
}
