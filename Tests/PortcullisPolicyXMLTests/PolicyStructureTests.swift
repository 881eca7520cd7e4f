import PortcullisDiagnostics
import PortcullisPolicyXML
import XCTest

final class PolicyStructureTests: XCTestCase {
    /// The findings of the structure check on `xml` at `scope`, as "code line:column:
    /// message | notes".
    private func check(_ xml: String, at scope: PolicyScope = .api, file: StaticString = #filePath, line: UInt = #line)
        -> [String]
    {
        findings(xml, at: scope, file: file, line: line).map {
            "\($0.code.id) \($0.range.start.line):\($0.range.start.column): \($0.message) | "
                + $0.notes.map(\.message).joined(separator: " | ")
        }
    }

    private func findings(
        _ xml: String, at scope: PolicyScope = .api, suggestions: SuggestionBudget = SuggestionBudget(),
        file: StaticString = #filePath, line: UInt = #line
    ) -> [Diagnostic] {
        var diagnostics = DiagnosticCollector()
        guard
            let document = PolicyXMLReader.read(
                Array(xml.utf8), placement: .file(FileID(0)), what: "'test.xml'", diagnostics: &diagnostics)
        else {
            XCTFail("not read: \(diagnostics.diagnostics.map(\.message))", file: file, line: line)
            return []
        }
        PolicyStructure.check(document, at: scope, into: &diagnostics)
        diagnostics.suggest(within: suggestions)
        return diagnostics.diagnostics
    }

    func testAWellFormedPolicyPasses() {
        let xml = """
            <policies>
              <inbound>
                <base />
                <set-header name="x-request-id" exists-action="skip"><value>@(context.RequestId)</value></set-header>
                <choose>
                  <when condition="@(context.Request.Method == "POST")">
                    <rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Request.IpAddress)" />
                  </when>
                  <otherwise><set-variable name="mode" value="read" /></otherwise>
                </choose>
              </inbound>
              <backend><forward-request timeout="30" /></backend>
              <outbound><base /></outbound>
              <on-error>
                <return-response>
                  <set-status code="500" reason="Oops" />
                  <set-body>{"error": true}</set-body>
                </return-response>
              </on-error>
            </policies>
            """
        XCTAssertEqual(check(xml), [])
    }

    func testSectionsMayComeInAnyOrderAndBeLeftOut() {
        XCTAssertEqual(check("<policies><outbound /><inbound /></policies>"), [])
    }

    func testAnUnknownStatementIsPX002WithASuggestion() {
        XCTAssertEqual(check("<policies>\n  <inbound>\n    <set-heder name=\"a\" />\n  </inbound>\n</policies>"), [
            "PX002 3:6: 'set-heder' is not an APIM policy statement | did you mean 'set-header'?"
        ])
    }

    func testAnUnknownStatementFarFromAnyNameSaysHowToFix() {
        XCTAssertEqual(check("<policies><inbound><frobnicate /></inbound></policies>"), [
            "PX002 1:21: 'frobnicate' is not an APIM policy statement | remove it, or write a statement from APIM's policy reference"
        ])
    }

    func testAnUnknownAttributeIsPX002WithASuggestion() {
        XCTAssertEqual(check("<policies><inbound><set-header name=\"a\" exist-action=\"skip\" /></inbound></policies>"), [
            "PX002 1:41: 'set-header' has no attribute 'exist-action' | did you mean 'exists-action'?"
        ])
    }

    func testAnUnknownAttributeFarFromAnyNameListsTheKnownOnes() {
        XCTAssertEqual(check("<policies><inbound><rewrite-uri template=\"/a\" colour=\"red\" /></inbound></policies>"), [
            "PX002 1:47: 'rewrite-uri' has no attribute 'colour' | 'rewrite-uri' takes 'template', 'copy-unmatched-params' or 'id'"
        ])
    }

    /// A default namespace takes a statement out of APIM's policy elements; a check so
    /// declared passed lint as a check (found by the audit of raw checks).
    func testADefaultNamespaceIsPX002() {
        XCTAssertEqual(check(#"<policies><inbound><check-header name="X-Key" failed-check-httpcode="401" failed-check-error-message="no" ignore-case="false" xmlns="urn:example" /></inbound></policies>"#), [
            "PX002 1:127: 'check-header' declares a default namespace ('xmlns'), which takes it out of APIM's policy elements | remove 'xmlns': APIM's policy elements have no namespace"
        ])
    }

    func testAMissingRequiredAttributeIsPX002() {
        XCTAssertEqual(check("<policies><inbound><set-variable name=\"a\" /></inbound></policies>"), [
            "PX002 1:21: 'set-variable' lacks the required attribute 'value' | add 'value=\"...\"' to 'set-variable'"
        ])
    }

    func testAnUnknownChildElementIsPX002() {
        let xml = """
            <policies><inbound>
              <validate-jwt header-name="Authorization">
                <audience>api</audience>
              </validate-jwt>
            </inbound></policies>
            """
        XCTAssertEqual(check(xml), [
            "PX002 3:6: 'validate-jwt' has no child element 'audience' | did you mean 'audiences'?"
        ])
    }

    func testNestedChildrenAreCheckedToTheBottom() {
        let xml = """
            <policies><inbound>
              <validate-jwt header-name="Authorization">
                <required-claims>
                  <claim match="any"><valu>admin</valu></claim>
                </required-claims>
              </validate-jwt>
            </inbound></policies>
            """
        XCTAssertEqual(check(xml), [
            "PX002 4:8: 'claim' lacks the required attribute 'name' | add 'name=\"...\"' to 'claim'",
            "PX002 4:27: 'claim' has no child element 'valu' | did you mean 'value'?",
        ])
    }

    func testAnElementInsideTextOrAnEmptyElementIsPX002() {
        let xml = """
            <policies><inbound>
              <set-header name="a"><value><b>bold</b></value></set-header>
              <rewrite-uri template="/a"><x /></rewrite-uri>
            </inbound></policies>
            """
        XCTAssertEqual(check(xml), [
            "PX002 2:32: 'value' holds text only, not the element 'b' | remove 'b' from 'value'",
            "PX002 3:31: 'rewrite-uri' holds no elements, not the element 'x' | remove 'x' from 'rewrite-uri'",
        ])
    }

    func testFreeFormContentIsNotJudged() {
        let xml = """
            <policies>
              <inbound>
                <set-body template="liquid">
                  <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
                    <soap:Body><GetOpenOrders><cust>{{body.cust}}</cust></GetOpenOrders></soap:Body>
                  </soap:Envelope>
                </set-body>
              </inbound>
              <on-error>
                <return-response><set-body><SomeCustomElement whatever="1" /></set-body></return-response>
              </on-error>
            </policies>
            """
        XCTAssertEqual(check(xml), [])
    }

    func testAStatementInTheWrongSectionIsPX003() {
        XCTAssertEqual(check("<policies><inbound><forward-request /></inbound></policies>"), [
            "PX003 1:21: 'forward-request' is not allowed in the 'inbound' section | APIM allows 'forward-request' in the 'backend' section; move it there"
        ])
        XCTAssertEqual(check("<policies><outbound><set-query-parameter name=\"a\"><value>b</value></set-query-parameter></outbound></policies>"), [
            "PX003 1:22: 'set-query-parameter' is not allowed in the 'outbound' section | APIM allows 'set-query-parameter' in the 'inbound' and 'backend' sections; move it there"
        ])
    }

    /// A built document lays its sections out anew, so text between statements would be
    /// lost without a word; APIM refuses it anyway.
    func testTextBetweenStatementsOrSectionsIsPX003() {
        let xml = "<policies>\n  <inbound>\n    <base /> @(context.Request.Url)\n    <choose><when condition=\"true\">x</when></choose>\n  </inbound>\n  &amp;\n</policies>"
        XCTAssertEqual(check(xml), [
            "PX003 6:3: text is not allowed directly inside 'policies' | 'policies' holds sections only; remove the text or move it into a statement",
            "PX003 3:14: text is not allowed directly inside 'inbound' | 'inbound' holds statements only; remove the text or move it into a statement",
            "PX003 4:36: text is not allowed directly inside 'when' | 'when' holds statements only; remove the text or move it into a statement",
        ])
        XCTAssertEqual(check("<fragment>hello<base /></fragment>", at: .fragment).first?.hasPrefix("PX003 1:11: text is not allowed directly inside 'fragment'"), true)
        XCTAssertEqual(check("<policies>\n  <!-- a note -->\n  <inbound>\n    <base />\n  </inbound>\n</policies>\n"), [])
    }

    func testStatementsInsideContainersKeepTheirSection() {
        let xml = """
            <policies><outbound>
              <choose><when condition="true">
                <retry condition="true" count="2" interval="1">
                  <rewrite-uri template="/a" />
                </retry>
              </when></choose>
            </outbound></policies>
            """
        XCTAssertEqual(check(xml), [
            "PX003 4:8: 'rewrite-uri' is not allowed in the 'outbound' section | APIM allows 'rewrite-uri' in the 'inbound' section; move it there"
        ])
    }

    func testWaitHoldsOnlyTheCallsItWaitsFor() {
        let xml = """
            <policies><inbound>
              <wait for="all">
                <send-request mode="new" response-variable-name="a"><set-url>https://a.example</set-url></send-request>
                <choose><when condition="true"><rate-limit-by-key calls="1" renewal-period="1" counter-key="k" /></when></choose>
                <set-variable name="b" value="c" />
              </wait>
            </inbound></policies>
            """
        XCTAssertEqual(check(xml), [
            "PX003 5:6: 'set-variable' is not allowed directly inside 'wait' | 'wait' holds 'send-request', 'cache-lookup-value' or 'choose' only; move 'set-variable' out of it"
        ])
    }

    func testAStatementAtTheWrongScopeIsPX003() {
        let quota = "<policies><inbound><quota calls=\"10\" renewal-period=\"3600\" /></inbound></policies>"
        XCTAssertEqual(check(quota, at: .api), [
            "PX003 1:21: 'quota' is not allowed at API scope | APIM allows 'quota' at product scope and in a policy fragment only; move it there or remove it"
        ])
        XCTAssertEqual(check(quota, at: .product), [])
    }

    func testBaseIsNotAllowedAtGlobalScope() {
        let xml = "<policies><inbound><base /></inbound></policies>"
        XCTAssertEqual(check(xml, at: .global), [
            "PX003 1:21: 'base' is not allowed at global scope | APIM allows 'base' at product scope, at API scope and at operation scope only; move it there or remove it"
        ])
        XCTAssertEqual(check(xml, at: .operation), [])
    }

    func testAFragmentHoldsStatementsOfAnySectionButNoBaseSectionsOrFragments() {
        let xml = """
            <fragment>
              <rewrite-uri template="/a" />
              <forward-request />
              <jsonp callback-parameter-name="cb" />
              <base />
              <inbound />
              <include-fragment fragment-id="other" />
            </fragment>
            """
        XCTAssertEqual(check(xml, at: .fragment), [
            "PX003 5:4: 'base' is not allowed in a policy fragment | APIM allows 'base' at product scope, at API scope and at operation scope only; move it there or remove it",
            "PX002 6:4: 'inbound' is not an APIM policy statement | remove it, or write a statement from APIM's policy reference",
            "PX003 7:4: 'include-fragment' is not allowed in a policy fragment | APIM allows 'include-fragment' at global scope, at product scope, at API scope and at operation scope only; move it there or remove it",
        ])
    }

    func testTheRootMustMatchTheKindOfDocument() {
        XCTAssertEqual(check("<policies><inbound /></policies>", at: .fragment), [
            "PX003 1:2: the root element of a policy fragment must be 'fragment', not 'policies' | write the fragment's statements inside '<fragment>', without sections"
        ])
        XCTAssertEqual(check("<fragment />", at: .api), [
            "PX003 1:2: the root element of a policy document must be 'policies', not 'fragment' | put the sections 'inbound', 'backend', 'outbound' and 'on-error' inside '<policies>'"
        ])
    }

    func testAnUnknownSectionIsPX002AndARepeatedOneIsPX003() {
        let found = findings("<policies>\n<inbond />\n<inbound />\n<inbound />\n</policies>")
        XCTAssertEqual(found.map { "\($0.code.id) \($0.range.start.line): \($0.message) | \($0.notes[0].message)" }, [
            "PX002 2: 'inbond' is not a policy section | did you mean 'inbound'?",
            "PX003 4: the 'inbound' section appears more than once | the first 'inbound' is here; move the statements into it",
        ])
        XCTAssertEqual(found.last?.notes.first?.range.start.line, 3, "the note points at the first section")
    }

    /// APIM runs the broader scopes' section wherever `<base />` stands: two on one path run
    /// them twice (or are refused), one in each branch of a `choose` once (audit V23).
    func testASecondBaseOnOnePathIsPX003() {
        let when = { (body: String) in #"<choose><when condition="@(true)">\#(body)</when><otherwise><base /></otherwise></choose>"# }
        let cases: [(inbound: String, found: [String])] = [
            ("<base /><base />", ["PX003 1:29: 'base' runs a second time on a path through the 'inbound' section"]),
            ("<base /><set-variable name=\"a\" value=\"b\" />", []),
            (when("<base />"), []),
            (when("<base />") + "<base />", ["PX003 1:110: 'base' runs a second time on a path through the 'inbound' section"]),
            ("<base />" + when("<set-variable name=\"a\" value=\"b\" />"), ["PX003 1:116: 'base' runs a second time on a path through the 'inbound' section"]),
            (when("<base /><base />"), ["PX003 1:63: 'base' runs a second time on a path through the 'inbound' section"]),
            // Two statements each holding one on some paths: a request may take both.
            (#"<choose><when condition="@(true)"><base /></when></choose><choose><when condition="@(false)"><base /></when></choose>"#,
             ["PX003 1:114: 'base' runs a second time on a path through the 'inbound' section"]),
            // A `retry` runs what it holds again on every retry (audit V25).
            (#"<retry condition="@(false)" count="1" interval="1"><base /></retry>"#, ["PX003 1:72: 'base' inside 'retry' runs the broader scopes' 'inbound' again on every retry"]),
            (#"<retry condition="@(false)" count="1" interval="1"><set-variable name="a" value="b" /></retry><base />"#, []),
        ]
        for (inbound, found) in cases {
            XCTAssertEqual(check("<policies><inbound>\(inbound)</inbound></policies>").map { $0.components(separatedBy: " | ")[0] }, found, inbound)
        }
        XCTAssertEqual(check("<policies><backend><base /><base /></backend></policies>").count, 1)
        // In `backend`, a `retry` of the broader scopes' `forward-request` is what it is for (audit V27).
        XCTAssertEqual(check(#"<policies><backend><retry condition="@(false)" count="2" interval="1"><base /></retry></backend></policies>"#), [])
    }

    func testSectionsAndTheRootTakeNoAttributes() {
        XCTAssertEqual(check("<policies version=\"1\"><inbound mode=\"x\" /></policies>"), [
            "PX002 1:11: 'policies' has no attribute 'version' | 'policies' takes no attributes; remove it",
            "PX002 1:32: 'inbound' has no attribute 'mode' | 'inbound' takes no attributes; remove it",
        ])
    }

    func testNamespaceMarkupAndTheIdAttributeAreAccepted() {
        let xml = "<policies><inbound><set-variable id=\"v1\" name=\"a\" value=\"b\" xmlns:x=\"urn:x\" /></inbound></policies>"
        XCTAssertEqual(check(xml), [])
    }

    /// An attribute in a namespace is none of the statement's: APIM's schema has no such
    /// attribute, and whether APIM refuses it or reads it by its local name is not
    /// documented (audit V91: `a:require-signed-tokens="false"` passed unread). Its
    /// namespace's declaration is markup.
    func testANamespacedAttributeIsPX002() {
        let xml = #"<policies><inbound><validate-jwt header-name="Authorization" xmlns:a="urn:a" a:require-signed-tokens="false" xml:space="preserve"><openid-config url="https://login.example.com/.well-known/openid-configuration" /></validate-jwt></inbound></policies>"#
        XCTAssertEqual(check(xml), [
            "PX002 1:78: 'validate-jwt' has no attribute 'a:require-signed-tokens' | did you mean 'require-signed-tokens'?",
            "PX002 1:110: 'validate-jwt' has no attribute 'xml:space' | 'validate-jwt' takes 'header-name', 'query-parameter-name', 'token-value', 'failed-validation-httpcode', 'failed-validation-error-message', 'require-expiration-time', 'require-scheme', 'require-signed-tokens', 'clock-skew', 'output-token-variable-name' or 'id'",
        ])
        // The XML reader takes 'a:\u{483}b' for prefix 'a' and local name '\u{483}b'. Its colon
        // and the combining mark are one Character, so a search by Character missed the colon.
        let marked = "<policies><inbound><set-variable name=\"a\" value=\"b\" xmlns:a=\"urn:a\" a:\u{483}b=\"c\" /></inbound></policies>"
        XCTAssertEqual(check(marked).map { $0.prefix(5) }, ["PX002"])
    }

    func testExpressionValuedAttributesAreAcceptedWhateverTheyHold() {
        let xml = """
            <policies><inbound>
              <set-header name="@("x-" + context.Api.Name)" exists-action="@(context.Variables.ContainsKey("a") ? "skip" : "override")" />
            </inbound></policies>
            """
        XCTAssertEqual(check(xml), [])
    }

    func testASpentSuggestionBudgetStillReportsTheName() {
        let found = findings(
            "<policies><inbound><set-heder name=\"a\" /></inbound></policies>", suggestions: SuggestionBudget(comparisons: 0))
        XCTAssertEqual(found.map(\.message), ["'set-heder' is not an APIM policy statement"])
        XCTAssertEqual(found.first?.notes.map(\.message), ["remove it, or write a statement from APIM's policy reference"])
    }
}
