import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport

/// The bundle of a resolved project, made file by file each time it is produced.
public struct ProjectBundle: BundleSource {
    let project: ResolvedProject
    /// Every file of the run, as ``BundleBuilder/build(_:sources:into:)`` takes them.
    let sources: [SourceFile]

    public init(_ project: ResolvedProject, sources: [SourceFile]) {
        self.project = project
        self.sources = sources
    }

    public func produce(into sink: any BundleSink) throws -> BundleIndex {
        try BundleBuilder.build(project, sources: sources, into: sink)
    }
}

/// Policy documents APIM would refuse for their size: a YS006 error at the definition of
/// each. A bundle with any of them must not be written.
public struct OversizedPolicies: Error {
    public let diagnostics: [Diagnostic]
}

/// Turns a resolved project into the files of a bundle; never reads YAML, never writes.
public enum BundleBuilder {
    /// APIM refuses a policy document larger than 256 KiB. It is measured here in UTF-8
    /// bytes, which are never fewer than characters, as the document is written.
    public static let maximumPolicySize = 262_144

    /// Makes every file of the bundle and hands it to `sink`, the manifest last; throws
    /// ``OversizedPolicies`` (after the other files) when a policy document is over
    /// ``maximumPolicySize``, and whatever `sink` throws.
    ///
    /// Each API's files depend on that API alone, so they are made on all cores, hashed
    /// there and dropped once `sink` has them: only the index outlives the build.
    ///
    /// - Parameters:
    ///   - sources: every file of the run (a configuration file too), with paths relative to
    ///     the project folder, in file-number order.
    static func build(_ project: ResolvedProject, sources: [SourceFile], into sink: any BundleSink) throws -> BundleIndex {
        guard let gateway = project.gateway else { return BundleIndex([]) }
        let locations = SourceLocations(paths: sources.map(\.path))
        let inputDigests = sources.map { ($0.path, SHA256.hex($0.bytes)) }.sorted { $0.0 < $1.0 }
        let sourceDigest = SHA256.hex(Array(inputDigests.map { "\($0.1)  \($0.0)\n" }.joined().utf8))
        let namedValues = NamedValueTable(gateway.plainNamedValues)
        let scopeDescriptions = Dictionary(gateway.scopes.compactMap { scope in scope.description.map { (scope.name.value, $0.value) } }) { first, _ in first }
        // Each API's routes by their index in the project: the routes and plans themselves
        // are read in place on all cores, not copied here on one.
        var routesByAPI = [[Int]](repeating: [], count: project.apis.count)
        for (index, route) in project.routes.enumerated() { routesByAPI[route.apiIndex].append(index) }
        let apis = project.apis
        let byAPI = routesByAPI
        // APIs a broader raw policy sends to some backend: their own backend statement stays.
        let fragments = project.fragments.documentsByName
        let redirected: Set<String> =
            GatewayPolicies.setsBackend(gateway.policy, fragments: fragments)
            ? Set(apis.map(\.name.value))
            : Set(project.products.filter { GatewayPolicies.setsBackend($0.policy, fragments: fragments) }.flatMap { $0.apis.map(\.value) })
        // gateway.json's routes first, on all cores: made inside the work below, they would
        // be made on one core (a map inside a map runs on one).
        let routeFragments = GatewayRoutes(project, gateway: gateway, locations: locations).fragments()
        // Then the rest, shared between the cores: the gateway's own files first, then each
        // API's files, its routes' policies in runs of at most `routesPerPart`, so one API
        // of many routes is not made on one core.
        let routesPerPart = 512
        let parts: [(api: Int, routes: Range<Int>)?] =
            [nil]
            + byAPI.indices.flatMap { api in
                stride(from: 0, to: max(byAPI[api].count, 1), by: routesPerPart).map { start in
                    (api, start..<min(start + routesPerPart, byAPI[api].count))
                }
            }
        // Each API's backend, as the plan of a route that has none of its own says, and
        // whether some route has its own; found once, not once per run of routes.
        let backends = apis.indices.map { index in
            (
                backend: byAPI[index].lazy.filter { project.routes[$0].written.backend == nil }.compactMap { project.plans[$0]?.backend }.first,
                perRoute: apis[index].routes.contains { $0.backend != nil }
            )
        }
        let made = ParallelMap.map(parts.indices) { part -> Result<([BundleIndex.Entry], DiagnosticCollector), any Error> in
            var output = PartOutput(sink: sink)
            do {
                guard let (apiIndex, routes) = parts[part] else {
                    try gatewayFiles(
                        project, gateway: gateway, routes: routeFragments, sourceDigest: sourceDigest, locations: locations,
                        namedValues: namedValues, into: &output)
                    return .success(output.finished())
                }
                let api = apis[apiIndex]
                let folder = "apim/apis/\(api.name.value)"
                let (backend, perRoute) = backends[apiIndex]
                let reachedByServiceURL = APIOpsFiles.serviceUrl(of: backend, namedValues: namedValues) != nil
                if routes.lowerBound == 0 {
                    try output.add("\(folder)/apiInformation.json", APIOpsFiles.api(api, backend: backend, namedValues: namedValues))
                    if let own = api.openapi?.document {
                        // The author's document, byte for byte, named as APIOps reads it; the
                        // routes match its operations (RF008); its servers do not pick the backend.
                        try output.add("\(folder)/specification.\(own.format.rawValue)", pieces: [own.bytes])
                    } else {
                        try output.add(
                            "\(folder)/specification.yaml",
                            pieces: [
                                OpenAPIDocument.render(
                                    api, routes: byAPI[apiIndex].compactMap { index in project.plans[index].map { (project.routes[index], $0) } },
                                    gateway: gateway, namedValues: namedValues,
                                    scopeDescriptions: scopeDescriptions)
                            ])
                    }
                    try output.addPolicy(
                        "\(folder)/policy.xml",
                        GatewayPolicies.api(
                            api, backend: perRoute ? nil : backend, reachedByServiceURL: reachedByServiceURL,
                            broaderSetsBackend: redirected.contains(api.name.value)),
                        of: "API '\(api.name.value)'", at: api.name.range)
                }
                for index in byAPI[apiIndex][routes] {
                    let route = project.routes[index]
                    // Only a project without errors is built, so every route has a plan.
                    guard let plan = project.plans[index] else { continue }
                    try output.addPolicy(
                        "\(folder)/operations/\(route.written.id.value)/policy.xml",
                        // A route whose raw inbound leaves out <base /> never runs the API's
                        // backend statements. A URL backend is still reached where it is the
                        // API's serviceUrl; a backend entity, a pool, its managed identity or a
                        // URL with a secret is not, so that route's own policy sets it.
                        GatewayPolicies.operation(
                            plan,
                            setsBackend: perRoute
                                || (route.written.policy?.document?.keepsInboundBase == false && (plan.backend.name != nil || !reachedByServiceURL)),
                            raw: route.written.policy?.document),
                        of: "route '\(api.name.value)/\(route.written.id.value)'", at: route.written.id.range)
                }
            } catch {
                return .failure(error)
            }
            return .success(output.finished())
        }
        let results = try made.map { try $0.get() }
        let oversized = results.flatMap(\.1.diagnostics)
        guard oversized.isEmpty else { throw OversizedPolicies(diagnostics: oversized) }
        // Each part's files are sorted, and the parts of different APIs lie in different
        // folders: joined in the order of their first paths, they are a few sorted runs,
        // which the index's sort merges rather than sorting every file again.
        var entries: [BundleIndex.Entry] = []
        entries.reserveCapacity(results.reduce(1) { $0 + $1.0.count })
        for (files, _) in results.sorted(by: { ($0.0.first?.path ?? "") < ($1.0.first?.path ?? "") }) { entries += files }
        let index = BundleIndex(entries)
        var output = PartOutput(sink: sink)
        try output.add(
            "manifest.json", pieces: Manifest.render(index, inputs: inputDigests, sourceDigest: sourceDigest, environment: project.environment))
        return BundleIndex(index.entries + output.entries)
    }

    /// The files that belong to the gateway rather than to one API.
    private static func gatewayFiles(
        _ project: ResolvedProject, gateway: Gateway, routes: [StableJSON.Fragment], sourceDigest: String, locations: SourceLocations,
        namedValues: NamedValueTable, into output: inout PartOutput
    ) throws {
        try output.add(
            "gateway.json",
            pieces: StableJSON.pieces(GatewayConfig(project, gateway: gateway, routes: routes, sourceDigest: sourceDigest, locations: locations)))
        if case .present(let redis) = gateway.redis, case .reference(let secret) = redis.connection {
            try output.add(ExternalCacheTemplate.path, ExternalCacheTemplate.render(gateway: gateway.name.value, connectionSecret: secret.value))
        }
        try output.addPolicy(
            "apim/policy.xml", GatewayPolicies.global(gateway), of: "gateway '\(gateway.name.value)'", at: gateway.name.range)
        for product in project.products {
            let folder = "apim/products/\(product.name.value)"
            try output.add("\(folder)/productInformation.json", APIOpsFiles.product(product))
            try output.addPolicy(
                "\(folder)/policy.xml", GatewayPolicies.product(product), of: "product '\(product.name.value)'",
                at: product.name.range)
            for api in product.apis {
                try output.add("\(folder)/apis/\(api.value)/productApiInformation.json", APIOpsFiles.link)
            }
            for group in product.groups {
                try output.add("\(folder)/groups/\(group.value)/productGroupInformation.json", APIOpsFiles.productGroup(group.value))
            }
        }
        for set in gateway.versionSets {
            try output.add("apim/version sets/\(set.name.value)/versionSetInformation.json", APIOpsFiles.versionSet(set))
        }
        for group in gateway.groups {
            try output.add("apim/groups/\(group.name.value)/groupInformation.json", APIOpsFiles.group(group))
        }
        try tagFiles(project, into: &output)
        for backend in project.backends {
            try output.add("apim/backends/\(backend.name.value)/backendInformation.json", APIOpsFiles.backend(backend, namedValues: namedValues))
        }
        if let certificates = CertificateTemplate.render(project.backends) {
            try output.add(CertificateTemplate.path, certificates)
        }
        for fragment in project.fragments {
            guard let document = fragment.policy.document else { continue }
            let folder = "apim/policy fragments/\(fragment.name.value)"
            try output.add("\(folder)/policyFragmentInformation.json", APIOpsFiles.fragment(fragment))
            // A fragment is carried as written: APIOps publishes it in the same raw form.
            try output.addPolicy(
                "\(folder)/policy.xml", Array((document.source(0..<document.text.count) + (document.text.last == 0x0A ? "" : "\n")).utf8),
                of: "fragment '\(fragment.name.value)'", at: fragment.name.range)
        }
        for value in gateway.namedValues {
            try output.add("apim/named values/\(value.name.value)/namedValueInformation.json", APIOpsFiles.namedValue(value))
        }
        for secret in gateway.secrets {
            guard case .keyVault(let uri) = secret.source else { continue }
            try output.add(
                "apim/named values/\(secret.name.value)/namedValueInformation.json", APIOpsFiles.secret(secret, keyVault: uri.value))
        }
    }

    /// `apim/tags/NAME/`: each tag written on an API or a product, with a link per use.
    private static func tagFiles(_ project: ResolvedProject, into output: inout PartOutput) throws {
        var links: [String: [String]] = [:]
        for api in project.apis {
            for tag in api.tags { links[tag.value, default: []].append("apis/\(api.name.value)/tagApiInformation.json") }
        }
        for product in project.products {
            for tag in product.tags { links[tag.value, default: []].append("products/\(product.name.value)/tagProductInformation.json") }
        }
        let displayNames = Dictionary(
            (project.gateway?.tags ?? []).compactMap { tag in tag.displayName.map { (tag.name.value, $0.value) } }, uniquingKeysWith: { first, _ in first })
        for (tag, paths) in links.sorted(by: { $0.key < $1.key }) {
            try output.add("apim/tags/\(tag)/tagInformation.json", APIOpsFiles.tag(displayName: displayNames[tag] ?? tag))
            for path in paths { try output.add("apim/tags/\(tag)/\(path)", APIOpsFiles.link) }
        }
    }

    /// What one part of the build made: each file goes to the sink at once and leaves only
    /// its index entry behind.
    private struct PartOutput {
        let sink: any BundleSink
        var entries: [BundleIndex.Entry] = []
        var problems = DiagnosticCollector()

        /// The index entries of the part's files, sorted by path on the part's core, and
        /// its problems.
        mutating func finished() -> ([BundleIndex.Entry], DiagnosticCollector) {
            entries.sort { $0.path < $1.path }
            return (entries, problems)
        }

        mutating func add(_ path: String, _ text: String) throws {
            try add(path, pieces: [Array(text.utf8)])
        }

        mutating func add(_ path: String, pieces: [[UInt8]]) throws {
            entries.append(BundleIndex.Entry(path: path, pieces: pieces))
            try sink.receive(path, pieces)
        }

        /// Adds a policy document, after reporting it at `range` when APIM would refuse it
        /// for its size.
        mutating func addPolicy(_ path: String, _ policy: [UInt8], of owner: String, at range: SourceRange) throws {
            let size = policy.count
            if size > maximumPolicySize {
                problems.report(
                    .inputLimit, "the policy document of \(owner) is \(size) bytes, over APIM's limit of \(maximumPolicySize)",
                    at: range,
                    notes: [
                        Diagnostic.Note(
                            "APIM refuses policy documents over 256 KiB; make this definition generate less, such as fewer or shorter scopes, audiences or origins",
                            at: range)
                    ])
            }
            try add(path, pieces: [policy])
        }
    }
}
/// `manifest.json`: the tool, the inputs' digests and every file's digest.
enum Manifest {
    /// The manifest of every file in `index`, which does not hold the manifest itself, as
    /// UTF-8, written straight into bytes: 20 MB for 100,000 routes, made while both cores
    /// wait for it. The environment is absent for the definitions as written.
    static func render(_ index: BundleIndex, inputs: [(String, String)], sourceDigest: String, environment: String?) -> [[UInt8]] {
        func entries(_ entries: some Sequence<(path: String, sha256: String)>, into json: inout StableJSON.Writer) {
            json.beginArray()
            for entry in entries {
                json.beginObject()
                json.key("path")
                json.string(entry.path)
                json.key("sha256")
                json.string(entry.sha256)
                json.endObject()
            }
            json.endArray()
        }
        var json = StableJSON.Writer()
        json.beginObject()
        if let environment {
            json.key("environment")
            json.string(environment)
        }
        json.key("files")
        entries(index.entries.lazy.map { ($0.path, $0.sha256) }, into: &json)
        json.key("formatVersion")
        json.number(1)
        json.key("inputs")
        entries(inputs.lazy.map { ($0.0, $0.1) }, into: &json)
        json.key("inputsSha256")
        json.string(sourceDigest)
        json.key("tool")
        json.beginObject()
        json.key("name")
        json.string(ToolInfo.name)
        json.key("version")
        json.string(ToolInfo.version)
        json.endObject()
        json.endObject()
        return [json.document()]
    }
}
