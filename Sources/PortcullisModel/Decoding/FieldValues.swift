import PortcullisDiagnostics
import PortcullisSyntax

/// The entries of one mapping, sorted into the fields of `Field`; unknown keys were
/// already reported when it was made.
struct FieldValues<Field: FieldSet> {
    /// Where "missing field" errors point: the key that introduced the mapping.
    let introducedAt: SourceRange
    /// The mapping's entries, which the slots point into.
    private let entries: [YAMLEntry]
    /// One slot per case of `Field`, in declaration order: 1 + the index of the field's
    /// entry, or 0 when the mapping does not set it. Held inline rather than as an array
    /// of entries, which cost an allocation and a copy of every entry per mapping.
    private var slots = SIMD32<UInt32>()

    /// How many fields a field set may have; a test holds every field set to it.
    static var capacity: Int { SIMD32<UInt32>.scalarCount }

    init(introducedAt: SourceRange, entries: [YAMLEntry]) {
        precondition(Field.allCases.count <= Self.capacity, "a field set has more fields than slots")
        self.introducedAt = introducedAt
        self.entries = entries
    }

    /// Stores the entry at `index` of the mapping; returns false when its key is not a field.
    /// One pass over the fields finds the field and its slot: `Field(rawValue:)` hashes the
    /// key once a field set is large (a route's is), which cost more than comparing names.
    mutating func store(_ index: Int) -> Bool {
        let key = entries[index].key
        // Names of another length are passed over without comparing text, which costs a
        // call per name that differs.
        let length = key.utf8.count
        var slot = 0
        for field in Field.allCases {
            let name = field.rawValue
            if name.utf8.count == length, name == key {
                slots[slot] = UInt32(index + 1)
                return true
            }
            slot += 1
        }
        return false
    }

    subscript(_ field: Field) -> YAMLEntry? {
        guard let slot = Self.ordinal(field), slots[slot] > 0 else { return nil }
        return entries[Int(slots[slot]) - 1]
    }

    private static func ordinal(_ field: Field) -> Int? {
        var index = 0
        for candidate in Field.allCases {
            if candidate == field { return index }
            index += 1
        }
        return nil
    }
}
