import Foundation
import XCTest

/// Each limit option, exactly at and just past its boundary.
final class LimitOptionTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Whether linting `text` with `option value` reports a YS006.
    private func hitsLimit(_ text: String, _ option: String, _ value: Int) throws -> Bool {
        try text.write(to: directory.appendingPathComponent("input.yaml"), atomically: true, encoding: .utf8)
        let result = try ToolProcess.run(["lint", "input.yaml", option, String(value)], in: directory)
        XCTAssertNotEqual(result.status, 2, result.stderr)
        return result.stdout.contains("[YS006]")
    }

    func testMaxFileSize() throws {
        let text = String(repeating: "# padding\n", count: 100)
        XCTAssertFalse(try hitsLimit(text, "--max-file-size", 1000))
        XCTAssertTrue(try hitsLimit(text, "--max-file-size", 999))
    }

    func testMaxDepth() throws {
        let text = "apiVersion: portcullis/v1\na: " + String(repeating: "[", count: 9) + String(repeating: "]", count: 9) + "\n"
        XCTAssertFalse(try hitsLimit(text, "--max-depth", 10), "the mapping and nine sequences")
        XCTAssertTrue(try hitsLimit(text, "--max-depth", 9))
    }

    func testMaxAliasNodes() throws {
        let text = "apiVersion: portcullis/v1\na: &a [x, x, x]\nb: *a\nc: *a\n"
        XCTAssertFalse(try hitsLimit(text, "--max-alias-nodes", 8), "two uses of a four-node anchor")
        XCTAssertTrue(try hitsLimit(text, "--max-alias-nodes", 7))
    }

    func testMaxDocuments() throws {
        let text = "---\napiVersion: portcullis/v1\n" + String(repeating: "---\na: 1\n", count: 2)
        XCTAssertFalse(try hitsLimit(text, "--max-documents", 3))
        XCTAssertTrue(try hitsLimit(text, "--max-documents", 2))
    }

    func testLimitsMustBePositive() throws {
        for option in ["--max-file-size", "--max-depth", "--max-alias-nodes", "--max-documents"] {
            let result = try ToolProcess.run(["lint", option, "0"], in: directory)
            XCTAssertEqual(result.status, 64, option)
            XCTAssertTrue(result.stderr.contains("'\(option)' must be at least 1, not 0"), result.stderr)
        }
    }
}
