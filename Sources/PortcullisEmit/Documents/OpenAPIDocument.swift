import PortcullisModel

/// `specification.yaml`: OpenAPI 3.0 of an API, one operation per route, `operationId` =
/// route id, path parameters declared, and what a token must carry (the scopes or app
/// roles of the route's enforcement plan, as its policy checks them) as its security.
enum OpenAPIDocument {
    /// - Parameter scopeDescriptions: the catalogue's descriptions, looked up once per bundle.
    static func render(
        _ api: API, routes: [(route: EffectiveRoute, plan: EnforcementPlan)], gateway: Gateway, namedValues: NamedValueTable,
        scopeDescriptions: [String: String]
    ) -> [UInt8] {
        // Each path once, in the order routes first name it; found by hash, as one API may
        // have tens of thousands of paths.
        var paths: [(String, [(String, YAMLValue)])] = []
        var pathIndices: [String: Int] = [:]
        for index in routes.indices {
            let route = routes[index].route
            let operation = (route.written.method.value.rawValue.lowercased(), self.operation(route, routes[index].plan))
            let path = route.written.path.value.text
            if let index = pathIndices[path] {
                paths[index].1.append(operation)
            } else {
                pathIndices[path] = paths.count
                paths.append((path, [operation]))
            }
        }
        var info: [(String, YAMLValue)] = [("title", .string(api.displayName?.value ?? api.name.value))]
        if let description = api.description?.value { info.append(("description", .string(description))) }
        info.append(("version", .string("1")))
        let document: [(String, YAMLValue)] = [
            ("openapi", .string("3.0.3")),
            ("info", .mapping(info)),
            ("paths", .mapping(paths.map { ($0.0, .mapping($0.1)) })),
            (
                "components",
                .mapping([("securitySchemes", .mapping(securitySchemes(gateway, used: routes, namedValues, scopeDescriptions)))])
            ),
        ]
        return YAMLValue.mapping(document).bytes()
    }

    private static func operation(_ route: EffectiveRoute, _ plan: EnforcementPlan) -> YAMLValue {
        var entries: [(String, YAMLValue)] = [("operationId", .string(route.written.id.value))]
        if let summary = route.written.summary?.value { entries.append(("summary", .string(summary))) }
        let parameters = route.written.path.value.parameters.map { name -> YAMLValue in
            .mapping([
                ("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                ("schema", .mapping([("type", .string("string"))])),
            ])
        }
        if !parameters.isEmpty { entries.append(("parameters", .sequence(parameters))) }
        entries.append(("security", .sequence(security(plan))))
        entries.append(("responses", .mapping([response(route.written.answer)])))
        return .mapping(entries)
    }

    /// The backend's response, or the status the gateway answers with itself.
    private static func response(_ answer: GatewayAnswer?) -> (String, YAMLValue) {
        switch answer {
        case nil: ("default", .mapping([("description", .string("The backend's response"))]))
        case .fixed(let response)?: (String(response.status.value), .mapping([("description", .string("The gateway's own answer"))]))
        case .mock(let mock)?: (String(mock.effectiveStatus), .mapping([("description", .string("A mocked answer"))]))
        }
    }

    /// Each way a token passes the plan's scope check (delegated scopes, application roles)
    /// is an alternative: the values of an all-of one are one requirement, those of an
    /// any-of one a requirement each. A token check without one accepts any valid token.
    private static func security(_ plan: EnforcementPlan) -> [YAMLValue] {
        guard let provider = plan.token?.provider.name.value else { return [] }
        let alternatives = plan.scopes?.alternatives ?? []
        guard !alternatives.isEmpty else { return [.mapping([(provider, .sequence([]))])] }
        var requirements: [YAMLValue] = []
        for requirement in alternatives {
            let values = requirement.written.scopes
            if requirement.match == .all || values.count <= 1 {
                requirements.append(.mapping([(provider, .sequence(values.map { .string($0.value) }))]))
            } else {
                requirements += values.map { .mapping([(provider, .sequence([.string($0.value)]))]) }
            }
        }
        return requirements
    }

    /// The providers the API's routes use: JWT providers as OpenID Connect schemes,
    /// introspection providers as OAuth 2.0 with a client-credentials flow listing the
    /// scopes and app roles those routes require.
    private static func securitySchemes(
        _ gateway: Gateway, used routes: [(route: EffectiveRoute, plan: EnforcementPlan)], _ namedValues: NamedValueTable,
        _ descriptions: [String: String]
    ) -> [(String, YAMLValue)] {
        var scopesByProvider: [String: Set<String>] = [:]
        var roles = Set<String>()
        // Read in place, by index: a route copied out of the list costs a retain and a
        // release of each of its fields.
        for index in routes.indices {
            let plan = routes[index].plan
            guard let name = plan.token?.provider.name.value else { continue }
            var values = scopesByProvider.removeValue(forKey: name) ?? []
            for requirement in plan.scopes?.alternatives ?? [] {
                for scope in requirement.written.scopes {
                    values.insert(scope.value)
                    if requirement.kind == .appRoles { roles.insert(scope.value) }
                }
            }
            scopesByProvider[name] = values
        }
        return gateway.identityProviders.compactMap { provider -> (String, YAMLValue)? in
            guard let used = scopesByProvider[provider.name.value] else { return nil }
            switch provider.details {
            case .jwt(let jwt):
                let url = NamedValues.resolve(jwt.openidConfig.value, namedValues) ?? jwt.openidConfig.value
                return (provider.name.value, .mapping([("type", .string("openIdConnect")), ("openIdConnectUrl", .string(url))]))
            case .introspection(let details):
                let endpoint = NamedValues.resolve(details.endpoint.value, namedValues) ?? details.endpoint.value
                let scopes = used.sorted().map { ($0, YAMLValue.string(descriptions[$0] ?? (roles.contains($0) ? "application role '\($0)'" : $0))) }
                return (
                    provider.name.value,
                    .mapping([
                        ("type", .string("oauth2")),
                        ("description", .string("Opaque tokens checked by token introspection at \(endpoint)")),
                        ("flows", .mapping([("clientCredentials", .mapping([("tokenUrl", .string(endpoint)), ("scopes", .mapping(scopes))]))])),
                    ])
                )
            }
        }
    }
}
