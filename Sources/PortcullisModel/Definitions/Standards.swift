import PortcullisDiagnostics

/// What rules judge a project by, rather than what it deploys: the gateway's guardrails,
/// each scope's access, each identity provider's token lifetime and the tier. A change that
/// loosens them silences findings as a `portcullis:ignore` comment would, so `diff` judges
/// HEAD by BASE's as well (``Gateway/impose(_:)``).
public struct Standards: Sendable, Equatable {
    public struct Rate: Sendable, Equatable {
        public var calls: Int
        public var per: Int
    }

    public var maxSharedCacheTtl: Int
    public var maxPerUserCacheTtl: Int
    public var maxTokenCacheTtl: Int
    public var requireRateLimit: Bool
    public var maxRateLimit: Rate?
    /// Each declared scope's access, by name.
    public var access: [String: AccessLevel]
    /// Each identity provider's token lifetime in seconds, by name.
    public var tokenLifetimes: [String: Int]
    public var sku: ServiceTier

    /// The gateway's standards, values left out taking the language's defaults; nil without
    /// a gateway or with guardrails that had errors, which no rule judges by.
    public init?(_ gateway: Gateway?) {
        guard let gateway else { return nil }
        let guardrails: Guardrails
        switch gateway.guardrails {
        case .absent: guardrails = Guardrails()
        case .present(let written): guardrails = written
        case .broken: return nil
        }
        maxSharedCacheTtl = guardrails.effectiveMaxSharedCacheTtl
        maxPerUserCacheTtl = guardrails.effectiveMaxPerUserCacheTtl
        maxTokenCacheTtl = guardrails.effectiveMaxTokenCacheTtl
        requireRateLimit = guardrails.effectiveRequireRateLimit
        maxRateLimit = guardrails.maxRateLimit.map { Rate(calls: $0.calls.value, per: $0.per.value) }
        access = Dictionary(gateway.scopes.map { ($0.name.value, $0.access.value) }) { first, _ in first }
        tokenLifetimes = Dictionary(gateway.identityProviders.map { ($0.name.value, $0.effectiveTokenLifetime) }) { first, _ in first }
        sku = gateway.effectiveSku
    }

    /// These standards for what `own` declares: a scope or provider these lack keeps its
    /// own, as nothing else says what a new one is.
    public func over(_ own: Standards) -> Standards {
        var laid = self
        laid.access = own.access.merging(access.filter { own.access[$0.key] != nil }) { _, imposed in imposed }
        laid.tokenLifetimes = own.tokenLifetimes.merging(tokenLifetimes.filter { own.tokenLifetimes[$0.key] != nil }) { _, imposed in imposed }
        return laid
    }
}

extension Gateway {
    /// The gateway judged by `standards` instead of its own. Each value is placed where the
    /// gateway writes its own, or at its `kind`, so every finding and note points into the
    /// files read. Guardrails with errors stay so: rules judge no route by them.
    public mutating func impose(_ standards: Standards) {
        let gatewayRange = kindRange
        func placed<Value>(_ value: Value, _ own: Located<Value>?) -> Located<Value> { Located(value, at: own?.range ?? gatewayRange) }
        if guardrails.brokenRange == nil {
            let own: Guardrails
            if case .present(let written) = guardrails { own = written } else { own = Guardrails() }
            var laid = Guardrails()
            laid.maxSharedCacheTtl = placed(standards.maxSharedCacheTtl, own.maxSharedCacheTtl)
            laid.maxPerUserCacheTtl = placed(standards.maxPerUserCacheTtl, own.maxPerUserCacheTtl)
            laid.maxTokenCacheTtl = placed(standards.maxTokenCacheTtl, own.maxTokenCacheTtl)
            laid.requireRateLimit = placed(standards.requireRateLimit, own.requireRateLimit)
            laid.maxRateLimit = standards.maxRateLimit.map { rate in
                Guardrails.MaxRate(
                    calls: placed(rate.calls, own.maxRateLimit?.calls), per: placed(rate.per, own.maxRateLimit?.per),
                    range: own.maxRateLimit?.range ?? gatewayRange)
            }
            guardrails = .present(laid)
        }
        for index in scopes.indices {
            if let access = standards.access[scopes[index].name.value] { scopes[index].access.value = access }
        }
        for index in identityProviders.indices {
            let provider = identityProviders[index]
            if let lifetime = standards.tokenLifetimes[provider.name.value] {
                identityProviders[index].tokenLifetime = Located(lifetime, at: provider.tokenLifetime?.range ?? provider.name.range)
            }
        }
        sku = placed(standards.sku, sku)
    }
}
