import XCTest

@testable import PortcullisChecker

/// What SE005 takes a policy expression's value to carry: every read of a variable, a
/// request header, the URL or the body, and every string written out, unless a one-way
/// step stands between it and the result.
final class ExpressionFlowTests: XCTestCase {
    func testWhatKeepsTheValueCarriesIt() {
        let cases: [(String, [ExpressionFlow.Source])] = [
            (#"@((string)context.Variables["a"])"#, [.variable("a")]),
            (#"@{ return (String)context.Variables["a"]; }"#, [.variable("a")]),
            (#"@{ var s = (string)context.Variables["a"]; return s; }"#, [.variable("a")]),
            (#"@{ var json = new JObject(); json.Add("k", (string)context.Variables["a"]); var text = ""; text += json.ToString(); return text; }"#, [.literal("k"), .variable("a"), .literal("")]),
            (#"@(context.Variables.GetValueOrDefault<string>("a", "none"))"#, [.variable("a"), .literal("none")]),
            (#"@(((string)context.Variables["a"]).Substring(0).Replace("x", "y"))"#, [.variable("a"), .literal("x"), .literal("y")]),
            (#"@(Convert.ToBase64String(Encoding.UTF8.GetBytes((string)context.Variables["a"])))"#, [.variable("a")]),
            (#"@(new JObject(new JProperty("k", context.Variables["a"])).ToString())"#, [.literal("k"), .variable("a")]),
            (#"@(context.Variables.ContainsKey("a") ? (string)context.Variables["a"] : "x")"#, [.variable("a"), .literal("x")]),
            (#"@($"k={context.Variables["a"]:N2} {{literal}}")"#, [.literal(#"k={context.Variables["a"]:N2} {{literal}}"#), .variable("a")]),
            (#"@(context.Request.Headers.GetValueOrDefault("X-Key", ""))"#, [.requestHeader("X-Key"), .literal("")]),
            (#"@(context.Request.Url.Query.GetValueOrDefault("code", ""))"#, [.requestQuery("code"), .literal("")]),
            (#"@(context.Request.Url.ToString())"#, [.requestURL]),
            (#"@(context.Request.Body.As<string>(preserveContent: true))"#, [.requestBody]),
            // Every entry: passed whole, or read by a name that is not written out; one
            // header by such a name is some header.
            (#"@(JsonConvert.SerializeObject(context .Variables))"#, [.allVariables]),
            (#"@(context/* all */.Request.Headers.Select(h => h.Key))"#, [.allRequestHeaders]),
            (#"@((string)context.Variables["ke" + name])"#, [.allVariables, .literal("ke")]),
            (#"@(context.Request.Headers.GetValueOrDefault("X\u002DKey", ""))"#, [.someRequestHeader, .literal(#"X\u002DKey"#), .literal("")]),
            (#"@(context.Request.Headers[(string)context.Variables["h"]])"#, [.someRequestHeader, .variable("h")]),
            // Strings written out and joined are one name to C#.
            (#"@((string)context.Variables["ke" + "y"])"#, [.variable("key")]),
            (#"@(context.Request.Headers.GetValueOrDefault("X-" + @"Sub", ""))"#, [.requestHeader("X-Sub"), .literal("")]),
            (#"@(context.Request.Headers.GetValueOrDefault("X-" + "Sub" + n, ""))"#, [.someRequestHeader, .literal("X-"), .literal("Sub"), .literal("")]),
            // Names spelt with escapes, or verbatim (`@`), are the names.
            (#"@(context.Request.Head\U00000065rs.GetValueOrDefault("X-Key"))"#, [.requestHeader("X-Key")]),
            (#"@(context.@Request.@Headers["X-Key"])"#, [.requestHeader("X-Key")]),
            (#"@(new@JObject(context.Variables["a"]))"#, [.variable("a")]),
        ]
        for (code, expected) in cases { XCTAssertEqual(Set(ExpressionFlow.sources(of: code)), Set(expected), code) }
    }

    /// The strings a request header or query parameter read by its name is compared with
    /// for equality, which SE001 judges by the name: a secret the caller must send.
    func testTheTextsAReadIsComparedWith() {
        let key = #"context.Request.Headers.GetValueOrDefault("X-Api-Key", "")"#
        let cases: [(String, [String])] = [
            ("@(\(key) != \"k1\")", ["k1"]),
            ("@(\"k1\" == \(key) || \(key) == \"k2\")", ["k1", "k2"]),
            (#"@((string)context.Request.Headers["X-Api-Key"] == "k1")"#, ["k1"]),
            ("@(\(key).Equals(\"k1\"))", ["k1"]),
            ("@(!\(key).Equals(\"k1\", StringComparison.Ordinal))", ["k1"]),
            ("@(string.Equals(\(key), \"k1\"))", ["k1"]),
            ("@(\"k1\".Equals(\(key)))", ["k1"]),
            ("@(\(key) switch { \"k1\" => true, \"k2\" => true, _ => false })", ["k1", "k2"]),
            ("@{ var ok = \(key) == \"k1\"; return ok ? \"a\" : \"b\"; }", ["k1"]),
            ("@{ return \(key) == \"k1\"; }", ["k1"]),
            ("@(\(key).Trim() == \"k1\" ? 1 : 0)", ["k1"]),
            (#"@(context.Request.Url.Query.GetValueOrDefault("code", "") == "k1")"#, ["k1"]),
            // A part of the value, another value, a text not written out plainly: nothing.
            ("@(\(key).Split(' ')[0] == \"k1\")", []),
            ("@(\(key).Length == 32)", []),
            (#"@((string)context.Variables["key"] == "k1")"#, []),
            ("@(\(key) == \"k\" + \"1\")", []),
            ("@(\(key) == (string)context.Variables[\"k\"])", []),
            // Hostile: brackets that never close or close too often.
            ("@(\(key) == \"k1\"))}", ["k1"]),
            ("@((\(key) == ", []),
        ]
        for (code, expected) in cases {
            XCTAssertEqual(ExpressionFlow.textsCompared(in: code).map(\.text), expected, code)
        }
        XCTAssertEqual(ExpressionFlow.textsCompared(in: "@(\(key) == \"k1\")").map(\.read), [.requestHeader("X-Api-Key")])
        // Thousands of brackets around a comparison, each level read once.
        let nested = String(repeating: "(", count: 50_000) + key + " == \"k1\"" + String(repeating: ")", count: 50_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure { XCTAssertEqual(ExpressionFlow.textsCompared(in: "@" + nested).map(\.text), ["k1"]) }
        XCTAssertLessThan(elapsed, .seconds(5))
    }

    /// The variable a URL starts with, and the text written after it: a base URL kept in a
    /// variable, read by SE003. A default, a fallback, a test or a cut leaves none.
    func testTheVariableAValueStartsWith() {
        let cases: [(String, String?, String?)] = [
            (#"@((string)context.Variables["base"] + "/" + id)"#, "base", "/"),
            (#"@( ( (string) context.Variables["base"] ).ToLower() + "/v2/" + "x" + id)"#, "base", "/v2/x"),
            (#"@(context.Variables.GetValueOrDefault<string>("base"))"#, "base", ""),
            (#"@(context.Variables.GetValueOrDefault<string>("base", id) + "/")"#, nil, nil),
            (#"@((string)context.Variables["base"] ?? id)"#, nil, nil),
            (#"@((string)context.Variables["base"] + "/" == id ? id : "x")"#, nil, nil),
            (#"@(((string)context.Variables["base"]).Substring(1) + "/")"#, nil, nil),
            (#"@("https://" + (string)context.Variables["base"])"#, nil, nil),
            (#"@{ return (string)context.Variables["base"]; }"#, nil, nil),
        ]
        for (code, name, following) in cases {
            let found = ExpressionFlow.leadingVariable(in: code)
            XCTAssertEqual(found?.name, name, code)
            XCTAssertEqual(found?.followedBy, following, code)
        }
    }

    func testOneWayStepsDoNotCarryIt() {
        for code in [
            #"@(((string)context.Variables["a"]).Length.ToString())"#,
            #"@(Convert.ToBase64String(SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes((string)context.Variables["a"]))))"#,
            #"@(context.Request.Headers.GetValueOrDefault("Authorization", "").AsJwt()?.Subject)"#,
            #"@(context.Request.Headers.ContainsKey("Authorization") ? "token" : "anonymous")"#,
            #"@((string)context.Variables["a"] == "on" ? "yes" : "no")"#,
            #"@{ if (context.Variables.GetValueOrDefault<string>("a") != null) { return "set"; } return "unset"; }"#,
            #"@(string.IsNullOrEmpty((string)context.Variables["a"]) ? "unset" : "set")"#,
            #"@(context.Request.Url.Host)"#,
            // A block whose key only encrypts: the cipher text is not the key (Microsoft's sample).
            #"@{ var key = Convert.FromBase64String((string)context.Variables["a"]); var sealed = Encoding.UTF8.GetBytes("x").Encrypt("Aes", key, iv); return Convert.ToBase64String(sealed); }"#,
        ] {
            let carried = ExpressionFlow.sources(of: code).filter { if case .literal = $0 { false } else { true } }
            XCTAssertEqual(carried, [], code)
        }
    }

    /// What keeps two callers' values apart (CA001's cache keys): a hash or the part after a
    /// written prefix does, a cut to the start, a measure, a test or a tenant does not. A
    /// header read by name holds an array: its first value is the header whole, the array
    /// joined to text is `System.String[]`.
    func testWhatKeepsValuesApart() {
        let header = #"context.Request.Headers.GetValueOrDefault("Authorization", "")"#
        let values = #"context.Request.Headers["Authorization"]"#
        let kept = [
            "@(\(header))", "@(\(header).Substring(7))", "@(\(header).Split(' ')[1])", "@(\(header).Split(' ').Last())",
            "@(\(header).Trim().ToLower())", "@(\(header).Remove(0, 7))", "@(\(header).AsJwt()?.Subject)",
            "@(\(header).Substring(7, \(header).Length - 7))", "@(\(header).Split(' ').Skip(1).First())", "@(\(header).Split(' ').ElementAt(1))",
            #"@(\#(header).AsJwt()?.Claims["oid"].First())"#, #"@(\#(header).AsJwt()?.Claims.GetValueOrDefault("sub", ""))"#,
            #"@(\#(header).AsJwt()?.Claims.GetValueOrDefault("extension_CustomerId", ""))"#,
            #"@(\#(header).AsJwt()?.Claims.First(c => c.Key == "oid").Value[0])"#,
            "@(Convert.ToBase64String(SHA256.Create().ComputeHash(Encoding.UTF8.GetBytes(\(header)))))",
            "@(\"o-\" + \(values).First())", "@(\"o-\" + \(values)[0])", "@(\(values).First().Split(' ')[1].AsJwt()?.Claims[\"oid\"].FirstOrDefault())",
            "@(string.Join(\",\", \(values)))",
            // Calls and members known to keep what tells texts apart.
            "@(\(header).Split('.').Reverse().First())", "@(\"o-{u}\".Replace(\"{u}\", \(header)))",
            "@(\(header).Normalize())", "@(\(header).Split(' ').ToArray()[1])",
            "@(string.Concat(SHA256.HashData(Encoding.UTF8.GetBytes(\(header))).Select(b => b.ToString(\"x2\"))))",
        ]
        for code in kept {
            XCTAssertEqual(
                ExpressionFlow.valuesKeptApart(of: code).filter { if case .literal = $0 { false } else { true } }, [.requestHeader("Authorization")], code)
        }
        let lost = [
            "@(\(header).Substring(0, 7))", "@(\(header).Substring(startIndex: 0, length: 7))", "@(\(header).Split(' ')[0])",
            "@(\(header).Split(' ').First())", "@(\(header)[0])", "@(\(header).Trim().Remove(6))", "@(\(header).Length)",
            "@(\(header).StartsWith(\"Bearer\") ? \"b\" : \"o\")", "@(string.IsNullOrEmpty(\(header)))", "@(\(header).Last())",
            "@(\(header).AsJwt()?.Issuer)", "@(\(header).AsJwt()?.Subject.Length)", #"@(\#(header).AsJwt()?.Claims["tid"])"#,
            #"@(\#(header).AsJwt()?.Claims.GetValueOrDefault("appid", ""))"#, #"@(\#(header).AsJwt()?.Claims.GetValueOrDefault("sub", "").Length)"#,
            #"@("o-" + \#(header).AsJwt()?.Claims["oid"])"#, "@(\"o-\" + \(values))", "@(\(values).ToString())", "@(\(header).ToCharArray()[0])",
            // A step not known to keep it, or a hash cut into a few buckets (an audit).
            "@(\(header).Split('.').Reverse().Last())", "@(Regex.Match(\(header), \"^[^.]*\").Value)", "@((\(header).GetHashCode() & 1))",
            "@(Math.Abs(\(header).GetHashCode()) % 100)", "@(\(header).Split('.').Min())", "@(\(header).Split(' ').Reverse().ElementAt(1))",
            "@(\(header).GetHashCode() >> 28)", "@(\(header).Split(' ').Reverse()[1])", "@(\(header).Split(' ')[1 - 1])",
            "@(Regex.Replace(\(header), \"[.].*$\", \"\"))", "@(\(header).GetHashCode() << 31)",
            // 32 bits, shared by two of some 77,000 callers more often than not (audit V122).
            "@(\(header).GetHashCode().ToString())", "@(Math.Abs(\(header).GetHashCode()))", "@(\(header).AsJwt()?.Subject.GetHashCode())",
        ]
        for code in lost { XCTAssertEqual(ExpressionFlow.valuesKeptApart(of: code).filter { if case .literal = $0 { false } else { true } }, [], code) }
    }

    /// Counts that stay one or more whatever the caller sends (RL001's weighted limits).
    func testWhatIsAtLeastOne() {
        let weight = #"context.Request.Headers.GetValueOrDefault("X-Weight", "0")"#
        for code in [
            "@(Math.Max(1, int.Parse(\(weight))))", "@(Math.Max(int.Parse(\(weight)), 2))", "@((Math.Max(1, int.Parse(\(weight)))))",
            "@(context.Request.Body.As<string>(preserveContent: true).Length / 1000 + 1)", "@(1 + (int)context.Request.Headers.Count)",
            "@(context.Request.Body.As<JObject>(preserveContent: true)[\"items\"].Count() + 1)", "@(Math.Max(1u, int.Parse(\(weight))))",
            "@((int)context.Request.Body.As<string>(preserveContent: true).Length / 1_000 + 0x1)",
        ] {
            XCTAssertTrue(ExpressionFlow.isAtLeastOne(code), code)
        }
        for code in [
            "@(Math.Max(0, int.Parse(\(weight))))", "@(Math.Max(-1, int.Parse(\(weight))))", "@(Math.Min(1, int.Parse(\(weight))))",
            "@(int.Parse(\(weight)) + 1)", "@(\(weight).Length - 5 + 1)", "@(\(weight).Length / 0 + 1)", "@(\(weight)?.Length + 1)",
            "@(\(weight).Length)", "@(Math.Max(1, a) - 2)", "@(\"1\" + \(weight).Length)", "@(Math.Max(1.5, int.Parse(\(weight))))",
            // Found by the audit of the change: a narrower cast, a shift, a sum that wraps.
            "@((short)context.Request.Body.As<string>(preserveContent: true).Length + 1)", "@((sbyte)\(weight).Length + 1)",
            "@(\(weight).Length << \(weight).Length + 1)", "@(\(weight).Length + 999999999 + 999999999 + 999999999)",
        ] {
            XCTAssertFalse(ExpressionFlow.isAtLeastOne(code), code)
        }
    }
}
