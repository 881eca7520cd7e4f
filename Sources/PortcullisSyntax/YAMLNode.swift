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
        guard case .scalar(let scalar) = content, scalar.isPlain else { return false }
        switch scalar.text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// A word for the node's kind, for messages such as "expected a mapping, found a sequence".
    public var kindDescription: String {
        switch content {
        case .scalar: isNull ? "null" : "a scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
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
