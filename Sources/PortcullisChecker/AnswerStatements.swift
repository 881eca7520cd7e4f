#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
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
        let fragments = Dictionary(project.fragments.compactMap { fragment in fragment.policy.document.map { (fragment.name.value, $0) } }) {
            first, _ in first
        }
        self.fragments = fragments
        self.mayMatter = mayMatter
        fragmentsMayMatter = fragments.values.contains(where: mayMatter)
    }

    private struct Place: Hashable {
        var document: ObjectIdentifier
        var offset: Int
    }

    /// Calls `body` once with each writer statement of `scope`, the document it stands in
    /// and how messages name that document. A fragment's statements are met where it is
    /// included; in its own scope only its `return-response` is.
    func forEach(in scope: RawScope, _ body: (PolicyXMLElement, PolicyXMLDocument, String) -> Void) {
        let document = scope.document
        let viaFragments = fragmentsMayMatter && document.has(anyOf: ["include-fragment"])
        guard viaFragments || (document.has(anyOf: Self.writers) && mayMatter(document)) else { return }
        var roots = scope.level == .fragment ? [] : document.statements(in: "outbound") + document.statements(in: "on-error")
        roots += document.elements(named: ["return-response"])
        // Each once: a 'return-response' in outbound is met twice, and a fragment may be
        // included more than once.
        var met = Set<Place>()
        var included = Set<String>()
        func walk(_ element: PolicyXMLElement, in document: PolicyXMLDocument, owner: String) {
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value,
                let fragment = fragments[id], included.insert(id).inserted
            {
                guard mayMatter(fragment) else { return }
                return fragment.rootElements.forEach { walk($0, in: fragment, owner: "fragment '\(id)'") }
            }
            guard element.name != "send-request", element.name != "send-one-way-request" else { return }
            guard Self.writers.contains(element.name) else { return element.elements.forEach { walk($0, in: document, owner: owner) } }
            if met.insert(Place(document: ObjectIdentifier(document), offset: element.span.lowerBound)).inserted { body(element, document, owner) }
        }
        roots.forEach { walk($0, in: document, owner: scope.owner) }
    }
}

extension PolicyXMLElement {
    /// For a `set-header` that sets a header (not one that deletes it): its name and the
    /// text of its values, expressions left out.
    var headerSet: (name: String, values: [String])? {
        guard name == "set-header", case .text(let header)? = attribute("name")?.value,
            attribute("exists-action")?.value.written.trimmingWhitespace.lowercased() != "delete"
        else { return nil }
        let values = elements.compactMap { element -> String? in
            guard element.name == "value", case .text(let text)? = element.textValue else { return nil }
            return text
        }
        return (header.trimmingWhitespace, values)
    }
}

extension PolicyXMLDocument {
    /// Whether the document's text holds `-` and then `word` (lowercase ASCII) in any letter
    /// case: `-control`, which both `Cache-Control` and `Access-Control-*` hold. Told with
    /// `memchr` from one hyphen to the next before the document is walked: most documents
    /// set neither header.
    func mentions(afterHyphen word: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        return text.withUnsafeBufferPointer { haystack in
            guard var cursor = haystack.baseAddress else { return false }
            let end = cursor + haystack.count
            while cursor < end, let found = memchr(cursor, Int32(UInt8(ascii: "-")), end - cursor) {
                let start = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
                if end - start >= needle.count, needle.indices.allSatisfy({ start[$0] | 0x20 == needle[$0] }) { return true }
                cursor = start
            }
            return false
        }
    }
}
