import PortcullisDiagnostics
import PortcullisPolicyXML

/// Where an effective value was set: the route itself, its API, the gateway's defaults,
/// or nowhere (the language's default applies).
public enum Origin: String, Sendable {
    case route
    case api
    case gatewayDefaults
    case unset
}

/// An effective value with the level it came from and where it is written, so a finding
/// can point at the route and add a note at the line that set the value.
public struct Inherited<Value> {
    public var value: Value
    public var origin: Origin
    /// Where the value is written; for `.unset`, the route.
    public var range: SourceRange
}

extension Inherited: Sendable where Value: Sendable {}

/// A route after inheritance: what a request to it is actually subject to.
///
/// A class with constant properties: every rule walks every route, and sharing one
/// instance costs a reference count where copying the value would cost dozens.
public final class EffectiveRoute: Sendable {
    /// Index into ``ResolvedProject/apis``.
    public let apiIndex: Int
    /// The route as its API document writes it; the properties below are what it inherits.
    public let written: Route
    public let auth: Inherited<AuthSetting>
    /// Nil when no level sets a rate limit; `.none` when a level switched it off.
    public let rateLimit: Inherited<LimitSetting>?
    public var quota: Inherited<LimitSetting>? { seldomQuota.value }
    private let seldomQuota: SeldomSet<Inherited<LimitSetting>>
    /// Indexes into ``ResolvedProject/products`` of the products that include the API.
    public let products: [Int]

    public init(
        apiIndex: Int, written: Route, auth: Inherited<AuthSetting>, rateLimit: Inherited<LimitSetting>?,
        quota: Inherited<LimitSetting>?, products: [Int]
    ) {
        self.apiIndex = apiIndex
        self.written = written
        self.auth = auth
        self.rateLimit = rateLimit
        seldomQuota = SeldomSet(quota)
        self.products = products
    }

    public var isAuthenticated: Bool { auth.value != .none }

    /// The rate limit in force, if any.
    public var activeRateLimit: Limit? {
        if case .limit(let limit)? = rateLimit?.value { return limit }
        return nil
    }

    public var activeQuota: Limit? {
        if case .limit(let limit)? = quota?.value { return limit }
        return nil
    }

    /// A per-user cache unless the route says otherwise, and shared on public routes.
    public var cacheSharing: CacheSharing? {
        guard let cache = written.cache else { return nil }
        return cache.sharing?.value ?? (isAuthenticated ? .perUser : .shared)
    }
}

/// The definitions after resolution: one gateway, APIs, products and every effective route.
public struct ResolvedProject: Sendable {
    /// Whether the policies of `route`'s products run on its requests: a raw API or route
    /// policy whose `inbound` has no `<base />` runs instead of the broader scopes' (RL010).
    public func runsProductPolicies(on route: EffectiveRoute) -> Bool {
        (apis[route.apiIndex].policy?.document?.keepsInboundBase ?? true) && (route.written.policy?.document?.keepsInboundBase ?? true)
    }

    /// Every raw policy document, fragments included, with the API whose own policy it is
    /// (its policy or a route's) by index: nil for the gateway's, a product's and a
    /// fragment, which any API's requests may run.
    public var rawPolicies: [(document: PolicyXMLDocument, api: Int?)] {
        var policies: [(document: PolicyXMLDocument, api: Int?)] = []
        func add(_ document: PolicyXMLDocument?, _ api: Int?) {
            if let document { policies.append((document, api)) }
        }
        add(gateway?.policy?.document, nil)
        for product in products { add(product.policy?.document, nil) }
        for fragment in fragments { add(fragment.policy.document, nil) }
        for (index, api) in apis.enumerated() { add(api.policy?.document, index) }
        for route in routes { add(route.written.policy?.document, route.apiIndex) }
        return policies
    }

    /// Nil only when the inputs have no usable Gateway (an error has been reported).
    public var gateway: Gateway?
    public var apis: [API]
    public var products: [Product]
    public var fragments: [PolicyFragment]
    /// `kind: Backend` documents, as written; plans refer to them by name.
    public var backends: [Backend] = []
    /// Every route of every API, in API then route order.
    public var routes: [EffectiveRoute]
    /// What each route enforces, by route index; nil where the route cannot be planned
    /// (no gateway, or an unknown identity provider: errors already reported).
    public var plans: [EnforcementPlan?]
    /// False when some input could not be read to its end, so declarations and uses may be missing.
    public var complete: Bool
    /// The declared scopes some route requires, found while the resolver checked every
    /// route's references; empty without a gateway.
    public var requiredScopes: Set<String>
    /// See ``Definitions/namesInBrokenParts``.
    public var namesInBrokenParts: Set<String>
    /// See ``Definitions/brokenParts``.
    public var brokenParts: [SourceRange]
    /// Secret material that could not be read as written or that environments write, and
    /// names of undeclared secrets (perhaps the secret itself written as a name): reports
    /// mask them.
    public var unreadSecrets: [SourceRange]
    /// The environment whose overrides were laid over the definitions, if any.
    public var environment: String? = nil
}
