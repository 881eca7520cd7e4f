import PortcullisDiagnostics
import PortcullisSyntax

extension DocumentDecoder {
    /// APIM balances a pool over at most this many backends.
    static let poolMembers = 1...30
    /// Pool priorities and weights as APIM accepts them.
    static let poolPriorities = 0...100
    static let poolWeights = 1...100
    /// Failures that trip a breaker, and the longest window and trip: a breaker that
    /// stays open for days is an outage, not a protection.
    static let breakerFailures = 1...10_000
    static let breakerLongest = 86_400

    mutating func decodeBackend(_ root: YAMLNode, kindRange: SourceRange) {
        let errorsBefore = context.errorCount
        guard let fields = context.fields(root, BackendField.self, named: "Backend", introducedAt: kindRange) else { return }
        let name = context.require(fields, .name).flatMap { context.name($0, form: .resource) }
        let description = fields[.description].flatMap { context.string($0, atMost: 2000) }
        var target: Backend.Target?
        switch (fields[.url], fields[.pool]) {
        case (let url?, nil):
            let service = Backend.Service(
                url: context.url(url, templates: true) ?? Located("", at: url.value.range),
                credentials: fields[.credentials].flatMap { backendCredentials($0) },
                tls: fields[.tls].flatMap { backendTLS($0) },
                circuitBreaker: fields[.circuitBreaker].flatMap { circuitBreaker($0) })
            target = .service(service)
        case (nil, let pool?):
            for field in [BackendField.credentials, .tls, .circuitBreaker] {
                guard let entry = fields[field] else { continue }
                context.diagnostics.report(
                    .invalidValue, "a pool has no '\(field.rawValue)'", at: entry.keyRange,
                    notes: [Diagnostic.Note("write it on each member backend, which is what APIM calls", at: entry.keyRange)])
            }
            target = poolMembers(pool).map { .pool($0) }
        case (let url?, .some):
            context.diagnostics.report(
                .invalidValue, "a backend has a 'url' or a 'pool', not both", at: url.keyRange,
                notes: [Diagnostic.Note("a pool's members each have their own 'url'", at: url.keyRange)])
        case (nil, nil):
            context.diagnostics.report(
                .missingField, "missing required field 'url' in a Backend", at: kindRange,
                notes: [Diagnostic.Note("a backend is one service ('url') or a load-balanced 'pool' of backends", at: kindRange)])
        }
        let hasErrors = context.errorCount > errorsBefore
        guard let name else { return }
        if hasErrors {
            // References to it are not reported as unknown: it was declared, with errors.
            definitions.undecodedBackendNames.insert(name.value)
            definitions.brokenParts.append(context.extent(of: root))
            return
        }
        guard let target else { return }
        definitions.backends.append(Backend(name: name, description: description, target: target, kindRange: kindRange))
    }

    /// Where an API sends requests: a backend's name, or (as in the first version of the
    /// language) a URL.
    mutating func backendReference(_ entry: YAMLEntry) -> BackendReference? {
        if let text = entry.value.scalar?.text, Grammar.isResourceName(text) {
            return context.name(entry, form: .resource).map(BackendReference.named)
        }
        return context.url(entry, templates: true).map(BackendReference.url)
    }

    private mutating func backendCredentials(_ entry: YAMLEntry) -> Backend.Credentials? {
        guard let fields = context.fields(entry.value, BackendCredentialsField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        var identity: Backend.ManagedIdentity?
        if let identityEntry = fields[.managedIdentity],
            let identityFields = context.fields(
                identityEntry.value, ManagedIdentityField.self, named: identityEntry.key, introducedAt: identityEntry.keyRange),
            let resource = context.require(identityFields, .resource).flatMap({ context.string($0, templates: true) })
        {
            identity = Backend.ManagedIdentity(
                resource: resource.value, clientId: identityFields[.clientId].flatMap { context.string($0, templates: true) }?.value,
                range: identityEntry.keyRange)
        }
        var certificate: Located<String>?
        if let certificateEntry = fields[.clientCertificate],
            let certificateFields = context.fields(
                certificateEntry.value, ClientCertificateField.self, named: certificateEntry.key, introducedAt: certificateEntry.keyRange)
        {
            certificate = context.require(certificateFields, .keyVault).flatMap { context.keyVaultSecret($0) }
        }
        return Backend.Credentials(
            managedIdentity: identity, clientCertificate: certificate,
            headers: secretParameters(fields[.headers], what: "header name"),
            query: secretParameters(fields[.query], what: "query parameter"))
    }

    /// `NAME: {secret: SECRET}` entries: what the gateway sends in a header or query parameter.
    private mutating func secretParameters(
        _ entry: YAMLEntry?, what: String
    ) -> [(name: Located<String>, secret: SecretValue)] {
        guard let entry, let items = context.namedEntries(entry) else { return [] }
        return items.compactMap { item in
            guard let name = context.validated(Located(item.key, at: item.keyRange), by: Grammar.isToken, as: what, field: entry.key),
                let secret = secretValue(item)
            else { return nil }
            return (name, secret)
        }
    }

    private mutating func backendTLS(_ entry: YAMLEntry) -> Backend.TLS? {
        guard let fields = context.fields(entry.value, BackendTLSField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        return Backend.TLS(
            validateCertificateChain: fields[.validateCertificateChain].flatMap { context.bool($0) },
            validateCertificateName: fields[.validateCertificateName].flatMap { context.bool($0) })
    }

    private mutating func circuitBreaker(_ entry: YAMLEntry) -> Backend.CircuitBreaker? {
        guard let fields = context.fields(entry.value, CircuitBreakerField.self, named: entry.key, introducedAt: entry.keyRange)
        else { return nil }
        let failures = context.require(fields, .failures).flatMap { context.integer($0, in: Self.breakerFailures) }
        let per = context.require(fields, .per).flatMap { breakerDuration($0) }
        let tripFor = context.require(fields, .tripFor).flatMap { breakerDuration($0) }
        var statusCodes: [Located<ClosedRange<Int>>] = []
        if let codesEntry = fields[.statusCodes], let items = context.sequence(codesEntry) {
            if items.isEmpty {
                context.diagnostics.report(
                    .invalidValue, "'statusCodes' must list at least one status code or range", at: codesEntry.value.range)
            }
            statusCodes = items.compactMap { statusCodeRange($0, field: codesEntry.key) }
        }
        let acceptRetryAfter = fields[.acceptRetryAfter].flatMap { context.bool($0) }
        guard let failures, let per, let tripFor else { return nil }
        return Backend.CircuitBreaker(
            failures: failures, per: per, statusCodes: statusCodes, tripFor: tripFor, acceptRetryAfter: acceptRetryAfter,
            keyRange: entry.keyRange)
    }

    private mutating func breakerDuration(_ entry: YAMLEntry) -> Located<Int>? {
        guard let seconds = context.duration(entry) else { return nil }
        guard seconds.value <= Self.breakerLongest else {
            context.diagnostics.report(
                .invalidValue,
                "'\(entry.key)' must be at most \(Self.breakerLongest) seconds (1 day), found \(seconds.value)", at: seconds.range)
            return nil
        }
        return seconds
    }

    /// `500` or `500-599`, within the HTTP status codes.
    private mutating func statusCodeRange(_ node: YAMLNode, field: String) -> Located<ClosedRange<Int>>? {
        guard let text = context.string(node, field: field) else { return nil }
        let bounds = text.value.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        let range: ClosedRange<Int>? =
            switch bounds.count {
            case 1: bounds[0].map { $0...$0 }
            case 2: bounds[0].flatMap { low in bounds[1].flatMap { high in low <= high ? low...high : nil } }
            default: nil
            }
        guard let range, range.lowerBound >= 100, range.upperBound <= 599 else {
            context.diagnostics.report(
                .invalidValue, "invalid status code range\(MessageText.shown(text.value)) for '\(field)'", at: text.range,
                notes: [Diagnostic.Note("write a status code such as '429' or a range such as '500-599', within 100-599", at: text.range)])
            return nil
        }
        return Located(range, at: text.range)
    }

    private mutating func poolMembers(_ entry: YAMLEntry) -> [Backend.PoolMember]? {
        guard let items = context.sequence(entry) else { return nil }
        guard Self.poolMembers.contains(items.count) else {
            context.diagnostics.report(
                .invalidValue,
                "'pool' must list between \(Self.poolMembers.lowerBound) and \(Self.poolMembers.upperBound) backends, found \(items.count)",
                at: entry.value.range)
            return nil
        }
        let members = items.compactMap { item -> Backend.PoolMember? in
            let start = SourceRange.point(item.range.file, line: Int(item.range.start.line), column: Int(item.range.start.column))
            guard let fields = context.fields(item, PoolMemberField.self, named: entry.key, introducedAt: start),
                let backend = context.require(fields, .backend).flatMap({ context.name($0, form: .resource) })
            else { return nil }
            return Backend.PoolMember(
                backend: backend, priority: fields[.priority].flatMap { context.integer($0, in: Self.poolPriorities) },
                weight: fields[.weight].flatMap { context.integer($0, in: Self.poolWeights) })
        }
        return members.count == items.count ? members : nil
    }
}
