import CPortcullisProcess
import XCTest

/// What the executable sets up before its work starts (README, "Lint, eleventh round").
final class ProcessSetupTests: XCTestCase {
    /// A setting glibc refused, or a build that compiled the call away, would leave every
    /// lint making thousands of `mprotect` calls again.
    func testGlibcTakesBothAllocatorSettings() throws {
        #if canImport(Glibc)
        XCTAssertEqual(portcullis_allocate_ahead(), 1)
        #else
        throw XCTSkip("the settings are glibc's")
        #endif
    }

    /// The thread is moved, then free to run on every CPU it could before: a second move
    /// off the same CPU is possible only if that CPU was given back.
    func testLeavingACPUGivesItBack() throws {
        #if canImport(Glibc)
        let cpu = portcullis_current_cpu()
        XCTAssertGreaterThanOrEqual(cpu, 0)
        // Under `taskset -c 0`, say, there is no other CPU to move to.
        guard portcullis_usable_cpus() > 1 else {
            XCTAssertEqual(portcullis_leave_cpu(cpu), 0)
            throw XCTSkip("this process may use one CPU only")
        }
        let usable = portcullis_usable_cpus()
        XCTAssertEqual(portcullis_leave_cpu(cpu), 1)
        XCTAssertEqual(portcullis_usable_cpus(), usable, "the CPUs were not given back")
        XCTAssertEqual(portcullis_leave_cpu(cpu), 1, "the CPU was not given back")
        XCTAssertEqual(portcullis_leave_cpu(-1), 0)
        XCTAssertEqual(portcullis_leave_cpu(100_000), 0)
        #else
        throw XCTSkip("thread affinity is read through glibc here")
        #endif
    }
}
