import Foundation
import PortcullisChecker
import XCTest

/// `lint -` reads one file from standard input, as editors and pre-commit tools pipe it.
final class StandardInputTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryProject()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private static let product = "apiVersion: portcullis/v1\nkind: Product\nname: extra\napis: [orders]\nowner: me\n"

    func testStandardInputIsLintedUnderTheGivenName() throws {
        let result = try ToolProcess.run(
            ["lint", "-", "--stdin-filename", "defs/extra.yaml"], in: directory, input: Array(Self.product.utf8))
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("\ndefs/extra.yaml:5:1: error: unknown field 'owner' in a Product [YS003]"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix(" in 1 file\n"), result.stdout)
        let unnamed = try ToolProcess.run(["lint", "-"], in: directory, input: Array(Self.product.utf8))
        XCTAssertTrue(unnamed.stdout.contains("\n<stdin>:5:1: error: unknown field 'owner'"), unnamed.stdout)
    }

    /// The configuration of the folder the name is in applies.
    func testTheNamesFoldersConfigurationApplies() throws {
        try "rules:\n  LP006: off\n".write(to: directory.appendingPathComponent("defs/portcullis.yaml"), atomically: true, encoding: .utf8)
        let gateway = Array(RuleExample.baseGateway.utf8)
        let inside = try ToolProcess.run(["lint", "-", "--stdin-filename", "defs/gateway.yaml"], in: directory, input: gateway)
        XCTAssertEqual(inside.status, 0, inside.stdout + inside.stderr)
        XCTAssertFalse(inside.stdout.contains("LP006"), inside.stdout)
        let outside = try ToolProcess.run(["lint", "-", "--stdin-filename", "gateway.yaml"], in: directory, input: gateway)
        XCTAssertTrue(outside.stdout.contains("gateway.yaml:"), outside.stdout + outside.stderr)
        XCTAssertTrue(outside.stdout.contains("[LP006]"), outside.stdout + outside.stderr)
    }

    /// Standard input is hostile input like any file: the size limit holds, and nothing
    /// past it is read.
    func testTheSizeLimitAppliesToStandardInput() throws {
        let big = Array(Self.product.utf8) + [UInt8](repeating: UInt8(ascii: "#"), count: 2_000) + [0x0A]
        let result = try ToolProcess.run(["lint", "-", "--max-file-size", "1000"], in: directory, input: big)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "portcullis: error: standard input holds more than 1000 bytes, the limit (see '--max-file-size')\n")
        let foreign = try ToolProcess.run(["lint", "-"], in: directory, input: Array("services: {web: {}}\n".utf8))
        XCTAssertEqual(foreign.status, 2)
        XCTAssertTrue(foreign.stderr.contains("'<stdin>' is not a Portcullis file"), foreign.stderr)
    }

    /// Standard input has no size to read it by: it is read in growing pieces, each into
    /// fresh storage. Every byte must arrive, once and in order.
    func testLargeStandardInputIsReadWhole() throws {
        let comments = (0..<30_000).map { "# line \($0)\n" }.joined()
        let text = "apiVersion: portcullis/v1\nkind: Product\nname: extra\napis: [orders]\n" + comments + "owner: me\n"
        let result = try ToolProcess.run(["lint", "-"], in: directory, input: Array(text.utf8))
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(text.utf8.count > 300_000, "the input spans many pieces")
        XCTAssertTrue(result.stdout.contains("\n<stdin>:30005:1: error: unknown field 'owner' in a Product [YS003]"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix(" in 1 file\n"), result.stdout)
    }

    func testStandardInputStandsAlone() throws {
        XCTAssertEqual(try ToolProcess.run(["lint", "-", "defs"], in: directory).status, 64)
        XCTAssertEqual(try ToolProcess.run(["lint", "defs", "--stdin-filename", "x.yaml"], in: directory).status, 64)
    }

    /// An oversized file is reported with its real size, not the part that was read.
    func testTheSizeLimitMessageGivesTheRealSize() throws {
        let bytes = Array(Self.product.utf8) + Array(String(repeating: "# padding\n", count: 500).utf8)
        try Data(bytes).write(to: directory.appendingPathComponent("defs/big.yaml"))
        let result = try ToolProcess.run(["lint", "defs/big.yaml", "--max-file-size", "1000"], in: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.stdout.contains("defs/big.yaml:1:1: error: file is \(bytes.count) bytes, larger than the limit of 1000 bytes [YS006]"),
            result.stdout)
    }

    /// Standard input that cannot be read (a folder here) is a one-line error naming it,
    /// not a dump of an internal error.
    func testUnreadableStandardInputIsReportedByName() throws {
        let process = Process()
        process.executableURL = ToolProcess.executable
        process.arguments = ["lint", "-"]
        process.currentDirectoryURL = directory
        process.standardInput = try XCTUnwrap(FileHandle(forReadingAtPath: directory.path))
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2)
        XCTAssertEqual(text, "portcullis: error: cannot read '<stdin>': Is a directory\n")
    }
}
