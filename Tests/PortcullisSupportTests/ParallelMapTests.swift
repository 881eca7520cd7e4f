@testable import PortcullisSupport
import XCTest

final class ParallelMapTests: XCTestCase {
    /// Many small maps with reference-counted results: a race on the result storage
    /// shows up here as a crash or a wrong value.
    func testResultsKeepOrderUnderContention() {
        for round in 0..<300 {
            let results = ParallelMap.map(0..<257) { index in [String(index + round)] }
            XCTAssertEqual(results.count, 257)
            XCTAssertEqual(results.map { $0[0] }, (0..<257).map { String($0 + round) })
        }
    }

    func testEmptyAndSingleRanges() {
        XCTAssertEqual(ParallelMap.map(0..<0) { $0 }, [])
        XCTAssertEqual(ParallelMap.map(5..<6) { $0 * 2 }, [10])
        XCTAssertEqual(ParallelMap.map(0..<0, largestFirst: { $0 }) { $0 }, [])
        XCTAssertEqual(ParallelMap.map(5..<6, largestFirst: { $0 }) { $0 * 2 }, [10])
    }

    /// Items started largest first still come back in input order, each made once.
    func testLargestFirstKeepsInputOrder() {
        for round in 0..<100 {
            let sizes = (0..<97).map { ($0 * 37 + round) % 11 }
            let results = ParallelMap.map(3..<100, largestFirst: { sizes[$0 - 3] }) { index in [String(index)] }
            XCTAssertEqual(results.map { $0[0] }, (3..<100).map(String.init))
        }
    }

    /// The start order: largest first, and items of equal size in input order.
    func testLargestFirstOrder() {
        XCTAssertEqual(ParallelMap.largestFirst([1, 5, 3, 5, 1, 9]), [5, 1, 3, 2, 0, 4])
        XCTAssertEqual(ParallelMap.largestFirst([2, 2, 2]), [0, 1, 2])
        XCTAssertEqual(ParallelMap.largestFirst([]), [])
    }
}

final class SHA256Tests: XCTestCase {
    /// FIPS 180-2 test vectors, and a message that spans several blocks.
    func testKnownDigests() {
        XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // The same vectors through the portable compression, whichever runs by default.
        XCTAssertEqual(
            SHA256.digest(pieces: [Array("abc".utf8)], hardware: false),
            SHA256.digest(pieces: [Array("abc".utf8)], hardware: SHA256.hardware))
    }

    /// Lengths where the padding's marker and length fall in the same block, need a second
    /// one, or fill the first exactly; digests of runs of 'a' from another implementation
    /// (Python's hashlib), through both compressions and in two pieces.
    func testLengthsAroundThePadding() {
        let digests = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            57: "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            65: "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
            119: "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb",
            120: "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c",
            127: "c57e9278af78fa3cab38667bef4ce29d783787a2f731d4e12200270f0c32320a",
            128: "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e",
        ]
        for (length, expected) in digests {
            let message = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            XCTAssertEqual(SHA256.hex(message), expected, "length \(length)")
            XCTAssertEqual(SHA256.hex(pieces: [message[..<7], message[7...]]), expected, "length \(length) in pieces")
            let portable = SHA256.digest(pieces: [message], hardware: false)
            XCTAssertEqual(portable.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(), expected)
        }
        XCTAssertEqual(
            SHA256.hex(Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8)),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    /// A message in pieces, cut anywhere, has the digest of the whole.
    func testPiecesHashAsTheWhole() {
        let message = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let whole = SHA256.hex(message)
        for cuts in [[0], [1, 63], [64, 128], [3, 70, 200, 201, 999], [500, 500]] {
            var pieces: [ArraySlice<UInt8>] = []
            var start = 0
            for cut in cuts + [message.count] {
                pieces.append(message[start..<cut])
                start = cut
            }
            XCTAssertEqual(SHA256.hex(pieces: pieces), whole, "cut at \(cuts)")
        }
    }

    /// Where the processor has SHA extensions, their compression agrees with the portable
    /// one for every length around the block boundaries and for long messages.
    func testHardwareAndPortableCompressionAgree() throws {
        try XCTSkipUnless(SHA256.hardware, "this processor has no SHA extensions; the portable compression alone runs")
        var generator = SystemRandomNumberGenerator()
        for length in Array(0...200) + [1_000, 4_096, 65_537, 1_000_000] {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(
                SHA256.digest(pieces: [message], hardware: true), SHA256.digest(pieces: [message], hardware: false), "length \(length)")
        }
    }
}
