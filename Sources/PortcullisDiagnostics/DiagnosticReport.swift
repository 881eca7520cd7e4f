/// The diagnostics of a run in report order, with the sources they point into.
public struct DiagnosticReport: Sendable {
    public struct Summary: Sendable, Equatable {
        public var errors = 0
        public var warnings = 0
        public var notes = 0
        /// How many input files the run read.
        public var files = 0
    }

    public let diagnostics: [Diagnostic]
    public let sources: SourceFiles
    public let summary: Summary

    public init(diagnostics: [Diagnostic], sources: SourceFiles) {
        let sorted = diagnostics.sorted(by: Diagnostic.reportOrder)
        var summary = Summary(files: sources.count)
        for diagnostic in sorted {
            switch diagnostic.severity {
            case .error: summary.errors += 1
            case .warning: summary.warnings += 1
            case .note: summary.notes += 1
            }
        }
        self.diagnostics = sorted
        self.sources = sources
        self.summary = summary
    }

    public var hasErrors: Bool { summary.errors > 0 }
}
