import PortcullisSupport
import PortcullisModel

/// The information files of an APIOps artifacts tree: each the ARM resource's
/// `properties` object, wrapped as `{"properties": {...}}`.
enum APIOpsFiles {
    struct Wrapped<Properties: Encodable>: Encodable {
        var properties: Properties
    }

    struct APIProperties: Encodable {
        /// The APIOps publisher reads the revision of an API that already exists and stops
        /// when there is none; a bundle describes one revision, the current one.
        var apiRevision = "1"
        var isCurrent = true
        var displayName: String
        var description: String?
        var path: String
        var protocols = ["https"]
        var serviceUrl: String?
        var subscriptionRequired: Bool
        var type = "http"
    }

    struct ProductProperties: Encodable {
        var displayName: String
        var description: String?
        var subscriptionRequired: Bool
        /// Only meaningful, and only accepted by APIM, when subscriptions are required.
        var approvalRequired: Bool?
        var state = "published"
    }

    struct NamedValueProperties: Encodable {
        struct KeyVault: Encodable {
            var secretIdentifier: String
        }

        var displayName: String
        var value: String?
        var secret: Bool
        var keyVault: KeyVault?
    }

    static func api(_ api: API, namedValues: [String: String]) -> String {
        StableJSON.encode(
            Wrapped(
                properties: APIProperties(
                    displayName: api.displayName?.value ?? api.name.value, description: api.description?.value,
                    path: api.path.value, serviceUrl: NamedValues.resolve(api.backend.value, namedValues),
                    subscriptionRequired: api.effectiveSubscriptionRequired)))
    }

    static func product(_ product: Product) -> String {
        let subscriptions = product.effectiveSubscriptionRequired
        return StableJSON.encode(
            Wrapped(
                properties: ProductProperties(
                    displayName: product.displayName?.value ?? product.name.value, description: product.description?.value,
                    subscriptionRequired: subscriptions,
                    approvalRequired: subscriptions ? product.effectiveApprovalRequired : nil)))
    }

    struct FragmentProperties: Encodable {
        var description: String?
    }

    /// The policy itself is the folder's `policy.xml`, which APIOps's publisher sends as the
    /// fragment's value.
    static func fragment(_ fragment: PolicyFragment) -> String {
        StableJSON.encode(Wrapped(properties: FragmentProperties(description: fragment.description?.value)))
    }

    /// The link between a product and an API has no properties in ARM; APIOps writes `{}`.
    static let productAPI = "{}\n"

    /// A plain value is not secret; one that looks like a credential is marked secret in
    /// case it gets this far (the build refuses such inputs), so APIM at least hides it.
    static func namedValue(_ value: NamedValue) -> String {
        let secret = CredentialScanner.looksLikeCredential(value.value.value)
        return StableJSON.encode(
            Wrapped(properties: NamedValueProperties(displayName: value.name.value, value: value.value.value, secret: secret)))
    }

    /// Key Vault-backed: APIM reads the value from the vault; the bundle holds only its URI.
    static func secret(_ name: String, keyVault: String) -> String {
        StableJSON.encode(
            Wrapped(
                properties: NamedValueProperties(
                    displayName: name, secret: true, keyVault: NamedValueProperties.KeyVault(secretIdentifier: keyVault))))
    }
}
