import PortcullisDiagnostics
import PortcullisModel

/// LP004: reading needs more than read rights.
public enum ReadRouteRequiresElevatedScope: Rule {
    public static let code = DiagnosticCode(
        "LP004", "read-route-requires-elevated-scope", .warning,
        summary: "a GET, HEAD or OPTIONS route, not sent to its backend as a write, that no read scope satisfies")

    public static let description = RuleDescription(
        code,
        rationale: """
            When a read route demands write or admin rights, clients that only read must be given \
            those rights, which they can then use on write routes too. Scopes stay least-privilege \
            only if reading needs nothing more than a read scope.
            """,
        fix: "Accept a read scope on the route, declaring one with 'access: read' if the catalogue has none.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: ↓[orders.write, orders.admin]
                  - id: get-order
                    method: GET
                    path: /orders/{id}
                    scopes: {all: [orders.read, ↓orders.admin]}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read, orders.admin]
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        var access = ScopeAccess(context)
        // A read route its 'rewrite' sends to the backend as a write is a write (LP003).
        for route in context.routes where route.written.method.value.effect == .read && (route.written.rewrittenMethod?.value.effect ?? .read) == .read {
            for requirement in route.written.permissions where !requirement.scopes.isEmpty {
                check(requirement, of: route, context, &access, &findings)
            }
        }
    }

    private static func check(
        _ requirement: ScopeRequirement, of route: EffectiveRoute, _ context: CheckContext, _ levels: inout ScopeAccess,
        _ findings: inout DiagnosticCollector
    ) {
        // Undeclared scopes are RF001's to report; judging access needs them all. One pass
        // looks each scope up once.
        var readScopes = 0
        for scope in requirement.scopes {
            guard let access = levels.level(of: scope.value) else { return }
            if access == .read { readScopes += 1 }
        }
        let id = route.written.id.value
        switch requirement.match {
        case .any:
            if readScopes == 0 {
                findings.report(
                    code, "read route '\(id)' accepts no read scope, only write or admin ones", at: requirement.range)
            }
        case .all:
            guard readScopes < requirement.scopes.count else { return }
            for scope in requirement.scopes {
                guard let access = levels.level(of: scope.value), access != .read else { continue }
                findings.report(
                    code, "read route '\(id)' requires the \(access.rawValue) scope '\(scope.value)'",
                    at: scope.range, notes: context.declarationNote(of: scope.value))
            }
        }
    }
}
