/// JSON as Portcullis writes it everywhere: sorted keys, two-space indentation, `"key" : value`,
/// no escaped slashes, a final newline, so equal values always give equal bytes. The layout
/// is that of Foundation's `JSONEncoder` with `.sortedKeys, .prettyPrinted,
/// .withoutEscapingSlashes`, which the tests compare it with.
///
/// It is written here rather than by `JSONEncoder`, which boxes every value in Foundation
/// types before writing: that was a fifth of a build's time and most of rendering 160,000
/// findings as SARIF.
public enum StableJSON {
    public static func encode<Value: Encodable>(_ value: Value) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// ``encode(_:)`` as UTF-8, without the copy into a `String`.
    public static func bytes<Value: Encodable>(_ value: Value) -> [UInt8] {
        pieces(value).concatenated()
    }

    /// ``bytes(_:)`` in pieces, one after another, each fragment one of them as it was
    /// written: a 100 MB document of fragments is never copied whole.
    public static func pieces<Value: Encodable>(_ value: Value) -> [[UInt8]] {
        var written = render(value)
        written[written.count - 1].append(UInt8(ascii: "\n"))
        return written
    }

    /// The value written at indentation `indent`, without the final newline, in pieces
    /// (one, unless it holds fragments); the last piece is never a fragment.
    fileprivate static func render<Value: Encodable>(_ value: Value, indent: Int = 0) -> [[UInt8]] {
        // Every value encoded here is made of strings, numbers, booleans, arrays and maps
        // with string keys, which cannot fail to encode.
        let root = try! JSONNodeEncoder.node(for: value)
        var pieces: [[UInt8]] = []
        var out: [UInt8] = []
        root.write(indent: indent, into: &out, pieces: &pieces)
        return pieces + [out]
    }

    /// A value written ahead, to be placed in a larger document as it is: a large document's
    /// parts can be written on all cores, and the tree of the whole never exists at once.
    /// A fragment is written for the depth it will have in the document (an element of
    /// an array in the top-level object has depth 2), as indentation follows depth.
    public struct Fragment: Encodable, Sendable {
        fileprivate let bytes: [UInt8]
        fileprivate let depth: Int

        public init<Value: Encodable>(_ value: Value, depth: Int) {
            bytes = StableJSON.render(value, indent: depth).concatenated()
            self.depth = depth
        }

        /// The document `writer` wrote.
        public init(_ writer: Writer) {
            bytes = writer.bytes
            depth = writer.depth
        }

        /// Only ``StableJSON`` knows how to place a fragment; it never calls this.
        public func encode(to encoder: any Encoder) throws {
            preconditionFailure("a StableJSON fragment can only be written by StableJSON")
        }
    }
}

extension StableJSON {
    /// Writes the same layout straight into bytes, for many small documents where building
    /// a tree first costs more than the writing (160,000 SARIF results). The caller gives
    /// each object's members in sorted key order, as ``encode(_:)`` would sort them, and
    /// leaves out absent values, as synthesized `Encodable` does.
    public struct Writer {
        fileprivate private(set) var bytes: [UInt8] = []
        /// Where the document starts: its depth in the document it will be placed in.
        fileprivate let depth: Int
        /// The innermost open container: whether it is an array, and how many members it
        /// has so far. Kept apart from the ones around it (`outer`), as every member asks it.
        private var innermost: (isArray: Bool, count: Int)?
        private var outer: [(isArray: Bool, count: Int)] = []

        /// A writer for a fragment of `depth` (0 for a document of its own), with room for
        /// `capacity` bytes reserved at once where the caller knows the usual size.
        public init(depth: Int = 0, capacity: Int = 0) {
            self.depth = depth
            bytes.reserveCapacity(capacity)
        }

        public mutating func beginObject() {
            beginValue()
            bytes.append(markup: "{\n")
            open(isArray: false)
        }

        public mutating func endObject() {
            end(UInt8(ascii: "}"))
        }

        public mutating func beginArray() {
            beginValue()
            bytes.append(markup: "[\n")
            open(isArray: true)
        }

        public mutating func endArray() {
            end(UInt8(ascii: "]"))
        }

        /// The next member's key; its value follows.
        public mutating func key(_ name: String) {
            beginMember()
            JSONNode.string(name, into: &bytes)
            bytes.append(markup: " : ")
        }

        public mutating func string(_ text: String) {
            beginValue()
            JSONNode.string(text, into: &bytes)
        }

        public mutating func number(_ value: some BinaryInteger) {
            beginValue()
            bytes.append(utf8: String(value))
        }

        public mutating func boolean(_ value: Bool) {
            beginValue()
            bytes.append(utf8: value ? "true" : "false")
        }

        /// A member whose value is a string.
        public mutating func member(_ name: String, _ text: String) {
            key(name)
            string(text)
        }

        /// A member whose value is a number.
        public mutating func member(_ name: String, number value: some BinaryInteger) {
            key(name)
            number(value)
        }

        /// An array of strings.
        public mutating func strings(_ texts: [String]) {
            beginArray()
            for text in texts { string(text) }
            endArray()
        }

        /// The document written, as ``bytes(_:)`` gives a whole document: with a final newline.
        /// It takes the writer's bytes rather than copying them (a manifest is megabytes).
        public consuming func document() -> [UInt8] {
            bytes.append(UInt8(ascii: "\n"))
            return bytes
        }

        private mutating func open(isArray: Bool) {
            if let innermost { outer.append(innermost) }
            innermost = (isArray, 0)
        }

        /// How deep the next member is.
        private var indent: Int { depth + outer.count + (innermost == nil ? 0 : 1) }

        /// An array element starts a line of its own; an object member's value follows its key.
        private mutating func beginValue() {
            if innermost?.isArray == true { beginMember() }
        }

        private mutating func beginMember() {
            let follows = innermost!.count > 0
            innermost!.count += 1
            JSONNode.startLine(follows ? .afterMember : .first, indent: indent, into: &bytes)
        }

        private mutating func end(_ bracket: UInt8) {
            innermost = outer.popLast()
            JSONNode.startLine(.closing, indent: indent, into: &bytes)
            bytes.append(bracket)
        }
    }
}

/// One value of the document being built; containers hand out nodes that their nested
/// encoders fill in later, so a node is a reference.
final class JSONNode {
    enum Content {
        /// Text to write as it is: a number, a boolean or null.
        case literal(String)
        case string(String)
        case array([JSONNode])
        /// Members in the order they were encoded; written sorted. Every value encoded here
        /// (synthesized `Encodable`, dictionaries) sets each key once.
        case object([(key: String, value: JSONNode)])
        /// A value written ahead for its depth (``StableJSON/Fragment``).
        case fragment([UInt8], depth: Int)
    }

    var content: Content

    init(_ content: Content = .object([])) {
        self.content = content
    }

    /// Appends the value to `out`; a fragment ends `out` as a piece and is itself the next.
    func write(indent: Int, into out: inout [UInt8], pieces: inout [[UInt8]]) {
        switch content {
        case .literal(let text):
            out.append(utf8: text)
        case .string(let text):
            Self.string(text, into: &out)
        case .fragment(let bytes, let depth):
            precondition(depth == indent, "a StableJSON fragment written for depth \(depth) is placed at depth \(indent)")
            pieces.append(out)
            pieces.append(bytes)
            out = []
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for (index, element) in elements.enumerated() {
                Self.startLine(index > 0 ? .afterMember : .first, indent: indent + 1, into: &out)
                element.write(indent: indent + 1, into: &out, pieces: &pieces)
            }
            Self.startLine(.closing, indent: indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "\n"))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                Self.startLine(index > 0 ? .afterMember : .first, indent: indent + 1, into: &out)
                Self.string(member.key, into: &out)
                out.append(markup: " : ")
                member.value.write(indent: indent + 1, into: &out, pieces: &pieces)
            }
            Self.startLine(.closing, indent: indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// How a line of a container starts before its indentation.
    enum LineStart: Int {
        /// `,` and a line break: a member after another.
        case afterMember = 0
        /// A line break: the line that closes a container.
        case closing = 1
        /// Nothing: the first member, whose line the opening bracket's line break began.
        case first = 2
    }

    /// Appends the start of a line and `indent` levels of indentation, in one copy where
    /// they fit in `lineStarts`: these are most of the calls that write a document.
    static func startLine(_ start: LineStart, indent: Int, into out: inout [UInt8]) {
        let lineStarts: StaticString = ",\n                                                                "
        let spaces = 2 * indent
        let fitting = Swift.min(spaces, lineStarts.utf8CodeUnitCount - 2)
        out.append(contentsOf: UnsafeBufferPointer(start: lineStarts.utf8Start + start.rawValue, count: 2 - start.rawValue + fitting))
        out.append(spaces: spaces - fitting)
    }

    /// A quoted string: quote, backslash and control characters escaped, and the `[` of a
    /// CI logging command's prefix (``LogCommandPrefix``) as `\u005b`, as a JSON report may
    /// be printed in a job's output too; everything else (slashes and non-ASCII included)
    /// as it is.
    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copied whole, not byte by byte, from their contiguous
        // UTF-8 (which a native string always has).
        let copied = text.withUTF8Bytes { bytes in
            for index in bytes.indices {
                let byte = bytes[index]
                // Letters, digits and most punctuation, and every byte of a non-ASCII
                // character, are passed with one or two comparisons.
                if byte > UInt8(ascii: "\\") || (byte > UInt8(ascii: "\"") && byte < UInt8(ascii: "[")) { continue }
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
                if LogCommandPrefix.ends(at: index, in: bytes) { return false }
            }
            out.append(contentsOf: bytes)
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        let bytes = Array(text.utf8)
        for index in bytes.indices {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "[") where LogCommandPrefix.ends(at: index, in: bytes): out.append(utf8: "\\u005b")
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(utf8: "\\u00")
                out += [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func literal(_ text: String) -> JSONNode { JSONNode(.string(text)) }

    static func number<Number: BinaryInteger>(_ value: Number) -> JSONNode {
        JSONNode(.literal(String(value)))
    }

    /// Whole numbers without a fraction, as JSONEncoder writes them (`2`, not `2.0`).
    static func number<Number: BinaryFloatingPoint & LosslessStringConvertible>(_ value: Number) -> JSONNode {
        var text = String(value)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return JSONNode(.literal(text))
    }

    static func boolean(_ value: Bool) -> JSONNode { JSONNode(.literal(value ? "true" : "false")) }

    static let null = "null"
}

/// Fills one ``JSONNode`` from an `Encodable` value.
struct JSONNodeEncoder: Encoder {
    let node: JSONNode
    /// Encoding never fails, so no error needs the path: not tracking it saves an array per value.
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedContainer(node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node)
    }

    /// The node for a value: strings, numbers and booleans directly, anything else through
    /// its own `encode(to:)`.
    static func node<Value: Encodable>(for value: Value) throws -> JSONNode {
        switch value {
        case let text as String: return JSONNode.literal(text)
        case let number as Int: return JSONNode.number(number)
        case let number as UInt32: return JSONNode.number(number)
        case let flag as Bool: return JSONNode.boolean(flag)
        case let fragment as StableJSON.Fragment: return JSONNode(.fragment(fragment.bytes, depth: fragment.depth))
        default:
            let child = JSONNode()
            try value.encode(to: JSONNodeEncoder(node: child))
            return child
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: JSONNode
        var codingPath: [any CodingKey] { [] }

        private func set(_ child: JSONNode, _ key: Key) {
            guard case .object(var members) = node.content else { return }
            node.content = .object([])  // keeps `members` uniquely referenced while it grows
            members.append((key.stringValue, child))
            node.content = .object(members)
        }

        mutating func encodeNil(forKey key: Key) throws { set(JSONNode(.literal(JSONNode.null)), key) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { set(JSONNode.boolean(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { set(JSONNode.literal(value), key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { set(JSONNode.number(value), key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { set(JSONNode.number(value), key) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            set(try JSONNodeEncoder.node(for: value), key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = JSONNode()
            set(child, key)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = JSONNode(.array([]))
            set(child, key)
            return UnkeyedContainer(node: child)
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = JSONNode()
            set(child, key)
            return JSONNodeEncoder(node: child)
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let node: JSONNode
        var codingPath: [any CodingKey] { [] }

        var count: Int {
            guard case .array(let elements) = node.content else { return 0 }
            return elements.count
        }

        private func append(_ child: JSONNode) {
            guard case .array(var elements) = node.content else { return }
            node.content = .array([])  // keeps `elements` uniquely referenced while it grows
            elements.append(child)
            node.content = .array(elements)
        }

        mutating func encodeNil() throws { append(JSONNode(.literal(JSONNode.null))) }
        mutating func encode(_ value: String) throws { append(JSONNode.literal(value)) }
        mutating func encode(_ value: Int) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: Int8) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: Int16) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: Int32) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: Int64) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: UInt) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: UInt8) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: UInt16) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: UInt32) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: UInt64) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: Double) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: Float) throws { append(JSONNode.number(value)) }
        mutating func encode(_ value: Bool) throws { append(JSONNode.boolean(value)) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            append(try JSONNodeEncoder.node(for: value))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = JSONNode()
            append(child)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = JSONNode(.array([]))
            append(child)
            return UnkeyedContainer(node: child)
        }

        mutating func superEncoder() -> any Encoder {
            let child = JSONNode()
            append(child)
            return JSONNodeEncoder(node: child)
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let node: JSONNode
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { node.content = .literal(JSONNode.null) }
        mutating func encode(_ value: Int) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: Int8) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: Int16) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: Int32) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: Int64) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: UInt) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: UInt8) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: UInt16) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: UInt32) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: UInt64) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: Double) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: Float) throws { node.content = JSONNode.number(value).content }
        mutating func encode(_ value: Bool) throws { node.content = JSONNode.boolean(value).content }
        mutating func encode(_ value: String) throws { node.content = JSONNode.literal(value).content }

        mutating func encode<T: Encodable>(_ value: T) throws {
            node.content = try JSONNodeEncoder.node(for: value).content
        }
    }
}
