@testable import PortcullisModel
import PortcullisTestSupport
import XCTest

/// `DecodingContext.scan` answers printable ASCII without braces at once; random texts
/// weighted to the bytes that matter must get the answers of the full scan it skips.
final class ValueScanFuzzTests: XCTestCase {
    /// The scan as it was before the shortcut, kept to compare against.
    private static func fullScan(_ text: String) -> (Bool, Bool, Bool) {
        let bytes = Array(text.utf8)
        var index = 0
        let count = bytes.count
        while index < count, bytes[index] <= 0x20 { index += 1 }
        let expressionPrefix =
            index + 1 < count && bytes[index] == UInt8(ascii: "@")
            && (bytes[index + 1] == UInt8(ascii: "(") || bytes[index + 1] == UInt8(ascii: "{"))
        let unicodeLead = index < count && bytes[index] >= 0x7F
        var hasBraces = false
        var mayHoldForbidden = false
        for position in 0..<count {
            let byte = bytes[position]
            if (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F || byte == 0xC2 || byte == 0xEF {
                mayHoldForbidden = true
            }
            if position > 0, byte == 0x7B || byte == 0x7D, bytes[position - 1] == byte { hasBraces = true }
        }
        return (expressionPrefix || (unicodeLead && PolicyText.isExpression(text)), hasBraces, mayHoldForbidden)
    }

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
            let full = Self.fullScan(text)
            XCTAssertTrue(
                scanned.expressionPrefix == full.0 && scanned.hasBraces == full.1 && scanned.mayHoldForbidden == full.2,
                "scan differs for \(Array(text.utf8))")
        }
    }
}
