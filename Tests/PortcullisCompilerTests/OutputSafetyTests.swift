import Foundation
import PortcullisChecker
import XCTest

/// Nothing a definition says can make a build write outside `--out`, and a disk that
/// fills up mid-build leaves the previous bundle as it was.
final class OutputSafetyTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Names become folder names; the name grammar rejects every one that could climb out,
    /// and the build then refuses to write anything.
    func testNamesThatCouldEscapeTheOutputAreRejected() throws {
        let project = directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try RuleExample.baseGateway.write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let hostileNames = [
            "..", "../escape", "/etc/portcullis", "a/../../b", ".hidden", "\u{FF4F}rders", "orders\u{2215}x",
            "or\u{0430}ders", String(repeating: "a", count: 81), "orders\u{0}x", "C:\\\\windows",
        ]
        for (index, name) in hostileNames.enumerated() {
            let api = "apiVersion: portcullis/v1\nkind: API\nname: \"\(name)\"\npath: p\(index)\nbackend: https://x.example.com\nroutes:\n  - {id: \"\(name)\", method: GET, path: /r, scopes: [orders.read]}\n"
            try api.write(to: project.appendingPathComponent("api\(index).yaml"), atomically: true, encoding: .utf8)
        }
        let out = directory.appendingPathComponent("bundle")
        let result = try ToolProcess.run(["build", "--out", out.path], in: project)
        XCTAssertEqual(result.status, 1)
        let invalid =
            result.stdout.components(separatedBy: "error: invalid name").count - 1
            + result.stdout.components(separatedBy: "error: invalid route id").count - 1
        XCTAssertGreaterThanOrEqual(invalid, hostileNames.count * 2 - 2, result.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["project"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/etc/portcullis"))
    }

    /// A build that runs out of space fails with exit 2 and leaves the old bundle intact.
    func testFullDiskKeepsTheOldBundle() throws {
        let mountPoint = try smallDisk()
        let out = mountPoint.appendingPathComponent("bundle")
        let first = try ToolProcess.run(["build", "Samples/contoso", "--out", out.path, "--quiet"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(first.status, 0, first.stderr)
        let before = try FileManager.default.subpathsOfDirectory(atPath: out.path).sorted()
        let manifest = try Data(contentsOf: out.appendingPathComponent("manifest.json"))

        // A larger project no longer fits beside the old bundle.
        let estate = directory.appendingPathComponent("estate")
        try EstateGenerator.write(apis: 40, routes: 20, to: estate)
        let full = try ToolProcess.run(["build", estate.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(full.status, 2, full.stdout)
        XCTAssertTrue(full.stderr.hasPrefix("portcullis: error: cannot write '\(out.path)'"), full.stderr)
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: out.path).sorted(), before)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("manifest.json")), manifest)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path), ["bundle"], "no staging folder is left")
    }

    /// Where the file system has no atomic exchange, a build moves the old bundle aside,
    /// then the new one in: one killed between the two left the only copy of the old bundle
    /// aside, and the next build deleted it as a leftover before it failed on a full disk,
    /// leaving no bundle at all (found by the audit of hostile inputs). It is put back first.
    func testABundleLeftAsideByAKilledBuildIsPutBack() throws {
        let mountPoint = try smallDisk()
        let out = mountPoint.appendingPathComponent("bundle")
        XCTAssertEqual(try ToolProcess.run(["build", "Samples/contoso", "--out", out.path, "--quiet"], in: GoldenFiles.packageRoot).status, 0)
        let before = try FileManager.default.subpathsOfDirectory(atPath: out.path).sorted()
        try FileManager.default.moveItem(at: out, to: mountPoint.appendingPathComponent(".bundle.portcullis-old-99999"))

        let estate = directory.appendingPathComponent("estate")
        try EstateGenerator.write(apis: 40, routes: 20, to: estate)
        let full = try ToolProcess.run(["build", estate.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(full.status, 2, full.stdout)
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: out.path).sorted(), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint.path), ["bundle"])
    }

    /// A 400 KB file system, unmounted when the test ends.
    private func smallDisk() throws -> URL {
        let mountPoint = directory.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=400k", "tmpfs", mountPoint.path]) else {
            throw XCTSkip("mounting a small tmpfs needs root; the full-disk check runs where that is allowed")
        }
        addTeardownBlock { [self] in _ = run("/bin/umount", [mountPoint.path]) }
        return mountPoint
    }

    private func run(_ executable: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
