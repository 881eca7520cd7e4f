import PortcullisSupport
import PortcullisModel

/// The information files of an APIOps artifacts tree: each the ARM resource's
/// `properties` object, wrapped as `{"properties": {...}}`.
enum APIOpsFiles {
    struct Wrapped<Properties: Encodable>: Encodable {
        var properties: Properties
    }

    /// A link's file: APIOps' publisher takes a link for one only where its file names it
    /// (`name`); without, it deploys nothing and says nothing (audit V90).
    struct NamedLink<Properties: Encodable>: Encodable {
        var name: String
        var properties: Properties
    }

    struct APIProperties: Encodable {
        /// The APIOps publisher reads the revision of an API that already exists and stops
        /// when there is none; a bundle describes one revision, the current one.
        var apiRevision: String
        var isCurrent = true
        var displayName: String
        var description: String?
        var path: String
        var protocols: [String]
        var serviceUrl: String?
        var subscriptionRequired: Bool
        var type = "http"
        var apiVersion: String?
        var apiVersionSetId: String?
    }

    struct VersionSetProperties: Encodable {
        var displayName: String
        var description: String?
        var versioningScheme: String
        var versionQueryName: String?
        var versionHeaderName: String?
    }

    static func versionSet(_ set: VersionSet) -> String {
        var properties = VersionSetProperties(
            displayName: set.displayName?.value ?? set.name.value, description: set.description?.value,
            versioningScheme: set.scheme.value.apimName)
        switch set.scheme.value {
        case .segment: break
        case .query: properties.versionQueryName = set.parameter?.value
        case .header: properties.versionHeaderName = set.parameter?.value
        }
        return StableJSON.encode(Wrapped(properties: properties))
    }

    struct ProductProperties: Encodable {
        var displayName: String
        var description: String?
        var subscriptionRequired: Bool
        /// Only meaningful, and only accepted by APIM, when subscriptions are required.
        var approvalRequired: Bool?
        var state: String
        var terms: String?
        /// Only meaningful when subscriptions are required, as approval.
        var subscriptionsLimit: Int?
    }

    struct GroupProperties: Encodable {
        var displayName: String
        var description: String?
        var type = "custom"
    }

    /// A product's link to a group names it by id: the APIOps publisher reads it to
    /// publish the group first.
    struct ProductGroupProperties: Encodable {
        var groupId: String
    }

    struct TagProperties: Encodable {
        var displayName: String
    }

    struct NamedValueProperties: Encodable {
        struct KeyVault: Encodable {
            var secretIdentifier: String
        }

        var displayName: String
        var value: String?
        var secret: Bool
        var keyVault: KeyVault?
        var tags: [String]?
    }

    /// A backend entity as APIM's backend resource: a pool is `type: Pool` with its members
    /// by id; a managed identity is not here but in the policies that use the backend.
    struct BackendProperties: Encodable {
        struct Credentials: Encodable {
            var certificateIds: [String]?
            var header: [String: [String]]?
            var query: [String: [String]]?
        }

        struct TLS: Encodable {
            var validateCertificateChain: Bool?
            var validateCertificateName: Bool?
        }

        struct CircuitBreaker: Encodable {
            struct Rule: Encodable {
                struct FailureCondition: Encodable {
                    var count: Int
                    var interval: String
                    var statusCodeRanges: [StatusCodeRange]
                }

                struct StatusCodeRange: Encodable {
                    var min: Int
                    var max: Int
                }

                var name = "circuit-breaker"
                var failureCondition: FailureCondition
                var tripDuration: String
                var acceptRetryAfter: Bool?
            }

            var rules: [Rule]
        }

        struct Pool: Encodable {
            struct Service: Encodable {
                var id: String
                var priority: Int?
                var weight: Int?
            }

            var services: [Service]
        }

        var description: String?
        var type: String?
        var `protocol`: String?
        var url: String?
        var credentials: Credentials?
        var tls: TLS?
        var circuitBreaker: CircuitBreaker?
        var pool: Pool?
    }

    /// Status codes a breaker counts when the definition names none: server errors.
    static let defaultFailureCodes = 500...599

    /// Plain named values in the URL are substituted, as in an API's `serviceUrl`.
    static func backend(_ backend: Backend, namedValues: NamedValueTable) -> String {
        var properties = BackendProperties(description: backend.description?.value)
        switch backend.target {
        case .service(let service):
            properties.protocol = "http"
            properties.url = NamedValues.resolve(service.url.value, namedValues) ?? service.url.value
            if let credentials = service.credentials {
                // Secrets are sent as their named values, which APIM substitutes.
                func secrets(_ parameters: [(name: Located<String>, secret: SecretValue)]) -> [String: [String]]? {
                    let references = parameters.compactMap { parameter -> (String, [String])? in
                        guard case .reference(let secret) = parameter.secret else { return nil }
                        return (parameter.name.value, ["{{\(secret.value)}}"])
                    }
                    return references.isEmpty ? nil : Dictionary(references) { first, _ in first }
                }
                let wrapped = BackendProperties.Credentials(
                    certificateIds: credentials.clientCertificate.map { _ in [CertificateTemplate.certificateId(of: backend)] },
                    header: secrets(credentials.headers), query: secrets(credentials.query))
                if wrapped.certificateIds != nil || wrapped.header != nil || wrapped.query != nil { properties.credentials = wrapped }
            }
            properties.tls = service.tls.map {
                BackendProperties.TLS(
                    validateCertificateChain: $0.validateCertificateChain?.value, validateCertificateName: $0.validateCertificateName?.value)
            }
            properties.circuitBreaker = service.circuitBreaker.map { breaker in
                let codes = breaker.statusCodes.isEmpty ? [defaultFailureCodes] : breaker.statusCodes.map(\.value)
                return BackendProperties.CircuitBreaker(rules: [
                    .init(
                        failureCondition: .init(
                            count: breaker.failures.value, interval: isoDuration(breaker.per.value),
                            statusCodeRanges: codes.map { .init(min: $0.lowerBound, max: $0.upperBound) }),
                        tripDuration: isoDuration(breaker.tripFor.value), acceptRetryAfter: breaker.acceptRetryAfter?.value)
                ])
            }
        case .pool(let members):
            properties.type = "Pool"
            properties.pool = BackendProperties.Pool(
                services: members.map { .init(id: "/backends/\($0.backend.value)", priority: $0.priority?.value, weight: $0.weight?.value) })
        }
        return StableJSON.encode(Wrapped(properties: properties))
    }

    /// Seconds as an ISO 8601 duration, as ARM writes them: 90 is `PT1M30S`.
    static func isoDuration(_ seconds: Int) -> String {
        let parts = [(seconds / 3600, "H"), (seconds % 3600 / 60, "M"), (seconds % 60, "S")].filter { $0.0 > 0 }
        return "PT" + parts.map { "\($0.0)\($0.1)" }.joined()
    }

    /// The `serviceUrl` the bundle gives an API: the URL it reaches (its own, or its backend
    /// entity's, which the API's policy sets by id all the same) with plain named values put
    /// in; none for a pool, or for a URL that references a secret, which APIM substitutes
    /// only in policies. Without one, the API's policy must set the backend.
    static func serviceUrl(of backend: PlannedBackend?, namedValues: NamedValueTable) -> String? {
        backend?.url.flatMap { NamedValues.resolve($0, namedValues) }
    }

    static func api(_ api: API, backend: PlannedBackend?, namedValues: NamedValueTable) -> String {
        StableJSON.encode(
            Wrapped(
                properties: APIProperties(
                    apiRevision: String(api.revision?.value ?? 1),
                    displayName: api.displayName?.value ?? api.name.value, description: api.description?.value,
                    path: api.path.value, protocols: api.protocols?.map(\.value.rawValue) ?? ["https"], serviceUrl: serviceUrl(of: backend, namedValues: namedValues),
                    subscriptionRequired: api.effectiveSubscriptionRequired, apiVersion: api.version?.name.value,
                    apiVersionSetId: api.version.map { "/apiVersionSets/\($0.set.value)" })))
    }

    static func product(_ product: Product) -> String {
        let subscriptions = product.effectiveSubscriptionRequired
        return StableJSON.encode(
            Wrapped(
                properties: ProductProperties(
                    displayName: product.displayName?.value ?? product.name.value, description: product.description?.value,
                    subscriptionRequired: subscriptions,
                    approvalRequired: subscriptions ? product.effectiveApprovalRequired : nil,
                    state: product.effectivePublished ? "published" : "notPublished", terms: product.terms?.value,
                    subscriptionsLimit: subscriptions ? product.subscriptionsLimit?.value : nil)))
    }

    struct FragmentProperties: Encodable {
        var description: String?
    }

    /// The policy itself is the folder's `policy.xml`, which APIOps's publisher sends as the
    /// fragment's value.
    static func fragment(_ fragment: PolicyFragment) -> String {
        StableJSON.encode(Wrapped(properties: FragmentProperties(description: fragment.description?.value)))
    }


    static func group(_ group: Group) -> String {
        StableJSON.encode(
            Wrapped(
                properties: GroupProperties(
                    displayName: group.displayName?.value ?? group.name.value, description: group.description?.value)))
    }

    static func productGroup(_ group: String) -> String {
        StableJSON.encode(NamedLink(name: group, properties: ProductGroupProperties(groupId: "/groups/\(group)")))
    }

    /// A tag is its name and what it shows; what it is attached to is its folder's `apis/`
    /// and `products/`.
    static func tag(displayName: String) -> String {
        StableJSON.encode(Wrapped(properties: TagProperties(displayName: displayName)))
    }

    /// The link between a product and an API, or a tag and what it tags, has no properties
    /// in ARM; APIOps writes `{}`.
    static let link = "{}\n"

    /// A plain value is not secret; one that looks like a credential is marked secret in
    /// case it gets this far (the build refuses such inputs), so APIM at least hides it.
    static func namedValue(_ value: NamedValue) -> String {
        let secret = CredentialScanner.looksLikeCredential(value.value.value)
        return StableJSON.encode(
            Wrapped(
                properties: NamedValueProperties(
                    displayName: value.displayName?.value ?? value.name.value, value: value.value.value, secret: secret,
                    tags: value.tags.isEmpty ? nil : value.tags.map(\.value))))
    }

    /// Key Vault-backed: APIM reads the value from the vault; the bundle holds only its URI.
    static func secret(_ secret: SecretDeclaration, keyVault: String) -> String {
        StableJSON.encode(
            Wrapped(
                properties: NamedValueProperties(
                    displayName: secret.displayName?.value ?? secret.name.value, secret: true,
                    keyVault: NamedValueProperties.KeyVault(secretIdentifier: keyVault),
                    tags: secret.tags.isEmpty ? nil : secret.tags.map(\.value))))
    }
}
