import PortcullisDiagnostics
import PortcullisModel
import PortcullisPolicyXML

/// One raw policy document as rules judge it: what it is written for and which routes'
/// requests run its statements.
public struct RawScope: Sendable {
    public let document: PolicyXMLDocument
    /// How messages name what the document belongs to: "route 'orders/list-orders'".
    public let owner: String
    /// The scope the document is written for; a fragment's is `.fragment`.
    public let level: PolicyScope
    /// The judged routes whose requests run through the document: every route for the
    /// global policy, a product's routes, an API's, one route's, and for a fragment the
    /// routes of every document that includes it.
    public let routes: [EffectiveRoute]
    /// Whether some of ``routes`` take requests without a subscription key.
    public internal(set) var takesKeylessRequests = false
    /// The API whose own policy the document is, its policy or a route's, by index; nil for
    /// the gateway's, a product's and a fragment, which any API's requests may run.
    public internal(set) var api: Int? = nil
    /// Where only products' subscribers run the document, those products by index: a
    /// product's own policy, or a fragment that only products' policies include, directly
    /// or through other fragments. Nil where other callers run it too.
    public internal(set) var products: Set<Int>? = nil

    /// The policy's `inbound` section when it keeps the broader scopes' statements from
    /// running on some requests or all (``PolicyXMLDocument/keepsInboundBase``), with how
    /// messages say why, and whether they never run: no `<base />` at all.
    public var inboundSkippingBase: (section: PolicyXMLElement, reason: String, never: Bool)? {
        guard !document.keepsInboundBase, let inbound = document.root.elements.first(where: { $0.name == "inbound" }) else { return nil }
        guard let holder = document.inboundStatementHoldingBaseOnSomePaths else { return (inbound, "has no '<base />'", true) }
        return (inbound, "has '<base />' on some paths only, inside '\(document.inboundStatements[holder].name)'", false)
    }

    /// Every element of the document with the raw statements' name `name`.
    public func elements(named names: Set<String>) -> [PolicyXMLElement] {
        document.elements(named: names)
    }

    /// The literal text of `attribute` of `element`, if it is written and not an expression.
    public func literal(_ attribute: String, of element: PolicyXMLElement) -> (text: String, range: SourceRange)? {
        guard let written = element.attribute(attribute), case .text(let text) = written.value else { return nil }
        return (text, document.range(written.valueSpan))
    }

    /// Whether a `cache-lookup` keeps one entry per caller, as CA004's limits count it: per
    /// the token in `Authorization`, or per subscription owner where every request must
    /// carry a key (requests without one all share the entry of no owner). A header
    /// the generated policies use among themselves names no caller here: no generated
    /// statement sets it around a raw lookup, so the caller chooses its value.
    /// A lookup varying by `Authorization` after this policy has replaced or removed it
    /// (a managed identity's token, a `set-header`) keys every caller on the same header.
    /// `fragments`, the project's by id, are what the document's `include-fragment`s run.
    public func variesByCaller(_ lookup: PolicyXMLElement, fragments: [String: PolicyXMLDocument]) -> Bool {
        variesBySubscription(lookup) || variesByToken(lookup, fragments: fragments)
    }

    /// Whether a `cache-lookup` keeps one entry per token: it varies by `Authorization`, and
    /// this policy has not replaced that before it. On a route that requires a token its
    /// callers are the token's holders, and a subscription (``variesBySubscription(_:)``) is
    /// an application's, which all its users call through: Microsoft's reference has a
    /// lookup that allows private responses vary by `Authorization`.
    func variesByToken(_ lookup: PolicyXMLElement, fragments: [String: PolicyXMLDocument]) -> Bool {
        RawEnforcement.keysOnTheToken(lookup) && !replacesAuthorization(before: lookup, fragments: fragments)
    }

    /// Whether a statement of this policy's `inbound` before `lookup` writes `Authorization`
    /// for every request (not what a request sent elsewhere or an answer holds), in a
    /// fragment it includes there too, under a name an expression of strings makes as well
    /// (found by an audit: both hid the replacement).
    private func replacesAuthorization(before lookup: PolicyXMLElement, fragments: [String: PolicyXMLDocument]) -> Bool {
        var replaces = false
        forEachInboundStatement(before: lookup, fragments: fragments) { element, _, _ in
            switch element.name {
            case "authentication-managed-identity", "authentication-basic":
                if element.attribute("output-token-variable-name") == nil { replaces = true }
            case "set-header":
                guard let name = element.attribute("name").flatMap({ Self.constant($0.value) }), name.trimmingWhitespace.lowercased() == "authorization"
                else { return }
                if element.attribute("exists-action")?.value.written.trimmingWhitespace.lowercased() != "skip" { replaces = true }
            default:
                return
            }
        }
        return replaces
    }

    /// Each statement of this policy's `inbound` that a request meets before `statement`
    /// (nil: all of them), at any depth and in the `fragments` (by id) included there, not
    /// inside a request sent elsewhere or an answer; with whether every request that reaches
    /// `statement` runs it (one at the top of the section, or of a fragment included there,
    /// does) and where it stands in the document: its start, or for one in a fragment, the
    /// start of the `include-fragment` that runs it.
    func forEachInboundStatement(
        before statement: PolicyXMLElement?, fragments: [String: PolicyXMLDocument],
        _ body: (_ element: PolicyXMLElement, _ everyRequest: Bool, _ standsAt: Int) -> Void
    ) {
        var included = Set<String>()
        func visit(_ element: PolicyXMLElement, including: Int?, top: Bool) {
            let at = including ?? element.span.lowerBound
            guard at < statement?.span.lowerBound ?? .max else { return }
            switch element.name {
            case "send-request", "send-one-way-request", "return-response":
                return
            case "include-fragment":
                guard case .text(let id)? = element.attribute("fragment-id")?.value, included.insert(id).inserted, let fragment = fragments[id] else { return }
                for root in fragment.rootElements { visit(root, including: at, top: top) }
            default:
                body(element, top, at)
                for child in element.elements { visit(child, including: including, top: false) }
            }
        }
        for element in document.statements(in: "inbound") { visit(element, including: nil, top: true) }
    }

    /// Whether a `cache-lookup` keeps one entry per subscription owner, where every request
    /// must carry a key.
    func variesBySubscription(_ lookup: PolicyXMLElement) -> Bool {
        literal("vary-by-developer", of: lookup)?.text.trimmingWhitespace.lowercased() == "true" && !takesKeylessRequests
    }

    /// What APIM reads for `attribute` of `element` when it is text, or an expression of
    /// nothing but strings (``ExpressionExtent/constantText(in:)``): the text with the named
    /// values it references put in, or nil when some value is not known (a secret's, or one
    /// the definitions lack). `notes` point at the named values' values.
    func resolved(
        _ attribute: String, of element: PolicyXMLElement, _ values: KnownNamedValues
    ) -> (text: String, range: SourceRange, notes: [Diagnostic.Note])? {
        guard let written = element.attribute(attribute), let text = Self.constant(written.value), let resolved = values.resolved(text) else { return nil }
        return (resolved, document.range(written.valueSpan), values.notes(for: text))
    }

    /// What the value of `attribute` may start with (``starts(of:)``), named values put in:
    /// the first characters of each (``KnownNamedValues/resolvedStart(of:)``).
    func resolvedStarts(
        _ attribute: String, of element: PolicyXMLElement, _ values: KnownNamedValues
    ) -> [(text: String, range: SourceRange, notes: [Diagnostic.Note])] {
        guard let written = element.attribute(attribute) else { return [] }
        // Each text once, the range placed once: a block may return one text many times.
        var seen = Set<String>()
        let starts = Self.starts(of: written.value).filter { seen.insert($0).inserted }
        guard !starts.isEmpty else { return [] }
        let range = document.range(written.valueSpan)
        return starts.compactMap { text in values.resolvedStart(of: text).map { ($0, range, values.notes(for: text)) } }
    }

    /// A value's text, or the text an expression of nothing but strings always makes.
    static func constant(_ value: PolicyXMLValue) -> String? {
        switch value {
        case .text(let text): text
        case .expression: ExpressionExtent.constantText(in: value.resolved)
        }
    }

    /// A value's text, or the texts an expression's value may start with: in each value it
    /// may give (each branch of a choice, each value a block returns), the text its code
    /// starts with written out (``ExpressionFlow/writtenStart(of:)``: `@("http://" + host)`,
    /// a `string.Format`'s, a URI's), and the string literals it starts with, through
    /// brackets, which give a URL's scheme.
    static func starts(of value: PolicyXMLValue) -> [String] {
        switch value {
        case .text(let text): [text]
        case .expression:
            // Code with no `?` and no block gives one value, read without taking it apart.
            (value.resolved.holds("?") || value.resolved.hasPrefix("@{") ? ExpressionFlow.possibleValues(of: value.resolved).map(\.code) : [value.resolved])
                .flatMap { code in
                    let written = ExpressionFlow.writtenStart(of: code)
                    let literal = ExpressionExtent.leadingText(in: code) ?? ExpressionExtent.formattedLeadingText(in: code)
                    return [written, literal == written ? nil : literal].compactMap { $0 }
                }
        }
    }

    /// The seconds of a `duration` attribute: written out, given by named values or by an
    /// expression of whole numbers (`@(24 * 3600)`), or ``Int/max`` for one an expression
    /// works out as the request runs, which may be any (audit V29: `@(86400)` kept a day
    /// with CA002 and CA004 silent); nil where a named value is not known here.
    func duration(of element: PolicyXMLElement, _ values: KnownNamedValues) -> (seconds: Int, range: SourceRange, notes: [Diagnostic.Note])? {
        guard let written = element.attribute("duration"), let seconds = seconds(of: element, values) else { return nil }
        let text = Self.constant(written.value) ?? written.value.resolved
        return (seconds, document.range(written.valueSpan), values.notes(for: text))
    }

    /// ``duration(of:_:)``'s seconds alone, read without placing the attribute in the file:
    /// on a policy written on one line, placing each of thousands cost the line's length.
    func seconds(of element: PolicyXMLElement, _ values: KnownNamedValues) -> Int? {
        guard let written = element.attribute("duration") else { return nil }
        if let text = Self.constant(written.value) { return values.resolved(text).flatMap { Int($0.trimmingWhitespace) } }
        guard let code = values.resolved(written.value.resolved) else { return nil }
        return Self.wholeNumber(of: code) ?? Int.max
    }

    /// The value of `@(…)` holding whole numbers (`60`, `60L`, `(int)60`), `+`, `-`, `*`, `/`
    /// and brackets alone, as C# works it out (integer division, no overflow); nil for any
    /// other code.
    static func wholeNumber(of code: String) -> Int? {
        let trimmed = code.trimmingWhitespace
        guard trimmed.hasPrefix("@("), trimmed.hasSuffix(")") else { return nil }
        var tokens = Array(trimmed.utf8.dropFirst(2).dropLast().filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D })
        guard tokens.count <= 256 else { return nil }
        tokens.append(0)
        var position = 0
        func factor() -> Int? {
            // A cast to a whole-number type changes no whole number (audit V35: `@((int)60)`).
            for cast in ["(int)", "(long)"] where tokens[position...].starts(with: cast.utf8) { position += cast.utf8.count }
            if tokens[position] == UInt8(ascii: "(") {
                position += 1
                guard let value = sum(), tokens[position] == UInt8(ascii: ")") else { return nil }
                position += 1
                return value
            }
            var value: Int?
            while tokens[position] >= 0x30, tokens[position] <= 0x39 {
                let (shifted, overflow) = (value ?? 0).multipliedReportingOverflow(by: 10)
                let (next, overflow2) = shifted.addingReportingOverflow(Int(tokens[position] - 0x30))
                guard !overflow, !overflow2 else { return nil }
                value = next
                position += 1
            }
            // `60L`: a long.
            if value != nil, tokens[position] == UInt8(ascii: "L") || tokens[position] == UInt8(ascii: "l") { position += 1 }
            return value
        }
        // A run of operands joined by `operators`, worked out left to right.
        func chain(_ operand: () -> Int?, _ operators: [UInt8: @Sendable (Int, Int) -> Int?]) -> Int? {
            guard var value = operand() else { return nil }
            while let apply = operators[tokens[position]] {
                position += 1
                guard let other = operand(), let next = apply(value, other) else { return nil }
                value = next
            }
            return value
        }
        func product() -> Int? { chain(factor, Self.products) }
        func sum() -> Int? { chain(product, Self.sums) }
        guard let value = sum(), position == tokens.count - 1 else { return nil }
        return value
    }

    /// `*` and `/` as C# works them out on whole numbers; nil on overflow or a division by 0.
    private static let products: [UInt8: @Sendable (Int, Int) -> Int?] = [
        UInt8(ascii: "*"): { $0.multipliedReportingOverflow(by: $1).overflow ? nil : $0 * $1 },
        UInt8(ascii: "/"): { $1 == 0 ? nil : $0 / $1 },
    ]

    /// `+` and `-` as C# works them out on whole numbers; nil on overflow.
    private static let sums: [UInt8: @Sendable (Int, Int) -> Int?] = [
        UInt8(ascii: "+"): { $0.addingReportingOverflow($1).overflow ? nil : $0 + $1 },
        UInt8(ascii: "-"): { $0.subtractingReportingOverflow($1).overflow ? nil : $0 - $1 },
    ]

    private static let includeFragment: Set<String> = ["include-fragment"]

    /// Finds the raw scopes of a project, judging only `judged` routes.
    static func all(in project: ResolvedProject, judged routes: [EffectiveRoute]) -> [RawScope] {
        var scopes: [RawScope] = []
        if let document = project.gateway?.policy?.document {
            scopes.append(RawScope(document: document, owner: "the gateway", level: .global, routes: routes))
        }
        // Routes by API and by product, found in one pass (an estate may give every API a
        // policy), and only when some API or product has one.
        var byAPI: [[EffectiveRoute]] = []
        var byProduct: [Int: [EffectiveRoute]] = [:]
        if project.apis.contains(where: { $0.policy != nil }) || project.products.contains(where: { $0.policy != nil }) {
            // By index, not hashed: every route is filed.
            byAPI = Array(repeating: [], count: project.apis.count)
            for route in routes {
                byAPI[route.apiIndex].append(route)
                for product in route.products { byProduct[product, default: []].append(route) }
            }
        }
        for (index, product) in project.products.enumerated() {
            guard let document = product.policy?.document else { continue }
            scopes.append(RawScope(document: document, owner: "product '\(product.name.value)'", level: .product, routes: byProduct[index] ?? [], products: [index]))
        }
        for (index, api) in project.apis.enumerated() where !api.hasErrors {
            guard let document = api.policy?.document else { continue }
            scopes.append(RawScope(document: document, owner: "API '\(api.name.value)'", level: .api, routes: byAPI[index], api: index))
        }
        for route in routes {
            guard let document = route.written.policy?.document else { continue }
            let api = project.apis[route.apiIndex].name.value
            scopes.append(RawScope(document: document, owner: "route '\(api)/\(route.written.id.value)'", level: .operation, routes: [route], api: route.apiIndex))
        }
        // A fragment runs wherever a document includes it, directly or through other
        // fragments: routes pass along include edges until no fragment gains one (each
        // fragment takes a route once, so cycles end).
        let fragments = project.fragments.documentsByName
        func includes(_ document: PolicyXMLDocument) -> [String] {
            document.elements(named: includeFragment).compactMap { element in
                if case .text(let id)? = element.attribute("fragment-id")?.value { id } else { nil }
            }
        }
        var includedBy: [String: [EffectiveRoute]] = [:]
        var taken: [String: Set<ObjectIdentifier>] = [:]
        // The routes of every scope that includes a fragment go on as one batch: a route's
        // policy each including the head of a chain of fragments would otherwise send each
        // route down the chain alone, reading each fragment's includes again.
        var batches: [String: [EffectiveRoute]] = [:]
        var order: [String] = []
        // With the products whose policies alone run each include (nil: every caller).
        var reaching: [(id: String, products: Set<Int>?)] = []
        for scope in scopes {
            for id in includes(scope.document) {
                if batches[id] == nil { order.append(id) }
                batches[id, default: []] += scope.routes
                reaching.append((id, scope.products))
            }
        }
        var pending: [(id: String, routes: [EffectiveRoute])] = order.reversed().map { ($0, batches[$0] ?? []) }
        var fragmentIncludes: [String: [String]] = [:]
        while let (id, routes) = pending.popLast() {
            // Taken out while filtered, so the id is hashed once per batch, not per route.
            var seen = taken.removeValue(forKey: id) ?? []
            let fresh = routes.filter { seen.insert(ObjectIdentifier($0)).inserted }
            taken[id] = seen
            guard !fresh.isEmpty else { continue }
            includedBy[id, default: []] += fresh
            guard let document = fragments[id] else { continue }
            if fragmentIncludes[id] == nil { fragmentIncludes[id] = includes(document) }
            pending += (fragmentIncludes[id] ?? []).map { ($0, fresh) }
        }
        // The products whose policies alone include each fragment pass along the same edges;
        // one included by any other document runs for every caller.
        var runByOthers = Set<String>()
        var runByProducts: [String: Set<Int>] = [:]
        while let (id, products) = reaching.popLast() {
            guard !runByOthers.contains(id) else { continue }
            var passed: Set<Int>?
            if let products {
                passed = products.subtracting(runByProducts[id, default: []])
                guard !passed!.isEmpty else { continue }
                runByProducts[id, default: []].formUnion(passed!)
            } else {
                runByOthers.insert(id)
            }
            guard let document = fragments[id] else { continue }
            if fragmentIncludes[id] == nil { fragmentIncludes[id] = includes(document) }
            reaching += (fragmentIncludes[id] ?? []).map { ($0, passed) }
        }
        for fragment in project.fragments {
            guard let document = fragment.policy.document else { continue }
            let id = fragment.name.value
            scopes.append(
                RawScope(
                    document: document, owner: "fragment '\(id)'", level: .fragment, routes: includedBy[id] ?? [],
                    products: runByOthers.contains(id) ? nil : runByProducts[id]))
        }
        guard !scopes.isEmpty else { return scopes }
        let keyless = Set(zip(project.routes, project.plans).compactMap { route, plan in plan?.keylessAccess.map { _ in ObjectIdentifier(route) } })
        if !keyless.isEmpty {
            for index in scopes.indices {
                scopes[index].takesKeylessRequests = scopes[index].routes.contains { keyless.contains(ObjectIdentifier($0)) }
            }
        }
        return scopes
    }
}
