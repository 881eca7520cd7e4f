import Foundation
import PortcullisCompiler
import XCTest

/// `portcullis diff`: every kind of change, in every format, and BASE from Git.
final class AccessDiffTests: XCTestCase {
    static let fixtures = GoldenFiles.fixtures.appendingPathComponent("diff")

    func testEveryChangeKindInEveryFormat() throws {
        for (format, golden) in [("text", "expected.txt"), ("json", "expected.json"), ("markdown", "expected.md")] {
            let result = try ToolProcess.run(["diff", "base", "head", "--format", format], in: Self.fixtures)
            XCTAssertEqual(result.status, 0, result.stderr)
            GoldenFiles.assertMatches(result.stdout, golden: Self.fixtures.appendingPathComponent(golden))
        }
    }

    func testFailOnSetsTheExitCode() throws {
        XCTAssertEqual(try ToolProcess.run(["diff", "base", "head", "--fail-on", "looser-limit"], in: Self.fixtures).status, 1)
        XCTAssertEqual(try ToolProcess.run(["diff", "base", "base", "--fail-on", "privilege-increase,looser-limit,cache-widened"], in: Self.fixtures).status, 0)
        XCTAssertEqual(try ToolProcess.run(["diff", "base", "head", "--fail-on", "everything"], in: Self.fixtures).status, 64)
        let same = try ToolProcess.run(["diff", "base", "base"], in: Self.fixtures)
        XCTAssertEqual(same.stdout, "no changes to access, limits or caching\n")
    }

    func testBrokenSideExitsTwoAndSaysSoInTheReport() throws {
        let result = try ToolProcess.run(["diff", "Samples/contoso", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "portcullis: error: HEAD has errors, so it cannot be compared\n")
        XCTAssertTrue(result.stdout.hasPrefix("HEAD has errors, so it cannot be compared\nSamples/mistakes/"), result.stdout)
    }

    /// The options the README promises: every category in the help, the input limits.
    func testHelpListsEveryCategoryAndLimitsApply() throws {
        let help = try ToolProcess.run(["diff", "--help"])
        for category in AccessChange.Category.allCases {
            XCTAssertTrue(help.stdout.contains(category.rawValue), "\(category.rawValue) missing from: \(help.stdout)")
        }
        XCTAssertTrue(help.stdout.contains("--max-file-size"), help.stdout)
        let limited = try ToolProcess.run(["diff", "base", "head", "--max-file-size", "200"], in: Self.fixtures)
        XCTAssertEqual(limited.status, 2)
        XCTAssertTrue(limited.stdout.contains("BASE has errors") && limited.stdout.contains("[YS"), limited.stdout)
    }

    /// BASE from a commit of a temporary repository; HEAD from its work tree. Locations are
    /// relative to the working directory, as `lint` shows them, and a removed route's is
    /// marked as being in BASE.
    func testGitBaseReadsTheCommittedVersion() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        let orders = repository.appendingPathComponent("defs/apis/orders.yaml")
        let changed = try String(contentsOf: orders, encoding: .utf8)
            .replacingOccurrences(of: "    scopes: [orders.write]\n    rateLimit: {calls: 20", with: "    scopes: [orders.write, orders.read]\n    rateLimit: {calls: 20")
        try changed.write(to: orders, atomically: true, encoding: .utf8)

        let result = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs", "--fail-on", "privilege-increase"], in: repository)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(
            result.stdout,
            "defs/apis/orders.yaml:30:9: privilege increase: route 'orders/create-order' now accepts scope 'orders.read'\n"
                + "1 change: 1 privilege increase\n")
        let unchanged = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs/apis/catalog.yaml", "defs/gateway.yaml"], in: repository)
        XCTAssertEqual(unchanged.stdout, "no changes to access, limits or caching\n", unchanged.stderr)

        let inside = try ToolProcess.run(["diff", "--git-base", "HEAD", "apis/orders.yaml", "gateway.yaml"], in: repository.appendingPathComponent("defs"))
        XCTAssertEqual(inside.stdout.prefix(21), "apis/orders.yaml:30:9", inside.stdout + inside.stderr)

        let removed = try String(contentsOf: orders, encoding: .utf8)
        let withoutRoute = removed.replacingOccurrences(of: "  - id: create-order", with: "  - id: submit-order")
        try withoutRoute.write(to: orders, atomically: true, encoding: .utf8)
        let json = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs", "--format", "json"], in: repository)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let changes = try XCTUnwrap(object["changes"] as? [[String: Any]])
        let gone = try XCTUnwrap(changes.first { ($0["message"] as? String)?.hasSuffix("was removed") ?? false })
        XCTAssertEqual(gone["side"] as? String, "base")
        XCTAssertEqual(gone["subject"] as? [String: String], ["kind": "route", "name": "orders/create-order"])
        XCTAssertTrue((gone["location"] as? String)?.hasPrefix("defs/apis/orders.yaml:") ?? false, "\(gone)")
    }

    /// Git's own message, not a mangled command line.
    func testGitErrorsShowGitsMessage() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        let result = try ToolProcess.run(["diff", "--git-base", "no-such-revision", "defs"], in: repository)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.hasPrefix("portcullis: error: git failed: fatal: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("no-such-revision"), result.stderr)
        XCTAssertFalse(result.stderr.contains("git git"), result.stderr)
    }

    /// When BASE has errors, the pull-request comment still gets a report, naming files as
    /// the user knows them, never the temporary folder BASE was read into.
    func testBrokenGitBaseWritesAReportWithTheUsersPaths() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        let orders = repository.appendingPathComponent("defs/apis/orders.yaml")
        let good = try String(contentsOf: orders, encoding: .utf8)
        try (good + "  - [unclosed\n").write(to: orders, atomically: true, encoding: .utf8)
        try contoso.git("commit", "-q", "-a", "-m", "broken")
        try good.write(to: orders, atomically: true, encoding: .utf8)
        for format in ["markdown", "json", "text"] {
            let report = repository.appendingPathComponent("report.\(format)")
            let result = try ToolProcess.run(
                ["diff", "--git-base", "HEAD", "defs", "--format", format, "--output", report.path], in: repository)
            XCTAssertEqual(result.status, 2, format)
            XCTAssertEqual(result.stderr, "portcullis: error: BASE has errors, so it cannot be compared\n")
            let written = try String(contentsOf: report, encoding: .utf8)
            XCTAssertTrue(written.contains("BASE has errors, so it cannot be compared"), written)
            XCTAssertTrue(written.contains("defs/apis/orders.yaml:"), written)
            XCTAssertFalse(written.contains("portcullis-diff-"), written)
        }
    }
}
