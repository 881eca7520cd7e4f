import PortcullisDiagnostics
import Synchronization
import PortcullisSupport

/// A policy document or fragment as its author wrote it, in APIM's `rawxml` form: policy
/// expressions stand unescaped inside attribute values and element text, which makes the
/// text not quite XML. The tree keeps each node's place in the text, so findings point at
/// the line and column they are about, and a bundle can carry any node exactly as written.
///
/// A class: definitions hold it where a policy is written, and every route is copied many
/// times on its way through the stages, which should not copy a document each time.
public final class PolicyXMLDocument: Sendable {
    /// The document's text, as written.
    public let text: [UInt8]
    public let root: PolicyXMLElement
    /// Where the text lies among the run's input files.
    public let placement: TextPlacement
    /// Where each line starts, so placing a finding costs a search, not a walk over the
    /// text before it.
    let lines: TextLines

    /// The elements directly in the root: a policy's sections, a fragment's statements.
    /// These and the two below are found once: rules ask what runs on every request of
    /// each route, which reads them every time.
    public let rootElements: [PolicyXMLElement]
    /// The statements directly in the `inbound` section; none without one.
    public let inboundStatements: [PolicyXMLElement]
    /// The index in ``inboundStatements`` of the first statement after which every path
    /// has run `<base />` (``PolicyXMLElement/runsBaseOnEveryPath``), or nil.
    public let inboundBaseStatement: Int?
    /// Whether the document lets broader scopes' inbound statements run on every request
    /// (``keepsBase(in:)``). Without it, APIM runs none of the product's, API's or global
    /// inbound statements, for some requests or for all.
    public let keepsInboundBase: Bool
    /// Where `inbound` runs `<base />` on some paths only (``keepsInboundBase`` is false, yet
    /// a statement there holds one at some depth), the index in ``inboundStatements`` of
    /// the first statement that holds one; nil otherwise. Rules read such a policy both
    /// ways: through that `<base />`, and past it. Found once: rules ask it of every
    /// route's policies for every walk (an audit found a policy of thousands of statements
    /// without `<base />` walked for each).
    public let inboundStatementHoldingBaseOnSomePaths: Int?
    /// Every element, the root included, depth first in document order. Found once while
    /// the document is read on all cores: the resolver, the secret scan and many rules each
    /// look at every element of every document, which walked the tree again for each.
    public let allElements: [PolicyXMLElement]
    /// The names ``allElements`` has: most documents have none of the statements a rule
    /// asks for, which this tells without looking at each element.
    private let elementNames: Set<String>

    init(text: [UInt8], root: PolicyXMLElement, placement: TextPlacement) {
        self.text = text
        self.root = root
        self.placement = placement
        lines = TextLines(of: text)
        var all: [PolicyXMLElement] = []
        root.forEachElement { all.append($0) }
        allElements = all
        elementNames = Set(all.map(\.name))
        rootElements = root.elements
        let inbound = rootElements.first(where: { $0.name == "inbound" })
        inboundStatements = inbound?.elements ?? []
        inboundBaseStatement = inboundStatements.firstIndex(where: \.runsBaseOnEveryPath)
        keepsInboundBase = inbound == nil || inboundBaseStatement != nil
        inboundStatementHoldingBaseOnSomePaths = keepsInboundBase ? nil : inboundStatements.firstIndex(where: \.holdsBase)
    }

    private init(_ document: PolicyXMLDocument, placement: TextPlacement) {
        text = document.text
        root = document.root
        self.placement = placement
        lines = document.lines
        allElements = document.allElements
        elementNames = document.elementNames
        rootElements = document.rootElements
        inboundStatements = document.inboundStatements
        inboundBaseStatement = document.inboundBaseStatement
        keepsInboundBase = document.keepsInboundBase
        inboundStatementHoldingBaseOnSomePaths = document.inboundStatementHoldingBaseOnSomePaths
    }

    /// Whether the statements the build generates for `inbound` come after a `<base />`: the
    /// document writes one directly in `inbound` (``PolicyXMLElement/holdsBaseDirectly``),
    /// or has no `inbound`, which the build starts with `<base />`. Otherwise they come
    /// first, before everything the document writes there.
    public var generatedInboundFollowsBase: Bool {
        guard let inbound = rootElements.first(where: { $0.name == "inbound" }) else { return true }
        return inbound.holdsBaseDirectly
    }

    /// Whether the document runs the broader scope's `section` on every request: every path
    /// through its own runs `<base />` (``PolicyXMLElement/runsBaseOnEveryPath``), or it has
    /// no such section (the built one starts with `<base />`). Read from the children as
    /// they are: every API's policy is asked, and element lists would be made for each.
    public func keepsBase(in section: String) -> Bool {
        for case .element(let found) in root.children where found.name == section {
            return PolicyXMLElement.runBaseOnEveryPath(found.children)
        }
        return true
    }

    /// Whether some request may run the broader scope's `section`: some path through its own
    /// runs `<base />`, or it has no such section. A section without one on any path keeps
    /// every broader policy's statements there from running.
    public func mayRunBase(in section: String) -> Bool {
        for case .element(let found) in root.children where found.name == section { return found.holdsBase }
        return true
    }

    /// The section (`inbound`, `backend`, `outbound`, `on-error`) that holds `element` at
    /// some depth; nil for a fragment's, which stands in no section of its own.
    public func section(holding element: PolicyXMLElement) -> String? {
        guard root.name == "policies" else { return nil }
        return rootElements.first { $0.span.contains(element.span.lowerBound) }?.name
    }

    /// The same document written at `placement`: the same text reads to the same tree, so
    /// a second copy of a text can share the first one's reading.
    public func placed(at placement: TextPlacement) -> PolicyXMLDocument {
        PolicyXMLDocument(self, placement: placement)
    }

    /// Whether some element has one of `names`, told without looking at the elements.
    public func has(anyOf names: Set<String>) -> Bool {
        names.contains(where: elementNames.contains)
    }

    /// Every element whose name is among `names`, in document order. Only the names the
    /// document has are looked for, usually one, compared by length first: most elements
    /// differ from it in length, and comparing two unequal texts costs more than hashing.
    public func elements(named names: Set<String>) -> [PolicyXMLElement] {
        var present: [String] = []
        for name in names where elementNames.contains(name) { present.append(name) }
        guard !present.isEmpty else { return [] }
        return allElements.filter { element in
            let length = element.name.utf8.count
            return present.contains { $0.utf8.count == length && $0 == element.name }
        }
    }

    /// The input range of `span`, a range of byte offsets in ``text``.
    public func range(_ span: Range<Int>) -> SourceRange {
        placement.range(span, in: text, lines: lines)
    }

    /// The statements written directly in `section` (not inside `choose`): what runs on
    /// every request that reaches it; none when the document has no such section.
    public func statements(in section: String) -> [PolicyXMLElement] {
        root.elements.first(where: { $0.name == section })?.elements ?? []
    }

    /// The spaces and tabs between the start of `span`'s line and `span`, when nothing else
    /// stands there; nil when `span` does not start its line.
    public func indentation(before span: Range<Int>) -> String? {
        var start = span.lowerBound
        while start > 0, text[start - 1] == 0x20 || text[start - 1] == 0x09 { start -= 1 }
        guard start == 0 || text[start - 1] == 0x0A || text[start - 1] == 0x0D else { return nil }
        return String(decoding: text[start..<span.lowerBound], as: UTF8.self)
    }

    /// The text of `span` exactly as written.
    public func source(_ span: Range<Int>) -> String {
        String(decoding: text[span], as: UTF8.self)
    }
}

/// An element with its attributes and content.
public struct PolicyXMLElement: Sendable {
    public var name: String
    public var attributes: [PolicyXMLAttribute]
    public var children: [PolicyXMLNode]
    /// The element's text from `<` to the end of its end tag (or of `/>`).
    public var span: Range<Int>
    /// The element's name in its start tag: where findings about the element point.
    public var nameSpan: Range<Int>

    /// The value of the attribute called `name`, if the element has it.
    public func attribute(_ name: String) -> PolicyXMLAttribute? {
        attributes.first { $0.name == name }
    }

    /// The child elements, skipping text and comments.
    public var elements: [PolicyXMLElement] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The element's text content when it is one value (`<value>orders</value>`), else nil.
    /// Text split by comments is joined, as XML reads it (`http:<!-- -->//` is `http://`),
    /// white space between the pieces too (`@<![CDATA[ ]]>(x)` is `@ (x)`, no expression);
    /// an expression among other text is no value.
    public var textValue: PolicyXMLValue? {
        var found: PolicyXMLValue?
        // White space after the text found, which is part of it only if text follows.
        var blank = ""
        for child in children {
            switch child {
            case .element: return nil
            case .comment: continue
            case .text(let value, _):
                if case .text(let text) = value, text.isWhitespaceOnly {
                    if found != nil { blank += text }
                    continue
                }
                switch (found, value) {
                case (nil, _): found = value
                case (.text(let before)?, .text(let after)): found = .text(before + blank + after)
                default: return nil
                }
                blank = ""
            }
        }
        return found
    }

    /// Whether `<base />` stands directly among the element's children, where the build puts
    /// the statements it generates for a section; one inside a `choose` does not count.
    public var holdsBaseDirectly: Bool {
        children.contains { if case .element(let element) = $0 { element.name == "base" } else { false } }
    }

    /// Whether this element is `<base />` or holds one at some depth.
    public var holdsBase: Bool {
        name == "base" || children.contains { if case .element(let element) = $0 { element.holdsBase } else { false } }
    }

    /// Whether every path through this statement runs `<base />`, and with it the broader
    /// scope's section: it is one; a `choose` with an `otherwise` each of whose branches runs
    /// one (a `when` may or may not be taken, whatever its condition); or a `retry`, whose
    /// statements run once before any retry, or a `limit-concurrency`, whose statements run
    /// once (audit V21: one holding `<base />` was read whole before it). APIM runs `<base />` where it stands (Microsoft
    /// Learn's "choose" and "retry" pages put no limit on the statements inside, and
    /// Microsoft's policy toolkit writes `<base />` in branches); a branch without one
    /// skips the broader scopes for the requests it takes.
    public var runsBaseOnEveryPath: Bool {
        switch name {
        case "base":
            return true
        case "choose":
            var otherwise = false
            for case .element(let branch) in children where branch.name == "when" || branch.name == "otherwise" {
                guard Self.runBaseOnEveryPath(branch.children) else { return false }
                if branch.name == "otherwise" { otherwise = true }
            }
            return otherwise
        case "retry", "limit-concurrency":
            return Self.runBaseOnEveryPath(children)
        default:
            return false
        }
    }

    /// Whether every path through `statements`, run in order, runs `<base />`.
    public static func runBaseOnEveryPath(_ statements: [PolicyXMLNode]) -> Bool {
        statements.contains { if case .element(let statement) = $0 { statement.runsBaseOnEveryPath } else { false } }
    }

    /// This element and every element inside it, depth first, in document order.
    public func forEachElement(_ body: (PolicyXMLElement) -> Void) {
        body(self)
        for case .element(let child) in children { child.forEachElement(body) }
    }

    /// ``forEachElement(_:)``, with each `include-fragment` followed by the elements of the
    /// fragment it names in `fragments`, where the request meets them (each fragment once in
    /// the walks sharing `visited`, so an include cycle ends); an element `skipping` picks is
    /// passed over with all it holds.
    public func forEachElement(
        expanding fragments: [String: PolicyXMLDocument], visited: inout Set<String>, skipping: (PolicyXMLElement) -> Bool = { _ in false },
        _ body: (PolicyXMLElement) -> Void
    ) {
        func walk(_ element: PolicyXMLElement) {
            guard !skipping(element) else { return }
            body(element)
            element.elements.forEach(walk)
            if element.name == "include-fragment", case .text(let id)? = element.attribute("fragment-id")?.value, let fragment = fragments[id],
                visited.insert(id).inserted
            {
                fragment.rootElements.forEach(walk)
            }
        }
        walk(self)
    }

    /// Whether this is a `set-body` whose text is a Liquid template, where `{{body.x}}` and
    /// `{{context.x}}` are the template's objects rather than named values.
    public var isLiquidTemplate: Bool {
        guard name == "set-body", case .text(let template)? = attribute("template")?.value else { return false }
        return template.trimmingWhitespace.lowercased() == "liquid"
    }
}

public struct PolicyXMLAttribute: Sendable {
    public var name: String
    public var value: PolicyXMLValue
    public var nameSpan: Range<Int>
    /// The value between its quotes.
    public var valueSpan: Range<Int>
}

/// An attribute value or a run of element text.
public enum PolicyXMLValue: Sendable, Equatable {
    /// Text with XML's character references resolved.
    case text(String)
    /// A policy expression, `@(...)` or `@{...}`, exactly as written: APIM evaluates it.
    case expression(String)

    /// Whether the value is a policy expression, which APIM runs for each request.
    public var isExpression: Bool {
        if case .expression = self { return true }
        return false
    }

    /// The text a reader of the policy sees: the literal, or the expression's code.
    public var written: String {
        switch self {
        case .text(let text), .expression(let text): text
        }
    }

    /// The text APIM reads: in an expression too, what XML resolves before the expression
    /// is compiled: character references (`&quot;`, `&#34;`, `&#x22;`), comments (dropped)
    /// and CDATA sections (their text as written).
    public var resolved: String {
        switch self {
        case .text(let text): return text
        case .expression(let code):
            // Told by bytes: most expressions hold no markup (a generic's `<` is not one), and
            // Foundation's search is slow.
            guard code.holds("<!") else { return XMLReferences.read(code) }
            var result = ""
            var rest = Substring(code)
            while let markup = rest.range(ofBytes: "<!") {
                result += XMLReferences.read(String(rest[..<markup.lowerBound]))
                let after = rest[markup.lowerBound...]
                if after.hasPrefix("<![CDATA["), let end = after.range(ofBytes: "]]>") {
                    result += after[after.index(after.startIndex, offsetBy: 9)..<end.lowerBound]
                    rest = after[end.upperBound...]
                } else if after.hasPrefix("<!--"), let end = after.range(ofBytes: "-->") {
                    rest = after[end.upperBound...]
                } else {
                    result += "<!"
                    rest = after.dropFirst(2)
                }
            }
            return result + XMLReferences.read(String(rest))
        }
    }
}

public enum PolicyXMLNode: Sendable {
    case element(PolicyXMLElement)
    /// Character data (a CDATA section included) between tags.
    case text(PolicyXMLValue, span: Range<Int>)
    case comment(String, span: Range<Int>)
}

/// How byte offsets of a document's text map to places in the run's input files.
public enum TextPlacement: Sendable {
    /// The text is a whole input file.
    case file(FileID)
    /// The text is a YAML block scalar whose line `n` (from 0) is the file's line
    /// `firstLine + n`, indented by `indent` columns.
    case block(FileID, firstLine: Int, indent: Int)
    /// The text is a YAML scalar whose lines the file does not hold one for one (quoted
    /// or folded): every place in it is the scalar's range.
    case scalar(SourceRange)

    public func range(_ span: Range<Int>, in text: [UInt8], lines: TextLines? = nil) -> SourceRange {
        if case .scalar(let range) = self { return range }
        let lines = lines ?? TextLines(of: text)
        let start = lines.position(of: span.lowerBound, in: text)
        let end = lines.position(of: max(span.upperBound, span.lowerBound + 1), in: text)
        switch self {
        case .scalar(let range):
            return range
        case .file(let file):
            return SourceRange(file: file, start: start, end: end)
        case .block(let file, let firstLine, let indent):
            func shifted(_ position: SourcePosition) -> SourcePosition {
                SourcePosition(line: Int(position.line) - 1 + firstLine, column: Int(position.column) + indent)
            }
            return SourceRange(file: file, start: shifted(start), end: shifted(end))
        }
    }
}

/// Where a text's lines start (a line ends at LF, CRLF or a lone CR), and for each long
/// line placed in how many columns its bytes make up to every 64th byte of it, so that a
/// place's column is counted from the nearest such mark rather than from its line's start
/// (audit V115: 20,000 named-value references on one line of a block scalar, each placed,
/// took their number times the line's length: 13 s for 200 KB). A line is marked the first
/// time a place on it is asked for: most texts have no finding to place.
public struct TextLines: Sendable {
    let starts: [Int]
    /// For each line longer than ``markEvery`` bytes placed in, by its number from 0: the
    /// columns of its first `markEvery * n` bytes at `n`, and of all of them last.
    private let marks = Marks()
    private static let markEvery = 64

    /// Shared by the copies of these lines, which are of one text.
    private final class Marks: Sendable {
        let byLine = Mutex<[Int: [Int32]]>([:])
    }

    public init(of text: [UInt8]) {
        var starts = [0]
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            if byte == 0x0A || byte == 0x0D {
                if byte == 0x0D, index < text.count, text[index] == 0x0A { index += 1 }
                starts.append(index)
            }
        }
        self.starts = starts
    }

    /// The marks of line `line`, which runs from `start` to `end` of `text`.
    private func marks(of line: Int, from start: Int, to end: Int, in text: [UInt8]) -> [Int32] {
        marks.byLine.withLock { marks in
            if let known = marks[line] { return known }
            var counted: Int32 = 0
            var lineMarks: [Int32] = []
            lineMarks.reserveCapacity((end - start) / Self.markEvery + 1)
            for offset in start..<end {
                if (offset - start) % Self.markEvery == 0 { lineMarks.append(counted) }
                if Self.isAColumn(text[offset]) { counted += 1 }
            }
            lineMarks.append(counted)
            marks[line] = lineMarks
            return lineMarks
        }
    }

    /// Whether a byte starts a column: the first of a character's bytes, but a line break.
    private static func isAColumn(_ byte: UInt8) -> Bool { byte & 0xC0 != 0x80 && byte != 0x0D && byte != 0x0A }

    /// The 1-based line and column of byte `offset` of `text`, the text these lines are
    /// of, counting columns in Unicode scalars as the YAML reader does, so both kinds of
    /// input report places alike: a byte order mark is no column (audit V93: a `.xml`
    /// file's first line was one column off).
    func position(of offset: Int, in text: [UInt8]) -> SourcePosition {
        let offset = min(offset, text.count)
        // The last line start at or before the offset.
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        let start = starts[low]
        let end = low + 1 < starts.count ? starts[low + 1] : text.count
        var from = start
        var columns = 0
        if end - start > Self.markEvery {
            let lineMarks = marks(of: low, from: start, to: end, in: text)
            let mark = min((offset - start) / Self.markEvery, lineMarks.count - 1)
            from = start + mark * Self.markEvery
            columns = Int(lineMarks[mark])
        }
        columns += text[min(from, offset)..<offset].reduce(0) { Self.isAColumn($1) ? $0 + 1 : $0 }
        let byteOrderMark = low == 0 && offset >= 3 && text.starts(with: [0xEF, 0xBB, 0xBF]) ? 1 : 0
        return SourcePosition(line: low + 1, column: 1 + columns - byteOrderMark)
    }
}
