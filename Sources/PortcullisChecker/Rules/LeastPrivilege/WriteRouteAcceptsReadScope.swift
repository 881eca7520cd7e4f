import PortcullisDiagnostics
import PortcullisModel

/// LP003: a read-only token can change data.
public enum WriteRouteAcceptsReadScope: Rule {
    public static let code = DiagnosticCode(
        "LP003", "write-route-accepts-read-scope", .error,
        summary: "a POST, PUT, PATCH or DELETE route, or one its 'rewrite' or a raw 'set-method' sends to its backend as one, that a token holding only a read scope can call")

    public static let description = RuleDescription(
        code,
        rationale: """
            Read scopes are handed out widely: to dashboards, reporting jobs, partners who only look. \
            A write route that accepts one lets every such client change or delete data.
            """,
        fix: """
            Require a write or admin scope: remove the read scope from an 'any' list, or add a write \
            scope to an 'all' list.
            """,
        triggering: [
            RuleExample.api(
                routes: """
                  - id: create-order
                    method: POST
                    path: /orders
                    scopes: [orders.write, ↓orders.read]
                  - id: delete-order
                    method: DELETE
                    path: /orders/{id}
                    scopes: ↓{all: [orders.read]}
                  - id: import-orders
                    method: PUT
                    path: /orders
                    scopes: [orders.write]
                    appRoles: [↓orders.read]
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: create-order
                    method: POST
                    path: /orders
                    scopes: [orders.write]
                  - id: update-order
                    method: PATCH
                    path: /orders/{id}
                    scopes: {all: [orders.write, orders.read]}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        // Scopes and app roles are alternatives: either one granting write access to a read
        // permission opens the route to read-only tokens.
        var access = ScopeAccess(context)
        for route in context.routes {
            var setter: String?
            if route.written.method.value.effect != .write {
                // The backend sees the method the gateway sends, not the one the route names.
                if let sent = route.written.rewrittenMethod, sent.value.effect == .write {
                    setter = "its 'rewrite' sends to its backend as \(sent.value.rawValue)"
                } else {
                    guard !context.rawScopes.isEmpty, let (owner, name) = context.rawStatementInInbound(.writeMethodSet, on: route) else { continue }
                    setter = "raw '\(name)' in \(owner) sends to its backend as a write"
                }
            }
            for requirement in route.written.permissions where !requirement.scopes.isEmpty {
                check(requirement, of: route, sentOnBy: setter, context, &access, &findings)
            }
        }
    }

    /// `setter` says what sends a read route on as a write: its `rewrite` or a raw statement.
    private static func check(
        _ requirement: ScopeRequirement, of route: EffectiveRoute, sentOnBy setter: String?, _ context: CheckContext,
        _ access: inout ScopeAccess, _ findings: inout DiagnosticCollector
    ) {
        // Made only for a finding: most routes have none.
        var described: String {
            let named = "\(route.written.method.value.rawValue) route '\(route.written.id.value)'"
            guard let setter else { return named }
            return named + ", which \(setter),"
        }
        switch requirement.match {
        case .any:
            for scope in requirement.scopes where access.level(of: scope.value) == .read {
                findings.report(
                    code, "\(described) accepts the read scope '\(scope.value)'", at: scope.range,
                    notes: context.declarationNote(of: scope.value))
            }
        case .all:
            if requirement.scopes.allSatisfy({ access.level(of: $0.value) == .read }) {
                findings.report(code, "\(described) can be called with read scopes only", at: requirement.range)
            }
        }
    }
}
