import PortcullisDiagnostics

/// The one `kind: Gateway` document: identity, scopes, secrets, Redis and organisation guardrails.
public struct Gateway: Sendable {
    public var name: Located<String>
    /// The APIM tier the policies run on; see ``effectiveSku``.
    public var sku: Located<ServiceTier>? = nil
    public var identityProviders: [IdentityProvider]
    public var scopes: [ScopeDeclaration]
    public var namedValues: [NamedValue]
    public var secrets: [SecretDeclaration]
    public var redis: Section<Redis>
    public var guardrails: Section<Guardrails>
    public var defaults: Section<Defaults>
    public var cors: Section<CORS>
    /// Raw statements of the global policy.
    public var policy: RawPolicy? = nil
    /// Custom groups products may be visible to, beside APIM's built-in ones.
    public var groups: [Group] = []
    public var versionSets: [VersionSet] = []
    /// Tags with a display name other than their name; any other tag is just its name.
    public var tags: [Tag] = []
    /// Every name declared, including declarations that had errors, so that references to
    /// them are not reported a second time as unknown.
    public var declared: DeclaredNames
    /// Literal secrets written in `.broken` sections: no rule reports them there, but
    /// reports must still mask them.
    public var secretsInBrokenSections: [SourceRange] = []
    /// Where the document's `kind` is written; diagnostics about the whole gateway point here.
    public var kindRange: SourceRange

    /// The tier unless the gateway names one: `Standard`, a classic tier that runs every
    /// policy Portcullis writes.
    public var effectiveSku: ServiceTier { sku?.value ?? .standard }

    /// The Key Vault secret (``SecretDeclaration/keyVaultSecret``) its Redis connects with;
    /// nil without Redis, or with a literal connection or one naming no declared secret.
    public var redisSecret: String? {
        guard case .present(let redis) = redis, case .reference(let name) = redis.connection else { return nil }
        return secrets.first { $0.name.value == name.value }?.keyVaultSecret
    }

    /// What keys in shared stores start with: Redis's `keyPrefix`, else the gateway's name.
    public var effectiveKeyPrefix: String {
        if case .present(let redis) = redis, let prefix = redis.keyPrefix { return prefix.value }
        return name.value
    }
}

/// The names a gateway declares in each of its namespaces.
public struct DeclaredNames: Sendable {
    public var providers: Set<String> = []
    public var scopes: Set<String> = []
    public var namedValues: Set<String> = []
    public var secrets: Set<String> = []
    /// Custom groups and APIM's built-in ones.
    public var groups: Set<String> = Group.builtIn
    public var versionSets: Set<String> = []
}

/// APIs that are versions of one API, told apart by a path segment, a query parameter or
/// a header.
public struct VersionSet: Sendable {
    public enum Scheme: String, CaseIterable, Sendable {
        case segment, query, header

        /// APIM's spelling.
        public var apimName: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    public var name: Located<String>
    public var displayName: Located<String>?
    public var description: Located<String>?
    public var scheme: Located<Scheme>
    /// The query parameter or header that carries the version.
    public var parameter: Located<String>?
}

/// An APIM tag the gateway declares to give it a display name.
public struct Tag: Sendable {
    public var name: Located<String>
    public var displayName: Located<String>?
}

/// A developer-portal group: who may see and subscribe to a product.
public struct Group: Sendable {
    /// The groups every APIM instance has.
    public static let builtIn: Set<String> = ["administrators", "developers", "guests"]

    /// Whether `name` is one of them, in any case, as APIM reads names.
    public static func isBuiltIn(_ name: String) -> Bool {
        builtIn.contains(Grammar.caseFolded(name))
    }

    public var name: Located<String>
    public var displayName: Located<String>?
    public var description: Located<String>?
}

public struct IdentityProvider: Sendable {
    public enum Details: Sendable {
        case jwt(JWT)
        case introspection(Introspection)
    }

    public struct JWT: Sendable {
        public var issuer: Located<String>
        public var openidConfig: Located<String>
        public var audiences: [Located<String>]
    }

    public struct Introspection: Sendable {
        public var endpoint: Located<String>
        public var clientId: Located<String>
        public var clientSecret: SecretValue
        public var cacheTtl: Located<Int>?
        /// When set, an active token must also name one of these in `aud`.
        public var audiences: [Located<String>]?

        /// 60 seconds unless the provider says otherwise.
        public var effectiveCacheTtl: Int { cacheTtl?.value ?? 60 }
    }

    public var name: Located<String>
    public var details: Details
    public var scopeClaim: Located<String>?
    /// The claim that holds application roles (Entra app-only tokens carry `roles`).
    public var roleClaim: Located<String>?
    public var tokenLifetime: Located<Int>?
    /// Whether decoding the provider reported errors.
    public var hasErrors = false

    public var type: ProviderType {
        switch details {
        case .jwt: .jwt
        case .introspection: .introspection
        }
    }

    /// Claims that describe a token's holder as the holder, or their directory, may write
    /// them (a display name, a sign-in name, an email address): a value of one is no
    /// permission, and a user may take a scope's name for theirs (audit V54; Microsoft's
    /// guidance is not to authorize on `email` or `preferred_username`).
    public static let profileClaims: Set<String> = [
        "name", "given_name", "family_name", "middle_name", "nickname", "email", "preferred_username", "unique_name",
    ]

    /// `scp` for JWT providers and `scope` for introspection, RFC 7662's claim name.
    public var effectiveScopeClaim: String {
        scopeClaim?.value ?? (type == .jwt ? "scp" : "scope")
    }

    /// `roles`, where Entra puts an application's roles, unless the provider says otherwise.
    public var effectiveRoleClaim: String { roleClaim?.value ?? "roles" }

    /// One hour unless the provider says otherwise.
    public var effectiveTokenLifetime: Int { tokenLifetime?.value ?? 3600 }
}

/// An entry of the scope catalogue.
public struct ScopeDeclaration: Sendable {
    public var name: Located<String>
    public var access: Located<AccessLevel>
    public var description: Located<String>?
}

/// A plain (non-secret) APIM named value.
public struct NamedValue: Sendable {
    public var name: Located<String>
    public var value: Located<String>
    /// What APIM shows; the name unless written.
    public var displayName: Located<String>? = nil
    public var tags: [Located<String>] = []

    /// The most characters APIM keeps in a named value's value.
    static let maximumLength = 4096
}

/// A secret named value: Key Vault-backed, or (insecurely) given as a literal.
public struct SecretDeclaration: Sendable {
    /// The Key Vault secret its identifier names, whatever its version and letter case
    /// (Key Vault ignores case): `https://VAULT/secrets/NAME`. Nil for a literal.
    public var keyVaultSecret: String? {
        guard case .keyVault(let identifier) = source else { return nil }
        return Self.keyVaultSecret(identifier.value)
    }

    /// ``keyVaultSecret`` of the identifier `uri`.
    public static func keyVaultSecret(_ uri: String) -> String {
        uri.lowercased().split(separator: "/", omittingEmptySubsequences: true).prefix(4).joined(separator: "/")
    }

    public enum Source: Sendable {
        case keyVault(Located<String>)
        /// A literal value; only its location is kept.
        case literal(SourceRange)
    }

    public var name: Located<String>
    public var source: Source
    public var displayName: Located<String>? = nil
    public var tags: [Located<String>] = []
}

public struct Redis: Sendable {
    public struct Databases: Sendable {
        public var auth: Located<Int>?
        public var rateLimit: Located<Int>?
        public var responses: Located<Int>?

        public var effectiveAuth: Int { auth?.value ?? 0 }
        public var effectiveRateLimit: Int { rateLimit?.value ?? 1 }
        public var effectiveResponses: Int { responses?.value ?? 2 }
    }

    public var connection: SecretValue
    public var tls: Located<Bool>?
    public var publicNetworkAccess: Located<Bool>?
    public var keyPrefix: Located<String>?
    public var databases: Databases
    /// The `redis` key.
    public var keyRange: SourceRange

    public var effectiveTLS: Bool { tls?.value ?? true }
    public var effectivePublicNetworkAccess: Bool { publicNetworkAccess?.value ?? false }
}

/// Organisation limits the checker enforces; absent values take the language's defaults.
public struct Guardrails: Sendable {
    public var maxSharedCacheTtl: Located<Int>?
    public var maxPerUserCacheTtl: Located<Int>?
    public var maxTokenCacheTtl: Located<Int>?
    public var requireRateLimit: Located<Bool>?
    public var maxRateLimit: MaxRate?

    public struct MaxRate: Sendable {
        public var calls: Located<Int>
        public var per: Located<Int>
        public var range: SourceRange
    }

    public init() {}

    public var effectiveMaxSharedCacheTtl: Int { maxSharedCacheTtl?.value ?? 3600 }
    public var effectiveMaxPerUserCacheTtl: Int { maxPerUserCacheTtl?.value ?? 300 }
    public var effectiveMaxTokenCacheTtl: Int { maxTokenCacheTtl?.value ?? 300 }
    public var effectiveRequireRateLimit: Bool { requireRateLimit?.value ?? true }
}

/// Values every API inherits unless it sets its own.
public struct Defaults: Sendable {
    public var auth: Located<AuthSetting>?
    public var rateLimit: LimitSetting?

    public init() {}
}

/// Which other sites' pages browsers let call the APIs, answered by APIM's `cors` policy.
public struct CORS: Sendable {
    /// `*` alone, or origins.
    public var allowedOrigins: [Located<String>]
    /// Empty when not written: APIM then allows GET and POST.
    public var allowedMethods: [Located<String>]
    public var allowedHeaders: [Located<String>]
    /// Response headers scripts may read; empty when not written.
    public var exposeHeaders: [Located<String>]
    public var allowCredentials: Located<Bool>?
    /// Seconds browsers may cache a preflight answer; APIM's default is 0.
    public var preflightMaxAge: Located<Int>?
    /// The `cors` key.
    public var keyRange: SourceRange

    /// The one origin that stands for any origin.
    public static let anyOrigin = "*"

    /// An origin as browsers compare it: scheme and host without case, without a final `/`
    /// or the scheme's own port (`https://A.example:443/` is `https://a.example`).
    public static func normalizedOrigin(_ origin: String) -> String {
        var text = origin.trimmingWhitespace.lowercased()
        if text.hasSuffix("/") { text.removeLast() }
        for (scheme, port) in [("https://", ":443"), ("http://", ":80")] where text.hasPrefix(scheme) && text.hasSuffix(port) {
            text.removeLast(port.count)
        }
        return text
    }

    public var allowsAnyOrigin: Bool { allowedOrigins.contains { $0.value == Self.anyOrigin } }
    /// Off unless written.
    public var effectiveAllowCredentials: Bool { allowCredentials?.value ?? false }
}
