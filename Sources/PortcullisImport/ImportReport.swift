import PortcullisDiagnostics

/// One thing the import says about a file of the tree: what became a field, what stayed
/// raw and why, what was not imported, what must be resolved by hand.
public struct ImportNote: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, Encodable {
        /// Statements or properties that became definitions fields.
        case highLevel = "high-level"
        /// Statements kept as raw policy XML, in their place.
        case raw
        /// Found and left out (a resource kind or property Portcullis does not carry).
        case notImported = "not-imported"
        /// Something the team must resolve before the project builds as the estate runs.
        case error
    }

    public var kind: Kind
    /// The file or folder of the tree it is about, relative to the tree.
    public private(set) var path: String
    /// Quotes names and values of the tree, where a JSON escape can put any character:
    /// control characters are shown as escapes, as in a ``Diagnostic``'s message.
    public private(set) var message: String

    public init(_ kind: Kind, _ path: String, _ message: String) {
        self.kind = kind
        self.path = DisplayText.path(path)
        self.message = DisplayText.message(message)
    }
}
