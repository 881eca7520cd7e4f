import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// The named values and secrets that may choose the Backend a raw policy sends requests
/// through, which environments keep the same (RF007): a Backend brings its credentials,
/// TLS checks and breaker. Found by following what the choice reads: a `backend-id`'s
/// value; the conditions of a `choose` that sets a Backend or a URL (in an included
/// fragment too); and, back from there, every writer of a variable they read
/// (`set-variable`, a `…variable-name` such as a cache lookup's or a call's answer) with
/// what that writer reads in turn and the conditions that decide whether it runs, those
/// around each `include-fragment` of its fragment too; for a cache lookup, the value every
/// `cache-store-value` keeps and the conditions around it. A `{{name}}` only some unrelated
/// expression holds is no chooser: every named value an estate put in an expression was
/// one, the audit of the wider rule found, with no way to silence the error.
public enum BackendChoosers {
    /// Each chooser by case-folded name, as APIM matches names, with the first place it is
    /// written. Each document comes with the API whose own it is (nil for the gateway's, a
    /// product's, a fragment): a variable lives for one request, so one API's writer does
    /// not feed another API's choice (the audit of the rule: a value an audit API logged
    /// was taken for the orders API's routing).
    public static func templates(in documents: [(document: PolicyXMLDocument, api: Int?)], fragments: [String: PolicyXMLDocument]) -> [String: SourceRange] {
        var search = Search(fragmentsSettingABackend: fragmentsSettingABackend(fragments))
        for (document, api) in documents {
            for element in document.allElements {
                for attribute in element.attributes where isBackendID(attribute.name) { search.take(attribute, of: document, api: api) }
                guard element.name == "choose", search.setsABackend(element) else { continue }
                for branch in element.elements where branch.name == "when" {
                    if let condition = branch.attribute("condition") { search.take(condition, of: document, api: api) }
                }
            }
        }
        // Back along the variables read: each writer of one is taken once, and adds what
        // it reads in turn (taking every writer on each pass until none added a variable
        // was quadratic in a chain of them).
        var all: [Statement] = []
        var writers: [String: [Int]] = [:]
        var stores: [Statement] = []
        var includes: [String: [Statement]] = [:]
        for (document, api) in documents {
            func collect(_ element: PolicyXMLElement, decidedBy conditions: [PolicyXMLAttribute]) {
                func statement() -> Statement { Statement(document: document, api: api, element: element, conditions: conditions) }
                if element.name == "cache-store-value" { stores.append(statement()) }
                if let id = includedFragment(element) { includes[id, default: []].append(statement()) }
                let written = writtenVariables(by: element)
                if !written.isEmpty {
                    for name in written { writers[name, default: []].append(all.count) }
                    all.append(statement())
                }
                let inside = element.name == "choose" ? conditions + element.elements.compactMap { $0.name == "when" ? $0.attribute("condition") : nil } : conditions
                for case .element(let child) in element.children { collect(child, decidedBy: inside) }
            }
            collect(document.root, decidedBy: [])
        }
        // A statement in a fragment runs where the fragment is included, as the conditions
        // around each `include-fragment` decide (a `when` around one chose the value of the
        // Backend's variable with lint at 0, an audit found): each fragment's sites are taken
        // once, with the API of the document holding them, and on up through the fragments
        // that include it, so a chain of them is walked once and a cycle ends.
        let fragmentNames = Dictionary(fragments.map { (ObjectIdentifier($0.value), $0.key) }) { first, _ in first }
        var fragmentsTaken = Set<String>()
        func takeConditions(of statement: Statement) {
            for condition in statement.conditions { search.take(condition, of: statement.document, api: statement.api) }
            var including = fragmentNames[ObjectIdentifier(statement.document)].map { [$0] } ?? []
            while let fragment = including.popLast() {
                guard fragmentsTaken.insert(fragment).inserted else { continue }
                for site in includes[fragment] ?? [] {
                    for condition in site.conditions { search.take(condition, of: site.document, api: site.api) }
                    if let outer = fragmentNames[ObjectIdentifier(site.document)] { including.append(outer) }
                }
            }
        }
        var taken = Set<Int>()
        var storesTaken = false
        func take(_ writer: Statement) {
            takeConditions(of: writer)
            writer.element.forEachElement { part in
                for attribute in part.attributes { search.take(attribute, of: writer.document, api: writer.api) }
                for case .text(let value, let span) in part.children { search.take(value, at: span, of: writer.document, api: writer.api) }
            }
        }
        while true {
            if search.readsEveryVariable {
                // A variable read by a name not written out may be any: every writer counts.
                for variable in writers.keys { search.follow(variable, api: nil) }
                search.readsEveryVariable = false
            }
            guard let (variable, api) = search.pending.popLast() else { break }
            for number in writers[variable] ?? [] where api == nil || all[number].api == nil || all[number].api == api {
                guard taken.insert(number).inserted else { continue }
                let writer = all[number]
                take(writer)
                // A value read from the cache is one any API's `cache-store-value` kept there:
                // APIM keeps one cache for the instance (an audit routed by a cached value).
                // Only what decides that value counts: the value, and the key, which decides
                // whose value the lookup meets; a store's `duration` made an unrelated TTL
                // a chooser, an audit found.
                if writer.element.name == "cache-lookup-value", !storesTaken {
                    storesTaken = true
                    for store in stores {
                        takeConditions(of: store)
                        for name in ["value", "key"] {
                            if let attribute = store.element.attribute(name) { search.take(attribute, of: store.document, api: store.api) }
                        }
                    }
                }
            }
        }
        return search.found
    }

    /// A statement (a variable's writer, a cache store, an `include-fragment`) in a
    /// document of `api`'s (nil: every API's), with the conditions of the `choose`s around
    /// it, which decide whether it runs (the audit of the rule: a `when` on a named value
    /// chose the value a Backend was named by).
    private struct Statement {
        let document: PolicyXMLDocument
        let api: Int?
        let element: PolicyXMLElement
        let conditions: [PolicyXMLAttribute]
    }

    /// Whether `element` itself sets a Backend or a URL.
    private static func setsABackendItself(_ element: PolicyXMLElement) -> Bool {
        element.name == "set-backend-service" || element.attributes.contains { isBackendID($0.name) }
    }

    /// The id of the fragment `element` includes, if it is an `include-fragment` naming one.
    private static func includedFragment(_ element: PolicyXMLElement) -> String? {
        guard element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value else { return nil }
        return id
    }

    /// The fragments that set a Backend or a URL, themselves or through fragments they
    /// include, found back from those that set one along who includes whom: asked of each
    /// `choose`, a walk down the fragments it includes was quadratic in a chain of them,
    /// and its depth overflowed the stack.
    private static func fragmentsSettingABackend(_ fragments: [String: PolicyXMLDocument]) -> Set<String> {
        var includers: [String: [String]] = [:]
        var setting: [String] = []
        for (name, fragment) in fragments {
            if fragment.allElements.contains(where: setsABackendItself) { setting.append(name) }
            for element in fragment.allElements {
                if let id = includedFragment(element) { includers[id, default: []].append(name) }
            }
        }
        var found = Set(setting)
        while let name = setting.popLast() {
            for includer in includers[name] ?? [] where found.insert(includer).inserted { setting.append(includer) }
        }
        return found
    }

    private static func isBackendID(_ name: String) -> Bool {
        name == "backend-id" || name.hasSuffix("-backend-id")
    }

    /// The variables `element` writes that a literal names, in lower case: a
    /// `set-variable`'s, and each an attribute `…variable-name` names (a limit writes two:
    /// the audit of the rule).
    private static func writtenVariables(by element: PolicyXMLElement) -> [String] {
        let attributes = element.name == "set-variable" ? element.attribute("name").map { [$0] } ?? [] : element.attributes.filter { $0.name.hasSuffix("variable-name") }
        return attributes.compactMap { attribute in
            guard case .text(let name) = attribute.value else { return nil }
            return name.trimmingWhitespace.lowercased()
        }
    }

    private struct Search {
        /// The fragments that set a Backend or a URL, themselves or through those they include.
        let fragmentsSettingABackend: Set<String>
        var found: [String: SourceRange] = [:]
        /// The variables a choice reads, in lower case, each with the API whose policy
        /// reads it (nil: every API's), and those whose writers are still to be taken; all
        /// of them when one is read by a name not written out.
        var variables: Set<Read> = []
        var pending: [(String, Int?)] = []
        var readsEveryVariable = false

        struct Read: Hashable {
            let name: String
            let api: Int?
        }

        mutating func follow(_ variable: String, api: Int?) {
            if variables.insert(Read(name: variable, api: api)).inserted { pending.append((variable, api)) }
        }

        mutating func take(_ attribute: PolicyXMLAttribute, of document: PolicyXMLDocument, api: Int?) {
            take(attribute.value, at: attribute.valueSpan, of: document, api: api)
        }

        /// The `{{name}}`s written at `span`, and the variables `value`'s code reads, in a
        /// document of `api`'s.
        mutating func take(_ value: PolicyXMLValue, at span: Range<Int>, of document: PolicyXMLDocument, api: Int?) {
            for reference in RawTemplates.names(in: document, span: span) {
                found[Grammar.caseFolded(reference.value)] = found[Grammar.caseFolded(reference.value)] ?? reference.range
            }
            guard value.isExpression else { return }
            for source in ExpressionFlow.reads(of: value.resolved) {
                switch source {
                case .variable(let name): follow(name.trimmingWhitespace.lowercased(), api: api)
                case .allVariables: readsEveryVariable = true
                default: continue
                }
            }
        }

        /// Whether `choose` sets a Backend or a URL in some branch, in a fragment it
        /// includes too.
        func setsABackend(_ choose: PolicyXMLElement) -> Bool {
            var found = false
            choose.forEachElement { nested in
                found = found || BackendChoosers.setsABackendItself(nested) || BackendChoosers.includedFragment(nested).map(fragmentsSettingABackend.contains) ?? false
            }
            return found
        }
    }
}
