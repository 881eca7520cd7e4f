import PortcullisDiagnostics
import PortcullisSyntax

extension DocumentDecoder {
    mutating func decodeGateway(_ root: YAMLNode, kindRange: SourceRange) {
        guard let fields = context.fields(root, GatewayField.self, named: "Gateway", introducedAt: kindRange) else { return }
        definitions.gatewayDocuments.append(kindRange)
        let name = context.require(fields, .name).flatMap { context.name($0) }
        let sku = fields[.sku].flatMap { context.choice($0, as: ServiceTier.self) }
        var declared = DeclaredNames()
        // Optional: an estate that uses only subscription keys has no provider to declare.
        let providers = fields[.identityProviders].map { decodeProviders($0, declaring: &declared.providers) } ?? []
        let scopes = fields[.scopes].map { decodeScopes($0, declaring: &declared.scopes) } ?? []
        let namedValues = fields[.namedValues].map { decodeNamedValues($0, declaring: &declared.namedValues) } ?? []
        let secrets = fields[.secrets].map { decodeSecrets($0, declaring: &declared.secrets) } ?? []
        var connectionLiteral: SourceRange?
        let redis = section(fields[.redis]) { decoder, entry in
            let redis = decoder.decodeRedis(entry)
            if case .literal(let range)? = redis?.connection { connectionLiteral = range }
            return redis
        }
        let guardrails = section(fields[.guardrails]) { $0.decodeGuardrails($1) }
        let defaults = section(fields[.defaults]) { $0.decodeDefaults($1) }
        let cors = section(fields[.cors]) { $0.decodeCORS($1) }
        let groups = fields[.groups].map { decodeGroups($0, declaring: &declared.groups) } ?? []
        let versionSets = fields[.versionSets].map { decodeVersionSets($0, declaring: &declared.versionSets) } ?? []
        let tags = fields[.tags].map { decodeTags($0) } ?? []
        guard let name else { return }
        var gateway = Gateway(
            name: name, identityProviders: providers, scopes: scopes, namedValues: namedValues,
            secrets: secrets, redis: redis, guardrails: guardrails, defaults: defaults, cors: cors,
            declared: declared, kindRange: kindRange)
        gateway.sku = sku
        gateway.policy = fields[.policy].flatMap { rawPolicy($0) }
        gateway.groups = groups
        gateway.versionSets = versionSets
        gateway.tags = tags
        if case .broken = redis, let connectionLiteral { gateway.secretsInBrokenSections.append(connectionLiteral) }
        definitions.gateways.append(gateway)
    }

    /// A section read with errors is `.broken`, whatever part of it was read.
    private mutating func section<Value>(
        _ entry: YAMLEntry?, _ decode: (inout DocumentDecoder, YAMLEntry) -> Value?
    ) -> Section<Value> {
        guard let entry else { return .absent }
        let before = context.errorCount
        let value = decode(&self, entry)
        guard let value, context.errorCount == before else {
            return .broken(SourceRange(file: entry.keyRange.file, start: entry.keyRange.start, end: context.extent(of: entry.value).end))
        }
        return .present(value)
    }

    /// The providers read, each marked when it had errors; every name written is declared,
    /// so references to a broken provider are not reported as unknown too.
    private mutating func decodeProviders(_ entry: YAMLEntry, declaring names: inout Set<String>) -> [IdentityProvider] {
        guard let entries = context.namedEntries(entry) else { return [] }
        var providers: [IdentityProvider] = []
        for item in entries {
            guard let providerName = context.keyName(item, of: "identityProviders") else { continue }
            names.insert(providerName.value)
            let before = context.errorCount
            let provider = decodeProvider(item, name: providerName)
            let hasErrors = context.errorCount > before
            if hasErrors {
                definitions.brokenParts.append(
                    SourceRange(file: item.keyRange.file, start: item.keyRange.start, end: context.extent(of: item.value).end))
            }
            if var provider {
                provider.hasErrors = hasErrors
                providers.append(provider)
            }
        }
        return providers
    }

    private mutating func decodeScopes(_ entry: YAMLEntry, declaring names: inout Set<String>) -> [ScopeDeclaration] {
        guard let entries = context.namedEntries(entry) else { return [] }
        var scopes: [ScopeDeclaration] = []
        for item in entries {
            guard let scopeName = context.checkScopeName(Located(item.key, at: item.keyRange), field: "scopes")
            else { continue }
            names.insert(scopeName.value)
            if let scope = decodeScope(item, name: scopeName) { scopes.append(scope) }
        }
        return scopes
    }

    private mutating func decodeNamedValues(_ entry: YAMLEntry, declaring names: inout Set<String>) -> [NamedValue] {
        guard let entries = context.namedEntries(entry) else { return [] }
        var namedValues: [NamedValue] = []
        for item in entries {
            guard let valueName = context.keyName(item, of: "namedValues", form: .namedValue) else { continue }
            names.insert(valueName.value)
            guard case .mapping = item.value.content else {
                if let value = context.string(item, atMost: NamedValue.maximumLength) {
                    context.checkNamedValue(value, name: valueName.value)
                    namedValues.append(NamedValue(name: valueName, value: value))
                }
                continue
            }
            guard let fields = context.fields(item.value, NamedValueField.self, named: item.key, introducedAt: item.keyRange),
                let value = context.require(fields, .value).flatMap({ context.string($0, atMost: NamedValue.maximumLength) })
            else { continue }
            context.checkNamedValue(value, name: valueName.value)
            namedValues.append(
                NamedValue(
                    name: valueName, value: value, displayName: fields[.displayName].flatMap { namedValueDisplayName($0, of: valueName) },
                    tags: tagList(fields[.tags])))
        }
        return namedValues
    }

    /// APIM's rule for a named value's display name, which must be its name: APIM finds
    /// the named value a policy's `{{...}}` refers to by its display name, while Portcullis
    /// resolves, checks and compares references by name. A display name of its own would
    /// let a pull request give another named value the name policies refer to.
    mutating func namedValueDisplayName(_ entry: YAMLEntry, of name: Located<String>) -> Located<String>? {
        guard let displayName = context.string(entry).flatMap({
            context.validated(
                $0, by: Grammar.isNamedValueDisplayName, as: "display name", field: entry.key,
                rule: "APIM takes 1 to 256 letters, digits, '-', '.' and '_' in a named value's display name")
        })
        else { return nil }
        guard displayName.value == name.value else {
            context.diagnostics.report(
                .invalidValue,
                "display name '\(displayName.value)' of '\(name.value)' differs from its name, but APIM finds the named value a policy's '{{...}}' refers to by its display name",
                at: displayName.range,
                notes: [Diagnostic.Note("remove 'displayName', or write '\(name.value)'", at: displayName.range)])
            return nil
        }
        return displayName
    }

    private mutating func decodeVersionSets(_ entry: YAMLEntry, declaring names: inout Set<String>) -> [VersionSet] {
        guard let entries = context.namedEntries(entry) else { return [] }
        var sets: [VersionSet] = []
        for item in entries {
            guard let setName = context.keyName(item, of: "versionSets", form: .resource) else { continue }
            names.insert(setName.value)
            guard let fields = context.fields(item.value, VersionSetField.self, named: item.key, introducedAt: item.keyRange),
                let scheme = context.require(fields, .scheme).flatMap({ context.choice($0, as: VersionSet.Scheme.self) })
            else { continue }
            let parameter = fields[.parameter].flatMap { context.string($0) }.flatMap {
                context.validated($0, by: Grammar.isToken, as: "parameter name", field: "parameter")
            }
            switch (scheme.value, fields[.parameter]) {
            case (.segment, let written?):
                context.diagnostics.report(
                    .invalidValue, "version set '\(setName.value)' puts the version in the path, so it has no 'parameter'",
                    at: written.keyRange, notes: [Diagnostic.Note("remove 'parameter', or use scheme 'query' or 'header'", at: written.keyRange)])
                continue
            case (.query, nil), (.header, nil):
                context.diagnostics.report(
                    .missingField, "missing required field 'parameter' in version set '\(setName.value)'", at: setName.range,
                    notes: [Diagnostic.Note("name the query parameter or header that carries the version", at: setName.range)])
                continue
            default: break
            }
            guard fields[.parameter] == nil || parameter != nil else { continue }
            sets.append(
                VersionSet(
                    name: setName, displayName: fields[.displayName].flatMap { context.string($0, atMost: 100) },
                    description: fields[.description].flatMap { context.string($0) }, scheme: scheme, parameter: parameter))
        }
        return sets
    }

    /// `tags: {NAME: {displayName}}`: what APIM shows for a tag the APIs and products name.
    private mutating func decodeTags(_ entry: YAMLEntry) -> [Tag] {
        guard let entries = context.namedEntries(entry) else { return [] }
        return entries.compactMap { item in
            guard let tagName = context.keyName(item, of: "tags", form: .resource),
                let fields = context.fields(item.value, TagField.self, named: item.key, introducedAt: item.keyRange)
            else { return nil }
            return Tag(name: tagName, displayName: fields[.displayName].flatMap { context.string($0, atMost: 160) })
        }
    }

    private mutating func decodeGroups(_ entry: YAMLEntry, declaring names: inout Set<String>) -> [Group] {
        guard let entries = context.namedEntries(entry) else { return [] }
        var groups: [Group] = []
        for item in entries {
            guard let groupName = context.keyName(item, of: "groups", form: .resource) else { continue }
            names.insert(groupName.value)
            if Group.isBuiltIn(groupName.value) {
                context.diagnostics.report(
                    .invalidValue, "'\(groupName.value)' is one of APIM's built-in groups", at: groupName.range,
                    notes: [Diagnostic.Note("products name built-in groups without declaring them; remove this entry", at: groupName.range)])
                continue
            }
            guard let fields = context.fields(item.value, GroupField.self, named: item.key, introducedAt: item.keyRange) else { continue }
            groups.append(
                Group(
                    name: groupName, displayName: fields[.displayName].flatMap { context.string($0, atMost: 300) },
                    description: fields[.description].flatMap { context.string($0) }))
        }
        return groups
    }

    /// Secrets are read in secret position: no message quotes what they hold.
    private mutating func decodeSecrets(_ entry: YAMLEntry, declaring names: inout Set<String>) -> [SecretDeclaration] {
        guard let entries = context.namedEntries(entry) else { return [] }
        var secrets: [SecretDeclaration] = []
        for item in entries {
            readingSecret([item.value.range]) { decoder in
                guard let secretName = decoder.context.keyName(item, of: "secrets", form: .namedValue) else {
                    decoder.context.unreadSecrets.append(item.keyRange)
                    return
                }
                names.insert(secretName.value)
                if let secret = decoder.decodeSecretDeclaration(item, name: secretName) { secrets.append(secret) }
            }
        }
        return secrets
    }

    private mutating func decodeProvider(_ entry: YAMLEntry, name: Located<String>) -> IdentityProvider? {
        guard case .mapping(let entries) = entry.value.content else {
            context.mismatch(entry.value, expected: "a mapping", field: name.value)
            return nil
        }
        guard let typeEntry = entries.first(where: { $0.key == "type" }) else {
            context.diagnostics.report(
                .missingField, "missing required field 'type' in identity provider '\(name.value)'", at: name.range,
                notes: [Diagnostic.Note("a provider's type is 'jwt' or 'introspection'", at: name.range)])
            return nil
        }
        guard let type = context.choice(typeEntry, as: ProviderType.self) else { return nil }
        switch type.value {
        case .jwt:
            guard let fields = context.fields(entry.value, JWTProviderField.self, named: name.value, introducedAt: name.range)
            else { return nil }
            let issuer = context.require(fields, .issuer).flatMap { context.url($0, templates: true) }
            let openidConfig = context.require(fields, .openidConfig).flatMap { context.url($0, templates: true) }
            let audiences = context.require(fields, .audiences).flatMap { audienceList($0) }
            let scopeClaim = fields[.scopeClaim].flatMap { claimName($0) }
            let roleClaim = fields[.roleClaim].flatMap { claimName($0) }
            let lifetime = fields[.tokenLifetime].flatMap { context.duration($0) }
            guard let issuer, let openidConfig, let audiences else { return nil }
            return IdentityProvider(
                name: name,
                details: .jwt(.init(issuer: issuer, openidConfig: openidConfig, audiences: audiences)),
                scopeClaim: scopeClaim, roleClaim: roleClaim, tokenLifetime: lifetime)
        case .introspection:
            guard
                let fields = context.fields(
                    entry.value, IntrospectionProviderField.self, named: name.value, introducedAt: name.range)
            else { return nil }
            let endpoint = context.require(fields, .endpoint).flatMap { context.url($0, templates: true) }
            let clientId = context.require(fields, .clientId).flatMap { context.string($0, templates: true) }
            let clientSecret = context.require(fields, .clientSecret).flatMap { secretValue($0) }
            let cacheTtl = fields[.cacheTtl].flatMap { context.duration($0) }
            let audiences = fields[.audiences].flatMap { audienceList($0) }
            let scopeClaim = fields[.scopeClaim].flatMap { claimName($0) }
            let roleClaim = fields[.roleClaim].flatMap { claimName($0) }
            let lifetime = fields[.tokenLifetime].flatMap { context.duration($0) }
            guard let endpoint, let clientId, let clientSecret else { return nil }
            return IdentityProvider(
                name: name,
                details: .introspection(
                    .init(endpoint: endpoint, clientId: clientId, clientSecret: clientSecret, cacheTtl: cacheTtl, audiences: audiences)),
                scopeClaim: scopeClaim, roleClaim: roleClaim, tokenLifetime: lifetime)
        }
    }

    /// A non-empty list of audiences; nil after reporting an empty or malformed one.
    private mutating func audienceList(_ entry: YAMLEntry) -> [Located<String>]? {
        guard let items = context.sequence(entry) else { return nil }
        guard !items.isEmpty else {
            context.diagnostics.report(.invalidValue, "'audiences' must list at least one audience", at: entry.value.range)
            return nil
        }
        let audiences = items.compactMap { context.string($0, field: "audiences", templates: true) }
        return audiences.count == items.count ? audiences : nil
    }

    /// A token claim's name, which policies use verbatim in `required-claims`.
    mutating func claimName(_ entry: YAMLEntry) -> Located<String>? {
        context.string(entry).flatMap { context.validated($0, by: Grammar.isToken, as: "claim name", field: entry.key) }
    }

    /// `{secret: NAME}`; a plain string is kept as a literal (by location only) for SE001.
    mutating func secretValue(_ entry: YAMLEntry) -> SecretValue? {
        readingSecret([entry.value.range]) { $0.readSecretValue(entry) }
    }

    private mutating func readSecretValue(_ entry: YAMLEntry) -> SecretValue? {
        switch entry.value.content {
        case .scalar where !entry.value.isNull:
            return .literal(entry.value.range)
        case .mapping:
            guard
                let fields = context.fields(entry.value, SecretReferenceField.self, named: entry.key, introducedAt: entry.keyRange),
                let reference = context.require(fields, .secret),
                let text = context.string(reference),
                let name = context.checkName(text, field: reference.key, form: .namedValue)
            else { return nil }
            return .reference(name)
        default:
            context.mismatch(entry.value, expected: "a secret reference '{secret: NAME}'", field: entry.key)
            return nil
        }
    }

    private mutating func decodeScope(_ entry: YAMLEntry, name: Located<String>) -> ScopeDeclaration? {
        guard let fields = context.fields(entry.value, ScopeDeclarationField.self, named: name.value, introducedAt: name.range),
            let access = context.require(fields, .access).flatMap({ context.choice($0, as: AccessLevel.self) })
        else { return nil }
        return ScopeDeclaration(name: name, access: access, description: fields[.description].flatMap { context.string($0) })
    }

    private mutating func decodeSecretDeclaration(_ entry: YAMLEntry, name: Located<String>) -> SecretDeclaration? {
        guard let fields = context.fields(entry.value, SecretDeclarationField.self, named: name.value, introducedAt: name.range)
        else { return nil }
        let displayName = fields[.displayName].flatMap { namedValueDisplayName($0, of: name) }
        let tags = tagList(fields[.tags])
        switch (fields[.keyVault], fields[.value]) {
        case (let keyVault?, nil):
            return context.keyVaultSecret(keyVault).map {
                SecretDeclaration(name: name, source: .keyVault($0), displayName: displayName, tags: tags)
            }
        case (nil, let value?):
            return SecretDeclaration(name: name, source: .literal(value.value.range))
        case (.some, .some):
            context.diagnostics.report(
                .invalidValue, "secret '\(name.value)' has both 'keyVault' and 'value'", at: name.range,
                notes: [Diagnostic.Note("keep only 'keyVault', the Key Vault secret's URI", at: name.range)])
            return nil
        case (nil, nil):
            context.diagnostics.report(.missingField, "missing required field 'keyVault' in secret '\(name.value)'", at: name.range)
            return nil
        }
    }

    mutating func decodeRedis(_ entry: YAMLEntry) -> Redis? {
        guard let fields = context.fields(entry.value, RedisField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        let connection = context.require(fields, .connection).flatMap { secretValue($0) }
        let keyPrefix = fields[.keyPrefix].flatMap { context.string($0) }.flatMap {
            context.validated(
                $0, by: Grammar.isKeyPrefix, as: "Redis key prefix", field: "keyPrefix",
                rule: "a key prefix is up to 64 letters, digits and '.', '_', ':', '-'")
        }
        var databases = Redis.Databases()
        if let databasesEntry = fields[.databases],
            let databaseFields = context.fields(
                databasesEntry.value, RedisDatabasesField.self, named: databasesEntry.key, introducedAt: databasesEntry.keyRange)
        {
            // Any number is read; rule RD004 explains the 0..15 range.
            let bounds = Int(Int32.min)...Int(Int32.max)
            databases.auth = databaseFields[.auth].flatMap { context.integer($0, in: bounds) }
            databases.rateLimit = databaseFields[.rateLimit].flatMap { context.integer($0, in: bounds) }
            databases.responses = databaseFields[.responses].flatMap { context.integer($0, in: bounds) }
        }
        let tls = fields[.tls].flatMap { context.bool($0) }
        let publicAccess = fields[.publicNetworkAccess].flatMap { context.bool($0) }
        guard let connection else { return nil }
        return Redis(
            connection: connection, tls: tls, publicNetworkAccess: publicAccess, keyPrefix: keyPrefix,
            databases: databases, keyRange: entry.keyRange)
    }

    mutating func decodeGuardrails(_ entry: YAMLEntry) -> Guardrails {
        var guardrails = Guardrails()
        guard let fields = context.fields(entry.value, GuardrailsField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return guardrails }
        if let cacheEntry = fields[.maxCacheTtl],
            let cacheFields = context.fields(cacheEntry.value, MaxCacheTtlField.self, named: cacheEntry.key, introducedAt: cacheEntry.keyRange)
        {
            guardrails.maxSharedCacheTtl = cacheFields[.shared].flatMap { context.duration($0) }
            guardrails.maxPerUserCacheTtl = cacheFields[.perUser].flatMap { context.duration($0) }
        }
        guardrails.maxTokenCacheTtl = fields[.maxTokenCacheTtl].flatMap { context.duration($0) }
        guardrails.requireRateLimit = fields[.requireRateLimit].flatMap { context.bool($0) }
        if let rateEntry = fields[.maxRateLimit],
            let rateFields = context.fields(rateEntry.value, MaxRateLimitField.self, named: rateEntry.key, introducedAt: rateEntry.keyRange)
        {
            let calls = context.require(rateFields, .calls).flatMap { context.integer($0, in: 1...Int(Int32.max)) }
            let per = context.require(rateFields, .per).flatMap { context.duration($0) }
            if let calls, let per {
                guardrails.maxRateLimit = Guardrails.MaxRate(calls: calls, per: per, range: rateEntry.value.range)
            }
        }
        return guardrails
    }

    mutating func decodeDefaults(_ entry: YAMLEntry) -> Defaults {
        var defaults = Defaults()
        guard let fields = context.fields(entry.value, DefaultsField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return defaults }
        defaults.auth = fields[.auth].flatMap { authSetting($0) }
        defaults.rateLimit = fields[.rateLimit].flatMap { limitSetting($0) }
        return defaults
    }

    mutating func decodeCORS(_ entry: YAMLEntry) -> CORS? {
        guard let fields = context.fields(entry.value, CORSField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        func require(_ field: CORSField, _ fix: String) {
            guard fields[field] == nil else { return }
            context.diagnostics.report(
                .missingField, "missing required field '\(field.rawValue)' in \(CORSField.noun)", at: entry.keyRange,
                notes: [Diagnostic.Note(fix, at: entry.keyRange)])
        }
        // APIM's policy needs both lists; no list of headers is right for every API.
        require(.allowedOrigins, "list the origins whose pages may call the APIs, such as 'https://app.example.com'")
        require(.allowedHeaders, "list the request headers browsers may send, such as 'Authorization' and 'Content-Type'")
        /// A list that, when written, has at least one entry: APIM refuses empty ones.
        func list(_ field: CORSField, check: (String) -> Bool, what: String) -> [Located<String>] {
            guard let listEntry = fields[field], let items = context.sequence(listEntry) else { return [] }
            if items.isEmpty {
                context.diagnostics.report(
                    .invalidValue, "'\(field.rawValue)' must list at least one entry", at: listEntry.value.range,
                    notes: [Diagnostic.Note("list the entries, or leave '\(field.rawValue)' out", at: listEntry.value.range)])
            }
            return items.compactMap { item in
                context.string(item, field: field.rawValue).flatMap {
                    context.validated($0, by: check, as: what, field: field.rawValue)
                }
            }
        }
        let origins = list(.allowedOrigins, check: { $0 == CORS.anyOrigin || Grammar.isOrigin($0) }, what: "origin")
        let methods = list(.allowedMethods, check: { $0 == "*" || Grammar.isToken($0) }, what: "method")
        let headers = list(.allowedHeaders, check: { $0 == "*" || Grammar.isToken($0) }, what: "header name")
        let exposed = list(.exposeHeaders, check: { $0 == "*" || Grammar.isToken($0) }, what: "header name")
        let anyOrigin = origins.first { $0.value == CORS.anyOrigin }
        if let anyOrigin, origins.count > 1 {
            context.diagnostics.report(
                .invalidValue, "'\(CORS.anyOrigin)' must be the only entry of 'allowedOrigins'", at: anyOrigin.range,
                notes: [Diagnostic.Note("APIM takes either '\(CORS.anyOrigin)' alone or a list of origins", at: anyOrigin.range)])
        }
        let credentials = fields[.allowCredentials].flatMap { context.bool($0) }
        if let credentials, credentials.value, let anyOrigin {
            context.diagnostics.report(
                .invalidValue, "'allowCredentials' cannot be true while 'allowedOrigins' allows any origin ('\(CORS.anyOrigin)')",
                at: credentials.range,
                notes: [
                    Diagnostic.Note(
                        "browsers refuse credentialed responses to any origin; list the origins that may send credentials",
                        at: anyOrigin.range)
                ])
        }
        let maxAge = fields[.preflightMaxAge].flatMap { context.duration($0) }
        if let maxAge, fields[.allowedMethods] == nil {
            context.diagnostics.report(
                .invalidValue, "'preflightMaxAge' needs 'allowedMethods', which APIM sets it on", at: maxAge.range,
                notes: [Diagnostic.Note("list the methods browsers may use, such as [GET, POST], APIM's default", at: maxAge.range)])
        }
        return CORS(
            allowedOrigins: origins, allowedMethods: methods, allowedHeaders: headers, exposeHeaders: exposed,
            allowCredentials: credentials, preflightMaxAge: maxAge, keyRange: entry.keyRange)
    }
}
