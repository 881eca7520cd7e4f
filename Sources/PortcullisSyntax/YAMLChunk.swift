#if canImport(Glibc)
    import Glibc
#endif

/// A run of whole documents within a file, which can be read independently of the rest.
public struct YAMLChunk: Sendable, Equatable {
    /// The chunk's bytes within the file.
    public var bytes: Range<Int>
    /// The 1-based line of the file on which the chunk starts.
    public var firstLine: Int

    public init(bytes: Range<Int>, firstLine: Int) {
        self.bytes = bytes
        self.firstLine = firstLine
    }

    /// Splits a file at document markers into chunks of about `preferredSize` bytes, so
    /// the documents of one large file can be read on several cores.
    ///
    /// A line that starts with `---` followed by a space, a tab or a line break always
    /// begins a document: YAML forbids such a line inside any scalar, and libyaml's
    /// scanner treats it as a marker in every context. Splitting there therefore reads
    /// the same documents as reading the whole file. Files with directives (`%YAML`,
    /// `%TAG`), which apply across a marker, and files with more markers than
    /// `maxDocuments` (whose limit is checked in order) stay in one chunk.
    public static func split(_ bytes: [UInt8], preferredSize: Int, maxDocuments: Int) -> [YAMLChunk] {
        let whole = [YAMLChunk(bytes: 0..<bytes.count, firstLine: 1)]
        guard bytes.count > preferredSize else { return whole }
        var markers: [(offset: Int, line: Int)] = []
        let found = bytes.withUnsafeBufferPointer { buffer -> Bool in
            let count = buffer.count
            // Without a carriage return, every line ends at a line feed, which memchr finds
            // many bytes at a time; this runs over every byte of an estate before it is read.
            let lineFeedsOnly = memchr(buffer.baseAddress!, 0x0D, count) == nil
            var line = 1
            var index = 0
            while index < count {
                // `index` is at the start of a line here.
                if buffer[index] == UInt8(ascii: "%") { return false }
                if index + 3 <= count, buffer[index] == 0x2D, buffer[index + 1] == 0x2D, buffer[index + 2] == 0x2D,
                    index + 3 == count || [0x20, 0x09, 0x0A, 0x0D].contains(buffer[index + 3])
                {
                    markers.append((index, line))
                    if markers.count > maxDocuments { return false }
                }
                if lineFeedsOnly {
                    guard let lineFeed = memchr(buffer.baseAddress! + index, 0x0A, count - index) else { break }
                    index = buffer.baseAddress!.distance(to: lineFeed.assumingMemoryBound(to: UInt8.self)) + 1
                    line += 1
                    continue
                }
                while index < count, buffer[index] != 0x0A, buffer[index] != 0x0D { index += 1 }
                if index < count {
                    if buffer[index] == 0x0D, index + 1 < count, buffer[index + 1] == 0x0A { index += 1 }
                    index += 1
                    line += 1
                }
            }
            return true
        }
        guard found else { return whole }
        let count = bytes.count
        var chunks: [YAMLChunk] = []
        var start = (offset: 0, line: 1)
        for marker in markers where marker.offset - start.offset >= preferredSize {
            chunks.append(YAMLChunk(bytes: start.offset..<marker.offset, firstLine: start.line))
            start = marker
        }
        chunks.append(YAMLChunk(bytes: start.offset..<count, firstLine: start.line))
        return chunks
    }
}
