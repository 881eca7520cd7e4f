import Foundation
import XCTest

/// The executable's contract: exit codes, report formats and output options.
final class CommandLineTests: XCTestCase {
    let samples = GoldenFiles.packageRoot.appendingPathComponent("Samples")

    func testCleanSampleExitsZeroWithNoDiagnostics() throws {
        let result = try ToolProcess.run(["lint", "Samples/contoso"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 5 files\n")
    }

    func testMistakesSampleExitsOneWithLocatedDiagnostics() throws {
        let result = try ToolProcess.run(["lint", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.stdout.hasPrefix("Samples/mistakes/apis/orders.yaml:4:7: error: "), String(result.stdout.prefix(200)))
        XCTAssertTrue(result.stdout.hasSuffix(" errors, 0 warnings in 3 files\n"))
    }

    func testMissingPathExitsTwo() throws {
        let result = try ToolProcess.run(["lint", "no/such/dir"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "portcullis: error: input path 'no/such/dir' does not exist\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testDirectoryWithoutYAMLExitsTwo() throws {
        let result = try ToolProcess.run(["lint", "Sources/CYAML"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("no '*.yaml' or '*.yml' files found"), result.stderr)
    }

    func testBadUsageExitsSixtyFour() throws {
        XCTAssertEqual(try ToolProcess.run(["lint", "--format", "yaml"]).status, 64)
        XCTAssertEqual(try ToolProcess.run(["lint", "--no-such-flag"]).status, 64)
        XCTAssertEqual(try ToolProcess.run(["frobnicate"]).status, 64)
    }

    func testJSONFormatIsParseableAndCountsFindings() throws {
        let result = try ToolProcess.run(["lint", "--format", "json", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 1)
        let diagnostics = try XCTUnwrap(object["diagnostics"] as? [[String: Any]])
        let summary = try XCTUnwrap(object["summary"] as? [String: Int])
        XCTAssertEqual(summary["errors"], diagnostics.count)
        XCTAssertEqual(summary["files"], 3)
        XCTAssertEqual(diagnostics.first?["file"] as? String, "Samples/mistakes/apis/orders.yaml")
    }

    func testOutputFileReceivesTheReport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.json")
        let result = try ToolProcess.run(
            ["lint", "--format", "json", "--output", report.path, "Samples/contoso"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(try String(contentsOf: report, encoding: .utf8).contains("\"errors\" : 0"))
        let unwritable = try ToolProcess.run(
            ["lint", "--output", "/proc/portcullis/report.txt", "Samples/contoso"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(unwritable.status, 2)
        XCTAssertTrue(unwritable.stderr.hasPrefix("portcullis: error: cannot write '/proc/portcullis/report.txt'"))
    }

    func testColorAndQuietOptions() throws {
        let colored = try ToolProcess.run(["lint", "--color", "always", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertTrue(colored.stdout.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        let plain = try ToolProcess.run(["lint", "--quiet", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertFalse(plain.stdout.contains("\u{1B}["), "auto colour is off when not writing to a terminal")
        XCTAssertFalse(plain.stdout.contains(" errors, "), "--quiet leaves out the summary")
    }

    func testDefaultPathIsTheWorkingDirectory() throws {
        let result = try ToolProcess.run(["lint"], in: samples.appendingPathComponent("contoso"))
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 5 files\n")
    }
}
