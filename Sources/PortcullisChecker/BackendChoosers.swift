import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// The named values and secrets that may choose the Backend a raw policy sends requests
/// through, which environments keep the same (RF007): a Backend brings its credentials,
/// TLS checks and breaker. Found by following what the choice reads: a `backend-id`'s
/// value; the conditions of a `choose` that sets a Backend or a URL (in an included
/// fragment too); and, back from there, every writer of a variable they read
/// (`set-variable`, a `…variable-name` such as a cache lookup's or a call's answer) with
/// what that writer reads in turn. A `{{name}}` only some unrelated expression holds is no
/// chooser: every named value an estate put in an expression was one, the audit of the
/// wider rule found, with no way to silence the error.
public enum BackendChoosers {
    /// Each chooser by case-folded name, as APIM matches names, with the first place it is
    /// written.
    public static func templates(in documents: [PolicyXMLDocument], fragments: [String: PolicyXMLDocument]) -> [String: SourceRange] {
        var search = Search(fragments: fragments)
        for document in documents {
            for element in document.allElements {
                for attribute in element.attributes where isBackendID(attribute.name) { search.take(attribute, of: document) }
                guard element.name == "choose", search.setsABackend(element) else { continue }
                for branch in element.elements where branch.name == "when" {
                    if let condition = branch.attribute("condition") { search.take(condition, of: document) }
                }
            }
        }
        // Back along the variables read: each writer of one is taken once, and adds what
        // it reads in turn (taking every writer on each pass until none added a variable
        // was quadratic in a chain of them).
        var writers: [String: [(document: PolicyXMLDocument, element: PolicyXMLElement)]] = [:]
        for document in documents {
            for element in document.allElements {
                if let written = writtenVariable(by: element) { writers[written, default: []].append((document, element)) }
            }
        }
        while true {
            if search.readsEveryVariable {
                // A variable read by a name not written out may be any: every writer counts.
                for variable in writers.keys { search.follow(variable) }
                search.readsEveryVariable = false
            }
            guard let variable = search.pending.popLast() else { break }
            for (document, element) in writers[variable] ?? [] {
                element.forEachElement { part in
                    for attribute in part.attributes { search.take(attribute, of: document) }
                    for case .text(let value, let span) in part.children { search.take(value, at: span, of: document) }
                }
            }
        }
        return search.found
    }

    private static func isBackendID(_ name: String) -> Bool {
        name == "backend-id" || name.hasSuffix("-backend-id")
    }

    /// The variable `element` writes, in lower case, if it writes one a literal names.
    private static func writtenVariable(by element: PolicyXMLElement) -> String? {
        let attribute = element.name == "set-variable" ? element.attribute("name") : element.attributes.first { $0.name.hasSuffix("variable-name") }
        guard case .text(let name)? = attribute?.value else { return nil }
        return name.trimmingWhitespace.lowercased()
    }

    private struct Search {
        let fragments: [String: PolicyXMLDocument]
        var found: [String: SourceRange] = [:]
        /// The variables a choice reads, in lower case, and those of them whose writers are
        /// still to be taken; all of them when one is read by a name not written out.
        var variables: Set<String> = []
        var pending: [String] = []
        var readsEveryVariable = false

        mutating func follow(_ variable: String) {
            if variables.insert(variable).inserted { pending.append(variable) }
        }

        mutating func take(_ attribute: PolicyXMLAttribute, of document: PolicyXMLDocument) {
            take(attribute.value, at: attribute.valueSpan, of: document)
        }

        /// The `{{name}}`s written at `span`, and the variables `value`'s code reads.
        mutating func take(_ value: PolicyXMLValue, at span: Range<Int>, of document: PolicyXMLDocument) {
            for reference in RawTemplates.names(in: document, span: span) {
                found[Grammar.caseFolded(reference.value)] = found[Grammar.caseFolded(reference.value)] ?? reference.range
            }
            guard value.isExpression else { return }
            for source in ExpressionFlow.reads(of: value.resolved) {
                switch source {
                case .variable(let name): follow(name.trimmingWhitespace.lowercased())
                case .allVariables: readsEveryVariable = true
                default: continue
                }
            }
        }

        /// Whether `choose` sets a Backend or a URL in some branch, in a fragment it
        /// includes too (each fragment looked into once).
        func setsABackend(_ choose: PolicyXMLElement) -> Bool {
            var visited = Set<String>()
            var found = false
            func look(_ element: PolicyXMLElement) {
                element.forEachElement { nested in
                    guard !found else { return }
                    if nested.name == "set-backend-service" || nested.attributes.contains(where: { BackendChoosers.isBackendID($0.name) }) {
                        found = true
                    } else if nested.name == "include-fragment", case .text(let id)? = nested.attribute("fragment-id")?.value,
                        visited.insert(id).inserted, let fragment = fragments[id]
                    {
                        look(fragment.root)
                    }
                }
            }
            look(choose)
            return found
        }
    }
}
