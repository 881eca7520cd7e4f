import PortcullisDiagnostics

/// One change to a request's or response's headers or to a request's query parameters,
/// as APIM's `set-header` and `set-query-parameter` make it (Microsoft Learn, "Set header"
/// and "Set query string parameter" policy pages: `exists-action` override, skip, append
/// or delete).
public struct MessageChange: Sendable {
    public enum Action: String, Sendable, CaseIterable {
        /// Replaces any value the message has (`override`).
        case set
        /// Adds the value only when the message has none (`skip`).
        case setIfMissing
        /// Adds the value to those the message has (`append`).
        case append
        /// Removes the header or parameter (`delete`).
        case remove

        /// The `exists-action` APIM knows it by.
        public var existsAction: String {
            switch self {
            case .set: "override"
            case .setIfMissing: "skip"
            case .append: "append"
            case .remove: "delete"
            }
        }
    }

    public var action: Action
    public var name: Located<String>
    /// Nil for `remove`; may hold `{{named-value}}` references, which APIM substitutes.
    public var value: Located<String>?
}

/// A route's shaping fields and IP filter, kept out of line: most routes write none, and
/// a ``Route`` is copied whole wherever it is stored, so they cost it one reference.
public final class RouteShaping: Sendable {
    /// Changes to the request and response, made after the API's.
    public let request: RequestShaping?
    public let response: ResponseShaping?
    /// The route's own IP filter, or `none`; default: its API's.
    public let ipFilter: IPFilterSetting?
    public let rewrite: Rewrite?
    /// Set when the gateway answers the route itself.
    public let answer: GatewayAnswer?

    /// Nil when the route writes none of the fields. Told before the object is made: a
    /// failable initializer allocates it first, for every route.
    static func ifAny(
        request: RequestShaping?, response: ResponseShaping?, ipFilter: IPFilterSetting?, rewrite: Rewrite?, answer: GatewayAnswer?
    ) -> RouteShaping? {
        guard request != nil || response != nil || ipFilter != nil || rewrite != nil || answer != nil else { return nil }
        return RouteShaping(request: request, response: response, ipFilter: ipFilter, rewrite: rewrite, answer: answer)
    }

    private init(
        request: RequestShaping?, response: ResponseShaping?, ipFilter: IPFilterSetting?, rewrite: Rewrite?, answer: GatewayAnswer?
    ) {
        self.request = request
        self.response = response
        self.ipFilter = ipFilter
        self.rewrite = rewrite
        self.answer = answer
    }
}

extension Route {
    public var request: RequestShaping? { shaping?.request }
    public var response: ResponseShaping? { shaping?.response }
    public var ipFilter: IPFilterSetting? { shaping?.ipFilter }
    public var rewrite: Rewrite? { shaping?.rewrite }
    public var answer: GatewayAnswer? { shaping?.answer }

    /// The method the backend is sent where `rewrite` changes it: what the backend does is
    /// what its method says, whatever the route's is. Nil when the route's is sent.
    public var rewrittenMethod: Located<HTTPMethod>? {
        guard let sent = rewrite?.method, sent.value != method.value else { return nil }
        return sent
    }
}

/// `request:` of an API or route: what the backend receives instead of what the caller sent.
public struct RequestShaping: Sendable {
    public var headers: [MessageChange]
    public var query: [MessageChange]
}

/// `response:` of an API or route: what the caller receives instead of what the backend sent.
public struct ResponseShaping: Sendable {
    public var headers: [MessageChange]
}

/// `rewrite:` of a route: the path (and method) the backend is called with, APIM's
/// `rewrite-uri` and `set-method` (Microsoft Learn, "Rewrite URL" and "Set request method").
public struct Rewrite: Sendable {
    /// `/v2/orders/{orderId}`, optionally with a query; every `{name}` is a parameter of
    /// the route's path.
    public var path: Located<String>
    public var method: Located<HTTPMethod>?
    /// Whether query parameters of the request that the template does not name are passed
    /// on (`copy-unmatched-params`); true unless written.
    public var keepQuery: Located<Bool>?
    /// The `rewrite` key.
    public var keyRange: SourceRange

    public var effectiveKeepQuery: Bool { keepQuery?.value ?? true }

    /// The names of the query parameters the template writes, each once, in its order:
    /// `visibility` in `/documents?visibility=public`.
    public var queryNames: [String] {
        guard let query = path.value.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        var names: [String] = []
        for pair in query.split(separator: "&") {
            let name = String(pair.prefix { $0 != "=" })
            if !name.isEmpty, !name.contains("{"), !names.contains(name) { names.append(name) }
        }
        return names
    }
}

/// A route the gateway answers itself, never calling the backend. Indirect: few routes
/// have one, and plans hold it.
public indirect enum GatewayAnswer: Sendable {
    /// `respond:` — APIM's `return-response` with a status, headers and a body
    /// (Microsoft Learn, "Return response").
    case fixed(FixedResponse)
    /// `mock:` — APIM's `mock-response`, which answers from the examples or schemas of the
    /// API's specification, or with no content (Microsoft Learn, "Mock response").
    case mock(MockResponse)

    public var keyRange: SourceRange {
        switch self {
        case .fixed(let response): response.keyRange
        case .mock(let mock): mock.keyRange
        }
    }
}

public struct FixedResponse: Sendable {
    public var status: Located<Int>
    public var headers: [MessageChange]
    public var body: Located<String>?
    public var keyRange: SourceRange
}

public struct MockResponse: Sendable {
    public var status: Located<Int>?
    public var contentType: Located<String>?
    public var keyRange: SourceRange

    public var effectiveStatus: Int { status?.value ?? 200 }
}

/// `ipFilter:` — who may call, by IPv4 address, APIM's `ip-filter` (Microsoft Learn,
/// "Restrict caller IPs": `action` allow or forbid, `address` and `address-range from/to`).
public struct IPFilter: Sendable {
    public enum Action: String, Sendable {
        /// Only the listed addresses may call (`allow`).
        case allow
        /// The listed addresses may not call (`forbid`).
        case deny
    }

    public var action: Action
    /// Each entry as written and the range it stands for.
    public var entries: [Located<IPv4Range>]
    /// The whole `ipFilter` mapping.
    public var range: SourceRange
}

/// `ipFilter` on a route: its own filter, or `none` to switch off its API's.
public enum IPFilterSetting: Sendable {
    case none(SourceRange)
    case filter(IPFilter)

    public var range: SourceRange {
        switch self {
        case .none(let range): range
        case .filter(let filter): filter.range
        }
    }
}

/// An inclusive range of IPv4 addresses, as numbers.
public struct IPv4Range: Sendable, Equatable, Hashable, Comparable {
    public var first: UInt32
    public var last: UInt32

    public init(first: UInt32, last: UInt32) {
        self.first = first
        self.last = last
    }

    public var isSingleAddress: Bool { first == last }

    public static func < (lhs: IPv4Range, rhs: IPv4Range) -> Bool { (lhs.first, lhs.last) < (rhs.first, rhs.last) }

    /// Dotted-quad text of an address.
    public static func text(_ address: UInt32) -> String {
        "\(address >> 24).\((address >> 16) & 0xFF).\((address >> 8) & 0xFF).\(address & 0xFF)"
    }

    /// `a.b.c.d`, or `a.b.c.d-e.f.g.h` for a range.
    public var description: String { isSingleAddress ? Self.text(first) : "\(Self.text(first))-\(Self.text(last))" }

    /// The range `text` writes as an `ipFilter` entry does (an address, a range or a CIDR
    /// block), nil for any other text.
    public init?(written text: String) {
        guard case .success(let range) = IPv4Text.range(text) else { return nil }
        self = range
    }
}
