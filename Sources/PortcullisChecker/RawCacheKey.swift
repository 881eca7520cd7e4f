import PortcullisPolicyXML

/// What is known of a raw `cache-store-value`'s or `cache-lookup-value`'s key: how each
/// value it may take starts. APIM keeps every such entry in one cache for the whole
/// instance, so rules ask whether a key may fall under another's entries.
struct RawCacheKey {
    /// The known start of each value the key may take, in lower case; nil where nothing is
    /// known. Each value an expression may give counts (each branch of a choice, each value
    /// a block returns: a block was judged by its first statement, an audit found).
    let starts: [String?]
    /// Whether the key is text (named values put in), so each start is the whole key.
    let settled: Bool

    init(_ key: PolicyXMLAttribute, _ context: CheckContext) {
        switch key.value {
        case .text(let text):
            starts = [context.namedValues.resolved(text)?.lowercased()]
            settled = true
        case .expression:
            starts = ExpressionFlow.possibleValues(of: key.value.resolved).map {
                (ExpressionFlow.leadingText(of: $0.code) ?? ExpressionFlow.writtenStart(of: $0.code))?.lowercased()
            }
            settled = false
        }
    }

    /// Whether some value of the key may start with `prefix`: a start not known may; text
    /// must start with it; an expression's known start must agree with it as far as
    /// either goes.
    func mayStart(with prefix: String) -> Bool {
        let prefix = prefix.lowercased()
        return starts.contains { start in
            guard let start, !start.isEmpty else { return true }
            return settled ? start.hasPrefix(prefix) : start.hasPrefix(prefix) || prefix.hasPrefix(start)
        }
    }
}

/// Entries' keys (``RawCacheKey``), each with what to report of it, found by a key that may
/// meet them in the time the key's known starts take to read: a lookup compared with every
/// store was quadratic (8,000 of each took 12 s, an audit found). A tree of the starts'
/// bytes: a lookup's start meets an entry's that is a prefix of it and not settled, one
/// equal to it, or, not settled itself, one it is a prefix of.
struct RawCacheEntries<Entry> {
    private var entries: [Entry] = []
    /// The first entry whose key may start anyhow.
    private var unknown: Int?
    private var children: [[UInt8: Int]] = [[:]]
    /// By node: the first entry whose start, not settled, ends there; whose start, settled,
    /// ends there; whose start passes through or ends there.
    private var endsOpen: [Int: Int] = [:]
    private var endsSettled: [Int: Int] = [:]
    private var through: [Int: Int] = [:]

    var isEmpty: Bool { entries.isEmpty }

    mutating func add(_ key: RawCacheKey, _ entry: Entry) {
        let index = entries.count
        entries.append(entry)
        for start in key.starts {
            guard let start, !start.isEmpty else {
                unknown = unknown ?? index
                continue
            }
            var node = 0
            through[0] = through[0] ?? index
            for byte in start.utf8 {
                if let next = children[node][byte] {
                    node = next
                } else {
                    children.append([:])
                    children[node][byte] = children.count - 1
                    node = children.count - 1
                }
                through[node] = through[node] ?? index
            }
            if key.settled { endsSettled[node] = endsSettled[node] ?? index } else { endsOpen[node] = endsOpen[node] ?? index }
        }
    }

    /// The first entry a lookup under `key` may name. An entry key whose start is not known
    /// begins with what tells its caller apart, an id or a name; it meets a lookup's known
    /// start only where that could begin one (`"0" + header` an `oid`, not `"geo:" + …`: the
    /// audit of the rule found both).
    func first(namedBy key: RawCacheKey) -> Entry? {
        for start in key.starts {
            guard let start, !start.isEmpty else { return (unknown ?? through[0]).map { entries[$0] } }
            if let unknown, start.utf8.allSatisfy(Self.mayBeginAnID) { return entries[unknown] }
            var node = 0
            var walked = true
            for byte in start.utf8 {
                guard let next = children[node][byte] else {
                    walked = false
                    break
                }
                node = next
                if let open = endsOpen[node] { return entries[open] }
            }
            guard walked else { continue }
            if let settled = endsSettled[node] { return entries[settled] }
            if !key.settled, let longer = through[node] { return entries[longer] }
        }
        return nil
    }

    /// Letters, digits and what ids and user names hold (`-`, `_`, `.`, `@`).
    private static func mayBeginAnID(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "@")
    }
}
