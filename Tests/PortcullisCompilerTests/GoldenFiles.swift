import Foundation
import PortcullisCompiler
import PortcullisDiagnostics
import XCTest

/// Compares produced text with a committed expected file.
///
/// With `PORTCULLIS_UPDATE_GOLDENS=1` the expected file is rewritten and the test still
/// fails, so every change of output is looked at in review before it is committed.
enum GoldenFiles {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var updating: Bool { ProcessInfo.processInfo.environment["PORTCULLIS_UPDATE_GOLDENS"] == "1" }

    static func assertMatches(
        _ actual: String, golden: URL, file: StaticString = #filePath, line: UInt = #line
    ) {
        let expected = try? String(contentsOf: golden, encoding: .utf8)
        if updating {
            if expected != actual {
                try? actual.write(to: golden, atomically: true, encoding: .utf8)
                XCTFail("rewrote \(golden.lastPathComponent) of \(golden.deletingLastPathComponent().lastPathComponent); review the diff", file: file, line: line)
            }
            return
        }
        guard let expected else {
            XCTFail("missing golden \(golden.path); run with PORTCULLIS_UPDATE_GOLDENS=1", file: file, line: line)
            return
        }
        if expected != actual {
            XCTFail("output differs from \(golden.path):\n\(lineDiff(expected: expected, actual: actual))", file: file, line: line)
        }
    }

    /// A minimal line diff, enough to see what changed in a failing golden test.
    static func lineDiff(expected: String, actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for index in 0..<max(old.count, new.count) {
            let before = index < old.count ? String(old[index]) : nil
            let after = index < new.count ? String(new[index]) : nil
            if before != after {
                if let before { out.append("- \(before)") }
                if let after { out.append("+ \(after)") }
            }
        }
        return out.joined(separator: "\n")
    }

    /// The day golden cases are linted on, so `until=` dates give the same output every year.
    static let today = "2026-06-01"

    /// Lints `directory` as `portcullis lint` run inside it would, configuration included.
    static func lint(_ directory: URL, options: LintOptions = LintOptions(today: today)) throws -> LintResult {
        let workspace = try Workspace.load(
            paths: ["."], configPath: nil, limits: options.limits, files: InputFiles(workingDirectory: directory.path))
        return LintPipeline.run(workspace, options: options)
    }
}
