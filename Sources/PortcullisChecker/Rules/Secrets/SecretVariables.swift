import Foundation
import PortcullisModel
import PortcullisPolicyXML

/// The policy variables that hold a secret, for SE005: a `set-variable` whose literal value
/// refers to a declared secret, or whose expression only reads such a variable, and the
/// variables APIM fills with an access token (`authentication-managed-identity`'s
/// `output-token-variable-name`, `get-authorization-context`'s `output-variable-name`). A
/// statement that writes the answer and reads one of them sends the secret as surely as
/// one that names it. A value computed from a secret (a text it decrypts or signs) is not
/// the secret, so only copies are followed.
///
/// A variable lives for one request, through every scope it passes, so a variable set in
/// one raw document is held in every document whose routes it shares. Names are matched
/// ignoring case, and order is not judged: a variable set after the answer is written is
/// taken to be held, which can only report too often.
struct SecretVariables {
    /// A variable that holds a secret: what it holds and the scope that sets it.
    struct Holding {
        var variable: String
        /// "secret 'partner-key'", "the access token of a managed identity".
        var origin: String
        var scope: Int
    }

    private var holdings: [Holding] = []
    /// The routes each scope that sets one runs for, by API and route id.
    private var routesOf: [Int: Set<RouteKey>] = [:]

    private struct RouteKey: Hashable {
        var api: Int
        var id: String
    }

    private static let setters: Set<String> = ["set-variable", "authentication-managed-identity", "get-authorization-context"]

    var isEmpty: Bool { holdings.isEmpty }

    init(_ scopes: [RawScope], secrets: Set<String>) {
        let setting = scopes.indices.filter { scopes[$0].document.has(anyOf: Self.setters) }
        guard !setting.isEmpty else { return }
        // First what holds a secret outright; expressions are kept to be read only if
        // something does, since most variables hold a time or an id.
        var held: [String: Holding] = [:]
        var copies: [(variable: String, code: String, scope: Int)] = []
        for index in setting {
            for element in scopes[index].elements(named: Self.setters) {
                switch element.name {
                case "set-variable":
                    guard let name = element.attribute("name")?.value.written, let value = element.attribute("value")?.value else { continue }
                    switch value {
                    case .text(let text):
                        guard let secret = NamedValues.references(in: text).first(where: { secrets.contains(Grammar.caseFolded($0)) }) else { continue }
                        held[name.lowercased()] = held[name.lowercased()] ?? Holding(variable: name, origin: "secret '\(secret)'", scope: index)
                    case .expression(let code):
                        // A string written out in an expression is the text as written.
                        if !NamedValues.references(in: code).isEmpty, let text = Self.stringLiteral(code),
                            let secret = NamedValues.references(in: text).first(where: { secrets.contains(Grammar.caseFolded($0)) })
                        {
                            held[name.lowercased()] = held[name.lowercased()] ?? Holding(variable: name, origin: "secret '\(secret)'", scope: index)
                        } else {
                            copies.append((name, code, index))
                        }
                    }
                default:
                    let output = element.attribute(element.name == "get-authorization-context" ? "output-variable-name" : "output-token-variable-name")
                    guard let token = output?.value.written, !token.isEmpty else { continue }
                    let origin = element.name == "get-authorization-context" ? "the access token of an authorization" : "the access token of a managed identity"
                    held[token.lowercased()] = held[token.lowercased()] ?? Holding(variable: token, origin: origin, scope: index)
                }
            }
        }
        guard !held.isEmpty else { return }
        // Until nothing changes: a variable copied from a variable that holds a secret holds it.
        let copied = copies.compactMap { copy in Self.copiedVariable(copy.code).map { (copy.variable, $0, copy.scope) } }
        var changed = true
        while changed {
            changed = false
            for (variable, source, scope) in copied where held[variable.lowercased()] == nil {
                guard let origin = held[source.lowercased()]?.origin else { continue }
                held[variable.lowercased()] = Holding(variable: variable, origin: origin, scope: scope)
                changed = true
            }
        }
        holdings = held.values.sorted { $0.variable < $1.variable }
        for index in Set(holdings.map(\.scope)) {
            routesOf[index] = Set(scopes[index].routes.map { RouteKey(api: $0.apiIndex, id: $0.written.id.value) })
        }
    }

    /// The variable holding a secret that `text`, a statement of `scope`, reads, if any:
    /// one set by a scope whose routes `scope` shares.
    func read(in text: String, of scope: RawScope) -> Holding? {
        guard text.contains("Variables") else { return nil }
        let reaching = holdings.filter { holding in
            guard let routes = routesOf[holding.scope] else { return false }
            return scope.routes.contains { routes.contains(RouteKey(api: $0.apiIndex, id: $0.written.id.value)) }
        }
        return Self.variable(readIn: text, among: Dictionary(reaching.map { ($0.variable.lowercased(), $0) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The variable an expression does nothing but read: `@((string)context.Variables["x"])`,
    /// `@(context.Variables.GetValueOrDefault<string>("x"))`, `@{ return ...; }`, with or
    /// without a cast (`(string)`, `(String)`, `as string`), `.ToString()` or a default;
    /// quotes and angle brackets as written or as character entities.
    static func copiedVariable(_ code: String) -> String? {
        var rest = Substring(Self.decoded(code).filter { !$0.isWhitespace })
        if rest.hasPrefix("@{return"), rest.hasSuffix(";}") {
            rest = "@(" + rest.dropFirst("@{return".count).dropLast(2) + ")"
        }
        guard rest.hasPrefix("@("), rest.hasSuffix(")") else { return nil }
        rest = rest.dropFirst(2).dropLast()
        while rest.hasPrefix("("), rest.hasSuffix(")"), !rest.hasPrefix("(string)"), !rest.hasPrefix("(String)") { rest = rest.dropFirst().dropLast() }
        for cast in ["(string)", "(String)"] where rest.hasPrefix(cast) { rest = rest.dropFirst(cast.count) }
        for suffix in ["asstring", ".ToString()"] where rest.hasSuffix(suffix) { rest = rest.dropLast(suffix.count) }
        guard rest.hasPrefix("context.Variables") else { return nil }
        rest = rest.dropFirst("context.Variables".count)
        if rest.hasPrefix("[\""), rest.hasSuffix("\"]") {
            let name = rest.dropFirst(2).dropLast(2)
            return name.contains("\"") ? nil : String(name)
        }
        guard rest.hasPrefix(".GetValueOrDefault"), let open = rest.firstIndex(of: "(") else { return nil }
        let arguments = rest[rest.index(after: open)...]
        guard arguments.hasPrefix("\""), arguments.last == ")", let close = arguments.dropFirst().firstIndex(of: "\"") else { return nil }
        return String(arguments[arguments.index(after: arguments.startIndex)..<close])
    }

    /// The text of an expression that is one string written out, `@("...")`, else nil.
    static func stringLiteral(_ code: String) -> String? {
        let trimmed = Self.decoded(code).trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("@(\""), trimmed.hasSuffix("\")") else { return nil }
        let text = trimmed.dropFirst(3).dropLast(2)
        return text.contains("\"") || text.contains("\\") ? nil : String(text)
    }

    /// An expression as written in an attribute, its entities for quotes and brackets read.
    private static func decoded(_ code: String) -> String {
        guard code.contains("&") else { return code }
        return code.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The variable of `held` that `text` reads by name: `context.Variables["name"]`,
    /// `GetValueOrDefault<string>("name")`, or Liquid's `context.Variables.name`; the first
    /// in name order, so a report does not change from run to run.
    private static func variable(readIn text: String, among held: [String: Holding]) -> Holding? {
        guard text.contains("Variables") else { return nil }
        let lowered = text.lowercased()
        // An expression in an attribute is kept as written, its quotes as '&quot;'.
        return held.sorted { $0.key < $1.key }.first { name, _ in
            lowered.contains("\"\(name)\"") || lowered.contains("&quot;\(name)&quot;") || lowered.contains("variables.\(name)")
        }?.value
    }
}
