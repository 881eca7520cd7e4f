import PortcullisSupport
import PortcullisModel

/// Token checks for one authenticated operation: 401 for a missing or invalid token,
/// 403 for a valid token without the route's scopes.
enum AuthPolicies {
    static func elements(for provider: IdentityProvider, scopes: ScopeRequirement?, redis: Redis?, keyPrefix: String) -> [PolicyElement] {
        switch provider.details {
        case .jwt(let jwt): return jwtElements(provider, jwt, scopes)
        case .introspection(let details): return introspectionElements(provider, details, scopes, redis: redis, keyPrefix: keyPrefix)
        }
    }

    // MARK: JWT

    /// The first check validates the token and keeps it for later policies; the second
    /// runs only on a valid token, so its failure means missing scopes: 403.
    private static func jwtElements(_ provider: IdentityProvider, _ jwt: IdentityProvider.JWT, _ scopes: ScopeRequirement?) -> [PolicyElement] {
        func validate(code: Int, message: String, output: Bool, claims: PolicyElement?) -> PolicyElement {
            var attributes: [(String, PolicyValue)] = [
                ("header-name", .literal("Authorization")),
                ("failed-validation-httpcode", .number(code)),
                ("failed-validation-error-message", .literal(message)),
                ("require-scheme", .literal("Bearer")),
            ]
            if output { attributes.append(("output-token-variable-name", .literal(PolicyNames.token))) }
            var children = [
                PolicyElement("openid-config", [("url", .literal(jwt.openidConfig.value))]),
                PolicyElement("audiences", [], jwt.audiences.map { PolicyElement("audience", text: .literal($0.value)) }),
                PolicyElement("issuers", [], [PolicyElement("issuer", text: .literal(jwt.issuer.value))]),
            ]
            if let claims { children.append(PolicyElement("required-claims", [], [claims])) }
            return PolicyElement("validate-jwt", attributes, children)
        }
        var elements = [validate(code: 401, message: "Unauthorized", output: true, claims: nil)]
        if let scopes, !scopes.scopes.isEmpty {
            let claim = PolicyElement(
                "claim",
                [
                    ("name", .literal(provider.effectiveScopeClaim)),
                    ("match", .literal(scopes.match.rawValue)),
                    ("separator", .literal(" ")),
                ],
                scopes.scopes.map { PolicyElement("value", text: .literal($0.value)) })
            elements.append(validate(code: 403, message: "Forbidden", output: false, claims: claim))
        }
        return elements
    }

    // MARK: Introspection

    /// RFC 7662 introspection with the result cached under a hash of the token, never the
    /// token itself, for at most the provider's `cacheTtl` and never past the token's `exp`.
    private static func introspectionElements(
        _ provider: IdentityProvider, _ details: IdentityProvider.Introspection, _ scopes: ScopeRequirement?,
        redis: Redis?, keyPrefix: String
    ) -> [PolicyElement] {
        let cachingType = PolicyValue.literal(redis == nil ? "internal" : "external")
        let cacheKey = PolicyValue.code(
            "@(" + PolicyExpression.csharpString("\(keyPrefix):introspection:\(provider.name.value):")
                + " + Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes((string)context.Variables[\"\(PolicyNames.bearer)\"]))))")
        let result = "JObject.Parse((string)context.Variables[\"\(PolicyNames.introspection)\"])"
        let secretName: String
        if case .reference(let name) = details.clientSecret { secretName = name.value } else { secretName = "" }

        let unauthorized = returnResponse(401, "Unauthorized", challenge: true)
        let lookup: [PolicyElement] = [
            PolicyElement(
                "set-variable",
                [
                    ("name", .literal(PolicyNames.bearer)),
                    ("value", .code(
                        "@{ var header = context.Request.Headers.GetValueOrDefault(\"Authorization\", \"\"); return header.StartsWith(\"Bearer \", StringComparison.OrdinalIgnoreCase) ? header.Substring(7).Trim() : \"\"; }"
                    )),
                ]),
            choose([(.code("@(string.IsNullOrEmpty((string)context.Variables[\"\(PolicyNames.bearer)\"]))"), [unauthorized])]),
            PolicyElement(
                "cache-lookup-value",
                [("key", cacheKey), ("variable-name", .literal(PolicyNames.introspection)), ("caching-type", cachingType)]),
        ]
        let ttl = details.effectiveCacheTtl
        let fetch = choose([
            (
                .code("@(!context.Variables.ContainsKey(\"\(PolicyNames.introspection)\"))"),
                [
                    PolicyElement("set-variable", [("name", .literal(PolicyNames.clientId)), ("value", .literal(details.clientId.value))]),
                    PolicyElement("set-variable", [("name", .literal(PolicyNames.clientSecret)), ("value", .literal("{{\(secretName)}}"))]),
                    PolicyElement(
                        "send-request",
                        [
                            ("mode", .literal("new")), ("response-variable-name", .literal(PolicyNames.introspectionResponse)),
                            ("timeout", .number(10)), ("ignore-error", .literal("false")),
                        ],
                        [
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
                                            "@(\"Basic \" + Convert.ToBase64String(Encoding.UTF8.GetBytes((string)context.Variables[\"\(PolicyNames.clientId)\"] + \":\" + (string)context.Variables[\"\(PolicyNames.clientSecret)\"])))"
                                        ))
                                ]),
                            PolicyElement(
                                "set-body",
                                text: .code("@(\"token=\" + Uri.EscapeDataString((string)context.Variables[\"\(PolicyNames.bearer)\"]))")),
                        ]),
                    PolicyElement(
                        "set-variable",
                        [
                            ("name", .literal(PolicyNames.introspection)),
                            ("value", .code("@(((IResponse)context.Variables[\"\(PolicyNames.introspectionResponse)\"]).Body.As<string>())")),
                        ]),
                    PolicyElement(
                        "cache-store-value",
                        [
                            ("key", cacheKey),
                            ("value", .code("@((string)context.Variables[\"\(PolicyNames.introspection)\"])")),
                            ("duration", .code(
                                "@{ var exp = (long?)\(result)[\"exp\"]; var ttl = \(ttl)L; if (exp.HasValue) { ttl = Math.Min(ttl, exp.Value - DateTimeOffset.UtcNow.ToUnixTimeSeconds()); } return (int)Math.Max(ttl, 1L); }"
                            )),
                            ("caching-type", cachingType),
                        ]),
                ]
            )
        ])
        var decisions: [(PolicyValue, [PolicyElement])] = [
            (.code("@(!(\(result)[\"active\"]?.Value<bool>() ?? false))"), [unauthorized])
        ]
        if let scopes, !scopes.scopes.isEmpty {
            let required = "new[] { " + scopes.scopes.map { PolicyExpression.csharpString($0.value) }.joined(separator: ", ") + " }"
            let claim = PolicyExpression.csharpString(provider.effectiveScopeClaim)
            let test = scopes.match == .any ? "Any" : "All"
            decisions.append(
                (
                    .code(
                        "@{ var granted = ((string)\(result)[\(claim)] ?? \"\").Split(' '); return !\(required).\(test)(scope => granted.Contains(scope)); }"
                    ),
                    [returnResponse(403, "Forbidden", challenge: false)]
                ))
        }
        return lookup + [fetch, choose(decisions)]
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
