import PortcullisPolicyXML

/// The form a bundle's policy documents are written in.
public enum PolicyFormat: String, Sendable, CaseIterable {
    /// APIM's `rawxml`, what the portal shows and APIOps publishes: expressions unescaped.
    case rawxml
    /// APIM's `xml`: well-formed XML whose expressions are entity-escaped, for XML tools.
    /// APIOps publishes it as `rawxml` all the same, which reads XML's references in an
    /// expression, so APIM compiles the same code from either form.
    case xml

    /// `document`, written in `rawxml`, in this form; nil when it cannot be read as a policy.
    func write(_ document: [UInt8]) -> [UInt8]? {
        switch self {
        case .rawxml: document
        case .xml: PolicyXMLReader.xmlForm(document)
        }
    }
}
