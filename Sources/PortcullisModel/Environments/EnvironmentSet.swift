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
    public init(_ definitions: Definitions, diagnostics: inout DiagnosticCollector) {
        var seen: [String: SourceRange] = [:]
        var kept: [Environment] = []
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
            var checker = OverrideTargets(definitions: definitions, environment: environment.name.value)
            var checked = environment
            checked.gateway = environment.gateway.flatMap { checker.gateway($0) }
            checked.apis = environment.apis.compactMap { checker.api($0) }
            checked.products = environment.products.filter { checker.product($0) }
            diagnostics.append(contentsOf: checker.diagnostics)
            kept.append(checked)
        }
        environments = kept.sorted { $0.name.value < $1.name.value }
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
        case "API": (overrides, shape) = (apis.first { $0.name.value == name }?.overrides, .api)
        case "Product": (overrides, shape) = (products.first { $0.name.value == name }?.overrides, .product)
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
        case .fields, .named:
            guard case .mapping(var entries) = base.content, case .mapping(let changes) = overrides.content else {
                return base
            }
            for change in changes {
                let inner: OverrideShape = if case .named(let named) = shape { named } else { shape.child(change.key) }
                if let index = entries.firstIndex(where: { $0.key == change.key }) {
                    if inner.replacesWhole {
                        entries[index] = change
                    } else {
                        entries[index].value = lay(change.value, over: entries[index].value, shape: inner)
                    }
                } else {
                    entries.append(change)
                }
            }
            return YAMLNode(.mapping(entries), range: base.range)
        case .routes(let route):
            guard case .sequence(var items) = base.content, case .mapping(let changes) = overrides.content else {
                return base
            }
            for index in items.indices {
                guard case .mapping(let fields) = items[index].content,
                    let id = fields.first(where: { $0.key == "id" })?.value.scalar?.text,
                    let change = changes.first(where: { $0.key == id })
                else { continue }
                items[index] = lay(change.value, over: items[index], shape: route)
            }
            return YAMLNode(.sequence(items), range: base.range)
        }
    }
}

/// Checks that what an environment overrides exists in the definitions, and leaves out
/// what does not.
private struct OverrideTargets {
    let definitions: Definitions
    let environment: String
    var diagnostics = DiagnosticCollector()

    mutating func gateway(_ overrides: YAMLNode) -> YAMLNode? {
        guard let gateway = definitions.gateways.min(by: { $0.kindRange < $1.kindRange }),
            case .mapping(let entries) = overrides.content
        else { return nil }
        let declared = gateway.declared
        let kept = entries.compactMap { entry -> YAMLEntry? in
            switch entry.key {
            case "identityProviders": named(entry, "identity provider", among: declared.providers)
            case "namedValues": named(entry, "named value", among: declared.namedValues)
            case "secrets": named(entry, "secret", among: declared.secrets)
            case "redis": section(entry, present: !gateway.redis.isAbsent, in: "the gateway")
            case "cors": section(entry, present: !gateway.cors.isAbsent, in: "the gateway")
            default: entry
            }
        }
        return YAMLNode(.mapping(kept), range: overrides.range)
    }

    mutating func api(_ target: Environment.Target) -> Environment.Target? {
        guard let api = definitions.apis.first(where: { $0.name.value == target.name.value }) else {
            if !definitions.undecodedAPINames.contains(target.name.value) {
                Resolver.unknown(
                    "API", target.name, among: Set(definitions.apis.map(\.name.value)),
                    hint: "an environment overrides APIs the definitions declare", into: &diagnostics)
            }
            return nil
        }
        guard case .mapping(let entries) = target.overrides.content else { return target }
        let kept = entries.compactMap { entry -> YAMLEntry? in
            guard entry.key == "routes", case .mapping(let routes) = entry.value.content else { return entry }
            let keptRoutes = routes.compactMap { route(api, $0) }
            return YAMLEntry(key: entry.key, keyRange: entry.keyRange, value: YAMLNode(.mapping(keptRoutes), range: entry.value.range))
        }
        return Environment.Target(name: target.name, overrides: YAMLNode(.mapping(kept), range: target.overrides.range))
    }

    private mutating func route(_ api: API, _ entry: YAMLEntry) -> YAMLEntry? {
        guard let route = api.routes.first(where: { $0.id.value == entry.key }) else {
            // A route left out for its errors may be the one meant.
            if !api.hasErrors && !api.routes.contains(where: \.hasErrors) {
                Resolver.unknown(
                    "route", Located(entry.key, at: entry.keyRange), among: Set(api.routes.map(\.id.value)),
                    hint: "an environment overrides routes of API '\(api.name.value)' by their 'id'", into: &diagnostics)
            }
            return nil
        }
        guard case .mapping(let fields) = entry.value.content else { return entry }
        let kept = fields.compactMap { field -> YAMLEntry? in
            field.key == "cache" ? section(field, present: route.cache != nil, in: "route '\(route.id.value)'") : field
        }
        return YAMLEntry(key: entry.key, keyRange: entry.keyRange, value: YAMLNode(.mapping(kept), range: entry.value.range))
    }

    mutating func product(_ target: Environment.Target) -> Bool {
        if definitions.products.contains(where: { $0.name.value == target.name.value }) { return true }
        Resolver.unknown(
            "product", target.name, among: Set(definitions.products.map(\.name.value)),
            hint: "an environment overrides products the definitions declare", into: &diagnostics)
        return false
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
