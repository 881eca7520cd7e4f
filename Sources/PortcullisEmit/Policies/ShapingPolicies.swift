import PortcullisModel

/// IP filtering, request and response shaping, and answers the gateway gives itself.
/// Every value is a literal; `{{name}}` references in it are APIM's to substitute.
enum ShapingPolicies {
    /// `ip-filter`: single addresses as `address`, ranges and CIDR blocks as `address-range`.
    static func ipFilter(_ filter: PlannedIPFilter) -> PolicyElement {
        let entries = filter.written.entries.map(\.value)
        let addresses = entries.filter(\.isSingleAddress).map {
            PolicyElement("address", text: .literal(IPv4Range.text($0.first)))
        }
        let ranges = entries.filter { !$0.isSingleAddress }.map {
            PolicyElement("address-range", [("from", .literal(IPv4Range.text($0.first))), ("to", .literal(IPv4Range.text($0.last)))])
        }
        let action = filter.written.action == .allow ? "allow" : "forbid"
        return PolicyElement("ip-filter", [("action", .literal(action))], addresses + ranges)
    }

    /// Headers, then the rewrite, then query parameters (so parameters set here survive a
    /// rewrite that drops the caller's), then the method.
    static func request(_ shaping: PlannedRequestShaping) -> [PolicyElement] {
        var elements = shaping.headers.map { change("set-header", $0) }
        if let rewrite = shaping.rewrite {
            elements.append(
                PolicyElement(
                    "rewrite-uri",
                    [("template", .literal(rewrite.path.value)), ("copy-unmatched-params", .literal(String(rewrite.effectiveKeepQuery)))]))
        }
        elements += shaping.query.map { change("set-query-parameter", $0) }
        if let method = shaping.rewrite?.method {
            elements.append(PolicyElement("set-method", text: .literal(method.value.rawValue)))
        }
        return elements
    }

    static func response(_ headers: [MessageChange]) -> [PolicyElement] {
        headers.map { change("set-header", $0) }
    }

    /// `return-response` or `mock-response`, both of which end the request at the gateway.
    static func answer(_ answer: GatewayAnswer) -> PolicyElement {
        switch answer {
        case .fixed(let response):
            var children = [PolicyElement("set-status", [("code", .number(response.status.value))])]
            children += response.headers.map { change("set-header", $0) }
            if let body = response.body { children.append(PolicyElement("set-body", text: .literal(body.value))) }
            return PolicyElement("return-response", [], children)
        case .mock(let mock):
            var attributes: [(String, PolicyValue)] = [("status-code", .number(mock.effectiveStatus))]
            if let contentType = mock.contentType { attributes.append(("content-type", .literal(contentType.value))) }
            return PolicyElement("mock-response", attributes)
        }
    }

    /// `set-header` or `set-query-parameter` with its `exists-action`.
    private static func change(_ element: String, _ change: MessageChange) -> PolicyElement {
        PolicyElement(
            element, [("name", .literal(change.name.value)), ("exists-action", .literal(change.action.existsAction))],
            change.value.map { [PolicyElement("value", text: .literal($0.value))] } ?? [])
    }
}
