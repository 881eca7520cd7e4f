import PortcullisModel
import PortcullisPolicyXML

/// The global policy (CORS first, then forwarding) and the API policy (the backend, and
/// the managed identity the gateway authenticates to it with).
enum GatewayPolicies {
    /// `forward-request` is APIM's default backend section, not something the definitions
    /// enforce: a backend section the author writes replaces it.
    static func global(_ gateway: Gateway) -> PolicyElement {
        var inbound: [PolicyElement] = []
        if case .present(let cors) = gateway.cors { inbound.append(self.cors(cors)) }
        let raw = gateway.policy?.document
        let writesBackend = raw?.root.elements.contains { $0.name == "backend" } ?? false
        return PolicyDocument.make(.global, inbound: inbound, backend: writesBackend ? [] : [PolicyElement("forward-request")], raw: raw)
    }

    /// APIM's `cors` policy, its children in the order APIM documents; lists not written
    /// are left out, so APIM's defaults apply.
    static func cors(_ cors: CORS) -> PolicyElement {
        func list(_ name: String, _ item: String, _ values: [Located<String>], _ attributes: [(String, PolicyValue)] = [])
            -> [PolicyElement]
        {
            values.isEmpty ? [] : [PolicyElement(name, attributes, values.map { PolicyElement(item, text: .literal($0.value)) })]
        }
        let maxAge = cors.preflightMaxAge.map { [("preflight-result-max-age", PolicyValue.literal(String($0.value)))] } ?? []
        let children =
            list("allowed-origins", "origin", cors.allowedOrigins) + list("allowed-methods", "method", cors.allowedMethods, maxAge)
            + list("allowed-headers", "header", cors.allowedHeaders) + list("expose-headers", "header", cors.exposeHeaders)
        return PolicyElement("cors", [("allow-credentials", .literal(String(cors.effectiveAllowCredentials)))], children)
    }

    /// The API's backend, for all of its routes; nil when some route has its own, so each
    /// operation sets its backend and no route gets a token meant for another backend.
    ///
    /// An API with its own raw policy and a URL backend is sent to its `serviceUrl`, as
    /// APIM sends every API whose policy names no backend: the author's policy is then the
    /// estate's as written (what `import` proves), and the URL is still the backend. That
    /// holds only while no broader raw policy (`broaderSetsBackend`: the gateway's, or a
    /// product's with the API) sets a backend; then the API's own statement must win.
    static func api(_ api: API, backend: PlannedBackend?, broaderSetsBackend: Bool) -> PolicyElement {
        var inbound = backend.map(backendElements) ?? []
        if api.policy != nil, !broaderSetsBackend, case .url? = backend?.reference { inbound = [] }
        return PolicyDocument.make(.api, inbound: inbound, raw: api.policy?.document)
    }

    /// Whether a raw policy sets a backend for every request it sees.
    static func setsBackend(_ policy: RawPolicy?) -> Bool {
        policy?.document?.statements(in: "inbound").contains { $0.name == "set-backend-service" } == true
    }

    /// `set-backend-service` and, when the backend is called with APIM's managed identity,
    /// `authentication-managed-identity`.
    static func backendElements(_ backend: PlannedBackend) -> [PolicyElement] {
        var elements: [PolicyElement]
        switch backend.reference {
        case .url(let url): elements = [PolicyElement("set-backend-service", [("base-url", .literal(url.value))])]
        case .named(let name): elements = [PolicyElement("set-backend-service", [("backend-id", .literal(name.value))])]
        }
        if let identity = backend.managedIdentity {
            var attributes: [(String, PolicyValue)] = [("resource", .literal(identity.resource))]
            if let clientId = identity.clientId { attributes.append(("client-id", .literal(clientId))) }
            elements.append(PolicyElement("authentication-managed-identity", attributes))
        }
        return elements
    }

    static func product(_ product: Product) -> PolicyElement {
        PolicyDocument.make(.product, inbound: LimitPolicies.productElements(product), raw: product.policy?.document)
    }

    /// The route's plan, step by step, in the order the request meets it. Callers a token
    /// names are read once, right after the token and scope checks.
    static func operation(_ plan: EnforcementPlan, setsBackend: Bool, raw: PolicyXMLDocument?) -> PolicyElement {
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
            case .ipFilter(let filter):
                inbound.append(ShapingPolicies.ipFilter(filter))
            case .limit(let limit):
                if limit.caller.needsToken { readCallers() }
                inbound += LimitPolicies.elements(limit, callers: callers)
            case .tokenCheck(let check):
                inbound += AuthPolicies.tokenElements(check, callBudget: plan.providerCallBudget)
            case .scopeCheck(let scopes):
                if let token = plan.token { inbound += AuthPolicies.scopeElements(scopes, token: token) }
            case .cacheLookup(let cache):
                readCallers()
                inbound += CachePolicies.lookup(cache, callers: callers)
            case .shapeRequest(let shaping):
                inbound += ShapingPolicies.request(shaping)
            case .backend(let backend):
                // Otherwise set once for all operations, at API scope.
                if setsBackend { inbound += backendElements(backend) }
            case .answer(let answer):
                inbound.append(ShapingPolicies.answer(answer))
            case .shapeResponse(let headers):
                outbound += ShapingPolicies.response(headers)
            case .cacheStore(let cache):
                outbound += CachePolicies.store(cache, callers: callers)
            }
        }
        return PolicyDocument.make(.operation, inbound: inbound, outbound: outbound, raw: raw)
    }
}
