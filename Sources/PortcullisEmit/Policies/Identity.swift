import PortcullisModel

/// C# that reads who is calling, for counter and cache keys; which claim holds what
/// depends on how the route's token was checked.
enum Identity {
    static func subject(_ provider: IdentityProvider) -> String { claim("sub", provider) }

    /// The client application: `azp`, else `appid`, else `client_id`.
    static func client(_ provider: IdentityProvider) -> String {
        switch provider.details {
        case .jwt:
            return "(\(claim("azp", provider)) ?? \(claim("appid", provider)) ?? \(claim("client_id", provider)))"
        case .introspection:
            return "(\(claim("client_id", provider)) ?? \(claim("azp", provider)))"
        }
    }

    /// A claim of the validated token, or null.
    static func claim(_ name: String, _ provider: IdentityProvider) -> String {
        let key = PolicyExpression.csharpString(name)
        switch provider.details {
        case .jwt:
            return "((Jwt)context.Variables[\"\(PolicyNames.token)\"]).Claims.GetValueOrDefault(\(key), (string)null)"
        case .introspection:
            return "(string)JObject.Parse((string)context.Variables[\"\(PolicyNames.introspection)\"])[\(key)]"
        }
    }
}
