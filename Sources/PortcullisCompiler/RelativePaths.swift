import PortcullisDiagnostics
import PortcullisSupport

extension SourceFiles {
    /// A path a definition writes (`policy`, `openapi`), relative to its own file, as reports
    /// show paths: resolved against the folder of `file` without touching the disk, so it
    /// can only ever be looked up among the run's files.
    func path(_ relative: String, besides file: FileID) -> String {
        // Most paths name a file in or below the folder: joined, not split and rebuilt (an
        // estate names one per API and route).
        if Self.isPlain(relative) {
            let own = path(of: file)
            guard let slash = own.utf8.lastIndex(of: UInt8(ascii: "/")) else { return relative }
            return own[..<slash] + "/" + relative
        }
        var parts = path(of: file).split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        for part in relative.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != "..", last != "" {
                parts.removeLast()
            } else {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    /// Whether every part of `relative` names a file or folder: none is empty, `.` or `..`.
    private static func isPlain(_ relative: String) -> Bool {
        var length = 0
        var onlyDots = true
        for byte in relative.utf8 {
            if byte == UInt8(ascii: "/") {
                if length == 0 || (onlyDots && length <= 2) { return false }
                length = 0
                onlyDots = true
            } else {
                length += 1
                if byte != UInt8(ascii: ".") { onlyDots = false }
            }
        }
        return length > 0 && !(onlyDots && length <= 2)
    }
}

extension String {
    /// The text after `prefix`, matched as `hasPrefix` matches, or nil when the text does
    /// not start with it. When the bytes match too (nearly always), the text is cut at the
    /// prefix's last byte: dropping characters counted them first, for every file of a walk.
    func removingPrefix(_ prefix: String) -> String? {
        guard hasPrefix(prefix) else { return nil }
        let sameBytes = withUTF8Bytes { whole in prefix.withUTF8Bytes { whole.starts(with: $0) } }
        return sameBytes ? String(Substring(utf8.dropFirst(prefix.utf8.count))) : String(dropFirst(prefix.count))
    }
}
