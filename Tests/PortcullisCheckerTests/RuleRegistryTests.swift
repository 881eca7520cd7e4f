import Foundation
import PortcullisChecker
import XCTest

/// Swift cannot list a protocol's conforming types at run time, so the registry is a
/// written list; this test reads the rule sources so that a rule left out of it fails
/// here, in a plain clone, instead of silently never running.
final class RuleRegistryTests: XCTestCase {
    static let rulesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/PortcullisChecker/Rules")

    /// The names of the types the rule sources declare as `Rule`s.
    static func declaredRules() throws -> Set<String> {
        var names = Set<String>()
        let files = try XCTUnwrap(FileManager.default.enumerator(at: rulesFolder, includingPropertiesForKeys: nil))
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let kind = words.firstIndex(where: { $0 == "enum" || $0 == "struct" }), kind + 2 < words.count,
                    words[kind + 2] == "Rule" || words[kind + 2].hasPrefix("Rule,") || words[kind + 2] == "Rule{"
                else { continue }
                names.insert(String(words[kind + 1].dropLast()))
            }
        }
        return names
    }

    func testEveryRuleTypeIsRegisteredOnce() throws {
        let registered = RuleRegistry.checks.map { String(describing: $0) }
        XCTAssertEqual(registered.count, Set(registered).count, "a rule is registered twice")
        let declared = try Self.declaredRules()
        XCTAssertGreaterThan(declared.count, 30, "the scan of the rule sources found too few rules")
        XCTAssertEqual(declared.subtracting(registered).sorted(), [], "rules missing from RuleRegistry.checks")
        XCTAssertEqual(Set(registered).subtracting(declared).sorted(), [], "registered types not found in the sources")
    }
}
