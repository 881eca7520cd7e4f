/// GitHub Actions workflow commands: one annotation per finding, on the line it points at.
public struct GitHubReporter: DiagnosticReporter {
    public init() {}

    public func render(_ report: DiagnosticReport) -> String {
        var out = ""
        for diagnostic in report.active {
            let command: String
            switch diagnostic.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            let range = diagnostic.range
            let properties = [
                ("file", report.sources.path(of: range.file)),
                ("line", String(range.start.line)),
                ("col", String(range.start.column)),
                ("endLine", String(range.end.line)),
                ("endColumn", String(range.end.column)),
                ("title", "\(diagnostic.code.id) \(diagnostic.code.slug)"),
            ].map { "\($0.0)=\(Self.escapeProperty($0.1))" }.joined(separator: ",")
            var message = diagnostic.message
            for note in diagnostic.notes {
                let path = report.sources.path(of: note.range.file)
                message += "\n\(path):\(note.range.start.line):\(note.range.start.column): note: \(note.message)"
            }
            out += "::\(command) \(properties)::\(Self.escapeData(message))\n"
        }
        return out
    }

    /// `%`, CR and LF, which would end or corrupt the command.
    static func escapeData(_ text: String) -> String { escape(text, alsoSeparators: false) }

    /// Property values additionally escape `:` and `,`, which separate properties.
    static func escapeProperty(_ text: String) -> String { escape(text, alsoSeparators: true) }

    /// One pass over the scalars: Foundation's `replacingOccurrences`, five times per
    /// finding, was most of the time of rendering many findings.
    private static func escape(_ text: String, alsoSeparators: Bool) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out.append(contentsOf: "%25".unicodeScalars)
            case "\r": out.append(contentsOf: "%0D".unicodeScalars)
            case "\n": out.append(contentsOf: "%0A".unicodeScalars)
            case ":" where alsoSeparators: out.append(contentsOf: "%3A".unicodeScalars)
            case "," where alsoSeparators: out.append(contentsOf: "%2C".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
