import PortcullisDiagnostics

/// A `kind: Backend` document: an APIM backend entity that APIs reach by name, either one
/// service (a URL with its credentials, TLS checks and circuit breaker) or a load-balanced
/// pool of such services.
public struct Backend: Sendable {
    public enum Target: Sendable {
        case service(Service)
        case pool([PoolMember])
    }

    /// One service behind one URL.
    public struct Service: Sendable {
        public var url: Located<String>
        public var credentials: Credentials?
        public var tls: TLS?
        public var circuitBreaker: CircuitBreaker?
    }

    /// How the gateway proves who it is to the service. Secrets are referenced, never written.
    public struct Credentials: Sendable {
        public var managedIdentity: ManagedIdentity?
        /// The Key Vault secret identifier of a client certificate.
        public var clientCertificate: Located<String>?
        /// Header name → secret sent in it.
        public var headers: [(name: Located<String>, secret: SecretValue)]
        /// Query parameter name → secret sent in it.
        public var query: [(name: Located<String>, secret: SecretValue)]

        /// Whether the gateway sends the service anything that proves who it is.
        public var isSent: Bool { managedIdentity != nil || clientCertificate != nil || !headers.isEmpty || !query.isEmpty }
    }

    /// A token from APIM's managed identity for `resource`, sent as a bearer token.
    public struct ManagedIdentity: Sendable, Equatable {
        public var resource: String
        /// A user-assigned identity's client id; the system-assigned identity when nil.
        public var clientId: String?
        /// The `managedIdentity` key.
        public var range: SourceRange

        public static func == (lhs: Self, rhs: Self) -> Bool { lhs.resource == rhs.resource && lhs.clientId == rhs.clientId }
    }

    public struct TLS: Sendable {
        public var validateCertificateChain: Located<Bool>?
        public var validateCertificateName: Located<Bool>?
    }

    /// APIM's circuit breaker rule: after `failures` failed responses within `per`, the
    /// backend is not called for `tripFor`.
    public struct CircuitBreaker: Sendable {
        public var failures: Located<Int>
        /// Seconds.
        public var per: Located<Int>
        public var statusCodes: [Located<ClosedRange<Int>>]
        /// Seconds.
        public var tripFor: Located<Int>
        public var acceptRetryAfter: Located<Bool>?
        /// The `circuitBreaker` key.
        public var keyRange: SourceRange
    }

    /// A member of a pool: a single backend, called by priority (lowest first), and by
    /// weight among members of one priority.
    public struct PoolMember: Sendable {
        public var backend: Located<String>
        public var priority: Located<Int>?
        public var weight: Located<Int>?
    }

    public var name: Located<String>
    public var description: Located<String>?
    public var target: Target
    /// Where the document's `kind` is written.
    public var kindRange: SourceRange

    public var service: Service? {
        if case .service(let service) = target { service } else { nil }
    }

    public var isPool: Bool { service == nil }
}

/// Where an API or route sends requests: a URL written in place (the first version of the
/// language), or a `kind: Backend` by name.
public enum BackendReference: Sendable {
    case url(Located<String>)
    case named(Located<String>)

    public var text: Located<String> {
        switch self {
        case .url(let text), .named(let text): text
        }
    }
}
