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
            "d\\u2028e\\u200Ff\\u061C": 1

            """
        try gateway.write(to: directory.appendingPathComponent("defs/gateway.yaml"), atomically: true, encoding: .utf8)
        for format in ["text", "github", "json", "sarif"] {
            let result = try ToolProcess.run(["lint", "defs", "--format", format], in: directory)
            XCTAssertEqual(result.status, 1, "\(format): \(result.stdout)\(result.stderr)")
            let output = result.stdout + result.stderr
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertFalse(lines.contains { $0.hasPrefix("::warning file=x::forged") }, "\(format): \(output)")
            XCTAssertFalse(output.unicodeScalars.contains { "\u{1B}\u{202E}\r\u{2028}\u{200F}\u{061C}".unicodeScalars.contains($0) }, format)
            guard format == "text" else { continue }
            XCTAssertTrue(output.contains("unknown field 'a\\n::warning file=x::forged' in a Gateway"), output)
            XCTAssertTrue(output.contains("unknown field 'b\\x1b[2J' in a Gateway"), output)
            XCTAssertTrue(output.contains("unknown field 'c\\u{202e}d' in a Gateway"), output)
            XCTAssertTrue(output.contains("unknown field 'scopez\\r' in a Gateway"), output)
            XCTAssertTrue(output.contains("unknown field 'd\\u{2028}e\\u{200f}f\\u{061c}' in a Gateway"), output)
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
        for arguments in commands {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            let lines = (result.stdout + result.stderr).split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertFalse(lines.contains { $0.trimmingPrefix(while: \.isWhitespace).hasPrefix("::error") }, "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" }, "\(arguments)")
            XCTAssertTrue(result.stderr.contains("holds control characters, which no option, value or path takes"), result.stderr)
            XCTAssertTrue(result.stderr.contains(shown), "\(arguments): \(result.stderr)")
        }
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
