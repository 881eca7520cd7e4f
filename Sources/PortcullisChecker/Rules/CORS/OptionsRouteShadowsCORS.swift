import PortcullisDiagnostics
import PortcullisModel

/// CO001: an OPTIONS route takes its path's preflight requests away from the gateway's `cors`.
public enum OptionsRouteShadowsCORS: Rule {
    public static let code = DiagnosticCode(
        "CO001", "options-route-shadows-cors", .warning,
        summary: "a route with method OPTIONS while the gateway declares 'cors': APIM hands that path's preflight requests to the route")

    public static let description = RuleDescription(
        code,
        rationale: """
            APIM answers a browser's preflight request (OPTIONS) with the 'cors' policy only when \
            no operation matches it. An OPTIONS route matches, so preflights for its path run the \
            route's policies and reach the backend instead: preflights carry no token, so an \
            authenticated route refuses them and browsers block the real request, while a public \
            one lets the backend, not the gateway's 'cors', decide which sites may call.
            """,
        fix: """
            Remove the OPTIONS route and let the gateway's 'cors' answer preflight requests; keep \
            it only when the backend must answer them, and suppress the finding with that reason.
            """,
        triggering: [
            RuleExample.gateway(
                RuleExample.corsSections,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                  - id: orders-options
                    method: ↓OPTIONS
                    path: /orders
                    scopes: [orders.read]
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: orders-options
                    method: OPTIONS
                    path: /orders
                    scopes: [orders.read]
                """),
            RuleExample.gateway(
                RuleExample.corsSections,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard case .present(let cors)? = context.project.gateway?.cors else { return }
        for route in context.routes where route.written.method.value == .OPTIONS {
            findings.report(
                code,
                "route '\(route.written.id.value)' takes OPTIONS, so APIM passes preflight requests for '\(route.written.path.value.text)' to it instead of answering them with the gateway's 'cors'",
                at: route.written.method.range, notes: [Diagnostic.Note("the gateway's 'cors' is declared here", at: cors.keyRange)])
        }
    }
}
