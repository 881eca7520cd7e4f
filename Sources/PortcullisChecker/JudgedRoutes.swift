import PortcullisDiagnostics
import PortcullisModel

/// Which routes rules judge, and where they did not look.
///
/// A route is judged when it and its API were read without errors, its identity provider
/// (if any) is declared, and the gateway's 'defaults' and 'guardrails' had no errors.
/// Judging the others would report consequences of errors already reported, not findings
/// of their own.
struct JudgedRoutes: Sendable {
    let routes: [EffectiveRoute]
    /// Those of ``routes`` that write a `cache`, in the same order: a few of an estate's
    /// routes, which the caching rules walk instead of all of them.
    let caching: [EffectiveRoute]
    /// ``routes``, each with what it enforces.
    let planned: [(route: EffectiveRoute, plan: EnforcementPlan)]
    /// Parts that had errors, broken gateway sections and every route some rule skipped.
    let unjudged: [SourceRange]

    init(_ project: ResolvedProject) {
        let gateway = project.gateway
        let judgesRoutes = gateway?.defaults.brokenRange == nil && gateway?.guardrails.brokenRange == nil
        // Looked up once, not per route.
        let apiHasErrors = project.apis.map(\.hasErrors)
        let providers = gateway?.declared.providers ?? []
        var routes: [EffectiveRoute] = []
        var caching: [EffectiveRoute] = []
        var planned: [(route: EffectiveRoute, plan: EnforcementPlan)] = []
        routes.reserveCapacity(project.routes.count)
        planned.reserveCapacity(project.routes.count)
        var skipped: [EffectiveRoute] = []
        // Route after route names the same provider: the last one found declared is compared
        // before the set is searched, which hashes the name (half the time of this loop).
        var lastDeclared: String?
        for (route, plan) in zip(project.routes, project.plans) {
            var judged = judgesRoutes && !route.written.hasErrors && !apiHasErrors[route.apiIndex]
            if judged, case .provider(let name) = route.auth.value, name != lastDeclared {
                judged = providers.contains(name)
                if judged { lastDeclared = name }
            }
            guard judged else {
                skipped.append(route)
                continue
            }
            routes.append(route)
            if route.written.cache != nil { caching.append(route) }
            if let plan { planned.append((route, plan)) }
        }
        self.routes = routes
        self.caching = caching
        self.planned = planned
        let brokenSections = [
            gateway?.redis.brokenRange, gateway?.cors.brokenRange, gateway?.defaults.brokenRange,
            gateway?.guardrails.brokenRange,
        ].compactMap { $0 }
        // Rules about routes read 'redis' (CA006) and 'cors' (CO001) too.
        if gateway?.redis.brokenRange != nil || gateway?.cors.brokenRange != nil { skipped = project.routes }
        unjudged = project.brokenParts + brokenSections + skipped.map(\.written.extent)
    }
}
