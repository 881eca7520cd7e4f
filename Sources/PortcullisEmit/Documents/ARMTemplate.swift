/// An ARM deployment template for what APIOps cannot publish; the bundle keeps such
/// templates outside `apim/`, which APIOps reads.
struct ARMTemplate<Resource: Encodable>: Encodable {
    enum CodingKeys: String, CodingKey {
        case schema = "$schema"
        case contentVersion, parameters, resources
    }

    struct Parameter: Encodable {
        struct Metadata: Encodable {
            var description: String
        }

        var type = "string"
        var metadata: Metadata

        init(_ description: String) { metadata = Metadata(description: description) }
    }

    var schema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
    var contentVersion = "1.0.0.0"
    var parameters: [String: Parameter]
    var resources: [Resource]

    /// The parameter every template takes: the instance it deploys to.
    static var serviceName: (String, Parameter) {
        ("apimServiceName", Parameter("The API Management instance the bundle is published to."))
    }

    /// The ARM name of a child resource of the instance.
    static func childName(_ name: String) -> String { "[format('{0}/\(name)', parameters('apimServiceName'))]" }
}
