import PortcullisDiagnostics

/// A `kind: Product` document: a bundle of APIs with per-subscription limits.
public struct Product: Sendable {
    public var name: Located<String>
    public var displayName: Located<String>?
    public var description: Located<String>?
    public var apis: [Located<String>]
    public var subscriptionRequired: Located<Bool>?
    public var approvalRequired: Located<Bool>?
    public var rateLimit: Limit?
    public var quota: Limit?
    /// Raw statements of the product's policy.
    public var policy: RawPolicy? = nil
    /// The developer-portal groups that may see the product and subscribe to it.
    public var groups: [Located<String>] = []
    /// The terms of use subscribers accept.
    public var terms: Located<String>? = nil
    public var tags: [Located<String>] = []
    /// Whether developers see the product and may subscribe; an estate may keep products
    /// it has not published yet.
    public var published: Located<Bool>? = nil
    /// How many subscriptions to the product each user may hold; any number when nil.
    public var subscriptionsLimit: Located<Int>? = nil
    /// Where the document's `kind` is written; diagnostics about the whole product point here.
    public var kindRange: SourceRange

    public var effectiveSubscriptionRequired: Bool { subscriptionRequired?.value ?? true }
    public var effectiveApprovalRequired: Bool { approvalRequired?.value ?? false }
    public var effectivePublished: Bool { published?.value ?? true }
}

/// Everything read from the inputs, before references are resolved.
public struct Definitions: Sendable {
    public var gateways: [Gateway] = []
    public var apis: [API] = []
    public var products: [Product] = []
    public var fragments: [PolicyFragment] = []
    public var backends: [Backend] = []
    /// `kind: Environment` documents, as written; see ``EnvironmentSet``.
    public var environments: [Environment] = []
    /// Every `{{name}}` written in a field that allows it.
    public var namedValueReferences: [Located<String>] = []
    /// The fields' texts that hold such a reference.
    public var templatedTexts: [Located<String>] = []
    /// Fields that start with a `{{name}}` reference.
    public var leadingTemplates: [TemplatedField] = []
    /// Header values with a `{{name}}` reference, by the header's name.
    public var headerTemplates: [TemplatedField] = []
    /// Secret material that could not be read as written, or that an environment writes
    /// (read as a secret only where the environment is laid): reports mask it.
    public var unreadSecrets: [SourceRange] = []
    /// Every `kind: Gateway` document met, decoded or not.
    public var gatewayDocuments: [SourceRange] = []
    /// Names of APIs whose documents had errors and were not decoded.
    public var undecodedAPINames: Set<String> = []
    /// Names of backends whose documents had errors and were not decoded.
    public var undecodedBackendNames: Set<String> = []
    /// Every scalar written in a part that had errors, and the scopes of routes left out
    /// with their API: what such a part meant to name is unknown, so no rule reports a
    /// scope named there as unused.
    public var namesInBrokenParts: Set<String> = []
    /// Where parts that had errors are written (documents, APIs, routes, identity
    /// providers). Rules do not judge them, so a suppression there silenced nothing only
    /// because nothing was looked at.
    public var brokenParts: [SourceRange] = []
    /// False when some input could not be read to its end, or some document's kind could
    /// not be told, so declarations and uses may be missing.
    public var complete = true

    public init() {}

    public mutating func append(contentsOf other: Definitions) {
        gateways += other.gateways
        apis += other.apis
        products += other.products
        fragments += other.fragments
        backends += other.backends
        environments += other.environments
        namedValueReferences += other.namedValueReferences
        templatedTexts += other.templatedTexts
        leadingTemplates += other.leadingTemplates
        headerTemplates += other.headerTemplates
        unreadSecrets += other.unreadSecrets
        gatewayDocuments += other.gatewayDocuments
        undecodedAPINames.formUnion(other.undecodedAPINames)
        undecodedBackendNames.formUnion(other.undecodedBackendNames)
        namesInBrokenParts.formUnion(other.namesInBrokenParts)
        brokenParts += other.brokenParts
        complete = complete && other.complete
    }
}
