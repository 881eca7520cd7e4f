import PortcullisDiagnostics
import PortcullisSyntax

extension DocumentDecoder {
    mutating func decodeAPI(_ root: YAMLNode, kindRange: SourceRange) {
        let errorsBefore = context.errorCount
        guard let fields = context.fields(root, APIField.self, named: "API", introducedAt: kindRange) else { return }
        let name = context.require(fields, .name).flatMap { context.name($0, form: .resource) }
        let path = context.require(fields, .path).flatMap { context.string($0) }.flatMap {
            context.validated(
                $0, by: Grammar.isAPIPath, as: "API path", field: "path",
                rule: "an API path is the URL suffix, such as 'orders' or 'shop/v1', without leading or trailing '/'")
        }
        let backend = context.require(fields, .backend).flatMap { backendReference($0) }
        var routes: [Route] = []
        var routeErrors = 0
        var leftOutRoutes = false
        if let routesEntry = context.require(fields, .routes), let items = context.sequence(routesEntry) {
            if items.isEmpty {
                context.diagnostics.report(.invalidValue, "'routes' must list at least one route", at: routesEntry.value.range)
            }
            // A Route is large; growing the array by doubling would copy every route again.
            routes.reserveCapacity(items.count)
            for item in items {
                let before = context.errorCount
                if let route = decodeRoute(item) { routes.append(route) } else { leftOutRoutes = true }
                routeErrors += context.errorCount - before
            }
        }
        var api = API(
            name: name ?? Located("", at: kindRange),
            displayName: fields[.displayName].flatMap { context.string($0, atMost: 300) },
            description: fields[.description].flatMap { context.string($0) },
            path: path ?? Located("", at: kindRange),
            backend: backend ?? .url(Located("", at: kindRange)),
            subscriptionRequired: fields[.subscriptionRequired].flatMap { context.bool($0) },
            auth: fields[.auth].flatMap { authSetting($0) },
            rateLimit: fields[.rateLimit].flatMap { limitSetting($0) },
            quota: fields[.quota].flatMap { limitSetting($0) },
            routes: routes,
            tags: tagList(fields[.tags]),
            kindRange: kindRange)
        api.policy = fields[.policy].flatMap { rawPolicy($0) }
        api.leftOutRoutes = leftOutRoutes
        if let versionEntry = fields[.version],
            let versionFields = context.fields(versionEntry.value, APIVersionField.self, named: versionEntry.key, introducedAt: versionEntry.keyRange),
            let set = context.require(versionFields, .set).flatMap({ context.name($0, form: .resource) }),
            let versionName = context.require(versionFields, .name).flatMap({ context.string($0) }).flatMap({
                context.validated(
                    $0, by: Grammar.isVersionName, as: "version", field: "name",
                    rule: "a version is 1 to 64 letters, digits, '.', '-' and '_', such as 'v2' or '2024-05-01'")
            })
        {
            api.version = Version(set: set, name: versionName)
        }
        api.revision = fields[.revision].flatMap { context.integer($0, in: 1...9999) }
        if let entry = fields[.protocols], let items = context.sequence(entry) {
            if items.isEmpty {
                context.diagnostics.report(.invalidValue, "'protocols' must list at least one scheme", at: entry.value.range)
            }
            api.protocols = items.compactMap { context.choice($0, field: entry.key, as: URLScheme.self) }
        }
        api.request = fields[.request].flatMap { requestShaping($0) }
        api.response = fields[.response].flatMap { responseShaping($0) }
        api.ipFilter = fields[.ipFilter].flatMap { ipFilter($0) }
        api.openapi = fields[.openapi].flatMap { openAPIReference($0) }
        api.hasErrors = context.errorCount - errorsBefore > routeErrors
        RouteTable.check(api, into: &context.diagnostics)
        guard name != nil, path != nil, backend != nil else {
            if let name { definitions.undecodedAPINames.insert(name.value) }
            for route in routes { definitions.namesInBrokenParts.formUnion(route.permissions.flatMap { $0.scopes.map(\.value) }) }
            definitions.brokenParts.append(context.extent(of: root))
            return
        }
        if api.hasErrors { definitions.brokenParts.append(context.extent(of: root)) }
        definitions.apis.append(api)
    }

    private mutating func decodeRoute(_ node: YAMLNode) -> Route? {
        let start = node.range.start
        let itemStart = SourceRange.point(node.range.file, line: Int(start.line), column: Int(start.column))
        let errorsBefore = context.errorCount
        guard let fields = context.fields(node, RouteField.self, named: "routes", introducedAt: itemStart) else {
            definitions.brokenParts.append(context.extent(of: node))
            return nil
        }
        let id = context.require(fields, .id) { $0.name($1, form: .operation) }
        let method = context.require(fields, .method) { $0.choice($1, as: HTTPMethod.self) }
        var path: Located<PathTemplate>?
        if let text = context.require(fields, .path, { $0.string($1) }) {
            switch Grammar.pathTemplate(text.value) {
            case .success(let template):
                path = Located(template, at: text.range)
            case .failure(let invalid):
                context.diagnostics.report(
                    .invalidValue, "invalid route path\(MessageText.shown(text.value))", at: text.range,
                    notes: [Diagnostic.Note(invalid.reason, at: text.range)])
            }
        }
        var route = Route(
            id: id ?? Located("", at: itemStart),
            method: method ?? Located(.GET, at: itemStart),
            path: path ?? Located(PathTemplate(text: "", parameters: []), at: itemStart),
            summary: fields.read(.summary) { context.string($0) },
            scopes: fields.read(.scopes) { scopeRequirement($0) },
            appRoles: fields.read(.appRoles) { scopeRequirement($0) },
            cache: fields.read(.cache) { cache($0) },
            rateLimit: fields.read(.rateLimit) { limitSetting($0) },
            quota: fields.read(.quota) { limitSetting($0) },
            auth: fields.read(.auth) { authSetting($0) },
            publicReason: fields.read(.public) { context.string($0) },
            shaping: routeShaping(fields, routePath: path?.value),
            itemStart: itemStart,
            extent: context.extent(of: node))
        route.policy = fields.read(.policy) { rawPolicy($0) }
        route.backend = fields.read(.backend) { backendReference($0) }
        route.hasErrors = context.errorCount > errorsBefore
        if route.hasErrors {
            definitions.namesInBrokenParts.formUnion(node.scalarTexts)
            definitions.brokenParts.append(context.extent(of: node))
        }
        guard id != nil, method != nil, path != nil else { return nil }
        return route
    }

    /// `[a, b]` (any of them) or `{any: [...]}` / `{all: [...]}`.
    private mutating func scopeRequirement(_ entry: YAMLEntry) -> ScopeRequirement? {
        let listEntry: YAMLEntry
        let match: ScopeMatch
        switch entry.value.content {
        case .sequence:
            listEntry = entry
            match = .any
        case .mapping(let entries):
            guard let fields = context.fields(entry.value, ScopeSetField.self, named: entry.key, introducedAt: entry.keyRange)
            else { return nil }
            switch (fields[.any], fields[.all]) {
            case (let any?, nil):
                (listEntry, match) = (any, .any)
            case (nil, let all?):
                (listEntry, match) = (all, .all)
            default:
                let message =
                    entries.isEmpty || (fields[.any] == nil && fields[.all] == nil)
                    ? "'\(entry.key)' needs one of 'any' or 'all'" : "'\(entry.key)' takes one of 'any' or 'all', not both"
                context.diagnostics.report(.invalidValue, message, at: entry.value.range)
                return nil
            }
        default:
            context.mismatch(entry.value, expected: "a list or a mapping with 'any' or 'all'", field: entry.key)
            return nil
        }
        guard let items = context.sequence(listEntry) else { return nil }
        var scopes: [Located<String>] = []
        scopes.reserveCapacity(items.count)
        for item in items {
            guard let scope = context.scopeName(item, field: entry.key) else { continue }
            scopes.append(scope)
        }
        guard scopes.count == items.count else { return nil }
        return ScopeRequirement(match: match, scopes: scopes, range: entry.value.range)
    }

    private mutating func cache(_ entry: YAMLEntry) -> Cache? {
        guard let fields = context.fields(entry.value, CacheField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        let ttl = context.require(fields, .ttl) { $0.duration($1) }
        let sharing = fields.read(.sharing) { context.choice($0, as: CacheSharing.self) }
        var query: [Located<String>] = []
        var headers: [Located<String>] = []
        if let varyEntry = fields[.varyBy],
            let varyFields = context.fields(varyEntry.value, VaryByField.self, named: varyEntry.key, introducedAt: varyEntry.keyRange)
        {
            query = tokens(varyFields[.query], what: "query parameter")
            headers = tokens(varyFields[.headers], what: "header name")
        }
        guard let ttl else { return nil }
        return Cache(ttl: ttl, sharing: sharing, varyByQuery: query, varyByHeaders: headers, keyRange: entry.keyRange)
    }

    /// A list of header or query parameter names.
    private mutating func tokens(_ entry: YAMLEntry?, what: String) -> [Located<String>] {
        guard let entry, let items = context.sequence(entry) else { return [] }
        var tokens: [Located<String>] = []
        tokens.reserveCapacity(items.count)
        for item in items {
            guard let text = context.string(item, field: entry.key),
                let token = context.validated(text, by: Grammar.isToken, as: what, field: entry.key)
            else { continue }
            tokens.append(token)
        }
        return tokens
    }

    /// `none` or an identity provider's name.
    mutating func authSetting(_ entry: YAMLEntry) -> Located<AuthSetting>? {
        guard let text = context.name(entry) else { return nil }
        return Located(text.value == "none" ? .none : .provider(text.value), at: text.range)
    }

    /// `{calls, per, key}`, or `none` to switch off what the level inherits; every level
    /// that takes a rate limit or quota allows both.
    mutating func limitSetting(_ entry: YAMLEntry) -> LimitSetting? {
        if let scalar = entry.value.scalar, scalar.text == "none" {
            return .none(entry.value.range)
        }
        guard case .mapping = entry.value.content else {
            context.mismatch(entry.value, expected: "a mapping or 'none'", field: entry.key)
            return nil
        }
        return limit(entry).map { .limit($0) }
    }

    /// `{calls, per, key}`. Windows are read as any positive duration; rule RL002 checks
    /// them against APIM's ranges.
    mutating func limit(_ entry: YAMLEntry) -> Limit? {
        guard let fields = context.fields(entry.value, LimitField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        let calls = context.require(fields, .calls) { $0.integer($1, in: 1...Int(Int32.max)) }
        let per = context.require(fields, .per) { $0.duration($1) }
        let key = fields.read(.key) { limitKey($0) }
        guard let calls, let per, !fields.sets(.key) || key != nil else { return nil }
        return Limit(calls: calls, per: per, key: key, range: entry.value.range)
    }

    private mutating func limitKey(_ entry: YAMLEntry) -> Located<LimitKey>? {
        guard let text = context.string(entry) else { return nil }
        let value = text.value
        let key: LimitKey?
        switch value {
        case "subscription": key = .subscription
        case "ip": key = .ip
        case "user": key = .user
        case "client": key = .client
        default:
            if value.hasPrefix("header:"), Grammar.isToken(String(value.dropFirst(7))) {
                key = .header(String(value.dropFirst(7)))
            } else if value.hasPrefix("claim:"), Grammar.isToken(String(value.dropFirst(6))) {
                key = .claim(String(value.dropFirst(6)))
            } else {
                key = nil
            }
        }
        guard let key else {
            context.diagnostics.report(
                .invalidValue, "invalid limit key\(MessageText.shown(value))", at: text.range,
                notes: [
                    Diagnostic.Note(
                        "a key is 'subscription', 'ip', 'user', 'client', 'header:NAME' or 'claim:NAME'", at: text.range)
                ])
            return nil
        }
        return Located(key, at: text.range)
    }
}
