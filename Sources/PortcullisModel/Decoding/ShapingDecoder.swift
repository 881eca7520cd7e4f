import PortcullisDiagnostics
import PortcullisSyntax

/// Request and response shaping, gateway answers and IP filters of APIs and routes.
extension DocumentDecoder {
    /// A route's shaping fields; nil when it writes none.
    mutating func routeShaping(_ fields: borrowing FieldValues<RouteField>, routePath: PathTemplate?) -> RouteShaping? {
        let answer = gatewayAnswer(respond: fields[.respond], mock: fields[.mock])
        if let answer { checkAnswered(answer, fields) }
        return RouteShaping.ifAny(
            request: fields.read(.request) { requestShaping($0) }, response: fields.read(.response) { responseShaping($0) },
            ipFilter: fields.read(.ipFilter) { ipFilterSetting($0) }, rewrite: fields.read(.rewrite) { rewrite($0, routePath: routePath) },
            answer: answer)
    }

    /// `request: {headers: CHANGES, query: CHANGES}`.
    mutating func requestShaping(_ entry: YAMLEntry) -> RequestShaping? {
        guard let fields = context.fields(entry.value, RequestShapingField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        return RequestShaping(
            headers: fields[.headers].map { changes($0, of: .requestHeader) } ?? [],
            query: fields[.query].map { changes($0, of: .queryParameter) } ?? [])
    }

    /// `response: {headers: CHANGES}`.
    mutating func responseShaping(_ entry: YAMLEntry) -> ResponseShaping? {
        guard let fields = context.fields(entry.value, ResponseShapingField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        return ResponseShaping(headers: fields[.headers].map { changes($0, of: .responseHeader) } ?? [])
    }

    /// What a block of changes changes; header names have rules parameter names lack.
    enum ChangedPart {
        case requestHeader, responseHeader, queryParameter

        var noun: String { self == .queryParameter ? "query parameter" : "header" }
    }

    /// `{set: {NAME: VALUE}, setIfMissing: {...}, append: {...}, remove: [NAME]}`, in that
    /// order; one block changes each name once.
    private mutating func changes(_ entry: YAMLEntry, of part: ChangedPart) -> [MessageChange] {
        guard let fields = context.fields(entry.value, MessageChangesField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return [] }
        var changes: [MessageChange] = []
        for field in MessageChangesField.allCases {
            guard let block = fields[field], let action = MessageChange.Action(rawValue: field.rawValue) else { continue }
            if action == .remove {
                for item in context.sequence(block) ?? [] {
                    guard let name = context.string(item, field: block.key).flatMap({ changedName($0, in: block.key, part: part, action: action) })
                    else { continue }
                    changes.append(MessageChange(action: action, name: name, value: nil))
                }
            } else {
                changes += assignments(block, part: part, action: action)
            }
        }
        return Self.changedOnce(changes, part: part, into: &context.diagnostics)
    }

    /// `{NAME: VALUE}` pairs; values may reference named values.
    private mutating func assignments(_ block: YAMLEntry, part: ChangedPart, action: MessageChange.Action) -> [MessageChange] {
        var changes: [MessageChange] = []
        for pair in context.namedEntries(block) ?? [] {
            let name = changedName(Located(pair.key, at: pair.keyRange), in: block.key, part: part, action: action)
            let value = context.string(pair.value, field: pair.key, templates: true)
            guard let name, let value else { continue }
            if part != .queryParameter {
                // A line feed ends a header: the gateway refuses it, or sends what follows
                // as another header (audit V105: `X-Admin: true` after one).
                guard !value.value.contains("\n") else {
                    context.diagnostics.report(
                        .invalidValue, "the value of header \(MessageText.quoted(name.value)) holds a line break, which no HTTP header can", at: value.range,
                        notes: [Diagnostic.Note("write the value on one line; each header is a key of its own", at: value.range)])
                    continue
                }
                if value.value.holds("{{") { context.headerTemplates.append(TemplatedField(field: name.value, text: value)) }
            }
            changes.append(MessageChange(action: action, name: name, value: value))
        }
        return changes
    }

    /// APIM cannot change these headers with `set-header` (Microsoft Learn, "Set header",
    /// limitations), lowercased.
    private static let fixedHeaders: Set<String> = ["connection", "content-length", "keep-alive", "transfer-encoding"]

    /// A header or query parameter name: a token, and for headers one the generated
    /// policies do not use and APIM can change.
    private mutating func changedName(_ name: Located<String>, in field: String, part: ChangedPart, action: MessageChange.Action)
        -> Located<String>?
    {
        guard let name = context.validated(name, by: Grammar.isToken, as: "\(part.noun) name", field: field) else { return nil }
        guard part != .queryParameter else { return name }
        let lowered = name.value.lowercased()
        if lowered.hasPrefix("x-portcullis-") {
            context.diagnostics.report(
                .invalidValue, "header \(MessageText.quoted(name.value)) is reserved for the policies Portcullis generates", at: name.range,
                notes: [Diagnostic.Note("choose a name that does not start with 'X-Portcullis-'", at: name.range)])
            return nil
        }
        if Self.fixedHeaders.contains(lowered) || (part == .responseHeader && action == .remove && lowered == "server") {
            context.diagnostics.report(
                .invalidValue, "APIM cannot change header \(MessageText.quoted(name.value))", at: name.range,
                notes: [
                    Diagnostic.Note(
                        "'set-header' leaves Connection, Content-Length, Keep-Alive and Transfer-Encoding alone, and cannot remove a response's Server",
                        at: name.range)
                ])
            return nil
        }
        return name
    }

    /// Keeps the first change of each name (header names ignore case) and reports the others.
    static func changedOnce(_ changes: [MessageChange], part: ChangedPart, into diagnostics: inout DiagnosticCollector)
        -> [MessageChange]
    {
        var first: [String: SourceRange] = [:]
        return changes.filter { change in
            let key = part == .queryParameter ? change.name.value : change.name.value.lowercased()
            if let earlier = first[key] {
                diagnostics.report(
                    .invalidValue, "\(part.noun) \(MessageText.quoted(change.name.value)) is changed twice in one block", at: change.name.range,
                    notes: [Diagnostic.Note("it is first changed here; keep one change per name", at: earlier)])
                return false
            }
            first[key] = change.name.range
            return true
        }
    }

    /// `rewrite: {path, method, keepQuery}`; every `{name}` in the path must be a parameter
    /// of the route's `path`.
    private mutating func rewrite(_ entry: YAMLEntry, routePath: PathTemplate?) -> Rewrite? {
        guard let fields = context.fields(entry.value, RewriteField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        let method = fields[.method].flatMap { context.choice($0, as: HTTPMethod.self) }
        let keepQuery = fields[.keepQuery].flatMap { context.bool($0) }
        guard let pathEntry = context.require(fields, .path), let path = context.string(pathEntry) else { return nil }
        guard path.value.hasPrefix("/"), !path.value.contains(where: { $0 == " " || $0 == "#" || $0 == "\t" || $0 == "\n" }) else {
            context.diagnostics.report(
                .invalidValue, "invalid rewrite path\(MessageText.shown(path.value)) for 'path'", at: path.range,
                notes: [Diagnostic.Note("write the backend's path from '/', such as '/v2/orders/{orderId}', with an optional '?query'", at: path.range)])
            return nil
        }
        guard !Self.leavesTheBackendsPath(path.value) else {
            context.diagnostics.report(
                .invalidValue, "the rewrite path\(MessageText.shown(path.value)) leaves the backend's path", at: path.range,
                notes: [Diagnostic.Note("write the path below the backend's URL without '..' segments or a leading '//'; to reach another service, give the route its own 'backend'", at: path.range)])
            return nil
        }
        guard let parameters = Self.parameters(path.value) else {
            context.diagnostics.report(
                .invalidValue, "the rewrite path has a '{' or '}' that does not enclose a parameter name", at: path.range)
            return nil
        }
        var known = true
        let verbatim = VerbatimScalar(pathEntry.value)
        for (name, offset) in parameters where !(routePath?.parameters.contains(name) ?? true) {
            known = false
            let at = verbatim?.subrange(offset: offset, length: name.unicodeScalars.count + 2) ?? pathEntry.value.range
            var notes: [Diagnostic.Note] = []
            if let routePath, let suggestion = Suggestion.closest(to: name, among: routePath.parameters) {
                notes.append(Diagnostic.Note("did you mean '\(suggestion)'?", at: at))
            }
            notes.append(Diagnostic.Note("a rewrite path can use the parameters of the route's path '\(routePath?.text ?? "")'", at: at))
            context.diagnostics.report(.unknownReference, "unknown path parameter '\(name)' in the rewrite path", at: at, notes: notes)
        }
        guard known, fields[.method] == nil || method != nil, fields[.keepQuery] == nil || keepQuery != nil else { return nil }
        return Rewrite(path: path, method: method, keepQuery: keepQuery, keyRange: entry.keyRange)
    }

    /// The `{name}` parameters of a rewrite path with their offsets; nil when a brace is unpaired.
    /// Whether a rewrite path climbs out of the backend's path, to another service on its
    /// host, with more `..` segments than segments before them, or names another host with
    /// a leading `//`, as a server reads it (audit V105): .NET's `Uri` takes `\` for `/` and
    /// decodes `%2e` and `%2f` before it removes dot segments, and Java's servers read `..;x`
    /// as `..` (V109). A `..` that stays below (`/x/../orders`) leaves nothing.
    static func leavesTheBackendsPath(_ path: String) -> Bool {
        // Letter case matters to none of what is looked for.
        let read = String(path.prefix { $0 != "?" }).lowercased()
            .replacing("\\", with: "/").replacing("%2e", with: ".").replacing("%2f", with: "/").replacing("%5c", with: "/")
        guard !read.hasPrefix("//") else { return true }
        var depth = 0
        for segment in read.split(separator: "/", omittingEmptySubsequences: false).dropFirst() where segment != "" && segment != "." {
            depth += segment == ".." || segment.hasPrefix("..;") ? -1 : 1
            if depth < 0 { return true }
        }
        return false
    }

    static func parameters(_ text: String) -> [(name: String, offset: Int)]? {
        var found: [(String, Int)] = []
        var current: (start: Int, name: String)?
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            switch scalar {
            case "{":
                guard current == nil else { return nil }
                current = (offset, "")
            case "}":
                guard let open = current, !open.name.isEmpty else { return nil }
                found.append((open.name, open.start))
                current = nil
            default:
                current?.name.unicodeScalars.append(scalar)
            }
        }
        return current == nil ? found : nil
    }

    /// `respond: {status, headers, body}` or `mock: {status, contentType}`; a route has one.
    private mutating func gatewayAnswer(respond: YAMLEntry?, mock: YAMLEntry?) -> GatewayAnswer? {
        if let respond, let mock {
            context.diagnostics.report(
                .invalidValue, "a route has 'respond' or 'mock', not both", at: mock.keyRange,
                notes: [Diagnostic.Note("'respond' is written here", at: respond.keyRange)])
            return nil
        }
        if let respond {
            guard let fields = context.fields(respond.value, RespondField.self, named: respond.key, introducedAt: respond.keyRange)
            else { return nil }
            let status = context.require(fields, .status).flatMap { context.integer($0, in: 100...599) }
            let headers = fields[.headers].map { block in
                Self.changedOnce(assignments(block, part: .responseHeader, action: .set), part: .responseHeader, into: &context.diagnostics)
            }
            let body = fields[.body].flatMap { context.string($0.value, field: $0.key, templates: true, body: true) }
            guard let status, fields[.body] == nil || body != nil else { return nil }
            return .fixed(FixedResponse(status: status, headers: headers ?? [], body: body, keyRange: respond.keyRange))
        }
        guard let mock, let fields = context.fields(mock.value, MockField.self, named: mock.key, introducedAt: mock.keyRange)
        else { return nil }
        let status = fields[.status].flatMap { context.integer($0, in: 100...599) }
        let contentType = fields[.contentType].flatMap { context.string($0) }.flatMap {
            context.validated(
                $0, by: Self.isMediaType, as: "media type", field: "contentType", rule: "a media type is 'type/subtype', such as 'application/json'")
        }
        guard fields[.status] == nil || status != nil, fields[.contentType] == nil || contentType != nil else { return nil }
        return .mock(MockResponse(status: status, contentType: contentType, keyRange: mock.keyRange))
    }

    private static func isMediaType(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { Grammar.isToken(String($0)) }
    }

    /// A route the gateway answers never calls its backend, so fields about the call or
    /// its response would do nothing there.
    private mutating func checkAnswered(_ answer: GatewayAnswer, _ fields: borrowing FieldValues<RouteField>) {
        let answeredBy = if case .fixed = answer { "respond" } else { "mock" }
        for field in [RouteField.rewrite, .request, .response, .cache] {
            guard let entry = fields[field] else { continue }
            context.diagnostics.report(
                .invalidValue, "'\(field.rawValue)' has no effect on a route the gateway answers with '\(answeredBy)'", at: entry.keyRange,
                notes: [Diagnostic.Note("remove it, or remove '\(answeredBy)' to call the backend", at: answer.keyRange)])
        }
    }

    /// `ipFilter: {allow: [...]}` or `{deny: [...]}`.
    mutating func ipFilter(_ entry: YAMLEntry) -> IPFilter? {
        guard let fields = context.fields(entry.value, IPFilterField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        let listEntry: YAMLEntry
        let action: IPFilter.Action
        switch (fields[.allow], fields[.deny]) {
        case (let allow?, nil): (listEntry, action) = (allow, .allow)
        case (nil, let deny?): (listEntry, action) = (deny, .deny)
        default:
            let both = fields[.allow] != nil
            context.diagnostics.report(
                .invalidValue, both ? "'ipFilter' takes one of 'allow' or 'deny', not both" : "'ipFilter' needs one of 'allow' or 'deny'",
                at: both ? entry.value.range : entry.keyRange)
            return nil
        }
        guard let items = context.sequence(listEntry) else { return nil }
        if items.isEmpty {
            context.diagnostics.report(.invalidValue, "'\(listEntry.key)' must list at least one address", at: listEntry.value.range)
            return nil
        }
        var entries: [Located<IPv4Range>] = []
        for item in items {
            guard let text = context.string(item, field: listEntry.key) else { continue }
            switch IPv4Text.range(text.value) {
            case .success(let range): entries.append(Located(range, at: text.range))
            case .failure(let invalid):
                context.diagnostics.report(
                    .invalidValue, "invalid address\(MessageText.shown(text.value)) for '\(listEntry.key)'", at: text.range,
                    notes: [Diagnostic.Note(invalid.reason, at: text.range)])
            }
        }
        guard entries.count == items.count else { return nil }
        return IPFilter(action: action, entries: entries, range: entry.value.range)
    }

    /// A route's `ipFilter`, or `none` to switch off its API's.
    private mutating func ipFilterSetting(_ entry: YAMLEntry) -> IPFilterSetting? {
        if let scalar = entry.value.scalar, scalar.text == "none" { return .none(entry.value.range) }
        guard case .mapping = entry.value.content else {
            context.mismatch(entry.value, expected: "a mapping or 'none'", field: entry.key)
            return nil
        }
        return ipFilter(entry).map { .filter($0) }
    }
}
