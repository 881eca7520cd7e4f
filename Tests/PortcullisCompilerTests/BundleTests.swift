import Foundation
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisEmit
import PortcullisPolicyXML
import XCTest

/// Builds the samples and checks what a deployment would receive.
final class BundleTests: XCTestCase {
    static let bundles = GoldenFiles.fixtures.appendingPathComponent("bundles")
    static let contoso = GoldenFiles.packageRoot.appendingPathComponent("Samples/contoso")
    /// The sample with raw policy XML and fragments.
    static let fabrikam = GoldenFiles.packageRoot.appendingPathComponent("Samples/fabrikam")

    static func build(_ directory: URL, paths: [String] = ["."]) throws -> InMemoryBundle {
        let workspace = try Workspace.load(
            paths: paths, configPath: nil, limits: LintOptions().limits, files: InputFiles(workingDirectory: directory.path))
        let (result, outcome) = BuildPipeline.run(workspace, options: LintOptions(today: GoldenFiles.today))
        guard case .built(let bundle) = outcome else {
            XCTFail("build refused:\n\(TextReporter().render(result.report))")
            throw CocoaError(.featureUnsupported)
        }
        return try InMemoryBundle(collecting: bundle)
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Copies the contoso sample to `folder` with `edits` (file, text, replacement) made and
    /// `files` (path, text) written whole.
    static func contosoCopy(at folder: URL, edits: [(String, String, String)] = [], files: [(String, String)] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        try FileManager.default.copyItem(at: contoso, to: folder)
        for (path, from, to) in edits {
            let url = folder.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(from), "\(path) holds no '\(from)'", file: file, line: line)
            try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
        }
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// A temporary folder holding a copy of the contoso sample in `defs`.
    static func temporaryProject() throws -> URL {
        let directory = try temporaryDirectory()
        try FileManager.default.copyItem(at: contoso, to: directory.appendingPathComponent("defs"))
        return directory
    }

    /// The whole bundle, file by file, against the committed tree.
    func testSampleBundleMatchesGolden() throws {
        try checkGolden(Self.contoso, minimumFiles: 25)
    }

    func testRawPolicySampleBundleMatchesGolden() throws {
        try checkGolden(Self.fabrikam, minimumFiles: 15)
    }

    private func checkGolden(_ sample: URL, minimumFiles: Int) throws {
        let bundle = try Self.build(sample)
        let expected = Self.bundles.appendingPathComponent(sample.lastPathComponent)
        let differences = try BundleWriter.differences(bundle, at: OutputFolder(resolving: expected.path))
        if GoldenFiles.updating {
            if !differences.isEmpty {
                try FileManager.default.createDirectory(at: Self.bundles, withIntermediateDirectories: true)
                try BundleWriter.write(bundle, to: OutputFolder(resolving: expected.path))
                XCTFail("rewrote the \(sample.lastPathComponent) bundle (\(differences.count) files); review the diff")
            }
            return
        }
        for difference in differences {
            var detail = ""
            if case .changed(let path) = difference {
                let old = try String(contentsOf: expected.appendingPathComponent(path), encoding: .utf8)
                detail = "\n" + GoldenFiles.lineDiff(expected: old, actual: String(decoding: bundle.files[path]!, as: UTF8.self))
            }
            XCTFail("\(difference)\(detail)")
        }
        XCTAssertGreaterThan(bundle.files.count, minimumFiles)
    }

    /// The bundle holds `rawxml`, which APIOps publishes as it is; the schema reads XML, so
    /// each document is checked in the well-formed form APIM derives from it.
    func testPoliciesValidateAgainstTheAPIMSchema() throws {
        try validateAgainstXSD(Self.contoso, minimumPolicies: 10)
    }

    /// Raw statements and fragments too: what the sample's author wrote is valid APIM.
    func testRawPolicySamplePoliciesValidateAgainstTheAPIMSchema() throws {
        try validateAgainstXSD(Self.fabrikam, minimumPolicies: 6)
    }

    private func validateAgainstXSD(_ sample: URL, minimumPolicies: Int) throws {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/apim-policy-xsd/policies.xsd")
        guard FileManager.default.fileExists(atPath: schema.path) else {
            throw XCTSkip("\(schema.path) is not available; the XSD check runs where ../shared is")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/xmllint") else {
            throw XCTSkip("xmllint is not installed; scripts/bootstrap installs libxml2-utils")
        }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bundle = try Self.build(sample)
        let policies = bundle.paths.filter { $0.hasSuffix("policy.xml") }
        XCTAssertGreaterThan(policies.count, minimumPolicies)
        var files: [String] = []
        for (index, path) in policies.enumerated() {
            let file = directory.appendingPathComponent("\(index).xml")
            var xml = Self.wellFormed(rawxml: String(decoding: bundle.files[path]!, as: UTF8.self))
            // The schema has no fragment root; a fragment's statements are checked as inbound ones.
            if path.contains("/policy fragments/") {
                xml = xml.replacingOccurrences(of: "<fragment>", with: "<policies><inbound>")
                    .replacingOccurrences(of: "</fragment>", with: "</inbound></policies>")
            }
            try Data(xml.utf8).write(to: file)
            files.append(file.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--schema", schema.path] + files
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(text)\nfiles: \(Array(zip(files, policies)))")
        XCTAssertEqual(text.split(separator: "\n").filter { $0.hasSuffix(" validates") }.count, policies.count, text)
    }

    /// `rawxml` in APIM's `xml` form, which XML tools read (`XMLFormTests` checks the form).
    static func wellFormed(rawxml: String) -> String {
        String(decoding: PolicyXMLReader.xmlForm(Array(rawxml.utf8)) ?? Array(rawxml.utf8), as: UTF8.self)
    }

    /// Generated specifications, and the fabrikam sample's own one as the bundle carries it.
    func testGatewayConfigAndSpecificationsValidate() throws {
        for (sample, files) in [(Self.contoso, 4), (Self.fabrikam, 2)] {
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let out = directory.appendingPathComponent("bundle")
            try BundleWriter.write(try Self.build(sample), to: OutputFolder(resolving: out.path))
            let output = try PythonTool.run([
                PythonTool.support.appendingPathComponent("check_bundle.py").path, out.path,
                GoldenFiles.packageRoot.appendingPathComponent("Schemas/gateway-config.schema.json").path,
            ])
            XCTAssertEqual(output.status, 0, output.stderr)
            let lines = output.stdout.split(separator: "\n")
            XCTAssertEqual(lines.count, files, output.stdout)
            XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("ok ") }, output.stdout)
        }
    }

    /// The information files, against Azure's ARM schema (strict: no unknown fields).
    func testAPIOpsInformationFilesValidateAgainstARM() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/arm-schema/validate_apiops.py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw XCTSkip("\(script.path) is not available; the ARM check runs where ../shared is")
        }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("bundle")
        try BundleWriter.write(try Self.build(Self.contoso), to: OutputFolder(resolving: out.path))
        let output = try PythonTool.run([script.path, "--strict", out.appendingPathComponent("apim").path])
        XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
        XCTAssertTrue(output.stdout.hasSuffix("11 passed, 0 failed\n"), output.stdout)
    }

    func testBuildsAreDeterministicWhateverTheInputOrder() throws {
        let files = [
            "gateway.yaml", "products.yaml", "backends.yaml", "apis/orders.yaml", "apis/catalog.yaml", "apis/partner-orders.yaml",
            "environments/dev.yaml", "environments/test.yaml", "environments/prod.yaml",
        ]
        let first = try Self.build(Self.contoso, paths: files)
        let second = try Self.build(Self.contoso, paths: files.reversed())
        let third = try Self.build(Self.contoso)
        XCTAssertEqual(first, second)
        XCTAssertEqual(first, third)
    }

    /// Key Vault secrets are named values by URI; no value of any secret is in the bundle.
    func testNoSecretValueInTheBundle() throws {
        let bundle = try Self.build(Self.contoso)
        let secrets = bundle.paths.filter { $0.hasPrefix("apim/named values/") && $0.contains("secret") || $0.contains("redis-connection") }
        XCTAssertEqual(secrets.count, 2)
        for path in secrets {
            let text = String(decoding: bundle.files[path]!, as: UTF8.self)
            XCTAssertTrue(text.contains("\"secretIdentifier\"") && !text.contains("\"value\""), text)
        }
        let everything = bundle.files.values.map { String(decoding: $0, as: UTF8.self) }.joined()
        XCTAssertFalse(everything.lowercased().contains("password="))
    }
}
