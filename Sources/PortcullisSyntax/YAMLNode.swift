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
        guard case .scalar(let scalar) = content else { return false }
        return scalar.isNull
    }

    /// The node's range, ending with the last line that holds its text. ``range`` ends where
    /// the next token starts, often on a later line, for block collections and scalars.
    public var extent: SourceRange { extent(inDocumentOrder: false) }

    /// ``extent``, found by walking only the path to the node's last scalar when the node
    /// comes from a document whose tree holds its events in the order read
    /// (``YAMLDocument/treeMatchesEvents``): there every collection's text ends with its
    /// last entry's. Elsewhere an alias or an override may place an entry's text anywhere,
    /// and every node is looked at. Decoders take the extent of every route.
    public func extent(inDocumentOrder: Bool) -> SourceRange {
        let last = Self.lastLine(of: self, inDocumentOrder: inDocumentOrder)
        return SourceRange(file: range.file, start: range.start, end: SourcePosition(line: Int(last) + 1, column: 1))
    }

    /// The last line of `node`'s text. A value reached through an alias keeps the anchor's
    /// location, which may lie before its parent's. The node is borrowed, never copied: a
    /// copy costs a retain and a release of its contents.
    private static func lastLine(of node: borrowing YAMLNode, inDocumentOrder: Bool) -> UInt32 {
        let start = node.range.start.line
        switch node.content {
        case .scalar:
            // Block scalars end at the start of the line after their text.
            let end = node.range.end
            return end.column == 1 && end.line > start ? end.line - 1 : end.line
        case .sequence(let items):
            guard let last = items.indices.last else { return start }
            return max(start, lastLine(of: items[last], inDocumentOrder: inDocumentOrder))
        case .mapping(let entries):
            var end = start
            let first = inDocumentOrder ? max(entries.count - 1, 0) : 0
            for index in first..<entries.count where entries[index].keyRange.file == node.range.file {
                // An environment's override laid over a document lives in another file.
                end = max(
                    end, entries[index].keyRange.start.line,
                    lastLine(of: entries[index].value, inDocumentOrder: inDocumentOrder))
            }
            return end
        case .rejected(let written):
            return lastLine(of: YAMLNode(written, range: node.range), inDocumentOrder: inDocumentOrder)
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

    /// True for an empty plain scalar, `~` and `null`: YAML's ways of writing nothing.
    public var isNull: Bool {
        // Told by the length first: this runs for every value decoded.
        guard isPlain else { return false }
        switch text.utf8.count {
        case 0: return true
        case 1: return text.utf8.first == UInt8(ascii: "~")
        case 4:
            let first = text.utf8.first
            return (first == UInt8(ascii: "n") || first == UInt8(ascii: "N")) && (text == "null" || text == "Null" || text == "NULL")
        default: return false
        }
    }
}

/// Where a scalar stands in the tree, as a ``YAMLScalarPicker`` is told.
public enum YAMLScalarRole: Sendable {
    /// A mapping's key.
    case key
    /// The value of the mapping entry with this key.
    case value(key: String)
    /// A sequence's item, a document's root, or a value whose tag the reader rejected.
    case item
}

/// Judges every scalar as the reader meets it, by its text and where it stands; the reader
/// keeps the ranges of those it picks (``YAMLDocument/picked``). A caller that looks for
/// scalars of some kind does so here instead of walking the tree again afterwards.
/// A picker answers by those alone, the same each time: the reader remembers its answer
/// for a short text met again in the same role.
public typealias YAMLScalarPicker = @Sendable (YAMLScalar, YAMLScalarRole) -> Bool

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
    /// Whether the tree holds exactly the scalars the reader's events gave, each once, in
    /// their order and role. False after an alias or a merge key, which repeat nodes; after
    /// an entry the reader dropped (a duplicate or unusable key); and for a document built
    /// otherwise than by reading, such as one an environment was laid over.
    public var treeMatchesEvents: Bool
    /// The ranges of the scalars the reader's ``YAMLScalarPicker`` picked, in the order
    /// read; nil when it read without one. The scalars of the tree only when
    /// ``treeMatchesEvents`` holds.
    public var picked: [SourceRange]?

    public init(root: YAMLNode, treeMatchesEvents: Bool = false, picked: [SourceRange]? = nil) {
        self.root = root
        self.treeMatchesEvents = treeMatchesEvents
        self.picked = picked
    }
}
