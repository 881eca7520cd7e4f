import PortcullisDiagnostics
import PortcullisModel

/// RL004: a counter keyed on something the caller chooses.
public enum SpoofableRateLimitKey: Rule {
    public static let code = DiagnosticCode(
        "RL004", "spoofable-rate-limit-key", .warning,
        summary: "a 'header:' limit key, which the caller chooses")

    public static let description = RuleDescription(
        code,
        rationale: """
            A request header is whatever the caller sends: changing its value on every request \
            gives a fresh counter each time and escapes the limit. On an authenticated route the \
            token identifies the caller reliably; on a public route the IP address is harder to vary.
            """,
        fix: "Key the limit on 'user', 'client' or a token claim ('claim:NAME') instead of a header; on public routes, on 'ip'.",
        triggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    rateLimit: {calls: 10, per: 1s, key: ↓header:X-Tenant-Id}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    rateLimit: {calls: 10, per: 1s, key: claim:tid}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        for route in context.routes {
            check(route.rateLimit, "rate limit", of: route, context, &findings)
            check(route.quota, "quota", of: route, context, &findings)
        }
    }

    private static func check(
        _ setting: Inherited<LimitSetting>?, _ what: String, of route: EffectiveRoute, _ context: CheckContext,
        _ findings: inout DiagnosticCollector
    ) {
        guard let setting, case .limit(let limit) = setting.value, let key = limit.key, case .header(let header) = key.value
        else { return }
        let (range, notes) = setting.origin == .route ? (key.range, []) : context.location(of: setting, on: route, what: what)
        findings.report(
            code, "route '\(route.written.id.value)' counts its \(what) by header '\(header)', which callers choose",
            at: range, notes: notes)
    }
}
