import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// CA001: one user's response served to another.
public enum SharedCacheOnAuthenticatedRoute: Rule {
    public static let code = DiagnosticCode(
        "CA001", "shared-cache-on-authenticated-route", .error,
        summary: "an authenticated route whose cache is 'sharing: shared', or a raw 'cache-lookup' that does not vary by caller, a raw semantic cache lookup ('llm-semantic-cache-lookup') none of whose 'vary-by's tells callers apart, or a raw 'cache-store-value' that keeps the answer under a key that does not tell callers apart, on one; a raw 'cache-lookup-value' whose key the request chooses where a store keeps each caller's own entries; a route's shared cache where a raw statement puts who the caller is in what its backend is asked or in the answer")

    public static let description = RuleDescription(
        code,
        rationale: """
            A route that checks tokens usually answers differently per caller. With a shared \
            cache, the first caller's response is served to everyone who asks the same URL \
            within the TTL: another user's orders, profile or documents.
            """,
        fix: "Use 'sharing: per-user' (the default on authenticated routes), which keys the cache on the token's subject.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s, sharing: ↓shared}
                """),
            rawCache(lookup: #"↓cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true""#),
            // A subscription is an application's, which all its users' tokens call through:
            // one entry per subscription serves one user's answer to the next.
            rawCache(lookup: #"↓cache-lookup vary-by-developer="true" vary-by-developer-groups="false" allow-private-response-caching="true""#),
            // A header only the generated policies set: no generated statement runs around a
            // raw lookup, so the caller chooses its value.
            rawCache(
                lookup: #"↓cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true""#,
                varyingBy: "X-Portcullis-Cache-Subject"),
            // Callers checked by raw XML share the generated cache: without 'auth' it has no
            // subject to key on.
            RuleExample.api(
                routes: """
                  - id: get-account
                    method: GET
                    path: /account
                    auth: none
                    public: Partners present a client certificate
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    ↓cache: {ttl: 30s}
                    policy: '<policies><inbound><base /><validate-client-certificate validate-trust="true"><identities><identity issuer-certificate-id="partner-ca" /></identities></validate-client-certificate></inbound></policies>'
                """),
            // A subscription's entry is every user's of the application, as with 'vary-by-developer'.
            rawStore(key: "context.Subscription.Id", marked: true),
            // Each caller's answer kept under the token's subject, read back by a header the caller sets.
            callersEntry(lookupKey: #"&quot;resp:&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Sub&quot;, &quot;&quot;)"#, marked: true),
            // A semantic cache answers a prompt like one another caller asked with that
            // caller's completion, whatever token the request carries.
            semanticCache(varyingBy: nil, marked: true),
            // A subscription is an application's, which all its users' tokens call through.
            semanticCache(varyingBy: "context.Subscription.Id", marked: true),
            // The backend asked on behalf of the subscription answers for it alone.
            callerSentOn("<value>@(context.Subscription.Id)</value>", marked: true),
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 30s}
                """),
            // Without 'allow-private-response-caching', APIM caches no request with a token.
            rawCache(lookup: #"cache-lookup vary-by-developer="false" vary-by-developer-groups="false""#),
            callerSentOn("<value>catalogue</value>", marked: false),
            rawCache(
                lookup: #"cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true""#,
                varyingBy: "Authorization"),
            rawStore(key: "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject"),
            callersEntry(lookupKey: Self.subjectKey),
            // Text of its own: no caller's entry starts with it.
            callersEntry(lookupKey: #"&quot;rates:&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Currency&quot;, &quot;&quot;)"#),
            semanticCache(varyingBy: "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject"),
        ])

    /// A key of the validated token's subject.
    private static let subjectKey = #"&quot;resp:&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject"#

    /// A route requiring a token that keeps each caller's answer under ``subjectKey`` and
    /// looks an entry up under the key `lookupKey` makes; `marked` expects the finding there.
    private static func callersEntry(lookupKey: String, marked: Bool = false) -> RuleExample {
        tokenRoute(
            inbound: #"<\#(marked ? "↓" : "")cache-lookup-value key="@(\#(lookupKey))" variable-name="kept" />"#,
            outbound: #"<cache-store-value key="@(\#(subjectKey))" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="30" />"#)
    }

    /// A route requiring a token whose raw policy keeps its answer under the key `code`
    /// makes; `marked` expects the finding there.
    private static func rawStore(key code: String, marked: Bool = false) -> RuleExample {
        tokenRoute(
            outbound: #"<\#(marked ? "↓" : "")cache-store-value key="@(\#(code))" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="30" />"#)
    }

    /// A route requiring a token whose raw policy keeps completions in a semantic cache
    /// partitioned by the code `partition` (nil: not partitioned); `marked` expects the
    /// finding at the lookup.
    /// A public route whose shared cache keeps what its backend answers to a request with
    /// the header `X-Customer` of `value`, which the API's raw policy sets.
    private static func callerSentOn(_ value: String, marked: Bool, line: UInt = #line) -> RuleExample {
        RuleExample.api(
            rawInbound: #"<set-header name="X-Customer" exists-action="override">"# + value + "</set-header>",
            routes: """
                  - id: list-prices
                    method: GET
                    path: /prices
                    auth: none
                    public: published prices
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    cache: {ttl: 30s, sharing: \(marked ? "↓" : "")shared}
                """, line: line)
    }

    private static func semanticCache(varyingBy partition: String?, marked: Bool = false) -> RuleExample {
        let varyBy = partition.map { "<vary-by>@(\($0))</vary-by>" } ?? ""
        return tokenRoute(
            inbound: #"<\#(marked ? "↓" : "")llm-semantic-cache-lookup score-threshold="0.05" embeddings-backend-id="embeddings" embeddings-backend-auth="system-assigned">\#(varyBy)</llm-semantic-cache-lookup>"#,
            outbound: #"<llm-semantic-cache-store duration="60" />"#)
    }

    /// A route requiring a token whose raw policy caches responses with `lookup`, varying by
    /// the header `varyingBy`, in an API with `apiFields`.
    private static func rawCache(lookup: String, varyingBy header: String? = nil, apiFields: String = "") -> RuleExample {
        let lookupElement = header.map { "<\(lookup)><vary-by-header>\($0)</vary-by-header></cache-lookup>" } ?? "<\(lookup) />"
        return tokenRoute(inbound: lookupElement, outbound: #"<cache-store duration="30" />"#, apiFields: apiFields)
    }

    /// A route requiring a token, in an API with `apiFields`, whose raw policy runs
    /// `inbound` and `outbound` after `<base />`.
    private static func tokenRoute(inbound: String = "", outbound: String, apiFields: String = "") -> RuleExample {
        RuleExample.api(
            fields: apiFields,
            routes: """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                policy: |
                  <policies>
                    <inbound>
                      <base />
                      \(inbound)
                    </inbound>
                    <outbound>
                      <base />
                      \(outbound)
                    </outbound>
                  </policies>
            """)
    }

    /// The headers and query parameters a lookup varies on: one that varies on every place a
    /// check reads credentials from gives each caller entries of its own (never for a
    /// certificate, which is read from no place).
    private static func placesVaried(by lookup: PolicyXMLElement) -> Set<CredentialPlace> {
        var varied = Set<CredentialPlace>()
        for element in lookup.elements {
            guard case .text(let written)? = element.textValue else { continue }
            let name = written.trimmingWhitespace.lowercased()
            if element.name == "vary-by-header" { varied.insert(.header(name)) }
            if element.name == "vary-by-query-parameter" {
                for parameter in name.split(separator: ";") { varied.insert(.query(String(parameter).trimmingWhitespace)) }
            }
        }
        return varied
    }

    /// Whether `source`, a read of a variable, may read one of `names` (case-folded); nil
    /// for a source that is no variable.
    private static func reads(_ source: ExpressionFlow.Source, oneOf names: Set<String>) -> Bool? {
        switch source {
        case .variable(let name): names.contains(name.trimmingWhitespace.lowercased())
        case .allVariables: !names.isEmpty
        default: nil
        }
    }

    /// Made once: a set literal costs its hashing in every scope of an estate.
    private static let cacheLookup: Set<String> = ["cache-lookup"]
    private static let cacheStoreValue: Set<String> = ["cache-store-value"]
    private static let cacheLookupValue: Set<String> = ["cache-lookup-value"]
    /// `llm-semantic-cache-lookup` and its older name. APIM partitions their cache by their
    /// `vary-by`s alone (Microsoft's pages give them no setting that keeps requests with a
    /// token out, as `cache-lookup` has): a caller whose prompt is like another's gets the
    /// other's completion.
    static let semanticCacheLookups: Set<String> = ["llm-semantic-cache-lookup", "azure-openai-semantic-cache-lookup"]

    /// Whether a `cache-store-value` in `api`'s policies (nil: every API's) keeps the answer
    /// (`context.Response`, its body or headers, itself or through a variable that holds it) under a key
    /// that every caller's request finds, or that any caller may name: one written out, or
    /// one an expression makes of nothing that tells callers apart
    /// (``StoreKeys/tellsCallersApart(_:in:)``). So does one that reads the answer to a call
    /// that asks for the caller's data: made in its own policy
    /// (``EstateVariables/callersAnswers(in:)``) or, for a store in `outbound`, in any policy
    /// on the way of `scope`'s requests (``EstateVariables/callersAnswers(beforeTheOutboundOf:)``).
    private static func keepsTheAnswerForEveryone(_ store: PolicyXMLElement, in scope: RawScope, _ keys: StoreKeys) -> Bool {
        guard let value = store.attribute("value")?.value, value.isExpression, let key = store.attribute("key")?.value else { return false }
        let api = scope.api
        if !readsTheAnswer(value.resolved) {
            guard value.resolved.mayReadAVariable else { return false }
            let variables = keys.variables.answer
            let callersAnswers =
                scope.document.section(holding: store) == "outbound"
                ? keys.variables.callersAnswers(beforeTheOutboundOf: scope) : keys.variables.callersAnswers(in: scope.document)
            guard
                ExpressionFlow.sources(of: value.resolved, typedReads: true).contains(where: { source in
                    variables.read(by: source, in: api) || Self.reads(source, oneOf: callersAnswers) == true
                })
            else { return false }
        }
        return RawScope.constant(key) != nil || !keys.tellsCallersApart(key.resolved, in: api)
    }

    /// The routes of `checked` whose requests run `section` of `scope`'s policy. Outside
    /// `inbound`, a narrower policy whose section runs `<base />` on no path keeps the
    /// broader one's statements there from running (audit V22: a product's store in
    /// `outbound` was judged for the routes whose `outbound` drops it, a false error); who
    /// runs `inbound` is read with the callers' credentials
    /// (``RawEnforcement/callersCredentials(on:meeting:inInbound:)``).
    private static func routes(_ checked: [EffectiveRoute], runningSection section: String, of scope: RawScope, _ context: CheckContext) -> [EffectiveRoute] {
        guard section != "inbound", scope.level == .global || scope.level == .product || scope.level == .api else { return checked }
        let apis = context.project.apis
        return checked.filter { route in
            let runs = { (document: PolicyXMLDocument?) in document?.mayRunBase(in: section) ?? true }
            return runs(route.written.policy?.document) && (scope.level == .api || runs(apis[route.apiIndex].policy?.document))
        }
    }

    /// Whether `route` takes tokens its provider introspects: opaque ones, no JWTs.
    static func takesOpaqueTokens(_ route: EffectiveRoute, _ context: CheckContext) -> Bool {
        guard route.isAuthenticated, case .introspection? = context.provider(of: route)?.details else { return false }
        return true
    }

    /// How the keys of a scope's stores are judged: by the headers that carry every one of
    /// its callers' credentials (``credentialHeaders(of:localChecks:_:)``).
    private struct StoreKeys {
        let credentialHeaders: Set<String>
        let variables: EstateVariables
        /// Whether a route judged takes tokens its provider introspects, which are no JWTs:
        /// `AsJwt()` gives null for them, so a key of its claims is the same for every such
        /// caller (audit V29: `"o:" + …AsJwt()?.Subject` kept one answer for all).
        let opaqueTokens: Bool

        init(credentialHeaders: Set<String>, variables: EstateVariables, routes: [EffectiveRoute], _ context: CheckContext) {
            self.init(
                credentialHeaders: credentialHeaders, variables: variables,
                opaqueTokens: routes.contains { SharedCacheOnAuthenticatedRoute.takesOpaqueTokens($0, context) })
        }

        init(credentialHeaders: Set<String>, variables: EstateVariables, opaqueTokens: Bool) {
            self.credentialHeaders = credentialHeaders
            self.variables = variables
            self.opaqueTokens = opaqueTokens
        }

        /// Whether every value a key's code may give tells callers apart
        /// (``ExpressionFlow/everyValue(of:credentials:holds:)``: `context.Subscription?.Id ?? token`
        /// gives the subscription's to its callers): it holds a credential header, whole or
        /// through a hash, past its scheme, or the token's subject or a claim that names a
        /// user (``ExpressionFlow/valuesKeptApart(of:)``), or a variable no setter gives a
        /// value that does not (a validated token's claim). A key of nothing but the URL, its
        /// query or path parameters, other headers and written strings is one any caller may
        /// ask for: the same for every caller of a URL (found by an audit: such a key was
        /// taken for a caller's own), or the one a header names, which a caller sets to
        /// another's (`X-User-Id`: found by a later audit). So is a key of the body, or of
        /// an unchecked token's claims, which the caller writes; one of the subscription, its
        /// owner or the caller's address, which many users share, as `vary-by-developer`
        /// does; one of the credential's scheme or length, a token's tenant or audience; and
        /// a variable set to one of these (found by the audits of the thirty-ninth round).
        /// Read in the code alone: a string or a comment that names one (`"Users-" + id`)
        /// tells nothing apart (the audit of the change).
        func tellsCallersApart(_ code: String, in api: Int?) -> Bool {
            let read = ExpressionFlow.withoutWrittenText(code)
            let escaped = read.holdsAnEscape
            guard read.holds("Request") || read.holds("Variables") || read.holds("NewGuid") || escaped else { return false }
            return ExpressionFlow.everyValue(of: code, credentials: isCredential) { value in
                holdsACredential(value) { variables.tellsCallersApart($0, in: api, under: self) }
            }
        }

        /// Whether a semantic cache lookup keeps each caller's completions apart: one of its
        /// `vary-by`s, whose values APIM joins into the partition, tells callers apart as a
        /// store's key must.
        func partitionsByCaller(_ lookup: PolicyXMLElement, in api: Int?) -> Bool {
            lookup.elements.contains { element in
                guard element.name == "vary-by", let partition = element.textValue, partition.isExpression else { return false }
                return tellsCallersApart(partition.resolved, in: api)
            }
        }

        /// Whether `code`'s value may hold a credential header kept apart, or a variable
        /// `variableTells` says tells callers apart. A block's every read counts: its
        /// locals are not followed (Microsoft's example hands the header to one through
        /// `TryGetValue`).
        func holdsACredential(_ code: String, variableTells: (ExpressionFlow.Source) -> Bool) -> Bool {
            let block = code.drop { $0.isWhitespace }.hasPrefix("@{")
            // A key new for every request is found by no other caller, nor by this one; a
            // block judged whole may read one and return another.
            let read = ExpressionFlow.withoutWrittenText(code)
            if !block, ["NewGuid", "RequestId"].contains(where: read.holds) { return true }
            if opaqueTokens, read.holds("AsJwt") { return false }
            return (block ? ExpressionFlow.reads(of: code) : ExpressionFlow.valuesKeptApart(of: code)).contains { source in
                switch source {
                case .variable, .allVariables: variableTells(source)
                default: isCredential(source)
                }
            }
        }

        /// Whether `source` is a header that carries the credentials of every caller of the
        /// scope: one of ``credentialHeaders``, or the headers or the request passed whole.
        /// One named by what is not written out only where any header may carry them: it
        /// may be one the caller sends, `X-Sub` as the subject's (an audit).
        func isCredential(_ source: ExpressionFlow.Source) -> Bool {
            switch source {
            case .requestHeader(let name): credentialHeaders.contains(anyHeader) || credentialHeaders.contains(name.trimmingWhitespace.lowercased())
            case .someRequestHeader: credentialHeaders.contains(anyHeader)
            case .allRequestHeaders, .request: true
            default: false
            }
        }
    }

    /// The estate's variables as CA001 reads them, each kind worked out once a store asks.
    private final class EstateVariables {
        private let context: CheckContext
        /// The estate's `set-variable`s: whose policies hold each (as
        /// ``VariableSetters/Setter/api``) and the value it gives; indexed when a key first
        /// reads a variable, a value's code worked out when it is judged (the estate's
        /// setters read whole cost an estate of many 1.8 times its lint).
        private var valueSetters: [(name: String, api: Int?, value: PolicyXMLValue)] = []
        /// Their indices by the name they set, in lower case ("" for one an expression names).
        private var settersByName: [String: [Int]]?
        /// Whether each setter may give a value many callers share, by the number of the
        /// credential headers it was judged with (``headerSets``) and its index.
        private var judged: [[Int]: Bool] = [:]
        /// The setters being judged: a copy of one of them, through other variables, is taken
        /// to be shared (`a = b; b = a` is every caller's: an audit). One of its own variable
        /// is judged by the setters of it that do not read it (``basesTellApart``).
        private var judging: Set<Int> = []
        /// The setters judged once, by the headers they were judged with: judging one again
        /// (a judgement cut short is not kept) spends the budget.
        private var judgedOnce: Set<[Int]> = []
        /// How many more judgements may repeat one, and how many more may be made at all
        /// (each scope's headers judge the setters its keys reach anew); past either, a
        /// setter is taken to be shared.
        private var repeats = 5_000
        private var judgements = 100_000
        /// How many times a judgement was cut short: by a setter being judged, the depth or
        /// the budget.
        private var cutShort = 0
        /// What each scope's judgements were made with, numbered: its credential headers, and
        /// whether its tokens are opaque (audit V35: a verdict made for a JWT route's store
        /// was kept for an introspection route's).
        private var headerSets: [JudgedWith: Int] = [:]

        private struct JudgedWith: Hashable {
            var credentialHeaders: Set<String>
            var opaqueTokens: Bool
        }

        init(_ context: CheckContext) { self.context = context }

        /// Every `set-variable` of the estate, which the three markings below read.
        private lazy var setters = VariableSetters(context.project, values: context.namedValues.byName)

        /// The variables that hold what names a caller (``namesTheCaller(_:)``), set from it
        /// or copied from such a variable: Microsoft's own store keys on
        /// `context.Variables["enduserid"]` (the audit of the lookups' rule).
        lazy var namingTheCaller: MarkedVariables = setters
            .marked(seeds: { SharedCacheOnAuthenticatedRoute.namesTheCaller($0.code) }, passesOn: { _ in true })

        /// The variables set from who the caller is as a shared cache's carriers are read
        /// (``CallerReader``), or copied from such a variable.
        lazy var holdingTheCaller: MarkedVariables = setters
            .marked(seeds: { CallerReader.readsWhoTheCallerIs($0.code) }, passesOn: { _ in true })

        /// The variables that hold the answer's body: set from it, or copied from such a
        /// variable, by a policy or a fragment (found by audits: a store of one keeps the
        /// answer as a store of the body does, wherever on the request's way the variable
        /// was set). There is no answer before `outbound`.
        lazy var answer: MarkedVariables = SharedCacheOnAuthenticatedRoute.variablesHoldingTheAnswer(in: setters)

        /// The variables of `document` that hold the answer to a call that asks for the
        /// caller's data (``sendsTheCaller(_:in:values:_:)``): its `response-variable-name`,
        /// and a `set-variable` of the same document that copies one (16 copies deep). Read in
        /// the document alone: a variable lives for one request, and another operation's or
        /// API's variable of the same name is not this request's (the fourth audit: a
        /// gateway's own token cached under one key was an error wherever another route
        /// called with the caller's token into a variable named alike).
        func callersAnswers(in document: PolicyXMLDocument) -> Set<String> {
            if let known = callersAnswersIn[ObjectIdentifier(document)] { return known }
            let values = context.namedValues.byName
            let credentials = callersCredentials
            var found = Set<String>()
            for call in document.elements(named: Self.sendRequest) where Self.sendsTheCaller(call, in: document, values: values, credentials) {
                if case .text(let name)? = call.attribute("response-variable-name")?.value { found.insert(credentials.named(name)) }
            }
            if !found.isEmpty { found = credentials.copies(of: found, in: document) }
            callersAnswersIn[ObjectIdentifier(document)] = found
            return found
        }

        /// The variables that hold the answer to a call asking for the caller's data when a
        /// store in `scope`'s `outbound` runs: every request of `scope` has passed the
        /// `inbound` of each policy on its way by then (the gateway's, its products', its
        /// API's, its route's, and the fragments they include), so a call made there is this
        /// request's (the API's policy called with the caller's token and a route's
        /// `outbound` stored the answer under one key: left by the forty-first round). Each policy's calls
        /// and copies are its own (``callersAnswers(in:)``); copies in the store's policy
        /// are followed too. A store in `inbound` is judged by its own policy's calls alone:
        /// a broader policy's `inbound` may run before the calls of the narrower ones.
        func callersAnswers(beforeTheOutboundOf scope: RawScope) -> Set<String> {
            if let known = callersAnswersBeforeOutbound[ObjectIdentifier(scope.document)] { return known }
            var found = Set<String>()
            for document in documentsOnTheWay(of: scope.routes) + [scope.document] { found.formUnion(callersAnswers(in: document)) }
            if !found.isEmpty { found = callersCredentials.copies(of: found, in: scope.document) }
            callersAnswersBeforeOutbound[ObjectIdentifier(scope.document)] = found
            return found
        }

        /// The raw policies on the way of `routes`' requests, each once, with the fragments
        /// they include (through other fragments too).
        private func documentsOnTheWay(of routes: [EffectiveRoute]) -> [PolicyXMLDocument] {
            let project = context.project
            var documents: [PolicyXMLDocument] = []
            var seen = Set<ObjectIdentifier>()
            func add(_ document: PolicyXMLDocument?) {
                guard let document, seen.insert(ObjectIdentifier(document)).inserted else { return }
                documents.append(document)
            }
            add(project.gateway?.policy?.document)
            var apis = Set<Int>()
            var products = Set<Int>()
            for route in routes {
                add(route.written.policy?.document)
                if apis.insert(route.apiIndex).inserted { add(project.apis[route.apiIndex].policy?.document) }
                for product in route.products where products.insert(product).inserted { add(project.products[product].policy?.document) }
            }
            let fragments = context.rawEnforcement.fragments
            var included = Set<String>()
            var index = 0
            while index < documents.count {
                for element in documents[index].elements(named: Self.includeFragment) {
                    guard case .text(let id)? = element.attribute("fragment-id")?.value, included.insert(id).inserted else { continue }
                    add(fragments[id])
                }
                index += 1
            }
            return documents
        }

        private static let includeFragment: Set<String> = ["include-fragment"]
        private var callersAnswersBeforeOutbound: [ObjectIdentifier: Set<String>] = [:]
        private var callersAnswersIn: [ObjectIdentifier: Set<String>] = [:]
        private lazy var callersCredentials = CallersCredentials(context.project, values: context.namedValues.byName)
        private static let sendRequest: Set<String> = ["send-request"]

        /// Where the estate's callers' credentials are read: `Authorization`, the headers and
        /// query parameters its token checks read, every header, the request whole; and, in
        /// the policy a call stands in, a token check's validated token
        /// (`output-token-variable-name`) and the variables set from any of them. The second
        /// audit of the round found a token read elsewhere, or validated first, taken for
        /// none; the fourth, a variable of the same name in another operation's or API's
        /// policy taken for this request's (a variable lives for one request: a gateway's
        /// own token cached under one key was an error wherever another policy named a
        /// variable alike).
        private final class CallersCredentials {
            private(set) var headers: Set<String> = ["authorization"]
            private(set) var queries: Set<String> = []
            private let values: NamedValueTable
            /// The variables each document sets from the caller's credentials, by document.
            private var variablesIn: [ObjectIdentifier: Set<String>] = [:]

            init(_ project: ResolvedProject, values: NamedValueTable) {
                self.values = values
                for policy in project.rawPolicies {
                    for check in policy.document.elements(named: EstateVariables.tokenChecks) {
                        if case .text(let name)? = check.attribute("header-name")?.value { headers.insert(named(name)) }
                        if case .text(let name)? = check.attribute("query-parameter-name")?.value { queries.insert(named(name)) }
                    }
                }
            }

            /// A name as written, named values put in, as variables are compared.
            func named(_ text: String) -> String { (NamedValues.resolve(text, values) ?? text).trimmingWhitespace.lowercased() }

            /// Whether `source` reads a credential itself (not through a variable).
            func isACredential(_ source: ExpressionFlow.Source) -> Bool {
                switch source {
                case .requestHeader(let name): headers.contains(name.trimmingWhitespace.lowercased())
                case .requestQuery(let name): queries.contains(name.trimmingWhitespace.lowercased())
                case .someRequestHeader, .allRequestHeaders, .allRequestQuery, .request: true
                // The URL holds the query a check reads a token from (the third audit).
                case .requestURL, .asSent: !queries.isEmpty
                default: false
                }
            }

            /// Whether a value `code` in `document` gives holds the caller's credentials in a
            /// form that tells callers apart (``ExpressionFlow/valuesKeptApart(of:)``: a test of
            /// whether a token is there tells nothing, a subject does; the third audit), itself
            /// or through a variable the document sets from them, typed too
            /// (`GetValueOrDefault<Jwt>("jwt").Subject`).
            func areRead(by code: String, in document: PolicyXMLDocument) -> Bool {
                let variables = variables(in: document)
                return ExpressionFlow.valuesKeptApart(of: code).contains { SharedCacheOnAuthenticatedRoute.reads($0, oneOf: variables) ?? isACredential($0) }
            }

            /// The variables `document` sets from the caller's credentials: a check's validated
            /// token, a `set-variable` whose value holds one or copies such a variable.
            private func variables(in document: PolicyXMLDocument) -> Set<String> {
                if let known = variablesIn[ObjectIdentifier(document)] { return known }
                var validated = Set<String>()
                for check in document.elements(named: EstateVariables.tokenChecks) {
                    if case .text(let name)? = check.attribute("output-token-variable-name")?.value { validated.insert(named(name)) }
                }
                let found = copies(of: validated, in: document, seeding: isACredential)
                variablesIn[ObjectIdentifier(document)] = found
                return found
            }

            /// `variables` and those a `set-variable` of `document` sets to a value holding one,
            /// or a source `seeding` picks, in a form that tells callers apart (16 copies deep;
            /// one named by an expression may be any, and then every variable it sets is one).
            func copies(of variables: Set<String>, in document: PolicyXMLDocument, seeding: (ExpressionFlow.Source) -> Bool = { _ in false }) -> Set<String> {
                var found = variables
                let setters = document.elements(named: Self.setVariable).compactMap { setter -> (name: String?, read: [ExpressionFlow.Source])? in
                    guard let value = setter.attribute("value")?.value else { return nil }
                    let name: String? = if case .text(let text)? = setter.attribute("name")?.value { named(text) } else { nil }
                    return (name, ExpressionFlow.valuesKeptApart(of: VariableSetters.code(of: value, values)))
                }
                for _ in 0..<17 {
                    let before = found.count
                    for setter in setters where setter.name.map({ !found.contains($0) }) ?? true {
                        let holds = setter.read.contains { SharedCacheOnAuthenticatedRoute.reads($0, oneOf: found) ?? seeding($0) }
                        if holds { found.insert(setter.name ?? "") }
                    }
                    if found.count == before { break }
                }
                if found.contains("") { found.formUnion(setters.compactMap(\.name)) }
                return found
            }

            private static let setVariable: Set<String> = ["set-variable"]

            /// Whether a copy of the request carries credentials besides `Authorization`: a
            /// check reads a token from another header or the query.
            var outsideAuthorization: Bool { headers.count > 1 || !queries.isEmpty }
        }

        /// Whether a `send-request` asks for the caller's own data: it copies the request
        /// (`mode="copy"`, headers and all), or a header, query parameter, body or URL it
        /// sets reads the caller's credentials (``CallersCredentials``: the token, or the user
        /// it names, `/users/{subject}` with the gateway's own identity). A call that names no
        /// caller answers every caller alike, and caching that answer is its point.
        private static func sendsTheCaller(_ call: PolicyXMLElement, in document: PolicyXMLDocument, values: NamedValueTable, _ credentials: CallersCredentials) -> Bool {
            // A copy sends the caller's token on unless the call deletes or replaces it (its
            // own identity instead: the audit of the change); a replacement is judged below.
            if case .text(let mode)? = call.attribute("mode")?.value, mode.trimmingWhitespace.lowercased() == "copy",
                !call.elements.contains(where: replacesTheToken) || credentials.outsideAuthorization
            {
                return true
            }
            var sends = false
            call.forEachElement { element in
                guard !sends, requestWriters.contains(element.name) else { return }
                // As APIM reads it: named values put in.
                func read(_ value: PolicyXMLValue) {
                    guard !sends, value.isExpression || value.written.holds("{{") else { return }
                    let code = NamedValues.resolve(value.resolved, values) ?? value.resolved
                    sends = credentials.areRead(by: code, in: document)
                }
                for attribute in element.attributes { read(attribute.value) }
                for case .text(let value, _) in element.children { read(value) }
                for case .element(let value) in element.children where value.name == "value" {
                    for case .text(let text, _) in value.children { read(text) }
                }
            }
            return sends
        }

        private static let requestWriters: Set<String> = ["set-header", "set-query-parameter", "set-body", "set-url"]

        /// Whether a statement of a call puts other credentials than the caller's in
        /// `Authorization`: a `set-header` of it that deletes or overrides it, or the
        /// gateway's own identity.
        private static func replacesTheToken(_ statement: PolicyXMLElement) -> Bool {
            switch statement.name {
            // A client certificate goes beside the token, not in its place (the third audit).
            case "authentication-managed-identity", "authentication-basic": return true
            case "set-header":
                guard case .text(let name)? = statement.attribute("name")?.value, name.trimmingWhitespace.lowercased() == "authorization" else { return false }
                let action = statement.attribute("exists-action").flatMap { if case .text(let text) = $0.value { text.trimmingWhitespace.lowercased() } else { nil } }
                return action == "delete" || action == "override"
            default: return false
            }
        }

        /// The variables that some statement gives a value of one caller's: a `set-variable`
        /// (``tellsCallersApart(_:in:under:)`` asks whether another gives every caller's),
        /// a token check's validated token (`output-token-variable-name`), or a call's
        /// answer (`response-variable-name`: an introspection's, sent with the caller's
        /// token). One that nothing sets, a cache lookup's or the gateway's own token is
        /// every caller's alike (found by the audit of the change).
        private lazy var perCaller: MarkedVariables = MarkedVariables.written(in: context.project, values: context.namedValues.byName) { element, attribute in
            element == "set-variable" && attribute == "name" || attribute == "output-token-variable-name" && Self.tokenChecks.contains(element)
                || attribute == "response-variable-name" && element == "send-request"
        }

        static let tokenChecks: Set<String> = ["validate-jwt", "validate-azure-ad-token"]

        /// Whether the variable `source` reads in `api`'s policies (nil: every API's) tells
        /// the callers of `keys`' scope apart: some statement gives it a value of one
        /// caller's (``perCaller``), and no `set-variable` of it that the read may find
        /// gives one many callers share by `keys`' headers (the subscription's id, a written
        /// text), or copies a variable that may hold one. Only the setters of variables keys
        /// read are judged, each once by each scope's headers (the whole estate's setters
        /// judged by each scope's headers cost their product: an audit). A setter's read of
        /// its own variable is judged by the setters that do not read it; a copy of a setter
        /// being judged through others, one past 16 copies, past 5,000 judgements repeated or
        /// 100,000 made is taken to give a shared value, and then the order stores are read
        /// in may decide. A variable named by what is not written out tells nothing.
        func tellsCallersApart(_ source: ExpressionFlow.Source, in api: Int?, under keys: StoreKeys, depth: Int = 0) -> Bool {
            guard case .variable(let written) = source, perCaller.read(by: source, in: api) else { return false }
            return !setters(of: written.lowercased(), readIn: api).contains { mayGiveAShared($0, under: keys, depth: depth) }
        }

        /// The setters a read of the variable `name` in `api`'s policies (nil: every API's)
        /// may find: the API's own and those of the policies every API runs, and those an
        /// expression names.
        private func setters(of name: String, readIn api: Int?) -> [Int] {
            let byName = settersByName ?? indexSetters()
            return ((byName[name] ?? []) + (byName[""] ?? [])).filter { index in
                api == nil || valueSetters[index].api == nil || valueSetters[index].api == api
            }
        }

        /// Whether what a setter of `name` in `api`'s policies reads of that variable itself
        /// (`ck = ck + path`) tells callers apart: what the setters of it that do not read it
        /// give, where there are such (a variable starts unset: one only ever copied from
        /// itself is every caller's, an audit found).
        private func basesTellApart(_ name: String, in api: Int?, under keys: StoreKeys, depth: Int) -> Bool {
            // Found once for each variable: a variable of thousands of setters each reading
            // it found them for each (25 s: the audit of the fix).
            let key = MarkedVariables.Key(name: name, api: api)
            let bases = basesOfVariables[key] ?? {
                let found = setters(of: name, readIn: api).filter { index in
                    !ExpressionFlow.sources(of: code(of: index)).contains { if case .variable(let read) = $0 { read.lowercased() == name } else { $0 == .allVariables } }
                }
                basesOfVariables[key] = found
                return found
            }()
            return !bases.isEmpty && !bases.contains { mayGiveAShared($0, under: keys, depth: depth + 1) }
        }

        /// The setters of each variable read that do not read it (``basesTellApart``).
        private var basesOfVariables: [MarkedVariables.Key: [Int]] = [:]

        /// The code APIM compiles for the value of the setter at `index`.
        private func code(of index: Int) -> String {
            VariableSetters.code(of: valueSetters[index].value, context.namedValues.byName)
        }

        private static let setVariable: Set<String> = ["set-variable"]

        /// ``valueSetters`` and ``settersByName``, read from every raw policy.
        private func indexSetters() -> [String: [Int]] {
            let values = context.namedValues.byName
            var byName: [String: [Int]] = [:]
            for policy in context.project.rawPolicies where policy.document.has(anyOf: Self.setVariable) {
                for element in policy.document.allElements where element.name == "set-variable" {
                    guard let value = element.attribute("value")?.value else { continue }
                    let name = if case .text(let text)? = element.attribute("name")?.value { (NamedValues.resolve(text, values) ?? text).lowercased() } else { "" }
                    byName[name, default: []].append(valueSetters.count)
                    valueSetters.append((name, policy.api, value))
                }
            }
            settersByName = byName
            return byName
        }

        /// Whether the setter at `index` may give a value many callers share by `keys`'
        /// headers (``tellsCallersApart(_:in:under:depth:)``). A judgement cut short holds
        /// for this path only and is not kept (an audit: kept, a guess made inside a cycle
        /// decided later stores); the budget bounds the judging that repeats.
        private func mayGiveAShared(_ index: Int, under keys: StoreKeys, depth: Int) -> Bool {
            let judgedWith = JudgedWith(credentialHeaders: keys.credentialHeaders, opaqueTokens: keys.opaqueTokens)
            let headers = headerSets[judgedWith] ?? {
                headerSets[judgedWith] = headerSets.count
                return headerSets.count - 1
            }()
            if let known = judged[[headers, index]] { return known }
            if judging.contains(index) {
                cutShort += 1
                return true
            }
            let repeated = !judgedOnce.insert([headers, index]).inserted
            guard depth < 16, judgements > 0, !repeated || repeats > 0 else {
                cutShort += 1
                return true
            }
            judgements -= 1
            if repeated { repeats -= 1 }
            judging.insert(index)
            let setter = valueSetters[index]
            let cutBefore = cutShort
            let shared = !ExpressionFlow.everyValue(of: code(of: index), credentials: keys.isCredential) { value in
                keys.holdsACredential(value) { source in
                    if case .variable(let read) = source, !setter.name.isEmpty, read.lowercased() == setter.name {
                        return basesTellApart(setter.name, in: setter.api, under: keys, depth: depth)
                    }
                    return tellsCallersApart(source, in: setter.api, under: keys, depth: depth + 1)
                }
            }
            judging.remove(index)
            if cutShort == cutBefore { judged[[headers, index]] = shared }
            return shared
        }
    }

    /// The headers that carry the credentials of every one of `routes`' callers: those the
    /// token check of each reads (raw checks of the scope, `localChecks`, where a route has
    /// none of its own), and that no policy on the route's way writes in `inbound` (a
    /// managed identity's token is the same for every caller; the gateway's, a product's or
    /// the API's policy may put it there before a route's store: found by an audit). Only such a
    /// header keeps one caller's entries apart from another's: one some route's check does
    /// not read, `Authorization` beside a check of another, or the subscription key's (an
    /// application's, which may come in the query instead), is one a caller may leave out
    /// or set (the audits of the change). ``anyHeader`` stands for a check's header an
    /// expression names. Read for each audience of a route that meets the scope's
    /// statements (``RawEnforcement/callersCredentials(on:meeting:inInbound:)``; a store
    /// may stand in `outbound`, which runs however the request went through `inbound`) and
    /// a check: callers who meet none present no credentials to keep apart.
    private static func credentialHeaders(of routes: [EffectiveRoute], in scope: RawScope, localChecks: [PolicyXMLElement], _ context: CheckContext) -> Set<String> {
        var common: Set<String>?
        for route in routes {
            let written = context.rawEnforcement.credentialPlacesReplaced(onTheWayOf: route, runningOneOf: scope.products)
            for callers in Self.callers(of: route, in: scope, localChecks: localChecks, inInbound: false, context) {
                guard let places = callers.places else { continue }
                var headers = Set<String>()
                for place in places {
                    switch place {
                    case .header(let name): headers.insert(name)
                    case .anyHeader, .anyName: headers.insert(anyHeader)
                    case .query, .anyQuery: continue
                    }
                }
                headers = headers.filter { header in !written.contains { $0.mayBe(header == anyHeader ? .anyHeader : .header(header)) } }
                common = common.map { $0.intersection(headers) } ?? headers
            }
            if common?.isEmpty == true { break }
        }
        return common ?? []
    }

    /// What the first token check of each audience of `route` that meets `scope`'s
    /// statements, in `inbound` or not, asks of its callers
    /// (``RawEnforcement/callersCredentials(on:meeting:inInbound:)``), the scope's own checks,
    /// `localChecks`, read where none checks.
    private static func callers(
        of route: EffectiveRoute, in scope: RawScope, localChecks: [PolicyXMLElement], inInbound: Bool, _ context: CheckContext
    ) -> [RawEnforcement.CallersCredentials] {
        context.callersCredentials(on: route, meeting: scope, inInbound: inInbound).map { callers in
            callers.places != nil
                ? callers : .init(places: context.credentialPlaces(of: localChecks), requiresTheCallersAuthorization: callers.requiresTheCallersAuthorization)
        }
    }

    /// Not a header's name (names hold no space).
    private static let anyHeader = "any header"

    /// Whether code's value carries `context.Response`, the answer, or a part of it but its
    /// status (not
    /// `tokenResponse.Body`, another call's, which the audit of a change found taken for
    /// it), as SE005 follows values: its length or hash is no answer (found by the audit of
    /// the next change).
    /// The variables that hold the answer: set from it, or copied from such a variable.
    static func variablesHoldingTheAnswer(in setters: VariableSetters) -> MarkedVariables {
        setters.marked(seeds: { $0.sources.contains(.answer) }, passesOn: { _ in true })
    }

    static func readsTheAnswer(_ code: String) -> Bool {
        // Told by its bytes first; a `\u` escape may spell the name.
        (code.holds("Response") || code.holdsAnEscape) && ExpressionFlow.sources(of: code).contains(.answer)
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        // Routes whose generated cache is shared between callers no check tells apart.
        var uncheckedSharing: [EffectiveRoute] = []
        for route in context.cachingRoutes where route.cacheSharing == .shared {
            if route.isAuthenticated, let sharing = route.written.cache?.sharing {
                findings.report(
                    code, "route '\(route.written.id.value)' requires a token but shares its cached responses between callers",
                    at: sharing.range)
            } else if let (owner, name) = context.rawStatement(.tokenCheck, on: route), let cache = route.written.cache {
                // Callers checked by raw XML are callers all the same: without 'auth' there is
                // no subject to key a per-user cache on, so the generated cache is shared.
                let range = cache.sharing?.range ?? cache.keyRange
                findings.report(
                    code,
                    "route '\(route.written.id.value)' checks its callers with raw '\(name)' in \(owner) but shares its cached responses between them",
                    at: range,
                    notes: [
                        Diagnostic.Note(
                            "state the identity provider with 'auth', whose cache is per user, or cache in raw XML after the check, varying by the caller's credentials",
                            at: range)
                    ])
            } else if !route.isAuthenticated {
                uncheckedSharing.append(route)
            }
        }
        let variables = EstateVariables(context)
        reportCallersInSharedAnswers(uncheckedSharing, context, variables, into: &findings)
        for scope in context.rawScopes {
            let lookups = scope.elements(named: Self.cacheLookup)
            let stores = scope.elements(named: Self.cacheStoreValue)
            var semanticLookups = scope.elements(named: Self.semanticCacheLookups)
            guard !lookups.isEmpty || !stores.isEmpty || !semanticLookups.isEmpty else { continue }
            let (checked, localChecks) = Self.checkedRoutes(of: scope, context)
            guard !checked.isEmpty else { continue }
            // Each store with the checked routes whose requests run it, by its section.
            var storesJudged: [(store: PolicyXMLElement, routes: [EffectiveRoute])] = []
            if !stores.isEmpty || !semanticLookups.isEmpty {
                // By the kind of token the routes take, as a key of its claims tells only JWTs
                // apart: a store is reported for the routes of the kind it fails (audit V35: a
                // JWT route was named for what an introspection route's callers share).
                var keysBySection: [String: [(routes: [EffectiveRoute], keys: StoreKeys)]] = [:]
                func keys(running section: String) -> [(routes: [EffectiveRoute], keys: StoreKeys)] {
                    if let known = keysBySection[section] { return known }
                    let routes = Self.routes(checked, runningSection: section, of: scope, context)
                    let headers = Self.credentialHeaders(of: routes, in: scope, localChecks: localChecks, context)
                    let opaque = routes.filter { Self.takesOpaqueTokens($0, context) }
                    let kinds = [(routes.filter { !Self.takesOpaqueTokens($0, context) }, false), (opaque, true)].filter { !$0.0.isEmpty }.map { kind in
                        (routes: kind.0, keys: StoreKeys(credentialHeaders: headers, variables: variables, opaqueTokens: kind.1))
                    }
                    keysBySection[section] = kinds
                    return kinds
                }
                for store in stores {
                    if let failed = keys(running: scope.document.section(holding: store) ?? "inbound").first(where: {
                        Self.keepsTheAnswerForEveryone(store, in: scope, $0.keys)
                    }) {
                        storesJudged.append((store, failed.routes))
                    }
                }
                if !semanticLookups.isEmpty, let keys = keys(running: "inbound").last?.keys {
                    semanticLookups = semanticLookups.filter { !keys.partitionsByCaller($0, in: scope.api) }
                }
            }
            for lookup in semanticLookups {
                let range = scope.document.range(lookup.nameSpan)
                findings.report(
                    code,
                    "raw '\(lookup.name)' in \(scope.owner) shares cached completions between the callers of route '\(checked[0].written.id.value)', which requires a token: no 'vary-by' tells them apart",
                    at: range,
                    notes: [
                        Diagnostic.Note(
                            "add a 'vary-by' of the caller's identity (the validated token's subject); a subscription is an application's, which all its users call through",
                            at: range)
                    ])
            }
            for (store, routes) in storesJudged {
                let range = scope.document.range(store.nameSpan)
                findings.report(
                    code,
                    "raw 'cache-store-value' in \(scope.owner) keeps the answer to route '\(routes[0].written.id.value)', which requires a token, under a key that does not tell its callers apart",
                    at: range,
                    notes: [Diagnostic.Note("put the caller's identity in the key (the validated token's subject), or cache with the route's 'cache'", at: range)])
            }
            // APIM caches no request that carries an 'Authorization' header, where tokens
            // travel, unless the lookup allows private responses. Credentials read from
            // another header, the query or a certificate do not keep a request out, unless a
            // check on every request wants the caller's 'Authorization' too; one taken off
            // before the lookup does not either.
            let authorization: Set<CredentialPlace> = [.header("authorization")]
            let enforcement = context.rawEnforcement
            let writesBefore = lookups.isEmpty ? [] : enforcement.authorizationWrites(beforeEachOf: lookups, in: scope)
            let kinds =
                lookups.isEmpty
                ? [] : RouteKind.kinds(of: checked, in: scope, localChecks: localChecks, broaderRunAfter: Set(writesBefore.map(\.broaderRunAfter)), context)
            for (lookup, (own, broaderRunAfter)) in zip(lookups, writesBefore) {
                let range = scope.document.range(lookup.nameSpan)
                let varied = Self.placesVaried(by: lookup)
                func writesAuthorization(_ write: CredentialPlace.Write, on kind: RouteKind) -> Bool {
                    own.contains(write) || kind.answers.othersWrite[broaderRunAfter, default: []].contains(write)
                }
                // The caller's own 'Authorization' is on the request at the lookup: a check wants it, and nothing before the lookup takes it off.
                func carriesTheCallersAuthorization(_ callers: RawEnforcement.CallersCredentials, on kind: RouteKind) -> Bool {
                    callers.requiresTheCallersAuthorization && !writesAuthorization(.removed, on: kind)
                }
                let message: String
                var fix = "cache with the route's 'cache', which keys entries on the token's subject, or vary by the header that carries the token; 'vary-by-developer' separates subscriptions, not the users who call through one"
                if let route = kinds.first(where: { kind in
                    kind.answers.callers.contains { callers in
                        guard let places = callers.places, places != authorization, places.isEmpty || !places.isSubset(of: varied) else { return false }
                        return lookup.allowsPrivateResponses || !carriesTheCallersAuthorization(callers, on: kind)
                    }
                })?.route {
                    // A private lookup caches requests that carry 'Authorization' too (audit V16's N1).
                    let why = lookup.allowsPrivateResponses ? "whose credentials it does not vary by" : "whose token check reads their credentials outside 'Authorization', so APIM caches their requests"
                    message = "raw 'cache-lookup' in \(scope.owner) shares cached responses between the callers of route '\(route.written.id.value)', \(why)"
                } else if lookup.allowsPrivateResponses {
                    // Varied by 'Authorization' after another policy replaced it, every caller's key is the same (audit V15).
                    guard !scope.variesByToken(lookup, fragments: enforcement.fragments) || kinds.contains(where: { writesAuthorization(.replaced, on: $0) })
                    else { continue }
                    message = "raw 'cache-lookup' in \(scope.owner) shares cached responses between the callers of route '\(checked[0].written.id.value)', which requires a token"
                } else if let route = kinds.first(where: { kind in
                    kind.answers.callers.contains { $0.places == authorization } && writesAuthorization(.removed, on: kind)
                })?.route {
                    message = "raw 'cache-lookup' in \(scope.owner) shares cached responses between the callers of route '\(route.written.id.value)', whose 'Authorization' header a policy may remove before it, so APIM caches their requests"
                    fix = "remove 'Authorization' after the lookup, where nothing runs before it, or cache with the route's 'cache', which keys entries on the token's subject"
                } else {
                    continue
                }
                findings.report(code, message, at: range, notes: [Diagnostic.Note(fix, at: range)])
            }
        }
        reportLookupsOfCallersEntries(context, variables, into: &findings)
    }

    /// What CA001 asks of a route for a scope's lookups, found once for each route: routes
    /// alike are asked once for every lookup, by the first of them (audit V16: asking every
    /// route's whole way again for each of 200 lookups over 4,000 routes took 14 s).
    private struct RouteKind {
        /// The first such route, which messages name.
        let route: EffectiveRoute
        /// What makes routes alike.
        let answers: Answers

        struct Answers: Hashable {
            /// What the first token check of each of its audiences asks of the callers, the
            /// scope's own checks read where none checks
            /// (``RawEnforcement/callersCredentials(on:meeting:inInbound:)``).
            let callers: Set<RawEnforcement.CallersCredentials>
            /// How its other policies write `Authorization` before the scope's statements, by
            /// whether the broader policies run after them; only for what the scope's lookups
            /// ask (``RawEnforcement/authorizationWrites(ofPoliciesBesides:on:broaderRunAfter:)``).
            let othersWrite: [Bool: Set<CredentialPlace.Write>]
        }

        /// The kinds of `routes`, each once, in the order of the first route of each, asked
        /// of the other policies' writes where the broader ones run as `broaderRunAfter` lists.
        static func kinds(
            of routes: [EffectiveRoute], in scope: RawScope, localChecks: [PolicyXMLElement], broaderRunAfter: Set<Bool>, _ context: CheckContext
        ) -> [RouteKind] {
            let enforcement = context.rawEnforcement
            var seen = Set<Answers>()
            return routes.compactMap { route in
                let answers = Answers(
                    callers: Set(SharedCacheOnAuthenticatedRoute.callers(of: route, in: scope, localChecks: localChecks, inInbound: true, context)),
                    othersWrite: Dictionary(uniqueKeysWithValues: broaderRunAfter.map { ($0, enforcement.authorizationWrites(ofPoliciesBesides: scope, on: route, broaderRunAfter: $0)) }))
                return seen.insert(answers).inserted ? RouteKind(route: route, answers: answers) : nil
            }
        }
    }

    /// Whether a semantic cache lookup in a scope keeps each caller's completions apart
    /// (``StoreKeys/partitionsByCaller(_:in:)``), as CA002 asks of the lookups beside a
    /// store; the estate's variables are read once, when a lookup is first asked of.
    static func semanticLookupPartitionsByCaller(_ context: CheckContext) -> (PolicyXMLElement, RawScope) -> Bool {
        let variables = EstateVariables(context)
        return { lookup, scope in
            let (checked, localChecks) = checkedRoutes(of: scope, context)
            let keys = StoreKeys(credentialHeaders: credentialHeaders(of: checked, in: scope, localChecks: localChecks, context), variables: variables, routes: checked, context)
            return keys.partitionsByCaller(lookup, in: scope.api)
        }
    }

    /// Statements that put what they read in the request the backend answers, or in the answer.
    private static let carriers: Set<String> = ["set-header", "set-query-parameter", "set-body", "rewrite-uri", "set-backend-service"]
    /// Statements whose insides shape another request, or an answer no cache keeps.
    private static let elsewhere: Set<String> = ["send-request", "send-one-way-request", "return-response"]

    /// A route whose generated cache is shared, where a raw statement on its way puts who
    /// the caller is (their subscription, their user, a token's claims) in the request its
    /// backend answers or in the answer that is kept, or is chosen by who the caller is:
    /// the first caller's answer is served to the next (audit V104: a public route's API
    /// sent its backend the subscription's id, and set the subscription's key on the answer).
    private static func reportCallersInSharedAnswers(
        _ routes: [EffectiveRoute], _ context: CheckContext, _ variables: EstateVariables, into findings: inout DiagnosticCollector
    ) {
        guard !routes.isEmpty else { return }
        let sharing = Set(routes.map(ObjectIdentifier.init))
        var reported = Set<ObjectIdentifier>()
        for scope in context.rawScopes where scope.routes.contains(where: { sharing.contains(ObjectIdentifier($0)) }) {
            let reader = CallerReader(api: scope.api, variables: variables)
            let sections = scope.document.root.name == "policies" ? scope.document.rootElements.filter { $0.name != "on-error" } : [scope.document.root]
            guard let carrier = sections.lazy.compactMap({ reader.firstCarrier(in: $0.elements, chosenByTheCaller: false) }).first else { continue }
            for route in scope.routes where sharing.contains(ObjectIdentifier(route)) {
                guard let cache = route.written.cache, reported.insert(ObjectIdentifier(route)).inserted else { continue }
                let range = cache.sharing?.range ?? cache.keyRange
                findings.report(
                    code,
                    "route '\(route.written.id.value)' shares its cached responses between callers, but raw '\(carrier.name)' in \(scope.owner) puts who the caller is in what is cached",
                    at: range,
                    notes: [
                        Diagnostic.Note("it reads the caller's subscription, user or token here, or is chosen by them", at: scope.document.range(carrier.nameSpan)),
                        Diagnostic.Note("state the identity provider with 'auth', whose cache is per user, or leave the caller out of the request and the answer", at: range),
                    ])
            }
        }
    }

    /// Reads statements for who the caller is: `context.Subscription`, `context.User`, a
    /// token's claims (`AsJwt()`), the subscription key's header, or a variable set from
    /// them (``EstateVariables/holdingTheCaller``).
    private struct CallerReader {
        let api: Int?
        let variables: EstateVariables

        /// The first carrier among `statements`, at any depth, that reads the caller or that
        /// a `choose` some of whose conditions read the caller chose (its `otherwise` too:
        /// audit V110); what runs inside another request or an answer of the gateway's own
        /// is passed over.
        func firstCarrier(in statements: [PolicyXMLElement], chosenByTheCaller: Bool) -> PolicyXMLElement? {
            for statement in statements where !SharedCacheOnAuthenticatedRoute.elsewhere.contains(statement.name) {
                if SharedCacheOnAuthenticatedRoute.carriers.contains(statement.name), chosenByTheCaller || reads(statement) { return statement }
                if statement.name == "choose" {
                    let chosen = chosenByTheCaller || statement.elements.contains { $0.attribute("condition").map { reads($0.value) } ?? false }
                    for branch in statement.elements {
                        if let found = firstCarrier(in: branch.elements, chosenByTheCaller: chosen) { return found }
                    }
                } else if let found = firstCarrier(in: statement.elements, chosenByTheCaller: chosenByTheCaller) {
                    return found
                }
            }
            return nil
        }

        private func reads(_ statement: PolicyXMLElement) -> Bool {
            if statement.isLiquidTemplate, case .text(let template)? = statement.textValue {
                return Self.namesTheContextsCaller(template) || template.holds("Ocp-Apim-Subscription-Key")
                    || Self.variablesNamed(in: template).contains { variables.holdingTheCaller.read(by: .variable($0), in: api) }
            }
            var found = false
            statement.forEachElement { element in
                guard !found else { return }
                found = element.attributes.contains { reads($0.value) } || element.textValue.map(reads) == true
            }
            return found
        }

        private func reads(_ value: PolicyXMLValue) -> Bool {
            guard value.isExpression else { return false }
            let code = value.resolved
            let sources = ExpressionFlow.reads(of: code)
            return Self.readsWhoTheCallerIs(code, reading: sources) || sources.contains { variables.holdingTheCaller.read(by: $0, in: api) }
        }

        /// Whether code reads who the caller is, not through a variable; `sources` are
        /// what it reads (``ExpressionFlow/reads(of:)``).
        static func readsWhoTheCallerIs(_ code: String, reading sources: [ExpressionFlow.Source]? = nil) -> Bool {
            Self.namesTheContextsCaller(ExpressionFlow.withoutWrittenText(code))
                || (sources ?? ExpressionFlow.reads(of: code)).contains { source in
                    switch source {
                    case .requestHeader(let name): name.lowercased() == "ocp-apim-subscription-key"
                    case .requestQuery(let name): name.lowercased() == "subscription-key"
                    default: false
                    }
                }
        }

        /// Whether text names the context's caller; words of the context, not of a name that
        /// holds them (`signedUserObjectId`).
        private static func namesTheContextsCaller(_ text: String) -> Bool {
            text.holds("context.Subscription") || text.holds("context.User") || text.holds("AsJwt(")
        }

        /// The variables a Liquid template reads: `context.Variables["name"]`, `['name']`
        /// or `.name`.
        private static func variablesNamed(in template: String) -> [String] {
            template.components(separatedBy: "context.Variables").dropFirst().compactMap { rest in
                var name = rest.drop { $0 == " " }
                if name.first == "." { return String(name.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) }
                guard name.first == "[" else { return nil }
                name = name.dropFirst().drop { $0 == " " }
                guard let quote = name.first, quote == "\"" || quote == "'" else { return nil }
                return name.dropFirst().firstIndex(of: quote).map { String(name.dropFirst()[..<$0]) }
            }
        }
    }

    /// Whether a key's code reads a token's claims or the user, which name a caller and
    /// can be known to others, not only tell callers apart.
    static func namesTheCaller(_ code: String) -> Bool {
        let read = ExpressionFlow.withoutWrittenText(code)
        return ["AsJwt", "Claims", "Subject", "User"].contains(where: read.holds)
    }

    /// The routes of `scope` whose callers present credentials: checked by the definitions
    /// or a raw check on their way, a product's too for its subscribers (audit V19: a
    /// route whose only check was a product's shared its subscribers' answers unjudged),
    /// or all of them where the scope's own policy checks some (inside `choose`, a check
    /// that runs for some requests only still has callers with credentials); with the
    /// scope's own raw checks.
    private static func checkedRoutes(of scope: RawScope, _ context: CheckContext) -> (checked: [EffectiveRoute], localChecks: [PolicyXMLElement]) {
        let localChecks = scope.elements(named: RawEnforcement.Kind.tokenChecks)
        let checked = scope.routes.filter { route in
            route.isAuthenticated || context.rawStatement(.tokenCheck, on: route) != nil
                || (context.rawEnforcement.hasAProductReadApart(route)
                    && context.callersCredentials(on: route, meeting: scope, inInbound: false).contains { $0.places != nil })
        }
        return (checked.isEmpty && !localChecks.isEmpty ? scope.routes : checked, localChecks)
    }

    /// A `cache-lookup-value` whose key the request chooses reads whatever entry the caller
    /// names, and APIM keeps one cache for the whole instance: where a `cache-store-value`
    /// keeps each caller's own entries (its key tells its callers apart) under keys the
    /// lookup's may meet, one caller reads another's, on a public route too (found by an
    /// audit: a lookup by an `X-Sub` header read what a store kept by the token's subject).
    /// Only entries kept by what names a caller (``namesTheCaller(_:)``, itself or through a
    /// variable) are ones another caller can name: one kept by a token or a random session
    /// id, as Microsoft's OAuth proxy keeps its sign-ins, is found only by whoever holds it.
    private static func reportLookupsOfCallersEntries(_ context: CheckContext, _ variables: EstateVariables, into findings: inout DiagnosticCollector) {
        var callersEntries = RawCacheEntries<(scope: RawScope, store: PolicyXMLElement)>()
        for scope in context.rawScopes {
            let stores = scope.elements(named: Self.cacheStoreValue)
            guard !stores.isEmpty else { continue }
            let (checked, localChecks) = Self.checkedRoutes(of: scope, context)
            guard !checked.isEmpty else { continue }
            let keys = StoreKeys(
                credentialHeaders: Self.credentialHeaders(of: checked, in: scope, localChecks: localChecks, context), variables: variables, routes: checked, context)
            for store in stores {
                guard let key = store.attribute("key"), key.value.isExpression, case let written = key.value.resolved,
                    Self.namesTheCaller(written) || ExpressionFlow.reads(of: written).contains(where: { variables.namingTheCaller.read(by: $0, in: scope.api) }),
                    keys.tellsCallersApart(written, in: scope.api)
                else { continue }
                callersEntries.add(RawCacheKey(key, context), (scope, store))
            }
        }
        guard !callersEntries.isEmpty else { return }
        for scope in context.rawScopes {
            let lookups = scope.elements(named: Self.cacheLookupValue)
            guard !lookups.isEmpty else { continue }
            let (checked, localChecks) = Self.checkedRoutes(of: scope, context)
            let keys = StoreKeys(
                credentialHeaders: Self.credentialHeaders(of: checked, in: scope, localChecks: localChecks, context), variables: variables, routes: checked, context)
            for lookup in lookups {
                guard let key = lookup.attribute("key"), key.value.isExpression else { continue }
                let written = key.value.resolved
                let read = ExpressionFlow.withoutWrittenText(written)
                guard read.holds("Request") || read.holds("Variables") || read.holdsAnEscape, !keys.tellsCallersApart(written, in: scope.api) else { continue }
                guard let entries = callersEntries.first(namedBy: RawCacheKey(key, context)) else { continue }
                let range = scope.document.range(lookup.nameSpan)
                findings.report(
                    code,
                    "raw 'cache-lookup-value' in \(scope.owner) reads the entry its request names, and raw 'cache-store-value' in \(entries.scope.owner) keeps each caller's own entries under keys it may name, so one caller can read another's",
                    at: range,
                    notes: [
                        Diagnostic.Note(
                            "build the key from what tells the caller apart (the validated token's subject), as the store does, or start it with text no caller's entry starts with",
                            at: range),
                        Diagnostic.Note("each caller's entries are kept here", at: entries.scope.document.range(entries.store.nameSpan)),
                    ])
            }
        }
    }
}
