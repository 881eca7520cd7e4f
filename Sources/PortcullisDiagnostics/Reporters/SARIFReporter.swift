import FoundationEssentials
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
        /// Written on all cores by ``SARIFReporter/result(_:ruleIndex:fingerprint:uris:)``.
        var results: [StableJSON.Fragment]
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

    public func render(_ report: DiagnosticReport) -> String {
        let indexes = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.code.id, $0.offset) })
        var seen: [String: Int] = [:]
        let lines = QuotedLines(report)
        // Findings in report order, cut where the line changes: each line's text is read and
        // masked once, and hashed once per rule, not once per finding (a long line holding
        // many findings cost its length for each). The lines are independent: on all cores.
        let diagnostics = report.diagnostics
        var runs: [Range<Int>] = []
        for index in diagnostics.indices {
            if let run = runs.last, diagnostics[run.lowerBound].range.file == diagnostics[index].range.file,
                diagnostics[run.lowerBound].range.start.line == diagnostics[index].range.start.line
            {
                runs[runs.count - 1] = run.lowerBound..<(index + 1)
            } else {
                runs.append(index..<(index + 1))
            }
        }
        let lineRuns = runs
        let hashes = ParallelMap.map(lineRuns.indices) { run -> [String] in
            let first = diagnostics[lineRuns[run].lowerBound]
            let text = Self.hashedText(line: first.range.start.line, of: first.range.file, lines: lines)
            let path = report.sources[first.range.file].path
            var byRule: [String: String] = [:]
            return lineRuns[run].map { index in
                let code = diagnostics[index].code.id
                if let hash = byRule[code] { return hash }
                let hash = String(SHA256.hex(Array("\(code)\u{0}\(path)\u{0}\(text)".utf8)).prefix(16))
                byRule[code] = hash
                return hash
            }
        }.flatMap { $0 }
        // Percent-encoding a path goes through Foundation; once per file, not per finding.
        let uris = report.sources.files.map { Self.uri($0.path) }
        // The n-th finding with the same line hash gets `:n`: counted in report order.
        let fingerprints = hashes.map { hash in
            seen[hash, default: 0] += 1
            return "\(hash):\(seen[hash]!)"
        }
        let results = ParallelMap.map(diagnostics.indices) { index in
            Self.result(
                diagnostics[index], ruleIndex: indexes[diagnostics[index].code.id] ?? 0, fingerprint: fingerprints[index], uris: uris)
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

    /// One result, written directly rather than through a tree of `Encodable` values, which
    /// was most of the time of a report with many findings. Members go in sorted key order,
    /// as ``StableJSON`` writes them.
    private static func result(_ diagnostic: Diagnostic, ruleIndex: Int, fingerprint: String, uris: [String]) -> StableJSON.Fragment {
        // An element of `results` in the first run: log → runs → run → results → result.
        var json = StableJSON.Writer(depth: 4)
        json.beginObject()
        json.key("level")
        json.string(diagnostic.severity.rawValue)
        json.key("locations")
        json.beginArray()
        location(diagnostic.range, id: nil, message: nil, uris: uris, into: &json)
        json.endArray()
        json.key("message")
        text(diagnostic.message, into: &json)
        json.key("partialFingerprints")
        json.beginObject()
        json.key("primaryLocationLineHash")
        json.string(fingerprint)
        json.endObject()
        if !diagnostic.notes.isEmpty {
            json.key("relatedLocations")
            json.beginArray()
            for (index, note) in diagnostic.notes.enumerated() {
                location(note.range, id: index + 1, message: note.message, uris: uris, into: &json)
            }
            json.endArray()
        }
        json.key("ruleId")
        json.string(diagnostic.code.id)
        json.key("ruleIndex")
        json.number(ruleIndex)
        if let suppression = diagnostic.suppression {
            json.key("suppressions")
            json.beginArray()
            json.beginObject()
            if let reason = suppression.reason {
                json.key("justification")
                json.string(reason)
            }
            json.key("kind")
            json.string("inSource")
            json.endObject()
            json.endArray()
        }
        json.endObject()
        return StableJSON.Fragment(json)
    }

    private static func location(_ range: SourceRange, id: Int?, message: String?, uris: [String], into json: inout StableJSON.Writer) {
        json.beginObject()
        if let id {
            json.key("id")
            json.number(id)
        }
        if let message {
            json.key("message")
            text(message, into: &json)
        }
        json.key("physicalLocation")
        json.beginObject()
        json.key("artifactLocation")
        json.beginObject()
        json.member("uri", uris[Int(range.file.index)])
        json.endObject()
        json.key("region")
        json.beginObject()
        json.member("endColumn", number: range.end.column)
        json.member("endLine", number: range.end.line)
        json.member("startColumn", number: range.start.column)
        json.member("startLine", number: range.start.line)
        json.endObject()
        json.endObject()
        json.endObject()
    }

    /// SARIF's message object.
    private static func text(_ text: String, into json: inout StableJSON.Writer) {
        json.beginObject()
        json.key("text")
        json.string(text)
        json.endObject()
    }

    /// A relative URI: path segments percent-encoded, separators kept. A colon too, which
    /// a path allows: in the first segment (`c:d.yaml`) it would make the URI absolute,
    /// with scheme `c`, and code scanning could not place the finding. An absolute path
    /// (an input named so, outside the working directory) is a `file://` URI, as SARIF
    /// asks of a location not relative to a base (audit V39: it was a bare path).
    static func uri(_ path: String) -> String {
        var encoded: [UInt8] = path.hasPrefix("/") ? Array("file://".utf8) : []
        encoded.reserveCapacity(path.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in path.utf8 {
            if keptInSegments(byte) {
                encoded.append(byte)
            } else {
                encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// RFC 3986's characters of a path segment but the colon, with the separator.
    private static func keptInSegments(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "/-._~!$&'()*+,;=@".utf8.contains(byte)
        }
    }

    /// The text of line `number` of `file` that ``render(_:)`` hashes with the rule and the
    /// file: a fingerprint stable across unrelated edits, which does not depend on the line's
    /// number. Each secret on the line is hashed as one `*`, so the hash says nothing about
    /// the secret, not even its length, and a dictionary cannot recover it.
    static func hashedText(line number: UInt32, of file: FileID, lines: QuotedLines) -> String {
        let scalars = Array((lines.text(line: number, of: file) ?? "").unicodeScalars)
        var hidden = [Bool](repeating: false, count: scalars.count)
        let secrets = lines.secretColumns(line: number, of: file, text: scalars)
        for columns in secrets { hidden.replaceSubrange(columns, with: repeatElement(true, count: columns.count)) }
        var line: [Unicode.Scalar] = []
        line.reserveCapacity(scalars.count)
        for index in scalars.indices where !hidden[index] || index == 0 || !hidden[index - 1] {
            line.append(hidden[index] ? "*" : scalars[index])
        }
        // Trimmed of what Foundation's `CharacterSet.whitespaces` holds (tab and the space
        // separators), without a round trip through `NSString` per finding.
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
        let start = line.firstIndex { !isWhitespace($0) } ?? line.endIndex
        let end = line.lastIndex { !isWhitespace($0) }.map { $0 + 1 } ?? start
        return String(scalars: line[start..<end])
    }

    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .error: "8.0"
        case .warning: "5.0"
        case .note: "2.0"
        }
    }
}
