import CXML2
import PortcullisDiagnostics
import PortcullisSupport

/// Reads raw policy XML in APIM's `rawxml` form into a located tree.
///
/// The text is read twice. A scan finds every tag, attribute, text run and comment with its
/// place, and every policy expression with its end; it writes a copy of the text in which the
/// expressions' quotes, `<`, `>` and `&` are blanked out, so the copy is plain XML of the same
/// length. libxml2 then parses the copy: it decides whether the document is well formed,
/// reports where it is not, and resolves character references in everything that is not an
/// expression, which its SAX2 interface hands over as it reads. Expressions are taken from
/// the original text, exactly as written.
///
/// Hostile input: a document type declaration is refused before libxml2 sees the text, so
/// no entity is ever defined or expanded, and libxml2 runs without network access.
public enum PolicyXMLReader {
    /// APIM refuses a policy document larger than 256 KiB.
    public static let maximumSize = 262_144
    /// APIM refuses a policy fragment larger than 32 KB, says its page on fragments.
    public static let maximumFragmentSize = 32_768
    /// The deepest nesting of elements, libxml2's own limit. The scan refuses deeper text
    /// itself: the tree it builds is walked and freed by recursion, which a hostile document
    /// of nested elements would take past the end of the stack.
    static let maximumDepth = 256
    /// The most attributes an element may have. No statement in the catalogue takes more
    /// than 13; libxml2's check that none repeats compares each with all before it, so
    /// 30,000 on one element (256 KiB) took a quarter of a second to each reading.
    static let maximumAttributes = 256

    /// The document, or nil after reporting why it cannot be read. `what` names it in
    /// messages: "policy file 'orders.xml'", "the inline policy of API 'orders'"; it is
    /// only made for a message, as most documents read without one.
    public static func read(
        _ text: [UInt8], placement: TextPlacement, what: @autoclosure () -> String, diagnostics: inout DiagnosticCollector
    ) -> PolicyXMLDocument? {
        guard text.count <= maximumSize else {
            let start = placement.range(0..<0, in: text)
            diagnostics.report(
                .inputLimit, "\(what()) is \(text.count) bytes, over APIM's limit of \(maximumSize) for a policy document", at: start,
                notes: [Diagnostic.Note("move statements into policy fragments or split them across scopes", at: start)])
            return nil
        }
        func report(_ offset: Int, _ message: String, note: String) {
            let range = placement.range(offset..<(offset + 1), in: text)
            diagnostics.report(.policyXMLSyntax, message, at: range, notes: [Diagnostic.Note(note, at: range)])
        }
        // APIM reads policies as UTF-8; other encodings would also defeat the scan, which
        // looks for ASCII markup bytes.
        if let encoding = OtherEncoding(markOf: text) {
            report(0, "\(what()) is \(encoding.rawValue) text, not UTF-8", note: "save the file as UTF-8, as APIM and APIOps expect")
            return nil
        }
        if let nul = text.firstIndex(of: 0) {
            report(nul, "\(what()) holds a NUL byte, which XML does not allow", note: "remove the byte; the file may not be text")
            return nil
        }
        var scan = Scan(text: text)
        scan.run()
        if let refusal = scan.refusal {
            report(refusal.offset, refusal.message, note: refusal.note)
            return nil
        }
        let reading: LibXML2.Reading
        switch LibXML2.parse(scan.masked) {
        case .success(let read):
            reading = read
        case .failure(let failure):
            let offset = Self.offset(line: failure.line, column: failure.column, in: text)
            report(offset, "\(what()) is not well-formed XML: \(failure.message)", note: "APIM refuses documents it cannot parse; fix the XML at this place")
            return nil
        }
        var cursor = 0
        guard var root = scan.root, Values.fill(&root, from: reading, at: &cursor) else {
            report(0, "\(what()) could not be read as a policy document", note: "write one 'policies' or 'fragment' element")
            return nil
        }
        // Only an '@', written or as a reference, starts an expression.
        if text.contains(UInt8(ascii: "@")) || text.contains(UInt8(ascii: "&")), let refusal = TextRuns(text: text).refusal(in: root) {
            report(refusal.offset, refusal.message, note: refusal.note)
            return nil
        }
        return PolicyXMLDocument(text: text, root: root, placement: placement)
    }

    /// The text in APIM's `xml` form, well-formed XML that any XML tool (a schema validator,
    /// say) reads; nil when the text is not a readable policy. Each policy expression is
    /// written as the code APIM compiles from it (``PolicyXMLValue/resolved``: references
    /// read, comments dropped), escaped so that an XML parser hands back exactly that code:
    /// `&`, `<`, `>` and the attribute's quote as references, and in an attribute a tab or
    /// line end too, which XML would otherwise turn into a space (ending a `//` comment's
    /// line no more). Everything else is the text as written, already XML.
    public static func xmlForm(_ text: [UInt8]) -> [UInt8]? {
        var scan = Scan(text: text)
        scan.run()
        guard scan.refusal == nil, !scan.lost else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 8)
        var index = 0
        for (span, quote) in scan.expressions {
            out += text[index..<span.lowerBound]
            let code = PolicyXMLValue.expression(String(decoding: text[span], as: UTF8.self)).resolved
            for byte in code.utf8 {
                switch byte {
                case UInt8(ascii: "&"): out += "&amp;".utf8
                case UInt8(ascii: "<"): out += "&lt;".utf8
                case UInt8(ascii: ">"): out += "&gt;".utf8
                case UInt8(ascii: "\"") where quote == byte: out += "&quot;".utf8
                case UInt8(ascii: "'") where quote == byte: out += "&apos;".utf8
                case 0x0D: out += "&#13;".utf8
                case 0x0A where quote != nil: out += "&#10;".utf8
                case 0x09 where quote != nil: out += "&#9;".utf8
                default: out.append(byte)
                }
            }
            index = span.upperBound
        }
        out += text[index...]
        return out
    }

    /// The byte offset of libxml2's 1-based line and column (columns in characters).
    static func offset(line: Int, column: Int, in text: [UInt8]) -> Int {
        var index = 0
        var currentLine = 1
        while index < text.count, currentLine < line {
            if text[index] == 0x0A { currentLine += 1 }
            index += 1
        }
        var characters = 1
        while index < text.count, characters < column, text[index] != 0x0A {
            index += 1
            while index < text.count, text[index] & 0xC0 == 0x80 { index += 1 }
            characters += 1
        }
        return min(index, max(text.count - 1, 0))
    }
}

/// The first pass: tags, attributes, text, comments and expressions with their places.
private struct Scan {
    struct Refusal {
        var offset: Int
        var message: String
        var note: String

        /// Text at `offset` follows the expression that starts an element's text.
        static func textFollowsExpression(at offset: Int) -> Refusal {
            Refusal(
                offset: offset, message: "text follows the policy expression that starts at this element's text",
                note: "APIM reads an element's text that starts with '@(' or '@{' as one expression; move the text into it")
        }
    }

    let text: [UInt8]
    var masked: [UInt8]
    var index = 0
    var open: [PolicyXMLElement] = []
    var root: PolicyXMLElement?
    /// Why the text is refused before parsing: an expression that never ends, or a DTD.
    var refusal: Refusal?
    /// The scan met text it does not understand; libxml2 will say what is wrong with it.
    var lost = false
    /// Every expression, with the quote of the attribute value it opens (nil in text).
    var expressions: [(span: Range<Int>, quote: UInt8?)] = []

    init(text: [UInt8]) {
        self.text = text
        self.masked = text
    }

    mutating func run() {
        while index < text.count, refusal == nil, !lost {
            if text[index] == UInt8(ascii: "<") {
                markup()
            } else {
                characters()
            }
        }
    }

    /// Compares in place: the scan asks this several times at every `<`, and copying the
    /// literal and the text to compare them was a third of reading a document.
    func starts(with literal: StaticString, at offset: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= text.count else { return false }
        let bytes = literal.utf8Start
        for position in 0..<count where text[offset + position] != bytes[position] { return false }
        return true
    }

    func find(_ literal: StaticString, from offset: Int) -> Int? {
        var position = offset
        while position + literal.utf8CodeUnitCount <= text.count {
            if starts(with: literal, at: position) { return position }
            position += 1
        }
        return nil
    }

    mutating func add(_ node: PolicyXMLNode) {
        guard !open.isEmpty else { return }
        open[open.count - 1].children.append(node)
    }

    /// A run of character data up to the next `<`.
    mutating func characters() {
        let start = index
        var first = index
        while first < text.count, text[first] != UInt8(ascii: "<"), isSpace(text[first]) { first += 1 }
        var value: PolicyXMLValue?
        if isExpressionStart(first) {
            guard let end = expression(at: first, quote: nil) else { return }
            value = .expression(String(decoding: text[first..<end], as: UTF8.self))
            index = end
            while index < text.count, isSpace(text[index]) { index += 1 }
            if index < text.count, text[index] != UInt8(ascii: "<") {
                refusal = .textFollowsExpression(at: index)
                return
            }
        } else {
            while index < text.count, text[index] != UInt8(ascii: "<") { index += 1 }
        }
        // Text outside the root is whitespace or an error libxml2 reports.
        add(.text(value ?? .text(""), span: start..<index))
    }

    mutating func markup() {
        let start = index
        if starts(with: "<!--", at: index) {
            guard let end = find("-->", from: index + 4) else { return lose() }
            add(.comment(String(decoding: text[(start + 4)..<end], as: UTF8.self), span: start..<(end + 3)))
            index = end + 3
        } else if starts(with: "<![CDATA[", at: index) {
            guard let end = find("]]>", from: index + 9) else { return lose() }
            let content = text[(start + 9)..<end]
            let trimmed = content.drop(while: isSpace)
            let code = trimmed.first == UInt8(ascii: "@") && trimmed.dropFirst().first.map { $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: "{") } == true
            let kept = code ? trimmed.reversed().drop(while: isSpace).reversed() : Array(content)
            let string = String(decoding: kept, as: UTF8.self)
            add(.text(code ? .expression(string) : .text(string), span: start..<(end + 3)))
            index = end + 3
        } else if starts(with: "<!", at: index) {
            refusal = Refusal(
                offset: index, message: "a document type declaration is not allowed in a policy",
                note: "APIM policies have no DTD; remove the declaration and any entities it defines")
        } else if starts(with: "<?", at: index) {
            guard let end = find("?>", from: index + 2) else { return lose() }
            index = end + 2
        } else if starts(with: "</", at: index) {
            guard let end = find(">", from: index + 2), var element = open.popLast() else { return lose() }
            index = end + 1
            element.span = element.span.lowerBound..<index
            close(element)
        } else {
            startTag()
        }
    }

    mutating func close(_ element: PolicyXMLElement) {
        if open.isEmpty {
            if root == nil { root = element }
        } else {
            open[open.count - 1].children.append(.element(element))
        }
    }

    mutating func startTag() {
        let start = index
        guard open.count < PolicyXMLReader.maximumDepth else {
            refusal = Refusal(
                offset: start, message: "elements are nested deeper than the limit of \(PolicyXMLReader.maximumDepth) levels",
                note: "flatten the nesting, or move nested statements into policy fragments")
            return
        }
        index += 1
        let nameStart = index
        while index < text.count, !isSpace(text[index]), text[index] != UInt8(ascii: "/"), text[index] != UInt8(ascii: ">") {
            index += 1
        }
        guard index > nameStart else { return lose() }
        var element = PolicyXMLElement(
            name: String(decoding: text[nameStart..<index], as: UTF8.self), attributes: [], children: [],
            span: start..<index, nameSpan: nameStart..<index)
        while true {
            while index < text.count, isSpace(text[index]) { index += 1 }
            guard index < text.count else { return lose() }
            if text[index] == UInt8(ascii: ">") {
                index += 1
                element.span = start..<index
                open.append(element)
                return
            }
            if starts(with: "/>", at: index) {
                index += 2
                element.span = start..<index
                close(element)
                return
            }
            guard element.attributes.count < PolicyXMLReader.maximumAttributes else {
                refusal = Refusal(
                    offset: index, message: "'\(element.name)' has more attributes than the limit of \(PolicyXMLReader.maximumAttributes)",
                    note: "no policy statement takes nearly so many; remove the attributes APIM does not read")
                return
            }
            guard let attribute = attribute() else { return }
            element.attributes.append(attribute)
        }
    }

    mutating func attribute() -> PolicyXMLAttribute? {
        let nameStart = index
        while index < text.count, !isSpace(text[index]), text[index] != UInt8(ascii: "="), text[index] != UInt8(ascii: ">") {
            index += 1
        }
        let nameEnd = index
        while index < text.count, isSpace(text[index]) { index += 1 }
        guard nameEnd > nameStart, index < text.count, text[index] == UInt8(ascii: "=") else {
            lose()
            return nil
        }
        index += 1
        while index < text.count, isSpace(text[index]) { index += 1 }
        guard index < text.count, text[index] == UInt8(ascii: "\"") || text[index] == UInt8(ascii: "'") else {
            lose()
            return nil
        }
        let quote = text[index]
        let valueStart = index + 1
        var value = PolicyXMLValue.text("")
        if isExpressionStart(valueStart) {
            guard let end = expression(at: valueStart, quote: quote) else { return nil }
            guard end < text.count, text[end] == quote else {
                refusal = Refusal(
                    offset: end, message: "text follows the policy expression that starts this attribute value",
                    note: "APIM reads an attribute value that starts with '@(' or '@{' as one expression; move the text into it")
                return nil
            }
            value = .expression(String(decoding: text[valueStart..<end], as: UTF8.self))
            index = end
        } else {
            index = valueStart
            while index < text.count, text[index] != quote { index += 1 }
            guard index < text.count else {
                lose()
                return nil
            }
        }
        let valueEnd = index
        index += 1
        return PolicyXMLAttribute(
            name: String(decoding: text[nameStart..<nameEnd], as: UTF8.self), value: value, nameSpan: nameStart..<nameEnd,
            valueSpan: valueStart..<valueEnd)
    }

    func isExpressionStart(_ offset: Int) -> Bool {
        offset + 1 < text.count && text[offset] == UInt8(ascii: "@")
            && (text[offset + 1] == UInt8(ascii: "(") || text[offset + 1] == UInt8(ascii: "{"))
    }

    /// The end of the expression at `offset`, its markup characters blanked in the copy.
    /// Where the text holds XML's references before the attribute's closing `quote` or, in an
    /// element's text (nil `quote`), before the next `<`, and the text up to there, references
    /// resolved, is one expression, that is the expression: its bytes alone may not end it,
    /// or end it only at a `)` in markup after it, read to the document's end for each such
    /// expression (found by audits). Otherwise its bytes are read as APIM reads them, `"` and
    /// `<` too.
    mutating func expression(at offset: Int, quote: UInt8?) -> Int? {
        let limit = text[offset...].firstIndex(of: quote ?? UInt8(ascii: "<")) ?? text.count
        let end: Int
        if let referenced = endOfReferencedExpression(at: offset, limit: limit, inText: quote == nil) {
            end = referenced
        } else {
            switch ExpressionExtent.end(in: text, from: offset) {
            case .success(let found):
                end = found
            case .failure(.unterminated):
                refusal = Refusal(
                    offset: offset, message: "the policy expression that starts here never ends",
                    note: "close every '(' and '{' of the expression, and every string it holds")
                return nil
            case .failure(.nestedTooDeep):
                refusal = Refusal(
                    offset: offset,
                    message: "the policy expression that starts here nests interpolated strings deeper than the limit of \(ExpressionExtent.maximumNesting) levels",
                    note: "build the string in steps, with variables")
                return nil
            }
        }
        expressions.append((offset..<end, quote))
        for position in offset..<end {
            switch text[position] {
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "\""), UInt8(ascii: "'"):
                masked[position] = UInt8(ascii: "_")
            default: break
            }
        }
        return end
    }

    /// The end of an expression written with XML's references (`@(&quot;http://x&quot;)`,
    /// as XML tools write quotes), which the bytes alone do not end: a `//` in its string
    /// reads as a comment. APIM reads the value after XML resolves it, so the text up to
    /// `limit` (an attribute's closing quote, or the `<` after an element's text, where white
    /// space may come before it), resolved, holds the expression: where it ends there, in
    /// the text as written, is its end, and text after it is text that follows it.
    func endOfReferencedExpression(at offset: Int, limit: Int, inText: Bool) -> Int? {
        guard text[offset..<limit].contains(UInt8(ascii: "&")) else { return nil }
        var close = limit
        if inText {
            while close > offset, isSpace(text[close - 1]) { close -= 1 }
        }
        let written = String(decoding: text[offset..<close], as: UTF8.self)
        let resolved = PolicyXMLValue.expression(written).resolved
        guard resolved != written, case .success(let end) = ExpressionExtent.end(in: Array(resolved.utf8), from: 0) else { return nil }
        return end == resolved.utf8.count ? close : offset + XMLReferences.writtenOffset(ofResolved: end, in: written)
    }

    mutating func lose() {
        lost = true
    }
}

/// Whether `byte` is XML's white space.
private func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

/// libxml2, configured for hostile text.
private enum LibXML2 {
    struct Failure: Error {
        var line: Int
        var column: Int
        var message: String
    }

    /// What libxml2 reads of the root element, in document order, as its SAX2 interface
    /// reports it. libxml2's own tree builder adds each attribute by walking the element's
    /// attributes before it, so one statement of 20,000 attributes (209 KB, under APIM's
    /// limit) took a second to read, and `import` reads a document several times (found by
    /// an audit).
    enum Event {
        /// An element's start: its name (`prefix:local`) in ``Reading/bytes``, and its
        /// attributes' values in order, namespace declarations not among them, in
        /// ``Reading/values``.
        case start(name: Range<Int>, values: Range<Int>)
        case end
        /// Character data in ``Reading/bytes``: the runs libxml2 reports one after another
        /// are one, as in the tree it builds.
        case text(Range<Int>)
        /// A CDATA section: libxml2 reports each in one call, an empty one too, and one
        /// after another as many (two were taken for one, and misread).
        case cdata
        case comment
        /// A processing instruction, which parts the text around it.
        case instruction
    }

    /// What one parse collects through its context: libxml2's first error (later errors
    /// are often echoes of the first) and the root element's events, whose names, values
    /// and text, references resolved, stand one after another in one buffer. The handlers
    /// reach it by a pointer, which costs no reference counting or exclusivity check per
    /// event as a class instance does.
    struct Reading {
        var failure: Failure?
        var events: [Event] = []
        var bytes: [UInt8] = []
        /// Each attribute value's range in ``bytes``.
        var values: [Range<Int>] = []
        /// The elements open: what stands outside the root is not kept.
        var depth = 0

        /// The text of `range` of ``bytes``.
        func string(_ range: Range<Int>) -> String {
            String(decoding: bytes[range], as: UTF8.self)
        }

        /// The reading of the parser context `context`, which libxml2 hands every handler.
        fileprivate static func of(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<Reading>? {
            context?.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private?.assumingMemoryBound(to: Reading.self)
        }

        /// Whether an event here is inside the root.
        fileprivate var isInRoot: Bool { depth > 0 }

        /// Appends the NUL-terminated `text` to ``bytes``.
        fileprivate mutating func append(_ text: UnsafePointer<xmlChar>) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text, count: Int(xmlStrlen(text))))
        }

        /// Appends an attribute's value as SAX2 hands it over: references resolved but `&`,
        /// which libxml2 writes as `&#38;` for its tree builder to resolve, so that
        /// `&amp;lt;` stays the text `&lt;`. No other `&` is left in a value of a
        /// well-formed document.
        fileprivate mutating func appendValue(_ value: UnsafeBufferPointer<UInt8>) {
            let start = bytes.count
            var index = 0
            while let ampersand = value[index...].firstIndex(of: UInt8(ascii: "&")) {
                bytes.append(contentsOf: value[index...ampersand])
                index = value[ampersand...].starts(with: "&#38;".utf8) ? ampersand + 5 : ampersand + 1
            }
            bytes.append(contentsOf: value[index...])
            values.append(start..<bytes.count)
        }
    }

    /// libxml2 must be set up once, before threads use it.
    static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// The reading of `text`, or why libxml2 refuses it.
    static func parse(_ text: [UInt8]) -> Result<Reading, Failure> {
        _ = initialized
        guard !text.isEmpty else { return .failure(Failure(line: 1, column: 1, message: "the document is empty")) }
        guard let context = xmlNewParserCtxt() else { return .failure(Failure(line: 1, column: 1, message: "out of memory")) }
        defer { xmlFreeParserCtxt(context) }
        let sax = context.pointee.sax!
        sax.pointee.serror = { userData, error in
            guard let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, let reading = Reading.of(userData), reading.pointee.failure == nil else { return }
            var message = error.pointee.message.map { String(cString: $0) } ?? "a parse error"
            // What libxml2 repeats from the document (an entity's name, a word it took for an
            // attribute's) may be a password written into it: only names APIM's policies
            // have are shown, and the names of tags not closed, which a quoted line shows too.
            let namesTags = [XML_ERR_TAG_NAME_MISMATCH, XML_ERR_TAG_NOT_FINISHED].contains { Int32($0.rawValue) == error.pointee.code }
            for extra in [error.pointee.str1, error.pointee.str2, error.pointee.str3] where !namesTags {
                guard let extra, case let text = String(cString: extra), !text.isEmpty, !PolicyCatalogue.knownNames.contains(text) else { continue }
                message = message.hidingWritten(text)
            }
            reading.pointee.failure = Failure(line: Int(error.pointee.line), column: Int(error.pointee.int2), message: message.asClause)
        }
        sax.pointee.startElementNs = { context, name, prefix, _, _, _, count, _, attributes in
            guard let reading = Reading.of(context), let name, reading.pointee.isInRoot || reading.pointee.events.isEmpty else { return }
            reading.pointee.depth += 1
            let nameStart = reading.pointee.bytes.count
            if let prefix {
                reading.pointee.append(prefix)
                reading.pointee.bytes.append(UInt8(ascii: ":"))
            }
            reading.pointee.append(name)
            let nameEnd = reading.pointee.bytes.count
            let first = reading.pointee.values.count
            for index in 0..<Int(count) {
                // Each attribute is five pointers: name, prefix, URI, value, end of value.
                guard let start = attributes?[index * 5 + 3], let end = attributes?[index * 5 + 4] else { return }
                reading.pointee.appendValue(UnsafeBufferPointer(start: start, count: end - start))
            }
            reading.pointee.events.append(.start(name: nameStart..<nameEnd, values: first..<reading.pointee.values.count))
        }
        sax.pointee.endElementNs = { context, _, _, _ in
            guard let reading = Reading.of(context), reading.pointee.isInRoot else { return }
            reading.pointee.depth -= 1
            reading.pointee.events.append(.end)
        }
        let characters: charactersSAXFunc = { context, bytes, count in
            guard let reading = Reading.of(context), reading.pointee.isInRoot, let bytes else { return }
            let start = reading.pointee.bytes.count
            reading.pointee.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(count)))
            let end = reading.pointee.bytes.count
            // Nothing was added to the buffer since a text run that is the last event.
            if case .text(let before)? = reading.pointee.events.last {
                reading.pointee.events[reading.pointee.events.count - 1] = .text(before.lowerBound..<end)
            } else {
                reading.pointee.events.append(.text(start..<end))
            }
        }
        sax.pointee.characters = characters
        sax.pointee.ignorableWhitespace = characters
        sax.pointee.cdataBlock = { context, _, _ in
            guard let reading = Reading.of(context), reading.pointee.isInRoot else { return }
            reading.pointee.events.append(.cdata)
        }
        sax.pointee.comment = { context, _ in
            guard let reading = Reading.of(context), reading.pointee.isInRoot else { return }
            reading.pointee.events.append(.comment)
        }
        sax.pointee.processingInstruction = { context, _, _ in
            guard let reading = Reading.of(context), reading.pointee.isInRoot else { return }
            reading.pointee.events.append(.instruction)
        }
        // No network, no messages on standard error, no entity substitution, no DTD loading.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        var reading = Reading()
        // Names, values and text together are about as long as the text.
        reading.bytes.reserveCapacity(text.count)
        let document = withUnsafeMutablePointer(to: &reading) { state in
            context.pointee._private = UnsafeMutableRawPointer(state)
            defer { context.pointee._private = nil }
            return text.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlCtxtReadMemory(context, $0, Int32(buffer.count), "policy.xml", "UTF-8", options)
                }
            }
        }
        // Only the document node: no handler here adds to it.
        if let document { xmlFreeDoc(document) }
        if let failed = reading.failure ?? (context.pointee.wellFormed == 0 ? Failure(line: 1, column: 1, message: "a parse error") : nil) {
            return .failure(failed)
        }
        guard document != nil else { return .failure(Failure(line: 1, column: 1, message: "the document is empty")) }
        return .success(reading)
    }
}

extension String {
    /// The message with `written`, text of the document, hidden: each occurrence that stands
    /// as a word replaced; where none does (libxml2 cuts a comment's text it quotes, and
    /// writes it right after `<!--`), the message cut where the text's start appears.
    fileprivate func hidingWritten(_ written: String) -> String {
        let replaced = replacingWords(written, with: "(a name written here)")
        guard replaced == self else { return replaced }
        let start = String(written.trimmingWhitespace.prefix(8))
        guard !start.isEmpty, let found = firstRange(of: start) else { return self }
        return self[..<found.lowerBound] + "(text written here)"
    }

    /// The text with each occurrence of `word` that stands as a word (between the text's
    /// ends, blanks, quotes and punctuation) replaced: `'a'` in "tag mismatch: a line 3",
    /// not the `a` of "tag".
    private func replacingWords(_ word: String, with replacement: String) -> String {
        let scalars = Array(unicodeScalars)
        let target = Array(word.unicodeScalars)
        func isBoundary(_ index: Int) -> Bool {
            guard index >= 0, index < scalars.count else { return true }
            let scalar = scalars[index]
            return scalar.properties.isWhitespace || "'\"`:;,.()[]<>".unicodeScalars.contains(scalar)
        }
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if index + target.count <= scalars.count, isBoundary(index - 1), isBoundary(index + target.count),
                scalars[index..<(index + target.count)].elementsEqual(target)
            {
                result.append(contentsOf: replacement.unicodeScalars)
                index += target.count
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    /// libxml2's message as a clause of ours: its first line (later ones list bytes), no
    /// surrounding space, no capital.
    fileprivate var asClause: String {
        var text = Substring(self).drop { $0.isWhitespace }.prefix { $0 != "\n" && $0 != "\r" }
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        guard let first = text.first else { return "" }
        return first.lowercased() + text.dropFirst()
    }
}

/// Takes the values libxml2 decoded into the scanned tree: literal attribute values and
/// text, with character references resolved. Returns false where the two readings of the
/// document disagree, which a well-formed document never does.
private enum Values {
    /// Fills `element` from its start event at `cursor` to its end event, leaving `cursor`
    /// after it.
    static func fill(_ element: inout PolicyXMLElement, from reading: LibXML2.Reading, at cursor: inout Int) -> Bool {
        let events = reading.events
        guard cursor < events.count, case .start(let name, let values) = events[cursor], reading.string(name) == element.name else { return false }
        cursor += 1
        // Namespace declarations are not attributes to libxml2: they are skipped, so each
        // value goes to its own attribute wherever a declaration stands.
        let count = element.attributes.count
        func nextAttribute(from index: Int) -> Int {
            var index = index
            while index < count, element.attributes[index].name == "xmlns" || element.attributes[index].name.hasPrefix("xmlns:") { index += 1 }
            return index
        }
        var index = nextAttribute(from: 0)
        for value in values {
            guard index < count else { return false }
            if case .text = element.attributes[index].value {
                element.attributes[index].value = .text(reading.string(reading.values[value]))
            }
            index = nextAttribute(from: index + 1)
        }
        guard index == count else { return false }

        var position = 0
        while cursor < events.count {
            let event = events[cursor]
            switch event {
            case .end:
                cursor += 1
                // A piece of the scan's that libxml2 did not report would keep no value of its own.
                return position == element.children.count
            case .instruction:
                cursor += 1
                continue
            case .start, .text, .cdata, .comment:
                break
            }
            guard position < element.children.count else { return false }
            switch (element.children[position], event) {
            case (.element(var nested), .start):
                guard fill(&nested, from: reading, at: &cursor) else { return false }
                element.children[position] = .element(nested)
            case (.text(.text, let span), .text(let text)):
                element.children[position] = .text(.text(reading.string(text)), span: span)
                cursor += 1
            case (.text, .text), (.text, .cdata), (.comment, .comment):
                cursor += 1
            default:
                return false
            }
            position += 1
        }
        return false
    }
}

/// Judges an element's text as a whole. XML joins the character data between two elements
/// (text and CDATA sections, comments and processing instructions dropped), and APIM's
/// pages do not say whether it looks for an expression in the joined text or in each piece:
/// `@<!-- -->(code)` and `x<![CDATA[@(code)]]>` are code one way and text the other, and
/// the scan, which judges each piece, read the first as text and the second as code. A run
/// of pieces is read only where both ways agree: one expression with nothing but white
/// space and comments around it, or no expression at all.
private struct TextRuns {
    let text: [UInt8]

    /// Why the text of `element` or of an element in it cannot be read, if it cannot. An
    /// attribute's value is one piece: one whose `@` is a reference (`&#64;(code)`) starts
    /// an expression once XML resolves it, which the scan, reading bytes, took for text
    /// (found by an audit: a `base-url` so written took its host from the request unseen).
    func refusal(in element: PolicyXMLElement) -> Scan.Refusal? {
        for attribute in element.attributes {
            guard case .text(let value) = attribute.value, let first = value.utf8.first, first == UInt8(ascii: "@") || isSpace(first) else { continue }
            var bytes = value.utf8.drop(while: isSpace).makeIterator()
            guard let at = bytes.next(), let opening = bytes.next(), Self.startsAnExpression(at, opening) else { continue }
            let spaced = attribute.valueSpan.isEmpty ? false : isSpace(text[attribute.valueSpan.lowerBound])
            return Scan.Refusal(
                offset: attribute.valueSpan.lowerBound,
                message: "the value of '\(attribute.name)' starts a policy expression only \(spaced ? "after white space" : "once XML resolves its references")",
                note: "APIM may run it as code or read it as text; write '@(' or '@{' itself, or start the value with other text")
        }
        var run = Run()
        for child in element.children {
            switch child {
            case .element(let nested):
                if let refusal = run.refusal(in: element.name) ?? refusal(in: nested) { return refusal }
                run = Run()
            case .comment:
                continue
            case .text(let value, let span):
                var start = span.lowerBound
                while start < span.upperBound, isSpace(text[start]) { start += 1 }
                // White space alone, as between statements, counts only right after a lone
                // '@' (`@<![CDATA[ ]]>(x)` is text): told by its bytes, not its value.
                if start == span.upperBound, run.leadCount != 1 { continue }
                run.add(value, at: start)
            }
        }
        return run.refusal(in: element.name)
    }

    /// Whether text that starts with `first` and `second` starts with `@(` or `@{`.
    static func startsAnExpression(_ first: UInt8, _ second: UInt8) -> Bool {
        first == UInt8(ascii: "@") && (second == UInt8(ascii: "(") || second == UInt8(ascii: "{"))
    }

    /// The pieces of character data between two elements, as far as the judgement needs.
    private struct Run {
        /// The joined text's first two bytes after white space, as far as they are known:
        /// kept in place, as every run of every document is judged.
        var lead: (UInt8, UInt8) = (0, 0)
        var leadCount = 0
        /// Where the first two pieces that are not white space alone start, and whether the
        /// first is an expression.
        var first: Int?
        var second: Int?
        var firstIsExpression = false
        /// Where the first expression starts.
        var expression: Int?

        /// Adds the piece `value`, whose text after white space starts at `start`.
        mutating func add(_ value: PolicyXMLValue, at start: Int) {
            let bytes = value.written.utf8
            let content = bytes.firstIndex { !isSpace($0) }
            if leadCount < 2 {
                // White space before the joined text is no part of its start; after `@` it is.
                for byte in bytes[(leadCount == 0 ? content ?? bytes.endIndex : bytes.startIndex)...].prefix(2 - leadCount) {
                    if leadCount == 0 { lead.0 = byte } else { lead.1 = byte }
                    leadCount += 1
                }
            }
            guard content != nil else { return }
            if first == nil {
                first = start
                firstIsExpression = value.isExpression
            } else if second == nil {
                second = start
            }
            if value.isExpression, expression == nil { expression = start }
        }

        /// Why the run cannot be read, if it cannot.
        func refusal(in name: String) -> Scan.Refusal? {
            let startsExpression = leadCount == 2 && TextRuns.startsAnExpression(lead.0, lead.1)
            if startsExpression, firstIsExpression, let second { return .textFollowsExpression(at: second) }
            if startsExpression, !firstIsExpression, let first {
                return Scan.Refusal(
                    offset: first, message: "the text of '\(name)' starts a policy expression only once XML joins its pieces or resolves its references",
                    note: "APIM may run it as code or read it as text; write '@(' or '@{' and the whole expression in one run of text or one CDATA section")
            }
            if !startsExpression, let expression {
                return Scan.Refusal(
                    offset: expression, message: "a policy expression follows other text of '\(name)'",
                    note: "APIM may run the piece as code or read the joined text as text; start the element's text with the expression, or write the text in one piece")
            }
            return nil
        }
    }
}
