import Foundation
import PortcullisDiagnostics
import PortcullisPolicyXML

/// APIM's XML schema for policies, read just far enough to compare the catalogue with it:
/// for an element, its attributes (and which are required) and its child elements. The
/// schema files are plain XML, which the policy reader reads as well as policies.
struct APIMSchema {
    /// The schema folder beside the checkout, `../shared/apim-policy-xsd`.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/apim-policy-xsd")

    /// What the schema says about one element.
    struct Declaration {
        var attributes: [String: Bool] = [:]  // name: required
        /// What each attribute's value may be, by name.
        var values: [String: AttributeValue] = [:]
        var children: [String: PolicyXMLElement] = [:]  // name: element declaration
        /// The element accepts any element (`xs:any`), so its children are not listed.
        var acceptsAnyElement = false
    }

    private(set) var elements: [String: PolicyXMLElement] = [:]
    private var complexTypes: [String: PolicyXMLElement] = [:]
    private var groups: [String: PolicyXMLElement] = [:]
    private var attributeGroups: [String: PolicyXMLElement] = [:]
    private var simpleTypes: [String: PolicyXMLElement] = [:]

    /// Reads every schema file of the folder; nil when the folder is not there.
    init?() throws {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: Self.folder.path) else { return nil }
        for file in files.sorted() where file.hasSuffix(".xsd") {
            var diagnostics = DiagnosticCollector()
            let text = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(file)))
            guard
                let document = PolicyXMLReader.read(
                    text, placement: .file(FileID(0)), what: "'\(file)'", diagnostics: &diagnostics)
            else { throw SchemaError(file: file, findings: diagnostics.diagnostics.map(\.message)) }
            for node in document.root.elements {
                guard let name = node["name"] else { continue }
                switch node.tag {
                case "element": elements[name] = node
                case "complexType": complexTypes[name] = node
                case "group": groups[name] = node
                case "attributeGroup": attributeGroups[name] = node
                case "simpleType": simpleTypes[name] = node
                default: break
                }
            }
        }
    }

    /// The attributes and children of an element declaration, following named types,
    /// extensions, groups and references to global elements.
    func declaration(of element: PolicyXMLElement) -> Declaration {
        var declaration = Declaration()
        if let type = element["type"], let complexType = complexTypes[Self.local(type)] {
            collect(complexType, into: &declaration)
        }
        for child in element.elements where child.tag == "complexType" {
            collect(child, into: &declaration)
        }
        return declaration
    }

    private func collect(_ node: PolicyXMLElement, into declaration: inout Declaration) {
        for child in node.elements {
            switch child.tag {
            case "attribute":
                if let name = child["name"] {
                    declaration.attributes[name] = child["use"] == "required"
                    declaration.values[name] = value(of: child)
                }
            case "attributeGroup":
                if let reference = child["ref"], let group = attributeGroups[Self.local(reference)] {
                    collect(group, into: &declaration)
                }
            case "group":
                if let reference = child["ref"], let group = groups[Self.local(reference)] {
                    collect(group, into: &declaration)
                }
            case "element":
                if let reference = child["ref"] {
                    if let global = elements[Self.local(reference)] { declaration.children[Self.local(reference)] = global }
                } else if let name = child["name"] {
                    // An untyped, empty declaration named after a policy means that policy
                    // (`send-request` declares its `set-header` so).
                    let untyped = child["type"] == nil && child.elements.allSatisfy { $0.tag == "annotation" }
                    declaration.children[name] = untyped ? elements[name] ?? child : child
                }
            case "any":
                declaration.acceptsAnyElement = true
            case "extension", "restriction":
                if let base = child["base"], let type = complexTypes[Self.local(base)] {
                    collect(type, into: &declaration)
                }
                collect(child, into: &declaration)
            case "sequence", "choice", "all", "complexContent", "simpleContent", "complexType":
                collect(child, into: &declaration)
            default:
                break
            }
        }
    }

    /// What an attribute declaration lets its value be. A type of the schema's own is
    /// followed; a union that names `expression` takes expressions, and so does text of any
    /// kind, since an expression's code is text too. Dates and fractions are taken as text,
    /// which the catalogue does not judge.
    func value(of attribute: PolicyXMLElement) -> AttributeValue {
        if let type = attribute["type"] { return value(ofType: type) }
        guard let simple = attribute.elements.first(where: { $0.tag == "simpleType" }) else { return .text }
        return value(ofSimpleType: simple)
    }

    private func value(ofType type: String) -> AttributeValue {
        let name = Self.local(type)
        switch name {
        case "int": return AttributeValue.number.literalOnly
        case "long", "integer": return AttributeValue.number(Int.min...Int.max).literalOnly
        case "positiveInteger": return AttributeValue.number(1...Int.max).literalOnly
        case "nonNegativeInteger": return AttributeValue.number(0...Int.max).literalOnly
        case "unsignedInt": return AttributeValue.number(0...Int(UInt32.max)).literalOnly
        case "boolean": return AttributeValue.boolean.literalOnly
        default: return simpleTypes[name].map(value(ofSimpleType:)) ?? .text
        }
    }

    private func value(ofSimpleType node: PolicyXMLElement) -> AttributeValue {
        for child in node.elements {
            switch child.tag {
            case "union":
                let members = (child["memberTypes"] ?? "").split(separator: " ").map(String.init)
                let written = members.filter { Self.local($0) != "expression" }.map(value(ofType:))
                guard let first = written.first, written.allSatisfy({ $0.kind == first.kind }) else { return .text }
                let takesExpressions = members.count > written.count || first.kind == .text
                return AttributeValue(kind: first.kind, takesExpressions: takesExpressions)
            case "restriction":
                let words = child.elements.filter { $0.tag == "enumeration" }.compactMap { $0["value"] }
                guard words.isEmpty else { return AttributeValue.oneOf(words).literalOnly }
                return child["base"].map(value(ofType:)) ?? .text
            default:
                continue
            }
        }
        return .text
    }

    /// A name without its namespace prefix: `element` for `xs:element`.
    fileprivate static func local(_ name: String) -> String {
        name.split(separator: ":").last.map(String.init) ?? name
    }
}

struct SchemaError: Error {
    let file: String
    let findings: [String]
}

extension PolicyXMLElement {
    /// The element's name without its namespace prefix.
    fileprivate var tag: String { APIMSchema.local(name) }

    /// The literal value of the attribute called `name`.
    fileprivate subscript(_ name: String) -> String? { attribute(name)?.value.written }
}
