// Statements that hold or bring in other statements.
extension PolicyCatalogue {
    static let flowStatements: [StatementSpec] = [
        // Runs the parent scope's statements of the same section here; a global policy and a
        // fragment have no parent.
        StatementSpec(ElementSpec("base"), in: .all, at: [.product, .api, .operation]),
        // A fragment cannot include another fragment.
        StatementSpec(.policy("include-fragment", required: ["fragment-id"]), in: .all,
            at: [.global, .product, .api, .operation]),
        StatementSpec(.policy("choose", .elements([
            ElementSpec("when", required: ["condition"], .statements),
            ElementSpec("otherwise", .statements),
        ])), in: .all),
        StatementSpec(.policy("retry", required: ["condition", "count", "interval"], optional: [
            "max-interval", "delta", "first-fast-retry",
        ], .statements), in: .all),
        // Its page makes 'for' optional (default "all"), where the schema requires it, and
        // allows three statements inside, where the schema has seven.
        StatementSpec(.policy("wait", optional: ["for"], .statementsAmong(["send-request", "cache-lookup-value", "choose"])),
            in: [.inbound, .outbound, .backend]),
    ]
}
