import Foundation
import XCTest

/// `diff` sees every change that makes a token check accept other tokens, as APIM would
/// see it after substituting named values, and never shows a credential doing so.
final class TokenCheckDiffTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        try FileManager.default.copyItem(at: BundleTests.contoso, to: directory.appendingPathComponent("base"))
        try FileManager.default.copyItem(at: BundleTests.contoso, to: directory.appendingPathComponent("head"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func edit(_ file: String, _ replacements: [(String, String)]) throws {
        let url = directory.appendingPathComponent("head/\(file)")
        var text = try String(contentsOf: url, encoding: .utf8)
        for (old, new) in replacements {
            XCTAssertTrue(text.contains(old), old)
            text = text.replacingOccurrences(of: old, with: new)
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    private func diff(_ format: String = "text") throws -> ToolProcess.Result {
        try ToolProcess.run(["diff", "base", "head", "--format", format, "--fail-on", "privilege-increase"], in: directory)
    }

    func testAnotherTenantThroughANamedValueIsAPrivilegeIncrease() throws {
        try edit("gateway.yaml", [("tenant-id: {value: 72f988bf-86f1-41af-91ab-2d7cd011db47", "tenant-id: {value: 11111111-2222-3333-4444-555555555555")])
        let result = try diff()
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(
            result.stdout.contains(
                "privilege increase: identity provider 'entra' accepts tokens from issuer 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0' instead of 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0'"),
            result.stdout)
    }

    func testAnotherRoleClaimIsAPrivilegeIncrease() throws {
        try edit("gateway.yaml", [("    tokenLifetime: 1h\n", "    tokenLifetime: 1h\n    roleClaim: name\n")])
        let result = try diff()
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("privilege increase: identity provider 'entra' reads app roles from claim 'name' instead of 'roles'"), result.stdout)
    }

    func testAnotherProviderOnARouteIsAPrivilegeIncrease() throws {
        try edit("apis/orders.yaml", [("    scopes: [orders.cancel]\n", "    scopes: [orders.cancel]\n    auth: partner\n")])
        let result = try diff()
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("privilege increase: route 'orders/cancel-order' checks tokens from 'partner' instead of 'entra'"), result.stdout)
    }

    /// Messages quote changed values, where a YAML escape can put any character: a line
    /// break cannot start a forged workflow command, nor an override reverse a line.
    func testControlCharactersInChangedValuesAreShownEscaped() throws {
        try edit("gateway.yaml", [(#"audiences: ["{{api-client-id}}"]"#, #"audiences: ["{{api-client-id}}\n::error file=x::forged\t"]"#)])
        try edit("apis/catalog.yaml", [("backend: https://catalog.internal.contoso.com", #"backend: "https://catalog.internal.contoso.com\u202E""#)])
        for format in ["text", "json", "markdown"] {
            let output = try diff(format).stdout
            XCTAssertFalse(output.split(separator: "\n").contains { $0.hasPrefix("::error file=x::forged") }, "\(format): \(output)")
            XCTAssertFalse(output.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\t" }, "\(format): \(output)")
            guard format == "text" else { continue }
            XCTAssertTrue(output.contains(#"accepts audience '00000000-0000-0000-0000-000000000000\n::error file=x::forged\t'"#), output)
            XCTAssertTrue(output.contains(#"'https://catalog.internal.contoso.com\u{202e}'"#), output)
        }
    }

    func testCredentialsInChangedValuesAreNeverShown() throws {
        try edit("gateway.yaml", [("endpoint: https://idp.partner.example/oauth2/introspect", "endpoint: https://idp.partner.example/oauth2/introspect?key=AbCdEfGh12345678")])
        for format in ["text", "json", "markdown"] {
            let result = try diff(format)
            XCTAssertFalse(result.stdout.contains("AbCdEfGh12345678"), "\(format): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("asks a value that holds a credential instead of"), "\(format): \(result.stdout)")
        }
    }
}
