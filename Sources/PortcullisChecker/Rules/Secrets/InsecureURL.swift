import PortcullisDiagnostics
import PortcullisModel

/// SE003: tokens or traffic over plain HTTP.
public enum InsecureURL: Rule {
    public static let code = DiagnosticCode(
        "SE003", "insecure-url", .error,
        summary: "an http:// backend, issuer, openidConfig or introspection endpoint")

    public static let description = RuleDescription(
        code,
        rationale: """
            Over plain HTTP, requests, tokens and responses can be read and changed by anyone on \
            the network path. For an issuer or OpenID configuration, an attacker who can change \
            the signing keys can mint tokens the gateway accepts.
            """,
        fix: "Use the https:// URL of the service.",
        triggering: [
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: API
                name: orders
                path: orders
                backend: ↓http://orders.example.com
                routes:
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Backend
                name: orders-backend
                url: ↓http://orders.example.com
                """),
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        var urls: [(String, Located<String>)] = []
        for provider in context.project.gateway?.identityProviders ?? [] {
            switch provider.details {
            case .jwt(let jwt):
                urls += [("'issuer'", jwt.issuer), ("'openidConfig'", jwt.openidConfig)]
            case .introspection(let introspection):
                urls.append(("'endpoint'", introspection.endpoint))
            }
        }
        for api in context.apis { if case .url(let url) = api.backend { urls.append(("'backend'", url)) } }
        for backend in context.project.backends {
            if let service = backend.service { urls.append(("'url' of backend '\(backend.name.value)'", service.url)) }
        }
        for (field, url) in urls where url.value.lowercased().hasPrefix("http://") {
            findings.report(code, "\(field) uses plain http://", at: url.range)
        }
    }
}
