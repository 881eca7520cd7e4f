import Foundation
import PortcullisChecker
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

    /// The changed lines with `context` unchanged lines around each change, in hunks headed
    /// `@@ -OLD +NEW @@` (first line numbers of the hunk in the expected and the actual text),
    /// like `diff -u`: a line inserted near the top shows as one `+` line, not as every
    /// later line changed.
    static func lineDiff(expected: String, actual: String, context: Int = 2) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let difference = new.difference(from: old)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // Every line once, in order: (mark, old line, new line, text).
        var lines: [(mark: Character, old: Int, new: Int, text: Substring)] = []
        var (i, j) = (0, 0)
        while i < old.count || j < new.count {
            if i < old.count, removed.contains(i) {
                lines.append(("-", i, j, old[i]))
                i += 1
            } else if j < new.count, inserted.contains(j) {
                lines.append(("+", i, j, new[j]))
                j += 1
            } else {
                lines.append((" ", i, j, old[i]))
                i += 1
                j += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].mark != " " }
        var shown = Set<Int>()
        for index in changed { shown.formUnion(max(0, index - context)...min(lines.count - 1, index + context)) }
        var out: [String] = []
        for index in shown.sorted() {
            let line = lines[index]
            if index == 0 || !shown.contains(index - 1) { out.append("@@ -\(line.old + 1) +\(line.new + 1) @@") }
            out.append("\(line.mark) \(line.text)")
        }
        return out.joined(separator: "\n")
    }

    /// The day golden cases are linted on, so `until=` dates give the same output every year.
    static let today = CalendarDay(year: 2026, month: 6, day: 1)!

    /// Lints `directory` as `portcullis lint` run inside it would, configuration included.
    static func lint(_ directory: URL, options: LintOptions = LintOptions(today: today)) throws -> LintResult {
        let workspace = try Workspace.load(
            paths: ["."], configPath: nil, limits: options.limits, files: InputFiles(workingDirectory: directory.path))
        return LintPipeline.run(workspace, options: options)
    }
}
