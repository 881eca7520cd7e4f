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

    /// What Portcullis generates for one section: statements written into the document.
    typealias Statements = (inout PolicyWriter) -> Void

    /// The document of one scope: in each section, `<base />` (below global scope), then
    /// what Portcullis generates. With `raw`, the sections are those the author wrote, in
    /// the author's order: each keeps its statements, and the generated ones go right after
    /// its `<base />` (or first, where it has none). A section the author left out appears
    /// only when Portcullis generates something for it, as it would without `raw`.
    /// `inboundLast` is written at the end of `inbound`, after the author's statements too:
    /// what replaces the caller's credentials must come after everything that reads them.
    static func make(
        _ scope: Scope, raw: PolicyXMLDocument? = nil, inbound: Statements = { _ in }, inboundLast: Statements = { _ in },
        backend: Statements = { _ in }, outbound: Statements = { _ in }, onError: Statements = { _ in }
    ) -> [UInt8] {
        var writer = PolicyWriter()
        writer.element("policies") { writer in
            func generated(_ name: String, into writer: inout PolicyWriter) {
                switch name {
                case "inbound": inbound(&writer)
                case "backend": backend(&writer)
                case "outbound": outbound(&writer)
                default: onError(&writer)
                }
            }
            func last(_ name: String, into writer: inout PolicyWriter) {
                if name == "inbound" { inboundLast(&writer) }
            }
            let sections = ["inbound", "backend", "outbound", "on-error"]
            let written = raw?.root.elements.filter { sections.contains($0.name) } ?? []
            if let raw {
                for element in written {
                    section(
                        element.name, written: element, in: raw, into: &writer,
                        statements: { generated(element.name, into: &$0) }, last: { last(element.name, into: &$0) })
                }
            }
            for name in sections where !written.contains(where: { $0.name == name }) {
                let mark = writer.mark
                var wroteStatements = false
                writer.element(name) { writer in
                    if scope != .global { writer.element("base") }
                    let start = writer.mark
                    generated(name, into: &writer)
                    last(name, into: &writer)
                    wroteStatements = writer.mark != start
                }
                if raw != nil, !wroteStatements { writer.rollBack(to: mark) }
            }
        }
        return writer.bytes
    }

    private static func section(
        _ name: String, written: PolicyXMLElement, in document: PolicyXMLDocument, into writer: inout PolicyWriter,
        statements: Statements, last: Statements
    ) {
        writer.element(name) { writer in
            let hasBase = written.holdsBaseDirectly
            if !hasBase { statements(&writer) }
            var placed = false
            for child in written.children {
                switch child {
                case .element(let element):
                    writer.verbatim(document.source(element.span), indentation: document.indentation(before: element.span))
                    if element.name == "base", !placed {
                        statements(&writer)
                        placed = true
                    }
                case .comment(_, let span):
                    writer.verbatim(document.source(span), indentation: document.indentation(before: span))
                case .text:
                    // Only white space lies between statements; the layout is the writer's.
                    continue
                }
            }
            last(&writer)
        }
    }
}

extension PolicyValue {
    static func number(_ value: Int) -> PolicyValue { .literal(String(value)) }
    static func code(_ code: String) -> PolicyValue { .expression(PolicyExpression(code)) }
}
