import PortcullisModel
import PortcullisSupport

/// `gateway.json`: the runtime configuration a gateway needs to enforce what the policies
/// enforce. Secrets appear by name only. `Schemas/gateway-config.schema.json` describes it.
struct GatewayConfig: Encodable {
    struct Gateway: Encodable {
        var name: String
        var source: String
    }

    struct Provider: Encodable {
        var name: String
        var type: String
        var issuer: String?
        var openidConfig: String?
        var audiences: [String]?
        var endpoint: String?
        var clientId: String?
        var clientSecretName: String?
        var cacheTtlSeconds: Int?
        var scopeClaim: String
        var roleClaim: String
        var tokenLifetimeSeconds: Int
        var source: String
    }

    struct Redis: Encodable {
        struct Databases: Encodable {
            var auth: Int
            var rateLimit: Int
            var responses: Int
        }

        var connectionSecretName: String
        var tls: Bool
        var keyPrefix: String
        var databases: Databases
        /// What APIM follows: one external cache, reached with the connection string in the
        /// secret, holding cached responses and introspection results (keyed under `keyPrefix`).
        var apimHonours = ["connection", "tls", "keyPrefix", "responseCache", "introspectionCache"]
        /// What only a runtime that reads this file follows: APIM uses one connection for all
        /// caching and keeps rate-limit counters in its own store, not in Redis.
        var runtimeOnly = ["databases", "rateLimitCounters"]
        var source: String
    }

    struct Auth: Encodable {
        /// Nil on public routes.
        var provider: String?
        var scopes: [String]
        var match: String
        /// Application roles that pass instead of the scopes, and how they match.
        var appRoles: [String]?
        var appRolesMatch: String?
        var source: String
    }

    struct Limit: Encodable {
        var calls: Int
        var windowSeconds: Int
        var key: String
        /// The claims that name the caller, first present wins, for token-named callers.
        var callerClaims: [String]?
        /// `before-token` or `after-token`.
        var counted: String
        /// What happens to a request whose token names no caller: `refuse` (403).
        var whenCallerMissing: String?
        var counterKeyPrefix: String
        var source: String

        init(_ limit: PlannedLimit, source: String) {
            calls = limit.calls
            windowSeconds = limit.windowSeconds
            key = limit.key.description
            if case .claim(let claims) = limit.caller {
                callerClaims = claims
                whenCallerMissing = "refuse"
            }
            counted = limit.caller.needsToken ? "after-token" : "before-token"
            counterKeyPrefix = limit.counterPrefix
            self.source = source
        }
    }

    struct Cache: Encodable {
        struct VaryBy: Encodable {
            var query: [String]
            var headers: [String]
        }

        var ttlSeconds: Int
        var sharing: String
        /// For per-user caches: the claims that name the caller, and what happens to a
        /// request whose token names none (`bypass`: neither looked up nor stored).
        var callerClaims: [String]?
        var whenCallerMissing: String?
        var varyBy: VaryBy
        var redisDatabase: Int?
        var source: String
    }

    /// Where a route's requests go.
    struct Backend: Encodable {
        struct Member: Encodable {
            var name: String
            var url: String
            var priority: Int?
            var weight: Int?
        }

        struct ManagedIdentity: Encodable {
            var resource: String
            var clientId: String?
        }

        /// The backend entity; absent for a URL written on the API.
        var name: String?
        /// Absent for a pool.
        var url: String?
        var pool: [Member]?
        var managedIdentity: ManagedIdentity?
        var source: String

        init(_ backend: PlannedBackend, source: String) {
            name = backend.name
            url = backend.url
            if let resolved = backend.resolved, resolved.backend.isPool {
                pool = resolved.members.map {
                    Member(
                        name: $0.backend.name.value, url: $0.backend.service?.url.value ?? "", priority: $0.member.priority?.value,
                        weight: $0.member.weight?.value)
                }
            }
            managedIdentity = backend.managedIdentity.map { ManagedIdentity(resource: $0.resource, clientId: $0.clientId) }
            self.source = source
        }
    }

    struct IPFilter: Encodable {
        struct Range: Encodable {
            var from: String
            var to: String
        }

        /// `allow` (only these may call) or `deny` (these may not).
        var action: String
        var addresses: [String]
        var ranges: [Range]
        /// `route` or `api`: where the filter is written.
        var origin: String
        var source: String

        init(_ filter: PlannedIPFilter, source: String) {
            action = filter.written.action.rawValue
            let entries = filter.written.entries.map(\.value)
            addresses = entries.filter(\.isSingleAddress).map { IPv4Range.text($0.first) }
            ranges = entries.filter { !$0.isSingleAddress }.map { Range(from: IPv4Range.text($0.first), to: IPv4Range.text($0.last)) }
            origin = filter.origin.rawValue
            self.source = source
        }
    }

    /// Which version of a version set the route's API is, and where requests carry it.
    struct Version: Encodable {
        var set: String
        var name: String
        var scheme: String
        /// The query parameter or header; absent when the version is a path segment.
        var parameter: String?
    }

    /// One header or query parameter change; `value` is absent for `remove`.
    struct Change: Encodable {
        var action: String
        var name: String
        var value: String?
        var source: String

        init(_ change: MessageChange, locations: SourceLocations) {
            action = change.action.rawValue
            name = change.name.value
            value = change.value?.value
            source = locations.text(change.name.range)
        }
    }

    struct Request: Encodable {
        struct Rewrite: Encodable {
            var path: String
            var method: String?
            var keepQuery: Bool
            var source: String
        }

        var headers: [Change]
        var query: [Change]
        var rewrite: Rewrite?
    }

    /// The gateway's own answer: `respond` with status, headers and body, or `mock`.
    struct Answer: Encodable {
        var kind: String
        var status: Int
        var headers: [Change]?
        var body: String?
        var contentType: String?
        var source: String
    }

    struct Route: Encodable {
        var api: String
        var version: Version?
        var id: String
        var method: String
        var path: String
        /// The schemes the route is served over when plain http is among them; absent, https
        /// alone. A runtime that does not read it serves https alone, the safe side.
        var protocols: [String]?
        var auth: Auth
        var rateLimit: Limit?
        var quota: Limit?
        var cache: Cache?
        /// Introspection routes: the provider calls counted per IP address on a cache miss.
        var providerCallBudget: Limit?
        var backend: Backend
        var ipFilter: IPFilter?
        /// What the backend receives instead of what the caller sent.
        var request: Request?
        /// Response header changes, the API's first.
        var responseHeaders: [Change]?
        var answer: Answer?
        /// Where raw policy XML that runs on the route's requests is written (the gateway's,
        /// its products', its API's, its own), broadest first; absent when there is none.
        /// Portcullis does not describe what raw statements do: a runtime that cannot run
        /// them must refuse the route.
        var rawPolicies: [String]?
        /// The checks in the order a request meets them.
        var steps: [String]
        var products: [String]
        var source: String
    }

    /// 3 since IP filters, shaping and gateway answers: a runtime that knows only format 2
    /// would skip the `ip-filter` step, so it must refuse the file instead.
    var formatVersion = 3
    var sourceDigest: String
    var gateway: Gateway
    var identityProviders: [Provider]
    var redis: Redis?
    /// Each ``Route``, written on all cores: a 100,000-route gateway.json is 96 MB.
    var routes: [StableJSON.Fragment]

    init(_ project: ResolvedProject, gateway: PortcullisModel.Gateway, sourceDigest: String, locations: SourceLocations) {
        self.sourceDigest = sourceDigest
        self.gateway = Gateway(name: gateway.name.value, source: locations.text(gateway.kindRange))
        identityProviders = gateway.identityProviders.map { provider in
            var entry = Provider(
                name: provider.name.value, type: provider.type.rawValue, scopeClaim: provider.effectiveScopeClaim,
                roleClaim: provider.effectiveRoleClaim, tokenLifetimeSeconds: provider.effectiveTokenLifetime, source: locations.text(provider.name.range))
            switch provider.details {
            case .jwt(let jwt):
                entry.issuer = jwt.issuer.value
                entry.openidConfig = jwt.openidConfig.value
                entry.audiences = jwt.audiences.map(\.value)
            case .introspection(let details):
                entry.endpoint = details.endpoint.value
                entry.clientId = details.clientId.value
                if case .reference(let name) = details.clientSecret { entry.clientSecretName = name.value }
                entry.cacheTtlSeconds = details.effectiveCacheTtl
                entry.audiences = details.audiences?.map(\.value)
            }
            return entry
        }
        var responsesDatabase: Int?
        if case .present(let redis) = gateway.redis {
            responsesDatabase = redis.databases.effectiveResponses
            if case .reference(let secret) = redis.connection {
                self.redis = Redis(
                    connectionSecretName: secret.value, tls: redis.effectiveTLS, keyPrefix: gateway.effectiveKeyPrefix,
                    databases: Redis.Databases(
                        auth: redis.databases.effectiveAuth, rateLimit: redis.databases.effectiveRateLimit,
                        responses: redis.databases.effectiveResponses),
                    source: locations.text(redis.keyRange))
            }
        }
        let responses = responsesDatabase
        let versionSets = Dictionary(gateway.versionSets.map { ($0.name.value, $0) }) { first, _ in first }
        let withPlans = project.routes.indices.filter { project.plans[$0] != nil }
        routes = ParallelMap.map(withPlans.indices) { item in
            let route = project.routes[withPlans[item]]
            let plan = project.plans[withPlans[item]]!
            let api = project.apis[route.apiIndex]
            let limits = plan.limits
            var cache: Cache?
            if let planned = plan.cache {
                var entry = Cache(
                    ttlSeconds: planned.ttlSeconds, sharing: CacheSharing.shared.rawValue,
                    varyBy: Cache.VaryBy(query: planned.varyByQuery, headers: planned.varyByHeaders),
                    redisDatabase: responses, source: locations.text(planned.range))
                if case .perCaller(let caller) = planned.sharing {
                    entry.sharing = CacheSharing.perUser.rawValue
                    if case .claim(let claims) = caller { entry.callerClaims = claims }
                    entry.whenCallerMissing = "bypass"
                }
                cache = entry
            }
            var version: Version?
            var apiPath = "/" + api.path.value
            if let written = api.version, let set = versionSets[written.set.value] {
                version = Version(
                    set: set.name.value, name: written.name.value, scheme: set.scheme.value.rawValue, parameter: set.parameter?.value)
                if set.scheme.value == .segment { apiPath += "/" + written.name.value }
            }
            // An element of `routes` in the top-level object.
            return StableJSON.Fragment(Route(
                api: api.name.value, version: version, id: route.written.id.value, method: route.written.method.value.rawValue,
                path: apiPath + (route.written.path.value.text == "/" ? "" : route.written.path.value.text),
                protocols: api.protocols.map { $0.map(\.value.rawValue) }.flatMap { $0 == ["https"] ? nil : $0 },
                auth: Auth(
                    provider: plan.token?.provider.name.value, scopes: plan.scopes?.requirement(.scopes)?.values ?? [],
                    match: plan.scopes?.requirement(.scopes)?.match.rawValue ?? "any",
                    appRoles: plan.scopes?.requirement(.appRoles)?.values, appRolesMatch: plan.scopes?.requirement(.appRoles)?.match.rawValue,
                    source: locations.text(route.auth.range)),
                rateLimit: limits.first { $0.kind == .rateLimit }.map { Limit($0, source: locations.text($0.range)) },
                quota: limits.first { $0.kind == .quota }.map { Limit($0, source: locations.text($0.range)) },
                cache: cache,
                providerCallBudget: plan.providerCallBudget.map { Limit($0, source: locations.text($0.range)) },
                backend: Backend(plan.backend, source: locations.text(plan.backend.reference.text.range)),
                ipFilter: plan.ipFilter.map { IPFilter($0, source: locations.text($0.range)) },
                request: plan.requestShaping.map { shaping in
                    Request(
                        headers: shaping.headers.map { Change($0, locations: locations) }, query: shaping.query.map { Change($0, locations: locations) },
                        rewrite: shaping.rewrite.map {
                            Request.Rewrite(path: $0.path.value, method: $0.method?.value.rawValue, keepQuery: $0.effectiveKeepQuery, source: locations.text($0.keyRange))
                        })
                },
                responseHeaders: plan.responseHeaders.isEmpty ? nil : plan.responseHeaders.map { Change($0, locations: locations) },
                answer: plan.answer.map { Self.answer($0, locations: locations) },
                rawPolicies: Self.rawPolicies(of: route, in: project, gateway: gateway, locations: locations),
                steps: plan.steps.map(\.name),
                products: route.products.map { project.products[$0].name.value },
                source: locations.text(route.written.id.range)), depth: 2)
        }
    }

    private static func rawPolicies(
        of route: EffectiveRoute, in project: ResolvedProject, gateway: PortcullisModel.Gateway, locations: SourceLocations
    ) -> [String]? {
        let written =
            [gateway.policy] + route.products.map { project.products[$0].policy } + [project.apis[route.apiIndex].policy, route.written.policy]
        let sources = written.compactMap { $0.map { locations.text($0.written.range) } }
        return sources.isEmpty ? nil : sources
    }

    private static func answer(_ answer: GatewayAnswer, locations: SourceLocations) -> Answer {
        switch answer {
        case .fixed(let response):
            Answer(
                kind: "respond", status: response.status.value, headers: response.headers.map { Change($0, locations: locations) },
                body: response.body?.value, source: locations.text(response.keyRange))
        case .mock(let mock):
            Answer(kind: "mock", status: mock.effectiveStatus, contentType: mock.contentType?.value, source: locations.text(mock.keyRange))
        }
    }
}
