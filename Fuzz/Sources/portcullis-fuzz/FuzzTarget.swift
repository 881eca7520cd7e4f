import PortcullisChecker
import PortcullisCompiler
import PortcullisDiagnostics

/// One input: a single definitions file, linted with every rule and rendered in the text
/// format (which quotes source lines); when it lints clean, its bundle is built in memory.
/// An input that starts with `<` is raw policy XML instead: the policy file of a small
/// project's gateway, API and route, and the fragment it includes, so the XML reader, the
/// catalogue's structure check and the rules that read raw XML all see it at every scope.
/// An input that starts with `openapi`, `swagger` or `{` is the OpenAPI document an API of
/// that project names, so the document reader and route matching see it.
/// Any crash, hang or runaway allocation is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let start = bytes.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D })
    let project = [SourceFile(path: "definitions.yaml", bytes: Array(rawPolicyProject.utf8))]
    var inputs = [SourceFile(path: "input.yaml", bytes: bytes)]
    var sideFiles: [SourceFile] = []
    if start.first == UInt8(ascii: "<") {
        inputs = project + [SourceFile(path: "policy.xml", bytes: bytes)]
    } else if start.starts(with: "openapi".utf8) || start.starts(with: "swagger".utf8) || start.first == UInt8(ascii: "{") {
        (inputs, sideFiles) = (project, [SourceFile(path: "openapi.json", bytes: bytes)])
    }
    let result = LintPipeline.run(
        inputs, sideFiles: sideFiles, options: LintOptions(today: CalendarDay(year: 2026, month: 6, day: 1)!))
    _ = TextReporter().render(result.report)
    _ = GitHubReporter().render(result.report)
    return 0
}

/// A project whose every scope names `policy.xml`, and whose API names `openapi.json`.
let rawPolicyProject = """
    apiVersion: portcullis/v1
    kind: Gateway
    name: fuzz
    identityProviders:
      entra:
        type: jwt
        issuer: https://login.example.com/v2.0
        openidConfig: https://login.example.com/v2.0/.well-known/openid-configuration
        audiences: [api://fuzz]
    scopes:
      orders.read: {access: read}
    namedValues:
      name: value
    defaults:
      auth: entra
      rateLimit: {calls: 10, per: 60s}
    policy: policy.xml
    ---
    apiVersion: portcullis/v1
    kind: API
    name: orders
    path: orders
    backend: https://orders.example.com
    policy: policy.xml
    openapi: openapi.json
    routes:
      - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], cache: {ttl: 30s}, policy: policy.xml}
    ---
    apiVersion: portcullis/v1
    kind: Product
    name: shop
    apis: [orders]
    policy: policy.xml
    ---
    apiVersion: portcullis/v1
    kind: PolicyFragment
    name: fragment
    policy: policy.xml

    """
