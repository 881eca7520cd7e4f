import PortcullisDiagnostics

/// An IP filter as enforced: the route's own or its API's, first of all steps, so a
/// refused address is neither counted nor asked for a token. A class, as the plan's other
/// rarely present parts are, so a plan without them stays small.
public final class PlannedIPFilter: Sendable {
    /// The filter as written.
    public let written: IPFilter
    /// Whether the filter is the route's own or its API's.
    public let origin: Origin
    /// The addresses that pass.
    public let admitted: IPv4Set

    init(written: IPFilter, origin: Origin) {
        self.written = written
        self.origin = origin
        let listed = IPv4Set(written.entries.map(\.value))
        admitted = written.action == .allow ? listed : listed.complement
    }

    public var range: SourceRange { written.range }
}

/// What the backend receives instead of what the caller sent: the API's header and query
/// changes, then the route's, then the rewrite. Made after every check and the cache
/// lookup, so the token check, limit keys and cache keys read what the caller sent.
public final class PlannedRequestShaping: Sendable {
    public let headers: [MessageChange]
    public let query: [MessageChange]
    public let rewrite: Rewrite?

    init(headers: [MessageChange], query: [MessageChange], rewrite: Rewrite?) {
        self.headers = headers
        self.query = query
        self.rewrite = rewrite
    }
}

/// A set of IPv4 addresses as sorted, disjoint, non-adjacent ranges.
public struct IPv4Set: Sendable, Equatable {
    public private(set) var ranges: [IPv4Range]

    public init(_ ranges: [IPv4Range]) {
        var merged: [IPv4Range] = []
        for range in ranges.sorted() {
            if let last = merged.last, last.last == .max || range.first <= last.last + 1 {
                merged[merged.count - 1].last = max(last.last, range.last)
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
    }

    public static let everything = IPv4Set([IPv4Range(first: 0, last: .max)])

    /// Every address not in the set.
    public var complement: IPv4Set {
        var gaps: [IPv4Range] = []
        var next: UInt32? = 0
        for range in ranges {
            if let start = next, range.first > start { gaps.append(IPv4Range(first: start, last: range.first - 1)) }
            next = range.last == .max ? nil : range.last + 1
        }
        if let start = next { gaps.append(IPv4Range(first: start, last: .max)) }
        return IPv4Set(gaps)
    }

    /// The addresses in this set and not in `other`: this set's part of other's complement.
    public func subtracting(_ other: IPv4Set) -> IPv4Set {
        let outside = other.complement.ranges
        var result: [IPv4Range] = []
        for range in ranges {
            for gap in outside where gap.last >= range.first && gap.first <= range.last {
                result.append(IPv4Range(first: max(gap.first, range.first), last: min(gap.last, range.last)))
            }
        }
        return IPv4Set(result)
    }

    public var isEmpty: Bool { ranges.isEmpty }
}
