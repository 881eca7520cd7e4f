import FoundationEssentials
import PortcullisDiagnostics
import PortcullisEmit
import PortcullisModel

/// Lint, then, when nothing stands in the way, the bundle, to be made as it is written or
/// compared.
public enum BuildPipeline {
    public enum Outcome: Sendable {
        /// The bundle, made file by file as it is written or compared.
        case built(ProjectBundle)
        /// Errors were reported; nothing is to be written.
        case refused
        /// The inputs hold secret values, which a bundle would publish; their locations.
        case holdsSecrets([String])
    }

    public static func run(_ workspace: Workspace, options: LintOptions) -> (LintResult, Outcome) {
        let result = LintPipeline.run(workspace, options: options)
        guard !result.report.hasErrors, result.missingEnvironment == nil else { return (result, .refused) }
        // Secret literals are errors by default; with their rules turned off or suppressed
        // they would flow into the bundle, so the build refuses them all the same.
        if !result.report.redactions.isEmpty {
            let locations = result.report.redactions.map {
                "\(result.report.sources.path(of: $0.file)):\($0.start.line):\($0.start.column)"
            }
            return (result, .holdsSecrets(locations))
        }
        return (result, .built(ProjectBundle(result.project, sources: workspace.projectFiles)))
    }

    /// The lint result with the errors of a bundle that turned out to have oversized
    /// policies, as the build reports it when refusing to write that bundle.
    public static func refusing(_ result: LintResult, for oversized: OversizedPolicies) -> LintResult {
        let report = DiagnosticReport(
            diagnostics: result.report.diagnostics + oversized.diagnostics, sources: result.report.sources,
            redactions: result.report.redactions, inputCount: result.report.summary.files,
            skipped: result.report.summary.skipped)
        return LintResult(report: report, checked: result.checked, readFiles: result.readFiles)
    }
}
