import CPortcullisProcess
import Dispatch

/// Maps independent work items over all cores; results keep the input order.
///
/// A map started inside another map's or ``both(_:_:)``'s work runs on one core: libdispatch
/// divides the cores among the outer work items. Work meant to share the cores goes into
/// one map.
public enum ParallelMap {
    public static func map<Result: Sendable>(
        _ indices: Range<Int>, _ transform: @Sendable (Int) -> Result
    ) -> [Result] {
        map(indices, startingWith: nil, transform)
    }

    /// ``map(_:_:)`` for items of uneven size: they are started largest first, as `size`
    /// estimates them, and the results still keep the input order. Started in input order,
    /// a large item near the end (a big file listed last) runs alone while the other cores
    /// wait for it.
    public static func map<Result: Sendable>(
        _ indices: Range<Int>, largestFirst size: (Int) -> Int, _ transform: @Sendable (Int) -> Result
    ) -> [Result] {
        map(indices, startingWith: indices.count > 1 ? largestFirst(indices.map(size)) : nil, transform)
    }

    /// Starts the items in `order` (offsets into `indices`, each once), or in input order
    /// when there is none; each result is stored at its item's offset.
    private static func map<Result: Sendable>(
        _ indices: Range<Int>, startingWith order: [Int]?, _ transform: @Sendable (Int) -> Result
    ) -> [Result] {
        guard indices.count > 1 else { return indices.map(transform) }
        _ = workerPlaced
        let slots = Slots<Result>(count: indices.count)
        DispatchQueue.concurrentPerform(iterations: indices.count) { position in
            let offset = order?[position] ?? position
            slots.store(transform(indices.lowerBound + offset), at: offset)
        }
        return slots.values()
    }

    /// libdispatch's first worker, started before the first parallel work and moved off the
    /// starting thread's CPU. Linux often places a new thread on its creator's CPU and moves
    /// it only after the two have taken turns there for 10 to 30 ms, the other core idle
    /// meanwhile. Woken later, a thread goes back to the CPU it last ran on when that one is
    /// idle. Made once, by whichever work comes first; a process that never works in
    /// parallel starts no thread for it.
    private static let workerPlaced: Void = {
        guard portcullis_usable_cpus() > 1 else { return }
        let cpu = portcullis_current_cpu()
        DispatchQueue.global().async { _ = portcullis_leave_cpu(cpu) }
    }()

    /// The offsets of `sizes`, largest first; equal sizes keep their order.
    static func largestFirst(_ sizes: [Int]) -> [Int] {
        sizes.indices.sorted { (sizes[$0], $1) > (sizes[$1], $0) }
    }

    /// Runs two independent pieces of work at once and returns both results.
    public static func both<First: Sendable, Second: Sendable>(
        _ first: @Sendable () -> First, _ second: @Sendable () -> Second
    ) -> (First, Second) {
        let firstSlot = Slots<First>(count: 1)
        let secondSlot = Slots<Second>(count: 1)
        _ = workerPlaced
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 { firstSlot.store(first(), at: 0) } else { secondSlot.store(second(), at: 0) }
        }
        return (firstSlot.values()[0], secondSlot.values()[0])
    }

    /// One slot per item, in memory allocated once. Each index is written by exactly
    /// one piece of parallel work and read only after all have finished, so no two threads
    /// touch the same slot. (An `Array` would not do: its mutating accessors move the whole
    /// buffer.) Work that makes several values an item, in places known beforehand, stores
    /// them here itself, so the core that made a value is the one that puts it in place.
    /// Inlinable, so that such work stores specialized values, not through their metadata.
    public final class Slots<Value>: @unchecked Sendable {
        @usableFromInline let buffer: UnsafeMutableBufferPointer<Value?>

        @inlinable public init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        deinit {
            buffer.deinitialize()
            buffer.deallocate()
        }

        @inlinable public func store(_ value: Value, at index: Int) {
            precondition(buffer.indices.contains(index), "a value is stored in a slot there is")
            buffer[index] = value
        }

        /// Moves the values out, leaving the slots empty: copied, every value made on another
        /// core was retained here and released again when the slots went. Every slot must
        /// have been stored.
        @inlinable public func values() -> [Value] {
            buffer.indices.map { buffer[$0].take()! }
        }
    }
}
