import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `import` reads APIOps trees that may come from a hostile pull request. Whatever the
/// tree holds, the run ends (no hang, no crash), says which file is at fault, never shows
/// what lies behind a link out of the tree, writes nothing outside `--out`, and leaves a
/// refused `--out` as it was.
final class ImportHostileTreeTests: XCTestCase {
    private var directory: URL!
    private var tree: URL { directory.appendingPathComponent("tree") }
    private var outside: URL { directory.appendingPathComponent("outside") }
    /// The working directory of every run, so relative `--out` paths land beside the tree.
    private var work: URL { directory.appendingPathComponent("work") }
    private var out: URL { work.appendingPathComponent("out") }
    private var orders: URL { tree.appendingPathComponent("apis/orders") }

    /// Stands in for a credential kept next to the tree; every file of `outside` holds it.
    private static let secret = "AccountKey=hostile-tree-secret-7f3a9c2e"

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        for folder in [orders, outside, work] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try write(Self.information, to: "apis/orders/apiInformation.json")
        try write(Self.specification, to: "apis/orders/specification.yaml")
        try write(Self.policy, to: "apis/orders/policy.xml")
        let secretPolicy = Self.policy.replacingOccurrences(of: "value=\"b\"", with: "value=\"\(Self.secret)\"")
        for (name, text) in [
            ("policy.xml", secretPolicy), ("apiInformation.json", #"{"properties": {"serviceUrl": "https://x.example/\#(Self.secret)"}}"#),
            ("namedValueInformation.json", #"{"properties": {"value": "\#(Self.secret)"}}"#),
            ("specification.yaml", Self.specification.replacingOccurrences(of: "title: Orders", with: "title: \(Self.secret)")),
        ] {
            try Data(text.utf8).write(to: outside.appendingPathComponent(name))
        }
    }

    override func tearDownWithError() throws {
        ScratchFiles.removeTree(directory)
    }

    private static let information = #"""
        {"properties": {"path": "orders", "displayName": "Orders", "serviceUrl": "https://orders.example", "subscriptionRequired": true}}
        """#

    private static let specification = """
        openapi: 3.0.1
        info:
          title: Orders
          version: '1'
        paths:
          /orders:
            get:
              operationId: list-orders
              responses:
                '200':
                  description: OK

        """

    private static let policy = """
        <policies>
        \t<inbound>
        \t\t<base />
        \t\t<set-variable name="a" value="b" />
        \t</inbound>
        \t<backend>
        \t\t<base />
        \t</backend>
        \t<outbound>
        \t\t<base />
        \t</outbound>
        \t<on-error>
        \t\t<base />
        \t</on-error>
        </policies>

        """

    private func write(_ text: String, to path: String) throws {
        try ScratchFiles.write(Array(text.utf8), to: tree.appendingPathComponent(path).path)
    }

    private func link(_ path: String, to target: URL) throws {
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent(path).path, withDestinationPath: target.path)
    }

    private func fifo(_ path: String) throws {
        let file = tree.appendingPathComponent(path).path
        try? FileManager.default.removeItem(atPath: file)
        XCTAssertEqual(mkfifo(file, 0o644), 0)
    }

    /// Every entry under `folder` with what it holds (a link as its target, a FIFO as a
    /// mark: reading one would block), never following a link.
    private func snapshot(_ folder: URL, skipping skipped: String? = nil) throws -> [String: Data] {
        var found: [String: Data] = [:]
        func walk(_ path: String, _ relative: String) throws {
            for name in try FileManager.default.contentsOfDirectory(atPath: path) {
                let child = path + "/" + name
                let key = relative.isEmpty ? name : relative + "/" + name
                guard child != skipped else { continue }
                switch try FileManager.default.attributesOfItem(atPath: child)[.type] as? FileAttributeType {
                case .typeSymbolicLink?: found[key] = Data("link:\(try FileManager.default.destinationOfSymbolicLink(atPath: child))".utf8)
                case .typeDirectory?:
                    found[key] = Data("folder".utf8)
                    try walk(child, key)
                case .typeRegular?: found[key] = FileManager.default.contents(atPath: child)
                default: found[key] = Data("other".utf8)
                }
            }
        }
        try walk(folder.path, "")
        return found
    }

    /// Runs `import tree --out OUT ARGUMENTS` from `work` and checks what holds for every
    /// tree: the run ends by itself, does not crash, changes nothing but `writesTo` (the
    /// real folder `--out` leads to), and the secret appears neither in its output nor in
    /// what it wrote.
    private func runImport(
        _ arguments: [String] = [], out given: String = "out", writesTo written: URL? = nil, file: StaticString = #filePath, line: UInt = #line
    ) throws -> ToolProcess.Result {
        let target = (written ?? out).path
        let before = try snapshot(directory, skipping: target)
        let result = try BoundedRun.run(["import", tree.path, "--out", given] + arguments, in: work, seconds: 15)
        XCTAssertLessThan(result.status, 128, "crashed: \(result.stderr.suffix(600))", file: file, line: line)
        for text in [result.stdout, result.stderr] {
            XCTAssertFalse(text.contains("Fatal error"), text.suffix(600).description, file: file, line: line)
            XCTAssertFalse(text.contains(Self.secret), "the secret reached the output", file: file, line: line)
        }
        XCTAssertEqual(try snapshot(directory, skipping: target), before, "something outside '--out' changed", file: file, line: line)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isFolder), isFolder.boolValue {
            for (path, bytes) in try snapshot(URL(fileURLWithPath: target)) {
                XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains(Self.secret), "the secret was written to '\(path)'", file: file, line: line)
            }
        }
        return result
    }

    /// The `import` section of a `--format json` report.
    private func section(_ result: ToolProcess.Result, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let section = object["import"] as? [String: Any]
        else {
            XCTFail("no import section in: \(result.stdout.prefix(600))", file: file, line: line)
            return [:]
        }
        return section
    }

    /// The import's notes from `--format json`, as `kind: path: message` lines.
    private func notes(_ result: ToolProcess.Result, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let notes = section(result, file: file, line: line)["notes"] as? [[String: String]] ?? []
        return notes.map { "\($0["kind"] ?? ""): \($0["path"] ?? ""): \($0["message"] ?? "")" }
    }

    private func assertContains(_ text: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(text.contains(fragment), "missing '\(fragment)' in: \(text.prefix(1200))", file: file, line: line)
    }

    private func written() throws -> [String] {
        try snapshot(out).keys.sorted()
    }

    // MARK: - The tree's files

    /// The service's global policy, which a tree without one would have the bundle replace.
    private func writeGlobalPolicy() throws {
        try write("<policies>\n  <inbound />\n  <backend>\n    <forward-request />\n  </backend>\n</policies>\n", to: "policy.xml")
    }

    func testTheUntouchedTreeImportsCleanly() throws {
        try writeGlobalPolicy()
        let result = try runImport(["--format", "json"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let section = section(result)
        XCTAssertEqual(section["equivalent"] as? [String], ["apim/apis/orders/policy.xml", "apim/policy.xml"])
        XCTAssertEqual((section["differences"] as? [Any])?.count, 0)
        XCTAssertEqual(
            try written(),
            [
                "apis", "apis/orders.yaml", "gateway.yaml", "policies", "policies/apis", "policies/apis/orders.xml", "policies/global.xml", "specs",
                "specs/orders.yaml",
            ])
    }

    /// A committed link on the way to the tree, or to a publisher configuration, took the
    /// import out of the checkout: only the last part of the path was judged (found by the
    /// audit of this round's fix for named paths).
    func testALinkOnTheWayToTheTreeIsRefused() throws {
        try FileManager.default.createDirectory(at: work.appendingPathComponent("defs"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("defs/o").path, withDestinationPath: directory.path)
        try Data("namedValues: []\n".utf8).write(to: directory.appendingPathComponent("configuration.prod.yaml"))
        // '..' after a link leads into the link's target, as the system reads it.
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("defs/deep").path, withDestinationPath: orders.path)
        for arguments in [["defs/o/tree"], ["../tree", "--configuration", "defs/o/configuration.prod.yaml"], ["defs/deep/../../tree"]] {
            let result = try ToolProcess.run(["import", "apiops"] + arguments + ["--verify"], in: work)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout)")
            XCTAssertTrue(result.stderr.hasPrefix("portcullis: error: cannot read 'defs/"), "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("', a symbolic link that leads outside 'defs'"), result.stderr)
        }
    }

    /// Two folders whose names differ only in case (`orders` and `Orders`) were both
    /// imported, with "nothing differs" and exit 0: APIM takes them for one resource, and on
    /// a file system that ignores case one file overwrites the other (found by a hostile
    /// audit). The second is an error naming both; the first is kept.
    func testFoldersDifferingOnlyInCaseAreAnError() throws {
        try FileManager.default.copyItem(at: orders, to: tree.appendingPathComponent("apis/Orders"))
        let result = try runImport(["--format", "json"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(
            notes(result).contains("error: apis/orders: 'orders' differs from 'Orders' only in case, which APIM takes for one name; keep one of the two folders"),
            notes(result).joined(separator: "\n"))
        let files = try written()
        XCTAssertFalse(files.contains("apis/orders.yaml"), files.joined(separator: "\n"))
    }

    func testMalformedInformationFileIsAnErrorNamingIt() throws {
        try write(#"{"properties": {"path": "orders""#, to: "apis/orders/apiInformation.json")
        let result = try runImport()
        XCTAssertEqual(result.status, 1)
        assertContains(result.stdout, "error: apis/orders/apiInformation.json: the information file is not valid JSON")
    }

    /// What the decoder refuses although the grammar allows it was "it is not valid JSON",
    /// with no place (found by an audit of import): text that is not UTF-8, half a
    /// surrogate pair, a number no `Double` holds, and nesting past the decoder's limit.
    func testJSONTheDecoderRefusesIsLocated() throws {
        let cases: [(file: [UInt8], message: String)] = [
            (Array(#"{"properties": {"path": "or"#.utf8) + [0xFF] + Array(#"ders"}}"#.utf8), "line 1, column 28: the text is not UTF-8 here"),
            (Array("{\"properties\": {\n  \"path\": \"\\uD800orders\"}}".utf8), "line 2, column 11: a '\\u' escape holds half a surrogate pair"),
            (Array(#"{"properties": {"path": "orders", "apiRevision": 1e400}}"#.utf8), "line 1, column 50: the number '1e400' is too large"),
            (Array((#"{"properties": {"path": "orders", "x": "# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}}").utf8), "line 1, column 550: arrays and objects nest deeper than 512 levels"),
        ]
        for (file, message) in cases {
            try Data(file).write(to: tree.appendingPathComponent("apis/orders/apiInformation.json"))
            try? FileManager.default.removeItem(at: out)
            let result = try runImport()
            XCTAssertEqual(result.status, 1)
            assertContains(result.stdout, "error: apis/orders/apiInformation.json: the information file is not valid JSON: " + message)
        }
    }

    func testAnInformationFileThatIsAJSONArrayIsAnErrorNamingIt() throws {
        try write(#"[{"properties": {"path": "orders"}}]"#, to: "apis/orders/apiInformation.json")
        let result = try runImport()
        XCTAssertEqual(result.status, 1)
        assertContains(result.stdout, "error: apis/orders/apiInformation.json: the information file is not a JSON object\n")
    }

    func testDeeplyNestedJSONAndXMLEndInErrorsNotCrashes() throws {
        let arrays = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try write(#"{"properties": {"path": "# + arrays + "}}", to: "apis/orders/apiInformation.json")
        let elements = String(repeating: "<a>", count: 30_000) + String(repeating: "</a>", count: 30_000)
        try write("<policies><inbound>" + elements + "</inbound></policies>", to: "apis/orders/policy.xml")
        let result = try runImport()
        XCTAssertEqual(result.status, 1)
        assertContains(result.stdout, "error: apis/orders/apiInformation.json: the information file is not valid JSON")
        assertContains(result.stdout, "differs: apis/orders/policy.xml: it is not a readable policy document")
    }

    /// One statement of as many attributes as a policy APIM takes holds (36,000 in 250 KB):
    /// libxml2's tree builder walked an element's attributes before adding each, and the
    /// import reads a document several times, so the import took 20 s (found by an audit).
    /// libxml2's check that none repeats is quadratic too: the statement is refused, where
    /// its attributes pass the limit, before libxml2 reads it.
    func testAStatementOfManyAttributesIsRefusedInAnInstant() throws {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        // One name a number, the shortest first: `a` to `Z`, then `aa`.
        func name(_ number: Int) -> String {
            number < letters.count ? String(letters[number]) : name(number / letters.count - 1) + String(letters[number % letters.count])
        }
        let attributes = (0..<36_000).map { " \(name($0))=\"\"" }.joined()
        try write("<policies><inbound><base /><set-header\(attributes) /></inbound></policies>\n", to: "apis/orders/policy.xml")
        let result = try runImport()
        XCTAssertLessThan(result.seconds, 10)
        XCTAssertEqual(result.status, 1)
        assertContains(result.stdout, "differs: apis/orders/policy.xml: it is not a readable policy document")
        assertContains(result.stdout, "error: 'set-header' has more attributes than the limit of 256 [PX001]")
    }

    func testAFileOverMaxFileSizeIsNotReadAndIsAnError() throws {
        try write(Self.policy + String(repeating: " ", count: 3_000), to: "apis/orders/policy.xml")
        let result = try runImport(["--max-file-size", "2000"])
        XCTAssertEqual(result.status, 1)
        assertContains(result.stdout, "error: apis/orders/policy.xml: the file is \(Self.policy.utf8.count + 3_000) bytes, over the limit of 2000\n")
    }

    func testAHugeFileOverTheDefaultLimitIsNotRead() throws {
        // Sparse, so the test writes nothing: only a reader that reads it all would notice.
        XCTAssertEqual(truncate(orders.appendingPathComponent("specification.yaml").path, 64 * 1024 * 1024), 0)
        let result = try runImport()
        XCTAssertEqual(result.status, 1)
        assertContains(result.stdout, "error: apis/orders/specification.yaml: the file is \(64 * 1024 * 1024) bytes, over the limit of \(16 * 1024 * 1024)\n")
        XCTAssertLessThan(result.seconds, 10)
    }

    func testMalformedPolicyXMLIsADifferenceAndNothingIsWritten() throws {
        try write("<policies>\n\t<inbound>\n\t\t<set-variable name=\"a\" value=\"b\">\n</policies>\n", to: "apis/orders/policy.xml")
        let result = try runImport()
        XCTAssertEqual(result.status, 1)
        assertContains(result.stdout, "differs: apis/orders/policy.xml: it is not a readable policy document, so it cannot be compared\n")
        assertContains(result.stderr, "some documents would not come back unchanged; wrote nothing")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testASpecificationThatIsNotOpenAPIIsAnErrorNamingIt() throws {
        for text in ["hello: world\n", "swagger: '1.2'\napis: []\n", "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" />\n"] {
            try write(text, to: "apis/orders/specification.yaml")
            let result = try runImport()
            XCTAssertEqual(result.status, 1, text)
            assertContains(result.stdout, "error: apis/orders/specification.yaml: the specification cannot be read")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("apis/orders.yaml").path), text)
            ScratchFiles.removeTree(out)
        }
    }

    // MARK: - Odd names, links and FIFOs

    func testOddFolderNamesAreReportedAndNeverBecomePaths() throws {
        let odd = ["with space", "semi;colon", "ünïcödé", "new\nline", "esc\u{1B}[31m", String(repeating: "a", count: 200)]
        for name in odd {
            try FileManager.default.copyItem(at: orders, to: tree.appendingPathComponent("apis/" + name))
        }
        try writeGlobalPolicy()
        let result = try runImport(["--format", "json"])
        // Each would be lost, so the import fails (audit V97: it exited 0).
        XCTAssertEqual(result.status, 1, result.stderr)
        let notes = notes(result)
        for name in odd {
            let escaped = name.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\u{1B}", with: "\\x1b")
            XCTAssertTrue(
                notes.contains("error: apis/\(escaped): '\(escaped)' is not a name Portcullis can keep for this resource, so it would be lost; rename it in APIM"),
                "no note for '\(escaped)' in \(notes)")
        }
        XCTAssertEqual(try written().filter { $0.hasPrefix("apis/") || $0.hasPrefix("specs/") }, ["apis/orders.yaml", "specs/orders.yaml"])
    }

    /// An operation folder under a name the import refuses holds that operation's policy:
    /// the policy would be lost while the API is imported, so it is an error, not a note
    /// (audit V34: it was "not imported" and the import exited 0).
    func testAnOperationPolicyUnderARefusedNameIsAnError() throws {
        try writeGlobalPolicy()
        try FileManager.default.createDirectory(at: orders.appendingPathComponent("operations/bad op"), withIntermediateDirectories: true)
        try write("<policies>\n  <inbound>\n    <base />\n    <ip-filter action=\"allow\">\n      <address>10.0.0.1</address>\n    </ip-filter>\n  </inbound>\n</policies>\n", to: "apis/orders/operations/bad op/policy.xml")
        let result = try runImport(["--format", "json"])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(
            notes(result).contains("error: apis/orders/operations/bad op: 'bad op' is not a name Portcullis can keep for an operation, so its policy would be lost"),
            "\(notes(result))")
    }

    func testANameCannotForgeALineOfTheTextReport() throws {
        try FileManager.default.copyItem(at: orders, to: tree.appendingPathComponent("apis/x\nerror: policy.xml: forged"))
        let result = try runImport()
        XCTAssertFalse(result.stdout.split(separator: "\n").contains { $0.hasPrefix("error: policy.xml: forged") }, result.stdout)
        assertContains(result.stdout, "error: apis/x\\nerror: policy.xml: forged: ")
    }

    /// JSON escapes put any character in a property's name or value, which the report
    /// quotes: none reaches the output raw, in text or JSON.
    func testControlCharactersInTheTreesJSONAreShownEscaped() throws {
        let hostile = #"\n::warning file=x::forged\u001b[2J\u202e\u0085"#
        try write(
            #"{"properties": {"path": "orders", "displayName": "Orders", "serviceUrl": "https://orders.example", "#
                + #""subscriptionRequired": true, "extra\#(hostile)": 1}}"#, to: "apis/orders/apiInformation.json")
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("apis/legacy"), withIntermediateDirectories: true)
        try write(#"{"properties": {"type": "soap\#(hostile)", "path": "legacy", "displayName": "Legacy"}}"#, to: "apis/legacy/apiInformation.json")
        for format in ["text", "json"] {
            let result = try runImport(["--format", format, "--allow-differences"], out: "out-\(format)", writesTo: work.appendingPathComponent("out-\(format)"))
            let output = result.stdout + result.stderr
            XCTAssertFalse(output.split(separator: "\n").contains { $0.hasPrefix("::warning file=x::forged") }, output)
            XCTAssertFalse(output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" || $0 == "\u{85}" }, output)
            guard format == "text" else { continue }
            assertContains(output, "is a 'soap\\n::warning file=x::forged\\x1b[2J\\u{202e}\\u{0085}' API")
        }
    }

    func testLinksToFoldersOutsideTheTreeAreNotFollowed() throws {
        let operations = outside.appendingPathComponent("operations/list-orders")
        try FileManager.default.createDirectory(at: operations, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: outside.appendingPathComponent("policy.xml"), to: operations.appendingPathComponent("policy.xml"))
        try link("apis/leak", to: outside)
        try link("named values", to: outside)
        try link("apis/orders/operations", to: outside.appendingPathComponent("operations"))
        let result = try runImport(["--format", "json"])
        // What stands behind a link may be the estate's, so each is an error to resolve.
        XCTAssertEqual(result.status, 1, result.stderr)
        let notes = notes(result)
        for path in ["apis/leak", "named values", "apis/orders/operations"] {
            XCTAssertTrue(
                notes.contains("error: \(path): symbolic links are not followed; put the files themselves in the tree"), "no note for '\(path)' in \(notes)")
        }
        XCTAssertEqual(try written().filter { $0.hasPrefix("apis/") }, ["apis/orders.yaml"])
    }

    func testLinkedFilesAreNotRead() throws {
        for name in ["policy.xml", "apiInformation.json", "specification.yaml"] {
            try FileManager.default.removeItem(at: orders.appendingPathComponent(name))
            try link("apis/orders/" + name, to: outside.appendingPathComponent(name))
        }
        try link("policy.xml", to: outside.appendingPathComponent("policy.xml"))
        let result = try runImport()
        XCTAssertEqual(result.status, 1, result.stderr)
        for path in ["apis/orders/policy.xml", "apis/orders/apiInformation.json", "apis/orders/specification.yaml", "policy.xml"] {
            assertContains(result.stdout, "error: \(path): symbolic links are not followed; put the files themselves in the tree\n")
        }
    }

    /// The round trip compares only what was read: beside a file not read it said "nothing
    /// differs", as if the estate had come whole (found by an audit of the outputs).
    func testARoundTripBesideAFileNotReadSaysSo() throws {
        try FileManager.default.removeItem(at: orders.appendingPathComponent("policy.xml"))
        try link("apis/orders/policy.xml", to: outside.appendingPathComponent("policy.xml"))
        let result = try runImport()
        XCTAssertEqual(result.status, 1, result.stderr)
        assertContains(result.stdout, "back unchanged; nothing differs in what was read, and the errors to resolve above say what was not\n")
    }

    func testFIFOsInPlaceOfFilesDoNotHang() throws {
        for path in ["apis/orders/policy.xml", "apis/orders/apiInformation.json", "policy.xml"] { try fifo(path) }
        try FileManager.default.createDirectory(at: orders.appendingPathComponent("operations/list-orders"), withIntermediateDirectories: true)
        try fifo("apis/orders/operations/list-orders/policy.xml")
        let result = try runImport()
        XCTAssertEqual(result.status, 1, result.stderr)
        for path in ["apis/orders/policy.xml", "apis/orders/apiInformation.json", "policy.xml", "apis/orders/operations/list-orders/policy.xml"] {
            assertContains(result.stdout, "error: \(path): it is not a file or a folder, so it is not read\n")
        }
        XCTAssertLessThan(result.seconds, 10)
    }

    // MARK: - Where --out leads

    func testAForeignFolderIsRefusedAndUntouched() throws {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("keep\n".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let before = try snapshot(out)
        let result = try runImport()
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "portcullis: error: will not replace 'out': it is not empty; write to a new or empty folder\n")
        XCTAssertEqual(try snapshot(out), before)
    }

    /// The lint of what an import wrote names its files where they are, relative to the
    /// working directory as `lint` does: it named them relative to `--out`, so a path in
    /// the report led nowhere (found by an audit of the README). Nothing written, nothing
    /// to point at: `--verify` keeps the project's own paths.
    func testTheLintOfTheWrittenProjectNamesItsFilesWhereTheyAre() throws {
        let result = try runImport()
        let finding = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.contains(": error: route 'list-orders'") }, result.stdout)
        XCTAssertTrue(finding.hasPrefix("out/apis/orders.yaml:"), String(finding))
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("out/apis/orders.yaml").path))
        let json = try BoundedRun.run(["import", tree.path, "--verify", "--format", "json"], in: work, seconds: 15)
        XCTAssertTrue(json.stdout.contains(#""file" : "apis/orders.yaml""#), json.stdout)
    }

    /// A bundle a build wrote is replaced by the next build, never by an import: an import
    /// into the folder CI builds to replaced the committed bundle with definitions (found
    /// by an audit of the README, which says `--out` must be new or empty).
    func testABundleABuildWroteIsRefusedAndUntouched() throws {
        let built = try ToolProcess.run(["build", BundleTests.contoso.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(built.status, 0, built.stderr)
        let before = try snapshot(out)
        XCTAssertTrue(before.keys.contains("manifest.json"), "\(before.keys.sorted())")
        let result = try runImport()
        XCTAssertEqual(result.status, 2, result.stdout)
        XCTAssertEqual(result.stderr, "portcullis: error: will not replace 'out': it is not empty; write to a new or empty folder\n")
        XCTAssertEqual(try snapshot(out), before)
    }

    /// A link that stays in its folder is followed; one that leads outside it is refused
    /// (`OutputFolderSafetyTests`).
    func testALinkToAFolderWritesToItsTargetAndStaysALink() throws {
        let elsewhere = work.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out.path, withDestinationPath: "elsewhere")
        try writeGlobalPolicy()
        let result = try runImport(writesTo: elsewhere)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: out.path), "elsewhere")
        XCTAssertTrue(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("apis/orders.yaml").path))

        try FileManager.default.removeItem(at: out)
        let outer = directory.appendingPathComponent("outer")
        try FileManager.default.createDirectory(at: outer, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out.path, withDestinationPath: "../outer")
        let refused = try runImport(writesTo: outer)
        XCTAssertEqual(refused.status, 2, refused.stdout)
        XCTAssertEqual(refused.stderr, "portcullis: error: will not replace 'out': it is a symbolic link that leads outside '.'\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outer.path), [])
    }

    func testALinkToAForeignFolderIsRefusedAndUntouched() throws {
        let foreign = work.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("keep\n".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        try FileManager.default.createSymbolicLink(atPath: out.path, withDestinationPath: "foreign")
        let before = try snapshot(foreign)
        let result = try runImport(writesTo: foreign)
        XCTAssertEqual(result.status, 2)
        assertContains(result.stderr, "will not replace 'out', a link to '")
        assertContains(result.stderr, "': it is not empty; write to a new or empty folder\n")
        XCTAssertEqual(try snapshot(foreign), before)
    }

    func testTheTreeAndFoldersHoldingItAreRefused() throws {
        let linkToTree = work.appendingPathComponent("tree-link")
        try FileManager.default.createSymbolicLink(atPath: linkToTree.path, withDestinationPath: tree.path)
        for (given, reason) in [
            (tree.path, "it is the input '\(tree.path)'"), ("tree-link", "it is a symbolic link that leads outside '.'"),
            (directory.path, "it holds the working directory"),
            // Definitions written into the tree would become part of the estate they came from.
            (tree.appendingPathComponent("defs").path, "it is inside the input '\(tree.path)'"),
        ] {
            let result = try runImport(out: given, writesTo: directory.appendingPathComponent("nothing"))
            XCTAssertEqual(result.status, 2, given)
            assertContains(result.stderr, "portcullis: error: will not replace '\(given)'")
            assertContains(result.stderr, reason)
        }
    }

    /// A report written into the tree, as a new file too, would become part of the estate
    /// the next import or the publisher reads (audit V53: only a file there already was
    /// refused).
    func testAReportIntoTheTreeIsRefused() throws {
        for given in [orders.appendingPathComponent("specification.yml").path, "../tree/report.txt", "../tree/apis/../report.txt"] {
            let result = try runImport(["--verify", "--output", given], writesTo: directory.appendingPathComponent("nothing"))
            XCTAssertEqual(result.status, 2, given)
            assertContains(result.stderr, "portcullis: error: will not replace '\(given)': it is inside the input '\(tree.path)'")
            XCTAssertFalse(FileManager.default.fileExists(atPath: given.hasPrefix("/") ? given : work.appendingPathComponent(given).path), given)
        }
    }

    func testAnExistingFileIsRefusedAndUntouched() throws {
        try Data("keep\n".utf8).write(to: out)
        let result = try runImport()
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "portcullis: error: cannot write 'out': it exists and is not a folder\n")
        XCTAssertEqual(try Data(contentsOf: out), Data("keep\n".utf8))
    }
}
