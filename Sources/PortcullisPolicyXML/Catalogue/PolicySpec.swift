import PortcullisDiagnostics
import PortcullisSupport

/// The four parts of a policy document, in the order APIM runs them.
public enum PolicySection: String, CaseIterable, Sendable {
    case inbound, backend, outbound
    case onError = "on-error"
}

/// Where a policy document is attached. A fragment has no section of its own: it lands in
/// whatever section includes it, so it may hold any statement of any section.
public enum PolicyScope: String, CaseIterable, Sendable {
    case global, product, api, operation, fragment

    /// How messages name the scope: "at API scope", "in a policy fragment".
    public var phrase: String {
        switch self {
        case .global: "at global scope"
        case .product: "at product scope"
        case .api: "at API scope"
        case .operation: "at operation scope"
        case .fragment: "in a policy fragment"
        }
    }

    /// Every scope: most statements are allowed at all of them.
    public static let everywhere = Set(allCases)
}

/// An attribute APIM knows on one element.
public struct AttributeSpec: Sendable, Hashable {
    public let name: String
    public let isRequired: Bool
    public let value: AttributeValue
}

/// What APIM reads an attribute's value as. APIM refuses a policy whose literal is not
/// what the attribute takes, or whose attribute holds an expression where it takes none.
public struct AttributeValue: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Any text.
        case text
        /// A whole number within the range.
        case wholeNumber(ClosedRange<Int>)
        /// `true` or `false` (`1` and `0` too, as XML Schema reads a boolean).
        case boolean
        /// One of these words.
        case oneOf([String])
    }

    public let kind: Kind
    /// Whether a policy expression may give the value instead, which APIM evaluates as each
    /// request runs.
    public let takesExpressions: Bool

    public init(kind: Kind, takesExpressions: Bool) {
        self.kind = kind
        self.takesExpressions = takesExpressions
    }

    /// Text, or an expression that gives it: most attributes.
    public static let text = AttributeValue(kind: .text, takesExpressions: true)
    /// A whole number of 32 bits, or an expression that gives one.
    public static let number = AttributeValue.number(Int(Int32.min)...Int(Int32.max))
    /// A whole number of 64 bits, or an expression that gives one.
    public static let largeNumber = AttributeValue.number(Int.min...Int.max)
    /// `true` or `false`, or an expression that gives one.
    public static let boolean = AttributeValue(kind: .boolean, takesExpressions: true)

    /// One of `words`, or an expression that gives one.
    public static func oneOf(_ words: [String]) -> AttributeValue { AttributeValue(kind: .oneOf(words), takesExpressions: true) }
    /// A whole number within `range`, or an expression that gives one.
    public static func number(_ range: ClosedRange<Int>) -> AttributeValue { AttributeValue(kind: .wholeNumber(range), takesExpressions: true) }

    /// The same value, written out only: APIM takes no expression there.
    public var literalOnly: AttributeValue { AttributeValue(kind: kind, takesExpressions: false) }

    /// Why APIM does not read `literal` as such a value, as the end of a sentence ("is not a
    /// whole number"); nil when it does. White space around it is dropped, as XML Schema
    /// drops it around numbers and booleans; case is not told apart, so that a spelling APIM
    /// may take is never refused here.
    public func refusal(of literal: String) -> String? {
        // Most literals are written exactly as the attribute takes them: told first, without
        // making a trimmed copy (the raw estate's thousands of `exists-action="override"`).
        switch kind {
        case .text: return nil
        case .wholeNumber(let range): if let number = Int(literal), range.contains(number) { return nil }
        case .boolean: if literal == "true" || literal == "false" { return nil }
        case .oneOf(let words): if words.contains(literal) { return nil }
        }
        let text = Self.trimmingXMLSpace(literal)
        switch kind {
        case .text:
            return nil
        case .wholeNumber(let range):
            // One sign at most, then digits; a number of more digits than `Int` holds is
            // beyond every range.
            let digits = text.utf8.first == UInt8(ascii: "-") || text.utf8.first == UInt8(ascii: "+") ? text.utf8.dropFirst() : text.utf8[...]
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return "is not \(expected)" }
            let number = Int(text) ?? (text.hasPrefix("-") ? Int.min : Int.max)
            if number < range.lowerBound { return "is less than \(range.lowerBound), the least APIM takes" }
            if number > range.upperBound { return "is more than \(range.upperBound), the most APIM takes" }
            return nil
        case .boolean:
            return ["true", "false", "1", "0"].contains(text.lowercased()) ? nil : "is not \(expected)"
        case .oneOf(let words):
            let lowered = text.lowercased()
            return words.contains { $0.lowercased() == lowered } ? nil : "is not \(expected)"
        }
    }

    /// `text` without XML's white space (space, tab, line breaks) at either end, which XML
    /// Schema drops around a number or a boolean; other spaces (`&#xA0;`) are the value's.
    private static func trimmingXMLSpace(_ text: String) -> Substring {
        func isSpace(_ character: Character) -> Bool { [" ", "\t", "\n", "\r", "\r\n"].contains(character) }
        var trimmed = text[...]
        while let first = trimmed.first, isSpace(first) { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, isSpace(last) { trimmed = trimmed.dropLast() }
        return trimmed
    }

    /// What the value must be, for messages: "a whole number", "'true' or 'false'".
    public var expected: String {
        switch kind {
        case .text:
            return "text"
        case .wholeNumber(let range) where range.lowerBound >= 0:
            return "a whole number of \(range.lowerBound) or more"
        case .wholeNumber:
            return "a whole number"
        case .boolean:
            return "'true' or 'false'"
        case .oneOf(let words):
            return DisplayText.list(words.map { "'\($0)'" }, joinedBy: "or")
        }
    }
}

/// What an element may hold between its tags.
public enum ElementContent: Sendable {
    /// Nothing: the element is configured by its attributes alone.
    case empty
    /// Text or a policy expression, no elements.
    case text
    /// The listed elements.
    case elements([ElementSpec])
    /// Policy statements of the enclosing section: `when`, `retry`, `limit-concurrency`, ...
    case statements
    /// Only the named statements, of the enclosing section: `wait` waits for calls.
    case statementsAmong([String])
    /// The author's own text or markup (a Liquid template, an XSLT, a message body), which
    /// APIM does not read as policy: elements in it are never judged.
    case freeForm
}

/// One element APIM knows: its attributes and its content, recursively.
public struct ElementSpec: Sendable {
    public let name: String
    public let attributes: [AttributeSpec]
    public let content: ElementContent

    public init(_ name: String, required: [String] = [], optional: [String] = [], _ content: ElementContent = .empty) {
        self.init(
            name: name,
            attributes: required.map { AttributeSpec(name: $0, isRequired: true, value: .text) }
                + optional.map { AttributeSpec(name: $0, isRequired: false, value: .text) },
            content: content)
    }

    private init(name: String, attributes: [AttributeSpec], content: ElementContent) {
        self.name = name
        self.attributes = attributes
        self.content = content
    }

    /// A policy element: besides its own attributes, every policy element takes an optional
    /// `id`, which `context.LastError.PolicyId` reports (the reference's page on error handling).
    static func policy(
        _ name: String, required: [String] = [], optional: [String] = [], _ content: ElementContent = .empty
    ) -> ElementSpec {
        ElementSpec(name, required: required, optional: optional + ["id"], content)
    }

    /// The element, and its children, with the values `table` gives their attributes, keyed
    /// as ``PolicyCatalogue/attributeValues`` keys them; `path` is the element's own.
    func givingValues(_ table: [String: AttributeValue], at path: String) -> ElementSpec {
        let attributes = attributes.map { AttributeSpec(name: $0.name, isRequired: $0.isRequired, value: table["\(path)@\($0.name)"] ?? .text) }
        guard case .elements(let children) = content else { return ElementSpec(name: name, attributes: attributes, content: content) }
        return ElementSpec(
            name: name, attributes: attributes, content: .elements(children.map { $0.givingValues(table, at: "\(path)/\($0.name)") }))
    }

    /// An element holding text only, without attributes: `<value>`, `<audience>`, ...
    static func text(_ name: String) -> ElementSpec {
        ElementSpec(name, .text)
    }

    public func attribute(_ name: String) -> AttributeSpec? {
        attributes.first { $0.name == name }
    }

    /// The child element called `name`, when the content is a list of elements.
    public func child(_ name: String) -> ElementSpec? {
        guard case .elements(let children) = content else { return nil }
        return children.first { $0.name == name }
    }
}

/// A policy statement: an element that may stand directly in a section, with where APIM allows it.
public struct StatementSpec: Sendable {
    public let element: ElementSpec
    public let sections: Set<PolicySection>
    public let scopes: Set<PolicyScope>
    /// Whether APIM takes the statement once per policy document at most (`rate-limit`,
    /// `quota`).
    public let oncePerPolicy: Bool

    public var name: String { element.name }

    init(_ element: ElementSpec, in sections: Set<PolicySection>, at scopes: Set<PolicyScope> = PolicyScope.everywhere, oncePerPolicy: Bool = false) {
        self.element = element
        self.sections = sections
        self.scopes = scopes
        self.oncePerPolicy = oncePerPolicy
    }

    /// The statement with the values `table` gives its attributes and its children's.
    func givingValues(_ table: [String: AttributeValue]) -> StatementSpec {
        StatementSpec(element.givingValues(table, at: name), in: sections, at: scopes, oncePerPolicy: oncePerPolicy)
    }
}

extension Set where Element == PolicySection {
    /// Every section.
    static let all = Set(PolicySection.allCases)
}
