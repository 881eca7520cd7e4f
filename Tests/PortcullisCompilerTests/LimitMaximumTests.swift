import Foundation
import PortcullisSyntax
import XCTest

/// Each limit option has a maximum the implementation honours: a larger value is a usage
/// error, and input nested right at the deepest allowed level is read without a crash, on
/// the main thread and on the worker threads that read other files and chunks.
final class LimitMaximumTests: XCTestCase {
    private var directory: URL!
    private let depth = InputLimits.maximum.maxDepth

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testValuesAboveTheMaximumAreUsageErrors() throws {
        let maximum = InputLimits.maximum
        for (option, most) in [
            ("--max-file-size", maximum.maxFileSize), ("--max-depth", maximum.maxDepth),
            ("--max-alias-nodes", maximum.maxAliasNodes), ("--max-documents", maximum.maxDocuments),
        ] {
            let result = try ToolProcess.run(["lint", option, String(most + 1)], in: directory)
            XCTAssertEqual(result.status, 64, option)
            XCTAssertTrue(result.stderr.contains("'\(option)' must be at most \(most), not \(most + 1)"), result.stderr)
        }
        let deep = try ToolProcess.run(["lint", "--max-depth", "60000"], in: directory)
        XCTAssertEqual(deep.status, 64)
        XCTAssertTrue(deep.stderr.contains("'--max-depth' must be at most 256, not 60000"), deep.stderr)
    }

    /// A mapping holding sequences nested to `depth` levels in all, in flow style.
    private func nested(_ levels: Int) -> String {
        "a: " + String(repeating: "[", count: levels - 1) + String(repeating: "]", count: levels - 1) + "\n"
    }

    /// Makes a file Portcullis's, so `lint` reads it.
    private static let portcullisTrailer = String(decoding: HostileInputSuiteTests.portcullisTrailer, as: UTF8.self)

    /// Linting reached the end: no crash, no depth finding, only the usual complaints
    /// about documents that are not definitions.
    private func assertLintsWithoutCrash(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try ToolProcess.run(["lint"] + arguments + ["--max-depth", String(depth)], in: directory)
        XCTAssertEqual(result.status, 1, "\(result.stderr.prefix(300))", file: file, line: line)
        XCTAssertFalse(result.stdout.contains("YS006"), String(result.stdout.prefix(300)), file: file, line: line)
        XCTAssertTrue(result.stdout.contains(" errors, "), String(result.stdout.suffix(200)), file: file, line: line)
    }

    func testFlowNestingAtTheMaximumOnTheMainThread() throws {
        try (nested(depth) + Self.portcullisTrailer).write(to: directory.appendingPathComponent("deep.yaml"), atomically: true, encoding: .utf8)
        try assertLintsWithoutCrash(["deep.yaml"])
        try ("a: " + String(repeating: "{a: ", count: depth - 1) + "1" + String(repeating: "}", count: depth - 1) + "\n" + Self.portcullisTrailer)
            .write(to: directory.appendingPathComponent("mappings.yaml"), atomically: true, encoding: .utf8)
        try assertLintsWithoutCrash(["mappings.yaml"])
    }

    func testFlowNestingAtTheMaximumOnWorkerThreads() throws {
        for index in 0..<8 {
            try (nested(depth) + Self.portcullisTrailer).write(
                to: directory.appendingPathComponent("deep\(index).yaml"), atomically: true, encoding: .utf8)
        }
        try assertLintsWithoutCrash(["."])
    }

    /// A file large enough to be split into chunks read in parallel, deepest at its end.
    func testFlowNestingAtTheMaximumInAChunkOfALargeFile() throws {
        var text = "---\napiVersion: portcullis/v1\n"
        while text.utf8.count < 1024 * 1024 { text += "---\npadding: " + String(repeating: "x", count: 64 * 1024) + "\n" }
        text += "---\n" + nested(depth)
        try text.write(to: directory.appendingPathComponent("large.yaml"), atomically: true, encoding: .utf8)
        try assertLintsWithoutCrash(["large.yaml"])
    }
}
