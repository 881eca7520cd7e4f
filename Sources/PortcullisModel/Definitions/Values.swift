import PortcullisDiagnostics

/// The HTTP methods a route may declare.
public enum HTTPMethod: String, CaseIterable, Sendable {
    case GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE

    /// What a method does to the resource, which decides the access a scope guarding it
    /// should grant: safe methods read, the others write.
    public enum Effect: Sendable {
        case read, write
    }

    public var effect: Effect {
        switch self {
        case .GET, .HEAD, .OPTIONS: .read
        case .POST, .PUT, .PATCH, .DELETE: .write
        }
    }
}

/// What a declared scope grants.
public enum AccessLevel: String, CaseIterable, Sendable {
    case read, write, admin
}

/// An APIM pricing tier, by its ARM SKU name. Tiers differ in the policies they run:
/// Consumption has no `rate-limit-by-key`, and only the classic Developer, Basic, Standard
/// and Premium tiers have `quota-by-key`.
public enum ServiceTier: String, CaseIterable, Sendable {
    case developer = "Developer"
    case basic = "Basic"
    case standard = "Standard"
    case premium = "Premium"
    case consumption = "Consumption"
    case basicV2 = "BasicV2"
    case standardV2 = "StandardV2"
    case premiumV2 = "PremiumV2"

    /// Whether `rate-limit-by-key` runs on this tier.
    public var hasRateLimitByKey: Bool { self != .consumption }

    /// Whether `llm-token-limit` and `azure-openai-token-limit` run on this tier: their pages
    /// list every tier but Consumption.
    public var hasTokenLimits: Bool { self != .consumption }

    /// Whether `quota-by-key` runs on this tier.
    public var hasQuotaByKey: Bool { [.developer, .basic, .standard, .premium].contains(self) }
}

public enum ProviderType: String, CaseIterable, Sendable {
    case jwt, introspection
}

/// Whether a cached response may be served to other callers.
public enum CacheSharing: String, CaseIterable, Sendable {
    case perUser = "per-user"
    case shared
}

/// How a route's scope list is matched against a token.
public enum ScopeMatch: String, Sendable {
    /// The token needs at least one of the scopes.
    case any
    /// The token needs every scope.
    case all
}

/// Who a rate-limit or quota counter counts: each distinct key value gets its own budget.
public enum LimitKey: Sendable, Equatable, CustomStringConvertible {
    case subscription
    case ip
    case user
    case client
    case header(String)
    case claim(String)

    /// Whether the caller picks the counter: a header is whatever the request says, so each
    /// new value starts a new count.
    public var isChosenByCaller: Bool {
        if case .header = self { true } else { false }
    }

    /// Whether every token may have a value of its own: a claim that names the token rather
    /// than its holder (`jti`, its times, a nonce, its sign-in session: `session_state` is
    /// new at every sign-in, audit V31), or that holds the scopes the caller asked for, any
    /// part of those it was granted (`scp`, audit V55); a caller who asks for a new token
    /// starts a new count.
    public var countsPerToken: Bool {
        guard case .claim(let written) = self else { return false }
        let name = written.lowercased()
        return Self.requestedScopeClaims.contains(name)
            || ["jti", "uti", "iat", "nbf", "exp", "nonce", "auth_time", "sid", "aio", "rh", "session_state", "at_hash", "c_hash"].contains(name)
    }

    private static let requestedScopeClaims: Set<String> = ["scp", "scope"]

    /// Why a caller picks a ``countsPerToken`` claim's value, as findings say it.
    public var whyTheCallerPicksIt: String {
        guard case .claim(let name) = self, Self.requestedScopeClaims.contains(name.lowercased()) else {
            return "which is new in every token a caller asks for"
        }
        return "which holds the scopes a caller asks for in each token"
    }

    /// How many counters one caller may spend, in order: an application's one (its
    /// subscription, or the client its tokens are issued to), a user's, one for each
    /// address it sends from (`ip`), one for each value it picks (a header, a claim new in
    /// every token); nil for another claim, whose holders its issuer decides. A claim that
    /// names the application or the user is ranked as `client` or `user` are (audit V55:
    /// `subscription` to `claim:oid` went unweighed). A key later in the order lets a
    /// caller make more calls (audits U1 and V31: `subscription` to `user`, `user` to `ip`,
    /// went unweighed).
    public var countersPerCaller: Int? {
        switch self {
        case .subscription, .client: 0
        case .user: 1
        case .ip: 2
        case .header: Self.pickedByTheCaller
        case .claim(let name):
            if countsPerToken { Self.pickedByTheCaller }
            else if Self.applicationClaims.contains(name.lowercased()) { 0 }
            else if Self.userClaims.contains(name.lowercased()) { 1 }
            else { nil }
        }
    }

    /// Claims that name a token's application (those the generated key for `client` reads),
    /// and its user, as a raw counter key's are read too.
    public static let applicationClaims = Set(Caller.client)
    public static let userClaims: Set<String> = ["sub", "oid", "upn"]

    /// ``countersPerCaller`` of a key whose every value the caller picks: the most.
    public static let pickedByTheCaller = 3

    public var description: String {
        switch self {
        case .subscription: "subscription"
        case .ip: "ip"
        case .user: "user"
        case .client: "client"
        case .header(let name): "header:\(name)"
        case .claim(let name): "claim:\(name)"
        }
    }
}

/// `{calls: N, per: DURATION, key: KEY}`, used for rate limits and quotas alike.
public struct Limit: Sendable {
    public var calls: Located<Int>
    /// The window in seconds.
    public var per: Located<Int>
    /// Absent means per subscription.
    public var key: Located<LimitKey>?
    /// The whole `{...}` mapping.
    public var range: SourceRange

    public var effectiveKey: LimitKey { key?.value ?? .subscription }

    /// Whether this limit lets through more calls per second than `calls` per `seconds`.
    public func isLooser(thanCalls calls: Int, per seconds: Int) -> Bool {
        self.calls.value * seconds > calls * per.value
    }

    public func isLooser(than other: Limit) -> Bool {
        isLooser(thanCalls: other.calls.value, per: other.per.value)
    }

    /// Whether `calls` per `seconds` lets more requests through than `otherCalls` per
    /// `otherSeconds` over some span of time: more in one window (a larger burst), or more
    /// per second in the long run. A longer window with proportionally more calls keeps
    /// the average and multiplies the burst, so a review of a change (`diff`) weighs both,
    /// where a rule's guardrail is the rate alone. Compared without overflow.
    public static func letsMoreThrough(calls: Int, per seconds: Int, thanCalls otherCalls: Int, per otherSeconds: Int) -> Bool {
        calls > otherCalls || calls.multipliedFullWidth(by: otherSeconds) > otherCalls.multipliedFullWidth(by: seconds)
    }
}

/// A limit field that may also say `none` to switch off an inherited limit.
///
/// Indirect, so a setting is one reference: every route's effective route holds the
/// setting it inherits, most often its API's, and inline that was about 120 bytes per
/// route, copied whenever a rule read it.
public indirect enum LimitSetting: Sendable {
    case none(SourceRange)
    case limit(Limit)

    public var range: SourceRange {
        switch self {
        case .none(let range): range
        case .limit(let limit): limit.range
        }
    }
}

/// An `auth` value: a provider name, or `none` for a public route.
public enum AuthSetting: Sendable, Equatable {
    case none
    case provider(String)
}

/// A field that must hold a secret reference; a literal is kept only as its location
/// so that no stage can ever print it.
public enum SecretValue: Sendable {
    case reference(Located<String>)
    case literal(SourceRange)

    public var range: SourceRange {
        switch self {
        case .reference(let name): name.range
        case .literal(let range): range
        }
    }
}
