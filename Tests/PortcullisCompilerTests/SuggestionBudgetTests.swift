import Foundation
import PortcullisDiagnostics
import XCTest

/// Lint output is compared from run to run (a pull request's findings against its base's),
/// so once a run's "did you mean" budget is spent, which unknown names still get a
/// suggestion must not depend on which core checked them first, nor on the order of a
/// dictionary, which changes from process to process.
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
        try assertLintedAlike(unknown: "scope", suggesting: "orders.read", expected: expected)
    }

    /// An environment's overrides are checked in the order they are written, not in the
    /// order of the dictionary that holds them, which changes from process to process.
    func testASpentBudgetGoesToTheFirstUnknownOverridesOnEveryRun() throws {
        let declared = 1_000
        let overrides = 2_400
        let suggested = SuggestionBudget.comparisons / declared
        XCTAssertEqual(suggested, 2_000)
        let apis = ["orders"] + (1..<declared).map { String(format: "api-number-%05d", $0) }
        let documents = apis.enumerated().map { index, name in
            "apiVersion: portcullis/v1\nkind: API\nname: \(name)\npath: a\(index)\nbackend: https://a.example.com\n"
                + "routes:\n  - {id: r, method: GET, path: /r, auth: none, public: open}\n"
        }
        try write(
            (["apiVersion: portcullis/v1\nkind: Gateway\nname: g\n"] + documents).joined(separator: "---\n"), to: "definitions.yaml")
        let names = Self.misspellings(overrides)
        try write(
            "apiVersion: portcullis/v1\nkind: Environment\nname: prod\napis:\n"
                + names.map { "  \($0): {backend: https://b.example.com}\n" }.joined(), to: "prod.yaml")
        let expected = names.indices.map { "prod.yaml " + ($0 < suggested ? "suggested" : "not suggested") }
        try assertLintedAlike(unknown: "API", suggesting: "orders", expected: expected)
    }

    /// The members of backend pools are checked pool by pool in the order the pools are
    /// written, not in the order of a dictionary of backends.
    func testASpentBudgetGoesToTheFirstUnknownPoolMembersOnEveryRun() throws {
        let (pools, membersPerPool) = (80, 30)
        // Pools are declared backends too: 1,000 names in all.
        let backends = ["orders"] + (1..<(1_000 - pools)).map { String(format: "backend-number-%05d", $0) }
        let suggested = SuggestionBudget.comparisons / 1_000
        let members = Self.misspellings(pools * membersPerPool)
        let documents =
            backends.map { "apiVersion: portcullis/v1\nkind: Backend\nname: \($0)\nurl: https://\($0).example.com\n" }
            + (0..<pools).map { pool in
                "apiVersion: portcullis/v1\nkind: Backend\nname: pool-\(pool)\npool:\n"
                    + members[(pool * membersPerPool)..<((pool + 1) * membersPerPool)].map { "  - {backend: \($0)}\n" }.joined()
            }
        try write((["apiVersion: portcullis/v1\nkind: Gateway\nname: g\n"] + documents).joined(separator: "---\n"), to: "backends.yaml")
        let expected = members.indices.map { "backends.yaml " + ($0 < suggested ? "suggested" : "not suggested") }
        try assertLintedAlike(unknown: "backend", suggesting: "orders", expected: expected)
    }

    /// Distinct names, each 'orders' and three more characters: as far from it as a
    /// misspelling may be, and far shorter than the other names declared.
    private static func misspellings(_ count: Int) -> [String] {
        (0..<count).map { index in
            let digits = String(index, radix: 36)
            return "orders" + String(repeating: "0", count: 3 - digits.count) + digits
        }
    }

    /// Lints the project three times: each run reports the unknown `what`s with the
    /// suggestions `expected` lists, in report order, and every run prints the same.
    private func assertLintedAlike(
        unknown what: String, suggesting suggestion: String, expected: [String], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var outputs = Set<String>()
        for _ in 0..<3 {
            let result = try ToolProcess.run(["lint", "--format", "json", "."], in: directory)
            XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
            XCTAssertEqual(try Self.unknownNames(in: result.stdout, what, suggesting: suggestion), expected, file: file, line: line)
            outputs.insert(result.stdout)
        }
        XCTAssertEqual(outputs.count, 1, "the output differs from run to run", file: file, line: line)
    }

    private func write(_ text: String, to path: String) throws {
        try ScratchFiles.write(Array(text.utf8), to: directory.appendingPathComponent(path).path)
    }

    /// Each finding of an unknown `what` (all misspellings of `suggestion`), in report order:
    /// its file and whether it got the suggestion.
    private static func unknownNames(in json: String, _ what: String, suggesting suggestion: String) throws -> [String] {
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let diagnostics = try XCTUnwrap(report["diagnostics"] as? [[String: Any]])
        return diagnostics.filter { ($0["message"] as? String)?.hasPrefix("unknown \(what) '") == true }.map { diagnostic in
            let notes = (diagnostic["notes"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
            return "\(diagnostic["file"] as? String ?? "?") " + (notes.first == "did you mean '\(suggestion)'?" ? "suggested" : "not suggested")
        }
    }
}
