/// XML's character references, read: what an XML parser hands on for `&quot;`, `&#38;`
/// or `&#x26;`. Policy expressions are compiled from their text read so, and a message
/// quotes it so, where the file holds the references.
package enum XMLReferences {
    /// `text` with each reference read; one not understood (`&nbsp;`, `&` alone) is kept.
    /// A name is looked for ten characters ahead at most, a number as far as its digits go
    /// (XML takes `&#0000000082;`): no two `&` read the same characters, so this is linear
    /// in the text's length.
    package static func read(_ text: String) -> String {
        guard text.holds("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let reference = rest[rest.index(after: ampersand)...]
            guard let (replacement, after) = Self.reference(reference) else {
                result.append("&")
                rest = reference
                continue
            }
            result.append(replacement)
            rest = reference[after...]
        }
        return result + rest
    }

    /// Where in `text` (a UTF-8 offset) the first `resolvedLength` bytes of its reading
    /// (``read(_:)``) end: past the reference that reaches them, or the text's end.
    package static func writtenOffset(ofResolved resolvedLength: Int, in text: String) -> Int {
        var resolved = 0
        var written = 0
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            let plain = rest.utf8[..<ampersand].count
            if resolved + plain >= resolvedLength { return written + resolvedLength - resolved }
            resolved += plain
            written += plain
            let reference = rest[rest.index(after: ampersand)...]
            guard let (replacement, after) = Self.reference(reference) else {
                (resolved, written) = (resolved + 1, written + 1)
                rest = reference
                continue
            }
            resolved += replacement.utf8.count
            written += 1 + reference.utf8[..<after].count
            if resolved >= resolvedLength { return written }
            rest = reference[after...]
        }
        return min(written + resolvedLength - resolved, text.utf8.count)
    }

    /// The character the reference `reference` starts (after its `&`) stands for, and
    /// where the reference ends; nil when it starts none. A name is looked for ten
    /// characters ahead at most, a number as far as its digits go.
    private static func reference(_ reference: Substring) -> (Character, after: Substring.Index)? {
        let end =
            reference.first == "#"
            ? reference.dropFirst().drop { $0 == "x" }.firstIndex { !$0.isHexDigit }
            : reference.prefix(11).firstIndex(of: ";")
        guard let semicolon = end, reference[semicolon] == ";", let replacement = character(named: reference[..<semicolon]) else { return nil }
        return (replacement, reference.index(after: semicolon))
    }

    private static let named: [Substring: Character] = ["quot": "\"", "apos": "'", "lt": "<", "gt": ">", "amp": "&"]

    /// The character a reference's name (between `&` and `;`) stands for.
    private static func character(named name: Substring) -> Character? {
        if let character = named[name] { return character }
        guard name.hasPrefix("#") else { return nil }
        let number = name.dropFirst()
        // XML writes a hexadecimal reference with a lowercase `x` only (`&#X68;` is no reference).
        let value = number.hasPrefix("x") ? UInt32(number.dropFirst(), radix: 16) : UInt32(number, radix: 10)
        // XML refuses a reference to a character it does not allow (`&#1;`): no parser
        // hands one on, so it is not read as one.
        guard let value, value == 0x09 || value == 0x0A || value == 0x0D || value >= 0x20 && value != 0xFFFE && value != 0xFFFF else {
            return nil
        }
        return Unicode.Scalar(value).map(Character.init)
    }
}
