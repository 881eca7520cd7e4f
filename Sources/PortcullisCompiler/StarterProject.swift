import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The project `portcullis init` writes: a gateway with Redis, one API, a product and a
/// configuration, each commented, which lints clean with every rule on and builds.
public enum StarterProject {
    /// Each file's path inside the project folder, and its text.
    public static let files: [(path: String, text: String)] = [
        (
            "portcullis.yaml",
            """
            # Portcullis configuration for this project. Every rule is on; 'portcullis rules' lists
            # them and 'portcullis explain CODE' explains one. A severity here changes a rule:
            #   rules:
            #     LP004: error          # raise a warning to an error
            #     RL004: off            # turn a rule off
            # and 'exclude' lists input paths to skip, relative to this file ('legacy/**').
            rules: {}
            exclude: []

            """
        ),
        (
            "gateway.yaml",
            """
            # The gateway: one per project. It declares who may call (identity providers and scopes),
            # the values and secrets policies use, the Redis cache, and defaults every API inherits.
            apiVersion: portcullis/v1
            kind: Gateway
            name: starter
            sku: Standard                      # the APIM tier: decides which limit policies can run

            identityProviders:
              entra:                           # tokens from Microsoft Entra ID, checked by signature
                type: jwt
                issuer: https://login.microsoftonline.com/{{tenant-id}}/v2.0
                openidConfig: https://login.microsoftonline.com/{{tenant-id}}/v2.0/.well-known/openid-configuration
                audiences: ["{{api-client-id}}"]
                tokenLifetime: 1h

            scopes:                            # what a token may grant; 'access' says how much it allows
              orders.read: {access: read, description: Read orders}
              orders.write: {access: write, description: Create orders}

            namedValues:                       # plain values, referenced as {{name}}
              tenant-id: 00000000-0000-0000-0000-000000000000       # replace: your Entra tenant ID
              api-client-id: 00000000-0000-0000-0000-000000000000   # replace: the API's application (client) ID

            secrets:                           # secret values stay in Key Vault; definitions name them
              redis-connection: {keyVault: https://example-kv.vault.azure.net/secrets/redis-connection}

            redis:                             # the external cache for responses, tokens and rate limits
              connection: {secret: redis-connection}
              tls: true
              publicNetworkAccess: false
              keyPrefix: starter
              databases: {auth: 0, rateLimit: 1, responses: 2}

            defaults:                          # inherited by every API and route unless they say otherwise
              auth: entra
              rateLimit: {calls: 100, per: 60s, key: subscription}

            """
        ),
        (
            "apis/orders.yaml",
            """
            # An API: where it lives on the gateway, its backend, and its routes. Each route says
            # which scopes a token needs; limits and caching are inherited or set per route.
            apiVersion: portcullis/v1
            kind: API
            name: orders
            displayName: Orders API
            path: orders                       # callers use https://<gateway>/orders/...
            backend: https://orders.internal.example.com
            routes:
              - id: list-orders
                method: GET
                path: /orders
                summary: List the caller's orders
                scopes: [orders.read]
                cache: {ttl: 30s}              # per caller: a token's answers are never shared
              - id: create-order
                method: POST
                path: /orders
                summary: Place an order
                scopes: [orders.write]
                rateLimit: {calls: 20, per: 60s, key: user}

            """
        ),
        (
            "products.yaml",
            """
            # A product: what a subscription key grants access to, with its own limits.
            apiVersion: portcullis/v1
            kind: Product
            name: standard
            displayName: Standard
            description: The orders API for approved subscribers
            apis: [orders]
            approvalRequired: true
            rateLimit: {calls: 1000, per: 60s}
            quota: {calls: 100000, per: 30d}

            """
        ),
    ]

    /// Writes the project into `folder`, creating it when needed. Nothing that exists is
    /// ever replaced: when any of the files exists, nothing is written, and each file is
    /// created only if it still does not exist when it is written. A folder inside the
    /// project that is a link (or not a folder) is refused, so no file lands outside it.
    /// When a file cannot be written, those written before it are taken back (the folders
    /// made stay: empty, they stop no later run). Returns the paths written.
    public static func write(into folder: String) throws -> [String] {
        // The project folder itself, or one on the way, may be a link a pull request
        // committed: below the working directory it must stay in its folder, as `--out` and
        // `--output` must (found by an audit: `init f`, `f` a link outside, wrote there).
        if let reason = InputFiles().linkOnTheWay(to: folder, includingLast: true) {
            throw DriverError.refusedOutput(folder, leadsTo: FileSystem.realPath(folder), reason: reason)
        }
        let paths = files.map { folder.appendingPathPart($0.path) }
        let existing = paths.filter { FileSystem.linkKind(of: $0) != nil }
        guard existing.isEmpty else {
            throw DriverError.refusedOutput(
                existing[0], leadsTo: nil,
                reason: "it exists, and init never replaces a file" + (existing.count > 1 ? " (nor \(existing.count - 1) more)" : ""))
        }
        for file in files { try checkInnerFolders(of: file.path, in: folder, making: false) }
        // What this run created, by device and inode, so that a failure part way takes back
        // those files (and no other that took a path's place since) rather than leave half
        // a project that every later run refuses.
        var created: [(path: String, device: UInt64, inode: UInt64)] = []
        for (file, path) in zip(files, paths) {
            let parent = path.parentFolder
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try checkInnerFolders(of: file.path, in: folder, making: true)
                try FileSystem.createFile(Array(file.text.utf8), at: path)
                var status = stat()
                if lstat(path, &status) == 0 { created.append((path, UInt64(status.st_dev), UInt64(status.st_ino))) }
            } catch {
                for made in created.reversed() {
                    var status = stat()
                    guard lstat(made.path, &status) == 0, UInt64(status.st_dev) == made.device, UInt64(status.st_ino) == made.inode else { continue }
                    unlink(made.path)
                }
                switch error {
                case let error as DriverError: throw error
                case let failure as FileSystem.Failure: throw DriverError.unwritable(path, reason: failure.reason)
                default: throw DriverError.unwritable(parent, reason: DriverError.reason(of: error))
                }
            }
        }
        return paths
    }

    /// Refuses a folder between `folder` and the file at `path` inside it that is a link
    /// planted there, or not a folder; `making` makes the missing ones first, one at a
    /// time, so each is checked before anything is written into it.
    private static func checkInnerFolders(of path: String, in folder: String, making: Bool) throws {
        var inner = folder
        for component in path.split(separator: "/").dropLast() {
            inner = inner.appendingPathPart(String(component))
            if making { try FileSystem.makeDirectory(inner) }
            switch FileSystem.linkKind(of: inner) {
            case .directory: continue
            case nil: return
            case .link:
                throw DriverError.refusedOutput(
                    inner, leadsTo: FileSystem.realPath(inner), reason: "init writes only inside the project folder, never through a link")
            default:
                throw DriverError.refusedOutput(inner, leadsTo: nil, reason: "it exists and is not a folder")
            }
        }
    }
}
