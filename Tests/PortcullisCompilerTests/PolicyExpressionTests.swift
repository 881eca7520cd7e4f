import Foundation
import XCTest

@testable import PortcullisEmit

/// Every C# policy expression the emitter writes compiles against APIM's expression
/// context, and the ones that decide who is who, or who gets in, behave as intended
/// against in-memory requests. See ``ExpressionHarness``.
///
/// Together, Samples/contoso (JWT and introspection, Redis) and Fixtures/expressions (no
/// Redis, every limit key at API and route level, any-of and all-of scopes for both kinds
/// of provider) reach every branch of Sources/PortcullisEmit/Policies.
final class PolicyExpressionTests: XCTestCase {
    typealias Expression = ExpressionHarness.Expression

    // MARK: Compiling

    func testEveryEmittedExpressionCompilesAgainstTheAPIMContext() throws {
        let session = try Self.session.get()
        XCTAssertEqual(
            session.compileErrors.count, 0,
            "expressions that APIM could not compile:\n" + session.compileErrors.map { "  \($0)" }.joined(separator: "\n"))
        XCTAssertGreaterThan(session.harvest.distinct.count, 40, "fewer distinct expressions than the fixtures write")
        XCTAssertGreaterThan(session.harvest.expressions.count, 100)
    }

    /// Each emitter branch, recognised by where its expression sits and a distinctive part
    /// of it. Every harvested expression must belong to some branch, so a new branch in
    /// the emitter fails here until it is added to this table (and to a fixture).
    static let branches: [(String, @Sendable (Expression) -> Bool)] = [
        ("AuthPolicies: bearer token read from the Authorization header", { $0.place.hasSuffix("set-variable[\(PolicyNames.bearer)]@value") }),
        ("AuthPolicies: a request without a bearer token is refused", { $0.place.hasSuffix("when[401]@condition") && reads($0, PolicyNames.bearer) && !reads($0, PolicyNames.introspection) }),
        ("AuthPolicies: introspection cache key, Redis", { $0.place.hasSuffix("cache-lookup-value@key") && $0.file.hasPrefix("contoso/") }),
        ("AuthPolicies: introspection cache key, internal cache", { $0.place.hasSuffix("cache-lookup-value@key") && $0.file.hasPrefix("exprs/") }),
        ("AuthPolicies: introspection result stored under the same key", { $0.place.hasSuffix("cache-store-value@key") }),
        ("AuthPolicies: introspection result stored as read", { $0.place.hasSuffix("cache-store-value@value") }),
        ("AuthPolicies: introspection result kept until exp", { $0.place.hasSuffix("cache-store-value@duration") }),
        ("AuthPolicies: introspection call's client credentials", { $0.place.hasSuffix("send-request/set-header[Authorization]/value") }),
        ("AuthPolicies: introspection call's form body", { $0.place.hasSuffix("send-request/set-body") }),
        ("AuthPolicies: introspection answer read", { $0.place.hasSuffix("set-variable[\(PolicyNames.introspection)]@value") }),
        ("AuthPolicies: lookup skipped on a cache hit", { $0.place.hasSuffix("when@condition") && reads($0, PolicyNames.introspection) }),
        ("AuthPolicies: an inactive token is refused", { $0.place.hasSuffix("when[401]@condition") && reads($0, PolicyNames.introspection) }),
        ("AuthPolicies: any-of scopes checked", { $0.place.hasSuffix("when[403]@condition") && $0.code.contains(".Any(") }),
        ("AuthPolicies: all-of scopes checked", { $0.place.hasSuffix("when[403]@condition") && $0.code.contains(".All(") }),
        ("CachePolicies: per-user subject from a JWT", { isCacheSubject($0) && reads($0, PolicyNames.token) }),
        ("CachePolicies: per-user subject from introspection", { isCacheSubject($0) && reads($0, PolicyNames.introspection) }),
        ("LimitPolicies: subscription key", { isCounterKey($0) && $0.code.contains("context.Subscription") }),
        ("LimitPolicies: ip key", { isCounterKey($0) && $0.code.contains("context.Request.IpAddress") }),
        ("LimitPolicies: header key", { isCounterKey($0) && $0.code.contains("context.Request.Headers") }),
        ("Identity: subject of a JWT", { isCounterKey($0) && reads($0, PolicyNames.token) && $0.code.contains("\"sub\"") }),
        ("Identity: subject from introspection", { isCounterKey($0) && reads($0, PolicyNames.introspection) && $0.code.contains("\"sub\"") }),
        ("Identity: client of a JWT", { isCounterKey($0) && reads($0, PolicyNames.token) && $0.code.contains("\"appid\"") }),
        ("Identity: client from introspection", { isCounterKey($0) && reads($0, PolicyNames.introspection) && $0.code.contains("\"client_id\"") }),
        ("Identity: a named claim of a JWT", { isCounterKey($0) && reads($0, PolicyNames.token) && $0.code.contains("\"tid\"") }),
        ("Identity: a named claim from introspection", { isCounterKey($0) && reads($0, PolicyNames.introspection) && $0.code.contains("\"org\"") }),
    ]

    /// Limits inherited from the API and a route's own, for both kinds of limit: which
    /// counter they use is probed in testIdentityCounterKeysSeparateCallers.
    static let placements: [(String, @Sendable (Expression) -> Bool)] = [
        ("rate limit inherited from the API", at(operation("exprs", "jwt-items", "inherited"), "rate-limit-by-key@counter-key")),
        ("a route's own rate limit", at(operation("exprs", "jwt-items", "by-user"), "rate-limit-by-key@counter-key")),
        ("quota inherited from the API", at(operation("exprs", "peer-items", "any-of"), "quota-by-key@counter-key")),
        ("a route's own quota", at(operation("exprs", "jwt-items", "by-claim"), "quota-by-key@counter-key")),
    ]

    func testHarvestReachesEveryEmitterBranch() throws {
        let session = try Self.harvest.get()
        for (name, matches) in Self.branches + Self.placements {
            XCTAssertTrue(session.expressions.contains(where: matches), "no harvested expression comes from '\(name)'; is a fixture missing?")
        }
        let unclaimed = session.expressions.filter { expression in !Self.branches.contains { $0.1(expression) } }
        XCTAssertEqual(
            unclaimed.count, 0,
            "expressions from an emitter branch this test does not know; add the branch to PolicyExpressionTests.branches:\n"
                + Self.distinctLines(unclaimed))
        let families = Dictionary(grouping: session.distinct) { distinct in
            Self.branches.first { $0.1(distinct.first) }.map { String($0.0.prefix { $0 != ":" }) } ?? "?"
        }.mapValues(\.count)
        print("harvested \(session.expressions.count) expressions, \(session.distinct.count) distinct: \(families.sorted { $0.key < $1.key })")
    }

    /// The harness must be able to fail: wrong expressions are reported with their place.
    func testHarnessReportsExpressionsThatDoNotCompile() throws {
        let tools = try ExpressionHarness.Toolchain.find()
        let scratch = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        func control(_ code: String, _ place: String) -> Expression {
            Expression(code: code, file: "control/policy.xml", line: 3, place: place)
        }
        let expressions = [
            control("@(context.Request.Headers.GetValueOrDefault(\"x\", \"\") + 1 - \"a\")", "inbound/set-header[X-Sum]/value"),
            control("@(context.Request.ClientThumbprint)", "inbound/set-variable[thumbprint]@value"),
            control("@(context.Request.IpAddress)", "inbound/choose/when@condition"),
            control("@{ var ip = context.Request.IpAddress; return ip.Length > 0; }", "inbound/choose/when[403]@condition"),
        ]
        let errors = try ExpressionHarness.compile(ExpressionHarness.distinct(expressions), in: scratch, tools: tools)
        let report = errors.map(\.description).joined(separator: "\n")
        XCTAssertEqual(errors.compactMap { $0.expression?.code }, Array(expressions.prefix(3).map(\.code)), report)
        XCTAssertTrue(report.contains("CS0019"), report)  // operator '-' on strings
        XCTAssertTrue(report.contains("CS1061"), report)  // no such member in the stubs
        XCTAssertTrue(report.contains("CS0029"), report)  // a string where a condition is needed
        XCTAssertTrue(report.contains("control/policy.xml:3 inbound/set-header[X-Sum]/value"), report)
    }

    // MARK: Callers and their keys

    func testPerUserCacheSubjectSeparatesCallers() throws {
        try requireProbes()
        for kind in ["jwt", "introspection"] {
            let alice = try value("cache.\(kind).alice")
            XCTAssertEqual(try value("cache.\(kind).alice-other-token"), alice, "\(kind): one user, two tokens, one cache")
            XCTAssertNotEqual(try value("cache.\(kind).bob"), alice, "\(kind): two users share cached responses")
            XCTAssertFalse(alice.contains("alice"), "\(kind): the cache subject holds the raw subject")
            knownDefect(
                "issue 10 item 2.1: \(kind) callers without 'sub' share one per-user cache entry",
                !sharesKey("cache.\(kind).nosub-1", "cache.\(kind).nosub-2"),
                observed: observed("cache.\(kind).nosub-1", "cache.\(kind).nosub-2"))
        }
    }

    func testIdentityCounterKeysSeparateCallers() throws {
        try requireProbes()
        for key in ["user.jwt", "user.introspection", "client.jwt", "client.introspection", "claim.jwt", "claim.introspection"] {
            let first = try value("\(key).a")
            XCTAssertEqual(try value("\(key).a-other-token"), first, "\(key): one caller, two tokens, one counter")
            XCTAssertNotEqual(try value("\(key).b"), first, "\(key): two callers share a counter")
            knownDefect(
                "issue 10 item 2.1: \(key) counts every caller without the claim on one counter",
                !sharesKey("\(key).none-1", "\(key).none-2"), observed: observed("\(key).none-1", "\(key).none-2"))
        }
        // The JWT client is azp, else appid, else client_id; introspection's client_id, else azp.
        XCTAssertNotEqual(try value("client.jwt.appid"), try value("client.jwt.client_id"))
        XCTAssertNotEqual(try value("client.introspection.azp"), try value("client.introspection.a"))
        XCTAssertNotEqual(try value("user.jwt.api-counter"), try value("user.jwt.route-counter"), "a route's own limit shares its API's counter")
        knownDefect(
            "issue 10: a header value can name another route's counter (keys are joined with ':' unescaped)",
            !sharesKey("header.api-counter.crafted", "user.jwt.a"), observed: observed("header.api-counter.crafted", "user.jwt.a"))
    }

    func testRequestCounterKeysReadTheRequest() throws {
        try requireProbes()
        XCTAssertNotEqual(try value("subscription.one"), try value("subscription.two"))
        XCTAssertNotEqual(try value("ip.one"), try value("ip.two"))
        XCTAssertNotEqual(try value("header.one"), try value("header.two"))
        XCTAssertNoThrow(try value("subscription.none"), "a request without a subscription breaks the key")
    }

    // MARK: Introspection

    func testIntrospectionAnswerDecidesWhetherTheTokenIsActive() throws {
        try requireProbes()
        // The condition is true when the request is refused.
        XCTAssertEqual(try value("active.true"), "false")
        XCTAssertEqual(try value("active.false"), "true")
        XCTAssertEqual(try value("active.missing"), "true")
        XCTAssertEqual(try value("active.server-error"), "true")
        knownDefect(
            "issue 10: an introspection answer that is not JSON throws instead of refusing the token",
            (try? value("active.not-json")) == "true", observed: observed("active.not-json"))
    }

    func testIntrospectionScopesAreChecked() throws {
        try requireProbes()
        // The condition is true when the request is refused (403).
        XCTAssertEqual(try value("scopes.any.one-granted"), "false")
        XCTAssertEqual(try value("scopes.any.other"), "true")
        XCTAssertEqual(try value("scopes.any.none"), "true")
        XCTAssertEqual(try value("scopes.any.prefix-only"), "true", "a scope that only starts like a required one grants it")
        XCTAssertEqual(try value("scopes.all.one-granted"), "true")
        XCTAssertEqual(try value("scopes.all.both-granted"), "false")
        knownDefect(
            "issue 10: scopes given as a JSON array throw instead of being read",
            (try? value("scopes.any.json-array")) == "false", observed: observed("scopes.any.json-array"))
    }

    func testIntrospectionIsCachedUnderAHashForAtMostItsLifetime() throws {
        try requireProbes()
        let first = try value("introspection-key.token-a")
        XCTAssertNotEqual(try value("introspection-key.token-b"), first)
        XCTAssertFalse(first.contains("token-a"), "the introspection cache key holds the token")
        XCTAssertEqual(try value("duration.no-exp"), "45", "the fixture's cacheTtl")
        XCTAssertEqual(try value("duration.exp-later"), "45")
        let soon = try value("duration.exp-in-10s")
        XCTAssertTrue(["9", "10"].contains(soon), soon)
        XCTAssertEqual(try value("duration.exp-passed"), "1")
    }

    func testIntrospectionRequestCarriesTheTokenAndCredentials() throws {
        try requireProbes()
        XCTAssertEqual(try value("bearer.bearer"), "abc.def")
        XCTAssertEqual(try value("bearer.lowercase"), "abc.def")
        XCTAssertEqual(try value("bearer.basic"), "")
        XCTAssertEqual(try value("bearer.missing"), "")
        XCTAssertEqual(try value("bearer-missing.empty"), "true")
        XCTAssertEqual(try value("bearer-missing.present"), "false")
        XCTAssertEqual(try value("request-body.escaped"), "token=a%2Bb%2Fc%3D")
        XCTAssertEqual(try value("answer.read"), "{\"active\":true}")
        let basic = try value("credentials.basic")
        XCTAssertTrue(basic.hasPrefix("Basic "), basic)
        XCTAssertEqual(Data(base64Encoded: String(basic.dropFirst(6))).map { String(decoding: $0, as: UTF8.self) }, "gateway-id:s3cret")
    }

    // MARK: Probes

    /// An expression chosen by where it is, run against one in-memory request.
    struct Probe: Sendable {
        var label: String
        var selects: @Sendable (Expression) -> Bool
        var context: MockRequest
    }

    /// The C# that builds a `MockContext` (Support/ApimExpressionMocks.cs).
    struct MockRequest: Sendable {
        var calls: [String] = []
        var csharp: String { "new MockContext()" + calls.joined() }

        func header(_ name: String, _ value: String) -> MockRequest { adding(".Header(\(cs(name)), \(cs(value)))") }
        func ip(_ address: String) -> MockRequest { adding(".Ip(\(cs(address)))") }
        func subscription(_ id: String) -> MockRequest { adding(".WithSubscription(\(cs(id)))") }
        /// `value` is C#.
        func variable(_ name: String, _ value: String) -> MockRequest { adding(".Variable(\(cs(name)), \(value))") }
        private func adding(_ call: String) -> MockRequest { MockRequest(calls: calls + [call]) }

        /// A request whose token `validate-jwt` accepted, with these claims.
        static func jwt(_ claims: KeyValuePairs<String, String>) -> MockRequest {
            MockRequest().variable(PolicyNames.token, "new MockJwt(" + claims.flatMap { [cs($0.key), cs($0.value)] }.joined(separator: ", ") + ")")
        }

        /// A request whose token the introspection endpoint described with `json`.
        static func introspected(_ json: String) -> MockRequest { MockRequest().variable(PolicyNames.introspection, cs(json)) }
    }

    static func cs(_ text: String) -> String { PolicyExpression.csharpString(text) }

    static func operation(_ project: String, _ api: String, _ route: String) -> String {
        "\(project)/apim/apis/\(api)/operations/\(route)/policy.xml"
    }

    static func at(_ file: String, _ place: String, reading variable: String? = nil) -> @Sendable (Expression) -> Bool {
        { expression in
            expression.file == file && expression.place.hasSuffix(place) && (variable.map { reads(expression, $0) } ?? true)
        }
    }

    static func reads(_ expression: Expression, _ variable: String) -> Bool { expression.code.contains("\"\(variable)\"") }
    static func isCounterKey(_ expression: Expression) -> Bool { expression.place.hasSuffix("@counter-key") }
    static func isCacheSubject(_ expression: Expression) -> Bool {
        expression.place.hasSuffix("set-header[\(PolicyNames.cacheCallerHeader)]/value")
    }

    static var probes: [Probe] {
        var probes: [Probe] = []
        func add(_ label: String, _ selects: @escaping @Sendable (Expression) -> Bool, _ context: MockRequest) {
            probes.append(Probe(label: label, selects: selects, context: context))
        }
        let jwtUser = operation("exprs", "jwt-items", "by-user")
        let peerAnyOf = operation("exprs", "peer-items", "any-of")
        let peerAllOf = operation("exprs", "peer-items", "all-of")

        // Who the caller is: the same claims under each kind of token.
        let identities: [(String, String, [(String, KeyValuePairs<String, String>)])] = [
            ("user", "sub", [("a", ["sub": "alice"]), ("a-other-token", ["sub": "alice", "azp": "other-app"]), ("b", ["sub": "bob"])]),
            ("client", "azp", [("a", ["azp": "app-1"]), ("a-other-token", ["azp": "app-1", "sub": "carol"]), ("b", ["azp": "app-2"])]),
            ("claim", "tid", [("a", ["tid": "t-1"]), ("a-other-token", ["tid": "t-1", "sub": "dave"]), ("b", ["tid": "t-2"])]),
        ]
        let jwtKeys = ["user": at(jwtUser, "rate-limit-by-key@counter-key"),
                       "client": at(operation("exprs", "jwt-items", "by-client"), "rate-limit-by-key@counter-key"),
                       "claim": at(operation("exprs", "jwt-items", "by-claim"), "rate-limit-by-key@counter-key")]
        let introspectionKeys = ["user": at(peerAnyOf, "rate-limit-by-key@counter-key"),
                                 "client": at(peerAnyOf, "quota-by-key@counter-key"),
                                 "claim": at(peerAllOf, "rate-limit-by-key@counter-key")]
        for (key, claim, callers) in identities {
            // The introspection claim keys read `org`; the JWT ones `tid`.
            func introspectionJSON(_ claims: KeyValuePairs<String, String>) -> String {
                let renamed = claims.map { (key == "claim" && $0.key == "tid" ? "org" : ($0.key == "azp" && key == "client" ? "client_id" : $0.key), $0.value) }
                return "{\"active\":true" + renamed.map { ",\"\($0.0)\":\"\($0.1)\"" }.joined() + "}"
            }
            for (name, claims) in callers {
                add("\(key).jwt.\(name)", jwtKeys[key]!, .jwt(claims))
                add("\(key).introspection.\(name)", introspectionKeys[key]!, .introspected(introspectionJSON(claims)))
            }
            // Two callers whose tokens lack the claim the key reads.
            let other = claim == "sub" ? "azp" : "sub"
            for index in 1...2 {
                add("\(key).jwt.none-\(index)", jwtKeys[key]!, .jwt([other: "caller-\(index)"]))
                add("\(key).introspection.none-\(index)", introspectionKeys[key]!, .introspected("{\"active\":true,\"\(other)\":\"caller-\(index)\"}"))
            }
        }
        add("client.jwt.appid", jwtKeys["client"]!, .jwt(["appid": "app-3"]))
        add("client.jwt.client_id", jwtKeys["client"]!, .jwt(["client_id": "app-4"]))
        add("client.introspection.azp", introspectionKeys["client"]!, .introspected("{\"active\":true,\"azp\":\"app-5\"}"))
        add("user.jwt.api-counter", at(operation("contoso", "orders", "list-orders"), "rate-limit-by-key@counter-key"), .jwt(["sub": "alice"]))
        add("user.jwt.route-counter", at(operation("contoso", "orders", "create-order"), "rate-limit-by-key@counter-key"), .jwt(["sub": "alice"]))
        add(
            "header.api-counter.crafted", at(operation("exprs", "jwt-items", "inherited"), "rate-limit-by-key@counter-key"),
            MockRequest().header("X-Tenant-Id", "by-user:alice"))

        // Keys read from the request itself.
        let bySubscription = at(operation("exprs", "jwt-items", "by-subscription"), "rate-limit-by-key@counter-key")
        add("subscription.one", bySubscription, MockRequest().subscription("sub-1"))
        add("subscription.two", bySubscription, MockRequest().subscription("sub-2"))
        add("subscription.none", bySubscription, MockRequest())
        let byIP = at(operation("exprs", "jwt-items", "by-ip"), "rate-limit-by-key@counter-key")
        add("ip.one", byIP, MockRequest().ip("198.51.100.7"))
        add("ip.two", byIP, MockRequest().ip("198.51.100.8"))
        let byHeader = at(operation("exprs", "jwt-items", "by-ip"), "quota-by-key@counter-key")
        add("header.one", byHeader, MockRequest().header("X-Probe", "one"))
        add("header.two", byHeader, MockRequest().header("X-Probe", "two"))

        // Per-user cache subjects.
        let cacheCallers: [(String, KeyValuePairs<String, String>)] = [
            ("alice", ["sub": "alice"]), ("alice-other-token", ["sub": "alice", "azp": "other-app"]), ("bob", ["sub": "bob"]),
            ("nosub-1", ["azp": "app-1"]), ("nosub-2", ["azp": "app-2"]),
        ]
        for (name, claims) in cacheCallers {
            add("cache.jwt.\(name)", { isCacheSubject($0) && $0.file == jwtUser }, .jwt(claims))
            let json = "{\"active\":true" + claims.map { ",\"\($0.key)\":\"\($0.value)\"" }.joined() + "}"
            add("cache.introspection.\(name)", { isCacheSubject($0) && $0.file == peerAnyOf }, .introspected(json))
        }

        // Introspection: the answer, the scopes, the cache.
        let active = at(peerAnyOf, "when[401]@condition", reading: PolicyNames.introspection)
        add("active.true", active, .introspected("{\"active\":true,\"sub\":\"alice\"}"))
        add("active.false", active, .introspected("{\"active\":false}"))
        add("active.missing", active, .introspected("{\"sub\":\"alice\"}"))
        add("active.server-error", active, .introspected("{\"error\":\"server_error\"}"))
        add("active.not-json", active, .introspected("<html><body>502 Bad Gateway</body></html>"))
        let anyOf = at(peerAnyOf, "when[403]@condition")
        let allOf = at(peerAllOf, "when[403]@condition")
        add("scopes.any.one-granted", anyOf, .introspected("{\"active\":true,\"scope\":\"openid items.audit\"}"))
        add("scopes.any.other", anyOf, .introspected("{\"active\":true,\"scope\":\"items.write\"}"))
        add("scopes.any.none", anyOf, .introspected("{\"active\":true}"))
        add("scopes.any.prefix-only", anyOf, .introspected("{\"active\":true,\"scope\":\"items.reader\"}"))
        add("scopes.any.json-array", anyOf, .introspected("{\"active\":true,\"scope\":[\"items.read\"]}"))
        add("scopes.all.one-granted", allOf, .introspected("{\"active\":true,\"scope\":\"items.read\"}"))
        add("scopes.all.both-granted", allOf, .introspected("{\"active\":true,\"scope\":\"items.audit items.read\"}"))
        let cacheKey = at(peerAnyOf, "cache-lookup-value@key")
        add("introspection-key.token-a", cacheKey, MockRequest().variable(PolicyNames.bearer, cs("token-a")))
        add("introspection-key.token-b", cacheKey, MockRequest().variable(PolicyNames.bearer, cs("token-b")))
        let duration = at(peerAnyOf, "cache-store-value@duration")
        func expiring(in seconds: Int) -> MockRequest {
            MockRequest().variable(PolicyNames.introspection, "\"{\\\"active\\\":true,\\\"exp\\\":\" + (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + \(seconds)) + \"}\"")
        }
        add("duration.no-exp", duration, .introspected("{\"active\":true}"))
        add("duration.exp-later", duration, expiring(in: 3600))
        add("duration.exp-in-10s", duration, expiring(in: 10))
        add("duration.exp-passed", duration, expiring(in: -60))
        let bearer = at(peerAnyOf, "set-variable[\(PolicyNames.bearer)]@value")
        add("bearer.bearer", bearer, MockRequest().header("Authorization", "Bearer abc.def"))
        add("bearer.lowercase", bearer, MockRequest().header("Authorization", "bearer  abc.def "))
        add("bearer.basic", bearer, MockRequest().header("Authorization", "Basic Z2F0ZXdheQ=="))
        add("bearer.missing", bearer, MockRequest())
        let bearerMissing = at(peerAnyOf, "when[401]@condition", reading: PolicyNames.bearer)
        add("bearer-missing.empty", { bearerMissing($0) && !reads($0, PolicyNames.introspection) }, MockRequest().variable(PolicyNames.bearer, cs("")))
        add("bearer-missing.present", { bearerMissing($0) && !reads($0, PolicyNames.introspection) }, MockRequest().variable(PolicyNames.bearer, cs("abc")))
        add("request-body.escaped", at(peerAnyOf, "send-request/set-body"), MockRequest().variable(PolicyNames.bearer, cs("a+b/c=")))
        add(
            "answer.read", at(peerAnyOf, "set-variable[\(PolicyNames.introspection)]@value"),
            MockRequest().variable(PolicyNames.introspectionResponse, "new MockResponse(200, \(cs("{\"active\":true}")))"))
        add(
            "credentials.basic", at(peerAnyOf, "send-request/set-header[Authorization]/value"),
            MockRequest().variable(PolicyNames.clientId, cs("gateway-id")).variable(PolicyNames.clientSecret, cs("s3cret")))
        return probes
    }

    // MARK: Session

    enum Outcome: Sendable, Equatable {
        case value(String)
        case null
        case threw(String)
    }

    /// The expressions of both projects' bundles, built once for the tests of this class.
    struct Harvest: Sendable {
        var expressions: [Expression]
        var distinct: [ExpressionHarness.Distinct]
    }

    /// One compilation and mono run over the harvest, shared by the tests of this class.
    struct Session: Sendable {
        var harvest: Harvest
        var compileErrors: [ExpressionHarness.CompileError]
        var probeProblems: [String: String]
        var outcomes: [String: Outcome]
    }

    /// Needs only the built executable, so branch coverage is checked even without mono.
    static let harvest = Result<Harvest, any Error> {
        let scratch = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let expressions =
            try ExpressionHarness.harvest(project: BundleTests.contoso, label: "contoso", scratch: scratch)
            + ExpressionHarness.harvest(project: GoldenFiles.fixtures.appendingPathComponent("expressions"), label: "exprs", scratch: scratch)
        return Harvest(expressions: expressions, distinct: ExpressionHarness.distinct(expressions))
    }

    static let session = Result<Session, any Error> { try makeSession(harvest.get()) }

    private static func makeSession(_ harvest: Harvest) throws -> Session {
        let started = Date()
        let tools = try ExpressionHarness.Toolchain.find()
        let scratch = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let distinct = harvest.distinct

        var problems: [String: String] = [:]
        var calls: [String] = []
        for probe in probes {
            let chosen = distinct.indices.filter { index in distinct[index].places.contains(where: probe.selects) }
            guard chosen.count == 1 else {
                problems[probe.label] = "selects \(chosen.count) distinct expressions, not one"
                continue
            }
            calls.append("        Probe.Run(\(cs(probe.label)), c => Harvested.E\(chosen[0])(c), \(probe.context.csharp));")
        }
        let main = scratch.appendingPathComponent("Probes.cs")
        try """
        using System;
        using Apim.Expressions;
        using Apim.Expressions.Mocks;

        public static class Probes
        {
            public static void Main()
            {
        \(calls.joined(separator: "\n"))
            }
        }

        """.write(to: main, atomically: true, encoding: .utf8)
        let program = scratch.appendingPathComponent("probes.exe")
        let errors = try ExpressionHarness.compile(
            distinct, extra: [ExpressionHarness.support.appendingPathComponent("ApimExpressionMocks.cs"), main], executable: program,
            in: scratch, tools: tools)
        var outcomes: [String: Outcome] = [:]
        if errors.isEmpty {
            // Next to the program, so mono finds the same assembly it was compiled against.
            try FileManager.default.copyItem(at: tools.newtonsoftJson, to: scratch.appendingPathComponent("Newtonsoft.Json.dll"))
            let output = try ExpressionHarness.run(tools.mono, [program.path])
            guard output.status == 0 else { throw HarnessError("mono failed (\(output.status)):\n\(output.text)") }
            for line in output.text.split(separator: "\n") {
                let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                guard fields.count == 3 else { throw HarnessError("unexpected line from the probes: \(line)") }
                outcomes[fields[0]] = fields[1] == "ok" ? .value(fields[2]) : fields[1] == "null" ? .null : .threw(fields[2])
            }
        }
        print("policy expressions: compiled and probed in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        return Session(harvest: harvest, compileErrors: errors, probeProblems: problems, outcomes: outcomes)
    }

    // MARK: Helpers

    /// Stops a behaviour test at once, with one failure, when nothing could run.
    func requireProbes() throws {
        guard try Self.session.get().compileErrors.isEmpty else {
            throw HarnessError("the expressions do not compile, so no probe ran; see testEveryEmittedExpressionCompilesAgainstTheAPIMContext")
        }
    }

    func outcome(_ label: String) throws -> Outcome {
        let session = try Self.session.get()
        if let problem = session.probeProblems[label] { throw HarnessError("probe '\(label)' \(problem)") }
        guard let outcome = session.outcomes[label] else { throw HarnessError("probe '\(label)' printed nothing") }
        return outcome
    }

    /// The value an expression returned; throwing or returning null fails the calling test.
    func value(_ label: String) throws -> String {
        let outcome = try outcome(label)
        guard case .value(let text) = outcome else { throw HarnessError("probe '\(label)': \(outcome)") }
        return text
    }

    /// Whether two requests end up with the same key (both evaluated, to equal values).
    func sharesKey(_ first: String, _ second: String) -> Bool {
        guard let a = try? outcome(first), let b = try? outcome(second), case .value = a else { return false }
        return a == b
    }

    func observed(_ labels: String...) -> String {
        labels.map { label in "\(label) → \((try? outcome(label)).map { "\($0)" } ?? "no outcome")" }.joined(separator: "; ")
    }

    /// An expectation that today's emitter does not meet, for a filed defect: it prints
    /// what was observed instead of failing. Whoever fixes the defect turns the call into
    /// an XCTAssert; until then the message says when it has started to hold.
    func knownDefect(_ defect: String, _ expectation: Bool, observed: @autoclosure () -> String, line: UInt = #line) {
        if expectation {
            print("known defect no longer observed (line \(line)), make it an assertion: \(defect)")
        } else {
            print("known defect: \(defect): \(observed())")
        }
    }

    static func distinctLines(_ expressions: [Expression]) -> String {
        ExpressionHarness.distinct(expressions).map { "  \($0.first.location)\n    \($0.code)" }.joined(separator: "\n")
    }
}
