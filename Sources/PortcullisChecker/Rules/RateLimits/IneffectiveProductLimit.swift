import PortcullisDiagnostics
import PortcullisModel

/// RL008: product limits that never count anything.
public enum IneffectiveProductLimit: Rule {
    public static let code = DiagnosticCode(
        "RL008", "ineffective-product-limit", .warning,
        summary: "a 'rateLimit' or 'quota' on a product with 'subscriptionRequired: false', or on an API that requires no key or that an open product includes, where it does not apply")

    public static let description = RuleDescription(
        code,
        rationale: """
            A product's rate limit and quota count per subscription, so APIM applies them only to \
            calls made with a subscription key. An open product lets anyone call its APIs without \
            a key: its limits then count nothing, while the definition suggests the APIs are limited. \
            The same holds for an API with 'subscriptionRequired: false' in a product that requires \
            them: a request without a key is handled in the API's context alone, so a caller escapes \
            the product's limits by leaving the key out. A raw policy that keeps the product's \
            policy from running is RL010.
            """,
        fix: "Require subscriptions on the product and its APIs, or put the limits on the APIs or routes with a key that needs no subscription.",
        triggering: [
            product("open-data", with: "subscriptionRequired: false\nrateLimit: ↓{calls: 100, per: 60s}"),
            RuleExample(
                "apiVersion: portcullis/v1\nkind: Product\nname: partners\napis: [orders]\nquota: {calls: 10000, per: 30d}\n---\n\n"
                    + RuleExample.api(fields: "subscriptionRequired: ↓false\n", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml),
        ],
        nonTriggering: [product("partners", with: "rateLimit: {calls: 100, per: 60s}")])

    /// A product with `fields` holding the API 'orders', whose one route reads orders.
    private static func product(_ name: String, with fields: String) -> RuleExample {
        RuleExample(
            "apiVersion: portcullis/v1\nkind: Product\nname: \(name)\napis: [orders]\n\(fields)\n---\n\n"
                + RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml)
    }

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
        // Requests without a key skip product scope on an API that requires none, or that
        // an open product includes, which takes them in without one (audit V80: an API kept
        // 'subscriptionRequired: true' in an open product and a limited one was silent).
        var keyless = Dictionary(
            context.project.apis.compactMap { api in
                api.subscriptionRequired.flatMap { $0.value ? nil : (api.name.value, (range: $0.range, why: "requires no subscription key, so requests without one")) }
            }
        ) { first, _ in first }
        for open in context.project.products where !open.effectiveSubscriptionRequired {
            for api in open.apis where keyless[api.value] == nil {
                keyless[api.value] = (api.range, "is in the open product '\(open.name.value)', so requests without a subscription key")
            }
        }
        if !keyless.isEmpty {
            for product in context.project.products where product.effectiveSubscriptionRequired {
                // Its raw statements too: a limit, a token check or an IP filter written there.
                let raw = product.policy.flatMap { policy in
                    policy.document?.inboundStatements.contains { $0.name != "base" } == true ? policy.written.range : nil
                }
                for (range, what) in [(product.rateLimit?.range, "rate limit"), (product.quota?.range, "quota"), (raw, "policy")] {
                    guard let range else { continue }
                    for api in product.apis {
                        guard let (keylessRange, why) = keyless[api.value] else { continue }
                        findings.report(
                            code, "API '\(api.value)' \(why) escape the \(what) of product '\(product.name.value)'",
                            at: keylessRange, notes: [Diagnostic.Note("the product's \(what) is here", at: range)])
                    }
                }
            }
        }
    }
}
