import PortcullisDiagnostics
import PortcullisModel

/// LP008: nobody at all is identified.
public enum AnonymousWithoutSubscription: Rule {
    public static let code = DiagnosticCode(
        "LP008", "anonymous-without-subscription", .warning,
        summary: "an API with public routes that can be called without a subscription key ('subscriptionRequired: false' on it or on an open product)")

    public static let description = RuleDescription(
        code,
        rationale: """
            A public route is usually still tied to a subscription key, which identifies the \
            calling application for rate limits, quotas and incident response. Without one, calls \
            to the public routes are fully anonymous and can only be limited by IP address. An \
            open product has the same effect: APIM lets anyone call its APIs without a key, \
            whatever the APIs themselves say.
            """,
        fix: "Keep subscriptions required on APIs with public routes and on the products that include them, or move the public routes to an API that requires subscriptions.",
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
        var publicRoutes: [Int: (keyless: KeylessAccess, routes: [EffectiveRoute])] = [:]
        for (route, plan) in context.plannedRoutes where !route.isAuthenticated {
            guard let keyless = plan.keylessAccess else { continue }
            publicRoutes[route.apiIndex, default: (keyless, [])].routes.append(route)
        }
        for index in publicRoutes.keys.sorted() {
            let (keyless, routes) = publicRoutes[index]!
            let api = context.project.apis[index].name.value
            let why: String
            switch keyless {
            case .api: why = "API '\(api)' requires no subscription"
            case .openProduct(let product, _): why = "API '\(api)' is in the open product '\(product)'"
            }
            findings.report(
                code, "\(why) and has public routes, so their callers are anonymous", at: keyless.range,
                notes: routes.prefix(3).map { Diagnostic.Note("route '\($0.written.id.value)' is public", at: $0.written.id.range) })
        }
    }
}
