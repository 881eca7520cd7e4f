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
/// second carries nothing the caller wrote. Besides them, the variables whose value is new
/// for every request: a counter keyed on one counts each request alone, which the caller
/// has as it likes too (RL001, `diff`).
public struct CallerControlledVariables: Sendable, Equatable {
    private var written = MarkedVariables()
    /// ``written`` and the variables that tests on the request set.
    private var chosen = MarkedVariables()
    /// The variables set to a value new for every request
    /// (``ExpressionFlow/givesANewValueForEveryRequest(_:readsANewVariable:)``), or copied
    /// from one, each with whose policy sets it: it lives for one request, so one API's
    /// setter reaches only its own and the shared policies' statements. So are the request
    /// headers a `set-header` so sets (``VariableSetters/header(_:)``): whatever the
    /// caller sends, or leaves out where it is kept (`skip`), the header holds such a value.
    private var newForEveryRequest = MarkedVariables()
    /// The segments of the texts each variable's setters write out (``segments(of:)``), by
    /// case-folded name: what a key source read from it may name. A set, so that a check
    /// asks it in constant time however many policies set the variable.
    private var segmentsWritten: [String: Set<String>] = [:]
    /// The variables that hold the caller's own token, by case-folded name, with where
    /// the request carries it (``tokenPlaces(heldBy:)``).
    private var callersTokens: [String: Set<CredentialPlace>] = [:]
    /// The named values the setters are read with (``tokenCopy(by:)``).
    private var values = NamedValueTable.empty

    /// Equal when the same variables are written, picked and hold the caller's token: the
    /// segments serve only a test of what a key source may name.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.written == rhs.written && lhs.chosen == rhs.chosen && lhs.newForEveryRequest == rhs.newForEveryRequest && lhs.callersTokens == rhs.callersTokens
    }

    /// None: what a value reads of the request alone, which picks the first variables.
    private init() {}
    private static let none = Self()

    /// Read from an estate's raw `policies` (its fragments among them), each with the API
    /// whose own it is (nil: a policy every API's requests may run), and its `fragments`
    /// by name, with the named values `values` put in, as the statements that ask run: in
    /// `inbound` (``VariableSetters/init(inboundOf:fragments:values:)``). Only where a token
    /// check, a request sent on or a limit reads a variable, which few do: the set is asked
    /// nothing elsewhere. `askedByConditions`: `diff` asks of the `when`s around checks
    /// too (``picksTheCondition(_:replaced:)``).
    public init(
        _ policies: [(document: PolicyXMLDocument, api: Int?)], fragments: [PolicyFragment], values: NamedValueTable, askedByConditions: Bool = false
    ) {
        // A header a policy sets is read as a variable is.
        let headersSet = policies.contains { $0.document.has(anyOf: Self.headerSetters) }
        let readers = askedByConditions ? Self.readers.union(["when"]) : Self.readers
        let readersReadVariables = policies.contains { document, _ in
            document.elements(named: readers).contains { reader in
                if reader.name == "set-header", !Self.grantsAnOrigin(reader, values) { return false }
                // A condition asks only of variables: the headers it reads are the caller's
                // but where the walk meets a statement that replaces them (diff's reading).
                let asksOfHeaders = reader.name != "when"
                var reads = false
                reader.forEachElement { element in
                    // As APIM reads it: references and named values put in, `\u` escapes
                    // taken as anything.
                    func read(_ value: PolicyXMLValue) {
                        guard !reads else { return }
                        let text = value.written.holds("{{") ? NamedValues.resolve(value.resolved, values) ?? value.resolved : value.resolved
                        if text.mayReadAVariable || asksOfHeaders && headersSet && text.holds("Headers") { reads = true }
                    }
                    for attribute in element.attributes { read(attribute.value) }
                    for case .text(let value, _) in element.children { read(value) }
                }
                return reads
            }
        }
        guard readersReadVariables else { return }
        let setters = VariableSetters(inboundOf: policies, fragments: fragments, values: values)
        // Estates repeat a setter in every API's policy: each text is read once.
        var segmentsOfFlow: [Int: [String]] = [:]
        for setter in setters.setters {
            guard let name = setter.name else { continue }
            let segments = segmentsOfFlow[setter.flow] ?? Self.segments(of: ExpressionFlow.writtenTexts(of: setter.code))
            segmentsOfFlow[setter.flow] = segments
            segmentsWritten[name, default: []].formUnion(segments)
        }
        // The first variables are those whose value reads the request alone, as each
        // reader asks: only what a value may give carries the caller's text (not the test
        // of a choice among values written out), while anything it reads, a test too, may
        // pick it.
        written = setters.marked(seeds: { Self.none.writesOne(of: $0.reading.values) }, passesOn: Self.givesAVariablesValue)
        chosen = setters.marked(seeds: { Self.none.choosesOne(of: $0.reading) }, passesOn: { _ in true }, following: .choices)
        newForEveryRequest = setters.marked(
            seeds: { ExpressionFlow.givesANewValueForEveryRequest($0.code) }, passesOn: Self.givesAVariablesValue, throughTheCache: false)
        callersTokens = Self.callersTokens(setters, writtenOtherwise: Self.writtenOtherwise(in: policies, values: values))
        if !callersTokens.isEmpty { self.values = values }
    }

    /// Whether a value `setter` may give reads a variable, or a header a policy sets (not
    /// only a test of one): it carries on what that holds.
    private static func givesAVariablesValue(_ setter: VariableSetters.Setter) -> Bool {
        setter.reading.values.contains { value in value.sources.contains { VariableSetters.asVariable($0).isVariable } }
    }

    /// The variables that every setter of `inbound` (where token checks run) sets to what
    /// the caller sent in a header or a query parameter, to a copy of such a variable, or
    /// to nothing, and no other statement writes (``writtenOtherwise(in:values:)``): one
    /// given a value the gateway chose for some requests (a named value, a text written
    /// out, another variable, a cached value, its own token) would let a caller who sends
    /// nothing pass as someone else. A setter whose name is an expression's, or a named
    /// value not known here, may set any, which leaves none. Names are compared as
    /// ``key(_:)`` files them. Copies are followed 16 deep, each step from the variables
    /// the last one found, so that the order setters are read in decides nothing.
    private static func callersTokens(_ setters: VariableSetters, writtenOtherwise: Set<String>?) -> [String: Set<CredentialPlace>] {
        guard let writtenOtherwise else { return [:] }
        // Each variable's setters by the number of their text (estates repeat a setter in
        // every API's policy), and the variables each name's setters read.
        var texts: [String: [Int: (code: String, copies: Bool)]] = [:]
        var readers: [String: Set<String>] = [:]
        for setter in setters.setters {
            guard let written = setter.name, !written.contains("{{") else { return [:] }
            let name = key(written)
            guard !writtenOtherwise.contains(name) else { continue }
            texts[name, default: [:]][setter.flow] = (setter.code, setter.sources.contains(where: \.isVariable))
            for case .variable(let read) in setter.sources { readers[key(read), default: []].insert(name) }
        }
        // The judgement of each text that copies no variable, which nothing found changes.
        var settled: [Int: Set<CredentialPlace>?] = [:]
        var tokens: [String: Set<CredentialPlace>] = [:]
        // Each step judges the names whose setters read a variable the last step found
        // (every name at first), so a chain of copies costs what its setters do; the
        // variable read from the request and 16 copies of it are found.
        var judged = Set(texts.keys)
        for _ in 0..<17 where !judged.isEmpty {
            var found: [String: Set<CredentialPlace>] = [:]
            // A copying text's judgement for this step: one text copied under many names is read once.
            var judgedInStep: [Int: Set<CredentialPlace>?] = [:]
            names: for name in judged where tokens[name] == nil {
                var places: Set<CredentialPlace> = []
                for (flow, text) in texts[name, default: [:]] {
                    let judgement = settled[flow] ?? judgedInStep[flow] ?? callersText(text.code, copying: tokens)
                    if text.copies { judgedInStep[flow] = judgement } else { settled[flow] = judgement }
                    guard let read = judgement else { continue names }
                    places.formUnion(read)
                }
                if !places.isEmpty { found[name] = places }
            }
            tokens.merge(found) { old, _ in old }
            judged = found.keys.reduce(into: []) { next, name in next.formUnion(readers[name, default: []]) }
        }
        return tokens
    }

    /// A variable's name as ``callersTokens`` files it: trimmed, and folded so that names
    /// .NET's case-insensitive comparison takes for one (`tı` and `TI`, `ſ` and `S`) are
    /// one; folding more than it does only leaves fewer variables the caller's.
    private static func key(_ name: String) -> String {
        name.trimmingWhitespace.uppercased().lowercased()
    }

    /// Where in the request the value `code` gives is read, when every value it may give
    /// is, whole, what the caller sent (``callersValue(_:copying:)``); nil otherwise.
    private static func callersText(_ code: String, copying tokens: [String: Set<CredentialPlace>]) -> Set<CredentialPlace>? {
        var places: Set<CredentialPlace> = []
        let everyValueIsTheCallers = ExpressionFlow.everyValue(of: code, credentials: { _ in false }, reading: .whole) { value in
            guard let read = callersValue(value, copying: tokens) else { return false }
            places.formUnion(read)
            return true
        }
        return everyValueIsTheCallers ? places : nil
    }

    /// Where in the request `value` is read when it is, whole, what the caller sent in one
    /// header or query parameter (``ExpressionFlow/callersText(of:)``) or a variable of
    /// `tokens` (``ExpressionFlow/variableRead(of:)``), a block of one local that is
    /// (``ExpressionFlow/expression(ofBlock:)``); none for nothing written; nil for
    /// anything else.
    private static func callersValue(_ value: String, copying tokens: [String: Set<CredentialPlace>]) -> Set<CredentialPlace>? {
        if ExpressionFlow.isNothingWritten(value) { return [] }
        if let expression = ExpressionFlow.expression(ofBlock: value) { return callersValue(expression, copying: tokens) }
        switch ExpressionFlow.callersText(of: value) {
        // A name a named value not known here makes is some name of the caller's.
        case .requestHeader(let name)?: return [name.holds("{{") ? .anyHeader : .header(name.lowercased())]
        case .requestQuery(let name)?: return [name.holds("{{") ? .anyQuery : .query(name.lowercased())]
        default: return ExpressionFlow.variableRead(of: value).flatMap { tokens[key($0)] }
        }
    }

    /// The variables statements other than `set-variable` write in `policies` (a
    /// validated or managed identity's token, a call's answer, a cached value: any
    /// `…variable-name`; ``MarkedVariables/written(in:values:byAttribute:)``), filed by
    /// ``key(_:)``; nil when one may be any: named by an expression, or by a named value
    /// not known here (a secret's).
    private static func writtenOtherwise(in policies: [(document: PolicyXMLDocument, api: Int?)], values: NamedValueTable) -> Set<String>? {
        let written = MarkedVariables.written(in: policies, values: values) { $1.hasSuffix("variable-name") }
        guard !written.anyName, !written.keys.contains(where: { $0.name.contains("{{") }) else { return nil }
        return Set(written.keys.map { key($0.name) })
    }

    /// Whether a token check given its token by `code` (`token-value`) that reads a
    /// variable reads the caller's own: every value it may give is, whole, a variable
    /// holding only what the caller sent (``callersTokens``), what the caller sent itself
    /// (``ExpressionFlow/callersText(of:)``), or nothing. A fallback written there is the
    /// gateway's token for a caller who sends none.
    func givesTheCallersToken(_ code: String) -> Bool {
        Self.callersText(code, copying: callersTokens) != nil
    }

    /// What a token check given its token by `code` reads (``TokenReads``): the places it
    /// names (``CredentialPlace/read(byTokenValue:)``), and the variables it reads that
    /// hold the caller's token.
    public func tokenReads(of code: String) -> TokenReads {
        var reads = TokenReads(places: Set(CredentialPlace.read(byTokenValue: code)))
        for case .variable(let name) in ExpressionFlow.sources(of: code) where callersTokens[Self.key(name)] != nil { reads.variables.insert(Self.key(name)) }
        return reads
    }

    /// The variable holding the caller's token that `statement`, a `set-variable`, sets,
    /// with what its value reads (``tokenReads(of:)``); nil for any other statement.
    public func tokenCopy(by statement: PolicyXMLElement) -> (variable: String, reads: TokenReads)? {
        guard statement.name == "set-variable", !callersTokens.isEmpty, case .text(let name)? = statement.attribute("name")?.value,
            callersTokens[Self.key(name)] != nil, let value = statement.attribute("value")?.value
        else { return nil }
        return (Self.key(name), tokenReads(of: VariableSetters.code(of: value, values)))
    }

    /// Where the request carries the token the variable `variable` (a ``TokenReads`` key)
    /// holds: what its setters read, whatever their order.
    public func tokenPlaces(heldBy variable: String) -> Set<CredentialPlace> {
        callersTokens[variable] ?? []
    }

    /// The statements that ask the set: token checks, for their audiences and claims,
    /// requests sent on, for what they carry and where, limits, for their keys
    /// (``SpoofableRateLimitKey/keyedLimits``), backends set, for their URLs, and the
    /// origin a cross-origin answer grants (``grantsAnOrigin(_:)``).
    private static let readers: Set<String> = SpoofableRateLimitKey.keyedLimits.union([
        "validate-jwt", "validate-azure-ad-token", "send-request", "send-one-way-request", "set-backend-service", "set-header",
    ])

    /// Whether a `set-header` writes `Access-Control-Allow-Origin`, whose value copied from
    /// the request, through a variable too, lets any site read credentialed answers (CO004;
    /// audit V87): the one `set-header` that asks.
    private static func grantsAnOrigin(_ setHeader: PolicyXMLElement, _ values: NamedValueTable) -> Bool {
        guard let given = setHeader.attribute("name")?.value, case .text(var name) = given else { return false }
        // A named value may give the name (audit V96).
        if given.written.holds("{{") { name = NamedValues.resolve(name, values)?.trimmingWhitespace ?? name }
        return name.utf8.count == 27 && name.lowercased() == "access-control-allow-origin"
    }
    private static let headerSetters: Set<String> = ["set-header"]

    /// Whether an expression's value may carry what the caller wrote, spelt any way C#
    /// allows: a value it may give (``ExpressionFlow/decidingCodes(of:)``) reads a header,
    /// the URL, the path's parameters or the body, or a variable that may hold them
    /// (``writes(_:)``). A choice among values written out, on a test of the request,
    /// carries none of it.
    public func writesTheValue(of code: String) -> Bool {
        writesOne(of: CodeReading(code).values)
    }

    /// Whether one of `values` reads what the caller writes (``writesTheValue(of:)``).
    private func writesOne(of values: [CodeReading.Value]) -> Bool {
        values.contains { value in PolicyXMLElement.readsWhatTheCallerWrites(value.code) || value.sources.contains(where: writes) }
    }

    /// Whether `code`, read on the requests of the API at `api` (nil: of any API), may
    /// give a value new for every request: it reads one, or a variable or a request header
    /// set to one in a policy those requests pass (``newForEveryRequest``).
    public func givesANewValueForEveryRequest(of code: String, in api: Int?) -> Bool {
        let readsANewVariable =
            newForEveryRequest.keys.isEmpty && !newForEveryRequest.anyName
            ? nil : { newForEveryRequest.read(by: VariableSetters.asVariable($0), in: api) }
        return ExpressionFlow.givesANewValueForEveryRequest(code, readsANewVariable: readsANewVariable)
    }

    /// Whether the caller may choose an expression's value: anything it reads, a test too
    /// (``ExpressionFlow/reads(of:)``), is the request or a variable the caller writes or
    /// picks (``chooses(_:)``).
    public func choosesTheValue(of code: String) -> Bool {
        choosesOne(of: CodeReading(code))
    }

    /// Whether one of a setter's `<value>`s (a `set-header`'s, a `set-query-parameter`'s)
    /// is one the caller chooses (``choosesTheValue(of:)``): what it sets is the caller's
    /// still. `code` gives a value's code, its named values put in, or nil for no code.
    public func setsWhatTheCallerChooses(_ setter: PolicyXMLElement, code: (PolicyXMLValue) -> String?) -> Bool {
        setter.elements.contains { value in
            guard value.name == "value", let given = value.textValue, let code = code(given) else { return false }
            return choosesTheValue(of: code)
        }
    }

    private func choosesOne(of code: CodeReading) -> Bool {
        PolicyXMLElement.readsWhatTheCallerWrites(code.code) || code.reads.contains(where: chooses)
    }

    /// The headers and query parameters a `when`'s condition `code` reads, a test too, by
    /// name or, read by a name not written out or whole, any.
    public static func placesRead(by code: String) -> Set<CredentialPlace> {
        ExpressionFlow.reads(of: code).reduce(into: []) { places, source in
            switch source {
            case .requestHeader(let name): places.insert(.header(name.lowercased()))
            case .requestQuery(let name): places.insert(.query(name.lowercased()))
            case .someRequestHeader, .allRequestHeaders: places.insert(.anyHeader)
            case .allRequestQuery: places.insert(.anyQuery)
            default: break
            }
        }
    }

    /// Whether the caller may decide a `when`'s condition `code`: something it reads, a
    /// test too, is a header or query parameter of the request that no statement before it
    /// replaces (`replaced`), another part of the request, or a variable the caller writes
    /// or picks (``chooses(_:)``). `diff` weighs a check under such a condition as one the
    /// caller may skip (audit V88: a variable set from a header in another policy, and a
    /// header kept where it was replaced, passed as "other").
    /// Read on the requests of the API at `api` (nil: of any API): a variable lives for
    /// one request, so another API's setter decides nothing here (audit V94).
    public func picksTheCondition(_ code: String, in api: Int?, replaced: (CredentialPlace) -> Bool) -> Bool {
        ExpressionFlow.reads(of: code).contains { source in
            switch source {
            case .requestHeader(let name): !replaced(.header(name.lowercased()))
            case .requestQuery(let name): !replaced(.query(name.lowercased()))
            case .variable, .allVariables: chosen.read(by: source, in: api)
            default: source.isCallerWritten
            }
        }
    }

    /// The first of `words` that `code`'s value may hold as a segment of a text (split at
    /// `/`): of one it writes out, or of one the setters of a variable it reads write out
    /// (one copy deep).
    func firstSegment(of code: String, among words: [String]) -> String? {
        if let found = Self.segments(of: ExpressionFlow.writtenTexts(of: code)).first(where: words.contains) { return found }
        for case .variable(let name) in ExpressionFlow.sources(of: code) {
            if let segments = segmentsWritten[name.lowercased()], let found = words.first(where: segments.contains) { return found }
        }
        return nil
    }

    /// The segments of `texts`, split at `/`, in lower case and trimmed.
    private static func segments(of texts: [String]) -> [String] {
        texts.flatMap { $0.lowercased().split(separator: "/").map { String($0.trimmingWhitespace) } }
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
