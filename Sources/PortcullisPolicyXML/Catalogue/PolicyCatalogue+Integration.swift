// Calls to other services, logging and metrics, and control of the policy's own flow.
extension PolicyCatalogue {
    static let integrationStatements: [StatementSpec] = [
        StatementSpec(.policy("send-request", optional: [
            "mode", "response-variable-name", "timeout", "timeout-ms", "ignore-error", "buffer-response",
            "fail-on-error-status-code",
        ], .elements(outgoingRequest)), in: .all),
        StatementSpec(.policy("send-one-way-request", optional: ["mode", "timeout"], .elements(outgoingRequest)), in: .all),
        // The text is the message to log.
        StatementSpec(.policy("log-to-eventhub", required: ["logger-id"], optional: ["partition-id", "partition-key"], .text),
            in: .all),
        // The content is the message to publish, often a Liquid template.
        StatementSpec(.policy("publish-to-dapr", required: ["topic"], optional: [
            "pubsub-name", "template", "response-variable-name", "timeout", "ignore-error", "content-type",
        ], .freeForm), in: [.inbound]),
        // A message to a Service Bus queue or topic (preview; its page, not the schema).
        StatementSpec(.policy("send-service-bus-message", optional: ["queue-name", "topic-name", "namespace", "client-id"], .elements([
            ElementSpec("message-properties", .elements([ElementSpec("message-property", required: ["name"], .text)])),
            ElementSpec("payload", .text),
        ])), in: [.inbound, .outbound, .onError]),
        // Its page lists 'content-type', which the schema does not have.
        StatementSpec(.policy("invoke-dapr-binding", required: ["name"], optional: [
            "operation", "template", "response-variable-name", "timeout", "ignore-error", "content-type",
        ], .elements([
            ElementSpec("metadata", .elements([ElementSpec("item", required: ["key"], .text)])),
            ElementSpec("data", .freeForm),
        ])), in: [.inbound, .outbound, .onError]),

        // Its own page lists inbound, outbound and backend; the page on error handling lists it
        // among the statements 'on-error' may hold, and real estates log errors with it there.
        StatementSpec(.policy("trace", required: ["source"], optional: ["severity"], .elements([
            .text("message"), ElementSpec("metadata", required: ["name", "value"]),
        ])), in: .all),
        StatementSpec(.policy("emit-metric", required: ["name"], optional: ["namespace", "value", "default-dimensions"], .elements([
            dimension,
        ])), in: .all),
        StatementSpec(tokenMetric("llm-emit-token-metric"), in: [.inbound]),
        StatementSpec(tokenMetric("azure-openai-emit-token-metric"), in: [.inbound]),
        StatementSpec(.policy("llm-content-safety", required: ["backend-id"], optional: ["shield-prompt"], .elements([
            ElementSpec("categories", optional: ["output-type"], .elements([
                ElementSpec("category", required: ["name", "threshold"]),
            ])),
            ElementSpec("blocklists", .elements([.text("id")])),
        ])), in: [.inbound]),
    ]

    /// What `send-request` and `send-one-way-request` may hold: the request to send and how
    /// to authenticate it. The two token elements are APIM's, in its schema only.
    private static let outgoingRequest: [ElementSpec] = [
        .text("set-url"), setMethod, setHeader, setBody, authenticationCertificate,
        ElementSpec.policy("authentication-token", optional: ["token-type", "token-service-url", "resource-url", "ignore-error"]),
        ElementSpec.policy("authentication-token-store", optional: [
            "token-id", "client-id", "output-token-variable-name", "ignore-error",
        ]),
        authenticationManagedIdentity, proxy,
    ]

    private static let dimension = ElementSpec("dimension", required: ["name"], optional: ["value"])

    /// `llm-emit-token-metric` and its older name for Azure OpenAI. Its page lists 'value',
    /// which the schema does not have.
    private static func tokenMetric(_ name: String) -> ElementSpec {
        .policy(name, optional: ["namespace", "value", "name", "value-type", "ignore-prompt"], .elements([dimension]))
    }
}
