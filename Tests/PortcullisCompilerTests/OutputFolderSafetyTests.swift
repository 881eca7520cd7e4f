import Foundation
import PortcullisCompiler
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `build --out` never destroys what it did not write: it resolves the path as the kernel
/// does, replaces only new, empty or earlier bundle folders, refuses any folder that is or
/// holds an input, the working directory or the home folder, and `--check` sees every
/// entry that is not exactly the bundle.
final class OutputFolderSafetyTests: XCTestCase {
    private var directory: URL!
    private var project: URL { directory.appendingPathComponent("project") }
    private var defs: URL { project.appendingPathComponent("defs") }

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: BundleTests.contoso, to: defs)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Every path below `folder` with its bytes (links as their target text), to prove a
    /// refused build (or import) touched nothing.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var found: [String: Data] = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            let path = folder.appendingPathComponent(relative).path
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                found[relative] = Data("link:\(target)".utf8)
            } else {
                found[relative] = FileManager.default.contents(atPath: path) ?? Data("folder".utf8)
            }
        }
        return found
    }

    private func build(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolProcess.Result {
        try ToolProcess.run(["build", "defs", "--quiet"] + arguments, in: project, environment: environment)
    }

    func testASymlinkedOutIsResolvedFromTheLinksFolder() throws {
        // `sub/here -> .` leads to `sub`, not to the working directory.
        let sub = project.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sub.appendingPathComponent("here").path, withDestinationPath: ".")
        let before = try Self.snapshot(project)
        let result = try build(["--out", "sub/here"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(
            result.stderr,
            "portcullis: error: will not replace 'sub/here', a link to '\(realPath(sub))': it is not empty and is not a bundle Portcullis wrote, or holds a file changed since it was written\n")
        XCTAssertEqual(try Self.snapshot(project), before)

        // A link within its own folder is followed: the bundle goes where it leads.
        try FileManager.default.createDirectory(at: project.appendingPathComponent("bundles/current"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: project.appendingPathComponent("bundles/latest").path, withDestinationPath: "current")
        XCTAssertEqual(try build(["--out", "bundles/latest"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: project.appendingPathComponent("bundles/current/manifest.json").path))
    }

    /// Found by the audit of hostile inputs: a pull request that commits `out ->
    /// ../elsewhere` (or a link on the way, `build -> ..`) had the bundle written outside
    /// the checkout, over another project's bundle, and `--check` listed a system folder's
    /// entries. Such an `--out` is refused, with nothing written, as `--output` already was.
    func testAnOutThatACommittedLinkLeadsOutsideIsRefused() throws {
        let elsewhere = directory.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: project.appendingPathComponent("out").path, withDestinationPath: "../elsewhere")
        try FileManager.default.createSymbolicLink(atPath: project.appendingPathComponent("build").path, withDestinationPath: "..")
        // A link to nothing is refused and said as it is (audit V65: "leads outside").
        try FileManager.default.createSymbolicLink(atPath: project.appendingPathComponent("dangling").path, withDestinationPath: "outside/new")
        let before = try Self.snapshot(directory)
        for (arguments, message) in [
            (["--out", "dangling"], "will not replace 'dangling': it is a symbolic link to nothing"),
            (["--out", "out"], "will not replace 'out': it is a symbolic link that leads outside '.'"),
            (["--out", "out", "--check"], "will not replace 'out': it is a symbolic link that leads outside '.'"),
            (["--out", "build/elsewhere"], "will not replace 'build/elsewhere': it passes through 'build', a symbolic link that leads outside '.'"),
        ] {
            let result = try build(arguments)
            XCTAssertEqual(result.status, 2, result.stdout + result.stderr)
            XCTAssertEqual(result.stderr, "portcullis: error: \(message)\n")
        }
        let imported = try ToolProcess.run(["import", "openapi", "missing.yaml", "--out", "out"], in: project)
        XCTAssertEqual(imported.status, 2, imported.stdout + imported.stderr)
        XCTAssertTrue(imported.stderr.contains("it is a symbolic link that leads outside '.'"), imported.stderr)
        XCTAssertEqual(try Self.snapshot(directory), before)
    }

    func testTildeIsAFolderNameNotTheHomeFolder() throws {
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try Data("keep\n".utf8).write(to: home.appendingPathComponent("notes.txt"))
        let result = try build(["--out", "~"], environment: ["HOME": home.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: project.appendingPathComponent("~/manifest.json").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: home.path), ["notes.txt"])
    }

    func testFoldersItDidNotWriteAreRefusedAndUntouched() throws {
        let docs = project.appendingPathComponent("docs")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try Data("# notes\n".utf8).write(to: docs.appendingPathComponent("notes.md"))
        let work = project.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("user"), withIntermediateDirectories: true)
        let cases: [(out: String, reason: String)] = [
            ("docs", "it is not empty and is not a bundle Portcullis wrote, or holds a file changed since it was written"),
            ("defs", "it is the input 'defs'"),
            ("defs/../defs/", "it is the input 'defs'"),
            (".", "it is the working directory"),
            (project.path, "it is the working directory"),
            ("..", "it holds the working directory"),
            (home.appendingPathComponent("user").path, "it is the home folder"),
            (home.path, "it holds the home folder"),
        ]
        let before = try Self.snapshot(directory)
        for (out, reason) in cases {
            let result = try build(["--out", out], environment: ["HOME": home.appendingPathComponent("user").path])
            XCTAssertEqual(result.status, 2, "\(out): \(result.stderr)")
            XCTAssertEqual(result.stderr, "portcullis: error: will not replace '\(out)': \(reason)\n", out)
            XCTAssertEqual(try Self.snapshot(directory), before, "nothing changes after refusing '\(out)'")
        }
        // An input named as a file is protected too, and so is the folder above it.
        let file = try ToolProcess.run(
            ["build", "defs/gateway.yaml", "defs/apis", "--out", "defs", "--quiet"], in: project)
        XCTAssertEqual(file.status, 2)
        XCTAssertEqual(file.stderr, "portcullis: error: will not replace 'defs': it holds the input 'defs/gateway.yaml'\n")
        XCTAssertEqual(try Self.snapshot(directory), before)
    }

    /// An input whose name starts with a combining mark is inside its folder: the mark
    /// joins the `/` before it into one character, which a comparison of characters took
    /// for no `/` at all.
    func testAnInputNamedWithALeadingMarkIsHeldByItsFolder() throws {
        let name = "\u{301}gateway.yaml"
        try FileManager.default.moveItem(at: defs.appendingPathComponent("gateway.yaml"), to: defs.appendingPathComponent(name))
        let before = try Self.snapshot(directory)
        let result = try ToolProcess.run(["build", "defs/" + name, "defs/apis", "--out", "defs", "--quiet"], in: project)
        XCTAssertEqual(result.status, 2, result.stderr)
        // Compared as bytes: as characters, the message's '/' and the mark after it are one.
        XCTAssertEqual(
            Array(result.stderr.utf8), Array("portcullis: error: will not replace 'defs': it holds the input 'defs/\(name)'\n".utf8),
            result.stderr)
        XCTAssertEqual(try Self.snapshot(directory), before)
    }

    func testTheRootFolderIsNeverAnOutput() throws {
        XCTAssertThrowsError(try OutputFolder(resolving: "/")) { error in
            XCTAssertEqual("\(error)", "will not replace '/': it is the root folder")
        }
        XCTAssertThrowsError(try OutputFolder(resolving: "../../../../../../../..", workingDirectory: directory.path)) { error in
            XCTAssertEqual("\(error)", "will not replace '../../../../../../../..': it is the root folder")
        }
    }

    func testShortNamesAndDotsNeitherCrashNorEscape() throws {
        for name in ["x", "é", "~", "-"] {
            let result = try build(["--out", name])
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: project.appendingPathComponent("\(name)/manifest.json").path), name)
        }
        let again = try build(["--out", "x/."])
        XCTAssertEqual(again.status, 0, "an earlier bundle is replaced: \(again.stderr)")
        let missingParent = try build(["--out", "nowhere/x"])
        XCTAssertEqual(missingParent.status, 2)
        XCTAssertEqual(missingParent.stderr, "portcullis: error: cannot write 'nowhere/x': its parent folder does not exist\n")
    }

    func testAnOutputInsideTheInputFolderIsNotReadBack() throws {
        for round in 1...2 {
            let result = try build(["--out", "defs/bundle"])
            XCTAssertEqual(result.status, 0, "build \(round): \(result.stdout)\(result.stderr)")
        }
        let lint = try ToolProcess.run(["lint", "defs"], in: project)
        XCTAssertEqual(lint.status, 0, lint.stdout)
        XCTAssertFalse(lint.stdout.contains("defs/bundle"), lint.stdout)
    }

    func testConcurrentBuildsIntoOneFolderBothSucceed() throws {
        try EstateGenerator.write(apis: 20, routes: 20, to: defs)
        for round in 0..<3 {
            let processes = (0..<2).map { _ -> Process in
                let process = Process()
                process.executableURL = ToolProcess.executable
                process.arguments = ["build", "defs", "--out", "out", "--quiet"]
                process.currentDirectoryURL = project
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                return process
            }
            for process in processes { try process.run() }
            for process in processes { process.waitUntilExit() }
            XCTAssertEqual(processes.map(\.terminationStatus), [0, 0], "round \(round)")
            let check = try build(["--out", "out", "--check"])
            XCTAssertEqual(check.status, 0, "round \(round): \(check.stderr)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.path).filter { $0.contains("portcullis-") }
            XCTAssertEqual(leftovers, [], "round \(round)")
        }
    }

    func testCheckTreatsAnythingButTheBundleAsDrift() throws {
        XCTAssertEqual(try build(["--out", "out"]).status, 0)
        let out = project.appendingPathComponent("out")
        let evil = directory.appendingPathComponent("evil")
        try FileManager.default.createDirectory(at: evil, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out.appendingPathComponent("apim/apis/backdoor").path, withDestinationPath: "../../../evil")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("apim/extra"), withIntermediateDirectories: true)
        XCTAssertEqual(chmod(out.appendingPathComponent("gateway.json").path, 0o755), 0)
        XCTAssertEqual(mkfifo(out.appendingPathComponent("apim/pipe").path, 0o644), 0)
        // A link where a bundle file belongs is not that file, even when it leads to the same bytes.
        let policy = out.appendingPathComponent("apim/policy.xml")
        try FileManager.default.moveItem(at: policy, to: evil.appendingPathComponent("policy.xml"))
        try FileManager.default.createSymbolicLink(atPath: policy.path, withDestinationPath: evil.appendingPathComponent("policy.xml").path)

        let check = try build(["--out", "out", "--check"])
        XCTAssertEqual(check.status, 1)
        let mask = umask(0o022)
        umask(mask)
        let expectedMode = String(0o644 & ~mask, radix: 8)
        XCTAssertEqual(
            check.stderr,
            """
            portcullis: not produced: apim/apis/backdoor (a symbolic link)
            portcullis: not produced: apim/extra (a folder)
            portcullis: not produced: apim/pipe (not a regular file)
            portcullis: missing: apim/policy.xml
            portcullis: not produced: apim/policy.xml (a symbolic link)
            portcullis: mode: gateway.json (755, expected \(expectedMode))

            """)
    }

    /// The output folder is often committed in the pull request: the names `--check` finds
    /// there are shown escaped in every format, never as a forged workflow command.
    func testCheckShowsTheNamesItFindsEscaped() throws {
        XCTAssertEqual(try build(["--out", "out"]).status, 0)
        let out = project.appendingPathComponent("out")
        for name in ["x\n::error file=a::forged", "esc\u{1B}[2J\u{202E}ab"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: out.appendingPathComponent("apim/" + name).path, contents: Data()))
        }
        for format in ["text", "github", "json"] {
            let check = try build(["--out", "out", "--check", "--format", format])
            XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
            let output = check.stdout + check.stderr
            XCTAssertFalse(output.split(separator: "\n").contains { $0.hasPrefix("::error file=a::forged") }, "\(format): \(output)")
            XCTAssertFalse(output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" }, "\(format): \(output)")
            guard format == "text" else { continue }
            XCTAssertTrue(check.stderr.contains("not produced: apim/x\\n::error file=a::forged (a file)"), check.stderr)
            XCTAssertTrue(check.stderr.contains("not produced: apim/esc\\x1b[2J\\u{202e}ab (a file)"), check.stderr)
        }
    }

    private func realPath(_ url: URL) -> String {
        guard let resolved = realpath(url.path, nil) else { return url.path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
