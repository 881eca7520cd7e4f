import Foundation
import XCTest

/// Ways a secret got past the masking, found by the audit of leaks (thirtieth round). Each
/// writes one into a copy of a sample and reads every output format for it.
final class LeakAuditTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A Redis access key: 44 characters of Base64 that no pattern can tell from any other text.
    private static let key = "Qx7Rk2LmZ7vXw4Np9Tb6Yc3Hd1Jf5Gs0QaEuWiOoPlM="
    private static let password = "Hunter2Xyzzy"

    /// A copy of the contoso sample with `edits` (file, text, replacement) made and `files`
    /// written whole.
    private func contoso(edits: [(String, String, String)] = [], files: [(String, String)] = []) throws -> URL {
        let folder = directory.appendingPathComponent(UUID().uuidString)
        try BundleTests.contosoCopy(at: folder, edits: edits, files: files)
        return folder
    }

    /// Lints `folder` in every format with `options`: each exits with `status`, reports
    /// `code`, and shows nothing of `secret`.
    private func assertLintHides(
        _ secret: String, in folder: URL, code: String, status: Int32, options: [String] = [], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for format in ["text", "json", "sarif", "github"] {
            let lint = try ToolProcess.run(["lint", folder.path, "--format", format] + options)
            XCTAssertEqual(lint.status, status, "\(format):\n\(lint.stdout)\(lint.stderr)", file: file, line: line)
            XCTAssertTrue(lint.stdout.contains(code), "\(format):\n\(lint.stdout)", file: file, line: line)
            XCTAssertFalse((lint.stdout + lint.stderr).contains(secret), "\(format):\n\(lint.stdout)\(lint.stderr)", file: file, line: line)
        }
    }

    /// A quoted line hides what its finding's message hides (found by an audit of the
    /// thirty-fourth round): a secret's literal value repeated where a rule quotes it, a
    /// token written as a key, and a token naming an XML element or attribute.
    func testAQuotedLineHidesWhatItsMessageHides() throws {
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
        let literal = try contoso(edits: [
            ("gateway.yaml", "secrets:\n", "secrets:\n  lit: {value: S3cr3tV4lue}\n"), ("apis/catalog.yaml", "scopes: [catalog.write]", "scopes: [S3cr3tV4lue]"),
        ])
        try assertLintHides("S3cr3tV4lue", in: literal, code: "RF001", status: 1)
        // Inside a word, between a URL's '/', in a quoted line and in a message (the audit
        // of the change).
        let inPath = try contoso(edits: [
            ("gateway.yaml", "secrets:\n", "secrets:\n  lit: {value: S3cr3tV4lue}\n"), ("apis/catalog.yaml", "scopes: [catalog.write]", "scopes: [/S3cr3tV4lue/x]"),
            ("gateway.yaml", "description: Maintain the product catalogue}", "description: see https://hooks.example.com/S3cr3tV4lue/x or x-S3cr3tV4lue}"),
        ])
        try assertLintHides("S3cr3tV4lue", in: inPath, code: "YS004", status: 1)
        try assertLintHides("dozjgNry", in: try contoso(files: [("portcullis.yaml", "\(jwt): 1\n")]), code: "YS003", status: 1)
        // A connection string as a key is a credential whole, though none of its parts
        // between '=' is one: in the configuration, repeated, and on a line the reader could
        // not take apart (audit V26).
        let connection = "Server=db;Password=\(Self.password)"
        try assertLintHides(Self.password, in: try contoso(files: [("portcullis.yaml", "\"\(connection)\": 1\n")]), code: "YS003", status: 1)
        let repeated = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: x\npolicy: '<fragment />'\n\"\(connection)\": 1\n\"\(connection)\": 2\n"
        try assertLintHides(Self.password, in: try contoso(files: [("fragments.yaml", repeated)]), code: "YS002", status: 1)
        let unread = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: x\npolicy: '<fragment />'\n\"\(connection)\": *undefined\n"
        try assertLintHides(Self.password, in: try contoso(files: [("fragments.yaml", unread)]), code: "YS001", status: 1)
        // Nor with blanks around its '=', a quoted value, or a token after 'Bearer' (audit V27).
        // Nor with quotes inside the key, escaped or doubled (audit V28: the message showed it too).
        let doubled = "'Password = ''\(Self.password)'''"
        let escaped = #""Password = \"\#(Self.password)\"""#
        for key in ["\"Server=db; Password = \(Self.password)\"", "\"Password='\(Self.password)'\"", "Server=db; Password = \(Self.password)", doubled, escaped] {
            try assertLintHides(Self.password, in: try contoso(files: [("portcullis.yaml", "\(key): 1\n")]), code: "YS003", status: 1)
        }
        let bearer = "Qx7mP2vK9tR4wZ8nB3cL6hJ1"
        try assertLintHides(bearer, in: try contoso(files: [("portcullis.yaml", "\"Authorization=Bearer \(bearer)\": 1\n")]), code: "YS003", status: 1)
        let element = try contoso(files: [("apis/raw.yaml", """
            apiVersion: portcullis/v1
            kind: API
            name: raw
            path: raw
            backend: https://raw.example.com
            auth: none
            policy: |
              <policies>
                <inbound>
                  <base />
                  <\(jwt) />
                  <set-variable name="x" value="1" ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8="1" />
                </inbound>
              </policies>
            routes:
              - {id: list-raw, method: GET, path: /raw, public: reason}

            """)])
        try assertLintHides("dozjgNry", in: element, code: "PX002", status: 1)
        try assertLintHides("a1B2c3D4e5F6", in: element, code: "PX002", status: 1)
    }

    /// A file beside the definitions with an `apimServiceName` key that cannot be read is a
    /// warning, and its line was quoted whole: a value the file marks secret with it.
    func testTheLineOfAPublisherConfigurationThatCannotBeReadShowsNoValue() throws {
        let settings = "apimServiceName: contoso-prod\nnamedValues:\n  - {name: redis-key, properties: {value: \"\(Self.key)\", secret: true}} ]\n"
        try assertLintHides(Self.key, in: try contoso(files: [("x/settings.yaml", settings)]), code: "RF009", status: 0)
    }

    /// A value shown escaped before its message hides credentials: the escape of a control
    /// character before a token (`\a` in a YAML key, `\x07` as shown) joined its letters
    /// to the token's, which the scanner then did not see start (audit V65: the token was
    /// quoted in clear in every format).
    func testATokenAfterAControlCharacterIsHidden() throws {
        let token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
        let settings = "\"namedValues:\\a\(token)\": x\napis:\n  - name: orders\n    \"\\e\(token)\": 1\n"
        try assertLintHides("aBcDeFgHiJkLmNoPqRsTuVwXyZ", in: try contoso(files: [("configuration.prod.yaml", settings)]), code: "RF009", status: 1)
        // A key after a character a message writes as its code point (`\u{00e9}`) is
        // hidden too (audit V71), and on the text's quoted source line (audit V76).
        // One that starts with '/' too (audit V73).
        // And after two dots, or a quote that pairs with the message's (audit V74).
        for prefix in ["é", "é/", "é..", "'"] {
            let policy = "    policy: '<policies><inbound><base /><include-fragment fragment-id=\"\(prefix.replacingOccurrences(of: "'", with: "''"))\(Self.key.dropLast())\" /></inbound></policies>'\n"
            let folder = try contoso(edits: [("apis/orders.yaml", "    summary: Place an order\n", "    summary: Place an order\n" + policy)])
            for format in ["text", "json", "sarif", "github"] {
                let lint = try ToolProcess.run(["lint", folder.path, "--format", format])
                XCTAssertTrue(lint.stdout.contains("RF001"), lint.stdout)
                XCTAssertFalse(lint.stdout.contains(String(Self.key.prefix(20))), "\(prefix) \(format):\n\(lint.stdout)")
            }
        }
    }

    /// A key quoted in a message inside brackets, braces or other punctuation is hidden
    /// as one between quotes is (audit V76: `[KEY]` as an unknown field was shown).
    func testAKeyInPunctuationIsHidden() throws {
        for wrapped in ["[\(Self.key.dropLast())]", "<\(Self.key.dropLast())>", "\(Self.key.dropLast());", "|\(Self.key.dropLast())|", "«\(Self.key.dropLast())»"] {
            let folder = try contoso(edits: [("gateway.yaml", "namedValues:\n", "\"\(wrapped)\": 1\nnamedValues:\n")])
            try assertLintHides(String(Self.key.prefix(24)), in: folder, code: "YS003", status: 1)
        }
    }

    /// A limit that stops the reading leaves the line unread by any check of secrets.
    func testTheLineWhereALimitStoppedTheReadingShowsNoValue() throws {
        let folder = try contoso(edits: [("gateway.yaml", "secrets:\n", "secrets:\n  redis-key: {value: \(Self.key), tags: [a, [b]]}\n")])
        try assertLintHides(Self.key, in: folder, code: "YS006", status: 1, options: ["--max-depth", "4"])
    }

    /// A document whose kind cannot be told is read by no check of secrets; written on one
    /// line, its error quoted all of it. A one-line JSON document quoted every member after
    /// the first that a check flagged.
    func testADocumentWrittenOnOneLineShowsNoValueItsChecksDidNotRead() throws {
        for document in [
            "{apiVersion: portcullis/v1, kind: Gatway, name: x, secrets: {k: {value: \(Self.key)}}}",
            "{apiVersion: v1, kind: Secret, stringData: {password: \(Self.password), primaryKey: \(Self.key)}}",
        ] {
            let backends = try String(contentsOf: BundleTests.contoso.appendingPathComponent("backends.yaml"), encoding: .utf8)
            let folder = try contoso(files: [("backends.yaml", backends + "---\n" + document + "\n")])
            try assertLintHides(Self.key, in: folder, code: "YS004", status: 1)
        }
        let openapi = #"{"openapi":"3.0.1","info":{"title":"Orders","version":"1","x-sample":{"clientSecret":"\#(Self.password)","sas_token":"\#(Self.key)"}},"paths":{}}"#
        let folder = try contoso(edits: [("apis/orders.yaml", "path: orders\n", "path: orders\nopenapi: orders.json\n")], files: [("apis/orders.json", openapi)])
        let lint = try ToolProcess.run(["lint", folder.path])
        XCTAssertTrue(lint.stdout.contains("SE001"), lint.stdout)
        XCTAssertFalse(lint.stdout.contains(Self.key) || lint.stdout.contains(Self.password), lint.stdout)
    }

    /// libxml2's message repeats text of the document it cannot parse: an entity's name, a
    /// word it took for an attribute's. Names APIM's policies have are still shown.
    func testXMLErrorsRepeatNoTextOfThePolicyButItsNames() throws {
        for statement in [
            #"<authentication-basic username="svc" password="&\#(Self.password);" />"#,
            #"<set-header name="X" \#(Self.key.dropLast()) />"#,
        ] {
            let policy = "    policy: '<policies><inbound><base />\(statement)</inbound></policies>'\n"
            let folder = try contoso(edits: [("apis/orders.yaml", "    summary: Place an order\n", "    summary: Place an order\n" + policy)])
            try assertLintHides(Self.password, in: folder, code: "PX001", status: 1)
            try assertLintHides(String(Self.key.dropLast()), in: folder, code: "PX001", status: 1)
        }
        let mismatch = "    policy: '<policies><inbound><base /></outbound></policies>'\n"
        let folder = try contoso(edits: [("apis/orders.yaml", "    summary: Place an order\n", "    summary: Place an order\n" + mismatch)])
        XCTAssertTrue(try ToolProcess.run(["lint", folder.path]).stdout.contains("tag mismatch: inbound line 1 and outbound"))
    }

    /// A suppression's reason was masked word by word before it was judged whole, so a
    /// password beside a connection string, or after `password:`, stayed.
    func testASuppressionsReasonThatHoldsACredentialIsHiddenWhole() throws {
        for reason in ["password: \(Self.password)", "old pwd \(Self.password) and AccountKey=\(Self.key)"] {
            let folder = try contoso(edits: [
                ("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api\n",
                 "# portcullis:ignore SE003 -- \(reason)\nbackend: http://orders.internal.contoso.com/api\n")
            ])
            let lint = try ToolProcess.run(["lint", folder.path, "--format", "sarif"])
            XCTAssertTrue(lint.stdout.contains("\"justification\" : \"(a value that holds a credential)\""), lint.stdout)
            XCTAssertFalse(lint.stdout.contains(Self.password), lint.stdout)
        }
    }

    /// Query parameters and JSON members that name a credential: lint passed and the build
    /// wrote the secret into the bundle.
    func testQueryKeysAndJSONMembersThatNameACredentialAreSE001() throws {
        for key in ["access_key", "auth_token", "private_token", "sastoken"] {
            let folder = try contoso(edits: [
                ("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api\n", "backend: https://orders.internal.contoso.com/api?\(key)=\(Self.key)\n")
            ])
            try assertLintHides(Self.key, in: folder, code: "SE001", status: 1)
        }
        let body = #"    policy: '<policies><inbound><base /><set-body>{"username": "svc", "password": "\#(Self.password)"}</set-body></inbound></policies>'"# + "\n"
        let folder = try contoso(edits: [("apis/orders.yaml", "    summary: Place an order\n", "    summary: Place an order\n" + body)])
        try assertLintHides(Self.password, in: folder, code: "SE001", status: 1)
    }

    /// A JSON member that names a credential is one only when its value is written out at
    /// a secret's length: a header's reference after its scheme, a policy expression, an
    /// example's placeholder or a flag are none (the audit of the round's changes).
    func testJSONMembersThatHoldNoSecretAreNoFinding() throws {
        let values = [
            #"'{"Authorization": "Bearer {{partner-client-secret}}"}'"#, #"'{"password": "@(context.Variables.GetValueOrDefault<string>(\"p\"))"}'"#,
            #"'{"new_password": "string"}'"#, #"'{"password": "${PASSWORD}"}'"#, #"'{"resetPassword": "true"}'"#, #"'{"password": "****************"}'"#,
        ]
        // The last one is a secret: the values were read, and only it is reported.
        let named = (values + [#"'{"password": "\#(Self.password)"}'"#]).enumerated().map { "  sample-\($0.offset): \($0.element)\n" }.joined()
        let folder = try contoso(edits: [("gateway.yaml", "namedValues:\n", "namedValues:\n" + named)])
        let lint = try ToolProcess.run(["lint", folder.path])
        let found = lint.stdout.split(separator: "\n").filter { $0.hasSuffix("[SE001]") }
        XCTAssertEqual(found.count, 1, lint.stdout)
        XCTAssertTrue(found.first?.contains("gateway.yaml:\(33 + values.count):") ?? false, lint.stdout)
    }

    /// A flow mapping's value under a key that calls it a credential was shown where it went
    /// on from the line above, was quoted with YAML's escapes, or was in a comment.
    func testFlowValuesAreHiddenAcrossLinesEscapesAndComments() throws {
        for (index, headers) in [
            "{X-Api-Token: 'abc''\(Self.password)', X-A: \"@(a)\"}",
            "{\"X-Api-\\u0054oken\": \"\(Self.password)\", X-A: \"@(a)\"}",
            "{X-A: \"@(a)\"}  # was {X-Trace: 1, X-Api-Token: \(Self.password)}",
            "{X-Api-Token:\n      \"\(Self.password)\", X-A: \"@(a)\"}",
            "{X-Api-Token: \"\(Self.password.prefix(6))\\\n      \(Self.password.dropFirst(6))\", X-A: \"@(a)\"}",
        ].enumerated() {
            let folder = try contoso(edits: [("apis/orders.yaml", "rateLimit: {calls: 600, per: 60s, key: user}\n", "rateLimit: {calls: 600, per: 60s, key: user}\nrequest:\n  headers:\n    set: \(headers)\n")])
            let lint = try ToolProcess.run(["lint", folder.path])
            XCTAssertTrue(lint.stdout.contains("YS004"), "\(index): \(lint.stdout)")
            XCTAssertFalse(lint.stdout.contains(Self.password) || lint.stdout.contains(String(Self.password.dropFirst(6))), "\(index): \(lint.stdout)")
        }
        // A document of no kind whose value goes on onto the line its error points at.
        let backends = try String(contentsOf: BundleTests.contoso.appendingPathComponent("backends.yaml"), encoding: .utf8)
        let folder = try contoso(files: [("backends.yaml", backends + "---\n{apiVersion: portcullis/v1, token: [a1,\n  \(Self.key)], kind: Foo}\n")])
        try assertLintHides(Self.key, in: folder, code: "YS004", status: 1)
    }

    /// libxml2 quotes a comment's text after `<!--`, cut short, where no word of it stands alone.
    func testABrokenCommentIsNotRepeated() throws {
        let policy = "    policy: '<policies><inbound><base /><!-- X-Api-Token: \(Self.password) -- rotated 2025 --></inbound></policies>'\n"
        let folder = try contoso(edits: [("apis/orders.yaml", "    summary: Place an order\n", "    summary: Place an order\n" + policy)])
        try assertLintHides(Self.password, in: folder, code: "PX001", status: 1)
    }
}
