import PortcullisDiagnostics
import PortcullisModel
import PortcullisSyntax

/// The project's `portcullis.yaml`: a setting per rule code and input paths to skip.
public struct Configuration: Sendable {
    /// What the configuration says about a rule: report its findings at a severity, or
    /// turn the rule off.
    public enum RuleSetting: Sendable, Equatable {
        case report(Severity)
        case off

        /// How a configuration file spells each setting.
        static let spellings: [String: RuleSetting] = [
            "error": .report(.error), "warning": .report(.warning), "note": .report(.note), "off": .off,
        ]
    }

    /// The settings written for codes; a code not here keeps its default severity.
    public private(set) var settings: [DiagnosticCode: RuleSetting] = [:]
    /// Glob patterns of input paths to skip, relative to the configuration's directory.
    public private(set) var exclude: [String] = []

    public init() {}

    /// The setting for `code`: the configured one, else its default severity.
    public func setting(for code: DiagnosticCode) -> RuleSetting {
        settings[code] ?? .report(code.defaultSeverity)
    }

    static let fields = ["rules", "exclude"]

    /// Reads a configuration file; problems are YS diagnostics located in it, and what
    /// could be read still applies.
    public static func parse(_ source: SourceFile, file: FileID) -> (Configuration, [Diagnostic]) {
        var diagnostics = DiagnosticCollector()
        var configuration = Configuration()
        let documents = YAMLReader(file: file).readAll(source.bytes, diagnostics: &diagnostics)
        for document in documents {
            if document.root.isNull { continue }
            guard case .mapping(let entries) = document.root.content else {
                diagnostics.report(.invalidValue, "expected a mapping with 'rules' and 'exclude' for the configuration, found \(document.root.kindDescription)", at: document.root.range)
                continue
            }
            for entry in entries {
                switch entry.key {
                case "rules": configuration.readRules(entry, into: &diagnostics)
                case "exclude": configuration.readExclude(entry, into: &diagnostics)
                default:
                    let notes = Suggestion.closest(to: entry.key, among: fields).map { [Diagnostic.Note("did you mean '\($0)'?", at: entry.keyRange)] } ?? []
                    diagnostics.report(.unknownField, "unknown field '\(entry.key)' in the configuration", at: entry.keyRange, notes: notes)
                }
            }
        }
        return (configuration, diagnostics.diagnostics)
    }

    private mutating func readRules(_ entry: YAMLEntry, into diagnostics: inout DiagnosticCollector) {
        guard case .mapping(let rules) = entry.value.content else {
            diagnostics.report(.invalidValue, "expected a mapping of rule codes for 'rules', found \(entry.value.kindDescription)", at: entry.value.range)
            return
        }
        for rule in rules {
            guard let code = RuleRegistry.codes[rule.key] else {
                let notes = Suggestion.closest(to: rule.key, among: RuleRegistry.codes.keys.sorted()).map { [Diagnostic.Note("did you mean '\($0)'?", at: rule.keyRange)] } ?? []
                diagnostics.report(.invalidValue, "unknown rule code '\(rule.key)'", at: rule.keyRange, notes: notes)
                continue
            }
            var value = rule.value
            if case .mapping(let options) = value.content {
                for option in options where option.key != "severity" {
                    diagnostics.report(.unknownField, "unknown field '\(option.key)' in the settings of '\(rule.key)'", at: option.keyRange)
                }
                guard let severity = options.first(where: { $0.key == "severity" }) else {
                    diagnostics.report(.missingField, "missing required field 'severity' in the settings of '\(rule.key)'", at: rule.keyRange)
                    continue
                }
                value = severity.value
            }
            guard let word = value.scalar?.text, let setting = RuleSetting.spellings[word] else {
                diagnostics.report(
                    .invalidValue, "invalid severity for '\(rule.key)'", at: value.range,
                    notes: [Diagnostic.Note("expected one of 'error', 'warning', 'note', 'off'", at: value.range)])
                continue
            }
            if code.family.isFrontEnd, setting != .report(.error) {
                diagnostics.report(
                    .invalidValue, "'\(code.id)' reports input that cannot be compiled and is always an error", at: value.range)
                continue
            }
            settings[code] = setting
        }
    }

    private mutating func readExclude(_ entry: YAMLEntry, into diagnostics: inout DiagnosticCollector) {
        guard case .sequence(let items) = entry.value.content else {
            diagnostics.report(.invalidValue, "expected a list of path patterns for 'exclude', found \(entry.value.kindDescription)", at: entry.value.range)
            return
        }
        for item in items {
            guard let pattern = item.scalar?.text, !item.isNull, !pattern.isEmpty else {
                diagnostics.report(.invalidValue, "expected a path pattern in 'exclude', found \(item.kindDescription)", at: item.range)
                continue
            }
            exclude.append(pattern)
        }
    }
}
