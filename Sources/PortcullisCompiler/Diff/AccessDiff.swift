import PortcullisChecker
import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

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

        public var words: String { rawValue.replacing("-", with: " ") }

        private var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (lhs: Category, rhs: Category) -> Bool { lhs.rank < rhs.rank }
    }

    /// What changed: a route, an API, a product, a backend, an identity provider, a secret, or a gateway section.
    public struct Subject: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case route, api, product, backend, identityProvider = "identity-provider", secret, gateway
            /// A file of the project.
            case file
            case fragment = "policy-fragment"
            /// A rule's finding, by its code.
            case finding
        }

        public var kind: Kind
        /// `api/route` for a route; the section (`redis`, `cors`) for the gateway.
        public var name: String

        static func route(_ key: String) -> Subject { Subject(kind: .route, name: key) }
        static let redis = Subject(kind: .gateway, name: "redis")
        static let cors = Subject(kind: .gateway, name: "cors")
    }

    public var category: Category
    public var subject: Subject
    /// Quotes values of the definitions (an issuer, an audience, a backend URL), where a
    /// YAML escape can put any character: control characters are shown as escapes, as in a
    /// ``Diagnostic``'s message, so no line of the report can be forged.
    public private(set) var message: String
    /// Where the change is: in HEAD, or in BASE for what was removed.
    public var place: Place

    init(category: Category, subject: Subject, message: String, place: Place) {
        self.category = category
        // A name is shown as a message is: one that holds a credential is not quoted.
        self.subject = Subject(kind: subject.kind, name: DisplayText.message(subject.name))
        self.message = DisplayText.message(message)
        self.place = place
    }

    public struct Place: Sendable, Hashable, Comparable {
        public var file: String
        public var line: UInt32
        public var column: UInt32
        /// The place is in BASE (what was removed), not in HEAD.
        public var inBase: Bool

        public static func < (lhs: Place, rhs: Place) -> Bool {
            (lhs.file, lhs.line, lhs.column, lhs.inBase ? 1 : 0) < (rhs.file, rhs.line, rhs.column, rhs.inBase ? 1 : 0)
        }
    }

    /// `file:line:column`.
    public var location: String { "\(place.file):\(place.line):\(place.column)" }

    /// The change with every quoted part of its message that is a redacted text hidden.
    func hiding(_ secrets: SecretTexts) -> AccessChange {
        var hidden = self
        hidden.message = secrets.hiding(in: message)
        return hidden
    }
}

/// Compares the effective routes and the gateway of two resolved projects.
public enum AccessDiff {
    public struct Side {
        public var project: ResolvedProject
        /// Each input's path as the diff shows it, by file number.
        public var paths: [String]
        /// This is the BASE side, whose places are marked as such.
        public var isBase: Bool
        /// The files the side's `exclude` removed, and its patterns.
        var exclusions: [Workspace.Exclusion] = []
        var excludePatterns: [String] = []
        /// What the rules of access, secrets, caching, limits and Redis find, silenced or not.
        public var findings: [Finding] = []
        /// HEAD's findings with BASE's standards laid over its gateway, when its own differ
        /// (``Standards``); nil when they do not, and for BASE.
        public var findingsByBaseStandards: [Finding]? = nil
        /// What the side's raw policies do to each route, as lint reads them: asked of a
        /// route only when a comparison needs it, as the walk of a route's policies costs an
        /// estate of large fragments seconds when asked of every route.
        var raw: RawRouteReading?

        /// Whether a raw token or certificate check guards every request of the route
        /// `API/route`, which has no `auth`.
        func checksTokensInRawPolicies(_ route: String) -> Bool { raw?.checksTokens(route) ?? false }

        /// The raw token checks, IP filters and rate limits on every request of the route
        /// `API/route`.
        func rawStatements(_ route: String) -> RouteComparison.RawStatements { raw?.statements(route) ?? RouteComparison.RawStatements() }

        /// Whether a raw `return-response` or `mock-response` answers every request of the
        /// route `API/route`, so its backend is never called.
        func answersInRawPolicies(_ route: String) -> Bool { raw?.answersEveryRequest(route) ?? false }

        /// What changes the operation `route` asks of its backend, in order.
        func requestRewrites(on route: EffectiveRoute) -> [RequestRewrite] { raw?.checked.requestRewrites(on: route) ?? [.generated] }

        public init(project: ResolvedProject, paths: [String], isBase: Bool) {
            self.project = project
            self.paths = paths
            self.isBase = isBase
        }

        func location(_ range: SourceRange) -> AccessChange.Place {
            AccessChange.Place(
                file: paths[Int(range.file.index)], line: range.start.line, column: range.start.column, inBase: isBase)
        }
    }

    public static func compare(base: Side, head: Side) -> [AccessChange] {
        var changes: [AccessChange] = []
        let baseRoutes = routes(base)
        let headRoutes = routes(head)
        var pairs: [RoutePair] = []
        var added: [DiffRoute] = []
        for (key, route) in headRoutes {
            if let old = baseRoutes[key] { pairs.append(RoutePair(old: old, new: route)) } else { added.append(route) }
        }
        // A route whose id or API's name changed but whose operation did not is the route it
        // was: comparing it as one route removed and another added would hide what changed.
        // So is one that callers now call otherwise but that reaches the same operation on its
        // backend, through a rewrite: the checks that guarded that operation are compared.
        // Only one route removed and one added with an operation are paired: which of more
        // is which cannot be told, and a guess could pair a closed route with an open one.
        var removed = baseRoutes.filter { headRoutes[$0.key] == nil }.values.sorted { $0.name < $1.name }
        added.sort { $0.name < $1.name }
        for (operation, describe) in [
            (\DiffRoute.operation, { (old: DiffRoute, new: DiffRoute) in "route \(subject(new.name)) was \(subject(old.name)) before" }),
            (\DiffRoute.backendOperation, { (old: DiffRoute, new: DiffRoute) in
                "route \(subject(new.name)) reaches '\(new.reached.text)' on its backend, as \(subject(old.name)) did"
            }),
        ] {
            let addedOperations = Dictionary(grouping: added, by: { $0[keyPath: operation] })
            let removedOperations = Dictionary(grouping: removed, by: { $0[keyPath: operation] })
            var paired = Set<String>()
            for route in added {
                guard addedOperations[route[keyPath: operation]]?.count == 1, let candidates = removedOperations[route[keyPath: operation]], candidates.count == 1
                else { continue }
                let old = candidates[0]
                pairs.append(RoutePair(old: old, new: route))
                paired.formUnion([old.name, route.name])
                changes.append(AccessChange(category: .other, subject: .route(route.name), message: describe(old, route), place: head.location(route.route.written.id.range)))
            }
            added.removeAll { paired.contains($0.name) }
            removed.removeAll { paired.contains($0.name) }
        }
        // A route added that reaches the operation on the backend another route reached, one
        // that stays or one removed beside routes too alike to pair, opens that operation to
        // whom its own checks let in: the checks of the route that guarded it are compared,
        // as for a route moved.
        // By each operation a route reaches: one a branch sends elsewhere for some requests
        // guards, and is guarded at, each (an audit found a route added with such a branch
        // compared with no guard).
        var guarded: [String: [DiffRoute]] = [:]
        for route in headRoutes.filter({ baseRoutes[$0.key] != nil }).values + removed {
            for operation in Set(route.backendOperations) { guarded[operation, default: []].append(route) }
        }
        let guardedOperations = GuardedOperations(guarded)
        let review = SecretsReview(base: base.project, head: head.project)
        var guardsStatements: [String: RouteComparison.RawStatements] = [:]
        for route in added {
            // A raw check on every request is a token check too (an audit found a route
            // behind its API's raw 'validate-jwt' called public).
            let isPublic = route.plan.token == nil && !head.checksTokensInRawPolicies(route.name)
            let access = isPublic ? "is public" : route.plan.token == nil ? "requires a token, checked by a raw policy" : "requires a token"
            changes.append(AccessChange(
                category: isPublic ? .privilegeIncrease : .other, subject: .route(route.name),
                message: "route \(subject(route.name)) was added; it \(access)", place: head.location(route.route.written.id.range)))
            // As for a route that stays: an existing secret its backend's host did not receive.
            for name in review.newlySent(by: route.plan) {
                changes.append(AccessChange(
                    category: .privilegeIncrease, subject: .route(route.name),
                    message: "route \(subject(route.name)) was added and sends secret '\(name)' to its backend in a header or query parameter",
                    place: head.location(route.route.written.id.range)))
            }
            for name in review.newlySentByRawPolicies(on: route.route, route.plan) {
                changes.append(AccessChange(
                    category: .privilegeIncrease, subject: .route(route.name),
                    message: "route \(subject(route.name)) was added and its raw policies send secret '\(name)' on its requests, to a host that did not receive it",
                    place: head.location(route.route.written.id.range)))
            }
            // Opened only to whom no route that guards it let in, or more often than every one
            // of them allows: compared with each, and reported against the first (by name)
            // when every one of them is narrower.
            let statements = head.rawStatements(route.name)
            // Each operation a request may reach is weighed with its own guards (audit V35: one
            // as open on another operation the route covers hid the admin's).
            for reached in Set(route.backendOperations).sorted() {
                for (guarded, guards) in guardedOperations.guards(of: reached, addedIn: route.api) {
                    guard let guarding = guards.first else { continue }
                    // Compared until a guard is no narrower in any way that fails the gate (most
                    // routes added beside others are alike), and with the first 16 at most: 1,000
                    // routes added in front of 1,000 narrower guards took 130 s compared with each.
                    // Past them, one as open as the route may go unseen: a change reported, not missed.
                    var open: Set<AccessChange.Category> = [.privilegeIncrease, .looserLimit]
                    var comparisons: [RouteComparison] = []
                    for guarding in guards.prefix(16) where !open.isEmpty {
                        var comparison = RouteComparison(
                            key: route.name, old: guarding.plan, new: route.plan, at: head.location(route.route.written.id.range), becameSecrets: [],
                            checkedRaw: { head.checksTokensInRawPolicies(route.name) })
                        // A guard that stays is HEAD's, one removed BASE's; each read once, however
                        // many routes are added in front of it.
                        let guardStatements = guardsStatements[guarding.name] ?? {
                            let read = (headRoutes[guarding.name.lowercased()] != nil ? head : base).rawStatements(guarding.name)
                            guardsStatements[guarding.name] = read
                            return read
                        }()
                        comparison.compareGuard(was: guardStatements, now: statements)
                        open.formIntersection(comparison.categories)
                        comparisons.append(comparison)
                    }
                    let operation = route.reached.text
                    let place = guarded == reached ? "'\(operation)'" : "'\(guarding.reached.text)', which requests to '\(operation)' may reach,"
                    for category in [AccessChange.Category.privilegeIncrease, .looserLimit] where open.contains(category) {
                        for change in comparisons[0].changes where change.category == category {
                            changes.append(AccessChange(
                                category: category, subject: change.subject,
                                message: change.message + ", where \(subject(guarding.name)) guards \(place) on the same backend", place: change.place))
                        }
                    }
                }
            }
        }
        for route in removed {
            changes.append(AccessChange(
                category: .other, subject: .route(route.name), message: "route \(subject(route.name)) was removed",
                place: base.location(route.route.written.id.range)))
        }
        // Secrets are named values too: one that was plain is handed out once it is a secret.
        func secrets(_ side: Side) -> Set<String> { Set((side.project.gateway?.secrets ?? []).map { $0.name.value.lowercased() }) }
        let (wereSecrets, areSecrets) = (secrets(base), secrets(head))
        for pair in pairs {
            var route = RouteComparison(
                key: pair.new.name, old: pair.old.plan, new: pair.new.plan, at: head.location(pair.new.route.written.id.range),
                becameSecrets: areSecrets.subtracting(wereSecrets), secrets: review,
                answeredRaw: (base.answersInRawPolicies(pair.old.name), head.answersInRawPolicies(pair.new.name)),
                checkedRaw: { head.checksTokensInRawPolicies(pair.new.name) })
            route.compareOperation(pair.old, pair.new)
            route.compareAuth()
            // Moved to another API, a route leaves its old API's raw checks and filters
            // behind; one that stays is weighed with its policies' changes (audits found the
            // move unweighed).
            if pair.old.api != pair.new.api {
                route.compareRawStatements(was: base.rawStatements(pair.old.name), now: head.rawStatements(pair.new.name))
            }
            route.compareLimit(.rateLimit, "rate limit")
            route.compareLimit(.quota, "quota")
            route.compareCache()
            route.compareIPFilter()
            route.compareShaping()
            changes += route.changes
            for name in review.newlySentByRawPolicies(on: pair.new.route, pair.new.plan) {
                changes.append(AccessChange(
                    category: .privilegeIncrease, subject: .route(pair.new.name),
                    message: "route \(subject(pair.new.name)) now sends secret '\(name)' on its requests from its raw policies, to a host that did not receive it",
                    place: head.location(pair.new.route.written.id.range)))
            }
        }
        changes += keylessChanges(pairs, base: base, head: head)
        changes += backendChanges(pairs, base: base, head: head)
        changes += BackendDiff.compare(base: base, head: head)
        changes += GatewayComparison.compare(base.project.gateway, head.project.gateway, head: head, base: base)
        let renames = Renames(routePairs: pairs, base: base.project, head: head.project)
        changes += apiChanges(base: base, head: head, renames: renames)
        changes += productChanges(base: base, head: head, renames: renames)
        changes += RawPolicyDiff.compare(base: base, head: head, renames: renames)
        let standards = StandardChanges(base: base.project.gateway, head: head.project.gateway)
        changes += standards.reported(at: head)
        changes += silencedFindings(base: base, head: head, renames: renames, standards: standards)
        changes += exclusionChanges(base: base, head: head)
        return changes.sorted { ($0.category, $0.place, $0.message) < ($1.category, $1.place, $1.message) }
    }

    /// A finding of a rule that weighs who gets in, what is shared, how much callers may do,
    /// or where a secret goes, and how the side silences it.
    public struct Finding {
        var diagnostic: Diagnostic
        /// How the side silences it: a comment, or its configuration; nil for neither.
        var silenced: String?
        /// `API/route`, without case, of the route whose definition holds the finding, or
        /// what a raw policy in a file of its own serves (``RouteExtents``); nil for one
        /// elsewhere (the gateway's file). Messages name a route by its id
        /// alone, so without it a bypass on another API's route with the same id, silenced
        /// anew, passed for the one BASE had (an audit).
        var route: String?
        /// For a secret's finding, a digest of the text it flags: the messages of the
        /// gateway's name no value, so one secret swapped for another passed for the one
        /// BASE had (audit V58). Compared within one run only.
        var flagged: Int?

        /// Nil for a finding of another rule. `configuration` is the side's own; `routes`
        /// tells which route's definition holds a place; `covered` reads what a secret's
        /// finding flags.
        init?(_ diagnostic: Diagnostic, _ configuration: Configuration, routes: RouteExtents, covered: inout CoveredText) {
            guard Self.categories[diagnostic.code.id] != nil else { return nil }
            self.diagnostic = diagnostic
            route = routes.route(holding: diagnostic.range)
            if Self.secrets.contains(Substring(diagnostic.code.id)) { flagged = covered.digest(of: diagnostic.range) }
            if diagnostic.suppression != nil {
                silenced = "a 'portcullis:ignore' comment"
            } else {
                switch configuration.setting(for: diagnostic.code) {
                case .off: silenced = "the configuration, which turns the rule off"
                case .report(let severity) where severity < diagnostic.code.defaultSeverity: silenced = "the configuration, which lowers it to \(severity.rawValue)"
                case .report: silenced = nil
                }
            }
        }

        /// What the finding says with its numbers left out and the names `renamed` gives put
        /// in: the same on both sides for a limit lowered, a guardrail moved or a route
        /// renamed, and another for a bypass elsewhere.
        func kind(renaming renamed: [String: String] = [:], routes renamedRoutes: [String: String] = [:]) -> String {
            var text = diagnostic.code.id + " " + (route.map { "\(renamedRoutes[$0] ?? $0): " } ?? "") + (flagged.map { "#\($0) " } ?? "")
            var name: String?
            for character in diagnostic.message {
                if character == "'" {
                    if let quoted = name {
                        text += renamed[quoted] ?? quoted
                        name = nil
                    } else {
                        name = ""
                    }
                    text.append(character)
                } else if name != nil {
                    name!.append(character)
                } else if !character.isNumber {
                    text.append(character)
                }
            }
            return text + (name ?? "")
        }

        /// The rules whose findings say a secret is written in the definitions.
        static let secrets: Set<Substring> = ["SE001", "SE002"]

        /// How ``AccessChange`` weighs a finding of each rule that says a caller gets in, a
        /// response is shared, a budget is gone or a secret is out; the others (an unused
        /// scope, a pinned secret version) are no such change.
        static let categories: [String: AccessChange.Category] = {
            var categories: [String: AccessChange.Category] = [:]
            for code in ["LP001", "LP002", "LP003", "LP005", "LP007", "LP009", "LP010", "SE001", "SE002", "SE003", "SE005", "RD002", "RD003"] {
                categories[code] = .privilegeIncrease
            }
            // A token kept past its revocation is accepted, as a provider that trusts an
            // introspection answer longer is.
            categories["CA004"] = .privilegeIncrease
            for code in ["CA001", "CA002", "CA003", "CA008", "CA009"] { categories[code] = .cacheWidened }
            // A window APIM takes but reads otherwise (RL002), or a product's limit a raw
            // policy skips (RL010), limits less than the definitions say. What a tier cannot
            // run (RL009, CA010) fails the deployment or caches nothing, and Redis's
            // databases (RD001, RD004) are a gateway.json runtime's, which APIM ignores.
            for code in ["RL001", "RL002", "RL003", "RL004", "RL006", "RL010"] { categories[code] = .looserLimit }
            return categories
        }()
    }

    /// The findings HEAD silences beyond those BASE had, silenced or not: for each kind of
    /// finding (its rule and what it says, numbers aside, routes renamed), as many as HEAD has
    /// more, those whose whole message BASE lacks first. A pull request that adds a bypass
    /// and silences its finding, by a comment, an old comment's reach or the configuration,
    /// passes `lint`, and the change it makes may be one no comparison here reads. A
    /// finding BASE had is no change, whatever silences it now or its numbers say (a limit
    /// lowered, a guardrail moved, a configuration BASE was read without). So are the
    /// findings HEAD's routes have by BASE's standards beyond those they have by HEAD's own
    /// and BASE had: silenced by the change of `standards`.
    private static func silencedFindings(base: Side, head: Side, renames: Renames, standards: StandardChanges) -> [AccessChange] {
        // A route, API or product renamed is the one it was: BASE's findings name it as HEAD does.
        var renamed: [String: String] = [:]
        for pair in renames.routes + renames.apis + renames.products { renamed[pair.from] = pair.to }
        for pair in renames.routes {
            let (old, new) = (pair.from.drop { $0 != "/" }.dropFirst(), pair.to.drop { $0 != "/" }.dropFirst())
            if old != new { renamed[String(old)] = String(new) }
        }
        let routes = Dictionary(renames.routes.map { ($0.from.lowercased(), $0.to.lowercased()) }) { first, _ in first }
        let had = Dictionary(grouping: base.findings) { $0.kind(renaming: renamed, routes: routes) }
        var changes: [AccessChange] = []
        func report(_ finding: Finding, silencedBy silencer: String?) {
            let code = finding.diagnostic.code.id
            changes.append(AccessChange(
                category: Finding.categories[code]!, subject: AccessChange.Subject(kind: .finding, name: code),
                message: "a new \(code) finding\(silencer.map { " is silenced by \($0)" } ?? ""): \(finding.diagnostic.message)", place: head.location(finding.diagnostic.range)))
        }
        let own = Dictionary(grouping: head.findings, by: { $0.kind() })
        for (kind, found) in own {
            let excess = found.count - (had[kind]?.count ?? 0)
            guard excess > 0 else { continue }
            // The new ones first: a message, then a comment's reason, BASE did not have.
            let messages = Set((had[kind] ?? []).map(\.diagnostic.message))
            let reasons = Set((had[kind] ?? []).compactMap { $0.diagnostic.suppression?.reason })
            func seen(_ finding: Finding) -> Int {
                (messages.contains(finding.diagnostic.message) ? 2 : 0) + (finding.diagnostic.suppression?.reason.map(reasons.contains) ?? false ? 1 : 0)
            }
            // A secret committed is out whether or not lint then fails: a gate that runs
            // `diff` alone weighs it too (audit V52: a key added passed as no change).
            let committed = Finding.secrets.contains(kind.prefix { $0 != " " })
            let silenced = found.filter { committed || $0.silenced != nil }.sorted { seen($0) < seen($1) }
            for finding in silenced.prefix(excess) { report(finding, silencedBy: finding.silenced) }
        }
        guard let judged = head.findingsByBaseStandards, !standards.changes.isEmpty else { return changes }
        for (kind, found) in Dictionary(grouping: judged, by: { $0.kind() }) {
            let excess = found.count - max(own[kind]?.count ?? 0, had[kind]?.count ?? 0)
            guard excess > 0 else { continue }
            // The new ones first: a message neither HEAD's own standards nor BASE made.
            let messages = Set(((own[kind] ?? []) + (had[kind] ?? [])).map(\.diagnostic.message))
            let fresh = found.sorted { !messages.contains($0.diagnostic.message) && messages.contains($1.diagnostic.message) }
            for finding in fresh.prefix(excess) { report(finding, silencedBy: standards.silencer) }
        }
        return changes
    }

    /// The methods and paths a route's requests may reach the backend with, sorted when
    /// a branch adds some. Kept as a list, so that no path or expression holding " or "
    /// is taken for two.
    struct ReachedOperations {
        struct Operation: Hashable {
            var method: String
            var path: String
        }

        var operations: [Operation]

        init(_ operations: [Operation]) { self.operations = operations }

        /// As written, each joined by "or".
        var text: String { operations.map { "\($0.method) \($0.path)" }.joined(separator: " or ") }
        /// With parameter names erased: `/orders/{id}` and `/orders/{orderId}` are one.
        var shape: String { operations.map { "\($0.method) \(Self.shape(of: $0.path))" }.joined(separator: " or ") }

        static func shape(of path: String) -> String {
            var shape = ""
            var inParameter = false
            for character in path {
                if character == "{" { inParameter = true } else if character == "}" { inParameter = false } else if inParameter { continue }
                shape.append(character)
            }
            return shape
        }
    }

    /// A route of one side with its plan; `name` is `api/route` as written.
    struct DiffRoute {
        var name: String
        var route: EffectiveRoute
        var plan: EnforcementPlan
        /// The operation callers call: the API's path, its version, the method and the
        /// route's path with parameter names erased, without case. An API or route renamed
        /// keeps it, and one whose path changed only in case is taken for the same: a guess
        /// that pairs them shows what changed, where none would hide it.
        var operation: String
        /// The method and path its requests reach the backend with, as written and with
        /// parameter names erased (``RouteComparison/backendOperation(_:rewrites:_:)``).
        var reached: ReachedOperations
        /// The operation on the backend that the route reaches, through its rewrite: the
        /// method, and the backend's URL (a pool's name) joined with the path, without case
        /// or a final `/`, as most backends route. Routes of any API that reach it guard it
        /// alike.
        var backendOperation: String
        /// Each operation in ``backendOperation``, and for a pool each its members' URLs
        /// reach: a route reaching several guards each.
        var backendOperations: [String]

        var api: String { String(name.prefix { $0 != "/" }) }
    }

    /// A backend's URL (or a backend entity's name) joined with a path, as the server
    /// resolves the path: escapes of characters that need none decoded, empty and `.`
    /// segments dropped, and each `..` taking off the segment before it, the URL's own
    /// included (audit V75: a rewrite to `/x/../admin/users` reached an operation another
    /// route guards, unweighed). Told by its text first: most paths hold none of them.
    static func resolved(_ joined: String) -> String {
        let afterHost = joined.range(ofBytes: "://").map { joined[$0.upperBound...] } ?? joined[...]
        let start = afterHost.firstIndex(of: "/") ?? joined.endIndex
        let end = joined[start...].firstIndex(of: "?") ?? joined.endIndex
        let path = joined[start..<end]
        guard Self.mayMoveASegment(path) else { return joined }
        // A backslash, and an escaped `/` or `\\`, separate segments as `/` does to .NET and
        // most servers (audit V76); empty segments count while `..` is applied, as RFC 3986
        // (5.2.4) does.
        let separated = path.replacing("\\", with: "/").replacing("%2f", with: "/").replacing("%5c", with: "/")
        var segments: [String] = []
        for segment in separated.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            // `..;x` is `..` to servers that take `;` for parameters; another name keeps
            // its `;`, an ordinary character to .NET (audit V77).
            var decoded = Self.decodingUnreserved(segment)
            if decoded.hasPrefix("..;") { decoded = ".." } else if decoded.hasPrefix(".;") { decoded = "." }
            switch decoded {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(decoded)
            }
        }
        return String(joined[..<start]) + "/" + segments.filter { !$0.isEmpty }.joined(separator: "/") + joined[end...]
    }

    /// Whether `path` holds what the server reads otherwise than as written: `/.`, `//`,
    /// `%`, `\\` or `;`. Read as bytes, in one pass: every route's path is asked, and for
    /// each backend a raw policy may send it to.
    private static func mayMoveASegment(_ path: Substring) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: ";") { return true }
            if previous == UInt8(ascii: "/"), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") { return true }
            previous = byte
        }
        return false
    }

    /// `segment` with each `%XX` of a letter, digit, `-`, `.`, `_` or `~` decoded, as
    /// servers read them (RFC 3986, 6.2.2.2); other escapes kept.
    private static func decodingUnreserved(_ segment: Substring) -> String {
        guard segment.contains("%") else { return String(segment) }
        var bytes = Array(segment.utf8)[...]
        var out: [UInt8] = []
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "%"), bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16),
                (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || "-._~".utf8.contains(value)
            {
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self).lowercased()
    }

    /// `text` without the `/`s that end it: `/orders/` and `/orders` reach one operation.
    static func withoutFinalSlash(_ text: String) -> String {
        var text = Substring(text)
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }

    /// One route in both versions.
    struct RoutePair {
        var old: DiffRoute
        var new: DiffRoute
    }

    /// Each route with its plan, by `api/route` without case, as APIM names resources;
    /// routes without a plan (a broken side is refused before comparing) are left out.
    static func routes(_ side: Side) -> [String: DiffRoute] {
        let project = side.project
        let substitution = GatewayComparison.Substitution(project.gateway)
        var raw = RawRequestTargets(project, substitution)
        // An API's routes share its backend: each URL is read once.
        var servers: [String: String] = [:]
        var routes: [String: DiffRoute] = [:]
        for (route, plan) in zip(project.routes, project.plans) {
            guard let plan else { continue }
            let api = project.apis[route.apiIndex]
            let name = "\(api.name.value)/\(route.written.id.value)"
            let key = name.lowercased()
            guard routes[key] == nil else { continue }
            let version = api.version.map { "\($0.set.value) \($0.name.value)".lowercased() } ?? ""
            let operation = "\(api.path.value.lowercased()) \(version) \(route.written.method.value.rawValue) \(route.written.path.value.shape.lowercased())"
            // The method, then the URL and the path joined: `…/api` with `/orders/{id}` is
            // `…/api/orders/{id}` with `/{id}`.
            let reachedAs = RouteComparison.backendOperation(route.written, rewrites: side.requestRewrites(on: route), substitution)
            func server(_ url: String) -> String {
                if let known = servers[url] { return known }
                let server = BackendDiff.serverForm(of: url)
                servers[url] = server
                return server
            }
            // Each operation's method and path shape, read once for every backend it is joined to.
            let shapes = reachedAs.operations.map { ($0.method.lowercased(), ReachedOperations.shape(of: $0.path).lowercased()) }
            func operations(on base: String) -> [String] {
                shapes.map { method, shape in "\(method) \(Self.withoutFinalSlash(Self.resolved(base + shape)))" }
            }
            let base = plan.backend.url.map(server) ?? "backend \(plan.backend.name?.lowercased() ?? "")"
            // A pool's members are reached too: a route sent to one of their URLs reaches
            // what the pool's routes guard (the audit of the fixes found it compared with none).
            let members = plan.backend.url == nil ? plan.backend.resolved?.members.compactMap { $0.backend.service?.url.value } ?? [] : []
            // So is each backend a raw `set-backend-service` may send the requests to instead
            // (audit V113: a public route sent to another API's backend was compared with
            // the guards of its declared one).
            let rawBases = raw.backends(of: route).map { $0.hasPrefix("backend ") ? $0.lowercased() : server($0) }
            // A route the gateway answers itself reaches no backend operation, nor guards one.
            let backend = plan.answer != nil ? ["answered \(key)"] : operations(on: base)
            let guarded = plan.answer != nil ? backend : backend + (members.map(server) + rawBases).flatMap(operations(on:))
            routes[key] = DiffRoute(
                name: name, route: route, plan: plan, operation: operation, reached: reachedAs, backendOperation: backend.joined(separator: " or "),
                backendOperations: guarded)
        }
        return routes
    }

    /// Requests that go elsewhere, or with other credentials: one change per API for the
    /// API's own backend, which all its routes without one of their own reach, and one per
    /// route that has (or had) its own. Compared as APIM reads them, named values put in.
    /// Credentials that now go to another host are a privilege increase, as they are when a
    /// declared backend's URL changes (``BackendDiff``).
    static func backendChanges(_ pairs: [RoutePair], base: Side, head: Side) -> [AccessChange] {
        let (was, now) = (GatewayComparison.Substitution(base.project.gateway), GatewayComparison.Substitution(head.project.gateway))
        var (oldRaw, newRaw) = (RawRequestTargets(base.project, was), RawRequestTargets(head.project, now))
        var changes: [String: AccessChange] = [:]
        let headFragments = head.project.fragments.documentsByName
        for pair in pairs {
            let (old, new) = (pair.old, pair.new)
            // A `Host` the definitions set is one as a raw policy's is (the audit of the fixes).
            let oldSent = oldRaw.of(old.route).merging(oldRaw.declaredHost(of: old.plan)) { first, _ in first }
            let newSent = newRaw.of(new.route).merging(newRaw.declaredHost(of: new.plan)) { first, _ in first }
            let rawMoved = Set(oldSent.keys) != Set(newSent.keys)
            let ownBackend =
                old.route.written.backend != nil || new.route.written.backend != nil
                || (rawMoved && !(oldRaw.ownOf(old.route).isEmpty && newRaw.ownOf(new.route).isEmpty))
            let changed = ownBackend ? AccessChange.Subject.route(new.name) : AccessChange.Subject(kind: .api, name: new.api)
            // An API's routes share its backend; the change is weighed by the one whose
            // requests carry the most (a route that needs a token, beside a public one).
            if let found = changes[changed.name], found.category == .privilegeIncrease { continue }
            let (oldTarget, newTarget) = (target(old.plan.backend, was), target(new.plan.backend, now))
            // Raw statements send requests on beside the backend: to each of their targets too.
            let (reached, reaches) = (
                hosts(old.plan.backend, was).union(oldSent.keys.map(RawRequestTargets.host)), hosts(new.plan.backend, now).union(newSent.keys.map(RawRequestTargets.host))
            )
            let sameBackend = newTarget.named.map { $0.lowercased() == oldTarget.named?.lowercased() } ?? (oldTarget == newTarget)
            guard !sameBackend || rawMoved || reaches != reached else { continue }
            let (before, after) = (
                describe(old.plan.backend, was) + Self.describe(raw: oldSent.keys),
                describe(new.plan.backend, now) + Self.describe(raw: newSent.keys)
            )
            let who = ownBackend ? "route \(subject(new.name))" : "API '\(new.api)'"
            let (category, message): (AccessChange.Category, String)
            if carriesCredentials(new.plan) || head.checksTokensInRawPolicies(new.name) || rawPoliciesAddCredentials(new.route, head.project, headFragments)
                || (urls(new.plan.backend, now) + newSent.keys).contains(where: BackendDiff.holdsASecret),
                !reaches.isSubset(of: reached)
            {
                // The same backend named on both sides reads alike: the hosts it now reaches say what moved.
                let to =
                    sameBackend && !rawMoved
                    ? reaches.subtracting(reached).sorted().map(GatewayComparison.shown).joined(separator: ", ") + " through backend '\(newTarget.named ?? "")', which now leads there"
                    : "\(after) instead of \(before)"
                (category, message) = (.privilegeIncrease, "now sends requests, with the credentials they carry, to \(to)")
            } else if BackendDiff.isDowngrade(from: oldTarget.url, to: newTarget.url)
                || newSent.keys.contains(where: { url in
                    oldSent[url] == nil && ([oldTarget.url] + oldSent.keys.map(Optional.some)).contains { BackendDiff.isDowngrade(from: $0, to: url) }
                })
            {
                (category, message) = (.privilegeIncrease, "now sends requests over plain HTTP: \(after) instead of \(before)")
            } else if sameBackend, !rawMoved {
                // A declared backend's own URL changing otherwise is BackendDiff's to report, once.
                continue
            } else if Self.movesOnAHost(
                from: [oldTarget.url].compactMap { $0 } + oldSent.keys, to: (sameBackend ? [] : [newTarget.url].compactMap { $0 }) + newSent.keys.filter { oldSent[$0] == nil })
            {
                (category, message) = (.privilegeIncrease, "now sends requests to \(after) instead of \(before): another path or port of that host, under the checks they had")
            } else {
                (category, message) = (.other, "now sends requests to \(after) instead of \(before)")
            }
            if let found = changes[changed.name], found.category <= category { continue }
            // The first new target as written: a dictionary's order changes from run to run.
            let place = newSent.filter { oldSent[$0.key] == nil }.values.min() ?? new.plan.backend.reference.text.range
            changes[changed.name] = AccessChange(category: category, subject: changed, message: "\(who) \(message)", place: head.location(place))
        }
        return Array(changes.values)
    }

    /// Whether a target the requests now reach, the backend or one a raw statement names,
    /// is another path or port of a host they reached before (``BackendDiff/movesOnItsHost(from:to:)``).
    private static func movesOnAHost(from reached: [String], to added: [String]) -> Bool {
        added.contains { to in reached.contains { BackendDiff.movesOnItsHost(from: $0, to: to) } }
    }

    /// Raw targets for a message, after the backend: " and, by policy, 'a', 'b'".
    private static func describe(raw targets: Dictionary<String, SourceRange>.Keys) -> String {
        targets.isEmpty ? "" : " and, by policy, " + targets.sorted().map(GatewayComparison.shown).joined(separator: ", ")
    }

    /// Whether a route's requests carry what lets their receiver in elsewhere: the
    /// credentials its declared backend sends, the caller's token (APIM passes the
    /// `Authorization` header on), the caller's subscription key (passed on too, as
    /// Microsoft's page on subscriptions says: audit V67), or a header or parameter the
    /// gateway fills from a named value.
    private static func carriesCredentials(_ plan: EnforcementPlan) -> Bool {
        if plan.token != nil || plan.backend.managedIdentity != nil || plan.keylessAccess == nil { return true }
        if let resolved = plan.backend.resolved {
            let services = resolved.backend.service.map { [$0] } ?? resolved.members.compactMap(\.backend.service)
            if services.contains(where: { $0.credentials?.isSent == true }) { return true }
        }
        guard let shaping = plan.requestShaping else { return false }
        return (shaping.headers + shaping.query).contains { $0.value?.value.contains("{{") == true }
    }

    /// Whether a raw policy a route's requests pass, or a fragment it includes, gives them
    /// the gateway's credentials (its managed identity's token, a password, a client
    /// certificate; audit V67: one in a fragment was not seen).
    private static func rawPoliciesAddCredentials(_ route: EffectiveRoute, _ project: ResolvedProject, _ fragments: [String: PolicyXMLDocument]) -> Bool {
        rawDocuments(of: route, in: project, fragments).contains { $0.has(anyOf: rawCredentialStatements) }
    }

    /// The raw policies a route's requests pass, each scope's, and the fragments they
    /// include (`fragments`, by name: ``PortcullisModel/Swift/Array/documentsByName``).
    private static func rawDocuments(of route: EffectiveRoute, in project: ResolvedProject, _ fragments: [String: PolicyXMLDocument]) -> [PolicyXMLDocument] {
        var pending = ([route.written.policy?.document, project.apis[route.apiIndex].policy?.document, project.gateway?.policy?.document]
            + route.products.map { project.products[$0].policy?.document }).compactMap { $0 }
        var documents: [PolicyXMLDocument] = []
        var included: Set<String> = []
        while let document = pending.popLast() {
            documents.append(document)
            guard !fragments.isEmpty else { continue }
            for include in document.elements(named: fragmentIncludes) {
                guard case .text(let id)? = include.attribute("fragment-id")?.value, included.insert(id).inserted, let fragment = fragments[id] else { continue }
                pending.append(fragment)
            }
        }
        return documents
    }

    /// Whether a raw policy counts requests per subscription: `rate-limit` and `quota`
    /// always do, a limit by key when its key reads the subscription or its key's header
    /// (in any case, audit V71; not another header that names one, V73).
    private static func countsPerSubscription(_ document: PolicyXMLDocument) -> Bool {
        document.has(anyOf: subscriptionLimits)
            || document.elements(named: limitsByKey).contains { limit in
                // Spacing aside (audit V74: `context.Subscription .Id`).
                guard let key = limit.attribute("counter-key")?.value.written.filter({ !$0.isWhitespace }).lowercased() else { return false }
                return key.contains("context.subscription") || key.contains("ocp-apim-subscription-key")
            }
    }

    private static let subscriptionLimits: Set<String> = ["rate-limit", "quota"]
    private static let limitsByKey: Set<String> = ["rate-limit-by-key", "quota-by-key", "llm-token-limit", "azure-openai-token-limit"]

    private static let rawCredentialStatements: Set<String> = ["authentication-managed-identity", "authentication-basic", "authentication-certificate"]
    private static let fragmentIncludes: Set<String> = ["include-fragment"]

    /// The hosts a route's requests may reach: its URL's, or each pool member's.
    private static func hosts(_ backend: PlannedBackend, _ values: GatewayComparison.Substitution) -> Set<String> {
        Set(urls(backend, values).map(BackendDiff.host(of:)))
    }

    /// The URLs a route's requests may go to, named values put in: its URL, or each pool
    /// member's.
    private static func urls(_ backend: PlannedBackend, _ values: GatewayComparison.Substitution) -> [String] {
        guard let resolved = backend.resolved, resolved.backend.isPool else { return [values.value(backend.url ?? "")] }
        return resolved.members.compactMap { $0.backend.service.map { values.value($0.url) } }
    }

    /// A route's backend: the declared backend it names, if any, and the URL requests go
    /// to, named values put in (a pool has none).
    private static func target(_ backend: PlannedBackend, _ values: GatewayComparison.Substitution) -> (named: String?, url: String?) {
        (backend.name, backend.url.map { values.value($0) })
    }

    /// A route's backend for a message: what it names and the credentials its requests
    /// carry; what else a declared backend does is ``BackendDiff``'s.
    static func describe(_ backend: PlannedBackend, _ values: GatewayComparison.Substitution) -> String {
        var text: String
        let url = backend.url.map { values.value($0) } ?? ""
        if let resolved = backend.resolved, resolved.backend.isPool {
            text = "pool '\(resolved.backend.name.value)' of " + resolved.members.map { "'\($0.backend.name.value)'" }.joined(separator: ", ")
        } else if let name = backend.name {
            text = "backend '\(name)' (\(GatewayComparison.masked(url)))"
        } else {
            text = GatewayComparison.shown(url)
        }
        if let identity = backend.managedIdentity { text += " as managed identity for \(GatewayComparison.shown(identity.resource))" }
        return text
    }

    /// APIs that became callable without a subscription key, or stopped being: one change
    /// per API, since the key check applies to all of its routes.
    static func keylessChanges(_ pairs: [RoutePair], base: Side, head: Side) -> [AccessChange] {
        var changes: [String: AccessChange] = [:]
        var limits: [String: AccessChange] = [:]
        for pair in pairs {
            let (old, new) = (pair.old, pair.new)
            let api = new.api
            let subject = AccessChange.Subject(kind: .api, name: api)
            switch (old.plan.keylessAccess, new.plan.keylessAccess) {
            case (nil, let keyless?):
                let why: String
                switch keyless {
                case .api: why = "it requires no subscription"
                case .openProduct(let product, _): why = "the open product '\(product)' includes it"
                }
                changes[api] = changes[api] ?? AccessChange(
                    category: .privilegeIncrease, subject: subject,
                    message: "API '\(api)' can now be called without a subscription key: \(why)", place: head.location(keyless.range))
                // An open product's own limits are weighed with the product; an API's
                // callers without a key are counted by no product's limits and by no
                // subscription (RL007, RL008; audit V114: a gate on looser limits passed).
                if case .api = keyless, limits[api] == nil, let counting = Self.limitsCountingSubscriptions(of: new.route, in: head.project) {
                    limits[api] = AccessChange(
                        category: .looserLimit, subject: subject,
                        message: "API '\(api)' requires no subscription, so \(counting) do not count its callers without a key apart",
                        place: head.location(keyless.range))
                }
            case (let keyless?, nil):
                changes[api] = changes[api] ?? AccessChange(
                    category: .privilegeDecrease, subject: subject, message: "API '\(api)' now requires a subscription key",
                    place: base.location(keyless.range))
            default:
                break
            }
        }
        return Array(changes.values) + Array(limits.values)
    }

    /// What counts `route`'s calls by subscription: its products' limits, declared or raw
    /// (a product's policy runs for its subscribers alone: audit V117), and its own limits
    /// keyed by subscription, named for a message; nil when nothing does.
    private static func limitsCountingSubscriptions(of route: EffectiveRoute, in project: ResolvedProject) -> String? {
        var named = route.products.map { project.products[$0] }
            .filter { $0.rateLimit != nil || $0.quota != nil || $0.policy?.document?.has(anyOf: RawPolicyDiff.limits) == true }
            .map { "the limits of product '\($0.name.value)'" }
        if route.activeRateLimit?.effectiveKey == .subscription || route.activeQuota?.effectiveKey == .subscription {
            named.append("the API's own limits counted by subscription")
        }
        return named.isEmpty ? nil : named.joined(separator: " and ")
    }

    static func subject(_ key: String) -> String { "'\(key)'" }

    /// HEAD's files of definitions that a pattern BASE's `exclude` does not have removes:
    /// nothing in them is checked, and what they declared stays live in APIM, which the
    /// publisher deletes only with a commit that deletes it (audit V25), as a rule silenced
    /// in the same change is weighed.
    static func exclusionChanges(base: Side, head: Side) -> [AccessChange] {
        head.exclusions.filter { file in !base.excludePatterns.contains { Glob.matches($0, file.relative) } }.map { file in
            AccessChange(
                category: .privilegeIncrease, subject: AccessChange.Subject(kind: .file, name: file.path),
                message: "'\(file.path)' is now excluded by '\(file.pattern)', so nothing in it is checked",
                place: AccessChange.Place(file: file.path, line: 1, column: 1, inBase: false))
        }
    }

    /// Whether a document's `http` or `https` server may become a `serviceUrl` that serves
    /// requests: any but a loopback host (what springdoc writes by default), which serves
    /// nothing (audit V27: one failed the gate for an added API). Told by its shape alone,
    /// character by character: parsers differ on a `\`, a blank or an `@`, and
    /// `https://evil.example\@localhost` is `evil.example` to APIM's (audit V28).
    private static func mayServe(_ server: String) -> Bool {
        let text = server.lowercased()
        for scheme in ["http://", "https://"] where text.hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let authority = rest.prefix { $0 != "/" }
            let host = authority.hasPrefix("[") ? authority.prefix { $0 != "]" } + "]" : authority.prefix { $0 != ":" }
            let port = authority.dropFirst(host.count)
            guard ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"].contains(String(host)), port.isEmpty || (port.first == ":" && port.dropFirst().allSatisfy(\.isNumber)) else { continue }
            return false
        }
        return true
    }

    /// The server of an API's own OpenAPI document APIM takes, changed (`previous` nil: the API
    /// was added): APIM may take it for the API's `serviceUrl` when the publisher imports
    /// the document (Azure/apiops#832), and requests that no policy sends elsewhere go
    /// there, with their credentials (audit V24: a server moved to another host passed as
    /// no change; audit V25: an added API's went unmentioned). One that names the API's own
    /// URL `backend` changes nothing the definitions do not say, and a backend entity is set
    /// by the API's generated statement: those are `other`, and an added API's is not shown.
    /// The server of `api`'s own document APIM takes on import: the first `https` one, else
    /// the first `http` one, else none (Microsoft's "API import restrictions and known
    /// issues"; audit V27: an `https` server after an `http` first one went unweighed).
    private static func servedServer(of api: API) -> String? {
        let servers = api.openapi?.document?.about.serverURLs ?? []
        return servers.first { $0.lowercased().hasPrefix("https://") } ?? servers.first { $0.lowercased().hasPrefix("http://") }
    }

    private static func serverChange(from previous: API?, to api: API, at head: Side) -> AccessChange? {
        let (was, now) = (previous.flatMap(Self.servedServer), Self.servedServer(of: api))
        guard let now, let written = api.openapi?.written, now != was else { return nil }
        func normalized(_ url: String) -> String { (url.hasSuffix("/") ? String(url.dropLast()) : url).lowercased() }
        let routedByServiceURL: Bool
        switch api.backend {
        case .url(let backend): routedByServiceURL = normalized(backend.value) != normalized(now) && Self.mayServe(now)
        case .named: routedByServiceURL = false
        }
        guard routedByServiceURL || previous != nil else { return nil }
        let change =
            previous == nil
            ? "was added with an OpenAPI document that names server \(GatewayComparison.shown(now)), not its backend"
            : "now names server \(GatewayComparison.shown(now))" + (was.map { " instead of \(GatewayComparison.shown($0))" } ?? "")
        return AccessChange(
            category: routedByServiceURL ? .privilegeIncrease : .other, subject: AccessChange.Subject(kind: .api, name: api.name.value),
            message: (previous == nil ? "API '\(api.name.value)' " : "the OpenAPI document of API '\(api.name.value)' ")
                + change + ", which APIM may take for the API's serviceUrl when it imports the document",
            place: head.location(written.range))
    }

    /// Where an API is served, over which schemes and in which revision: plain HTTP lets
    /// tokens and keys cross the network unencrypted.
    static func apiChanges(base: Side, head: Side, renames: Renames) -> [AccessChange] {
        let before = Dictionary(base.project.apis.map { ($0.name.value.lowercased(), $0) }) { first, _ in first }
        var changes: [AccessChange] = []
        for api in head.project.apis {
            guard let previous = before[renames.apiBefore(api.name.value).lowercased()] else {
                if let change = serverChange(from: nil, to: api, at: head) { changes.append(change) }
                continue
            }
            let subject = AccessChange.Subject(kind: .api, name: api.name.value)
            if previous.name.value.lowercased() != api.name.value.lowercased() {
                changes.append(AccessChange(
                    category: .other, subject: subject,
                    message: "API '\(api.name.value)' was '\(previous.name.value)' before; subscriptions to it do not move to a new name",
                    place: head.location(api.name.range)))
            }
            if previous.path.value != api.path.value {
                changes.append(AccessChange(
                    category: .other, subject: subject,
                    message: "API '\(api.name.value)' is now served under '\(api.path.value)' instead of '\(previous.path.value)'",
                    place: head.location(api.path.range)))
            }
            // The publisher makes a new revision current by cloning the one that was; the
            // old stays callable at `;rev=N` with the policies it had, so a change made with
            // the move leaves them in place there (the audit of the bundle).
            let (wasRevision, isRevision) = (previous.revision?.value ?? 1, api.revision?.value ?? 1)
            if wasRevision != isRevision {
                changes.append(AccessChange(
                    category: .other, subject: subject,
                    message: "API '\(api.name.value)' is now revision \(isRevision) instead of \(wasRevision); revision \(wasRevision) stays callable at '\(api.path.value);rev=\(wasRevision)' with the policies it has until it is taken offline or deleted",
                    place: head.location(api.revision?.range ?? api.name.range)))
            }
            if let change = serverChange(from: previous, to: api, at: head) { changes.append(change) }
            func acceptsHTTP(_ api: API) -> Bool { api.protocols?.contains { $0.value == .http } ?? false }
            if !acceptsHTTP(previous), acceptsHTTP(api) {
                changes.append(AccessChange(
                    category: .privilegeIncrease, subject: subject,
                    message: "API '\(api.name.value)' now accepts calls over plain HTTP: tokens and keys cross the network unencrypted",
                    place: head.location(api.protocols?.first { $0.value == .http }?.range ?? api.name.range)))
            } else if acceptsHTTP(previous), !acceptsHTTP(api) {
                changes.append(AccessChange(
                    category: .privilegeDecrease, subject: subject, message: "API '\(api.name.value)' no longer accepts calls over plain HTTP",
                    place: head.location(api.protocols?.first?.range ?? api.name.range)))
            }
        }
        return changes
    }

    /// Who may get a subscription to a product's APIs: a product anyone can subscribe to
    /// without approval, or that gains APIs, gives more callers a key. Products open to
    /// calls without a key are judged per API, by ``keylessChanges``.
    static func productChanges(base: Side, head: Side, renames: Renames) -> [AccessChange] {
        // APIM takes names without case: 'Partners' is the product 'partners' was.
        let before = Dictionary(base.project.products.map { ($0.name.value.lowercased(), $0) }) { first, _ in first }
        let after = Dictionary(head.project.products.map { ($0.name.value.lowercased(), $0) }) { first, _ in first }
        var changes: [AccessChange] = []
        // The products (by name without case) some route of whose APIs a limit keyed by
        // subscription counts, in the definitions or a raw policy (audit V68); found once,
        // when a product's subscriptions limit is raised.
        var subscriptionCounted: Set<String>?
        func countedPerSubscription() -> Set<String> {
            if let subscriptionCounted { return subscriptionCounted }
            var names: Set<String> = []
            let fragments = head.project.fragments.documentsByName
            for route in head.project.routes where !route.products.isEmpty {
                guard route.activeRateLimit?.effectiveKey == .subscription || route.activeQuota?.effectiveKey == .subscription
                    || rawDocuments(of: route, in: head.project, fragments).contains(where: countsPerSubscription)
                else { continue }
                for index in route.products { names.insert(head.project.products[index].name.value.lowercased()) }
            }
            subscriptionCounted = names
            return names
        }
        // A product renamed (``Renames``) is weighed against what it was, not hidden as an
        // addition.
        for (key, product) in after {
            let name = product.name.value
            let subject = AccessChange.Subject(kind: .product, name: name)
            let approval = product.approvalRequired?.range ?? product.name.range
            let previous = before[renames.productBefore(name).lowercased()]
            if let previous, previous.name.value.lowercased() != key {
                changes.append(AccessChange(
                    category: .other, subject: subject, message: "product '\(name)' was '\(previous.name.value)' before; subscriptions do not move to a new name",
                    place: head.location(product.name.range)))
            }
            guard let previous else {
                changes.append(AccessChange(
                    category: product.effectiveApprovalRequired ? .other : .privilegeIncrease, subject: subject,
                    message: "product '\(name)' was added; "
                        + (product.effectiveApprovalRequired ? "subscriptions need approval" : "anyone may subscribe without approval"),
                    place: head.location(product.name.range)))
                continue
            }
            switch (previous.effectiveApprovalRequired, product.effectiveApprovalRequired) {
            case (true, false):
                changes.append(AccessChange(
                    category: .privilegeIncrease, subject: subject,
                    message: "product '\(name)' no longer requires approval: anyone may subscribe", place: head.location(approval)))
            case (false, true):
                changes.append(AccessChange(
                    category: .privilegeDecrease, subject: subject, message: "product '\(name)' now requires approval to subscribe",
                    place: head.location(approval)))
            default:
                break
            }
            // More developers who may subscribe: without approval, each gets a key at once.
            let opening: AccessChange.Category = product.effectiveApprovalRequired ? .other : .privilegeIncrease
            if !previous.effectivePublished, product.effectivePublished {
                changes.append(AccessChange(
                    category: opening, subject: subject, message: "product '\(name)' is now published: developers in its groups may subscribe",
                    place: head.location(product.published?.range ?? product.name.range)))
            } else if previous.effectivePublished, !product.effectivePublished {
                changes.append(AccessChange(
                    category: .privilegeDecrease, subject: subject, message: "product '\(name)' is no longer published",
                    place: head.location(product.published?.range ?? product.name.range)))
            }
            let oldGroups = Set(previous.groups.map { $0.value.lowercased() })
            let newGroups = Set(product.groups.map { $0.value.lowercased() })
            for group in product.groups where !oldGroups.contains(group.value.lowercased()) {
                changes.append(AccessChange(
                    category: product.effectivePublished ? opening : .other, subject: subject,
                    message: "product '\(name)' is now visible to group '\(group.value)', whose developers may subscribe", place: head.location(group.range)))
            }
            for group in previous.groups where !newGroups.contains(group.value.lowercased()) {
                changes.append(AccessChange(
                    category: .privilegeDecrease, subject: subject, message: "product '\(name)' is no longer visible to group '\(group.value)'",
                    place: base.location(group.range)))
            }
            for (what, old, new) in [("rate limit", previous.rateLimit, product.rateLimit), ("quota", previous.quota, product.quota)] {
                let at = head.location(new?.range ?? product.name.range)
                switch (old, new) {
                case (let old?, nil):
                    changes.append(AccessChange(
                        category: .looserLimit, subject: subject, message: "product '\(name)' lost its \(what) (was \(describe(old)))", place: at))
                case (nil, let new?):
                    changes.append(AccessChange(
                        category: .stricterLimit, subject: subject, message: "product '\(name)' gained a \(what) of \(describe(new))", place: at))
                case (let old?, let new?) where old.calls.value != new.calls.value || old.per.value != new.per.value:
                    let looser = Limit.letsMoreThrough(calls: new.calls.value, per: new.per.value, thanCalls: old.calls.value, per: old.per.value)
                    changes.append(AccessChange(
                        category: looser ? .looserLimit : .stricterLimit, subject: subject,
                        message: "product '\(name)' has a \(looser ? "looser" : "stricter") \(what): \(describe(new)), was \(describe(old))", place: at))
                default:
                    break
                }
            }
            // An open product's limits count nothing: APIM counts them by subscription, and
            // its callers need none (RL008; audit V31: a gate on looser limits alone passed).
            if previous.effectiveSubscriptionRequired, !product.effectiveSubscriptionRequired, product.rateLimit != nil || product.quota != nil {
                changes.append(AccessChange(
                    category: .looserLimit, subject: subject,
                    message: "product '\(name)' no longer requires a subscription, so its \(product.rateLimit != nil && product.quota != nil ? "rate limit and quota count" : product.rateLimit != nil ? "rate limit counts" : "quota counts") nothing",
                    place: head.location(product.subscriptionRequired?.range ?? product.name.range)))
            }
            // A product's limits count per subscription, and so do its APIs' limits keyed by
            // subscription (the language's default key): a developer who may hold more
            // subscriptions spends each budget that many times over (audits V59 and V60:
            // raised or removed, it passed as no change). Left out, a developer may hold any
            // number.
            if product.effectiveSubscriptionRequired {
                let (was, now) = (previous.subscriptionsLimit?.value, product.subscriptionsLimit?.value)
                if let was, now.map({ $0 > was }) ?? true,
                    product.rateLimit != nil || product.quota != nil || product.policy != nil || countedPerSubscription().contains(key)
                {
                    changes.append(AccessChange(
                        category: .looserLimit, subject: subject,
                        message: "product '\(name)' lets a developer hold \(now.map { "\($0) subscriptions" } ?? "any number of subscriptions") instead of \(was), each counting its limits anew",
                        place: head.location(product.subscriptionsLimit?.range ?? product.name.range)))
                }
            }
            let had = Set(previous.apis.map { renames.api($0.value).lowercased() })
            for api in product.apis where !had.contains(api.value.lowercased()) {
                changes.append(AccessChange(
                    category: .privilegeIncrease, subject: subject,
                    message: "product '\(name)' now includes API '\(api.value)': its subscribers may call it", place: head.location(api.range)))
            }
            let has = Set(product.apis.map { $0.value.lowercased() })
            for api in previous.apis where !has.contains(renames.api(api.value).lowercased()) {
                changes.append(AccessChange(
                    category: .privilegeDecrease, subject: subject,
                    message: "product '\(name)' no longer includes API '\(api.value)'", place: base.location(api.range)))
            }
        }
        for (key, product) in before where after[renames.product(key).lowercased()] == nil {
            let name = product.name.value
            changes.append(AccessChange(
                category: .other, subject: AccessChange.Subject(kind: .product, name: name),
                message: "product '\(name)' was removed", place: base.location(product.name.range)))
        }
        // A raw limit's budget for an API or operation that a rename leaves behind applies to
        // nothing, while the calls it counted still run the product's policy: they count
        // against the product's budget alone (audit V114: the policy's text was the same, so
        // "other"). An API the product no longer holds, or a route gone, has no such calls
        // (audit V117).
        let (was, now) = (GatewayComparison.Substitution(base.project.gateway), GatewayComparison.Substitution(head.project.gateway))
        var targets: [[String]: (api: String, route: String?)] = [:]
        for budget in IneffectiveProductLimit.budgets(in: base.project, resolved: was.resolved) {
            if let target = budget.target { targets[[renames.product(budget.product).lowercased()] + budget.identity.dropFirst()] = target }
        }
        let routes = Set(head.project.routes.map { "\(head.project.apis[$0.apiIndex].name.value)/\($0.written.id.value)".lowercased() })
        for budget in IneffectiveProductLimit.budgets(in: head.project, resolved: now.resolved) where budget.target == nil {
            guard let target = targets[budget.identity], let product = after[budget.product.lowercased()] else { continue }
            let api = renames.api(target.api)
            guard product.apis.contains(where: { $0.value.lowercased() == api.lowercased() }) else { continue }
            if let route = target.route, !routes.contains(renames.route("\(target.api)/\(route)").lowercased()) { continue }
            changes.append(AccessChange(
                category: .looserLimit, subject: AccessChange.Subject(kind: .product, name: budget.product),
                message: budget.described + ", which now applies to nothing, though the calls it counted still run the product's policy",
                place: head.location(budget.range)))
        }
        return changes
    }

    /// A product's limit, counted per subscription.
    private static func describe(_ limit: Limit) -> String { "\(limit.calls.value) calls per \(limit.per.value)s" }
}

/// The changes of one route that exists in both versions, from what each version enforces.
struct RouteComparison {
    let key: String
    let old: EnforcementPlan
    let new: EnforcementPlan
    let at: AccessChange.Place
    /// The names, lowercased, of HEAD's secrets that were no secret in BASE.
    let becameSecrets: Set<String>
    /// What each version's secrets hold and where BASE sent them, to tell a secret sent
    /// somewhere new from one renamed or moved; nil where no headers are compared.
    let secrets: SecretsReview?
    /// Whether a raw policy answers every request of the route, in each version.
    let answeredRaw: (old: Bool, new: Bool)
    /// Whether a raw token check guards every request of HEAD's route, asked only when a
    /// comparison needs it.
    let checkedRaw: () -> Bool
    /// What was found, each made a change only when read: a change's message is searched
    /// for credentials, which a route added in front of many guards paid for each.
    private var found: [(category: AccessChange.Category, message: String)] = []
    var categories: [AccessChange.Category] { found.map(\.category) }
    var changes: [AccessChange] {
        found.map { AccessChange(category: $0.category, subject: .route(key), message: "route \(AccessDiff.subject(key)) \($0.message)", place: at) }
    }

    init(
        key: String, old: EnforcementPlan, new: EnforcementPlan, at: AccessChange.Place, becameSecrets: Set<String>,
        secrets: SecretsReview? = nil, answeredRaw: (old: Bool, new: Bool) = (false, false), checkedRaw: @escaping () -> Bool = { false }
    ) {
        self.key = key
        self.old = old
        self.new = new
        self.at = at
        self.becameSecrets = becameSecrets
        self.secrets = secrets
        self.answeredRaw = answeredRaw
        self.checkedRaw = checkedRaw
    }

    private mutating func add(_ category: AccessChange.Category, _ message: String) {
        found.append((category, message))
    }

    /// The operation a route's checks guard: another method or path on the backend, the
    /// route's own or its rewrite's, puts the same checks in front of other requests.
    mutating func compareOperation(_ old: AccessDiff.DiffRoute, _ new: AccessDiff.DiffRoute) {
        let (before, after) = (old.route.written, new.route.written)
        let (was, now) = (old.reached, new.reached)
        if AccessDiff.withoutFinalSlash(was.shape.lowercased()) != AccessDiff.withoutFinalSlash(now.shape.lowercased()) {
            add(.privilegeIncrease, "now reaches '\(now.text)' on its backend instead of '\(was.text)', under the checks it had")
        } else if before.method.value != after.method.value || before.path.value.shape != after.path.value.shape {
            add(
                .other,
                "is now called as '\(after.method.value.rawValue) \(after.path.value.text)' instead of '\(before.method.value.rawValue) \(before.path.value.text)'")
        }
    }

    /// The methods and paths a route's requests may reach the backend with, as written and
    /// with parameter names erased, each joined by "or": the route's own, its `rewrite`'s,
    /// or those of raw `rewrite-uri`s or `set-method`s (`rewrites`, in the order they run),
    /// whichever runs last on the way a request takes, named values put in.
    static func backendOperation(_ route: Route, rewrites: [RequestRewrite], _ substitution: GatewayComparison.Substitution) -> AccessDiff.ReachedOperations {
        typealias Reached = AccessDiff.ReachedOperations.Operation
        // Each branch a request may take adds its own; they are few, as each rewrite sets
        // the path or method whatever it was.
        func apply(_ rewrites: [RequestRewrite], to reached: [Reached]) -> [Reached] {
            var reached = reached
            for rewrite in rewrites {
                switch rewrite {
                // A query a rewrite adds leaves the operation as it is, whichever writes it.
                case .generated:
                    guard let rewrite = route.shaping?.rewrite else { continue }
                    reached = reached.map { Reached(method: rewrite.method?.value.rawValue ?? $0.method, path: String(rewrite.path.value.prefix { $0 != "?" })) }
                // Read as APIM reads them; an expression is kept as written (its value is
                // unknown here, so any change of it is one).
                case .uri(let template):
                    let written = substitution.value(template.resolved)
                    let path = template.isExpression ? written : String(written.prefix { $0 != "?" })
                    reached = reached.map { Reached(method: $0.method, path: path) }
                case .method(let written):
                    let value = substitution.value(written.resolved)
                    let method = written.isExpression ? value : value.trimmingWhitespace.uppercased()
                    reached = reached.map { Reached(method: method, path: $0.path) }
                case .branches(let branches, let everyRequestTakesOne):
                    var taken = Set(everyRequestTakesOne ? [] : reached)
                    for branch in branches { taken.formUnion(apply(branch, to: reached)) }
                    reached = Array(taken)
                }
            }
            return reached
        }
        let all = apply(rewrites, to: [Reached(method: route.method.value.rawValue, path: route.path.value.text)])
        return AccessDiff.ReachedOperations(all.count == 1 ? all : Set(all).sorted { ($0.method, $0.path) < ($1.method, $1.path) })
    }

    mutating func compareAuth() {
        switch (old.token, new.token) {
        // A raw check on every request is a token check too, as lint reads it (the audit of
        // the fixes found a route moved to one reported as public). Its issuers, keys and
        // claims are its own, not compared with the provider's: it may trust another
        // tenant's tokens (audit V54), so it counts as an increase until a reviewer says not.
        case (let before?, nil) where checkedRaw():
            add(.privilegeIncrease, "no longer checks tokens from '\(before.provider.name.value)' itself: a raw policy checks every request's token, with issuers, keys and claims not compared with the provider's")
        case (_?, nil):
            add(.privilegeIncrease, "became public: it no longer requires a token")
        case (nil, let token?):
            add(.privilegeDecrease, "now requires a token from '\(token.provider.name.value)'")
        case (let before?, let after?):
            let (was, now) = (before.provider.name.value, after.provider.name.value)
            // Another provider trusts other issuers and keys: tokens that failed may now pass.
            if was != now { add(.privilegeIncrease, "checks tokens from '\(now)' instead of '\(was)'") }
            compareScopes(.scopes, "scope")
            compareScopes(.appRoles, "app role")
        case (nil, nil):
            break
        }
    }

    /// With any-of values, each added value admits more tokens and each removed one fewer;
    /// with all-of values, the reverse. A value added is weighed by the new match, one
    /// removed by the old, and one value is any-of and all-of alike: cutting all of
    /// `admin` and `write` to `write` alone admits more. Scopes and app roles are
    /// alternatives: gaining either kind admits tokens that did not pass before.
    private mutating func compareScopes(_ kind: ScopeCheck.Requirement.Kind, _ noun: String) {
        let before = old.scopes?.requirement(kind)
        let after = new.scopes?.requirement(kind)
        let oldSet = Set(before?.values ?? [])
        let newSet = Set(after?.values ?? [])
        let oldMatch = oldSet.count > 1 ? before?.match ?? .any : .any
        let newMatch = newSet.count > 1 ? after?.match ?? .any : .any
        if new.scopes == nil, old.scopes != nil {
            if kind == .scopes { add(.privilegeIncrease, "no longer requires any scope: any valid token passes") }
            return
        }
        if newSet.isEmpty, !oldSet.isEmpty {
            add(.privilegeDecrease, "no longer accepts tokens by \(noun)s")
            return
        }
        if oldSet.isEmpty, !newSet.isEmpty, old.scopes != nil {
            add(.privilegeIncrease, "now also accepts tokens by \(noun)s: \(newSet.sorted().map { "'\($0)'" }.joined(separator: ", "))")
            return
        }
        if oldMatch != newMatch, oldSet.count > 1, newSet.count > 1 {
            add(
                newMatch == .any ? .privilegeIncrease : .privilegeDecrease,
                "now needs \(newMatch == .any ? "any one" : "all") of its \(noun)s instead of \(oldMatch == .any ? "any one" : "all")")
        }
        for value in newSet.subtracting(oldSet).sorted() {
            add(newMatch == .any ? .privilegeIncrease : .privilegeDecrease, newMatch == .any ? "now accepts \(noun) '\(value)'" : "now also requires \(noun) '\(value)'")
        }
        for value in oldSet.subtracting(newSet).sorted() {
            add(oldMatch == .any ? .privilegeDecrease : .privilegeIncrease, oldMatch == .any ? "no longer accepts \(noun) '\(value)'" : "no longer requires \(noun) '\(value)'")
        }
    }

    mutating func compareLimit(_ kind: PlannedLimit.Kind, _ what: String) {
        switch (old.limits.first { $0.kind == kind }, new.limits.first { $0.kind == kind }) {
        case (let before?, nil):
            add(.looserLimit, "lost its \(what) (was \(Self.describe(before)))")
        case (nil, let after?):
            add(.stricterLimit, "gained a \(what) of \(Self.describe(after))")
        case (let before?, let after?):
            // Looser when it lets more through in a window or per second, even if it lets
            // fewer through in the other: a reviewer must see the larger burst.
            if Limit.letsMoreThrough(calls: after.calls, per: after.windowSeconds, thanCalls: before.calls, per: before.windowSeconds) {
                add(.looserLimit, "has a looser \(what): \(Self.describe(after)), was \(Self.describe(before))")
            } else if Limit.letsMoreThrough(calls: before.calls, per: before.windowSeconds, thanCalls: after.calls, per: after.windowSeconds) {
                add(.stricterLimit, "has a stricter \(what): \(Self.describe(after)), was \(Self.describe(before))")
            }
            // A route that stops sharing its API's counter spends a budget of its own beside
            // the other routes': the API's callers may make that many calls more, whatever the
            // route's own budget. Sharing it again is stricter where the budget is the same;
            // another budget is weighed above.
            if before.sharesTheAPICounter, !after.sharesTheAPICounter {
                add(.looserLimit, "counts its \(what) on a counter of its own instead of the one its API's routes share")
            } else if !before.sharesTheAPICounter, after.sharesTheAPICounter, before.calls == after.calls, before.windowSeconds == after.windowSeconds {
                add(.stricterLimit, "counts its \(what) on the counter its API's routes share instead of one of its own")
            }
            if !Self.countsAlike(before.key, after.key) {
                let message = "counts its \(what) by '\(after.key)' instead of '\(before.key)'"
                switch Self.spendsMoreCounters(after.key, than: before.key) {
                case true?: add(.looserLimit, message + ", " + Self.whyMoreCounters(after.key))
                case false?: add(.stricterLimit, message)
                // An application may hold several subscriptions, and several applications
                // share one (audit V114: either way was "other", where a raw key's was looser).
                case nil where Self.countsApplicationsApart(after.key, before.key):
                    add(.looserLimit, message + ", " + (after.key == .subscription
                        ? "which gives an application a budget for each subscription it holds"
                        : "which gives each application sharing a subscription a budget of its own"))
                case nil where after.key.countersPerCaller != nil && after.key.countersPerCaller == before.key.countersPerCaller: add(.other, message)
                // A claim whose holders only its issuer knows may count each caller finer
                // (audit V55: `claim:tid` to `claim:oid` was "other").
                case nil: add(.looserLimit, message + ", which diff cannot rank against the old key: review whose requests each counts")
                }
            }
        case (nil, nil):
            break
        }
    }

    /// Whether a caller counted by `key` may spend more counters than by `other` (false:
    /// fewer), in ``PortcullisModel/LimitKey/countersPerCaller``'s order; nil where it does
    /// not tell, but a key the caller picks is the most beside any other.
    private static func spendsMoreCounters(_ key: LimitKey, than other: LimitKey) -> Bool? {
        switch (key.countersPerCaller, other.countersPerCaller) {
        case (let now?, let was?) where now != was: now > was
        case (LimitKey.pickedByTheCaller?, nil): true
        case (nil, LimitKey.pickedByTheCaller?): false
        default: nil
        }
    }

    /// Whether two keys count by the same value: a header's name is read without case, as
    /// HTTP reads it (audit V114: a name respelt was a change on every route).
    private static func countsAlike(_ key: LimitKey, _ other: LimitKey) -> Bool {
        if case .header(let name) = key, case .header(let otherName) = other { return name.lowercased() == otherName.lowercased() }
        return key == other
    }

    /// Whether `key` and `other` both count an application, one by its subscription and the
    /// other by its tokens' client: neither stands for the other.
    private static func countsApplicationsApart(_ key: LimitKey, _ other: LimitKey) -> Bool {
        key.countersPerCaller == 0 && other.countersPerCaller == 0 && (key == .subscription) != (other == .subscription)
    }

    /// Why counting by `key` lets a caller spend more counters than a key before it in
    /// ``PortcullisModel/LimitKey/countersPerCaller``'s order.
    private static func whyMoreCounters(_ key: LimitKey) -> String {
        switch key {
        case .header: "which callers choose"
        case .claim where key.countsPerToken: "which every new token changes"
        case .ip: "which counts each address a caller sends from apart"
        case .claim, .user, .subscription, .client: "which gives each user of an application a budget of their own"
        }
    }

    mutating func compareCache() {
        switch (old.cache, new.cache) {
        case (nil, let cache?):
            add(cache.isShared ? .cacheWidened : .other, "now caches responses (\(cache.sharingName), \(cache.ttlSeconds)s)")
        case (_?, nil):
            add(.other, "no longer caches responses")
        case (let before?, let after?):
            if before.isShared != after.isShared {
                add(after.isShared ? .cacheWidened : .other, "now shares cached responses \(after.isShared ? "between callers" : "per user only")")
            }
            if after.ttlSeconds != before.ttlSeconds {
                add(.other, "caches for \(after.ttlSeconds)s instead of \(before.ttlSeconds)s")
            }
            // A shared cache that answers requests carrying a token serves one caller's
            // answer to another unless it varies on who asks.
            if after.isShared, after.cachesAuthenticatedRequests, !before.cachesAuthenticatedRequests {
                add(.cacheWidened, "now caches answers to requests that carry a token, shared between callers")
            }
            // Requests that differ in a header no longer varied on share entries; a query
            // parameter no longer varied on makes a request pass the cache by instead.
            let kept = Set(after.varyByHeaders.map { $0.lowercased() })
            let dropped = before.varyByHeaders.filter { !kept.contains($0.lowercased()) }
            for header in dropped where after.isShared {
                add(.cacheWidened, "no longer varies its shared cache on header '\(header)': requests that differ in it share cached answers")
            }
            if after.varyByQuery != before.varyByQuery || after.varyByHeaders != before.varyByHeaders, dropped.isEmpty || !after.isShared {
                add(.other, "varies its cache on other query parameters or headers")
            }
        case (nil, nil):
            break
        }
    }

    static func describe(_ limit: PlannedLimit) -> String {
        "\(limit.calls) calls per \(limit.windowSeconds)s by \(limit.key)"
    }

    /// What raw policies hold on every request of a route (``compareRawStatements(was:now:)``).
    struct RawStatements {
        /// A token or certificate check, on a route without `auth`.
        var checksTokens = false
        var filtersAddresses = false
        /// The raw filters, token and header checks on every request, the statements that
        /// hold them as APIM reads them (``RawPolicyDiff/forms(of:_:)``, read once however
        /// many routes are added in front of a guard), and the named values they read: a
        /// guard's are compared with an added route's by what they admit.
        var gates: [RawGate] = []
        var forms: [String] = []
        var values = GatewayComparison.Substitution(nil)
    }

    /// Whose raw statements ``compareRawStatements(was:now:of:)`` weighs against the route's.
    enum RawStatementsOwner {
        /// The route's old API's, which a route moved to another API leaves behind.
        case oldAPI
        /// Those of a route guarding the backend operation an added route reaches.
        case guardingRoute
    }

    /// The raw token or certificate check and IP filter on every request of a route that ran
    /// (`was`) and no longer run (`now`) where the route's generated one does not, or the
    /// other way. A filter left behind beside another that runs (the route's own, its new
    /// API's) is not weighed: which addresses each admits is compared for a guard's checks
    /// alone (``RawPolicyDiff/unmetGuardChecks(_:_:admitted:filters:tokens:)``).
    mutating func compareRawStatements(was: RawStatements, now: RawStatements, of owner: RawStatementsOwner = .oldAPI) {
        func lost(_ statement: String) -> String {
            switch owner {
            case .oldAPI: "no longer passes a raw \(statement): the policies of its old API ran one, and none of its new API's does"
            case .guardingRoute: "does not pass the raw \(statement) its guard's policies run"
            }
        }
        // A guard's raw check is not met by the route's generated one: another provider's
        // token, or an allow-all filter, passed for it (the audit of the fixes).
        let replaced = owner == .oldAPI
        let lostTokenCheck = was.checksTokens && !now.checksTokens
        if lostTokenCheck, new.token == nil || !replaced {
            add(.privilegeIncrease, lost("token check"))
        } else if !was.checksTokens, now.checksTokens, old.token == nil, owner == .oldAPI {
            add(.privilegeDecrease, "is now checked for a token by a raw policy of its new API")
        }
        let lostFilter = was.filtersAddresses && !now.filtersAddresses
        if lostFilter, new.ipFilter == nil || !replaced {
            add(.privilegeIncrease, lost("IP filter"))
        } else if !was.filtersAddresses, now.filtersAddresses, old.ipFilter == nil, owner == .oldAPI {
            add(.privilegeDecrease, "is now filtered by IP address by a raw policy of its new API")
        }
        // Nor by the route's raw ones by their presence alone (audit V5).
        guard owner == .guardingRoute else { return }
        for message in RawPolicyDiff.unmetGuardChecks(was, now, admitted: new.ipFilter?.admitted, filters: !lostFilter, tokens: !lostTokenCheck) {
            add(.privilegeIncrease, message)
        }
    }

    /// An added route against a route guarding the backend operation it reaches (`old`):
    /// who gets in — tokens, scopes, the subscription key, IP filters, raw checks on every
    /// request — and how often. An audit found routes added with `ipFilter: none`, or on
    /// their API's shared budget, past the filter and the budget that operation had.
    mutating func compareGuard(was: RawStatements, now: RawStatements) {
        compareAuth()
        compareIPFilter()
        compareRawStatements(was: was, now: now, of: .guardingRoute)
        if old.keylessAccess == nil, new.keylessAccess != nil { add(.privilegeIncrease, "can be called without a subscription key") }
        compareLimit(.rateLimit, "rate limit")
        compareLimit(.quota, "quota")
    }

    /// By the addresses each version admits, whatever the filters' form: narrowing an
    /// allow list or growing a deny list tightens, the reverse loosens.
    mutating func compareIPFilter() {
        switch (old.ipFilter, new.ipFilter) {
        case (_?, nil):
            add(.privilegeIncrease, "no longer filters callers by IP address")
        case (nil, let filter?):
            add(.privilegeDecrease, "now admits \(filter.written.action == .allow ? "only the" : "all but the") addresses its IP filter lists")
        case (let before?, let after?):
            let admitted = after.admitted.subtracting(before.admitted)
            let refused = before.admitted.subtracting(after.admitted)
            if !admitted.isEmpty { add(.privilegeIncrease, "now admits addresses it refused: \(Self.describe(admitted))") }
            if !refused.isEmpty { add(.privilegeDecrease, "now refuses addresses it admitted: \(Self.describe(refused))") }
        case (nil, nil):
            break
        }
    }

    /// At most three ranges, then how many more.
    static func describe(_ addresses: IPv4Set) -> String {
        let shown = addresses.ranges.prefix(3).map(\.description).joined(separator: ", ")
        let more = addresses.ranges.count - 3
        return more > 0 ? "\(shown) and \(more) more ranges" : shown
    }

    /// What the backend receives, what the caller receives and who answers change no
    /// access, but a reviewer should see them.
    mutating func compareShaping() {
        // A raw answer on every request answers as a `respond` does (an audit found one
        // removed from a public route unweighed, and a `respond` written as one a widening).
        switch (old.answer != nil || answeredRaw.old, new.answer != nil || answeredRaw.new) {
        case (false, true):
            if let answer = new.answer { reportNamedValues(in: answer, besides: []) }
            add(.other, "is now answered by the gateway; its backend is no longer called")
        // A public route's backend is then reached by callers with no token.
        case (true, false) where new.token == nil && !checkedRaw(): add(.privilegeIncrease, "is public and now calls its backend instead of the gateway answering")
        case (true, false): add(.other, "calls its backend again instead of the gateway answering")
        case (true, true):
            if let before = old.answer, let after = new.answer { compareAnswers(before, after) }
        case (false, false): break
        }
        // A removal of the caller's credentials dropped hands them to the backend, and a
        // rewrite's query asks the backend for something else, as its path does; read with
        // named values put in, which may change alone (audits V46, V47).
        let stillKept = Self.credentialsKeptBack(new.requestShaping)
        for (key, place) in Self.credentialsKeptBack(old.requestShaping).sorted(by: { $0.key < $1.key }) where stillKept[key] == nil {
            add(.privilegeIncrease, "no longer keeps the caller's \(place) from its backend, which now receives it")
        }
        if let before = old.requestShaping?.rewrite, let after = new.requestShaping?.rewrite {
            let (was, now) = (Self.query(of: before, secrets?.was), Self.query(of: after, secrets?.now))
            if was != now {
                add(.privilegeIncrease, "now asks its backend with query \(GatewayComparison.shown(now)) instead of \(GatewayComparison.shown(was)), under the checks it had")
            }
            if !before.effectiveKeepQuery, after.effectiveKeepQuery {
                add(.privilegeIncrease, "now passes on the query parameters its callers choose, which its rewrite dropped")
            }
        }
        // The headers a 'cors' policy writes, written by hand on the response or the
        // gateway's own answer, let other sites' pages read them in a browser, as a wider
        // 'cors' does (audits V46, V47).
        for grant in GatewayComparison.CrossOriginGrant.widening(Self.crossOriginGrants(new, secrets?.now), over: Self.crossOriginGrants(old, secrets?.was)) {
            add(.privilegeIncrease, grant.granting)
        }
        if Self.describe(old.requestShaping) != Self.describe(new.requestShaping) {
            add(.other, "changes what its backend receives (headers, query or rewrite)")
            // A secret that existed and that the backend's host did not receive before, under
            // any name, from any backend or route, is a credential handed to it.
            for name in secrets?.newlySent(by: new) ?? [] {
                add(.privilegeIncrease, "now sends secret '\(name)' to its backend in a header or query parameter")
            }
        }
        // Named values put in, as APIM puts them in: a value that changed changes what
        // callers receive though the definitions read the same (audit V86).
        let answered = { (changes: [MessageChange], values: GatewayComparison.Substitution?) in
            changes.map { change in change.value.map { values?.value($0) ?? $0.value } }
        }
        let throughValues = Self.describe(old.responseHeaders) == Self.describe(new.responseHeaders)
        if !throughValues || answered(old.responseHeaders, secrets?.was) != answered(new.responseHeaders, secrets?.now) {
            add(.other, "changes the response headers its callers receive" + (throughValues ? " through named values that changed" : ""))
            // The backend's own cross-origin headers, no longer removed or replaced, reach
            // browsers; and a route that takes tokens no longer telling shared caches to keep
            // nothing lets them keep its answers (audit V75: both were "other").
            let (held, holding) = (Self.lastChanges(old.responseHeaders), Self.lastChanges(new.responseHeaders))
            // A removal in HEAD keeps out whatever BASE removed or replaced (audit V76).
            for (name, change) in held.sorted(by: { $0.key < $1.key })
            where name.hasPrefix("access-control-") && (change.action == .remove || change.action == .set)
                && holding[name]?.action != .remove && holding[name]?.action != change.action
            {
                add(.privilegeIncrease, "no longer \(change.action == .remove ? "removes" : "replaces") the '\(change.name.value)' its backend answers with, which browsers read as the backend's own cross-origin grant")
            }
            if new.token != nil, PublicCacheControl.keepsSharedCachesOut(old.responseHeaders, resolving: { secrets?.was.value($0) ?? $0 }),
                !PublicCacheControl.keepsSharedCachesOut(new.responseHeaders, resolving: { secrets?.now.value($0) ?? $0 })
            {
                add(.cacheWidened, "no longer tells caches on the way not to keep its answers ('Cache-Control')")
            }
            // A secret there reaches every caller, a new one too.
            if let secrets {
                let shown = Set(Self.namedValues(in: old.responseHeaders).compactMap { secrets.was.secrets[$0] })
                for name in Self.namedValues(in: new.responseHeaders).sorted() {
                    guard let held = secrets.now.secrets[name], !shown.contains(held) else { continue }
                    add(.privilegeIncrease, "now puts secret '\(name)' in a response header its callers receive")
                }
            }
        }
    }

    /// The named values, lowercased (APIM takes their names without case), that header and
    /// query values reference.
    private static func namedValues(in changes: [MessageChange]) -> Set<String> {
        Set(changes.flatMap { NamedValues.references(in: $0.value?.value ?? "") }.map { $0.lowercased() })
    }


    /// What the gateway answers by itself.
    private mutating func compareAnswers(_ before: GatewayAnswer, _ after: GatewayAnswer) {
        reportNamedValues(in: after, besides: Self.namedValues(in: before))
        switch (before, after) {
        case (.fixed(let was), .fixed(let now)):
            if was.status.value != now.status.value || Self.texts(of: was) != Self.texts(of: now) || Self.describe(was.headers) != Self.describe(now.headers) {
                add(.other, "is answered by the gateway with another status, headers or body")
            }
        case (.mock(let was), .mock(let now)):
            if was.effectiveStatus != now.effectiveStatus || was.contentType?.value != now.contentType?.value {
                add(.other, "is answered by the gateway's mock with another status or content type")
            }
        default:
            add(.other, "is answered by the gateway in another way (respond or mock)")
        }
    }

    /// A named value the gateway's own answer now holds reaches every caller of the route:
    /// a secret's would be handed out, and so would one that became a secret.
    private mutating func reportNamedValues(in answer: GatewayAnswer, besides earlier: Set<String>) {
        for name in Self.namedValues(in: answer).sorted() where earlier.contains(name) && becameSecrets.contains(name.lowercased()) {
            add(.privilegeIncrease, "puts named value '\(name)', now a secret, in the answer the gateway gives its callers")
        }
        for name in Self.namedValues(in: answer).subtracting(earlier).sorted() {
            add(.privilegeIncrease, "now puts named value '\(name)' in the answer the gateway gives its callers")
        }
    }

    /// The body and header values a `respond` writes.
    private static func texts(of answer: FixedResponse) -> [String] {
        [answer.body?.value ?? ""] + answer.headers.map { $0.value?.value ?? "" }
    }

    private static func namedValues(in answer: GatewayAnswer) -> Set<String> {
        guard case .fixed(let response) = answer else { return [] }
        return Set(texts(of: response).flatMap(NamedValues.references(in:)))
    }

    /// The request headers and query parameters that name a credential and that the
    /// shaping removes or overrides, as the last change to each leaves it: what the caller
    /// sent there never reaches the backend.
    private static func credentialsKeptBack(_ shaping: PlannedRequestShaping?) -> [String: String] {
        guard let shaping else { return [:] }
        var kept: [String: String] = [:]
        for (changes, kind) in [(shaping.headers, "header"), (shaping.query, "query parameter")] {
            for (lowercased, change) in lastChanges(changes) where change.action == .remove || change.action == .set {
                let name = change.name.value
                if CredentialScanner.namesACredential(name) || (kind == "header" && ["cookie", "proxy-authorization"].contains(lowercased)) {
                    kept["\(kind) \(lowercased)"] = "\(kind) '\(name)'"
                }
            }
        }
        return kept
    }

    /// Each header's last change, by its name without case: the one that decides.
    private static func lastChanges(_ changes: [MessageChange]) -> [String: MessageChange] {
        var last: [String: MessageChange] = [:]
        for change in changes { last[change.name.value.lowercased()] = change }
        return last
    }

    /// A rewrite's query as APIM sends it, named values put in.
    private static func query(of rewrite: Rewrite, _ values: GatewayComparison.Substitution?) -> String {
        let query = String(rewrite.path.value.drop { $0 != "?" }.dropFirst())
        return values?.value(query) ?? query
    }

    /// The response headers that let a browser show a response to another site's page
    /// (`Access-Control-Allow-Origin`, `-Credentials`), with their values as APIM sends them.
    private static func crossOriginGrants(_ plan: EnforcementPlan, _ values: GatewayComparison.Substitution?) -> Set<GatewayComparison.CrossOriginGrant> {
        var changes = plan.responseHeaders
        if case .fixed(let answer)? = plan.answer { changes += answer.headers }
        return Set(changes.compactMap { change in
            guard change.action != .remove, let written = change.value?.value else { return nil }
            return GatewayComparison.CrossOriginGrant(name: change.name.value, value: values?.value(written) ?? written)
        })
    }

    private static func describe(_ changes: [MessageChange]) -> [String] {
        changes.map { "\($0.action.rawValue) \($0.name.value) \($0.value?.value ?? "")" }
    }

    private static func describe(_ shaping: PlannedRequestShaping?) -> [String] {
        guard let shaping else { return [] }
        let rewrite = shaping.rewrite.map { ["rewrite \($0.path.value) \($0.method?.value.rawValue ?? "") \($0.effectiveKeepQuery)"] } ?? []
        return describe(shaping.headers) + ["query"] + describe(shaping.query) + rewrite
    }
}

extension PlannedCache {
    var isShared: Bool {
        if case .shared = sharing { return true }
        return false
    }

    /// As the language names the sharing.
    var sharingName: String { (isShared ? CacheSharing.shared : .perUser).rawValue }
}

/// Changes to CORS, Redis, secrets and identity providers, which no route shows.
enum GatewayComparison {
    static func compare(_ old: Gateway?, _ new: Gateway?, head: AccessDiff.Side, base: AccessDiff.Side) -> [AccessChange] {
        guard let old, let new else { return [] }
        var changes: [AccessChange] = []
        func add(_ category: AccessChange.Category, _ subject: AccessChange.Subject, _ message: String, _ place: AccessChange.Place) {
            changes.append(AccessChange(category: category, subject: subject, message: message, place: place))
        }
        switch (read(old.redis), read(new.redis)) {
        case (nil, let redis?):
            add(.other, .redis, "Redis was added as the external cache", head.location(redis.keyRange))
        case (let redis?, nil):
            add(.other, .redis, "Redis was removed; caches fall back to APIM's internal cache", base.location(redis.keyRange))
        case (let before?, let after?):
            // Each change is shown where its field is written: an environment's override, say.
            func at(_ field: SourceRange?) -> AccessChange.Place { head.location(field ?? after.keyRange) }
            if before.effectiveTLS, !after.effectiveTLS { add(.privilegeIncrease, .redis, "Redis connections are no longer encrypted", at(after.tls?.range)) }
            if !before.effectivePublicNetworkAccess, after.effectivePublicNetworkAccess {
                add(.privilegeIncrease, .redis, "Redis is now reachable from the public internet", at(after.publicNetworkAccess?.range))
            }
            let oldDatabases = [before.databases.effectiveAuth, before.databases.effectiveRateLimit, before.databases.effectiveResponses]
            let newDatabases = [after.databases.effectiveAuth, after.databases.effectiveRateLimit, after.databases.effectiveResponses]
            if oldDatabases != newDatabases {
                let fields = [after.databases.auth, after.databases.rateLimit, after.databases.responses]
                let changed = newDatabases.indices.first { oldDatabases[$0] != newDatabases[$0] }.flatMap { fields[$0]?.range }
                add(.other, .redis, "Redis databases changed from \(oldDatabases) to \(newDatabases)", at(changed))
            }
            // The generated checks trust what that cache holds, token answers too: another
            // connection string may be another cache, as another prefix is another part of
            // one (audit V33: an environment pointed it at the author's vault unweighed).
            // Another name for the same Key Vault secret is the same cache (audit V35).
            if secretName(before.connection) != secretName(after.connection) {
                let same = old.redisSecret.map { was in new.redisSecret == was } ?? false
                add(
                    same ? .other : .cacheWidened, .redis,
                    "Redis connects with a different secret" + (same ? ", reading the same Key Vault secret" : ": the generated checks trust what that cache holds"),
                    head.location(after.connection.range))
            }
            // The generated checks read what the gateway stored under its prefix, token
            // answers too: under another prefix, they read what anything else wrote there.
            if old.effectiveKeyPrefix != new.effectiveKeyPrefix {
                add(
                    .cacheWidened, .redis,
                    "Redis keys now start with \(GatewayComparison.shown(new.effectiveKeyPrefix)), not \(GatewayComparison.shown(old.effectiveKeyPrefix)): entries are shared with whatever writes under it",
                    at(after.keyPrefix?.range))
            }
        case (nil, nil):
            break
        }
        let oldSecrets = Dictionary(old.secrets.map { ($0.name.value, $0) }) { first, _ in first }
        let newSecrets = Dictionary(new.secrets.map { ($0.name.value, $0) }) { first, _ in first }
        // Which secrets, on either side, read each Key Vault secret.
        var sharers: [String: [String]] = [:]
        for secret in old.secrets + new.secrets {
            if let identity = secret.keyVaultSecret { sharers[identity, default: []].append(secret.name.value) }
        }
        for (name, secret) in newSecrets {
            let subject = AccessChange.Subject(kind: .secret, name: name)
            guard let previous = oldSecrets[name] else {
                // A new name for a value another secret kept reading goes wherever the new
                // name is sent; a secret renamed leaves no other.
                if let shared = secret.keyVaultSecret.flatMap({ sharers[$0]?.first { $0 != name && oldSecrets[$0] != nil && newSecrets[$0] != nil } }) {
                    add(
                        .privilegeIncrease, subject, "secret '\(name)' was added reading the Key Vault secret of '\(shared)', which goes wherever '\(name)' is sent",
                        head.location(secret.name.range))
                } else {
                    add(.other, subject, "secret '\(name)' was added", head.location(secret.name.range))
                }
                continue
            }
            if keyVault(previous) != keyVault(secret) {
                // Another secret's value goes wherever this one is sent: the Redis connection
                // string to an identity provider, say.
                if let shared = secret.keyVaultSecret.flatMap({ sharers[$0]?.first { $0 != name } }) {
                    add(
                        .privilegeIncrease, subject, "secret '\(name)' now reads the Key Vault secret of '\(shared)', which goes wherever '\(name)' is sent",
                        head.location(secret.name.range))
                } else if read(new.redis).map({ secretName($0.connection) == name }) ?? false,
                    previous.keyVaultSecret != secret.keyVaultSecret
                {
                    // Redis's connection read from another Key Vault secret; the same one in
                    // another letter case or version is the same cache (audit V35).
                    add(
                        .cacheWidened, subject, "secret '\(name)', Redis's connection, points at a different Key Vault secret: the generated checks trust what that cache holds",
                        head.location(secret.name.range))
                } else {
                    add(.other, subject, "secret '\(name)' points at a different Key Vault secret", head.location(secret.name.range))
                }
            }
        }
        for (name, secret) in oldSecrets where newSecrets[name] == nil {
            add(.other, AccessChange.Subject(kind: .secret, name: name), "secret '\(name)' was removed", base.location(secret.name.range))
        }
        return changes + providerChanges(old, new, head: head) + compareCORS(
                read(old.cors).map { CORSReading($0, on: base) }, read(new.cors).map { CORSReading($0, on: head) }, subject: .cors, named: "CORS")
    }

    /// A section's value. A side with errors is refused before comparing, so no section
    /// here is `.broken`.
    private static func read<Value>(_ section: Section<Value>) -> Value? {
        if case .present(let value) = section { value } else { nil }
    }

    /// A token check that accepts other tokens than before: another issuer or signing-key
    /// source, more audiences, another introspection endpoint, another claim to read
    /// scopes or roles from. Each is a privilege increase, whichever way it goes, unless it
    /// only narrows what is accepted. Values are compared as APIM sees them, with named
    /// values substituted, so changing `tenant-id` is seen; values that hold a credential
    /// are not quoted.
    private static func providerChanges(_ old: Gateway, _ new: Gateway, head: AccessDiff.Side) -> [AccessChange] {
        let before = Dictionary(old.identityProviders.map { ($0.name.value, $0) }) { first, _ in first }
        let was = Substitution(old)
        let now = Substitution(new)
        var changes: [AccessChange] = []
        for provider in new.identityProviders {
            guard let previous = before[provider.name.value] else { continue }
            let subject = AccessChange.Subject(kind: .identityProvider, name: provider.name.value)
            func add(_ category: AccessChange.Category, _ message: String, _ range: SourceRange) {
                changes.append(AccessChange(
                    category: category, subject: subject, message: "identity provider '\(provider.name.value)' \(message)",
                    place: head.location(range)))
            }
            func audiences(_ old: [Located<String>], _ new: [Located<String>]) {
                let oldSet = Set(old.map { was.value($0) })
                let newSet = Set(new.map { now.value($0) })
                for audience in new where !oldSet.contains(now.value(audience)) {
                    add(.privilegeIncrease, "now accepts audience \(shown(now.value(audience)))", audience.range)
                }
                for audience in Set(old.map { was.value($0) }).subtracting(newSet).sorted() {
                    add(.privilegeDecrease, "no longer accepts audience \(shown(audience))", provider.name.range)
                }
            }
            switch (previous.details, provider.details) {
            case (.jwt(let before), .jwt(let after)):
                if was.value(before.issuer) != now.value(after.issuer) {
                    add(
                        .privilegeIncrease, "accepts tokens from issuer \(shown(now.value(after.issuer))) instead of \(shown(was.value(before.issuer)))",
                        after.issuer.range)
                }
                if was.value(before.openidConfig) != now.value(after.openidConfig) {
                    add(
                        .privilegeIncrease,
                        "trusts the signing keys of \(shown(now.value(after.openidConfig))) instead of \(shown(was.value(before.openidConfig)))",
                        after.openidConfig.range)
                }
                audiences(before.audiences, after.audiences)
            case (.introspection(let before), .introspection(let after)):
                if was.value(before.endpoint) != now.value(after.endpoint) {
                    add(
                        .privilegeIncrease,
                        "asks \(shown(now.value(after.endpoint))) instead of \(shown(was.value(before.endpoint))) whether tokens are active",
                        after.endpoint.range)
                }
                // The secret goes to the endpoint with every question: another secret there
                // is a credential handed to a host that did not hold it.
                let (oldSecret, newSecret) = (BackendDiff.source(before.clientSecret), BackendDiff.source(after.clientSecret))
                if oldSecret != newSecret {
                    add(
                        .privilegeIncrease, "now sends \(newSecret) to its introspection endpoint instead of \(oldSecret)",
                        after.clientSecret.range)
                }
                if was.value(before.clientId) != now.value(after.clientId) {
                    add(
                        .other, "asks as client \(shown(now.value(after.clientId))) instead of \(shown(was.value(before.clientId)))",
                        after.clientId.range)
                }
                if after.effectiveCacheTtl > before.effectiveCacheTtl {
                    add(
                        .privilegeIncrease,
                        "trusts an introspection answer for \(after.effectiveCacheTtl)s instead of \(before.effectiveCacheTtl)s, so a revoked token is accepted longer",
                        after.cacheTtl?.range ?? provider.name.range)
                } else if after.effectiveCacheTtl < before.effectiveCacheTtl {
                    add(
                        .privilegeDecrease,
                        "trusts an introspection answer for \(after.effectiveCacheTtl)s instead of \(before.effectiveCacheTtl)s",
                        after.cacheTtl?.range ?? provider.name.range)
                }
                switch (before.audiences, after.audiences) {
                case (_?, nil):
                    add(.privilegeIncrease, "no longer checks the audience of tokens", provider.name.range)
                case (nil, let audiences?):
                    add(.privilegeDecrease, "now checks the audience of tokens", audiences.first?.range ?? provider.name.range)
                case (let old?, let new?):
                    audiences(old, new)
                case (nil, nil):
                    break
                }
            default:
                add(.privilegeIncrease, "checks tokens by \(provider.type.rawValue) instead of \(previous.type.rawValue)", provider.name.range)
            }
            if previous.effectiveScopeClaim != provider.effectiveScopeClaim {
                add(.privilegeIncrease, "reads scopes from claim '\(provider.effectiveScopeClaim)' instead of '\(previous.effectiveScopeClaim)'", provider.name.range)
            }
            if previous.effectiveRoleClaim != provider.effectiveRoleClaim {
                add(.privilegeIncrease, "reads app roles from claim '\(provider.effectiveRoleClaim)' instead of '\(previous.effectiveRoleClaim)'", provider.name.range)
            }
        }
        return changes
    }

    /// A value for a message: quoted, unless it holds a credential, which a diff posted as a
    /// pull-request comment must never show.
    /// A response header that lets a browser show a response to another site's page, as a
    /// `cors` policy would (`Access-Control-Allow-Origin`, `-Credentials`, in any case),
    /// with its value as browsers compare it: an origin without case or a final `/`.
    struct CrossOriginGrant: Hashable, Comparable, CustomStringConvertible {
        private static let origin = "Access-Control-Allow-Origin"
        private static let names = ["access-control-allow-origin": origin, "access-control-allow-credentials": "Access-Control-Allow-Credentials"]
        let header: String
        let value: String

        /// Nil for any other header.
        init?(name: String, value: String) {
            guard let header = Self.names[name.trimmingWhitespace.lowercased()] else { return nil }
            let value = value.trimmingWhitespace
            self.header = header
            // An expression is kept as written: it may echo any caller's origin.
            self.value = value.hasPrefix("@") ? value : CORS.normalizedOrigin(value)
        }

        /// `*`. An expression's origins are not known here, even one that reads the request's
        /// `Origin` (an allow-list does too: audit V51).
        var admitsAnyOrigin: Bool { header == Self.origin && value == CORS.anyOrigin }

        /// One origin written out: neither `*` nor an expression.
        var namesOneOrigin: Bool { header == Self.origin && value != CORS.anyOrigin && !value.hasPrefix("@") }

        var description: String { "header '\(header)' set to \(GatewayComparison.shown(value))" }

        /// What a change that adds it does, as every message of `diff` says it.
        var granting: String { "now answers with response \(self), which lets browsers show its responses to other sites' pages" }

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.header, lhs.value) < (rhs.header, rhs.value) }

        /// What `new` grants beyond `old`: one origin written out where `old` admitted any
        /// is none (audit V48 found `*` narrowed to one origin called an increase); any other
        /// new value is, an expression's too, whose origins are not known here (audits V50,
        /// V51), as any change of a raw expression is weighed.
        static func widening(_ new: Set<Self>, over old: Set<Self>) -> [Self] {
            let anyBefore = old.contains(where: \.admitsAnyOrigin)
            return new.filter { !old.contains($0) && !($0.namesOneOrigin && anyBefore) }.sorted()
        }
    }

    static func shown(_ value: String) -> String {
        CredentialScanner.looksLikeCredential(value) ? "a value that holds a credential" : "'\(value)'"
    }

    /// The same, unquoted, for a value in parentheses.
    static func masked(_ value: String) -> String {
        CredentialScanner.looksLikeCredential(value) ? "a value that holds a credential" : value
    }

    /// A gateway's named values, and its secrets by their Key Vault URI: what `{{name}}`
    /// stands for when two versions are compared.
    struct Substitution {
        let values: NamedValueTable
        /// What each secret holds, by its name lowercased: its Key Vault secret's URI, or the
        /// secret's own name for one written in place. A secret renamed holds the same.
        let secrets: [String: String]

        init(_ gateway: Gateway?) {
            values = gateway?.substitutions ?? .empty
            var secrets: [String: String] = [:]
            for secret in gateway?.secrets ?? [] {
                let name = secret.name.value.lowercased()
                switch secret.source {
                case .keyVault(let uri): secrets[name] = "key vault " + uri.value.lowercased()
                case .literal: secrets[name] = "secret " + name
                }
            }
            self.secrets = secrets
            held = Set(secrets.values)
        }

        /// What the secrets hold, whatever their names.
        private let held: Set<String>

        /// Whether a secret another version holds as `held` is one of this version's: a
        /// secret sent somewhere new is a credential handed over only when it existed before
        /// (a key made for a new backend in the same change is that backend's own).
        func holds(_ held: String) -> Bool { self.held.contains(held) }

        /// The text with every reference substituted; as written when one names nothing known.
        func value(_ text: Located<String>) -> String { value(text.value) }

        func value(_ text: String) -> String { resolved(text) ?? text }

        /// `text` with its named values put in, nil where one is not known (a secret's).
        func resolved(_ text: String) -> String? { NamedValues.resolve(text, values) }
    }

    /// What a CORS policy lets browsers do, as the gateway's `cors` or a raw `cors`
    /// statement says it, with where each part is shown: what ``compareCORS(_:_:subject:named:)``
    /// compares, so both are weighed alike.
    struct CORSReading {
        /// `*` alone, or origins.
        var origins: [(value: String, place: AccessChange.Place)]
        var allowsCredentials: Bool
        var credentialsPlace: AccessChange.Place
        /// Empty when not written: APIM then allows GET and POST.
        var methods: [String]
        var headers: [String]
        var exposeHeaders: [String]
        var preflightMaxAge: Int?
        /// The `cors` key, or the statement.
        var place: AccessChange.Place

        var allowsAnyOrigin: Bool { origins.contains { $0.value == CORS.anyOrigin } }
    }

    /// Letting more sites' pages call the APIs, or send credentials, is a privilege increase.
    /// `named` is how messages name the policy: "CORS", or a raw statement and its document.
    static func compareCORS(_ old: CORSReading?, _ new: CORSReading?, subject: AccessChange.Subject, named: String) -> [AccessChange] {
        var changes: [AccessChange] = []
        func add(_ category: AccessChange.Category, _ message: String, _ place: AccessChange.Place) {
            changes.append(AccessChange(category: category, subject: subject, message: "\(named) \(message)", place: place))
        }
        guard let after = new else {
            if let before = old {
                add(.privilegeDecrease, "was removed: browsers no longer let other sites' pages call the APIs", before.place)
            }
            return changes
        }
        guard let before = old else {
            let origins = after.allowsAnyOrigin ? "any origin" : after.origins.map { GatewayComparison.shown($0.value) }.joined(separator: ", ")
            let credentials = after.allowsCredentials ? ", with credentials" : ""
            add(.privilegeIncrease, "was added: browsers let pages from \(origins) call the APIs\(credentials)", after.place)
            return changes
        }
        let at = after.place
        switch (before.allowsAnyOrigin, after.allowsAnyOrigin) {
        case (false, true):
            let any = after.origins.first { $0.value == CORS.anyOrigin }
            add(.privilegeIncrease, "now allows any origin ('\(CORS.anyOrigin)')", any?.place ?? at)
        case (true, false):
            add(.privilegeDecrease, "no longer allows any origin, only the origins it lists", at)
        case (false, false):
            // Compared as browsers compare them: a respelling admits no other site (audit V48).
            let oldOrigins = Set(before.origins.map { CORS.normalizedOrigin($0.value) })
            let newOrigins = Set(after.origins.map { CORS.normalizedOrigin($0.value) })
            var seen = Set<String>()
            for origin in after.origins where !oldOrigins.contains(CORS.normalizedOrigin(origin.value)) && seen.insert(CORS.normalizedOrigin(origin.value)).inserted {
                add(.privilegeIncrease, "now allows origin \(GatewayComparison.shown(origin.value))", origin.place)
            }
            for origin in before.origins where !newOrigins.contains(CORS.normalizedOrigin(origin.value)) && seen.insert(CORS.normalizedOrigin(origin.value)).inserted {
                add(.privilegeDecrease, "no longer allows origin \(GatewayComparison.shown(origin.value))", origin.place)
            }
        case (true, true):
            break
        }
        switch (before.allowsCredentials, after.allowsCredentials) {
        case (false, true):
            add(.privilegeIncrease, "now lets browsers send credentials (cookies, HTTP authentication) on cross-origin requests", after.credentialsPlace)
        case (true, false):
            add(.privilegeDecrease, "no longer lets browsers send credentials on cross-origin requests", after.credentialsPlace)
        default:
            break
        }
        let lists: [(String, [String], [String], String)] = [
            ("methods", before.methods, after.methods, "'GET', 'POST' (APIM's default)"),
            ("request headers", before.headers, after.headers, "none"),
            ("scripts to read response headers", before.exposeHeaders, after.exposeHeaders, "none"),
        ]
        for (what, oldList, newList, unset) in lists where Set(oldList) != Set(newList) {
            // Each in quotes, as the report's guard of secrets reads them: a secret's literal
            // an alias repeats here was shown (audit V81).
            func describe(_ list: [String]) -> String { list.isEmpty ? unset : list.map(GatewayComparison.shown).joined(separator: ", ") }
            add(.other, "allows \(what) \(describe(newList)) instead of \(describe(oldList))", at)
        }
        if before.preflightMaxAge != after.preflightMaxAge {
            add(.other, "lets browsers keep preflight answers for \(after.preflightMaxAge ?? 0)s instead of \(before.preflightMaxAge ?? 0)s", at)
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

extension GatewayComparison.CORSReading {
    /// The gateway's `cors`, on `side`.
    init(_ cors: CORS, on side: AccessDiff.Side) {
        self.init(
            origins: cors.allowedOrigins.map { ($0.value, side.location($0.range)) }, allowsCredentials: cors.effectiveAllowCredentials,
            credentialsPlace: side.location(cors.allowCredentials?.range ?? cors.keyRange), methods: cors.allowedMethods.map(\.value),
            headers: cors.allowedHeaders.map(\.value), exposeHeaders: cors.exposeHeaders.map(\.value), preflightMaxAge: cors.preflightMaxAge?.value,
            place: side.location(cors.keyRange))
    }
}
