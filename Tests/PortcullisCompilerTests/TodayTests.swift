import Foundation
import PortcullisChecker
import PortcullisCompiler
import XCTest

/// Suppressions expire by the day `LintOptions.todayUTC()` reads from the C library; it is
/// the UTC day Foundation's Gregorian calendar names.
final class TodayTests: XCTestCase {
    func testTodayIsTheUTCDayOfFoundationsCalendar() throws {
        func foundationDay() throws -> CalendarDay {
            let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
            return try XCTUnwrap(CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!))
        }
        let before = try foundationDay()
        let today = LintOptions.todayUTC()
        let after = try foundationDay()
        // Read between two readings of the other calendar, it is one of them even at midnight.
        XCTAssertTrue(today == before || today == after, "\(today) is neither \(before) nor \(after)")
    }
}
