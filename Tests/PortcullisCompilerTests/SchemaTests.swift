import Foundation
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisModel
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
        let files =
            yamlFiles(under: GoldenFiles.packageRoot.appendingPathComponent("Samples/contoso"))
            + yamlFiles(under: Self.schemaFixtures.appendingPathComponent("valid"))
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
