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

    /// Typos in samples that APIM would refuse, by sample: the text and what it must have
    /// meant. The checker reads each sample as written and reports the typo (PX005); the
    /// build reads the corrected text, so that the sample's meaning is still compared.
    static let typos: [String: (typo: String, meant: String)] = [
        // An unclosed reference to a named value is no reference: `duration` would be the
        // text "{{cachetime}]", not a number.
        "Get OAuth2 access token from AAD using client id and certificate using key vault manage identity.xml": ("{{cachetime}]", "{{cachetime}}")
    ]

    /// The sample's text, its typo corrected when `correcting`.
    static func text(of file: URL, correcting: Bool) throws -> String {
        let text = try String(contentsOf: file, encoding: .utf8)
        guard correcting, let typo = typos[file.lastPathComponent] else { return text }
        XCTAssertTrue(text.contains(typo.typo), "the typo in \(file.lastPathComponent) is gone; remove it from 'typos'")
        return text.replacingOccurrences(of: typo.typo, with: typo.meant)
    }

    /// A project holding every sample, and where each sample's policy lands in its bundle.
    struct Project {
        var folder: URL
        /// By sample file name: the sample and the bundle path of its built policy.
        var originals: [String: (file: URL, built: String)]
        /// By the name of its copy in the project: the sample's file name.
        var copies: [String: String]
    }

    func testEverySampleBuildsToAnEquivalentPolicy() throws {
        let project = try Self.project(rulesOff: ["RL001", "LP007", "LP002", "CA004", "SE003", "LP001", "SE005"], correctingTypos: true)
        defer { try? FileManager.default.removeItem(at: project.folder) }
        let bundle = try BundleTests.build(project.folder)
        var differing: [String] = []
        for (name, original) in project.originals.sorted(by: { $0.key < $1.key }) {
            guard let built = bundle.files[original.built] else {
                differing.append("\(name): not built")
                continue
            }
            let expected = try Self.canonical(Array(Self.text(of: original.file, correcting: true).utf8))
            let actual = try Self.canonical(built)
            if expected != actual { differing.append("\(name):\n\(GoldenFiles.lineDiff(expected: expected, actual: actual))") }
        }
        XCTAssertEqual(differing, [], differing.joined(separator: "\n\n"))
    }

    /// What the checker finds in the samples with its rules on: real weaknesses of public
    /// policies, each a finding in the sample's own file and line.
    func testTheCheckerReadsTheSamples() throws {
        let project = try Self.project(rulesOff: ["RL001", "LP007"])
        defer { try? FileManager.default.removeItem(at: project.folder) }
        let result = try GoldenFiles.lint(project.folder)
        let findings = result.report.diagnostics.filter { $0.severity == .error }.map { diagnostic -> String in
            let path = result.report.sources.path(of: diagnostic.range.file)
            let file = (path as NSString).lastPathComponent
            return "\(diagnostic.code.id) \(project.copies[file] ?? file):\(diagnostic.range.start.line)"
        }
        XCTAssertEqual(
            findings.sorted(),
            [
                "CA004 Get OAuth2 access token from AAD using client id and certificate using key vault manage identity.xml:34",
                "CA004 Look up Key Vault certificate using Managed Service Identity and call backend.policy.xml:31",
                "CA004 Look up Key Vault secret using Managed Service Identity.policy.xml:31",
                // The harness puts every sample in one API: a product's sample that sets the
                // gateway's token in 'Authorization' runs before the raw token checks of the
                // route samples that validate a JWT (line 167: the sample that checks a token
                // in every branch of a 'choose', a check on every request; line 117: the Power
                // Query sample, which refuses an empty 'Bearer' with a written 401 and checks
                // every other request).
                "LP001 samples.yaml:117", "LP001 samples.yaml:157", "LP001 samples.yaml:167", "LP001 samples.yaml:192", "LP001 samples.yaml:197", "LP001 samples.yaml:242",
                "LP002 Parse a JWT token using expressions.xml:24",
                "LP002 Pre-authorize requests based on HTTP method with validate-jwt.policy.xml:35",
                "LP002 Use custom error messages for jwt-validate policy with on-error handler.policy.xml:4",
                "LP002 oauth-proxy-validate-token-fragment.xml:4",
                // `duration="{{cachetime}]"`: an unclosed reference, so no number (`typos`).
                "PX005 Get OAuth2 access token from AAD using client id and certificate using key vault manage identity.xml:92",
                // A host the request writes: the replay copies the caller's request to
                // `"http://" + X-Original-Host`, and the blob sample asks the storage
                // account a path parameter names, with the gateway's identity, through a
                // variable and directly.
                "SE003 Replay request on error.policy.xml:39",
                "SE003 Return a blob URL signed with a user delegation SAS token.xml:30",
                "SE003 Return a blob URL signed with a user delegation SAS token.xml:53",
                "SE003 Route requests to regional backend instances.xml:14",
                "SE003 Route requests to regional backend instances.xml:17",
                "SE003 Route requests to regional backend instances.xml:20",
                // The same product's sample puts the gateway's token in 'Authorization'
                // before the route sample that lists every request header to the caller.
                "SE005 List all inbound headers.policy.xml:9",
                // The secret the sample reads from Key Vault with the gateway's identity, put
                // in its answer (the audit of real estates).
                "SE005 Look up Key Vault secret using Managed Service Identity.policy.xml:39",
            ])
    }

    static func project(rulesOff: [String], correctingTypos: Bool = false) throws -> Project {
        guard FileManager.default.fileExists(atPath: Self.examples.path) else {
            throw XCTSkip("\(Self.examples.path) is absent (../shared is not beside this clone); the real-world tests run in CI")
        }
        let files = FileManager.default.enumerator(at: Self.examples, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "xml" && !Self.refused.contains($0.lastPathComponent) }
            .sorted { $0.path < $1.path }
        XCTAssertEqual(files.count, 57)
        let project = try BundleTests.temporaryDirectory()
        let policies = project.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)

        var routes: [String] = []
        var fragments: [String] = []
        var originals: [String: (file: URL, built: String)] = [:]
        var copies: [String: String] = [:]
        var names = Set<String>()
        for (index, file) in files.enumerated() {
            let text = try Self.text(of: file, correcting: correctingTypos)
            names.formUnion(Self.namedValues(in: text))
            if Self.isFragment(text) {
                let id = file.deletingPathExtension().lastPathComponent
                try text.write(to: policies.appendingPathComponent("\(id).xml"), atomically: true, encoding: .utf8)
                fragments.append(
                    "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: \(id)\npolicy: policies/\(id).xml\n")
                originals[file.lastPathComponent] = (file, "apim/policy fragments/\(id)/policy.xml")
                copies["\(id).xml"] = file.lastPathComponent
            } else if text.contains("<quota ") || text.contains("<rate-limit ") {
                // Limits per subscription run at product scope only, where APIM has them.
                let id = "snippet-\(index + 1)"
                try text.write(to: policies.appendingPathComponent("\(id).xml"), atomically: true, encoding: .utf8)
                fragments.append("---\napiVersion: portcullis/v1\nkind: Product\nname: \(id)\napis: [samples]\npolicy: policies/\(id).xml\n")
                originals[file.lastPathComponent] = (file, "apim/products/\(id)/policy.xml")
                copies["\(id).xml"] = file.lastPathComponent
            } else {
                let id = "snippet-\(index + 1)"
                try text.write(to: policies.appendingPathComponent("\(id).xml"), atomically: true, encoding: .utf8)
                routes.append(
                    "  - id: \(id)\n    method: POST\n    path: /\(id)\n    public: a public sample\n    policy: policies/\(id).xml\n")
                originals[file.lastPathComponent] = (file, "apim/apis/samples/operations/\(id)/policy.xml")
                copies["\(id).xml"] = file.lastPathComponent
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

            """
        // A name that calls its value a secret, a key, a password or a token is declared as
        // a Key Vault secret; any other as a plain named value ('CookiePrefix', which the
        // samples send to callers). Samples of different estates spell some names in other
        // cases ('clientId', 'ClientId'), which APIM takes for one name: each is declared once.
        var spelt = Set<String>()
        let declared = names.sorted().filter { spelt.insert($0.lowercased()).inserted }
        let credentialWords = ["secret", "key", "password", "token", "credential", "cert", "-iv"]
        let isSecret = { (name: String) in credentialWords.contains { name.lowercased().contains($0) } }
        let secrets = declared.filter(isSecret).map { name in
            let vaultName = String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
            return "  \(name): {keyVault: https://samples.vault.azure.net/secrets/\(vaultName)}\n"
        }.joined()
        // A plain value of '1' is text wherever a sample puts a reference: some put one in
        // an expression's code (`AddSeconds({{SessionCookieExpirationInSeconds}})`), where
        // a word would be read as code (YS004).
        let plain = declared.filter { !isSecret($0) }.map { "  \($0): \"1\"\n" }.joined()
        try (gateway + "namedValues:\n" + plain + "secrets:\n" + secrets).write(
            to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: samples
            path: samples
            backend: https://backend.example.com
            routes:

            """
        try (api + routes.joined() + fragments.joined()).write(to: project.appendingPathComponent("samples.yaml"), atomically: true, encoding: .utf8)
        // The samples' routes are public and unlimited (RL001, LP007): what the samples do is
        // the point, and a limit would add generated statements to compare around.
        try ("rules:\n" + rulesOff.map { "  \($0): off\n" }.joined()).write(
            to: project.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)

        return Project(folder: project, originals: originals, copies: copies)
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
