import PortcullisModel
import PortcullisPolicyXML

/// The raw `set-variable` statements whose value is code, read from the policies given
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
        /// The code's number among the distinct texts its ``Reader`` read: setters that
        /// share it are judged once.
        let flow: Int
    }

    let setters: [Setter]
    /// How many distinct texts of code the setters' reader read.
    private let flows: Int

    init(_ documents: [PolicyXMLDocument], values: [String: String]) {
        var reader = Reader(values: values)
        self = reader.setters(in: documents)
    }

    fileprivate init(setters: [Setter], flows: Int) {
        self.setters = setters
        self.flows = flows
    }

    /// Reads each document's setters once, for sets of documents that share many (the
    /// policies on each route's requests share the gateway's and the API's).
    struct Reader {
        let values: [String: String]
        private var byDocument: [ObjectIdentifier: [Setter]] = [:]
        /// Estates repeat a setter in every API's policy: each text is read once.
        private var flows: [String: (number: Int, sources: [ExpressionFlow.Source])] = [:]

        init(values: [String: String]) {
            self.values = values
        }

        mutating func setters(in documents: [PolicyXMLDocument]) -> VariableSetters {
            var setters: [Setter] = []
            for document in documents {
                if let known = byDocument[ObjectIdentifier(document)] {
                    setters += known
                    continue
                }
                let read = self.read(document)
                byDocument[ObjectIdentifier(document)] = read
                setters += read
            }
            return VariableSetters(setters: setters, flows: flows.count)
        }

        private mutating func read(_ document: PolicyXMLDocument) -> [Setter] {
            var setters: [Setter] = []
            for setter in document.elements(named: Self.setVariable) {
                guard let value = setter.attribute("value")?.value, value.isExpression || value.written.holds("{{") else { continue }
                let resolved = value.resolved
                let code = value.written.holds("{{") ? NamedValues.resolve(resolved, values) ?? resolved : resolved
                guard code.hasPrefix("@") else { continue }
                let name: String? = if case .text(let text)? = setter.attribute("name")?.value { (NamedValues.resolve(text, values) ?? text).lowercased() } else { nil }
                let flow = flows[code] ?? (flows.count, ExpressionFlow.sources(of: code))
                flows[code] = flow
                setters.append(Setter(name: name, code: code, sources: flow.sources, flow: flow.number))
            }
            return setters
        }

        private static let setVariable: Set<String> = ["set-variable"]
    }

    /// The variables that a setter `seeds` picks sets, and those set by a setter that reads
    /// one of them and that `passesOn` lets carry it on. Each setter is marked once, so
    /// this is linear in the setters and what they read; both judgements are made once
    /// for each text of code.
    func marked(seeds: (Setter) -> Bool, passesOn: (Setter) -> Bool) -> MarkedVariables {
        var seeded = [Bool?](repeating: nil, count: flows)
        var passing = [Bool?](repeating: nil, count: flows)
        // Which setters copy each variable, and which copy them all.
        var copiers: [String: [Int]] = [:]
        var copiersOfAll: [Int] = []
        var pending: [Int] = []
        for (index, setter) in setters.enumerated() {
            let isSeed = seeded[setter.flow] ?? seeds(setter)
            seeded[setter.flow] = isSeed
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

/// What the variables on the requests of each scope let the caller do, read from the
/// policies those requests run (``CheckContext/documents(runningWith:)``), not from every
/// policy: a variable of one API's policy is not another API's, though named alike. Each
/// document is read once, and each set of documents marked once.
struct VariablesOnTheWay {
    private var reader: VariableSetters.Reader
    private var markedBySet: [[ObjectIdentifier]: MarkedVariables] = [:]
    private let seeds: (VariableSetters.Setter) -> Bool
    private let passesOn: (VariableSetters.Setter) -> Bool

    /// Marks as ``VariableSetters/marked(seeds:passesOn:)`` does, with the named values
    /// `values` put in.
    init(values: [String: String], seeds: @escaping (VariableSetters.Setter) -> Bool, passesOn: @escaping (VariableSetters.Setter) -> Bool) {
        reader = VariableSetters.Reader(values: values)
        self.seeds = seeds
        self.passesOn = passesOn
    }

    /// The variables marked on the requests of `scope`.
    mutating func marked(on scope: RawScope, _ context: CheckContext) -> MarkedVariables {
        let documents = context.documents(runningWith: scope.routes, besides: scope.document)
        let key = documents.map(ObjectIdentifier.init).sorted()
        if let known = markedBySet[key] { return known }
        let marked = reader.setters(in: documents).marked(seeds: seeds, passesOn: passesOn)
        markedBySet[key] = marked
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
