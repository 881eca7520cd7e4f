import PortcullisDiagnostics

extension EnforcementPlan {
    /// The plan of one effective route; nil when the route names an identity provider the
    /// gateway does not declare (an error already reported), since nothing can say how
    /// such a route would be guarded.
    public init?(_ route: EffectiveRoute, api: API, products: [Product], gateway: Gateway) {
        let storage: CacheStorage = if case .present = gateway.redis { .external } else { .internal }
        if let open = route.products.lazy.map({ products[$0] }).first(where: { !$0.effectiveSubscriptionRequired }) {
            keylessAccess = .openProduct(name: open.name.value, range: open.subscriptionRequired?.range ?? open.anchor)
        } else if let setting = api.subscriptionRequired, !setting.value {
            keylessAccess = .api(setting.range)
        } else {
            keylessAccess = nil
        }
        let limits = [
            Self.limit(.rateLimit, route.activeRateLimit, route.rateLimit?.origin, api: api, route: route.route),
            Self.limit(.quota, route.activeQuota, route.quota?.origin, api: api, route: route.route),
        ].compactMap { $0 }
        limitsBeforeToken = limits.filter { !$0.caller.needsToken }
        limitsAfterToken = limits.filter(\.caller.needsToken)
        switch route.auth.value {
        case .none:
            token = nil
        case .provider(let name):
            guard let provider = gateway.identityProviders.first(where: { $0.name.value == name }) else { return nil }
            let method: TokenCheck.Method
            switch provider.details {
            case .jwt(let jwt):
                method = .jwt(jwt)
            case .introspection(let introspection):
                var budget: PlannedLimit?
                if gateway.effectiveSku.hasRateLimitByKey, !limitsBeforeToken.contains(where: { $0.kind == .rateLimit }),
                    var limit = limitsAfterToken.first(where: { $0.kind == .rateLimit })
                {
                    limit.key = .ip
                    limit.caller = .ipAddress
                    limit.counterPrefix = "\(api.name.value):\(route.route.id.value):introspection:"
                    budget = limit
                }
                method = .introspection(
                    introspection, results: TokenCheck.IntrospectionResults(storage: storage, keyPrefix: gateway.effectiveKeyPrefix, callBudget: budget))
            }
            token = TokenCheck(provider: provider, method: method, range: route.auth.range)
        }
        var alternatives: [ScopeCheck.Requirement] = []
        if let token {
            for (kind, written, claim) in [
                (ScopeCheck.Requirement.Kind.scopes, route.route.scopes, token.provider.effectiveScopeClaim),
                (.appRoles, route.route.appRoles, token.provider.effectiveRoleClaim),
            ] {
                guard let written, !written.scopes.isEmpty else { continue }
                alternatives.append(
                    ScopeCheck.Requirement(kind: kind, claim: claim, values: written.scopes.map(\.value), match: written.match, range: written.range))
            }
        }
        scopes = alternatives.isEmpty ? nil : ScopeCheck(alternatives: alternatives)
        backend = api.backend
        let token = token
        cache = route.route.cache.flatMap { written in
            let sharing: PlannedCache.Sharing
            switch route.cacheSharing {
            case .perUser?:
                // Without a token there is no caller to keep entries apart: nothing is cached.
                guard token != nil else { return nil }
                sharing = .perCaller(.claim(["sub"]))
            case .shared?, nil:
                sharing = .shared
            }
            return PlannedCache(
                ttlSeconds: written.ttl.value, sharing: sharing, varyByQuery: written.varyByQuery.map(\.value),
                varyByHeaders: written.varyByHeaders.map(\.value), storage: storage, cachesAuthenticatedRequests: token != nil,
                range: written.anchor)
        }
    }

    private static func limit(
        _ kind: PlannedLimit.Kind, _ limit: Limit?, _ origin: Origin?, api: API, route: Route
    ) -> PlannedLimit? {
        guard let limit, let origin else { return nil }
        return PlannedLimit(
            kind: kind, calls: limit.calls.value, windowSeconds: limit.per.value, key: limit.effectiveKey,
            caller: Caller(limit.effectiveKey),
            counterPrefix: origin == .route ? "\(api.name.value):\(route.id.value):" : "\(api.name.value):",
            origin: origin, range: limit.range)
    }
}
