import Foundation
@testable import PortcullisCompiler
import PortcullisDiagnostics
import XCTest

/// Each case is a folder under `Fixtures/diagnostics`: YAML inputs and `expected.txt`,
/// the exact text report (and `expected.json` where the JSON form is checked too).
final class DiagnosticGoldenTests: XCTestCase {
    static let cases = GoldenFiles.fixtures.appendingPathComponent("diagnostics")

    private func check(_ name: String, json: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = Self.cases.appendingPathComponent(name)
        let result = try GoldenFiles.lint(directory)
        GoldenFiles.assertMatches(
            TextReporter().render(result.report), golden: directory.appendingPathComponent("expected.txt"),
            file: file, line: line)
        if json {
            GoldenFiles.assertMatches(
                JSONReporter().render(result.report), golden: directory.appendingPathComponent("expected.json"),
                file: file, line: line)
        }
    }

    func testCleanProjectHasNoDiagnostics() throws { try check("clean") }
    func testYS001MalformedYAML() throws { try check("YS001-malformed") }
    func testYS001InvalidUTF8() throws { try check("YS001-invalid-utf8") }
    func testYS001UTF16ByteOrderMark() throws { try check("YS001-utf16") }
    func testYS002DuplicateKeys() throws { try check("YS002-duplicate-key") }
    func testYS003UnknownFields() throws { try check("YS003-unknown-field") }
    func testYS004InvalidValues() throws { try check("YS004-invalid-value", json: true) }
    func testYS004Expressions() throws { try check("YS004-expressions") }
    /// Request and response shaping, gateway answers and IP filters get the checks every field gets.
    func testYS004ShapingFields() throws { try check("YS004-shaping") }
    func testYS005MissingFields() throws { try check("YS005-missing-field") }
    func testYS005EmptyFile() throws { try check("YS005-empty-file") }
    func testYS006NestingDepth() throws { try check("YS006-depth") }
    func testYS006AliasBomb() throws { try check("YS006-alias-bomb") }
    func testYS007UnsupportedYAML() throws { try check("YS007-unsupported") }
    func testRF001UnknownReferences() throws { try check("RF001-unknown-reference", json: true) }
    func testRF002DuplicateDefinitions() throws { try check("RF002-duplicate-definition") }
    /// Circuit breaker and pool ranges, credentials' shapes, url or pool; a broken backend
    /// is not reported again where an API names it.
    func testBackendValues() throws { try check("backends-values") }
    /// Unknown backends and members, pools of pools, duplicate names and members,
    /// members with different identities, http:// URLs, secrets by reference only.
    func testBackendReferences() throws { try check("backends-references") }
    /// Named values' display names and tags, declared and unknown groups, tags and groups
    /// written twice, terms and tags of the wrong type.
    func testPortalMetadata() throws { try check("portal-metadata") }
    /// Version sets' schemes and parameters, unknown sets, a version taken twice.
    func testVersionSets() throws { try check("version-sets") }
    func testRF003DuplicateRoutes() throws { try check("RF003-duplicate-route") }
    func testRF004DuplicateAPIPaths() throws { try check("RF004-duplicate-api-path") }
    func testRF005MissingGateway() throws { try check("RF005-missing-gateway") }
    func testRF006SecondOpenProduct() throws { try check("RF006-second-open-product") }
    func testRF007EnvironmentOverrides() throws { try check("RF007-environment-override") }
    func testRF008OpenAPIMismatch() throws { try check("RF008-openapi-mismatch") }
    /// Publisher configurations told by name and by content; keys and names in any case;
    /// what the bundle does not write (loggers, diagnostics, other APIs) is not reported.
    func testRF009PublisherOverrides() throws { try check("RF009-publisher-override") }
    func testPX001PolicyXMLSyntax() throws { try check("PX001-policy-xml-syntax") }
    func testPX002UnknownPolicyElements() throws { try check("PX002-unknown-policy-element") }
    func testPX003MisplacedPolicyElements() throws { try check("PX003-misplaced-policy-element") }
    func testPX004ConflictingPolicyStatements() throws { try check("PX004-conflicting-policy-statement", json: true) }
    /// Numbers, booleans and words APIM would not read; expressions where it takes none; a
    /// reference to a named value is APIM's to resolve, one left unclosed is not.
    func testPX005InvalidPolicyValues() throws { try check("PX005-invalid-policy-value") }
    func testMultipleErrorsAcrossFiles() throws { try check("multi-file") }
    func testSyntaxErrorDoesNotCascade() throws { try check("no-cascade") }
    func testInheritedValuesPointAtTheRouteAndTheirSource() throws { try check("checker-inheritance", json: true) }
    func testSuppressions() throws { try check("checker-suppressions") }
    func testConfiguration() throws { try check("checker-configuration") }
    func testSecretsAreFoundAnywhereAndNeverPrinted() throws { try check("checker-secrets", json: true) }

    /// Every front-end code appears in at least one expected report.
    func testEveryFrontEndCodeHasAGoldenCase() throws {
        var seen = Set<String>()
        let walker = FileManager.default.enumerator(atPath: Self.cases.path)
        while let relative = walker?.nextObject() as? String {
            guard relative.hasSuffix("expected.txt") else { continue }
            let text = try String(contentsOf: Self.cases.appendingPathComponent(relative), encoding: .utf8)
            for code in DiagnosticCode.frontEnd where text.contains("[\(code.id)]") { seen.insert(code.id) }
        }
        XCTAssertEqual(Set(DiagnosticCode.frontEnd.map(\.id)).subtracting(seen), [])
    }
}

/// Reading a file in chunks, one per document, must not change a single byte of any report.
final class ChunkedReadingTests: XCTestCase {
    func testEveryGoldenCaseReadsTheSameInChunks() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: DiagnosticGoldenTests.cases.path).sorted()
        XCTAssertGreaterThan(cases.count, 15)
        for name in cases {
            let directory = DiagnosticGoldenTests.cases.appendingPathComponent(name)
            let files = InputFiles(workingDirectory: directory.path)
            let inputs = try files.read(files.discover(["."]), limits: LintOptions().limits)
            let whole = LintPipeline.run(inputs, options: LintOptions(), chunkSize: Int.max)
            let chunked = LintPipeline.run(inputs, options: LintOptions(), chunkSize: 1)
            XCTAssertEqual(TextReporter().render(chunked.report), TextReporter().render(whole.report), name)
            XCTAssertEqual(chunked.project.routes.count, whole.project.routes.count, name)
        }
    }

    func testSamplesReadTheSameInChunks() throws {
        for sample in ["contoso", "mistakes"] {
            let directory = GoldenFiles.packageRoot.appendingPathComponent("Samples/\(sample)")
            let files = InputFiles(workingDirectory: directory.path)
            let inputs = try files.read(files.discover(["."]), limits: LintOptions().limits)
            let joined = SourceFile(path: "joined.yaml", bytes: Array(inputs.map { $0.bytes }.joined(separator: Array("---\n".utf8))))
            let whole = LintPipeline.run([joined], options: LintOptions(), chunkSize: Int.max)
            let chunked = LintPipeline.run([joined], options: LintOptions(), chunkSize: 1)
            XCTAssertEqual(TextReporter().render(chunked.report), TextReporter().render(whole.report), sample)
            XCTAssertEqual(chunked.project.routes.map(\.written.id.value), whole.project.routes.map(\.written.id.value))
        }
    }

    /// A line starting with `---` inside a quoted scalar is a document marker to the splitter
    /// but an error to the reader: the chunk before it would end in an unclosed quote.
    static let brokenQuote = """
        apiVersion: portcullis/v1
        kind: API
        name: orders
        path: orders
        backend: https://orders.example.com
        routes:
          - id: list-orders
            method: GET
            path: /orders
            summary: "List the
        --- caller's orders"
            auth: none
            public: probe

        """

    func testAnErrorAcrossADocumentMarkerReadsTheSameInChunks() {
        let file = SourceFile(path: "api.yaml", bytes: Array(Self.brokenQuote.utf8))
        let whole = LintPipeline.run([file], options: LintOptions(), chunkSize: Int.max)
        let chunked = LintPipeline.run([file], options: LintOptions(), chunkSize: 1)
        let report = TextReporter().render(whole.report)
        XCTAssertTrue(report.contains("api.yaml:11:1: error: found unexpected document indicator [YS001]"), report)
        XCTAssertEqual(TextReporter().render(chunked.report), report)
    }

    /// The same through the tool, in a file large enough to be read in several chunks.
    func testALargeFileWithAnErrorAcrossADocumentMarkerReportsTheWholeFilesError() throws {
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let padding = (1...1_000).map { "# padding line \($0) ......................................................\n" }.joined()
        try (padding + Self.brokenQuote).write(to: directory.appendingPathComponent("api.yaml"), atomically: true, encoding: .utf8)
        let result = try ToolProcess.run(["lint", "."], in: directory)
        XCTAssertEqual(result.status, 1, result.stderr)
        let output = result.stdout + result.stderr
        XCTAssertTrue(output.contains("api.yaml:1011:1: error: found unexpected document indicator [YS001]"), output)
        XCTAssertFalse(output.contains("end of stream"), output)
    }

    /// An environment first in the file overrides an API in a later chunk, one last in the
    /// file the gateway in the first: only the chunks they change are read again.
    func testEnvironmentsReadTheSameInChunks() throws {
        let directory = GoldenFiles.packageRoot.appendingPathComponent("Samples/contoso")
        let files = InputFiles(workingDirectory: directory.path)
        let inputs = try files.read(files.discover(["."]), limits: LintOptions().limits)
        let first = "apiVersion: portcullis/v1\nkind: Environment\nname: early\napis: {catalog: {routes: {list-products: {cache: {ttl: 2h}}}}}\n"
        let last = "apiVersion: portcullis/v1\nkind: Environment\nname: late\ngateway: {sku: Consumption}\n"
        let documents = [Array(first.utf8)] + inputs.map(\.bytes) + [Array(last.utf8)]
        let joined = SourceFile(path: "joined.yaml", bytes: Array(documents.joined(separator: Array("---\n".utf8))))
        for choice in [EnvironmentChoice.all, .named("early"), .named("late")] {
            var options = LintOptions()
            options.environments = choice
            let whole = LintPipeline.run([joined], options: options, chunkSize: Int.max)
            let chunked = LintPipeline.run([joined], options: options, chunkSize: 1)
            let report = TextReporter().render(whole.report)
            XCTAssertTrue(report.contains(choice == .all ? "note: only in environment" : ": error: "), report)
            XCTAssertEqual(TextReporter().render(chunked.report), report, "\(choice)")
        }
    }
}
