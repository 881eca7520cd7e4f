import Foundation
import PortcullisSupport

/// A run's allowance for "did you mean": each suggestion measures a name against every
/// candidate, so thousands of undeclared names against thousands of declared ones (a
/// hostile file is enough) would take minutes. Once the allowance is spent, names are still
/// reported, without a suggestion. Only ``DiagnosticCollector/suggest(within:)`` spends it.
public final class SuggestionBudget: @unchecked Sendable {
    /// About half a second of comparisons; a project with ordinary typos uses a tiny part.
    public static let comparisons = 2_000_000

    private var remaining: Int
    private let lock = NSLock()

    public init(comparisons: Int = SuggestionBudget.comparisons) {
        remaining = comparisons
    }

    /// Spends `count` comparisons if that many are left.
    public func spend(_ count: Int) -> Bool {
        lock.withLock {
            guard remaining >= count else { return false }
            remaining -= count
            return true
        }
    }
}

/// A "did you mean" that a finding asks for. Checks that run in parallel record it rather
/// than search at once: were each to spend the budget as it ran, which findings got a
/// suggestion once it ran out would depend on which thread came first, and the output on
/// the scheduler. ``DiagnosticCollector/suggest(within:)`` decides them all later, in order.
public struct SuggestionRequest: Sendable {
    /// How the "did you mean" note joins the notes the finding already has.
    public enum Placement: Sendable {
        /// Ahead of them: they still hold (where to declare the name, say).
        case first
        /// In place of the first: a general fix that a likely name makes moot.
        case replacingFirst
    }

    public var word: String
    public var candidates: any Collection<String> & Sendable
    public var placement: Placement

    public init(_ word: String, among candidates: any Collection<String> & Sendable, placement: Placement) {
        self.word = word
        self.candidates = candidates
        self.placement = placement
    }
}

extension DiagnosticCollector {
    /// Reports `diagnostic` and asks, given a `request`, for a "did you mean" note on it,
    /// which ``suggest(within:)`` adds (or not) at the finding's range.
    public mutating func report(_ diagnostic: Diagnostic, suggesting request: SuggestionRequest?) {
        if let request { suggestionRequests.append((diagnostics.count, request)) }
        report(diagnostic)
    }

    /// Decides the suggestions asked for, in the order of their findings: each is granted
    /// while `budget` lasts, so the same findings get one on every run, on any number of
    /// cores. Called once the parallel parts of a stage are joined.
    public mutating func suggest(within budget: SuggestionBudget) {
        guard !suggestionRequests.isEmpty else { return }
        let granted = suggestionRequests.filter { budget.spend($0.request.candidates.count) }
        suggestionRequests = []
        // The searches are independent of one another, so they share the cores.
        let found = ParallelMap.map(granted.indices) {
            Suggestion.closest(to: granted[$0].request.word, among: granted[$0].request.candidates)
        }
        for ((finding, request), suggestion) in zip(granted, found) {
            guard let suggestion else { continue }
            let note = Diagnostic.Note("did you mean '\(suggestion)'?", at: diagnostics[finding].range)
            let replaced = request.placement == .replacingFirst && !diagnostics[finding].notes.isEmpty ? 1 : 0
            diagnostics[finding].notes.replaceSubrange(0..<replaced, with: [note])
        }
    }
}

/// "Did you mean" support: the closest candidate to a misspelt word.
public enum Suggestion {
    /// The candidate nearest to `word` by edit distance, if it is near enough to be a likely typo.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased().unicodeScalars)
        guard target.count <= 128 else { return nil }
        let threshold = max(1, target.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            // The distance is at least the difference in length: far longer or shorter
            // candidates are skipped before lowercasing and measuring them.
            guard abs(candidate.unicodeScalars.count - target.count) <= threshold else { continue }
            let distance = editDistance(target, Array(candidate.lowercased().unicodeScalars))
            // Ties go to the first in sorted order, so the answer does not depend on the
            // order candidates come in (a set's order differs from run to run).
            if distance <= threshold,
                distance < (best?.distance ?? Int.max) || (distance == best?.distance && candidate < best!.candidate)
            {
                best = (candidate, distance)
            }
        }
        if let best { return best.candidate }
        // A truncated name ('tenant' for 'tenant-id') is a likely slip too, when only one candidate fits.
        let lowered = word.lowercased()
        let extensions = candidates.filter { $0.lowercased().hasPrefix(lowered) }
        return lowered.count >= 3 && extensions.count == 1 ? extensions.first : nil
    }

    /// Levenshtein distance with a single rolling row.
    public static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}
