import XCTest

/// Fails for each of `expected` that `found` lacks, showing everything found: a test that
/// lists the findings it must see among others.
public func XCTAssertContainsEach(_ found: [String], _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
    for item in expected where !found.contains(item) {
        XCTFail("missing: \(item)\nin:\n\(found.joined(separator: "\n"))", file: file, line: line)
    }
}
