import PortcullisDiagnostics
import PortcullisModel

/// Applies suppression comments to findings and reports the comments' own problems (SU).
enum SuppressionEngine {
    /// Marks suppressed findings and returns the SU findings, with default severities.
    /// - Parameter unjudged: where some rule did not look, so a suppression that silenced
    ///   nothing there is not reported; nil when no rule ran at all.
    static func apply(
        to findings: inout [Diagnostic], scans: [SuppressionScanner.Scan],
        today: CalendarDay, unjudged: [SourceRange]?
    ) -> [Diagnostic] {
        var results = DiagnosticCollector()
        var active: [(comment: SuppressionComment, codes: [String])] = []
        for scan in scans {
            for problem in scan.problems {
                results.report(SuppressionRules.malformed, problem.message, at: problem.range)
            }
            for comment in scan.comments {
                let codes = validCodes(comment, into: &results)
                guard !codes.isEmpty else { continue }
                if let until = comment.until, until < today {
                    results.report(SuppressionRules.expired, "suppression of \(list(codes)) expired on \(until)", at: comment.range)
                    continue
                }
                if comment.reason == nil {
                    results.report(SuppressionRules.withoutReason, "suppression of \(list(codes)) gives no reason", at: comment.range)
                }
                active.append((comment, codes))
            }
        }
        var byLine: [SuppressionKey: [Int]] = [:]
        for (index, entry) in active.enumerated() {
            byLine[SuppressionKey(file: entry.comment.range.file, line: entry.comment.targetLine), default: []].append(index)
        }
        var used = Set<UsedCode>()
        for index in findings.indices where findings[index].code.family.isSuppressible {
            let finding = findings[index]
            let key = SuppressionKey(file: finding.range.file, line: finding.range.start.line)
            for candidate in byLine[key] ?? [] where active[candidate].codes.contains(finding.code.id) {
                let comment = active[candidate].comment
                findings[index].suppression = Diagnostic.Suppression(reason: comment.reason, range: comment.range)
                used.insert(UsedCode(comment: candidate, code: finding.code.id))
                break
            }
        }
        for (index, entry) in active.enumerated() {
            let target = (file: entry.comment.range.file, line: entry.comment.targetLine)
            guard let unjudged, !unjudged.contains(where: { Self.covers($0, target) }) else { continue }
            for code in entry.codes where !used.contains(UsedCode(comment: index, code: code)) {
                results.report(SuppressionRules.unused, "suppression of '\(code)' silenced nothing", at: entry.comment.range)
            }
        }
        return results.diagnostics
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

    /// Whether `range` includes part of the line.
    private static func covers(_ range: SourceRange, _ line: (file: FileID, line: UInt32)) -> Bool {
        range.file == line.file && range.start.line <= line.line
            && (line.line < range.end.line || (line.line == range.end.line && range.end.column > 1))
    }

    private static func list(_ codes: [String]) -> String {
        codes.map { "'\($0)'" }.joined(separator: ", ")
    }

    private struct SuppressionKey: Hashable {
        var file: FileID
        var line: UInt32
    }

    private struct UsedCode: Hashable {
        var comment: Int
        var code: String
    }
}
