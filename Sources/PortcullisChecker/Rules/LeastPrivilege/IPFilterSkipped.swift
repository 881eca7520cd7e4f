import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// LP010: a broader scope's raw `ip-filter` that a narrower raw policy keeps from running.
public enum IPFilterSkipped: Rule {
    public static let code = DiagnosticCode(
        "LP010", "ip-filter-skipped", .error,
        summary: "a raw 'ip-filter' of the gateway's, a product's or an API's policy that a narrower raw policy skips: its 'inbound' has no '<base />', or one that some paths through it do not run")

    public static let description = RuleDescription(
        code,
        rationale: """
            A broader scope's 'ip-filter' runs only where every narrower policy's 'inbound' \
            runs '<base />'. A raw policy without one runs instead, and APIM runs none of the \
            broader scopes' statements: the addresses the filter keeps out reach its routes, \
            while the definitions read as if they were filtered (an estate's API without \
            '<base />' under a gateway allow-list, found by an audit of real estates).
            """,
        fix: "Put '<base />' at the top of the narrower policy's 'inbound', or filter the addresses in that policy too.",
        triggering: [
            example(gatewayPolicy: #"<policies><inbound><ip-filter action="allow"><address-range from="10.0.0.0" to="10.0.255.255" /></ip-filter></inbound></policies>"#,
                    routePolicy: "<↓inbound><set-header name=\"X-Channel\" exists-action=\"override\"><value>web</value></set-header></inbound>")
        ],
        nonTriggering: [
            example(gatewayPolicy: #"<policies><inbound><ip-filter action="allow"><address-range from="10.0.0.0" to="10.0.255.255" /></ip-filter></inbound></policies>"#,
                    routePolicy: "<inbound><base /><set-header name=\"X-Channel\" exists-action=\"override\"><value>web</value></set-header></inbound>")
        ])

    /// A gateway whose own raw policy is `gatewayPolicy`, and an API `orders` whose route's
    /// policy has the `inbound` section `routePolicy`.
    private static func example(gatewayPolicy: String, routePolicy: String) -> RuleExample {
        RuleExample(
            RuleExample.baseGateway + "policy: '\(gatewayPolicy)'\n---\n"
                + RuleExample.api(
                    routes: """
                      - id: list-orders
                        method: GET
                        path: /orders
                        scopes: [orders.read]
                        policy: |
                          <policies>
                            \(routePolicy)
                          </policies>
                    """
                ).yaml)
    }

    private static let filters: Set<String> = ["ip-filter"]
    private static let filtersAndIncludes: Set<String> = ["ip-filter", "include-fragment"]

    /// Whether `element` (`alone`), or any element in it, includes a fragment of `ids`.
    private static func includesOne(of ids: Set<String>, in element: PolicyXMLElement, alone: Bool = false) -> Bool {
        func includes(_ element: PolicyXMLElement) -> Bool {
            guard element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value else { return false }
            return ids.contains(id)
        }
        guard !ids.isEmpty else { return false }
        if alone { return includes(element) }
        var found = false
        element.forEachElement { if !found, includes($0) { found = true } }
        return found
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        // The fragments that filter, themselves or through those they include (audit V126:
        // an allow-list kept in a fragment the gateway includes went unseen).
        let fragments = context.project.fragments.documentsByName
        var filtering = Set(fragments.filter { $0.value.has(anyOf: Self.filters) }.keys)
        var grew = !filtering.isEmpty
        while grew {
            grew = false
            for (id, document) in fragments where !filtering.contains(id) && includesOne(of: filtering, in: document.root) {
                filtering.insert(id)
                grew = true
            }
        }
        // Each broader document's first filter in `inbound`, or the include that brings one, by scope.
        var global: (PolicyXMLElement, RawScope)?
        var byProduct: [Int: (PolicyXMLElement, RawScope)] = [:]
        var byAPI: [Int: (PolicyXMLElement, RawScope)] = [:]
        for scope in context.rawScopes where [.global, .product, .api].contains(scope.level) && scope.document.has(anyOf: filtering.isEmpty ? Self.filters : Self.filtersAndIncludes) {
            guard let inbound = scope.document.root.elements.first(where: { $0.name == "inbound" }) else { continue }
            var found: PolicyXMLElement?
            inbound.forEachElement { element in
                if found == nil, element.name == "ip-filter" || includesOne(of: filtering, in: element, alone: true) { found = element }
            }
            guard let filter = found else { continue }
            switch scope.level {
            case .global: global = (filter, scope)
            case .product: for index in scope.products ?? [] { byProduct[index] = (filter, scope) }
            case .api: if let api = scope.api { byAPI[api] = (filter, scope) }
            default: break
            }
        }
        guard global != nil || !byProduct.isEmpty || !byAPI.isEmpty else { return }
        for scope in context.rawScopes where [.product, .api, .operation].contains(scope.level) && !scope.routes.isEmpty {
            // A policy that filters addresses itself is the fix the rule asks for (audit V126).
            guard let skipping = scope.inboundSkippingBase, !scope.document.has(anyOf: Self.filters) else { continue }
            // The broader scopes: the gateway's for all, the products' of its routes below a
            // product, the API's below an API.
            var skipped = global.map { [$0] } ?? []
            if scope.level != .product { skipped += Set(scope.routes.flatMap(\.products)).sorted().compactMap { byProduct[$0] } }
            if scope.level == .operation, let api = scope.api, let filter = byAPI[api] { skipped.append(filter) }
            let range = scope.document.range(skipping.section.nameSpan)
            for (filter, broader) in skipped {
                findings.report(
                    code,
                    "the 'inbound' section of \(scope.owner) \(skipping.reason), so the 'ip-filter' of \(broader.owner) \(skipping.never ? "never runs" : "may not run") for its routes",
                    at: range,
                    notes: [
                        Diagnostic.Note("put '<base />' at the top of 'inbound', where the broader scopes' statements should run", at: range),
                        Diagnostic.Note("the filter is written here", at: broader.document.range(filter.nameSpan)),
                    ])
            }
        }
    }
}
