import Foundation
import PortcullisSupport

/// SARIF 2.1.0 as GitHub code scanning reads it: one run, every rule's metadata, and
/// suppressed findings kept with an in-source suppression instead of dropped.
public struct SARIFReporter: DiagnosticReporter {
    /// What SARIF shows about a rule besides its code.
    public struct Rule: Sendable {
        public var code: DiagnosticCode
        public var fullDescription: String
        public var help: String

        public init(code: DiagnosticCode, fullDescription: String, help: String) {
            self.code = code
            self.fullDescription = fullDescription
            self.help = help
        }
    }

    public let rules: [Rule]
    public let toolVersion: String
    public let informationURI: String

    public init(rules: [Rule], toolVersion: String, informationURI: String) {
        self.rules = rules
        self.toolVersion = toolVersion
        self.informationURI = informationURI
    }

    struct Log: Encodable {
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }

        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [Run]
    }

    struct Run: Encodable {
        var tool: Tool
        var columnKind = "unicodeCodePoints"
        var results: [Result]
    }

    struct Tool: Encodable {
        var driver: Driver
    }

    struct Driver: Encodable {
        var name = "portcullis"
        var version: String
        var informationUri: String
        var rules: [RuleEntry]
    }

    struct Text: Encodable {
        var text: String
    }

    struct RuleEntry: Encodable {
        struct Configuration: Encodable {
            var level: String
        }

        struct Properties: Encodable {
            enum CodingKeys: String, CodingKey {
                case tags
                case securitySeverity = "security-severity"
            }

            var tags: [String]
            var securitySeverity: String?
        }

        var id: String
        var name: String
        var shortDescription: Text
        var fullDescription: Text
        var help: Text
        var defaultConfiguration: Configuration
        var properties: Properties
    }

    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Text
        var locations: [Location]
        var relatedLocations: [Location]?
        var partialFingerprints: [String: String]
        var suppressions: [Suppression]?
    }

    struct Location: Encodable {
        var id: Int?
        var physicalLocation: PhysicalLocation
        var message: Text?
    }

    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region
    }

    struct ArtifactLocation: Encodable {
        var uri: String
    }

    struct Region: Encodable {
        var startLine: UInt32
        var startColumn: UInt32
        var endLine: UInt32
        var endColumn: UInt32
    }

    struct Suppression: Encodable {
        var kind = "inSource"
        var justification: String?
    }

    public func render(_ report: DiagnosticReport) -> String {
        let indexes = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.code.id, $0.offset) })
        var seen: [String: Int] = [:]
        let lines = QuotedLines(report)
        // Hashing a line per finding is independent work: on all cores.
        let hashes = ParallelMap.map(report.diagnostics.indices) {
            Self.lineHash(report.diagnostics[$0], in: report, lines: lines)
        }
        // Percent-encoding a path goes through Foundation; once per file, not per finding.
        let uris = report.sources.files.map { Self.uri($0.path) }
        let results = zip(report.diagnostics, hashes).map { diagnostic, hash -> Result in
            seen[hash, default: 0] += 1
            let related = diagnostic.notes.enumerated().map { index, note in
                Location(id: index + 1, physicalLocation: physical(note.range, uris), message: Text(text: note.message))
            }
            return Result(
                ruleId: diagnostic.code.id, ruleIndex: indexes[diagnostic.code.id] ?? 0,
                level: diagnostic.severity.rawValue, message: Text(text: diagnostic.message),
                locations: [Location(physicalLocation: physical(diagnostic.range, uris))],
                relatedLocations: related.isEmpty ? nil : related,
                partialFingerprints: ["primaryLocationLineHash": "\(hash):\(seen[hash]!)"],
                suppressions: diagnostic.suppression.map { [Suppression(justification: $0.reason)] })
        }
        let driver = Driver(
            version: toolVersion, informationUri: informationURI,
            rules: rules.map { rule in
                let security = rule.code.family.isSecurity
                return RuleEntry(
                    id: rule.code.id, name: rule.code.slug, shortDescription: Text(text: rule.code.summary),
                    fullDescription: Text(text: rule.fullDescription), help: Text(text: rule.help),
                    defaultConfiguration: RuleEntry.Configuration(level: rule.code.defaultSeverity.rawValue),
                    properties: RuleEntry.Properties(
                        tags: security ? ["security"] : ["correctness"],
                        securitySeverity: security ? Self.securitySeverity(rule.code.defaultSeverity) : nil))
            })
        return StableJSON.encode(Log(runs: [Run(tool: Tool(driver: driver), results: results)]))
    }

    private func physical(_ range: SourceRange, _ uris: [String]) -> PhysicalLocation {
        PhysicalLocation(
            artifactLocation: ArtifactLocation(uri: uris[Int(range.file.index)]),
            region: Region(
                startLine: range.start.line, startColumn: range.start.column, endLine: range.end.line,
                endColumn: range.end.column))
    }

    /// A relative URI: path segments percent-encoded, separators kept.
    static func uri(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? String($0)
        }.joined(separator: "/")
    }

    /// Stable across unrelated edits: the rule, the file and the text of the line, not its
    /// number. Each secret on the line is hashed as one `*`, so the hash says nothing about
    /// the secret, not even its length, and a dictionary cannot recover it.
    static func lineHash(_ diagnostic: Diagnostic, in report: DiagnosticReport, lines: QuotedLines) -> String {
        let file = report.sources[diagnostic.range.file]
        let number = diagnostic.range.start.line
        let scalars = Array((lines.text(line: number, of: diagnostic.range.file) ?? "").unicodeScalars)
        var hidden = [Bool](repeating: false, count: scalars.count)
        let secrets = lines.secretColumns(line: number, of: diagnostic.range.file, text: scalars)
        for columns in secrets { hidden.replaceSubrange(columns, with: repeatElement(true, count: columns.count)) }
        var line = String.UnicodeScalarView()
        for index in scalars.indices where !hidden[index] || index == 0 || !hidden[index - 1] {
            line.append(hidden[index] ? "*" : scalars[index])
        }
        let text = String(line).trimmingCharacters(in: .whitespaces)
        return String(SHA256.hex(Array("\(diagnostic.code.id)\u{0}\(file.path)\u{0}\(text)".utf8)).prefix(16))
    }

    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .error: "8.0"
        case .warning: "5.0"
        case .note: "2.0"
        }
    }
}
