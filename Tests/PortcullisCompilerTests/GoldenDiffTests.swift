import XCTest

/// A failing golden test shows what changed, with the lines around it.
final class GoldenDiffTests: XCTestCase {
    func testAnInsertedLineShowsAloneWithItsContext() {
        let expected = (1...10).map { "line \($0)" }.joined(separator: "\n")
        var lines = (1...10).map { "line \($0)" }
        lines.insert("new", at: 2)
        lines[8] = "changed"
        XCTAssertEqual(
            GoldenFiles.lineDiff(expected: expected, actual: lines.joined(separator: "\n")),
            """
            @@ -1 +1 @@
              line 1
              line 2
            + new
              line 3
              line 4
            @@ -6 +7 @@
              line 6
              line 7
            - line 8
            + changed
              line 9
              line 10
            """)
    }

    func testEqualTextsHaveNoDiff() {
        XCTAssertEqual(GoldenFiles.lineDiff(expected: "a\nb", actual: "a\nb"), "")
    }
}
