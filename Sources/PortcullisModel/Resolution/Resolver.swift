import PortcullisDiagnostics
import PortcullisSupport

/// Checks the definitions against each other (RF001-RF005) and computes effective routes.
///
/// Checks that need one API document only (its route ids and paths, ``RouteTable``) run
/// where the document is decoded, in parallel; this type does what needs them all.
///
/// Checks that depend on declarations which could not be read are skipped, so one broken
/// file does not also produce a cascade of "unknown" errors.
public struct Resolver {
    let definitions: Definitions
    /// Where a project-wide error such as a missing gateway points: the first input.
    let projectStart: SourceRange
    var diagnostics = DiagnosticCollector()
    /// See ``ResolvedProject/unreadSecrets``.
    var unreadSecrets: [SourceRange]
    let suggestions = SuggestionBudget()

    init(definitions: Definitions, projectStart: SourceRange) {
        self.definitions = definitions
        self.projectStart = projectStart
        unreadSecrets = definitions.unreadSecrets
    }

    public static func resolve(
        _ definitions: Definitions, projectStart: SourceRange, diagnostics: inout DiagnosticCollector
    ) -> ResolvedProject {
        var resolver = Resolver(definitions: definitions, projectStart: projectStart)
        let project = resolver.run()
        diagnostics.append(contentsOf: resolver.diagnostics)
        return project
    }

    mutating func run() -> ResolvedProject {
        let gateway = checkGateways()
        checkUniqueAPIs()
        checkUniqueProducts()
        checkFragments()
        checkRawReferences(gateway)
        if let gateway {
            checkNamespaces(gateway)
            checkReferences(gateway)
        }
        let (routes, plans) = effectiveRoutes(gateway)
        checkRawConflicts(gateway, routes: routes, plans: plans)
        return ResolvedProject(
            gateway: gateway, apis: definitions.apis, products: definitions.products, fragments: definitions.fragments,
            routes: routes, plans: plans,
            complete: definitions.complete, namesInBrokenParts: definitions.namesInBrokenParts,
            brokenParts: definitions.brokenParts, unreadSecrets: unreadSecrets)
    }

    // MARK: Structure

    private mutating func checkGateways() -> Gateway? {
        let documents = definitions.gatewayDocuments.sorted()
        guard let first = documents.first else {
            if definitions.complete {
                diagnostics.report(
                    .missingGateway, "no Gateway document among the inputs", at: projectStart,
                    notes: [
                        Diagnostic.Note(
                            "a project needs one document with 'kind: Gateway' declaring its identity providers",
                            at: projectStart)
                    ])
            }
            return nil
        }
        for extra in documents.dropFirst() {
            diagnostics.report(
                .duplicateDefinition, "a second Gateway document; a project has exactly one", at: extra,
                notes: [Diagnostic.Note("the first Gateway is here", at: first)])
        }
        return definitions.gateways.min { $0.kindRange < $1.kindRange }
    }

    private mutating func checkUniqueAPIs() {
        var names: [String: SourceRange] = [:]
        var paths: [String: (api: String, range: SourceRange)] = [:]
        for api in definitions.apis.sorted(by: { $0.kindRange < $1.kindRange }) {
            if let first = names[api.name.value] {
                duplicate("API '\(api.name.value)' is defined twice", at: api.name.range, first: first)
            } else {
                names[api.name.value] = api.name.range
            }
            if let first = paths[api.path.value] {
                diagnostics.report(
                    .duplicateAPIPath, "APIs '\(first.api)' and '\(api.name.value)' both use path '\(api.path.value)'",
                    at: api.path.range, notes: [Diagnostic.Note("'\(first.api)' sets the path here", at: first.range)])
            } else {
                paths[api.path.value] = (api.name.value, api.path.range)
            }
        }
    }

    private mutating func checkUniqueProducts() {
        var names: [String: SourceRange] = [:]
        var openProductOfAPI: [String: (product: String, range: SourceRange)] = [:]
        let apiNames = Set(definitions.apis.map(\.name.value))
        for product in definitions.products.sorted(by: { $0.kindRange < $1.kindRange }) {
            if let first = names[product.name.value] {
                duplicate("product '\(product.name.value)' is defined twice", at: product.name.range, first: first)
            } else {
                names[product.name.value] = product.name.range
            }
            var listed: [String: SourceRange] = [:]
            for api in product.apis {
                if let first = listed[api.value] {
                    duplicate(
                        "API '\(api.value)' is listed twice in product '\(product.name.value)'", at: api.range,
                        first: first, note: "first listed here")
                    continue
                }
                listed[api.value] = api.range
                if !product.effectiveSubscriptionRequired {
                    if let first = openProductOfAPI[api.value] {
                        diagnostics.report(
                            .secondOpenProduct,
                            "API '\(api.value)' is in the open products '\(first.product)' and '\(product.name.value)'; APIM allows one",
                            at: api.range, notes: [Diagnostic.Note("'\(first.product)' lists it here", at: first.range)])
                    } else {
                        openProductOfAPI[api.value] = (product.name.value, api.range)
                    }
                }
                if !apiNames.contains(api.value), !definitions.undecodedAPINames.contains(api.value),
                    definitions.complete
                {
                    Self.unknown(
                        "API", api, among: apiNames, hint: "each API is a document with 'kind: API'", budget: suggestions,
                        into: &diagnostics)
                }
            }
        }
    }

    /// Named values and secrets share one namespace: both become APIM named values.
    private mutating func checkNamespaces(_ gateway: Gateway) {
        let secrets = Dictionary(gateway.secrets.map { ($0.name.value, $0.name.range) }) { first, _ in first }
        for value in gateway.namedValues {
            if let secret = secrets[value.name.value] {
                duplicate(
                    "'\(value.name.value)' is declared both as a named value and as a secret", at: value.name.range,
                    first: secret)
            }
        }
    }

    // MARK: References

    private mutating func checkReferences(_ gateway: Gateway) {
        let declared = gateway.declared
        if case .present(let defaults) = gateway.defaults, let auth = defaults.auth {
            Self.checkProvider(auth, declared, suggestions: suggestions, into: &diagnostics)
        }
        for provider in gateway.identityProviders {
            if case .introspection(let details) = provider.details {
                checkSecret(details.clientSecret, declared)
            }
        }
        if case .present(let redis) = gateway.redis { checkSecret(redis.connection, declared) }
        let templateNames = declared.namedValues.union(declared.secrets)
        for reference in definitions.namedValueReferences where !templateNames.contains(reference.value) {
            Self.unknown(
                "named value", reference, among: templateNames,
                hint: "declare it under the gateway's 'namedValues' or 'secrets'", budget: suggestions, into: &diagnostics)
        }
        checkSubstitutedTemplates(gateway)
        // Each API's references are independent of the others'.
        let apis = definitions.apis
        let suggestions = suggestions
        let perAPI = ParallelMap.map(apis.indices) { index in
            var found = DiagnosticCollector()
            Self.checkReferences(of: apis[index], declared, suggestions: suggestions, into: &found)
            return found
        }
        for found in perAPI { diagnostics.append(contentsOf: found) }
    }

    private static func checkReferences(
        of api: API, _ declared: DeclaredNames, suggestions: SuggestionBudget, into diagnostics: inout DiagnosticCollector
    ) {
        if let auth = api.auth { checkProvider(auth, declared, suggestions: suggestions, into: &diagnostics) }
        for index in api.routes.indices {
            if let auth = api.routes[index].auth { checkProvider(auth, declared, suggestions: suggestions, into: &diagnostics) }
            for scope in api.routes[index].permissions.flatMap(\.scopes) where !declared.scopes.contains(scope.value) {
                unknown(
                    "scope", scope, among: declared.scopes, hint: "declare it under the gateway's 'scopes'",
                    budget: suggestions, into: &diagnostics)
            }
        }
    }

    private static func checkProvider(
        _ auth: Located<AuthSetting>, _ declared: DeclaredNames, suggestions: SuggestionBudget,
        into diagnostics: inout DiagnosticCollector
    ) {
        guard case .provider(let name) = auth.value, !declared.providers.contains(name) else { return }
        unknown(
            "identity provider", Located(name, at: auth.range), among: declared.providers,
            hint: "use a provider declared under the gateway's 'identityProviders', or 'none'", budget: suggestions,
            into: &diagnostics)
    }

    /// A name declared nowhere, where a secret belongs, may be the secret itself: it is
    /// neither quoted nor shown.
    private mutating func checkSecret(_ value: SecretValue, _ declared: DeclaredNames) {
        guard case .reference(let name) = value, !declared.secrets.contains(name.value) else { return }
        if declared.namedValues.contains(name.value) {
            let hint = "'\(name.value)' is a plain named value; secrets must be declared under 'secrets' with 'keyVault'"
            Self.unknown("secret", name, among: declared.secrets, hint: hint, budget: suggestions, into: &diagnostics)
        } else {
            unreadSecrets.append(name.range)
            Self.unknown(
                "secret", name, among: declared.secrets, hint: "declare it under the gateway's 'secrets' with its Key Vault URI",
                quoted: false, budget: suggestions, into: &diagnostics)
        }
    }

    static func unknown(
        _ what: String, _ name: Located<String>, among candidates: Set<String>, hint: String, quoted: Bool = true,
        budget: SuggestionBudget, into diagnostics: inout DiagnosticCollector
    ) {
        var notes: [Diagnostic.Note] = []
        if budget.spend(candidates.count), let suggestion = Suggestion.closest(to: name.value, among: candidates) {
            notes.append(Diagnostic.Note("did you mean '\(suggestion)'?", at: name.range))
        }
        notes.append(Diagnostic.Note(hint, at: name.range))
        diagnostics.report(
            .unknownReference, quoted ? "unknown \(what) '\(name.value)'" : "unknown \(what) name", at: name.range, notes: notes)
    }

    private mutating func duplicate(
        _ message: String, at range: SourceRange, first: SourceRange, note: String = "first defined here"
    ) {
        diagnostics.report(.duplicateDefinition, message, at: range, notes: [Diagnostic.Note(note, at: first)])
    }

    // MARK: Effective routes

    /// Every route after inheritance, with its plan, on all cores.
    private func effectiveRoutes(_ gateway: Gateway?) -> ([EffectiveRoute], [EnforcementPlan?]) {
        var productsByAPI: [String: [Int]] = [:]
        for (index, product) in definitions.products.enumerated() {
            for api in product.apis { productsByAPI[api.value, default: []].append(index) }
        }
        // Routes under broken defaults inherit nothing from them; rules do not judge them.
        let defaults: Defaults = if case .present(let read)? = gateway?.defaults { read } else { Defaults() }
        let apis = definitions.apis
        let lookup = productsByAPI
        let planner = gateway.map { EnforcementPlanner(gateway: $0, products: definitions.products) }
        let perAPI = ParallelMap.map(apis.indices) { apiIndex in
            let api = apis[apiIndex]
            let products = lookup[api.name.value] ?? []
            return api.routes.map { route -> (EffectiveRoute, EnforcementPlan?) in
                let auth: Inherited<AuthSetting> =
                    if let own = route.auth {
                        Inherited(value: own.value, origin: .route, range: own.range)
                    } else if let apiAuth = api.auth {
                        Inherited(value: apiAuth.value, origin: .api, range: apiAuth.range)
                    } else if let gatewayAuth = defaults.auth {
                        Inherited(value: gatewayAuth.value, origin: .gatewayDefaults, range: gatewayAuth.range)
                    } else {
                        Inherited(value: .none, origin: .unset, range: route.itemStart)
                    }
                let effective = EffectiveRoute(
                    apiIndex: apiIndex,
                    written: route,
                    auth: auth,
                    rateLimit: Self.inherit(route.rateLimit, api.rateLimit, defaults.rateLimit),
                    quota: Self.inherit(route.quota, api.quota, nil),
                    products: products)
                return (effective, planner?.plan(effective, api: api))
            }
        }
        var routes: [EffectiveRoute] = []
        var plans: [EnforcementPlan?] = []
        routes.reserveCapacity(perAPI.reduce(0) { $0 + $1.count })
        plans.reserveCapacity(routes.capacity)
        for pairs in perAPI {
            for (route, plan) in pairs {
                routes.append(route)
                plans.append(plan)
            }
        }
        return (routes, plans)
    }

    private static func inherit(
        _ route: LimitSetting?, _ api: LimitSetting?, _ gateway: LimitSetting?
    ) -> Inherited<LimitSetting>? {
        if let route { return Inherited(value: route, origin: .route, range: route.range) }
        if let api { return Inherited(value: api, origin: .api, range: api.range) }
        if let gateway { return Inherited(value: gateway, origin: .gatewayDefaults, range: gateway.range) }
        return nil
    }
}
