import PortcullisDiagnostics
import PortcullisModel

/// RL008: product limits that never count anything.
public enum IneffectiveProductLimit: Rule {
    public static let code = DiagnosticCode(
        "RL008", "ineffective-product-limit", .warning,
        summary: "a 'rateLimit' or 'quota' on a product with 'subscriptionRequired: false', where it never applies")

    public static let description = RuleDescription(
        code,
        rationale: """
            A product's rate limit and quota count per subscription, so APIM applies them only to \
            calls made with a subscription key. An open product lets anyone call its APIs without \
            a key: its limits then count nothing, while the definition suggests the APIs are limited.
            """,
        fix: "Require subscriptions on the product, or put the limits on the APIs or routes with a key that needs no subscription.",
        triggering: [
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Product
                name: open-data
                apis: [orders]
                subscriptionRequired: false
                rateLimit: ↓{calls: 100, per: 60s}
                ---

                """ + RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml)
        ],
        nonTriggering: [
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Product
                name: partners
                apis: [orders]
                rateLimit: {calls: 100, per: 60s}
                ---

                """ + RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for product in context.project.products where !product.effectiveSubscriptionRequired {
            for (limit, what) in [(product.rateLimit, "rate limit"), (product.quota, "quota")] {
                guard let limit else { continue }
                findings.report(
                    code, "product '\(product.name.value)' requires no subscription, so its \(what) never applies",
                    at: limit.range,
                    notes: product.subscriptionRequired.map { [Diagnostic.Note("the product is open here", at: $0.range)] } ?? [])
            }
        }
    }
}
