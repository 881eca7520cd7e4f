#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension String {
    /// A property's name with letter case set aside as .NET's `OrdinalIgnoreCase` sets it
    /// aside, which Resource Manager and the APIOps publisher compare names with: by upper
    /// case, then lower case for lowercase keys to look up, so that `ſecret` (a long s) is
    /// `secret`, as it is to them and not to a comparison in lower case alone (found
    /// re-reading the forty-third round's change: a named value so flagged was imported
    /// with its value).
    package var propertyNameFolded: String { uppercased().lowercased() }
}

extension StringProtocol {
    /// The text without white space (line breaks included) at either end. Inlined, so it
    /// is made for `String` and `Substring` where it is called: called generically across
    /// modules it cost twice as much.
    @inlinable
    public var trimmingWhitespace: String {
        var text = self[...]
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    /// Where `needle` first occurs, compared byte for byte. APIM finds `{{name}}` and XML's
    /// markup in the text as written, so a combining mark after `}}` must not hide it, as
    /// it would from a search by characters (which would see `}` and `}́`). Found with
    /// `memchr` and `memcmp`: the standard library's generic search built a table over the
    /// whole text on every call, some 50,000 instructions for a policy's expression.
    package func range(ofBytes needle: String) -> Range<String.Index>? {
        let view = utf8
        let search = { (bytes: UnsafeBufferPointer<UInt8>) -> Int? in
            needle.withUTF8Bytes { wanted in
                guard let first = wanted.first, var cursor = bytes.baseAddress, bytes.count >= wanted.count else { return nil }
                let last = cursor + (bytes.count - wanted.count)
                while cursor <= last, let found = memchr(cursor, Int32(first), last - cursor + 1) {
                    let start = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(start, wanted.baseAddress!, wanted.count) == 0 { return start - bytes.baseAddress! }
                    cursor = start + 1
                }
                return nil
            }
        }
        let offset = view.withContiguousStorageIfAvailable(search) ?? Array(view).withUnsafeBufferPointer(search)
        guard let offset else { return nil }
        let start = view.index(view.startIndex, offsetBy: offset)
        return start..<view.index(start, offsetBy: needle.utf8.count)
    }
}

extension StringProtocol {
    /// The text with each `needle` replaced by `replacement`, compared byte for byte as
    /// ``range(ofBytes:)`` compares: the standard library's generic `replacing` took a
    /// twentieth of reading a policy's chain of variables.
    package func replacingBytes(_ needle: StaticString, with replacement: StaticString) -> String {
        let count = needle.utf8CodeUnitCount
        let wanted = UnsafeBufferPointer(start: needle.utf8Start, count: count)
        let bytes = Array(utf8)
        guard count > 0, bytes.count >= count else { return String(self) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == wanted[0], index + count <= bytes.count, bytes[index..<(index + count)].elementsEqual(wanted) {
                result.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                index += count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

extension String {
    /// The text with each `%XX` escape decoded, or nil when an escape is cut short or the
    /// bytes it gives are no UTF-8: as a server reads a URL's path.
    package var percentDecoded: String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `value` in upper-case hexadecimal, padded with zeros to `width` digits.
    package init(hex value: UInt32, width: Int) {
        let digits = String(value, radix: 16, uppercase: true)
        self = String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}
