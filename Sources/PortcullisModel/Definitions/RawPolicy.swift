import PortcullisDiagnostics
import PortcullisPolicyXML

/// Policy statements a definition writes in APIM's own XML (`policy:`), for what the
/// language has no field for. They go into the definition's policy document around the
/// statements Portcullis generates: in each section, those before `<base />` run before
/// them and those after it run after them.
///
/// A class with constant properties: every route holds one (or none), and routes are copied
/// many times between the stages, which should not copy the policy each time.
public final class RawPolicy: Sendable {
    public enum Source: Sendable {
        /// The field's value is the XML.
        case inline
        /// The field's value is the path of an XML file, relative to the YAML file.
        case file
    }

    /// The `policy` field's value as written.
    public let written: Located<String>
    public let source: Source
    /// The document, once the compiler has read it; nil until then and when it cannot be
    /// read (the reason is reported).
    public let document: PolicyXMLDocument?

    public init(written: Located<String>, source: Source, document: PolicyXMLDocument? = nil) {
        self.written = written
        self.source = source
        self.document = document
    }

    /// This policy with its document read.
    public func reading(_ document: PolicyXMLDocument) -> RawPolicy {
        RawPolicy(written: written, source: source, document: document)
    }
}

/// A `kind: PolicyFragment` document: statements that policies include by name with APIM's
/// `include-fragment`.
public struct PolicyFragment: Sendable {
    public var name: Located<String>
    public var description: Located<String>?
    public var policy: RawPolicy
    public var kindRange: SourceRange
}

extension [PolicyFragment] {
    /// Each fragment's document by its name, as `include-fragment` names it, the first of
    /// two alike (RF002 reports the second); one that could not be read is left out.
    public var documentsByName: [String: PolicyXMLDocument] {
        Dictionary(compactMap { fragment in fragment.policy.document.map { (fragment.name.value, $0) } }) { first, _ in first }
    }
}
