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
