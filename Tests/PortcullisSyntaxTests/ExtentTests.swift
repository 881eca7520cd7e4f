import PortcullisDiagnostics
import PortcullisTestSupport
import XCTest

@testable import PortcullisSyntax

/// A node's extent found along its last path (documents read in order) is the extent
/// found by looking at every node.
final class ExtentTests: XCTestCase {
    private func documents(_ text: String) -> [YAMLDocument] {
        var diagnostics = DiagnosticCollector()
        return YAMLReader(file: FileID(0)).readAll(Array(text.utf8), diagnostics: &diagnostics)
    }

    /// Every node of the tree, the root first.
    private func nodes(_ node: YAMLNode) -> [YAMLNode] {
        switch node.content {
        case .scalar, .rejected: [node]
        case .sequence(let items): [node] + items.flatMap(nodes)
        case .mapping(let entries): [node] + entries.flatMap { nodes($0.value) }
        }
    }

    private func assertExtentsAgree(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> Int {
        var compared = 0
        for document in documents(yaml) where document.treeMatchesEvents {
            for node in nodes(document.root) {
                XCTAssertEqual(
                    node.extent(inDocumentOrder: true), node.extent, "extents differ for the node at \(node.range) in:\n\(yaml)",
                    file: file, line: line)
                compared += 1
            }
        }
        return compared
    }

    func testBlockDocumentsWithCommentsAndBlockScalars() {
        let yaml = """
            kind: API
            routes:
              - id: a
                summary: >
                  folded
                  text

                # a comment after the block scalar
                scopes:
                  - read
                  - write
              - id: b
                note: |
                  literal
                empty:
              - plain
                scalar over
                lines
            tail: {a: 1,
              b: [2,
                3]}

            # trailing comment
            """
        XCTAssertGreaterThan(assertExtentsAgree(yaml), 15)
    }

    /// An alias or a merge key puts text read earlier last in a mapping: such documents
    /// are not read in order, so their extents are found by looking at every node.
    func testAliasesAndMergesAreNotInDocumentOrder() {
        for yaml in ["a: &x\n  deep: 1\n  deeper: 2\nb:\n  c: 3\n  d: *x\n", "a: &x {k: 1}\nb:\n  <<: *x\n  c: 2\n"] {
            XCTAssertEqual(documents(yaml).map(\.treeMatchesEvents), [false], yaml)
        }
    }

    func testRandomBlockDocuments() {
        var random = RandomBlockYAML(seed: 0xE87E)
        var compared = 0
        for _ in 0..<2000 {
            compared += assertExtentsAgree(random.document())
        }
        XCTAssertGreaterThan(compared, 10000, "too few nodes were compared")
    }
}

/// Random block-style YAML: nested mappings and sequences, flow collections over several
/// lines, plain, quoted, multi-line and block scalars, empty values, comments and blank lines,
/// explicit keys over several lines, and tags, rejected ones included.
private struct RandomBlockYAML {
    private var random: SeededRandom

    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    private mutating func next(_ bound: Int) -> Int { random.next(bound) }

    mutating func document() -> String {
        mapping(indent: "", depth: 0)
    }

    private mutating func filler(_ indent: String) -> String {
        switch next(6) {
        case 0: "\n"
        case 1: indent + "# comment\n"
        default: ""
        }
    }

    private mutating func mapping(indent: String, depth: Int) -> String {
        var text = ""
        for index in 0..<(1 + next(4)) {
            switch next(8) {
            case 0: text += filler(indent) + indent + "? |\n\(indent)  explicit\n\(indent)  k\(index)\n"
            case 1: text += filler(indent) + indent + "? k\(index)\n" + indent + ":" + value(indent: indent, depth: depth)
            default: text += filler(indent) + indent + "k\(index):" + value(indent: indent, depth: depth)
            }
        }
        return text
    }

    private mutating func sequence(indent: String, depth: Int) -> String {
        var text = ""
        for _ in 0..<(1 + next(3)) {
            text += filler(indent) + indent + "-" + value(indent: indent, depth: depth)
        }
        return text
    }

    /// A value after `key:` or `-`, with its line ending.
    private mutating func value(indent: String, depth: Int) -> String {
        let inner = indent + "  "
        switch depth > 3 ? next(6) : next(15) {
        case 0: return "\n"
        case 1: return " plain\n"
        case 2: return " \"quoted\n\(inner)over lines\"\n"
        case 3: return " plain\n\(inner)continued\n"
        case 4: return " |\n\(inner)literal\n\n\(inner)text\n" + (next(2) == 0 ? "\n" : "")
        case 5: return " >-\n\(inner)folded\n"
        case 6: return " {a: 1,\n\(inner)b: [x,\n\(inner)  y]}\n"
        case 7: return "\n" + mapping(indent: inner, depth: depth + 1)
        case 8: return " |+\n\(inner)kept\n\n\n"
        case 9: return " !!str tagged\n"
        case 10: return " !custom rejected\n"
        case 11: return " !custom\n" + mapping(indent: inner, depth: depth + 1)
        case 12: return " {a, b,\n\(inner)c}\n"
        case 13: return " [a: 1,\n\(inner)b]\n"
        default: return "\n" + sequence(indent: inner, depth: depth + 1)
        }
    }
}
