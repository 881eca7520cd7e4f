import PortcullisModel
import XCTest

@testable import PortcullisEmit

/// Request and response shaping, gateway answers and IP filters, each as the exact policy
/// fragment it becomes and where it lands in the operation's policy.
final class ShapingPolicyTests: XCTestCase {
    private func plan(api: String = "", routes: String) throws -> EnforcementPlan {
        try PolicyFamilySnippetTests.plan(PolicyFamilySnippetTests.project(api: api, routes: routes))
    }

    func testHeaderAndQueryChangesRunAPIFirstThenTheRoutesThenTheRewrite() throws {
        let plan = try self.plan(
            api: """
                request: {headers: {set: {X-Partner-Key: "{{partner-secret}}"}, remove: [X-Debug]}, query: {set: {api-version: "2024-05-01"}}}
                """,
            routes: """
                  - id: get-order
                    method: GET
                    path: /orders/{orderId}
                    scopes: [orders.read]
                    request: {headers: {setIfMissing: {X-Source: web}, append: {Via: gateway}}, query: {remove: [debug]}}
                    rewrite: {path: "/v2/orders/{orderId}?view=full", method: POST, keepQuery: false}
                """)
        let shaping = try XCTUnwrap(plan.requestShaping)
        XCTAssertEqual(
            PolicyFamilySnippetTests.render { ShapingPolicies.request(shaping, into: &$0) },
            """
            <set-header name="X-Partner-Key" exists-action="override">
                <value>{{partner-secret}}</value>
            </set-header>
            <set-header name="X-Debug" exists-action="delete" />
            <set-header name="X-Source" exists-action="skip">
                <value>web</value>
            </set-header>
            <set-header name="Via" exists-action="append">
                <value>gateway</value>
            </set-header>
            <rewrite-uri template="/v2/orders/{orderId}?view=full" copy-unmatched-params="false" />
            <set-query-parameter name="api-version" exists-action="override">
                <value>2024-05-01</value>
            </set-query-parameter>
            <set-query-parameter name="debug" exists-action="delete" />
            <set-method>POST</set-method>

            """)
    }

    func testIPFilterConvertsCIDRBlocksAndRangesToAddressRanges() throws {
        let plan = try self.plan(
            api: "ipFilter: {allow: [10.0.0.0/8, 192.168.1.10, 192.168.2.1-192.168.2.9, 172.16.0.7/32, 0.0.0.0/0]}",
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}")
        let filter = try XCTUnwrap(plan.ipFilter)
        XCTAssertEqual(filter.origin, .api)
        XCTAssertEqual(
            PolicyFamilySnippetTests.render { ShapingPolicies.ipFilter(filter, into: &$0) },
            """
            <ip-filter action="allow">
                <address>192.168.1.10</address>
                <address>172.16.0.7</address>
                <address-range from="10.0.0.0" to="10.255.255.255" />
                <address-range from="192.168.2.1" to="192.168.2.9" />
                <address-range from="0.0.0.0" to="255.255.255.255" />
            </ip-filter>

            """)
    }

    func testARouteFilterReplacesTheAPIsAndNoneSwitchesItOff() throws {
        let project = try PolicyFamilySnippetTests.project(
            api: "ipFilter: {deny: [203.0.113.0/24]}",
            routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], ipFilter: {allow: [198.51.100.1]}}
                  - {id: get-order, method: GET, path: "/orders/{id}", scopes: [orders.read], ipFilter: none}
                  - {id: create-order, method: POST, path: /orders, scopes: [orders.write]}
                """)
        let filters = project.plans.map { $0?.ipFilter }
        guard filters.count == 3 else { return XCTFail("expected three plans") }
        XCTAssertEqual(filters[0]?.written.action, .allow)
        XCTAssertEqual(filters[0]?.origin, .route)
        XCTAssertNil(filters[1] ?? nil)
        XCTAssertEqual(filters[2]?.written.action, .deny)
        XCTAssertEqual(filters[2]?.admitted, IPv4Set([IPv4Range(first: 0, last: 0xCB00_70FF), IPv4Range(first: 0xCB00_7200, last: .max)]))
    }

    /// The IP filter comes first, shaping after every check and the cache lookup, response
    /// changes before the cache store.
    func testShapingStepsSitWhereThePlanSays() throws {
        let plan = try self.plan(
            api: "ipFilter: {allow: [10.0.0.0/8]}\nresponse: {headers: {remove: [X-Powered-By]}}",
            routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    auth: none
                    public: open data
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    cache: {ttl: 1m}
                    request: {headers: {set: {X-Source: web}}}
                    response: {headers: {set: {Cache-Control: public}}}
                """)
        XCTAssertEqual(
            plan.steps.map(\.name), ["ip-filter", "rate-limit", "cache-lookup", "shape-request", "backend", "shape-response", "cache-store"])
        let policy = String(decoding: GatewayPolicies.operation(plan, setsBackend: false, raw: nil), as: UTF8.self)
        let order = ["<ip-filter", "<rate-limit-by-key", "<cache-lookup", "<set-header name=\"X-Source\"", "<set-header name=\"X-Powered-By\"",
            "<set-header name=\"Cache-Control\"", "<cache-store"].map { policy.range(of: $0)?.lowerBound }
        XCTAssertFalse(order.contains(nil), policy)
        XCTAssertEqual(order.compactMap { $0 }, order.compactMap { $0 }.sorted(), policy)
    }

    func testTheGatewayAnswersWithAFixedOrMockedResponse() throws {
        let project = try PolicyFamilySnippetTests.project(
            api: "request: {headers: {set: {X-Source: web}}}\nresponse: {headers: {remove: [X-Powered-By]}}",
            routes: """
                  - id: health
                    method: GET
                    path: /health
                    auth: none
                    public: probe
                    respond: {status: 503, headers: {Retry-After: "120", Content-Type: application/json}, body: '{"status":{"up":false}}'}
                  - {id: list-orders, method: GET, path: /orders, auth: none, public: preview, mock: {status: 200, contentType: application/json}}
                """)
        let fixed = try XCTUnwrap(project.plans[0])
        XCTAssertEqual(fixed.steps.map(\.name), ["rate-limit", "respond"])
        XCTAssertNil(fixed.requestShaping)
        XCTAssertEqual(fixed.responseHeaders.count, 0)
        let respond = try XCTUnwrap(fixed.answer)
        XCTAssertEqual(
            PolicyFamilySnippetTests.render { ShapingPolicies.answer(respond, into: &$0) },
            """
            <return-response>
                <set-status code="503" reason="Service Unavailable" />
                <set-header name="Retry-After" exists-action="override">
                    <value>120</value>
                </set-header>
                <set-header name="Content-Type" exists-action="override">
                    <value>application/json</value>
                </set-header>
                <set-body>{"status":{"up":false}}</set-body>
            </return-response>

            """)
        let mock = try XCTUnwrap(project.plans[1])
        XCTAssertEqual(mock.steps.map(\.name), ["rate-limit", "mock"])
        let mocked = try XCTUnwrap(mock.answer)
        XCTAssertEqual(
            PolicyFamilySnippetTests.render { ShapingPolicies.answer(mocked, into: &$0) },
            "<mock-response status-code=\"200\" content-type=\"application/json\" />\n")
    }
}
