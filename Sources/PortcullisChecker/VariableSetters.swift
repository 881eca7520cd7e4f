import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

/// The raw `set-variable` statements, read from the policies given with the named values
/// put in, each with what its code reads and whose it is. A value written out is kept as
/// the code that gives it (`@("https://orders.example.com")`), read as any code is.
///
/// A variable lives for one request, through every scope it passes, so what one
/// variable's value lets the caller do (write it, choose a URL's host) passes on to a
/// variable set from it: ``marked(seeds:passesOn:)`` follows those copies. Setters are
/// gathered at any depth (a `choose` sets a variable for some requests only); names are
/// compared ignoring case. Each errs towards the caller.
struct VariableSetters {
    struct Setter {
        /// Case-folded; nil when an expression names the variable, which may be any.
        let name: String?
        /// The value's code, as APIM compiles it.
        let code: String
        let sources: [ExpressionFlow.Source]
        /// The API whose own policies (its policy, its routes') hold the setter, by index;
        /// nil for a policy every API's requests may run (the gateway's, a product's, a
        /// fragment).
        let api: Int?
        /// The code's number among the distinct texts read: setters that share it are
        /// judged once.
        let flow: Int
    }

    private(set) var setters: [Setter] = []
    /// Estates repeat a setter in every API's policy: each text is read once.
    private var flows: [String: (number: Int, sources: [ExpressionFlow.Source])] = [:]

    /// Read from `documents`, as policies every API's requests may run.
    init(_ documents: [PolicyXMLDocument], values: [String: String]) {
        for document in documents { read(document, api: nil, values) }
    }

    /// Read from every raw policy of `project`, each API's own apart: a variable one API's
    /// policy sets is not another API's, though named alike (found by an audit).
    init(_ project: ResolvedProject, values: [String: String]) {
        for policy in project.rawPolicies { read(policy.document, api: policy.api, values) }
    }

    private mutating func read(_ document: PolicyXMLDocument, api: Int?, _ values: [String: String]) {
        for setter in document.elements(named: Self.setVariable) {
            guard let value = setter.attribute("value")?.value else { continue }
            let resolved = value.resolved
            let given = value.written.holds("{{") ? NamedValues.resolve(resolved, values) ?? resolved : resolved
            let code = given.hasPrefix("@") && (value.isExpression || value.written.holds("{{")) ? given : Self.code(giving: given)
            let name: String? = if case .text(let text)? = setter.attribute("name")?.value { (NamedValues.resolve(text, values) ?? text).lowercased() } else { nil }
            let flow = flows[code] ?? (flows.count, ExpressionFlow.sources(of: code))
            flows[code] = flow
            setters.append(Setter(name: name, code: code, sources: flow.sources, api: api, flow: flow.number))
        }
    }

    private static let setVariable: Set<String> = ["set-variable"]

    /// A C# string literal of `text`, as code: `@("…")`.
    private static func code(giving text: String) -> String {
        "@(" + QuotedText.doubleQuoted(text) { "\\u" + String(hex: $0, width: 4) } + ")"
    }

    /// The variables that a setter `seeds` picks sets, and those set by a setter that reads
    /// one of them and that `passesOn` lets carry it on. An API's own setter reads that
    /// API's variables and those of the policies every API runs; one of those reads any
    /// API's. Each setter is marked once, so this is linear in the setters and what they
    /// read; both judgements are made once for each text of code.
    func marked(seeds: (Setter) -> Bool, passesOn: (Setter) -> Bool) -> MarkedVariables {
        var seeded = [Bool?](repeating: nil, count: flows.count)
        var passing = [Bool?](repeating: nil, count: flows.count)
        // Which setters copy each variable, and which copy them all.
        var copiers: [MarkedVariables.Key: [Int]] = [:]
        var copiersOfAll: [Int] = []
        var pending: [Int] = []
        for (index, setter) in setters.enumerated() {
            let isSeed = seeded[setter.flow] ?? seeds(setter)
            seeded[setter.flow] = isSeed
            if isSeed { pending.append(index) }
            for source in setter.sources {
                switch source {
                case .variable(let name):
                    for key in MarkedVariables.keys(readBy: name.lowercased(), in: setter.api) { copiers[key, default: []].append(index) }
                case .allVariables:
                    copiersOfAll.append(index)
                default:
                    continue
                }
            }
        }
        var marked = MarkedVariables()
        var done = Set(pending)
        while let index = pending.popLast() {
            guard let name = setters[index].name else {
                marked.anyName = true
                return marked
            }
            let first = marked.keys.isEmpty
            var added: [MarkedVariables.Key] = []
            for key in MarkedVariables.keys(setBy: name, in: setters[index].api) where marked.keys.insert(key).inserted { added.append(key) }
            for copier in added.flatMap({ copiers[$0] ?? [] }) + (first && !added.isEmpty ? copiersOfAll : []) where !done.contains(copier) {
                let setter = setters[copier]
                let passes = passing[setter.flow] ?? passesOn(setter)
                passing[setter.flow] = passes
                if passes {
                    done.insert(copier)
                    pending.append(copier)
                }
            }
        }
        return marked
    }
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
    /// `names` picks (`output-token-variable-name`, any `…variable-name`), named values put
    /// in; one written through an expression may be any. The one reader of such writers.
    static func written(
        in project: ResolvedProject, values: [String: String], byAttribute names: (String) -> Bool
    ) -> MarkedVariables {
        var written = MarkedVariables()
        for policy in project.rawPolicies {
            for element in policy.document.allElements {
                for attribute in element.attributes where names(attribute.name) {
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
