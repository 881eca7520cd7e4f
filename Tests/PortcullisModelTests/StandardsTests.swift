import XCTest

@testable import PortcullisModel

/// The standards `diff` lays BASE's over HEAD's gateway with: what they read from a
/// gateway, what `over` keeps of HEAD's own, and that a gateway judged by them reads them
/// back, every value placed in the files read.
final class StandardsTests: XCTestCase {
    private func gateway(_ fields: String) -> Gateway {
        let (project, diagnostics) = ResolutionTests.resolve(["apiVersion: portcullis/v1\nkind: Gateway\nname: demo\n" + fields])
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }.map(\.message), [])
        return project.gateway!
    }

    private let strict = """
        sku: Premium
        identityProviders:
          entra: {type: jwt, issuer: "https://l.example.com/", openidConfig: "https://l.example.com/c", audiences: [a], tokenLifetime: 1h}
        scopes:
          items.read: {access: read}
          items.delete: {access: admin}
        guardrails:
          maxCacheTtl: {shared: 5m}
          maxRateLimit: {calls: 100, per: 60s}

        """

    private let loose = """
        sku: Developer
        identityProviders:
          entra: {type: jwt, issuer: "https://l.example.com/", openidConfig: "https://l.example.com/c", audiences: [a], tokenLifetime: 24h}
          other: {type: jwt, issuer: "https://o.example.com/", openidConfig: "https://o.example.com/c", audiences: [b], tokenLifetime: 2h}
        scopes:
          items.read: {access: read}
          items.delete: {access: write}
          items.new: {access: write}

        """

    func testAGatewayIsReadWithTheLanguagesDefaults() throws {
        let standards = try XCTUnwrap(Standards(gateway(loose)))
        XCTAssertEqual(standards.sku, .developer)
        XCTAssertEqual(standards.access, ["items.read": .read, "items.delete": .write, "items.new": .write])
        XCTAssertEqual(standards.tokenLifetimes, ["entra": 86_400, "other": 7_200])
        XCTAssertNil(standards.maxRateLimit)
        let defaults = Guardrails()
        XCTAssertEqual(standards.maxSharedCacheTtl, defaults.effectiveMaxSharedCacheTtl)
        XCTAssertEqual(standards.requireRateLimit, defaults.effectiveRequireRateLimit)
        XCTAssertNil(Standards(nil))
    }

    /// A scope or provider BASE lacks keeps HEAD's own; the others, and every guardrail and
    /// the tier, take BASE's.
    func testStandardsLaidOverAnotherKeepOnlyWhatTheyDoNotSay() throws {
        let base = try XCTUnwrap(Standards(gateway(strict)))
        let head = try XCTUnwrap(Standards(gateway(loose)))
        let laid = base.over(head)
        XCTAssertEqual(laid.sku, .premium)
        XCTAssertEqual(laid.maxSharedCacheTtl, 300)
        XCTAssertEqual(laid.maxRateLimit, Standards.Rate(calls: 100, per: 60))
        XCTAssertEqual(laid.access, ["items.read": .read, "items.delete": .admin, "items.new": .write])
        XCTAssertEqual(laid.tokenLifetimes, ["entra": 3_600, "other": 7_200])
    }

    /// HEAD's gateway judged by BASE's standards reads them back, and each value stands
    /// where HEAD writes its own, or at its `kind`: a finding made by them points into
    /// HEAD's files.
    func testAGatewayJudgedByStandardsReadsThemBackInPlace() throws {
        let base = try XCTUnwrap(Standards(gateway(strict)))
        var head = gateway(loose)
        let own = try XCTUnwrap(Standards(head))
        let providerRange = head.identityProviders.first { $0.name.value == "entra" }?.tokenLifetime?.range
        head.impose(base.over(own))
        XCTAssertEqual(Standards(head), base.over(own))
        XCTAssertEqual(head.identityProviders.first { $0.name.value == "entra" }?.tokenLifetime?.range, providerRange)
        guard case .present(let guardrails) = head.guardrails else { return XCTFail("no guardrails laid") }
        XCTAssertEqual(guardrails.maxSharedCacheTtl?.range, head.kindRange)
    }
}
