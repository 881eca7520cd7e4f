import CPortcullisAllocator
import XCTest

/// The executable asks glibc to grow its heaps in large steps before it starts any thread
/// (README, "Lint, eleventh round"). A setting glibc refuses, or a build that compiles the
/// call away, would leave every lint making thousands of `mprotect` calls again.
final class AllocateAheadTests: XCTestCase {
    func testGlibcTakesBothSettings() throws {
        #if canImport(Glibc)
        XCTAssertEqual(portcullis_allocate_ahead(), 1)
        #else
        throw XCTSkip("the settings are glibc's")
        #endif
    }
}
