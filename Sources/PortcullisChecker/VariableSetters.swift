import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

/// The raw `set-variable` statements, read from the policies given with the named values
/// put in, each with what its code reads and whose it is. A value written out is kept as
/// the code that gives it (`@("https://orders.example.com")`), read as any code is.
///
/// A variable lives for one request, through every scope it passes, so what one
/// variable's value lets the caller do (write it, choose a URL's host) passes on to a
/// variable set from it: ``marked(seeds:passesOn:following:)`` follows those copies.
/// Setters are gathered at any depth (a `choose` sets a variable for some requests only),
/// each with the tests that lead to it; names are compared ignoring case. Each errs
/// towards the caller.
///
/// Read for `inbound` (``init(inboundOf:fragments:values:)``), a `cache-lookup-value` sets
/// its variable too: to what any `cache-store-value` of the estate keeps under its key, in
/// any section (the instance's cache outlives the request), or to its default, after a
/// test of its key (a key the caller writes picks the entry); and a `set-header` sets the
/// request's header, which stands among the variables as ``header(_:)`` names it.
struct VariableSetters {
    struct Setter {
        /// Case-folded; nil when an expression names the variable, which may be any.
        let name: String?
        /// The value's code, as APIM compiles it, read once for every setter of the same text.
        let reading: CodeReading
        /// The API whose own policies (its policy, its routes') hold the setter, by index;
        /// nil for a policy every API's requests may run (the gateway's, a product's, a
        /// fragment).
        let api: Int?
        /// The code's number among the distinct texts read: setters that share it are
        /// judged once.
        let flow: Int
        /// The last test a request passes on its way to the setter (``tests``): which
        /// branch of a `choose` sets the variable, and so its value, follows it and the
        /// tests before it. Nil outside any `choose`.
        let test: Int?

        var code: String { reading.code }
        var sources: [ExpressionFlow.Source] { reading.sources }

        /// Whether it stands for a `cache-store-value`, whose value the instance's cache
        /// keeps for later requests.
        var storesInTheCache: Bool { name?.hasPrefix(VariableSetters.entryPrefix) ?? false }
    }

    /// A `when`'s condition, and what it reads (``ExpressionFlow/reads(of:)``).
    struct Test {
        /// The test a request passes before this one: an earlier `when` of the same
        /// `choose` (an `otherwise` runs where every `when` failed), or the last test on the
        /// way to the `choose`. A branch's value follows every test in the chain.
        let after: Int?
        /// Whether it reads what the caller writes: a header (its presence too), the URL,
        /// the path's parameters, the body.
        let readsTheCaller: Bool
        /// The variables it reads, one it tests for being there (`Variables.ContainsKey(…)`)
        /// too.
        let variables: [ExpressionFlow.Source]
        /// Whose policy holds it, as ``Setter/api``.
        let api: Int?
    }

    private(set) var setters: [Setter] = []
    /// The conditions that lead to setters, each once in a chain: a branch's setters name
    /// the last test before them, so a `choose` of many `when`s costs what its text does.
    private var tests: [Test] = []
    /// Estates repeat a setter in every API's policy: each text is read once.
    private var flows: [String: (number: Int, reading: CodeReading)] = [:]
    /// Each condition's text, read once.
    private var conditions: [String: (readsTheCaller: Bool, variables: [ExpressionFlow.Source])] = [:]
    /// A test standing for the branches that include each fragment, by the fragment's id
    /// (``init(inboundOf:fragments:values:)``), and the tests after which a branch includes one.
    private var fragmentTests: [String: Int] = [:]
    private var inclusions: [(after: Int, fragment: Int)] = []
    /// The fragments an element read includes, by id, at any depth: those reached from
    /// `inbound`.
    private var included: [String] = []
    /// The fragments whose own statements answer, by id: a branch including one ends the
    /// request there, as one that answers itself.
    private var answeringFragments: Set<String> = []
    /// Whether a `cache-lookup-value` sets its variable and a `set-header` its header
    /// (``init(inboundOf:fragments:values:)``).
    private var readsTheCache = false
    /// The texts that keys of `cache-store-value`s an expression computes start with, in
    /// lower case ("" where nothing is known): which of them a lookup's written key may be.
    private var computedKeyStarts: Set<String> = []

    /// Read for the statements of `inbound` (token checks, limits, requests sent before the
    /// check), as policies every API's requests may run: the `inbound` section of each of
    /// the raw `policies`, since a variable a later section sets never reaches them, and
    /// the `fragments` included there, directly or through others. A fragment included in
    /// a branch is read after the branch's tests: what it sets follows them too. Fragments
    /// are named by their ids as written, as the resolver finds them. Each policy comes with
    /// the API whose own it is (``Setter/api``).
    init(inboundOf policies: [(document: PolicyXMLDocument, api: Int?)], fragments: [PolicyFragment], values: NamedValueTable) {
        readsTheCache = true
        var documents: [String: PolicyXMLDocument] = [:]
        for fragment in fragments {
            guard let document = fragment.policy.document else { continue }
            let id = fragment.name.value
            documents[id] = document
            tests.append(Test(after: nil, readsTheCaller: false, variables: [], api: nil))
            fragmentTests[id] = tests.count - 1
            if document.rootElements.contains(where: { Self.answers.contains($0.name) }) { answeringFragments.insert(id) }
        }
        // Where no fragment sets a variable, which branch includes one tells nothing.
        let fragmentsSet = documents.values.contains { $0.has(anyOf: Self.settersOrLookups) }
        func holdsSetters(_ document: PolicyXMLDocument) -> Bool {
            document.has(anyOf: Self.settersOrLookups) || fragmentsSet && document.has(anyOf: Self.includeFragment)
        }
        // The instance's cache, read first: which entries a lookup reads depends on the keys
        // stored under, in any section of any policy or fragment.
        let everyDocument = policies.map(\.document) + documents.values
        if everyDocument.contains(where: { $0.has(anyOf: Self.cacheLookup) }) {
            for document in everyDocument {
                for store in document.elements(named: Self.cacheStore) { add(store: store, values) }
            }
        }
        for (policy, api) in policies where policy.root.name == "policies" && holdsSetters(policy) {
            for case .element(let section) in policy.root.children where section.name == "inbound" {
                read(section, after: nil, api: api, values)
            }
        }
        var done: Set<String> = []
        while let id = included.popLast() {
            guard done.insert(id).inserted, let document = documents[id], holdsSetters(document) else { continue }
            read(document.root, after: fragmentTests[id], api: nil, values)
        }
    }

    /// Read from every raw policy of `project`, each API's own apart: a variable one API's
    /// policy sets is not another API's, though named alike (found by an audit).
    init(_ project: ResolvedProject, values: NamedValueTable) {
        for policy in project.rawPolicies { read(policy.document, api: policy.api, values) }
    }

    private mutating func read(_ document: PolicyXMLDocument, api: Int?, _ values: NamedValueTable) {
        guard document.has(anyOf: Self.setVariable) else { return }
        read(document.root, after: nil, api: api, values)
    }

    /// The setters in `element`, which a request reaches after the test `after`.
    private mutating func read(_ element: PolicyXMLElement, after test: Int?, api: Int?, _ values: NamedValueTable) {
        switch element.name {
        case "set-variable":
            add(element, after: test, api: api, values)
        case "cache-lookup-value" where readsTheCache:
            add(lookup: element, after: test, api: api, values)
        case "set-header" where readsTheCache:
            add(header: element, after: test, api: api, values)
        // What these set is another message's: a call's, or the answer's.
        case "send-request", "send-one-way-request", "return-response":
            return
        case "include-fragment":
            guard case .text(let id)? = element.attribute("fragment-id")?.value, let fragment = fragmentTests[id] else { return }
            included.append(id)
            if let test { inclusions.append((test, fragment)) }
        case "choose":
            var last = test
            for case .element(let branch) in element.children {
                // A branch that answers ends the request there: what it sets reaches no
                // statement after the `choose`, and the requests that go on are those its
                // test turned away, so neither it nor its test picks anything.
                let answers = branch.children.contains { child in
                    guard case .element(let statement) = child else { return false }
                    if Self.answers.contains(statement.name) { return true }
                    guard statement.name == "include-fragment", case .text(let id)? = statement.attribute("fragment-id")?.value else { return false }
                    return answeringFragments.contains(id)
                }
                if !answers, branch.name == "when", let condition = branch.attribute("condition")?.value {
                    let read = read(condition: condition, values)
                    tests.append(Test(after: last, readsTheCaller: read.readsTheCaller, variables: read.variables, api: api))
                    last = tests.count - 1
                }
                read(branch, after: answers ? nil : last, api: api, values)
            }
        default:
            for case .element(let child) in element.children { read(child, after: test, api: api, values) }
        }
    }

    private mutating func add(_ setter: PolicyXMLElement, after test: Int?, api: Int?, _ values: NamedValueTable) {
        guard let value = setter.attribute("value")?.value else { return }
        add(name: setter.attribute("name")?.value, code: Self.code(of: value, values), after: test, api: api, values)
    }

    /// A setter of the variable `written` names (an expression's: any) to `code`.
    private mutating func add(name written: PolicyXMLValue?, code: String, after test: Int?, api: Int?, _ values: NamedValueTable) {
        let name: String? = if case .text(let text)? = written { (NamedValues.resolve(text, values) ?? text).lowercased() } else { nil }
        let flow = flows[code] ?? (flows.count, CodeReading(code))
        flows[code] = flow
        setters.append(Setter(name: name, reading: flow.reading, api: api, flow: flow.number, test: test))
    }

    /// A `set-header` of the request: from there on the header holds one of its values,
    /// beside the caller's (`append`) or where the caller sent none (`skip`), which the
    /// caller then may leave out; `delete` leaves none. One an expression names is not
    /// followed.
    private mutating func add(header: PolicyXMLElement, after test: Int?, api: Int?, _ values: NamedValueTable) {
        guard case .text(let written)? = header.attribute("name")?.value else { return }
        if case .text(let action)? = header.attribute("exists-action")?.value, action.trimmingWhitespace.lowercased() == "delete" { return }
        let name = Self.header(NamedValues.resolve(written, values) ?? written)
        for case .element(let value) in header.children where value.name == "value" {
            for case .text(let text, _) in value.children {
                add(name: .text(name), code: Self.code(of: text, values), after: test, api: api, values)
            }
        }
    }

    /// The name a request header stands under among the variables: none of a policy's own
    /// can be mistaken for it, as for the cache's entries.
    static func header(_ name: String) -> String { headerPrefix + name.trimmingWhitespace.lowercased() }
    private static let headerPrefix = "portcullis request header "

    /// `source` as a read of the variables: a header by its name (``header(_:)``).
    static func asVariable(_ source: ExpressionFlow.Source) -> ExpressionFlow.Source {
        if case .requestHeader(let name) = source { .variable(header(name)) } else { source }
    }

    /// A `cache-lookup-value`: its variable takes what the cache keeps under its key, or
    /// its default when nothing is kept, after a test of the key: which entry is read
    /// follows what the key reads, as a branch follows its condition.
    private mutating func add(lookup: PolicyXMLElement, after test: Int?, api: Int?, _ values: NamedValueTable) {
        guard let variable = lookup.attribute("variable-name")?.value else { return }
        var last = test
        if let key = lookup.attribute("key")?.value {
            let read = read(condition: key, values)
            if read.readsTheCaller || !read.variables.isEmpty {
                tests.append(Test(after: test, readsTheCaller: read.readsTheCaller, variables: read.variables, api: api))
                last = tests.count - 1
            }
        }
        let entries: [String]
        switch Self.key(of: lookup, values) {
        case .written(let key)?:
            // Past a few dozen starts, each is not tried: the lookup reads every computed key's.
            let computed =
                computedKeyStarts.count > Self.startsTried
                ? [Self.entryOfAComputedKey] : computedKeyStarts.filter { key.hasPrefix($0) }.sorted().map(Self.entry(startingWith:))
            entries = [Self.entry(key)] + computed
        case .computed?, nil:
            entries = [Self.entryOfAnyKey]
        }
        let kept = "@(" + entries.map { "(string)context.Variables[" + Self.literal($0) + "]" }.joined(separator: " + ") + ")"
        add(name: variable, code: kept, after: last, api: api, values)
        if let given = lookup.attribute("default-value")?.value {
            add(name: variable, code: Self.code(of: given, values), after: last, api: api, values)
        }
    }

    /// A `cache-store-value`, as setters of the entries ``add(lookup:after:api:_:)`` reads: the
    /// one of its written key, or those of the text a computed key starts with and of any
    /// computed key; and the one of any key. The cache is the instance's: every API's
    /// lookups read it.
    private mutating func add(store: PolicyXMLElement, _ values: NamedValueTable) {
        guard let value = store.attribute("value")?.value, let key = Self.key(of: store, values) else { return }
        let code = Self.code(of: value, values)
        let names: [String]
        switch key {
        case .written(let key):
            names = [Self.entry(key), Self.entryOfAnyKey]
        case .computed(let start):
            computedKeyStarts.insert(start)
            names = [Self.entry(startingWith: start), Self.entryOfAComputedKey, Self.entryOfAnyKey]
        }
        for name in names { add(name: .text(name), code: code, after: nil, api: nil, values) }
    }

    /// A cache statement's key, in lower case as variables' names are compared.
    private enum CacheKey {
        /// Written out, as text or an expression of one string (`@("bearerToken")`), named
        /// values put in; trimmed.
        case written(String)
        /// Computed by an expression, or holding a named value whose value is not known
        /// here (a secret's): it starts with the text given, "" where nothing is known
        /// (``ExpressionFlow/leadingText(of:)``: `@("idem-" + …)` is never `enrich-token`).
        case computed(startingWith: String)
    }

    private static func key(of statement: PolicyXMLElement, _ values: NamedValueTable) -> CacheKey? {
        guard let key = statement.attribute("key")?.value else { return nil }
        switch key {
        case .text(let text):
            guard let resolved = NamedValues.resolve(text, values) else {
                let start = text.firstRange(of: "{{").map { text[..<$0.lowerBound] } ?? Substring(text)
                return .computed(startingWith: String(start.drop { $0.isWhitespace }).lowercased())
            }
            return .written(resolved.trimmingWhitespace.lowercased())
        case .expression:
            let code = code(of: key, values)
            if let text = ExpressionFlow.stringLiteral(of: code) { return .written(text.trimmingWhitespace.lowercased()) }
            return .computed(startingWith: ExpressionFlow.leadingText(of: code)?.lowercased() ?? "")
        }
    }

    /// The names of the cache's entries as variables, which no policy's own can be mistaken
    /// for without harm: a lookup of a written key reads its entry and those of computed
    /// keys that may be it; a lookup of a computed key, those of any key.
    private static func entry(_ key: String) -> String { entryPrefix + key }
    private static func entry(startingWith start: String) -> String { entryPrefix + "of a computed key starting " + start }
    private static let entryOfAComputedKey = entryPrefix + "of a computed key"
    private static let entryOfAnyKey = entryPrefix + "of any key"
    fileprivate static let entryPrefix = "portcullis cache entry "
    /// How many starts of computed keys a written key is compared with, at most.
    private static let startsTried = 64

    /// What a `when`'s condition reads, as APIM compiles it.
    private mutating func read(condition: PolicyXMLValue, _ values: NamedValueTable) -> (readsTheCaller: Bool, variables: [ExpressionFlow.Source]) {
        let code = Self.code(of: condition, values)
        if let known = conditions[code] { return known }
        let reads = ExpressionFlow.reads(of: code)
        let variables = reads.filter { if case .variable = $0 { true } else { $0 == .allVariables } }
        let read = (PolicyXMLElement.readsWhatTheCallerWrites(code) || reads.contains(where: \.isCallerWritten), variables)
        conditions[code] = read
        return read
    }

    private static let setVariable: Set<String> = ["set-variable"]
    private static let settersOrLookups: Set<String> = ["set-variable", "cache-lookup-value", "set-header"]
    private static let cacheStore: Set<String> = ["cache-store-value"]
    private static let cacheLookup: Set<String> = ["cache-lookup-value"]
    private static let includeFragment: Set<String> = ["include-fragment"]
    /// Statements that end the request with an answer of the gateway's.
    private static let answers: Set<String> = ["return-response", "mock-response"]

    /// The code APIM compiles for `value` once the named values `values` are put in: an
    /// expression as written, text as a C# string literal of it (``code(giving:)``).
    static func code(of value: PolicyXMLValue, _ values: NamedValueTable) -> String {
        let resolved = value.resolved
        let given = value.written.holds("{{") ? NamedValues.resolve(resolved, values) ?? resolved : resolved
        return given.hasPrefix("@") && (value.isExpression || value.written.holds("{{")) ? given : code(giving: given)
    }

    /// A C# string literal of `text`, as code: `@("…")`.
    private static func code(giving text: String) -> String {
        "@(" + literal(text) + ")"
    }

    /// A C# string literal of `text`.
    private static func literal(_ text: String) -> String {
        QuotedText.doubleQuoted(text) { "\\u" + String(hex: $0, width: 4) }
    }

    /// The variables that a setter `seeds` picks sets, and those set by a setter that reads
    /// one of them and that `passesOn` lets carry it on. An API's own setter reads that
    /// API's variables and those of the policies every API runs; one of those reads any
    /// API's. `following` says what a variable passes on to. Each setter is marked once, so
    /// this is linear in the setters and what they read; both judgements are made once for
    /// each text of code. Without `throughTheCache`, what a `cache-store-value` keeps is
    /// neither picked nor passed on: kept, a value is the same for every later request.
    func marked(seeds: (Setter) -> Bool, passesOn: (Setter) -> Bool, following: Following = .values, throughTheCache: Bool = true) -> MarkedVariables {
        var seeded = [Bool?](repeating: nil, count: flows.count)
        var passing = [Bool?](repeating: nil, count: flows.count)
        // Which setters and tests read each variable, and which read them all; what each
        // test leads to.
        var copiers: [MarkedVariables.Key: [Step]] = [:]
        var copiersOfAll: [Step] = []
        var ledTo = [[Step]](repeating: [], count: following == .choices ? tests.count : 0)
        var pending: [Step] = []
        func read(_ sources: [ExpressionFlow.Source], by step: Step, in api: Int?) {
            for source in sources {
                switch Self.asVariable(source) {
                case .variable(let name):
                    for key in MarkedVariables.keys(readBy: name.lowercased(), in: api) { copiers[key, default: []].append(step) }
                case .allVariables:
                    copiersOfAll.append(step)
                default:
                    continue
                }
            }
        }
        for (index, setter) in setters.enumerated() where throughTheCache || !setter.storesInTheCache {
            let isSeed = seeded[setter.flow] ?? seeds(setter)
            seeded[setter.flow] = isSeed
            if isSeed { pending.append(.setter(index)) }
            switch following {
            case .values:
                read(setter.sources, by: .setter(index), in: setter.api)
            case .choices:
                read(setter.reading.reads, by: .setter(index), in: setter.api)
                if let test = setter.test { ledTo[test].append(.setter(index)) }
            }
        }
        if following == .choices {
            for (index, test) in tests.enumerated() {
                if test.readsTheCaller { pending.append(.test(index)) }
                if let after = test.after { ledTo[after].append(.test(index)) }
                read(test.variables, by: .test(index), in: test.api)
            }
            for inclusion in inclusions { ledTo[inclusion.after].append(.test(inclusion.fragment)) }
        }
        var marked = MarkedVariables()
        var done = Set(pending)
        while let step = pending.popLast() {
            switch step {
            case .test(let test):
                for next in ledTo[test] where done.insert(next).inserted { pending.append(next) }
            case .setter(let index):
                guard let name = setters[index].name else {
                    marked.anyName = true
                    return marked
                }
                let first = marked.keys.isEmpty
                var added: [MarkedVariables.Key] = []
                for key in MarkedVariables.keys(setBy: name, in: setters[index].api) where marked.keys.insert(key).inserted { added.append(key) }
                for copier in added.flatMap({ copiers[$0] ?? [] }) + (first && !added.isEmpty ? copiersOfAll : []) where !done.contains(copier) {
                    if case .setter(let copying) = copier {
                        let setter = setters[copying]
                        let passes = passing[setter.flow] ?? passesOn(setter)
                        passing[setter.flow] = passes
                        guard passes else { continue }
                    }
                    done.insert(copier)
                    pending.append(copier)
                }
            }
        }
        return marked
    }

    /// A setter or a test, by index, as ``marked(seeds:passesOn:following:)`` follows them.
    private enum Step: Hashable {
        case setter(Int)
        case test(Int)
    }

    /// What a marked variable passes on to (``marked(seeds:passesOn:following:)``).
    enum Following {
        /// The variables set to a value that may carry it (``Setter/sources``).
        case values
        /// Besides those, the variables whose value it may change: set to a value that
        /// reads it anywhere, a test too, or in a branch that conditions reading it lead
        /// to. A setter that conditions reading the caller's request lead to is picked too.
        case choices
    }
}

/// What a setter's code may give and read, each found once and only when asked: the sets
/// of variables a check asks for ask the same of every setter of a text, and a chain of
/// 16,000 setters was read eight times over.
final class CodeReading {
    /// One value the code may give, and what that value may carry whole.
    typealias Value = (code: String, sources: [ExpressionFlow.Source])

    let code: String

    init(_ code: String) { self.code = code }

    /// What its value may carry whole (``ExpressionFlow/sources(of:)``).
    private(set) lazy var sources: [ExpressionFlow.Source] = ExpressionFlow.sources(of: code)
    /// Each value it may give (``ExpressionFlow/decidingCodes(of:)``), with what that carries.
    private(set) lazy var values: [Value] = ExpressionFlow.decidingCodes(of: code).map { ($0, ExpressionFlow.sources(of: $0)) }
    /// Everything it reads, a test too (``ExpressionFlow/reads(of:)``).
    private(set) lazy var reads: [ExpressionFlow.Source] = ExpressionFlow.reads(of: code)
}

/// Variables picked out by what their values let the caller do: by case-folded name and
/// whose setter it was (``VariableSetters/Setter/api``).
struct MarkedVariables: Sendable, Equatable {
    struct Key: Hashable, Sendable {
        let name: String
        /// An API by index; nil for the policies every API runs; ``anyAPI``.
        let api: Int?
    }

    /// Stands for every API: a variable one API's policy sets, as the policies every API
    /// runs read it.
    private static let anyAPI = -1

    var keys: Set<Key> = []
    /// Whether a picked setter names its variable by an expression: it may set any.
    var anyName = false

    /// What a setter of `name` in `api`'s policies (nil: every API's) marks.
    static func keys(setBy name: String, in api: Int?) -> [Key] {
        guard let api else { return [Key(name: name, api: nil)] }
        return [Key(name: name, api: api), Key(name: name, api: anyAPI)]
    }

    /// What a read of `name` in `api`'s policies (nil: every API's) may find.
    static func keys(readBy name: String, in api: Int?) -> [Key] {
        [Key(name: name, api: api ?? anyAPI), Key(name: name, api: nil)]
    }

    /// The variables that statements of `project`'s raw policies write through an attribute
    /// `names` picks by the statement's and its own name (`output-token-variable-name`, any
    /// `…variable-name`), named values put
    /// in; one written through an expression may be any. The one reader of such writers.
    static func written(
        in project: ResolvedProject, values: NamedValueTable, byAttribute names: (_ element: String, _ attribute: String) -> Bool
    ) -> MarkedVariables {
        written(in: project.rawPolicies.map { ($0.document, $0.api) }, values: values, byAttribute: names)
    }

    /// ``written(in:values:byAttribute:)`` of `policies`, each with the API whose it is.
    static func written(
        in policies: [(document: PolicyXMLDocument, api: Int?)], values: NamedValueTable,
        byAttribute names: (_ element: String, _ attribute: String) -> Bool
    ) -> MarkedVariables {
        var written = MarkedVariables()
        for policy in policies {
            for element in policy.document.allElements {
                for attribute in element.attributes where names(element.name, attribute.name) {
                    guard case .text(let text) = attribute.value else {
                        written.anyName = true
                        continue
                    }
                    let name = (NamedValues.resolve(text, values) ?? text).trimmingWhitespace.lowercased()
                    written.keys.formUnion(keys(setBy: name, in: policy.api))
                }
            }
        }
        return written
    }

    /// These and `other`'s.
    func adding(_ other: MarkedVariables) -> MarkedVariables {
        MarkedVariables(keys: keys.union(other.keys), anyName: anyName || other.anyName)
    }

    /// Whether `source`, read in `api`'s policies (nil: every API's), may read a picked
    /// variable; false for a source that is no variable.
    func read(by source: ExpressionFlow.Source, in api: Int? = nil) -> Bool {
        switch source {
        case .variable(let name): anyName || Self.keys(readBy: name.lowercased(), in: api).contains(where: keys.contains)
        case .allVariables: anyName || !keys.isEmpty
        default: false
        }
    }
}
