import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// RL004: a counter keyed on something the caller chooses.
public enum SpoofableRateLimitKey: Rule {
    public static let code = DiagnosticCode(
        "RL004", "spoofable-rate-limit-key", .warning,
        summary: "a 'header:' limit key, or a raw 'rate-limit-by-key', 'quota-by-key', 'llm-token-limit' or 'limit-concurrency' counted by a request header, the query, the body, a path parameter or a client certificate no policy validates, which the caller chooses, or by a claim that may differ in every token the caller asks for ('jti', 'scp'), or a raw 'rate-limit-by-key' whose 'calls' or 'renewal-period', or a raw token limit whose 'tokens-per-minute' or 'token-quota', the caller writes")

    public static let description = RuleDescription(
        code,
        rationale: """
            A request header is whatever the caller sends: changing its value on every request \
            gives a fresh counter each time and escapes the limit. So does a claim that is new in \
            every token, such as 'jti', for a caller who asks for another token. On an authenticated route the \
            token identifies the caller reliably; on a public route the IP address is harder to vary. \
            A budget or window read from the request is the caller's too: 'X-Budget: 2147483647' \
            lifts the limit.
            """,
        fix: "Key the limit on 'user', 'client' or a token claim ('claim:NAME') instead of a header; on public routes, on 'ip'. Write a raw limit's budget and window ('calls', 'renewal-period', 'tokens-per-minute', 'token-quota') as numbers.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    rateLimit: {calls: 10, per: 1s, key: ↓header:X-Tenant-Id}
                """),
            RuleExample.api(
                rawInbound: #"<rate-limit-by-key calls="10" renewal-period="1" counter-key="↓@(context.Request.Headers.GetValueOrDefault("X-Tenant-Id", ""))" />"#,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
            // Tokens of a language model, counted by a header: each new value is a new budget.
            RuleExample.api(
                rawInbound: #"<llm-token-limit tokens-per-minute="5000" estimate-prompt-tokens="false" counter-key="↓@(context.Request.Headers.GetValueOrDefault("X-Client", ""))" />"#,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
            // The caller sends the budget it likes.
            RuleExample.api(
                rawInbound: #"<rate-limit-by-key calls="↓@(int.Parse(context.Request.Headers.GetValueOrDefault("X-Budget", "10")))" renewal-period="1" counter-key="@(context.Subscription.Id)" />"#,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
            // Or the tokens it may spend (audit V78).
            RuleExample.api(
                rawInbound: #"<llm-token-limit tokens-per-minute="↓@(int.Parse(context.Request.Headers.GetValueOrDefault("X-Budget", "1000")))" estimate-prompt-tokens="false" counter-key="@(context.Subscription.Id)" />"#,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
            // A caller who asks for another token starts another count.
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    rateLimit: {calls: 10, per: 1s, key: ↓"claim:jti"}
                """),
            RuleExample.api(
                rawInbound: #"<rate-limit-by-key calls="10" renewal-period="1" counter-key="↓@(context.Request.Headers.GetValueOrDefault("Authorization", "").AsJwt()?.Id)" />"#,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
            // No policy validates the certificate: a self-signed one per connection is a new counter.
            RuleExample.api(
                rawInbound: #"<rate-limit-by-key calls="10" renewal-period="1" counter-key="↓@(context.Request.Certificate?.Thumbprint ?? "none")" />"#,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    rateLimit: {calls: 10, per: 1s, key: claim:tid}
                """),
            RuleExample.api(
                rawInbound: #"<llm-token-limit tokens-per-minute="5000" estimate-prompt-tokens="false" counter-key="@(context.Subscription.Id)" />"#,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
            // The certificate is one the check lets in.
            RuleExample.api(
                rawInbound: """
                    <validate-client-certificate validate-revocation="true"><identities><identity issuer-certificate-id="partners-ca" /></identities></validate-client-certificate>
                    <rate-limit-by-key calls="10" renewal-period="1" counter-key="@(context.Request.Certificate.Thumbprint)" />
                    """,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.routes {
            check(route.rateLimit, "rate limit", of: route, context, &findings)
            check(route.quota, "quota", of: route, context, &findings)
        }
        checkRaw(context, into: &findings)
    }

    /// A raw counter whose key reads a request's header, query (the original URL's too), body,
    /// path parameters or whole URL, white space aside: callers send any value they like.
    private static func checkRaw(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        let chosen = [
            ("Request.Headers", "a request header"), ("Url.Query", "the request's query"), ("Request.Body", "the request's body"),
            ("MatchedParameters", "a parameter of the request's path"),
            // The whole URL holds the query and the path's parameters.
            ("Request.Url", "the request's URL"), ("Request.OriginalUrl", "the request's URL"),
        ]
        let callerControlled = context.callerControlledVariables
        // The APIs whose requests a policy validates certificates for (nil: every API's: the
        // gateway's, a product's, or a fragment's, which any policy may include).
        // Worked out when a key first reads the certificate: few do, and every policy is read.
        var validated: Set<Int?>?
        func validatedFor() -> Set<Int?> {
            if let validated { return validated }
            var found = Set(context.rawScopes.filter { validatesTheCertificate($0.document) }.map(\.api))
            if context.project.fragments.contains(where: { $0.policy.document.map(validatesTheCertificate) ?? false }) { found.insert(nil) }
            validated = found
            return found
        }
        let values = context.namedValues.byName
        for scope in context.rawScopes {
            for limit in scope.elements(named: Self.keyedLimits) {
                // A budget or window the caller writes raises its own limit, as a key it
                // chooses escapes one.
                if let budget = limit.budgetTheCallerWrites(values, callerControlled), let written = limit.attribute(budget.attribute) {
                    let compact = ExpressionFlow.withoutWrittenText(budget.code)
                    let range = scope.document.range(written.valueSpan)
                    findings.report(
                        code,
                        "the '\(budget.attribute)' of raw '\(limit.name)' in \(scope.owner) is given by \(chosen.first { compact.contains($0.0) }?.1 ?? "what the caller sent"), which callers choose",
                        at: range, notes: [Diagnostic.Note("write '\(budget.attribute)' as a number, or a named value whose value is known", at: range)])
                }
                // As APIM reads it: named values put in first may make an expression of
                // text (`{{blank}}@(…)`, as RL001 reads keys).
                guard let key = limit.attribute(limit.keyAttribute), case .known(let read?) = limit.read(limit.keyAttribute, values), read.isExpression else { continue }
                let keyCode = read.resolved
                // Its code alone, names as C# reads them (`Request.@Certificate`, a `\u`
                // escape: an audit found them unread).
                let compact = ExpressionFlow.withoutWrittenText(keyCode)
                let what: String
                // Where the caller's pick is a certificate, checking it is the first way out.
                var firstAdvice = ""
                if let claim = Self.perTokenClaim(readBy: keyCode) {
                    let range = scope.document.range(key.valueSpan)
                    findings.report(
                        code, "raw '\(limit.name)' in \(scope.owner) counts by the token's '\(claim)', \(LimitKey.claim(claim).whyTheCallerPicksIt)", at: range,
                        notes: [Diagnostic.Note("count by a claim that names the caller ('sub', 'oid', 'azp')", at: range)])
                    continue
                } else if let (_, named) = chosen.first(where: { compact.contains($0.0) }) {
                    if countsByAValidatedClaim(limit, keyCode, in: scope, context) { continue }
                    if !readsTheClientCertificate(compact), readsOnlyHeadersReplaced(keyCode, before: limit, in: scope, context) { continue }
                    what = named
                } else if readsTheClientCertificate(compact) {
                    let validatedAPIs = validatedFor()
                    if validatedAPIs.contains(nil) || validatedAPIs.contains(scope.api) { continue }
                    what = "the client certificate"
                    firstAdvice = "validate the certificate first ('validate-client-certificate'), or "
                } else if callerControlled.choosesTheValue(of: keyCode) {
                    // Through a variable a policy sets from what the caller sent, or spelt
                    // another way C# allows.
                    what = "what the caller sent"
                } else {
                    continue
                }
                let range = scope.document.range(key.valueSpan)
                findings.report(
                    code, "raw '\(limit.name)' in \(scope.owner) counts by \(what), which callers choose", at: range,
                    notes: [
                        Diagnostic.Note(
                            firstAdvice + "count by the subscription, the IP address or a claim of a validated token", at: range)
                    ])
            }
        }
    }

    /// The claim counter key `code` reads of a token that may differ in every token
    /// (``PortcullisModel/LimitKey/countsPerToken``): `AsJwt()?.Id`, its times, or such a
    /// claim by name (audit V31: a key of `jti` linted clean, raw as in the definitions).
    static func perTokenClaim(readBy code: String) -> String? {
        let compact = String(decoding: ExpressionFlow.compacted(Array(code.utf8)), as: UTF8.self)
        guard compact.contains("AsJwt") else { return nil }
        for (property, claim) in [("Id", "jti"), ("IssuedAt", "iat"), ("NotBefore", "nbf"), ("ExpirationTime", "exp")] {
            for prefix in [").", ")?."] {
                var rest = Substring(compact)
                while let found = rest.range(ofBytes: prefix + property) {
                    rest = rest[found.upperBound...]
                    if !(rest.first.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false) { return claim }
                }
            }
        }
        return claimsNamed(in: compact).first { LimitKey.claim($0).countsPerToken }
    }

    /// The claims compacted code (``ExpressionFlow/compacted(_:)``) reads by name, with
    /// `Claims["name"]` or `Claims.GetValueOrDefault("name", …)`.
    static func claimsNamed(in compact: String) -> [String] {
        var names: [String] = []
        for access in ["Claims.GetValueOrDefault(\"", "Claims[\""] {
            var rest = Substring(compact)
            while let found = rest.range(ofBytes: access) {
                rest = rest[found.upperBound...]
                names.append(String(rest.prefix { $0 != "\"" }))
            }
        }
        return names
    }

    /// Whether what the caller sent reaches a counter key `code` only through request
    /// headers that a statement of `scope`'s `inbound` replaces before `limit` on every
    /// request (`set-header` with `override`, the default, or `delete`, a managed identity's
    /// token in `Authorization`, at the top of the section or of a fragment included
    /// there; ``PolicyXMLElement/placesSet(_:resolving:)``), and that nothing before `limit` sets to
    /// what the caller chooses: the caller's value never reaches the key. A header so
    /// replaced with a new GUID is RL001's, a key new for every request; with `skip` or
    /// `append` the caller's value stays.
    private static func readsOnlyHeadersReplaced(_ code: String, before limit: PolicyXMLElement, in scope: RawScope, _ context: CheckContext) -> Bool {
        let callerControlled = context.callerControlledVariables
        var headers = Set<String>()
        for source in ExpressionFlow.reads(of: code) {
            if case .requestHeader(let name) = source {
                headers.insert(name.lowercased())
            } else if callerControlled.chooses(source) {
                return false
            }
        }
        guard !headers.isEmpty else { return false }
        let values = context.namedValues.byName
        let resolved = { (text: String) in NamedValues.resolve(text, values) }
        var replaced = Set<String>()
        var chosenByTheCaller = false
        scope.forEachInboundStatement(before: limit, fragments: context.rawEnforcement.fragments) { statement, everyRequest, _ in
            if statement.placesSet(resolving: resolved).contains(where: { place in headers.contains { place.mayBe(.header($0)) } }),
                callerControlled.setsWhatTheCallerChooses(statement, code: { VariableSetters.code(of: $0, values) })
            {
                chosenByTheCaller = true
            }
            guard everyRequest else { return }
            for case .header(let name) in statement.placesSet(.replaced, resolving: resolved) { replaced.insert(name) }
        }
        return !chosenByTheCaller && headers.isSubset(of: replaced)
    }

    /// The raw limits that count by a key (``PolicyXMLElement/keyAttribute``): a language
    /// model's tokens too (`llm-token-limit`, and its older name for Azure OpenAI), and the
    /// requests at once that `limit-concurrency` lets in (a key of the caller's is a
    /// pool of its own).
    static let keyedLimits: Set<String> = ["rate-limit-by-key", "quota-by-key", "llm-token-limit", "azure-openai-token-limit", "limit-concurrency"]

    /// Whether compact `code` reads the certificate the caller presented
    /// (`context.Request.Certificate`, not the gateway's `Deployment.Certificates`): APIM
    /// checks it only where a policy does, so a caller presents a new self-signed one, and
    /// a new thumbprint, for every connection (found by an audit). A check in a policy of
    /// the limit's API, the gateway's, a product's or a fragment (``validatesTheCertificate``)
    /// makes it one the checks let in: a warning is not worth a false one where the check
    /// stands elsewhere on the way (the audit of the fix); how well it checks is LP002's.
    private static func readsTheClientCertificate(_ code: String) -> Bool {
        var rest = Substring(code)
        while let found = rest.range(ofBytes: ".Certificate") {
            let before = rest[..<found.lowerBound]
            rest = rest[found.upperBound...]
            if rest.first != "s", before.hasSuffix("Request") || before.hasSuffix("Request?") { return true }
        }
        return false
    }

    private static let certificateChecks: Set<String> = ["validate-client-certificate"]

    /// Whether `document` checks the caller's certificate: `validate-client-certificate`, an
    /// expression that verifies it (`context.Request.Certificate.Verify()`), or a `choose`
    /// that tests who it names (its thumbprint against one written out, its issuer, the
    /// gateway's certificates) and refuses in a branch, as Microsoft's samples do (the second
    /// audit found those warned of; the third, a `when` that only traces or tests for no
    /// certificate taken for one).
    private static func validatesTheCertificate(_ document: PolicyXMLDocument) -> Bool {
        !document.elements(named: certificateChecks).isEmpty || ByteScan.holds("C", followedBy: "ertificate.verify", in: document.text[...])
            || document.elements(named: choices).contains { choice in
                // A test of who it names in a branch, and a refusal in one of the choice's
                // branches (the `when` that fails it, or the `otherwise` the passing `when`
                // leaves: the fourth audit).
                var tests = false
                var refuses = false
                for case .element(let branch) in choice.children {
                    if let condition = branch.attribute("condition")?.value.resolved.filter({ !$0.isWhitespace }), readsTheClientCertificate(condition),
                        identities.contains(where: { condition.range(ofBytes: "Certificate." + $0) != nil || condition.range(ofBytes: "Certificate?." + $0) != nil })
                    {
                        tests = true
                    }
                    branch.forEachElement { if $0.name == "return-response" { refuses = true } }
                }
                return tests && refuses
            }
    }

    private static let choices: Set<String> = ["choose"]
    /// What of a certificate names who holds it.
    private static let identities = ["Thumbprint", "Issuer", "IssuerName", "Subject", "SubjectName", "SerialNumber", "GetCertHashString"]

    /// Whether `limit`'s key reads nothing of the request but claims of the token in
    /// `Authorization` (`Headers.GetValueOrDefault("Authorization", "").AsJwt()?.Subject`)
    /// and counts after that token is checked: in a route's own policy, after its `<base />`,
    /// where the statements generated for a route with `auth` have checked it, or after a
    /// raw check of that token at the top of the same policy's `inbound` (a false warning
    /// an earlier audit left open). The claims are then the issuer's, not the
    /// caller's (a false warning an audit found, on the key Microsoft's own examples count
    /// by). `code` is the key as APIM reads it.
    private static func countsByAValidatedClaim(_ limit: PolicyXMLElement, _ code: String, in scope: RawScope, _ context: CheckContext) -> Bool {
        let compact = code.filter { !$0.isWhitespace }
        guard compact.contains("AsJwt"), !compact.contains("Url"), !compact.contains("Body"), !compact.contains("MatchedParameters"),
            !ExpressionFlow.sources(of: code).contains(where: \.isCallerWritten)
        else { return false }
        let headerReads = compact.components(separatedBy: "Request.Headers").dropFirst()
        guard headerReads.allSatisfy({ read in
            let lowered = read.lowercased()
            return lowered.hasPrefix(".getvalueordefault(\"authorization\"") || lowered.hasPrefix("[\"authorization\"]")
        })
        else { return false }
        if Self.checksTheTokenFirst(limit, in: scope, context) { return true }
        // The generated check reads `Authorization` wherever a raw check of another place runs
        // before it (a product's: audit V19 F4, a false warning).
        guard scope.level == .operation, !scope.routes.isEmpty, scope.routes.allSatisfy(\.isAuthenticated) else { return false }
        let statements = scope.document.inboundStatements
        guard let base = statements.firstIndex(where: { $0.name == "base" }) else {
            // The generated check then runs first; a `<base />` on some paths before the limit
            // runs the broader policies after it, which may put the caller's text in
            // `Authorization` (audit V22).
            guard let holder = scope.document.inboundStatementHoldingBaseOnSomePaths else { return true }
            return statements[holder].nameSpan.lowerBound > limit.nameSpan.lowerBound
        }
        return limit.nameSpan.lowerBound > statements[base].nameSpan.lowerBound && !puts(theCallersTextIn: statements[(base + 1)...], before: limit, context)
    }

    /// Whether a statement of `statements` before `limit` may put the caller's text in
    /// `Authorization` (`@(Headers["X-Token"])`, directly, through a variable the caller
    /// writes or under a name a named value gives; found by audits): its claims are then the
    /// caller's. Not in a request sent elsewhere, nor a text the gateway gives (its own
    /// token, a written one) or a deletion: one counter for every caller, which no caller
    /// picks.
    private static func puts(theCallersTextIn statements: ArraySlice<PolicyXMLElement>, before limit: PolicyXMLElement, _ context: CheckContext) -> Bool {
        let values = context.namedValues.byName
        let callerControlled = context.callerControlledVariables
        // What the caller writes, or a variable any policy sets from it, through copies
        // (the sixth audit: the API's policy sets it, within the route's `<base />`).
        func carriesTheCallersText(_ code: String) -> Bool {
            var pending = [code]
            var seen = Set<String>()
            while let code = pending.popLast() {
                if callerControlled.writesTheValue(of: code) { return true }
                for source in ExpressionFlow.sources(of: code) {
                    guard case .variable(let name) = source else {
                        if source == .allVariables { return true }
                        continue
                    }
                    guard seen.insert(name.lowercased()).inserted else { continue }
                    pending += context.project.rawPolicies.flatMap { policy in
                        policy.document.allElements.compactMap { setter in
                            guard setter.name == "set-variable", let written = setter.attribute("name").flatMap({ RawScope.constant($0.value) }),
                                written.trimmingWhitespace.lowercased() == name.lowercased(), let value = setter.attribute("value")?.value, value.isExpression
                            else { return nil }
                            return value.resolved
                        }
                    }
                }
            }
            return false
        }
        var included = Set<String>()
        func puts(_ element: PolicyXMLElement) -> Bool {
            switch element.name {
            case "send-request", "send-one-way-request", "return-response":
                return false
            case "include-fragment":
                guard case .text(let id)? = element.attribute("fragment-id")?.value, included.insert(id).inserted,
                    let fragment = context.rawEnforcement.fragments[id]
                else { return false }
                return fragment.rootElements.contains(where: puts)
            case "set-header":
                guard let written = element.attribute("name")?.value, let name = RawScope.constant(written).map({ NamedValues.resolve($0, values) ?? $0 }),
                    name.trimmingWhitespace.lowercased() == "authorization",
                    !["delete", "skip"].contains(element.attribute("exists-action")?.value.written.trimmingWhitespace.lowercased() ?? "override")
                else { return false }
                return element.elements.contains { value in
                    guard value.name == "value", let given = value.textValue, given.isExpression else { return false }
                    return carriesTheCallersText(given.resolved)
                }
            default:
                return element.elements.contains(where: puts)
            }
        }
        return statements.prefix { $0.nameSpan.lowerBound < limit.nameSpan.lowerBound }.contains(where: puts)
    }

    /// Whether a raw check of the token in `Authorization`, and of nothing else, stands at
    /// the top of `scope`'s `inbound` before `limit`, and nothing between them puts the
    /// caller's text in that header (``puts(theCallersTextIn:before:_:)``), so every request
    /// that reaches the limit carries a token it let through.
    private static func checksTheTokenFirst(_ limit: PolicyXMLElement, in scope: RawScope, _ context: CheckContext) -> Bool {
        let values = context.namedValues.byName
        let callerControlled = context.callerControlledVariables
        let statements = scope.document.inboundStatements
        guard
            let check = statements.lastIndex(where: { statement in
                statement.nameSpan.lowerBound < limit.nameSpan.lowerBound && RawEnforcement.Kind.tokenChecks.contains(statement.name)
                    && !statement.checksAGivenToken(values, callerControlled) && !statement.letsCallersThrough(values, callerControlled)
                    && context.credentialPlaces(of: [statement]) == [.header("authorization")]
            })
        else { return false }
        return !puts(theCallersTextIn: statements[(check + 1)...], before: limit, context)
    }

    private static func check(
        _ setting: Inherited<LimitSetting>?, _ what: String, of route: EffectiveRoute, _ context: CheckContext,
        _ findings: inout DiagnosticCollector
    ) {
        guard let setting, case .limit(let limit) = setting.value, let key = limit.key else { return }
        let chosen: String
        switch key.value {
        case .header(let header): chosen = "header '\(header)', which callers choose"
        // A caller who asks for another token starts another count (audit V31: `claim:jti`
        // linted clean).
        case .claim(let claim) where key.value.countsPerToken: chosen = "claim '\(claim)', \(key.value.whyTheCallerPicksIt)"
        default: return
        }
        let (range, notes) = setting.origin == .route ? (key.range, []) : context.location(of: setting, on: route, what: what)
        findings.report(code, "route '\(route.written.id.value)' counts its \(what) by \(chosen)", at: range, notes: notes)
    }
}
