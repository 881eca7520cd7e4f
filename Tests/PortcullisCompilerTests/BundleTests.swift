import Foundation
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisEmit
import XCTest

/// Builds the samples and checks what a deployment would receive.
final class BundleTests: XCTestCase {
    static let bundles = GoldenFiles.fixtures.appendingPathComponent("bundles")
    static let contoso = GoldenFiles.packageRoot.appendingPathComponent("Samples/contoso")

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

    /// A temporary folder holding a copy of the contoso sample in `defs`.
    static func temporaryProject() throws -> URL {
        let directory = try temporaryDirectory()
        try FileManager.default.copyItem(at: contoso, to: directory.appendingPathComponent("defs"))
        return directory
    }

    /// The whole bundle, file by file, against the committed tree.
    func testSampleBundleMatchesGolden() throws {
        let bundle = try Self.build(Self.contoso)
        let expected = Self.bundles.appendingPathComponent("contoso")
        let differences = try BundleWriter.differences(bundle, at: OutputFolder(resolving: expected.path))
        if GoldenFiles.updating {
            if !differences.isEmpty {
                try FileManager.default.createDirectory(at: Self.bundles, withIntermediateDirectories: true)
                try BundleWriter.write(bundle, to: OutputFolder(resolving: expected.path))
                XCTFail("rewrote the contoso bundle (\(differences.count) files); review the diff")
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
        XCTAssertGreaterThan(bundle.files.count, 25)
    }

    /// The bundle holds `rawxml`, which APIOps publishes as it is; the schema reads XML, so
    /// each document is checked in the well-formed form APIM derives from it.
    func testPoliciesValidateAgainstTheAPIMSchema() throws {
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
        let bundle = try Self.build(Self.contoso)
        let policies = bundle.paths.filter { $0.hasSuffix("policy.xml") }
        XCTAssertGreaterThan(policies.count, 10)
        var files: [String] = []
        for (index, path) in policies.enumerated() {
            let file = directory.appendingPathComponent("\(index).xml")
            try Data(Self.wellFormed(rawxml: String(decoding: bundle.files[path]!, as: UTF8.self)).utf8).write(to: file)
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

    /// `rawxml` with every policy expression that opens an attribute value or an element's
    /// text entity-escaped. An expression ends where its brackets balance, outside C#
    /// string and character literals.
    static func wellFormed(rawxml: String) -> String {
        let bytes = Array(rawxml.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        var index = 0
        while index < bytes.count {
            let opensExpression =
                bytes[index] == UInt8(ascii: "@") && index > 0 && index + 1 < bytes.count
                && (bytes[index - 1] == UInt8(ascii: "\"") || bytes[index - 1] == UInt8(ascii: ">"))
                && (bytes[index + 1] == UInt8(ascii: "(") || bytes[index + 1] == UInt8(ascii: "{"))
            guard opensExpression else {
                out.append(bytes[index])
                index += 1
                continue
            }
            var depth = 0
            var end = index + 1
            scan: while end < bytes.count {
                switch bytes[end] {
                case UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { break scan }
                case let quote where quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"):
                    end += 1
                    while end < bytes.count, bytes[end] != quote { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                default: break
                }
                end += 1
            }
            for byte in bytes[index...min(end, bytes.count - 1)] {
                switch byte {
                case UInt8(ascii: "&"): out += Array("&amp;".utf8)
                case UInt8(ascii: "<"): out += Array("&lt;".utf8)
                case UInt8(ascii: ">"): out += Array("&gt;".utf8)
                case UInt8(ascii: "\""): out += Array("&quot;".utf8)
                default: out.append(byte)
                }
            }
            index = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    func testWellFormedEscapesOnlyExpressions() {
        XCTAssertEqual(
            Self.wellFormed(rawxml: #"<a b="@(x("(\")") && y < 1)" c="d &amp; e"><v>@{ return ')' > 'a'; }</v><w>f@(g)</w></a>"#),
            #"<a b="@(x(&quot;(\&quot;)&quot;) &amp;&amp; y &lt; 1)" c="d &amp; e"><v>@{ return ')' &gt; 'a'; }</v><w>f@(g)</w></a>"#)
    }

    func testGatewayConfigAndSpecificationsValidate() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("bundle")
        try BundleWriter.write(try Self.build(Self.contoso), to: OutputFolder(resolving: out.path))
        let output = try PythonTool.run([
            PythonTool.support.appendingPathComponent("check_bundle.py").path, out.path,
            GoldenFiles.packageRoot.appendingPathComponent("Schemas/gateway-config.schema.json").path,
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let lines = output.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 4, output.stdout)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("ok ") }, output.stdout)
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
