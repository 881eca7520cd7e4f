/// Where a comment starts in one line of YAML, for reports that quote source lines.
public enum YAMLComment {
    /// The offset of the `#` that starts the line's comment: one at the line start or after
    /// a space or tab, outside a single- or double-quoted scalar. A quote opens a scalar only
    /// where one can start (line start, after white space, `[`, `{`, `,` or `:`), so the
    /// apostrophe in `it's` does not. The line alone is judged, so a line that continues a
    /// multi-line scalar or lies in a block scalar is read as if it started fresh.
    public static func start(in line: [Unicode.Scalar]) -> Int? {
        var quote: Unicode.Scalar?
        var index = 0
        while index < line.count {
            let scalar = line[index]
            let previous: Unicode.Scalar? = index > 0 ? line[index - 1] : nil
            switch (quote, scalar) {
            case ("\""?, "\\"):
                index += 1  // the escaped scalar cannot close the scalar
            case ("'"?, "'") where index + 1 < line.count && line[index + 1] == "'":
                index += 1  // `''` is an apostrophe inside a single-quoted scalar
            case (let open?, _) where scalar == open:
                quote = nil
            case (nil, "#") where previous.map(isWhiteSpace) ?? true:
                return index
            case (nil, "\""), (nil, "'"):
                if previous.map({ isWhiteSpace($0) || "[{,:".unicodeScalars.contains($0) }) ?? true { quote = scalar }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    private static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t"
    }
}
