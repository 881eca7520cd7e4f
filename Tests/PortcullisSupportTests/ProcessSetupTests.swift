import CPortcullisProcess
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// What the executable sets up before its work starts (README, "Lint, eleventh round").
final class ProcessSetupTests: XCTestCase {
    /// A setting glibc refused, or a build that compiled the call away, would leave every
    /// lint making thousands of `mprotect` calls again.
    func testGlibcTakesBothAllocatorSettings() throws {
        #if canImport(Glibc)
        for resource in [RLIMIT_AS, RLIMIT_DATA] {
            var limit = rlimit()
            XCTAssertEqual(getrlimit(Int32(resource.rawValue), &limit), 0)
            guard limit.rlim_cur == rlim_t.max else { throw XCTSkip("this process runs under a memory limit") }
        }
        XCTAssertEqual(portcullis_allocate_ahead(), 1)
        #else
        throw XCTSkip("the settings are glibc's")
        #endif
    }

    /// Under `ulimit -v` the heap taken ahead would use up what the limit leaves: `--version`
    /// crashed under a limit it had run under before.
    func testNothingIsTakenAheadUnderAnAddressSpaceLimit() throws {
        #if canImport(Glibc)
        let resource = Int32(RLIMIT_AS.rawValue)
        var original = rlimit()
        XCTAssertEqual(getrlimit(resource, &original), 0)
        guard original.rlim_max == rlim_t.max else { throw XCTSkip("the hard address-space limit is set") }
        var limited = original
        limited.rlim_cur = 1 << 42
        XCTAssertEqual(setrlimit(resource, &limited), 0)
        let taken = portcullis_allocate_ahead()
        XCTAssertEqual(setrlimit(resource, &original), 0)
        XCTAssertEqual(taken, 0)
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
