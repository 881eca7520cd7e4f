import PortcullisDiagnostics
import PortcullisModel

/// LP001: a route anyone can call, with no recorded reason.
public enum UnauthenticatedRoute: Rule {
    public static let code = DiagnosticCode(
        "LP001", "unauthenticated-route", .error,
        summary: "a route whose effective auth is 'none' and that gives no 'public' reason or names scopes or roles, or whose raw policy answers, serves cached responses, sends the request, or what it carries, on or replaces the caller's token before its token check, or in 'on-error' answers with another call's response or sends the request on, or whose IP filter a raw answer or cache lookup of a broader policy comes before, or whose cache answers before a raw check in its own policy; a raw 'cache-store-value' whose key may fall where introspection answers are kept")

    /// An API without 'auth' whose raw policy checks a token on every request.
    private static let rawTokenCheck = """
        auth: none
        policy: |
          <policies>
            <inbound>
              <base />
              <validate-jwt header-name="Authorization">
                <openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences>
                <required-claims><claim name="roles" match="any"><value>Orders.Read</value></claim></required-claims>
              </validate-jwt>
            </inbound>
          </policies>
        """

    /// A raw check of the token in query parameter 'access_token'.
    private static let queryTokenCheck =
        #"<validate-jwt query-parameter-name="access_token"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>Orders.Read</value></claim></required-claims></validate-jwt>"#

    private static let mock = #"<mock-response status-code="200" content-type="application/json" />"#
    private static let privateLookup = #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true" />"#

    /// A route requiring 'orders.read' whose raw inbound holds `statements`.
    private static func mockedRoute(_ id: String, inbound statements: [String]) -> RuleExample {
        let inbound = statements.map { "              " + $0 }.joined(separator: "\n")
        return RuleExample.api(
            routes: """
              - id: \(id)
                method: GET
                path: /orders
                scopes: [orders.read]
                policy: |
                  <policies>
                    <inbound>
            \(inbound)
                    </inbound>
                  </policies>

            """)
    }

    /// A route requiring 'orders.read' with a per-user cache whose own raw inbound holds
    /// `statements` after `<base />`, where they run after the cache lookup.
    private static func cachedRoute(_ id: String, after statements: String) -> RuleExample {
        RuleExample.api(
            routes: """
              - id: \(id)
                method: GET
                path: /orders
                scopes: [orders.read]
                cache: {ttl: 30s, sharing: per-user}
                policy: '<policies><inbound><base />\(statements)</inbound></policies>'

            """)
    }

    /// A route requiring 'orders.write' whose raw `on-error` holds `statements` after `<base />`.
    private static func onErrorRoute(_ id: String, _ statements: String) -> RuleExample {
        RuleExample.api(
            routes: """
              - id: \(id)
                method: POST
                path: /orders
                scopes: [orders.write]
                policy: |
                  <policies>
                    <inbound><base /></inbound>
                    <on-error><base />\(statements)</on-error>
                  </policies>

            """)
    }

    public static let description = RuleDescription(
        code,
        rationale: """
            A route without token validation can be called by anyone on the internet. Public routes \
            exist (health probes, public catalogues), but they should be a decision someone wrote \
            down, not the accident of a missing 'auth' or an inherited 'none'.
            """,
        fix: """
            Set 'auth' to an identity provider (on the route, its API or the gateway's 'defaults'), \
            or, if the route really is public, say why with 'public: REASON'.
            """,
        triggering: [
            RuleExample.api(
                routes: """
                  - id: health
                    method: GET
                    path: /health
                    auth: ↓none
                    rateLimit: {calls: 10, per: 1s, key: ip}
                """),
            RuleExample.api(
                "catalog",
                fields: """
                auth: none
                """,
                routes: """
                  - id: ↓list-products
                    method: GET
                    path: /products
                  - id: get-product
                    method: GET
                    path: /products/{sku}
                    public: Product pages are public
                """),
            // A raw answer before '<base />' runs before the token check the route's 'scopes' ask for.
            mockedRoute("↓list-orders", inbound: [mock, "<base />"]),
            // A cached answer too: once a caller with a token is served, anyone gets the entry;
            // a condition around the lookup does not change that.
            mockedRoute("↓list-orders", inbound: [privateLookup, "<base />"]),
            mockedRoute("↓list-orders", inbound: [#"<choose><when condition="@(context.Request.Method == "GET")">"# + privateLookup + "</when></choose>", "<base />"]),
            // The gateway's own credentials in 'Authorization' before the check: it judges them.
            mockedRoute("↓list-orders", inbound: [#"<authentication-managed-identity resource="api://orders-backend" />"#, "<base />"]),
            // Before a token check written raw, as an estate moved onto Portcullis keeps it.
            RuleExample.api(
                fields: "auth: none",
                rawInbound: privateLookup + "\n" + #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>Orders.Read</value></claim></required-claims></validate-jwt>"#,
                routes: """
                  - {id: ↓list-orders, method: GET, path: /orders}
                """),
            // The definitions' request changes are generated after '<base />' of the route's
            // policy: a raw check written after it judges the value they set.
            RuleExample.api(
                fields: "auth: none\nrequest: {query: {set: {access_token: internal}}}",
                routes: """
                  - id: ↓list-orders
                    method: GET
                    path: /orders
                    policy: '<policies><inbound><base />\(queryTokenCheck)</inbound></policies>'
                """),
            // A 'validate-jwt' that takes unsigned tokens checks nothing anyone cannot write.
            RuleExample.api(
                fields: rawTokenCheck.replacing(
                    #"<validate-jwt header-name="Authorization">"#,
                    with: #"<validate-jwt header-name="Authorization" require-signed-tokens="false">"#),
                routes: """
                  - {id: ↓list-orders, method: GET, path: /orders}
                """),
            // The route's own inbound has no <base />: the API's raw token check never runs for it.
            RuleExample.api(
                fields: rawTokenCheck,
                routes: """
                  - id: ↓list-orders
                    method: GET
                    path: /orders
                    policy: |
                      <policies>
                        <inbound>
                          <set-header name="X-Skipped" exists-action="override"><value>none</value></set-header>
                        </inbound>
                      </policies>
                """),
            // The route's IP filter is generated after the API's policy has run: its cached
            // answers reach every address.
            RuleExample.api(
                "reports",
                fields: "auth: none\nipFilter: {allow: [203.0.113.0/24]}",
                rawInbound: #"<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" />"#,
                routes: """
                  - {id: ↓internal-report, method: GET, path: /report, public: Office network only, rateLimit: {calls: 10, per: 1s, key: ip}}
                """),
            // The route's cache looks up before its own statements after '<base />'.
            cachedRoute("↓list-orders", after: #"<ip-filter action="allow"><address>203.0.113.7</address></ip-filter>"#),
            // A refusal written by hand is a check too.
            cachedRoute("↓list-orders", after: #"<choose><when condition="@(!context.Request.Headers.ContainsKey(&quot;X-Tenant&quot;))"><return-response><set-status code="403" reason="Forbidden" /></return-response></when></choose>"#),
            // A status an expression decides may be a refusal.
            cachedRoute("↓list-orders", after: #"<return-response><set-status code="@(context.Request.Headers.ContainsKey(&quot;X-Tenant&quot;) ? 200 : 403)" /></return-response>"#),
            // A failed token check goes on to 'on-error', where the request reaches the backend.
            onErrorRoute("↓create-order", #"<send-request mode="copy" response-variable-name="copied"><set-url>https://orders.example.com/orders</set-url></send-request><return-response response-variable-name="copied" />"#),
            // A copy of the caller's request reaches its target before the token is checked,
            // and so does a new request that carries what the caller sent.
            mockedRoute("↓list-orders", inbound: [#"<send-one-way-request mode="copy"><set-url>https://audit.example.com/requests</set-url></send-one-way-request>"#, "<base />"]),
            mockedRoute("↓list-orders", inbound: [#"<send-one-way-request mode="new"><set-url>https://audit.example.com/requests</set-url><set-method>POST</set-method><set-body>@(context.Request.Body.As&lt;string&gt;(preserveContent: true))</set-body></send-one-way-request>"#, "<base />"]),
            // Where the generated check reads introspection's answers: any token can be made
            // "active", by a key written there or one computed from what the caller sends.
            mockedRoute("list-orders", inbound: [#"<cache-store-value key="↓@(&quot;example:introspection:partner:&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))" value="{&quot;active&quot;: true}" duration="60" />"#, "<base />"]),
            mockedRoute("list-orders", inbound: ["<base />", #"<cache-store-value key="↓@(context.Request.Headers.GetValueOrDefault(&quot;X-Key&quot;, &quot;&quot;))" value="{&quot;active&quot;: true}" duration="60" />"#]),
        ],
        nonTriggering: [
            // A maintenance page after '<base />': a cached answer instead of it harms no one.
            cachedRoute("list-orders", after: #"<choose><when condition="@(DateTime.UtcNow.Hour == 3)"><return-response><set-status code="503" reason="Service Unavailable" /></return-response></when></choose>"#),
            // A new request of its own carries nothing of the caller's.
            mockedRoute("list-orders", inbound: [#"<send-one-way-request mode="new"><set-url>https://audit.example.com/ping</set-url><set-method>GET</set-method></send-one-way-request>"#, "<base />"]),
            // A key of its own, outside introspection's.
            mockedRoute("list-orders", inbound: ["<base />", #"<cache-store-value key="@(&quot;backend-token:&quot; + context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;, &quot;&quot;))" value="@((string)context.Variables[&quot;token&quot;])" duration="60" />"#]),
            // An 'on-error' that answers with what is written in it.
            onErrorRoute("create-order", #"<return-response><set-status code="500" reason="Internal Server Error" /></return-response>"#),
            RuleExample.api(
                routes: """
                  - id: health
                    method: GET
                    path: /health
                    auth: none
                    public: Load balancer health probe
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
            // After '<base />', the answer comes once the token is checked.
            mockedRoute("list-orders", inbound: ["<base />", mock]),
            mockedRoute("list-orders", inbound: ["<base />", privateLookup]),
            // The API's raw check runs at the route's '<base />', before the definitions' changes.
            RuleExample.api(
                fields: "auth: none\nrequest: {query: {set: {access_token: internal}}}\npolicy: '<policies><inbound><base />\(queryTokenCheck)</inbound></policies>'",
                routes: """
                  - {id: list-orders, method: GET, path: /orders}
                """),
            // A raw token check that runs on every request of the API's routes.
            RuleExample.api(
                fields: rawTokenCheck,
                routes: """
                  - {id: list-orders, method: GET, path: /orders}
                """),
        ])

    /// What raw policy XML lets a caller of `route` past its token check, with how to fix it.
    private static func rawBypass(of route: EffectiveRoute, in context: CheckContext) -> (message: String, fix: String)? {
        let id = route.written.id.value
        // Under a condition too: the caller may write what it reads.
        if let (owner, name, afterATokenCheck) = context.rawStatementBeforeAnyTokenCheck(.answer, on: route) {
            let when =
                afterATokenCheck
                ? "after a raw token check but before the check of its scopes or roles, so any valid token gets the answer"
                : "before its token check, so callers need no token"
            return (
                "raw '\(name)' in \(owner) may answer requests of route '\(id)' \(when)",
                "move it after '<base />' in the route's policy, where every check has run; an answer for some requests goes there too, inside 'choose'"
            )
        }
        if let (owner, name, afterATokenCheck) = context.rawStatementBeforeAnyTokenCheck(.requestCopied, on: route) {
            let when =
                afterATokenCheck
                ? "after a raw token check but before the check of its scopes or roles, so requests with any valid token reach where it sends them"
                : "before its token check, so requests without a token reach where it sends them"
            // A Dapr message or binding call is no copy of the request.
            let copyAdvice = name.hasPrefix("send-") ? "; a copy carries the caller's token too, so to a service that is not the backend send a new request ('mode=\"new\"') with only what it needs" : ""
            return (
                "raw '\(name)' in \(owner) sends what requests of route '\(id)' carry on \(when)",
                "move it after '<base />' in the route's policy, where every check has run" + copyAdvice
            )
        }
        // Private responses are cached for callers with a token; a lookup before the check
        // serves them to callers without one.
        if let (owner, _, afterATokenCheck) = context.rawStatementBeforeAnyTokenCheck(.privateCacheLookup, on: route) {
            let when =
                afterATokenCheck
                ? "after a raw token check but before the check of its scopes or roles, so any valid token is served them"
                : "before its token check, so callers need no token"
            return (
                "raw 'cache-lookup' in \(owner) serves cached responses of route '\(id)' \(when)",
                "move it after '<base />' in the route's policy, or cache with the route's 'cache', which looks up after every check"
            )
        }
        // A failed check goes on to 'on-error': what is answered there reaches callers
        // without a valid token.
        if let (owner, name) = context.rawOnErrorBypass(on: route), route.isAuthenticated || context.rawStatement(.tokenCheck, on: route) != nil {
            let what =
                switch name {
                case "return-response": "answers with a response kept from another call"
                // The section's own answer, a body or a header written from a variable.
                case "set-body", "set-header": "writes a value kept from another call into the answer"
                default: "sends the request on"
                }
            return (
                "raw '\(name)' in the 'on-error' of \(owner) \(what) when a request of route '\(id)' fails its token check, so callers need no valid token",
                "answer in 'on-error' only with what is written there (a status and a message); call the backend only from 'backend', after every check"
            )
        }
        // The check then judges the gateway's credentials: a token it accepts lets everyone in.
        switch context.credentialsPlacedBeforeTokenCheck(on: route) {
        case .raw(let owner, let name)?:
            return (
                "raw '\(name)' in \(owner) replaces the caller's token before the token check of route '\(id)' reads it, so the check judges the gateway's credentials, not the caller's",
                "give the backend its credentials in its 'kind: Backend' document, or move this statement after '<base />' in the route's policy"
            )
        // Generated after '<base />' of the route's policy, before a raw check written after it.
        case .definitions(let setter, let place)?:
            return (
                "\(setter) sets \(place.described) before the raw token check of route '\(id)' reads it, so the check judges the gateway's credentials, not the caller's",
                "give the backend its credentials in its 'kind: Backend' document, or move the token check before '<base />' in the route's policy, where it runs before the definitions' changes"
            )
        case nil: break
        }
        return nil
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.routes where !route.isAuthenticated && route.written.publicReason == nil {
            // A token checked by raw XML on every request is a token check all the same.
            if context.rawStatement(.tokenCheck, on: route) != nil { continue }
            var (range, notes) = context.location(of: route.auth, on: route, what: "'auth: none'")
            if route.auth.origin == .unset {
                notes.append(
                    Diagnostic.Note(
                        "no 'auth' is set on the route, on API '\(context.api(of: route).name.value)' or in the gateway's 'defaults'",
                        at: range))
            }
            findings.report(
                code, "route '\(route.written.id.value)' accepts requests without a token and gives no reason",
                at: range, notes: notes)
        }
        // Scopes or roles a route without a token names are never checked: a reader takes
        // the route for one that needs them.
        for route in context.routes where !route.isAuthenticated {
            for requirement in route.written.permissions where !requirement.scopes.isEmpty {
                findings.report(
                    code,
                    "route '\(route.written.id.value)' requires '\(requirement.scopes[0].value)' but takes requests without a token, so no scope or role of it is checked",
                    at: requirement.range, notes: context.location(of: route.auth, on: route, what: "'auth: none'").notes)
            }
        }
        // Without raw policy XML nothing runs before the generated checks: most estates'
        // routes are not walked again.
        guard !context.rawScopes.isEmpty else { return }
        for route in context.routes {
            guard let (message, fix) = rawBypass(of: route, in: context) else { continue }
            findings.report(code, message, at: route.written.id.range, notes: [Diagnostic.Note(fix, at: route.written.id.range)])
        }
        // The route's own cache looks up among the generated statements, before the
        // author's after '<base />': a cached answer skips a check written there.
        for (route, plan) in context.plannedRoutes where plan.cache != nil && plan.answer == nil {
            guard let name = context.rawGateAfterCacheLookup(on: route) else { continue }
            let at = route.written.id.range
            findings.report(
                code, "the cache of route '\(route.written.id.value)' answers before raw '\(name)' in its policy runs, so a cached answer skips it", at: at,
                notes: [Diagnostic.Note("write the check before '<base />' in the route's policy, where it runs before the cache lookup", at: at)])
        }
        reportIntrospectionResultsWritten(in: context, into: &findings)
        // A route's IP filter is the first statement generated for it: an answer or a
        // cache lookup of a broader policy runs before it, for every address.
        for (route, plan) in context.plannedRoutes where plan.ipFilter != nil {
            let id = route.written.id.value
            let at = route.written.id.range
            if let (owner, name) = context.rawStatementBeforeGenerated(.answer, on: route) {
                findings.report(
                    code, "raw '\(name)' in \(owner) may answer requests of route '\(id)' before its IP filter, so every address gets the answer", at: at,
                    notes: [Diagnostic.Note("move it after '<base />' in the route's policy, where the IP filter has run", at: at)])
            } else if let (owner, _) = context.rawStatementBeforeGenerated(.cacheLookup, on: route) {
                findings.report(
                    code, "raw 'cache-lookup' in \(owner) serves cached responses of route '\(id)' before its IP filter, so every address is served them",
                    at: at, notes: [Diagnostic.Note("cache with the route's 'cache', which looks up after the IP filter, or move the lookup after '<base />' in the route's policy", at: at)])
            }
        }
    }

    /// Introspection's answers are kept in the cache under `PREFIX:introspection:`, where
    /// the generated check reads them before it asks the provider: a raw `cache-store-value`
    /// whose key may fall there can store "active" for a token nobody issued. A key is
    /// safe when it is text, named values put in, outside the namespace, or an expression
    /// whose every leading string already leaves it.
    private static func reportIntrospectionResultsWritten(in context: CheckContext, into findings: inout DiagnosticCollector) {
        guard let gateway = context.project.gateway,
            gateway.identityProviders.contains(where: { if case .introspection = $0.details { true } else { false } })
        else { return }
        let namespace = gateway.effectiveKeyPrefix + ":introspection:"
        for scope in context.rawScopes {
            for store in scope.elements(named: Self.valueStores) {
                guard let key = store.attribute("key"), RawCacheKey(key, context).mayStart(with: namespace) else { continue }
                let at = scope.document.range(key.valueSpan)
                findings.report(
                    code,
                    "raw 'cache-store-value' in \(scope.owner) may write under '\(namespace)', where the gateway keeps introspection answers, so a token the provider never called active could pass",
                    at: at, notes: [Diagnostic.Note("start the key with text of its own, outside '\(namespace)'", at: at)])
            }
        }
    }

    private static let valueStores: Set<String> = ["cache-store-value"]

}
