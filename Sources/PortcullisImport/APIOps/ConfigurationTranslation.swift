import FoundationEssentials
import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisEmit
import PortcullisSupport
import PortcullisSyntax

/// An APIOps publisher configuration (`configuration.prod.yaml`), which overrides
/// resources' properties for one environment, turned into a `kind: Environment` document.
///
/// Only what an environment may change is carried: named values and secrets, backend URLs
/// and APIs' service URLs. The publisher's other overrides (loggers, diagnostics,
/// gateways, workspaces) are reported and left in the configuration file.
struct ConfigurationTranslation {
    /// What the imported project declares, which an override must name.
    struct Declared {
        var namedValues: Set<String>
        var secrets: Set<String>
        var backends: Set<String>
        /// APIs whose backend is a URL (their serviceUrl), which an environment may change.
        var urlBackedAPIs: Set<String>
        var apis: Set<String>
    }

    /// Each declared name by its spelling with letter case set aside (``Swift/String/propertyNameFolded``). The publisher matches
    /// an override's entry to a resource as `OrdinalIgnoreCase` does, so `Api-Secret`
    /// overrides `api-secret`, and so does `api-ſecret` (a long s): dropped as naming
    /// nothing, the environment would get the estate's value.
    private struct Spellings {
        private let declared: [String: String]

        init(_ names: Set<String>...) {
            declared = Dictionary(
                names.joined().map { ($0.propertyNameFolded, $0) }, uniquingKeysWith: { first, _ in first })
        }

        /// The declared name `written` names, or `written` when it names none.
        func name(_ written: String) -> String {
            declared[written.propertyNameFolded] ?? written
        }
    }

    var document: YAMLValue?
    var notes: [ImportNote] = []
    /// The environment's name, for notes.
    private let environment: String

    /// `path` names the file in notes; `name` is the environment's.
    init(_ bytes: [UInt8], path: String, name: String, declared: Declared, limits: InputLimits) {
        environment = name
        var diagnostics = DiagnosticCollector()
        let documents = YAMLReader(file: FileID(0), limits: limits).readAll(bytes, diagnostics: &diagnostics)
        if let problem = diagnostics.diagnostics.first(where: { $0.severity == .error }) {
            notes.append(ImportNote(.error, path, "line \(problem.range.start.line): \(problem.message)"))
            return
        }
        guard documents.count == 1, case .mapping(let sections) = documents[0].root.content else {
            notes.append(ImportNote(.error, path, "a publisher configuration is one YAML mapping"))
            return
        }
        var gateway: [(String, YAMLValue)] = []
        var namedValues: [(String, YAMLValue)] = []
        var secrets: [(String, YAMLValue)] = []
        var backends: [(String, YAMLValue)] = []
        var apis: [(String, YAMLValue)] = []
        // Section keys in any letter case, as the publisher reads them.
        for section in sections {
            switch section.key.lowercased() {
            case "apimservicename":
                continue
            case "namedvalues":
                let listed = items(section, naming: Spellings(declared.namedValues, declared.secrets), path: path)
                // A name any entry makes secret, in any spelling, has no value written.
                let secretEntries = Set(listed.filter { PublisherConfigurations.marksASecret($0.entry) }.map { $0.name.lowercased() })
                for (entry, properties, _) in listed {
                    refuseDropped(properties, of: "named value '\(entry)'", path: path, carried: ["value", "secret", "keyvault"])
                    if let vault = properties["keyvault"].map(Self.mapping) {
                        refuseDropped(vault, of: "the Key Vault reference of named value '\(entry)'", path: path, carried: ["secretidentifier"])
                    }
                    if declared.secrets.contains(entry) {
                        guard let vault = properties["keyvault"].flatMap({ Self.mapping($0)["secretidentifier"] }).flatMap(Self.text) else {
                            // Dropped, the environment would keep the estate's vault: another
                            // environment's secret.
                            notes.append(
                                ImportNote(
                                    .error, path,
                                    "secret '\(entry)' is overridden without a Key Vault secret identifier, so '\(name)' would keep the estate's; give it one in Key Vault"))
                            continue
                        }
                        secrets.append((entry, .mapping([("keyVault", .string(vault))])))
                    } else if declared.namedValues.contains(entry), secretEntries.contains(entry.lowercased()) {
                        // As a named value the environment would publish the secret in clear.
                        notes.append(
                            ImportNote(
                                .error, path,
                                "named value '\(entry)' is a secret in '\(name)', so its value is not imported; declare it a secret in 'gateway.yaml', with a Key Vault reference for each environment"
                            ))
                    } else if declared.namedValues.contains(entry), let value = properties["value"].flatMap(Self.text) {
                        guard !isPipelineToken(value, of: "named value '\(entry)'", path: path, environment: name) else { continue }
                        // Never copied into plain YAML, as a value marked secret is not.
                        guard !CredentialScanner.isCredential(value, orNamedSoBy: entry) else {
                            notes.append(
                                ImportNote(
                                    .error, path,
                                    "named value '\(entry)' holds what looks like a credential in '\(name)', so its value is not imported; declare it a secret in 'gateway.yaml', with a Key Vault reference for each environment"))
                            continue
                        }
                        namedValues.append((entry, .string(value)))
                    } else {
                        notes.append(ImportNote(.notImported, path, "named value '\(entry)' is not one the import declared as it is overridden here"))
                    }
                }
            case "backends":
                for (entry, properties, _) in items(section, naming: Spellings(declared.backends), path: path) {
                    if declared.backends.contains(entry) { refuseDropped(properties, of: "backend '\(entry)'", path: path, carried: ["url"]) }
                    guard declared.backends.contains(entry), let url = properties["url"].flatMap(Self.text) else {
                        notes.append(ImportNote(.notImported, path, "backend '\(entry)' is not imported, or its override has no 'url'"))
                        continue
                    }
                    guard !isPipelineToken(url, of: "the 'url' of backend '\(entry)'", path: path, environment: name) else { continue }
                    backends.append((entry, .mapping([("url", .string(url))])))
                }
            case "apis":
                for (entry, properties, _) in items(section, naming: Spellings(declared.apis), path: path) {
                    guard declared.apis.contains(entry) else {
                        notes.append(ImportNote(.notImported, path, "API '\(entry)' is not imported"))
                        continue
                    }
                    let carried = properties.keys.filter { $0 == "serviceurl" }
                    if let url = properties["serviceurl"].flatMap(Self.text), declared.urlBackedAPIs.contains(entry),
                        !isPipelineToken(url, of: "the 'serviceUrl' of API '\(entry)'", path: path, environment: name)
                    {
                        apis.append((entry, .mapping([("backend", .string(url))])))
                    }
                    let left = Set(properties.keys).subtracting(carried).sorted()
                    // What the API does in the environment ('subscriptionRequired', say) would
                    // silently be the estate's.
                    if !left.isEmpty || (properties["serviceurl"] != nil && !declared.urlBackedAPIs.contains(entry)) {
                        notes.append(
                            ImportNote(
                                .error, path,
                                "overrides of API '\(entry)' other than a URL backend's 'serviceUrl' are not carried, so '\(name)' would get the estate's; say what differs in the environment's file"))
                    }
                }
            case let key where PublisherConfigurations.sectionKeys.contains(key):
                // Products', policies' and fragments' overrides decide who gets in: the
                // environment would silently get the estate's.
                notes.append(
                    ImportNote(
                        Self.decidingAccess.contains(key) ? .error : .notImported, path,
                        "'\(DisplayText.escaped(section.key.utf8))' overrides are not carried, and may not stay in the publisher configuration: the bundle writes those resources (RF009); say what differs in the definitions"
                    ))
            default:
                notes.append(ImportNote(.notImported, path, "'\(DisplayText.escaped(section.key.utf8))' overrides are not carried; keep them in the publisher configuration"))
            }
        }
        if !namedValues.isEmpty { gateway.append(("namedValues", .mapping(namedValues))) }
        if !secrets.isEmpty { gateway.append(("secrets", .mapping(secrets))) }
        var fields: [(String, YAMLValue)] = [("apiVersion", .string("portcullis/v1")), ("kind", .string("Environment")), ("name", .string(name))]
        if !gateway.isEmpty { fields.append(("gateway", .mapping(gateway))) }
        if !apis.isEmpty { fields.append(("apis", .mapping(apis))) }
        if !backends.isEmpty { fields.append(("backends", .mapping(backends))) }
        document = .mapping(fields)
    }

    /// An error for each property of an override that is not carried (`carried` are kept,
    /// by lowercased key): the publisher merges the whole override into the resource, so
    /// the environment would silently get the estate's value (a backend's TLS checks, a
    /// Key Vault identity). A display name or tags change no behaviour and are noted.
    private mutating func refuseDropped(_ properties: [String: YAMLNode], of what: String, path: String, carried: Set<String>) {
        let dropped = Set(properties.keys).subtracting(carried)
        let behaviour = dropped.subtracting(["displayname", "tags", "description"]).sorted()
        let cosmetic = dropped.intersection(["displayname", "tags", "description"]).sorted()
        if !behaviour.isEmpty {
            notes.append(
                ImportNote(
                    .error, path,
                    "overrides of \(what) other than \(carried.sorted().map { "'\($0)'" }.joined(separator: ", ")) are not carried (\(Self.listed(behaviour))), so '\(environment)' would get the estate's; say what differs in the environment's file or the definitions"))
        }
        if !cosmetic.isEmpty {
            notes.append(ImportNote(.notImported, path, "overrides of \(what) of \(Self.listed(cosmetic)) are not carried"))
        }
    }

    private static func listed(_ keys: [String]) -> String {
        keys.map { "'\(DisplayText.escaped($0.utf8))'" }.joined(separator: ", ")
    }

    /// Whether `value` holds a `{#token#}`, which the publisher pipeline replaces at
    /// deployment; such a value is an error for the team to resolve in the environment
    /// file (left out, the environment would keep the estate's value), reported by its
    /// tokens alone: the rest may be a credential (a connection string's key).
    private mutating func isPipelineToken(_ value: String, of what: String, path: String, environment: String) -> Bool {
        // A token's name is letters, digits, '_', '-' and '.': text around it (a password
        // holding '{#') is never taken for part of one.
        var tokens: [String] = []
        var rest = Substring(value)
        while let close = rest.range(ofBytes: "#}") {
            // The pipeline's replacement takes white space around the name (`{# envName #}`).
            let before = rest[..<close.lowerBound]
            let inner = before.reversed().drop { $0 == " " || $0 == "\t" }
            let name = inner.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
            if !name.isEmpty, String(inner.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }.reversed()).hasSuffix("{#") {
                tokens.append("'{#\(String(name.reversed()))#}'")
            }
            rest = rest[close.upperBound...]
        }
        guard !tokens.isEmpty else { return false }
        notes.append(
            ImportNote(
                .error, path,
                "\(what) holds the pipeline token\(tokens.count == 1 ? "" : "s") \(tokens.joined(separator: ", ")); set its value for '\(environment)' in the environment file"))
        return true
    }

    /// The `- name: N` / `properties: {...}` entries of a section: each one's name, as the
    /// project declares it where `spellings` know it, its properties by lowercased key, and
    /// the entry as written (which may repeat a key in another letter case). A second entry
    /// naming one resource is an error and left out: the environment would hold the name
    /// twice, and which override the publisher keeps is not for the import to guess (the
    /// audit of the change).
    private mutating func items(
        _ section: YAMLEntry, naming spellings: Spellings, path: String
    ) -> [(name: String, properties: [String: YAMLNode], entry: YAMLNode)] {
        guard case .sequence(let entries) = section.value.content else {
            notes.append(ImportNote(.error, path, "'\(DisplayText.escaped(section.key.utf8))' is not a list of resources"))
            return []
        }
        var firstSpelling: [String: String] = [:]
        return entries.compactMap { entry in
            let fields = Self.mapping(entry)
            guard let written = fields["name"].flatMap(Self.text) else {
                notes.append(ImportNote(.error, path, "line \(entry.range.start.line): an entry of '\(DisplayText.escaped(section.key.utf8))' has no 'name'"))
                return nil
            }
            let name = spellings.name(written)
            if let first = firstSpelling[name.propertyNameFolded] {
                notes.append(
                    ImportNote(
                        .error, path,
                        "entries '\(DisplayText.escaped(first.utf8))' and '\(DisplayText.escaped(written.utf8))' both override '\(DisplayText.escaped(name.utf8))', as the publisher matches names in any letter case; keep one"))
                return nil
            }
            firstSpelling[name.propertyNameFolded] = written
            // The publisher walks the resources below an entry too (an API's 'policies' and
            // 'operations'): dropped, a production-only policy would be lost in silence.
            let below = Set(fields.keys).subtracting(["name", "properties"]).sorted()
            if !below.isEmpty {
                notes.append(
                    ImportNote(
                        .error, path,
                        "overrides below '\(DisplayText.escaped(section.key.utf8))' entry '\(DisplayText.escaped(name.utf8))' (\(Self.listed(below))) are not carried, so '\(environment)' would get the estate's; say what differs in the definitions"))
            }
            return (name, fields["properties"].map(Self.mapping) ?? [:], entry)
        }
    }

    /// The sections whose resources decide who gets in and what requests do.
    private static let decidingAccess: Set<String> = ["products", "policies", "servicepolicies", "policyfragments"]

    /// A mapping by its keys in lowercase: the publisher reads them in any letter case, as
    /// `lint` does (`PublisherConfigurations`), so `Secret: true` is a secret here too.
    private static func mapping(_ node: YAMLNode) -> [String: YAMLNode] {
        guard case .mapping(let entries) = node.content else { return [:] }
        return Dictionary(entries.map { ($0.key.propertyNameFolded, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    private static func text(_ node: YAMLNode) -> String? {
        node.isNull ? nil : node.scalar?.text
    }
}
