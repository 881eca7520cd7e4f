import Foundation
import PortcullisCompiler
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `portcullis init`: a starter project that lints clean and builds, and never replaces
/// anything that exists.
final class InitCommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testTheStarterLintsCleanAndBuilds() throws {
        let result = try ToolProcess.run(["init", "project"], in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        for file in StarterProject.files {
            let text = try String(contentsOf: directory.appendingPathComponent("project/\(file.path)"), encoding: .utf8)
            XCTAssertEqual(text, file.text)
            XCTAssertTrue(text.hasPrefix("# "), "\(file.path) starts with a comment that explains it")
        }
        let lint = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout)
        XCTAssertEqual(lint.stdout, "0 errors, 0 warnings in 3 files\n", "every rule on, nothing to report")
        let strict = try ToolProcess.run(["lint", "project", "--warnings-as-errors"], in: directory)
        XCTAssertEqual(strict.status, 0, strict.stdout)
        let build = try ToolProcess.run(["build", "project", "--out", "bundle"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("bundle/manifest.json").path))
    }

    /// Into a folder that holds other things, init adds its files; if any of them exists,
    /// it writes nothing at all.
    func testInitNeverReplacesAnything() throws {
        let project = directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: project.appendingPathComponent("README.md"))
        XCTAssertEqual(try ToolProcess.run(["init"], in: project).status, 0)
        XCTAssertEqual(try String(contentsOf: project.appendingPathComponent("README.md"), encoding: .utf8), "mine\n")

        let other = directory.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("kept\n".utf8).write(to: other.appendingPathComponent("products.yaml"))
        try FileManager.default.createSymbolicLink(
            atPath: other.appendingPathComponent("gateway.yaml").path, withDestinationPath: "/nowhere/gateway.yaml")
        let refused = try ToolProcess.run(["init", "other"], in: directory)
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(
            refused.stderr,
            "portcullis: error: will not replace 'other/gateway.yaml': it exists, and init never replaces a file (nor 1 more)\n")
        XCTAssertEqual(try String(contentsOf: other.appendingPathComponent("products.yaml"), encoding: .utf8), "kept\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: other.path).sorted(), ["gateway.yaml", "products.yaml"])
        XCTAssertEqual(try ToolProcess.run(["init", "project"], in: directory).status, 2, "a second init refuses")
    }

    /// A folder of the project planted as a link elsewhere is refused, before anything is
    /// written: init writes inside the project folder only.
    func testInitNeverWritesThroughALinkedFolder() throws {
        let project = directory.appendingPathComponent("project")
        let elsewhere = directory.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: project.appendingPathComponent("apis").path, withDestinationPath: elsewhere.path)
        let refused = try ToolProcess.run(["init", "project"], in: directory)
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(
            refused.stderr,
            "portcullis: error: will not replace 'project/apis', a link to '\(elsewhere.resolvingSymlinksInPath().path)': "
                + "init writes only inside the project folder, never through a link\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: project.path), ["apis"])
    }

    /// The project folder itself as a link out of its folder was followed: `init f`, with
    /// `f` a committed link to a folder elsewhere, wrote the project there (found by an
    /// audit). It is refused as `--out` and `--output` are.
    func testInitNeverWritesThroughAProjectFolderThatIsALinkOutside() throws {
        let outside = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("f").path, withDestinationPath: outside.path)
        let refused = try ToolProcess.run(["init", "f"], in: directory)
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("it is a symbolic link that leads outside '.'"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside.path), [])
    }

    /// A file init cannot write took back those written before it: it left a
    /// configuration and a gateway that every later run refused to replace (found by a
    /// hostile audit, as an unprivileged user with 'apis' not writable). Run the same way:
    /// root writes anywhere, so the test needs root to become another user.
    func testAFailedInitLeavesNothingBehind() throws {
        guard getuid() == 0, let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("needs root and setpriv to run init as an unprivileged user")
        }
        let tool = directory.appendingPathComponent("portcullis")
        try FileManager.default.copyItem(at: ToolProcess.executable, to: tool)
        let project = directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("apis"), withIntermediateDirectories: true)
        for (path, mode) in [(directory.path, 0o755), (tool.path, 0o755), (project.path, 0o777), (project.appendingPathComponent("apis").path, 0o555)] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setpriv)
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", tool.path, "init", project.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: project.path), ["apis"], "nothing left behind")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("apis").path), [])
    }
}
