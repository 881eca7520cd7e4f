import PortcullisModel

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
        var source: String
    }

    struct Auth: Encodable {
        /// Nil on public routes.
        var provider: String?
        var scopes: [String]
        var match: String
        var source: String
    }

    struct Limit: Encodable {
        var calls: Int
        var windowSeconds: Int
        var key: String
        var counterKeyPrefix: String
        var source: String
    }

    struct Cache: Encodable {
        struct VaryBy: Encodable {
            var query: [String]
            var headers: [String]
        }

        var ttlSeconds: Int
        var sharing: String
        var varyBy: VaryBy
        var redisDatabase: Int?
        var source: String
    }

    struct Route: Encodable {
        var api: String
        var id: String
        var method: String
        var path: String
        var auth: Auth
        var rateLimit: Limit?
        var quota: Limit?
        var cache: Cache?
        var products: [String]
        var source: String
    }

    var formatVersion = 1
    var sourceDigest: String
    var gateway: Gateway
    var identityProviders: [Provider]
    var redis: Redis?
    var routes: [Route]

    init(_ project: ResolvedProject, gateway: PortcullisModel.Gateway, sourceDigest: String, locations: SourceLocations) {
        self.sourceDigest = sourceDigest
        self.gateway = Gateway(name: gateway.name.value, source: locations.text(gateway.anchor))
        identityProviders = gateway.identityProviders.map { provider in
            var entry = Provider(
                name: provider.name.value, type: provider.type.rawValue, scopeClaim: provider.effectiveScopeClaim,
                tokenLifetimeSeconds: provider.effectiveTokenLifetime, source: locations.text(provider.name.range))
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
            }
            return entry
        }
        let keyPrefix = gateway.redis?.keyPrefix?.value ?? gateway.name.value
        if let redis = gateway.redis, case .reference(let secret) = redis.connection {
            self.redis = Redis(
                connectionSecretName: secret.value, tls: redis.effectiveTLS, keyPrefix: keyPrefix,
                databases: Redis.Databases(
                    auth: redis.databases.effectiveAuth, rateLimit: redis.databases.effectiveRateLimit,
                    responses: redis.databases.effectiveResponses),
                source: locations.text(redis.anchor))
        }
        let responsesDatabase = gateway.redis?.databases.effectiveResponses
        routes = project.routes.map { route in
            let api = project.apis[route.apiIndex]
            var provider: String?
            if case .provider(let name) = route.auth.value { provider = name }
            func limit(_ limit: PortcullisModel.Limit?, _ setting: Inherited<LimitSetting>?) -> Limit? {
                guard let limit, let setting else { return nil }
                return Limit(
                    calls: limit.calls.value, windowSeconds: limit.per.value, key: limit.effectiveKey.description,
                    counterKeyPrefix: LimitPolicies.counterPrefix(setting.origin, api: api, route: route.route),
                    source: locations.text(limit.range))
            }
            var cache: Cache?
            if let written = route.route.cache, let sharing = route.cacheSharing {
                cache = Cache(
                    ttlSeconds: written.ttl.value, sharing: sharing.rawValue,
                    varyBy: Cache.VaryBy(query: written.varyByQuery.map(\.value), headers: written.varyByHeaders.map(\.value)),
                    redisDatabase: responsesDatabase, source: locations.text(written.anchor))
            }
            return Route(
                api: api.name.value, id: route.route.id.value, method: route.route.method.value.rawValue,
                path: "/" + api.path.value + (route.route.path.value.text == "/" ? "" : route.route.path.value.text),
                auth: Auth(
                    provider: provider, scopes: route.route.scopes?.scopes.map(\.value) ?? [],
                    match: route.route.scopes?.match.rawValue ?? "any", source: locations.text(route.auth.range)),
                rateLimit: limit(route.activeRateLimit, route.rateLimit),
                quota: limit(route.activeQuota, route.quota),
                cache: cache,
                products: route.products.map { project.products[$0].name.value },
                source: locations.text(route.route.id.range))
        }
    }
}
