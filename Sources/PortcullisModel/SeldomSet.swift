/// An optional that most instances leave nil, kept on the heap when it is set.
///
/// Routes, effective routes and plans are made for every route and each held for the
/// whole run; a field such as a quota or a cache, which few routes have, would otherwise
/// take its full size inline in every one of them (a cache is about 100 bytes).
@usableFromInline
struct SeldomSet<Value: Sendable>: Sendable {
    /// Empty or one value; an empty array allocates nothing.
    @usableFromInline let storage: [Value]

    @inlinable init(_ value: Value?) {
        storage = value.map { [$0] } ?? []
    }

    @inlinable var value: Value? { storage.first }
}
