import PortcullisChecker
import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport
import PortcullisSyntax

/// Reads the OpenAPI documents APIs name (`openapi:`) and hangs each on its API; every
/// problem is reported where it is written in the document.
///
/// A document is found only among the run's side files (the other YAML and the JSON found
/// beside the definitions, see ``Workspace/sideFiles``), by a path relative to the YAML
/// file, never by opening it: a definition cannot make the compiler read a file the run was
/// not given. Only the files named are parsed; other YAML is never read as anything.
package struct OpenAPIFiles {
    /// Each named file found among the run's files, read once, by the path reports show.
    private var documents: [ExactPath: OpenAPISpecification?] = [:]
    /// What reading them reported, given to every variant of the run.
    private var problems = DiagnosticCollector()
    /// Credential-like text in the documents read: they are published byte for byte.
    private(set) var credentials: [SourceRange] = []
    /// The publisher configurations of the run, numbered after the side files: never a
    /// document, since the bundle would publish one as an API's specification.
    private var publisherConfigurations: Set<ExactPath> = []
    /// The side files by their names as Swift compares them, for a path that names none.
    private let twins: SpellingTwins

    /// How many named documents are YAML files, which discovery counted as skipped before
    /// anything was read: they are inputs of the run after all.
    var namedYAMLCount: Int { documents.keys.filter { !$0.text.hasByteSuffix(".json") }.count }
    /// How many named documents are JSON files, which discovery does not count at all.
    var namedJSONCount: Int { documents.count - namedYAMLCount }
    /// The named documents' paths, as reports show them.
    var namedPaths: [String] { documents.keys.sorted().map(\.text) }

    /// Reads, on all cores, each side file an API of `definitions` names; `sideFiles` are
    /// their numbers. Inputs are not looked among: they are read as definitions.
    init(naming definitions: Definitions, sources: SourceFiles, sideFiles: Range<Int>, limits: InputLimits) {
        var ids: [ExactPath: Int] = [:]
        for id in sideFiles { ids[ExactPath(sources.files[id].path)] = id }
        twins = SpellingTwins(ids.keys.map(\.text))
        publisherConfigurations = Set(sources.files[sideFiles.upperBound...].map { ExactPath($0.path) })
        let named = definitions.apis.compactMap(\.openapi).map { ExactPath(sources.path($0.written.value, besides: $0.written.range.file)) }
        let found = Set(named).sorted().compactMap { path in ids[path].map { (path: path, id: $0) } }
        let read = ParallelMap.map(found.indices) { position -> (OpenAPISpecification?, [SourceRange], DiagnosticCollector) in
            let id = found[position].id
            var diagnostics = DiagnosticCollector()
            let (document, credentials) = Self.read(sources.files[id], id: FileID(id), limits: limits, diagnostics: &diagnostics)
            return (document, credentials, diagnostics)
        }
        for (file, (document, found, diagnostics)) in zip(found, read) {
            documents[file.path] = document
            credentials += found
            problems.append(contentsOf: diagnostics)
        }
    }

    /// Gives each API the document it names, or reports that it is not among the run's files.
    func attach(to definitions: inout Definitions, sources: SourceFiles, diagnostics: inout DiagnosticCollector) {
        diagnostics.append(contentsOf: problems)
        // Made at the first path that names no document: a list searched for each would
        // make many such paths quadratic.
        var inputs: Set<ExactPath>?
        for index in definitions.apis.indices {
            guard let reference = definitions.apis[index].openapi else { continue }
            let path = ExactPath(sources.path(reference.written.value, besides: reference.written.range.file))
            // A file found but unreadable was reported where it is broken; it stays nil.
            guard let document = documents[path] else {
                let named = "OpenAPI document '\(DisplayText.escaped(reference.written.value.utf8))' of API '\(definitions.apis[index].name.value)'"
                if inputs == nil { inputs = Set(sources.files.map { ExactPath($0.path) }) }
                let isDefinitions = inputs!.contains(path)
                let what =
                    publisherConfigurations.contains(path)
                    ? "is an APIOps publisher configuration" : isDefinitions ? "is a Portcullis file" : "is not among the inputs"
                diagnostics.report(
                    .unknownReference, "\(named) \(what)",
                    at: reference.written.range,
                    notes: [
                        isDefinitions
                            ? Diagnostic.Note(
                                "name an OpenAPI document, a file with 'openapi: 3.x' or 'swagger: \"2.0\"' that holds no Portcullis document",
                                at: reference.written.range)
                            : twins.note(for: path.text, at: reference.written.range)
                                ?? Diagnostic.Note(
                                    "the path is relative to this file; the file must be in a folder being checked, not hidden or excluded",
                                    at: reference.written.range)
                    ])
                continue
            }
            definitions.apis[index].openapi?.document = document
        }
    }

    /// One file: YAML, or JSON read as the YAML it also is, under the run's limits; one
    /// document with OpenAPI's shape. With it, the credential-like text of what was read.
    package static func read(_ file: SourceFile, id: FileID, limits: InputLimits, diagnostics: inout DiagnosticCollector)
        -> (OpenAPISpecification?, [SourceRange])
    {
        let (roots, credentials, complete) = YAMLReader(file: id, limits: limits).readSideFile(file, diagnostics: &diagnostics)
        guard complete else { return (nil, credentials) }
        let what = "'\(DisplayText.escaped(file.path.utf8))'"
        guard roots.count == 1 else {
            diagnostics.report(
                .invalidValue, "\(what) holds \(roots.count) YAML documents; it must hold one",
                at: roots.dropFirst().first?.range ?? .point(id, line: 1, column: 1))
            return (nil, credentials)
        }
        let format: OpenAPISpecification.Format = file.path.hasByteSuffix(".json") ? .json : .yaml
        let specification = OpenAPIReader.specification(roots[0], bytes: file.bytes, format: format, of: what, diagnostics: &diagnostics)
        return (specification, credentials)
    }
}
