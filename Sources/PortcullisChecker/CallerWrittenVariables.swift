import PortcullisModel
import PortcullisPolicyXML

/// The policy variables whose value the caller may choose: each a raw `set-variable`
/// gives a value that reads the request (a header, the query, the body), or another such
/// variable (``VariableSetters``). A token check whose audience or required claim reads
/// one compares the token with what the caller sent beside it, so it holds no value
/// (LP002, `diff`).
public struct CallerWrittenVariables: Sendable, Equatable {
    private var written = MarkedVariables()
    /// The API whose requests read the variables (``seen(from:)``); nil: any API's.
    private var api: Int?

    /// Read from `documents`, as policies every API's requests may run, with the named
    /// values `values` put in.
    public init(_ documents: [PolicyXMLDocument], values: [String: String]) {
        self.init(documents.map { ($0, nil) }, values: values)
    }

    /// Read from `policies`, each API's own apart (a project's ``ResolvedProject/rawPolicies``):
    /// a variable one API's policies set from the request is not another API's, though
    /// named alike (an audit found a check of one API reported for another's variable).
    /// Only where a token check or a request sent on reads a variable, which few do: the
    /// set is asked nothing elsewhere.
    init(_ policies: [(document: PolicyXMLDocument, api: Int?)], values: [String: String]) {
        let readersReadVariables = policies.contains { policy in
            policy.document.elements(named: Self.readers).contains { reader in
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
        // A value chosen by a test of the request among values written out is the
        // caller's too: it picks the weakest (an audience, a claim, a counter per request).
        written = VariableSetters(policies, values: values).marked(
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

    /// Whether any variable is the caller's to write.
    var marksAny: Bool { written.anyName || !written.keys.isEmpty }

    /// The variables as the policies a request of `api` runs read them (nil: of any API's):
    /// those another API's own policies set are none of its.
    public func seen(from api: Int?) -> CallerWrittenVariables {
        var seen = self
        seen.api = api
        return seen
    }

    /// Whether the caller may write what `source` reads.
    func writes(_ source: ExpressionFlow.Source) -> Bool {
        switch source {
        case .variable, .allVariables: written.read(by: source, in: api)
        default: source.isCallerWritten
        }
    }
}
