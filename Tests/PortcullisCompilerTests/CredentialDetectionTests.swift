import Foundation
import PortcullisChecker
import XCTest

/// Every common shape of credential is caught wherever a string can be written: `lint`
/// reports it as SE001 without repeating it, and `build` refuses to publish it. Ordinary
/// values that merely resemble one are left alone.
final class CredentialDetectionTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A shape, the YAML double-quoted text holding it, and the part no output may contain.
    struct Shape {
        var name: String
        var value: String
        var giveaway: String
        /// Also written as the API's backend URL.
        var isURL = false
    }

    static let shapes: [Shape] = [
        Shape(name: "url userinfo", value: "https://deploy:Hunter2pass@orders.example.com/v1", giveaway: "Hunter2pass", isURL: true),
        Shape(name: "query sig", value: "https://orders.example.com/v1?sig=Zm9vYmFyYmF6cXV4MTIz", giveaway: "Zm9vYmFyYmF6cXV4MTIz", isURL: true),
        Shape(name: "query code", value: "https://fn.example.com/api/x?code=aB3dE5fG7hI9jK1lM3nO", giveaway: "aB3dE5fG7hI9jK1lM3nO", isURL: true),
        Shape(name: "query key", value: "https://maps.example.com/v1?lang=en&key=AIzaSyD4e5f6g7h8i9j0", giveaway: "AIzaSyD4e5f6g7h8i9j0", isURL: true),
        Shape(name: "query token", value: "https://hooks.example.com/in?token=t0k3nV4lu3xyz789", giveaway: "t0k3nV4lu3xyz789", isURL: true),
        Shape(name: "pwd", value: "Server=tcp:db.example.com;Uid=app;Pwd=Hunter2pass;", giveaway: "Hunter2pass"),
        Shape(name: "password with spaces", value: "Server=db.example.com; Password = Hunter2pass", giveaway: "Hunter2pass"),
        Shape(name: "redis", value: "contoso.redis.cache.windows.net:6380,password=cmVkaXNwYXNzd29yZA==,ssl=True,abortConnect=False", giveaway: "cmVkaXNwYXNzd29yZA"),
        Shape(name: "storage account key", value: "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=c3RvcmFnZWtleQ==;EndpointSuffix=core.windows.net", giveaway: "c3RvcmFnZWtleQ"),
        Shape(name: "sas token", value: "sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig=c2FzU2lnbmF0dXJlMTIz%3D", giveaway: "c2FzU2lnbmF0dXJlMTIz"),
        Shape(name: "bearer jwt", value: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl", giveaway: "c2lnbmF0dXJl"),
        // 'username:supersecretpassword' (from the audit of environments: lint was clean,
        // `diff` quoted it and the build published it).
        Shape(name: "http basic", value: "Basic dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA==", giveaway: "dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA"),
        Shape(name: "pem private key", value: "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAp3m\\n-----END RSA PRIVATE KEY-----", giveaway: "MIIEowIBAAKCAQEAp3m"),
        Shape(name: "github ghp", value: "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", giveaway: "aBcDeFgHiJkLmNoPqRsTuVwXyZ"),
        Shape(name: "github gho in text", value: "use gho_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 for CI", giveaway: "aBcDeFgHiJkLmNoPqRsTuVwXyZ"),
        Shape(name: "github ghs", value: "ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", giveaway: "aBcDeFgHiJkLmNoPqRsTuVwXyZ"),
        Shape(name: "github fine-grained", value: "github_pat_11ABCDEFG0aBcDeFgHiJkLmN_oPqRsTuVwXyZ0123456789", giveaway: "aBcDeFgHiJkLmN_oPqRsTuVwXyZ"),
        Shape(name: "stripe secret", value: "sk_live_4eC39HqLyjWDarjtT1zdp7dc", giveaway: "4eC39HqLyjWDarjtT1zdp7dc"),
        Shape(name: "stripe restricted", value: "rk_live_4eC39HqLyjWDarjtT1zdp7dc", giveaway: "4eC39HqLyjWDarjtT1zdp7dc"),
        Shape(name: "aws akia", value: "AKIAIOSFODNN7EXAMPLE", giveaway: "IOSFODNN7EXAMPLE"),
        Shape(name: "aws asia", value: "key id ASIAJEXAMPLEXEG2JICE here", giveaway: "JEXAMPLEXEG2JICE"),
        Shape(name: "slack bot", value: "xoxb-1234567890-0987654321-aBcDeFgHiJkLmNoP", giveaway: "aBcDeFgHiJkLmNoP"),
        Shape(name: "slack user", value: "xoxp-1234567890-0987654321-aBcDeFgHiJkLmNoP", giveaway: "aBcDeFgHiJkLmNoP"),
        Shape(name: "slack app", value: "xoxa-2-1234567890-aBcDeFgHiJkLmNoP", giveaway: "aBcDeFgHiJkLmNoP"),
        Shape(name: "slack legacy", value: "xoxs-1234567890-aBcDeFgHiJkLmNoP", giveaway: "aBcDeFgHiJkLmNoP"),
        Shape(name: "slack refresh", value: "xoxr-1234567890-aBcDeFgHiJkLmNoP", giveaway: "aBcDeFgHiJkLmNoP"),
        // An Entra application's client secret, and other services' keys (found by an audit:
        // each built in clear).
        Shape(name: "entra client secret", value: "xYz8Q~Ab3dEf.Gh1jKl-MnOpQr5tUvWx_Yz0123Ab", giveaway: "Ab3dEf.Gh1jKl-MnOpQr5tUvWx"),
        Shape(name: "google api key", value: "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", giveaway: "SyA1b2C3d4E5f6G7h8I9j0K1l2M3"),
        Shape(name: "openai key", value: "sk-proj-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", giveaway: "aBcDeFgHiJkLmNoPqRsTuVwXyZ"),
        Shape(name: "gitlab token", value: "glpat-aBcDeFgHiJkLmNoPqRsTu", giveaway: "aBcDeFgHiJkLmNoPqRsTu"),
        // An opaque token after `Bearer`, and a Slack webhook's URL (found by an audit of
        // import: named values so written were copied in clear).
        Shape(name: "bearer opaque", value: "Bearer 9f8e7d6c5b4a39281726354453627189", giveaway: "9f8e7d6c5b4a39281726354453627189"),
        Shape(name: "bearer opaque after a tab", value: "Bearer\\tQx7mP2vK9tR4wZ8nB3cL6hJ1", giveaway: "Qx7mP2vK9tR4wZ8nB3cL6hJ1"),
        Shape(
            name: "slack webhook", value: "https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            giveaway: "aBcDeFgHiJkLmNoPqRsTuVwX"),
        // A header copied with a colon after its scheme, a scheme and its credentials
        // URL-encoded into a query, Workflow Builder's webhooks, a host in upper case, and a
        // SendGrid key inside a longer text: each linted clean and built.
        Shape(name: "bearer after a colon", value: "Authorization: Bearer: Qx7mP2vK9tR4wZ8nB3cL6hJ1", giveaway: "Qx7mP2vK9tR4wZ8nB3cL6hJ1"),
        Shape(
            name: "bearer url-encoded", value: "https://api.example.com/v1?auth=Bearer%20Qx7mP2vK9tR4wZ8nB3cL6hJ1",
            giveaway: "Qx7mP2vK9tR4wZ8nB3cL6hJ1"),
        Shape(
            name: "bearer form-encoded", value: "https://api.example.com/v1?auth=Bearer+Qx7mP2vK9tR4wZ8nB3cL6hJ1",
            giveaway: "Qx7mP2vK9tR4wZ8nB3cL6hJ1"),
        Shape(
            name: "basic url-encoded", value: "https://api.example.com/v1?auth=Basic%20dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA%3D%3D",
            giveaway: "dXNlcm5hbWU6c3VwZXJzZWNyZXRwYXNzd29yZA"),
        Shape(
            name: "slack workflow webhook",
            value: "https://hooks.slack.com/workflows/T0ABCDEF1/A0ABCDEF2/418273645546372819/Zq8Wm3Lp7Kx2Nv5Rt9Ys4Bd6",
            giveaway: "Zq8Wm3Lp7Kx2Nv5Rt9Ys4Bd6"),
        Shape(
            name: "slack trigger webhook", value: "https://hooks.slack.com/triggers/T0ABCDEF1/7411234567890/4f9c2e7a1b3d5f60718293a4b5c6d7e8",
            giveaway: "4f9c2e7a1b3d5f60718293a4b5c6d7e8"),
        Shape(
            name: "slack webhook upper-case host", value: "HTTPS://HOOKS.SLACK.COM/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            giveaway: "aBcDeFgHiJkLmNoPqRsTuVwX"),
        // Without its scheme, and URL-encoded into a relay's query (the next round's audit).
        Shape(
            name: "slack webhook without scheme", value: "hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            giveaway: "aBcDeFgHiJkLmNoPqRsTuVwX"),
        Shape(
            name: "slack webhook url-encoded",
            value: "https://relay.example.com/?to=https%3A%2F%2Fhooks.slack.com%2Fservices%2FT0ABCDEF1%2FB0ABCDEF2%2FaBcDeFgHiJkLmNoPqRsTuVwX",
            giveaway: "aBcDeFgHiJkLmNoPqRsTuVwX"),
        // With a port, plain and URL-encoded, the host's final dot, and JSON-escaped, `\/`
        // written `\\/` in YAML's quotes (the audit after).
        Shape(
            name: "slack webhook with a port", value: "https://hooks.slack.com:443/services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            giveaway: "aBcDeFgHiJkLmNoPqRsTuVwX"),
        Shape(
            name: "slack webhook url-encoded with a port",
            value: "https%3A%2F%2Fhooks.slack.com%3A443%2Fservices%2FT0ABCDEF1%2FB0ABCDEF2%2FaBcDeFgHiJkLmNoPqRsTuVwX",
            giveaway: "aBcDeFgHiJkLmNoPqRsTuVwX"),
        Shape(
            name: "slack webhook final dot", value: "https://hooks.slack.com./services/T0ABCDEF1/B0ABCDEF2/aBcDeFgHiJkLmNoPqRsTuVwX",
            giveaway: "aBcDeFgHiJkLmNoPqRsTuVwX"),
        Shape(
            name: "slack webhook json-escaped",
            value: #"https:\\/\\/hooks.slack.com\\/services\\/T0ABCDEF1\\/B0ABCDEF2\\/aBcDeFgHiJkLmNoPqRsTuVwX"#,
            giveaway: "aBcDeFgHiJkLmNoPqRsTuVwX"),
        Shape(
            name: "sendgrid after apikey", value: "apikey: 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",
            giveaway: "TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc"),
        Shape(
            name: "sendgrid in text", value: "mail with 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 today",
            giveaway: "TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc"),
    ]

    /// The value as a named value and in an API's description, and a URL also as the backend.
    /// With SE001 turned off in `folder`, the build still refuses and writes no bundle.
    private func assertTheBuildRefuses(_ folder: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        try "rules:\n  SE001: off\n".write(to: folder.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent(folder.lastPathComponent + "-bundle")
        let build = try ToolProcess.run(["build", ".", "--out", out.path], in: folder)
        XCTAssertNotEqual(build.status, 0, build.stdout, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), file: file, line: line)
    }

    private func write(_ value: String, backend: String? = nil, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let gateway = RuleExample.baseGateway + "namedValues:\n  leak: \"\(value)\"\n  backend-host: orders.example.com\n"
        try gateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: orders
            path: orders
            description: "\(value)"
            backend: "\(backend ?? "https://orders.example.com")"
            routes:
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}

            """
        try api.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
    }

    /// What a document writes where a credential is to go is none: Swagger's generated
    /// examples (`"access_token": "string"`), requests to replace it, one character repeated,
    /// an environment variable's reference. They were errors under every credential's name,
    /// and more names counted once SE001 read names by their words (found by the audit of
    /// that change); a value beside them that is one still is.
    func testFillInsUnderCredentialNamesAreNotCredentials() throws {
        let folder = directory.appendingPathComponent("fillins")
        try write("ordinary", to: folder)
        let gateway = RuleExample.baseGateway
            + "namedValues:\n  db-password: changeme\n  partner-api-key: REPLACE_ME\n  signing-secret: \"********\"\n"
            + "  access-token: string\n  webhookSecret: your-webhook-secret-here\n  client-secret: \"${CLIENT_SECRET}\"\n  admin-password: \"%ADMIN_PASSWORD%\"\n"
            + "  refresh-token: xxxxxxxxxxxx\n  fn-key: \"#{fnAppKey}#\"\n  svc-password: Hunter2x\n"
            // A generated key wrapped as a reference, or two, is one (the audit of the change).
            + "  db-secret: \"${Zk3pQ8vR2mX7tY4wB9nL6sD1fG5hJ0aE}\"\n  api-password: \"%A%Zk3pQ8vR2mX7tY4wB9nL6sD1fG5hJ0aE%\"\n"
            + "  hook-secret: your-Zk3pQ8vR2mX7tY4w-here\n"
            // A hex key is of one case: many digits tell it from a variable's name; a password
            // under a name read by its words (the last audit of the round).
            + "  sub-password: \"__3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c__\"\n  sharedSecret: Tr0ub4dor&3xyz\n"
        try gateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.stdout.components(separatedBy: "[SE001]").count - 1, 6, lint.stdout)
        let lines = gateway.components(separatedBy: "\n")
        for name in ["svc-password", "db-secret", "api-password", "hook-secret", "sub-password", "sharedSecret"] {
            let line = lines.firstIndex { $0.hasPrefix("  \(name):") }.map { $0 + 1 } ?? 0
            XCTAssertTrue(lint.stdout.contains("gateway.yaml:\(line):\(name.count + 5):"), "\(name):\n\(lint.stdout)")
        }
        XCTAssertFalse(lint.stdout.contains("Zk3pQ8vR2mX7tY4w"), lint.stdout)
    }

    /// A plain named value whose name calls it a password or key holds one, whatever it
    /// looks like, in the short form and in the long one (`{value: ...}`), which lint passed
    /// and the build published as a plain named value (found by a hostile audit). So is a
    /// value that is nothing but a generated key, whatever its name, as `import` judges it
    /// (found by an audit: lint passed what import refused).
    func testValuesUnderCredentialNamesAreReportedAndNeverBuilt() throws {
        let folder = directory.appendingPathComponent("named")
        try write("ordinary", to: folder)
        let key = "hVVK/NnA0a3PSYT/TOoYoQKheIRz7skHn1MFGFV8RJzbosUcGsfbpaquq46QXeHdkZUM3nWRIDaC1Q6DaljMUg=="
        let gateway = RuleExample.baseGateway
            + "namedValues:\n  db-password: Hunter2x\n  partner-api-key: Zebra99y\n  signing-secret: Walrus7z\n"
            + "  admin-password: {value: Okapi5q}\n  svc-api-key:\n    value: Quokka3r\n    tags: [x]\n"
            + "  partner-a: {value: \"\(key)\"}\n  region-endpoint: ContosoOrdersProductionEnvironmentWestEurope2024\n"
        try gateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout)
        XCTAssertEqual(lint.stdout.components(separatedBy: "[SE001]").count - 1, 6, lint.stdout)
        for secret in ["Hunter2x", "Zebra99y", "Walrus7z", "Okapi5q", "Quokka3r", key] { XCTAssertFalse(lint.stdout.contains(secret), lint.stdout) }
        try assertTheBuildRefuses(folder)
    }

    /// A value under a name that calls it a credential is one, wherever the same value
    /// stood before under a name that only looks alike: the reader remembered its check of
    /// a short value under the key compared as text, where a Kelvin sign is a `K`, and a
    /// secret under `apiKey` went unreported after `api\u{212A}ey` (an audit of the
    /// fortieth round's change; never released).
    func testAValueUnderACredentialsNameIsOneAfterTheSameValueUnderALookalikeName() throws {
        for (order, first, second) in [("kelvin-first", "api\u{212A}ey", "apiKey"), ("ascii-first", "apiKey", "api\u{212A}ey")] {
            let folder = directory.appendingPathComponent(order)
            try FileManager.default.copyItem(at: BundleTests.fabrikam, to: folder)
            // An OpenAPI extension of examples: only the reader's check judges its values.
            let spec = folder.appendingPathComponent("specs/invoices.yaml")
            let samples = "x-samples:\n  - {\(first): Zk3pQ9xW}\n  - {\(second): Zk3pQ9xW}\n"
            let original = try String(contentsOf: spec, encoding: .utf8)
            try original.replacingOccurrences(of: "\nservers:", with: "\n" + samples + "servers:").write(to: spec, atomically: true, encoding: .utf8)
            // By bytes: `hasPrefix` takes the Kelvin sign for a `K` too.
            let line = try String(contentsOf: spec, encoding: .utf8).components(separatedBy: "\n").firstIndex { $0.utf8.starts(with: "  - {apiKey:".utf8) }.map { $0 + 1 }
            let lint = try ToolProcess.run(["lint", ".", "--format", "json"], in: folder)
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lint.stdout.utf8)) as? [String: Any], lint.stdout)
            let credentials = (report["diagnostics"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "SE001" }
            XCTAssertEqual(credentials.map { "\($0["file"] ?? ""):\($0["line"] ?? "")" }, line.map { ["specs/invoices.yaml:\($0)"] }, lint.stdout)
            XCTAssertEqual(lint.status, 1, lint.stdout)
            XCTAssertFalse(lint.stdout.contains("Zk3pQ9xW"), lint.stdout)
        }
    }

    /// A named value that brings a password into the URL it is put in is a credential,
    /// though it holds no scheme for the scanner to see one by: an environment giving the
    /// backend's host as `user:password@host` had the password published in clear in three
    /// files (audit V120). A user's name put beside a password from Key Vault is none, nor
    /// is a host alone.
    func testANamedValueThatPutsAPasswordIntoAURLIsACredential() throws {
        let folder = directory.appendingPathComponent("joined")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let gateway = RuleExample.baseGateway.replacingOccurrences(
            of: "\nsecrets:\n", with: "\nsecrets:\n  report-password: {keyVault: https://contoso-kv.vault.azure.net/secrets/report-password}\n")
            + "namedValues:\n  orders-host: \"svc:Pa55w0rd-Prod-9xQ@orders.example.com\"\n  stock-host: \"ops:Tr0ub4dor-Stock@stock.example.com\"\n"
            + "  report-user: reporter\n  plain-host: reports.example.com\n"
            // Padded past what a text is put together for, by references to a long value (audit V124).
            + "  padded-host: \"ops:Tr0ub4dor-Padded@padded.example.com\"\n  pad: \(String(repeating: "abcdefghij", count: 400))\n"
        XCTAssertTrue(gateway.contains("report-password"))
        try gateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: orders
            path: orders
            backend: "https://{{orders-host}}/api"
            policy: '<policies><inbound><base /><send-request mode="new" response-variable-name="stock"><set-url>https://{{stock-host}}/levels</set-url><set-method>GET</set-method></send-request><set-backend-service base-url="https://{{padded-host}}/api/{{pad}}/{{pad}}/{{pad}}/{{pad}}/{{pad}}" /></inbound></policies>'
            routes:
              - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
            ---
            apiVersion: portcullis/v1
            kind: Backend
            name: reports
            url: "https://{{report-user}}:{{report-password}}@{{plain-host}}/v1"

            """
        try api.write(to: folder.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout)
        XCTAssertEqual(lint.stdout.components(separatedBy: "this value looks like a credential [SE001]").count - 1, 3, lint.stdout)
        let lines = gateway.components(separatedBy: "\n")
        for name in ["orders-host", "stock-host", "padded-host"] {
            let line = lines.firstIndex { $0.hasPrefix("  \(name):") }.map { $0 + 1 } ?? 0
            XCTAssertTrue(lint.stdout.contains("gateway.yaml:\(line):\(name.count + 5):"), "\(name):\n\(lint.stdout)")
        }
        XCTAssertFalse(lint.stdout.contains("Pa55w0rd") || lint.stdout.contains("Tr0ub4dor"), lint.stdout)
        try assertTheBuildRefuses(folder)
    }

    /// A session cookie and a header named for authentication carry a bearer's credential:
    /// each written out was bundled (audit V123). Their other values, a cookie's attributes,
    /// a mode or a version, and other cookies (a theme, App Service's affinity) are none
    /// (audit V126).
    func testASessionCookieOrAnAuthenticationHeaderWrittenOutIsACredential() throws {
        let folder = directory.appendingPathComponent("headers")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A value a named value gives is judged as one written out (audit V124).
        let gateway = RuleExample.baseGateway + "namedValues:\n  session-id: 9c1d7e3a5b2f4c6e8a0d1f3b5c7e9a2d\n"
        try gateway.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: items
            path: items
            backend: https://items.example.com
            request:
              headers:
                set:
                  Cookie: "session=7f3a9c2e1b8d4f6a0e5c3b9d7a1f2e4c"
                  X-Auth: Zk39sLq02mXvB7tY5rNw81cE
                  X-Api-Auth: Qm48tRp13nYwC8uZ6sOx92dF
                  X-Auth-Mode: passthrough
                  X-Session-Timeout: 30m
                  X-Auth-Version: 2024-05-01-preview
                  X-Session: "{{session-id}}"
            response:
              headers:
                set:
                  Set-Cookie: "sid=0a1b2c3d4e5f60718293a4b5c6d7e8f9; HttpOnly; Secure"
            routes:
              - id: list-items
                method: GET
                path: /items
                scopes: [orders.read]
                policy: '<policies><inbound><base /><set-header name="X-Authentication" exists-action="override"><value>Hx72pLm09qWzR4tY6uVb31nK</value></set-header><set-header name="Cookie" exists-action="append"><value>theme=dark-2024-contrast; ARRAffinity=3f2a9c1e7b4d4e0f9a8b6c5d4e3f2a1b3f2a9c1e7b4d4e0f9a8b6c5d4e3f2a1b</value></set-header></inbound><outbound><base /><set-header name="Set-Cookie" exists-action="append"><value>consent=granted; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT</value></set-header></outbound></policies>'

            """
        try api.write(to: folder.appendingPathComponent("items.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "."], in: folder)
        XCTAssertEqual(lint.status, 1, lint.stdout)
        let lines = api.components(separatedBy: "\n")
        var expected: [String] = []
        for name in ["Cookie: ", "X-Auth: ", "X-Api-Auth: ", "Set-Cookie: ", "<value>Hx72"] {
            let line = try XCTUnwrap(lines.firstIndex { $0.contains(name) }) + 1
            expected.append("items.yaml:\(line):")
        }
        let reported = lint.stdout.components(separatedBy: "\n").filter { $0.hasSuffix("this value looks like a credential [SE001]") }
        XCTAssertEqual(reported.count, 6, lint.stdout)
        let sessionLine = try XCTUnwrap(gateway.components(separatedBy: "\n").firstIndex { $0.hasPrefix("  session-id:") }) + 1
        XCTAssertTrue(reported.contains { $0.hasPrefix("gateway.yaml:\(sessionLine):") }, lint.stdout)
        for place in expected { XCTAssertTrue(reported.contains { $0.hasPrefix(place) }, "\(place):\n\(lint.stdout)") }
        for giveaway in ["7f3a9c2e1b8d", "Zk39sLq02mXv", "Qm48tRp13nYw", "0a1b2c3d4e5f", "Hx72pLm09qWz"] { XCTAssertFalse(lint.stdout.contains(giveaway), lint.stdout) }
    }

    func testEveryCredentialShapeIsReportedAndNeverBuilt() throws {
        for (index, shape) in Self.shapes.enumerated() {
            let folder = directory.appendingPathComponent("shape\(index)")
            try write(shape.value, backend: shape.isURL ? shape.value : nil, to: folder)
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.status, 1, "\(shape.name): \(lint.stdout)")
            let found = lint.stdout.components(separatedBy: "this value looks like a credential [SE001]").count - 1
            XCTAssertEqual(found, shape.isURL ? 3 : 2, "\(shape.name): SE001 not reported everywhere:\n\(lint.stdout)")
            XCTAssertFalse(lint.stdout.contains(shape.giveaway), "\(shape.name): lint repeats the secret:\n\(lint.stdout)")

            // With SE001 turned off the lint passes, and the build still refuses.
            try "rules:\n  SE001: off\n".write(
                to: folder.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
            let out = directory.appendingPathComponent("bundle\(index)")
            let build = try ToolProcess.run(["build", ".", "--out", out.path], in: folder)
            XCTAssertNotEqual(build.status, 0, "\(shape.name): built:\n\(build.stdout)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(shape.name): a bundle was written")
            XCTAssertFalse((build.stdout + build.stderr).contains(shape.giveaway), "\(shape.name): build repeats the secret")
        }
    }

    /// Values that resemble credentials but are not: they lint clean and build.
    func testOrdinaryValuesAreNotCredentials() throws {
        let ordinary = [
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
            "key: user", "header:X-Api-Key", "orders.read", "partner.orders.write",
            "https://contoso-kv.vault.azure.net/secrets/partner-client-secret",
            "https://orders.example.com/v1?api-version=2024-01-01",
            "https://orders.example.com/v1?page=2&sort=created",
            "mailto ops@contoso.com about outages", "Authorization: Bearer <token>",
            "ask_live_questions", "secret-rotation-policy", "the password field is hashed",
            "eyJ is how base64 JSON starts",
            "Bearer YOUR_ACCESS_TOKEN_GOES_HERE", "Authorization: Bearer ${PARTNER_TOKEN_2024}", "Bearer tokens from Entra ID version 2.0 only",
            "Callers send a Bearer token-based-authentication-v2 header", "Bearer x-ms-client-principal-id-v2", "Bearer ACCESS_TOKEN_FOR_V2_API_CALLS",
            "https://hooks.slack.com/services/",
            // Next to the shapes read since: prose after `Bearer:`, URL-encoded prose, other
            // Slack hosts and paths, a dotted name after `SG.`.
            "Bearer: required for every call", "https://orders.example.com/search?q=Bearer%20Token%20For%20The%20API%20v2%20Calls",
            "https://orders.example.com/search?q=Bearer+Token+For+The+Orders+API+v2+Calls", "https://hooks.slack.com/workflows/",
            "https://api.slack.com/workflows/T0ABCDEF1/A0ABCDEF2/418273645546372819/Zq8Wm3Lp7Kx2Nv5Rt9Ys4Bd6",
            "Region SG.Singapore serves the orders API", "100%25 of calls carry %22Bearer%22 tokens",
        ]
        for (index, value) in ordinary.enumerated() {
            let folder = directory.appendingPathComponent("ordinary\(index)")
            let backend = value.hasPrefix("https://") ? value : "https://{{backend-host}}/orders"
            try write(value, backend: backend, to: folder)
            let lint = try ToolProcess.run(["lint", "."], in: folder)
            XCTAssertEqual(lint.status, 0, "'\(value)' is reported:\n\(lint.stdout)")
            let build = try ToolProcess.run(
                ["build", ".", "--out", directory.appendingPathComponent("ordinary-bundle\(index)").path], in: folder)
            XCTAssertEqual(build.status, 0, "'\(value)' is not built:\n\(build.stdout)\(build.stderr)")
        }
    }
}
