import Synchronization
import PortcullisSupport

/// A run's allowance for "did you mean": each suggestion measures a name against every
/// candidate, so thousands of undeclared names against thousands of declared ones (a
/// hostile file is enough) would take minutes. Once the allowance is spent, names are still
/// reported, without a suggestion. Only ``DiagnosticCollector/suggest(within:)`` spends it.
public final class SuggestionBudget: Sendable {
    /// About half a second of comparisons; a project with ordinary typos uses a tiny part.
    public static let comparisons = 2_000_000

    private let remaining: Mutex<Int>

    public init(comparisons: Int = SuggestionBudget.comparisons) {
        remaining = Mutex(comparisons)
    }

    /// Spends `count` comparisons if that many are left.
    public func spend(_ count: Int) -> Bool {
        remaining.withLock { remaining in
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
    ///
    /// Every unknown field of a file asks for one: lowercasing each candidate into a new
    /// string was half of linting 20,000 unknown fields, so ASCII candidates (nearly all
    /// are) are lowercased byte by byte as they are measured.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        // Walked as an array: stepping through a sequence of a type only known at run time
        // cost more than measuring a name.
        closest(to: word, among: Array(candidates))
    }

    private static func closest(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        let target = lowered.unicodeScalars.map(\.value)
        guard target.count <= 128 else { return nil }
        let threshold = max(1, target.count / 3)
        var best: (candidate: String, distance: Int)?
        var row: [Int] = []
        for candidate in candidates {
            let distance = distance(from: target, to: candidate, within: threshold, row: &row)
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
        guard lowered.count >= 3 else { return nil }
        var onlyExtension: String?
        for candidate in candidates where extends(candidate, lowered) {
            guard onlyExtension == nil else { return nil }
            onlyExtension = candidate
        }
        return onlyExtension
    }

    /// The edit distance from `target` (lowercase scalar values) to `candidate` lowercased,
    /// or more than `threshold` when it exceeds it. The distance is at least the difference in
    /// length, so far longer or shorter candidates are not measured.
    private static func distance(from target: [UInt32], to candidate: String, within threshold: Int, row: inout [Int]) -> Int {
        let ascii = withASCIIBytes(of: candidate) { bytes in
            abs(bytes.count - target.count) > threshold
                ? threshold + 1 : editDistance(target, bytes.lazy.map { UInt32($0.asciiLowercased) }, row: &row, beyond: threshold)
        }
        if let ascii { return ascii }
        guard abs(candidate.unicodeScalars.count - target.count) <= threshold else { return threshold + 1 }
        return editDistance(target, candidate.lowercased().unicodeScalars.lazy.map(\.value), row: &row, beyond: threshold)
    }

    /// Whether `name`, lowercased, starts with `prefix`, which is lowercase already. Strings
    /// compare by characters, not scalars; between ASCII names the two differ only at a
    /// carriage return, which can join a line feed into one character, so only names without
    /// one are compared byte by byte.
    private static func extends(_ name: String, _ prefix: String) -> Bool {
        let carriageReturn = UInt8(ascii: "\r")
        let byBytes = withASCIIBytes(of: name) { bytes -> Bool? in
            withASCIIBytes(of: prefix) { prefixBytes -> Bool? in
                guard !bytes.contains(carriageReturn), !prefixBytes.contains(carriageReturn) else { return nil }
                return bytes.lazy.map(\.asciiLowercased).starts(with: prefixBytes)
            }
        }
        return byBytes ?? name.lowercased().hasPrefix(prefix)
    }

    /// `body` applied to the bytes of `name` if it is ASCII, as nearly every name is; nil otherwise.
    private static func withASCIIBytes<Result>(of name: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result?) -> Result? {
        name.withUTF8Bytes { bytes in bytes.allSatisfy { $0 < 0x80 } ? body(bytes) : nil }
    }

    /// Levenshtein distance between two sequences of scalars.
    public static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var row: [Int] = []
        return editDistance(a, b, row: &row, beyond: Int.max)
    }

    /// Levenshtein distance with a single rolling row, kept in `row` between calls; `b` is
    /// read once per element of `a`, in order. Once every entry of a row exceeds `limit`, the
    /// distance does too, and `limit + 1` is returned.
    private static func editDistance<Element: Equatable>(
        _ a: [Element], _ b: some Collection<Element>, row: inout [Int], beyond limit: Int
    ) -> Int {
        let columns = b.count
        if a.isEmpty { return columns }
        if columns == 0 { return a.count }
        row.removeAll(keepingCapacity: true)
        row.append(contentsOf: 0...columns)
        for (i, left) in a.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            var smallest = i + 1
            for (j, right) in zip(1...columns, b) {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (left == right ? 0 : 1))
                diagonal = above
                smallest = min(smallest, row[j])
            }
            if smallest > limit { return limit + 1 }
        }
        return row[columns]
    }
}
