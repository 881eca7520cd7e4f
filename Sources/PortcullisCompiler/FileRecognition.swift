#if canImport(Glibc)
    import Glibc
#endif
import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport

/// Tells Portcullis's YAML files from the other YAML of a repository (Compose files,
/// workflows, Helm charts), from the text alone, before anything is parsed.
///
/// The rule leans towards "ours", so a Portcullis file with a mistake is reported rather
/// than skipped: a file is Portcullis's when any document names an `apiVersion` that is
/// `portcullis/…` in any letter case or within two typos of `portcullis` (`portculis/v1`,
/// `Portcullis/v2`), or when it names no `apiVersion` at all but has a top-level `kind`
/// that is one of Portcullis's kinds. A file that mixes Portcullis and other documents is
/// Portcullis's, and its other documents are reported as errors. Text that is not 8-bit
/// (a UTF-16 or UTF-32 byte-order mark, NUL bytes) cannot be judged and is read, so the
/// front end says what is wrong with it.
public enum FileRecognition {
    public enum Verdict: Sendable, Equatable {
        /// Portcullis's: read it.
        case portcullis
        /// Holds YAML content, none of it Portcullis's.
        case foreign
        /// Holds nothing to check: empty, or only comments and document markers.
        case empty
        /// Not 8-bit text, so its content cannot be judged.
        case unjudgeable
    }

    /// How far into a line a key is looked for: block keys start lines and a flow
    /// mapping's first keys are near its start, and a hostile line must not cost more.
    static let keyWindow = 256

    /// Judges a file by its kind: an `.xml` file is a policy or a fragment, else YAML.
    public static func classify(_ source: SourceFile) -> Verdict {
        source.isPolicyXML ? classifyPolicy(source.bytes) : classify(source.bytes)
    }

    /// An XML file is Portcullis's when its root element is APIM's `policies` or `fragment`;
    /// other XML (build files, SOAP contracts) is skipped.
    static func classifyPolicy(_ bytes: [UInt8]) -> Verdict {
        // UTF-16 or UTF-32 text cannot be judged from its bytes; it is read, and the reader
        // says it must be UTF-8, rather than the file going unread and a reference to it
        // reporting it missing.
        if OtherEncoding(markOf: bytes) != nil || containsNUL(bytes) { return .unjudgeable }
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
            case UInt8(ascii: "<"):
                let rest = bytes[(index + 1)...]
                // A document type declaration is skipped too, so that the reader refuses it
                // where it is written rather than the file going unread.
                if rest.starts(with: "?".utf8) || rest.starts(with: "!--".utf8) || rest.starts(with: "!DOCTYPE".utf8) {
                    let end =
                        rest.first == UInt8(ascii: "?") ? "?>" : rest.starts(with: "!--".utf8) ? "-->"
                        : (rest.prefix { $0 != UInt8(ascii: ">") }.contains(UInt8(ascii: "[")) ? "]>" : ">")
                    guard let close = Self.find(Array(end.utf8), in: bytes, from: index + 2) else { return .foreign }
                    index = close + end.utf8.count
                    continue
                }
                let name = rest.prefix { !" \t\r\n/>".utf8.contains($0) }
                return name.elementsEqual("policies".utf8) || name.elementsEqual("fragment".utf8) ? .portcullis : .foreign
            default:
                return .foreign
            }
        }
        return .empty
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    public static func classify(_ bytes: [UInt8]) -> Verdict {
        if OtherEncoding(markOf: bytes) != nil || containsNUL(bytes) { return .unjudgeable }
        var namesVersion = false
        var unjudgedVersion = false
        var hasKind = false
        var hasContent = false
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let count = bytes.count
        while start < count {
            var end = start
            while end < count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            let line = bytes[start..<min(end, start + keyWindow)]
            start = end + 1
            guard let first = line.first(where: { $0 != 0x20 && $0 != 0x09 }), first != UInt8(ascii: "#") else { continue }
            if line.first != 0x20, line.first != 0x09, !isMarker(line) { hasContent = true }
            for value in values(of: "apiversion", in: line) {
                namesVersion = true
                if isPortcullisVersion(value) { return .portcullis }
                if !isJudgeable(value) { unjudgedVersion = true }
            }
            if line.first == UInt8(ascii: "k") || line.first == UInt8(ascii: "{"),
                values(of: "kind", in: line).contains(where: { kinds.contains($0.lowercased()) })
            {
                hasKind = true
            }
        }
        // A version the text cannot tell is Portcullis's when a kind of Portcullis's says so;
        // a Helm chart's `apiVersion: ""` beside no such kind is not.
        if hasKind, !namesVersion || unjudgedVersion { return .portcullis }
        return hasContent ? .foreign : .empty
    }

    /// Whether a version's text can be told from the line: not when it is on the next line,
    /// an alias, a block scalar, or has escapes (`"portcullis\x2fv1"`). Such a file with a
    /// kind of Portcullis's may be Portcullis's, so it is read, never skipped in silence.
    private static func isJudgeable(_ value: String) -> Bool {
        guard let first = value.utf8.first else { return false }
        return first != UInt8(ascii: "*") && first != UInt8(ascii: "|") && first != UInt8(ascii: ">") && !value.utf8.contains(UInt8(ascii: "\\"))
    }

    /// `memchr`: a file may be many megabytes, and the generic search is slow outside
    /// optimised builds, where the end-to-end tests also run.
    private static func containsNUL(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, 0, buffer.count) != nil
        }
    }

    private static let kinds = Set(DocumentDecoder.Kind.allCases.map { $0.rawValue.lowercased() })

    /// `---`, `...` and directives are not content.
    private static func isMarker(_ line: ArraySlice<UInt8>) -> Bool {
        line.starts(with: "---".utf8) || line.starts(with: "...".utf8) || line.first == UInt8(ascii: "%")
    }

    private static let portcullisGroup = Array("portcullis".utf8)

    /// `portcullis/…`, or a near miss of it, in any letter case.
    static func isPortcullisVersion(_ value: String) -> Bool {
        // As it is written in nearly every file, told from the bytes: lowering the case and
        // measuring the distance cost more than reading the rest of a small file. The '/'
        // must be followed by ASCII or nothing: a mark or joiner after it makes a character
        // of the two, which is no '/', and the group then runs on.
        let asWritten = value.withUTF8Bytes { bytes in
            let end = portcullisGroup.count
            guard bytes.starts(with: portcullisGroup) else { return false }
            guard bytes.count > end else { return true }
            return bytes[end] == UInt8(ascii: "/") && (bytes.count == end + 1 || bytes[end + 1] < 0x80)
        }
        if asWritten { return true }
        let group = value.lowercased().prefix { $0 != "/" }
        return group == "portcullis"
            || Suggestion.editDistance(Array(String(group).unicodeScalars), Array("portcullis".unicodeScalars)) <= 2
    }

    /// The plain values of every `key: value` on the line whose key is `key` (matched in any
    /// letter case, quoted or not), as block and flow mappings write them; a tag or an
    /// anchor before a value (`!!str`, `&v`) is not the value.
    private static func values(of key: String, in line: ArraySlice<UInt8>) -> [String] {
        let lowered = line.map(\.asciiLowercased)
        let pattern = Array(key.utf8)
        var found: [String] = []
        var index = 0
        while index + pattern.count <= lowered.count {
            guard lowered[index..<index + pattern.count].elementsEqual(pattern) else {
                index += 1
                continue
            }
            let before = index == 0 ? UInt8(ascii: " ") : lowered[index - 1]
            index += pattern.count
            guard " \t{,-\"'".utf8.contains(before) else { continue }
            var cursor = index
            func skip(_ characters: String) {
                while cursor < lowered.count, characters.utf8.contains(lowered[cursor]) { cursor += 1 }
            }
            skip("\"' \t")
            guard cursor < lowered.count, lowered[cursor] == UInt8(ascii: ":") else { continue }
            cursor += 1
            skip("\"' \t")
            while cursor < lowered.count, lowered[cursor] == UInt8(ascii: "!") || lowered[cursor] == UInt8(ascii: "&") {
                while cursor < lowered.count, !" \t".utf8.contains(lowered[cursor]) { cursor += 1 }
                skip("\"' \t")
            }
            let valueStart = cursor
            while cursor < lowered.count, !" \t,}\"'#".utf8.contains(lowered[cursor]) { cursor += 1 }
            found.append(String(decoding: line.dropFirst(valueStart).prefix(cursor - valueStart), as: UTF8.self))
        }
        return found
    }
}
