import PortcullisCompiler
import PortcullisDiagnostics
import PortcullisEmit
import PortcullisModel
import PortcullisSupport
import PortcullisSyntax

/// `import openapi`: one OpenAPI document becomes a gateway, an API with one route per
/// operation, and the document itself, byte for byte, as the API's own specification, so
/// that the routes and the operations match one for one (RF008) from the start.
///
/// A function of the document's bytes: the command reads the file and writes the result.
public enum OpenAPIImport {
    public struct Imported: Sendable {
        public var files: ImportedFiles
        public var report: OpenAPIImportReport
    }

    public enum Outcome: Sendable {
        case imported(Imported)
        /// The document cannot be imported; why, located in it (file 0).
        case refused([Diagnostic])
    }

    /// Imports `file` (file 0 of the report) read under `limits`; `name` is the API's name
    /// when the command line gives one, and must be a resource name (else this throws
    /// ``ImportedFiles/UncontainedPath`` or writes a project lint rejects).
    public static func run(_ file: SourceFile, name: String?, limits: InputLimits) throws -> Outcome {
        var diagnostics = DiagnosticCollector()
        let (read, _) = OpenAPIFiles.read(file, id: FileID(0), limits: limits, diagnostics: &diagnostics)
        guard let specification = read else { return .refused(diagnostics.diagnostics) }
        var importer = Importer(file: file, specification: specification, name: name)
        let routes = importer.routes()
        guard !routes.isEmpty else {
            let message =
                "'\(DisplayText.escaped(file.path.utf8))' has no operation a route can have, and an API needs at least one route"
            return .refused([Diagnostic(.invalidValue, message, at: .point(FileID(0), line: 1, column: 1))])
        }
        return .imported(try importer.project(routes: routes))
    }
}

/// One import's state: the names taken and the report so far.
private struct Importer {
    let file: SourceFile
    let specification: OpenAPISpecification
    var report: OpenAPIImportReport
    /// Where the copy of the document goes, relative to the output folder.
    let specificationPath: String

    init(file: SourceFile, specification: OpenAPISpecification, name: String?) {
        self.file = file
        self.specification = specification
        let fileName = file.path.split(separator: "/").last.map { String($0.split(separator: ".").first ?? $0) }
        // Not from a title or file name that holds a credential: lowercased and hyphenated,
        // it would no longer look like one, and would name the API in every report and in APIM.
        func made(from text: String?) -> String? {
            text.flatMap { CredentialScanner.looksLikeCredential($0) ? nil : NameMaker.name(from: $0) }
        }
        let (api, source): (String, OpenAPIImportReport.NameSource) =
            if let name { (name, .option) }
            else if let made = made(from: specification.about.title) { (made, .title) }
            else if let made = made(from: fileName) { (made, .fileName) }
            else { ("api", .fallback) }
        report = OpenAPIImportReport(source: file.path, api: api, apiNamedFrom: source)
        let firstCharacter = file.bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        let isJSON = file.path.hasSuffix(".json") || firstCharacter == UInt8(ascii: "{")
        specificationPath = "specs/\(api).\(isJSON ? "json" : "yaml")"
    }

    /// An operation of the document, whether or not its path is a route path.
    private struct Operation {
        var method: String
        /// The path as written; located at the path for an unroutable operation, which is
        /// all a report points at it for, else at the method.
        var path: Located<String>
        var template: PathTemplate?
        var unroutableReason: String?
        var operationId: Located<String>?
        var summary: String?
        var range: SourceRange

        var shown: String { "\(method.uppercased()) \(OpenAPIImportReport.quoted(path.value))" }
    }

    /// The routes, in document order, as YAML; what could not be kept as written is reported.
    mutating func routes() -> [YAMLValue] {
        var operations = specification.operations.map {
            Operation(
                method: $0.method, path: Located($0.path.text, at: $0.range), template: $0.path, operationId: $0.operationId,
                summary: $0.summary, range: $0.range)
        }
        operations += specification.unroutable.map {
            Operation(
                method: $0.method, path: $0.path, unroutableReason: $0.reason, operationId: $0.operationId, summary: $0.summary,
                range: $0.range)
        }
        operations.sort { $0.range.start < $1.range.start }
        var routable: [(operation: Operation, method: HTTPMethod, path: PathTemplate)] = []
        for operation in operations {
            guard let method = HTTPMethod(rawValue: operation.method.uppercased()) else {
                let methods = HTTPMethod.allCases.map(\.rawValue).joined(separator: ", ")
                change(
                    .dropped, "\(operation.shown) has no route: a route's method is one of \(methods)",
                    fix: "remove the operation from '\(specificationPath)', or APIM publishes it without a route's checks",
                    at: operation.range)
                continue
            }
            guard let path = routePath(of: operation) else { continue }
            routable.append((operation, method, path))
        }
        // Valid operationIds are kept first, so a name made for another operation never takes one.
        var names = NameMaker()
        let kept = routable.map { item -> String? in
            guard let id = item.operation.operationId?.value, Grammar.isOperationName(id), names.claim(id) else { return nil }
            return id
        }
        var routes: [YAMLValue] = []
        for (item, kept) in zip(routable, kept) {
            let (operation, method, path) = item
            let id = kept ?? madeID(for: operation, method: method, path: path, names: &names)
            report.routes.append(
                OpenAPIImportReport.RouteEntry(
                    method: operation.method.uppercased(), path: operation.path.value, operationId: operation.operationId?.value,
                    route: id, routePath: path.text, line: operation.range.start.line))
            var fields: [(String, YAMLValue)] = [("id", .string(id)), ("method", .string(method.rawValue)), ("path", .string(path.text))]
            if let summary = plainText(operation.summary, as: "the summary of \(operation.shown)", at: operation.range) {
                fields.append(("summary", .string(summary)))
            }
            routes.append(.mapping(fields))
        }
        return routes
    }

    /// A route id for an operation whose operationId cannot be one, made from the
    /// operationId, else from its method and path; reported with how to make them agree.
    private mutating func madeID(for operation: Operation, method: HTTPMethod, path: PathTemplate, names: inout NameMaker) -> String {
        // Not from an operationId or a path that holds a credential: the name would carry it
        // into the definitions and every later report.
        let made = [operation.operationId?.value, "\(method.rawValue) \(path.text)"].lazy.compactMap { $0 }
            .filter { !CredentialScanner.looksLikeCredential($0) }.compactMap(NameMaker.name(from:)).first ?? "operation"
        let id = names.unique(made)
        if let written = operation.operationId {
            let why = Grammar.isOperationName(written.value) ? "is an earlier operation's too" : "is not a valid route id"
            change(
                .renamed, "operationId \(OpenAPIImportReport.quoted(written.value)) of \(operation.shown) \(why), so its route is '\(id)'",
                fix: "make the operationId '\(id)' in '\(specificationPath)' too, so that the route and the operation match",
                at: written.range)
        } else {
            change(
                .renamed, "\(operation.shown) has no operationId, so its route is '\(id)'",
                fix: "add 'operationId: \(id)' to the operation in '\(specificationPath)', so that the route and the operation match",
                at: operation.range)
        }
        return id
    }

    /// The operation's path as a route's, repaired where the repair is plain (parameter
    /// names, empty segments); nil, reported, when it cannot be.
    private mutating func routePath(of operation: Operation) -> PathTemplate? {
        if let template = operation.template { return template }
        let written = "path \(OpenAPIImportReport.quoted(operation.path.value))"
        let reason = operation.unroutableReason ?? ""
        guard let repaired = Self.repaired(operation.path.value) else {
            change(
                .dropped, "\(written) of \(operation.method.uppercased()) is not a route path (\(reason)), so the operation has no route",
                fix: "change the path in '\(specificationPath)' to one a route can have, then add the route to the API",
                at: operation.path.range)
            return nil
        }
        change(
            .renamed,
            "\(written) of \(operation.method.uppercased()) is not a route path (\(reason)), so the route's path is '\(repaired.text)'",
            fix: "write the path as '\(repaired.text)' in '\(specificationPath)' too",
            at: operation.path.range)
        return repaired
    }

    /// `path` without empty segments and with each parameter name made of letters, digits
    /// and `_`, when that makes a route path.
    static func repaired(_ path: String) -> PathTemplate? {
        var segments: [String] = []
        for segment in path.split(separator: "/") {
            var rewritten = ""
            var rest = Substring(segment)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                rewritten += rest[..<open]
                var name = String(rest[rest.index(after: open)..<close].map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
                if !(name.first.map { $0.isASCII && $0.isLetter } ?? false) { name = "p" + name }
                rewritten += "{\(name.prefix(64))}"
                rest = rest[rest.index(after: close)...]
            }
            segments.append(rewritten + rest)
        }
        guard case .success(let template) = Grammar.pathTemplate("/" + segments.joined(separator: "/")) else { return nil }
        return template
    }

    /// The definitions and the copy of the document, named in the report.
    mutating func project(routes: [YAMLValue]) throws -> OpenAPIImport.Imported {
        let about = specification.about
        var api: [(String, YAMLValue)] = [
            ("apiVersion", .string(DocumentDecoder.apiVersion)), ("kind", .string("API")), ("name", .string(report.api)),
        ]
        if let title = plainText(about.title, as: "the API's title", at: nil) { api.append(("displayName", .string(title))) }
        if let description = plainText(about.description, as: "the API's description", at: nil) {
            api.append(("description", .string(description)))
        }
        api.append(("path", .string(apiPath(about.serverURLs.first))))
        api.append(("backend", .string(backend(about.serverURLs.first))))
        api.append(("openapi", .string("../\(specificationPath)")))
        api.append(("routes", .sequence(routes)))
        let gatewayName = NameMaker.name(from: report.api) ?? "gateway"
        // No identity provider: the document does not say which tokens callers bring, and
        // lint's LP001 on every route says that this is the first thing to settle.
        let gateway: YAMLValue = .mapping([
            ("apiVersion", .string(DocumentDecoder.apiVersion)), ("kind", .string("Gateway")), ("name", .string(gatewayName)),
        ])
        // Document order, then what the document does not locate.
        report.changes = report.changes.enumerated().sorted { first, second in
            let (a, b) = (first.element, second.element)
            if a.line != b.line { return (a.line ?? .max, a.column ?? 0) < (b.line ?? .max, b.column ?? 0) }
            return first.offset < second.offset
        }.map(\.element)
        let header = "# Written by 'portcullis import openapi' as a starting point; its report lists what to check.\n"
        var files = ImportedFiles()
        let apiPath = "apis/\(report.api).yaml"
        try files.add("gateway.yaml", text: header + gateway.render())
        try files.add(apiPath, text: header + YAMLValue.mapping(api).render())
        try files.add(specificationPath, file.bytes)
        report.files = ["gateway.yaml", apiPath, specificationPath]
        return OpenAPIImport.Imported(files: files, report: report)
    }

    /// The path of the first server's URL when it is an API path, else the API's name.
    private mutating func apiPath(_ url: String?) -> String {
        guard let url else { return report.api }
        let afterHost = url.firstRange(of: "://").map { url[$0.upperBound...].drop { $0 != "/" } } ?? Substring(url)
        let path = afterHost.prefix { $0 != "?" && $0 != "#" }.split(separator: "/").joined(separator: "/")
        if path.isEmpty { return report.api }
        guard Grammar.isAPIPath(path) else {
            change(
                .renamed, "the first server URL's path is not an API path, so the API's path is '\(report.api)'",
                fix: "set 'path' in 'apis/\(report.api).yaml' to the path callers use",
                at: nil)
            return report.api
        }
        return path
    }

    /// The first server's URL when it is an absolute https URL, else the placeholder. The
    /// URL is never quoted: it may carry credentials. A user name or password before the host
    /// is left out, so that the definitions written never hold it.
    private mutating func backend(_ url: String?) -> String {
        let problem: String
        if var url {
            let authority = { (url: String) in url.hasPrefix("https://") ? url.dropFirst(8).prefix { $0 != "/" && $0 != "?" && $0 != "#" } : "" }
            var host = authority(url)
            if let userEnd = host.lastIndex(of: "@") {
                url.removeSubrange(host.startIndex...userEnd)
                host = authority(url)
                change(
                    .dropped, "the first server URL's user name and password are left out of 'backend'",
                    fix: "keep the credential in a secret named value and send it from the API's policy",
                    at: nil)
            }
            // Braces left are server variables without a default. A port that is not a
            // number, or an `@` left, is a password holding a `/` (audits V41, V42), or a
            // mistake; an IPv6 address's colons are in its brackets.
            let afterAddress = host.hasPrefix("[") ? host.drop { $0 != "]" } : host
            let port = afterAddress.firstIndex(of: ":").map { afterAddress[afterAddress.index(after: $0)...] }
            let isUsable = !host.isEmpty && (port.map { $0.allSatisfy { $0.isASCII && $0.isNumber } } ?? true) && !url.contains("@")
                && !url.contains("{") && !url.contains("}") && PolicyText.problemAsPlainField(url) == nil
            if isUsable { return url }
            problem = "the first server URL is not an absolute https URL"
        } else {
            problem = "the document names no server"
        }
        change(
            .placeholder, "\(problem), so the backend is '\(ImportPlaceholders.backendURL)'",
            fix: "set 'backend' in 'apis/\(report.api).yaml' to the URL the gateway calls",
            at: nil)
        return ImportPlaceholders.backendURL
    }

    /// `text` when a field without named values can hold it as it is; else nil, reported.
    private mutating func plainText(_ text: String?, as what: String, at range: SourceRange?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard let problem = PolicyText.problemAsPlainField(text) else { return text }
        change(.dropped, "\(what) is left out of the definitions: \(problem)", fix: nil, at: range)
        return nil
    }

    private mutating func change(_ kind: OpenAPIImportReport.Change.Kind, _ message: String, fix: String?, at range: SourceRange?) {
        report.changes.append(
            OpenAPIImportReport.Change(kind: kind, message: message, fix: fix, line: range?.start.line, column: range?.start.column))
    }
}
