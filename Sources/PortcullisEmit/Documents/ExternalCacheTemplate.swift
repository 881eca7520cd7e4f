import PortcullisSupport

/// `infrastructure/external-cache.json`: an ARM template that registers the gateway's Redis
/// as APIM's external cache (`Microsoft.ApiManagement/service/caches`). The policies ask for
/// `caching-type="external"`, and APIOps cannot publish a cache, so the bundle carries what
/// creates it, outside `apim/`, which APIOps reads.
///
/// The connection string is a reference to the secret named value APIOps publishes, so the
/// template holds no secret and is deployed after APIOps has published the named values.
enum ExternalCacheTemplate {
    static let path = "infrastructure/external-cache.json"

    struct Cache: Encodable {
        struct Properties: Encodable {
            var connectionString: String
            /// `default`: every location of the instance, and self-hosted gateways, use it.
            var useFromLocation = "default"
            /// The Redis resource as a management URL, the form APIM shows for it.
            var resourceId = "[uri(environment().resourceManager, parameters('redisResourceId'))]"
            var description: String
        }

        var type = "Microsoft.ApiManagement/service/caches"
        var apiVersion = "2022-08-01"
        var name = ARMTemplate<Cache>.childName("default")
        var properties: Properties
    }

    static func render(gateway: String, connectionSecret: String) -> String {
        StableJSON.encode(
            ARMTemplate(
                parameters: Dictionary(uniqueKeysWithValues: [
                    ARMTemplate<Cache>.serviceName,
                    ("redisResourceId", ARMTemplate<Cache>.Parameter("The Azure Cache for Redis resource id, starting with /subscriptions/.")),
                ]),
                resources: [
                    Cache(
                        properties: Cache.Properties(
                            connectionString: "{{\(connectionSecret)}}",
                            description: "External cache of gateway '\(gateway)', from Portcullis"))
                ]))
    }
}
