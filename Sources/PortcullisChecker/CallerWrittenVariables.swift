import PortcullisModel
import PortcullisPolicyXML

/// The policy variables whose value the caller may choose: each a raw `set-variable`
/// gives a value that reads the request (a header, the query, the body), or another such
/// variable. A token check whose audience or required claim reads one compares the token
/// with what the caller sent beside it, so it holds no value (LP002, `diff`).
///
/// A variable lives for one request, through every scope it passes, and the setters are
/// gathered from every raw policy given, at any depth (a `choose` sets it for some
/// requests); names are compared ignoring case. Each errs towards the caller.
public struct CallerWrittenVariables: Sendable, Equatable {
    /// Case-folded names.
    private var names: Set<String> = []
    /// Whether a `set-variable` whose name is an expression writes what the caller sent:
    /// it may be any variable.
    private var anyName = false

    /// Read from `documents`, with the named values `values` put in. Only where a token
    /// check or a request sent on reads a variable, which few do: the set is asked nothing
    /// elsewhere.
    public init(_ documents: [PolicyXMLDocument], values: [String: String]) {
        let readersReadVariables = documents.contains { document in
            document.elements(named: Self.readers).contains { reader in
                var reads = false
                reader.forEachElement { element in
                    // As APIM reads it: references and named values put in, `\u` escapes
                    // taken as anything.
                    func read(_ value: PolicyXMLValue) {
                        guard !reads else { return }
                        let text = value.written.holds("{{") ? NamedValues.resolve(value.resolved, values) ?? value.resolved : value.resolved
                        if text.mayReadAVariable { reads = true }
                    }
                    for attribute in element.attributes { read(attribute.value) }
                    for case .text(let value, _) in element.children { read(value) }
                }
                return reads
            }
        }
        guard readersReadVariables else { return }
        // Each setter's name (nil: an expression, any name) and what its value reads.
        var setters: [(name: String?, sources: [ExpressionFlow.Source])] = []
        var written: [Int] = []
        // Estates repeat a setter in every API's policy: each text is read once.
        var flows: [String: (sources: [ExpressionFlow.Source], callers: Bool)] = [:]
        for document in documents {
            for setter in document.elements(named: ["set-variable"]) {
                guard let value = setter.attribute("value")?.value, value.isExpression || value.written.holds("{{") else { continue }
                let resolved = value.resolved
                let code = value.written.holds("{{") ? NamedValues.resolve(resolved, values) ?? resolved : resolved
                guard code.hasPrefix("@") else { continue }
                let name: String? = if case .text(let text)? = setter.attribute("name")?.value { (NamedValues.resolve(text, values) ?? text).lowercased() } else { nil }
                let flow = flows[code] ?? {
                    let sources = ExpressionFlow.sources(of: code)
                    return (sources, PolicyXMLElement.readsWhatTheCallerWrites(code) || sources.contains(where: \.isCallerWritten))
                }()
                flows[code] = flow
                if flow.callers { written.append(setters.count) }
                setters.append((name, flow.sources))
            }
        }
        // Which setters copy each variable, and which copy them all.
        var copiers: [String: [Int]] = [:]
        var copiersOfAll: [Int] = []
        for (index, setter) in setters.enumerated() {
            for source in setter.sources {
                switch source {
                case .variable(let name): copiers[name.lowercased(), default: []].append(index)
                case .allVariables: copiersOfAll.append(index)
                default: continue
                }
            }
        }
        // A variable copied from one the caller wrote is written by the caller too: each
        // setter is marked once, so this is linear in the setters and what they read.
        var marked = Set(written)
        var pending = written
        while let index = pending.popLast(), !anyName {
            guard let name = setters[index].name else {
                anyName = true
                break
            }
            let first = names.isEmpty
            guard names.insert(name).inserted else { continue }
            for copier in (copiers[name] ?? []) + (first ? copiersOfAll : []) where marked.insert(copier).inserted { pending.append(copier) }
        }
    }

    /// The statements that ask the set: token checks, for their audiences and claims,
    /// requests sent on, for what they carry and where, limits, for their counters' keys,
    /// and backends set, for their URLs.
    private static let readers: Set<String> = [
        "validate-jwt", "validate-azure-ad-token", "send-request", "send-one-way-request", "rate-limit-by-key", "quota-by-key",
        "set-backend-service",
    ]

    /// Whether an expression's value may carry what the caller sends, spelt any way C#
    /// allows, through a variable too: a header, the URL, the path's parameters, the body.
    public func carriedBy(_ code: String) -> Bool {
        PolicyXMLElement.readsWhatTheCallerWrites(code) || ExpressionFlow.sources(of: code).contains(where: writes)
    }

    /// Whether the caller may write what `source` reads.
    func writes(_ source: ExpressionFlow.Source) -> Bool {
        switch source {
        case .variable(let name): anyName || names.contains(name.lowercased())
        case .allVariables: anyName || !names.isEmpty
        default: source.isCallerWritten
        }
    }
}
