import PortcullisDiagnostics
import PortcullisSyntax

extension DocumentDecoder {
    mutating func decodeProduct(_ root: YAMLNode, kindRange: SourceRange) {
        guard let fields = context.fields(root, ProductField.self, named: "Product", introducedAt: kindRange) else { return }
        let name = context.require(fields, .name).flatMap { context.name($0, form: .resource) }
        var apis: [Located<String>]?
        if let apisEntry = context.require(fields, .apis), let items = context.sequence(apisEntry) {
            apis = items.compactMap { context.name($0, field: "apis", form: .resource) }
        }
        var product = Product(
            name: name ?? Located("", at: kindRange),
            displayName: fields[.displayName].flatMap { context.string($0, atMost: 300) },
            description: fields[.description].flatMap { context.string($0, atMost: 1000) },
            apis: apis ?? [],
            subscriptionRequired: fields[.subscriptionRequired].flatMap { context.bool($0) },
            approvalRequired: fields[.approvalRequired].flatMap { context.bool($0) },
            rateLimit: fields[.rateLimit].flatMap { subscriptionLimit($0) },
            quota: fields[.quota].flatMap { subscriptionLimit($0) },
            kindRange: kindRange)
        product.policy = fields[.policy].flatMap { rawPolicy($0) }
        if let groupsEntry = fields[.groups], let items = context.sequence(groupsEntry) {
            product.groups = items.compactMap { context.name($0, field: groupsEntry.key, form: .resource) }
        }
        product.terms = fields[.terms].flatMap { context.string($0) }
        product.tags = tagList(fields[.tags])
        product.published = fields[.published].flatMap { context.bool($0) }
        product.subscriptionsLimit = fields[.subscriptionsLimit].flatMap { context.integer($0, in: 0...Int(Int32.max)) }
        guard name != nil, apis != nil else { return }
        definitions.products.append(product)
    }

    /// Product limits count per subscription; any other key is an error.
    private mutating func subscriptionLimit(_ entry: YAMLEntry) -> Limit? {
        guard case .mapping = entry.value.content else {
            context.mismatch(entry.value, expected: "a mapping", field: entry.key)
            return nil
        }
        guard let limit = limit(entry) else { return nil }
        if let key = limit.key, key.value != .subscription {
            context.diagnostics.report(
                .invalidValue, "a product's '\(entry.key)' counts per subscription, not per '\(key.value)'",
                at: key.range,
                notes: [Diagnostic.Note("remove 'key' or set it to 'subscription'", at: key.range)])
            return nil
        }
        return limit
    }
}
