import Foundation
import PortcullisChecker
@testable import PortcullisCompiler
import XCTest

/// `exclude` patterns are matched in time proportional to pattern times path, so a
/// hostile configuration cannot stall a run with backtracking.
final class ExcludePatternTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testPatternWithManyStarsAgainstALongNameFinishesQuickly() throws {
        let name = String(repeating: "a", count: 35) + ".yaml"
        try RuleExample.baseGateway.write(to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: portcullis/v1\na: [\n".write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        try "apiVersion: portcullis/v1\nexcluded: [\n".write(to: directory.appendingPathComponent("old.yaml"), atomically: true, encoding: .utf8)
        try "exclude: ['*a*a*a*a*a*a*a*a*a*a*b', 'o?d.*']\n".write(
            to: directory.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
        let result = try BoundedRun.run(["lint", "."], in: directory, seconds: 10)
        XCTAssertLessThan(result.seconds, 2)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("\(name):3:1: error:"), result.stdout)
        XCTAssertFalse(result.stdout.contains("old.yaml"), result.stdout)
        XCTAssertTrue(result.stdout.contains("in 2 files"), result.stdout)
    }

    /// A file named on the command line is read though a pattern excludes it: a gate that
    /// lints the files a pull request changes passed one unchecked, silently (audit V70).
    /// Found in a folder, it is excluded.
    func testAFileNamedOnTheCommandLineIsReadThoughExcluded() throws {
        try RuleExample.baseGateway.write(to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("legacy"), withIntermediateDirectories: true)
        try "apiVersion: portcullis/v1\nexcluded: [\n".write(to: directory.appendingPathComponent("legacy/old.yaml"), atomically: true, encoding: .utf8)
        try "exclude: ['legacy/**']\n".write(to: directory.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
        let named = try ToolProcess.run(["lint", "legacy/old.yaml", "gateway.yaml"], in: directory)
        XCTAssertEqual(named.status, 1, named.stdout + named.stderr)
        XCTAssertTrue(named.stdout.contains("legacy/old.yaml:3:1: error:"), named.stdout)
        let found = try ToolProcess.run(["lint", "."], in: directory)
        XCTAssertFalse(found.stdout.contains("old.yaml"), found.stdout)
    }

    /// The documented meaning of each wildcard.
    func testWildcards() {
        let cases: [(String, String, Bool)] = [
            ("legacy/**", "legacy/a/b.yaml", true), ("legacy/**", "legacyx/a.yaml", false),
            ("**/old.yaml", "old.yaml", true), ("**/old.yaml", "a/b/old.yaml", true), ("**/old.yaml", "a/bold.yaml", false),
            ("a/**/b.yaml", "a/b.yaml", true), ("a/**/b.yaml", "a/x/y/b.yaml", true),
            ("*.yaml", "a.yaml", true), ("*.yaml", "a/b.yaml", false), ("a/*", "a/b/c", false),
            ("?.yaml", "a.yaml", true), ("?.yaml", "ab.yaml", false), ("a?b", "a/b", false),
            ("**", "", true), ("**/", "a", false), ("**/", "a/", true), ("a**b", "a/x/b", true),
        ]
        for (pattern, path, expected) in cases {
            XCTAssertEqual(Glob.matches(pattern, path), expected, "'\(pattern)' against '\(path)'")
        }
    }
}
