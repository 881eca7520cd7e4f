import PortcullisDiagnostics
import PortcullisModel

/// RL009: a limit the gateway's APIM tier cannot run.
public enum LimitUnavailableOnTier: Rule {
    public static let code = DiagnosticCode(
        "RL009", "limit-unavailable-on-tier", .error,
        summary: "a rate limit or quota that the gateway's 'sku' cannot run")

    public static let description = RuleDescription(
        code,
        rationale: """
            Route and API limits become 'rate-limit-by-key' and 'quota-by-key' policies. \
            Consumption has no 'rate-limit-by-key', and only the classic Developer, Basic, \
            Standard and Premium tiers have 'quota-by-key': on any other tier APIM refuses the \
            policy and the deployment fails.
            """,
        fix: "Remove the limit (a product's 'rateLimit' and 'quota' run on every tier), or choose a tier that runs it.",
        triggering: [
            RuleExample.gateway(
                """
                sku: StandardV2
                scopes:
                  orders.read: {access: read}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    quota: ↓{calls: 10000, per: 30d, key: user}
                """)
        ],
        nonTriggering: [
            RuleExample.gateway(
                """
                sku: Premium
                scopes:
                  orders.read: {access: read}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    quota: {calls: 10000, per: 30d, key: user}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard let gateway = context.project.gateway else { return }
        let sku = gateway.effectiveSku
        guard !sku.hasRateLimitByKey || !sku.hasQuotaByKey else { return }
        var reported = Set<SourceRange>()
        for (_, plan) in context.plannedRoutes {
            for limit in plan.limits where reported.insert(limit.range).inserted {
                let runs = limit.kind == .rateLimit ? sku.hasRateLimitByKey : sku.hasQuotaByKey
                guard !runs else { continue }
                let policy = limit.kind == .rateLimit ? "rate-limit-by-key" : "quota-by-key"
                findings.report(
                    code, "the \(limit.kind == .quota ? "quota" : "rate limit") needs APIM's '\(policy)', which the '\(sku.rawValue)' tier does not have",
                    at: limit.range,
                    notes: gateway.sku.map { [Diagnostic.Note("the gateway's tier is set here", at: $0.range)] }
                        ?? [Diagnostic.Note("the gateway names no 'sku'; the default is 'Standard'", at: gateway.kindRange)])
            }
        }
    }
}
