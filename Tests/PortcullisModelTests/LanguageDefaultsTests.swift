import PortcullisDiagnostics
import PortcullisSyntax
import XCTest

@testable import PortcullisModel

/// The values the language gives fields that a definition leaves out.
final class LanguageDefaultsTests: XCTestCase {
    private func decode(_ text: String) throws -> Definitions {
        var decoder = DocumentDecoder()
        var diagnostics = DiagnosticCollector()
        YAMLReader(file: FileID(0)).read(Array(text.utf8), diagnostics: &diagnostics) { decoder.decode($0) }
        let (definitions, decodeDiagnostics) = decoder.finish()
        XCTAssertEqual((diagnostics.diagnostics + decodeDiagnostics.diagnostics).map(\.message), [])
        return definitions
    }

    func testGatewayDefaults() throws {
        let definitions = try decode(
            """
            apiVersion: portcullis/v1
            kind: Gateway
            name: minimal
            identityProviders:
              entra: {type: jwt, issuer: "https://l.example.com/", openidConfig: "https://l.example.com/c", audiences: [a]}
              partner: {type: introspection, endpoint: "https://p.example.com/i", clientId: c, clientSecret: {secret: s}}
            secrets:
              s: {keyVault: "https://demo-kv.vault.azure.net/secrets/s"}
            redis:
              connection: {secret: s}
            """)
        let gateway = try XCTUnwrap(definitions.gateways.first)
        let jwt = try XCTUnwrap(gateway.identityProviders.first { $0.type == .jwt })
        let introspection = try XCTUnwrap(gateway.identityProviders.first { $0.type == .introspection })
        XCTAssertEqual(jwt.effectiveScopeClaim, "scp")
        XCTAssertEqual(introspection.effectiveScopeClaim, "scope")
        XCTAssertEqual(jwt.effectiveTokenLifetime, 3600)
        guard case .introspection(let details) = introspection.details else { return XCTFail("introspection") }
        XCTAssertEqual(details.effectiveCacheTtl, 60)

        guard case .present(let redis) = gateway.redis else { return XCTFail("redis") }
        XCTAssertTrue(redis.effectiveTLS)
        XCTAssertFalse(redis.effectivePublicNetworkAccess)
        XCTAssertEqual(
            [redis.databases.effectiveAuth, redis.databases.effectiveRateLimit, redis.databases.effectiveResponses],
            [0, 1, 2])

        guard case .absent = gateway.guardrails else { return XCTFail("guardrails") }
        let guardrails = Guardrails()
        XCTAssertEqual(guardrails.effectiveMaxSharedCacheTtl, 3600)
        XCTAssertEqual(guardrails.effectiveMaxPerUserCacheTtl, 300)
        XCTAssertEqual(guardrails.effectiveMaxTokenCacheTtl, 300)
        XCTAssertTrue(guardrails.effectiveRequireRateLimit)
        XCTAssertNil(guardrails.maxRateLimit)
    }

    func testAPIAndProductDefaults() throws {
        let definitions = try decode(
            """
            apiVersion: portcullis/v1
            kind: API
            name: items
            path: items
            backend: https://items.example.com
            routes:
              - {id: list, method: GET, path: /items, rateLimit: {calls: 5, per: 1s}}
            ---
            apiVersion: portcullis/v1
            kind: Product
            name: everyone
            apis: [items]
            """)
        let api = try XCTUnwrap(definitions.apis.first)
        XCTAssertTrue(api.effectiveSubscriptionRequired)
        guard case .limit(let limit)? = api.routes.first?.rateLimit else { return XCTFail("expected a limit") }
        XCTAssertEqual(limit.effectiveKey, LimitKey.subscription)
        let product = try XCTUnwrap(definitions.products.first)
        XCTAssertTrue(product.effectiveSubscriptionRequired)
        XCTAssertFalse(product.effectiveApprovalRequired)
    }
}
