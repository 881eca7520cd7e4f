import Foundation
import PortcullisDiagnostics
import XCTest

/// Lint output is compared from run to run (a pull request's findings against its base's),
/// so once a run's "did you mean" budget is spent, which unknown names still get a
/// suggestion must not depend on which core checked them first.
final class SuggestionBudgetTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        ScratchFiles.removeTree(directory)
    }

    /// Each unknown scope is measured against every declared one, so 4,000 declared spend
    /// the budget on the first 500 unknown ones: those of the first 20 APIs, whose routes
    /// are checked in parallel with those of the 4 after them.
    func testASpentBudgetGoesToTheFirstUnknownNamesOnEveryRun() throws {
        let declared = 4_000
        let (apis, routesPerAPI) = (24, 25)
        let suggestedAPIs = SuggestionBudget.comparisons / declared / routesPerAPI
        XCTAssertEqual(suggestedAPIs, 20)
        // Declared names far shorter than the misspelt one are dismissed by their length alone.
        let scopes = ["  orders.read: {access: read}"] + (1..<declared).map { String(format: "  s%05d: {access: read}", $0) }
        try write("apiVersion: portcullis/v1\nkind: Gateway\nname: g\nscopes:\n" + scopes.joined(separator: "\n") + "\n", to: "gateway.yaml")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("apis"), withIntermediateDirectories: true)
        for api in 0..<apis {
            let routes = (0..<routesPerAPI).map { "  - {id: r\($0), method: GET, path: /r\($0), scopes: [orders.reed]}" }
            try write(
                "apiVersion: portcullis/v1\nkind: API\nname: a\(api)\npath: a\(api)\nbackend: https://a.example.com\nroutes:\n"
                    + routes.joined(separator: "\n") + "\n", to: String(format: "apis/a%02d.yaml", api))
        }
        let expected = (0..<apis).flatMap { api in
            Array(repeating: String(format: "apis/a%02d.yaml ", api) + (api < suggestedAPIs ? "suggested" : "not suggested"), count: routesPerAPI)
        }
        var outputs = Set<String>()
        for _ in 0..<3 {
            let result = try ToolProcess.run(["lint", "--format", "json", "."], in: directory)
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertEqual(try Self.unknownScopes(in: result.stdout), expected)
            outputs.insert(result.stdout)
        }
        XCTAssertEqual(outputs.count, 1, "the output differs from run to run")
    }

    private func write(_ text: String, to path: String) throws {
        try ScratchFiles.write(Array(text.utf8), to: directory.appendingPathComponent(path).path)
    }

    /// Each unknown scope reported, in report order: its file and whether it got a suggestion.
    private static func unknownScopes(in json: String) throws -> [String] {
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let diagnostics = try XCTUnwrap(report["diagnostics"] as? [[String: Any]])
        return diagnostics.filter { $0["message"] as? String == "unknown scope 'orders.reed'" }.map { diagnostic in
            let notes = (diagnostic["notes"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            return "\(diagnostic["file"] as? String ?? "?") " + (notes.first == "did you mean 'orders.read'?" ? "suggested" : "not suggested")
        }
    }
}
