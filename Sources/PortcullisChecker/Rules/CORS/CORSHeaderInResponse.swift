import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// CO002: a response header that second-guesses the gateway's CORS policy.
public enum CORSHeaderInResponse: Rule {
    public static let code = DiagnosticCode(
        "CO002", "cors-header-in-response", .warning,
        summary: "an 'Access-Control-*' response header while the gateway declares 'cors', which decides those headers from its allow-list")

    public static let description = RuleDescription(
        code,
        rationale: """
            With 'cors' declared, APIM's cors policy answers preflight requests and sets the \
            'Access-Control-*' headers of each answer from the allowed origins, methods and \
            headers. A response header of the same name, set later in outbound, says something \
            else to browsers than the allow-list a reviewer reads: another origin, credentials, \
            more headers.
            """,
        fix: "Remove the header and declare what browsers may do under the gateway's 'cors'.",
        triggering: [
            RuleExample.gateway(
                RuleExample.corsSections,
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    response: {headers: {set: {Access-Control-Allow-Origin: ↓"https://other.example.com"}}}
                """)
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    response: {headers: {set: {Access-Control-Allow-Origin: "https://shop.example.com"}}}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        guard case .present(let cors)? = context.project.gateway?.cors else { return }
        func check(_ changes: [MessageChange]) {
            for change in changes where change.name.value.lowercased().hasPrefix("access-control-") {
                let range = change.value?.range ?? change.name.range
                findings.report(
                    code, "response header '\(change.name.value)' overrides what the gateway's 'cors' tells browsers",
                    at: range, notes: [Diagnostic.Note("the gateway's 'cors' is declared here", at: cors.keyRange)])
            }
        }
        // A header's name may be a named value's (audit V46), which APIM puts in first.
        let namedValues = context.namedValues
        let namesOne = namedValues.byName.byName.values.contains { $0.lowercased().contains("access-control-") }
        let answers = AnswerStatements(context.project, mayMatter: { document in
            ByteScan.holds("-", followedBy: "control", in: document.text[...]) || (namesOne && ByteScan.holds("{", followedBy: "{", in: document.text[...]))
        })
        for scope in context.rawScopes {
            answers.forEach(in: scope) { element, document, owner, _ in
                guard let header = element.headerSet, let name = namedValues.resolved(header.name)?.trimmingWhitespace,
                    name.lowercased().hasPrefix("access-control-")
                else { return }
                let through = header.name.holds("{{") ? " (through '\(header.name)')" : ""
                findings.report(
                    code, "raw 'set-header' of \(owner) sets '\(name)'\(through), which overrides what the gateway's 'cors' tells browsers",
                    at: document.range(element.nameSpan),
                    notes: [Diagnostic.Note("the gateway's 'cors' is declared here", at: cors.keyRange)] + namedValues.notes(for: header.name))
            }
        }
        for api in context.apis { check(api.response?.headers ?? []) }
        for route in context.routes where route.written.shaping != nil {
            check(route.written.response?.headers ?? [])
            if case .fixed(let answer)? = route.written.answer { check(answer.headers) }
        }
    }
}
