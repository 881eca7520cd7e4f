import PortcullisChecker
import PortcullisCompiler
import PortcullisDiagnostics

/// One input: a single definitions file, linted with every rule and rendered in the text
/// format (which quotes source lines); when it lints clean, its bundle is built in memory.
/// Any crash, hang or runaway allocation is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = SourceFile(path: "input.yaml", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let result = LintPipeline.run([input], options: LintOptions(today: CalendarDay(year: 2026, month: 6, day: 1)!))
    _ = TextReporter().render(result.report)
    _ = GitHubReporter().render(result.report)
    return 0
}
