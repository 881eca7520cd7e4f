import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// RL008: product limits that never count anything.
public enum IneffectiveProductLimit: Rule {
    public static let code = DiagnosticCode(
        "RL008", "ineffective-product-limit", .warning,
        summary: "a 'rateLimit' or 'quota' on a product with 'subscriptionRequired: false', or on an API that requires no key or that an open product includes, where it does not apply; a product's raw limit's budget for an API or operation the product does not hold")

    public static let description = RuleDescription(
        code,
        rationale: """
            A product's rate limit and quota count per subscription, so APIM applies them only to \
            calls made with a subscription key. An open product lets anyone call its APIs without \
            a key: its limits then count nothing, while the definition suggests the APIs are limited. \
            The same holds for an API with 'subscriptionRequired: false' in a product that requires \
            them: a request without a key is handled in the API's context alone, so a caller escapes \
            the product's limits by leaving the key out. A raw policy that keeps the product's \
            policy from running is RL010. A product's raw 'rate-limit' or 'quota' may hold a budget \
            of its own for one API ('<api name=\"…\">') or operation of it; one naming an API the \
            product does not hold, or an operation that API does not have (a typo, or an API or \
            route renamed since), applies to nothing, and its calls count only against the \
            product's budget.
            """,
        fix: "Require subscriptions on the product and its APIs, or put the limits on the APIs or routes with a key that needs no subscription; name in a raw limit's budget an API the product includes and an operation it has (the route's id).",
        triggering: [
            product("open-data", with: "subscriptionRequired: false\nrateLimit: ↓{calls: 100, per: 60s}"),
            RuleExample(
                "apiVersion: portcullis/v1\nkind: Product\nname: partners\napis: [orders]\nquota: {calls: 10000, per: 30d}\n---\n\n"
                    + RuleExample.api(fields: "subscriptionRequired: ↓false\n", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml),
            product("partners", with: budget(for: "ordrs")),
        ],
        nonTriggering: [product("partners", with: "rateLimit: {calls: 100, per: 60s}"), product("partners", with: budget(for: "orders"))])

    /// A raw policy whose rate limit gives the API `api` a budget of its own.
    private static func budget(for api: String) -> String {
        "policy: |\n  <policies>\n    <inbound>\n      <base />\n      <rate-limit calls=\"100\" renewal-period=\"60\">\n"
            + "        <\(api == "orders" ? "" : "↓")api name=\"\(api)\" calls=\"10\" renewal-period=\"60\" />\n      </rate-limit>\n    </inbound>\n  </policies>"
    }

    /// A budget of a product's raw `rate-limit` or `quota` for one API (`<api>`) or one
    /// operation of it (`<operation>`), and what it applies to.
    public struct Budget {
        public var product: String
        public var limit: String
        /// The API's name as the budget writes it, and the operation's for an operation's.
        public var api: String
        public var operation: String?
        public var range: SourceRange
        /// The API it applies to, by its name, and the route for an operation's; nil when
        /// the product holds no such API, or the API no such operation.
        public var target: (api: String, route: String?)?

        /// What it is, for a message.
        public var described: String {
            let what = operation.map { "operation '\($0)' of API '\(api)'" } ?? "API '\(api)'"
            return "the '\(limit)' of product '\(product)' holds a budget for \(what)"
        }

        /// The same budget in another version, wherever it is written.
        public var identity: [String] { [product.lowercased(), limit, api, operation ?? ""] }
    }

    /// The budgets of the products' raw `rate-limit` and `quota` statements for one API or
    /// operation (``Budget``), with what each applies to as APIM finds it: by `id` where it
    /// is written (APIM then ignores `name`: audit V117), an API's its name, an
    /// operation's its route's id; else by `name`, an API's its name or display name, an
    /// operation's its route's id or summary; without case, with `resolved` putting named
    /// values in. One named by an expression or a secret is left out.
    public static func budgets(in project: ResolvedProject, resolved: (String) -> String?) -> [Budget] {
        let apis = Dictionary(project.apis.map { ($0.name.value.lowercased(), $0) }) { first, _ in first }
        /// What `element` names its target by: its `id`, else its `name`, lowercased.
        func named(_ element: PolicyXMLElement) -> (written: String, byID: Bool)? {
            for (attribute, byID) in [("id", true), ("name", false)] {
                guard let value = element.attribute(attribute)?.value else { continue }
                guard !value.isExpression, let text = resolved(value.written) else { return nil }
                return (text.trimmingWhitespace.lowercased(), byID)
            }
            return nil
        }
        var found: [Budget] = []
        for product in project.products {
            guard let document = product.policy?.document, document.has(anyOf: ["rate-limit", "quota"]) else { continue }
            let held = product.apis.compactMap { apis[$0.value.lowercased()] }
            for limit in document.allElements where limit.name == "rate-limit" || limit.name == "quota" {
                for child in limit.elements where child.name == "api" {
                    guard let (written, byID) = named(child) else { continue }
                    let api = held.first { api in
                        written == api.name.value.lowercased() || !byID && written == api.displayName?.value.lowercased()
                    }
                    found.append(Budget(
                        product: product.name.value, limit: limit.name, api: written, range: document.range(child.nameSpan),
                        target: api.map { ($0.name.value, nil) }))
                    guard let api else { continue }
                    for operation in child.elements where operation.name == "operation" {
                        guard let (route, byID) = named(operation) else { continue }
                        let known = api.routes.first { candidate in
                            route == candidate.id.value.lowercased() || !byID && route == candidate.summary?.value.lowercased()
                        }
                        found.append(Budget(
                            product: product.name.value, limit: limit.name, api: written, operation: route, range: document.range(operation.nameSpan),
                            target: known.map { (api.name.value, $0.id.value) }))
                    }
                }
            }
        }
        return found
    }

    /// A product with `fields` holding the API 'orders', whose one route reads orders.
    private static func product(_ name: String, with fields: String) -> RuleExample {
        RuleExample(
            "apiVersion: portcullis/v1\nkind: Product\nname: \(name)\napis: [orders]\n\(fields)\n---\n\n"
                + RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml)
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for budget in budgets(in: context.project, resolved: context.namedValues.resolved) where budget.target == nil {
            findings.report(
                code, budget.described + (budget.operation == nil ? ", which the product does not include" : ", which that API does not have"),
                at: budget.range)
        }
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
