import Foundation
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisPolicyXML
import XCTest

/// The language's reach, measured on policies nobody here wrote: every public APIM policy
/// sample in `../shared/real-world/policy-snippets` is written in a project as a route's raw
/// policy (or a fragment), built, and the built policy must mean what the sample means.
final class RealWorldSnippetTests: XCTestCase {
    static let examples = GoldenFiles.packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/real-world/policy-snippets/examples")

    /// Samples APIM itself cannot load; `PolicyXMLReader`'s tests check that each is refused
    /// with a located finding.
    static let refused: Set<String> = [
        "Call out to an HTTP endpoint and cache the response.policy.xml",
        "Filter response content based on product name.policy.xml",
    ]

    func testEverySampleBuildsToAnEquivalentPolicy() throws {
        guard FileManager.default.fileExists(atPath: Self.examples.path) else {
            throw XCTSkip("\(Self.examples.path) is absent (../shared is not beside this clone); the real-world tests run in CI")
        }
        let files = FileManager.default.enumerator(at: Self.examples, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "xml" && !Self.refused.contains($0.lastPathComponent) }
            .sorted { $0.path < $1.path }
        XCTAssertEqual(files.count, 57)
        let project = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: project) }
        let policies = project.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)

        var routes: [String] = []
        var fragments: [String] = []
        var originals: [String: (file: URL, built: String)] = [:]
        var names = Set<String>()
        for (index, file) in files.enumerated() {
            let text = try String(contentsOf: file, encoding: .utf8)
            names.formUnion(Self.namedValues(in: text))
            if Self.isFragment(text) {
                let id = file.deletingPathExtension().lastPathComponent
                try text.write(to: policies.appendingPathComponent("\(id).xml"), atomically: true, encoding: .utf8)
                fragments.append(
                    "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: \(id)\npolicy: policies/\(id).xml\n")
                originals[file.lastPathComponent] = (file, "apim/policy fragments/\(id)/policy.xml")
            } else {
                let id = "snippet-\(index + 1)"
                try text.write(to: policies.appendingPathComponent("\(id).xml"), atomically: true, encoding: .utf8)
                routes.append(
                    "  - id: \(id)\n    method: POST\n    path: /\(id)\n    public: a public sample\n    policy: policies/\(id).xml\n")
                originals[file.lastPathComponent] = (file, "apim/apis/samples/operations/\(id)/policy.xml")
            }
        }
        let gateway = """
            apiVersion: portcullis/v1
            kind: Gateway
            name: samples
            identityProviders:
              entra:
                type: jwt
                issuer: https://login.example.com/samples/v2.0
                openidConfig: https://login.example.com/samples/v2.0/.well-known/openid-configuration
                audiences: [api://samples]
            scopes:
              samples.read: {access: read}
            secrets:

            """
        // Every name a sample uses is declared as a Key Vault secret: some are credentials.
        let values = names.sorted().map { name in
            let vaultName = String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
            return "  \(name): {keyVault: https://samples.vault.azure.net/secrets/\(vaultName)}\n"
        }.joined()
        try (gateway + values).write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: samples
            path: samples
            backend: https://backend.example.com
            routes:

            """
        try (api + routes.joined() + fragments.joined()).write(to: project.appendingPathComponent("samples.yaml"), atomically: true, encoding: .utf8)
        // The samples' routes are public and unlimited: what the samples do is the point here,
        // and a limit would add generated statements to compare around.
        try "rules:\n  RL001: off\n  LP007: off\n".write(
            to: project.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)

        let bundle = try BundleTests.build(project)
        var differing: [String] = []
        for (name, original) in originals.sorted(by: { $0.key < $1.key }) {
            guard let built = bundle.files[original.built] else {
                differing.append("\(name): not built")
                continue
            }
            let expected = try Self.canonical([UInt8](Data(contentsOf: original.file)))
            let actual = try Self.canonical(built)
            if expected != actual { differing.append("\(name):\n\(GoldenFiles.lineDiff(expected: expected, actual: actual))") }
        }
        XCTAssertEqual(differing, [], differing.joined(separator: "\n\n"))
    }

    static func canonical(_ bytes: [UInt8]) throws -> String {
        var diagnostics = DiagnosticCollector()
        let document = try XCTUnwrap(PolicyXMLReader.read(bytes, placement: .file(FileID(0)), what: "a policy", diagnostics: &diagnostics))
        return PolicyXMLCanonical.form(of: document)
    }

    static func isFragment(_ text: String) -> Bool {
        FileRecognitionProbe.rootName(text) == "fragment"
    }

    /// `{{name}}` references, which the project must declare.
    static func namedValues(in text: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = String(rest[open.upperBound..<close.lowerBound])
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), name.first!.isASCII { names.insert(name) }
            rest = rest[close.upperBound...]
        }
        return names
    }
}

/// The root element's name, skipping the prolog and comments.
enum FileRecognitionProbe {
    static func rootName(_ text: String) -> String? {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            if after.hasPrefix("?") || after.hasPrefix("!--") {
                guard let end = after.range(of: after.hasPrefix("?") ? "?>" : "-->") else { return nil }
                rest = after[end.upperBound...]
                continue
            }
            return String(after.prefix { !" \t\r\n/>".contains($0) })
        }
        return nil
    }
}
