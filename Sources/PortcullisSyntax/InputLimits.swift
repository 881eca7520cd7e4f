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
    /// How many nodes alias expansion may produce in one document; a scalar counts one
    /// for each 4 KiB of its text, so that aliases of a long text are weighed by its size.
    public var maxAliasNodes: Int
    /// How many documents one file may hold.
    public var maxDocuments: Int

    /// The largest value each limit may be set to. After reading, nesting is walked by
    /// recursion (credential scanning, freeing the tree) at up to about 1 KB of stack a
    /// level in a debug build, which crashed near 9,300 levels on an 8 MB stack; 256 levels
    /// fit the smallest stack a stage may run on (512 KB, Dispatch workers on macOS) twice
    /// over. The counts are bounded where a run would take minutes rather than seconds.
    public static let maximum = InputLimits(
        maxFileSize: Int(Int32.max), maxDepth: 256, maxAliasNodes: 10_000_000, maxDocuments: 100_000)

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
