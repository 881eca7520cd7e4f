import PortcullisDiagnostics
import PortcullisSyntax

extension DocumentDecoder {
    /// `openapi:` holds the relative path of a `.yaml`, `.yml` or `.json` file among the
    /// inputs. The file is read later, by the compiler, which has the files.
    mutating func openAPIReference(_ entry: YAMLEntry) -> OpenAPIReference? {
        guard let path = context.string(entry) else { return nil }
        guard Grammar.isRelativeFilePath(path.value, endingIn: OpenAPIReader.extensions) else {
            context.diagnostics.report(
                .invalidValue,
                "'openapi' must be the relative path of a '.yaml', '.yml' or '.json' file\(MessageText.shown(path.value))",
                at: path.range,
                notes: [Diagnostic.Note("name an OpenAPI document beside this file, such as 'specs/orders.yaml'", at: path.range)])
            return nil
        }
        return OpenAPIReference(written: path)
    }
}

/// Reads what matching needs from an OpenAPI document's located tree: its paths, their
/// operations and `operationId`s; and what import makes an API of: titles, servers and
/// summaries. Everything else (responses, parameters, schemas) is the author's and goes to
/// the bundle untouched, so it is not judged here.
public enum OpenAPIReader {
    /// The names an `openapi` field may end in: what APIOps reads as OpenAPI.
    public static let extensions = [".yaml", ".yml", ".json"]
    /// The keys of a path item that are operations.
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The document as a specification of `bytes`, or nil, reported, when it is not an
    /// OpenAPI 3 or Swagger 2.0 document with `paths`. `what` names the file in messages, quoted.
    public static func specification(
        _ root: YAMLNode, bytes: [UInt8], format: OpenAPISpecification.Format, of what: String,
        diagnostics: inout DiagnosticCollector
    ) -> OpenAPISpecification? {
        guard case .mapping(let entries) = root.content else {
            diagnostics.report(.invalidValue, "\(what) is not an OpenAPI document: it is not a mapping", at: root.range)
            return nil
        }
        let version = entries.first { $0.key == "openapi" || $0.key == "swagger" }
        let versionText = version?.value.scalar?.text ?? ""
        guard let version, version.key == "openapi" ? versionText.hasPrefix("3.") : versionText == "2.0" else {
            diagnostics.report(
                .invalidValue, "\(what) is not an OpenAPI document: it declares neither 'openapi: 3.x' nor 'swagger: \"2.0\"'",
                at: version?.value.range ?? root.range)
            return nil
        }
        guard let paths = entries.first(where: { $0.key == "paths" }) else {
            diagnostics.report(.missingField, "\(what) has no 'paths'", at: version.keyRange)
            return nil
        }
        guard case .mapping(let pathEntries) = paths.value.content else {
            diagnostics.report(.invalidValue, "'paths' of \(what) must be a mapping", at: paths.value.range)
            return nil
        }
        // APIM imports the operations of `x-ms-paths` (paths that may hold a query) as it
        // does those of `paths`, and the publisher hands it the document whole: operations
        // no route matches would go out without a route's checks (an audit).
        if let extra = entries.first(where: { $0.key == "x-ms-paths" }), !extra.value.isNull, !Self.isEmptyMapping(extra.value) {
            diagnostics.report(
                .invalidValue, "\(what) holds 'x-ms-paths', whose operations APIM would publish without the checks of a route",
                at: extra.keyRange, notes: [Diagnostic.Note("write each operation under 'paths', with a route for it, or leave it out", at: extra.keyRange)])
        }
        var specification = OpenAPISpecification(bytes: bytes, format: format, operations: [], about: about(entries))
        for pathEntry in pathEntries {
            guard case .mapping(let items) = pathEntry.value.content else {
                diagnostics.report(
                    .invalidValue, "path '\(DisplayText.escaped(pathEntry.key.utf8))' of \(what) must be a mapping",
                    at: pathEntry.value.range)
                continue
            }
            // A path item given by reference holds operations read from elsewhere, which
            // routes would not be matched with (an audit).
            if let reference = items.first(where: { $0.key == "$ref" }) {
                diagnostics.report(
                    .invalidValue, "path '\(DisplayText.escaped(pathEntry.key.utf8))' of \(what) is given by '$ref', whose operations routes are not matched with",
                    at: reference.keyRange, notes: [Diagnostic.Note("write the path's operations in place", at: reference.keyRange)])
            }
            let template = Grammar.pathTemplate(pathEntry.key)
            if case .failure(let invalid) = template {
                diagnostics.report(
                    .invalidValue, "path '\(DisplayText.escaped(pathEntry.key.utf8))' of \(what) is not a path a route can have",
                    at: pathEntry.keyRange, notes: [Diagnostic.Note(invalid.reason, at: pathEntry.keyRange)])
            }
            // OpenAPI's keys are lowercase, but an importer that reads methods in any case
            // would publish `DELETE:` without a route's checks (audit V24).
            for item in items where !methods.contains(item.key) && methods.contains(item.key.lowercased()) {
                diagnostics.report(
                    .invalidValue, "'\(DisplayText.escaped(item.key.utf8))' under path '\(DisplayText.escaped(pathEntry.key.utf8))' of \(what) is no operation OpenAPI reads, and one an importer may publish without a route's checks",
                    at: item.keyRange, notes: [Diagnostic.Note("write the method in lowercase, with a route for the operation, or leave it out", at: item.keyRange)])
            }
            for item in items where methods.contains(item.key) {
                guard case .mapping(let fields) = item.value.content else {
                    diagnostics.report(
                        .invalidValue, "operation '\(item.key)' of path '\(DisplayText.escaped(pathEntry.key.utf8))' must be a mapping",
                        at: item.value.range)
                    continue
                }
                var operationId: Located<String>?
                if let written = fields.first(where: { $0.key == "operationId" }) {
                    guard let text = written.value.scalar?.text, !written.value.isNull else {
                        diagnostics.report(.invalidValue, "'operationId' must be a string", at: written.value.range)
                        continue
                    }
                    operationId = Located(text, at: written.value.range)
                }
                let summary = text(fields, "summary")
                switch template {
                case .success(let path):
                    specification.operations.append(
                        OpenAPIOperation(method: item.key, path: path, operationId: operationId, summary: summary, range: item.keyRange))
                case .failure(let invalid):
                    specification.unroutable.append(
                        UnroutableOperation(
                            method: item.key, path: Located(pathEntry.key, at: pathEntry.keyRange), reason: invalid.reason,
                            operationId: operationId, summary: summary, range: item.keyRange))
                }
            }
        }
        return specification
    }

    /// Whether `node` is a mapping of nothing (`x-ms-paths: {}` adds no operation).
    private static func isEmptyMapping(_ node: YAMLNode) -> Bool {
        if case .mapping(let entries) = node.content { entries.isEmpty } else { false }
    }

    /// Titles and servers: what is not a string, or not where OpenAPI puts it, is left out.
    private static func about(_ entries: [YAMLEntry]) -> OpenAPIAbout {
        let info = entries.first { $0.key == "info" }.flatMap { entry -> [YAMLEntry]? in
            guard case .mapping(let fields) = entry.value.content else { return nil }
            return fields
        }
        var about = OpenAPIAbout(title: info.flatMap { text($0, "title") }, description: info.flatMap { text($0, "description") })
        if case .sequence(let servers)? = entries.first(where: { $0.key == "servers" })?.value.content {
            for server in servers {
                guard case .mapping(let fields) = server.content, var url = text(fields, "url") else { continue }
                if case .mapping(let variables)? = fields.first(where: { $0.key == "variables" })?.value.content {
                    for variable in variables {
                        guard case .mapping(let settings) = variable.value.content, let value = text(settings, "default") else { continue }
                        url = url.replacing("{\(variable.key)}", with: value)
                    }
                }
                about.serverURLs.append(url)
            }
        } else if let host = text(entries, "host") {
            // Swagger 2.0: https unless the document offers only other schemes.
            var schemes: [String] = []
            if case .sequence(let items)? = entries.first(where: { $0.key == "schemes" })?.value.content {
                schemes = items.compactMap { $0.scalar?.text }
            }
            let scheme = schemes.isEmpty || schemes.contains("https") ? "https" : schemes[0]
            about.serverURLs.append("\(scheme)://\(host)\(text(entries, "basePath") ?? "")")
        }
        return about
    }

    private static func text(_ fields: [YAMLEntry], _ key: String) -> String? {
        guard let node = fields.first(where: { $0.key == key })?.value, !node.isNull else { return nil }
        return node.scalar?.text
    }
}
