import Foundation
import PortcullisChecker
import XCTest

/// Messages quote names from the input, and a YAML escape can put any character in a name:
/// no report may carry a control character or a bidirectional override from one.
final class MessageTextTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("defs"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// An unknown field whose name breaks the line and starts a workflow command, one that
    /// clears the terminal and one that reverses the text, each quoted by its message.
    func testNamesInMessagesCannotForgeWorkflowCommandsOrDriveTheTerminal() throws {
        let gateway = RuleExample.baseGateway + """
            "a\\n::warning file=x::forged": 1
            "b\\e[2J": 1
            "c\\u202Ed": 1
            "scopez\\r": 1
            "d\\u2028e\\u200Ff\\u061Cg\\u200Eh\\u2029": 1

            """
        try gateway.write(to: directory.appendingPathComponent("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        for format in ["text", "github", "json", "sarif"] {
            let result = try ToolProcess.run(["lint", "defs", "--format", format], in: directory)
            XCTAssertEqual(result.status, 1, "\(format): \(result.stdout)\(result.stderr)")
            let output = result.stdout + result.stderr
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertFalse(lines.contains { $0.hasPrefix("::warning file=x::forged") }, "\(format): \(output)")
            XCTAssertFalse(output.unicodeScalars.contains { "\u{1B}\u{202E}\r\u{2028}\u{2029}\u{200E}\u{200F}\u{061C}".unicodeScalars.contains($0) }, format)
            guard format == "text" else { continue }
            XCTAssertTrue(output.contains("unknown field 'a\\n::warning file=x::forged' in a Gateway"), output)
            XCTAssertTrue(output.contains("unknown field 'b\\x1b[2J' in a Gateway"), output)
            XCTAssertTrue(output.contains("unknown field 'c\\u{202e}d' in a Gateway"), output)
            XCTAssertTrue(output.contains("unknown field 'scopez\\r' in a Gateway"), output)
            XCTAssertTrue(output.contains("unknown field 'd\\u{2028}e\\u{200f}f\\u{061c}g\\u{200e}h\\u{2029}' in a Gateway"), output)
        }
    }

    /// Values on the command line are echoed by messages, ArgumentParser's among them (an
    /// unknown option, a value a choice does not know): one holding a control character is
    /// refused before anything echoes it, and shown escaped.
    func testCommandLineValuesWithControlCharactersAreRefusedShownEscaped() throws {
        let forged = "x\n::error file=a::forged\u{1B}[2J\u{202E}"
        let shown = #"x\n::error file=a::forged\x1b[2J\u{202e}"#
        let commands = [
            ["explain", forged], ["lint", "--today", forged], ["diff", "--git-base", forged, "defs"],
            ["lint", "--format", forged, "defs"], ["lint", "--" + forged, "defs"], ["lint", "defs/" + forged],
            ["build", "defs", "--out", forged], ["lint", "--", forged],
        ]
        let separatorsAndMarks = ["\u{2028}", "\u{2029}", "\u{200E}", "\u{200F}", "\u{061C}", "\u{85}", "\t"].map { ["explain", "LP00" + $0] }
        for arguments in separatorsAndMarks {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("argument 'LP00\\"), "\(arguments): \(result.stderr)")
        }
        for arguments in commands {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            assertNoForgedLine(result, "\(arguments)")
            XCTAssertFalse(result.stderr.unicodeScalars.contains("\u{202E}"), "\(arguments)")
            XCTAssertTrue(result.stderr.contains("holds control characters, which no option, value or path takes"), result.stderr)
            XCTAssertTrue(result.stderr.contains(shown), "\(arguments): \(result.stderr)")
        }
    }

    /// Letters of any script are not control characters: an argument of accented, Hebrew,
    /// Arabic or CJK letters, or an emoji joined by U+200D, is taken as given.
    func testArgumentsInAnyScriptAreTakenAsGiven() throws {
        for name in ["café", "עברית", "عربي", "漢字", "👩\u{200D}💻"] {
            try RuleExample.baseGateway.write(to: directory.appendingPathComponent("defs/\(name).yaml"), atomically: false, encoding: .utf8)
            let result = try ToolProcess.run(["lint", "defs/\(name).yaml"], in: directory)
            XCTAssertFalse(result.stderr.contains("control characters"), "\(name): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("\(name).yaml"), "\(name): \(result.stdout)\(result.stderr)")
            try FileManager.default.removeItem(at: directory.appendingPathComponent("defs/\(name).yaml"))
        }
    }

    /// The working directory's name is no argument: a link that leads out of it is
    /// refused naming the folder as '.', so the hostile name never reaches the message.
    func testAWorkingDirectorysNameIsNotShown() throws {
        let hostile = directory.appendingPathComponent("x\n::error file=a::forged\u{1B}[2J")
        try FileManager.default.createDirectory(at: hostile, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: hostile.appendingPathComponent("link.yaml").path, withDestinationPath: directory.appendingPathComponent("defs").path)
        let result = try ToolProcess.run(["lint", "link.yaml"], in: hostile)
        XCTAssertEqual(result.status, 2, result.stderr)
        assertNoForgedLine(result, "a link out of a hostile working directory")
        XCTAssertEqual(result.stderr, "portcullis: error: cannot read 'link.yaml': it is a symbolic link that leads outside '.'\n")
    }

    /// Git's messages quote its repository's path as they are; so do Foundation's errors
    /// the temporary folder's. Git's lines are kept, each escaped and led by 'git:'.
    func testGitsAndTheFileSystemsMessagesAreShownEscaped() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let git = try ToolProcess.run(
            ["diff", "--git-base", "HEAD", "defs"], in: contoso.url, environment: ["GIT_DIR": "/nonexistent\n  ::error file=b::forged"])
        XCTAssertEqual(git.status, 2, git.stderr)
        assertNoForgedLine(git, "git's message")
        // The line break is in GIT_DIR, not git's own: shown as an escape, not as a line.
        XCTAssertEqual(git.stderr, #"portcullis: error: git failed: fatal: not a git repository: '/nonexistent\n  ::error file=b::forged'"# + "\n")

        let file = directory.appendingPathComponent("a-file")
        try Data().write(to: file)
        let temporary = try ToolProcess.run(
            ["diff", "--git-base", "HEAD", "defs"], in: contoso.url, environment: ["TMPDIR": file.path + "/t\n::error file=t::forged"])
        XCTAssertEqual(temporary.status, 2, temporary.stderr)
        assertNoForgedLine(temporary, "a file system error")
        XCTAssertEqual(
            temporary.stderr, #"portcullis: error: the file system failed at '\#(file.path)/t\n::error file=t::forged': not a directory"# + "\n")
    }

    /// Git's own lines are kept, each led by 'git:'; a line break in the repository's path,
    /// which git quotes, is shown as an escape and cannot pass for a line of git's. Git
    /// refuses a repository another user owns, quoting its path over several lines: the
    /// test makes one by handing the repository to 'nobody', which only root can.
    func testGitsLinesAreKeptAndAPathItQuotesIsEscaped() throws {
        try XCTSkipUnless(getuid() == 0, "only root can hand a repository to another user")
        let contoso = try ContosoRepository()
        let hostile = contoso.url.deletingLastPathComponent().appendingPathComponent(contoso.url.lastPathComponent + "\nhint: run")
        try FileManager.default.moveItem(at: contoso.url, to: hostile)
        defer { try? FileManager.default.removeItem(at: hostile) }
        let chown = try Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["chown", "-R", "nobody", hostile.path])
        chown.waitUntilExit()
        try XCTSkipUnless(chown.terminationStatus == 0, "chown failed")
        let result = try ToolProcess.run(
            ["diff", "--git-base", "HEAD", "defs"], in: hostile,
            environment: ["HOME": directory.path, "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": directory.path])
        try XCTSkipUnless(result.stderr.contains("dubious ownership"), "this git does not refuse the repository: \(result.stderr)")
        XCTAssertEqual(result.status, 2, result.stderr)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("portcullis: error: git failed: fatal: detected dubious ownership"), result.stderr)
        XCTAssertTrue(lines[0].hasSuffix(#"\nhint: run'"#), result.stderr)
        XCTAssertGreaterThan(lines.count, 1, result.stderr)
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.hasPrefix("  git: ") }, result.stderr)
        XCTAssertFalse(result.stderr.contains("\t"), result.stderr)
    }

    /// GitHub's runner reads a line as a workflow command after trimming leading white space.
    private func assertNoForgedLine(_ result: ToolProcess.Result, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let lines = (result.stdout + result.stderr).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertFalse(lines.contains { $0.trimmingPrefix(while: \.isWhitespace).hasPrefix("::") }, "\(what): \(result.stderr)", file: file, line: line)
        XCTAssertFalse(result.stderr.unicodeScalars.contains("\u{1B}"), what, file: file, line: line)
    }

    /// A suppression's reason is the comment's text, which may hold a bidirectional
    /// override as it is (YAML allows one in a comment); SARIF carries it as shown.
    func testASuppressionsReasonIsShownEscaped() throws {
        let fixture = GoldenFiles.fixtures.appendingPathComponent("diagnostics/checker-suppressions")
        for name in ["gateway.yaml", "orders.yaml"] {
            var text = try String(contentsOf: fixture.appendingPathComponent(name), encoding: .utf8)
            text = text.replacingOccurrences(of: "-- the list is the same", with: "-- the list\u{202E} is the same")
            try text.write(to: directory.appendingPathComponent("defs/\(name)"), atomically: true, encoding: .utf8)
        }
        let result = try ToolProcess.run(["lint", "defs", "--format", "sarif"], in: directory)
        XCTAssertFalse(result.stdout.unicodeScalars.contains("\u{202E}"), result.stdout)
        XCTAssertTrue(result.stdout.contains(#""justification" : "the list\\u{202e} is the same for every caller""#), result.stdout)
    }
}
