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
                result.append(contentsOf: String(Character(scalar)).utf8)
                index = semicolon + 1
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    private static let ampersand = UInt8(ascii: "&")

    /// The scalar a reference's name (between `&` and `;`) stands for.
    private static func scalar(named name: Slice<UnsafeBufferPointer<UInt8>>) -> Unicode.Scalar? {
        let text = String(decoding: name, as: UTF8.self)
        switch text {
        case "quot": return "\""
        case "apos": return "'"
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        default:
            guard text.hasPrefix("#") else { return nil }
            let number = text.dropFirst()
            let value = number.hasPrefix("x") || number.hasPrefix("X") ? UInt32(number.dropFirst(), radix: 16) : UInt32(number, radix: 10)
            return value.flatMap(Unicode.Scalar.init)
        }
    }
}
