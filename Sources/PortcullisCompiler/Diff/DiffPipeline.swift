import FoundationEssentials
import PortcullisChecker
import PortcullisModel
import PortcullisDiagnostics
import PortcullisSupport
import PortcullisSyntax

/// Two versions of a project, linted and compared: what `portcullis diff` runs.
///
/// Paths in everything it returns are as the user knows them: relative to the working
/// directory, as `lint` shows them, also for a BASE read from Git.
public enum DiffPipeline {
    /// Where BASE comes from.
    public enum Base: Sendable {
        /// Files or folders on disk.
        case paths([String])
        /// The HEAD paths as they were at a Git revision.
        case gitRevision(String)
    }

    public enum Outcome: Sendable {
        case compared([AccessChange])
        /// A side had errors that make a trustworthy comparison impossible: which side, and
        /// those errors.
        case unreadable(side: String, errors: DiagnosticReport)
    }

    /// Which environment's overrides each side is read with; nil is the definitions as written.
    public struct Environments: Sendable {
        public var base: String?
        public var head: String?

        public init(base: String? = nil, head: String? = nil) {
            self.base = base
            self.head = head
        }
    }

    /// Compares the two sides; `report` is the file the report will be written to, which
    /// must not be one of the files either side reads. Without an environment named, the
    /// definitions as written are compared, and then each environment either side declares:
    /// a pull request that changes only an environment's file changes what it deploys.
    public static func run(
        base: Base, head: [String], limits: InputLimits, environments: Environments = Environments(), report: String? = nil
    ) throws -> Outcome {
        let files = InputFiles(warn: InputFiles.warningOnce())
        var scratch: (folder: String, stopping: Interruption.Token)?
        defer {
            if let scratch {
                try? FileManager.default.removeItem(atPath: scratch.folder)
                Interruption.release(scratch.stopping)
            }
        }
        /// BASE read with `environment`'s overrides.
        let readBase: (String?) throws -> SideOutcome
        switch base {
        case .paths(let paths):
            readBase = { try side(paths, isBase: true, environment: $0, limits: limits, files: files, report: report) }
        case .gitRevision(let revision):
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-diff-\(UUID().uuidString)").path
            // The base's files are the user's to read alone.
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            scratch = (folder, Interruption.removeIfStopped(folder: folder))
            // An absolute path is read as the same path from the working directory: taken as
            // it is, no revision held it, and the base was read as empty, so every change
            // passed for new (found by an audit; workflows pass `$GITHUB_WORKSPACE/defs`).
            // Read by its parts, never resolved: a committed link (`defs -> defs2`) would
            // otherwise name what the revision lacks (found by the audit of the fix). A path
            // outside the working directory is judged as written, outside the repository.
            let here = FileSystem.realPath(FileManager.default.currentDirectoryPath) ?? FileManager.default.currentDirectoryPath
            let relative = head.map { path in
                guard path.hasPrefix("/") else { return path }
                if let below = files.relativeToWorkingDirectory(path) { return below }
                // Elsewhere in the repository (`/repo/defs` from `/repo/tools`), by its parts;
                // outside it, `GitRevision` refuses the path.
                let climbed = path.path(from: here)
                return climbed.isEmpty ? "." : climbed
            }
            let checkout = try GitRevision(relative, at: revision, into: folder, maxFileSize: limits.maxFileSize)
            // Paths added since the revision are absent from the base; with none left, or no
            // definitions among them yet (a README, specifications), the base is empty and
            // every route of the head is new.
            let present = relative.filter { !checkout.absent.contains($0) }
            let baseFiles = InputFiles(workingDirectory: checkout.workingDirectory, warn: InputFiles.warningOnce(leadingWith: "at revision '\(DisplayText.shown(revision))', "))
            let empty = SideOutcome.side(
                AccessDiff.Side(project: LintPipeline.run([]).project, paths: [], isBase: true), environments: [], secrets: SecretTexts([], in: SourceFiles()))
            readBase = { environment in
                guard !present.isEmpty else { return empty }
                do {
                    return try side(
                        present, isBase: true, environment: environment, limits: limits,
                        files: baseFiles, shownAs: checkout.userPath)
                } catch DriverError.noInputs, DriverError.noPortcullisFiles {
                    return empty
                } catch let error as DriverError {
                    throw DriverError.atRevision(revision, error)
                }
            }
        }
        /// HEAD read with an environment's overrides, judged by its own standards and by BASE's.
        let readHead = { (environment: String?, base: SideOutcome) in
            try side(head, isBase: false, environment: environment, limits: limits, files: files, report: report, judgedBy: base.standards)
        }
        let baseSide = try readBase(environments.base)
        let headSide = try readHead(environments.head, baseSide)
        switch (baseSide, headSide) {
        case (.errors(let errors), _): return .unreadable(side: "BASE", errors: errors)
        case (_, .errors(let errors)): return .unreadable(side: "HEAD", errors: errors)
        case (.side(let base, let baseEnvironments, let baseSecrets), .side(let head, let headEnvironments, let headSecrets)):
            // A value secret for where it is written (a secret's literal 'value') that an
            // alias repeats elsewhere is quoted by no change.
            var secrets = [baseSecrets, headSecrets]
            func compared(_ changes: [AccessChange]) -> Outcome {
                .compared(changes.map { change in secrets.reduce(change) { $0.hiding($1) } })
            }
            var changes = AccessDiff.compare(base: base, head: head)
            guard environments.base == nil, environments.head == nil else { return compared(changes) }
            // Each environment as it deploys: a side that does not declare it deploys the
            // definitions as written. A change the definitions already show is not repeated.
            // One environments show alike is shown once, naming each, as lint names the
            // environments of a finding; one each shows at its own place (its file) is shown
            // there, for each (a widening dev and prod both made was shown as dev's alone).
            func key(_ change: AccessChange) -> String { "\(change.category) \(change.subject.kind) \(change.subject.name) \(change.message)" }
            let written = Set(changes.map(key))
            var shown: [(change: AccessChange, environments: [String])] = []
            var positions: [EnvironmentChange: Int] = [:]
            for environment in Set(baseEnvironments).union(headEnvironments).sorted() {
                let baseVariant = baseEnvironments.contains(environment) ? try readBase(environment) : baseSide
                // HEAD without the environment is judged again only when BASE's has other standards
                // (a tier or a token lifetime it overrides).
                let headVariant =
                    headEnvironments.contains(environment)
                    ? try readHead(environment, baseVariant) : baseVariant.standards == baseSide.standards ? headSide : try readHead(nil, baseVariant)
                guard case .side(let base, _, let baseSecrets) = baseVariant else { if case .errors(let errors) = baseVariant { return .unreadable(side: "BASE", errors: errors) }; continue }
                guard case .side(let head, _, let headSecrets) = headVariant else { if case .errors(let errors) = headVariant { return .unreadable(side: "HEAD", errors: errors) }; continue }
                secrets += [baseSecrets, headSecrets]
                var seen = written
                for change in AccessDiff.compare(base: base, head: head) where seen.insert(key(change)).inserted {
                    let place = EnvironmentChange(change)
                    if let position = positions[place] {
                        shown[position].environments.append(environment)
                    } else {
                        positions[place] = shown.count
                        shown.append((change, [environment]))
                    }
                }
            }
            for (change, environments) in shown {
                let noun = environments.count == 1 ? "environment" : "environments"
                let names = DisplayText.list(environments.map { "'\($0)'" })
                changes.append(
                    AccessChange(category: change.category, subject: change.subject, message: "in \(noun) \(names), \(change.message)", place: change.place))
            }
            return compared(changes)
        }
    }

    /// A change as environments show it alike: the same change at the same place.
    private struct EnvironmentChange: Hashable {
        var category: AccessChange.Category
        var subject: String
        var message: String
        var place: AccessChange.Place

        init(_ change: AccessChange) {
            category = change.category
            subject = "\(change.subject.kind) \(change.subject.name)"
            message = change.message
            place = change.place
        }
    }

    private enum SideOutcome {
        /// The side, the environments it declares, and the texts its findings redact.
        case side(AccessDiff.Side, environments: [String], secrets: SecretTexts)
        case errors(DiagnosticReport)

        /// What the side's rules judge by; nil for errors, or without a gateway.
        var standards: Standards? {
            guard case .side(let side, _, _) = self else { return nil }
            return Standards(side.project.gateway)
        }
    }

    /// One version of the project; YAML and reference errors (YS, RF) leave its routes
    /// unknown, so they are returned instead of a side. `shownAs` maps a path read to the
    /// one the user knows. With `standards` (BASE's) other than the side's own, its files are
    /// linted again judged by them, for the findings its own standards silence; only then,
    /// as the second lint costs as much as the first.
    private static func side(
        _ paths: [String], isBase: Bool, environment: String?, limits: InputLimits, files: InputFiles,
        shownAs: (String) -> String = { $0 }, report: String? = nil, judgedBy standards: Standards? = nil
    ) throws -> SideOutcome {
        var workspace = try Workspace.load(paths: paths, configPath: nil, limits: limits, files: files)
        func shown(_ files: [SourceFile]) -> [SourceFile] { files.map { SourceFile(path: shownAs($0.path), bytes: $0.bytes, size: $0.size) } }
        workspace.inputs = shown(workspace.inputs)
        if let configuration = workspace.configuration {
            workspace.configuration?.source = SourceFile(path: shownAs(configuration.source.path), bytes: configuration.source.bytes)
        }
        var options = LintOptions(limits: limits)
        options.environments = environment.map { .named($0) } ?? .base
        // Every rule at its own severity, whatever the configuration says: a finding the
        // same change silences is still one (``AccessDiff/Side/findings``).
        let configured = workspace.configuration?.configuration ?? Configuration()
        workspace.configuration?.configuration = Configuration()
        func lint(_ options: LintOptions) -> LintResult {
            LintPipeline.run(
                workspace.inputs, sideFiles: shown(workspace.sideFiles), publisherConfigurations: shown(workspace.publisherConfigurations),
                configuration: workspace.configuration, options: options)
        }
        let result = lint(options)
        try result.requireEnvironment()
        // Every file the side read, by the paths the user knows (BASE's name files of HEAD).
        if let report { try ReportDestination.refuse(report, overwritingAnyOf: result.readFiles) }
        let errors = result.report.diagnostics.filter { $0.code.family.isFrontEnd }
        guard errors.isEmpty else {
            return .errors(DiagnosticReport(diagnostics: errors, sources: result.report.sources, redactions: result.report.redactions))
        }
        var side = AccessDiff.Side(project: result.project, paths: result.report.sources.files.map(\.path), isBase: isBase)
        side.exclusions = workspace.excluded.map { Workspace.Exclusion(path: shownAs($0.path), relative: $0.relative, pattern: $0.pattern) }
        side.excludePatterns = configured.exclude
        let routes = RouteExtents(result.project, overrides: result.checkedEnvironments.flatMap(\.routeOverrides))
        var covered = CoveredText(result.report.sources)
        // What another environment's document holds (a literal its values set, met by the
        // reading of every file) is that environment's, compared with its own variant: shown
        // without it, it read as the definitions' own change, or twice (audit V120).
        let elsewhere = result.environmentDocuments.filter { $0.name != environment }.map(\.extent)
        func findings(_ diagnostics: [Diagnostic]) -> [AccessDiff.Finding] {
            diagnostics.compactMap { diagnostic in
                elsewhere.contains { $0.holdsTheStart(of: diagnostic.range) } ? nil : AccessDiff.Finding(diagnostic, configured, routes: routes, covered: &covered)
            }
        }
        side.findings = findings(result.report.diagnostics)
        // The second reading reads the same files: its findings lie in the same routes.
        if let own = Standards(result.project.gateway), let imposed = standards?.over(own), imposed != own {
            options.standards = imposed
            side.findingsByBaseStandards = findings(lint(options).report.diagnostics)
        }
        side.raw = RawRouteReading(result.checked)
        return .side(side, environments: result.environments, secrets: result.report.secretTexts)
    }
}

/// What a side's raw policies do to each of its routes, as lint reads them (``AccessDiff/Side/raw``).
struct RawRouteReading {
    let checked: CheckContext
    /// Each route by `API/route`.
    let routes: [String: EffectiveRoute]
    /// The side's named values, which its raw checks read.
    let values: GatewayComparison.Substitution

    init(_ checked: CheckContext) {
        self.checked = checked
        values = GatewayComparison.Substitution(checked.project.gateway)
        routes = Dictionary(checked.routes.map { ("\(checked.project.apis[$0.apiIndex].name.value)/\($0.written.id.value)", $0) }) { first, _ in first }
    }

    func checksTokens(_ name: String) -> Bool {
        routes[name].map(checksTokens) ?? false
    }

    private func checksTokens(_ route: EffectiveRoute) -> Bool {
        !route.isAuthenticated && checked.checksTokensInRawPolicies(on: route)
    }

    /// What the raw policies a route runs hold on every request (nil: no such route).
    func statements(_ name: String) -> RouteComparison.RawStatements? {
        routes[name].map { route in
            let gates = checked.rawGates(on: route)
            return RouteComparison.RawStatements(
                checksTokens: checksTokens(route), filtersAddresses: checked.filtersAddressesInRawPolicies(on: route), gates: gates,
                forms: RawPolicyDiff.forms(of: gates, values), values: values)
        }
    }

    func answersEveryRequest(_ name: String) -> Bool {
        routes[name].map(checked.answersEveryRequestInRawPolicies) ?? false
    }
}

/// A digest of the bytes a finding's range covers, read from the side's sources with each
/// file's line starts found once: what tells one secret from another, every line of a block
/// scalar's (audit V59: its first line, `|-`, was every block's) however many (V61: a cap
/// of 64 lines hid a key on the seventieth).
struct CoveredText {
    private let sources: SourceFiles
    private var starts: [FileID: [Int]] = [:]

    init(_ sources: SourceFiles) { self.sources = sources }

    mutating func digest(of range: SourceRange) -> Int? {
        let file = sources[range.file]
        let lineStarts = starts[range.file] ?? file.lineStarts()
        starts[range.file] = lineStarts
        guard let from = Self.offset(of: range.start, in: file.bytes, lineStarts), let to = Self.offset(of: range.end, in: file.bytes, lineStarts), from <= to
        else { return nil }
        // Line ends as either convention writes them (audit V62: a file turned to LF made
        // a silenced block secret read as new).
        var hasher = Hasher()
        for byte in file.bytes[from..<to] where byte != 0x0D { hasher.combine(byte) }
        return hasher.finalize()
    }

    /// The byte offset of `position`, whose column counts scalars from 1 on its line.
    private static func offset(of position: SourcePosition, in bytes: [UInt8], _ lineStarts: [Int]) -> Int? {
        let line = Int(position.line)
        guard line >= 1, line <= lineStarts.count else { return line == lineStarts.count + 1 ? bytes.count : nil }
        var offset = lineStarts[line - 1]
        var column = 1
        // A scalar starts at every byte that is not a UTF-8 continuation byte.
        while column < Int(position.column), offset < bytes.count, bytes[offset] != 0x0A {
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            column += 1
        }
        return offset
    }
}

/// Where each route of a side is defined or overridden, to tell which route's definition
/// holds a finding.
struct RouteExtents {
    /// Per file, each route's extent and `API/route` without case, by where it starts.
    private var byFile: [FileID: [(extent: SourceRange, name: String)]] = [:]

    /// `overrides`: where an environment overrides each route, whose findings lie there.
    init(_ project: ResolvedProject, overrides: [(route: String, extent: SourceRange)]) {
        for route in project.routes {
            let extent = route.written.extent
            byFile[extent.file, default: []].append((extent, "\(project.apis[route.apiIndex].name.value)/\(route.written.id.value)".lowercased()))
        }
        for (route, extent) in overrides { byFile[extent.file, default: []].append((extent, route)) }
        // A raw policy in a file of its own holds the findings of what it serves: a
        // suppressed SE001 moved from one route's file to another's passed for the one BASE
        // had (audit V49). A file several use is filed under the first of them by name, not
        // by the order they are written in (audit V50: reordering them was a new finding),
        // nor under all of them (audit V51: a user renamed or dropped was).
        var users: [FileID: (extent: SourceRange, names: [String])] = [:]
        func file(_ policy: RawPolicy?, _ name: String) {
            guard let document = policy?.document, case .file(let id) = document.placement else { return }
            users[id, default: (document.range(0..<max(document.text.count, 1)), [])].names.append(name)
        }
        for route in project.routes { file(route.written.policy, "\(project.apis[route.apiIndex].name.value)/\(route.written.id.value)".lowercased()) }
        for api in project.apis { file(api.policy, "api \(api.name.value)".lowercased()) }
        for product in project.products { file(product.policy, "product \(product.name.value)".lowercased()) }
        for fragment in project.fragments { file(fragment.policy, "fragment \(fragment.name.value)".lowercased()) }
        file(project.gateway?.policy, "the gateway")
        for (id, user) in users { byFile[id, default: []].append((user.extent, user.names.min()!)) }
        for file in byFile.keys { byFile[file]!.sort { $0.extent.start < $1.extent.start } }
    }

    /// The route whose extent holds `range`'s start: the last to start at or before it.
    func route(holding range: SourceRange) -> String? {
        guard let routes = byFile[range.file] else { return nil }
        var (low, high) = (0, routes.count)
        while low < high {
            let middle = (low + high) / 2
            if routes[middle].extent.start <= range.start { low = middle + 1 } else { high = middle }
        }
        guard low > 0, range.start < routes[low - 1].extent.end else { return nil }
        return routes[low - 1].name
    }
}
