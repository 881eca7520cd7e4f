#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
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
        var parts = path(of: file).pathParts(omittingEmpty: false).dropLast()
        for part in relative.pathParts() where part != "." {
            if part == "..", let last = parts.last, last != "..", last != "" {
                parts.removeLast()
            } else {
                parts.append(part)
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
    /// The folder that holds this path: `/a` for `/a/b`, `/` for `/a`, empty for `a`; a
    /// trailing `/` is no part.
    var parentFolder: String {
        var bytes = utf8[...]
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes = bytes.dropLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        var parent = bytes[..<slash]
        while parent.last == UInt8(ascii: "/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(Substring(parent))
    }

    /// This path with `part` below it, joined by one `/`, without a trailing `/` (git
    /// gives its prefix as `sub/dir/`).
    func appendingPathPart(_ part: String) -> String {
        var joined = Substring(isEmpty || part.isEmpty || utf8.last == UInt8(ascii: "/") ? self + part : self + "/" + part)
        while joined.utf8.count > 1, joined.utf8.last == UInt8(ascii: "/") { joined = Substring(joined.utf8.dropLast()) }
        return String(joined)
    }

    /// The parts of this path between its `/` bytes, as the file system takes a path
    /// apart. `split(separator: "/")` compares characters: a part that starts with a
    /// combining mark joins the `/` before it, and the two parts are taken for one, so each
    /// `..` after them climbs one folder too many.
    func pathParts(omittingEmpty: Bool = true) -> [String] {
        utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: omittingEmpty).map { String(Substring($0)) }
    }

    /// The text after `prefix` when its bytes begin with the prefix's, or nil. Paths are
    /// compared as the bytes the file system holds: `hasPrefix` compares characters, so it
    /// takes two spellings of `é` for one folder, and misses a folder in the path of a name
    /// that starts with a combining mark (the mark joins the `/` before it).
    func removingPrefix(_ prefix: String) -> String? {
        let starts = withUTF8Bytes { whole in prefix.withUTF8Bytes { whole.starts(with: $0) } }
        return starts ? String(Substring(utf8.dropFirst(prefix.utf8.count))) : nil
    }

    /// This absolute path as seen from the absolute `folder`, climbing with `..` out of it
    /// when it lies elsewhere: a configuration given with `--config` from outside the
    /// project is recorded so, not by a path that names the machine it was built on.
    func path(from folder: String) -> String {
        let target = utf8.split(separator: UInt8(ascii: "/"))
        let base = folder.utf8.split(separator: UInt8(ascii: "/"))
        let shared = zip(target, base).prefix { $0.elementsEqual($1) }.count
        let parts = Array(repeating: "..", count: base.count - shared) + target.dropFirst(shared).map { String(Substring($0)) }
        return parts.joined(separator: "/")
    }

    /// Whether this path is `folder` or lies inside it, byte for byte (see ``removingPrefix(_:)``).
    func isPath(inside folder: String) -> Bool {
        utf8.elementsEqual(folder.utf8) || removingPrefix(folder.hasSuffix("/") ? folder : folder + "/") != nil
    }
}

/// A path as a key or a sort key: compared, hashed and ordered by its bytes, as the file
/// system tells names apart. A `String`'s `==`, hash and `<` take canonically equivalent
/// names for one (`Kiosk` and `\u{212A}iosk` with a Kelvin sign, two spellings of `é`), so
/// two files so named would be one key, and one of them silently dropped or read for the
/// other.
struct ExactPath: Hashable, Comparable {
    let text: String

    init(_ text: String) { self.text = text }

    // `memcmp` over the bytes in place: the generic walks of `utf8` cost some fifty
    // instructions a byte, and paths share long prefixes.
    static func == (lhs: ExactPath, rhs: ExactPath) -> Bool { order(lhs, rhs) == 0 }

    static func < (lhs: ExactPath, rhs: ExactPath) -> Bool { order(lhs, rhs) < 0 }

    /// Negative, zero or positive as `lhs`'s bytes come before, equal or after `rhs`'s.
    private static func order(_ lhs: ExactPath, _ rhs: ExactPath) -> Int {
        lhs.text.withUTF8Bytes { left in
            rhs.text.withUTF8Bytes { right in
                let shared = min(left.count, right.count)
                let order = shared == 0 ? 0 : Int(memcmp(left.baseAddress!, right.baseAddress!, shared))
                return order != 0 ? order : left.count - right.count
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        text.withUTF8Bytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// The inputs by their names as Swift compares them, where two spellings of one name (a
/// precomposed `é`, or `e` and a combining accent) are one key: a path found in no input by
/// its bytes is told which input it looks like, since the two read the same.
struct SpellingTwins {
    private let inputs: Set<String>

    init(_ paths: some Sequence<String>) {
        inputs = Set(paths)
    }

    /// A note for `path`, which no input is named by its bytes, when an input's name differs
    /// from it only in its code points; nil otherwise.
    func note(for path: String, at range: SourceRange) -> Diagnostic.Note? {
        // The set's own member, as the input spells it, not `path`, which Swift takes for it.
        guard let found = inputs.firstIndex(of: path) else { return nil }
        let input = inputs[found]
        return Diagnostic.Note(
            "the input '\(DisplayText.codePoints(input))' differs from '\(DisplayText.codePoints(path))' only in its code points; write the path with the file's",
            at: range)
    }
}
