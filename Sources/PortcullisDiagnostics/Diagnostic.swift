import PortcullisSupport
/// One finding: what is wrong, where, and what else the reader should look at.
public struct Diagnostic: Sendable, Hashable {
    /// A secondary message, usually pointing at a related place (a declaration, an
    /// inherited value) or suggesting a fix.
    public struct Note: Sendable, Hashable {
        /// Shown as ``Diagnostic/message`` is.
        public private(set) var message: String
        public var range: SourceRange

        public init(_ message: String, at range: SourceRange) {
            self.message = DisplayText.message(message)
            self.range = range
        }
    }

    /// How a finding was silenced by a `portcullis:ignore` comment.
    public struct Suppression: Sendable, Hashable {
        /// The text after `--`, if the comment gave one; shown as ``Diagnostic/message`` is,
        /// since a comment may hold bidirectional overrides. The author's prose may name the
        /// secret it excuses: a reason that holds a credential, read as a quoted comment is
        /// (``QuotedLines/proseHoldsACredential(_:)``), is hidden whole, since a credential
        /// in prose can span words (`password: x`, `pwd x and AccountKey=…`).
        public private(set) var reason: String?
        /// Where the comment is.
        public var range: SourceRange

        public init(reason: String?, range: SourceRange) {
            self.reason = reason.map { QuotedLines.proseHoldsACredential($0) ? DisplayText.hiddenCredential : DisplayText.message($0) }
            self.range = range
        }
    }

    public var code: DiagnosticCode
    public var severity: Severity
    /// Lowercase, one sentence, names in single quotes. Names come from the input, and a
    /// YAML escape can put any character in one: control characters are written as escapes
    /// (``DisplayText/shown(_:)``), or a name holding a line break and `::error` would
    /// forge a GitHub workflow command in a CI log, and a bidirectional override would make
    /// the message read differently from what it says.
    public private(set) var message: String
    public var range: SourceRange
    public var notes: [Note]
    /// Set when a suppression comment silenced this finding: it is kept for reports that
    /// list suppressed findings, but is not shown or counted.
    public var suppression: Suppression?
    /// Whether the finding points at text the reader could not take apart, which no check of
    /// secrets read: its quoted line shows names and no value. So does every finding of a
    /// code that says so (``DiagnosticCode/pointsAtUnreadText``), and one a stage marks (a
    /// side file that cannot be read).
    public var pointsAtUnreadText: Bool

    public init(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange,
        severity: Severity? = nil, notes: [Note] = [], pointsAtUnreadText: Bool = false
    ) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.message = DisplayText.message(message)
        self.range = range
        self.notes = notes
        self.pointsAtUnreadText = pointsAtUnreadText || code.pointsAtUnreadText
    }

    /// The order reports use: file, line, column, then code.
    public static func reportOrder(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        if lhs.range.file != rhs.range.file { return lhs.range.file < rhs.range.file }
        if lhs.range.start != rhs.range.start { return lhs.range.start < rhs.range.start }
        if lhs.code != rhs.code { return lhs.code < rhs.code }
        return lhs.message < rhs.message
    }
}

/// Collects the diagnostics of one stage; stages that run in parallel each get their
/// own and the driver merges them.
public struct DiagnosticCollector: Sendable {
    /// Written here and by ``suggest(within:)``, which adds the suggestions asked for.
    public internal(set) var diagnostics: [Diagnostic] = []
    /// The "did you mean" notes asked for and not yet decided, each by its finding's index,
    /// in the order of the findings; merging collectors carries them along.
    var suggestionRequests: [(finding: Int, request: SuggestionRequest)] = []

    public init() {}

    public mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    public mutating func report(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange, notes: [Diagnostic.Note] = []
    ) {
        diagnostics.append(Diagnostic(code, message, at: range, notes: notes))
    }

    /// Marks the findings from the `index`th on whose line `isUnread` picks as pointing at
    /// text no check of secrets read (``Diagnostic/pointsAtUnreadText``): a stage finds out
    /// only after reporting them that it leaves what they point at unread.
    public mutating func markUnread(from index: Int, where isUnread: (UInt32) -> Bool) {
        for position in index..<diagnostics.count where isUnread(diagnostics[position].range.start.line) {
            diagnostics[position].pointsAtUnreadText = true
        }
    }

    public mutating func append(contentsOf other: DiagnosticCollector) {
        // Checked first: appending even nothing to an empty array allocates a buffer, and
        // collectors are joined thousands of times a run, nearly always without requests.
        if !other.suggestionRequests.isEmpty {
            let offset = diagnostics.count
            suggestionRequests += other.suggestionRequests.map { ($0.finding + offset, $0.request) }
        }
        diagnostics.append(contentsOf: other.diagnostics)
    }

    /// Appends the diagnostics of `other` that `isIncluded` keeps, with the suggestions
    /// they asked for.
    public mutating func append(contentsOf other: DiagnosticCollector, where isIncluded: (Diagnostic) -> Bool) {
        var requests = other.suggestionRequests[...]
        for (index, diagnostic) in other.diagnostics.enumerated() where isIncluded(diagnostic) {
            while let next = requests.first, next.finding < index { requests.removeFirst() }
            if let next = requests.first, next.finding == index { suggestionRequests.append((diagnostics.count, next.request)) }
            diagnostics.append(diagnostic)
        }
    }
}

extension Diagnostic {
    /// The finding with every quoted part of its message and notes that is a redacted text
    /// hidden (see ``SecretTexts``).
    func hiding(_ secrets: SecretTexts) -> Diagnostic {
        var hidden = self
        hidden.message = secrets.hiding(in: message)
        hidden.notes = notes.map { $0.hiding(secrets) }
        // A suppression's reason may name, unquoted, a text the run masks elsewhere.
        if let suppression, let reason = suppression.reason {
            hidden.suppression = Suppression(reason: secrets.hiding(inProse: reason), range: suppression.range)
        }
        return hidden
    }
}

extension Diagnostic.Note {
    fileprivate func hiding(_ secrets: SecretTexts) -> Diagnostic.Note {
        var hidden = self
        hidden.message = secrets.hiding(in: message)
        return hidden
    }
}
