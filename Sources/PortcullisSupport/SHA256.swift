import CPortcullisSHA256

/// SHA-256 (FIPS 180-4), for the bundle manifest's digests. A hash is all the project
/// needs from cryptography, so this small, test-vector-checked implementation stands in
/// for a cryptography package. Where the processor has SHA extensions, their compression
/// (in C, as Swift cannot enable a processor feature for one function) runs instead of
/// the portable one below, several times faster: hashing was a fifth of a build's time.
public enum SHA256 {
    /// Whether the processor's SHA extensions do the compression.
    static let hardware = portcullis_sha256_hardware_available() != 0

    /// The round constants, from the one table the C compression reads too.
    nonisolated(unsafe) private static let k = UnsafeBufferPointer(start: portcullis_sha256_round_constants(), count: 64)

    /// The digest as 64 lowercase hexadecimal digits.
    public static func hex<Bytes: Collection<UInt8>>(_ message: Bytes) -> String {
        hex(pieces: CollectionOfOne(message))
    }

    /// The digest of `pieces` one after another, as 64 lowercase hexadecimal digits: a
    /// large file made in pieces is hashed without joining them.
    public static func hex<Pieces: Sequence>(pieces: Pieces) -> String where Pieces.Element: Collection<UInt8> {
        let digits: StaticString = "0123456789abcdef"
        return withDigest(pieces: pieces, hardware: hardware) { digest in
            String(unsafeUninitializedCapacity: 64) { text in
                for (index, byte) in digest.enumerated() {
                    text[2 * index] = digits.utf8Start[Int(byte >> 4)]
                    text[2 * index + 1] = digits.utf8Start[Int(byte & 0x0F)]
                }
                return 64
            }
        }
    }

    public static func digest<Bytes: Collection<UInt8>>(_ message: Bytes) -> [UInt8] {
        digest(pieces: CollectionOfOne(message), hardware: hardware)
    }

    /// The digest by the hardware's compression or the portable one, which tests compare.
    static func digest<Pieces: Sequence>(pieces: Pieces, hardware: Bool) -> [UInt8] where Pieces.Element: Collection<UInt8> {
        withDigest(pieces: pieces, hardware: hardware) { Array($0) }
    }

    /// `body` given the 32 bytes of the digest where they lie: a line hash per finding
    /// makes no array for them.
    private static func withDigest<Pieces: Sequence, Result>(
        pieces: Pieces, hardware: Bool, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result where Pieces.Element: Collection<UInt8> {
        var hasher = Hasher(hardware: hardware)
        for piece in pieces {
            if piece.withContiguousStorageIfAvailable({ hasher.update(UnsafeRawBufferPointer($0)) }) == nil {
                Array(piece).withUnsafeBytes { hasher.update($0) }
            }
        }
        let h = hasher.finish()
        var bigEndian = (
            h.0.bigEndian, h.1.bigEndian, h.2.bigEndian, h.3.bigEndian, h.4.bigEndian, h.5.bigEndian, h.6.bigEndian, h.7.bigEndian
        )
        return withUnsafeBytes(of: &bigEndian, body)
    }

    typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// The running state of one digest. It lives on the stack: hashing a short message,
    /// such as a line per finding, allocates nothing.
    private struct Hasher {
        let hardware: Bool
        var h: State = (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
        /// Bytes short of a whole block, waiting for the next piece or the end: the first
        /// `pendingCount` of 64 held in line.
        var pending = SIMD64<UInt8>()
        var pendingCount = 0
        var length = 0

        init(hardware: Bool) {
            self.hardware = hardware
        }

        mutating func update(_ buffer: UnsafeRawBufferPointer) {
            guard !buffer.isEmpty else { return }
            length += buffer.count
            var rest = buffer[...]
            if pendingCount > 0 {
                let taken = UnsafeRawBufferPointer(rebasing: rest.prefix(64 - pendingCount))
                withUnsafeMutableBytes(of: &pending) { UnsafeMutableRawBufferPointer(rebasing: $0[pendingCount...]).copyMemory(from: taken) }
                pendingCount += taken.count
                rest = rest.dropFirst(taken.count)
                guard pendingCount == 64 else { return }
                let block = pending
                withUnsafeBytes(of: block) { compressBlocks($0) }
                pendingCount = 0
            }
            let whole = rest.count / 64 * 64
            compressBlocks(UnsafeRawBufferPointer(rebasing: rest.prefix(whole)))
            let tail = UnsafeRawBufferPointer(rebasing: rest.dropFirst(whole))
            withUnsafeMutableBytes(of: &pending) { $0.copyMemory(from: tail) }
            pendingCount = tail.count
        }

        /// The tail: the last partial block, the 0x80 marker and the message length in
        /// bits, in one block or, when fewer than 9 bytes are left in it, two.
        mutating func finish() -> State {
            var tail = (SIMD64<UInt8>(), SIMD64<UInt8>())
            let count = pendingCount < 56 ? 64 : 128
            let block = pending
            withUnsafeMutableBytes(of: &tail) { tail in
                withUnsafeBytes(of: block) { tail.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(pendingCount))) }
                tail[pendingCount] = 0x80
                tail.storeBytes(of: (UInt64(length) &* 8).bigEndian, toByteOffset: count - 8, as: UInt64.self)
                compressBlocks(UnsafeRawBufferPointer(rebasing: tail.prefix(count)))
            }
            return h
        }

        /// Compresses every whole block of `blocks`.
        private mutating func compressBlocks(_ blocks: UnsafeRawBufferPointer) {
            let count = blocks.count / 64
            guard count > 0 else { return }
            if hardware {
                withUnsafeMutableBytes(of: &h) { state in
                    portcullis_sha256_hardware_blocks(
                        state.baseAddress!.assumingMemoryBound(to: UInt32.self), blocks.baseAddress!.assumingMemoryBound(to: UInt8.self), count)
                }
                return
            }
            for block in 0..<count {
                SHA256.compress(UnsafeRawBufferPointer(rebasing: blocks[(block * 64)..<(block * 64 + 64)]), &h)
            }
        }
    }

    fileprivate static func compress(_ block: UnsafeRawBufferPointer, _ h: inout State) {
        // Unchecked buffers, the message schedule on the stack: the bounds checks of `k`,
        // `w` and the block were a third of hashing a bundle.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
            }
            for i in 16..<64 {
                let s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = h
            for i in 0..<64 {
                let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                let choice = (e & f) ^ (~e & g)
                let temp1 = hh &+ s1 &+ choice &+ k[i] &+ w[i]
                let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let temp2 = s0 &+ majority
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ temp1, c, b, a, temp1 &+ temp2)
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
        }
    }

    private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }
}
