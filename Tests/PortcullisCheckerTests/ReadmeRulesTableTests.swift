import Foundation
import PortcullisChecker
import XCTest

/// The README's rules table lists the registry, code for code.
final class ReadmeRulesTableTests: XCTestCase {
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    static var table: String {
        var rows = ["| code | slug | default | reports |", "|---|---|---|---|"]
        for description in RuleRegistry.descriptions {
            let code = description.code
            rows.append("| \(code.id) | \(code.slug) | \(code.defaultSeverity.rawValue) | \(code.summary) |")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    func testReadmeTableMatchesTheRegistry() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let start = try XCTUnwrap(text.range(of: "<!-- rules-table -->\n"))
        let end = try XCTUnwrap(text.range(of: "<!-- rules-table:end -->"))
        let shown = String(text[start.upperBound..<end.lowerBound])
        if ProcessInfo.processInfo.environment["PORTCULLIS_UPDATE_GOLDENS"] == "1", shown != Self.table {
            try text.replacingCharacters(in: start.upperBound..<end.lowerBound, with: Self.table)
                .write(to: Self.readme, atomically: true, encoding: .utf8)
            XCTFail("rewrote the README rules table; review the diff")
            return
        }
        XCTAssertEqual(shown, Self.table, "run PORTCULLIS_UPDATE_GOLDENS=1 swift test to update the README table")
    }
}
