#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension UInt8 {
    /// The byte with ASCII upper case lowered, every other byte as it is: how names APIM
    /// files without regard to case, URL schemes and credential keys are compared.
    @inlinable
    package var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self + 0x20 : self }
}

extension String {
    /// Calls `body` with the text's UTF-8 bytes, read in place. Walking `utf8` a byte at a
    /// time costs several times more, and `withUTF8` needs a mutable copy, which costs a
    /// retain and a release of the text's storage; both add up in checks run on every scalar
    /// of an estate. A bridged string without contiguous UTF-8 is copied once instead.
    @inlinable
    package func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }

    /// Whether the text ends with `suffix` (a file's extension), byte for byte: `hasSuffix`
    /// compares characters, and a mark such as U+0600 before `.yaml` joins its dot, so a
    /// file the file system calls `x؀.yaml` would not end with `.yaml`.
    package func hasByteSuffix(_ suffix: String) -> Bool {
        withUTF8Bytes { whole in suffix.withUTF8Bytes { whole.count >= $0.count && whole[(whole.count - $0.count)...].elementsEqual($0) } }
    }
}

extension Array where Element == UInt8 {
    /// Appends the text's UTF-8 in one copy. `+= text.utf8` goes through the generic
    /// sequence path, over a hundred instructions a call, a tenth of writing a bundle.
    @inlinable
    package mutating func append(utf8 text: String) {
        text.withUTF8Bytes { append(contentsOf: $0) }
    }

    /// Appends short markup (`" : "`, `">\n"`) a byte at a time: for so few bytes that
    /// costs less than half of one copy.
    @inlinable
    package mutating func append(markup: StaticString) {
        for index in 0..<markup.utf8CodeUnitCount { append(markup.utf8Start[index]) }
    }

    /// Appends `count` spaces (indentation) in one copy, not a space at a time.
    @inlinable
    package mutating func append(spaces count: Int) {
        let spaces: StaticString = "                                                                "
        var left = count
        while left > 0 {
            let chunk = Swift.min(left, spaces.utf8CodeUnitCount)
            append(contentsOf: UnsafeBufferPointer(start: spaces.utf8Start, count: chunk))
            left -= chunk
        }
    }
}

extension Array where Element == [UInt8] {
    /// The pieces one after another, copied piece by piece: a joined view is copied byte by
    /// byte, which was a sixth of rendering 160,000 findings as SARIF.
    package func concatenated() -> [UInt8] {
        guard count > 1 else { return first ?? [] }
        var whole: [UInt8] = []
        whole.reserveCapacity(reduce(0) { $0 + $1.count })
        for piece in self { whole += piece }
        return whole
    }
}

extension String {
    /// A string of `scalars`, their UTF-8 written straight into its storage (which the
    /// initializer then validates once). A `String.UnicodeScalarView` built from them grows
    /// and checks itself scalar by scalar, about a thousand instructions a scalar, which
    /// dominated quoting a finding's line.
    @inlinable
    package init(scalars: some Collection<Unicode.Scalar>) {
        self.init(unsafeUninitializedCapacity: scalars.count * 4) { buffer in
            var written = 0
            for scalar in scalars {
                Unicode.UTF8.encode(scalar) { unit in
                    buffer[written] = unit
                    written += 1
                }
            }
            return written
        }
    }
}

extension String {
    /// Whether the text holds `needle`, compared byte for byte with `memchr` and `memcmp`:
    /// Foundation's `contains` goes through `NSString`, and a generic `utf8.contains` looks
    /// at each byte through a witness call; either cost the secret walk and the credential
    /// check of expressions more than their own reading.
    package func holds(_ needle: StaticString) -> Bool {
        withUTF8Bytes { bytes in
            let count = needle.utf8CodeUnitCount
            guard var cursor = bytes.baseAddress, count > 0, bytes.count >= count else { return false }
            let last = cursor + (bytes.count - count)
            while cursor <= last, let found = memchr(cursor, Int32(needle.utf8Start[0]), last - cursor + 1) {
                let start = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                if memcmp(start, needle.utf8Start, count) == 0 { return true }
                cursor = start + 1
            }
            return false
        }
    }
}
