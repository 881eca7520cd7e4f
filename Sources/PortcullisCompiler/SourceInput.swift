/// One input file's bytes, as the driver read them; the pipeline never touches the disk.
public struct SourceInput: Sendable {
    /// The path reports show.
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}
