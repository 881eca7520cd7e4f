import PortcullisDiagnostics

/// What a request to one route goes through, in the order it meets it, independent of the
/// gateway that enforces it.
///
/// Every output that says what a route enforces reads this one value: the APIM policies,
/// `gateway.json`, the access diff and the rules that judge enforcement. The order is fixed:
///
/// 1. limits whose caller needs no token (subscription, IP address, header), so a flood of
///    bad tokens is counted and a cache hit is counted too;
/// 2. the token check (for introspection: the cached result, else the identity provider);
/// 3. the scope check;
/// 4. limits counted per caller the token names (user, client, claim);
/// 5. the response cache lookup, so every limit above counts cache hits;
/// 6. the backend;
/// 7. the response cache store.
public struct EnforcementPlan: Sendable {
    /// How a request may reach the route without a subscription key, if it may: APIM
    /// checks keys before any policy runs.
    public var keylessAccess: KeylessAccess?
    public var limitsBeforeToken: [PlannedLimit]
    public var token: TokenCheck?
    public var scopes: ScopeCheck?
    public var limitsAfterToken: [PlannedLimit]
    public var cache: PlannedCache?
    public var backend: Located<String>

    /// The plan's steps in the order a request meets them.
    public var steps: [Step] {
        var steps = limitsBeforeToken.map(Step.limit)
        if let token { steps.append(.tokenCheck(token)) }
        if let scopes { steps.append(.scopeCheck(scopes)) }
        steps += limitsAfterToken.map(Step.limit)
        if let cache { steps.append(.cacheLookup(cache)) }
        steps.append(.backend(backend))
        if let cache { steps.append(.cacheStore(cache)) }
        return steps
    }

    public enum Step: Sendable {
        case limit(PlannedLimit)
        case tokenCheck(TokenCheck)
        case scopeCheck(ScopeCheck)
        case cacheLookup(PlannedCache)
        case backend(Located<String>)
        case cacheStore(PlannedCache)

        /// The step's name in outputs: `rate-limit`, `quota`, `token-check`, …
        public var name: String {
            switch self {
            case .limit(let limit): limit.kind.rawValue
            case .tokenCheck: "token-check"
            case .scopeCheck: "scope-check"
            case .cacheLookup: "cache-lookup"
            case .backend: "backend"
            case .cacheStore: "cache-store"
            }
        }
    }

    /// Every limit of the route, before and after the token check.
    public var limits: [PlannedLimit] { limitsBeforeToken + limitsAfterToken }
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

    /// How a language key names its caller: `user` is the subject, `client` the client
    /// application (`azp`, then `appid`, then `client_id`).
    public init(_ key: LimitKey) {
        switch key {
        case .subscription: self = .subscription
        case .ip: self = .ipAddress
        case .header(let name): self = .header(name)
        case .user: self = .claim(["sub"])
        case .client: self = .claim(["azp", "appid", "client_id"])
        case .claim(let name): self = .claim([name])
        }
    }
}

/// A rate limit or quota as enforced: its budget, whose requests it counts, and the
/// counter it counts on.
public struct PlannedLimit: Sendable {
    public enum Kind: String, Sendable {
        case rateLimit = "rate-limit"
        case quota
    }

    public var kind: Kind
    public var calls: Int
    public var windowSeconds: Int
    public var key: LimitKey
    public var caller: Caller
    /// The counter's namespace: the API (`orders:`), or the API and route for a route's
    /// own budget (`orders:list-orders:`). Names hold no `:`, and the caller part is
    /// encoded so that it holds none either, so two budgets never share a counter.
    public var counterPrefix: String
    /// Whether the limit is the route's own, its API's or the gateway's default.
    public var origin: Origin
    /// The limit as written.
    public var range: SourceRange
}

/// How a route's token is validated; failures answer 401.
public struct TokenCheck: Sendable {
    public enum Method: Sendable {
        case jwt(IdentityProvider.JWT)
        /// RFC 7662 introspection; a failed call to the provider answers 503 and is never
        /// cached; only `"active": true` is an active token.
        case introspection(IdentityProvider.Introspection, results: IntrospectionResults)
    }

    /// Where introspection results are kept, and what bounds the calls to the provider.
    public struct IntrospectionResults: Sendable {
        public var storage: CacheStorage
        /// Results are kept under this prefix and a hash of the token, never the token.
        public var keyPrefix: String
        /// Requests that would call the identity provider are counted per IP address with
        /// the route's rate-limit budget when every limit of the route needs a token, so
        /// a flood of made-up tokens cannot make unbounded calls to the provider.
        public var callBudget: PlannedLimit?
    }

    public var provider: IdentityProvider
    public var method: Method
    /// Where the route's `auth` is set (or inherited from).
    public var range: SourceRange
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
        public var values: [String]
        public var match: ScopeMatch
        public var range: SourceRange
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

    public var ttlSeconds: Int
    public var sharing: Sharing
    public var varyByQuery: [String]
    public var varyByHeaders: [String]
    public var storage: CacheStorage
    /// Whether requests carry a token: APIM caches them only when told to.
    public var cachesAuthenticatedRequests: Bool
    /// The `cache` key as written.
    public var range: SourceRange
}
