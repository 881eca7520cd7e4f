import Foundation
import XCTest

/// The contoso sample must accept real Microsoft Entra v2 access tokens: their `aud` is the
/// API's client ID (a GUID), never its `api://` App ID URI, and their `scp` holds bare scope
/// values such as `orders.read`.
final class SampleAudienceTests: XCTestCase {
    private static let guid = try! NSRegularExpression(
        pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

    private func matches(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern, options: .dotMatchesLineSeparators)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    func testContosoAcceptsEntraV2AccessTokens() throws {
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", BundleTests.contoso.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)

        /// `{{name}}` resolved the way APIM does, from the bundle's named values.
        func resolved(_ text: String) throws -> String {
            guard text.hasPrefix("{{"), text.hasSuffix("}}") else { return text }
            let name = String(text.dropFirst(2).dropLast(2))
            let file = out.appendingPathComponent("apim/named values/\(name)/namedValueInformation.json")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
            let properties = try XCTUnwrap(json?["properties"] as? [String: Any], "named value '\(name)'")
            XCTAssertEqual(properties["secret"] as? Bool, false, "an audience is no secret")
            return try XCTUnwrap(properties["value"] as? String)
        }

        var checked = 0
        let walker = FileManager.default.enumerator(at: out.appendingPathComponent("apim"), includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.lastPathComponent == "policy.xml" else { continue }
            let policy = try String(contentsOf: url, encoding: .utf8)
            for check in try matches("(<validate-jwt .*?</validate-jwt>)", in: policy) {
                let issuers = try matches("<issuer>(.*?)</issuer>", in: check)
                guard issuers.allSatisfy({ $0.hasPrefix("https://login.microsoftonline.com/") && $0.hasSuffix("/v2.0") }) else { continue }
                for audience in try matches("<audience>(.*?)</audience>", in: check) {
                    let value = try resolved(audience)
                    XCTAssertEqual(
                        Self.guid.numberOfMatches(in: value, range: NSRange(value.startIndex..., in: value)), 1,
                        "\(url.path): v2 tokens carry the API's client ID as 'aud', not '\(value)'")
                    checked += 1
                }
                for scope in try matches("<claim name=\"scp\"[^>]*>(.*?)</claim>", in: check).flatMap({ try matches("<value>(.*?)</value>", in: $0) }) {
                    XCTAssertFalse(scope.contains("/"), "\(url.path): 'scp' holds bare scope values, not '\(scope)'")
                }
            }
        }
        XCTAssertGreaterThan(checked, 0, "the sample has no Entra v2 token checks")
    }
}
