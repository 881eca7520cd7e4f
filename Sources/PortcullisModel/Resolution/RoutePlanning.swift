import PortcullisDiagnostics

/// Makes one API's effective routes and their plans, and checks the API's references,
/// all of which depend on that API alone.
struct RoutePlanning: Sendable {
    let productsByAPI: [String: [Int]]
    /// Routes under broken defaults inherit nothing from them; rules do not judge them.
    let defaults: Defaults
    let planner: EnforcementPlanner?
    /// What references are checked against; nil without a gateway.
    let declared: DeclaredNames?

    init(_ resolver: Resolver, gateway: Gateway?, backends: [String: ResolvedBackend]) {
        var productsByAPI: [String: [Int]] = [:]
        for (index, product) in resolver.definitions.products.enumerated() {
            for api in product.apis { productsByAPI[api.value, default: []].append(index) }
        }
        self.productsByAPI = productsByAPI
        defaults = if case .present(let read)? = gateway?.defaults { read } else { Defaults() }
        planner = gateway.map { EnforcementPlanner(gateway: $0, products: resolver.definitions.products, backends: backends) }
        declared = gateway?.declared
    }

    /// What checking one API's references found, and the declared scopes its routes require.
    struct CheckedReferences: Sendable {
        var findings = DiagnosticCollector()
        var requiredScopes: [String] = []
    }

    /// Hands each of the API's routes, in order, to `deliver` as an effective route with its
    /// plan, and returns what checking the API's references found and the declared scopes
    /// its routes require. Every API's references are checked, one read with errors too:
    /// LP006 relies on the scopes of every API.
    func resolve(
        _ api: API, at apiIndex: Int, into deliver: (_ route: EffectiveRoute, _ plan: EnforcementPlan?) -> Void
    ) -> CheckedReferences {
        var references = CheckedReferences()
        if let declared {
            Resolver.checkReferences(of: api, declared, required: &references.requiredScopes, into: &references.findings)
        }
        let products = productsByAPI[api.name.value] ?? []
        // The order of ``auth(of:in:)``, read without making each route's inheritance:
        // through it, every plan of the benchmark estate cost 2.4 M more instructions.
        let apiAuth = api.auth?.value ?? defaults.auth?.value
        var memory = EnforcementPlanner.APIMemory(
            providers: api.routes.lazy.map { route in
                guard case .provider(let name)? = route.auth?.value ?? apiAuth else { return nil }
                return name
            })
        for route in api.routes {
            let auth = auth(of: route, in: api)
            let effective = EffectiveRoute(
                apiIndex: apiIndex,
                written: route,
                auth: auth,
                rateLimit: Self.inherit(route.rateLimit, api.rateLimit, defaults.rateLimit),
                quota: Self.inherit(route.quota, api.quota, nil),
                products: products)
            deliver(effective, planner?.plan(effective, api: api, memory: &memory))
        }
        return references
    }

    /// The identity provider a route names: its own, else its API's, else the gateway default.
    private func auth(of route: Route, in api: API) -> Inherited<AuthSetting> {
        if let own = route.auth { return Inherited(value: own.value, origin: .route, range: own.range) }
        if let apiAuth = api.auth { return Inherited(value: apiAuth.value, origin: .api, range: apiAuth.range) }
        if let gatewayAuth = defaults.auth { return Inherited(value: gatewayAuth.value, origin: .gatewayDefaults, range: gatewayAuth.range) }
        return Inherited(value: .none, origin: .unset, range: route.itemStart)
    }

    /// The value a route inherits: its own, else its API's, else the gateway default.
    private static func inherit(
        _ route: LimitSetting?, _ api: LimitSetting?, _ gateway: LimitSetting?
    ) -> Inherited<LimitSetting>? {
        if let route { return Inherited(value: route, origin: .route, range: route.range) }
        if let api { return Inherited(value: api, origin: .api, range: api.range) }
        if let gateway { return Inherited(value: gateway, origin: .gatewayDefaults, range: gateway.range) }
        return nil
    }
}
