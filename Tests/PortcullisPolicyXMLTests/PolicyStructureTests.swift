import PortcullisDiagnostics
import XCTest

@testable import PortcullisPolicyXML

final class PolicyStructureTests: XCTestCase {
    private func policies(_ sections: TreeNode...) -> TreeNode {
        TreeNode(name: "policies", attributes: [], children: sections, text: nil)
    }

    private func inbound(_ statements: TreeNode...) -> TreeNode {
        TreeNode(name: "inbound", attributes: [], children: statements, text: nil)
    }

    private func describe(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.map { "\($0.code.id) \($0.range.start.line): \($0.message) | \($0.notes.map(\.message).joined(separator: " | "))" }
    }

    func testAWellFormedPolicyPasses() {
        let root = policies(
            inbound(
                el("base"),
                el("set-header", [("name", "x-request-id"), ("exists-action", "skip")], el("value", text: "@(context.RequestId)")),
                el("choose", [],
                    el("when", [("condition", "@(context.Request.Method == \"POST\")")],
                        el("rate-limit-by-key", [("calls", "5"), ("renewal-period", "60"), ("counter-key", "@(context.Request.IpAddress)")])),
                    el("otherwise", [], el("set-variable", [("name", "mode"), ("value", "read")])))),
            el("backend", [], el("forward-request", [("timeout", "30")])),
            el("outbound", [], el("base")),
            el("on-error", [],
                el("return-response", [],
                    el("set-status", [("code", "500"), ("reason", "Oops")]),
                    el("set-body", [], text: "{\"error\": true}"))))
        XCTAssertEqual(describe(check(root)), [])
    }

    func testSectionsMayComeInAnyOrderAndBeLeftOut() {
        XCTAssertEqual(describe(check(policies(el("outbound"), inbound()))), [])
    }

    func testAnUnknownStatementIsPX002WithASuggestion() {
        let found = check(policies(inbound(el("set-heder", [("name", "a")]))))
        XCTAssertEqual(describe(found), [
            "PX002 3: 'set-heder' is not an APIM policy statement | did you mean 'set-header'?"
        ])
        XCTAssertEqual(found.first?.range.start.column, 6, "points at the element's name")
    }

    func testAnUnknownStatementFarFromAnyNameSaysHowToFix() {
        XCTAssertEqual(describe(check(policies(inbound(el("frobnicate"))))), [
            "PX002 3: 'frobnicate' is not an APIM policy statement | remove it, or write a statement from APIM's policy reference"
        ])
    }

    func testAnUnknownAttributeIsPX002WithASuggestion() {
        let found = check(policies(inbound(el("set-header", [("name", "a"), ("exist-action", "skip")]))))
        XCTAssertEqual(describe(found), [
            "PX002 3: 'set-header' has no attribute 'exist-action' | did you mean 'exists-action'?"
        ])
        XCTAssertEqual(found.first?.range.start.column, 26, "points at the attribute's name")
    }

    func testAMissingRequiredAttributeIsPX002() {
        XCTAssertEqual(describe(check(policies(inbound(el("set-variable", [("name", "a")]))))), [
            "PX002 3: 'set-variable' lacks the required attribute 'value' | add 'value=\"...\"' to 'set-variable'"
        ])
    }

    func testAnUnknownChildElementIsPX002() {
        let root = policies(inbound(el("validate-jwt", [("header-name", "Authorization")], el("audience", text: "api"))))
        XCTAssertEqual(describe(check(root)), [
            "PX002 4: 'validate-jwt' has no child element 'audience' | did you mean 'audiences'?"
        ])
    }

    func testNestedChildrenAreCheckedToTheBottom() {
        let root = policies(
            inbound(
                el("validate-jwt", [("header-name", "Authorization")],
                    el("required-claims", [], el("claim", [("match", "any")], el("valu", text: "admin"))))))
        XCTAssertEqual(describe(check(root)), [
            "PX002 5: 'claim' lacks the required attribute 'name' | add 'name=\"...\"' to 'claim'",
            "PX002 6: 'claim' has no child element 'valu' | did you mean 'value'?",
        ])
    }

    func testAnElementInsideTextIsPX002() {
        let root = policies(inbound(el("set-header", [("name", "a")], el("value", [], el("b")))))
        XCTAssertEqual(describe(check(root)), [
            "PX002 5: 'value' holds text only, not the element 'b' | remove 'b' from 'value'"
        ])
    }

    func testFreeFormContentIsNotJudged() {
        let liquid = el("set-body", [("template", "liquid")],
            el("soap:Envelope", [("xmlns:soap", "http://schemas.xmlsoap.org/soap/envelope/")], el("GetOpenOrders", [], el("cust"))))
        let root = policies(
            inbound(liquid),
            el("on-error", [], el("return-response", [], el("set-body", [], el("SomeCustomElement", [("whatever", "1")])))))
        XCTAssertEqual(describe(check(root)), [])
    }

    func testAStatementInTheWrongSectionIsPX003() {
        XCTAssertEqual(describe(check(policies(inbound(el("forward-request"))))), [
            "PX003 3: 'forward-request' is not allowed in the 'inbound' section | APIM allows 'forward-request' in the 'backend' section; move it there"
        ])
        XCTAssertEqual(describe(check(policies(el("outbound", [], el("set-query-parameter", [("name", "a")], el("value", text: "b")))))), [
            "PX003 3: 'set-query-parameter' is not allowed in the 'outbound' section | APIM allows 'set-query-parameter' in the 'inbound' and 'backend' sections; move it there"
        ])
    }

    func testStatementsInsideContainersKeepTheirSection() {
        let root = policies(
            el("outbound", [],
                el("choose", [], el("when", [("condition", "true")], el("retry", [("condition", "true"), ("count", "2"), ("interval", "1")], el("rewrite-uri", [("template", "/a")]))))))
        XCTAssertEqual(describe(check(root)), [
            "PX003 6: 'rewrite-uri' is not allowed in the 'outbound' section | APIM allows 'rewrite-uri' in the 'inbound' section; move it there"
        ])
    }

    func testAStatementAtTheWrongScopeIsPX003() {
        let quota = policies(inbound(el("quota", [("calls", "10"), ("renewal-period", "3600")])))
        XCTAssertEqual(describe(check(quota, at: .api)), [
            "PX003 3: 'quota' is not allowed at API scope | APIM allows 'quota' at product scope and in a policy fragment only; move it there or remove it"
        ])
        XCTAssertEqual(describe(check(quota, at: .product)), [])
    }

    func testBaseIsNotAllowedAtGlobalScope() {
        let root = policies(inbound(el("base")))
        XCTAssertEqual(check(root, at: .global).map(\.code), [.misplacedPolicyElement])
        XCTAssertEqual(check(root, at: .operation).map(\.code), [])
    }

    func testAFragmentHoldsStatementsOfAnySectionButNoBaseOrSections() {
        let fragment = TreeNode(name: "fragment", attributes: [], children: [
            el("rewrite-uri", [("template", "/a")]),
            el("forward-request"),
            el("jsonp", [("callback-parameter-name", "cb")]),
            el("base"),
            el("inbound"),
            el("include-fragment", [("fragment-id", "other")]),
        ], text: nil)
        XCTAssertEqual(describe(check(fragment, at: .fragment)), [
            "PX003 5: 'base' is not allowed in a policy fragment | APIM allows 'base' at product scope, at API scope and at operation scope only; move it there or remove it",
            "PX002 6: 'inbound' is not an APIM policy statement | remove it, or write a statement from APIM's policy reference",
            "PX003 7: 'include-fragment' is not allowed in a policy fragment | APIM allows 'include-fragment' at global scope, at product scope, at API scope and at operation scope only; move it there or remove it",
        ])
    }

    func testTheRootMustMatchTheKindOfDocument() {
        XCTAssertEqual(describe(check(policies(inbound()), at: .fragment)), [
            "PX003 1: the root element of a policy fragment must be 'fragment', not 'policies' | write the fragment's statements inside '<fragment>', without sections"
        ])
        XCTAssertEqual(describe(check(el("fragment"), at: .api)), [
            "PX003 1: the root element of a policy document must be 'policies', not 'fragment' | put the sections 'inbound', 'backend', 'outbound' and 'on-error' inside '<policies>'"
        ])
    }

    func testAnUnknownSectionIsPX002AndARepeatedOneIsPX003() {
        let found = check(policies(el("inbond"), inbound(), inbound()))
        XCTAssertEqual(describe(found), [
            "PX002 2: 'inbond' is not a policy section | did you mean 'inbound'?",
            "PX003 4: the 'inbound' section appears more than once | the first 'inbound' is here; move the statements into it",
        ])
        XCTAssertEqual(found.last?.notes.first?.range.start.line, 3, "the note points at the first section")
    }

    func testSectionsAndTheRootTakeNoAttributes() {
        let root = TreeNode(name: "policies", attributes: [("version", "1")], children: [], text: nil)
        XCTAssertEqual(describe(check(root)), [
            "PX002 1: 'policies' has no attribute 'version' | 'policies' takes no attributes; remove it"
        ])
    }

    func testNamespaceDeclarationsAndTheIdAttributeAreAccepted() {
        let root = policies(inbound(el("set-variable", [("id", "v1"), ("name", "a"), ("value", "b"), ("xmlns:x", "urn:x")])))
        XCTAssertEqual(describe(check(root)), [])
    }

    func testExpressionValuedAttributesAreAcceptedWhateverTheyHold() {
        let root = policies(inbound(el("set-header", [("name", "@(\"x-\" + context.Api.Name)"), ("exists-action", "@(\"skip\")")])))
        XCTAssertEqual(describe(check(root)), [])
    }

    func testASpentSuggestionBudgetStillReportsTheName() {
        var diagnostics = DiagnosticCollector()
        PolicyStructure.check(
            document(policies(inbound(el("set-heder", [("name", "a")])))), at: .api,
            suggestions: SuggestionBudget(comparisons: 0), into: &diagnostics)
        XCTAssertEqual(diagnostics.diagnostics.map(\.message), ["'set-heder' is not an APIM policy statement"])
        XCTAssertEqual(diagnostics.diagnostics.first?.notes.map(\.message), [
            "remove it, or write a statement from APIM's policy reference"
        ])
    }
}
