import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisModel
import PortcullisSyntax

/// An APIOps extractor tree as read from disk: every resource it holds that Portcullis
/// knows of, with its information file and policy, and what it could not read.
///
/// The tree may come from a hostile pull request, so reading never follows a symbolic link,
/// never opens more than ``Limits/maxFiles`` files or a file over the size limit, and only
/// descends the folders the extractor writes. A folder's name becomes a resource name, and
/// later a path in `--out`, only when it is a name APIM and a file system both accept.
public struct APIOpsTree: Sendable {
    /// A file of the tree: its path relative to the tree, for reports, and its bytes.
    public struct File: Sendable {
        public var path: String
        public var bytes: [UInt8]
    }

    /// A resource folder: its name, its information file's `properties`, and its policy.
    public struct Resource: Sendable {
        public var name: String
        public var folder: String
        public var properties = InformationProperties()
        public var policy: File?
    }

    public struct API: Sendable {
        public var resource: Resource
        public var specification: File?
        /// Operation name → its policy file, in name order.
        public var operationPolicies: [(name: String, policy: File)] = []
    }

    public struct Product: Sendable {
        public var resource: Resource
        public var apis: [String] = []
        public var groups: [String] = []
    }

    public struct Tag: Sendable {
        public var resource: Resource
        public var apis: [String] = []
        public var products: [String] = []
    }

    public var globalPolicy: File?
    public var apis: [API] = []
    public var products: [Product] = []
    public var namedValues: [Resource] = []
    public var backends: [Resource] = []
    public var fragments: [Resource] = []
    public var tags: [Tag] = []
    public var versionSets: [Resource] = []
    public var groups: [Resource] = []
    /// What was found and not read, with why: revisions, other resource kinds, odd names,
    /// links, unreadable files.
    public var skipped: [ImportNote] = []

    /// How much a tree may hold before reading stops.
    public struct Limits: Sendable {
        public var maxFiles = 200_000
        public var maxFileSize: Int

        public init(maxFileSize: Int) {
            self.maxFileSize = maxFileSize
        }
    }

    /// The resource folders the extractor writes, by their folder name, and the
    /// information file each holds.
    static let informationFiles: [String: String] = [
        "apis": "apiInformation.json", "products": "productInformation.json", "named values": "namedValueInformation.json",
        "backends": "backendInformation.json", "policy fragments": "policyFragmentInformation.json",
        "tags": "tagInformation.json", "version sets": "versionSetInformation.json", "groups": "groupInformation.json",
    ]

    /// An API's `type` when it is not HTTP, read in any case as Resource Manager reads it
    /// (audit V97: `Http` was dropped); nil for an HTTP API.
    static func unsupportedType(of properties: InformationProperties) -> String? {
        guard let type = properties["type"]?.string, type.lowercased() != "http" else { return nil }
        return type
    }

    /// Why an API of `type` is not imported.
    static func unsupported(_ api: String, _ type: String) -> String {
        "API '\(api)' is a '\(type)' API; Portcullis carries HTTP APIs only"
    }

    /// Resource kinds the extractor writes that Portcullis does not model; each is kept in
    /// APIOps beside the bundle.
    static let unmodelled = ["loggers", "diagnostics", "subscriptions", "gateways", "workspaces", "certificates"]

    /// A publisher configuration named on the command line, read as tree files are: not
    /// through a symbolic link, not a device or FIFO, not over the size limit.
    public static func readConfiguration(_ path: String, maxFileSize: Int) throws -> File {
        try InputFiles().refuseLinkOnTheWay(to: path)
        do {
            let (bytes, size) = try FileSystem.prefix(of: path, upTo: maxFileSize + 1)
            guard size <= maxFileSize else { throw DriverError.unreadable(path, reason: "it is \(size) bytes, over the limit of \(maxFileSize)") }
            return File(path: path, bytes: bytes)
        } catch let failure as FileSystem.Failure {
            throw DriverError.unreadable(path, reason: failure.reason)
        }
    }

    /// Reads the tree at `root`; throws only when `root` itself is not a readable folder.
    public static func read(_ root: String, limits: Limits) throws -> APIOpsTree {
        var reader = TreeReader(root: root, limits: limits)
        try InputFiles().refuseLinkOnTheWay(to: root)
        guard FileSystem.linkKind(of: root) == .directory else {
            throw DriverError.unreadable(root, reason: FileSystem.linkKind(of: root) == .link ? "it is a symbolic link" : "it is not a folder")
        }
        return reader.read()
    }
}

/// Walks one tree, collecting what it finds and what it skips.
private struct TreeReader {
    let root: String
    let limits: APIOpsTree.Limits
    var tree = APIOpsTree()
    var filesRead = 0

    init(root: String, limits: APIOpsTree.Limits) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        self.limits = limits
    }

    mutating func read() -> APIOpsTree {
        for entry in entries(of: "") {
            let name = entry.name ?? ""
            switch (entry.kind, name) {
            case (.file, "policy.xml"): tree.globalPolicy = file("policy.xml")
            case (.directory, "apis"): tree.apis = resources("apis").map { api($0) }
            case (.directory, "products"):
                tree.products = resources("products").map { resource in
                    APIOpsTree.Product(
                        resource: resource, apis: links(in: resource.folder + "/apis", file: "productApiInformation.json"),
                        groups: links(in: resource.folder + "/groups", file: Self.groupLinkFile))
                }
            case (.directory, "named values"): tree.namedValues = resources("named values")
            case (.directory, "backends"): tree.backends = resources("backends")
            case (.directory, "policy fragments"): tree.fragments = resources("policy fragments")
            case (.directory, "tags"):
                tree.tags = resources("tags").map { resource in
                    APIOpsTree.Tag(
                        resource: resource, apis: links(in: resource.folder + "/apis", file: "tagApiInformation.json"),
                        products: links(in: resource.folder + "/products", file: "tagProductInformation.json"))
                }
            case (.directory, "version sets"): tree.versionSets = resources("version sets")
            case (.directory, "groups"): tree.groups = resources("groups")
            case (.directory, let kind) where APIOpsTree.unmodelled.contains(kind):
                tree.skipped.append(ImportNote(.notImported, kind, "Portcullis does not model \(kind); keep this folder in APIOps beside the bundle"))
            default:
                skip(entry, in: "")
            }
        }
        return tree
    }

    /// The resources under `kind`: one per folder with a name APIM and a file system accept.
    private mutating func resources(_ kind: String) -> [APIOpsTree.Resource] {
        var found: [APIOpsTree.Resource] = []
        var spellings: [String: String] = [:]
        for entry in entries(of: kind) {
            guard entry.kind == .directory, let name = entry.name else {
                skip(entry, in: kind)
                continue
            }
            let folder = kind + "/" + name
            // Revisions other than the current one are folders named `api;rev=N`.
            if kind == "apis", name.contains(";rev=") {
                tree.skipped.append(ImportNote(.notImported, folder, "API revisions are not modelled; only the current revision is imported"))
                continue
            }
            guard Self.isResourceName(name, kind: kind) else {
                let shown = DisplayText.escaped(name.utf8)
                // APIM took the name, so the estate runs what the folder holds: an error to
                // resolve, as for an operation (audit V97: an API and its policies were
                // dropped with a note and the import exited 0). An API Portcullis does not
                // carry whatever its name is a note (audit V101).
                if kind == "apis", let information = file(folder + "/" + APIOpsTree.informationFiles[kind]!), let properties = json(information),
                    let type = APIOpsTree.unsupportedType(of: properties)
                {
                    tree.skipped.append(ImportNote(.notImported, kind + "/" + shown, APIOpsTree.unsupported(shown, type)))
                } else {
                    tree.skipped.append(
                        ImportNote(.error, kind + "/" + shown, "'\(shown)' is not a name Portcullis can keep for this resource, so it would be lost; rename it in APIM"))
                }
                continue
            }
            guard !differsOnlyInCase(name, fromOneOf: &spellings, in: kind) else { continue }
            var resource = APIOpsTree.Resource(name: name, folder: folder)
            for child in entries(of: folder) {
                let childName = child.name ?? ""
                switch (child.kind, childName) {
                case (.file, APIOpsTree.informationFiles[kind]):
                    if let information = file(folder + "/" + childName), let properties = json(information) {
                        resource.properties = properties
                    }
                case (.file, "policy.xml"):
                    resource.policy = file(folder + "/policy.xml")
                case (.file, _) where kind == "apis" && childName.hasPrefix("specification."):
                    break  // read by `api`
                case (.directory, "operations") where kind == "apis", (.directory, "apis"), (.directory, "groups"),
                    (.directory, "products") where kind == "tags":
                    break  // read by the caller
                case (.directory, "diagnostics") where kind == "apis", (.directory, "releases") where kind == "apis",
                    (.directory, "schemas") where kind == "apis", (.directory, "wikis") where kind == "apis":
                    tree.skipped.append(ImportNote(.notImported, folder + "/" + childName, "Portcullis does not model an API's \(childName)"))
                // An earlier APIOps layout keeps an API's or a product's tag links beside it.
                case (.directory, "tags") where kind == "apis" || kind == "products":
                    tree.skipped.append(
                        ImportNote(
                            .error, folder + "/tags",
                            "tag links kept under the \(kind == "apis" ? "API" : "product") (an older APIOps layout) are not read, so they would be lost; extract the estate again with a current APIOps, which writes them under 'tags/'"))
                default:
                    skip(child, in: folder)
                }
            }
            found.append(resource)
        }
        return found.sorted { $0.name < $1.name }
    }

    /// An API folder's specification and operation policies.
    private mutating func api(_ resource: APIOpsTree.Resource) -> APIOpsTree.API {
        var api = APIOpsTree.API(resource: resource)
        let specifications = entries(of: resource.folder).filter { $0.kind == .file && ($0.name ?? "").hasPrefix("specification.") }
        if let specification = specifications.compactMap(\.name).sorted().first {
            api.specification = file(resource.folder + "/" + specification)
        }
        let operations = resource.folder + "/operations"
        var spellings: [String: String] = [:]
        for entry in entries(of: operations) {
            guard entry.kind == .directory, let name = entry.name, Self.isResourceName(name, kind: "operations") else {
                // The extractor writes an operation's folder for its policy, which would be lost.
                if entry.kind == .directory {
                    let shown = Self.shown(entry)
                    tree.skipped.append(
                        ImportNote(.error, operations + "/" + shown, "'\(shown)' is not a name Portcullis can keep for an operation, so its policy would be lost"))
                } else {
                    skip(entry, in: operations)
                }
                continue
            }
            guard !differsOnlyInCase(name, fromOneOf: &spellings, in: operations) else { continue }
            let folder = operations + "/" + name
            for child in entries(of: folder) {
                if child.kind == .file, child.name == "policy.xml" {
                    if let policy = file(folder + "/policy.xml") { api.operationPolicies.append((name, policy)) }
                } else {
                    skip(child, in: folder)
                }
            }
        }
        api.operationPolicies.sort { $0.name < $1.name }
        return api
    }

    /// Whether `name` differs only in case from a folder met before under `folder`, in
    /// `spellings` by its case-folded name: APIM takes both for one resource, a file
    /// system that ignores case writes one over the other, and the import noted nothing.
    /// The first is kept; this one is an error.
    private mutating func differsOnlyInCase(_ name: String, fromOneOf spellings: inout [String: String], in folder: String) -> Bool {
        let folded = Grammar.caseFolded(name)
        guard let first = spellings[folded] else {
            spellings[folded] = name
            return false
        }
        tree.skipped.append(
            ImportNote(
                .error, folder + "/" + name,
                "'\(name)' differs from '\(first)' only in case, which APIM takes for one name; keep one of the two folders"))
        return true
    }

    private static let groupLinkFile = "productGroupInformation.json"

    /// The links under `folder` (a product's APIs or groups, a tag's APIs or products), a
    /// folder each named for what it links. APIOps' publisher reads a link from its file
    /// `information`, a JSON object, not from its folder, and a product's group link only
    /// where that file names the link (`name`) and the group by the folder's name (`groupId`;
    /// `Resource.FileSystem.cs`, `ParseFile`; property names in any case, as its web options
    /// read them). A link it would not deploy is noted, not imported: a link imported from a
    /// folder granted what APIM does not (audits V96, V101).
    private mutating func links(in folder: String, file information: String) -> [String] {
        names(in: folder).filter { name in
            let link = folder + "/" + name
            let reason: String
            if !entries(of: link).contains(where: { $0.kind == .file && $0.name == information }) {
                reason = "the folder holds no '\(information)'"
            } else if let file = file(link + "/" + information) {
                guard let why = Self.whyNoLink(file, information, to: name) else { return true }
                reason = why
            } else {
                return false  // the file's own note says why
            }
            tree.skipped.append(ImportNote(.notImported, link, "APIOps' publisher deploys no link from it: \(reason)"))
            return false
        }
    }

    /// Why APIOps' publisher takes no link to `target` from its file `information`, or nil.
    private static func whyNoLink(_ file: APIOpsTree.File, _ information: String, to target: String) -> String? {
        // .NET's JSON reader of bytes takes a byte order mark for no JSON.
        guard !file.bytes.starts(with: [0xEF, 0xBB, 0xBF]), case .success(let value) = JSONValue.parse(file.bytes), case .object = value else {
            return "'\(information)' is not a JSON object"
        }
        guard information == groupLinkFile else { return nil }
        // The publisher's names are never empty or white space (`ResourceName.From`).
        guard let name = value["name"]?.string, !name.allSatisfy(\.isWhitespace) else { return "'\(groupLinkFile)' has no 'name'" }
        guard let linked = value["properties"]?["groupId"]?.string, linked.split(separator: "/", omittingEmptySubsequences: false).last == Substring(target) else {
            return "the 'groupId' of '\(groupLinkFile)' does not end in '\(DisplayText.escaped(target.utf8))'"
        }
        return nil
    }

    /// The names of the folders under `folder`.
    private mutating func names(in folder: String) -> [String] {
        entries(of: folder).compactMap { entry -> String? in
            guard entry.kind == .directory, let name = entry.name, Self.isResourceName(name, kind: "") else {
                skip(entry, in: folder)
                return nil
            }
            return name
        }.sorted()
    }

    /// Named values keep APIM's wider names (`Gateway.Name`); every other resource the
    /// resource-name form. Neither holds `/`, `..` or a control character.
    private static func isResourceName(_ name: String, kind: String) -> Bool {
        kind == "named values" ? Grammar.isNamedValueName(name) : Grammar.isResourceName(name)
    }

    private mutating func entries(of relative: String) -> [FileSystem.Entry] {
        let path = relative.isEmpty ? root : root + "/" + relative
        guard FileSystem.linkKind(of: path) == .directory else { return [] }
        do {
            return try FileSystem.entries(of: path).sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        } catch let failure as FileSystem.Failure {
            tree.skipped.append(ImportNote(.error, relative, "the folder cannot be read: \(failure.reason)"))
            return []
        } catch {
            return []
        }
    }

    private mutating func file(_ relative: String) -> APIOpsTree.File? {
        guard filesRead < limits.maxFiles else {
            if filesRead == limits.maxFiles {
                tree.skipped.append(ImportNote(.error, relative, "the tree holds more than \(limits.maxFiles) files; the rest were not read"))
            }
            filesRead += 1
            return nil
        }
        filesRead += 1
        do {
            let (bytes, size) = try FileSystem.prefix(of: root + "/" + relative, upTo: limits.maxFileSize + 1)
            guard size <= limits.maxFileSize else {
                tree.skipped.append(ImportNote(.error, relative, "the file is \(size) bytes, over the limit of \(limits.maxFileSize)"))
                return nil
            }
            return APIOpsTree.File(path: relative, bytes: bytes)
        } catch let failure as FileSystem.Failure {
            tree.skipped.append(ImportNote(.error, relative, "the file cannot be read: \(failure.reason)"))
            return nil
        } catch {
            return nil
        }
    }

    private mutating func json(_ file: APIOpsTree.File) -> InformationProperties? {
        switch JSONValue.parse(file.bytes) {
        case .success(let value):
            guard case .object = value else {
                tree.skipped.append(ImportNote(.error, file.path, "the information file is not a JSON object"))
                return nil
            }
            if case .object(let properties)? = value["properties"] { return InformationProperties(properties) }
            // `{}` (a product's API link) has no properties, which is fine.
            return InformationProperties()
        case .failure(let failure):
            tree.skipped.append(ImportNote(.error, file.path, "the information file is not valid JSON: \(failure.reason)"))
            return nil
        }
    }

    /// An entry's name as reports show it: escaped, its bytes when it is not UTF-8.
    private static func shown(_ entry: FileSystem.Entry) -> String {
        entry.name.map { DisplayText.escaped($0.utf8) } ?? DisplayText.escaped(entry.bytes)
    }

    private mutating func skip(_ entry: FileSystem.Entry, in folder: String) {
        let name = Self.shown(entry)
        let path = folder.isEmpty ? name : folder + "/" + name
        switch entry.kind {
        // What stands behind a link or a FIFO may be the estate's, and it is not imported.
        case .link:
            tree.skipped.append(ImportNote(.error, path, "symbolic links are not followed; put the files themselves in the tree"))
        case .other:
            tree.skipped.append(ImportNote(.error, path, "it is not a file or a folder, so it is not read"))
        // Older APIOps versions list a product's or an API's links in one file each.
        case .file where ["apis.json", "groups.json", "tags.json"].contains(entry.name ?? ""):
            tree.skipped.append(
                ImportNote(
                    .error, path,
                    "links listed in '\(name)' (an older APIOps layout) are not read, so they would be lost; extract the estate again with a current APIOps, which writes a folder for each link"))
        case .file, .directory:
            let why = entry.name == nil ? "its name is not UTF-8" : "the APIOps layout has nothing here that Portcullis reads"
            tree.skipped.append(ImportNote(.notImported, path, why))
        }
    }
}
