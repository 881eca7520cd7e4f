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

    private init(starts: [String?], settled: Bool) {
        self.starts = starts
        self.settled = settled
    }

    /// Whether some value of the key may start with `prefix`.
    func mayStart(with prefix: String) -> Bool {
        mayMeet(RawCacheKey(starts: [prefix.lowercased()], settled: false))
    }

    /// Whether some value of the key may be some value of `other`: text must equal text
    /// and start with an expression's known start; two known starts must agree as far as
    /// either goes; a start not known meets any (a key `oid + ":profile"` meets a caller's
    /// `"0" + header`: the audit of the rule that took it for none).
    func mayMeet(_ other: RawCacheKey) -> Bool {
        starts.contains { mine in
            other.starts.contains { theirs in
                guard let mine, let theirs, !mine.isEmpty, !theirs.isEmpty else { return true }
                switch (settled, other.settled) {
                case (true, true): return mine == theirs
                case (true, false): return mine.hasPrefix(theirs)
                case (false, true): return theirs.hasPrefix(mine)
                case (false, false): return mine.hasPrefix(theirs) || theirs.hasPrefix(mine)
                }
            }
        }
    }
}
