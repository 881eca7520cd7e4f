import PortcullisDiagnostics
import PortcullisModel

/// RL009: a limit the gateway's APIM tier cannot run.
public enum LimitUnavailableOnTier: Rule {
    public static let code = DiagnosticCode(
        "RL009", "limit-unavailable-on-tier", .error,
        summary: "a rate limit or quota, or a raw 'rate-limit-by-key', 'quota-by-key' or token limit, that the gateway's 'sku' cannot run")

    public static let description = RuleDescription(
        code,
        rationale: """
            Route and API limits become 'rate-limit-by-key' and 'quota-by-key' policies. \
            Consumption has no 'rate-limit-by-key', and only the classic Developer, Basic, \
            Standard and Premium tiers have 'quota-by-key': on any other tier APIM refuses the \
            policy and the deployment fails, whether the definitions generate it or a raw policy \
            writes it. A model's token limit ('llm-token-limit', 'azure-openai-token-limit') \
            runs on every tier but Consumption.
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
                """),
            // Written raw, in the route's policy: its limit is in no definition.
            RuleExample.gateway(
                """
                sku: Consumption
                scopes:
                  orders.read: {access: read}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    rateLimit: none
                    policy: |
                      <policies><inbound><base /><↓rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" /></inbound></policies>
                """),
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
                """),
            // Per subscription, 'rate-limit' runs on every tier ('quota' too).
            RuleExample.gateway(
                """
                sku: Consumption
                scopes:
                  orders.read: {access: read}
                """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    rateLimit: none
                    policy: |
                      <policies><inbound><base /><rate-limit calls="10" renewal-period="60" /></inbound></policies>
                """),
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard let gateway = context.project.gateway else { return }
        let sku = gateway.effectiveSku
        guard !sku.hasRateLimitByKey || !sku.hasQuotaByKey || !sku.hasTokenLimits else { return }
        let tier =
            gateway.sku.map { [Diagnostic.Note("the gateway's tier is set here", at: $0.range)] }
            ?? [Diagnostic.Note("the gateway names no 'sku'; the default is 'Standard'", at: gateway.kindRange)]
        var reported = Set<SourceRange>()
        for (_, plan) in context.plannedRoutes {
            for limit in plan.limits where reported.insert(limit.range).inserted {
                let runs = limit.kind == .rateLimit ? sku.hasRateLimitByKey : sku.hasQuotaByKey
                guard !runs else { continue }
                let policy = limit.kind == .rateLimit ? "rate-limit-by-key" : "quota-by-key"
                findings.report(
                    code, "the \(limit.kind == .quota ? "quota" : "rate limit") needs APIM's '\(policy)', which the '\(sku.rawValue)' tier does not have",
                    at: limit.range, notes: tier)
            }
        }
        // The same policies written raw, in any scope's document: each statement once, a
        // file many routes name too. 'rate-limit' and 'quota', per subscription, run on
        // every tier; a model's token limits on all but Consumption (audit V100).
        let missing = Set(
            [
                ("rate-limit-by-key", sku.hasRateLimitByKey), ("quota-by-key", sku.hasQuotaByKey), ("llm-token-limit", sku.hasTokenLimits),
                ("azure-openai-token-limit", sku.hasTokenLimits),
            ].filter { !$0.1 }.map(\.0))
        for scope in context.rawScopes {
            for statement in scope.elements(named: missing) {
                let range = scope.document.range(statement.nameSpan)
                guard reported.insert(range).inserted else { continue }
                findings.report(code, "raw '\(statement.name)' in \(scope.owner) is a policy the '\(sku.rawValue)' tier does not have", at: range, notes: tier)
            }
        }
    }
}
