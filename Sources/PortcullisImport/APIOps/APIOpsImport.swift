import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisEmit
import PortcullisSyntax

/// `import APIOPS_DIR`: reads the tree, translates it, lifts what it can into fields, and
/// proves the result by building it; nothing is written here.
public struct APIOpsImport: Sendable {
    /// What goes to `--out`.
    public let files: ImportedFiles
    /// What the import says of each file of the tree, in path order.
    public let notes: [ImportNote]
    public let roundTrip: RoundTrip

    /// `configurations` are APIOps publisher configurations (`configuration.NAME.yaml`),
    /// each imported as the environment NAME.
    public init(tree root: String, configurations: [String] = [], gatewayName: String, options: LintOptions) throws {
        let tree = try APIOpsTree.read(root, limits: APIOpsTree.Limits(maxFileSize: options.limits.maxFileSize))
        let configurationFiles = try configurations.map { try APIOpsTree.readConfiguration($0, maxFileSize: options.limits.maxFileSize) }
        var translation = EstateTranslation(tree, gatewayName: gatewayName, limits: options.limits)
        translation.addEnvironments(configurationFiles, limits: options.limits)
        var (files, roundTrip) = try Self.check(translation, options: options)
        // A document the build does not give back with fields taken from it is imported
        // again with its statements raw, which the build carries as written. Fields taken
        // from an API's policy are generated in its operations' policies too when they drop
        // `<base />`, so an operation that differs retries its API first. Each pass keeps
        // more documents raw, so this ends; a few passes settle real estates.
        var keptRaw = Set<String>()
        for _ in 0..<Self.maximumPasses {
            let differingFiles = Set(roundTrip.differences.map(\.path))
            // A backend taken from an API's policy sets its serviceUrl, so an API's
            // information that differs may be its policy's doing: that policy is retried.
            let differing = Set(translation.policies.filter { differingFiles.contains($0.value.path) }.keys)
                .union(translation.informations.filter { differingFiles.contains($0.value.file) }.keys.compactMap(Self.apiPolicy(of:)))
            let takenFrom = { (path: String) in translation.lifted[path, default: 0] > 0 && !keptRaw.contains(path) }
            // The API first: its fields may be all that changed its operations.
            let retry = Set(differing.map { path in Self.apiPolicy(of: path).flatMap { takenFrom($0) ? $0 : nil } ?? path }).filter(takenFrom)
            guard !retry.isEmpty else { break }
            keptRaw.formUnion(retry)
            translation = EstateTranslation(tree, gatewayName: gatewayName, limits: options.limits, keptRaw: keptRaw)
            translation.addEnvironments(configurationFiles, limits: options.limits)
            (files, roundTrip) = try Self.check(translation, options: options)
        }
        self.files = files
        self.roundTrip = roundTrip
        notes = translation.notes.sorted { ($0.path, $0.kind.rawValue, $0.message) < ($1.path, $1.kind.rawValue, $1.message) }
        statements = translation.statementCounts
    }

    /// Statements of the estate's policy documents taken into fields, and kept raw.
    public let statements: (taken: Int, kept: Int)

    private static let maximumPasses = 4

    /// `apim/apis/NAME/policy.xml` for the bundle path of one of that API's operations'
    /// policies or of its information file.
    private static func apiPolicy(of path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let ofAPI = parts.count == 6 ? parts[3] == "operations" : parts.count == 4 && parts[3] == "apiInformation.json"
        guard ofAPI, parts[0] == "apim", parts[1] == "apis" else { return nil }
        return "apim/apis/\(parts[2])/policy.xml"
    }

    private static func check(_ translation: EstateTranslation, options: LintOptions) throws -> (ImportedFiles, RoundTrip) {
        var files = ImportedFiles()
        for (path, documents) in translation.documents {
            try files.add(path, text: generatedHeader + documents.map { $0.render() }.joined(separator: "---\n"))
        }
        for (path, bytes) in translation.carried { try files.add(path, bytes) }
        return (files, RoundTrip(files, policies: translation.policies, informations: translation.informations, options: options))
    }

    /// Whether the team has something to resolve: notes that are errors, or documents the
    /// build would not give back as they are.
    public var hasErrors: Bool { notes.contains { $0.kind == .error } || !roundTrip.differences.isEmpty }

    private static let generatedHeader = "# Imported from an APIOps tree by 'portcullis import'; edit freely.\n"

    /// The import's own report, before the lint's: one line a note, then the round trip.
    public func textReport() -> String {
        // Paths and messages carry names from the tree: escaped, no name can forge a line.
        var lines = notes.map { "\($0.kind.rawValue): \(DisplayText.escaped($0.path.utf8)): \(DisplayText.escaped($0.message.utf8))" }
        let documents = roundTrip.equivalent.count
        let counts = Dictionary(grouping: notes, by: \.kind).mapValues(\.count)
        lines.append(
            "notes: \(counts[.highLevel, default: 0]) high-level, \(counts[.raw, default: 0]) raw, "
                + "\(counts[.notImported, default: 0]) not imported, \(counts[.error, default: 0]) errors to resolve")
        lines.append("statements: \(statements.taken) became fields, \(statements.kept) stayed raw")
        // An error to resolve may be a file not read (a link, a file too large), which the
        // round trip cannot miss: "nothing differs" read as if the estate came whole (an audit).
        let unresolved = counts[.error, default: 0] > 0 ? "; nothing differs in what was read, and the errors to resolve above say what was not" : "; nothing differs"
        lines.append(
            "round trip: \(documents) policy \(documents == 1 ? "document comes" : "documents come") back unchanged"
                + (roundTrip.differences.isEmpty
                    ? unresolved
                    : "; \(roundTrip.differences.count) \(roundTrip.differences.count == 1 ? "file differs" : "files differ"):"))
        lines += roundTrip.differences.map { "differs: \(DisplayText.escaped($0.path.utf8)): \(DisplayText.escaped($0.message.utf8))" }
        return lines.map { $0 + "\n" }.joined()
    }

    /// What `--format json` carries beside the lint report.
    public var summary: Summary {
        Summary(
            notes: notes, statements: Summary.Statements(highLevel: statements.taken, raw: statements.kept),
            equivalent: roundTrip.equivalent.sorted(), differences: roundTrip.differences, files: files.files.keys.sorted())
    }

    public struct Summary: Encodable, Sendable {
        public var notes: [ImportNote]
        /// Statements of the estate's policies that became fields, and that stayed raw
        /// (`<base />` and a bare `<forward-request />` are not counted).
        public var statements: Statements
        /// Bundle paths of the policy documents the build gives back unchanged.
        public var equivalent: [String]
        public var differences: [RoundTrip.Difference]
        /// The files written to `--out`.
        public var files: [String]

        public struct Statements: Encodable, Sendable {
            public var highLevel: Int
            public var raw: Int
        }
    }
}
