import PortcullisModel
import PortcullisPolicyXML
import Synchronization

/// What raw policy XML enforces on every request of a route, whatever the request holds:
/// statements at the top of an `inbound` section (or of a fragment included there) of the
/// global, API or route policy, where each narrower policy, the route's products' too,
/// keeps `<base />` in `inbound`. A statement inside `choose` runs for some requests only,
/// and one in a product's policy only for that product's subscribers, so neither counts.
/// What a request may meet before its token check (an answer, a private cache lookup,
/// credentials put in `Authorization`) is looked for at any depth and in every scope: a
/// condition does not make it safer.
///
/// Rules that would report a missing token check or limit ask here first: an estate moved
/// onto Portcullis keeps such checks raw until its definitions say them.
final class RawEnforcement: Sendable {
    /// The kinds of statement rules ask about.
    enum Kind: Int, CaseIterable, Sendable {
        case tokenCheck, rateLimit, ipFilter, answer, privateCacheLookup, callerCredentialsReplaced, writeMethodSet, cacheLookup, gate, requestCopied, call
        /// Any answer of the gateway's own, static or not (``answersEveryRequest(on:)``).
        case reply
        /// What may change the operation the backend is asked for (``requestRewrites(on:)``).
        case requestRewrite
        /// A rate limit that counts only some of the requests it runs for
        /// (``PolicyXMLElement/Counting/someRequests``), which RL001 names where no limit
        /// counts them all.
        case partialRateLimit

        /// Whether `statement` is one of the kind, where raw token checks read `checked`, on
        /// a request of `method` (nil: of any method) to the API at `api` (nil: to any API),
        /// whose policies set the variables a limit's key may read.
        func matches(_ statement: PolicyXMLElement, _ checked: CheckedCredentials, method: HTTPMethod? = nil, api: Int? = nil) -> Bool {
            switch self {
            // A 'validate-jwt' that takes unsigned tokens lets anyone write the token it checks,
            // and a 'validate-client-certificate' may let any certificate, or none, through.
            case .tokenCheck:
                Self.tokenChecks.contains(statement.name) && !statement.letsCallersThrough(checked.namedValues, checked.callerControlledVariables)
                    && !statement.checksAGivenToken(checked.namedValues, checked.callerControlledVariables)
            case .rateLimit, .partialRateLimit:
                Self.rateLimits.contains(statement.name)
                    && statement.counting(checked.namedValues, checked.callerControlledVariables, api: api, method: method) == (self == .rateLimit ? .everyRequest : .someRequests)
            case .ipFilter: statement.name == "ip-filter"
            case .answer: Self.answers.contains(statement.name) && !statement.isStaticAnswer
            case .privateCacheLookup: statement.name == "cache-lookup" && statement.allowsPrivateResponses
            case .callerCredentialsReplaced: checked.places(setBy: statement).contains(where: checked.reads)
            case .writeMethodSet: statement.setsAWriteMethod
            case .cacheLookup: statement.name == "cache-lookup"
            case .gate: Self.gates.contains(statement.name) || statement.refusesTheCaller
            // A copy of the caller's request ('mode' is 'new' when left out), or a new one
            // carrying what it holds, reaches where it is sent, token or not; so does a Dapr
            // message or binding call whose content carries it (found by an audit).
            case .requestCopied:
                Self.contentSenders.contains(statement.name) && statement.sendsOnWhatTheCallerSent(checked.namedValues, checked.callerControlledVariables)
            // A call to another service (a Dapr binding or topic too), or the request sent
            // on from 'inbound', which answers with the backend's response.
            case .call: Self.callers.contains(statement.name)
            case .reply: Self.replies.contains(statement.name)
            case .requestRewrite: Self.requestRewriters.contains(statement.name)
            }
        }

        /// The kinds the rules ask of every route at the top of `inbound`
        /// (``statement(_:on:)``), numbered from zero, found for every API at the start
        /// (``broader``). `ipFilter`, asked at the top too (by `diff`, of a route moved to
        /// another API), is found when asked; the others are looked for at any depth.
        static let askedOfEveryRoute: [Kind] = [.tokenCheck, .rateLimit]
        static let atAnyDepth: [Kind] = [.answer, .privateCacheLookup, .callerCredentialsReplaced, .writeMethodSet, .cacheLookup, .requestCopied, .call]

        /// The names a statement of the kind may have, which tell a document holding none
        /// without looking at its elements.
        var names: Set<String> {
            switch self {
            case .tokenCheck: Self.tokenChecks
            case .rateLimit, .partialRateLimit: Self.rateLimits
            case .ipFilter: Self.ipFilters
            case .answer: Self.answers
            case .privateCacheLookup, .cacheLookup: Self.cacheLookups
            case .callerCredentialsReplaced: Self.credentialSetters
            case .writeMethodSet: Self.methodSetters
            case .gate: Self.gateNames
            case .requestCopied: Self.contentSenders
            case .call: Self.callers
            case .reply: Self.replies
            case .requestRewrite: Self.requestRewriters
            }
        }

        private static let cacheLookups: Set<String> = ["cache-lookup"]
        /// Checks that turn callers away; an answer that refuses them is one too
        /// (``PolicyXMLElement/refusesTheCaller``).
        static let gates: Set<String> = ["check-header", "ip-filter", "validate-jwt", "validate-azure-ad-token", "validate-client-certificate"]
        private static let gateNames = gates.union(["return-response", "mock-response"])
        private static let methodSetters: Set<String> = ["set-method"]
        private static let requestSenders: Set<String> = ["send-request", "send-one-way-request"]
        /// Statements that send what they are given to another service: a request, a Dapr
        /// topic's message, a Dapr output binding's call, a Service Bus message.
        private static let contentSenders = requestSenders.union(["invoke-dapr-binding", "publish-to-dapr", "send-service-bus-message"])
        private static let callers = contentSenders.union(["forward-request"])
        private static let credentialSetters: Set<String> = ["authentication-managed-identity", "authentication-basic", "set-header", "set-query-parameter", "rewrite-uri"]

        static let tokenChecks: Set<String> = ["validate-jwt", "validate-azure-ad-token", "validate-client-certificate"]
        private static let rateLimits: Set<String> = ["rate-limit-by-key", "rate-limit"]
        private static let ipFilters: Set<String> = ["ip-filter"]
        /// Statements that answer the caller themselves, so nothing after them runs; the
        /// semantic cache lookups answer from the cache when it holds a similar prompt.
        private static let replies: Set<String> = ["return-response", "mock-response"]
        static let requestRewriters: Set<String> = ["rewrite-uri", "set-method"]
        private static let answers: Set<String> = [
            "return-response", "mock-response", "llm-semantic-cache-lookup", "azure-openai-semantic-cache-lookup",
        ]
    }

    /// Each API's name, by index, for messages.
    private let apiNames: [String]
    private let checked: CheckedCredentials
    private let namedValues: KnownNamedValues
    /// The request's places each API's definitions (`request.headers`, `request.query`) set,
    /// and those they override, by index.
    private let declaredHeaders: [Set<CredentialPlace>]
    private let declaredReplaced: [Set<CredentialPlace>]
    /// By API, how its `request.headers` write `Authorization`
    /// (``authorizationWritesGenerated(on:)``).
    private let declaredAuthorizationWrites: [Set<CredentialPlace.Write>]

    /// The policy variables whose value the caller may choose, in every raw policy.
    var callerControlledVariables: CallerControlledVariables { checked.callerControlledVariables }
    /// The project's fragments by id.
    let fragments: [String: PolicyXMLDocument]
    /// The raw policies a route's requests pass through before its own, broadest first:
    /// the gateway's; each product's, by index; each API's (nil where it has errors).
    private let global: PolicyXMLDocument?
    private let products: [(name: String, document: PolicyXMLDocument?)]
    private let apis: [PolicyXMLDocument?]
    /// By kind, which of those policies hold a statement of the kind at any depth (through
    /// the fragments they include too): found once, so that the routes of an estate whose
    /// policies hold none are not walked statement by statement.
    private let holders: [Holders]

    private struct Holders: Sendable {
        var global = false
        var products: [Bool]
        var apis: [Bool]
        var fragments: Set<String>
    }
    /// By API index and kind of ``Kind/askedOfEveryRoute`` (at `api * kinds + kind`): the
    /// first statement of the kind in the API's policy or, where that keeps `<base />`, in
    /// the global policy. Every route of the API shares it, so it is found once per API
    /// instead of once per route and rule.
    private let broader: [BroaderStatement?]
    /// ``broader`` on requests of one method, and of the other kinds, found for the routes
    /// that ask.
    private let broaderWhenAsked = BroaderWhenAsked()
    /// The holders of any answer (``Kind/reply``), found when first asked.
    private let replyHolders = Lazy<Holders>()
    /// The holders of a rewrite (``Kind/requestRewrite``), found when first asked.
    private let rewriteHolders = Lazy<Holders>()
    /// What the broader runs of an API's routes rewrite, each way a branch, by API
    /// (``broaderRewrites(of:holders:)``).
    private let apisBroaderRewrites = Memo<Int, [RequestRewrite]>()
    /// The broader policies that answer every request (``answersEveryRequest(on:)``), found
    /// when first asked.
    private let everyPathReplies = Lazy<AnsweringPolicies>()
    /// Whether some raw policy or fragment holds a `choose`, which may branch on the
    /// method, or a rate limit with an `increment-condition`, which may test it.
    private let testsTheMethodAnywhere: Bool
    private static let choose: Set<String> = ["choose"]

    struct BroaderStatement: Sendable {
        var owner: String
        var name: String
        var global: Bool
    }

    /// Whether the gateway's policy answers every request, and each product's and each
    /// API's answers every request or passes it on to the broader policies
    /// (``answersOrRunsBase(_:)``).
    private struct AnsweringPolicies: Sendable {
        var global: Bool
        var productsPassOn: [Bool]
        var apis: [Bool]
        var apisPassOn: [Bool]
    }

    /// The broader statements of each kind on requests of one method, by API, found once
    /// for every route of the API that asks, from any core.
    private final class BroaderWhenAsked: Sendable {
        struct Key: Hashable {
            let api: Int
            let kind: Kind
            let method: HTTPMethod?
        }

        private let found = Mutex<[Key: BroaderStatement?]>([:])

        func statement(_ key: Key, _ find: () -> BroaderStatement?) -> BroaderStatement? {
            if let known = found.withLock({ $0[key] }) { return known }
            let statement = find()
            found.withLock { $0[key] = statement }
            return statement
        }
    }
    /// What the `on-error` of the gateway's, each product's (by index) and each API's (by
    /// index) policy holds that serves a failed check, and whether it keeps `<base />`
    /// there: found once per document, not once per route.
    private let onError: (global: OnError, products: [OnError], apis: [OnError])
    /// Whether some fragment holds a statement that may serve a failed check, and whether
    /// some route's own policy does: without either, no route's policy is walked for one.
    private let fragmentsMayServeErrors: Bool
    private let routesMayServeErrors: Bool
    /// Per policy as ``onError``: a copy of the caller's request sent on as a write from
    /// `outbound` or `on-error` (``writeCopyAfterInbound(on:)``).
    private let writeCopies: (global: String?, products: [String?], apis: [String?])
    private let routesMayCopy: Bool
    private let runs = InboundRuns()
    /// How a policy's inbound may write `Authorization`, by document and part
    /// (``authorizationWrites(ofPoliciesBesides:on:broaderRunAfter:)``).
    private let authorizationWriters = Memo<AuthorizationWritesRead, Set<CredentialPlace.Write>>()
    /// How the products of an API write `Authorization` before a statement of another
    /// document, by API, document and where the broader policies run.
    private let productsAuthorizationWrites = Memo<ProductsWritesRead, Set<CredentialPlace.Write>>()
    /// By product, whether its policy may change what a token check asks of its subscribers
    /// (``audiences(of:)``), found when first asked.
    private let productsShapingCredentials = Lazy<[Bool]>()
    /// What a route's own statements replace of the caller's credentials, and whether it
    /// runs the broader policies (``credentialPlacesReplaced(onTheWayOf:runningOneOf:)``), by route.
    private let routesReplacedPlaces = Memo<ObjectIdentifier, (places: [CredentialPlace], reachesBroader: Bool)>()
    /// What the broader runs of the audiences running one of some products replace, by API
    /// and products.
    private let apisReplacedPlaces = Memo<APIAndProducts, [CredentialPlace]>()
    /// Whether a statement on some audience's way may change a route's method
    /// (``methodBranchesSee(on:)``), by route.
    private let routesSettingMethod = Memo<ObjectIdentifier, Bool>()
    /// ``callersCredentials(on:meeting:inInbound:)`` of every audience, by route.
    private let routesCallersCredentials = Memo<ObjectIdentifier, RouteCredentials>()
    /// ``broaderCredentials(of:)``, by API.
    private let apisBroaderCredentials = Memo<Int, BroaderAnswers>()

    private struct OnError {
        /// The statement's name, or nil.
        var bypass: String?
        var keepsBase: Bool
    }

    init(_ project: ResolvedProject, namedValues: KnownNamedValues) {
        let global = project.gateway?.policy?.document
        self.global = global
        let products = project.products.map { ($0.name.value, $0.policy?.document) }
        self.products = products
        let apis = project.apis.map { $0.hasErrors ? nil : $0.policy?.document }
        self.apis = apis
        apiNames = project.apis.map(\.name.value)
        let fragments = project.fragments.documentsByName
        self.fragments = fragments
        let checked = CheckedCredentials(project, values: namedValues)
        self.checked = checked
        self.namedValues = namedValues
        declaredHeaders = project.apis.map { $0.request?.placesSet(resolving: namedValues.resolved) ?? [] }
        declaredReplaced = project.apis.map { $0.request?.placesSet(resolving: namedValues.resolved, replacing: true) ?? [] }
        declaredAuthorizationWrites = project.apis.map { api in api.request.map { Self.authorizationWrites(of: $0, namedValues) } ?? [] }
        self.holders = Kind.atAnyDepth.map { kind in Self.holders(of: kind, global: global, products: products.map(\.1), apis: apis, fragments: fragments, checked) }
        var broader: [BroaderStatement?] = []
        broader.reserveCapacity(project.apis.count * Kind.askedOfEveryRoute.count)
        for index in project.apis.indices {
            for kind in Kind.askedOfEveryRoute {
                broader.append(Self.broaderStatement(api: index, apis, apiNames, global: global, fragments: fragments, method: nil) { kind.matches($0, checked, api: index) })
            }
        }
        self.broader = broader
        let branches = { (document: PolicyXMLDocument?) in
            guard let document else { return false }
            return document.has(anyOf: Self.choose) || document.elements(named: Kind.rateLimit.names).contains { $0.attribute("increment-condition") != nil }
        }
        testsTheMethodAnywhere = branches(global) || products.contains { branches($0.1) } || apis.contains(where: branches)
            || project.apis.contains { $0.routes.contains { branches($0.policy?.document) } } || fragments.values.contains(where: branches)
        let fragmentsMayServeErrors = fragments.values.contains { $0.has(anyOf: Self.errorServers) || $0.has(anyOf: Self.statusSetters) }
        self.fragmentsMayServeErrors = fragmentsMayServeErrors
        func onError(_ document: PolicyXMLDocument?) -> OnError {
            OnError(
                bypass: Self.onErrorBypass(in: document, fragments: fragments, fragmentsMayServeErrors, checked.namedValues),
                keepsBase: Self.keepsBase(in: "on-error", of: document))
        }
        self.onError = (onError(global), products.map { onError($0.1) }, apis.map(onError))
        let fragmentsMayCopy = fragments.values.contains { $0.has(anyOf: Self.requestSenders) }
        func writeCopy(_ document: PolicyXMLDocument?) -> String? { Self.writeCopy(in: document, fragments: fragments, fragmentsMayCopy, checked) }
        writeCopies = (writeCopy(global), products.map { writeCopy($0.1) }, apis.map(writeCopy))
        // The routes' own policies, in one pass: most routes have none.
        var (mayServeErrors, mayCopy) = (false, false)
        for api in project.apis {
            for route in api.routes {
                guard let document = route.policy?.document else { continue }
                mayServeErrors = mayServeErrors || Self.onErrorBypass(in: document, fragments: fragments, fragmentsMayServeErrors, checked.namedValues) != nil
                mayCopy = mayCopy || writeCopy(document) != nil
            }
        }
        (routesMayServeErrors, routesMayCopy) = (mayServeErrors, mayCopy)
    }

    /// The API's or the gateway's statement of `kind` for `route`; the gateway's only when
    /// each of the route's products keeps `<base />`: a product's policy without it runs
    /// instead of the gateway's for the product's subscribers.
    private func broader(_ kind: Kind, on route: EffectiveRoute, method: HTTPMethod?) -> (owner: String, name: String)? {
        let found: BroaderStatement?
        if method == nil, kind.rawValue < Kind.askedOfEveryRoute.count {
            found = broader[route.apiIndex * Kind.askedOfEveryRoute.count + kind.rawValue]
        } else {
            found = broaderWhenAsked.statement(BroaderWhenAsked.Key(api: route.apiIndex, kind: kind, method: method)) {
                Self.broaderStatement(api: route.apiIndex, apis, apiNames, global: global, fragments: fragments, method: method) {
                    kind.matches($0, checked, method: method, api: route.apiIndex)
                }
            }
        }
        return reached(found, on: route)
    }

    /// A broader statement, where it runs for `route`: the gateway's only when each of the
    /// route's products keeps `<base />`.
    private func reached(_ found: BroaderStatement?, on route: EffectiveRoute) -> (owner: String, name: String)? {
        guard let found else { return nil }
        if found.global, route.products.contains(where: { !(products[$0].document?.keepsInboundBase ?? true) }) { return nil }
        return (found.owner, found.name)
    }

    /// The first statement `matches` picks on every request of `method` (nil: of any method)
    /// in the policy of the API at `index` or, where that keeps `<base />`, in the gateway's.
    private static func broaderStatement(
        api index: Int, _ apis: [PolicyXMLDocument?], _ apiNames: [String], global: PolicyXMLDocument?,
        fragments: [String: PolicyXMLDocument], method: HTTPMethod?, matching matches: (PolicyXMLElement) -> Bool
    ) -> BroaderStatement? {
        let document = apis[index]
        if let document, let name = first(in: document, fragments: fragments, method: method, matching: matches) {
            return BroaderStatement(owner: "API '\(apiNames[index])'", name: name, global: false)
        }
        if (document?.keepsInboundBase ?? true), let global, let name = first(in: global, fragments: fragments, method: method, matching: matches) {
            return BroaderStatement(owner: "the gateway", name: name, global: true)
        }
        return nil
    }

    /// The first statement of `kind` that runs on every request of `route`, with how
    /// messages name the policy it is in.
    /// A `choose` on the request's method is judged by the route's method (a token check
    /// in the `otherwise` of a `when` for `OPTIONS` runs on every `GET`), unless a raw
    /// `set-method` changes the method the request carries.
    func statement(_ kind: Kind, on route: EffectiveRoute) -> (owner: String, name: String)? {
        onEveryRequest(of: route) { method in
            statement(on: route, method: method, matching: { kind.matches($0, checked, method: method, api: route.apiIndex) }) { broader(kind, on: route, method: $0) }
        }
    }

    /// The first raw token check that runs on every request of `route`, as
    /// ``statement(_:on:)`` finds one of ``Kind/tokenCheck`` (a check of a token the
    /// gateway gives itself is none), among those `picks` picks: LP003 asks for one a
    /// read-only token fails.
    func tokenCheck(on route: EffectiveRoute, where picks: (PolicyXMLElement) -> Bool) -> (owner: String, name: String)? {
        func matches(_ statement: PolicyXMLElement) -> Bool { Kind.tokenCheck.matches(statement, checked) && picks(statement) }
        return onEveryRequest(of: route) { method in
            statement(on: route, method: method, matching: matches) { method in
                reached(Self.broaderStatement(api: route.apiIndex, apis, apiNames, global: global, fragments: fragments, method: method, matching: matches), on: route)
            }
        }
    }

    /// The raw IP filters, token checks (but those that let callers through) and header
    /// checks every request of `route` meets outside its products' policies, which run for
    /// their subscribers only: `diff` compares those of a route added in front of a guarded
    /// backend operation with its guard's by what they admit. A check after a statement
    /// that may answer in any branch (a cache lookup too) runs for some requests only: a
    /// route's answer before `<base />` skipped the gateway's check, and `diff` kept it
    /// (audit V45).
    func gates(on route: EffectiveRoute) -> [RawGate] {
        var found: [RawGate] = []
        var answered = false
        var visited = Set<String>()
        // What the way sets on the request so far, products' policies too (an audit found a
        // check of a header the route set itself first passing for its guard's).
        var set = Set<CredentialPlace>()
        // What it sets on every request, whatever the caller sent: the gateway's value is then
        // all a check of it ever judges (an audit found a guard setting its header in a
        // branch, or with `skip`, taken for one).
        var replaced = Set<CredentialPlace>()
        func collect(_ entries: [InboundRun.Entry]) {
            for entry in entries {
                switch entry {
                case .generated:
                    set.formUnion(placesTheDefinitionsSet(on: route).map(\.place))
                    replaced.formUnion(placesTheDefinitionsSet(on: route, replacing: true).map(\.place))
                case .run(let run): collect(run.entries)
                case .statement(let owner, let statement):
                    let (setBefore, replacedBefore, answeredBefore) = (set, replaced, answered)
                    set.formUnion(placesSet(atAnyDepthIn: statement))
                    replaced.formUnion(placesReplaced(by: statement))
                    answered = answered || statement.answerInside(fragments: fragments) != nil
                    let isGate = { (element: PolicyXMLElement) in
                        element.name == "ip-filter" || element.name == "check-header" || Kind.tokenCheck.matches(element, self.checked)
                    }
                    guard !owner.isAProducts, !answeredBefore, let check = Self.onEveryPath(statement, fragments: fragments, method: nil, visited: &visited, matching: isGate)
                    else { continue }
                    let holder = check.name == statement.name ? nil : statement
                    let onTheWay = holder.map { placesSet(onTheWayIn: $0, to: isGate) } ?? []
                    found.append(RawGate(check: check, holder: holder, setBefore: setBefore.union(onTheWay), replacedBefore: replacedBefore))
                }
            }
        }
        collect(inboundOrder(of: route))
        return found
    }

    /// The request's places that statements inside `holder` (a statement ``onEveryPath``
    /// finds a check in) set on the way to the checks `isGate` picks: in each branch of a
    /// `choose` that holds one, the statements before it; in a `retry`, those before it,
    /// as a check that fails ends the request on its first attempt. What is set after a
    /// check, or in a branch that refuses, never reaches one (an audit found a guard that
    /// sets its header after its check taken for one that sets it first).
    private func placesSet(onTheWayIn holder: PolicyXMLElement, to isGate: (PolicyXMLElement) -> Bool) -> Set<CredentialPlace> {
        var visited = Set<String>()
        // What `statements` set before the first that holds a check, nil where none does.
        func way(in statements: [PolicyXMLElement]) -> Set<CredentialPlace>? {
            var places = Set<CredentialPlace>()
            for statement in statements {
                var probe = visited
                if Self.onEveryPath(statement, fragments: fragments, method: nil, visited: &probe, matching: isGate) != nil {
                    return places.union(way(into: statement))
                }
                places.formUnion(placesSet(atAnyDepthIn: statement))
            }
            return nil
        }
        // What `statement`, which holds a check on every path, sets before it.
        func way(into statement: PolicyXMLElement) -> Set<CredentialPlace> {
            guard !isGate(statement) else { return [] }
            switch statement.name {
            case "include-fragment":
                guard case .text(let id)? = statement.attribute("fragment-id")?.value, let fragment = fragments[id], visited.insert(id).inserted else { return [] }
                return way(in: fragment.rootElements) ?? []
            case "choose":
                return statement.elements.filter { $0.name == "when" || $0.name == "otherwise" }.reduce(into: []) { $0.formUnion(way(in: $1.elements) ?? []) }
            default:
                return way(in: statement.elements) ?? []
            }
        }
        return way(into: holder)
    }

    /// The request's places the statements generated for `route` set, with the definitions
    /// that set each, as messages name them: its API's `request.headers` and
    /// `request.query`, then its own, then its `rewrite`'s query. Generated after `<base />`
    /// of the route's policy (the API's policy has run by then), before the rest of it.
    /// `replacing`: only those overridden whatever the caller sent.
    func placesTheDefinitionsSet(on route: EffectiveRoute, replacing: Bool = false) -> [(place: CredentialPlace, setter: String)] {
        // A route the gateway answers itself is generated no request changes.
        guard route.written.answer == nil else { return [] }
        let api = "API '\(apiNames[route.apiIndex])'"
        let own = "route '\(route.written.id.value)'"
        // In the order of their names, so that a message names the same one on every run.
        func named(_ places: Set<CredentialPlace>, by owner: String) -> [(place: CredentialPlace, setter: String)] {
            places.sorted { $0.described < $1.described }.map { place in
                switch place {
                case .header, .anyHeader: (place, "'request.headers' of \(owner)")
                case .query, .anyQuery, .anyName: (place, "'request.query' of \(owner)")
                }
            }
        }
        var found = named(replacing ? declaredReplaced[route.apiIndex] : declaredHeaders[route.apiIndex], by: api)
        if let request = route.written.request { found += named(request.placesSet(resolving: namedValues.resolved, replacing: replacing), by: own) }
        if let rewrite = route.written.rewrite {
            found += rewrite.placesSet(resolving: namedValues.resolved).sorted { $0.described < $1.described }.map { ($0, "'rewrite' of \(own)") }
        }
        return found
    }

    /// The request's places `statement` overrides on every request that passes it: itself,
    /// at the top of `inbound`, or the statements at the top of a fragment it includes.
    private func placesReplaced(by statement: PolicyXMLElement) -> Set<CredentialPlace> {
        var places = Set<CredentialPlace>()
        var visited = Set<String>()
        var waiting = [statement]
        while let element = waiting.popLast() {
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value, let fragment = fragments[id],
                visited.insert(id).inserted
            {
                waiting += fragment.rootElements
                continue
            }
            // Neither kept where the caller sent one (`skip`, `append`) nor deleted.
            let given = Set(element.placesSet(.given, resolving: namedValues.resolved))
            places.formUnion(element.placesSet(.replaced, resolving: namedValues.resolved).filter(given.contains))
        }
        return places
    }

    /// The request's places `statement` sets, at any depth and in the fragments it
    /// includes (``PolicyXMLElement/placesSetAtAnyDepth(resolving:)``).
    private func placesSet(atAnyDepthIn statement: PolicyXMLElement) -> Set<CredentialPlace> {
        var read = statement.placesSetAtAnyDepth(resolving: namedValues.resolved)
        var visited = Set<String>()
        while let id = read.includes.popLast() {
            guard visited.insert(id).inserted, let fragment = fragments[id] else { continue }
            for root in fragment.rootElements {
                let inner = root.placesSetAtAnyDepth(resolving: namedValues.resolved)
                read.places.formUnion(inner.places)
                read.includes += inner.includes
            }
        }
        return read.places
    }

    /// What `find` finds on a request of any method, or else of the method a `choose` is
    /// judged by (``methodBranchesSee(on:)``).
    private func onEveryRequest(of route: EffectiveRoute, _ find: (HTTPMethod?) -> (owner: String, name: String)?) -> (owner: String, name: String)? {
        if let found = find(nil) { return found }
        guard testsTheMethodAnywhere, let method = methodBranchesSee(on: route) else { return nil }
        return find(method)
    }

    /// The method a `choose` in the policies of `route` is judged by: the route's, unless a
    /// raw `set-method` or the route's own `rewrite` (whose generated `set-method` comes
    /// before the raw statements of its policy; found by an audit) may change it.
    private func methodBranchesSee(on route: EffectiveRoute) -> HTTPMethod? {
        guard route.written.shaping?.rewrite?.method == nil else { return nil }
        // Asked for every question of every route: each audience's way is read once.
        let set = routesSettingMethod.value(for: ObjectIdentifier(route)) { firstFound(overTheAudiencesOf: route, { $0.contains(where: setsMethod) ? true : nil }) != nil }
        return set ? nil : route.written.method.value
    }

    /// The first statement `matches` picks on every request of `method` in the route's own
    /// policy, else, where it keeps `<base />`, the one `broader` finds.
    private func statement(
        on route: EffectiveRoute, method: HTTPMethod?, matching matches: (PolicyXMLElement) -> Bool,
        broader: (HTTPMethod?) -> (owner: String, name: String)?
    ) -> (owner: String, name: String)? {
        let own = route.written.policy?.document
        if let own, let name = Self.first(in: own, fragments: fragments, method: method, matching: matches) {
            return ("route '\(apiNames[route.apiIndex])/\(route.written.id.value)'", name)
        }
        guard (own?.keepsInboundBase ?? true) else { return nil }
        return broader(method)
    }

    /// A raw statement of `kind` (an answer, a private cache lookup, or one that replaces
    /// the caller's `Authorization` header) that runs before the token check of `route`: the
    /// generated one, or where the route has none, the first raw check on every request. A
    /// condition does not make such a statement safer, so one inside `choose` or `retry`
    /// counts, and so does one in a product's policy, which runs for the product's
    /// subscribers before the API's. Each audience's way is walked apart: a product's check
    /// stops the walk for its own subscribers alone (a product's check hid a route's answer
    /// before its own check from the callers of no product, round 51). An answer or a
    /// private cache lookup must also follow the generated check of the route's scopes or
    /// roles, which a raw token check before it does not make; `afterATokenCheck` tells one
    /// that only that check precedes.
    func statementBeforeAnyTokenCheck(_ kind: Kind, on route: EffectiveRoute) -> (owner: String, name: String, afterATokenCheck: Bool)? {
        guard mayMeet(kind, on: route) else { return nil }
        // A branch on the method is judged by the route's method (``methodBranchesSee(on:)``).
        let method = methodBranchesSee(on: route)
        let walk = BeforeTokenCheck(
            kind: kind, method: method, authenticated: route.isAuthenticated,
            // The generated check of the scopes or roles the route requires comes after the
            // raw token checks before it, and an answer must follow it too.
            searchesPastCheck: kind != .callerCredentialsReplaced && route.isAuthenticated
                && (route.written.scopes != nil || route.written.appRoles != nil))
        return firstFound(overTheAudiencesOf: route) { order in
            guard order.contains(where: { holdsTokenCheck($0, authenticated: route.isAuthenticated, method: method) }) else { return nil }
            var met: Bool?
            guard case .found(let owner, let name, let afterATokenCheck) = beforeTokenCheck(in: order, walk, met: &met, readLater: TokenReads()) else { return nil }
            return (owner, name, afterATokenCheck)
        }
    }

    /// What puts credentials where the raw token check of `route` reads them, before that
    /// check runs (``statementBeforeAnyTokenCheck(_:on:)`` of
    /// ``Kind/callerCredentialsReplaced``): a raw statement, or the statements generated
    /// from the definitions (``placesTheDefinitionsSet(on:replacing:)``), which run after
    /// `<base />` of the route's policy and so before a check written after it.
    enum CredentialsPlaced {
        case raw(owner: String, name: String)
        case definitions(setter: String, place: CredentialPlace)
    }

    func credentialsPlacedBeforeTokenCheck(on route: EffectiveRoute) -> CredentialsPlaced? {
        // The generated token check comes before the generated changes: only a route
        // without one may meet them before a raw check.
        let declared = route.isAuthenticated ? [] : placesTheDefinitionsSet(on: route).filter { checked.reads($0.place) }
        guard mayMeet(.callerCredentialsReplaced, on: route) || !declared.isEmpty else { return nil }
        let method = methodBranchesSee(on: route)
        var walk = BeforeTokenCheck(kind: .callerCredentialsReplaced, method: method, authenticated: route.isAuthenticated, searchesPastCheck: false)
        walk.declared = declared
        return firstFound(overTheAudiencesOf: route) { order in
            guard order.contains(where: { holdsTokenCheck($0, authenticated: route.isAuthenticated, method: method) }) else { return nil }
            var met: Bool?
            switch beforeTokenCheck(in: order, walk, met: &met, readLater: TokenReads()) {
            case .found(let owner, let name, _): return .raw(owner: owner, name: name)
            case .setByDefinitions(let setter, let place): return .definitions(setter: setter, place: place)
            case .stopped, .passed: return nil
            }
        }
    }

    /// What ``statementBeforeAnyTokenCheck(_:on:)`` looks for, on a route.
    private struct BeforeTokenCheck {
        var kind: Kind
        var method: HTTPMethod?
        var authenticated: Bool
        /// Whether the walk goes on past the first token check, to the generated one.
        var searchesPastCheck: Bool
        /// The places the generated statements set, with what sets each, that a check may read.
        var declared: [(place: CredentialPlace, setter: String)] = []
    }

    /// Walks `entries` for a statement of the walk's kind before the token check: every
    /// statement before the first check, and a check's own branches before their checks;
    /// past it, to the generated check, when the walk says so. `met` tells whether a check
    /// came before the entries (nil when none did) and whether it read `Authorization`
    /// alone, and becomes what it is after them; `readLater`, where token checks after
    /// the entries read.
    private func beforeTokenCheck(in entries: [InboundRun.Entry], _ walk: BeforeTokenCheck, met: inout Bool?, readLater: TokenReads)
        -> InboundRun.Outcome
    {
        // Credentials put where no later check reads a token (to the end of inbound: the
        // route's own checks too) are the backend's. What is read after each entry, found
        // once from the end, not again for every entry.
        var readAfter: [TokenReads] = []
        if walk.kind == .callerCredentialsReplaced {
            readAfter = Array(repeating: readLater, count: entries.count + 1)
            for index in entries.indices.reversed() {
                readAfter[index] = tokenReads(entries[index], authenticated: walk.authenticated, after: readAfter[index + 1])
            }
        }
        func search(_ owner: String, _ statements: [PolicyXMLElement], reading read: Set<CredentialPlace>, afterATokenCheck: Bool) -> InboundRun.Outcome? {
            // A lookup keyed on the token is harmless only after a check of that token: one
            // in 'Authorization', where the lookup reads it.
            let checksAuthorization = met ?? false
            let spared = { (statement: PolicyXMLElement) in
                guard walk.kind == .callerCredentialsReplaced else { return afterATokenCheck && checksAuthorization && Self.keysOnTheToken(statement) }
                let places = self.checked.places(setBy: statement)
                return !places.contains { place in read.contains { $0.mayBe(place) } }
            }
            for statement in statements {
                var visited = Set<String>()
                if let found = first(walk.kind, atAnyDepthIn: statement, visited: &visited, method: walk.method, sparing: spared) {
                    return .found(owner: owner, name: found, afterATokenCheck: afterATokenCheck)
                }
            }
            return nil
        }
        for (index, entry) in entries.enumerated() {
            switch entry {
            case .generated:
                if walk.searchesPastCheck || (walk.authenticated && met == nil) { return .stopped }
                // The definitions' changes, before the route's raw statements after `<base />`.
                if let (place, setter) = walk.declared.first(where: { declared in readAfter[index + 1].places.contains { $0.mayBe(declared.place) } }) {
                    return .setByDefinitions(setter: setter, place: place)
                }
            case .statement(let owner, let statement):
                if met == nil, isTokenCheck(statement, method: walk.method) {
                    var visited = Set<String>()
                    let read = readAfter.isEmpty ? [] : readAfter[index].places
                    if let found = search(owner.name, leadingStatements(of: statement, method: walk.method, visited: &visited), reading: read, afterATokenCheck: false) {
                        return found
                    }
                    met = checked.tokenPlaces(of: statement) == [.header("authorization")]
                    guard walk.searchesPastCheck else { return .stopped }
                }
                // What a setter inside the statement copies into a variable a later check
                // reads counts wherever in the statement it stands: the order within one
                // statement is not followed (audit V10: a header replaced, then copied, in
                // one `choose` went unreported once order was read between statements).
                let read = readAfter.isEmpty ? [] : readAfter[index + 1].places.union(placesCopied(within: statement, into: readAfter[index + 1].variables))
                if let found = search(owner.name, [statement], reading: read, afterATokenCheck: met != nil) { return found }
            case .run(let run):
                let later = readAfter.isEmpty ? TokenReads() : readAfter[index + 1]
                let question = InboundRun.Question.beforeTokenCheck(
                    walk.kind, method: walk.method, searchesPastCheck: walk.searchesPastCheck, met: met, readLater: later)
                let before = met
                let outcome = run.answers.value(for: question) {
                    var inside = before
                    return beforeTokenCheck(in: run.entries, walk, met: &inside, readLater: later)
                }
                guard case .passed = outcome else { return outcome }
                if met == nil, let check = tokenCheck(in: entry, method: walk.method) { met = checked.tokenPlaces(of: check) == [.header("authorization")] }
            }
        }
        return .passed
    }

    /// Whether a policy `route`'s requests pass holds a statement of `kind` in `inbound`,
    /// at any depth: told by ``holders`` before the route's statements are walked.
    private func mayMeet(_ kind: Kind, on route: EffectiveRoute) -> Bool {
        guard let walked = Kind.atAnyDepth.firstIndex(of: kind) else { return false }
        return mayMeet(kind, on: route, holders[walked])
    }

    private func mayMeet(_ kind: Kind, on route: EffectiveRoute, _ holders: Holders) -> Bool {
        if let own = route.written.policy?.document, Self.holds(kind, inboundOf: own, orFragments: holders.fragments, checked) { return true }
        return holders.apis[route.apiIndex] || holders.global || route.products.contains(where: { holders.products[$0] })
    }

    /// Whether a raw `return-response` or `mock-response` answers every request of `route`
    /// in `inbound`, wherever it stands: its backend is then never called, as with a
    /// `respond` (``diff`` weighs one removed from a public route as a `respond` removed).
    /// Each policy is read once, for every route that runs it (`diff` asks of every route:
    /// walking each route's inbound order took 100 s on an estate of 2,000 routes including
    /// 50 large fragments, 18 s with the broader policies' walks shared). A branch on the
    /// method is not judged by the route's (that reads every statement for a `set-method`):
    /// an answer in the branch of the route's method is taken for some requests' only.
    func answersEveryRequest(on route: EffectiveRoute) -> Bool {
        let holders = replyHolders.value { Self.holders(of: .reply, global: global, products: products.map(\.1), apis: apis, fragments: fragments, checked) }
        guard mayMeet(.reply, on: route, holders) else { return false }
        let answering = everyPathReplies.value {
            AnsweringPolicies(
                global: answers(global), productsPassOn: products.map { answersOrRunsBase($0.1) }, apis: apis.map(answers), apisPassOn: apis.map(answersOrRunsBase))
        }
        if let own = route.written.policy?.document {
            if answers(own) { return true }
            guard answersOrRunsBase(own) else { return false }
        }
        if answering.apis[route.apiIndex] { return true }
        guard answering.apisPassOn[route.apiIndex] else { return false }
        // A product's policy runs for its subscribers alone: its answer leaves the callers of
        // no product calling the backend (taken for every caller's, it hid a public route's
        // `respond` removed); one without `<base />` keeps its own from the gateway's answer,
        // unless it answers them itself.
        return answering.global && route.products.allSatisfy { answering.productsPassOn[$0] }
    }

    /// Whether every path through `document`'s `inbound` answers or runs `<base />`, so that
    /// the broader policies' answer answers what it does not: one with `<base />` in a
    /// `when` and an answer in its `otherwise` passes none on to the backend (audit V22, a
    /// false increase in `diff`).
    private func answersOrRunsBase(_ document: PolicyXMLDocument?) -> Bool {
        guard let document, !document.keepsInboundBase else { return true }
        var visited = Set<String>()
        return document.inboundStatements.contains { statement in
            Self.onEveryPath(statement, fragments: fragments, method: nil, visited: &visited) { $0.name == "base" || Kind.reply.matches($0, checked) } != nil
        }
    }

    /// Whether a statement of `document`'s `inbound` answers on every path a request takes.
    private func answers(_ document: PolicyXMLDocument?) -> Bool {
        guard let document else { return false }
        var visited = Set<String>()
        return document.inboundStatements.contains { Self.onEveryPath(.reply, $0, fragments: fragments, checked, method: nil, visited: &visited) != nil }
    }

    /// The first raw statement that turns callers away (``Kind/gates``) in `route`'s own
    /// policy after the statements generated for it, its cache lookup among them: after
    /// `<base />` at the top of `inbound`, or anywhere there when it has none there. A
    /// cached answer skips it.
    func ownGateAfterGenerated(on route: EffectiveRoute) -> String? {
        guard let own = route.written.policy?.document, own.has(anyOf: Kind.gate.names) || (!fragments.isEmpty && own.has(anyOf: Self.includeFragment)) else {
            return nil
        }
        let parts = Self.split(own)
        var visited = Set<String>()
        for statement in parts.generatedFirst ? parts.before + parts.afterBase : parts.after {
            if let found = first(.gate, atAnyDepthIn: statement, visited: &visited, method: methodBranchesSee(on: route)) { return found }
        }
        return nil
    }

    /// A raw call to another service, or the request sent on (``Kind/call``), that a request
    /// of `route` may meet before the first raw limit that counts every request: past the
    /// limit, such calls go on uncounted, each hitting what they call. A condition does not
    /// make it safer; a limit in a product's policy counts only its subscribers. With how
    /// messages name the policy it is in.
    func callBeforeRawLimit(on route: EffectiveRoute) -> (owner: String, name: String)? {
        guard mayMeet(.call, on: route) else { return nil }
        let method = methodBranchesSee(on: route)
        return firstFound(overTheAudiencesOf: route) { callBeforeRawLimit(in: $0, method: method, api: route.apiIndex).statement }
    }

    private func callBeforeRawLimit(in entries: [InboundRun.Entry], method: HTTPMethod?, api: Int) -> InboundRun.Outcome {
        var visited = Set<String>()
        for entry in entries {
            switch entry {
            case .generated: continue
            case .statement(let owner, let statement):
                var expanded = Set<String>()
                if !owner.isAProducts, Self.onEveryPath(.rateLimit, statement, fragments: fragments, checked, method: method, api: api, visited: &expanded) != nil {
                    return .stopped
                }
                if let found = first(.call, atAnyDepthIn: statement, visited: &visited, method: method) {
                    return .found(owner: owner.name, name: found, afterATokenCheck: false)
                }
            case .run(let run):
                let outcome = run.answers.value(for: .callBeforeRawLimit(method: method, api: api)) { callBeforeRawLimit(in: run.entries, method: method, api: api) }
                guard case .passed = outcome else { return outcome }
            }
        }
        return .passed
    }

    /// A raw statement of `kind` (an answer, a cache lookup) that a request of `route` meets
    /// before the statements Portcullis generates for it, its IP filter first among them:
    /// in a broader policy, or before `<base />` in the route's own. A condition does not
    /// make it safer. With how messages name the policy it is in.
    func statementBeforeGenerated(_ kind: Kind, on route: EffectiveRoute) -> (owner: String, name: String)? {
        guard mayMeet(kind, on: route) else { return nil }
        let method = methodBranchesSee(on: route)
        return firstFound(overTheAudiencesOf: route) { first(kind, in: $0, method: method, toGenerated: true).statement }
    }

    /// The first statement of `kind` among `entries`, at any depth, on a request of `method`
    /// (nil: of any method, where something may change it: ``methodBranchesSee(on:)``);
    /// only before the generated statements when `toGenerated` says so.
    private func first(_ kind: Kind, in entries: [InboundRun.Entry], method: HTTPMethod?, toGenerated: Bool) -> InboundRun.Outcome {
        var visited = Set<String>()
        for entry in entries {
            switch entry {
            case .generated: if toGenerated { return .stopped }
            case .statement(let owner, let statement):
                if let found = first(kind, atAnyDepthIn: statement, visited: &visited, method: method) {
                    return .found(owner: owner.name, name: found, afterATokenCheck: false)
                }
            case .run(let run):
                // A run holds no generated statements: the answer serves both walks.
                let outcome = run.answers.value(for: .first(kind, method: method)) { first(kind, in: run.entries, method: method, toGenerated: false) }
                guard case .passed = outcome else { return outcome }
            }
        }
        return .passed
    }

    /// What the first token check a request of `route` meets asks of its caller, for each
    /// of the route's audiences (``audiences(of:)``) whose answer differs: a product's
    /// check runs for that product's subscribers alone (audit V16 found one taken for every
    /// caller's first check, where the callers of another product met a check of another
    /// header first). Asked of every route again for each scope with a lookup or a store
    /// (audit V17: 20 products' took 19 s), so found once for each route; only the run of
    /// the broader policies differs between audiences, so what the route's own policy runs
    /// before and after it is read once. Given `scope`, only the audiences whose requests
    /// run its policy: a statement there is met by no other caller (audit V19 found a
    /// product's lookup after its check of `Authorization` judged by the callers of no
    /// product, and an API's or the gateway's lookup judged by callers whose route's or
    /// product's policy skips it). Only `inbound`'s `<base />` decides who runs a statement
    /// of `inbound`; a statement elsewhere (a store in `outbound`) runs for each audience
    /// whose products hold it, however the request went through `inbound` (audit V21: a
    /// product's store went unjudged where an API's `<base />` runs on some paths only).
    func callersCredentials(on route: EffectiveRoute, meeting scope: RawScope? = nil, inInbound: Bool = true) -> Set<CallersCredentials> {
        let found = routesCallersCredentials.value(for: ObjectIdentifier(route)) {
            var found = RouteCredentials()
            for throughOwnBase in ownReadings(of: route) { found.add(callersCredentials(on: route, throughPartialBase: throughOwnBase)) }
            found.reachingBroader = Set(found.byRun.values)
            found.everyCaller = found.reachingBroader.union(found.alone.map { [$0] } ?? [])
            return found
        }
        guard let scope else { return found.everyCaller }
        let broader = { self.broaderCredentials(of: route) }
        if let products = scope.products {
            let answers = broader().byProduct
            var callers = Set(products.flatMap { (inInbound ? answers[$0]?.runningIt : answers[$0]?.onEveryWay) ?? [] }.compactMap { found.byRun[$0] })
            if !inInbound, let alone = found.alone { callers.insert(alone) }
            return callers
        }
        guard inInbound else { return found.everyCaller }
        switch scope.level {
        case .global: return Set(broader().reachingTheGateway.compactMap { found.byRun[$0] })
        case .api: return found.reachingBroader
        default: return found.everyCaller
        }
    }

    /// ``callersCredentials(on:meeting:inInbound:)`` of a route read one way through its own
    /// policy's `<base />` on some paths only.
    private func callersCredentials(on route: EffectiveRoute, throughPartialBase: Bool) -> RouteCredentials {
        let (before, after, reachesBroader) = ownWay(of: route, throughPartialBase: throughPartialBase)
        let holdsACheck = { (entry: InboundRun.Entry) in self.holdsTokenCheck(entry, authenticated: route.isAuthenticated, method: nil) }
        let placesBefore = before.first(where: holdsACheck).map(places(readByTheCheckIn:))
        let requiredBefore = requiresTheCallersAuthorization(in: before, of: route)
        lazy var placesAfter = after.first(where: holdsACheck).map(places(readByTheCheckIn:))
        lazy var requiredAfter = requiresTheCallersAuthorization(in: after, of: route)
        func credentials(_ run: BroaderCredentials) -> CallersCredentials {
            CallersCredentials(
                places: placesBefore ?? run.places ?? placesAfter,
                requiresTheCallersAuthorization: requiredBefore ?? run.requiresTheCallersAuthorization ?? requiredAfter ?? false)
        }
        // A policy without `<base />` runs no broader policy, for any audience, nor one read past it.
        guard reachesBroader else { return RouteCredentials(alone: credentials(BroaderCredentials())) }
        return RouteCredentials(byRun: Dictionary(uniqueKeysWithValues: broaderCredentials(of: route).all.map { ($0, credentials($0)) }))
    }

    /// ``callersCredentials(on:meeting:inInbound:)`` of a route: for the requests that run no
    /// broader policy, and for each answer of the broader runs of its API's audiences. A
    /// policy with `<base />` on some paths only has both.
    private struct RouteCredentials: Sendable {
        var alone: CallersCredentials?
        var byRun: [BroaderCredentials: CallersCredentials] = [:]
        /// The answers of ``byRun``, and with ``alone``: asked of every route for each scope.
        var reachingBroader: Set<CallersCredentials> = []
        var everyCaller: Set<CallersCredentials> = []

        /// One way through the route's own policy reaches the broader runs, the other not.
        mutating func add(_ other: RouteCredentials) {
            alone = alone ?? other.alone
            byRun.merge(other.byRun) { first, _ in first }
        }
    }

    /// The entries of `route`'s inbound order besides the broader policies' run, which are
    /// the same for every audience: those before the run and those after it, with whether
    /// the route reaches the run at all (a policy without `<base />` does not, nor one read
    /// past its `<base />` on some paths only).
    private func ownWay(of route: EffectiveRoute, throughPartialBase: Bool = false)
        -> (before: ArraySlice<InboundRun.Entry>, after: ArraySlice<InboundRun.Entry>, reachesBroader: Bool)
    {
        let order = inboundOrder(of: route, products: [], through: PartialBases(route: throughPartialBase))
        guard let run = order.firstIndex(where: { if case .run = $0 { true } else { false } }) else { return (order[...], [], false) }
        return (order[..<run], order[(run + 1)...], true)
    }

    /// What the broader policies' run asks of the callers of each of `route`'s audiences:
    /// every answer, and each product's subscribers'. The same for every route of the API,
    /// whose products are the API's, so found once for each (400 products holding checks
    /// over 4,000 routes looked up 1.6 million runs).
    private func broaderCredentials(of route: EffectiveRoute) -> BroaderAnswers {
        apisBroaderCredentials.value(for: route.apiIndex) {
            var answers = BroaderAnswers()
            for audience in audiences(of: route) {
                for through in broaderReadings(of: route, products: audience) {
                    let run = broaderRun(of: route, products: audience, through: through)
                    let checks = holdsTokenCheck(.run(run), authenticated: false, method: nil)
                    let credentials = BroaderCredentials(
                        places: checks ? places(readByTheCheckIn: .run(run)) : nil,
                        requiresTheCallersAuthorization: requiresTheCallersAuthorization(in: [.run(run)], of: route))
                    answers.all.insert(credentials)
                    let running = runsProducts(of: route, through: through)
                    for product in audience {
                        answers.byProduct[product, default: ProductsAnswers()].onEveryWay.insert(credentials)
                        if running { answers.byProduct[product, default: ProductsAnswers()].runningIt.insert(credentials) }
                    }
                    guard running else { continue }
                    if audience.allSatisfy({ (products[$0].document?.keepsInboundBase ?? true) || through.products }) {
                        answers.reachingTheGateway.insert(credentials)
                    }
                }
            }
            return answers
        }
    }

    /// ``broaderCredentials(of:)``: every audience's answer, each product's subscribers'
    /// (the callers of no product meet one of the first alone), and those of the requests
    /// whose way runs the gateway's policy.
    private struct BroaderAnswers: Sendable {
        var all: Set<BroaderCredentials> = []
        var byProduct: [Int: ProductsAnswers] = [:]
        var reachingTheGateway: Set<BroaderCredentials> = []
    }

    /// The answers of the broader runs of the audiences holding one product: on every way,
    /// and on the ways whose `inbound` runs its policy.
    private struct ProductsAnswers: Sendable {
        var onEveryWay: Set<BroaderCredentials> = []
        var runningIt: Set<BroaderCredentials> = []
    }

    /// What one audience's run of the broader policies asks of its callers: where its
    /// first token check reads their credentials, and whether it requires their own
    /// `Authorization`; nil for what the run does not decide.
    private struct BroaderCredentials: Hashable, Sendable {
        var places: Set<CredentialPlace>?
        var requiresTheCallersAuthorization: Bool?
    }

    /// What the first token check of one audience's requests asks of its callers
    /// (``callersCredentials(on:meeting:inInbound:)``).
    struct CallersCredentials: Hashable, Sendable {
        /// Where it reads the caller's credentials: `Authorization` for the generated check;
        /// for a raw one its header, query parameter, or nothing of the request (a
        /// certificate). Nil where nothing checks a token.
        let places: Set<CredentialPlace>?
        /// Whether every such request must bring the caller's own `Authorization` to pass a
        /// token check that reads it alone, or a `check-header` of it, nothing having written
        /// it before: the generated check, or a raw one after a check of another header
        /// (audit V12 found a route that must pass both taken for one whose requests APIM
        /// caches). A write before the check (a managed identity's token, a `set-header` even
        /// with `skip`) lets a caller without one through on the gateway's (audit V16).
        let requiresTheCallersAuthorization: Bool
    }

    /// The sets of products whose policies a request of `route` runs, as far as its token
    /// checks tell: each of its products alone, for that product's subscribers, where its
    /// policy may change what they meet of a check (one that drops the gateway's policy,
    /// or whose `inbound`, its fragments too, holds a token check, a `check-header` or a
    /// write of `Authorization`); and the rest of its products together with the callers of
    /// none, a request without a subscription or with one to all APIs or to the API alone
    /// (APIM runs no product's policy for those). The rest hold nothing a walk to a check
    /// stops at or a check asks, so reading their statements for every such caller only
    /// finds more of what a walk looks for (an estate of 50 products over 4,000 routes
    /// walked every route's way 51 times with one set for each product).
    private func audiences(of route: EffectiveRoute) -> [[Int]] {
        let shaping = productsShaping()
        return [route.products.filter { !shaping[$0] }] + route.products.filter { shaping[$0] }.map { [$0] }
    }

    /// Whether a product of `route` is read apart (``audiences(of:)``): only then may its
    /// subscribers meet a token check that the questions of every request do not find.
    func hasAProductReadApart(_ route: EffectiveRoute) -> Bool {
        let shaping = productsShaping()
        return route.products.contains { shaping[$0] }
    }

    /// By product, whether its policy may change what a token check decides for its
    /// subscribers (``audiences(of:)``).
    private func productsShaping() -> [Bool] {
        productsShapingCredentials.value {
            products.map { product in
                guard let document = product.document else { return false }
                guard document.keepsInboundBase else { return true }
                var checks = false
                var visited = Set<String>()
                for statement in document.inboundStatements {
                    statement.forEachElement(expanding: fragments, visited: &visited) { element in
                        if Kind.tokenChecks.contains(element.name) || element.name == "check-header" { checks = true }
                    }
                }
                return checks || Self.authorizationWriteKinds.contains { write in
                    credentialPlacesWritten(by: document.inboundStatements, write).contains { $0.mayBe(.header("authorization")) }
                }
            }
        }
    }

    /// The first answer `find` gives for the inbound order of one of `route`'s audiences
    /// (``audiences(of:)``): a product's check stops a walk for its own subscribers alone,
    /// and a product without `<base />` drops the gateway's statements from theirs alone.
    /// Each audience's way is read through every `<base />` that runs on some paths only
    /// and past it (``readings(of:products:)``); a way alike for every audience, one that
    /// meets no product's policy, is read once.
    private func firstFound<Found>(overTheAudiencesOf route: EffectiveRoute, _ find: ([InboundRun.Entry]) -> Found?) -> Found? {
        var read = Set<WayWithoutProducts>()
        for products in audiences(of: route) {
            for through in readings(of: route, products: products) {
                let reachesBroader = reachesBroader(route, throughOwnBase: through.route)
                if !reachesBroader || !runsProducts(of: route, through: through) {
                    guard read.insert(WayWithoutProducts(throughOwnBase: through.route, reachesBroader: reachesBroader)).inserted else { continue }
                }
                if let found = find(inboundOrder(of: route, products: products, through: through)) { return found }
            }
        }
        return nil
    }

    /// A way of a route that meets no product's policy, the same for every audience: how it
    /// reads the route's own policy, and whether it meets the API's.
    private struct WayWithoutProducts: Hashable {
        let throughOwnBase: Bool
        let reachesBroader: Bool
    }

    /// The ways the requests of an audience running `products` may take through the
    /// policies on `route`'s way that run `<base />` on some paths only: past each, and
    /// through it, in every combination; one way where none does, as on most estates.
    /// Read past it alone, the broader policies' statements went unseen by the requests
    /// that run them (audit V20 found the gateway's replacement of the header a product
    /// checks, where the product runs `<base />` in one branch).
    private func readings(of route: EffectiveRoute, products: [Int]) -> [PartialBases] {
        let broader = broaderReadings(of: route, products: products)
        return ownReadings(of: route).flatMap { throughOwnBase in
            broader.map { reading in
                var through = reading
                through.route = throughOwnBase
                return through
            }
        }
    }

    /// Whether ways are read past the `<base />` of `route`'s own policy (false) and through
    /// it (true): both where it runs on some paths only.
    private func ownReadings(of route: EffectiveRoute) -> [Bool] {
        route.written.policy?.document?.inboundStatementHoldingBaseOnSomePaths == nil ? [false] : [false, true]
    }

    /// ``readings(of:products:)`` of the broader policies alone.
    private func broaderReadings(of route: EffectiveRoute, products: [Int]) -> [PartialBases] {
        var readings = [PartialBases()]
        func fork(_ partial: Bool, _ path: WritableKeyPath<PartialBases, Bool>) {
            guard partial else { return }
            readings += readings.map { reading in
                var through = reading
                through[keyPath: path] = true
                return through
            }
        }
        fork(apis[route.apiIndex]?.inboundStatementHoldingBaseOnSomePaths != nil, \.api)
        // Such a product is read apart (``audiences(of:)``): only an audience of one holds it.
        fork(products.count == 1 && self.products[products[0]].document?.inboundStatementHoldingBaseOnSomePaths != nil, \.products)
        return readings
    }

    /// Whether a way through `route`'s own policy, read through its `<base />` on some paths
    /// only or past it, meets the broader policies: every one without a policy of its own.
    private func reachesBroader(_ route: EffectiveRoute, throughOwnBase: Bool) -> Bool {
        route.written.policy?.document.map { $0.keepsInboundBase || (throughOwnBase && $0.inboundStatementHoldingBaseOnSomePaths != nil) } ?? true
    }

    /// Whether the products of an audience run on the way `through` reads: the API's
    /// policy runs `<base />`, on every path or on the paths the reading takes.
    private func runsProducts(of route: EffectiveRoute, through: PartialBases) -> Bool {
        (apis[route.apiIndex]?.keepsInboundBase ?? true) || through.api
    }

    /// Whether `statement` holds on every path a `check-header` of `Authorization`, which
    /// refuses a request without the header.
    private func checksTheAuthorizationHeader(onEveryPathOf statement: PolicyXMLElement) -> Bool {
        var visited = Set<String>()
        return Self.onEveryPath(statement, fragments: fragments, method: nil, visited: &visited) { element in
            guard element.name == "check-header", case .text(let name)? = element.attribute("name")?.value else { return false }
            return name.trimmingWhitespace.lowercased() == "authorization"
        } != nil
    }

    /// ``CallersCredentials/requiresTheCallersAuthorization`` of the requests that meet
    /// `entries`: the first of a check and a write there decides; nil for neither.
    private func requiresTheCallersAuthorization(in entries: some Collection<InboundRun.Entry>, of route: EffectiveRoute) -> Bool? {
        // A run's is found once for every route.
        func first(in entries: some Collection<InboundRun.Entry>) -> Bool? {
            for entry in entries {
                let found: Bool? =
                    switch entry {
                    case .run(let run): run.requiresTheCallersAuthorization.value { first(in: run.entries) }
                    case .statement(_, let statement) where credentialPlacesWritten(by: CollectionOfOne(statement)).contains(where: { $0.mayBe(.header("authorization")) }): false
                    // The generated check comes before the generated header changes.
                    case .generated where !route.isAuthenticated && !authorizationWritesGenerated(on: route).isEmpty: false
                    // A `check-header` refuses a request without it, as a token check does (audit V15, a false error).
                    case .statement(_, let statement) where checksTheAuthorizationHeader(onEveryPathOf: statement): true
                    default: holdsTokenCheck(entry, authenticated: route.isAuthenticated, method: nil) && places(readByTheCheckIn: entry) == [.header("authorization")] ? true : nil
                    }
                if let found { return found }
            }
            return nil
        }
        return first(in: entries)
    }

    /// How the statements of `scope`'s document a request meets before each of
    /// `statements` may write the caller's `Authorization` header: one before it there or in
    /// a fragment included before it; with whether the broader policies run after the
    /// statement, which stands before every `<base />` of the section (one may run on some
    /// paths only: audit V16), or which has none, where they never run (audit V16 found a
    /// gateway's removal read before the lookup of a route policy without one); never for a
    /// fragment's, which runs wherever it is included. The document is read once for all of
    /// them (audit V18: 800 lookups in one policy).
    func authorizationWrites(beforeEachOf statements: [PolicyXMLElement], in scope: RawScope) -> [(own: Set<CredentialPlace.Write>, broaderRunAfter: Bool)] {
        var writes: [(at: Int, kinds: Set<CredentialPlace.Write>)] = []
        scope.forEachInboundStatement(before: nil, fragments: fragments) { element, _, at in
            let kinds = Set(Self.authorizationWriteKinds.filter { write in checked.places(setBy: element, write).contains { $0.mayBe(.header("authorization")) } })
            if !kinds.isEmpty { writes.append((at, kinds)) }
        }
        var firstBase: Int?
        if scope.level != .fragment {
            var first = Int.max
            for statement in scope.document.inboundStatements {
                statement.forEachElement { if $0.name == "base" { first = min(first, $0.span.lowerBound) } }
            }
            // A `<base />` on some paths only runs the broader policies before any statement.
            if scope.document.inboundBaseStatement != nil || first == .max { firstBase = first }
        }
        return statements.map { statement in
            let own = writes.reduce(into: Set<CredentialPlace.Write>()) { own, write in if write.at < statement.span.lowerBound { own.formUnion(write.kinds) } }
            return (own, firstBase.map { statement.span.upperBound <= $0 } ?? false)
        }
    }

    /// How the policies on `route`'s way other than `scope`'s may write the caller's
    /// `Authorization` before a statement of `scope`'s: in a narrower policy, a statement
    /// before its `<base />` (where the broader policies run); in a broader policy, any,
    /// unless `broaderRunAfter` (``authorizationWrites(beforeEachOf:in:)``). A product's policy
    /// beside another's, and every policy on a fragment's way, are read whole, each once.
    func authorizationWrites(ofPoliciesBesides scope: RawScope, on route: EffectiveRoute, broaderRunAfter: Bool) -> Set<CredentialPlace.Write> {
        // The generated statements run after the route's `<base />` at the top of its
        // `inbound`, or first where none stands there (audit V18: one in a `choose`): before
        // a statement of its own after that `<base />`, of a broader policy only where they
        // run first.
        let generatedBefore =
            switch scope.level {
            case .fragment: true
            case .operation: !broaderRunAfter || Self.runsGeneratedFirst(scope.document)
            default: route.written.policy?.document.map(Self.runsGeneratedFirst) ?? false
            }
        var writes = generatedBefore ? authorizationWritesGenerated(on: route) : []
        func written(by document: PolicyXMLDocument?, at level: PolicyScope) -> Set<CredentialPlace.Write> {
            guard let document, document !== scope.document else { return [] }
            let narrower = scope.level != .fragment && level.rank > scope.level.rank
            if scope.level != .fragment, level.rank < scope.level.rank, broaderRunAfter { return [] }
            return authorizationWriters.value(for: .init(document: ObjectIdentifier(document), beforeBase: narrower)) {
                let statements = narrower ? Self.split(document).before : document.inboundStatements
                return Set(Self.authorizationWriteKinds.filter { write in credentialPlacesWritten(by: statements, write).contains { $0.mayBe(.header("authorization")) } })
            }
        }
        writes.formUnion(written(by: global, at: .global))
        // The products are the API's: read once for every route of it (audit V19: 200 products' lookups over 4,000 routes read every product again for each).
        // Of a product's statement, only that product's way (audit V20: another product's removal counted).
        writes.formUnion(
            productsAuthorizationWrites.value(for: .init(api: route.apiIndex, besides: ObjectIdentifier(scope.document), broaderRunAfter: broaderRunAfter)) {
                route.products.reduce(into: []) { writes, product in
                    if scope.products?.contains(product) ?? true { writes.formUnion(written(by: products[product].document, at: .product)) }
                }
            })
        writes.formUnion(written(by: apis[route.apiIndex], at: .api))
        writes.formUnion(written(by: route.written.policy?.document, at: .operation))
        return writes
    }

    private static let authorizationWriteKinds: [CredentialPlace.Write] = [.given, .replaced, .removed]

    /// How the statements generated for `route` write the caller's `Authorization`: its
    /// API's and its own `request.headers` (audit V17 found a header removed or given there
    /// read as no write).
    func authorizationWritesGenerated(on route: EffectiveRoute) -> Set<CredentialPlace.Write> {
        guard route.written.answer == nil else { return [] }
        let own = route.written.request.map { Self.authorizationWrites(of: $0, namedValues) } ?? []
        return declaredAuthorizationWrites[route.apiIndex].union(own)
    }

    private static func authorizationWrites(of request: RequestShaping, _ namedValues: KnownNamedValues) -> Set<CredentialPlace.Write> {
        Set(authorizationWriteKinds.filter { request.places($0, resolving: namedValues.resolved).contains { $0.mayBe(.header("authorization")) } })
    }

    /// Where the token check `entry` holds reads the caller's credentials
    /// (``credentialPlaces(on:)``).
    private func places(readByTheCheckIn entry: InboundRun.Entry) -> Set<CredentialPlace> {
        guard let statement = tokenCheck(in: entry, method: nil) else { return [.header("authorization")] }
        var places = Set<CredentialPlace>()
        var visited = Set<String>()
        func collect(_ element: PolicyXMLElement) {
            if Kind.tokenChecks.contains(element.name) { return places.formUnion(checked.tokenPlaces(of: element)) }
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value {
                if visited.insert(id).inserted, let fragment = fragments[id] { fragment.rootElements.forEach(collect) }
                return
            }
            element.elements.forEach(collect)
        }
        collect(statement)
        return places
    }

    /// Where raw token checks read credentials (``CheckedCredentials/tokenPlaces(of:)``).
    func credentialPlaces(of checks: [PolicyXMLElement]) -> Set<CredentialPlace> {
        Set(checks.flatMap(checked.tokenPlaces(of:)))
    }

    /// The places where token checks may read credentials that a statement of `document`'s
    /// `inbound` writes (``CheckedCredentials/places(setBy:_:)``: a managed identity's token,
    /// a `set-header`), at any depth or in a fragment included there; not what a request
    /// sent elsewhere or an answer holds. A check after one judges the gateway's credentials.
    func credentialPlacesWritten(inInboundOf document: PolicyXMLDocument?) -> [CredentialPlace] {
        credentialPlacesWritten(by: document?.inboundStatements ?? [])
    }

    /// The credential places whose caller's value a statement of the inbound of a policy
    /// on `route`'s way replaces or removes (``CheckedCredentials/Write/replaced``): the
    /// gateway's, its products', its API's and its own, on every way of those of its
    /// audiences that hold one of `products` (all, where nil): a product's statements are
    /// met by its subscribers alone (audit V20: another product's replacement of the header
    /// a product checks counted against that product's store). The route's own statements
    /// are read once for each route, the audiences' broader runs once for each API (audit
    /// V20: 200 products' stores over 2,000 routes read every audience's way again for
    /// each, 100 s).
    func credentialPlacesReplaced(onTheWayOf route: EffectiveRoute, runningOneOf products: Set<Int>? = nil) -> [CredentialPlace] {
        let own = routesReplacedPlaces.value(for: ObjectIdentifier(route)) {
            // Read past a `<base />` on some paths only, the route's statements stand whole.
            let way = ownWay(of: route)
            return ([way.before, way.after].joined().flatMap { credentialPlacesReplaced(in: $0) }, ownReadings(of: route).contains { reachesBroader(route, throughOwnBase: $0) })
        }
        guard own.reachesBroader else { return own.places }
        let broader = apisReplacedPlaces.value(for: APIAndProducts(api: route.apiIndex, products: products)) {
            audiences(of: route).flatMap { audience in
                guard products.map({ !$0.isDisjoint(with: audience) }) ?? true else { return [CredentialPlace]() }
                // Every way, those past a partial `<base />` that runs no product's `inbound`
                // too: a store in a product's `outbound` runs on each, and is judged by their
                // callers (``callersCredentials(on:meeting:inInbound:)``).
                return broaderReadings(of: route, products: audience).flatMap { through in
                    credentialPlacesReplaced(in: .run(broaderRun(of: route, products: audience, through: through)))
                }
            }
        }
        return own.places + broader
    }

    /// ``credentialPlacesReplaced(onTheWayOf:runningOneOf:)`` of one entry of an inbound order.
    private func credentialPlacesReplaced(in entry: InboundRun.Entry) -> [CredentialPlace] {
        switch entry {
        case .generated: []
        case .run(let run): run.placesReplaced.value { run.entries.flatMap { credentialPlacesReplaced(in: $0) } }
        case .statement(_, let statement): credentialPlacesWritten(by: CollectionOfOne(statement), .replaced)
        }
    }

    /// ``credentialPlacesWritten(inInboundOf:)`` of some statements of `inbound`, written as
    /// `write` says.
    func credentialPlacesWritten(
        by statements: some Sequence<PolicyXMLElement>, _ write: CredentialPlace.Write = .given
    ) -> [CredentialPlace] {
        var written: [CredentialPlace] = []
        var visited = Set<String>()
        for statement in statements {
            // What a call or an answer holds sets another message's.
            statement.forEachElement(expanding: fragments, visited: &visited, skipping: { ["send-request", "send-one-way-request", "return-response"].contains($0.name) }) {
                if $0.name != "include-fragment" { written += checked.places(setBy: $0, write) }
            }
        }
        return written
    }

    /// A raw statement in the `on-error` a request of `route` passes that gives a caller
    /// whose check failed more than a written refusal: an answer kept from another call
    /// (`return-response` naming a response variable, or writing its body from a variable,
    /// which a cache lookup or another call may have filled) or the request sent on
    /// (`forward-request`, a `send-request` or `send-one-way-request` that may copy it). A
    /// failed check goes on to `on-error` (Microsoft Learn, "Error handling in API Management
    /// policies"), and so does a limit refused before the token check: no branch is spared
    /// by the error it tests.
    func onErrorBypass(on route: EffectiveRoute) -> (owner: String, name: String)? {
        let own = route.written.policy?.document
        if routesMayServeErrors, let name = Self.onErrorBypass(in: own, fragments: fragments, fragmentsMayServeErrors, checked.namedValues) {
            return ("route '\(apiNames[route.apiIndex])/\(route.written.id.value)'", name)
        }
        guard Self.keepsBase(in: "on-error", of: own) else { return nil }
        let api = onError.apis[route.apiIndex]
        if let name = api.bypass { return ("API '\(apiNames[route.apiIndex])'", name) }
        guard api.keepsBase else { return nil }
        for index in route.products {
            if let name = onError.products[index].bypass { return ("product '\(products[index].name)'", name) }
        }
        guard route.products.allSatisfy({ onError.products[$0].keepsBase }), let name = onError.global.bypass else { return nil }
        return ("the gateway", name)
    }

    /// The statement in a policy's `on-error`, at any depth and through the fragments it
    /// includes, that serves a failed check (``onErrorBypass(on:)``).
    static func onErrorBypass(
        in document: PolicyXMLDocument?, fragments: [String: PolicyXMLDocument], _ fragmentsMayServeErrors: Bool, _ values: NamedValueTable
    ) -> String? {
        guard let document else { return nil }
        // An `on-error` may answer without `return-response`: its statements shape the
        // answer the caller gets (found by an audit: a status of 200 and a cached body).
        // Through the fragments it includes too (found by an audit).
        if document.has(anyOf: statusSetters) || (fragmentsMayServeErrors && document.has(anyOf: includeFragment)),
            let writer = PolicyXMLElement.answerFromAVariable(
                in: document.statements(in: "on-error"), statusUnwritten: .failure, fragments: fragments, values: values)
        {
            return writer
        }
        guard document.has(anyOf: errorServers) || (fragmentsMayServeErrors && document.has(anyOf: includeFragment)) else { return nil }
        var visited = Set<String>()
        func bypass(_ element: PolicyXMLElement) -> String? {
            switch element.name {
            case "return-response" where element.attribute("response-variable-name") != nil || element.answersFromAVariable: return element.name
            case "forward-request": return element.name
            case "send-request" where element.copiesTheRequest(values), "send-one-way-request" where element.copiesTheRequest(values): return element.name
            case "include-fragment":
                guard case .text(let id)? = element.attribute("fragment-id")?.value, visited.insert(id).inserted, let fragment = fragments[id] else { return nil }
                return fragment.rootElements.firstResult(of: bypass)
            case "when" where Self.requiresAnErrorOfTheBackendCall(element.attribute("condition")?.value.resolved ?? ""):
                return nil
            default: return element.elements.firstResult(of: bypass)
            }
        }
        return document.statements(in: "on-error").firstResult(of: bypass)
    }

    /// Whether a `when`'s condition holds only for an error of the backend call: one of the
    /// terms it joins by `&&` alone, at its top, is `context.LastError.Source ==
    /// "forward-request"` (or `Equals`) and nothing more. APIM names there the policy where
    /// the error occurred (a policy's own `id` goes to `PolicyId`), and `forward-request`
    /// runs in `backend`, after every check in `inbound` passed (audit V69: Microsoft's
    /// sample that replays a request when the backend call fails was LP001). An error of
    /// any statement of `inbound` may come before the token check: a quota refused there
    /// (an audit). A comment, `||`, a choice or `??` at the top, or a term that compares the
    /// test again (`== false`, audit V71), holds otherwise.
    static func requiresAnErrorOfTheBackendCall(_ condition: String) -> Bool {
        let code = Array(condition.filter { !$0.isWhitespace }.utf8)
        guard code.count > 3, code[0] == UInt8(ascii: "@"), code[1] == UInt8(ascii: "("), code.last == UInt8(ascii: ")") else { return false }
        var terms: [String] = []
        var depth = 0
        var start = 2
        var index = 2
        let end = code.count - 1
        func byte(_ at: Int) -> UInt8? { at < end ? code[at] : nil }
        while index < end {
            let current = code[index]
            switch current {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                // A literal, to its closing quote: what it holds is no operator. A verbatim
                // or interpolated one reads quotes and backslashes otherwise (audit V73:
                // `@"\"` hid a `|| true`), and one left open may hide anything.
                if index > 0, code[index - 1] == UInt8(ascii: "@") || code[index - 1] == UInt8(ascii: "$") { return false }
                index += 1
                while index < end, code[index] != current { index += code[index] == UInt8(ascii: "\\") ? 2 : 1 }
                guard index < end else { return false }
            // A comment, or a directive that leaves lines out (`#if false`, audit V74).
            case UInt8(ascii: "/") where byte(index + 1) == UInt8(ascii: "/") || byte(index + 1) == UInt8(ascii: "*"):
                return false
            case UInt8(ascii: "#"):
                return false
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth < 0 { return false }
            // Another operator joining the test to the rest, or a choice, at any depth.
            case UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: ":"): return false
            // `?.` and `?[` read a member, and `?>` and `?,` end a nullable type's name
            // (`GetValueOrDefault<int?>`, audit V74); any other `?` is a choice or `??`
            // (`? .5`, audit V73).
            case UInt8(ascii: "?") where depth == 0:
                let next = byte(index + 1)
                let member = next == UInt8(ascii: "[") || next == UInt8(ascii: ".") && !(byte(index + 2).map { (0x30...0x39).contains($0) } ?? true)
                if !member, next != UInt8(ascii: ">"), next != UInt8(ascii: ",") { return false }
            // `&&`, or `&` between booleans, joins terms that must all hold.
            case UInt8(ascii: "&") where depth == 0:
                terms.append(String(decoding: code[start..<index], as: UTF8.self))
                if byte(index + 1) == UInt8(ascii: "&") { index += 1 }
                start = index + 1
            default: break
            }
            index += 1
        }
        guard depth == 0 else { return false }
        terms.append(String(decoding: code[start..<end], as: UTF8.self))
        return terms.contains { backendErrorTests.contains(Self.unbracketed($0)) }
    }

    /// `term` without the brackets around it whole, a few deep: deeper is no test read
    /// here (audit V73: 32,000 brackets took 17 s to take off one by one).
    private static func unbracketed(_ term: String) -> String {
        var term = Substring(term)
        for _ in 0..<4 where term.hasPrefix("(") && term.hasSuffix(")") && Self.bracketsEnclose(term) { term = term.dropFirst().dropLast() }
        return String(term)
    }

    /// Whether the bracket `text` starts with closes at its end.
    private static func bracketsEnclose(_ text: Substring) -> Bool {
        var depth = 0
        for (offset, character) in text.enumerated() {
            if character == "(" { depth += 1 } else if character == ")" { depth -= 1 }
            if depth == 0 { return offset == text.count - 1 }
        }
        return false
    }

    /// The tests, without spaces, that hold only when the backend call failed.
    private static let backendErrorTests: Set<String> = {
        var tests: Set<String> = []
        for error in ["context.LastError.Source", "context.LastError?.Source"] {
            tests.insert(error + "==\"forward-request\"")
            tests.insert("\"forward-request\"==" + error)
            tests.insert(error + ".Equals(\"forward-request\")")
            tests.insert(error + "?.Equals(\"forward-request\")")
        }
        return tests
    }()

    /// A `send-request` or `send-one-way-request` in the `outbound` or `on-error` of a
    /// policy `route`'s requests pass that copies the caller's request, or gives a new one
    /// its credentials (``CheckedCredentials/sendsTheCallersCredentialsInAWrite(_:)``), and sends it
    /// on as a write: it carries the caller's credentials, as the route's own backend call
    /// would. With how messages name the policy.
    func writeCopyAfterInbound(on route: EffectiveRoute) -> (owner: String, name: String)? {
        if routesMayCopy, let name = Self.writeCopy(in: route.written.policy?.document, fragments: fragments, true, checked) {
            return ("route '\(apiNames[route.apiIndex])/\(route.written.id.value)'", name)
        }
        if let name = writeCopies.apis[route.apiIndex] { return ("API '\(apiNames[route.apiIndex])'", name) }
        for index in route.products {
            if let name = writeCopies.products[index] { return ("product '\(products[index].name)'", name) }
        }
        return writeCopies.global.map { ("the gateway", $0) }
    }

    private static let requestSenders: Set<String> = ["send-request", "send-one-way-request"]

    private static func writeCopy(
        in document: PolicyXMLDocument?, fragments: [String: PolicyXMLDocument], _ fragmentsMayCopy: Bool, _ checked: CheckedCredentials
    ) -> String? {
        guard let document, document.has(anyOf: requestSenders) || (fragmentsMayCopy && document.has(anyOf: includeFragment)) else { return nil }
        var visited = Set<String>()
        func copy(_ element: PolicyXMLElement) -> String? {
            if requestSenders.contains(element.name) {
                return checked.sendsTheCallersCredentialsInAWrite(element) ? element.name : nil
            }
            if element.name == "include-fragment" {
                guard case .text(let id)? = element.attribute("fragment-id")?.value, visited.insert(id).inserted, let fragment = fragments[id] else { return nil }
                return fragment.rootElements.firstResult(of: copy)
            }
            return element.elements.firstResult(of: copy)
        }
        return (document.statements(in: "outbound") + document.statements(in: "on-error")).firstResult(of: copy)
    }

    /// The statements that may serve a request whose check failed, in `on-error`.
    /// A `return-response` there serves one when its body is a variable's (``PolicyXMLElement/answersFromAVariable``).
    private static let errorServers: Set<String> = ["return-response", "forward-request", "send-request", "send-one-way-request"]
    private static let statusSetters: Set<String> = ["set-status"]


    /// Whether a policy runs the broader scope's `section` (``PolicyXMLDocument/keepsBase(in:)``); no policy does.
    private static func keepsBase(in section: String, of document: PolicyXMLDocument?) -> Bool {
        document?.keepsBase(in: section) ?? true
    }

    /// A raw statement of `kind` anywhere in what a request of `route` passes in `inbound`,
    /// in any policy and at any depth.
    func statementInInbound(_ kind: Kind, on route: EffectiveRoute) -> (owner: String, name: String)? {
        guard mayMeet(kind, on: route) else { return nil }
        let method = methodBranchesSee(on: route)
        return firstFound(overTheAudiencesOf: route) { first(kind, in: $0, method: method, toGenerated: false).statement }
    }

    /// Whether `statement` holds a `set-method` at any depth, or in a fragment it includes.
    private func setsMethod(_ statement: PolicyXMLElement) -> Bool {
        var visited = Set<String>()
        func included(_ id: String) -> [PolicyXMLElement]? {
            guard visited.insert(id).inserted else { return nil }
            return fragments[id]?.rootElements
        }
        return statement.setsTheRequestMethod(included: included)
    }

    /// The raw `rewrite-uri`s and `set-method`s of every policy a request of `route`
    /// passes, the gateway's, its products', its API's, its own and the fragments they
    /// include, and the generated statements, in the order the request meets them: at the
    /// top of `inbound`, in `retry`, `limit-concurrency` and `wait` (whose statements run)
    /// and in the branches of `choose`, which some requests take. (Read from the route's
    /// own policy alone, a rewrite in its API's policy or a fragment sent it elsewhere
    /// unseen, and one in a branch or a `retry` was a change for review only: audits.)
    /// Each way a request may take is a branch of its own: through and past a `<base />`
    /// that runs on some paths only, and in the broader policies' run the callers of no
    /// product's way and each product's subscribers' (``broaderRewrites(of:holders:)``).
    /// A route none of whose policies holds a rewrite has the generated statements alone,
    /// found without walking its order (2,000 routes each including 50 large fragments
    /// took over 20 s walked).
    func requestRewrites(on route: EffectiveRoute) -> [RequestRewrite] {
        let holders = rewriteHolders.value { Self.holders(of: .requestRewrite, global: global, products: products.map(\.1), apis: apis, fragments: fragments, checked) }
        guard mayMeet(.requestRewrite, on: route, holders) else { return [.generated] }
        let ways = ownReadings(of: route).map { throughOwnBase in
            var rewrites: [RequestRewrite] = []
            // The route's own includes are read by name: a fragment without a rewrite is
            // passed over whole, however large, on every route that includes it.
            for entry in inboundOrder(of: route, products: [], through: PartialBases(route: throughOwnBase), includesInPlace: true) {
                if case .run = entry { rewrites += broaderRewrites(of: route, holders: holders) } else { collectRewrites(in: entry, into: &rewrites, holdingFragments: holders.fragments) }
            }
            return rewrites
        }
        return ways.count == 1 ? ways[0] : [.branches(ways, everyRequestTakesOne: true)]
    }

    /// What the broader policies' run of `route` rewrites, each way a branch: the callers of
    /// no product's, and each product's subscribers' where its policy rewrites or drops the
    /// gateway's (a request runs one product's policy at most), through and past each
    /// `<base />` on some paths only. The same for every route of the API, whose products
    /// are its own, so found once for each. Read in one order, every product's rewrite was
    /// taken for every caller's, and the gateway's left out for all where one product drops
    /// it (audit V22); read as one branch per product on every route, 400 products that each
    /// rewrite over 2,000 routes took 29 s.
    private func broaderRewrites(of route: EffectiveRoute, holders: Holders) -> [RequestRewrite] {
        apisBroaderRewrites.value(for: route.apiIndex) {
            let apart = route.products.filter { holders.products[$0] || !(products[$0].document?.keepsInboundBase ?? true) }
            var read = Set<ObjectIdentifier>()
            var ways: [[RequestRewrite]] = []
            for audience in [[]] + apart.map({ [$0] }) {
                for through in broaderReadings(of: route, products: audience) {
                    let run = broaderRun(of: route, products: audience, through: through)
                    guard read.insert(ObjectIdentifier(run)).inserted else { continue }
                    var rewrites: [RequestRewrite] = []
                    collectRewrites(in: .run(run), into: &rewrites, holdingFragments: holders.fragments)
                    ways.append(rewrites)
                }
            }
            return ways.count == 1 ? ways[0] : [.branches(ways, everyRequestTakesOne: true)]
        }
    }

    private func collectRewrites(in entry: InboundRun.Entry, into rewrites: inout [RequestRewrite], holdingFragments: Set<String>) {
        switch entry {
        case .generated: rewrites.append(.generated)
        case .run(let run):
            rewrites += run.requestRewrites.value {
                var found: [RequestRewrite] = []
                for entry in run.entries { collectRewrites(in: entry, into: &found, holdingFragments: holdingFragments) }
                return found
            }
        case .statement(_, let statement):
            var included = Set<String>()
            collectRewrites(in: statement, into: &rewrites, included: &included, holdingFragments: holdingFragments)
        }
    }

    /// The rewrites `statement` makes, a fragment it includes followed once. What holds
    /// none, told without making anything (``mayHoldARewrite(_:holdingFragments:)``), is
    /// passed over: a statement of a large fragment is met again on every route including it.
    private func collectRewrites(
        in statement: PolicyXMLElement, into rewrites: inout [RequestRewrite], included: inout Set<String>, holdingFragments: Set<String>
    ) {
        guard Self.mayHoldARewrite(statement, holdingFragments: holdingFragments) else { return }
        switch statement.name {
        case "rewrite-uri": if let template = statement.attribute("template") { rewrites.append(.uri(template.value)) }
        case "set-method": if let method = statement.textValue { rewrites.append(.method(method)) }
        // Statements that run what they hold: `retry` at least once, `limit-concurrency`
        // and `wait` once (the audit of the change found the second unread).
        case "retry", "limit-concurrency", "wait":
            for case .element(let inner) in statement.children {
                collectRewrites(in: inner, into: &rewrites, included: &included, holdingFragments: holdingFragments)
            }
        case "include-fragment":
            guard case .text(let id)? = statement.attribute("fragment-id")?.value, let fragment = fragments[id], included.insert(id).inserted else { return }
            for inner in fragment.rootElements { collectRewrites(in: inner, into: &rewrites, included: &included, holdingFragments: holdingFragments) }
        case "choose":
            var branches: [[RequestRewrite]] = []
            var everyRequestTakesOne = false
            for case .element(let branch) in statement.children where branch.name == "when" || branch.name == "otherwise" {
                var taken: [RequestRewrite] = []
                for case .element(let inner) in branch.children {
                    collectRewrites(in: inner, into: &taken, included: &included, holdingFragments: holdingFragments)
                }
                branches.append(taken)
                if branch.name == "otherwise" { everyRequestTakesOne = true }
            }
            // Branches that rewrite nothing (a `send-request`'s own `set-method` is counted
            // among the holders) leave every request where it was.
            if branches.contains(where: { !$0.isEmpty }) { rewrites.append(.branches(branches, everyRequestTakesOne: everyRequestTakesOne)) }
        default: return
        }
    }

    /// Whether `element` holds a rewrite (``Kind/requestRewrite``) at any depth, itself or
    /// through a fragment it includes (one of `holdingFragments`).
    private static func mayHoldARewrite(_ element: PolicyXMLElement, holdingFragments: Set<String>) -> Bool {
        if Kind.requestRewriters.contains(element.name) { return true }
        if element.name == "include-fragment" {
            guard case .text(let id)? = element.attribute("fragment-id")?.value else { return false }
            return holdingFragments.contains(id)
        }
        for case .element(let inner) in element.children where mayHoldARewrite(inner, holdingFragments: holdingFragments) { return true }
        return false
    }

    /// The inbound statements of `route`'s policies in the order a request meets them: a
    /// narrower policy's statements before its `<base />` run before the broader policy's,
    /// the rest after; without `<base />` on every path no broader policy runs, and without
    /// one at the top of `inbound` the generated statements come first (``split(_:)``).
    /// What the broader policies run is one entry, a run shared by the routes that reach it.
    /// `products`: the route's products whose policies run (``audiences(of:)``); nil for all
    /// of them, as a walk for what any request may meet reads them. `includesInPlace` keeps the route's own `include-fragment`s as statements, for a walk
    /// that tells a fragment by its name (``requestRewrites(on:)``).
    private func inboundOrder(
        of route: EffectiveRoute, products: [Int]? = nil, through: PartialBases = PartialBases(), includesInPlace: Bool = false
    ) -> [InboundRun.Entry] {
        let broader = { self.broaderRun(of: route, products: products ?? route.products, through: through) }
        // Most routes have no policy of their own: the broader policies run, then the
        // generated statements (without making the name messages would give the policy).
        guard let document = route.written.policy?.document else { return [.run(broader()), .generated] }
        var order: [InboundRun.Entry] = []
        var expanded = Set<String>()
        let owner = InboundRun.Owner(name: "route '\(apiNames[route.apiIndex])/\(route.written.id.value)'", isAProducts: false)
        let own = Self.split(document, throughPartialBase: through.route)
        func add(_ statements: [PolicyXMLElement]) {
            if includesInPlace { order += statements.map { .statement(owner: owner, $0) } } else { append(statements[...], owner, to: &order, expanded: &expanded) }
        }
        if own.generatedFirst { order.append(.generated) }
        add(own.before)
        if own.keepsBase { order.append(.run(broader())) }
        add(own.between)
        if !own.generatedFirst { order.append(.generated) }
        add(own.after)
        return order
    }

    /// What runs in place of the `<base />` of a route's policy: the API's policy, and in
    /// place of its `<base />` the policies of `products` (of the route's) and the gateway's,
    /// each `<base />` on some paths only read as `through` says.
    private func broaderRun(of route: EffectiveRoute, products: [Int], through: PartialBases) -> InboundRun {
        // The ways that run no product's policy share one run, whatever products they stand for.
        let runsProducts = runsProducts(of: route, through: through)
        let products = runsProducts ? products : []
        let through = PartialBases(api: through.api, products: runsProducts && through.products)
        return runs.run(.api(route.apiIndex, products: products, through: through)) {
            var entries: [InboundRun.Entry] = []
            var expanded = Set<String>()
            let owner = InboundRun.Owner(name: "API '\(apiNames[route.apiIndex])'", isAProducts: false)
            let api = Self.split(apis[route.apiIndex], throughPartialBase: through.api)
            append(api.before[...], owner, to: &entries, expanded: &expanded)
            if api.keepsBase {
                let products = products.map {
                    (
                        owner: InboundRun.Owner(name: "product '\(self.products[$0].name)'", isAProducts: true),
                        parts: Self.split(self.products[$0].document, throughPartialBase: through.products)
                    )
                }
                for product in products { append(product.parts.before[...], product.owner, to: &entries, expanded: &expanded) }
                if products.allSatisfy(\.parts.keepsBase), let global = gatewayRun() { entries.append(.run(global)) }
                for product in products { append(product.parts.afterBase[...], product.owner, to: &entries, expanded: &expanded) }
            }
            append(api.afterBase[...], owner, to: &entries, expanded: &expanded)
            return run(of: entries)
        }
    }

    private func gatewayRun() -> InboundRun? {
        guard let global else { return nil }
        return runs.run(.gateway) {
            var entries: [InboundRun.Entry] = []
            var expanded = Set<String>()
            append(global.inboundStatements[...], InboundRun.Owner(name: "the gateway", isAProducts: false), to: &entries, expanded: &expanded)
            return run(of: entries)
        }
    }

    private func run(of entries: [InboundRun.Entry]) -> InboundRun {
        let check = entries.first { holdsTokenCheck($0, authenticated: false, method: nil) }.flatMap { tokenCheck(in: $0, method: nil) }
        return InboundRun(entries: entries, tokenCheck: check, setsMethod: entries.contains(where: setsMethod))
    }

    /// The raw token check an entry that holds one for requests of `method`
    /// (``holdsTokenCheck(_:authenticated:method:)``) stands for: the statement, or a run's
    /// first; nil for the generated statements.
    private func tokenCheck(in entry: InboundRun.Entry, method: HTTPMethod?) -> PolicyXMLElement? {
        switch entry {
        case .generated: nil
        case .statement(_, let statement): statement
        case .run(let run): run.tokenCheck ?? method.flatMap { tokenCheck(of: run, for: $0) }
        }
    }

    /// The first token check on every request of `method` in `run`, which has none on every
    /// request of any method: found once for each method, not again for every route (a
    /// broad policy of 2,000 statements over 10,000 routes took 5 s).
    private func tokenCheck(of run: InboundRun, for method: HTTPMethod) -> PolicyXMLElement? {
        let checks = run.tokenChecksByMethod.value {
            var checks: [HTTPMethod: PolicyXMLElement] = [:]
            for method in HTTPMethod.allCases {
                checks[method] = run.entries.first { holdsTokenCheck($0, authenticated: false, method: method) }.flatMap { tokenCheck(in: $0, method: method) }
            }
            return checks
        }
        return checks[method]
    }

    /// Appends `statements` to an inbound order. A fragment included at the top runs its
    /// statements in its place: a check inside it is met after what comes before the check
    /// in the fragment too. Each once in an order, so an include cycle ends.
    private func append(_ statements: ArraySlice<PolicyXMLElement>, _ owner: InboundRun.Owner, to order: inout [InboundRun.Entry], expanded: inout Set<String>) {
        for statement in statements {
            if statement.name == "include-fragment", case .text(let id)? = statement.attribute("fragment-id")?.value,
                let fragment = fragments[id], expanded.insert(id).inserted
            {
                // A product's fragment runs for its subscribers alone (audit V20: a product's
                // limit written in one stopped RL001's walk for every caller).
                append(fragment.rootElements[...], InboundRun.Owner(name: "fragment '\(id)'", isAProducts: owner.isAProducts), to: &order, expanded: &expanded)
            } else {
                order.append(.statement(owner: owner, statement))
            }
        }
    }

    /// Whether a request of `method` (nil: of any) passing `entry` meets a token check on
    /// every path: the generated one where the route is authenticated. A branch on the
    /// method is judged by `method`, as the rules that find a route unchecked judge it
    /// (audit V10: a check in the branch of the route's method, taken for the route's,
    /// hid from LP001 the `Authorization` replaced before it).
    private func holdsTokenCheck(_ entry: InboundRun.Entry, authenticated: Bool, method: HTTPMethod?) -> Bool {
        switch entry {
        case .generated: authenticated
        case .statement(_, let statement): isTokenCheck(statement, method: method)
        case .run(let run): run.tokenCheck != nil || method.flatMap { tokenCheck(of: run, for: $0) } != nil
        }
    }

    /// Whether `entry` may change the method the request carries.
    private func setsMethod(_ entry: InboundRun.Entry) -> Bool {
        switch entry {
        case .generated: false
        case .statement(_, let statement): setsMethod(statement)
        case .run(let run): run.setsMethod
        }
    }

    /// Whether `document`'s `inbound` holds a statement of `kind` at any depth, or includes
    /// one of `fragments` (those that hold one). Told by the names the document has first.
    /// The policies and fragments that hold a statement of `kind` in `inbound`, at any
    /// depth: fragments directly or through fragments they include, to a fixed point.
    private static func holders(
        of kind: Kind, global: PolicyXMLDocument?, products: [PolicyXMLDocument?], apis: [PolicyXMLDocument?], fragments: [String: PolicyXMLDocument],
        _ checked: CheckedCredentials
    ) -> Holders {
        var holding = Set(fragments.filter { $0.value.elements(named: kind.names).contains { kind.matches($0, checked) } }.keys)
        while true {
            let more = fragments.filter { !holding.contains($0.key) && Self.includes(holding, in: $0.value) }.keys
            if more.isEmpty { break }
            holding.formUnion(more)
        }
        func holds(_ document: PolicyXMLDocument?) -> Bool {
            guard let document else { return false }
            return Self.holds(kind, inboundOf: document, orFragments: holding, checked)
        }
        return Holders(global: holds(global), products: products.map(holds), apis: apis.map(holds), fragments: holding)
    }

    private static func holds(_ kind: Kind, inboundOf document: PolicyXMLDocument, orFragments fragments: Set<String>, _ checked: CheckedCredentials) -> Bool {
        if includes(fragments, in: document) { return true }
        guard document.has(anyOf: kind.names) else { return false }
        func holds(_ element: PolicyXMLElement) -> Bool {
            kind.matches(element, checked) || element.elements.contains(where: holds)
        }
        return document.inboundStatements.contains(where: holds)
    }

    private static let includeFragment: Set<String> = ["include-fragment"]

    /// Whether `document` includes one of `fragments`.
    private static func includes(_ fragments: Set<String>, in document: PolicyXMLDocument) -> Bool {
        guard !fragments.isEmpty, document.has(anyOf: includeFragment) else { return false }
        return document.allElements.contains { element in
            guard element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value else { return false }
            return fragments.contains(id)
        }
    }

    /// A policy's `inbound` statements cut where the broader policies have run on every
    /// path and where the statements generated for a route run, as the build writes them:
    /// after the first `<base />` at the top of `inbound`, or first where none stands there
    /// (``PolicyDocument``).
    private struct InboundParts {
        /// What runs before the broader policies.
        var before: [PolicyXMLElement] = []
        /// What runs after them and before the generated statements.
        var between: [PolicyXMLElement] = []
        /// What runs after both.
        var after: [PolicyXMLElement] = []
        /// Whether the broader policies run on every path: a missing document or section
        /// keeps them.
        var keepsBase = true
        var generatedFirst = false

        /// Everything after the broader policies.
        var afterBase: [PolicyXMLElement] { between + after }
    }

    /// `document`'s ``InboundParts``. A `choose`, `retry` or `limit-concurrency` that runs
    /// `<base />` on every path (``PolicyXMLElement/runsBaseOnEveryPath``) is cut there too, each branch at its
    /// own: taken whole on either side, a statement after the `<base />` of a branch was
    /// read as running before the broader check (a false error), and a statement between
    /// it and a later `<base />` at the top as running after the generated check (an
    /// answer before the token check passed: the audit of the change).
    /// `throughPartialBase` reads a `<base />` that runs on some paths only as running: its
    /// statement is cut there, and the broader policies run between the parts, as they do
    /// for the requests that take those paths; otherwise the reading is of the requests
    /// that skip it, which meet no broader policy. Where each of those paths answers after
    /// its `<base />`, no request of the reading goes on past the statement.
    private static func split(_ document: PolicyXMLDocument?, throughPartialBase: Bool = false) -> InboundParts {
        guard let document else { return InboundParts() }
        let statements = document.inboundStatements
        guard let base = document.inboundBaseStatement else {
            if throughPartialBase, let holder = document.inboundStatementHoldingBaseOnSomePaths {
                let (cutBefore, cutAfter) = cut(atBase: statements[holder], where: { $0.holdsBase })
                let rest = cutAfter.map(answersEveryPathTaken) == true ? [] : statements[(holder + 1)...]
                return InboundParts(
                    before: statements[..<holder] + [cutBefore].compactMap { $0 }, after: [cutAfter].compactMap { $0 } + rest,
                    generatedFirst: runsGeneratedFirst(document))
            }
            return InboundParts(before: statements, keepsBase: document.keepsInboundBase, generatedFirst: runsGeneratedFirst(document))
        }
        let (cutBefore, cutAfter) = cut(atBase: statements[base])
        var parts = InboundParts(before: Array(statements[..<base]) + [cutBefore].compactMap { $0 }, generatedFirst: runsGeneratedFirst(document))
        if let top = statements.firstIndex(where: { $0.name == "base" }) {
            parts.between = [cutAfter].compactMap { $0 } + statements[min(base + 1, top)..<top]
            parts.after = Array(statements[(top + 1)...])
        } else {
            parts.after = [cutAfter].compactMap { $0 } + statements[(base + 1)...]
        }
        return parts
    }

    /// Whether every request that runs `statement`, the part of a statement after a
    /// `<base />` on some paths (``cut(atBase:where:)``, which keeps only the branches that
    /// hold one: each is taken by some request of the reading), is answered there: the
    /// statements after it run for none of them (audit V21: a product's check after a
    /// branch that ran `<base />` and answered was read as meeting the gateway's
    /// replacement of its header, a false error).
    private static func answersEveryPathTaken(_ statement: PolicyXMLElement) -> Bool {
        func answers(_ statements: [PolicyXMLElement]) -> Bool { statements.contains(where: answersEveryPath) }
        func answersEveryPath(_ statement: PolicyXMLElement) -> Bool {
            switch statement.name {
            case "return-response", "mock-response": return true
            case "choose":
                let branches = statement.elements.filter { $0.name == "when" || $0.name == "otherwise" }
                return branches.contains { $0.name == "otherwise" } && branches.allSatisfy { answers($0.elements) }
            case "retry", "limit-concurrency": return answers(statement.elements)
            default: return false
            }
        }
        switch statement.name {
        case "choose":
            let branches = statement.elements.filter { $0.name == "when" || $0.name == "otherwise" }
            return !branches.isEmpty && branches.allSatisfy { answers($0.elements) }
        default:
            return answersEveryPath(statement)
        }
    }

    /// Whether the statements generated for a route whose policy is `document` run before
    /// its `inbound`: no `<base />` stands at its top (a policy without an `inbound` section
    /// gets one that starts with `<base />`).
    private static func runsGeneratedFirst(_ document: PolicyXMLDocument) -> Bool {
        document.inboundBaseStatement == nil ? !document.keepsInboundBase : !document.inboundStatements.contains { $0.name == "base" }
    }

    /// A statement holding `<base />`, as what runs before the first `<base />` of each
    /// path and what runs after it: a `choose`'s branches or a `retry`'s statements cut at
    /// their first statement `holdsIt` picks (one that runs it on every path, unless the
    /// reading is through one on some paths only), a branch that holds none left out; nil
    /// for `<base />` itself. Another statement holding one stays whole before it.
    private static func cut(
        atBase statement: PolicyXMLElement, where holdsIt: (PolicyXMLElement) -> Bool = { $0.runsBaseOnEveryPath }
    ) -> (before: PolicyXMLElement?, after: PolicyXMLElement?) {
        func cutStatements(_ nodes: [PolicyXMLNode]) -> (before: [PolicyXMLNode], after: [PolicyXMLNode])? {
            guard let base = nodes.firstIndex(where: { if case .element(let element) = $0 { holdsIt(element) } else { false } }),
                case .element(let holder) = nodes[base]
            else { return nil }
            let (before, after) = cut(atBase: holder, where: holdsIt)
            return (nodes[..<base] + [before].compactMap { $0.map(PolicyXMLNode.element) }, [after].compactMap { $0.map(PolicyXMLNode.element) } + nodes[(base + 1)...])
        }
        var (before, after) = (statement, statement)
        switch statement.name {
        case "choose":
            (before.children, after.children) = ([], [])
            for node in statement.children {
                guard case .element(var branch) = node, branch.name == "when" || branch.name == "otherwise" else {
                    before.children.append(node)
                    after.children.append(node)
                    continue
                }
                // A branch without one is a way past it, which a reading through it does not
                // take (an audit found an answer there read as one before the broader check).
                guard let (first, then) = cutStatements(branch.children) else { continue }
                branch.children = first
                before.children.append(.element(branch))
                branch.children = then
                after.children.append(.element(branch))
            }
        case "retry", "limit-concurrency":
            guard let cut = cutStatements(statement.children) else { return (statement, nil) }
            (before.children, after.children) = cut
        case "base":
            return (nil, nil)
        default:
            return (statement, nil)
        }
        return (before, after)
    }

    /// The places the setters inside `statement` (at any depth, in the fragments it
    /// includes) copy into `variables`, variables holding the caller's token, and into the
    /// variables those copy from, whatever their order.
    private func placesCopied(within statement: PolicyXMLElement, into variables: Set<String>) -> Set<CredentialPlace> {
        guard !variables.isEmpty else { return [] }
        var copies: [(variable: String, reads: TokenReads)] = []
        var visited = Set<String>()
        statement.forEachElement(expanding: fragments, visited: &visited) { element in
            if let copy = checked.callerControlledVariables.tokenCopy(by: element) { copies.append(copy) }
        }
        var copied = TokenReads(variables: variables)
        var found = -1
        while found != copied.places.count + copied.variables.count {
            found = copied.places.count + copied.variables.count
            for copy in copies where copied.variables.contains(copy.variable) { copied.formUnion(copy.reads) }
        }
        return copied.places
    }

    /// What token checks read from `entry` of an inbound order on (``TokenReads``), where
    /// they read `later` after it: the places its checks read, at any depth and in the
    /// fragments it includes (the generated check reads `Authorization`), and for a
    /// variable holding the caller's token read after its setter, what the setter reads.
    /// Read backwards, in the order the text runs: a variable set before the header it
    /// copies is replaced, or set only after the check, holds nothing put there (an audit
    /// found both LP001).
    private func tokenReads(_ entry: InboundRun.Entry, authenticated: Bool, after later: TokenReads) -> TokenReads {
        switch entry {
        case .generated:
            var reads = later
            if authenticated { reads.places.insert(.header("authorization")) }
            return reads
        case .run(let run):
            var reads = run.readsOn.value(for: later.variables) {
                run.entries.reversed().reduce(TokenReads(variables: later.variables)) { tokenReads($1, authenticated: false, after: $0) }
            }
            reads.places.formUnion(later.places)
            return reads
        case .statement(_, let statement):
            var reads = later
            var visited = Set<String>()
            func collect(_ element: PolicyXMLElement) {
                for child in element.elements.reversed() { collect(child) }
                if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value, let fragment = fragments[id],
                    visited.insert(id).inserted
                {
                    fragment.rootElements.reversed().forEach(collect)
                }
                reads.formUnion(checked.tokenReads(of: element))
                if let copy = checked.callerControlledVariables.tokenCopy(by: element), reads.variables.contains(copy.variable) { reads.formUnion(copy.reads) }
            }
            collect(statement)
            return reads
        }
    }

    /// A token check every request passing `statement` meets (see ``onEveryPath``).
    private func isTokenCheck(_ statement: PolicyXMLElement, method: HTTPMethod?) -> Bool {
        var visited = Set<String>()
        return Self.onEveryPath(.tokenCheck, statement, fragments: fragments, checked, method: method, visited: &visited) != nil
    }

    /// What a request may meet inside `statement`, a token check on every path, before
    /// that check: in each branch of a `choose`, in a `retry` or `limit-concurrency` and in
    /// an included fragment, the statements before the check, and what a nested one holds
    /// before its own. Nothing for a check written alone.
    private func leadingStatements(of statement: PolicyXMLElement, method: HTTPMethod?, visited: inout Set<String>) -> [PolicyXMLElement] {
        let lists: [[PolicyXMLElement]]
        switch statement.name {
        case "include-fragment":
            guard case .text(let id)? = statement.attribute("fragment-id")?.value, let fragment = fragments[id], visited.insert(id).inserted else { return [] }
            lists = [fragment.rootElements]
        case "choose": lists = statement.elements.filter { $0.name == "when" || $0.name == "otherwise" }.map(\.elements)
        case "retry", "limit-concurrency": lists = [statement.elements]
        default: return []
        }
        var leading: [PolicyXMLElement] = []
        for list in lists {
            guard let check = list.firstIndex(where: { isTokenCheck($0, method: method) }) else { continue }
            leading += list[..<check]
            leading += leadingStatements(of: list[check], method: method, visited: &visited)
        }
        return leading
    }

    /// The name of a statement of `kind` in `statement`, at any depth, or in the fragment it
    /// includes, on a request whose method is `method`.
    /// `visited` holds the fragments looked into, so an include cycle ends.
    /// `sparing` leaves out statements of the kind that do no harm where they are.
    private func first(
        _ kind: Kind, atAnyDepthIn statement: PolicyXMLElement, visited: inout Set<String>, method: HTTPMethod?,
        sparing spared: (PolicyXMLElement) -> Bool = { _ in false }
    ) -> String? {
        if kind.matches(statement, checked, method: method), !spared(statement) { return statement.name }
        if statement.name == "include-fragment", case .text(let id)? = statement.attribute("fragment-id")?.value {
            guard visited.insert(id).inserted, let fragment = fragments[id] else { return nil }
            for element in fragment.rootElements {
                if let found = first(kind, atAnyDepthIn: element, visited: &visited, method: method, sparing: spared) { return found }
            }
            return nil
        }
        // What a request to another service holds changes nothing of the caller's request,
        // and a branch for other methods never runs on the route's (APIM picks the route by
        // its method). But a copy of the caller's request, its credentials with it, sent on
        // as a write makes the route one, as does a new request given its credentials.
        guard statement.name != "send-request", statement.name != "send-one-way-request" else {
            guard kind == .writeMethodSet, checked.sendsTheCallersCredentialsInAWrite(statement) else { return nil }
            return statement.name
        }
        if statement.name == "when", let method, statement.runs(forMethod: method.rawValue) == false { return nil }
        for element in statement.elements {
            if let found = first(kind, atAnyDepthIn: element, visited: &visited, method: method, sparing: spared) { return found }
        }
        return nil
    }

    /// Whether a lookup keeps entries per token (it varies by `Authorization`): after a
    /// token check, it serves a token only what was stored for it, which passed every
    /// check when it was stored.
    static func keysOnTheToken(_ lookup: PolicyXMLElement) -> Bool {
        lookup.elements.contains { element in
            guard element.name == "vary-by-header", case .text(let header)? = element.textValue else { return false }
            return header.trimmingWhitespace.lowercased() == "authorization"
        }
    }

    private static func first(
        in document: PolicyXMLDocument, fragments: [String: PolicyXMLDocument], method: HTTPMethod?, matching matches: (PolicyXMLElement) -> Bool
    ) -> String? {
        var visited = Set<String>()
        for statement in document.inboundStatements {
            if let found = onEveryPath(statement, fragments: fragments, method: method, visited: &visited, matching: matches) { return found.name }
        }
        return nil
    }

    /// A statement of `kind` that every request passing `statement` meets: the
    /// statement itself; the first such statement at the top of a fragment it includes, of
    /// each branch of a `choose` a request may take, or of a `retry` or
    /// `limit-concurrency`, which run what they hold at least once. A `choose` may be
    /// passed by none of its branches unless it has an `otherwise`, and a branch that
    /// answers with written text first passes none on; on requests of `method` (nil: of any), a
    /// `when` that tests nothing but the method is taken or not for sure.
    /// What a branch may do before its written answer and still let no request on: these
    /// reach no other service and serve no one.
    private static let beforeARefusal: Set<String> = ["trace", "set-variable", "set-header", "emit-metric"]

    private static func onEveryPath(
        _ kind: Kind, _ statement: PolicyXMLElement, fragments: [String: PolicyXMLDocument], _ checked: CheckedCredentials, method: HTTPMethod? = nil,
        api: Int? = nil, visited: inout Set<String>
    ) -> PolicyXMLElement? {
        onEveryPath(statement, fragments: fragments, method: method, visited: &visited) { kind.matches($0, checked, method: method, api: api) }
    }

    /// ``onEveryPath(_:_:fragments:_:method:visited:)`` of the statements `matches` picks.
    private static func onEveryPath(
        _ statement: PolicyXMLElement, fragments: [String: PolicyXMLDocument], method: HTTPMethod?, visited: inout Set<String>,
        matching matches: (PolicyXMLElement) -> Bool
    ) -> PolicyXMLElement? {
        if matches(statement) { return statement }
        func first(_ statements: [PolicyXMLElement], visited: inout Set<String>) -> PolicyXMLElement? {
            for statement in statements {
                if let found = onEveryPath(statement, fragments: fragments, method: method, visited: &visited, matching: matches) { return found }
            }
            return nil
        }
        switch statement.name {
        case "include-fragment":
            guard case .text(let id)? = statement.attribute("fragment-id")?.value, let fragment = fragments[id], visited.insert(id).inserted else { return nil }
            return first(fragment.rootElements, visited: &visited)
        case "choose":
            var found: [PolicyXMLElement] = []
            for case .element(let branch) in statement.children where branch.name == "when" || branch.name == "otherwise" {
                let taken = branch.name == "otherwise" ? true : method.flatMap { branch.runs(forMethod: $0.rawValue) }
                if taken == false { continue }
                guard let statement = first(branch.elements, visited: &visited) else {
                    // A branch that ends every request it takes with a written answer (a 401
                    // where no token came) lets none pass on (found by an audit); one that
                    // does something first does it unchecked (the audit of the change), but
                    // for tracing and setting what the answer ends with (the audit of the fix).
                    guard branch.elements.drop(while: { Self.beforeARefusal.contains($0.name) }).first?.isStaticAnswer == true else { return nil }
                    if taken == true { return found.first }
                    continue
                }
                found.append(statement)
                // The branches after one taken for sure never run.
                if taken == true { return found.first }
            }
            return nil
        case "retry", "limit-concurrency":
            return first(statement.elements, visited: &visited)
        default:
            return nil
        }
    }
}

/// A raw check on every request of a route (``RawEnforcement/gates(on:)``).
public struct RawGate: Sendable {
    public let check: PolicyXMLElement
    /// The statement at the top of `inbound` that holds the check (a `choose` whose every
    /// branch holds one, a `retry`), nil where it stands there itself: another branch may
    /// hold a check that admits more.
    public let holder: PolicyXMLElement?
    /// The request's places that statements on the route's way set before the check, the
    /// definitions' `request.headers` among them: a check of one judges the gateway's value.
    public let setBefore: Set<CredentialPlace>
    /// Those overridden on every request before the check, whatever the caller sent.
    public let replacedBefore: Set<CredentialPlace>
}

extension PolicyXMLDocument {
    /// A statement before `<base />` at the top of `inbound` that may answer some requests
    /// itself (``PolicyXMLElement/answerInside(fragments:)``): the broader scopes' checks and
    /// limits never run for those (audit V45: a route's answer in a `choose` before
    /// `<base />` skipped the gateway's check, and `diff` weighed it as any raw change).
    /// `statement` is the one at the top of `inbound` that holds it, and `answer` its name.
    /// An `on-error` that serves the caller what lint's LP001 reads as a bypass counts too:
    /// an error before `<base />` (one the caller provokes) leads there, past the broader
    /// checks (audits V47, V48).
    /// `answering`: the fragments that may answer, read where `inbound` includes them.
    public func answerBeforeBase(
        fragments: [String: PolicyXMLDocument], answering: [String: PolicyXMLDocument], values: NamedValueTable
    ) -> (statement: PolicyXMLElement, answer: String)? {
        guard keepsInboundBase, let base = inboundBaseStatement else { return nil }
        for statement in inboundStatements[..<base] {
            if let answer = statement.answerInside(fragments: answering) { return (statement, answer.name) }
        }
        if let onError = rootElements.first(where: { $0.name == "on-error" }),
            let answer = RawEnforcement.onErrorBypass(in: self, fragments: fragments, true, values)
        {
            return (onError, answer)
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
        // An expression, or a named value's '{{...}}', may make it true.
        guard case .text(let text) = written.value, !text.contains("{{") else { return true }
        // Any spelling but false's: the catalogue takes `1` for true (audit V44).
        return !["false", "0"].contains(text.trimmingWhitespace.lowercased())
    }

    /// What an attribute holds as APIM reads it, named values put in.
    enum ReadValue {
        /// Its value, nil when it is left out.
        case known(PolicyXMLValue?)
        /// A named value it references has no value known here (a secret's): it may be anything.
        case unknown
    }

    /// The attribute `name` as APIM reads it, its named values put in from `values`: an
    /// expression where they make it one (APIM puts them in first: `counter-key=
    /// "{{blank}}@(Guid.NewGuid().ToString())"` of a `blank` of nothing is new for every
    /// request, an audit found).
    func read(_ name: String, _ values: NamedValueTable) -> ReadValue {
        guard let written = attribute(name)?.value else { return .known(nil) }
        guard written.written.holds("{{") else { return .known(written) }
        guard let value = NamedValues.resolve(written.written, values) else { return .unknown }
        return .known(written.isExpression || PolicyText.isExpression(value) ? .expression(value) : .text(value))
    }

    /// How many of the requests it runs for a rate limit counts in full.
    enum Counting {
        /// None, or as few as the caller likes.
        case noRequests
        /// Those its `increment-condition` picks, or each by an `increment-count` that may be
        /// 0: a condition on the response's status leaves failed attempts uncounted, a brute
        /// force's among them.
        case someRequests
        case everyRequest
    }

    /// Whether a rate limit counts requests at all (``counting(_:_:api:method:)``), read in
    /// the policies of the API at `api` (nil: of any API): the diff tells a limit that now
    /// counts only the requests its condition picks itself.
    public func countsRequests(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables, api: Int?) -> Bool {
        counting(values, callerControlled, api: api) != .noRequests
    }

    /// How many requests a rate limit counts. None when its `increment-condition` is false
    /// as APIM reads it (named values put in from `values`), nor when its `counter-key` (a
    /// `limit-concurrency`'s `key`) may be new for every request, a counter per request (a
    /// new GUID, the clock, or a variable set so in a policy the requests of the API at
    /// `api` pass, nil: of any API;
    /// ``CallerControlledVariables/givesANewValueForEveryRequest(of:in:)``); nor when the
    /// caller decides whether or how much it is counted (its condition or count reads the
    /// request, or a variable `callerControlled` says the caller writes or picks), or
    /// writes its budget (`calls` or `renewal-period` may carry the caller's text): APIM
    /// takes expressions in all four, and `X-Weight: 0` or `X-Budget: 2147483647` then
    /// switch it off.
    /// Every request only where its condition is left out or true as written, or tests
    /// nothing but the method and holds for `method` (``runs(forMethod:testedBy:)``), and
    /// its count is left out or one or more whatever the request holds
    /// (``countsAtLeastOne(_:)``). C# is not evaluated, so any other condition or count
    /// (`@(1 == 2)`, a successful response's status) counts some requests only, as a
    /// limit inside `choose` runs for some only.
    func counting(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables, api: Int?, method: HTTPMethod? = nil) -> Counting {
        guard case .known(let condition) = read("increment-condition", values), case .known(let count) = read("increment-count", values) else {
            return .noRequests
        }
        let truth = condition.flatMap { Self.writtenTruth($0.written) }
        if truth == false { return .noRequests }
        if let count, Self.countsNothing(count.written) { return .noRequests }
        // A condition that reads what the caller writes (a header, the URL and its query,
        // the path's parameters, the body), or picks, may count nothing; so may a count
        // that may carry what it writes, or that it picks among counts written out one of
        // which counts nothing (the audit of the change: a count of 2 for long paths
        // counts); a budget or window that may carry what it writes allows anything.
        // Expressions read as APIM compiles them, XML's references resolved.
        if let condition, condition.isExpression, callerControlled.choosesTheValue(of: condition.resolved) { return .noRequests }
        if let count, count.isExpression, case let code = count.resolved, callerControlled.choosesTheValue(of: code), !ExpressionFlow.isAtLeastOne(code) {
            // A variable the caller picks holds a count written elsewhere, which may be 0.
            if callerControlled.writesTheValue(of: code) || ExpressionFlow.possibleValues(of: code).contains(where: { Self.countsNothing($0.code) })
                || ExpressionFlow.reads(of: code).contains(where: { $0.isVariable && callerControlled.chooses($0) })
            {
                return .noRequests
            }
        }
        if budgetTheCallerWrites(values, callerControlled) != nil { return .noRequests }
        // A key new for every request: a counter each, which never reaches its limit.
        if case .known(let key?) = read(keyAttribute, values), key.isExpression,
            callerControlled.givesANewValueForEveryRequest(of: key.resolved, in: api)
        {
            return .noRequests
        }
        if condition != nil, truth != true {
            switch method.flatMap({ runs(forMethod: $0.rawValue, testedBy: "increment-condition") }) {
            case false?: return .noRequests
            case nil: return .someRequests
            case true?: break
            }
        }
        if let count, !Self.countsAtLeastOne(count) { return .someRequests }
        return .everyRequest
    }

    /// The attribute a limit keeps its counter by: a `limit-concurrency`'s `key`, any
    /// other's `counter-key`.
    public var keyAttribute: String { name == "limit-concurrency" ? "key" : "counter-key" }

    /// The budget or window of a limit that APIM computes (a rate limit's `calls` and
    /// `renewal-period`, a token limit's `tokens-per-minute` and `token-quota`) whose value
    /// may carry what the caller wrote, as APIM reads it (named values put in from
    /// `values`), with its code: `X-Budget: 2147483647` allows anything. A choice among
    /// numbers written out is the policy's. Nil when neither is.
    func budgetTheCallerWrites(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> (attribute: String, code: String)? {
        for budget in Self.computedBudgets[name] ?? [] {
            guard case .known(let written?) = read(budget, values), written.isExpression, callerControlled.writesTheValue(of: written.resolved) else { continue }
            return (budget, written.resolved)
        }
        return nil
    }

    /// The budgets and windows APIM computes from expressions, by limit (Microsoft Learn:
    /// `quota-by-key` and `limit-concurrency` take numbers; the token limits' pages take
    /// expressions since 2025, audit V78).
    private static let computedBudgets: [String: [String]] = [
        "rate-limit-by-key": ["calls", "renewal-period"], "llm-token-limit": ["tokens-per-minute", "token-quota"],
        "azure-openai-token-limit": ["tokens-per-minute", "token-quota"],
    ]

    /// What a condition is as written, parentheses and white space aside (`@((false))`,
    /// `@(!true)`): nil for any other.
    public static func writtenTruth(_ written: String) -> Bool? {
        switch written.filter({ !$0.isWhitespace && $0 != "(" && $0 != ")" }).lowercased() {
        case "true", "@true", "@!false": true
        case "false", "@false", "@!true": false
        default: nil
        }
    }

    /// Whether a count is zero however written ('00', '@(0)', '-0', '0x0', '0_0'), or less:
    /// a negative count takes calls back off the counter.
    private static func countsNothing(_ written: String) -> Bool {
        writtenCount(written).map { $0 <= 0 } ?? false
    }

    /// Whether a count is one or more whatever the request holds: a number written out,
    /// or each a choice may give (`@(status >= 500 ? 2 : 1)`), or an expression
    /// ``ExpressionFlow/isAtLeastOne(_:)`` shows is never less (`Math.Max(1, …)`).
    private static func countsAtLeastOne(_ count: PolicyXMLValue) -> Bool {
        func atLeastOne(_ written: String) -> Bool { writtenCount(written).map { $0 >= 1 } ?? false }
        guard count.isExpression else { return atLeastOne(count.written) }
        return ExpressionFlow.isAtLeastOne(count.resolved) || ExpressionFlow.possibleValues(of: count.resolved).allSatisfy { atLeastOne($0.code) }
    }

    /// A count written as a whole number, or numbers computed (``ExpressionExtent/integerValue(of:)``).
    private static func writtenCount(_ written: String) -> Int? {
        ExpressionExtent.integerValue(of: written)
    }

    /// Whether an expression reads what the caller writes: a header, the URL and its
    /// query, the path's parameters, the body (white space aside).
    static func readsWhatTheCallerWrites(_ code: String) -> Bool {
        code.withUTF8Bytes { bytes in
            // Bytes, white space dropped: every name looked for is ASCII, and this runs for
            // every expression a check or a request sent on reads.
            var compact: [UInt8] = []
            compact.reserveCapacity(bytes.count)
            for byte in bytes where byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { compact.append(byte) }
            let request = Array("Request.".utf8)
            var index = 0
            while index + request.count <= compact.count {
                defer { index += 1 }
                guard compact[index] == request[0], compact[index..<(index + request.count)].elementsEqual(request) else { continue }
                let member = compact[(index + request.count)...]
                if callerWrittenMembers.contains(where: { member.starts(with: $0) }) { return true }
            }
            return false
        }
    }

    private static let callerWrittenMembers = ["Headers", "Url", "OriginalUrl", "MatchedParameters", "Body"].map { Array($0.utf8) }


    /// Whether a `send-request` or `send-one-way-request` may copy the caller's request:
    /// its `mode` is not `new` (the default), as APIM reads it with the named values
    /// `values` put in; an expression, or a named value not known here, may make it so.
    public func copiesTheRequest(_ values: NamedValueTable) -> Bool {
        switch read("mode", values) {
        case .unknown: true
        case .known(let mode): mode.map { $0.isExpression || $0.written.trimmingWhitespace.lowercased() != "new" } ?? false
        }
    }

    /// Whether a `send-request` or `send-one-way-request` sends on what the caller sent: a
    /// copy of the request (``copiesTheRequest(_:)``), or a new one whose URL, headers or
    /// body an expression fills from the caller's, or from a variable `callerControlled` says
    /// the caller writes, with the named values `values` put in (a Liquid template reads the
    /// body and the request too). A request without a token reaches where it goes either way.
    func sendsOnWhatTheCallerSent(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> Bool {
        if copiesTheRequest(values) { return true }
        var templated = false
        var carries = false
        func read(_ value: PolicyXMLValue) {
            guard !carries, value.isExpression || value.written.holds("{{") else { return }
            let text = NamedValues.resolve(value.resolved, values) ?? value.resolved
            if templated, text.holds("{{") || text.holds("{%") {
                carries = true
            } else if text.startsAnExpression, text.holdsWord("Request") || text.mayReadAVariable {
                // Spelt any way C# allows, each spelling holds a word or an escape.
                carries = callerControlled.writesTheValue(of: text)
            }
        }
        forEachElement { if $0.name == "set-body", $0.attribute("template") != nil { templated = true } }
        forEachElement { element in
            for attribute in element.attributes { read(attribute.value) }
            for case .text(let value, _) in element.children { read(value) }
        }
        return carries
    }

    /// Whether a `send-request` or `send-one-way-request` takes credentials where it is
    /// sent: it copies the caller's request, authenticates as the gateway
    /// (`authentication-*` inside it), names `Authorization`, writes a declared secret
    /// (`secrets`, case-folded names) into its own request, or has code (an expression or
    /// a template) that reads the caller's request (its URL and body may carry a key or a
    /// token as well as its headers), the subscription, or a policy variable (the generated
    /// ones keep the caller's token), spelt in any way C# allows (`\u` escapes). Literal
    /// text reads nothing.
    public func carriesCredentials(secrets: Set<String>, values: NamedValueTable) -> Bool {
        if copiesTheRequest(values) { return true }
        var authenticates = false
        forEachElement { if $0.name.hasPrefix("authentication-") { authenticates = true } }
        return authenticates
            || parsedTexts.contains { text in
                if text.lowercased().contains("authorization") { return true }
                guard text.startsAnExpression || text.holds("{{") else { return false }
                if text.holdsWord("Request") || text.holds("Subscription") || text.mayReadAVariable { return true }
                return NamedValues.references(in: text).contains { secrets.contains(Grammar.caseFolded($0)) }
            }
    }

    /// Whether a `return-response` or `mock-response` turns the caller away: its status is
    /// a client error (401, 403, 4xx), as a check written by hand answers, or an expression,
    /// which may make it one. A maintenance page (503) or an answer of the gateway's own is not.
    var refusesTheCaller: Bool {
        let status: PolicyXMLValue?
        switch name {
        case "return-response": status = elements.first { $0.name == "set-status" }?.attribute("code")?.value
        case "mock-response": status = attribute("status-code")?.value
        default: return false
        }
        guard let status else { return false }
        return status.isExpression || status.written.trimmingWhitespace.hasPrefix("4")
    }

    /// Whether the statement sets the method of the request it runs for: a `set-method` at
    /// any depth, but not in a `send-request`, which sets its own request's; `included`
    /// gives the statements of a fragment an `include-fragment` brings (nil: not read).
    public func setsTheRequestMethod(included: (String) -> [PolicyXMLElement]?) -> Bool {
        if name == "set-method" { return true }
        if name == "include-fragment", case .text(let id)? = attribute("fragment-id")?.value {
            return included(id)?.contains { $0.setsTheRequestMethod(included: included) } ?? false
        }
        guard name != "send-request", name != "send-one-way-request" else { return false }
        return elements.contains { $0.setsTheRequestMethod(included: included) }
    }

    /// Methods HTTP's method registry marks safe that the language has no route for.
    private static let safeMethods: Set<String> = ["TRACE", "QUERY", "PROPFIND", "SEARCH", "REPORT"]

    /// Whether a `set-method` may send the request on as a write: POST, PUT, PATCH, DELETE
    /// or a method no route has and HTTP names unsafe written out, or an expression or a
    /// named value, which may be one.
    var setsAWriteMethod: Bool {
        guard name == "set-method", case .text(let method)? = textValue else { return name == "set-method" }
        guard !method.contains("{{") else { return true }
        // A method the language has no route for (`MERGE`, `PURGE`) may change what the
        // backend holds, unless HTTP names it safe (audit V75: `MERGE` on a read route
        // passed; V76: `QUERY` was then a write).
        let written = method.trimmingWhitespace.uppercased()
        guard let known = HTTPMethod(rawValue: written) else { return !Self.safeMethods.contains(written) }
        return known.effect == .write
    }

    /// Whether a `when` runs on requests whose method is `method`, when its condition (or a
    /// rate limit counts them, when its `increment-condition`: `attribute`) tests nothing
    /// but the request's method: `@(context.Request.Method == "OPTIONS")`, several joined by
    /// `||`, holds for those; `!=` joined by `&&` for every other. Nil for any other
    /// condition.
    public func runs(forMethod method: String, testedBy attribute: String = "condition") -> Bool? {
        // Most conditions test something else: told by their bytes, before their characters
        // are read (each `when` on every walk of every audience's way read them: audit V21).
        guard self.attribute(attribute)?.value.resolved.holds("Method") == true else { return nil }
        let subject = "context.Request.Method"
        for (joiner, comparison, runsForThem) in [("||", "==", true), ("&&", "!=", false)] {
            guard let methods = comparedTexts(subject, comparison, joinedBy: joiner, in: attribute) else { continue }
            guard methods.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } }) else { return nil }
            return methods.contains(method) == runsForThem
        }
        return nil
    }

    /// The texts a condition (`attribute`) compares `subject` with, when it tests nothing
    /// else: `@(SUBJECT == "A" || "B" == SUBJECT)` with `==` and `||`, or `!=` and `&&`.
    /// Written plainly or not at all: a named value, another comparison or joiner, or a
    /// lone `|` or `&` (which evaluates both sides) makes the condition something else.
    private func comparedTexts(_ subject: String, _ comparison: String, joinedBy joiner: String, in attribute: String) -> Set<String>? {
        guard let condition = self.attribute(attribute)?.value, condition.isExpression, !condition.written.contains("{{") else { return nil }
        // White space goes, but not inside a string: `"GET "` is no method (found by an audit).
        var inString = false
        var previous: Character = " "
        let compact = condition.resolved.filter { character in
            defer { previous = character }
            if character == "\"", previous != "\\" { inString.toggle() }
            return inString || !character.isWhitespace
        }
        guard compact.hasPrefix("@("), compact.hasSuffix(")") else { return nil }
        var texts = Set<String>()
        for test in compact.dropFirst(2).dropLast().components(separatedBy: joiner) {
            guard !test.contains("&"), !test.contains("|") else { return nil }
            let parts = test.components(separatedBy: comparison)
            guard parts.count == 2 else { return nil }
            let (left, right) = parts[0] == subject ? (parts[0], parts[1]) : (parts[1], parts[0])
            let text = right.dropFirst().dropLast()
            guard left == subject, right.count >= 2, right.hasPrefix("\""), right.hasSuffix("\""), !text.contains("\""), !text.contains("=") else { return nil }
            texts.insert(String(text))
        }
        return texts
    }

    /// Whether the statement may answer some requests itself, so that nothing after it runs
    /// for them: an answer that is no fixed text (``isStaticAnswer``), or a cache lookup.
    public var answersSomeRequests: Bool {
        (RawEnforcement.Kind.answer.names.contains(name) && !isStaticAnswer) || name == "cache-lookup"
    }

    /// The first statement that ``answersSomeRequests``, the statement itself, one at any
    /// depth inside it, or one in a fragment it includes; nil where none may.
    public func answerInside(fragments: [String: PolicyXMLDocument]) -> PolicyXMLElement? {
        // A fragment read once holds no answer the first read did not find. Each element is
        // asked once: a lazy map asks twice, and the second ask of a fragment found nothing
        // (audit V48: a crash).
        var visited = Set<String>()
        func find(_ element: PolicyXMLElement) -> PolicyXMLElement? {
            if element.answersSomeRequests { return element }
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value, let fragment = fragments[id],
                visited.insert(id).inserted
            {
                return fragment.rootElements.firstResult(of: find)
            }
            return element.elements.firstResult(of: find)
        }
        return find(self)
    }

    /// Whether a `return-response` answers with nothing but what is written in it (no
    /// response kept from another call, no expression and no named value), or refuses the
    /// caller (``refusalStatus``). Such an answer (a refusal, a maintenance page, a preflight's
    /// headers) gives the caller nothing of the backend's, so it may come before the token
    /// check.
    var isStaticAnswer: Bool {
        guard name == "return-response", attribute("response-variable-name") == nil else { return false }
        // A Liquid template reads the context's variables and the body by name, in what it
        // writes and what it tests (`{% if context.Variables.x %}`): no answer written out.
        guard !elements.contains(where: { $0.name == "set-body" && $0.attribute("template") != nil }) else { return false }
        var written = true
        forEachElement { element in
            for attribute in element.attributes where attribute.value.isExpression || attribute.value.written.contains("{{") { written = false }
            for case .text(let value, _) in element.children where value.isExpression || value.written.contains("{{") { written = false }
        }
        return written || refusalStatus != nil
    }

    /// The status a `return-response` refuses the caller with: written, 400 or more, and
    /// nothing kept elsewhere answered (expressions may read the request, a `WWW-Authenticate`
    /// naming its host, and named values may be put in, but no variable is read, where
    /// another call's answer or a secret would be kept); nil for any other statement. Such
    /// an answer grants nothing: lint counts it as a check, and `diff` weighs its removal.
    public var refusalStatus: Int? {
        guard name == "return-response", attribute("response-variable-name") == nil,
            case .text(let code)? = elements.first(where: { $0.name == "set-status" })?.attribute("code")?.value,
            let status = Int(code.trimmingWhitespace), status >= 400
        else { return nil }
        var readsKept = false
        forEachElement { element in
            func read(_ value: PolicyXMLValue) {
                if value.isExpression, value.resolved.mayReadAVariable { readsKept = true }
            }
            for attribute in element.attributes { read(attribute.value) }
            for case .text(let value, _) in element.children { read(value) }
        }
        return readsKept ? nil : status
    }

    /// Whether a token check judges a token the policy gives it rather than the caller's:
    /// a `token-value` written as text, naming a named value the gateway's own
    /// configuration fills (one not known here, or one after which the code reads nothing
    /// the caller sends), or reading a variable a policy may fill otherwise than with
    /// what the caller sent (a caller who sends nothing may then pass as someone else;
    /// ``CallerControlledVariables/givesTheCallersToken(_:)``). A named value known here is
    /// read with its value: `GetValueOrDefault("{{token-header}}", "")` reads that header
    /// (an audit: such a check was no check, so a header set before it went unweighed);
    /// one not known here (a secret's) that only names what is read reads some header or
    /// query parameter of the caller's (``CredentialPlace/read(byTokenValue:)``; audit V9).
    public func checksAGivenToken(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> Bool {
        guard let given = attribute("token-value")?.value, given.isExpression else { return attribute("token-value") != nil }
        // Read with XML's references put in (`&#123;&#123;`, `&#86;ariables`) and any `\u`
        // escape taken for a variable's name (audits).
        var code = given.resolved
        if code.contains("{{") {
            let substituted = NamedValues.partlyResolved(code, values)
            guard CredentialPlace.leavesUnknownOnlyInNamesRead(substituted),
                !CredentialPlace.read(byTokenValue: substituted).isEmpty || callerControlled.givesTheCallersToken(substituted)
            else { return true }
            code = substituted
        }
        return code.mayReadAVariable && !callerControlled.givesTheCallersToken(code)
    }

    /// Whether a token or certificate check lets through callers it was written to stop
    /// (LP002 says why), read with the named values `values` and the variables the caller
    /// writes: it is no check for the rules, nor for `diff`.
    public func letsCallersThrough(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> Bool {
        acceptsUnsignedTokens || certificateCheckGap(values) != nil || checksNoAudience(values, callerControlled)
            || keySourceTheCallerChooses(values, callerControlled) != nil
    }

    /// What a token check reads from the request that decides which keys its tokens are
    /// checked with, nil when nothing: a `validate-jwt`'s `openid-config` URL (the caller
    /// names a server, or a path of a shared one such as Entra's, whose keys it holds, and
    /// signs tokens that pass with any issuer, so naming the issuers does not help); a
    /// signing `key` (its text, or an RSA key's `n` or `e`); a `validate-azure-ad-token`'s
    /// `tenant-id`, whose tokens, the caller's own tenant's, then pass. A value chosen among
    /// values written out by a test of the request (`region == "eu" ? … : …`) is the
    /// policy's choice: only the values a choice may give are read
    /// (``ExpressionFlow/decidingCodes(of:)``).
    func keySourceTheCallerChooses(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> KeySource? {
        func callers(_ value: PolicyXMLValue?) -> Bool {
            guard let value, case .code(let code) = Self.reading(value, values) else { return false }
            return callerControlled.writesTheValue(of: code)
        }
        switch name {
        case "validate-jwt":
            for element in elements {
                if element.name == "openid-config", callers(element.attribute("url")?.value) { return .configuration }
                // A key's text, or an RSA key's modulus or exponent.
                if element.name == "issuer-signing-keys",
                    element.elements.contains(where: { key in
                        callers(key.textValue) || callers(key.attribute("n")?.value) || callers(key.attribute("e")?.value)
                    })
                {
                    return .signingKey
                }
            }
            return nil
        case "validate-azure-ad-token":
            return callers(attribute("tenant-id")?.value) ? .tenant : nil
        default:
            return nil
        }
    }

    /// What of a token check's keys the caller may choose (``keySourceTheCallerChooses(_:_:)``).
    enum KeySource {
        case configuration, signingKey, tenant
    }

    /// Whether the check names the issuers it takes, in `issuers` or a required `iss` or
    /// `tid` claim, with values the caller does not choose.
    private func namesItsIssuer(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> Bool {
        elements.contains { element in
            switch element.name {
            case "issuers": element.elements.contains { $0.name == "issuer" && $0.holdsAValue(values, callerControlled) }
            case "required-claims":
                element.elements.contains { claim in
                    claim.name == "claim" && ["iss", "tid"].contains(claim.claimName(values) ?? "") && claim.holdsAValue(values, callerControlled)
                }
            default: false
            }
        }
    }

    /// Whether a check of the caller's token takes tokens its issuer signs for any API:
    /// nothing compares their `aud` claim. Microsoft's reference has `validate-jwt` compare
    /// it with `audiences` only, and `validate-azure-ad-token` with `audiences` or
    /// `backend-application-ids`; a required `aud` claim with a value does as much. A
    /// `validate-jwt` that trusts only secrets written in it (symmetric `issuer-signing-keys`)
    /// is left alone: those keys are the API's own, where an `openid-config`, or a public key
    /// or certificate, is an issuer's, which it signs every API's tokens with. An audience
    /// that `values` make blank, or that the caller's request gives (through a variable
    /// too), compares nothing.
    func checksNoAudience(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> Bool {
        let requiresAudience = elements.contains { claims in
            claims.name == "required-claims"
                && claims.elements.contains { $0.name == "claim" && $0.claimName(values) == "aud" && $0.holdsAValue(values, callerControlled) }
        }
        func names(_ list: String, _ item: String) -> Bool {
            elements.contains { $0.name == list && $0.elements.contains { $0.name == item && $0.holdsAValue(values, callerControlled) } }
        }
        switch name {
        case "validate-jwt":
            let sharedKeys = elements.contains { element in
                element.name == "openid-config"
                    || (element.name == "issuer-signing-keys"
                        && element.elements.contains { key in ["n", "e", "certificate-id"].contains { key.attribute($0) != nil } })
            }
            return sharedKeys && !names("audiences", "audience") && !requiresAudience && !checksAGivenToken(values, callerControlled)
        case "validate-azure-ad-token":
            return !names("audiences", "audience") && !names("backend-application-ids", "application-id") && !requiresAudience && !checksAGivenToken(values, callerControlled)
        default:
            return false
        }
    }

    /// The Entra key source shared by every tenant that a token check takes its keys from
    /// (`/common/`, `/organizations/`, `/consumers/` in `openid-config`'s URL, or such a
    /// `tenant-id`) while nothing names the issuer (`issuers`, a required `iss` or `tid`
    /// claim): a token any tenant issued for the audience passes. Nil when the check names
    /// one, or its keys are one tenant's.
    func sharedTenantWithoutIssuer(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> String? {
        let shared = ["common", "organizations", "consumers"]
        // An expression may give any text it writes, joined to others or in a hole, or
        // that a variable it reads is set to (a choice on the request lets the caller pick
        // it: audits): each is read as a URL's segments, or a tenant. A URL written out is
        // read past its scheme and host.
        func sharedSegment(_ value: PolicyXMLValue?, url: Bool) -> String? {
            guard let value else { return nil }
            switch Self.reading(value, values) {
            case .text(let text):
                let segments = url ? Array(text.lowercased().split(separator: "/").dropFirst(2)) : [Substring(text.trimmingWhitespace.lowercased())]
                return segments.first { shared.contains(String($0)) }.map(String.init)
            case .code(let code):
                return callerControlled.firstSegment(of: code, among: shared)
            }
        }
        let source: String?
        switch name {
        case "validate-jwt":
            source = elements.lazy.compactMap { element in element.name == "openid-config" ? sharedSegment(element.attribute("url")?.value, url: true) : nil }.first
        case "validate-azure-ad-token":
            source = sharedSegment(attribute("tenant-id")?.value, url: false)
        default:
            return nil
        }
        guard let source else { return nil }
        return namesItsIssuer(values, callerControlled) ? nil : source
    }

    /// The claim a `claim` of `required-claims` names, as APIM reads it: its text with the
    /// named values `values` put in (`{{aud-claim}}` may name `aud`), as written where one is
    /// not known here, trimmed; nil for an expression. The one reader of it, for lint and
    /// `diff`, so that both take the same claim for an audience.
    public func claimName(_ values: NamedValueTable) -> String? {
        guard case .text(let written)? = attribute("name")?.value else { return nil }
        return (NamedValues.resolve(written, values) ?? written).trimmingWhitespace
    }

    /// Whether the element holds a value the caller does not choose, itself or in its
    /// `value` elements, as a claim of `required-claims` does: text that is not blank once
    /// `values` are put in (a secret's, not known here, counts), or an expression that
    /// reads nothing the caller writes or picks, a variable `callerControlled` says so of
    /// included (a header choosing between two claims lets a token of the weaker pass).
    func holdsAValue(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> Bool {
        guard let value = textValue else {
            let given = elements.filter { $0.name == "value" }
            // A claim matched on any of its values passes a token holding the one the caller
            // picks, whatever the others require (found by an audit: 'Orders.Write' beside a
            // header's value let a reader write).
            if name == "claim", matchesAnyValue, given.contains(where: { $0.isChosenByTheCaller(values, callerControlled) }) { return false }
            return given.contains { $0.holdsAValue(values, callerControlled) }
        }
        switch Self.reading(value, values) {
        case .text(let text): return !text.trimmingWhitespace.isEmpty
        case .code(let code): return !callerControlled.choosesTheValue(of: code)
        }
    }

    /// Whether a claim passes a token holding any one of its values: `match="any"`, or a
    /// `match` an expression or a named value gives, which may be.
    private var matchesAnyValue: Bool {
        guard let match = attribute("match")?.value else { return false }
        guard case .text(let text) = match, !text.holds("{{") else { return true }
        return text.trimmingWhitespace.lowercased() == "any"
    }

    /// Whether a `value`'s text is code whose value the caller writes or picks.
    private func isChosenByTheCaller(_ values: NamedValueTable, _ callerControlled: CallerControlledVariables) -> Bool {
        guard let value = textValue, case .code(let code) = Self.reading(value, values) else { return false }
        return callerControlled.choosesTheValue(of: code)
    }

    /// What APIM reads in `value` once the named values `values` are put in: text, or code
    /// (named values put in before an expression, `{{blank}}@(...)`, make one). A named
    /// value whose value is not known here (a secret's) is text that holds something.
    private static func reading(_ value: PolicyXMLValue, _ values: NamedValueTable) -> ValueReading {
        switch value {
        case .text(let text):
            guard text.holds("{{") else { return .text(text) }
            guard let resolved = NamedValues.resolve(text, values)?.trimmingWhitespace else { return .text(text) }
            return resolved.hasPrefix("@") ? .code(resolved) : .text(resolved)
        case .expression:
            return .code(NamedValues.resolve(value.resolved, values) ?? value.resolved)
        }
    }

    private enum ValueReading {
        case text(String)
        case code(String)
    }

    /// Why a `validate-client-certificate` lets through callers it was written to stop, or
    /// nil: with `ignore-error` true a failed check goes on to the next statement; with
    /// `validate-trust` false a certificate the caller made passes unless each identity
    /// names the certificate's or its issuer's thumbprint or the issuer's certificate; with
    /// trust validated, any certificate a trusted authority issued passes unless an
    /// identity narrows them. Neither attribute takes an expression. An identity's values
    /// are read with the named values `values` put in: one they make blank names nothing.
    func certificateCheckGap(_ values: NamedValueTable) -> CertificateCheckGap? {
        guard name == "validate-client-certificate" else { return nil }
        // Anything but the default, as XML Schema reads a boolean, may depart from it: an
        // expression too, which APIM does not take here and which must not make the check
        // look whole.
        func departs(_ attribute: String, from standing: Bool) -> Bool {
            guard let written = self.attribute(attribute) else { return false }
            return AttributeValue.boolean(written.value.written) != standing
        }
        if departs("ignore-error", from: false) { return .errorsIgnored }
        let identities = elements.filter { $0.name == "identities" }.flatMap { $0.elements.filter { $0.name == "identity" } }
        guard departs("validate-trust", from: true) else {
            // An identity without a claim matches every certificate.
            let narrows = !identities.isEmpty && identities.allSatisfy { identity in
                identity.attributes.contains { attribute in
                    guard let value = NamedValues.resolve(attribute.value.written, values) else { return true }
                    return !value.trimmingWhitespace.isEmpty
                }
            }
            return narrows ? nil : .anyTrustedCertificate
        }
        let pinned = identities.allSatisfy { identity in
            ["thumbprint", "issuer-thumbprint", "issuer-certificate-id"].contains { name in
                guard case .text(let value)? = identity.attribute(name)?.value else { return false }
                return NamedValues.resolve(value, values).map { !$0.trimmingWhitespace.isEmpty } ?? true
            }
        }
        return identities.isEmpty || !pinned ? .untrustedCertificates : nil
    }

    /// The attributes of a `validate-client-certificate` that no longer check a
    /// certificate's revocation or dates (each true when left out), with what then passes:
    /// anything but true, named values put in, may be off.
    func certificateChecksSkipped(_ values: NamedValueTable) -> [(attribute: PolicyXMLAttribute, passes: String)] {
        guard name == "validate-client-certificate" else { return [] }
        return [("validate-revocation", "revoked"), ("validate-not-before", "not yet valid"), ("validate-not-after", "expired")].compactMap { name, passes in
            guard let attribute = attribute(name),
                AttributeValue.boolean(NamedValues.resolve(attribute.value.written, values) ?? attribute.value.written) != true
            else { return nil }
            return (attribute, passes)
        }
    }

    enum CertificateCheckGap {
        /// `ignore-error` is true.
        case errorsIgnored
        /// `validate-trust` is false and an identity, or the lack of one, does not pin the certificate.
        case untrustedCertificates
        /// No identity narrows the certificates a trusted authority issued, public ones
        /// included (the gateway's machine trusts its operating system's roots).
        case anyTrustedCertificate
    }

    /// Whether a `validate-jwt` passes tokens without a signature: `require-signed-tokens`
    /// is false, or an expression that may make it so (it is true when left out).
    var acceptsUnsignedTokens: Bool {
        guard name == "validate-jwt", let written = attribute("require-signed-tokens") else { return false }
        let compact = written.value.written.filter { !$0.isWhitespace }.lowercased()
        return compact != "true" && compact != "@(true)"
    }
}

/// A place in the request where a token travels, named in lowercase.
public enum CredentialPlace: Hashable, Sendable {
    case header(String), query(String)
    /// A name written as a named value or an expression: any header, or any query
    /// parameter (a `rewrite-uri` changes the URL alone).
    case anyHeader, anyQuery
    /// Any header or query parameter.
    case anyName

    /// Whether the two places may be one.
    public func mayBe(_ other: CredentialPlace) -> Bool {
        switch (self, other) {
        case (.anyName, _), (_, .anyName): true
        case (.anyHeader, .header), (.header, .anyHeader), (.anyHeader, .anyHeader): true
        case (.anyQuery, .query), (.query, .anyQuery), (.anyQuery, .anyQuery): true
        default: self == other
        }
    }
}

/// What token checks read from a point of `inbound` on, in the order statements run: the
/// request's places they read by name, and the variables holding the caller's token they
/// read (by ``CallerControlledVariables`` key), which hold what the request carried where
/// their setters ran (``CallerControlledVariables/tokenCopy(by:)``), not at the check.
public struct TokenReads: Hashable, Sendable {
    public var places: Set<CredentialPlace> = []
    public var variables: Set<String> = []

    /// What a check after a setter that reads `copied` reads besides, where it reads the
    /// variable set.
    mutating func formUnion(_ copied: TokenReads) {
        places.formUnion(copied.places)
        variables.formUnion(copied.variables)
    }
}

/// Where the estate's token checks read tokens: `Authorization` (the generated check's)
/// and every place a raw check names. A statement that puts the gateway's credentials in
/// one of them, before a check that reads it, makes the check judge those credentials.
/// Names given by named values are read with their known values.
struct CheckedCredentials: Sendable {
    private var checkedPlaces: Set<CredentialPlace> = [.header("authorization")]
    /// The lengths of the names in ``checkedPlaces``, in UTF-8 bytes.
    private var checkedLengths: Set<Int> = []
    private let values: KnownNamedValues
    /// The variables a check may compare with what the caller sent.
    let callerControlledVariables: CallerControlledVariables

    init(_ project: ResolvedProject, values: KnownNamedValues) {
        self.values = values
        let written = project.rawPolicies
        callerControlledVariables = CallerControlledVariables(written, fragments: project.fragments, values: values.byName)
        for (document, _) in written {
            for check in document.elements(named: Self.checks) { checkedPlaces.formUnion(tokenPlaces(of: check)) }
        }
        for place in checkedPlaces {
            switch place {
            case .header(let name), .query(let name): checkedLengths.insert(name.utf8.count)
            case .anyHeader, .anyQuery, .anyName: break
            }
        }
    }

    private static let checks: Set<String> = ["validate-jwt", "validate-azure-ad-token"]

    /// The named values' known values, by name, which statements are read with.
    var namedValues: NamedValueTable { values.byName }

    /// Whether a `send-request` or `send-one-way-request` sends the caller's credentials on
    /// in a write: with a write method, it copies the caller's request, or sets a header or
    /// query parameter some check reads from what the caller sent (found by an audit: a new
    /// DELETE given the caller's `Authorization` is the write a copy is). A `POST` counts:
    /// it is the most common write, though an external authorizer is asked so too (the
    /// last audit of the round weighed the two).
    func sendsTheCallersCredentialsInAWrite(_ sender: PolicyXMLElement) -> Bool {
        guard sender.elements.contains(where: \.setsAWriteMethod) else { return false }
        if sender.copiesTheRequest(namedValues) { return true }
        return sender.elements.contains { element in
                places(setBy: element).contains(where: reads) && element.sendsOnWhatTheCallerSent(namedValues, callerControlledVariables)
            }
    }

    /// Whether some check may read `place`.
    func reads(_ place: CredentialPlace) -> Bool {
        switch place {
        case .header: checkedPlaces.contains(.anyName) || checkedPlaces.contains(.anyHeader) || checkedPlaces.contains(place)
        case .query: checkedPlaces.contains(.anyName) || checkedPlaces.contains(.anyQuery) || checkedPlaces.contains(place)
        case .anyHeader, .anyQuery, .anyName: checkedPlaces.contains { $0.mayBe(place) }
        }
    }

    /// Where a raw token check reads the token it judges: the places it names
    /// (``PolicyXMLElement/placesNamedAsChecked(resolving:)``);
    /// for one given its token by an expression (`token-value`), the headers and query
    /// parameters it reads, any where it reads them all, and for a variable holding the
    /// caller's token where any of its setters read it (``tokenReads(of:)``, whatever the
    /// order); none for a check of a certificate.
    func tokenPlaces(of check: PolicyXMLElement) -> [CredentialPlace] {
        guard Self.checks.contains(check.name) else { return [] }
        guard tokenValue(of: check) != nil else { return check.placesNamedAsChecked(resolving: values.resolved) }
        let reads = tokenReads(of: check)
        return Array(reads.variables.reduce(into: reads.places) { $0.formUnion(callerControlledVariables.tokenPlaces(heldBy: $1)) })
    }

    /// What a raw token check reads (``tokenPlaces(of:)``), a variable that holds the
    /// caller's token as that variable (``CallerControlledVariables/tokenReads(of:)``):
    /// what its setters before the check read is what the check judges.
    func tokenReads(of check: PolicyXMLElement) -> TokenReads {
        guard Self.checks.contains(check.name) else { return TokenReads() }
        guard let code = tokenValue(of: check) else { return TokenReads(places: Set(check.placesNamedAsChecked(resolving: values.resolved))) }
        return callerControlledVariables.tokenReads(of: code)
    }

    /// The code of a check's `token-value`, the named values known here put in: empty for
    /// one written as text, which reads nothing of the request; nil where it has none.
    private func tokenValue(of check: PolicyXMLElement) -> String? {
        guard let given = check.attribute("token-value")?.value else { return nil }
        return given.isExpression ? values.partlyResolved(given.resolved) : ""
    }


    /// The places a statement writes (``PolicyXMLElement/placesSet(_:resolving:)``), found
    /// first by length: most names set are no check's, and lowercasing allocates.
    func places(setBy statement: PolicyXMLElement, _ write: CredentialPlace.Write = .given) -> [CredentialPlace] {
        if statement.name == "set-header" || statement.name == "set-query-parameter", case .text(let given)? = statement.attribute("name")?.value,
            given.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "{") }), !checkedPlaces.contains(.anyName),
            !checkedPlaces.contains(statement.name == "set-header" ? .anyHeader : .anyQuery),
            !checkedLengths.contains(given.trimmingWhitespace.utf8.count)
        {
            return []
        }
        return statement.placesSet(write, resolving: values.resolved)
    }
}

extension CredentialPlace {
    /// The request's places the code of a token check's `token-value` reads: the headers
    /// and query parameters it names, any header or query parameter where a named value
    /// not known here (a secret's, left as `{{…}}`) names it, any where it reads them all
    /// (a header named at run time, the URL, the whole request). The one reader of lint
    /// (LP001) and of `diff`, which weighs such a check again when another policy sets a
    /// place it reads.
    public static func read(byTokenValue code: String) -> [CredentialPlace] {
        ExpressionFlow.sources(of: code).compactMap { source in
            switch source {
            case .requestHeader(let name): name.holds("{{") ? .anyHeader : .header(name.lowercased())
            case .requestQuery(let name): name.holds("{{") ? .anyQuery : .query(name.lowercased())
            case .someRequestHeader, .allRequestHeaders, .allRequestQuery, .requestURL, .request: .anyName
            default: nil
            }
        }
    }

    /// Whether every named value `code` holds unknown (`{{…}}`) is in the name of a header
    /// or query parameter it reads: anywhere else it may be a token the gateway gives.
    static func leavesUnknownOnlyInNamesRead(_ code: String) -> Bool {
        let rest = ExpressionFlow.sources(of: code).reduce(code) { rest, source in
            switch source {
            // Once for each read: the same text may also stand elsewhere, as a fallback (audit V10).
            case .requestHeader(let name), .requestQuery(let name): name.holds("{{") ? rest.replacing(name, with: "", maxReplacements: 1) : rest
            default: rest
            }
        }
        return !rest.holds("{{")
    }

    /// What a write to a credential place is taken for.
    public enum Write: Sendable {
        /// Credentials of the gateway's, or of the policy's own choosing, put there for a
        /// caller who sent none: one deleted leaves no token to pass a check; one set with
        /// `exists-action="skip"` is still the gateway's for such a caller.
        case given
        /// What the caller sent there, replaced or removed: deleted too, but not set with
        /// `skip` or `append`, which keep a caller's value that is there (found by audits;
        /// appended to, the header's text still holds it, though it no longer parses as a
        /// token).
        case replaced
        /// What the caller sent there, removed: deleted, or with an action not known here.
        /// Nothing else takes a header off a request that still reaches its next statement.
        case removed
    }
}

extension PolicyXMLElement {
    /// The request's places a check names as where it reads what it judges, its names read
    /// as ``PolicyXMLValue/name(resolving:)`` reads them, any place where one is not known
    /// here: a `check-header`'s header; a token check's `header-name` and
    /// `query-parameter-name` (both, where both are written), `Authorization` where it names
    /// neither. None for a token given by `token-value` (``CredentialPlace/read(byTokenValue:)``
    /// reads those) and for any other statement. The one reader of lint (LP001) and of
    /// `diff`, which read the two attributes in opposite orders.
    public func placesNamedAsChecked(resolving resolved: (String) -> String?) -> [CredentialPlace] {
        switch name {
        case "check-header":
            guard let written = attribute("name")?.value else { return [] }
            return [written.name(resolving: resolved).map(CredentialPlace.header) ?? .anyHeader]
        case "validate-jwt", "validate-azure-ad-token":
            guard attribute("token-value") == nil else { return [] }
            let named = [
                ("header-name", CredentialPlace.header, CredentialPlace.anyHeader), ("query-parameter-name", CredentialPlace.query, CredentialPlace.anyQuery),
            ].compactMap { name, place, unknown in
                attribute(name).map { $0.value.name(resolving: resolved).map(place) ?? unknown }
            }
            return named.isEmpty ? [.header("authorization")] : named
        default:
            return []
        }
    }
}

extension PolicyXMLValue {
    /// A name as APIM reads it, lowercased: text with its named values put in by `resolved`
    /// (nil where one is not known), or an expression that is one string, named values
    /// making one too (`{{blank}}@("X-A")`); nil when it may be any name, as where a
    /// reference is left in it (`diff` puts a secret's in as `{{…}}`, which the gate took
    /// for a header of that name: audit V10).
    public func name(resolving resolved: (String) -> String?) -> String? {
        let code: String
        switch self {
        case .text(let text):
            guard let given = resolved(text) else { return nil }
            guard PolicyText.isExpression(given) else { return given.holds("{{") ? nil : given.trimmingWhitespace.lowercased() }
            code = given
        case .expression:
            code = self.resolved
        }
        return ExpressionFlow.stringLiteral(of: code).flatMap { $0.holds("{{") ? nil : $0.lowercased() }
    }
}

extension PolicyXMLElement {
    /// The request's places this statement writes, as `write` takes a write: `Authorization`
    /// for the gateway's managed identity or basic credentials, the header or query
    /// parameter a `set-header`, `set-query-parameter` or `rewrite-uri` sets. Names are read
    /// as APIM reads them, lowercased: text with its named values put in by `resolved` (nil
    /// where one is not known), or an expression that is one string; any name otherwise.
    /// The one reader of what a statement sets, for lint and `diff` alike.
    public func placesSet(_ write: CredentialPlace.Write = .given, resolving resolved: (String) -> String?) -> [CredentialPlace] {
        switch name {
        case "authentication-managed-identity", "authentication-basic":
            // The identity's token goes elsewhere only when `output-token-variable-name` says so.
            return write != .removed && attribute("output-token-variable-name") == nil ? [.header("authorization")] : []
        case "set-header", "set-query-parameter":
            guard let written = attribute("name")?.value else { return [] }
            // As APIM reads it, named values put in (an audit found `{{action}}` changed from
            // `delete` to `override` passing); one not known here may be any.
            let action = attribute("exists-action").map { attribute in
                attribute.value.isExpression ? nil : resolved(attribute.value.written)?.trimmingWhitespace.lowercased()
            } ?? "override"
            switch write {
            case .given: guard action != "delete" else { return [] }
            case .replaced: guard let action, action != "skip", action != "append" else { return [] }
            case .removed: guard action == nil || action == "delete" else { return [] }
            }
            let isHeader = name == "set-header"
            guard let given = written.name(resolving: resolved) else { return [isHeader ? .anyHeader : .anyQuery] }
            return [isHeader ? .header(given) : .query(given)]
        case "rewrite-uri":
            // The query a template writes: each parameter's name, or any where one is not
            // written out (an expression, a named value without a known value). It changes
            // the URL alone, never a header.
            guard let template = attribute("template")?.value else { return [] }
            guard !template.isExpression, let written = resolved(template.written) else { return [.anyQuery] }
            return CredentialPlace.queryParameters(inTemplate: written)
        default:
            return []
        }
    }

    /// The request's places this statement sets (``placesSet(_:resolving:)``) at any depth,
    /// but inside a request to another service, an answer or another section, and the
    /// fragments it includes there, by id, which callers read as they keep them.
    public func placesSetAtAnyDepth(resolving resolved: (String) -> String?) -> (places: Set<CredentialPlace>, includes: [String]) {
        var places = Set<CredentialPlace>()
        var includes: [String] = []
        var waiting = [self]
        while let element = waiting.popLast() {
            places.formUnion(element.placesSet(resolving: resolved))
            guard !Self.otherMessages.contains(element.name) else { continue }
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value { includes.append(id) }
            waiting += element.elements
        }
        return (places, includes)
    }

    /// What sets the headers of another message than the caller's request: a call's
    /// request, the answer, the request sent on from `backend`.
    private static let otherMessages: Set<String> = [
        "send-request", "send-one-way-request", "return-response", "mock-response", "backend", "outbound", "on-error",
    ]
}

extension CredentialPlace {
    /// The query parameters a URL template writes (`/things?access_token=x`), named values
    /// put in: each by its name, any where a name is a template parameter. The one reader of
    /// a rewrite's query, raw `rewrite-uri` and `rewrite` in the definitions alike.
    static func queryParameters(inTemplate written: String) -> [CredentialPlace] {
        guard let query = written.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        return query.split(separator: "&").map { parameter in
            let name = String(parameter.prefix { $0 != "=" })
            return name.contains("{") ? .anyQuery : .query(name.lowercased())
        }
    }

    /// How messages name the place.
    var described: String {
        switch self {
        case .header(let name): "header '\(name)'"
        case .query(let name): "query parameter '\(name)'"
        case .anyHeader: "a header"
        case .anyQuery: "a query parameter"
        case .anyName: "a header or query parameter"
        }
    }
}

extension Rewrite {
    /// The query parameters the generated `rewrite-uri` sets, read as a raw one's are
    /// (``CredentialPlace/queryParameters(inTemplate:)``); any where a named value in the
    /// path is not known. What the caller sent there is replaced too.
    public func placesSet(resolving resolved: (String) -> String?) -> Set<CredentialPlace> {
        guard let written = resolved(path.value) else { return [.anyQuery] }
        return Set(CredentialPlace.queryParameters(inTemplate: written))
    }
}

extension RequestShaping {
    /// The request's headers and query parameters the definitions set (`request.headers`,
    /// `request.query`), their names read as ``PolicyXMLValue/name(resolving:)`` reads them.
    /// `replacing`: only those overridden whatever the caller sent (`set`).
    public func placesSet(resolving resolved: (String) -> String?, replacing: Bool = false) -> Set<CredentialPlace> {
        places(resolving: resolved) { replacing ? $0 == .set : $0 != .remove }
    }

    /// The request's headers and query parameters the definitions write as `write` says: set
    /// in any way; overridden or removed; removed.
    func places(_ write: CredentialPlace.Write, resolving resolved: (String) -> String?) -> Set<CredentialPlace> {
        places(resolving: resolved) { action in
            switch write {
            case .given: action != .remove
            case .replaced: action == .set || action == .remove
            case .removed: action == .remove
            }
        }
    }

    private func places(resolving resolved: (String) -> String?, counting counted: (MessageChange.Action) -> Bool) -> Set<CredentialPlace> {
        let headers = self.headers.filter { counted($0.action) }.map { change in
            PolicyXMLValue.text(change.name.value).name(resolving: resolved).map(CredentialPlace.header) ?? .anyHeader
        }
        let query = self.query.filter { counted($0.action) }.map { change in
            PolicyXMLValue.text(change.name.value).name(resolving: resolved).map(CredentialPlace.query) ?? .anyQuery
        }
        return Set(headers + query)
    }
}

extension PolicyXMLElement {
    /// Whether this `return-response` writes its body or a header from a variable: a value
    /// a cache lookup found, or another call's response, rather than a refusal written out.
    /// A refusal (a status of 400 or more written out) that adds this request's correlation
    /// id is no answer of data (found by the audit of the change). A header carries data as
    /// a body does in a success (found by the next audit), a status of 200 to 299 written
    /// out or none; a redirect's `Location` or a correlation id beside a status echoed from
    /// the failed call is no answer of data (found by the audit of that change).
    var answersFromAVariable: Bool {
        Self.answerFromAVariable(in: elements, statusUnwritten: .success) != nil
    }

    /// What a status that no `set-status` writes is: a `return-response`'s is 200, an
    /// `on-error`'s answer keeps the failed call's.
    enum UnwrittenStatus {
        case success, failure
    }

    /// The statement among `statements` (at any depth, through the `fragments` they
    /// include, not inside a request sent elsewhere or after an answer ends the way) that writes the
    /// answer's body or a header from a variable, where the answer is data rather than a
    /// refusal (``answersFromAVariable``); nil if none. Where the status is the failed
    /// call's, the body counts only under a success written out too.
    ///
    /// Each way through the statements is judged alone: APIM runs one branch of a `choose`,
    /// so a refusal in one branch does not keep another from serving (found by an audit),
    /// and the last `set-status` and `set-body` on the way decide. The ways are told apart
    /// by what they leave (``AnswerState``), of which there are a few, and what a fragment
    /// leaves is worked out once for each, so time stays linear in the statements.
    static func answerFromAVariable(
        in statements: [PolicyXMLElement], statusUnwritten: UnwrittenStatus, fragments: [String: PolicyXMLDocument] = [:],
        values: NamedValueTable = .empty
    ) -> String? {
        var reader = AnswerReader(fragments: fragments, values: values)
        let ends = reader.walk(statements, from: [AnswerState()])
        let bodyCounts = { (status: AnswerState.Status) in
            switch status {
            case .success: true
            case .unwritten, .other: statusUnwritten == .success
            case .refusal: false
            }
        }
        let headerCounts = { (status: AnswerState.Status) in status == .success || (status == .unwritten && statusUnwritten == .success) }
        if ends.contains(where: { $0.bodyFromAVariable && bodyCounts($0.status) }) { return "set-body" }
        if ends.contains(where: { $0.headerFromAVariable && headerCounts($0.status) }) { return "set-header" }
        return nil
    }

    /// Whether a `set-body`, or a `value` of a `set-header`, writes a variable's value: an
    /// expression that reads one, typed reads too (a call's answer read as
    /// `GetValueOrDefault<IResponse>`, then its body: audit V50), or a Liquid template that
    /// does.
    fileprivate var writesAVariable: Bool {
        guard let written = textValue else { return false }
        guard case .expression = written else { return isLiquidTemplate && written.resolved.holds("context.Variables") }
        return ExpressionFlow.sources(of: written.resolved, typedReads: true).contains { source in
            if case .variable = source { return true }
            return source == .allVariables
        }
    }
}

/// What a way through an answer's statements leaves: the status last written, and whether
/// the body and a header then hold a variable's value.
private struct AnswerState: Hashable {
    enum Status: Hashable {
        /// No `set-status` on the way.
        case unwritten
        /// 200 to 299 written out.
        case success
        /// 400 or more written out.
        case refusal
        /// Another status, or one an expression gives.
        case other
    }

    var status = Status.unwritten
    var bodyFromAVariable = false
    var headerFromAVariable = false
}

/// Follows the ways through an answer's statements (``PolicyXMLElement/answerFromAVariable(in:statusUnwritten:fragments:)``).
private struct AnswerReader {
    let fragments: [String: PolicyXMLDocument]
    /// Named values put in before APIM reads a status.
    let values: NamedValueTable
    /// What each fragment leaves from each state it is entered in.
    private var leftByFragment: [String: [AnswerState: Set<AnswerState>]] = [:]
    /// The fragments being read, which an include of one of them again would loop through.
    private var reading: Set<String> = []

    init(fragments: [String: PolicyXMLDocument], values: NamedValueTable) {
        self.fragments = fragments
        self.values = values
    }

    /// The status a `set-status` writes, as APIM reads it: a number, given by named
    /// values of `values` too, or by an expression that is one (`@(200)`).
    private func statusCode(of setStatus: PolicyXMLElement) -> Int? {
        guard let written = setStatus.attribute("code")?.value else { return nil }
        var text = written.written.holds("{{") ? NamedValues.resolve(written.resolved, values) ?? written.resolved : written.resolved
        text = text.trimmingWhitespace
        if text.hasPrefix("@("), text.hasSuffix(")") { text = String(text.dropFirst(2).dropLast()).trimmingWhitespace }
        return Int(text)
    }

    /// The states the statements `elements`, run in order, leave from `states`.
    mutating func walk(_ elements: [PolicyXMLElement], from states: Set<AnswerState>) -> Set<AnswerState> {
        var states = states
        for element in elements {
            switch element.name {
            case "set-status":
                let status: AnswerState.Status
                if let code = statusCode(of: element) {
                    status = (200...299).contains(code) ? .success : code >= 400 ? .refusal : .other
                } else {
                    status = .other
                }
                states = Set(states.map { var state = $0; state.status = status; return state })
            case "set-body":
                let fromAVariable = element.writesAVariable
                states = Set(states.map { var state = $0; state.bodyFromAVariable = fromAVariable; return state })
            case "set-header":
                // A header's values are `value` elements of its `set-header`.
                if element.elements.contains(where: { $0.name == "value" && $0.writesAVariable }) {
                    states = Set(states.map { var state = $0; state.headerFromAVariable = true; return state })
                }
            case "choose":
                // One branch runs, or none when no `otherwise` is written.
                var left: Set<AnswerState> = element.elements.contains { $0.name == "otherwise" } ? [] : states
                for branch in element.elements where branch.name == "when" || branch.name == "otherwise" {
                    left.formUnion(walk(branch.elements, from: states))
                }
                states = left
            case "include-fragment":
                guard case .text(let id)? = element.attribute("fragment-id")?.value, let fragment = fragments[id], !reading.contains(id) else { continue }
                var left: Set<AnswerState> = []
                for state in states {
                    if let known = leftByFragment[id]?[state] {
                        left.formUnion(known)
                        continue
                    }
                    reading.insert(id)
                    let found = walk(fragment.rootElements, from: [state])
                    reading.remove(id)
                    leftByFragment[id, default: [:]][state] = found
                    left.formUnion(found)
                }
                states = left
            case "return-response":
                // The way ends: its answer is the `return-response`'s own, judged as one.
                return []
            case "send-request", "send-one-way-request":
                continue
            default:
                states = walk(element.elements, from: states)
            }
        }
        return states
    }
}

extension Sequence {
    /// The first non-nil `transform` gives, each element's asked once. A lazy
    /// `compactMap(...).first` asks the one it finds twice, and a transform that marks a
    /// fragment as visited answered nil the second time: a crash (found by an audit).
    fileprivate func firstResult<Result>(of transform: (Element) -> Result?) -> Result? {
        for element in self {
            if let result = transform(element) { return result }
        }
        return nil
    }
}

/// Where a policy's writes of `Authorization` are read
/// (``RawEnforcement/authorizationWrites(ofPoliciesBesides:on:broaderRunAfter:)``): its whole
/// inbound, or what runs before its `<base />`.
private struct AuthorizationWritesRead: Hashable, Sendable {
    let document: ObjectIdentifier
    let beforeBase: Bool
}

/// Which way an inbound order reads each policy on it that runs `<base />` on some paths
/// only (``PolicyXMLDocument/inboundStatementHoldingBaseOnSomePaths``): through it, where
/// the broader policies run, or past it (false), where they do not.
struct PartialBases: Hashable, Sendable {
    /// The route's own policy's.
    var route = false
    /// The API's policy's.
    var api = false
    /// The product's policy's, where an audience runs one product.
    var products = false
}

/// An API with some of its products (nil: all), whose audiences' broader runs
/// ``RawEnforcement/credentialPlacesReplaced(onTheWayOf:runningOneOf:)`` reads.
private struct APIAndProducts: Hashable, Sendable {
    let api: Int
    let products: Set<Int>?
}

/// The products of an API, read for the statements of another document (``RawEnforcement/authorizationWrites(ofPoliciesBesides:on:broaderRunAfter:)``).
private struct ProductsWritesRead: Hashable, Sendable {
    let api: Int
    let besides: ObjectIdentifier
    let broaderRunAfter: Bool
}

extension PolicyScope {
    /// How narrow the scope is: the global policy's 0, a route's 3 (a fragment's, 4, tells
    /// nothing: it runs wherever it is included).
    fileprivate var rank: Int { Self.allCases.firstIndex(of: self)! }
}
