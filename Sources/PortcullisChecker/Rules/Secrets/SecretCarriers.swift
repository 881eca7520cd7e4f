import PortcullisModel
import PortcullisPolicyXML

/// What holds a secret on a request's way through the gateway, for SE005: policy variables
/// and the request's headers. A statement that writes the answer and reads one of them
/// sends the secret as surely as one that names it.
///
/// - A variable holds one when a raw `set-variable` writes a declared secret, or copies
///   what holds one (``CopiedValues``: a concatenation carries it too); when APIM fills it
///   with an access token (`authentication-managed-identity`'s
///   `output-token-variable-name`, `get-authorization-context`'s `output-variable-name`);
///   and where the generated introspection keeps the provider's client secret.
/// - A request header holds one when the API's or route's `request.headers` or a raw
///   `set-header` before the backend writes one, or when the gateway puts its own
///   credentials in `Authorization` (a managed identity's token, raw or generated, or
///   `authentication-basic`). In `outbound`, `context.Request` is the request as the
///   gateway sent it on.
///
/// A value computed from a secret (a text it decrypts or signs) is not the secret, so
/// only copies are followed. A variable or header lives for one request, through every
/// scope it passes, so one set in a policy is held in every policy whose routes it shares.
/// Names are matched ignoring case, and order is not judged: one set after the answer is
/// written is taken to be held, which can only report too often.
struct SecretCarriers {
    enum Kind {
        case variable, requestHeader
    }

    /// A variable or request header that holds a secret on some routes.
    struct Holding {
        var kind: Kind
        /// As first written.
        var name: String
        /// "secret 'partner-key'", "the access token of a managed identity".
        var origin: String
        var routes: Set<ObjectIdentifier>
    }

    /// By kind and case-folded name.
    private var holdings: [Key: Holding] = [:]

    private struct Key: Hashable {
        var kind: Kind
        var name: String
        /// Set by the generated policies after every raw inbound statement (the backend's
        /// managed identity), so an answer given in `inbound` comes before it.
        var afterInbound = false
    }

    private static let variableSetters: Set<String> = ["set-variable", "authentication-managed-identity", "get-authorization-context"]
    private static let headerSetters: Set<String> = ["set-header", "authentication-managed-identity", "authentication-basic"]
    private static let otherRequests: Set<String> = ["send-request", "send-one-way-request", "return-response"]

    var isEmpty: Bool { holdings.isEmpty }

    init(_ context: CheckContext, secrets: Set<String>) {
        func secret(in text: String) -> String? {
            text.contains("{{") ? NamedValues.references(in: text).first { secrets.contains(Grammar.caseFolded($0)) } : nil
        }
        func hold(_ kind: Kind, _ name: String, _ origin: String, on routes: some Sequence<ObjectIdentifier>, afterInbound: Bool = false) {
            let key = Key(kind: kind, name: name.lowercased(), afterInbound: afterInbound)
            holdings[key, default: Holding(kind: kind, name: name, origin: origin, routes: [])].routes.formUnion(routes)
        }
        // What the generated policies keep, read from each route's plan.
        for (route, plan) in context.plannedRoutes {
            let id = [ObjectIdentifier(route)]
            if case .introspection(let details, _)? = plan.token?.method, case .reference(let name) = details.clientSecret {
                hold(.variable, PolicyNames.clientSecret, "secret '\(name.value)'", on: id)
            }
            if plan.backend.managedIdentity != nil {
                hold(.requestHeader, "Authorization", "the access token of a managed identity", on: id, afterInbound: true)
            }
            for change in plan.requestShaping?.headers ?? [] {
                guard let value = change.value, let name = secret(in: value.value) else { continue }
                hold(.requestHeader, change.name.value, "secret '\(name)'", on: id)
            }
        }
        // What raw policies set; copies are kept to be read once the rest is known.
        var copies: [(kind: Kind, name: String, reads: [Key], routes: [ObjectIdentifier])] = []
        for scope in context.rawScopes {
            let document = scope.document
            let setsVariables = document.has(anyOf: Self.variableSetters), setsHeaders = document.has(anyOf: Self.headerSetters)
            guard setsVariables || setsHeaders else { continue }
            let routes = scope.routes.map(ObjectIdentifier.init)
            func record(_ kind: Kind, _ name: String, _ value: PolicyXMLValue) {
                switch value {
                case .text(let text):
                    if let secret = secret(in: text) { hold(kind, name, "secret '\(secret)'", on: routes) }
                case .expression(let code):
                    var reads: [Key] = []
                    for piece in CopiedValues.pieces(of: code) {
                        switch piece {
                        case .literal(let text):
                            if let secret = secret(in: text) { hold(kind, name, "secret '\(secret)'", on: routes) }
                        case .variable(let read): reads.append(Key(kind: .variable, name: read.lowercased()))
                        case .requestHeader(let read): reads.append(Key(kind: .requestHeader, name: read.lowercased()))
                        }
                    }
                    if !reads.isEmpty { copies.append((kind, name, reads, routes)) }
                }
            }
            if setsVariables {
                for element in document.elements(named: Self.variableSetters) {
                    switch element.name {
                    case "set-variable":
                        guard let name = element.attribute("name")?.value.written, let value = element.attribute("value")?.value else { continue }
                        record(.variable, name, value)
                    case "get-authorization-context":
                        guard let token = element.attribute("output-variable-name")?.value.written, !token.isEmpty else { continue }
                        hold(.variable, token, "the access token of an authorization", on: routes)
                    default:
                        guard let token = element.attribute("output-token-variable-name")?.value.written, !token.isEmpty else { continue }
                        hold(.variable, token, "the access token of a managed identity", on: routes)
                    }
                }
            }
            guard setsHeaders else { continue }
            Self.forEachRequestStatement(of: scope) { element in
                switch element.name {
                case "set-header":
                    guard !element.deletesHeader, case .text(let name)? = element.attribute("name")?.value else { return }
                    for value in element.elements where value.name == "value" {
                        if let written = value.textValue { record(.requestHeader, name.trimmingWhitespace, written) }
                    }
                case "authentication-basic":
                    guard let password = element.attribute("password")?.value, let secret = secret(in: password.written) else { return }
                    hold(.requestHeader, "Authorization", "secret '\(secret)'", on: routes)
                case "authentication-managed-identity" where element.attribute("output-token-variable-name") == nil:
                    hold(.requestHeader, "Authorization", "the access token of a managed identity", on: routes)
                default: return
                }
            }
        }
        guard !holdings.isEmpty else { return }
        // Until nothing changes: what copies a holder holds what it holds, where both run.
        var changed = true
        while changed {
            changed = false
            for copy in copies {
                for read in copy.reads {
                    guard let source = holdings[read] else { continue }
                    let key = Key(kind: copy.kind, name: copy.name.lowercased())
                    let reached = copy.routes.filter(source.routes.contains)
                    guard !reached.isEmpty, !(holdings[key].map { reached.allSatisfy($0.routes.contains) } ?? false) else { continue }
                    hold(copy.kind, copy.name, source.origin, on: reached)
                    changed = true
                }
            }
        }
    }

    /// Calls `body` with each statement of `scope` that may change the request the gateway
    /// sends on: those in `inbound` and `backend` (a fragment's, wherever it is included),
    /// at any depth, but not those of another request or of an answer.
    private static func forEachRequestStatement(of scope: RawScope, _ body: (PolicyXMLElement) -> Void) {
        func walk(_ element: PolicyXMLElement) {
            guard !otherRequests.contains(element.name) else { return }
            body(element)
            element.elements.forEach(walk)
        }
        let document = scope.document
        let roots = scope.level == .fragment ? document.rootElements : document.statements(in: "inbound") + document.statements(in: "backend")
        roots.forEach(walk)
    }

    /// What holds a secret and is read by `text`, a statement of `scope` that writes the
    /// answer, if anything: by name, or with every other of its kind
    /// (`JsonConvert.SerializeObject(context.Variables)`, a loop over the request's
    /// headers, a name the caller chooses). Only what is held on some route of `scope`
    /// counts, and where the statement answers in `inbound`, only what is set there. The
    /// first by name, so a report does not change from run to run.
    func read(in text: String, of scope: RawScope, inInbound: Bool) -> (holding: Holding, all: Bool)? {
        let lowered = CopiedValues.decoded(text).lowercased()
        let readsVariables = lowered.contains("variables"), readsHeaders = lowered.contains("request.headers")
        guard readsVariables || readsHeaders else { return nil }
        let routes = scope.routes.map(ObjectIdentifier.init)
        let wholes: [Kind: Bool] = [
            .variable: readsVariables && Self.readsAll("context.variables", in: lowered),
            .requestHeader: readsHeaders && Self.readsAll("context.request.headers", in: lowered),
        ]
        for (key, holding) in holdings.sorted(by: { ($0.key.kind == .variable ? 0 : 1, $0.key.name) < ($1.key.kind == .variable ? 0 : 1, $1.key.name) }) {
            guard key.kind == .variable ? readsVariables : readsHeaders, !(inInbound && key.afterInbound), routes.contains(where: holding.routes.contains)
            else { continue }
            if wholes[key.kind] == true { return (holding, true) }
            let name = key.name
            let byName = lowered.contains("\"\(name)\"") || lowered.contains(key.kind == .variable ? "variables.\(name)" : "headers.\(name)")
            // A header parsed as a token gives its claims, not the token.
            if byName, key.kind == .variable || !lowered.contains("asjwt(") { return (holding, false) }
        }
        return nil
    }

    /// Whether `lowered` reads every entry of `collection` (`context.variables`,
    /// `context.request.headers`) at once, or one whose name is not written out: anything
    /// but `[\"name\"]`, `.getvalueordefault("name"...)`, `.trygetvalue("name"...)`,
    /// `.containskey(...)`, `.count`, `.keys` or Liquid's `.name`.
    static func readsAll(_ collection: String, in lowered: String) -> Bool {
        var rest = lowered[...]
        while let found = rest.range(of: collection) {
            rest = rest[found.upperBound...]
            let after = rest.drop { $0.isWhitespace }
            if after.hasPrefix("[") {
                if !after.dropFirst().drop(while: \.isWhitespace).hasPrefix("\"") { return true }
                continue
            }
            guard after.hasPrefix(".") else { return true }
            let member = after.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            let call = after.dropFirst(1 + member.count).drop { $0.isWhitespace }
            switch member {
            case "getvalueordefault", "trygetvalue":
                var arguments = call
                if arguments.hasPrefix("<"), let close = arguments.firstIndex(of: ">") { arguments = arguments[arguments.index(after: close)...] }
                guard arguments.hasPrefix("("), arguments.dropFirst().drop(while: \.isWhitespace).hasPrefix("\"") else { return true }
            case "containskey", "count", "keys": continue
            case "values": return true
            default:
                // A method (Select, ToList, ...) reads the entries; a bare name is Liquid's.
                if call.hasPrefix("(") { return true }
            }
        }
        return false
    }
}
