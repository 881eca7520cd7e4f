import PortcullisModel
import PortcullisPolicyXML

/// The raw statements that write what a caller receives: those in `outbound` and
/// `on-error`, with the fragments included there, and in every `return-response`, but none
/// of a request to another service (`send-request`). SE005, CA009 and CO002 judge them.
struct AnswerStatements {
    /// The statements that write the answer.
    static let writers: Set<String> = ["set-header", "set-body", "set-status", "find-and-replace", "xsl-transform"]

    private let fragments: [String: PolicyXMLDocument]
    /// Tells from a document (its bytes, its element names) whether it can hold what the
    /// rule looks for: most documents are not walked at all.
    private let mayMatter: (PolicyXMLDocument) -> Bool
    /// Whether some fragment may matter: else no document is walked for its includes.
    private let fragmentsMayMatter: Bool

    init(_ project: ResolvedProject, mayMatter: @escaping (PolicyXMLDocument) -> Bool) {
        let fragments = project.fragments.documentsByName
        self.fragments = fragments
        // A character reference ('Cache&#45;Control', '&#123;&#123;') spells what the bytes
        // do not show: such a document is always walked, and judged by its parsed values.
        self.mayMatter = { mayMatter($0) || ByteScan.holds("&", followedBy: "#", in: $0.text[...]) }
        fragmentsMayMatter = fragments.values.contains(where: self.mayMatter)
    }

    /// Where a statement stands: a fragment's are met from every scope that includes it.
    struct Place: Hashable {
        var document: ObjectIdentifier
        var offset: Int

        init(_ statement: PolicyXMLElement, in document: PolicyXMLDocument) {
            self.document = ObjectIdentifier(document)
            offset = statement.span.lowerBound
        }
    }

    /// Calls `body` once with each writer statement of `scope`, the document it stands in,
    /// how messages name that document and the fragment it is in (nil for the scope's own). A fragment's statements are met where it is
    /// included; in its own scope only its `return-response` is. Before a fragment is
    /// walked, `entering` is asked with its id and the fragment that includes it (nil for
    /// the scope's own document): false keeps its statements from `body`, for a caller that
    /// judged them before.
    func forEach(
        in scope: RawScope, entering: (_ fragment: String, _ from: String?) -> Bool = { _, _ in true },
        _ body: (PolicyXMLElement, PolicyXMLDocument, String, String?) -> Void
    ) {
        let document = scope.document
        let viaFragments = fragmentsMayMatter && document.has(anyOf: ["include-fragment"])
        guard viaFragments || (document.has(anyOf: Self.writers) && mayMatter(document)) else { return }
        var roots = scope.level == .fragment ? [] : document.statements(in: "outbound") + document.statements(in: "on-error")
        roots += document.elements(named: ["return-response"])
        // Each once: a 'return-response' in outbound is met twice, and a fragment may be
        // included more than once.
        var met = Set<Place>()
        var included = Set<String>()
        func walk(_ element: PolicyXMLElement, in document: PolicyXMLDocument, fragment: String?, owner: String) {
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value,
                let fragmentDocument = fragments[id], included.insert(id).inserted
            {
                guard mayMatter(fragmentDocument), entering(id, fragment) else { return }
                return fragmentDocument.rootElements.forEach { walk($0, in: fragmentDocument, fragment: id, owner: "fragment '\(id)'") }
            }
            guard element.name != "send-request", element.name != "send-one-way-request" else { return }
            guard Self.writers.contains(element.name) else { return element.elements.forEach { walk($0, in: document, fragment: fragment, owner: owner) } }
            if met.insert(Place(element, in: document)).inserted { body(element, document, owner, fragment) }
        }
        roots.forEach { walk($0, in: document, fragment: nil, owner: scope.owner) }
    }
}

extension PolicyXMLElement {
    /// Whether a `set-header` removes its header, sending nothing.
    var deletesHeader: Bool { attribute("exists-action")?.value.written.trimmingWhitespace.lowercased() == "delete" }

    /// For a `set-header` that sets a header (not one that deletes it): its name and the
    /// text of its values, expressions left out.
    var headerSet: (name: String, values: [String])? {
        guard name == "set-header", case .text(let header)? = attribute("name")?.value, !deletesHeader else { return nil }
        let values = elements.compactMap { element -> String? in
            guard element.name == "value", case .text(let text)? = element.textValue else { return nil }
            return text
        }
        return (header.trimmingWhitespace, values)
    }
}

extension PolicyXMLElement {
    /// The parsed text of the statement and everything in it, its attributes' values and
    /// its character data, with character references resolved (in expressions too).
    var parsedTexts: [String] {
        var texts: [String] = []
        forEachElement { element in
            texts += element.attributes.map(\.value.resolved)
            for case .text(let value, _) in element.children { texts.append(value.resolved) }
        }
        return texts
    }
}

extension String {
    /// Whether the text, less leading white space, is a policy expression (`@(`, `@{`).
    var startsAnExpression: Bool {
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return false }
        let rest = utf8[first...]
        return rest.count >= 2 && rest.first == UInt8(ascii: "@") && (rest.dropFirst().first == UInt8(ascii: "(") || rest.dropFirst().first == UInt8(ascii: "{"))
    }

    /// Whether the text may read a variable or the request, or name a secret, spelt in any
    /// way XML and C# allow once references are resolved: told before it is read.
    var mayReadACarrier: Bool { mayReadAVariable || holdsWord("Request") || holds("{{") }

    /// Whether C# code may read a policy variable: it names `Variables`, or holds an escape
    /// (``holdsAnEscape``).
    var mayReadAVariable: Bool { holds("Variables") || holdsAnEscape }

    /// Whether C# code holds a `\u` or `\U` escape, which spells any name.
    var holdsAnEscape: Bool { holds("\\u") || holds("\\U") }

    /// Whether `word` stands in the text as a whole name: `Request` in `context.Request`,
    /// not in `context.RequestId`.
    func holdsWord(_ word: StaticString) -> Bool {
        var text = self
        return text.withUTF8 { bytes in
            let count = word.utf8CodeUnitCount
            guard count > 0, bytes.count >= count else { return false }
            var index = 0
            while index + count <= bytes.count {
                if bytes[index] == word.utf8Start[0], (1..<count).allSatisfy({ bytes[index + $0] == word.utf8Start[$0] }) {
                    let next = index + count < bytes.count ? bytes[index + count] : 0x20
                    let isNamePart = (next >= 0x30 && next <= 0x39) || (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A) || next == 0x5F
                    if !isNamePart { return true }
                }
                index += 1
            }
            return false
        }
    }
}
