import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisEmit
import PortcullisModel
import PortcullisSupport
import PortcullisSyntax

/// An APIOps tree turned into a Portcullis project: definitions, the estate's policy
/// documents as raw policy files, and its specifications as the APIs' own documents.
///
/// Every resource keeps its APIM name, so the bundle updates the resources the estate has.
/// What the language has fields for becomes fields; the policy documents are carried as
/// they are written, and ``StatementLifting`` then turns the statements it can into fields.
struct EstateTranslation {
    /// The project's definitions files, by their path in `--out`: the documents of each.
    var documents: [String: [YAMLValue]] = [:]
    /// Files carried byte for byte (specifications) or as raw policy.
    var carried: [String: [UInt8]] = [:]
    var notes: [ImportNote] = []
    /// Each policy document of the tree, by the bundle path a build writes it to.
    var policies: [String: APIOpsTree.File] = [:]
    /// Each information file's properties, by the bundle path of the file a build writes.
    var informations: [String: (file: String, properties: InformationProperties)] = [:]
    /// Bundle paths of documents imported with nothing taken: their statements stay raw.
    let keptRaw: Set<String>
    /// How many statements each document had taken into fields, by bundle path.
    var lifted: [String: Int] = [:]
    /// Statements taken into fields and kept raw, over the documents where lifting was tried.
    var statementCounts = (taken: 0, kept: 0)
    private let backendNames: Set<String>
    /// What the project declares, for a publisher configuration's overrides to name.
    var declared = ConfigurationTranslation.Declared(namedValues: [], secrets: [], backends: [], urlBackedAPIs: [], apis: [])

    private static let header: [(String, YAMLValue)] = [("apiVersion", .string("portcullis/v1"))]

    init(_ tree: APIOpsTree, gatewayName: String, limits: InputLimits, keptRaw: Set<String> = []) {
        notes = tree.skipped
        self.keptRaw = keptRaw
        backendNames = Set(tree.backends.map(\.name))
        declared.backends = backendNames
        var definitionsFiles: [String: [YAMLValue]] = [:]
        definitionsFiles["gateway.yaml"] = [gateway(tree, name: gatewayName)]
        definitionsFiles["backends.yaml"] = tree.backends.map { backend($0) }
        definitionsFiles["fragments.yaml"] = tree.fragments.map { fragment($0) }
        let apiTags = Dictionary(grouping: tree.tags.flatMap { tag in tag.apis.map { ($0, tag.resource.name) } }, by: \.0).mapValues { $0.map(\.1) }
        let productTags = Dictionary(grouping: tree.tags.flatMap { tag in tag.products.map { ($0, tag.resource.name) } }, by: \.0).mapValues {
            $0.map(\.1)
        }
        let versionSets = Self.byFoldedName(tree.versionSets.map(\.name))
        var imported = Set<String>()
        for api in tree.apis {
            guard let document = self.api(api, tags: apiTags[api.resource.name] ?? [], versionSets: versionSets, limits: limits) else {
                continue
            }
            definitionsFiles["apis/\(api.resource.name).yaml"] = [document]
            imported.insert(api.resource.name)
            if case .mapping(let fields) = document, fields.contains(where: { $0.0 == "backend" && Self.isURL($0.1) }) {
                declared.urlBackedAPIs.insert(api.resource.name)
            }
        }
        let importedByFoldedName = Self.byFoldedName(imported)
        definitionsFiles["products.yaml"] = tree.products.map { product(imported: importedByFoldedName, tags: productTags[$0.resource.name] ?? [], $0) }
        declared.apis = imported
        expectLinks(tree, imported: imported)
        documents = definitionsFiles.filter { !$0.value.isEmpty }
    }

    /// The files that tie resources together (a product's APIs and groups, a tag's APIs
    /// and products), which the build must write for every link between imported resources.
    private mutating func expectLinks(_ tree: APIOpsTree, imported: Set<String>) {
        func expect(_ folder: String, _ bundleFolder: String, _ file: String) {
            informations["apim/\(bundleFolder)/\(file)"] = ("\(folder)/\(file)", InformationProperties())
        }
        let groups = Set(tree.groups.map(\.name))
        for product in tree.products {
            let name = product.resource.name
            for api in product.apis where imported.contains(api) {
                expect("\(product.resource.folder)/apis/\(api)", "products/\(name)/apis/\(api)", "productApiInformation.json")
            }
            for group in product.groups where groups.contains(group) {
                expect("\(product.resource.folder)/groups/\(group)", "products/\(name)/groups/\(group)", "productGroupInformation.json")
            }
        }
        for tag in tree.tags {
            let name = tag.resource.name
            guard tag.apis.contains(where: imported.contains) || !tag.products.isEmpty else {
                notes.append(ImportNote(.notImported, tag.resource.folder, "tag '\(name)' tags nothing imported, so the bundle has no tag '\(name)'"))
                continue
            }
            informations["apim/tags/\(name)/tagInformation.json"] = (tag.resource.folder + "/tagInformation.json", tag.resource.properties)
            for api in tag.apis where imported.contains(api) {
                expect("\(tag.resource.folder)/apis/\(api)", "tags/\(name)/apis/\(api)", "tagApiInformation.json")
            }
            for product in tag.products {
                expect("\(tag.resource.folder)/products/\(product)", "tags/\(name)/products/\(product)", "tagProductInformation.json")
            }
        }
    }

    /// Each publisher configuration as an environment named by its file
    /// (`configuration.prod.yaml` is `prod`).
    mutating func addEnvironments(_ files: [APIOpsTree.File], limits: InputLimits) {
        for file in files {
            let base = file.path.split(separator: "/").last.map(String.init) ?? file.path
            let parts = base.split(separator: ".")
            guard parts.count == 3, parts[0] == "configuration", ["yaml", "yml"].contains(parts[2]), Grammar.isName(String(parts[1])) else {
                notes.append(ImportNote(.error, file.path, "a publisher configuration is named 'configuration.NAME.yaml', NAME an environment name"))
                continue
            }
            let name = String(parts[1])
            let environmentPath = "environments/\(name).yaml"
            guard documents[environmentPath] == nil else {
                notes.append(
                    ImportNote(.error, file.path, "environment '\(name)' is imported from another publisher configuration already; merge the two, or rename one"))
                continue
            }
            let configuration = ConfigurationTranslation(file.bytes, path: file.path, name: name, declared: declared, limits: limits)
            notes += configuration.notes
            if let document = configuration.document { documents[environmentPath] = [document] }
        }
    }

    // MARK: - Gateway

    private mutating func gateway(_ tree: APIOpsTree, name: String) -> YAMLValue {
        var fields = Self.header + [("kind", .string("Gateway")), ("name", .string(name))]
        var namedValues: [(String, YAMLValue)] = []
        var secrets: [(String, YAMLValue)] = []
        for value in tree.namedValues {
            let properties = value.properties
            let path = "apim/named values/\(value.name)/namedValueInformation.json"
            informations[path] = (value.folder + "/namedValueInformation.json", properties)
            var extra: [(String, YAMLValue)] = []
            if let display = properties["displayName"]?.string, display != value.name { extra.append(("displayName", .string(display))) }
            if let tags = properties["tags"]?.strings, !tags.isEmpty { extra.append(("tags", .sequence(tags.map(YAMLValue.string)))) }
            // `"keyVault": null` says there is none. A `secret` that is anything but false
            // (`"true"` as text, say) is taken for a secret: its value is never written.
            // A value not marked secret that is a credential (a connection string with its
            // key) would be copied into plain YAML: it is taken for a secret APIM keeps, and
            // the round trip leaves out the flag that changes (found by an audit of import).
            let credential = !properties.sets("secret") && !properties.sets("keyVault")
                && properties["value"]?.string.map { CredentialScanner.isCredential($0, orNamedSoBy: value.name) } == true
            if credential {
                informations[path] = (value.folder + "/namedValueInformation.json", properties.removing(["secret", "value"]))
                notes.append(
                    ImportNote(
                        .error, value.folder,
                        "named value '\(value.name)' is not marked secret but holds what looks like a credential, so its value is not written; put it in Key Vault and replace the placeholder reference in 'gateway.yaml'"
                    ))
            }
            if credential || properties.sets("secret") || properties.sets("keyVault") {
                let vault = properties["keyVault"]?["secretIdentifier"]?.string
                if vault == nil && !credential {
                    notes.append(
                        ImportNote(
                            .error, value.folder,
                            "secret named value '\(value.name)' is stored in APIM, so its value cannot be imported; put it in Key Vault and replace the placeholder reference in 'gateway.yaml'"
                        ))
                }
                // `lint` refuses the placeholder (YS004) until it is replaced.
                let reference = vault ?? Grammar.keyVaultPlaceholder + value.name
                secrets.append((value.name, .mapping([("keyVault", .string(reference))] + extra)))
                declared.secrets.insert(value.name)
                continue
            }
            guard let text = properties["value"]?.string else {
                notes.append(ImportNote(.error, value.folder, "named value '\(value.name)' has no value; it is declared empty"))
                namedValues.append((value.name, extra.isEmpty ? .string("") : .mapping([("value", .string(""))] + extra)))
                continue
            }
            if NamedValues.startsWithAt(text) {
                notes.append(
                    ImportNote(
                        .error, value.folder,
                        "named value '\(value.name)' starts with '@' (a policy expression), which a named value's field cannot carry; write the expression where it is used"))
            }
            namedValues.append((value.name, extra.isEmpty ? .string(text) : .mapping([("value", .string(text))] + extra)))
            declared.namedValues.insert(value.name)
        }
        if !namedValues.isEmpty { fields.append(("namedValues", .mapping(namedValues))) }
        if !secrets.isEmpty { fields.append(("secrets", .mapping(secrets))) }
        // APIM's own groups, which the extractor writes too, are in every instance, and
        // products name them without a declaration.
        let groups = tree.groups.filter { !Group.isBuiltIn($0.name) }.map { group -> (String, YAMLValue) in
            informations["apim/groups/\(group.name)/groupInformation.json"] = (group.folder + "/groupInformation.json", group.properties)
            notCarried(group.properties, except: ["displayName", "description", "type"], of: group.folder)
            return (group.name, .mapping(Self.strings(group.properties, ["displayName", "description"])))
        }
        if !groups.isEmpty { fields.append(("groups", .mapping(groups))) }
        let versionSets = tree.versionSets.map { set -> (String, YAMLValue) in
            informations["apim/version sets/\(set.name)/versionSetInformation.json"] = (set.folder + "/versionSetInformation.json", set.properties)
            let versionSetKeys: Set<String> = ["displayName", "description", "versioningScheme", "versionQueryName", "versionHeaderName"]
            notCarried(set.properties, except: versionSetKeys, of: set.folder)
            var entries = Self.strings(set.properties, ["displayName", "description"])
            let scheme = (set.properties["versioningScheme"]?.string ?? "Segment").lowercased()
            entries.append(("scheme", .string(scheme)))
            if let parameter = set.properties[scheme == "query" ? "versionQueryName" : "versionHeaderName"]?.string, scheme != "segment" {
                entries.append(("parameter", .string(parameter)))
            }
            return (set.name, .mapping(entries))
        }
        if !versionSets.isEmpty { fields.append(("versionSets", .mapping(versionSets))) }
        // A tag is declared only for a display name other than its name.
        let tags = tree.tags.compactMap { tag -> (String, YAMLValue)? in
            guard let display = tag.resource.properties["displayName"]?.string, display != tag.resource.name else { return nil }
            return (tag.resource.name, .mapping([("displayName", .string(display))]))
        }
        if !tags.isEmpty { fields.append(("tags", .mapping(tags))) }
        if let policy = tree.globalPolicy {
            let (path, lifted) = carry(policy, as: "policies/global.xml", bundlePath: "apim/policy.xml", lifting: .global)
            fields += lifted
            fields.append(("policy", .string(path)))
        } else {
            // The bundle always holds a global policy: one made of nothing would replace
            // the service's checks in silence (an audit).
            notes.append(
                ImportNote(
                    .error, "policy.xml",
                    "the tree holds no global policy, so the bundle's, which only forwards requests, would replace the service's; extract it too, or write what it does in the gateway's 'policy'"))
        }
        return .mapping(fields)
    }

    // MARK: - Backends and fragments

    private mutating func backend(_ backend: APIOpsTree.Resource) -> YAMLValue {
        let properties = backend.properties
        informations["apim/backends/\(backend.name)/backendInformation.json"] = (backend.folder + "/backendInformation.json", properties)
        var fields = Self.header + [("kind", .string("Backend")), ("name", .string(backend.name))]
        fields += Self.strings(properties, ["description"])
        var carriedKeys: Set<String> = ["description", "url", "protocol", "type"]
        if properties["type"]?.string?.lowercased() == "pool", case .array(let services)? = properties["pool"]?["services"] {
            let members = services.compactMap { service -> YAMLValue? in
                guard let id = service["id"]?.string, let name = id.split(separator: "/").last.map(String.init) else { return nil }
                var member: [(String, YAMLValue)] = [("backend", .string(name))]
                for key in ["priority", "weight"] {
                    // A number no integer holds is left out, and the round trip says the pool differs.
                    if case .number(let number)? = service[key], let integer = Int(exactly: number) { member.append((key, .integer(integer))) }
                }
                return .mapping(member)
            }
            fields.append(("pool", .sequence(members)))
            carriedKeys.insert("pool")
        } else if let url = properties["url"]?.string {
            fields.append(("url", .string(url)))
        } else {
            notes.append(ImportNote(.error, backend.folder, "backend '\(backend.name)' has no 'url'; write it in 'backends.yaml'"))
            fields.append(("url", .string(Self.placeholderURL)))
        }
        if case .object(let tls)? = properties["tls"] {
            let settings = ["validateCertificateChain", "validateCertificateName"].compactMap { key in tls.anyCase(key)?.bool.map { (key, YAMLValue.bool($0)) } }
            if settings.count == tls.count {
                fields.append(("tls", .mapping(settings)))
                carriedKeys.insert("tls")
            }
        }
        if let credentials = backendCredentials(properties["credentials"], of: backend) {
            fields.append(("credentials", credentials))
            carriedKeys.insert("credentials")
        }
        // What a backend does at run time: leaving it out would change how APIM calls it.
        let runtime: Set<String> = ["credentials", "tls", "proxy", "circuitBreaker", "pool"]
        notCarried(properties, except: carriedKeys.union(runtime), of: backend.folder)
        for key in runtime.subtracting(carriedKeys).sorted() where properties[key] != nil {
            notes.append(
                ImportNote(
                    .error, backend.folder,
                    "backend '\(backend.name)' has '\(key)' in a form the language does not carry; without it APIM would call the backend differently, so write it in 'backends.yaml'"))
        }
        return .mapping(fields)
    }

    /// Header and query credentials that are each one secret's named value (`{{name}}`),
    /// as the language carries them; nil when there are none or any is another form.
    private func backendCredentials(_ credentials: JSONValue?, of backend: APIOpsTree.Resource) -> YAMLValue? {
        guard case .object(let kinds)? = credentials, !kinds.isEmpty else { return nil }
        var fields: [(String, YAMLValue)] = []
        for (kind, field) in [("header", "headers"), ("query", "query")] {
            guard let written = kinds.anyCase(kind) else { continue }
            guard case .object(let parameters) = written else { return nil }
            var entries: [(String, YAMLValue)] = []
            for (name, values) in parameters.sorted(by: { $0.key < $1.key }) {
                guard let texts = values.strings, texts.count == 1, texts[0].hasPrefix("{{"), texts[0].hasSuffix("}}") else { return nil }
                let secret = String(texts[0].dropFirst(2).dropLast(2))
                guard declared.secrets.contains(secret) else { return nil }
                entries.append((name, .mapping([("secret", .string(secret))])))
            }
            fields.append((field, .mapping(entries)))
        }
        return fields.count == kinds.count ? .mapping(fields) : nil
    }

    private mutating func fragment(_ fragment: APIOpsTree.Resource) -> YAMLValue {
        var fields = Self.header + [("kind", .string("PolicyFragment")), ("name", .string(fragment.name))]
        fields += Self.strings(fragment.properties, ["description"])
        informations["apim/policy fragments/\(fragment.name)/policyFragmentInformation.json"] =
            (fragment.folder + "/policyFragmentInformation.json", fragment.properties)
        if let policy = fragment.policy {
            let path = carry(policy, as: "policies/fragments/\(fragment.name).xml", bundlePath: "apim/policy fragments/\(fragment.name)/policy.xml", lifting: .fragment).path
            fields.append(("policy", .string(path)))
        } else {
            notes.append(ImportNote(.error, fragment.folder, "fragment '\(fragment.name)' has no 'policy.xml'; it is imported empty"))
            fields.append(("policy", .string("<fragment />")))
        }
        return .mapping(fields)
    }

    // MARK: - Products

    /// `imported` are the imported APIs' names by ``byFoldedName(_:)``.
    private mutating func product(imported: [String: String], tags: [String], _ product: APIOpsTree.Product) -> YAMLValue {
        let resource = product.resource
        let properties = resource.properties
        informations["apim/products/\(resource.name)/productInformation.json"] = (resource.folder + "/productInformation.json", properties)
        var fields = Self.header + [("kind", .string("Product")), ("name", .string(resource.name))]
        fields += Self.strings(properties, ["displayName", "description"])
        let apis = product.apis.filter { imported[Grammar.caseFolded($0)] == $0 }
        for missing in product.apis where imported[Grammar.caseFolded(missing)] != missing {
            // APIM takes names without case: the link names an imported API all the same,
            // and a product left without it would lose its limits' API (found by an audit).
            if let twin = imported[Grammar.caseFolded(missing)] {
                notes.append(
                    ImportNote(
                        .error, resource.folder + "/apis/" + missing,
                        "product '\(resource.name)' lists API '\(missing)', which is API '\(twin)' spelt in another case; rename the link's folder to '\(twin)'"))
                continue
            }
            notes.append(ImportNote(.notImported, resource.folder + "/apis/" + missing, "API '\(missing)' was not imported, so product '\(resource.name)' does not list it"))
        }
        fields.append(("apis", .sequence(apis.map(YAMLValue.string))))
        for key in ["subscriptionRequired", "approvalRequired"] {
            if let flag = properties[key]?.bool { fields.append((key, .bool(flag))) }
        }
        switch properties["subscriptionsLimit"] {
        case nil, .null?: break
        case .number(let limit)? where limit >= 0 && limit <= Double(Int32.max) && limit.rounded() == limit:
            fields.append(("subscriptionsLimit", .integer(Int(limit))))
        default:
            // Left out, each user could hold any number of subscriptions.
            notes.append(ImportNote(.error, resource.folder, "product '\(resource.name)' has a 'subscriptionsLimit' that is not a whole number of subscriptions"))
        }
        // APIM leaves a product unpublished unless it says 'published', in any letter case.
        if properties["state"]?.string?.lowercased() != "published" { fields.append(("published", .bool(false))) }
        if !product.groups.isEmpty { fields.append(("groups", .sequence(product.groups.map(YAMLValue.string)))) }
        fields += Self.strings(properties, ["terms"])
        if !tags.isEmpty { fields.append(("tags", .sequence(tags.map(YAMLValue.string)))) }
        if let policy = resource.policy {
            let (path, lifted) = carry(
                policy, as: "policies/products/\(resource.name).xml", bundlePath: "apim/products/\(resource.name)/policy.xml", lifting: .product)
            fields += lifted
            fields.append(("policy", .string(path)))
        }
        let carriedKeys: Set<String> = ["displayName", "description", "subscriptionRequired", "approvalRequired", "terms", "state", "subscriptionsLimit"]
        notCarried(properties, except: carriedKeys, of: resource.folder)
        return .mapping(fields)
    }

    // MARK: - APIs

    /// `versionSets` are the tree's version sets' names by ``byFoldedName(_:)``.
    private mutating func api(_ api: APIOpsTree.API, tags: [String], versionSets: [String: String], limits: InputLimits) -> YAMLValue? {
        let resource = api.resource
        let properties = resource.properties
        let name = resource.name
        if let type = APIOpsTree.unsupportedType(of: properties) {
            notes.append(ImportNote(.notImported, resource.folder, APIOpsTree.unsupported(name, type)))
            return nil
        }
        guard let specification = api.specification, let format = Self.openAPIFormat(specification.path) else {
            notes.append(ImportNote(.notImported, resource.folder, "API '\(name)' has no OpenAPI specification to take its operations from"))
            return nil
        }
        var diagnostics = DiagnosticCollector()
        let (document, _) = OpenAPIFiles.read(
            SourceFile(path: specification.path, bytes: specification.bytes), id: FileID(0), limits: limits, diagnostics: &diagnostics)
        guard let document else {
            let reason = diagnostics.diagnostics.first.map { ": line \($0.range.start.line): \($0.message)" } ?? ""
            notes.append(ImportNote(.error, specification.path, "the specification cannot be read\(reason)"))
            return nil
        }
        informations["apim/apis/\(name)/apiInformation.json"] = (resource.folder + "/apiInformation.json", properties)
        var fields = Self.header + [("kind", .string("API")), ("name", .string(name))]
        fields += Self.strings(properties, ["displayName", "description"])
        fields.append(("path", .string(properties["path"]?.string ?? name)))
        if let url = properties["serviceUrl"]?.string {
            fields.append(("backend", .string(url)))
        } else {
            fields.append(("backend", .string(Self.placeholderURL)))
        }
        if let flag = properties["subscriptionRequired"]?.bool { fields.append(("subscriptionRequired", .bool(flag))) }
        if let schemes = properties["protocols"]?.strings, schemes != ["https"] {
            fields.append(("protocols", .sequence(schemes.map(YAMLValue.string))))
        }
        // The bundle updates the current revision, so it carries its number.
        if let revision = properties["apiRevision"]?.string.flatMap(Int.init), revision != 1 {
            fields.append(("revision", .integer(revision)))
        }
        let specPath = "specs/\(name).\(format)"
        carried[specPath] = specification.bytes
        fields.append(("openapi", .string("../" + specPath)))
        var carriedKeys: Set<String> = [
            "displayName", "description", "path", "serviceUrl", "subscriptionRequired", "type", "apiRevision", "isCurrent", "protocols",
        ]
        if let set = properties["apiVersionSetId"]?.string?.split(separator: "/").last.map(String.init), versionSets[Grammar.caseFolded(set)] == set {
            carriedKeys.formUnion(["apiVersionSetId", "apiVersion"])
            if let version = properties["apiVersion"]?.string, !version.isEmpty {
                fields.append(("version", .mapping([("set", .string(set)), ("name", .string(version))])))
            } else {
                // APIM's "original" version, which a version name cannot say.
                notes.append(
                    ImportNote(
                        .error, resource.folder,
                        "API '\(name)' is the original version of version set '\(set)', with no 'apiVersion', which the language does not carry; give it a version in 'apis/\(name).yaml'"))
            }
        } else if let set = properties["apiVersionSetId"]?.string, !set.isEmpty {
            // Without its set the API would move to another URL (`/orders/v1/x` to
            // `/orders/x`), which the round trip cannot see: it compares what the build writes.
            carriedKeys.formUnion(["apiVersionSetId", "apiVersion"])
            let written = set.split(separator: "/").last.map(String.init) ?? set
            // A set spelt in another case is the tree's, as APIM reads names; the bundle would
            // spell it as the folder does (found by an audit of import: "the tree does not
            // hold" it sent the user looking for an export that was there).
            if let folder = versionSets[Grammar.caseFolded(written)] {
                notes.append(
                    ImportNote(
                        .error, resource.folder,
                        "API '\(name)' names version set '\(DisplayText.escaped(written.utf8))', which is version set '\(folder)' spelt in another case; spell 'apiVersionSetId' as the folder does"))
            } else {
                notes.append(
                    ImportNote(
                        .error, resource.folder,
                        "API '\(name)' belongs to version set '\(DisplayText.escaped(written.utf8))' ('apiVersionSetId', 'apiVersion'), which the tree does not hold, so its routes would move to other URLs; export the version set too"))
            }
        }
        // Where APIM looks for a caller's subscription key: the bundle keeps APIM's own names.
        if let keyNames = properties["subscriptionKeyParameterNames"] {
            carriedKeys.insert("subscriptionKeyParameterNames")
            if !Self.namesAPIMsKeys(keyNames) {
                notes.append(
                    ImportNote(
                        .error, resource.folder,
                        "API '\(name)' takes subscription keys under other names than APIM's ('subscriptionKeyParameterNames'), which the language does not carry; without them APIM would refuse every caller's key"))
            }
        }
        if !tags.isEmpty { fields.append(("tags", .sequence(tags.map(YAMLValue.string)))) }
        if let policy = resource.policy {
            let (path, lifted) = carry(policy, as: "policies/apis/\(name).xml", bundlePath: "apim/apis/\(name)/policy.xml", lifting: .api)
            for (key, value) in lifted {
                // A backend taken from the policy replaces the serviceUrl's place in the definition.
                if let at = fields.firstIndex(where: { $0.0 == key }) { fields[at].1 = value } else { fields.append((key, value)) }
            }
            fields.append(("policy", .string("../" + path)))
        }
        // Keyed without case, as APIM names operations: a folder `list-orders` is the
        // operation `List-Orders` (audit V53: its checks were left out of the import).
        var policies = Dictionary(api.operationPolicies.map { ($0.name.lowercased(), (name: $0.name, policy: $0.policy)) }, uniquingKeysWith: { first, _ in first })
        var routes: [YAMLValue] = []
        for operation in document.operations {
            guard let method = HTTPMethod(rawValue: operation.method.uppercased()) else {
                notes.append(ImportNote(.notImported, specification.path, "operation '\(operation.method.uppercased()) \(operation.path.text)' has a method routes cannot have"))
                continue
            }
            guard let id = operation.operationId?.value, Grammar.isOperationName(id) else {
                notes.append(
                    ImportNote(
                        .error, specification.path,
                        "operation '\(method.rawValue) \(operation.path.text)' has no operationId a route can keep\(operation.operationId.map { " ('\(DisplayText.escaped($0.value.utf8))')" } ?? "")"))
                continue
            }
            var route: [(String, YAMLValue)] = [("id", .string(id)), ("method", .string(method.rawValue)), ("path", .string(operation.path.text))]
            if let policy = policies.removeValue(forKey: id.lowercased())?.policy {
                let (path, lifted) = carry(
                    policy, as: "policies/apis/\(name)/\(id).xml", bundlePath: "apim/apis/\(name)/operations/\(id)/policy.xml", lifting: .route)
                route += lifted
                route.append(("policy", .string("../" + path)))
            }
            routes.append(.mapping(route))
        }
        for operation in document.unroutable {
            notes.append(
                ImportNote(
                    .error, specification.path,
                    "operation '\(operation.method.uppercased()) \(DisplayText.escaped(operation.path.value.utf8))' is under a path no route can have (\(operation.reason)); it is not imported"))
        }
        for (_, (operation, policy)) in policies.sorted(by: { $0.key < $1.key }) {
            notes.append(ImportNote(.error, policy.path, "operation '\(operation)' has a policy but no operation in the specification; it is not imported"))
        }
        guard !routes.isEmpty else {
            notes.append(ImportNote(.notImported, resource.folder, "API '\(name)' has no operation a route can carry"))
            return nil
        }
        // A backend taken from the API's policy fills the place of a missing serviceUrl.
        if fields.contains(where: { field in
            if field.0 == "backend", case .string(Self.placeholderURL) = field.1 { return true }
            return false
        }) {
            notes.append(
                ImportNote(
                    .error, resource.folder,
                    "API '\(name)' has no 'serviceUrl' and its policy names no backend first; write its backend in 'apis/\(name).yaml'"))
        }
        fields.append(("routes", .sequence(routes)))
        notCarried(properties, except: carriedKeys, of: resource.folder)
        return .mapping(fields)
    }

    // MARK: - Shared

    /// Carries a policy document as a raw policy file at `path`, remembering where a build
    /// writes it; returns `path`, relative to the project folder. At `scope`, the statements
    /// the language has fields for become fields, returned to add to the definition.
    private mutating func carry(
        _ policy: APIOpsTree.File, as path: String, bundlePath: String, lifting scope: StatementLifting.Scope
    ) -> (path: String, fields: [(String, YAMLValue)]) {
        policies[bundlePath] = policy
        let lifting = StatementLifting(policy.bytes, scope: scope, backends: backendNames, taking: !keptRaw.contains(bundlePath))
        carried[path] = lifting.remaining
        lifted[bundlePath] = lifting.taken.count
        statementCounts.taken += lifting.taken.count
        statementCounts.kept += lifting.kept.count
        if !lifting.taken.isEmpty {
            notes.append(ImportNote(.highLevel, policy.path, "\(Self.counted(lifting.taken)) became fields"))
        }
        for reason in StatementLifting.Reason.allCases {
            let names = lifting.kept.filter { $0.why == reason }.map(\.name)
            if !names.isEmpty { notes.append(ImportNote(.raw, policy.path, "\(Self.counted(names)) kept as raw policy: \(reason.rawValue)")) }
        }
        return (path, lifting.fields)
    }

    /// `2 'set-header', 1 'rewrite-uri'`.
    private static func counted(_ names: [String]) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for name in names {
            if counts[name] == nil { order.append(name) }
            counts[name, default: 0] += 1
        }
        return order.map { "\(counts[$0]!) '\($0)'" }.joined(separator: ", ")
    }

    /// Notes the properties other than `carried`, in any letter case, that say something a
    /// bundle must keep.
    private mutating func notCarried(_ properties: InformationProperties, except carried: Set<String>, of folder: String) {
        let shown = properties.names(except: carried.union(Self.sayingNothing(in: properties)))
        guard !shown.isEmpty else { return }
        notes.append(ImportNote(.notImported, folder, "properties not carried: \(shown.map { "'\($0)'" }.joined(separator: ", "))"))
    }

    /// The revision bookkeeping of the current revision, and settings APIM writes for every
    /// API while they are empty; an API's OAuth 2 or OpenID server is not empty.
    private static func sayingNothing(in properties: InformationProperties) -> Set<String> {
        properties["authenticationSettings"]?.isEmpty == true ? ["apiRevisionDescription", "authenticationSettings"] : ["apiRevisionDescription"]
    }

    /// The header and query parameter APIM takes a subscription key from unless told otherwise.
    /// Whether `keyNames` are APIM's own: its header in any case, as HTTP reads header
    /// names, and property names in any case, as Azure Resource Manager reads them (audit
    /// V72: `ocp-apim-subscription-key` was refused).
    private static func namesAPIMsKeys(_ keyNames: JSONValue) -> Bool {
        guard case .object(let names) = keyNames, names.count == 2 else { return false }
        let byName = Dictionary(names.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        guard case .string(let header)? = byName["header"], case .string(let query)? = byName["query"] else { return false }
        return header.lowercased() == "ocp-apim-subscription-key" && query == "subscription-key"
    }

    /// Where a required URL the estate does not give goes until the team writes it; the
    /// `.invalid` top-level domain never resolves, so nothing is ever sent there.
    private static let placeholderURL = ImportPlaceholders.backendURL

    private static func isURL(_ value: YAMLValue) -> Bool {
        if case .string(let text) = value { return text.contains("://") }
        return false
    }

    /// Names by their case-folded form, as APIM files them: a link or a reference spelt in
    /// another case finds its resource in one look-up, where a scan of every name for every
    /// link made 20,000 product links to absent APIs among 4,000 take 6.4 s (found by an
    /// audit). The tree holds no two names of one kind that differ only in case.
    private static func byFoldedName(_ names: some Sequence<String>) -> [String: String] {
        Dictionary(names.map { (Grammar.caseFolded($0), $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func strings(_ properties: InformationProperties, _ keys: [String]) -> [(String, YAMLValue)] {
        keys.compactMap { key in properties[key]?.string.map { (key, .string($0)) } }
    }

    private static func openAPIFormat(_ path: String) -> String? {
        for format in ["yaml", "yml", "json"] where path.hasSuffix("." + format) { return format }
        return nil
    }
}
