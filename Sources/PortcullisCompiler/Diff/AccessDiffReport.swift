import PortcullisSupport
import Foundation

/// The diff as text, JSON or Markdown (for a pull-request comment).
public enum AccessDiffFormat: String, Sendable, CaseIterable {
    case text, json, markdown

    public func render(_ changes: [AccessChange]) -> String {
        switch self {
        case .text: Self.text(changes)
        case .json: Self.json(changes)
        case .markdown: Self.markdown(changes)
        }
    }

    static func summary(_ changes: [AccessChange]) -> String {
        guard !changes.isEmpty else { return "no changes to access, limits or caching" }
        let counts = AccessChange.Category.allCases.compactMap { category -> String? in
            let count = changes.filter { $0.category == category }.count
            return count == 0 ? nil : "\(count) \(category.words)"
        }
        return "\(changes.count) change\(changes.count == 1 ? "" : "s"): " + counts.joined(separator: ", ")
    }

    static func text(_ changes: [AccessChange]) -> String {
        changes.map { "\($0.location): \($0.category.words): \($0.message)\n" }.joined() + summary(changes) + "\n"
    }

    static func json(_ changes: [AccessChange]) -> String {
        struct Document: Encodable {
            struct Entry: Encodable {
                var category: String
                var subject: String
                var message: String
                var location: String
            }

            var version = 1
            var changes: [Entry]
            var summary: [String: Int]
        }
        var summary = Dictionary(uniqueKeysWithValues: AccessChange.Category.allCases.map { ($0.rawValue, 0) })
        for change in changes { summary[change.category.rawValue, default: 0] += 1 }
        return StableJSON.encode(
            Document(
                changes: changes.map { .init(category: $0.category.rawValue, subject: $0.subject, message: $0.message, location: $0.location) },
                summary: summary))
    }

    static func markdown(_ changes: [AccessChange]) -> String {
        var out = "### Portcullis: what this change does to access\n\n"
        guard !changes.isEmpty else { return out + "No changes to access, limits or caching.\n" }
        out += "| | Change | Where |\n|---|---|---|\n"
        for change in changes {
            let flag = change.category <= .cacheWidened ? "**\(change.category.words)**" : change.category.words
            out += "| \(flag) | \(cell(change.message)) | `\(cell(change.location))` |\n"
        }
        return out + "\n" + summary(changes) + ".\n"
    }

    /// Table cells cannot hold `|` or line breaks.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
