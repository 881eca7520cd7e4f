import PortcullisDiagnostics

/// Where a route's requests go: the API's `backend` as written and, when it names a
/// backend, that backend with its pool's members. Policies, `gateway.json` and the access
/// diff all read the backend from here.
public struct PlannedBackend: Sendable {
    public let reference: BackendReference
    /// Nil for a URL written on the API.
    public let resolved: ResolvedBackend?

    /// The backend's name, when the API names one.
    public var name: String? { resolved?.backend.name.value }

    /// The URL requests reach: the one written on the API or the backend; nil for a pool.
    public var url: String? {
        switch reference {
        case .url(let url): url.value
        case .named: resolved?.backend.service?.url.value
        }
    }

    /// The managed identity the gateway authenticates with where the backend is used.
    public var managedIdentity: Backend.ManagedIdentity? { resolved?.managedIdentity }
}

/// A declared backend whose references were checked: a pool knows its members. One
/// instance per backend, shared by the plans of every route that reaches it.
public final class ResolvedBackend: Sendable {
    public let backend: Backend
    /// A pool's members with the single backends they name, in the order written; empty
    /// for a single backend.
    public let members: [(member: Backend.PoolMember, backend: Backend)]
    /// A single backend's identity, or the one every member of a pool has; APIM sends one
    /// token per request, so members must agree (checked by the resolver).
    public let managedIdentity: Backend.ManagedIdentity?

    init(backend: Backend, members: [(member: Backend.PoolMember, backend: Backend)]) {
        self.backend = backend
        self.members = members
        if let service = backend.service {
            managedIdentity = service.credentials?.managedIdentity
        } else {
            let identities = members.map { $0.backend.service?.credentials?.managedIdentity }
            let first = identities.first ?? nil
            managedIdentity = identities.allSatisfy { $0 == first } ? first : nil
        }
    }
}
