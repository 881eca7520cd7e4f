import PortcullisDiagnostics
import PortcullisModel

/// RL001: a route with no limit at all.
public enum MissingRateLimit: Rule {
    public static let code = DiagnosticCode(
        "RL001", "missing-rate-limit", .error,
        summary: "a route with no effective rate limit while 'guardrails.requireRateLimit' is true")

    public static let description = RuleDescription(
        code,
        rationale: """
            A route without a rate limit lets one client, or one leaked key, send as many \
            requests as the backend can take: a cost, an outage, or a brute-force attack on \
            whatever the route checks. A raw limit stands for one only where it counts every \
            request: one whose 'increment-condition' picks the requests it counts (successful \
            responses, say) lets the others through uncounted, failed logins among them.
            """,
        fix: "Give the route, its API or the gateway's 'defaults' a 'rateLimit', or remove the 'rateLimit: none' that switches it off.",
        triggering: [
            RuleExample.api(
                fields: """
                rateLimit: none
                """,
                routes: """
                  - id: ↓list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                  - id: export-orders
                    method: GET
                    path: /orders/export
                    scopes: [orders.read]
                    rateLimit: ↓none
                """),
            // A raw limit that counts no request: each has a counter of its own.
            rawLimit(counterKey: "@(Guid.NewGuid().ToString())", route: "↓list-orders"),
            // So does one keyed on a variable set to what is new for every request.
            rawLimit(
                counterKey: "@((string)context.Variables[&quot;bucket&quot;])", route: "↓list-orders",
                before: #"<set-variable name="bucket" value="@(context.Subscription.Id + context.Elapsed.Ticks)" />"#),
            // A call made before the limit is made for requests past it too.
            rawLimit(
                counterKey: "@(context.Subscription.Id)", route: "↓list-orders",
                before: #"<send-request mode="new" response-variable-name="stock"><set-url>https://stock.example.com/levels</set-url></send-request>"#),
            // A raw limit that counts successful responses only: failed attempts go uncounted.
            rawLimit(counterKey: "@(context.Request.IpAddress)", route: "↓list-orders", counting: #"increment-condition="@(context.Response.StatusCode == 200)""#),
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                """),
            // A raw limit that counts every request of the API's routes.
            rawLimit(counterKey: "@(context.Subscription.Id)", route: "list-orders"),
            // Through a variable too.
            rawLimit(
                counterKey: "@((string)context.Variables[&quot;caller&quot;])", route: "list-orders",
                before: #"<set-variable name="caller" value="@(context.Request.IpAddress)" />"#),
        ])

    /// An API without a rate limit of its own whose raw policy counts requests by
    /// `counterKey`, as its attributes `counting` say, after the statements `before`.
    private static func rawLimit(counterKey: String, route: String, counting: String = "", before: String = "") -> RuleExample {
        RuleExample.api(
            fields: "rateLimit: none",
            rawInbound: before + #"<rate-limit-by-key calls="100" renewal-period="60" counter-key="\#(counterKey)" \#(counting)/>"#,
            routes: """
              - {id: \(route), method: GET, path: /orders, scopes: [orders.read]}
            """)
    }

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard context.guardrails?.effectiveRequireRateLimit == true else { return }
        // Routes that take calls without a subscription key, which APIM's 'rate-limit'
        // (per subscription) does not count; found only if a raw 'rate-limit' is met.
        var keyless: Set<ObjectIdentifier>?
        for route in context.routes where route.activeRateLimit == nil {
            let id = route.written.id.value
            if let (owner, name) = context.rawStatement(.rateLimit, on: route) {
                if let (callOwner, call) = context.rawCallBeforeRawLimit(on: route) {
                    findings.report(
                        code, "route '\(id)' is limited only by raw '\(name)' in \(owner), and raw '\(call)' in \(callOwner) runs before it, so its calls go uncounted",
                        at: route.written.id.range,
                        notes: [Diagnostic.Note("write the limit before the call, or give the route a 'rateLimit'", at: route.written.id.range)])
                    continue
                }
                guard name == "rate-limit" else { continue }
                if keyless == nil {
                    keyless = Set(context.plannedRoutes.compactMap { $0.plan.keylessAccess == nil ? nil : ObjectIdentifier($0.route) })
                }
                guard keyless!.contains(ObjectIdentifier(route)) else { continue }
                findings.report(
                    code, "route '\(id)' is limited only by raw 'rate-limit' in \(owner), which counts calls with a subscription key, and the route takes calls without one",
                    at: route.written.id.range,
                    notes: [Diagnostic.Note("count every call with 'rate-limit-by-key', keyed by IP address or caller, or give the route a 'rateLimit'", at: route.written.id.range)])
                continue
            }
            // A limit that counts only the requests its condition picks (successful ones, say)
            // lets the others through uncounted: a brute force's failed attempts.
            if let (owner, name) = context.rawStatement(.partialRateLimit, on: route) {
                findings.report(
                    code, "route '\(id)' is limited only by raw '\(name)' in \(owner), whose 'increment-condition' or 'increment-count' may leave requests uncounted",
                    at: route.written.id.range,
                    notes: [
                        Diagnostic.Note(
                            "count every request, without 'increment-condition' and with an 'increment-count' of 1 or more, or give the route a 'rateLimit'",
                            at: route.written.id.range)
                    ])
                continue
            }
            if let setting = route.rateLimit {
                let (range, notes) = context.location(of: setting, on: route, what: "'rateLimit: none'")
                findings.report(code, "route '\(id)' has its rate limit switched off", at: range, notes: notes)
            } else {
                findings.report(
                    code, "route '\(id)' has no rate limit", at: route.written.id.range,
                    notes: [Diagnostic.Note("no 'rateLimit' is set on the route, its API or the gateway's 'defaults'", at: route.written.id.range)])
            }
        }
    }
}
