import PortcullisDiagnostics
import PortcullisModel

/// CO003: a narrower policy that keeps the gateway's `cors` from running.
public enum CORSSkipped: Rule {
    public static let code = DiagnosticCode(
        "CO003", "cors-skipped", .warning,
        summary: "a raw product, API or route policy whose 'inbound' has no '<base />' while the gateway declares 'cors', which then never runs for its routes")

    public static let description = RuleDescription(
        code,
        rationale: """
            The gateway's 'cors' runs at the top of the global policy, which a request reaches \
            only through the '<base />' of every narrower policy's 'inbound'. A raw policy \
            without one runs instead: browsers then get no answer to their preflight requests \
            and block the calls the definitions allow, with nothing in the definitions saying so.
            """,
        fix: "Add '<base />' to the policy's 'inbound', before or after its own statements.",
        triggering: [
            RuleExample.gateway(
                RuleExample.corsSections,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    policy: |
                      <policies>
                        <↓inbound><set-header name="X-Channel" exists-action="override"><value>web</value></set-header></inbound>
                      </policies>
                """)
        ],
        nonTriggering: [
            RuleExample.gateway(
                RuleExample.corsSections,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    policy: '<policies><inbound><base /><set-header name="X-Channel" exists-action="override"><value>web</value></set-header></inbound></policies>'
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard case .present(let cors)? = context.project.gateway?.cors else { return }
        for scope in context.rawScopes where [.product, .api, .operation].contains(scope.level) && !scope.routes.isEmpty {
            guard let skipping = scope.inboundSkippingBase else { continue }
            findings.report(
                code,
                "the 'inbound' section of \(scope.owner) \(skipping.reason), so the gateway's 'cors' \(skipping.never ? "never runs" : "may not run") for its routes",
                at: scope.document.range(skipping.section.nameSpan), notes: [Diagnostic.Note("the gateway declares 'cors' here", at: cors.keyRange)])
        }
    }
}
