import PortcullisModel

/// The secrets each backend host receives in one version of a project: in a backend's
/// credentials, and in the headers and query parameters routes set for it, each by what it
/// holds (``GatewayComparison/Substitution/secrets``), so a secret renamed is the same one.
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
        for plan in project.plans {
            guard let plan, plan.answer == nil, let shaping = plan.requestShaping else { continue }
            let held = Self.secrets(in: shaping, values)
            guard !held.isEmpty else { continue }
            for url in Self.urls(of: plan.backend, values) { byHost[BackendDiff.host(of: url), default: []].formUnion(held) }
        }
    }

    /// Whether some host among `urls` received the secret that holds `held`.
    func received(_ held: String, atAnyOf urls: [String]) -> Bool {
        urls.contains { byHost[BackendDiff.host(of: $0)]?.contains(held) == true }
    }

    /// What the secrets a route's request headers and query parameters reference hold.
    static func secrets(in shaping: PlannedRequestShaping, _ values: GatewayComparison.Substitution) -> Set<String> {
        Set(names(in: shaping).compactMap { values.secrets[$0] })
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

    init(base: ResolvedProject, head: ResolvedProject) {
        was = GatewayComparison.Substitution(base.gateway)
        now = GatewayComparison.Substitution(head.gateway)
        sent = SecretsSent(base, was)
    }

    /// The secrets, by their names in HEAD, that `plan` sends to a host that did not receive
    /// them in BASE, where they existed.
    func newlySent(by plan: EnforcementPlan) -> [String] {
        guard plan.answer == nil, let shaping = plan.requestShaping else { return [] }
        let urls = SecretsSent.urls(of: plan.backend, now)
        return SecretsSent.names(in: shaping).sorted().filter { name in
            guard let held = now.secrets[name] else { return false }
            return was.holds(held) && !sent.received(held, atAnyOf: urls)
        }
    }
}
