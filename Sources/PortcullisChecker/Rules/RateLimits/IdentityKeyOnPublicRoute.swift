import PortcullisDiagnostics
import PortcullisModel

/// RL006: a counter keyed on a token the route never checks.
public enum IdentityKeyOnPublicRoute: Rule {
    public static let code = DiagnosticCode(
        "RL006", "identity-key-on-public-route", .error,
        summary: "a 'user', 'client' or 'claim:' limit key on a public route")

    public static let description = RuleDescription(
        code,
        rationale: """
            A public route validates no token, so there is no user, client or claim to count by: \
            every caller lands in one shared counter, or the key is read from an unvalidated \
            token the caller forged. Either way the limit does not limit individual callers.
            """,
        fix: "Key public routes on 'ip' or 'subscription'.",
        triggering: [
            RuleExample.api(
                "catalog",
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    auth: none
                    public: The catalogue is public
                    rateLimit: {calls: 10, per: 1s, key: ↓user}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                "catalog",
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    auth: none
                    public: The catalogue is public
                    rateLimit: {calls: 10, per: 1s, key: ip}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.routes where !route.isAuthenticated {
            check(route.rateLimit, "rate limit", of: route, context, &findings)
            check(route.quota, "quota", of: route, context, &findings)
        }
    }

    private static func check(
        _ setting: Inherited<LimitSetting>?, _ what: String, of route: EffectiveRoute, _ context: CheckContext,
        _ findings: inout DiagnosticCollector
    ) {
        guard let setting, case .limit(let limit) = setting.value, let key = limit.key else { return }
        switch key.value {
        case .user, .client, .claim: break
        case .subscription, .ip, .header: return
        }
        let (range, notes) = setting.origin == .route ? (key.range, []) : context.location(of: setting, on: route, what: what)
        findings.report(
            code, "public route '\(route.written.id.value)' counts its \(what) by '\(key.value)', but it checks no token",
            at: range, notes: notes)
    }
}
