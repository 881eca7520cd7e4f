import PortcullisDiagnostics
import PortcullisSyntax

/// The project's environments, each checked against the definitions it overrides and
/// ready to be laid over their documents.
public struct EnvironmentSet: Sendable {
    /// In name order; overrides of things the definitions do not have are left out.
    public private(set) var environments: [Environment]

    public var isEmpty: Bool { environments.isEmpty }
    public var names: [String] { environments.map(\.name.value) }

    public subscript(name: String) -> Environment? { environments.first { $0.name.value == name } }

    /// Lint checks the whole project once more for each environment (about 0.12 s per
    /// 20,000 routes), so a few kilobytes of environment documents could otherwise make
    /// it run for hours.
    public static let maximumCount = 100

    /// Checks every override against the declarations of the definitions as written: an
    /// environment may change a value, not add an API, route, provider, named value or a
    /// section (Redis, CORS, a route's cache) that is not there.
    /// `backendChoosers` are the named values and secrets, by case-folded name, that may
    /// choose the Backend a raw policy sends requests through (the checker finds them).
    public init(_ definitions: Definitions, backendChoosers: [String: SourceRange] = [:], diagnostics: inout DiagnosticCollector) {
        // The declarations are indexed only for a project that has environments.
        guard !definitions.environments.isEmpty else {
            environments = []
            return
        }
        var seen: [String: SourceRange] = [:]
        var kept: [Environment] = []
        let declared = DeclaredTargets(definitions, backendNamingTemplates: backendChoosers)
        let suggestions = SuggestionBudget()
        for environment in definitions.environments.sorted(by: { $0.kindRange < $1.kindRange }) {
            if let first = seen[environment.name.value] {
                diagnostics.report(
                    .duplicateDefinition, "environment '\(environment.name.value)' is defined twice",
                    at: environment.name.range, notes: [Diagnostic.Note("first defined here", at: first)])
                continue
            }
            if seen.count == Self.maximumCount {
                diagnostics.report(
                    .inputLimit, "more than \(Self.maximumCount) environments are declared", at: environment.name.range,
                    notes: [
                        Diagnostic.Note(
                            "this one and those after it are left out; keep at most \(Self.maximumCount) in one project",
                            at: environment.name.range)
                    ])
                break
            }
            seen[environment.name.value] = environment.name.range
            var checker = OverrideTargets(declared: declared, environment: environment.name.value)
            var checked = environment
            checked.gateway = environment.gateway.flatMap { checker.gateway($0) }
            checked.apis = Self.inWrittenOrder(environment.apis) { checker.api($0) }
            checked.products = Self.inWrittenOrder(environment.products) { checker.product($0) ? $0 : nil }
            checked.backends = Self.inWrittenOrder(environment.backends) { checker.backend($0) }
            checker.diagnostics.suggest(within: suggestions)
            diagnostics.append(contentsOf: checker.diagnostics)
            kept.append(checked)
        }
        environments = kept.sorted { $0.name.value < $1.name.value }
    }

    /// The targets `check` keeps, checked in the order they are written: a dictionary's own
    /// order changes from run to run, and the order of the findings decides which of them
    /// get a "did you mean" once the run's allowance is spent.
    private static func inWrittenOrder(
        _ targets: [String: Environment.Target], _ check: (Environment.Target) -> Environment.Target?
    ) -> [String: Environment.Target] {
        var kept: [String: Environment.Target] = [:]
        for (name, target) in targets.sorted(by: { $0.value.name.range < $1.value.name.range }) {
            kept[name] = check(target)
        }
        return kept
    }
}

extension Environment {
    /// The document with this environment's overrides laid over it; documents the
    /// environment does not change are returned as they are.
    public func applied(to document: YAMLDocument) -> YAMLDocument {
        guard case .mapping(let entries) = document.root.content,
            let kind = entries.first(where: { $0.key == "kind" })?.value.scalar?.text
        else { return document }
        let name = entries.first { $0.key == "name" }?.value.scalar?.text ?? ""
        let overrides: YAMLNode?
        let shape: OverrideShape
        switch kind {
        case "Gateway": (overrides, shape) = (gateway, .gateway)
        case "API": (overrides, shape) = (apis[name]?.overrides, .api)
        case "Product": (overrides, shape) = (products[name]?.overrides, .product)
        case "Backend": (overrides, shape) = (backends[name]?.overrides, .backend)
        default: return document
        }
        guard let overrides else { return document }
        return YAMLDocument(root: Self.lay(overrides, over: document.root, shape: shape))
    }

    /// Mappings are merged key by key where the shape says so; anything else is replaced,
    /// keeping the overriding entry's own location so findings point at the override.
    static func lay(_ overrides: YAMLNode, over base: YAMLNode, shape: OverrideShape) -> YAMLNode {
        switch shape {
        case .replaced, .secret:
            return overrides
        case .namedValue:
            // The value, written alone or in the long form, takes the place of the `value`
            // of one written as a mapping, which keeps its display name and tags.
            let value = NamedValueField.value.rawValue
            let replacement = if case .mapping(let entries) = overrides.content { entries.first { $0.key == value }?.value } else { overrides }
            guard case .mapping(var entries) = base.content, let replacement,
                let index = entries.firstIndex(where: { $0.key == value })
            else { return overrides }
            entries[index].value = replacement
            return YAMLNode(.mapping(entries), range: base.range)
        case .fields, .named:
            guard case .mapping(var entries) = base.content, case .mapping(let changes) = overrides.content else {
                return base
            }
            // Keys are looked up, not searched: an environment may name thousands of them.
            var indexOf: [String: Int] = [:]
            for (index, entry) in entries.enumerated() where indexOf[entry.key] == nil { indexOf[entry.key] = index }
            for change in changes {
                let inner: OverrideShape = if case .named(_, let named) = shape { named } else { shape.child(change.key) }
                if let index = indexOf[change.key] {
                    if inner.replacesWhole {
                        entries[index] = change
                    } else {
                        entries[index].value = lay(change.value, over: entries[index].value, shape: inner)
                    }
                } else {
                    indexOf[change.key] = entries.count
                    entries.append(change)
                }
            }
            return YAMLNode(.mapping(entries), range: base.range)
        case .routes(let route):
            guard case .sequence(var items) = base.content, case .mapping(let changes) = overrides.content else {
                return base
            }
            let changeOf = Dictionary(changes.map { ($0.key, $0) }) { first, _ in first }
            for index in items.indices {
                guard case .mapping(let fields) = items[index].content,
                    let id = fields.first(where: { $0.key == "id" })?.value.scalar?.text,
                    let change = changeOf[id]
                else { continue }
                items[index] = lay(change.value, over: items[index], shape: route)
            }
            return YAMLNode(.sequence(items), range: base.range)
        }
    }
}

/// What the definitions declare that environments may override, indexed once for every
/// environment.
private struct DeclaredTargets {
    let gateway: Gateway?
    /// The first API of each name (a second one is RF002).
    let apis: [String: API]
    let apiNames: Set<String>
    let undecodedAPINames: Set<String>
    let productNames: Set<String>
    /// The first backend of each name (a second one is RF002).
    let backends: [String: Backend]
    /// Backends declared, with errors or without.
    let backendNames: Set<String>
    /// False when some input was not read to its end: a name it may declare is not unknown.
    let complete: Bool
    /// The named values and secrets that may choose the Backend a raw policy sends requests
    /// through, by case-folded name as APIM matches them, each with the first place it is
    /// written.
    let backendNamingTemplates: [String: SourceRange]

    init(_ definitions: Definitions, backendNamingTemplates: [String: SourceRange]) {
        complete = definitions.complete
        self.backendNamingTemplates = backendNamingTemplates
        gateway = definitions.gateways.min { $0.kindRange < $1.kindRange }
        apis = Dictionary(definitions.apis.map { ($0.name.value, $0) }) { first, _ in first }
        apiNames = Set(apis.keys)
        undecodedAPINames = definitions.undecodedAPINames
        productNames = Set(definitions.products.map(\.name.value))
        backends = Dictionary(definitions.backends.map { ($0.name.value, $0) }) { first, _ in first }
        backendNames = Set(backends.keys).union(definitions.undecodedBackendNames)
    }
}

/// Checks that what an environment overrides exists in the definitions, and leaves out
/// what does not.
private struct OverrideTargets {
    let declared: DeclaredTargets
    let environment: String
    var diagnostics = DiagnosticCollector()

    mutating func gateway(_ overrides: YAMLNode) -> YAMLNode? {
        guard let gateway = declared.gateway,
            case .mapping(let entries) = overrides.content
        else { return nil }
        let names = gateway.declared
        let kept = entries.compactMap { entry -> YAMLEntry? in
            switch entry.key {
            case "identityProviders": named(entry, "identity provider", among: names.providers)
            case "namedValues":
                named(entry, "named value", among: names.namedValues).flatMap {
                    keepingBackends($0, "named value", declared: gateway.namedValues.map { ($0.name.value, $0.value.value) }, valueField: NamedValueField.value.rawValue)
                }
            case "secrets":
                named(entry, "secret", among: names.secrets).flatMap {
                    let uris = gateway.secrets.map { secret -> (String, String?) in
                        if case .keyVault(let uri) = secret.source { (secret.name.value, uri.value) } else { (secret.name.value, nil) }
                    }
                    return keepingBackends($0, "secret", declared: uris, valueField: SecretDeclarationField.keyVault.rawValue)
                }
            case "redis": section(entry, present: !gateway.redis.isAbsent, in: "the gateway")
            case "cors": section(entry, present: !gateway.cors.isAbsent, in: "the gateway")
            default: entry
            }
        }
        return YAMLNode(.mapping(kept), range: overrides.range)
    }

    mutating func api(_ target: Environment.Target) -> Environment.Target? {
        guard let api = declared.apis[target.name.value] else {
            if declared.complete, !declared.undecodedAPINames.contains(target.name.value) {
                Resolver.unknown(
                    "API", target.name, among: declared.apiNames,
                    hint: "an environment overrides APIs the definitions declare", into: &diagnostics)
            }
            return nil
        }
        guard case .mapping(let entries) = target.overrides.content else { return target }
        let kept = entries.compactMap { entry -> YAMLEntry? in
            if entry.key == "backend" { return backend(entry, replacing: api.backend, of: "API '\(api.name.value)'") }
            guard entry.key == "routes", case .mapping(let routes) = entry.value.content else { return entry }
            let routesByID = Dictionary(api.routes.map { ($0.id.value, $0) }) { first, _ in first }
            let routeIDs = Set(routesByID.keys)
            // A route left out for its errors may be the one an unknown id meant.
            let mayMissRoutes = api.hasErrors || api.leftOutRoutes || api.routes.contains(where: \.hasErrors)
            let keptRoutes = routes.compactMap { route(api, routesByID, routeIDs, mayMissRoutes: mayMissRoutes, $0) }
            return YAMLEntry(key: entry.key, keyRange: entry.keyRange, value: YAMLNode(.mapping(keptRoutes), range: entry.value.range))
        }
        return Environment.Target(name: target.name, overrides: YAMLNode(.mapping(kept), range: target.overrides.range))
    }

    private mutating func route(
        _ api: API, _ routesByID: [String: Route], _ routeIDs: Set<String>, mayMissRoutes: Bool, _ entry: YAMLEntry
    ) -> YAMLEntry? {
        guard let route = routesByID[entry.key] else {
            if !mayMissRoutes {
                Resolver.unknown(
                    "route", Located(entry.key, at: entry.keyRange), among: routeIDs,
                    hint: "an environment overrides routes of API '\(api.name.value)' by their 'id'",
                    into: &diagnostics)
            }
            return nil
        }
        guard case .mapping(let fields) = entry.value.content else { return entry }
        let kept = fields.compactMap { field -> YAMLEntry? in
            // Whether a route has its own cache or backend is what the code is.
            switch field.key {
            case "cache": section(field, present: route.cache != nil, in: "route '\(route.id.value)'")
            case "backend":
                route.backend.map { backend(field, replacing: $0, of: "route '\(route.id.value)'") }
                    ?? section(field, present: false, in: "route '\(route.id.value)'")
            default: field
            }
        }
        return YAMLEntry(key: entry.key, keyRange: entry.keyRange, value: YAMLNode(.mapping(kept), range: entry.value.range))
    }

    mutating func product(_ target: Environment.Target) -> Bool {
        if declared.productNames.contains(target.name.value) { return true }
        if declared.complete {
            Resolver.unknown(
                "product", target.name, among: declared.productNames,
                hint: "an environment overrides products the definitions declare", into: &diagnostics)
        }
        return false
    }

    mutating func backend(_ target: Environment.Target) -> Environment.Target? {
        guard declared.backendNames.contains(target.name.value) else {
            if declared.complete {
                Resolver.unknown(
                    "backend", target.name, among: declared.backendNames,
                    hint: "an environment overrides backends the definitions declare", into: &diagnostics)
            }
            return nil
        }
        guard let backend = declared.backends[target.name.value], case .mapping(let entries) = target.overrides.content
        else { return target }
        let credentials = backend.service?.credentials
        let kept = entries.compactMap { entry -> YAMLEntry? in
            switch entry.key {
            case "credentials":
                // Which credentials a backend takes is what the code is; their values are not.
                guard let credentials, case .mapping(let fields) = entry.value.content else {
                    return section(entry, present: credentials != nil, in: "backend '\(target.name.value)'")
                }
                let keptFields = fields.compactMap { field -> YAMLEntry? in
                    let present = field.key == "managedIdentity" ? credentials.managedIdentity != nil : credentials.clientCertificate != nil
                    return section(field, present: present, in: "backend '\(target.name.value)'")
                }
                return YAMLEntry(key: entry.key, keyRange: entry.keyRange, value: YAMLNode(.mapping(keptFields), range: entry.value.range))
            default: return entry
            }
        }
        return Environment.Target(name: target.name, overrides: YAMLNode(.mapping(kept), range: target.overrides.range))
    }

    /// An override of an API's or a route's `backend`, kept when it gives a URL in place of
    /// a URL. A Backend brings its credentials, TLS checks and circuit breaker, which are
    /// what the code is: a URL in its place dropped a managed identity with `lint` at 0,
    /// and another Backend's name would bring another's (found by an audit).
    private mutating func backend(_ entry: YAMLEntry, replacing written: BackendReference, of owner: String) -> YAMLEntry? {
        guard let text = entry.value.scalar?.text else { return entry }
        if case .url = written, !Grammar.isResourceName(text) { return entry }
        diagnostics.report(
            .fixedAcrossEnvironments,
            "environment '\(environment)' changes the backend of \(owner) from '\(written.text.value)' to '\(text)', and which Backend a request goes through is the same in every environment",
            at: entry.value.range,
            notes: [
                Diagnostic.Note(
                    "name one Backend in the definitions, and change its 'url' under 'backends' in the environment's file", at: entry.keyRange)
            ])
        return nil
    }

    /// Overrides of named values or secrets, without those that change the value of one
    /// that may choose a raw policy's Backend: which Backend a request goes through is the same in
    /// every environment, as for an API's `backend`, and `backend-id="{{target}}"` switched
    /// Backends, and so credentials and TLS checks, in one environment alone (found by an
    /// audit). `declared` gives each declaration's value (a secret's Key Vault URI).
    private mutating func keepingBackends(
        _ entry: YAMLEntry, _ what: String, declared values: [(String, String?)], valueField: String
    ) -> YAMLEntry? {
        guard !declared.backendNamingTemplates.isEmpty, case .mapping(let items) = entry.value.content else { return entry }
        let valueOf = Dictionary(values) { first, _ in first }
        let kept = items.filter { item in
            guard let place = declared.backendNamingTemplates[Grammar.caseFolded(item.key)] else { return true }
            let value: YAMLNode? = if case .mapping(let fields) = item.value.content { fields.first { $0.key == valueField }?.value } else { item.value }
            // A named value's mapping without `value` changes only what APIM shows of it.
            if value == nil, valueField == NamedValueField.value.rawValue { return true }
            // A literal secret's value is not known here: any override of it may change it.
            if let declaredValue = valueOf[item.key] ?? nil, value?.scalar?.text == declaredValue { return true }
            diagnostics.report(
                .fixedAcrossEnvironments,
                "environment '\(environment)' changes \(what) '\(item.key)', which may choose the Backend a raw policy sends requests through, and which Backend a request goes through is the same in every environment",
                at: item.value.range,
                notes: [
                    Diagnostic.Note("a raw policy may choose the Backend with '\(item.key)' here", at: place),
                    Diagnostic.Note("name one Backend in the policy, and change its 'url' under 'backends' in the environment's file", at: item.keyRange),
                ])
            return false
        }
        return YAMLEntry(key: entry.key, keyRange: entry.keyRange, value: YAMLNode(.mapping(kept), range: entry.value.range))
    }

    /// Overrides of declarations by name, keeping those of declared names.
    private mutating func named(_ entry: YAMLEntry, _ what: String, among declared: Set<String>) -> YAMLEntry? {
        guard case .mapping(let items) = entry.value.content else { return entry }
        let kept = items.filter { item in
            if declared.contains(item.key) { return true }
            Resolver.unknown(
                what, Located(item.key, at: item.keyRange), among: declared,
                hint: "an environment changes the value of a \(what) the gateway declares; declare it there first",
                into: &diagnostics)
            return false
        }
        return YAMLEntry(key: entry.key, keyRange: entry.keyRange, value: YAMLNode(.mapping(kept), range: entry.value.range))
    }

    /// An override of a section is kept only where the definitions have that section:
    /// adding Redis, CORS or a cache in one environment would change what the code does.
    private mutating func section(_ entry: YAMLEntry, present: Bool, in owner: String) -> YAMLEntry? {
        if present { return entry }
        diagnostics.report(
            .fixedAcrossEnvironments,
            "environment '\(environment)' overrides '\(entry.key)', which \(owner) does not have",
            at: entry.keyRange,
            notes: [Diagnostic.Note("declare '\(entry.key)' in the definitions; an environment may only change its values", at: entry.keyRange)])
        return nil
    }
}
