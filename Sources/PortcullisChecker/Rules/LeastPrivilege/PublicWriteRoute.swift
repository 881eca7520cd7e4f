import PortcullisDiagnostics
import PortcullisModel

/// LP007: anyone can change data.
public enum PublicWriteRoute: Rule {
    public static let code = DiagnosticCode(
        "LP007", "public-write-route", .error,
        summary: "a public route with method POST, PUT, PATCH or DELETE, or that its 'rewrite' or a raw 'set-method' sends to its backend as one")

    public static let description = RuleDescription(
        code,
        rationale: """
            A public route that writes lets anonymous callers create, change or delete data, and \
            leaves nothing to attribute abuse to. Even a documented reason rarely justifies it; \
            webhooks and forms should at least be authenticated by a shared secret at the backend \
            and rate-limited here.
            """,
        fix: "Set 'auth' to an identity provider and require a write scope.",
        triggering: [
            RuleExample.api(
                "feedback",
                fields: """
                auth: none
                rateLimit: {calls: 10, per: 60s, key: ip}
                """,
                routes: """
                  - id: submit
                    method: ↓POST
                    path: /feedback
                    public: Anyone may leave feedback
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                "feedback",
                routes: """
                  - id: submit
                    method: POST
                    path: /feedback
                    scopes: [orders.write]
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.routes where !route.isAuthenticated {
            var method = route.written.method
            let message: String
            if method.value.effect == .write {
                message = "public route '\(route.written.id.value)' accepts \(method.value.rawValue) without a token"
            } else if let sent = route.written.rewrittenMethod, sent.value.effect == .write {
                message = "public route '\(route.written.id.value)' is sent to its backend as \(sent.value.rawValue) by its 'rewrite', without a token"
                method = sent
            } else if let (owner, name) = context.rawWriteSetter(on: route) {
                // The backend sees the method the gateway sends, not the one the route names.
                message = "public route '\(route.written.id.value)' is sent to its backend as a write by raw '\(name)' in \(owner), without a token"
            } else {
                continue
            }
            guard context.rawStatement(.tokenCheck, on: route) == nil else { continue }
            findings.report(code, message, at: method.range, notes: context.location(of: route.auth, on: route, what: "'auth: none'").notes)
        }
    }
}
