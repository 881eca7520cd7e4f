/// Resource limits that keep hostile input from exhausting time or memory.
///
/// libyaml itself has no nesting limit and slows down quadratically with flow depth, and
/// aliases can expand a small file into an enormous tree, so the reader enforces these
/// while it pulls events rather than after the fact.
public struct InputLimits: Sendable, Equatable {
    /// The largest input file accepted, in bytes.
    public var maxFileSize: Int
    /// The deepest nesting of sequences and mappings, counting what aliases expand to.
    public var maxDepth: Int
    /// How many nodes alias expansion may produce in one document.
    public var maxAliasNodes: Int
    /// How many documents one file may hold.
    public var maxDocuments: Int

    public init(
        maxFileSize: Int = 16 * 1024 * 1024, maxDepth: Int = 64, maxAliasNodes: Int = 100_000,
        maxDocuments: Int = 10_000
    ) {
        self.maxFileSize = maxFileSize
        self.maxDepth = maxDepth
        self.maxAliasNodes = maxAliasNodes
        self.maxDocuments = maxDocuments
    }
}
