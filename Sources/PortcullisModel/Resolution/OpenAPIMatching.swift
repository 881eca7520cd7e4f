import PortcullisDiagnostics

/// An API's routes against the operations of its own OpenAPI document (RF008).
///
/// APIM matches a request to an operation by method and path template, and names the
/// operation by its `operationId`, which is where a route's policy is published. So each
/// route needs the operation with its method and path (parameter names may differ, as
/// they do not change which requests match) whose `operationId` is the route's id, and
/// each operation needs a route: without one it would be published with none of the
/// checks a route gets.
enum OpenAPIMatching {
    static func check(_ api: API, into diagnostics: inout DiagnosticCollector) {
        guard let reference = api.openapi, let document = reference.document else { return }
        let file = "'\(DisplayText.escaped(reference.written.value.utf8))'"
        // The operations of each method and path shape, in document order, each taken by
        // the first route that matches it: one lookup a route, not a search of the document.
        var unmatched: [String: ArraySlice<Int>] = [:]
        for index in document.operations.indices {
            let operation = document.operations[index]
            unmatched[operation.method + " " + operation.path.shape, default: []].append(index)
        }
        var matched = Set<Int>()
        for route in api.routes {
            let method = route.method.value.rawValue.lowercased()
            let key = method + " " + route.path.value.shape
            let name = "route '\(api.name.value)/\(route.id.value)'"
            let request = "\(route.method.value.rawValue) '\(route.path.value.text)'"
            guard let index = unmatched[key]?.popFirst() else {
                diagnostics.report(
                    .openAPIMismatch, "\(name) has no operation \(request) in \(file)", at: route.path.range,
                    notes: [
                        Diagnostic.Note(
                            "add '\(method)' under '\(route.path.value.text)' to the document with 'operationId: \(route.id.value)', or remove the route",
                            at: reference.written.range)
                    ])
                continue
            }
            matched.insert(index)
            let operation = document.operations[index]
            guard operation.operationId?.value != route.id.value else { continue }
            let written = operation.operationId.map { "whose operationId is '\(DisplayText.escaped($0.value.utf8))'" } ?? "which has no operationId"
            diagnostics.report(
                .openAPIMismatch, "\(name) is operation \(request) of \(file), \(written)", at: route.id.range,
                notes: [
                    Diagnostic.Note(
                        "APIM names the operation by its operationId and publishes the route's policy there; make the route's id and the operationId equal",
                        at: operation.operationId?.range ?? operation.range)
                ])
        }
        let missing = document.operations.indices.filter { !matched.contains($0) }
        for index in missing.prefix(Self.listedOperations) {
            let operation = document.operations[index]
            diagnostics.report(
                .openAPIMismatch,
                "operation \(operation.method.uppercased()) '\(operation.path.text)' of \(file) has no route in API '\(api.name.value)'",
                at: operation.range,
                notes: [
                    Diagnostic.Note(
                        "APIM would publish it without the checks a route gives; add the route to the API, or remove the operation",
                        at: reference.written.range)
                ])
        }
        if missing.count > Self.listedOperations {
            diagnostics.report(
                .openAPIMismatch,
                "\(missing.count - Self.listedOperations) more operations of \(file) have no route in API '\(api.name.value)'",
                at: reference.written.range,
                notes: [Diagnostic.Note("APIM would publish them without the checks a route gives; add their routes to the API, or remove them", at: reference.written.range)])
        }
    }

    /// The operations without a route listed one by one per API; the rest are counted in
    /// one finding. A document of ten thousand operations named by a hundred APIs made two
    /// million findings, and gigabytes, before any report was cut (the audit of growth).
    static let listedOperations = 100
}
