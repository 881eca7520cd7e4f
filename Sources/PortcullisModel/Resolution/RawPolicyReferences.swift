import PortcullisDiagnostics
import PortcullisPolicyXML

/// What raw policy XML refers to: fragments by `include-fragment`, named values by
/// `{{name}}`. Both must be declared, as they must be for the language's own fields.
extension Resolver {
    /// Every raw policy document of the definitions, fragments included.
    var rawDocuments: [PolicyXMLDocument] {
        var documents = definitions.gateways.compactMap(\.policy?.document)
        for api in definitions.apis {
            if let document = api.policy?.document { documents.append(document) }
            documents += api.routes.compactMap(\.policy?.document)
        }
        documents += definitions.products.compactMap(\.policy?.document)
        documents += definitions.fragments.compactMap(\.policy.document)
        return documents
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
    mutating func checkRawReferences(_ gateway: Gateway?) {
        let fragments = Set(definitions.fragments.map(\.name.value))
        let templateNames = gateway.map { TemplateNames($0.declared.namedValues.union($0.declared.secrets)) }
        for document in rawDocuments {
            for element in document.allElements {
                if element.name == "include-fragment", let id = element.attribute("fragment-id"), case .text(let name) = id.value,
                    !fragments.contains(name), definitions.complete
                {
                    Self.unknown(
                        "policy fragment", Located(name, at: document.range(id.valueSpan)), among: fragments,
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
                for case .text(_, let span) in element.children {
                    for reference in RawTemplates.names(in: document, span: span) where !templateNames.contains(reference.value) {
                        Self.unknown(
                            "named value", reference, among: templateNames.declared,
                            hint: "declare it under the gateway's 'namedValues' or 'secrets'",
                            into: &diagnostics)
                    }
                }
            }
        }
    }
}

/// `{{name}}` references in raw XML, which APIM replaces before it reads the document.
enum RawTemplates {
    static func names(in document: PolicyXMLDocument, span: Range<Int>) -> [Located<String>] {
        var found: [Located<String>] = []
        let text = document.text
        var index = span.lowerBound
        while index + 1 < span.upperBound {
            guard text[index] == UInt8(ascii: "{"), text[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            var end = index + 2
            while end < span.upperBound, isNameByte(text[end]) { end += 1 }
            if end + 1 < span.upperBound, end > index + 2, text[end] == UInt8(ascii: "}"), text[end + 1] == UInt8(ascii: "}") {
                found.append(Located(String(decoding: text[(index + 2)..<end], as: UTF8.self), at: document.range(index..<(end + 2))))
                index = end + 2
            } else {
                index += 2
            }
        }
        return found
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
            || byte == 0x5F || byte == 0x2E
    }
}
