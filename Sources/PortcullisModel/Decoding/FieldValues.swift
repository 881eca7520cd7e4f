import PortcullisDiagnostics
import PortcullisSyntax

/// The entries of one mapping, sorted into the fields of `Field`; unknown keys were
/// already reported when it was made.
struct FieldValues<Field: FieldSet> {
    /// Where "missing field" errors point: the key that introduced the mapping.
    let anchor: SourceRange
    private let entries: [(field: Field, entry: YAMLEntry)]

    init(anchor: SourceRange, entries: [(field: Field, entry: YAMLEntry)]) {
        self.anchor = anchor
        self.entries = entries
    }

    subscript(_ field: Field) -> YAMLEntry? {
        for pair in entries where pair.field == field { return pair.entry }
        return nil
    }
}
