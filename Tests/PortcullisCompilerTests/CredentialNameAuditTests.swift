import Foundation
import XCTest

/// Credentials written under names the scanner did not read as a credential's, found by an
/// audit (forty-sixth round): lint passed them and build published them in `policy.xml` and
/// `gateway.json`. Each is written into a copy of the contoso sample.
final class CredentialNameAuditTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private static let credential = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"
    private static let passphrase = "Tr0ub4dor-and-3-horses"
    private static let signatureKey = "kQ7vR2xN9pLm4TzW8yHc3FbJ6sDg"
    private static let sha1Shaped = "3f786850e387550fdab836ed7e6dc881de23001b"
    private static let subscriptionKey = "8d7f2a1c4b9e0f3a6c5d2e1b7a9f0c4d"
    private static let secrets = [credential, passphrase, signatureKey, sha1Shaped, subscriptionKey]

    private func contoso(edits: [(String, String, String)] = [], files: [(String, String)] = []) throws -> URL {
        let folder = directory.appendingPathComponent(UUID().uuidString)
        try BundleTests.contosoCopy(at: folder, edits: edits, files: files)
        return folder
    }

    /// The lines of `lint`'s report that end in SE001.
    private func findings(_ folder: URL) throws -> (lines: [Substring], output: String) {
        let lint = try ToolProcess.run(["lint", folder.path])
        return (lint.stdout.split(separator: "\n").filter { $0.hasSuffix("[SE001]") }, lint.stdout + lint.stderr)
    }

    /// Backend headers and named values under a credential's, a passphrase's, a signing
    /// key's and an APIM subscription key's names are SE001, hidden, and not built.
    func testHeadersAndNamedValuesUnderCredentialNamesAreSE001AndNotBuilt() throws {
        let headers = "X-Partner-Credential: \(Self.credential), X-Backend-Passphrase: \(Self.passphrase), X-Signature-Key: \(Self.signatureKey)"
        let named = """
            namedValues:
              nv-passphrase: \(Self.passphrase)
              nv-credential: {value: \(Self.credential)}
              nv-signing: \(Self.sha1Shaped)
              nv-ocp: \(Self.subscriptionKey)

            """
        let folder = try contoso(edits: [
            ("apis/partner-orders.yaml", #"set: {X-Contoso-Tenant: "{{tenant-id}}"}"#, #"set: {X-Contoso-Tenant: "{{tenant-id}}", "# + headers + "}"),
            ("gateway.yaml", "namedValues:\n", named),
        ])
        let (found, output) = try findings(folder)
        XCTAssertEqual(found.filter { $0.contains("partner-orders.yaml:13:") }.count, 3, output)
        for line in 33...36 { XCTAssertTrue(found.contains { $0.contains("gateway.yaml:\(line):") }, "line \(line):\n\(output)") }
        for secret in Self.secrets { XCTAssertFalse(output.contains(secret), output) }
        let out = directory.appendingPathComponent("out")
        let build = try ToolProcess.run(["build", folder.path, "--out", out.path, "--quiet"])
        XCTAssertNotEqual(build.status, 0, build.stdout + build.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("gateway.json").path))
    }

    /// Raw policy XML and an environment's named values are read by the same names.
    func testRawPoliciesAndEnvironmentsReadTheSameNames() throws {
        let policy = """
            <policies>
              <inbound>
                <base />
                <set-header name="X-Partner-Credential" exists-action="override"><value>\(Self.credential)</value></set-header>
                <set-header name="X-Backend-Passphrase" exists-action="override"><value>\(Self.passphrase)</value></set-header>
                <set-header name="X-Signature-Key" exists-action="override"><value>\(Self.signatureKey)</value></set-header>
                <set-body>{"partnerCredential": "\(Self.credential)"}</set-body>
              </inbound>
            </policies>
            """
        let folder = try contoso(
            edits: [
                ("apis/catalog.yaml", "backend: https://catalog.internal.contoso.com\n", "backend: https://catalog.internal.contoso.com\npolicy: ../policies/catalog.xml\n"),
                ("gateway.yaml", "namedValues:\n", "namedValues:\n  nv-credential: unset\n  nv-ocp: none\n"),
                (
                    "environments/dev.yaml", "    tenant-id: 5f1c2a9e-7d3b-4e8a-9c61-0b2d4f6a8e13\n",
                    "    tenant-id: 5f1c2a9e-7d3b-4e8a-9c61-0b2d4f6a8e13\n    nv-credential: \(Self.credential)\n    nv-ocp: \(Self.subscriptionKey)\n"
                ),
            ],
            files: [("policies/catalog.xml", policy)])
        let (found, output) = try findings(folder)
        for line in 4...7 { XCTAssertTrue(found.contains { $0.contains("catalog.xml:\(line):") }, "line \(line):\n\(output)") }
        XCTAssertEqual(found.filter { $0.contains("dev.yaml:") }.count, 2, output)
        for secret in Self.secrets { XCTAssertFalse(output.contains(secret), output) }
    }

    /// Under the same words, what names a mode, a provider or a switch is no credential:
    /// the language's own `auth`, CORS's `allowCredentials`, fetch's `credentials` mode.
    func testWhatOnlySharesACredentialsWordIsNoFinding() throws {
        let headers = "X-Signing: enabled-always, X-Auth: managed-identity, X-Credentials: include, X-Sig: v1"
        let folder = try contoso(edits: [
            ("apis/partner-orders.yaml", #"set: {X-Contoso-Tenant: "{{tenant-id}}"}"#, #"set: {X-Contoso-Tenant: "{{tenant-id}}", "# + headers + "}"),
            (
                "apis/partner-orders.yaml", "summary: List the orders a partner placed\n",
                "summary: 'List the orders a partner placed, {\"credentials\": \"same-origin\", \"signing\": \"enabled-always\"}'\n"
            ),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  request-signing: enabled\n  backend-auth: client-certificate\n  ocp-trace: 'true'\n"),
        ])
        let (found, output) = try findings(folder)
        XCTAssertEqual(found, [], output)
    }
}
