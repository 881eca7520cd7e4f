import PortcullisDiagnostics

/// An API's own OpenAPI document (`openapi:`), published instead of the one Portcullis
/// generates from the routes. Real specifications carry responses, parameters and schemas
/// the language does not describe; the routes must then match its operations one for one.
public struct OpenAPIReference: Sendable {
    /// The `openapi` field's value as written: a path relative to the YAML file.
    public var written: Located<String>
    /// The document, once the compiler has read it; nil until then and when it cannot be
    /// read (the reason is reported).
    public var document: OpenAPISpecification?

    public init(written: Located<String>) {
        self.written = written
    }
}

/// A specification file, kept byte for byte for the bundle, with the operations it declares.
public struct OpenAPISpecification: Sendable {
    /// How the file is written, which names the bundle's file as APIOps reads it.
    public enum Format: String, Sendable {
        case yaml, json
    }

    public var bytes: [UInt8]
    public var format: Format
    public var operations: [OpenAPIOperation]

    public init(bytes: [UInt8], format: Format, operations: [OpenAPIOperation]) {
        self.bytes = bytes
        self.format = format
        self.operations = operations
    }
}

/// One operation of a specification: a method under a path.
public struct OpenAPIOperation: Sendable {
    /// The method as the document writes it, lowercased (`get`); `trace` has no route method.
    public var method: String
    public var path: PathTemplate
    public var operationId: Located<String>?
    /// Where the method's key is written in the specification file.
    public var range: SourceRange

    public init(method: String, path: PathTemplate, operationId: Located<String>?, range: SourceRange) {
        self.method = method
        self.path = path
        self.operationId = operationId
        self.range = range
    }
}
