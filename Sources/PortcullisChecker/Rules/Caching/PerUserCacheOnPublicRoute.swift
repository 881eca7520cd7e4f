import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// CA008: a per-user cache where there is no user.
public enum PerUserCacheOnPublicRoute: Rule {
    public static let code = DiagnosticCode(
        "CA008", "per-user-cache-on-public-route", .error,
        summary: "'sharing: per-user' on a public route, which has no token to tell callers apart, or on such a route a raw 'cache-lookup' that allows private responses and does not vary by 'Authorization', or a raw 'cache-lookup-value' keyed by claims of a token no check validates")

    public static let description = RuleDescription(
        code,
        rationale: """
            A per-user cache keeps one entry per caller, and a caller is named by its token. A \
            public route checks no token, so there is no caller to key on: the cache would either \
            be shared by everyone, which is not what the definition says, or never used. \
            Portcullis caches nothing rather than guess.
            """,
        fix: "Use 'sharing: shared' if every caller may see the same response, or require a token on the route.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    auth: none
                    public: The catalogue is public
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    cache: {ttl: 30s, sharing: ↓per-user}
                """),
            RuleExample.api(
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    auth: none
                    public: The catalogue is public
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    policy: |
                      <policies>
                        <inbound>
                          <base />
                          <↓cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true" />
                        </inbound>
                      </policies>
                """),
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-products
                    method: GET
                    path: /products
                    auth: none
                    public: The catalogue is public
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    cache: {ttl: 30s, sharing: shared}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.cachingRoutes where !route.isAuthenticated {
            guard let sharing = route.written.cache?.sharing, sharing.value == .perUser else { continue }
            findings.report(
                code, "public route '\(route.written.id.value)' asks for a per-user cache, but it checks no token to tell callers apart",
                at: sharing.range)
        }
        checkRaw(context, into: &findings)
    }

    /// Raw caches of callers' own answers on a route no token check guards (audit V86): a
    /// `cache-lookup` that allows private responses keeps the answer to a request with
    /// credentials and, not varying by `Authorization`, serves it to every caller; a
    /// `cache-lookup-value` keyed by claims of a token read with `AsJwt()`, which checks no
    /// signature, serves a caller who writes another's claims that caller's entry (a key
    /// made through a policy variable is not followed).
    private static func checkRaw(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for scope in context.rawScopes where scope.document.has(anyOf: lookups) {
            guard
                let route = scope.routes.first(where: { route in
                    !route.isAuthenticated && context.rawStatement(.tokenCheck, on: route) == nil
                })
            else { continue }
            for lookup in scope.elements(named: lookups) {
                let reason: String
                if lookup.name == "cache-lookup" {
                    guard lookup.allowsPrivateResponses, !RawEnforcement.keysOnTheToken(lookup) else { continue }
                    reason = "keeps answers to requests with credentials and serves them to every caller, not varying by 'Authorization'"
                } else {
                    guard let key = lookup.attribute("key")?.value, key.isExpression, readsAnUncheckedTokensClaims(key.resolved) else { continue }
                    reason = "is keyed by claims of a token no check validates, so a caller who writes another's claims reads that caller's entry"
                }
                let range = scope.document.range(lookup.nameSpan)
                findings.report(
                    code, "raw '\(lookup.name)' in \(scope.owner), which public route '\(route.written.id.value)' runs, \(reason)", at: range,
                    notes: [Diagnostic.Note("check the caller's token before the lookup, or cache only what every caller may see", at: range)])
            }
        }
    }

    private static let lookups: Set<String> = ["cache-lookup", "cache-lookup-value"]

    /// Whether `code` reads claims of a token the request carries, parsed by `AsJwt()` or
    /// `TryParseJwt()` (audit V87), neither of which checks a signature.
    private static func readsAnUncheckedTokensClaims(_ code: String) -> Bool {
        let read = ExpressionFlow.withoutWrittenText(code)
        return (read.holds("AsJwt") || read.holds("ParseJwt")) && ExpressionFlow.reads(of: code).contains(where: \.isCallerWritten)
    }
}
