import PortcullisChecker
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisModel
import XCTest

@testable import PortcullisEmit

/// One small definition in, one policy family's exact fragment out: a change to one
/// family shows here, without the whole golden bundle to explain it.
final class PolicyFamilySnippetTests: XCTestCase {
    /// A gateway with a JWT provider and read scope, then an API `orders` with `routes`.
    static func project(gateway extra: String = "", api fields: String = "", routes: String) throws -> ResolvedProject {
        let text = """
            apiVersion: portcullis/v1
            kind: Gateway
            name: shop
            identityProviders:
              entra:
                type: jwt
                issuer: https://login.example.com/v2.0
                openidConfig: https://login.example.com/v2.0/.well-known/openid-configuration
                audiences: [api://shop]
            scopes:
              orders.read: {access: read}
            \(extra)
            ---
            apiVersion: portcullis/v1
            kind: API
            name: orders
            path: orders
            backend: https://orders.example.com
            \(fields)
            routes:
            \(routes)
            """
        let result = LintPipeline.run([SourceFile(path: "shop.yaml", bytes: Array(text.utf8))], options: LintOptions(today: GoldenFiles.today))
        let errors = result.report.diagnostics.filter(\.code.family.isFrontEnd)
        XCTAssertEqual(errors.map(\.message), [], "the snippet's definition has errors")
        return result.project
    }

    static func plan(_ project: ResolvedProject) throws -> EnforcementPlan {
        try XCTUnwrap(project.plans.first ?? nil, "the route has no plan")
    }

    static func render(_ elements: [PolicyElement]) -> String {
        elements.map { PolicyRenderer().render($0) }.joined()
    }

    func testRateLimitCountsPerRouteBudgetAndCaller() throws {
        let plan = try Self.plan(
            Self.project(routes: "  - {id: list-orders, method: GET, path: /orders, auth: none, rateLimit: {calls: 10, per: 60s, key: ip}}"))
        let limit = try XCTUnwrap(plan.limits.first)
        XCTAssertEqual(Self.render(LimitPolicies.elements(limit, callers: [])),
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
        XCTAssertEqual(Self.render(LimitPolicies.elements(quota, callers: [])),
            """
            <quota-by-key calls="1000" counter-key="@("orders:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes((context.Subscription?.Id ?? "")))))" renewal-period="86400" />

            """)
    }

    func testJWTTokenAndSingleScopeCheck() throws {
        let plan = try Self.plan(Self.project(routes: "  - {id: list-orders, method: GET, path: /orders, auth: entra, scopes: [orders.read]}"))
        let token = try XCTUnwrap(plan.token)
        let scopes = try XCTUnwrap(plan.scopes)
        XCTAssertEqual(Self.render(AuthPolicies.tokenElements(token, callBudget: nil) + AuthPolicies.scopeElements(scopes, token: token)),
            """
            <validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized" require-scheme="Bearer" output-token-variable-name="portcullis-token">
                <openid-config url="https://login.example.com/v2.0/.well-known/openid-configuration" />
                <audiences>
                    <audience>api://shop</audience>
                </audiences>
                <issuers>
                    <issuer>https://login.example.com/v2.0</issuer>
                </issuers>
            </validate-jwt>
            <validate-jwt header-name="Authorization" failed-validation-httpcode="403" failed-validation-error-message="Forbidden" require-scheme="Bearer">
                <openid-config url="https://login.example.com/v2.0/.well-known/openid-configuration" />
                <audiences>
                    <audience>api://shop</audience>
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
                gateway: "secrets:\n  redis: {keyVault: https://kv.vault.azure.net/secrets/redis}\nredis:\n  connection: {secret: redis}",
                routes: "  - {id: list-orders, method: GET, path: /orders, auth: none, cache: {ttl: 30s, sharing: shared, varyBy: {query: [page]}}}"))
        let cache = try XCTUnwrap(plan.cache)
        XCTAssertEqual(Self.render(CachePolicies.lookup(cache, callers: []) + CachePolicies.store(cache, callers: [])),
            """
            <cache-lookup vary-by-developer="false" vary-by-developer-groups="false" caching-type="external">
                <vary-by-query-parameter>page</vary-by-query-parameter>
            </cache-lookup>
            <cache-store duration="30" />

            """)
    }

    func testCORSListsOnlyWhatIsWritten() throws {
        let project = try Self.project(
            gateway: "cors:\n  allowedOrigins: [https://shop.example.com]\n  allowedMethods: [GET, POST]\n  allowedHeaders: [Content-Type]\n  preflightMaxAge: 600",
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}")
        guard case .present(let cors)? = project.gateway?.cors else { return XCTFail("no CORS section") }
        XCTAssertEqual(Self.render([GatewayPolicies.cors(cors)]),
            """
            <cors allow-credentials="false">
                <allowed-origins>
                    <origin>https://shop.example.com</origin>
                </allowed-origins>
                <allowed-methods preflight-result-max-age="600">
                    <method>GET</method>
                    <method>POST</method>
                </allowed-methods>
                <allowed-headers>
                    <header>Content-Type</header>
                </allowed-headers>
            </cors>

            """)
    }

    func testProductLimitsUseAPIMsPerSubscriptionPolicies() throws {
        let project = try Self.project(
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n---\napiVersion: portcullis/v1\nkind: Product\nname: basic\napis: [orders]\nrateLimit: {calls: 5, per: 1s}\nquota: {calls: 100, per: 1h}")
        let product = try XCTUnwrap(project.products.first)
        XCTAssertEqual(Self.render(LimitPolicies.productElements(product)),
            """
            <rate-limit calls="5" renewal-period="1" />
            <quota calls="100" renewal-period="3600" />

            """)
    }
}
