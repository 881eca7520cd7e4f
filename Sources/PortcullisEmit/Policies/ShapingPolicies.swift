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
    /// rewrite that drops the caller's), then the method. A rewrite that keeps the caller's
    /// query would also copy a parameter the caller sent under a name its template writes
    /// (`?visibility=public` beside the caller's `visibility=private`, which a backend may
    /// read instead): the caller's is removed first.
    static func request(_ shaping: PlannedRequestShaping, into writer: inout PolicyWriter) {
        for header in shaping.headers { change("set-header", header, into: &writer) }
        if let rewrite = shaping.rewrite {
            if rewrite.effectiveKeepQuery {
                for name in rewrite.queryNames {
                    writer.element("set-query-parameter", [("name", .literal(name)), ("exists-action", .literal("delete"))])
                }
            }
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
                let status = response.status.value
                writer.element("set-status", [("code", .number(status)), ("reason", .literal(reasonPhrase(status)))])
                for header in response.headers { change("set-header", header, into: &writer) }
                if let body = response.body { writer.element("set-body", text: .literal(body.value)) }
            }
        case .mock(let mock):
            var attributes: [(String, PolicyValue)] = [("status-code", .number(mock.effectiveStatus))]
            if let contentType = mock.contentType { attributes.append(("content-type", .literal(contentType.value))) }
            writer.element("mock-response", attributes)
        }
    }

    /// The reason phrase HTTP gives `status` (RFC 9110), or its class's name: Microsoft's
    /// reference makes `set-status`'s `reason` required, though estates leave it out.
    static func reasonPhrase(_ status: Int) -> String {
        if let phrase = reasonPhrases[status] { return phrase }
        switch status / 100 {
        case 1: return "Informational"
        case 2: return "Success"
        case 3: return "Redirection"
        case 4: return "Client Error"
        default: return "Server Error"
        }
    }

    private static let reasonPhrases: [Int: String] = [
        100: "Continue", 101: "Switching Protocols",
        200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content",
        205: "Reset Content", 206: "Partial Content",
        300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        307: "Temporary Redirect", 308: "Permanent Redirect",
        400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
        411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long",
        415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed", 421: "Misdirected Request",
        422: "Unprocessable Content", 426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
        431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout", 505: "HTTP Version Not Supported", 511: "Network Authentication Required",
    ]

    /// `set-header` or `set-query-parameter` with its `exists-action`.
    private static func change(_ element: String, _ change: MessageChange, into writer: inout PolicyWriter) {
        let attributes: [(String, PolicyValue)] = [("name", .literal(change.name.value)), ("exists-action", .literal(change.action.existsAction))]
        guard let value = change.value else { return writer.element(element, attributes) }
        writer.element(element, attributes) { $0.element("value", text: .literal(value.value)) }
    }
}
