import PortcullisChecker
import PortcullisDiagnostics
import PortcullisModel

/// Joins the findings of the definitions as written and of each environment, so that a
/// finding is reported once, saying which environments it applies to when not all.
/// Variants are added as each is checked, so only one variant's list is held at a time.
struct EnvironmentFindings {
    private struct Key: Hashable {
        var code: DiagnosticCode
        var range: SourceRange
        var message: String
        /// One variant may silence what another does not: a suppression beside a raw policy
        /// does not vouch for what an environment's named value makes of it, so the
        /// environment's copy is reported as its own (audit V101: `lint` kept the silenced
        /// copy alone and passed what `lint --env prod` failed).
        var suppressed: Bool

        init(_ diagnostic: Diagnostic) {
            code = diagnostic.code
            range = diagnostic.range
            message = diagnostic.message
            suppressed = diagnostic.suppression != nil
        }
    }

    /// The variants added, the definitions as written first.
    private var variants: [Environment?] = [nil]
    private var order: [Key] = []
    /// Each finding, as the first variant to make it made it, and the variants that made
    /// it; nil for one every variant makes.
    private var found: [Key: (diagnostic: Diagnostic, variants: [Int]?)] = [:]

    /// `shared` are the findings every variant makes (``LintPipeline``'s shared findings),
    /// `definitions` those only the definitions as written made.
    init(shared: [Diagnostic], definitions: [Diagnostic]) {
        add(shared: shared)
        add(definitions, as: 0)
    }

    /// Adds findings every variant makes.
    mutating func add(shared: [Diagnostic]) {
        for diagnostic in shared {
            let key = Key(diagnostic)
            if found[key] == nil {
                order.append(key)
                found[key] = (diagnostic, nil)
            } else {
                found[key]!.variants = nil
            }
        }
    }

    /// Adds the findings of the variant with `environment`'s overrides, but for the shared ones.
    mutating func add(_ environment: Environment, _ diagnostics: [Diagnostic]) {
        variants.append(environment)
        add(diagnostics, as: variants.count - 1)
    }

    private mutating func add(_ diagnostics: [Diagnostic], as index: Int) {
        for diagnostic in diagnostics {
            let key = Key(diagnostic)
            if let known = found[key] {
                if let present = known.variants, present.last != index { found[key]!.variants!.append(index) }
            } else {
                order.append(key)
                found[key] = (diagnostic, [index])
            }
        }
    }

    /// Each finding once, with a note when not every variant makes it.
    var findings: [Diagnostic] {
        // The variants of the environments whose documents each file holds.
        var documents: [FileID: [Int]] = [:]
        for (index, environment) in variants.enumerated() {
            if let environment { documents[environment.extent.file, default: []].append(index) }
        }
        return order.compactMap { key in
            let (first, variants) = found[key]!
            guard let present = variants, present.count < self.variants.count else { return first }
            let owner = documents[key.range.file]?.first { self.variants[$0]!.extent.holdsTheStart(of: key.range) }
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
            let listed = inBase ? Array(Set(self.variants.indices).subtracting(present)).sorted() : present
            let environments = listed.compactMap { self.variants[$0] }
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
    static func alone(_ environment: Environment?, _ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.filter { diagnostic in
            diagnostic.code != SuppressionRules.unused || (environment.map { $0.extent.holdsTheStart(of: diagnostic.range) } ?? false)
        }
    }
}
