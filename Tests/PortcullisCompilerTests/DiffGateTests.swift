import Foundation
import PortcullisChecker
import PortcullisTestSupport
import XCTest

/// `diff --fail-on privilege-increase,looser-limit,cache-widened` is the gate teams put in
/// front of pull requests. Each case here is one edit an audit found the gate let through
/// (reported as `other`, as a decrease, or not at all) although the emitted policies
/// widened access: each must now be weighed as what it does, and fail the gate.
final class DiffGateTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A copy of `base` with each `(file, from, to)` edit made; `from` empty adds the file.
    private func copy(of base: URL, _ edits: [(String, String, String)]) throws -> URL {
        let project = directory.appendingPathComponent("project-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: base, to: project)
        for (path, from, to) in edits {
            let url = project.appendingPathComponent(path)
            guard !from.isEmpty else {
                try to.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(from), "\(path) holds no '\(from)'")
            try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
        }
        return project
    }

    /// The changes `diff` reports from `base` to `head`, as `category: message`, after
    /// checking that the gate fails.
    private func gate(_ base: URL, _ head: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let gate = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase,looser-limit,cache-widened"])
        XCTAssertEqual(gate.status, 1, "the gate let the change through:\n" + gate.stdout + gate.stderr, file: file, line: line)
        let json = try ToolProcess.run(["diff", base.path, head.path, "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], json.stderr)
        let changes = try XCTUnwrap(object["changes"] as? [[String: Any]])
        return changes.map { "\($0["category"] as? String ?? "?"): \($0["message"] as? String ?? "?")" }
    }

    /// The text report from `base` to `head`, after checking that the gate lets the change
    /// through.
    @discardableResult
    private func passes(_ base: URL, _ head: URL, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase,looser-limit,cache-widened"])
        XCTAssertEqual(result.status, 0, "the gate stopped the change:\n" + result.stdout + result.stderr, file: file, line: line)
        return result.stdout
    }

    private func contoso(_ edits: [(String, String, String)], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try gate(BundleTests.contoso, try copy(of: BundleTests.contoso, edits), file: file, line: line)
    }

    /// A file of definitions the change excludes is checked by nothing, and its routes stay
    /// live in APIM (the publisher deletes only what a commit deletes): a pattern BASE's
    /// `exclude` lacks is weighed, as a rule silenced in the same change is (audit V25). A
    /// file that was never checked (a chart) changes nothing excluded (audit V27), and a
    /// publisher configuration is checked whatever `exclude` says.
    func testAnExclusionTheChangeMakesIsWeighed() throws {
        let extra = RuleExample.api("extra", routes: "  - {id: list-extra, method: GET, path: /extra, scopes: [catalog.write]}\n").text
        let original = try copy(of: BundleTests.contoso, [("apis/extra.yaml", "", extra)])
        let exclude = "exclude: ['apis/extra.yaml', 'charts/**']\n"
        let head = try copy(of: original, [("portcullis.yaml", "", exclude)])
        try FileManager.default.createDirectory(at: head.appendingPathComponent("charts"), withIntermediateDirectories: true)
        try "replicaCount: 2\nimage: {repository: orders}\n".write(to: head.appendingPathComponent("charts/values.yaml"), atomically: true, encoding: .utf8)
        let changes = try gate(original, head)
        XCTAssertEqual(
            changes.filter { $0.contains("excluded") },
            ["privilege-increase: '\(head.path)/apis/extra.yaml' is now excluded by 'apis/extra.yaml', so nothing in it is checked"], "\(changes)")
        let base = try copy(of: original, [("portcullis.yaml", "", exclude)])
        XCTAssertFalse(try passes(base, head).contains("excluded"))

        let overrides = "namedValues:\n  - name: tenant-id\n    properties: {value: 00000000-0000-0000-0000-000000000000}\n"
        try overrides.write(to: head.appendingPathComponent("charts/prod-overrides.yaml"), atomically: true, encoding: .utf8)
        let refused = try ToolProcess.run(["diff", base.path, head.path, "--fail-on", "privilege-increase"])
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stdout.contains("charts/prod-overrides.yaml:3:5: error: publisher configuration overrides 'properties' of named value 'tenant-id'"), refused.stdout)
    }

    /// APIM may take the first server of an API's own OpenAPI document for its `serviceUrl`
    /// when the publisher imports it, and requests no policy sends elsewhere go there: a
    /// server moved to another host, or to plain HTTP, passed as no change (audit V24). One
    /// that names the API's own `backend` is no increase.
    func testAServerOfAnAPIsOwnDocumentMovedIsWeighed() throws {
        let server = "  - url: https://api.fabrikam.com/invoices\n"
        for moved in ["https://collector.example.net/invoices", "http://api.fabrikam.com/invoices"] {
            let head = try copy(of: BundleTests.fabrikam, [("specs/invoices.yaml", server, "  - url: \(moved)\n")])
            XCTAssertEqual(
                try gate(BundleTests.fabrikam, head),
                [
                    "privilege-increase: the OpenAPI document of API 'invoices' now names server '\(moved)' instead of 'https://api.fabrikam.com/invoices', which APIM may take for the API's serviceUrl when it imports the document"
                ])
        }
        // APIM takes the first `https` server, whatever stands before it (audit V27).
        let second = try copy(of: BundleTests.fabrikam, [("specs/invoices.yaml", server, "  - url: http://localhost:8080\n  - url: https://collector.example.net/invoices\n")])
        XCTAssertEqual(
            try gate(BundleTests.fabrikam, second),
            [
                "privilege-increase: the OpenAPI document of API 'invoices' now names server 'https://collector.example.net/invoices' instead of 'https://api.fabrikam.com/invoices', which APIM may take for the API's serviceUrl when it imports the document"
            ])
        let backend = try copy(of: BundleTests.fabrikam, [("specs/invoices.yaml", server, "  - url: https://invoices.internal.fabrikam.com/api/\n")])
        XCTAssertTrue(try passes(BundleTests.fabrikam, backend).contains("other: the OpenAPI document of API 'invoices' now names server"))

        // An API added with such a document is weighed so too (audit V25: not mentioned).
        let invoices = try String(contentsOf: BundleTests.fabrikam.appendingPathComponent("apis/invoices.yaml"), encoding: .utf8)
        let billing = invoices.replacingOccurrences(of: "name: invoices\n", with: "name: billing\n").replacingOccurrences(of: "path: invoices\n", with: "path: billing\n")
            .replacingOccurrences(of: "openapi: ../specs/invoices.yaml", with: "openapi: ../specs/billing.yaml")
        let added = try copy(of: BundleTests.fabrikam, [
            ("apis/billing.yaml", "", billing),
            ("specs/billing.yaml", "", try String(contentsOf: BundleTests.fabrikam.appendingPathComponent("specs/invoices.yaml"), encoding: .utf8)),
        ])
        XCTAssertEqual(
            try gate(BundleTests.fabrikam, added).filter { $0.contains("server") },
            [
                "privilege-increase: API 'billing' was added with an OpenAPI document that names server 'https://api.fabrikam.com/invoices', not its backend, which APIM may take for the API's serviceUrl when it imports the document"
            ])
        // A relative server, or a loopback host, serves nothing (audit V27: both failed the
        // gate); told by its shape, not by a parser that reads `\@` otherwise (audit V28).
        let parsedOtherwise = try copy(of: BundleTests.fabrikam, [
            ("apis/billing.yaml", "", billing),
            ("specs/billing.yaml", "", try String(contentsOf: BundleTests.fabrikam.appendingPathComponent("specs/invoices.yaml"), encoding: .utf8).replacingOccurrences(of: server, with: #"  - url: 'https://evil.example\@localhost/'"# + "\n")),
        ])
        XCTAssertEqual(try gate(BundleTests.fabrikam, parsedOtherwise).filter { $0.contains("server") }.count, 1)
        for harmless in ["/billing", "http://localhost:8080"] {
            let added = try copy(of: BundleTests.fabrikam, [
                ("apis/billing.yaml", "", billing),
                ("specs/billing.yaml", "", try String(contentsOf: BundleTests.fabrikam.appendingPathComponent("specs/invoices.yaml"), encoding: .utf8).replacingOccurrences(of: server, with: "  - url: \(harmless)\n")),
            ])
            try passes(BundleTests.fabrikam, added)
        }
    }

    /// A raw limit or IP filter that reads a named value, loosened by changing the value
    /// alone (in an environment's file too), was "reads named values that changed"
    /// (`other`), and the gate passed a budget raised 450 times and a filter opened to every
    /// address (found by the audit of environments and `diff`). An IP filter's addresses
    /// edited in place were "the raw policy changed" too.
    func testALimitOrIPFilterLoosenedThroughANamedValueIsWeighed() throws {
        let policy = """
            policy: |
              <policies>
                <inbound>
                  <base />
                  <rate-limit-by-key calls="{{catalog-calls}}" renewal-period="60" counter-key="@(context.Subscription.Id)" />
                  <ip-filter action="allow"><address-range from="{{office-from}}" to="{{office-to}}" /><address>198.51.100.7</address></ip-filter>
                </inbound>
              </policies>

            """
        let values = "namedValues:\n  catalog-calls: \"20\"\n  office-from: 203.0.113.0\n  office-to: 203.0.113.255\n"
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", "routes:\n", policy + "routes:\n"), ("gateway.yaml", "namedValues:\n", values)])
        let loosened = try copy(of: base, [
            ("gateway.yaml", "catalog-calls: \"20\"", "catalog-calls: \"9000\""),
            ("gateway.yaml", "office-from: 203.0.113.0\n  office-to: 203.0.113.255", "office-from: 0.0.0.0\n  office-to: 255.255.255.255"),
        ])
        XCTAssertEqual(
            try gate(base, loosened).sorted(),
            [
                "looser-limit: the raw policy of API 'catalog' raises the budget of 'rate-limit-by-key' to 9000 calls per 60s from 20 per 60s through named values that changed",
                "privilege-increase: the raw policy of API 'catalog' lets more addresses past 'ip-filter': it now admits 0.0.0.0-198.51.100.6, 198.51.100.8-203.0.112.255, 203.0.114.0-255.255.255.255 through named values that changed",
            ])
        // The same through production's file alone.
        let prod = try copy(of: base, [
            ("environments/prod.yaml", "    api-client-id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n", "    api-client-id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\n    office-to: 203.0.114.255\n")
        ])
        XCTAssertTrue(try gate(base, prod).contains { $0.hasPrefix("privilege-increase: ") && $0.contains("it now admits 203.0.114.0-203.0.114.255") })
        // Written in place: an address added to those allowed, and an allow-list turned into
        // a deny-list; a filter narrowed to fewer addresses passes.
        let added = try copy(of: base, [("apis/catalog.yaml", "<address>198.51.100.7</address>", "<address>198.51.100.7</address><address>192.0.2.1</address>")])
        XCTAssertEqual(try gate(base, added), ["privilege-increase: the raw policy of API 'catalog' lets more addresses past 'ip-filter': it now admits 192.0.2.1"])
        let inverted = try copy(of: base, [("apis/catalog.yaml", "action=\"allow\"", "action=\"forbid\"")])
        XCTAssertEqual(try gate(base, inverted), ["privilege-increase: the raw policy of API 'catalog' turns an 'ip-filter' that allowed only the addresses it lists into one that forbids them"])
        // A forbid list turned into an allow list that admits what it forbade (an audit: the
        // pair read as a narrowing).
        let filter = #"<ip-filter action="allow"><address-range from="{{office-from}}" to="{{office-to}}" /><address>198.51.100.7</address></ip-filter>"#
        let forbidding = try copy(of: base, [("apis/catalog.yaml", filter, #"<ip-filter action="forbid"><address-range from="10.1.0.5" to="10.1.0.9" /></ip-filter>"#)])
        let allowing = try copy(of: base, [("apis/catalog.yaml", filter, #"<ip-filter action="allow"><address-range from="10.1.0.0" to="10.1.255.255" /></ip-filter>"#)])
        XCTAssertEqual(
            try gate(forbidding, allowing),
            ["privilege-increase: the raw policy of API 'catalog' lets more addresses past its IP filters: it now admits 10.1.0.5-10.1.0.9"])
        // Widened beside one added (found by the audit of the fix, which added a one-address
        // filter): the filters are compared by what they admit together.
        let beside = try copy(of: base, [
            ("gateway.yaml", "office-from: 203.0.113.0", "office-from: 0.0.0.0"),
            ("apis/catalog.yaml", "</ip-filter>\n", "</ip-filter>\n      <ip-filter action=\"forbid\"><address>192.0.2.9</address></ip-filter>\n"),
        ])
        let besideFound = try gate(base, beside)
        XCTAssertTrue(
            besideFound.contains(
                "privilege-increase: the raw policy of API 'catalog' lets more addresses past its IP filters: it now admits 0.0.0.0-192.0.2.8, 192.0.2.10-198.51.100.6, 198.51.100.8-203.0.112.255"),
            besideFound.joined(separator: "\n"))
        let raisedBeside = try copy(of: base, [
            ("gateway.yaml", "catalog-calls: \"20\"", "catalog-calls: \"1000000\""),
            ("apis/catalog.yaml", "      <ip-filter", "      <rate-limit-by-key calls=\"5\" renewal-period=\"1\" counter-key=\"@(context.Request.IpAddress)\" />\n      <ip-filter"),
        ])
        XCTAssertTrue(
            try gate(base, raisedBeside).contains("looser-limit: the raw policy of API 'catalog' changes a 'rate-limit-by-key' beside adding another; review what the changed one lets through"))
        let narrowed = try copy(of: base, [("apis/catalog.yaml", "<address>198.51.100.7</address>", "")])
        try passes(base, narrowed)
        // Two filters swapped are the same filters: no widening (a false finding the round-22
        // audit of the fixes found; filters alike are now paired first).
        let forbid = "      <ip-filter action=\"forbid\"><address>192.0.2.9</address></ip-filter>\n"
        let two = try copy(of: base, [("apis/catalog.yaml", "</ip-filter>\n", "</ip-filter>\n" + forbid)])
        let twoText = try String(contentsOf: two.appendingPathComponent("apis/catalog.yaml"), encoding: .utf8)
        let allow = try XCTUnwrap(twoText.split(separator: "\n").first { $0.contains("<ip-filter action=\"allow\"") })
        let swapped = try copy(of: two, [("apis/catalog.yaml", String(allow) + "\n" + forbid, forbid + String(allow) + "\n")])
        try passes(two, swapped)
    }

    /// A limit switched off, or a token check's audience blanked, through named values
    /// alone was "reads named values that changed" (`other`), which no gate stops (the
    /// round-22 audit of the fixes): the limit counted nothing and the check passed every
    /// API's tokens. Both are now weighed with the new values, as any change is.
    func testALimitOrCheckSwitchedOffThroughANamedValueIsWeighed() throws {
        let policy = """
            policy: |
              <policies>
                <inbound>
                  <base />
                  <rate-limit-by-key calls="20" renewal-period="60" counter-key="@(context.Subscription.Id)" increment-condition="{{count-calls}}" />
                  <validate-jwt header-name="Authorization">
                    <openid-config url="https://login.example.com/.well-known/openid-configuration" />
                    <audiences><audience>{{catalog-audience}}</audience></audiences>
                    <required-claims><claim name="roles"><value>Catalog.Read</value></claim></required-claims>
                  </validate-jwt>
                </inbound>
              </policies>

            """
        let values = "namedValues:\n  count-calls: \"true\"\n  catalog-audience: api://catalog\n"
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", "routes:\n", policy + "routes:\n"), ("gateway.yaml", "namedValues:\n", values)])
        let switchedOff = try copy(of: base, [
            ("gateway.yaml", "count-calls: \"true\"", "count-calls: \"false\""),
            // A blank value is YS004 (APIM refuses it); a space written as a reference is not.
            ("gateway.yaml", "catalog-audience: api://catalog", "catalog-audience: \"&#32;\""),
        ])
        XCTAssertEqual(
            try gate(base, switchedOff).sorted(),
            [
                "looser-limit: the raw policy of API 'catalog' turns 'rate-limit-by-key' into one that counts nothing or only some requests through named values that changed",
                "privilege-increase: the raw policy of API 'catalog' lets 'validate-jwt' accept audience '&#32;' through named values that changed",
            ])
        // Another audience is weighed as one accepted, not as a check that compares none.
        let moved = try copy(of: base, [("gateway.yaml", "catalog-audience: api://catalog", "catalog-audience: api://catalog-v2")])
        XCTAssertEqual(
            try gate(base, moved),
            ["privilege-increase: the raw policy of API 'catalog' lets 'validate-jwt' accept audience 'api://catalog-v2' through named values that changed"])
        // A limit's condition through a named value left true, beside it, is no change of its.
        let renamed = try copy(of: base, [("gateway.yaml", "count-calls: \"true\"", "count-calls: \"True\"")])
        let result = try passes(base, renamed)
        XCTAssertTrue(result.contains("the raw policy of API 'catalog' reads named values that changed; review what it does with them"), result)
    }

    /// A token check whose audience reads a policy variable lets callers through once a
    /// policy sets that variable from what the caller sends: the caller names the audience
    /// its token was issued for. Set in another API's policy, the check's own text does
    /// not change, and `diff` skipped it (the round-23 audit of the fixes).
    func testAnAudienceReadFromAVariableTheCallerNowWritesIsAPrivilegeIncrease() throws {
        let check = """
            policy: |
              <policies>
                <inbound>
                  <base />
                  <validate-jwt header-name="Authorization">
                    <openid-config url="https://login.example.com/.well-known/openid-configuration" />
                    <audiences><audience>@((string)context.Variables["catalog-audience"])</audience></audiences>
                    <required-claims><claim name="roles"><value>Catalog.Read</value></claim></required-claims>
                  </validate-jwt>
                </inbound>
              </policies>

            """
        let setter = """
            policy: |
              <policies>
                <inbound>
                  <base />
                  <set-variable name="Catalog-Audience" value="@("api://catalog")" />
                </inbound>
              </policies>

            """
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", "routes:\n", check + "routes:\n"), ("apis/orders.yaml", "routes:\n", setter + "routes:\n")])
        let fromHeader = try copy(of: base, [("apis/orders.yaml", #"@("api://catalog")"#, #"@(context.Request.Headers.GetValueOrDefault("X-Audience", ""))"#)])
        XCTAssertEqual(
            try gate(base, fromHeader).sorted(),
            [
                "other: the raw policy of API 'orders' changed; review what it does",
                "privilege-increase: the raw policy of API 'catalog' turns 'validate-jwt' into a check that lets callers through or checks only some requests through variables set in another policy",
            ])
        // Set to values written out in the branches of a 'choose' on a header: the caller
        // picks the audience among them.
        let picked = try copy(of: base, [(
            "apis/orders.yaml", #"<set-variable name="Catalog-Audience" value="@("api://catalog")" />"#,
            #"<choose><when condition="@(context.Request.Headers.ContainsKey("X-Legacy"))"><set-variable name="catalog-audience" value="api://legacy" /></when><otherwise><set-variable name="Catalog-Audience" value="@("api://catalog")" /></otherwise></choose>"#
        )])
        XCTAssertEqual(
            try gate(base, picked).sorted(),
            [
                "other: the raw policy of API 'orders' changed; review what it does",
                "privilege-increase: the raw policy of API 'catalog' turns 'validate-jwt' into a check that lets callers through or checks only some requests through variables set in another policy",
            ])
    }

    /// Routes renamed in two versions of one API were paired by the API's path alone,
    /// whichever the walk of a dictionary met first: a closed route made public passed
    /// as "was 'things-v2/public-op' before" in some runs, and the route removed was not
    /// reported (the round-24 audit of the gate). The version is part of the operation,
    /// and only one route removed and one added with an operation are paired.
    func testRoutesRenamedInVersionsOfAnAPIArePairedWithinTheirVersion() throws {
        let base = directory.appendingPathComponent("versions")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("apis"), withIntermediateDirectories: true)
        try """
            apiVersion: portcullis/v1
            kind: Gateway
            name: vg
            identityProviders:
              entra:
                type: jwt
                issuer: https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0
                openidConfig: https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/.well-known/openid-configuration
                audiences: [api://vg]
            scopes:
              things.read: {access: read, description: Read}
              things.admin: {access: admin, description: Admin}
            versionSets:
              things: {displayName: Things, scheme: segment}
            defaults:
              auth: entra
              rateLimit: {calls: 100, per: 60s, key: subscription}

            """.write(to: base.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try """
            apiVersion: portcullis/v1
            kind: API
            name: things-v1
            path: things
            version: {set: things, name: v1}
            backend: https://things-v1.internal.example.com
            routes:
              - id: admin-op
                method: GET
                path: /things
                scopes: [things.admin]

            """.write(to: base.appendingPathComponent("apis/v1.yaml"), atomically: true, encoding: .utf8)
        try """
            apiVersion: portcullis/v1
            kind: API
            name: things-v2
            path: things
            version: {set: things, name: v2}
            backend: https://things-v2.internal.example.com
            routes:
              - id: public-op
                method: GET
                path: /things
                auth: none
                public: public listing

            """.write(to: base.appendingPathComponent("apis/v2.yaml"), atomically: true, encoding: .utf8)
        let head = try copy(of: base, [
            ("apis/v1.yaml", "  - id: admin-op\n    method: GET\n    path: /things\n    scopes: [things.admin]", "  - id: admin-op2\n    method: GET\n    path: /things\n    auth: none\n    public: now open"),
            ("apis/v2.yaml", "  - id: public-op\n    method: GET\n    path: /things\n    auth: none\n    public: public listing", "  - id: public-op2\n    method: GET\n    path: /things\n    scopes: [things.read]"),
        ])
        let expected = [
            "other: route 'things-v1/admin-op2' was 'things-v1/admin-op' before",
            "other: route 'things-v2/public-op2' was 'things-v2/public-op' before",
            "privilege-decrease: route 'things-v2/public-op2' now requires a token from 'entra'",
            "privilege-increase: route 'things-v1/admin-op2' became public: it no longer requires a token",
        ]
        // A dictionary's order changes from run to run: each run must say the same.
        for _ in 0..<4 { XCTAssertEqual(try gate(base, head).sorted(), expected) }
    }

    /// Raw checks, limits and lookups loosened in place were "the raw policy changed"
    /// (`other`), which no gate stops (the round-24 audit of the gate): a backend
    /// application or certificate identity added, expiry or revocation no longer checked,
    /// a clock skew of a day, a header compared in any case or against nothing, a budget
    /// raised inside 'rate-limit', made an expression, or dropped, a counter keyed on a
    /// header, a lookup that stops varying on 'Authorization'.
    func testRawChecksLimitsAndLookupsLoosenedInPlaceAreWeighed() throws {
        let policy = """
            policy: |
              <policies>
                <inbound>
                  <base />
                  <validate-jwt header-name="Authorization" clock-skew="60">
                    <openid-config url="https://login.example.com/.well-known/openid-configuration" />
                    <audiences><audience>api://catalog</audience></audiences>
                  </validate-jwt>
                  <validate-azure-ad-token tenant-id="72f988bf-86f1-41af-91ab-2d7cd011db47">
                    <backend-application-ids><application-id>11111111-2222-3333-4444-555555555555</application-id></backend-application-ids>
                  </validate-azure-ad-token>
                  <validate-client-certificate validate-revocation="true">
                    <identities><identity thumbprint="9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B" /></identities>
                  </validate-client-certificate>
                  <check-header name="X-Channel" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>web</value></check-header>
                  <rate-limit calls="100" renewal-period="60"><api name="catalog" calls="50" renewal-period="60" /></rate-limit>
                  <set-variable name="tenant" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;,&quot;&quot;))" />
                  <rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Subscription.Id)" />
                  <quota-by-key calls="10000" bandwidth="40000" renewal-period="3600" counter-key="@(context.Subscription.Id)" />
                  <cache-lookup vary-by-developer="false" vary-by-developer-groups="false"><vary-by-header>Authorization</vary-by-header></cache-lookup>
                </inbound>
              </policies>

            """
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", "routes:\n", policy + "routes:\n")])
        let cases: [(edit: (String, String), expected: String)] = [
            (("<application-id>11111111-2222-3333-4444-555555555555</application-id>", "<application-id>11111111-2222-3333-4444-555555555555</application-id><application-id>33333333-2222-3333-4444-555555555555</application-id>"),
             "privilege-increase: the raw policy of API 'catalog' lets 'validate-azure-ad-token' accept backend application '33333333-2222-3333-4444-555555555555'"),
            ((#"clock-skew="60""#, #"clock-skew="60" require-expiration-time="false""#),
             "privilege-increase: the raw policy of API 'catalog' lets 'validate-jwt' accept tokens without an expiration time"),
            ((#"clock-skew="60""#, #"clock-skew="86400""#), "privilege-increase: the raw policy of API 'catalog' lets 'validate-jwt' accept tokens up to 86400 seconds past their expiry"),
            // Every way one check is wider is named, not the first alone (audit V33: a new
            // issuer's keys were hidden behind an audience added).
            ((#"clock-skew="60">\#n        <openid-config url="https://login.example.com/.well-known/openid-configuration" />\#n        <audiences><audience>api://catalog</audience>"#,
              #"clock-skew="600">\#n        <openid-config url="https://evil.example/.well-known/openid-configuration" />\#n        <audiences><audience>anything</audience>"#),
             "privilege-increase: the raw policy of API 'catalog' lets 'validate-jwt' accept tokens up to 600 seconds past their expiry, audience 'anything' and signing keys of 'https://evil.example/.well-known/openid-configuration'"),
            ((#"validate-revocation="true""#, #"validate-revocation="false""#), "privilege-increase: the raw policy of API 'catalog' lets 'validate-client-certificate' accept revoked certificates"),
            (("</identities>", #"<identity thumbprint="0000BBBBCCCCDDDDEEEEFFFF0000111122223333" /></identities>"#),
             "privilege-increase: the raw policy of API 'catalog' lets 'validate-client-certificate' accept certificate identity 'thumbprint=0000bbbbccccddddeeeeffff0000111122223333'"),
            ((#"ignore-case="false""#, #"ignore-case="true""#), "privilege-increase: the raw policy of API 'catalog' lets 'check-header' accept its values in any letter case"),
            (("<value>web</value>", ""), "privilege-increase: the raw policy of API 'catalog' lets 'check-header' accept any header value (the list was removed or emptied)"),
            ((#"<api name="catalog" calls="50""#, #"<api name="catalog" calls="5000""#),
             "looser-limit: the raw policy of API 'catalog' raises the budget of 'rate-limit' for api 'catalog' to 5000 calls per 60s from 50 per 60s"),
            // A number an expression writes out is read (audit V96).
            ((#"calls="10" renewal-period="60""#, #"calls="@(1000000)" renewal-period="60""#),
             "looser-limit: the raw policy of API 'catalog' raises the budget of 'rate-limit-by-key' to 1000000 calls per 60s from 10 per 60s"),
            ((#"calls="10" renewal-period="60""#, #"calls="@(int.Parse((string)context.Variables[&quot;n&quot;]))" renewal-period="60""#),
             "looser-limit: the raw policy of API 'catalog' makes the calls budget of 'rate-limit-by-key' one not known here"),
            ((#"calls="10" renewal-period="60" counter-key="@(context.Subscription.Id)""#, #"calls="10" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tenant&quot;,&quot;&quot;))""#),
             "looser-limit: the raw policy of API 'catalog' counts 'rate-limit-by-key' by a key callers choose, so each may count anew as often as it likes"),
            // Through a variable the caller writes (the audit of the fixes).
            ((#"calls="10" renewal-period="60" counter-key="@(context.Subscription.Id)""#, #"calls="10" renewal-period="60" counter-key="@((string)context.Variables[&quot;tenant&quot;])""#),
             "looser-limit: the raw policy of API 'catalog' counts 'rate-limit-by-key' by a key callers choose, so each may count anew as often as it likes"),
            // A key that tells callers apart more finely (audit V36: a shared key made one per
            // address was "the raw policy changed").
            ((#"renewal-period="60" counter-key="@(context.Subscription.Id)" />"#, #"renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#),
             "looser-limit: the raw policy of API 'catalog' counts 'rate-limit-by-key' with a counter per address a caller sends from instead of a counter per application, so a caller may make more calls"),
            ((#"calls="10" renewal-period="60" counter-key="@(context.Subscription.Id)""#,
              #"calls="10" renewal-period="60" counter-key="@(context.Request.Headers.ContainsKey(&quot;X-Gold&quot;) ? &quot;gold&quot; : context.Subscription.Id)""#),
             "looser-limit: the raw policy of API 'catalog' counts 'rate-limit-by-key' by a key callers choose, so each may pick the counter it is counted on"),
            ((#"<quota-by-key calls="10000" bandwidth"#, #"<quota-by-key bandwidth"#), "looser-limit: the raw policy of API 'catalog' no longer bounds the calls of 'quota-by-key'"),
            ((#"bandwidth="40000""#, #"bandwidth="40000000""#), "looser-limit: the raw policy of API 'catalog' raises the bandwidth of 'quota-by-key' to 40000000 KB per 3600s from 40000 per 3600s"),
            (("<vary-by-header>Authorization</vary-by-header>", ""),
             "cache-widened: the raw policy of API 'catalog' makes 'cache-lookup' no longer vary on header 'authorization': requests that differ in it share cached answers"),
            // Found by the audit of the fixes: a setting made an expression may be off, and
            // a header that holds a credential has its values compared, not quoted (an
            // XML reference in one read as '&' was quoted in clear).
            ((#"<cache-lookup vary-by-developer="false""#, #"<cache-lookup vary-by-developer="true""#),
             "cache-widened: the raw policy of API 'catalog' makes 'cache-lookup' no longer vary on the developer: requests that differ in it share cached answers"),
            ((#"name="X-Channel" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>web</value>"#,
              #"name="X-Api-Key" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>web</value><value>Tr0ub4dor&amp;3horse</value>"#),
             "privilege-increase: the raw policy of API 'catalog' lets 'check-header' accept another value of header 'X-Api-Key'"),
            // A header the policy sets before the check reads it, in any letter case or in a
            // branch, makes the check judge the policy's value (forty-sixth round).
            ((#"<check-header name="X-Channel""#, #"<choose><when condition="@(true)"><set-header name="x-channel" exists-action="skip"><value>web</value></set-header></when></choose><check-header name="X-Channel""#),
             "privilege-increase: the raw policy of API 'catalog' turns 'check-header' into a check that lets callers through or checks only some requests"),
            ((#"<validate-azure-ad-token tenant-id"#, #"<set-header name="Authorization" exists-action="override"><value>{{api-client-id}}</value></set-header><validate-azure-ad-token tenant-id"#),
             "privilege-increase: the raw policy of API 'catalog' turns 'validate-azure-ad-token' into a check that lets callers through or checks only some requests"),
        ]
        for (edit, expected) in cases {
            // The developer case starts from a lookup that varies on the developer, then
            // makes that an expression.
            let start = edit.1.contains(#"vary-by-developer="true""#) ? try copy(of: base, [("apis/catalog.yaml", edit.0, edit.1)]) : base
            let head = edit.1.contains(#"vary-by-developer="true""#)
                ? try copy(of: start, [("apis/catalog.yaml", #"vary-by-developer="true""#, #"vary-by-developer="@(false)""#)])
                : try copy(of: base, [("apis/catalog.yaml", edit.0, edit.1)])
            // The secrets some edits write are weighed as new findings too (audit V52;
            // testAFindingSilencedInTheSameChangeIsWeighed).
            XCTAssertEqual(try gate(start, head).filter { !$0.hasPrefix("privilege-increase: a new SE001 finding") }, [expected], "\(edit.1)")
            XCTAssertFalse(try ToolProcess.run(["diff", start.path, head.path]).stdout.contains("Tr0ub4dor"), "\(edit.1)")
        }
        // Made stricter or written otherwise, each passes the gate: a thumbprint or an API's
        // name in another letter case, a counter keyed on something callers do not choose.
        let stricter = try copy(of: base, [
            (#"clock-skew="60""#, #"clock-skew="0""#), (#"<api name="catalog" calls="50""#, #"<api name="Catalog" calls="5""#),
            (#"vary-by-developer="false""#, #"vary-by-developer="true""#), ("9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B", "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"),
            (#"counter-key="@(context.Subscription.Id)" />"#, #"counter-key="@(context.Subscription?.Id)" />"#),
        ].map { ("apis/catalog.yaml", $0.0, $0.1) })
        try passes(base, stricter)
        let shared = try copy(of: base, [("apis/catalog.yaml", #"renewal-period="60" counter-key="@(context.Subscription.Id)" />"#, #"renewal-period="60" counter-key="catalog-all" />"#)])
        try passes(base, shared)
        // What is the same for every caller is still one counter (audit V42), but another
        // one: APIM keeps a counter per key value across every statement that counts by it,
        // so a key of the same kind changed may leave a counter other routes share (audit
        // V55: a route's own prefix before the subscription passed as "other").
        let unshared = "looser-limit: the raw policy of API 'catalog' counts 'rate-limit-by-key' by another key, which may leave a counter other statements share or tell callers apart more finely, so a caller may make more calls"
        XCTAssertEqual(
            try gate(shared, try copy(of: shared, [("apis/catalog.yaml", #"counter-key="catalog-all""#, #"counter-key="@(&quot;all-&quot; + context.Api.Name + context.Deployment.Region)""#)])),
            [unshared])
        XCTAssertEqual(
            try gate(base, try copy(of: base, [("apis/catalog.yaml", #"counter-key="@(context.Subscription.Id)" />"#, #"counter-key="@(&quot;create:&quot; + context.Subscription.Id)" />"#)])),
            [unshared, unshared.replacing("'rate-limit-by-key'", with: "'quota-by-key'")])
        // From one counter for every caller to one per user however written, or per value of
        // what a key reads that is not known here (audit V41: `?.` and variables passed).
        for (key, counting) in [("@(context.User?.Id)", "a counter per user"), (#"@((string)context.Variables[&quot;region&quot;])"#, "a counter for each value of what its expression reads")] {
            let finer = try copy(of: shared, [("apis/catalog.yaml", #"counter-key="catalog-all""#, #"counter-key="\#(key)""#)])
            XCTAssertEqual(
                try gate(shared, finer),
                ["looser-limit: the raw policy of API 'catalog' counts 'rate-limit-by-key' with \(counting) instead of one counter for every caller, so a caller may make more calls"])
        }
    }

    /// A header set on the request by another policy, or by the definitions, before a
    /// check reads it makes the check judge the gateway's value, though the check's own
    /// policy did not change: an API policy's `set-header` runs at the route's `<base />`,
    /// before the route's `check-header` (the audit of the forty-sixth round's fixes).
    /// Where the header is set after the check, or on another message, nothing widens.
    func testAHeaderAnotherPolicySetsBeforeACheckIsWeighed() throws {
        let check = """
                policy: |
                  <policies>
                    <inbound>
                      <base />
                      <check-header name="X-Channel" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>web</value></check-header>
                    </inbound>
                  </policies>

            """
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n" + check)])
        let setter = #"<set-header name="x-channel" exists-action="override"><value>web</value></set-header>"#
        let widened = "privilege-increase: the raw policy of route 'catalog/get-product' turns 'check-header' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it"
        let apiPolicy = { (statements: String) in "policy: |\n  <policies>\n    <inbound>\n      <base />\n      \(statements)\n    </inbound>\n  </policies>\nroutes:\n" }
        // The API's policy, the gateway's, a fragment the API includes, the route's own
        // definitions.
        let newAPIPolicy = "other: API 'catalog' now has a raw policy; review what it does"
        XCTAssertEqual(try gate(base, try copy(of: base, [("apis/catalog.yaml", "routes:\n", apiPolicy(setter))])), [widened, newAPIPolicy])
        XCTAssertEqual(
            try gate(base, try copy(of: base, [("gateway.yaml", "namedValues:\n", "policy: |\n  <policies><inbound>\(setter)</inbound></policies>\nnamedValues:\n")])),
            [widened, "other: the gateway now has a raw policy; review what it does"])
        let fragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: channel\npolicy: |\n  <fragment>\(setter)</fragment>\n"
        let included = try copy(of: base, [("fragments.yaml", "", fragment)])
        XCTAssertEqual(try gate(included, try copy(of: included, [("apis/catalog.yaml", "routes:\n", apiPolicy(#"<include-fragment fragment-id="channel" />"#))])), [widened, newAPIPolicy])
        XCTAssertEqual(
            try gate(base, try copy(of: base, [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    request: {headers: {set: {X-Channel: web}}}\n    policy")])),
            [widened, "other: route 'catalog/get-product' changes what its backend receives (headers, query or rewrite)"])
        // An API's check, and a route's policy setting the header before its `<base />`.
        let apiCheck = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", "routes:\n", apiPolicy(#"<check-header name="X-Channel" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>web</value></check-header>"#))])
        let routeFirst = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: |\n      <policies><inbound>\(setter)<base /></inbound></policies>\n"
        XCTAssertEqual(
            try gate(apiCheck, try copy(of: apiCheck, [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", routeFirst)])),
            [
                "privilege-increase: the raw policy of API 'catalog' turns 'check-header' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it",
                "other: route 'catalog/get-product' now has a raw policy; review what it does",
            ])
        // Set after the API's check has run, or on the answer: the check still judges the caller's.
        let routeAfter = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: |\n      <policies><inbound><base />\(setter)</inbound></policies>\n"
        try passes(apiCheck, try copy(of: apiCheck, [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", routeAfter)]))
        let outbound = "policy: |\n  <policies>\n    <inbound><base /></inbound>\n    <outbound><base />\(setter)</outbound>\n  </policies>\nroutes:\n"
        try passes(base, try copy(of: base, [("apis/catalog.yaml", "routes:\n", outbound)]))
        // The definitions' changes are generated after the route's `<base />`: a check before
        // it, or in the API's policy, runs first and judges the caller's (the audit of the
        // round: both were called weakened). After `<base />`, as above, it is weighed.
        let declared = "    request: {headers: {set: {X-Channel: web}}}\n"
        let checkFirst = try copy(of: base, [("apis/catalog.yaml", "          <base />\n          <check-header name=\"X-Channel\" failed-check-httpcode=\"403\" failed-check-error-message=\"no\" ignore-case=\"false\"><value>web</value></check-header>\n", "          <check-header name=\"X-Channel\" failed-check-httpcode=\"403\" failed-check-error-message=\"no\" ignore-case=\"false\"><value>web</value></check-header>\n          <base />\n")])
        try passes(checkFirst, try copy(of: checkFirst, [("apis/catalog.yaml", "    policy: |\n", declared + "    policy: |\n")]))
        try passes(apiCheck, try copy(of: apiCheck, [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n" + declared)]))
        // A `<base />` only inside a `choose` is no place for them: the build puts them first,
        // before the check (the audit of the fix let this through).
        let chosenBase = try copy(of: checkFirst, [("apis/catalog.yaml", "          <base />\n        </inbound>", "          <choose><when condition=\"@(context.Request.Method == &quot;GET&quot;)\"><base /></when><otherwise><base /></otherwise></choose>\n        </inbound>")])
        XCTAssertEqual(
            try gate(chosenBase, try copy(of: chosenBase, [("apis/catalog.yaml", "    policy: |\n", declared + "    policy: |\n")])),
            [widened, "other: route 'catalog/get-product' changes what its backend receives (headers, query or rewrite)"])

        // Found by the audit of the fix: a fragment's text changed under an include alike on
        // both sides (each side reads its own fragments), the route's own include of it
        // before the check, a check in a fragment after which the route now sets the header,
        // a check named by an expression not read here, and a token read from a query
        // parameter the definitions set.
        let changedFragment = "privilege-increase: the raw policy of route 'catalog/get-product' turns 'check-header' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it"
        let quiet = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: channel\npolicy: |\n  <fragment><set-header name=\"X-Other\" exists-action=\"override\"><value>web</value></set-header></fragment>\n"
        let includedQuietly = try copy(of: base, [("fragments.yaml", "", quiet), ("apis/catalog.yaml", "routes:\n", apiPolicy(#"<include-fragment fragment-id="channel" />"#))])
        XCTAssertEqual(
            try gate(includedQuietly, try copy(of: includedQuietly, [("fragments.yaml", "X-Other", "X-Channel")])),
            [changedFragment, "other: the raw policy of fragment 'channel' changed; review what it does"])
        let routeIncludes = try copy(of: base, [("fragments.yaml", "", quiet), ("apis/catalog.yaml", "          <base />\n          <check-header", "          <base />\n          <include-fragment fragment-id=\"channel\" />\n          <check-header")])
        XCTAssertEqual(
            try gate(routeIncludes, try copy(of: routeIncludes, [("fragments.yaml", "X-Other", "X-Channel")])),
            [changedFragment, "other: the raw policy of fragment 'channel' changed; review what it does"])
        let checkFragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: chk\npolicy: |\n  <fragment><check-header name=\"X-Channel\" failed-check-httpcode=\"403\" failed-check-error-message=\"no\" ignore-case=\"false\"><value>web</value></check-header></fragment>\n"
        let checkIncluded = try copy(of: BundleTests.contoso, [
            ("fragments.yaml", "", checkFragment),
            ("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><base /><include-fragment fragment-id=\"chk\" /></inbound></policies>'\n"),
        ])
        XCTAssertEqual(
            try gate(checkIncluded, try copy(of: checkIncluded, [("apis/catalog.yaml", "<base /><include-fragment", "<base />\(setter)<include-fragment")])),
            [
                "privilege-increase: the raw policy of fragment 'chk' turns 'check-header' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it",
                "other: the raw policy of route 'catalog/get-product' changed; review what it does",
            ])
        // An `exists-action` a named value gives is read with its value (the audit of the fix).
        let deleting = try copy(of: base, [
            ("apis/catalog.yaml", "routes:\n", apiPolicy(#"<set-header name="X-Channel" exists-action="{{channel-action}}"><value>web</value></set-header>"#)),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  channel-action: delete\n"),
        ])
        XCTAssertEqual(
            try gate(deleting, try copy(of: deleting, [("gateway.yaml", "  channel-action: delete\n", "  channel-action: override\n")])),
            [widened, "other: the raw policy of API 'catalog' reads named values that changed; review what it does with them"])
        let expressionNamed = try copy(of: base, [("apis/catalog.yaml", #"<check-header name="X-Channel""#, #"<check-header name="@(&quot;X-&quot; + &quot;Channel&quot;)""#)])
        XCTAssertEqual(try gate(expressionNamed, try copy(of: expressionNamed, [("apis/catalog.yaml", "routes:\n", apiPolicy(setter))])), [widened, newAPIPolicy])
        let queryToken = try copy(of: base, [(
            "apis/catalog.yaml", #"<check-header name="X-Channel" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>web</value></check-header>"#,
            #"<validate-jwt query-parameter-name="access_token"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://catalog</audience></audiences></validate-jwt>"#
        )])
        // The token written out is a secret committed too (audit V52).
        XCTAssertEqual(
            try gate(queryToken, try copy(of: queryToken, [("apis/catalog.yaml", "    policy: |\n      <policies>", "    request: {query: {set: {access_token: gateway-token}}}\n    policy: |\n      <policies>")])),
            [
                "privilege-increase: a new SE001 finding: this value looks like a credential",
                "privilege-increase: the raw policy of route 'catalog/get-product' turns 'validate-jwt' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it",
                "other: route 'catalog/get-product' changes what its backend receives (headers, query or rewrite)",
            ])
        // The query a route's 'rewrite' writes, as a raw 'rewrite-uri''s is read (audit N1).
        XCTAssertEqual(
            try gate(queryToken, try copy(of: queryToken, [("apis/catalog.yaml", "    policy: |\n      <policies>", "    rewrite: {path: '/products/{sku}?access_token=gateway-token'}\n    policy: |\n      <policies>")])),
            [
                "privilege-increase: a new SE001 finding: this value looks like a credential",
                "privilege-increase: the raw policy of route 'catalog/get-product' turns 'validate-jwt' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it",
                "other: route 'catalog/get-product' changes what its backend receives (headers, query or rewrite)",
            ])
    }

    /// A fragment's check is met by what is set before it: in the fragment, by the
    /// statements before it, and where a policy includes it, before the include. A header
    /// the fragment now sets after its check, or another API sets on its own requests, was
    /// taken for one set first (audit N4); set before the check, in the fragment or before
    /// the include of any route, it still is.
    func testAHeaderSetAfterAFragmentsCheckIsNotSetBeforeIt() throws {
        let check = #"<check-header name="X-Channel" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>web</value></check-header>"#
        let setter = #"<set-header name="x-channel" exists-action="override"><value>web</value></set-header>"#
        let cache = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n"
        let includes = "    policy: '<policies><inbound><base /><include-fragment fragment-id=\"chk\" /></inbound></policies>'\n"
        let base = try copy(of: BundleTests.contoso, [
            ("fragments.yaml", "", "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: chk\npolicy: |\n  <fragment>\(check)</fragment>\n"),
            ("apis/catalog.yaml", cache, cache + includes),
        ])
        try passes(base, try copy(of: base, [("fragments.yaml", "</check-header>", "</check-header>\(setter)")]))
        try passes(base, try copy(of: base, [("apis/catalog.yaml", "<include-fragment fragment-id=\"chk\" />", "<include-fragment fragment-id=\"chk\" />\(setter)")]))
        try passes(base, try copy(of: base, [("apis/orders.yaml", "routes:\n", "policy: '<policies><inbound><base />\(setter)</inbound></policies>'\nroutes:\n")]))
        XCTAssertEqual(
            try gate(base, try copy(of: base, [("fragments.yaml", "<fragment><check-header", "<fragment>\(setter)<check-header")])),
            ["privilege-increase: the raw policy of fragment 'chk' turns 'check-header' into a check that lets callers through or checks only some requests"])
    }

    /// A token check given its token by an expression (`token-value`) reads the headers and
    /// query parameters it names, as lint reads them: another policy, or the definitions,
    /// now setting one before it makes it judge the gateway's value (the audit of the
    /// forty-seventh round: only the API policy's change was reported, as `other`). A header
    /// it does not read, set so, passes.
    func testATokenValueReadingAHeaderAnotherPolicySetsIsWeighed() throws {
        let check = """
                policy: |
                  <policies>
                    <inbound>
                      <base />
                      <validate-jwt token-value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tok&quot;,&quot;&quot;))"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://catalog</audience></audiences></validate-jwt>
                    </inbound>
                  </policies>

            """
        let cache = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n"
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", cache, cache + check)])
        let apiPolicy = { (name: String) in
            "policy: |\n  <policies>\n    <inbound>\n      <base />\n      <set-header name=\"\(name)\" exists-action=\"override\"><value>{{tenant-id}}</value></set-header>\n    </inbound>\n  </policies>\nroutes:\n"
        }
        XCTAssertEqual(
            try gate(base, try copy(of: base, [("apis/catalog.yaml", "routes:\n", apiPolicy("x-tok"))])),
            [
                "privilege-increase: the raw policy of route 'catalog/get-product' turns 'validate-jwt' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it",
                "other: API 'catalog' now has a raw policy; review what it does",
            ])
        try passes(base, try copy(of: base, [("apis/catalog.yaml", "routes:\n", apiPolicy("X-Other"))]))
        // The header named by a named value known here, read with its value (the audit of the
        // round: such a check was taken for one of a token the policy gives, and neither
        // lint nor the gate weighed the header set before it).
        let named = try copy(of: base, [
            ("apis/catalog.yaml", "GetValueOrDefault(&quot;X-Tok&quot;", "GetValueOrDefault(&quot;{{token-header}}&quot;"),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  token-header: X-Tok\n"),
        ])
        let namedHead = try copy(of: named, [("apis/catalog.yaml", "routes:\n", apiPolicy("x-tok"))])
        XCTAssertEqual(
            try gate(named, namedHead),
            [
                "privilege-increase: the raw policy of route 'catalog/get-product' turns 'validate-jwt' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it",
                "other: API 'catalog' now has a raw policy; review what it does",
            ])
        let lint = try ToolProcess.run(["lint", namedHead.path])
        XCTAssertTrue(lint.stdout.contains("replaces the caller's token before the token check of route 'get-product'"), lint.stdout)
        // Through a variable that holds the caller's token, which lint reads too (the audit of
        // the round: lint reported it, the gate passed it as `other`).
        let throughVariable = try copy(of: base, [(
            "apis/catalog.yaml", #"<validate-jwt token-value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tok&quot;,&quot;&quot;))">"#,
            #"<set-variable name="tok" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tok&quot;,&quot;&quot;))" /><validate-jwt token-value="@((string)context.Variables[&quot;tok&quot;])">"#
        )])
        XCTAssertEqual(
            try gate(throughVariable, try copy(of: throughVariable, [("apis/catalog.yaml", "routes:\n", apiPolicy("x-tok"))])),
            [
                "privilege-increase: the raw policy of route 'catalog/get-product' turns 'validate-jwt' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it",
                "other: API 'catalog' now has a raw policy; review what it does",
            ])
        // A query parameter read by name, which the route's definitions now set.
        let queryToken = try copy(of: base, [("apis/catalog.yaml", "context.Request.Headers.GetValueOrDefault(&quot;X-Tok&quot;,&quot;&quot;)", "context.Request.Url.Query.GetValueOrDefault(&quot;tok&quot;,&quot;&quot;)")])
        XCTAssertEqual(
            try gate(queryToken, try copy(of: queryToken, [("apis/catalog.yaml", "    policy: |\n      <policies>", "    request: {query: {set: {tok: gateway-token}}}\n    policy: |\n      <policies>")])),
            [
                "privilege-increase: the raw policy of route 'catalog/get-product' turns 'validate-jwt' into a check that lets callers through or checks only some requests through request headers or query parameters another policy or the definitions set before it",
                "other: route 'catalog/get-product' changes what its backend receives (headers, query or rewrite)",
            ])
    }

    /// A check whose header a policy now sets before it is a privilege increase also where
    /// another check of the same name is added beside it, which the counts alone took for
    /// the one added (audit V13), told by the header it checks, not its text (audit V14: a
    /// changed error message hid it), and where the header is set at the top of every
    /// branch of a `choose` before the same check, read as one statement (audit V13), or
    /// deeper in those statements (audit V14: inside a `retry`).
    func testAHeaderSetBeforeACheckIsWeighedBesideAnotherCheckAndInEveryBranch() throws {
        let check = { (header: String, value: String) in
            #"<check-header name="\#(header)" failed-check-httpcode="401" failed-check-error-message="no" ignore-case="false"><value>\#(value)</value></check-header>"#
        }
        let key = check("X-Key", "{{tenant-id}}")
        let setter = #"<set-header name="X-Key" exists-action="override"><value>{{tenant-id}}</value></set-header>"#
        let cache = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n"
        func route(_ statements: String) -> String {
            cache + "    policy: '<policies><inbound><base />\(statements)</inbound></policies>'\n"
        }
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", cache, route(key))])
        for turned in [key, key.replacingOccurrences(of: #"failed-check-error-message="no""#, with: #"failed-check-error-message="denied""#)] {
            let beside = try copy(of: base, [("apis/catalog.yaml", route(key), route(setter + turned + check("X-Key2", "open")))])
            XCTAssertEqual(
                try gate(base, beside),
                ["privilege-increase: the raw policy of route 'catalog/get-product' turns 'check-header' into a check that lets callers through or checks only some requests"])
        }
        let branches = #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Beta&quot;))">"# + setter + key + "</when><otherwise>" + setter + key + "</otherwise></choose>"
        let everyBranch = try copy(of: base, [("apis/catalog.yaml", route(key), route(branches))])
        XCTAssertTrue(try gate(base, everyBranch).contains { $0.hasPrefix("privilege-increase:") })
        let retried = #"<retry condition="@(false)" count="1" interval="1">"# + setter + "</retry>"
        let deeper = try copy(of: base, [("apis/catalog.yaml", route(key), route(branches.replacingOccurrences(of: setter, with: retried)))])
        XCTAssertTrue(try gate(base, deeper).contains { $0.hasPrefix("privilege-increase:") })
        // A copy of the check added for some requests, beside the one kept, turns nothing.
        let forSome = #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Beta&quot;))">"# + key + "</when></choose>"
        try passes(base, try copy(of: base, [("apis/catalog.yaml", route(key), route(key + forSome))]))
    }

    /// A limit turned into one that counts nothing beside another added is told by its
    /// counter key (audit V14: with its text changed, the pair passed as `other`).
    func testALimitTurnedBesideAnotherAddedIsALooserLimit() throws {
        let limit = #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#
        let off = limit.replacingOccurrences(of: " />", with: #" increment-condition="@(false)" />"#)
        let added = #"<rate-limit-by-key calls="100000" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#
        let cache = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n"
        func route(_ statements: String) -> String {
            cache + "    policy: '<policies><inbound><base />\(statements)</inbound></policies>'\n"
        }
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", cache, route(limit))])
        let head = try copy(of: base, [("apis/catalog.yaml", route(limit), route(off + added))])
        XCTAssertTrue(try gate(base, head).contains { $0.hasPrefix("looser-limit:") })
    }

    /// A check of a header a secret names, as its `header-name` or read by its
    /// `token-value`, checks some header of the caller's: a header set before it, whatever
    /// its name, may be the one it checks, in the gate and in lint (audit V9: a token-value
    /// passed the gate as `other`, and lint took it for no check; audit V10: the gate took
    /// the secret's reference in a `header-name` for a header of that name). One set after
    /// it is not.
    func testAHeaderASecretNamesForACheckIsWeighed() throws {
        let audiences = #"<openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://catalog</audience></audiences></validate-jwt>"#
        let setter = #"<set-header name="X-Anything" exists-action="override"><value>{{tenant-id}}</value></set-header>"#
        let cache = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n"
        func route(_ statements: String) -> String {
            cache + "    policy: '<policies><inbound><base />\(statements)</inbound></policies>'\n"
        }
        for check in [
            #"<validate-jwt token-value="@(context.Request.Headers.GetValueOrDefault(&quot;{{token-header}}&quot;,&quot;&quot;))">"# + audiences,
            #"<validate-jwt header-name="{{token-header}}">"# + audiences,
            // A variable copying the header (audit V10).
            #"<set-variable name="tok" value="@(context.Request.Headers.GetValueOrDefault(&quot;{{token-header}}&quot;,&quot;&quot;))" />"#
                + #"<validate-jwt token-value="@((string)context.Variables[&quot;tok&quot;])">"# + audiences,
        ] {
            let base = try copy(of: BundleTests.contoso, [
                ("apis/catalog.yaml", cache, route(check)),
                ("gateway.yaml", "secrets:\n", "secrets:\n  token-header: {keyVault: https://contoso-kv.vault.azure.net/secrets/token-header}\n"),
            ])
            let head = try copy(of: base, [("apis/catalog.yaml", route(check), route(setter + check))])
            XCTAssertEqual(
                try gate(base, head),
                ["privilege-increase: the raw policy of route 'catalog/get-product' turns 'validate-jwt' into a check that lets callers through or checks only some requests"])
            let lint = try ToolProcess.run(["lint", head.path])
            XCTAssertTrue(lint.stdout.contains("raw 'set-header' in route 'catalog/get-product' replaces the caller's token before the token check of route 'get-product'"), lint.stdout)
            XCTAssertFalse(lint.stdout.contains("accepts requests without a token"), lint.stdout)
            try passes(base, try copy(of: base, [("apis/catalog.yaml", route(check), route(check + setter))]))
        }
    }

    /// A variable holding the caller's token holds what its setter read: a header replaced
    /// before the setter makes its check judge the gateway's value, one replaced after the
    /// check does not. The gate weighs a variable by every place its setters read, whatever
    /// their order, for a setter it does not walk (in a fragment alike on both sides, in a
    /// broader policy) may copy after the header is replaced (audit V10 found a gate that
    /// followed the setters it met let that through): a header replaced after the setter is
    /// a privilege increase for the gate, where lint, which follows every setter, is quiet.
    func testAVariableHoldsTheHeaderAsItsSetterFoundIt() throws {
        let setter = #"<set-variable name="tok" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Tok&quot;,&quot;&quot;))" />"#
        let check = #"<validate-jwt token-value="@((string)context.Variables[&quot;tok&quot;])"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://catalog</audience></audiences></validate-jwt>"#
        let replaced = #"<set-header name="X-Tok" exists-action="override"><value>{{tenant-id}}</value></set-header>"#
        let cache = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n"
        func route(_ statements: String) -> String {
            cache + "    policy: '<policies><inbound><base />\(statements)</inbound></policies>'\n"
        }
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", cache, route(setter + check))])
        let replacedFirst = try copy(of: base, [("apis/catalog.yaml", route(setter + check), route(replaced + setter + check))])
        XCTAssertEqual(
            try gate(base, replacedFirst),
            [
                "privilege-increase: the raw policy of route 'catalog/get-product' turns 'validate-jwt' into a check that lets callers through or checks only some requests"
            ])
        let lint = try ToolProcess.run(["lint", replacedFirst.path])
        XCTAssertTrue(lint.stdout.contains("replaces the caller's token before the token check of route 'get-product'"), lint.stdout)
        let setAfter = try copy(of: base, [("apis/catalog.yaml", route(setter + check), route(setter + check + replaced))])
        try passes(base, setAfter)
        XCTAssertFalse(try ToolProcess.run(["lint", setAfter.path]).stdout.contains("replaces the caller's token"))
        let setBefore = try copy(of: base, [("apis/catalog.yaml", route(setter + check), route(setter + replaced + check))])
        XCTAssertEqual(try gate(base, setBefore).first?.hasPrefix("privilege-increase:"), true)
        XCTAssertFalse(try ToolProcess.run(["lint", setBefore.path]).stdout.contains("replaces the caller's token"))
        // A fragment alike on both sides copies the header again after the replacement.
        let fragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: copy-token\npolicy: '<fragment>\(setter)</fragment>'\n"
        let include = #"<include-fragment fragment-id="copy-token" />"#
        let withFragment = try copy(of: base, [("apis/catalog.yaml", route(setter + check), route(setter + include + check)), ("copy-token.yaml", "", fragment)])
        let recopied = try copy(of: withFragment, [("apis/catalog.yaml", route(setter + include + check), route(setter + replaced + include + check))])
        XCTAssertEqual(
            try gate(withFragment, recopied),
            [
                "privilege-increase: the raw policy of route 'catalog/get-product' turns 'validate-jwt' into a check that lets callers through or checks only some requests"
            ])
        XCTAssertTrue(try ToolProcess.run(["lint", recopied.path]).stdout.contains("replaces the caller's token"))
    }

    /// A check the gate takes for judging a value a policy set before it (a variable
    /// copied before its header is replaced, which the gate does not read in order; a
    /// header a secret names set first) is still weighed as the check it is: widened or
    /// removed, it is a privilege increase (audit V11: filed as a check that lets callers
    /// through, it was widened and removed as `other`). Moved into a broader policy behind
    /// a setter, it is one too (audit V12: a first fix, counting such checks apart, let the
    /// move through as `other`).
    func testACheckTakenForJudgingAValueSetBeforeItIsStillWeighed() throws {
        func check(_ audiences: String) -> String {
            #"<validate-jwt token-value="@((string)context.Variables[&quot;tok&quot;])"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences>\#(audiences)</audiences></validate-jwt>"#
        }
        let audience = "<audience>api://catalog</audience>"
        let setter = #"<set-variable name="tok" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;&quot;))" />"#
        let replaced = #"<set-header name="Authorization" exists-action="override"><value>{{tenant-id}}</value></set-header>"#
        let cache = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n"
        func route(_ statements: String) -> String {
            cache + "    policy: '<policies><inbound><base />\(statements)</inbound></policies>'\n"
        }
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", cache, route(setter + replaced + check(audience)))])
        let widened = try copy(of: base, [("apis/catalog.yaml", audience + "</audiences>", audience + "<audience>api://other</audience></audiences>")])
        XCTAssertTrue(try gate(base, widened).contains { $0.hasPrefix("privilege-increase: the raw policy of route 'catalog/get-product' lets 'validate-jwt' accept audience") })
        let removed = try copy(of: base, [("apis/catalog.yaml", route(setter + replaced + check(audience)), route(setter + replaced))])
        XCTAssertTrue(try gate(base, removed).contains { $0.hasPrefix("privilege-increase: the raw policy of route 'catalog/get-product' removes 'validate-jwt'") })
        // The check of an API's only route moved into the API's policy, after a header it
        // reads is set.
        let jwtAlone = check(audience).replacingOccurrences(of: #"token-value="@((string)context.Variables[&quot;tok&quot;])""#, with: #"header-name="Authorization""#)
        let oneRoute = directory.appendingPathComponent("one-route")
        try FileManager.default.createDirectory(at: oneRoute, withIntermediateDirectories: true)
        try (RuleExample.baseGateway + "namedValues:\n  service-token: not-a-secret-here\n").write(to: oneRoute.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        func api(_ own: String, route: String) -> String {
            "apiVersion: portcullis/v1\nkind: API\nname: orders\npath: orders\nbackend: https://orders.example.com\nauth: none\n"
                + "policy: '<policies><inbound>\(own)<base /></inbound></policies>'\nroutes:\n  - id: list-orders\n    method: GET\n    path: /orders\n"
                + "    policy: '<policies><inbound><base />\(route)</inbound></policies>'\n"
        }
        try api("", route: jwtAlone).write(to: oneRoute.appendingPathComponent("api.yaml"), atomically: true, encoding: .utf8)
        let moved = try copy(of: oneRoute, [("api.yaml", "", api(replaced.replacingOccurrences(of: "{{tenant-id}}", with: "{{service-token}}") + jwtAlone, route: ""))])
        XCTAssertTrue(try gate(oneRoute, moved).contains { $0.hasPrefix("privilege-increase:") })
        // A header a secret names, set before a check of 'Authorization'.
        let named = #"<set-header name="{{token-header}}" exists-action="override"><value>{{tenant-id}}</value></set-header>"#
        let jwt = check(audience).replacingOccurrences(of: #"token-value="@((string)context.Variables[&quot;tok&quot;])""#, with: #"header-name="Authorization""#)
        let secretBase = try copy(of: BundleTests.contoso, [
            ("apis/catalog.yaml", cache, route(named + jwt)),
            ("gateway.yaml", "secrets:\n", "secrets:\n  token-header: {keyVault: https://contoso-kv.vault.azure.net/secrets/token-header}\n"),
        ])
        let secretWidened = try copy(of: secretBase, [("apis/catalog.yaml", audience + "</audiences>", audience + "<audience>api://other</audience></audiences>")])
        XCTAssertTrue(try gate(secretBase, secretWidened).contains { $0.hasPrefix("privilege-increase: the raw policy of route 'catalog/get-product' lets 'validate-jwt' accept audience") })
    }

    /// A bypass no comparison reads, with its finding silenced in the same change, passed
    /// `lint` and the gate alike (the round-24 audit of the gate): a copy of the request
    /// answered before the token check under a `portcullis:ignore` comment, Redis without
    /// TLS with RD002 turned off in `portcullis.yaml`. Each new finding HEAD silences is
    /// weighed by its rule's family. A public route whose gateway answer is dropped now
    /// sends callers with no token to its backend.
    func testAFindingSilencedInTheSameChangeIsWeighed() throws {
        let early = """
                policy: |
                  <policies>
                    <inbound>
                      <send-request mode="copy" response-variable-name="early" timeout="20"><set-url>https://catalog.internal.contoso.com/early</set-url></send-request>
                      <return-response response-variable-name="early" />
                      <base />
                    </inbound>
                  </policies>

            """
        let suppressed = try copy(of: BundleTests.contoso, [
            ("apis/catalog.yaml", "  - id: update-product\n", "  - id: update-product  # portcullis:ignore LP001 -- fast path\n"),
            ("apis/catalog.yaml", "    rewrite: {path: \"/products/{sku}/update\", method: POST}   # the catalogue backend takes updates as POST\n", early),
        ])
        XCTAssertTrue(
            try gate(BundleTests.contoso, suppressed).contains(
                "privilege-increase: a new LP001 finding is silenced by a 'portcullis:ignore' comment: raw 'return-response' in route 'catalog/update-product' may answer requests of route 'update-product' before its token check, so callers need no token"))
        let configured = try copy(of: BundleTests.contoso, [("gateway.yaml", "  tls: true", "  tls: false"), ("portcullis.yaml", "", "rules:\n  RD002: off\n")])
        XCTAssertTrue(
            try gate(BundleTests.contoso, configured).contains(
                "privilege-increase: a new RD002 finding is silenced by the configuration, which turns the rule off: Redis connections are not encrypted"))
        // Findings BASE had already, silenced or not, are no change.
        try passes(configured, configured)
        // A secret written in the change is out, silenced or not: a gate of `diff` alone
        // weighs it (audit V52: a key added passed as no change). One BASE had is none.
        let key = "Wq3Er4Ty5Ui6Op7Zx9Qw8Er7Ty6Ui5O"
        let committed = try copy(of: BundleTests.contoso, [("gateway.yaml", "namedValues:\n", "namedValues:\n  partner-api-key: \(key)\n")])
        let result = try ToolProcess.run(["diff", BundleTests.contoso.path, committed.path, "--fail-on", "privilege-increase"])
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("privilege increase: a new SE001 finding: this value looks like a credential"), result.stdout)
        XCTAssertFalse(result.stdout.contains(key), result.stdout)
        try passes(committed, committed)
        // One silenced secret swapped for another is a new one: the gateway's findings name
        // no value, so the count alone passed it (audit V58).
        let silenced = try copy(of: committed, [("gateway.yaml", "  partner-api-key: \(key)\n", "  partner-api-key: \(key)  # portcullis:ignore SE001 -- rotated monthly\n")])
        let swapped = try copy(of: silenced, [("gateway.yaml", "  partner-api-key: \(key)", "  partner-api-key: Zx9Qw8Er7Ty6Ui5OWq3Er4Ty5Ui6Op7")])
        XCTAssertEqual(
            try gate(silenced, swapped),
            ["privilege-increase: a new SE001 finding is silenced by a 'portcullis:ignore' comment: this value looks like a credential"])
        try passes(silenced, silenced)
        // A key at the end of a long comment: a digest of 64 lines left it out (audit V61).
        let notes = (0..<70).map { "        note \($0): the partner runbook lives in the wiki\n" }.joined()
        let noted = { (key: String) in
            [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n",
              "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: |\n      <policies><inbound><base />\n      <!-- portcullis:ignore SE001 - partner sandbox key -->\n      <!-- partner notes\n"
                + notes + "        apiKey: \(key)\n      -->\n      </inbound></policies>\n")]
        }
        XCTAssertTrue(
            try gate(try copy(of: BundleTests.contoso, noted(key)), try copy(of: BundleTests.contoso, noted("Zx9Qw8Er7Ty6Ui5OWq3Er4Ty5Ui6Op7")))
                .contains { $0.hasPrefix("privilege-increase: a new SE001 finding is silenced by a 'portcullis:ignore' comment") })
        // Written as a block, whose first line is every block's (audit V59).
        let block = try copy(of: committed, [("gateway.yaml", "  partner-api-key: \(key)\n", "  partner-api-key: |-  # portcullis:ignore SE001 -- rotated monthly\n    \(key)\n")])
        XCTAssertEqual(
            try gate(block, try copy(of: block, [("gateway.yaml", "    \(key)\n", "    Zx9Qw8Er7Ty6Ui5OWq3Er4Ty5Ui6Op7\n")])),
            ["privilege-increase: a new SE001 finding is silenced by a 'portcullis:ignore' comment: this value looks like a credential"])
        // The same block with CRLF line ends is the same secret (audit V62).
        let crlf = try copy(of: block, [])
        let gatewayFile = crlf.appendingPathComponent("gateway.yaml")
        try String(contentsOf: gatewayFile, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n").write(to: gatewayFile, atomically: true, encoding: .utf8)
        try passes(block, crlf)
        // Found by the audit of the fixes: a finding BASE silenced alike whose message now
        // reads otherwise (its route renamed) is none; a second one silenced by a comment of
        // its own beside one BASE silenced with the same message is; a silenced finding that
        // says nothing of access (an unused scope) is none.
        let renamed = try copy(of: suppressed, [("apis/catalog.yaml", "  - id: update-product  # portcullis:ignore LP001 -- fast path\n", "  - id: edit-product  # portcullis:ignore LP001 -- fast path\n")])
        XCTAssertFalse(try ToolProcess.run(["diff", suppressed.path, renamed.path]).stdout.contains("finding is silenced"))
        let first = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", "    summary: Read one product\n", "    summary: \"Sample token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl\"  # portcullis:ignore SE001 -- documented sample\n")])
        let second = try copy(of: first, [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    request: {headers: {set: {x-functions-key: \"kX9pQ2vLm7RtY4wZ\"}}}  # portcullis:ignore SE001 -- test key\n")])
        XCTAssertEqual(
            try gate(first, second).filter { $0.contains("finding is silenced") },
            ["privilege-increase: a new SE001 finding is silenced by a 'portcullis:ignore' comment: this value looks like a credential"])
        // Found by the audit of that fix: the same bypass on another route, under a comment
        // that says what BASE's did, is new; a finding the configuration silenced in BASE and
        // a comment silences now is the same.
        let elsewhere = try copy(of: suppressed, [(
            "apis/orders.yaml", "  - id: get-order\n",
            "  - id: get-order  # portcullis:ignore LP001 -- fast path\n    policy: '<policies><inbound><send-request mode=\"copy\" response-variable-name=\"early\" timeout=\"20\"><set-url>https://orders.internal.contoso.com/early</set-url></send-request><return-response response-variable-name=\"early\" /><base /></inbound></policies>'\n"
        )])
        XCTAssertTrue(
            try gate(suppressed, elsewhere).contains { $0.hasPrefix("privilege-increase: a new LP001 finding is silenced by a 'portcullis:ignore' comment: raw 'return-response' in route 'orders/get-order'") })
        let commented = try copy(of: configured, [("portcullis.yaml", "rules:\n  RD002: off\n", ""), ("gateway.yaml", "  tls: false", "  tls: false  # portcullis:ignore RD002 -- a private link")])
        XCTAssertFalse(try passes(configured, commented).contains("finding is silenced"))
        let unused = try copy(of: BundleTests.contoso, [("gateway.yaml", "scopes:\n", "scopes:\n  orders.export: {access: read, description: Export}  # portcullis:ignore LP006 -- soon\n")])
        XCTAssertFalse(try ToolProcess.run(["diff", BundleTests.contoso.path, unused.path]).stdout.contains("finding is silenced"))
        let answered = try copy(of: BundleTests.contoso, [("apis/orders.yaml", "    respond:                  # the gateway answers; probes never reach the backend\n      status: 200\n      headers: {Content-Type: application/json, Cache-Control: no-store}\n      body: '{\"status\":\"ok\"}'\n", "")])
        XCTAssertEqual(try gate(BundleTests.contoso, answered), ["privilege-increase: route 'orders/health' is public and now calls its backend instead of the gateway answering"])
        // A raw policy in a file of its own is its route's: a suppressed SE001 moved from one
        // route's file to another's is new (audit V49).
        let fileBase = try copy(of: BundleTests.contoso, [
            ("create.xml", "", "<policies><inbound><base />\n<!-- portcullis:ignore SE001 - sandbox key -->\n<set-header name=\"x-api-key\" exists-action=\"override\"><value>kX9pQ2vLm7RtY4wZ8sB3</value></set-header></inbound></policies>\n"),
            ("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: ../create.xml\n"),
        ])
        let movedAway = try copy(of: fileBase, [
            ("create.xml", "", "<policies><inbound><base /></inbound></policies>\n"),
            ("list.xml", "", "<policies><inbound><base />\n<!-- portcullis:ignore SE001 - sandbox key -->\n<set-header name=\"x-api-key\" exists-action=\"override\"><value>Zq8rT1wX5yU2iO9pA4sD</value></set-header></inbound></policies>\n"),
            ("apis/catalog.yaml", "    summary: Browse the catalogue\n", "    summary: Browse the catalogue\n    policy: ../list.xml\n"),
        ])
        XCTAssertEqual(
            try gate(fileBase, movedAway).filter { $0.contains("finding is silenced") },
            ["privilege-increase: a new SE001 finding is silenced by a 'portcullis:ignore' comment: this value looks like a credential"])
        // A file two routes share is theirs whatever their order (audit V50).
        let shared = try copy(of: fileBase, [("apis/catalog.yaml", "    summary: Browse the catalogue\n", "    summary: Browse the catalogue\n    policy: ../create.xml\n")])
        let reordered = try copy(of: shared, [])
        let catalog = reordered.appendingPathComponent("apis/catalog.yaml")
        let text = try String(contentsOf: catalog, encoding: .utf8)
        let getProduct = try XCTUnwrap(text.range(of: "  - id: get-product\n")), updateProduct = try XCTUnwrap(text.range(of: "  - id: update-product\n"))
        let listProducts = try XCTUnwrap(text.range(of: "  - id: list-products\n"))
        let moved = String(text[getProduct.lowerBound..<updateProduct.lowerBound])
        try (String(text[..<listProducts.lowerBound]) + moved + String(text[listProducts.lowerBound..<getProduct.lowerBound]) + String(text[updateProduct.lowerBound...]))
            .write(to: catalog, atomically: true, encoding: .utf8)
        XCTAssertFalse(try passes(shared, reordered).contains("finding is silenced"))
    }

    /// Findings weighed by no category were silenced unseen: a per-user cache kept a day
    /// past its guardrail under a comment passed the gate (the round-46 audit of the gate).
    func testACacheKeptPastItsGuardrailUnderACommentIsWeighed() throws {
        let kept = try copy(of: BundleTests.contoso, [("apis/orders.yaml", "      ttl: 30s\n", "      ttl: 1d  # portcullis:ignore CA002 -- slow data\n")])
        XCTAssertTrue(
            try gate(BundleTests.contoso, kept).contains(
                "cache-widened: a new CA002 finding is silenced by a 'portcullis:ignore' comment: route 'list-orders' caches for 1d, longer than the per-user limit of 5m"))
    }

    /// A scope relabelled from 'read' to 'write' (LP004, which a GET route requiring it
    /// then makes, turned off) beside a DELETE route that takes it: LP003 was never made, so
    /// nothing was silenced, and the gate saw a route added that "requires a token" (the
    /// round-46 audit of the gate). HEAD's routes are judged by BASE's standards too.
    func testAScopeRelabelledToSilenceItsFindingIsWeighed() throws {
        let relabelled = [("gateway.yaml", "  orders.read: {access: read,", "  orders.read: {access: write,"), ("portcullis.yaml", "", "rules: {LP004: off}\n")]
        let deleting = try copy(of: BundleTests.contoso, relabelled + [
            ("apis/orders.yaml", "  - id: health\n", "  - id: delete-orders\n    method: DELETE\n    path: /orders\n    scopes: [orders.read]\n  - id: health\n")
        ])
        XCTAssertEqual(
            try gate(BundleTests.contoso, deleting).sorted(),
            [
                "other: a standard lint judges by changed: scope 'orders.read' is now 'write', was 'read'",
                "other: route 'orders/delete-orders' was added; it requires a token",
                "privilege-increase: a new LP003 finding is silenced by HEAD's standards (scope 'orders.read' is now 'write', was 'read'): DELETE route 'delete-orders' accepts the read scope 'orders.read'",
            ])
        // The relabel alone widens no route: a reviewer sees it, the gate passes.
        XCTAssertTrue(
            try passes(BundleTests.contoso, try copy(of: BundleTests.contoso, relabelled)).contains(
                "other: a standard lint judges by changed: scope 'orders.read' is now 'write', was 'read'"))
    }

    /// Guardrails loosened beside a route that only the old guardrails would stop: a
    /// rate limit no longer required, a per-user cache allowed 30 days, a rate limit
    /// allowed 100 times more. Each finding they silence is weighed by its rule's family,
    /// CA002 among them, which was weighed by none (the round-46 audit of the gate).
    func testGuardrailsLoosenedToSilenceTheirFindingsAreWeighed() throws {
        func added(_ limit: String) -> (String, String, String) {
            ("apis/orders.yaml", "  - id: health\n", "  - id: export-orders\n    method: GET\n    path: /orders/export\n    scopes: [orders.read]\n    rateLimit: \(limit)\n  - id: health\n")
        }
        let unlimited = try copy(of: BundleTests.contoso, [("gateway.yaml", "requireRateLimit: true", "requireRateLimit: false"), added("none")])
        XCTAssertTrue(
            try gate(BundleTests.contoso, unlimited).contains(
                "looser-limit: a new RL001 finding is silenced by HEAD's standards ('guardrails.requireRateLimit' is now false, was true): route 'export-orders' has its rate limit switched off"))
        let cached = try copy(of: BundleTests.contoso, [("gateway.yaml", "perUser: 5m", "perUser: 30d"), ("apis/orders.yaml", "      ttl: 30s\n", "      ttl: 1d\n")])
        XCTAssertTrue(
            try gate(BundleTests.contoso, cached).contains(
                "cache-widened: a new CA002 finding is silenced by HEAD's standards ('guardrails.maxCacheTtl.perUser' is now 2592000s, was 300s): route 'list-orders' caches for 1d, longer than the per-user limit of 5m"))
        let raised = try copy(
            of: BundleTests.contoso,
            [("gateway.yaml", "maxRateLimit: {calls: 10000, per: 60s}", "maxRateLimit: {calls: 1000000, per: 60s}"), added("{calls: 500000, per: 60s, key: user}")])
        XCTAssertTrue(
            try gate(BundleTests.contoso, raised).contains(
                "looser-limit: a new RL003 finding is silenced by HEAD's standards ('guardrails.maxRateLimit' is now 1000000 calls per 60s, was 10000 calls per 60s): the rate limit of route 'export-orders', 500000 calls per 1m, exceeds the guardrail of 10000 calls per 1m"))
        // A finding BASE had already is no change, whatever standard now silences it.
        try passes(cached, try copy(of: cached, [("gateway.yaml", "perUser: 30d", "perUser: 31d")]))
    }

    /// Standards tightened, which the definitions still meet, fail no gate: each is shown.
    func testATightenedStandardPassesTheGate() throws {
        let tightened = try copy(of: BundleTests.contoso, [
            ("gateway.yaml", "perUser: 5m", "perUser: 2m"), ("gateway.yaml", "{calls: 10000, per: 60s}", "{calls: 5000, per: 60s}"),
            ("gateway.yaml", "tokenLifetime: 1h", "tokenLifetime: 30m"),
        ])
        XCTAssertEqual(
            try passes(BundleTests.contoso, tightened).split(separator: "\n").map { $0.split(separator: ": ", maxSplits: 1).last! },
            [
                "other: a standard lint judges by changed: the 'tokenLifetime' of identity provider 'entra' is now 1800s, was 3600s",
                "other: a standard lint judges by changed: 'guardrails.maxCacheTtl.perUser' is now 120s, was 300s",
                "other: a standard lint judges by changed: 'guardrails.maxRateLimit' is now 5000 calls per 60s, was 10000 calls per 60s",
                "3 other",
            ])
    }

    /// The API's limit written again on a route gives that route a counter of its own
    /// beside the other routes': "no changes" before (the round-24 audit of the gate).
    func testARouteThatStopsSharingItsAPIsCounterHasALooserLimit() throws {
        let own = try copy(of: BundleTests.contoso, [
            ("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    rateLimit: {calls: 300, per: 60s, key: ip}\n")
        ])
        XCTAssertEqual(
            try gate(BundleTests.contoso, own), ["looser-limit: route 'catalog/get-product' counts its rate limit on a counter of its own instead of the one its API's routes share"])
        // With a lower budget of its own too: the route's calls still come on top of the
        // others' (the audit of the fixes).
        let lower = try copy(of: BundleTests.contoso, [
            ("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    rateLimit: {calls: 250, per: 60s, key: ip}\n")
        ])
        XCTAssertTrue(try gate(BundleTests.contoso, lower).contains("looser-limit: route 'catalog/get-product' counts its rate limit on a counter of its own instead of the one its API's routes share"))
        let shared = try ToolProcess.run(["diff", own.path, BundleTests.contoso.path, "--format", "json"])
        XCTAssertTrue(shared.stdout.contains("counts its rate limit on the counter its API's routes share instead of one of its own"), shared.stdout)
        XCTAssertTrue(shared.stdout.contains(#""category" : "stricter-limit""#), shared.stdout)
    }

    /// A route called otherwise that a rewrite sends to the operation a removed route
    /// reached is compared with that route: moved to a POST under a write scope with the
    /// API's budget, an admin-only cancel was a route removed and one added (`other`), and
    /// the gate passed (the round-24 audit of the gate).
    func testARouteMovedOntoTheSameBackendOperationIsComparedWithTheOneItReplaces() throws {
        let moved = try copy(of: BundleTests.contoso, [(
            "apis/orders.yaml",
            "  - id: cancel-order\n    method: DELETE\n    path: /orders/{orderId}\n    summary: Cancel and refund an order\n    scopes: [orders.cancel]\n    rateLimit: {calls: 5, per: 60s, key: user}\n",
            "  - id: cancel-order-v2\n    method: POST\n    path: /orders/{orderId}/cancel\n    summary: Cancel and refund an order\n    scopes: [orders.write]\n    rewrite: {path: \"/orders/{orderId}\", method: DELETE}\n"
        )])
        let changes = try gate(BundleTests.contoso, moved)
        XCTAssertContainsEach(changes, [
            "other: route 'orders/cancel-order-v2' reaches 'DELETE /orders/{orderId}' on its backend, as 'orders/cancel-order' did",
            "privilege-increase: route 'orders/cancel-order-v2' now accepts scope 'orders.write'",
            "looser-limit: route 'orders/cancel-order-v2' has a looser rate limit: 600 calls per 60s by user, was 5 calls per 60s by user",
        ])
        XCTAssertFalse(changes.contains { $0.contains("was removed") || $0.contains("was added") }, changes.joined(separator: "\n"))
        // A second route there as a decoy, which makes the pair one not to be told, or the
        // old route kept beside the new one: the new route is compared with the one that
        // guards the operation all the same (the audit of the fixes).
        let beside = try copy(of: BundleTests.contoso, [(
            "apis/orders.yaml", "  - id: health\n",
            "  - id: cancel-order-by-post\n    method: POST\n    path: /orders/{orderId}/cancel\n    scopes: [orders.write]\n    rewrite: {path: \"/orders/{orderId}\", method: DELETE}\n  - id: health\n"
        )])
        XCTAssertTrue(
            try gate(BundleTests.contoso, beside).contains(
                "privilege-increase: route 'orders/cancel-order-by-post' now accepts scope 'orders.write', where 'orders/cancel-order' guards 'DELETE /orders/{orderId}' on the same backend"))
    }

    /// A backend moved to another path or port of its host puts the route's checks in
    /// front of other operations there (its admin endpoints, say), as a rewrite to another
    /// path does: it was `other` (the round-24 audit of the gate).
    func testABackendMovedToAnotherPathOfItsHostIsAPrivilegeIncrease() throws {
        let admin = try copy(of: BundleTests.contoso, [
            ("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api", "backend: https://orders.internal.contoso.com/internal/admin")
        ])
        XCTAssertEqual(
            try gate(BundleTests.contoso, admin),
            [
                "privilege-increase: API 'orders' now sends requests to 'https://orders.internal.contoso.com/internal/admin' instead of 'https://orders.internal.contoso.com/api': another path or port of that host, under the checks they had"
            ])
        // A trailing slash, the scheme's own port and an escaped letter are the same place.
        for same in ["https://orders.internal.contoso.com/api/", "https://orders.internal.contoso.com:443/api", "https://orders.internal.contoso.com/%61pi"] {
            try passes(BundleTests.contoso, try copy(of: BundleTests.contoso, [("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api", "backend: \(same)")]))
        }
        // So does a raw 'set-backend-service' moved there (`other` before, the round-24 audit
        // of the fixes).
        func raw(_ url: String) -> (String, String, String) {
            ("apis/orders.yaml", "rateLimit: {calls: 600, per: 60s, key: user}\n",
             "rateLimit: {calls: 600, per: 60s, key: user}\npolicy: '<policies><inbound><base /><set-backend-service base-url=\"\(url)\" /></inbound></policies>'\n")
        }
        let before = try copy(of: BundleTests.contoso, [raw("https://orders.internal.contoso.com/api")])
        XCTAssertContainsEach(
            try gate(before, try copy(of: BundleTests.contoso, [raw("https://orders.internal.contoso.com/internal/admin")])),
            [
                "privilege-increase: API 'orders' now sends requests to 'https://orders.internal.contoso.com/api' and, by policy, 'https://orders.internal.contoso.com/internal/admin' instead of 'https://orders.internal.contoso.com/api' and, by policy, 'https://orders.internal.contoso.com/api': another path or port of that host, under the checks they had"
            ])
    }

    /// A product's limits count per subscription: more subscriptions a developer may hold
    /// multiply them (audit V60: a raised or removed `subscriptionsLimit` was no change).
    func testMoreSubscriptionsPerDeveloperLoosenAProductsLimits() throws {
        let limited = { (limit: String) in [("products.yaml", "approvalRequired: true\n", "approvalRequired: true\n\(limit)")] }
        let one = try copy(of: BundleTests.contoso, limited("subscriptionsLimit: 1\n"))
        XCTAssertEqual(
            try gate(one, try copy(of: BundleTests.contoso, limited("subscriptionsLimit: 1000\n"))),
            ["looser-limit: product 'partners' lets a developer hold 1000 subscriptions instead of 1, each counting its limits anew"])
        XCTAssertEqual(
            try gate(one, BundleTests.contoso),
            ["looser-limit: product 'partners' lets a developer hold any number of subscriptions instead of 1, each counting its limits anew"])
        try passes(try copy(of: BundleTests.contoso, limited("subscriptionsLimit: 5\n")), one)
        // Without limits of its own, a product's APIs' limits keyed by subscription count
        // per subscription too (audit V59); limits keyed otherwise do not.
        let ownLimits = [
            ("products.yaml", "rateLimit: {calls: 1000, per: 60s}\nquota: {calls: 1000000, per: 30d}\n", ""),
            ("environments/prod.yaml", "products:\n  partners:\n    quota: {calls: 5000000, per: 30d}\n", ""),
        ]
        let keyedBy = { (key: String) in [("apis/partner-orders.yaml", "rateLimit: {calls: 300, per: 60s, key: client}", "rateLimit: {calls: 300, per: 60s, key: \(key)}")] }
        func product(_ limit: String, _ key: String) throws -> URL {
            try copy(of: BundleTests.contoso, limited("subscriptionsLimit: \(limit)\n") + ownLimits + keyedBy(key))
        }
        XCTAssertEqual(
            try gate(try product("1", "subscription"), try product("3", "subscription")),
            ["looser-limit: product 'partners' lets a developer hold 3 subscriptions instead of 1, each counting its limits anew"])
        try passes(try product("1", "client"), try product("3", "client"))
        // So do a raw policy's: a `rate-limit`, or a limit by key that reads the
        // subscription (audit V68).
        // The key's header in any case counts per subscription too (audit V71).
        for statement in [
            #"<rate-limit calls="10" renewal-period="60" />"#, #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Subscription?.Id)" />"#,
            #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;ocp-apim-subscription-key&quot;, &quot;&quot;))" />"#,
            // Spacing aside (audit V74).
            #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Subscription .Id)" />"#,
        ] {
            let raw = [("apis/partner-orders.yaml", "auth: partner\n", "auth: partner\npolicy: '<policies><inbound><base />\(statement)</inbound></policies>'\n")]
            XCTAssertEqual(
                try gate(try copy(of: try product("1", "client"), raw), try copy(of: try product("3", "client"), raw)),
                ["looser-limit: product 'partners' lets a developer hold 3 subscriptions instead of 1, each counting its limits anew"], statement)
        }
    }

    /// A limit keyed on a claim every token has a value of its own for (`jti`) starts a new
    /// count for each new token: `other` before (the round-24 audit of the gate).
    func testALimitKeyedPerTokenIsLooser() throws {
        let changes = try contoso([("apis/orders.yaml", "    rateLimit: {calls: 5, per: 60s, key: user}", "    rateLimit: {calls: 5, per: 60s, key: \"claim:jti\"}")])
        XCTAssertEqual(changes, ["looser-limit: route 'orders/cancel-order' counts its rate limit by 'claim:jti' instead of 'user', which every new token changes"])
    }

    /// A claim that names the user or the application ranks as `user` or `client` does; a
    /// claim whose holders only its issuer knows cannot be ranked, and is looser until
    /// reviewed (audit V55: each was `other`, `client` to `claim:sub` too).
    func testALimitKeyedByAClaimIsRankedByWhatItNames() throws {
        let keyed = { (key: String) in [("apis/orders.yaml", "    rateLimit: {calls: 5, per: 60s, key: user}", "    rateLimit: {calls: 5, per: 60s, key: \(key)}")] }
        func change(_ from: String, _ to: String) throws -> [String] {
            try gate(try copy(of: BundleTests.contoso, keyed(from)), try copy(of: BundleTests.contoso, keyed(to)))
        }
        XCTAssertEqual(try change("client", "\"claim:sub\""), ["looser-limit: route 'orders/cancel-order' counts its rate limit by 'claim:sub' instead of 'client', which gives each user of an application a budget of their own"])
        XCTAssertEqual(try change("\"claim:azp\"", "\"claim:OID\""), ["looser-limit: route 'orders/cancel-order' counts its rate limit by 'claim:OID' instead of 'claim:azp', which gives each user of an application a budget of their own"])
        XCTAssertEqual(try change("\"claim:tid\"", "\"claim:oid\""), ["looser-limit: route 'orders/cancel-order' counts its rate limit by 'claim:oid' instead of 'claim:tid', which diff cannot rank against the old key: review whose requests each counts"])
        XCTAssertTrue(
            try passes(try copy(of: BundleTests.contoso, keyed("\"claim:oid\"")), try copy(of: BundleTests.contoso, keyed("client")))
                .contains("stricter limit: route 'orders/cancel-order' counts its rate limit by 'client' instead of 'claim:oid'"))
        try passes(try copy(of: BundleTests.contoso, keyed("user")), try copy(of: BundleTests.contoso, keyed("\"claim:oid\"")))
    }

    /// The generated checks trust what the Redis cache holds, token answers too: another
    /// connection string, by another secret or its secret read from another vault, in the
    /// definitions or an environment's file, may be another cache. Both were `other`, and
    /// an environment pointed it at the author's vault through the gate (audit V33).
    func testRedisConnectingElsewhereWidensTheCache() throws {
        let vault = ("gateway.yaml", "redis-connection: {keyVault: https://contoso-kv.vault.azure.net/secrets/redis-connection}", "redis-connection: {keyVault: https://attacker-kv.vault.azure.net/secrets/redis}")
        XCTAssertEqual(
            try contoso([vault]),
            ["cache-widened: secret 'redis-connection', Redis's connection, points at a different Key Vault secret: the generated checks trust what that cache holds"])
        let other = ("gateway.yaml", "connection: {secret: redis-connection}", "connection: {secret: partner-client-secret}")
        XCTAssertEqual(try contoso([other]), ["cache-widened: Redis connects with a different secret: the generated checks trust what that cache holds"])
        // Another name, letter case or version of the same Key Vault secret is the same cache
        // (audit V35: each failed the gate).
        let plain = try ExampleProject.write(
            to: directory.appendingPathComponent("plain-\(UUID().uuidString)"), routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
        let secret = "redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis}"
        for edits in [
            [("gateway.yaml", secret, "redis-conn: {keyVault: https://example-kv.vault.azure.net/secrets/redis}"),
             ("gateway.yaml", "connection: {secret: redis-connection}", "connection: {secret: redis-conn}")],
            [("gateway.yaml", secret, "redis-connection: {keyVault: https://Example-KV.vault.azure.net/secrets/redis/0123456789abcdef0123456789abcdef}")],
        ] {
            try passes(plain, try copy(of: plain, edits))
        }
        let environment = "apiVersion: portcullis/v1\nkind: Environment\nname: evil\ngateway:\n  secrets:\n    redis-connection: {keyVault: https://attacker-kv.vault.azure.net/secrets/redis}\n"
        XCTAssertEqual(
            try contoso([("environments/evil.yaml", "", environment)]),
            ["cache-widened: in environment 'evil', secret 'redis-connection', Redis's connection, points at a different Key Vault secret: the generated checks trust what that cache holds"])
    }

    /// A limit an application's calls shared (its subscription or its client) counted per
    /// user instead gives each of its users that budget: `other` before (audit U1). Back
    /// the other way it is stricter.
    func testALimitPerApplicationCountedPerUserIsLooser() throws {
        for key in ["subscription", "client"] {
            let perApplication = try copy(of: BundleTests.contoso, [("apis/orders.yaml", "    rateLimit: {calls: 5, per: 60s, key: user}", "    rateLimit: {calls: 5, per: 60s, key: \(key)}")])
            let stricter = try passes(BundleTests.contoso, perApplication)
            XCTAssertTrue(stricter.contains("stricter limit: route 'orders/cancel-order' counts its rate limit by '\(key)' instead of 'user'"), stricter)
            XCTAssertEqual(
                try gate(perApplication, BundleTests.contoso),
                ["looser-limit: route 'orders/cancel-order' counts its rate limit by 'user' instead of '\(key)', which gives each user of an application a budget of their own"], key)
        }
    }

    /// A fragment's limit brought in beside a limit changed in place was read at the
    /// including document's offsets: a fragment longer than the policy ran past its end,
    /// and `diff` stopped on an illegal instruction with no report (the round-24 audit of
    /// the gate).
    func testAFragmentsLimitBroughtInBesideAChangedLimitIsReadInItsOwnText() throws {
        let fragments = """
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: big-limit
            policy: |
              <fragment>
                <!-- \(String(repeating: "x", count: 4_000)) -->
                <rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Subscription.Id)" />
              </fragment>

            """
        let policy = """
            policy: |
              <policies>
                <inbound>
                  <base />
                  <rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Subscription.Id)" />
                </inbound>
              </policies>

            """
        let base = try copy(of: BundleTests.contoso, [("fragments.yaml", "", fragments), ("apis/catalog.yaml", "routes:\n", policy + "routes:\n")])
        let head = try copy(of: base, [
            ("apis/catalog.yaml", "      <rate-limit-by-key calls=\"10\"", "      <include-fragment fragment-id=\"big-limit\" />\n      <rate-limit-by-key calls=\"11\""),
        ])
        XCTAssertEqual(
            try gate(base, head).sorted(),
            [
                "looser-limit: the raw policy of API 'catalog' changes a 'rate-limit-by-key' beside adding another; review what the changed one lets through",
                "stricter-limit: the raw policy of API 'catalog' adds 'rate-limit-by-key'",
            ])
    }

    /// A raw managed identity's token turned to another resource through a named value, or
    /// written so, or made another identity's, was "the raw policy changed" (`other`) at
    /// best (the round-22 audit of the fixes): the backend got a token for Azure Resource
    /// Manager. Each is a privilege increase now, as a declared backend's identity is.
    func testARawManagedIdentityMovedToAnotherResourceIsAPrivilegeIncrease() throws {
        let policy = """
            policy: |
              <policies>
                <inbound>
                  <base />
                  <authentication-managed-identity resource="{{catalog-resource}}" />
                </inbound>
              </policies>

            """
        let base = try copy(of: BundleTests.contoso, [
            ("apis/catalog.yaml", "routes:\n", policy + "routes:\n"), ("gateway.yaml", "namedValues:\n", "namedValues:\n  catalog-resource: api://catalog\n"),
        ])
        let arm = try copy(of: base, [("gateway.yaml", "catalog-resource: api://catalog", "catalog-resource: https://management.azure.com/")])
        XCTAssertEqual(
            try gate(base, arm),
            ["privilege-increase: the raw policy of API 'catalog' sends a managed identity's token for 'https://management.azure.com/', not 'api://catalog' through named values that changed"])
        let written = try copy(of: base, [("apis/catalog.yaml", "resource=\"{{catalog-resource}}\"", "resource=\"https://vault.azure.net\"")])
        XCTAssertEqual(
            try gate(base, written), ["privilege-increase: the raw policy of API 'catalog' sends a managed identity's token for 'https://vault.azure.net', not 'api://catalog'"])
        let other = try copy(of: base, [("apis/catalog.yaml", "resource=\"{{catalog-resource}}\"", "resource=\"{{catalog-resource}}\" client-id=\"00000000-0000-0000-0000-0000000000aa\"")])
        XCTAssertEqual(
            try gate(base, other), ["privilege-increase: the raw policy of API 'catalog' sends the token of another managed identity ('client-id' changed)"])
    }

    /// A secret repointed, under its own name, at the Key Vault secret another secret reads
    /// sends that value wherever it goes, and a new Redis key prefix makes the generated
    /// checks read what anything else wrote there; both were `other` or not listed (the
    /// round-22 audits).
    func testASecretRepointedAtAnothersOrANewRedisKeyPrefixIsWeighed() throws {
        let repointed = try copy(of: BundleTests.contoso, [
            ("gateway.yaml", "contoso-kv.vault.azure.net/secrets/partner-client-secret", "contoso-kv.vault.azure.net/secrets/Redis-Connection/0123456789abcdef0123456789abcdef")
        ])
        XCTAssertEqual(
            try gate(BundleTests.contoso, repointed),
            ["privilege-increase: secret 'partner-client-secret' now reads the Key Vault secret of 'redis-connection', which goes wherever 'partner-client-secret' is sent"])
        let prefixed = try copy(of: BundleTests.contoso, [("gateway.yaml", "  keyPrefix: contoso", "  keyPrefix: shared")])
        XCTAssertEqual(
            try gate(BundleTests.contoso, prefixed),
            ["cache-widened: Redis keys now start with 'shared', not 'contoso': entries are shared with whatever writes under it"])
    }

    /// A named value a public answer holds, made a secret of the same name, hands the
    /// secret to every caller; and a secret added that reads another's Key Vault secret
    /// sends that one wherever it goes. Both were `other` (the round-24 audit of the gate).
    func testANamedValueMadeASecretInAnAnswerOrANewSecretReadingAnothersIsAPrivilegeIncrease() throws {
        let base = try copy(of: BundleTests.contoso, [
            ("apis/orders.yaml", #"body: '{"status":"ok"}'"#, #"body: '{"status":"ok","t":"{{probe-token}}"}'"#),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  probe-token: not-a-secret\n"),
        ])
        let secret = try copy(of: base, [
            ("gateway.yaml", "  probe-token: not-a-secret\n", ""),
            ("gateway.yaml", "secrets:\n", "secrets:\n  probe-token: {keyVault: https://contoso-kv.vault.azure.net/secrets/probe-token}\n"),
        ])
        XCTAssertEqual(
            try gate(base, secret).sorted(),
            [
                "other: secret 'probe-token' was added",
                "privilege-increase: route 'orders/health' puts named value 'probe-token', now a secret, in the answer the gateway gives its callers",
            ])
        let shared = try copy(of: BundleTests.contoso, [
            ("gateway.yaml", "secrets:\n", "secrets:\n  diag-key: {keyVault: https://contoso-kv.vault.azure.net/secrets/Partner-Client-Secret/0123456789abcdef0123456789abcdef}\n")
        ])
        XCTAssertEqual(
            try gate(BundleTests.contoso, shared).sorted(),
            [
                // Every environment points 'partner-client-secret' at its own vault.
                "other: in environments 'dev', 'prod' and 'test', secret 'diag-key' was added",
                "privilege-increase: secret 'diag-key' was added reading the Key Vault secret of 'partner-client-secret', which goes wherever 'diag-key' is sent",
            ])
        // A secret renamed leaves no other reading its value.
        let renamed = try copy(of: BundleTests.contoso, [
            ("gateway.yaml", "  partner-client-secret: {keyVault:", "  partner-secret: {keyVault:"),
            ("gateway.yaml", "clientSecret: {secret: partner-client-secret}", "clientSecret: {secret: partner-secret}"),
        ])
        let result = try ToolProcess.run(["diff", BundleTests.contoso.path, renamed.path, "--fail-on", "privilege-increase"])
        XCTAssertFalse(result.stdout.contains("was added reading"), result.stdout)
    }

    /// An introspection provider's client secret pointed at another secret sends that
    /// secret (the Redis connection string, say) to the provider with every question; an
    /// environment's file alone did so and `diff` said nothing (found by the audit of
    /// environments and `diff`).
    func testAnIntrospectionSecretPointedAtAnotherSecretIsAPrivilegeIncrease() throws {
        let written = try contoso([("gateway.yaml", "clientSecret: {secret: partner-client-secret}", "clientSecret: {secret: redis-connection}")])
        XCTAssertEqual(
            written,
            ["privilege-increase: identity provider 'partner' now sends secret 'redis-connection' to its introspection endpoint instead of secret 'partner-client-secret'"])
        let prod = try contoso([
            ("environments/prod.yaml", "gateway:\n", "gateway:\n  identityProviders:\n    partner: {clientSecret: {secret: redis-connection}, clientId: contoso-prod-gateway}\n")
        ])
        XCTAssertTrue(
            prod.contains("privilege-increase: in environment 'prod', identity provider 'partner' now sends secret 'redis-connection' to its introspection endpoint instead of secret 'partner-client-secret'"),
            prod.joined(separator: "\n"))
        XCTAssertTrue(prod.contains("other: in environment 'prod', identity provider 'partner' asks as client 'contoso-prod-gateway' instead of 'contoso-gateway'"), prod.joined(separator: "\n"))
    }

    func testARoutesMethodAndPathAreWhatItsChecksGuard() throws {
        let moved = try contoso([
            ("apis/orders.yaml", "    method: GET\n    path: /orders/{orderId}\n", "    method: DELETE\n    path: /orders/{orderId}/purge\n")
        ])
        XCTAssertTrue(
            moved.contains(
                "privilege-increase: route 'orders/get-order' now reaches 'DELETE /orders/{orderId}/purge' on its backend instead of 'GET /orders/{orderId}', under the checks it had"),
            "\(moved)")
        // A public route rewritten to another backend path.
        let rewritten = try contoso([("apis/catalog.yaml", "    path: /products/{sku}\n    summary: Read one product\n", "    path: /products/{sku}\n    summary: Read one product\n    rewrite: {path: /admin/export}\n")])
        XCTAssertTrue(rewritten.contains { $0.hasPrefix("privilege-increase: route 'catalog/get-product' now reaches 'GET /admin/export'") }, "\(rewritten)")
    }

    func testARenamedRouteIsComparedWithWhatItWas() throws {
        let changes = try contoso([
            ("apis/orders.yaml", "  - id: update-order\n", "  - id: edit-order\n"),
            ("apis/orders.yaml", "    scopes: {all: [orders.write, orders.read]}\n", "    scopes: [orders.read]\n"),
        ])
        XCTAssertTrue(changes.contains("other: route 'orders/edit-order' was 'orders/update-order' before"), "\(changes)")
        XCTAssertTrue(changes.contains("privilege-increase: route 'orders/edit-order' no longer requires scope 'orders.write'"), "\(changes)")
        XCTAssertFalse(changes.contains { $0.hasSuffix("was removed") }, "\(changes)")
    }

    /// Found by the audit of the fix: an API renamed (its path kept) is compared with what
    /// it was, so a route's weaker scope and looser limit under the new name are seen.
    func testARenamedAPIIsComparedWithWhatItWas() throws {
        let changes = try contoso([
            ("apis/orders.yaml", "name: orders\n", "name: orders-v2\n"),
            ("apis/orders.yaml", "    scopes: {all: [orders.write, orders.read]}\n", "    scopes: [orders.read]\n"),
            ("environments/dev.yaml", "\n  orders:\n", "\n  orders-v2:\n"), ("environments/test.yaml", "\n  orders:\n", "\n  orders-v2:\n"),
            ("environments/prod.yaml", "\n  orders:\n", "\n  orders-v2:\n"),
        ])
        XCTAssertTrue(changes.contains("privilege-increase: route 'orders-v2/update-order' no longer requires scope 'orders.write'"), "\(changes)")
        XCTAssertTrue(changes.contains("other: route 'orders-v2/update-order' was 'orders/update-order' before"), "\(changes)")
    }

    func testAllOfScopesCutToOneAdmitMoreTokens() throws {
        let changes = try contoso([("apis/orders.yaml", "    scopes: {all: [orders.write, orders.read]}\n", "    scopes: [orders.read]\n")])
        XCTAssertEqual(changes, ["privilege-increase: route 'orders/update-order' no longer requires scope 'orders.write'"])
    }

    func testProductsAreComparedWithoutCaseAndByTheirLimits() throws {
        let limits = try contoso([
            ("products.yaml", "rateLimit: {calls: 1000, per: 60s}\nquota: {calls: 1000000, per: 30d}\n", "rateLimit: {calls: 100000, per: 1s}\n")
        ])
        XCTAssertEqual(
            limits.sorted(),
            [
                "looser-limit: product 'partners' has a looser rate limit: 100000 calls per 1s, was 1000 calls per 60s",
                "looser-limit: product 'partners' lost its quota (was 1000000 calls per 2592000s)",
            ])
        let renamed = try contoso([
            ("products.yaml", "name: partners\n", "name: Partners\n"), ("environments/prod.yaml", "  partners:\n", "  Partners:\n"),
            ("products.yaml", "apis: [partner-orders, catalog]", "apis: [partner-orders, catalog, orders]"),
        ])
        XCTAssertEqual(renamed, ["privilege-increase: product 'Partners' now includes API 'orders': its subscribers may call it"])
        let opened = try contoso([
            ("products.yaml", "approvalRequired: true\n", "approvalRequired: false\n"),
            ("products.yaml", "groups: [partner-companies]", "groups: [partner-companies, developers]"),
        ])
        XCTAssertTrue(opened.contains("privilege-increase: product 'partners' is now visible to group 'developers', whose developers may subscribe"), "\(opened)")
    }

    func testPlainHTTPAndCredentialsSentToAnotherHost() throws {
        let http = try contoso([("apis/orders.yaml", "path: orders\n", "path: orders\nprotocols: [https, http]\n")])
        XCTAssertEqual(http, ["privilege-increase: API 'orders' now accepts calls over plain HTTP: tokens and keys cross the network unencrypted"])
        let downgraded = try contoso([("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api", "backend: http://orders.internal.contoso.com/api")])
        XCTAssertTrue(downgraded.contains { $0.hasPrefix("privilege-increase: API 'orders' now sends requests over plain HTTP") }, "\(downgraded)")
        // Callers' tokens reach whatever host the API's backend names, through a named value.
        let base = try copy(
            of: BundleTests.contoso,
            [
                ("gateway.yaml", "namedValues:\n", "namedValues:\n  orders-host: orders.internal.contoso.com\n"),
                ("apis/orders.yaml", "backend: https://orders.internal.contoso.com/api", "backend: https://{{orders-host}}/api"),
            ])
        let moved = try copy(of: base, [("gateway.yaml", "  orders-host: orders.internal.contoso.com\n", "  orders-host: collector.example.net\n")])
        let changes = try gate(base, moved)
        XCTAssertTrue(
            changes.contains(
                "privilege-increase: API 'orders' now sends requests, with the credentials they carry, to 'https://collector.example.net/api' instead of 'https://orders.internal.contoso.com/api'"),
            "\(changes)")
    }

    /// A declared backend that now sends the gateway's token or client certificate hands
    /// its callers' requests the gateway's credentials, as the raw statements do (audit
    /// V117: "other" here, a privilege increase there).
    func testABackendThatNowSendsTheGatewaysCredentialsIsAnIncrease() throws {
        let certificate = "  clientCertificate: {keyVault: https://contoso-kv.vault.azure.net/secrets/partner-orders-client-certificate}\n"
        let identity = "  managedIdentity: {resource: api://contoso-orders}\n"
        let base = try copy(of: BundleTests.contoso, [("backends.yaml", identity + certificate, "")])
        // The environments override the certificate the base no longer has.
        try FileManager.default.removeItem(at: base.appendingPathComponent("environments"))
        let changes = try gate(base, try copy(of: base, [("backends.yaml", "partner\ncredentials:\n  headers:", "partner\ncredentials:\n" + identity + certificate + "  headers:")]))
        for expected in [
            "privilege-increase: backend 'partner-orders-weu' now authenticates with the managed identity for 'api://contoso-orders'",
            "privilege-increase: backend 'partner-orders-weu' now presents client certificate 'https://contoso-kv.vault.azure.net/secrets/partner-orders-client-certificate'",
        ] {
            XCTAssertTrue(changes.contains(expected), "missing \(expected) in \(changes)")
        }
    }

    /// A raw `set-backend-service` sends a route's requests to the backend it names: a
    /// public route added with one is weighed against the guards of the operation it reaches
    /// there, by a backend's name, its URL (written out, or by an expression of strings) or
    /// through a fragment (audit V113: it was compared
    /// with its API's backend only, and the partner API's token, scopes and IP filter were
    /// never named).
    func testARouteSentToAnotherBackendByARawPolicyMeetsThatBackendsGuards() throws {
        let fragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: to-partner\npolicy: '<fragment><set-backend-service backend-id=\"partner-orders-weu\" /></fragment>'\n"
        for (setter, more) in [
            (#"<set-backend-service backend-id="partner-orders-weu" />"#, ""),
            (#"<set-backend-service base-url="https://orders-weu.internal.contoso.com/partner/" />"#, ""),
            (#"<include-fragment fragment-id="to-partner" />"#, fragment),
            // An expression of nothing but strings is the URL it makes (audit V124).
            (#"<set-backend-service base-url="@(&quot;https://orders-weu.internal.contoso.com/partner&quot;)" />"#, ""),
        ] {
            let route = """
                  - id: partner-peek
                    method: GET
                    path: /peek
                    auth: none
                    public: Status page for the operations dashboard
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    policy: '<policies><inbound><base />\(setter)<rewrite-uri template="/orders/by-partner" /></inbound></policies>'
                tags: [web-shop, orders]

                """
            let changes = try contoso([("apis/orders.yaml", "tags: [web-shop, orders]\n", route)] + (more.isEmpty ? [] : [("fragments.yaml", "", more)]))
            let expected =
                "privilege-increase: route 'orders/partner-peek' became public: it no longer requires a token, where 'partner-orders/list-partner-orders' guards 'GET /orders/by-partner' on the same backend"
            XCTAssertTrue(changes.contains(expected), "\(setter): missing \(expected) in \(changes)")
        }
    }

    /// The gateway's own credentials, added by a raw policy, go wherever the backend is
    /// (found by the audit of the fix: only the definitions' credentials were counted).
    func testRawCredentialsSentToAnotherHost() throws {
        let base = directory.appendingPathComponent("raw-base")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let example = RuleExample.api(
            "reports",
            fields: "auth: none\npolicy: '<policies><inbound><base /><authentication-managed-identity resource=\"api://reports\" /></inbound></policies>'\n",
            routes: "  - {id: list-reports, method: GET, path: /reports, public: Open data, rateLimit: {calls: 10, per: 1s, key: ip}}\n")
        try (RuleExample.baseGateway + "---\n" + example.text).write(to: base.appendingPathComponent("defs.yaml"), atomically: true, encoding: .utf8)
        let moved = try copy(of: base, [("defs.yaml", "backend: https://reports.example.com", "backend: https://collector.example.net")])
        XCTAssertEqual(
            try gate(base, moved),
            ["privilege-increase: API 'reports' now sends requests, with the credentials they carry, to 'https://collector.example.net' instead of 'https://reports.example.com'"])
    }

    /// What a public API's requests carry besides: the caller's subscription key, which APIM
    /// passes on; the gateway's token from a fragment; the caller's token a raw check asks
    /// for. Each was `other` when the backend moved (audit V67); a keyless API with none of
    /// them carries nothing.
    func testCredentialsAPublicAPIsRequestsCarryGoWithTheBackend() throws {
        let fragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: reports-identity\npolicy: '<fragment><authentication-managed-identity resource=\"api://reports\" /></fragment>'\n"
        let check = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration" /><audiences><audience>api://reports</audience></audiences><required-claims><claim name="scp"><value>reports.read</value></claim></required-claims></validate-jwt>"#
        func project(_ name: String, keyless: Bool, inbound: String = "", more: String = "") throws -> (base: URL, head: URL) {
            let base = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
            let policy = inbound.isEmpty ? "" : "policy: '<policies><inbound><base />\(inbound)</inbound></policies>'\n"
            let example = RuleExample.api(
                "reports", fields: "auth: none\n" + (keyless ? "subscriptionRequired: false\n" : "") + policy,
                routes: "  - {id: list-reports, method: GET, path: /reports, public: Open data, rateLimit: {calls: 10, per: 1s, key: ip}}\n")
            try (RuleExample.baseGateway + "---\n" + example.text + more).write(to: base.appendingPathComponent("defs.yaml"), atomically: true, encoding: .utf8)
            return (base, try copy(of: base, [("defs.yaml", "backend: https://reports.example.com", "backend: https://collector.example.net")]))
        }
        let carried = ["privilege-increase: API 'reports' now sends requests, with the credentials they carry, to 'https://collector.example.net' instead of 'https://reports.example.com'"]
        let key = try project("key", keyless: false)
        XCTAssertEqual(try gate(key.base, key.head), carried)
        let fragmented = try project("fragment", keyless: true, inbound: #"<include-fragment fragment-id="reports-identity" />"#, more: "---\n" + fragment)
        XCTAssertEqual(try gate(fragmented.base, fragmented.head), carried)
        let checked = try project("check", keyless: true, inbound: check)
        XCTAssertEqual(try gate(checked.base, checked.head), carried)
        let none = try project("none", keyless: true)
        XCTAssertTrue(try passes(none.base, none.head).contains("other: API 'reports' now sends requests to"))
    }

    /// A URL that references a secret is a credential: APIM puts the secret's value in it.
    /// Moved to another host, by an environment or in the definitions, it takes the secret
    /// there, even from a public API whose requests carry no token and from a declared
    /// backend that sends no credentials of its own (from the audit of environments: both
    /// were `other`, and the gate let a Redis key go to any host).
    func testAURLThatHoldsASecretMovedToAnotherHost() throws {
        let base = directory.appendingPathComponent("secret-url-base")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let example = RuleExample.api(
            "reports", fields: "auth: none\n",
            routes: "  - {id: list-reports, method: GET, path: /reports, public: Open data, rateLimit: {calls: 10, per: 1s, key: ip}}\n")
        let backend = "apiVersion: portcullis/v1\nkind: Backend\nname: archive\nurl: https://archive.example.com/?code={{partner-secret}}\n"
        let environment = "apiVersion: portcullis/v1\nkind: Environment\nname: prod\n"
        let defs = RuleExample.baseGateway + "---\n" + example.text.replacingOccurrences(of: "https://reports.example.com", with: "https://reports.example.com/?code={{partner-secret}}")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("environments"), withIntermediateDirectories: true)
        try defs.write(to: base.appendingPathComponent("defs.yaml"), atomically: true, encoding: .utf8)
        try backend.write(to: base.appendingPathComponent("backends.yaml"), atomically: true, encoding: .utf8)
        try environment.write(to: base.appendingPathComponent("environments/prod.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try gate(base, try copy(of: base, [("environments/prod.yaml", "name: prod\n", "name: prod\napis:\n  reports:\n    backend: \"https://collector.example.net/?code={{partner-secret}}\"\n")])),
            ["privilege-increase: in environment 'prod', API 'reports' now sends requests, with the credentials they carry, to 'https://collector.example.net/?code={{secret at https://example-kv.vault.azure.net/secrets/partner}}' instead of 'https://reports.example.com/?code={{secret at https://example-kv.vault.azure.net/secrets/partner}}'"])
        XCTAssertEqual(
            try gate(base, try copy(of: base, [("backends.yaml", "https://archive.example.com/", "https://collector.example.net/")])),
            ["privilege-increase: backend 'archive' now sends requests, with the credentials it carries, to another host: 'https://collector.example.net/?code={{secret at https://example-kv.vault.azure.net/secrets/partner}}' instead of 'https://archive.example.com/?code={{secret at https://example-kv.vault.azure.net/secrets/partner}}'"])
        // A pool's member swapped for one on another host takes the secret there too (from
        // the audit of the fix: a pool has no URL of its own, and its members' were not read).
        let members = (1...3).map { "---\napiVersion: portcullis/v1\nkind: Backend\nname: m\($0)\nurl: https://archive\($0).example.com/?code={{partner-secret}}\n" }.joined()
        let pooled = try copy(of: base, [
            ("backends.yaml", "", "apiVersion: portcullis/v1\nkind: Backend\nname: archive\npool:\n  - {backend: m1, priority: 1}\n  - {backend: m2, priority: 2}\n" + members),
            ("defs.yaml", "backend: https://reports.example.com/?code={{partner-secret}}", "backend: archive"),
        ])
        let swapped = try copy(of: pooled, [("backends.yaml", "{backend: m2, priority: 2}", "{backend: m3, priority: 2}")])
        XCTAssertTrue(
            try gate(pooled, swapped).contains("privilege-increase: API 'reports' now sends requests, with the credentials they carry, to 'archive3.example.com' through backend 'archive', which now leads there"))
    }

    /// A raw `set-backend-service`, or a copy of the caller's request a raw `send-request`
    /// sends, moved to another host takes callers' tokens there: the gate listed it as a
    /// raw policy changed (`other`), and said nothing when a named value moved it.
    func testRawStatementsThatSendRequestsToAnotherHost() throws {
        let base = try copy(
            of: BundleTests.contoso,
            [
                ("gateway.yaml", "namedValues:\n", "namedValues:\n  orders-v2-host: orders-v2.internal.contoso.com\n"),
                (
                    "apis/orders.yaml", "routes:\n",
                    "policy: '<policies><inbound><base /><set-backend-service base-url=\"https://{{orders-v2-host}}/api\" /></inbound></policies>'\nroutes:\n"
                ),
                (
                    "apis/orders.yaml", "  - id: cancel-order\n",
                    "  - id: cancel-order\n    policy: '<policies><inbound><base /><send-one-way-request mode=\"copy\"><set-url>https://audit.internal.contoso.com/log</set-url></send-one-way-request></inbound></policies>'\n"
                ),
            ])
        let edited = try gate(base, try copy(of: base, [("apis/orders.yaml", "https://{{orders-v2-host}}/api", "https://collector.example.net/api")]))
        XCTAssertTrue(
            edited.contains(
                "privilege-increase: API 'orders' now sends requests, with the credentials they carry, to 'https://orders.internal.contoso.com/api' and, by policy, 'https://collector.example.net/api' instead of 'https://orders.internal.contoso.com/api' and, by policy, 'https://orders-v2.internal.contoso.com/api'"),
            "\(edited)")
        let byNamedValue = try gate(base, try copy(of: base, [("gateway.yaml", "  orders-v2-host: orders-v2.internal.contoso.com\n", "  orders-v2-host: collector.example.net\n")]))
        XCTAssertTrue(byNamedValue.contains { $0.hasPrefix("privilege-increase: API 'orders' now sends requests, with the credentials they carry, to") }, "\(byNamedValue)")
        let copied = try gate(base, try copy(of: base, [("apis/orders.yaml", "https://audit.internal.contoso.com/log", "https://collector.example.net/log")]))
        XCTAssertTrue(copied.contains { $0.hasPrefix("privilege-increase: route 'orders/cancel-order' now sends requests, with the credentials they carry, to") }, "\(copied)")
        let downgraded = try gate(base, try copy(of: base, [("apis/orders.yaml", "https://{{orders-v2-host}}/api", "http://{{orders-v2-host}}/api")]))
        XCTAssertTrue(downgraded.contains { $0.hasPrefix("privilege-increase: API 'orders' now sends requests over plain HTTP") }, "\(downgraded)")
    }

    /// From the audit of the fix: callers' tokens also leave through a `proxy` every backend
    /// call goes through, a `send-one-way-request` of mode `new` that copies the caller's
    /// `Authorization` (or body) into its own request, and a `send-request` that
    /// authenticates as the gateway. Each moved to another host was `other`.
    func testRawStatementsThatTakeCredentialsElsewhere() throws {
        func policy(_ statement: String) -> String {
            "    policy: '<policies><inbound><base />\(statement)</inbound></policies>'\n"
        }
        let statements = [
            ("create-order", #"<proxy url="http://proxy.internal.contoso.com:8080" />"#),
            ("update-order", #"<send-one-way-request mode="new"><set-url>https://audit.internal.contoso.com/log</set-url><set-header name="Authorization" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("Authorization", ""))</value></set-header></send-one-way-request>"#),
            ("cancel-order", #"<send-request mode="new" response-variable-name="r"><set-url>https://refunds.internal.contoso.com/check</set-url><authentication-managed-identity resource="https://management.azure.com/" /></send-request>"#),
            // Found by the audit of the fix: the caller's token kept in a variable first.
            ("get-order", #"<set-variable name="h" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;))" /><send-one-way-request mode="new"><set-url>https://stash.internal.contoso.com/x</set-url><set-body>@((string)context.Variables["h"])</set-body></send-one-way-request>"#),
            // The caller's body, which may carry a password or a key (the audit of the fix).
            ("list-orders", #"<send-one-way-request mode="new"><set-url>https://archive.internal.contoso.com/x</set-url><set-body>@(context.Request.Body.As<string>(preserveContent: true))</set-body></send-one-way-request>"#),
            // Literal text reads nothing: moving it is no privilege increase.
            ("health", #"<send-one-way-request mode="new"><set-url>https://log.internal.contoso.com/ingest</set-url><set-body>Request received</set-body></send-one-way-request>"#),
        ]
        let base = try copy(
            of: BundleTests.contoso,
            statements.map { ("apis/orders.yaml", "  - id: \($0.0)\n", "  - id: \($0.0)\n" + policy($0.1.replacingOccurrences(of: "'", with: "''"))) })
        for (route, host) in [
            ("create-order", "proxy.internal.contoso.com"), ("update-order", "audit.internal.contoso.com"), ("cancel-order", "refunds.internal.contoso.com"),
            ("get-order", "stash.internal.contoso.com"), ("list-orders", "archive.internal.contoso.com"),
        ] {
            let changes = try gate(base, try copy(of: base, [("apis/orders.yaml", host, "collector.example.net")]))
            XCTAssertTrue(
                changes.contains { $0.hasPrefix("privilege-increase: route 'orders/\(route)' now sends requests, with the credentials they carry, to") && $0.contains("collector.example.net") },
                "\(route): \(changes)")
        }
        let logged = try ToolProcess.run([
            "diff", base.path, try copy(of: base, [("apis/orders.yaml", "log.internal.contoso.com", "collector.example.net")]).path, "--fail-on", "privilege-increase",
        ])
        XCTAssertEqual(logged.status, 0, logged.stdout)
    }

    /// A route that gains several raw targets in one change is reported at the first as
    /// written: the place was picked from a dictionary, whose order changes from run to run.
    func testARouteThatGainsTargetsIsReportedAtTheFirst() throws {
        let send = { (host: String) in #"<send-one-way-request mode="copy"><set-url>https://\#(host)/x</set-url></send-one-way-request>"# }
        let head = try copy(
            of: BundleTests.contoso,
            [("apis/orders.yaml", "  - id: cancel-order\n", "  - id: cancel-order\n    policy: |\n      <policies><inbound><base />\n      \(send("b.example.net"))\n      \(send("a.example.net"))\n      </inbound></policies>\n")])
        for _ in 0..<4 {
            let json = try ToolProcess.run(["diff", BundleTests.contoso.path, head.path, "--format", "json"])
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], json.stderr)
            let changes = try XCTUnwrap(object["changes"] as? [[String: Any]])
            let moved = try XCTUnwrap(changes.first { ($0["message"] as? String)?.contains("now sends requests, with the credentials") == true }, "\(changes)")
            XCTAssertTrue((moved["location"] as? String)?.hasSuffix("apis/orders.yaml:44:8") == true, "\(moved)")
        }
    }

    /// From the audit of the fix: a raw `backend-id` names a declared backend, which goes
    /// where its URL leads. Moving that URL took callers' tokens elsewhere as `other` (so
    /// did moving the backend an API names), and naming the backend an API already reaches
    /// was taken for a new host.
    func testABackendARawPolicyNamesIsWhereItsURLLeads() throws {
        let base = try copy(
            of: BundleTests.contoso,
            [("apis/orders.yaml", "routes:\n", "policy: '<policies><inbound><base /><set-backend-service backend-id=\"Partner-Orders-WEU\" /></inbound></policies>'\nroutes:\n")])
        let moved = try gate(base, try copy(of: base, [("backends.yaml", "url: https://orders-weu.internal.contoso.com/partner", "url: https://collector.example.net/partner")]))
        XCTAssertTrue(
            moved.contains(
                "privilege-increase: API 'orders' now sends requests, with the credentials they carry, to 'https://orders.internal.contoso.com/api' and, by policy, 'https://collector.example.net/partner' instead of 'https://orders.internal.contoso.com/api' and, by policy, 'https://orders-weu.internal.contoso.com/partner'"),
            "\(moved)")
        XCTAssertTrue(
            moved.contains(
                "privilege-increase: API 'partner-orders' now sends requests, with the credentials they carry, to 'collector.example.net' through backend 'partner-orders', which now leads there"),
            "\(moved)")

        // The backend the API reaches, named again by a route's policy: no new place (one
        // at another path of the host is, as a backend moved there is).
        let plain = directory.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        let api = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
        let backend = "apiVersion: portcullis/v1\nkind: Backend\nname: orders-svc\nurl: https://orders.example.com\n"
        try (RuleExample.baseGateway + "---\n" + api.text + "---\n" + backend).write(to: plain.appendingPathComponent("defs.yaml"), atomically: true, encoding: .utf8)
        let named = try copy(
            of: plain,
            [
                (
                    "defs.yaml", "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n",
                    "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], policy: '<policies><inbound><base /><set-backend-service backend-id=\"orders-svc\" /></inbound></policies>'}\n"
                )
            ])
        try passes(plain, named)
    }

    func testANamedValuePutInTheGatewaysOwnAnswer() throws {
        let changes = try contoso([("apis/orders.yaml", #"body: '{"status":"ok"}'"#, #"body: '{"status":"{{tenant-id}}"}'"#)])
        XCTAssertTrue(changes.contains("privilege-increase: route 'orders/health' now puts named value 'tenant-id' in the answer the gateway gives its callers"), "\(changes)")
        // A route that called its backend and now answers with one (the audit of the fix).
        let answered = try contoso([
            ("apis/catalog.yaml", "    summary: Read one product\n", "    summary: Read one product\n    respond: {status: 200, body: '{{tenant-id}}'}\n"),
            ("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", ""),
        ])
        XCTAssertTrue(
            answered.contains("privilege-increase: route 'catalog/get-product' now puts named value 'tenant-id' in the answer the gateway gives its callers"), "\(answered)")
    }

    func testASharedCacheThatStopsVaryingOnAHeader() throws {
        let changes = try contoso([("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}", "    cache: {ttl: 10m}")])
        XCTAssertEqual(
            changes,
            ["cache-widened: route 'catalog/get-product' no longer varies its shared cache on header 'Accept-Language': requests that differ in it share cached answers"])
    }

    /// Raw policies: a route's policy that stops running the broader scopes' checks, and an
    /// API that includes another fragment than the one holding its token check.
    func testRawPoliciesThatSkipChecksWithoutRemovingOne() throws {
        let fragments = """
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: token-check
            policy: |
              <fragment>
                <validate-jwt header-name="Authorization" failed-validation-httpcode="401">
                  <openid-config url="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/.well-known/openid-configuration" />
                  <audiences><audience>api://contoso</audience></audiences>
                </validate-jwt>
              </fragment>
            ---
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: marker
            policy: |
              <fragment>
                <set-header name="X-Marker" exists-action="override"><value>1</value></set-header>
              </fragment>

            """
        let policy = "policy: |\n  <policies>\n    <inbound>\n      <base />\n      <include-fragment fragment-id=\"token-check\" />\n    </inbound>\n  </policies>\n"
        let base = try copy(
            of: BundleTests.contoso,
            [("fragments.yaml", "", fragments), ("apis/catalog.yaml", "routes:\n", policy + "routes:\n")])
        let swapped = try copy(of: base, [("apis/catalog.yaml", "fragment-id=\"token-check\"", "fragment-id=\"marker\"")])
        XCTAssertEqual(try gate(base, swapped), ["privilege-increase: the raw policy of API 'catalog' removes 'validate-jwt'"])

        // A check that accepts more in place: another audience, a claim it no longer requires.
        let audience = try copy(of: base, [("fragments.yaml", "<audiences><audience>api://contoso</audience></audiences>", "<audiences><audience>api://contoso</audience><audience>api://other</audience></audiences>")])
        XCTAssertEqual(try gate(base, audience), ["privilege-increase: the raw policy of fragment 'token-check' lets 'validate-jwt' accept audience 'api://other'"])
        let claimed = try copy(of: base, [("fragments.yaml", "</audiences>\n", "</audiences><required-claims><claim name=\"scp\" match=\"any\"><value>orders.write</value></claim></required-claims>\n")])
        let weakened = try copy(of: claimed, [("fragments.yaml", "<value>orders.write</value>", "<value>orders.write</value><value>orders.read</value>")])
        XCTAssertEqual(try gate(claimed, weakened), ["privilege-increase: the raw policy of fragment 'token-check' lets 'validate-jwt' accept more values of claim 'scp'"])

        // Found by the audit of that fix: a check widened only through a named value, one
        // widened beside a check added, and new signers (keys, another OpenID configuration).
        let named = try copy(of: base, [
            ("fragments.yaml", "<audience>api://contoso</audience>", "<audience>{{token-audience}}</audience>"),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  token-audience: api://contoso\n"),
        ])
        let renamed = try copy(of: named, [("gateway.yaml", "  token-audience: api://contoso\n", "  token-audience: api://other\n")])
        XCTAssertEqual(
            try gate(named, renamed),
            ["privilege-increase: the raw policy of fragment 'token-check' lets 'validate-jwt' accept audience 'api://other' through named values that changed"])
        let beside = try copy(of: audience, [("fragments.yaml", "    </validate-jwt>\n", "    </validate-jwt>\n    <validate-jwt header-name=\"Authorization\"><openid-config url=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/.well-known/openid-configuration\" /><audiences><audience>api://orders</audience></audiences></validate-jwt>\n")])
        XCTAssertTrue(
            try gate(base, beside).contains("privilege-increase: the raw policy of fragment 'token-check' lets 'validate-jwt' accept audience 'api://other'"))
        // Two checks that only change places accept what they did: no gate failure.
        let second = "    <validate-jwt header-name=\"Authorization\"><openid-config url=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/.well-known/openid-configuration\" /><audiences><audience>api://second</audience></audiences></validate-jwt>\n"
        let two = try copy(of: base, [("fragments.yaml", "name: token-check\npolicy: |\n  <fragment>\n", "name: token-check\npolicy: |\n  <fragment>\n" + second)])
        let exchanged = try copy(of: two, [("fragments.yaml", second, ""), ("fragments.yaml", "    </validate-jwt>\n  </fragment>", "    </validate-jwt>\n" + second + "  </fragment>")])
        try passes(two, exchanged)

        let signed = try copy(of: base, [("fragments.yaml", "</audiences>\n", "</audiences><issuer-signing-keys><key certificate-id=\"partner-cert\" /></issuer-signing-keys>\n")])
        XCTAssertEqual(try gate(base, signed), ["privilege-increase: the raw policy of fragment 'token-check' lets 'validate-jwt' accept a new signing key"])

        // A check moved under a condition, a limit that counts nothing, a budget raised in place.
        let conditional = try copy(
            of: base, [("fragments.yaml", "    <validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"401\">", "    <choose><when condition=\"@(!context.Request.Headers.ContainsKey(&quot;X-Internal&quot;))\"><validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"401\">"),
                       ("fragments.yaml", "    </validate-jwt>\n", "    </validate-jwt></when></choose>\n")])
        XCTAssertEqual(
            try gate(base, conditional),
            ["privilege-increase: the raw policy of fragment 'token-check' turns 'validate-jwt' into a check that lets callers through or checks only some requests"])
        let limited = try copy(
            of: base, [("apis/catalog.yaml", "      <include-fragment fragment-id=\"token-check\" />\n", "      <include-fragment fragment-id=\"token-check\" />\n      <rate-limit-by-key calls=\"10\" renewal-period=\"60\" counter-key=\"@(context.Request.IpAddress)\" />\n")])
        let uncounted = try copy(of: limited, [("apis/catalog.yaml", "counter-key=\"@(context.Request.IpAddress)\" />", "counter-key=\"@(context.Request.IpAddress)\" increment-count=\"0\" />")])
        XCTAssertEqual(
            try gate(limited, uncounted), ["looser-limit: the raw policy of API 'catalog' turns 'rate-limit-by-key' into one that counts nothing or only some requests"])
        let raised = try copy(of: limited, [("apis/catalog.yaml", "calls=\"10\" renewal-period=\"60\"", "calls=\"1000000\" renewal-period=\"1\"")])
        XCTAssertEqual(
            try gate(limited, raised), ["looser-limit: the raw policy of API 'catalog' raises the budget of 'rate-limit-by-key' to 1000000 calls per 1s from 10 per 60s"])

        // A route that had no policy gains one without '<base />' (the audit of the fix).
        let added = try copy(
            of: base,
            [("apis/catalog.yaml", "    summary: Read one product\n", "    summary: Read one product\n    policy: '<policies><inbound /></policies>'\n")])
        XCTAssertEqual(
            try gate(base, added),
            ["privilege-increase: route 'catalog/get-product' now has a raw policy without '<base />' in 'inbound': the broader scopes' checks and limits are skipped"])

        let withRoutePolicy = try copy(
            of: base,
            [("apis/catalog.yaml", "    summary: Read one product\n", "    summary: Read one product\n    policy: |\n      <policies>\n        <inbound>\n          <base />\n        </inbound>\n      </policies>\n")])
        let dropped = try copy(of: withRoutePolicy, [("apis/catalog.yaml", "        <inbound>\n          <base />\n        </inbound>\n", "        <inbound />\n")])
        XCTAssertEqual(
            try gate(withRoutePolicy, dropped),
            ["privilege-increase: the raw policy of route 'catalog/get-product' no longer runs the broader scopes' inbound policies ('<base />' was removed): their checks and limits are skipped"])
    }

    /// A check or limit in a `when` runs where its condition holds: a condition turned off,
    /// in the policy or through a named value an environment's file sets, or made one the
    /// caller picks, lets more through (audit V56: each was "other", the limit not listed).
    func testAConditionAroundACheckOrLimitChangedIsWeighed() throws {
        let filter = #"<ip-filter action="allow"><address-range from="10.0.0.0" to="10.0.0.255" /></ip-filter>"#
        let limit = #"<rate-limit-by-key calls="20" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#
        let guarded = { (condition: String, statement: String) in
            [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n",
              "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><base /><choose><when condition=\"\(condition)\">\(statement)</when></choose></inbound></policies>'\n")]
        }
        let flag = { (value: String) in [("gateway.yaml", "namedValues:\n", "namedValues:\n  enforce-ip: '\(value)'\n")] }
        let on = try copy(of: BundleTests.contoso, guarded("@({{enforce-ip}})", filter) + flag("true"))
        XCTAssertEqual(
            try gate(on, try copy(of: on, [("gateway.yaml", "enforce-ip: 'true'", "enforce-ip: 'false'")])),
            ["privilege-increase: the raw policy of route 'catalog/get-product' changes the conditions under which 'ip-filter' checks requests, so it may check fewer through named values that changed"])
        let counted = try copy(of: BundleTests.contoso, guarded("@(true)", limit))
        XCTAssertEqual(
            try gate(counted, try copy(of: BundleTests.contoso, guarded("@(context.Request.Headers.ContainsKey(&quot;X-Throttle&quot;))", limit))),
            ["looser-limit: the raw policy of route 'catalog/get-product' changes the conditions under which 'rate-limit-by-key' counts requests, so it may count fewer"])
        // The same conditions, the statement beside them changed, is weighed as before; a
        // condition respaced is the same (audit V58).
        try passes(on, try copy(of: on, [("apis/catalog.yaml", #"to="10.0.0.255""#, #"to="10.0.0.127""#)]))
        try passes(counted, try copy(of: BundleTests.contoso, guarded("@( true )", limit)))
        // A condition that reads a variable decides by what the variable is set to; a
        // second one added beside the changed one hides nothing (audit V58).
        let enforced = { (value: String) in
            [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n",
              "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><base /><set-variable name=\"enforce\" value=\"\(value)\" /><choose><when condition=\"@((bool)context.Variables[&quot;enforce&quot;])\">\(filter)</when></choose></inbound></policies>'\n")]
        }
        let variable = try copy(of: BundleTests.contoso, enforced("@(true)"))
        XCTAssertEqual(
            try gate(variable, try copy(of: BundleTests.contoso, enforced("@(!context.Request.Headers.ContainsKey(&quot;X-Skip&quot;))"))),
            ["privilege-increase: the raw policy of route 'catalog/get-product' changes the conditions under which 'ip-filter' checks requests, so it may check fewer"])
        // A copy of a copy changed (audit V59).
        let copied = { (value: String) in
            [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n",
              "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><base /><set-variable name=\"source\" value=\"\(value)\" /><set-variable name=\"enforce\" value=\"@((bool)context.Variables[&quot;source&quot;])\" /><choose><when condition=\"@((bool)context.Variables[&quot;enforce&quot;])\">\(filter)</when></choose></inbound></policies>'\n")]
        }
        XCTAssertEqual(
            try gate(try copy(of: BundleTests.contoso, copied("@(true)")), try copy(of: BundleTests.contoso, copied("@(false)"))),
            ["privilege-increase: the raw policy of route 'catalog/get-product' changes the conditions under which 'ip-filter' checks requests, so it may check fewer"])
        XCTAssertTrue(
            try gate(counted, try copy(of: BundleTests.contoso, guarded("@(context.Request.Headers.ContainsKey(&quot;X-Throttle&quot;))", limit + limit))).contains(
                "looser-limit: the raw policy of route 'catalog/get-product' changes the conditions under which 'rate-limit-by-key' counts requests, so it may count fewer"))
    }

    /// A route's policy that answers some requests before its `<base />` (a `choose` that
    /// copies the request to the backend and returns its answer) skips the gateway's raw
    /// header check for them: `diff` called it a raw policy to review (audit V45). One that
    /// answers after `<base />`, or refuses with a fixed answer, skips nothing.
    func testAnAnswerBeforeBaseSkipsTheBroaderChecks() throws {
        let check = #"<check-header name="X-Partner" failed-check-httpcode="401" failed-check-error-message="no" ignore-case="false"><value>acme</value></check-header>"#
        // The copy sent to the internal host is a new host in 'dev', whose requests carry
        // the caller's subscription key: weighed apart from what is skipped.
        let skipsChecks = { (change: String) in change.hasPrefix("privilege-increase") && !change.contains("now sends requests, with the credentials they carry") }
        let base = try copy(of: BundleTests.contoso, [("gateway.yaml", "namedValues:\n", "policy: |\n  <policies><inbound>\(check)</inbound></policies>\nnamedValues:\n")])
        let copied = #"<choose><when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Debug&quot;,&quot;&quot;) == &quot;1&quot;)"><send-request mode="copy" response-variable-name="r" timeout="10"><set-url>https://catalog.internal.contoso.com</set-url></send-request><return-response response-variable-name="r" /></when></choose>"#
        let routePolicy = { (inbound: String) in
            [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound>\(inbound)</inbound></policies>'\n")]
        }
        XCTAssertEqual(
            try gate(base, try copy(of: base, routePolicy(copied + "<base />"))).filter(skipsChecks),
            ["privilege-increase: the raw policy of route 'catalog/get-product' may answer requests with 'return-response' before '<base />' in 'inbound': the broader scopes' checks and limits are skipped for them"])
        // A cache lookup serves what it keeps to requests the check never saw.
        XCTAssertEqual(
            try gate(base, try copy(of: base, [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", #"    policy: '<policies><inbound><cache-lookup vary-by-developer="false" vary-by-developer-groups="false" /><base /></inbound></policies>'"# + "\n")])).filter(skipsChecks),
            ["privilege-increase: the raw policy of route 'catalog/get-product' may answer requests with 'cache-lookup' before '<base />' in 'inbound': the broader scopes' checks and limits are skipped for them"])
        XCTAssertEqual(try gate(base, try copy(of: base, routePolicy("<base />" + copied))).filter(skipsChecks), [])
        let refusal = #"<choose><when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Debug&quot;,&quot;&quot;) == &quot;1&quot;)"><return-response><set-status code="403" reason="Forbidden" /></return-response></when></choose>"#
        try passes(base, try copy(of: base, routePolicy(refusal + "<base />")))
        // The answer in a fragment changed alone, or in 'on-error', where an error the caller
        // provokes before '<base />' leads (audit V47).
        let fragment = { (statements: String) in "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: shortcut\npolicy: '<fragment>\(statements)</fragment>'\n" }
        let included = try copy(of: base, routePolicy(#"<include-fragment fragment-id="shortcut" /><base />"#) + [("fragments.yaml", "", fragment("<set-header name=\"X-Seen\" exists-action=\"override\"><value>1</value></set-header>"))])
        XCTAssertEqual(
            try gate(included, try copy(of: included, [("fragments.yaml", "", fragment(copied))])).filter(skipsChecks),
            ["privilege-increase: fragment 'shortcut', as route 'catalog/get-product' includes it, may answer requests with 'return-response' before '<base />' in 'inbound': the broader scopes' checks and limits are skipped for them"])
        // Included inside a 'choose': reading it crashed (audit V48).
        let chosenInclude = try copy(of: base, routePolicy(#"<choose><when condition="@(context.Request.Method == &quot;GET&quot;)"><include-fragment fragment-id="shortcut" /></when></choose><base />"#) + [("fragments.yaml", "", fragment("<set-header name=\"X-Seen\" exists-action=\"override\"><value>1</value></set-header>"))])
        XCTAssertEqual(
            try gate(chosenInclude, try copy(of: chosenInclude, [("fragments.yaml", "", fragment(copied))])).filter(skipsChecks),
            ["privilege-increase: fragment 'shortcut', as route 'catalog/get-product' includes it, may answer requests with 'return-response' before '<base />' in 'inbound': the broader scopes' checks and limits are skipped for them"])
        let onError = { (statements: String) in
            [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><base /></inbound><on-error><base />\(statements)</on-error></policies>'\n")]
        }
        XCTAssertEqual(
            try gate(base, try copy(of: base, onError(#"<send-request mode="copy" response-variable-name="r" timeout="10"><set-url>https://catalog.internal.contoso.com</set-url></send-request><return-response response-variable-name="r" />"#))).filter(skipsChecks),
            ["privilege-increase: the raw policy of route 'catalog/get-product' may serve requests with 'send-request' in 'on-error', which an error before '<base />' leads to: the broader scopes' checks and limits are skipped for them"])
        // The call's answer read typed, then its body (audit V50).
        XCTAssertEqual(
            try gate(base, try copy(of: base, onError(#"<send-request mode="new" response-variable-name="r" timeout="10"><set-url>https://catalog.internal.contoso.com/products</set-url></send-request><return-response><set-status code="200" reason="OK" /><set-body>@(context.Variables.GetValueOrDefault&lt;IResponse&gt;(&quot;r&quot;).Body.As&lt;string&gt;())</set-body></return-response>"#))).filter(skipsChecks),
            ["privilege-increase: the raw policy of route 'catalog/get-product' may serve requests with 'return-response' in 'on-error', which an error before '<base />' leads to: the broader scopes' checks and limits are skipped for them"])
        // So read in a block, or taken out of the variables typed (audit V51).
        for body in [
            #"@{ return context.Variables.GetValueOrDefault&lt;IResponse&gt;(&quot;r&quot;).Body.As&lt;string&gt;(); }"#,
            #"@{ IResponse o; context.Variables.TryGetValue&lt;IResponse&gt;(&quot;r&quot;, out o); return o.Body.As&lt;string&gt;(); }"#,
        ] {
            XCTAssertEqual(
                try gate(base, try copy(of: base, onError(#"<send-request mode="new" response-variable-name="r" timeout="10"><set-url>https://catalog.internal.contoso.com/products</set-url></send-request><return-response><set-status code="200" reason="OK" /><set-body>"# + body + "</set-body></return-response>"))).filter(skipsChecks),
                ["privilege-increase: the raw policy of route 'catalog/get-product' may serve requests with 'return-response' in 'on-error', which an error before '<base />' leads to: the broader scopes' checks and limits are skipped for them"], body)
        }
        // An error answered with what the error says, or when to come back, serves nothing
        // of the backend's (audit V48 found both failing the gate).
        try passes(base, try copy(of: base, onError(#"<set-variable name="message" value="@(context.LastError.Message)" /><return-response><set-status code="500" reason="Error" /><set-body>@((string)context.Variables[&quot;message&quot;])</set-body></return-response>"#)))
        // A variable read as a number, in a success, may be a number taken from another
        // call's answer (audit V59: a PIN passed once numbers were taken for no data).
        for read in ["((int)context.Variables[&quot;count&quot;]).ToString()", "context.Variables.GetValueOrDefault&lt;int&gt;(&quot;count&quot;).ToString()"] {
            XCTAssertEqual(
                try gate(base, try copy(of: base, onError(#"<return-response><set-status code="200" reason="OK" /><set-body>@("# + read + ")</set-body></return-response>"))).filter(skipsChecks),
                ["privilege-increase: the raw policy of route 'catalog/get-product' may serve requests with 'return-response' in 'on-error', which an error before '<base />' leads to: the broader scopes' checks and limits are skipped for them"], read)
        }
        try passes(base, try copy(of: base, onError(#"<return-response><set-status code="429" reason="Too many" /><set-header name="Retry-After" exists-action="override"><value>@(((int)context.Variables[&quot;wait&quot;]).ToString())</value></set-header></return-response>"#)))
    }

    /// Shaping that hands a browser, or the backend, more than it had (audit V46): the
    /// response headers a `cors` policy writes set by hand, in the definitions or in a raw
    /// `set-header` whose name a named value gives; a removal of the caller's
    /// `Authorization` dropped; a rewrite's query changed, or the caller's query passed on.
    func testShapingThatOpensCrossOriginReadsOrHandsOnCredentialsIsAnIncrease() throws {
        // The backend's own cross-origin header no longer removed reaches browsers, and a
        // route that takes tokens no longer forbidding caches to keep its answers lets
        // them (audit V75: both were "other").
        let kept = try copy(of: BundleTests.contoso, [("apis/orders.yaml", "path: orders\n", "path: orders\nresponse: {headers: {set: {Cache-Control: no-store}, remove: [Access-Control-Allow-Origin]}}\n")])
        let dropped = try gate(kept, BundleTests.contoso)
        XCTAssertTrue(dropped.contains("privilege-increase: route 'orders/cancel-order' no longer removes the 'Access-Control-Allow-Origin' its backend answers with, which browsers read as the backend's own cross-origin grant"), "\(dropped)")
        XCTAssertTrue(dropped.contains("cache-widened: route 'orders/cancel-order' no longer tells caches on the way not to keep its answers ('Cache-Control')"), "\(dropped)")
        try passes(BundleTests.contoso, kept)
        // An appended `no-store` keeps caches out as one set does (re-reading the round).
        let appended = try copy(of: BundleTests.contoso, [("apis/orders.yaml", "path: orders\n", "path: orders\nresponse: {headers: {append: {Cache-Control: no-store}}}\n")])
        XCTAssertTrue(try gate(appended, BundleTests.contoso).contains("cache-widened: route 'orders/cancel-order' no longer tells caches on the way not to keep its answers ('Cache-Control')"))
        let responseHeaders = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    response: {headers: {set: {access-control-allow-origin: https://evil.example, Access-Control-Allow-Credentials: 'true'}}}\n"
        XCTAssertEqual(
            try contoso([("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", responseHeaders)]),
            [
                "privilege-increase: route 'catalog/get-product' now answers with response header 'Access-Control-Allow-Credentials' set to 'true', which lets browsers show its responses to other sites' pages",
                "privilege-increase: route 'catalog/get-product' now answers with response header 'Access-Control-Allow-Origin' set to 'https://evil.example', which lets browsers show its responses to other sites' pages",
                "other: route 'catalog/get-product' changes the response headers its callers receive",
            ])
        let raw = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name=\"{{cors-header}}\" exists-action=\"override\"><value>*</value></set-header></outbound></policies>'\n"
        XCTAssertEqual(
            try contoso([
                ("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", raw),
                ("gateway.yaml", "namedValues:\n", "namedValues:\n  cors-header: Access-Control-Allow-Origin\n"),
            ]),
            ["privilege-increase: the raw policy of route 'catalog/get-product' now answers with response header 'Access-Control-Allow-Origin' set to '*', which lets browsers show its responses to other sites' pages"])
        // Through a named value changed alone, through a fragment an outbound includes, and
        // in the gateway's own answer (audit V47).
        let named = try copy(of: BundleTests.contoso, [
            ("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    response: {headers: {set: {Access-Control-Allow-Origin: '{{shop-origin}}'}}}\n"),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  shop-origin: https://shop.contoso.com\n"),
        ])
        XCTAssertEqual(
            try gate(named, try copy(of: named, [("gateway.yaml", "shop-origin: https://shop.contoso.com", "shop-origin: '*'")])),
            [
                "privilege-increase: route 'catalog/get-product' now answers with response header 'Access-Control-Allow-Origin' set to '*', which lets browsers show its responses to other sites' pages",
                "other: route 'catalog/get-product' changes the response headers its callers receive through named values that changed",
            ])
        let outboundFragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: cors-out\npolicy: '<fragment><set-header name=\"Access-Control-Allow-Origin\" exists-action=\"override\"><value>*</value></set-header></fragment>'\n"
        XCTAssertEqual(
            try contoso([
                ("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><base /></inbound><outbound><base /><include-fragment fragment-id=\"cors-out\" /></outbound></policies>'\n"),
                ("fragments.yaml", "", outboundFragment),
            ]).filter { $0.hasPrefix("privilege-increase") },
            ["privilege-increase: the raw policy of route 'catalog/get-product' now answers with response header 'Access-Control-Allow-Origin' set to '*', which lets browsers show its responses to other sites' pages"])
        // An origin narrowed from any, or respelled, admits no other site (audit V48).
        let any = try copy(of: named, [("gateway.yaml", "shop-origin: https://shop.contoso.com", "shop-origin: '*'")])
        try passes(any, try copy(of: any, [("gateway.yaml", "shop-origin: '*'", "shop-origin: https://shop.contoso.com")]))
        try passes(named, try copy(of: named, [("gateway.yaml", "shop-origin: https://shop.contoso.com", "shop-origin: HTTPS://Shop.Contoso.com:443/")]))
        // An expression's origins are not known here: one written as an expression, then
        // '*', is wider (audit V50).
        let rawOrigin = { (value: String) in
            [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name=\"Access-Control-Allow-Origin\" exists-action=\"override\"><value>\(value)</value></set-header></outbound></policies>'\n")]
        }
        let fixedExpression = try copy(of: BundleTests.contoso, rawOrigin(#"@(&quot;https://shop.contoso.com&quot;)"#))
        XCTAssertEqual(
            try gate(fixedExpression, try copy(of: fixedExpression, [("apis/catalog.yaml", #"@(&quot;https://shop.contoso.com&quot;)"#, "*")])),
            ["privilege-increase: the raw policy of route 'catalog/get-product' now answers with response header 'Access-Control-Allow-Origin' set to '*', which lets browsers show its responses to other sites' pages"])
        // A header named by an expression may be the origin header: APIM takes one there
        // (found re-reading the round's change).
        let expressionNamed = [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><base /></inbound><outbound><base /><set-header name=\"@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;h&quot;, &quot;X-Shop&quot;))\" exists-action=\"override\"><value>*</value></set-header></outbound></policies>'\n")]
        XCTAssertEqual(
            try contoso(expressionNamed).filter { $0.hasPrefix("privilege-increase") },
            ["privilege-increase: the raw policy of route 'catalog/get-product' now answers with response header 'Access-Control-Allow-Origin' set to '*', which lets browsers show its responses to other sites' pages"])
        // An allow-list that reads the request's `Origin` admits no other site: one written
        // out in its place is wider (audit V51).
        let allowList = try copy(of: BundleTests.contoso, rawOrigin(#"@(context.Request.Headers.GetValueOrDefault(&quot;Origin&quot;, &quot;&quot;) == &quot;https://shop.contoso.com&quot; ? &quot;https://shop.contoso.com&quot; : &quot;&quot;)"#))
        XCTAssertEqual(
            try gate(allowList, try copy(of: allowList, [("apis/catalog.yaml", #"@(context.Request.Headers.GetValueOrDefault(&quot;Origin&quot;, &quot;&quot;) == &quot;https://shop.contoso.com&quot; ? &quot;https://shop.contoso.com&quot; : &quot;&quot;)"#, "https://evil.example")])),
            ["privilege-increase: the raw policy of route 'catalog/get-product' now answers with response header 'Access-Control-Allow-Origin' set to 'https://evil.example', which lets browsers show its responses to other sites' pages"])
        // Included on the request and again on the response (audit V48).
        XCTAssertEqual(
            try contoso([
                ("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    policy: '<policies><inbound><include-fragment fragment-id=\"cors-out\" /><base /></inbound><outbound><base /><include-fragment fragment-id=\"cors-out\" /></outbound></policies>'\n"),
                ("fragments.yaml", "", outboundFragment),
            ]).filter { $0.hasPrefix("privilege-increase") },
            ["privilege-increase: the raw policy of route 'catalog/get-product' now answers with response header 'Access-Control-Allow-Origin' set to '*', which lets browsers show its responses to other sites' pages"])
        let removed = "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n    request: {headers: {remove: [authorization]}}\n"
        let base = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", "    cache: {ttl: 10m, varyBy: {headers: [Accept-Language]}}\n", removed)])
        XCTAssertEqual(
            try gate(base, try copy(of: base, [("apis/catalog.yaml", "remove: [authorization]", "remove: [X-Debug]")])),
            [
                "privilege-increase: route 'catalog/get-product' no longer keeps the caller's header 'authorization' from its backend, which now receives it",
                "other: route 'catalog/get-product' changes what its backend receives (headers, query or rewrite)",
            ])
        try passes(base, try copy(of: base, [("apis/catalog.yaml", "remove: [authorization]", "remove: [Authorization, X-Debug]")]))
        let rewrite = "rewrite: {path: \"/products/{sku}/update\", method: POST}"
        let withQuery = try copy(of: BundleTests.contoso, [("apis/catalog.yaml", rewrite, "rewrite: {path: \"/products/{sku}/update?role=user\", method: POST, keepQuery: false}")])
        XCTAssertEqual(
            try gate(withQuery, try copy(of: withQuery, [("apis/catalog.yaml", "role=user", "role=admin")])),
            [
                "privilege-increase: route 'catalog/update-product' now asks its backend with query 'role=admin' instead of 'role=user', under the checks it had",
                "other: route 'catalog/update-product' changes what its backend receives (headers, query or rewrite)",
            ])
        XCTAssertEqual(
            try gate(withQuery, try copy(of: withQuery, [("apis/catalog.yaml", "keepQuery: false", "keepQuery: true")])),
            [
                "privilege-increase: route 'catalog/update-product' now passes on the query parameters its callers choose, which its rewrite dropped",
                "other: route 'catalog/update-product' changes what its backend receives (headers, query or rewrite)",
            ])
    }

    /// A URL with a backslash reaches different hosts in different readers: WHATWG's takes it
    /// for '/', so `https://evil.example\@orders.internal.contoso.com` reaches 'evil.example',
    /// and lint and `diff` took the text after '@' for its host (audit V79). A URL the
    /// definitions write is refused; a raw policy's is read as WHATWG reads it.
    func testABackslashInAURLIsNoWayToAnotherHost() throws {
        let backend = "backend: https://orders.internal.contoso.com/api"
        let written = try copy(of: BundleTests.contoso, [("apis/orders.yaml", backend, #"backend: "https://evil.example\\@orders.internal.contoso.com/api""#)])
        let lint = try ToolProcess.run(["lint", written.path, "--format", "json"])
        XCTAssertEqual(lint.status, 1, lint.stdout)
        XCTAssertTrue(lint.stdout.contains("'backend' must be an absolute https:// URL"), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("a URL holds no '\\\\'; write it as '%5C' where the backend means one"), lint.stdout)
        // Through a named value too (audit V88).
        let named = try copy(of: BundleTests.contoso, [
            ("apis/orders.yaml", backend, #"backend: "https://{{orders-host}}/api""#),
            ("gateway.yaml", "namedValues:\n", "namedValues:\n  orders-host: 'evil.example\\@orders.internal.contoso.com'\n"),
        ])
        let throughValue = try ToolProcess.run(["lint", named.path])
        XCTAssertEqual(throughValue.status, 1, throughValue.stdout)
        XCTAssertTrue(throughValue.stdout.contains("error: 'backend' is no absolute https:// URL once its named values are put in [SE003]"), throughValue.stdout)
        let policy = { (url: String) in
            "policy: '<policies><inbound><base /><set-backend-service base-url=\"\(url)\" /></inbound></policies>'\n"
        }
        let base = try copy(of: BundleTests.contoso, [("apis/orders.yaml", backend, backend + "\n" + policy("https://orders.internal.contoso.com/api"))])
        let head = try copy(of: BundleTests.contoso, [("apis/orders.yaml", backend, backend + "\n" + policy(#"https://evil.example\@orders.internal.contoso.com/api"#))])
        let changes = try gate(base, head)
        XCTAssertTrue(
            changes.contains { $0.hasPrefix("privilege-increase: API 'orders' now sends requests, with the credentials they carry, to") && $0.contains("evil.example") },
            changes.joined(separator: "\n"))
    }

    /// A `Cache-Control` a named value gives is the value APIM sends: 'public' there on a
    /// route that takes tokens is CA009, and a value turned from 'no-store' to 'public' is a
    /// widened cache, where lint and `diff` read the reference as written (audit V86:
    /// "no changes"). Raw `set-header`s are read so too.
    func testACacheControlANamedValueGivesIsReadWithItsValue() throws {
        let namedValues = "namedValues:\n"
        let base = try copy(of: BundleTests.contoso, [
            ("gateway.yaml", namedValues, namedValues + "  orders-caching: no-store\n"),
            ("apis/orders.yaml", "path: orders\n", "path: orders\nresponse: {headers: {set: {Cache-Control: '{{orders-caching}}'}}}\n"),
        ])
        let head = try copy(of: base, [("gateway.yaml", "orders-caching: no-store", "orders-caching: 'public, max-age=600'")])
        let lint = try ToolProcess.run(["lint", head.path])
        XCTAssertTrue(
            lint.stdout.contains("error: response header 'Cache-Control' of API 'orders' lets shared caches keep the answer to a request with a token and serve it to other callers [CA009]"),
            lint.stdout)
        XCTAssertTrue(lint.stdout.contains("note: named value 'orders-caching' is set here"), lint.stdout)
        let changes = try gate(base, head)
        XCTAssertTrue(changes.contains("cache-widened: route 'orders/cancel-order' no longer tells caches on the way not to keep its answers ('Cache-Control')"), "\(changes)")
        XCTAssertTrue(changes.contains("other: route 'orders/cancel-order' changes the response headers its callers receive through named values that changed"), "\(changes)")
        let raw = try copy(of: BundleTests.contoso, [
            ("gateway.yaml", namedValues, namedValues + "  orders-caching: 'public, max-age=600'\n"),
            ("apis/orders.yaml", "path: orders\n",
             #"path: orders\#npolicy: '<policies><outbound><base /><set-header name="Cache-Control" exists-action="override"><value>{{orders-caching}}</value></set-header></outbound></policies>'\#n"#),
        ])
        let rawLint = try ToolProcess.run(["lint", raw.path])
        XCTAssertTrue(rawLint.stdout.contains("sets 'Cache-Control' so that shared caches keep the answer to a request with a token and serve it to other callers [CA009]"), rawLint.stdout)
        // `diff` weighs a raw policy's as it weighs the definitions' (audit V87: "other").
        let rawBase = try copy(of: raw, [("gateway.yaml", "orders-caching: 'public, max-age=600'", "orders-caching: no-store")])
        XCTAssertEqual(try gate(rawBase, raw), ["cache-widened: the raw policy of API 'orders' no longer tells caches on the way not to keep its answers ('Cache-Control')"])
        let literal = { (value: String) in
            try self.copy(of: raw, [("apis/orders.yaml", "<value>{{orders-caching}}</value>", "<value>\(value)</value>")])
        }
        XCTAssertEqual(try gate(try literal("private, max-age=60"), try literal("@(&quot;public, &quot; + &quot;max-age=600&quot;)")),
            ["cache-widened: the raw policy of API 'orders' no longer tells caches on the way not to keep its answers ('Cache-Control')"])
    }
}

