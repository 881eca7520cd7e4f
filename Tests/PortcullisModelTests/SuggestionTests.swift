import XCTest

import PortcullisDiagnostics
import PortcullisTestSupport

/// "Did you mean" measures ASCII names from their bytes, lowercased as read, and stops a
/// distance once it passes the threshold; these tests hold it to the plain definition:
/// lowercase both names as strings, measure by the full table, and fall back to the one
/// candidate that extends the name.
final class SuggestionTests: XCTestCase {
    func testLikelySlipsFindTheirName() {
        XCTAssertEqual(Suggestion.closest(to: "scops", among: ["backend", "scopes", "routes"]), "scopes")
        XCTAssertEqual(Suggestion.closest(to: "BackEnd", among: ["backend", "scopes"]), "backend")
        XCTAssertEqual(Suggestion.closest(to: "tenant", among: ["tenant-id", "region"]), "tenant-id")
        XCTAssertEqual(Suggestion.closest(to: "GRÖSSE", among: ["größe", "grace"]), "größe")
    }

    func testNamesTooFarOrAmbiguousGetNone() {
        XCTAssertNil(Suggestion.closest(to: "x12345", among: ["backend", "scopes", "routes"]))
        XCTAssertNil(Suggestion.closest(to: "tenant", among: ["tenant-id", "tenant-name"]))
        XCTAssertNil(Suggestion.closest(to: "te", among: ["tenant-id"]))
        XCTAssertNil(Suggestion.closest(to: String(repeating: "a", count: 129), among: [String(repeating: "a", count: 129)]))
    }

    /// A carriage return and a line feed are one character: a name ending in the return does
    /// not start a candidate that goes on with the feed, as strings compare.
    func testACarriageReturnBeforeALineFeedIsNotAPrefix() {
        XCTAssertNil(Suggestion.closest(to: "abc\r", among: ["abc\r\nlonger", "q"]))
        XCTAssertEqual(Suggestion.closest(to: "abc\r", among: ["abc\rlonger", "q"]), "abc\rlonger")
    }

    /// Thousands of names drawn from letters in both cases, letters whose lowercase has a
    /// different number of scalars, combining marks and line breaks: every answer is the
    /// plain definition's.
    func testAnswersAreThePlainDefinitions() {
        let pieces = ["a", "b", "c", "A", "B", "-", "ab", "abc", "é", "E\u{301}", "İ", "ß", "\r", "\n", "\r\n", "x"]
        var random = SeededRandom(seed: 0x5EED)
        func name() -> String {
            (0..<random.next(8)).map { _ in pieces[random.next(pieces.count)] }.joined()
        }
        for _ in 0..<3_000 {
            let word = name()
            let candidates = (0..<random.next(7)).map { _ in name() }
            XCTAssertEqual(
                Suggestion.closest(to: word, among: candidates), Self.plainClosest(to: word, among: candidates),
                "\(word.debugDescription) among \(candidates.debugDescription)")
        }
    }

    /// The definition, written as plainly as it reads.
    private static func plainClosest(to word: String, among candidates: [String]) -> String? {
        let target = Array(word.lowercased().unicodeScalars)
        guard target.count <= 128 else { return nil }
        let threshold = max(1, target.count / 3)
        let near = candidates.compactMap { candidate -> (String, Int)? in
            guard abs(candidate.unicodeScalars.count - target.count) <= threshold else { return nil }
            let distance = levenshtein(target, Array(candidate.lowercased().unicodeScalars))
            return distance <= threshold ? (candidate, distance) : nil
        }
        if let best = near.min(by: { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }) { return best.0 }
        let lowered = word.lowercased()
        let extensions = candidates.filter { $0.lowercased().hasPrefix(lowered) }
        return lowered.count >= 3 && extensions.count == 1 ? extensions[0] : nil
    }

    /// Edit distance by the full table, written apart from the code it checks.
    private static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var table = (0...a.count).map { i in (0...b.count).map { j in i == 0 ? j : (j == 0 ? i : 0) } }
        for i in a.indices {
            for j in b.indices {
                table[i + 1][j + 1] = min(table[i][j + 1] + 1, table[i + 1][j] + 1, table[i][j] + (a[i] == b[j] ? 0 : 1))
            }
        }
        return table[a.count][b.count]
    }

    /// The public distance, which file recognition uses, against the full table.
    func testEditDistanceIsLevenshteins() {
        for (a, b, expected) in [("", "", 0), ("abc", "", 3), ("", "ab", 2), ("kitten", "sitting", 3), ("portcullis", "portculis", 1), ("é", "e\u{301}", 2)] {
            let (left, right) = (Array(a.unicodeScalars), Array(b.unicodeScalars))
            XCTAssertEqual(Suggestion.editDistance(left, right), expected, "\(a) \(b)")
            XCTAssertEqual(Self.levenshtein(left, right), expected, "\(a) \(b)")
        }
    }
}
