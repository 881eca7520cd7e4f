import PortcullisChecker
import PortcullisDiagnostics
import PortcullisSyntax
import XCTest

/// Code families, calendar days and configured rule settings: the types that replaced
/// string prefixes, string dates and optional severities.
final class CodeTypesTests: XCTestCase {
    func testEveryRegisteredCodeHasTheFamilyOfItsPrefix() {
        for description in RuleRegistry.descriptions {
            let code = description.code
            XCTAssertEqual(code.family.rawValue, String(code.id.prefix(2)), code.id)
        }
        XCTAssertEqual(DiagnosticCode.frontEnd.filter { !$0.family.isFrontEnd }.map(\.id), [])
        XCTAssertEqual(SuppressionRules.expired.family, .suppressions)
    }

    func testFamiliesDecideSuppressionAndSecurity() {
        let suppressible = DiagnosticCode.Family.allCases.filter(\.isSuppressible).map(\.rawValue)
        XCTAssertEqual(suppressible, ["LP", "SE", "CA", "RL", "RD", "CO"])
        let security = DiagnosticCode.Family.allCases.filter(\.isSecurity).map(\.rawValue)
        XCTAssertEqual(security, ["LP", "SE", "CA", "RD"])
    }

    func testCalendarDaysParseOnlyRealDaysAndCompareByDay() {
        XCTAssertEqual(CalendarDay("2024-02-29")?.description, "2024-02-29")
        for invalid in ["2023-02-29", "2026-13-01", "2026-1-01", "2026-01-1", "+202-01-01", "2026-00-10", "2026/01/01", ""] {
            XCTAssertNil(CalendarDay(invalid), invalid)
        }
        XCTAssertLessThan(CalendarDay("2026-05-31")!, CalendarDay("2026-06-01")!)
        XCTAssertLessThan(CalendarDay("0999-12-31")!, CalendarDay("1000-01-01")!)
        XCTAssertEqual(CalendarDay(year: 7, month: 3, day: 9)?.description, "0007-03-09")
    }

    func testConfigurationKeysSettingsByCodeWithOffAsACase() throws {
        let text = "rules:\n  CA001: off\n  LP001: {severity: note}\n  YS003: warning\n"
        let (configuration, diagnostics) = Configuration.parse(SourceFile(path: "portcullis.yaml", bytes: Array(text.utf8)), file: FileID(0))
        let cacheCode = try XCTUnwrap(RuleRegistry.codes["CA001"])
        let authCode = try XCTUnwrap(RuleRegistry.codes["LP001"])
        XCTAssertEqual(configuration.setting(for: cacheCode), .off)
        XCTAssertEqual(configuration.setting(for: authCode), .report(.note))
        XCTAssertEqual(configuration.setting(for: .unknownField), .report(.error))
        XCTAssertEqual(configuration.setting(for: SuppressionRules.unused), .report(.warning))
        XCTAssertEqual(diagnostics.map(\.message), ["'YS003' reports input that cannot be compiled and is always an error"])
    }
}
