import PortcullisDiagnostics
import PortcullisModel

/// CA003: a cache block that does nothing, or worse.
public enum CacheOnUnsafeMethod: Rule {
    public static let code = DiagnosticCode(
        "CA003", "cache-on-unsafe-method", .error,
        summary: "a cache block on a route whose method, or the method its 'rewrite' sends to its backend, is not GET")

    public static let description = RuleDescription(
        code,
        rationale: """
            APIM caches GET responses only, so a cache on another method never serves a cached \
            response; it only suggests to readers that repeated writes are absorbed by a cache. \
            Caching the result of a write would also be wrong: each call must reach the backend.
            """,
        fix: "Remove the 'cache' block, or move it to the GET route that reads the data.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: create-order
                    method: POST
                    path: /orders
                    scopes: [orders.write]
                    ↓cache: {ttl: 30s}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.cachingRoutes {
            guard let cache = route.written.cache else { continue }
            if route.written.method.value != .GET {
                findings.report(
                    code, "route '\(route.written.id.value)' caches \(route.written.method.value.rawValue) responses, which APIM never caches",
                    at: cache.keyRange)
            } else if let sent = route.written.rewrittenMethod {
                // A hit skips the backend's write; a miss stores the answer to something else than a GET.
                findings.report(
                    code, "route '\(route.written.id.value)' caches the answers of the \(sent.value.rawValue) its 'rewrite' sends to its backend, so a cached answer skips the backend's work",
                    at: cache.keyRange, notes: [Diagnostic.Note("the backend is sent \(sent.value.rawValue) here", at: sent.range)])
            }
        }
    }
}
