import CPortcullisProcess
import Foundation
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

    /// The heap taken ahead, and a worker's heap, are advised for huge pages: a build that
    /// lost the call (or a glibc that grew the heap elsewhere) would fault every page in
    /// again, a tenth of a lint's CPU time. The kernel's flag is read, not the system's
    /// setting, so this holds where huge pages are off.
    func testTheHeapsAreAdvisedForHugePages() throws {
        #if canImport(Glibc)
        guard portcullis_allocate_ahead() == 1 else { throw XCTSkip("this process runs under a memory limit") }
        let end = UInt(bitPattern: sbrk(0))
        XCTAssertEqual(try Self.mappingFlags(containing: end - 1)?.contains("hg"), true, "the main heap is not advised")
        // A thread of its own, which has an arena of its own (libdispatch's may share one).
        let workerBlock = BlockAddress()
        let done = DispatchSemaphore(value: 0)
        Thread {
            portcullis_advise_thread_heap()
            let block = malloc(64)
            workerBlock.value = UInt(bitPattern: block)
            free(block)
            done.signal()
        }.start()
        done.wait()
        guard workerBlock.value >= UInt(bitPattern: sbrk(0)) else { throw XCTSkip("the worker shares the main heap") }
        XCTAssertEqual(try Self.mappingFlags(containing: workerBlock.value)?.contains("hg"), true, "the worker's heap is not advised")
        #else
        throw XCTSkip("the settings are glibc's")
        #endif
    }

    /// Written by one thread before it signals, read by another after the signal.
    private final class BlockAddress: @unchecked Sendable { var value: UInt = 0 }

    /// The kernel's flags (`VmFlags` in `/proc/self/smaps`) of the mapping that holds `address`.
    private static func mappingFlags(containing address: UInt) throws -> [Substring]? {
        // Read to its end: the file's size is given as 0, which a read by size would trust.
        let file = try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/smaps"))
        defer { try? file.close() }
        let smaps = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        var inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= address && address < bounds[1]
            } else if inside, fields.first == "VmFlags:" {
                return Array(fields.dropFirst())
            }
        }
        return nil
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
