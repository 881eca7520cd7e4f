import PortcullisModel
import PortcullisPolicyXML

/// The policy variables whose value the caller may choose: each a raw `set-variable`
/// gives a value that reads the request (a header, the query, the body), or another such
/// variable (``VariableSetters``). A token check whose audience or required claim reads
/// one compares the token with what the caller sent beside it, so it holds no value
/// (LP002, `diff`).
public struct CallerWrittenVariables: Sendable, Equatable {
    private var written = MarkedVariables()

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
        written = VariableSetters(documents, values: values).marked(
            seeds: { PolicyXMLElement.readsWhatTheCallerWrites($0.code) || $0.sources.contains(where: \.isCallerWritten) },
            passesOn: { _ in true })
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
        case .variable, .allVariables: written.read(by: source)
        default: source.isCallerWritten
        }
    }
}
