import Foundation
import PortcullisDiagnostics
import XCTest

@testable import PortcullisPolicyXML

/// The structure check on the public policy documents in `../shared/real-world`: each is
/// checked at the scope it is meant for, and passes.
final class RealWorldStructureTests: XCTestCase {
    /// Findings that are real mistakes in a public document, by file name, with the reason.
    static let realMistakes: [String: (finding: String, reason: String)] = [
        "Authenticate using Managed Identity to access Event Hub.xml": (
            "PX003 15:10 'quota' is not allowed at API scope",
            "the file is an effective policy, with the product's statements copied in where '<base />' was (its comments say so); as an API's policy APIM refuses 'quota', which is for products only"
        ),
        "Get OAuth2 access token from AAD using client id and certificate using key vault manage identity.xml": (
            "PX005 92:136 'duration' of 'cache-store-value' is not a whole number",
            "'{{cachetime}]' closes its reference with ']', so it names no named value, and the text is no number"
        ),
    ]

    func testEveryRealWorldPolicyPassesTheStructureCheck() throws {
        let files = try RealWorldPolicyTests.policyFiles(under: "policy-snippets")
            + RealWorldPolicyTests.policyFiles(under: "apiops-sample-artifacts")
        var failures: [String] = []
        var checked = 0
        for file in files {
            var diagnostics = DiagnosticCollector()
            let text = [UInt8](try Data(contentsOf: file))
            guard
                let document = PolicyXMLReader.read(
                    text, placement: .file(FileID(0)), what: "'\(file.lastPathComponent)'", diagnostics: &diagnostics)
            else { continue }  // the reader's own test covers the documents APIM cannot load
            let scope = Self.scope(of: file, root: document.root.name)
            var findings = DiagnosticCollector()
            PolicyStructure.check(document, at: scope, into: &findings)
            checked += 1
            let described = findings.diagnostics.map {
                "\($0.code.id) \($0.range.start.line):\($0.range.start.column) \($0.message)"
            }
            if let mistake = Self.realMistakes[file.lastPathComponent] {
                XCTAssertEqual(described, [mistake.finding], file.lastPathComponent)
            } else if !described.isEmpty {
                failures.append("\(file.lastPathComponent) at \(scope): \(described)")
            }
        }
        XCTAssertGreaterThan(checked, 60)
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }

    /// The scope a document is written for: an APIOps tree says so by its folders; a snippet
    /// is meant for an API unless it is a fragment.
    static func scope(of file: URL, root: String) -> PolicyScope {
        let folders = file.pathComponents
        if root == "fragment" || folders.contains("policy fragments") { return .fragment }
        guard folders.contains("SampleArtifacts") else { return .api }
        if folders.contains("operations") { return .operation }
        if folders.contains("apis") { return .api }
        if folders.contains("products") { return .product }
        return .global
    }
}
