import Foundation
import PortcullisChecker
import XCTest

/// A credential written in a YAML comment is not repeated when a report quotes its line;
/// a comment without one, and a `#` inside a quoted value, are shown as written.
final class CommentSecretTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Lints a project whose route `list-orders` ends in the line `    cache: LINE`, with an
    /// invalid TTL so that the report quotes that line.
    private func lint(cache line: String, format: String = "text") throws -> String {
        let folder = directory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let routes = "  - id: list-orders\n    method: GET\n    path: /orders\n    scopes: [orders.read]\n    cache: \(line)\n"
        try RuleExample.baseGateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try RuleExample.api(routes: routes).yaml.write(
            to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let result = try ToolProcess.run(["lint", "--format", format, "."], in: folder)
        XCTAssertEqual(result.status, 1, "\(format): \(result.stdout)\(result.stderr)")
        XCTAssertFalse(result.stdout.isEmpty, "\(format): no report")
        return result.stdout + result.stderr
    }

    func testCredentialInACommentIsMaskedInEveryFormat() throws {
        let comment = "# db Password=hunter2hunter2"
        for format in SecretLeakTests.formats {
            let output = try lint(cache: "{ttl: 5q}   " + comment, format: format)
            XCTAssertFalse(output.contains("hunter2hunter2"), "--format \(format) repeats the secret:\n\(output)")
            XCTAssertFalse(output.contains("Password="), "--format \(format):\n\(output)")
        }
        let text = try lint(cache: "{ttl: 5q}   " + comment)
        let masked = "    cache: {ttl: 5q}   " + String(repeating: "*", count: comment.count) + "\n"
        XCTAssertTrue(text.contains(masked), "the comment is not masked in place:\n\(text)")
    }

    /// A comment's `key: value` after other words (`note: apiKey: …`) was quoted in clear:
    /// only the first colon was read (found by an audit of the reports).
    func testACredentialAfterALabelInACommentIsMasked() throws {
        for comment in ["# note: apiKey: 9f8e7d6c5b4a39281706", "# old key: Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef", "# note: apiKey:9f8e7d6c5b4a39281706", "# note: apiKey : 9f8e7d6c5b4a39281706"] {
            let text = try lint(cache: "{ttl: 5q}   " + comment)
            XCTAssertTrue(text.contains("    cache: {ttl: 5q}   " + String(repeating: "*", count: comment.count) + "\n"), "\(comment):\n\(text)")
        }
        let text = try lint(cache: "{ttl: 5q}   # note: cache key: per-user")
        XCTAssertTrue(text.contains("    cache: {ttl: 5q}   # note: cache key: per-user\n"), text)
    }

    func testCommentWithoutACredentialIsShown() throws {
        let text = try lint(cache: "{ttl: 5q}   # see the runbook")
        XCTAssertTrue(text.contains("    cache: {ttl: 5q}   # see the runbook\n"), text)
    }

    /// A `#` after a space inside a quoted TTL does not start the comment, so masking the
    /// comment that follows leaves the value in view.
    func testHashInsideAQuotedValueIsNotAComment() throws {
        for value in [#"{ttl: "5q #b"}"#, "{ttl: '5q #b''s'}"] {
            let text = try lint(cache: value + "   # db Password=hunter2hunter2")
            XCTAssertTrue(text.contains("    cache: \(value)   ****"), "the value is masked or not quoted:\n\(text)")
            XCTAssertFalse(text.contains("hunter2hunter2"), text)
        }
    }

    /// A line the reader cannot take apart (a tab before a key, a mapping value where none
    /// may start, a repeated key, a misspelt field) never reached the credential check of
    /// scalars, so quoting it printed what it held, in every report and in `diff`'s
    /// comment (found by a hostile audit). Such a line is judged as text when quoted.
    func testASecretOnALineTheReaderRefusesIsMaskedWhenQuoted() throws {
        let lines = [
            "\tconn: \"Server=tcp:x.database.windows.net;User ID=admin;Password=Zq9hunter2;\"",
            "    clientSecret: Zq9hunter2secret: [bad",
            "    clientSecret: {secret: partner-secret}\n    clientSecret: Zq9hunter2dupe",
            "    clientSecrett: Zq9hunter2typo",
            "    clientSecrett: x   # password: Zq9hunter2",
            // Found by the audit of the fix: a value alone on its line under the key, and
            // keys misspelt past the stems or named as no language field is.
            "    clientSecret: {secret: partner-secret}\n    password:\n\tZq9hunter2next",
            "    pasword: Zq9hunter2typo",
            "    accessToken: Zq9hunter2token",
            "    sharedKey: Zq9hunter2key",
        ]
        for (index, line) in lines.enumerated() {
            let folder = directory.appendingPathComponent("case\(index)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let gateway = RuleExample.baseGateway.replacingOccurrences(of: "    clientSecret: {secret: partner-secret}", with: line)
            XCTAssertNotEqual(gateway, RuleExample.baseGateway)
            try gateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
            for format in SecretLeakTests.formats {
                let result = try ToolProcess.run(["lint", "--format", format, "."], in: folder)
                XCTAssertNotEqual(result.status, 0, line)
                XCTAssertFalse((result.stdout + result.stderr).contains("Zq9hunter2"), "--format \(format) repeats the secret of \(line):\n\(result.stdout)")
            }
            let diff = try ToolProcess.run(["diff", folder.path, folder.path, "--format", "markdown"], in: folder)
            XCTAssertFalse((diff.stdout + diff.stderr).contains("Zq9hunter2"), "diff repeats the secret of \(line):\n\(diff.stdout)")
        }
    }
}
