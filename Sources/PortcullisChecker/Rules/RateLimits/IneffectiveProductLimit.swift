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

    /// A budget of a product's raw `rate-limit` or `quota` for an API (`<api>`) the product
    /// does not hold, or for an operation (`<operation>`) that API does not have.
    public struct BudgetForNothing: Hashable {
        public var product: String
        public var limit: String
        /// The API's name as the budget writes it, and the operation's for an operation's.
        public var api: String
        public var operation: String?
        public var range: SourceRange

        /// What it is, for a message.
        public var described: String {
            let what = operation.map { "operation '\($0)' of API '\(api)'" } ?? "API '\(api)'"
            return "the '\(limit)' of product '\(product)' holds a budget for \(what)"
        }

        /// The same budget in another version, wherever it is written.
        public var identity: [String] { [product.lowercased(), limit, api, operation ?? ""] }
    }

    /// The budgets that apply to nothing (``BudgetForNothing``): APIs named by their name,
    /// display name or id, operations by their route's id or summary, as APIM names them,
    /// without case, with `resolved` putting named values in (audit V114: a route renamed
    /// left its budget applying to nothing, silently). One named by an expression or a
    /// secret is not judged.
    public static func budgetsForNothing(in project: ResolvedProject, resolved: (String) -> String?) -> [BudgetForNothing] {
        let apis = Dictionary(project.apis.map { ($0.name.value.lowercased(), $0) }) { first, _ in first }
        func named(_ element: PolicyXMLElement) -> (name: String?, id: String?)? {
            var found: (name: String?, id: String?) = (nil, nil)
            for (attribute, into) in [("name", \(name: String?, id: String?).name), ("id", \.id)] {
                guard let value = element.attribute(attribute)?.value else { continue }
                guard !value.isExpression, let text = resolved(value.written) else { return nil }
                found[keyPath: into] = text.trimmingWhitespace.lowercased()
            }
            return found.name == nil && found.id == nil ? nil : found
        }
        var found: [BudgetForNothing] = []
        for product in project.products {
            guard let document = product.policy?.document, document.has(anyOf: ["rate-limit", "quota"]) else { continue }
            let held = product.apis.compactMap { apis[$0.value.lowercased()] }
            for limit in document.allElements where limit.name == "rate-limit" || limit.name == "quota" {
                for child in limit.elements where child.name == "api" {
                    guard let (name, id) = named(child) else { continue }
                    let written = name ?? id ?? ""
                    let api = held.first { api in
                        let names = [api.name.value.lowercased(), api.displayName?.value.lowercased()]
                        return name.map(names.contains) ?? false || id == names[0]
                    }
                    guard let api else {
                        found.append(BudgetForNothing(product: product.name.value, limit: limit.name, api: written, range: document.range(child.nameSpan)))
                        continue
                    }
                    for operation in child.elements where operation.name == "operation" {
                        guard let (name, id) = named(operation) else { continue }
                        let known = api.routes.contains { route in
                            let names = [route.id.value.lowercased(), route.summary?.value.lowercased()]
                            return name.map(names.contains) ?? false || id == names[0]
                        }
                        if !known {
                            found.append(BudgetForNothing(
                                product: product.name.value, limit: limit.name, api: written, operation: name ?? id ?? "", range: document.range(operation.nameSpan)))
                        }
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
        for budget in budgetsForNothing(in: context.project, resolved: context.namedValues.resolved) {
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
