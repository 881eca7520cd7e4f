import PortcullisDiagnostics

/// An optional part of a definition as it was read. A part written with errors (already
/// reported) is `.broken` rather than absent or half-read, so code that reads it has to
/// say what a broken part means to it; rules judge only `.present` parts.
public enum Section<Value: Sendable>: Sendable {
    case absent
    case present(Value)
    /// Written, with errors; the range covers what was written.
    case broken(SourceRange)

    public var isAbsent: Bool {
        if case .absent = self { true } else { false }
    }

    /// Where the section is written, when it had errors.
    public var brokenRange: SourceRange? {
        if case .broken(let range) = self { range } else { nil }
    }
}
