import PortcullisDiagnostics
import PortcullisSupport

/// A `kind: API` document: one APIM API and its routes (operations).
///
/// Rules, resolution and emitters loop over every API, and each loop's element is a copy:
/// inline, the fields made a copy some twenty reference counts. They live in one shared
/// box, copied only when a copy is changed, as a ``Route``'s do, so a copy costs one.
public struct API: Sendable {
    @usableFromInline
    struct Fields: Sendable {
        @usableFromInline var name: Located<String>
        @usableFromInline var displayName: Located<String>?
        @usableFromInline var description: Located<String>?
        @usableFromInline var path: Located<String>
        @usableFromInline var backend: BackendReference
        @usableFromInline var subscriptionRequired: Located<Bool>?
        @usableFromInline var auth: Located<AuthSetting>?
        @usableFromInline var rateLimit: LimitSetting?
        @usableFromInline var quota: LimitSetting?
        @usableFromInline var routes: [Route]
        @usableFromInline var policy: RawPolicy?
        @usableFromInline var tags: [Located<String>]
        @usableFromInline var version: Version?
        @usableFromInline var protocols: [Located<URLScheme>]?
        @usableFromInline var revision: Located<Int>?
        @usableFromInline var request: RequestShaping?
        @usableFromInline var response: ResponseShaping?
        @usableFromInline var ipFilter: IPFilter?
        @usableFromInline var openapi: OpenAPIReference?
        @usableFromInline var kindRange: SourceRange
        @usableFromInline var hasErrors: Bool
        @usableFromInline var leftOutRoutes: Bool
    }

    @usableFromInline var box: SharedFields<Fields>

    /// The box, copied first when another API shares it.
    @usableFromInline
    mutating func unique() -> SharedFields<Fields> { SharedFields.unique(&box) }

    public init(
        name: Located<String>, displayName: Located<String>?, description: Located<String>?, path: Located<String>,
        backend: BackendReference, subscriptionRequired: Located<Bool>?, auth: Located<AuthSetting>?, rateLimit: LimitSetting?,
        quota: LimitSetting?, routes: [Route], tags: [Located<String>] = [], kindRange: SourceRange
    ) {
        box = SharedFields(
            Fields(
                name: name, displayName: displayName, description: description, path: path, backend: backend,
                subscriptionRequired: subscriptionRequired, auth: auth, rateLimit: rateLimit, quota: quota, routes: routes, policy: nil,
                tags: tags, version: nil, protocols: nil, revision: nil, request: nil, response: nil, ipFilter: nil, openapi: nil,
                kindRange: kindRange, hasErrors: false, leftOutRoutes: false))
    }

    @inlinable public var name: Located<String> {
        _read { yield box.fields.name }
        _modify { yield &unique().fields.name }
    }
    @inlinable public var displayName: Located<String>? {
        _read { yield box.fields.displayName }
        _modify { yield &unique().fields.displayName }
    }
    @inlinable public var description: Located<String>? {
        _read { yield box.fields.description }
        _modify { yield &unique().fields.description }
    }
    /// The APIM URL suffix.
    @inlinable public var path: Located<String> {
        _read { yield box.fields.path }
        _modify { yield &unique().fields.path }
    }
    @inlinable public var backend: BackendReference {
        _read { yield box.fields.backend }
        _modify { yield &unique().fields.backend }
    }
    @inlinable public var subscriptionRequired: Located<Bool>? {
        _read { yield box.fields.subscriptionRequired }
        _modify { yield &unique().fields.subscriptionRequired }
    }
    @inlinable public var auth: Located<AuthSetting>? {
        _read { yield box.fields.auth }
        _modify { yield &unique().fields.auth }
    }
    @inlinable public var rateLimit: LimitSetting? {
        _read { yield box.fields.rateLimit }
        _modify { yield &unique().fields.rateLimit }
    }
    @inlinable public var quota: LimitSetting? {
        _read { yield box.fields.quota }
        _modify { yield &unique().fields.quota }
    }
    @inlinable public var routes: [Route] {
        _read { yield box.fields.routes }
        _modify { yield &unique().fields.routes }
    }
    /// Raw statements of the API's policy.
    @inlinable public var policy: RawPolicy? {
        _read { yield box.fields.policy }
        _modify { yield &unique().fields.policy }
    }
    @inlinable public var tags: [Located<String>] {
        _read { yield box.fields.tags }
        _modify { yield &unique().fields.tags }
    }
    /// Which version of which version set the API is.
    @inlinable public var version: Version? {
        _read { yield box.fields.version }
        _modify { yield &unique().fields.version }
    }
    /// The schemes callers may use; nil for https alone. Plain http is SE003.
    @inlinable public var protocols: [Located<URLScheme>]? {
        _read { yield box.fields.protocols }
        _modify { yield &unique().fields.protocols }
    }
    /// The number of the API's current revision in APIM, which the bundle's API updates;
    /// nil for 1, the revision a new API has.
    @inlinable public var revision: Located<Int>? {
        _read { yield box.fields.revision }
        _modify { yield &unique().fields.revision }
    }
    /// Changes to every route's request and response, made before the route's own.
    @inlinable public var request: RequestShaping? {
        _read { yield box.fields.request }
        _modify { yield &unique().fields.request }
    }
    @inlinable public var response: ResponseShaping? {
        _read { yield box.fields.response }
        _modify { yield &unique().fields.response }
    }
    /// Who may call the API's routes, unless a route sets its own.
    @inlinable public var ipFilter: IPFilter? {
        _read { yield box.fields.ipFilter }
        _modify { yield &unique().fields.ipFilter }
    }
    /// The API's own OpenAPI document, when it is not generated from the routes.
    @inlinable public var openapi: OpenAPIReference? {
        _read { yield box.fields.openapi }
        _modify { yield &unique().fields.openapi }
    }
    /// Where the document's `kind` is written; diagnostics about the whole API point here.
    @inlinable public var kindRange: SourceRange {
        _read { yield box.fields.kindRange }
        _modify { yield &unique().fields.kindRange }
    }
    /// Whether decoding the API's own fields (not its routes) reported errors; rules do
    /// not judge what was not read as written.
    @inlinable public var hasErrors: Bool {
        _read { yield box.fields.hasErrors }
        _modify { yield &unique().fields.hasErrors }
    }
    /// Whether a route was left out for its errors, so a name the API does not show may
    /// still be one of its routes.
    @inlinable public var leftOutRoutes: Bool {
        _read { yield box.fields.leftOutRoutes }
        _modify { yield &unique().fields.leftOutRoutes }
    }

    public var effectiveSubscriptionRequired: Bool { subscriptionRequired?.value ?? true }
}

public struct Version: Sendable {
    public var set: Located<String>
    public var name: Located<String>
}

/// One operation of an API.
///
/// A route is written once and read by many: its API, its effective route, every rule and
/// emitter. Its fields live in one shared box that is copied only when a copy is changed,
/// so passing a route around costs a reference count instead of a copy of every field.
/// The accessors are written out one by one: a key-path subscript (`@dynamicMemberLookup`)
/// would say them once, but the compiler leaves some of its reads to be projected at run
/// time, which made a lint of 20,000 routes 9 % slower.
public struct Route: Sendable {
    /// What few routes write (a cache, roles, a backend of their own) is kept in
    /// ``SeldomSet``s: inline, those optionals made every route's box 760 bytes. A limit
    /// setting is one reference already (``LimitSetting``).
    @usableFromInline
    struct Fields: Sendable {
        @usableFromInline var id: Located<String>
        @usableFromInline var method: Located<HTTPMethod>
        @usableFromInline var path: Located<PathTemplate>
        @usableFromInline var summary: Located<String>?
        @usableFromInline var scopes: ScopeRequirement?
        @usableFromInline var appRoles: SeldomSet<ScopeRequirement>
        @usableFromInline var cache: SeldomSet<Cache>
        @usableFromInline var rateLimit: LimitSetting?
        @usableFromInline var quota: LimitSetting?
        @usableFromInline var auth: Located<AuthSetting>?
        @usableFromInline var publicReason: SeldomSet<Located<String>>
        @usableFromInline var policy: RawPolicy?
        @usableFromInline var backend: SeldomSet<BackendReference>
        @usableFromInline var shaping: RouteShaping?
        @usableFromInline var itemStart: SourceRange
        @usableFromInline var extent: SourceRange
        @usableFromInline var hasErrors: Bool
    }

    @usableFromInline var box: SharedFields<Fields>

    /// The box, copied first when another route shares it.
    @usableFromInline
    mutating func unique() -> SharedFields<Fields> { SharedFields.unique(&box) }

    public init(
        id: Located<String>, method: Located<HTTPMethod>, path: Located<PathTemplate>, summary: Located<String>?, scopes: ScopeRequirement?, appRoles: ScopeRequirement? = nil, cache: Cache?, rateLimit: LimitSetting?, quota: LimitSetting?, auth: Located<AuthSetting>?, publicReason: Located<String>?, policy: RawPolicy? = nil, backend: BackendReference? = nil, shaping: RouteShaping? = nil, itemStart: SourceRange, extent: SourceRange, hasErrors: Bool = false
    ) {
        box = SharedFields(Fields(id: id, method: method, path: path, summary: summary, scopes: scopes, appRoles: SeldomSet(appRoles), cache: SeldomSet(cache), rateLimit: rateLimit, quota: quota, auth: auth, publicReason: SeldomSet(publicReason), policy: policy, backend: SeldomSet(backend), shaping: shaping, itemStart: itemStart, extent: extent, hasErrors: hasErrors))
    }

    @inlinable public var id: Located<String> {
        _read { yield box.fields.id }
        set { unique().fields.id = newValue }
    }
    @inlinable public var method: Located<HTTPMethod> {
        _read { yield box.fields.method }
        set { unique().fields.method = newValue }
    }
    @inlinable public var path: Located<PathTemplate> {
        _read { yield box.fields.path }
        set { unique().fields.path = newValue }
    }
    @inlinable public var summary: Located<String>? {
        _read { yield box.fields.summary }
        set { unique().fields.summary = newValue }
    }
    /// Delegated scopes a user's token must carry.
    @inlinable public var scopes: ScopeRequirement? {
        _read { yield box.fields.scopes }
        set { unique().fields.scopes = newValue }
    }
    /// Application roles an application's own token must carry; a token passes with
    /// either the scopes or the roles.
    @inlinable public var appRoles: ScopeRequirement? {
        _read { yield box.fields.appRoles.value }
        set { unique().fields.appRoles = SeldomSet(newValue) }
    }
    @inlinable public var cache: Cache? {
        _read { yield box.fields.cache.value }
        set { unique().fields.cache = SeldomSet(newValue) }
    }
    @inlinable public var rateLimit: LimitSetting? {
        _read { yield box.fields.rateLimit }
        set { unique().fields.rateLimit = newValue }
    }
    @inlinable public var quota: LimitSetting? {
        _read { yield box.fields.quota }
        set { unique().fields.quota = newValue }
    }
    @inlinable public var auth: Located<AuthSetting>? {
        _read { yield box.fields.auth }
        set { unique().fields.auth = newValue }
    }
    /// Why the route may be called without a token.
    @inlinable public var publicReason: Located<String>? {
        _read { yield box.fields.publicReason.value }
        set { unique().fields.publicReason = SeldomSet(newValue) }
    }
    /// Raw statements of the route's (operation's) policy.
    @inlinable public var policy: RawPolicy? {
        _read { yield box.fields.policy }
        set { unique().fields.policy = newValue }
    }
    /// Where the route's requests go instead of its API's backend.
    @inlinable public var backend: BackendReference? {
        _read { yield box.fields.backend.value }
        set { unique().fields.backend = SeldomSet(newValue) }
    }
    /// The route's shaping fields and IP filter; nil when it writes none of them.
    @inlinable public var shaping: RouteShaping? {
        _read { yield box.fields.shaping }
        set { unique().fields.shaping = newValue }
    }
    /// Where the route's item in the `routes` list starts (a point).
    @inlinable public var itemStart: SourceRange {
        _read { yield box.fields.itemStart }
        set { unique().fields.itemStart = newValue }
    }
    /// The lines the route is written on.
    @inlinable public var extent: SourceRange {
        _read { yield box.fields.extent }
        set { unique().fields.extent = newValue }
    }
    /// Whether decoding the route reported errors.
    @inlinable public var hasErrors: Bool {
        _read { yield box.fields.hasErrors }
        set { unique().fields.hasErrors = newValue }
    }

    /// The permissions the route names, scopes then roles, each declared in the gateway's
    /// scope catalogue; rules walk them for every route, so nothing is allocated.
    public var permissions: Permissions { Permissions(scopes: scopes, appRoles: appRoles) }

    /// Whether the route names no scope and no app role, so that any token passes. Read in
    /// place: rules ask it of every route, and ``permissions`` copies both requirements.
    @inlinable public var namesNoPermission: Bool {
        (box.fields.scopes?.scopes.isEmpty ?? true) && (box.fields.appRoles.storage.first?.scopes.isEmpty ?? true)
    }
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
        // Written straight into the new string's storage from the text's bytes.
        return String(unsafeUninitializedCapacity: text.utf8.count) { shape in
            var count = 0
            forEachShapeByte { byte in
                shape[count] = byte
                count += 1
            }
            return count
        }
    }

    /// Calls `body` with each byte of ``shape``, in order, without making it: comparing
    /// the routes of an API fingerprints every route's shape.
    func forEachShapeByte(_ body: (UInt8) -> Void) {
        text.withUTF8Bytes { bytes in
            var inParameter = false
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "{"): inParameter = true
                case UInt8(ascii: "}"): inParameter = false
                default: if inParameter { continue }
                }
                body(byte)
            }
        }
    }
}

/// A scheme an API accepts requests over, as APIM names it.
public enum URLScheme: String, CaseIterable, Sendable {
    case https, http
}
