/// The fields one kind of mapping accepts.
///
/// Each conformance is the single list of a mapping's fields: the decoder rejects keys
/// outside it (YS003), and a test checks that the JSON Schema's definition named
/// ``schemaDefinition`` has exactly these properties.
public protocol FieldSet: CaseIterable, Hashable, Sendable, RawRepresentable where RawValue == String, AllCases == [Self] {
    /// The `$defs` entry of `Schemas/portcullis.schema.json` describing this mapping.
    static var schemaDefinition: String { get }
    /// How messages name the mapping: "a route", "the gateway's 'redis'".
    static var noun: String { get }
}

public enum GatewayField: String, FieldSet {
    case apiVersion, kind, name, sku, identityProviders, scopes, namedValues, secrets, redis, guardrails, defaults, cors, groups,
        versionSets, policy, tags
    public static let schemaDefinition = "Gateway"
    public static let noun = "a Gateway"
}

public enum JWTProviderField: String, FieldSet {
    case type, issuer, openidConfig, audiences, scopeClaim, roleClaim, tokenLifetime
    public static let schemaDefinition = "JWTProvider"
    public static let noun = "a 'jwt' identity provider"
}

public enum IntrospectionProviderField: String, FieldSet {
    case type, endpoint, clientId, clientSecret, cacheTtl, audiences, scopeClaim, roleClaim, tokenLifetime
    public static let schemaDefinition = "IntrospectionProvider"
    public static let noun = "an 'introspection' identity provider"
}

public enum ScopeDeclarationField: String, FieldSet {
    case access, description
    public static let schemaDefinition = "ScopeDeclaration"
    public static let noun = "a scope declaration"
}

/// A named value written as a mapping, for a display name or tags.
public enum NamedValueField: String, FieldSet {
    case value, displayName, tags
    public static let schemaDefinition = "NamedValue"
    public static let noun = "a named value"
}

/// A set of APIs that are versions of one API.
public enum VersionSetField: String, FieldSet {
    case displayName, description, scheme, parameter
    public static let schemaDefinition = "VersionSet"
    public static let noun = "a version set"
}

/// Which version of which set an API is.
public enum APIVersionField: String, FieldSet {
    case set, name
    public static let schemaDefinition = "APIVersion"
    public static let noun = "an API's 'version'"
}

/// A custom developer-portal group that products make visible to.
public enum TagField: String, FieldSet {
    case displayName
    public static let schemaDefinition = "Tag"
    public static let noun = "a tag"
}

public enum GroupField: String, FieldSet {
    case displayName, description
    public static let schemaDefinition = "Group"
    public static let noun = "a group"
}

public enum SecretDeclarationField: String, FieldSet {
    case keyVault, value, displayName, tags
    public static let schemaDefinition = "SecretDeclaration"
    public static let noun = "a secret declaration"
}

public enum SecretReferenceField: String, FieldSet {
    case secret
    public static let schemaDefinition = "SecretReference"
    public static let noun = "a secret reference"
}

public enum RedisField: String, FieldSet {
    case connection, tls, publicNetworkAccess, keyPrefix, databases
    public static let schemaDefinition = "Redis"
    public static let noun = "'redis'"
}

public enum RedisDatabasesField: String, FieldSet {
    case auth, rateLimit, responses
    public static let schemaDefinition = "RedisDatabases"
    public static let noun = "'redis.databases'"
}

public enum GuardrailsField: String, FieldSet {
    case maxCacheTtl, maxTokenCacheTtl, requireRateLimit, maxRateLimit
    public static let schemaDefinition = "Guardrails"
    public static let noun = "'guardrails'"
}

public enum MaxCacheTtlField: String, FieldSet {
    case shared, perUser
    public static let schemaDefinition = "MaxCacheTtl"
    public static let noun = "'guardrails.maxCacheTtl'"
}

public enum MaxRateLimitField: String, FieldSet {
    case calls, per
    public static let schemaDefinition = "MaxRateLimit"
    public static let noun = "'guardrails.maxRateLimit'"
}

public enum DefaultsField: String, FieldSet {
    case auth, rateLimit
    public static let schemaDefinition = "Defaults"
    public static let noun = "'defaults'"
}

public enum CORSField: String, FieldSet {
    case allowedOrigins, allowedMethods, allowedHeaders, exposeHeaders, allowCredentials, preflightMaxAge
    public static let schemaDefinition = "CORS"
    public static let noun = "'cors'"
}

public enum APIField: String, FieldSet {
    case apiVersion, kind, name, displayName, description, path, backend, subscriptionRequired, auth, rateLimit,
        quota, routes, tags, version, policy, openapi
    case request, response, ipFilter, revision, protocols
    public static let schemaDefinition = "API"
    public static let noun = "an API"
}

public enum RouteField: String, FieldSet {
    case id, method, path, summary, scopes, appRoles, cache, rateLimit, quota, auth, backend, policy
    case `public`
    case request, response, ipFilter, rewrite, respond, mock
    public static let schemaDefinition = "Route"
    public static let noun = "a route"
}

public enum ScopeSetField: String, FieldSet {
    case any, all
    public static let schemaDefinition = "ScopeSet"
    public static let noun = "'scopes'"
}

public enum CacheField: String, FieldSet {
    case ttl, sharing, varyBy
    public static let schemaDefinition = "Cache"
    public static let noun = "'cache'"
}

public enum VaryByField: String, FieldSet {
    case query, headers
    public static let schemaDefinition = "VaryBy"
    public static let noun = "'varyBy'"
}

public enum LimitField: String, FieldSet {
    case calls, per, key
    public static let schemaDefinition = "Limit"
    public static let noun = "a limit"
}

public enum ProductField: String, FieldSet {
    case apiVersion, kind, name, displayName, description, apis, subscriptionRequired, approvalRequired, rateLimit,
        quota, groups, terms, tags, policy, published, subscriptionsLimit
    public static let schemaDefinition = "Product"
    public static let noun = "a Product"
}

public enum PolicyFragmentField: String, FieldSet {
    case apiVersion, kind, name, description, policy
    public static let schemaDefinition = "PolicyFragment"
    public static let noun = "a PolicyFragment"
}

public enum BackendField: String, FieldSet {
    case apiVersion, kind, name, description, url, credentials, tls, circuitBreaker, pool
    public static let schemaDefinition = "Backend"
    public static let noun = "a Backend"
}

public enum BackendCredentialsField: String, FieldSet {
    case managedIdentity, clientCertificate, headers, query
    public static let schemaDefinition = "BackendCredentials"
    public static let noun = "a backend's 'credentials'"
}

public enum ManagedIdentityField: String, FieldSet {
    case resource, clientId
    public static let schemaDefinition = "ManagedIdentity"
    public static let noun = "'managedIdentity'"
}

public enum ClientCertificateField: String, FieldSet {
    case keyVault
    public static let schemaDefinition = "ClientCertificate"
    public static let noun = "'clientCertificate'"
}

public enum BackendTLSField: String, FieldSet {
    case validateCertificateChain, validateCertificateName
    public static let schemaDefinition = "BackendTLS"
    public static let noun = "a backend's 'tls'"
}

public enum CircuitBreakerField: String, FieldSet {
    case failures, per, statusCodes, tripFor, acceptRetryAfter
    public static let schemaDefinition = "CircuitBreaker"
    public static let noun = "'circuitBreaker'"
}

public enum PoolMemberField: String, FieldSet {
    case backend, priority, weight
    public static let schemaDefinition = "PoolMember"
    public static let noun = "a pool member"
}

public enum EnvironmentField: String, FieldSet {
    case apiVersion, kind, name, description, gateway, apis, products, backends
    public static let schemaDefinition = "Environment"
    public static let noun = "an Environment"
}

public enum GatewayOverrideField: String, FieldSet {
    case sku, identityProviders, namedValues, secrets, redis, defaults, cors
    public static let schemaDefinition = "GatewayOverride"
    public static let noun = "an environment's 'gateway'"
}

/// The fields of either provider type that hold addresses, audiences and credentials,
/// which differ per tenant; the type and the claims that carry scopes and roles do not.
public enum ProviderOverrideField: String, FieldSet {
    case issuer, openidConfig, audiences, endpoint, clientId, clientSecret, cacheTtl, tokenLifetime
    public static let schemaDefinition = "ProviderOverride"
    public static let noun = "an environment's identity provider"
}

public enum DefaultsOverrideField: String, FieldSet {
    case rateLimit
    public static let schemaDefinition = "DefaultsOverride"
    public static let noun = "an environment's 'defaults'"
}

/// A named value in an environment, written in the long form: its value alone, as the
/// display name and tags are the same everywhere.
public enum NamedValueOverrideField: String, FieldSet {
    case value
    public static let schemaDefinition = "NamedValueOverride"
    public static let noun = "an environment's named value"
}

public enum CORSOverrideField: String, FieldSet {
    case allowedOrigins
    public static let schemaDefinition = "CORSOverride"
    public static let noun = "an environment's 'cors'"
}

public enum APIOverrideField: String, FieldSet {
    case backend, rateLimit, quota, routes
    public static let schemaDefinition = "APIOverride"
    public static let noun = "an environment's API"
}

public enum RouteOverrideField: String, FieldSet {
    case rateLimit, quota, cache, backend
    public static let schemaDefinition = "RouteOverride"
    public static let noun = "an environment's route"
}

public enum CacheOverrideField: String, FieldSet {
    case ttl
    public static let schemaDefinition = "CacheOverride"
    public static let noun = "an environment's 'cache'"
}

public enum ProductOverrideField: String, FieldSet {
    case rateLimit, quota
    public static let schemaDefinition = "ProductOverride"
    public static let noun = "an environment's product"
}

/// Where a service runs, and the identity and certificate the gateway shows it, differ per
/// deployment; the headers it is sent and how it is balanced and protected do not.
public enum BackendOverrideField: String, FieldSet {
    case url, credentials
    public static let schemaDefinition = "BackendOverride"
    public static let noun = "an environment's backend"
}

public enum BackendCredentialsOverrideField: String, FieldSet {
    case managedIdentity, clientCertificate
    public static let schemaDefinition = "BackendCredentialsOverride"
    public static let noun = "an environment's backend 'credentials'"
}

/// Every field set, for the schema test.
public let allFieldSets: [any FieldSet.Type] = [
    GatewayField.self, JWTProviderField.self, IntrospectionProviderField.self, ScopeDeclarationField.self,
    SecretDeclarationField.self, SecretReferenceField.self, RedisField.self, RedisDatabasesField.self,
    GuardrailsField.self, MaxCacheTtlField.self, MaxRateLimitField.self, DefaultsField.self, CORSField.self,
    APIField.self, RouteField.self, ScopeSetField.self, CacheField.self, VaryByField.self, LimitField.self,
    ProductField.self, PolicyFragmentField.self, EnvironmentField.self, GatewayOverrideField.self, ProviderOverrideField.self,
    DefaultsOverrideField.self, NamedValueOverrideField.self, CORSOverrideField.self, APIOverrideField.self, RouteOverrideField.self, CacheOverrideField.self,
    ProductOverrideField.self,
    BackendField.self, BackendCredentialsField.self, ManagedIdentityField.self, ClientCertificateField.self,
    BackendTLSField.self, CircuitBreakerField.self, PoolMemberField.self, BackendOverrideField.self,
    BackendCredentialsOverrideField.self, NamedValueField.self, GroupField.self, TagField.self,
    VersionSetField.self, APIVersionField.self,
] + shapingFieldSets

extension FieldSet {
    /// The field names as written in YAML, in declaration order. A closure, not a key path:
    /// each use of `\.rawValue` instantiated the key path anew, most of the time of a check
    /// of an unknown field.
    public static var fieldNames: [String] { allCases.map { $0.rawValue } }

    /// Whether `name` is one of the fields, without making the list of them.
    static func isField(_ name: String) -> Bool { Self(rawValue: name) != nil }
}
