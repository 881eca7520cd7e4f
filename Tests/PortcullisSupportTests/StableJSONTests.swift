import Foundation
@testable import PortcullisSupport
import XCTest

final class StableJSONTests: XCTestCase {
    private struct Sample: Encodable {
        struct Inner: Encodable {
            var name = "inner"
            var flags = [true, false]
        }

        var zebra = 1
        var alpha = "quote \" backslash \\ slash / tab \t newline \n bell \u{7} del \u{7F} é 😀"
        var key_a: UInt32 = 7
        var keyA = -3
        var Upper = "u"
        var empty: [Int] = []
        var emptyMap: [String: Int] = [:]
        var absent: String? = nil
        var nested = [[1, 2], [3]]
        var map = ["b": Inner(), "a": Inner(name: "first", flags: [])]
        var fraction = 1.5
        var whole = 2.0
    }

    /// Byte for byte what Foundation's encoder wrote before, which every bundle and report
    /// golden was made with.
    func testMatchesFoundationsSortedPrettyPrintedLayout() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        for value in [Sample(), Sample(zebra: 0, alpha: "", nested: [], map: [:])] {
            let expected = String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
            XCTAssertEqual(StableJSON.encode(value), expected)
        }
        XCTAssertEqual(StableJSON.encode(["x"]), String(decoding: try encoder.encode(["x"]), as: UTF8.self) + "\n")
        XCTAssertEqual(StableJSON.encode("top"), "\"top\"\n")
    }
}
