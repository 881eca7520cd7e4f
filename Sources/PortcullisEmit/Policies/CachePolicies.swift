import PortcullisModel

/// Response caching: `cache-lookup` in inbound, `cache-store` in outbound. A per-caller
/// cache varies on a hash of the caller, set in a request header just for the lookup,
/// never on the raw token; a request that names no caller is neither looked up nor stored.
enum CachePolicies {
    static func lookup(_ cache: PlannedCache, callers: [Caller]) -> [PolicyElement] {
        var attributes: [(String, PolicyValue)] = [
            ("vary-by-developer", .literal("false")),
            ("vary-by-developer-groups", .literal("false")),
            ("caching-type", .literal(cache.storage.rawValue)),
        ]
        if cache.cachesAuthenticatedRequests {
            // APIM skips requests that carry a token unless told otherwise, and no cache
            // downstream may keep a response that was meant for one caller.
            attributes.append(("downstream-caching-type", .literal("none")))
            attributes.append(("allow-private-response-caching", .literal("true")))
        }
        var varyBy = cache.varyByHeaders.map { PolicyElement("vary-by-header", text: .literal($0)) }
        guard case .perCaller(let caller) = cache.sharing else {
            varyBy += cache.varyByQuery.map { PolicyElement("vary-by-query-parameter", text: .literal($0)) }
            return [PolicyElement("cache-lookup", attributes, varyBy)]
        }
        varyBy.append(PolicyElement("vary-by-header", text: .literal(PolicyNames.cacheCallerHeader)))
        varyBy += cache.varyByQuery.map { PolicyElement("vary-by-query-parameter", text: .literal($0)) }
        let value = Identity.value(of: caller, callers: callers)
        return [
            AuthPolicies.choose([
                (
                    .code("@(\(value) != \"\")"),
                    [
                        PolicyElement(
                            "set-header", [("name", .literal(PolicyNames.cacheCallerHeader)), ("exists-action", .literal("override"))],
                            [PolicyElement("value", text: .code("@(\(Identity.hashed(value)))"))]),
                        PolicyElement("cache-lookup", attributes, varyBy),
                        PolicyElement(
                            "set-header", [("name", .literal(PolicyNames.cacheCallerHeader)), ("exists-action", .literal("delete"))]),
                    ]
                )
            ])
        ]
    }

    static func store(_ cache: PlannedCache, callers: [Caller]) -> [PolicyElement] {
        let store = PolicyElement("cache-store", [("duration", .number(cache.ttlSeconds))])
        guard case .perCaller(let caller) = cache.sharing else { return [store] }
        return [AuthPolicies.choose([(.code("@(\(Identity.value(of: caller, callers: callers)) != \"\")"), [store])])]
    }
}
