import Foundation
import PortcullisChecker
import PortcullisDiagnostics
import PortcullisSyntax
import PortcullisTestSupport
import XCTest

/// The reader picks credential-like scalars as it reads (`SecretLiterals.picker`), so that
/// `lint` need not walk every tree again. What it picks must be exactly what the walk of
/// the tree finds, or a secret would go unmasked; where the tree differs from the events
/// (aliases, merge keys, dropped entries) the walk is used instead.
final class CredentialPickingTests: XCTestCase {
    /// Each document's picked credentials, and its walked ones, in document order.
    private func pickedAndWalked(_ yaml: String) -> [(picked: [SourceRange], walked: [SourceRange], matches: Bool)] {
        var diagnostics = DiagnosticCollector()
        let bytes = Array(yaml.utf8)
        var results: [(picked: [SourceRange], walked: [SourceRange], matches: Bool)] = []
        YAMLReader(file: FileID(0)).read(
            YAMLChunk(bytes: 0..<bytes.count, firstLine: 1), of: bytes, diagnostics: &diagnostics,
            picking: SecretLiterals.picker
        ) { document in
            results.append(
                (SecretLiterals.credentials(in: document), SecretLiterals.credentials(inTree: document.root), document.treeMatchesEvents))
        }
        return results
    }

    private func assertSame(_ yaml: String, treeMatchesEvents: Bool? = nil, file: StaticString = #filePath, line: UInt = #line) {
        let results = pickedAndWalked(yaml)
        XCTAssertFalse(results.isEmpty, "no document was read from:\n\(yaml)", file: file, line: line)
        for result in results {
            XCTAssertEqual(result.picked, result.walked, "picked and walked credentials differ in:\n\(yaml)", file: file, line: line)
            if let treeMatchesEvents {
                XCTAssertEqual(result.matches, treeMatchesEvents, "treeMatchesEvents for:\n\(yaml)", file: file, line: line)
            }
        }
    }

    func testPlainDocumentsArePickedAsTheWalkFindsThem() {
        let document = """
            apiVersion: portcullis/v1
            kind: Gateway
            name: g
            namedValues:
              db-password: Hunter2pass
              empty-password: ""
              null-password: ~
              reference-password: "{{vault}}"
              conn: "Server=db;Password=Hunter2pass"
            items:
              - "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl"
              - [nested, "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"]
            "AKIAIOSFODNN7EXAMPLE": key-shaped key
            policy: <policies><inbound><set-header name="x-api-key"><value>Hunter2pass</value></set-header></inbound></policies>
            notPolicy: <x>ApiKey=Hunter2pass</x>
            Authorization: Bearer 8f2c1d9e7a6b5c4d
            tagged: !!str "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
            """
        let results = pickedAndWalked(document)
        XCTAssertEqual(results.count, 1)
        XCTAssertTrue(results[0].matches)
        XCTAssertGreaterThanOrEqual(results[0].walked.count, 8, "the document holds at least eight credentials")
        XCTAssertEqual(results[0].picked, results[0].walked)
    }

    /// A value under a tag the reader rejects is walked as an item, not as its key's value.
    func testRejectedValuesArePickedAsTheWalkMeetsThem() {
        assertSame("api-password: !custom Hunter2pass\nlist: !custom [Hunter2pass, \"Pwd=Hunter2pass\"]\n", treeMatchesEvents: true)
    }

    func testDocumentsWhoseTreeDiffersFromTheirEventsAreWalked() {
        // An alias repeats the anchored scalar where its key calls it a credential.
        assertSame("a: &x Hunter2pass\nclient-secret: *x\n", treeMatchesEvents: false)
        // A merge key repeats the merged entries.
        assertSame("base: &b {api-key: Hunter2pass}\nderived:\n  <<: *b\n  other: 1\n", treeMatchesEvents: false)
        assertSame("derived:\n  <<: {api-key: Hunter2pass}\n", treeMatchesEvents: false)
        // A duplicate key's entry, and the entry of a key that is no string, are dropped.
        assertSame("api-key: one-value\napi-key: Hunter2pass\n", treeMatchesEvents: false)
        assertSame("? [a, b]\n: \"Pwd=Hunter2pass\"\n", treeMatchesEvents: false)
    }

    /// A document read without the picker holds nothing picked, so its tree is walked: a
    /// reader that forgot the picker costs time, never a secret left unmasked.
    func testDocumentsReadWithoutThePickerAreWalked() {
        var diagnostics = DiagnosticCollector()
        let bytes = Array("db-password: Hunter2pass\nconn: \"Server=db;Password=Hunter2pass\"\n".utf8)
        let documents = YAMLReader(file: FileID(0)).readAll(bytes, diagnostics: &diagnostics)
        XCTAssertEqual(documents.count, 1)
        XCTAssertNil(documents[0].picked)
        XCTAssertEqual(SecretLiterals.credentials(in: documents[0]).count, 2)
        XCTAssertEqual(SecretLiterals.credentials(in: documents[0]), SecretLiterals.credentials(inTree: documents[0].root))
    }

    func testEveryDocumentOfAStreamIsPickedOnItsOwn() {
        assertSame("a: &x Hunter2pass\nclient-secret: *x\n---\ndb-password: Hunter2pass\n---\n- Pwd=Hunter2pass\n")
        let results = pickedAndWalked("a: &x Hunter2pass\nb: *x\n---\ndb-password: Hunter2pass\n")
        XCTAssertEqual(results.map(\.matches), [false, true])
        XCTAssertEqual(results[1].picked.count, 1)
    }

    /// Random documents from keys and values that are, or look like, credentials, with
    /// anchors, aliases, merges, tags, duplicates and nesting.
    func testRandomDocumentsArePickedAsTheWalkFindsThem() {
        let keys = [
            "name", "password", "db-password", "apiKey", "x-functions-key", "Authorization", "policy", "summary", "key",
            "client_secret", "<<", "AKIAIOSFODNN7EXAMPLE", "id",
        ]
        let values = [
            "plain", "Hunter2pass", "\"\"", "~", "null", "\"{{named}}\"", "\"<placeholder>\"", "\"Pwd=Hunter2pass\"",
            "\"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl\"", "\"Basic {{creds}}\"",
            "<policies><inbound /></policies>", "!!str Hunter2pass", "!custom Hunter2pass", "xoxb-1234567890-0987654321-aBcDeFgHiJkLmNoP",
        ]
        var random = RandomYAML(keys: keys, values: values, generator: SeededRandom(seed: 0x5EC2E7))
        var walkedAny = 0
        for _ in 0..<3000 {
            let yaml = "root: " + random.document() + "\n"
            let results = pickedAndWalked(yaml)
            for result in results {
                XCTAssertEqual(result.picked, result.walked, "picked and walked credentials differ in:\n\(yaml)")
                if result.matches, !result.walked.isEmpty { walkedAny += 1 }
            }
        }
        XCTAssertGreaterThan(walkedAny, 300, "too few random documents were picked with credentials to judge")
    }
}

extension CredentialPickingTests {
    /// Keys and collections the first random test leaves out: quoted and tagged merge keys,
    /// tagged and non-scalar keys, tagged collections, aliases as keys, and streams of
    /// several documents, some empty.
    func testRandomStreamsWithTaggedAndOddKeysArePickedAsTheWalkFindsThem() {
        let keys = [
            "password", "api_key", "<<", "\"<<\"", "!!str <<", "'<<'", "!custom password", "!!str db-pwd", "\"Pwd=Hunter2pass\"",
            "[a, b]", "{k: v}", "id", "policy", "!custom {k: v}",
        ]
        let values = [
            "Hunter2pass", "~", "\"\"", "''", "null", "\"{{named}}\"", "!!str ~", "!custom ~", "!!null ~", "!!int 3",
            "\"Pwd=Hunter2pass\"", "<x>ApiKey=Hunter2pass</x>", "\"\\0Hunter2pass\\0\"", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        ]
        var random = RandomYAML(keys: keys, values: values, generator: SeededRandom(seed: 0xA0D17), oddNodes: true)
        var documents = 0
        for _ in 0..<2000 {
            let yaml = (0..<(1 + random.generator.next(3))).map { _ in
                random.generator.next(6) == 0 ? "" : "root: " + random.document() + "\n"
            }.joined(separator: "---\n")
            for result in pickedAndWalked(yaml) {
                documents += 1
                XCTAssertEqual(result.picked, result.walked, "picked and walked credentials differ in:\n\(yaml)")
            }
        }
        XCTAssertGreaterThan(documents, 2000, "too few random documents were read")
    }
}

/// Random YAML from keys and values, with anchors, aliases and nesting; `oddNodes` adds
/// tags on collections and aliases as keys.
private struct RandomYAML {
    let keys: [String]
    let values: [String]
    var generator: SeededRandom
    let oddNodes: Bool
    private var anchors = 0

    init(keys: [String], values: [String], generator: SeededRandom, oddNodes: Bool = false) {
        self.keys = keys
        self.values = values
        self.generator = generator
        self.oddNodes = oddNodes
    }

    /// One node whose anchors are its own.
    mutating func document() -> String {
        anchors = 0
        return node(depth: 0)
    }

    private mutating func node(depth: Int) -> String {
        let odds = oddNodes ? 6 : 8
        var prefix = ""
        if generator.next(odds) == 0 {
            anchors += 1
            prefix = "&a\(anchors) "
        } else if anchors > 0, generator.next(odds) == 0 {
            return "*a\(generator.next(anchors) + 1)"
        }
        if oddNodes, generator.next(5) == 0 { prefix += ["!custom ", "!!map ", "!!seq "][generator.next(3)] }
        switch depth > 2 ? 0 : generator.next(5) {
        case 0, 1: return prefix + values[generator.next(values.count)]
        case 2:
            var items: [String] = []
            for _ in 0..<generator.next(4) { items.append(node(depth: depth + 1)) }
            return prefix + "[" + items.joined(separator: ", ") + "]"
        default:
            var entries: [String] = []
            for _ in 0..<generator.next(5) {
                let key = oddNodes && anchors > 0 && generator.next(10) == 0 ? "*a1 " : keys[generator.next(keys.count)]
                entries.append("\(key): \(node(depth: depth + 1))")
            }
            return prefix + "{" + entries.joined(separator: ", ") + "}"
        }
    }
}
