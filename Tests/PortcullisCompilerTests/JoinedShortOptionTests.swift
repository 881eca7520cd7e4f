import Foundation
import XCTest

/// `-h` inside a word of joined short options (`-oh`) must not show help and succeed in
/// place of the command: it is an unknown option, exit 64, and nothing runs.
final class JoinedShortOptionTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testJoinedHelpLetterIsAUsageErrorAndWritesNothing() throws {
        for word in ["-oh", "-ho", "-help"] {
            let result = try ToolProcess.run(["build", word, "--out", "x"], in: directory)
            XCTAssertEqual(result.status, 64, word)
            XCTAssertEqual(result.stdout, "", word)
            XCTAssertTrue(result.stderr.contains("unknown option '\(word)'"), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("x").path), word)
        }
    }

    func testHelpStillWorksAlone() throws {
        for arguments in [["build", "-h"], ["build", "--help"], ["-h"], ["--help"]] {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.stdout.contains("OVERVIEW:"), "\(arguments): \(result.stdout)")
        }
    }

    func testAfterTheTerminatorAWordIsAPath() throws {
        let result = try ToolProcess.run(["lint", "--", "-oh.yaml"], in: directory)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("input path '-oh.yaml' does not exist"), result.stderr)
    }
}
