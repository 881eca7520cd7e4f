#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte scans that tell a raw document holds nothing a rule looks for, before it is walked.
package enum ByteScan {
    /// Whether `bytes` hold `first` and right after it `rest` (lowercase ASCII, matched in
    /// any case), found with `memchr` from one `first` to the next.
    package static func holds(_ first: Unicode.Scalar, followedBy rest: StaticString, in bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { holds(first, followedBy: rest, in: $0) }
    }

    /// ``holds(_:followedBy:in:)`` in a text's UTF-8, read in place.
    package static func holds(_ first: Unicode.Scalar, followedBy rest: StaticString, in text: String) -> Bool {
        text.withUTF8Bytes { holds(first, followedBy: rest, in: $0) }
    }

    private static func holds(_ first: Unicode.Scalar, followedBy rest: StaticString, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        let needle = UnsafeBufferPointer(start: rest.utf8Start, count: rest.utf8CodeUnitCount)
        do {
            guard var cursor = haystack.baseAddress else { return false }
            let end = cursor + haystack.count
            while cursor < end, let found = memchr(cursor, Int32(first.value), end - cursor) {
                let start = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
                if end - start >= needle.count, needle.indices.allSatisfy({ start[$0] | 0x20 == needle[$0] }) { return true }
                cursor = start
            }
            return false
        }
    }
}
