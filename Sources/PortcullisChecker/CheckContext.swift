import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

/// What rules look at: the resolved project, the routes they judge, where the secret
/// text is, and the lookups several rules share.
public struct CheckContext: Sendable {
    public let project: ResolvedProject
    public let secrets: SecretLiterals
    public let scopes: [String: ScopeDeclaration]
    /// The access level of each declared scope, for rules that look it up per route.
    let accessLevels: [String: AccessLevel]
    public let providers: [String: IdentityProvider]
    let judged: JudgedRoutes
    /// Raw policy documents, with the routes each applies to.
    public let rawScopes: [RawScope]
    /// What raw statements enforce on every request of a route.
    let rawEnforcement: RawEnforcement
    /// The gateway's named values whose values are written out, which raw policies read
    /// through `{{name}}`: rules judge what APIM will read, not the reference.
    let namedValues: KnownNamedValues

    /// `credentials` are the credential-like literals the front end found (see
    /// ``SecretLiterals/init(project:credentials:)``).
    public init(project: ResolvedProject, credentials: [SourceRange] = []) {
        self.project = project
        let namedValues = KnownNamedValues(project)
        self.namedValues = namedValues
        // Judging the routes touches every route, one after the other, and the raw scopes
        // file the judged routes under each raw document; the secrets and lookups read only
        // the gateway, the backends and the raw policies. Both are made at once, so neither
        // waits for the other on one core.
        let ((judged, rawScopes), lookups) = ParallelMap.both(
            {
                let judged = JudgedRoutes(project)
                return (judged, RawScope.all(in: project, judged: judged.routes))
            }, { Self.lookups(project, credentials: credentials, namedValues: namedValues) })
        self.judged = judged
        self.rawScopes = rawScopes
        (secrets, scopes, accessLevels, providers, rawEnforcement) = lookups
    }

    /// Where the secret text is, the declared scopes, their access levels and the
    /// providers by name, and what raw statements enforce: all of the context but the
    /// judged routes.
    private static func lookups(
        _ project: ResolvedProject, credentials: [SourceRange], namedValues: KnownNamedValues
    ) -> (SecretLiterals, [String: ScopeDeclaration], [String: AccessLevel], [String: IdentityProvider], RawEnforcement) {
        let gateway = project.gateway
        let scopes = Dictionary((gateway?.scopes ?? []).map { ($0.name.value, $0) }) { first, _ in first }
        let providers = Dictionary((gateway?.identityProviders ?? []).map { ($0.name.value, $0) }) { first, _ in first }
        return (
            SecretLiterals(project: project, credentials: credentials), scopes, scopes.mapValues(\.access.value), providers,
            RawEnforcement(project, namedValues: namedValues)
        )
    }

    /// The routes rules judge (see ``JudgedRoutes``).
    public var routes: [EffectiveRoute] { judged.routes }
    /// Those of ``routes`` that write a `cache`, in the same order.
    public var cachingRoutes: [EffectiveRoute] { judged.caching }
    /// ``routes``, each with what it enforces.
    public var plannedRoutes: [(route: EffectiveRoute, plan: EnforcementPlan)] { judged.planned }
    /// Where some rule did not look. A suppression there that silenced nothing is not
    /// reported: the finding it is for may simply not have been made.
    public var unjudged: [SourceRange] { judged.unjudged }

    /// The APIs rules judge: those read without errors. Almost always every API, and then
    /// the project's own array, not a copy of each API.
    public var apis: [API] { project.apis.contains(where: \.hasErrors) ? project.apis.filter { !$0.hasErrors } : project.apis }

    /// The guardrails rules compare with: the language's when none are written, nil when
    /// they had errors.
    public var guardrails: Guardrails? { Self.read(project.gateway?.guardrails, absent: Guardrails()) }

    /// The gateway's defaults: empty when none are written, nil when they had errors.
    public var defaults: Defaults? { Self.read(project.gateway?.defaults, absent: Defaults()) }

    /// The gateway's Redis section; a rule about Redis judges only a `.present` one.
    public var redis: Section<Redis> { project.gateway?.redis ?? .absent }

    private static func read<Value>(_ section: Section<Value>?, absent: Value) -> Value? {
        switch section ?? .absent {
        case .absent: absent
        case .present(let value): value
        case .broken: nil
        }
    }

    /// The identity provider a route's token is checked by, if it was read without errors.
    public func provider(of route: EffectiveRoute) -> IdentityProvider? {
        guard case .provider(let name) = route.auth.value, let provider = providers[name], !provider.hasErrors else {
            return nil
        }
        return provider
    }

    public func api(of route: EffectiveRoute) -> API { project.apis[route.apiIndex] }

    /// A raw statement of `kind` that every request of `route` runs, if there is one
    /// (see ``RawEnforcement``): how messages name its policy, and its name.
    func rawStatement(_ kind: RawEnforcement.Kind, on route: EffectiveRoute) -> (owner: String, name: String)? {
        rawEnforcement.statement(kind, on: route)
    }

    /// A raw token check that every request of `route` runs, among those `picks` picks (see
    /// ``RawEnforcement/tokenCheck(on:where:)``).
    func rawTokenCheck(on route: EffectiveRoute, where picks: (PolicyXMLElement) -> Bool) -> (owner: String, name: String)? {
        rawEnforcement.tokenCheck(on: route, where: picks)
    }

    /// Whether a raw token or certificate check that lets no caller through runs on every
    /// request of `route`, as LP001 reads the policies: a route without `auth` is then no
    /// public route (`diff` says so of a route added).
    public func checksTokensInRawPolicies(on route: EffectiveRoute) -> Bool {
        rawStatement(.tokenCheck, on: route) != nil
    }

    /// Whether a raw `ip-filter` runs on every request of `route` (`diff` weighs a route
    /// moved away from its API's).
    public func filtersAddressesInRawPolicies(on route: EffectiveRoute) -> Bool {
        rawStatement(.ipFilter, on: route) != nil
    }

    /// The raw IP filters, token and header checks on every request of `route` (see
    /// ``RawEnforcement/gates(on:)``).
    public func rawGates(on route: EffectiveRoute) -> [RawGate] {
        rawEnforcement.gates(on: route)
    }

    /// What changes the operation `route`'s requests ask of its backend, in order (see
    /// ``RawEnforcement/requestRewrites(on:)``): `diff` weighs a route that reaches another.
    public func requestRewrites(on route: EffectiveRoute) -> [RequestRewrite] {
        rawEnforcement.requestRewrites(on: route)
    }

    /// Whether a raw `return-response` or `mock-response` answers every request of `route`,
    /// so its backend is never called (`diff` weighs one removed as a `respond` removed).
    public func answersEveryRequestInRawPolicies(on route: EffectiveRoute) -> Bool {
        rawEnforcement.answersEveryRequest(on: route)
    }

    /// A raw statement of `kind` before `route`'s token check, generated or raw, at any depth
    /// (see ``RawEnforcement/statementBeforeAnyTokenCheck(_:on:)``).
    func rawStatementBeforeAnyTokenCheck(
        _ kind: RawEnforcement.Kind, on route: EffectiveRoute
    ) -> (owner: String, name: String, afterATokenCheck: Bool)? {
        rawEnforcement.statementBeforeAnyTokenCheck(kind, on: route)
    }

    /// What puts credentials where `route`'s raw token check reads them before it runs
    /// (see ``RawEnforcement/credentialsPlacedBeforeTokenCheck(on:)``).
    func credentialsPlacedBeforeTokenCheck(on route: EffectiveRoute) -> RawEnforcement.CredentialsPlaced? {
        rawEnforcement.credentialsPlacedBeforeTokenCheck(on: route)
    }

    /// A raw call to another service before `route`'s first raw limit (see
    /// ``RawEnforcement/callBeforeRawLimit(on:)``).
    func rawCallBeforeRawLimit(on route: EffectiveRoute) -> (owner: String, name: String)? {
        rawEnforcement.callBeforeRawLimit(on: route)
    }

    /// A raw statement of `kind` that runs before the statements generated for `route`
    /// (see ``RawEnforcement/statementBeforeGenerated(_:on:)``).
    func rawStatementBeforeGenerated(_ kind: RawEnforcement.Kind, on route: EffectiveRoute) -> (owner: String, name: String)? {
        rawEnforcement.statementBeforeGenerated(kind, on: route)
    }

    /// A raw check in `route`'s own policy that its cache lookup comes before (see
    /// ``RawEnforcement/ownGateAfterGenerated(on:)``).
    func rawGateAfterCacheLookup(on route: EffectiveRoute) -> String? {
        rawEnforcement.ownGateAfterGenerated(on: route)
    }

    /// A raw statement in `route`'s `on-error` that serves a caller whose token check failed
    /// (see ``RawEnforcement/onErrorBypass(on:)``).
    func rawOnErrorBypass(on route: EffectiveRoute) -> (owner: String, name: String)? {
        rawEnforcement.onErrorBypass(on: route)
    }

    /// Where the first token check of each of `route`'s audiences (those whose requests
    /// run `scope`'s statements, in `inbound` or not, where it is given) reads its callers'
    /// credentials, and whether it requires their own `Authorization` (see
    /// ``RawEnforcement/callersCredentials(on:meeting:inInbound:)``).
    func callersCredentials(on route: EffectiveRoute, meeting scope: RawScope? = nil, inInbound: Bool = true) -> Set<RawEnforcement.CallersCredentials> {
        rawEnforcement.callersCredentials(on: route, meeting: scope, inInbound: inInbound)
    }

    /// The policy variables whose value the caller may choose.
    var callerControlledVariables: CallerControlledVariables { rawEnforcement.callerControlledVariables }

    /// Where these raw checks read credentials; nil for none.
    func credentialPlaces(of checks: [PolicyXMLElement]) -> Set<CredentialPlace>? {
        checks.isEmpty ? nil : rawEnforcement.credentialPlaces(of: checks)
    }

    /// A raw statement that sends `route`'s request on as a write: a `set-method` in
    /// `inbound`, or a copy of the request sent with a write method from any section (see
    /// ``RawEnforcement/writeCopyAfterInbound(on:)``). LP003 and LP007 ask it.
    func rawWriteSetter(on route: EffectiveRoute) -> (owner: String, name: String)? {
        guard !rawScopes.isEmpty else { return nil }
        return rawEnforcement.statementInInbound(.writeMethodSet, on: route) ?? rawEnforcement.writeCopyAfterInbound(on: route)
    }

    /// The access level of a declared scope.
    public func access(of scope: String) -> AccessLevel? { accessLevels[scope] }

    /// A note pointing at a scope's declaration, when there is one.
    public func declarationNote(of scope: String) -> [Diagnostic.Note] {
        guard let declaration = scopes[scope] else { return [] }
        return [Diagnostic.Note("'\(scope)' is declared with access '\(declaration.access.value.rawValue)' here", at: declaration.name.range)]
    }

    /// Where a finding about an effective value points: at the value when the route sets
    /// it, else at the route, with a note at the place the value was inherited from.
    public func location<Value>(
        of value: Inherited<Value>, on route: EffectiveRoute, what: String
    ) -> (range: SourceRange, notes: [Diagnostic.Note]) {
        switch value.origin {
        case .route:
            return (value.range, [])
        case .api:
            return (route.written.id.range, [Diagnostic.Note("\(what) inherited from API '\(api(of: route).name.value)' here", at: value.range)])
        case .gatewayDefaults:
            return (route.written.id.range, [Diagnostic.Note("\(what) inherited from the gateway's 'defaults' here", at: value.range)])
        case .unset:
            return (route.written.id.range, [])
        }
    }
}

/// The gateway's named values' known values, to judge raw attributes written as
/// `{{name}}`: APIM puts the values in before the policy runs.
struct KnownNamedValues: Sendable {
    /// Each plain named value's value, by name in any case, as APIM finds it.
    let byName: NamedValueTable
    /// Where each value is written: in the gateway's file, or in an environment's that
    /// overrides it.
    private let places: [String: SourceRange]

    init(_ project: ResolvedProject) {
        let namedValues = project.gateway?.namedValues ?? []
        byName = NamedValueTable(project.gateway?.plainNamedValues ?? [:])
        places = Dictionary(namedValues.map { (Grammar.caseFolded($0.name.value), $0.value.range) }) { first, _ in first }
    }

    /// Notes pointing at the values of the named values `text` references, for a finding
    /// about what they make of it: a reviewer reading `{{ttl}}` sees no number. The
    /// values are not quoted; a credential-like one is reported (and masked) where written.
    func notes(for text: String) -> [Diagnostic.Note] {
        guard text.holds("{{") else { return [] }
        return NamedValues.references(in: text).compactMap { name in
            places[Grammar.caseFolded(name)].map { Diagnostic.Note("named value '\(name)' is set here", at: $0) }
        }
    }

    /// `text` with its references replaced, or nil when some value is not known.
    func resolved(_ text: String) -> String? {
        guard text.holds("{{") else { return text }
        let substituted = NamedValues.substitute(text, byName)
        return substituted.complete ? substituted.text : nil
    }

    /// The first characters of `text` once its references are replaced, past those APIM
    /// ignores, enough for a URL's scheme; nil when a value not known comes first. Only so
    /// much is put together: a value repeated many times would make the whole text huge.
    func resolvedStart(of text: String) -> String? {
        guard text.holds("{{") else { return text }
        let start = NamedValues.start(of: text, byName, length: 16)
        return start.complete ? start.text : nil
    }

    /// `text` with the references whose values are known replaced, the others (a secret's)
    /// kept as written.
    func partlyResolved(_ text: String) -> String {
        NamedValues.partlyResolved(text, byName)
    }
}
