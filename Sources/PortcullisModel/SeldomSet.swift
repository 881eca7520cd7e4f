/// An optional that most instances leave nil, kept on the heap when it is set.
///
/// Effective routes and plans are made for every route and each held for the whole run; a
/// field such as a quota or a provider-call budget, which few routes have, would otherwise
/// take its full size inline in every one of them (a quota is about 150 bytes).
struct SeldomSet<Value: Sendable>: Sendable {
    /// Empty or one value; an empty array allocates nothing.
    private let storage: [Value]

    init(_ value: Value?) {
        storage = value.map { [$0] } ?? []
    }

    var value: Value? { storage.first }
}
