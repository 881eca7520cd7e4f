import PortcullisModel

/// The access levels of declared scopes, for a rule that looks up the scopes of one route
/// after another. Routes name the few scopes of their API again and again: the last four
/// found are compared before the table is searched, which hashes the name.
struct ScopeAccess {
    private let levels: [String: AccessLevel]
    private var names = InlineArray<4, String>(repeating: "")
    private var found = InlineArray<4, AccessLevel?>(repeating: nil)
    /// The slot the next scope looked up takes: the one found longest ago.
    private var next = 0

    init(_ context: CheckContext) {
        levels = context.accessLevels
    }

    /// The read scopes whose holder meets a claim's `value` when APIM splits the token's
    /// claim at `separator`: those named `value`, or holding it between separators
    /// (`orders.read` meets `orders` split at `.`).
    func readScopes(meeting value: String, splitAt separator: String) -> [String] {
        levels.compactMap { name, level in level == .read && Self.meets(name, value, separator) ? name : nil }.sorted()
    }

    /// Whether a holder of some declared scope, of any access, meets a claim's `value`
    /// (split at `separator`, when one is given, as ``readScopes(meeting:splitAt:)`` reads it).
    func declaresAScope(meeting value: String, splitAt separator: String?) -> Bool {
        guard let separator else { return levels[value] != nil }
        return levels.keys.contains { Self.meets($0, value, separator) }
    }

    private static func meets(_ scope: String, _ value: String, _ separator: String) -> Bool {
        scope == value || scope.split(separator: separator).contains { $0 == value }
    }

    /// ``CheckContext/access(of:)``.
    mutating func level(of scope: String) -> AccessLevel? {
        // By length first: a name of another length differs without comparing texts. Empty
        // slots never match, since a scope name is never empty (the decoder refuses one,
        // YS004, before any rule runs).
        let length = scope.utf8.count
        for index in names.indices where names[index].utf8.count == length && names[index] == scope {
            return found[index]
        }
        let level = levels[scope]
        names[next] = scope
        found[next] = level
        next = (next + 1) % names.count
        return level
    }
}
