import PortcullisPolicyXML

/// A statement on a route's requests that changes what its backend is asked for, in the
/// order a request meets them (``CheckContext/requestRewrites(on:)``): what each request
/// may reach follows from them.
public enum RequestRewrite: Sendable {
    /// The statements Portcullis generates for the route, its `rewrite` among them.
    case generated
    /// A raw `rewrite-uri`'s template.
    case uri(PolicyXMLValue)
    /// A raw `set-method`'s method.
    case method(PolicyXMLValue)
    /// A `choose` whose branches rewrite: each branch's rewrites; `everyRequestTakesOne`
    /// when it has an `otherwise`, else a request may take none.
    case branches([[RequestRewrite]], everyRequestTakesOne: Bool)
}
