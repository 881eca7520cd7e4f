import PortcullisDiagnostics
import PortcullisModel

/// What rules look at: the resolved project, with lookups rules share.
public struct CheckContext: Sendable {
    public let project: ResolvedProject
    /// Credential-like literals found anywhere in the inputs (see ``CredentialScanner``).
    public let credentialLiterals: [SourceRange]
    public let scopes: [String: ScopeDeclaration]
    public let providers: [String: IdentityProvider]

    public init(project: ResolvedProject, credentialLiterals: [SourceRange] = []) {
        self.project = project
        self.credentialLiterals = credentialLiterals
        let gateway = project.gateway
        scopes = Dictionary((gateway?.scopes ?? []).map { ($0.name.value, $0) }) { first, _ in first }
        providers = Dictionary((gateway?.identityProviders ?? []).map { ($0.name.value, $0) }) { first, _ in first }
    }

    public var guardrails: Guardrails { project.gateway?.guardrails ?? Guardrails() }

    /// The identity provider a route's token is checked by, if any.
    public func provider(of route: EffectiveRoute) -> IdentityProvider? {
        guard case .provider(let name) = route.auth.value else { return nil }
        return providers[name]
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
        if case .literal(let range)? = project.gateway?.redis?.connection {
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
        Array(Set(credentialLiterals + misplacedLiterals.map(\.range) + plainSecretValues)).sorted()
    }

    /// The access level of a declared scope.
    public func access(of scope: String) -> AccessLevel? { scopes[scope]?.access.value }

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
