import PortcullisChecker
import PortcullisCompiler
import PortcullisDiagnostics
import XCTest

/// Which routes run a raw document's statements, for the rules that judge them per route.
final class RawScopeTests: XCTestCase {
    /// A fragment reached only through another fragment runs for the routes of every
    /// document that includes the outer one, and include cycles end.
    func testFragmentsRunForEveryIncluderThroughOtherFragments() throws {
        func api(_ name: String, auth: String) -> String {
            """
            apiVersion: portcullis/v1
            kind: API
            name: \(name)
            path: \(name)
            backend: https://\(name).example.com
            auth: \(auth)
            policy: |
              <policies><inbound><base /><include-fragment fragment-id="outer" /></inbound></policies>
            routes:
              - {id: list-\(name), method: GET, path: /items, scopes: [orders.read], public: a public list}

            """
        }
        func fragment(_ name: String, includes other: String) -> String {
            """
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: \(name)
            policy: |
              <fragment><include-fragment fragment-id="\(other)" /><set-header name="X-\(name)" exists-action="override"><value>1</value></set-header></fragment>

            """
        }
        let text = [RuleExample.baseGateway, api("orders", auth: "entra"), api("catalog", auth: "none"), fragment("outer", includes: "inner"),
                    fragment("inner", includes: "outer")].joined(separator: "---\n")
        let result = LintPipeline.run([SourceFile(path: "project.yaml", bytes: Array(text.utf8))])
        let context = CheckContext(project: result.project)
        for name in ["outer", "inner"] {
            let scope = try XCTUnwrap(context.rawScopes.first { $0.owner == "fragment '\(name)'" })
            XCTAssertEqual(Set(scope.routes.map(\.written.id.value)), ["list-orders", "list-catalog"], name)
            XCTAssertEqual(scope.routes.count, 2, "\(name): each route once")
        }
    }

    /// What an API's raw policy enforces is found once per API and shared by its routes:
    /// each route still gets its own API's answer, and a route whose own inbound drops
    /// `<base />` gets none.
    func testEachRouteGetsItsOwnAPIsRawTokenCheck() throws {
        func api(_ name: String, policy: String?, routes: String) -> String {
            """
            apiVersion: portcullis/v1
            kind: API
            name: \(name)
            path: \(name)
            backend: https://\(name).example.com
            auth: none
            \(policy.map { "policy: '\($0)'" } ?? "")
            routes:
            \(routes)

            """
        }
        let text = [
            RuleExample.baseGateway,
            api(
                "guarded", policy: #"<policies><inbound><base /><validate-jwt header-name="Authorization" /></inbound></policies>"#,
                routes: """
                  - {id: guarded-plain, method: GET, path: /a}
                  - {id: guarded-own-base, method: GET, path: /b, policy: '<policies><inbound><base /></inbound></policies>'}
                  - {id: guarded-no-base, method: GET, path: /c, policy: '<policies><inbound><set-header name="x" exists-action="override"><value>1</value></set-header></inbound></policies>'}
                """),
            api("open", policy: nil, routes: "  - {id: open-plain, method: GET, path: /d}"),
            api(
                "fragmented", policy: #"<policies><inbound><base /><include-fragment fragment-id="checks" /></inbound></policies>"#,
                routes: "  - {id: fragmented-plain, method: GET, path: /e}"),
            api("open-too", policy: nil, routes: "  - {id: open-too-plain, method: GET, path: /f}"),
            """
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: checks
            policy: '<fragment><validate-azure-ad-token tenant-id="t"><backend-application-ids><application-id>api://orders</application-id></backend-application-ids></validate-azure-ad-token></fragment>'

            """,
        ].joined(separator: "---\n")
        let result = LintPipeline.run([SourceFile(path: "project.yaml", bytes: Array(text.utf8))])
        let unauthenticated = result.report.diagnostics.filter { $0.message.hasSuffix("accepts requests without a token and gives no reason") }
        XCTAssertEqual(
            unauthenticated.map(\.message),
            ["guarded-no-base", "open-plain", "open-too-plain"].map { "route '\($0)' accepts requests without a token and gives no reason" },
            result.report.diagnostics.map(\.message).joined(separator: "\n"))
    }
}
