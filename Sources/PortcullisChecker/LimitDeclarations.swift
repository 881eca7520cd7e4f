import PortcullisDiagnostics
import PortcullisModel

/// Every rate limit and quota written anywhere; rules about a limit's own values (its
/// window, its rate) look at each declaration once, where it is written.
struct LimitDeclaration {
    enum Kind {
        case rateLimit
        case quota
    }

    /// Where the limit is written, named only when a finding needs the words.
    enum Owner {
        case defaults
        case api(Int)
        case route(api: Int, route: Int)
        case product(Int)
    }

    var kind: Kind
    var limit: Limit
    var owner: Owner

    /// "the gateway's 'defaults'", "API 'orders'", "route 'list-orders'", "product 'partners'".
    func ownerName(in project: ResolvedProject) -> String {
        switch owner {
        case .defaults: "the gateway's 'defaults'"
        case .api(let index): "API '\(project.apis[index].name.value)'"
        case .route(let api, let route): "route '\(project.apis[api].routes[route].id.value)'"
        case .product(let index): "product '\(project.products[index].name.value)'"
        }
    }

    /// Hands each declaration to `body` in turn, without gathering them: two rules walk
    /// every route's limits, and an array of copies of thousands of limits cost them more
    /// than their checks.
    static func forEach(in project: ResolvedProject, _ body: (LimitDeclaration) -> Void) {
        func visit(_ setting: LimitSetting?, _ kind: Kind, _ owner: Owner) {
            if case .limit(let limit)? = setting { body(LimitDeclaration(kind: kind, limit: limit, owner: owner)) }
        }
        if case .present(let defaults)? = project.gateway?.defaults { visit(defaults.rateLimit, .rateLimit, .defaults) }
        // By index: copying each API or route out would copy all of its fields.
        for apiIndex in project.apis.indices where !project.apis[apiIndex].hasErrors {
            visit(project.apis[apiIndex].rateLimit, .rateLimit, .api(apiIndex))
            visit(project.apis[apiIndex].quota, .quota, .api(apiIndex))
            let routes = project.apis[apiIndex].routes
            for routeIndex in routes.indices where !routes[routeIndex].hasErrors {
                visit(routes[routeIndex].rateLimit, .rateLimit, .route(api: apiIndex, route: routeIndex))
                visit(routes[routeIndex].quota, .quota, .route(api: apiIndex, route: routeIndex))
            }
        }
        for (index, product) in project.products.enumerated() {
            if let limit = product.rateLimit { body(LimitDeclaration(kind: .rateLimit, limit: limit, owner: .product(index))) }
            if let limit = product.quota { body(LimitDeclaration(kind: .quota, limit: limit, owner: .product(index))) }
        }
    }
}

