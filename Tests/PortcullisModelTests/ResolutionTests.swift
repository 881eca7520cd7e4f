import PortcullisDiagnostics
import PortcullisSyntax
import XCTest

@testable import PortcullisModel

/// Effective routes: which level each value comes from, and where it is written.
final class ResolutionTests: XCTestCase {
    static func resolve(_ files: [String]) -> (ResolvedProject, [Diagnostic]) {
        var definitions = Definitions()
        var diagnostics = DiagnosticCollector()
        for (index, text) in files.enumerated() {
            var decoder = DocumentDecoder()
            YAMLReader(file: FileID(index)).read(Array(text.utf8), diagnostics: &diagnostics) { decoder.decode($0) }
            let (fileDefinitions, fileDiagnostics) = decoder.finish()
            definitions.append(contentsOf: fileDefinitions)
            diagnostics.append(contentsOf: fileDiagnostics)
        }
        let project = Resolver.resolve(definitions, projectStart: .point(FileID(0), line: 1, column: 1), diagnostics: &diagnostics)
        return (project, diagnostics.diagnostics)
    }

    private let gateway = """
        apiVersion: portcullis/v1
        kind: Gateway
        name: demo
        identityProviders:
          entra: {type: jwt, issuer: "https://l.example.com/", openidConfig: "https://l.example.com/c", audiences: [a]}
          partner: {type: introspection, endpoint: "https://p.example.com/i", clientId: c, clientSecret: {secret: s}}
        scopes:
          items.read: {access: read}
        secrets:
          s: {keyVault: "https://demo-kv.vault.azure.net/secrets/s"}
        defaults:
          auth: entra
          rateLimit: {calls: 100, per: 60s}

        """

    private let api = """
        apiVersion: portcullis/v1
        kind: API
        name: items
        path: items
        backend: https://items.example.com
        auth: partner
        quota: {calls: 1000, per: 1d}
        routes:
          - {id: inherits, method: GET, path: /a, scopes: [items.read]}
          - {id: own, method: GET, path: /b, scopes: [items.read], rateLimit: {calls: 5, per: 1s, key: user}, auth: entra}
          - {id: public, method: GET, path: /c, auth: none, public: probe, rateLimit: none, quota: none}
        ---
        apiVersion: portcullis/v1
        kind: API
        name: bare
        path: bare
        backend: https://bare.example.com
        routes:
          - {id: only, method: GET, path: /x}
        ---
        apiVersion: portcullis/v1
        kind: Product
        name: partners
        apis: [items]

        """

    func testInheritanceRecordsOriginAndLocation() throws {
        let (project, diagnostics) = Self.resolve([gateway, api])
        XCTAssertEqual(diagnostics.map(\.message), [])
        let routes = Dictionary(uniqueKeysWithValues: project.routes.map { ($0.written.id.value, $0) })
        let inherits = try XCTUnwrap(routes["inherits"])
        XCTAssertEqual(inherits.auth.value, .provider("partner"))
        XCTAssertEqual(inherits.auth.origin, .api)
        XCTAssertEqual(inherits.auth.range.start, SourcePosition(line: 6, column: 7))
        XCTAssertEqual(inherits.rateLimit?.origin, .gatewayDefaults)
        XCTAssertEqual(inherits.rateLimit?.range.file, FileID(0), "the default is written in the gateway's file")
        XCTAssertEqual(inherits.activeRateLimit?.calls.value, 100)
        XCTAssertEqual(inherits.activeQuota?.per.value, 86400)
        XCTAssertEqual(inherits.quota?.origin, .api)
        XCTAssertEqual(inherits.products, [0])

        let own = try XCTUnwrap(routes["own"])
        XCTAssertEqual(own.auth.origin, .route)
        XCTAssertEqual(own.rateLimit?.origin, .route)
        XCTAssertEqual(own.activeRateLimit?.effectiveKey, .user)

        let open = try XCTUnwrap(routes["public"])
        XCTAssertFalse(open.isAuthenticated)
        XCTAssertNil(open.activeRateLimit, "'none' switches the inherited limit off")
        XCTAssertEqual(open.rateLimit?.origin, .route)
        XCTAssertNil(open.activeQuota)

        let bare = try XCTUnwrap(routes["only"])
        XCTAssertEqual(bare.auth.origin, .gatewayDefaults)
        XCTAssertNil(bare.quota, "no level sets a quota")
        XCTAssertEqual(bare.products, [])
    }

    func testAuthIsPublicWhenNoLevelNamesOne() throws {
        let gatewayWithoutDefaults = gateway.replacingOccurrences(of: "  auth: entra\n", with: "")
        let (project, _) = Self.resolve([gatewayWithoutDefaults, api])
        let bare = try XCTUnwrap(project.routes.first { $0.written.id.value == "only" })
        XCTAssertEqual(bare.auth.value, .none)
        XCTAssertEqual(bare.auth.origin, .unset)
    }

    func testCacheSharingDefaultsFollowAuthentication() throws {
        let text = """
            apiVersion: portcullis/v1
            kind: API
            name: items
            path: items
            backend: https://items.example.com
            routes:
              - {id: private, method: GET, path: /a, scopes: [items.read], cache: {ttl: 30s}}
              - {id: open, method: GET, path: /b, auth: none, public: data, cache: {ttl: 30s}}
              - {id: explicit, method: GET, path: /c, auth: none, public: data, cache: {ttl: 30s, sharing: per-user}}
            """
        let (project, _) = Self.resolve([gateway, text])
        let sharing = Dictionary(uniqueKeysWithValues: project.routes.map { ($0.written.id.value, $0.cacheSharing) })
        XCTAssertEqual(sharing["private"], .perUser)
        XCTAssertEqual(sharing["open"], .shared)
        XCTAssertEqual(sharing["explicit"], .perUser)
    }

    /// Declared scopes are remembered per API (``RecentNames``); an unknown one is reported
    /// at every use, past the remembered few too.
    func testEveryUseOfAnUnknownScopeIsReported() throws {
        let routes = (0..<12).map { "  - {id: r\($0), method: GET, path: /r\($0), scopes: [items.read, items.raed]}" }
        let text = """
            apiVersion: portcullis/v1
            kind: API
            name: many
            path: many
            backend: https://many.example.com
            routes:
            \(routes.joined(separator: "\n"))
            """
        let (project, diagnostics) = Self.resolve([gateway, text])
        XCTAssertEqual(project.routes.count, 12)
        let unknown = diagnostics.filter { $0.message == "unknown scope 'items.raed'" }
        XCTAssertEqual(unknown.map(\.range.start.line), (0..<12).map { UInt32(7 + $0) })
    }

    /// The project-wide checks run beside the routes; their findings still come first, in
    /// check order, and each API's references after them, in API order.
    func testFindingsKeepTheirOrderWhileRoutesAreMadeInParallel() throws {
        let apis = (0..<3).map { index in
            """
            apiVersion: portcullis/v1
            kind: API
            name: a\(index)
            path: same
            backend: https://a.example.com
            routes:
              - {id: r, method: GET, path: /r, scopes: [unknown\(index)]}
            """
        }
        let (_, diagnostics) = Self.resolve([gateway, apis.joined(separator: "\n---\n")])
        XCTAssertEqual(
            diagnostics.map(\.message),
            [
                "APIs 'a0' and 'a1' both use path 'same'", "APIs 'a0' and 'a2' both use path 'same'",
                "unknown scope 'unknown0'", "unknown scope 'unknown1'", "unknown scope 'unknown2'",
            ])
    }
    /// The scopes some route requires are gathered while references are checked (LP006
    /// reads them instead of walking every route): declared scopes only, through scopes and
    /// app roles alike, from every API, including one read with errors, and past the first
    /// few scopes of an API, which the check remembers without hashing.
    func testRequiredScopesAreTheDeclaredScopesRoutesName() {
        let gateway = """
            apiVersion: portcullis/v1
            kind: Gateway
            name: demo
            identityProviders:
              entra: {type: jwt, issuer: "https://l.example.com/", openidConfig: "https://l.example.com/c", audiences: [a]}
            scopes:
              s1: {access: read}
              s2: {access: read}
              s3: {access: read}
              s4: {access: read}
              s5: {access: read}
              s6: {access: read}
              s7: {access: read}
              s8: {access: read}
              s9: {access: read}
              role: {access: write}
              spare: {access: read}
              broken: {access: read}
            defaults:
              auth: entra

            """
        let apis = """
            apiVersion: portcullis/v1
            kind: API
            name: many
            path: many
            backend: https://many.example.com
            routes:
              - {id: a, method: GET, path: /a, scopes: [s1, s2, s3, s4, s5, unknown]}
              - {id: b, method: GET, path: /b, scopes: [s6, s7, s8]}
              - {id: c, method: GET, path: /c, scopes: {all: [s9]}, appRoles: [role]}
            ---
            apiVersion: portcullis/v1
            kind: API
            name: erring
            path: erring
            backend: https://erring.example.com
            subscriptionRequired: maybe
            routes:
              - {id: d, method: GET, path: /d, scopes: [broken]}

            """
        let (project, diagnostics) = Self.resolve([gateway, apis])
        XCTAssertEqual(Set(diagnostics.map(\.code.description)), ["YS004", "RF001"])
        XCTAssertTrue(project.apis[1].hasErrors)
        XCTAssertEqual(project.requiredScopes, ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "role", "broken"])
    }
}
