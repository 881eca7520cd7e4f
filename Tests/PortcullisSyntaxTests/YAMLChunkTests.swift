import PortcullisDiagnostics
import PortcullisTestSupport
import XCTest

@testable import PortcullisSyntax

final class YAMLChunkTests: XCTestCase {
    private func split(_ text: String, size: Int = 1, maxDocuments: Int = 100) -> [String] {
        let bytes = Array(text.utf8)
        return YAMLChunk.split(bytes, preferredSize: size, maxDocuments: maxDocuments).map {
            String(decoding: bytes[$0.bytes], as: UTF8.self)
        }
    }

    func testSplitsOnlyAtDocumentMarkersAtLineStart() {
        let text = "a: 1\n---\nb: \"---\"\n--- c\n---x: 1\nd: |\n  ---\n"
        XCTAssertEqual(split(text), ["a: 1\n", "---\nb: \"---\"\n", "--- c\n---x: 1\nd: |\n  ---\n"])
        // A marker may end the file without a line break.
        XCTAssertEqual(split("a: 1\n---"), ["a: 1\n", "---"])
        XCTAssertEqual(split("a: 1\r\n---"), ["a: 1\r\n", "---"])
    }

    func testLineNumbersFollowEveryLineBreakStyle() {
        let bytes = Array("a: 1\r\nb: 2\r---\nc: 3\n".utf8)
        let chunks = YAMLChunk.split(bytes, preferredSize: 1, maxDocuments: 10)
        XCTAssertEqual(chunks.map(\.firstLine), [1, 3])
    }

    func testFilesWithAndWithoutCarriageReturnsSplitAtTheSameDocuments() {
        // A file without carriage returns is scanned line feed to line feed (memchr);
        // one with them byte by byte. Both must find the same markers on the same lines.
        let lineFeeds = Array(String(repeating: "---\nkey: value\nlist: [a, b]\n", count: 40).utf8)
        let carriageReturns = lineFeeds.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
        let plain = YAMLChunk.split(lineFeeds, preferredSize: 100, maxDocuments: 100)
        let crlf = YAMLChunk.split(carriageReturns, preferredSize: 100, maxDocuments: 100)
        XCTAssertGreaterThan(plain.count, 5)
        XCTAssertEqual(plain.map(\.firstLine), crlf.map(\.firstLine))
        XCTAssertEqual(plain.map(\.firstLine).first, 1)
        XCTAssertEqual(plain.last?.bytes.upperBound, lineFeeds.count)
    }

    /// Random files of lines that are, or nearly are, markers and directives, with and
    /// without a last line break: a file without carriage returns (scanned line feed to line
    /// feed) splits where the same file with them (scanned byte by byte) splits, and the
    /// document limit stops both alike.
    func testLineFeedFilesSplitAsByteByByteScanning() {
        let lines = [
            "---", "--- x", "---\t#", "---x", "----", "--", "-", "- item", "-- -", "%YAML 1.2", "%", "key: value",
            "  - a", "", "...", "a: '---'", "x%: 1", "long: \(String(repeating: "v", count: 40))",
        ]
        var random = SeededRandom(seed: 0x5EED)
        for round in 0..<2_000 {
            var text = (0...random.next(60)).map { _ in lines[random.next(lines.count)] }.joined(separator: "\n")
            if round % 3 != 0 { text += "\n" }
            let lineFeeds = Array(text.utf8)
            let carriageReturns = lineFeeds.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
            let maxDocuments = 1 + random.next(30)
            let plain = YAMLChunk.split(lineFeeds, preferredSize: 1, maxDocuments: maxDocuments)
            let crlf = YAMLChunk.split(carriageReturns, preferredSize: 1, maxDocuments: maxDocuments)
            XCTAssertEqual(plain.map(\.firstLine), crlf.map(\.firstLine), text)
            XCTAssertEqual(plain.last?.bytes.upperBound, lineFeeds.count)
        }
    }

    func testDirectivesAndTooManyDocumentsKeepOneChunk() {
        XCTAssertEqual(split("a: 1\n...\n%YAML 1.1\n---\nb: 2\n").count, 1)
        XCTAssertEqual(split("---\na\n---\nb\n---\nc\n", maxDocuments: 2).count, 1)
        XCTAssertEqual(split("---\na\n---\nb\n", size: 1 << 20).count, 1, "small files are not split")
    }

    func testChunksGroupDocumentsUpToTheSize() {
        let text = String(repeating: "---\nkey: value\n", count: 10)
        let chunks = split(text, size: 40)
        XCTAssertEqual(chunks.joined(), text)
        XCTAssertTrue(chunks.dropLast().allSatisfy { $0.utf8.count >= 40 }, "\(chunks.map(\.count))")
    }

    func testChunkReadingKeepsFilePositions() {
        let text = "a: 1\n---\nb: 2\n---\nc: [\n"
        let bytes = Array(text.utf8)
        let reader = YAMLReader(file: FileID(0))
        var positions: [SourcePosition] = []
        var diagnostics = DiagnosticCollector()
        for chunk in YAMLChunk.split(bytes, preferredSize: 1, maxDocuments: 10) {
            reader.read(chunk, of: bytes, diagnostics: &diagnostics) { positions.append($0.root.range.start) }
        }
        XCTAssertEqual(positions, [SourcePosition(line: 1, column: 1), SourcePosition(line: 3, column: 1)])
        XCTAssertEqual(diagnostics.diagnostics.first?.range.start.line, 6, "errors in later chunks keep file lines")
    }
}
