import PortcullisDiagnostics
import XCTest

/// Where a file's lines start, as reports and inline raw policies place text by them.
final class SourceFileLineTests: XCTestCase {
    func testLinesEndAtLFCRLFAndALoneCR() {
        let file = SourceFile(path: "a.yaml", bytes: Array("a\nbc\r\nd\re\n\nf".utf8))
        XCTAssertEqual(file.lineStarts(), [0, 2, 6, 8, 10, 11])
        XCTAssertEqual(file.lineStarts(through: 3), [0, 2, 6])
        XCTAssertEqual(file.line(3, starts: file.lineStarts()), "d")
        XCTAssertEqual(SourceFile(path: "b.yaml", bytes: []).lineStarts(), [0])
        XCTAssertEqual(SourceFile(path: "c.yaml", bytes: Array("x\r".utf8)).lineStarts(), [0, 2])
    }
}
