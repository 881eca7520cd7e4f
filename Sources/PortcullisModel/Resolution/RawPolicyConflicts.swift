import PortcullisDiagnostics
import PortcullisPolicyXML

/// Raw statements that would do a second time what Portcullis generates from the
/// definitions at the same scope (PX004): two token checks, two response caches, IP filters
/// or answers, a backend that silently replaces the API's or route's `backend`. The definitions must stay the one place
/// that says what a route enforces, since every output and rule reads them.
extension Resolver {
    mutating func checkRawConflicts(_ gateway: Gateway?, routes: [EffectiveRoute], plans: [EnforcementPlan?]) {
        if let gateway, case .present = gateway.cors {
            // At any depth and in the fragments it includes (audit V25: one in a `choose` ran
            // after the generated one).
            if let document = gateway.policy?.document {
                conflicts(
                    anywhereIn: document, sections: ["inbound"], names: ["cors"], with: "the gateway's 'cors'",
                    fix: "declare origins, methods and headers under the gateway's 'cors', or remove 'cors' there and keep this one")
            }
            // The generated `cors` hands a request from an origin it does not list on to the
            // narrower scopes' `cors` (`terminate-unmatched-request="false"`), which may admit
            // it, with credentials, beyond what the gateway's list and `gateway.json` say
            // (audit V23).
            var seen = Set<ObjectIdentifier>()
            let documents = definitions.apis.map { $0.policy?.document } + definitions.products.map { $0.policy?.document } + routes.map { $0.written.policy?.document }
            for case let document? in documents where document.has(anyOf: Self.corsOrIncludes) && seen.insert(ObjectIdentifier(document)).inserted {
                conflicts(
                    anywhereIn: document, sections: ["inbound"], names: ["cors"], with: "the gateway's 'cors', which hands it the requests from origins the gateway does not list",
                    fix: "declare every origin, method and header under the gateway's 'cors', or remove 'cors' there and keep the narrower scopes' own")
            }
        }
        // A URL backend of an API with its own policy is its `serviceUrl` alone, which a raw
        // `set-backend-service` overrides as it does in APIM; a backend entity is set by a
        // generated statement, which a raw one would silently replace.
        for api in definitions.apis {
            guard case .named = api.backend, let document = api.policy?.document else { continue }
            conflicts(
                in: document, section: "inbound", names: ["set-backend-service"], with: "the 'backend' of API '\(api.name.value)'",
                fix: "name the backend in the API's 'backend' and remove this statement; a 'set-backend-service' inside 'choose' may still pick another backend for some requests")
        }
        // A product's limits are its policy's 'rate-limit' and 'quota', which APIM takes
        // once per policy: a raw one beside them breaks the document, or would count in
        // place of the definitions' (found by an audit).
        for product in definitions.products {
            guard let document = product.policy?.document else { continue }
            for (limit, statement, field) in [(product.rateLimit, "rate-limit", "rateLimit"), (product.quota, "quota", "quota")] where limit != nil {
                conflicts(
                    anywhereIn: document, names: [statement], with: "the '\(field)' of product '\(product.name.value)'",
                    fix: "set the limit in the product's '\(field)', or remove '\(field)' and keep this statement")
            }
        }
        let values = gateway?.substitutions ?? .empty
        var headersReported = Set<SourceRange>()
        var apisChecked = Set<Int>()
        var broaderChecked = Set<ObjectIdentifier>()
        var apisWithBroaderChecked = Set<Int>()
        for (route, plan) in zip(routes, plans) {
            guard let plan else { continue }
            // Made only for a route that has something to report: most have nothing.
            var routeName: String { "route '\(definitions.apis[route.apiIndex].name.value)/\(route.written.id.value)'" }
            let identity = plan.answer == nil && plan.backend.managedIdentity != nil
            // The generated managed identity ends the route's inbound, after the request's
            // headers are set: an `Authorization` the definitions set would never arrive.
            // Reported once where it is written, for the first route it fails.
            if identity, let headers = plan.requestShaping?.headers {
                for header in headers where header.action != .remove && Self.namesAuthorization(header.name.value)
                    && headersReported.insert(header.name.range).inserted
                {
                    diagnostics.report(
                        .invalidValue,
                        "request header '\(header.name.value)' is replaced by the token of the managed identity the backend of \(routeName) is called with",
                        at: header.name.range,
                        notes: [
                            Diagnostic.Note(
                                "give the backend these credentials in its 'kind: Backend' document instead of a 'managedIdentity', or set the header only for routes whose backend uses none",
                                at: header.name.range)
                        ])
                }
            }
            // The API's own policy runs at the route's '<base />', before the generated
            // identity: checked once, for the first route that the API's backend, called with
            // one, serves (a route with a backend of its own may take the token in place of
            // what the API sets for the others), and outside a 'choose', whose condition may
            // pick the routes with backends of their own.
            if identity, route.written.backend == nil, let document = definitions.apis[route.apiIndex].policy?.document, apisChecked.insert(route.apiIndex).inserted {
                identityConflicts(
                    in: document, with: "the managed identity Portcullis generates for the backend of \(routeName)", values: values, unconditional: true)
            }
            // The broader scopes' 'backend' sections run after the generated identity at the
            // route's '<base />': a backend set there gets the token meant for this one
            // (audit V57: a global or product one passed lint, a route's was PX004).
            // Once per API: its routes share the broader scopes.
            if identity, apisWithBroaderChecked.insert(route.apiIndex).inserted {
                let api = definitions.apis[route.apiIndex]
                let products = definitions.products.filter { product in product.apis.contains { $0.value.lowercased() == api.name.value.lowercased() } }
                for case let document? in [gateway?.policy?.document, api.policy?.document] + products.map(\.policy?.document)
                where broaderChecked.insert(ObjectIdentifier(document)).inserted {
                    conflicts(
                        anywhereIn: document, sections: ["backend"], names: ["set-backend-service"],
                        with: "the managed identity Portcullis generates for the backend of \(routeName)",
                        fix: "set the route's or API's 'backend' instead, so the token goes to the backend it is meant for")
                }
            }
            guard let document = route.written.policy?.document else { continue }
            let name = routeName
            if plan.token != nil {
                conflicts(
                    in: document, section: "inbound", names: ["validate-jwt", "validate-azure-ad-token"],
                    with: "the token check Portcullis generates for \(name)",
                    fix: "state the identity provider with 'auth' and the permissions with 'scopes' or 'appRoles'")
            }
            if plan.cache != nil {
                conflicts(
                    in: document, section: "inbound", names: ["cache-lookup"], with: "the response cache of \(name)",
                    fix: "configure caching with the route's 'cache', or remove 'cache' and keep these statements")
                conflicts(
                    in: document, section: "outbound", names: ["cache-store"], with: "the response cache of \(name)",
                    fix: "configure caching with the route's 'cache', or remove 'cache' and keep these statements")
            }
            if plan.ipFilter != nil {
                conflicts(
                    in: document, section: "inbound", names: ["ip-filter"], with: "the IP filter of \(name)",
                    fix: "list the addresses in 'ipFilter' (the route's or its API's), or remove 'ipFilter' and keep this statement")
            }
            if plan.answer != nil {
                conflicts(
                    in: document, section: "inbound", names: ["return-response", "mock-response"], with: "the answer of \(name)",
                    fix: "answer with the route's 'respond' or 'mock', or remove it and keep this statement")
            }
            // A route with its own backend has it set in its own policy.
            if route.written.backend != nil {
                conflicts(
                    in: document, section: "inbound", names: ["set-backend-service"], with: "the 'backend' of \(name)",
                    fix: "set the backend in the route's 'backend'; a 'set-backend-service' inside 'choose' may still pick another one for some requests")
            }
            // The generated managed identity ends the route's inbound: another backend would
            // get a token meant for this one, and other credentials would be replaced.
            // At any depth and in the fragments the policy includes: a condition does not
            // keep the token from going elsewhere.
            if identity {
                let identity = "the managed identity Portcullis generates for the backend of \(name)"
                if route.written.backend == nil {
                    conflicts(
                        anywhereIn: document, names: ["set-backend-service"], with: identity,
                        fix: "set the route's 'backend' instead, so the token goes to the backend it is meant for")
                }
                identityConflicts(in: document, with: identity, values: values)
            }
        }
    }

    /// Credentials of its own, or an `Authorization` header, that a policy running before
    /// the generated managed identity gives the request: the identity's token replaces them,
    /// or (set in `backend`) they replace the token. Either way the backend is not called
    /// as written.
    /// With `unconditional`, only statements outside a `choose` count.
    private mutating func identityConflicts(in document: PolicyXMLDocument, with identity: String, values: NamedValueTable, unconditional: Bool = false) {
        let fix = "give the backend its 'credentials' in its 'kind: Backend' document, or remove them there and keep this statement"
        // One whose token goes into a variable (`output-token-variable-name`) leaves the
        // request as it is.
        conflicts(
            anywhereIn: document, names: Self.backendCredentials, with: identity, fix: fix, unconditional: unconditional,
            where: { $0.attribute("output-token-variable-name") == nil })
        conflicts(
            anywhereIn: document, sections: ["inbound", "backend"], names: ["set-header"], with: identity, fix: fix, unconditional: unconditional,
            where: { statement in
                guard case .text(let header)? = statement.attribute("name")?.value,
                    statement.attribute("exists-action")?.value.written.trimmingWhitespace.lowercased() != "delete"
                else { return false }
                return Self.namesAuthorization(NamedValues.resolve(header, values) ?? header)
            })
    }

    /// What a policy that may hold `cors` holds, itself or in a fragment it includes.
    private static let corsOrIncludes: Set<String> = ["cors", "include-fragment"]

    /// Statements whose content shapes a message of their own: a request they send, or
    /// the answer they give the caller.
    private static let requestSenders: Set<String> = ["send-request", "send-one-way-request", "return-response", "mock-response"]

    /// Statements that put the gateway's own credentials in the request to the backend.
    private static let backendCredentials: Set<String> = ["authentication-managed-identity", "authentication-basic"]

    /// Whether a header's name is `Authorization`, as HTTP compares names.
    private static func namesAuthorization(_ header: String) -> Bool {
        let trimmed = header.trimmingWhitespace
        return trimmed.utf8.count == 13 && trimmed.lowercased() == "authorization"
    }

    /// Conflicts with `names` anywhere in `document` or in the fragments it includes, at
    /// any depth (each fragment once, so an include cycle ends); with `sections`, only
    /// within those of the document's sections, and the fragments they include. `matches`
    /// picks among the statements so named. What a `send-request` or `return-response`
    /// holds is left out: it shapes that request or answer, not the request to the backend.
    private mutating func conflicts(
        anywhereIn document: PolicyXMLDocument, sections: Set<String>? = nil, names: Set<String>, with generated: String, fix: String,
        unconditional: Bool = false, where matches: (PolicyXMLElement) -> Bool = { _ in true }
    ) {
        var documents = [(document, sections)]
        var seen = Set<String>()
        while let (next, within) = documents.popLast() {
            var found: [PolicyXMLElement] = []
            var includes: [PolicyXMLElement] = []
            func walk(_ element: PolicyXMLElement) {
                if names.contains(element.name) { found.append(element) }
                if element.name == "include-fragment" { includes.append(element) }
                guard !Self.requestSenders.contains(element.name), !(unconditional && element.name == "choose") else { return }
                for case .element(let child) in element.children { walk(child) }
            }
            for element in next.root.elements where within?.contains(element.name) ?? true { walk(element) }
            for statement in found where matches(statement) {
                let range = next.range(statement.nameSpan)
                diagnostics.report(
                    .conflictingPolicyStatement, "raw '\(statement.name)' conflicts with \(generated)", at: range,
                    notes: [Diagnostic.Note(fix, at: range)])
            }
            for include in includes {
                guard case .text(let id)? = include.attribute("fragment-id")?.value, seen.insert(id).inserted,
                    let fragment = definitions.fragments.first(where: { $0.name.value == id })?.policy.document
                else { continue }
                // A fragment's statements all run where it is included.
                documents.append((fragment, nil))
            }
        }
    }

    /// The variables and headers of the generated policies that a raw statement writes:
    /// an introspection result or a caller's key set before the generated check reads it
    /// would pass for the check's own (a token the caller invents), and a name a raw policy
    /// happens to share would be overwritten. Every raw document is read, wherever it runs.
    /// A name is read as APIM reads it: named values put in, and an expression's leading
    /// string literals (`@("X-Portcullis-" + …)`), found by the audit of the check.
    mutating func checkReservedNames(in documents: [PolicyXMLDocument], values: NamedValueTable) {
        // A named value that spells a reserved name makes every reference worth reading;
        // asked once, and only of a document with a reference, by bytes: values may be long,
        // and an estate may repeat one by alias (found by the benchmark's growth check).
        lazy var valuesSpellOne = values.byName.values.contains {
            ByteScan.holds("p", followedBy: "ortcullis-", in: $0) || ByteScan.holds("P", followedBy: "ortcullis-", in: $0)
        }
        for document in documents where Self.mayWriteReservedNames(document.text) || (ByteScan.holds("{", followedBy: "{", in: document.text[...]) && valuesSpellOne) {
            document.root.forEachElement { statement in
                for attribute in statement.attributes where Self.reservedWriters[attribute.name]?.contains(statement.name) ?? (attribute.name.hasSuffix("variable-name")) {
                    let written: String?
                    switch attribute.value {
                    case .text(let text): written = NamedValues.resolve(text, values) ?? text
                    case .expression: written = ExpressionExtent.leadingText(in: NamedValues.resolve(attribute.value.resolved, values) ?? attribute.value.resolved)
                    }
                    guard let written else { continue }
                    let name = written.trimmingWhitespace
                    let header = statement.name == "set-header"
                    guard Grammar.caseFolded(name).hasPrefix(header ? "x-portcullis-" : "portcullis-") else { continue }
                    let range = document.range(attribute.valueSpan)
                    diagnostics.report(
                        .conflictingPolicyStatement,
                        "raw '\(statement.name)' writes \(header ? "header" : "variable") '\(name)', which the policies Portcullis generates use",
                        at: range,
                        notes: [Diagnostic.Note("choose a name that does not start with '\(header ? "X-Portcullis-" : "portcullis-")'", at: range)])
                }
            }
        }
    }

    /// The statements whose `name` attribute names what they write; any attribute whose
    /// name ends in `variable-name` names a variable its statement writes.
    private static let reservedWriters: [String: Set<String>] = ["name": ["set-variable", "set-header"]]

    /// Whether a document's bytes may spell a reserved name: `portcullis-` in any case, or
    /// a character reference, which could spell it.
    private static func mayWriteReservedNames(_ bytes: [UInt8]) -> Bool {
        ByteScan.holds("p", followedBy: "ortcullis-", in: bytes[...]) || ByteScan.holds("P", followedBy: "ortcullis-", in: bytes[...])
            || ByteScan.holds("&", followedBy: "#", in: bytes[...])
    }

    private mutating func conflicts(in document: PolicyXMLDocument, section: String, names: Set<String>, with generated: String, fix: String) {
        for statement in document.statements(in: section) where names.contains(statement.name) {
            let range = document.range(statement.nameSpan)
            diagnostics.report(
                .conflictingPolicyStatement, "raw '\(statement.name)' conflicts with \(generated)", at: range,
                notes: [Diagnostic.Note(fix, at: range)])
        }
    }
}
