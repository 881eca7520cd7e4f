import PortcullisDiagnostics
import PortcullisSyntax

/// Decodes YAML documents into ``Definitions``, one document at a time.
///
/// Nothing here looks across documents: names are resolved later, by ``Resolver``, once
/// every file has been read.
public struct DocumentDecoder {
    public static let apiVersion = "portcullis/v1"

    public enum Kind: String, CaseIterable, Sendable {
        case Gateway, API, Product, PolicyFragment, Environment, Backend
    }

    var context = DecodingContext()
    public internal(set) var definitions = Definitions()
    /// What environments' documents were read as: a mapping an alias repeats is read again
    /// at every alias, and forty-five aliases of 1,000 unknown fields made 45,000 findings,
    /// each with its "did you mean", that reports then dropped as repeated. Each mapping,
    /// and each field of one (a merge key `<<` repeats fields in mappings of their own), is
    /// judged once for each shape it is read as; so is each secret value.
    var limitedOverrides: [OverrideKey: YAMLNode] = [:]
    var judgedOverrideFields: Set<OverrideKey> = []
    var collectedSecretValues: Set<SourceRange> = []

    /// A node of an environment's document, read as a mapping of the given field set.
    struct OverrideKey: Hashable {
        var range: SourceRange
        var mapping: ObjectIdentifier
    }

    public init() {}

    public var diagnostics: DiagnosticCollector { context.diagnostics }

    /// The definitions and the diagnostics of everything decoded so far.
    public func finish() -> (Definitions, DiagnosticCollector) {
        var definitions = definitions
        definitions.namedValueReferences += context.namedValueReferences
        definitions.templatedTexts += context.templatedTexts
        definitions.leadingTemplates += context.leadingTemplates
        definitions.headerTemplates += context.headerTemplates
        definitions.unreadSecrets += context.unreadSecrets
        return (definitions, context.diagnostics)
    }

    /// Reads a place that holds secret material: messages there quote no value, and when
    /// it cannot be read, `ranges` are masked in reports, for what was written may be the
    /// secret in the wrong shape.
    mutating func readingSecret<Value>(_ ranges: [SourceRange], _ read: (inout DocumentDecoder) -> Value) -> Value {
        let outer = context.inSecretPosition
        let before = context.errorCount
        context.inSecretPosition = true
        defer { context.inSecretPosition = outer }
        let value = read(&self)
        if context.errorCount > before { context.unreadSecrets += ranges }
        return value
    }

    public mutating func decode(_ document: YAMLDocument) {
        let root = document.root
        let reported = context.diagnostics.diagnostics.count
        context.inDocumentOrder = document.treeMatchesEvents
        guard case .mapping(let entries) = root.content else {
            if root.isNull {
                context.diagnostics.report(
                    .invalidValue, "document is empty; expected a mapping with 'apiVersion' and 'kind'", at: root.range)
                return
            }
            switch root.content {
            case .rejected: break  // Reported by the reader (YS007).
            default:
                context.diagnostics.report(
                    .invalidValue,
                    "expected a mapping with 'apiVersion' and 'kind' for a document, found \(root.kindDescription)",
                    at: root.range)
            }
            skip(root, reported: reported)
            return
        }
        let start = SourceRange(file: root.range.file, start: root.range.start, end: root.range.start)
        let documentStart = SourceRange.point(start.file, line: Int(start.start.line), column: Int(start.start.column))
        if let version = entries.first(where: { $0.key == "apiVersion" }) {
            if version.value.scalar?.text != Self.apiVersion {
                context.diagnostics.report(
                    .invalidValue,
                    "unsupported apiVersion\(MessageText.shown(version.value.scalar?.text ?? ""))",
                    at: version.value.range,
                    notes: [Diagnostic.Note("this version of portcullis reads '\(Self.apiVersion)'", at: version.value.range)])
            }
        } else {
            context.diagnostics.report(.missingField, "missing required field 'apiVersion' in a document", at: documentStart)
        }
        guard let kindEntry = entries.first(where: { $0.key == "kind" }) else {
            context.diagnostics.report(
                .missingField, "missing required field 'kind' in a document", at: documentStart,
                notes: [Diagnostic.Note("a document's kind is 'Gateway', 'API', 'Product', 'PolicyFragment', 'Backend' or 'Environment'", at: documentStart)])
            skip(root, reported: reported)
            return
        }
        guard let kind = context.choice(kindEntry, as: Kind.self) else {
            skip(root, reported: reported)
            return
        }
        switch kind.value {
        case .Gateway: decodeGateway(root, kindRange: kind.range)
        case .API: decodeAPI(root, kindRange: kind.range)
        case .Product: decodeProduct(root, kindRange: kind.range)
        case .PolicyFragment: decodePolicyFragment(root, kindRange: kind.range)
        case .Environment: decodeEnvironment(root, kindRange: kind.range)
        case .Backend: decodeBackend(root, kindRange: kind.range)
        }
    }

    /// `tags: [name, ...]` on an API, a product or a named value.
    mutating func tagList(_ entry: YAMLEntry?) -> [Located<String>] {
        guard let entry, let items = context.sequence(entry) else { return [] }
        return items.compactMap { context.name($0, field: entry.key, form: .resource) }
    }

    /// Leaves out a document whose kind cannot be told, after its errors (those from the
    /// `reported`th on). It may have declared or used anything, so nothing may be reported
    /// missing or unused because of it; and no check of secrets reads its values, so an
    /// error's quoted line shows none where it holds more than the document's `kind` and
    /// `apiVersion` (a document written on one line is quoted whole).
    private mutating func skip(_ root: YAMLNode, reported: Int) {
        definitions.brokenParts.append(context.extent(of: root))
        definitions.complete = false
        guard case .mapping(let entries) = root.content else {
            context.diagnostics.markUnread(from: reported) { _ in true }
            return
        }
        let others = entries.filter { $0.key != "kind" && $0.key != "apiVersion" }.map { entry in
            entry.keyRange.start.line...max(entry.keyRange.start.line, context.extent(of: entry.value).end.line - 1)
        }
        context.diagnostics.markUnread(from: reported) { line in others.contains { $0.contains(line) } }
    }
}
