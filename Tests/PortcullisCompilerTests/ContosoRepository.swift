import Foundation
import XCTest

/// A temporary Git repository holding the contoso sample under `defs`, committed once, for
/// the tests of `diff --git-base`.
struct ContosoRepository {
    let url: URL

    init() throws {
        url = try BundleTests.temporaryDirectory()
        try FileManager.default.copyItem(at: BundleTests.contoso, to: url.appendingPathComponent("defs"))
        try git("init", "-q")
        try git("add", ".")
        try git("commit", "-q", "-m", "base")
    }

    /// Runs git in the repository; a failure skips the test, for git may be missing.
    func git(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", url.path, "-c", "user.name=Test", "-c", "user.email=test@example.com"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("git \(arguments.first ?? "") failed; is git installed?") }
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
