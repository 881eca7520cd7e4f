import PortcullisModel

/// What HEAD calls by another name than BASE: APIs, routes and products, found once and read
/// by every comparison. A resource renamed is compared with what it was, so that a rename
/// hides no change made with it (an API renamed that now accepts plain HTTP) and a raw
/// policy that only moved to the new name shows no statements removed and added.
///
/// A rename is a guess, made only where one thing of BASE and one of HEAD fit: a guess that
/// pairs two resources shows what changed between them, where none would hide it.
struct Renames {
    /// A name in BASE and the name of the same resource in HEAD, each as its side writes it.
    struct Pair {
        var from: String
        var to: String
    }

    /// Names that differ, in case only too (APIM takes the two for one resource).
    private(set) var apis: [Pair] = []
    private(set) var routes: [Pair] = []
    private(set) var products: [Pair] = []

    /// HEAD's name of each renamed API, route and product, by BASE's name lowercased.
    private var apiTo: [String: String] = [:]
    private var routeTo: [String: String] = [:]
    private var productTo: [String: String] = [:]
    /// BASE's name of each, by HEAD's lowercased.
    private var apiFrom: [String: String] = [:]
    private var productFrom: [String: String] = [:]

    /// `routePairs`: every route of both versions, paired as ``AccessDiff`` pairs them (by
    /// name, by the operation callers call, by the one it reaches on its backend).
    init(routePairs: [AccessDiff.RoutePair], base: ResolvedProject, head: ResolvedProject) {
        routes = routePairs.filter { $0.old.name != $0.new.name }.map { Pair(from: $0.old.name, to: $0.new.name) }
        apis = Self.apiPairs(routePairs, base: base.apis, head: head.apis)
        for pair in apis {
            apiTo[pair.from.lowercased()] = pair.to
            apiFrom[pair.to.lowercased()] = pair.from
        }
        for pair in routes { routeTo[pair.from.lowercased()] = pair.to }
        products = productPairs(base: base.products, head: head.products)
        for pair in products {
            productTo[pair.from.lowercased()] = pair.to
            productFrom[pair.to.lowercased()] = pair.from
        }
    }

    /// HEAD's name of BASE's API `name`; `name` itself when it was not renamed.
    func api(_ name: String) -> String { apiTo[name.lowercased()] ?? name }
    /// HEAD's name of BASE's route `name` (`api/route`), or `name`.
    func route(_ name: String) -> String { routeTo[name.lowercased()] ?? name }
    /// HEAD's name of BASE's product `name`, or `name`.
    func product(_ name: String) -> String { productTo[name.lowercased()] ?? name }
    /// BASE's name of HEAD's API `name`, or `name`.
    func apiBefore(_ name: String) -> String { apiFrom[name.lowercased()] ?? name }
    /// BASE's name of HEAD's product `name`, or `name`.
    func productBefore(_ name: String) -> String { productFrom[name.lowercased()] ?? name }

    /// An API removed and one added are one API renamed when the routes paired between the
    /// APIs left link the two and no other: every pair that starts in the one ends in the
    /// other, and the other way round. The same path alone is no evidence: an API replaced by
    /// another under its path, whose routes are all new, would pass for it, and a product
    /// that lists the newcomer would open it unseen.
    private static func apiPairs(_ routePairs: [AccessDiff.RoutePair], base: [API], head: [API]) -> [Pair] {
        var (pairs, removed, added) = matched(base, head) { $0.name.value }
        var from: [String: Set<String>] = [:]
        var to: [String: Set<String>] = [:]
        for pair in routePairs {
            let (old, new) = (pair.old.api.lowercased(), pair.new.api.lowercased())
            to[old, default: []].insert(new)
            from[new, default: []].insert(old)
        }
        for api in added {
            let name = api.name.value.lowercased()
            guard let olds = from[name], olds.count == 1, let old = olds.first, to[old] == [name],
                let previous = removed.first(where: { $0.name.value.lowercased() == old })
            else { continue }
            pairs.append(Pair(from: previous.name.value, to: api.name.value))
        }
        return pairs
    }

    /// Resources of both versions by name, without case as APIM takes names: the pairs
    /// spelt otherwise (in case only), and those only BASE or only HEAD has.
    private static func matched<Resource>(
        _ base: [Resource], _ head: [Resource], name: (Resource) -> String
    ) -> (pairs: [Pair], removed: [Resource], added: [Resource]) {
        let baseByName = Dictionary(base.map { (name($0).lowercased(), $0) }) { first, _ in first }
        let headNames = Set(head.map { name($0).lowercased() })
        var pairs: [Pair] = []
        var added: [Resource] = []
        for resource in head {
            if let previous = baseByName[name(resource).lowercased()] {
                if name(previous) != name(resource) { pairs.append(Pair(from: name(previous), to: name(resource))) }
            } else {
                added.append(resource)
            }
        }
        return (pairs, base.filter { !headNames.contains(name($0).lowercased()) }, added)
    }

    /// One product removed and one added with the same APIs (renamed ones as HEAD names
    /// them) or the same display name are one product renamed; any other is an addition.
    private func productPairs(base: [Product], head: [Product]) -> [Pair] {
        var (pairs, removed, added) = Self.matched(base, head) { $0.name.value }
        guard added.count == 1, removed.count == 1 else { return pairs }
        let (was, now) = (removed[0], added[0])
        let sameAPIs = Set(was.apis.map { api($0.value).lowercased() }) == Set(now.apis.map { $0.value.lowercased() })
        let sameDisplayName = was.displayName != nil && was.displayName?.value == now.displayName?.value
        if sameAPIs || sameDisplayName { pairs.append(Pair(from: was.name.value, to: now.name.value)) }
        return pairs
    }
}
