import PortcullisPolicyXML

/// A statement on every request of a route that changes what its backend is asked for, in
/// the order a request meets them (``CheckContext/requestRewrites(on:)``): the last of each
/// kind decides the operation the route's checks guard there.
public enum RequestRewrite: Sendable {
    /// The statements Portcullis generates for the route, its `rewrite` among them.
    case generated
    /// A raw `rewrite-uri`'s template.
    case uri(PolicyXMLValue)
    /// A raw `set-method`'s method.
    case method(PolicyXMLValue)
}
