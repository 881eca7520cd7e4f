import PortcullisDiagnostics
import PortcullisModel

/// SE001: a credential written into the definitions.
public enum InlineSecret: Rule {
    public static let code = DiagnosticCode(
        "SE001", "inline-secret", .error,
        summary: "a literal that looks like a credential, or a literal where a secret reference belongs")

    public static let description = RuleDescription(
        code,
        rationale: """
            Definitions live in Git, are copied into pull requests, CI logs and bundles, and are \
            read by everyone with access to the repository. A credential written into them is \
            leaked the moment it is committed and must be rotated.
            """,
        fix: """
            Store the credential in Key Vault, declare it under the gateway's 'secrets' with its \
            'keyVault' URI, and reference it as '{secret: NAME}'. Rotate the leaked credential.
            """,
        triggering: [
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Gateway
                name: example
                identityProviders:
                  partner:
                    type: introspection
                    endpoint: https://idp.example.com/introspect
                    clientId: example-gateway
                    clientSecret: ↓s3cr3t-v4lu3
                redis:
                  connection: ↓contoso.redis.cache.windows.net:6380,password=Zm9vYmFy,ssl=True
                defaults:
                  auth: partner
                  rateLimit: {calls: 100, per: 60s}
                """),
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: API
                name: orders
                path: orders
                description: ↓eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl
                backend: https://orders.example.com
                routes:
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: Backend
                name: orders-function
                url: https://orders-function.azurewebsites.net/api
                credentials:
                  headers:
                    x-functions-key: ↓kX9pQ2vLm7RtY4wZ
                """),
            // What a raw policy lets a caller in with: a key compared with the caller's, the
            // values a check asks for.
            RuleExample.api(
                rawInbound: """
                    <choose>
                      <when condition="↓@(context.Request.Headers.GetValueOrDefault("X-Api-Key", "") != "3f9a1c2e7b4d4e8f")">
                        <return-response><set-status code="401" /></return-response>
                      </when>
                    </choose>
                    <check-header name="X-Partner-Key" failed-check-httpcode="401" failed-check-error-message="denied" ignore-case="false">
                      <value>↓7c1e4b9a2d6f4e0b</value>
                    </check-header>
                    """,
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n"),
        ],
        nonTriggering: [
            RuleExample(
                """
                apiVersion: portcullis/v1
                kind: API
                name: orders
                path: orders
                description: Orders; see https://wiki.example.com/orders?page=1
                backend: https://orders.example.com
                routes:
                  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}
                """),
            RuleExample.api(
                rawInbound: """
                    <choose>
                      <when condition="@(context.Request.Headers.GetValueOrDefault("X-Region", "") == "eu")">
                        <set-backend-service base-url="https://orders-eu.example.com" />
                      </when>
                    </choose>
                    <check-header name="X-Partner-Key" failed-check-httpcode="401" failed-check-error-message="denied" ignore-case="false">
                      <value>{{partner-secret}}</value>
                    </check-header>
                    <check-header name="Content-Type" failed-check-httpcode="403" failed-check-error-message="JSON only" ignore-case="true">
                      <value>application/json</value>
                    </check-header>
                    """,
                routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n"),
        ])

    public static func check(_ context: CheckContext, into findings: inout DiagnosticCollector) {
        var reported = Set<SourceRange>()
        for literal in context.secrets.misplaced {
            reported.insert(literal.range)
            findings.report(
                code, "\(literal.field) is a literal; it must reference a secret", at: literal.range,
                notes: [Diagnostic.Note("declare the value under 'secrets' with 'keyVault' and write '\(literal.reference)'", at: literal.range)])
        }
        let plainSecrets = Set(context.secrets.plainValues)
        for range in context.secrets.credentials where !reported.contains(range) && !plainSecrets.contains(range) {
            reported.insert(range)
            findings.report(code, "this value looks like a credential", at: range)
        }
    }
}
