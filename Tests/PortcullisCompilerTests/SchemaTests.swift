import Foundation
import PortcullisCompiler
import PortcullisDiagnostics
@testable import PortcullisModel
import XCTest

/// Keeps `Schemas/portcullis.schema.json` and the parser in agreement.
final class SchemaTests: XCTestCase {
    static let schemaURL = GoldenFiles.packageRoot.appendingPathComponent("Schemas/portcullis.schema.json")
    static let schemaFixtures = GoldenFiles.fixtures.appendingPathComponent("schema")

    private func definitions() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: Self.schemaURL)
        let schema = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(schema["$defs"] as? [String: [String: Any]])
    }

    private func names<Field: FieldSet>(_: Field.Type) -> (String, Set<String>) {
        (Field.schemaDefinition, Set(Field.fieldNames))
    }

    /// Each mapping the decoder reads accepts exactly the properties its schema definition lists.
    func testFieldSetsMatchSchemaDefinitions() throws {
        let definitions = try definitions()
        var covered = Set<String>()
        for type in allFieldSets {
            let (name, fields) = names(type)
            covered.insert(name)
            let properties = try XCTUnwrap(definitions[name]?["properties"] as? [String: Any], "no $defs entry '\(name)'")
            XCTAssertEqual(Set(properties.keys), fields, "fields of '\(name)'")
            XCTAssertEqual(definitions[name]?["additionalProperties"] as? Bool, false, "'\(name)' must reject unknown fields")
        }
        let closedObjects = definitions.filter { $0.value["properties"] != nil }.map(\.key)
        XCTAssertEqual(Set(closedObjects).subtracting(covered), [], "schema objects without a field set in the decoder")
    }

    /// The decoder sorts a mapping's entries into one inline slot per field and finds a
    /// field's slot from the field's one byte: every field set must fit, and each field's
    /// byte must be its position (none for a set of one), or the decoder would read
    /// another field's value.
    func testEveryFieldSetFitsTheDecodersSlots() {
        func check<Field: FieldSet>(_: Field.Type) {
            let name = Field.schemaDefinition
            XCTAssertLessThanOrEqual(Field.allCases.count, FieldValues<Field>.capacity, "'\(name)' has too many fields")
            XCTAssertLessThanOrEqual(MemoryLayout<Field>.size, 1, "'\(name)' takes more than one byte")
            for (position, field) in Field.allCases.enumerated() {
                XCTAssertEqual(FieldValues<Field>.ordinal(field), position, "'\(name).\(field.rawValue)'")
            }
        }
        for type in allFieldSets { check(type) }
    }

    /// Editors show a field's description (and default) on hover: every field has one.
    func testEveryFieldIsDescribed() throws {
        for (name, definition) in try definitions() {
            for (field, schema) in definition["properties"] as? [String: [String: Any]] ?? [:] {
                XCTAssertNotNil(schema["description"] as? String, "'\(name).\(field)' has no description")
            }
        }
    }

    /// The schema's defaults are the decoder's: a project that writes none of the
    /// defaulted fields gets exactly the values the schema promises.
    func testDefaultsAreTheDecodersDefaults() throws {
        let definitions = try definitions()
        func promised(_ definition: String, _ field: String) throws -> Any {
            let properties = try XCTUnwrap(definitions[definition]?["properties"] as? [String: [String: Any]])
            return try XCTUnwrap(properties[field]?["default"], "'\(definition).\(field)' states no default")
        }
        func seconds(_ definition: String, _ field: String) throws -> Int {
            let text = try XCTUnwrap(try promised(definition, field) as? String)
            return try XCTUnwrap(Grammar.durationSeconds(text), "'\(text)' is not a duration")
        }
        let source = """
            apiVersion: portcullis/v1
            kind: Gateway
            name: g
            identityProviders:
              jwt: {type: jwt, issuer: https://a.example, openidConfig: https://a.example/c, audiences: [a]}
              peek: {type: introspection, endpoint: https://b.example, clientId: c, clientSecret: {secret: s}}
            secrets: {s: {keyVault: https://demo-kv.vault.azure.net/secrets/s}}
            redis: {connection: {secret: s}, databases: {}}
            guardrails: {maxCacheTtl: {}}
            cors: {allowedOrigins: [https://c.example], allowedHeaders: [Authorization]}
            ---
            apiVersion: portcullis/v1
            kind: API
            name: a
            path: a
            backend: https://d.example
            routes: [{id: r, method: GET, path: /r, auth: none, public: test}]
            ---
            apiVersion: portcullis/v1
            kind: Product
            name: p
            apis: [a]
            """
        let project = LintPipeline.run([SourceFile(path: "defaults.yaml", bytes: Array(source.utf8))]).project
        let gateway = try XCTUnwrap(project.gateway)
        let jwt = try XCTUnwrap(gateway.identityProviders.first { $0.type == .jwt })
        let introspection = try XCTUnwrap(gateway.identityProviders.first { $0.type == .introspection })
        guard case .present(let redis) = gateway.redis, case .present(let guardrails) = gateway.guardrails,
            case .present(let cors) = gateway.cors
        else { return XCTFail("a section of the gateway was not read") }

        XCTAssertEqual(try promised("Gateway", "sku") as? String, gateway.effectiveSku.rawValue)
        XCTAssertEqual(try promised("JWTProvider", "scopeClaim") as? String, jwt.effectiveScopeClaim)
        XCTAssertEqual(try promised("JWTProvider", "roleClaim") as? String, jwt.effectiveRoleClaim)
        XCTAssertEqual(try seconds("JWTProvider", "tokenLifetime"), jwt.effectiveTokenLifetime)
        XCTAssertEqual(try promised("IntrospectionProvider", "scopeClaim") as? String, introspection.effectiveScopeClaim)
        XCTAssertEqual(try promised("IntrospectionProvider", "roleClaim") as? String, introspection.effectiveRoleClaim)
        XCTAssertEqual(try seconds("IntrospectionProvider", "tokenLifetime"), introspection.effectiveTokenLifetime)
        guard case .introspection(let details) = introspection.details else { return XCTFail("not an introspection provider") }
        XCTAssertEqual(try seconds("IntrospectionProvider", "cacheTtl"), details.effectiveCacheTtl)
        XCTAssertEqual(try promised("Redis", "tls") as? Bool, redis.effectiveTLS)
        XCTAssertEqual(try promised("Redis", "publicNetworkAccess") as? Bool, redis.effectivePublicNetworkAccess)
        XCTAssertEqual(try promised("RedisDatabases", "auth") as? Int, redis.databases.effectiveAuth)
        XCTAssertEqual(try promised("RedisDatabases", "rateLimit") as? Int, redis.databases.effectiveRateLimit)
        XCTAssertEqual(try promised("RedisDatabases", "responses") as? Int, redis.databases.effectiveResponses)
        XCTAssertEqual(try seconds("MaxCacheTtl", "shared"), guardrails.effectiveMaxSharedCacheTtl)
        XCTAssertEqual(try seconds("MaxCacheTtl", "perUser"), guardrails.effectiveMaxPerUserCacheTtl)
        XCTAssertEqual(try seconds("Guardrails", "maxTokenCacheTtl"), guardrails.effectiveMaxTokenCacheTtl)
        XCTAssertEqual(try promised("Guardrails", "requireRateLimit") as? Bool, guardrails.effectiveRequireRateLimit)
        XCTAssertEqual(try promised("CORS", "allowCredentials") as? Bool, cors.effectiveAllowCredentials)
        XCTAssertEqual(try promised("API", "subscriptionRequired") as? Bool, try XCTUnwrap(project.apis.first).effectiveSubscriptionRequired)
        let product = try XCTUnwrap(project.products.first)
        XCTAssertEqual(try promised("Product", "subscriptionRequired") as? Bool, product.effectiveSubscriptionRequired)
        XCTAssertEqual(try promised("Product", "approvalRequired") as? Bool, product.effectiveApprovalRequired)
    }

    private func yamlFiles(under directory: URL) -> [URL] {
        let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = walker?.nextObject() as? URL {
            if url.pathExtension == "yaml" { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    private func schemaErrors(_ files: [URL]) throws -> [String: [String]] {
        let output = try PythonTool.run(
            [PythonTool.support.appendingPathComponent("check_schema.py").path, Self.schemaURL.path] + files.map(\.path))
        XCTAssertEqual(output.status, 0, output.stderr)
        var result: [String: [String]] = [:]
        for line in output.stdout.split(separator: "\n") {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            result[try XCTUnwrap(object["file"] as? String)] = object["errors"] as? [String] ?? ["unreadable"]
        }
        return result
    }

    private func lint(_ file: URL) throws -> [Diagnostic] {
        let input = SourceFile(path: file.lastPathComponent, bytes: [UInt8](try Data(contentsOf: file)))
        return LintPipeline.run([input]).report.diagnostics
    }

    func testCleanSamplesAndValidFixturesPassBoth() throws {
        // Every clean sample: fabrikam's named values keep an estate's spelling ('{{TenantId}}'),
        // which the schema once refused in text while the parser took it. Its own OpenAPI
        // document is no definition.
        let samples = ["contoso", "fabrikam"].flatMap { yamlFiles(under: GoldenFiles.packageRoot.appendingPathComponent("Samples/\($0)")) }
            .filter { $0.deletingLastPathComponent().lastPathComponent != "specs" }
        let files = samples + yamlFiles(under: Self.schemaFixtures.appendingPathComponent("valid"))
        XCTAssertGreaterThan(files.count, 5)
        let errors = try schemaErrors(files)
        for file in files {
            XCTAssertEqual(errors[file.path], [], "schema rejects \(file.lastPathComponent)")
        }
        // The fixture uses every field, not every field wisely: rule findings are expected, parse errors are not.
        let everyField = try lint(Self.schemaFixtures.appendingPathComponent("valid/every-field.yaml"))
            .filter { $0.code.family.isFrontEnd }
        XCTAssertEqual(everyField.map { "\($0.code.id) \($0.message)" }, [], "the parser rejects every-field.yaml")
    }

    func testInvalidFixturesAreRejectedByBoth() throws {
        let files = yamlFiles(under: Self.schemaFixtures.appendingPathComponent("invalid"))
        XCTAssertGreaterThan(files.count, 15)
        let errors = try schemaErrors(files)
        let schemaCodes: Set<DiagnosticCode> = [.unknownField, .invalidValue, .missingField]
        for file in files {
            XCTAssertNotEqual(errors[file.path] ?? [], [], "the schema accepts \(file.lastPathComponent)")
            let codes = Set(try lint(file).map(\.code))
            XCTAssertFalse(codes.isDisjoint(with: schemaCodes), "the parser accepts \(file.lastPathComponent): \(codes)")
        }
    }
}
