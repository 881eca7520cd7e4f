import Dispatch

/// Maps independent work items over all cores; results keep the input order.
public enum ParallelMap {
    public static func map<Result: Sendable>(
        _ indices: Range<Int>, _ transform: @Sendable (Int) -> Result
    ) -> [Result] {
        guard indices.count > 1 else { return indices.map(transform) }
        let slots = Slots<Result>(count: indices.count)
        DispatchQueue.concurrentPerform(iterations: indices.count) { offset in
            slots.store(transform(indices.lowerBound + offset), at: offset)
        }
        return slots.values()
    }

    /// One slot per item; each index is written by exactly one iteration, so no two
    /// threads touch the same slot.
    private final class Slots<Value>: @unchecked Sendable {
        private var storage: [Value?]

        init(count: Int) {
            storage = Array(repeating: nil, count: count)
        }

        func store(_ value: Value, at index: Int) {
            storage.withUnsafeMutableBufferPointer { $0[index] = value }
        }

        func values() -> [Value] {
            storage.map { $0! }
        }
    }
}
