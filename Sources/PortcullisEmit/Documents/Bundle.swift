import PortcullisSupport

/// Receives a bundle's files as they are made, from any thread and in no set order, so no
/// file's bytes need to outlive their writing: a 100,000-route bundle is 370 MB.
public protocol BundleSink: Sendable {
    /// The file at `path` is `pieces` one after another: a large file made in parts
    /// (gateway.json's routes) is never joined in memory.
    func receive(_ path: String, _ pieces: [[UInt8]]) throws
}

/// Something that makes a bundle's files: the build of a resolved project, or files a test
/// holds in memory.
public protocol BundleSource: Sendable {
    /// Hands every file to `sink` as it is made; returns what was made.
    func produce(into sink: any BundleSink) throws -> BundleIndex
}

/// What a bundle holds, without the bytes: each file's path, size and SHA-256, in path
/// order. It is what `build --check` compares a folder with and what the manifest lists.
public struct BundleIndex: Sendable {
    public struct Entry: Sendable {
        public var path: String
        public var size: Int
        /// 64 lowercase hexadecimal digits, as the manifest writes it.
        public var sha256: String

        public init(path: String, size: Int, sha256: String) {
            self.path = path
            self.size = size
            self.sha256 = sha256
        }

        /// The entry of the file `pieces` make at `path`; paths are built from names the
        /// language restricts to letters, digits, `-` and `_` (named values also `.`, never
        /// a whole component), so none can leave the bundle, and this check makes that a
        /// guarantee rather than a consequence.
        public init(path: String, pieces: [[UInt8]]) {
            precondition(BundleIndex.isContained(path), "bundle path '\(path)' would leave the output folder")
            self.init(path: path, size: pieces.reduce(0) { $0 + $1.count }, sha256: SHA256.hex(pieces: pieces))
        }
    }

    public let entries: [Entry]

    /// Sorting is adaptive: entries given as sorted runs (each part of a build sorts its
    /// own on its core) are merged rather than sorted again.
    public init(_ entries: [Entry]) {
        // Sorted in place: the entries given are usually the caller's last use of them.
        var entries = entries
        entries.sort { $0.path < $1.path }
        self.entries = entries
    }

    public var paths: [String] { entries.map(\.path) }

    /// The entry of the file at `path`, its bytes the same, as a file system tells names
    /// apart: Swift's `==` takes `\u{212A}iosk` for `Kiosk`, which APIOps would publish as
    /// another API. Found by bisection: the index is sorted by path.
    public func entry(at path: String) -> Entry? {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].path < path { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].path.utf8.elementsEqual(path.utf8) ? entries[low] : nil
    }

    /// True for a relative path of non-empty components other than `.` and `..`, without
    /// backslashes or NUL bytes: a path that stays inside the output folder.
    public static func isContained(_ path: String) -> Bool {
        path.withUTF8Bytes(isContained)
    }

    private static func isContained(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        var componentLength = 0
        var dots = 0
        for byte in path {
            switch byte {
            case UInt8(ascii: "/"):
                guard componentLength > 0, dots != componentLength || dots > 2 else { return false }
                componentLength = 0
                dots = 0
                continue
            case UInt8(ascii: "\\"), 0:
                return false
            case UInt8(ascii: "."):
                dots += 1
            default:
                break
            }
            componentLength += 1
        }
        return componentLength > 0 && (dots != componentLength || dots > 2)
    }
}
