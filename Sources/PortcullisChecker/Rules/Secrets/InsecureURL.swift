import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

/// SE003: tokens or traffic over plain HTTP, or sent to a server the caller names.
public enum InsecureURL: Rule {
    public static let code = DiagnosticCode(
        "SE003", "insecure-url", .error,
        summary: "an http:// backend, issuer, openidConfig or introspection endpoint, also in raw 'set-backend-service', 'send-request' and 'validate-jwt'; an API that accepts http; a backend whose certificate chain or name is not validated; a raw 'set-backend-service', 'set-url' or 'proxy' whose host, or a 'backend-id' the caller chooses; a URL its named values make no absolute URL")

    public static let description = RuleDescription(
        code,
        rationale: """
            Over plain HTTP, requests, tokens and responses can be read and changed by anyone on \
            the network path. For an issuer or OpenID configuration, an attacker who can change \
            the signing keys can mint tokens the gateway accepts.
            """,
        fix: "Use the https:// URL of the service.",
        triggering: [
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: API
                name: orders
                path: orders
                backend: ↓http://orders.example.com
                routes:
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
            RuleExample.api(
                rawInbound: """
                    <send-request mode="new" response-variable-name="stock">
                      <set-url>↓http://stock.example.com/levels</set-url>
                      <set-method>GET</set-method>
                    </send-request>
                    """,
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Backend
                name: orders-backend
                url: ↓http://orders.example.com
                """),
            // Without its checks, TLS proves nothing about who answers: anyone on the path
            // can pose as the backend and take what the gateway sends it.
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Backend
                name: orders-backend
                url: https://orders.example.com
                tls: {validateCertificateChain: ↓false}
                """),
            RuleExample.api(
                fields: "protocols: [https, ↓http]\n",
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
        ],
        nonTriggering: [
            RuleExample.api(
                routes: """
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """)
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        var urls: [(String, Located<String>)] = []
        for provider in context.project.gateway?.identityProviders ?? [] {
            switch provider.details {
            case .jwt(let jwt):
                urls += [("'issuer'", jwt.issuer), ("'openidConfig'", jwt.openidConfig)]
            case .introspection(let introspection):
                urls.append(("'endpoint'", introspection.endpoint))
            }
        }
        for api in context.apis { if case .url(let url) = api.backend { urls.append(("'backend'", url)) } }
        for backend in context.project.backends {
            if let service = backend.service { urls.append(("'url' of backend '\(backend.name.value)'", service.url)) }
        }
        for (field, url) in urls where isPlainHTTP(url.value) {
            findings.report(code, "\(field) uses plain http://", at: url.range)
        }
        // Named values are put in before the URL is read: one that makes it no absolute
        // URL, with a backslash that readers split at in different places say, may send
        // the gateway to another host than lint read (audit V88).
        for (field, url) in urls where url.value.holds("{{") {
            guard let resolved = context.namedValues.resolved(url.value), !AbsoluteURL.holds(resolved) else { continue }
            findings.report(
                code, "\(field) is no absolute https:// URL once its named values are put in", at: url.range,
                notes: [Diagnostic.Note("a URL holds no '\\', space or line break; write the named value as '%5C' where the backend means a backslash", at: url.range)]
                    + context.namedValues.notes(for: url.value))
        }
        for backend in context.project.backends {
            guard let tls = backend.service?.tls else { continue }
            for (check, setting) in [("chain", tls.validateCertificateChain), ("name", tls.validateCertificateName)] {
                guard let setting, !setting.value else { continue }
                findings.report(
                    code,
                    "backend '\(backend.name.value)' does not validate its certificate's \(check), so anyone on the network path can pose as it and read what the gateway sends",
                    at: setting.range,
                    notes: [Diagnostic.Note("remove the setting, which is true when left out; trust a private authority in APIM's CA certificates instead", at: setting.range)])
            }
        }
        for api in context.apis {
            for scheme in api.protocols ?? [] where scheme.value == .http {
                findings.report(code, "API '\(api.name.value)' accepts requests over plain http", at: scheme.range)
            }
        }
        let values = context.namedValues
        // The variables whose value leaves a URL's host to the caller, once one is asked.
        var hostVariables: CallerChosenHost.Variables?
        for scope in context.rawScopes {
            var raw: [(what: String, url: (text: String, range: SourceRange, notes: [Diagnostic.Note]))] = []
            // A URL's scheme is in its start: code that joins a written start with the rest
            // (`@("http://" + host)`) sends over plain http all the same.
            let backends = scope.elements(named: Self.backendSetters)
            let setURLs = scope.elements(named: Self.urlSetters)
            // Each value the code may give: a choice or a block may send some requests over
            // plain http (found by an audit).
            for element in backends {
                raw += scope.resolvedStarts("base-url", of: element, values).map { ("'base-url' of raw 'set-backend-service'", $0) }
            }
            for element in scope.elements(named: ["openid-config"]) {
                raw += scope.resolvedStarts("url", of: element, values).map { ("raw 'openid-config'", $0) }
            }
            for element in setURLs {
                guard let value = element.textValue, case .text(_, let span)? = element.children.first(where: {
                    if case .text = $0 { true } else { false }
                }) else { continue }
                var seen = Set<String>()
                let starts = RawScope.starts(of: value).filter { seen.insert($0).inserted }
                let range = starts.isEmpty ? nil : scope.document.range(span)
                for text in starts {
                    guard let url = values.resolvedStart(of: text), let range else { continue }
                    raw.append(("raw 'set-url'", (url.trimmingWhitespace, range, values.notes(for: text))))
                }
            }
            var reported = Set<SourceRange>()
            for (what, url) in raw where isPlainHTTP(url.text) && reported.insert(url.range).inserted {
                findings.report(code, "\(what) in \(scope.owner) uses plain http://", at: url.range, notes: url.notes)
            }
            reportURLsTheCallerChooses(backends, setURLs, in: scope, context, variables: &hostVariables, into: &findings)
        }
    }

    /// A URL whose host the request writes (`@(context.Request.Headers.GetValueOrDefault("X-Target"))`)
    /// sends the request, with the caller's token and every credential the policies add,
    /// to any server the caller names (found by an audit: only the scheme was read). The
    /// path may come from the request, after a host written out.
    private static func reportURLsTheCallerChooses(
        _ backends: [PolicyXMLElement], _ setURLs: [PolicyXMLElement], in scope: RawScope, _ context: CheckContext,
        variables: inout CallerChosenHost.Variables?, into findings: inout DiagnosticCollector
    ) {
        var urls: [(what: String, value: PolicyXMLValue, span: Range<Int>)] = []
        for element in backends {
            if let written = element.attribute("base-url"), written.value.isExpression { urls.append(("'base-url' of raw 'set-backend-service'", written.value, written.valueSpan)) }
        }
        for element in setURLs {
            for case .text(let value, let span) in element.children where value.isExpression { urls.append(("raw 'set-url'", value, span)) }
        }
        // A proxy receives the requests sent through it and the proxy's credentials, over
        // plain HTTP (audit V66).
        for element in scope.elements(named: Self.proxies) {
            if let written = element.attribute("url"), written.value.isExpression { urls.append(("'url' of raw 'proxy'", written.value, written.valueSpan)) }
        }
        // The code with the values known put in; a named value whose value is not known (a
        // secret's) is judged as written. A known value is judged by what it holds:
        // `{{scheme}}//` with a scheme alone fixes no host (found by an audit). The variables
        // are read only for code that reads one, which few do.
        func judged(_ value: PolicyXMLValue) -> (code: String, variables: CallerChosenHost.Variables) {
            let code = context.namedValues.partlyResolved(value.resolved)
            if variables == nil, code.mayReadAVariable {
                variables = CallerChosenHost.variables(in: context.project, values: context.namedValues.byName)
            }
            return (code, variables ?? CallerChosenHost.Variables())
        }
        // A backend entity the request names (`backend-id="@(header)"`) is any of the
        // instance's, with the credentials it carries (found by an audit).
        for element in backends {
            guard let written = element.attribute("backend-id"), written.value.isExpression else { continue }
            let (code, known) = judged(written.value)
            guard CallerChosenHost.readsWhatTheCallerWrites(code, variables: known, api: scope.api) else { continue }
            let range = scope.document.range(written.valueSpan)
            findings.report(
                Self.code,
                "'backend-id' of raw 'set-backend-service' in \(scope.owner) takes the backend from the request, so the request and the credentials it carries go to any backend of the instance the caller names",
                at: range,
                notes: [Diagnostic.Note("write the backend's name out, or choose among names written out with a 'choose' on what the request holds", at: range)])
        }
        for url in urls {
            let (code, known) = judged(url.value)
            guard CallerChosenHost.chosen(in: code, variables: known, api: scope.api) else { continue }
            let range = scope.document.range(url.span)
            findings.report(
                Self.code,
                "\(url.what) in \(scope.owner) takes its host from the request, so the request and the credentials it carries go to any server the caller names",
                at: range,
                notes: [Diagnostic.Note("write the URL's host out, or choose among hosts written out with a 'choose' on what the request holds", at: range)])
        }
    }

    private static let backendSetters: Set<String> = ["set-backend-service"]
    private static let urlSetters: Set<String> = ["set-url"]
    private static let proxies: Set<String> = ["proxy"]

    /// Whether `url` starts with `http://` in any letter case, after any white space (a
    /// named value may hold some; the URL behind it is no safer). Only its first seven bytes are
    /// lowercased, not the whole URL: the rule reads every API's backend.
    private static func isPlainHTTP(_ url: String) -> Bool {
        let bytes = url.utf8.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        return String(decoding: bytes.prefix(7), as: UTF8.self).lowercased() == "http://"
    }
}
