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
        var line = 1
        var index = 0
        let count = bytes.count
        while index < count {
            // `index` is at the start of a line here.
            if bytes[index] == UInt8(ascii: "%") { return whole }
            if index + 3 <= count, bytes[index] == 0x2D, bytes[index + 1] == 0x2D, bytes[index + 2] == 0x2D,
                index + 3 == count || [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index + 3])
            {
                markers.append((index, line))
                if markers.count > maxDocuments { return whole }
            }
            while index < count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
            if index < count {
                if bytes[index] == 0x0D, index + 1 < count, bytes[index + 1] == 0x0A { index += 1 }
                index += 1
                line += 1
            }
        }
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
