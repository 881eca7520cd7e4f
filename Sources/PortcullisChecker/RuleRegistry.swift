import PortcullisDiagnostics

/// Every rule Portcullis has, in code order: the front end's YS and RF codes, the
/// checker's rules (one of which, RD005, compares the environments rather than checking
/// one variant), and the SU codes of suppression comments.
public enum RuleRegistry {
    /// The rules the checker runs over a resolved project.
    public static let checks: [any Rule.Type] = [
        UnauthenticatedRoute.self, RouteWithoutScopes.self, WriteRouteAcceptsReadScope.self,
        ReadRouteRequiresElevatedScope.self, WildcardScope.self, UnusedScope.self, PublicWriteRoute.self,
        AnonymousWithoutSubscription.self, IntrospectionWithoutAudience.self, IPFilterSkipped.self,
        InlineSecret.self, PlainSecret.self, InsecureURL.self, VersionedKeyVaultSecret.self, SecretInResponse.self,
        SharedCacheOnAuthenticatedRoute.self, CacheTTLExceedsLimit.self, CacheOnUnsafeMethod.self,
        TokenCacheTTLExceedsLimit.self, CacheOutlivesToken.self, CacheWithoutRedis.self,
        CacheVariesOnAuthorizationHeader.self, PerUserCacheOnPublicRoute.self, PublicCacheControl.self, CacheUnavailableOnTier.self,
        MissingRateLimit.self, RateLimitWindowOutOfRange.self, RateLimitExceedsGuardrail.self,
        SpoofableRateLimitKey.self, RouteLimitLooserThanAPI.self, IdentityKeyOnPublicRoute.self,
        SharedSubscriptionCounter.self, IneffectiveProductLimit.self, LimitUnavailableOnTier.self, ProductLimitSkipped.self,
        RedisDatabaseShared.self, RedisTLSDisabled.self, RedisPublicNetwork.self, RedisDatabaseOutOfRange.self,
        OptionsRouteShadowsCORS.self, CORSHeaderInResponse.self, CORSSkipped.self, CORSCredentialsForUntrustedOrigin.self,
    ]

    /// The documentation of every code, sorted by code.
    public static let descriptions: [RuleDescription] =
        (FrontEndRules.descriptions + checks.map { $0.description } + [RedisSharedBetweenEnvironments.description]
            + SuppressionRules.descriptions)
        .sorted { $0.code.id < $1.code.id }

    public static let codes: [String: DiagnosticCode] = Dictionary(
        uniqueKeysWithValues: descriptions.map { ($0.code.id, $0.code) })

    /// The rule a code (`LP003`, any letter case) or a slug (`write-route-accepts-read-scope`) names.
    public static func description(of code: String) -> RuleDescription? {
        descriptions.first { $0.code.id == code.uppercased() || $0.code.slug == code.lowercased() }
    }

    /// Every rule's metadata for SARIF: the rationale as the full description, and the
    /// rationale and the fix as help.
    public static var sarifRules: [SARIFReporter.Rule] {
        descriptions.map {
            SARIFReporter.Rule(code: $0.code, fullDescription: $0.rationale, help: $0.rationale + "\n\nHow to fix: " + $0.fix)
        }
    }
}
