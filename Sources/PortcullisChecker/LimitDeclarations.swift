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

    static func all(in project: ResolvedProject) -> [LimitDeclaration] {
        var declarations: [LimitDeclaration] = []
        func add(_ setting: LimitSetting?, _ kind: Kind, _ owner: Owner) {
            if case .limit(let limit)? = setting { declarations.append(LimitDeclaration(kind: kind, limit: limit, owner: owner)) }
        }
        if case .present(let defaults)? = project.gateway?.defaults { add(defaults.rateLimit, .rateLimit, .defaults) }
        for (apiIndex, api) in project.apis.enumerated() where !api.hasErrors {
            add(api.rateLimit, .rateLimit, .api(apiIndex))
            add(api.quota, .quota, .api(apiIndex))
            // By index: copying each route out would copy all of its fields.
            for routeIndex in api.routes.indices where !api.routes[routeIndex].hasErrors {
                add(api.routes[routeIndex].rateLimit, .rateLimit, .route(api: apiIndex, route: routeIndex))
                add(api.routes[routeIndex].quota, .quota, .route(api: apiIndex, route: routeIndex))
            }
        }
        for (index, product) in project.products.enumerated() {
            if let limit = product.rateLimit { declarations.append(LimitDeclaration(kind: .rateLimit, limit: limit, owner: .product(index))) }
            if let limit = product.quota { declarations.append(LimitDeclaration(kind: .quota, limit: limit, owner: .product(index))) }
        }
        return declarations
    }
}

