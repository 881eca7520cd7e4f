import Foundation
import XCTest

@testable import PortcullisModel
import PortcullisDiagnostics
import PortcullisSyntax
import PortcullisTestSupport

final class GrammarTests: XCTestCase {
    func testMethodEffects() {
        XCTAssertEqual(HTTPMethod.allCases.filter { $0.effect == .read }, [.GET, .HEAD, .OPTIONS])
        XCTAssertEqual(HTTPMethod.allCases.filter { $0.effect == .write }, [.POST, .PUT, .PATCH, .DELETE])
    }

    func testDurations() {
        XCTAssertEqual(Grammar.durationSeconds("30s"), 30)
        XCTAssertEqual(Grammar.durationSeconds("5m"), 300)
        XCTAssertEqual(Grammar.durationSeconds("1h30m"), 5400)
        XCTAssertEqual(Grammar.durationSeconds("7d"), 604_800)
        XCTAssertEqual(Grammar.durationSeconds("1d2h3m4s"), 93784)
        XCTAssertEqual(Grammar.durationSeconds("90"), 90, "a bare number is seconds")
        for invalid in ["", "s", "1h30", "30m1h", "1.5h", "10 s", "1w", "1h1h", "-5s"] {
            XCTAssertNil(Grammar.durationSeconds(invalid), invalid)
        }
        XCTAssertNil(Grammar.durationSeconds("99999999999999999999s"), "overflow is rejected, not wrapped")
        XCTAssertNil(Grammar.durationSeconds("3651d"), "more than ten years")
    }

    func testNames() {
        for valid in ["a", "orders", "orders-v2", "0", "a1-b2", String(repeating: "a", count: 64)] {
            XCTAssertTrue(Grammar.isName(valid), valid)
        }
        for invalid in ["", "-a", "a-", "Orders", "a_b", "a.b", "..", "a/b", String(repeating: "a", count: 65), "ｏrders"] {
            XCTAssertFalse(Grammar.isName(invalid), invalid)
        }
    }

    /// APIM's wider names, still safe as folder names.
    func testResourceNames() {
        let longest = String(repeating: "a", count: 80)
        for valid in ["Orders", "orders_v2", "61e68d73c8e44ca9124dcddb", "a-", "A--b", "0", longest] {
            XCTAssertTrue(Grammar.isResourceName(valid), valid)
        }
        for invalid in ["", "-a", "_a", "a.b", "..", "a/b", "a b", longest + "a", "ｏrders"] {
            XCTAssertFalse(Grammar.isResourceName(invalid), invalid)
        }
    }

    /// Ids APIM's OpenAPI import keeps as the operation's name (lower-cased, the same name to APIM).
    func testOperationNames() {
        let longest = String(repeating: "a", count: Grammar.maxOperationNameLength)
        for valid in ["list-orders", "GetOrders", "61e68d73c8e44ca9124dcddb", "a1-B2", longest] {
            XCTAssertTrue(Grammar.isOperationName(valid), valid)
        }
        for invalid in ["", "list--orders", "-a", "a-", "get_orders", "LogicApp_hello", "a.b", longest + "a"] {
            XCTAssertFalse(Grammar.isOperationName(invalid), invalid)
        }
    }

    func testCaseFoldingLowersASCIIOnly() {
        XCTAssertEqual(Grammar.caseFolded("Orders_V2"), "orders_v2")
        XCTAssertEqual(Grammar.caseFolded("orders"), "orders")
        XCTAssertEqual(Grammar.caseFolded("ÄB"), "Äb")
    }

    func testScopeNames() {
        for valid in ["orders.read", "api://orders/Orders.Read", "*", "orders.*", "a:b_c-d"] {
            XCTAssertTrue(Grammar.isScopeName(valid), valid)
        }
        for invalid in ["", ".read", "orders read", "orders@read", String(repeating: "a", count: 129)] {
            XCTAssertFalse(Grammar.isScopeName(invalid), invalid)
        }
    }

    func testRoutePathTemplates() throws {
        let template = try Grammar.pathTemplate("/orders/{orderId}/lines/{line}.json").get()
        XCTAssertEqual(template.parameters, ["orderId", "line"])
        XCTAssertEqual(template.shape, "/orders/{}/lines/{}.json")
        XCTAssertEqual(try Grammar.pathTemplate("/").get().shape, "/")
        XCTAssertEqual(try Grammar.pathTemplate("/a/.../.b/c.").get().shape, "/a/.../.b/c.", "dots beside other bytes, or three")
        XCTAssertEqual(
            try Grammar.pathTemplate("/orders/{id}").get().shape, try Grammar.pathTemplate("/orders/{key}").get().shape)
        let failures: [(String, String)] = [
            ("orders", "route paths start with '/'"),
            ("/orders//x", "route paths have no empty segments"),
            ("/orders/", "route paths have no empty segments"),
            ("/a/../b", "route paths have no '.' or '..' segments"),
            ("/a/.", "route paths have no '.' or '..' segments"),
            ("/a/{id", "'{' without a closing '}'"),
            ("/a/{1d}", "parameter names are letters, digits and '_', starting with a letter"),
            ("/a/{id}/{id}", "parameter 'id' appears twice"),
            ("/a b", "' ' is not allowed in a route path"),
            ("/caf\u{E9}", "'\u{E9}' is not allowed in a route path"),
        ]
        for (path, reason) in failures {
            guard case .failure(let error) = Grammar.pathTemplate(path) else {
                XCTFail("accepted \(path)")
                continue
            }
            XCTAssertEqual(error.reason, reason, path)
        }
    }

    func testAPIPathsAndOrigins() {
        XCTAssertTrue(Grammar.isAPIPath("orders"))
        XCTAssertTrue(Grammar.isAPIPath("shop/v1/orders"))
        for invalid in ["", "/orders", "orders/", "a//b", "a/../b", "a b"] {
            XCTAssertFalse(Grammar.isAPIPath(invalid), invalid)
        }
        // Any scheme, in any case, and a final slash, as Microsoft's examples write origins
        // (audit V46 found each refused).
        for valid in ["https://app.example.com", "http://localhost:8080", "https://app.example.com/", "HTTPS://APP.EXAMPLE.COM", "chrome-extension://abc", "capacitor://localhost"] {
            XCTAssertTrue(Grammar.isOrigin(valid), valid)
        }
        for invalid in ["app.example.com", "https://app.example.com/x", "https://app.example.com//", "1x://a", "://a", "https://a.example.com:", "https://a:123456"] {
            XCTAssertFalse(Grammar.isOrigin(invalid), invalid)
        }
    }

    /// Candidates come from sets, whose order changes from run to run: ties go to the first
    /// in sorted order, whatever the order given.
    func testSuggestionTiesDoNotDependOnOrder() {
        XCTAssertEqual(Suggestion.closest(to: "r1", among: ["r2", "r3", "x1"]), "r2")
        XCTAssertEqual(Suggestion.closest(to: "r1", among: ["x1", "r3", "r2"]), "r2")
    }

    /// A run spends a bounded number of comparisons on suggestions, then reports unknown
    /// names without one.
    func testTheSuggestionBudgetRunsOut() {
        let budget = SuggestionBudget(comparisons: 5)
        XCTAssertTrue(budget.spend(3))
        XCTAssertFalse(budget.spend(3), "only 2 are left")
        XCTAssertTrue(budget.spend(2))
        XCTAssertFalse(budget.spend(1))
        var diagnostics = DiagnosticCollector()
        for _ in 0..<2 { reportUnknownScope("orders.reed", into: &diagnostics) }
        XCTAssertEqual(diagnostics.diagnostics.map { $0.notes.map(\.message) }, [["declare it"], ["declare it"]], "not decided yet")
        diagnostics.suggest(within: SuggestionBudget(comparisons: 1))
        XCTAssertEqual(diagnostics.diagnostics.map { $0.notes.map(\.message) }, [
            ["did you mean 'orders.read'?", "declare it"], ["declare it"],
        ])
    }

    /// Parts checked in parallel ask for suggestions in whatever order their threads run;
    /// a spent budget goes to the findings in the order the parts are joined, and none is
    /// spent on a finding left out when joining.
    func testSuggestionsGoToTheFirstFindingsInTheJoinedOrder() {
        var first = DiagnosticCollector()
        var second = DiagnosticCollector()
        reportUnknownScope("orders.reed", line: 3, into: &second)  // asked for before any of `first`
        reportUnknownScope("orders.reed", line: 1, into: &first)
        reportUnknownScope("orders.reed", line: 2, into: &first)
        var joined = DiagnosticCollector()
        joined.append(contentsOf: first) { $0.range.start.line != 1 }
        joined.append(contentsOf: second)
        joined.suggest(within: SuggestionBudget(comparisons: 1))
        XCTAssertEqual(joined.diagnostics.map { "\($0.range.start.line): " + $0.notes.map(\.message).joined(separator: " | ") }, [
            "2: did you mean 'orders.read'? | declare it", "3: declare it",
        ])
    }

    private func reportUnknownScope(_ name: String, line: Int = 1, into diagnostics: inout DiagnosticCollector) {
        Resolver.unknown(
            "scope", Located(name, at: .point(FileID(0), line: line, column: 1)), among: ["orders.read"], hint: "declare it",
            into: &diagnostics)
    }

    func testSuggestions() {
        XCTAssertEqual(Suggestion.closest(to: "scope", among: ["scopes", "cache"]), "scopes")
        XCTAssertEqual(Suggestion.closest(to: "ratelimit", among: ["rateLimit", "quota"]), "rateLimit")
        XCTAssertEqual(Suggestion.closest(to: "tenant", among: ["tenant-id", "audience"]), "tenant-id")
        XCTAssertNil(Suggestion.closest(to: "owner", among: ["name", "path", "backend"]))
        XCTAssertNil(Suggestion.closest(to: "ten", among: ["tenant-id", "tenant-name"]), "ambiguous prefix")
    }

    func testTemplateNamesAndExpressionScan() {
        let names = DecodingContext.templateNames("https://{{host}}/x/{{tenant-id}}")
        XCTAssertEqual(names?.map(\.name), ["host", "tenant-id"])
        XCTAssertEqual(names?.map(\.offset), [8, 19])
        XCTAssertNil(DecodingContext.templateNames("{{unclosed"))
        XCTAssertNil(DecodingContext.templateNames("}}{{x}}"))
        XCTAssertNil(DecodingContext.templateNames("{{bad name}}"))
        XCTAssertTrue(DecodingContext.scan("  @(context.User)").expressionPrefix)
        XCTAssertTrue(DecodingContext.scan("@{ return 1; }").expressionPrefix)
        XCTAssertFalse(DecodingContext.scan("mail @(x)").expressionPrefix)
        XCTAssertFalse(DecodingContext.scan("@home").expressionPrefix)
        XCTAssertFalse(DecodingContext.scan("/orders/{id}").hasBraces, "single braces are path parameters")
        XCTAssertTrue(DecodingContext.scan("a {{b}}").hasBraces)
    }

    /// A choice's text finds the case `init(rawValue:)` finds, for every spelling, near
    /// misses, and texts equal to a spelling only in other code points.
    func testChoicesFindTheCasesRawValuesFind() {
        func check<Value: RawRepresentable & CaseIterable & Equatable>(_: Value.Type) where Value.RawValue == String {
            var texts = ["", " ", "\u{212A}", "e\u{301}"]
            for value in Value.allCases {
                let spelling = value.rawValue
                texts += [
                    spelling, spelling.lowercased(), spelling.uppercased(), spelling + " ", " " + spelling, spelling + "\u{301}",
                    String(spelling.dropLast()), spelling.replacingOccurrences(of: "K", with: "\u{212A}"),
                    spelling.precomposedStringWithCanonicalMapping, spelling.decomposedStringWithCanonicalMapping,
                ]
            }
            for text in texts {
                XCTAssertEqual(DecodingContext.spelled(text, as: Value.self), Value(rawValue: text), "\(Value.self) '\(text)'")
            }
        }
        check(HTTPMethod.self)
        check(CacheSharing.self)
        check(AccessLevel.self)
        check(ProviderType.self)
        check(ServiceTier.self)
        check(URLScheme.self)
        check(VersionSet.Scheme.self)
        check(DocumentDecoder.Kind.self)
        check(SpellingSample.self)
    }

    /// Spellings a reader of bytes alone would miss: U+212A is `K` to Swift's `==`.
    private enum SpellingSample: String, CaseIterable {
        case kelvin = "K", degrees = "°C"
    }

    /// The word-at-a-time test for plain text judges as a byte-by-byte one does: every byte
    /// value at every place of texts long enough for whole words and a tail, and random texts.
    func testPlainTextIsJudgedAsByteByByte() {
        func byteByByte(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7A } }
        func judged(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { DecodingContext.isPlain($0) } }
        for length in 0...19 {
            for place in 0..<max(length, 1) {
                for byte in 0...255 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if length > 0 { bytes[place] = UInt8(byte) }
                    XCTAssertEqual(judged(bytes), byteByByte(bytes), "byte \(byte) at \(place) of \(length)")
                }
            }
        }
        var random = SeededRandom(seed: 15)
        for _ in 0..<5_000 {
            let bytes = (0..<random.next(40)).map { _ in UInt8(random.next(2) == 0 ? 0x20 + random.next(0x5B) : random.next(256)) }
            XCTAssertEqual(judged(bytes), byteByByte(bytes), "\(bytes)")
        }
    }
}

final class RouteTableTests: XCTestCase {
    /// Small and large APIs report the same duplicates, each once, against its first use.
    func testSmallAndLargeAPIsReportTheSameDuplicates() {
        for count in [10, 5_000] {
            var text = "apiVersion: portcullis/v1\nkind: API\nname: big\npath: big\nbackend: https://big.example.com\nroutes:\n"
            for index in 0..<count { text += "  - {id: r\(index), method: GET, path: \"/items/\(index)/{id}\"}\n" }
            text += "  - {id: r3, method: POST, path: /other}\n"
            text += "  - {id: again, method: GET, path: \"/items/5/{key}\"}\n"
            var diagnostics = DiagnosticCollector()
            var decoder = DocumentDecoder()
            YAMLReader(file: FileID(0)).read(Array(text.utf8), diagnostics: &diagnostics) { decoder.decode($0) }
            let messages = decoder.finish().1.diagnostics.map { "\($0.code.id) \($0.message)" }
            XCTAssertEqual(
                messages,
                [
                    "RF002 route id 'r3' is used twice in API 'big'",
                    "RF003 routes 'r5' and 'again' both match GET '/items/5/{key}'",
                ], "\(count) routes")
        }
    }
}

/// `isToken` and the path characters are written as byte switches; every byte must be
/// judged as the punctuation lists of RFC 9110 tokens and of path segments say.
final class GrammarByteTableTests: XCTestCase {
    private static func isAlnum(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    func testTokensAcceptExactlyTheirPunctuation() {
        for byte in UInt8(0)...0x7F {
            let text = String(decoding: [byte], as: UTF8.self)
            let expected = Self.isAlnum(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
            XCTAssertEqual(Grammar.isToken(text), expected, "byte \(byte)")
            XCTAssertEqual(Grammar.isToken("a" + text + "b"), expected, "byte \(byte) inside")
        }
        XCTAssertFalse(Grammar.isToken(""))
        XCTAssertTrue(Grammar.isToken(String(repeating: "a", count: 256)))
        XCTAssertFalse(Grammar.isToken(String(repeating: "a", count: 257)))
        XCTAssertFalse(Grammar.isToken("é"))
    }

    func testRoutePathsAcceptExactlyTheirPunctuation() {
        // '/' and '{' have meanings of their own; '.' alone would be a '.' segment; '*' is
        // APIM's wildcard (audit V30).
        for byte in UInt8(0)...0x7F where byte != 0x2F && byte != 0x7B {
            let text = "/a" + String(decoding: [byte], as: UTF8.self) + "b"
            let expected = Self.isAlnum(byte) || "-._~!$&'()+,;=:@".utf8.contains(byte)
            let accepted = if case .success = Grammar.pathTemplate(text) { true } else { false }
            XCTAssertEqual(accepted, expected, "byte \(byte)")
        }
    }

    /// Texts that are not native Swift strings (bridged, or cut from others) are judged by
    /// their bytes all the same.
    func testBridgedAndSubstringTextsAreJudgedAsNativeOnes() {
        let bridged = NSString(string: "orders-read").description
        XCTAssertTrue(Grammar.isName(bridged))
        XCTAssertTrue(Grammar.isToken(String("x-tok|en~".dropFirst(2))))
        XCTAssertFalse(Grammar.isName(NSString(string: "Orders").description))
        XCTAssertTrue(Grammar.isNamedValueName(String(NSString(string: "ab.c_d-e"))))
        if case .success(let template) = Grammar.pathTemplate(String(NSString(string: "/orders/{id}"))) {
            XCTAssertEqual(template.parameters, ["id"])
        } else {
            XCTFail("a bridged path template was rejected")
        }
    }
}
