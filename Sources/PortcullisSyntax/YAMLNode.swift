import PortcullisDiagnostics

/// A YAML node with the exact range of source text it came from.
///
/// The tree knows YAML, not Portcullis. Values reached through an alias are shared copies
/// of the anchored node and keep the anchor's ranges, which is where their text is.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLEntry])
        /// A value under a tag the reader rejected (YS007), with what was written. The error
        /// is reported, so readers of the tree take it for neither a string nor a collection.
        indirect case rejected(Content)
    }

    public var content: Content
    public var range: SourceRange

    public init(_ content: Content, range: SourceRange) {
        self.content = content
        self.range = range
    }

    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// True for an empty plain scalar, `~` and `null`: YAML's ways of writing nothing.
    public var isNull: Bool {
        // Every spelling is at most four bytes; longer text is not compared with each.
        guard case .scalar(let scalar) = content, scalar.isPlain, scalar.text.utf8.count <= 4 else { return false }
        switch scalar.text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// The node's range, ending with the last line that holds its text. ``range`` ends where
    /// the next token starts, often on a later line, for block collections and scalars.
    public var extent: SourceRange {
        SourceRange(file: range.file, start: range.start, end: SourcePosition(line: Int(lines.upperBound) + 1, column: 1))
    }

    /// The lines the node's text is written on, with the lines between. A value reached
    /// through an alias keeps the anchor's location, which may lie before its parent's.
    var lines: ClosedRange<UInt32> {
        let start = range.start.line
        switch content {
        case .scalar, .rejected(.scalar):
            // Block scalars end at the start of the line after their text.
            let end = range.end.column == 1 && range.end.line > start ? range.end.line - 1 : range.end.line
            return start...end
        case .sequence(let items):
            return start...max(start, items.last?.lines.upperBound ?? start)
        case .mapping(let entries):
            // An environment's override laid over a document lives in another file.
            return start...entries.reduce(start) {
                $1.keyRange.file == range.file ? max($0, $1.keyRange.start.line, $1.value.lines.upperBound) : $0
            }
        case .rejected(let written):
            return YAMLNode(written, range: range).lines
        }
    }

    /// The text of every scalar in the node, keys left out.
    public var scalarTexts: [String] {
        switch content {
        case .scalar(let scalar): [scalar.text]
        case .sequence(let items): items.flatMap(\.scalarTexts)
        case .mapping(let entries): entries.flatMap(\.value.scalarTexts)
        case .rejected(let written): YAMLNode(written, range: range).scalarTexts
        }
    }

    /// A word for the node's kind, for messages such as "expected a mapping, found a sequence".
    public var kindDescription: String {
        switch content {
        case .scalar: isNull ? "null" : "a scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        case .rejected(let written): YAMLNode(written, range: range).kindDescription
        }
    }
}

/// A scalar's text and whether YAML would resolve its type from the text.
public struct YAMLScalar: Sendable {
    public var text: String
    /// Plain (unquoted, untagged) scalars may be numbers, booleans or null; quoted, block
    /// and `!!str` scalars are always strings.
    public var isPlain: Bool

    public init(text: String, isPlain: Bool) {
        self.text = text
        self.isPlain = isPlain
    }
}

/// One key/value pair of a mapping; keys are always scalars (YS007 otherwise).
public struct YAMLEntry: Sendable {
    public var key: String
    public var keyRange: SourceRange
    public var value: YAMLNode

    public init(key: String, keyRange: SourceRange, value: YAMLNode) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
    }
}

/// One document of a YAML stream.
public struct YAMLDocument: Sendable {
    public var root: YAMLNode

    public init(root: YAMLNode) {
        self.root = root
    }
}
