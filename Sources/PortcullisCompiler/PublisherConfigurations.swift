#if canImport(Glibc)
    import Glibc
#endif
import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport
import PortcullisSyntax

/// The APIOps publisher configurations among the run's side files, each entry checked
/// against what the bundle publishes (RF009).
///
/// The publisher merges every entry of such a file into the resource it names when it
/// deploys, the policies of each scope included, and takes the whole entry as it is. An
/// entry that names a resource the bundle writes therefore changes what `lint` and `diff`
/// judged, and neither would otherwise see it: the file is not a Portcullis file. Each such
/// entry is an error, located where it overrides, with a note where the resource is declared.
///
/// A file is a publisher configuration when its name is APIOps's (`configuration.yaml`,
/// `configuration.NAME.yaml` or `.yml`, any letter case) or when it has a top-level
/// `apimServiceName`. Keys and names are matched ignoring case, as the publisher's
/// configuration reader may: an entry the publisher would not match is only reported too
/// often, never missed. A file so named that cannot be read is reported, not skipped, since
/// the publisher might read what Portcullis cannot.
package struct PublisherConfigurations {
    /// Each configuration read, with its file's number.
    private var documents: [(file: FileID, roots: [YAMLNode])] = []
    /// What reading them reported.
    private var problems = DiagnosticCollector()
    /// The configurations' paths, as reports show them: inputs of the run after all.
    private(set) var paths: [String] = []
    /// Credential-like text in the configurations, which reports quoting them must mask.
    private(set) var credentials: [SourceRange] = []

    /// Reads the side files `sideFiles` that are configurations and not an API's OpenAPI document.
    init(sources: SourceFiles, sideFiles: Range<Int>, notNamedIn openAPIFiles: OpenAPIFiles, limits: InputLimits) {
        let named = Set(openAPIFiles.namedPaths)
        for id in sideFiles where !named.contains(sources.files[id].path) && Self.isConfiguration(sources.files[id]) {
            let file = sources.files[id]
            paths.append(file.path)
            let read = YAMLReader(file: FileID(id), limits: limits).readSideFile(file, diagnostics: &problems)
            documents.append((FileID(id), read.roots))
            credentials += read.credentials
        }
    }

    /// What the configurations override of the resources `definitions` declare, with what
    /// reading them reported; the same for every environment, which cannot rename anything.
    func findings(against definitions: Definitions) -> DiagnosticCollector {
        var findings = problems
        guard !documents.isEmpty else { return findings }
        let bundle = PublishedResource.bundle(of: definitions)
        for (_, roots) in documents {
            for root in roots { PublishedResource.judge(root, sections: bundle, owner: nil, into: &findings) }
        }
        return findings
    }

    /// APIOps's name for the file, or an `apimServiceName` key at the start of a line.
    static func isConfiguration(_ file: SourceFile) -> Bool {
        guard !file.isPolicyXML, !file.path.hasSuffix(".json") else { return false }
        let name = (file.path.split(separator: "/").last.map(String.init) ?? file.path).lowercased()
        if name.hasPrefix("configuration."), name.hasSuffix(".yaml") || name.hasSuffix(".yml") { return true }
        return startsALine("apimservicename", in: file.bytes)
    }

    /// Whether a line of `bytes` starts with `key` (lowercase ASCII, matched in any case),
    /// quoted or not; each line found with `memchr`, as side files may be large.
    private static func startsALine(_ key: StaticString, in bytes: [UInt8]) -> Bool {
        let needle = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        return bytes.withUnsafeBufferPointer { haystack in
            guard var line = haystack.baseAddress else { return false }
            let end = line + haystack.count
            while line < end {
                let start = line.pointee == UInt8(ascii: "\"") || line.pointee == UInt8(ascii: "'") ? line + 1 : line
                if end - start >= needle.count, needle.indices.allSatisfy({ start[$0] | 0x20 == needle[$0] }) { return true }
                guard let newline = memchr(line, 0x0A, end - line) else { return false }
                line = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return false
        }
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

    /// Sections of a configuration by lowercased key, each resource by lowercased name.
    typealias Sections = [String: [String: PublishedResource]]

    /// Child sections that name resources the bundle never writes (an API's diagnostics):
    /// an override there changes nothing Portcullis judged.
    private static let unwrittenChildren: Set<String> = ["diagnostics", "releases", "schemas", "wikis", "issues", "tagdescriptions"]

    /// The root of the bundle: every resource it writes, under the configuration keys the
    /// publisher looks them up by.
    static func bundle(of definitions: Definitions) -> Sections {
        var root: Sections = [:]
        func add(_ section: String, _ resources: [PublishedResource.Entry]) {
            for entry in resources {
                root[section, default: [:]][entry.name.lowercased()] = entry.resource
            }
        }
        let gateways = definitions.gateways
        add("namedvalues", gateways.flatMap { $0.namedValues.map { Entry($0.name, "named value") } })
        add("namedvalues", gateways.flatMap { $0.secrets.map { Entry($0.name, "secret") } })
        add("groups", gateways.flatMap { $0.groups.map { Entry($0.name, "group") } })
        add("versionsets", gateways.flatMap { $0.versionSets.map { Entry($0.name, "version set") } })
        add("tags", gateways.flatMap { $0.tags.map { Entry($0.name, "tag") } })
        add("tags", (definitions.apis.flatMap(\.tags) + definitions.products.flatMap(\.tags)).map { Entry($0, "tag") })
        add("backends", definitions.backends.map { Entry($0.name, "backend") })
        add("policyfragments", definitions.fragments.map { Entry($0.name, "policy fragment") })
        add(
            "products",
            definitions.products.map { product in
                let name = "product '\(product.name.value)'"
                var entry = Entry(product.name, "product")
                entry.resource.children["policies"] = policy(of: name, declared: product.name.range)
                entry.resource.children["apis"] = links(product.apis, of: name)
                entry.resource.children["groups"] = links(product.groups, of: name)
                return entry
            })
        add(
            "apis",
            definitions.apis.map { api in
                var entry = Entry(api.name, "API")
                entry.resource.children["policies"] = policy(of: "API '\(api.name.value)'", declared: api.name.range)
                entry.resource.children["operations"] = Dictionary(
                    api.routes.map { route in
                        let name = "route '\(api.name.value)/\(route.id.value)'"
                        var operation = PublishedResource(what: name, declared: route.id.range)
                        operation.children["policies"] = policy(of: name, declared: route.id.range)
                        return (route.id.value.lowercased(), operation)
                    }, uniquingKeysWith: { first, _ in first })
                return entry
            })
        if let gateway = gateways.first {
            root["policies"] = policy(of: "gateway '\(gateway.name.value)'", declared: gateway.name.range)
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
            names.map { ($0.value.lowercased(), PublishedResource(what: "the link of \(scope) to '\($0.value)'", declared: $0.range)) },
            uniquingKeysWith: { first, _ in first })
    }

    /// Reports what `node` overrides: at the root (`owner` nil) the entries of each section
    /// that name a resource the bundle writes; in such an entry, every key but `name` and the
    /// sections of unwritten children, and the entries of its written children's sections.
    static func judge(_ node: YAMLNode, sections: Sections, owner: PublishedResource?, into findings: inout DiagnosticCollector) {
        guard case .mapping(let fields) = node.content else { return }
        for field in fields {
            let key = field.key.lowercased()
            guard let section = sections[key] else {
                if let owner, key != "name", !unwrittenChildren.contains(key) { owner.report(field, into: &findings) }
                continue
            }
            guard case .sequence(let items) = field.value.content else {
                owner?.report(field, into: &findings)
                continue
            }
            for item in items {
                guard let name = name(of: item), let child = section[name.lowercased()] else { continue }
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

    /// The `name` of an entry, in any letter case.
    private static func name(of item: YAMLNode) -> String? {
        guard case .mapping(let fields) = item.content else { return nil }
        return fields.first { $0.key.lowercased() == "name" }?.value.scalar?.text
    }
}
