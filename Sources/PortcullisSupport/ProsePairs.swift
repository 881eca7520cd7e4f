/// The `key: value` pairs that prose (a comment, a suppression's reason) may write a
/// credential as, read the one way for the checker and for the lines reports quote.
public enum ProsePairs {
    /// The longest value read after a colon: a credential is shorter, and a value read to
    /// the line's end at every colon made a comment of colons take minutes (audit V41).
    static let longestValue = 1024

    /// Whether `accepts` takes some pair of `text`: for each colon, the word before it (back
    /// to white space or the colon before) and the word after it (past spaces and tabs, to
    /// white space). A colon glued to its value counts (`apiKey:9f8e…`); `note: apiKey: …`
    /// has two pairs. Linear in the text's length.
    public static func contains(in text: String, where accepts: (_ key: Substring, _ value: Substring) -> Bool) -> Bool {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        var keyStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if isSpace(character) {
                index = text.index(after: index)
                keyStart = index
                continue
            }
            guard character == ":" else {
                index = text.index(after: index)
                continue
            }
            let key = text[keyStart..<index]
            var valueStart = text.index(after: index)
            while valueStart < text.endIndex, text[valueStart] == " " || text[valueStart] == "\t" { valueStart = text.index(after: valueStart) }
            var valueEnd = valueStart
            var length = 0
            while valueEnd < text.endIndex, !isSpace(text[valueEnd]), length < longestValue {
                valueEnd = text.index(after: valueEnd)
                length += 1
            }
            if !key.isEmpty, valueStart < valueEnd, accepts(key, text[valueStart..<valueEnd]) { return true }
            index = text.index(after: index)
            keyStart = index
        }
        return false
    }
}
