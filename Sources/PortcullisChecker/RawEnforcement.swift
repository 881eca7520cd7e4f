import PortcullisModel
import PortcullisPolicyXML

/// What raw policy XML enforces on every request of a route, whatever the request holds:
/// statements at the top of an `inbound` section (or of a fragment included there) of the
/// global, API or route policy, where each narrower policy keeps `<base />` in `inbound`.
/// A statement inside `choose` runs for some requests only, and one in a product's policy
/// only for that product's subscribers, so neither counts.
///
/// Rules that would report a missing token check or limit ask here first: an estate moved
/// onto Portcullis keeps such checks raw until its definitions say them.
struct RawEnforcement: Sendable {
    /// The kinds of statement rules ask about.
    enum Kind: Int, CaseIterable, Sendable {
        case tokenCheck, rateLimit, answer, privateCacheLookup

        /// Whether `statement` is one of the kind.
        func matches(_ statement: PolicyXMLElement) -> Bool {
            switch self {
            // A 'validate-jwt' that takes unsigned tokens lets anyone write the token it checks.
            case .tokenCheck: Self.tokenChecks.contains(statement.name) && !statement.acceptsUnsignedTokens
            case .rateLimit: Self.rateLimits.contains(statement.name) && statement.countsRequests
            case .answer: Self.answers.contains(statement.name)
            case .privateCacheLookup: statement.name == "cache-lookup" && statement.allowsPrivateResponses
            }
        }

        private static let tokenChecks: Set<String> = ["validate-jwt", "validate-azure-ad-token", "validate-client-certificate"]
        private static let rateLimits: Set<String> = ["rate-limit-by-key", "rate-limit"]
        /// Statements that answer the caller themselves, so nothing after them runs.
        private static let answers: Set<String> = ["return-response", "mock-response"]
    }

    /// Each API's name, by index, for messages.
    private let apiNames: [String]
    private let fragments: [String: PolicyXMLDocument]
    /// By API index and kind (at `api * kinds + kind`): the first statement of the kind in
    /// the API's policy or, where that keeps `<base />`, in the global policy. Every route of
    /// the API shares it, so it is found once per API instead of once per route and rule.
    private let broader: [(owner: String, name: String)?]

    init(_ project: ResolvedProject) {
        let global = project.gateway?.policy?.document
        apiNames = project.apis.map(\.name.value)
        let fragments = Dictionary(project.fragments.compactMap { fragment in fragment.policy.document.map { (fragment.name.value, $0) } }) {
            first, _ in first
        }
        self.fragments = fragments
        var broader: [(owner: String, name: String)?] = []
        broader.reserveCapacity(project.apis.count * Kind.allCases.count)
        for api in project.apis {
            let document = api.hasErrors ? nil : api.policy?.document
            for kind in Kind.allCases {
                if let document, let name = Self.first(kind, in: document, fragments: fragments) {
                    broader.append(("API '\(api.name.value)'", name))
                } else if (document?.keepsInboundBase ?? true), let global, let name = Self.first(kind, in: global, fragments: fragments) {
                    broader.append(("the gateway", name))
                } else {
                    broader.append(nil)
                }
            }
        }
        self.broader = broader
    }

    private func broader(_ kind: Kind, on route: EffectiveRoute) -> (owner: String, name: String)? {
        broader[route.apiIndex * Kind.allCases.count + kind.rawValue]
    }

    /// The first statement of `kind` that runs on every request of `route`, with how
    /// messages name the policy it is in.
    func statement(_ kind: Kind, on route: EffectiveRoute) -> (owner: String, name: String)? {
        let own = route.written.policy?.document
        if let own, let name = Self.first(kind, in: own, fragments: fragments) {
            return ("route '\(apiNames[route.apiIndex])/\(route.written.id.value)'", name)
        }
        guard (own?.keepsInboundBase ?? true) else { return nil }
        return broader(kind, on: route)
    }

    /// The first statement of `kind` that runs on every request of `route` before the token
    /// check Portcullis generates for it: one before the route's own `<base />`, or in the
    /// API's or the global policy, which run before the route's.
    func statementBeforeTokenCheck(_ kind: Kind, on route: EffectiveRoute) -> (owner: String, name: String)? {
        let own = route.written.policy?.document
        // Without '<base />' the generated statements come first and no broader policy runs.
        guard (own?.keepsInboundBase ?? true) else { return nil }
        if let own, let name = Self.first(kind, among: own.inboundStatements.prefix { $0.name != "base" }, fragments: fragments) {
            return ("route '\(apiNames[route.apiIndex])/\(route.written.id.value)'", name)
        }
        return broader(kind, on: route)
    }

    private static func first(_ kind: Kind, in document: PolicyXMLDocument, fragments: [String: PolicyXMLDocument]) -> String? {
        first(kind, among: document.inboundStatements[...], fragments: fragments)
    }

    private static func first(
        _ kind: Kind, among statements: ArraySlice<PolicyXMLElement>, fragments: [String: PolicyXMLDocument]
    ) -> String? {
        for statement in statements {
            if kind.matches(statement) { return statement.name }
            if statement.name == "include-fragment", case .text(let id)? = statement.attribute("fragment-id")?.value,
                let fragment = fragments[id], let name = fragment.rootElements.first(where: kind.matches)?.name
            {
                return name
            }
        }
        return nil
    }
}

extension PolicyXMLElement {
    /// Whether a `cache-lookup` may serve requests that carry an `Authorization` header:
    /// APIM skips them unless `allow-private-response-caching` is true, which an expression
    /// may make it.
    var allowsPrivateResponses: Bool {
        guard let written = attribute("allow-private-response-caching") else { return false }
        guard case .text(let text) = written.value else { return true }
        return text.trimmingWhitespace.lowercased() == "true"
    }

    /// Whether a rate limit counts requests at all: not when its `increment-condition` is
    /// false as written, nor when its `counter-key` is a new GUID, a counter per request.
    var countsRequests: Bool {
        if let condition = attribute("increment-condition")?.value.written.filter({ !$0.isWhitespace }).lowercased(),
            condition == "false" || condition == "@(false)"
        {
            return false
        }
        if case .expression(let key)? = attribute("counter-key")?.value, key.contains("NewGuid") { return false }
        return true
    }

    /// Whether a `validate-jwt` passes tokens without a signature: `require-signed-tokens`
    /// is false, or an expression that may make it so (it is true when left out).
    var acceptsUnsignedTokens: Bool {
        guard name == "validate-jwt", let written = attribute("require-signed-tokens") else { return false }
        guard case .text(let text) = written.value else { return true }
        return text.trimmingWhitespace.lowercased() != "true"
    }
}
