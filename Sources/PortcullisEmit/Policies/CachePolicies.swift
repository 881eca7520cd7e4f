import PortcullisSupport
import PortcullisModel

/// Response caching: `cache-lookup` in inbound, `cache-store` in outbound. A per-user
/// cache varies on a hash of the token's subject, set in a request header just for the
/// lookup, never on the raw token.
enum CachePolicies {
    static func inbound(_ cache: Cache, sharing: CacheSharing, provider: IdentityProvider?, external: Bool) -> [PolicyElement] {
        let perUser = sharing == .perUser && provider != nil
        var attributes: [(String, PolicyValue)] = [
            ("vary-by-developer", .literal("false")),
            ("vary-by-developer-groups", .literal("false")),
            ("caching-type", .literal(external ? "external" : "internal")),
        ]
        if perUser {
            attributes.append(("downstream-caching-type", .literal("none")))
            attributes.append(("allow-private-response-caching", .literal("true")))
        }
        var varyBy = cache.varyByHeaders.map { PolicyElement("vary-by-header", text: .literal($0.value)) }
        var elements: [PolicyElement] = []
        if perUser, let provider {
            elements.append(
                PolicyElement(
                    "set-header", [("name", .literal(PolicyNames.cacheSubjectHeader)), ("exists-action", .literal("override"))],
                    [
                        PolicyElement(
                            "value",
                            text: .code(
                                "@(Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes(\(Identity.subject(provider)) ?? \"\"))))"
                            ))
                    ]))
            varyBy.append(PolicyElement("vary-by-header", text: .literal(PolicyNames.cacheSubjectHeader)))
        }
        varyBy += cache.varyByQuery.map { PolicyElement("vary-by-query-parameter", text: .literal($0.value)) }
        elements.append(PolicyElement("cache-lookup", attributes, varyBy))
        if perUser {
            elements.append(
                PolicyElement("set-header", [("name", .literal(PolicyNames.cacheSubjectHeader)), ("exists-action", .literal("delete"))]))
        }
        return elements
    }

    static func outbound(_ cache: Cache) -> [PolicyElement] {
        [PolicyElement("cache-store", [("duration", .number(cache.ttl.value))])]
    }
}
