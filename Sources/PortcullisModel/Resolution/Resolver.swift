import PortcullisDiagnostics
import PortcullisSupport

/// Checks the definitions against each other (RF001-RF005) and computes effective routes.
///
/// Checks that need one API document only (its route ids and paths, ``RouteTable``) run
/// where the document is decoded, in parallel; this type does what needs them all.
///
/// Checks that depend on declarations which could not be read are skipped, so one broken
/// file does not also produce a cascade of "unknown" errors.
public struct Resolver: Sendable {
    let definitions: Definitions
    /// Where a project-wide error such as a missing gateway points: the first input.
    let projectStart: SourceRange
    var diagnostics = DiagnosticCollector()
    /// See ``ResolvedProject/unreadSecrets``.
    var unreadSecrets: [SourceRange]

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
        // Effective routes need only the gateway and the backends; the other checks read
        // every definition but only report. So those checks run on one core while the
        // other cores make each API's routes and plans and check its references, and their
        // findings are joined in the order the checks always had.
        var backendChecks = withoutFindings
        let backends = backendChecks.resolveBackends()
        let backendFindings = backendChecks.diagnostics
        let checks = withoutFindings
        let apis = definitions.apis
        let planning = RoutePlanning(self, gateway: gateway, backends: backends)
        // Each API's routes and plans take the next places of the project's arrays, and the
        // core that makes them puts them there: joined afterwards, every route and plan was
        // retained and released again by a core that had not made it (2 ms of a lint of
        // 20,000 routes, before anything else could run).
        var routeCount = 0
        let firstPlaces = apis.map { api in
            defer { routeCount += api.routes.count }
            return routeCount
        }
        let routePlaces = ParallelMap.Slots<EffectiveRoute>(count: routeCount)
        let planPlaces = ParallelMap.Slots<EnforcementPlan?>(count: routeCount)
        let work = ParallelMap.map(0..<(apis.count + 1)) { item -> ResolutionWork in
            guard item > 0 else { return .checks(checks.runChecks(gateway, backendFindings: backendFindings)) }
            var nextPlace = firstPlaces[item - 1]
            let end = nextPlace + apis[item - 1].routes.count
            let checked = planning.resolve(apis[item - 1], at: item - 1) { route, plan in
                // Past its own places an API would write another's, which that API's work writes.
                precondition(nextPlace < end, "an API makes one effective route per route")
                routePlaces.store(route, at: nextPlace)
                planPlaces.store(plan, at: nextPlace)
                nextPlace += 1
            }
            return .references(checked)
        }
        let routes = routePlaces.values()
        let plans = planPlaces.values()
        var references = DiagnosticCollector()
        var requiredScopes = Set<String>(minimumCapacity: gateway?.scopes.count ?? 0)
        for done in work {
            switch done {
            case .checks(let checked):
                diagnostics.append(contentsOf: checked.diagnostics)
                unreadSecrets = checked.unreadSecrets
            case .references(let checked):
                references.append(contentsOf: checked.findings)
                requiredScopes.formUnion(checked.requiredScopes)
            }
        }
        diagnostics.append(contentsOf: references)
        checkRawConflicts(gateway, routes: routes, plans: plans)
        // Unknown names found in parallel get their "did you mean" here, in the findings' order.
        diagnostics.suggest(within: SuggestionBudget())
        return ResolvedProject(
            gateway: gateway, apis: definitions.apis, products: definitions.products, fragments: definitions.fragments,
            backends: definitions.backends,
            routes: routes, plans: plans,
            complete: definitions.complete, requiredScopes: requiredScopes, namesInBrokenParts: definitions.namesInBrokenParts,
            brokenParts: definitions.brokenParts, unreadSecrets: unreadSecrets)
    }

    /// This resolver with no findings yet, for checks whose findings are joined later.
    private var withoutFindings: Resolver {
        var copy = self
        copy.diagnostics = DiagnosticCollector()
        return copy
    }

    /// What the checks other than the routes' found.
    struct Checked: Sendable {
        var diagnostics: DiagnosticCollector
        var unreadSecrets: [SourceRange]
    }

    /// One item of ``run()``'s parallel work: the checks, or what checking one API's
    /// references found (its routes and plans went into the project's arrays).
    enum ResolutionWork: Sendable {
        case checks(Checked)
        case references(RoutePlanning.CheckedReferences)
    }

    /// Every check but the gateway's, the backends' and the routes', in their order; the
    /// backends' findings, made earlier, go where their check always stood.
    private func runChecks(_ gateway: Gateway?, backendFindings: DiagnosticCollector) -> Checked {
        var checks = self
        checks.checkUniqueAPIs()
        checks.checkRoutesAcrossAPIs(gateway)
        checks.checkUniqueProducts()
        checks.checkFragments()
        checks.checkIncludedStatements()
        let documents = definitions.rawDocuments
        checks.checkRawReferences(gateway, in: documents)
        if let gateway { checks.checkSubstitutedSizes(gateway, in: documents) }
        checks.checkReservedNames(in: documents, values: gateway?.substitutions ?? .empty)
        checks.diagnostics.append(contentsOf: backendFindings)
        checks.checkListsNameOnce()
        checks.checkTagSpellings()
        for api in definitions.apis { OpenAPIMatching.check(api, into: &checks.diagnostics) }
        if let gateway {
            checks.checkNamespaces(gateway)
            checks.checkGatewayResources(gateway)
            checks.checkReferences(gateway)
        }
        return Checked(diagnostics: checks.diagnostics, unreadSecrets: checks.unreadSecrets)
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
                            "a project needs one document with 'kind: Gateway', which names the gateway and declares what its APIs share",
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
        var names = ResourceNames(capacity: definitions.apis.count)
        var paths: [String: (api: String, range: SourceRange, set: String?)] = [:]
        var versions: [String: (api: String, range: SourceRange)] = [:]
        // Indices are sorted, not the APIs: sorting a thousand APIs moves each several times.
        let apis = definitions.apis
        for index in apis.indices.sorted(by: { apis[$0].kindRange < apis[$1].kindRange }) {
            let api = apis[index]
            if let first = names.earlier(api.name) {
                duplicate("API '\(api.name.value)' is defined twice", of: api.name, earlier: first)
            }
            // APIM reads paths without case, as it does routes (audit V45).
            let pathKey = api.path.value.lowercased()
            let set = api.version?.set.value.lowercased()
            if let version = api.version, let set {
                // Set and version names without case too: `/orders/v1` and `/orders/V1` are
                // one URL to APIM (audit V60: one API's checks never ran there).
                let key = set + "\u{0}" + version.name.value.lowercased()
                if let first = versions[key] {
                    duplicate(
                        "APIs '\(first.api)' and '\(api.name.value)' are both version '\(version.name.value)' of version set '\(version.set.value)'",
                        at: version.name.range, first: first.range, note: "'\(first.api)' is that version here")
                    continue  // Their shared path is the same mistake.
                }
                versions[key] = (api.name.value, version.name.range)
            }
            // Only the versions of one set share a path, the version telling them apart: an
            // unversioned API or a second set there leaves which API a request reaches to
            // the gateway, not to the checks (audit V60).
            if let first = paths[pathKey] {
                if set == nil || first.set != set {
                    diagnostics.report(
                        .duplicateAPIPath, "APIs '\(first.api)' and '\(api.name.value)' both use path '\(api.path.value)'",
                        at: api.path.range, notes: [Diagnostic.Note("'\(first.api)' sets the path here", at: first.range)])
                }
            } else {
                paths[pathKey] = (api.name.value, api.path.range, set)
            }
        }
    }

    /// Routes of two APIs whose paths nest (`orders` and `orders/reports`, a segment
    /// version counted) that match the same requests once each API's path is put before
    /// them: the gateway sends such a request to one API only, so the other's checks never
    /// run for it, and `gateway.json` listed both (audit V45). RF003 within one API is
    /// ``RouteTable``'s. Each route is filed once under its whole URL, so the time is the
    /// routes' (the first form compared each API with every API above it: 200 nested APIs
    /// of 100 routes took 6 s, found re-reading the change).
    private mutating func checkRoutesAcrossAPIs(_ gateway: Gateway?) {
        let apis = definitions.apis
        let segmentVersioned = Set((gateway?.versionSets ?? []).filter { $0.scheme.value == .segment }.map(\.name.value))
        // Paths of one segment each, without segment versions, nest in none (the grammar
        // refuses an empty path): most estates are told so by a scan of their bytes.
        guard apis.count > 1, !segmentVersioned.isEmpty || apis.contains(where: { $0.path.value.holds("/") }) else { return }
        let versionSegments = apis.map { api in api.version.flatMap { segmentVersioned.contains($0.set.value) ? [$0.name.value.lowercased()] : nil } ?? [] }
        let bases = apis.indices.map { RouteTable.segments(of: apis[$0].path.value) + versionSegments[$0] }
        var first: [RouteTable.RouteSignature: (api: Int, route: Int)] = [:]
        for api in apis.indices where !apis[api].hasErrors {
            for (index, route) in apis[api].routes.enumerated() {
                let signature = RouteTable.signature(of: route, under: bases[api])
                guard let earlier = first[signature] else {
                    first[signature] = (api, index)
                    continue
                }
                // One API's own routes are RF003's there; under one path, only a version's
                // segment against a path that spells it (the same path alone is RF004, and
                // other versions are told apart by the request).
                guard earlier.api != api, bases[earlier.api] != bases[api] || versionSegments[earlier.api].isEmpty != versionSegments[api].isEmpty else { continue }
                let other = apis[earlier.api].routes[earlier.route]
                let written = [apis[api].path.value] + (versionSegments[api].isEmpty ? [] : apis[api].version.map { [$0.name.value] } ?? []) + [route.path.value.text]
                let url = "/" + written.flatMap { $0.split(separator: "/") }.joined(separator: "/")
                diagnostics.report(
                    .duplicateRoute,
                    "route '\(route.id.value)' of API '\(apis[api].name.value)' and route '\(other.id.value)' of API '\(apis[earlier.api].name.value)' both match \(route.method.value.rawValue) '\(url)'",
                    at: route.path.range,
                    notes: [
                        Diagnostic.Note("'\(other.id.value)' is declared here; the gateway sends such a request to one API only, so the other's checks never run for it", at: other.path.range)
                    ])
            }
        }
    }

    private mutating func checkUniqueProducts() {
        var names = ResourceNames()
        var openProductOfAPI: [String: (product: String, range: SourceRange)] = [:]
        let apiNames = Set(definitions.apis.map(\.name.value))
        for product in definitions.products.sorted(by: { $0.kindRange < $1.kindRange }) {
            if let first = names.earlier(product.name) {
                duplicate("product '\(product.name.value)' is defined twice", of: product.name, earlier: first)
            }
            var listed = ResourceNames()
            for api in product.apis {
                if let first = listed.earlier(api) {
                    duplicate(
                        "API '\(api.value)' is listed twice in product '\(product.name.value)'", of: api, earlier: first,
                        note: "first listed here")
                    continue
                }
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
                        "API", api, among: apiNames, hint: "each API is a document with 'kind: API'",
                        into: &diagnostics)
                }
            }
        }
    }

    /// Checks backend names, pools and the APIs' references to backends; returns each
    /// backend, first of its name, with its pool's members.
    private mutating func resolveBackends() -> [String: ResolvedBackend] {
        var byName: [String: Backend] = [:]
        var declared = ResourceNames()
        for backend in definitions.backends.sorted(by: { $0.kindRange < $1.kindRange }) {
            if let first = declared.earlier(backend.name) {
                duplicate("backend '\(backend.name.value)' is defined twice", of: backend.name, earlier: first)
            }
            // A name differing only in case is still found by its own spelling: one
            // mistake, one error.
            if byName[backend.name.value] == nil { byName[backend.name.value] = backend }
        }
        let names = Set(byName.keys)
        var resolved: [String: ResolvedBackend] = [:]
        // In the order written, not the dictionary's, which changes from run to run: the order
        // of the findings decides which get a "did you mean" once the allowance is spent.
        for backend in byName.values.sorted(by: { $0.kindRange < $1.kindRange }) {
            let name = backend.name.value
            guard case .pool(let members) = backend.target else {
                resolved[name] = ResolvedBackend(backend: backend, members: [])
                continue
            }
            var listed = ResourceNames()
            var found: [(member: Backend.PoolMember, backend: Backend)] = []
            for member in members {
                if let first = listed.earlier(member.backend) {
                    duplicate(
                        "backend '\(member.backend.value)' is listed twice in pool '\(name)'", of: member.backend, earlier: first,
                        note: "first listed here")
                    continue
                }
                guard let target = byName[member.backend.value] else {
                    unknownBackend(member.backend, among: names, hint: "a pool's members are backends declared with 'kind: Backend'")
                    continue
                }
                if target.isPool {
                    diagnostics.report(
                        .invalidValue, "pool '\(name)' lists '\(member.backend.value)', which is a pool", at: member.backend.range,
                        notes: [Diagnostic.Note("a pool's members are single backends, each with a 'url'", at: target.name.range)])
                    continue
                }
                found.append((member, target))
            }
            let identities = found.map { $0.backend.service?.credentials?.managedIdentity }
            if let differing = identities.firstIndex(where: { $0 != identities.first ?? nil }) {
                diagnostics.report(
                    .invalidValue,
                    "the members of pool '\(name)' authenticate with different managed identities",
                    at: found[differing].member.backend.range,
                    notes: [
                        Diagnostic.Note(
                            "the gateway sends one token per request whichever member serves it; give every member the same 'managedIdentity' or none",
                            at: found[0].member.backend.range)
                    ])
            }
            resolved[name] = ResolvedBackend(backend: backend, members: found)
        }
        // Read in place, without gathering each API's references into an array: this
        // runs before the routes are made, on one core.
        func check(_ reference: BackendReference?) {
            guard case .named(let name)? = reference, byName[name.value] == nil else { return }
            unknownBackend(
                name, among: names, hint: "each backend is a document with 'kind: Backend'; a URL written here must start with https://")
        }
        for apiIndex in definitions.apis.indices {
            check(definitions.apis[apiIndex].backend)
            let routes = definitions.apis[apiIndex].routes
            for index in routes.indices { check(routes[index].backend) }
        }
        return resolved
    }

    /// Tags and groups each name a link APIM makes once; a name written twice is a slip.
    private mutating func checkListsNameOnce() {
        func once(_ items: [Located<String>], _ what: String, in owner: String) {
            var listed = ResourceNames()
            for item in items {
                if let first = listed.earlier(item) {
                    duplicate("\(what) '\(item.value)' is listed twice in \(owner)", of: item, earlier: first, note: "first listed here")
                }
            }
        }
        for api in definitions.apis { once(api.tags, "tag", in: "API '\(api.name.value)'") }
        for product in definitions.products {
            once(product.tags, "tag", in: "product '\(product.name.value)'")
            once(product.groups, "group", in: "product '\(product.name.value)'")
        }
        for gateway in definitions.gateways {
            for value in gateway.namedValues { once(value.tags, "tag", in: "named value '\(value.name.value)'") }
            for secret in gateway.secrets { once(secret.tags, "tag", in: "secret '\(secret.name.value)'") }
        }
    }

    /// The bundle makes one tag of every spelling on APIs and products; APIM ignores case,
    /// so two spellings would be two folders for one tag. A second spelling in one list is
    /// already a tag listed twice.
    private mutating func checkTagSpellings() {
        func firstOfEach(_ tags: [Located<String>]) -> [Located<String>] {
            var listed = ResourceNames()
            return tags.filter { listed.earlier($0) == nil }
        }
        let tags = definitions.apis.flatMap { firstOfEach($0.tags) } + definitions.products.flatMap { firstOfEach($0.tags) }
        var spellings = ResourceNames()
        // The gateway's declared tags are the first spellings: the bundle would publish a use
        // spelt otherwise as its own tag, whose display name replaces the declared one. A use
        // spelt as some declaration is that tag; declarations that differ only in case are
        // reported where they are declared.
        let declared = definitions.gateways.first?.tags.map(\.name) ?? []
        for name in declared { _ = spellings.earlier(name) }
        let declaredSpellings = Set(declared.map(\.value))
        for tag in tags.sorted(by: { $0.range < $1.range }) where !declaredSpellings.contains(tag.value) {
            guard let first = spellings.earlier(tag), first.value != tag.value else { continue }
            diagnostics.report(
                .duplicateDefinition, "tag '\(tag.value)' is also spelt '\(first.value)'", at: tag.range,
                notes: [Diagnostic.Note("APIM ignores case in names, so both are one tag; spell it '\(first.value)' everywhere", at: first.range)])
        }
    }

    private mutating func unknownBackend(_ name: Located<String>, among names: Set<String>, hint: String) {
        guard !definitions.undecodedBackendNames.contains(name.value), definitions.complete else { return }
        Self.unknown("backend", name, among: names, hint: hint, into: &diagnostics)
    }

    /// Named values and secrets share one namespace: both become APIM named values, whose
    /// names APIM takes without case, so 'Tenant-ID' would replace 'tenant-id' on deploy.
    private mutating func checkNamespaces(_ gateway: Gateway) {
        var declared = ResourceNames(capacity: gateway.secrets.count + gateway.namedValues.count)
        var secrets = Set<String>()
        for secret in gateway.secrets {
            if let first = declared.earlier(secret.name) {
                duplicate("secret '\(secret.name.value)' is declared twice", of: secret.name, earlier: first)
            }
            secrets.insert(Grammar.caseFolded(secret.name.value))
        }
        for value in gateway.namedValues {
            guard let first = declared.earlier(value.name) else { continue }
            let message =
                secrets.contains(Grammar.caseFolded(value.name.value))
                ? "'\(value.name.value)' is declared both as a named value and as a secret"
                : "named value '\(value.name.value)' is declared twice"
            duplicate(message, of: value.name, earlier: first)
        }
    }

    /// Version sets, groups and tags are keys of the gateway document, which YAML keeps apart
    /// only when spelt alike (YS002); APIM also takes keys differing in case for one.
    private mutating func checkGatewayResources(_ gateway: Gateway) {
        let kinds = [("version set", gateway.versionSets.map(\.name)), ("group", gateway.groups.map(\.name)), ("tag", gateway.tags.map(\.name))]
        for (what, names) in kinds {
            var declared = ResourceNames()
            for name in names {
                if let first = declared.earlier(name) { duplicate("\(what) '\(name.value)' is declared twice", of: name, earlier: first) }
            }
        }
    }

    // MARK: References

    private mutating func checkReferences(_ gateway: Gateway) {
        let declared = gateway.declared
        if case .present(let defaults) = gateway.defaults, let auth = defaults.auth {
            Self.checkProvider(auth, declared, into: &diagnostics)
        }
        for provider in gateway.identityProviders {
            if case .introspection(let details) = provider.details {
                checkSecret(details.clientSecret, declared)
            }
        }
        if case .present(let redis) = gateway.redis { checkSecret(redis.connection, declared) }
        for backend in definitions.backends {
            guard let credentials = backend.service?.credentials else { continue }
            for parameter in credentials.headers + credentials.query { checkSecret(parameter.secret, declared) }
        }
        let templateNames = TemplateNames(declared.namedValues.union(declared.secrets))
        for reference in definitions.namedValueReferences where !templateNames.contains(reference.value) {
            Self.unknown(
                "named value", reference, among: templateNames.declared,
                hint: "declare it under the gateway's 'namedValues' or 'secrets'", into: &diagnostics)
        }
        for api in definitions.apis {
            guard let set = api.version?.set, !declared.versionSets.contains(set.value) else { continue }
            Self.unknown(
                "version set", set, among: declared.versionSets, hint: "declare it under the gateway's 'versionSets'",
                into: &diagnostics)
        }
        // APIM names a group in any case: `Developers` is the built-in group (audit V111).
        let groups = Set(declared.groups.map(Grammar.caseFolded))
        for product in definitions.products {
            for group in product.groups where !groups.contains(Grammar.caseFolded(group.value)) {
                Self.unknown(
                    "group", group, among: declared.groups,
                    hint: "declare it under the gateway's 'groups', or use 'administrators', 'developers' or 'guests'",
                    into: &diagnostics)
            }
        }
        checkSubstitutedTemplates(gateway)
        // Each API's own references are checked with its routes (see ``RoutePlanning``).
    }

    /// Also lists in `required` the declared scopes the API's routes require (some more than
    /// once), so that no rule walks every route again to find the scopes nothing requires.
    static func checkReferences(
        of api: API, _ declared: DeclaredNames, required: inout [String], into diagnostics: inout DiagnosticCollector
    ) {
        if let auth = api.auth { checkProvider(auth, declared, into: &diagnostics) }
        // Only declared scopes are remembered: each use of an unknown one is reported, once
        // where it is written. Routes that reach one list through an alias share its ranges,
        // and reporting it for each made a few kilobytes tens of thousands of findings.
        var known = RecentNames()
        var reported = Set<SourceRange>()
        for index in api.routes.indices {
            if let auth = api.routes[index].auth, !declared.knows(auth.value), reported.insert(auth.range).inserted {
                checkProvider(auth, declared, into: &diagnostics)
            }
            for requirement in api.routes[index].permissions {
                for scope in requirement.scopes where !known.contains(scope.value) {
                    if declared.scopes.contains(scope.value) {
                        known.remember(scope.value)
                        required.append(scope.value)
                        continue
                    }
                    guard reported.insert(scope.range).inserted else { continue }
                    unknown(
                        "scope", scope, among: declared.scopes, hint: "declare it under the gateway's 'scopes'",
                        into: &diagnostics)
                }
            }
        }
    }

    private static func checkProvider(
        _ auth: Located<AuthSetting>, _ declared: DeclaredNames, into diagnostics: inout DiagnosticCollector
    ) {
        guard case .provider(let name) = auth.value, !declared.knows(auth.value) else { return }
        unknown(
            "identity provider", Located(name, at: auth.range), among: declared.providers,
            hint: "use a provider declared under the gateway's 'identityProviders', or 'none'",
            into: &diagnostics)
    }

    /// A name declared nowhere, where a secret belongs, may be the secret itself: it is
    /// neither quoted nor shown.
    private mutating func checkSecret(_ value: SecretValue, _ declared: DeclaredNames) {
        guard case .reference(let name) = value, !declared.secrets.contains(name.value) else { return }
        if declared.namedValues.contains(name.value) {
            let hint = "'\(name.value)' is a plain named value; secrets must be declared under 'secrets' with 'keyVault'"
            Self.unknown("secret", name, among: declared.secrets, hint: hint, into: &diagnostics)
        } else {
            unreadSecrets.append(name.range)
            Self.unknown(
                "secret", name, among: declared.secrets, hint: "declare it under the gateway's 'secrets' with its Key Vault URI",
                quoted: false, into: &diagnostics)
        }
    }

    /// Reports `name`, declared nowhere among `candidates`, and asks for the nearest of them
    /// ahead of the `hint`; the collector's owner decides it (``DiagnosticCollector/suggest(within:)``).
    static func unknown(
        _ what: String, _ name: Located<String>, among candidates: Set<String>, hint: String, quoted: Bool = true,
        into diagnostics: inout DiagnosticCollector
    ) {
        diagnostics.report(
            Diagnostic(
                .unknownReference, quoted ? "unknown \(what) '\(name.value)'" : "unknown \(what) name", at: name.range,
                notes: [Diagnostic.Note(hint, at: name.range)]),
            suggesting: SuggestionRequest(name.value, among: candidates, placement: .first))
    }

    private mutating func duplicate(
        _ message: String, at range: SourceRange, first: SourceRange, note: String = "first defined here"
    ) {
        diagnostics.report(.duplicateDefinition, message, at: range, notes: [Diagnostic.Note(note, at: first)])
    }

    /// A second APIM resource name, equal to `earlier` but perhaps for case.
    private mutating func duplicate(
        _ message: String, of name: Located<String>, earlier: Located<String>, note: String = "first defined here"
    ) {
        diagnostics.report(
            .duplicateDefinition, message, at: name.range,
            notes: [ResourceNames.note(note, earlier: earlier, later: name.value)])
    }
}

extension DeclaredNames {
    /// Whether `auth` is `none` or names a declared provider.
    func knows(_ auth: AuthSetting) -> Bool {
        guard case .provider(let name) = auth else { return true }
        return providers.contains(name)
    }
}
