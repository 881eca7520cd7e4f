/// The backend operations routes reach, each with the routes that guard it, found for a
/// route added by the operations it reaches: the same one, or one a request may reach as
/// both. `delete …/tenants/acme/all` is an instance of `delete …/tenants/{}/all`, so a route
/// added with a rewrite to the first opens what the second's checks guard (audit V30: only
/// the same template was looked for, and a write token reached an admin operation).
///
/// Operations are ``AccessDiff/DiffRoute/backendOperations`` keys: a method, a blank, and
/// the URL without case, parameter names erased to `{}`. They are indexed by method and
/// number of segments, then by each segment, so that a route added looks only at the
/// operations its most telling segment allows (an estate of 20,000 routes, and a change
/// adding as many, compared each with each would be quadratic).
struct GuardedOperations {
    private var exact: [String: [AccessDiff.DiffRoute]] = [:]
    private var groups: [Shape: Group] = [:]

    private struct Shape: Hashable {
        var method: Substring
        var segments: Int
    }

    /// The operations of one shape, by the segment each has at each position; those with a
    /// parameter there are listed apart, as they meet any segment.
    private struct Group {
        var operations: [(key: String, segments: [Substring])] = []
        var byLiteral: [[Substring: [Int]]] = []
        var byParameter: [[Int]] = []
    }

    /// The guards found for one operation are at most this many, the first by name: a
    /// route added is compared with 16 of them, and past them one as open as it may go
    /// unseen (``AccessDiff``).
    static let limit = 64

    init(_ guarded: [String: [AccessDiff.DiffRoute]]) {
        exact = guarded
        for key in guarded.keys.sorted() {
            guard let (shape, segments) = Self.split(key) else { continue }
            var group = groups[shape] ?? Group(byLiteral: Array(repeating: [:], count: shape.segments), byParameter: Array(repeating: [], count: shape.segments))
            let index = group.operations.count
            group.operations.append((key, segments))
            for (position, segment) in segments.enumerated() {
                if segment.contains("{}") { group.byParameter[position].append(index) } else { group.byLiteral[position][segment, default: []].append(index) }
            }
            groups[shape] = group
        }
    }

    /// The routes that guard `operation` or one a request may reach as both, by name.
    func guards(of operation: String) -> [AccessDiff.DiffRoute] {
        var found = exact[operation] ?? []
        guard let (shape, segments) = Self.split(operation), let group = groups[shape] else { return found }
        // The candidates of the position that allows the fewest: an operation with a literal
        // there must have the same one, or a parameter.
        var candidates: [Int]?
        for (position, segment) in segments.enumerated() where !segment.contains("{}") {
            let literal = group.byLiteral[position][segment] ?? []
            if candidates == nil || literal.count + group.byParameter[position].count < candidates!.count {
                candidates = (literal + group.byParameter[position]).sorted()
            }
        }
        var names = Set(found.map(\.name))
        var matched = 0
        for index in candidates ?? Array(group.operations.indices) where matched < Self.limit {
            let other = group.operations[index]
            guard other.key != operation, zip(segments, other.segments).allSatisfy(Self.mayMeet) else { continue }
            matched += 1
            for route in exact[other.key] ?? [] where names.insert(route.name).inserted { found.append(route) }
        }
        return found.sorted { $0.name < $1.name }
    }

    private static func split(_ operation: String) -> (Shape, [Substring])? {
        guard let blank = operation.firstIndex(of: " ") else { return nil }
        let segments = operation[operation.index(after: blank)...].split(separator: "/", omittingEmptySubsequences: false)
        return (Shape(method: operation[..<blank], segments: segments.count), segments)
    }

    /// Whether one request's segment may be both: equal, or matched by a parameter's
    /// pattern (`{}.pdf` meets `q3.pdf`); two patterns are taken to meet.
    private static func mayMeet(_ one: Substring, _ other: Substring) -> Bool {
        if one == other { return true }
        switch (one.contains("{}"), other.contains("{}")) {
        case (false, false): return false
        case (true, true): return true
        case (true, false): return matches(one, other)
        case (false, true): return matches(other, one)
        }
    }

    /// Whether `literal` is an instance of `pattern`, each `{}` standing for one character
    /// or more.
    private static func matches(_ pattern: Substring, _ literal: Substring) -> Bool {
        let parts = pattern.split(separator: "{}", omittingEmptySubsequences: false)
        var rest = literal[...]
        guard let first = parts.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        for (offset, part) in parts.dropFirst().enumerated() {
            let isLast = offset == parts.count - 2
            // At least one character for the parameter before `part`.
            guard !rest.isEmpty else { return false }
            if isLast { return rest.count > part.count && rest.hasSuffix(part) }
            guard let found = rest.dropFirst().firstRange(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.isEmpty
    }
}
