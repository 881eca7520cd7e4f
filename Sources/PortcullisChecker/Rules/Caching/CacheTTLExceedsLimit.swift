import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// CA002: a cache TTL beyond the organisation's guardrail.
public enum CacheTTLExceedsLimit: Rule {
    public static let code = DiagnosticCode(
        "CA002", "cache-ttl-exceeds-limit", .error,
        summary: "a cache 'ttl', or a raw 'cache-store', 'cache-store-value' of the answer or semantic cache store's ('llm-semantic-cache-store') duration, above 'guardrails.maxCacheTtl' for its sharing")

    /// The raw stores whose `duration` is a response's time in the cache (a
    /// `cache-store-value`'s where it keeps the answer).
    private static let stores: Set<String> = ["cache-store", "cache-store-value", "llm-semantic-cache-store", "azure-openai-semantic-cache-store"]

    public static let description = RuleDescription(
        code,
        rationale: """
            The longer a response is cached, the longer clients see stale data and the longer a \
            wrong response keeps being served after a fix. The gateway's guardrails set how long \
            the organisation accepts, separately for shared and per-user caches.
            """,
        fix: "Lower the 'ttl', or raise the guardrail in the gateway if the organisation agrees.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: ↓10m}
                """),
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    policy: |
                      <policies>
                        <inbound>
                          <base />
                          <cache-lookup vary-by-developer="true" vary-by-developer-groups="false" />
                        </inbound>
                        <outbound>
                          <base />
                          <cache-store duration="↓3600" />
                        </outbound>
                      </policies>
                """),
            // Completions kept for each caller: the per-user limit holds.
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    policy: |
                      <policies>
                        <inbound>
                          <base />
                          <llm-semantic-cache-lookup score-threshold="0.05" embeddings-backend-id="embeddings" embeddings-backend-auth="system-assigned">
                            <vary-by>@(context.Request.Headers.GetValueOrDefault("Authorization", "").AsJwt()?.Subject)</vary-by>
                          </llm-semantic-cache-lookup>
                        </inbound>
                        <outbound>
                          <base />
                          <llm-semantic-cache-store duration="↓3600" />
                        </outbound>
                      </policies>
                """),
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    cache: {ttl: 5m}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard let guardrails = context.guardrails else { return }
        for route in context.cachingRoutes {
            guard let cache = route.written.cache, let sharing = route.cacheSharing else { continue }
            let (limit, setting, name) =
                sharing == .shared
                ? (guardrails.effectiveMaxSharedCacheTtl, guardrails.maxSharedCacheTtl, "shared")
                : (guardrails.effectiveMaxPerUserCacheTtl, guardrails.maxPerUserCacheTtl, "perUser")
            guard cache.ttl.value > limit else { continue }
            let notes =
                setting.map { [Diagnostic.Note("'guardrails.maxCacheTtl.\(name)' is set here", at: $0.range)] }
                ?? [Diagnostic.Note("the default limit for \(sharing.rawValue) caches is \(DurationText.format(limit))", at: cache.ttl.range)]
            findings.report(
                code,
                "route '\(route.written.id.value)' caches for \(DurationText.format(cache.ttl.value)), longer than the \(sharing.rawValue) limit of \(DurationText.format(limit))",
                at: cache.ttl.range, notes: notes)
        }
        let semanticPartitionsByCaller = SharedCacheOnAuthenticatedRoute.semanticLookupPartitionsByCaller(context)
        // Worked out when a store first keeps a variable: few do.
        var answerVariables: MarkedVariables?
        for scope in context.rawScopes {
            // A store is as shared as the lookups of its document: a semantic cache's as
            // its lookups' 'vary-by's make it (CA001's judgement).
            // A `cache-store-value` of the answer, or of a variable that holds it, is a
            // response cache too (audits V86, V87: 30 days passed), as shared as its key:
            // per caller where the key names the caller or reads the token.
            let stores = scope.elements(named: Self.stores).filter { store in
                guard store.name == "cache-store-value" else { return true }
                guard let value = store.attribute("value")?.value, value.isExpression else { return false }
                let code = value.resolved
                if SharedCacheOnAuthenticatedRoute.readsTheAnswer(code) { return true }
                guard code.mayReadAVariable else { return false }
                let held = answerVariables ?? SharedCacheOnAuthenticatedRoute.variablesHoldingTheAnswer(in: VariableSetters(context.project, values: context.namedValues.byName))
                answerVariables = held
                return ExpressionFlow.sources(of: code, typedReads: true).contains { held.read(by: $0, in: scope.api) }
            }
            guard !stores.isEmpty else { continue }
            let perCaller = scope.elements(named: ["cache-lookup"]).contains { scope.variesByCaller($0, fragments: context.rawEnforcement.fragments) }
            let semanticPerCaller = scope.elements(named: SharedCacheOnAuthenticatedRoute.semanticCacheLookups).contains { semanticPartitionsByCaller($0, scope) }
            for store in stores {
                let ownEntries =
                    switch store.name {
                    case "cache-store": perCaller
                    case "cache-store-value": store.attribute("key").map { Self.keysPerCaller($0.value.resolved) } ?? false
                    default: semanticPerCaller
                    }
                let (limit, name) =
                    ownEntries ? (guardrails.effectiveMaxPerUserCacheTtl, "per-user") : (guardrails.effectiveMaxSharedCacheTtl, "shared")
                guard let duration = scope.duration(of: store, context.namedValues), duration.seconds > limit else { continue }
                findings.report(
                    Self.finding(
                        code, "raw '\(store.name)' in \(scope.owner) caches \(Self.forLongerThan(duration.seconds)) the \(name) limit of \(DurationText.format(limit))",
                        seconds: duration.seconds, limit: limit, at: duration.range, notes: duration.notes))
            }
        }
    }

    /// A raw store's seconds as a message says them, up to the limit it passes: ``Int/max``
    /// is a duration an expression works out as the request runs (``RawScope/seconds(of:_:)``).
    /// Whether a store's key names the caller or reads the caller's token whole.
    private static func keysPerCaller(_ code: String) -> Bool {
        SharedCacheOnAuthenticatedRoute.namesTheCaller(code)
            || ExpressionFlow.sources(of: code).contains { if case .requestHeader(let name) = $0 { name.lowercased() == "authorization" } else { false } }
    }

    static func forLongerThan(_ seconds: Int) -> String {
        seconds == Int.max ? "for as long as an expression works out, which may be longer than" : "for \(DurationText.format(seconds)), longer than"
    }

    /// A raw store's finding: a warning where an expression works the duration out as the
    /// request runs, which may be within the limit (Microsoft's samples keep a token for the
    /// `expires_in` it came with), with a note on bounding it.
    static func finding(_ code: DiagnosticCode, _ message: String, seconds: Int, limit: Int, at range: SourceRange, notes: [Diagnostic.Note]) -> Diagnostic {
        guard seconds == Int.max else { return Diagnostic(code, message, at: range, notes: notes) }
        return Diagnostic(
            code, message, at: range, severity: .warning,
            notes: notes + [Diagnostic.Note("bound it: 'Math.Min(…, \(limit))'", at: range)])
    }
}
