/// The first few distinct names a loop over one API's routes has met. An API's routes name
/// the same few scopes again and again, and finding one among a handful by comparing is
/// cheaper than hashing it into a large set for each of tens of thousands of routes.
struct RecentNames: Sendable {
    /// Most APIs name three or four scopes.
    static let capacity = 8
    private var names: [String] = []

    init() {
        names.reserveCapacity(Self.capacity)
    }

    func contains(_ name: String) -> Bool { names.contains(name) }

    /// Remembers `name` while there is room; past that, names are looked up as before.
    mutating func remember(_ name: String) {
        if names.count < Self.capacity { names.append(name) }
    }
}
