#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import PortcullisDiagnostics
import PortcullisPolicyXML
import PortcullisSupport

/// What raw policy XML refers to: fragments by `include-fragment`, named values by
/// `{{name}}`. Both must be declared, as they must be for the language's own fields.
extension Definitions {
    /// Every raw policy document of the definitions, fragments included.
    public var rawDocuments: [PolicyXMLDocument] {
        rawDocumentsByAPI.map(\.document)
    }

    /// ``rawDocuments``, each with the API, by index, whose own policy or route's it is; nil
    /// for the gateway's, a product's and a fragment, which any API's requests may run.
    public var rawDocumentsByAPI: [(document: PolicyXMLDocument, api: Int?)] {
        var documents = gateways.compactMap { $0.policy?.document.map { ($0, nil as Int?) } }
        for (index, api) in apis.enumerated() {
            if let document = api.policy?.document { documents.append((document, index)) }
            documents += api.routes.compactMap { $0.policy?.document.map { ($0, index) } }
        }
        documents += products.compactMap { $0.policy?.document.map { ($0, nil) } }
        documents += fragments.compactMap { $0.policy.document.map { ($0, nil) } }
        return documents
    }
}

extension Resolver {
    /// The statements fragments bring into each policy, judged where they are included
    /// (``PolicyStructure/checkIncludes(of:at:fragments:judged:into:)``).
    mutating func checkIncludedStatements() {
        let fragments = definitions.fragments.documentsByName.filter { PolicyStructure.holdsStatementsSomePlacesRefuse($0.value) }
        guard !fragments.isEmpty else { return }
        var documents = definitions.gateways.compactMap { $0.policy?.document.map { ($0, PolicyScope.global) } }
        for api in definitions.apis {
            if let document = api.policy?.document { documents.append((document, .api)) }
            documents += api.routes.compactMap { $0.policy?.document.map { ($0, .operation) } }
        }
        documents += definitions.products.compactMap { $0.policy?.document.map { ($0, .product) } }
        var judged = PolicyStructure.IncludesJudged()
        for (document, scope) in documents {
            PolicyStructure.checkIncludes(of: document, at: scope, fragments: fragments, judged: &judged, into: &diagnostics)
        }
    }

    mutating func checkFragments() {
        var names = ResourceNames()
        for fragment in definitions.fragments {
            if let earlier = names.earlier(fragment.name) {
                diagnostics.report(
                    .duplicateDefinition, "a second policy fragment named '\(fragment.name.value)'", at: fragment.name.range,
                    notes: [ResourceNames.note("first defined here", earlier: earlier, later: fragment.name.value)])
            }
        }
    }

    /// `include-fragment` ids and `{{name}}` references in raw XML; named values are only
    /// checked when the gateway's declarations were read.
    mutating func checkRawReferences(_ gateway: Gateway?, in rawDocuments: [PolicyXMLDocument]) {
        let fragments = Set(definitions.fragments.map(\.name.value))
        // By bytes: a `Set<String>` takes `\u{212A}iosk` (a Kelvin sign) for the fragment
        // `Kiosk`, and the rules would judge a fragment APIM has under no such id.
        let fragmentIDs = Set(definitions.fragments.map { Array($0.name.value.utf8) })
        let templateNames = gateway.map { TemplateNames($0.declared.namedValues.union($0.declared.secrets)) }
        for document in rawDocuments {
            // A Liquid template's text may stand in elements of its own (`<cust>{{body.x}}</cust>`).
            let liquid = templateNames == nil || !document.has(anyOf: Self.setBody) ? [] : document.allElements.filter(\.isLiquidTemplate).map {
                LiquidTemplate(span: $0.span, in: document.text)
            }
            for element in document.allElements {
                if element.name == "include-fragment", let id = element.attribute("fragment-id"), case .text(let name) = id.value,
                    !fragmentIDs.contains(Array(name.utf8)), definitions.complete
                {
                    // Named by code points: `\u{212A}iosk-check` would read as the fragment's own name.
                    Self.unknown(
                        "policy fragment", Located(DisplayText.codePoints(name), at: document.range(id.valueSpan)), among: fragments,
                        hint: "declare it in a document with 'kind: PolicyFragment' and this name",
                        into: &diagnostics)
                }
                guard let templateNames else { continue }
                for attribute in element.attributes {
                    for reference in RawTemplates.names(in: document, span: attribute.valueSpan) where !templateNames.contains(reference.value) {
                        Self.unknown(
                            "named value", reference, among: templateNames.declared,
                            hint: "declare it under the gateway's 'namedValues' or 'secrets'",
                            into: &diagnostics)
                    }
                }
                // A Liquid template's objects are written as `{{body.x}}` (Microsoft's own
                // examples), and so are the variables it makes itself: APIM leaves them to
                // the template.
                for case .text(_, let span) in element.children {
                    let template = liquid.first { $0.span.contains(span.lowerBound) }
                    for reference in RawTemplates.names(in: document, span: span)
                    where !templateNames.contains(reference.value) && template?.reads(reference.value) != true {
                        Self.unknown(
                            "named value", reference, among: templateNames.declared,
                            hint: "declare it under the gateway's 'namedValues' or 'secrets'",
                            into: &diagnostics)
                    }
                }
            }
        }
        if let gateway { checkNamedValuesInCode(gateway, in: rawDocuments) }
    }

    private static let setBody: Set<String> = ["set-body"]

    /// Named values put into a raw policy expression's code, where APIM puts them before
    /// the code is compiled: a value must stay text of the place it is put in. A quote in
    /// a value put inside a string literal ends the string, and what follows is code
    /// (`x" || "a" == "a` makes a comparison always true), so the value decides what the
    /// expression does. An environment may set such a value.
    private mutating func checkNamedValuesInCode(_ gateway: Gateway, in rawDocuments: [PolicyXMLDocument]) {
        let values = Dictionary(gateway.namedValues.map { (Grammar.caseFolded($0.name.value), $0) }) { first, _ in first }
        guard !values.isEmpty else { return }
        // Each value judged once for each place: a value of 4,000 characters referenced
        // 50,000 times in one expression was read for each (3 s for one policy).
        struct Use: Hashable {
            var name: String
            var place: ExpressionExtent.ReferencePlace
        }
        var kept: [Use: Bool] = [:]
        // Told by the bytes first: most documents reference no named value.
        for document in rawDocuments where Self.holdsAReference(document.text) {
            func judge(_ value: PolicyXMLValue, at span: Range<Int>) {
                guard case .expression(let code) = value, code.holds("{{") else { return }
                let written = RawTemplates.names(in: document, span: span)
                for reference in ExpressionExtent.references(in: value.resolved) {
                    // Judged as written and with XML's character references read: a value
                    // may be put in before the document is read or after.
                    let name = Grammar.caseFolded(reference.name)
                    guard let declared = values[name] else { continue }
                    let use = Use(name: name, place: reference.place)
                    let keeps = kept[use] ?? (reference.place.keeps(declared.value.value) && reference.place.keeps(XMLReferences.read(declared.value.value)))
                    kept[use] = keeps
                    guard !keeps else { continue }
                    let place = written.first { Grammar.caseFolded($0.value) == Grammar.caseFolded(reference.name) }?.range ?? document.range(span)
                    diagnostics.report(
                        .invalidValue,
                        "named value '\(reference.name)' is put into \(reference.place.described) of a policy expression, and its value would be read as code there",
                        at: place,
                        notes: [
                            Diagnostic.Note("named value '\(declared.name.value)' is declared here", at: declared.value.range),
                            Diagnostic.Note(reference.place.fix, at: place),
                        ])
                }
            }
            document.root.forEachElement { element in
                for attribute in element.attributes { judge(attribute.value, at: attribute.valueSpan) }
                for case .text(let value, let span) in element.children { judge(value, at: span) }
            }
        }
    }

    /// Whether `text` holds `{{`, found with `memchr` from one brace to the next.
    static func holdsAReference(_ text: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { bytes in
            guard var cursor = bytes.baseAddress else { return false }
            let end = cursor + bytes.count
            while cursor < end, let found = memchr(cursor, Int32(UInt8(ascii: "{")), end - cursor) {
                let next = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) + 1
                if next < end, next.pointee == UInt8(ascii: "{") { return true }
                cursor = next
            }
            return false
        }
    }
}

extension ExpressionExtent.ReferencePlace {
    /// The place, for a message.
    var described: String {
        switch self {
        case .code: "the code"
        case .string: "a string literal"
        case .verbatimString: "a verbatim string literal"
        case .interpolatedString: "an interpolated string literal"
        case .verbatimInterpolatedString: "an interpolated verbatim string literal"
        case .character: "a character literal"
        case .lineComment: "a comment"
        case .blockComment: "a comment"
        }
    }

    /// How to write the value, or the reference, for a note.
    var fix: String {
        switch self {
        case .code: "put the reference inside a string literal (\"{{name}}\"), or give the named value a number, 'true' or 'false'"
        case .string: "write the value without quotes, backslashes or line breaks"
        case .interpolatedString: "write the value without quotes, backslashes, braces or line breaks"
        case .verbatimString, .verbatimInterpolatedString: "write the value without quotes or braces"
        case .character: "write the value as one character, without quotes or backslashes"
        case .lineComment: "write the value without line breaks, or take the reference out of the comment"
        case .blockComment: "write the value without '*/', or take the reference out of the comment"
        }
    }
}

/// A `set-body` Liquid template, for what its `{{name}}` outputs read.
struct LiquidTemplate {
    let span: Range<Int>
    /// The variables the template makes: a loop's (`{% for line in body.lines %}`), an
    /// assigned, captured or counted one (`increment`, `decrement`), and the loops' own
    /// `forloop` and `tablerowloop`.
    private let variables: Set<String>

    init(span: Range<Int>, in text: [UInt8]) {
        self.span = span
        var variables: Set<String> = ["forloop", "tablerowloop"]
        for index in span.dropLast() where text[index] == UInt8(ascii: "{") && text[index + 1] == UInt8(ascii: "%") {
            // `{%- for x in y -%}`: a tag's first two words, whitespace control dropped.
            var cursor = index + 2
            if cursor < span.upperBound, text[cursor] == UInt8(ascii: "-") { cursor += 1 }
            let words = Self.words(in: text, from: cursor, upTo: span.upperBound, count: 2)
            if words.count == 2, Self.makesAVariable.contains(words[0]) { variables.insert(words[1]) }
        }
        self.variables = variables
    }

    /// Whether `name` reads one of the template's objects, the request's body or the
    /// context, or a variable it makes, rather than a named value.
    func reads(_ name: String) -> Bool {
        let root = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
        return root == "body" || root == "context" || variables.contains(root)
    }

    private static let makesAVariable: Set<String> = ["for", "assign", "capture", "tablerow", "increment", "decrement"]

    /// Up to `count` words from `start`, each a run of letters, digits, `_` and `-`.
    private static func words(in text: [UInt8], from start: Int, upTo end: Int, count: Int) -> [String] {
        var words: [String] = []
        var index = start
        while words.count < count {
            while index < end, text[index] == 0x20 || text[index] == 0x09 || text[index] == 0x0A || text[index] == 0x0D { index += 1 }
            let wordStart = index
            while index < end, ExpressionExtent.isNameByte(text[index]), text[index] != UInt8(ascii: ".") { index += 1 }
            guard index > wordStart else { break }
            words.append(String(decoding: text[wordStart..<index], as: UTF8.self))
        }
        return words
    }
}

/// `{{name}}` references in raw XML, which APIM replaces before it reads the document.
public enum RawTemplates {
    /// The `{{name}}`s written in `span` of `document`, each where it is written.
    public static func names(in document: PolicyXMLDocument, span: Range<Int>) -> [Located<String>] {
        var found: [Located<String>] = []
        let text = document.text
        var index = span.lowerBound
        while index + 1 < span.upperBound {
            guard text[index] == UInt8(ascii: "{"), text[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            var end = index + 2
            while end < span.upperBound, ExpressionExtent.isNameByte(text[end]) { end += 1 }
            if end + 1 < span.upperBound, end > index + 2, text[end] == UInt8(ascii: "}"), text[end + 1] == UInt8(ascii: "}") {
                found.append(Located(String(decoding: text[(index + 2)..<end], as: UTF8.self), at: document.range(index..<(end + 2))))
                index = end + 2
            } else {
                index += 2
            }
        }
        return found
    }
}
