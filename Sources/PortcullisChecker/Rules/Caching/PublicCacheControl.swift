import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// CA009: a caller's answer opened to shared caches downstream.
public enum PublicCacheControl: Rule {
    public static let code = DiagnosticCode(
        "CA009", "public-cache-control", .error,
        summary: "a 'Cache-Control' response header with 'public', 's-maxage' or 'must-revalidate', or a raw 'cache-lookup' with 'downstream-caching-type=\"public\"', on a route that requires a token, which lets shared caches keep one caller's answer for others")

    public static let description = RuleDescription(
        code,
        rationale: """
            A shared cache (a CDN, a proxy) does not store the answer to a request that carried \
            an 'Authorization' header, unless the answer says 'public', 's-maxage' or \
            'must-revalidate' (RFC 9111, section 3.5). Set on a route that requires a token, such \
            a header lets the cache keep one caller's answer and serve it to the next caller of \
            the URL, token or not. The gateway's own per-user cache forbids downstream caching \
            for the same reason.
            """,
        fix: "Send 'Cache-Control: private' (with 'max-age' if browsers may keep it), or 'no-store'.",
        triggering: [
            RuleExample.api(
                fields: "response: {headers: {set: {Cache-Control: ↓\"public, max-age=3600\"}}}\n",
                routes: """
                  - {id: get-account, method: GET, path: /account, scopes: [orders.read]}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                fields: "response: {headers: {set: {Cache-Control: \"private, max-age=60\"}}}\n",
                routes: """
                  - {id: get-account, method: GET, path: /account, scopes: [orders.read]}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        checkRaw(context, into: &findings)
        // Each declaration once, however many routes it applies to.
        var reported = Set<SourceRange>()
        for (route, plan) in context.plannedRoutes where route.isAuthenticated {
            // The gateway's own answer carries its headers; any other, the shaped ones.
            var headers = plan.responseHeaders
            if case .fixed(let answer)? = plan.answer { headers = answer.headers }
            // Most routes change no header: nothing is made for them.
            guard !headers.isEmpty else { continue }
            let values = effectiveCacheControl(headers)
            // Header lines make one list (RFC 9110, 5.3): a 'no-store' appended takes a
            // 'public' set before it back. Named values are put in, as APIM puts them in
            // (audit V86: '{{cc}}' holding 'public' passed).
            guard !values.isEmpty, opensSharedCaches(values.map { context.namedValues.partlyResolved($0.value) }.joined(separator: ",")) else { continue }
            for value in values where opensSharedCaches(context.namedValues.partlyResolved(value.value)) && reported.insert(value.range).inserted {
                let api = context.api(of: route)
                let owner =
                    api.response?.headers.contains { $0.value?.range == value.range } == true
                    ? "API '\(api.name.value)'" : "route '\(api.name.value)/\(route.written.id.value)'"
                findings.report(
                    code,
                    "response header 'Cache-Control' of \(owner) lets shared caches keep the answer to a request with a token and serve it to other callers",
                    at: value.range,
                    notes: [Diagnostic.Note("send 'private' or 'no-store' instead: the route requires a token", at: value.range)]
                        + context.namedValues.notes(for: value.value))
            }
        }
    }

    /// Raw `set-header`s of `Cache-Control` that write the answer of a route that requires a
    /// token, their values judged together.
    private static func checkRaw(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        let answers = AnswerStatements(context.project, mayMatter: { ByteScan.holds("-", followedBy: "control", in: $0.text[...]) })
        for scope in context.rawScopes where scope.routes.contains(where: \.isAuthenticated) {
            answers.forEach(in: scope) { element, document, owner, _ in
                // Named values put in, an expression of nothing but strings read as its text,
                // another by each text its value may start with (audit V87: `@(ok ? "public…" :
                // "no-store")` passed).
                guard let header = element.headerSet, header.name.lowercased() == "cache-control" else { return }
                let values = element.elements.filter { $0.name == "value" }.compactMap(\.textValue)
                let written = values.compactMap(RawScope.constant)
                let computed = values.filter { RawScope.constant($0) == nil }.flatMap(RawScope.starts(of:))
                let readings = computed.isEmpty ? [written] : computed.map { written + [$0] }
                guard readings.contains(where: { opensSharedCaches($0.map(context.namedValues.partlyResolved).joined(separator: ",")) }) else { return }
                findings.report(
                    code,
                    "raw 'set-header' of \(owner) sets 'Cache-Control' so that shared caches keep the answer to a request with a token and serve it to other callers",
                    at: document.range(element.nameSpan),
                    notes: [Diagnostic.Note("send 'private' or 'no-store' instead: routes that require a token run this policy", at: document.range(element.nameSpan))]
                        + written.flatMap(context.namedValues.notes))
            }
            // APIM writes the header itself from this attribute: 'public' allows shared
            // caches (Microsoft Learn, "Get from cache").
            for element in scope.elements(named: Self.cacheLookup) {
                // Named values put in, an expression of nothing but strings read as its text.
                guard let written = scope.resolved("downstream-caching-type", of: element, context.namedValues),
                    written.text.trimmingWhitespace.lowercased() == "public"
                else { continue }
                findings.report(
                    code,
                    "raw 'cache-lookup' of \(scope.owner) lets shared caches keep the answer to a request with a token and serve it to other callers ('downstream-caching-type' is 'public')",
                    at: written.range,
                    notes: [Diagnostic.Note("use 'private' or 'none': routes that require a token run this policy", at: written.range)] + written.notes)
            }
        }
    }

    /// Made once: a set literal costs its hashing in every scope of an estate.
    private static let cacheLookup: Set<String> = ["cache-lookup"]

    /// The `Cache-Control` values a response leaves with, in order: a `set` or a `remove`
    /// replaces those before it, an `append` adds one, a `setIfMissing` adds one to none.
    private static func effectiveCacheControl(_ changes: [MessageChange]) -> [Located<String>] {
        var values: [Located<String>] = []
        for change in changes where change.name.value.lowercased() == "cache-control" {
            switch change.action {
            case .set: values = change.value.map { [$0] } ?? []
            case .remove: values = []
            case .append: values += change.value.map { [$0] } ?? []
            case .setIfMissing: if values.isEmpty { values = change.value.map { [$0] } ?? [] }
            }
        }
        return values
    }

    /// Whether `value` lets a shared cache store an answer to a request with `Authorization`,
    /// and no directive beside it takes that back. `private` and `no-cache` naming header
    /// fields (`private="Set-Cookie"`) keep only those fields out of the cache (RFC 9111,
    /// 5.2.2.4 and 5.2.2.7), so they take nothing back.
    public static func opensSharedCaches(_ value: String) -> Bool {
        !keepsSharedCachesOut(value) && directives(of: value).contains { ["public", "s-maxage", "must-revalidate"].contains($0.name) }
    }

    /// Whether a route's response header changes give its answers a `Cache-Control` that
    /// keeps shared caches out, as they leave it in force, appends too, each value read
    /// through `resolving` (named values put in): `diff` asks it of both sides (audit V76: it
    /// matched the words anywhere, and an appended `no-store` was missed; V86: a named value
    /// turned 'public' passed).
    public static func keepsSharedCachesOut(_ changes: [MessageChange], resolving: (String) -> String) -> Bool {
        let values = effectiveCacheControl(changes)
        return !values.isEmpty && keepsSharedCachesOut(values.map { resolving($0.value) }.joined(separator: ","))
    }

    /// Whether `value` keeps shared caches from storing the answer: `no-store`, or
    /// `private` or `no-cache` naming no field.
    public static func keepsSharedCachesOut(_ value: String) -> Bool {
        directives(of: value).contains { $0.name == "no-store" || (!$0.qualified && ($0.name == "private" || $0.name == "no-cache")) }
    }

    /// Each directive of a `Cache-Control` value: its name in lowercase, and whether it
    /// carries a value (`private="Set-Cookie"`).
    private static func directives(of value: String) -> [(name: String, qualified: Bool)] {
        value.lowercased().split(separator: ",").map { directive in
            let parts = directive.split(separator: "=", maxSplits: 1)
            return (name: (parts.first ?? "").trimmingWhitespace, qualified: parts.count > 1)
        }
    }
}
