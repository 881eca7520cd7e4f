import PortcullisChecker

/// The text `portcullis rules` and `portcullis explain` print: terminal layout, so it
/// lives with the commands rather than with the rules it formats.
enum RuleDocumentation {
    /// One line per rule: code, slug, default severity, summary, in aligned columns.
    static func table(_ descriptions: [RuleDescription] = RuleRegistry.descriptions) -> String {
        let slugWidth = descriptions.map(\.code.slug.count).max() ?? 0
        var out = "CODE   " + "SLUG".padding(slugWidth) + "  SEVERITY  SUMMARY\n"
        for description in descriptions {
            let code = description.code
            out += code.id + "  " + code.slug.padding(slugWidth) + "  " + code.defaultSeverity.rawValue.padding(8)
                + "  " + code.summary + "\n"
        }
        return out
    }

    /// A rule's full documentation: what it reports, why, how to fix it, and examples.
    static func explanation(of description: RuleDescription) -> String {
        let code = description.code
        var out = "\(code.id) \(code.slug) (default severity: \(code.defaultSeverity.rawValue))\n\n"
        out += "Reports \(code.summary).\n\n"
        out += "Why it matters\n" + wrap(description.rationale) + "\n"
        out += "How to fix\n" + wrap(description.fix) + "\n"
        if let failing = description.triggering.first {
            out += "Reported here (↓ marks where each finding starts)\n" + indent(failing.yaml) + "\n" + besides(failing)
        }
        if let passing = description.nonTriggering.first {
            out += "Not reported here\n" + indent(passing.yaml) + "\n" + besides(passing)
        }
        if description.triggering.first?.usesBaseGateway ?? false {
            out += "Examples without a Gateway document assume one with a JWT provider 'entra', an introspection\n"
            out += "provider 'partner', the scopes 'orders.read', 'orders.write' and 'orders.admin', Redis, and\n"
            out += "defaults 'auth: entra' and 'rateLimit: {calls: 100, per: 60s}'.\n"
        }
        return out
    }

    /// The files an example names, each under its path.
    private static func besides(_ example: RuleExample) -> String {
        example.besides.map { "with \($0.path) beside it\n" + indent($0.text) + "\n" }.joined()
    }

    /// Wraps prose at 88 columns with a two-space indent.
    static func wrap(_ text: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + word.count + 1 > 86 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { "  " + $0 + "\n" }.joined()
    }

    static func indent(_ yaml: String) -> String {
        yaml.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }
            .joined(separator: "\n")
            .trimmingTrailingNewlines() + "\n"
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func trimmingTrailingNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
