import PortcullisModel

/// Response caching: `cache-lookup` in inbound, `cache-store` in outbound. A per-caller
/// cache varies on a hash of the caller, set in a request header just for the lookup,
/// never on the raw token; a request that names no caller is neither looked up nor stored.
enum CachePolicies {
    static func lookup(_ cache: PlannedCache, callers: [Caller], into writer: inout PolicyWriter) {
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
        guard case .perCaller(let caller) = cache.sharing else {
            writer.element("cache-lookup", attributes) { writer in
                for header in cache.varyByHeaders { writer.element("vary-by-header", text: .literal(header)) }
                for parameter in cache.varyByQuery { writer.element("vary-by-query-parameter", text: .literal(parameter)) }
            }
            return
        }
        let value = Identity.value(of: caller, callers: callers)
        AuthPolicies.choose(.code("@(\(value) != \"\")"), into: &writer) { writer in
            writer.element(
                "set-header", [("name", .literal(PolicyNames.cacheCallerHeader)), ("exists-action", .literal("override"))]
            ) { writer in
                writer.element("value", text: .code("@(\(Identity.hashed(value)))"))
            }
            writer.element("cache-lookup", attributes) { writer in
                for header in cache.varyByHeaders { writer.element("vary-by-header", text: .literal(header)) }
                writer.element("vary-by-header", text: .literal(PolicyNames.cacheCallerHeader))
                for parameter in cache.varyByQuery { writer.element("vary-by-query-parameter", text: .literal(parameter)) }
            }
            writer.element("set-header", [("name", .literal(PolicyNames.cacheCallerHeader)), ("exists-action", .literal("delete"))])
        }
    }

    static func store(_ cache: PlannedCache, callers: [Caller], into writer: inout PolicyWriter) {
        let store = [("duration", PolicyValue.number(cache.ttlSeconds))]
        guard case .perCaller(let caller) = cache.sharing else { return writer.element("cache-store", store) }
        AuthPolicies.choose(.code("@(\(Identity.value(of: caller, callers: callers)) != \"\")"), into: &writer) { $0.element("cache-store", store) }
    }
}
