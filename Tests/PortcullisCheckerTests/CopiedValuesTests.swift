import XCTest

@testable import PortcullisChecker

/// How far SE005 reads an expression: what its value carries whole, and when a statement
/// reads every variable or request header at once.
final class CopiedValuesTests: XCTestCase {
    func testCopiesAreFollowedThroughWhatKeepsTheValue() {
        let cases: [(String, [CopiedValues.Piece])] = [
            (#"@((string)context.Variables["a"])"#, [.variable("a")]),
            (#"@{ return (String)context.Variables["a"]; }"#, [.variable("a")]),
            (#"@(context.Variables.GetValueOrDefault<string>("a", "none"))"#, [.variable("a")]),
            (#"@(context.Variables["a"] as string)"#, [.variable("a")]),
            (#"@(((string)context.Variables["a"]).Trim())"#, [.variable("a")]),
            (#"@("Bearer " + context.Variables["a"])"#, [.literal("Bearer "), .variable("a")]),
            (#"@((string)context.Variables["a"] + (string)context.Variables["b"])"#, [.variable("a"), .variable("b")]),
            (#"@((string)context.Variables["a"] ?? "")"#, [.variable("a"), .literal("")]),
            (#"@(context.Variables.ContainsKey("a") ? (string)context.Variables["a"] : "x")"#, [.variable("a"), .literal("x")]),
            (#"@($"k={context.Variables["a"]:N2} {{literal}}")"#, [.literal("k= {{literal}}"), .variable("a")]),
            (#"@(string.Format("{0}:{1}", context.Variables["a"], context.Request.Headers.GetValueOrDefault("X-Key")))"#,
             [.literal("{0}:{1}"), .variable("a"), .requestHeader("X-Key")]),
            (#"@(String.Join(",", context.Request.Headers["X-Key"]))"#, [.literal(","), .requestHeader("X-Key")]),
            // Entities as an attribute writes them; a verbatim string's doubled quote; a '+' in a string.
            ("@(&quot;a+b&quot; + context.Variables[&quot;a&quot;])", [.literal("a+b"), .variable("a")]),
            (#"@(@"say ""hi"" " + context.Variables["a"])"#, [.literal(#"say ""hi"" "#), .variable("a")]),
        ]
        for (code, expected) in cases { XCTAssertEqual(CopiedValues.pieces(of: code), expected, code) }
    }

    func testComputedValuesAreNotFollowed() {
        for code in [
            #"@(((string)context.Variables["a"]).Length.ToString())"#,
            #"@(Convert.ToBase64String(Encoding.UTF8.GetBytes((string)context.Variables["a"])))"#,
            #"@(context.Variables["a"]?.ToString().Substring(2))"#,
            #"@{ var a = (string)context.Variables["a"]; return a.ToUpper(); }"#,
            #"@(context.Variables[name])"#,
            "a plain value",
        ] {
            XCTAssertEqual(CopiedValues.pieces(of: code).filter { $0 != .literal("") }, [], code)
        }
    }

    func testReadingEveryEntryAtOnceIsTold() {
        let all = [
            "jsonconvert.serializeobject(context.variables)",
            "string.join(\",\", context.request.headers.select(h => h.key))",
            "{% for h in context.request.headers %}",
            "context.variables.values",
            "context.request.headers[context.request.url.query.getvalueordefault(\"h\", \"\")]",
            "context.variables.getvalueordefault<string>(name)",
        ]
        for text in all {
            let collection = text.contains("variables") ? "context.variables" : "context.request.headers"
            XCTAssertTrue(SecretCarriers.readsAll(collection, in: text), text)
        }
        let named = [
            "(string)context.variables[\"a\"]",
            "context.variables.getvalueordefault<string>(\"a\")",
            "context.variables.containskey(name) ? 1 : 0",
            "{{context.variables.a}}",
            "context.request.headers.count",
        ]
        for text in named {
            let collection = text.contains("variables") ? "context.variables" : "context.request.headers"
            XCTAssertFalse(SecretCarriers.readsAll(collection, in: text), text)
        }
    }
}
