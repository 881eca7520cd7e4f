import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// LP003: a read-only token can change data.
public enum WriteRouteAcceptsReadScope: Rule {
    public static let code = DiagnosticCode(
        "LP003", "write-route-accepts-read-scope", .error,
        summary: "a POST, PUT, PATCH or DELETE route, or one its 'rewrite' or a raw 'set-method' sends to its backend as one, that a token holding only a read scope can call, also through a raw 'validate-jwt' or 'validate-azure-ad-token' whose 'required-claims' a read scope satisfies")

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
                """),
            // The route's only check is the raw one, and a read scope passes it.
            partnerCheck(#"<↓claim name="scp" match="any"><value>orders.read</value><value>orders.write</value></claim>"#),
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
                """),
            // Every claim a token must hold: the read scope and the write scope.
            partnerCheck(#"<claim name="scp" match="all"><value>orders.read</value><value>orders.write</value></claim>"#),
        ])

    /// An API whose public POST route is checked only by a raw `validate-jwt` requiring `claim`.
    private static func partnerCheck(_ claim: String) -> RuleExample {
        RuleExample.api(
            "partners",
            fields: "auth: none\nrateLimit: {calls: 10, per: 60s, key: ip}",
            rawInbound: """
                <validate-jwt header-name="Authorization">
                  <openid-config url="https://login.example.com/.well-known/openid-configuration" /><audiences><audience>api://orders</audience></audiences>
                  <required-claims>\(claim)</required-claims>
                </validate-jwt>
                """,
            routes: "  - {id: submit-order, method: POST, path: /orders, public: Partners sign their own tokens}\n")
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        // Scopes and app roles are alternatives: either one granting write access to a read
        // permission opens the route to read-only tokens.
        var access = ScopeAccess(context)
        for route in context.routes {
            guard let setter = sentAsWrite(route, context) else { continue }
            for requirement in route.written.permissions where !requirement.scopes.isEmpty {
                check(requirement, of: route, sentOnBy: setter, context, &access, &findings)
            }
        }
        if !context.rawScopes.isEmpty { checkRawTokenChecks(context, &access, &findings) }
    }

    /// Routes without a generated token check whose raw checks all pass a token holding
    /// only read scopes. A route with a generated check is judged by its own scopes above:
    /// a raw check beside it can only narrow who passes.
    private static func checkRawTokenChecks(_ context: CheckContext, _ access: inout ScopeAccess, _ findings: inout DiagnosticCollector) {
        let names = context.namedValues
        let callerControlled = context.callerControlledVariables
        var passingRead: [(scope: RawScope, check: PolicyXMLElement, claim: PolicyXMLElement, values: [String])] = []
        for scope in context.rawScopes {
            for check in scope.elements(named: tokenChecks) {
                if case .passesRead(let claim, let values) = readPass(of: check, names, callerControlled, &access) { passingRead.append((scope, check, claim, values)) }
            }
        }
        if passingRead.isEmpty { return }
        // Routes some raw check keeps from read-only tokens: a request passes every check
        // that runs on it, as LP001 reads them (not one in a product's policy, behind a
        // policy without '<base />' or in a 'choose' but on the branch of the route's
        // method, found by an audit), of the caller's token (a check of one the gateway
        // gives itself keeps no caller out, found by an audit).
        // Each route is judged once, not again for every check that passes a read token (800
        // products' checks over 4,000 routes judged each route 800 times, each time reading
        // its 800 products).
        var unguardedWrites: [ObjectIdentifier: String?] = [:]
        func unguardedWrite(_ route: EffectiveRoute) -> String? {
            if let known = unguardedWrites[ObjectIdentifier(route)] { return known }
            let found = sentAsWrite(route, context).flatMap { setter in
                let strict = context.rawTokenCheck(on: route) { check in
                    guard tokenChecks.contains(check.name), case .asksMore = readPass(of: check, names, callerControlled, &access) else { return false }
                    return true
                }
                return strict == nil ? described(route, sentOnBy: setter) : nil
            }
            unguardedWrites[ObjectIdentifier(route)] = .some(found)
            return found
        }
        for (scope, check, claim, values) in passingRead {
            var write: String?
            for candidate in scope.routes where !candidate.isAuthenticated {
                write = unguardedWrite(candidate)
                if write != nil { break }
            }
            guard let route = write else { continue }
            let listed = values.map { "'\($0)'" }.joined(separator: ", ")
            findings.report(
                code,
                "\(route) accepts a token holding only the read \(values.count == 1 ? "scope" : "scopes") \(listed) through raw '\(check.name)' in \(scope.owner)",
                at: scope.document.range(claim.nameSpan), notes: context.declarationNote(of: values[0]))
        }
    }

    private static let tokenChecks: Set<String> = ["validate-jwt", "validate-azure-ad-token"]

    /// What a raw check's `required-claims` ask of a token's permissions.
    private enum ReadPass {
        /// A token holding only these read scopes or roles passes (`claim` asks for them).
        case passesRead(claim: PolicyXMLElement, values: [String])
        /// Some claim asks for a value that is not a declared read scope.
        case asksMore
        /// No claim grants a permission (LP002 reports that).
        case asksNothing
    }

    /// A token passes when it holds every claim; a claim with `match="any"` one of its
    /// values, otherwise (`all`, APIM's default) all of them; with a `separator`, the token's
    /// claim is split at it first; named values are read with their values. A value that is an
    /// expression of more than strings or names an unknown named value may ask for anything, so
    /// it counts as asking more; a claim whose values are all written and
    /// none a declared scope's asks nothing of the token's permissions.
    private static func readPass(
        of check: PolicyXMLElement, _ names: KnownNamedValues, _ callerControlled: CallerControlledVariables, _ access: inout ScopeAccess
    ) -> ReadPass {
        var found: ReadPass = .asksNothing
        for claim in check.elements where claim.name == "required-claims" {
            for claim in claim.elements where claim.name == "claim" && claim.grantsAPermission(names.byName, callerControlled) {
                let values = claim.claimValues(names)
                // A `match` not known here (an expression, a secret) may be `any`.
                let matchesAny = claim.attribute("match").map { written in
                    written.value.isExpression || names.resolved(written.value.written).map { $0.trimmingWhitespace.lowercased() == "any" } ?? true
                } ?? false
                let separator: String? =
                    if case .text(let written)? = claim.attribute("separator")?.value, let separator = names.resolved(written), !separator.isEmpty {
                        separator
                    } else {
                        nil
                    }
                // A claim that carries no permissions (`idtyp`, `azp`, `email_verified`), none
                // of whose values is a declared scope, restricts no scope: a read-only token
                // meets it as well as any other (found by an audit). A permission claim's value
                // no scope declares (an app role, a group) may grant the write, and asks more.
                // A custom claim (`create: true`) is taken for none: a pull request adding a
                // harmless claim must not hide the write (the last audit of the round).
                let describesTheToken = claim.attribute("name").map { name in
                    !name.value.isExpression && !Self.permissionClaims.contains((names.resolved(name.value.written) ?? "").trimmingWhitespace.lowercased())
                } ?? false
                if describesTheToken, values.allSatisfy({ $0.map { !access.declaresAScope(meeting: $0, splitAt: separator) } ?? false }) { continue }
                let reads: [String]
                if let separator {
                    // The token's claim is split at the separator before its values are
                    // compared: a separator inside scope names lets a part of a read
                    // scope's name pass (found by an audit).
                    let met = values.map { value in value.map { access.readScopes(meeting: $0, splitAt: separator) } ?? [] }
                    guard matchesAny ? met.contains(where: { !$0.isEmpty }) : met.allSatisfy({ !$0.isEmpty }) else { return .asksMore }
                    reads = met.flatMap { $0 }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
                } else {
                    reads = values.compactMap { $0 }.filter { access.level(of: $0) == .read }
                    guard matchesAny ? !reads.isEmpty : reads.count == values.count else { return .asksMore }
                }
                if case .passesRead(let first, let earlier) = found {
                    found = .passesRead(claim: first, values: earlier + reads)
                } else {
                    found = .passesRead(claim: claim, values: reads)
                }
            }
        }
        return found
    }

    /// Claims tokens carry permissions in: scopes, roles and groups, as Entra and OAuth name
    /// them (a provider's own `scopeClaim` or `roleClaim` may be any of these).
    private static let permissionClaims: Set<String> = [
        "scp", "scope", "scopes", "roles", "role", "groups", "group", "wids", "permissions", "perms",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", "http://schemas.microsoft.com/identity/claims/scope",
    ]

    /// Whether the backend of `route` is sent a write: `.some(nil)` when the route's own
    /// method is one, else what sends it on as one (its `rewrite` or a raw `set-method`).
    private static func sentAsWrite(_ route: EffectiveRoute, _ context: CheckContext) -> String?? {
        if route.written.method.value.effect == .write { return .some(nil) }
        // The backend sees the method the gateway sends, not the one the route names.
        if let sent = route.written.rewrittenMethod, sent.value.effect == .write {
            return "which its 'rewrite' sends to its backend as \(sent.value.rawValue)"
        }
        guard let (owner, name) = context.rawWriteSetter(on: route) else { return nil }
        // The route is what a set-method sends; a request sent alongside carries its caller's credentials.
        if name != "set-method" { return "whose caller's credentials raw '\(name)' in \(owner) sends on in a write" }
        return "which raw '\(name)' in \(owner) sends to its backend as a write"
    }

    /// How messages name a write route: by its method, and what sends a read route on as a write.
    private static func described(_ route: EffectiveRoute, sentOnBy setter: String?) -> String {
        let named = "\(route.written.method.value.rawValue) route '\(route.written.id.value)'"
        guard let setter else { return named }
        return named + ", \(setter),"
    }

    /// `setter` says what sends a read route on as a write: its `rewrite` or a raw statement.
    private static func check(
        _ requirement: ScopeRequirement, of route: EffectiveRoute, sentOnBy setter: String?, _ context: CheckContext,
        _ access: inout ScopeAccess, _ findings: inout DiagnosticCollector
    ) {
        // Made only for a finding: most routes have none.
        var described: String { Self.described(route, sentOnBy: setter) }
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
