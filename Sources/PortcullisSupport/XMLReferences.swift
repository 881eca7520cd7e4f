/// XML's character references, read: what an XML parser hands on for `&quot;`, `&#38;`
/// or `&#x26;`. Policy expressions are compiled from their text read so, and a message
/// quotes it so, where the file holds the references.
package enum XMLReferences {
    /// `text` with each reference read; one not understood (`&nbsp;`, `&` alone) is kept.
    /// Byte by byte, as every reference is ASCII: linear in the text's length.
    package static func read(_ text: String) -> String {
        text.withUTF8Bytes { bytes -> String in
            guard let first = bytes.firstIndex(of: ampersand) else { return text }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            result.append(contentsOf: bytes[..<first])
            var index = first
            while index < bytes.count {
                guard bytes[index] == ampersand else {
                    result.append(bytes[index])
                    index += 1
                    continue
                }
                let window = bytes[(index + 1)..<min(bytes.count, index + 12)]
                guard let semicolon = window.firstIndex(of: UInt8(ascii: ";")), let scalar = scalar(named: bytes[(index + 1)..<semicolon]) else {
                    result.append(ampersand)
                    index += 1
                    continue
                }
                UTF8.encode(scalar) { result.append($0) }
                index = semicolon + 1
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    private static let ampersand = UInt8(ascii: "&")

    /// The scalar a reference's name (between `&` and `;`) stands for.
    private static func scalar(named name: Slice<UnsafeBufferPointer<UInt8>>) -> Unicode.Scalar? {
        for (spelling, scalar) in named where name.elementsEqual(spelling) { return scalar }
        guard name.first == UInt8(ascii: "#") else { return nil }
        var digits = name.dropFirst()
        let radix: UInt32 = digits.first == UInt8(ascii: "x") || digits.first == UInt8(ascii: "X") ? 16 : 10
        if radix == 16 { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: UInt32 = 0
        for digit in digits {
            let number: UInt32
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): number = UInt32(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: number = UInt32(digit - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: number = UInt32(digit - UInt8(ascii: "A")) + 10
            default: return nil
            }
            // At most ten digits fit the window, so this cannot overflow.
            value = value * radix + number
            guard value <= 0x10FFFF else { return nil }
        }
        return Unicode.Scalar(value)
    }

    private static let named: [([UInt8], Unicode.Scalar)] = [
        (Array("quot".utf8), "\""), (Array("amp".utf8), "&"), (Array("lt".utf8), "<"), (Array("gt".utf8), ">"), (Array("apos".utf8), "'"),
    ]
}
