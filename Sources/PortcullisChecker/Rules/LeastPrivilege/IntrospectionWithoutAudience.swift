import PortcullisDiagnostics
import PortcullisModel

/// LP009: an introspection provider takes a token issued for any API.
public enum IntrospectionWithoutAudience: Rule {
    public static let code = DiagnosticCode(
        "LP009", "introspection-without-audience", .warning,
        summary: "an introspection provider that routes use and that names no 'audiences'")

    public static let description = RuleDescription(
        code,
        rationale: """
            An introspection endpoint answers "active" for any token its authorization server \
            issued and has not revoked, whichever API it was issued for. Without 'audiences' the \
            generated check takes a token the server issued for another API, with the scopes the \
            route asks for, as the caller's right to call this one. A JWT provider always names \
            its audiences for the same reason.
            """,
        fix: "Name the audiences this gateway's tokens are issued for under the provider's 'audiences'; an active token must then carry one of them in 'aud'.",
        triggering: [example(marked: true, audiences: "")],
        nonTriggering: [example(marked: false, audiences: "    audiences: [api://example]\n")])

    /// A gateway whose provider `partner` is used by a route, with `audiences` as given.
    private static func example(marked: Bool, audiences: String, line: UInt = #line) -> RuleExample {
        RuleExample.gateway(
            (marked ? RuleExample.partnerProvider.replacing("  partner:", with: "  ↓partner:") : RuleExample.partnerProvider) + audiences + """
            scopes:
              orders.read: {access: read}
            secrets:
              partner-secret: {keyVault: https://example-kv.vault.azure.net/secrets/partner}
            """,
            routes: """
              - {id: list-orders, method: GET, path: /orders, auth: partner, scopes: [orders.read]}
            """, line: line)
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        // Few providers, many routes: the routes are read only for a provider that may be reported.
        let open = (context.project.gateway?.identityProviders ?? []).filter { provider in
            guard case .introspection(let details) = provider.details else { return false }
            return details.audiences?.isEmpty ?? true
        }
        guard !open.isEmpty else { return }
        // Until each is found used: the first few routes usually show it.
        var unused = Set(open.map(\.name.value))
        for route in context.routes {
            if unused.isEmpty { break }
            if case .provider(let name) = route.auth.value { unused.remove(name) }
        }
        for provider in open where !unused.contains(provider.name.value) {
            findings.report(
                code, "identity provider '\(provider.name.value)' names no 'audiences', so a token its server issued for another API is taken as active",
                at: provider.name.range)
        }
    }
}
