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
/// equal to it, or, not settled itself, one it is a prefix of. Its nodes are numbers, its
/// edges one table: a table per node took gigabytes for long starts.
struct RawCacheEntries<Entry> {
    private var entries: [Entry] = []
    /// The first entry whose key may start anyhow.
    private var unknown: Int?
    /// Each node's child by its number and the byte (`node << 8 | byte`).
    private var edges: [Int: Int] = [:]
    /// By node: the first entry whose start, not settled, ends there; whose start, settled,
    /// ends there; whose start passes through or ends there (-1: none).
    private var endsOpen: [Int] = [-1]
    private var endsSettled: [Int] = [-1]
    private var through: [Int] = [-1]

    var isEmpty: Bool { entries.isEmpty }

    /// The most bytes of a start the tree holds: one past it is cut there and taken as
    /// not settled, which only adds meetings (starts of 10,000 bytes took gigabytes: an
    /// audit).
    static var longestStart: Int { 64 }

    mutating func add(_ key: RawCacheKey, _ entry: Entry) {
        let index = entries.count
        entries.append(entry)
        for start in key.starts {
            guard let start, !start.isEmpty else {
                unknown = unknown ?? index
                continue
            }
            let cut = start.utf8.count > Self.longestStart
            var node = 0
            if through[0] < 0 { through[0] = index }
            for byte in start.utf8.prefix(Self.longestStart) {
                if let next = edges[node << 8 | Int(byte)] {
                    node = next
                } else {
                    let next = through.count
                    edges[node << 8 | Int(byte)] = next
                    endsOpen.append(-1)
                    endsSettled.append(-1)
                    through.append(-1)
                    node = next
                }
                if through[node] < 0 { through[node] = index }
            }
            if key.settled && !cut {
                if endsSettled[node] < 0 { endsSettled[node] = index }
            } else if endsOpen[node] < 0 {
                endsOpen[node] = index
            }
        }
    }

    /// The first entry a lookup under `key` may name. An entry key whose start is not known
    /// meets any (`"0" + header` meets `oid + ":profile"`; a start not read may be an API's
    /// name or a variable: the audits of the rule). A lookup start longer than the tree
    /// holds is read as far as it goes, so it meets what its first bytes meet.
    func first(namedBy key: RawCacheKey) -> Entry? {
        for start in key.starts {
            guard let start, !start.isEmpty else { return (unknown ?? (through[0] < 0 ? nil : through[0])).map { entries[$0] } }
            if let unknown { return entries[unknown] }
            var node = 0
            var walked = true
            for byte in start.utf8.prefix(Self.longestStart) {
                guard let next = edges[node << 8 | Int(byte)] else {
                    walked = false
                    break
                }
                node = next
                if endsOpen[node] >= 0 { return entries[endsOpen[node]] }
            }
            guard walked else { continue }
            if endsSettled[node] >= 0 { return entries[endsSettled[node]] }
            if !key.settled || start.utf8.count > Self.longestStart, through[node] >= 0 { return entries[through[node]] }
        }
        return nil
    }
}
