import Foundation
import PortcullisChecker
import XCTest

/// A raw store is judged by what APIM will do with it (audit V29), through the executable:
/// its `duration` is read when an expression gives it, and a key of a token's claims tells
/// no callers apart where the tokens are opaque.
final class RawCacheStoreTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func lint(_ name: String, inbound: String, route: String) throws -> ToolProcess.Result {
        let folder = try ExampleProject.write(to: directory.appendingPathComponent(name), routes: route, rawInbound: inbound)
        return try ToolProcess.run(["lint", "."], in: folder)
    }

    /// A token fetched and kept for a day is CA004 however the day is written: `@(86400)`
    /// and `@(24*3600)` linted clean. A duration the request decides may be any: a warning,
    /// as Microsoft's samples keep a token for the `expires_in` it came with.
    func testADurationAnExpressionGivesIsJudged() throws {
        let route = "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n"
        func store(_ duration: String) -> String {
            #"<send-request mode="new" response-variable-name="tokresp" timeout="10"><set-url>https://login.example.com/token</set-url><set-method>POST</set-method></send-request>"#
                + "\n" + #"<cache-store-value key="backend-access-token" value="@(((IResponse)context.Variables[&quot;tokresp&quot;]).Body.As&lt;string&gt;())" duration="\#(duration)" />"#
        }
        for (name, duration, status, said) in [
            ("number", "@(86400)", Int32(1), "error: raw 'cache-store-value' in API 'orders' keeps values for 1d, longer than the limit of 5m [CA004]"),
            ("product", "@(24 * (1800 + 1800))", 1, "error: raw 'cache-store-value' in API 'orders' keeps values for 1d, longer than the limit of 5m [CA004]"),
            ("runtime", "@(int.Parse(context.Request.Headers.GetValueOrDefault(&quot;X-Ttl&quot;, &quot;60&quot;)))", 0,
             "warning: raw 'cache-store-value' in API 'orders' keeps values for as long as an expression works out, which may be longer than the limit of 5m [CA004]"),
        ] {
            let lint = try lint(name, inbound: store(duration), route: route)
            XCTAssertEqual(lint.status, status, "\(name): \(lint.stdout)\(lint.stderr)")
            XCTAssertTrue(lint.stdout.contains(said), "\(name): \(lint.stdout)")
        }
        // Within the limit, however written (audit V35: a cast or a long's `L` was taken for
        // a duration decided as the request runs).
        for (index, duration) in ["@(2 * 60)", "@((int)60)", "@(60L)", "@((long)(4 * 60))"].enumerated() {
            let short = try lint("short-\(index)", inbound: store(duration), route: route)
            XCTAssertFalse(short.stdout.contains("CA004"), "\(duration): \(short.stdout)")
        }
    }

    /// A public route's shared cache kept what its backend answered to a request the API's
    /// policy gave the caller's subscription, and an answer the policy gave their key:
    /// the first caller's was everyone's (audit V104). So through a variable of the user's.
    func testWhoTheCallerIsInWhatASharedCacheKeepsIsCA001() throws {
        let route = "  - {id: list-prices, method: GET, path: /prices, auth: none, public: published prices, rateLimit: {calls: 10, per: 1s, key: ip}, cache: {ttl: 10m, sharing: shared}}\n"
        // Audit V108: a backend chosen by the caller, a Liquid body reading a variable of
        // the subscription, and the subscription key's header passed too.
        for (name, inbound, statement) in [
            ("sent", #"<set-header name="X-Customer" exists-action="override"><value>@(context.Subscription?.Id)</value></set-header>"#, "set-header"),
            ("answered", #"<set-variable name="who" value="@(context.User.Email)" /><set-query-parameter name="who" exists-action="override"><value>@((string)context.Variables[&quot;who&quot;])</value></set-query-parameter>"#, "set-query-parameter"),
            ("chosen", #"<choose><when condition="@(context.Subscription.Id == &quot;premium&quot;)"><set-backend-service base-url="https://premium.example.com" /></when></choose>"#, "set-backend-service"),
            ("liquid", #"<set-variable name="who" value="@(context.Subscription.Id)" /><set-body template="liquid">{"customer": "{{context.Variables["who"]}}"}</set-body>"#, "set-body"),
            ("key", #"<set-header name="X-Customer-Key" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault(&quot;Ocp-Apim-Subscription-Key&quot;, &quot;&quot;))</value></set-header>"#, "set-header"),
            // Audit V110: the branch no condition names, a key kept in a variable or given in
            // the query, and Liquid's other spellings of a variable.
            ("otherwise", #"<choose><when condition="@(context.Subscription.Id != &quot;premium&quot;)"><set-variable name="x" value="1" /></when><otherwise><set-backend-service base-url="https://premium.example.com" /></otherwise></choose>"#, "set-backend-service"),
            ("kept", #"<set-variable name="k" value="@(context.Request.Headers.GetValueOrDefault(&quot;Ocp-Apim-Subscription-Key&quot;, &quot;&quot;))" /><set-query-parameter name="k" exists-action="override"><value>@((string)context.Variables[&quot;k&quot;])</value></set-query-parameter>"#, "set-query-parameter"),
            ("query", #"<set-header name="X-Key" exists-action="override"><value>@(context.Request.Url.Query.GetValueOrDefault(&quot;subscription-key&quot;, &quot;&quot;))</value></set-header>"#, "set-header"),
            ("liquid-dot", #"<set-variable name="who" value="@(context.Subscription.Id)" /><set-body template="liquid">{"customer": "{{ context.Variables.who }}"}</set-body>"#, "set-body"),
        ] {
            let lint = try lint(name, inbound: inbound, route: route)
            XCTAssertEqual(lint.status, 1, "\(name): \(lint.stdout)")
            XCTAssertTrue(
                lint.stdout.contains(
                    "error: route 'list-prices' shares its cached responses between callers, but raw '\(statement)' in API 'orders' puts who the caller is in what is cached [CA001]"),
                "\(name): \(lint.stdout)")
        }
        // What is the same for every caller, what another request or an answer of the
        // gateway's own carries (V108), a name that only spells a word of the context, or
        // what is sent to a route whose cache is per user.
        for (name, inbound) in [
            ("same", #"<set-header name="X-Customer" exists-action="override"><value>@(context.Request.Url.Host)</value></set-header>"#),
            ("audit", #"<send-one-way-request mode="new"><set-url>https://audit.example.com</set-url><set-method>POST</set-method><set-header name="X-Who" exists-action="override"><value>@(context.Subscription?.Id)</value></set-header></send-one-way-request>"#),
            ("answer", #"<choose><when condition="@(context.Request.Url.Query.ContainsKey(&quot;ping&quot;))"><return-response><set-status code="200" reason="OK" /><set-body>@(context.User.Email)</set-body></return-response></when></choose>"#),
            ("word", #"<set-header name="X-Agent" exists-action="override"><value>@{ var forwardedUserAgent = context.Request.Headers.GetValueOrDefault(&quot;X-Agent&quot;, &quot;&quot;); return forwardedUserAgent; }</value></set-header>"#),
        ] {
            let lint = try lint(name, inbound: inbound, route: route)
            XCTAssertFalse(lint.stdout.contains("CA001"), "\(name): \(lint.stdout)")
        }
        let perUser = try lint(
            "per-user", inbound: #"<set-header name="X-Customer" exists-action="override"><value>@(context.Subscription?.Id)</value></set-header>"#,
            route: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], cache: {ttl: 1m}}\n")
        XCTAssertFalse(perUser.stdout.contains("CA001"), perUser.stdout)
    }

    /// `AsJwt()` gives null for an opaque token an introspection provider checks, so a store
    /// keyed by its subject keeps one answer for every such caller; on a JWT provider's
    /// route the subject is the caller's.
    func testAKeyOfAnOpaqueTokensClaimsTellsNoCallersApart() throws {
        let store = #"<cache-store-value key="@(&quot;o:&quot; + context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="60" />"#
        let opaque = try lint("opaque", inbound: store, route: "  - {id: list-orders, method: GET, path: /orders, auth: partner, scopes: [orders.read]}\n")
        XCTAssertEqual(opaque.status, 1, opaque.stdout + opaque.stderr)
        XCTAssertTrue(opaque.stdout.contains("under a key that does not tell its callers apart [CA001]"), opaque.stdout)
        let jwt = try lint("jwt", inbound: store, route: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
        XCTAssertFalse(jwt.stdout.contains("CA001"), jwt.stdout)
        // Through a variable, with a JWT provider's route judged first: its verdict was kept
        // for the introspection provider's route (audit V35). Each route's own store.
        let variable = #"<set-variable name="sub" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject)" />"#
            + "\n" + #"<cache-store-value key="@(&quot;o:&quot; + (string)context.Variables[&quot;sub&quot;])" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="60" />"#
        let policy = "policy: '<policies><inbound><base />" + variable.replacingOccurrences(of: "\n", with: "") + "</inbound></policies>'"
        let mixed = try lint(
            "mixed", inbound: "",
            route: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], \(policy)}\n  - {id: list-partner-orders, method: GET, path: /partner, auth: partner, scopes: [orders.read], \(policy)}\n")
        XCTAssertTrue(mixed.stdout.contains("keeps the answer to route 'list-partner-orders'"), mixed.stdout)
        XCTAssertFalse(mixed.stdout.contains("keeps the answer to route 'list-orders'"), mixed.stdout)
        // One store in the API's policy: reported for the route whose callers share it.
        let shared = try lint(
            "shared", inbound: variable,
            route: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n  - {id: list-partner-orders, method: GET, path: /partner, auth: partner, scopes: [orders.read]}\n")
        XCTAssertTrue(shared.stdout.contains("in API 'orders' keeps the answer to route 'list-partner-orders'"), shared.stdout)
    }
}
