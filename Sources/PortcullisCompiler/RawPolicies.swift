import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport

/// Reads the raw policy XML that definitions hold or name, and hangs each document on the
/// definition it belongs to; every problem is reported where the XML is written.
///
/// A `policy` field names a file by a path relative to its YAML file
/// (``SourceFiles/path(_:besides:)``). Only files among the run's inputs can be found, so a
/// definition can never make the compiler read a file the run was not given.
struct RawPolicies {
    /// Each policy file a definition names, read once, by the path reports show.
    private var files: [ExactPath: PolicyXMLDocument?] = [:]
    /// The policy files by their names as Swift compares them, for a path that names none.
    private let twins: SpellingTwins
    /// Bounds the "did you mean" work of every document of the run together.
    private let suggestions = SuggestionBudget()
    /// Lines of policy files that could not be read and look like they hold a credential:
    /// no value of theirs can be judged, and a finding may quote the line.
    private(set) var unreadCredentials: [SourceRange] = []

    /// What reading the named files reported, given to every variant of the run.
    private var problems = DiagnosticCollector()
    /// Where the lines of each YAML file holding inline XML start, found once for every
    /// variant: the XML is placed by them.
    private var inlineLineStarts: [FileID: [Int]] = [:]

    /// Reads, on all cores, each `.xml` input a definition names. Environments cannot change
    /// a `policy`, so the same files serve every variant; XML no definition names is never
    /// parsed (an APIOps tree kept beside the definitions is not the project's policy).
    init(naming definitions: Definitions, sources: SourceFiles) {
        var ids: [ExactPath: Int] = [:]
        for id in 0..<sources.count where sources.files[id].isPolicyXML { ids[ExactPath(sources.files[id].path)] = id }
        twins = SpellingTwins(ids.keys.map(\.text))
        var written = definitions.gateways.compactMap(\.policy) + definitions.products.compactMap(\.policy)
            + definitions.fragments.map(\.policy)
        for index in definitions.apis.indices {
            if let policy = definitions.apis[index].policy { written.append(policy) }
            let routes = definitions.apis[index].routes
            for position in routes.indices { if let policy = routes[position].policy { written.append(policy) } }
        }
        let named = Set(written.filter { $0.source == .file }.map { ExactPath(sources.path($0.written.value, besides: $0.written.range.file)) })
        let xml = named.sorted().compactMap { ids[$0] }
        let inlineFiles = Array(Set(written.filter { $0.source == .inline }.map(\.written.range.file)))
        // One parallel map, not two side by side: a map nested in another runs on one core.
        // A large YAML file's lines are found first, while the other cores read the files.
        let work = ParallelMap.map(0..<(inlineFiles.count + xml.count)) { item -> Reading in
            guard item >= inlineFiles.count else { return .lineStarts(sources[inlineFiles[item]].lineStarts()) }
            let id = xml[item - inlineFiles.count]
            var found = DiagnosticCollector()
            let document = PolicyXMLReader.read(
                sources.files[id].bytes, placement: .file(FileID(id)),
                what: "policy file '\(DisplayText.escaped(sources.files[id].path.utf8))'", diagnostics: &found)
            return .file(document, found)
        }
        var read: [(PolicyXMLDocument?, DiagnosticCollector)] = []
        for (item, done) in work.enumerated() {
            switch done {
            case .lineStarts(let starts): inlineLineStarts[inlineFiles[item]] = starts
            case .file(let document, let found): read.append((document, found))
            }
        }
        for (id, (document, found)) in zip(xml, read) {
            files[ExactPath(sources.files[id].path)] = document
            problems.append(contentsOf: found)
            if document == nil {
                unreadCredentials += Self.credentialLines(sources.files[id].bytes, placement: .file(FileID(id)))
            }
        }
    }

    /// One item of the reading ``init(naming:sources:)`` does on all cores.
    private enum Reading: Sendable {
        case lineStarts([Int])
        case file(PolicyXMLDocument?, DiagnosticCollector)
    }

    /// Where a raw policy hangs in the definitions, so all can be read on all cores and
    /// put back in order.
    private enum Slot {
        case gateway(Int), api(Int), route(Int, Int), product(Int), fragment(Int)
    }

    private struct Job {
        var slot: Slot
        var policy: RawPolicy
        /// How messages name the owner: "API 'orders'".
        var owner: String
        var scope: PolicyScope
    }

    /// Reads each definition's raw policy, inline XML or a file among those read, and
    /// checks it for its scope; documents that cannot be read are left off.
    /// Inline XML that cannot be read adds the lines of it that look like credentials to
    /// `credentials`, for the same reason as ``unreadCredentials``.
    func attach(
        to definitions: inout Definitions, sources: SourceFiles, diagnostics: inout DiagnosticCollector,
        credentials: inout [SourceRange]
    ) {
        diagnostics.append(contentsOf: problems)
        var jobs: [Job] = []
        for (index, gateway) in definitions.gateways.enumerated() {
            guard let policy = gateway.policy else { continue }
            jobs.append(Job(slot: .gateway(index), policy: policy, owner: "gateway '\(gateway.name.value)'", scope: .global))
        }
        // By index, reading each field in place: an estate has tens of thousands of routes,
        // and copying each (a route is large) only to find it has no policy cost milliseconds.
        let apis = definitions.apis
        for index in apis.indices {
            let name = apis[index].name.value
            if let policy = apis[index].policy { jobs.append(Job(slot: .api(index), policy: policy, owner: "API '\(name)'", scope: .api)) }
            let routes = apis[index].routes
            for position in routes.indices {
                guard let policy = routes[position].policy else { continue }
                jobs.append(
                    Job(slot: .route(index, position), policy: policy, owner: "route '\(name)/\(routes[position].id.value)'", scope: .operation))
            }
        }
        for (index, product) in definitions.products.enumerated() {
            guard let policy = product.policy else { continue }
            jobs.append(Job(slot: .product(index), policy: policy, owner: "product '\(product.name.value)'", scope: .product))
        }
        for (index, fragment) in definitions.fragments.enumerated() {
            jobs.append(Job(slot: .fragment(index), policy: fragment.policy, owner: "fragment '\(fragment.name.value)'", scope: .fragment))
        }
        guard !jobs.isEmpty else { return }
        // Inline XML is placed by its YAML file's lines, found once per file: a file may hold thousands.
        var lineStarts = inlineLineStarts
        for job in jobs where job.policy.source == .inline && lineStarts[job.policy.written.range.file] == nil {
            lineStarts[job.policy.written.range.file] = sources[job.policy.written.range.file].lineStarts()
        }
        let results = readings(of: jobs, sources: sources, lineStarts: lineStarts)
        // A file several definitions name is read once but checked for each; a finding that
        // does not depend on the scope is reported once.
        var reported = Set<String>()
        var kept = DiagnosticCollector()
        for (job, (document, found)) in zip(jobs, results) {
            kept.append(contentsOf: found) { reported.insert("\($0.code.id) \($0.range) \($0.message)").inserted }
            guard let document else {
                let written = job.policy.written
                if job.policy.source == .inline {
                    credentials += Self.credentialLines(
                        Array(written.value.utf8),
                        placement: Self.placement(of: written.range, in: sources[written.range.file], lineStarts: lineStarts[written.range.file] ?? []))
                }
                continue
            }
            let read = job.policy.reading(document)
            switch job.slot {
            case .gateway(let index): definitions.gateways[index].policy = read
            case .api(let index): definitions.apis[index].policy = read
            case .route(let index, let position): definitions.apis[index].routes[position].policy = read
            case .product(let index): definitions.products[index].policy = read
            case .fragment(let index): definitions.fragments[index].policy = read
            }
        }
        // Only now, in the jobs' order, are the suggestions the checks asked for decided.
        kept.suggest(within: suggestions)
        diagnostics.append(contentsOf: kept)
    }

    /// Inline XML written word for word in one scope more than once, as a transform shared
    /// by many routes is, needs reading and checking once.
    private struct InlineText: Hashable {
        var text: String
        var scope: PolicyScope
    }

    /// Each job's document and findings, read on all cores. An inline text read before for
    /// the same scope without a finding is not read again: its reading is placed where
    /// this copy is written. A text with findings is read for each copy, whose findings
    /// name their own owner and place.
    private func readings(
        of jobs: [Job], sources: SourceFiles, lineStarts: [FileID: [Int]]
    ) -> [(PolicyXMLDocument?, DiagnosticCollector)] {
        var firstWithText: [InlineText: Int] = [:]
        var copies: [(job: Int, first: Int)] = []
        var firsts: [Int] = []
        for (index, job) in jobs.enumerated() {
            if job.policy.source == .inline {
                let key = InlineText(text: job.policy.written.value, scope: job.scope)
                if let first = firstWithText[key] {
                    copies.append((index, first))
                    continue
                }
                firstWithText[key] = index
            }
            firsts.append(index)
        }
        func read(_ indices: [Int]) -> [(PolicyXMLDocument?, DiagnosticCollector)] {
            ParallelMap.map(indices.indices) { position in
                var found = DiagnosticCollector()
                let document = self.read(jobs[indices[position]], sources: sources, lineStarts: lineStarts, diagnostics: &found)
                return (document, found)
            }
        }
        var results = [(PolicyXMLDocument?, DiagnosticCollector)](repeating: (nil, DiagnosticCollector()), count: jobs.count)
        for (index, result) in zip(firsts, read(firsts)) { results[index] = result }
        var unshared: [Int] = []
        for (index, first) in copies {
            guard let document = results[first].0, results[first].1.diagnostics.isEmpty else {
                unshared.append(index)
                continue
            }
            let written = jobs[index].policy.written
            results[index].0 = document.placed(
                at: Self.placement(of: written.range, in: sources[written.range.file], lineStarts: lineStarts[written.range.file] ?? []))
        }
        for (index, result) in zip(unshared, read(unshared)) { results[index] = result }
        return results
    }

    private func read(
        _ job: Job, sources: SourceFiles, lineStarts: [FileID: [Int]], diagnostics: inout DiagnosticCollector
    ) -> PolicyXMLDocument? {
        let written = job.policy.written
        let document: PolicyXMLDocument?
        switch job.policy.source {
        case .inline:
            document = PolicyXMLReader.read(
                Array(written.value.utf8),
                placement: Self.placement(of: written.range, in: sources[written.range.file], lineStarts: lineStarts[written.range.file] ?? []),
                what: "the policy of \(job.owner)", diagnostics: &diagnostics)
        case .file:
            let path = sources.path(written.value, besides: written.range.file)
            guard let found = files[ExactPath(path)] else {
                diagnostics.report(
                    .unknownReference, "policy file '\(DisplayText.escaped(written.value.utf8))' of \(job.owner) is not among the inputs",
                    at: written.range,
                    notes: [
                        twins.note(for: path, at: written.range)
                            ?? Diagnostic.Note(
                                "the path is relative to this file; the file must be in a folder being checked, not hidden or excluded",
                                at: written.range)
                    ])
                return nil
            }
            document = found
        }
        guard let document else { return nil }
        if job.scope == .fragment, document.text.count > PolicyXMLReader.maximumFragmentSize {
            let start = document.range(0..<0)
            diagnostics.report(
                .inputLimit,
                "the policy of \(job.owner) is \(document.text.count) bytes, over APIM's limit of \(PolicyXMLReader.maximumFragmentSize) for a policy fragment",
                at: start, notes: [Diagnostic.Note("split the statements into several fragments", at: start)])
            return nil
        }
        PolicyStructure.check(document, at: job.scope, into: &diagnostics)
        return document
    }

    /// The lines of `text` that look like they hold a credential, placed in their file.
    static func credentialLines(_ text: [UInt8], placement: TextPlacement) -> [SourceRange] {
        var found: [SourceRange] = []
        // Found once: placing each line by itself would walk the text again for each.
        let lines = TextLines(of: text)
        var start = 0
        while start < text.count {
            var end = start
            while end < text.count, text[end] != 0x0A, text[end] != 0x0D { end += 1 }
            if CredentialScanner.looksLikeCredential(String(decoding: text[start..<end], as: UTF8.self)) {
                found.append(placement.range(start..<max(end, start + 1), in: text, lines: lines))
            }
            start = end + 1
        }
        return found
    }

    /// Where inline XML's lines are in its YAML file: one for one in a literal block
    /// scalar (`|`), else all at the scalar.
    static func placement(of range: SourceRange, in source: SourceFile, lineStarts starts: [Int]) -> TextPlacement {
        guard starts.count > Int(range.start.line) else { return .scalar(range) }
        let bytes = source.bytes
        // The indicator's line, 1-based.
        var line = Int(range.start.line)
        // Columns count scalars; the indicator of a block scalar follows ASCII indentation.
        var indicator = starts[line - 1] + Int(range.start.column) - 1
        // The scalar starts at its tag (`!!str`) or anchor (`&policy`), which come before
        // the indicator (audit V93: such a policy's findings were placed at the scalar), on
        // its line or, after a comment and line breaks, on one before it (audit V95).
        var hasProperties = false
        while indicator < bytes.count, bytes[indicator] == UInt8(ascii: "!") || bytes[indicator] == UInt8(ascii: "&") {
            hasProperties = true
            while indicator < bytes.count, ![0x20, 0x09, 0x0A, 0x0D].contains(bytes[indicator]) { indicator += 1 }
            while indicator < bytes.count, bytes[indicator] == 0x20 || bytes[indicator] == 0x09 { indicator += 1 }
        }
        while hasProperties, indicator < bytes.count, [UInt8(ascii: "#"), 0x0A, 0x0D].contains(bytes[indicator]) {
            while indicator < bytes.count, bytes[indicator] != 0x0A, bytes[indicator] != 0x0D { indicator += 1 }
            guard line < starts.count else { return .scalar(range) }
            indicator = starts[line]
            line += 1
            while indicator < bytes.count, bytes[indicator] == 0x20 || bytes[indicator] == 0x09 { indicator += 1 }
        }
        guard indicator < bytes.count, bytes[indicator] == UInt8(ascii: "|"), starts.count > line else { return .scalar(range) }
        // Blank lines before the text are part of it, so text line n is file line start + 1 + n;
        // the indentation is that of the first line with text on it.
        var probe = starts[line]
        while probe < bytes.count {
            var indent = 0
            while probe + indent < bytes.count, bytes[probe + indent] == 0x20 { indent += 1 }
            let next = probe + indent
            guard next < bytes.count else { break }
            if bytes[next] != 0x0A, bytes[next] != 0x0D {
                return .block(range.file, firstLine: line + 1, indent: indent)
            }
            probe = next + 1
        }
        return .scalar(range)
    }
}
