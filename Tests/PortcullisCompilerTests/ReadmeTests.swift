import Foundation
import PortcullisCompiler
import PortcullisDiagnostics
import XCTest

/// The README shows the tool's real output; this keeps it real.
final class ReadmeTests: XCTestCase {
    func testMistakesSampleOutputInReadmeIsCurrent() throws {
        let readme = try String(
            contentsOf: GoldenFiles.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "<!-- mistakes-sample-output:start -->\n```text\n$ portcullis lint Samples/mistakes\n"))
        let end = try XCTUnwrap(readme.range(of: "```\n<!-- mistakes-sample-output:end -->"))
        let shown = String(readme[start.upperBound..<end.lowerBound])

        let files = InputFiles(workingDirectory: GoldenFiles.packageRoot.path)
        let inputs = try files.read(files.discover(["Samples/mistakes"]), limits: LintOptions().limits)
        let actual = TextReporter().render(LintPipeline.run(inputs).report)
        XCTAssertEqual(shown, actual, "update the README block with the output of 'portcullis lint Samples/mistakes'")
    }
}
