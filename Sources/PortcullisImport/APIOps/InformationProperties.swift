import PortcullisSupport

/// The `properties` of an information file of the tree, read by name in any letter case.
///
/// Resource Manager and the publisher read property names so: a property looked up by one
/// spelling alone (`"Path"` read as no `path`) was dropped while the round trip said
/// nothing differs (found by an audit of import). ``JSONValue/parse(_:)`` refuses a file
/// that gives a name twice, letter case aside, so each name has one value.
public struct InformationProperties: Sendable, Equatable {
    /// By name as the file spells it.
    public private(set) var entries: [String: JSONValue]

    init(_ entries: [String: JSONValue] = [:]) {
        self.entries = entries
    }

    /// The value of the property `name`, spelt in any letter case.
    subscript(name: String) -> JSONValue? {
        entries.anyCase(name)
    }

    /// Whether `name` is set to anything but false: a flag that text, a number or an object
    /// sets may be read as set (`"secret": "true"`). When in doubt, a secret is one.
    func sets(_ name: String) -> Bool {
        switch self[name] {
        case nil, .null?: false
        case .bool(let flag)?: flag
        case .string(let text)?: !["", "false"].contains(text.trimmingWhitespace.lowercased())
        case .number?, .array?, .object?: true
        }
    }

    /// The names other than `excluded` (in any letter case), as the file spells them, sorted.
    func names(except excluded: Set<String>) -> [String] {
        let folded = Set(excluded.map(JSONValue.foldedName))
        return entries.keys.filter { !folded.contains(JSONValue.foldedName($0)) }.sorted()
    }

    /// The properties without `excluded`, in any letter case.
    func removing(_ excluded: Set<String>) -> InformationProperties {
        let kept = Set(names(except: excluded))
        return InformationProperties(entries.filter { kept.contains($0.key) })
    }
}
