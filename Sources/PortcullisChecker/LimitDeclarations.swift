import PortcullisDiagnostics
import PortcullisModel

/// Every rate limit and quota written anywhere, with a name for messages; rules about
/// a limit's own values (its window, its rate) look at each declaration once.
struct LimitDeclaration {
    enum Kind {
        case rateLimit
        case quota
    }

    var kind: Kind
    var limit: Limit
    /// "the gateway's 'defaults.rateLimit'", "API 'orders'", "route 'list-orders'", ...
    var owner: String

    static func all(in project: ResolvedProject) -> [LimitDeclaration] {
        var declarations: [LimitDeclaration] = []
        func add(_ setting: LimitSetting?, _ kind: Kind, _ owner: String) {
            if case .limit(let limit)? = setting { declarations.append(LimitDeclaration(kind: kind, limit: limit, owner: owner)) }
        }
        add(project.gateway?.defaults.rateLimit, .rateLimit, "the gateway's 'defaults'")
        for api in project.apis where !api.hasErrors {
            add(api.rateLimit, .rateLimit, "API '\(api.name.value)'")
            add(api.quota, .quota, "API '\(api.name.value)'")
            for route in api.routes where !route.hasErrors {
                add(route.rateLimit, .rateLimit, "route '\(route.id.value)'")
                add(route.quota, .quota, "route '\(route.id.value)'")
            }
        }
        for product in project.products {
            if let limit = product.rateLimit { declarations.append(LimitDeclaration(kind: .rateLimit, limit: limit, owner: "product '\(product.name.value)'")) }
            if let limit = product.quota { declarations.append(LimitDeclaration(kind: .quota, limit: limit, owner: "product '\(product.name.value)'")) }
        }
        return declarations
    }
}

extension Limit {
    /// Whether this limit lets through more calls per second than `other`.
    func isLooser(thanCalls calls: Int, per seconds: Int) -> Bool {
        self.calls.value * seconds > calls * per.value
    }
}
