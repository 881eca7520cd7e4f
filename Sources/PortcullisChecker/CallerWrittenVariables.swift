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

    /// Read from `documents`, with the named values `values` put in. Only where some token
    /// check reads a variable, which few do: the set is asked nothing elsewhere.
    public init(_ documents: [PolicyXMLDocument], values: [String: String]) {
        let checksReadVariables = documents.contains { document in
            document.elements(named: Self.tokenChecks).contains { check in
                var reads = false
                check.forEachElement { element in
                    func read(_ value: PolicyXMLValue) {
                        let text = value.written
                        if !reads, text.holds("Variables") || text.holds("{{") && (NamedValues.resolve(text, values) ?? "").holds("Variables") { reads = true }
                    }
                    for attribute in element.attributes { read(attribute.value) }
                    for case .text(let value, _) in element.children { read(value) }
                }
                return reads
            }
        }
        guard checksReadVariables else { return }
        var setters: [(name: String?, sources: [ExpressionFlow.Source])] = []
        // Estates repeat a setter in every API's policy: each text is read once.
        var flows: [String: [ExpressionFlow.Source]] = [:]
        for document in documents {
            for setter in document.elements(named: ["set-variable"]) {
                guard let value = setter.attribute("value")?.value else { continue }
                let code = NamedValues.resolve(value.resolved, values) ?? value.resolved
                guard code.hasPrefix("@") else { continue }
                let name: String? = if case .text(let text)? = setter.attribute("name")?.value { text.lowercased() } else { nil }
                let sources = flows[code] ?? ExpressionFlow.sources(of: code)
                flows[code] = sources
                setters.append((name, sources))
            }
        }
        // A variable copied from one the caller wrote is written by the caller too, to a
        // fixed point: each pass adds a name or ends.
        while !anyName {
            let more = setters.filter { setter in (setter.name.map { !names.contains($0) } ?? true) && setter.sources.contains(where: writes) }
            if more.isEmpty { break }
            for setter in more {
                if let name = setter.name { names.insert(name) } else { anyName = true }
            }
        }
    }

    private static let tokenChecks: Set<String> = ["validate-jwt", "validate-azure-ad-token"]

    /// Whether the caller may write what `source` reads.
    func writes(_ source: ExpressionFlow.Source) -> Bool {
        switch source {
        case .variable(let name): anyName || names.contains(name.lowercased())
        case .allVariables: anyName || !names.isEmpty
        default: source.isCallerWritten
        }
    }
}
