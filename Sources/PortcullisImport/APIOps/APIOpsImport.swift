import PortcullisCompiler
import PortcullisEmit
import PortcullisSyntax

/// `import APIOPS_DIR`: reads the tree, translates it, lifts what it can into fields, and
/// proves the result by building it; nothing is written here.
public struct APIOpsImport: Sendable {
    /// What goes to `--out`.
    public var files: ImportedFiles
    /// What the import says of each file of the tree, in path order.
    public var notes: [ImportNote]
    public var roundTrip: RoundTrip

    public init(tree root: String, gatewayName: String, options: LintOptions) throws {
        let tree = try APIOpsTree.read(root, limits: APIOpsTree.Limits(maxFileSize: options.limits.maxFileSize))
        let translation = EstateTranslation(tree, gatewayName: gatewayName, limits: options.limits)
        var files = ImportedFiles()
        for (path, documents) in translation.documents {
            let text = Self.generatedHeader + documents.map { $0.render() }.joined(separator: "---\n")
            try files.add(path, text: text)
        }
        for (path, bytes) in translation.carried { try files.add(path, bytes) }
        self.files = files
        notes = translation.notes.sorted { ($0.path, $0.kind.rawValue) < ($1.path, $1.kind.rawValue) }
        roundTrip = RoundTrip(files, policies: translation.policies, informations: translation.informations, options: options)
    }

    /// Whether the team has something to resolve: notes that are errors, or documents the
    /// build would not give back as they are.
    public var hasErrors: Bool { notes.contains { $0.kind == .error } || !roundTrip.differences.isEmpty }

    private static let generatedHeader = "# Imported from an APIOps tree by 'portcullis import'; edit freely.\n"

    /// The import's own report, before the lint's: one line a note, then the round trip.
    public func textReport() -> String {
        var lines = notes.map { "\($0.kind.rawValue): \($0.path): \($0.message)" }
        let documents = roundTrip.equivalent.count
        lines.append(
            "round trip: \(documents) of \(documents + roundTrip.differences.count) checked files give back the estate's"
                + (roundTrip.differences.isEmpty ? "" : "; \(roundTrip.differences.count) differ:"))
        lines += roundTrip.differences.map { "differs: \($0.path): \($0.message)" }
        return lines.map { $0 + "\n" }.joined()
    }

    /// What `--format json` carries beside the lint report.
    public var summary: Summary {
        Summary(notes: notes, equivalent: roundTrip.equivalent.sorted(), differences: roundTrip.differences, files: files.files.keys.sorted())
    }

    public struct Summary: Encodable, Sendable {
        public var notes: [ImportNote]
        /// Bundle paths of the policy documents the build gives back unchanged.
        public var equivalent: [String]
        public var differences: [RoundTrip.Difference]
        /// The files written to `--out`.
        public var files: [String]
    }
}
