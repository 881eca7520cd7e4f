/// The codes the front end reports: YAML syntax and schema (YS), references and structure (RF).
///
/// They live here, below every stage, because the syntax reader, the model decoder and the
/// resolver all report them; checker rules carry their own codes.
extension DiagnosticCode {
    public static let yamlSyntax = DiagnosticCode(
        "YS001", "yaml-syntax", .error,
        summary: "the file is not well-formed YAML, is not valid UTF-8, has a non-UTF-8 byte-order mark, or holds a line break only YAML 1.1 sees")
    public static let duplicateKey = DiagnosticCode(
        "YS002", "duplicate-key", .error,
        summary: "a mapping repeats a key")
    public static let unknownField = DiagnosticCode(
        "YS003", "unknown-field", .error,
        summary: "a field the language does not define")
    public static let invalidValue = DiagnosticCode(
        "YS004", "invalid-value", .error,
        summary: "a value of the wrong type or form, out of range, or that would become a policy expression")
    public static let missingField = DiagnosticCode(
        "YS005", "missing-field", .error,
        summary: "a required field is absent")
    public static let inputLimit = DiagnosticCode(
        "YS006", "input-limit", .error,
        summary: "an input exceeds a resource limit: file size, nesting depth, alias expansion, document count, the number of environments, APIM's 256 KiB policy document or 32 KB fragment size, or the number of findings a report shows")
    public static let unsupportedYAML = DiagnosticCode(
        "YS007", "unsupported-yaml", .error,
        summary: "a custom tag, a merge key on something other than a mapping, or a key that is not a string")

    public static let unknownReference = DiagnosticCode(
        "RF001", "unknown-reference", .error,
        summary: "a reference to a scope, identity provider, secret, named value, API, backend or group that is not declared")
    public static let duplicateDefinition = DiagnosticCode(
        "RF002", "duplicate-definition", .error,
        summary: "two definitions share a name that must be unique")
    public static let duplicateRoute = DiagnosticCode(
        "RF003", "duplicate-route", .error,
        summary: "two routes have the same method and path templates equivalent but for parameter names and letter case: in one API, or in two whose paths nest once each API's path is put before its routes")
    public static let duplicateAPIPath = DiagnosticCode(
        "RF004", "duplicate-api-path", .error,
        summary: "two APIs are published under the same path, in any letter case")
    public static let missingGateway = DiagnosticCode(
        "RF005", "missing-gateway", .error,
        summary: "the inputs contain no Gateway document")
    public static let secondOpenProduct = DiagnosticCode(
        "RF006", "second-open-product", .error,
        summary: "an API in two products with 'subscriptionRequired: false', which APIM refuses to deploy")
    public static let fixedAcrossEnvironments = DiagnosticCode(
        "RF007", "fixed-across-environments", .error,
        summary: "an environment overrides a value that must be the same in every environment, or one the definitions do not have")
    public static let openAPIMismatch = DiagnosticCode(
        "RF008", "openapi-mismatch", .error,
        summary: "a route without an operation in its API's own OpenAPI document, an operation without a route, or a route id that is not its operation's operationId")
    public static let publisherOverride = DiagnosticCode(
        "RF009", "publisher-override", .error,
        summary: "an entry of an APIOps publisher configuration beside the definitions that overrides a resource the bundle publishes")

    public static let policyXMLSyntax = DiagnosticCode(
        "PX001", "policy-xml-syntax", .error,
        summary: "raw policy XML that is not well formed, holds a document type declaration, has an unterminated or split policy expression, or nests deeper or holds more attributes than the reader allows")
    public static let unknownPolicyElement = DiagnosticCode(
        "PX002", "unknown-policy-element", .error,
        summary: "raw policy XML names an element or attribute APIM does not have (an attribute in a namespace too), lacks an attribute APIM requires, or declares a default namespace")
    public static let misplacedPolicyElement = DiagnosticCode(
        "PX003", "misplaced-policy-element", .error,
        summary: "a raw policy statement in a section or scope where APIM does not allow it, a fragment's where it is included too, or a document without APIM's shape, text between statements included")
    public static let conflictingPolicyStatement = DiagnosticCode(
        "PX004", "conflicting-policy-statement", .error,
        summary: "a raw policy statement that does again what Portcullis generates from the definitions, such as a second token check or response cache, or writes a variable or header the generated policies use")
    public static let invalidPolicyValue = DiagnosticCode(
        "PX005", "invalid-policy-value", .error,
        summary: "a raw policy attribute whose value APIM refuses: not a whole number, a boolean or one of its words where the attribute takes one, or a policy expression where it takes none")

    /// Whether a finding of the code points at text the reader could not take apart, which
    /// no check of secrets read: a line that is not well formed, a repeated key, a field the
    /// language does not define, what YAML or XML the tool does not take, a limit that
    /// stopped the reading, a value not of its attribute's kind (which may be anything: a
    /// password pasted into `max-count`, which no check of secrets reads there). Its quoted
    /// line shows no value.
    public var pointsAtUnreadText: Bool { Self.unreadText.contains(id) }

    private static let unreadText = Set(
        [yamlSyntax, duplicateKey, unknownField, inputLimit, unsupportedYAML, policyXMLSyntax, unknownPolicyElement, invalidPolicyValue].map(\.id))

    /// Every front-end code, in code order.
    public static let frontEnd: [DiagnosticCode] = [
        .yamlSyntax, .duplicateKey, .unknownField, .invalidValue, .missingField, .inputLimit,
        .unsupportedYAML, .unknownReference, .duplicateDefinition, .duplicateRoute,
        .duplicateAPIPath, .missingGateway, .secondOpenProduct, .fixedAcrossEnvironments, .openAPIMismatch, .publisherOverride,
        .policyXMLSyntax, .unknownPolicyElement, .misplacedPolicyElement, .conflictingPolicyStatement, .invalidPolicyValue,
    ]
}
