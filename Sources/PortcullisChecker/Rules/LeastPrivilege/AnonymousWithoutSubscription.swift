import PortcullisDiagnostics
import PortcullisModel

/// LP008: nobody at all is identified.
public enum AnonymousWithoutSubscription: Rule {
    public static let code = DiagnosticCode(
        "LP008", "anonymous-without-subscription", .warning,
        summary: "an API with 'subscriptionRequired: false' that has public routes")

    public static let description = RuleDescription(
        code,
        rationale: """
            A public route is usually still tied to a subscription key, which identifies the \
            calling application for rate limits, quotas and incident response. Without one, calls \
            to the public routes are fully anonymous and can only be limited by IP address.
            """,
        fix: "Keep 'subscriptionRequired: true' on APIs with public routes, or move the public routes to an API that requires subscriptions.",
        triggering: [
            RuleExample.api(
                "catalog",
                fields: """
                subscriptionRequired: ↓false
                """,
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    auth: none
                    public: The catalogue is public
                    rateLimit: {calls: 10, per: 1s, key: ip}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                "catalog",
                fields: """
                subscriptionRequired: false
                """,
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    scopes: [orders.read]
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        var publicRoutes: [Int: [EffectiveRoute]] = [:]
        for route in context.routes where !route.isAuthenticated {
            publicRoutes[route.apiIndex, default: []].append(route)
        }
        for (index, api) in context.project.apis.enumerated() where !api.hasErrors {
            guard let setting = api.subscriptionRequired, !setting.value, let routes = publicRoutes[index] else { continue }
            findings.report(
                code, "API '\(api.name.value)' requires no subscription and has public routes, so their callers are anonymous",
                at: setting.range,
                notes: routes.prefix(3).map { Diagnostic.Note("route '\($0.route.id.value)' is public", at: $0.route.id.range) })
        }
    }
}
