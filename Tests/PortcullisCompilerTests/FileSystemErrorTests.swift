import Foundation
import Synchronization
import XCTest

@testable import PortcullisCompiler

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Error messages read from `errno` on parallel workers each get their own text.
final class FileSystemErrorTests: XCTestCase {
    func testErrnoMessagesAreRightOnConcurrentWorkers() {
        let codes: [Int32] = [ENOENT, EACCES, ENOTDIR, EISDIR]
        let expected = codes.map { code -> String in
            var buffer = [CChar](repeating: 0, count: 256)
            _ = strerror_r(code, &buffer, buffer.count)
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        XCTAssertEqual(expected.first, "No such file or directory")
        let results = Mutex(Array(repeating: [String](), count: codes.count))
        DispatchQueue.concurrentPerform(iterations: 400) { iteration in
            let index = iteration % codes.count
            errno = codes[index]
            let reason = FileSystem.Failure.fromErrno().reason
            results.withLock { $0[index].append(reason) }
        }
        results.withLock { results in
            for (index, reasons) in results.enumerated() {
                XCTAssertEqual(Set(reasons), [expected[index]])
            }
        }
    }
}
