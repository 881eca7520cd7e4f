import Foundation
import PortcullisChecker
import XCTest

/// Suppression comments are YAML's comments: a line of a block scalar is text, whatever it
/// says, and the text is deployed (a route's `summary` becomes the operation's).
final class SuppressionTextTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A `# portcullis:ignore` line inside `summary: |` silenced the route's CA001, and one
    /// at the end of a folded line was reported unused (audit V116); so did one under a `|`
    /// on a line of its own, and an XML comment in a summary (V118, V119: in a quoted one
    /// too; XML comments count in a raw policy alone, its key quoted or not). A comment after the
    /// block, less indented than its text (the key's column in a sequence entry, whatever
    /// the indentation indicator says), still silences; so does an XML comment in inline
    /// XML, which is text to YAML and a comment to APIM.
    func testALineOfABlockScalarIsNoSuppression() throws {
        let routes = """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                summary: |
                  Lists orders.
                  # portcullis:ignore CA001 -- a line of the summary
                cache: {ttl: 30s, sharing: shared}
              - id: get-order
                method: GET
                path: /orders/{id}
                scopes: [orders.read]
                summary: >-
                  One order # portcullis:ignore CA001 -- folded text
                # portcullis:ignore CA001 -- the order is the same for every caller
                cache: {ttl: 30s, sharing: shared}
              - id: order-lines
                method: GET
                path: /orders/{id}/lines
                scopes: [orders.read]
                summary:
                  |
                  # portcullis:ignore CA001 -- a summary whose '|' stands on a line of its own
                cache: {ttl: 30s, sharing: shared}
              - id: order-notes
                method: GET
                path: /orders/{id}/notes
                scopes: [orders.read]
                summary: |
                  <!-- portcullis:ignore CA001 - a summary is no policy -->
                cache: {ttl: 30s, sharing: shared}
              - summary: |2
                    Indented further than the text needs.
                # portcullis:ignore CA001 -- the history is the same for every caller
                cache: {ttl: 30s, sharing: shared}
                id: order-history
                method: GET
                path: /orders/{id}/history
                scopes: [orders.read]
              - summary: |
                # portcullis:ignore CA001 -- the status is the same for every caller
                cache: {ttl: 30s, sharing: shared}
                id: order-status
                method: GET
                path: /orders/{id}/status
                scopes: [orders.read]
              - {id: order-flow, method: GET, path: /orders/flow, scopes: [orders.read], summary: "<!-- portcullis:ignore CA001 - a summary -->", cache: {ttl: 30s, sharing: shared}}
              - id: search-orders
                method: GET
                path: /orders/search
                scopes: [orders.read]
                "policy": |
                  <policies>
                    <inbound>
                      <base />
                      <!-- portcullis:ignore CA001 - searches are public data -->
                      <cache-lookup vary-by-developer="false" vary-by-developer-groups="false" allow-private-response-caching="true" />
                    </inbound>
                    <outbound><base /><cache-store duration="30" /></outbound>
                  </policies>

            """
        let api = RuleExample.api(routes: routes)
        try Data((RuleExample.baseGateway + "---\n" + api.text).utf8).write(to: directory.appendingPathComponent("defs.yaml"))
        let result = try ToolProcess.run(["lint", "defs.yaml", "--format", "json"], in: directory)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(report["diagnostics"] as? [[String: Any]])
        let shown = findings.filter { $0["suppressed"] as? Bool != true }.compactMap { finding -> String? in
            guard let code = finding["code"] as? String, code != "LP006" else { return nil }
            return "\(code) \(finding["message"] ?? "")"
        }
        XCTAssertEqual(
            shown, ["list-orders", "order-lines", "order-notes", "order-flow"].map { "CA001 route '\($0)' requires a token but shares its cached responses between callers" },
            result.stdout)
    }
}
