import PortcullisChecker
import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport
import PortcullisSyntax

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Options that change what the front end accepts and how findings are counted.
public struct LintOptions: Sendable {
    public var limits: InputLimits
    /// Reports warnings as errors, for teams that keep a warning-free tree.
    public var warningsAsErrors: Bool
    /// The day suppression expiry is judged against.
    public var today: CalendarDay
    /// Which variants of the definitions are checked.
    public var environments: EnvironmentChoice = .all
    /// The standards the definitions are judged by instead of their own, laid over the
    /// gateway before the rules run: `diff` judges HEAD by BASE's.
    public var standards: Standards? = nil

    public init(limits: InputLimits = InputLimits(), warningsAsErrors: Bool = false, today: CalendarDay = LintOptions.todayUTC()) {
        self.limits = limits
        self.warningsAsErrors = warningsAsErrors
        self.today = today
    }

    /// Today in UTC, read from the clock here at the edge rather than inside the checker.
    /// The C library's calendar answers at once; Foundation's `Calendar` loaded time-zone
    /// data first, half a millisecond of every run.
    public static func todayUTC() -> CalendarDay {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return CalendarDay(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))!
    }
}

/// Which variants of the definitions a run checks.
public enum EnvironmentChoice: Sendable, Equatable {
    /// The definitions as written and each environment: what `lint` checks by default.
    case all
    /// The definitions as written, with no environment's overrides.
    case base
    /// One environment's overrides laid over the definitions.
    case named(String)
}

/// A configuration file as read and parsed by the driver. It is numbered file 0 of the
/// run, so its own problems are reported first.
public struct LoadedConfiguration: Sendable {
    public var source: SourceFile
    public var configuration: Configuration
    public var diagnostics: [Diagnostic]

    public init(source: SourceFile) {
        self.source = source
        (configuration, diagnostics) = Configuration.parse(source, file: FileID(0))
    }
}

/// What linting produced: the report, and the resolved project for later stages.
public struct LintResult: Sendable {
    public var report: DiagnosticReport
    /// What the rules judged, with the resolved project. The result holds it instead of
    /// dropping it when checking ends: freeing a large project's lookups cost a lint almost
    /// a millisecond, and a command that exits without tearing down its model never frees them.
    let checked: CheckContext
    /// The definitions as written, or with the chosen environment's overrides.
    public var project: ResolvedProject { checked.project }
    /// The environments the definitions declare, in name order.
    public var environments: [String] = []
    /// The environment asked for, when the definitions do not declare it; nothing was
    /// checked with it, so the result must not be used.
    public var missingEnvironment: String? = nil
    /// Every file the run read, as reports show them: the configuration, the inputs and the
    /// OpenAPI documents APIs name (not the other side files, which were only listed).
    public var readFiles: [String] = []
    /// The environments checked, whose overrides `diff` places findings in
    /// (``Environment/routeOverrides``), read only there.
    public var checkedEnvironments: [Environment] = []
    /// Where each declared environment's document is written: what `diff` finds there is
    /// that environment's alone.
    public var environmentDocuments: [(name: String, extent: SourceRange)] = []

    /// Throws when the environment asked for is not declared.
    public func requireEnvironment() throws {
        guard let missingEnvironment else { return }
        throw DriverError.unknownEnvironment(missingEnvironment, declared: environments)
    }
}

/// The front half of the compiler: bytes → YAML → definitions → resolved project,
/// collecting every diagnostic on the way.
public enum LintPipeline {
    /// Files larger than this are split at document markers and read on several cores; small
    /// enough that the cores finish together (a 4 MB estate makes some sixty chunks), large
    /// enough that starting a parser per chunk costs nothing measurable.
    static let chunkSize = 64 * 1024

    /// `sideFiles` are files an API's `openapi` field may name (``Workspace/sideFiles``);
    /// `publisherConfigurations` are APIOps's (``Workspace/publisherConfigurations``).
    public static func run(
        _ inputs: [SourceFile], sideFiles: [SourceFile] = [], publisherConfigurations: [SourceFile] = [],
        configuration: LoadedConfiguration? = nil, options: LintOptions = LintOptions()
    ) -> LintResult {
        run(
            inputs, sideFiles: sideFiles, publisherConfigurations: publisherConfigurations, configuration: configuration,
            options: options, chunkSize: chunkSize)
    }

    /// Lints a workspace; its report counts the files the workspace skipped.
    public static func run(_ workspace: Workspace, options: LintOptions) -> LintResult {
        run(
            workspace.inputs, sideFiles: workspace.sideFiles, publisherConfigurations: workspace.publisherConfigurations,
            configuration: workspace.configuration, options: options, chunkSize: chunkSize, skipped: workspace.skipped.count)
    }

    /// `chunkSize` is a parameter so tests can split every file at every document.
    static func run(
        _ inputs: [SourceFile], sideFiles: [SourceFile] = [], publisherConfigurations: [SourceFile] = [],
        configuration: LoadedConfiguration? = nil, options: LintOptions, chunkSize: Int, skipped: Int = 0
    ) -> LintResult {
        // Input files are numbered after the configuration file, if there is one, then side
        // files and publisher configurations, so reports can point into any of them.
        let first = configuration == nil ? 0 : 1
        let files = SourceFiles((configuration.map { [$0.source] } ?? []) + inputs + sideFiles + publisherConfigurations)
        let sideFileIDs = (first + inputs.count)..<(first + inputs.count + sideFiles.count)
        var readDiagnostics = DiagnosticCollector()
        var plan: [(file: Int, chunk: YAMLChunk)] = []
        var parsed: [(id: FileID, source: SourceFile)] = []
        for (index, input) in inputs.enumerated() {
            // Raw policy XML is read by ``RawPolicies``; its comments may suppress findings.
            if input.isPolicyXML {
                parsed.append((FileID(first + index), input))
                continue
            }
            let reader = YAMLReader(file: FileID(first + index), limits: options.limits)
            if reader.preflight(input.bytes, size: input.size, diagnostics: &readDiagnostics) {
                parsed.append((FileID(first + index), input))
                let chunks = YAMLChunk.split(
                    input.bytes, preferredSize: chunkSize, maxDocuments: options.limits.maxDocuments)
                plan += chunks.map { (index, $0) }
            }
        }
        var pieces = decode(plan, plan.indices, inputs: inputs, firstFile: first, limits: options.limits, environment: nil)
        readWholeWhereAChunkStopped(&plan, &pieces, inputs: inputs, firstFile: first, limits: options.limits)
        let work = plan
        let policyFiles = Set(inputs.indices.filter { inputs[$0].isPolicyXML })
        func decodeChunks(_ indices: [Int], in environment: Environment?) -> [Piece] {
            decode(work, indices, inputs: inputs, firstFile: first, limits: options.limits, environment: environment)
        }
        /// `findings` with warnings reported as errors, when the options say so.
        func promoted(_ findings: [Diagnostic]) -> [Diagnostic] {
            guard options.warningsAsErrors else { return findings }
            return findings.map { finding in
                var promoted = finding
                if promoted.severity == .warning { promoted.severity = .error }
                return promoted
            }
        }
        // Findings every variant makes alike are made and kept once: the configuration's and
        // the suppression comments' own, how the files read, the environments' documents
        // (no environment changes them) and what no environment changes. Copied into every
        // variant, forty environment files of 1,000 unknown fields each made 1.6 million
        // findings, and every variant's list was kept until they were joined.
        var shared = readDiagnostics
        let (read, complete) = reading(
            pieces, files: work.map(\.file), fileCount: inputs.count, firstFile: first, policyFiles: policyFiles, into: &shared)
        let (definitions, credentials) = merge(pieces, read: read, complete: complete)
        let rawPolicies = RawPolicies(naming: definitions, sources: files)
        /// `definitions` with their raw policies read; each variant's are read again, as an
        /// environment makes new definitions (though never a new policy).
        func withRawPolicies(_ definitions: Definitions, credentials: [SourceRange]) -> RawPoliciesRead {
            var read = RawPoliciesRead(definitions: definitions, credentials: credentials + rawPolicies.unreadCredentials)
            rawPolicies.attach(to: &read.definitions, sources: files, diagnostics: &read.diagnostics, credentials: &read.credentials)
            return read
        }
        // Environments cannot change an API's 'openapi', so the documents the definitions
        // name are the same in every variant.
        let openAPIFiles = OpenAPIFiles(
            naming: definitions, sources: files, sideFiles: sideFileIDs, limits: options.limits)
        let publisherChecks = PublisherConfigurations(sources: files, ids: sideFileIDs.upperBound..<files.count, limits: options.limits)
        let (overrides, overrideCredentials) = publisherChecks.check(against: definitions)
        shared.append(contentsOf: overrides)
        // Environments are checked against the raw policies too (a named value that names a
        // Backend stays the same), so these are read before them: this reading is the
        // definitions' own variant's.
        let readBase = definitions.environments.isEmpty ? nil : withRawPolicies(definitions, credentials: credentials)
        let backendChoosers = readBase.map { read in
            BackendChoosers.templates(
                in: read.definitions.rawDocumentsByAPI,
                fragments: read.definitions.fragments.documentsByName)
        }
        let environments = EnvironmentSet(definitions, backendChoosers: backendChoosers ?? [:], diagnostics: &shared)
        let configurationSetting = configuration?.configuration ?? Configuration()
        var comments = SuppressionComments(
            parsed, environments: definitions.environments.map(\.extent), configuration: configurationSetting, today: options.today)

        var missingEnvironment: String?
        let checked: [Environment]
        switch options.environments {
        case .all: checked = environments.environments
        case .base: checked = []
        case .named(let name):
            checked = environments[name].map { [$0] } ?? []
            if checked.isEmpty { missingEnvironment = name }
        }
        // Only chunks holding a document an environment changes are read again with it; the
        // findings of the others are the same in every variant.
        let changed = checked.map { environment in read.filter { pieces[$0].documents.contains(where: environment.overrides) } }
        let reread = Set(changed.joined())
        for index in read where !reread.contains(index) { shared.append(contentsOf: pieces[index].diagnostics) }
        let ownPieces = read.filter(reread.contains)
        let sharedFindings = promoted((configuration?.diagnostics ?? []) + shared.diagnostics + comments.findings)
        // Checking every environment, a literal in an environment's own document is judged
        // by that environment's variant alone, as ``EnvironmentFindings`` keeps only its
        // findings there: judged in every variant, 80 files of 1,000 took 37 s.
        let ownDocuments = Dictionary(grouping: options.environments == .all ? checked : [], by: \.extent.file)
        func judged(_ credentials: [SourceRange], in environment: Environment?) -> [SourceRange] {
            guard !ownDocuments.isEmpty else { return credentials }
            return credentials.filter { range in
                ownDocuments[range.file]?.allSatisfy { $0.name.value == environment?.name.value || !$0.extent.holdsTheStart(of: range) } ?? true
            }
        }

        let projectStart = SourceRange.point(FileID(first), line: 1, column: 1)
        /// Resolves and checks one variant of the definitions, joined from `pieces`, with
        /// `environment` laid over them or none, and their raw policies read; its findings
        /// are those not shared.
        func check(_ read: RawPoliciesRead, pieces: [Piece], applying environment: Environment?) -> Variant {
            var diagnostics = DiagnosticCollector()
            for index in ownPieces { diagnostics.append(contentsOf: pieces[index].diagnostics) }
            diagnostics.append(contentsOf: read.diagnostics)
            var definitions = read.definitions
            let credentials = judged(read.credentials, in: environment)
            openAPIFiles.attach(to: &definitions, sources: files, diagnostics: &diagnostics)
            var project = Resolver.resolve(definitions, projectStart: projectStart, diagnostics: &diagnostics)
            project.environment = environment?.name.value
            if let standards = options.standards { project.gateway?.impose(standards) }
            // A document named by 'openapi' is published as written, so its secrets count too;
            // a publisher configuration's are quoted where it overrides.
            let context = CheckContext(
                project: project, credentials: credentials + openAPIFiles.credentials + overrideCredentials)
            let list = Checker.run(
                context, frontEnd: diagnostics.diagnostics, comments: &comments, environment: environment?.extent,
                configuration: configurationSetting)
            return Variant(checked: context, diagnostics: promoted(list), redactions: context.secrets.masked)
        }
        /// The definitions with one environment's overrides: only the chunks `changed` names are read again.
        func check(_ environment: Environment, rereading changed: [Int]) -> Variant {
            var variantPieces = pieces
            for (index, piece) in zip(changed, decodeChunks(changed, in: environment)) { variantPieces[index] = piece }
            let (definitions, credentials) = merge(variantPieces, read: read, complete: complete)
            // A credential in the environment's file is met there and again where it is laid.
            let distinct = Array(Set(credentials)).sorted()
            return check(withRawPolicies(definitions, credentials: distinct), pieces: variantPieces, applying: environment)
        }

        // Only the first variant's project is kept: the others are checked and dropped, and
        // their findings joined as each is done, so checking every environment holds neither
        // every environment's model nor every environment's findings at once.
        let chosenEnvironment = options.environments == .all ? nil : checked.first
        let chosen =
            chosenEnvironment.map { check($0, rereading: changed[0]) }
            ?? check(readBase ?? withRawPolicies(definitions, credentials: credentials), pieces: pieces, applying: nil)
        var redactions = Set(chosen.redactions)
        let list: [Diagnostic]
        if options.environments == .all, !checked.isEmpty {
            var combined = EnvironmentFindings(shared: sharedFindings, definitions: chosen.diagnostics)
            var readings: [RedisSharedBetweenEnvironments.Reading] = []
            for (environment, changed) in zip(checked, changed) {
                let variant = check(environment, rereading: changed)
                combined.add(environment, variant.diagnostics)
                redactions.formUnion(variant.redactions)
                if let reading = RedisSharedBetweenEnvironments.Reading(variant.checked, environment: environment) { readings.append(reading) }
            }
            let across = Checker.acrossEnvironments(
                readings, definitions: chosen.checked, comments: &comments, configuration: configurationSetting)
            combined.add(shared: promoted(across) + promoted(comments.unused))
            list = combined.findings
        } else if environments.isEmpty {
            list = sharedFindings + chosen.diagnostics + promoted(comments.unused)
        } else {
            list = EnvironmentFindings.alone(chosenEnvironment, sharedFindings + chosen.diagnostics + promoted(comments.unused))
        }
        let report = DiagnosticReport(
            diagnostics: list, sources: files, redactions: redactions.sorted(),
            inputCount: inputs.count + openAPIFiles.namedYAMLCount + openAPIFiles.namedJSONCount + publisherChecks.paths.count,
            skipped: max(0, skipped - openAPIFiles.namedYAMLCount))
        return LintResult(
            report: report, checked: chosen.checked, environments: environments.names,
            missingEnvironment: missingEnvironment,
            readFiles: files.files[..<(first + inputs.count)].map(\.path) + openAPIFiles.namedPaths + publisherChecks.paths,
            checkedEnvironments: checked, environmentDocuments: environments.environments.map { ($0.name.value, $0.extent) })
    }

    /// Definitions with their raw policies read, what the reading found, and the places of
    /// credentials, the unreadable policies' lines among them.
    struct RawPoliciesRead {
        var definitions: Definitions
        var diagnostics = DiagnosticCollector()
        var credentials: [SourceRange]
    }

    /// One variant of the project — the definitions as written, or with an environment's
    /// overrides — resolved and checked.
    struct Variant {
        var checked: CheckContext
        var diagnostics: [Diagnostic]
        var redactions: [SourceRange]
    }

    /// Decodes the chunks of `plan` at `indices`, on every core. Chunks smaller than
    /// ``chunkSize`` (files of one API each) are read in runs of up to that many bytes,
    /// each run with one ``YAMLReader/Picking``, so that what the files repeat is made and
    /// judged once a run rather than once a file.
    private static func decode(
        _ plan: [(file: Int, chunk: YAMLChunk)], _ indices: some Collection<Int>, inputs: [SourceFile], firstFile: Int,
        limits: InputLimits, environment: Environment?
    ) -> [Piece] {
        let items = Array(indices)
        let (runs, runBytes) = runs(of: items.map { plan[$0].chunk.bytes.count })
        let decoded = ParallelMap.map(runs.indices, largestFirst: { runBytes[$0] }) { run in
            var picking = YAMLReader.Picking(SecretLiterals.picker)
            return runs[run].map { position in
                let item = plan[items[position]]
                return decode(
                    item.chunk, of: inputs[item.file].bytes, file: FileID(firstFile + item.file), limits: limits,
                    environment: environment, picking: &picking)
            }
        }
        return decoded.flatMap { $0 }
    }

    /// Consecutive items of the given sizes grouped in runs of at most ``chunkSize`` bytes
    /// (an item larger than that alone), with each run's bytes.
    static func runs(of sizes: [Int]) -> (runs: [Range<Int>], bytes: [Int]) {
        var runs: [Range<Int>] = []
        var bytes: [Int] = []
        for (position, size) in sizes.enumerated() {
            if let last = runs.indices.last, bytes[last] + size <= chunkSize {
                runs[last] = runs[last].lowerBound..<(position + 1)
                bytes[last] += size
            } else {
                runs.append(position..<(position + 1))
                bytes.append(size)
            }
        }
        return (runs, bytes)
    }

    /// A split file whose reading stopped (a syntax error, a limit) is read again whole, so it
    /// is reported as the whole file reads: a chunk can end inside the error, as when a quoted
    /// scalar holds a line starting with `---`, and then tells of an end of stream instead.
    private static func readWholeWhereAChunkStopped(
        _ plan: inout [(file: Int, chunk: YAMLChunk)], _ pieces: inout [Piece], inputs: [SourceFile], firstFile: Int,
        limits: InputLimits
    ) {
        let stopped = Set(
            plan.indices.filter { !pieces[$0].outcome.complete && plan[$0].chunk.bytes.count < inputs[plan[$0].file].bytes.count }
                .map { plan[$0].file })
        guard !stopped.isEmpty else { return }
        var wholePlan: [(file: Int, chunk: YAMLChunk)] = []
        var wholePieces: [Piece] = []
        var reread: [Int] = []
        for (item, piece) in zip(plan, pieces) {
            guard stopped.contains(item.file) else {
                wholePlan.append(item)
                wholePieces.append(piece)
                continue
            }
            guard item.chunk.bytes.lowerBound == 0 else { continue }
            reread.append(wholePlan.count)
            wholePlan.append((item.file, YAMLChunk(bytes: 0..<inputs[item.file].bytes.count, firstLine: 1)))
            wholePieces.append(piece)
        }
        let wholeFiles = decode(wholePlan, reread, inputs: inputs, firstFile: firstFile, limits: limits, environment: nil)
        for (position, piece) in zip(reread, wholeFiles) { wholePieces[position] = piece }
        plan = wholePlan
        pieces = wholePieces
    }

    /// The result of reading and decoding one chunk.
    struct Piece: Sendable {
        var definitions: Definitions
        var diagnostics: DiagnosticCollector
        var outcome: YAMLReader.Outcome
        /// Credential-like literals in the chunk's documents.
        var credentials: [SourceRange]
        /// The documents decoded, as environments address them.
        var documents: [DocumentKey]
    }

    /// Reads and decodes one chunk, a document at a time, so each document's YAML tree is
    /// dropped as soon as it is decoded.
    static func decode(
        _ chunk: YAMLChunk, of bytes: [UInt8], file: FileID, limits: InputLimits, environment: Environment?,
        picking: inout YAMLReader.Picking
    ) -> Piece {
        var readerDiagnostics = DiagnosticCollector()
        var decoder = DocumentDecoder()
        var credentials: [SourceRange] = []
        let outcome = YAMLReader(file: file, limits: limits).read(
            chunk, of: bytes, diagnostics: &readerDiagnostics, picking: &picking
        ) { read in
            let document = environment?.applied(to: read) ?? read
            decoder.decode(document)
            credentials += SecretLiterals.credentials(in: document)
        }
        var (definitions, diagnostics) = decoder.finish()
        diagnostics.append(contentsOf: readerDiagnostics)
        let documents =
            (definitions.gatewayDocuments.isEmpty ? [] : [DocumentKey.gateway])
            + definitions.apis.map { .api($0.name.value) } + definitions.products.map { .product($0.name.value) }
            + definitions.backends.map { .backend($0.name.value) }
        return Piece(
            definitions: definitions, diagnostics: diagnostics, outcome: outcome, credentials: credentials,
            documents: documents)
    }

    /// Which pieces are read, in file order, as when each file is read in one go: reading a
    /// file stops at its first unreadable chunk, and later chunks' results are dropped.
    /// `complete` is false when a file was not read to its end, or not at all (but for
    /// `policyFiles`, the inputs that hold raw XML, not YAML, which no piece comes from). A
    /// file read whole that holds no document is reported. The same in every variant: an
    /// environment changes what a document holds, not how its file reads.
    static func reading(
        _ pieces: [Piece], files: [Int], fileCount: Int, firstFile: Int, policyFiles: Set<Int>,
        into diagnostics: inout DiagnosticCollector
    ) -> (read: [Int], complete: Bool) {
        var read: [Int] = []
        var complete = true
        var documents = [Int](repeating: 0, count: fileCount)
        var stopped = [Bool](repeating: false, count: fileCount)
        var readFile = [Bool](repeating: false, count: fileCount)
        for (index, (piece, file)) in zip(pieces, files).enumerated() where !stopped[file] {
            readFile[file] = true
            read.append(index)
            documents[file] += piece.outcome.documents
            if !piece.outcome.complete {
                stopped[file] = true
                complete = false
            }
        }
        for file in 0..<fileCount where !readFile[file] && !policyFiles.contains(file) {
            complete = false
        }
        for file in 0..<fileCount where readFile[file] && !stopped[file] && documents[file] == 0 {
            let start = SourceRange.point(FileID(firstFile + file), line: 1, column: 1)
            diagnostics.report(
                .missingField, "file holds no document", at: start,
                notes: [Diagnostic.Note("each document is a mapping with 'apiVersion: portcullis/v1' and a 'kind'", at: start)])
        }
        return (read, complete)
    }

    /// Joins the definitions and the credentials of the pieces `read` (``reading(_:files:fileCount:firstFile:policyFiles:into:)``).
    static func merge(_ pieces: [Piece], read: [Int], complete: Bool) -> (Definitions, [SourceRange]) {
        var definitions = Definitions()
        // Room for every API at once: grown by doubling, the array moved them ten times.
        definitions.apis.reserveCapacity(read.reduce(0) { $0 + pieces[$1].definitions.apis.count })
        var credentials: [SourceRange] = []
        for index in read {
            definitions.append(contentsOf: pieces[index].definitions)
            credentials += pieces[index].credentials
        }
        definitions.complete = definitions.complete && complete
        return (definitions, credentials)
    }
}
