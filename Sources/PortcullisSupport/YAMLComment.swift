/// Where a comment starts in one line of YAML, for reports that quote source lines.
public enum YAMLComment {
    /// The offset of the `#` that starts the line's comment: one at the line start or after
    /// a space or tab, outside a single- or double-quoted scalar. A quote opens a scalar only
    /// where one can start (line start, after white space, `[`, `{`, `,` or `:`), so the
    /// apostrophe in `it's` does not. The line alone is judged, so a line that continues a
    /// multi-line scalar or lies in a block scalar is read as if it started fresh.
    public static func start(in line: [Unicode.Scalar]) -> Int? {
        start(in: line.lazy.map(\.value))
    }

    /// The same for a line of code units: UTF-8 bytes or scalar values. Every character
    /// that matters is ASCII, which no byte of a multi-byte UTF-8 sequence is, so bytes
    /// and scalars give the same answer.
    public static func start<Line: RandomAccessCollection>(in line: Line) -> Line.Index?
    where Line.Element: FixedWidthInteger {
        func ascii(_ character: Unicode.Scalar) -> Line.Element { Line.Element(character.value) }
        let (doubleQuote, singleQuote, backslash, hash) = (ascii("\""), ascii("'"), ascii("\\"), ascii("#"))
        let whiteSpace = [ascii(" "), ascii("\t")]
        let opensQuote = whiteSpace + [ascii("["), ascii("{"), ascii(","), ascii(":")]
        var quote: Line.Element?
        var index = line.startIndex
        while index < line.endIndex {
            let unit = line[index]
            let previous = index > line.startIndex ? line[line.index(before: index)] : nil
            let next = line.index(after: index)
            if let open = quote {
                if open == doubleQuote, unit == backslash {
                    index = next < line.endIndex ? line.index(after: next) : next  // the escaped unit cannot close
                    continue
                }
                if unit == open {
                    // `''` is an apostrophe inside a single-quoted scalar.
                    if open == singleQuote, next < line.endIndex, line[next] == singleQuote {
                        index = line.index(after: next)
                        continue
                    }
                    quote = nil
                }
            } else if unit == hash, previous.map(whiteSpace.contains) ?? true {
                return index
            } else if unit == doubleQuote || unit == singleQuote, previous.map(opensQuote.contains) ?? true {
                quote = unit
            }
            index = next
        }
        return nil
    }
}
