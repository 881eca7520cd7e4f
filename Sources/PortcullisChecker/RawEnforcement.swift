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
    static let tokenChecks: Set<String> = ["validate-jwt", "validate-azure-ad-token", "validate-client-certificate"]
    static let rateLimits: Set<String> = ["rate-limit-by-key", "rate-limit"]
    /// Statements that answer the caller themselves, so nothing after them runs.
    static let answers: Set<String> = ["return-response", "mock-response"]

    private let global: PolicyXMLDocument?
    private let apis: [PolicyXMLDocument?]
    /// Each API's name, by index, for messages; looked up only once a statement is found.
    private let apiNames: [String]
    private let fragments: [String: PolicyXMLDocument]

    init(_ project: ResolvedProject) {
        global = project.gateway?.policy?.document
        apis = project.apis.map { $0.hasErrors ? nil : $0.policy?.document }
        apiNames = project.apis.map(\.name.value)
        fragments = Dictionary(project.fragments.compactMap { fragment in fragment.policy.document.map { (fragment.name.value, $0) } }) {
            first, _ in first
        }
    }

    /// The first statement named in `names` that runs on every request of `route`, with
    /// how messages name the policy it is in.
    func statement(_ names: Set<String>, on route: EffectiveRoute) -> (owner: String, name: String)? {
        let own = route.written.policy?.document
        if let own, let name = first(names, in: own) { return ("route '\(apiNames[route.apiIndex])/\(route.written.id.value)'", name) }
        guard (own?.keepsInboundBase ?? true) else { return nil }
        return broader(names, on: route)
    }

    /// The first statement named in `names` that runs on every request of `route` before
    /// the token check Portcullis generates for it: one before the route's own `<base />`,
    /// or in the API's or the global policy, which run before the route's.
    func statementBeforeTokenCheck(_ names: Set<String>, on route: EffectiveRoute) -> (owner: String, name: String)? {
        let own = route.written.policy?.document
        // Without '<base />' the generated statements come first and no broader policy runs.
        guard (own?.keepsInboundBase ?? true) else { return nil }
        if let own, let name = first(names, among: own.inboundStatements.prefix { $0.name != "base" }) {
            return ("route '\(apiNames[route.apiIndex])/\(route.written.id.value)'", name)
        }
        return broader(names, on: route)
    }

    /// The first statement named in `names` in the API's policy of `route` or, where that
    /// keeps `<base />`, in the global policy.
    private func broader(_ names: Set<String>, on route: EffectiveRoute) -> (owner: String, name: String)? {
        let api = apis[route.apiIndex]
        if let api, let name = first(names, in: api) { return ("API '\(apiNames[route.apiIndex])'", name) }
        guard (api?.keepsInboundBase ?? true), let global, let name = first(names, in: global) else { return nil }
        return ("the gateway", name)
    }

    private func first(_ names: Set<String>, in document: PolicyXMLDocument) -> String? {
        first(names, among: document.inboundStatements[...])
    }

    private func first(_ names: Set<String>, among statements: ArraySlice<PolicyXMLElement>) -> String? {
        for statement in statements {
            if names.contains(statement.name) { return statement.name }
            if statement.name == "include-fragment", case .text(let id)? = statement.attribute("fragment-id")?.value,
                let fragment = fragments[id], let name = fragment.rootElements.first(where: { names.contains($0.name) })?.name
            {
                return name
            }
        }
        return nil
    }
}
