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
    /// Operations under a path no route can have: reported where the path is written, and
    /// kept so that import can say what became of each.
    public var unroutable: [UnroutableOperation]
    public var about: OpenAPIAbout

    public init(
        bytes: [UInt8], format: Format, operations: [OpenAPIOperation], unroutable: [UnroutableOperation] = [],
        about: OpenAPIAbout = OpenAPIAbout()
    ) {
        self.bytes = bytes
        self.format = format
        self.operations = operations
        self.unroutable = unroutable
        self.about = about
    }
}

/// What a document says of its API as a whole, which import turns into the API's fields.
public struct OpenAPIAbout: Sendable, Equatable {
    /// `info.title` and `info.description`, when they are strings.
    public var title: String?
    public var description: String?
    /// The servers' URLs in order, server variables replaced by their defaults; for
    /// Swagger 2.0, the one URL `schemes`, `host` and `basePath` make.
    public var serverURLs: [String]

    public init(title: String? = nil, description: String? = nil, serverURLs: [String] = []) {
        self.title = title
        self.description = description
        self.serverURLs = serverURLs
    }
}

/// One operation of a specification: a method under a path.
public struct OpenAPIOperation: Sendable {
    /// The method as the document writes it, lowercased (`get`); `trace` has no route method.
    public var method: String
    public var path: PathTemplate
    public var operationId: Located<String>?
    /// The operation's `summary`, when it is a string.
    public var summary: String?
    /// Where the method's key is written in the specification file.
    public var range: SourceRange

    public init(method: String, path: PathTemplate, operationId: Located<String>?, summary: String? = nil, range: SourceRange) {
        self.method = method
        self.path = path
        self.operationId = operationId
        self.summary = summary
        self.range = range
    }
}

/// An operation under a path that is not a route path (`/orders/{order-id}`, `/orders/`).
public struct UnroutableOperation: Sendable {
    public var method: String
    /// The path as the document writes it, where its key is.
    public var path: Located<String>
    /// Why no route can have it.
    public var reason: String
    public var operationId: Located<String>?
    public var summary: String?
    /// Where the method's key is written.
    public var range: SourceRange
}
