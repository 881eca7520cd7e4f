import PortcullisDiagnostics

/// The first of each APIM resource name among some declarations. APIM ignores case in
/// resource names, so `Orders` and `orders` are one resource, and one folder of the bundle
/// on a file system that ignores case: the second is a duplicate (RF002).
struct ResourceNames {
    private var first: [String: Located<String>] = [:]

    init(capacity: Int = 0) {
        first.reserveCapacity(capacity)
    }

    /// The earlier name equal to `name` but for case, or nil after recording `name` as the first.
    mutating func earlier(_ name: Located<String>) -> Located<String>? {
        let key = Grammar.caseFolded(name.value)
        if let earlier = first[key] { return earlier }
        first[key] = name
        return nil
    }

    /// The note pointing at the earlier name: `defined` ("first defined here"), and its
    /// spelling when only case tells the two apart.
    static func note(_ defined: String, earlier: Located<String>, later: String) -> Diagnostic.Note {
        guard earlier.value != later else { return Diagnostic.Note(defined, at: earlier.range) }
        return Diagnostic.Note("\(defined) as '\(earlier.value)'; APIM ignores case in names", at: earlier.range)
    }
}

/// The names `{{name}}` may reference: named values and secrets, found whatever the case
/// of the reference, as APIM finds them.
struct TemplateNames {
    let declared: Set<String>
    private let folded: Set<String>

    init(_ declared: Set<String>) {
        self.declared = declared
        folded = Set(declared.map(Grammar.caseFolded))
    }

    func contains(_ name: String) -> Bool {
        declared.contains(name) || folded.contains(Grammar.caseFolded(name))
    }
}
