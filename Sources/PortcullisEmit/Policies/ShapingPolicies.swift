import PortcullisModel

/// IP filtering, request and response shaping, and answers the gateway gives itself.
/// Every value is a literal; `{{name}}` references in it are APIM's to substitute.
enum ShapingPolicies {
    /// `ip-filter`: single addresses as `address`, ranges and CIDR blocks as `address-range`.
    static func ipFilter(_ filter: PlannedIPFilter, into writer: inout PolicyWriter) {
        let entries = filter.written.entries.map(\.value)
        let action = filter.written.action == .allow ? "allow" : "forbid"
        writer.element("ip-filter", [("action", .literal(action))]) { writer in
            for entry in entries where entry.isSingleAddress {
                writer.element("address", text: .literal(IPv4Range.text(entry.first)))
            }
            for entry in entries where !entry.isSingleAddress {
                writer.element("address-range", [("from", .literal(IPv4Range.text(entry.first))), ("to", .literal(IPv4Range.text(entry.last)))])
            }
        }
    }

    /// Headers, then the rewrite, then query parameters (so parameters set here survive a
    /// rewrite that drops the caller's), then the method.
    static func request(_ shaping: PlannedRequestShaping, into writer: inout PolicyWriter) {
        for header in shaping.headers { change("set-header", header, into: &writer) }
        if let rewrite = shaping.rewrite {
            writer.element(
                "rewrite-uri",
                [("template", .literal(rewrite.path.value)), ("copy-unmatched-params", .literal(String(rewrite.effectiveKeepQuery)))])
        }
        for parameter in shaping.query { change("set-query-parameter", parameter, into: &writer) }
        if let method = shaping.rewrite?.method {
            writer.element("set-method", text: .literal(method.value.rawValue))
        }
    }

    static func response(_ headers: [MessageChange], into writer: inout PolicyWriter) {
        for header in headers { change("set-header", header, into: &writer) }
    }

    /// `return-response` or `mock-response`, both of which end the request at the gateway.
    static func answer(_ answer: GatewayAnswer, into writer: inout PolicyWriter) {
        switch answer {
        case .fixed(let response):
            writer.element("return-response") { writer in
                writer.element("set-status", [("code", .number(response.status.value))])
                for header in response.headers { change("set-header", header, into: &writer) }
                if let body = response.body { writer.element("set-body", text: .literal(body.value)) }
            }
        case .mock(let mock):
            var attributes: [(String, PolicyValue)] = [("status-code", .number(mock.effectiveStatus))]
            if let contentType = mock.contentType { attributes.append(("content-type", .literal(contentType.value))) }
            writer.element("mock-response", attributes)
        }
    }

    /// `set-header` or `set-query-parameter` with its `exists-action`.
    private static func change(_ element: String, _ change: MessageChange, into writer: inout PolicyWriter) {
        let attributes: [(String, PolicyValue)] = [("name", .literal(change.name.value)), ("exists-action", .literal(change.action.existsAction))]
        guard let value = change.value else { return writer.element(element, attributes) }
        writer.element(element, attributes) { $0.element("value", text: .literal(value.value)) }
    }
}
