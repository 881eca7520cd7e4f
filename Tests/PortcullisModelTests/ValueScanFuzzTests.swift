@testable import PortcullisModel
import PortcullisTestSupport
import XCTest

/// `DecodingContext.scan` answers printable ASCII without braces at once; random texts
/// weighted to the bytes that matter must get the answers of the full scan it skips.
final class ValueScanFuzzTests: XCTestCase {
    func testShortcutAnswersAsTheFullScan() {
        let pieces = [
            " ", "\t", "\n", "\r", "\0", "@", "(", "{", "}", "{{", "}}", "a", "Z", "z", "~", "|", "\u{7F}", "\u{80}",
            "\u{9F}", "\u{A0}", "\u{2003}", "\u{3000}", "\u{FEFF}", "\u{F000}", "\u{FFFD}", "é", "😀", "x", "0", ":",
        ]
        var random = SeededRandom(seed: 0x5CA7)
        func next(_ bound: Int) -> Int { random.next(bound) }
        for _ in 0..<200_000 {
            let text = (0..<next(7)).map { _ in pieces[next(pieces.count)] }.joined()
            let scanned = DecodingContext.scan(text)
            let full = DecodingContext.fullScan(text)
            XCTAssertTrue(scanned == full, "scan differs for \(Array(text.utf8))")
        }
    }
}
