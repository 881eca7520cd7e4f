import PortcullisModel

/// The global policy (CORS first, then forwarding) and the API policy (the backend).
enum GatewayPolicies {
    static func global(_ gateway: Gateway) -> PolicyElement {
        var inbound: [PolicyElement] = []
        if let cors = gateway.cors {
            var children = [PolicyElement("allowed-origins", [], cors.allowedOrigins.map { PolicyElement("origin", text: .literal($0.value)) })]
            if !cors.allowedMethods.isEmpty {
                children.append(PolicyElement("allowed-methods", [], cors.allowedMethods.map { PolicyElement("method", text: .literal($0.value)) }))
            }
            if !cors.allowedHeaders.isEmpty {
                children.append(PolicyElement("allowed-headers", [], cors.allowedHeaders.map { PolicyElement("header", text: .literal($0.value)) }))
            }
            inbound.append(PolicyElement("cors", [("allow-credentials", .literal("false"))], children))
        }
        return PolicyDocument.make(.global, inbound: inbound, backend: [PolicyElement("forward-request")])
    }

    static func api(_ api: API) -> PolicyElement {
        PolicyDocument.make(.api, inbound: [PolicyElement("set-backend-service", [("base-url", .literal(api.backend.value))])])
    }

    static func product(_ product: Product) -> PolicyElement {
        PolicyDocument.make(.product, inbound: LimitPolicies.productElements(product))
    }

    /// Token checks, the cache lookup and the limits, in the order the request meets them.
    static func operation(_ route: EffectiveRoute, api: API, gateway: Gateway) -> PolicyElement {
        let provider: IdentityProvider? =
            if case .provider(let name) = route.auth.value { gateway.identityProviders.first { $0.name.value == name } } else { nil }
        let keyPrefix = gateway.redis?.keyPrefix?.value ?? gateway.name.value
        var inbound: [PolicyElement] = []
        if let provider {
            inbound += AuthPolicies.elements(for: provider, scopes: route.route.scopes, redis: gateway.redis, keyPrefix: keyPrefix)
        }
        var outbound: [PolicyElement] = []
        if let cache = route.route.cache, let sharing = route.cacheSharing {
            inbound += CachePolicies.inbound(cache, sharing: sharing, provider: provider, external: gateway.redis != nil)
            outbound += CachePolicies.outbound(cache)
        }
        inbound += LimitPolicies.operationElements(route, api: api, provider: provider)
        return PolicyDocument.make(.operation, inbound: inbound, outbound: outbound)
    }
}
