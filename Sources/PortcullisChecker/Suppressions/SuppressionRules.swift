import PortcullisDiagnostics

/// The SU codes: findings about suppression comments themselves, made by ``SuppressionEngine``.
public enum SuppressionRules {
    public static let withoutReason = DiagnosticCode(
        "SU001", "suppression-without-reason", .warning,
        summary: "a 'portcullis:ignore' comment with no '-- reason'")
    public static let expired = DiagnosticCode(
        "SU002", "suppression-expired", .error,
        summary: "a suppression whose 'until=' date has passed")
    public static let unused = DiagnosticCode(
        "SU003", "unused-suppression", .warning,
        summary: "a suppression that silenced nothing")
    public static let malformed = DiagnosticCode(
        "SU004", "malformed-suppression", .warning,
        summary: "a 'portcullis:' comment that does not parse, or names an unknown code")

    /// One route whose next line each example completes.
    static let route = """
          - id: list-orders
            method: GET
            path: /orders
            scopes: [orders.read]

        """

    public static let descriptions: [RuleDescription] = [
        RuleDescription(
            withoutReason,
            rationale: """
                A suppression silences a finding someone judged acceptable; the reason is what \
                lets the next reviewer agree or disagree. Without one, nobody can tell an \
                accepted risk from a silenced nuisance.
                """,
            fix: "Add '-- REASON' after the codes, for example a ticket number or the argument for the exception.",
            triggering: [RuleExample.api(routes: route + "    cache: {ttl: 30s, sharing: shared}   ↓# portcullis:ignore CA001\n")],
            nonTriggering: [RuleExample.api(routes: route + "    cache: {ttl: 30s, sharing: shared}   # portcullis:ignore CA001 -- every caller sees the same list\n")]),
        RuleDescription(
            expired,
            rationale: """
                'until=' makes an exception temporary. Once the date passes, the exception has \
                run out: the suppression stops silencing and this error asks for the problem \
                to be fixed or the exception to be renewed on purpose.
                """,
            fix: "Fix the finding and remove the comment, or move 'until=' to a new date with a reason that still holds.",
            triggering: [
                RuleExample.api(routes: route + "    ↓# portcullis:ignore CA001 until=2020-01-31 -- migration to per-user caching\n    cache: {ttl: 30s, sharing: shared}\n")
            ],
            nonTriggering: [
                RuleExample.api(routes: route + "    # portcullis:ignore CA001 until=2999-12-31 -- migration to per-user caching\n    cache: {ttl: 30s, sharing: shared}\n")
            ]),
        RuleDescription(
            unused,
            rationale: """
                A suppression that silences nothing is left over from a fix or points at the \
                wrong line. Left in place, it would silently hide a future finding of the same \
                kind on that line.
                """,
            fix: "Remove the comment, or the codes in it that silence nothing.",
            triggering: [RuleExample.api(routes: route + "    cache: {ttl: 30s}   ↓# portcullis:ignore CA002 -- short enough\n")],
            nonTriggering: [RuleExample.api(routes: route + "    cache: {ttl: 30m}   # portcullis:ignore CA002 -- data changes daily\n")]),
        RuleDescription(
            malformed,
            rationale: """
                A comment that looks like a suppression but does not parse silences nothing, \
                which its author did not intend; a misspelt code is the most common cause.
                """,
            fix: "Write 'portcullis:ignore CODE[,CODE] [until=YYYY-MM-DD] -- REASON' with codes from 'portcullis rules'.",
            triggering: [
                RuleExample.api(routes: route + "    ↓# portcullis:ignroe CA001 -- typo in the directive\n    ↓# portcullis:ignore CA999 -- no such rule\n")
            ],
            nonTriggering: [RuleExample.api(routes: route + "    # portcullis:ignore CA002 -- data changes daily\n    cache: {ttl: 30m}\n")]),
    ]
}
