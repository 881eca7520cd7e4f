/// The backend operations routes reach, each with the routes that guard it, found for a
/// route added by the operations it reaches: the same one, or one a request may reach as
/// both. `delete …/tenants/acme/all` is an instance of `delete …/tenants/{}/all`, so a route
/// added with a rewrite to the first opens what the second's checks guard (audit V30: only
/// the same template was looked for, and a write token reached an admin operation). A
/// template added that covers a guarded one (`/{a}/{b}/{c}`) opens it from another API;
/// within the guard's own API a request for the guard's literal segments is matched to the
/// guard, the more specific template (audit V35: `GET /orders/{id}` added beside a guarded
/// `GET /orders/export`, an everyday change, failed the gate).
///
/// Operations are ``AccessDiff/DiffRoute/backendOperations`` keys: a method, a blank, and
/// the URL without case, parameter names erased to `{}`. They are indexed by method and
/// number of segments, then by each segment: a literal by itself, a parameter's pattern by
/// the text it ends or starts with (`{}.r7` by `.r7`), so that a route added looks only at
/// the operations its most telling segment allows (an estate of 5,000 routes with as many
/// added, compared each with each, took 77 s: audit V35).
struct GuardedOperations {
    private var exact: [String: [AccessDiff.DiffRoute]] = [:]
    private var groups: [Shape: Group] = [:]

    private struct Shape: Hashable {
        var method: Substring
        var segments: Int
    }

    /// The operations of one shape and, for each position, where each segment is filed.
    private struct Group {
        var operations: [(key: String, segments: [Substring])] = []
        var positions: [Position]

        mutating func add(_ key: String, _ segments: [Substring]) {
            let index = operations.count
            operations.append((key, segments))
            for (position, segment) in segments.enumerated() {
                guard segment.contains("{}") else {
                    positions[position].literals[segment, default: []].append(index)
                    continue
                }
                let parts = segment.split(separator: "{}", omittingEmptySubsequences: false)
                if let last = parts.last, !last.isEmpty {
                    positions[position].patternsBySuffix[last, default: []].append(index)
                } else if let first = parts.first, !first.isEmpty {
                    positions[position].patternsByPrefix[first, default: []].append(index)
                } else {
                    positions[position].parameters.append(index)
                }
            }
        }
    }

    /// The operations with a literal at one position, by it; those with a pattern, by its
    /// last written part, else its first; and those whose segment is a parameter alone.
    private struct Position {
        var literals: [Substring: [Int]] = [:]
        var patternsBySuffix: [Substring: [Int]] = [:]
        var patternsByPrefix: [Substring: [Int]] = [:]
        var parameters: [Int] = []

        /// The operations whose segment here may meet `segment`, a literal.
        func candidates(meeting segment: Substring) -> [[Int]] {
            var found = [literals[segment] ?? [], parameters]
            for end in segment.indices {
                if let suffixed = patternsBySuffix[segment[end...]] { found.append(suffixed) }
            }
            for end in segment.indices.dropFirst() + [segment.endIndex] {
                if let prefixed = patternsByPrefix[segment[..<end]] { found.append(prefixed) }
            }
            return found
        }
    }

    /// At most this many operations a request may reach as one are weighed for a route
    /// added, the first by key: past them, one as open as the route may go unseen.
    static let limit = 16

    init(_ guarded: [String: [AccessDiff.DiffRoute]]) {
        exact = guarded
        for key in guarded.keys.sorted() {
            guard let (shape, segments) = Self.split(key) else { continue }
            // Filled in place: a group copied out and back was copied whole for each key.
            groups[shape, default: Group(positions: Array(repeating: Position(), count: shape.segments))].add(key, segments)
        }
    }

    /// The operations a request to `operation`, reached by a route added in `api`, may
    /// reach too, each with the routes that guard it by name: `operation` itself first.
    func guards(of operation: String, addedIn api: String) -> [(operation: String, guards: [AccessDiff.DiffRoute])] {
        var found: [(operation: String, guards: [AccessDiff.DiffRoute])] = []
        if let same = exact[operation] { found.append((operation, same.sorted { $0.name < $1.name })) }
        guard let (shape, segments) = Self.split(operation), let group = groups[shape] else { return found }
        // The candidates of the literal position that allows the fewest; an operation with
        // parameters alone is matched by every operation of its shape.
        var fewest: [[Int]]?
        for (position, segment) in segments.enumerated() where !segment.contains("{}") {
            let lists = group.positions[position].candidates(meeting: segment)
            if fewest.map({ lists.reduce(0) { $0 + $1.count } < $0.reduce(0) { $0 + $1.count } }) ?? true { fewest = lists }
        }
        var seen = Set<Int>()
        for index in (fewest ?? [Array(group.operations.indices)]).joined() where found.count < Self.limit && seen.insert(index).inserted {
            let other = group.operations[index]
            guard other.key != operation, zip(segments, other.segments).allSatisfy(Self.mayMeet) else { continue }
            // Covering the guard's literal segments, within its own API: the guard's more
            // specific template takes those requests.
            let covers = zip(segments, other.segments).contains { $0.contains("{}") && !$1.contains("{}") }
            let guards = (exact[other.key] ?? []).filter { !covers || $0.api.lowercased() != api.lowercased() }
            if !guards.isEmpty { found.append((other.key, guards.sorted { $0.name < $1.name })) }
        }
        return found
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
