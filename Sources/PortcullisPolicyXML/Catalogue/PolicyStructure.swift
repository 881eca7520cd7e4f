import PortcullisDiagnostics
import PortcullisSupport

/// Checks that a raw policy document has APIM's shape and names only what APIM has, against
/// ``PolicyCatalogue``: the root and its sections, each statement's section and scope, and
/// every element and attribute down to free-form content, which is the author's own.
public enum PolicyStructure {
    /// The findings reported for one document at most: a document that breaks more rules is
    /// not a policy anyone can read, the first ones show what is wrong, and placing each
    /// finding costs a walk over the text before it.
    public static let maximumFindings = 100

    /// Reports what is wrong with `document` as a policy for `scope` (or as a fragment).
    /// A name APIM does not have asks for the nearest known one, which the caller decides
    /// (``DiagnosticCollector/suggest(within:)``) once every document is checked.
    public static func check(_ document: PolicyXMLDocument, at scope: PolicyScope, into diagnostics: inout DiagnosticCollector) {
        var walker = StructureWalker(document: document, scope: scope)
        walker.checkRoot()
        for (finding, request) in walker.findings { diagnostics.report(finding, suggesting: request) }
    }

    /// Reports each statement a fragment brings into `document`, a policy for `scope`,
    /// that APIM does not allow in the section holding its `include-fragment`, or at that
    /// scope. APIM puts a fragment's statements in where it is included, so a fragment of
    /// token checks included in `on-error` checks nothing before the backend call (audit
    /// V82); a fragment's own check cannot tell, since it may hold any section's statements.
    /// `fragments` are the project's by id; `judged` keeps what each fragment brings to a
    /// section and scope, for every document that includes it alike (500 routes including
    /// 50 large fragments each were read 25,000 times).
    public static func checkIncludes(
        of document: PolicyXMLDocument, at scope: PolicyScope, fragments: [String: PolicyXMLDocument], judged: inout IncludesJudged,
        into diagnostics: inout DiagnosticCollector
    ) {
        guard scope != .fragment, document.has(anyOf: includeFragment) else { return }
        // Found by name, not by a walk of every statement: most policies of a large estate
        // include a fragment (the raw benchmark's lint took 1.9 % more instructions).
        for include in document.elements(named: includeFragment) {
            guard case .text(let id)? = include.attribute("fragment-id")?.value, let fragment = fragments[id],
                let section = document.section(holding: include).flatMap(PolicySection.init(rawValue:))
            else { continue }
            for misplaced in judged.misplaced(in: fragment, id: id, section: section, scope: scope) {
                diagnostics.report(
                    .misplacedPolicyElement,
                    "fragment '\(id)' brings '\(misplaced.statement)' here, which is not allowed \(misplaced.place)",
                    at: document.range(include.nameSpan),
                    notes: [
                        Diagnostic.Note(
                            "APIM puts the fragment's statements where it is included and allows '\(misplaced.statement)' \(misplaced.allowed) only; include the fragment there",
                            at: misplaced.range)
                    ])
            }
        }
    }

    /// What each fragment brings that a section or a scope does not allow, found once per
    /// fragment, section and scope (``checkIncludes(of:at:fragments:judged:into:)``).
    public struct IncludesJudged {
        public init() {}

        struct Misplaced {
            var statement: String
            var place: String
            var allowed: String
            var range: SourceRange
        }

        private struct Key: Hashable {
            var id: String
            var section: PolicySection
            var scope: PolicyScope
        }

        private var known: [Key: [Misplaced]] = [:]

        mutating func misplaced(in fragment: PolicyXMLDocument, id: String, section: PolicySection, scope: PolicyScope) -> [Misplaced] {
            let key = Key(id: id, section: section, scope: scope)
            if let found = known[key] { return found }
            var found: [Misplaced] = []
            PolicyStructure.forEachStatement(in: fragment.root) { element, statement in
                if !statement.sections.contains(section) {
                    let allowed = PolicySection.allCases.filter(statement.sections.contains).map { "'\($0.rawValue)'" }
                    found.append(
                        Misplaced(
                            statement: statement.name, place: "in the '\(section.rawValue)' section",
                            allowed: "in the \(DisplayText.list(allowed)) section\(allowed.count > 1 ? "s" : "")", range: fragment.range(element.nameSpan)))
                } else if !statement.scopes.contains(scope) {
                    found.append(
                        Misplaced(
                            statement: statement.name, place: scope.phrase,
                            allowed: DisplayText.list(PolicyScope.allCases.filter(statement.scopes.contains).map(\.phrase)), range: fragment.range(element.nameSpan)))
                }
            }
            known[key] = found
            return found
        }
    }

    /// Whether a fragment holds a statement some section or scope does not allow: only such
    /// a fragment's includes are judged (most estates' fragments set headers and variables,
    /// which every section allows).
    public static func holdsStatementsSomePlacesRefuse(_ fragment: PolicyXMLDocument) -> Bool {
        var found = false
        forEachStatement(in: fragment.root) { _, statement in
            if !found, PolicySection.allCases.contains(where: { !statement.sections.contains($0) }) || policyScopes.contains(where: { !statement.scopes.contains($0) }) {
                found = true
            }
        }
        return found
    }

    /// The scopes a policy document is written for (a fragment is none).
    private static let policyScopes: [PolicyScope] = [.global, .product, .api, .operation]

    private static let includeFragment: Set<String> = ["include-fragment"]

    /// Calls `body` with each statement inside `parent`, however deep, as the catalogue
    /// places statements: in `choose` branches, `retry` and the like, not in the elements of
    /// a statement such as `send-request`'s `set-header`.
    fileprivate static func forEachStatement(in parent: PolicyXMLElement, _ body: (PolicyXMLElement, StatementSpec) -> Void) {
        for element in parent.elements {
            guard let statement = PolicyCatalogue.statement(element.name) else { continue }
            body(element, statement)
            forEachStatement(inside: element, as: statement.element, body)
        }
    }

    private static func forEachStatement(inside element: PolicyXMLElement, as spec: ElementSpec, _ body: (PolicyXMLElement, StatementSpec) -> Void) {
        switch spec.content {
        case .statements, .statementsAmong:
            forEachStatement(in: element, body)
        case .elements(let children):
            for child in element.elements {
                if let childSpec = children.first(where: { $0.name == child.name }) { forEachStatement(inside: child, as: childSpec, body) }
            }
        case .freeForm, .empty, .text:
            return
        }
    }
}

/// One walk over one document.
private struct StructureWalker {
    let document: PolicyXMLDocument
    let scope: PolicyScope
    /// Each with the suggestion it asks for, if any.
    private(set) var findings: [(diagnostic: Diagnostic, suggestion: SuggestionRequest?)] = []
    /// Whether findings were left out, which the last one reported says.
    private var truncated = false
    /// The first of each statement APIM takes once per policy, by name.
    private var firstOfItsKind: [String: PolicyXMLElement] = [:]

    init(document: PolicyXMLDocument, scope: PolicyScope) {
        self.document = document
        self.scope = scope
    }

    mutating func checkRoot() {
        let root = document.root
        let expected = scope == .fragment ? "fragment" : "policies"
        guard root.name == expected else {
            let fix =
                scope == .fragment
                ? "write the fragment's statements inside '<fragment>', without sections"
                : "put the sections 'inbound', 'backend', 'outbound' and 'on-error' inside '<policies>'"
            let what = scope == .fragment ? "a policy fragment" : "a policy document"
            report(
                .misplacedPolicyElement, "the root element of \(what) must be '\(expected)', not '\(root.name)'",
                at: root.nameSpan, note: fix)
            return
        }
        checkAttributes(of: root, against: ElementSpec(expected))
        if scope == .fragment {
            checkStatements(in: root, section: nil)
        } else {
            checkSections(of: root)
        }
    }

    /// Each section at most once, in any order, each optional: what APIM's schema says
    /// (`xs:all`) and what the service accepts.
    private mutating func checkSections(of root: PolicyXMLElement) {
        checkNoText(in: root, holding: "sections")
        var seen: [PolicySection: PolicyXMLElement] = [:]
        for element in root.elements {
            guard let section = PolicySection(rawValue: element.name) else {
                reportUnknown(
                    element.name, "'\(element.name)' is not a policy section", element.nameSpan, candidates: PolicySection.allCases.map(\.rawValue),
                    otherwise: "a policy document holds the sections 'inbound', 'backend', 'outbound' and 'on-error'")
                continue
            }
            if let first = seen[section] {
                report(
                    .misplacedPolicyElement, "the '\(section.rawValue)' section appears more than once", at: element.nameSpan,
                    note: "the first '\(section.rawValue)' is here; move the statements into it", noteAt: first.nameSpan)
                continue
            }
            seen[section] = element
            checkAttributes(of: element, against: ElementSpec(section.rawValue))
            checkStatements(in: element, section: section)
            switch Self.basesOnOnePath(element.children, retryFlagged: section != .backend) {
            case .insideRetry(let retry, let base)?:
                report(
                    .misplacedPolicyElement, "'base' inside 'retry' runs the broader scopes' '\(section.rawValue)' again on every retry", at: base.nameSpan,
                    note: "APIM runs what 'retry' holds again until its condition is false or its count is spent; keep '<base />' outside it",
                    noteAt: retry.nameSpan)
            case .twice(let first, let second)?:
                report(
                    .misplacedPolicyElement, "'base' runs a second time on a path through the '\(section.rawValue)' section", at: second.nameSpan,
                    note: "APIM runs the broader scopes' '\(section.rawValue)' where each '<base />' stands, so a request would meet their statements twice; keep one on each path",
                    noteAt: first.nameSpan)
            case nil:
                break
            }
        }
    }

    /// A `<base />` that one path through a section runs again.
    private enum RepeatedBase {
        /// The path meets `second` after `first`.
        case twice(first: PolicyXMLElement, second: PolicyXMLElement)
        /// `base` stands in `retry`, which runs what it holds again on every retry.
        case insideRetry(PolicyXMLElement, base: PolicyXMLElement)
    }

    /// The first ``RepeatedBase`` of a path through `statements` (audit V23: a section
    /// holding two `<base />` ran or refused the broader scopes twice, unseen); one in each
    /// branch of a `choose` is one on each path. With `retryFlagged`, a `retry` holding one
    /// (audit V25); not in `backend`, where retrying the broader scopes' `forward-request`
    /// is what a `retry` is for (audit V27). Read from the children as they are, past those
    /// that hold none: every section of every document is asked.
    private static func basesOnOnePath(_ statements: [PolicyXMLNode], retryFlagged: Bool) -> RepeatedBase? {
        var found: RepeatedBase?
        /// The first `<base />` some path through `statements` has met after starting with
        /// `met`; stops at a second.
        func walk(_ statements: [PolicyXMLNode], met: PolicyXMLElement?) -> PolicyXMLElement? {
            var met = met
            for case .element(let statement) in statements where found == nil && statement.holdsBase {
                switch statement.name {
                case "base":
                    if let first = met { found = .twice(first: first, second: statement) } else { met = statement }
                case "retry" where retryFlagged:
                    var inside: PolicyXMLElement?
                    statement.forEachElement { if inside == nil, $0.name == "base" { inside = $0 } }
                    if let inside { found = .insideRetry(statement, base: inside) }
                case "choose":
                    // Each branch starts from what the path met before the `choose`.
                    let before = met
                    for case .element(let branch) in statement.children where found == nil && (branch.name == "when" || branch.name == "otherwise") {
                        if let after = walk(branch.children, met: before), met == nil { met = after }
                    }
                default:
                    met = walk(statement.children, met: met)
                }
            }
            return met
        }
        _ = walk(statements, met: nil)
        return found
    }

    /// The statements directly inside `parent`, of those `allowed` when it names some;
    /// `section` is nil in a fragment, which may hold the statements of any section.
    private mutating func checkStatements(
        in parent: PolicyXMLElement, section: PolicySection?, among allowed: [String]? = nil
    ) {
        checkNoText(in: parent, holding: "statements")
        for element in parent.elements {
            guard let statement = PolicyCatalogue.statement(element.name) else {
                reportUnknown(
                    element.name, "'\(element.name)' is not an APIM policy statement", element.nameSpan,
                    candidates: allowed ?? PolicyCatalogue.statementNames,
                    otherwise: "remove it, or write a statement from APIM's policy reference")
                continue
            }
            if let allowed, !allowed.contains(statement.name) {
                report(
                    .misplacedPolicyElement, "'\(statement.name)' is not allowed directly inside '\(parent.name)'",
                    at: element.nameSpan,
                    note: "'\(parent.name)' holds \(DisplayText.list(allowed.map { "'\($0)'" }, joinedBy: "or")) only; move '\(statement.name)' out of it")
            }
            if let section, !statement.sections.contains(section) {
                let allowed = PolicySection.allCases.filter(statement.sections.contains).map { "'\($0.rawValue)'" }
                report(
                    .misplacedPolicyElement, "'\(statement.name)' is not allowed in the '\(section.rawValue)' section",
                    at: element.nameSpan,
                    note: "APIM allows '\(statement.name)' in the \(DisplayText.list(allowed)) section\(allowed.count > 1 ? "s" : ""); move it there")
            }
            if !statement.scopes.contains(scope) {
                let allowed = PolicyScope.allCases.filter(statement.scopes.contains).map(\.phrase)
                report(
                    .misplacedPolicyElement, "'\(statement.name)' is not allowed \(scope.phrase)", at: element.nameSpan,
                    note: "APIM allows '\(statement.name)' \(DisplayText.list(allowed)) only; move it there or remove it")
            }
            if statement.oncePerPolicy {
                if let first = firstOfItsKind[statement.name] {
                    report(
                        .misplacedPolicyElement, "'\(statement.name)' appears more than once in this policy", at: element.nameSpan,
                        note: "APIM takes one '\(statement.name)' per policy, and the first is here; keep one", noteAt: first.nameSpan)
                } else {
                    firstOfItsKind[statement.name] = element
                }
            }
            checkElement(element, against: statement.element, section: section)
        }
    }

    /// Text between statements or sections is not a policy: APIM refuses it, and a built
    /// document, which lays its sections out anew, would lose it without a word.
    private mutating func checkNoText(in parent: PolicyXMLElement, holding what: String) {
        for case .text(let value, let span) in parent.children {
            if case .text(let text) = value, text.isWhitespaceOnly { continue }
            let start = span.first { ![0x20, 0x09, 0x0A, 0x0D].contains(document.text[$0]) } ?? span.lowerBound
            report(
                .misplacedPolicyElement, "text is not allowed directly inside '\(parent.name)'", at: start..<span.upperBound,
                note: "'\(parent.name)' holds \(what) only; remove the text or move it into a statement")
        }
    }

    private mutating func checkElement(_ element: PolicyXMLElement, against spec: ElementSpec, section: PolicySection?) {
        checkAttributes(of: element, against: spec)
        switch spec.content {
        case .freeForm:
            return
        case .statements:
            checkStatements(in: element, section: section)
        case .statementsAmong(let allowed):
            checkStatements(in: element, section: section, among: allowed)
        case .empty, .text:
            let holds = if case .text = spec.content { "holds text only" } else { "holds no elements" }
            for child in element.elements {
                report(
                    .unknownPolicyElement, "'\(spec.name)' \(holds), not the element '\(child.name)'", at: child.nameSpan,
                    note: "remove '\(child.name)' from '\(spec.name)'")
            }
        case .elements(let children):
            for child in element.elements {
                guard let childSpec = children.first(where: { $0.name == child.name }) else {
                    reportUnknown(
                        child.name, "'\(spec.name)' has no child element '\(child.name)'", child.nameSpan, candidates: children.map(\.name),
                        otherwise: "'\(spec.name)' may hold \(DisplayText.list(children.map { "'\($0.name)'" }, joinedBy: "or"))")
                    continue
                }
                checkElement(child, against: childSpec, section: section)
            }
        }
    }

    private mutating func checkAttributes(of element: PolicyXMLElement, against spec: ElementSpec) {
        // A default namespace moves the element, and all it holds, out of the namespace of
        // APIM's policies: whether APIM then runs it as written is not documented, so a
        // check declared so may be no check.
        if let declaration = element.attribute("xmlns") {
            report(
                .unknownPolicyElement, "'\(spec.name)' declares a default namespace ('xmlns'), which takes it out of APIM's policy elements",
                at: declaration.nameSpan, note: "remove 'xmlns': APIM's policy elements have no namespace")
        }
        for attribute in element.attributes where !Self.isNamespaceMarkup(attribute.name) {
            if let known = spec.attribute(attribute.name) {
                checkValue(of: attribute, against: known.value, of: spec.name)
            } else {
                let known = spec.attributes.map(\.name)
                reportUnknown(
                    attribute.name, "'\(spec.name)' has no attribute '\(attribute.name)'", attribute.nameSpan,
                    candidates: known,
                    otherwise: known.isEmpty
                        ? "'\(spec.name)' takes no attributes; remove it"
                        : "'\(spec.name)' takes \(DisplayText.list(known.map { "'\($0)'" }, joinedBy: "or"))")
            }
        }
        for required in spec.attributes where required.isRequired && element.attribute(required.name) == nil {
            report(
                .unknownPolicyElement, "'\(spec.name)' lacks the required attribute '\(required.name)'", at: element.nameSpan,
                note: "add '\(required.name)=\"...\"' to '\(spec.name)'")
        }
    }

    /// A value APIM refuses: an expression where the attribute takes none, or a literal it
    /// does not read as the attribute's kind. A literal that names a named value (`{{name}}`)
    /// is not judged: APIM puts the named value's text in before it reads the policy, and
    /// the value may be anything. One that only opens a reference (`{{cachetime}]`, in a
    /// real policy) names none, and is judged as written. The message does not repeat the
    /// value, which may be text never meant for this attribute (a secret in the wrong place).
    private mutating func checkValue(of attribute: PolicyXMLAttribute, against value: AttributeValue, of element: String) {
        if value.takesExpressions, value.kind == .text { return }
        switch attribute.value {
        case .expression:
            guard !value.takesExpressions else { return }
            let instead = value.kind == .text ? "the value out" : "\(value.expected), the same for every request"
            report(
                .invalidPolicyValue, "'\(attribute.name)' of '\(element)' takes no policy expression", at: attribute.valueSpan,
                note: "APIM evaluates none there and refuses the policy; write \(instead)")
        case .text(let literal):
            guard let refusal = value.refusal(of: literal), !Self.referencesANamedValue(literal) else { return }
            report(
                .invalidPolicyValue, "'\(attribute.name)' of '\(element)' \(refusal)", at: attribute.valueSpan,
                note: "APIM refuses a policy whose '\(attribute.name)' it cannot read; write \(value.expected)"
                    + (value.takesExpressions ? ", or an expression that gives one" : ""))
        }
    }

    /// Whether `literal` may name a named value: a `{{` with a `}}` after it. APIM puts the
    /// value in before it reads the attribute; `}}ten{{` names none.
    private static func referencesANamedValue(_ literal: String) -> Bool {
        guard let open = literal.range(ofBytes: "{{") else { return false }
        return literal[open.upperBound...].range(ofBytes: "}}") != nil
    }

    /// A namespace declaration or a namespaced attribute (`xmlns:xsl`, `xsi:nil`): XML's
    /// own markup, not an APIM setting.
    /// A namespace's declaration (`xmlns`, `xmlns:a`): markup, not an attribute of the
    /// statement. An attribute in a namespace (`a:require-signed-tokens`, `xml:space`) is
    /// one APIM's schema does not have, whether APIM refuses it or reads it by its local
    /// name (audit V91: one passed unread).
    private static func isNamespaceMarkup(_ name: String) -> Bool {
        name == "xmlns" || name.utf8.starts(with: "xmlns:".utf8)
    }

    /// Reports a name APIM does not have, with the nearest known one in place of `otherwise`
    /// when there is one.
    private mutating func reportUnknown(
        _ name: String, _ message: String, _ span: Range<Int>, candidates: [String], otherwise: String
    ) {
        report(
            .unknownPolicyElement, message, at: span, note: otherwise,
            suggesting: SuggestionRequest(name, among: candidates, placement: .replacingFirst))
    }

    private mutating func report(
        _ code: DiagnosticCode, _ message: String, at span: Range<Int>, note: String, noteAt noteSpan: Range<Int>? = nil,
        suggesting request: SuggestionRequest? = nil
    ) {
        guard findings.count < PolicyStructure.maximumFindings else {
            if !truncated, let last = findings.indices.last {
                truncated = true
                findings[last].diagnostic.notes.append(
                    Diagnostic.Note(
                        "the document has more structure errors than the \(PolicyStructure.maximumFindings) reported; fix these and check again",
                        at: findings[last].diagnostic.range))
            }
            return
        }
        let range = document.range(span)
        findings.append(
            (Diagnostic(code, message, at: range, notes: [Diagnostic.Note(note, at: noteSpan.map(document.range) ?? range)]), request))
    }
}
