/// The fields of the request and response shaping mappings and of IP filtering (language
/// v2); see ``FieldSet``.

public enum RequestShapingField: String, FieldSet {
    case headers, query
    public static let schemaDefinition = "RequestShaping"
    public static let noun = "'request'"
}

public enum ResponseShapingField: String, FieldSet {
    case headers
    public static let schemaDefinition = "ResponseShaping"
    public static let noun = "'response'"
}

/// The keys of one block of changes; each is a ``MessageChange/Action``.
public enum MessageChangesField: String, FieldSet {
    case set, setIfMissing, append, remove
    public static let schemaDefinition = "MessageChanges"
    public static let noun = "'headers' or 'query'"
}

public enum RewriteField: String, FieldSet {
    case path, method, keepQuery
    public static let schemaDefinition = "Rewrite"
    public static let noun = "'rewrite'"
}

public enum RespondField: String, FieldSet {
    case status, headers, body
    public static let schemaDefinition = "Respond"
    public static let noun = "'respond'"
}

public enum MockField: String, FieldSet {
    case status, contentType
    public static let schemaDefinition = "Mock"
    public static let noun = "'mock'"
}

public enum IPFilterField: String, FieldSet {
    case allow, deny
    public static let schemaDefinition = "IPFilter"
    public static let noun = "'ipFilter'"
}

/// The shaping field sets, for ``allFieldSets``.
let shapingFieldSets: [any FieldSet.Type] = [
    RequestShapingField.self, ResponseShapingField.self, MessageChangesField.self, RewriteField.self, RespondField.self,
    MockField.self, IPFilterField.self,
]
