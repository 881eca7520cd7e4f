import PortcullisDiagnostics
import PortcullisSyntax

/// A `kind: Environment` document: the values one deployment (dev, test, prod) sets
/// differently from the definitions as written.
///
/// The overrides are kept as YAML, in the shape of the documents they change, and are laid
/// over those documents before they are decoded; so every overriding value is checked by
/// the same decoder and rules as any other, and is located in the environment's file.
public struct Environment: Sendable {
    public var name: Located<String>
    /// Where the document's `kind` is written.
    public var kindRange: SourceRange
    /// The whole document.
    public var extent: SourceRange
    /// Overrides of the Gateway document, already limited to what may differ.
    public var gateway: YAMLNode?
    /// Overrides of API documents by API name; route overrides are keyed by route id.
    public var apis: [String: Target] = [:]
    /// Overrides of Product documents by product name.
    public var products: [String: Target] = [:]
    /// Overrides of Backend documents by backend name.
    public var backends: [String: Target] = [:]

    /// The overrides of one named document.
    public struct Target: Sendable {
        public var name: Located<String>
        public var overrides: YAMLNode
    }

    /// Where the overrides of each route are written, by `API/route` without case: a
    /// finding there is that route's (`diff` tells findings apart by their route).
    public var routeOverrides: [(route: String, extent: SourceRange)] {
        apis.values.flatMap { target -> [(route: String, extent: SourceRange)] in
            guard case .mapping(let entries) = target.overrides.content,
                case .mapping(let routes)? = entries.first(where: { $0.key == "routes" })?.value.content
            else { return [] }
            return routes.map { ("\(target.name.value)/\($0.key)".lowercased(), SourceRange(file: $0.keyRange.file, start: $0.keyRange.start, end: $0.value.extent.end)) }
        }
    }

    /// Whether the environment changes the document with this kind and name.
    public func overrides(_ key: DocumentKey) -> Bool {
        switch key {
        case .gateway: gateway != nil
        case .api(let name): apis[name] != nil
        case .product(let name): products[name] != nil
        case .backend(let name): backends[name] != nil
        }
    }
}

/// Which document a definition came from, as environments address them: the one gateway,
/// or an API, product or backend by name.
public enum DocumentKey: Hashable, Sendable {
    case gateway
    case api(String)
    case product(String)
    case backend(String)
}

/// What an environment may change, as a tree in the shape of the documents: the one place
/// that says which values may differ between deployments. Everything else — routes,
/// their methods, paths and the scopes they require, auth settings, guardrails — is what
/// the code is, and must be the same everywhere.
indirect enum OverrideShape: Sendable {
    /// A value replaced as a whole: a scalar, a list, a limit.
    case replaced
    /// A named value: its value, written alone or under `value`. An override replaces the
    /// value and keeps the display name and tags the definitions give it.
    case namedValue
    /// A value replaced as a whole that holds secret material: a secret declaration, a
    /// client secret, Redis's connection. Only a variant that lays it over the gateway
    /// reads it as a secret, so the decoder marks its literals for every report to mask.
    case secret
    /// A mapping with the language's field names: `Allowed` lists what may be overridden,
    /// `Base` every field of the mapping, so a field outside `Allowed` is known to be fixed
    /// rather than misspelt. Fields not in `children` are replaced.
    case fields(allowed: any FieldSet.Type, base: [any FieldSet.Type], children: [String: OverrideShape])
    /// A mapping whose keys name declarations (providers, named values, APIs), each a name
    /// of the given form.
    case named(NameForm, OverrideShape)
    /// An API's `routes`: a list in the API document, a mapping by route id in the environment.
    case routes(OverrideShape)

    /// A named value's override written as a mapping: its `value` alone.
    static let namedValueInLongForm = OverrideShape.fields(allowed: NamedValueOverrideField.self, base: [NamedValueField.self], children: [:])

    static let environment = OverrideShape.fields(
        allowed: EnvironmentField.self, base: [],
        children: ["gateway": gateway, "apis": .named(.resource, api), "products": .named(.resource, product), "backends": .named(.resource, backend)])

    static let gateway = OverrideShape.fields(
        allowed: GatewayOverrideField.self, base: [GatewayField.self],
        children: [
            "identityProviders": .named(
                .name,
                .fields(
                    allowed: ProviderOverrideField.self,
                    base: [JWTProviderField.self, IntrospectionProviderField.self], children: ["clientSecret": .secret])),
            "namedValues": .named(.namedValue, .namedValue),
            "secrets": .named(.namedValue, .secret),
            "redis": .fields(
                allowed: RedisField.self, base: [],
                children: [
                    "connection": .secret,
                    "databases": .fields(allowed: RedisDatabasesField.self, base: [], children: [:]),
                ]),
            "defaults": .fields(allowed: DefaultsOverrideField.self, base: [DefaultsField.self], children: [:]),
            // Which sites' pages may call differs per deployment; whether they may send
            // credentials, and which methods and headers, is what the code is.
            "cors": .fields(allowed: CORSOverrideField.self, base: [CORSField.self], children: [:]),
        ])

    static let api = OverrideShape.fields(
        allowed: APIOverrideField.self, base: [APIField.self],
        children: [
            "routes": .routes(
                .fields(
                    allowed: RouteOverrideField.self, base: [RouteField.self],
                    children: [
                        "cache": .fields(allowed: CacheOverrideField.self, base: [CacheField.self], children: [:])
                    ]))
        ])

    static let product = OverrideShape.fields(allowed: ProductOverrideField.self, base: [ProductField.self], children: [:])

    static let backend = OverrideShape.fields(
        allowed: BackendOverrideField.self, base: [BackendField.self],
        children: [
            "credentials": .fields(allowed: BackendCredentialsOverrideField.self, base: [BackendCredentialsField.self], children: [:])
        ])

    /// Whether an override with this shape takes the place of the value it overrides.
    var replacesWhole: Bool {
        switch self {
        case .replaced, .secret: true
        case .namedValue, .fields, .named, .routes: false
        }
    }

    /// The shape of a field's value within a `.fields` mapping.
    func child(_ key: String) -> OverrideShape {
        if case .fields(_, _, let children) = self { return children[key] ?? .replaced }
        return .replaced
    }
}
