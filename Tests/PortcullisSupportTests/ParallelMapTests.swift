import PortcullisSupport
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
    }
}
