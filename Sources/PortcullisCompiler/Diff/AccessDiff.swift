import PortcullisDiagnostics
import PortcullisModel

/// One difference in what a request is subject to, between two versions of a project.
public struct AccessChange: Sendable, Equatable {
    /// How a reviewer should weigh the change; the first three can fail a pull request.
    public enum Category: String, Sendable, CaseIterable, Comparable {
        case privilegeIncrease = "privilege-increase"
        case looserLimit = "looser-limit"
        case cacheWidened = "cache-widened"
        case privilegeDecrease = "privilege-decrease"
        case stricterLimit = "stricter-limit"
        case other

        public var words: String { rawValue.replacingOccurrences(of: "-", with: " ") }

        private var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (lhs: Category, rhs: Category) -> Bool { lhs.rank < rhs.rank }
    }

    public var category: Category
    /// What changed: "route 'orders/list-orders'", "the gateway's 'redis'".
    public var subject: String
    public var message: String
    /// Where the change is: in HEAD, or in BASE for what was removed.
    public var place: Place

    public struct Place: Sendable, Equatable, Comparable {
        public var file: String
        public var line: UInt32
        public var column: UInt32

        public static func < (lhs: Place, rhs: Place) -> Bool {
            (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
        }
    }

    /// `file:line:column`.
    public var location: String { "\(place.file):\(place.line):\(place.column)" }
}

/// Compares the effective routes and the gateway of two resolved projects.
public enum AccessDiff {
    public struct Side {
        public var project: ResolvedProject
        /// Each input's path as the diff shows it, by file number.
        public var paths: [String]

        public init(project: ResolvedProject, paths: [String]) {
            self.project = project
            self.paths = paths
        }

        func location(_ range: SourceRange) -> AccessChange.Place {
            AccessChange.Place(file: paths[Int(range.file.index)], line: range.start.line, column: range.start.column)
        }
    }

    public static func compare(base: Side, head: Side) -> [AccessChange] {
        var changes: [AccessChange] = []
        let baseRoutes = routes(base.project)
        let headRoutes = routes(head.project)
        for (key, route) in headRoutes where baseRoutes[key] == nil {
            let access = route.isAuthenticated ? "requires a token" : "is public"
            changes.append(AccessChange(
                category: route.isAuthenticated ? .other : .privilegeIncrease, subject: subject(key),
                message: "route \(subject(key)) was added; it \(access)", place: head.location(route.route.id.range)))
        }
        for (key, route) in baseRoutes where headRoutes[key] == nil {
            changes.append(AccessChange(
                category: .other, subject: subject(key), message: "route \(subject(key)) was removed",
                place: base.location(route.route.id.range)))
        }
        for (key, new) in headRoutes {
            guard let old = baseRoutes[key] else { continue }
            var route = RouteComparison(name: subject(key), old: old, new: new, at: head.location(new.route.id.range))
            route.compareAuth()
            route.compareLimit(\.activeRateLimit, "rate limit")
            route.compareLimit(\.activeQuota, "quota")
            route.compareCache()
            changes += route.changes
        }
        changes += GatewayComparison.compare(base.project.gateway, head.project.gateway, head: head, base: base)
        return changes.sorted { ($0.category, $0.place, $0.message) < ($1.category, $1.place, $1.message) }
    }

    static func routes(_ project: ResolvedProject) -> [String: EffectiveRoute] {
        Dictionary(project.routes.map { ("\(project.apis[$0.apiIndex].name.value)/\($0.route.id.value)", $0) }) { first, _ in first }
    }

    static func subject(_ key: String) -> String { "'\(key)'" }
}

/// The changes of one route that exists in both versions.
struct RouteComparison {
    let name: String
    let old: EffectiveRoute
    let new: EffectiveRoute
    let at: AccessChange.Place
    var changes: [AccessChange] = []

    init(name: String, old: EffectiveRoute, new: EffectiveRoute, at: AccessChange.Place) {
        self.name = name
        self.old = old
        self.new = new
        self.at = at
    }

    private mutating func add(_ category: AccessChange.Category, _ message: String) {
        changes.append(AccessChange(category: category, subject: name, message: "route \(name) \(message)", place: at))
    }

    mutating func compareAuth() {
        switch (old.auth.value, new.auth.value) {
        case (.provider, .none):
            add(.privilegeIncrease, "became public: it no longer requires a token")
        case (.none, .provider(let provider)):
            add(.privilegeDecrease, "now requires a token from '\(provider)'")
        case (.provider(let before), .provider(let after)):
            if before != after { add(.other, "checks tokens from '\(after)' instead of '\(before)'") }
            compareScopes()
        case (.none, .none):
            break
        }
    }

    /// With any-of scopes, each added scope admits more tokens; with all-of scopes, each
    /// added scope admits fewer.
    private mutating func compareScopes() {
        let before = old.route.scopes
        let after = new.route.scopes
        let oldSet = Set(before?.scopes.map(\.value) ?? [])
        let newSet = Set(after?.scopes.map(\.value) ?? [])
        let oldMatch = before?.match ?? .any
        let newMatch = after?.match ?? .any
        if newSet.isEmpty, !oldSet.isEmpty {
            add(.privilegeIncrease, "no longer requires any scope: any valid token passes")
            return
        }
        if oldMatch != newMatch, newSet.count > 1 {
            add(
                newMatch == .any ? .privilegeIncrease : .privilegeDecrease,
                "now needs \(newMatch == .any ? "any one" : "all") of its scopes instead of \(oldMatch == .any ? "any one" : "all")")
        }
        for scope in newSet.subtracting(oldSet).sorted() {
            add(newMatch == .any ? .privilegeIncrease : .privilegeDecrease, newMatch == .any ? "now accepts scope '\(scope)'" : "now also requires scope '\(scope)'")
        }
        for scope in oldSet.subtracting(newSet).sorted() {
            add(newMatch == .any ? .privilegeDecrease : .privilegeIncrease, newMatch == .any ? "no longer accepts scope '\(scope)'" : "no longer requires scope '\(scope)'")
        }
    }

    mutating func compareLimit(_ active: KeyPath<EffectiveRoute, Limit?>, _ what: String) {
        switch (old[keyPath: active], new[keyPath: active]) {
        case (let before?, nil):
            add(.looserLimit, "lost its \(what) (was \(Self.describe(before)))")
        case (nil, let after?):
            add(.stricterLimit, "gained a \(what) of \(Self.describe(after))")
        case (let before?, let after?):
            if after.isLooser(than: before) {
                add(.looserLimit, "has a looser \(what): \(Self.describe(after)), was \(Self.describe(before))")
            } else if before.isLooser(than: after) {
                add(.stricterLimit, "has a stricter \(what): \(Self.describe(after)), was \(Self.describe(before))")
            }
            if before.effectiveKey != after.effectiveKey {
                add(.other, "counts its \(what) by '\(after.effectiveKey)' instead of '\(before.effectiveKey)'")
            }
        case (nil, nil):
            break
        }
    }

    mutating func compareCache() {
        switch (old.route.cache, new.route.cache, old.cacheSharing, new.cacheSharing) {
        case (nil, let cache?, _, let sharing?):
            add(sharing == .shared ? .cacheWidened : .other, "now caches responses (\(sharing.rawValue), \(cache.ttl.value)s)")
        case (_?, nil, _, _):
            add(.other, "no longer caches responses")
        case (let before?, let after?, let oldSharing?, let newSharing?):
            if oldSharing != newSharing {
                add(newSharing == .shared ? .cacheWidened : .other, "now shares cached responses \(newSharing == .shared ? "between callers" : "per user only")")
            }
            if after.ttl.value != before.ttl.value {
                add(.other, "caches for \(after.ttl.value)s instead of \(before.ttl.value)s")
            }
            if after.varyByQuery.map(\.value) != before.varyByQuery.map(\.value)
                || after.varyByHeaders.map(\.value) != before.varyByHeaders.map(\.value)
            {
                add(.other, "varies its cache on other query parameters or headers")
            }
        default:
            break
        }
    }

    static func describe(_ limit: Limit) -> String {
        "\(limit.calls.value) calls per \(limit.per.value)s by \(limit.effectiveKey)"
    }
}

/// Changes to CORS, Redis and secrets, which no route shows.
enum GatewayComparison {
    static func compare(_ old: Gateway?, _ new: Gateway?, head: AccessDiff.Side, base: AccessDiff.Side) -> [AccessChange] {
        guard let old, let new else { return [] }
        var changes: [AccessChange] = []
        func add(_ category: AccessChange.Category, _ subject: String, _ message: String, _ place: AccessChange.Place) {
            changes.append(AccessChange(category: category, subject: subject, message: message, place: place))
        }
        switch (old.redis, new.redis) {
        case (nil, let redis?):
            add(.other, "the gateway's 'redis'", "Redis was added as the external cache", head.location(redis.anchor))
        case (let redis?, nil):
            add(.other, "the gateway's 'redis'", "Redis was removed; caches fall back to APIM's internal cache", base.location(redis.anchor))
        case (let before?, let after?):
            let at = head.location(after.anchor)
            if before.effectiveTLS, !after.effectiveTLS { add(.privilegeIncrease, "the gateway's 'redis'", "Redis connections are no longer encrypted", at) }
            if !before.effectivePublicNetworkAccess, after.effectivePublicNetworkAccess {
                add(.privilegeIncrease, "the gateway's 'redis'", "Redis is now reachable from the public internet", at)
            }
            let oldDatabases = [before.databases.effectiveAuth, before.databases.effectiveRateLimit, before.databases.effectiveResponses]
            let newDatabases = [after.databases.effectiveAuth, after.databases.effectiveRateLimit, after.databases.effectiveResponses]
            if oldDatabases != newDatabases { add(.other, "the gateway's 'redis'", "Redis databases changed from \(oldDatabases) to \(newDatabases)", at) }
            if secretName(before.connection) != secretName(after.connection) {
                add(.other, "the gateway's 'redis'", "Redis connects with a different secret", head.location(after.connection.range))
            }
        case (nil, nil):
            break
        }
        let oldSecrets = Dictionary(old.secrets.map { ($0.name.value, $0) }) { first, _ in first }
        let newSecrets = Dictionary(new.secrets.map { ($0.name.value, $0) }) { first, _ in first }
        for (name, secret) in newSecrets {
            let subject = "secret '\(name)'"
            guard let previous = oldSecrets[name] else {
                add(.other, subject, "secret '\(name)' was added", head.location(secret.name.range))
                continue
            }
            if keyVault(previous) != keyVault(secret) {
                add(.other, subject, "secret '\(name)' points at a different Key Vault secret", head.location(secret.name.range))
            }
        }
        for (name, secret) in oldSecrets where newSecrets[name] == nil {
            add(.other, "secret '\(name)'", "secret '\(name)' was removed", base.location(secret.name.range))
        }
        return changes + compareCORS(old.cors, new.cors, head: head, base: base)
    }

    /// Letting more sites' pages call the APIs, or send credentials, is a privilege increase.
    private static func compareCORS(_ old: CORS?, _ new: CORS?, head: AccessDiff.Side, base: AccessDiff.Side) -> [AccessChange] {
        var changes: [AccessChange] = []
        func add(_ category: AccessChange.Category, _ message: String, _ place: AccessChange.Place) {
            changes.append(AccessChange(category: category, subject: "the gateway's 'cors'", message: "CORS \(message)", place: place))
        }
        guard let after = new else {
            if let before = old {
                add(.privilegeDecrease, "was removed: browsers no longer let other sites' pages call the APIs", base.location(before.anchor))
            }
            return changes
        }
        guard let before = old else {
            let origins = after.allowsAnyOrigin ? "any origin" : after.allowedOrigins.map { "'\($0.value)'" }.joined(separator: ", ")
            let credentials = after.effectiveAllowCredentials ? ", with credentials" : ""
            add(.privilegeIncrease, "was added: browsers let pages from \(origins) call the APIs\(credentials)", head.location(after.anchor))
            return changes
        }
        let at = head.location(after.anchor)
        switch (before.allowsAnyOrigin, after.allowsAnyOrigin) {
        case (false, true):
            let any = after.allowedOrigins.first { $0.value == CORS.anyOrigin }
            add(.privilegeIncrease, "now allows any origin ('\(CORS.anyOrigin)')", any.map { head.location($0.range) } ?? at)
        case (true, false):
            add(.privilegeDecrease, "no longer allows any origin, only the origins it lists", at)
        case (false, false):
            let oldOrigins = Set(before.allowedOrigins.map(\.value))
            let newOrigins = Set(after.allowedOrigins.map(\.value))
            var seen = Set<String>()
            for origin in after.allowedOrigins where !oldOrigins.contains(origin.value) && seen.insert(origin.value).inserted {
                add(.privilegeIncrease, "now allows origin '\(origin.value)'", head.location(origin.range))
            }
            for origin in before.allowedOrigins where !newOrigins.contains(origin.value) && seen.insert(origin.value).inserted {
                add(.privilegeDecrease, "no longer allows origin '\(origin.value)'", base.location(origin.range))
            }
        case (true, true):
            break
        }
        let credentialsAt = head.location(after.allowCredentials?.range ?? after.anchor)
        switch (before.effectiveAllowCredentials, after.effectiveAllowCredentials) {
        case (false, true):
            add(.privilegeIncrease, "now lets browsers send credentials (cookies, HTTP authentication) on cross-origin requests", credentialsAt)
        case (true, false):
            add(.privilegeDecrease, "no longer lets browsers send credentials on cross-origin requests", credentialsAt)
        default:
            break
        }
        let lists: [(String, [Located<String>], [Located<String>], String)] = [
            ("methods", before.allowedMethods, after.allowedMethods, "GET, POST (APIM's default)"),
            ("request headers", before.allowedHeaders, after.allowedHeaders, "none"),
            ("scripts to read response headers", before.exposeHeaders, after.exposeHeaders, "none"),
        ]
        for (what, oldList, newList, unset) in lists where Set(oldList.map(\.value)) != Set(newList.map(\.value)) {
            func describe(_ list: [Located<String>]) -> String { list.isEmpty ? unset : list.map(\.value).joined(separator: ", ") }
            add(.other, "allows \(what) \(describe(newList)) instead of \(describe(oldList))", at)
        }
        if before.preflightMaxAge?.value != after.preflightMaxAge?.value {
            add(.other, "lets browsers keep preflight answers for \(after.preflightMaxAge?.value ?? 0)s instead of \(before.preflightMaxAge?.value ?? 0)s", at)
        }
        return changes
    }

    private static func secretName(_ value: SecretValue) -> String? {
        if case .reference(let name) = value { return name.value }
        return nil
    }

    private static func keyVault(_ secret: SecretDeclaration) -> String? {
        if case .keyVault(let uri) = secret.source { return uri.value }
        return nil
    }
}
