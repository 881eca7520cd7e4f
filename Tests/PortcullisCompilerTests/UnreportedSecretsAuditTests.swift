import Foundation
import XCTest

/// What an audit of SE001 found going unreported, through the executable: a publisher
/// configuration's credential lists, quoted and braced connection-string passwords, common
/// credential names, a certificate's literal body, and a credential split by CDATA or a
/// comment. Each is reported, never quoted, and never bundled; the names around them that
/// are no credential's stay clean.
final class UnreportedSecretsAuditTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Random keys, as the audit wrote them.
    static let functionsKey = "cBoJQSWZ2lwnyIEDvYBthNzzF7z6xx4hY7D5mK7x"
    static let queryKey = "wMUrC49rKhsUDMDfQ8XApzuLj4fUxHJT3uBompHC"
    static let otherKey = "g9mZ9jTKjzIwvA50rQ8HjjlHKyXY7uca7eAd5B7E"
    /// `svc-orders:` and a password, in Base64.
    static let basic = "c3ZjLW9yZGVyczpBS2MzN1l3THJZUWpRSDAy"
    static let primaryKey = "dTmlj4fh2ocfFR8aF9oGtpFP"
    static let secondaryKey = "0YqMDjAauIjSslzhutWxZPr0"
    static let hexPassword = "e7fe6dcfead07aa25d3df35a4de0aa16"
    static let odbcPassword = "86c02caa58eb12b5a5216475f117d943"
    static let token = "V2cdcn9IMdRjSArmu9fWuQz1mbbVq9tJ"

    /// A copy of a sample at `name` with `edits` (file, text, replacement) made and `files` written.
    private func project(
        _ name: String, from sample: URL = BundleTests.fabrikam, edits: [(String, String, String)] = [], files: [(String, String)] = []
    ) throws -> URL {
        let folder = directory.appendingPathComponent(name)
        try FileManager.default.copyItem(at: sample, to: folder)
        for (path, from, to) in edits {
            let url = folder.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(from), "\(path) holds no '\(from)'")
            try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
        }
        for (path, text) in files {
            try text.write(to: folder.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// `lint` fails with SE001 at each of `places` (`file:line:`), in every format none of
    /// `secrets` is shown, and `build` writes nothing.
    private func assertReported(_ folder: URL, at places: [String], hiding secrets: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr, file: file, line: line)
        let reported = lint.stdout.split(separator: "\n").filter { $0.hasSuffix("[SE001]") }
        for place in places {
            XCTAssertTrue(reported.contains { $0.hasPrefix(place) }, "no SE001 at \(place):\n\(lint.stdout)", file: file, line: line)
        }
        for format in ["text", "json", "sarif", "github"] {
            let run = try ToolProcess.run(["lint", ".", "--format", format], in: folder)
            for secret in secrets {
                XCTAssertFalse((run.stdout + run.stderr).contains(secret), "\(format) shows '\(secret)':\n\(run.stdout)", file: file, line: line)
            }
        }
        let output = directory.appendingPathComponent("out-\(folder.lastPathComponent)")
        let build = try ToolProcess.run(["build", ".", "--out", output.path], in: folder)
        XCTAssertNotEqual(build.status, 0, build.stdout + build.stderr, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "a bundle was written", file: file, line: line)
        for secret in secrets {
            XCTAssertFalse((build.stdout + build.stderr).contains(secret), "build shows '\(secret)'", file: file, line: line)
        }
    }

    /// The SE001 lines `lint` reports for `folder`.
    private func reportedLines(_ folder: URL) throws -> [Substring] {
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        return lint.stdout.split(separator: "\n").filter { $0.hasSuffix("[SE001]") }
    }

    /// Finding 1: APIOps's backend credentials are lists, and a subscription's keys and an
    /// `authorization`'s `parameter` are credentials whatever they are named; the masker
    /// hides a flow sequence's items, so the RF009 finding that quotes the line does not
    /// show the key, and SARIF's fingerprint of that line does not depend on it.
    func testAPublisherConfigurationsCredentialListsAreReportedAndMasked() throws {
        func configuration(_ key: String) -> String {
            """
            apimServiceName: apim-prod
            backends:
              - {name: partner-orders-weu, properties: {credentials: {header: {x-functions-key: [\(key)]}}}}
              - name: partner-orders-neu
                properties:
                  credentials:
                    query:
                      code:
                        - "\(Self.queryKey)"
                    authorization:
                      scheme: Basic
                      parameter: "\(Self.basic)"
            subscriptions:
              - name: partner
                properties: {primaryKey: \(Self.primaryKey), secondaryKey: \(Self.secondaryKey)}

            """
        }
        let folder = try project("configuration", from: BundleTests.contoso, files: [("configuration.prod.yaml", configuration(Self.functionsKey))])
        try assertReported(
            folder, at: ["configuration.prod.yaml:3:", "configuration.prod.yaml:9:", "configuration.prod.yaml:12:", "configuration.prod.yaml:15:"],
            hiding: [Self.functionsKey, Self.queryKey, Self.basic, Self.primaryKey, Self.secondaryKey])
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertTrue(lint.stdout.contains("configuration.prod.yaml:3:") && lint.stdout.contains("[RF009]"), lint.stdout)

        // The same line with another key hashes the same: the hash is of the masked line.
        let other = try project("configuration-other", from: BundleTests.contoso, files: [("configuration.prod.yaml", configuration(Self.otherKey))])
        func fingerprints(_ folder: URL) throws -> [String] {
            let sarif = try ToolProcess.run(["lint", ".", "--format", "sarif"], in: folder)
            let log = try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any]
            let results = ((log?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
            return results.compactMap { ($0["partialFingerprints"] as? [String: String])?["primaryLocationLineHash"] }.sorted()
        }
        let hashes = try fingerprints(folder)
        XCTAssertFalse(hashes.isEmpty)
        XCTAssertEqual(hashes, try fingerprints(other))

        // The same cause let a list pass in an API's OpenAPI document.
        let openAPI = try project(
            "openapi-list",
            edits: [("specs/invoices.yaml", "paths:\n", "x-token-exchange: {\"client_id\": \"invoices\", \"client_secret\": [\"\(Self.queryKey)\"]}\npaths:\n")])
        try assertReported(openAPI, at: ["specs/invoices.yaml:"], hiding: [Self.queryKey])
    }

    /// Finding 2: a connection string's password in quotes or in ODBC's braces.
    func testQuotedAndBracedConnectionStringPasswordsAreReported() throws {
        let folder = try project(
            "connection-strings",
            edits: [
                (
                    "gateway.yaml", "  Environment.Name: production\n",
                    """
                      Environment.Name: production
                      Orders.Db: "Server=tcp:db;Database=orders;User ID=sa;Password='\(Self.hexPassword)';"
                      Legacy.Odbc: "Driver={ODBC Driver 18 for SQL Server};Server=db;Uid=sa;Pwd={\(Self.odbcPassword)};"
                      Orders.Reference: "Server=tcp:db;Database=orders;User ID=sa;Password='{{Orders.DbPassword}}';"

                    """
                )
            ])
        try assertReported(folder, at: ["gateway.yaml:27:", "gateway.yaml:28:"], hiding: [Self.hexPassword, Self.odbcPassword])
        XCTAssertFalse(try reportedLines(folder).contains { $0.hasPrefix("gateway.yaml:29:") })
    }

    /// Finding 3: names ending in `token`, `secret` with no separator, and `key` after a
    /// prefix that keeps it a secret's; a YAML header's value that is a generated key; a
    /// comment's `key: value`. Names about a credential, paging tokens, placeholders and
    /// references stay clean.
    func testCommonCredentialNamesAreReported() throws {
        let named = [
            "<set-header name=\"accessToken\" exists-action=\"override\"><value>\(Self.token)</value></set-header>",
            "<set-header name=\"partner-access-token\" exists-action=\"override\"><value>\(Self.token)</value></set-header>",
            "<set-header name=\"X-Access-Token\" exists-action=\"override\"><value>\(Self.token)</value></set-header>",
            "<set-header name=\"X-Api-Token\" exists-action=\"override\"><value>\(Self.token)</value></set-header>",
            "<set-header name=\"X-Auth-Key\" exists-action=\"override\"><value>\(Self.token)</value></set-header>",
            "<set-variable name=\"webhookSecret\" value=\"\(Self.token)\" />",
            "<set-variable name=\"sharedSecret\" value=\"\(Self.token)\" />",
            "<set-variable name=\"subscriptionKey\" value=\"\(Self.token)\" />",
            "<set-variable name=\"sharedKey\" value=\"\(Self.token)\" />",
            "<set-variable name=\"masterKey\" value=\"\(Self.token)\" />",
            "<set-variable name=\"sasToken\" value=\"\(Self.token)\" />",
            "<set-body>{\"grant_type\": \"refresh_token\", \"refresh_token\": \"\(Self.token)\"}</set-body>",
            "<!-- apiKey: \(Self.token) -->",
            // After other words (`note: `): only the first colon was read (an audit).
            "<!-- note: apiKey: \(Self.token) -->",
            // Glued to its colon (audit V41), or a space before it (audit V42).
            "<!-- note: apiKey:\(Self.token) -->",
            "<!-- note: apiKey : \(Self.token) -->",
            // A generated key between an interpolated string's doubled braces is no named
            // value's name, and RF001's message quoted it (the last audit of the round).
            "<set-backend-service base-url=\"@($&quot;https://fn.example.com/api/x?code={{\(Self.otherKey)}}&quot;)\" />",
        ]
        let clean = [
            "<set-header name=\"tokenLifetime\" exists-action=\"override\"><value>3600</value></set-header>",
            "<set-header name=\"X-Token-Type\" exists-action=\"override\"><value>Bearer</value></set-header>",
            "<set-header name=\"X-CSRF-Token\" exists-action=\"override\"><value>Fetch</value></set-header>",
            "<set-variable name=\"nextPageToken\" value=\"CAoQAAZZABCDEFGHIJ12\" />",
            "<set-variable name=\"pageToken\" value=\"CAoQAAZZABCDEFGHIJ12\" />",
            "<set-header name=\"X-Key-Id\" exists-action=\"override\"><value>key-2024-01-abcdef</value></set-header>",
            "<set-variable name=\"token_type\" value=\"Bearer\" />",
            "<set-header name=\"X-Api-Token\" exists-action=\"override\"><value>{{partner-api-token}}</value></set-header>",
            "<set-variable name=\"isSecret\" value=\"true\" />",
            "<!-- cache key: per-user -->",
            "<!-- note: cache key: per-user -->",
            // Where a token comes from is no token (audit V41: a false SE001).
            "<!-- see: token: https://login.microsoftonline.com/72f988bf/oauth2/v2.0/token -->",
            // Found by the audit of the change: identifiers under names read by their words,
            // and a named value referenced in an interpolated string, where C# writes a
            // brace as two.
            "<set-variable name=\"sessionKey\" value=\"orders-session\" />",
            "<set-variable name=\"paginationToken\" value=\"first-page\" />",
            "<set-header name=\"X-Session-Key\" exists-action=\"override\"><value>web</value></set-header>",
            "<set-backend-service base-url=\"@($&quot;https://fn.example.com/api/orders?code={{orders-fn-key}}&quot;)\" />",
            "<set-body>@($\"grant_type=client_credentials&amp;client_secret={{backend-client-secret}}\")</set-body>",
        ]
        let inbound = (named + clean).map { "        " + $0 }.joined(separator: "\n")
        let folder = try project(
            "names",
            edits: [
                ("policies/global.xml", "<include-fragment fragment-id=\"correlation-id\" />\n", "<include-fragment fragment-id=\"correlation-id\" />\n\(inbound)\n"),
                (
                    "apis/invoices.yaml", "openapi: ../specs/invoices.yaml\n",
                    "openapi: ../specs/invoices.yaml\nrequest:\n  headers:\n    set: {X-Backend-Auth: \(Self.otherKey), X-Content-SHA256: 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=}\n    append: {X-Shared-Access: \(Self.otherKey)}\n"
                ),
            ])
        // The first statement added is on line 4 of the policy.
        try assertReported(
            folder, at: named.indices.map { "policies/global.xml:\($0 + 4):" } + ["apis/invoices.yaml:13:", "apis/invoices.yaml:14:"], hiding: [Self.token, Self.otherKey])
        let reported = try reportedLines(folder)
        // The empty body's SHA-256 under a digest's name is public (the audit of the change).
        XCTAssertEqual(reported.filter { $0.hasPrefix("apis/invoices.yaml:13:") }.count, 1, "\(reported)")
        for index in clean.indices {
            XCTAssertFalse(reported.contains { $0.hasPrefix("policies/global.xml:\(named.count + index + 4):") }, "\(clean[index]):\n\(reported)")
        }
    }

    /// A comment of colons was read again from each colon to its line's end: 80 KB took
    /// three minutes to lint (audit V41). Each character is read a bounded number of times.
    func testACommentOfColonsIsReadInAnInstant() throws {
        // And a run of colons glued, each of which read a value of a thousand characters
        // (audit V42: 18 s).
        let comment = "<!-- " + String(repeating: "a: ", count: 20_000) + String(repeating: ":", count: 190_000) + " -->"
        let folder = try project(
            "colons", edits: [("policies/global.xml", "<include-fragment fragment-id=\"correlation-id\" />\n", "<include-fragment fragment-id=\"correlation-id\" />\n\(comment)\n")])
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        XCTAssertLessThan(lint.seconds, 10)
    }

    /// Finding 4: an `authentication-certificate`'s literal body is the certificate with its
    /// private key; a reference or an expression is not.
    func testACertificatesLiteralBodyIsReported() throws {
        let body = "MIIKYQIBAzCCCicGCSqGSIb3DQEHAaCCChgEggoUMIIKEDCCBMcGCSqGSIb3DQEHBqCCBLgwggS0AgEAMIIErQYJKoZIhvcNAQcBMBwGCiqGSIb3DQEMAQYwDgQI"
        let folder = try project(
            "certificate",
            edits: [
                (
                    "policies/global.xml", "<include-fragment fragment-id=\"correlation-id\" />\n",
                    """
                    <include-fragment fragment-id="correlation-id" />
                            <authentication-certificate body="\(body)" password="{{Environment.Name}}" />
                            <authentication-certificate body="{{Environment.Name}}" />
                            <authentication-certificate body="@((byte[])context.Variables["cert"])" />

                    """
                )
            ])
        try assertReported(folder, at: ["policies/global.xml:4:"], hiding: [String(body.prefix(60))])
        let reported = try reportedLines(folder)
        XCTAssertFalse(reported.contains { $0.hasPrefix("policies/global.xml:5:") || $0.hasPrefix("policies/global.xml:6:") }, "\(reported)")
    }

    /// Finding 5: APIM joins an element's text and CDATA and drops its comments, so a
    /// credential split by either is judged whole.
    func testACredentialSplitByCDATAOrACommentIsReported() throws {
        let folder = try project(
            "split",
            edits: [
                (
                    "policies/global.xml", "<include-fragment fragment-id=\"correlation-id\" />\n",
                    """
                    <include-fragment fragment-id="correlation-id" />
                            <set-header name="X-Store" exists-action="override"><value>AccountName=acct;Account<![CDATA[Key=\(Self.otherKey)==]]></value></set-header>
                            <set-header name="X-Store2" exists-action="override"><value>AccountName=acct;Account<!-- -->Key=\(Self.queryKey)==</value></set-header>

                    """
                )
            ])
        try assertReported(folder, at: ["policies/global.xml:4:", "policies/global.xml:5:"], hiding: [Self.otherKey, Self.queryKey])
    }

    /// Audit V107: a key or a Basic password written as a string among other code under a
    /// credential's header (a condition, a local, a default, `GetBytes("user:password")`)
    /// was bundled; only code of nothing but strings was judged. Names the code reads values
    /// by, however key-like, stay clean.
    func testACredentialWrittenAmongOtherCodeIsReported() throws {
        let headers = [
            #"<set-header name="x-functions-key" exists-action="override"><value>@(context.Request.Method == "GET" ? "\#(Self.functionsKey)" : "z")</value></set-header>"#,
            #"<set-header name="Ocp-Apim-Subscription-Key" exists-action="override"><value>@{ var key = "\#(Self.hexPassword)"; return key; }</value></set-header>"#,
            #"<set-header name="api-key" exists-action="override"><value>@(context.Variables.GetValueOrDefault<string>("k", "\#(Self.queryKey)"))</value></set-header>"#,
            #"<set-header name="Authorization" exists-action="override"><value>@("Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("svc-account:Tr0ub4dorAnd3")))</value></set-header>"#,
            // A query's `code`, and a key written in two parts (audit V109).
            #"<set-query-parameter name="code" exists-action="override"><value>@(context.Request.Method == "GET" ? "\#(Self.otherKey)" : "z")</value></set-query-parameter>"#,
            #"<set-header name="x-functions-key" exists-action="override"><value>@(context.Request.Method == "GET" ? "\#(Self.token)" + "\#(Self.primaryKey)" : "z")</value></set-header>"#,
        ]
        let folder = try project(
            "among",
            edits: [
                (
                    "policies/global.xml", "<include-fragment fragment-id=\"correlation-id\" />\n",
                    "<include-fragment fragment-id=\"correlation-id\" />\n" + headers.map { "        " + $0 + "\n" }.joined()
                )
            ])
        try assertReported(
            folder, at: (4...9).map { "policies/global.xml:\($0):" },
            hiding: [Self.functionsKey, Self.hexPassword, Self.queryKey, "Tr0ub4dorAnd3", Self.otherKey, Self.token, Self.primaryKey])
        let names = try project(
            "names",
            edits: [
                (
                    "policies/global.xml", "<include-fragment fragment-id=\"correlation-id\" />\n",
                    """
                    <include-fragment fragment-id="correlation-id" />
                            <set-header name="x-functions-key" exists-action="override"><value>@(context.Variables.GetValueOrDefault<string>("functionsKeyFor2024Orders", ""))</value></set-header>
                            <set-header name="Authorization" exists-action="override"><value>@("Bearer " + context.Request.Headers.GetValueOrDefault("X-Upstream-Token2024abc", ""))</value></set-header>
                            <set-header name="x-api-key" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("X-Api-Key-Primary-2024", context.Request.Headers.GetValueOrDefault("X-Api-Key-Secondary-2024", "")))</value></set-header>

                    """
                )
            ])
        XCTAssertEqual(try reportedLines(names), [])
    }
}
