import Foundation
@testable import PortcullisCompiler
import XCTest

/// `lint .` in a real repository: Portcullis reads its own YAML files and skips the rest
/// (Compose files, workflows, Helm charts, a bundle it wrote), counting what it skipped.
final class RepositoryRecognitionTests: XCTestCase {
    private var repository: URL!

    override func setUpWithError() throws {
        repository = try BundleTests.temporaryDirectory()
        try FileManager.default.copyItem(at: BundleTests.contoso, to: repository.appendingPathComponent("definitions"))
        try write("services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n", to: "docker-compose.yml")
        try write("name: ci\non: [push]\njobs:\n  test: {runs-on: ubuntu-latest, steps: [{run: make}]}\n", to: ".github/workflows/ci.yml")
        try write("name: deploy\non: {push: {branches: [main]}}\njobs: {}\n", to: "ci/workflows/deploy.yml")
        try write("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\n", to: "charts/shop/templates/deployment.yaml")
        try write("- hosts: all\n  tasks: []\n", to: "ansible/site.yml")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: repository)
    }

    private func write(_ text: String, to path: String) throws {
        let url = repository.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// The done-when scenario of the issue: with a previous bundle in `out`, `lint .` and the
    /// shipped pre-commit hook report only Portcullis findings.
    func testLintAndThePreCommitHookReportOnlyPortcullisFindings() throws {
        let build = try ToolProcess.run(["build", "definitions", "--out", "out", "--quiet"], in: repository)
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: repository.appendingPathComponent("out/apim/apis/orders/specification.yaml").path))

        let lint = try ToolProcess.run(["lint", "."], in: repository)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        XCTAssertEqual(lint.stdout, "0 errors, 0 warnings in 9 files (4 other files skipped)\n")
        XCTAssertFalse(lint.stderr.contains("specification.yaml"), lint.stderr)

        let listed = try ToolProcess.run(["lint", ".", "--list-skipped"], in: repository)
        for path in ["ansible/site.yml", "charts/shop/templates/deployment.yaml", "ci/workflows/deploy.yml", "docker-compose.yml"] {
            XCTAssertTrue(listed.stderr.contains("portcullis: skipped '\(path)': not a Portcullis file\n"), listed.stderr)
        }

        // The hook as `.pre-commit-hooks.yaml` defines it: its entry, run at the repository's root.
        let hooks = try String(contentsOf: GoldenFiles.packageRoot.appendingPathComponent(".pre-commit-hooks.yaml"), encoding: .utf8)
        let entry = try XCTUnwrap(hooks.split(separator: "\n").first { $0.hasPrefix("  entry: ") }?.dropFirst("  entry: ".count))
        let words = entry.split(separator: " ").map(String.init)
        XCTAssertEqual(words.first, "portcullis")
        XCTAssertTrue(hooks.contains("pass_filenames: false"))
        let hook = try ToolProcess.run(Array(words.dropFirst()), in: repository)
        XCTAssertEqual(hook.status, 0, hook.stdout + hook.stderr)
        XCTAssertEqual(hook.stdout, lint.stdout)

        // A Portcullis mistake is still found among the other files.
        try write("apiVersion: portcullis/v1\nkind: Product\nname: broken\napis: [nowhere]\n", to: "definitions/broken.yaml")
        let mistake = try ToolProcess.run(["lint", "."], in: repository)
        XCTAssertEqual(mistake.status, 1)
        XCTAssertTrue(mistake.stdout.hasPrefix("definitions/broken.yaml:4:"), mistake.stdout)
    }

    /// A Portcullis file with a mistake in its head is reported, never silently skipped.
    func testPortcullisFilesWithMistakesInTheirHeadAreRead() throws {
        let cases = [
            "version.yaml": "apiVersion: portcullis/v2\nkind: Product\nname: a\napis: [orders]\n",
            "typo.yaml": "apiVersion: portculis/v1\nkind: Product\nname: b\napis: [orders]\n",
            "missing.yaml": "kind: Product\nname: c\napis: [orders]\n",
            "flow.yaml": "{apiVersion: 'Portcullis/v1', kind: Product, name: d, apis: [orders], rateLimit: {calls: 0}}\n",
            "mixed.yaml": "apiVersion: portcullis/v1\nkind: Product\nname: e\napis: [orders]\n---\nservices: {web: {image: nginx}}\n",
            // Heads the text alone cannot tell were skipped in silence, and a pull request
            // could so drop a file from lint and build (found by the audit of hostile input).
            "tagged.yaml": "apiVersion: !!str portcullis/v1\nkind: Product\nname: f\napis: [orders]\nrateLimit: {calls: 0}\n",
            "anchored.yaml": "apiVersion: &v portcullis/v1\nkind: Product\nname: g\napis: [orders]\nrateLimit: {calls: 0}\n",
            "nextline.yaml": "apiVersion:\n  portcullis/v1\nkind: Product\nname: h\napis: [orders]\nrateLimit: {calls: 0}\n",
            "escaped.yaml": "apiVersion: \"portcullis\\x2fv1\"\nkind: Product\nname: i\napis: [orders]\nrateLimit: {calls: 0}\n",
            "kindtag.yaml": "kind: !!str Product\nname: j\napis: [orders]\n",
        ]
        for (name, text) in cases { try write(text, to: "definitions/\(name)") }
        let result = try ToolProcess.run(["lint", "definitions", "--format", "json"], in: repository)
        XCTAssertEqual(result.status, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try XCTUnwrap(object["diagnostics"] as? [[String: Any]])
        let files = Set(diagnostics.compactMap { $0["file"] as? String })
        for name in cases.keys { XCTAssertTrue(files.contains("definitions/\(name)"), "\(name) was not reported: \(files)") }
        XCTAssertEqual((object["summary"] as? [String: Int])?["files"], 19, "the sample's 9 and these 10")
    }

    /// A file named on the command line is the user's choice: one that is clearly not
    /// Portcullis's is an error, not skipped.
    func testANamedFileThatIsNotPortcullisIsAnError() throws {
        let result = try ToolProcess.run(["lint", "docker-compose.yml"], in: repository)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(
            result.stderr,
            "portcullis: error: 'docker-compose.yml' is not a Portcullis file: none of its documents has 'apiVersion: portcullis/v1'\n")
        let none = try ToolProcess.run(["lint", "charts"], in: repository)
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("no Portcullis files found in 'charts' (1 other file was skipped"), none.stderr)
        // Files with nothing to check are skipped in folders (the YS005-empty-file golden) but
        // read, and reported, when named.
        try write("", to: "empty.yaml")
        try write("# only a comment\n", to: "comment.yaml")
        try write("---\n", to: "document.yaml")
        let empty = try ToolProcess.run(["lint", "empty.yaml", "comment.yaml", "document.yaml"], in: repository)
        XCTAssertEqual(empty.status, 1)
        XCTAssertTrue(empty.stdout.contains("empty.yaml:1:1: error: file holds no document [YS005]"), empty.stdout)
        XCTAssertTrue(empty.stdout.contains("comment.yaml:1:1: error: file holds no document [YS005]"), empty.stdout)
        XCTAssertTrue(empty.stdout.contains("document.yaml:2:1: error: document is empty"), empty.stdout)
    }

    func testRecognitionFromTheTextAlone() {
        func verdict(_ text: String) -> FileRecognition.Verdict { FileRecognition.classify(Array(text.utf8)) }
        XCTAssertEqual(verdict("apiVersion: portcullis/v1\nkind: API\n"), .portcullis)
        XCTAssertEqual(verdict("# a comment\n---\n\"apiVersion\" : \"portcullis/v1\"\n"), .portcullis)
        XCTAssertEqual(verdict("kind: Gateway\nname: g\n"), .portcullis)
        XCTAssertEqual(verdict("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"), .foreign)
        XCTAssertEqual(verdict("apiVersion: v1\nkind: ConfigMap\ndata:\n  apiVersion: x\n"), .foreign)
        XCTAssertEqual(verdict("version: '3'\nservices: {}\n"), .foreign)
        XCTAssertEqual(verdict("# only a comment\n---\n...\n"), .empty)
        // A version the text cannot tell: read beside a kind of Portcullis's, not beside
        // another (a Helm chart's values, found by the audit of the fixes).
        XCTAssertEqual(verdict("apiVersion:\n  portcullis/v1\nkind: API\n"), .portcullis)
        XCTAssertEqual(verdict("ingress:\n  apiVersion: \"\"\n  enabled: false\n"), .foreign)
        XCTAssertEqual(verdict("apiVersion:\n  v1\nkind: ConfigMap\n"), .foreign)
        XCTAssertEqual(verdict(""), .empty)
    }

    /// The version as nearly every file writes it is told from its bytes; every other
    /// spelling is lowered and measured, and answers as before.
    func testPortcullisVersionsAsWrittenAndNearMisses() {
        for ours in ["portcullis/v1", "portcullis", "portcullis/", "Portcullis/v1", "PORTCULLIS/v2", "portculis/v1", "porcullis"] {
            XCTAssertTrue(FileRecognition.isPortcullisVersion(ours), ours)
        }
        for theirs in ["portcullis-operator-extended/v1", "gateway.networking.k8s.io/v1", "v1", "", "p/portcullis"] {
            XCTAssertFalse(FileRecognition.isPortcullisVersion(theirs), theirs)
        }
    }

    /// A mark (or a joiner, a skin tone, a virama) written right after `portcullis/` joins
    /// the '/' into a character that is no '/': the group then runs on past it, and the
    /// version is told as any other spelling is, not from its first bytes.
    func testPortcullisVersionWithAMarkJoinedToItsSlash() {
        for theirs in ["portcullis/\u{301}v1", "portcullis/\u{200D}v1", "portcullis/\u{1F3FD}v1", "portcullis/\u{94D}v1", "portcullis/\u{308}x/y"] {
            XCTAssertFalse(FileRecognition.isPortcullisVersion(theirs), theirs.debugDescription)
        }
        for ours in ["portcullis/\u{301}", "portcullis/\u{E9}v1", "portcullis/v\u{301}"] {
            XCTAssertTrue(FileRecognition.isPortcullisVersion(ours), ours.debugDescription)
        }
    }

    /// `lint .` skips such a file as not Portcullis's, as it did before versions were told
    /// from their bytes.
    func testLintSkipsAVersionWithAMarkJoinedToItsSlash() throws {
        try write("apiVersion: \"portcullis/\u{301}v1\"\nkind: Product\nname: other\n", to: "definitions/other.yaml")
        let lint = try ToolProcess.run(["lint", ".", "--list-skipped"], in: repository)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        XCTAssertEqual(lint.stdout, "0 errors, 0 warnings in 9 files (5 other files skipped)\n")
        XCTAssertTrue(lint.stderr.contains("portcullis: skipped 'definitions/other.yaml': not a Portcullis file\n"), lint.stderr)
    }
}
