import PortcullisCompiler
import PortcullisDiagnostics
import XCTest

@testable import PortcullisChecker

/// The levels a rule reads through ``ScopeAccess`` are the table's, whatever the order of
/// the lookups and however many scopes pass through its four slots.
final class ScopeAccessTests: XCTestCase {
    func testAnswersAsTheTableDoesAcrossEvictions() {
        let scopes = ["a.read", "b.write", "c.admin", "d.read", "e.write", "f.read"]
        let levels = ["read", "write", "admin", "read", "write", "read"]
        var gateway = RuleExample.gatewayHead + "scopes:\n"
        for (name, level) in zip(scopes, levels) { gateway += "  \(name): {access: \(level)}\n" }
        let result = LintPipeline.run([SourceFile(path: "gateway.yaml", bytes: Array(gateway.utf8))])
        let context = CheckContext(project: result.project)
        XCTAssertEqual(context.access(of: "f.read"), .read, "the gateway declares the scopes")

        // Repeats, six declared scopes through four slots, names of equal length, and names
        // no gateway declares (remembered as such, not as the slot's previous scope).
        var names = scopes + scopes.reversed() + ["a.read", "a.read", "zz.read", "a.read", "x", "", "zz.read"]
        // And a fixed walk that comes back to each name after varying gaps.
        let pool = scopes + ["zz.read", "a.reax"]
        for step in 0..<500 { names.append(pool[(step * 5 + step / 7) % pool.count]) }
        var access = ScopeAccess(context)
        for name in names {
            XCTAssertEqual(access.level(of: name), context.access(of: name), "'\(name)'")
        }
    }
}
