@testable import PortcullisSupport
import XCTest

#if canImport(Glibc)
    import Glibc

    /// Once a run asks for huge pages, every thread that runs parallel work has the memory
    /// holding its heap advised, as the kernel's own account of the process shows.
    final class HeapPagesTests: XCTestCase {
        func testTheMainHeapAndEveryWorkingThreadsHeapAreAdvised() throws {
            guard FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled") else {
                throw XCTSkip("this kernel has no transparent huge pages")
            }
            HeapPages.useHugePages()
            // The first block each thread takes after its first item advised its heap: the
            // size of the block the advice was found by, so the same memory.
            let taken = ParallelMap.map(0..<64) { _ -> (thread: UInt, block: UInt) in
                let block = malloc(64 << 10)!
                usleep(100)
                return (UInt(pthread_self()), UInt(bitPattern: block))
            }
            defer { for item in taken { free(UnsafeMutableRawPointer(bitPattern: item.block)) } }
            var firstBlocks: [UInt: UInt] = [:]
            for item in taken where firstBlocks[item.thread] == nil { firstBlocks[item.thread] = item.block }
            let mappings = try Self.mappings()
            func isAdvised(_ address: UInt) throws -> Bool {
                try XCTUnwrap(mappings.first { $0.range.contains(address) }, "no mapping holds \(address)").flags.contains("hg")
            }
            XCTAssertTrue(try isAdvised(UInt(bitPattern: sbrk(0)) - 1), "the main heap's grown part is not advised")
            for block in firstBlocks.values {
                XCTAssertTrue(try isAdvised(block), "a working thread's heap is not advised")
            }
        }

        /// Each mapping of this process and its `VmFlags` (`hg`: advised for huge pages).
        private static func mappings() throws -> [(range: Range<UInt>, flags: [Substring])] {
            // Read to its end: the file's size says 0.
            let handle = try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/smaps"))
            defer { try? handle.close() }
            let text = String(decoding: try XCTUnwrap(try handle.readToEnd()), as: UTF8.self)
            var found: [(range: Range<UInt>, flags: [Substring])] = []
            var current: Range<UInt>?
            for line in text.split(separator: "\n") {
                if line.hasPrefix("VmFlags:"), let range = current {
                    found.append((range, line.dropFirst(8).split(separator: " ")))
                    continue
                }
                let bounds = line.prefix { $0 != " " }.split(separator: "-")
                if bounds.count == 2, let low = UInt(bounds[0], radix: 16), let high = UInt(bounds[1], radix: 16) {
                    current = low..<high
                }
            }
            return found
        }
    }
#endif
