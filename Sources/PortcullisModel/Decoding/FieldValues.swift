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
    /// Where ``store(_:)`` starts looking for the next key's field: after the last one
    /// found, for keys are mostly written in the order their fields are declared.
    private var nextSlot = 0

    /// How many fields a field set may have; a test holds every field set to it.
    static var capacity: Int { SIMD32<UInt32>.scalarCount }

    init(introducedAt: SourceRange, entries: [YAMLEntry]) {
        precondition(Field.allCases.count <= Self.capacity, "a field set has more fields than slots")
        precondition(MemoryLayout<Field>.size <= 1, "a field set is not an enumeration of up to 256 cases")
        self.introducedAt = introducedAt
        self.entries = entries
    }

    /// Stores the entry at `index` of the mapping; returns false when its key is not a field.
    /// One pass over the fields, from the one after the last found, finds the field and its
    /// slot: `Field(rawValue:)` hashes the key once a field set is large (a route's is),
    /// which cost more than comparing names, and most keys match the first name compared.
    mutating func store(_ index: Int) -> Bool {
        let key = entries[index].key
        let fields = Field.allCases
        // Names of another length are passed over without comparing text, which costs a
        // call per name that differs.
        let length = key.utf8.count
        var slot = nextSlot < fields.count ? nextSlot : 0
        for _ in 0..<fields.count {
            let name = fields[slot].rawValue
            if name.utf8.count == length, name == key {
                slots[slot] = UInt32(index + 1)
                nextSlot = slot + 1
                return true
            }
            slot = slot + 1 < fields.count ? slot + 1 : 0
        }
        return false
    }

    /// The field's entry, copied out of the mapping.
    subscript(_ field: Field) -> YAMLEntry? {
        read(field) { $0 }
    }

    /// Whether the mapping sets `field`.
    func sets(_ field: Field) -> Bool {
        slots[Self.ordinal(field)] > 0
    }

    /// What `body` makes of the field's entry, or nil when the mapping does not set it.
    /// Routes are decoded through this rather than the subscript: inlined, it costs a field
    /// the mapping does not set (most of the nineteen a route is asked for) a test of its
    /// slot, not a call, and hands one it sets to `body` with no optional copy to unwrap and
    /// destroy.
    func read<Value>(_ field: Field, _ body: (YAMLEntry) -> Value?) -> Value? {
        let slot = Int(slots[Self.ordinal(field)])
        guard slot > 0 else { return nil }
        return body(entries[slot - 1])
    }

    /// The field's position in declaration order, read from its one byte: an enumeration
    /// without payloads numbers its cases so (and one of a single case takes no byte). A
    /// lookup in `allCases` cost a pass over the fields for every field read; a test holds
    /// every field set to this.
    static func ordinal(_ field: Field) -> Int {
        MemoryLayout<Field>.size == 0 ? 0 : withUnsafeBytes(of: field) { Int($0[0]) }
    }
}
