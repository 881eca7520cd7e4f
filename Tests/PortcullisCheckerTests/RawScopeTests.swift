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
}
