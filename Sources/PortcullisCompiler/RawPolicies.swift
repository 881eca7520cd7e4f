import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

/// Reads the raw policy XML that definitions hold or name, and hangs each document on the
/// definition it belongs to; every problem is reported where the XML is written.
///
/// A `policy` field names a file by a path relative to its YAML file. Only files among the
/// run's inputs can be found, so a definition can never make the compiler read a file the
/// run was not given.
struct RawPolicies {
    /// Each policy file among the inputs, read once, by the path reports show.
    private var files: [String: PolicyXMLDocument?] = [:]
    /// Bounds the "did you mean" work of every document of the run together.
    private let suggestions = SuggestionBudget()

    /// Reads every `.xml` input, on all cores.
    init(_ sources: SourceFiles, diagnostics: inout DiagnosticCollector) {
        let xml = (0..<sources.count).filter { sources.files[$0].isPolicyXML }
        let read = ParallelMap.map(xml.indices) { position -> (PolicyXMLDocument?, DiagnosticCollector) in
            let id = xml[position]
            var found = DiagnosticCollector()
            let document = PolicyXMLReader.read(
                sources.files[id].bytes, placement: .file(FileID(id)),
                what: "policy file '\(DisplayText.escaped(sources.files[id].path.utf8))'", diagnostics: &found)
            return (document, found)
        }
        for (id, (document, found)) in zip(xml, read) {
            files[sources.files[id].path] = document
            diagnostics.append(contentsOf: found)
        }
    }

    /// Reads each definition's raw policy: inline XML here, a file from those read.
    func attach(to definitions: inout Definitions, sources: SourceFiles, diagnostics: inout DiagnosticCollector) {
        var lineStarts = LineStarts(sources: sources)
        for index in definitions.gateways.indices {
            let name = definitions.gateways[index].name.value
            read(&definitions.gateways[index].policy, of: "gateway '\(name)'", at: .global, sources: sources, lineStarts: &lineStarts, diagnostics: &diagnostics)
        }
        for index in definitions.apis.indices {
            let api = definitions.apis[index].name.value
            read(&definitions.apis[index].policy, of: "API '\(api)'", at: .api, sources: sources, lineStarts: &lineStarts, diagnostics: &diagnostics)
            for route in definitions.apis[index].routes.indices {
                let id = definitions.apis[index].routes[route].id.value
                read(
                    &definitions.apis[index].routes[route].policy, of: "route '\(api)/\(id)'", at: .operation, sources: sources,
                    lineStarts: &lineStarts, diagnostics: &diagnostics)
            }
        }
        for index in definitions.products.indices {
            let name = definitions.products[index].name.value
            read(&definitions.products[index].policy, of: "product '\(name)'", at: .product, sources: sources, lineStarts: &lineStarts, diagnostics: &diagnostics)
        }
        for index in definitions.fragments.indices {
            let name = definitions.fragments[index].name.value
            var policy: RawPolicy? = definitions.fragments[index].policy
            read(&policy, of: "fragment '\(name)'", at: .fragment, sources: sources, lineStarts: &lineStarts, diagnostics: &diagnostics)
            if let policy { definitions.fragments[index].policy = policy }
        }
    }

    private func read(
        _ policy: inout RawPolicy?, of owner: String, at scope: PolicyScope, sources: SourceFiles,
        lineStarts: inout LineStarts, diagnostics: inout DiagnosticCollector
    ) {
        guard let written = policy?.written else { return }
        let document: PolicyXMLDocument?
        switch policy?.source {
        case .inline?:
            let source = sources[written.range.file]
            document = PolicyXMLReader.read(
                Array(written.value.utf8),
                placement: Self.placement(of: written.range, in: source, lineStarts: lineStarts.of(written.range.file)),
                what: "the policy of \(owner)", diagnostics: &diagnostics)
        case .file?:
            let path = Self.path(written.value, besides: sources.path(of: written.range.file))
            guard let found = files[path] else {
                diagnostics.report(
                    .unknownReference, "policy file '\(DisplayText.escaped(written.value.utf8))' of \(owner) is not among the inputs",
                    at: written.range,
                    notes: [
                        Diagnostic.Note(
                            "the path is relative to this file; the file must be in a folder being checked, not hidden or excluded",
                            at: written.range)
                    ])
                return
            }
            document = found
        case nil:
            return
        }
        guard let document else { return }
        if scope == .fragment, document.text.count > PolicyXMLReader.maximumFragmentSize {
            let start = document.range(0..<0)
            diagnostics.report(
                .inputLimit,
                "the policy of \(owner) is \(document.text.count) bytes, over APIM's limit of \(PolicyXMLReader.maximumFragmentSize) for a policy fragment",
                at: start, notes: [Diagnostic.Note("split the statements into several fragments", at: start)])
            return
        }
        PolicyStructure.check(document, at: scope, suggestions: suggestions, into: &diagnostics)
        policy?.document = document
    }

    /// Each YAML file's line starts, found once: a file may hold thousands of inline policies.
    struct LineStarts {
        let sources: SourceFiles
        private var found: [FileID: [Int]] = [:]

        init(sources: SourceFiles) {
            self.sources = sources
        }

        mutating func of(_ file: FileID) -> [Int] {
            if let starts = found[file] { return starts }
            let starts = sources[file].lineStarts()
            found[file] = starts
            return starts
        }
    }

    /// `relative` resolved against the folder of `file`, both as reports show paths.
    static func path(_ relative: String, besides file: String) -> String {
        var parts = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        for part in relative.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != "..", last != "" {
                parts.removeLast()
            } else {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    /// Where inline XML's lines are in its YAML file: one for one in a literal block
    /// scalar (`|`), else all at the scalar.
    static func placement(of range: SourceRange, in source: SourceFile, lineStarts starts: [Int]) -> TextPlacement {
        guard starts.count > Int(range.start.line) else { return .scalar(range) }
        let bytes = source.bytes
        let lineStart = starts[Int(range.start.line) - 1]
        // Columns count scalars; the indicator of a block scalar follows ASCII indentation.
        let indicator = lineStart + Int(range.start.column) - 1
        guard indicator < bytes.count, bytes[indicator] == UInt8(ascii: "|") else { return .scalar(range) }
        // Blank lines before the text are part of it, so text line n is file line start + 1 + n;
        // the indentation is that of the first line with text on it.
        var probe = starts[Int(range.start.line)]
        while probe < bytes.count {
            var indent = 0
            while probe + indent < bytes.count, bytes[probe + indent] == 0x20 { indent += 1 }
            let next = probe + indent
            guard next < bytes.count else { break }
            if bytes[next] != 0x0A, bytes[next] != 0x0D {
                return .block(range.file, firstLine: Int(range.start.line) + 1, indent: indent)
            }
            probe = next + 1
        }
        return .scalar(range)
    }
}
