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

    /// A value written ahead as a fragment lands in the document exactly as if it had been
    /// written in place, at any depth, empty containers (whose inner line stays blank) too.
    func testFragmentsWriteAsTheValuesInPlace() {
        struct Holder<Item: Encodable>: Encodable {
            var items: [Item]
            var deeper: [String: [Item]]
        }
        let samples = [Sample(), Sample(zebra: 0, alpha: "", nested: [], map: [:])]
        let inPlace = Holder(items: samples, deeper: ["x": samples])
        let ahead = Holder(
            items: samples.map { StableJSON.Fragment($0, depth: 2) }, deeper: ["x": samples.map { StableJSON.Fragment($0, depth: 3) }])
        XCTAssertEqual(StableJSON.encode(ahead), StableJSON.encode(inPlace))
        XCTAssertEqual(StableJSON.encode(StableJSON.Fragment(samples[1], depth: 0)), StableJSON.encode(samples[1]))
    }

    /// The writer gives the layout of the encoder, members given in sorted order.
    func testWriterWritesTheEncodersLayout() {
        struct Entry: Encodable {
            var a = "x"
            var b: [Int] = []
            var c = [["d": 1]]
        }
        var json = StableJSON.Writer(depth: 1)
        json.beginObject()
        json.key("a")
        json.string("x")
        json.key("b")
        json.beginArray()
        json.endArray()
        json.key("c")
        json.beginArray()
        json.beginObject()
        json.key("d")
        json.number(1)
        json.endObject()
        json.endArray()
        json.endObject()
        XCTAssertEqual(StableJSON.encode([StableJSON.Fragment(json)]), StableJSON.encode([Entry()]))
    }
}
