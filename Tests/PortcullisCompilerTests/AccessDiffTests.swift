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

    func testBrokenSideExitsTwo() throws {
        let result = try ToolProcess.run(["diff", "Samples/contoso", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.hasPrefix("portcullis: error: HEAD has errors, so it cannot be compared\n"), result.stderr)
    }

    /// BASE from a commit of a temporary repository; HEAD from its work tree.
    func testGitBaseReadsTheCommittedVersion() throws {
        let repository = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: repository) }
        let project = repository.appendingPathComponent("defs")
        try FileManager.default.copyItem(at: GoldenFiles.packageRoot.appendingPathComponent("Samples/contoso"), to: project)
        func git(_ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", repository.path, "-c", "user.name=Test", "-c", "user.email=test@example.com"] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw XCTSkip("git \(arguments.first ?? "") failed; is git installed?") }
        }
        try git("init", "-q")
        try git("add", ".")
        try git("commit", "-q", "-m", "base")
        let orders = project.appendingPathComponent("apis/orders.yaml")
        let changed = try String(contentsOf: orders, encoding: .utf8)
            .replacingOccurrences(of: "    scopes: [orders.write]\n    rateLimit: {calls: 20", with: "    scopes: [orders.write, orders.read]\n    rateLimit: {calls: 20")
        try changed.write(to: orders, atomically: true, encoding: .utf8)

        let result = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs", "--fail-on", "privilege-increase"], in: repository)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(
            result.stdout,
            "apis/orders.yaml:30:9: privilege increase: route 'orders/create-order' now accepts scope 'orders.read'\n"
                + "1 change: 1 privilege increase\n")
        let unchanged = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs/apis/catalog.yaml", "defs/gateway.yaml"], in: repository)
        XCTAssertEqual(unchanged.stdout, "no changes to access, limits or caching\n", unchanged.stderr)
    }
}
