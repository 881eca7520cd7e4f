import PortcullisDiagnostics

/// Plans the routes of one project: what it needs from the gateway is worked out once,
/// one token check per identity provider, so each route's plan only refers to it.
public struct EnforcementPlanner: Sendable {
    let gateway: Gateway
    let products: [Product]
    let storage: CacheStorage
    let tokenChecks: [String: TokenCheck]
    /// Declared backends by name.
    let backends: [String: ResolvedBackend]

    public init(gateway: Gateway, products: [Product], backends: [String: ResolvedBackend] = [:]) {
        self.gateway = gateway
        self.products = products
        self.backends = backends
        let storage: CacheStorage = if case .present = gateway.redis { .external } else { .internal }
        self.storage = storage
        var checks: [String: TokenCheck] = [:]
        let values = gateway.substitutions
        for provider in gateway.identityProviders where checks[provider.name.value] == nil {
            checks[provider.name.value] = TokenCheck(
                provider: provider, storage: storage, keyPrefix: gateway.effectiveKeyPrefix,
                resolve: { NamedValues.resolve($0, values) ?? $0 })
        }
        tokenChecks = checks
    }

    /// What planning an API's routes carries from one route to the next.
    public struct APIMemory {
        /// The limits of the API's routes that write none of their own, which are the same
        /// for all of them naming one provider: made for the first, shared by the others' plans.
        var inheritedLimits: (provider: String?, limits: [PlannedLimit])?
        /// Whether the API's routes name more than one identity provider, whose callers then
        /// count on counters of their own (``PlannedLimit/counterPrefix``).
        var providersCountApart = false
        /// The token check found last: route after route names the same provider, and
        /// comparing its name costs less than hashing it to look the check up.
        var lastTokenCheck: (provider: String, check: TokenCheck)?

        /// The memory of planning one API's routes, which name `providers` (by route, nil
        /// for none).
        public init(providers: some Sequence<String?>) {
            var first: String?
            for case let name? in providers {
                if let first, first != name {
                    providersCountApart = true
                    break
                }
                first = name
            }
        }
    }

    /// The plan of one effective route; nil when the route names an identity provider the
    /// gateway does not declare (an error already reported), since nothing can say how
    /// such a route would be guarded. `memory` goes on to the API's next route.
    public func plan(_ route: EffectiveRoute, api: API, memory: inout APIMemory) -> EnforcementPlan? {
        let token: TokenCheck?
        switch route.auth.value {
        case .none: token = nil
        case .provider(let name):
            if let last = memory.lastTokenCheck, last.provider == name {
                token = last.check
            } else {
                guard let check = tokenChecks[name] else { return nil }
                memory.lastTokenCheck = (name, check)
                token = check
            }
        }
        let provider: String? = if memory.providersCountApart, case .provider(let name) = route.auth.value { name } else { nil }
        let limits: [PlannedLimit]
        if route.rateLimit?.origin == .route || route.quota?.origin == .route {
            limits = plannedLimits(route, api: api, provider: provider)
        } else if let inherited = memory.inheritedLimits, inherited.provider == provider {
            limits = inherited.limits
        } else {
            limits = plannedLimits(route, api: api, provider: provider)
            memory.inheritedLimits = (provider, limits)
        }
        let beforeToken = limits.prefix { !$0.caller.needsToken }.count
        let shaping = route.written.shaping
        return EnforcementPlan(
            keylessAccess: keylessAccess(route, api: api), limits: limits, limitsBeforeTokenCount: beforeToken, token: token,
            providerCallBudget: callBudget(token, limits: limits, beforeToken: beforeToken, api: api, route: route.written),
            scopes: scopeCheck(route.written, token: token), cache: cache(route, api: api, token: token), backend: backend(route.written.backend ?? api.backend),
            ipFilter: ipFilter(shaping, api: api), requestShaping: requestShaping(shaping, api: api),
            responseHeaders: shaping?.answer == nil ? Self.joined(api.response?.headers, shaping?.response?.headers) : [],
            answer: shaping?.answer)
    }

    /// The route's rate limit and quota, in the order a request meets them; `provider`
    /// names the route's identity provider where its API's routes name several.
    private func plannedLimits(_ route: EffectiveRoute, api: API, provider: String?) -> [PlannedLimit] {
        var limits: [PlannedLimit] = []
        func add(_ kind: PlannedLimit.Kind, _ limit: Limit?, _ origin: Origin?) {
            guard let limit, let origin else { return }
            let key = limit.effectiveKey
            let caller = Caller(key)
            let namespace: PlannedLimit.Namespace =
                origin == .route ? .route(api: api.name.value, route: route.written.id.value) : .api(api.name.value, provider: caller.needsToken ? provider : nil)
            limits.append(PlannedLimit(kind: kind, written: limit, key: key, caller: caller, origin: origin, namespace: namespace))
        }
        add(.rateLimit, route.activeRateLimit, route.rateLimit?.origin)
        add(.quota, route.activeQuota, route.quota?.origin)
        // A rate limit that needs a token goes after a quota that does not.
        if limits.count == 2, limits[0].caller.needsToken, !limits[1].caller.needsToken { limits.swapAt(0, 1) }
        return limits
    }

    /// The route's own filter, unless it is `none`, else its API's.
    private func ipFilter(_ route: RouteShaping?, api: API) -> PlannedIPFilter? {
        switch route?.ipFilter {
        case .filter(let filter)?: PlannedIPFilter(written: filter, origin: .route)
        case .none?: nil
        case nil: api.ipFilter.map { PlannedIPFilter(written: $0, origin: .api) }
        }
    }

    private func requestShaping(_ route: RouteShaping?, api: API) -> PlannedRequestShaping? {
        guard route?.answer == nil, api.request != nil || route?.request != nil || route?.rewrite != nil else { return nil }
        let shaping = PlannedRequestShaping(
            headers: Self.joined(api.request?.headers, route?.request?.headers),
            query: Self.joined(api.request?.query, route?.request?.query), rewrite: route?.rewrite)
        return shaping.headers.isEmpty && shaping.query.isEmpty && shaping.rewrite == nil ? nil : shaping
    }

    /// The API's changes, then the route's; no new array when one side has none, which is
    /// what almost every route has.
    private static func joined(_ api: [MessageChange]?, _ route: [MessageChange]?) -> [MessageChange] {
        guard let api, !api.isEmpty else { return route ?? [] }
        guard let route, !route.isEmpty else { return api }
        return api + route
    }

    private func backend(_ reference: BackendReference) -> PlannedBackend {
        switch reference {
        case .url: PlannedBackend(reference: reference, resolved: nil)
        case .named(let name): PlannedBackend(reference: reference, resolved: backends[name.value])
        }
    }

    private func keylessAccess(_ route: EffectiveRoute, api: API) -> KeylessAccess? {
        if let open = route.products.lazy.map({ products[$0] }).first(where: { !$0.effectiveSubscriptionRequired }) {
            return .openProduct(name: open.name.value, range: open.subscriptionRequired?.range ?? open.kindRange)
        }
        if let setting = api.subscriptionRequired, !setting.value { return .api(setting.range) }
        return nil
    }

    /// The route's own rate limit, counted per IP address in a namespace of its own, for
    /// introspection routes where no rate limit bounds the calls before the token check: one
    /// that needs a token counts after it, and one keyed by a header counts each value the
    /// caller makes up anew. None where the tier has no `rate-limit-by-key`.
    private func callBudget(_ token: TokenCheck?, limits: [PlannedLimit], beforeToken: Int, api: API, route: Route) -> PlannedLimit? {
        guard case .introspection? = token?.method, gateway.effectiveSku.hasRateLimitByKey,
            !limits[..<beforeToken].contains(where: { $0.kind == .rateLimit && !$0.key.isChosenByCaller }),
            var budget = limits.first(where: { $0.kind == .rateLimit })
        else { return nil }
        budget.key = .ip
        budget.caller = .ipAddress
        budget.namespace = .providerCalls(api: api.name.value, route: route.id.value)
        return budget
    }

    private func scopeCheck(_ route: Route, token: TokenCheck?) -> ScopeCheck? {
        guard let token else { return nil }
        var alternatives: [ScopeCheck.Requirement] = []
        if let scopes = route.scopes, !scopes.scopes.isEmpty {
            alternatives.append(ScopeCheck.Requirement(kind: .scopes, claim: token.scopeClaim, written: scopes))
        }
        if let roles = route.appRoles, !roles.scopes.isEmpty {
            alternatives.append(ScopeCheck.Requirement(kind: .appRoles, claim: token.roleClaim, written: roles))
        }
        return alternatives.isEmpty ? nil : ScopeCheck(alternatives: alternatives)
    }

    private func cache(_ route: EffectiveRoute, api: API, token: TokenCheck?) -> PlannedCache? {
        // APIM caches GET responses only: a cache on another method (CA003 switched off)
        // keeps nothing, and gateway.json said it did (audit V38).
        guard let written = route.written.cache, route.written.method.value == .GET else { return nil }
        let sharing: PlannedCache.Sharing
        switch route.cacheSharing {
        case .perUser?:
            // Without a token there is no caller to keep entries apart: nothing is cached.
            guard token != nil else { return nil }
            sharing = .perCaller(.claim(Caller.subject))
        case .shared?, nil:
            sharing = .shared
        }
        return PlannedCache(
            written: written, sharing: sharing, storage: storage, cachesAuthenticatedRequests: token != nil,
            acceptedQuery: acceptedQuery(written, shaping: route.written.shaping, api: api),
            varyByHeaders: varyByHeaders(written, shaping: route.written.shaping, api: api))
    }

    /// See ``PlannedCache/varyByHeaders``: those written, then each request header the
    /// gateway only adds when missing, or appends to, in the order changed.
    private func varyByHeaders(_ cache: Cache, shaping: RouteShaping?, api: API) -> [String] {
        var headers = cache.varyByHeaders.map(\.value)
        for change in Self.joined(api.request?.headers, shaping?.request?.headers) where change.action != .set && change.action != .remove {
            let name = change.name.value
            let folded = Grammar.caseFolded(name)
            if !headers.contains(where: { Grammar.caseFolded($0) == folded }) { headers.append(name) }
        }
        return headers
    }

    /// See ``PlannedCache/acceptedQuery``. A parameter the gateway only adds when missing, or
    /// appends to, still carries what the caller sent.
    private func acceptedQuery(_ cache: Cache, shaping: RouteShaping?, api: API) -> [String] {
        // A few names: sorted and told apart as neighbours, without hashing each.
        var names = cache.varyByQuery.map(\.value)
        for change in Self.joined(api.request?.query, shaping?.request?.query) where change.action == .set || change.action == .remove {
            names.append(change.name.value)
        }
        if let version = api.version, let set = gateway.versionSets.first(where: { $0.name.value == version.set.value }),
            set.scheme.value == .query, let parameter = set.parameter
        {
            names.append(parameter.value)
        }
        names.sort()
        var unique: [String] = []
        unique.reserveCapacity(names.count)
        for name in names where unique.last != name { unique.append(name) }
        return unique
    }
}
