import PortcullisDiagnostics
import PortcullisModel

/// What rules look at: the resolved project, with lookups rules share.
public struct CheckContext: Sendable {
    public let project: ResolvedProject
    /// Credential-like literals found anywhere in the inputs (see ``CredentialScanner``).
    public let credentialLiterals: [SourceRange]
    public let scopes: [String: ScopeDeclaration]
    /// The access level of each declared scope, for rules that look it up per route.
    let accessLevels: [String: AccessLevel]
    public let providers: [String: IdentityProvider]
    /// The routes rules judge: those read without errors, in APIs read without errors,
    /// whose identity provider (if any) is declared, and none at all when the gateway's
    /// 'defaults' or 'guardrails' had errors. Judging the others would report
    /// consequences of errors already reported, not findings of their own.
    public let routes: [EffectiveRoute]
    /// ``routes``, each with what it enforces.
    public let plannedRoutes: [(route: EffectiveRoute, plan: EnforcementPlan)]
    /// Where some rule did not look: parts that had errors, broken gateway sections, and
    /// every route some rule skipped. A suppression there that silenced nothing is not
    /// reported: the finding it is for may simply not have been made.
    public let unjudged: [SourceRange]

    public init(project: ResolvedProject, credentialLiterals: [SourceRange] = []) {
        self.project = project
        self.credentialLiterals = credentialLiterals
        let gateway = project.gateway
        scopes = Dictionary((gateway?.scopes ?? []).map { ($0.name.value, $0) }) { first, _ in first }
        accessLevels = scopes.mapValues(\.access.value)
        let providers = Dictionary((gateway?.identityProviders ?? []).map { ($0.name.value, $0) }) { first, _ in first }
        self.providers = providers
        // One pass decides which routes rules judge, and pairs each with its plan.
        let judgesRoutes = gateway?.defaults.brokenRange == nil && gateway?.guardrails.brokenRange == nil
        var routes: [EffectiveRoute] = []
        var plannedRoutes: [(route: EffectiveRoute, plan: EnforcementPlan)] = []
        var skippedRoutes: [EffectiveRoute] = []
        for (route, plan) in zip(project.routes, project.plans) {
            var judged = judgesRoutes && !route.route.hasErrors && !project.apis[route.apiIndex].hasErrors
            if judged, case .provider(let name) = route.auth.value { judged = gateway?.declared.providers.contains(name) ?? false }
            guard judged else {
                skippedRoutes.append(route)
                continue
            }
            routes.append(route)
            if let plan { plannedRoutes.append((route, plan)) }
        }
        self.routes = routes
        self.plannedRoutes = plannedRoutes
        let brokenSections = [
            gateway?.redis.brokenRange, gateway?.cors.brokenRange, gateway?.defaults.brokenRange,
            gateway?.guardrails.brokenRange,
        ].compactMap { $0 }
        // Rules about routes read 'redis' (CA006) and 'cors' (CO001) too.
        let routeRulesSkipped = gateway?.redis.brokenRange != nil || gateway?.cors.brokenRange != nil
        if routeRulesSkipped { skippedRoutes = project.routes }
        unjudged = project.brokenParts + brokenSections + skippedRoutes.map(\.route.extent)
    }

    /// The APIs rules judge: those read without errors.
    public var apis: [API] { project.apis.filter { !$0.hasErrors } }

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



    /// A field that must reference a secret but holds a literal.
    public struct MisplacedLiteral: Sendable {
        /// How messages name the field: "'clientSecret' of provider 'partner'".
        public var field: String
        public var range: SourceRange
    }

    /// Literal values in fields that take a secret reference.
    public var misplacedLiterals: [MisplacedLiteral] {
        var literals: [MisplacedLiteral] = []
        for provider in project.gateway?.identityProviders ?? [] {
            if case .introspection(let details) = provider.details, case .literal(let range) = details.clientSecret {
                literals.append(MisplacedLiteral(field: "'clientSecret' of provider '\(provider.name.value)'", range: range))
            }
        }
        if case .present(let redis)? = project.gateway?.redis, case .literal(let range) = redis.connection {
            literals.append(MisplacedLiteral(field: "'redis.connection'", range: range))
        }
        return literals
    }

    /// The `value` literals of `secrets` entries.
    public var plainSecretValues: [SourceRange] {
        (project.gateway?.secrets ?? []).compactMap {
            if case .literal(let range) = $0.source { range } else { nil }
        }
    }

    /// Every range that holds a secret's text, whatever rules are enabled: reports mask these.
    public var secretRanges: [SourceRange] {
        let inBrokenSections = project.gateway?.secretsInBrokenSections ?? []
        return Array(Set(credentialLiterals + misplacedLiterals.map(\.range) + plainSecretValues + project.unreadSecrets + inBrokenSections)).sorted()
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
            return (route.route.id.range, [Diagnostic.Note("\(what) inherited from API '\(api(of: route).name.value)' here", at: value.range)])
        case .gatewayDefaults:
            return (route.route.id.range, [Diagnostic.Note("\(what) inherited from the gateway's 'defaults' here", at: value.range)])
        case .unset:
            return (route.route.id.range, [])
        }
    }
}
