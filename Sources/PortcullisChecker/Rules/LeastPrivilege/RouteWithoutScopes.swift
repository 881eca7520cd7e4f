import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// LP002: any token of the provider is enough.
public enum RouteWithoutScopes: Rule {
    public static let code = DiagnosticCode(
        "LP002", "route-without-scopes", .error,
        summary: "an authenticated route that requires no scope, an identity provider whose audiences hold nothing once named values are put in, or a raw check that lets callers through: a 'validate-jwt' without 'required-claims' or with only claims that grant no permission, taking unsigned tokens, tokens that never expire or expired ones past 'guardrails.maxTokenCacheTtl', or checking no audience, or no issuer with keys Entra shares between tenants, or taking its keys from the request, a 'validate-azure-ad-token' whose client applications the request gives, a 'validate-client-certificate' that ignores errors, takes a certificate anyone can make, a revoked, not yet valid or expired one, or names no identity")

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
            // The caller names the server whose keys its tokens are checked with.
            RuleExample.api(
                rawInbound: """
                    <↓validate-jwt header-name="Authorization">
                      <openid-config url="@(context.Request.Headers.GetValueOrDefault("X-Issuer", "https://login.example.com") + "/.well-known/openid-configuration")" />
                      <audiences><audience>api://orders</audience></audiences>
                      <required-claims><claim name="roles" match="any"><value>Orders.Read</value></claim></required-claims>
                    </validate-jwt>
                    """,
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n"),
            // A failed check goes on to the next statement.
            RuleExample.api(
                rawInbound: #"<validate-client-certificate ignore-error="↓true" />"#,
                routes: "  - {id: submit-order, method: POST, path: /orders, scopes: [orders.write]}\n"),
            // A certificate the caller makes, with any subject it likes, passes.
            RuleExample.api(
                rawInbound: #"<validate-client-certificate validate-trust="↓false"><identities><identity subject="CN=partner" /></identities></validate-client-certificate>"#,
                routes: "  - {id: submit-order, method: POST, path: /orders, scopes: [orders.write]}\n"),
            // A partner's certificate, once stolen, keeps passing after it expires or is revoked.
            RuleExample.api(
                rawInbound: #"<validate-client-certificate validate-not-after="false" validate-revocation="↓0"><identities><identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" /></identities></validate-client-certificate>"#,
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
            // Booleans as XML Schema reads them: `1` is true, `0` false.
            RuleExample.api(
                rawInbound: #"<validate-client-certificate validate-revocation="1" ignore-error="0"><identities><identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" /></identities></validate-client-certificate>"#,
                routes: "  - {id: submit-order, method: POST, path: /orders, scopes: [orders.write]}\n"),
        ])

    /// An API whose raw policy checks a partner's token with `attributes` and `claims`.
    private static func rawCheck(attributes: String, claims: String = "") -> RuleExample {
        RuleExample.api(
            rawInbound: """
                <↓validate-jwt header-name="X-Partner-Token"\(attributes)>
                  <openid-config url="https://login.example.com/partner/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences>
                  \(claims)
                </validate-jwt>
                """,
            routes: """
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
            """)
    }

    /// Whether every route an API policy's `check` runs for authorizes the same token after
    /// it: the route's generated check requires scopes or roles of the token in
    /// `Authorization`, or a raw check at the top of the route's own `inbound` reads the same
    /// place and requires a claim that grants a permission, where neither policy writes that
    /// place before it (a managed identity's token, a `set-header`: the check would judge the
    /// gateway's). A check that authenticates at API scope and leaves the permissions to each
    /// operation lets no token through (found by an audit: LP002 on that layout). What each
    /// route and each scope authorizes is worked out once (``Authorizations``), so that many
    /// checks over many routes cost what each does alone.
    private static func everyRouteIsAuthorizedPast(
        _ check: PolicyXMLElement, inScope index: Int, _ scope: RawScope, _ context: CheckContext, _ known: inout Authorizations
    ) -> Bool {
        guard scope.level == .api, !scope.routes.isEmpty, let places = context.credentialPlaces(of: [check]) else { return false }
        if known.byScope[index] == nil {
            var common: Set<Set<CredentialPlace>>?
            for route in scope.routes {
                let authorized = known.authorized(by: route, context)
                common = common.map { $0.intersection(authorized) } ?? authorized
                if common?.isEmpty == true { break }
            }
            let written = context.rawEnforcement.credentialPlacesWritten(inInboundOf: scope.document)
            known.byScope[index] = (common ?? []).filter { authorized in !written.contains { place in authorized.contains(where: place.mayBe) } }
        }
        return known.byScope[index]!.contains(places)
    }

    /// The token places each route authorizes (``everyRouteIsAuthorizedPast(_:inScope:_:_:_:)``),
    /// and those every route of a scope does, by the scope's place in the context's list.
    private struct Authorizations {
        private var byRoute: [ObjectIdentifier: Set<Set<CredentialPlace>>] = [:]
        var byScope: [Int: Set<Set<CredentialPlace>>] = [:]

        mutating func authorized(by route: EffectiveRoute, _ context: CheckContext) -> Set<Set<CredentialPlace>> {
            if let known = byRoute[ObjectIdentifier(route)] { return known }
            var authorized: Set<Set<CredentialPlace>> = []
            // The generated check runs first in the route's policy, on the caller's token.
            if route.isAuthenticated, route.written.scopes != nil || route.written.appRoles != nil, !route.written.namesNoPermission {
                authorized.insert([.header("authorization")])
            }
            let statements = route.written.policy?.document?.inboundStatements ?? []
            let values = context.namedValues.byName
            let callerControlled = context.callerControlledVariables
            // What the route writes after a check is the backend's (a managed identity's token
            // for it): only what comes before reaches the check, gathered as the statements go.
            var written: [CredentialPlace] = []
            for statement in statements {
                defer { written += context.rawEnforcement.credentialPlacesWritten(by: CollectionOfOne(statement)) }
                guard tokenChecks.contains(statement.name), !statement.letsCallersThrough(values, callerControlled), !statement.checksAGivenToken(values, callerControlled),
                    statement.requiredClaims.contains(where: { $0.grantsAPermission(values, callerControlled) }),
                    let places = context.credentialPlaces(of: [statement]),
                    !written.contains(where: { place in places.contains(where: place.mayBe) })
                else { continue }
                authorized.insert(places)
            }
            byRoute[ObjectIdentifier(route)] = authorized
            return authorized
        }
    }

    /// A provider whose every audience is a named value's reference that holds nothing (in
    /// the definitions or an environment) checks no audience, as a raw check's does; an
    /// empty list written out is refused where it is read (found by an audit: `audiences:
    /// ["{{aud}}"]` with `aud: ""` built a check of an empty audience).
    private static func reportProvidersOfNoAudience(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for provider in context.project.gateway?.identityProviders ?? [] {
            let audiences: [Located<String>]? =
                switch provider.details {
                case .jwt(let jwt): jwt.audiences
                case .introspection(let introspection): introspection.audiences
                }
            guard let audiences, let first = audiences.first,
                audiences.allSatisfy({ $0.value.holds("{{") && context.namedValues.resolved($0.value)?.trimmingWhitespace.isEmpty == true })
            else { continue }
            findings.report(
                code,
                "identity provider '\(provider.name.value)' checks no audience, as its 'audiences' hold nothing once named values are put in, so a token its issuer signed for another API passes",
                at: first.range, notes: context.namedValues.notes(for: first.value) + [Diagnostic.Note("give the named value this API's audience", at: first.range)])
        }
    }

    /// A provider whose scopes or roles are read from a claim of its holder's profile
    /// grants them to whoever is so named: a user called `orders.write` (audit V54).
    private static func reportProvidersReadingAProfile(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for provider in context.project.gateway?.identityProviders ?? [] {
            for (field, claim) in [("scopeClaim", provider.scopeClaim), ("roleClaim", provider.roleClaim)] {
                guard let claim, IdentityProvider.profileClaims.contains(claim.value.lowercased()) else { continue }
                findings.report(
                    code,
                    "identity provider '\(provider.name.value)' reads permissions from '\(claim.value)' ('\(field)'), which describes the token's holder, so a user whose name is a scope's passes",
                    at: claim.range,
                    notes: [Diagnostic.Note("name the claim the issuer puts granted scopes or roles in ('scp', 'roles')", at: claim.range)])
            }
        }
    }

    private static let jwtChecks: Set<String> = ["validate-jwt"]
    private static let tokenChecks: Set<String> = ["validate-jwt", "validate-azure-ad-token"]
    private static let certificateChecks: Set<String> = ["validate-client-certificate"]

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
        reportProvidersOfNoAudience(context, into: &findings)
        reportProvidersReadingAProfile(context, into: &findings)
        let values = context.namedValues
        let callerControlled = context.callerControlledVariables
        let maximumSkew = (context.guardrails ?? Guardrails()).effectiveMaxTokenCacheTtl
        var authorizations = Authorizations()
        for (scopeIndex, scope) in context.rawScopes.enumerated() {
            for check in scope.elements(named: Self.tokenChecks) {
                let range = scope.document.range(check.nameSpan)
                if check.checksNoAudience(values.byName, callerControlled) {
                    let lists = check.name == "validate-jwt" ? "'audiences'" : "'audiences' or 'backend-application-ids'"
                    findings.report(
                        code, "raw '\(check.name)' in \(scope.owner) checks no audience, so a token its issuer signed for another API passes",
                        at: range, notes: [Diagnostic.Note("name this API's audience under \(lists)", at: range)])
                }
                // The applications whose tokens it takes, given by the request, are any
                // application's (audit V66: one from a header linted clean).
                if check.name == "validate-azure-ad-token",
                    check.elements.contains(where: { list in
                        list.name == "client-application-ids" && list.elements.contains { $0.name == "application-id" && !$0.holdsAValue(values.byName, callerControlled) }
                    })
                {
                    findings.report(
                        code, "raw '\(check.name)' in \(scope.owner) names a client application the request gives or leaves blank, so a token issued to any application passes",
                        at: range, notes: [Diagnostic.Note("write each application's id out, or as a named value's reference", at: range)])
                }
                if let source = check.keySourceTheCallerChooses(values.byName, callerControlled) {
                    let (what, passes, fix) =
                        switch source {
                        case .configuration:
                            (
                                "its 'openid-config' URL", "a caller can name a server that publishes its own keys and sign tokens that pass",
                                "write the URL out, or choose among URLs written out"
                            )
                        case .signingKey: ("a signing key", "a caller can sign tokens that pass", "write the key out as a named value's reference")
                        case .tenant: ("its tenant ('tenant-id')", "a token its own tenant issues passes", "write the tenant's id out, or as a named value's reference")
                        }
                    findings.report(
                        code, "raw '\(check.name)' in \(scope.owner) takes \(what) from the request, so \(passes)", at: range,
                        notes: [Diagnostic.Note(fix, at: range)])
                }
                if let tenant = check.sharedTenantWithoutIssuer(values.byName, callerControlled) {
                    findings.report(
                        code,
                        "raw '\(check.name)' in \(scope.owner) takes the keys Entra shares between tenants ('\(tenant)') and checks no issuer, so a token any tenant issues for its audience passes",
                        at: range,
                        notes: [Diagnostic.Note("list your tenant's issuer under 'issuers', or require its 'tid' claim; or take the keys of your tenant's own endpoint", at: range)])
                }
                if check.acceptsUnsignedTokens {
                    findings.report(
                        code,
                        scope.literal("require-signed-tokens", of: check) == nil
                            ? "raw '\(check.name)' in \(scope.owner) may take unsigned tokens ('require-signed-tokens' is an expression), so anyone could write one that passes"
                            : "raw '\(check.name)' in \(scope.owner) takes unsigned tokens, so anyone can write one that passes",
                        at: range,
                        notes: [Diagnostic.Note("remove 'require-signed-tokens', which is true when left out", at: range)])
                } else {
                    // An empty 'required-claims' requires nothing either.
                    let claims = check.requiredClaims
                    let grants = claims.contains { $0.grantsAPermission(values.byName, callerControlled) }
                    let note = Diagnostic.Note("list the scopes or roles the caller needs, with their values, under 'required-claims'", at: range)
                    // 'client-application-ids' takes tokens issued to the applications it
                    // lists alone, whatever the token lets their users do.
                    // A check that names its audience lets in what its issuers sign for this
                    // API alone (audit V69: the message said any token they sign).
                    let namesItsAudience =
                        check.elements.contains { $0.name == "audiences" && $0.elements.contains { $0.holdsAValue(values.byName, callerControlled) } }
                        || claims.contains { $0.claimName(values.byName) == "aud" && $0.holdsAValue(values.byName, callerControlled) }
                    let passes =
                        check.name == "validate-azure-ad-token" && check.elements.contains { $0.name == "client-application-ids" && !$0.elements.isEmpty }
                        ? "any token issued to the client applications it lists passes, whatever scopes or roles it holds"
                        : namesItsAudience ? "any token its issuers sign for its audience passes, whatever scopes or roles it holds" : "any token its issuers sign passes"
                    if grants || Self.everyRouteIsAuthorizedPast(check, inScope: scopeIndex, scope, context, &authorizations) {
                        // Authorized here, or authenticated here and authorized route by route.
                    } else if claims.isEmpty {
                        findings.report(code, "raw '\(check.name)' in \(scope.owner) requires no claim, so \(passes)", at: range, notes: [note])
                    } else {
                        let named = claims.map { "'\($0.attribute("name")?.value.written ?? "")'" }.joined(separator: ", ")
                        findings.report(
                            code,
                            "raw '\(check.name)' in \(scope.owner) requires only claims that grant no permission (\(named): the token's own facts, its holder's profile, or a claim with no value), so \(passes)",
                            at: range, notes: [note])
                    }
                }
            }
            // Tokens taken long after they expire: longer than a token's judgment may be kept.
            for check in scope.elements(named: Self.jwtChecks) {
                guard let written = check.attribute("clock-skew") else { continue }
                let seconds: Int? = if case .text(let text) = written.value { values.resolved(text).flatMap { Int($0.trimmingWhitespace) } } else { nil }
                if let seconds, seconds <= maximumSkew { continue }
                let range = scope.document.range(written.valueSpan)
                findings.report(
                    code,
                    seconds.map { "raw 'validate-jwt' in \(scope.owner) takes tokens \(DurationText.format($0)) after they expire ('clock-skew'), longer than the \(DurationText.format(maximumSkew)) a token's check may be kept" }
                        ?? "raw 'validate-jwt' in \(scope.owner) may take tokens long after they expire ('clock-skew' is not a number of seconds written out)",
                    at: range,
                    notes: [Diagnostic.Note("write a 'clock-skew' of at most \(maximumSkew) seconds ('guardrails.maxTokenCacheTtl'), or leave it out: it is 0 when left out", at: range)]
                        + values.notes(for: written.value.written))
            }
            // A token without an expiry, once leaked, passes for ever.
            for check in scope.elements(named: Self.jwtChecks) {
                guard let written = check.attribute("require-expiration-time"),
                    AttributeValue.boolean(written.value.written) != true, written.value.written.filter({ !$0.isWhitespace }).lowercased() != "@(true)"
                else { continue }
                let range = scope.document.range(check.nameSpan)
                findings.report(
                    code, "raw 'validate-jwt' in \(scope.owner) may take tokens that never expire ('require-expiration-time'), so one once leaked keeps passing",
                    at: range, notes: [Diagnostic.Note("remove 'require-expiration-time', which is true when left out", at: range)])
            }
            for check in scope.elements(named: Self.certificateChecks) {
                // A stolen certificate, once revoked or expired, keeps passing (audit V91).
                let skipped = check.certificateChecksSkipped(values.byName)
                if let first = skipped.first {
                    let range = scope.document.range(first.attribute.valueSpan)
                    findings.report(
                        code,
                        "raw '\(check.name)' in \(scope.owner) takes \(DisplayText.list(skipped.map(\.passes), joinedBy: "or")) certificates ("
                            + skipped.map { "'\($0.attribute.name)'" }.joined(separator: ", ") + ")",
                        at: range,
                        notes: [Diagnostic.Note("remove " + DisplayText.list(skipped.map { "'\($0.attribute.name)'" }) + ", true when left out", at: range)])
                }
                guard let gap = check.certificateCheckGap(values.byName) else { continue }
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
                case .anyTrustedCertificate:
                    let range = scope.document.range(check.nameSpan)
                    findings.report(
                        code,
                        "raw '\(check.name)' in \(scope.owner) names no identity, so any certificate an authority the gateway trusts issued passes",
                        at: range,
                        notes: [Diagnostic.Note("list the certificates to accept under 'identities', each by its 'thumbprint', its issuer's or its 'subject' and 'issuer-subject'", at: range)])
                }
            }
        }
    }
}

extension PolicyXMLElement {
    /// Claims that say what the token is, not what its holder may do: who it is for and
    /// who issued it, its times, version, type, tenant and how its holder signed in.
    private static let tokenFacts: Set<String> = [
        "aud", "iss", "exp", "nbf", "iat", "ver", "typ", "tid", "idp", "nonce", "auth_time", "amr", "acr", "sid", "uti", "rh", "aio",
    ]

    /// The `claim`s of a token check's `required-claims` (an empty list requires nothing).
    var requiredClaims: [PolicyXMLElement] {
        elements.filter { $0.name == "required-claims" }.flatMap { $0.elements.filter { $0.name == "claim" } }
    }

    /// The values a `claim` of `required-claims` asks for, as APIM compares them: named
    /// values put in, an expression of nothing but strings read as the text it makes (audit
    /// V83: `@("orders.read")` passed LP003); nil for a value that may be anything.
    func claimValues(_ names: KnownNamedValues) -> [String?] {
        elements.filter { $0.name == "value" }.map { value in
            guard let written = value.textValue, let text = RawScope.constant(written) else { return nil }
            return names.resolved(text)?.trimmingWhitespace
        }
    }

    /// Whether a `claim` of `required-claims` narrows who may call: it names something
    /// other than a fact of the token and requires a value of it that the caller does not
    /// choose, read with the named values `values` and the variables the caller writes (a
    /// claim without a value only needs to be present).
    func grantsAPermission(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> Bool {
        guard let name = claimName(values) else { return true }
        return !Self.tokenFacts.contains(name.lowercased()) && !IdentityProvider.profileClaims.contains(name.lowercased()) && holdsAValue(values, callerControlled)
    }
}
