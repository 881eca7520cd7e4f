import Foundation
import PortcullisDiagnostics
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
    /// must not be one of the files either side reads.
    public static func run(
        base: Base, head: [String], limits: InputLimits, environments: Environments = Environments(), report: String? = nil
    ) throws -> Outcome {
        let files = InputFiles()
        let baseSide: SideOutcome
        switch base {
        case .paths(let paths):
            baseSide = try side(paths, isBase: true, environment: environments.base, limits: limits, files: files, report: report)
        case .gitRevision(let revision):
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-diff-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let checkout = try GitRevision(head, at: revision, into: scratch)
            // Paths added since the revision are absent from the base; with none left, or no
            // definitions among them yet (a README, specifications), the base is empty and
            // every route of the head is new.
            let present = head.filter { !checkout.absent.contains($0) }
            let empty = SideOutcome.side(AccessDiff.Side(project: LintPipeline.run([]).project, paths: [], isBase: true))
            do {
                baseSide =
                    present.isEmpty
                    ? empty
                    : try side(
                        present, isBase: true, environment: environments.base, limits: limits,
                        files: InputFiles(workingDirectory: checkout.workingDirectory), shownAs: checkout.userPath)
            } catch DriverError.noInputs, DriverError.noPortcullisFiles {
                baseSide = empty
            } catch let error as DriverError {
                throw DriverError.atRevision(revision, error)
            }
        }
        let headSide = try side(head, isBase: false, environment: environments.head, limits: limits, files: files, report: report)
        switch (baseSide, headSide) {
        case (.errors(let errors), _): return .unreadable(side: "BASE", errors: errors)
        case (_, .errors(let errors)): return .unreadable(side: "HEAD", errors: errors)
        case (.side(let base), .side(let head)): return .compared(AccessDiff.compare(base: base, head: head))
        }
    }

    private enum SideOutcome {
        case side(AccessDiff.Side)
        case errors(DiagnosticReport)
    }

    /// One version of the project; YAML and reference errors (YS, RF) leave its routes
    /// unknown, so they are returned instead of a side. `shownAs` maps a path read to the
    /// one the user knows.
    private static func side(
        _ paths: [String], isBase: Bool, environment: String?, limits: InputLimits, files: InputFiles,
        shownAs: (String) -> String = { $0 }, report: String? = nil
    ) throws -> SideOutcome {
        var workspace = try Workspace.load(paths: paths, configPath: nil, limits: limits, files: files)
        workspace.inputs = workspace.inputs.map { SourceFile(path: shownAs($0.path), bytes: $0.bytes, size: $0.size) }
        if let configuration = workspace.configuration {
            workspace.configuration?.source = SourceFile(path: shownAs(configuration.source.path), bytes: configuration.source.bytes)
        }
        var options = LintOptions(limits: limits)
        options.environments = environment.map { .named($0) } ?? .base
        let result = LintPipeline.run(
            workspace.inputs, sideFiles: workspace.sideFiles.map { SourceFile(path: shownAs($0.path), bytes: $0.bytes, size: $0.size) },
            configuration: workspace.configuration, options: options)
        try result.requireEnvironment()
        // Every file the side read, by the paths the user knows (BASE's name files of HEAD).
        if let report { try ReportDestination.refuse(report, overwritingAnyOf: result.readFiles) }
        let errors = result.report.diagnostics.filter { $0.code.family.isFrontEnd }
        guard errors.isEmpty else {
            return .errors(DiagnosticReport(diagnostics: errors, sources: result.report.sources, redactions: result.report.redactions))
        }
        return .side(AccessDiff.Side(project: result.project, paths: result.report.sources.files.map(\.path), isBase: isBase))
    }
}
