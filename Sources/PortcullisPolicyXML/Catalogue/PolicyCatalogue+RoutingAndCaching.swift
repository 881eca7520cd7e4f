// Routing to the backend and response and value caching.
extension PolicyCatalogue {
    static let routingAndCachingStatements: [StatementSpec] = [
        StatementSpec(.policy("forward-request", optional: [
            "timeout", "timeout-ms", "continue-timeout", "follow-redirects", "buffer-request-body", "buffer-response",
            "fail-on-error-status-code", "http-version",
        ]), in: [.backend]),
        // 'base-url' or 'backend-id'; the 'sf-' attributes address Service Fabric, the 'dapr-'
        // ones a Dapr sidecar (the page for Dapr makes 'backend-id' required: "dapr").
        StatementSpec(.policy("set-backend-service", optional: [
            "base-url", "backend-id", "sf-resolve-condition", "sf-service-instance-name", "sf-partition-key",
            "sf-listener-name", "sf-replica-type", "dapr-app-id", "dapr-method", "dapr-namespace",
        ]), in: [.inbound, .backend]),
        StatementSpec(proxy, in: [.inbound]),

        // Not inside a fragment, says its page; it must pair with 'cache-store'.
        StatementSpec(.policy("cache-lookup", required: ["vary-by-developer", "vary-by-developer-groups"], optional: [
            "caching-type", "downstream-caching-type", "must-revalidate", "allow-private-response-caching",
        ], .elements([.text("vary-by-header"), .text("vary-by-query-parameter")])),
        in: [.inbound], at: [.global, .product, .api, .operation]),
        StatementSpec(.policy("cache-store", required: ["duration"], optional: ["cache-response", "caching-mode"]), in: [.outbound]),
        StatementSpec(.policy("cache-lookup-value", required: ["key", "variable-name"], optional: [
            "default-value", "caching-type",
        ]), in: .all),
        StatementSpec(.policy("cache-store-value", required: ["key", "value", "duration"], optional: ["caching-type"]), in: .all),
        StatementSpec(.policy("cache-remove-value", required: ["key"], optional: ["caching-type"]), in: .all),
        StatementSpec(semanticCacheLookup("llm-semantic-cache-lookup"), in: [.inbound]),
        StatementSpec(semanticCacheLookup("azure-openai-semantic-cache-lookup"), in: [.inbound]),
        StatementSpec(.policy("llm-semantic-cache-store", required: ["duration"], optional: ["cache-response"]), in: [.outbound]),
        StatementSpec(.policy("azure-openai-semantic-cache-store", required: ["duration"]), in: [.outbound]),
    ]

    static let proxy = ElementSpec.policy("proxy", required: ["url"], optional: ["username", "password"])

    /// `llm-semantic-cache-lookup` and its older name for Azure OpenAI.
    private static func semanticCacheLookup(_ name: String) -> ElementSpec {
        .policy(name, required: ["score-threshold", "embeddings-backend-id"], optional: [
            "embeddings-backend-auth", "ignore-system-messages", "max-message-count", "cache-id",
        ], .elements([.text("vary-by")]))
    }
}
