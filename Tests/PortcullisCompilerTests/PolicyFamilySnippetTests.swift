import PortcullisChecker
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisModel
import XCTest

@testable import PortcullisEmit

/// One small definition in, one policy family's exact fragment out: a change to one
/// family shows here, without the whole golden bundle to explain it. (CORS has its own,
/// in `CORSPolicyTests`.)
final class PolicyFamilySnippetTests: XCTestCase {
    /// The rule examples' base gateway with `extra` top-level fields, then an API `orders`
    /// with `fields` and `routes`, and `more` documents.
    static func project(gateway extra: String = "", api fields: String = "", routes: String, more: String = "") throws
        -> ResolvedProject
    {
        let text = RuleExample.baseGateway + extra + "\n---\n" + RuleExample.api(fields: fields, routes: routes + "\n").text + more
        let result = LintPipeline.run(
            [SourceFile(path: "shop.yaml", bytes: Array(text.utf8))], options: LintOptions(today: GoldenFiles.today))
        let errors = result.report.diagnostics.filter(\.code.family.isFrontEnd)
        XCTAssertEqual(errors.map(\.message), [], "the snippet's definition has errors")
        return result.project
    }

    static func plan(_ project: ResolvedProject) throws -> EnforcementPlan {
        try XCTUnwrap(project.plans.first ?? nil, "the route has no plan")
    }

    /// What `write` writes at the top level of a document.
    static func render(_ write: (inout PolicyWriter) -> Void) -> String {
        var writer = PolicyWriter()
        write(&writer)
        return writer.text
    }

    /// Routes that inherit their API's limits share one planned list, made once per API; a
    /// route with its own limit between them keeps its own counter, before and after.
    func testInheritedLimitsAreSharedAndARoutesOwnLimitIsNot() throws {
        let project = try Self.project(
            api: "rateLimit: {calls: 100, per: 60s, key: ip}\nquota: {calls: 1000, per: 1d, key: ip}",
            routes: """
                  - {id: list-orders, method: GET, path: /orders, auth: none}
                  - {id: get-order, method: GET, path: "/orders/{id}", auth: none, rateLimit: {calls: 10, per: 60s, key: ip}}
                  - {id: count-orders, method: GET, path: /orders/count, auth: none}
                """)
        let plans = try project.plans.map { try XCTUnwrap($0) }
        XCTAssertEqual(
            plans.map { $0.limits.map { "\($0.kind) \($0.calls) \($0.counterPrefix)" } },
            [
                ["rateLimit 100 orders:", "quota 1000 orders#quota:"],
                ["rateLimit 10 orders:get-order:", "quota 1000 orders#quota:"],
                ["rateLimit 100 orders:", "quota 1000 orders#quota:"],
            ])
    }

    func testRateLimitCountsPerRouteBudgetAndCaller() throws {
        let plan = try Self.plan(
            Self.project(routes: "  - {id: list-orders, method: GET, path: /orders, auth: none, rateLimit: {calls: 10, per: 60s, key: ip}}"))
        let limit = try XCTUnwrap(plan.limits.first)
        XCTAssertEqual(Self.render { LimitPolicies.elements(limit, callers: [], into: &$0) },
            """
            <rate-limit-by-key calls="10" renewal-period="60" counter-key="@("orders:list-orders:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes(context.Request.IpAddress))))" />

            """)
    }

    func testQuotaOnTheAPIBudgetCountsPerSubscription() throws {
        let plan = try Self.plan(
            Self.project(
                api: "quota: {calls: 1000, per: 1d, key: subscription}",
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}"))
        let quota = try XCTUnwrap(plan.limits.first { $0.kind == .quota })
        XCTAssertEqual(Self.render { LimitPolicies.elements(quota, callers: [], into: &$0) },
            """
            <quota-by-key calls="1000" counter-key="@("orders#quota:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes((context.Subscription?.Id ?? "")))))" renewal-period="86400" />

            """)
    }

    func testJWTTokenAndSingleScopeCheck() throws {
        let plan = try Self.plan(Self.project(routes: "  - {id: list-orders, method: GET, path: /orders, auth: entra, scopes: [orders.read]}"))
        let token = try XCTUnwrap(plan.token)
        let scopes = try XCTUnwrap(plan.scopes)
        XCTAssertEqual(Self.render {
            AuthPolicies.tokenElements(token, callBudget: nil, into: &$0)
            AuthPolicies.scopeElements(scopes, token: token, into: &$0)
        },
            """
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized" require-scheme="Bearer" output-token-variable-name="portcullis-token">
                <openid-config url="https://login.example.com/v2.0/.well-known/openid-configuration" />
                <audiences>
                    <audience>api://example</audience>
                </audiences>
                <issuers>
                    <issuer>https://login.example.com/v2.0</issuer>
                </issuers>
            </validate-jwt>
            <validate-jwt header-name="Authorization" failed-validation-httpcode="403" failed-validation-error-message="Forbidden" require-scheme="Bearer">
                <openid-config url="https://login.example.com/v2.0/.well-known/openid-configuration" />
                <audiences>
                    <audience>api://example</audience>
                </audiences>
                <issuers>
                    <issuer>https://login.example.com/v2.0</issuer>
                </issuers>
                <required-claims>
                    <claim name="scp" match="any" separator=" ">
                        <value>orders.read</value>
                    </claim>
                </required-claims>
            </validate-jwt>

            """)
    }

    func testSharedCacheLookupAndStore() throws {
        let plan = try Self.plan(
            Self.project(
                routes: "  - {id: list-orders, method: GET, path: /orders, auth: none, cache: {ttl: 30s, sharing: shared, varyBy: {query: [page]}}}"))
        let cache = try XCTUnwrap(plan.cache)
        XCTAssertEqual(Self.render {
            CachePolicies.lookup(cache, callers: [], into: &$0)
            CachePolicies.store(cache, callers: [], into: &$0)
        },
            """
            <choose>
                <when condition="@(context.Request.OriginalUrl.Query.All(p => p.Value.Length < 2 && (p.Key == "page")))">
                    <cache-lookup vary-by-developer="false" vary-by-developer-groups="false" caching-type="external">
                        <vary-by-query-parameter>page</vary-by-query-parameter>
                    </cache-lookup>
                </when>
            </choose>
            <choose>
                <when condition="@(context.Request.OriginalUrl.Query.All(p => p.Value.Length < 2 && (p.Key == "page")))">
                    <cache-store duration="30" />
                </when>
            </choose>

            """)
    }

    func testProductLimitsUseAPIMsPerSubscriptionPolicies() throws {
        let project = try Self.project(
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}",
            more: "---\napiVersion: portcullis/v1\nkind: Product\nname: basic\napis: [orders]\nrateLimit: {calls: 5, per: 1s}\nquota: {calls: 100, per: 1h}\n")
        let product = try XCTUnwrap(project.products.first)
        XCTAssertEqual(Self.render { LimitPolicies.productElements(product, into: &$0) },
            """
            <rate-limit calls="5" renewal-period="1" />
            <quota calls="100" renewal-period="3600" />

            """)
    }
}
