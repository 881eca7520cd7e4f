import Foundation
import XCTest

/// End-to-end `import` tests on a tree written for each test: the tree goes under `tree/`
/// of a scratch folder and the definitions are read back from `out/`.
class ImportTreeTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `text` to `path` of the tree (`../` leads beside it).
    func write(_ text: String, to path: String) throws {
        let url = directory.appendingPathComponent("tree/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// The text of `path` in the written definitions.
    func read(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("out/" + path), encoding: .utf8)
    }
}
