import PortcullisDiagnostics
import PortcullisSyntax

extension DocumentDecoder {
    /// Reads a `kind: Environment` document, keeping only overrides of what may differ
    /// between environments (``OverrideShape``); the values themselves are checked later,
    /// once laid over the documents they change.
    mutating func decodeEnvironment(_ root: YAMLNode, kindRange: SourceRange) {
        guard let fields = context.fields(root, EnvironmentField.self, named: "Environment", introducedAt: kindRange),
            let name = context.require(fields, .name).flatMap({ context.name($0) })
        else { return }
        _ = fields[.description].flatMap { context.string($0) }
        var environment = Environment(name: name, kindRange: kindRange, extent: context.extent(of: root))
        environment.gateway = fields[.gateway].flatMap {
            limited($0.value, to: .gateway, field: "gateway", environment: name.value)
        }
        environment.apis = targets(fields[.apis], shape: .api, environment: name.value)
        environment.products = targets(fields[.products], shape: .product, environment: name.value)
        environment.backends = targets(fields[.backends], shape: .backend, environment: name.value)
        definitions.environments.append(environment)
    }

    /// The entries of `apis`, `products` or `backends` by name (keys are unique: YS002 otherwise), each
    /// limited to what may be overridden.
    private mutating func targets(
        _ entry: YAMLEntry?, shape: OverrideShape, environment: String
    ) -> [String: Environment.Target] {
        guard let entry, let entries = context.namedEntries(entry) else { return [:] }
        var targets: [String: Environment.Target] = [:]
        for item in entries {
            guard let name = context.keyName(item, of: entry.key, form: .resource),
                let overrides = limited(item.value, to: shape, field: item.key, environment: environment)
            else { continue }
            targets[name.value] = targets[name.value] ?? Environment.Target(name: name, overrides: overrides)
        }
        return targets
    }

    /// `node` without the entries an environment may not write, each reported: RF007 for
    /// a field that is fixed across environments, YS003 for one the language does not have.
    private mutating func limited(
        _ node: YAMLNode, to shape: OverrideShape, field: String, environment: String
    ) -> YAMLNode? {
        switch shape {
        case .replaced:
            return node
        case .namedValue:
            // Only the value differs between environments, written alone or under `value`;
            // the display name and tags are the same everywhere.
            switch node.content {
            case .mapping:
                return limited(node, to: .namedValueInLongForm, field: field, environment: environment)
            case .sequence:
                context.mismatch(node, expected: "a text, a number or a boolean", field: field)
                return nil
            case .scalar, .rejected:
                return node
            }
        case .secret:
            if collectedSecretValues.insert(node.range).inserted { context.unreadSecrets += Self.secretLiterals(in: node) }
            return node
        case .named(_, let inner), .routes(let inner):
            let form: NameForm = if case .named(let form, _) = shape { form } else { .operation }
            guard case .mapping(let entries) = node.content else {
                context.mismatch(node, expected: "a mapping", field: field)
                return nil
            }
            let kept = entries.compactMap { entry -> YAMLEntry? in
                // The value first, so that a secret under a misspelt name is masked too.
                let value = limited(entry.value, to: inner, field: entry.key, environment: environment)
                guard context.keyName(entry, of: field, form: form) != nil, let value else { return nil }
                return YAMLEntry(key: entry.key, keyRange: entry.keyRange, value: value)
            }
            return YAMLNode(.mapping(kept), range: node.range)
        case .fields(let allowed, let base, _):
            guard case .mapping(let entries) = node.content else {
                context.mismatch(node, expected: "a mapping", field: field)
                return nil
            }
            let key = OverrideKey(range: node.range, mapping: ObjectIdentifier(allowed))
            if let limited = limitedOverrides[key] { return limited }
            var kept: [YAMLEntry] = []
            for entry in entries {
                if allowed.isField(entry.key) {
                    if let value = limited(entry.value, to: shape.child(entry.key), field: entry.key, environment: environment) {
                        kept.append(YAMLEntry(key: entry.key, keyRange: entry.keyRange, value: value))
                    }
                } else if !judgedOverrideFields.insert(OverrideKey(range: entry.keyRange, mapping: ObjectIdentifier(allowed))).inserted {
                    continue
                } else if base.contains(where: { $0.isField(entry.key) }) {
                    let names = DisplayText.list(allowed.fieldNames.map { "'\($0)'" }, joinedBy: "or")
                    context.diagnostics.report(
                        .fixedAcrossEnvironments,
                        "environment '\(environment)' cannot override '\(entry.key)', which is the same in every environment",
                        at: entry.keyRange,
                        notes: [Diagnostic.Note("here an environment may override \(names)", at: entry.keyRange)])
                } else {
                    context.unknownField(entry, in: allowed)
                }
            }
            let limited = YAMLNode(.mapping(kept), range: node.range)
            limitedOverrides[key] = limited
            return limited
        }
    }

    /// The scalars written in a place that holds secret material, but for Key Vault URIs,
    /// which say where a secret is kept, and the names a reference (`{secret: name}`) gives,
    /// which say which declared secret it is; a name declared nowhere is masked when the
    /// references are resolved, as it may be the secret itself.
    private static func secretLiterals(in node: YAMLNode) -> [SourceRange] {
        switch node.content {
        case .scalar: node.isNull ? [] : [node.range]
        case .sequence(let items): items.flatMap { secretLiterals(in: $0) }
        case .mapping(let entries):
            entries.flatMap { entry in
                Self.namesNoSecret.contains(entry.key) && entry.value.scalar != nil ? [] : secretLiterals(in: entry.value)
            }
        case .rejected: [node.range]
        }
    }

    private static let namesNoSecret: Set<String> = [SecretDeclarationField.keyVault.rawValue, SecretReferenceField.secret.rawValue]
}
