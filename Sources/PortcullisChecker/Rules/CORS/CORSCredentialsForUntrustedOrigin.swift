import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// CO004: answers that browsers hand, with the caller's cookies and credentials, to a page
/// any site or any network can stand in for.
public enum CORSCredentialsForUntrustedOrigin: Rule {
    public static let code = DiagnosticCode(
        "CO004", "cors-credentials-for-untrusted-origin", .warning,
        summary: "credentialed cross-origin answers for an origin anyone can claim: an 'http://' origin off the caller's own machine or 'null' beside 'allowCredentials: true' (or a raw 'cors' with 'allow-credentials=\"true\"'), or a raw 'Access-Control-Allow-Origin' copied from the request beside 'Access-Control-Allow-Credentials: true'")

    public static let description = RuleDescription(
        code,
        rationale: """
            With credentials allowed, a browser sends the caller's cookies and HTTP \
            credentials with a page's cross-origin requests and lets the page read the \
            answers. That is safe only for pages the API's owners control. A page served \
            over plain HTTP can be rewritten by anyone on the network path (a café's Wi-Fi), \
            the origin 'null' is what every sandboxed frame and local file sends, and an \
            'Access-Control-Allow-Origin' copied from the request's 'Origin' names whatever \
            site the caller is on: each lets another site's script read the caller's data.
            """,
        fix: """
            List the 'https://' origins of your own pages; keep 'http://localhost' origins to \
            development. In a raw policy, declare 'cors' with those origins rather than copying \
            'Origin' into 'Access-Control-Allow-Origin'.
            """,
        triggering: [
            RuleExample.gateway(
                """
                cors:
                  allowedOrigins: [https://shop.example.com, ↓http://shop.example.com]
                  allowedHeaders: [Authorization]
                  allowCredentials: true
                """),
            RuleExample.api(
                routes: """
                  - id: list-orders
                    method: GET
                    path: /orders
                    scopes: [orders.read]
                    policy: |
                      <policies>
                        <outbound>
                          <base />
                          <↓set-header name="Access-Control-Allow-Origin" exists-action="override">
                            <value>@(context.Request.Headers.GetValueOrDefault("Origin", ""))</value>
                          </set-header>
                          <set-header name="Access-Control-Allow-Credentials" exists-action="override"><value>true</value></set-header>
                        </outbound>
                      </policies>
                """),
        ],
        nonTriggering: [
            RuleExample.gateway(
                """
                cors:
                  allowedOrigins: [https://shop.example.com, http://localhost:4200]
                  allowedHeaders: [Authorization]
                  allowCredentials: true
                """),
            RuleExample.gateway(
                """
                cors:
                  allowedOrigins: [http://shop.example.com]
                  allowedHeaders: [Authorization]
                """),
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        if case .present(let cors)? = context.project.gateway?.cors, let credentials = cors.allowCredentials, credentials.value {
            for origin in cors.allowedOrigins {
                guard let reason = untrusted(origin.value) else { continue }
                findings.report(
                    code, "origin '\(origin.value)' is given credentialed answers, though \(reason)", at: origin.range,
                    notes: [Diagnostic.Note("credentials are allowed here", at: credentials.range)])
            }
        }
        guard !context.rawScopes.isEmpty else { return }
        for scope in context.rawScopes where scope.document.has(anyOf: corsStatement) {
            checkRawCORS(in: scope, context.namedValues, into: &findings)
        }
        // Only where some policy may allow credentials, told by its bytes (`allow-credentials`
        // from its rarer `w`; a character reference may spell the header): few estates'
        // do, and a walk of every policy's answers from each `-` cost the raw benchmark's
        // lint instructions.
        let mayAllowCredentials = context.rawScopes.contains { scope in
            let text = scope.document.text[...]
            return ByteScan.holds("w", followedBy: "-credentials", in: text) || ByteScan.holds("W", followedBy: "-credentials", in: text)
                || ByteScan.holds("&", followedBy: "#", in: text)
        }
        if mayAllowCredentials { checkCopiedOrigins(context, into: &findings) }
    }

    private static let corsStatement: Set<String> = ["cors"]

    /// Why a page at `origin` is no page of the API's owners alone, or nil: browsers send
    /// `null` from sandboxed frames and files, and plain HTTP can be rewritten on its way.
    private static func untrusted(_ origin: String) -> String? {
        let lowered = origin.trimmingWhitespace.lowercased()
        if lowered == "null" { return "every sandboxed frame and local file sends that origin" }
        guard lowered.hasPrefix("http://") else { return nil }
        let host = lowered.dropFirst("http://".count).prefix { $0 != ":" && $0 != "/" }
        // An IPv4 address of 127.0.0.0/8, not a name that starts so (`127.evil.example`, audit V87).
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        let loopbackAddress = octets.count == 4 && octets[0] == "127" && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        let loopback = host == "localhost" || host.hasSuffix(".localhost") || loopbackAddress || host == "[::1]"
        return loopback ? nil : "anyone on the network path can change what a page served over plain 'http://' runs"
    }

    /// A raw `cors` that allows credentials, named values put in, and lists an untrusted origin.
    private static func checkRawCORS(in scope: RawScope, _ values: KnownNamedValues, into findings: inout DiagnosticCollector) {
        for cors in scope.elements(named: corsStatement) {
            guard let credentials = scope.resolved("allow-credentials", of: cors, values), credentials.text.trimmingWhitespace.lowercased() == "true" else { continue }
            for list in cors.elements where list.name == "allowed-origins" {
                for origin in list.elements where origin.name == "origin" {
                    guard case .text(let text)? = origin.textValue, let reason = untrusted(text) else { continue }
                    findings.report(
                        code, "raw 'cors' of \(scope.owner) gives origin '\(text.trimmingWhitespace)' credentialed answers, though \(reason)",
                        at: scope.document.range(origin.nameSpan), notes: [Diagnostic.Note("credentials are allowed here", at: credentials.range)])
                }
            }
        }
    }

    /// A raw `Access-Control-Allow-Origin` whose value is copied from the request, untested,
    /// on a route whose answers allow credentials, in that policy or another on its way (an
    /// API's, audit V87): every site the caller visits is then allowed. A value chosen by a
    /// test (`origin == "https://…" ? origin : ""`) is an allow-list written in code, and
    /// left alone. Credentials are read as APIM reads them: named values put in, an
    /// expression of strings as its text.
    private static func checkCopiedOrigins(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        // A named value may give a header's name (`{{acao}}`): a document with a reference
        // matters too where some value could name a cross-origin header (audit V102).
        let valuesMayNameOne = context.project.gateway?.plainNamedValues.values.contains { value in
            ["access", "control", "origin", "credentials"].contains { value.lowercased().contains($0) }
        } ?? false
        let answers = AnswerStatements(context.project, mayMatter: { document in
            ByteScan.holds("-", followedBy: "control", in: document.text[...])
                || valuesMayNameOne && ByteScan.holds("{", followedBy: "{", in: document.text[...])
        })
        var copies: [(scope: RawScope, element: PolicyXMLElement, document: PolicyXMLDocument, owner: String)] = []
        var credentialed = Set<ObjectIdentifier>()
        for scope in context.rawScopes {
            answers.forEach(in: scope) { element, document, owner, _ in
                // A named value may give the header's name (audit V96).
                guard let header = element.headerSet, let name = context.namedValues.resolved(header.name) else { return }
                switch name.trimmingWhitespace.lowercased() {
                case "access-control-allow-origin":
                    if copiesTheRequest(element, context) { copies.append((scope, element, document, owner)) }
                case "access-control-allow-credentials":
                    let written = element.elements.filter { $0.name == "value" }.compactMap { $0.textValue.flatMap(RawScope.constant) }
                    if written.contains(where: { context.namedValues.resolved($0)?.trimmingWhitespace.lowercased() == "true" }) {
                        credentialed.formUnion(scope.routes.map(ObjectIdentifier.init))
                    }
                default: break
                }
            }
        }
        for (scope, element, document, owner) in copies where scope.routes.contains(where: { credentialed.contains(ObjectIdentifier($0)) }) {
            findings.report(
                code, "raw 'set-header' of \(owner) copies the request into 'Access-Control-Allow-Origin' while its answers allow credentials, so any site reads them",
                at: document.range(element.nameSpan))
        }
    }

    /// Whether a `set-header`'s value is an expression that carries a part of the request
    /// without testing anything (a variable is followed only where the estate's checks,
    /// limits or backends read variables, as ``CallerControlledVariables`` marks them).
    private static func copiesTheRequest(_ setHeader: PolicyXMLElement, _ context: CheckContext) -> Bool {
        setHeader.elements.contains { value in
            guard value.name == "value", case .expression(let code)? = value.textValue, !decides(code) else { return false }
            return context.callerControlledVariables.writesTheValue(of: code)
        }
    }

    /// Whether `code` tests or picks a value: a comparison, a lookup in a list, a pattern,
    /// a branch or a conditional (`?` but in `?.`, `?[` and `??`, which only read on).
    private static func decides(_ code: String) -> Bool {
        let tests = ["==", "!=", "Equals", "Contains", "IsMatch", "Any(", "StartsWith", "EndsWith", "IndexOf", "switch", "if(", "if ("]
        if tests.contains(where: { code.contains($0) }) { return true }
        let bytes = Array(code.utf8)
        return bytes.indices.contains { index in
            guard bytes[index] == UInt8(ascii: "?") else { return false }
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            let previous = index > 0 ? bytes[index - 1] : 0
            return !"?.[".utf8.contains(next) && previous != UInt8(ascii: "?")
        }
    }
}
