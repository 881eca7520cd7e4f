import Foundation
import PortcullisChecker
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Only regular files inside the folders given are read: symbolic links that lead out,
/// FIFOs, devices and the kernel's `/proc` never reach a report, not even when named.
final class InputContainmentTests: XCTestCase {
    private var directory: URL!
    private var outside: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        outside = try BundleTests.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("defs"), withIntermediateDirectories: true)
        try RuleExample.baseGateway.write(to: file("defs/gateway.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.removeItem(at: outside)
    }

    private func file(_ path: String) -> URL { directory.appendingPathComponent(path) }

    private func link(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: file(path).path, withDestinationPath: target)
    }

    func testLinkToTheProcessEnvironmentNeverReachesAnyReport() throws {
        let canary = "canary-\(UUID().uuidString)"
        setenv("PORTCULLIS_TEST_CANARY", canary, 1)
        defer { unsetenv("PORTCULLIS_TEST_CANARY") }
        try link("defs/env.yaml", to: "/proc/self/environ")
        for format in ["text", "json", "sarif", "github"] {
            let result = try ToolProcess.run(["lint", "defs", "--format", format], in: directory)
            XCTAssertFalse((result.stdout + result.stderr).contains(canary), format)
            XCTAssertFalse(result.stdout.contains("env.yaml"), "\(format): \(result.stdout.prefix(300))")
            XCTAssertLessThan(result.status, 2, result.stderr)
            XCTAssertTrue(
                result.stderr.contains("portcullis: warning: skipped 'defs/env.yaml': it is a symbolic link to a file outside 'defs'"),
                result.stderr)
            XCTAssertTrue(result.stderr.contains("portcullis: warning: 1 path was skipped and not checked"), result.stderr)
        }
        let named = try ToolProcess.run(["lint", "defs/env.yaml"], in: directory)
        XCTAssertEqual(named.status, 2)
        XCTAssertFalse((named.stdout + named.stderr).contains(canary))
        XCTAssertTrue(named.stderr.contains("cannot read 'defs/env.yaml': it is a symbolic link that leads outside 'defs'"), named.stderr)
    }

    func testLinkToAFileOutsideTheFolderIsSkipped() throws {
        let secret = outside.appendingPathComponent("secret.yaml")
        try "outside-canary: [\n".write(to: secret, atomically: true, encoding: .utf8)
        try link("defs/secret.yaml", to: secret.path)
        let result = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertFalse(result.stdout.contains("outside-canary"))
        XCTAssertTrue(result.stdout.contains("in 1 file"), result.stdout)
        XCTAssertTrue(result.stderr.contains("skipped 'defs/secret.yaml': it is a symbolic link to a file outside 'defs'"), result.stderr)
    }

    /// The decision documented on `InputFiles`: a link that stays inside the folder is read,
    /// under the link's own name.
    func testLinkToAFileInsideTheFolderIsRead() throws {
        try FileManager.default.createDirectory(at: file("defs/shared"), withIntermediateDirectories: true)
        try "apiVersion: portcullis/v1\na: [\n".write(to: file("defs/shared/broken.txt"), atomically: true, encoding: .utf8)
        try link("defs/broken.yaml", to: "shared/broken.txt")
        let result = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("defs/broken.yaml:3:1: error:"), result.stdout)
        XCTAssertEqual(result.stderr, "")
    }

    /// Walks skip hidden entries, so a link cannot reach one either: `.git/config` may hold
    /// the token a CI checkout persisted.
    func testLinkToAHiddenFileInsideTheFolderIsSkipped() throws {
        let canary = "hidden-canary-\(UUID().uuidString)"
        try FileManager.default.createDirectory(at: file("defs/.git"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: file("defs/sub/.cache"), withIntermediateDirectories: true)
        try "[\(canary)\n".write(to: file("defs/.git/config"), atomically: true, encoding: .utf8)
        try "[\(canary)\n".write(to: file("defs/sub/.cache/x.yaml"), atomically: true, encoding: .utf8)
        try link("defs/leak.yaml", to: ".git/config")
        try link("defs/sub/leak.yml", to: ".cache/x.yaml")
        try link("defs/via.yaml", to: "sub/leak.yml")
        let result = try ToolProcess.run(["lint", "defs", "--format", "json"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertFalse((result.stdout + result.stderr).contains(canary))
        XCTAssertEqual(
            result.stderr,
            """
            portcullis: warning: skipped 'defs/leak.yaml': it is a symbolic link to a hidden file
            portcullis: warning: skipped 'defs/sub/leak.yml': it is a symbolic link to a hidden file
            portcullis: warning: skipped 'defs/via.yaml': it is a symbolic link to a hidden file
            portcullis: warning: 3 paths were skipped and not checked

            """)
        let named = try ToolProcess.run(["lint", "defs/leak.yaml"], in: directory)
        XCTAssertEqual(named.status, 2)
        XCTAssertFalse((named.stdout + named.stderr).contains(canary))
        XCTAssertEqual(named.stderr, "portcullis: error: cannot read 'defs/leak.yaml': it is a symbolic link to a hidden file\n")
    }

    /// Paths are compared as the file system's bytes: `café` written with a combining
    /// accent and `café` written precomposed are two folders, however alike they look.
    func testLinkToAFolderSpelledInOtherCodePointsIsOutside() throws {
        let canary = "spelling-canary-\(UUID().uuidString)"
        let decomposed = "cafe\u{301}"
        let precomposed = "caf\u{E9}"
        XCTAssertEqual(mkdir(file(decomposed).path, 0o755), 0)
        XCTAssertEqual(mkdir(file(precomposed).path, 0o755), 0)
        XCTAssertNotEqual(Array(file(decomposed).path.utf8), Array(file(precomposed).path.utf8))
        try RuleExample.baseGateway.write(to: file(decomposed + "/gateway.yaml"), atomically: true, encoding: .utf8)
        // Written as Portcullis's, so that a lint that read it would quote its broken line.
        try "apiVersion: portcullis/v1\nkind: [\(canary)\n".write(to: file(precomposed + "/secret.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(symlink("../\(precomposed)/secret.yaml", file(decomposed + "/secret.yaml").path), 0)
        let result = try ToolProcess.run(["lint", decomposed], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertFalse((result.stdout + result.stderr).contains(canary))
        XCTAssertTrue(result.stderr.contains("secret.yaml': it is a symbolic link to a file outside"), result.stderr)
    }

    /// A name is hidden when its first byte is a dot, for a link as for the walk, even when
    /// a combining mark follows the dot (and joins it into one character).
    func testLinkToANameStartingWithADotAndAMarkIsSkipped() throws {
        let canary = "mark-canary-\(UUID().uuidString)"
        try FileManager.default.createDirectory(at: file("defs/.\u{301}keep"), withIntermediateDirectories: true)
        try "apiVersion: portcullis/v1\nkind: [\(canary)\n".write(to: file("defs/.\u{301}keep/x.yaml"), atomically: true, encoding: .utf8)
        try link("defs/leak.yaml", to: ".\u{301}keep/x.yaml")
        let result = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertFalse((result.stdout + result.stderr).contains(canary))
        XCTAssertTrue(result.stderr.contains("skipped 'defs/leak.yaml': it is a symbolic link to a hidden file"), result.stderr)
    }

    func testFIFONamedExplicitlyIsRefusedPromptly() throws {
        XCTAssertEqual(mkfifo(file("defs/pipe.yaml").path, 0o644), 0)
        let result = try BoundedRun.run(["lint", "defs/pipe.yaml"], in: directory, seconds: 10)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("cannot read 'defs/pipe.yaml': it is not a regular file"), result.stderr)
        let walked = try BoundedRun.run(["lint", "defs"], in: directory, seconds: 10)
        XCTAssertEqual(walked.status, 0)
        XCTAssertTrue(walked.stderr.contains("skipped 'defs/pipe.yaml': it is not a regular file"), walked.stderr)
    }

    func testDeviceNamedExplicitlyIsRefused() throws {
        let result = try ToolProcess.run(["lint", "/dev/zero"], in: directory)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("cannot read '/dev/zero': it is not a regular file"), result.stderr)
    }

    func testKernelFileNamedExplicitlyIsRefused() throws {
        let canary = "canary-\(UUID().uuidString)"
        setenv("PORTCULLIS_TEST_CANARY", canary, 1)
        defer { unsetenv("PORTCULLIS_TEST_CANARY") }
        let result = try ToolProcess.run(["lint", "/proc/self/environ"], in: directory)
        XCTAssertEqual(result.status, 2)
        XCTAssertFalse((result.stdout + result.stderr).contains(canary))
        XCTAssertTrue(result.stderr.contains("it belongs to the kernel's /proc or /sys file system"), result.stderr)
    }

    func testConfigurationLinkLeadingOutsideIsRefused() throws {
        try "rules: {LP006: off}\n".write(to: outside.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
        try link("defs/portcullis.yaml", to: outside.appendingPathComponent("portcullis.yaml").path)
        let result = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "portcullis: error: cannot read 'defs/portcullis.yaml': it is a symbolic link that leads outside 'defs'\n")
    }

    /// A FIFO or a folder named `portcullis.yaml` was passed over, and the project checked with no
    /// configuration, exit 0 (found by the audit of hostile input). It is the configuration,
    /// which is refused, never read.
    func testAConfigurationThatIsAFIFOIsRefused() throws {
        XCTAssertEqual(mkfifo(directory.appendingPathComponent("defs/portcullis.yaml").path, 0o644), 0)
        let result = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("cannot read 'defs/portcullis.yaml'"), result.stderr)
        // A folder of that name was passed over the same way (found by an audit).
        XCTAssertEqual(unlink(directory.appendingPathComponent("defs/portcullis.yaml").path), 0)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("defs/portcullis.yaml"), withIntermediateDirectories: false)
        let folder = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(folder.status, 2, folder.stdout + folder.stderr)
        XCTAssertEqual(folder.stderr, "portcullis: error: cannot read 'defs/portcullis.yaml': it is a folder, not a configuration file\n")
    }

    /// A committed link on the way to a path named on the command line took the path
    /// anywhere: with `defs/shared` a link to a folder outside, `lint defs/shared/apis` read
    /// it, and `--output defs/shared/report.txt` wrote there (found by a hostile audit: only
    /// the last part of a path was judged). A link that stays in its folder still works.
    func testALinkOnTheWayToANamedPathMustStayInsideItsFolder() throws {
        let secret = "canary-\(UUID().uuidString)"
        try FileManager.default.createDirectory(at: outside.appendingPathComponent("apis"), withIntermediateDirectories: true)
        try "apiVersion: portcullis/v1\nkind: Product\nname: x\n\(secret): 1\n".write(
            to: outside.appendingPathComponent("apis/secret.yaml"), atomically: true, encoding: .utf8)
        try link("defs/shared", to: outside.path)
        for path in ["defs/shared/apis", "defs/shared/apis/secret.yaml"] {
            let result = try ToolProcess.run(["lint", path], in: directory)
            XCTAssertEqual(result.status, 2, result.stdout)
            XCTAssertEqual(
                result.stderr, "portcullis: error: cannot read '\(path)': it passes through 'defs/shared', a symbolic link that leads outside 'defs'\n")
            XCTAssertFalse(result.stdout.contains(secret), result.stdout)
        }
        let written = try ToolProcess.run(["lint", "defs/gateway.yaml", "--output", "defs/shared/report.txt"], in: directory)
        XCTAssertEqual(written.status, 2, written.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside.appendingPathComponent("report.txt").path), "nothing written outside")

        // Spelt through a link to the working directory, as '$PWD' may be (the audit of the fix).
        let spelt = outside.appendingPathComponent("here")
        try FileManager.default.createSymbolicLink(atPath: spelt.path, withDestinationPath: directory.path)
        let absolute = try ToolProcess.run(["lint", spelt.appendingPathComponent("defs/shared/apis").path], in: directory)
        XCTAssertEqual(absolute.status, 2, absolute.stdout)
        XCTAssertTrue(absolute.stderr.hasSuffix("it passes through 'defs/shared', a symbolic link that leads outside 'defs'\n"), absolute.stderr)
        XCTAssertFalse(absolute.stdout.contains(secret), absolute.stdout)

        try FileManager.default.createDirectory(at: file("defs/real"), withIntermediateDirectories: true)
        try RuleExample.baseGateway.write(to: file("defs/real/gateway.yaml"), atomically: true, encoding: .utf8)
        try link("defs/alias", to: "real")
        let inside = try ToolProcess.run(["lint", "defs/alias/gateway.yaml", "--output", "defs/alias/report.txt"], in: directory)
        XCTAssertLessThan(inside.status, 2, inside.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: file("defs/real/report.txt").path))
    }
}
