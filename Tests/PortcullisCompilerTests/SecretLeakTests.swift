import Foundation
import PortcullisChecker
import PortcullisSupport
import XCTest

/// A secret written into the definitions, in the right place or the wrong one, is never
/// repeated by a report: not in a message, a quoted line or a SARIF fingerprint.
final class SecretLeakTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    static let formats = ["text", "json", "sarif", "github"]

    /// Writes `gateway` (and an optional API) to a fresh project folder.
    private func project(_ name: String, gateway: String, api: String? = nil) throws -> URL {
        let folder = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try gateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        if let api { try api.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8) }
        return folder
    }

    /// Lints `folder`, which must fail: where each SE001 finding points, as `FILE:LINE`.
    private func credentialLines(in folder: URL) throws -> (found: Set<String>, stdout: String) {
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout)
        let found = lint.stdout.split(separator: "\n").filter { $0.hasSuffix("[SE001]") }.map { String($0.prefix { $0 != ":" }) + ":" + String($0.split(separator: ":")[1]) }
        return (Set(found), lint.stdout)
    }

    /// `FILE:LINE` of the first line of `text` that `matches`.
    private static func line(in file: String, of text: String, where matches: (Substring) -> Bool) -> String {
        "\(file):\(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(where: matches)! + 1)"
    }

    /// A secret's literal `value` is secret for where it is written, not for what it looks
    /// like; a YAML alias repeated it where a rule quotes values, and the message, or
    /// `diff`'s change, printed it (found by a hostile audit). A quoted part equal to a
    /// redacted text is hidden.
    func testAValueAnAliasRepeatsFromASecretIsNotQuoted() throws {
        let secret = "hunter2xyzzy"
        func gateway(audiences: String, origins: String) -> String {
            """
            apiVersion: portcullis/v1
            kind: Gateway
            name: example
            secrets:
              plain-one: {value: &s1 \(secret)}
            identityProviders:
              entra:
                type: jwt
                issuer: https://login.example.com/v2.0
                openidConfig: https://login.example.com/v2.0/.well-known/openid-configuration
                audiences: [\(audiences)]
            scopes:
              orders.read: {access: read}
            cors:
              allowedHeaders: [Authorization]
              allowedOrigins: [\(origins)]
            defaults:
              auth: entra
              rateLimit: {calls: 100, per: 60s}

            """
        }
        let api = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml
        let invalid = try project("invalid", gateway: gateway(audiences: "api://example", origins: "https://shop.example.com, *s1"), api: api)
        for format in Self.formats {
            let lint = try ToolProcess.run(["lint", "--format", format, "."], in: invalid)
            XCTAssertNotEqual(lint.status, 0)
            XCTAssertTrue(lint.stdout.contains("YS004"), lint.stdout)
            XCTAssertFalse((lint.stdout + lint.stderr).contains(secret), "\(format):\n\(lint.stdout)")
        }
        _ = try project("base", gateway: gateway(audiences: "api://example", origins: "https://shop.example.com"), api: api)
        _ = try project("head", gateway: gateway(audiences: "api://example, *s1", origins: "https://shop.example.com"), api: api)
        // In a list of headers too, which the change listed unquoted (audit V81).
        let headers = gateway(audiences: "api://example", origins: "https://shop.example.com")
            .replacingOccurrences(of: "allowedHeaders: [Authorization]", with: "allowedHeaders: [Authorization, *s1]")
        _ = try project("headers", gateway: headers, api: api)
        // A secret of a few letters among many other characters, a quote among them, is
        // hidden whole (audit V89: only texts up to four times its letters were tried).
        let bang = "x'" + String(repeating: "!", count: 60) + "'hunter2"
        let spread = { (text: String) in text.replacingOccurrences(of: "&s1 \(secret)}", with: "&s1 \"\(bang)\"}") }
        _ = try project("spread-base", gateway: spread(gateway(audiences: "api://example", origins: "https://shop.example.com")), api: api)
        _ = try project("spread-head", gateway: spread(headers), api: api)
        for format in ["text", "json", "markdown"] {
            let spreadDiff = try ToolProcess.run(["diff", "spread-base", "spread-head", "--format", format], in: directory)
            XCTAssertTrue(spreadDiff.stdout.contains("CORS allows request headers"), spreadDiff.stdout + spreadDiff.stderr)
            XCTAssertFalse((spreadDiff.stdout + spreadDiff.stderr).contains("hunter2"), "\(format):\n\(spreadDiff.stdout)")
        }
        for format in ["text", "json", "markdown"] {
            let diff = try ToolProcess.run(["diff", "base", "head", "--format", format], in: directory)
            XCTAssertTrue(diff.stdout.contains("now accepts audience"), diff.stdout + diff.stderr)
            XCTAssertFalse((diff.stdout + diff.stderr).contains(secret), "\(format):\n\(diff.stdout)")
            let listed = try ToolProcess.run(["diff", "base", "headers", "--format", format], in: directory)
            XCTAssertTrue(listed.stdout.contains("CORS allows request headers 'Authorization', "), listed.stdout + listed.stderr)
            XCTAssertFalse((listed.stdout + listed.stderr).contains(secret), "\(format):\n\(listed.stdout)")
        }
        // The same value written with an escape, with a quote doubled, or on the next line
        // (found by the audit of the fix), and a quote inside the value.
        for (name, written, shown) in [
            ("escaped", #"&s1 "hunter2\x78yzzy""#, "hunter2xyzzy"), ("doubled", "&s1 'hunter2''xyzzy'", "hunter2'xyzzy"),
            ("next-line", "&s1\n      hunter2xyzzy", "hunter2xyzzy"),
        ] {
            let text = gateway(audiences: "api://example", origins: "https://shop.example.com, *s1")
                .replacingOccurrences(of: "&s1 \(secret)}", with: "\(written)}")
            let folder = try project(name, gateway: text, api: api)
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertTrue(lint.stdout.contains("YS004"), "\(name): \(lint.stdout)")
            XCTAssertFalse(lint.stdout.contains(shown), "\(name): \(lint.stdout)")
        }
    }

    /// Credentials the checker passed and the build published (audit V81): a HashiCorp
    /// Vault token under `X-Vault-Token` (a vault's token opens it, where a vault's secret
    /// names what it keeps), an env file's `API_TOKEN=…` or `VAULT_TOKEN=hvs.…` in an answer's
    /// body, and the
    /// signature of a Google Cloud Storage or AWS signed URL in a backend's query.
    func testVaultTokensEnvFileLinesAndSignedURLsAreSE001() throws {
        let key = "Zq7wLmB4nXc2Rt8vQ1Zq7wLmB9"
        let signature = String(repeating: "247a2aa45f169edf", count: 4)
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: orders
            path: orders
            backend: https://storage.googleapis.com/bkt/obj?X-Goog-Date=20240524T000000Z&X-Goog-Signature=\(signature)
            routes:
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                request: {headers: {set: {X-Vault-Token: "\(key)"}}}
              - id: get-config
                method: GET
                path: /config
                scopes: [orders.read]
                respond: {status: 200, body: 'API_TOKEN=\(key)'}
              - id: get-vault
                method: GET
                path: /vault
                scopes: [orders.read]
                respond: {status: 200, body: 'VAULT_TOKEN=hvs.CAESIJlU9JMYEhOPYv4igdhm9PnK3sFz0hSvR'}
              - id: list-pages
                method: GET
                path: /pages
                summary: Next page at /pages?limit=50&startingToken=AAEAAQAAABtXaGF0IGlzIGEgcGFnaW5n and resumptionToken=AAEAAQAAABtXaGF0IGlzIGEgcGFnaW5n
                scopes: [orders.read]
              - id: get-export
                method: GET
                path: /export
                scopes: [orders.read]
                rewrite: {path: "/export?X-Amz-Date=20240524T000000Z&X-Amz-Signature=\(signature)"}

            """
        let folder = try project("signed", gateway: RuleExample.baseGateway, api: api)
        let (found, stdout) = try credentialLines(in: folder)
        // A paging token, in a query or in prose, is none (audit V89: the first form of the
        // change refused both).
        XCTAssertEqual(found, ["orders.yaml:5", "orders.yaml:11", "orders.yaml:16", "orders.yaml:21", "orders.yaml:31"], stdout)
        XCTAssertFalse(stdout.contains(key) || stdout.contains(signature), stdout)
    }

    /// A Teams incoming webhook's URL in a named value, and a key under a header named
    /// `X-Key`, were published in clear (audits V90, V93): each is SE001, and neither is
    /// quoted back. A cache's key of the same shape is an identifier.
    func testATeamsWebhookAndAKeyHeaderAreSE001() throws {
        let key = "zXyW1234abcdEFGH5678ijklMNOP9012qrstUVWX"
        let hook = "https://contoso.webhook.office.com/webhookb2/4f1c2a9e-1111-2222-3333-444455556666@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/9c0e7b5d2a4f4e1b8d3c6a7f0e9b2d41/5a6b7c8d-9e0f-1a2b-3c4d-5e6f7a8b9c0d"
        let gateway = RuleExample.baseGateway.replacingOccurrences(of: "secrets:\n", with: "namedValues:\n  alerts-webhook: \"\(hook)\"\nsecrets:\n")
        let routes = """
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                request:
                  headers:
                    set:
                      X-Key: \(key)
                      X-Cache-Key: catalog-v2-2024-summary

            """
        let folder = try project("hooks", gateway: gateway, api: RuleExample.api(routes: routes).yaml)
        let (found, stdout) = try credentialLines(in: folder)
        XCTAssertEqual(found.filter { $0.hasPrefix("orders.yaml") }.sorted(), ["orders.yaml:14"], stdout)
        XCTAssertEqual(found.filter { !$0.hasPrefix("orders.yaml") }.count, 1, stdout)
        XCTAssertFalse(stdout.contains(key) || stdout.contains("9c0e7b5d2a4f4e1b8d3c6a7f0e9b2d41"), stdout)
    }

    /// Values in a secret position, however malformed, are not quoted back; nor is a value
    /// anywhere that looks like a credential.
    func testMessagesNeverQuoteASecret() throws {
        let base = RuleExample.baseGateway
        let declaration = "  partner-secret: {keyVault: https://example-kv.vault.azure.net/secrets/partner}\n"
        let cases: [(name: String, gateway: String, secret: String)] = [
            ("secret-as-scalar", base.replacingOccurrences(of: declaration, with: declaration + "  api-key: Hunter2\n"), "Hunter2"),
            ("secret-misspelt-field", base.replacingOccurrences(of: declaration, with: declaration + "  api-key: {valeu: Hunter2}\n"), "Hunter2"),
            ("secret-as-name", base.replacingOccurrences(of: declaration, with: declaration + "  Hunter2!pass: {keyVault: https://example-kv.vault.azure.net/secrets/x}\n"), "Hunter2!pass"),
            ("client-secret-invalid-name", base.replacingOccurrences(of: "{secret: partner-secret}", with: "{secret: Hunter2}"), "Hunter2"),
            ("client-secret-undeclared", base.replacingOccurrences(of: "{secret: partner-secret}", with: "{secret: hunter2-pass}"), "hunter2-pass"),
            ("client-secret-misspelt", base.replacingOccurrences(of: "{secret: partner-secret}", with: "{secert: Hunter2}"), "Hunter2"),
            ("redis-invalid-name", base.replacingOccurrences(of: "{secret: redis-connection}", with: "{secret: Hunter2}"), "Hunter2"),
            ("token-in-plain-field", base.replacingOccurrences(of: "connection: {secret: redis-connection}\n", with: "connection: {secret: redis-connection}\n  tls: ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n"), "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
        ]
        for (name, gateway, secret) in cases {
            XCTAssertTrue(gateway.contains(secret), "\(name): the fixture does not hold the secret")
            let folder = try project(name, gateway: gateway)
            for format in Self.formats {
                let result = try ToolProcess.run(["lint", "--format", format, "."], in: folder)
                XCTAssertEqual(result.status, 1, "\(name) \(format): \(result.stdout)\(result.stderr)")
                XCTAssertFalse(result.stdout.isEmpty, "\(name) \(format): no report")
                XCTAssertFalse(
                    (result.stdout + result.stderr).contains(secret), "\(name) --format \(format) repeats the secret:\n\(result.stdout)")
            }
        }
    }

    /// A line the reader could not take apart was judged as text by its first key only, so
    /// a flow mapping's secret (`lit: {value: …} junk`), a second value beside a masked one,
    /// and broken XML's `password="…"` were quoted; an alias of a secret shown another way
    /// (a key cut to 64 characters, a block scalar, a line break in a quoted one) passed the
    /// guard, and a suppression's reason was not read by it (found by the audit of secrets).
    /// Each now shows no part of the secret, in any format, through the built executable.
    func testSecretsOnLinesTheReaderCouldNotReadOrShownAnotherWayAreHidden() throws {
        let base = RuleExample.baseGateway
        let declaration = "  partner-secret: {keyVault: https://example-kv.vault.azure.net/secrets/partner}\n"
        let long = "Tr0ub4dorLong" + String(repeating: "x", count: 60)
        func declaring(_ lines: String) -> String { base.replacingOccurrences(of: declaration, with: declaration + lines) }
        func policied(_ statement: String) -> String {
            RuleExample.api(
                fields: "policy: |\n  <policies>\n    <inbound>\n      <base />\n      \(statement)\n    </inbound>\n  </policies>\n",
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n"
            ).yaml
        }
        // The alias where a message quotes it: an unknown field's key, after the anchor.
        let provider = "  connection: {secret: redis-connection}\n"
        let aliases = "  *s : 1\n"
        let cases: [(name: String, gateway: String, api: String?, secret: String)] = [
            ("flow-syntax", declaring("  lit-a: {value: Tr0ub4dorS1} junk\n"), nil, "Tr0ub4dorS1"),
            ("flow-duplicate", declaring("  lit-a: {value: Tr0ub4dorS5, value: Tr0ub4dorS5b}\n"), nil, "Tr0ub4dorS5b"),
            ("beside-masked", base.replacingOccurrences(of: "clientSecret: {secret: partner-secret}", with: "clientSecret: {secret: partner-secret}\n      client: {clientSecret: Tr0ub4dorF1a, clientSecrett: Tr0ub4dorF1b}"), nil, "Tr0ub4dorF1"),
            ("broken-xml", base, RuleExample.api(fields: "policy: |\n  <policies>\n    <inbound>\n      <base />\n      <authentication-certificate thumbprint=\"AB\" password=\"Tr0ub4dorP2abc\" ><\n    </inbound>\n  </policies>\n", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml, "Tr0ub4dorP2"),
            ("long-alias", declaring("  lit-sec: {value: &s \(long)}\n").replacingOccurrences(of: provider, with: provider + aliases), nil, "Tr0ub4dorLong"),
            ("block-alias", declaring("  lit-sec:\n    value: &s |\n      Tr0ub4dorB1Block\n").replacingOccurrences(of: provider, with: provider + aliases), nil, "Tr0ub4dorB1"),
            ("continued-alias", declaring("  lit-sec: {value: &s \"Tr0ub4dorB4\\\n    Cont\"}\n").replacingOccurrences(of: provider, with: provider + aliases), nil, "Tr0ub4dorB4"),
            ("suppression-reason", declaring("  # portcullis:ignore SE002 -- 'Tr0ub4dorQ2Lit' rotates monthly; pwd Tr0ub4dorQ2Lit\n  lit-a: {value: Tr0ub4dorQ2Lit}\n"), nil, "Tr0ub4dorQ2"),
            // Found by the audit of the fixes: what the first masking of such lines left, a
            // quoted expression's string, a comment, a key the report masks; a reason that
            // names the secret after a tab or a colon; a secret holding a backslash.
            ("broken-expression", base, policied(#"<authentication-basic username="u" password="@(&quot;x&quot; + "Tr0ub4dorEXP")" bogus="1" />"#), "Tr0ub4dorEXP"),
            ("broken-comment", base, policied("<set-header name=\"X-A\" exists-action=\"override\"><value>a</value></set-header><!-- ghp_aBcDeFgHiJkLmNoPqRsTr0ub4dorZ0123456789 --><bogus/>"), "Tr0ub4dor"),
            ("masked-key", base + "  ghp_aBcDeFgHiJkLmNoPqRsTr0ub4dorZ0123456789: 1\n", nil, "Tr0ub4dor"),
            ("reason-set-off", declaring("  # portcullis:ignore SE002 -- rotates monthly, was:Tr0ub4dorQ3Lit\n  lit-a: {value: Tr0ub4dorQ3Lit}\n"), nil, "Tr0ub4dorQ3"),
            ("backslash-alias", declaring("  lit-sec: {value: &s \"Tr0ub4dor\\\\AL5x\"}\n").replacingOccurrences(of: provider, with: provider + aliases), nil, "AL5x"),
        ]
        for (name, gateway, api, secret) in cases {
            XCTAssertTrue((gateway + (api ?? "")).contains(secret), "\(name): the fixture does not hold the secret")
            let folder = try project(name, gateway: gateway, api: api)
            for format in Self.formats {
                let result = try ToolProcess.run(["lint", "--format", format, "."], in: folder)
                XCTAssertFalse(result.stdout.isEmpty, "\(name) \(format): no report")
                XCTAssertFalse(
                    (result.stdout + result.stderr).contains(secret), "\(name) --format \(format) repeats the secret:\n\(result.stdout)")
            }
        }
    }

    /// A plain named value whose name calls it nothing passed lint when a raw policy put it
    /// where a credential goes (a password, a key header, a `Basic` authorization), and
    /// `build` published it as `"secret": false` (found by the audit of secrets). It is
    /// SE001 now, where it is declared, and `build` refuses; a named value used elsewhere
    /// is not.
    func testAPlainNamedValueUsedAsACredentialIsSE001() throws {
        let values = "namedValues:\n  backend-pw: Tr0ub4dor-Horse-77\n  fn-secret-ish: q8Zr2LmN4vT7xK1p\n  basic-creds: c3ZjOmh1bnRlcjI=\n  region: westeurope\n  nv-k: Zx9Qw8Er7Ty6Ui5O\n  db-pw: Wq3Er4Ty5Ui6Op7\n  db-host: db.example.com\n"
            + "  partner-cfg: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n  partner-pair: svc-orders:Kq7Lm2Np9Rs4\n  tenant: contoso\n  relay-key: 7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29\n  service-pw: hunter2-orders\n  client-name: svc-orders.api\n  format-word: Garden42-x\n  joined-word: Maple77-x\n"
            + "  table-name: OrdersTable2024\n  sas-sig: Xq7Wm2Lp9Zr4Tn6Bv8Hc\n  sas-twice: Rt5Yh8Jk2Nb6Vc9Xz3Qa\n  sas-held: Mn4Bv7Cx1Zl8Kj5Hg2Fd\n  sas-moved: Wq2Ed5Rf8Tg1Yh4Uj7Ik\n  sas-escaped: Lk9Jh6Gf3Ds0Az8Xc5Vb\n  sas-copied: Po1Iu4Yt7Re0Wq3Ea6Sd\n"
        // A table name in a SAS token's text is under its own key, 'tn', not the token's;
        // its signature is one (audit V69), and so is a value put under 'tn' and 'sig'
        // (audit V71), or under 'tn' and through a variable under 'sig', or moved there by
        // a 'Replace' (audit V73), under an escaped key or through a header (audit V74).
        // From the audit of secrets (V52): a key kept in a variable, then sent under a key's
        // header, copied once more too (V58); a pair encoded into 'Basic' by code, and a
        // password joined to a user name there (V59), though not the name itself (V61); a
        // variable of another value sent under a header that names nothing is not one.
        let policy = """
            policy: |
              <policies><inbound><base />
                <set-variable name="k" value="{{partner-cfg}}" />
                <set-header name="Ocp-Apim-Subscription-Key" exists-action="override"><value>@((string)context.Variables["k"])</value></set-header>
                <set-header name="Authorization" exists-action="override"><value>@("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("{{partner-pair}}")))</value></set-header>
                <set-variable name="r1" value="{{relay-key}}" />
                <set-variable name="r2" value="@((string)context.Variables["r1"])" />
                <set-header name="x-api-key" exists-action="override"><value>@((string)context.Variables["r2"])</value></set-header>
                <set-header name="Proxy-Authorization" exists-action="override"><value>@("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("{{client-name}}:{{service-pw}}")))</value></set-header>
                <set-header name="Authorization" exists-action="append"><value>@("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Format("{0}:{1}", "{{client-name}}", "{{format-word}}"))))</value></set-header>
                <set-header name="Authorization" exists-action="append"><value>@("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("{{client-name}}" + ":" + "{{joined-word}}")))</value></set-header>
                <set-variable name="sasToken" value="@(string.Format(&quot;?tn={0}&amp;sig={1}&quot;, &quot;{{table-name}}&quot;, &quot;{{sas-sig}}&quot;))" />
                <set-variable name="sasToken" value="@(string.Format(&quot;?sig={0}&amp;tn={0}&amp;se={1}&quot;, &quot;{{sas-twice}}&quot;, (string)context.Variables[&quot;expiry&quot;]))" />
                <set-variable name="held" value="{{sas-held}}" />
                <set-variable name="sasToken" value="@(string.Format(&quot;?tn={0}&amp;sig={1}&quot;, &quot;{{sas-held}}&quot;, (string)context.Variables[&quot;held&quot;]))" />
                <set-variable name="sasToken" value="@(string.Format(&quot;?tn={0}&quot;, &quot;{{sas-moved}}&quot;).Replace(&quot;tn=&quot;, &quot;sig=&quot;))" />
                <set-variable name="sasToken" value="@(string.Format(&quot;?%73ig={0}&amp;se={1}&quot;, &quot;{{sas-escaped}}&quot;, (string)context.Variables[&quot;expiry&quot;]))" />
                <set-header name="x-held" exists-action="override"><value>{{sas-copied}}</value></set-header>
                <set-variable name="sasToken" value="@(string.Format(&quot;?tn={0}&amp;sig={1}&quot;, &quot;{{sas-copied}}&quot;, context.Request.Headers.GetValueOrDefault(&quot;x-held&quot;, &quot;&quot;)))" />
                <set-variable name="t" value="{{tenant}}" />
                <set-header name="X-Tenant" exists-action="override"><value>@((string)context.Variables["t"])</value></set-header>
                <authentication-basic username="svc" password="{{backend-pw}}" />
                <set-header name="x-functions-key" exists-action="override"><value>{{fn-secret-ish}}</value></set-header>
                <set-header name="Authorization" exists-action="override"><value>Basic {{basic-creds}}</value></set-header>
                <set-header name="X-Region" exists-action="override"><value>{{region}}</value></set-header>
                <set-header name="x-api-key" exists-action="override"><value>@("{{nv-k}}")</value></set-header>
                <set-header name="X-Connection" exists-action="override"><value>Server={{db-host}};User Id=app;Password={{db-pw}}</value></set-header>
              </inbound></policies>

            """
        let folder = try project(
            "named-credentials", gateway: RuleExample.baseGateway + values,
            api: RuleExample.api(fields: policy, routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml)
        let (found, stdout) = try credentialLines(in: folder)
        func line(of name: String) -> String { Self.line(in: "gateway.yaml", of: RuleExample.baseGateway + values) { $0.hasPrefix("  \(name):") } }
        // The 'nv-k' in a string-only expression (found by the audit of the fixes), and a
        // password put into a connection string under a key that names none (the same).
        XCTAssertEqual(
            found, [line(of: "backend-pw"), line(of: "fn-secret-ish"), line(of: "basic-creds"), line(of: "nv-k"), line(of: "db-pw"), line(of: "partner-cfg"), line(of: "partner-pair"), line(of: "relay-key"), line(of: "service-pw"), line(of: "format-word"), line(of: "joined-word"), line(of: "sas-sig"), line(of: "sas-twice"), line(of: "sas-held"), line(of: "sas-moved"), line(of: "sas-escaped"), line(of: "sas-copied")],
            stdout)
        for secret in ["Tr0ub4dor-Horse-77", "q8Zr2LmN4vT7xK1p", "c3ZjOmh1bnRlcjI=", "Zx9Qw8Er7Ty6Ui5O", "Wq3Er4Ty5Ui6Op7", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "Kq7Lm2Np9Rs4", "7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29"] {
            XCTAssertFalse(stdout.contains(secret), stdout)
        }
        let build = try ToolProcess.run(["build", ".", "--out", "out"], in: folder)
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    /// The same plain named values put where a credential goes by the definitions, not by
    /// raw XML, passed lint and were published as `"secret": false`: a header or query
    /// parameter set under `request`, an answer's header, a backend URL's key (found by the
    /// audit of the emitters). Each is SE001 where it is declared, and `build` refuses; a
    /// named value sent under a key that names no credential, or a short one under `page`,
    /// is not.
    func testAPlainNamedValueTheDefinitionsSendAsACredentialIsSE001() throws {
        let values = "namedValues:\n  backend-key: q8Zr2LmN4vT7xK1p\n  basic-creds: c3ZjOmh1bnRlcjI=\n  query-key: Zx9Qw8Er7Ty6Ui5O\n  answer-token: Wq3Er4Ty5Ui6Op7\n  url-code: Pl0Ki9Ju8Hy7Gt6\n  region: westeurope\n"
            + "  fn-key: Zk3pQ9xL2mV7bN4c\n  oidc-code: Mn8Bv7Cx6Zl5Kj4\n  send-code: Hg3Fd2Sa1Qw0Er9\n  raw-code: Ty8Ui7Op6As5Df4\n  page: 2\n"
        // Found by the audit of the fix: a query parameter named by a query secret's key
        // ('code'), literal or referenced, in the definitions or raw; a provider's URL; a
        // raw URL in an element's text.
        let gateway = (RuleExample.baseGateway + values).replacingOccurrences(
            of: "openidConfig: https://login.example.com/v2.0/.well-known/openid-configuration",
            with: "openidConfig: https://login.example.com/v2.0/.well-known/openid-configuration?code={{oidc-code}}")
        let api = RuleExample.api(
            fields: """
                backend: https://orders.example.com/api?code={{url-code}}
                request:
                  headers:
                    set: {X-Functions-Key: "{{backend-key}}", Authorization: "Basic {{basic-creds}}", X-Region: "{{region}}"}
                  query: {set: {api_key: "{{query-key}}", code: "{{fn-key}}", sig: Lk9Jh8Gf7Ds6Ap5, page: "{{page}}"}}
                policy: |
                  <policies><inbound><base />
                    <set-query-parameter name="code" exists-action="override"><value>{{raw-code}}</value></set-query-parameter>
                    <set-query-parameter name="token" exists-action="override"><value>Qa1Ws2Ed3Rf4Tg5</value></set-query-parameter>
                    <send-one-way-request mode="new"><set-url>https://audit.example.com/log?code={{send-code}}</set-url></send-one-way-request>
                  </inbound></policies>

                """,
            routes: """
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
              - id: ping
                method: GET
                path: /ping
                scopes: [orders.read]
                respond: {status: 200, headers: {X-Api-Key: "{{answer-token}}"}}

            """).yaml.replacingOccurrences(of: "backend: https://orders.example.com\n", with: "")
        let folder = try project("definitions-credentials", gateway: gateway, api: api)
        let (found, stdout) = try credentialLines(in: folder)
        func line(of name: String) -> String { Self.line(in: "gateway.yaml", of: gateway) { $0.hasPrefix("  \(name):") } }
        func apiLine(holding text: String) -> String { Self.line(in: "orders.yaml", of: api) { $0.contains(text) } }
        XCTAssertEqual(
            found,
            [
                line(of: "backend-key"), line(of: "basic-creds"), line(of: "query-key"), line(of: "answer-token"), line(of: "url-code"), line(of: "fn-key"),
                line(of: "oidc-code"), line(of: "send-code"), line(of: "raw-code"), apiLine(holding: "Lk9Jh8Gf7Ds6Ap5"), apiLine(holding: "Qa1Ws2Ed3Rf4Tg5"),
            ], stdout)
        for secret in [
            "q8Zr2LmN4vT7xK1p", "c3ZjOmh1bnRlcjI=", "Zx9Qw8Er7Ty6Ui5O", "Wq3Er4Ty5Ui6Op7", "Pl0Ki9Ju8Hy7Gt6", "Zk3pQ9xL2mV7bN4c", "Mn8Bv7Cx6Zl5Kj4", "Hg3Fd2Sa1Qw0Er9",
            "Ty8Ui7Op6As5Df4", "Lk9Jh8Gf7Ds6Ap5", "Qa1Ws2Ed3Rf4Tg5",
        ] { XCTAssertFalse(stdout.contains(secret), stdout) }
        let build = try ToolProcess.run(["build", ".", "--out", "out"], in: folder)
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    /// Keys for encryption kept as plain named values passed lint and were published as
    /// `"secret": false` (the audit of real estates, on Microsoft's AES and OAuth proxy
    /// snippets): a name that calls them a key (`AES-Key`, `TokenEncryptionKey1`, a number
    /// after the name), or code that encrypts, decrypts or signs with one. An IV read by
    /// name alone is not a key.
    func testKeysForEncryptionKeptAsPlainNamedValuesAreSE001() throws {
        let values = "namedValues:\n  AES-Key: Yx3kP9vQ2mT7wL5nR8bZ1cF4\n  AES-IV: Qw8Er7Ty6Ui5Op4A\n  TokenEncryptionKey1: Zk3pQ9xL2mV7bN4cR8tY1wE6\n  aes-material: Mn8Bv7Cx6Zl5Kj4Hg3Fd2Sa\n"
        let policy = #"""
            policy: |
              <policies><inbound><base />
                <set-variable name="IV" value="{{AES-IV}}" />
                <set-variable name="key" value="{{AES-Key}}" />
                <set-variable name="sealed" value="@(Convert.ToBase64String(Encoding.UTF8.GetBytes(context.Request.Body.As<string>()).Encrypt("Aes", Convert.FromBase64String("{{aes-material}}"), Convert.FromBase64String((string)context.Variables["IV"]))))" />
                <set-variable name="tokenKey" value="@(Convert.FromBase64String("{{TokenEncryptionKey1}}").Length)" />
              </inbound></policies>

            """#
        let folder = try project(
            "encryption-keys", gateway: RuleExample.baseGateway + values,
            api: RuleExample.api(fields: policy, routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml)
        let (found, stdout) = try credentialLines(in: folder)
        func line(of name: String) -> String { Self.line(in: "gateway.yaml", of: RuleExample.baseGateway + values) { $0.hasPrefix("  \(name):") } }
        XCTAssertEqual(found, [line(of: "AES-Key"), line(of: "TokenEncryptionKey1"), line(of: "aes-material")], stdout)
        let build = try ToolProcess.run(["build", ".", "--out", "out"], in: folder)
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
    }

    /// Values no rule thought could hold a credential were quoted in every format: an
    /// operationId or a path of an API's own OpenAPI document, a raw `include-fragment`'s
    /// id, an element's name, a product's API, an environment's key (found by a hostile
    /// audit). Every message is now shown without a quoted part that holds a credential.
    func testValuesNoRuleExpectedACredentialInAreNotQuoted() throws {
        let token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
        let folder = try project("anywhere", gateway: RuleExample.baseGateway)
        try """
            openapi: 3.0.1
            info: {title: Orders, version: "1"}
            paths:
              /orders:
                get: {operationId: list-orders, responses: {"200": {description: ok}}}
                post: {operationId: "Password=Hunter2Hunter2", responses: {"200": {description: ok}}}
              /hook?code=FuncKeySecretValue123==:
                get: {operationId: hook, responses: {"200": {description: ok}}}
              /keys/AKIAIOSFODNN7EXAMPLE:
                get: {operationId: "get key", responses: {"200": {description: ok}}}

            """.write(to: folder.appendingPathComponent("orders-openapi.yaml"), atomically: true, encoding: .utf8)
        let api = RuleExample.api(
            fields: "openapi: orders-openapi.yaml\npolicy: '<policies><inbound><base /><include-fragment fragment-id=\"\(token)\" /><\(token) /></inbound></policies>'\n",
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n  - {id: create-order, method: POST, path: /orders, scopes: [orders.write]}\n")
        try api.text.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: portcullis/v1\nkind: Product\nname: shop\ndisplayName: Shop\napis: [orders, \(token)]\n".write(
            to: folder.appendingPathComponent("shop.yaml"), atomically: true, encoding: .utf8)
        for format in Self.formats {
            let result = try ToolProcess.run(["lint", "--format", format, "."], in: folder)
            XCTAssertEqual(result.status, 1, "\(format): \(result.stdout)\(result.stderr)")
            for secret in ["Hunter2Hunter2", "FuncKeySecretValue123", token] {
                XCTAssertFalse((result.stdout + result.stderr).contains(secret), "--format \(format) repeats '\(secret)':\n\(result.stdout)")
            }
            if format == "text" {
                XCTAssertTrue(result.stdout.contains("whose operationId is (a value that holds a credential) [RF008]"), result.stdout)
            }
        }
        // Nor does an import make a route's name out of such an operationId.
        let imported = try ToolProcess.run(["import", "openapi", "orders-openapi.yaml", "--out", "imported"], in: folder)
        let written = try String(contentsOf: folder.appendingPathComponent("imported/apis/orders.yaml"), encoding: .utf8)
        XCTAssertFalse((imported.stdout + imported.stderr + written).lowercased().contains("hunter2"), imported.stdout + written)
        // Nor out of a path that holds one, which the report does not quote either (the audit
        // of the fix: 'get-keys-akiaiosfodnn7-example').
        XCTAssertFalse(written.contains("id: get-keys-akia"), written)
        XCTAssertFalse(imported.stdout.contains("AKIA"), imported.stdout)
    }

    /// `diff --format json` masked a credential in a change's message but not in its
    /// subject's name: a fragment named like a GitHub token was shown whole (found by the
    /// audit of the last guard).
    func testADiffNeverNamesASubjectByACredential() throws {
        let token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
        let base = try project("base", gateway: RuleExample.baseGateway)
        let head = try project("head", gateway: RuleExample.baseGateway)
        try "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: \(token)\npolicy: '<fragment />'\n".write(
            to: head.appendingPathComponent("fragment.yaml"), atomically: true, encoding: .utf8)
        for format in ["json", "text", "markdown"] {
            let diff = try ToolProcess.run(["diff", base.path, head.path, "--format", format])
            XCTAssertTrue(diff.stdout.contains("holds a credential"), "\(format): \(diff.stdout + diff.stderr)")
            XCTAssertFalse((diff.stdout + diff.stderr).contains(token), "\(format): \(diff.stdout)")
        }
    }

    /// A symmetric key written in a raw `validate-jwt` was no secret to the checker: the build
    /// published it, and any report quoting its line showed it (found by a hostile audit).
    /// Whoever reads it can sign tokens the check accepts. It is SE001, masked, and a key
    /// given by reference or by certificate is not.
    func testAKeyWrittenInAValidateJWTIsASecret() throws {
        let key = "c3VwZXItc2VjcmV0LWhtYWMta2V5LWZvci1wYXJ0bmVyLXRva2Vucw=="
        // No credential by its looks: only where it stands makes it one.
        let shortKey = "KxQeRbLtNwZpVgYsHcUaMdFj"
        // Written out, and after a reference (found by the audit of the fix); a reference
        // alone, a certificate and a key read from a variable are no secret (an expression's
        // strings are judged by the credential scanner, as anywhere: most name a variable).
        for (name, keys, isSecret) in [
            ("written", "<key>\(key)</key>", true), ("appended", "<key>{{partner-secret}}\(key)</key>", true),
            // The catalogue's other key element holds one as well (audit V52: it was bundled).
            ("zumo", #"<zumo-master-key id="0">\#(shortKey)</zumo-master-key>"#, true),
            ("referenced", #"<key>{{partner-secret}}</key><key certificate-id="partner" />"#, false),
            ("variable", #"<key>@(context.Variables.GetValueOrDefault<string>("partner-signing-key"))</key>"#, false),
        ] {
            let folder = try project("signing-key-\(name)", gateway: RuleExample.baseGateway)
            let check = #"<validate-jwt header-name="X-Partner-Token"><issuer-signing-keys>\#(keys)</issuer-signing-keys><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
            let api = RuleExample.api(
                fields: "policy: '<policies><inbound><base />\(check)</inbound></policies>'\n",
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
            try api.text.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.stdout.contains("[SE001]"), isSecret, "\(name): \(lint.stdout)")
            XCTAssertFalse(lint.stdout.contains(key) || lint.stdout.contains(shortKey), lint.stdout)
            let build = try ToolProcess.run(["build", ".", "--out", "out"], in: folder)
            XCTAssertEqual(build.status, isSecret ? 1 : 0, "\(name): \(build.stdout + build.stderr)")
            XCTAssertEqual(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path), !isSecret, name)
        }
    }

    /// A secret's or a client certificate's Key Vault reference took any http(s) URL: an
    /// environment could point one at another host, or at plain http, and lint and build
    /// passed (found by the audit of environments and the bundle). Each is YS004 now, as
    /// written and as an environment lays it.
    func testAKeyVaultReferenceMustNameKeyVault() throws {
        let declaration = "partner-secret: {keyVault: https://example-kv.vault.azure.net/secrets/partner}"
        let elsewhere = "https://example-kv.attacker.example/secrets/partner"
        let written = try project(
            "key-vault-written", gateway: RuleExample.baseGateway.replacingOccurrences(of: declaration, with: "partner-secret: {keyVault: \(elsewhere)}"))
        let environment = try project("key-vault-environment", gateway: RuleExample.baseGateway)
        try "apiVersion: portcullis/v1\nkind: Environment\nname: prod\ngateway:\n  secrets:\n    partner-secret: {keyVault: http://example-kv.vault.azure.net/secrets/partner}\n"
            .write(to: environment.appendingPathComponent("prod.yaml"), atomically: true, encoding: .utf8)
        for (folder, line, environment) in [(written, "gateway.yaml:20:30:", [String]()), (environment, "prod.yaml:6:32:", ["--env", "prod"])] {
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
            XCTAssertTrue(
                lint.stdout.contains(line) && lint.stdout.contains("error: 'keyVault' must be a Key Vault secret identifier [YS004]"), lint.stdout)
            let build = try ToolProcess.run(["build", ".", "--out", "out"] + environment, in: folder)
            XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
        }
    }

    /// Fingerprints of a line holding a secret depend on neither the secret nor its length,
    /// so they cannot be reversed by trying candidate secrets.
    func testSARIFFingerprintsDoNotDependOnTheSecret() throws {
        let lines = ["  leak: Server=db;Password=Hunter2x\n", "  leak: Server=db;Password=Tr0ub4dor&3-much-longer\n"]
        var fingerprints: [String] = []
        for (index, line) in lines.enumerated() {
            let gateway = RuleExample.baseGateway + "namedValues:\n" + line
            let result = try ToolProcess.run(["lint", "--format", "sarif", "."], in: try project("fp\(index)", gateway: gateway))
            XCTAssertEqual(result.status, 1, result.stdout)
            let log = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let results = try XCTUnwrap((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
            let finding = try XCTUnwrap(results.first { $0["ruleId"] as? String == "SE001" }, result.stdout)
            let fingerprint = try XCTUnwrap((finding["partialFingerprints"] as? [String: String])?["primaryLocationLineHash"])
            let plain = String(SHA256.hex(Array("SE001\u{0}gateway.yaml\u{0}\(line.trimmingCharacters(in: .whitespacesAndNewlines))".utf8)).prefix(16))
            XCTAssertFalse(fingerprint.hasPrefix(plain), "the fingerprint is the hash of the line with its secret")
            fingerprints.append(fingerprint)
        }
        XCTAssertEqual(fingerprints[0], fingerprints[1], "the fingerprint changes with the secret")
    }
}
