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

    /// One slot per item, in memory allocated once. Each index is written by exactly
    /// one iteration and read only after all have finished, so no two threads touch the
    /// same slot. (An `Array` would not do: its mutating accessors move the whole buffer.)
    private final class Slots<Value>: @unchecked Sendable {
        private let buffer: UnsafeMutableBufferPointer<Value?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        deinit {
            buffer.deinitialize()
            buffer.deallocate()
        }

        func store(_ value: Value, at index: Int) {
            buffer[index] = value
        }

        func values() -> [Value] {
            buffer.map { $0! }
        }
    }
}
