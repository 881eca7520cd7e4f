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
