/// The fields of a value that is written once and read by many (an API, a route), in one
/// box that the value's copies share: a copy costs one reference count instead of one per
/// field, and the box is copied only when a copy is changed.
///
/// Changed only while one value holds it (``unique(_:)``), so sharing it is safe. Every
/// access to `fields` is a whole read (`_read`), a whole write, or a change of a box no
/// other value holds, never one held while another starts, so the run-time exclusivity
/// check each access would otherwise make (2 % of a lint's instructions) is left out.
@usableFromInline
final class SharedFields<Fields: Sendable>: @unchecked Sendable {
    @exclusivity(unchecked) @usableFromInline var fields: Fields

    @usableFromInline init(_ fields: Fields) { self.fields = fields }

    /// `box`, copied first when another value shares it.
    @inlinable
    static func unique(_ box: inout SharedFields) -> SharedFields {
        if !isKnownUniquelyReferenced(&box) { box = SharedFields(box.fields) }
        return box
    }
}
