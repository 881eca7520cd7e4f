import Foundation
import PortcullisChecker
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File and folder names a report could not show faithfully or safely (bytes that are not
/// UTF-8, control characters) are skipped with a warning, and the rest is linted.
final class InputNameTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("defs/good"), withIntermediateDirectories: true)
        try RuleExample.baseGateway.write(
            to: directory.appendingPathComponent("defs/good/gateway.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Creates `name`, given as raw bytes, inside `defs`: a folder, or a file with `contents`.
    private func create(_ name: [UInt8], folder: Bool, contents: String = "a: [\n") throws {
        let path = Array(directory.appendingPathComponent("defs").path.utf8) + [UInt8(ascii: "/")] + name
        let made = path.withUnsafeBufferPointer { buffer -> Bool in
            let cString = Array(buffer) + [0]
            return cString.withUnsafeBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { pointer in
                    if folder { return mkdir(pointer.baseAddress!, 0o755) == 0 }
                    let descriptor = open(pointer.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    guard descriptor >= 0 else { return false }
                    defer { close(descriptor) }
                    let bytes = Array(contents.utf8)
                    return write(descriptor, bytes, bytes.count) == bytes.count
                }
            }
        }
        XCTAssertTrue(made, "could not create \(name)")
    }

    func testFolderWithNonUTF8NameIsReportedAndTheRestLinted() throws {
        try create(Array("bad".utf8) + [0xFF], folder: true)
        try create(Array("bad".utf8) + [0xFF] + Array("/inside.yaml".utf8), folder: false)
        let result = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("in 1 file"), result.stdout)
        XCTAssertTrue(result.stderr.contains("portcullis: warning: skipped 'defs/bad\\xff': its name is not valid UTF-8"), result.stderr)
        XCTAssertTrue(result.stderr.contains("1 path was skipped and not checked"), result.stderr)
    }

    func testFileWithNonUTF8NameIsReportedAndTheRestLinted() throws {
        try create([0xC3, 0x28] + Array(".yaml".utf8), folder: false)
        let result = try ToolProcess.run(["lint", "defs"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("skipped 'defs/\\xc3(.yaml': its name is not valid UTF-8"), result.stderr)
    }

    func testControlCharactersInFileNamesCannotForgeWorkflowCommands() throws {
        try create(Array("a\n::warning file=x::forged.yaml".utf8), folder: false)
        try create(Array("b\u{1B}[2J\u{202E}.yaml".utf8), folder: false)
        for format in ["text", "github", "json", "sarif"] {
            let result = try ToolProcess.run(["lint", "defs", "--format", format], in: directory)
            XCTAssertEqual(result.status, 0, "\(format): \(result.stdout)")
            let lines = (result.stdout + result.stderr).split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertFalse(lines.contains { $0.hasPrefix("::warning file=x::forged") }, "\(format): \(result.stdout)")
            XCTAssertFalse((result.stdout + result.stderr).unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" }, format)
            XCTAssertTrue(
                result.stderr.contains("skipped 'defs/a\\n::warning file=x::forged.yaml': its name holds control characters"),
                result.stderr)
            XCTAssertTrue(result.stderr.contains("skipped 'defs/b\\x1b[2J\\u{202e}.yaml'"), result.stderr)
        }
    }

    /// Refused with every other command-line value that holds one (see `MessageTextTests`).
    func testControlCharactersInANamedPathAreAUsageErrorShownEscaped() throws {
        try create(Array("c\rd.yaml".utf8), folder: false)
        let result = try ToolProcess.run(["lint", "defs/c\rd.yaml"], in: directory)
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(
            result.stderr.hasPrefix("Error: argument 'defs/c\\rd.yaml' holds control characters, which no option, value or path takes\n"),
            result.stderr)
    }

    /// A name starting with `::` starts every report line that begins with its path, which
    /// GitHub Actions runs as a workflow command: `lint` in the folder (as the pre-commit
    /// hook and `cd defs && portcullis lint` run it) printed `::error title=Forged::...`
    /// (found by a hostile audit). Such names are skipped in a folder and refused when named.
    func testANameStartingWithTwoColonsCannotForgeWorkflowCommands() throws {
        let forged = "::error title=Forged::Build approved.yaml"
        try create(Array(forged.utf8), folder: false, contents: "apiVersion: portcullis/v1\nkind: Product\nname: x\nbogus: 1\n")
        try create(Array("::notice::x".utf8), folder: true)
        try create(Array("::notice::x/api.yaml".utf8), folder: false, contents: "apiVersion: portcullis/v1\nkind: Product\nname: y\nbogus: 1\n")
        let defs = directory.appendingPathComponent("defs")
        for format in ["text", "github", "json", "sarif"] {
            let result = try ToolProcess.run(["lint", "--format", format], in: defs)
            XCTAssertEqual(result.status, 0, "\(format): \(result.stdout)")
            let lines = (result.stdout + result.stderr).split(separator: "\n")
            XCTAssertFalse(lines.contains { $0.hasPrefix("::error title=Forged") || $0.hasPrefix("::notice") }, "\(format): \(result.stdout + result.stderr)")
            XCTAssertTrue(
                result.stderr.contains("skipped '\(forged)': its name starts with '::', which GitHub Actions would run as a workflow command"),
                result.stderr)
            XCTAssertTrue(result.stderr.contains("skipped '::notice::x'"), result.stderr)
        }
        let named = try ToolProcess.run(["lint", forged], in: defs)
        XCTAssertEqual(named.status, 2, named.stdout)
        XCTAssertFalse(named.stdout.split(separator: "\n").contains { $0.hasPrefix("::") }, named.stdout)
        XCTAssertEqual(named.stderr, "portcullis: error: cannot read '\(forged)': its name starts with '::', which GitHub Actions would run as a workflow command\n")
    }

    /// GitHub's runner skips white space before '::', and reads its older commands,
    /// '##[error]...', anywhere in a line: a name so written, or a value a report quotes
    /// (in a message or a quoted source line, in any format), ran a command the previous
    /// fix let through (found by the audit of the fix).
    func testTheRunnersOtherCommandFormsCannotBeForged() throws {
        let product = "apiVersion: portcullis/v1\nkind: Product\nname: NAME\nbogus: 1\n"
        try create(Array("\u{A0}::error title=Forged::a.yaml".utf8), folder: false, contents: product.replacingOccurrences(of: "NAME", with: "a"))
        try create(Array(" ::error title=Forged::b.yaml".utf8), folder: false, contents: product.replacingOccurrences(of: "NAME", with: "b"))
        try create(Array("c##[error]Forged.yaml".utf8), folder: false, contents: product.replacingOccurrences(of: "NAME", with: "c"))
        try create(
            Array("quoted.yaml".utf8), folder: false,
            contents: "apiVersion: portcullis/v1\nkind: Product\nname: q\ndescription: \"##[error]Forged in a value\"\n\"##[warning]key\": 1\n")
        for format in ["text", "github", "json", "sarif"] {
            let result = try ToolProcess.run(["lint", "--format", format], in: directory.appendingPathComponent("defs"))
            XCTAssertEqual(result.status, 1, "\(format): \(result.stdout)")
            for line in (result.stdout + result.stderr).split(separator: "\n") {
                XCTAssertFalse(line.contains("##["), "\(format): \(line)")
                XCTAssertFalse(line.drop(while: \.isWhitespace).hasPrefix("::error title=Forged"), "\(format): \(line)")
            }
            XCTAssertTrue(result.stderr.contains("skipped 'c#\\x23[error]Forged.yaml': its name holds '##' before '['"), result.stderr)
            XCTAssertTrue(result.stderr.contains("3 paths were skipped"), result.stderr)
        }
        let text = try ToolProcess.run(["lint"], in: directory.appendingPathComponent("defs"))
        XCTAssertTrue(text.stdout.contains("unknown field '#\\x23[warning]key' in a Product"), text.stdout)
        // The line holds a field the language does not define: its value is hidden.
        XCTAssertTrue(text.stdout.contains(" 5 | \"##\u{FFFD}warning]key\": *"), text.stdout)
    }
}

extension InputNameTests {
    /// Azure Pipelines' agent reads `##vso[…]` anywhere in a line of a step's output, and
    /// APIOps runs there: a YAML key, a comment in a quoted line or a file name from a pull
    /// request set a pipeline variable or prepended to `PATH` through the text report
    /// (found by an audit of the outputs). No report holds the prefix whole, in any case.
    func testAzurePipelinesLoggingCommandsCannotBeForged() throws {
        try create(
            Array("d##vso[task.setvariable variable=X]pwned.yaml".utf8), folder: false,
            contents: "apiVersion: portcullis/v1\nkind: Product\nname: d\nbogus: 1\n")
        try create(
            Array("quoted.yaml".utf8), folder: false,
            contents: "apiVersion: portcullis/v1\nkind: Product\nname: q  # ##vso[task.prependpath]/tmp\n\"##VSO[task.setvariable variable=Y]z\": 1\n")
        for format in ["text", "github", "json", "sarif"] {
            let result = try ToolProcess.run(["lint", "--format", format], in: directory.appendingPathComponent("defs"))
            XCTAssertEqual(result.status, 1, "\(format): \(result.stdout)")
            for line in (result.stdout + result.stderr).split(separator: "\n") {
                XCTAssertFalse(line.lowercased().contains("##vso["), "\(format): \(line)")
            }
            XCTAssertTrue(result.stderr.contains("its name holds '##' before '[' or 'vso['"), result.stderr)
        }
        let text = try ToolProcess.run(["lint"], in: directory.appendingPathComponent("defs"))
        XCTAssertTrue(text.stdout.contains("unknown field '#\\x23VSO[task.setvariable variable=Y]z' in a Product"), text.stdout)
    }
}
