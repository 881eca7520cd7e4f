import PortcullisDiagnostics
import PortcullisModel

/// CA001: one user's response served to another.
public enum SharedCacheOnAuthenticatedRoute: Rule {
    public static let code = DiagnosticCode(
        "CA001", "shared-cache-on-authenticated-route", .error,
        summary: "an authenticated route whose cache is 'sharing: shared', or a raw 'cache-lookup' that does not vary by caller on one")

    public static let description = RuleDescription(
        code,
        rationale: """
            A route that checks tokens usually answers differently per caller. With a shared \
            cache, the first caller's response is served to everyone who asks the same URL \
            within the TTL: another user's orders, profile or documents.
            """,
        fix: "Use 'sharing: per-user' (the default on authenticated routes), which keys the cache on the token's subject.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s, sharing: ↓shared}
                """),
            rawCache(lookup: #"↓cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true""#),
            // Requests without a subscription key have no developer: they all share one entry.
            rawCache(
                lookup: #"↓cache-lookup vary-by-developer="true" vary-by-developer-groups="false" allow-private-response-caching="true""#,
                apiFields: "subscriptionRequired: false\n"),
            // A header only the generated policies set: no generated statement runs around a
            // raw lookup, so the caller chooses its value.
            rawCache(
                lookup: #"↓cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true""#,
                varyingBy: "X-Portcullis-Cache-Subject"),
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s}
                """),
            // Without 'allow-private-response-caching', APIM caches no request with a token.
            rawCache(lookup: #"cache-lookup vary-by-developer="false" vary-by-developer-groups="false""#),
            // Every request carries a key, so each subscription has its entries.
            rawCache(lookup: #"cache-lookup vary-by-developer="true" vary-by-developer-groups="false" allow-private-response-caching="true""#),
            rawCache(
                lookup: #"cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true""#,
                varyingBy: "Authorization"),
        ])

    /// A route requiring a token whose raw policy caches responses with `lookup`, varying by
    /// the header `varyingBy`, in an API with `apiFields`.
    private static func rawCache(lookup: String, varyingBy header: String? = nil, apiFields: String = "") -> RuleExample {
        let lookupElement = header.map { "<\(lookup)><vary-by-header>\($0)</vary-by-header></cache-lookup>" } ?? "<\(lookup) />"
        return RuleExample.api(
            fields: apiFields,
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                policy: |
                  <policies>
                    <inbound>
                      <base />
                      \(lookupElement)
                    </inbound>
                    <outbound>
                      <base />
                      <cache-store duration="30" />
                    </outbound>
                  </policies>
            """)
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.cachingRoutes where route.isAuthenticated {
            guard let sharing = route.written.cache?.sharing, sharing.value == .shared else { continue }
            findings.report(
                code, "route '\(route.written.id.value)' requires a token but shares its cached responses between callers",
                at: sharing.range)
        }
        for scope in context.rawScopes {
            guard let route = scope.routes.first(where: \.isAuthenticated) else { continue }
            // APIM caches no request that carries an 'Authorization' header, where tokens travel,
            // unless the lookup allows private responses.
            for lookup in scope.elements(named: ["cache-lookup"]) where lookup.allowsPrivateResponses && !scope.variesByCaller(lookup) {
                let range = scope.document.range(lookup.nameSpan)
                findings.report(
                    code, "raw 'cache-lookup' in \(scope.owner) shares cached responses between the callers of route '\(route.written.id.value)', which requires a token",
                    at: range,
                    notes: [
                        Diagnostic.Note(
                            "cache with the route's 'cache', which keys entries on the token's subject, or vary by the 'Authorization' header; 'vary-by-developer' separates subscriptions only where every request needs a key",
                            at: range)
                    ])
            }
        }
    }
}
