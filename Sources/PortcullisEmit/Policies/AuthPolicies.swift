import PortcullisModel
import PortcullisSupport

/// Token checks for one authenticated operation: 401 for a missing or invalid token, 403
/// for a valid token without the route's scopes, 503 when an identity provider that must
/// be asked cannot answer.
enum AuthPolicies {
    /// `callBudget` counts the calls an introspection check makes to its provider.
    static func tokenElements(_ check: TokenCheck, callBudget: PlannedLimit?, into writer: inout PolicyWriter) {
        switch check.method {
        case .jwt(let jwt): validateJWT(jwt, code: 401, message: "Unauthorized", keepsToken: true, into: &writer)
        case .introspection(let details, let results):
            Introspection(details: details, results: results, provider: check.provider, callBudget: callBudget).write(into: &writer)
        }
    }

    static func scopeElements(_ scopes: ScopeCheck, token: TokenCheck, into writer: inout PolicyWriter) {
        if case .jwt(let jwt) = token.method, scopes.alternatives.count == 1, let only = scopes.alternatives.first {
            // A second check that runs only on a valid token, so its failure means missing scopes.
            validateJWT(jwt, code: 403, message: "Forbidden", keepsToken: false, into: &writer) { writer in
                writer.element("required-claims") { writer in
                    // Scopes are split at spaces; a role or group is one value, spaces and all.
                    var attributes: [(String, PolicyValue)] = [("name", .literal(only.claim)), ("match", .literal(only.match.rawValue))]
                    if only.kind == .scopes { attributes.append(("separator", .literal(" "))) }
                    writer.element("claim", attributes) { writer in
                        for value in only.values { writer.element("value", text: .literal(value)) }
                    }
                }
            }
            return
        }
        choose(.code(lacksPermissions(scopes, token: token)), into: &writer) { returnResponse(403, "Forbidden", challenge: false, into: &$0) }
    }

    /// True when the token meets none of the alternatives. A scope claim may hold a
    /// space-separated string or an array of values; a role claim's values are whole: a
    /// group named "Contoso Admins" is no role "Admins" (audit V92).
    private static func lacksPermissions(_ scopes: ScopeCheck, token: TokenCheck) -> String {
        var statements: [String] = []
        switch token.method {
        case .jwt:
            statements.append("var claims = ((Jwt)context.Variables[\"\(PolicyNames.token)\"]).Claims; string[] values;")
            for (index, alternative) in scopes.alternatives.enumerated() {
                let split = alternative.kind == .scopes ? ".SelectMany(value => value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries)).ToArray()" : ""
                statements.append(
                    "var granted\(index) = claims.TryGetValue(\(PolicyExpression.csharpString(alternative.claim)), out values) ? values\(split) : new string[0];")
            }
        case .introspection:
            statements.append("var result = JObject.Parse(\(Introspection.result));")
            for (index, alternative) in scopes.alternatives.enumerated() {
                statements.append(
                    "var claim\(index) = result[\(PolicyExpression.csharpString(alternative.claim))]; var granted\(index) = claim\(index) == null ? new string[0] : claim\(index).Type == JTokenType.Array ? claim\(index).Children().Select(value => value.Type == JTokenType.String ? (string)value : value.ToString()).ToArray() : claim\(index).Type == JTokenType.String ? \(alternative.kind == .scopes ? "((string)claim\(index)).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries)" : "new[] { (string)claim\(index) }") : new string[0];")
            }
        }
        let tests = scopes.alternatives.enumerated().map { index, alternative in
            "new[] { " + alternative.values.map(PolicyExpression.csharpString).joined(separator: ", ") + " }."
                + (alternative.match == .any ? "Any" : "All") + "(required => granted\(index).Contains(required))"
        }
        return "@{ " + statements.joined(separator: " ") + " return !(" + tests.joined(separator: " || ") + "); }"
    }

    /// `claims` writes the required claims, if any.
    private static func validateJWT(
        _ jwt: IdentityProvider.JWT, code: Int, message: String, keepsToken: Bool, into writer: inout PolicyWriter,
        claims: (inout PolicyWriter) -> Void = { _ in }
    ) {
        var attributes: [(String, PolicyValue)] = [
            ("header-name", .literal("Authorization")),
            ("failed-validation-httpcode", .number(code)),
            ("failed-validation-error-message", .literal(message)),
            ("require-scheme", .literal("Bearer")),
        ]
        if keepsToken { attributes.append(("output-token-variable-name", .literal(PolicyNames.token))) }
        writer.element("validate-jwt", attributes) { writer in
            writer.element("openid-config", [("url", .literal(jwt.openidConfig.value))])
            writer.element("audiences") { writer in
                for audience in jwt.audiences { writer.element("audience", text: .literal(audience.value)) }
            }
            writer.element("issuers") { writer in
                writer.element("issuer", text: .literal(jwt.issuer.value))
            }
            claims(&writer)
        }
    }

    /// `<choose>` with one `<when>`: what `then` writes runs when `condition` holds.
    static func choose(_ condition: PolicyValue, into writer: inout PolicyWriter, then: (inout PolicyWriter) -> Void) {
        writer.element("choose") { writer in
            writer.element("when", [("condition", condition)], content: then)
        }
    }

    static func returnResponse(_ code: Int, _ reason: String, challenge: Bool, into writer: inout PolicyWriter) {
        writer.element("return-response") { writer in
            writer.element("set-status", [("code", .number(code)), ("reason", .literal(reason))])
            if challenge {
                writer.element("set-header", [("name", .literal("WWW-Authenticate")), ("exists-action", .literal("override"))]) { writer in
                    writer.element("value", text: .literal("Bearer"))
                }
            }
        }
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
    func write(into writer: inout PolicyWriter) {
        let cacheKey = self.cacheKey
        writer.element("set-variable", [("name", .literal(PolicyNames.bearer)), ("value", .code(bearer))])
        AuthPolicies.choose(.code("@(string.IsNullOrEmpty((string)context.Variables[\"\(PolicyNames.bearer)\"]))"), into: &writer) {
            AuthPolicies.returnResponse(401, "Unauthorized", challenge: true, into: &$0)
        }
        writer.element(
            "cache-lookup-value", [("key", cacheKey), ("variable-name", .literal(PolicyNames.introspection)), ("caching-type", cachingType)])
        // A miss leaves the variable unset or null (Microsoft's pages say both); a stored
        // result is never empty.
        AuthPolicies.choose(
            .code("@(string.IsNullOrEmpty(context.Variables.GetValueOrDefault<string>(\"\(PolicyNames.introspection)\")))"), into: &writer,
            then: { call(cacheKey: cacheKey, into: &$0) })
        verdict(into: &writer)
    }

    private var cachingType: PolicyValue { .literal(results.storage.rawValue) }

    /// The cache key: the results' prefix and a hash of the token.
    private var cacheKey: PolicyValue {
        .code(
            "@(" + PolicyExpression.csharpString(results.keyPrefix)
                + " + " + Identity.hashed("(string)context.Variables[\"\(PolicyNames.bearer)\"]") + ")")
    }

    /// On a cache miss: spend one call of the budget, ask the provider, keep an accepted
    /// answer and cache it.
    private func call(cacheKey: PolicyValue, into writer: inout PolicyWriter) {
        if let callBudget { LimitPolicies.elements(callBudget, callers: [], into: &writer) }
        credentials(into: &writer)
        writer.element("send-request", sendAttributes, content: request)
        writer.element("set-variable", [("name", .literal(PolicyNames.introspection)), ("value", .code(Self.acceptedBody))])
        AuthPolicies.choose(.code("@(\(Self.result) != \"\")"), into: &writer) { writer in
            writer.element(
                "cache-store-value",
                [("key", cacheKey), ("value", .code("@(\(Self.result))")), ("duration", .code(duration)), ("caching-type", cachingType)])
        }
    }

    /// 503 when there is no result, 401 for an inactive token or one for another audience.
    /// An audience that names a named value is set into a variable first: in a literal its
    /// value is text, while put into the expression's C# (which the emitter prevents by
    /// escaping `{{`) a quote in it would change the code.
    private func verdict(into writer: inout PolicyWriter) {
        for (index, audience) in (details.audiences ?? []).enumerated() where audience.value.contains("{{") {
            writer.element("set-variable", [("name", .literal(PolicyNames.audiencePrefix + String(index + 1))), ("value", .literal(audience.value))])
        }
        writer.element("choose") { writer in
            writer.element("when", [("condition", .code("@(\(Self.result) == \"\")"))]) {
                AuthPolicies.returnResponse(503, "Service Unavailable", challenge: false, into: &$0)
            }
            writer.element("when", [("condition", .code(Self.inactive))]) {
                AuthPolicies.returnResponse(401, "Unauthorized", challenge: true, into: &$0)
            }
            if let audiences = details.audiences {
                writer.element("when", [("condition", .code(Self.foreignAudience(audiences.map(\.value))))]) {
                    AuthPolicies.returnResponse(401, "Unauthorized", challenge: true, into: &$0)
                }
            }
        }
    }

    private let bearer =
        "@{ var header = context.Request.Headers.GetValueOrDefault(\"Authorization\", \"\"); return header.StartsWith(\"Bearer \", StringComparison.OrdinalIgnoreCase) ? header.Substring(7).Trim() : \"\"; }"

    /// The provider's answer when it is a `200` with a JSON object; empty otherwise, also
    /// when the call failed or timed out.
    private static let acceptedBody =
        "@{ var response = context.Variables.GetValueOrDefault<IResponse>(\"\(PolicyNames.introspectionResponse)\"); if (response == null || response.StatusCode != 200) { return \"\"; } var body = response.Body.As<string>(); try { JObject.Parse(body); } catch (Exception) { return \"\"; } return body; }"

    /// Anything but `"active": true` is inactive.
    private static let inactive =
        "@{ var active = JObject.Parse(\(Self.result))[\"active\"]; return active == null || active.Type != JTokenType.Boolean || !active.Value<bool>(); }"

    /// True when the result's `aud` (a string or an array) names none of `audiences`; one
    /// that names a named value is read from its variable (see ``verdict(into:)``).
    static func foreignAudience(_ audiences: [String]) -> String {
        let written = audiences.enumerated().map { index, audience in
            audience.contains("{{")
                ? "context.Variables.GetValueOrDefault<string>(\"\(PolicyNames.audiencePrefix)\(index + 1)\", \"\")" : PolicyExpression.csharpString(audience)
        }
        let accepted = "new[] { " + written.joined(separator: ", ") + " }"
        return "@{ var aud = JObject.Parse(\(result))[\"aud\"]; var named = aud == null ? new string[0] : aud.Type == JTokenType.Array ? aud.Children().Where(value => value.Type == JTokenType.String).Select(value => (string)value).ToArray() : aud.Type == JTokenType.String ? new[] { (string)aud } : new string[0]; return !\(accepted).Any(audience => named.Contains(audience)); }"
    }

    /// Seconds to keep the result: the provider's `cacheTtl`, cut to the token's `exp`. The
    /// time left is worked out as a `double`, which any JSON number converts to, so that an
    /// `exp` past `long`'s range neither throws nor wraps round to a long stay (audit V32:
    /// `1e23` answered 500, `-1e300` was kept the whole `cacheTtl`).
    private var duration: String {
        "@{ var exp = JObject.Parse(\(Self.result))[\"exp\"]; var ttl = \(details.effectiveCacheTtl)L; if (exp != null && (exp.Type == JTokenType.Integer || exp.Type == JTokenType.Float)) { var left = (double)exp - DateTimeOffset.UtcNow.ToUnixTimeSeconds(); if (left < ttl) { ttl = left < 1 ? 1L : (long)left; } } return (int)Math.Max(ttl, 1L); }"
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
    private func request(into writer: inout PolicyWriter) {
        let variable = { (name: String) in "System.Net.WebUtility.UrlEncode((string)context.Variables[\"\(name)\"])" }
        writer.element("set-url", text: .literal(details.endpoint.value))
        writer.element("set-method", text: .literal("POST"))
        writer.element("set-header", [("name", .literal("Content-Type")), ("exists-action", .literal("override"))]) { writer in
            writer.element("value", text: .literal("application/x-www-form-urlencoded"))
        }
        writer.element("set-header", [("name", .literal("Authorization")), ("exists-action", .literal("override"))]) { writer in
            writer.element(
                "value",
                text: .code(
                    "@(\"Basic \" + Convert.ToBase64String(Encoding.UTF8.GetBytes(\(variable(PolicyNames.clientId)) + \":\" + \(variable(PolicyNames.clientSecret)))))"
                ))
        }
        writer.element("set-body", text: .code("@(\"token=\" + Uri.EscapeDataString((string)context.Variables[\"\(PolicyNames.bearer)\"]))"))
    }

    /// The client credentials as variables; the secret comes from its named value.
    private func credentials(into writer: inout PolicyWriter) {
        let secretName: String
        if case .reference(let name) = details.clientSecret { secretName = name.value } else { secretName = "" }
        writer.element("set-variable", [("name", .literal(PolicyNames.clientId)), ("value", .literal(details.clientId.value))])
        writer.element("set-variable", [("name", .literal(PolicyNames.clientSecret)), ("value", .literal("{{\(secretName)}}"))])
    }
}
