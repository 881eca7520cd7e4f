import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// SE005: a secret sent back to the caller.
public enum SecretInResponse: Rule {
    public static let code = DiagnosticCode(
        "SE005", "secret-in-response", .error,
        summary: "a declared secret, an access token the gateway obtained or a secret it read from Key Vault, sent to callers in a response header or in the headers or body of a response the gateway writes: directly, through a policy variable or request header that holds it, or with every variable or request header at once")

    public static let description = RuleDescription(
        code,
        rationale: """
            APIM puts a secret's value where '{{name}}' is written before the policy runs, so a \
            secret in a response header or a gateway's own answer is sent in clear text to every \
            caller of the route, anonymous ones included. Secrets belong in what the gateway \
            sends its backends: request headers and a backend's credentials.
            """,
        fix: "Remove the reference from the response; if callers need the value, it is not a secret and belongs under 'namedValues'.",
        triggering: [
            RuleExample.api(
                fields: "response: {headers: {set: {X-Backend-Key: ↓\"{{partner-secret}}\"}}}\n",
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
            RuleExample.api(
                routes: """
                  - id: health
                    method: GET
                    path: /health
                    auth: none
                    public: Probes check that the gateway answers
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    respond: {status: 200, body: ↓"key={{partner-secret}}"}
                """),
            listOrders(outbound: [#"<↓set-header name="X-Key" exists-action="override"><value>{{partner-secret}}</value></set-header>"#]),
            listOrders(
                inbound: [#"<set-variable name="partnerKey" value="{{partner-secret}}" />"#],
                outbound: [#"<↓set-body>@((string)context.Variables["partnerKey"])</set-body>"#]),
            // A token endpoint's answer (a client's credentials grant) returned whole.
            listOrders(inbound: [
                #"<send-request mode="new" response-variable-name="tokenResponse">"#,
                #"  <set-url>https://login.example.com/tenant/oauth2/v2.0/token</set-url>"#,
                #"  <set-method>POST</set-method>"#,
                #"  <set-body>grant_type=client_credentials&amp;client_id=gateway&amp;client_secret={{partner-secret}}</set-body>"#,
                #"</send-request>"#,
                #"<↓return-response response-variable-name="tokenResponse" />"#,
            ]),
            // The request the backend was sent, echoed: the header set for the backend is in it.
            listOrders(
                fields: #"request: {headers: {set: {X-Partner-Key: "{{partner-secret}}"}}}"# + "\n",
                outbound: [#"<↓set-body>@(JsonConvert.SerializeObject(context.Request.Headers))</set-body>"#]),
        ],
        nonTriggering: [
            listOrders(inbound: [
                #"<set-variable name="partnerKey" value="{{partner-secret}}" />"#,
                #"<set-header name="X-Partner-Key" exists-action="override"><value>@((string)context.Variables["partnerKey"])</value></set-header>"#,
            ]),
            RuleExample.api(
                fields: "request: {headers: {set: {X-Backend-Key: \"{{partner-secret}}\"}}}\n",
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """)
        ])

    /// An API whose one route lists orders, with a raw policy holding `inbound` and
    /// `outbound` statements after `<base />`.
    private static func listOrders(fields: String = "", inbound: [String] = [], outbound: [String] = []) -> RuleExample {
        func section(_ name: String, _ statements: [String]) -> String {
            (["    <\(name)>", "      <base />"] + statements.map { "      " + $0 } + ["    </\(name)>"]).joined(separator: "\n")
        }
        let sections = [section("inbound", inbound)] + (outbound.isEmpty ? [] : [section("outbound", outbound)])
        return RuleExample.api(
            fields: fields + "policy: |\n  <policies>\n" + sections.joined(separator: "\n") + "\n  </policies>\n",
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
    }

    private static let responseReturners: Set<String> = ["return-response"]

    /// A statement and how messages name the policy it is in.
    private struct JudgedStatement: Hashable {
        var place: AnswerStatements.Place
        var owner: String
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        let secrets = Set((context.project.gateway?.secrets ?? []).map { Grammar.caseFolded($0.name.value) })
        func report(_ text: Located<String>, in place: String) {
            // Names are matched without case, as APIM matches them (see RF002).
            guard let secret = NamedValues.references(in: text.value).first(where: { secrets.contains(Grammar.caseFolded($0)) }) else { return }
            findings.report(
                code, "secret '\(secret)' is sent to callers in \(place)", at: text.range,
                notes: [Diagnostic.Note("remove the reference; a value callers may see belongs under 'namedValues'", at: text.range)])
        }
        func report(_ changes: [MessageChange], of owner: String) {
            for change in changes { if let value = change.value { report(value, in: "response header '\(change.name.value)' of \(owner)") } }
        }
        // What holds a secret is found at the first statement that reads a variable or the
        // request: most estates write none into an answer. An estate without secrets may
        // still hand callers an access token.
        var carriers: SecretCarriers?
        func readsCarrier(_ bytes: ArraySlice<UInt8>) -> Bool {
            ByteScan.holds("V", followedBy: "ariables", in: bytes) || ByteScan.holds("R", followedBy: "equest", in: bytes)
        }
        // Spelt otherwise: by a named value, a '\u' escape, markup inside the code.
        func hidden(_ bytes: ArraySlice<UInt8>) -> Bool {
            ByteScan.holds("{", followedBy: "{", in: bytes) || ByteScan.holds("\\", followedBy: "u", in: bytes) || ByteScan.holds("<", followedBy: "!", in: bytes)
        }
        // Most documents read nothing that may hold a secret: told by their bytes, before
        // they are walked or a string is made of a statement.
        let answers = AnswerStatements(context.project, mayMatter: { hidden($0.text[...]) || readsCarrier($0.text[...]) })
        // A fragment's statements are met from every scope that includes it: what each names
        // itself is judged once, and what each reads is kept for the next scope, which
        // judges it against its own routes without walking the fragment again.
        // By owner too: two fragments may share one policy file, each named in its findings.
        var judged = Set<JudgedStatement>()
        var readers: [String: (statements: [(PolicyXMLElement, PolicyXMLDocument, String)], includes: [String])] = [:]
        /// Reports what holds a secret and `element` (of `scope`) sends, if anything.
        func judgeCarriers(_ element: PolicyXMLElement, in document: PolicyXMLDocument, owner: String, of scope: RawScope) {
            if carriers == nil { carriers = SecretCarriers(context, secrets: secrets) }
            // A fragment's statements stand in no section of their own.
            let inInbound = document === scope.document && document.section(holding: element) == "inbound"
            guard let (holding, all) = carriers?.sent(by: element, in: document, of: scope, inInbound: inInbound) else { return }
            let through: String
            switch (holding.kind, all) {
            case (.variable, false): through = "through variable '\(holding.name)'"
            case (.variable, true): through = "which writes every variable, '\(holding.name)' among them"
            case (.requestHeader, false): through = "through request header '\(holding.name)'"
            case (.requestHeader, true): through = "which writes every request header, '\(holding.name)' among them"
            case (.requestQuery, false): through = "through query parameter '\(holding.name)' of the request"
            case (.requestQuery, true), (.requestURL, _): through = "through the URL the backend was sent"
            case (.requestBody, _): through = "through the body the backend was sent"
            case (.cacheEntry, _): through = "through the cache entry '\(holding.name)'"
            }
            let at = document.range(element.nameSpan)
            findings.report(
                code, "\(holding.origin) is sent to callers in raw '\(element.name)' of \(owner), \(through)", at: at,
                notes: [Diagnostic.Note("keep it to what the gateway sends its backends; write into the answer only what callers may see", at: at)])
        }
        /// Judges again, for `scope`, what the fragment `id` and those it includes read.
        func judgeAgain(_ id: String, for scope: RawScope, visited: inout Set<String>) {
            guard visited.insert(id).inserted, let kept = readers[id] else { return }
            for (element, document, owner) in kept.statements { judgeCarriers(element, in: document, owner: owner, of: scope) }
            for included in kept.includes { judgeAgain(included, for: scope, visited: &visited) }
        }
        for scope in context.rawScopes {
            var visited = Set<String>()
            let entering = { (id: String, from: String?) -> Bool in
                guard readers[id] == nil else {
                    judgeAgain(id, for: scope, visited: &visited)
                    return false
                }
                readers[id] = ([], [])
                if let from { readers[from]?.includes.append(id) }
                return true
            }
            answers.forEach(in: scope, entering: entering) { element, document, owner, fragment in
                let bytes = document.text[element.span]
                let referenced = ByteScan.holds("&", followedBy: "#", in: bytes)
                let mayReadCarrier = referenced || hidden(bytes) || readsCarrier(bytes)
                guard mayReadCarrier else { return }
                // What the statement sends: a find-and-replace sends what it puts in ('to'),
                // not what it looks for; a header deleted sends nothing. Character references
                // are judged resolved.
                if element.name == "set-header", element.deletesHeader { return }
                if judged.insert(JudgedStatement(place: AnswerStatements.Place(element, in: document), owner: owner)).inserted {
                    let sent = element.name == "find-and-replace"
                        ? element.attribute("to")?.value.written ?? "" : referenced ? element.parsedTexts.joined(separator: " ") : document.source(element.span)
                    report(Located(sent, at: document.range(element.nameSpan)), in: "raw '\(element.name)' of \(owner)")
                }
                if let fragment, document !== scope.document { readers[fragment]?.statements.append((element, document, owner)) }
                judgeCarriers(element, in: document, owner: owner, of: scope)
            }
        }
        // An answer that is a response a variable keeps sends all of it.
        for scope in context.rawScopes {
            for answer in scope.document.elements(named: Self.responseReturners) where answer.attribute("response-variable-name") != nil {
                if carriers == nil { carriers = SecretCarriers(context, secrets: secrets) }
                guard let holding = carriers?.answered(by: answer, of: scope) else { continue }
                let at = scope.document.range(answer.nameSpan)
                findings.report(
                    code, "\(holding.origin) is sent to callers in raw 'return-response' of \(scope.owner), which answers with the response in variable '\(holding.name)'",
                    at: at,
                    notes: [Diagnostic.Note("answer with what callers may see: build the response with 'set-status', 'set-header' and 'set-body'", at: at)])
            }
        }
        for api in context.apis { report(api.response?.headers ?? [], of: "API '\(api.name.value)'") }
        for route in context.routes where route.written.shaping != nil {
            // Named as raw policies name a route's: API and id.
            let owner = "route '\(context.api(of: route).name.value)/\(route.written.id.value)'"
            report(route.written.response?.headers ?? [], of: owner)
            guard case .fixed(let answer)? = route.written.answer else { continue }
            report(answer.headers, of: "the answer of \(owner)")
            if let body = answer.body { report(body, in: "the body of the answer of \(owner)") }
        }
    }
}
