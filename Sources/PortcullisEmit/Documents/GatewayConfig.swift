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
        var apimHonours = ["connection", "keyPrefix", "responseCache", "introspectionCache"]
        /// What only a runtime that reads this file follows: APIM encrypts as the secret's
        /// connection string says, which no file of the bundle sets (audit V100: `tls` was
        /// listed as honoured), uses one connection for all caching and keeps rate-limit
        /// counters in its own store, not in Redis.
        var runtimeOnly = ["tls", "databases", "rateLimitCounters"]
        var source: String
    }

    /// 3 since IP filters, shaping and gateway answers: a runtime that knows only format 2
    /// would skip the `ip-filter` step, so it must refuse the file instead.
    var formatVersion = 4
    var sourceDigest: String
    var gateway: Gateway
    var identityProviders: [Provider]
    var redis: Redis?
    /// The gateway's CORS, as the global policy answers it: lists APIM fills with its
    /// defaults when left out are written with them, so a runtime needs no default of its own.
    struct CORS: Encodable {
        var allowCredentials: Bool
        var allowedHeaders: [String]
        var allowedMethods: [String]
        var allowedOrigins: [String]
        var exposeHeaders: [String]
        var preflightMaxAgeSeconds: Int
        /// A request from an origin not listed goes on without CORS headers
        /// (`terminate-unmatched-request="false"`).
        var unmatchedOrigin = "passWithoutHeaders"
        var source: String
    }

    var cors: CORS?
    /// The plain named values, by name: APIM puts them into the `{{name}}` references that
    /// strings here keep as written (an audience, a backend's host), so a runtime needs them
    /// to read those strings as APIM does. A reference to no name listed is a secret's.
    var namedValues: [String: String]?
    /// Each route (``GatewayRoutes``), written on all cores: a 100,000-route gateway.json is 96 MB.
    var routes: [StableJSON.Fragment]

    /// - Parameter routes: ``GatewayRoutes/fragments()`` of the project.
    init(
        _ project: ResolvedProject, gateway: PortcullisModel.Gateway, routes: [StableJSON.Fragment], sourceDigest: String,
        locations: SourceLocations
    ) {
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
        if case .present(let redis) = gateway.redis, case .reference(let secret) = redis.connection {
            self.redis = Redis(
                connectionSecretName: secret.value, tls: redis.effectiveTLS, keyPrefix: gateway.effectiveKeyPrefix,
                databases: Redis.Databases(
                    auth: redis.databases.effectiveAuth, rateLimit: redis.databases.effectiveRateLimit,
                    responses: redis.databases.effectiveResponses),
                source: locations.text(redis.keyRange))
        }
        if case .present(let cors) = gateway.cors {
            self.cors = CORS(
                allowCredentials: cors.effectiveAllowCredentials, allowedHeaders: cors.allowedHeaders.map(\.value),
                allowedMethods: cors.allowedMethods.isEmpty ? ["GET", "POST"] : cors.allowedMethods.map(\.value),
                allowedOrigins: cors.allowedOrigins.map(\.value), exposeHeaders: cors.exposeHeaders.map(\.value),
                preflightMaxAgeSeconds: cors.preflightMaxAge?.value ?? 0, source: locations.text(cors.keyRange))
        }
        if !gateway.namedValues.isEmpty {
            namedValues = gateway.plainNamedValues
        }
        self.routes = routes
    }
}
