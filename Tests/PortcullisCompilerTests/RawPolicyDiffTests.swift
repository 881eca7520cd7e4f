import Foundation
import PortcullisChecker
import XCTest

/// `portcullis diff` weighs changes to raw policy XML: statements that decide who gets in,
/// how much and what is cached, like the same change in the definitions; anything else is
/// listed for review.
final class RawPolicyDiffTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// What `diff base head` reports, gated on `categories`: the gate must stop the change
    /// where it `widens`, and pass it otherwise.
    @discardableResult
    private func gate(
        _ base: String, _ head: String, widens: Bool, on categories: String = "privilege-increase", file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        let report = try ToolProcess.run(["diff", base, head, "--fail-on", categories], in: directory)
        XCTAssertEqual(report.status, widens ? 1 : 0, "\(base) → \(head):\n" + report.stdout + report.stderr, file: file, line: line)
        return report.stdout
    }

    /// A partner's token check that lint takes for a check of every request: keys from
    /// `url`, an audience, and the roles `roles` (`<value>` elements) required.
    private static func partnerCheck(url: String = "https://login.example.com/.well-known/openid-configuration", roles: String = "<value>Orders.Read</value>")
        -> String
    {
        #"<validate-jwt header-name="X-Partner-Token"><openid-config url="\#(url)" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any">\#(roles)</claim></required-claims></validate-jwt>"#
    }

    /// Writes one side of a diff, `defs.yaml` of the example gateway followed by
    /// `documents`, into `directory/side`; one that lint finds no error in, unless it is a
    /// side `opening` the way to callers, which lint reports.
    private func writeSide(
        _ side: String, _ documents: String, in directory: URL, opening: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(side), withIntermediateDirectories: true)
        try (RuleExample.baseGateway + documents).write(to: directory.appendingPathComponent("\(side)/defs.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", side], in: directory)
        XCTAssertEqual(lint.status, opening ? 1 : 0, "\(side): \(lint.stdout)", file: file, line: line)
    }

    /// A check BASE has alone (of `X-A`) judged the gateway's value on both sides, as HEAD's
    /// check of `X-B` does: with only HEAD's checks' places kept, BASE's lost its setter and
    /// the change was a privilege increase (audit V102).
    func testACheckOfAPlaceTheGatewaySetsOnEitherSideIsNoIncrease() throws {
        let setters = ["X-A", "X-B"].map { #"<set-header name="\#($0)" exists-action="override"><value>v</value></set-header>"# }.joined()
        let gateway = RuleExample.baseGateway + "policy: '<policies><inbound>\(setters)</inbound><backend><forward-request /></backend></policies>'\n"
        for (side, header) in [("base", "X-A"), ("head", "X-B")] {
            let check = #"<check-header name="\#(header)" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="false"><value>v</value></check-header>"#
            let api = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], policy: '<policies><inbound><base />\(check)</inbound></policies>'}\n")
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(side), withIntermediateDirectories: true)
            try (gateway + "---\n" + api.text).write(to: directory.appendingPathComponent("\(side)/defs.yaml"), atomically: true, encoding: .utf8)
        }
        let report = try gate("base", "head", widens: false)
        XCTAssertTrue(report.contains("other: the raw policy of route 'orders/list-orders' changed"), report)
    }

    func testRawStatementsThatDecideAccessAreWeighed() throws {
        let contoso = BundleTests.contoso
        for side in ["base", "head"] {
            try FileManager.default.copyItem(at: contoso, to: directory.appendingPathComponent(side))
        }
        func policy(_ side: String, _ statements: String) throws {
            try """
                <policies>
                    <inbound>
                        <base />
                \(statements)
                    </inbound>
                </policies>

                """.write(to: directory.appendingPathComponent("\(side)/apis/partner.xml"), atomically: true, encoding: .utf8)
            let api = directory.appendingPathComponent("\(side)/apis/partner-orders.yaml")
            let text = try String(contentsOf: api, encoding: .utf8)
            if !text.contains("policy: partner.xml") {
                try text.replacingOccurrences(of: "\nroutes:\n", with: "\npolicy: partner.xml\nroutes:\n")
                    .write(to: api, atomically: true, encoding: .utf8)
            }
        }
        try policy("base", """
                    <ip-filter action="allow"><address-range from="10.0.0.0" to="10.0.255.255" /></ip-filter>
                    <set-header name="X-Partner" exists-action="override"><value>yes</value></set-header>
            """)
        try policy("head", """
                    <set-header name="X-Partner" exists-action="override"><value>true</value></set-header>
                    <rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" />
            """)
        let lint = try ToolProcess.run(["lint", "head"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout)
        let result = try gate("base", "head", widens: true)
        let lines = Set(result.split(separator: "\n").map(String.init))
        for expected in [
            "base/apis/partner.xml:4:10: privilege increase: the raw policy of API 'partner-orders' removes 'ip-filter' (in BASE)",
            "head/apis/partner.xml:5:10: stricter limit: the raw policy of API 'partner-orders' adds 'rate-limit-by-key'",
        ] {
            XCTAssertTrue(lines.contains(expected), "missing: \(expected)\nin:\n\(result)")
        }
        // A change to other statements alone is listed for review.
        try policy("base", "        <set-header name=\"X-Partner\" exists-action=\"override\"><value>yes</value></set-header>")
        try policy("head", "        <set-header name=\"X-Partner\" exists-action=\"override\"><value>true</value></set-header>")
        let other = try ToolProcess.run(["diff", "base", "head"], in: directory)
        XCTAssertEqual(other.stdout, "head/apis/partner.xml:1:2: other: the raw policy of API 'partner-orders' changed; review what it does\n1 change: 1 other\n")
        let json = try ToolProcess.run(["diff", "base", "head", "--format", "json"], in: directory)
        XCTAssertTrue(json.stdout.contains("\"kind\" : \"api\""), json.stdout)
    }

    /// A refusal written by hand (`choose` answering 401 where the partner's key is wrong)
    /// is a check as lint reads it: removed, or its condition changed, it was "changed;
    /// review what it does", and a gate on privilege increases passed (audit V113). So was
    /// a backend sent the gateway's client certificate. A refusal respaced, or answering
    /// with another status, still refuses.
    func testARefusalRemovedAndACertificateSentAreWeighed() throws {
        let refusal = #"<choose><when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Partner-Key&quot;, &quot;&quot;) != &quot;partner&quot;)"><return-response><set-status code="401" reason="Unauthorized" /></return-response></when></choose>"#
        // The same refusal in a fragment, which a policy includes or not.
        let fragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: partner-key\npolicy: '<fragment>\(refusal)</fragment>'\n---\n"
        let included = #"<include-fragment fragment-id="partner-key" />"#
        func write(_ side: String, _ statements: String) throws {
            let api = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, auth: none, public: partners send their key, policy: '<policies><inbound><base />\(statements)</inbound></policies>'}\n")
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(side), withIntermediateDirectories: true)
            try (RuleExample.baseGateway + "---\n" + fragment + api.text).write(to: directory.appendingPathComponent("\(side)/defs.yaml"), atomically: true, encoding: .utf8)
        }
        try write("base", refusal)
        try write("head", "")
        var report = try gate("base", "head", widens: true)
        XCTAssertTrue(report.contains("privilege increase: the raw policy of route 'orders/list-orders' no longer refuses with 401 where it did"), report)
        try write("head", refusal.replacingOccurrences(of: "!=", with: "=="))
        report = try gate("base", "head", widens: true)
        XCTAssertTrue(report.contains("no longer refuses with 401 where it did: the refusal, or a condition it runs under, changed"), report)
        for (respelt, why) in [(" != ", "  !=  "), ("401", "403")] {
            try write("head", refusal.replacingOccurrences(of: respelt, with: why))
            try gate("base", "head", widens: false)
        }
        try write("head", refusal + #"<authentication-certificate thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" />"#)
        report = try gate("base", "head", widens: true)
        XCTAssertTrue(report.contains("privilege increase: the raw policy of route 'orders/list-orders' adds 'authentication-certificate'"), report)
        // Moved into a fragment the policy includes, it still refuses; the fragment no longer
        // included, it does not (audit V117: "other").
        try write("head", included)
        try gate("base", "head", widens: false)
        try write("base", included)
        try write("head", #"<set-header name="X-Checked" exists-action="override"><value>no</value></set-header>"#)
        report = try gate("base", "head", widens: true)
        XCTAssertTrue(report.contains("privilege increase: the raw policy of route 'orders/list-orders' no longer refuses where it did"), report)
        // Included twice, each include refuses where it stands (audit V119: the second was
        // not read, so dropping the include every request met was "other").
        let forHead = #"<choose><when condition="@(context.Request.Method == &quot;HEAD&quot;)">\#(included)</when></choose>"#
        try write("base", forHead + included)
        try write("head", forHead)
        try gate("base", "head", widens: true)
    }

    /// A check turned into one that lets callers through (`ignore-error`, trust not
    /// validated, unsigned tokens) was "changed; review what it does", which a gate on
    /// `privilege-increase` let pass: it is weighed as the check's removal.
    func testACheckTurnedIntoOneThatLetsCallersThroughIsAPrivilegeIncrease() throws {
        let certificate = #"<validate-client-certificate><identities><identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" /></identities></validate-client-certificate>"#
        let jwt = #"<validate-jwt header-name="X-Partner-Token"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences></validate-jwt>"#
        for (side, statements) in [
            ("base", certificate + jwt),
            ("head", certificate.replacingOccurrences(of: "<validate-client-certificate>", with: #"<validate-client-certificate ignore-error="true">"#)
                + jwt.replacingOccurrences(of: #"header-name="X-Partner-Token""#, with: #"header-name="X-Partner-Token" require-signed-tokens="false""#)),
            ("back", certificate + jwt),
        ] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(side), withIntermediateDirectories: true)
            let example = RuleExample.api(
                "partner", fields: "policy: '<policies><inbound><base />\(statements)</inbound></policies>'\n",
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
            try (RuleExample.baseGateway + "---\n" + example.text).write(
                to: directory.appendingPathComponent("\(side)/defs.yaml"), atomically: true, encoding: .utf8)
        }
        let result = try gate("base", "head", widens: true)
        for name in ["validate-client-certificate", "validate-jwt"] {
            XCTAssertTrue(
                result.contains("privilege increase: the raw policy of API 'partner' turns '\(name)' into a check that lets callers through or checks only some requests\n"),
                result)
        }
        XCTAssertFalse(result.contains(" removes "), result)
        let back = try ToolProcess.run(["diff", "head", "back"], in: directory)
        XCTAssertTrue(
            back.stdout.contains("privilege decrease: the raw policy of API 'partner' makes 'validate-jwt' check every request again\n"),
            back.stdout)
    }

    /// A token check given the caller's token through a variable is a check for `diff` as
    /// for lint (fortieth round): removing it, or making the variable one the gateway may
    /// fill, widens access; it was read as a check of the gateway's own token, whose loss
    /// weighed nothing.
    func testACheckOfTheCallersTokenThroughAVariableIsWeighed() throws {
        let setter = #"<set-variable name="callerToken" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).Replace(&quot;Bearer &quot;, &quot;&quot;))" />"#
        let check = #"<validate-jwt token-value="@((string)context.Variables[&quot;callerToken&quot;])"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims></validate-jwt>"#
        let given = #"<set-variable name="callerToken" value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;Bearer {{service-token}}&quot;).Replace(&quot;Bearer &quot;, &quot;&quot;))" />"#
        // The gateway's own token: a named value so named is a credential unless its value stands
        // for none (SE001), and the check is what is weighed here.
        for (side, statements) in [("base", setter + check), ("removed", setter), ("given", given + check)] {
            let example = RuleExample.api(
                "partner", fields: "auth: none\npolicy: '<policies><inbound><base />\(statements)</inbound></policies>'\n",
                routes: "  - {id: list-orders, method: GET, path: /orders}\n")
            try writeSide(side, "namedValues:\n  service-token: none\n---\n" + example.text, in: directory, opening: side != "base")
        }
        let removed = try gate("base", "removed", widens: true)
        XCTAssertTrue(removed.contains("privilege increase: the raw policy of API 'partner' removes 'validate-jwt'"), removed)
        let givenToken = try gate("base", "given", widens: true)
        XCTAssertTrue(
            givenToken.contains(
                "privilege increase: the raw policy of API 'partner' turns 'validate-jwt' into a check that lets callers through or checks only some requests"),
            givenToken)
    }

    /// A fragment's check under a `when` that reads a variable the including policy sets:
    /// setting it from a header lets the caller skip the check, though neither the fragment
    /// nor its include changed (audit V82: "other"). A change elsewhere in the policy, its
    /// variables set alike, is no change of the check's conditions.
    func testAFragmentsConditionReadingAVariableThePolicyNowLetsTheCallerSetIsWeighed() throws {
        let fragment = "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: partner-check\npolicy: '<fragment><choose><when condition=\"@(context.Variables.GetValueOrDefault<string>(&quot;mode&quot;, &quot;strict&quot;) == &quot;strict&quot;)\">\(Self.partnerCheck())</when></choose></fragment>'\n"
        let strict = #"<set-variable name="mode" value="strict" />"#
        let chosen = #"<set-variable name="mode" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Mode&quot;, &quot;strict&quot;))" />"#
        for (side, statements) in [("base", strict), ("chosen", chosen), ("tagged", strict + #"<set-header name="X-Served-By" exists-action="override"><value>gateway</value></set-header>"#)] {
            let example = RuleExample.api(
                "partner", fields: "auth: none\npolicy: '<policies><inbound><base />\(statements)<include-fragment fragment-id=\"partner-check\" /></inbound></policies>'\n",
                routes: "  - {id: list-orders, method: GET, path: /orders, public: checked by the partner fragment}\n")
            try writeSide(side, "---\n" + fragment + "---\n" + example.text, in: directory)
        }
        let chosenMode = try gate("base", "chosen", widens: true)
        XCTAssertTrue(
            chosenMode.contains("privilege increase: the raw policy of API 'partner' changes the conditions under which 'validate-jwt' checks requests, so it may check fewer"),
            chosenMode)
        try gate("base", "tagged", widens: false)
    }

    /// A raw limit's numbers computed from numbers written out are read as lint reads them
    /// (audit V96: a budget raised a thousandfold so written was "other"; so was a window
    /// shortened).
    func testALimitsComputedNumbersAreCompared() throws {
        for (side, calls, period) in [("base", "@(100)", "@(5 * 60)"), ("raised", "@(100 * 1000)", "@(5 * 60)"), ("shortened", "@(100)", "@(60 / 60)")] {
            let limit = #"<rate-limit-by-key calls="\#(calls)" renewal-period="\#(period)" counter-key="@(context.Subscription.Id)" />"#
            let example = RuleExample.api(
                "partner", fields: "rateLimit: none\npolicy: '<policies><inbound><base />\(limit)</inbound></policies>'\n",
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(side), withIntermediateDirectories: true)
            try (RuleExample.baseGateway + "---\n" + example.text).write(to: directory.appendingPathComponent("\(side)/defs.yaml"), atomically: true, encoding: .utf8)
        }
        for head in ["raised", "shortened"] {
            let changes = try gate("base", head, widens: true, on: "looser-limit")
            XCTAssertTrue(changes.contains("looser limit: the raw policy of API 'partner' "), "\(head): \(changes)")
        }
        try gate("raised", "base", widens: false, on: "looser-limit")
    }

    /// A strict setting turned off from `1`, which XML Schema reads as `true`, is loosened
    /// as from `true` (audit V91: "other"); `0` to `false` is no change.
    func testAStrictSettingWrittenAsANumberIsReadAsABoolean() throws {
        let pinned = #"<identities><identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" /></identities>"#
        for (side, certificate, header, opening) in [
            ("base", #"validate-not-after="1""#, #"ignore-case="0""#, false),
            ("same", #"validate-not-after="true""#, #"ignore-case="false""#, false),
            ("expired", #"validate-not-after="false""#, #"ignore-case="0""#, true),
            ("cased", #"validate-not-after="1""#, #"ignore-case="true""#, false),
        ] {
            let checks = #"<validate-client-certificate \#(certificate)>\#(pinned)</validate-client-certificate><check-header name="X-Channel" failed-check-httpcode="403" failed-check-error-message="no" \#(header)><value>web</value></check-header>"#
            let example = RuleExample.api(
                "partner", fields: "policy: '<policies><inbound><base />\(checks)</inbound></policies>'\n",
                routes: "  - {id: submit-order, method: POST, path: /orders, scopes: [orders.write]}\n")
            try writeSide(side, "---\n" + example.text, in: directory, opening: opening)
        }
        try gate("base", "same", widens: false)
        XCTAssertTrue(
            try gate("base", "expired", widens: true).contains("privilege increase: the raw policy of API 'partner' lets 'validate-client-certificate' accept expired certificates"))
        XCTAssertTrue(
            try gate("base", "cased", widens: true).contains("privilege increase: the raw policy of API 'partner' lets 'check-header' accept its values in any letter case"))
    }

    /// A check's condition the caller may now decide, where what decides it changed in
    /// another policy than the check's (audit V88): a variable set from a header in another
    /// fragment, or in a route's policy, and a header the policy kept where it had replaced
    /// it (`exists-action="skip"`). Each passed as "other"; a setter of another header is
    /// no such change.
    func testAConditionTheCallerMayNowDecideThroughAnotherPolicyIsWeighed() throws {
        let skipped = { (read: String) in
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: partner-check\npolicy: '<fragment><choose><when condition=\"@(\(read) != &quot;yes&quot;)\">\(Self.partnerCheck())</when></choose></fragment>'\n"
        }
        let variable = skipped("(string)context.Variables.GetValueOrDefault(&quot;skip&quot;, &quot;no&quot;)")
        let header = skipped("context.Request.Headers.GetValueOrDefault(&quot;X-Skip&quot;, &quot;no&quot;)")
        let fromHeader = "@(context.Request.Headers.GetValueOrDefault(&quot;X-Skip&quot;, &quot;no&quot;))"
        let setter = { (value: String) in
            "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: modes\npolicy: '<fragment><set-variable name=\"skip\" value=\"\(value)\" /></fragment>'\n"
        }
        let replacing = { (action: String) in #"<set-header name="X-Skip" exists-action="\#(action)"><value>no</value></set-header>"# }
        let tag = #"<set-header name="X-Served-By" exists-action="override"><value>gateway</value></set-header>"#
        for (side, fragments, statements, routePolicy) in [
            ("base", [variable, setter("no")], "", ""),
            ("fragment", [variable, setter(fromHeader)], "", ""),
            ("route", [variable, setter("no")], "", #"<set-variable name="skip" value="\#(fromHeader)" />"#),
            ("replaced", [header, setter("no")], replacing("override"), ""),
            ("kept", [header, setter("no")], replacing("skip"), ""),
            ("tagged", [header, setter("no")], replacing("override") + tag, ""),
            // Replaced for some requests only, or by another header's value (audit V94).
            ("branched", [header, setter("no")], #"<choose><when condition="@(context.Request.Method == &quot;POST&quot;)">\#(replacing("override"))</when></choose>"#, ""),
            ("copied", [header, setter("no")], replacing("override").replacingOccurrences(of: "<value>no</value>", with: "<value>\(fromHeader.replacingOccurrences(of: "X-Skip", with: "X-Mode"))</value>"), ""),
        ] {
            let route = routePolicy.isEmpty ? "" : ", policy: '<policies><inbound><base />\(routePolicy)</inbound></policies>'"
            let example = RuleExample.api(
                "partner",
                fields: "auth: none\npolicy: '<policies><inbound><base /><include-fragment fragment-id=\"modes\" />\(statements)<include-fragment fragment-id=\"partner-check\" /></inbound></policies>'\n",
                routes: "  - {id: list-orders, method: GET, path: /orders, public: checked by the partner fragment\(route)}\n")
            try writeSide(side, fragments.map { "---\n" + $0 }.joined() + "---\n" + example.text, in: directory)
        }
        for head in ["fragment", "route"] {
            let changes = try gate("base", head, widens: true)
            XCTAssertTrue(
                changes.contains(
                    "privilege increase: the raw policy of fragment 'partner-check' lets callers decide whether 'validate-jwt' checks their requests: a condition around it reads what they send through variables set in another policy"
                ), "\(head): \(changes)")
        }
        let kept = try gate("replaced", "kept", widens: true)
        XCTAssertTrue(
            kept.contains(
                "privilege increase: the raw policy of API 'partner' lets callers decide whether 'validate-jwt' checks their requests: a condition around it reads what they send"),
            kept)
        try gate("replaced", "tagged", widens: false)
        try gate("replaced", "branched", widens: true)
        try gate("replaced", "copied", widens: true)
        // The other way, the caller no longer decides: no increase (audit V94).
        try gate("fragment", "base", widens: false)
        try gate("kept", "replaced", widens: false)
        // Another API's variable of the same name decides nothing here (audit V94).
        let other = RuleExample.api(
            "reports", fields: "policy: '<policies><inbound><base /><set-variable name=\"skip\" value=\"\(fromHeader)\" /></inbound></policies>'\n",
            routes: "  - {id: list-reports, method: GET, path: /reports, scopes: [orders.read]}\n")
        let inline = #"<policies><inbound><base /><set-variable name="skip" value="no" /><choose><when condition="@((string)context.Variables.GetValueOrDefault(&quot;skip&quot;, &quot;no&quot;) != &quot;yes&quot;)">\#(Self.partnerCheck())</when></choose></inbound></policies>"#
        let own = RuleExample.api(
            "partner", fields: "auth: none\npolicy: '\(inline)'\n",
            routes: "  - {id: list-orders, method: GET, path: /orders, public: checked by the partner check}\n")
        try writeSide("alone", "---\n" + own.text, in: directory)
        try writeSide("beside", "---\n" + own.text + "---\n" + other.text, in: directory)
        try gate("alone", "beside", widens: false)
    }

    /// A `choose` on the method is judged as lint judges it, by the methods of the routes
    /// the policy runs for (the audit of `diff` in the thirty-fifth round): a check moved
    /// into the `otherwise` of a `when` for `OPTIONS` still checks every `GET` and `POST`
    /// (it was a privilege increase, failing CI on the usual CORS pattern), and widening it
    /// there is one (it was listed for review). A check or limit for some requests only,
    /// removed, is a widening too (it was listed for review).
    func testAChooseOnTheMethodIsJudgedByTheRoutesMethods() throws {
        let jwt = { (roles: String) in Self.partnerCheck(roles: roles) }
        let read = "<value>Orders.Read</value>"
        let preflight = { (check: String) in
            #"<choose><when condition="@(context.Request.Method == &quot;OPTIONS&quot;)"><return-response><set-status code="204" /></return-response></when><otherwise>\#(check)</otherwise></choose>"#
        }
        let writesOnly = { (statement: String) in #"<choose><when condition="@(context.Request.Method != &quot;GET&quot;)">\#(statement)</when></choose>"# }
        let limit = #"<rate-limit calls="10" renewal-period="60" />"#
        for (side, statements) in [
            ("plain", jwt(read)),
            ("preflight", preflight(jwt(read))),
            ("wider", preflight(jwt(read + "<value>Orders.Write</value>"))),
            ("writes", writesOnly(jwt(read)) + writesOnly(limit)),
            ("none", ""),
        ] {
            let example = RuleExample.api(
                "partner", fields: "policy: '<policies><inbound><base />\(statements)</inbound></policies>'\n",
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n  - {id: place-order, method: POST, path: /orders, scopes: [orders.write]}\n")
            try writeSide(side, "---\n" + example.text, in: directory)
        }
        let moved = try gate("plain", "preflight", widens: false)
        XCTAssertFalse(moved.contains("privilege increase"), moved)
        let widened = try gate("preflight", "wider", widens: true)
        XCTAssertTrue(
            widened.contains("privilege increase: the raw policy of API 'partner' lets 'validate-jwt' accept more values of claim 'roles'\n"),
            widened)
        let removed = try gate("writes", "none", widens: true)
        for expected in [
            "privilege increase: the raw policy of API 'partner' removes a 'validate-jwt' that checks some requests (in BASE)\n",
            "looser limit: the raw policy of API 'partner' removes a 'rate-limit' that counts some requests (in BASE)\n",
        ] {
            XCTAssertTrue(removed.contains(expected), "missing: \(expected)in:\n\(removed)")
        }
    }

    /// The same check or limit written in every branch of a `choose` one branch of which
    /// every request takes runs on every request, as lint reads it: moving one into such
    /// branches was "turns 'validate-jwt' into a check that ... checks only some requests",
    /// a false failure of CI. Branches that hold different statements are weighed as
    /// before: which one a request meets depends on the branch (the audit of the change
    /// found a check swapped for another in one branch passing as one on every request).
    func testTheSameCheckInEveryBranchChecksEveryRequest() throws {
        let read = "<value>Orders.Read</value>"
        let jwt = { (roles: String) in Self.partnerCheck(roles: roles) }
        let bearer = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences><required-claims><claim name="roles" match="any"><value>Orders.Admin</value></claim></required-claims></validate-jwt>"#
        // APIM allows one 'rate-limit' per document; limits by key may be written in each branch.
        let limit = { (calls: Int) in #"<rate-limit-by-key calls="\#(calls)" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"# }
        let perSubscription = #"<rate-limit-by-key calls="100000" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#
        let byPartner = { (partner: String, others: String) in
            #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;))">\#(partner)</when><otherwise>\#(others)</otherwise></choose>"#
        }
        for (side, statements) in [
            ("plain", jwt(read) + limit(10)),
            ("branched", byPartner(jwt(read) + limit(10), jwt(read) + limit(10))),
            ("looser", byPartner(jwt(read + "<value>Orders.Write</value>") + limit(100_000), jwt(read) + limit(10))),
            ("partial", byPartner(jwt(read) + limit(10), limit(10))),
            ("both", jwt(read) + bearer),
            ("swapped", jwt(read) + byPartner(bearer, jwt(read))),
            ("limitfirst", perSubscription + byPartner(limit(10), limit(10))),
            ("limitlast", byPartner(limit(10), limit(10)) + perSubscription),
            // The same check after a header one branch sets, which it then judges (an audit).
            ("headerset", byPartner(#"<set-header name="X-Partner-Token" exists-action="override"><value>@(&quot;unsigned&quot;)</value></set-header>"# + jwt(read), jwt(read)) + limit(10)),
        ] {
            let example = RuleExample.api(
                "partner", fields: "policy: '<policies><inbound><base />\(statements)</inbound></policies>'\n",
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
            try writeSide(side, "---\n" + example.text, in: directory, opening: side == "headerset")
        }
        let gated = "privilege-increase,looser-limit"
        let headerSet = try gate("plain", "headerset", widens: true)
        XCTAssertTrue(headerSet.contains("turns 'validate-jwt' into a check that lets callers through or checks only some requests"), headerSet)
        for (base, head) in [("plain", "branched"), ("branched", "plain"), ("limitfirst", "limitlast")] {
            let report = try gate(base, head, widens: false, on: gated)
            XCTAssertFalse(report.contains("some requests"), report)
        }
        for base in ["plain", "branched"] {
            let looser = try gate(base, "looser", widens: true, on: gated)
            for expected in [
                "privilege increase: the raw policy of API 'partner' turns 'validate-jwt' into a check that lets callers through or checks only some requests\n",
                "looser limit: the raw policy of API 'partner' turns 'rate-limit-by-key' into one that counts nothing or only some requests\n",
            ] {
                XCTAssertTrue(looser.contains(expected), "\(base) → looser, missing: \(expected)in:\n\(looser)")
            }
        }
        let partial = try gate("branched", "partial", widens: true, on: gated)
        XCTAssertTrue(
            partial.contains("privilege increase: the raw policy of API 'partner' turns 'validate-jwt' into a check that lets callers through or checks only some requests\n"),
            partial)
        XCTAssertFalse(partial.contains("looser limit"), partial)
        try gate("both", "swapped", widens: true, on: gated)
    }

    /// A limit whose counter key becomes new for every request counts nothing, as lint reads
    /// it (found by the audit of the forty-fifth round: each was listed for review only):
    /// a key reading the time the request has taken, and a variable set so, in the same
    /// policy or another one the route's requests pass, which leaves the limit's own text
    /// as it was; a quota's key too. Another API's variable of the same name is not the
    /// route's: made new for every request, it changes none of its limits.
    func testACounterKeyMadeNewForEveryRequestIsALooserLimit() throws {
        let subscription = "@(context.Subscription.Id)"
        let orders = { (statements: String) in
            RuleExample.api(
                "orders", fields: "rateLimit: none\npolicy: '<policies><inbound><base />\(statements)</inbound></policies>'\n",
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").text
        }
        let limits = { (rateKey: String, quotaKey: String) in
            #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="\#(rateKey)" /><quota-by-key calls="1000" renewal-period="86400" counter-key="\#(quotaKey)" />"#
        }
        let bucket = "@((string)context.Variables[&quot;bucket&quot;])"
        let side = { (global: String, own: String, audit: String, rateKey: String, quotaKey: String) in
            "policy: '<policies><inbound><set-variable name=\"bucket\" value=\"\(global)\" /></inbound><backend><forward-request /></backend></policies>'\n---\n"
                + orders(own + limits(rateKey, quotaKey)) + "---\n"
                + RuleExample.api(
                    "audit", fields: "policy: '<policies><inbound><base /><set-variable name=\"trail\" value=\"\(audit)\" /></inbound></policies>'\n",
                    routes: "  - {id: list-audit, method: GET, path: /audit, scopes: [orders.read]}\n").text
        }
        let guid = "@(Guid.NewGuid().ToString())"
        let ownTrail = #"<set-variable name="trail" value="@(context.Subscription.Id)" />"#
        let trail = "@((string)context.Variables[&quot;trail&quot;])"
        let quotaVariable = #"<set-variable name="quotaKey" value="@(context.RequestId.ToString())" />"#
        for (name, text, opening) in [
            ("base", side(subscription, ownTrail, subscription, bucket, trail), false),
            ("gateway", side(guid, ownTrail, subscription, bucket, trail), true),
            ("audit", side(subscription, ownTrail, guid, bucket, trail), false),
            ("elapsed", side(subscription, ownTrail, subscription, "@(context.Subscription.Id + context.Elapsed.Ticks)", trail), true),
            ("quota", side(subscription, ownTrail + quotaVariable, subscription, bucket, "@((string)context.Variables[&quot;quotaKey&quot;])"), false),
        ] {
            try writeSide(name, text, in: directory, opening: opening)
        }
        let gated = "privilege-increase,looser-limit,cache-widened"
        let throughTheGateway = try gate("base", "gateway", widens: true, on: gated)
        XCTAssertTrue(
            throughTheGateway.contains(
                "looser limit: the raw policy of API 'orders' turns 'rate-limit-by-key' into one that counts nothing or only some requests through variables set in another policy\n"),
            throughTheGateway)
        let elapsed = try gate("base", "elapsed", widens: true, on: gated)
        XCTAssertTrue(elapsed.contains("looser limit: the raw policy of API 'orders' turns 'rate-limit-by-key' into one that counts nothing or only some requests\n"), elapsed)
        let quota = try gate("base", "quota", widens: true, on: gated)
        XCTAssertTrue(quota.contains("looser limit: the raw policy of API 'orders' turns 'quota-by-key' into one that counts nothing or only some requests\n"), quota)
        let audit = try gate("base", "audit", widens: false, on: gated)
        XCTAssertFalse(audit.contains("API 'orders'"), audit)
    }

    /// A check and a limit moved from an API's raw policy into each of its routes', or back,
    /// or between every API's and the gateway's, run on the same requests: the move was a
    /// removal (a false failure of CI). What each route meets after the move is compared
    /// with what it met before.
    func testStatementsMovedBetweenBroaderAndNarrowerPoliciesAreNoRemoval() throws {
        let read = "<value>Orders.Read</value>"
        let statements = { (roles: String) in
            Self.partnerCheck(roles: roles) + #"<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#
        }
        let policy = { (statements: String) in "'<policies><inbound><base />\(statements)</inbound></policies>'" }
        let side = { (api: String, list: String?, place: String?) in
            let route = { (id: String, method: String, statements: String?) in
                "  - {id: \(id), method: \(method), path: /orders, public: partners call it with their own token\(statements.map { ", policy: " + policy($0) } ?? "")}\n"
            }
            return "---\n"
                + RuleExample.api(
                    "orders", fields: "auth: none\npolicy: \(policy(api))\n", routes: route("list-orders", "GET", list) + route("place-order", "POST", place)).text
        }
        try writeSide("api", side(statements(read), nil, nil), in: directory)
        try writeSide("routes", side("", statements(read), statements(read)), in: directory)
        try writeSide("looser", side("", statements(read), statements(read + "<value>Orders.Write</value>")), in: directory)
        try writeSide("one", side("", statements(read), nil), in: directory, opening: true)
        let gated = "privilege-increase,looser-limit"
        let down = try gate("api", "routes", widens: false, on: gated)
        XCTAssertTrue(down.contains("other: API 'orders' moves 'validate-jwt' into the raw policy of each of its routes (in BASE)\n"), down)
        XCTAssertFalse(down.contains("adds"), down)
        let up = try gate("routes", "api", widens: false, on: gated)
        XCTAssertTrue(up.contains("other: route 'orders/place-order' moves 'rate-limit-by-key' into its API's raw policy (in BASE)\n"), up)
        XCTAssertFalse(up.contains("adds"), up)
        let looser = try gate("api", "looser", widens: true, on: gated)
        XCTAssertTrue(
            looser.contains(
                "privilege increase: the raw policy of route 'orders/place-order', where its API's 'validate-jwt' moved, lets 'validate-jwt' accept more values of claim 'roles'\n"),
            looser)
        try gate("looser", "api", widens: false, on: gated)
        let one = try gate("api", "one", widens: true, on: gated)
        XCTAssertTrue(one.contains("privilege increase: the raw policy of API 'orders' removes 'validate-jwt' (in BASE)\n"), one)
        // Only a whole move is one (the audit of the change): a limit that leaves beside
        // another of its name, raised on the way, is a removal; a gateway's check that goes
        // while the routes' move into their API is a removal too, not a second move.
        let perSubscription = #"<rate-limit-by-key calls="50" renewal-period="60" counter-key="@(context.Subscription.Id)" />"#
        let raised = Self.partnerCheck(roles: read) + #"<rate-limit-by-key calls="100000" renewal-period="60" counter-key="@(context.Request.IpAddress)" />"#
        try writeSide("beside", side(statements(read) + perSubscription, nil, nil), in: directory)
        try writeSide("besidemoved", side(perSubscription, raised, raised), in: directory)
        let beside = try gate("beside", "besidemoved", widens: true, on: gated)
        XCTAssertTrue(beside.contains("looser limit: the raw policy of API 'orders' removes 'rate-limit-by-key' (in BASE)\n"), beside)
        let bearer = #"<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://gateway</audience></audiences><required-claims><claim name="roles" match="any"><value>Orders.Admin</value></claim></required-claims></validate-jwt>"#
        try writeSide("gatewayroutes", "policy: '<policies><inbound>\(bearer)</inbound></policies>'\n" + side("", statements(read), statements(read)), in: directory)
        let lost = try gate("gatewayroutes", "api", widens: true, on: gated)
        XCTAssertTrue(lost.contains("privilege increase: the raw policy of the gateway removes 'validate-jwt' (in BASE)\n"), lost)
        // The same between every API's policy and the gateway's.
        let apis = { (statements: String) in
            ["orders", "billing"].map { name in
                "---\n" + RuleExample.api(name, fields: "auth: none\npolicy: \(policy(statements))\n", routes: "  - {id: list-\(name), method: GET, path: /\(name), public: partners call it with their own token}\n").text
            }.joined()
        }
        let everyAPI = "every-api", gateway = "gateway"
        for (name, gatewayPolicy, apiStatements) in [(everyAPI, "", statements(read)), (gateway, "policy: '<policies><inbound>\(statements(read))</inbound></policies>'\n", "")] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(name), withIntermediateDirectories: true)
            try (RuleExample.baseGateway + gatewayPolicy + apis(apiStatements)).write(to: directory.appendingPathComponent("\(name)/defs.yaml"), atomically: true, encoding: .utf8)
        }
        let toGateway = try gate(everyAPI, gateway, widens: false, on: gated)
        XCTAssertTrue(toGateway.contains("other: API 'billing' moves 'validate-jwt' into the gateway's raw policy (in BASE)\n"), toGateway)
        XCTAssertFalse(toGateway.contains("adds"), toGateway)
        let toAPIs = try gate(gateway, everyAPI, widens: false, on: gated)
        XCTAssertTrue(toAPIs.contains("other: the gateway moves 'rate-limit-by-key' into the raw policy of each API (in BASE)\n"), toAPIs)
    }

    /// Changes the audit of `diff` found failing CI as widenings, and the widenings beside
    /// them: an IP filter compared as written (a range narrowed, split in two, or a forbid
    /// list grown was "lets more addresses past"), a fragment no policy includes removed, a
    /// fragment renamed with its includes, and a route added behind its API's raw token
    /// check, called public.
    func testNarrowingsRenamesAndRawGuardsAreNoWidening() throws {
        let jwt = Self.partnerCheck()
        let fragment = { (name: String) in
            "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: \(name)\npolicy: '<fragment>\(jwt)</fragment>'\n"
        }
        let filter = { (action: String, entries: String) in #"<ip-filter action="\#(action)">\#(entries)</ip-filter>"# }
        let range = { (from: String, to: String) in #"<address-range from="\#(from)" to="\#(to)" />"# }
        let routes = "  - {id: list-orders, method: GET, path: /orders, public: partners call it with their own token}\n"
        let archive = "  - {id: list-archive, method: GET, path: /archive, public: partners call it with their own token}\n"
        let sides: [(name: String, include: String, filter: String, fragments: String, routes: String)] = [
            ("base", "partner-auth", filter("allow", range("10.0.0.0", "10.0.0.255")), fragment("partner-auth") + fragment("unused"), routes),
            ("narrowed", "partner-auth", filter("allow", range("10.0.0.0", "10.0.0.127")), fragment("partner-auth") + fragment("unused"), routes),
            ("split", "partner-auth", filter("allow", range("10.0.0.0", "10.0.0.127") + range("10.0.0.128", "10.0.0.255")), fragment("partner-auth"), routes),
            ("renamed", "partner-jwt", filter("allow", range("10.0.0.0", "10.0.0.255")), fragment("partner-jwt") + fragment("unused"), routes + archive),
            ("widened", "partner-auth", filter("allow", range("10.0.0.0", "10.0.1.255")), fragment("partner-auth") + fragment("unused"), routes),
            ("forbids", "partner-auth", filter("forbid", "<address>10.0.0.7</address>"), fragment("partner-auth"), routes),
            ("forbidsmore", "partner-auth", filter("forbid", range("10.0.0.0", "10.0.0.15")), fragment("partner-auth"), routes),
        ]
        for side in sides {
            let example = RuleExample.api(
                "partner",
                fields: "auth: none\npolicy: '<policies><inbound><base />\(side.filter)<include-fragment fragment-id=\"\(side.include)\" /></inbound></policies>'\n",
                routes: side.routes)
            try writeSide(side.name, side.fragments + "---\n" + example.text, in: directory)
        }
        for (base, head) in [("base", "narrowed"), ("base", "split"), ("base", "renamed"), ("forbids", "forbidsmore")] {
            try gate(base, head, widens: false)
        }
        let renamed = try ToolProcess.run(["diff", "base", "renamed"], in: directory)
        XCTAssertTrue(
            renamed.stdout.contains("other: route 'partner/list-archive' was added; it requires a token, checked by a raw policy\n"), renamed.stdout)
        let widened = try gate("base", "widened", widens: true)
        XCTAssertTrue(
            widened.contains("privilege increase: the raw policy of API 'partner' lets more addresses past 'ip-filter': it now admits 10.0.1.0-10.0.1.255\n"),
            widened)
        try gate("forbidsmore", "forbids", widens: true)
    }

    /// An 'ip-filter' whose action is an expression was read as forbidding what it lists
    /// (audit V6): made to allow every address but the one it allowed, or given an action
    /// worked out on each request, it passed for the same filter. A constant expression is
    /// its string; an action not read here may admit any address, and may have refused any.
    func testAnIPFilterWhoseActionIsAnExpressionIsReadAsAPIMReadsIt() throws {
        let filter = { (action: String, entries: String) in #"<ip-filter action="\#(action)">\#(entries)</ip-filter>"# }
        let one = "<address>10.1.1.1</address>"
        let others = #"<address-range from="0.0.0.0" to="10.1.1.0" /><address-range from="10.1.1.2" to="255.255.255.255" />"#
        let computed = "@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;action&quot;, &quot;allow&quot;))"
        let routes = "  - {id: list-orders, method: GET, path: /orders, public: partners call it from their network}\n"
        for (side, statement) in [("base", filter("allow", one)), ("constant", filter("@(&quot;allow&quot;)", others)), ("computed", filter(computed, one))] {
            let example = RuleExample.api("partner", fields: "auth: none\npolicy: '<policies><inbound><base />\(statement)</inbound></policies>'\n", routes: routes)
            try writeSide(side, "---\n" + example.text, in: directory)
        }
        for (base, head, message) in [
            ("base", "constant", "lets more addresses past 'ip-filter': it now admits 0.0.0.0-10.1.1.0, 10.1.1.2-255.255.255.255"),
            ("base", "computed", "gives an 'ip-filter' an action not read here, which may let any address past it"),
            ("computed", "base", "lets more addresses past an 'ip-filter' whose action was not read here: it may have refused those it now admits"),
        ] {
            let widened = try gate(base, head, widens: true)
            XCTAssertTrue(widened.contains("privilege increase: the raw policy of API 'partner' \(message)\n"), widened)
        }
    }

    /// A raw answer on every request answers as `respond` does (the audit of `diff`): one
    /// removed from a public route, whose backend callers without a token then reach, was
    /// listed for review only; a `respond` written as the same raw answer failed CI as the
    /// backend called publicly.
    func testARawAnswerOnEveryRequestIsWeighedAsARespond() throws {
        let answer = #"<return-response><set-status code="200" reason="OK" /><set-body>{&quot;status&quot;:&quot;ok&quot;}</set-body></return-response>"#
        let route = "  - id: health\n    method: GET\n    path: /health\n    auth: none\n    public: a probe\n"
        for (side, fields) in [
            ("responds", "    respond: {status: 200, body: '{\"status\":\"ok\"}'}\n"),
            ("raw", "    policy: '<policies><inbound><base />\(answer)</inbound></policies>'\n"),
            ("mocked", "    policy: '<policies><inbound><base /><mock-response status-code=\"200\" content-type=\"application/json\" /></inbound></policies>'\n"),
            ("calls", ""),
        ] {
            try writeSide(side, "---\n" + RuleExample.api("status", routes: route + fields).text, in: directory)
        }
        try gate("responds", "raw", widens: false)
        // A product's answer is its subscribers' alone: the callers of no product reach the
        // backend (round 52; it was taken for every caller's).
        let product = { (name: String, inbound: String) in
            "---\napiVersion: portcullis/v1\nkind: Product\nname: \(name)\napis: [status]\npolicy: '<policies><inbound>\(inbound)</inbound></policies>'\n"
        }
        try writeSide("sold", "---\n" + RuleExample.api("status", routes: route).text + product("probes", "<base />\(answer)"), in: directory)
        for answered in ["raw", "mocked", "responds"] {
            let removed = try gate(answered, answered == "responds" ? "sold" : "calls", widens: true)
            XCTAssertTrue(
                removed.contains("privilege increase: route 'status/health' is public and now calls its backend instead of the gateway answering\n"),
                removed)
        }
        // Nor does the gateway's answer every caller's where a product drops it for its own.
        let gatewayAnswers = RuleExample.baseGateway + "policy: '<policies><inbound>\(answer)</inbound></policies>'\n"
        let folder = directory.appendingPathComponent("gateway")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try (gatewayAnswers + "---\n" + RuleExample.api("status", routes: route).text + product("probes", #"<set-header name="X-Probe" exists-action="override"><value>1</value></set-header>"#))
            .write(to: folder.appendingPathComponent("defs.yaml"), atomically: true, encoding: .utf8)
        let dropped = try gate("responds", "gateway", widens: true)
        XCTAssertTrue(dropped.contains("privilege increase: route 'status/health' is public and now calls its backend instead of the gateway answering\n"), dropped)

        // A product that runs `<base />` in a `when` and answers in its `otherwise` passes
        // no request on to the backend: the gateway answers the others (audit V22, a false
        // increase). A policy so written at the route's or the API's scope is read alike.
        let baseOrAnswer = #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-A&quot;))"><base /></when><otherwise>\#(answer)</otherwise></choose>"#
        for (name, estate) in [
            ("productanswers", RuleExample.api("status", routes: route).text + product("probes", baseOrAnswer)),
            ("routeanswers", RuleExample.api("status", routes: route + "    policy: '<policies><inbound>\(baseOrAnswer)</inbound></policies>'\n").text),
        ] {
            let folder = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try (gatewayAnswers + "---\n" + estate).write(to: folder.appendingPathComponent("defs.yaml"), atomically: true, encoding: .utf8)
            let answered = try ToolProcess.run(["diff", "responds", name], in: directory)
            XCTAssertFalse(answered.stdout.contains("now calls its backend"), "\(name): \(answered.stdout)")
        }
    }

    /// A product's rewrite sends its subscribers alone elsewhere: the callers of no product
    /// reach the route's own operation. Read as every caller's, a public route added at a
    /// new path, which a product's rewrite sends where a removed route went, was paired with
    /// that route as reaching the same operation, and never reported as added (round 52).
    func testAProductsRewriteSendsItsSubscribersAloneElsewhere() throws {
        let product = { (inbound: String) in
            "---\napiVersion: portcullis/v1\nkind: Product\nname: partners\napis: [orders]\napprovalRequired: true\npolicy: '<policies><inbound><base />\(inbound)</inbound></policies>'\n"
        }
        let api = { (route: String) in RuleExample.api("orders", fields: "auth: none\n", routes: "  - {id: \(route), method: GET, path: /\(route), public: a catalogue}\n").text }
        try writeSide("base", "---\n" + api("x") + product(""), in: directory)
        try writeSide("head", "---\n" + api("y") + product(#"<rewrite-uri template="/x" />"#), in: directory)
        let report = try gate("base", "head", widens: true)
        XCTAssertTrue(report.contains("privilege increase: route 'orders/y' was added; it is public\n"), report)
        XCTAssertFalse(report.contains("as 'orders/x' did"), report)

        // A product that drops the gateway's policy drops its rewrite for its own
        // subscribers alone: the callers of no product are sent where it says (audit V22,
        // older than the round; the gateway's rewrite was read for no caller).
        let routes = "  - {id: pub, method: GET, path: /pub, public: a catalogue}\n  - {id: adm, method: GET, path: /adm, auth: entra, scopes: [orders.read]}\n"
        let estate = RuleExample.api("orders", fields: "auth: none\n", routes: routes).text + product(#"<set-header name="X-Partner" exists-action="override"><value>1</value></set-header>"#)
            .replacingOccurrences(of: "<base />", with: "")
        try writeSide("dropped", "---\n" + estate, in: directory)
        let rewrite = #"<choose><when condition="@(context.Operation.Id == &quot;pub&quot;)"><rewrite-uri template="/adm" /></when></choose>"#
        let folder = directory.appendingPathComponent("rewritten")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try (RuleExample.baseGateway + "policy: '<policies><inbound>\(rewrite)</inbound></policies>'\n---\n" + estate)
            .write(to: folder.appendingPathComponent("defs.yaml"), atomically: true, encoding: .utf8)
        let rewritten = try gate("dropped", "rewritten", widens: true)
        XCTAssertTrue(rewritten.contains("privilege increase: route 'orders/pub' now reaches 'GET /adm or GET /pub' on its backend instead of 'GET /pub'"), rewritten)
    }

    /// A route moved to another API leaves its old API's raw token check behind: the move
    /// was "reaches the operation, as the old route did" (`other`), with the check gone
    /// (the audit of `diff`).
    func testARouteMovedAwayFromItsAPIsRawChecksIsAWidening() throws {
        let jwt = Self.partnerCheck()
        let api = { (name: String, policy: String, routes: String) in
            "---\napiVersion: portcullis/v1\nkind: API\nname: \(name)\npath: \(name)\nbackend: https://items.example.com\nauth: none\n\(policy)routes:\n\(routes.isEmpty ? "  - {id: ping, method: GET, path: /ping, public: a probe}\n" : routes)"
        }
        let items = "  - {id: list-items, method: GET, path: /items, public: partners call it with their own token}\n"
        // With the API's IP filter, which the route leaves behind too (an audit), and a rate
        // limit, which is not weighed so: the route's generated one counts it still.
        let filter = #"<ip-filter action="allow"><address-range from="10.0.0.0" to="10.0.255.255" /></ip-filter>"#
        let limit = #"<rate-limit calls="10" renewal-period="60" />"#
        let checked = "policy: '<policies><inbound><base />\(filter)\(limit)\(jwt)</inbound></policies>'\n"
        try writeSide("base", api("partner", checked, items) + api("open", "", ""), in: directory)
        try writeSide("head", api("partner", checked, "") + api("open", "", items), in: directory)
        let moved = try gate("base", "head", widens: true)
        for expected in [
            "privilege increase: route 'open/list-items' no longer passes a raw token check: the policies of its old API ran one, and none of its new API's does\n",
            "privilege increase: route 'open/list-items' no longer passes a raw IP filter: the policies of its old API ran one, and none of its new API's does\n",
        ] {
            XCTAssertTrue(moved.contains(expected), "missing: \(expected)in:\n\(moved)")
        }
        let back = try ToolProcess.run(["diff", "head", "base"], in: directory)
        for expected in [
            "privilege decrease: route 'partner/list-items' is now checked for a token by a raw policy of its new API\n",
            "privilege decrease: route 'partner/list-items' is now filtered by IP address by a raw policy of its new API\n",
        ] {
            XCTAssertTrue(back.stdout.contains(expected), "missing: \(expected)in:\n\(back.stdout)")
        }
    }

    /// From the audit of the round's fixes: a check or limit for some requests weakened in
    /// place or turned into one that lets callers through was listed for review only; IP
    /// filters merged into one, admitting what they did, were a filter removed; a fragment's
    /// `choose` on the method was judged by every route of the estate and a `set-method` in a
    /// fragment nothing includes; a route moved from `auth` to a raw check was public.
    func testWhatBranchesFiltersAndRawChecksDoIsWeighedAsLintReadsIt() throws {
        let jwt = { (url: String) in Self.partnerCheck(url: url) }
        let issuer = "https://login.example.com/.well-known/openid-configuration"
        let partner = { (statement: String) in #"<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;))">\#(statement)</when></choose>"# }
        let limit = { (calls: Int) in #"<rate-limit calls="\#(calls)" renewal-period="60" />"# }
        let routes = "  - {id: list-orders, method: GET, path: /orders, public: partners call it with their own token}\n"
        let api = { (name: String, policy: String) in
            "---\n" + RuleExample.api(name, fields: "auth: none\npolicy: '<policies><inbound><base />\(policy)</inbound></policies>'\n", routes: routes).text
        }
        try writeSide("branch", api("orders", partner(jwt(issuer)) + partner(limit(10))), in: directory)
        try writeSide(
            "opened", api("orders", jwt("@(context.Request.Headers.GetValueOrDefault(&quot;X-Issuer&quot;, &quot;&quot;))") + partner(limit(100_000))), in: directory,
            opening: true)
        let opened = try gate("branch", "opened", widens: true, on: "privilege-increase,looser-limit")
        for expected in [
            "privilege increase: the raw policy of API 'orders' turns a 'validate-jwt' that checks some requests into a check that lets callers through\n",
            "looser limit: the raw policy of API 'orders' raises the budget of 'rate-limit' to 100000 calls per 60s from 10 per 60s, where it counts some requests only\n",
        ] {
            XCTAssertTrue(opened.contains(expected), "missing: \(expected)in:\n\(opened)")
        }
        // Two filters, an allow list and an address it forbids, merged into one allow list
        // that admits the same addresses.
        let range = { (from: String, to: String) in #"<address-range from="\#(from)" to="\#(to)" />"# }
        try writeSide(
            "two", api("orders", #"<ip-filter action="allow">\#(range("10.0.0.0", "10.0.0.255"))</ip-filter><ip-filter action="forbid"><address>10.0.0.13</address></ip-filter>"#),
            in: directory)
        try writeSide(
            "merged", api("orders", #"<ip-filter action="allow">\#(range("10.0.0.0", "10.0.0.12"))\#(range("10.0.0.14", "10.0.0.255"))</ip-filter>"#), in: directory)
        try gate("two", "merged", widens: false)
        // A fragment's CORS pattern, included by a GET route's API only, beside another API's
        // OPTIONS route and a fragment nothing includes that sets the method.
        let preflight = { (check: String) in
            #"<fragment><choose><when condition="@(context.Request.Method == &quot;OPTIONS&quot;)"><return-response><set-status code="204" /></return-response></when><otherwise>\#(check)</otherwise></choose></fragment>"#
        }
        let fragments = { (body: String) in
            "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: auth\npolicy: '\(body)'\n"
                + "---\napiVersion: portcullis/v1\nkind: PolicyFragment\nname: unused\npolicy: '<fragment><set-method>POST</set-method></fragment>'\n"
        }
        let options = "---\n" + RuleExample.api("preflight", fields: "auth: none\n", routes: "  - {id: probe, method: OPTIONS, path: /probe, public: browsers ask it}\n").text
        try writeSide("plainfragment", fragments("<fragment>\(jwt(issuer))</fragment>") + api("orders", #"<include-fragment fragment-id="auth" />"#) + options, in: directory)
        try writeSide("corsfragment", fragments(preflight(jwt(issuer))) + api("orders", #"<include-fragment fragment-id="auth" />"#) + options, in: directory)
        try gate("plainfragment", "corsfragment", widens: false)
        // The same beside a call whose own request sets its method, which the request's
        // is not (the last audit); and the fragment inlined into the API, then emptied.
        let audit = #"<send-request mode="new" response-variable-name="audit"><set-url>https://audit.example.com/events</set-url><set-method>POST</set-method></send-request>"#
        try writeSide("corsaudited", fragments(preflight(jwt(issuer))) + api("orders", #"<include-fragment fragment-id="auth" />"# + audit) + options, in: directory)
        try writeSide("plainaudited", fragments("<fragment>\(jwt(issuer))</fragment>") + api("orders", #"<include-fragment fragment-id="auth" />"# + audit) + options, in: directory)
        try gate("plainaudited", "corsaudited", widens: false)
        try writeSide("inlined", fragments("<fragment />") + api("orders", jwt(issuer)) + options, in: directory)
        try gate("plainfragment", "inlined", widens: false)
        // A route whose provider's check moved into a raw policy is checked still, not
        // public; but the raw check's issuers and keys are not the provider's, and may be
        // another tenant's (audit V54: this was "other").
        try writeSide(
            "provider",
            "---\n" + RuleExample.api("orders", routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").text, in: directory)
        try writeSide("raw", api("orders", jwt(issuer)), in: directory)
        let moved = try gate("provider", "raw", widens: true)
        XCTAssertTrue(
            moved.contains(
                "privilege increase: route 'orders/list-orders' no longer checks tokens from 'entra' itself: a raw policy checks every request's token, with issuers, keys and claims not compared with the provider's\n"),
            moved)
        XCTAssertFalse(moved.contains("became public"), moved)
    }

    /// One side of the raw policy tests below: an API `orders` with one GET route requiring
    /// a token, whose policy runs `inbound` and `outbound` after `<base />` (the generated
    /// token check); lint must exit with `status`.
    private func writeRouteSide(
        _ side: String, inbound: String, outbound: String = "", lint status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        let policy = "<policies><inbound><base />\(inbound)</inbound><outbound><base />\(outbound)</outbound></policies>"
        let example = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], policy: '\(policy)'}\n")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(side), withIntermediateDirectories: true)
        try (RuleExample.baseGateway + "---\n" + example.text).write(to: directory.appendingPathComponent("\(side)/defs.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", side], in: directory)
        XCTAssertEqual(lint.status, status, "\(side): \(lint.stdout)", file: file, line: line)
        return lint.stdout
    }

    /// A semantic cache of completions on a route that requires a token serves one caller's
    /// answer to another whose prompt is alike, unless a `vary-by` tells callers apart
    /// (forty-fifth round's audit: `other` in diff, lint 0). Added, or its `vary-by`
    /// dropped, it widens the cache; lint judges its `vary-by`s as CA001 judges a store's
    /// key (a subscription is an application's), and its store's duration by that sharing.
    func testASemanticCacheSharedBetweenCallersIsWidenedAndReported() throws {
        let lookup = { (name: String, partition: String?) in
            #"<\#(name) score-threshold="0.05" embeddings-backend-id="embeddings" embeddings-backend-auth="system-assigned">"#
                + (partition.map { "<vary-by>@(\($0))</vary-by>" } ?? "") + "</\(name)>"
        }
        let subject = "context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Subject"
        let store = #"<llm-semantic-cache-store duration="60" />"#
        _ = try writeRouteSide("plain", inbound: "")
        _ = try writeRouteSide("partitioned", inbound: lookup("llm-semantic-cache-lookup", subject), outbound: store)
        let shared = try writeRouteSide("shared", inbound: lookup("llm-semantic-cache-lookup", nil), outbound: store, lint: 1)
        XCTAssertTrue(
            shared.contains(
                "error: raw 'llm-semantic-cache-lookup' in route 'orders/list-orders' shares cached completions between the callers of route 'list-orders', which requires a token: no 'vary-by' tells them apart [CA001]"),
            shared)
        let bySubscription = try writeRouteSide("subscription", inbound: lookup("azure-openai-semantic-cache-lookup", "context.Subscription.Id"), lint: 1)
        XCTAssertTrue(bySubscription.contains("error: raw 'azure-openai-semantic-cache-lookup' in route 'orders/list-orders' shares cached completions"), bySubscription)
        // Kept an hour for each caller: past the per-user limit, not the shared one.
        let kept = try writeRouteSide(
            "kept", inbound: lookup("llm-semantic-cache-lookup", subject), outbound: #"<llm-semantic-cache-store duration="3600" />"#, lint: 1)
        XCTAssertTrue(kept.contains("error: raw 'llm-semantic-cache-store' in route 'orders/list-orders' caches for 1h, longer than the per-user limit of 5m [CA002]"), kept)
        let gate = "privilege-increase,looser-limit,cache-widened"
        let added = try self.gate("plain", "partitioned", widens: true, on: gate)
        XCTAssertTrue(added.contains("cache widened: the raw policy of route 'orders/list-orders' adds 'llm-semantic-cache-lookup'\n"), added)
        let dropped = try self.gate("partitioned", "shared", widens: true, on: gate)
        XCTAssertTrue(
            dropped.contains(
                "cache widened: the raw policy of route 'orders/list-orders' makes 'llm-semantic-cache-lookup' no longer vary on '@(\(subject))'"),
            dropped)
        try self.gate("shared", "partitioned", widens: false, on: gate)
    }

    /// A language model's token limit loosened (forty-fifth round's audit: `other` in diff,
    /// lint 0): its tokens per minute or quota raised, the statement removed, or its
    /// counter keyed by a header the caller writes, which RL004 warns of too.
    func testALoosenedTokenLimitIsALooserLimit() throws {
        let limit = { (name: String, key: String, budget: String) in #"<\#(name) counter-key="\#(key)" \#(budget) estimate-prompt-tokens="false" />"# }
        let subscription = "@(context.Subscription.Id)"
        let header = "@(context.Request.Headers.GetValueOrDefault(&quot;X-Client&quot;, &quot;&quot;))"
        let budget = #"tokens-per-minute="5000" token-quota="100000" token-quota-period="Daily""#
        _ = try writeRouteSide("base", inbound: limit("llm-token-limit", subscription, budget))
        _ = try writeRouteSide("raised", inbound: limit("llm-token-limit", subscription, #"tokens-per-minute="50000000" token-quota="100000" token-quota-period="Daily""#))
        _ = try writeRouteSide("monthly", inbound: limit("llm-token-limit", subscription, #"tokens-per-minute="5000" token-quota="100000" token-quota-period="Monthly""#))
        _ = try writeRouteSide("hourly", inbound: limit("llm-token-limit", subscription, #"tokens-per-minute="5000" token-quota="100000" token-quota-period="Hourly""#))
        _ = try writeRouteSide("removed", inbound: "")
        let spoofed = try writeRouteSide("header", inbound: limit("llm-token-limit", header, budget))
        XCTAssertTrue(spoofed.contains("warning: raw 'llm-token-limit' in route 'orders/list-orders' counts by a request header, which callers choose [RL004]"), spoofed)
        _ = try writeRouteSide("older", inbound: limit("azure-openai-token-limit", subscription, budget))
        let gate = "privilege-increase,looser-limit,cache-widened"
        for (head, expected) in [
            ("raised", "looser limit: the raw policy of route 'orders/list-orders' raises the budget of 'llm-token-limit' to 50000000 tokens per 60s from 5000 per 60s\n"),
            ("hourly", "looser limit: the raw policy of route 'orders/list-orders' raises the budget of 'llm-token-limit' for its token quota to 100000 tokens per 3600s from 100000 per 86400s\n"),
            ("removed", "looser limit: the raw policy of route 'orders/list-orders' removes 'llm-token-limit' (in BASE)\n"),
            ("header", "looser limit: the raw policy of route 'orders/list-orders' counts 'llm-token-limit' by a key callers choose, so each may count anew as often as it likes\n"),
        ] {
            let result = try self.gate("base", head, widens: true, on: gate)
            XCTAssertTrue(result.contains(expected), "\(head): missing \(expected)in:\n\(result)")
        }
        try self.gate("base", "monthly", widens: false, on: gate)
        try self.gate("raised", "base", widens: false, on: gate)
        let older = try self.gate("older", "removed", widens: true, on: gate)
        XCTAssertTrue(older.contains("looser limit: the raw policy of route 'orders/list-orders' removes 'azure-openai-token-limit' (in BASE)\n"), older)
    }

    /// A raw `cors` that admits another origin, any origin or credentials is weighed as the
    /// gateway's `cors` is (forty-fifth round's audit: `other`, while the README promised a
    /// privilege increase).
    func testAWidenedRawCORSIsAPrivilegeIncrease() throws {
        let cors = { (credentials: String, origins: [String]) in
            #"<cors allow-credentials="\#(credentials)"><allowed-origins>"# + origins.map { "<origin>\($0)</origin>" }.joined()
                + "</allowed-origins><allowed-methods><method>GET</method></allowed-methods><allowed-headers><header>Authorization</header></allowed-headers></cors>"
        }
        _ = try writeRouteSide("base", inbound: cors("false", ["https://shop.example.com"]))
        _ = try writeRouteSide("more", inbound: cors("true", ["https://shop.example.com", "https://attacker.example.net"]))
        _ = try writeRouteSide("any", inbound: cors("false", ["*"]))
        let more = try gate("base", "more", widens: true)
        for expected in [
            "privilege increase: 'cors' in the raw policy of route 'orders/list-orders' now allows origin 'https://attacker.example.net'\n",
            "privilege increase: 'cors' in the raw policy of route 'orders/list-orders' now lets browsers send credentials (cookies, HTTP authentication) on cross-origin requests\n",
        ] {
            XCTAssertTrue(more.contains(expected), "missing: \(expected)in:\n\(more)")
        }
        let any = try gate("base", "any", widens: true)
        XCTAssertTrue(any.contains("privilege increase: 'cors' in the raw policy of route 'orders/list-orders' now allows any origin ('*')\n"), any)
        let narrowed = try gate("more", "base", widens: false)
        XCTAssertTrue(narrowed.contains("privilege decrease: 'cors' in the raw policy of route 'orders/list-orders' no longer allows origin 'https://attacker.example.net' (in BASE)\n"), narrowed)
        _ = try writeRouteSide("none", inbound: "")
        let added = try gate("none", "base", widens: true)
        XCTAssertTrue(added.contains("privilege increase: 'cors' in the raw policy of route 'orders/list-orders' was added: browsers let pages from 'https://shop.example.com' call the APIs\n"), added)
    }
}
