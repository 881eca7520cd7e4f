import PortcullisDiagnostics
import PortcullisSupport
import PortcullisSyntax

/// Typed readers for the language's value types. Each reports what is wrong with a node
/// (YS003, YS004, YS005) and returns nil, so decoding goes on and every problem of a file
/// is reported in one run.
struct DecodingContext {
    var diagnostics = DiagnosticCollector()
    /// `{{name}}` references met in fields that allow them, for the resolver to check.
    var namedValueReferences: [Located<String>] = []
    /// The texts that hold them, whose size once substituted the resolver bounds.
    var templatedTexts: [Located<String>] = []
    /// Fields that start with a `{{name}}` reference, for the resolver to check what they
    /// become once APIM substitutes the named values.
    var leadingTemplates: [TemplatedField] = []
    /// Header values with a `{{name}}` reference, for the resolver to check that no line
    /// break comes into them once APIM substitutes the named values.
    var headerTemplates: [TemplatedField] = []
    /// Set while reading a place that holds secret material (see
    /// ``DocumentDecoder/readingSecret(_:_:)``): messages there quote no value.
    var inSecretPosition = false
    /// Secret material that could not be read as written, or that an environment writes
    /// (read as a secret only where the environment is laid); reports mask it.
    var unreadSecrets: [SourceRange] = []

    /// Values met that the reader had rejected (YS007) and reported itself.
    var rejectedValues = 0
    /// Whether the document being decoded holds its events in the order read
    /// (``YAMLDocument/treeMatchesEvents``), which finds extents faster.
    var inDocumentOrder = false

    /// The extent of a node of the document being decoded.
    func extent(of node: YAMLNode) -> SourceRange {
        node.extent(inDocumentOrder: inDocumentOrder)
    }

    /// How many problems have been reported so far; comparing counts tells whether a
    /// definition was read without errors.
    var errorCount: Int { diagnostics.diagnostics.count + rejectedValues }

    // MARK: Mappings

    /// Sorts a mapping's entries into `Field`s, reporting unknown keys with a suggestion.
    mutating func fields<Field: FieldSet>(
        _ node: YAMLNode, _ type: Field.Type, named field: String, introducedAt: SourceRange
    ) -> FieldValues<Field>? {
        guard case .mapping(let entries) = node.content else {
            mismatch(node, expected: "a mapping", field: field)
            return nil
        }
        var values = FieldValues<Field>(introducedAt: introducedAt, entries: entries)
        for index in entries.indices where !values.store(index) {
            unknownField(entries[index], in: Field.self)
        }
        return values
    }

    mutating func unknownField<Field: FieldSet>(_ entry: YAMLEntry, in _: Field.Type) {
        var notes: [Diagnostic.Note] = []
        if let suggestion = Suggestion.closest(to: entry.key, among: Field.fieldNames) {
            notes.append(Diagnostic.Note("did you mean '\(suggestion)'?", at: entry.keyRange))
        }
        // Keys are field names, but one in a secret position may be the secret itself.
        let key = inSecretPosition || CredentialScanner.looksLikeCredential(entry.key) ? "" : " \(MessageText.quoted(entry.key))"
        diagnostics.report(.unknownField, "unknown field\(key) in \(Field.noun)", at: entry.keyRange, notes: notes)
    }

    /// The entry of a required field, or a YS005 where the mapping was introduced.
    mutating func require<Field: FieldSet>(_ values: FieldValues<Field>, _ field: Field) -> YAMLEntry? {
        require(values, field) { _, entry in entry }
    }

    /// What `read` makes of a required field's entry, handed over as by
    /// ``FieldValues/read(_:_:)``, or a YS005 where the mapping was introduced. `read` is
    /// given the context, which it cannot capture while this method changes it.
    mutating func require<Field: FieldSet, Value>(
        _ values: FieldValues<Field>, _ field: Field, _ read: (inout DecodingContext, YAMLEntry) -> Value?
    ) -> Value? {
        guard values.sets(field) else {
            diagnostics.report(
                .missingField, "missing required field '\(field.rawValue)' in \(Field.noun)", at: values.introducedAt)
            return nil
        }
        return values.read(field) { read(&self, $0) }
    }

    /// The entries of a mapping whose keys are names the user chooses (providers, secrets, ...).
    mutating func namedEntries(_ entry: YAMLEntry) -> [YAMLEntry]? {
        guard case .mapping(let entries) = entry.value.content else {
            mismatch(entry.value, expected: "a mapping", field: entry.key)
            return nil
        }
        return entries
    }

    mutating func sequence(_ entry: YAMLEntry) -> [YAMLNode]? {
        guard case .sequence(let items) = entry.value.content else {
            mismatch(entry.value, expected: "a list", field: entry.key)
            return nil
        }
        return items
    }

    // MARK: Scalars

    /// Any scalar as text. Rejects characters no output can carry, text APIM would evaluate
    /// (`@(`/`@{` expressions) always, and `{{name}}` named-value references unless the
    /// field allows them. `body` marks a response body, where JSON closes nested objects
    /// with `}}`: only `{{` starts a reference there.
    mutating func string(_ node: YAMLNode, field: String, templates: Bool = false, body: Bool = false) -> Located<String>? {
        guard case .scalar(let scalar) = node.content, !scalar.isNull else {
            mismatch(node, expected: "a string", field: field)
            return nil
        }
        let text = scalar.text
        let lexical = Self.scan(text)
        if lexical.mayHoldForbidden, let character = PolicyText.forbiddenCharacter(in: text) {
            reportForbidden(character, in: field, at: node.range)
            return nil
        }
        if lexical.expressionPrefix {
            let start = String(PolicyText.trimmed(text).prefix(2))
            diagnostics.report(
                .invalidValue,
                "\(MessageText.quoted(field)) starts with '\(start)', which APIM would run as a policy expression",
                at: node.range,
                notes: [Diagnostic.Note("write the text without the leading '@'", at: node.range)])
            return nil
        }
        if lexical.hasBraces {
            guard templates else {
                diagnostics.report(
                    .invalidValue, "\(MessageText.quoted(field)) cannot hold '{{...}}' named-value references",
                    at: node.range,
                    notes: [
                        Diagnostic.Note(
                            "named values are allowed in 'issuer', 'openidConfig', 'audiences', 'endpoint', 'clientId', 'backend', 'url' and 'resource'",
                            at: node.range)
                    ])
                return nil
            }
            guard let names = Self.templateNames(text, body: body) else {
                diagnostics.report(
                    .invalidValue, "\(MessageText.quoted(field)) has a malformed '{{name}}' reference", at: node.range)
                return nil
            }
            let verbatim = VerbatimScalar(node)
            if !names.isEmpty { templatedTexts.append(Located(text, at: node.range)) }
            for (name, offset) in names {
                let length = name.unicodeScalars.count + 4
                namedValueReferences.append(Located(name, at: verbatim?.subrange(offset: offset, length: length) ?? node.range))
            }
            if PolicyText.trimmed(text).starts(with: "{{".unicodeScalars) {
                leadingTemplates.append(TemplatedField(field: field, text: Located(text, at: node.range)))
            }
        }
        return Located(text, at: node.range)
    }

    /// Out of line: the character's properties are of a type whose size is known only at
    /// run time, which cost every call of ``string(_:field:templates:body:)`` a lookup.
    @inline(never)
    private mutating func reportForbidden(_ character: Unicode.Scalar, in field: String, at range: SourceRange) {
        let kind = character.properties.generalCategory == .control ? "control character" : "character"
        diagnostics.report(
            .invalidValue,
            "\(MessageText.quoted(field)) holds the \(kind) \(DisplayText.codePoint(character.value)), which the generated policy documents and OpenAPI files cannot carry",
            at: range,
            notes: [Diagnostic.Note("remove it; tab and line feed are the only control characters a value may hold", at: range)])
    }

    mutating func string(_ entry: YAMLEntry, templates: Bool = false) -> Located<String>? {
        string(entry.value, field: entry.key, templates: templates)
    }

    /// A string APIM's resource contract caps at `limit` characters: a longer one passed
    /// lint and build and failed only at deployment (audit V60). Counted as .NET counts a
    /// string's length, in UTF-16 units (audit V68: 4,000 emoji passed a cap of 4,096). The
    /// value is kept, so nothing else is reported for its absence.
    mutating func string(_ entry: YAMLEntry, atMost limit: Int) -> Located<String>? {
        guard let text = string(entry) else { return nil }
        let count = text.value.utf16.count
        if count > limit {
            diagnostics.report(
                .invalidValue, "\(MessageText.quoted(entry.key)) holds \(count) characters, but APIM takes at most \(limit)",
                at: text.range, notes: [Diagnostic.Note("shorten it to \(limit) characters or fewer", at: text.range)])
        }
        return text
    }

    /// One pass over the bytes for what makes text special to APIM: a leading `@(`/`@{`
    /// (after white space), a doubled curly brace (`{{name}}`), and bytes that may start a
    /// forbidden character. Most values have none, so this is all the work they cost;
    /// ``PolicyText`` decides the rare cases the bytes leave open.
    static func scan(_ text: String) -> (expressionPrefix: Bool, hasBraces: Bool, mayHoldForbidden: Bool) {
        // Most values are printable ASCII without braces (0x20-0x7A): one comparison a byte
        // tells them apart, and they hold nothing more to look for than a leading '@('.
        let plain = text.withUTF8Bytes { bytes in
            isPlain(bytes) ? startsWithExpression(bytes, at: firstVisible(bytes)) : nil
        }
        guard let plain else { return fullScan(text) }
        return (plain, false, false)
    }

    /// Whether every byte is printable ASCII short of the braces (0x20-0x7A), looked at
    /// eight bytes at a time: a word holds a byte below 0x20 when subtracting 0x20 from each
    /// byte borrows into a byte whose top bit was clear, and one above 0x7A (or above 0x7F)
    /// when adding 5 to each byte, or the byte itself, sets a top bit.
    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let below = (word &- ones &* 0x20) & ~word & tops
            let above = ((word &+ ones &* (0x7F - 0x7A)) | word) & tops
            guard below | above == 0 else { return false }
            index += 8
        }
        while index < bytes.count {
            guard bytes[index] &- 0x20 < 0x5B else { return false }
            index += 1
        }
        return true
    }

    /// ``scan(_:)`` without its shortcut for plain values, which answers as this does.
    static func fullScan(_ text: String) -> (expressionPrefix: Bool, hasBraces: Bool, mayHoldForbidden: Bool) {
        let (expressionPrefix, hasBraces, mayHoldForbidden, unicodeLead) = text.withUTF8Bytes { bytes in
            let index = firstVisible(bytes)
            // DEL and non-ASCII white space before the '@' are left to `PolicyText`.
            let unicodeLead = index < bytes.count && bytes[index] >= 0x7F
            var hasBraces = false
            var mayHoldForbidden = false
            for position in bytes.indices {
                let byte = bytes[position]
                // C0 controls and DEL, and the lead bytes of U+0080-U+009F and U+F000-U+FFFF.
                if (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F || byte == 0xC2 || byte == 0xEF {
                    mayHoldForbidden = true
                }
                if position > 0, byte == 0x7B || byte == 0x7D, bytes[position - 1] == byte { hasBraces = true }
            }
            return (startsWithExpression(bytes, at: index), hasBraces, mayHoldForbidden, unicodeLead)
        }
        return (expressionPrefix || (unicodeLead && PolicyText.isExpression(text)), hasBraces, mayHoldForbidden)
    }

    /// Where the text starts after ASCII white space and control bytes.
    private static func firstVisible(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.firstIndex { $0 > 0x20 } ?? bytes.count
    }

    /// Whether `@(` or `@{` is written at `index`.
    private static func startsWithExpression(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        index + 1 < bytes.count && bytes[index] == UInt8(ascii: "@")
            && (bytes[index + 1] == UInt8(ascii: "(") || bytes[index + 1] == UInt8(ascii: "{"))
    }

    /// The names inside `{{...}}` with the scalar offset of each `{{`, or nil when the
    /// braces are malformed or a name is invalid.
    static func templateNames(_ text: String, body: Bool = false) -> [(name: String, offset: Int)]? {
        var names: [(String, Int)] = []
        var rest = Substring(text)
        // The offset of `rest`, counted on as it moves: counted from the start for each
        // reference, 16,000 references in one value took 20 s (audit V105).
        var offset = 0
        while let open = rest.range(ofBytes: "{{") {
            if !body, rest[..<open.lowerBound].range(ofBytes: "}}") != nil { return nil }
            guard let close = rest[open.upperBound...].range(ofBytes: "}}") else { return nil }
            let name = String(rest[open.upperBound..<close.lowerBound])
            guard Grammar.isNamedValueName(name) else { return nil }
            offset += rest.unicodeScalars.distance(from: rest.startIndex, to: open.lowerBound)
            names.append((name, offset))
            offset += name.unicodeScalars.count + 4
            rest = rest[close.upperBound...]
        }
        return !body && rest.contains("}}") ? nil : names
    }

    mutating func name(_ node: YAMLNode, field: String, form: NameForm = .name) -> Located<String>? {
        guard let text = string(node, field: field) else { return nil }
        return checkName(text, field: field, form: form)
    }

    mutating func name(_ entry: YAMLEntry, form: NameForm = .name) -> Located<String>? {
        name(entry.value, field: entry.key, form: form)
    }

    /// A user-chosen key (provider, group, APIM resource) must itself be a name.
    mutating func keyName(_ entry: YAMLEntry, of field: String, form: NameForm = .name) -> Located<String>? {
        checkName(Located(entry.key, at: entry.keyRange), field: field, form: form)
    }

    mutating func checkName(_ text: Located<String>, field: String, form: NameForm) -> Located<String>? {
        // A valid name, the case of every route, costs no message text.
        if form.accepts(text.value) { return text }
        return validated(text, by: form.accepts, as: form.what, field: field, rule: form.rule)
    }

    mutating func scopeName(_ node: YAMLNode, field: String) -> Located<String>? {
        guard let text = string(node, field: field) else { return nil }
        return checkScopeName(text, field: field)
    }

    mutating func checkScopeName(_ text: Located<String>, field: String) -> Located<String>? {
        validated(
            text, by: Grammar.isScopeName, as: "scope name", field: field,
            rule: "scope names are up to 128 letters, digits and '.', '_', ':', '/', '*', '-', starting with a letter or digit")
    }

    /// Keeps `text` when it has the lexical form `isValid` checks; otherwise reports
    /// "invalid WHAT 'value' for 'field'", with `rule` as a note saying what is allowed.
    mutating func validated(
        _ text: Located<String>, by isValid: (String) -> Bool, as what: String, field: String, rule: String? = nil
    ) -> Located<String>? {
        guard isValid(text.value) else {
            diagnostics.report(
                .invalidValue, "invalid \(what)\(shown(text.value, of: field)) for \(MessageText.quoted(field))", at: text.range,
                notes: rule.map { [Diagnostic.Note($0, at: text.range)] } ?? [])
            return nil
        }
        return text
    }

    mutating func bool(_ entry: YAMLEntry) -> Located<Bool>? {
        if let scalar = entry.value.scalar, scalar.isPlain {
            switch scalar.text {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
                return Located(true, at: entry.value.range)
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
                return Located(false, at: entry.value.range)
            default: break
            }
        }
        mismatch(entry.value, expected: "true or false", field: entry.key)
        return nil
    }

    mutating func integer(_ node: YAMLNode, field: String, in bounds: ClosedRange<Int>) -> Located<Int>? {
        if let scalar = node.scalar, scalar.isPlain, Self.hasLeadingZero(scalar.text) {
            reportLeadingZero(node, text: scalar.text, field: field)
            return nil
        }
        guard let scalar = node.scalar, scalar.isPlain, let value = Self.parseInteger(scalar.text) else {
            mismatch(node, expected: "a whole number", field: field)
            return nil
        }
        guard bounds.contains(value) else {
            diagnostics.report(
                .invalidValue,
                "\(MessageText.quoted(field)) must be between \(bounds.lowerBound) and \(bounds.upperBound), found \(value)",
                at: node.range)
            return nil
        }
        return Located(value, at: node.range)
    }

    mutating func integer(_ entry: YAMLEntry, in bounds: ClosedRange<Int>) -> Located<Int>? {
        integer(entry.value, field: entry.key, in: bounds)
    }

    /// Whether `text` is a whole number written with a leading zero (`0100`, `-010`,
    /// `0_100`), which YAML 1.1 reads as octal (64) and YAML 1.2 as decimal (100): a reviewer,
    /// or another tool, may read another number than the build does.
    static func hasLeadingZero(_ text: String) -> Bool {
        // Told by the first byte for almost every number: this runs for each one read.
        guard let first = text.utf8.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else { return false }
        var digits = Substring(text)
        if let sign = digits.first, sign == "+" || sign == "-" { digits = digits.dropFirst() }
        guard digits.count > 1, digits.first == "0" else { return false }
        return digits.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "_") }
    }

    /// Refuses a number ``hasLeadingZero(_:)`` finds in `field`.
    mutating func reportLeadingZero(_ node: YAMLNode, text: String, field: String) {
        diagnostics.report(
            .invalidValue, "number\(shown(text, of: field)) for \(MessageText.quoted(field)) has a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal",
            at: node.range,
            notes: [Diagnostic.Note("write the number without its leading zeros", at: node.range)])
    }

    /// Decimal integers with an optional sign and `_` separators, as YAML 1.1 reads them.
    static func parseInteger(_ text: String) -> Int? {
        // Most numbers have no separator: only those pay for a filtered copy (Foundation's
        // `replacingOccurrences` was 2% of a lint).
        var digits = text.utf8.contains(UInt8(ascii: "_")) ? String(text.filter { $0 != "_" }) : text
        if digits.hasPrefix("+") { digits.removeFirst() }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) else { return nil }
        return Int(digits)
    }

    /// A duration in whole seconds, greater than zero.
    mutating func duration(_ entry: YAMLEntry) -> Located<Int>? {
        let node = entry.value
        guard let scalar = node.scalar, !node.isNull else {
            mismatch(node, expected: "a duration", field: entry.key)
            return nil
        }
        // A number of seconds alone is a YAML number; with a unit ('060s') it is text.
        if scalar.isPlain, Self.hasLeadingZero(scalar.text) {
            reportLeadingZero(node, text: scalar.text, field: entry.key)
            return nil
        }
        guard let seconds = Grammar.durationSeconds(scalar.text), seconds > 0 else {
            diagnostics.report(
                .invalidValue, "invalid duration\(shown(scalar.text, of: entry.key)) for \(MessageText.quoted(entry.key))",
                at: node.range,
                notes: [
                    Diagnostic.Note(
                        "write a positive duration such as '30s', '5m', '1h30m', '7d', or a whole number of seconds",
                        at: node.range)
                ])
            return nil
        }
        return Located(seconds, at: node.range)
    }

    /// A Key Vault secret identifier (``Grammar/isKeyVaultSecretIdentifier(_:)``): APIM
    /// fetches such a secret with its managed identity, and only from Key Vault, so any
    /// other URL is a secret the gateway never gets, or a request made elsewhere in its name.
    mutating func keyVaultSecret(_ entry: YAMLEntry) -> Located<String>? {
        guard let text = string(entry, templates: false) else { return nil }
        guard Grammar.isKeyVaultSecretIdentifier(text.value) else {
            diagnostics.report(
                .invalidValue, "\(MessageText.quoted(entry.key)) must be a Key Vault secret identifier", at: text.range,
                notes: [
                    Diagnostic.Note(
                        "write 'https://VAULT.vault.azure.net/secrets/NAME', with the version after the name if it is pinned, and the national cloud's suffix if there is one ('vault.azure.cn', 'vault.usgovcloudapi.net')",
                        at: text.range)
                ])
            return nil
        }
        // What `import` writes for a secret APIM keeps, whose value cannot be exported:
        // published, it would replace the live secret with one no vault holds.
        if Grammar.isKeyVaultPlaceholder(text.value) {
            diagnostics.report(
                .invalidValue, "\(MessageText.quoted(entry.key)) is the placeholder 'import' writes for a secret APIM keeps, which no vault holds",
                at: text.range,
                notes: [Diagnostic.Note("put the secret in Key Vault and write its identifier here", at: text.range)])
            // Still declared: references to it are no unknown names, and `import` compares
            // the rest of the project.
        }
        return text
    }

    /// An absolute `https://` URL; `http://` is read so that a rule can report it.
    mutating func url(_ entry: YAMLEntry, templates: Bool) -> Located<String>? {
        guard let text = string(entry, templates: templates) else { return nil }
        guard AbsoluteURL.holds(text.value) else {
            // Readers split a URL with '\' in different places: WHATWG's takes it for '/',
            // so `https://evil.example\@api.example.com` reaches 'evil.example' there and
            // 'api.example.com' in a reader of RFC 3986 (audit V79).
            let backslash = text.value.utf8.contains(UInt8(ascii: "\\"))
            diagnostics.report(
                .invalidValue, "\(MessageText.quoted(entry.key)) must be an absolute https:// URL", at: text.range,
                notes: backslash ? [Diagnostic.Note("a URL holds no '\\'; write it as '%5C' where the backend means one", at: text.range)] : [])
            return nil
        }
        return text
    }

    /// One of an enumeration's spellings, with a suggestion for a near miss.
    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ node: YAMLNode, field: String, as _: Value.Type
    ) -> Located<Value>? where Value.RawValue == String {
        guard let text = string(node, field: field) else { return nil }
        if let value = Self.spelled(text.value, as: Value.self) { return Located(value, at: text.range) }
        let options = Value.allCases.map(\.rawValue)
        let note: String
        if let suggestion = Suggestion.closest(to: text.value, among: options) {
            note = "did you mean '\(suggestion)'?"
        } else {
            note = "expected one of " + options.map { "'\($0)'" }.joined(separator: ", ")
        }
        diagnostics.report(
            .invalidValue, "unknown value\(shown(text.value, of: field)) for \(MessageText.quoted(field))", at: text.range,
            notes: [Diagnostic.Note(note, at: text.range)])
        return nil
    }

    /// The case spelled `text`, as `init(rawValue:)` finds it. A text written byte for byte
    /// as a spelling (every route's method) is found by comparing lengths before texts:
    /// `init(rawValue:)` compares it with every spelling in turn. Any other text, a mistake
    /// or a spelling in other code points (U+212A for `K`), is left to `init(rawValue:)`.
    static func spelled<Value: RawRepresentable & CaseIterable>(_ text: String, as _: Value.Type) -> Value?
    where Value.RawValue == String {
        let length = text.utf8.count
        return Value.allCases.first { $0.rawValue.utf8.count == length && $0.rawValue == text } ?? Value(rawValue: text)
    }

    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ entry: YAMLEntry, as type: Value.Type
    ) -> Located<Value>? where Value.RawValue == String {
        choice(entry.value, field: entry.key, as: type)
    }

    // MARK: Messages

    mutating func mismatch(_ node: YAMLNode, expected: String, field: String) {
        // The reader reported the value (YS007); it has no type to mismatch.
        if case .rejected = node.content {
            rejectedValues += 1
            return
        }
        var found = node.kindDescription
        if let scalar = node.scalar, !node.isNull {
            let quoted = shown(scalar.text, of: field)
            if !scalar.isPlain {
                found = quoted.isEmpty ? "a quoted string" : "the quoted string\(quoted)"
            } else if !quoted.isEmpty {
                found = String(quoted.dropFirst())
            }
        }
        diagnostics.report(
            .invalidValue, "expected \(expected) for \(MessageText.quoted(field)), found \(found)", at: node.range)
    }

    /// ` 'value'` for quoting a rejected value of `field`, or nothing when it is in a secret
    /// position or `field` calls it a credential (`db-password`).
    func shown(_ text: String, of field: String) -> String {
        MessageText.shown(text, secret: inSecretPosition || CredentialScanner.isCredential(text, under: field))
    }
}

/// A scalar the source spells verbatim on one line (plain, or quoted without escapes), so
/// that a part of its text has a range of its own. Made once for a scalar with many parts:
/// telling whether it is verbatim counts its text.
struct VerbatimScalar {
    private let range: SourceRange
    /// Columns before the text: 1 for a quote.
    private let shift: Int

    init?(_ node: YAMLNode) {
        guard let text = node.scalar?.text, node.range.start.line == node.range.end.line else { return nil }
        let width = Int(node.range.end.column) - Int(node.range.start.column)
        let count = text.unicodeScalars.count
        if width == count {
            shift = 0
        } else if width == count + 2 {
            shift = 1
        } else {
            return nil
        }
        range = node.range
    }

    /// The range of the `length` characters at `offset` of the text.
    func subrange(offset: Int, length: Int) -> SourceRange {
        var part = range
        part.start.column += UInt32(shift + offset)
        part.end.column = part.start.column + UInt32(length)
        return part
    }
}
