import FoundationEssentials
import PortcullisDiagnostics
import PortcullisSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `# portcullis:ignore CODE[,CODE] [until=YYYY-MM-DD] -- REASON` comment, or in raw
/// policy XML `<!-- portcullis:ignore CODE[,CODE] [until=YYYY-MM-DD] - REASON -->` (XML
/// forbids `--` inside a comment, so one hyphen separates the reason there).
public struct SuppressionComment: Sendable, Equatable {
    public var codes: [String]
    /// The last day the suppression applies.
    public var until: CalendarDay?
    public var reason: String?
    /// The comment, from `#` to the end of the line, or from `<!--` to `-->`.
    public var range: SourceRange
    /// The line whose findings it silences: its own (end-of-line form) or the next
    /// (own-line form).
    public var targetLine: UInt32
}

/// Finds `portcullis:` comments in a file's text and parses them.
///
/// libyaml does not report comments, so this reads lines: a `#` starts a comment at the
/// start of a line or after a space or tab, outside single- and double-quoted text on
/// that line and outside a block scalar (`|`, `>`), whose lines are text (audit V116: a
/// `# portcullis:ignore` line in a route's `summary: |` silenced an error, and the text
/// was deployed as the summary). An XML comment counts only in a raw policy: a `.xml`
/// file, or the `policy` of a document or route (``YAMLLine/Node/isPolicy``), in its block
/// or on its line. A quoted scalar written over several lines is not followed.
public enum SuppressionScanner {
    public struct Problem: Sendable, Equatable {
        public var message: String
        public var range: SourceRange
    }

    /// What one file's comments hold: its suppressions, and the comments that could not be read as one.
    public typealias Scan = (comments: [SuppressionComment], problems: [Problem])

    static let prefix = Array("portcullis:".utf8)
    /// Where ``prefix`` has its first `l` (see ``contains(_:_:anchor:)``).
    static let prefixAnchor = prefix.firstIndex(of: UInt8(ascii: "l"))!

    public static func scan(_ source: SourceFile, file: FileID) -> Scan {
        let bytes = source.bytes
        guard contains(bytes, prefix, anchor: prefixAnchor) else { return ([], []) }
        var comments: [SuppressionComment] = []
        var problems: [Problem] = []
        var lineNumber: UInt32 = 1
        var start = 0
        var block = BlockScalar.none
        // The nodes around the line being read, by column: whether a key is a raw policy's
        // (`policy` at the top of a document or of a route) tells where XML comments count.
        var path: [YAMLLine.Node] = []
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            let line = bytes[start..<end]
            var reading: Reading = source.isPolicyXML ? .xml : block.holds(line) ? (block.holdsXML ? .xml : .text) : .yaml(xmlToo: false)
            var node: YAMLLine.Node?
            if case .yaml = reading, let found = YAMLLine.node(on: line, below: &path) {
                node = found
                reading = .yaml(xmlToo: found.isPolicy)
            }
            if let (hash, text, width) = comment(in: line, reading: reading) {
                let trimmed = text.drop { $0 == " " || $0 == "\t" }
                if trimmed.hasPrefix("portcullis:") {
                    let column = String(decoding: bytes[start..<hash], as: UTF8.self).unicodeScalars.count + 1
                    let range = SourceRange(
                        file: file, start: SourcePosition(line: Int(lineNumber), column: column),
                        end: SourcePosition(line: Int(lineNumber), column: column + width))
                    let ownLine = bytes[start..<hash].allSatisfy { $0 == 0x20 || $0 == 0x09 }
                    switch parse(String(trimmed.dropFirst("portcullis:".count))) {
                    case .success(let parsed):
                        comments.append(
                            SuppressionComment(
                                codes: parsed.codes, until: parsed.until, reason: parsed.reason, range: range,
                                targetLine: ownLine ? lineNumber + 1 : lineNumber))
                    case .failure(let problem):
                        problems.append(Problem(message: problem.message, range: range))
                    }
                }
            }
            if case .yaml = reading {
                block = BlockScalar(startedBy: line, node: node, after: path.last)
                if let node { path.append(node) }
            }
            guard end < bytes.count else { break }
            if bytes[end] == 0x0D, end + 1 < bytes.count, bytes[end + 1] == 0x0A { end += 1 }
            start = end + 1
            lineNumber += 1
        }
        return (comments, problems)
    }

    /// What a line of YAML holds, read alone.
    enum YAMLLine {
        /// A node a line holds: its column (past its sequence entries' `- `), and whether it
        /// is a raw policy's key: `policy` at the top of a document, or of a route.
        struct Node {
            var column: Int
            var key: Substring?
            var isPolicy: Bool
        }

        /// The node `line` holds, nil for a blank or comment line; `path` holds the nodes
        /// around it, left with those it lies in.
        static func node(on line: ArraySlice<UInt8>, below path: inout [Node]) -> Node? {
            var index = line.startIndex
            while index < line.endIndex {
                if line[index] == 0x20 { index += 1 }
                else if line[index] == UInt8(ascii: "-"), index + 1 == line.endIndex || line[index + 1] == 0x20 || line[index + 1] == 0x09 { index += 1 }
                else { break }
            }
            guard index < line.endIndex, line[index] != UInt8(ascii: "#"), line[index] != 0x09 else { return nil }
            let column = index - line.startIndex
            while let last = path.last, last.column >= column { path.removeLast() }
            let key = line[index...].firstIndex(of: UInt8(ascii: ":")).map { Substring(decoding: line[index..<$0], as: UTF8.self) }
            // A quoted key names the same (`"policy":`).
            let name = key.map { String($0.trimmingWhitespace.filter { $0 != "\"" && $0 != "'" }) }
            let isPolicy = name == "policy" && (path.isEmpty || path.last?.key.map { $0.trimmingWhitespace } == "routes")
            return Node(column: column, key: key, isPolicy: isPolicy)
        }
    }

    /// A block scalar the lines being read are in, line by line, as YAML reads one: its
    /// text is every line indented at least as far as its first line that is not blank,
    /// which is indented more than the node that holds the scalar (a key's column, a
    /// sequence entry's `-`), or as far as its indentation indicator says.
    enum BlockScalar {
        case none
        /// Held by a node at column `parent`; its text's indentation, once known; whether
        /// it is a raw policy's XML (the value of `policy`), whose XML comments count.
        case open(parent: Int, text: Int?, xml: Bool)

        var holdsXML: Bool {
            if case .open(_, _, let xml) = self { xml } else { false }
        }

        /// Whether `line` is text of the block scalar, and notes its indentation if it is
        /// the first line that tells it. A document marker ends it.
        mutating func holds(_ line: ArraySlice<UInt8>) -> Bool {
            guard case .open(let parent, let text, let xml) = self else { return false }
            let indentation = line.prefix { $0 == 0x20 }.count
            if line.dropFirst(indentation).allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
            if let text { if indentation >= text { return true } }
            else if indentation > parent, !(indentation == 0 && BlockScalar.isDocumentMarker(line)) {
                self = .open(parent: parent, text: indentation, xml: xml)
                return true
            }
            self = .none
            return false
        }

        private static func isDocumentMarker(_ line: ArraySlice<UInt8>) -> Bool {
            line.starts(with: Array("---".utf8)) || line.starts(with: Array("...".utf8))
        }

        private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

        /// Whether `text` is indentation and sequence entries' `- ` alone.
        private static func isIndicators(_ text: ArraySlice<UInt8>) -> Bool {
            text.indices.allSatisfy { index in
                isSpace(text[index]) || text[index] == UInt8(ascii: "-") && index + 1 < text.endIndex && isSpace(text[index + 1])
            }
        }

        /// The block scalar `line` starts: one whose value, before any comment, ends in
        /// `|` or `>` with its chomping and indentation indicators, after a tag or an anchor,
        /// as the value of the line's `node`, a sequence entry, a complex key (`?`), a
        /// document (`---`), or alone on its line as the value of the node before it (`last`).
        init(startedBy line: ArraySlice<UInt8>, node: YAMLLine.Node?, after last: YAMLLine.Node?) {
            self = .none
            var value = line[..<(YAMLComment.start(in: line) ?? line.endIndex)]
            while let byte = value.last, Self.isSpace(byte) { value.removeLast() }
            let token = value.reversed().prefix { !Self.isSpace($0) }
            guard let indicator = token.last, indicator == UInt8(ascii: "|") || indicator == UInt8(ascii: ">"), token.count <= 3 else { return }
            let modifiers = token.dropLast()
            guard modifiers.allSatisfy({ $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || (0x31...0x39).contains($0) }) else { return }
            let explicit = modifiers.first { (0x31...0x39).contains($0) }.map { Int($0 - 0x30) }
            var before = value.dropLast(token.count)
            // Tags and anchors before the indicator belong to the scalar.
            while true {
                while let byte = before.last, Self.isSpace(byte) { before.removeLast() }
                let previous = before.reversed().prefix { !Self.isSpace($0) }
                guard let first = previous.last, first == UInt8(ascii: "!") || first == UInt8(ascii: "&") else { break }
                before.removeLast(previous.count)
            }
            let parent: Int
            var xml = false
            if before.allSatisfy(Self.isSpace) {
                (parent, xml) = (last?.column ?? -1, last?.isPolicy ?? false)
            } else if before.elementsEqual("---".utf8), before.startIndex == line.startIndex {
                parent = -1
            } else if let node, before.last == UInt8(ascii: ":") {
                (parent, xml) = (node.column, node.isPolicy)
            } else if before.last == UInt8(ascii: "-") || before.last == UInt8(ascii: "?"), Self.isIndicators(before.dropLast()) {
                parent = before.count - 1
            } else {
                return
            }
            self = .open(parent: parent, text: explicit.map { parent + $0 }, xml: xml)
        }
    }

    /// How a line is read: as YAML (with XML comments too on a raw policy's line), as XML
    /// (a raw XML file's, or inline XML's in a `policy` block scalar), or as text (another
    /// block scalar's), which holds no comment.
    enum Reading {
        case yaml(xmlToo: Bool)
        case xml
        case text
    }

    /// The comment on one line: where it starts, the text after its opening, and its width in
    /// scalars. An XML comment (`<!-- ... -->` on one line) is read in raw XML files and in
    /// inline XML, where a `#` would be text; the reason follows ` - ` and is passed on as
    /// the YAML form's `--`.
    private static func comment(in line: ArraySlice<UInt8>, reading: Reading) -> (start: Int, text: String, width: Int)? {
        let (xml, yaml): (Bool, Bool) =
            switch reading {
            case .yaml(let xmlToo): (xmlToo, true)
            case .xml: (true, false)
            case .text: (false, false)
            }
        if xml, let open = find(Array("<!--".utf8), in: line) {
            let body = line[(open + 4)...]
            let close = find(Array("-->".utf8), in: body) ?? line.endIndex
            var text = String(decoding: line[(open + 4)..<close], as: UTF8.self)
            let width = String(decoding: line[open..<min(close + 3, line.endIndex)], as: UTF8.self).unicodeScalars.count
            if text.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("portcullis:") {
                if let dash = text.range(ofBytes: " - ") { text.replaceSubrange(dash, with: " -- ") }
                while text.last == " " || text.last == "\t" { text.removeLast() }
                return (open, text, width)
            }
        }
        guard yaml, let hash = YAMLComment.start(in: line) else { return nil }
        let text = String(decoding: line[(hash + 1)...], as: UTF8.self)
        return (hash, text, text.unicodeScalars.count + 1)
    }

    private static func find(_ pattern: [UInt8], in line: ArraySlice<UInt8>) -> Int? {
        var index = line.startIndex
        while index + pattern.count <= line.endIndex {
            if line[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    struct Parsed {
        var codes: [String]
        var until: CalendarDay?
        var reason: String?
    }

    struct ParseError: Error {
        var message: String
    }

    /// Parses what follows `portcullis:`. Codes are checked against the registry later.
    static func parse(_ text: String) -> Result<Parsed, ParseError> {
        var body = Substring(text)
        var reason: String?
        if let dashes = body.range(ofBytes: "--") {
            let given = body[dashes.upperBound...].trimmingWhitespace
            reason = given.isEmpty ? nil : given
            body = body[..<dashes.lowerBound]
        }
        var words = body.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let directive = words.first else { return .failure(ParseError(message: "'portcullis:' comment has no directive; expected 'portcullis:ignore CODE'")) }
        guard directive == "ignore" else {
            return .failure(ParseError(message: "unknown directive 'portcullis:\(directive)'; expected 'portcullis:ignore'"))
        }
        words.removeFirst()
        var until: CalendarDay?
        if let last = words.last, last.hasPrefix("until=") {
            let date = String(last.dropFirst("until=".count))
            guard let day = CalendarDay(date) else {
                return .failure(ParseError(message: "invalid date '\(date)' in 'until='; expected YYYY-MM-DD"))
            }
            until = day
            words.removeLast()
        }
        let codes = words.joined().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !codes.isEmpty, !codes.contains("") else {
            return .failure(ParseError(message: "'portcullis:ignore' needs rule codes separated by commas, such as 'CA001,CA002'"))
        }
        return .success(Parsed(codes: codes, until: until, reason: reason))
    }

    /// Most files have no suppression at all; libc's `memchr` finds that out fastest. It
    /// looks for the needle's byte at `anchor`, the rarest in YAML: every hit costs a call,
    /// and a 4 MB estate holds some 140,000 `p`s but 28,000 `l`s.
    private static func contains(_ bytes: [UInt8], _ needle: [UInt8], anchor: Int) -> Bool {
        bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { pattern in
                guard let base = haystack.baseAddress, haystack.count >= pattern.count else { return false }
                var offset = anchor
                let last = haystack.count - pattern.count + anchor
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(needle[anchor]), last - offset + 1) else { return false }
                    let start = base.distance(to: UnsafeRawPointer(hit)) - anchor
                    if memcmp(base + start, pattern.baseAddress!, pattern.count) == 0 { return true }
                    offset = start + anchor + 1
                }
                return false
            }
        }
    }
}
