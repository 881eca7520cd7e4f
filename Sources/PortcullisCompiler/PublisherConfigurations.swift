import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport
import PortcullisSyntax

/// The APIOps publisher configurations found beside the definitions, each entry checked
/// against what the bundle publishes (RF009).
///
/// The publisher merges every entry of such a file into the resource it names when it
/// deploys, the policies of each scope included, and takes the whole entry as it is. An
/// entry that names a resource the bundle writes therefore changes what `lint` and `diff`
/// judged, and neither would otherwise see it: the file is not a Portcullis file. Each such
/// entry is an error, located where it overrides, with a note where the resource is declared.
///
/// The publisher matches section keys ignoring case at the top and names exactly; here
/// every key and name is matched ignoring case, and an entry matches by any of its name
/// keys, so an entry is at worst reported that the publisher would not merge.
package struct PublisherConfigurations {
    /// The documents of each configuration read.
    private var documents: [[YAMLNode]] = []
    /// What reading them reported.
    private var problems = DiagnosticCollector()
    /// The configurations' paths, as reports show them: inputs of the run.
    private(set) var paths: [String] = []
    /// Credential-like text found reading the configurations.
    private var credentials: [SourceRange] = []

    /// The configuration's top-level sections that hold resources the bundle writes, by
    /// their keys folded (``Swift/String/propertyNameFolded``), as the publisher's
    /// configuration reader compares keys.
    package enum Section: String, CaseIterable {
        case namedValues = "namedvalues", groups, versionSets = "versionsets", tags, backends, policyFragments = "policyfragments"
        case products, apis, policies
        /// The global policy's section, as the publisher names it (Azure/apiops's
        /// `OverrideDtoFactory`); `policies` is kept for configurations that use it.
        case servicePolicies = "servicepolicies"
    }

    package static let sectionKeys = Set(Section.allCases.map(\.rawValue))

    /// Reads the configurations among `sources`, at `ids`.
    init(sources: SourceFiles, ids: Range<Int>, limits: InputLimits) {
        for id in ids {
            let file = sources.files[id]
            paths.append(file.path)
            var reading = DiagnosticCollector()
            let read = YAMLReader(file: FileID(id), limits: limits).readSideFile(file, diagnostics: &reading)
            documents.append(read.roots)
            credentials += read.credentials + read.roots.flatMap { Self.credentialsWritten(in: $0) }
            guard let failure = reading.diagnostics.first(where: { $0.severity == .error }) else { continue }
            if Self.isConfigurationName(file.path.utf8) || file.bytes.count > limits.maxFileSize || OtherEncoding(markOf: file.bytes) != nil {
                // Named as the publisher's file is, it is its file: what cannot be read here
                // may still be read there; so may one past the size limit that mentions an
                // override, which a pull request may pad (audit V28), and one in UTF-16 or
                // UTF-32, found to be one by its decoded text.
                problems.append(contentsOf: reading)
            } else {
                problems.report(
                    Diagnostic(
                        .publisherOverride,
                        "'\(DisplayText.escaped(file.path.utf8))' looks like an APIOps publisher configuration but cannot be read, so its overrides are not checked",
                        at: failure.range, severity: .warning,
                        notes: [Diagnostic.Note(failure.message, at: failure.range)], pointsAtUnreadText: true))
            }
        }
    }

    /// What the configurations override of the resources `definitions` declare, with what
    /// reading them reported; the same for every environment, which cannot rename anything.
    /// With them, the credentials reports must mask: those found on reading, and the value
    /// an entry gives a declared secret, which the publisher sends to APIM as a secret.
    func check(against definitions: Definitions) -> (findings: DiagnosticCollector, credentials: [SourceRange]) {
        var findings = problems
        guard !documents.isEmpty else { return (findings, credentials) }
        let bundle = PublishedResource.bundle(of: definitions)
        let secrets = Set(definitions.gateways.flatMap { $0.secrets.map { $0.name.value.propertyNameFolded } })
        var credentials = credentials
        for roots in documents {
            for root in roots {
                PublishedResource.judge(root, sections: bundle, owner: nil, into: &findings)
                credentials += Self.values(of: root) { entry, name in secrets.contains(name.propertyNameFolded) || Self.marksASecret(entry) }
            }
        }
        return (findings, credentials)
    }

    /// Whether a file found in a folder, not Portcullis's, is a publisher configuration:
    /// named as APIOps names them, holding a top-level `apimServiceName` (in any case,
    /// block or flow style), or shaped as one: a top-level section of the publisher's
    /// (besides `tags`, which OpenAPI has too) listing an override (``listsOverrides(_:)``). The publisher
    /// takes its file from wherever the pipeline says, under any name, JSON too (audit V24:
    /// `overrides-prod.yaml` replaced the issuer unseen). A file that mentions the key and
    /// cannot be read is one too, so that the run says it could not check it, and so is one
    /// that mentions an override and is larger than the size limit (audit V28: padded past
    /// it, an excluded one was left out in silence).
    static func isConfiguration(_ file: SourceFile, limits: InputLimits) -> Bool {
        let file = asThePublisherReadsIt(file)
        guard mayBeConfiguration(file) else { return false }
        let named = isConfigurationName(file.path.utf8)
        let mentionsServiceName = mentionsServiceName(file.bytes)
        guard file.size <= limits.maxFileSize else { return true }
        var ignored = DiagnosticCollector()
        let read = YAMLReader(file: FileID(0), limits: limits).readSideFile(file, diagnostics: &ignored)
        guard read.complete else { return named || mentionsServiceName }
        let fields = read.roots.flatMap { root -> [YAMLEntry] in
            guard case .mapping(let fields) = root.content else { return [] }
            return fields
        }
        let keys = fields.map { $0.key.propertyNameFolded }
        guard named else { return keys.contains("apimservicename") || fields.contains(where: Self.listsOverrides) }
        // So named, an OpenAPI document is not one, unless it also holds a section of the
        // publisher's other than 'tags', which OpenAPI has too.
        guard keys.contains(where: { $0 == "openapi" || $0 == "swagger" }) else { return true }
        return keys.contains { $0 != "tags" && sectionKeys.contains($0) }
    }

    /// Whether `file`, or the start of it, may be a publisher configuration
    /// (``isConfiguration(_:limits:)``), told by its name and bytes alone.
    static func mayBeConfiguration(_ file: SourceFile) -> Bool {
        let file = asThePublisherReadsIt(file)
        return !file.isPolicyXML && (isConfigurationName(file.path.utf8) || mentionsServiceName(file.bytes) || mentionsAnOverride(file.bytes))
    }

    /// `file` decoded as the publisher's reader decodes it, which follows a UTF-16 or UTF-32
    /// byte-order mark (audit V27: a UTF-16 JSON configuration, as Windows PowerShell 5
    /// writes one, passed as a side file). A configuration so encoded is then refused on
    /// reading, as Portcullis reads UTF-8 alone (YS001).
    private static func asThePublisherReadsIt(_ file: SourceFile) -> SourceFile {
        guard let encoding = OtherEncoding(markOf: file.bytes) else { return file }
        return SourceFile(path: file.path, bytes: encoding.decoded(file.bytes), size: file.size)
    }

    /// Whether `field` is a section of the publisher's, besides `tags`, that lists an
    /// override: an entry with a `name` and what the publisher merges into the resource it
    /// names (`properties`, or its policies, operations or diagnostics). The publisher takes
    /// the entries that have a `name` and passes over the rest (Azure/apiops's
    /// `OverrideDtoFactory`), so one such entry is enough (audit V25: one entry without a
    /// name hid a file's overrides); an entry without them overrides nothing, as in the
    /// rule groups of monitoring tools, which share the section names.
    private static func listsOverrides(_ field: YAMLEntry) -> Bool {
        let key = field.key.propertyNameFolded
        guard key != "tags", sectionKeys.contains(key), case .sequence(let entries) = field.value.content else { return false }
        return entries.contains { entry in
            guard case .mapping(let fields) = entry.content, fields.contains(where: { $0.key.propertyNameFolded == "name" && $0.value.scalar != nil }) else { return false }
            return fields.contains { Self.overrides($0.key.propertyNameFolded, in: key) }
        }
    }

    /// Whether `key` of an entry of `section` (both folded) is what the publisher merges
    /// into the resource the entry names: `properties` anywhere, an API's operations and
    /// diagnostics, and the policies of an API, a product and the gateway (audit V27: the
    /// `policies` of a vault's group, which overrides nothing, was taken for an override).
    private static func overrides(_ key: String, in section: String) -> Bool {
        switch key {
        case "properties": true
        case "operations", "diagnostics": section == "apis"
        case "policies": ["apis", "products", "servicepolicies", "policies"].contains(section)
        default: false
        }
    }

    /// Whether `bytes` write, each as a key (its name in any letter case, quoted or not,
    /// then `:`), a section of the publisher's that ``listsOverrides(_:)`` reads and what
    /// an entry merges. Most files found are not read further: 300 OpenAPI documents in
    /// JSON, whose paths name `/products`, took 0.6 s read whole, and 40 catalogues of
    /// `{"products": […]}` 19 s (audit V28). A key spelt by escapes or an alias is not
    /// looked for: the publisher reads the file a pipeline names, and a pull request that
    /// can name one can name one outside the checked folders as well.
    private static func mentionsAnOverride(_ bytes: [UInt8]) -> Bool {
        sectionWords.contains { mentions($0, in: bytes, asAKey: true) } && overrideWords.contains { mentions($0, in: bytes, asAKey: true) }
    }

    private static let sectionWords: [[UInt8]] = Section.allCases.filter { $0 != .tags }.map { Array($0.rawValue.utf8) }
    private static let overrideWords: [[UInt8]] = ["properties", "policies", "operations", "diagnostics"].map { Array($0.utf8) }

    /// `configuration.NAME.yaml` (or `.yml`, or `.json`, which the publisher reads as YAML),
    /// the last part of `path`, in any letter case: the names APIOps gives publisher
    /// configurations, one per environment.
    static func isConfigurationName(_ path: some BidirectionalCollection<UInt8>) -> Bool {
        let name = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).last.map { $0.map(\.asciiLowercased) } ?? []
        let suffix = [".yaml", ".yml", ".json"].first { name.reversed().starts(with: $0.utf8.reversed()) }?.utf8.count
        guard let suffix, name.starts(with: "configuration.".utf8) else { return false }
        return name.count > "configuration.".utf8.count + suffix
    }

    private static func mentionsServiceName(_ bytes: [UInt8]) -> Bool {
        mentions(Array("apimservicename".utf8), in: bytes)
    }

    /// Whether `bytes` hold `needle`, lowercase letters, in any letter case, as the
    /// publisher's reader compares keys (``Swift/String/propertyNameFolded``): a dotless `ı`
    /// is an `i` there, and a long `ſ` an `s`.
    /// `asAKey`: standing alone, after an opening quote if any (at the start, after a line
    /// break, a blank, `{` or `,`: `"/products":`, an OpenAPI path, is no key of its own),
    /// and followed by a closing quote, if any, blanks and `:`.
    private static func mentions(_ needle: [UInt8], in bytes: [UInt8], asAKey: Bool = false) -> Bool {
        bytes.withUnsafeBufferPointer { haystack in
            func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") }
            func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
            func startsAKey(at start: Int) -> Bool {
                var position = start
                if position > 0, isQuote(haystack[position - 1]) { position -= 1 }
                // A UTF-8 byte-order mark starts a file as nothing does (audit V28).
                let isFirst = position == 0 || (position == 3 && haystack[0] == 0xEF && haystack[1] == 0xBB && haystack[2] == 0xBF)
                return isFirst || isBlank(haystack[position - 1]) || haystack[position - 1] == UInt8(ascii: "{") || haystack[position - 1] == UInt8(ascii: ",")
            }
            func endsAKey(at start: Int) -> Bool {
                var position = start
                if position < haystack.count, isQuote(haystack[position]) { position += 1 }
                while position < haystack.count, isBlank(haystack[position]) { position += 1 }
                return position < haystack.count && haystack[position] == UInt8(ascii: ":")
            }
            func matches(at start: Int) -> Bool {
                var position = start
                for letter in needle {
                    guard position < haystack.count else { return false }
                    if haystack[position] | 0x20 == letter {
                        position += 1
                        continue
                    }
                    let folded: (UInt8, UInt8)? = letter == UInt8(ascii: "i") ? (0xC4, 0xB1) : letter == UInt8(ascii: "s") ? (0xC5, 0xBF) : nil
                    guard let folded, position + 1 < haystack.count, haystack[position] == folded.0, haystack[position + 1] == folded.1 else { return false }
                    position += 2
                }
                return !asAKey || (startsAKey(at: start) && endsAKey(at: position))
            }
            return haystack.indices.contains { haystack[$0] | 0x20 == needle[0] && matches(at: $0) }
        }
    }

    /// The `value` of each `namedValues` entry of `root` that `isSecret` says is a secret,
    /// given the entry and its name; every spelling of `properties` and `value` is read, and
    /// a name one entry makes secret is secret in every entry that repeats it.
    private static func values(of root: YAMLNode, where isSecret: (YAMLNode, String) -> Bool) -> [SourceRange] {
        guard case .mapping(let sections) = root.content else { return [] }
        let entries = sections.filter { $0.key.propertyNameFolded == "namedvalues" }.flatMap { section -> [YAMLNode] in
            guard case .sequence(let entries) = section.value.content else { return [] }
            return entries
        }
        let name = { (entry: YAMLNode) in fields("name", of: entry).first?.scalar?.text.propertyNameFolded ?? "" }
        let secret = Set(entries.filter { isSecret($0, name($0)) }.map(name))
        return entries.filter { secret.contains(name($0)) }.flatMap { entry in
            fields("properties", of: entry).flatMap { fields("value", of: $0) }.filter { $0.scalar != nil }.map(\.range)
        }
    }

    /// What the publisher sends APIM as credentials, written out in `root` (found by an
    /// audit: none was reported): each item of a backend's `credentials.header` and
    /// `credentials.query` lists, judged under its header's or parameter's name as a raw
    /// `set-header` or `set-query-parameter` is (`x-functions-key`, `code` with a key's
    /// length, or a generated key under any name; the sample's `INSERT HARDCODED VALUE` is
    /// none), and whatever is written in its `credentials.authorization`'s `parameter`
    /// (`Basic` and the Base64 of `user:password`) and a subscription's `primaryKey` and
    /// `secondaryKey`, but a placeholder or a `{{named value}}`.
    private static func credentialsWritten(in root: YAMLNode) -> [SourceRange] {
        func items(_ node: YAMLNode) -> [(range: SourceRange, text: String)] {
            let nodes = if case .sequence(let items) = node.content { items } else { [node] }
            return nodes.compactMap { node in node.scalar.flatMap { $0.isNull ? nil : (node.range, $0.text) } }
        }
        func entries(_ section: String) -> [YAMLNode] {
            fields(section, of: root).flatMap { node -> [YAMLNode] in
                guard case .sequence(let entries) = node.content else { return [] }
                return entries.flatMap { fields("properties", of: $0) }
            }
        }
        func named(_ parameters: [YAMLNode], inQuery: Bool) -> [SourceRange] {
            parameters.flatMap { parameters -> [SourceRange] in
                guard case .mapping(let named) = parameters.content else { return [] }
                return named.flatMap { entry in
                    items(entry.value).filter {
                        CredentialScanner.isCredential($0.text, orNamedSoBy: entry.key)
                            || (inQuery && CredentialScanner.isWrittenOut($0.text) && CredentialScanner.namesAQueryCredential(entry.key, given: $0.text))
                    }.map(\.range)
                }
            }
        }
        func written(_ nodes: [YAMLNode]) -> [SourceRange] {
            nodes.flatMap(items).filter { CredentialScanner.isWrittenOut($0.text) && !CredentialScanner.isAPlaceholder($0.text) }.map(\.range)
        }
        var found: [SourceRange] = []
        for credentials in entries("backends").flatMap({ fields("credentials", of: $0) }) {
            found += named(fields("header", of: credentials), inQuery: false) + named(fields("query", of: credentials), inQuery: true)
            found += written(fields("authorization", of: credentials).flatMap { fields("parameter", of: $0) })
        }
        found += written(entries("subscriptions").flatMap { fields("primarykey", of: $0) + fields("secondarykey", of: $0) })
        return found
    }

    /// Whether an entry's `properties` make its value a secret the publisher sends as one:
    /// a `secret` flag that is not false as YAML 1.1 reads it (`yes` is true there), or a
    /// Key Vault reference. Every spelling of `properties` and of the keys is read, so a
    /// second `Secret: true` beside `secret: false` is not lost; when in doubt, the value
    /// is a secret, never written or quoted.
    public static func marksASecret(_ entry: YAMLNode) -> Bool {
        fields("properties", of: entry).contains { properties in
            fields("secret", of: properties).contains { flag in
                guard let text = flag.scalar?.text.trimmingWhitespace.lowercased() else { return !flag.isNull }
                return !["", "false", "no", "off", "n", "null", "~"].contains(text)
            } || fields("keyvault", of: properties).contains { !$0.isNull }
        }
    }

    /// The values of `key` (folded) in mapping `node`, in every letter case it is written.
    private static func fields(_ key: String, of node: YAMLNode) -> [YAMLNode] {
        guard case .mapping(let fields) = node.content else { return [] }
        return fields.filter { $0.key.propertyNameFolded == key }.map(\.value)
    }
}

/// A resource the bundle publishes, as a publisher configuration addresses it: by the
/// section key it is listed under and its name, with the sections of its own children.
private struct PublishedResource {
    /// How messages name it: "named value 'tenant-id'".
    var what: String
    /// Where it is declared, for the note.
    var declared: SourceRange
    /// What is declared there: the resource itself, or the scope a policy belongs to.
    var declaredThing: String? = nil
    /// Its child sections the bundle writes.
    var children: Sections = [:]

    /// Sections of a configuration by folded key, each resource by folded name: the
    /// publisher compares both as .NET's `OrdinalIgnoreCase` does.
    typealias Sections = [String: [String: PublishedResource]]

    /// Child sections that name resources the bundle never writes (an API's diagnostics):
    /// an override there changes nothing Portcullis judged.
    private static let unwrittenChildren: Set<String> = ["diagnostics", "releases", "schemas", "wikis", "issues", "tagdescriptions"]

    /// The root of the bundle: every resource it writes, under the configuration keys the
    /// publisher looks them up by.
    static func bundle(of definitions: Definitions) -> Sections {
        var root: Sections = [:]
        // The first declaration of a name is the one notes point at.
        func add(_ section: PublisherConfigurations.Section, _ resources: [PublishedResource.Entry]) {
            for entry in resources where root[section.rawValue]?[entry.name.propertyNameFolded] == nil {
                root[section.rawValue, default: [:]][entry.name.propertyNameFolded] = entry.resource
            }
        }
        let gateways = definitions.gateways
        add(.namedValues, gateways.flatMap { $0.namedValues.map { Entry($0.name, "named value") } })
        add(.namedValues, gateways.flatMap { $0.secrets.map { Entry($0.name, "secret") } })
        add(.groups, gateways.flatMap { $0.groups.map { Entry($0.name, "group") } })
        add(.versionSets, gateways.flatMap { $0.versionSets.map { Entry($0.name, "version set") } })
        // Only tags an API or a product carries are written, each with the gateway's
        // declaration when it has one.
        let declaredTags = Dictionary(gateways.flatMap(\.tags).map { ($0.name.value.propertyNameFolded, $0.name) }, uniquingKeysWith: { first, _ in first })
        add(
            .tags,
            (definitions.apis.flatMap(\.tags) + definitions.products.flatMap(\.tags)).map { Entry(declaredTags[$0.value.propertyNameFolded] ?? $0, "tag") })
        add(.backends, definitions.backends.map { Entry($0.name, "backend") })
        add(.policyFragments, definitions.fragments.map { Entry($0.name, "policy fragment") })
        add(
            .products,
            definitions.products.map { product in
                let name = "product '\(product.name.value)'"
                var entry = Entry(product.name, "product")
                entry.resource.children["policies"] = policy(of: name, declared: product.name.range)
                entry.resource.children["apis"] = links(product.apis, of: name)
                entry.resource.children["groups"] = links(product.groups, of: name)
                return entry
            })
        add(
            .apis,
            definitions.apis.map { api in
                var entry = Entry(api.name, "API")
                entry.resource.children["policies"] = policy(of: "API '\(api.name.value)'", declared: api.name.range)
                entry.resource.children["operations"] = Dictionary(
                    api.routes.map { route in
                        let name = "route '\(api.name.value)/\(route.id.value)'"
                        var operation = PublishedResource(what: name, declared: route.id.range)
                        operation.children["policies"] = policy(of: name, declared: route.id.range)
                        return (route.id.value.propertyNameFolded, operation)
                    }, uniquingKeysWith: { first, _ in first })
                return entry
            })
        if let gateway = gateways.first {
            for section in [PublisherConfigurations.Section.policies, .servicePolicies] {
                root[section.rawValue] = policy(of: "gateway '\(gateway.name.value)'", declared: gateway.name.range)
            }
        }
        return root
    }

    /// A named resource of one section, as `add` takes it.
    private struct Entry {
        var name: String
        var resource: PublishedResource

        init(_ name: Located<String>, _ kind: String) {
            self.name = name.value
            resource = PublishedResource(what: "\(kind) '\(name.value)'", declared: name.range)
        }
    }

    /// The policy of a scope, which the publisher names `policy`.
    private static func policy(of scope: String, declared: SourceRange) -> [String: PublishedResource] {
        ["policy": PublishedResource(what: "the policy of \(scope)", declared: declared, declaredThing: scope)]
    }

    /// The links of a product to its APIs or groups, each a resource of its own.
    private static func links(_ names: [Located<String>], of scope: String) -> [String: PublishedResource] {
        Dictionary(
            names.map { ($0.value.propertyNameFolded, PublishedResource(what: "the link of \(scope) to '\($0.value)'", declared: $0.range)) },
            uniquingKeysWith: { first, _ in first })
    }

    /// Reports what `node` overrides: at the root (`owner` nil) the entries of each section
    /// that name a resource the bundle writes; in such an entry, every key but `name` and the
    /// sections of unwritten children, and the entries of its written children's sections.
    static func judge(_ node: YAMLNode, sections: Sections, owner: PublishedResource?, into findings: inout DiagnosticCollector) {
        guard case .mapping(let fields) = node.content else { return }
        for field in fields {
            let key = field.key.propertyNameFolded
            guard let section = sections[key] else {
                if let owner, key != "name", !unwrittenChildren.contains(key) { owner.report(field, into: &findings) }
                // The publisher's configuration reader takes 'namedValues:0' for an entry of
                // 'namedValues', which is no entry here: one that may name a resource the
                // bundle writes is reported whatever it names.
                let section = field.key.prefix { $0 != ":" }
                if owner == nil, section.count < field.key.count, sections[String(section).propertyNameFolded] != nil {
                    findings.report(
                        .publisherOverride,
                        "publisher configuration key '\(DisplayText.escaped(field.key.utf8))' writes an entry of '\(DisplayText.escaped(section.utf8))', whose resources the bundle publishes",
                        at: field.keyRange,
                        notes: [
                            Diagnostic.Note(
                                "the publisher reads each ':' as a level; write the entry in the list '\(DisplayText.escaped(section.utf8))', where it is checked, and only for what Portcullis does not write",
                                at: field.keyRange)
                        ])
                }
                continue
            }
            guard case .sequence(let items) = field.value.content else {
                owner?.report(field, into: &findings)
                continue
            }
            for item in items {
                guard let child = names(of: item).lazy.compactMap({ section[$0.propertyNameFolded] }).first else { continue }
                judge(item, sections: child.children, owner: child, into: &findings)
            }
        }
    }

    private func report(_ field: YAMLEntry, into findings: inout DiagnosticCollector) {
        let notes = [
            Diagnostic.Note(
                "the APIOps publisher merges this over what the bundle publishes, unseen by 'lint' and 'diff'; say it in the definitions, in a 'kind: Environment' document where it differs between environments, and remove it here",
                at: field.keyRange),
            Diagnostic.Note("\(declaredThing ?? what) is declared here", at: declared),
        ]
        findings.report(
            .publisherOverride, "publisher configuration overrides '\(DisplayText.escaped(field.key.utf8))' of \(what), which the bundle publishes",
            at: field.keyRange, notes: notes)
    }

    /// The names an entry gives itself: the value of each of its keys that is `name` in
    /// some letter case, since the publisher's reader may keep `Name` and `name` apart.
    private static func names(of item: YAMLNode) -> [String] {
        guard case .mapping(let fields) = item.content else { return [] }
        return fields.filter { $0.key.propertyNameFolded == "name" }.compactMap { $0.value.scalar?.text }
    }
}
