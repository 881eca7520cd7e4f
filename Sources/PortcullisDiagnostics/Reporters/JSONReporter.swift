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
        var diagnostics: [Entry]
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

    struct Entry: Encodable {
        var code: String
        var slug: String
        var severity: String
        var message: String
        var file: String
        var line: UInt32
        var column: UInt32
        var endLine: UInt32
        var endColumn: UInt32
        var notes: [Note]
    }

    struct Note: Encodable {
        var message: String
        var file: String
        var line: UInt32
        var column: UInt32
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
        let entries = report.active.map { diagnostic in
            Entry(
                code: diagnostic.code.id,
                slug: diagnostic.code.slug,
                severity: diagnostic.severity.rawValue,
                message: diagnostic.message,
                file: report.sources.path(of: diagnostic.range.file),
                line: diagnostic.range.start.line,
                column: diagnostic.range.start.column,
                endLine: diagnostic.range.end.line,
                endColumn: diagnostic.range.end.column,
                notes: diagnostic.notes.map {
                    Note(
                        message: $0.message, file: report.sources.path(of: $0.range.file),
                        line: $0.range.start.line, column: $0.range.start.column)
                }
            )
        }
        let summary = report.summary
        let document = Document(
            diagnostics: entries,
            summary: Summary(
                errors: summary.errors, warnings: summary.warnings, notes: summary.notes, files: summary.files,
                skipped: summary.skipped > 0 ? summary.skipped : nil),
            section: section
        )
        return StableJSON.encode(document)
    }
}
