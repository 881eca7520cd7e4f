import Foundation
import PortcullisChecker
import PortcullisCompiler
@testable import PortcullisDiagnostics
import PortcullisSupport
import XCTest

/// The formats pull-request tooling reads: SARIF for code scanning, workflow commands for annotations.
final class ReportFormatTests: XCTestCase {
    static let sarifSchema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/sarif/sarif-schema-2.1.0.json")

    private func sarif(_ directory: URL) throws -> (text: String, json: [String: Any]) {
        let report = try GoldenFiles.lint(directory).report
        let text = SARIFReporter(rules: RuleRegistry.sarifRules, toolVersion: ToolInfo.version, informationURI: ToolInfo.informationURI)
            .render(report)
        return (text, try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]))
    }

    private func results(_ json: [String: Any]) throws -> [[String: Any]] {
        let runs = try XCTUnwrap(json["runs"] as? [[String: Any]])
        return try XCTUnwrap(runs.first?["results"] as? [[String: Any]])
    }

    /// A finding made more than once, which any rule judging a value an alias repeats
    /// could do, is in the report once; findings that differ in a note are both kept.
    func testAReportHoldsEachFindingOnce() {
        let file = FileID(0)
        let sources = SourceFiles([SourceFile(path: "defs.yaml", bytes: Array("a: 1\nb: 2\n".utf8))])
        let range = SourceRange.point(file, line: 1, column: 1)
        let finding = Diagnostic(RouteWithoutScopes.code, "route 'a' requires no scope", at: range)
        var noted = finding
        noted.notes = [Diagnostic.Note("a note", at: range)]
        let other = Diagnostic(RouteWithoutScopes.code, "route 'b' requires no scope", at: SourceRange.point(file, line: 2, column: 1))
        let report = DiagnosticReport(diagnostics: [finding, other, noted, finding, other, finding], sources: sources)
        XCTAssertEqual(report.diagnostics.map(\.message), ["route 'a' requires no scope", "route 'a' requires no scope", "route 'b' requires no scope"])
        XCTAssertEqual(report.diagnostics.map(\.notes.count).sorted(), [0, 0, 1])
        XCTAssertEqual(report.summary.errors, 3)
    }

    func testSARIFValidatesForCleanMistakesAndSuppressedFindings() throws {
        guard FileManager.default.fileExists(atPath: Self.sarifSchema.path) else {
            throw XCTSkip("\(Self.sarifSchema.path) is not available; the SARIF schema check runs where ../shared is")
        }
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases = [
            ("clean", GoldenFiles.packageRoot.appendingPathComponent("Samples/contoso")),
            ("mistakes", GoldenFiles.packageRoot.appendingPathComponent("Samples/mistakes")),
            ("suppressed", GoldenFiles.fixtures.appendingPathComponent("diagnostics/checker-suppressions")),
        ]
        var files: [String] = []
        for (name, input) in cases {
            let file = directory.appendingPathComponent("\(name).sarif")
            try sarif(input).text.write(to: file, atomically: true, encoding: .utf8)
            files.append(file.path)
        }
        let output = try PythonTool.run([PythonTool.support.appendingPathComponent("check_sarif.py").path, Self.sarifSchema.path] + files)
        XCTAssertEqual(output.stdout, files.map { "ok \($0)\n" }.joined(), output.stderr)
    }

    func testSARIFContentsForGitHub() throws {
        let (_, clean) = try sarif(GoldenFiles.packageRoot.appendingPathComponent("Samples/contoso"))
        XCTAssertEqual(clean["version"] as? String, "2.1.0")
        XCTAssertNotNil(clean["$schema"])
        let run = try XCTUnwrap((clean["runs"] as? [[String: Any]])?.first)
        XCTAssertEqual(run["columnKind"] as? String, "unicodeCodePoints")
        let driver = try XCTUnwrap((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.count, RuleRegistry.descriptions.count)
        let lp003 = try XCTUnwrap(rules.first { $0["id"] as? String == "LP003" })
        XCTAssertEqual(lp003["name"] as? String, "write-route-accepts-read-scope")
        XCTAssertEqual((lp003["defaultConfiguration"] as? [String: String])?["level"], "error")
        XCTAssertEqual(try results(clean).count, 0)

        let (_, suppressed) = try sarif(GoldenFiles.fixtures.appendingPathComponent("diagnostics/checker-suppressions"))
        let silenced = try results(suppressed).filter { $0["suppressions"] != nil }
        XCTAssertEqual(silenced.count, 4, "list-orders, get-order (two codes) and search-orders")
        let justifications = silenced.compactMap { ($0["suppressions"] as? [[String: Any]])?.first?["justification"] as? String }
        XCTAssertTrue(justifications.contains("the list is the same for every caller"))
        let first = try XCTUnwrap(try results(suppressed).first)
        let location = try XCTUnwrap((first["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        XCTAssertEqual((location["artifactLocation"] as? [String: String])?["uri"], "orders.yaml")
        let fingerprint = try XCTUnwrap((first["partialFingerprints"] as? [String: String])?["primaryLocationLineHash"])
        XCTAssertNotNil(fingerprint.range(of: "^[0-9a-f]{16}:[0-9]+$", options: .regularExpression), fingerprint)
    }

    /// A top-level file named `c:d.yaml` was given the URI `c:d.yaml`, an absolute URI of
    /// scheme `c`, so code scanning could not place its findings (found by an audit).
    func testASARIFLocationIsRelativeWhateverTheFileIsCalled() throws {
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try RuleExample.baseGateway.write(to: directory.appendingPathComponent("c:d.yaml"), atomically: true, encoding: .utf8)
        try RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders}\n").yaml
            .write(to: directory.appendingPathComponent("https:evil.example.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "--format", "sarif", "."], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stderr)
        XCTAssertTrue(lint.stdout.contains(#""uri" : "https%3Aevil.example.yaml""#), lint.stdout)
        XCTAssertFalse(lint.stdout.contains(#""uri" : "https:"#), lint.stdout)
        // Named by an absolute path, a file outside the working directory has a `file://`
        // URI; a bare path was no URI code scanning could place (audit V39).
        let here = directory.appendingPathComponent("here")
        try FileManager.default.createDirectory(at: here, withIntermediateDirectories: true)
        let outside = try ToolProcess.run(["lint", "--format", "sarif", directory.path], in: here)
        XCTAssertTrue(outside.stdout.contains(#""uri" : "file://\#(directory.path)/https%3Aevil.example.yaml""#), outside.stdout)
    }

    /// Workflow commands, line by line: `%`, CR, LF escaped in messages; `:` and `,` too in properties.
    func testGitHubAnnotationsEscapeAsGitHubSpecifies() throws {
        let directory = GoldenFiles.fixtures.appendingPathComponent("diagnostics/github-escaping")
        let report = try GoldenFiles.lint(directory).report
        GoldenFiles.assertMatches(GitHubReporter().render(report), golden: directory.appendingPathComponent("expected.github"))
        GoldenFiles.assertMatches(TextReporter().render(report), golden: directory.appendingPathComponent("expected.txt"))
        XCTAssertEqual(GitHubReporter.escapeData("100% done\r\nnext"), "100%25 done%0D%0Anext")
        XCTAssertEqual(GitHubReporter.escapeProperty("a,b:c%"), "a%2Cb%3Ac%25")
    }

    /// Each finding quotes (SARIF: hashes) its source line with the secrets on it masked.
    /// Looking the line up by scanning the file, and its secrets by scanning every
    /// redaction, made this quadratic: minutes for 160,000 findings. Now 20,000 findings
    /// with a secret on every line take about a second in a debug build. (SARIF and JSON
    /// share the line index and the encoder; Benchmarks/bench.py times them in release.)
    func testManyFindingsOnSecretLinesRenderQuicklyAndMasked() throws {
        var text = "apiVersion: portcullis/v1\nkind: Gateway\nname: g\n"
        for index in 0..<20_000 { text += "x\(index): password=hunter2-\(index)\n" }
        let report = LintPipeline.run([SourceFile(path: "g.yaml", bytes: Array(text.utf8))]).report
        XCTAssertGreaterThan(report.active.count, 20_000)
        XCTAssertGreaterThanOrEqual(report.redactions.count, 20_000)
        let reporters: [any DiagnosticReporter] = [TextReporter(), GitHubReporter()]
        for reporter in reporters {
            let start = Date()
            let output = reporter.render(report)
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, "\(type(of: reporter))")
            XCTAssertFalse(output.contains("hunter2"), "\(type(of: reporter)) shows a secret")
        }
        XCTAssertTrue(TextReporter().render(report).contains(" 20003 | x19999: ********"))
    }
}
