import FoundationEssentials
import Synchronization
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisEmit
import PortcullisPolicyXML
import PortcullisSupport

/// The import's proof: the imported project, built in memory, gives back every policy
/// document of the estate (in canonical form, so white space, attribute order and escapes
/// aside) and every property of its information files that Portcullis carries.
///
/// The build here is the real one (``LintPipeline`` and ``ProjectBundle``), so what is
/// proved is what `build` will write; checker findings do not stop it, as they stop a
/// build only until the team resolves them.
public struct RoundTrip: Sendable {
    /// A document or file of the estate the build does not give back as it was.
    public struct Difference: Sendable, Encodable, Equatable {
        /// The estate's file, relative to its tree.
        public private(set) var path: String
        /// Shown as an ``ImportNote``'s message is: control characters as escapes.
        public private(set) var message: String

        init(path: String, message: String) {
            self.path = DisplayText.path(path)
            self.message = DisplayText.message(message)
        }
    }

    /// The lint of the imported project, as `lint` would report it.
    public var lint: LintResult
    public var differences: [Difference] = []
    /// Bundle paths of policy documents the build writes that are the estate's own.
    public var equivalent: Set<String> = []

    /// Builds `files` and compares with `policies` and `informations` (by bundle path).
    init(
        _ files: ImportedFiles, policies: [String: APIOpsTree.File],
        informations: [String: (file: String, properties: InformationProperties)], options: LintOptions
    ) {
        let workspace = Workspace(inMemory: files.files.sorted { $0.key < $1.key }.map { SourceFile(path: $0.key, bytes: $0.value) })
        lint = LintPipeline.run(workspace, options: options)
        let built = MemorySink()
        do {
            _ = try ProjectBundle(lint.project, sources: workspace.projectFiles).produce(into: built)
        } catch {
            differences.append(Difference(path: ".", message: "the imported project does not build: \(error)"))
            return
        }
        let made = built.files
        // Each document is parsed twice; on all cores, as the build made them.
        let compared = policies.sorted(by: { $0.key < $1.key })
        let verdicts = ParallelMap.map(compared.indices) { index -> String? in
            let (bundlePath, original) = compared[index]
            guard let bytes = made[bundlePath] else { return "the build writes no policy for it" }
            switch (Self.canonical(original.bytes), Self.canonical(bytes)) {
            case (nil, _): return "it is not a readable policy document, so it cannot be compared"
            case (let before?, let after?) where before == after: return nil
            case (let before?, let after): return Self.firstDifference(before, after ?? "")
            }
        }
        for ((bundlePath, original), verdict) in zip(compared, verdicts) {
            if let verdict {
                differences.append(Difference(path: original.path, message: verdict))
            } else {
                equivalent.insert(bundlePath)
            }
        }
        let added = made.keys.filter { $0.hasSuffix("/policy.xml") && policies[$0] == nil }.sorted()
        // APIM sends an API's requests to its serviceUrl only where no policy on their way
        // sets a backend: the gateway's, a product's or a fragment's (any, as the tree does
        // not say here which hold the API), or one of the API's operations'. Elsewhere an
        // added statement that sends them there overrides what the estate did.
        let settingBackend = Set(policies.filter { Self.setsBackend($0.value.bytes) }.keys)
        let broaderSetBackend = settingBackend.contains { !$0.hasPrefix("apim/apis/") }
        let statements = ParallelMap.map(added.indices) { index -> String? in
            let serviceUrl = Self.apiName(of: added[index]).flatMap { name in
                broaderSetBackend || settingBackend.contains { $0.hasPrefix("apim/apis/\(name)/") }
                    ? nil : informations["apim/apis/\(name)/apiInformation.json"]?.properties["serviceUrl"]?.string
            }
            return Self.firstStatement(in: made[added[index]] ?? [], exceptWhatAPIMDoesAnyway: serviceUrl)
        }
        for (bundlePath, statement) in zip(added, statements) {
            if let statement {
                differences.append(Difference(path: bundlePath, message: "the build writes this policy, which the estate does not have, with \(statement)"))
            }
        }
        for (bundlePath, original) in informations.sorted(by: { $0.key < $1.key }) {
            guard let bytes = made[bundlePath] else {
                differences.append(Difference(path: original.file, message: "the build writes no information file for it"))
                continue
            }
            guard case .success(let value) = JSONValue.parse(bytes), case .object(let properties)? = value["properties"] else { continue }
            // The estate's names in any letter case, as they were read: `"Path"` is the `path`
            // the build writes.
            for (key, written) in properties.sorted(by: { $0.key < $1.key }) {
                guard let was = original.properties[key] else { continue }
                for (name, was, written) in Self.changes(from: was, to: written, named: key) {
                    let wrote = written.map(Self.shown) ?? "none"
                    differences.append(Difference(path: original.file, message: "property '\(name)' was \(was.map(Self.shown) ?? "none"), the build writes \(wrote)"))
                }
            }
        }
    }

    static func canonical(_ bytes: [UInt8]) -> String? {
        var diagnostics = DiagnosticCollector()
        return PolicyXMLReader.read(bytes, placement: .file(FileID(0)), what: "a policy", diagnostics: &diagnostics).map(PolicyXMLCanonical.form)
    }

    /// The first statement of a policy the estate does not have that does something
    /// APIM would not do without it, or nil: `<base />`, a bare `<forward-request />`, and
    /// at API scope `set-backend-service` to the API's own `serviceUrl` (nil when another
    /// policy on the way sets a backend), where APIM sends its requests anyway.
    static func firstStatement(in bytes: [UInt8], exceptWhatAPIMDoesAnyway serviceUrl: String?) -> String? {
        var diagnostics = DiagnosticCollector()
        guard let document = PolicyXMLReader.read(bytes, placement: .file(FileID(0)), what: "a policy", diagnostics: &diagnostics) else {
            return "a policy that cannot be read"
        }
        for section in document.root.elements {
            for statement in section.elements {
                let sendsToServiceURL =
                    statement.name == "set-backend-service" && statement.attributes.count == 1 && statement.attributes[0].name == "base-url"
                    && serviceUrl.map { statement.attributes[0].value == .text($0) } == true
                let isNeutral =
                    statement.name == "base" || (statement.name == "forward-request" && statement.attributes.isEmpty) || sendsToServiceURL
                if !isNeutral { return "'\(statement.name)' in '\(section.name)'" }
            }
        }
        return nil
    }

    /// Whether a policy holds a `set-backend-service` statement (a comment naming one is
    /// none); one that cannot be read may.
    private static func setsBackend(_ bytes: [UInt8]) -> Bool {
        var diagnostics = DiagnosticCollector()
        let document = PolicyXMLReader.read(bytes, placement: .file(FileID(0)), what: "a policy", diagnostics: &diagnostics)
        return document?.has(anyOf: backendSetters) ?? true
    }

    private static let backendSetters: Set<String> = ["set-backend-service"]

    /// `NAME` of `apim/apis/NAME/policy.xml`, the only scope whose backend APIM knows
    /// without a policy.
    private static func apiName(of bundlePath: String) -> String? {
        let parts = bundlePath.split(separator: "/")
        return parts.count == 4 && parts[0] == "apim" && parts[1] == "apis" ? String(parts[2]) : nil
    }

    /// The first line where two canonical forms part, as the message says it.
    ///
    /// Only element names are shown, never values: a policy may hold a credential, and the
    /// report must not print what lint would mask.
    static func firstDifference(_ before: String, _ after: String) -> String {
        let was = before.split(separator: "\n")
        let now = after.split(separator: "\n")
        for index in 0..<max(was.count, now.count) where index >= was.count || index >= now.count || was[index] != now[index] {
            let old = index < was.count ? describe(was[index]) : "nothing more"
            let new = index < now.count ? describe(now[index]) : "nothing more"
            guard old != new else { return "line \(index + 1) of its canonical form, \(old), has other attributes or text in the build" }
            return "line \(index + 1) of its canonical form differs: the estate has \(old), the build writes \(new)"
        }
        return "it differs"
    }

    /// A canonical line as what it is: an element by name, a comment, or a value.
    private static func describe(_ line: Substring) -> String {
        let text = line.drop { $0 == " " }
        if text.hasPrefix("<!--") { return "a comment" }
        if text.hasPrefix("<") { return "<\(text.dropFirst().prefix { $0 != " " && $0 != ">" })>" }
        return "a text value"
    }

    /// Where two values of a property part, by name (`pool.services[0].weight`): inside
    /// objects entry by entry (names in any letter case, as the estate's were read) and lists
    /// of one length item by item, so the message names what differs rather than saying both
    /// are objects.
    private static func changes(from was: JSONValue?, to written: JSONValue?, named name: String) -> [(String, JSONValue?, JSONValue?)] {
        switch (was, written) {
        case _ where was == written:
            return []
        case (.object(let before)?, .object(let after)?):
            let names = Array(after.keys) + before.keys.filter { after.anyCase($0) == nil }
            return names.sorted().flatMap { changes(from: before.anyCase($0), to: after.anyCase($0), named: name + "." + $0) }
        case (.array(let before)?, .array(let after)?) where before.count == after.count:
            return before.indices.flatMap { changes(from: before[$0], to: after[$0], named: "\(name)[\($0)]") }
        case (.string(let before)?, .string(let after)?) where caseless.contains(name) && before.lowercased() == after.lowercased():
            return []
        default:
            return [(name, was, written)]
        }
    }

    /// Properties whose values APIM reads in any letter case: a product's `state`, an API's
    /// or a group's `type`.
    private static let caseless: Set<String> = ["state", "type"]

    private static func shown(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "'\(DisplayText.escaped(text.utf8))'"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .null: "null"
        case .array(let items): "[" + items.map(shown).joined(separator: ", ") + "]"
        case .object: "an object"
        }
    }
}

/// Keeps a bundle's files in memory, for comparing rather than writing.
private final class MemorySink: BundleSink, Sendable {
    private let made = Mutex<[String: [UInt8]]>([:])

    var files: [String: [UInt8]] { made.withLock { $0 } }

    func receive(_ path: String, _ pieces: [[UInt8]]) throws {
        let bytes = pieces.concatenated()
        made.withLock { $0[path] = bytes }
    }
}
