// Validation of requests and responses against the API's schema.
extension PolicyCatalogue {
    static let validationStatements: [StatementSpec] = [
        StatementSpec(.policy("validate-content", required: [
            "unspecified-content-type-action", "max-size", "size-exceeded-action",
        ], optional: ["errors-variable-name"], .elements([
            ElementSpec("content-type-map", optional: ["any-content-type-value", "missing-content-type-value"], .elements([
                ElementSpec("type", required: ["to"], optional: ["from", "when"]),
            ])),
            ElementSpec("content", required: ["validate-as", "action"], optional: [
                "type", "schema-id", "schema-ref", "allow-additional-properties", "case-insensitive-property-names",
            ]),
        ])), in: [.inbound, .outbound, .onError]),
        StatementSpec(.policy("validate-parameters", required: [
            "specified-parameter-action", "unspecified-parameter-action",
        ], optional: ["errors-variable-name"], .elements([
            ElementSpec("headers", required: ["specified-parameter-action", "unspecified-parameter-action"], .elements([parameter])),
            ElementSpec("query", required: ["specified-parameter-action", "unspecified-parameter-action"], .elements([parameter])),
            ElementSpec("path", required: ["specified-parameter-action"], .elements([parameter])),
        ])), in: [.inbound]),
        StatementSpec(.policy("validate-headers", required: [
            "specified-header-action", "unspecified-header-action",
        ], optional: ["errors-variable-name"], .elements([
            ElementSpec("header", required: ["name", "action"]),
        ])), in: [.outbound, .onError]),
        StatementSpec(.policy("validate-status-code", required: ["unspecified-status-code-action"], optional: [
            "errors-variable-name",
        ], .elements([
            ElementSpec("status-code", required: ["code", "action"]),
        ])), in: [.outbound, .onError]),
        // The page lists no operation scope: an OData API is validated as a whole.
        StatementSpec(.policy("validate-odata-request", optional: [
            "error-variable-name", "default-odata-version", "min-odata-version", "max-odata-version", "max-size",
        ]), in: [.inbound], at: [.global, .product, .api, .fragment]),
        // The page makes 'max-size' required; the schema leaves it optional.
        StatementSpec(.policy("validate-graphql-request", required: ["max-size"], optional: [
            "error-variable-name", "max-depth", "max-total-depth", "max-complexity",
        ], .elements([
            ElementSpec("authorize", .elements([ElementSpec("rule", required: ["path"], optional: ["action"])])),
        ])), in: [.inbound]),
    ]

    private static let parameter = ElementSpec("parameter", required: ["name", "action"])
}
