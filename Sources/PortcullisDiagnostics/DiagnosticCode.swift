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
    /// The group a code belongs to, named by its two-letter prefix. What a code may do —
    /// be configured, be suppressed, be a security finding — depends on its family only.
    public enum Family: String, Sendable, CaseIterable {
        case yamlSchema = "YS"
        case references = "RF"
        case suppressions = "SU"
        case leastPrivilege = "LP"
        case secrets = "SE"
        case caching = "CA"
        case rateLimits = "RL"
        case redis = "RD"
        case cors = "CO"
        case policyXML = "PX"

        /// Front-end codes report input that cannot be compiled: always errors, never
        /// lowered by configuration nor silenced by a suppression comment.
        public var isFrontEnd: Bool { self == .yamlSchema || self == .references || self == .policyXML }

        /// Whether a suppression comment may silence findings of this family: checker
        /// rules' findings only, not the front end's errors nor the suppressions' own.
        public var isSuppressible: Bool { !isFrontEnd && self != .suppressions }

        /// Families whose findings are security weaknesses (SARIF's `security` tag).
        public var isSecurity: Bool {
            switch self {
            case .leastPrivilege, .secrets, .caching, .redis: true
            case .yamlSchema, .references, .suppressions, .rateLimits, .cors, .policyXML: false
            }
        }
    }

    public let id: String
    public let family: Family
    public let slug: String
    public let defaultSeverity: Severity
    /// One line saying what the code reports.
    public let summary: String

    /// `id` is a family prefix and three digits; codes are static declarations, so a
    /// malformed one is a programming error caught by the first test that loads it.
    public init(_ id: String, _ slug: String, _ defaultSeverity: Severity, summary: String) {
        guard let family = Family(rawValue: String(id.prefix(2))) else {
            preconditionFailure("diagnostic code '\(id)' has no known family prefix")
        }
        self.id = id
        self.family = family
        self.slug = slug
        self.defaultSeverity = defaultSeverity
        self.summary = summary
    }

    public var description: String { id }

    public static func == (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.id < rhs.id }
}
