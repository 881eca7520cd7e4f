import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport

/// Runs the rules over a resolved project, then applies the configuration and the
/// suppression comments.
public enum Checker {
    /// - Parameters:
    ///   - frontEnd: the YS and RF diagnostics of the same run, which configuration may
    ///     not lower and suppressions may not silence.
    ///   - comments: the suppression comments of the files that were parsed; their own
    ///     problems (``SuppressionComments/findings``) are not repeated here, and what the
    ///     comments judged in every variant silence is gathered in them
    ///     (``SuppressionComments/unused``).
    ///   - environment: the extent of the document of the environment laid over the
    ///     definitions, if any.
    /// - Returns: every diagnostic of the run, suppressed ones marked.
    public static func run(
        _ context: CheckContext, frontEnd: [Diagnostic], comments: inout SuppressionComments, environment: SourceRange?,
        configuration: Configuration
    ) -> [Diagnostic] {
        // Every rule builds on the gateway: without one, rules would only restate RF005.
        let rules =
            context.project.gateway == nil
            ? [] : RuleRegistry.checks.filter { configuration.setting(for: $0.description.code) != .off }
        // Rules are independent functions of the context, so they run on all cores; their
        // findings are joined in registry order.
        let work = ParallelMap.map(0..<rules.count) { index in
            var findings = DiagnosticCollector()
            rules[index].check(context, into: &findings)
            return findings.diagnostics
        }
        var checked = configured(Array(work.joined()), configuration)
        let unused = SuppressionEngine.apply(
            to: &checked, comments: &comments, environment: environment, unjudged: rules.isEmpty ? nil : context.unjudged)
        return frontEnd + checked + configured(unused, configuration)
    }

    /// The codes of findings about the environments together, which no variant makes alone.
    static let acrossEnvironmentCodes: Set<String> = [RedisSharedBetweenEnvironments.code.id]

    /// The findings about the environments together (RD005), configured and silenced as a
    /// variant's are, with SU003 for a comment in an environment's document that names
    /// such a code and silenced nothing; `readings` are what each environment's variant
    /// keeps in Redis, `definitions` the definitions' own variant.
    public static func acrossEnvironments(
        _ readings: [RedisSharedBetweenEnvironments.Reading], definitions: CheckContext, comments: inout SuppressionComments,
        configuration: Configuration
    ) -> [Diagnostic] {
        guard case .present(let redis) = definitions.redis else { return [] }
        let checked = RedisSharedBetweenEnvironments.check(readings, definitions: redis).compactMap { finding, vouchers in
            configured([finding], configuration).first.map { ($0, vouchers) }
        }
        var results = checked.map(\.0)
        let unused = SuppressionEngine.apply(to: &results, vouchedAt: checked.map(\.1), comments: &comments)
        return results + configured(unused, configuration)
    }

    /// Applies configured severities, dropping findings of rules that are off; a rule the
    /// configuration does not name keeps each finding's own severity (its default, or the
    /// lower one a rule gives what it cannot judge: CA002's duration an expression decides).
    static func configured(_ diagnostics: [Diagnostic], _ configuration: Configuration) -> [Diagnostic] {
        diagnostics.compactMap { diagnostic in
            switch configuration.settings[diagnostic.code] {
            case nil: return diagnostic
            case .off?: return nil
            case .report(let severity)?:
                var configured = diagnostic
                configured.severity = severity
                return configured
            }
        }
    }
}
