import CYAML
import PortcullisDiagnostics
import PortcullisSupport

/// Reads YAML bytes into located documents by pulling libyaml's parser events.
///
/// The tree is built straight from the event stream, without libyaml's document loader,
/// so that every limit is checked before the next event is pulled: a hostile file stops
/// at the point where it crosses a limit, not after libyaml has done unbounded work.
/// Documents are handed to `onDocument` one at a time, so a caller can decode and drop
/// each before the next is read.
public struct YAMLReader {
    public let file: FileID
    public let limits: InputLimits

    public init(file: FileID, limits: InputLimits = InputLimits()) {
        self.file = file
        self.limits = limits
    }

    /// Whether every document of the input was read; false after an error that stops
    /// reading (malformed YAML, a limit), in which case later documents were not seen.
    public struct Outcome: Sendable {
        public var complete: Bool
        public var documents: Int
    }

    @discardableResult
    public func read(
        _ bytes: [UInt8], diagnostics: inout DiagnosticCollector, onDocument: (YAMLDocument) -> Void
    ) -> Outcome {
        guard preflight(bytes, diagnostics: &diagnostics) else { return Outcome(complete: false, documents: 0) }
        return read(YAMLChunk(bytes: 0..<bytes.count, firstLine: 1), of: bytes, diagnostics: &diagnostics, onDocument: onDocument)
    }

    /// Checks that concern the whole file rather than its documents: its size and encoding.
    /// Returns false, with a diagnostic, when the file must not be parsed at all. `size` is
    /// the file's whole size when `bytes` is only its first part.
    public func preflight(_ bytes: [UInt8], size: Int? = nil, diagnostics: inout DiagnosticCollector) -> Bool {
        if bytes.count > limits.maxFileSize {
            diagnostics.report(
                .inputLimit,
                "file is \(max(size ?? 0, bytes.count)) bytes, larger than the limit of \(limits.maxFileSize) bytes",
                at: .point(file, line: 1, column: 1))
            return false
        }
        if let encoding = OtherEncoding(markOf: bytes) {
            diagnostics.report(
                .yamlSyntax, "file starts with a \(encoding.rawValue) byte-order mark; inputs must be UTF-8",
                at: .point(file, line: 1, column: 1))
            return false
        }
        if let found = Self.firstYAML11LineBreak(in: bytes) {
            // Counted, as libyaml counts, from after a byte-order mark.
            let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let position = bytes.withUnsafeBufferPointer {
                Self.position(ofByte: found.offset - start, in: UnsafeBufferPointer(rebasing: $0[start...]), firstLine: 1)
            }
            let point = SourceRange.point(file, line: Int(position.line), column: Int(position.column))
            // '\u2028' is an escape that YAML's double-quoted strings and JSON's strings (an
            // OpenAPI document is read as YAML) both read.
            diagnostics.report(
                .yamlSyntax,
                "\(found.name) \(DisplayText.codePoint(found.scalar)) ends a line for the YAML reader (YAML 1.1) but not in an editor, "
                    + "so text after it would be read as YAML where it looks like part of the line",
                at: point,
                notes: [Diagnostic.Note("write it as the escape '\\u\(DisplayText.codePoint(found.scalar).dropFirst(2))' in a double-quoted string, or remove it", at: point)])
            return false
        }
        return true
    }

    /// The first NEL (U+0085), LS (U+2028) or PS (U+2029).
    /// libyaml breaks lines at them as YAML 1.1 says; editors and YAML 1.2 do not, so a
    /// reviewer would read `# note<LS>scopes: [admin]` as one comment.
    ///
    /// Most files are ASCII, which two `memchr`s for the lead bytes (C2, E2) tell fastest.
    /// Past the first lead byte, eight bytes are tested at a time for the characters' last
    /// bytes (85, A8, A9), which text dense with dashes, accents or quotation marks seldom
    /// holds, and only a word holding one is looked into.
    static func firstYAML11LineBreak(in bytes: [UInt8]) -> (offset: Int, scalar: UInt32, name: String)? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            func lead(_ byte: UInt8) -> Int {
                memchr(base, Int32(byte), buffer.count).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? buffer.count
            }
            func found(at index: Int) -> (offset: Int, scalar: UInt32, name: String)? {
                switch buffer[index] {
                case 0xC2 where index + 1 < buffer.count && buffer[index + 1] == 0x85:
                    return (index, 0x85, "next-line character")
                case 0xE2 where index + 2 < buffer.count && buffer[index + 1] == 0x80 && buffer[index + 2] & 0xFE == 0xA8:
                    return buffer[index + 2] == 0xA8 ? (index, 0x2028, "line separator") : (index, 0x2029, "paragraph separator")
                default:
                    return nil
                }
            }
            /// Whether a byte of `word` is zero, without looking at each.
            func hasZeroByte(_ word: UInt64) -> Bool { (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 }
            let first = min(lead(0xC2), lead(0xE2))
            let raw = UnsafeRawBufferPointer(buffer)
            var index = first
            while index + 8 <= buffer.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if hasZeroByte(word ^ 0x8585_8585_8585_8585) || hasZeroByte((word & 0xFEFE_FEFE_FEFE_FEFE) ^ 0xA8A8_A8A8_A8A8_A8A8) {
                    // A character ending in this word may start up to two bytes before it.
                    for offset in max(first, index - 2)..<(index + 8) {
                        if let hit = found(at: offset) { return hit }
                    }
                }
                index += 8
            }
            for offset in max(first, index - 2)..<buffer.count {
                if let hit = found(at: offset) { return hit }
            }
            return nil
        }
    }

    /// Line and column of a byte offset, counting columns in Unicode scalars as libyaml
    /// does and lines at LF, CR and CRLF.
    static func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>, firstLine: Int) -> SourcePosition {
        var line = firstLine
        var column = 1
        var index = 0
        while index < offset {
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80, byte != 0x0D {
                column += 1
            }
            index += 1
        }
        return SourcePosition(line: line, column: column)
    }

    /// A picker with what it remembers of the short texts it was shown (``ShortTexts``).
    /// Reads one after another pass the same one, so that what every file repeats (keys
    /// such as `method`, values such as `GET`) is made and judged once, not once a file: an
    /// estate of one file per API reads a thousand.
    public struct Picking {
        let picker: YAMLScalarPicker?
        fileprivate var shortTexts = ShortTexts()

        public init(_ picker: YAMLScalarPicker?) {
            self.picker = picker
        }
    }

    /// Reads the documents of one chunk of a file that passed ``preflight(_:diagnostics:)``.
    @discardableResult
    public func read(
        _ chunk: YAMLChunk, of bytes: [UInt8], diagnostics: inout DiagnosticCollector,
        picking picker: YAMLScalarPicker? = nil, onDocument: (YAMLDocument) -> Void
    ) -> Outcome {
        var picking = Picking(picker)
        return read(chunk, of: bytes, diagnostics: &diagnostics, picking: &picking, onDocument: onDocument)
    }

    /// ``read(_:of:diagnostics:picking:onDocument:)`` with a picking that earlier reads on
    /// this thread filled.
    @discardableResult
    public func read(
        _ chunk: YAMLChunk, of bytes: [UInt8], diagnostics: inout DiagnosticCollector,
        picking: inout Picking, onDocument: (YAMLDocument) -> Void
    ) -> Outcome {
        // libyaml skips a UTF-8 byte-order mark only when it detects the encoding itself;
        // told to read UTF-8, it would take the mark for part of the first key.
        var range = chunk.bytes
        if range.lowerBound == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { range = 3..<max(3, range.upperBound) }
        return bytes.withUnsafeBufferPointer { buffer in
            let slice = UnsafeBufferPointer(rebasing: buffer[range])
            // Lent, not copied: a copy's first change would copy every slot.
            var builder = TreeBuilder(
                file: file, limits: limits, bytes: slice, lineOffset: chunk.firstLine - 1,
                shortTexts: picking.shortTexts.lend())
            let outcome = builder.run(picker: picking.picker, diagnostics: &diagnostics, onDocument: onDocument)
            picking.shortTexts = builder.shortTexts.lend()
            return outcome
        }
    }

    /// Reads every document into memory; convenient for tests and small inputs.
    public func readAll(_ bytes: [UInt8], diagnostics: inout DiagnosticCollector) -> [YAMLDocument] {
        var documents: [YAMLDocument] = []
        read(bytes, diagnostics: &diagnostics) { documents.append($0) }
        return documents
    }
}

/// The event loop and its explicit stack of open collections; no recursion, so the
/// depth of the input never costs stack.
private struct TreeBuilder {
    let file: FileID
    let limits: InputLimits
    let bytes: UnsafeBufferPointer<UInt8>
    /// Lines of the file before this chunk; libyaml counts from the chunk's start.
    let lineOffset: Int

    private struct Anchored {
        var node: YAMLNode
        var nodeCount: Int
        var height: Int
    }

    private struct Frame {
        var isMapping: Bool
        var start: SourcePosition
        var anchor: String?
        /// Whether the collection's tag was rejected (YS007).
        var rejected: Bool
        var items: [YAMLNode] = []
        var entries: [YAMLEntry] = []
        /// The key waiting for its value; nil while a key is expected.
        var pendingKey: (text: String, range: SourceRange, isMerge: Bool)?
        /// Set when a key was unusable, so its value is read and dropped.
        var skipValue = false
        var expectingValue = false
        var merges: [YAMLNode] = []
        /// Keys seen so far, filled once a mapping grows past a few entries.
        var keyIndex: [String: Int] = [:]
        var nodeCount = 1
        /// Levels of collections below and including this one; scalars add none.
        var height = 1
    }

    private var stack: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    private var aliasNodes = 0
    private var root: YAMLNode?
    var shortTexts: ShortTexts
    /// See ``YAMLDocument/treeMatchesEvents``; cleared by what breaks it.
    private var treeMatchesEvents = true
    private var picked: [SourceRange] = []
    /// Where a duplicate key was reported: each place once in each mapping.
    private var duplicateKeysReported: Set<DuplicateKey> = []

    /// A duplicate key's place (an alias's is its anchor's) in the mapping that repeats it.
    private struct DuplicateKey: Hashable {
        var key: SourceRange
        var mapping: SourcePosition
    }

    init(file: FileID, limits: InputLimits, bytes: UnsafeBufferPointer<UInt8>, lineOffset: Int, shortTexts: ShortTexts) {
        self.file = file
        self.limits = limits
        self.bytes = bytes
        self.lineOffset = lineOffset
        self.shortTexts = shortTexts
    }

    private enum Step {
        case proceed
        case stop
        case finished
    }

    mutating func run(
        picker: YAMLScalarPicker?, diagnostics: inout DiagnosticCollector, onDocument: (YAMLDocument) -> Void
    ) -> YAMLReader.Outcome {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            diagnostics.report(.inputLimit, "out of memory while starting the YAML parser", at: .point(file, line: 1, column: 1))
            return YAMLReader.Outcome(complete: false, documents: 0)
        }
        defer { yaml_parser_delete(&parser) }
        var empty: UInt8 = 0
        withUnsafePointer(to: &empty) { emptyPointer in
            yaml_parser_set_input_string(&parser, bytes.baseAddress ?? emptyPointer, bytes.count)
        }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)

        var documents = 0
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                reportParserError(parser, into: &diagnostics)
                return YAMLReader.Outcome(complete: false, documents: documents)
            }
            let step: Step
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > limits.maxDocuments {
                    diagnostics.report(
                        .inputLimit, "file holds more than \(limits.maxDocuments) documents",
                        at: range(event.start_mark, event.end_mark))
                    step = .stop
                } else {
                    anchors.removeAll(keepingCapacity: true)
                    aliasNodes = 0
                    root = nil
                    treeMatchesEvents = true
                    picked.removeAll(keepingCapacity: true)
                    step = .proceed
                }
            case YAML_DOCUMENT_END_EVENT:
                let emptyDocument = YAMLNode(
                    .scalar(YAMLScalar(text: "", isPlain: true)), range: range(event.start_mark, event.start_mark))
                onDocument(
                    YAMLDocument(root: root ?? emptyDocument, treeMatchesEvents: treeMatchesEvents, picked: picker.map { _ in picked }))
                root = nil
                step = .proceed
            case YAML_SCALAR_EVENT:
                step = scalar(event, picker: picker, diagnostics: &diagnostics)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                step = open(event, diagnostics: &diagnostics)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                step = close(event, diagnostics: &diagnostics)
            case YAML_ALIAS_EVENT:
                step = alias(event, diagnostics: &diagnostics)
            case YAML_STREAM_END_EVENT:
                step = .finished
            default:
                step = .proceed
            }
            yaml_event_delete(&event)
            switch step {
            case .proceed: continue
            case .stop: return YAMLReader.Outcome(complete: false, documents: documents)
            case .finished: return YAMLReader.Outcome(complete: true, documents: documents)
            }
        }
    }

    // MARK: Events

    private mutating func scalar(
        _ event: yaml_event_t, picker: YAMLScalarPicker?, diagnostics: inout DiagnosticCollector
    ) -> Step {
        let data = event.data.scalar
        let (text, slot) = shortTexts.text(UnsafeBufferPointer(start: data.value, count: data.length))
        let nodeRange = range(event.start_mark, event.end_mark)
        var isPlain = data.style == YAML_PLAIN_SCALAR_STYLE
        var rejected = false
        if let tag = data.tag {
            switch Self.checkTag(tag, allowed: Self.scalarTags, at: nodeRange, diagnostics: &diagnostics) {
            case nil: rejected = true
            case "tag:yaml.org,2002:str", "!": isPlain = false
            default: break
            }
        }
        let scalarValue = YAMLScalar(text: text, isPlain: isPlain)
        if picker != nil {
            let role = Self.role(in: stack, ofScalarRejected: rejected)
            let picks: Bool
            if let known = shortTexts.answer(at: slot, role: role, isPlain: isPlain) {
                picks = known
            } else {
                // Called through the optional, not bound to a copy: that cost a retain and a release per scalar.
                picks = picker?(scalarValue, role) == true
                shortTexts.remember(picks, at: slot, role: role, isPlain: isPlain)
            }
            if picks { picked.append(nodeRange) }
        }
        // The text is handed on to the node, never copied: a copy kept the scalar alive
        // past `attach`, a retain and a release of every scalar's text.
        var content = YAMLNode.Content.scalar(consume scalarValue)
        if rejected { content = .rejected(content) }
        let node = YAMLNode(consume content, range: nodeRange)
        // A long text counts a node for each 4 KiB it holds: every later stage reads an
        // alias of it again, so an alias of a megabyte costs what 256 nodes do.
        let weight = 1 + data.length / 4096
        if let anchor = data.anchor {
            anchors[Self.string(anchor)] = Anchored(node: node, nodeCount: weight, height: 0)
        }
        return attach(consume node, nodeCount: weight, height: 0, diagnostics: &diagnostics)
    }

    private mutating func open(_ event: yaml_event_t, diagnostics: inout DiagnosticCollector) -> Step {
        let isMapping = event.type == YAML_MAPPING_START_EVENT
        if stack.count + 1 > limits.maxDepth {
            diagnostics.report(
                .inputLimit, "nesting is deeper than the limit of \(limits.maxDepth) levels",
                at: range(event.start_mark, event.end_mark))
            return .stop
        }
        let anchorPointer = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
        let tagPointer = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
        let tag = tagPointer.map {
            Self.checkTag(
                $0, allowed: isMapping ? Self.mappingTags : Self.sequenceTags,
                at: range(event.start_mark, event.end_mark), diagnostics: &diagnostics)
        }
        stack.append(
            Frame(
                isMapping: isMapping, start: position(event.start_mark),
                anchor: anchorPointer.map(Self.string), rejected: tag == .some(nil)))
        return .proceed
    }

    private mutating func close(_ event: yaml_event_t, diagnostics: inout DiagnosticCollector) -> Step {
        guard var frame = stack.popLast() else { return .proceed }
        let nodeRange = SourceRange(file: file, start: frame.start, end: position(event.end_mark))
        // The frame's collection is moved into the node (swapped out), not copied and then
        // released with the frame: this runs for every collection of every input.
        var content: YAMLNode.Content
        if frame.isMapping {
            if !frame.merges.isEmpty { applyMerges(&frame) }
            var entries: [YAMLEntry] = []
            swap(&entries, &frame.entries)
            content = .mapping(entries)
        } else {
            var items: [YAMLNode] = []
            swap(&items, &frame.items)
            content = .sequence(items)
        }
        if frame.rejected { content = .rejected(content) }
        // Built once and handed on, not copied for the collection it joins.
        let node = YAMLNode(consume content, range: nodeRange)
        if let anchor = frame.anchor {
            anchors[anchor] = Anchored(node: node, nodeCount: frame.nodeCount, height: frame.height)
        }
        return attach(consume node, nodeCount: frame.nodeCount, height: frame.height, diagnostics: &diagnostics)
    }

    private mutating func alias(_ event: yaml_event_t, diagnostics: inout DiagnosticCollector) -> Step {
        treeMatchesEvents = false
        let name = Self.string(event.data.alias.anchor)
        let aliasRange = range(event.start_mark, event.end_mark)
        guard let anchored = anchors[name] else {
            // Not named: a value written unquoted after '*' (a password, say) reads as an alias.
            diagnostics.report(
                .yamlSyntax, "an alias refers to no anchor defined before it", at: aliasRange,
                notes: [Diagnostic.Note("quote a value that starts with '*', or define the anchor ('&name') before the alias", at: aliasRange)])
            return .stop
        }
        aliasNodes += anchored.nodeCount
        if aliasNodes > limits.maxAliasNodes {
            diagnostics.report(
                .inputLimit,
                "aliases expand to more than \(limits.maxAliasNodes) nodes in this document",
                at: aliasRange,
                notes: [
                    Diagnostic.Note(
                        "a text counts a node for each 4 KiB it holds; write fewer aliases, or raise '--max-alias-nodes' for a file you trust", at: aliasRange)
                ])
            return .stop
        }
        if stack.count + anchored.height > limits.maxDepth {
            diagnostics.report(
                .inputLimit,
                "alias '*\(name)' expands deeper than the limit of \(limits.maxDepth) levels",
                at: aliasRange)
            return .stop
        }
        return attach(
            anchored.node, nodeCount: anchored.nodeCount, height: anchored.height, usedAt: aliasRange,
            diagnostics: &diagnostics)
    }

    // MARK: Building

    /// Adds a finished node to the collection being built, or makes it the document root.
    /// `usedAt` is the alias that brought the node here, where errors about its use point.
    /// The node is taken, not copied: this runs for every node of every input.
    private mutating func attach(
        _ node: consuming YAMLNode, nodeCount: Int, height: Int, usedAt: SourceRange? = nil,
        diagnostics: inout DiagnosticCollector
    ) -> Step {
        guard !stack.isEmpty else {
            root = node
            return .proceed
        }
        // The open collection is changed in place through one access, not looked up in
        // the stack for each of its fields.
        Self.add(
            node, nodeCount: nodeCount, height: height, usedAt: usedAt, to: &stack[stack.count - 1],
            treeMatchesEvents: &treeMatchesEvents, duplicateKeysReported: &duplicateKeysReported, diagnostics: &diagnostics)
        return .proceed
    }

    private static func add(
        _ node: consuming YAMLNode, nodeCount: Int, height: Int, usedAt: SourceRange?, to frame: inout Frame,
        treeMatchesEvents: inout Bool, duplicateKeysReported: inout Set<DuplicateKey>, diagnostics: inout DiagnosticCollector
    ) {
        frame.nodeCount += nodeCount
        if height + 1 > frame.height { frame.height = height + 1 }
        guard frame.isMapping else {
            if frame.items.isEmpty { frame.items.reserveCapacity(initialCapacity) }
            frame.items.append(node)
            return
        }
        let useRange = usedAt ?? node.range
        if !frame.expectingValue {
            frame.expectingValue = true
            guard case .scalar(let key) = node.content else {
                treeMatchesEvents = false
                diagnostics.report(
                    .unsupportedYAML, "mapping keys must be strings, found \(node.kindDescription)", at: useRange)
                frame.skipValue = true
                return
            }
            // By length first: this runs for every key, and comparing texts costs a call.
            let isMerge = key.isPlain && key.text.utf8.count == 2 && key.text == "<<"
            if isMerge { treeMatchesEvents = false }
            frame.pendingKey = (key.text, node.range, isMerge)
            return
        }
        frame.expectingValue = false
        if frame.skipValue {
            frame.skipValue = false
            return
        }
        guard let key = frame.pendingKey.take() else { return }
        if key.isMerge {
            if isMergeable(node) {
                frame.merges.append(node)
            } else {
                diagnostics.report(
                    .unsupportedYAML, "merge key '<<' needs a mapping or a list of mappings, found \(node.kindDescription)",
                    at: useRange)
            }
            return
        }
        if let first = firstEntry(named: key.text, in: &frame) {
            treeMatchesEvents = false
            // Once per place in a mapping: an alias repeats its anchor's key as often as the
            // alias limit allows, each a report of the same place (audit V85: 99,000 copies
            // of a 4 KiB key took 159 s and 900 MB; V89: another mapping's went unsaid); a
            // long key is shortened in the message.
            guard duplicateKeysReported.insert(DuplicateKey(key: key.range, mapping: frame.start)).inserted else { return }
            let shown = key.text.unicodeScalars.count > 64 ? String(key.text.unicodeScalars.prefix(61)) + "..." : key.text
            diagnostics.report(
                .duplicateKey, "duplicate key '\(shown)'", at: key.range,
                notes: [Diagnostic.Note("'\(shown)' is first set here", at: first.keyRange)])
            return
        }
        if frame.entries.isEmpty { frame.entries.reserveCapacity(initialCapacity) }
        frame.entries.append(YAMLEntry(key: key.text, keyRange: key.range, value: node))
    }

    /// Where the scalar being read will stand, for the picker. A value under a rejected
    /// tag is judged as an item, the way a walk of the tree meets it: it is no string.
    /// Static, given the stack alone: as a method it took the whole builder as its `self`,
    /// which cost a copy of the builder (152 bytes) for every scalar.
    /// An item of a sequence that is an entry's value is judged as that value: a list of
    /// credentials (`x-functions-key: [KEY]`, APIOps's backend credentials) is as much the
    /// key's as one written alone (found by an audit: only its shape was judged).
    private static func role(in stack: [Frame], ofScalarRejected rejected: Bool) -> YAMLScalarRole {
        // Read through a pointer: the frame's fields are read in place, not copied out.
        stack.withUnsafeBufferPointer { frames in
            let top = frames.count - 1
            guard top >= 0 else { return .item }
            guard frames[top].isMapping else {
                guard !rejected, !frames[top].rejected, top >= 1, frames[top - 1].isMapping, frames[top - 1].expectingValue,
                    let key = frames[top - 1].pendingKey?.text
                else { return .item }
                return .value(key: key)
            }
            guard frames[top].expectingValue else { return .key }
            guard !rejected, let key = frames[top].pendingKey?.text else { return .item }
            return .value(key: key)
        }
    }

    /// Room for a typical collection's items (a route has up to eight fields), reserved at
    /// its first item, so that it is allocated once instead of growing from one.
    private static let initialCapacity = 8

    /// Finds an earlier entry with the same key; small mappings are scanned, larger ones
    /// indexed. The index is filled in place, so a big mapping costs linear time.
    private static func firstEntry(named key: String, in frame: inout Frame) -> YAMLEntry? {
        let count = frame.entries.count
        if count < 16 {
            // Keys are compared in place, by length first; only a duplicate's entry is copied out.
            let length = key.utf8.count
            for index in 0..<count where frame.entries[index].key.utf8.count == length && frame.entries[index].key == key {
                return frame.entries[index]
            }
            return nil
        }
        if frame.keyIndex.isEmpty {
            frame.keyIndex.reserveCapacity(count * 2)
            for offset in 0..<count where frame.keyIndex[frame.entries[offset].key] == nil {
                frame.keyIndex[frame.entries[offset].key] = offset
            }
        }
        if let offset = frame.keyIndex[key] { return frame.entries[offset] }
        frame.keyIndex[key] = count
        return nil
    }

    private static func isMergeable(_ node: YAMLNode) -> Bool {
        switch node.content {
        case .mapping: return true
        case .sequence(let items): return items.allSatisfy { if case .mapping = $0.content { true } else { false } }
        case .scalar: return false
        // Reported already; merging it adds nothing.
        case .rejected: return true
        }
    }

    /// YAML merge keys: entries of the merged mappings fill in keys the mapping does not set itself;
    /// earlier merged mappings win over later ones.
    private func applyMerges(_ frame: inout Frame) {
        var seen = Set(frame.entries.map(\.key))
        for merge in frame.merges {
            let sources: [YAMLNode]
            if case .sequence(let items) = merge.content { sources = items } else { sources = [merge] }
            for source in sources {
                guard case .mapping(let entries) = source.content else { continue }
                for entry in entries where seen.insert(entry.key).inserted {
                    frame.entries.append(entry)
                }
            }
        }
    }

    // MARK: Tags

    private static let scalarTags: Set<String> = [
        "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
    ]
    private static let sequenceTags: Set<String> = ["!", "tag:yaml.org,2002:seq"]
    private static let mappingTags: Set<String> = ["!", "tag:yaml.org,2002:map"]

    /// Returns the tag for the caller to interpret, or reports a tag outside YAML's core
    /// schema and returns nil.
    private static func checkTag(
        _ pointer: UnsafeMutablePointer<yaml_char_t>, allowed: Set<String>, at range: SourceRange,
        diagnostics: inout DiagnosticCollector
    ) -> String? {
        let tag = Self.string(pointer)
        guard allowed.contains(tag) else {
            let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst(18) : tag
            diagnostics.report(.unsupportedYAML, "tag '\(shown)' is not supported", at: range)
            return nil
        }
        return tag
    }

    // MARK: Positions and errors

    /// Inlined, as is ``range(_:_:)``: called as a method, each took a copy of the whole
    /// builder (152 bytes) as its `self`, once for every scalar read.
    @inline(__always)
    private func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: mark.line + 1 + lineOffset, column: mark.column + 1)
    }

    @inline(__always)
    private func range(_ start: yaml_mark_t, _ end: yaml_mark_t) -> SourceRange {
        var endPosition = position(end)
        let startPosition = position(start)
        if endPosition <= startPosition {
            endPosition = SourcePosition(line: Int(startPosition.line), column: Int(startPosition.column) + 1)
        }
        return SourceRange(file: file, start: startPosition, end: endPosition)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>) -> String {
        String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    private func reportParserError(_ parser: yaml_parser_t, into diagnostics: inout DiagnosticCollector) {
        let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
        if parser.error == YAML_READER_ERROR {
            var offset = min(parser.problem_offset, bytes.count)
            let value = Int(parser.problem_value)
            let message: String
            switch problem {
            case "invalid leading UTF-8 octet":
                message = "invalid UTF-8: byte \(Self.hex(value)) cannot start a character"
            case "invalid trailing UTF-8 octet":
                // Point at the character's first byte, where the broken sequence begins.
                while offset > 0, offset < bytes.count, bytes[offset] & 0xC0 == 0x80 || bytes[offset] < 0xC0 {
                    offset -= 1
                    if bytes[offset] >= 0xC0 { break }
                }
                message = "invalid UTF-8: byte \(Self.hex(value)) does not continue the character before it"
            case "incomplete UTF-8 octet sequence":
                message = "invalid UTF-8: the file ends in the middle of a character"
            case "control characters are not allowed":
                message = "control character \(DisplayText.codePoint(UInt32(value))) is not allowed in YAML"
            case "invalid length of a UTF-8 sequence":
                message = "invalid UTF-8: an overlong or malformed multi-byte sequence"
            case "invalid Unicode character":
                message = "invalid Unicode character \(DisplayText.codePoint(UInt32(value)))"
            default:
                message = problem
            }
            let where_ = YAMLReader.position(ofByte: offset, in: bytes, firstLine: 1 + lineOffset)
            diagnostics.report(
                .yamlSyntax, message, at: .point(file, line: Int(where_.line), column: Int(where_.column)))
            return
        }
        if parser.error == YAML_MEMORY_ERROR {
            diagnostics.report(.inputLimit, "out of memory while reading YAML", at: .point(file, line: 1, column: 1))
            return
        }
        var notes: [Diagnostic.Note] = []
        if let context = parser.context {
            notes.append(Diagnostic.Note(String(cString: context), at: range(parser.context_mark, parser.context_mark)))
        }
        diagnostics.report(.yamlSyntax, problem, at: range(parser.problem_mark, parser.problem_mark), notes: notes)
    }

    private static func hex(_ byte: Int) -> String {
        let digits = String(byte & 0xFF, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" + digits : digits)
    }

}

/// The texts of short scalars made lately, so that what a file repeats (keys such as `id`
/// and `method`, values such as `GET`) is made once: making a `String` checks its UTF-8,
/// which costs several times more than comparing sixteen bytes.
///
/// Each text keeps the picker's last answer for it, with the role and plainness it was
/// asked with: a picker answers by those alone (``YAMLScalarPicker``), and a file repeats
/// its short scalars in the same places, so most are judged once instead of at every use
/// (the credential check behind the picker was a quarter of building the tree).
private struct ShortTexts {
    private struct Slot {
        var count = -1
        var bytes: (UInt64, UInt64) = (0, 0)
        var text = ""
        /// The picker's last answer for the text, and what it was asked with: held as
        /// plain fields, so that looking it up copies no role and no key.
        var asked = Asked.not
        var askedPlain = false
        var askedUnderKey = ""
        var picks = false
    }

    private enum Asked: UInt8 {
        case not, asKey, asItem, asValue
    }

    /// Up to this many bytes a text is stored inline in its `String`, so keeping one here
    /// holds no memory; longer texts are made each time.
    private static let longest = 15
    /// No initial value here: Swift would make one in every initializer, the lent
    /// table's too.
    private var slots: [Slot]

    /// The table, leaving an empty one in its place (which holds no slot and must not be
    /// read), so that the one who takes it holds its only copy.
    mutating func lend() -> ShortTexts {
        var taken = ShortTexts(slots: [])
        swap(&taken, &self)
        return taken
    }

    private init(slots: [Slot]) {
        self.slots = slots
    }

    /// Each slot made afresh rather than copied from one: a copy retains its strings.
    init() {
        slots = (0..<256).map { _ in Slot() }
    }

    /// The text of `bytes`, and the slot that holds it (nil for a long text, which is not kept).
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) -> (text: String, slot: Int?) {
        guard bytes.count <= Self.longest else { return (String(decoding: bytes, as: UTF8.self), nil) }
        let packed = Self.pack(bytes)
        let mixed = (packed.0 &+ packed.1 &* 31 &+ UInt64(bytes.count)) &* 0x9E37_79B9_7F4A_7C15
        let slot = Int(truncatingIfNeeded: mixed >> 56)
        if slots[slot].count == bytes.count, slots[slot].bytes == packed { return (slots[slot].text, slot) }
        let text = String(decoding: bytes, as: UTF8.self)
        slots[slot] = Slot(count: bytes.count, bytes: packed, text: text)
        return (text, slot)
    }

    /// The picker's answer for the text in `slot`, if it was asked in this role and plainness.
    @inline(__always)
    func answer(at slot: Int?, role: YAMLScalarRole, isPlain: Bool) -> Bool? {
        guard let slot, slots[slot].askedPlain == isPlain else { return nil }
        switch role {
        case .key: return slots[slot].asked == .asKey ? slots[slot].picks : nil
        case .item: return slots[slot].asked == .asItem ? slots[slot].picks : nil
        // The key by its bytes, as the picker reads it: `==` takes canonically equivalent
        // texts for one (a Kelvin sign for `K`: a secret under `apiKey` went unreported
        // after the same value under `api\u{212A}ey`) and normalizes both to tell (seconds
        // for a long key; an audit).
        case .value(let key):
            return slots[slot].asked == .asValue && Self.sameBytes(slots[slot].askedUnderKey, key) ? slots[slot].picks : nil
        }
    }

    /// Whether two texts hold the same bytes, compared in place (walking the views one
    /// byte at a time cost a lint of the benchmark estate 22 M instructions).
    @inline(__always)
    private static func sameBytes(_ one: String, _ other: String) -> Bool {
        guard one.utf8.count == other.utf8.count else { return false }
        let compared = one.utf8.withContiguousStorageIfAvailable { first in
            other.utf8.withContiguousStorageIfAvailable { second in
                first.count == 0 || memcmp(first.baseAddress!, second.baseAddress!, first.count) == 0
            }
        }
        return (compared ?? nil) ?? one.utf8.elementsEqual(other.utf8)
    }

    mutating func remember(_ picks: Bool, at slot: Int?, role: YAMLScalarRole, isPlain: Bool) {
        guard let slot else { return }
        slots[slot].askedPlain = isPlain
        slots[slot].picks = picks
        switch role {
        case .key: slots[slot].asked = .asKey
        case .item: slots[slot].asked = .asItem
        case .value(let key):
            slots[slot].asked = .asValue
            slots[slot].askedUnderKey = key
        }
    }

    /// Two words that, with the count, tell every text of up to 15 bytes from every other:
    /// loads that overlap in the middle cover all its bytes without a loop or a copy.
    private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let count = bytes.count
        guard let base = bytes.baseAddress, count > 0 else { return (0, 0) }
        let raw = UnsafeRawPointer(base)
        if count >= 8 {
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        }
        if count >= 4 {
            return (UInt64(raw.loadUnaligned(as: UInt32.self)), UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
        }
        return (UInt64(base[0]) | UInt64(base[count / 2]) << 8 | UInt64(base[count - 1]) << 16, 0)
    }
}
