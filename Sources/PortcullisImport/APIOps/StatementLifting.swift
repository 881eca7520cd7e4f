import PortcullisDiagnostics
import PortcullisEmit
import PortcullisPolicyXML

/// Turns the statements of an estate's policy document that the language has fields for
/// into those fields, and cuts them out of the raw document.
///
/// Only statements that run first in their section (right after `<base />`, or first where
/// a section has none) are taken, and only in a form the build writes back exactly: that
/// is where the build puts what it generates. Whether a document really comes back is
/// proved by the round trip; one that does not is imported again with nothing taken.
struct StatementLifting {
    /// Where the document runs; global and fragment documents have no fields to take into.
    enum Scope {
        case global, fragment, product, api, route
    }

    /// The fields to add to the definition, in the order written.
    var fields: [(String, YAMLValue)] = []
    /// The document without the statements taken, byte for byte otherwise.
    var remaining: [UInt8]
    /// The names of the statements taken, and of those left raw with why, for the report.
    var taken: [String] = []
    var kept: [(name: String, why: Reason)] = []

    enum Reason: String, CaseIterable {
        case noField = "the language has no field for them here"
        case form = "they are written in a form no field gives back (an expression, other attributes, several values)"
        case order = "they run after a statement kept raw, and fields are generated first in their section"
        case roundTrip = "as fields, the document did not come back from the build as it was, so it is kept as written"
    }

    /// What takes a statement: one of the three change lists (several statements make one
    /// field) or a field of its own.
    private enum Taker {
        case requestHeaders, requestQuery, responseHeaders, field
    }

    /// The one place that says which statements a scope has fields for.
    private static func taker(of statement: String, in section: String, at scope: Scope) -> Taker? {
        switch (section, statement, scope) {
        case ("inbound", "set-header", .route): .requestHeaders
        case ("inbound", "set-query-parameter", .route): .requestQuery
        case ("outbound", "set-header", .route): .responseHeaders
        case ("inbound", "set-backend-service", .api), ("inbound", "set-backend-service", .route), ("inbound", "ip-filter", .route),
            ("inbound", "rewrite-uri", .route), ("inbound", "mock-response", .route), ("inbound", "cors", .global),
            ("inbound", "rate-limit", .product), ("inbound", "quota", .product):
            .field
        default: nil
        }
    }

    /// With `taking` false nothing is taken: the document is carried as written, after a
    /// round trip with fields taken from it did not give it back.
    init(_ bytes: [UInt8], scope: Scope, backends: Set<String>, taking: Bool = true) {
        remaining = bytes
        var diagnostics = DiagnosticCollector()
        guard let document = PolicyXMLReader.read(bytes, placement: .file(FileID(0)), what: "a policy", diagnostics: &diagnostics) else {
            return
        }
        var cuts: [Range<Int>] = []
        var request = MessageChanges()
        var query = MessageChanges()
        var response = MessageChanges()
        // A fragment's statements stand at its root; every other document's in sections.
        let sections = scope == .fragment && document.root.name == "fragment" ? [document.root] : document.root.elements
        for section in sections {
            let statements = section.elements
            var index = statements.first?.name == "base" ? 1 : 0
            while taking, index < statements.count {
                let statement = statements[index]
                let isTaken: Bool
                switch Self.taker(of: statement.name, in: section.name, at: scope) {
                case .requestHeaders?: isTaken = request.take(statement)
                case .requestQuery?: isTaken = query.take(statement)
                case .responseHeaders?: isTaken = response.take(statement)
                case .field?:
                    // One statement a field: a second is not the build's to write.
                    guard let field = Self.field(statement, backends: backends), !fields.contains(where: { $0.0 == field.0 }) else {
                        isTaken = false
                        break
                    }
                    fields.append(field)
                    isTaken = true
                case nil:
                    isTaken = false
                }
                guard isTaken else { break }
                taken.append(statement.name)
                cuts.append(statement.span)
                index += 1
            }
            for (position, statement) in statements.enumerated().dropFirst(index) where !Self.isBoilerplate(statement) {
                let reason: Reason =
                    Self.taker(of: statement.name, in: section.name, at: scope) == nil ? .noField
                    : !taking ? .roundTrip : position == index ? .form : .order
                kept.append((statement.name, reason))
            }
        }
        var shaping: [(String, YAMLValue)] = []
        if let headers = request.value { shaping.append(("headers", headers)) }
        if let parameters = query.value { shaping.append(("query", parameters)) }
        if !shaping.isEmpty { fields.append(("request", .mapping(shaping))) }
        if let headers = response.value { fields.append(("response", .mapping([("headers", headers)]))) }
        remaining = Self.cutting(cuts, from: bytes)
    }

    /// `<base />` and a bare `<forward-request />`: what APIM writes in every document,
    /// which says only "as usual", so it is not counted as a statement kept raw.
    private static func isBoilerplate(_ statement: PolicyXMLElement) -> Bool {
        statement.name == "base" || (statement.name == "forward-request" && statement.attributes.isEmpty)
    }

    /// The field a statement ``taker(of:in:at:)`` gives a field of its own becomes, when it
    /// is in a form the build writes back exactly.
    private static func field(_ statement: PolicyXMLElement, backends: Set<String>) -> (String, YAMLValue)? {
        let bare = statement.children.allSatisfy(\.isBlank)
        switch statement.name {
        case "set-backend-service":
            guard statement.attributes.count == 1, let name = literal(statement, "backend-id"), backends.contains(name) else { return nil }
            return ("backend", .string(name))
        case "ip-filter":
            return ipFilter(statement).map { ("ipFilter", $0) }
        case "rewrite-uri":
            // Both attributes, as the build writes them; `copy-unmatched-params` defaults to true.
            guard bare, statement.attributes.count == 2, let template = literal(statement, "template"), template.hasPrefix("/"),
                let keep = literal(statement, "copy-unmatched-params").flatMap(Bool.init)
            else { return nil }
            return ("rewrite", .mapping([("path", .string(template)), ("keepQuery", .bool(keep))]))
        case "mock-response":
            guard bare, let status = literal(statement, "status-code").flatMap(Int.init),
                statement.attributes.allSatisfy({ ["status-code", "content-type"].contains($0.name) })
            else { return nil }
            var mock: [(String, YAMLValue)] = [("status", .integer(status))]
            if let type = literal(statement, "content-type") { mock.append(("contentType", .string(type))) }
            return ("mock", .mapping(mock))
        case "cors":
            return cors(statement).map { ("cors", $0) }
        case "rate-limit", "quota":
            // Only a window the language's field takes (RL002): a raw quota may renew sooner
            // than 5m, which the field refuses (audit V55: such an import failed lint).
            guard bare, statement.attributes.count == 2, let calls = literal(statement, "calls").flatMap(Int.init),
                let period = literal(statement, "renewal-period"), let seconds = Int(period),
                statement.name == "rate-limit" ? (1...300).contains(seconds) : seconds >= 300
            else { return nil }
            return (statement.name == "rate-limit" ? "rateLimit" : "quota", .mapping([("calls", .integer(calls)), ("per", .string(period + "s"))]))
        default:
            return nil
        }
    }

    /// `ip-filter` with literal `address` and `address-range` entries as `ipFilter`.
    private static func ipFilter(_ statement: PolicyXMLElement) -> YAMLValue? {
        guard statement.attributes.count == 1, let action = literal(statement, "action"), ["allow", "forbid"].contains(action) else { return nil }
        var entries: [YAMLValue] = []
        for entry in statement.elements {
            switch entry.name {
            case "address":
                guard entry.attributes.isEmpty, case .text(let text)? = entry.textValue, let address = unpadded(text) else { return nil }
                entries.append(.string(address))
            case "address-range":
                guard entry.attributes.count == 2, let from = literal(entry, "from").flatMap(unpadded), let to = literal(entry, "to").flatMap(unpadded)
                else { return nil }
                entries.append(.string("\(from)-\(to)"))
            default:
                return nil
            }
        }
        guard !entries.isEmpty, entries.count == statement.children.filter({ !$0.isBlank }).count else { return nil }
        return .mapping([(action == "allow" ? "allow" : "deny", .sequence(entries))])
    }

    /// `cors` as the gateway's `cors`, when written in the form the build writes:
    /// `terminate-unmatched-request="false"` written out, as Microsoft's reference gives both
    /// defaults in its versions (one left out stays raw, and means what APIM takes it to).
    private static func cors(_ statement: PolicyXMLElement) -> YAMLValue? {
        guard statement.attributes.count == 2, let credentials = literal(statement, "allow-credentials").flatMap(Bool.init),
            literal(statement, "terminate-unmatched-request") == "false"
        else { return nil }
        var fields: [(String, YAMLValue)] = []
        let lists = ["allowed-origins": ("origin", "allowedOrigins"), "allowed-methods": ("method", "allowedMethods"),
                     "allowed-headers": ("header", "allowedHeaders"), "expose-headers": ("header", "exposeHeaders")]
        for list in statement.elements {
            guard let (item, field) = lists[list.name] else { return nil }
            var values: [YAMLValue] = []
            for entry in list.elements {
                guard entry.name == item, entry.attributes.isEmpty, case .text(let text)? = entry.textValue, let value = unpadded(text) else { return nil }
                values.append(.string(value))
            }
            fields.append((field, .sequence(values)))
            if list.name == "allowed-methods", let age = literal(list, "preflight-result-max-age") {
                guard list.attributes.count == 1, Int(age) != nil else { return nil }
                fields.append(("preflightMaxAge", .string(age + "s")))
            } else if !list.attributes.isEmpty {
                return nil
            }
        }
        fields.append(("allowCredentials", .bool(credentials)))
        return .mapping(fields)
    }

    /// `text` when no white space pads it. The canonical comparison trims values, so a
    /// padded address or origin would come back trimmed unseen, and it may be what kept a
    /// caller out: such a statement stays raw.
    private static func unpadded(_ text: String) -> String? {
        text == text.trimmingWhitespace ? text : nil
    }

    /// A literal attribute's value; nil when it is missing or an expression.
    private static func literal(_ element: PolicyXMLElement, _ name: String) -> String? {
        guard let attribute = element.attributes.first(where: { $0.name == name }), case .text(let text) = attribute.value else { return nil }
        return text
    }

    /// `bytes` without the statements at `cuts`, so the lines around stay as they were: a
    /// statement alone on its line goes with the line; one sharing it, with the white space
    /// between it and its neighbours, keeping the line's indentation.
    private static func cutting(_ cuts: [Range<Int>], from bytes: [UInt8]) -> [UInt8] {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        var result: [UInt8] = []
        var position = 0
        for cut in cuts.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            result += bytes[position..<cut.lowerBound]
            var lineStart = result.count
            while lineStart > 0, isBlank(result[lineStart - 1]) { lineStart -= 1 }
            var end = cut.upperBound
            while end < bytes.count, isBlank(bytes[end]) { end += 1 }
            let startsLine = lineStart == 0 || result[lineStart - 1] == 0x0A
            let endsLine = end == bytes.count || bytes[end] == 0x0D || bytes[end] == 0x0A
            if !startsLine || endsLine { result.removeSubrange(lineStart...) }
            if startsLine && endsLine {
                if end < bytes.count, bytes[end] == 0x0D { end += 1 }
                if end < bytes.count, bytes[end] == 0x0A { end += 1 }
            } else if !startsLine && !endsLine {
                end = cut.upperBound
            }
            position = end
        }
        return result + bytes[position...]
    }

    /// `set-header` or `set-query-parameter` statements as a `headers` or `query` field:
    /// `{set, setIfMissing, append: {NAME: VALUE}, remove: [NAME]}`.
    private struct MessageChanges {
        var changes: [String: [(String, YAMLValue)]] = [:]
        var removed: [String] = []

        /// Takes a statement with a literal name, one literal value (none to remove), and
        /// nothing else; false when it has another form.
        mutating func take(_ statement: PolicyXMLElement) -> Bool {
            guard let name = StatementLifting.literal(statement, "name"), let action = StatementLifting.literal(statement, "exists-action"),
                statement.attributes.count == 2
            else { return false }
            let values = statement.elements
            guard values.allSatisfy({ $0.name == "value" && $0.attributes.isEmpty }), values.count == statement.children.filter({ !$0.isBlank }).count
            else { return false }
            if action == "delete" {
                guard values.isEmpty else { return false }
                removed.append(name)
                return true
            }
            let key: String
            switch action {
            case "override": key = "set"
            case "skip": key = "setIfMissing"
            case "append": key = "append"
            default: return false
            }
            guard values.count == 1, case .text(let text)? = values[0].textValue, !text.isEmpty,
                changes[key]?.contains(where: { $0.0 == name }) != true
            else { return false }
            changes[key, default: []].append((name, .string(text)))
            return true
        }

        var value: YAMLValue? {
            var entries: [(String, YAMLValue)] = []
            for key in ["set", "setIfMissing", "append"] {
                if let written = changes[key] { entries.append((key, .mapping(written))) }
            }
            if !removed.isEmpty { entries.append(("remove", .sequence(removed.map(YAMLValue.string)))) }
            return entries.isEmpty ? nil : .mapping(entries)
        }
    }
}

extension PolicyXMLNode {
    /// White space between statements, which says nothing.
    fileprivate var isBlank: Bool {
        if case .text(.text(let text), _) = self { return text.allSatisfy(\.isWhitespace) }
        return false
    }
}
