import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// APIM's XML schema for policies, read just far enough to compare the catalogue with it:
/// for an element, its attributes (and which are required) and its child elements.
struct APIMSchema {
    /// The schema folder beside the checkout, `../shared/apim-policy-xsd`.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/apim-policy-xsd")

    /// What the schema says about one element.
    struct Declaration {
        var attributes: [String: Bool] = [:]  // name: required
        var children: [String: XSDNode] = [:]  // name: element declaration
        /// The element accepts any element (`xs:any`), so its children are not listed.
        var acceptsAnyElement = false
    }

    private(set) var elements: [String: XSDNode] = [:]
    private var complexTypes: [String: XSDNode] = [:]
    private var groups: [String: XSDNode] = [:]
    private var attributeGroups: [String: XSDNode] = [:]

    /// Reads every schema file of the folder; nil when the folder is not there.
    init?() throws {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: Self.folder.path) else { return nil }
        for file in files.sorted() where file.hasSuffix(".xsd") {
            let root = try XSDNode.parse(Data(contentsOf: Self.folder.appendingPathComponent(file)))
            for node in root.children {
                guard let name = node.attributes["name"] else { continue }
                switch node.tag {
                case "element": elements[name] = node
                case "complexType": complexTypes[name] = node
                case "group": groups[name] = node
                case "attributeGroup": attributeGroups[name] = node
                default: break
                }
            }
        }
    }

    /// The attributes and children of an element declaration, following named types,
    /// extensions, groups and references to global elements.
    func declaration(of element: XSDNode) -> Declaration {
        var declaration = Declaration()
        if let type = element.attributes["type"], let complexType = complexTypes[Self.local(type)] {
            collect(complexType, into: &declaration)
        }
        for child in element.children where child.tag == "complexType" {
            collect(child, into: &declaration)
        }
        return declaration
    }

    private func collect(_ node: XSDNode, into declaration: inout Declaration) {
        for child in node.children {
            switch child.tag {
            case "attribute":
                if let name = child.attributes["name"] { declaration.attributes[name] = child.attributes["use"] == "required" }
            case "attributeGroup":
                if let reference = child.attributes["ref"], let group = attributeGroups[Self.local(reference)] {
                    collect(group, into: &declaration)
                }
            case "group":
                if let reference = child.attributes["ref"], let group = groups[Self.local(reference)] {
                    collect(group, into: &declaration)
                }
            case "element":
                if let reference = child.attributes["ref"] {
                    if let global = elements[Self.local(reference)] { declaration.children[Self.local(reference)] = global }
                } else if let name = child.attributes["name"] {
                    // An untyped, empty declaration named after a policy means that policy
                    // (`send-request` declares its `set-header` so).
                    let untyped = child.attributes["type"] == nil && child.children.allSatisfy { $0.tag == "annotation" }
                    declaration.children[name] = untyped ? elements[name] ?? child : child
                }
            case "any":
                declaration.acceptsAnyElement = true
            case "extension", "restriction":
                if let base = child.attributes["base"], let type = complexTypes[Self.local(base)] {
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

    private static func local(_ name: String) -> String {
        name.split(separator: ":").last.map(String.init) ?? name
    }
}

/// An XML element of a schema file, by its local name.
final class XSDNode {
    let tag: String
    let attributes: [String: String]
    var children: [XSDNode] = []

    init(tag: String, attributes: [String: String]) {
        self.tag = tag
        self.attributes = attributes
    }

    static func parse(_ data: Data) throws -> XSDNode {
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw parser.parserError ?? CocoaError(.fileReadCorruptFile)
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: XSDNode?
        var open: [XSDNode] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            let node = XSDNode(tag: name.split(separator: ":").last.map(String.init) ?? name, attributes: attributes)
            if let parent = open.last { parent.children.append(node) } else { root = node }
            open.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }
    }
}
