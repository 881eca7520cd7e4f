import PortcullisDiagnostics
import XCTest

@testable import PortcullisPolicyXML

/// The structure check on the largest documents APIM takes, read by the real reader.
final class StructureLimitTests: XCTestCase {
    /// A document at APIM's size limit made of misspelt statements: the first findings are
    /// reported, the last of them says there are more, and the check takes no time to speak of.
    func testADocumentFullOfUnknownStatementsIsReportedUpToTheLimit() throws {
        let statement = "<set-heder name=\"a\" />\n"
        let count = (PolicyXMLReader.maximumSize - 64) / statement.utf8.count
        let text = "<policies><inbound>\n" + String(repeating: statement, count: count) + "</inbound></policies>"
        var diagnostics = DiagnosticCollector()
        let document = try XCTUnwrap(
            PolicyXMLReader.read(Array(text.utf8), placement: .file(FileID(0)), what: "'big.xml'", diagnostics: &diagnostics))
        let started = Date()
        PolicyStructure.check(document, at: .api, into: &diagnostics)
        diagnostics.suggest(within: SuggestionBudget())
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThan(count, 10_000)
        XCTAssertEqual(diagnostics.diagnostics.count, PolicyStructure.maximumFindings)
        XCTAssertEqual(diagnostics.diagnostics.last?.range.start.line, UInt32(PolicyStructure.maximumFindings + 1))
        XCTAssertEqual(diagnostics.diagnostics.last?.notes.map(\.message), [
            "did you mean 'set-header'?",
            "the document has more structure errors than the 100 reported; fix these and check again",
        ])
        XCTAssertLessThan(elapsed, 10, "the check of \(count) statements took \(elapsed) s")
    }

    /// As many findings as the limit, and no more: nothing says others were left out.
    func testFindingsUpToTheLimitAreAllShown() throws {
        let text =
            "<policies><inbound>\n"
            + String(repeating: "<set-heder name=\"a\" />\n", count: PolicyStructure.maximumFindings) + "</inbound></policies>"
        var diagnostics = DiagnosticCollector()
        let document = try XCTUnwrap(
            PolicyXMLReader.read(Array(text.utf8), placement: .file(FileID(0)), what: "'full.xml'", diagnostics: &diagnostics))
        PolicyStructure.check(document, at: .api, into: &diagnostics)
        diagnostics.suggest(within: SuggestionBudget())
        XCTAssertEqual(diagnostics.diagnostics.count, PolicyStructure.maximumFindings)
        XCTAssertEqual(diagnostics.diagnostics.last?.notes.map(\.message), ["did you mean 'set-header'?"])
    }
}
