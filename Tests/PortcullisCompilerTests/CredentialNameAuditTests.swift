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
    private static let pin = "4829173650184736"
    private static let secrets = [credential, passphrase, signatureKey, sha1Shaped, subscriptionKey, pin]

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

    /// The edit that gives the partner API's backend request (line 13) `headers` too.
    private static func backendHeaders(_ headers: String) -> (String, String, String) {
        ("apis/partner-orders.yaml", #"set: {X-Contoso-Tenant: "{{tenant-id}}"}"#, #"set: {X-Contoso-Tenant: "{{tenant-id}}", "# + headers + "}")
    }

    /// The edit that names `policies/catalog.xml` the catalog API's raw policy, and that
    /// file, whose inbound section holds `inbound` from line 4 on.
    private static func catalogPolicy(inbound: [String]) -> (edit: (String, String, String), file: (String, String)) {
        let backend = "backend: https://catalog.internal.contoso.com\n"
        let lines = ["<policies>", "  <inbound>", "    <base />"] + inbound.map { "    " + $0 } + ["  </inbound>", "</policies>"]
        return (("apis/catalog.yaml", backend, backend + "policy: ../policies/catalog.xml\n"), ("policies/catalog.xml", lines.joined(separator: "\n")))
    }

    /// That no secret shows in `output` and that `folder` does not build.
    private func assertHiddenAndNotBuilt(_ folder: URL, _ output: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for secret in Self.secrets { XCTAssertFalse(output.contains(secret), output, file: file, line: line) }
        let out = directory.appendingPathComponent("out")
        let build = try ToolProcess.run(["build", folder.path, "--out", out.path, "--quiet"])
        XCTAssertNotEqual(build.status, 0, build.stdout + build.stderr, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("gateway.json").path), file: file, line: line)
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
            Self.backendHeaders(headers),
            ("gateway.yaml", "namedValues:\n", named),
        ])
        let (found, output) = try findings(folder)
        XCTAssertEqual(found.filter { $0.contains("partner-orders.yaml:13:") }.count, 3, output)
        for line in 33...36 { XCTAssertTrue(found.contains { $0.contains("gateway.yaml:\(line):") }, "line \(line):\n\(output)") }
        try assertHiddenAndNotBuilt(folder, output)
    }

    /// Raw policy XML and an environment's named values are read by the same names.
    func testRawPoliciesAndEnvironmentsReadTheSameNames() throws {
        let policy = Self.catalogPolicy(inbound: [
            #"<set-header name="X-Partner-Credential" exists-action="override"><value>\#(Self.credential)</value></set-header>"#,
            #"<set-header name="X-Backend-Passphrase" exists-action="override"><value>\#(Self.passphrase)</value></set-header>"#,
            #"<set-header name="X-Signature-Key" exists-action="override"><value>\#(Self.signatureKey)</value></set-header>"#,
            #"<set-body>{"partnerCredential": "\#(Self.credential)"}</set-body>"#,
        ])
        let folder = try contoso(
            edits: [
                policy.edit,
                ("gateway.yaml", "namedValues:\n", "namedValues:\n  nv-credential: unset\n  nv-ocp: none\n"),
                (
                    "environments/dev.yaml", "    tenant-id: 5f1c2a9e-7d3b-4e8a-9c61-0b2d4f6a8e13\n",
                    "    tenant-id: 5f1c2a9e-7d3b-4e8a-9c61-0b2d4f6a8e13\n    nv-credential: \(Self.credential)\n    nv-ocp: \(Self.subscriptionKey)\n"
                ),
            ],
            files: [policy.file])
        let (found, output) = try findings(folder)
        for line in 4...7 { XCTAssertTrue(found.contains { $0.contains("catalog.xml:\(line):") }, "line \(line):\n\(output)") }
        XCTAssertEqual(found.filter { $0.contains("dev.yaml:") }.count, 2, output)
        for secret in Self.secrets { XCTAssertFalse(output.contains(secret), output) }
    }

    /// A credential's word written as two (`pass-phrase`, `pass_code`), short (`X-Cred`), in
    /// the plural (`X-Secrets`, `apiKeys`) or with a version after it (`X-Api-Key-V2`,
    /// `password_v2`, `ApiKeyV2`) names one as the word does: an audit found each built in
    /// clear. Backend headers, named values, raw `set-header` and `set-body` JSON alike.
    func testSplitShortPluralAndVersionedNamesAreSE001AndNotBuilt() throws {
        let headers = [
            "pass-phrase: \(Self.passphrase)", "Pass_Phrase: \(Self.passphrase)", "pass_code: \(Self.passphrase)", "X-Creds: \(Self.passphrase)",
            "X-Cred: \(Self.credential)", "X-Secrets: \(Self.credential)", "X-Tokens: \(Self.credential)", "X-Passwords: \(Self.passphrase)",
            "client-secrets: \(Self.credential)", "X-Api-Key-V2: \(Self.credential)", "client_secret2: \(Self.passphrase)", "ApiKeyV2: \(Self.credential)",
        ]
        let named = """
            namedValues:
              nv-creds: \(Self.passphrase)
              password_v2: {value: \(Self.passphrase)}
              api-keys: \(Self.credential)
              nv-pass-code: \(Self.passphrase)

            """
        let policy = Self.catalogPolicy(inbound: [
            #"<set-header name="X-Api-Key-V2" exists-action="override"><value>\#(Self.credential)</value></set-header>"#,
            #"<set-header name="X-Creds" exists-action="override"><value>\#(Self.passphrase)</value></set-header>"#,
            #"<set-body>{"clientSecrets": "\#(Self.credential)", "apiKeyV2": "\#(Self.credential)"}</set-body>"#,
        ])
        let folder = try contoso(
            edits: [
                Self.backendHeaders(headers.joined(separator: ", ")),
                policy.edit,
                ("gateway.yaml", "namedValues:\n", named),
                ("apis/partner-orders.yaml", "summary: List the orders a partner placed\n", "summary: 'Call with passwords=\(Self.passphrase)'\n"),
            ],
            files: [policy.file])
        let (found, output) = try findings(folder)
        XCTAssertEqual(found.filter { $0.contains("partner-orders.yaml:13:") }.count, headers.count, output)
        XCTAssertTrue(found.contains { $0.contains("partner-orders.yaml:26:") }, output)
        for line in 33...36 { XCTAssertTrue(found.contains { $0.contains("gateway.yaml:\(line):") }, "line \(line):\n\(output)") }
        for line in 4...6 { XCTAssertTrue(found.contains { $0.contains("catalog.xml:\(line):") }, "line \(line):\n\(output)") }
        try assertHiddenAndNotBuilt(folder, output)
    }

    /// Under a plural that counts nothing (`partner-credentials`, `db-passwords`, `X-Api-Keys`,
    /// `pwds2`) digits are a credential as under the singular: the audit of the change that
    /// read plurals found them clean, `credentials` silent where it had been SE001. `cred`
    /// is read at a word's start, a case change too (`dbCreds`, `DBCreds`). Backend headers,
    /// named values, raw `set-header`, `set-body` JSON and a KEY=VALUE summary alike.
    func testDigitsUnderAPluralThatCountsNothingAreSE001AndNotBuilt() throws {
        let headers = ["X-Api-Keys: '\(Self.pin)'", "X-Credentials: '\(Self.pin)'", "X-Secrets: '\(Self.pin)'"]
        let names = ["partner-credentials", "db-passwords", "pass_codes", "api-keys", "pwds2", "passwords-v2", "DBCreds"]
        let policy = Self.catalogPolicy(inbound: [
            #"<set-header name="X-Credentials" exists-action="override"><value>\#(Self.pin)</value></set-header>"#,
            #"<set-header name="X-Passwords" exists-action="override"><value>\#(Self.pin)</value></set-header>"#,
            #"<set-body>{"apiKeys": "\#(Self.pin)"}</set-body>"#,
        ])
        let folder = try contoso(
            edits: [
                Self.backendHeaders(headers.joined(separator: ", ")),
                policy.edit,
                ("gateway.yaml", "namedValues:\n", "namedValues:\n" + names.map { "  \($0): '\(Self.pin)'\n" }.joined()),
                ("apis/partner-orders.yaml", "summary: List the orders a partner placed\n", "summary: 'Call with passwords=\(Self.pin)'\n"),
            ],
            files: [policy.file])
        let (found, output) = try findings(folder)
        XCTAssertEqual(found.filter { $0.contains("partner-orders.yaml:13:") }.count, headers.count, output)
        XCTAssertTrue(found.contains { $0.contains("partner-orders.yaml:26:") }, output)
        for line in 33..<(33 + names.count) { XCTAssertTrue(found.contains { $0.contains("gateway.yaml:\(line):") }, "line \(line):\n\(output)") }
        for line in 4...6 { XCTAssertTrue(found.contains { $0.contains("catalog.xml:\(line):") }, "line \(line):\n\(output)") }
        try assertHiddenAndNotBuilt(folder, output)
    }

    /// `cred` joined in one case to a word that says whose it is (`dbcreds`, `X-DBCRED`),
    /// `pass-word` as two words and a version after a dot (`api.key.v2`) name one as the
    /// word does: the audit of the forty-seventh round found each built in clear. What only
    /// ends so or holds `cred` inside (`X-SACRED`, `X-INCREDIBLE`, `ACCREDITED`), a policy
    /// about a password and a dotted key's name over no key's shape stay silent on the same
    /// lines. Backend headers, named values and raw `set-header` alike.
    func testJoinedOneCaseTwoWordAndDottedNamesAreSE001AndNotBuilt() throws {
        let headers = [
            "X-DBCRED: \(Self.credential)", "dbcreds: \(Self.passphrase)", "X-SQLCREDS: '\(Self.pin)'", "pass-word: \(Self.passphrase)",
            "Pass_Word: \(Self.passphrase)", "api.key.v2: \(Self.signatureKey)", "mysqlcreds: \(Self.passphrase)", "X-AWSCREDS: \(Self.passphrase)",
        ]
        let controls = [
            "X-SACRED: hello-world-value", "X-INCREDIBLE: \(Self.passphrase)", "ACCREDITED: \(Self.passphrase)", "password-policy: strict",
            "api.key.v3: eu-west-primary",
        ]
        let named = """
            namedValues:
              nv-dbcreds: \(Self.passphrase)
              db-pass-word: {value: \(Self.passphrase)}
              api.key.v2: \(Self.signatureKey)
              x-sacred: hello-world-value

            """
        let policy = Self.catalogPolicy(inbound: [
            #"<set-header name="X-DBCRED" exists-action="override"><value>\#(Self.credential)</value></set-header>"#,
            #"<set-header name="pass-word" exists-action="override"><value>\#(Self.passphrase)</value></set-header>"#,
            #"<set-header name="api.key.v2" exists-action="override"><value>\#(Self.signatureKey)</value></set-header>"#,
            #"<set-header name="X-SACRED" exists-action="override"><value>hello-world-value</value></set-header>"#,
        ])
        let folder = try contoso(
            edits: [
                Self.backendHeaders((headers + controls).joined(separator: ", ")),
                policy.edit,
                ("gateway.yaml", "namedValues:\n", named),
            ],
            files: [policy.file])
        let (found, output) = try findings(folder)
        XCTAssertEqual(found.filter { $0.contains("partner-orders.yaml:13:") }.count, headers.count, output)
        for line in 33...35 { XCTAssertTrue(found.contains { $0.contains("gateway.yaml:\(line):") }, "line \(line):\n\(output)") }
        XCTAssertFalse(found.contains { $0.contains("gateway.yaml:36:") }, output)
        for line in 4...6 { XCTAssertTrue(found.contains { $0.contains("catalog.xml:\(line):") }, "line \(line):\n\(output)") }
        XCTAssertFalse(found.contains { $0.contains("catalog.xml:7:") }, output)
        try assertHiddenAndNotBuilt(folder, output)
    }

    /// Names that only hold such letters (`X-Credit-Limit`, `monkey`, `secretary`,
    /// `Tokenizer`, `x-sacred`), name something about a credential (`X-Token-Type`, `keyVaultUri`,
    /// `tokenLifetime`, `passcodeLength`) or are plurals that count or allow
    /// (`X-Max-Tokens`, `max-api-keys`, `allowPasswords`) are none, with values that would be under a
    /// credential's name; the blank lines of `<issuer-signing-keys>` around its keys are none.
    func testNamesThatOnlyHoldACredentialsLettersAreNoFinding() throws {
        let headers = [
            "X-Credit-Limit: 250000000", "X-Credits: EUR-120000000", "X-Token-Type: 'urn:ietf:params:oauth:token-type:jwt'",
            "keyVaultUri: https://contoso-kv.vault.azure.net/", "tokenLifetime: PT12H-sliding-window", "X-Cache-Key: orders-2024-eu-west-primary",
            "X-Cache-Key-V2: orders-2024-eu-west-primary", "X-Monkey: \(Self.signatureKey)", "X-Turkeys: \(Self.signatureKey)",
            "X-Whiskey-V2: \(Self.signatureKey)", "X-Secretary: Jane-Doe-Office-2024", "X-Tokenizer: cl100k-base-2024-v2", "Signature-Version: 2",
            "X-Max-Tokens: 120000000", "X-Signings: enabled-always", "X-Sacred: hello-world-value", "maxTokens: '-1'",
            "max-api-keys: '25'", "X-Tokens: '120000000'",
        ]
        let policy = Self.catalogPolicy(inbound: [
            #"<validate-jwt header-name="Authorization"><issuer-signing-keys>"#, #"  <key>{{signing-key}}</key>"#, "</issuer-signing-keys></validate-jwt>",
        ])
        let folder = try contoso(
            edits: [
                Self.backendHeaders(headers.joined(separator: ", ")),
                policy.edit,
                ("gateway.yaml", "namedValues:\n", "namedValues:\n  passcode-length: '12'\n  allow-passwords: 'true'\n  token-count-v2: '123456789'\n  x-sacred: 'hello-world-value'\n"),
                ("apis/partner-orders.yaml", "summary: List the orders a partner placed\n", "summary: 'Set allowPasswords=true and X-Credits=EUR-12345'\n"),
            ],
            files: [policy.file])
        let (found, output) = try findings(folder)
        XCTAssertEqual(found, [], output)
    }

    /// Under the same words, what names a mode, a provider or a switch is no credential:
    /// the language's own `auth`, CORS's `allowCredentials`, fetch's `credentials` mode.
    func testWhatOnlySharesACredentialsWordIsNoFinding() throws {
        let headers = "X-Signing: enabled-always, X-Auth: managed-identity, X-Credentials: include, X-Sig: v1"
        let folder = try contoso(edits: [
            Self.backendHeaders(headers),
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
