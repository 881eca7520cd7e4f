import PortcullisModel
import PortcullisPolicyXML

/// The shape every policy document has: four sections, `<base />` first in each below
/// global scope, so policies of broader scopes always run.
enum PolicyDocument {
    enum Scope {
        case global
        case product
        case api
        case operation
    }

    /// The document of one scope: in each section, `<base />` (below global scope), then
    /// what Portcullis generates. With `raw`, the sections are those the author wrote, in
    /// the author's order: each keeps its statements, and the generated ones go right after
    /// its `<base />` (or first, where it has none). A section the author left out appears
    /// only when Portcullis generates something for it, as it would without `raw`.
    static func make(
        _ scope: Scope, inbound: [PolicyElement] = [], backend: [PolicyElement] = [],
        outbound: [PolicyElement] = [], onError: [PolicyElement] = [], raw: PolicyXMLDocument? = nil
    ) -> PolicyElement {
        let base = scope == .global ? [] : [PolicyElement("base")]
        let generated = [("inbound", inbound), ("backend", backend), ("outbound", outbound), ("on-error", onError)]
        guard let raw else {
            return PolicyElement("policies", [], generated.map { PolicyElement($0.0, [], base + $0.1) })
        }
        let written = raw.root.elements.filter { element in generated.contains { $0.0 == element.name } }
        var sections = written.map { element in
            section(element.name, generated.first { $0.0 == element.name }!.1, written: element, in: raw)
        }
        for (name, statements) in generated where !statements.isEmpty && !written.contains(where: { $0.name == name }) {
            sections.append(PolicyElement(name, [], base + statements))
        }
        return PolicyElement("policies", [], sections)
    }

    private static func section(
        _ name: String, _ statements: [PolicyElement], written: PolicyXMLElement, in document: PolicyXMLDocument
    ) -> PolicyElement {
        var children: [PolicyElement.Child] = []
        var placed = false
        for child in written.children {
            switch child {
            case .element(let element):
                children.append(.verbatim(document.source(element.span), indentation: document.indentation(before: element.span)))
                if element.name == "base", !placed {
                    children += statements.map { .element($0) }
                    placed = true
                }
            case .comment(_, let span):
                children.append(.verbatim(document.source(span), indentation: document.indentation(before: span)))
            case .text:
                // Only white space lies between statements; the layout is the renderer's.
                continue
            }
        }
        if !placed { children = statements.map { .element($0) } + children }
        return PolicyElement(name, children: children)
    }
}

extension PolicyValue {
    static func number(_ value: Int) -> PolicyValue { .literal(String(value)) }
    static func code(_ code: String) -> PolicyValue { .expression(PolicyExpression(code)) }
}

/// Names of the variables and headers generated policies use among themselves.
enum PolicyNames {
    static let token = "portcullis-token"
    static let bearer = "portcullis-bearer"
    static let introspection = "portcullis-introspection"
    static let introspectionResponse = "portcullis-introspection-response"
    static let clientId = "portcullis-client-id"
    static let clientSecret = "portcullis-client-secret"
    static let cacheCallerHeader = "X-Portcullis-Cache-Subject"
    /// Variables `portcullis-caller-1`, `-2`, …: the callers a token names.
    static let callerPrefix = "portcullis-caller-"
}
