import Foundation

/// A run's allowance for "did you mean": each suggestion measures a name against every
/// candidate, so thousands of undeclared names against thousands of declared ones (a
/// hostile file is enough) would take minutes. Once the allowance is spent, names are still
/// reported, without a suggestion. Shared by the workers that report unknown names.
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
