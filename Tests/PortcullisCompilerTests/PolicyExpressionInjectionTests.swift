import Foundation
import PortcullisChecker
import XCTest

/// No definition can make APIM run text as a policy expression: not by composing one from
/// named values, and not by hiding the `@(` behind Unicode white space.
final class PolicyExpressionInjectionTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The base gateway with the JWT provider's audiences replaced and named values added.
    private func gateway(audiences: String, namedValues: String) -> String {
        RuleExample.baseGateway.replacingOccurrences(of: "audiences: [api://example]", with: "audiences: \(audiences)")
            + "namedValues:\n" + namedValues
    }

    private static let api = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read]}\n\n").yaml

    /// Lints, then builds, the project; returns the lint output after checking that the
    /// build refuses it and writes nothing.
    private func rejected(gateway: String, api: String = PolicyExpressionInjectionTests.api) throws -> String {
        let project = directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try gateway.write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try api.write(to: project.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "."], in: project)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", ".", "--out", out.path], in: project)
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused build wrote \(out.path)")
        try FileManager.default.removeItem(at: project)
        return lint.stdout
    }

    /// `{{at}}{{code}}` with `at: "@"` becomes `@(...)` once APIM substitutes the values.
    func testNamedValuesComposingAnExpressionAreRejected() throws {
        let output = try rejected(
            gateway: gateway(
                audiences: "[\"{{at}}{{code}}\"]",
                namedValues: "  at: \"@\"\n  code: \"(context.Request.Headers.GetValueOrDefault(\\\"Audience\\\", \\\"\\\"))\"\n"))
        XCTAssertTrue(
            output.contains("gateway.yaml:9:17: error: 'audiences' starts with '@(' once APIM substitutes the named values 'at', 'code', so APIM would run it as a policy expression [YS004]"),
            output)
        XCTAssertTrue(output.contains("named value 'at' is declared here"), output)
        XCTAssertTrue(output.contains("named value 'code' is declared here"), output)
        XCTAssertTrue(
            output.contains("gateway.yaml:28:7: error: named value 'at' starts with '@', which can make the text it is substituted into a policy expression [YS004]"),
            output)
    }

    /// A blank named value in front of `@(` in the field itself, and an '@' in front of a
    /// secret, whose value is not known.
    func testBlankNamedValueBeforeAnExpressionIsRejected() throws {
        for (value, audience) in [("\" \"", "{{blank}}@(context.Request.IpAddress)"), ("\"\\u00A0\"", "{{blank}}@{return \\\"x\\\";}"), ("\"\"", "{{blank}}@{{partner-secret}}")] {
            let output = try rejected(
                gateway: gateway(audiences: "[\"\(audience)\"]", namedValues: "  blank: \(value)\n"))
            XCTAssertTrue(output.contains("gateway.yaml:9:17: error: 'audiences' starts with '@"), "\(audience): \(output)")
            XCTAssertTrue(output.contains("once APIM substitutes the named values 'blank'"), "\(audience): \(output)")
        }
    }

    func testNamedValueStartingWithAnAtSignIsRejected() throws {
        for value in ["\"@\"", "\"  @x\"", "\"\\u2029@\""] {
            let output = try rejected(gateway: gateway(audiences: "[api://example]", namedValues: "  at: \(value)\n"))
            XCTAssertTrue(
                output.contains("gateway.yaml:28:7: error: named value 'at' starts with '@'"), "\(value): \(output)")
        }
        // A character reference to '@' is one where APIM puts the value into the policy's
        // XML before reading it (an audit of environments; its pages do not say which).
        // Any zeros, and white space written either way before it (the audit of the change).
        for (value, written) in [
            ("\"&#64;(context.Request.IpAddress)\"", "&#64;"), ("\"&#x0040;x\"", "&#x0040;"), ("\"&#X40;\"", "&#X40;"),
            ("\"&#000000000064;(\"", "&#000000000064;"), ("\"&#32;@(\"", "@"), ("\"&#x20;&#x40;(\"", "&#x40;"),
            ("\"&#9; &#xA;@{\"", "@"),
        ] {
            let output = try rejected(gateway: gateway(audiences: "[api://example]", namedValues: "  at: \(value)\n"))
            XCTAssertTrue(
                output.contains("gateway.yaml:28:7: error: named value 'at' starts with '\(written)', which can make the text it is substituted into a policy expression [YS004]"),
                "\(value): \(output)")
        }
    }

    /// Unicode white space before `@(` counts as white space, in every field.
    func testUnicodeWhiteSpaceBeforeAnExpressionIsRejected() throws {
        for space in ["\\_", "\\L", "\\P", "\\u3000", "\\u2007", "\\u200B", "\\uFEFF", "\\u1680", " \\u00A0\\t"] {
            let api = Self.api.replacingOccurrences(
                of: "scopes: [orders.read]}", with: "scopes: [orders.read], summary: \"\(space)@(context.User.Email)\"}")
            let output = try rejected(gateway: RuleExample.baseGateway, api: api)
            XCTAssertTrue(
                output.contains("orders.yaml:7:83: error: 'summary' starts with '@(', which APIM would run as a policy expression [YS004]"),
                "\(space): \(output)")
        }
        // NEL is white space too, and a control character, which no value may hold at all.
        let api = Self.api.replacingOccurrences(
            of: "scopes: [orders.read]}", with: "scopes: [orders.read], summary: \"\\N@(context.User.Email)\"}")
        XCTAssertTrue(try rejected(gateway: RuleExample.baseGateway, api: api).contains("orders.yaml:7:83: error: 'summary' holds the control character U+0085"))
    }

    /// A plain named value put inside a raw expression's string literal, with a quote in
    /// it, ends the string: what follows is code (`x" && "a" == "b` makes a check never
    /// refuse). APIM puts named values in before it compiles the code, so lint and build
    /// refuse such a value, in an environment too (from the audit of environments: lint was
    /// clean and the build published it).
    func testANamedValueThatWouldBecomeCodeInARawExpressionIsRejected() throws {
        let check = #"<choose><when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Partner-Key&quot;, &quot;&quot;) != &quot;{{partner-key}}&quot;)"><return-response><set-status code="403" reason="Forbidden" /></return-response></when></choose>"#
        let api = RuleExample.api(routes: "  - {id: list-orders, method: GET, path: /orders, scopes: [orders.read], policy: '<policies><inbound><base />\(check)</inbound></policies>'}\n\n").yaml
        let project = directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("environments"), withIntermediateDirectories: true)
        try gateway(audiences: "[api://example]", namedValues: "  partner-key: s3cr3t-partner-k3y\n").write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try api.write(to: project.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let clean = try ToolProcess.run(["lint", "."], in: project)
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        try "apiVersion: portcullis/v1\nkind: Environment\nname: prod\ngateway:\n  namedValues:\n    partner-key: 'x\" && \"a\" == \"b'\n"
            .write(to: project.appendingPathComponent("environments/prod.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "."], in: project)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(
            lint.stdout.contains("orders.yaml:7:82: error: named value 'partner-key' is put into a string literal of a policy expression, and its value would be read as code there [YS004]"),
            lint.stdout)
        XCTAssertTrue(lint.stdout.contains("environments/prod.yaml:6:18: note: named value 'partner-key' is declared here"), lint.stdout)
        // Quotes written as XML's character references too, which reading the XML makes
        // quotes (from the audit of the fix).
        try "apiVersion: portcullis/v1\nkind: Environment\nname: prod\ngateway:\n  namedValues:\n    partner-key: 'x&quot; + context.Subscription.Key + &#34;'\n"
            .write(to: project.appendingPathComponent("environments/prod.yaml"), atomically: true, encoding: .utf8)
        let referenced = try ToolProcess.run(["lint", "."], in: project)
        XCTAssertTrue(referenced.stdout.contains("named value 'partner-key' is put into a string literal of a policy expression"), referenced.stdout)
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", ".", "--env", "prod", "--out", out.path], in: project)
        XCTAssertEqual(build.status, 1, build.stdout + build.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused build wrote \(out.path)")
    }

    /// Named values that only look alike, and references after other text, stay valid.
    func testOrdinaryNamedValuesStillBuild() throws {
        let project = directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try gateway(audiences: "[\"{{scheme}}{{host}}\", \"api://{{at}}\"]", namedValues: "  scheme: \"api://\"\n  host: \"example\"\n  at: \"x@(y)\"\n")
            .write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        try Self.api.write(to: project.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let build = try ToolProcess.run(["build", ".", "--out", directory.appendingPathComponent("bundle").path], in: project)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
    }
}
