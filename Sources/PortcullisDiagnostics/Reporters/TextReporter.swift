import PortcullisSupport

/// The compiler-style format people read in a terminal:
/// `path:line:column: severity: message [CODE]`, the source line, an underline, then notes.
public struct TextReporter: DiagnosticReporter {
    public var colored: Bool
    /// Leaves out the closing summary line.
    public var quiet: Bool

    public init(colored: Bool = false, quiet: Bool = false) {
        self.colored = colored
        self.quiet = quiet
    }

    public func render(_ report: DiagnosticReport) -> String {
        var out = ""
        let lines = QuotedLines(report)
        // Findings come in report order, so those on one line follow each other: the line
        // is made ready to show once for them all, not once a finding (a long line holding
        // many findings cost the length of the line for each).
        var shown: (file: FileID, line: UInt32, scalars: [Unicode.Scalar]?)?
        for diagnostic in report.active {
            let range = diagnostic.range
            if shown?.file != range.file || shown?.line != range.start.line {
                shown = (range.file, range.start.line, Self.shownLine(range.start.line, of: range.file, lines: lines))
            }
            let path = report.sources.path(of: diagnostic.range.file)
            out += paint(location(path, diagnostic.range.start), .bold)
            out += " " + paint("\(diagnostic.severity.rawValue):", color(for: diagnostic.severity))
            out += " " + paint(diagnostic.message, .bold) + " [\(diagnostic.code.id)]\n"
            if let scalars = shown?.scalars { quote(range, shownLine: scalars, into: &out) }
            for note in diagnostic.notes {
                let notePath = report.sources.path(of: note.range.file)
                out += paint(location(notePath, note.range.start), .bold)
                out += " " + paint("note:", .cyan) + " \(note.message)\n"
            }
        }
        if !quiet {
            out += summaryLine(report.summary) + "\n"
        }
        return out
    }

    func summaryLine(_ summary: DiagnosticReport.Summary) -> String {
        var parts = [counted(summary.errors, "error"), counted(summary.warnings, "warning")]
        if summary.notes > 0 { parts.append(counted(summary.notes, "note")) }
        let skipped = summary.skipped > 0 ? " (\(counted(summary.skipped, "other file")) skipped)" : ""
        return parts.joined(separator: ", ") + " in " + counted(summary.files, "file") + skipped
    }

    private func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    private func location(_ path: String, _ position: SourcePosition) -> String {
        "\(path):\(position.line):\(position.column):"
    }

    /// How many scalars of a source line a snippet shows at most.
    static let snippetWidth = 160

    /// Appends the quoted line with `^~~~` under the range; a range that runs past its first
    /// line is underlined to the end of that line. Long lines are cut to a window that
    /// keeps the caret in view.
    private func quote(_ range: SourceRange, shownLine scalars: [Unicode.Scalar], into out: inout String) {
        let startColumn = Int(range.start.column)
        let lineEnd = scalars.count + 1
        let endColumn = range.end.line == range.start.line ? min(Int(range.end.column), lineEnd) : lineEnd
        var first = 0
        var prefix = ""
        if startColumn > Self.snippetWidth / 2, scalars.count > Self.snippetWidth {
            first = min(startColumn - Self.snippetWidth / 4, scalars.count - Self.snippetWidth / 2)
            prefix = "…"
        }
        let last = min(scalars.count, first + Self.snippetWidth)
        let suffix = last < scalars.count ? "…" : ""
        // A column past the decoded part of a very long line is shown at the window's end.
        let caretOffset = min(max(0, startColumn - 1 - first), last - first) + prefix.count
        let width = max(1, min(endColumn, last + 1) - startColumn)
        let gutter = String(range.start.line)
        out += " "
        out += gutter
        out += " | "
        out += prefix
        out += String(scalars: scalars[first..<last])
        out += suffix
        out += "\n "
        out += String(repeating: " ", count: gutter.count)
        out += " | "
        out += String(repeating: " ", count: caretOffset)
        out += paint("^" + String(repeating: "~", count: width - 1), .green)
        out += "\n"
    }

    /// Line `number` of `file` as a snippet shows it: displayable, with its secrets masked.
    private static func shownLine(_ number: UInt32, of file: FileID, lines: QuotedLines) -> [Unicode.Scalar]? {
        guard let text = lines.text(line: number, of: file) else { return nil }
        let source = Array(text.unicodeScalars)
        var scalars = source.map(Self.displayable)
        // A CI logging command (`##[`, `##vso[`) runs wherever a line holds it; its '[' is
        // shown as U+FFFD, like a control character, so the columns stay aligned.
        let ascii = scalars.map { $0.isASCII ? UInt8($0.value) : 0 }
        for index in scalars.indices where LogCommandPrefix.ends(at: index, in: ascii) {
            scalars[index] = "\u{FFFD}"
        }
        for columns in lines.secretColumns(line: number, of: file, text: source) {
            for index in columns { scalars[index] = "*" }
        }
        return scalars
    }

    /// Quoted source must not drive the terminal: control characters and bidirectional
    /// overrides are shown as U+FFFD, and tabs as one space so the underline, which counts
    /// scalars, stays aligned.
    private static func displayable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar == "\t" { return " " }
        return DisplayText.isControl(scalar) ? "\u{FFFD}" : scalar
    }

    private enum Style: String {
        case bold = "1"
        case red = "1;31"
        case magenta = "1;35"
        case cyan = "1;36"
        case green = "1;32"
    }

    private func color(for severity: Severity) -> Style {
        switch severity {
        case .error: .red
        case .warning: .magenta
        case .note: .cyan
        }
    }

    private func paint(_ text: String, _ style: Style) -> String {
        colored ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
