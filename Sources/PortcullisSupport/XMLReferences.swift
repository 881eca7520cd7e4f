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
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == ampersand, let (scalar, after) = reference(bytes, after: index + 1) else {
                result.append(bytes[index])
                index += 1
                continue
            }
            result.append(contentsOf: String(Character(scalar)).utf8)
            index = after
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Where in `text` (a UTF-8 offset) the first `resolvedLength` bytes of its reading
    /// (``read(_:)``) end: past the reference that reaches them, or the text's end.
    package static func writtenOffset(ofResolved resolvedLength: Int, in text: String) -> Int {
        let bytes = Array(text.utf8)
        var resolved = 0
        var index = 0
        while index < bytes.count, resolved < resolvedLength {
            guard bytes[index] == ampersand, let (scalar, after) = reference(bytes, after: index + 1) else {
                resolved += 1
                index += 1
                continue
            }
            resolved += String(Character(scalar)).utf8.count
            index = after
        }
        return index
    }

    /// The character the reference starting at `start` (just past its `&`) stands for, and
    /// where the reference ends (past its `;`); nil when it starts none. Read by bytes: a
    /// parser ends a reference at its `;` whatever follows (a combining mark too), and a
    /// reading by characters cost a policy's chain of variables a sixth of its lint.
    private static func reference(_ bytes: [UInt8], after start: Int) -> (Unicode.Scalar, after: Int)? {
        guard start < bytes.count else { return nil }
        guard bytes[start] == UInt8(ascii: "#") else {
            for (name, scalar) in named where bytes.count - start > name.count && bytes[start..<(start + name.count)].elementsEqual(name) {
                return bytes[start + name.count] == UInt8(ascii: ";") ? (scalar, start + name.count + 1) : nil
            }
            return nil
        }
        // XML writes a hexadecimal reference with a lowercase `x` only (`&#X68;` is no reference).
        let hexadecimal = start + 1 < bytes.count && bytes[start + 1] == UInt8(ascii: "x")
        var index = start + (hexadecimal ? 2 : 1)
        let digits = index
        var value: UInt32 = 0
        while index < bytes.count, let digit = digit(bytes[index], hexadecimal: hexadecimal) {
            // A number past what 32 bits hold names no character.
            let (shifted, overflow) = value.multipliedReportingOverflow(by: hexadecimal ? 16 : 10)
            guard !overflow else { return nil }
            value = shifted + UInt32(digit)
            index += 1
        }
        guard index > digits, index < bytes.count, bytes[index] == UInt8(ascii: ";") else { return nil }
        // XML refuses a reference to a character it does not allow (`&#1;`): no parser
        // hands one on, so it is not read as one.
        guard value == 0x09 || value == 0x0A || value == 0x0D || value >= 0x20 && value != 0xFFFE && value != 0xFFFF,
            let scalar = Unicode.Scalar(value)
        else { return nil }
        return (scalar, index + 1)
    }

    private static func digit(_ byte: UInt8, hexadecimal: Bool) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hexadecimal: byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hexadecimal: byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static let ampersand = UInt8(ascii: "&")
    private static let named: [(name: [UInt8], scalar: Unicode.Scalar)] = [
        (Array("quot".utf8), "\""), (Array("apos".utf8), "'"), (Array("lt".utf8), "<"), (Array("gt".utf8), ">"), (Array("amp".utf8), "&"),
    ]
}
