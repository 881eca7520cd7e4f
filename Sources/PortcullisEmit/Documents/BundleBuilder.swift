import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport

/// Turns a resolved project into the files of a bundle; never reads YAML, never writes.
public enum BundleBuilder {
    /// APIM refuses a policy document larger than 256 KiB. It is measured here in UTF-8
    /// bytes, which are never fewer than characters, as the document is written.
    public static let maximumPolicySize = 262_144

    /// The bundle, and a YS006 error at the definition of every policy document over
    /// ``maximumPolicySize``; with any such error the bundle must not be written.
    ///
    /// - Parameters:
    ///   - sources: every file of the run (a configuration file too), with paths relative to
    ///     the project folder, in file-number order.
    public static func build(
        _ project: ResolvedProject, sources: [SourceFile]
    ) -> (bundle: DeploymentBundle, diagnostics: [Diagnostic]) {
        guard let gateway = project.gateway else { return (DeploymentBundle(), []) }
        let locations = SourceLocations(paths: sources.map(\.path))
        let inputDigests = sources.map { ($0.path, SHA256.hex($0.bytes)) }.sorted { $0.0 < $1.0 }
        let sourceDigest = SHA256.hex(Array(inputDigests.map { "\($0.1)  \($0.0)\n" }.joined().utf8))
        let renderer = PolicyRenderer()
        let namedValues = Dictionary(gateway.namedValues.map { ($0.name.value, $0.value.value) }) { first, _ in first }
        let scopeDescriptions = Dictionary(gateway.scopes.compactMap { scope in scope.description.map { (scope.name.value, $0.value) } }) { first, _ in first }
        var bundle = DeploymentBundle()
        var oversized = DiagnosticCollector()

        bundle.add("gateway.json", StableJSON.encode(GatewayConfig(project, gateway: gateway, sourceDigest: sourceDigest, locations: locations)))
        if case .present(let redis) = gateway.redis, case .reference(let secret) = redis.connection {
            bundle.add(ExternalCacheTemplate.path, ExternalCacheTemplate.render(gateway: gateway.name.value, connectionSecret: secret.value))
        }
        bundle.add(
            "apim/policy.xml",
            checkedPolicy(renderer.render(GatewayPolicies.global(gateway)), of: "gateway '\(gateway.name.value)'", at: gateway.name.range, into: &oversized))
        var routesByAPI = [[(route: EffectiveRoute, plan: EnforcementPlan?)]](repeating: [], count: project.apis.count)
        for (route, plan) in zip(project.routes, project.plans) { routesByAPI[route.apiIndex].append((route, plan)) }
        // Each API's files depend on that API alone, so they are made on all cores, and
        // turned into bytes there, so no API's text outlives its worker.
        let apis = project.apis
        let byAPI = routesByAPI
        let perAPI = ParallelMap.map(apis.indices) { index -> ([(String, [UInt8])], DiagnosticCollector) in
            let api = apis[index]
            let folder = "apim/apis/\(api.name.value)"
            var problems = DiagnosticCollector()
            var files = [
                ("\(folder)/apiInformation.json", APIOpsFiles.api(api, namedValues: namedValues)),
                (
                    "\(folder)/specification.yaml",
                    OpenAPIDocument.render(
                        api, routes: byAPI[index].map(\.route), gateway: gateway, namedValues: namedValues, scopeDescriptions: scopeDescriptions)
                ),
                (
                    "\(folder)/policy.xml",
                    checkedPolicy(renderer.render(GatewayPolicies.api(api)), of: "API '\(api.name.value)'", at: api.name.range, into: &problems)
                ),
            ]
            for (route, plan) in byAPI[index] {
                // Only a project without errors is built, so every route has a plan.
                guard let plan else { continue }
                files.append((
                    "\(folder)/operations/\(route.written.id.value)/policy.xml",
                    checkedPolicy(
                        renderer.render(GatewayPolicies.operation(plan)), of: "route '\(api.name.value)/\(route.written.id.value)'",
                        at: route.written.id.range, into: &problems)))
            }
            return (files.map { ($0.0, Array($0.1.utf8)) }, problems)
        }
        bundle.reserve(perAPI.reduce(0) { $0 + $1.0.count } + 64)
        for (files, problems) in perAPI {
            for (path, bytes) in files { bundle.add(path, bytes: bytes) }
            oversized.append(contentsOf: problems)
        }
        for product in project.products {
            let folder = "apim/products/\(product.name.value)"
            bundle.add("\(folder)/productInformation.json", APIOpsFiles.product(product))
            bundle.add(
                "\(folder)/policy.xml",
                checkedPolicy(
                    renderer.render(GatewayPolicies.product(product)), of: "product '\(product.name.value)'", at: product.name.range,
                    into: &oversized))
            for api in product.apis {
                bundle.add("\(folder)/apis/\(api.value)/productApiInformation.json", APIOpsFiles.productAPI)
            }
        }
        for value in gateway.namedValues {
            bundle.add("apim/named values/\(value.name.value)/namedValueInformation.json", APIOpsFiles.namedValue(value))
        }
        for secret in gateway.secrets {
            guard case .keyVault(let uri) = secret.source else { continue }
            bundle.add("apim/named values/\(secret.name.value)/namedValueInformation.json", APIOpsFiles.secret(secret.name.value, keyVault: uri.value))
        }
        bundle.add("manifest.json", Manifest.render(bundle, inputs: inputDigests, sourceDigest: sourceDigest, environment: project.environment))
        return (bundle, oversized.diagnostics)
    }

    /// `policy`, after reporting it at `range` when APIM would refuse it for its size.
    private static func checkedPolicy(
        _ policy: String, of owner: String, at range: SourceRange, into problems: inout DiagnosticCollector
    ) -> String {
        let size = policy.utf8.count
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
        return policy
    }
}

/// `manifest.json`: the tool, the inputs' digests and every file's digest.
enum Manifest {
    struct Document: Encodable {
        struct Entry: Encodable {
            var path: String
            var sha256: String
        }

        struct Tool: Encodable {
            var name = ToolInfo.name
            var version = ToolInfo.version
        }

        var formatVersion = 1
        var tool = Tool()
        /// The environment the bundle was built for; absent for the definitions as written.
        var environment: String?
        var inputs: [Entry]
        var inputsSha256: String
        var files: [Entry]
    }

    static func render(
        _ bundle: DeploymentBundle, inputs: [(String, String)], sourceDigest: String, environment: String?
    ) -> String {
        let paths = bundle.paths
        let digests = ParallelMap.map(paths.indices) { SHA256.hex(bundle.files[paths[$0]]!) }
        return StableJSON.encode(
            Document(
                environment: environment, inputs: inputs.map { Document.Entry(path: $0.0, sha256: $0.1) }, inputsSha256: sourceDigest,
                files: zip(paths, digests).map { Document.Entry(path: $0, sha256: $1) }))
    }
}
