import PortcullisModel
import PortcullisSupport

/// Token checks for one authenticated operation: 401 for a missing or invalid token, 403
/// for a valid token without the route's scopes, 503 when an identity provider that must
/// be asked cannot answer.
enum AuthPolicies {
    /// `callBudget` counts the calls an introspection check makes to its provider.
    static func tokenElements(_ check: TokenCheck, callBudget: PlannedLimit?) -> [PolicyElement] {
        switch check.method {
        case .jwt(let jwt): [validateJWT(jwt, code: 401, message: "Unauthorized", keepsToken: true, claims: nil)]
        case .introspection(let details, let results):
            Introspection(details: details, results: results, provider: check.provider, callBudget: callBudget).elements
        }
    }

    static func scopeElements(_ scopes: ScopeCheck, token: TokenCheck) -> [PolicyElement] {
        if case .jwt(let jwt) = token.method, scopes.alternatives.count == 1, let only = scopes.alternatives.first {
            // A second check that runs only on a valid token, so its failure means missing scopes.
            let claim = PolicyElement(
                "claim", [("name", .literal(only.claim)), ("match", .literal(only.match.rawValue)), ("separator", .literal(" "))],
                only.values.map { PolicyElement("value", text: .literal($0)) })
            return [validateJWT(jwt, code: 403, message: "Forbidden", keepsToken: false, claims: claim)]
        }
        return [choose([(.code(lacksPermissions(scopes, token: token)), [returnResponse(403, "Forbidden", challenge: false)])])]
    }

    /// True when the token meets none of the alternatives. Each claim may hold a
    /// space-separated string or an array of values.
    private static func lacksPermissions(_ scopes: ScopeCheck, token: TokenCheck) -> String {
        var statements: [String] = []
        switch token.method {
        case .jwt:
            statements.append("var claims = ((Jwt)context.Variables[\"\(PolicyNames.token)\"]).Claims; string[] values;")
            for (index, alternative) in scopes.alternatives.enumerated() {
                statements.append(
                    "var granted\(index) = claims.TryGetValue(\(PolicyExpression.csharpString(alternative.claim)), out values) ? values.SelectMany(value => value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries)).ToArray() : new string[0];")
            }
        case .introspection:
            statements.append("var result = JObject.Parse(\(Introspection.result));")
            for (index, alternative) in scopes.alternatives.enumerated() {
                statements.append(
                    "var claim\(index) = result[\(PolicyExpression.csharpString(alternative.claim))]; var granted\(index) = claim\(index) == null ? new string[0] : claim\(index).Type == JTokenType.Array ? claim\(index).Children().Select(value => value.Type == JTokenType.String ? (string)value : value.ToString()).ToArray() : claim\(index).Type == JTokenType.String ? ((string)claim\(index)).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries) : new string[0];")
            }
        }
        let tests = scopes.alternatives.enumerated().map { index, alternative in
            "new[] { " + alternative.values.map(PolicyExpression.csharpString).joined(separator: ", ") + " }."
                + (alternative.match == .any ? "Any" : "All") + "(required => granted\(index).Contains(required))"
        }
        return "@{ " + statements.joined(separator: " ") + " return !(" + tests.joined(separator: " || ") + "); }"
    }

    private static func validateJWT(
        _ jwt: IdentityProvider.JWT, code: Int, message: String, keepsToken: Bool, claims: PolicyElement?
    ) -> PolicyElement {
        var attributes: [(String, PolicyValue)] = [
            ("header-name", .literal("Authorization")),
            ("failed-validation-httpcode", .number(code)),
            ("failed-validation-error-message", .literal(message)),
            ("require-scheme", .literal("Bearer")),
        ]
        if keepsToken { attributes.append(("output-token-variable-name", .literal(PolicyNames.token))) }
        var children = [
            PolicyElement("openid-config", [("url", .literal(jwt.openidConfig.value))]),
            PolicyElement("audiences", [], jwt.audiences.map { PolicyElement("audience", text: .literal($0.value)) }),
            PolicyElement("issuers", [], [PolicyElement("issuer", text: .literal(jwt.issuer.value))]),
        ]
        if let claims { children.append(PolicyElement("required-claims", [], [claims])) }
        return PolicyElement("validate-jwt", attributes, children)
    }

    static func choose(_ cases: [(PolicyValue, [PolicyElement])]) -> PolicyElement {
        PolicyElement("choose", [], cases.map { PolicyElement("when", [("condition", $0.0)], $0.1) })
    }

    static func returnResponse(_ code: Int, _ reason: String, challenge: Bool) -> PolicyElement {
        var children = [PolicyElement("set-status", [("code", .number(code)), ("reason", .literal(reason))])]
        if challenge {
            children.append(
                PolicyElement(
                    "set-header", [("name", .literal("WWW-Authenticate")), ("exists-action", .literal("override"))],
                    [PolicyElement("value", text: .literal("Bearer"))]))
        }
        return PolicyElement("return-response", [], children)
    }
}

/// RFC 7662 introspection. The result is cached under a hash of the token, never the token,
/// for at most the provider's `cacheTtl` and never past the token's `exp`; only a `200`
/// answer holding a JSON object is a result, anything else answers 503 and is not cached;
/// only `"active": true` is an active token.
private struct Introspection {
    let details: IdentityProvider.Introspection
    let results: TokenCheck.IntrospectionResults
    let provider: IdentityProvider
    let callBudget: PlannedLimit?

    /// The cached or fresh result as JSON text; empty when the provider failed.
    static let result = "(string)context.Variables[\"\(PolicyNames.introspection)\"]"

    /// Reads the bearer token, answers 401 without one, finds the result in the cache or
    /// asks the provider, then judges the result.
    var elements: [PolicyElement] {
        [
            PolicyElement("set-variable", [("name", .literal(PolicyNames.bearer)), ("value", .code(bearer))]),
            AuthPolicies.choose([
                (.code("@(string.IsNullOrEmpty((string)context.Variables[\"\(PolicyNames.bearer)\"]))"), [AuthPolicies.returnResponse(401, "Unauthorized", challenge: true)])
            ]),
            PolicyElement(
                "cache-lookup-value", [("key", cacheKey), ("variable-name", .literal(PolicyNames.introspection)), ("caching-type", cachingType)]),
            // A miss leaves the variable unset or null (Microsoft's pages say both); a stored
            // result is never empty.
            AuthPolicies.choose([(.code("@(string.IsNullOrEmpty(context.Variables.GetValueOrDefault<string>(\"\(PolicyNames.introspection)\")))"), call)]),
            verdict,
        ]
    }

    private var cachingType: PolicyValue { .literal(results.storage.rawValue) }

    /// The cache key: the gateway's key prefix, the provider and a hash of the token.
    private var cacheKey: PolicyValue {
        .code(
            "@(" + PolicyExpression.csharpString("\(results.keyPrefix):introspection:\(provider.name.value):")
                + " + " + Identity.hashed("(string)context.Variables[\"\(PolicyNames.bearer)\"]") + ")")
    }

    /// On a cache miss: spend one call of the budget, ask the provider, keep an accepted
    /// answer and cache it.
    private var call: [PolicyElement] {
        var call: [PolicyElement] = []
        if let callBudget { call += LimitPolicies.elements(callBudget, callers: []) }
        return call + credentials + [
            PolicyElement("send-request", sendAttributes, requestChildren),
            PolicyElement("set-variable", [("name", .literal(PolicyNames.introspection)), ("value", .code(acceptedBody))]),
            AuthPolicies.choose([
                (
                    .code("@(\(Self.result) != \"\")"),
                    [
                        PolicyElement(
                            "cache-store-value",
                            [("key", cacheKey), ("value", .code("@(\(Self.result))")), ("duration", .code(duration)), ("caching-type", cachingType)])
                    ]
                )
            ]),
        ]
    }

    /// 503 when there is no result, 401 for an inactive token or one for another audience.
    private var verdict: PolicyElement {
        let unauthorized = [AuthPolicies.returnResponse(401, "Unauthorized", challenge: true)]
        var cases: [(PolicyValue, [PolicyElement])] = [
            (.code("@(\(Self.result) == \"\")"), [AuthPolicies.returnResponse(503, "Service Unavailable", challenge: false)]),
            (.code(inactive), unauthorized),
        ]
        if let audiences = details.audiences { cases.append((.code(Self.foreignAudience(audiences.map(\.value))), unauthorized)) }
        return AuthPolicies.choose(cases)
    }

    private let bearer =
        "@{ var header = context.Request.Headers.GetValueOrDefault(\"Authorization\", \"\"); return header.StartsWith(\"Bearer \", StringComparison.OrdinalIgnoreCase) ? header.Substring(7).Trim() : \"\"; }"

    /// The provider's answer when it is a `200` with a JSON object; empty otherwise, also
    /// when the call failed or timed out.
    private var acceptedBody: String {
        "@{ var response = context.Variables.GetValueOrDefault<IResponse>(\"\(PolicyNames.introspectionResponse)\"); if (response == null || response.StatusCode != 200) { return \"\"; } var body = response.Body.As<string>(); try { JObject.Parse(body); } catch (Exception) { return \"\"; } return body; }"
    }

    /// Anything but `"active": true` is inactive.
    private var inactive: String {
        "@{ var active = JObject.Parse(\(Self.result))[\"active\"]; return active == null || active.Type != JTokenType.Boolean || !active.Value<bool>(); }"
    }

    /// True when the result's `aud` (a string or an array) names none of `audiences`.
    static func foreignAudience(_ audiences: [String]) -> String {
        let accepted = "new[] { " + audiences.map(PolicyExpression.csharpString).joined(separator: ", ") + " }"
        return "@{ var aud = JObject.Parse(\(result))[\"aud\"]; var named = aud == null ? new string[0] : aud.Type == JTokenType.Array ? aud.Children().Where(value => value.Type == JTokenType.String).Select(value => (string)value).ToArray() : aud.Type == JTokenType.String ? new[] { (string)aud } : new string[0]; return !\(accepted).Any(audience => named.Contains(audience)); }"
    }

    /// Seconds to keep the result: the provider's `cacheTtl`, cut to the token's `exp`.
    private var duration: String {
        "@{ var exp = JObject.Parse(\(Self.result))[\"exp\"]; var ttl = \(details.effectiveCacheTtl)L; if (exp != null && (exp.Type == JTokenType.Integer || exp.Type == JTokenType.Float)) { ttl = Math.Min(ttl, (long)exp.Value<double>() - DateTimeOffset.UtcNow.ToUnixTimeSeconds()); } return (int)Math.Max(ttl, 1L); }"
    }

    private var sendAttributes: [(String, PolicyValue)] {
        [
            ("mode", .literal("new")), ("response-variable-name", .literal(PolicyNames.introspectionResponse)),
            ("timeout", .number(10)), ("ignore-error", .literal("true")),
        ]
    }

    /// Client credentials are form-encoded before Basic encoding (RFC 6749, 2.3.1). The
    /// secret reaches the expression through a variable set from its named value: APIM
    /// substitutes named values inside expressions too, where a quote in the secret would
    /// change the code.
    private var requestChildren: [PolicyElement] {
        let variable = { (name: String) in "System.Net.WebUtility.UrlEncode((string)context.Variables[\"\(name)\"])" }
        return [
            PolicyElement("set-url", text: .literal(details.endpoint.value)),
            PolicyElement("set-method", text: .literal("POST")),
            PolicyElement(
                "set-header", [("name", .literal("Content-Type")), ("exists-action", .literal("override"))],
                [PolicyElement("value", text: .literal("application/x-www-form-urlencoded"))]),
            PolicyElement(
                "set-header", [("name", .literal("Authorization")), ("exists-action", .literal("override"))],
                [
                    PolicyElement(
                        "value",
                        text: .code(
                            "@(\"Basic \" + Convert.ToBase64String(Encoding.UTF8.GetBytes(\(variable(PolicyNames.clientId)) + \":\" + \(variable(PolicyNames.clientSecret)))))"
                        ))
                ]),
            PolicyElement("set-body", text: .code("@(\"token=\" + Uri.EscapeDataString((string)context.Variables[\"\(PolicyNames.bearer)\"]))")),
        ]
    }

    /// The client credentials as variables; the secret comes from its named value.
    private var credentials: [PolicyElement] {
        let secretName: String
        if case .reference(let name) = details.clientSecret { secretName = name.value } else { secretName = "" }
        return [
            PolicyElement("set-variable", [("name", .literal(PolicyNames.clientId)), ("value", .literal(details.clientId.value))]),
            PolicyElement("set-variable", [("name", .literal(PolicyNames.clientSecret)), ("value", .literal("{{\(secretName)}}"))]),
        ]
    }
}
