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

    /// The route's plan, step by step, in the order the request meets it. Callers a token
    /// names are read once, right after the token and scope checks.
    static func operation(_ plan: EnforcementPlan) -> PolicyElement {
        let callers = Identity.tokenCallers(plan)
        var inbound: [PolicyElement] = []
        var outbound: [PolicyElement] = []
        var callersRead = false
        func readCallers() {
            guard !callersRead, let token = plan.token else { return }
            callersRead = true
            inbound += Identity.readCallers(callers, token: token) + LimitPolicies.refuseUnnamed(callers, of: plan)
        }
        for step in plan.steps {
            switch step {
            case .limit(let limit):
                if limit.caller.needsToken { readCallers() }
                inbound += LimitPolicies.elements(limit, callers: callers)
            case .tokenCheck(let check):
                inbound += AuthPolicies.tokenElements(check)
            case .scopeCheck(let scopes):
                if let token = plan.token { inbound += AuthPolicies.scopeElements(scopes, token: token) }
            case .cacheLookup(let cache):
                readCallers()
                inbound += CachePolicies.lookup(cache, callers: callers)
            case .backend:
                // Set once for all operations, at API scope.
                break
            case .cacheStore(let cache):
                outbound += CachePolicies.store(cache, callers: callers)
            }
        }
        return PolicyDocument.make(.operation, inbound: inbound, outbound: outbound)
    }
}
