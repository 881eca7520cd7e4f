import PortcullisModel
import PortcullisPolicyXML

/// The policy variables whose value the caller may write or choose, in two sets: those a
/// raw `set-variable` gives a value that reads the request (a header, the query, the
/// body) or another such variable (``VariableSetters``), whose value may carry what the
/// caller wrote; and besides them, those set in a branch of a `choose` whose conditions
/// read the request or such a variable, whose value the caller picks among those written
/// out. A token check whose audience or required claim reads either compares the token
/// with what the caller picked (LP002, `diff`), and a counter keyed on either counts as
/// the caller likes (RL004); a request sent on, or a key source, that reads only the
/// second carries nothing the caller wrote.
public struct CallerControlledVariables: Sendable, Equatable {
    private var written = MarkedVariables()
    /// ``written`` and the variables that tests on the request set.
    private var chosen = MarkedVariables()
    /// The texts each variable's setters write out (``ExpressionFlow/writtenTexts(of:)``),
    /// by case-folded name: what a key source read from it may name.
    private var textsWritten: [String: [String]] = [:]

    /// Equal when the same variables are written and picked: the texts serve only a test
    /// of what a key source may name.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.written == rhs.written && lhs.chosen == rhs.chosen
    }

    /// Read from an estate's raw `policies` (its fragments among them) and its `fragments`
    /// by name, with the named values `values` put in, as the statements that ask run: in
    /// `inbound` (``VariableSetters/init(inboundOf:fragments:values:)``). Only where a token
    /// check or a request sent on reads a variable, which few do: the set is asked nothing
    /// elsewhere.
    public init(_ policies: [PolicyXMLDocument], fragments: [PolicyFragment], values: [String: String]) {
        let readersReadVariables = policies.contains { document in
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
        let setters = VariableSetters(inboundOf: policies, fragments: fragments, values: values)
        for setter in setters.setters {
            if let name = setter.name { textsWritten[name, default: []] += ExpressionFlow.writtenTexts(of: setter.code) }
        }
        // Only what a value may give carries the caller's text: not the test of a choice
        // among values written out.
        written = setters.marked(
            seeds: { setter in
                ExpressionFlow.decidingCodes(of: setter.code).contains { code in
                    PolicyXMLElement.readsWhatTheCallerWrites(code) || ExpressionFlow.sources(of: code).contains(where: \.isCallerWritten)
                }
            },
            passesOn: { setter in
                ExpressionFlow.decidingCodes(of: setter.code).contains { code in
                    ExpressionFlow.sources(of: code).contains { if case .variable = $0 { true } else { $0 == .allVariables } }
                }
            })
        // Anything the value reads may pick it, a test too.
        chosen = setters.marked(
            seeds: { PolicyXMLElement.readsWhatTheCallerWrites($0.code) || ExpressionFlow.reads(of: $0.code).contains(where: \.isCallerWritten) },
            passesOn: { _ in true }, following: .choices)
    }

    /// The statements that ask the set: token checks, for their audiences and claims,
    /// requests sent on, for what they carry and where, limits, for their counters' keys,
    /// and backends set, for their URLs.
    private static let readers: Set<String> = [
        "validate-jwt", "validate-azure-ad-token", "send-request", "send-one-way-request", "rate-limit-by-key", "quota-by-key",
        "set-backend-service",
    ]

    /// Whether an expression's value may carry what the caller wrote, spelt any way C#
    /// allows: a value it may give (``ExpressionFlow/decidingCodes(of:)``) reads a header,
    /// the URL, the path's parameters or the body, or a variable that may hold them
    /// (``writes(_:)``). A choice among values written out, on a test of the request,
    /// carries none of it.
    public func writesTheValue(of code: String) -> Bool {
        ExpressionFlow.decidingCodes(of: code).contains { code in
            PolicyXMLElement.readsWhatTheCallerWrites(code) || ExpressionFlow.sources(of: code).contains(where: writes)
        }
    }

    /// Whether the caller may choose an expression's value: anything it reads, a test too
    /// (``ExpressionFlow/reads(of:)``), is the request or a variable the caller writes or
    /// picks (``chooses(_:)``).
    public func choosesTheValue(of code: String) -> Bool {
        PolicyXMLElement.readsWhatTheCallerWrites(code) || ExpressionFlow.reads(of: code).contains(where: chooses)
    }

    /// The texts `code` writes out, and those the setters of a variable it reads write out
    /// (one copy deep): what its value may name.
    func textsWritten(in code: String) -> [String] {
        var texts = ExpressionFlow.writtenTexts(of: code)
        for case .variable(let name) in ExpressionFlow.sources(of: code) { texts += textsWritten[name.lowercased()] ?? [] }
        return texts
    }

    /// Whether the caller may write what `source` reads: text it sent may be in it.
    func writes(_ source: ExpressionFlow.Source) -> Bool {
        switch source {
        case .variable, .allVariables: written.read(by: source)
        default: source.isCallerWritten
        }
    }

    /// Whether the caller may write what `source` reads, or pick it among values written
    /// out.
    func chooses(_ source: ExpressionFlow.Source) -> Bool {
        switch source {
        case .variable, .allVariables: chosen.read(by: source)
        default: source.isCallerWritten
        }
    }
}
