import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport

/// The suppression comments of a run's files, read and judged once: every variant of the
/// definitions (the definitions as written, each environment) is checked against the same
/// comments, so their own problems (SU001, SU002, SU004) are reported once, and whether a
/// comment silenced something is gathered over the variants rather than reported for each
/// (forty environment files of 2,000 comments each took a minute and 2 GB).
public struct SuppressionComments: Sendable {
    /// SU001, SU002 and SU004, at the configured severities: the same in every variant.
    public let findings: [Diagnostic]
    let configuration: Configuration
    /// The comments that suppress something: those naming known, suppressible codes, not expired.
    let active: [(comment: SuppressionComment, codes: [String])]
    /// ``active`` by the line each silences.
    let byLine: [Line: [Int]]
    /// ``active`` whose line is in an environment's document, by the document's extent:
    /// only the variant that lays the environment looks at what the document holds.
    let inside: [SourceRange: [Int]]
    /// ``active`` written in an environment's document (its last lines) for a line outside
    /// it: judged in every variant, and reported as the document's.
    let straddling: [Int]
    /// The rest of ``active``, judged in every variant and unused only when unused in all:
    /// what they silence is gathered as each variant is checked, by file and line.
    let gathered: [FileID: [(line: UInt32, comment: Int)]]
    /// Where the codes of each comment of ``gathered`` start in ``spared``.
    let firstCode: [Int?]
    /// For each code of each comment of ``gathered``: whether a variant checked so far used
    /// it or did not look where it is.
    private(set) var spared: [Bool]
    /// Whether a variant checked so far ran no rule, and so judged no comment.
    private(set) var judgedNowhere = false

    /// Reads the comments of `files`; `environments` are the extents of the documents of
    /// every environment, laid or not.
    public init(
        _ files: [(id: FileID, source: SourceFile)], environments: [SourceRange], configuration: Configuration, today: CalendarDay
    ) {
        let scans = ParallelMap.map(files.indices) { SuppressionScanner.scan(files[$0].source, file: files[$0].id) }
        var results = DiagnosticCollector()
        var active: [(comment: SuppressionComment, codes: [String])] = []
        for scan in scans {
            for problem in scan.problems {
                results.report(SuppressionRules.malformed, problem.message, at: problem.range)
            }
            for comment in scan.comments {
                let codes = Self.validCodes(comment, into: &results)
                guard !codes.isEmpty else { continue }
                if let until = comment.until, until < today {
                    results.report(SuppressionRules.expired, "suppression of \(Self.list(codes)) expired on \(until)", at: comment.range)
                    continue
                }
                if comment.reason == nil {
                    results.report(SuppressionRules.withoutReason, "suppression of \(Self.list(codes)) gives no reason", at: comment.range)
                }
                active.append((comment, codes))
            }
        }
        var byLine: [Line: [Int]] = [:]
        var inside: [SourceRange: [Int]] = [:]
        var straddling: [Int] = []
        var gathered: [FileID: [(line: UInt32, comment: Int)]] = [:]
        var firstCode = [Int?](repeating: nil, count: active.count)
        var codes = 0
        let documents = EnvironmentDocuments(environments)
        for (index, entry) in active.enumerated() {
            let target = Line(file: entry.comment.range.file, line: entry.comment.targetLine)
            byLine[target, default: []].append(index)
            if let document = documents.covering(target) {
                inside[document, default: []].append(index)
            } else if documents.holding(entry.comment.range) {
                straddling.append(index)
            } else {
                gathered[target.file, default: []].append((target.line, index))
                firstCode[index] = codes
                codes += entry.codes.count
            }
        }
        findings = Checker.configured(results.diagnostics, configuration)
        self.configuration = configuration
        self.active = active
        self.byLine = byLine
        self.inside = inside
        self.straddling = straddling
        self.gathered = gathered.mapValues { $0.sorted { ($0.line, $0.comment) < ($1.line, $1.comment) } }
        self.firstCode = firstCode
        spared = [Bool](repeating: false, count: codes)
    }

    /// SU003 for each code of a comment of ``gathered`` that silenced nothing in any variant
    /// checked, each of which looked where it is; at the configured severity.
    public var unused: [Diagnostic] {
        guard !judgedNowhere else { return [] }
        var results = DiagnosticCollector()
        for (index, entry) in active.enumerated() {
            guard let first = firstCode[index] else { continue }
            for (offset, code) in entry.codes.enumerated() where !spared[first + offset] {
                results.report(SuppressionRules.unused, "suppression of '\(code)' silenced nothing", at: entry.comment.range)
            }
        }
        return Checker.configured(results.diagnostics, configuration)
    }

    /// Notes what one variant's check found of the comments of ``gathered``: the codes it
    /// `used`, and, where it did not look (`unjudged`; nil when no rule ran), every code.
    mutating func gather(used: Set<SuppressionEngine.UsedCode>, unjudged: [SourceRange]?) {
        guard let unjudged else {
            judgedNowhere = true
            return
        }
        for use in used {
            guard let first = firstCode[use.comment] else { continue }
            for (offset, code) in active[use.comment].codes.enumerated() where code == use.code { spared[first + offset] = true }
        }
        for range in unjudged {
            guard let comments = gathered[range.file] else { continue }
            let last = range.end.column > 1 ? range.end.line : range.end.line - 1
            var position = Self.firstPosition(in: comments) { $0.line >= range.start.line }
            while position < comments.count, comments[position].line <= last {
                let index = comments[position].comment
                for offset in active[index].codes.indices { spared[firstCode[index]! + offset] = true }
                position += 1
            }
        }
    }

    private static func validCodes(_ comment: SuppressionComment, into results: inout DiagnosticCollector) -> [String] {
        var valid: [String] = []
        for code in comment.codes {
            guard let known = RuleRegistry.codes[code] else {
                let suggestion = Suggestion.closest(to: code, among: RuleRegistry.codes.keys.sorted())
                results.report(
                    SuppressionRules.malformed, "suppression names the unknown rule code '\(code)'", at: comment.range,
                    notes: suggestion.map { [Diagnostic.Note("did you mean '\($0)'?", at: comment.range)] } ?? [])
                continue
            }
            guard known.family.isSuppressible else {
                results.report(
                    SuppressionRules.malformed, "'\(code)' cannot be suppressed; fix the error instead", at: comment.range)
                continue
            }
            valid.append(code)
        }
        return valid
    }

    private static func list(_ codes: [String]) -> String {
        codes.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// The first position of `items` where `isAfter` holds, which holds from there on.
    private static func firstPosition<Item>(in items: [Item], where isAfter: (Item) -> Bool) -> Int {
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(items[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// One line of one file.
    struct Line: Hashable {
        var file: FileID
        var line: UInt32
    }

    /// The environments' documents of each file, in order, searched by bisection: a file may
    /// hold thousands of them, and thousands of comments.
    private struct EnvironmentDocuments {
        let byFile: [FileID: [SourceRange]]

        init(_ extents: [SourceRange]) {
            byFile = Dictionary(grouping: extents, by: \.file).mapValues { $0.sorted() }
        }

        /// The document that includes part of the line. Documents do not overlap, so the
        /// last one starting on or before the line is the only one that can.
        func covering(_ line: Line) -> SourceRange? {
            guard let documents = byFile[line.file] else { return nil }
            let after = SuppressionComments.firstPosition(in: documents) { $0.start.line > line.line }
            guard after > 0, SuppressionEngine.covers(documents[after - 1], line) else { return nil }
            return documents[after - 1]
        }

        /// Whether a document holds the start of `range`.
        func holding(_ range: SourceRange) -> Bool {
            guard let documents = byFile[range.file] else { return false }
            let after = SuppressionComments.firstPosition(in: documents) { $0.start > range.start }
            return after > 0 && range.start < documents[after - 1].end
        }
    }
}

/// Applies suppression comments to one variant's findings.
enum SuppressionEngine {
    /// Marks suppressed findings, gathers what the comments judged in every variant
    /// silenced (``SuppressionComments/gather(used:unjudged:)``), and returns SU003 for the
    /// comments of the environment's document and those written in any environment's
    /// document that silence nothing here, with default severities.
    /// - Parameters:
    ///   - environment: the extent of the document of the environment laid over the
    ///     definitions, if any; comments in other environments' documents are not judged.
    ///   - unjudged: where some rule did not look, so a suppression that silenced nothing
    ///     there is not reported; nil when no rule ran at all.
    static func apply(
        to findings: inout [Diagnostic], comments: inout SuppressionComments, environment: SourceRange?, unjudged: [SourceRange]?
    ) -> [Diagnostic] {
        var used = Set<UsedCode>()
        for index in findings.indices where findings[index].code.family.isSuppressible {
            let code = findings[index].code.id
            search: for line in suppressingLines(of: findings[index], environment: environment) {
                for candidate in comments.byLine[line] ?? [] where comments.active[candidate].codes.contains(code) {
                    let comment = comments.active[candidate].comment
                    findings[index].suppression = Diagnostic.Suppression(reason: comment.reason, range: comment.range)
                    used.insert(UsedCode(comment: candidate, code: code))
                    break search
                }
            }
        }
        comments.gather(used: used, unjudged: unjudged)
        guard let unjudged else { return [] }
        var results = DiagnosticCollector()
        for index in comments.straddling + (environment.flatMap { comments.inside[$0] } ?? []) {
            let entry = comments.active[index]
            let target = SuppressionComments.Line(file: entry.comment.range.file, line: entry.comment.targetLine)
            guard !unjudged.contains(where: { covers($0, target) }) else { continue }
            // A code about the environments together is judged once all are checked.
            for code in entry.codes where !used.contains(UsedCode(comment: index, code: code)) && !Checker.acrossEnvironmentCodes.contains(code) {
                results.report(SuppressionRules.unused, "suppression of '\(code)' silenced nothing", at: entry.comment.range)
            }
        }
        return results.diagnostics
    }

    /// Marks the findings made once for the whole run, after every variant (RD005), that
    /// comments silence: one naming its code on each line of its `vouchers` (its own, and
    /// each place an environment sets what it is about). Notes the comments used, and
    /// returns SU003 for each comment in an environment's document that names such a code
    /// and silenced nothing (a variant's check leaves those alone).
    static func apply(to findings: inout [Diagnostic], vouchedAt vouchers: [[SourceRange]], comments: inout SuppressionComments) -> [Diagnostic] {
        var used = Set<UsedCode>()
        for index in findings.indices where findings[index].code.family.isSuppressible {
            let code = findings[index].code.id
            let found = vouchers[index].map { place in
                comments.byLine[SuppressionComments.Line(file: place.file, line: place.start.line)]?.first { comments.active[$0].codes.contains(code) }
            }
            guard let first = found.first ?? nil, !found.contains(where: { $0 == nil }) else { continue }
            let comment = comments.active[first].comment
            findings[index].suppression = Diagnostic.Suppression(reason: comment.reason, range: comment.range)
            for case let candidate? in found { used.insert(UsedCode(comment: candidate, code: code)) }
        }
        comments.gather(used: used, unjudged: [])
        var results = DiagnosticCollector()
        for index in comments.straddling + comments.inside.values.joined() {
            let entry = comments.active[index]
            for code in entry.codes where Checker.acrossEnvironmentCodes.contains(code) && !used.contains(UsedCode(comment: index, code: code)) {
                results.report(SuppressionRules.unused, "suppression of '\(code)' silenced nothing", at: entry.comment.range)
            }
        }
        return results.diagnostics
    }


    /// The lines whose comments may silence `finding`: its own, or, for a finding placed
    /// outside the environment's document that a value of that document causes (a note
    /// there: a named value a raw policy reads), the lines of those values. A suppression
    /// written for the definitions' values does not vouch for what an override makes of
    /// them (audit V98: one written for 2,000 calls silenced an override's 100,000,000).
    private static func suppressingLines(of finding: Diagnostic, environment: SourceRange?) -> [SuppressionComments.Line] {
        let own = SuppressionComments.Line(file: finding.range.file, line: finding.range.start.line)
        guard let environment, !environment.holdsTheStart(of: finding.range) else { return [own] }
        let overrides = finding.notes.filter { environment.holdsTheStart(of: $0.range) }
        return overrides.isEmpty ? [own] : overrides.map { SuppressionComments.Line(file: $0.range.file, line: $0.range.start.line) }
    }

    /// Whether `range` includes part of the line.
    static func covers(_ range: SourceRange, _ line: SuppressionComments.Line) -> Bool {
        range.file == line.file && range.start.line <= line.line
            && (line.line < range.end.line || (line.line == range.end.line && range.end.column > 1))
    }

    struct UsedCode: Hashable {
        var comment: Int
        var code: String
    }
}
