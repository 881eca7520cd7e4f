import PortcullisModel
import PortcullisSupport

/// `infrastructure/backend-certificates.json`: an ARM template that registers each client
/// certificate a backend presents as an APIM certificate read from Key Vault. A backend
/// names its certificate by id, and APIOps cannot publish certificates, so this template
/// is deployed before APIOps publishes the backends. It holds Key Vault URIs, no secret.
enum CertificateTemplate {
    static let path = "infrastructure/backend-certificates.json"

    struct Certificate: Encodable {
        struct Properties: Encodable {
            struct KeyVault: Encodable {
                var secretIdentifier: String
            }

            var keyVault: KeyVault
        }

        var type = "Microsoft.ApiManagement/service/certificates"
        var apiVersion = "2022-08-01"
        var name: String
        var properties: Properties
    }

    /// The certificate id of a backend's client certificate: the backend's name.
    static func certificateId(of backend: Backend) -> String { "/certificates/\(backend.name.value)" }

    /// Nil when no backend presents a client certificate.
    static func render(_ backends: [Backend]) -> String? {
        let certificates = backends.compactMap { backend -> Certificate? in
            guard let keyVault = backend.service?.credentials?.clientCertificate else { return nil }
            return Certificate(
                name: ARMTemplate<Certificate>.childName(backend.name.value),
                properties: Certificate.Properties(keyVault: .init(secretIdentifier: keyVault.value)))
        }
        guard !certificates.isEmpty else { return nil }
        return StableJSON.encode(
            ARMTemplate(parameters: Dictionary(uniqueKeysWithValues: [ARMTemplate<Certificate>.serviceName]), resources: certificates))
    }
}
