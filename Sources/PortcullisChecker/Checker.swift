import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport

/// Runs the rules over a resolved project, then applies the configuration and the
/// suppression comments.
public enum Checker {
    /// - Parameters:
    ///   - frontEnd: the YS and RF diagnostics of the same run, which configuration may
    ///     not lower and suppressions may not silence.
    ///   - commented: the input files that were parsed, whose comments may suppress findings.
    ///   - today: the day suppression expiry is judged against.
    /// - Returns: every diagnostic of the run, suppressed ones marked.
    public static func run(
        _ context: CheckContext, frontEnd: [Diagnostic], commented: [(id: FileID, source: SourceFile)],
        configuration: Configuration, today: CalendarDay
    ) -> [Diagnostic] {
        // Every rule builds on the gateway: without one, rules would only restate RF005.
        let rules =
            context.project.gateway == nil
            ? [] : RuleRegistry.checks.filter { configuration.setting(for: $0.description.code) != .off }
        // Rules are independent functions of the context, so they run on all cores; their
        // findings are joined in registry order. The files' suppression comments are read
        // in the same work, by whichever core is free.
        let work = ParallelMap.map(0..<(rules.count + commented.count)) { index -> Work in
            guard index < rules.count else {
                let file = commented[index - rules.count]
                return .scan(SuppressionScanner.scan(file.source, file: file.id))
            }
            var findings = DiagnosticCollector()
            rules[index].check(context, into: &findings)
            return .findings(findings.diagnostics)
        }
        var checked: [Diagnostic] = []
        var scans: [SuppressionScanner.Scan] = []
        scans.reserveCapacity(commented.count)
        for done in work {
            switch done {
            case .findings(let findings): checked += findings
            case .scan(let scan): scans.append(scan)
            }
        }
        checked = configured(checked, configuration)
        let suppressionFindings = SuppressionEngine.apply(
            to: &checked, scans: scans, today: today, unjudged: rules.isEmpty ? nil : context.unjudged)
        return frontEnd + checked + configured(suppressionFindings, configuration)
    }

    /// One item of ``run(_:frontEnd:commented:configuration:today:)``'s parallel work.
    private enum Work: Sendable {
        case findings([Diagnostic])
        case scan(SuppressionScanner.Scan)
    }

    /// Applies configured severities, dropping findings of rules that are off.
    static func configured(_ diagnostics: [Diagnostic], _ configuration: Configuration) -> [Diagnostic] {
        diagnostics.compactMap { diagnostic in
            guard case .report(let severity) = configuration.setting(for: diagnostic.code) else { return nil }
            var configured = diagnostic
            configured.severity = severity
            return configured
        }
    }
}
