/// A UTF-16 or UTF-32 byte-order mark at the start of a file. Portcullis reads UTF-8 alone
/// and refuses such a file (YS001, PX001), but .NET's readers, the APIOps publisher's among them,
/// follow the mark: a file that may be the publisher's is judged by its decoded text.
public enum OtherEncoding: String, Sendable {
    case utf32BigEndian = "UTF-32 big-endian"
    case utf32LittleEndian = "UTF-32 little-endian"
    case utf16BigEndian = "UTF-16 big-endian"
    case utf16LittleEndian = "UTF-16 little-endian"

    /// The encoding whose mark starts `bytes`; UTF-32's are told first, since the
    /// little-endian one starts as UTF-16's does (audit V26: a UTF-32 file was called UTF-16).
    public init?(markOf bytes: [UInt8]) {
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            self = .utf32BigEndian
        } else if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
            self = .utf32LittleEndian
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            self = .utf16BigEndian
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            self = .utf16LittleEndian
        } else {
            return nil
        }
    }

    /// The text after the mark as UTF-8, an ill-formed or cut-off unit read as U+FFFD, as
    /// .NET's decoders read it.
    public func decoded(_ bytes: [UInt8]) -> [UInt8] {
        let width = self == .utf32BigEndian || self == .utf32LittleEndian ? 4 : 2
        let bigEndian = self == .utf32BigEndian || self == .utf16BigEndian
        // Each unit read in place: one array made per unit took 0.9 s on 40 MB (audit V35).
        let units = stride(from: width, to: bytes.count - width + 1, by: width).map { start in
            (0..<width).reduce(UInt32(0)) { unit, offset in unit << 8 | UInt32(bytes[start + (bigEndian ? offset : width - 1 - offset)]) }
        }
        var text = width == 2 ? String(decoding: units.map { UInt16($0) }, as: UTF16.self) : String(decoding: units, as: UTF32.self)
        if bytes.count % width != 0 { text.append("\u{FFFD}") }
        return Array(text.utf8)
    }
}
