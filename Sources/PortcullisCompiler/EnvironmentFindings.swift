import PortcullisChecker
import PortcullisDiagnostics
import PortcullisModel

/// Joins the findings of the definitions as written and of each environment, so that a
/// finding is reported once, saying which environments it applies to when not all.
enum EnvironmentFindings {
    /// `variants` starts with the definitions as written (no environment).
    static func combine(_ variants: [(environment: Environment?, diagnostics: [Diagnostic])]) -> [Diagnostic] {
        struct Key: Hashable {
            var code: DiagnosticCode
            var range: SourceRange
            var message: String
        }
        var order: [Key] = []
        var found: [Key: (diagnostic: Diagnostic, variants: [Int])] = [:]
        for (index, variant) in variants.enumerated() {
            for diagnostic in variant.diagnostics {
                let key = Key(code: diagnostic.code, range: diagnostic.range, message: diagnostic.message)
                if found[key] == nil {
                    order.append(key)
                    found[key] = (diagnostic, [index])
                } else if found[key]!.variants.last != index {
                    found[key]!.variants.append(index)
                }
            }
        }
        return order.compactMap { key in
            let (first, present) = found[key]!
            guard present.count < variants.count else { return first }
            let owner = variants.indices.first { variants[$0].environment.map { holds($0.extent, key.range) } ?? false }
            if let owner {
                // An environment's own document is judged where the environment is laid:
                // a suppression there is used or unused only there, and a literal there
                // that elsewhere only looks like a credential is reported as the secret it is.
                guard present.contains(owner) else { return nil }
            } else if key.code == SuppressionRules.unused {
                // Any other suppression is judged everywhere, and is unused only when it
                // silences nothing in any environment.
                return nil
            }
            var diagnostic = first
            let inBase = present.first == 0
            let listed = inBase ? variants.indices.filter { !present.contains($0) } : present
            let environments = listed.compactMap { variants[$0].environment }
            let names = DisplayText.list(environments.map { "'\($0.name.value)'" })
            let noun = environments.count == 1 ? "environment" : "environments"
            let message =
                inBase
                ? "not in \(noun) \(names), which \(environments.count == 1 ? "overrides" : "override") the values involved"
                : "only in \(noun) \(names)"
            diagnostic.notes.append(Diagnostic.Note(message, at: environments[0].name.range))
            return diagnostic
        }
    }

    /// The findings of one variant checked alone, in a project that has environments.
    /// Whether a suppression outside this environment's own document silences something
    /// in some environment is known only when all are checked, by `lint` without `--env`.
    static func alone(_ variant: (environment: Environment?, diagnostics: [Diagnostic])) -> [Diagnostic] {
        variant.diagnostics.filter { diagnostic in
            diagnostic.code != SuppressionRules.unused
                || (variant.environment.map { holds($0.extent, diagnostic.range) } ?? false)
        }
    }

    private static func holds(_ extent: SourceRange, _ range: SourceRange) -> Bool {
        extent.file == range.file && extent.start <= range.start && range.start < extent.end
    }
}
