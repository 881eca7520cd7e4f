import PortcullisDiagnostics
import XCTest

@testable import PortcullisModel

/// APIM resource names as estates spell them: wider than the language's own names, and
/// one resource whatever their case.
final class ResourceNameTests: XCTestCase {
    /// A gateway that uses subscription keys alone: no identity provider.
    private let gateway = """
        apiVersion: portcullis/v1
        kind: Gateway
        name: estate
        versionSets:
          Orders_Set: {scheme: segment}
        groups:
          Partner_Companies: {displayName: Partners}

        """

    private func api(
        _ name: String, path: String, backend: String = "https://orders.example.com", tags: String = "[]", routes: String
    ) -> String {
        """
        ---
        apiVersion: portcullis/v1
        kind: API
        name: \(name)
        path: \(path)
        backend: \(backend)
        tags: \(tags)
        routes:
        \(routes)

        """
    }

    private func codes(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.code.id) \($0.message)" }
    }

    func testEstateNamesAreAcceptedAndKeptAsWritten() {
        let text = gateway
            + api(
                "Orders_API", path: "orders", backend: "Orders_Backend",
                routes: """
                  - {id: 61e68d73c8e44ca9124dcddb, method: GET, path: /orders, public: estate}
                  - {id: GetOrder, method: GET, path: "/orders/{id}", public: estate}
                """)
            + """
            ---
            apiVersion: portcullis/v1
            kind: Backend
            name: Orders_Backend
            url: https://orders.example.com
            ---
            apiVersion: portcullis/v1
            kind: Product
            name: Starter_Plan
            apis: [Orders_API]
            groups: [Partner_Companies, developers]
            tags: [Public_APIs]

            """
        let (project, diagnostics) = ResolutionTests.resolve([text])
        XCTAssertEqual(codes(diagnostics), [])
        XCTAssertEqual(project.apis.map(\.name.value), ["Orders_API"])
        XCTAssertEqual(project.apis.first?.routes.map(\.id.value), ["61e68d73c8e44ca9124dcddb", "GetOrder"])
        XCTAssertEqual(project.products.first?.tags.map(\.value), ["Public_APIs"])
        guard case .named(let backend)? = project.apis.first?.backend else { return XCTFail("the backend is named") }
        XCTAssertEqual(backend.value, "Orders_Backend")
    }

    /// APIM would create `get-orders` for `get_orders`, and the route's policy would find no operation.
    func testRouteIdsAPIMWouldRenameAreRefused() {
        let text = gateway
            + api(
                "orders", path: "orders",
                routes: """
                  - {id: get_orders, method: GET, path: /orders, public: estate}
                  - {id: \(String(repeating: "a", count: 77)), method: GET, path: /all, public: estate}
                """)
        let (_, diagnostics) = ResolutionTests.resolve([text])
        XCTAssertEqual(
            codes(diagnostics),
            ["YS004 invalid route id 'get_orders' for 'id'", "YS004 invalid route id for 'id'"])
        XCTAssertTrue(diagnostics[0].notes.contains { $0.message.contains("operationId") }, "\(diagnostics[0].notes)")
    }

    func testNamesOutsideAPIMsFormAreRefused() {
        let text = gateway + api("Orders.v2", path: "orders", routes: "  - {id: list, method: GET, path: /, public: estate}")
        let (_, diagnostics) = ResolutionTests.resolve([text])
        XCTAssertEqual(codes(diagnostics), ["YS004 invalid name 'Orders.v2' for 'name'"])
        XCTAssertEqual(
            diagnostics.first?.notes.map(\.message),
            ["APIM resource names are 1 to 80 letters, digits, '-' and '_', starting with a letter or digit"])
    }

    /// APIM ignores case in names: two spellings are one resource, and one folder of the
    /// bundle on a file system that ignores case.
    func testNamesDifferingOnlyInCaseAreDuplicates() {
        let text = """
            apiVersion: portcullis/v1
            kind: Gateway
            name: estate
            versionSets:
              Orders_Set: {scheme: segment}
              orders_set: {scheme: segment}
            groups:
              Partners: {displayName: Partners}
              partners: {displayName: Partners again}
            tags:
              web: {displayName: Web}
              Web: {displayName: Web again}

            """
            + api(
                "Orders", path: "orders", tags: "[SHOP]",
                routes: """
                  - {id: GetOrders, method: GET, path: /a, public: estate}
                  - {id: getorders, method: GET, path: /b, public: estate}
                """)
            + api("orders", path: "orders-again", routes: "  - {id: list, method: GET, path: /, public: estate}")
            + """
            ---
            apiVersion: portcullis/v1
            kind: Backend
            name: Billing
            url: https://billing.example.com
            ---
            apiVersion: portcullis/v1
            kind: Backend
            name: BILLING
            url: https://billing2.example.com
            ---
            apiVersion: portcullis/v1
            kind: Product
            name: Starter
            apis: [Orders, ORDERS]
            tags: [Shop, shop]
            ---
            apiVersion: portcullis/v1
            kind: Product
            name: starter
            apis: [orders]
            ---
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: Headers
            policy: <fragment />
            ---
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: headers
            policy: <fragment />

            """
        let (_, diagnostics) = ResolutionTests.resolve([text])
        let duplicates = diagnostics.filter { $0.code == .duplicateDefinition }
        XCTAssertEqual(
            Set(duplicates.map(\.message)),
            [
                "route id 'getorders' is used twice in API 'Orders'",
                "API 'orders' is defined twice",
                "product 'starter' is defined twice",
                "API 'ORDERS' is listed twice in product 'Starter'",
                "tag 'shop' is listed twice in product 'Starter'",
                "backend 'BILLING' is defined twice",
                "a second policy fragment named 'headers'",
                "version set 'orders_set' is declared twice",
                "group 'partners' is declared twice",
                // The build wrote one and dropped the other without a word (a hostile audit).
                "tag 'Web' is declared twice",
                "tag 'Shop' is also spelt 'SHOP'",
            ])
        let api = duplicates.first { $0.message == "API 'orders' is defined twice" }
        XCTAssertEqual(api?.notes.map(\.message), ["first defined here as 'Orders'; APIM ignores case in names"])
        // Each spelling is still found by its own name, and a second listing is one error: no RF001.
        XCTAssertEqual(diagnostics.filter { $0.code == .unknownReference }.map(\.message), [])
    }

    /// A tag the gateway declares is spelt as declared where APIs and products list it:
    /// `tags/Partner` in a bundle would be APIM's tag `partner`, with another display name.
    func testATagIsSpeltAsTheGatewayDeclaresIt() {
        let text = gateway.replacingOccurrences(of: "groups:", with: "tags:\n  partner: {displayName: Partner program}\ngroups:")
            + api("orders", path: "orders", tags: "[Partner]", routes: "  - {id: list, method: GET, path: /, public: estate}")
            + api("billing", path: "billing", tags: "[partner]", routes: "  - {id: list, method: GET, path: /, public: estate}")
        let (_, diagnostics) = ResolutionTests.resolve([text])
        let spellings = diagnostics.filter { $0.code == .duplicateDefinition }
        XCTAssertEqual(spellings.map(\.message), ["tag 'Partner' is also spelt 'partner'"])
        XCTAssertEqual(spellings.first?.range.start.line, 16, "at the API's list, not the declaration")

        // Declared twice in two cases: that is the one error; a use spelt as either is not another.
        let twice = gateway.replacingOccurrences(of: "groups:", with: "tags:\n  Partner: {}\n  partner: {}\ngroups:")
            + api("orders", path: "orders", tags: "[partner]", routes: "  - {id: list, method: GET, path: /, public: estate}")
        XCTAssertEqual(
            ResolutionTests.resolve([twice]).1.filter { $0.code == .duplicateDefinition }.map(\.message), ["tag 'partner' is declared twice"])
    }

    /// A value that is a name names a backend, whatever its case; anything else is a URL.
    func testBackendValuesStayUnambiguous() {
        let text = gateway
            + api("a", path: "a", backend: "Billing_Service", routes: "  - {id: list, method: GET, path: /, public: estate}")
            + api("b", path: "b", backend: "orders.example.com", routes: "  - {id: list, method: GET, path: /, public: estate}")
            + """
            ---
            apiVersion: portcullis/v1
            kind: Backend
            name: Billing_Services
            url: https://billing.example.com

            """
        let (_, diagnostics) = ResolutionTests.resolve([text])
        XCTAssertEqual(
            codes(diagnostics),
            ["YS004 'backend' must be an absolute https:// URL", "RF001 unknown backend 'Billing_Service'"])
        XCTAssertEqual(diagnostics.last?.notes.first?.message, "did you mean 'Billing_Services'?")
    }

    /// Without identity providers routes are public unless they name one, which must be declared.
    func testAGatewayWithoutProvidersStillChecksTheProvidersNamed() {
        let text = gateway
            + api(
                "orders", path: "orders",
                routes: """
                  - {id: open, method: GET, path: /a, public: estate}
                  - {id: guarded, method: GET, path: /b, auth: entra}
                """)
        let (project, diagnostics) = ResolutionTests.resolve([text])
        XCTAssertEqual(project.gateway?.identityProviders.count, 0)
        XCTAssertEqual(codes(diagnostics), ["RF001 unknown identity provider 'entra'"])
    }
}
