import FoundationEssentials
import PortcullisDiagnostics
import PortcullisModel

/// Changes to declared backends (`kind: Backend`), once per backend however many APIs
/// reach it: where its requests go, the TLS checks it skips, the credentials it sends and
/// a pool's members. Which backend an API or route names is ``AccessDiff/backendChanges``.
enum BackendDiff {
    static func compare(base: AccessDiff.Side, head: AccessDiff.Side) -> [AccessChange] {
        // APIM takes names without case: 'Partner-WEU' is the backend 'partner-weu' was.
        let before = Dictionary(base.project.backends.map { ($0.name.value.lowercased(), $0) }) { first, _ in first }
        // URLs are compared as APIM reads them, named values substituted.
        let (was, now) = (GatewayComparison.Substitution(base.project.gateway), GatewayComparison.Substitution(head.project.gateway))
        let sent = SecretsSent(base.project, was)
        var changes: [AccessChange] = []
        for backend in head.project.backends {
            let name = backend.name.value
            func add(_ category: AccessChange.Category, _ message: String, at range: SourceRange?) {
                changes.append(
                    AccessChange(
                        category: category, subject: AccessChange.Subject(kind: .backend, name: name),
                        message: "backend '\(name)' \(message)", place: head.location(range ?? backend.name.range)))
            }
            let previous = before[name.lowercased()]
            if previous == nil { add(.other, "was added", at: nil) }
            switch (previous?.target, backend.target) {
            case (.service(let old)?, .service(let new)):
                compare(old, was, new, now, sent, add)
            case (.pool(let old)?, .pool(let new)):
                let (was, now) = (old.map(describe).joined(separator: ", "), new.map(describe).joined(separator: ", "))
                if was.lowercased() != now.lowercased() { add(.other, "now balances requests over \(now) instead of \(was)", at: new.first?.backend.range) }
            case (_, .pool(let members)):
                if previous != nil { add(.other, "is now a pool of \(members.map(describe).joined(separator: ", "))", at: nil) }
            case (_, .service(let new)):
                // Added, or a pool before: everything the service does is new.
                if previous != nil { add(.other, "is now one service instead of a pool", at: nil) }
                compare(nil, was, new, now, sent, add)
            }
        }
        return changes
    }

    /// One service against what it was (nil: nothing), URLs as APIM reads them.
    private static func compare(
        _ old: Backend.Service?, _ was: GatewayComparison.Substitution, _ new: Backend.Service, _ now: GatewayComparison.Substitution,
        _ sent: SecretsSent, _ add: (AccessChange.Category, String, SourceRange?) -> Void
    ) {
        let (oldURL, newURL) = (old.map { was.value($0.url) }, now.value(new.url))
        if oldURL != newURL {
            let instead = oldURL.map { " instead of \(GatewayComparison.shown($0))" } ?? ""
            // Another host receives the gateway's token, certificate or keys the backend
            // carries: that is who gets in, not only where requests go.
            if let oldURL, new.credentials?.isSent == true || holdsASecret(newURL), host(of: oldURL) != host(of: newURL) {
                add(.privilegeIncrease, "now sends requests, with the credentials it carries, to another host: \(GatewayComparison.shown(newURL))\(instead)", new.url.range)
            } else if isDowngrade(from: oldURL, to: newURL) {
                add(.privilegeIncrease, "now sends requests over plain HTTP: \(GatewayComparison.shown(newURL))\(instead)", new.url.range)
            } else if let oldURL, movesOnItsHost(from: oldURL, to: newURL) {
                add(
                    .privilegeIncrease, "now sends requests to another path or port of its host: \(GatewayComparison.shown(newURL))\(instead), under the checks they had",
                    new.url.range)
            } else {
                add(.other, "now sends requests to \(GatewayComparison.shown(newURL))\(instead)", new.url.range)
            }
        }
        for (check, old, new) in [
            ("certificate chain", old?.tls?.validateCertificateChain, new.tls?.validateCertificateChain),
            ("certificate's name", old?.tls?.validateCertificateName, new.tls?.validateCertificateName),
        ] {
            // APIM validates both unless told not to.
            switch (old?.value ?? true, new?.value ?? true) {
            case (true, false): add(.privilegeIncrease, "no longer validates its \(check): a network attacker may pose as it", new?.range)
            case (false, true): add(.privilegeDecrease, "now validates its \(check)", new?.range)
            default: break
            }
        }
        compareCredentials(old?.credentials, was, new.credentials, now, existed: old != nil, received: { sent.received($0, atAnyOf: [newURL]) }, add)
    }

    /// Credentials sent to the service, by the names of the secrets that hold them (never
    /// their values); a managed identity's resource and client id as APIM reads them, named
    /// values put in. A service that `existed` and now sends the gateway's token or client
    /// certificate hands its callers' requests the gateway's credentials, as a raw
    /// `authentication-managed-identity` or `authentication-certificate` added does (audit
    /// V117: "other" here, a privilege increase there).
    private static func compareCredentials(
        _ old: Backend.Credentials?, _ was: GatewayComparison.Substitution, _ new: Backend.Credentials?, _ now: GatewayComparison.Substitution,
        existed: Bool, received: (String) -> Bool, _ add: (AccessChange.Category, String, SourceRange?) -> Void
    ) {
        /// Who the gateway authenticates as, and for which audience.
        func identity(_ written: Backend.ManagedIdentity?, _ values: GatewayComparison.Substitution) -> (resource: String, clientId: String?)? {
            // A client id is a GUID, written in any letter case.
            written.map { (values.value($0.resource), $0.clientId.map { values.value($0).lowercased() }) }
        }
        let (oldIdentity, newIdentity) = (identity(old?.managedIdentity, was), identity(new?.managedIdentity, now))
        // The identity is named when it is another: the same one is "the one".
        let sameIdentity = oldIdentity == nil || oldIdentity?.clientId == newIdentity?.clientId
        func described(_ identity: (resource: String, clientId: String?), again: Bool = false) -> String {
            let who = again && sameIdentity ? "the one" : sameIdentity ? "the managed identity"
                : identity.clientId.map { "managed identity \(GatewayComparison.shown($0))" } ?? "the gateway's own managed identity"
            return who + " for \(GatewayComparison.shown(identity.resource))"
        }
        if oldIdentity?.resource != newIdentity?.resource || oldIdentity?.clientId != newIdentity?.clientId {
            let now = newIdentity.map { "now authenticates with \(described($0))" } ?? "no longer authenticates with a managed identity"
            let instead = oldIdentity.map { " instead of \(described($0, again: true))" } ?? ""
            // A token for another audience (Azure Resource Manager, say) is a key to that
            // audience, handed to the backend; another identity may hold other roles there.
            let replaced = oldIdentity != nil && newIdentity != nil
            let added = existed && oldIdentity == nil && newIdentity != nil
            add(replaced || added ? .privilegeIncrease : .other, now + (newIdentity == nil ? "" : instead), new?.managedIdentity?.range)
        }
        if old?.clientCertificate?.value != new?.clientCertificate?.value {
            let now = new?.clientCertificate.map { "now presents client certificate \(GatewayComparison.shown($0.value))" } ?? "no longer presents a client certificate"
            add(existed && old?.clientCertificate == nil ? .privilegeIncrease : .other, now, new?.clientCertificate?.range)
        }
        // A secret that existed before and that the service's host did not receive, from
        // any backend or route, is a credential handed to it (another service's key, say);
        // one renamed, moved from a route's header, or made in the same change, is not.
        for (kind, oldParameters, newParameters) in [
            ("header", old?.headers ?? [], new?.headers ?? []), ("query parameter", old?.query ?? [], new?.query ?? []),
        ] {
            let had = Dictionary(oldParameters.map { ($0.name.value, source($0.secret)) }) { first, _ in first }
            let has = Set(newParameters.map(\.name.value))
            for (name, secret) in newParameters where had[name.value] != source(secret) {
                let instead = had[name.value].map { " instead of \($0)" } ?? ""
                if case .reference(let secretName) = secret, let held = now.secrets[secretName.value.lowercased()], was.holds(held), !received(held) {
                    add(.privilegeIncrease, "now sends \(kind) '\(name.value)' from \(source(secret))\(instead), a secret it did not receive before", name.range)
                } else {
                    add(.other, "now sends \(kind) '\(name.value)' from \(source(secret))\(instead)", name.range)
                }
            }
            for (name, _) in oldParameters where !has.contains(name.value) {
                add(.other, "no longer sends \(kind) '\(name.value)'", nil)
            }
        }
    }

    /// Whether a URL, named values put in (``GatewayComparison/Substitution``), still
    /// references one: a secret's, whose value APIM puts there, so the URL is a credential
    /// sent to its host whatever else the requests carry.
    static func holdsASecret(_ url: String) -> Bool {
        url.contains("{{")
    }

    /// From HTTPS to plain HTTP: the caller's token and the credentials the gateway adds
    /// cross the network readable by anyone on the way.
    static func isDowngrade(from old: String?, to new: String?) -> Bool {
        guard let old, let new else { return false }
        let scheme = { (url: String) in url.trimmingWhitespace.lowercased().prefix { $0 != ":" } }
        return scheme(old) == "https" && scheme(new) == "http"
    }

    /// Whether `new` names another path or port on `old`'s host: the same checks then guard
    /// other operations of that host (its admin endpoints, another service on another port),
    /// as a rewrite to another path does.
    static func movesOnItsHost(from old: String, to new: String) -> Bool {
        guard let before = URLComponents(string: old.trimmingWhitespace),
            let after = URLComponents(string: new.trimmingWhitespace),
            let host = before.host?.lowercased(), host == after.host?.lowercased()
        else { return false }
        // As a server reads them: escapes decoded, a trailing slash and the scheme's own port aside.
        func path(_ url: URLComponents) -> String { url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path }
        func port(_ url: URLComponents) -> Int? { url.port ?? (url.scheme?.lowercased() == "http" ? 80 : 443) }
        return path(before) != path(after) || port(before) != port(after)
    }

    /// `url` as the server it names reads it, to tell which operation a route reaches (an
    /// audit reached a guarded operation through the same URL with `:443`): the scheme and
    /// host without case, the host without the final dot DNS ignores, the scheme's own port
    /// left out, the path's escapes decoded and its dot segments resolved, no final `/`,
    /// and no query: APIM sends the URL's query with every request, and the operation is
    /// the path (audit V106: `?x=1` on a new API's backend hid the operation another route
    /// guards). Without case whole, as most backends route; as written where it does not parse.
    static func serverForm(of url: String) -> String {
        let text = url.trimmingWhitespace.lowercased()
        guard let parts = URLComponents(string: text), let scheme = parts.scheme, var host = parts.host, !host.isEmpty else {
            return AccessDiff.withoutFinalSlash(text)
        }
        while host.hasSuffix(".") { host.removeLast() }
        let port = parts.port.flatMap { (scheme == "https" && $0 == 443) || (scheme == "http" && $0 == 80) ? nil : ":\($0)" } ?? ""
        var segments: [Substring] = []
        for segment in parts.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return AccessDiff.withoutFinalSlash("\(scheme)://\(host)\(port)/" + segments.joined(separator: "/"))
    }

    /// The host of `url`, in lowercase; the whole text when it has none. A `\` is read
    /// as WHATWG's readers read it, as `/`: `https://evil.example\@api.example.com` reaches
    /// 'evil.example' there, though RFC 3986's readers take it for a user name (audit V79).
    static func host(of url: String) -> String {
        let read = url.utf8.contains(UInt8(ascii: "\\")) ? url.replacing("\\", with: "/") : url
        return (URL(string: read)?.host ?? url).lowercased()
    }

    /// Where a credential comes from: the secret's name, never a value written in place.
    static func source(_ secret: SecretValue) -> String {
        if case .reference(let name) = secret { "secret '\(name.value)'" } else { "a value written in the definitions" }
    }

    private static func describe(_ member: Backend.PoolMember) -> String {
        let weights = [member.priority.map { "priority \($0.value)" }, member.weight.map { "weight \($0.value)" }].compactMap { $0 }
        return "'\(member.backend.value)'" + (weights.isEmpty ? "" : " (\(weights.joined(separator: ", ")))")
    }
}
