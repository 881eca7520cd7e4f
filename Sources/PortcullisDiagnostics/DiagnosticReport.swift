/// The diagnostics of a run in report order, with the sources they point into.
public struct DiagnosticReport: Sendable {
    public struct Summary: Sendable, Equatable {
        public var errors = 0
        public var warnings = 0
        public var notes = 0
        /// How many input files the run read.
        public var files = 0
        /// How many YAML files the run left unread because they are not Portcullis's.
        public var skipped = 0
    }

    /// Every finding in report order, suppressed ones included, or the first of them and
    /// one that says how many more there are (``keepingFirst(_:)``).
    public private(set) var diagnostics: [Diagnostic]
    public private(set) var sources: SourceFiles
    /// Ranges of source text that hold secrets; quoted source lines mask them.
    public let redactions: [SourceRange]
    /// The texts ``redactions`` cover, which no message of the report quotes; `diff` hides
    /// them from its changes too.
    public let secretTexts: SecretTexts
    /// Counts of the findings that were not suppressed.
    public let summary: Summary

    /// `inputCount` is how many of the sources are inputs (a configuration file is not);
    /// `skipped` how many other YAML and XML files were left unread.
    public init(
        diagnostics: [Diagnostic], sources: SourceFiles, redactions: [SourceRange] = [], inputCount: Int? = nil,
        skipped: Int = 0
    ) {
        var sorted = Self.distinct(diagnostics.sorted(by: Diagnostic.reportOrder))
        let secretTexts = SecretTexts(redactions, in: sources)
        if !secretTexts.isEmpty { sorted = sorted.map { $0.hiding(secretTexts) } }
        self.secretTexts = secretTexts
        var summary = Summary(files: inputCount ?? sources.count, skipped: skipped)
        for diagnostic in sorted where diagnostic.suppression == nil {
            switch diagnostic.severity {
            case .error: summary.errors += 1
            case .warning: summary.warnings += 1
            case .note: summary.notes += 1
            }
        }
        self.diagnostics = sorted
        self.sources = sources
        self.redactions = redactions
        self.summary = summary
    }

    /// `sorted` without findings made more than once. A value an alias repeats is judged
    /// at its anchor each time it is used: a hostile file of a few kilobytes made the same
    /// finding tens of thousands of times, and reports of gigabytes.
    private static func distinct(_ sorted: [Diagnostic]) -> [Diagnostic] {
        var kept: [Diagnostic] = []
        kept.reserveCapacity(sorted.count)
        // Equal findings are equal in report order, so they stand in one run of the sorted
        // list; only a run of more than one is hashed.
        var runStart = 0
        var seen = Set<Diagnostic>()
        for diagnostic in sorted {
            guard let last = kept.last, !Diagnostic.reportOrder(last, diagnostic) else {
                runStart = kept.count
                seen.removeAll(keepingCapacity: true)
                kept.append(diagnostic)
                continue
            }
            if seen.isEmpty { seen.formUnion(kept[runStart...]) }
            if seen.insert(diagnostic).inserted { kept.append(diagnostic) }
        }
        return kept
    }

    /// The same report with each file's path made by `shown`: for files read in memory
    /// and then written under a folder, so that reports name them where they are.
    public func relocated(_ shown: (String) -> String) -> DiagnosticReport {
        var report = self
        report.sources = SourceFiles(sources.files.map { SourceFile(path: shown($0.path), bytes: $0.bytes, size: $0.size) })
        return report
    }

    /// The findings that were not suppressed: what text and JSON reports show.
    public var active: [Diagnostic] { diagnostics.filter { $0.suppression == nil } }

    public var hasErrors: Bool { summary.errors > 0 }

    /// The report with its first `limit` findings that were not suppressed (and the
    /// suppressed ones among them) and, where more follow, one finding at the first of them
    /// that says how many: a file of a few megabytes can make a million findings, and
    /// rendering them all took gigabytes. ``summary`` still counts every finding, so the
    /// exit status and the totals do not change.
    public func keepingFirst(_ limit: Int) -> DiagnosticReport {
        guard limit >= 0 else { return self }
        var shown = 0
        let cut = diagnostics.firstIndex { diagnostic in
            guard diagnostic.suppression == nil else { return false }
            shown += 1
            return shown > limit
        }
        guard let cut else { return self }
        let left = diagnostics[cut...].filter { $0.suppression == nil }
        let errors = left.reduce(0) { $0 + ($1.severity == .error ? 1 : 0) }
        let at = diagnostics[cut].range
        let what =
            left.count == 1
            ? "1 more finding from here on is not reported (\(errors == 1 ? "an error" : "not an error"))"
            : "\(left.count) more findings from here on are not reported (\(errors) of them errors)"
        var notice = Diagnostic(
            .inputLimit, "\(what): a report shows at most \(limit)", at: at, severity: errors > 0 ? .error : .warning,
            notes: [Diagnostic.Note("fix the findings above and lint again, or raise the limit with '--max-findings'", at: at)])
        // It quotes the line as the finding it stands for would: one the reader took apart
        // shows what it holds, secrets masked (audit V39 found it masked whole).
        notice.pointsAtUnreadText = diagnostics[cut].pointsAtUnreadText
        var report = self
        report.diagnostics.removeSubrange(cut...)
        report.diagnostics.append(notice)
        return report
    }
}
