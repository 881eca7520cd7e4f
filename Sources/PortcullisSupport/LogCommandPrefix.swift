/// The logging commands CI runners read anywhere in a line of a job's output: GitHub's
/// older `##[error]…` and Azure Pipelines' `##vso[task.setvariable …]…` (whose agent finds
/// `##vso[` wherever a line holds it; taken here in any letter case). Text from the input
/// that a report shows must never hold one whole: a comment quoted from a pull request
/// could set a pipeline's variables or its `PATH` (found by an audit).
public enum LogCommandPrefix {
    /// Whether the byte at `index` of `bytes` is the `[` that ends such a prefix.
    @inlinable
    public static func ends<Bytes: RandomAccessCollection<UInt8>>(at index: Bytes.Index, in bytes: Bytes) -> Bool {
        guard bytes[index] == UInt8(ascii: "[") else { return false }
        let before = bytes.distance(from: bytes.startIndex, to: index)
        func byte(_ back: Int) -> UInt8 { bytes[bytes.index(index, offsetBy: -back)] }
        func isLetter(_ back: Int, _ lower: Unicode.Scalar) -> Bool { byte(back) | 0x20 == UInt8(ascii: lower) }
        if before >= 2, byte(1) == UInt8(ascii: "#"), byte(2) == UInt8(ascii: "#") { return true }
        return before >= 5 && byte(5) == UInt8(ascii: "#") && byte(4) == UInt8(ascii: "#")
            && isLetter(3, "v") && isLetter(2, "s") && isLetter(1, "o")
    }

    /// Whether `bytes` hold such a prefix.
    @inlinable
    public static func isHeld<Bytes: RandomAccessCollection<UInt8>>(in bytes: Bytes) -> Bool {
        bytes.indices.contains { ends(at: $0, in: bytes) }
    }
}
