/// The `key: value` pairs that prose (a comment, a suppression's reason) may write a
/// credential as, read the one way for the checker and for the lines reports quote.
public enum ProsePairs {
    /// The longest value read after a colon: a credential is shorter.
    static let longestValue = 1024
    /// The colons of one word read as pairs (`note:apiKey:9f8e…` has two): a word of more
    /// is no prose, and reading a value after each of a run of colons took seconds
    /// (audits V41 and V42).
    static let colonsReadInAWord = 8

    /// Whether `accepts` takes some pair of `text`: for each colon, the word before it (back
    /// to white space or the colon before; over spaces when it stands alone, `password : x`)
    /// and the word after it (past spaces and tabs, to white space). A colon glued to its
    /// value counts (`apiKey:9f8e…`); `note: apiKey: …` has two pairs. Each character is
    /// read a bounded number of times.
    public static func contains(in text: String, where accepts: (_ key: Substring, _ value: Substring) -> Bool) -> Bool {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        var keyStart = text.startIndex
        var previousWord: Range<String.Index>?
        var colonsInWord = 0
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if isSpace(character) {
                if keyStart < index { previousWord = keyStart..<index }
                index = text.index(after: index)
                keyStart = index
                colonsInWord = 0
                continue
            }
            guard character == ":" else {
                index = text.index(after: index)
                continue
            }
            colonsInWord += 1
            let key = keyStart < index ? text[keyStart..<index] : colonsInWord == 1 ? previousWord.map { text[$0] } : nil
            if let key, colonsInWord <= colonsReadInAWord {
                var valueStart = text.index(after: index)
                while valueStart < text.endIndex, text[valueStart] == " " || text[valueStart] == "\t" { valueStart = text.index(after: valueStart) }
                var valueEnd = valueStart
                var length = 0
                while valueEnd < text.endIndex, !isSpace(text[valueEnd]), length < longestValue {
                    valueEnd = text.index(after: valueEnd)
                    length += 1
                }
                if valueStart < valueEnd, accepts(key, text[valueStart..<valueEnd]) { return true }
            }
            index = text.index(after: index)
            keyStart = index
        }
        return false
    }
}
