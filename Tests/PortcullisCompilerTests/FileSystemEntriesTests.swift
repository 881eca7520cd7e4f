import Foundation
import XCTest

@testable import PortcullisCompiler

/// A directory's entries carry their names' bytes exactly, from the shortest name to the
/// longest a file system allows, however the entries fall in the buffers `readdir` fills.
///
/// The names are read where the entry lies, up to their terminator. Reading the whole
/// fixed-size name field instead read past the end of the buffer whenever a read ended
/// with a short name; only the address sanitizer shows that (`swift build --sanitize=address`,
/// then a lint of a folder of 1,500 files).
final class FileSystemEntriesTests: XCTestCase {
    func testEntriesNameEveryFileByItsBytes() throws {
        let directory = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Names of every length up to 255 bytes, several times over, so that the entries
        // fill more than one of `readdir`'s buffers and end them at varied places.
        var expected: Set<String> = []
        for index in 0..<1_500 {
            let prefix = "f\(index)-"
            let name = prefix + String(repeating: "x", count: max(0, (index % 255) + 1 - prefix.count))
            XCTAssertTrue(FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: nil))
            expected.insert(name)
        }
        let entries = try FileSystem.entries(of: directory.path)
        XCTAssertEqual(Set(entries.compactMap(\.name)), expected)
        XCTAssertEqual(entries.count, expected.count, "'.' and '..' are left out")
        for entry in entries { XCTAssertEqual(entry.bytes, Array(try XCTUnwrap(entry.name).utf8)) }
        XCTAssertTrue(entries.allSatisfy { $0.kind == .file })
    }
}
