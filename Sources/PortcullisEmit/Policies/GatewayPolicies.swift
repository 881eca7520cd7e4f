import PortcullisModel
import PortcullisPolicyXML

/// The global policy (CORS first, then forwarding), the API policy (the backend) and the
/// operation policy (the route's plan, ending with the managed identity the gateway
/// authenticates to the backend with).
enum GatewayPolicies {
    /// `forward-request` is APIM's default backend section, not something the definitions
    /// enforce: a backend section the author writes replaces it.
    static func global(_ gateway: Gateway) -> [UInt8] {
        let raw = gateway.policy?.document
        let writesBackend = raw?.root.elements.contains { $0.name == "backend" } ?? false
        return PolicyDocument.make(
            .global, raw: raw,
            inbound: { writer in
                if case .present(let cors) = gateway.cors { self.cors(cors, into: &writer) }
            },
            backend: { writer in
                if !writesBackend { writer.element("forward-request") }
            })
    }

    /// APIM's `cors` policy, its children in the order APIM documents; lists not written
    /// are left out, so APIM's defaults apply.
    static func cors(_ cors: CORS, into writer: inout PolicyWriter) {
        func list(
            _ name: String, _ item: String, _ values: [Located<String>], _ attributes: [(String, PolicyValue)] = [],
            into writer: inout PolicyWriter
        ) {
            guard !values.isEmpty else { return }
            writer.element(name, attributes) { writer in
                for value in values { writer.element(item, text: .literal(value.value)) }
            }
        }
        let maxAge = cors.preflightMaxAge.map { [("preflight-result-max-age", PolicyValue.literal(String($0.value)))] } ?? []
        // Written out: Microsoft's reference gives 'true' and 'false' as the default in its
        // versions. 'false' lets a request from an origin not listed go on without CORS
        // headers, which the browser then refuses to read, as CORS means; 'true' would answer
        // it with an empty 200 that no API wrote.
        writer.element(
            "cors", [("allow-credentials", .literal(String(cors.effectiveAllowCredentials))), ("terminate-unmatched-request", .literal("false"))]
        ) { writer in
            list("allowed-origins", "origin", cors.allowedOrigins, into: &writer)
            list("allowed-methods", "method", cors.allowedMethods, maxAge, into: &writer)
            list("allowed-headers", "header", cors.allowedHeaders, into: &writer)
            list("expose-headers", "header", cors.exposeHeaders, into: &writer)
        }
    }

    /// The API's backend, for all of its routes; nil when some route has its own, so each
    /// operation sets its backend and no route gets a token meant for another backend.
    ///
    /// An API with its own raw policy and a URL backend is sent to its `serviceUrl`, as
    /// APIM sends every API whose policy names no backend: the author's policy is then the
    /// estate's as written (what `import` proves), and the URL is still the backend. That
    /// holds only while the bundle gives the API a `serviceUrl` (`reachedByServiceURL`: not
    /// for a URL that references a secret) and no broader raw policy (`broaderSetsBackend`:
    /// the gateway's, or a product's with the API) sets a backend; else the API's own
    /// statement must set it.
    static func api(_ api: API, backend: PlannedBackend?, reachedByServiceURL: Bool, broaderSetsBackend: Bool) -> [UInt8] {
        var sets = backend
        if api.policy != nil, reachedByServiceURL, !broaderSetsBackend, case .url? = backend?.reference { sets = nil }
        return PolicyDocument.make(
            .api, raw: api.policy?.document,
            inbound: { writer in
                if let sets { setBackend(sets, into: &writer) }
            })
    }

    /// Whether a raw policy sends some request it sees to a backend of its own on the way
    /// in, which the APIs below must override with their own backend: a `set-backend-service`
    /// in its `inbound`, inside a `choose` too (a canary), or in a fragment it includes
    /// there (`fragments`, by id), at any depth. One in `backend` runs after every API's
    /// inbound statement, which could not override it; `sections` asks of it where that counts.
    static func setsBackend(_ policy: RawPolicy?, fragments: [String: PolicyXMLDocument], in sections: Set<String> = inbound) -> Bool {
        // Told by the names the document holds first: most hold neither.
        guard let document = policy?.document, document.has(anyOf: backendSettingNames) else { return false }
        let root = document.root
        var pending = root.elements.filter { sections.contains($0.name) }.flatMap(\.elements)
        var included = Set<String>()
        while let element = pending.popLast() {
            if element.name == "set-backend-service" { return true }
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value, included.insert(id).inserted,
                let fragment = fragments[id]
            {
                pending += fragment.root.elements
            }
            pending += element.elements
        }
        return false
    }

    private static let backendSettingNames: Set<String> = ["set-backend-service", "include-fragment"]
    static let inbound: Set<String> = ["inbound"]
    static let backend: Set<String> = ["backend"]

    static func setBackend(_ backend: PlannedBackend, into writer: inout PolicyWriter) {
        switch backend.reference {
        case .url(let url): writer.element("set-backend-service", [("base-url", .literal(url.value))])
        case .named(let name): writer.element("set-backend-service", [("backend-id", .literal(name.value))])
        }
    }

    /// `authentication-managed-identity` when the backend is called with APIM's managed
    /// identity. It puts the gateway's token in `Authorization`, so it is the operation's
    /// last inbound statement, after every check of the caller's token (the generated ones
    /// and the author's): at API scope it would run at the operation's `<base />`, before
    /// them, and they would judge the gateway's token instead of the caller's.
    static func authenticate(to backend: PlannedBackend, into writer: inout PolicyWriter) {
        guard let identity = backend.managedIdentity else { return }
        var attributes: [(String, PolicyValue)] = [("resource", .literal(identity.resource))]
        if let clientId = identity.clientId { attributes.append(("client-id", .literal(clientId))) }
        writer.element("authentication-managed-identity", attributes)
    }

    static func product(_ product: Product) -> [UInt8] {
        PolicyDocument.make(.product, raw: product.policy?.document, inbound: { LimitPolicies.productElements(product, into: &$0) })
    }

    /// The route's plan, step by step, in the order the request meets it. Callers a token
    /// names are read once, right after the token and scope checks.
    static func operation(_ plan: EnforcementPlan, setsBackend: Bool, raw: PolicyXMLDocument?) -> [UInt8] {
        let callers = Identity.tokenCallers(plan)
        let steps = plan.steps
        return PolicyDocument.make(
            .operation, raw: raw,
            inbound: { writer in
                var callersRead = false
                var headersRequired: [String] = []
                func readCallers(into writer: inout PolicyWriter) {
                    guard !callersRead else { return }
                    callersRead = true
                    Identity.readCallers(callers, token: plan.token, into: &writer)
                    LimitPolicies.refuseUnnamed(callers, of: plan, into: &writer)
                }
                for step in steps {
                    switch step {
                    case .ipFilter(let filter):
                        ShapingPolicies.ipFilter(filter, into: &writer)
                    case .limit(let limit):
                        if limit.caller.needsToken { readCallers(into: &writer) }
                        if case .header(let name) = limit.caller, !headersRequired.contains(name) {
                            headersRequired.append(name)
                            LimitPolicies.refuseWithoutHeader(name, into: &writer)
                        }
                        LimitPolicies.elements(limit, callers: callers, into: &writer)
                    case .tokenCheck(let check):
                        AuthPolicies.tokenElements(check, callBudget: plan.providerCallBudget, into: &writer)
                    case .scopeCheck(let scopes):
                        if let token = plan.token { AuthPolicies.scopeElements(scopes, token: token, into: &writer) }
                    case .cacheLookup(let cache):
                        readCallers(into: &writer)
                        CachePolicies.lookup(cache, callers: callers, into: &writer)
                    case .shapeRequest(let shaping):
                        ShapingPolicies.request(shaping, into: &writer)
                    case .backend(let backend):
                        // Otherwise set once for all operations, at API scope.
                        if setsBackend { setBackend(backend, into: &writer) }
                    case .answer(let answer):
                        ShapingPolicies.answer(answer, into: &writer)
                    case .shapeResponse, .cacheStore:
                        continue
                    }
                }
            },
            inboundLast: { writer in
                // A route the gateway answers itself calls no backend.
                if plan.answer == nil { authenticate(to: plan.backend, into: &writer) }
            },
            outbound: { writer in
                for step in steps {
                    switch step {
                    case .shapeResponse(let headers):
                        ShapingPolicies.response(headers, into: &writer)
                    case .cacheStore(let cache):
                        CachePolicies.store(cache, callers: callers, into: &writer)
                    default:
                        continue
                    }
                }
            })
    }
}
