import PortcullisDiagnostics
import PortcullisModel

/// Runs the rules over a resolved project, then applies the configuration and the
/// suppression comments.
public enum Checker {
    /// - Parameters:
    ///   - frontEnd: the YS and RF diagnostics of the same run, which configuration may
    ///     not lower and suppressions may not silence.
    ///   - sources: the input files, whose comments may suppress findings; the first is
    ///     file number `fileOffset` of the run.
    ///   - today: `YYYY-MM-DD`, the date suppression expiry is judged against.
    /// - Returns: every diagnostic of the run, suppressed ones marked.
    public static func run(
        _ context: CheckContext, frontEnd: [Diagnostic], sources: SourceFiles, fileOffset: Int = 0,
        configuration: Configuration, today: String
    ) -> [Diagnostic] {
        var findings = DiagnosticCollector()
        for rule in RuleRegistry.checks where configuration.severity(for: rule.description.code) != nil {
            rule.check(context, into: &findings)
        }
        var checked = configured(findings.diagnostics, configuration)
        let scans = (0..<sources.count).map {
            SuppressionScanner.scan(sources[FileID($0)], file: FileID(fileOffset + $0))
        }
        let suppressionFindings = SuppressionEngine.apply(to: &checked, scans: scans, today: today)
        return frontEnd + checked + configured(suppressionFindings, configuration)
    }

    /// Applies configured severities, dropping findings of rules that are off.
    static func configured(_ diagnostics: [Diagnostic], _ configuration: Configuration) -> [Diagnostic] {
        diagnostics.compactMap { diagnostic in
            guard let severity = configuration.severity(for: diagnostic.code) else { return nil }
            var configured = diagnostic
            configured.severity = severity
            return configured
        }
    }
}
