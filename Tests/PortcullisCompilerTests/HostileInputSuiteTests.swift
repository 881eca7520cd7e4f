import Foundation
import PortcullisChecker
import XCTest

/// The wider hostile-input suite: every case must end in the expected diagnostic (or in
/// none), within the time and memory bounds, never in a crash. CI runs it against the
/// release build (`PORTCULLIS_EXECUTABLE`); the bounds leave room for a debug build too.
final class HostileInputSuiteTests: XCTestCase {
    private var directory: URL!
    static let seconds = 5.0
    static let bytes = 300 * 1024 * 1024

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        ScratchFiles.removeTree(directory)
    }

    @discardableResult
    private func lint(_ files: [String: [UInt8]], expect fragments: [String], file: StaticString = #filePath, line: UInt = #line)
        throws -> ToolProcess.Result
    {
        var folders = Set<URL>()
        for (name, bytes) in files {
            let url = directory.appendingPathComponent(name)
            if folders.insert(url.deletingLastPathComponent()).inserted {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            }
            try ScratchFiles.write(bytes, to: url.path)
        }
        let result = try ToolProcess.run(["lint", "."], in: directory)
        XCTAssertTrue(result.status == 0 || result.status == 1, "exit \(result.status): \(result.stderr.prefix(300))", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stdout.contains(fragment), "missing '\(fragment)' in: \(result.stdout.prefix(600))", file: file, line: line)
        }
        XCTAssertLessThan(result.seconds, Self.seconds, "wall time", file: file, line: line)
        XCTAssertLessThan(result.peakMemoryBytes, Self.bytes, "peak memory", file: file, line: line)
        return result
    }

    private static let gateway = Array(RuleExample.baseGateway.utf8)

    /// A last document that makes a file Portcullis's, so `lint` reads it: the hostile
    /// part before it is what each case tests.
    static let portcullisTrailer = Array("\n---\napiVersion: portcullis/v1\n".utf8)

    func testAliasesUsedAsKeysStayLinear() throws {
        var text = "k0: &k0 key\n"
        for index in 1..<2_000 { text += "? *k0\n: v\(index)\n" }
        try lint(["keys.yaml": Array(text.utf8) + Self.portcullisTrailer], expect: ["duplicate key 'key' [YS002]"])
    }

    /// Found by the fuzzer: a document without a kind is skipped whole, and measuring it
    /// met aliases whose anchors lie before their parents.
    func testAliasedCollectionsInADocumentWithoutAKind() throws {
        try lint(["aliases.yaml": Array("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b, *b]\n".utf8) + Self.portcullisTrailer], expect: ["missing required field 'apiVersion'"])
    }

    func testAnchoredCollectionsAsKeys() throws {
        try lint(["keys.yaml": Array("a: &m {x: 1}\n? *m\n: value\n".utf8) + Self.portcullisTrailer], expect: ["mapping keys must be strings, found a mapping [YS007]"])
    }

    func testHugeScalarAndHugeKey() throws {
        let scalar = Array("description: ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 10_000_000) + [0x0A] + Self.portcullisTrailer
        let key = [UInt8](repeating: UInt8(ascii: "k"), count: 1_000_000) + Array(": 1\n".utf8) + Self.portcullisTrailer
        // libyaml reads plain keys of at most 1,024 characters; a longer one is a syntax error.
        let result = try lint(["scalar.yaml": scalar, "key.yaml": key], expect: ["scalar.yaml:1:1: error:", "key.yaml:1:1000001: error: mapping values are not allowed in this context [YS001]"])
        XCTAssertLessThan(result.stdout.utf8.count, 20_000, "messages and snippets stay short")
    }

    func testTenThousandDocumentsInOneFile() throws {
        var text = ""
        for index in 0..<10_000 {
            text += "---\napiVersion: portcullis/v1\nkind: API\nname: a\(index)\npath: a\(index)\nbackend: https://a.example.com\nroutes:\n  - {id: r, method: GET, path: /r, scopes: [orders.read]}\n"
        }
        let result = try lint(["gateway.yaml": Self.gateway, "apis.yaml": Array(text.utf8)], expect: [])
        XCTAssertFalse(result.stdout.contains("[YS"), String(result.stdout.prefix(400)))
        try lint(["apis.yaml": Array((text + "---\na: 1\n").utf8)], expect: ["file holds more than 10000 documents [YS006]"])
    }

    func testDirectoryOfTenThousandFiles() throws {
        var files: [String: [UInt8]] = ["gateway.yaml": Self.gateway]
        for index in 0..<10_000 {
            files["apis/a\(index).yaml"] = Array(
                "apiVersion: portcullis/v1\nkind: API\nname: a\(index)\npath: a\(index)\nbackend: https://a.example.com\nroutes:\n  - {id: r, method: GET, path: /r, scopes: [orders.read]}\n".utf8)
        }
        let result = try lint(files, expect: [" in 10001 files"])
        XCTAssertFalse(result.stdout.contains("[YS"), String(result.stdout.prefix(400)))
    }

    /// Invalid UTF-8 in every place a byte can sit, each located on its line.
    func testInvalidUTF8AtEveryPositionClass() throws {
        let cases: [(String, [UInt8], String)] = [
            ("start", [0xFF] + Array("a: 1\n".utf8), "start.yaml:1:1: error: invalid UTF-8"),
            ("key", Array("a: 1\nk".utf8) + [0xC0, 0x80] + Array(": 1\n".utf8), "key.yaml:2:2: error: invalid UTF-8: an overlong or malformed multi-byte sequence"),
            ("plain", Array("a: x".utf8) + [0xED, 0xA0, 0x80] + Array("\n".utf8), "plain.yaml:1:5: error: invalid"),
            ("quoted", Array("a: \"x".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("\"\n".utf8), "quoted.yaml:1:6: error: invalid"),
            ("comment", Array("a: 1 # caf".utf8) + [0xE9] + Array("\n".utf8), "comment.yaml:1:11: error: invalid UTF-8"),
            ("block", Array("a: |\n  text ".utf8) + [0x80] + Array("\n".utf8), "block.yaml:2:8: error: invalid UTF-8"),
            ("end", Array("apiVersion: portcullis/v1\na: x".utf8) + [0xE2, 0x82], "end.yaml:2:5: error: invalid UTF-8: the file ends in the middle of a character"),
        ]
        for (name, bytes, expected) in cases {
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try lint(["\(name).yaml": name == "end" ? bytes : bytes + Self.portcullisTrailer], expect: [expected])
        }
    }

    func testByteOrderMarksAndLineBreaks() throws {
        let body = "apiVersion: portcullis/v1\nkind: API\nname: a\nowner: x\n"
        try lint(["bom.yaml": [0xEF, 0xBB, 0xBF] + Array(body.utf8)], expect: ["bom.yaml:4:1: error: unknown field 'owner'"])
        try lint(["be.yaml": [0xFE, 0xFF, 0x00, 0x61]], expect: ["UTF-16 big-endian byte-order mark; inputs must be UTF-8 [YS001]"])
        // UTF-32 is named as such (audit V26: its NUL was a control character, and its
        // little-endian mark UTF-16's).
        try lint(["utf32.yaml": [0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x61]], expect: ["utf32.yaml:1:1: error: file starts with a UTF-32 big-endian byte-order mark"])
        try lint(["utf32le.yaml": [0xFF, 0xFE, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00]], expect: ["utf32le.yaml:1:1: error: file starts with a UTF-32 little-endian byte-order mark"])
        try lint(["crlf.yaml": Array(body.replacingOccurrences(of: "\n", with: "\r\n").utf8)], expect: ["crlf.yaml:4:1: error: unknown field 'owner'"])
        try lint(["cr.yaml": Array(body.replacingOccurrences(of: "\n", with: "\r").utf8)], expect: ["cr.yaml:4:1: error: unknown field 'owner'"])
    }

    /// libyaml breaks lines at NEL, LS and PS (YAML 1.1); an editor does not, so a key after
    /// one looks like part of a comment. The file is refused where the character stands,
    /// and nothing after it is read.
    func testLineBreaksOnlyYAML11SeesAreRefusedWhereTheyStand() throws {
        let head = "apiVersion: portcullis/v1\nkind: API\nname: a\n"
        let cases: [(String, [UInt8], String)] = [
            ("comment", Array((head + "# reviewed as a comment\u{2028}owner: x\n").utf8),
             "comment.yaml:4:24: error: line separator U+2028 ends a line for the YAML reader"),
            // JSON allows a raw U+2028 in a string, and libyaml reads JSON as YAML: the escape
            // the note gives is one both read.
            ("json", Array(#"{"apiVersion": "portcullis/v1", "kind": "API", "description": "a\#u{2028}b"}"#.utf8),
             "json.yaml:1:65: error: line separator U+2028"),
            ("quoted", Array((head + "description: \"a\u{2029}b\"\n").utf8), "quoted.yaml:4:16: error: paragraph separator U+2029"),
            ("bom", [0xEF, 0xBB, 0xBF] + Array((head + "a: \"x\u{85}\"\r\n").utf8), "bom.yaml:4:6: error: next-line character U+0085"),
        ]
        for (name, bytes, expected) in cases {
            try? FileManager.default.removeItem(at: directory)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let escape = #"note: write it as the escape '\u"# + (name == "quoted" ? "2029" : name == "bom" ? "0085" : "2028") + "'"
            let result = try lint(["\(name).yaml": bytes], expect: [expected, "[YS001]", "1 error, 0 warnings", escape])
            XCTAssertFalse(result.stdout.contains("unknown field"), result.stdout)
        }
        let escaped = head + "description: \"a\\Lb\\Pc\\Nd\\u2028e café — °\"\n"
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try lint(["escaped.yaml": Array(escaped.utf8)], expect: [])
        XCTAssertFalse(result.stdout.contains("[YS001]"), result.stdout)
    }

    func testTabsAndNULs() throws {
        try lint(["tabs.yaml": Array("a:\n\tb: 1\n".utf8) + Self.portcullisTrailer], expect: ["tabs.yaml:2:1: error:", "[YS001]"])
        try lint(["nul.yaml": Array("a: 1\nb: x".utf8) + [0x00] + Array("y\n".utf8)], expect: ["nul.yaml:2:5: error: control character U+0000"])
    }
}
