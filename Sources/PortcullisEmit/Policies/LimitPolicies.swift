import PortcullisModel

/// Rate limits and quotas. A counter's key is its budget's prefix (`orders:` for an API's
/// budget, `orders:list-orders:` for a route's own) and a hash of the caller, so different
/// budgets and different callers never share a counter.
enum LimitPolicies {
    static func elements(_ limit: PlannedLimit, callers: [Caller], into writer: inout PolicyWriter) {
        let counterKey = PolicyValue.code(
            "@(" + PolicyExpression.csharpString(limit.counterPrefix) + " + " + Identity.hashed(Identity.value(of: limit.caller, callers: callers)) + ")")
        switch limit.kind {
        case .rateLimit:
            writer.element(
                "rate-limit-by-key", [("calls", .number(limit.calls)), ("renewal-period", .number(limit.windowSeconds)), ("counter-key", counterKey)])
        case .quota:
            writer.element(
                "quota-by-key", [("calls", .number(limit.calls)), ("counter-key", counterKey), ("renewal-period", .number(limit.windowSeconds))])
        }
    }

    /// A request whose token names none of the callers a limit counts by is refused
    /// (``Caller/refusesUnnamed``).
    static func refuseUnnamed(_ callers: [Caller], of plan: EnforcementPlan, into writer: inout PolicyWriter) {
        let counted = callers.filter { caller in plan.limitsAfterToken.contains { $0.caller == caller } }
        guard !counted.isEmpty else { return }
        let condition = counted.map { "\(Identity.value(of: $0, callers: callers)) == \"\"" }.joined(separator: " || ")
        AuthPolicies.choose(.code("@(\(condition))"), into: &writer) { AuthPolicies.returnResponse(403, "Forbidden", challenge: false, into: &$0) }
    }

    /// A request without the header a limit counts by, or with it empty, is refused as a bad
    /// request (``Caller/refusesUnnamed``), before it is counted.
    static func refuseWithoutHeader(_ name: String, into writer: inout PolicyWriter) {
        AuthPolicies.choose(.code("@(\(Identity.value(of: .header(name), callers: [])) == \"\")"), into: &writer) {
            AuthPolicies.returnResponse(400, "Bad Request", challenge: false, into: &$0)
        }
    }

    /// Product limits count per subscription, which APIM's `rate-limit` and `quota` do.
    static func productElements(_ product: Product, into writer: inout PolicyWriter) {
        if let limit = product.rateLimit {
            writer.element("rate-limit", [("calls", .number(limit.calls.value)), ("renewal-period", .number(limit.per.value))])
        }
        if let quota = product.quota {
            writer.element("quota", [("calls", .number(quota.calls.value)), ("renewal-period", .number(quota.per.value))])
        }
    }
}
