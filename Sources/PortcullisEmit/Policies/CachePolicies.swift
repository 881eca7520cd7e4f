import PortcullisModel

/// Response caching: `cache-lookup` in inbound, `cache-store` in outbound. A per-caller
/// cache varies on a hash of the caller, set in a request header just for the lookup,
/// never on the raw token; a request that names no caller is neither looked up nor stored.
/// Nor is one whose query holds a parameter the cache does not accept, or one twice
/// (``PlannedCache/acceptedQuery``): both are read from the request as the caller sent it,
/// so the lookup and the store agree.
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
            AuthPolicies.choose(.code("@(\(acceptsQuery(cache)))"), into: &writer) { writer in
                writer.element("cache-lookup", attributes) { writer in
                    for header in cache.varyByHeaders { writer.element("vary-by-header", text: .literal(header)) }
                    for parameter in cache.varyByQuery { writer.element("vary-by-query-parameter", text: .literal(parameter)) }
                }
            }
            return
        }
        let value = Identity.value(of: caller, callers: callers)
        AuthPolicies.choose(.code("@(\(value) != \"\" && \(acceptsQuery(cache)))"), into: &writer) { writer in
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
        var condition = acceptsQuery(cache)
        if case .perCaller(let caller) = cache.sharing { condition = "\(Identity.value(of: caller, callers: callers)) != \"\" && " + condition }
        AuthPolicies.choose(.code("@(\(condition))"), into: &writer) {
            $0.element("cache-store", [("duration", .number(cache.ttlSeconds))])
        }
    }

    /// Whether every parameter of the query the caller sent is accepted, each once.
    /// `OriginalUrl`: outbound sees the request after the gateway's own query changes.
    private static func acceptsQuery(_ cache: PlannedCache) -> String {
        guard !cache.acceptedQuery.isEmpty else { return "context.Request.OriginalUrl.Query.Count == 0" }
        let accepted = cache.acceptedQuery.map { "p.Key == \(PolicyExpression.csharpString($0))" }.joined(separator: " || ")
        return "context.Request.OriginalUrl.Query.All(p => p.Value.Length < 2 && (\(accepted)))"
    }
}
