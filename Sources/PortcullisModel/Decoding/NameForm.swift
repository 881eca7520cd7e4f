/// The kinds of name a definition gives, each with its lexical form and the note that
/// says what it allows: one place decides which names are APIM's and which are ours.
enum NameForm: Sendable {
    /// A name only Portcullis uses: the gateway, an environment, an identity provider.
    case name
    /// An APIM resource name (API, product, backend, tag, group, version set), kept as the
    /// estate spells it since the bundle's folders and ids are these names.
    case resource
    /// A route id, which APIM creates as an operation from the specification's `operationId`.
    case operation
    /// A named value's or secret's name (`clientId`, `Gateway.Name`): APIM's wider form,
    /// since raw policies and estates moved onto Portcullis refer to them as `{{name}}`.
    case namedValue

    func accepts(_ text: String) -> Bool {
        switch self {
        case .name: Grammar.isName(text)
        case .resource: Grammar.isResourceName(text)
        case .operation: Grammar.isOperationName(text)
        case .namedValue: Grammar.isNamedValueName(text)
        }
    }

    /// What an invalid one is called in "invalid WHAT 'value' for 'field'".
    var what: String {
        switch self {
        case .name, .resource: "name"
        case .operation: "route id"
        case .namedValue: "named value name"
        }
    }

    var rule: String {
        switch self {
        case .name:
            "names are 1 to 64 lowercase letters, digits and inner hyphens, starting and ending with a letter or digit"
        case .resource:
            "APIM resource names are 1 to 80 letters, digits, '-' and '_', starting with a letter or digit"
        case .operation:
            "a route id is 1 to \(Grammar.maxOperationNameLength) letters and digits joined by single hyphens: APIM imports it as an operationId, turning each run of other characters into one hyphen, so the route's policy would find no operation"
        case .namedValue:
            "named value and secret names are 1 to 255 letters, digits, '.', '-' and '_', starting with a letter or digit (APIM takes 256, but the bundle names a folder after each, and a file name holds 255 bytes)"
        }
    }
}
