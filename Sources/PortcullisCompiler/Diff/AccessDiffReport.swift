import FoundationEssentials
import PortcullisDiagnostics
import PortcullisSupport

/// The diff as text, JSON or Markdown (for a pull-request comment).
public enum AccessDiffFormat: String, Sendable, CaseIterable {
    case text, json, markdown

    /// The version of the JSON document; 2 made `subject` an object and added `side`.
    static let jsonVersion = 2

    public func render(_ outcome: DiffPipeline.Outcome) -> String {
        switch (self, outcome) {
        case (.text, .compared(let changes)): Self.text(changes)
        case (.json, .compared(let changes)): Self.json(changes)
        case (.markdown, .compared(let changes)): Self.markdown(changes)
        case (.text, .unreadable(let side, let errors)): Self.failure(side) + "\n" + TextReporter(quiet: true).render(errors)
        case (.json, .unreadable(let side, let errors)): Self.json(failure: side, errors)
        case (.markdown, .unreadable(let side, let errors)):
            Self.heading + "**\(Self.failure(side)).**\n\n```\n" + TextReporter(quiet: true).render(errors) + "```\n"
        }
    }

    static func failure(_ side: String) -> String { "\(side) has errors, so it cannot be compared" }

    static func summary(_ changes: [AccessChange]) -> String {
        guard !changes.isEmpty else { return "no changes to access, limits or caching" }
        let counts = AccessChange.Category.allCases.compactMap { category -> String? in
            let count = changes.filter { $0.category == category }.count
            return count == 0 ? nil : "\(count) \(category.words)"
        }
        return "\(changes.count) change\(changes.count == 1 ? "" : "s"): " + counts.joined(separator: ", ")
    }

    /// A place in BASE says so: it names a file as it was, not as it is.
    private static func marker(_ change: AccessChange) -> String { change.place.inBase ? " (in BASE)" : "" }

    static func text(_ changes: [AccessChange]) -> String {
        changes.map { "\($0.location): \($0.category.words): \($0.message)\(marker($0))\n" }.joined() + summary(changes) + "\n"
    }

    private struct Subject: Encodable {
        var kind: String
        var name: String
    }

    static func json(_ changes: [AccessChange]) -> String {
        struct Document: Encodable {
            struct Entry: Encodable {
                var category: String
                var subject: Subject
                var message: String
                var location: String
                var side: String
            }

            var version = AccessDiffFormat.jsonVersion
            var changes: [Entry]
            var summary: [String: Int]
        }
        var summary = Dictionary(uniqueKeysWithValues: AccessChange.Category.allCases.map { ($0.rawValue, 0) })
        for change in changes { summary[change.category.rawValue, default: 0] += 1 }
        return StableJSON.encode(
            Document(
                changes: changes.map {
                    .init(
                        category: $0.category.rawValue, subject: Subject(kind: $0.subject.kind.rawValue, name: $0.subject.name),
                        message: $0.message, location: $0.location, side: $0.place.inBase ? "base" : "head")
                },
                summary: summary))
    }

    /// What stopped the comparison, for a machine: the side and its errors.
    static func json(failure side: String, _ errors: DiagnosticReport) -> String {
        struct Document: Encodable {
            struct Entry: Encodable {
                var code: String
                var message: String
                var location: String
            }

            var version = AccessDiffFormat.jsonVersion
            var error: String
            var diagnostics: [Entry]
        }
        return StableJSON.encode(
            Document(
                error: failure(side),
                diagnostics: errors.active.map {
                    let start = $0.range.start
                    return .init(
                        code: $0.code.id, message: $0.message,
                        location: "\(errors.sources.path(of: $0.range.file)):\(start.line):\(start.column)")
                }))
    }

    private static let heading = "### Portcullis: what this change does to access\n\n"

    static func markdown(_ changes: [AccessChange]) -> String {
        var out = heading
        guard !changes.isEmpty else { return out + "No changes to access, limits or caching.\n" }
        out += "| | Change | Where |\n|---|---|---|\n"
        for change in changes {
            let flag = change.category <= .cacheWidened ? "**\(change.category.words)**" : change.category.words
            out += "| \(flag) | \(codeCell(change.message)) | \(codeCell(change.location))\(marker(change)) |\n"
        }
        return out + "\n" + summary(changes) + ".\n"
    }

    /// Text of the definitions as a code span, whose fence is longer than any run of
    /// backticks in it. A message quotes what a pull request writes, and GitHub renders
    /// Markdown, HTML, mentions, issue links, emoji and maths in a comment, but nothing in a
    /// code span; a `|` is still escaped for the table, which GitHub reads first.
    private static func codeCell(_ text: String) -> String {
        // Markdown reads code points, not the characters Swift joins them into: a backtick
        // or '|' followed by a combining mark is still one.
        var body = String.UnicodeScalarView()
        var longest = 0
        var run = 0
        for scalar in text.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
            switch scalar {
            case "|": body.append(contentsOf: "\\|".unicodeScalars)
            case "\n", "\r": body.append(" ")
            default: body.append(scalar)
            }
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padding = body.first == "`" || body.last == "`" ? " " : ""
        return fence + padding + String(body) + padding + fence
    }
}
