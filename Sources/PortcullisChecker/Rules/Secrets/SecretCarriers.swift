import PortcullisModel
import PortcullisPolicyXML

/// What holds a secret on a request's way through the gateway, for SE005: policy
/// variables, the request's headers, the query and URL it is sent on with, its body, and
/// values kept in the cache. A statement that writes the answer and reads one of them
/// sends the secret as surely as one that names it.
///
/// - A variable holds one when a raw `set-variable` writes a declared secret, or carries
///   what holds one (``ExpressionFlow``: anything but a one-way step keeps it); when APIM
///   fills it with an access token (`authentication-managed-identity`'s
///   `output-token-variable-name`, `get-authorization-context`'s `output-variable-name`);
///   when `cache-lookup-value` reads an entry a `cache-store-value` of the same key kept
///   one in; and where the generated introspection keeps the provider's client secret.
/// - A request header, query parameter or the body holds one when the definitions'
///   `request` or a raw statement before the backend (`set-header`, `set-query-parameter`,
///   `rewrite-uri`, `set-backend-service`, `set-body`) writes or carries one, and
///   `Authorization` holds the gateway's own credentials after `authentication-basic` or a
///   managed identity (raw, or the generated one of a backend, which runs after every raw
///   inbound statement). In `outbound`, `context.Request` is the request as the gateway
///   sent it on.
///
/// A variable or header lives for one request, through every scope it passes, so one set
/// in a policy is held in every policy whose routes it shares. Names are matched ignoring
/// case, and order within a section is not judged, which can only report too often.
struct SecretCarriers {
    enum Kind: Int {
        case variable, requestHeader, requestQuery, requestURL, requestBody, cacheEntry
    }

    /// Something that holds a secret on some routes.
    struct Holding {
        var kind: Kind
        /// As first written; empty for the URL and the body.
        var name: String
        /// "secret 'partner-key'", "the access token of a managed identity".
        var origin: String
        var routes: Set<ObjectIdentifier>
    }

    /// By kind and case-folded name.
    private var holdings: [Key: Holding] = [:]
    /// The same by kind and name, so that a report does not change from run to run.
    private var ordered: [(key: Key, holding: Holding)] = []

    private struct Key: Hashable, Comparable {
        var kind: Kind
        var name: String
        /// Set by the generated policies after every raw inbound statement (the backend's
        /// managed identity), so what runs in `inbound` comes before it.
        var afterInbound = false

        static func < (left: Key, right: Key) -> Bool {
            (left.kind.rawValue, left.name, left.afterInbound ? 1 : 0) < (right.kind.rawValue, right.name, right.afterInbound ? 1 : 0)
        }
    }

    private static let setters: Set<String> = [
        "set-variable", "authentication-managed-identity", "get-authorization-context", "cache-store-value", "cache-lookup-value",
        "set-header", "authentication-basic", "set-query-parameter", "rewrite-uri", "set-backend-service", "set-body", "send-request",
    ]

    /// The gateway's named values, put into expressions before they are read.
    private let known: KnownNamedValues
    /// What each expression carries, by its text: estates repeat their expressions in
    /// every API's policy, and each is read once.
    private var flows: [String: [ExpressionFlow.Source]] = [:]
    /// What each statement that writes the answer reads (``reads(by:in:inInbound:)``).
    private var readsByPlace: [ReadPlace: [Key]] = [:]

    private struct ReadPlace: Hashable {
        var statement: AnswerStatements.Place
        var inInbound: Bool
    }

    /// What `code` carries, its named values put in, read once per text.
    private mutating func sources(of code: String) -> [ExpressionFlow.Source] {
        if let known = flows[code] { return known }
        let found = ExpressionFlow.sources(of: known.partlyResolved(code))
        flows[code] = found
        return found
    }

    var isEmpty: Bool { holdings.isEmpty }

    init(_ context: CheckContext, secrets: Set<String>) {
        known = context.namedValues
        func secret(in text: String) -> String? {
            text.holds("{{") ? NamedValues.references(in: text).first { secrets.contains(Grammar.caseFolded($0)) } : nil
        }
        // Two origins of one holder: the first by its text, whatever order they are found
        // in (dictionaries' order changes from run to run; an audit found a message naming
        // either of two tokens).
        func hold(_ kind: Kind, _ name: String, _ origin: String, on routes: some Sequence<ObjectIdentifier>, afterInbound: Bool = false) {
            let key = Key(kind: kind, name: name.lowercased(), afterInbound: afterInbound)
            var holding = holdings[key] ?? Holding(kind: kind, name: name, origin: origin, routes: [])
            if (origin, name) < (holding.origin, holding.name) { (holding.origin, holding.name) = (origin, name) }
            holding.routes.formUnion(routes)
            holdings[key] = holding
        }
        // What the generated policies keep, read from each route's plan.
        // Gathered first: an estate may give thousands of routes each.
        var clientSecrets: [String: [ObjectIdentifier]] = [:]
        /// Introspection audiences that name a secret, by the variable (`portcullis-audience-N`)
        /// the generated check sets them into, then by the secret.
        var audienceSecrets: [String: [String: [ObjectIdentifier]]] = [:]
        var managedIdentity: [ObjectIdentifier] = []
        for (route, plan) in context.plannedRoutes {
            let id = [ObjectIdentifier(route)]
            if case .introspection(let details, _)? = plan.token?.method {
                if case .reference(let name) = details.clientSecret { clientSecrets[name.value, default: []].append(ObjectIdentifier(route)) }
                for (index, audience) in (details.audiences ?? []).enumerated() {
                    guard let name = secret(in: audience.value) else { continue }
                    audienceSecrets[PolicyNames.audiencePrefix + String(index + 1), default: [:]][name, default: []].append(ObjectIdentifier(route))
                }
            }
            if plan.backend.managedIdentity != nil { managedIdentity.append(ObjectIdentifier(route)) }
            for (changes, kind) in [(plan.requestShaping?.headers ?? [], Kind.requestHeader), (plan.requestShaping?.query ?? [], .requestQuery)] {
                for change in changes {
                    guard let value = change.value, let name = secret(in: value.value) else { continue }
                    hold(kind, change.name.value, "secret '\(name)'", on: id)
                }
            }
        }
        for (name, routes) in clientSecrets { hold(.variable, PolicyNames.clientSecret, "secret '\(name)'", on: routes) }
        for (variable, secrets) in audienceSecrets {
            for (name, routes) in secrets { hold(.variable, variable, "secret '\(name)'", on: routes) }
        }
        if !managedIdentity.isEmpty { hold(.requestHeader, "Authorization", "the access token of a managed identity", on: managedIdentity, afterInbound: true) }
        // What raw policies set; copies are kept to be read once the rest is known.
        // Named values are put in first, as APIM puts them in before compiling.
        let known = self.known
        /// A name as APIM reads it; `*` for one an expression or an unknown value decides.
        func name(_ value: PolicyXMLValue?) -> String? {
            switch value {
            case nil: nil
            case .text(let text)?: known.resolved(text)?.trimmingWhitespace ?? "*"
            case .expression?: value.flatMap { ExpressionFlow.stringLiteral(of: known.partlyResolved($0.resolved)) } ?? "*"
            }
        }
        // A value is followed from every reader of the kind; `copies` are the edges.
        var copies: [(target: Key, name: String, reads: [Key], routes: [ObjectIdentifier])] = []
        // The cache is the instance's: an entry stored on one route is read on any.
        let everyRoute = context.routes.map(ObjectIdentifier.init)
        for scope in context.rawScopes where scope.document.has(anyOf: Self.setters) {
            let routes = scope.routes.map(ObjectIdentifier.init)
            let inbound = scope.document.rootElements.first { $0.name == "inbound" }?.span
            func record(_ kind: Kind, _ name: String, _ parts: [PolicyXMLValue], in element: PolicyXMLElement, on routes: [ObjectIdentifier]) {
                // Text in parts (character data beside a CDATA section) is read joined, as
                // one expression when one of them is.
                let joined = parts.map(\.resolved).joined()
                let isCode = parts.contains(where: \.isExpression) || joined.startsAnExpression
                guard isCode else {
                    if let secret = secret(in: joined) { hold(kind, name, "secret '\(secret)'", on: routes) }
                    return
                }
                // Most expressions read the clock or an id: told by their bytes.
                guard joined.mayReadACarrier else { return }
                // What is read in 'inbound' comes before the generated managed identity.
                let late = !(inbound?.contains(element.span.lowerBound) ?? false)
                var reads: [Key] = []
                for source in sources(of: joined) {
                    switch source {
                    case .literal(let text):
                        if let secret = secret(in: text) { hold(kind, name, "secret '\(secret)'", on: routes) }
                    default: reads += Self.keys(readBy: source, late: late)
                    }
                }
                if !reads.isEmpty { copies.append((Key(kind: kind, name: name.lowercased()), name, reads, routes)) }
            }
            // One pass over the document's elements, in document order: a statement that
            // changes the request counts in 'inbound' and 'backend' (a fragment's anywhere),
            // not inside another request or an answer, whose spans come before it.
            let document = scope.document
            let sections = scope.level == .fragment ? nil : document.rootElements.filter { $0.name == "inbound" || $0.name == "backend" }.map(\.span)
            var excluded: [Range<Int>] = []
            for element in document.allElements {
                let written = { (attribute: String) in element.attribute(attribute)?.value }
                switch element.name {
                case "send-request", "send-one-way-request", "return-response":
                    excluded.append(element.span)
                    // The answer of a token request is an access token the gateway obtained.
                    if element.name == "send-request", let answer = name(written("response-variable-name")), !answer.isEmpty {
                        if element.asksForAToken(known) {
                            hold(.variable, answer, "the access token a raw 'send-request' obtained", on: routes)
                        } else if element.readsAKeyVaultSecret(known) {
                            hold(.variable, answer, "the Key Vault secret a raw 'send-request' read", on: routes)
                        }
                    }
                case "set-variable":
                    guard let variable = name(written("name")), let value = written("value") else { continue }
                    record(.variable, variable, [value], in: element, on: routes)
                case "cache-store-value":
                    guard let value = written("value") else { continue }
                    record(.cacheEntry, "*", [value], in: element, on: everyRoute)
                case "cache-lookup-value":
                    guard let variable = name(written("variable-name")) else { continue }
                    copies.append((Key(kind: .variable, name: variable.lowercased()), variable, [Key(kind: .cacheEntry, name: "*")], routes))
                case "get-authorization-context":
                    guard let token = name(written("output-variable-name")), !token.isEmpty else { continue }
                    hold(.variable, token, "the access token of an authorization", on: routes)
                case "set-header", "set-query-parameter", "rewrite-uri", "set-backend-service", "set-body", "authentication-basic",
                    "authentication-managed-identity":
                    let place = element.span.lowerBound
                    // Elements come in document order: a span ended before this one holds
                    // nothing after it, so the list keeps only those still open.
                    excluded.removeAll { $0.upperBound <= place }
                    guard sections.map({ $0.contains { $0.contains(place) } }) ?? true, !excluded.contains(where: { $0.contains(place) }) else {
                        // The identity's token kept in a variable, wherever it is asked for.
                        if element.name == "authentication-managed-identity", let token = name(written("output-token-variable-name")), !token.isEmpty {
                            hold(.variable, token, "the access token of a managed identity", on: routes)
                        }
                        continue
                    }
                    switch element.name {
                    case "set-header", "set-query-parameter":
                        guard !element.deletesHeader, let given = name(written("name")) else { continue }
                        let values = element.elements.filter { $0.name == "value" }.flatMap(\.values)
                        record(element.name == "set-header" ? .requestHeader : .requestQuery, given, values, in: element, on: routes)
                    case "rewrite-uri": written("template").map { record(.requestURL, "", [$0], in: element, on: routes) }
                    case "set-backend-service": written("base-url").map { record(.requestURL, "", [$0], in: element, on: routes) }
                    case "set-body": record(.requestBody, "", element.values, in: element, on: routes)
                    case "authentication-basic":
                        guard let password = written("password"), let secret = secret(in: password.written) else { continue }
                        hold(.requestHeader, "Authorization", "secret '\(secret)'", on: routes)
                    default:
                        if let token = name(written("output-token-variable-name")), !token.isEmpty {
                            hold(.variable, token, "the access token of a managed identity", on: routes)
                        } else {
                            hold(.requestHeader, "Authorization", "the access token of a managed identity", on: routes)
                        }
                    }
                default: continue
                }
            }
        }
        defer { ordered = holdings.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
        guard !holdings.isEmpty, !copies.isEmpty else { return }
        // Along the edges until nothing changes: what carries a holder holds what it holds,
        // where both run. A holder is taken up again only when it gains routes.
        // Readers by what they read (kind and name, `*` for every name), and by kind for a
        // holder whose name is not known.
        var readers: [Key: [Int]] = [:]
        var readersOfKind: [Kind: [Int]] = [:]
        for (index, copy) in copies.enumerated() {
            for read in copy.reads {
                readers[Key(kind: read.kind, name: read.name), default: []].append(index)
                readersOfKind[read.kind, default: []].append(index)
            }
        }
        // Taken in order, so that which origin reaches a holder first is the same every run.
        var pending = holdings.keys.sorted(by: >)
        while let changedKey = pending.popLast() {
            guard let source = holdings[changedKey] else { continue }
            let candidates =
                changedKey.name == "*"
                ? readersOfKind[changedKey.kind] ?? []
                : (readers[Key(kind: changedKey.kind, name: changedKey.name)] ?? []) + (readers[Key(kind: changedKey.kind, name: "*")] ?? [])
            for index in candidates {
                let copy = copies[index]
                guard copy.reads.contains(where: { Self.reads($0, changedKey) }) else { continue }
                let reached = copy.routes.filter(source.routes.contains)
                guard !reached.isEmpty, !(holdings[copy.target].map { reached.allSatisfy($0.routes.contains) } ?? false) else { continue }
                hold(copy.target.kind, copy.name, source.origin, on: reached)
                pending.append(copy.target)
            }
        }
    }

    /// Whether a read of `read` reaches the holder `key`: by kind, by name (`*` on either
    /// side for every name), and not a holder set after `inbound` from within it.
    private static func reads(_ read: Key, _ key: Key) -> Bool {
        key.kind == read.kind && (read.name == "*" || key.name == "*" || key.name == read.name) && (read.afterInbound || !key.afterInbound)
    }

    /// The holders a source may read: by kind and case-folded name, `*` for every one of
    /// the kind; `late` when it is read after `inbound`, where the generated managed
    /// identity has run.
    private static func keys(readBy source: ExpressionFlow.Source, late: Bool) -> [Key] {
        switch source {
        case .variable(let name): [Key(kind: .variable, name: name.lowercased(), afterInbound: late)]
        case .allVariables: [Key(kind: .variable, name: "*", afterInbound: late)]
        case .requestHeader(let name): [Key(kind: .requestHeader, name: name.lowercased(), afterInbound: late)]
        case .someRequestHeader, .allRequestHeaders: [Key(kind: .requestHeader, name: "*", afterInbound: late)]
        case .requestQuery(let name): [Key(kind: .requestQuery, name: name.lowercased(), afterInbound: late), Key(kind: .requestURL, name: "*", afterInbound: late)]
        case .requestURL, .allRequestQuery: [Key(kind: .requestQuery, name: "*", afterInbound: late), Key(kind: .requestURL, name: "*", afterInbound: late)]
        case .requestPath, .requestPathPart: [Key(kind: .requestURL, name: "*", afterInbound: late)]
        case .requestBody: [Key(kind: .requestBody, name: "*", afterInbound: late)]
        case .request:
            [.requestHeader, .requestQuery, .requestURL, .requestBody].map { Key(kind: $0, name: "*", afterInbound: late) }
        case .asSent, .answer, .literal: []
        }
    }

    /// What holds a secret and is sent by `statement`, a statement of `scope` that writes
    /// the answer, if anything: read by name, or with every other of its kind
    /// (`JsonConvert.SerializeObject(context.Variables)`, a loop over the request's
    /// headers, a name the caller chooses). Expressions are read by ``ExpressionFlow``;
    /// other text (a Liquid template) by the names it holds. Only what is held on some
    /// route of `scope` counts, and in `inbound`, only what is set there. The first by
    /// kind and name, so a report does not change from run to run.
    mutating func sent(by statement: PolicyXMLElement, in document: PolicyXMLDocument, of scope: RawScope, inInbound: Bool) -> (holding: Holding, all: Bool)? {
        let reads = reads(by: statement, in: document, inInbound: inInbound)
        guard !reads.isEmpty else { return nil }
        let routes = scope.routes.map(ObjectIdentifier.init)
        for read in reads {
            for (key, holding) in ordered where Self.reads(read, key) {
                guard routes.contains(where: holding.routes.contains) else { continue }
                return (holding, read.name == "*" && key.kind != .requestURL && key.kind != .requestBody)
            }
        }
        return nil
    }

    /// What `statement` reads that may hold a secret, read once per statement and section:
    /// a fragment's statements are met from every route that includes it.
    private mutating func reads(by statement: PolicyXMLElement, in document: PolicyXMLDocument, inInbound: Bool) -> [Key] {
        let place = ReadPlace(statement: AnswerStatements.Place(statement, in: document), inInbound: inInbound)
        if let known = readsByPlace[place] { return known }
        var reads: [Key] = []
        var liquid: [String] = []
        statement.forEachElement { element in
            // An element's text in parts (beside a CDATA section or a comment) is read joined.
            let text = element.values.map(\.resolved).joined()
            let parts = element.attributes.map { ($0.value.resolved, $0.value.isExpression) }
                + [(text, element.values.contains(where: \.isExpression) || text.startsAnExpression)]
            for (written, isCode) in parts where !written.isEmpty && written.mayReadACarrier {
                if isCode {
                    for source in sources(of: written) { reads += Self.keys(readBy: source, late: !inInbound) }
                } else {
                    liquid.append(written)
                }
            }
        }
        reads += Self.keys(readByTemplate: liquid.joined(separator: " "), late: !inInbound)
        readsByPlace[place] = reads
        return reads
    }

    /// What holds a secret and is the whole of the answer `statement`, a `return-response`
    /// of `scope`, sends: the response a variable keeps (`response-variable-name`).
    func answered(by statement: PolicyXMLElement, of scope: RawScope) -> Holding? {
        guard case .text(let written)? = statement.attribute("response-variable-name")?.value,
            let variable = known.resolved(written)?.trimmingWhitespace, !variable.isEmpty,
            let holding = holdings[Key(kind: .variable, name: variable.lowercased())]
        else { return nil }
        return scope.routes.contains { holding.routes.contains(ObjectIdentifier($0)) } ? holding : nil
    }

    /// What a template (Liquid) reads: `context.Variables.name`, `context.Variables["name"]`,
    /// the request's headers by name, or a whole collection (a loop over it, a name built
    /// with a filter), the request's URL, query and body, and the request kept whole
    /// (`{% assign r = context.Request %}`).
    private static func keys(readByTemplate text: String, late: Bool) -> [Key] {
        guard text.holds("ontext") else { return [] }
        let lowered = String(decoding: ExpressionFlow.compacted(Array(text.lowercased().utf8)), as: UTF8.self)
        var keys: [Key] = []
        for (collection, kind) in [("context.variables", Kind.variable), ("context.request.headers", .requestHeader)] {
            var rest = lowered[...]
            while let found = rest.range(ofBytes: collection) {
                rest = rest[found.upperBound...]
                var name = ""
                if rest.hasPrefix(".") {
                    name = String(rest.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
                } else if rest.hasPrefix("[\""), let close = rest.dropFirst(2).firstIndex(of: "\""), rest[close...].hasPrefix("\"]") {
                    name = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close])
                }
                keys.append(Key(kind: kind, name: name.isEmpty || ["size", "first", "last"].contains(name) ? "*" : name, afterInbound: late))
            }
        }
        var rest = lowered[...]
        while let found = rest.range(ofBytes: "context.request") {
            rest = rest[found.upperBound...]
            let member = rest.hasPrefix(".") ? String(rest.dropFirst().prefix { $0.isLetter }) : ""
            switch member {
            case "headers", "method", "ipaddress", "originalurl", "matchedparameters", "certificate": continue
            case "url": keys += Self.keys(readBy: .requestURL, late: late)
            case "body": keys += Self.keys(readBy: .requestBody, late: late)
            default: keys += Self.keys(readBy: .request, late: late)
            }
        }
        return keys
    }
}

extension PolicyXMLElement {
    /// Whether a `send-request` asks a token endpoint for an access token, as OAuth 2.0
    /// has clients do: its body names a `grant_type` (percent-encoded too), or its URL's
    /// path ends in `/token` (Entra ID's `oauth2/v2.0/token`, IMDS's `identity/oauth2/token`,
    /// `connect/token`), not `/token/revoke` nor a host named `token`. Named values are put
    /// in first; a URL an expression writes is judged by its text.
    func asksForAToken(_ known: KnownNamedValues) -> Bool {
        let texts = parsedTexts.map { known.partlyResolved($0).lowercased() }
        if texts.contains(where: { $0.contains("grant_type") || $0.contains("grant%5ftype") }) { return true }
        return sentURLs(known).contains { text in
            let path = String(text.prefix { $0 != "?" && $0 != "#" && $0 != ";" })
            // As the server reads it: percent-escapes decoded, a trailing '.' segment dropped.
            var decoded = Substring(path.percentDecoded ?? path)
            while true {
                let trimmed = decoded.reversed().drop { $0 == "/" || $0 == ")" || $0 == "\"" || $0.isWhitespace }
                decoded = Substring(String(trimmed.reversed()))
                guard decoded.hasSuffix("/.") else { break }
                decoded = decoded.dropLast(2)
            }
            return decoded.hasSuffix("/token")
        }
    }

    /// Whether a `send-request` reads a secret from Azure Key Vault: its URL, named values
    /// put in, names a vault's secret (`https://NAME.vault.azure.net/secrets/NAME`, or a
    /// sovereign cloud's vault), whose answer holds the secret's value.
    func readsAKeyVaultSecret(_ known: KnownNamedValues) -> Bool {
        sentURLs(known).contains { text in
            Self.keyVaultHosts.contains { text.contains($0) } && (text.contains("/secrets/") || text.contains("/secrets?"))
        }
    }

    /// The URLs a request is sent to, lowercased, named values put in; an expression's as
    /// its text.
    private func sentURLs(_ known: KnownNamedValues) -> [String] {
        elements.filter { $0.name == "set-url" }.map { known.partlyResolved($0.values.map(\.resolved).joined()).lowercased() }
    }

    /// The DNS suffixes of Key Vault in Azure's clouds, with the dot before them.
    private static let keyVaultHosts = [".vault.azure.net", ".vault.azure.cn", ".vault.usgovcloudapi.net", ".vault.microsoftazure.de"]

    /// The element's own text values (not its children's), character data included.
    var values: [PolicyXMLValue] {
        children.compactMap { if case .text(let value, _) = $0 { value } else { nil } }
    }
}
