import PortcullisModel
import PortcullisPolicyXML

/// The secrets each backend host receives in one version of a project: in a backend's
/// credentials, in the headers and query parameters routes set for it, and in what the raw
/// policies a route runs put on its request (``RawForwarding``), each by what it holds
/// (``GatewayComparison/Substitution/secrets``), so a secret renamed is the same one.
///
/// `diff` asks it of BASE: a secret that existed there and that a host now receives for the
/// first time is a credential handed to that host. Kept by host, not by backend or route:
/// the same secret moved from a route's header into its backend's credentials, or sent by a
/// backend renamed, reaches the host it reached before.
struct SecretsSent {
    private var byHost: [String: Set<String>] = [:]

    init(_ project: ResolvedProject, _ values: GatewayComparison.Substitution) {
        for backend in project.backends {
            guard case .service(let service) = backend.target, let credentials = service.credentials else { continue }
            for (_, secret) in credentials.headers + credentials.query {
                guard case .reference(let name) = secret, let held = values.secrets[name.value.lowercased()] else { continue }
                byHost[BackendDiff.host(of: values.value(service.url)), default: []].insert(held)
            }
        }
        let forwarding = RawForwarding(project)
        for (route, plan) in zip(project.routes, project.plans) {
            guard let plan, plan.answer == nil else { continue }
            let names = plan.requestShaping.map(Self.names(in:)) ?? []
            let raw = forwarding.forwarded(on: route)
            let held = Set(names.union(raw.names).compactMap { values.secrets[$0] })
            guard !held.isEmpty else { continue }
            for url in Self.urls(of: plan.backend, values) + raw.urls.map(values.value) { byHost[BackendDiff.host(of: url), default: []].formUnion(held) }
        }
    }

    /// Whether some host among `urls` received the secret that holds `held`.
    func received(_ held: String, atAnyOf urls: [String]) -> Bool {
        urls.contains { byHost[BackendDiff.host(of: $0)]?.contains(held) == true }
    }

    /// The named values, lowercased (APIM takes their names without case), that a route's
    /// request headers and query parameters reference.
    static func names(in shaping: PlannedRequestShaping) -> Set<String> {
        Set((shaping.headers + shaping.query).flatMap { NamedValues.references(in: $0.value?.value ?? "") }.map { $0.lowercased() })
    }

    /// The URLs a route's requests may reach: its backend's, or each member's of a pool,
    /// named values put in.
    static func urls(of backend: PlannedBackend, _ values: GatewayComparison.Substitution) -> [String] {
        if let url = backend.url { return [values.value(url)] }
        return (backend.resolved?.members ?? []).compactMap { member in
            if case .service(let service) = member.backend.target { values.value(service.url) } else { nil }
        }
    }
}

/// BASE's and HEAD's secrets, and where BASE sent them: what the review of a route asks.
struct SecretsReview {
    let was: GatewayComparison.Substitution
    let now: GatewayComparison.Substitution
    let sent: SecretsSent
    private let forwarding: RawForwarding

    init(base: ResolvedProject, head: ResolvedProject) {
        was = GatewayComparison.Substitution(base.gateway)
        now = GatewayComparison.Substitution(head.gateway)
        sent = SecretsSent(base, was)
        forwarding = RawForwarding(head)
    }

    /// The secrets, by their names in HEAD, that `plan` sends in the headers and query
    /// parameters the definitions set to a host that did not receive them in BASE, where
    /// they existed.
    func newlySent(by plan: EnforcementPlan) -> [String] {
        guard plan.answer == nil, let shaping = plan.requestShaping else { return [] }
        let urls = SecretsSent.urls(of: plan.backend, now)
        return SecretsSent.names(in: shaping).sorted().filter { isNew($0, sentTo: urls, besides: []) }
    }

    /// As ``newlySent(by:)``, for what the raw policies HEAD's `route` runs put on its
    /// request (audit V36: a raw `set-header` of a secret went unweighed), to its backend
    /// or to a URL a raw `set-backend-service` names, each of which must have received it
    /// (audit V41: a secret's request sent to another host by a raw policy passed).
    func newlySentByRawPolicies(on route: EffectiveRoute, _ plan: EnforcementPlan) -> [String] {
        guard plan.answer == nil else { return [] }
        let forwarded = forwarding.forwarded(on: route)
        let urls = SecretsSent.urls(of: plan.backend, now)
        return forwarded.names.sorted().filter { isNew($0, sentTo: urls, besides: forwarded.urls.map(now.value)) }
    }

    /// Whether the secret `name` existed in BASE and one of the hosts it goes to did not
    /// receive it there: `pool`, the URLs of which a request reaches one, or any of `each`.
    private func isNew(_ name: String, sentTo pool: [String], besides each: [String]) -> Bool {
        guard let held = now.secrets[name], was.holds(held) else { return false }
        return !sent.received(held, atAnyOf: pool) || each.contains { !sent.received(held, atAnyOf: [$0]) }
    }
}

/// What the raw policies a route runs (its own, its API's, its products', the gateway's,
/// and the fragments they include) put on the request the gateway forwards: the named
/// values, lowercased, that a statement of `inbound` or `backend` reads but those that
/// keep them (a check compares, a limit counts, a cache keys, a `send-request` or an
/// answer sends elsewhere), and those a `set-variable` holds when such a statement names
/// the variable (audits V41, V42: a secret through a variable passed, and one kept for a
/// token request was taken for sent); and the URLs a `set-backend-service` sends the
/// request to, ``chosenAsTheRequestRuns`` for one given by an expression. Each document
/// is read once, however many routes run it: a class, so that the copies of a review each
/// route comparison keeps share what was read (a copy per route made `diff` of 20,000
/// routes 15 % slower).
final class RawForwarding {
    /// What the raw policies of a route, or one document, forward.
    struct Forwarded {
        var names: Set<String> = []
        var urls: [String] = []
        /// The named values each variable is set from, by the variable's name.
        var heldByVariables: [String: Set<String>] = [:]
        /// The variables each variable's setters read, by the variable's name.
        var readByVariables: [String: Set<Substring>] = [:]
        /// The variables the statements that forward read.
        var variablesRead: Set<Substring> = []

        mutating func add(_ other: Forwarded) {
            names.formUnion(other.names)
            urls += other.urls
            heldByVariables.merge(other.heldByVariables) { $0.union($1) }
            readByVariables.merge(other.readByVariables) { $0.union($1) }
            variablesRead.formUnion(other.variablesRead)
        }

        /// The named values forwarded, with those of the variables a forwarding statement names.
        var namesSent: Set<String> {
            let held = heldThroughChains
            let readsAny = variablesRead.contains(RawForwarding.anyVariable)
            return held.reduce(into: names) { names, variable in
                if readsAny || variablesRead.contains(Substring(variable.key)) { names.formUnion(variable.value) }
            }
        }

        /// What each variable holds, with what the variables it is set from hold, through
        /// any chain (a secret copied through two variables passed: the round-55 note). A
        /// variable that may read any holds every name some setter holds, in one step; the
        /// others pass what they gain to those set from them, so the work is the links times
        /// the names (audit V51: queuing every reader of any variable again for each name
        /// grew as the fourth power of such setters).
        private var heldThroughChains: [String: Set<String>] {
            guard !readByVariables.isEmpty, !heldByVariables.isEmpty else { return heldByVariables }
            var held = heldByVariables
            let every = heldByVariables.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            var readers: [Substring: [String]] = [:]
            var waiting: [String] = Array(held.keys)
            for (variable, reads) in readByVariables {
                if reads.contains(RawForwarding.anyVariable) {
                    held[variable, default: []].formUnion(every)
                    waiting.append(variable)
                }
                for read in reads where read != RawForwarding.anyVariable { readers[read, default: []].append(variable) }
            }
            while let source = waiting.popLast() {
                guard let names = held[source] else { continue }
                for reader in readers[Substring(source)] ?? [] where !names.isSubset(of: held[reader] ?? []) {
                    held[reader, default: []].formUnion(names)
                    waiting.append(reader)
                }
            }
            return held
        }
    }

    /// What ``Forwarded/variablesRead`` holds for a statement whose variables cannot be read here:
    /// it starts with U+0000, which no variable's name does.
    static let anyVariable: Substring = "\u{0}any variable"

    /// The host a URL chosen as the request runs stands for: no host received anything there.
    static let chosenAsTheRequestRuns = "https://chosen-as-the-request-runs.invalid"

    private let project: ResolvedProject
    private let fragments: [String: PolicyXMLDocument]
    private let productsOfAPI: [String: [Product]]
    private let backendURLs: [String: String]
    private var byDocument: [ObjectIdentifier: (forwarded: Forwarded, included: [String])] = [:]
    private var withFragments: [ObjectIdentifier: Forwarded] = [:]

    init(_ project: ResolvedProject) {
        self.project = project
        fragments = project.fragments.documentsByName
        var products: [String: [Product]] = [:]
        for product in project.products where product.policy?.document != nil {
            for api in product.apis { products[api.value.lowercased(), default: []].append(product) }
        }
        productsOfAPI = products
        backendURLs = Dictionary(project.backends.compactMap { backend in
            if case .service(let service) = backend.target { (backend.name.value.lowercased(), service.url.value) } else { nil }
        }) { first, _ in first }
    }

    /// The named values the raw policies of `route` send on, and the URLs they send to.
    func forwarded(on route: EffectiveRoute) -> (names: Set<String>, urls: [String]) {
        let api = project.apis[route.apiIndex]
        let documents = [route.written.policy?.document, api.policy?.document, project.gateway?.policy?.document]
            + (productsOfAPI[api.name.value.lowercased()] ?? []).map { $0.policy?.document }
        var all = Forwarded()
        for case let document? in documents { all.add(withIncludes(document)) }
        return (all.namesSent, all.urls)
    }

    /// ``direct(_:)`` of `document` and of the fragments it includes, and those they include, each once.
    private func withIncludes(_ document: PolicyXMLDocument) -> Forwarded {
        if let known = withFragments[ObjectIdentifier(document)] { return known }
        var (found, waiting) = direct(document)
        var seen = Set<String>()
        while let id = waiting.popLast() {
            guard seen.insert(id).inserted, let fragment = fragments[id] else { continue }
            let inFragment = direct(fragment)
            found.add(inFragment.forwarded)
            waiting += inFragment.included
        }
        withFragments[ObjectIdentifier(document)] = found
        return found
    }

    /// What `document` itself puts on the forwarded request, and the fragments it includes.
    private func direct(_ document: PolicyXMLDocument) -> (forwarded: Forwarded, included: [String]) {
        if let known = byDocument[ObjectIdentifier(document)] { return known }
        var found: (forwarded: Forwarded, included: [String]) = (Forwarded(), [])
        func walk(_ element: PolicyXMLElement) {
            if Self.containers.contains(element.name) {
                for child in element.elements { walk(child) }
                return
            }
            if element.name == "include-fragment" {
                if case .text(let id)? = element.attribute("fragment-id")?.value { found.included.append(id) }
                return
            }
            guard !Self.keepsWhatItReads.contains(element.name) else { return }
            let source = document.source(element.span)
            let names = Set(NamedValues.references(in: source).map { $0.lowercased() })
            if element.name == "set-variable" {
                if case .text(let variable)? = element.attribute("name")?.value {
                    if !names.isEmpty { found.forwarded.heldByVariables[variable, default: []].formUnion(names) }
                    let reads = Self.variablesRead(in: element)
                    if !reads.isEmpty { found.forwarded.readByVariables[variable, default: []].formUnion(reads) }
                }
                return
            }
            if element.name == "set-backend-service" {
                for attribute in ["base-url", "backend-id"] {
                    switch element.attribute(attribute)?.value {
                    case .text(let text)?:
                        if let url = attribute == "base-url" ? text : backendURLs[text.lowercased()] { found.forwarded.urls.append(url) }
                    case .expression?: found.forwarded.urls.append(Self.chosenAsTheRequestRuns)
                    case nil: break
                    }
                }
            }
            found.forwarded.names.formUnion(names)
            found.forwarded.variablesRead.formUnion(Self.variablesRead(in: element))
        }
        // A fragment is a list of statements; a policy writes the request in `inbound` and `backend`.
        let sections = document.root.name == "fragment" ? [document.root] : document.rootElements.filter { ["inbound", "backend"].contains($0.name) }
        for section in sections { walk(section) }
        byDocument[ObjectIdentifier(document)] = found
        return found
    }

    /// The variables the expressions of `statement` (its own and its children's) read, as
    /// the secret walk reads code (interpolations, comments, escapes, typed reads), with
    /// ``anyVariable`` where one may read any. A Liquid template that names the variables
    /// reads any (audit V51: the quoted texts of the code missed `$"…{…["a"]}"`, a `'"'` before
    /// the read, and Liquid, and took a JSON key for a variable).
    private static func variablesRead(in statement: PolicyXMLElement) -> Set<Substring> {
        var read = Set<Substring>()
        statement.forEachElement { element in
            var values = element.attributes.map(\.value)
            for case .text(let value, _) in element.children { values.append(value) }
            for value in values {
                if !value.isExpression {
                    if element.attribute("template") != nil, value.resolved.holds("Variables") { read.insert(anyVariable) }
                    continue
                }
                guard let names = value.variablesRead else {
                    read.insert(anyVariable)
                    continue
                }
                for name in names { read.insert(Substring(name)) }
            }
        }
        return read
    }

    /// What holds statements: what they read is theirs; a condition only chooses.
    private static let containers: Set<String> = ["inbound", "backend", "fragment", "choose", "when", "otherwise", "retry", "wait", "limit-concurrency"]

    /// Statements that read a value without putting it on the forwarded request: checks,
    /// limits, caches, logs, the gateway's own identity, and what sends elsewhere (a new
    /// request, an answer to the caller).
    private static let keepsWhatItReads: Set<String> = [
        "validate-jwt", "validate-azure-ad-token", "validate-client-certificate", "check-header", "validate-content", "validate-parameters",
        "validate-headers", "validate-status-code", "validate-odata-request", "validate-graphql-request", "ip-filter", "cors",
        "rate-limit", "rate-limit-by-key", "quota", "quota-by-key", "llm-token-limit", "azure-openai-token-limit",
        "cache-lookup", "cache-lookup-value", "cache-store", "cache-store-value", "cache-remove-value",
        "log-to-eventhub", "trace", "emit-metric", "llm-emit-token-metric", "azure-openai-emit-token-metric",
        "authentication-managed-identity", "authentication-certificate", "base",
        "send-request", "send-one-way-request", "return-response", "mock-response",
    ]
}
