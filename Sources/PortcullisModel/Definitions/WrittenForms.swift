/// The forms the decoder accepts, for code that writes definitions (import) and must write
/// only what reads back: the one grammar, not a copy of it.
public enum WrittenForms {
    /// An API, gateway, product or backend name.
    public static func isName(_ text: String) -> Bool { Grammar.isName(text) }

    /// A route's `id`.
    public static func isRouteID(_ text: String) -> Bool { Grammar.isOperationName(text) }

    /// An API's `path`.
    public static func isAPIPath(_ text: String) -> Bool { Grammar.isAPIPath(text) }

    /// A route's `path`, or why the text is not one.
    public static func routePath(_ text: String) -> Result<PathTemplate, InvalidRoutePath> {
        Grammar.pathTemplate(text).mapError { InvalidRoutePath(reason: $0.reason) }
    }

    public struct InvalidRoutePath: Error {
        public let reason: String
    }
}
