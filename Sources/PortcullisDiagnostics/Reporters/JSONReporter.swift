import PortcullisSupport
import Foundation

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
        json.key("code")
        json.string(diagnostic.code.id)
        json.key("column")
        json.number(range.start.column)
        json.key("endColumn")
        json.number(range.end.column)
        json.key("endLine")
        json.number(range.end.line)
        json.key("file")
        json.string(sources.path(of: range.file))
        json.key("line")
        json.number(range.start.line)
        json.key("message")
        json.string(diagnostic.message)
        json.key("notes")
        json.beginArray()
        for note in diagnostic.notes {
            json.beginObject()
            json.key("column")
            json.number(note.range.start.column)
            json.key("file")
            json.string(sources.path(of: note.range.file))
            json.key("line")
            json.number(note.range.start.line)
            json.key("message")
            json.string(note.message)
            json.endObject()
        }
        json.endArray()
        json.key("severity")
        json.string(diagnostic.severity.rawValue)
        json.key("slug")
        json.string(diagnostic.code.slug)
        json.endObject()
        return StableJSON.Fragment(json)
    }
}
