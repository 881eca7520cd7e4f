import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

/// Whether the caller chooses the host of a URL that policy code makes (SE003): the
/// request, with the caller's token and every credential the policies add, then goes to
/// any server the caller names.
enum CallerChosenHost {
    /// What the variables of an estate's raw policies hold, as far as a URL's host goes.
    struct Variables: Sendable {
        /// Those whose value leaves a URL's host to the caller (``variables(in:values:)``).
        var choosingTheHost = MarkedVariables()
        /// Those whose value holds anything the caller wrote, the path whole too: cut
        /// (`.Substring(1)`), such a value may be a host.
        var holdingWhatTheCallerWrote = MarkedVariables()
        /// What a URL that starts with a variable's value is judged by (``BaseURLs``).
        var baseURLs = BaseURLs()
    }

    /// The variables a URL may start with, a base URL kept in a variable: such a start
    /// fixes the host when every value the variable is given does, or is a base URL written
    /// out up to its host (`https://orders.example.com`) and the URL goes on with a `/`,
    /// `?` or `#` written out. Not set, the variable is null and the URL starts with
    /// whatever follows it.
    struct BaseURLs: Sendable {
        /// Those a `set-variable` names.
        var set = MarkedVariables()
        /// Those given a value whose start does not fix the host, or a value by another
        /// statement (a response, a token, a cached value).
        var notFixingAlone = MarkedVariables()
        /// Those given a value that is neither of the two above: no written `/` after them
        /// fixes the host.
        var open = MarkedVariables()

        /// What the value of `code`, a read of a variable whole in `api`'s policies (nil:
        /// every API's), stands for at a URL's start: a host and a `/` where every value
        /// fixes the host, a host where every value is a base URL or does, nil otherwise.
        func start(of code: String, api: Int?) -> String? {
            guard !set.keys.isEmpty, let (name, following) = ExpressionFlow.leadingVariable(in: code), following.isEmpty else { return nil }
            let read = ExpressionFlow.Source.variable(name)
            guard set.read(by: read, in: api) else { return nil }
            guard notFixingAlone.read(by: read, in: api) else { return "https://host/" }
            return open.read(by: read, in: api) ? nil : "https://host"
        }
    }

    /// Whether the URL `code` makes takes its host from the request: it reads what the
    /// caller writes (``readsWhatTheCallerWrites(_:sources:variables:api:)``), and its host
    /// is not fixed before (``hostFixed(in:variables:api:variablesAreTheCallers:)``). The
    /// path whole starts with `/` and the query string with `?`, which end any host before
    /// them; the URL whole (`context.Request.Url`, the backend's) starts with a host APIM
    /// chose. `sources` are the code's, where they are known already.
    static func chosen(in code: String, sources: [ExpressionFlow.Source]? = nil, variables: Variables, api: Int? = nil) -> Bool {
        (readsWhatTheCallerWrites(code, sources: sources, variables: variables, api: api) || readsTheSender(code))
            && !hostFixed(in: code, variables: variables, api: api)
    }

    /// Whether `code` reads who sends the request, which no source of a value says: the
    /// user (`context.User.Email`, whose domain a user chooses), the client certificate
    /// (the audit of the fixes found a host made of nothing else unreported), the address
    /// it sends from (a certificate may name an IP address) or its subscription, which a
    /// developer names in the portal (audit V66).
    private static func readsTheSender(_ code: String) -> Bool {
        let read = ExpressionFlow.withoutWrittenText(code)
        return senderParts.contains { read.holds($0) }
    }

    /// The members that name who sends the request, and those that name the request
    /// besides: read by ``readsTheSender(_:)`` and ``readsTheCallersParts(_:)``.
    private static let senderParts: [StaticString] = ["User", "Certificate", "IpAddress", "Subscription"]
    private static let requestParts: [StaticString] = senderParts + ["Request"]

    /// Whether the host of the URL `code` makes is fixed before anything the caller writes
    /// joins it, in every value the code may give (each branch of a choice, each value a
    /// block returns: ``ExpressionFlow/possibleValues(of:)``): by its written start
    /// (``startFixesTheHost(_:)``), or by the parts of its sum before the first that reads
    /// what the caller writes, where a part that reads nothing of the caller's stands for a
    /// host once `//` is written (a host chosen among written ones: `"https://" + region +
    /// "/" + id`), and a base URL kept in a variable, or the API's own service URL, for a
    /// URL's start. A value a block returns is judged by its written start alone: a part
    /// read from one of the block's locals is not known here. With `variablesAreTheCallers`,
    /// a part that reads any variable is taken for one that reads the caller's: what a
    /// variable copied from one the caller chooses holds.
    private static func hostFixed(in code: String, variables: Variables, api: Int?, variablesAreTheCallers: Bool = false) -> Bool {
        if startFixesTheHost(code) { return true }
        return ExpressionFlow.possibleValues(of: code).allSatisfy { value in
            startFixesTheHost(value.code)
                || !value.fromABlock && sumFixesTheHost(value.code, variables: variables, api: api, variablesAreTheCallers: variablesAreTheCallers)
        }
    }

    /// The parts of the sum `code` makes, judged as ``hostFixed(in:variables:api:variablesAreTheCallers:)`` says.
    private static func sumFixesTheHost(_ code: String, variables: Variables, api: Int?, variablesAreTheCallers: Bool) -> Bool {
        // A sum of very many parts is not read: each part reads the start again.
        guard let terms = ExpressionFlow.terms(of: code), terms.count <= 512 else { return false }
        var start = ""
        // Each part judged once: a format's placeholders may name one argument many times
        // (the audit of the change: a large one named 100 times took 12 s).
        var callers: [String: Bool] = [:]
        // The start is read again only when text that may end a host or begin a path
        // joins it: a long written start before many parts was read once per part.
        var readAgain = false
        var slashes = false
        for term in terms {
            // Once the host is fixed, nothing after it unfixes it.
            if readAgain {
                readAgain = false
                slashes = slashed(start).contains("//")
                if fixesTheHost(start) { return true }
            }
            switch term {
            case .text(let text):
                start += text
                readAgain = readAgain || text.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "\\") }
            case .code(let part) where readsTheScheme(part):
                // 'http' or 'https': a scheme, whatever the caller sends (an audit found
                // `context.Request.Url.Scheme + "://orders.example.com/"` reported).
                start += "https"
            case .code(let part):
                let readsTheCaller =
                    callers[part]
                    ?? (variablesAreTheCallers && part.mayReadAVariable || readsWhatTheCallerWrites(part, variables: variables, api: api)
                        || readsTheCallersParts(part))
                callers[part] = readsTheCaller
                if readsTheCaller { return fixesTheHost(start) }
                if slashes {
                    start += "host"
                } else if let base = start.isEmpty ? variables.baseURLs.start(of: part, api: api) ?? serviceURL(part) : nil {
                    start = base
                    readAgain = true
                } else {
                    return false
                }
            }
        }
        return true
    }

    /// Whether `code` is the request's scheme and nothing else (`context.Request.Url.Scheme`,
    /// the original URL's, through `?.`, cast to a string, its case changed or not), which
    /// APIM takes as `http` or `https` only.
    private static func readsTheScheme(_ code: String) -> Bool {
        // Told by its length first: a format may name a large argument in many placeholders
        // (reading each whole made the bench's case 13 times slower).
        guard code.utf8.count <= 128 else { return false }
        var read = code.filter { !$0.isWhitespace }.replacing("?.", with: ".")
        guard read.hasPrefix("@("), read.hasSuffix(")") else { return false }
        read = String(read.dropFirst(2).dropLast())
        if read.hasPrefix("(string)") { read = String(read.dropFirst(8)) }
        for kept in [".ToString()", ".ToLower()", ".ToLowerInvariant()", ".ToUpper()", ".ToUpperInvariant()"] where read.hasSuffix(kept) {
            read = String(read.dropLast(kept.count))
        }
        return read == "context.Request.Url.Scheme" || read == "context.Request.OriginalUrl.Scheme"
    }

    /// Whether a value `code` may give reads any part of the request or of who sends it,
    /// though none that carries its values (`context.User.Email`, a user's own to choose;
    /// the request's `Url.Host`; a certificate's subject): such a part stands for no host a
    /// policy chose (found by the audit of the change). A choice's test is no value.
    private static func readsTheCallersParts(_ code: String) -> Bool {
        ExpressionFlow.possibleValues(of: code).contains { value in
            let read = ExpressionFlow.withoutWrittenText(value.code)
            return requestParts.contains { read.holds($0) }
        }
    }

    /// What `code` stands for at a URL's start when it reads the API's own service URL
    /// (`context.Api.ServiceUrl`, with `ToString()` or `TrimEnd('/')`): a host, its
    /// `serviceUrl` being a base URL.
    private static func serviceURL(_ code: String) -> String? {
        ExpressionFlow.readsTheServiceURL(code) ? "https://host" : nil
    }

    /// Whether `code` reads what the caller writes (a header, a query parameter, a path
    /// parameter, a part of the path or query string, of the URL as sent too, the body), a
    /// variable whose value leaves the host open, or a cut part of one that holds what the
    /// caller wrote, each read in `api`'s policies (nil: every API's).
    static func readsWhatTheCallerWrites(_ code: String, sources: [ExpressionFlow.Source]? = nil, variables: Variables, api: Int?) -> Bool {
        let read = (sources ?? ExpressionFlow.sources(of: code)).contains { source in
            switch source {
            case .variable, .allVariables: variables.choosingTheHost.read(by: source, in: api)
            case .requestPath, .requestURL: false
            default: source.isCallerWritten
            }
        } || readsAParsedTokensClaims(code)

        guard !read, code.mayReadAVariable, !variables.holdingWhatTheCallerWrote.keys.isEmpty || variables.holdingWhatTheCallerWrote.anyName else {
            return read
        }
        return ExpressionFlow.variablesCut(in: code).contains { variables.holdingWhatTheCallerWrote.read(by: .variable($0), in: api) }
    }

    /// Whether `code` reads a token the request carries through `.AsJwt()`, which parses it
    /// without checking its signature: its claims are the caller's to write (audit V57: a
    /// host read from one passed SE003, the flow of secrets taking the parse for a one-way
    /// step). A token a check wrote to its output variable is read otherwise.
    private static func readsAParsedTokensClaims(_ code: String) -> Bool {
        code.contains("AsJwt") && ExpressionFlow.reads(of: code).contains(where: \.isCallerWritten)
    }

    /// The variables of `project`'s raw policies, with the named values `values` put in. A
    /// variable leaves a URL's host open when set by code that would
    /// (``chosen(in:sources:variables:api:)``), or copied from such a variable by code whose
    /// own start does not fix the host: one set to `"https://orders.example.com/" + header`
    /// fixes it, wherever the caller's text goes after it.
    static func variables(in project: ResolvedProject, values: NamedValueTable) -> Variables {
        let setters = VariableSetters(project, values: values)
        var variables = Variables()
        variables.holdingWhatTheCallerWrote = setters.marked(
            seeds: { PolicyXMLElement.readsWhatTheCallerWrites($0.code) || $0.sources.contains(where: \.isCallerWritten) }, passesOn: { _ in true })
        // Written by a statement other than `set-variable` (a response, a token, a cached
        // value): values whose start nobody wrote out.
        let writtenOtherwise = MarkedVariables.written(in: project, values: values) { $1.hasSuffix("variable-name") }
        variables.baseURLs.set = setters.marked(seeds: { $0.name != nil }, passesOn: { _ in false })
        variables.baseURLs.notFixingAlone = setters.marked(seeds: { !startFixesTheHost($0.code) }, passesOn: { _ in false }).adding(writtenOtherwise)
        variables.baseURLs.open = setters.marked(
            seeds: { !startFixesTheHost($0.code) && !isABaseURL(ExpressionExtent.constantText(in: $0.code)) }, passesOn: { _ in false }
        ).adding(writtenOtherwise)
        let known = variables
        variables.choosingTheHost = setters.marked(
            seeds: { chosen(in: $0.code, sources: $0.sources, variables: known, api: $0.api) },
            passesOn: { !hostFixed(in: $0.code, variables: known, api: $0.api, variablesAreTheCallers: true) })
        return variables
    }

    /// Whether `value`, written out whole, is a URL up to its host, which a `/` after it ends.
    private static func isABaseURL(_ value: String?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        return fixesTheHost(value + "/")
    }

    /// Whether the text `code` always starts with, written out, fixes the host: the written
    /// start of its sum (``ExpressionFlow/writtenStart(of:)``, which reads brackets and the
    /// members after them: `("https://x/" + h).Substring(9)` starts with nothing known, where
    /// the literals alone were taken for its start; the audit of the fixes).
    static func startFixesTheHost(_ code: String) -> Bool {
        fixesTheHost(ExpressionFlow.writtenStart(of: code) ?? "")
    }

    /// A start without its outer white space, a backslash read as a slash, as .NET reads
    /// one in an http URL.
    private static func slashed(_ start: String) -> String {
        String(decoding: start.trimmingWhitespace.utf8.map { $0 == UInt8(ascii: "\\") ? UInt8(ascii: "/") : $0 }, as: UTF8.self)
    }

    /// Whether a URL's written start ends its host: a scheme, `://`, a host and then `/`,
    /// `?` or `#` (`https://orders.example.com` alone could be followed by `.evil.example`),
    /// or a named value (whose value is not known here, a base URL) and then one of those.
    /// A start with no `//` and no scheme that has begun a path, a query or a fragment
    /// leaves the host out of the caller's reach too (`1/orders?id=`, a named value's
    /// stand-in value).
    /// A backslash is read as a slash, as .NET reads one in an http URL; a start of one
    /// slash alone lets the caller write the second (`/` and `/evil.example`).
    private static func fixesTheHost(_ start: String) -> Bool {
        let text = slashed(start)
        guard text != "/" else { return false }
        if text.hasPrefix("{{"), let close = text.range(ofBytes: "}}"), let next = text.utf8[close.upperBound...].first {
            return endsAuthority(next)
        }
        guard let separator = text.range(ofBytes: "//") else {
            // A path begun after no scheme (`1/orders`); after one, `https:/` may still
            // become `https://` with the caller's `/evil.example` (found by the audit of
            // the change).
            guard let end = text.utf8.firstIndex(where: endsAuthority) else { return false }
            return !text.utf8[..<end].contains(UInt8(ascii: ":"))
        }
        // A path begun before `//` is no authority (`/orders//x`).
        if text.utf8[..<separator.lowerBound].contains(where: endsAuthority) { return true }
        let rest = text.utf8[separator.upperBound...]
        guard let end = rest.firstIndex(where: endsAuthority) else { return false }
        return end > rest.startIndex
    }

    /// Whether `byte` ends a URL's authority: `/`, `?` or `#` (a backslash, which .NET reads
    /// as a slash, too).
    private static func endsAuthority(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\\")
    }
}
