import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

/// The `routes` of `gateway.json`: each route's plan written straight into bytes, members
/// in sorted key order, absent values left out. A tree of `Encodable` values per route
/// was a fifth of a build's time; `Schemas/gateway-config.schema.json` describes the members.
struct GatewayRoutes {
    let project: ResolvedProject
    let gateway: Gateway
    let locations: SourceLocations
    /// The Redis database that holds cached responses, when the gateway has Redis.
    let responsesDatabase: Int?
    let versionSets: [String: VersionSet]
    /// Which sections of the gateway's, each product's and each API's raw policy hold a
    /// `set-backend-service` (``GatewayPolicies/setsBackend(_:fragments:in:)``).
    private let rawBackends: (gateway: RawBackendSetter, products: [RawBackendSetter], apis: [RawBackendSetter])
    private let fragmentDocuments: [String: PolicyXMLDocument]
    /// Whether a raw policy broader than a route's sets a backend anywhere.
    private let anyRawBackendSetter: Bool

    init(_ project: ResolvedProject, gateway: Gateway, locations: SourceLocations) {
        self.project = project
        self.gateway = gateway
        self.locations = locations
        if case .present(let redis) = gateway.redis { responsesDatabase = redis.databases.effectiveResponses } else { responsesDatabase = nil }
        versionSets = Dictionary(gateway.versionSets.map { ($0.name.value, $0) }) { first, _ in first }
        let fragments = project.fragments.documentsByName
        rawBackends = (
            RawBackendSetter(gateway.policy, fragments), project.products.map { RawBackendSetter($0.policy, fragments) },
            project.apis.map { RawBackendSetter($0.policy, fragments) }
        )
        fragmentDocuments = fragments
        anyRawBackendSetter = ([rawBackends.gateway] + rawBackends.products + rawBackends.apis).contains { $0.inbound || $0.backend }
    }

    /// Where a raw policy holds a `set-backend-service`, by section.
    private struct RawBackendSetter {
        let inbound: Bool
        let backend: Bool

        init(_ policy: RawPolicy?, _ fragments: [String: PolicyXMLDocument]) {
            inbound = GatewayPolicies.setsBackend(policy, fragments: fragments, in: GatewayPolicies.inbound)
            backend = GatewayPolicies.setsBackend(policy, fragments: fragments, in: GatewayPolicies.backend)
        }
    }

    /// The raw policies, in the order they run, whose `set-backend-service` may send the
    /// route's requests elsewhere than its plan's backend. In `inbound`, the API's and the
    /// route's, where they run: the generated statement follows the broader scopes' own
    /// (the build writes one into every API below a policy that sets a backend there). In
    /// `backend`, which runs after `inbound`, every scope's whose section runs: each
    /// narrower scope keeps `<base />` there. A statement that a generated one follows in
    /// the same section is listed too: the list may say more than runs, never less.
    private func rawBackendSetters(of route: EffectiveRoute) -> [String] {
        let own = route.written.policy.map { RawBackendSetter($0, fragmentDocuments) }
        // Most estates set no backend in raw XML: told once, not by names made per route.
        guard anyRawBackendSetter || own?.inbound == true || own?.backend == true else { return [] }
        let api = project.apis[route.apiIndex]
        let apiName = "API '\(api.name.value)'"
        let routeName = "route '\(api.name.value)/\(route.written.id.value)'"
        let routeDocument = route.written.policy?.document
        var setters: [String] = []
        if rawBackends.apis[route.apiIndex].inbound, routeDocument?.keepsInboundBase ?? true { setters.append(apiName) }
        if own?.inbound == true { setters.append(routeName) }
        // The broader `backend` sections run where each narrower one keeps `<base />`.
        let routeKeeps = routeDocument?.keepsBase(in: "backend") ?? true
        let apiKeeps = routeKeeps && (api.policy?.document?.keepsBase(in: "backend") ?? true)
        if apiKeeps {
            let products = route.products
            if rawBackends.gateway.backend, products.allSatisfy({ project.products[$0].policy?.document?.keepsBase(in: "backend") ?? true }) {
                setters.append("the gateway")
            }
            setters += products.filter { rawBackends.products[$0].backend }.map { "product '\(project.products[$0].name.value)'" }
        }
        if routeKeeps, rawBackends.apis[route.apiIndex].backend { setters.append(apiName) }
        if own?.backend == true { setters.append(routeName) }
        // A scope that sets it in both sections is named once, where it first runs.
        var named = Set<String>()
        return setters.filter { named.insert($0).inserted }
    }

    /// Every route with a plan, in route order, written on all cores.
    func fragments() -> [StableJSON.Fragment] {
        let withPlans = project.routes.indices.filter { project.plans[$0] != nil }
        return ParallelMap.map(withPlans.indices) { item in
            // An element of `routes` in the top-level object.
            // A route's entry is one to two kilobytes.
            var json = StableJSON.Writer(depth: 2, capacity: 2048)
            write(project.routes[withPlans[item]], plan: project.plans[withPlans[item]]!, into: &json)
            return StableJSON.Fragment(json)
        }
    }

    private func write(_ route: EffectiveRoute, plan: EnforcementPlan, into json: inout StableJSON.Writer) {
        let api = project.apis[route.apiIndex]
        json.beginObject()
        if let answer = plan.answer {
            json.key("answer")
            write(answer, into: &json)
        }
        json.key("api")
        json.string(api.name.value)
        json.key("auth")
        write(auth: plan, source: route.auth.range, into: &json)
        json.key("backend")
        write(plan.backend, setBy: rawBackendSetters(of: route), into: &json)
        if let cache = plan.cache {
            json.key("cache")
            write(cache, into: &json)
        }
        // Whether the gateway's CORS (`cors` at the top) answers for the route: a raw API or
        // route policy without `<base />` in `inbound` keeps it from running for every
        // request, a product's for its subscribers' (CO003).
        if case .present = gateway.cors {
            json.key("cors")
            json.beginObject()
            let runs = project.runsProductPolicies(on: route)
            json.key("runs")
            json.boolean(runs)
            let skipping = route.products.map { project.products[$0] }.filter { $0.policy?.document?.keepsInboundBase == false }
            if runs, !skipping.isEmpty {
                json.key("skippedThroughProducts")
                json.strings(skipping.map(\.name.value))
            }
            json.endObject()
        }
        json.key("id")
        json.string(route.written.id.value)
        if let filter = plan.ipFilter {
            json.key("ipFilter")
            write(filter, into: &json)
        }
        json.key("method")
        json.string(route.written.method.value.rawValue)
        // The API's path, its version when that is a path segment, then the route's.
        var version: (written: PortcullisModel.Version, set: VersionSet)?
        var path = "/" + api.path.value
        if let written = api.version, let set = versionSets[written.set.value] {
            version = (written, set)
            if set.scheme.value == .segment { path += "/" + written.name.value }
        }
        if route.written.path.value.text != "/" { path += route.written.path.value.text }
        json.key("path")
        json.string(path)
        // The products' own limits count per subscription, as the product's policy counts
        // them; a request without a key is counted by none, and none applies where a raw
        // policy keeps the product's from running, or in an open product, which has no
        // subscriptions (RL008).
        let limited =
            project.runsProductPolicies(on: route)
            ? route.products.map { project.products[$0] }.filter { ($0.rateLimit != nil || $0.quota != nil) && $0.effectiveSubscriptionRequired } : []
        if !limited.isEmpty {
            json.key("productLimits")
            json.beginArray()
            for product in limited { write(limitsOf: product, into: &json) }
            json.endArray()
        }
        json.key("products")
        json.beginArray()
        for product in route.products { json.string(project.products[product].name.value) }
        json.endArray()
        // The schemes the route is served over when plain http is among them; absent, https
        // alone. A runtime that does not read it serves https alone, the safe side.
        if let protocols = api.protocols?.map(\.value.rawValue), protocols != ["https"] {
            json.key("protocols")
            json.strings(protocols)
        }
        // Introspection routes: the provider calls counted per IP address on a cache miss.
        if let budget = plan.providerCallBudget {
            json.key("providerCallBudget")
            write(budget, into: &json)
        }
        if let quota = plan.limits.first(where: { $0.kind == .quota }) {
            json.key("quota")
            write(quota, into: &json)
        }
        if let rateLimit = plan.limits.first(where: { $0.kind == .rateLimit }) {
            json.key("rateLimit")
            write(rateLimit, into: &json)
        }
        // Where raw policy XML that runs on the route's requests is written (the gateway's,
        // its products', its API's, its own), broadest first. Portcullis does not describe
        // what raw statements do: a runtime that cannot run them must refuse the route.
        var raw: [RawPolicy] = []
        if let policy = gateway.policy { raw.append(policy) }
        for product in route.products { if let policy = project.products[product].policy { raw.append(policy) } }
        if let policy = api.policy { raw.append(policy) }
        if let policy = route.written.policy { raw.append(policy) }
        if !raw.isEmpty {
            json.key("rawPolicies")
            json.strings(raw.map { locations.text($0.written.range) })
        }
        // What the backend receives instead of what the caller sent.
        if let shaping = plan.requestShaping {
            json.key("request")
            json.beginObject()
            json.key("headers")
            write(shaping.headers, into: &json)
            json.key("query")
            write(shaping.query, into: &json)
            if let rewrite = shaping.rewrite {
                json.key("rewrite")
                json.beginObject()
                json.key("keepQuery")
                json.boolean(rewrite.effectiveKeepQuery)
                if let method = rewrite.method {
                    json.key("method")
                    json.string(method.value.rawValue)
                }
                json.key("path")
                json.string(rewrite.path.value)
                json.key("source")
                json.string(locations.text(rewrite.keyRange))
                json.endObject()
            }
            json.endObject()
        }
        // Response header changes, the API's first.
        if !plan.responseHeaders.isEmpty {
            json.key("responseHeaders")
            write(plan.responseHeaders, into: &json)
        }
        json.key("source")
        json.string(locations.text(route.written.id.range))
        // The checks in the order a request meets them.
        json.key("steps")
        json.beginArray()
        for step in plan.steps { json.string(step.name) }
        json.endArray()
        // Whether APIM refuses a request without a subscription key before any step: a
        // runtime that let keyless callers in would open a route the bundle closes.
        json.key("subscription")
        json.beginObject()
        if let keyless = plan.keylessAccess {
            switch keyless {
            case .api:
                json.key("openedBy")
                json.string("api")
            case .openProduct(let name, _):
                json.key("openedBy")
                json.string("product")
                json.key("product")
                json.string(name)
            }
        }
        json.key("required")
        json.boolean(plan.keylessAccess == nil)
        if let keyless = plan.keylessAccess {
            json.key("source")
            json.string(locations.text(keyless.range))
        }
        json.endObject()
        // Which version of a version set the route's API is, and where requests carry it;
        // the parameter is the query parameter or header, absent for a path segment.
        if let version {
            json.key("version")
            json.beginObject()
            json.key("name")
            json.string(version.written.name.value)
            if let parameter = version.set.parameter {
                json.key("parameter")
                json.string(parameter.value)
            }
            json.key("scheme")
            json.string(version.set.scheme.value.rawValue)
            json.key("set")
            json.string(version.set.name.value)
            json.endObject()
        }
        json.endObject()
    }

    /// The provider is absent on public routes; application roles pass instead of the
    /// scopes where the route names some. `requires` says which lists a token is judged by,
    /// so that an empty `scopes` is never read both as "no requirement" and as "nothing
    /// passes".
    private func write(auth plan: EnforcementPlan, source: SourceRange, into json: inout StableJSON.Writer) {
        let scopes = plan.scopes?.requirement(.scopes)
        json.beginObject()
        if let roles = plan.scopes?.requirement(.appRoles) {
            json.key("appRoles")
            json.strings(roles.values)
            json.key("appRolesMatch")
            json.string(roles.match.rawValue)
        }
        json.key("match")
        json.string(scopes?.match.rawValue ?? "any")
        if let token = plan.token {
            json.key("provider")
            json.string(token.provider.name.value)
            json.key("requires")
            switch (scopes != nil, plan.scopes?.requirement(.appRoles) != nil) {
            case (false, false): json.string("token")
            case (true, false): json.string("scopes")
            case (false, true): json.string("appRoles")
            case (true, true): json.string("scopesOrAppRoles")
            }
        }
        json.key("scopes")
        json.strings(scopes?.values ?? [])
        json.key("source")
        json.string(locations.text(source))
        json.endObject()
    }

    /// A product's rate limit and quota, as `LimitPolicies.productElements` writes them:
    /// APIM's `rate-limit` and `quota`, which count per subscription.
    private func write(limitsOf product: Product, into json: inout StableJSON.Writer) {
        func write(_ limit: Limit) {
            json.beginObject()
            json.key("calls")
            json.number(limit.calls.value)
            json.key("key")
            json.string("subscription")
            json.key("source")
            json.string(locations.text(limit.range))
            json.key("windowSeconds")
            json.number(limit.per.value)
            json.endObject()
        }
        json.beginObject()
        json.key("product")
        json.string(product.name.value)
        if let quota = product.quota {
            json.key("quota")
            write(quota)
        }
        if let limit = product.rateLimit {
            json.key("rateLimit")
            write(limit)
        }
        json.endObject()
    }

    /// A rate limit, quota or provider call budget. Limits that count token-named callers
    /// are counted after the token check and refuse (403) a request whose token names none.
    private func write(_ limit: PlannedLimit, into json: inout StableJSON.Writer) {
        json.beginObject()
        var claims: [String]?
        if case .claim(let names) = limit.caller { claims = names }
        if let claims {
            json.key("callerClaims")
            json.strings(claims)
        }
        json.key("calls")
        json.number(limit.calls)
        json.key("counted")
        json.string(limit.caller.needsToken ? "after-token" : "before-token")
        json.key("counterKeyPrefix")
        json.string(limit.counterPrefix)
        json.key("key")
        json.string(limit.key.description)
        json.key("source")
        json.string(locations.text(limit.range))
        if limit.caller.refusesUnnamed {
            json.key("whenCallerMissing")
            json.string("refuse")
        }
        json.key("windowSeconds")
        json.number(limit.windowSeconds)
        json.endObject()
    }

    /// A per-user cache names the claims that identify the caller; a request whose token
    /// names none `bypass`es it (neither looked up nor stored), as does one whose query
    /// holds a parameter not in `acceptedQuery`, or one twice.
    private func write(_ cache: PlannedCache, into json: inout StableJSON.Writer) {
        json.beginObject()
        json.key("acceptedQuery")
        json.strings(cache.acceptedQuery)
        var perUser = false
        if case .perCaller(let caller) = cache.sharing {
            perUser = true
            if case .claim(let claims) = caller {
                json.key("callerClaims")
                json.strings(claims)
            }
        }
        if let responsesDatabase {
            json.key("redisDatabase")
            json.number(responsesDatabase)
        }
        json.key("sharing")
        json.string((perUser ? CacheSharing.perUser : CacheSharing.shared).rawValue)
        json.key("source")
        json.string(locations.text(cache.source))
        json.key("ttlSeconds")
        json.number(cache.ttlSeconds)
        json.key("varyBy")
        json.beginObject()
        json.key("headers")
        json.strings(cache.varyByHeaders)
        json.key("query")
        json.strings(cache.varyByQuery)
        json.endObject()
        if perUser {
            json.key("whenCallerMissing")
            json.string("bypass")
        }
        json.endObject()
    }

    /// Where a route's requests go: the backend entity (absent for a URL written on the
    /// API), its URL (absent for a pool) or its pool's members, and the raw policies that
    /// may send them elsewhere, which APIM obeys (found by an audit: gateway.json named
    /// the plan's backend alone).
    private func write(_ backend: PlannedBackend, setBy rawPolicies: [String], into json: inout StableJSON.Writer) {
        json.beginObject()
        if let identity = backend.managedIdentity {
            json.key("managedIdentity")
            json.beginObject()
            if let clientId = identity.clientId {
                json.key("clientId")
                json.string(clientId)
            }
            json.key("resource")
            json.string(identity.resource)
            json.endObject()
        }
        if let name = backend.name {
            json.key("name")
            json.string(name)
        }
        if let resolved = backend.resolved, resolved.backend.isPool {
            json.key("pool")
            json.beginArray()
            for member in resolved.members {
                json.beginObject()
                json.key("name")
                json.string(member.backend.name.value)
                if let priority = member.member.priority {
                    json.key("priority")
                    json.number(priority.value)
                }
                json.key("url")
                json.string(member.backend.service?.url.value ?? "")
                if let weight = member.member.weight {
                    json.key("weight")
                    json.number(weight.value)
                }
                json.endObject()
            }
            json.endArray()
        }
        if !rawPolicies.isEmpty {
            json.key("setByRawPolicies")
            json.strings(rawPolicies)
        }
        json.key("source")
        json.string(locations.text(backend.reference.text.range))
        if let url = backend.url {
            json.key("url")
            json.string(url)
        }
        json.endObject()
    }

    /// `allow` (only these may call) or `deny` (these may not); the origin is `route` or
    /// `api`, where the filter is written.
    private func write(_ filter: PlannedIPFilter, into json: inout StableJSON.Writer) {
        let entries = filter.written.entries.map(\.value)
        json.beginObject()
        json.key("action")
        json.string(filter.written.action.rawValue)
        json.key("addresses")
        json.strings(entries.filter(\.isSingleAddress).map { IPv4Range.text($0.first) })
        json.key("origin")
        json.string(filter.origin.rawValue)
        json.key("ranges")
        json.beginArray()
        for range in entries where !range.isSingleAddress {
            json.beginObject()
            json.key("from")
            json.string(IPv4Range.text(range.first))
            json.key("to")
            json.string(IPv4Range.text(range.last))
            json.endObject()
        }
        json.endArray()
        json.key("source")
        json.string(locations.text(filter.range))
        json.endObject()
    }

    /// Header or query parameter changes; `value` is absent for `remove`.
    private func write(_ changes: [MessageChange], into json: inout StableJSON.Writer) {
        json.beginArray()
        for change in changes {
            json.beginObject()
            json.key("action")
            json.string(change.action.rawValue)
            json.key("name")
            json.string(change.name.value)
            json.key("source")
            json.string(locations.text(change.name.range))
            if let value = change.value {
                json.key("value")
                json.string(value.value)
            }
            json.endObject()
        }
        json.endArray()
    }

    /// The gateway's own answer: `respond` with status, headers and body, or `mock`.
    private func write(_ answer: GatewayAnswer, into json: inout StableJSON.Writer) {
        json.beginObject()
        switch answer {
        case .fixed(let response):
            if let body = response.body {
                json.key("body")
                json.string(body.value)
            }
            json.key("headers")
            write(response.headers, into: &json)
            json.key("kind")
            json.string("respond")
            json.key("source")
            json.string(locations.text(response.keyRange))
            json.key("status")
            json.number(response.status.value)
        case .mock(let mock):
            if let contentType = mock.contentType {
                json.key("contentType")
                json.string(contentType.value)
            }
            json.key("kind")
            json.string("mock")
            json.key("source")
            json.string(locations.text(mock.keyRange))
            json.key("status")
            json.number(mock.effectiveStatus)
        }
        json.endObject()
    }
}
