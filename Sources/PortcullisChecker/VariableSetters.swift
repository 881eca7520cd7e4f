import PortcullisModel
import PortcullisPolicyXML

/// The raw `set-variable` statements whose value is code, read from every policy given
/// with the named values put in, each with what its code reads.
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
    }

    let setters: [Setter]

    init(_ documents: [PolicyXMLDocument], values: [String: String]) {
        var setters: [Setter] = []
        // Estates repeat a setter in every API's policy: each text is read once.
        var flows: [String: [ExpressionFlow.Source]] = [:]
        for document in documents {
            for setter in document.elements(named: Self.setVariable) {
                guard let value = setter.attribute("value")?.value, value.isExpression || value.written.holds("{{") else { continue }
                let resolved = value.resolved
                let code = value.written.holds("{{") ? NamedValues.resolve(resolved, values) ?? resolved : resolved
                guard code.hasPrefix("@") else { continue }
                let name: String? = if case .text(let text)? = setter.attribute("name")?.value { (NamedValues.resolve(text, values) ?? text).lowercased() } else { nil }
                let sources = flows[code] ?? ExpressionFlow.sources(of: code)
                flows[code] = sources
                setters.append(Setter(name: name, code: code, sources: sources))
            }
        }
        self.setters = setters
    }

    private static let setVariable: Set<String> = ["set-variable"]

    /// The variables that a setter `seeds` picks sets, and those set by a setter that reads
    /// one of them and that `passesOn` lets carry it on. Each setter is marked once, so
    /// this is linear in the setters and what they read; both judgements are made once
    /// for each text of code.
    func marked(seeds: (Setter) -> Bool, passesOn: (Setter) -> Bool) -> MarkedVariables {
        var seeded: [String: Bool] = [:]
        var passing: [String: Bool] = [:]
        // Which setters copy each variable, and which copy them all.
        var copiers: [String: [Int]] = [:]
        var copiersOfAll: [Int] = []
        var pending: [Int] = []
        for (index, setter) in setters.enumerated() {
            let isSeed = seeded[setter.code] ?? seeds(setter)
            seeded[setter.code] = isSeed
            if isSeed { pending.append(index) }
            for source in setter.sources {
                switch source {
                case .variable(let name): copiers[name.lowercased(), default: []].append(index)
                case .allVariables: copiersOfAll.append(index)
                default: continue
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
            let first = marked.names.isEmpty
            guard marked.names.insert(name).inserted else { continue }
            for copier in (copiers[name] ?? []) + (first ? copiersOfAll : []) where !done.contains(copier) {
                let setter = setters[copier]
                let passes = passing[setter.code] ?? passesOn(setter)
                passing[setter.code] = passes
                if passes {
                    done.insert(copier)
                    pending.append(copier)
                }
            }
        }
        return marked
    }
}

/// Variables picked out by what their values let the caller do, by case-folded name.
struct MarkedVariables: Sendable, Equatable {
    var names: Set<String> = []
    /// Whether a picked setter names its variable by an expression: it may set any.
    var anyName = false

    /// Whether `source` may read a picked variable; false for a source that is no variable.
    func read(by source: ExpressionFlow.Source) -> Bool {
        switch source {
        case .variable(let name): anyName || names.contains(name.lowercased())
        case .allVariables: anyName || !names.isEmpty
        default: false
        }
    }
}
