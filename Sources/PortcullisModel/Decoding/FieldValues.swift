import PortcullisDiagnostics
import PortcullisSyntax

/// The entries of one mapping, sorted into the fields of `Field`; unknown keys were
/// already reported when it was made.
struct FieldValues<Field: FieldSet> {
    /// Where "missing field" errors point: the key that introduced the mapping.
    let introducedAt: SourceRange
    /// One slot per case of `Field`, in declaration order.
    private var slots: [YAMLEntry?]

    init(introducedAt: SourceRange) {
        self.introducedAt = introducedAt
        self.slots = Array(repeating: nil, count: Field.allCases.count)
    }

    /// Stores an entry; returns false when its key is not a field.
    mutating func store(_ entry: YAMLEntry) -> Bool {
        guard let field = Field(rawValue: entry.key), let slot = Self.ordinal(field) else { return false }
        slots[slot] = entry
        return true
    }

    subscript(_ field: Field) -> YAMLEntry? {
        guard let slot = Self.ordinal(field) else { return nil }
        return slots[slot]
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
