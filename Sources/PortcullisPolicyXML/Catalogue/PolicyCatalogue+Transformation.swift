// Changes to the request and the response, and responses the gateway writes itself.
extension PolicyCatalogue {
    static let transformationStatements: [StatementSpec] = [
        StatementSpec(setMethod, in: [.inbound, .onError]),
        StatementSpec(setStatus, in: .all),
        StatementSpec(.policy("set-variable", required: ["name", "value"]), in: .all),
        StatementSpec(setBody, in: [.inbound, .outbound, .backend]),
        StatementSpec(setHeader, in: .all),
        StatementSpec(.policy("set-query-parameter", required: ["name"], optional: ["exists-action"], .elements([
            .text("value"),
        ])), in: [.inbound, .backend]),
        StatementSpec(.policy("rewrite-uri", required: ["template"], optional: ["copy-unmatched-params"]), in: [.inbound]),
        StatementSpec(.policy("json-to-xml", required: ["apply"], optional: [
            "consider-accept-header", "parse-date", "namespace-separator", "namespace-prefix", "attribute-block-name",
            "attribute-prefix", "namespace-block-name", "invalid-character-replacement", "null-values", "trim-values",
            "empty-values",
        ]), in: [.inbound, .outbound, .onError]),
        StatementSpec(.policy("xml-to-json", required: ["kind", "apply"], optional: [
            "consider-accept-header", "preserve-whitespace-nodes", "empty-values", "trim-values",
            "always-array-child-elements",
        ]), in: [.inbound, .outbound, .onError]),
        StatementSpec(.policy("find-and-replace", required: ["from", "to"]), in: .all),
        StatementSpec(.policy("redirect-content-urls"), in: [.inbound, .outbound]),
        // Not in APIM's schema. Its parameters and stylesheet are the author's XSLT.
        StatementSpec(.policy("xsl-transform", .freeForm), in: [.inbound, .outbound]),
        StatementSpec(.policy("return-response", optional: ["response-variable-name"], .elements([
            setStatus, setHeader, setBody,
        ])), in: .all),
        StatementSpec(.policy("mock-response", optional: ["status-code", "content-type", "enabled", "index"]),
            in: [.inbound, .outbound, .onError]),

        // Its content follows Adobe's cross-domain policy file format, not APIM's.
        StatementSpec(.policy("cross-domain", .freeForm), in: [.inbound], at: [.global, .fragment]),
        StatementSpec(.policy("cors", optional: ["allow-credentials", "terminate-unmatched-request"], .elements([
            ElementSpec("allowed-origins", .elements([.text("origin")])),
            ElementSpec("allowed-methods", optional: ["preflight-result-max-age"], .elements([.text("method")])),
            ElementSpec("allowed-headers", .elements([.text("header")])),
            ElementSpec("expose-headers", .elements([.text("header")])),
        ])), in: [.inbound]),
        StatementSpec(.policy("jsonp", required: ["callback-parameter-name"]), in: [.outbound]),
    ]

    static let setMethod = ElementSpec.policy("set-method", .text)
    static let setStatus = ElementSpec.policy("set-status", optional: ["code", "reason"])
    static let setHeader = ElementSpec.policy("set-header", required: ["name"], optional: ["exists-action"], .elements([
        .text("value"),
    ]))
    /// Its content is the body: text, an expression, or a Liquid template, which may well
    /// look like XML.
    static let setBody = ElementSpec.policy(
        "set-body", optional: ["template", "xsi-nil", "parse-date", "html-decode-expression"], .freeForm)
}
