import Foundation
import PortcullisDiagnostics
import XCTest

@testable import PortcullisPolicyXML

/// Reads the public policy documents in `../shared/real-world`, which nobody here wrote.
final class RealWorldPolicyTests: XCTestCase {
    static var realWorld: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/real-world")
    }

    /// Every `.xml` file under `folder` of `../shared/real-world`, or a skip when it is absent.
    static func policyFiles(under folder: String) throws -> [URL] {
        let root = realWorld.appendingPathComponent(folder)
        guard FileManager.default.fileExists(atPath: root.path) else {
            throw XCTSkip("\(root.path) is absent (../shared is not beside this clone); the real-world policy tests run in CI")
        }
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "xml" }.sorted { $0.path < $1.path }
    }

    /// Documents of the public sample set that APIM itself cannot load, with the reason and
    /// the start of the finding Portcullis must give for each.
    static let refused: [String: (reason: String, finding: String)] = [
        "Call out to an HTTP endpoint and cache the response.policy.xml": (
            "its 'rewrite-uri' expression was mangled when the sample was written: its quotes and braces never close",
            "40:28 the policy expression that starts here never ends"
        ),
        "Filter response content based on product name.policy.xml": (
            "its first comment never closes before a second '<!--', and XML forbids '--' inside a comment",
            "2:3 'Filter response content based on product name.policy.xml' is not well-formed XML: double hyphen within comment"
        ),
    ]

    func testEveryRealWorldPolicyIsRead() throws {
        let files = try Self.policyFiles(under: "policy-snippets") + Self.policyFiles(under: "apiops-sample-artifacts")
        XCTAssertGreaterThan(files.count, 60)
        var failures: [String] = []
        for file in files {
            var diagnostics = DiagnosticCollector()
            let text = [UInt8](try Data(contentsOf: file))
            let document = PolicyXMLReader.read(text, placement: .file(FileID(0)), what: "'\(file.lastPathComponent)'", diagnostics: &diagnostics)
            let findings = diagnostics.diagnostics.map { "\($0.range.start.line):\($0.range.start.column) \($0.message)" }
            if let refused = Self.refused[file.lastPathComponent] {
                XCTAssertNil(document, file.lastPathComponent)
                XCTAssertTrue(findings.first?.hasPrefix(refused.finding) == true, "\(file.lastPathComponent): \(findings)")
            } else if document == nil {
                failures.append("\(file.lastPathComponent): \(findings)")
            }
        }
        XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
    }
}
