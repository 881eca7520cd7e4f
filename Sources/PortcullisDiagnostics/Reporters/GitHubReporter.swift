import PortcullisSupport

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

    /// One pass over the UTF-8 bytes: everything escaped is ASCII, which no other scalar's
    /// bytes contain. Foundation's `replacingOccurrences`, five times per finding, and then
    /// a `String.UnicodeScalarView` grown scalar by scalar were most of the time of
    /// rendering many findings; a text with nothing to escape is returned as it is.
    private static func escape(_ text: String, alsoSeparators: Bool) -> String {
        func escaped(_ byte: UInt8) -> String? {
            switch byte {
            case UInt8(ascii: "%"): "%25"
            case UInt8(ascii: "\r"): "%0D"
            case UInt8(ascii: "\n"): "%0A"
            case UInt8(ascii: ":") where alsoSeparators: "%3A"
            case UInt8(ascii: ",") where alsoSeparators: "%2C"
            default: nil
            }
        }
        return text.withUTF8Bytes { bytes in
            guard bytes.contains(where: { escaped($0) != nil }) else { return text }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            for byte in bytes {
                if let escape = escaped(byte) { out += escape.utf8 } else { out.append(byte) }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
