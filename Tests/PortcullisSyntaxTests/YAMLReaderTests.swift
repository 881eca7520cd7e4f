import PortcullisDiagnostics
import PortcullisTestSupport
import XCTest

@testable import PortcullisSyntax

final class YAMLReaderTests: XCTestCase {
    private func read(_ text: String, limits: InputLimits = InputLimits()) -> ([YAMLDocument], [Diagnostic]) {
        var diagnostics = DiagnosticCollector()
        let documents = YAMLReader(file: FileID(0), limits: limits).readAll(Array(text.utf8), diagnostics: &diagnostics)
        return (documents, diagnostics.diagnostics)
    }

    private func describe(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.range.start.line):\($0.range.start.column) \($0.code.id) \($0.message)" }
    }

    /// The reader keeps the texts of short scalars it made lately and hands the same text
    /// back for the same bytes; texts that differ in any byte, or only in length, stay apart.
    func testShortScalarsReadBackAsWritten() throws {
        var random = SeededRandom(seed: 0x5CA1A2)
        func next(_ bound: Int) -> Int { random.next(bound) }
        let pieces = ["a", "b", "z", "0", "-", "é", "ü", "日", "ab", "ba", "x"]
        var texts: [String] = []
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<next(9) { text += pieces[next(pieces.count)] }
            texts.append(text)
        }
        let yaml = texts.map { "- \"\($0)\"\n" }.joined()
        let (documents, diagnostics) = read(yaml)
        XCTAssertEqual(describe(diagnostics), [])
        guard case .sequence(let items)? = documents.first?.root.content else { return XCTFail("expected a sequence") }
        XCTAssertEqual(items.map { $0.scalar?.text }, texts)
        XCTAssertGreaterThan(Set(texts.filter { $0.utf8.count <= 15 }).count, 5_000, "many distinct short texts")
    }

    /// The reader remembers a picker's answer for a short text it meets again, so each
    /// scalar must still be picked by its own text, role, key and plainness: the same text
    /// under another key, as a key, as an item or quoted is asked again.
    func testAPickersAnswerIsRememberedOnlyForTheSameTextRoleKeyAndPlainness() throws {
        let picker: YAMLScalarPicker = { scalar, role in
            guard case .value(let key) = role else { return false }
            return key == "password" && scalar.isPlain && scalar.text.hasPrefix("p4ss")
        }
        let yaml = """
            a: p4ss
            password: p4ss
            p4ss: 1
            list: [p4ss]
            password2: p4ss
            b: {password: 'p4ss'}
            c: {password: p4ss}
            d: {password: p4ssword}
            e: {password: p4ss}

            """
        var diagnostics = DiagnosticCollector()
        let bytes = Array(yaml.utf8)
        var picked: [Int] = []
        _ = YAMLReader(file: FileID(0), limits: InputLimits()).read(
            YAMLChunk(bytes: 0..<bytes.count, firstLine: 1), of: bytes, diagnostics: &diagnostics, picking: picker
        ) { document in picked = (document.picked ?? []).map { Int($0.start.line) } }
        XCTAssertEqual(describe(diagnostics.diagnostics), [])
        XCTAssertEqual(picked, [2, 7, 8, 9])
        // Keys told apart by their bytes, as the picker reads them: a Kelvin sign is no `K`
        // (compared as texts, the answer for one was given to the other: an audit).
        let byBytes: YAMLScalarPicker = { _, role in
            guard case .value(let key) = role else { return false }
            return key.utf8.elementsEqual("apiKey".utf8)
        }
        for (yaml, expected) in [("api\u{212A}ey: v4lue\napiKey: v4lue\n", [2]), ("apiKey: v4lue\napi\u{212A}ey: v4lue\n", [1])] {
            let bytes = Array(yaml.utf8)
            _ = YAMLReader(file: FileID(0), limits: InputLimits()).read(
                YAMLChunk(bytes: 0..<bytes.count, firstLine: 1), of: bytes, diagnostics: &diagnostics, picking: byBytes
            ) { document in picked = (document.picked ?? []).map { Int($0.start.line) } }
            XCTAssertEqual(picked, expected, yaml)
        }
    }

    /// Reads that share a picking (files of one API each, read one after another) judge
    /// a text met again in the same place once, and pick what reads of their own pick.
    func testReadsSharingAPickingAskOnceAndPickTheSame() throws {
        let asked = Counter()
        let picker: YAMLScalarPicker = { scalar, role in
            asked.add()
            guard case .value(let key) = role else { return false }
            return key == "password" && scalar.text.hasPrefix("p4ss")
        }
        let files = ["password: p4ss\nname: a\n", "name: a\npassword: p4ss\n", "password: 'p4ss'\nname: p4ss\n"]
        func pickedLines(sharing: Bool) -> [[Int]] {
            var picking = YAMLReader.Picking(picker)
            return files.map { yaml in
                var diagnostics = DiagnosticCollector()
                var lines: [Int] = []
                let bytes = Array(yaml.utf8)
                let chunk = YAMLChunk(bytes: 0..<bytes.count, firstLine: 1)
                let onDocument = { (document: YAMLDocument) in lines += (document.picked ?? []).map { Int($0.start.line) } }
                if sharing {
                    YAMLReader(file: FileID(0)).read(chunk, of: bytes, diagnostics: &diagnostics, picking: &picking, onDocument: onDocument)
                } else {
                    YAMLReader(file: FileID(0)).read(chunk, of: bytes, diagnostics: &diagnostics, picking: picker, onDocument: onDocument)
                }
                return lines
            }
        }
        XCTAssertEqual(pickedLines(sharing: false), [[1], [2], [1]])
        XCTAssertEqual(asked.value, 12)
        asked.reset()
        XCTAssertEqual(pickedLines(sharing: true), [[1], [2], [1]])
        // The first file's four texts; the third's quoted value and its value under `name`.
        XCTAssertEqual(asked.value, 6)
    }

    /// Short texts that differ in one byte at any position, NUL from `\0` escapes and a
    /// BOM from `\uFEFF` included, are each read back as written, not as a neighbour.
    func testShortScalarsDifferingInOneByteStayApart() throws {
        var texts: [String] = []
        var escaped: [String] = []
        for length in 1...16 {
            for position in 0..<length {
                for (byte, escape) in [("\0", "\\0"), ("b", "b"), ("\u{FEFF}", "\\uFEFF"), ("a", "a")] {
                    let base = String(repeating: "a", count: length)
                    texts.append(String(base.prefix(position)) + byte + String(base.dropFirst(position + 1)))
                    escaped.append(String(base.prefix(position)) + escape + String(base.dropFirst(position + 1)))
                }
            }
        }
        // Twice, so that the second round meets the texts the first one kept.
        let yaml = "\u{FEFF}" + (escaped + escaped).map { "- \"\($0)\"\n" }.joined()
        let (documents, diagnostics) = read(yaml)
        XCTAssertEqual(describe(diagnostics), [])
        guard case .sequence(let items)? = documents.first?.root.content else { return XCTFail("expected a sequence") }
        XCTAssertEqual(items.map { $0.scalar?.text }, texts + texts)
    }

    func testScalarRangesCountUnicodeScalars() throws {
        let (documents, diagnostics) = read("name: \"café\"\nnext: ü-x\n")
        XCTAssertEqual(diagnostics.count, 0)
        guard case .mapping(let entries) = try XCTUnwrap(documents.first).root.content else {
            return XCTFail("expected a mapping")
        }
        XCTAssertEqual(entries.map(\.key), ["name", "next"])
        let quoted = entries[0].value
        XCTAssertEqual(quoted.scalar?.text, "café")
        XCTAssertEqual(quoted.scalar?.isPlain, false)
        XCTAssertEqual(quoted.range.start, SourcePosition(line: 1, column: 7))
        XCTAssertEqual(quoted.range.end, SourcePosition(line: 1, column: 13))
        XCTAssertEqual(entries[1].value.range.start, SourcePosition(line: 2, column: 7))
        XCTAssertEqual(entries[1].value.range.end, SourcePosition(line: 2, column: 10))
        XCTAssertEqual(entries[1].keyRange.start, SourcePosition(line: 2, column: 1))
    }

    func testDuplicateKeyPointsAtSecondKeyWithNoteAtFirst() {
        let (documents, diagnostics) = read("a: 1\nb: 2\na: 3\n")
        XCTAssertEqual(describe(diagnostics), ["3:1 YS002 duplicate key 'a'"])
        XCTAssertEqual(diagnostics.first?.notes.first?.range.start, SourcePosition(line: 1, column: 1))
        guard case .mapping(let entries) = documents.first?.root.content else { return XCTFail("expected a mapping") }
        XCTAssertEqual(entries.map(\.key), ["a", "b"], "the first value is kept")
    }

    func testDuplicateKeysInLargeMappingUseTheIndex() {
        var text = ""
        for index in 0..<40 { text += "k\(index): \(index)\n" }
        text += "k7: again\nk39: again\n"
        let (_, diagnostics) = read(text)
        XCTAssertEqual(describe(diagnostics), ["41:1 YS002 duplicate key 'k7'", "42:1 YS002 duplicate key 'k39'"])
    }

    func testCustomTagsAreRejectedButCoreTagsAccepted() {
        let (documents, diagnostics) = read("a: !foo bar\nb: !!str 12\nc: !!int 3\nd: !!python/object x\n")
        XCTAssertEqual(
            describe(diagnostics),
            ["1:4 YS007 tag '!foo' is not supported", "4:4 YS007 tag '!!python/object' is not supported"])
        guard case .mapping(let entries) = documents.first?.root.content else { return XCTFail("expected a mapping") }
        XCTAssertEqual(entries[1].value.scalar?.isPlain, false, "!!str makes a string")
        XCTAssertEqual(entries[2].value.scalar?.isPlain, true)
    }

    func testNonScalarKeysAreRejected() {
        let (_, diagnostics) = read("? [a, b]\n: value\nok: 1\n")
        XCTAssertEqual(describe(diagnostics), ["1:3 YS007 mapping keys must be strings, found a sequence"])
    }

    func testMergeKeysFillInMissingFields() {
        let text = "base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n  c: 4\n"
        let (documents, diagnostics) = read(text)
        XCTAssertEqual(diagnostics.count, 0)
        guard case .mapping(let top) = documents.first?.root.content,
            case .mapping(let derived) = top[1].value.content
        else { return XCTFail("expected mappings") }
        XCTAssertEqual(derived.map(\.key), ["b", "c", "a"])
        XCTAssertEqual(derived[0].value.scalar?.text, "3", "explicit keys win over merged ones")
    }

    /// The tree as compact flow YAML, for comparing whole trees.
    private func render(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let scalar): scalar.text
        case .sequence(let items): "[" + items.map(render).joined(separator: ", ") + "]"
        case .mapping(let entries): "{" + entries.map { "\($0.key): \(render($0.value))" }.joined(separator: ", ") + "}"
        case .rejected(let written): "!" + render(YAMLNode(written, range: node.range))
        }
    }

    /// Anchors lead to their nodes wherever they stand: on the value of a duplicate key, on
    /// a merge key's value, on a key; the tree leaves out what is no part of its parent,
    /// and a mapping takes merged entries after its own.
    func testAnchorsLeadToNodesTheTreeLeavesOut() throws {
        let text = """
            a: 1
            a: &d {x: &in [1, 2]}
            <<: &m {y: 2, a: 9}
            &k key: v
            b: *d
            c: *in
            d: *m
            e: *k
            f: [*k, !foo {z: 1}, *in]
            g: {<<: [*m, {w: 3}], y: 1}
            """
        let (documents, diagnostics) = read(text + "\n")
        XCTAssertEqual(describe(diagnostics), ["2:1 YS002 duplicate key 'a'", "9:9 YS007 tag '!foo' is not supported"])
        let root = try XCTUnwrap(documents.first).root
        XCTAssertEqual(
            render(root),
            "{a: 1, key: v, b: {x: [1, 2]}, c: [1, 2], d: {y: 2, a: 9}, e: key, f: [key, !{z: 1}, [1, 2]], g: {y: 1, a: 9, w: 3}, y: 2}")
        XCTAssertEqual(root.scalarTexts, ["1", "v", "1", "2", "1", "2", "2", "9", "key", "key", "1", "1", "2", "1", "9", "3", "2"])
        guard case .mapping(let entries) = root.content else { return XCTFail("expected a mapping") }
        XCTAssertEqual(entries.count, 9)
        XCTAssertEqual(entries.map(\.keyRange.start.line), [1, 4, 5, 6, 7, 8, 9, 10, 3], "a merged entry keeps its key's place")
    }

    func testMergeOfAScalarIsUnsupported() {
        let (_, diagnostics) = read("a: &x 1\nb:\n  <<: *x\n")
        XCTAssertEqual(
            describe(diagnostics), ["3:7 YS007 merge key '<<' needs a mapping or a list of mappings, found a scalar"],
            "the error points at the alias that brings the scalar in")
    }

    func testUnknownAliasStopsTheFile() {
        let (_, diagnostics) = read("a: *nowhere\n")
        XCTAssertEqual(describe(diagnostics), ["1:4 YS001 an alias refers to no anchor defined before it"])
    }

    func testMalformedYAMLReportsLibyamlProblemWithContextNote() {
        let (_, diagnostics) = read("a: [1, 2\nb: 3\n")
        XCTAssertEqual(diagnostics.count, 1)
        XCTAssertEqual(diagnostics.first?.code, .yamlSyntax)
        XCTAssertEqual(diagnostics.first?.notes.count, 1)
    }

    func testInvalidUTF8IsLocated() {
        var bytes = Array("ok: 1\nname: caf".utf8)
        bytes.append(0xFF)
        bytes += Array("\n".utf8)
        var diagnostics = DiagnosticCollector()
        _ = YAMLReader(file: FileID(0)).readAll(bytes, diagnostics: &diagnostics)
        XCTAssertEqual(describe(diagnostics.diagnostics), ["2:10 YS001 invalid UTF-8: byte 0xFF cannot start a character"])
    }

    func testUTF16ByteOrderMarkIsRejected() {
        var diagnostics = DiagnosticCollector()
        _ = YAMLReader(file: FileID(0)).readAll([0xFF, 0xFE, 0x61, 0x00], diagnostics: &diagnostics)
        XCTAssertEqual(
            describe(diagnostics.diagnostics),
            ["1:1 YS001 file starts with a UTF-16 little-endian byte-order mark; inputs must be UTF-8"])
    }

    func testUTF8ByteOrderMarkIsAccepted() {
        var diagnostics = DiagnosticCollector()
        let documents = YAMLReader(file: FileID(0)).readAll([0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8), diagnostics: &diagnostics)
        XCTAssertEqual(diagnostics.diagnostics.count, 0)
        XCTAssertEqual(documents.count, 1)
        guard case .mapping(let entries) = documents.first?.root.content else { return XCTFail("expected a mapping") }
        XCTAssertEqual(entries.first?.key, "a", "the mark is not part of the first key")
        XCTAssertEqual(entries.first?.keyRange.start, SourcePosition(line: 1, column: 1))
    }

    func testDepthLimitCountsNestedCollections() {
        let limits = InputLimits(maxDepth: 3)
        XCTAssertEqual(read("a: {b: [1]}\n", limits: limits).1.count, 0, "depth 3 is allowed")
        let (_, diagnostics) = read("a: {b: [[1]]}\n", limits: limits)
        XCTAssertEqual(describe(diagnostics), ["1:9 YS006 nesting is deeper than the limit of 3 levels"])
    }

    func testAliasExpansionIsBudgetedByNodes() {
        let text = """
            a: &a [x, x, x, x, x, x, x, x, x, x]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: [*b, *b]
            """
        let limits = InputLimits(maxAliasNodes: 200)
        let (_, diagnostics) = read(text, limits: limits)
        XCTAssertEqual(describe(diagnostics), ["3:5 YS006 aliases expand to more than 200 nodes in this document"])
        XCTAssertEqual(read(text, limits: InputLimits(maxAliasNodes: 350)).1.count, 0)
    }

    func testAliasExpansionCountsTowardDepth() {
        let text = "a: &a [[1]]\nb: [[*a]]\n"
        XCTAssertEqual(read(text, limits: InputLimits(maxDepth: 5)).1.count, 0)
        let (_, diagnostics) = read(text, limits: InputLimits(maxDepth: 4))
        XCTAssertEqual(describe(diagnostics), ["2:6 YS006 alias '*a' expands deeper than the limit of 4 levels"])
    }

    func testDocumentLimitAndFileSize() {
        let text = String(repeating: "---\na: 1\n", count: 4)
        XCTAssertEqual(read(text, limits: InputLimits(maxDocuments: 4)).0.count, 4)
        let (documents, diagnostics) = read(text, limits: InputLimits(maxDocuments: 3))
        XCTAssertEqual(documents.count, 3)
        XCTAssertEqual(describe(diagnostics), ["7:1 YS006 file holds more than 3 documents"])
        let (_, sized) = read("a: 1\n", limits: InputLimits(maxFileSize: 4))
        XCTAssertEqual(describe(sized), ["1:1 YS006 file is 5 bytes, larger than the limit of 4 bytes"])
    }

    func testEmptyDocumentIsNull() {
        let (documents, diagnostics) = read("---\n---\na: 1\n")
        XCTAssertEqual(diagnostics.count, 0)
        XCTAssertEqual(documents.count, 2)
        XCTAssertEqual(documents.first?.root.isNull, true)
    }

    /// The word-at-a-time search finds what a byte-by-byte search finds: the first NEL, LS
    /// or PS, wherever it falls against the eight-byte words, among near misses (E2 80 A7,
    /// C2 84, dashes, accents) and truncated sequences at the end.
    func testYAML11LineBreakSearchAgreesWithAPlainSearch() {
        func plain(_ bytes: [UInt8]) -> Int? {
            bytes.indices.first { index in
                (bytes[index] == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0x85)
                    || (bytes[index] == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80
                        && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9))
            }
        }
        let pieces: [[UInt8]] = [
            [0x61], [0x20, 0x0A], [0xC2, 0x85], [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0xA9], [0xE2, 0x80, 0xA7], [0xE2, 0x80, 0x94],
            [0xC2, 0x84], [0xC2, 0xB0], [0xC3, 0xA9], [0xC3, 0x85], [0xC2, 0xA8], [0xE2], [0xC2], [0xE2, 0x80],
        ]
        var random = SeededRandom(seed: 2028)
        var hits = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<random.next(24) {
                // Mostly plain or near-miss pieces, so that a hit lands anywhere in a word.
                let piece = random.next(10) == 0 ? random.next(3) + 2 : [0, 1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14][random.next(12)]
                bytes += pieces[piece]
            }
            let expected = plain(bytes)
            XCTAssertEqual(YAMLReader.firstYAML11LineBreak(in: bytes)?.offset, expected, "\(bytes)")
            if expected != nil { hits += 1 }
        }
        XCTAssertGreaterThan(hits, 5_000)
        XCTAssertEqual(YAMLReader.firstYAML11LineBreak(in: Array("a\u{2029}".utf8))?.scalar, 0x2029)
        XCTAssertEqual(YAMLReader.firstYAML11LineBreak(in: Array("a\u{85}".utf8))?.scalar, 0x85)
        XCTAssertNil(YAMLReader.firstYAML11LineBreak(in: []))
    }
}

/// Counts a picker's calls; the reads that call it run on the test's thread.
private final class Counter: @unchecked Sendable {
    private(set) var value = 0
    func add() { value += 1 }
    func reset() { value = 0 }
}
