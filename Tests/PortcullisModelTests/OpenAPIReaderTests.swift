import XCTest

@testable import PortcullisModel
import PortcullisDiagnostics
import PortcullisSyntax

/// What matching reads from an OpenAPI document: operations by method and path, their
/// operationIds, and where each is written; everything else is left to the author.
final class OpenAPIReaderTests: XCTestCase {
    private func read(_ text: String) -> (operations: [OpenAPIOperation]?, diagnostics: [Diagnostic]) {
        let (specification, diagnostics) = specification(text)
        return (specification?.operations, diagnostics)
    }

    private func specification(_ text: String) -> (OpenAPISpecification?, [Diagnostic]) {
        var diagnostics = DiagnosticCollector()
        let documents = YAMLReader(file: FileID(0)).readAll(Array(text.utf8), diagnostics: &diagnostics)
        XCTAssertEqual(diagnostics.diagnostics.map(\.message), [], "the YAML itself is well formed")
        let specification = OpenAPIReader.specification(
            documents[0].root, bytes: Array(text.utf8), format: .yaml, of: "'spec.yaml'", diagnostics: &diagnostics)
        return (specification, diagnostics.diagnostics)
    }

    func testTitlesServersSummariesAndUnroutablePathsAreKeptForImport() {
        let (read, diagnostics) = specification(
            """
            openapi: 3.0.1
            info: {title: Orders, description: [not, text]}
            servers:
              - {url: 'https://{region}.example.com:{port}/orders', variables: {region: {default: weu}, port: {enum: ['443']}}}
              - {url: /relative}
            paths:
              /orders: {get: {operationId: list, summary: All orders}}
              /orders/{order-id}: {delete: {operationId: remove, summary: [x]}}

            """)
        XCTAssertEqual(read?.about, OpenAPIAbout(title: "Orders", serverURLs: ["https://weu.example.com:{port}/orders", "/relative"]))
        XCTAssertEqual(read?.operations.map { "\($0.operationId?.value ?? "-") \($0.summary ?? "-")" }, ["list All orders"])
        XCTAssertEqual(
            read?.unroutable.map { "\($0.range.start.line) \($0.method) \($0.path.value) \($0.operationId?.value ?? "-") \($0.summary ?? "-")" },
            ["8 delete /orders/{order-id} remove -"])
        XCTAssertEqual(diagnostics.map(\.message), ["path '/orders/{order-id}' of 'spec.yaml' is not a path a route can have"])

        let (swagger, _) = specification("swagger: '2.0'\nhost: api.example.com\nbasePath: /v2\nschemes: [http]\npaths: {}\n")
        XCTAssertEqual(swagger?.about.serverURLs, ["http://api.example.com/v2"])
    }

    private func described(_ operations: [OpenAPIOperation]?) -> [String] {
        (operations ?? []).map {
            "\($0.range.start.line):\($0.range.start.column) \($0.method) \($0.path.text) \($0.operationId?.value ?? "-")"
        }
    }

    func testOperationsOfAnOpenAPI3Document() {
        let (operations, diagnostics) = read(
            """
            openapi: 3.0.1
            info: {title: Orders, version: '1'}
            servers: [{url: 'https://example.azure-api.net/orders'}]
            paths:
              /orders/{orderId}:
                summary: One order
                parameters:
                  - {name: orderId, in: path, required: true, schema: {type: string}}
                get:
                  operationId: get-order
                  responses: {'200': {description: ok}}
                x-internal: true
                delete:
                  responses: {'204': {description: gone}}
              /orders:
                trace: {operationId: trace-orders}
            components: {schemas: {Order: {type: object}}}

            """)
        XCTAssertEqual(diagnostics.map(\.message), [])
        XCTAssertEqual(described(operations), ["9:5 get /orders/{orderId} get-order", "13:5 delete /orders/{orderId} -", "16:5 trace /orders trace-orders"])
        XCTAssertEqual(operations?[0].path.shape, "/orders/{}")
    }

    func testSwagger2AndJSONAreRead() {
        let (operations, diagnostics) = read(
            """
            {"swagger":"2.0","info":{"title":"a\\/b","version":"1"},
            \t"paths":{"/x":{"get":{"operationId":"get-x","responses":{}}}}}
            """)
        XCTAssertEqual(diagnostics.map(\.message), [])
        XCTAssertEqual(described(operations), ["2:17 get /x get-x"])
    }

    func testWhatIsNotAnOpenAPIDocumentIsReportedWhereItIsWritten() {
        let cases: [(String, String)] = [
            ("- a\n- b\n", "1:1 'spec.yaml' is not an OpenAPI document: it is not a mapping"),
            ("openapi: 2.0\npaths: {}\n", "1:10 'spec.yaml' is not an OpenAPI document: it declares neither 'openapi: 3.x' nor 'swagger: \"2.0\"'"),
            ("info: {title: a}\n", "1:1 'spec.yaml' is not an OpenAPI document: it declares neither 'openapi: 3.x' nor 'swagger: \"2.0\"'"),
            ("openapi: 3.1.0\n", "1:1 'spec.yaml' has no 'paths'"),
            ("openapi: 3.1.0\npaths: [a]\n", "2:8 'paths' of 'spec.yaml' must be a mapping"),
            ("openapi: 3.1.0\npaths:\n  /a: x\n", "3:7 path '/a' of 'spec.yaml' must be a mapping"),
            ("openapi: 3.1.0\npaths:\n  a/{b}:\n    get: {}\n", "3:3 path 'a/{b}' of 'spec.yaml' is not a path a route can have"),
            ("openapi: 3.1.0\npaths:\n  /a:\n    get: [x]\n", "4:10 operation 'get' of path '/a' must be a mapping"),
            ("openapi: 3.1.0\npaths:\n  /a:\n    get: {operationId: [x]}\n", "4:24 'operationId' must be a string"),
        ]
        for (text, expected) in cases {
            let (_, diagnostics) = read(text)
            XCTAssertEqual(diagnostics.map { "\($0.range.start.line):\($0.range.start.column) \($0.message)" }, [expected], text)
        }
    }
}
