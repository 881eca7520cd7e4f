import PortcullisDiagnostics
import PortcullisModel

/// The standards (``Standards``) HEAD sets otherwise than BASE, for what HEAD declares, each
/// as a reviewer reads it.
struct StandardChanges {
    struct Change {
        var subject: AccessChange.Subject
        /// `'guardrails.requireRateLimit' is now false, was true`.
        var description: String
        /// Where HEAD writes it, or its gateway's `kind`.
        var range: SourceRange
    }

    let changes: [Change]

    init(base: Gateway?, head: Gateway?) {
        guard let head, let own = Standards(head), let was = Standards(base)?.over(own) else {
            changes = []
            return
        }
        var changes: [Change] = []
        func add(_ subject: AccessChange.Subject, _ name: String, _ now: String, _ before: String, _ range: SourceRange?) {
            changes.append(Change(subject: subject, description: "\(name) is now \(now), was \(before)", range: range ?? head.kindRange))
        }
        let guardrails = AccessChange.Subject(kind: .gateway, name: "guardrails")
        let written: Guardrails? = if case .present(let written) = head.guardrails { written } else { nil }
        for (field, now, before, range) in [
            ("maxCacheTtl.shared", own.maxSharedCacheTtl, was.maxSharedCacheTtl, written?.maxSharedCacheTtl?.range),
            ("maxCacheTtl.perUser", own.maxPerUserCacheTtl, was.maxPerUserCacheTtl, written?.maxPerUserCacheTtl?.range),
            ("maxTokenCacheTtl", own.maxTokenCacheTtl, was.maxTokenCacheTtl, written?.maxTokenCacheTtl?.range),
        ] where now != before {
            add(guardrails, "'guardrails.\(field)'", "\(now)s", "\(before)s", range)
        }
        if own.requireRateLimit != was.requireRateLimit {
            add(guardrails, "'guardrails.requireRateLimit'", "\(own.requireRateLimit)", "\(was.requireRateLimit)", written?.requireRateLimit?.range)
        }
        if own.maxRateLimit != was.maxRateLimit {
            func shown(_ rate: Standards.Rate?) -> String { rate.map { "\($0.calls) calls per \($0.per)s" } ?? "none" }
            add(guardrails, "'guardrails.maxRateLimit'", shown(own.maxRateLimit), shown(was.maxRateLimit), written?.maxRateLimit?.range)
        }
        for scope in head.scopes where was.access[scope.name.value] != scope.access.value {
            add(
                AccessChange.Subject(kind: .gateway, name: "scopes"), "scope '\(scope.name.value)'", "'\(scope.access.value.rawValue)'",
                "'\(was.access[scope.name.value]!.rawValue)'", scope.access.range)
        }
        for provider in head.identityProviders where was.tokenLifetimes[provider.name.value] != provider.effectiveTokenLifetime {
            add(
                AccessChange.Subject(kind: .identityProvider, name: provider.name.value), "the 'tokenLifetime' of identity provider '\(provider.name.value)'",
                "\(provider.effectiveTokenLifetime)s", "\(was.tokenLifetimes[provider.name.value]!)s", provider.tokenLifetime?.range ?? provider.name.range)
        }
        if own.sku != was.sku {
            add(AccessChange.Subject(kind: .gateway, name: "sku"), "'sku'", "'\(own.sku.rawValue)'", "'\(was.sku.rawValue)'", head.sku?.range)
        }
        self.changes = changes
    }

    /// Each change as a reviewer sees it: `other`, whichever way it goes. A standard widens
    /// nothing by itself, and what it lets HEAD's routes do that BASE's would not is weighed
    /// as findings (``AccessDiff/Side/findingsByBaseStandards``), so a tightened one, or one
    /// loosened that no route reaches, fails no gate.
    func reported(at head: AccessDiff.Side) -> [AccessChange] {
        changes.map { change in
            AccessChange(
                category: .other, subject: change.subject, message: "a standard lint judges by changed: \(change.description)",
                place: head.location(change.range))
        }
    }

    /// What silences a finding HEAD's routes have by BASE's standards alone.
    var silencer: String { "HEAD's standards (\(changes.map(\.description).joined(separator: "; ")))" }
}
