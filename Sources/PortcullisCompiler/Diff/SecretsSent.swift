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
            let held = Set(names.union(forwarding.secretNames(on: route)).compactMap { values.secrets[$0] })
            guard !held.isEmpty else { continue }
            for url in Self.urls(of: plan.backend, values) { byHost[BackendDiff.host(of: url), default: []].formUnion(held) }
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
        return newlySent(SecretsSent.names(in: shaping), by: plan)
    }

    /// As ``newlySent(by:)``, for what the raw policies HEAD's `route` runs put on its
    /// request (audit V36: a raw `set-header` of a secret went unweighed).
    func newlySentByRawPolicies(on route: EffectiveRoute, _ plan: EnforcementPlan) -> [String] {
        guard plan.answer == nil else { return [] }
        return newlySent(forwarding.secretNames(on: route), by: plan)
    }

    private func newlySent(_ names: Set<String>, by plan: EnforcementPlan) -> [String] {
        let urls = SecretsSent.urls(of: plan.backend, now)
        return names.sorted().filter { name in
            guard let held = now.secrets[name] else { return false }
            return was.holds(held) && !sent.received(held, atAnyOf: urls)
        }
    }
}

/// The named values, lowercased, that the raw policies a route runs (its own, its API's,
/// its products', the gateway's, and the fragments they include) write into the request
/// the gateway forwards: a header, a query parameter, a body, Basic credentials, a URL.
/// What a `send-request` sends goes elsewhere, and a check or a variable sends nothing.
/// Each document is read once, however many routes run it: a class, so that the copies of
/// a review each route comparison keeps share what was read (a copy per route made `diff`
/// of 20,000 routes 15 % slower).
final class RawForwarding {
    private let project: ResolvedProject
    private let fragments: [String: PolicyXMLDocument]
    private let productsOfAPI: [String: [Product]]
    private var byDocument: [ObjectIdentifier: (names: Set<String>, included: [String])] = [:]
    private var withFragments: [ObjectIdentifier: Set<String>] = [:]

    init(_ project: ResolvedProject) {
        self.project = project
        fragments = Dictionary(project.fragments.compactMap { fragment in fragment.policy.document.map { (fragment.name.value, $0) } }) { first, _ in first }
        var products: [String: [Product]] = [:]
        for product in project.products where product.policy?.document != nil {
            for api in product.apis { products[api.value.lowercased(), default: []].append(product) }
        }
        productsOfAPI = products
    }

    func secretNames(on route: EffectiveRoute) -> Set<String> {
        let api = project.apis[route.apiIndex]
        let documents = [route.written.policy?.document, api.policy?.document, project.gateway?.policy?.document]
            + (productsOfAPI[api.name.value.lowercased()] ?? []).map { $0.policy?.document }
        var names = Set<String>()
        for case let document? in documents {
            if let known = withFragments[ObjectIdentifier(document)] {
                names.formUnion(known)
                continue
            }
            // The fragments it includes, and those they include, each once.
            var found = direct(document)
            var seen = Set<String>()
            var waiting = found.included
            while let id = waiting.popLast() {
                guard seen.insert(id).inserted, let fragment = fragments[id] else { continue }
                let inFragment = direct(fragment)
                found.names.formUnion(inFragment.names)
                waiting += inFragment.included
            }
            withFragments[ObjectIdentifier(document)] = found.names
            names.formUnion(found.names)
        }
        return names
    }

    /// What `document` itself writes into the forwarded request, and the fragments it includes.
    private func direct(_ document: PolicyXMLDocument) -> (names: Set<String>, included: [String]) {
        if let known = byDocument[ObjectIdentifier(document)] { return known }
        var found: (names: Set<String>, included: [String]) = ([], [])
        func walk(_ element: PolicyXMLElement) {
            if Self.sendsElsewhere.contains(element.name) { return }
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value { found.included.append(id) }
            if Self.writesTheRequest.contains(element.name) {
                found.names.formUnion(NamedValues.references(in: document.source(element.span)).map { $0.lowercased() })
                return
            }
            for child in element.elements { walk(child) }
        }
        // A fragment is a list of statements; a policy writes the request in `inbound` and `backend`.
        let sections = document.root.name == "fragment" ? [document.root] : document.rootElements.filter { ["inbound", "backend"].contains($0.name) }
        for section in sections { walk(section) }
        byDocument[ObjectIdentifier(document)] = found
        return found
    }

    private static let writesTheRequest: Set<String> = [
        "set-header", "set-query-parameter", "set-body", "authentication-basic", "rewrite-uri", "set-backend-service",
    ]
    private static let sendsElsewhere: Set<String> = ["send-request", "send-one-way-request", "return-response", "mock-response"]
}
