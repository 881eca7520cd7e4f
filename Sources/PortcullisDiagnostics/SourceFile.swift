import PortcullisSupport

/// One input file's bytes as the driver read them: the input of the pipeline, which never
/// touches the disk, and what reports quote source lines from.
///
/// The bytes are kept as read (they may be invalid UTF-8, which is itself a diagnostic);
/// lines are decoded only when a report asks for one.
public struct SourceFile: Sendable {
    /// The path as reports show it: relative to the working directory when inside it.
    public let path: String
    public let bytes: [UInt8]
    /// The file's whole size: more than `bytes` holds when only a prefix of an oversized
    /// file was read.
    public let size: Int

    public init(path: String, bytes: [UInt8], size: Int? = nil) {
        self.path = path
        self.bytes = bytes
        self.size = max(size ?? bytes.count, bytes.count)
    }

    /// The byte offset where each line starts, through line `lines`; a line ends at LF, CRLF
    /// or a lone CR, the breaks YAML recognises. Reports build it once per file they quote
    /// from, only as far as the last line they quote.
    public func lineStarts(through lines: Int = .max) -> [Int] {
        var starts = [0]
        // Through the buffer, without a bounds check per byte: raw policies written inline
        // are placed by their YAML file's lines, and an estate's file may have 100,000.
        bytes.withUnsafeBufferPointer { bytes in
            var index = 0
            let count = bytes.count
            while index < count, starts.count < lines {
                let byte = bytes[index]
                index += 1
                if byte <= 0x0D, byte == 0x0A || byte == 0x0D {
                    if byte == 0x0D, index < count, bytes[index] == 0x0A { index += 1 }
                    starts.append(index)
                }
            }
        }
        return starts
    }

    /// The text of 1-based line `number`, without its line break, or nil past the end;
    /// `starts` is this file's ``lineStarts()``. At most `maxBytes` of a very long line are
    /// decoded, so quoting a line of a huge single-line file stays cheap.
    public func line(_ number: Int, starts: [Int], maxBytes: Int = 1 << 16) -> String? {
        guard number >= 1, number <= starts.count else { return nil }
        let start = starts[number - 1]
        var end = start
        let limit = min(bytes.count, start + maxBytes)
        while end < limit, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// Every input file of a run, indexed by ``FileID``.
public struct SourceFiles: Sendable {
    public private(set) var files: [SourceFile] = []

    public init(_ files: [SourceFile] = []) {
        self.files = files
    }

    public var count: Int { files.count }

    public subscript(id: FileID) -> SourceFile { files[Int(id.index)] }

    public func path(of id: FileID) -> String { files[Int(id.index)].path }
}

extension SourceFile {
    /// Whether the file holds raw policy XML rather than YAML definitions: told by its name,
    /// as the inputs were found by it.
    public var isPolicyXML: Bool { path.hasByteSuffix(".xml") }
}
