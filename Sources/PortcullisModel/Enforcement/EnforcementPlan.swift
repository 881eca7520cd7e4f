import PortcullisDiagnostics
import PortcullisSupport

/// What a request to one route goes through, in the order it meets it, independent of the
/// gateway that enforces it.
///
/// Every output that says what a route enforces reads this one value: the APIM policies,
/// `gateway.json`, the access diff and the rules that judge enforcement. The order is fixed:
///
/// 0. the IP filter, so a refused address costs nothing further;
/// 1. limits whose caller needs no token (subscription, IP address, header), so a flood of
///    bad tokens is counted and a cache hit is counted too;
/// 2. the token check (for introspection: the cached result, else the identity provider);
/// 3. the scope check;
/// 4. limits counted per caller the token names (user, client, claim);
/// 5. the response cache lookup, so every limit above counts cache hits;
/// 6. the request's shaping (headers, query, rewrite), so every check above reads what the
///    caller sent;
/// 7. the backend, or the gateway's own answer, which ends the request there;
/// 8. the response's shaping, before the store, so cached responses are shaped too;
/// 9. the response cache store.
///
/// A plan refers to what the definitions wrote (shared, not copied) and to one token
/// check per identity provider, and is a class with constant properties, as
/// ``EffectiveRoute`` is: every rule walks every plan, and sharing one costs a reference
/// count where copying it would cost dozens.
public final class EnforcementPlan: Sendable {
    /// How a request may reach the route without a subscription key, if it may: APIM
    /// checks keys before any policy runs.
    public let keylessAccess: KeylessAccess?
    /// The route's limits, those counted before the token check first.
    public let limits: [PlannedLimit]
    /// How many of ``limits`` are counted before the token check.
    let limitsBeforeTokenCount: Int
    public let token: TokenCheck?
    /// On introspection routes whose rate limit needs a token: calls to the identity
    /// provider counted per IP address with that budget, so a flood of made-up tokens
    /// cannot make unbounded calls to the provider.
    public var providerCallBudget: PlannedLimit? { seldomProviderCallBudget.value }
    private let seldomProviderCallBudget: SeldomSet<PlannedLimit>
    public let scopes: ScopeCheck?
    public var cache: PlannedCache? { seldomCache.value }
    private let seldomCache: SeldomSet<PlannedCache>
    public let backend: PlannedBackend
    public let ipFilter: PlannedIPFilter?
    /// Nil when neither the API nor the route changes the request, or the gateway answers.
    public let requestShaping: PlannedRequestShaping?
    /// The API's response header changes, then the route's; empty when the gateway answers.
    public let responseHeaders: [MessageChange]
    /// Set when the gateway answers the route itself instead of calling the backend.
    public let answer: GatewayAnswer?

    init(
        keylessAccess: KeylessAccess?, limits: [PlannedLimit], limitsBeforeTokenCount: Int, token: TokenCheck?,
        providerCallBudget: PlannedLimit?, scopes: ScopeCheck?, cache: PlannedCache?, backend: PlannedBackend,
        ipFilter: PlannedIPFilter?, requestShaping: PlannedRequestShaping?, responseHeaders: [MessageChange], answer: GatewayAnswer?
    ) {
        self.keylessAccess = keylessAccess
        self.limits = limits
        self.limitsBeforeTokenCount = limitsBeforeTokenCount
        self.token = token
        seldomProviderCallBudget = SeldomSet(providerCallBudget)
        self.scopes = scopes
        seldomCache = SeldomSet(cache)
        self.backend = backend
        self.ipFilter = ipFilter
        self.requestShaping = requestShaping
        self.responseHeaders = responseHeaders
        self.answer = answer
    }

    public var limitsBeforeToken: ArraySlice<PlannedLimit> { limits[..<limitsBeforeTokenCount] }
    public var limitsAfterToken: ArraySlice<PlannedLimit> { limits[limitsBeforeTokenCount...] }

    /// The plan's steps in the order a request meets them.
    public var steps: [Step] {
        var steps: [Step] = ipFilter.map { [.ipFilter($0)] } ?? []
        steps += limitsBeforeToken.map(Step.limit)
        if let token { steps.append(.tokenCheck(token)) }
        if let scopes { steps.append(.scopeCheck(scopes)) }
        steps += limitsAfterToken.map(Step.limit)
        if let answer {
            steps.append(.answer(answer))
            return steps
        }
        if let cache { steps.append(.cacheLookup(cache)) }
        if let requestShaping { steps.append(.shapeRequest(requestShaping)) }
        steps.append(.backend(backend))
        if !responseHeaders.isEmpty { steps.append(.shapeResponse(responseHeaders)) }
        if let cache { steps.append(.cacheStore(cache)) }
        return steps
    }

    public enum Step: Sendable {
        case ipFilter(PlannedIPFilter)
        case limit(PlannedLimit)
        case tokenCheck(TokenCheck)
        case scopeCheck(ScopeCheck)
        case cacheLookup(PlannedCache)
        case shapeRequest(PlannedRequestShaping)
        case backend(PlannedBackend)
        case answer(GatewayAnswer)
        case shapeResponse([MessageChange])
        case cacheStore(PlannedCache)

        /// The step's name in outputs: `rate-limit`, `quota`, `token-check`, …
        public var name: String {
            switch self {
            case .ipFilter: "ip-filter"
            case .limit(let limit): limit.kind.rawValue
            case .tokenCheck: "token-check"
            case .scopeCheck: "scope-check"
            case .cacheLookup: "cache-lookup"
            case .shapeRequest: "shape-request"
            case .backend: "backend"
            case .answer(.fixed): "respond"
            case .answer(.mock): "mock"
            case .shapeResponse: "shape-response"
            case .cacheStore: "cache-store"
            }
        }
    }
}

/// Why a route can be called without a subscription key.
public enum KeylessAccess: Sendable {
    /// The API sets `subscriptionRequired: false` here.
    case api(SourceRange)
    /// An open product (`subscriptionRequired: false`) includes the API: APIM then lets
    /// anyone call it without a key, whatever the API says, and the product's own
    /// `rate-limit` and `quota`, which count per subscription, never apply.
    case openProduct(name: String, range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .api(let range), .openProduct(_, let range): range
        }
    }
}

/// Who a counter or a cache entry belongs to.
public enum Caller: Sendable, Equatable {
    /// The APIM subscription the key belongs to; none when the caller sent no key.
    case subscription
    case ipAddress
    /// A request header, which the caller chooses.
    case header(String)
    /// The first of these claims the validated token carries.
    case claim([String])

    /// Whether only a validated token can name this caller.
    public var needsToken: Bool {
        if case .claim = self { return true }
        return false
    }

    /// Whether a request that names no such caller is refused rather than counted: a token
    /// without the claims, a request without the header (or with it empty). Counted, all
    /// such requests would share one counter, and anyone could spend everyone's budget. A
    /// subscription key may be left out where the API lets it (RL007 warns), and every
    /// request has an address.
    public var refusesUnnamed: Bool {
        switch self {
        case .claim, .header: true
        case .subscription, .ipAddress: false
        }
    }

    /// How a language key names its caller: `user` is the subject, `client` the client
    /// application (`azp`, then `appid`, then `client_id`).
    public init(_ key: LimitKey) {
        switch key {
        case .subscription: self = .subscription
        case .ip: self = .ipAddress
        case .header(let name): self = .header(name)
        case .user: self = .claim(Self.subject)
        case .client: self = .claim(Self.client)
        case .claim(let name): self = .claim([name])
        }
    }

    /// Shared by every plan rather than allocated per route.
    static let subject = ["sub"]
    static let client = ["azp", "appid", "client_id"]
}

/// A rate limit or quota as enforced: its budget, whose requests it counts, and the
/// counter it counts on.
public struct PlannedLimit: Sendable {
    public enum Kind: String, Sendable {
        case rateLimit = "rate-limit"
        case quota
    }

    public var kind: Kind
    /// The limit as written.
    public var written: Limit
    /// The key as the language names it; the budget of provider calls counts by `ip`.
    public var key: LimitKey
    public var caller: Caller
    /// Whether the limit is the route's own, its API's or the gateway's default.
    public var origin: Origin
    /// The counter's namespace: the API, the route for a route's own budget, and a purpose
    /// for a budget of the route's that is not its written limit.
    var namespace: Namespace

    /// Names, not an array of them: every planned limit has one, and an array would be
    /// one more allocation per route.
    enum Namespace: Sendable {
        /// The API's counter; for a caller a token names, the provider's where the API's
        /// routes name more than one (``counterPrefix``).
        case api(String, provider: String?)
        case route(api: String, route: String)
        /// Calls to the identity provider (see ``EnforcementPlan/providerCallBudget``).
        case providerCalls(api: String, route: String)
    }

    public var calls: Int { written.calls.value }
    public var windowSeconds: Int { written.per.value }
    public var range: SourceRange { written.range }

    /// Whether the limit counts on the counter its API's routes share.
    public var sharesTheAPICounter: Bool {
        if case .api = namespace { return true }
        return false
    }

    /// The counter's namespace: the API (`orders:`), or the API and route for a route's
    /// own budget (`orders:list-orders:`); a quota's is marked `#quota` after it
    /// (`orders#quota:`), so that a rate limit and a quota over the same callers never count
    /// on one counter, in APIM or in a runtime that keeps both in one Redis database. Names
    /// hold no `:` or `#`, and the caller part is encoded so that it holds neither, so two
    /// budgets never share a counter. Where an API's routes name several identity
    /// providers, a token-named caller counts on its provider's counter (`orders#by-entra:`):
    /// one provider's `sub` is no other's, and a provider whose tokens name any subject
    /// would otherwise spend another provider's user's budget (audit V23).
    public var counterPrefix: String {
        let kind = kind == .quota ? "#quota:" : ":"
        return switch namespace {
        case .api(let api, let provider): api + (provider.map { "#by-" + $0 } ?? "") + kind
        case .route(let api, let route): api + ":" + route + kind
        case .providerCalls(let api, let route): api + ":" + route + ":introspection:"
        }
    }
}

/// How tokens of one identity provider are validated; failures answer 401. One instance
/// per provider, shared by the plans of all its routes.
public final class TokenCheck: Sendable {
    public enum Method: Sendable {
        case jwt(IdentityProvider.JWT)
        /// RFC 7662 introspection; a failed call to the provider answers 503 and is never
        /// cached; only `"active": true` is an active token.
        case introspection(IdentityProvider.Introspection, results: IntrospectionResults)
    }

    /// Where introspection results are kept.
    public struct IntrospectionResults: Sendable {
        public let storage: CacheStorage
        /// Results are kept under this prefix and a hash of the token, never the token. It
        /// names the provider and which endpoint answered for which client (a digest of
        /// both), so gateways or environments that share one Redis and key prefix never
        /// take another provider's word that a token is active.
        public let keyPrefix: String

        init(storage: CacheStorage, keyPrefix: String, provider: IdentityProvider, _ details: IdentityProvider.Introspection, resolve: (String) -> String) {
            self.storage = storage
            let asker = SHA256.hex(Array((resolve(details.endpoint.value) + "\n" + resolve(details.clientId.value)).utf8)).prefix(16)
            self.keyPrefix = "\(keyPrefix):introspection:\(provider.name.value):\(asker):"
        }
    }

    public let provider: IdentityProvider
    public let method: Method
    /// The provider's ``IdentityProvider/effectiveScopeClaim`` and ``IdentityProvider/effectiveRoleClaim``,
    /// read once here: every route's scope check names one, and reading them through
    /// ``provider`` copies the whole provider each time.
    let scopeClaim: String
    let roleClaim: String

    /// `resolve` substitutes the gateway's named values into the provider's fields.
    init(provider: IdentityProvider, storage: CacheStorage, keyPrefix: String, resolve: (String) -> String) {
        self.provider = provider
        scopeClaim = provider.effectiveScopeClaim
        roleClaim = provider.effectiveRoleClaim
        switch provider.details {
        case .jwt(let jwt): method = .jwt(jwt)
        case .introspection(let details):
            method = .introspection(
                details, results: IntrospectionResults(storage: storage, keyPrefix: keyPrefix, provider: provider, details, resolve: resolve))
        }
    }
}

/// The permissions a valid token must carry; a token without them is answered 403.
public struct ScopeCheck: Sendable {
    /// One way to pass: the values one claim must hold.
    public struct Requirement: Sendable {
        public enum Kind: String, Sendable {
            /// Delegated scopes, which a user's token carries.
            case scopes
            /// Application roles, which an application's own token carries.
            case appRoles
        }

        public var kind: Kind
        /// The claim that holds the granted values: a space-separated string or an array.
        public var claim: String
        /// The requirement as written.
        public var written: ScopeRequirement

        public var values: [String] { written.scopes.map(\.value) }
        public var match: ScopeMatch { written.match }
        public var range: SourceRange { written.range }
    }

    /// A token passes when it meets any one of these.
    public var alternatives: [Requirement]

    public func requirement(_ kind: Requirement.Kind) -> Requirement? { alternatives.first { $0.kind == kind } }
}

/// Where cached values live in APIM: its own cache, or the external (Redis) cache the
/// gateway declares.
public enum CacheStorage: String, Sendable {
    case `internal`
    case external
}

/// A response cache as enforced.
public struct PlannedCache: Sendable {
    public enum Sharing: Sendable {
        /// One entry per caller; a request whose token names no caller is neither looked
        /// up nor stored, so callers never share an entry.
        case perCaller(Caller)
        /// One entry for every caller.
        case shared
    }

    /// The cache as written.
    public var written: Cache
    public var sharing: Sharing
    public var storage: CacheStorage
    /// Whether requests carry a token: APIM caches them only when told to.
    public var cachesAuthenticatedRequests: Bool
    /// The query parameters a request may carry, each once, and still be looked up and
    /// stored, sorted: those the key varies by, those the gateway sets or removes before the
    /// backend sees them, and the API's version. Any other reaches the backend without being
    /// part of the key, so a response made for it would be served to callers who never sent
    /// it; such a request passes the cache by. A subscription key in the query is one such:
    /// APIM passes it on, and a backend that echoes its URL (a next-page link) would put one
    /// caller's key in an answer served to all.
    public var acceptedQuery: [String]
    /// The request headers the key varies by: those `varyBy.headers` names, and each one the
    /// gateway only sets when missing or appends to. Such a header still carries what the
    /// caller sent to the backend, so a shared entry kept without it would serve one
    /// caller's choice (`X-Region: us`) to everyone.
    public var varyByHeaders: [String]

    public var ttlSeconds: Int { written.ttl.value }
    public var varyByQuery: [String] { written.varyByQuery.map(\.value) }
    /// The `cache` key as written.
    public var range: SourceRange { written.keyRange }
    /// Where to change the cache: the `cache` key, or the TTL an environment set over it,
    /// in the environment's file.
    public var source: SourceRange { written.ttl.range.file == written.keyRange.file ? written.keyRange : written.ttl.range }
}
