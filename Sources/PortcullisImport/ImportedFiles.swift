import PortcullisDiagnostics
import PortcullisEmit

/// The files an import writes, held in memory until the whole project is made and checked,
/// then handed to ``BundleWriter`` so they reach `--out` atomically or not at all.
public struct ImportedFiles: BundleSource, Sendable {
    /// A path that would leave the output folder; names from a hostile tree are checked
    /// before they become paths, so this is a second line, not the first.
    public struct UncontainedPath: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "'\(DisplayText.escaped(path.utf8))' would leave the output folder" }
    }

    /// Path and bytes, in the order they were added; a path added twice keeps the last bytes.
    public private(set) var files: [String: [UInt8]] = [:]

    public init() {}

    public mutating func add(_ path: String, _ bytes: [UInt8]) throws {
        guard BundleIndex.isContained(path) else { throw UncontainedPath(path: path) }
        files[path] = bytes
    }

    public mutating func add(_ path: String, text: String) throws {
        try add(path, Array(text.utf8))
    }

    public func produce(into sink: any BundleSink) throws -> BundleIndex {
        var entries: [BundleIndex.Entry] = []
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            try sink.receive(path, [bytes])
            entries.append(BundleIndex.Entry(path: path, pieces: [bytes]))
        }
        return BundleIndex(entries)
    }
}
