import PortcullisDiagnostics
import PortcullisModel

/// LP002: any token of the provider is enough.
public enum RouteWithoutScopes: Rule {
    public static let code = DiagnosticCode(
        "LP002", "route-without-scopes", .error,
        summary: "an authenticated route that requires no scope, or a raw check that lets callers through: a 'validate-jwt' without 'required-claims', taking unsigned tokens or tokens that never expire, a 'validate-client-certificate' that ignores errors or takes a certificate anyone can make")

    public static let description = RuleDescription(
        code,
        rationale: """
            A token check without scopes only proves the caller has some token from the provider: \
            every application and user the provider issues tokens for can call the route. Least \
            privilege means each route names the scopes it needs.
            """,
        fix: "List the scopes the route needs under 'scopes', declaring them in the gateway's scope catalogue.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: ↓list-orders
                    method: GET
                    path: /orders
                  - id: get-order
                    method: GET
                    path: /orders/{id}
                    scopes: ↓[]
                """),
            rawCheck(attributes: ""),
            // Signed or not, anyone can write a token with the claim.
            rawCheck(
                attributes: #" require-signed-tokens="false""#,
                claims: #"<required-claims><claim name="roles" match="any"><value>Orders.Read</value></claim></required-claims>"#),
            // A failed check goes on to the next statement.
            RuleExample.api(
                rawInbound: #"<validate-client-certificate ignore-error="↓true" />"#,
                routes: "  - {id: submit-order, method: POST, path: /orders, scopes: [orders.write]}\n"),
            // A certificate the caller makes, with any subject it likes, passes.
            RuleExample.api(
                rawInbound: #"<validate-client-certificate validate-trust="↓false"><identities><identity subject="CN=partner" /></identities></validate-client-certificate>"#,
                routes: "  - {id: submit-order, method: POST, path: /orders, scopes: [orders.write]}\n"),
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
            // The certificate is pinned by its thumbprint, which no other certificate has.
            RuleExample.api(
                rawInbound: #"<validate-client-certificate validate-trust="false"><identities><identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" /></identities></validate-client-certificate>"#,
                routes: "  - {id: submit-order, method: POST, path: /orders, scopes: [orders.write]}\n"),
        ])

    /// An API whose raw policy checks a partner's token with `attributes` and `claims`.
    private static func rawCheck(attributes: String, claims: String = "") -> RuleExample {
        RuleExample.api(
            rawInbound: """
                <↓validate-jwt header-name="X-Partner-Token"\(attributes)>
                  <openid-config url="https://login.example.com/partner/.well-known/openid-configuration" />
                  \(claims)
                </validate-jwt>
                """,
            routes: """
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
            """)
    }

    private static let jwtChecks: Set<String> = ["validate-jwt"]

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.routes where route.isAuthenticated {
            let requirement = route.written.scopes
            guard route.written.namesNoPermission else { continue }
            let provider: String
            if case .provider(let name) = route.auth.value { provider = name } else { provider = "" }
            findings.report(
                code, "route '\(route.written.id.value)' requires no scope, so any token from '\(provider)' can call it",
                at: requirement?.range ?? route.written.id.range)
        }
        for scope in context.rawScopes {
            for check in scope.elements(named: ["validate-jwt", "validate-azure-ad-token"]) {
                let range = scope.document.range(check.nameSpan)
                if check.acceptsUnsignedTokens {
                    findings.report(
                        code,
                        scope.literal("require-signed-tokens", of: check) == nil
                            ? "raw '\(check.name)' in \(scope.owner) may take unsigned tokens ('require-signed-tokens' is an expression), so anyone could write one that passes"
                            : "raw '\(check.name)' in \(scope.owner) takes unsigned tokens, so anyone can write one that passes",
                        at: range,
                        notes: [Diagnostic.Note("remove 'require-signed-tokens', which is true when left out", at: range)])
                } else if !check.elements.contains(where: { $0.name == "required-claims" && $0.elements.contains { $0.name == "claim" } }) {
                    // An empty 'required-claims' requires nothing either.
                    findings.report(
                        code, "raw '\(check.name)' in \(scope.owner) requires no claim, so any token its issuers sign passes", at: range,
                        notes: [Diagnostic.Note("list the scopes or roles the caller needs under 'required-claims'", at: range)])
                }
            }
            // A token without an expiry, once leaked, passes for ever.
            for check in scope.elements(named: Self.jwtChecks) {
                guard let written = check.attribute("require-expiration-time"),
                    !["true", "@(true)"].contains(written.value.written.filter { !$0.isWhitespace }.lowercased())
                else { continue }
                let range = scope.document.range(check.nameSpan)
                findings.report(
                    code, "raw 'validate-jwt' in \(scope.owner) may take tokens that never expire ('require-expiration-time'), so one once leaked keeps passing",
                    at: range, notes: [Diagnostic.Note("remove 'require-expiration-time', which is true when left out", at: range)])
            }
            for check in scope.elements(named: ["validate-client-certificate"]) {
                guard let gap = check.certificateCheckGap else { continue }
                switch gap {
                case .errorsIgnored:
                    let range = scope.literal("ignore-error", of: check)?.range ?? scope.document.range(check.nameSpan)
                    findings.report(
                        code, "raw '\(check.name)' in \(scope.owner) ignores errors, so a request without a valid certificate goes on",
                        at: range, notes: [Diagnostic.Note("remove 'ignore-error', which is false when left out", at: range)])
                case .untrustedCertificates:
                    let range = scope.literal("validate-trust", of: check)?.range ?? scope.document.range(check.nameSpan)
                    findings.report(
                        code,
                        "raw '\(check.name)' in \(scope.owner) does not validate trust and pins no certificate, so a certificate the caller makes passes",
                        at: range,
                        notes: [Diagnostic.Note("remove 'validate-trust', which is true when left out, or give every identity a 'thumbprint' or an issuer's", at: range)])
                }
            }
        }
    }
}
