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
}

extension String {
    /// A string of `scalars`, encoded into its storage in one pass. A
    /// `String.UnicodeScalarView` built from them grows and checks itself scalar by scalar,
    /// about a thousand instructions a scalar, which dominated quoting a finding's line.
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
