import PortcullisDiagnostics

/// A `kind: API` document: one APIM API and its routes (operations).
public struct API: Sendable {
    public var name: Located<String>
    public var displayName: Located<String>?
    public var description: Located<String>?
    /// The APIM URL suffix.
    public var path: Located<String>
    public var backend: BackendReference
    public var subscriptionRequired: Located<Bool>?
    public var auth: Located<AuthSetting>?
    public var rateLimit: LimitSetting?
    public var quota: LimitSetting?
    public var routes: [Route]
    /// Raw statements of the API's policy.
    public var policy: RawPolicy? = nil
    public var tags: [Located<String>] = []
    /// Which version of which version set the API is.
    public var version: Version? = nil
    /// The schemes callers may use; nil for https alone. Plain http is SE003.
    public var protocols: [Located<URLScheme>]? = nil
    /// The number of the API's current revision in APIM, which the bundle's API updates;
    /// nil for 1, the revision a new API has.
    public var revision: Located<Int>? = nil
    /// Changes to every route's request and response, made before the route's own.
    public var request: RequestShaping? = nil
    public var response: ResponseShaping? = nil
    /// Who may call the API's routes, unless a route sets its own.
    public var ipFilter: IPFilter? = nil
    /// The API's own OpenAPI document, when it is not generated from the routes.
    public var openapi: OpenAPIReference? = nil
    /// Where the document's `kind` is written; diagnostics about the whole API point here.
    public var kindRange: SourceRange
    /// Whether decoding the API's own fields (not its routes) reported errors; rules do
    /// not judge what was not read as written.
    public var hasErrors = false

    public var effectiveSubscriptionRequired: Bool { subscriptionRequired?.value ?? true }
}

public struct Version: Sendable {
    public var set: Located<String>
    public var name: Located<String>
}

public struct Route: Sendable {
    public var id: Located<String>
    public var method: Located<HTTPMethod>
    public var path: Located<PathTemplate>
    public var summary: Located<String>?
    /// Delegated scopes a user's token must carry.
    public var scopes: ScopeRequirement?
    /// Application roles an application's own token must carry; a token passes with
    /// either the scopes or the roles.
    public var appRoles: ScopeRequirement? = nil
    public var cache: Cache?
    public var rateLimit: LimitSetting?
    public var quota: LimitSetting?
    public var auth: Located<AuthSetting>?
    /// Why the route may be called without a token.
    public var publicReason: Located<String>?
    /// Raw statements of the route's (operation's) policy.
    public var policy: RawPolicy? = nil
    /// Where the route's requests go instead of its API's backend.
    public var backend: BackendReference? = nil
    /// The route's shaping fields and IP filter; nil when it writes none of them.
    public var shaping: RouteShaping? = nil
    /// Where the route's item in the `routes` list starts (a point).
    public var itemStart: SourceRange
    /// The lines the route is written on.
    public var extent: SourceRange
    /// Whether decoding the route reported errors.
    public var hasErrors = false

    /// The permissions the route names, scopes then roles, each declared in the gateway's
    /// scope catalogue; rules walk them for every route, so nothing is allocated.
    public var permissions: Permissions { Permissions(scopes: scopes, appRoles: appRoles) }
}

/// A route's scopes and app roles, in that order, skipping either when not written.
public struct Permissions: Sequence, IteratorProtocol, Sendable {
    var scopes: ScopeRequirement?
    var appRoles: ScopeRequirement?

    public mutating func next() -> ScopeRequirement? {
        if let scopes {
            self.scopes = nil
            return scopes
        }
        defer { appRoles = nil }
        return appRoles
    }
}

/// The scopes a route requires and whether any one or all of them are needed.
public struct ScopeRequirement: Sendable {
    public var match: ScopeMatch
    public var scopes: [Located<String>]
    public var range: SourceRange
}

public struct Cache: Sendable {
    public var ttl: Located<Int>
    public var sharing: Located<CacheSharing>?
    public var varyByQuery: [Located<String>]
    public var varyByHeaders: [Located<String>]
    /// The `cache` key.
    public var keyRange: SourceRange
}

/// A route path such as `/orders/{id}`.
public struct PathTemplate: Sendable, Equatable {
    public let text: String
    public let parameters: [String]

    /// The path with parameter names erased, so `/a/{id}` and `/a/{x}` compare equal.
    public var shape: String {
        guard !parameters.isEmpty else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var inParameter = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "{"):
                inParameter = true
                result.append(byte)
            case UInt8(ascii: "}"):
                inParameter = false
                result.append(byte)
            default:
                if !inParameter { result.append(byte) }
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

/// A scheme an API accepts requests over, as APIM names it.
public enum URLScheme: String, CaseIterable, Sendable {
    case https, http
}
