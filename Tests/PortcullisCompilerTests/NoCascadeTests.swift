import Foundation
import XCTest

/// One mistake, one diagnostic: a part that had errors is reported once, and no rule or
/// suppression check reports the consequences. Each case is a folder under
/// `Fixtures/diagnostics` linted by the built executable; `expected.txt` is the whole report.
final class NoCascadeTests: XCTestCase {
    private func lint(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let directory = DiagnosticGoldenTests.cases.appendingPathComponent(name)
        let result = try ToolProcess.run(["lint", "."], in: directory)
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        GoldenFiles.assertMatches(
            result.stdout, golden: directory.appendingPathComponent("expected.txt"), file: file, line: line)
    }

    /// `redis` with a bad value is broken, not absent: no CA006 "declares no 'redis'".
    func testBrokenRedisIsNotAMissingRedis() throws { try lint("no-cascade-redis") }

    /// A suppression on a route with errors is not "unused" (SU003): no rule looked there.
    /// One on a route rules did judge still is.
    func testSuppressionOnARouteWithErrorsIsNotReportedUnused() throws { try lint("no-cascade-suppression") }

    /// A value under an unsupported tag gets YS007 only: no YS004 for the same value, and
    /// no rule findings (LP001, LP006, RF001) about what it would have said.
    func testRejectedTagIsNotDecodedAgain() throws { try lint("no-cascade-tag") }

    /// Scopes written under a misspelt 'scope:' count as used: no LP006 for them.
    func testScopesUnderAMisspeltFieldAreNotUnused() throws { try lint("no-cascade-scope") }

    /// An API read with errors is not judged, but the scopes its routes require are still
    /// required: no LP006 for a scope only that API names.
    func testScopesOfAnAPIWithErrorsAreNotUnused() throws { try lint("no-cascade-api-errors") }

    /// A document of unknown kind stops at that error: no LP006 for the scopes its routes
    /// name, no RF001 for the product that lists it, no SU003 for its suppressions.
    func testDocumentOfUnknownKindGivesNoFurtherFindings() throws { try lint("no-cascade-kind") }

    /// Rules skip a broken 'redis', but a literal connection written in it is still masked
    /// wherever a report quotes its line.
    func testLiteralInBrokenRedisIsStillMasked() throws {
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = DiagnosticGoldenTests.cases.appendingPathComponent("no-cascade-redis")
        let gateway = try String(contentsOf: fixture.appendingPathComponent("gateway.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "redis:\n  connection: [redis-connection]\n  tls: true", with: "redis: {connection: hunter2hunter2, tsl: true}")
        XCTAssertTrue(gateway.contains("hunter2hunter2"))
        try gateway.write(to: directory.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("orders.yaml"), to: directory.appendingPathComponent("orders.yaml"))
        let result = try ToolProcess.run(["lint", "."], in: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("unknown field 'tsl' in 'redis' [YS003]"), result.stdout)
        // A line with a field the language does not define shows none of its values.
        XCTAssertTrue(result.stdout.contains("redis: " + String(repeating: "*", count: "{connection: hunter2hunter2, tsl: true}".count)), result.stdout)
        XCTAssertFalse(result.stdout.contains("hunter2"), result.stdout)
        XCTAssertFalse(result.stdout.contains("[CA006]"), result.stdout)
    }
}
