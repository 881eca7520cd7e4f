import Foundation
import PortcullisChecker
import PortcullisCompiler
import PortcullisDiagnostics
import XCTest

/// Every rule's examples are its tests: triggering examples must produce findings of the
/// rule exactly where they are marked, and passing examples none.
final class RuleExampleTests: XCTestCase {
    /// A fixed day, so examples with `until=` dates behave the same in every year.
    static let today = CalendarDay(year: 2026, month: 6, day: 1)!

    /// The example's findings, with each file's path by its number: the example is file 0,
    /// the base gateway (when used) file 1, and the files beside it are placed as a folder's
    /// files are, as OpenAPI documents or publisher configurations.
    private func lint(_ example: RuleExample) -> (diagnostics: [Diagnostic], paths: [String]) {
        var inputs = [SourceFile(path: "example.yaml", bytes: Array(example.text.utf8))]
        if example.usesBaseGateway {
            inputs.append(SourceFile(path: "gateway.yaml", bytes: Array(RuleExample.baseGateway.utf8)))
        }
        let besides = Workspace(inMemory: example.besidesAsWritten.map { SourceFile(path: $0.path, bytes: Array($0.text.utf8)) })
        let report = LintPipeline.run(
            inputs, sideFiles: besides.sideFiles, publisherConfigurations: besides.publisherConfigurations,
            options: LintOptions(today: Self.today)
        ).report
        return (report.active, report.sources.files.map(\.path))
    }

    private func describe(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { "\($0.range.file.index == 0 ? "example" : "gateway"):\($0.range.start.line):\($0.range.start.column) \($0.code.id) \($0.message)" }
            .joined(separator: "\n")
    }

    func testEveryExampleBehavesAsDocumented() {
        for description in RuleRegistry.descriptions {
            let code = description.code
            let isFrontEnd = code.family.isFrontEnd
            XCTAssertFalse(description.triggering.isEmpty, "\(code.id) has no triggering example")
            XCTAssertFalse(description.nonTriggering.isEmpty, "\(code.id) has no passing example")
            for (index, example) in description.triggering.enumerated() {
                let (diagnostics, paths) = lint(example)
                let found = diagnostics.filter { $0.code == code }
                XCTAssertEqual(
                    found.filter { $0.range.file.index == 0 }.map(\.range.start), example.markedPositions,
                    "\(code.id) triggering example \(index): findings are not where marked:\n\(describe(diagnostics))",
                    file: example.file, line: example.line)
                for beside in example.besides {
                    XCTAssertEqual(
                        found.filter { paths[Int($0.range.file.index)] == beside.path }.map(\.range.start),
                        RuleExample.markedPositions(in: beside.text),
                        "\(code.id) triggering example \(index): findings in '\(beside.path)' are not where marked:\n\(describe(diagnostics))",
                        file: example.file, line: example.line)
                }
                XCTAssertEqual(
                    found.filter { paths[Int($0.range.file.index)] == "gateway.yaml" && example.usesBaseGateway }.count, 0,
                    "\(code.id) fires on the base gateway", file: example.file, line: example.line)
                if !isFrontEnd {
                    let errors = diagnostics.filter { $0.code.family.isFrontEnd }
                    XCTAssertEqual(
                        errors.count, 0, "\(code.id) triggering example \(index) is not valid input:\n\(describe(errors))",
                        file: example.file, line: example.line)
                }
            }
            for (index, example) in description.nonTriggering.enumerated() {
                XCTAssertTrue(
                    example.markedPositions.isEmpty && example.besides.allSatisfy { RuleExample.markedPositions(in: $0.text).isEmpty },
                    "\(code.id) passing example \(index) has markers",
                    file: example.file, line: example.line)
                let diagnostics = lint(example).diagnostics
                XCTAssertEqual(
                    diagnostics.filter { $0.code == code }.count, 0,
                    "\(code.id) passing example \(index) triggers it:\n\(describe(diagnostics))",
                    file: example.file, line: example.line)
                let errors = diagnostics.filter { $0.code.family.isFrontEnd }
                XCTAssertEqual(
                    errors.count, 0, "\(code.id) passing example \(index) is not valid input:\n\(describe(errors))",
                    file: example.file, line: example.line)
            }
        }
    }

    func testExamplesKnowWhereTheyAreWritten() {
        let here = RuleExample("kind: API\n"), line = UInt(#line)
        XCTAssertEqual(here.line, line)
        XCTAssertEqual("\(here.file)", #filePath)
        let example = SuppressionRules.descriptions[0].triggering[0]
        XCTAssertTrue("\(example.file)".hasSuffix("Sources/PortcullisChecker/Suppressions/SuppressionRules.swift"), "\(example.file)")
        let source = try? String(contentsOfFile: "\(example.file)", encoding: .utf8)
        let written = source?.split(separator: "\n", omittingEmptySubsequences: false)[Int(example.line) - 1]
        XCTAssertTrue(written?.contains("RuleExample.api(") ?? false, "line \(example.line) is not the example")
    }

    func testRegistryIsSortedUniqueAndWellFormed() {
        let codes = RuleRegistry.descriptions.map(\.code.id)
        XCTAssertEqual(codes, codes.sorted())
        XCTAssertEqual(Set(codes).count, codes.count, "codes are unique")
        XCTAssertEqual(Set(RuleRegistry.descriptions.map(\.code.slug)).count, codes.count, "slugs are unique")
        for description in RuleRegistry.descriptions {
            let code = description.code
            XCTAssertNotNil(code.id.range(of: "^[A-Z]{2}[0-9]{3}$", options: .regularExpression), code.id)
            XCTAssertNotNil(code.slug.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression), code.slug)
            XCTAssertFalse(code.summary.isEmpty)
            XCTAssertFalse(code.summary.hasSuffix("."), "\(code.id) summary ends with a period")
            XCTAssertLessThanOrEqual(description.rationale.count, 1024, "\(code.id) rationale is too long for SARIF")
            XCTAssertTrue(description.rationale.hasSuffix("."), "\(code.id) rationale is prose")
            XCTAssertTrue(description.fix.hasSuffix("."), "\(code.id) fix is prose")
        }
    }

    /// The shared rule catalogue is the contract: each of its codes is registered with its
    /// slug. Issues extend it with further codes, which the README's table lists.
    /// Skipped where the catalogue is not beside the checkout.
    func testEveryCodeOfTheCatalogueIsRegistered() throws {
        let catalogue = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/spec/RULES.md")
        guard let text = try? String(contentsOf: catalogue, encoding: .utf8) else {
            throw XCTSkip("\(catalogue.path) is not available; the catalogue check runs where ../shared is")
        }
        let regex = try NSRegularExpression(pattern: "^\\| ([A-Z]{2}[0-9]{3}) \\| ([a-z0-9-]+) \\|", options: .anchorsMatchLines)
        var expected: [String: String] = [:]
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let code = String(text[Range(match.range(at: 1), in: text)!])
            expected[code] = String(text[Range(match.range(at: 2), in: text)!])
        }
        XCTAssertGreaterThan(expected.count, 40)
        let registered = Dictionary(uniqueKeysWithValues: RuleRegistry.descriptions.map { ($0.code.id, $0.code.slug) })
        XCTAssertEqual(registered.filter { expected[$0.key] != nil }, expected)
    }
}
