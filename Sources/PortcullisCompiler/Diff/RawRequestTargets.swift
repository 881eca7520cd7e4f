import PortcullisChecker
import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// Where raw policies send a route's request, for `diff`: a `set-backend-service` (its
/// `base-url`, or the URL of the declared backend its `backend-id` names), a `proxy` every
/// backend call goes through, and a `send-request` or `send-one-way-request` that takes
/// credentials along (``PolicyXMLElement/carriesCredentials(secrets:values:)``), and a
/// `Host` header set on the request, which picks the site a server that hosts several
/// serves (Microsoft's `set-header` page), wherever they stand in the policies the route's
/// requests pass and the fragments those include. A branch may send only some requests
/// there, which is enough to carry a token.
///
/// Named values are put in, so a change of their values alone moves the target. An
/// expression is taken as written: any change to it is a move.
struct RawRequestTargets {
    private let project: ResolvedProject
    private let values: GatewayComparison.Substitution
    private let fragments: [String: PolicyXMLDocument]
    /// The declared secrets' names, case-folded.
    private let secrets: Set<String>
    /// The declared backends' service URLs by lowercased name; a pool's are its members'.
    private let backendURLs: [String: [String]]
    /// Each document's targets, read once: every route of an API passes its policy.
    private var known: [ObjectIdentifier: Read] = [:]

    /// What one document sends where: every target with where it is written, and those a
    /// `set-backend-service` names, where the request itself goes.
    private struct Read {
        var placed: [String: SourceRange] = [:]
        var backends: [String] = []
    }

    init(_ project: ResolvedProject, _ values: GatewayComparison.Substitution) {
        self.project = project
        self.values = values
        fragments = project.fragments.documentsByName
        let services = Dictionary(project.backends.compactMap { backend in backend.service.map { (backend.name.value.lowercased(), $0.url.value) } }) { first, _ in first }
        var backendURLs: [String: [String]] = [:]
        for backend in project.backends where backendURLs[backend.name.value.lowercased()] == nil {
            switch backend.target {
            case .service(let service): backendURLs[backend.name.value.lowercased()] = [service.url.value]
            case .pool(let members): backendURLs[backend.name.value.lowercased()] = members.compactMap { services[$0.backend.value.lowercased()] }
            }
        }
        self.backendURLs = backendURLs
        secrets = Set((project.gateway?.secrets ?? []).map { Grammar.caseFolded($0.name.value) })
    }

    /// The targets of `route`'s requests, each with where it is written; empty when no raw
    /// policy sends them anywhere.
    mutating func of(_ route: EffectiveRoute) -> [String: SourceRange] {
        var targets: [String: SourceRange] = [:]
        for case let document? in documents(of: route) {
            targets.merge(of(document).placed) { first, _ in first }
        }
        return targets
    }

    /// Where a `set-backend-service` in the policies `route`'s requests pass may send them
    /// instead of the declared backend: a URL, or `backend NAME` for one APIM holds that no
    /// definition declares. Each counts, as a branch may choose it for some requests.
    mutating func backends(of route: EffectiveRoute) -> [String] {
        var found: [String] = []
        for case let document? in documents(of: route) { found += of(document).backends }
        return found
    }

    /// The policies a route's requests pass: its own, its API's, the gateway's and its products'.
    private func documents(of route: EffectiveRoute) -> [PolicyXMLDocument?] {
        [route.written.policy?.document, project.apis[route.apiIndex].policy?.document, project.gateway?.policy?.document]
            + route.products.map { project.products[$0].policy?.document }
    }

    /// The `Host` header the definitions set on a route's requests (`request.headers`), listed
    /// as a raw policy's is: it picks the site of the server behind the backend's address
    /// (kept where the caller sent one, as it always does, it changes nothing).
    func declaredHost(of plan: EnforcementPlan) -> [String: SourceRange] {
        var targets: [String: SourceRange] = [:]
        for change in plan.requestShaping?.headers ?? [] where (change.action == .set || change.action == .append) && change.name.value.trimmingWhitespace.lowercased() == "host" {
            guard let value = change.value else { continue }
            targets[Self.hostHeader + values.value(value.value).trimmingWhitespace] = change.name.range
        }
        return targets
    }

    /// The targets a route's own policy writes, which make a move the route's rather than its API's.
    mutating func ownOf(_ route: EffectiveRoute) -> [String: SourceRange] {
        route.written.policy?.document.map { of($0).placed } ?? [:]
    }

    private static let senders: Set<String> = ["set-backend-service", "proxy", "send-request", "send-one-way-request", "set-header", "include-fragment"]

    /// How a `Host` header set on the request is listed among the targets.
    private static let hostHeader = "Host header "

    /// The host a target reaches: a URL's, or the site a `Host` header names, without case,
    /// port or final dot, so a header naming the backend's own host reaches nothing new.
    static func host(of target: String) -> String {
        guard target.hasPrefix(hostHeader) else { return BackendDiff.host(of: target) }
        var host = Substring(target.dropFirst(hostHeader.count).lowercased())
        // An IPv6 address keeps its colons inside brackets.
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]") { host = host[..<colon] }
        while host.hasSuffix(".") { host = host.dropLast() }
        return String(host)
    }

    private mutating func of(_ document: PolicyXMLDocument) -> Read {
        if let found = known[ObjectIdentifier(document)] { return found }
        var read = Read()
        if document.has(anyOf: Self.senders) {
            // Placed only once found: finding a place reads its line up to it, and every
            // element of a long line was placed (an audit: a policy of 1,150 headers on one
            // line took 57 s).
            for found in targets(in: document.rootElements, request: true, visiting: []) {
                if found.target.setsBackend { read.backends.append(found.target.text) }
                if read.placed[found.target.text] == nil { read.placed[found.target.text] = document.range(found.element.nameSpan) }
            }
        }
        known[ObjectIdentifier(document)] = read
        return read
    }

    /// One place a statement sends requests, and whether it is where the request itself goes.
    private struct Target {
        var text: String
        var setsBackend = false
    }

    /// A value as a target: its text, or the text an expression of nothing but strings makes
    /// (`@("https://payroll.example.com")` sends where the URL written out does: audit V124);
    /// other code as written.
    private static func text(of value: PolicyXMLValue) -> String {
        value.isExpression ? ExpressionExtent.constantText(in: value.resolved) ?? value.written : value.written
    }

    /// What each fragment's statements name, by whether they set the request's headers and
    /// the fragment's id: read once, not once for each policy that includes it (audit V50:
    /// 2,000 policies each including 50 fragments took a minute).
    private var fragmentTargets: [String: [Target]] = [:]

    /// The targets `elements` name, in order, each with the statement that shows it: itself,
    /// or the include that brought a fragment's in. `request`: whether a header set there
    /// is the request's, not in `outbound`, `on-error` or a `return-response`, which set
    /// the answer's. `visiting`: the fragments on the way, which include none again.
    private mutating func targets(in elements: [PolicyXMLElement], request: Bool, visiting: Set<String>) -> [(target: Target, element: PolicyXMLElement)] {
        var found: [(target: Target, element: PolicyXMLElement)] = []
        func add(_ target: String, _ element: PolicyXMLElement) {
            found.append((Target(text: target.trimmingWhitespace, setsBackend: element.name == "set-backend-service"), element))
        }
        for element in elements {
            switch element.name {
            case "set-backend-service":
                if let url = element.attribute("base-url").map({ Self.text(of: $0.value) }) {
                    add(values.value(url), element)
                } else if let id = element.attribute("backend-id").map({ Self.text(of: $0.value) }) {
                    // A declared backend is where its URL leads; another is APIM's own, known by name.
                    let name = values.value(id).trimmingWhitespace
                    if let urls = backendURLs[name.lowercased()] {
                        for url in urls { add(values.value(url), element) }
                    } else {
                        add("backend " + name, element)
                    }
                }
            case "proxy":
                // Every call to the backend goes through it.
                if let url = element.attribute("url").map({ Self.text(of: $0.value) }) { add(values.value(url), element) }
            case "send-request", "send-one-way-request":
                guard element.carriesCredentials(secrets: secrets, values: values.values) else { continue }
                for url in element.elements where url.name == "set-url" {
                    let text = url.children.compactMap { if case .text(let value, _) = $0 { value.written } else { nil } }.joined()
                    add(values.value(text), element)
                }
            case "set-header":
                // Skipped where the caller's `Host` stands, as it always does; removed, the backend's own.
                guard request, values.value(element.attribute("name")?.value.written ?? "").trimmingWhitespace.lowercased() == "host" else { continue }
                let action = values.value(element.attribute("exists-action")?.value.written ?? "override").trimmingWhitespace.lowercased()
                guard action != "skip", action != "delete" else { continue }
                for value in element.elements where value.name == "value" {
                    add(Self.hostHeader + values.value(value.textValue?.written ?? "").trimmingWhitespace, element)
                }
            case "include-fragment":
                // A fragment runs where it is included: inside `outbound`, it sets the answer's
                // headers, so one included there too is read again for the request.
                guard case .text(let id)? = element.attribute("fragment-id")?.value, !visiting.contains(id), let fragment = fragments[id] else { continue }
                let key = "\(request) \(id)"
                let named = fragmentTargets[key] ?? targets(in: fragment.rootElements, request: request, visiting: visiting.union([id])).map(\.target)
                fragmentTargets[key] = named
                for target in named { found.append((target, element)) }
            default:
                found += targets(in: element.elements, request: request && !["outbound", "on-error", "return-response"].contains(element.name), visiting: visiting)
            }
        }
        return found
    }
}
