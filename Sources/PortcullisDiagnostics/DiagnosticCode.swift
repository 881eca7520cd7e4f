/// How serious a diagnostic is; only errors fail a run.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case note
    case warning
    case error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The stable identity of a kind of finding: `YS003` / `unknown-field`.
///
/// Codes are never renumbered or reused, so tools and suppression comments can rely on them.
public struct DiagnosticCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let id: String
    public let slug: String
    public let defaultSeverity: Severity
    /// One line saying what the code reports.
    public let summary: String

    public init(_ id: String, _ slug: String, _ defaultSeverity: Severity, summary: String) {
        self.id = id
        self.slug = slug
        self.defaultSeverity = defaultSeverity
        self.summary = summary
    }

    public var description: String { id }

    public static func == (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.id < rhs.id }
}
