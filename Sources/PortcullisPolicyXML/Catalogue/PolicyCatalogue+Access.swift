// Rate limits, quotas, authentication and authorization.
extension PolicyCatalogue {
    static let accessStatements: [StatementSpec] = [
        // The pages make 'calls' and 'renewal-period' required; the schema leaves both optional.
        StatementSpec(.policy("rate-limit", required: ["calls", "renewal-period"], optional: rateLimitHeaderNames, .elements([
            rateLimitAPI, rateLimitOperation,
        ])), in: [.inbound], at: [.product, .api, .operation, .fragment], oncePerPolicy: true),
        StatementSpec(.policy("rate-limit-by-key", required: ["calls", "renewal-period", "counter-key"], optional: [
            "increment-condition", "increment-count", "increment-after-response", "flexible-retry-window",
        ] + rateLimitHeaderNames), in: [.inbound]),
        // The page makes 'renewal-period' required; the schema leaves it optional.
        StatementSpec(.policy("quota", required: ["renewal-period"], optional: ["calls", "bandwidth"], .elements([
            ElementSpec("api", optional: ["name", "id", "calls", "bandwidth", "renewal-period"], .elements([
                ElementSpec("operation", optional: ["name", "id", "calls", "bandwidth", "renewal-period"]),
            ])),
        ])), in: [.inbound], at: [.product, .fragment], oncePerPolicy: true),
        // The page makes 'renewal-period' required; the schema leaves it optional.
        StatementSpec(.policy("quota-by-key", required: ["counter-key", "renewal-period"], optional: [
            "calls", "bandwidth", "increment-condition", "increment-count", "first-period-start",
        ]), in: [.inbound]),
        StatementSpec(.policy("limit-concurrency", required: ["key", "max-count"], .statements), in: .all),
        StatementSpec(tokenLimit("llm-token-limit"), in: [.inbound]),
        StatementSpec(tokenLimit("azure-openai-token-limit"), in: [.inbound]),

        // The page makes 'failed-check-error-message' and 'ignore-case' required; the schema
        // leaves them optional.
        StatementSpec(.policy("check-header", required: [
            "name", "failed-check-httpcode", "failed-check-error-message", "ignore-case",
        ], .elements([.text("value")])), in: [.inbound]),
        StatementSpec(.policy("get-authorization-context", required: [
            "provider-id", "authorization-id", "context-variable-name",
        ], optional: ["identity-type", "identity", "ignore-error"]), in: [.inbound]),
        // The page makes 'action' required; the schema leaves it optional.
        StatementSpec(.policy("ip-filter", required: ["action"], .elements([
            .text("address"), ElementSpec("address-range", required: ["from", "to"]),
        ])), in: [.inbound]),
        StatementSpec(validateJWT, in: [.inbound]),
        StatementSpec(validateAzureADToken, in: [.inbound]),
        StatementSpec(.policy("validate-client-certificate", optional: [
            "validate-revocation", "validate-trust", "validate-not-before", "validate-not-after", "ignore-error",
        ], .elements([
            ElementSpec("identities", .elements([
                ElementSpec("identity", optional: [
                    "thumbprint", "serial-number", "common-name", "subject", "dns-name", "issuer-subject",
                    "issuer-thumbprint", "issuer-certificate-id",
                ]),
            ])),
        ])), in: [.inbound]),
        StatementSpec(authenticationBasic, in: [.inbound]),
        StatementSpec(authenticationCertificate, in: [.inbound]),
        StatementSpec(authenticationManagedIdentity, in: [.inbound]),
    ]

    private static let rateLimitHeaderNames = [
        "retry-after-header-name", "retry-after-variable-name", "remaining-calls-header-name",
        "remaining-calls-variable-name", "total-calls-header-name",
    ]
    private static let rateLimitOperation = ElementSpec(
        "operation", required: ["calls", "renewal-period"], optional: ["name", "id"] + rateLimitHeaderNames)
    private static let rateLimitAPI = ElementSpec(
        "api", required: ["calls", "renewal-period"], optional: ["name", "id"] + rateLimitHeaderNames,
        .elements([rateLimitOperation]))

    /// `llm-token-limit` and its older name `azure-openai-token-limit`, which APIM still accepts.
    private static func tokenLimit(_ name: String) -> ElementSpec {
        .policy(name, required: ["counter-key", "estimate-prompt-tokens"], optional: [
            "tokens-per-minute", "token-quota", "token-quota-period", "prompt-type", "ignore-prompt",
            "retry-after-header-name", "retry-after-variable-name", "remaining-tokens-header-name",
            "remaining-tokens-variable-name", "remaining-quota-tokens-header-name",
            "remaining-quota-tokens-variable-name", "tokens-consumed-header-name", "tokens-consumed-variable-name",
        ])
    }

    private static let requiredClaims = ElementSpec("required-claims", .elements([
        ElementSpec("claim", required: ["name"], optional: ["match", "separator"], .elements([.text("value")])),
    ]))

    // The page requires one of 'header-name', 'query-parameter-name' and 'token-value'; no
    // single attribute is required.
    private static let validateJWT = ElementSpec.policy("validate-jwt", optional: [
        "header-name", "query-parameter-name", "token-value", "failed-validation-httpcode",
        "failed-validation-error-message", "require-expiration-time", "require-scheme", "require-signed-tokens",
        "clock-skew", "output-token-variable-name",
    ], .elements([
        ElementSpec("openid-config", required: ["url"], optional: ["host"]),
        ElementSpec("issuer-signing-tokens", .elements([.text("token")])),
        ElementSpec("issuer-signing-keys", .elements([
            ElementSpec("key", optional: ["id", "certificate-id", "n", "e"], .text),
            ElementSpec("zumo-master-key", optional: ["id"], .text),
        ])),
        ElementSpec("decryption-keys", .elements([ElementSpec("key", optional: ["id", "certificate-id"], .text)])),
        ElementSpec("audiences", .elements([.text("audience")])),
        ElementSpec("issuers", .elements([.text("issuer")])),
        requiredClaims,
    ]))

    private static let validateAzureADToken = ElementSpec.policy("validate-azure-ad-token", required: ["tenant-id"], optional: [
        "header-name", "query-parameter-name", "token-value", "authentication-endpoint", "require-scheme",
        "failed-validation-httpcode", "failed-validation-error-message", "output-token-variable-name",
        "allow-protected-forwarded-tokens", "allow-proof-of-possession-tokens",
    ], .elements([
        ElementSpec("backend-application-ids", .elements([.text("application-id")])),
        ElementSpec("client-application-ids", .elements([.text("application-id")])),
        ElementSpec("audiences", .elements([.text("audience")])),
        requiredClaims,
        ElementSpec("decryption-keys", .elements([ElementSpec("key", required: ["certificate-id"], optional: ["id"])])),
    ]))

    static let authenticationBasic = ElementSpec.policy("authentication-basic", required: ["username", "password"])
    static let authenticationCertificate = ElementSpec.policy(
        "authentication-certificate", optional: ["thumbprint", "certificate-id", "body", "password"])
    // The page makes 'resource' required; the schema leaves it optional.
    static let authenticationManagedIdentity = ElementSpec.policy(
        "authentication-managed-identity", required: ["resource"],
        optional: ["client-id", "output-token-variable-name", "ignore-error"])
}
