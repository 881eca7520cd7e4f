import XCTest

@testable import PortcullisModel

/// The written forms of IP filter entries and the address sets the access diff compares.
final class IPv4Tests: XCTestCase {
    private func range(_ text: String) -> IPv4Range? {
        if case .success(let range) = IPv4Text.range(text) { return range }
        return nil
    }

    func testCIDRBlocksBecomeTheirFirstAndLastAddress() {
        XCTAssertEqual(range("10.0.0.0/8")?.description, "10.0.0.0-10.255.255.255")
        XCTAssertEqual(range("192.168.4.0/22")?.description, "192.168.4.0-192.168.7.255")
        XCTAssertEqual(range("203.0.113.7/32")?.description, "203.0.113.7")
        XCTAssertEqual(range("0.0.0.0/0")?.description, "0.0.0.0-255.255.255.255")
        XCTAssertEqual(range("198.51.100.1-198.51.100.9")?.description, "198.51.100.1-198.51.100.9")
        XCTAssertEqual(range("255.255.255.255"), IPv4Range(first: .max, last: .max))
    }

    func testMalformedEntriesSayWhy() {
        for (text, reason) in [
            ("10.0.0.5/24", "its network is '10.0.0.0/24'"), ("10.0.0.0/33", "0 to 32"), ("10.0.0.0/-1", "0 to 32"),
            ("10.0.0.9-10.0.0.1", "lower address"), ("2001:db8::/32", "IPv6"), ("::ffff:10.0.0.1", "IPv6"),
            ("010.0.0.1", "leading zeros"), ("256.0.0.1", "0 to 255"), ("10.0.0", "IPv4 address"), ("10.0.0.1.", "IPv4 address"),
            ("", "IPv4 address"), ("10.0.0.1 ", "IPv4 address"),
        ] {
            guard case .failure(let invalid) = IPv4Text.range(text) else { return XCTFail("accepted '\(text)'") }
            XCTAssertTrue(invalid.reason.contains(reason), "'\(text)': \(invalid.reason)")
        }
    }

    func testSetsMergeComplementAndSubtract() {
        let set = IPv4Set([IPv4Range(first: 10, last: 20), IPv4Range(first: 21, last: 30), IPv4Range(first: 5, last: 12), IPv4Range(first: 40, last: 40)])
        XCTAssertEqual(set.ranges, [IPv4Range(first: 5, last: 30), IPv4Range(first: 40, last: 40)])
        XCTAssertEqual(set.complement.ranges, [IPv4Range(first: 0, last: 4), IPv4Range(first: 31, last: 39), IPv4Range(first: 41, last: .max)])
        XCTAssertEqual(set.complement.complement, set)
        XCTAssertEqual(IPv4Set.everything.complement.ranges, [])
        XCTAssertEqual(IPv4Set([]).complement, .everything)
        XCTAssertEqual(
            set.subtracting(IPv4Set([IPv4Range(first: 8, last: 9), IPv4Range(first: 25, last: 45)])).ranges,
            [IPv4Range(first: 5, last: 7), IPv4Range(first: 10, last: 24)])
        XCTAssertTrue(set.subtracting(.everything).isEmpty)
        XCTAssertEqual(IPv4Set([IPv4Range(first: .max - 1, last: .max), IPv4Range(first: 0, last: 0)]).complement.ranges, [IPv4Range(first: 1, last: .max - 2)])
    }
}
