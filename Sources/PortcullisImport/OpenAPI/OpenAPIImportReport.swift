import PortcullisDiagnostics
import PortcullisSupport

/// What `import openapi` did: the files it wrote, the route each operation became, and
/// everything it renamed, dropped or left as a placeholder, each with where the input
/// writes it and how to fix it. The JSON report carries it as its `import` member.
public struct OpenAPIImportReport: Encodable, Sendable {
    /// The document as the command line named it.
    public var source: String
    /// The API's name, and what it was made from.
    public var api: String
    public var apiNamedFrom: NameSource
    /// The files written, relative to the output folder, in order.
    public var files: [String] = []
    /// One entry an operation that became a route, in document order.
    public var routes: [RouteEntry] = []
    /// What needs a look before the project is the API's: in document order, the API's
    /// own fields last.
    public var changes: [Change] = []

    public enum NameSource: String, Encodable, Sendable {
        case option = "--name"
        case title = "info.title"
        case fileName = "file name"
        /// Neither the title nor the file name holds a letter or digit.
        case fallback = "default"
    }

    public struct RouteEntry: Encodable, Sendable {
        /// The operation: its method (upper case), path and operationId as the document
        /// writes them, control characters shown as escapes (``DisplayText/shown(_:)``).
        public var method: String
        public private(set) var path: String
        public private(set) var operationId: String?
        /// The route's id and path as written in the API.
        public var route: String
        public var routePath: String
        public var line: UInt32

        init(method: String, path: String, operationId: String?, route: String, routePath: String, line: UInt32) {
            self.method = method
            self.path = DisplayText.message(path)
            self.operationId = operationId.map(DisplayText.message)
            self.route = route
            self.routePath = DisplayText.message(routePath)
            self.line = line
        }
    }

    public struct Change: Encodable, Sendable {
        public enum Kind: String, Encodable, Sendable {
            /// Written under another name or form than the document's.
            case renamed
            /// Left out of the definitions.
            case dropped
            /// Written as a stand-in value the project must replace.
            case placeholder
        }

        public var kind: Kind
        /// What happened and why, one sentence. It quotes the document, so control
        /// characters are shown as escapes, as in a ``Diagnostic``'s message.
        public private(set) var message: String
        /// How to fix it, when there is something to do; shown as `message` is.
        public private(set) var fix: String?
        /// Where the document writes what the change is about; nil for what it does not write.
        public var line: UInt32?
        public var column: UInt32?

        init(kind: Kind, message: String, fix: String?, line: UInt32?, column: UInt32?) {
            self.kind = kind
            self.message = DisplayText.message(message)
            self.fix = fix.map(DisplayText.message)
            self.line = line
            self.column = column
        }
    }

    /// The report as text: a line a file and a route, then a located line a change.
    public var lines: [String] {
        var lines = ["imported '\(DisplayText.escaped(source.utf8))' as API '\(api)' (name from \(apiNamedFrom.rawValue))"]
        lines += files.map { "  wrote \($0)" }
        lines += routes.map { route in
            let operation = route.operationId.map { " " + Self.quoted($0) } ?? ""
            return "  route \(route.route): \(route.method) \(route.routePath) (operation\(operation) at line \(route.line))"
        }
        for change in changes {
            let place = change.line.map { "\(DisplayText.escaped(source.utf8)):\($0):\(change.column ?? 1): " } ?? ""
            lines.append("\(place)\(change.kind.rawValue): \(change.message)")
            if let fix = change.fix { lines.append("  fix: \(fix)") }
        }
        return lines
    }

    /// Text from the document as messages show it: escaped, and never a credential.
    static func quoted(_ text: String) -> String {
        CredentialScanner.looksLikeCredential(text) ? "(a value that holds a credential)" : "'\(DisplayText.escaped(text.utf8))'"
    }
}
