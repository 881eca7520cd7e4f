import PortcullisSupport
import FoundationEssentials

/// A machine-readable report: one JSON object with every diagnostic and a summary.
/// Keys are sorted so the output is byte-for-byte stable.
public struct JSONReporter: DiagnosticReporter {
    /// One more top-level member, for a command that reports more than diagnostics
    /// (`build --check` adds `check`), so its output stays one JSON document.
    public var section: (name: String, value: any Encodable & Sendable)?

    public init(section: (name: String, value: any Encodable & Sendable)? = nil) {
        self.section = section
    }

    struct Document: Encodable {
        var version = 1
        /// Written on all cores by ``JSONReporter/entry(_:sources:)``.
        var diagnostics: [StableJSON.Fragment]
        var summary: Summary
        var section: (name: String, value: any Encodable & Sendable)?

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(version, forKey: Key(stringValue: "version"))
            try container.encode(diagnostics, forKey: Key(stringValue: "diagnostics"))
            try container.encode(summary, forKey: Key(stringValue: "summary"))
            if let section { try container.encode(section.value, forKey: Key(stringValue: section.name)) }
        }
    }

    struct Summary: Encodable {
        var errors: Int
        var warnings: Int
        var notes: Int
        var files: Int
        /// Other YAML files left unread; present only when some were.
        var skipped: Int?
    }

    public func render(_ report: DiagnosticReport) -> String {
        let active = report.active
        let summary = report.summary
        let document = Document(
            diagnostics: ParallelMap.map(active.indices) { Self.entry(active[$0], sources: report.sources) },
            summary: Summary(
                errors: summary.errors, warnings: summary.warnings, notes: summary.notes, files: summary.files,
                skipped: summary.skipped > 0 ? summary.skipped : nil),
            section: section
        )
        return StableJSON.encode(document)
    }

    /// One element of `diagnostics`, written directly rather than through a tree of
    /// `Encodable` values, which was most of the time of a report with many findings.
    /// Members go in sorted key order, as ``StableJSON`` writes them.
    private static func entry(_ diagnostic: Diagnostic, sources: SourceFiles) -> StableJSON.Fragment {
        var json = StableJSON.Writer(depth: 2)
        let range = diagnostic.range
        json.beginObject()
        json.member("code", diagnostic.code.id)
        json.member("column", number: range.start.column)
        json.member("endColumn", number: range.end.column)
        json.member("endLine", number: range.end.line)
        json.member("file", sources.path(of: range.file))
        json.member("line", number: range.start.line)
        json.member("message", diagnostic.message)
        json.key("notes")
        json.beginArray()
        for note in diagnostic.notes {
            json.beginObject()
            json.member("column", number: note.range.start.column)
            json.member("file", sources.path(of: note.range.file))
            json.member("line", number: note.range.start.line)
            json.member("message", note.message)
            json.endObject()
        }
        json.endArray()
        json.member("severity", diagnostic.severity.rawValue)
        json.member("slug", diagnostic.code.slug)
        json.endObject()
        return StableJSON.Fragment(json)
    }
}
