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
    public var anchor: SourceRange

    public var effectiveSubscriptionRequired: Bool { subscriptionRequired?.value ?? true }
    public var effectiveApprovalRequired: Bool { approvalRequired?.value ?? false }
}

/// Everything read from the inputs, before references are resolved.
public struct Definitions: Sendable {
    public var gateways: [Gateway] = []
    public var apis: [API] = []
    public var products: [Product] = []
    /// Every `{{name}}` written in a field that allows it.
    public var namedValueReferences: [Located<String>] = []
    /// Fields that start with a `{{name}}` reference.
    public var leadingTemplates: [TemplatedField] = []
    /// Secret material that could not be read as written: reports mask it.
    public var unreadSecrets: [SourceRange] = []
    /// Every `kind: Gateway` document met, decoded or not.
    public var gatewayDocuments: [SourceRange] = []
    /// Names of APIs whose documents had errors and were not decoded.
    public var undecodedAPINames: Set<String> = []
    /// Scopes named by routes that had errors and were left out, so that no rule reports
    /// those scopes as unused.
    public var scopesOfDroppedRoutes: Set<String> = []
    /// False when some input could not be read to its end, so declarations may be missing.
    public var complete = true

    public init() {}

    public mutating func append(contentsOf other: Definitions) {
        gateways += other.gateways
        apis += other.apis
        products += other.products
        namedValueReferences += other.namedValueReferences
        leadingTemplates += other.leadingTemplates
        unreadSecrets += other.unreadSecrets
        gatewayDocuments += other.gatewayDocuments
        undecodedAPINames.formUnion(other.undecodedAPINames)
        scopesOfDroppedRoutes.formUnion(other.scopesOfDroppedRoutes)
        complete = complete && other.complete
    }
}
