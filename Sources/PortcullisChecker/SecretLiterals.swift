import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML
import PortcullisSupport
import PortcullisSyntax

/// Where the inputs hold secret text: rule SE001 reports it, and every report masks it
/// when it quotes a source line, whatever rules are enabled.
public struct SecretLiterals: Sendable {
    /// A field that must reference a secret but holds a literal.
    public struct Misplaced: Sendable {
        /// How messages name the field: "'clientSecret' of provider 'partner'".
        public var field: String
        public var range: SourceRange
        /// How a secret is referenced there: in a definition's field, or in policy XML.
        public var reference = "{secret: NAME}"
    }

    /// Credential-like keys and scalars anywhere in the inputs (see ``credentials(in:)``).
    public let credentials: [SourceRange]
    /// Literal values in fields that take a secret reference.
    public let misplaced: [Misplaced]
    /// The `value` literals of `secrets` entries.
    public let plainValues: [SourceRange]
    /// Every range above, plus secret material that could not be read: what reports mask.
    public let masked: [SourceRange]

    public init(project: ResolvedProject, credentials: [SourceRange] = []) {
        // Plain named values: APIM puts them into a header's name, and one a signing key,
        // a password or a credential header reads is a credential written in the
        // definitions. By name without case, as APIM takes them.
        let plain = Dictionary((project.gateway?.namedValues ?? []).map { ($0.name.value.lowercased(), $0.value) }) { first, _ in first }
        var credentials = credentials + Self.credentials(inRawPoliciesOf: project, plain: plain) + Self.credentials(inDefinitionsOf: project, plain: plain)
        // A named value's name calls its value a credential in either form: `db-password: x`
        // is caught as the scalar is read, `db-password: {value: x}` only here, where the
        // value's key is `value`. A value that is nothing but a generated key is one too,
        // as `import` judges it (found by an audit: lint passed what import refused).
        let named = (project.gateway?.namedValues ?? []).filter { CredentialScanner.isCredential($0.value.value, orNamedSoBy: $0.name.value) }
        if !named.isEmpty {
            let found = Set(credentials)
            credentials += named.map(\.value.range).filter { !found.contains($0) }
        }
        self.credentials = credentials
        var misplaced: [Misplaced] = []
        for provider in project.gateway?.identityProviders ?? [] {
            if case .introspection(let details) = provider.details, case .literal(let range) = details.clientSecret {
                misplaced.append(Misplaced(field: "'clientSecret' of provider '\(provider.name.value)'", range: range))
            }
        }
        if case .present(let redis)? = project.gateway?.redis, case .literal(let range) = redis.connection {
            misplaced.append(Misplaced(field: "'redis.connection'", range: range))
        }
        for backend in project.backends {
            guard let credentials = backend.service?.credentials else { continue }
            for (parameter, place) in credentials.headers.map({ ($0, "header") }) + credentials.query.map({ ($0, "query parameter") }) {
                if case .literal(let range) = parameter.secret {
                    misplaced.append(Misplaced(field: "\(place) '\(parameter.name.value)' of backend '\(backend.name.value)'", range: range))
                }
            }
        }
        misplaced += Self.credentialsAsked(inRawPoliciesOf: project, plain: plain)
        self.misplaced = misplaced
        plainValues = (project.gateway?.secrets ?? []).compactMap {
            if case .literal(let range) = $0.source { range } else { nil }
        }
        let inBrokenSections = project.gateway?.secretsInBrokenSections ?? []
        masked = Array(Set(credentials + misplaced.map(\.range) + plainValues + project.unreadSecrets + inBrokenSections)).sorted()
    }

    /// The ranges of credential-like keys and scalars in `document`, in document order,
    /// and of scalars that a key calls a credential (`db-password: ...`). What counts as
    /// a credential is ``CredentialScanner``'s to say (see ``isCredential(_:role:)``).
    /// A document read with ``picker`` whose tree is what was read gives what the reader
    /// picked; any other (an alias, a merge key, a dropped entry, an environment laid over
    /// it, no picker) has its tree walked.
    public static func credentials(in document: YAMLDocument) -> [SourceRange] {
        if document.treeMatchesEvents, let picked = document.picked { return picked }
        return credentials(inTree: document.root)
    }

    /// The credential-like ranges found by walking `root`'s tree.
    public static func credentials(inTree root: YAMLNode) -> [SourceRange] {
        var found: [SourceRange] = []
        var scanned: [SourceRange: Bool] = [:]
        collect(root, into: &found, scanned: &scanned)
        return found
    }

    /// Scalars shorter than this are scanned wherever they stand: cheaper than a lookup.
    /// A longer one is scanned once where it is written: an alias repeats the anchored node
    /// with its range, and a long scalar repeated by a hundred thousand aliases, each under
    /// a key of its own, was scanned each time (the audit of growth: 18 s for a 1.6 MB file).
    private static let scannedOnce = 1024

    /// Credential-like values in raw policy XML: literal attribute values and text judged
    /// like YAML values (the attribute's name, or a header's name, as the key), the string
    /// literals of expressions, and comments.
    static func credentials(inRawPoliciesOf project: ResolvedProject, plain: [String: Located<String>]) -> [SourceRange] {
        let documents = rawPolicies(of: project)
        let held = plain.isEmpty ? [:] : namedValuesHeld(in: documents, plain)
        return documents.flatMap { credentials(inRawPolicy: $0, plain: plain, held: held) }
    }

    /// The plain named values each variable of `documents` may hold: those a `set-variable`
    /// of it references, by name, and those of the variables its value reads, through any
    /// number of copies (audit V52: a key kept in a variable, then sent under a
    /// credential's header, was bundled; V58: copied once more, it still was). Each
    /// variable's names grow until none does, each copy followed once per name it passes.
    private static func namedValuesHeld(in documents: [PolicyXMLDocument], _ plain: [String: Located<String>]) -> [String: [String]] {
        var held: [String: Set<String>] = [:]
        // The variables whose values each variable's setters read; a setter that may read
        // any is read as reading every variable set.
        var readers: [String: Set<String>] = [:]
        var readingAny = Set<String>()
        // Told by the bytes first: most documents set no variable, and without a reference
        // in one no variable holds a named value.
        let setting = documents.filter { ByteScan.holds("s", followedBy: "et-variable", in: $0.text[...]) }
        guard setting.contains(where: { ByteScan.holds("{", followedBy: "{", in: $0.text[...]) }) else { return [:] }
        for document in setting {
            for element in document.allElements where element.name == "set-variable" {
                guard case .text(let name)? = element.attribute("name")?.value, let value = element.attribute("value")?.value else { continue }
                if value.written.holds("{{") {
                    held[name, default: []].formUnion(NamedValues.references(in: value.written).filter { plain[$0.lowercased()] != nil })
                }
                guard value.isExpression, value.resolved.mayReadAVariable else { continue }
                guard let read = value.variablesRead else {
                    readingAny.insert(name)
                    continue
                }
                for source in read where source != name { readers[source, default: []].insert(name) }
            }
        }
        func propagate(from sources: [String]) {
            var pending = sources
            while let source = pending.popLast() {
                let names = held[source] ?? []
                for reader in readers[source] ?? [] where !names.isSubset(of: held[reader] ?? []) {
                    held[reader, default: []].formUnion(names)
                    pending.append(reader)
                }
            }
        }
        propagate(from: Array(held.keys))
        // A setter that may read any variable holds every name some variable holds, which
        // no step adds to: once given them, what reads it takes them in turn.
        if !readingAny.isEmpty {
            let every = held.values.reduce(into: Set<String>()) { $0.formUnion($1) }
            if !every.isEmpty {
                for name in readingAny { held[name, default: []].formUnion(every) }
                propagate(from: Array(readingAny))
            }
        }
        return held.filter { !$0.value.isEmpty }.mapValues { $0.sorted() }
    }

    /// Every raw policy document of the project: the gateway's, the APIs', the routes', the
    /// products' and the fragments'.
    private static func rawPolicies(of project: ResolvedProject) -> [PolicyXMLDocument] {
        var documents = project.gateway.flatMap(\.policy?.document).map { [$0] } ?? []
        for api in project.apis {
            if let document = api.policy?.document { documents.append(document) }
            documents += api.routes.compactMap(\.policy?.document)
        }
        return documents + project.products.compactMap(\.policy?.document) + project.fragments.compactMap(\.policy.document)
    }

    /// The literals raw policies let a caller in with, each a shared secret written in the
    /// policy whatever it looks like: a string compared with a request header or query
    /// parameter named like a credential (``ExpressionFlow/textsCompared(in:)``,
    /// ``asksForACredential(_:underHeader:)``), and the values of a `check-header` of such a header, or
    /// that look like credentials, whatever it refuses with, unless HTTP gives the header
    /// another meaning (``isPublicHeader(_:)``); never a text standing for a value missing
    /// (``CredentialScanner/isAPlaceholder(_:)``). One per value.
    private static func credentialsAsked(inRawPoliciesOf project: ResolvedProject, plain: [String: Located<String>]) -> [Misplaced] {
        var found: [Misplaced] = []
        // Each distinct expression that may compare a read once: estates repeat a policy in
        // every API.
        var comparedIn: [String: [(read: ExpressionFlow.Source, text: String)]] = [:]
        for document in rawPolicies(of: project) where mayAskForACredential(document.text[...]) {
            func judge(_ value: PolicyXMLValue, at span: Range<Int>) {
                guard value.isExpression, case let code = value.resolved, ExpressionFlow.mayCompareARead(code) else { return }
                let compared = comparedIn[code] ?? ExpressionFlow.textsCompared(in: code)
                comparedIn[code] = compared
                let asked = compared.lazy.compactMap { compared -> String? in
                    switch compared.read {
                    case .requestHeader(let name):
                        let header = resolved(name, plain)
                        return asksForACredential(compared.text, underHeader: header) ? "header '\(header)'" : nil
                    case .requestQuery(let name):
                        let parameter = resolved(name, plain)
                        // A short word compared with `key` or `token` picks a region or a
                        // preview (`v2preview`: the fourth audit); a query secret is longer.
                        return compared.text.count >= 12 && isQueryCredential(compared.text, under: parameter) ? "query parameter '\(parameter)'" : nil
                    default: return nil
                    }
                }.first
                if let asked { found.append(Misplaced(field: "the text compared with \(asked)", range: document.range(span), reference: "{{NAME}}")) }
            }
            for element in document.allElements {
                for attribute in element.attributes { judge(attribute.value, at: attribute.valueSpan) }
                for case .text(let value, let span) in element.children { judge(value, at: span) }
                // Whatever it refuses with: the values are what a caller must send.
                guard element.name == "check-header" else { continue }
                var header: String?
                if case .text(let name)? = element.attribute("name")?.value { header = resolved(name, plain).trimmingWhitespace }
                guard !(header.map { isPublicHeader($0) } ?? false) else { continue }
                let field = header.map { "'value' of check-header '\($0)'" } ?? "'value' of a check-header"
                for case .element(let value) in element.children where value.name == "value" {
                    for case .text(let text, let span) in value.children
                    where !text.isExpression
                        && (asksForACredential(text.resolved, underHeader: header ?? "") || CredentialScanner.looksLikeCredential(text.resolved))
                    {
                        found.append(Misplaced(field: field, range: document.range(span), reference: "{{NAME}}"))
                    }
                }
            }
        }
        return found
    }

    /// Whether a document's bytes may hold what ``credentialsAsked(inRawPoliciesOf:plain:)``
    /// looks for: a `check-header`, or a read of the request and a comparison; a character
    /// reference (`&#61;`), a CDATA section or a comment (`Re<![CDATA[quest]]>`: the second
    /// audit) may split or spell either, so such a document is walked too. Most are not
    /// walked at all (each element copied out of a document costs its references).
    private static func mayAskForACredential(_ bytes: ArraySlice<UInt8>) -> Bool {
        if ByteScan.holds("&", followedBy: "#", in: bytes) || ByteScan.holds("<", followedBy: "!", in: bytes)
            || ByteScan.holds("c", followedBy: "heck-header", in: bytes)
        {
            return true
        }
        let readsTheRequest = ByteScan.holds("R", followedBy: "equest", in: bytes) || ByteScan.holds("\\", followedBy: "u", in: bytes)
        return readsTheRequest
            && (ByteScan.holds("=", followedBy: "=", in: bytes) || ByteScan.holds("!", followedBy: "=", in: bytes)
                || ByteScan.holds("E", followedBy: "quals", in: bytes) || ByteScan.holds("s", followedBy: "witch", in: bytes))
    }

    /// `name` with the plain named values it references put in, as APIM puts them in.
    private static func resolved(_ name: String, _ plain: [String: Located<String>]) -> String {
        guard name.holds("{{") else { return name }
        return NamedValues.references(in: name).reduce(name) { name, reference in
            plain[reference.lowercased()].map { name.replacing("{{\(reference)}}", with: $0.value) } ?? name
        }
    }

    /// Whether `text`, asked for in a request header `name` (compared with it, or a
    /// `check-header`'s value), is a credential: under a name that calls it one as a YAML
    /// key does (`Authorization`, `X-Api-Key`), any text but a placeholder
    /// (``CredentialScanner/isAPlaceholder(_:)``); under a name with a word that names a secret
    /// (``CredentialScanner/namesASecret(_:)``: `X-Partner-Key`, `X-ApiToken`, `X-Hub-Signature-256`: the
    /// audits), one that looks like a generated key (``CredentialScanner/looksLikeAKey(_:)``; `X-Event-Key:
    /// repo:push`, `X-Tenant-Key: contoso01` are none: the third and fourth audits). A
    /// name about a credential (`X-Key-Id`, `X-Token-Type`) asks for none.
    private static func asksForACredential(_ text: String, underHeader name: String) -> Bool {
        guard CredentialScanner.isWrittenOut(text), !CredentialScanner.isAPlaceholder(text) else { return false }
        if CredentialScanner.isCredential("x", under: name) { return true }
        let words = name.lowercased().split { "-_ .".contains($0) }.map(String.init)
        guard let last = words.last, !descriptiveWords.contains(last) else { return false }
        return words.contains(where: CredentialScanner.namesASecret) && CredentialScanner.looksLikeAKey(text)
    }

    /// Last words of a name about a credential rather than of one.
    private static let descriptiveWords: Set<String> = [
        "id", "type", "version", "format", "algorithm", "alg", "policy", "location", "name", "hint", "length", "count", "size", "expiry", "expires",
        "kind", "scheme", "header", "mode", "status", "audience", "issuer", "provider", "source", "endpoint", "method", "url", "uri",
    ]

    /// Whether HTTP gives the request header `name` a meaning of its own, which no secret
    /// has: a `check-header` of the caller's address (`X-Forwarded-For`, which Microsoft's
    /// sample checks against addresses, refusing with 403), a content type or an origin
    /// asks for nothing secret.
    private static func isPublicHeader(_ name: String) -> Bool {
        let name = name.lowercased()
        return publicHeaders.contains(name) || ["accept", "content-", "x-forwarded-", "if-", "sec-"].contains { name.hasPrefix($0) }
    }

    /// The headers ``isPublicHeader(_:)`` names one by one.
    private static let publicHeaders: Set<String> = [
        "host", "origin", "referer", "user-agent", "forwarded", "x-real-ip", "x-client-ip", "x-requested-with", "x-http-method-override",
        "cache-control", "pragma", "te", "upgrade", "connection",
    ]

    /// Plain named values that the definitions give a credential where the policies
    /// Portcullis writes send them: a header or query parameter set (`X-Functions-Key:
    /// "{{backend-key}}"`, `code: "{{fn-key}}"`), a backend's or provider's URL
    /// (`?code={{key}}`), an answer's header or body. Judged as the raw statements they
    /// become are; a rewrite's path takes no named value (YS004). A query parameter's literal value under a query secret's key (`code:
    /// Zk3p...`) too: the key alone does not name a credential where YAML is read; and a
    /// header's or parameter's value that is nothing but a generated key.
    static func credentials(inDefinitionsOf project: ResolvedProject, plain: [String: Located<String>]) -> [SourceRange] {
        var found: [SourceRange] = []
        func judge(_ text: Located<String>?, under key: String, inQuery: Bool = false) {
            guard let text else { return }
            if inQuery, isQueryCredential(text.value, under: key) { found.append(text.range) }
            guard text.value.holds("{{") else { return }
            found += credentialsGiven(by: .text(text.value), under: key, inQuery: inQuery, plain)
        }
        // A value that is nothing but a generated key is one under any header or parameter,
        // as in a raw `set-header` (found by an audit: `X-Backend-Auth: KEY` passed).
        func judge(_ changes: [MessageChange]?, inQuery: Bool = false) {
            for change in changes ?? [] {
                if let value = change.value,
                    CredentialScanner.looksLikeABareKey(value.value) && !CredentialScanner.namesADigest(change.name.value)
                        || !inQuery && CredentialScanner.isHeaderCredential(value.value, header: change.name.value)
                {
                    found.append(value.range)
                }
                if !inQuery, let value = change.value { found += headerCredentialsGiven(value.value, header: change.name.value, plain) }
                judge(change.value, under: change.name.value, inQuery: inQuery)
            }
        }
        for provider in project.gateway?.identityProviders ?? [] {
            switch provider.details {
            case .jwt(let jwt):
                judge(jwt.issuer, under: "url")
                judge(jwt.openidConfig, under: "url")
            case .introspection(let introspection):
                judge(introspection.endpoint, under: "url")
            }
        }
        for api in project.apis {
            if case .url(let url) = api.backend { judge(url, under: "url") }
            judge(api.request?.headers)
            judge(api.request?.query, inQuery: true)
            judge(api.response?.headers)
            for route in api.routes where route.shaping != nil || route.backend != nil {
                if case .url(let url)? = route.backend { judge(url, under: "url") }
                judge(route.request?.headers)
                judge(route.request?.query, inQuery: true)
                judge(route.response?.headers)
                if case .fixed(let answer)? = route.answer {
                    judge(answer.headers)
                    judge(answer.body, under: "body")
                }
            }
        }
        for backend in project.backends {
            judge(backend.service?.url, under: "url")
        }
        return found
    }

    /// The credential-like values and comments of one raw policy document, in document order.
    private static func credentials(inRawPolicy document: PolicyXMLDocument, plain: [String: Located<String>], held: [String: [String]]) -> [SourceRange] {
        var found: [SourceRange] = []
        for element in document.allElements {
            let key: String
            if case .text(let name)? = element.attribute("name")?.value { key = resolved(name, plain) } else { key = element.name }
            // A 'value' attribute is named by its element: <set-variable name="apiKey" value="...">.
            for attribute in element.attributes {
                let under = attribute.name == "value" ? key : attribute.name
                if isCredential(attribute.value, under: under) { found.append(document.range(attribute.valueSpan)) }
                found += credentialsGiven(by: attribute.value, under: under, plain, held: held)
            }
            let inHeader = element.name == "set-header" && CredentialScanner.namesACredentialHeader(key)
            for case .element(let value) in element.children where value.name == "value" {
                let inQuery = element.name == "set-query-parameter"
                for case .text(let text, let span) in value.children {
                    if isCredential(text, under: key) || (inQuery && RawScope.constant(text).map { isQueryCredential($0, under: key) } == true)
                        || (inHeader && RawScope.constant(text).map { CredentialScanner.isHeaderCredential($0, header: key) } == true)
                    {
                        found.append(document.range(span))
                    }
                    if inHeader, let constant = RawScope.constant(text) { found += headerCredentialsGiven(constant, header: key, plain) }
                    found += credentialsGiven(by: text, under: key, inQuery: inQuery, plain, held: held)
                }
                if let (text, span) = joinedText(of: value), isCredential(.text(text), under: key) { found.append(document.range(span)) }
            }
            for case .text(let text, let span) in element.children where element.name != "value" {
                if isCredential(text, under: element.name) { found.append(document.range(span)) }
                // A URL or a body sent on may give a named value a credential's key (`?code={{k}}`).
                if element.name == "set-url" || element.name == "set-body" { found += credentialsGiven(by: text, under: element.name, plain, held: held) }
            }
            if element.name != "value", let (text, span) = joinedText(of: element), isCredential(.text(text), under: element.name) {
                found.append(document.range(span))
            }
            // A certificate's body written in the policy is the certificate with its private
            // key (a PFX), as a key written in a 'validate-jwt' is (found by an audit: it was
            // bundled).
            if element.name == "authentication-certificate", let body = element.attribute("body"), writesAKey(body.value) {
                found.append(document.range(body.valueSpan))
            }
            // A key written in a 'validate-jwt' is symmetric: whoever reads it can sign tokens
            // the check accepts, or read the ones it decrypts. Public keys are attributes.
            // Every element of the list holds one: `zumo-master-key` too (audit V52).
            if element.name == "issuer-signing-keys" || element.name == "decryption-keys" {
                for case .element(let key) in element.children {
                    for case .text(let value, let span) in key.children where writesAKey(value) || givesKeyMaterial(value, plain) {
                        found.append(document.range(span))
                    }
                }
            }
            // APIM keeps comments, so one deploys whatever it holds.
            for case .comment(let text, let span) in element.children where CredentialScanner.looksLikeCredential(text) || namesACredential(inProse: text) {
                found.append(document.range(span))
            }
        }
        return found
    }

    /// The text of `element` as APIM reads it when a CDATA section or a comment splits it
    /// (`Account<![CDATA[Key=…]]>`, `Account<!-- -->Key=…`): its text and CDATA joined,
    /// comments dropped, with the span from the first piece to the last (found by an audit:
    /// each piece was judged alone). Nil for text in one piece, beside an element or an
    /// expression.
    private static func joinedText(of element: PolicyXMLElement) -> (String, Range<Int>)? {
        var pieces: [(String, Range<Int>)] = []
        for child in element.children {
            switch child {
            case .text(.text(let text), let span): pieces.append((text, span))
            case .comment: continue
            default: return nil
            }
        }
        guard pieces.count > 1, let first = pieces.first, let last = pieces.last else { return nil }
        return (pieces.map(\.0).joined(), first.1.lowerBound..<last.1.upperBound)
    }

    /// Whether a comment's prose writes a credential as `key: value` (`apiKey: 7Qm…`, after
    /// other words too, ``ProsePairs``), its key naming one as a YAML key does
    /// (``CredentialScanner/isCredential(_:under:)``) and its value shaped like a secret,
    /// eight characters or more of letters and digits, no URL (found by audits: only
    /// `key=value` was caught, then only the first colon). Prose is no YAML: `cache key:
    /// per-user` names no credential, `password: see the vault` writes none, `token:
    /// https://login…/token` says where one comes from.
    private static func namesACredential(inProse text: String) -> Bool {
        func bare(_ word: Substring) -> String {
            var word = word
            while let first = word.first, "\"'`,;".contains(first) { word = word.dropFirst() }
            while let last = word.last, "\"'`,;".contains(last) { word = word.dropLast() }
            return String(word)
        }
        return ProsePairs.contains(in: text) { key, value in
            let value = bare(value)
            return value.count >= 8 && value.contains(where: \.isLetter) && value.contains(where: \.isNumber) && !value.holds("://")
                && CredentialScanner.isCredential(value, under: bare(key))
        }
    }

    /// The plain named values whose values make a credential of `value` under `key`: a
    /// `password="{{backend-pw}}"`, an `Authorization` of `Basic {{creds}}`, a connection
    /// string's `Password={{db-pw}}` under any key. Each is a credential written in the
    /// definitions, where the named value is declared.
    private static func credentialsGiven(
        by value: PolicyXMLValue, under key: String, inQuery: Bool = false, _ plain: [String: Located<String>], held: [String: [String]] = [:]
    ) -> [SourceRange] {
        // Told first by what is cheap: most values reference nothing.
        guard !plain.isEmpty, value.written.holds("{{") || value.isExpression && !held.isEmpty else { return [] }
        // Code that makes a credential's value from named values, written in it or kept in
        // the variables it reads, rather than joining texts: each that is one as it is, or
        // a `user:password` it encodes (audit V52: `Basic` + Base64 of `{{creds}}`, and a
        // key sent from a variable, were bundled).
        if value.isExpression, CredentialScanner.namesACredential(key), ExpressionExtent.constantText(in: value.resolved) == nil {
            var names = NamedValues.references(in: value.written)
            let sources = ExpressionFlow.sources(of: value.resolved)
            var throughVariables: Set<String> = []
            if !held.isEmpty {
                for case .variable(let name) in sources { throughVariables.formUnion((held[name] ?? []).map { $0.lowercased() }) }
                names += throughVariables
            }
            let encodes = value.resolved.holds("ToBase64String")
            // Under `Authorization` a value is a scheme and a credential, which code may join
            // from several values (a client's id and secret): each is judged by its looks, and
            // one in a password's place as a password (a sample's plain client id in `Basic`
            // was taken for one; audit V59: a password joined to a user name was then missed;
            // V61: a user name was taken for a password).
            let schemed = ["authorization", "proxy-authorization"].contains(key.lowercased())
            // Every value the code names is in a credential's place but the user's: the first
            // of a pair that code encodes, however joined (`Format("{0}:{1}", …)`, `+ ":" +`);
            // one alone, or after `Bearer`, is the credential (audit V62: only `:{{pw}}`
            // written out was taken for a password's place).
            let written = NamedValues.references(in: value.written).map { $0.lowercased() }
            let user = encodes && Set(written).count > 1 ? written.first : nil
            let passwords = Set(written).subtracting(user.map { [$0] } ?? [])
            // Nor through a header or query parameter a policy may have set from it (audit
            // V74): read from the request, the value is not known here.
            let placed = throughVariables.isEmpty && !sources.contains(where: \.isCallerWritten) ? Self.keysPlaced(in: value.resolved) : [:]
            let held = Set(names.map { $0.lowercased() })
            return held.sorted().compactMap { name in plain[name].map { (name, $0) } }.filter { name, given in
                let value = given.value
                // A value the code's text puts only after query keys that name no credential
                // (`?tn={0}` of a SAS token's format), wherever the code names it, is judged
                // under them, not under the whole value's (audit V69: the table name was taken
                // for the token; V71: one also put under `sig`, or used as a key, is not).
                if let keys = placed[name], keys.count == written.count(where: { $0 == name }),
                    keys.allSatisfy({ $0.map { !$0.contains("\u{0}") && !$0.contains("%") && !CredentialScanner.namesAQueryCredential($0, given: value) } ?? false })
                {
                    return false
                }
                return CredentialScanner.isWrittenOut(value)
                    && (schemed
                        ? CredentialScanner.looksLikeCredential(value) || CredentialScanner.looksLikeAKey(value)
                            || passwords.contains(name) && CredentialScanner.looksLikeAPassword(value) || encodes && Self.isUserAndPassword(value)
                        : isCredential(.text(value), under: key) || encodes && Self.isUserAndPassword(value))
            }.map(\.1.range)
        }
        guard value.written.holds("{{") else { return [] }
        // Code that encrypts, decrypts or signs with what it references uses it as a key
        // (APIM's `Encrypt` and `Decrypt` take the key beside the text).
        if value.isExpression, Self.usesAKey(value.resolved) {
            return NamedValues.references(in: value.written).compactMap { plain[$0.lowercased()] }.filter { CredentialScanner.isWrittenOut($0.value) }.map(\.range)
        }
        // An expression of nothing but strings is the text it makes (`@("Basic " + "{{x}}")`).
        let written: String?
        switch value {
        case .text(let text): written = text
        case .expression: written = ExpressionExtent.constantText(in: value.resolved)
        }
        guard let text = written else { return [] }
        guard CredentialScanner.namesACredential(key) else {
            // Under another key, only what the text itself gives a credential's key, and a
            // query parameter's value under a query secret's key (`code: "{{fn-key}}"`).
            let asParameter = inQuery ? NamedValues.references(in: text).compactMap { plain[$0.lowercased()] }.filter { isQueryCredential($0.value, under: key) } : []
            return asParameter.map(\.range) + credentialKeysGiven(in: text).compactMap { given in
                guard let value = plain[given.name.lowercased()], CredentialScanner.isWrittenOut(value.value) else { return nil }
                guard let query = given.queryKey else { return value.range }
                return CredentialScanner.namesAQueryCredential(query, given: value.value) ? value.range : nil
            } + credentialsJoined(into: text, plain)
        }
        var given: [String: Located<String>] = [:]
        for name in NamedValues.references(in: text) {
            if let value = plain[name.lowercased()] { given[name] = value }
        }
        guard !given.isEmpty, let resolved = NamedValues.resolve(text, NamedValueTable(given.mapValues(\.value))), isCredential(.text(resolved), under: key) else { return [] }
        return given.values.filter { CredentialScanner.isWrittenOut($0.value) }.map(\.range)
    }

    /// The plain named values that make a header's value a session's or an authentication's
    /// credential once put in (``CredentialScanner/isHeaderCredential(_:header:)``): `Cookie:
    /// session={{sess}}`, `X-Auth: {{token}}` (audit V124: only values written out were judged).
    private static func headerCredentialsGiven(_ text: String, header: String, _ plain: [String: Located<String>]) -> [SourceRange] {
        guard text.holds("{{"), CredentialScanner.namesACredentialHeader(header) else { return [] }
        var given: [String: Located<String>] = [:]
        for name in NamedValues.references(in: text) {
            if let value = plain[name.lowercased()], CredentialScanner.isWrittenOut(value.value) { given[name.lowercased()] = value }
        }
        guard !given.isEmpty,
            CredentialScanner.isHeaderCredential(NamedValues.partlyResolved(text, NamedValueTable(given.mapValues(\.value))), header: header)
        else { return [] }
        return given.values.map(\.range).sorted()
    }

    /// The values that make a credential of the text they are put into, which holds none as
    /// written: a host's named value that brings `user:password@` into a URL (audit V120: a
    /// password an environment gave the backend's host was published in clear). Each value
    /// is put in alone where it is referenced, with 256 bytes of the text on either side,
    /// so that a user's name beside a password that does it is not one, and a text padded
    /// by other references hides none (audit V124); when none does alone, every one that
    /// did together is, judged in a text of 16 KiB at most once they are put in.
    private static func credentialsJoined(into text: String, _ plain: [String: Located<String>]) -> [SourceRange] {
        guard !CredentialScanner.looksLikeCredential(text) else { return [] }
        var given: [String: Located<String>] = [:]
        var length = 0
        var windows: [String: Set<String>] = [:]
        // A window is cut only where a password can come in: a `user:password@` needs an
        // `@`, in the text or in the value (audit V126: a window for each of 200,000
        // references to a letter made a lint 65 times slower).
        let textHoldsAnAt = text.utf8.contains(UInt8(ascii: "@"))
        text.withUTF8Bytes { bytes in
            var index = 0
            while index + 1 < bytes.count {
                guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else {
                    index += 1
                    continue
                }
                var end = index + 2
                while end < bytes.count, Grammar.isNamedValueByte(bytes[end]) { end += 1 }
                guard end > index + 2, end + 1 < bytes.count, bytes[end] == UInt8(ascii: "}"), bytes[end + 1] == UInt8(ascii: "}") else {
                    index += 2
                    continue
                }
                let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 2)..<end]), as: UTF8.self).lowercased()
                if let value = plain[name] {
                    length += value.value.utf8.count
                    if CredentialScanner.isWrittenOut(value.value) {
                        given[name] = value
                        if textHoldsAnAt || value.value.utf8.contains(UInt8(ascii: "@")) {
                            let around = max(0, index - 256)..<min(bytes.count, end + 2 + 256)
                            windows[name, default: []].insert(String(decoding: UnsafeBufferPointer(rebasing: bytes[around]), as: UTF8.self))
                        }
                    }
                }
                index = end + 2
            }
        }
        guard !given.isEmpty else { return [] }
        let alone = given.filter { name, value in
            let table = NamedValueTable([name: value.value])
            return windows[name, default: []].contains { CredentialScanner.looksLikeCredential(NamedValues.partlyResolved($0, table)) }
        }
        if !alone.isEmpty { return alone.values.map(\.range).sorted() }
        guard length + text.utf8.count <= 16 * 1024,
            CredentialScanner.looksLikeCredential(NamedValues.partlyResolved(text, NamedValueTable(given.mapValues(\.value))))
        else { return [] }
        // Where no window was cut (no `@`), each value alone in the whole text first: a
        // connection string's password, not its host.
        let aloneInTheText = given.filter { name, value in
            CredentialScanner.looksLikeCredential(NamedValues.partlyResolved(text, NamedValueTable([name: value.value])))
        }
        return (aloneInTheText.isEmpty ? given : aloneInTheText).values.map(\.range).sorted()
    }

    /// The keys (a query parameter's, or nil for one that names a credential, `Password=`)
    /// that the text `code` writes out puts each named value (lowercased) after, as
    /// ``credentialKeysGiven(in:)`` reads one, once its sum or format is laid out
    /// (``ExpressionFlow/terms(of:)``), one for each time it does. Code in a key's place is
    /// NUL.
    private static func keysPlaced(in code: String) -> [String: [String?]] {
        // Text rewritten after it is made may put the value under another key (audit V73:
        // `.Replace("tn=", "sig=")`).
        guard !textRewriters.contains(where: { code.contains($0) }), let terms = ExpressionFlow.terms(of: code), terms.count > 1 else { return [:] }
        let laidOut = terms.map { term in
            switch term {
            case .text(let text): text
            case .code: "\u{0}"
            }
        }.joined()
        var placed: [String: [String?]] = [:]
        for given in credentialKeysGiven(in: laidOut) { placed[given.name.lowercased(), default: []].append(given.queryKey) }
        return placed
    }

    private static let textRewriters = ["Replace", "Insert", "Remove", "Regex", "Substring", "Split", "Reverse", "Pad", "ToCharArray", "Aggregate"]

    /// Whether `text` is 32 to 128 hexadecimal digits in one letter case, letters and
    /// digits both: a key, as APIM's subscription keys are, where a credential goes.
    private static func isAHexKey(_ text: String) -> Bool {
        guard (32...128).contains(text.utf8.count) else { return false }
        let digits = text.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }.count
        let lower = text.utf8.filter { $0 >= 0x61 && $0 <= 0x66 }.count
        let upper = text.utf8.filter { $0 >= 0x41 && $0 <= 0x46 }.count
        return digits + lower + upper == text.utf8.count && digits > 0 && (lower == 0) != (upper == 0)
    }

    /// Whether `value` is a `user:password` pair, as Basic credentials encode: no blank, a
    /// name and a password of eight or more; not a URN (`urn:contoso:orders`, audit V61).
    private static func isUserAndPassword(_ value: String) -> Bool {
        guard let colon = value.firstIndex(of: ":"), !value.contains(where: \.isWhitespace), !value.holds("://"), value[..<colon].lowercased() != "urn"
        else { return false }
        return colon > value.startIndex && value[value.index(after: colon)...].count >= 8
    }

    /// Whether C# code encrypts, decrypts or computes a keyed hash: APIM's `Encrypt` and
    /// `Decrypt` extensions, .NET's HMAC classes.
    private static func usesAKey(_ code: String) -> Bool {
        code.holds(".Encrypt(") || code.holds(".Decrypt(") || code.holds("HMAC")
    }

    /// Whether `value`, a query parameter's under `key`, is a credential: a key that names
    /// one, or a query secret's (`code`, `sig`, `token`) with a value as long as a secret.
    private static func isQueryCredential(_ value: String, under key: String) -> Bool {
        CredentialScanner.isWrittenOut(value) && CredentialScanner.namesAQueryCredential(key, given: value)
    }

    /// The named values text gives a key that names a credential, as in a connection
    /// string or a query: `Password={{db-pw}}`, `"client_secret": "{{s}}"` (spaces and a
    /// quote aside on either side of `=` or `:`). A URL's query parameter (`?code={{k}}`)
    /// comes with its key, which names a credential by what its value is too.
    private static func credentialKeysGiven(in text: String) -> [(name: String, queryKey: String?)] {
        text.withUTF8Bytes { bytes in
            var names: [(name: String, queryKey: String?)] = []
            func skipped(_ index: Int) -> Int {
                var index = index
                while index >= 0, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") { index -= 1 }
                return index
            }
            for open in bytes.indices.dropLast() where bytes[open] == UInt8(ascii: "{") && bytes[open + 1] == UInt8(ascii: "{") {
                let sign = skipped(open - 1)
                guard sign >= 0, bytes[sign] == UInt8(ascii: "=") || bytes[sign] == UInt8(ascii: ":") else { continue }
                let keyEnd = skipped(sign - 1) + 1
                var keyStart = keyEnd
                while keyStart > 0, !";&,{}\"'\n\r\t?".utf8.contains(bytes[keyStart - 1]) { keyStart -= 1 }
                let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd]), as: UTF8.self).trimmingWhitespace
                let inQuery = keyStart > 0 && bytes[sign] == UInt8(ascii: "=") && (bytes[keyStart - 1] == UInt8(ascii: "?") || bytes[keyStart - 1] == UInt8(ascii: "&"))
                guard inQuery || CredentialScanner.namesACredential(key) else { continue }
                // A name runs as far as its characters go, as APIM reads one: no two
                // references read the same bytes (`password={{` a thousand times unclosed).
                var close = open + 2
                while close < bytes.count, Grammar.isNamedValueByte(bytes[close]) { close += 1 }
                guard close + 1 < bytes.count, close > open + 2, bytes[close] == UInt8(ascii: "}"), bytes[close + 1] == UInt8(ascii: "}") else { continue }
                names.append((String(decoding: UnsafeBufferPointer(rebasing: bytes[(open + 2)..<close]), as: UTF8.self), inQuery ? key : nil))
            }
            return names
        }
    }

    /// Whether a `validate-jwt` key's text spells out key material: any text beside its
    /// `{{references}}`. An expression's strings are judged as anywhere else: most name a
    /// variable or wrap a reference, and telling key material from a name is guesswork.
    private static func writesAKey(_ value: PolicyXMLValue) -> Bool {
        switch value {
        case .text(let text):
            var rest = Substring(text)
            while let open = rest.range(ofBytes: "{{"), let close = rest[open.upperBound...].range(ofBytes: "}}") {
                if !rest[..<open.lowerBound].allSatisfy(\.isWhitespace) { return true }
                rest = rest[close.upperBound...]
            }
            return CredentialScanner.isWrittenOut(String(rest))
        case .expression(let code):
            if let constant = ExpressionExtent.constantText(in: PolicyXMLValue.expression(code).resolved) { return writesAKey(.text(constant)) }
            return isCredential(value, under: "key")
        }
    }

    /// Whether a key's text (or an expression of nothing but strings) names a plain named
    /// value that spells out key material: the key is then written in the definitions, only
    /// elsewhere. Names are compared without case, as APIM takes them.
    private static func givesKeyMaterial(_ value: PolicyXMLValue, _ plain: [String: Located<String>]) -> Bool {
        guard let text = RawScope.constant(value), text.holds("{{") else { return false }
        return NamedValues.references(in: text).contains { plain[$0.lowercased()].map { CredentialScanner.isWrittenOut($0.value) } ?? false }
    }

    private static func isCredential(_ value: PolicyXMLValue, under key: String) -> Bool {
        switch value {
        case .text(let text): return CredentialScanner.isCredential(text, orNamedSoBy: key)
        // Code builds credentials from variables all the time; only what its strings and
        // comments spell out is a credential written into the policy, read as APIM's
        // compiler reads it: `&quot;` is a quote. Code that is nothing but strings is the
        // text they make, judged as if written out (`@("Basic dXNl...")` as a password).
        case .expression:
            if let constant = ExpressionExtent.constantText(in: value.resolved) { return isCredential(.text(constant), under: key) }
            let written = ExpressionExtent.writtenText(in: value.resolved)
            return written.contains(where: CredentialScanner.looksLikeCredential) || spellsOutACredential(written, of: value.resolved, under: key)
        }
    }

    /// Whether code under a key that names a credential (`x-functions-key`, `Authorization`,
    /// a query's `code`) writes one among other code (`ok ? "KEY" : …`, a local, a default, `GetBytes("user:
    /// password")` encoded into `Basic`): a generated key (``CredentialScanner/
    /// looksLikeABareKey(_:)``, or 32 hexadecimal digits or more as APIM's subscription keys
    /// are), or a user and password the code encodes, that is not a name the code reads a
    /// value by (audit V107: only code of nothing but strings was judged so, and the key was
    /// bundled). Code's other strings are names and formats (`sr={0}&sig={1}`), which a
    /// looser shape took for keys in Microsoft's samples.
    /// `written` is the code's strings and comments (``ExpressionExtent/writtenText(in:)``).
    private static func spellsOutACredential(_ written: [String], of code: String, under key: String) -> Bool {
        guard CredentialScanner.mayNameAQueryCredential(key) else { return false }
        let encodes = code.holds("ToBase64String")
        func spells(_ text: String) -> Bool {
            let credential = CredentialScanner.withoutScheme(text)
            guard CredentialScanner.namesAQueryCredential(key, given: credential) else { return false }
            return CredentialScanner.looksLikeABareKey(credential) || Self.isAHexKey(credential) || encodes && isUserAndPassword(credential)
        }
        // Braces hold what an interpolation, a format or a named value puts in
        // (`$"{id}:{secret}"`), judged where it comes from. A key or a pair may be written
        // in parts and joined (`"Ab3d…" + "…7Qz"`).
        let written = written.filter { !$0.contains("{") }
        guard written.contains(where: spells) || written.count > 1 && spells(written.joined()) else { return false }
        // Names the code reads values by are none, alone or joined (audit V110: two header
        // names joined read as a key).
        var names: Set<String> = []
        for source in ExpressionFlow.sources(of: code) {
            switch source {
            case .variable(let name), .requestHeader(let name), .requestQuery(let name): names.insert(name)
            default: continue
            }
        }
        let values = written.filter { !names.contains($0) }
        return values.contains(where: spells) || values.count > 1 && spells(values.joined())
    }

    /// Recursion is bounded: the reader limits nesting, aliases included.
    private static func collect(_ node: YAMLNode, into found: inout [SourceRange], scanned: inout [SourceRange: Bool]) {
        func isCredential(_ scalar: YAMLScalar, role: YAMLScalarRole, at range: SourceRange) -> Bool {
            Self.isCredential(scalar, role: role) { text in
                guard text.utf8.count >= scannedOnce else { return CredentialScanner.looksLikeCredential(text) }
                if let known = scanned[range] { return known }
                let looks = CredentialScanner.looksLikeCredential(text)
                scanned[range] = looks
                return looks
            }
        }
        switch node.content {
        case .scalar(let scalar):
            if isCredential(scalar, role: .item, at: node.range) { found.append(node.range) }
        case .sequence(let items):
            for item in items { collect(item, into: &found, scanned: &scanned) }
        case .mapping(let entries):
            for entry in entries {
                if isCredential(YAMLScalar(text: entry.key, isPlain: false), role: .key, at: entry.keyRange) { found.append(entry.keyRange) }
                // A sequence's items are the key's, as the reader judges them.
                if case .sequence(let items) = entry.value.content {
                    for item in items {
                        guard case .scalar(let scalar) = item.content else {
                            collect(item, into: &found, scanned: &scanned)
                            continue
                        }
                        if isCredential(scalar, role: .value(key: entry.key), at: item.range) { found.append(item.range) }
                    }
                    continue
                }
                guard case .scalar(let scalar) = entry.value.content else {
                    collect(entry.value, into: &found, scanned: &scanned)
                    continue
                }
                if isCredential(scalar, role: .value(key: entry.key), at: entry.value.range) { found.append(entry.value.range) }
            }
        case .rejected(let written):
            collect(YAMLNode(written, range: node.range), into: &found, scanned: &scanned)
        }
    }

    /// Whether a scalar is credential-like where it stands: any scalar that looks like one,
    /// and a value its key calls a credential (`db-password: ...`).
    static func isCredential(_ scalar: YAMLScalar, role: YAMLScalarRole) -> Bool {
        isCredential(scalar, role: role, looksLikeOne: CredentialScanner.looksLikeCredential)
    }

    /// ``isCredential(_:role:)``, where `looksLikeOne` tells whether the text alone looks
    /// like a credential, whatever its key.
    @inline(__always)
    private static func isCredential(_ scalar: YAMLScalar, role: YAMLScalarRole, looksLikeOne: (String) -> Bool) -> Bool {
        guard case .value(let key) = role else { return looksLikeOne(scalar.text) }
        // Inline policy XML is judged value by value once it is read as XML.
        // (The first byte is looked at first: this runs for every entry of an estate.)
        if scalar.text.utf8.first == UInt8(ascii: "<"), key == "policy" { return false }
        return looksLikeOne(scalar.text) || (CredentialScanner.isCredential(scalar.text, under: key) && !scalar.isNull)
    }

    /// Picks credential-like scalars while the reader reads, so that a document's tree is
    /// not walked again for them (see ``credentials(in:)``).
    public static let picker: YAMLScalarPicker = { isCredential($0, role: $1) }
}
