import PortcullisDiagnostics

@testable import PortcullisPolicyXML

/// Builds policy trees by hand for tests that must not depend on the XML reader: each
/// element is written on a line of its own, so a test can say which line a finding is on.
struct TreeNode {
    var name: String
    var attributes: [(String, String)]
    var children: [TreeNode]
    var text: String?
}

func el(_ name: String, _ attributes: [(String, String)] = [], _ children: TreeNode...) -> TreeNode {
    TreeNode(name: name, attributes: attributes, children: children, text: nil)
}

func el(_ name: String, _ attributes: [(String, String)] = [], text: String) -> TreeNode {
    TreeNode(name: name, attributes: attributes, children: [], text: text)
}

/// The document the tree would be read as, with its text and every span in it.
func document(_ root: TreeNode) -> PolicyXMLDocument {
    var text: [UInt8] = []
    func append(_ string: String) -> Range<Int> {
        let start = text.count
        text.append(contentsOf: Array(string.utf8))
        return start..<text.count
    }
    func value(_ string: String) -> PolicyXMLValue {
        string.hasPrefix("@(") || string.hasPrefix("@{") ? .expression(string) : .text(string)
    }
    func render(_ node: TreeNode, depth: Int) -> PolicyXMLElement {
        let start = text.count
        _ = append(String(repeating: "  ", count: depth) + "<")
        let elementStart = start + depth * 2
        let nameSpan = append(node.name)
        var attributes: [PolicyXMLAttribute] = []
        for (name, written) in node.attributes {
            _ = append(" ")
            let attributeName = append(name)
            _ = append("=\"")
            let valueSpan = append(written)
            _ = append("\"")
            attributes.append(PolicyXMLAttribute(name: name, value: value(written), nameSpan: attributeName, valueSpan: valueSpan))
        }
        var children: [PolicyXMLNode] = []
        if let written = node.text {
            _ = append(">")
            children.append(.text(value(written), span: append(written)))
            _ = append("</\(node.name)>\n")
        } else if node.children.isEmpty {
            _ = append(" />\n")
        } else {
            _ = append(">\n")
            for child in node.children { children.append(.element(render(child, depth: depth + 1))) }
            _ = append(String(repeating: "  ", count: depth) + "</\(node.name)>\n")
        }
        return PolicyXMLElement(
            name: node.name, attributes: attributes, children: children, span: elementStart..<text.count, nameSpan: nameSpan)
    }
    let rootElement = render(root, depth: 0)
    return PolicyXMLDocument(text: text, root: rootElement, placement: .file(FileID(0)))
}

/// The findings of the structure check on `root` at `scope`.
func check(_ root: TreeNode, at scope: PolicyScope = .api) -> [Diagnostic] {
    var diagnostics = DiagnosticCollector()
    PolicyStructure.check(document(root), at: scope, into: &diagnostics)
    return diagnostics.diagnostics
}
