import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// RL010: a product's limits that a raw API or route policy keeps from running.
public enum ProductLimitSkipped: Rule {
    public static let code = DiagnosticCode(
        "RL010", "product-limit-skipped", .error,
        summary: "a product's 'rateLimit' or 'quota' that a raw API or route policy skips: its 'inbound' has no '<base />', or one that some paths through it do not run")

    public static let description = RuleDescription(
        code,
        rationale: """
            A product's rate limit and quota run in the product's policy, which a request \
            reaches only through the '<base />' of the API's and the route's 'inbound'. A raw \
            policy without one runs instead, and APIM runs none of the broader scopes' \
            statements: the product's subscribers call its routes unlimited while the \
            definitions declare a limit. APIM runs a '<base />' where it stands: inside \
            'choose' only for the requests its branch takes (a 'when' may or may not be taken, \
            whatever its condition), so every 'when' and an 'otherwise' need one; inside \
            'retry' on every request, whose statements run at least once.
            """,
        fix: "Put '<base />' at the top of the policy's 'inbound', before or after its own statements, or in every branch of a 'choose' with an 'otherwise'.",
        triggering: [
            product(
                inbound: """
                <↓inbound>
                  <set-header name="X-Source" exists-action="override"><value>partners</value></set-header>
                </inbound>
                """),
            product(
                inbound: """
                <↓inbound>
                  <choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;))"><base /></when></choose>
                </inbound>
                """),
        ],
        nonTriggering: [
            product(
                inbound: """
                <inbound>
                  <base />
                  <set-header name="X-Source" exists-action="override"><value>partners</value></set-header>
                </inbound>
                """),
            product(
                inbound: """
                <inbound>
                  <choose>
                    <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;))"><base /></when>
                    <otherwise><set-header name="X-Source" exists-action="override"><value>public</value></set-header><base /></otherwise>
                  </choose>
                </inbound>
                """),
        ])

    /// The product 'partners', limited, holding the API 'orders', whose one route's raw
    /// policy has the section `inbound`.
    private static func product(inbound: String) -> RuleExample {
        let section = inbound.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n")
        return RuleExample(
            "apiVersion: portcullis/v1\nkind: Product\nname: partners\napis: [orders]\nrateLimit: {calls: 100, per: 60s}\n---\n\n"
                + RuleExample.api(
                    routes: """
                      - id: list-orders
                        method: GET
                        path: /orders
                        scopes: [orders.read]
                        policy: |
                          <policies>
                    \(section)
                          </policies>
                    """
                ).yaml)
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for scope in context.rawScopes where scope.level == .api || scope.level == .operation {
            guard let skipping = scope.inboundSkippingBase else { continue }
            let range = scope.document.range(skipping.section.nameSpan)
            for index in Set(scope.routes.flatMap(\.products)).sorted() {
                let product = context.project.products[index]
                guard product.effectiveSubscriptionRequired else { continue }
                for (limit, what) in [(product.rateLimit, "rate limit"), (product.quota, "quota")] {
                    guard let limit else { continue }
                    findings.report(
                        code,
                        "the 'inbound' section of \(scope.owner) \(skipping.reason), so the \(what) of product '\(product.name.value)' \(skipping.never ? "never applies" : "may not apply") to its routes",
                        at: range,
                        notes: [
                            Diagnostic.Note("put '<base />' at the top of 'inbound', where the broader scopes' statements should run", at: range),
                            Diagnostic.Note("the product's \(what) is declared here", at: limit.range),
                        ])
                }
            }
        }
    }
}
