import PortcullisModel

/// Rate limits and quotas. Routes that inherit their API's limit count on the API's
/// counter (`orders:`), a route with its own limit on its own (`orders:list-orders:`),
/// so different budgets never share a counter.
enum LimitPolicies {
    static func operationElements(_ route: EffectiveRoute, api: API, provider: IdentityProvider?) -> [PolicyElement] {
        var elements: [PolicyElement] = []
        if let limit = route.activeRateLimit, let origin = route.rateLimit?.origin {
            elements.append(
                PolicyElement(
                    "rate-limit-by-key",
                    [
                        ("calls", .number(limit.calls.value)), ("renewal-period", .number(limit.per.value)),
                        ("counter-key", counterKey(limit, prefix: counterPrefix(origin, api: api, route: route.route), provider)),
                    ]))
        }
        if let quota = route.activeQuota, let origin = route.quota?.origin {
            elements.append(
                PolicyElement(
                    "quota-by-key",
                    [
                        ("calls", .number(quota.calls.value)),
                        ("counter-key", counterKey(quota, prefix: counterPrefix(origin, api: api, route: route.route), provider)),
                        ("renewal-period", .number(quota.per.value)),
                    ]))
        }
        return elements
    }

    /// Product limits count per subscription, which APIM's `rate-limit` and `quota` do.
    static func productElements(_ product: Product) -> [PolicyElement] {
        var elements: [PolicyElement] = []
        if let limit = product.rateLimit {
            elements.append(PolicyElement("rate-limit", [("calls", .number(limit.calls.value)), ("renewal-period", .number(limit.per.value))]))
        }
        if let quota = product.quota {
            elements.append(PolicyElement("quota", [("calls", .number(quota.calls.value)), ("renewal-period", .number(quota.per.value))]))
        }
        return elements
    }

    /// The counter's namespace: the API, or the API and route for a route's own limit.
    static func counterPrefix(_ origin: Origin, api: API, route: Route) -> String {
        origin == .route ? "\(api.name.value):\(route.id.value):" : "\(api.name.value):"
    }

    static func counterKey(_ limit: Limit, prefix: String, _ provider: IdentityProvider?) -> PolicyValue {
        let value: String
        switch limit.effectiveKey {
        case .subscription: value = "(context.Subscription?.Id ?? \"\")"
        case .ip: value = "context.Request.IpAddress"
        case .header(let name): value = "context.Request.Headers.GetValueOrDefault(\(PolicyExpression.csharpString(name)), \"\")"
        case .user: value = provider.map { "(\(Identity.subject($0)) ?? \"\")" } ?? "\"\""
        case .client: value = provider.map { "(\(Identity.client($0)) ?? \"\")" } ?? "\"\""
        case .claim(let name): value = provider.map { "(\(Identity.claim(name, $0)) ?? \"\")" } ?? "\"\""
        }
        return .code("@(" + PolicyExpression.csharpString(prefix) + " + " + value + ")")
    }
}
