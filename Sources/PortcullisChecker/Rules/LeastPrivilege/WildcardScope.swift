import PortcullisDiagnostics
import PortcullisModel

/// LP005: a scope that means "everything".
public enum WildcardScope: Rule {
    public static let code = DiagnosticCode(
        "LP005", "wildcard-scope", .error,
        summary: "a scope name with '*', or a catch-all scope named '.default', 'all' or 'admin'")

    public static let description = RuleDescription(
        code,
        rationale: """
            Wildcards and catch-all scopes grant whatever exists now and whatever is added later, \
            so no reviewer can tell what a token holding one may do. '.default' in Entra ID even \
            means every permission consented to the application.
            """,
        fix: "Declare specific scopes, one per kind of access ('orders.read', 'orders.write'), and require those.",
        triggering: [
            RuleExample.gateway(
                """
                scopes:
                  ↓orders.*: {access: admin}
                  ↓admin: {access: admin}
                  orders.read: {access: read}
                """)
        ],
        nonTriggering: [
            RuleExample.gateway(
                """
                scopes:
                  orders.admin: {access: admin}
                  orders.read: {access: read}
                """)
        ])

    static let catchAllNames: Set<String> = [".default", "all", "admin"]

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for scope in context.project.gateway?.scopes ?? [] {
            let name = scope.name.value
            if name.utf8.contains(UInt8(ascii: "*")) {
                findings.report(code, "scope '\(name)' is a wildcard", at: scope.name.range)
            } else if catchAllNames.contains(name) {
                findings.report(code, "scope '\(name)' is a catch-all name", at: scope.name.range)
            }
        }
    }
}
