import PortcullisDiagnostics

/// Documentation and examples for the codes the front end reports (YS, RF, PX), so that
/// `portcullis explain` and the rule registry cover every code.
enum FrontEndRules {
    /// The input most front-end codes give as their passing example: one well-formed route.
    private static let validAPI = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")

    static let descriptions: [RuleDescription] = [
        RuleDescription(
            .yamlSyntax,
            rationale: """
                A file that is not well-formed YAML cannot be read past the error, so everything after it goes unchecked. \
                The next-line character and the line and paragraph separators (U+0085, U+2028, U+2029) end a line for libyaml, which follows YAML 1.1, \
                but not in an editor, so what a reviewer reads as the rest of a comment would be read as YAML: a file holding one is not read.
                """,
            fix: "Fix the YAML at the position shown; the note says what libyaml was reading, or which escape to write instead of the character.",
            triggering: [RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]\n↓")],
            nonTriggering: [validAPI]),
        RuleDescription(
            .duplicateKey,
            rationale: "YAML parsers disagree about which of two equal keys wins; the value a reviewer reads may not be the one deployed.",
            fix: "Keep one of the keys.",
            triggering: [RuleExample.api(routes: "  - id: list-orders\n    method: GET\n    path: /orders\n    scopes: [orders.read]\n    ↓path: /orders/all\n")],
            nonTriggering: [validAPI]),
        RuleDescription(
            .unknownField,
            rationale: "A misspelt field is silently ignored by lenient tools, so a 'scope:' instead of 'scopes:' would leave a route without scopes.",
            fix: "Use the field the note suggests, or remove the field.",
            triggering: [RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, ↓scope: [orders.read]}\n")],
            nonTriggering: [validAPI]),
        RuleDescription(
            .invalidValue,
            rationale: """
                A value of the wrong form cannot mean what its author intended. Values starting \
                with '@(' or '@{' are refused everywhere, because APIM would run them as code, \
                and so is a named value whose value a raw policy expression that references it would read as code.
                """,
            fix: "Write the value in the form the message and note describe.",
            triggering: [RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], cache: {ttl: ↓30 seconds}}\n")],
            nonTriggering: [RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], cache: {ttl: 30s}}\n")]),
        RuleDescription(
            .missingField,
            rationale: "Without a required field there is nothing sensible to generate: an API without a backend has nowhere to send requests.",
            fix: "Add the field.",
            triggering: [RuleExample("apiVersion: portcullis/v1\nkind: ↓API\nname: orders\npath: orders\nroutes:\n  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")],
            nonTriggering: [validAPI]),
        RuleDescription(
            .inputLimit,
            rationale: """
                Limits on size, depth, alias expansion, document count and the number of environments keep a hostile or broken file from exhausting time or memory in CI and editors. \
                A build also refuses a definition whose policy document would exceed 256 KiB, because APIM would reject the deployment.
                """,
            fix: "Split the file, flatten its nesting, use fewer aliases, or declare fewer environments; for a policy document, require fewer or shorter scopes, audiences or origins.",
            triggering: [RuleExample.api(routes: "  - " + String(repeating: "[", count: 62) + "↓[]" + String(repeating: "]", count: 62) + "\n")],
            nonTriggering: [validAPI]),
        RuleDescription(
            .unsupportedYAML,
            rationale: "Custom tags and exotic keys are read differently by different YAML tools, so what is reviewed may not be what is compiled.",
            fix: "Write plain YAML values and string keys.",
            triggering: [RuleExample.api(routes: "  - {id: list-orders, method: GET, path: ↓!path /orders, scopes: [orders.read]}\n")],
            nonTriggering: [validAPI]),
        RuleDescription(
            .unknownReference,
            rationale: "A reference to something undeclared cannot be compiled; an unknown scope would otherwise make a route that no token can call, or one that any token can.",
            fix: "Declare the name, or use the declared one the note suggests.",
            triggering: [RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [↓orders.reed]}\n")],
            nonTriggering: [validAPI]),
        RuleDescription(
            .duplicateDefinition,
            rationale: "Two definitions with one name would overwrite each other in APIM, and which one wins would depend on file order.",
            fix: "Rename one of them, or merge them.",
            triggering: [RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n  - {id: ↓list-orders, method: GET, path: /orders/all, scopes: [orders.read]}\n")],
            nonTriggering: [RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n  - {id: list-all-orders, method: GET, path: /orders/all, scopes: [orders.read]}\n")]),
        RuleDescription(
            .duplicateRoute,
            rationale: "Two routes matching the same requests make APIM pick one of them, so the other's scopes and limits never apply. Paths that differ only in letter case count as one: most backends read them alike, so a caller would choose the checks by the spelling.",
            fix: "Remove one route, or give them different methods or paths.",
            triggering: [
                RuleExample.api(routes: "  - {id: get-order, method: GET, path: \"/orders/{id}\", scopes: [orders.read]}\n  - {id: find-order, method: GET, path: ↓\"/orders/{number}\", scopes: [orders.read]}\n"),
                RuleExample.api(routes: "  - {id: cancel-order, method: DELETE, path: \"/orders/{id}\", scopes: [orders.admin]}\n  - {id: drop-order, method: DELETE, path: ↓\"/Orders/{id}\", scopes: [orders.write]}\n"),
            ],
            nonTriggering: [
                RuleExample.api(routes: "  - {id: get-order, method: GET, path: \"/orders/{id}\", scopes: [orders.read]}\n  - {id: cancel-order, method: DELETE, path: \"/orders/{id}\", scopes: [orders.write]}\n")
            ]),
        RuleDescription(
            .duplicateAPIPath,
            rationale: "Two APIs under one URL suffix cannot both be published; APIM rejects the second.",
            fix: "Give each API its own 'path'.",
            triggering: [RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n---\napiVersion: portcullis/v1\nkind: API\nname: orders-v2\npath: ↓orders\nbackend: https://orders.example.com/v2\nroutes:\n  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")],
            nonTriggering: [validAPI]),
        RuleDescription(
            .missingGateway,
            rationale: "The gateway declares the identity providers, scopes and secrets everything else refers to; without it nothing can be resolved.",
            fix: "Add a document with 'kind: Gateway', or include its file in the paths given to portcullis.",
            triggering: [RuleExample("↓" + RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders}\n").yaml, standalone: true)],
            nonTriggering: [validAPI]),
        RuleDescription(
            .secondOpenProduct,
            rationale: "APIM allows an API in at most one open product (one that requires no subscription) and refuses the deployment otherwise.",
            fix: "Keep the API in one open product, or require subscriptions on the others.",
            triggering: [
                RuleExample(
                    "apiVersion: portcullis/v1\nkind: Product\nname: open-a\napis: [orders]\nsubscriptionRequired: false\n---\napiVersion: portcullis/v1\nkind: Product\nname: open-b\napis: [↓orders]\nsubscriptionRequired: false\n---\n"
                        + RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml)
            ],
            nonTriggering: [
                RuleExample(
                    "apiVersion: portcullis/v1\nkind: Product\nname: open-a\napis: [orders]\nsubscriptionRequired: false\n---\napiVersion: portcullis/v1\nkind: Product\nname: partners\napis: [orders]\n---\n"
                        + RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml)
            ]),
        RuleDescription(
            .fixedAcrossEnvironments,
            rationale: "An environment changes what a deployment points at and how much it allows: backends, tenants, vault URIs, limits, cache TTLs, origins. If it could change routes, scopes or auth, the code reviewed in one environment would not be the code running in another.",
            fix: "Change the value in the definitions so it holds everywhere, or declare the section there and override only its values.",
            triggering: [
                RuleExample(
                    RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml
                        + "---\napiVersion: portcullis/v1\nkind: Environment\nname: prod\napis:\n  orders:\n    routes:\n      list-orders: {↓scopes: [orders.write]}\n")
            ],
            nonTriggering: [
                RuleExample(
                    RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n").yaml
                        + "---\napiVersion: portcullis/v1\nkind: Environment\nname: prod\napis:\n  orders:\n    backend: https://orders.prod.example.com\n")
            ]),
        RuleDescription(
            .openAPIMismatch,
            rationale: """
                APIM takes an API's operations from its OpenAPI document and publishes a route's policy on the operation its operationId names. \
                A route the document lacks is not published, a route whose id is not the operationId finds no operation for its policy, \
                and an operation no route covers is published without any of the checks a route gives.
                """,
            fix: "Make each route and its operation agree on method, path template and id (the operationId), add the missing operations or routes, or remove the extra ones.",
            triggering: [
                RuleExample.api(
                    fields: "openapi: orders.openapi.yaml",
                    routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n  - {id: cancel-order, method: DELETE, path: ↓\"/orders/{id}\", scopes: [orders.write]}\n",
                    besides: [("orders.openapi.yaml", ownOpenAPI)])
            ],
            nonTriggering: [
                RuleExample.api(
                    fields: "openapi: orders.openapi.yaml",
                    routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n",
                    besides: [("orders.openapi.yaml", ownOpenAPI)])
            ]),
        RuleDescription(
            .publisherOverride,
            rationale: """
                APIOps's publisher merges each entry of its configuration file into the resource the entry names before deploying it, \
                a policy's XML as readily as a named value. An entry naming a resource the bundle writes changes a token check, a backend \
                or a route's policy after 'lint' and 'diff' have judged it, and neither reads that file.
                """,
            fix: """
                Say it in the definitions, with what differs between environments in a 'kind: Environment' document (named values, \
                secrets, backend URLs), and remove the entry; keep the publisher configuration for what Portcullis does not write, \
                such as loggers and diagnostics.
                """,
            triggering: [
                RuleExample.api(
                    routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n",
                    besides: [("configuration.prod.yaml", publisherConfiguration(overriding: "apis:\n  - name: orders\n    ↓properties:\n      serviceUrl: https://orders.example.net\n"))])
            ],
            nonTriggering: [
                RuleExample.api(
                    routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n",
                    besides: [("configuration.prod.yaml", publisherConfiguration(overriding: "apis:\n  - name: orders\n    diagnostics:\n      - name: applicationinsights\n        properties: {verbosity: error}\n"))])
            ]),
        RuleDescription(
            .policyXMLSyntax,
            rationale: "APIM refuses a policy it cannot parse, so the deployment fails; a document type declaration could define entities that expand without bound, so none is read.",
            fix: "Fix the XML at the place shown: close the element or the expression, or remove the declaration.",
            triggering: [rawAPI("      <set-header name=\"X-Api\" exists-action=\"override\"><value>orders</value></set-headr>↓\n")],
            nonTriggering: [rawAPI("      <set-header name=\"X-Api\" exists-action=\"override\"><value>orders</value></set-header>\n")]),
        RuleDescription(
            .unknownPolicyElement,
            rationale: "APIM refuses a policy that names a statement or attribute it does not have; a misspelt optional attribute would otherwise be a setting that silently never applies.",
            fix: "Use the name the note suggests, or add the required attribute.",
            triggering: [rawAPI("      <↓set-heder name=\"X-Api\" exists-action=\"override\"><value>orders</value></set-heder>\n")],
            nonTriggering: [rawAPI("      <set-header name=\"X-Api\" exists-action=\"override\"><value>orders</value></set-header>\n")]),
        RuleDescription(
            .misplacedPolicyElement,
            rationale: "Each statement runs only in some sections and at some scopes; APIM refuses a policy that puts one elsewhere.",
            fix: "Move the statement to a section or scope the note names.",
            triggering: [rawAPI("      <↓forward-request timeout=\"10\" />\n")],
            nonTriggering: [rawAPI("      <set-header name=\"X-Api\" exists-action=\"override\"><value>orders</value></set-header>\n")]),
        RuleDescription(
            .invalidPolicyValue,
            rationale: "APIM reads each number, boolean or choice of a policy when the policy is saved and refuses one it cannot read, so the deployment fails; an attribute that takes no expression is never evaluated.",
            fix: "Write the value the note names, or move what must be computed into an attribute that takes an expression.",
            triggering: [rawAPI("      <set-header name=\"X-Api\" exists-action=\"↓replace\"><value>orders</value></set-header>\n")],
            nonTriggering: [rawAPI("      <set-header name=\"X-Api\" exists-action=\"override\"><value>orders</value></set-header>\n")]),
        RuleDescription(
            .conflictingPolicyStatement,
            rationale: "A second token check or response cache next to the one the definitions generate makes the definitions no longer say what a route enforces, and every output and rule reads them.",
            fix: "Say it in the definitions ('auth', 'scopes', 'cache', 'backend', 'cors') and remove the raw statement, or remove the field and keep the statement.",
            triggering: [
                RuleExample.api(
                    fields: "",
                    routes: "  - id: list-orders\n    method: GET\n    path: /orders\n    scopes: [orders.read]\n    backend: https://orders-v2.example.com\n"
                        + "    policy: |\n      <policies>\n        <inbound>\n          <base />\n"
                        + "          <↓set-backend-service base-url=\"https://legacy.example.com\" />\n        </inbound>\n      </policies>\n")
            ],
            nonTriggering: [rawAPI("      <set-header name=\"X-Api\" exists-action=\"override\"><value>orders</value></set-header>\n")]),
    ]

    /// One route whose API has a raw policy with `statement` in its inbound section.
    private static func rawAPI(_ statement: String) -> RuleExample {
        RuleExample.api(
            fields: "policy: |\n  <policies>\n    <inbound>\n      <base />\n" + statement + "    </inbound>\n  </policies>\n",
            routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n")
    }

    /// A publisher configuration for the examples of RF009: a logger, which Portcullis does
    /// not write, and `sections`.
    private static func publisherConfiguration(overriding sections: String) -> String {
        "apimServiceName: apim-prod\nloggers:\n  - name: insights\n    properties: {loggerType: applicationInsights}\n" + sections
    }

    /// The OpenAPI document the examples of RF008 name: one operation, listing orders.
    private static let ownOpenAPI = """
        openapi: 3.0.3
        info: {title: Orders, version: '1'}
        paths:
          /orders:
            get:
              operationId: list-orders
              responses: {'200': {description: The caller's orders}}

        """
}
