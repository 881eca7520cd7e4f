import PortcullisDiagnostics
import PortcullisModel

/// LP006: a declared scope no route requires.
public enum UnusedScope: Rule {
    public static let code = DiagnosticCode(
        "LP006", "unused-scope", .warning,
        summary: "a declared scope that no route requires and no raw token check's 'required-claims' asks for")

    public static let description = RuleDescription(
        code,
        rationale: """
            A scope nothing requires grants nothing at the gateway, yet it is still issued in tokens \
            and still suggests to readers that it protects something. It is usually a leftover of a \
            removed route or a typo's twin.
            """,
        fix: "Require the scope on the routes it was meant for, or remove it from the catalogue.",
        triggering: [
            RuleExample.gateway(
                """
                scopes:
                  orders.read: {access: read}
                  ↓orders.export: {access: read}
                """,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """)
        ],
        nonTriggering: [
            RuleExample.gateway(
                """
                scopes:
                  orders.read: {access: read}
                """,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        // A route in an unreadable part of the inputs may use the scope.
        guard context.project.complete else { return }
        // The resolver found the required scopes while it checked every route's references;
        // walking every route again here cost more than any other rule.
        let required = context.project.requiredScopes
        let inBrokenParts = context.project.namesInBrokenParts
        let unused = (context.project.gateway?.scopes ?? []).filter { !required.contains($0.name.value) && !inBrokenParts.contains($0.name.value) }
        guard !unused.isEmpty else { return }
        let claimed = claimedByRawChecks(context)
        for scope in unused where !claimed.contains(scope.name.value) {
            findings.report(code, "scope '\(scope.name.value)' is declared but no route requires it", at: scope.name.range)
        }
    }

    /// The values raw token checks' `required-claims` ask for, named values put in: a scope
    /// a raw check requires is used (found by an audit: an estate whose checks are all raw
    /// had each of its scopes reported).
    private static func claimedByRawChecks(_ context: CheckContext) -> Set<String> {
        var claimed = Set<String>()
        for scope in context.rawScopes {
            for check in scope.elements(named: tokenChecks) {
                for claim in check.requiredClaims {
                    claimed.formUnion(claim.claimValues(context.namedValues).compactMap { $0 })
                }
            }
        }
        return claimed
    }

    private static let tokenChecks: Set<String> = ["validate-jwt", "validate-azure-ad-token"]
}
