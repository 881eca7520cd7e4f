import PortcullisDiagnostics
import PortcullisPolicyXML
import PortcullisSupport

/// A field whose text starts with a `{{name}}` reference: what it becomes depends on the
/// named values APIM substitutes into it.
public struct TemplatedField: Sendable {
    public var field: String
    public var text: Located<String>
}

/// How APIM substitutes plain named values into text: before a policy is evaluated, so the
/// substituted text is what decides whether APIM runs it as an expression.
public enum NamedValues {
    /// Whether a named value's value starts with '@', which turns the text around its
    /// references into an expression (`{{at}}(...)`), so no value may.
    public static func startsWithAt(_ value: String) -> Bool {
        leadingAt(value) != nil
    }

    /// How a value writes the '@' it starts with, after white space: the character, or a
    /// character reference to it (`&#64;`, `&#x40;`, with any zeros), which
    /// is one where the value is put into a policy's XML before it is read (an audit of
    /// environments; which APIM does, its pages do not say), after white space written
    /// either way (`&#32;@`: the audit of the change).
    public static func leadingAt(_ value: String) -> String? {
        let scalars = value.unicodeScalars
        var index = scalars.startIndex
        // Bounded by the value: each turn moves past at least one scalar.
        while index < scalars.endIndex {
            let (scalar, next) = referencedScalar(in: scalars, at: index) ?? (scalars[index], scalars.index(after: index))
            if scalar == "@" { return String(scalars[index..<next]) }
            guard PolicyText.isIgnorable(scalar) else { return nil }
            index = next
        }
        return nil
    }

    /// The scalar a numeric character reference at `index` stands for (`&#64;`, `&#x40;`),
    /// and where the reference ends; nil when none starts there.
    private static func referencedScalar(
        in scalars: String.UnicodeScalarView, at index: String.UnicodeScalarView.Index
    ) -> (Unicode.Scalar, String.UnicodeScalarView.Index)? {
        var position = index
        func take(_ expected: Unicode.Scalar) -> Bool {
            guard position < scalars.endIndex, scalars[position] == expected else { return false }
            position = scalars.index(after: position)
            return true
        }
        guard take("&"), take("#") else { return nil }
        let hex = take("x") || take("X")
        var number: UInt32 = 0
        var digits = 0
        while position < scalars.endIndex, let digit = Self.digit(scalars[position], hex: hex) {
            // Past U+10FFFF no scalar is named; zeros in front change nothing.
            number = min(number &* (hex ? 16 : 10) &+ digit, 0x11_0000)
            digits += 1
            position = scalars.index(after: position)
        }
        guard digits > 0, take(";"), let scalar = Unicode.Scalar(number) else { return nil }
        return (scalar, position)
    }

    private static func digit(_ scalar: Unicode.Scalar, hex: Bool) -> UInt32? {
        switch scalar.value {
        case 0x30...0x39: scalar.value - 0x30
        case 0x41...0x46 where hex: scalar.value - 0x41 + 10
        case 0x61...0x66 where hex: scalar.value - 0x61 + 10
        default: nil
        }
    }

    /// `text` with its `{{name}}` references replaced from `values`, up to the first one
    /// whose value is not known here (a Key Vault secret's); `names` are those replaced.
    /// Braces around what is no name (a Liquid template's `{{ body.id }}`) are kept as
    /// written: APIM substitutes names only.
    public static func substitute(
        _ text: String, _ values: NamedValueTable
    ) -> (text: String, names: [String], complete: Bool) {
        // Told by bytes: most texts reference nothing.
        guard text.holds("{{") else { return (text, [], true) }
        guard !isPastTheLimit(text, values) else { return (text, [], false) }
        var result = ""
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(ofBytes: "{{"), let close = rest[open.upperBound...].range(ofBytes: "}}") {
            result += rest[..<open.lowerBound]
            let name = String(rest[open.upperBound..<close.lowerBound])
            guard Grammar.isNamedValueName(name) else {
                result += rest[open.lowerBound..<close.upperBound]
                rest = rest[close.upperBound...]
                continue
            }
            guard let value = values[name] else { return (result, names, false) }
            result += value
            names.append(name)
            rest = rest[close.upperBound...]
        }
        return (result + rest, names, true)
    }

    /// The most bytes a text may hold once its named values are put in for the checks to
    /// put them in: past it, a text is read as one whose values are not known (a secret's),
    /// and the resolver reports it where it is written (``Resolver/checkSubstitutedSizes(_:)``),
    /// so no run passes that read one so. A value of 4,000 characters referenced 100,000
    /// times in a 500 KB file took 878 MB, for each reading that put it together (audit V109).
    public static let substitutionLimit = 1 << 20

    /// How many bytes `text` holds once the values `values` knows are put in, counted without
    /// putting them in.
    public static func substitutedSize(of text: String, _ values: NamedValueTable) -> Int {
        references(in: text).reduce(text.utf8.count) { size, name in size + (values[name]?.utf8.count ?? 0) }
    }

    /// Whether `text` holds more than ``substitutionLimit`` once its values are put in; told
    /// by its length first: a text of a few references to values of 4 KiB cannot.
    static func isPastTheLimit(_ text: String, _ values: NamedValueTable) -> Bool {
        let length = text.utf8.count
        guard length + length / 5 * values.longestValue > substitutionLimit else { return false }
        return substitutedSize(of: text, values) > substitutionLimit
    }

    /// The first `length` characters (at most) APIM reads in `text` once the named values
    /// are put in, past the ignorable ones (``PolicyText/isIgnorable(_:)``), and the names
    /// put in to reach them; not complete when a value not known here (a secret's) comes
    /// first. Only what decides the start is read: the whole text substituted, 100,000
    /// references to a long value took 878 MB (audit V109).
    public static func start(of text: String, _ values: NamedValueTable, length: Int = 2) -> (text: String, names: [String], complete: Bool) {
        var start = String.UnicodeScalarView()
        var count = 0
        var names: [String] = []
        /// Whether `piece` completes the start.
        func read(_ piece: Substring) -> Bool {
            for scalar in piece.unicodeScalars where !(start.isEmpty && PolicyText.isIgnorable(scalar)) {
                start.append(scalar)
                count += 1
                if count == length { return true }
            }
            return false
        }
        var rest = Substring(text)
        while let open = rest.range(ofBytes: "{{"), let close = rest[open.upperBound...].range(ofBytes: "}}") {
            if read(rest[..<open.lowerBound]) { return (String(start), names, true) }
            let name = String(rest[open.upperBound..<close.lowerBound])
            let written = rest[open.lowerBound..<close.upperBound]
            rest = rest[close.upperBound...]
            guard Grammar.isNamedValueName(name) else {
                if read(written) { return (String(start), names, true) }
                continue
            }
            guard let value = values[name] else { return (String(start), names, false) }
            names.append(name)
            if read(Substring(value)) { return (String(start), names, true) }
        }
        _ = read(rest)
        return (String(start), names, true)
    }

    /// The names `text` refers to as `{{name}}`, in order. Each `{{` is judged alone: a
    /// Liquid template's `{{ body.id }}` or a C# string's escaped `{{` beside a reference
    /// does not hide the reference, as it would from a parse of the whole text. Read as
    /// bytes, in one pass: a name is read only as far as its characters go, so a long run
    /// of `{` costs what its length does (rules ask this of every raw statement that
    /// writes an answer, and a hostile policy may hold a quarter of a megabyte of braces).
    public static func references(in text: String) -> [String] {
        text.withUTF8Bytes { bytes in
            var names: [String] = []
            var index = 0
            while index + 1 < bytes.count {
                guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else {
                    index += 1
                    continue
                }
                let start = index + 2
                var end = start
                while end < bytes.count, Grammar.isNamedValueByte(bytes[end]) { end += 1 }
                if end > start, end + 1 < bytes.count, bytes[end] == UInt8(ascii: "}"), bytes[end + 1] == UInt8(ascii: "}") {
                    let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                    if Grammar.isNamedValueName(name) {
                        names.append(name)
                        index = end + 2
                        continue
                    }
                }
                // No name starts here; one may start at the next brace ('{{{name}}').
                index = end > start ? end : index + 1
            }
            return names
        }
    }

    /// `text` with every `{{name}}` replaced; nil when a reference names something without
    /// a known value (a secret).
    public static func resolve(_ text: String, _ values: NamedValueTable) -> String? {
        let substituted = substitute(text, values)
        return substituted.complete ? substituted.text : nil
    }

    /// `text` with the references whose values `values` hold replaced, the others (a
    /// secret's) kept as written.
    public static func partlyResolved(_ text: String, _ values: NamedValueTable) -> String {
        guard !values.isEmpty, text.holds("{{"), !isPastTheLimit(text, values) else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(ofBytes: "{{"), let close = rest[open.upperBound...].range(ofBytes: "}}") {
            result += rest[..<open.lowerBound]
            let written = String(rest[open.lowerBound..<close.upperBound])
            result += resolve(written, values) ?? written
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}

/// The plain named values' values, found by name as APIM finds them: without case (a
/// duplicate so spelt is RF002). The names are folded once, when the table is made: a
/// reference to a secret, whose value is not here, misses as written and is looked up
/// folded, and folding every name again at each such miss made thousands of statements
/// that reference a secret cost thousands of named values each (audit V43). A class: rules
/// pass it around by the thousand, and a reference is one count to keep.
public final class NamedValueTable: Sendable {
    /// Each value by its name as written.
    public let byName: [String: String]
    private let byFoldedName: [String: String]

    /// The length in bytes of the longest value, which bounds what a text's references add.
    let longestValue: Int

    public init(_ byName: [String: String]) {
        self.byName = byName
        byFoldedName = Dictionary(byName.map { (Grammar.caseFolded($0.key), $0.value) }) { first, _ in first }
        longestValue = byName.values.map(\.utf8.count).max() ?? 0
    }

    public static let empty = NamedValueTable([:])

    public var isEmpty: Bool { byName.isEmpty }

    /// The value of the named value `name` names, in any case; nil for a secret or a name
    /// nothing declares.
    public subscript(name: String) -> String? {
        byName[name] ?? byFoldedName[Grammar.caseFolded(name)]
    }
}

extension Gateway {
    /// Each plain named value's value by its name; the first of a duplicate (RF002).
    public var plainNamedValues: [String: String] {
        Dictionary(namedValues.map { ($0.name.value, $0.value.value) }) { first, _ in first }
    }

    /// What `{{name}}` stands for, by name: a plain named value's value, and a secret as
    /// the Key Vault secret it is read from (`{{secret at URI}}`), never a value. Two
    /// versions or environments compared through it differ where what APIM reads differs.
    public var substitutions: NamedValueTable {
        var values = plainNamedValues
        for secret in secrets {
            if case .keyVault(let uri) = secret.source { values[secret.name.value] = "{{secret at \(uri.value)}}" }
        }
        return NamedValueTable(values)
    }
}

extension DecodingContext {
    mutating func checkNamedValue(_ value: Located<String>, name: String) {
        // APIM refuses a value that is empty or only white space, so the deployment would
        // fail after the pull request passed (audit V98).
        if value.value.allSatisfy(\.isWhitespace) {
            diagnostics.report(
                .invalidValue, "named value '\(name)' is empty, which APIM does not accept", at: value.range,
                notes: [Diagnostic.Note("give the value, or remove the named value and what uses it", at: value.range)])
            return
        }
        guard let written = NamedValues.leadingAt(value.value) else { return }
        diagnostics.report(
            .invalidValue,
            "named value '\(name)' starts with '\(written)', which can make the text it is substituted into a policy expression",
            at: value.range, notes: [Diagnostic.Note("write the value without the leading '\(written)'", at: value.range)])
    }
}

extension Resolver {
    /// Texts that named values make longer than ``NamedValues/substitutionLimit``, in the
    /// definitions' fields and in raw policies (as written and as read, character references
    /// and all): the checks read them as if a value were not known, so each is an error
    /// where it is written. Measured with secrets as `diff` puts them in, which is longer.
    mutating func checkSubstitutedSizes(_ gateway: Gateway, in rawDocuments: [PolicyXMLDocument]) {
        let values = gateway.substitutions
        guard values.longestValue > 0 else { return }
        func judge(_ texts: [String], at range: () -> SourceRange) {
            guard let size = texts.lazy.filter({ NamedValues.isPastTheLimit($0, values) }).map({ NamedValues.substitutedSize(of: $0, values) }).first
            else { return }
            let place = range()
            diagnostics.report(
                .inputLimit,
                "named values make this text \(size) bytes long once they are put in, more than the \(NamedValues.substitutionLimit) the checks read",
                at: place,
                notes: [Diagnostic.Note("the checks put each value into every text that references it; reference a long named value fewer times", at: place)])
        }
        for text in definitions.templatedTexts { judge([text.value]) { text.range } }
        for document in rawDocuments where Self.holdsAReference(document.text) {
            document.root.forEachElement { element in
                for attribute in element.attributes { judge([attribute.value.written, attribute.value.resolved]) { document.range(attribute.valueSpan) } }
                for case .text(let value, let span) in element.children { judge([value.written, value.resolved]) { document.range(span) } }
            }
        }
    }
}

extension Resolver {
    /// Fields that start with `@(`/`@{` only once named values are substituted, such as
    /// `{{blank}}@(...)`, and header values that then hold a line break. A secret's value
    /// is unknown here; an '@' right before one counts.
    mutating func checkSubstitutedTemplates(_ gateway: Gateway) {
        guard !definitions.leadingTemplates.isEmpty || !definitions.headerTemplates.isEmpty else { return }
        let declarations = Dictionary(gateway.namedValues.map { ($0.name.value, $0.value) }) { first, _ in first }
        let values = NamedValueTable(declarations.mapValues(\.value))
        for template in definitions.leadingTemplates {
            let substituted = NamedValues.start(of: template.text.value, values)
            let start = substituted.text
            let beforeSecret = !substituted.complete && start == "@"
            guard start == "@(" || start == "@{" || beforeSecret else { continue }
            let names = substituted.names.map { "'\($0)'" }.joined(separator: ", ")
            var notes = substituted.names.compactMap { name in
                declarations[name].map { Diagnostic.Note("named value '\(name)' is declared here", at: $0.range) }
            }
            notes.append(Diagnostic.Note("write the field or the named values so that no '@' comes first", at: template.text.range))
            diagnostics.report(
                .invalidValue,
                "\(MessageText.quoted(template.field)) starts with '\(start)'\(beforeSecret ? " and a secret's value" : "") once APIM substitutes the named values \(names), so APIM would run it as a policy expression",
                at: template.text.range, notes: notes)
        }
        for template in definitions.headerTemplates {
            // The text itself holds none (the decoder refused it), so only a value can; the
            // text is not substituted, which a value repeated many times would make huge
            // (audit V109: 878 MB for 100,000 references).
            var seen = Set<String>()
            let breaking = (DecodingContext.templateNames(template.text.value) ?? []).map(\.name).filter {
                seen.insert(Grammar.caseFolded($0)).inserted && values[$0]?.contains("\n") ?? false
            }
            guard !breaking.isEmpty else { continue }
            diagnostics.report(
                .invalidValue,
                "the value of header \(MessageText.quoted(template.field)) holds a line break once APIM substitutes named value \(DisplayText.list(breaking.map { "'\($0)'" })), which no HTTP header can",
                at: template.text.range,
                notes: breaking.compactMap { name in
                    gateway.namedValues.first { Grammar.caseFolded($0.name.value) == Grammar.caseFolded(name) }.map {
                        Diagnostic.Note("named value '\($0.name.value)' is declared here", at: $0.value.range)
                    }
                })
        }
    }
}
