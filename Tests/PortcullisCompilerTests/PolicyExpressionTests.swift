import Foundation
import XCTest

@testable import PortcullisEmit
import PortcullisModel

/// Every C# policy expression the emitter writes compiles against APIM's expression
/// context, and the ones that decide who is who, or who gets in, behave as intended when
/// an in-memory request goes through them in the order the gateway runs them. See
/// ``ExpressionHarness``.
///
/// Together, Samples/contoso (JWT and introspection, Redis) and Fixtures/expressions (no
/// Redis, every limit key at API and route level, any-of and all-of scopes for both kinds
/// of provider, per-user caches behind limits that count other callers) reach every branch
/// of Sources/PortcullisEmit/Policies.
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
        ("Introspection: bearer token read from the Authorization header", { $0.place == Place.bearer }),
        ("Introspection: a request without a bearer token is refused", Place.noBearer),
        ("Introspection: result cache key, Redis", { $0.place == Place.lookupKey && $0.file.hasPrefix("contoso/") }),
        ("Introspection: result cache key, internal cache", { $0.place == Place.lookupKey && $0.file.hasPrefix("exprs/") }),
        ("Introspection: the provider is asked only on a cache miss", Place.miss),
        ("Introspection: calls to the provider counted per IP address", { $0.place == Place.callBudget }),
        ("Introspection: the call's client credentials", { $0.place == Place.credentials }),
        ("Introspection: the call's form body", { $0.place == Place.requestBody }),
        ("Introspection: only a 200 with a JSON object is a result", { $0.place == Place.answer }),
        ("Introspection: only a result is cached", { $0.place == Place.storesResult }),
        ("Introspection: result stored under the lookup's key", { $0.place == Place.storeKey }),
        ("Introspection: result stored as read", { $0.place == Place.storeValue }),
        ("Introspection: result kept at most until exp", { $0.place == Place.storeDuration }),
        ("Introspection: no result answers 503", { $0.place == Place.unavailable }),
        ("Introspection: an inactive token is refused", Place.inactive),
        ("Introspection: a token for another audience is refused", Place.foreignAudience),
        ("Introspection: scopes or app roles checked", { Place.lacksScopes($0) && $0.code.contains("granted1") }),
        ("Permissions: scopes or app roles read from a JWT", {
            $0.place == "inbound/choose/when[403]@condition" && reads($0, PolicyNames.token) && $0.code.contains("granted1")
        }),
        ("Introspection: any-of scopes checked", { Place.lacksScopes($0) && $0.code.contains(".Any(") }),
        ("Introspection: all-of scopes checked", { Place.lacksScopes($0) && $0.code.contains(".All(") }),
        ("Identity: user read from a JWT", { Place.readsCaller($0) && reads($0, PolicyNames.token) && $0.code.contains("\"sub\"") }),
        ("Identity: user read from introspection", { Place.readsCaller($0) && reads($0, PolicyNames.introspection) && $0.code.contains("\"sub\"") }),
        ("Identity: client read from a JWT", { Place.readsCaller($0) && reads($0, PolicyNames.token) && $0.code.contains("\"appid\"") }),
        ("Identity: client read from introspection", { Place.readsCaller($0) && reads($0, PolicyNames.introspection) && $0.code.contains("\"appid\"") }),
        ("Identity: a named claim read from a JWT", { Place.readsCaller($0) && reads($0, PolicyNames.token) && isNamedClaim($0) }),
        ("Identity: a named claim read from introspection", { Place.readsCaller($0) && reads($0, PolicyNames.introspection) && isNamedClaim($0) }),
        ("Limits: a request whose token names no counted caller is refused", Place.refusesUnnamed),
        ("Limits: a request without the counted header is refused", Place.refusesWithoutHeader),
        ("Limits: counted per subscription", { isCounterKey($0) && $0.code.contains("context.Subscription") }),
        ("Limits: counted per IP address", { isCounterKey($0) && $0.code.contains("context.Request.IpAddress") }),
        ("Limits: counted per header", { isCounterKey($0) && $0.code.contains("context.Request.Headers") }),
        ("Limits: counted per caller a token names", { isCounterKey($0) && $0.code.contains(PolicyNames.callerPrefix) }),
        ("Cache: a per-caller cache is looked up only for a named caller and a query it accepts", Place.looksUpPerCaller),
        ("Cache: the per-caller cache varies on a hash of the caller", { $0.place == Place.cacheSubject }),
        ("Cache: a per-caller cache stores only for a named caller and a query it accepts", Place.storesPerCaller),
        ("Cache: a shared cache is looked up only for a query it accepts", Place.looksUpShared),
        ("Cache: a shared cache stores only for a query it accepts", Place.storesShared),
    ]

    /// Where the probes below need an expression: limits inherited from the API and a
    /// route's own, for both kinds of limit, and per-user caches under both kinds of token.
    static let placements: [(String, @Sendable (Expression) -> Bool)] = [
        ("rate limit inherited from the API", at(operation("exprs", "jwt-items", "inherited"), Place.rateKey)),
        ("a route's own rate limit", at(operation("exprs", "jwt-items", "by-user"), Place.rateKey)),
        ("quota inherited from the API", at(operation("exprs", "peer-items", "any-of"), Place.quotaKey)),
        ("a route's own quota", at(operation("exprs", "jwt-items", "by-claim"), Place.quotaKey)),
        ("a per-user cache on a JWT route", at(operation("exprs", "jwt-items", "cached-per-user"), Place.cacheSubject)),
        ("a per-user cache on an introspection route", at(operation("exprs", "peer-items", "cached-per-user"), Place.cacheSubject)),
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

    /// Each probe's steps select one expression each (or, for the callers, every one) of
    /// its policy, in the order the policy holds them, so the probes run the real sequence.
    func testProbesFollowTheOrderOfTheirPolicies() throws {
        let scenarios = try Self.scenarios.get()
        XCTAssertEqual(
            scenarios.problems.count, 0, scenarios.problems.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n"))
        XCTAssertGreaterThan(scenarios.csharp.count, 100)
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

    func testPerUserCacheIsNeverSharedBetweenCallers() throws {
        try requireProbes()
        for kind in ["jwt", "introspection"] {
            let alice = "cache.\(kind).alice"
            XCTAssertEqual(try value(alice, "looks-up"), "true", "\(kind): a named caller is looked up")
            XCTAssertEqual(try value(alice, "stores"), "true", "\(kind): a named caller's response is stored")
            let subject = try value(alice, "subject")
            XCTAssertEqual(try value("cache.\(kind).alice-other-token", "subject"), subject, "\(kind): one user, two tokens, one cache")
            XCTAssertNotEqual(try value("cache.\(kind).bob", "subject"), subject, "\(kind): two users share cached responses")
            XCTAssertFalse(subject.contains("alice"), "\(kind): the cache subject holds the raw subject")
            // Callers whose token names no user get through, but are neither looked up nor stored.
            for caller in ["nosub-1", "nosub-2", "empty-sub"] {
                let probe = "cache.\(kind).\(caller)"
                XCTAssertEqual(try value(probe, "refused"), "false", "\(probe): the route's limits count other callers")
                XCTAssertEqual(try value(probe, "looks-up"), "false", "\(probe): a caller without 'sub' is looked up")
                XCTAssertEqual(try outcome(probe, "subject"), .skipped, probe)
                XCTAssertEqual(try value(probe, "stores"), "false", "\(probe): a caller without 'sub' is stored")
            }
            // Where a limit counts users, such a caller is refused before the cache.
            let limited = "cache.\(kind)-limited.nosub"
            XCTAssertEqual(try value(limited, "refused"), "true", limited)
            XCTAssertEqual(try outcome(limited, "looks-up"), .skipped, limited)
        }
    }

    /// APIM keys a cached response on the parameters it varies by, yet every parameter
    /// reaches the backend: a request with any other is neither looked up nor stored, so a
    /// response made for it never answers a caller who did not send it.
    func testCachesAnswerOnlyQueriesTheirKeyTellsApart() throws {
        try requireProbes()
        for (name, cached) in [
            ("none", true), ("keyed", true), ("set-and-removed", true), ("subscription-key", false),
            ("unkeyed", false), ("keyed-twice", false), ("other-case", false),
        ] {
            XCTAssertEqual(try value("query.shared.\(name)", "looks-up"), "\(cached)", "shared cache, query \(name)")
            XCTAssertEqual(try value("query.shared.\(name)", "stores"), "\(cached)", "shared cache, query \(name)")
        }
        XCTAssertEqual(try value("query.per-user.none", "looks-up"), "true")
        XCTAssertEqual(try value("query.per-user.none", "stores"), "true")
        // A subscription key in the query reaches the backend, which may echo it.
        XCTAssertEqual(try value("query.per-user.subscription-key", "looks-up"), "false")
        XCTAssertEqual(try value("query.per-user.unkeyed", "looks-up"), "false", "a per-user cache looked up a query it does not vary on")
        XCTAssertEqual(try outcome("query.per-user.unkeyed", "subject"), .skipped)
        XCTAssertEqual(try value("query.per-user.unkeyed", "stores"), "false")
    }

    func testIdentityLimitsNeverShareACounterBetweenCallers() throws {
        try requireProbes()
        for key in ["user", "client", "claim"] {
            for kind in ["jwt", "introspection"] {
                let probe = "\(key).\(kind)"
                XCTAssertEqual(try value("\(probe).a", "refused"), "false", "\(probe): a caller the token names is refused")
                let first = try value("\(probe).a", "key")
                XCTAssertEqual(try value("\(probe).a-other-token", "key"), first, "\(probe): one caller, two tokens, one counter")
                XCTAssertNotEqual(try value("\(probe).b", "key"), first, "\(probe): two callers share a counter")
                for caller in ["none-1", "none-2", "empty"] {
                    XCTAssertEqual(try value("\(probe).\(caller)", "refused"), "true", "\(probe).\(caller): a token without the claim is counted")
                    XCTAssertEqual(try outcome("\(probe).\(caller)", "key"), .skipped, "\(probe).\(caller)")
                }
            }
        }
    }

    func testClientIsAzpThenAppidThenClientId() throws {
        try requireProbes()
        for kind in ["jwt", "introspection"] {
            let probe = "client-fallback.\(kind)"
            let azp = try value("\(probe).azp", "key")
            for caller in ["appid", "client_id", "all-three", "appid-and-client_id", "empty-azp"] {
                XCTAssertEqual(try value("\(probe).\(caller)", "key"), azp, "\(probe).\(caller) is not counted as the same client")
            }
            XCTAssertNotEqual(try value("\(probe).other", "key"), azp, "\(probe): two clients share a counter")
        }
    }

    func testHeaderValuesCannotReachAnotherBudgetsCounter() throws {
        try requireProbes()
        // A header chosen to spell the by-user route's prefix and a user.
        let crafted = try value("header.crafted", "key")
        let target = try value("header.target", "key")
        XCTAssertNotEqual(crafted, target, "a header value names another budget's counter")
        for (key, prefix) in [(crafted, "jwt-items:"), (target, "jwt-items:by-user:")] {
            XCTAssertTrue(key.hasPrefix(prefix), key)
            let caller = key.dropFirst(prefix.count)
            XCTAssertFalse(caller.contains(":"), "the caller part of '\(key)' can reach into another namespace")
            XCTAssertEqual(Data(base64Encoded: String(caller))?.count, 32, "the caller part of '\(key)' is not a SHA-256 hash")
        }
        XCTAssertNotEqual(try value("budget.api", "key"), try value("budget.route", "key"), "a route's own limit shares its API's counter")
    }

    func testArrayValuedClaimsNameACaller() throws {
        try requireProbes()
        for caller in ["two", "one", "text"] {
            XCTAssertEqual(try value("array.groups.\(caller)", "refused"), "false", "array.groups.\(caller)")
        }
        let two = try value("array.groups.two", "key")
        XCTAssertNotEqual(try value("array.groups.one", "key"), two, "callers in different groups share a counter")
        XCTAssertEqual(try value("array.tid.two", "refused"), "false")
        XCTAssertNotEqual(try value("array.tid.two", "key"), try value("array.tid.one", "key"))
        for empty in ["empty", "empty-object"] {
            XCTAssertEqual(
                try value("array.groups.\(empty)", "refused"), "true",
                "an empty array or object claim names no caller, so such callers are refused, never counted together")
        }
    }

    func testRequestCounterKeysReadTheRequest() throws {
        try requireProbes()
        XCTAssertNotEqual(try value("subscription.one", "key"), try value("subscription.two", "key"))
        XCTAssertNotEqual(try value("ip.one", "key"), try value("ip.two", "key"))
        XCTAssertNotEqual(try value("header.one", "key"), try value("header.two", "key"))
        // Requests without the header, or with it empty, would all share one counter.
        XCTAssertEqual(try value("header.one", "refused"), "false")
        for unnamed in ["header.missing", "header.empty"] {
            XCTAssertEqual(try value(unnamed, "refused"), "true", "\(unnamed) is counted on the counter of no caller")
        }
        XCTAssertNoThrow(try value("subscription.none", "key"), "a request without a subscription breaks the key")
    }

    // MARK: Introspection

    func testIntrospectionFailuresAnswer503AndAreNotCached() throws {
        try requireProbes()
        XCTAssertEqual(try value("answer.active", "answer"), Self.activeResult([("sub", "alice")]))
        XCTAssertEqual(try value("answer.miss-as-null", "answer"), Self.activeResult([("sub", "alice")]), "a null left by a lookup miss is a miss")
        XCTAssertEqual(try value("answer.active", "stores-result"), "true")
        XCTAssertEqual(try value("answer.active", "store-value"), Self.activeResult([("sub", "alice")]))
        XCTAssertEqual(try value("answer.active", "unavailable"), "false")
        for failure in ["not-json", "json-array", "empty-body", "http-500", "no-response", "null-response"] {
            let probe = "answer.\(failure)"
            XCTAssertEqual(try value(probe, "answer"), "", "\(probe) is taken for a result")
            XCTAssertEqual(try value(probe, "stores-result"), "false", "\(probe) is cached")
            XCTAssertEqual(try outcome(probe, "store-key"), .skipped, probe)
            XCTAssertEqual(try value(probe, "unavailable"), "true", "\(probe) does not answer 503")
            XCTAssertEqual(try outcome(probe, "inactive"), .skipped, probe)
        }
        // A cached result is used as is: the provider is not asked.
        XCTAssertEqual(try value("answer.cached", "miss"), "false")
        XCTAssertEqual(try outcome("answer.cached", "answer"), .skipped)
        XCTAssertEqual(try value("answer.cached", "unavailable"), "false")
        XCTAssertEqual(try value("answer.cached", "inactive"), "false")
    }

    func testOnlyActiveTrueIsAnActiveToken() throws {
        try requireProbes()
        // The condition is true when the request is refused (401).
        XCTAssertEqual(try value("active.true", "inactive"), "false")
        // A provider error sent as a 200 is a JSON object, so a result, but not an active one.
        XCTAssertEqual(try value("active.server-error", "answer"), "{\"error\":\"server_error\"}")
        for answer in ["false", "null", "string-true", "number", "missing", "server-error"] {
            XCTAssertEqual(try value("active.\(answer)", "unavailable"), "false", "active.\(answer) is not a result")
            XCTAssertEqual(try value("active.\(answer)", "inactive"), "true", "active.\(answer) is taken for an active token")
            XCTAssertEqual(try outcome("active.\(answer)", "lacks-scopes"), .skipped)
        }
    }

    func testIntrospectionScopesAcceptStringsAndArrays() throws {
        try requireProbes()
        // The condition is true when the request is refused (403).
        let expected = [
            "any.one-granted": "false", "any.other": "true", "any.none": "true", "any.prefix-only": "true", "any.array": "false",
            "any.array-other": "true", "any.array-prefix-only": "true", "any.not-text": "true",
            "all.one-granted": "true", "all.both-granted": "false", "all.prefix-only": "true", "all.array": "false",
            "all.array-one": "true",
        ]
        for (probe, refused) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(try value("scopes.\(probe)", "inactive"), "false", probe)
            XCTAssertEqual(try value("scopes.\(probe)", "lacks-scopes"), refused, "scopes.\(probe)")
        }
    }

    func testIntrospectionIsCachedUnderAHashForAtMostItsLifetime() throws {
        try requireProbes()
        let first = try value("key.token-a", "lookup-key")
        XCTAssertEqual(try value("key.token-a", "store-key"), first, "stored under another key than looked up")
        XCTAssertNotEqual(try value("key.token-b", "lookup-key"), first)
        XCTAssertFalse(first.contains("token-a"), "the introspection cache key holds the token")
        XCTAssertEqual(try value("duration.no-exp", "store-duration"), "45", "the fixture's cacheTtl")
        XCTAssertEqual(try value("duration.exp-later", "store-duration"), "45")
        XCTAssertTrue(["9", "10"].contains(try value("duration.exp-in-10s", "store-duration")))
        XCTAssertTrue(["19", "20"].contains(try value("duration.exp-fraction", "store-duration")))
        XCTAssertEqual(try value("duration.exp-passed", "store-duration"), "1")
        XCTAssertEqual(try value("duration.exp-text", "store-duration"), "45", "a non-numeric exp")
        XCTAssertEqual(try value("duration.exp-huge", "store-duration"), "45", "an exp beyond any date")
        XCTAssertEqual(try value("duration.exp-huge-integer", "store-duration"), "45", "an integer exp past long's range")
        XCTAssertEqual(try value("duration.exp-long-ago", "store-duration"), "1", "an exp long past")
    }

    func testIntrospectionRequestCarriesTheTokenAndFormEncodedCredentials() throws {
        try requireProbes()
        XCTAssertEqual(try value("bearer.bearer", "bearer"), "abc.def")
        XCTAssertEqual(try value("bearer.bearer", "no-bearer"), "false")
        XCTAssertEqual(try value("bearer.lowercase", "bearer"), "abc.def")
        for probe in ["bearer.basic", "bearer.scheme-only", "bearer.missing"] {
            XCTAssertEqual(try value(probe, "bearer"), "", probe)
            XCTAssertEqual(try value(probe, "no-bearer"), "true", probe)
            XCTAssertEqual(try outcome(probe, "lookup-key"), .skipped, probe)
        }
        XCTAssertEqual(try value("request.encoded", "request-body"), "token=a%2Bb%2Fc%3D")
        let basic = try value("request.encoded", "credentials")
        XCTAssertTrue(basic.hasPrefix("Basic "), basic)
        XCTAssertEqual(Data(base64Encoded: String(basic.dropFirst(6))).map { String(decoding: $0, as: UTF8.self) }, "a+b:p%26q%3Ar")
    }

    func testScopesOrAppRolesAndTheIntrospectionAudience() throws {
        try requireProbes()
        // Each condition is true when the request is refused.
        for (name, refused) in [
            ("scp", "false"), ("roles", "false"), ("neither", "true"), ("role-as-scope", "true"), ("role-in-a-name", "true"), ("roles-array", "false"),
        ] {
            XCTAssertEqual(try value("permissions.jwt.\(name)", "lacks-permissions"), refused, name)
        }
        for (name, refused) in [("role-in-a-name", "true"), ("role", "false"), ("roles-array", "false")] {
            XCTAssertEqual(try value("permissions.introspection.\(name)", "lacks-permissions"), refused, name)
        }
        for (name, refused) in [("match", "false"), ("array", "false"), ("other", "true"), ("missing", "true"), ("named", "false")] {
            XCTAssertEqual(try value("audience.\(name)", "foreign-audience"), refused, name)
        }
    }

    func testIntrospectionCallsAreCountedPerIPAddress() throws {
        try requireProbes()
        let first = try value("call-budget.token-a.ip-1", "call-budget")
        XCTAssertEqual(try value("call-budget.token-b.ip-1", "call-budget"), first, "made-up tokens from one address are counted apart")
        XCTAssertNotEqual(try value("call-budget.token-a.ip-2", "call-budget"), first)
        XCTAssertFalse(first.contains("198.51.100.7"), first)
        XCTAssertEqual(try outcome("answer.cached", "call-budget"), .skipped, "a cached result is counted as a call")
    }

    // MARK: Probes

    /// An in-memory request run through expressions of one policy, in the order the gateway
    /// meets them (`Scenario` in Support/ApimExpressionMocks.cs): a `set-variable` stores
    /// its value under its name, a condition that returns a response ends the request.
    struct Probe: Sendable {
        var label: String
        var file: String
        var context: MockRequest
        var steps: [Step]
    }

    /// An expression of the probe's policy, chosen by where it sits.
    struct Step: Sendable {
        var name: String
        var selects: @Sendable (Expression) -> Bool
        /// Every match, in policy order, as `name-1`, `name-2`, …; otherwise exactly one.
        var every = false
        /// The earlier step, a `when` condition, this one sits in.
        var onlyIf: String?

        init(_ name: String, _ selects: @escaping @Sendable (Expression) -> Bool, every: Bool = false, onlyIf: String? = nil) {
            self.name = name
            self.selects = selects
            self.every = every
            self.onlyIf = onlyIf
        }

        init(_ name: String, at place: String, onlyIf: String? = nil) {
            self.init(name, { $0.place == place }, onlyIf: onlyIf)
        }
    }

    /// The C# that builds a `MockContext` (Support/ApimExpressionMocks.cs).
    struct MockRequest: Sendable {
        var calls: [String] = []
        var csharp: String { "new MockContext()" + calls.joined() }

        func header(_ name: String, _ value: String) -> MockRequest { adding(".Header(\(cs(name)), \(cs(value)))") }
        func ip(_ address: String) -> MockRequest { adding(".Ip(\(cs(address)))") }
        /// A query parameter as the caller sent it, with one value per occurrence.
        func query(_ name: String, _ values: String...) -> MockRequest {
            adding(".Query(" + ([name] + values).map(cs).joined(separator: ", ") + ")")
        }
        func subscription(_ id: String) -> MockRequest { adding(".WithSubscription(\(cs(id)))") }
        /// `value` is C#.
        func variable(_ name: String, _ value: String) -> MockRequest { adding(".Variable(\(cs(name)), \(value))") }
        private func adding(_ call: String) -> MockRequest { MockRequest(calls: calls + [call]) }

        /// The introspection call answered `status` with the C# string `body`.
        func answering(_ status: Int, csharp body: String) -> MockRequest {
            variable(PolicyNames.introspectionResponse, "new MockResponse(\(status), \(body))")
        }

        func answering(_ status: Int, _ body: String) -> MockRequest { answering(status, csharp: cs(body)) }

        /// A request whose token `validate-jwt` accepted, with these claims; a name given
        /// twice is a claim with two values.
        static func jwt(_ claims: [(String, String)]) -> MockRequest {
            MockRequest().variable(PolicyNames.token, "new MockJwt(" + claims.flatMap { [cs($0.0), cs($0.1)] }.joined(separator: ", ") + ")")
        }

        /// The client credentials the introspection call's literal `set-variable`s hold:
        /// they are no expressions, so the harness sets them.
        static func credentials(clientId: String = "exprs-gateway", clientSecret: String = "not-the-secret") -> MockRequest {
            MockRequest().variable(PolicyNames.clientId, cs(clientId)).variable(PolicyNames.clientSecret, cs(clientSecret))
        }

        /// A request with this bearer token.
        static func bearer(_ token: String, clientId: String = "exprs-gateway", clientSecret: String = "not-the-secret") -> MockRequest {
            credentials(clientId: clientId, clientSecret: clientSecret).header("Authorization", "Bearer \(token)")
        }

        /// A request whose token the introspection endpoint described with `json`.
        static func introspected(_ json: String) -> MockRequest { bearer("token-1").answering(200, json) }
    }

    static func cs(_ text: String) -> String { PolicyExpression.csharpString(text) }

    /// Where the emitter puts each expression of an operation policy.
    enum Place {
        static let bearer = "inbound/set-variable[\(PolicyNames.bearer)]@value"
        static let lookupKey = "inbound/cache-lookup-value@key"
        static let callBudget = "inbound/choose/when/rate-limit-by-key@counter-key"
        static let credentials = "inbound/choose/when/send-request/set-header[Authorization]/value"
        static let requestBody = "inbound/choose/when/send-request/set-body"
        static let answer = "inbound/choose/when/set-variable[\(PolicyNames.introspection)]@value"
        static let storesResult = "inbound/choose/when/choose/when@condition"
        static let storeKey = "inbound/choose/when/choose/when/cache-store-value@key"
        static let storeValue = "inbound/choose/when/choose/when/cache-store-value@value"
        static let storeDuration = "inbound/choose/when/choose/when/cache-store-value@duration"
        static let unavailable = "inbound/choose/when[503]@condition"
        static let rateKey = "inbound/rate-limit-by-key@counter-key"
        static let quotaKey = "inbound/quota-by-key@counter-key"
        static let cacheSubject = "inbound/choose/when/set-header[\(PolicyNames.cacheCallerHeader)]/value"

        static func noBearer(_ expression: Expression) -> Bool {
            expression.place == "inbound/choose/when[401]@condition" && reads(expression, PolicyNames.bearer)
                && !reads(expression, PolicyNames.introspection)
        }
        static func miss(_ expression: Expression) -> Bool {
            expression.place == "inbound/choose/when@condition" && reads(expression, PolicyNames.introspection)
        }
        static func inactive(_ expression: Expression) -> Bool {
            expression.place == "inbound/choose/when[401]@condition" && reads(expression, PolicyNames.introspection)
                && !expression.code.contains("[\"aud\"]")
        }
        static func foreignAudience(_ expression: Expression) -> Bool {
            expression.place == "inbound/choose/when[401]@condition" && reads(expression, PolicyNames.introspection)
                && expression.code.contains("[\"aud\"]")
        }
        static func lacksScopes(_ expression: Expression) -> Bool {
            expression.place == "inbound/choose/when[403]@condition" && reads(expression, PolicyNames.introspection)
        }
        static func readsCaller(_ expression: Expression) -> Bool {
            expression.place.hasPrefix("inbound/set-variable[\(PolicyNames.callerPrefix)") && expression.place.hasSuffix("]@value")
        }
        static func refusesUnnamed(_ expression: Expression) -> Bool {
            expression.place == "inbound/choose/when[403]@condition" && expression.code.contains(PolicyNames.callerPrefix)
        }
        static func refusesWithoutHeader(_ expression: Expression) -> Bool {
            expression.place == "inbound/choose/when[400]@condition" && expression.code.contains("context.Request.Headers")
        }
        static func looksUpPerCaller(_ expression: Expression) -> Bool {
            expression.place == "inbound/choose/when@condition" && expression.code.contains(PolicyNames.callerPrefix)
        }
        static func storesPerCaller(_ expression: Expression) -> Bool {
            expression.place == "outbound/choose/when@condition" && expression.code.contains(PolicyNames.callerPrefix)
        }
        static func looksUpShared(_ expression: Expression) -> Bool {
            expression.place == "inbound/choose/when@condition" && expression.code.contains("OriginalUrl.Query")
                && !expression.code.contains(PolicyNames.callerPrefix)
        }
        static func storesShared(_ expression: Expression) -> Bool {
            expression.place == "outbound/choose/when@condition" && expression.code.contains("OriginalUrl.Query")
                && !expression.code.contains(PolicyNames.callerPrefix)
        }
    }

    static func operation(_ project: String, _ api: String, _ route: String) -> String {
        "\(project)/apim/apis/\(api)/operations/\(route)/policy.xml"
    }

    static func at(_ file: String, _ place: String) -> @Sendable (Expression) -> Bool {
        { $0.file == file && $0.place == place }
    }

    static func reads(_ expression: Expression, _ variable: String) -> Bool { expression.code.contains("\"\(variable)\"") }
    static func isCounterKey(_ expression: Expression) -> Bool { expression.place.hasSuffix("@counter-key") }
    /// A caller read whose claims are neither the user's nor the client's.
    static func isNamedClaim(_ expression: Expression) -> Bool { !expression.code.contains("\"sub\"") && !expression.code.contains("\"appid\"") }

    /// The steps of an introspection route's token and scope checks, in policy order.
    static func introspectionSteps(callBudget: Bool = true, scopes: Bool = true) -> [Step] {
        var steps = [
            Step("bearer", at: Place.bearer), Step("no-bearer", Place.noBearer), Step("lookup-key", at: Place.lookupKey), Step("miss", Place.miss),
        ]
        if callBudget { steps.append(Step("call-budget", at: Place.callBudget, onlyIf: "miss")) }
        steps += [
            Step("credentials", at: Place.credentials, onlyIf: "miss"),
            Step("request-body", at: Place.requestBody, onlyIf: "miss"),
            Step("answer", at: Place.answer, onlyIf: "miss"),
            Step("stores-result", at: Place.storesResult, onlyIf: "miss"),
            Step("store-key", at: Place.storeKey, onlyIf: "stores-result"),
            Step("store-value", at: Place.storeValue, onlyIf: "stores-result"),
            Step("store-duration", at: Place.storeDuration, onlyIf: "stores-result"),
            Step("unavailable", at: Place.unavailable),
            Step("inactive", Place.inactive),
        ]
        if scopes { steps.append(Step("lacks-scopes", Place.lacksScopes)) }
        return steps
    }

    /// The callers a token names, read into their variables, and the refusal of a request
    /// that names none of those its limits count.
    static let callerSteps = [Step("caller", Place.readsCaller, every: true), Step("refused", Place.refusesUnnamed)]

    /// The steps of a per-caller cache.
    static let cacheSteps = [
        Step("looks-up", Place.looksUpPerCaller), Step("subject", at: Place.cacheSubject, onlyIf: "looks-up"), Step("stores", Place.storesPerCaller),
    ]

    /// An introspection answer for an active token with every scope of the fixtures, these
    /// string claims and these fields written as JSON.
    static func activeResult(_ claims: [(String, String)], json: [(String, String)] = []) -> String {
        let fields = [("active", "true"), ("scope", "\"items.read items.audit\"")] + claims.map { ($0.0, "\"\($0.1)\"") } + json
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    static var probes: [Probe] {
        var probes: [Probe] = []
        func add(_ label: String, _ file: String, _ context: MockRequest, _ steps: [Step]) {
            probes.append(Probe(label: label, file: file, context: context, steps: steps))
        }
        let jwtItems = { (route: String) in operation("exprs", "jwt-items", route) }
        let peerItems = { (route: String) in operation("exprs", "peer-items", route) }
        let rateKey = Step("key", at: Place.rateKey)
        let quotaKey = Step("key", at: Place.quotaKey)

        // Callers a token names, under each kind of token. The other claims each route's
        // limits count are present unless the key's claims are the ones missing.
        func claims(_ generation: String, without dropped: [String]) -> [(String, String)] {
            [("sub", "s"), ("azp", "app"), ("tid", "t"), ("org", "o")].filter { !dropped.contains($0.0) }.map { ($0.0, "\($0.1)-\(generation)") }
        }
        func request(_ kind: String, _ claims: [(String, String)]) -> MockRequest {
            kind == "jwt" ? .jwt(claims) : .introspected(activeResult(claims))
        }
        let identityRoutes: [(key: String, kind: String, file: String, keyStep: Step, claim: String, dropped: [String])] = [
            ("user", "jwt", jwtItems("by-user"), rateKey, "sub", ["sub"]),
            ("client", "jwt", jwtItems("by-client"), rateKey, "azp", ["azp", "appid", "client_id"]),
            ("claim", "jwt", jwtItems("by-claim"), rateKey, "tid", ["tid"]),
            ("user", "introspection", peerItems("any-of"), rateKey, "sub", ["sub"]),
            ("client", "introspection", peerItems("any-of"), quotaKey, "azp", ["azp", "appid", "client_id"]),
            ("claim", "introspection", peerItems("all-of"), rateKey, "org", ["org"]),
        ]
        for route in identityRoutes {
            let steps = (route.kind == "jwt" ? [] : introspectionSteps()) + callerSteps + [route.keyStep]
            let callers: [(String, [(String, String)])] = [
                ("a", claims("0", without: route.dropped) + [(route.claim, "v-1")]),
                ("a-other-token", claims("9", without: route.dropped) + [(route.claim, "v-1")]),
                ("b", claims("0", without: route.dropped) + [(route.claim, "v-2")]),
                ("none-1", claims("1", without: route.dropped)),
                ("none-2", claims("2", without: route.dropped)),
                ("empty", claims("0", without: route.dropped) + [(route.claim, "")]),
            ]
            for (name, claims) in callers {
                add("\(route.key).\(route.kind).\(name)", route.file, request(route.kind, claims), steps)
            }
        }

        // The client is azp, else appid, else client_id; an empty claim counts as absent.
        for (kind, file, keyStep) in [("jwt", jwtItems("by-client"), rateKey), ("introspection", peerItems("any-of"), quotaKey)] {
            let steps = (kind == "jwt" ? [] : introspectionSteps()) + callerSteps + [keyStep]
            let others = claims("0", without: ["azp", "appid", "client_id"])
            let clients: [(String, [(String, String)])] = [
                ("azp", [("azp", "app-x")]), ("appid", [("appid", "app-x")]), ("client_id", [("client_id", "app-x")]),
                ("all-three", [("azp", "app-x"), ("appid", "app-y"), ("client_id", "app-z")]),
                ("appid-and-client_id", [("appid", "app-x"), ("client_id", "app-z")]),
                ("empty-azp", [("azp", ""), ("appid", "app-x")]), ("other", [("appid", "app-y")]),
            ]
            for (name, client) in clients {
                add("client-fallback.\(kind).\(name)", file, request(kind, others + client), steps)
            }
        }

        // A header value spelling another budget's prefix and caller; a route's own budget.
        add("header.crafted", jwtItems("inherited"), MockRequest().header("X-Tenant-Id", "by-user:alice"), [rateKey])
        add("header.target", jwtItems("by-user"), .jwt([("sub", "alice"), ("tid", "t-1")]), callerSteps + [rateKey])
        add("budget.api", operation("contoso", "orders", "list-orders"), .jwt([("sub", "alice")]), callerSteps + [rateKey])
        add("budget.route", operation("contoso", "orders", "create-order"), .jwt([("sub", "alice")]), callerSteps + [rateKey])

        // Claims with several values.
        let groupsSteps = introspectionSteps(callBudget: false) + callerSteps + [quotaKey]
        for (name, groups) in [("two", "[\"g-1\",\"g-2\"]"), ("one", "[\"g-1\"]"), ("text", "\"g-1\""), ("empty", "[]"), ("empty-object", "{}")] {
            add("array.groups.\(name)", peerItems("cached-per-user"), .introspected(activeResult([("sub", "alice")], json: [("groups", groups)])), groupsSteps)
        }
        add("array.tid.two", jwtItems("by-user"), .jwt([("sub", "alice"), ("tid", "t-1"), ("tid", "t-2")]), callerSteps + [quotaKey])
        add("array.tid.one", jwtItems("by-user"), .jwt([("sub", "alice"), ("tid", "t-1")]), callerSteps + [quotaKey])

        // Per-user caches, behind limits that count other callers and behind a user limit.
        let cacheCallers: [(String, [(String, String)])] = [
            ("alice", [("sub", "alice")]), ("alice-other-token", [("sub", "alice"), ("azp", "other-app")]), ("bob", [("sub", "bob")]),
            ("nosub-1", [("azp", "app-1")]), ("nosub-2", [("azp", "app-2")]), ("empty-sub", [("sub", ""), ("azp", "app-1")]),
        ]
        for (name, caller) in cacheCallers {
            add("cache.jwt.\(name)", jwtItems("cached-per-user"), .jwt(caller + [("tid", "t-1")]), callerSteps + cacheSteps)
            add(
                "cache.introspection.\(name)", peerItems("cached-per-user"),
                .introspected(activeResult(caller, json: [("groups", "[\"g-1\"]")])),
                introspectionSteps(callBudget: false) + callerSteps + cacheSteps)
        }
        add("cache.jwt-limited.nosub", jwtItems("by-user"), .jwt([("azp", "app-1"), ("tid", "t-1")]), callerSteps + cacheSteps)
        // The query the caller sent: a per-user cache that varies on none of it, and a shared
        // one that varies on `category` and `page`, sets `api-version` and removes `debug`.
        let alice = MockRequest.jwt([("sub", "alice"), ("tid", "t-1")])
        add("query.per-user.none", jwtItems("cached-per-user"), alice, callerSteps + cacheSteps)
        add("query.per-user.subscription-key", jwtItems("cached-per-user"), alice.query("subscription-key", "k"), callerSteps + cacheSteps)
        add("query.per-user.unkeyed", jwtItems("cached-per-user"), alice.query("page", "2"), callerSteps + cacheSteps)
        let sharedSteps = [Step("looks-up", Place.looksUpShared), Step("stores", Place.storesShared)]
        let catalog = operation("contoso", "catalog", "list-products")
        let queries: [(String, MockRequest)] = [
            ("none", MockRequest()), ("keyed", MockRequest().query("category", "shoes").query("page", "2")),
            ("set-and-removed", MockRequest().query("api-version", "1999-01-01").query("debug", "1")),
            ("subscription-key", MockRequest().query("subscription-key", "k").query("category", "")),
            ("unkeyed", MockRequest().query("category", "shoes").query("lang", "fr")),
            ("keyed-twice", MockRequest().query("category", "shoes", "hats")),
            ("other-case", MockRequest().query("Category", "shoes")),
        ]
        for (name, request) in queries { add("query.shared.\(name)", catalog, request, sharedSteps) }
        add("cache.introspection-limited.nosub", peerItems("any-of"), .introspected(activeResult([("azp", "app-1")])), introspectionSteps() + callerSteps + cacheSteps)

        // Keys read from the request itself.
        add("subscription.one", jwtItems("by-subscription"), MockRequest().subscription("sub-1"), [rateKey])
        add("subscription.two", jwtItems("by-subscription"), MockRequest().subscription("sub-2"), [rateKey])
        add("subscription.none", jwtItems("by-subscription"), MockRequest(), [rateKey])
        add("ip.one", jwtItems("by-ip"), MockRequest().ip("198.51.100.7"), [rateKey])
        add("ip.two", jwtItems("by-ip"), MockRequest().ip("198.51.100.8"), [rateKey])
        let headerSteps = [Step("refused", Place.refusesWithoutHeader), quotaKey]
        add("header.one", jwtItems("by-ip"), MockRequest().header("X-Probe", "one"), headerSteps)
        add("header.two", jwtItems("by-ip"), MockRequest().header("X-Probe", "two"), headerSteps)
        add("header.missing", jwtItems("by-ip"), MockRequest(), headerSteps)
        add("header.empty", jwtItems("by-ip"), MockRequest().header("X-Probe", ""), headerSteps)

        // Introspection: what the provider answers, and what is made of it.
        let anyOf = peerItems("any-of")
        let introspection = introspectionSteps()
        let answers: [(String, MockRequest)] = [
            ("answer.active", .introspected(activeResult([("sub", "alice")]))),
            ("answer.not-json", .introspected("<html><body>502 Bad Gateway</body></html>")),
            ("answer.json-array", .introspected("[" + activeResult([("sub", "alice")]) + "]")),
            ("answer.empty-body", .introspected("")),
            ("answer.http-500", MockRequest.bearer("token-1").answering(500, activeResult([("sub", "alice")]))),
            ("answer.no-response", .bearer("token-1")),
            ("answer.null-response", MockRequest.bearer("token-1").variable(PolicyNames.introspectionResponse, "null")),
            ("answer.cached", MockRequest.bearer("token-1").variable(PolicyNames.introspection, cs(activeResult([("sub", "alice")])))),
            // Some of Microsoft's pages say a lookup miss leaves the variable null rather than unset.
            ("answer.miss-as-null", MockRequest.bearer("token-1").variable(PolicyNames.introspection, "null").answering(200, activeResult([("sub", "alice")]))),
            ("active.true", .introspected("{\"active\":true,\"scope\":\"items.read\"}")),
            ("active.false", .introspected("{\"active\":false,\"scope\":\"items.read\"}")),
            ("active.null", .introspected("{\"active\":null,\"scope\":\"items.read\"}")),
            ("active.string-true", .introspected("{\"active\":\"true\",\"scope\":\"items.read\"}")),
            ("active.number", .introspected("{\"active\":1,\"scope\":\"items.read\"}")),
            ("active.missing", .introspected("{\"scope\":\"items.read\"}")),
            ("active.server-error", .introspected("{\"error\":\"server_error\"}")),
            ("key.token-a", MockRequest.bearer("token-a").answering(200, activeResult([("sub", "alice")]))),
            ("key.token-b", MockRequest.bearer("token-b").answering(200, activeResult([("sub", "alice")]))),
            ("bearer.bearer", MockRequest.bearer("abc.def").answering(200, activeResult([("sub", "alice")]))),
            ("bearer.lowercase", MockRequest.credentials().header("Authorization", "bearer  abc.def ")),
            ("bearer.basic", MockRequest().header("Authorization", "Basic Z2F0ZXdheQ==")),
            ("bearer.scheme-only", MockRequest().header("Authorization", "Bearer ")),
            ("bearer.missing", MockRequest()),
            ("request.encoded", MockRequest.bearer("a+b/c=", clientId: "a b", clientSecret: "p&q:r")),
            ("call-budget.token-a.ip-1", MockRequest.bearer("token-a").ip("198.51.100.7")),
            ("call-budget.token-b.ip-1", MockRequest.bearer("token-b").ip("198.51.100.7")),
            ("call-budget.token-a.ip-2", MockRequest.bearer("token-a").ip("198.51.100.8")),
        ]
        for (label, context) in answers { add(label, anyOf, context, introspection) }
        /// An answer whose `exp` is `seconds` (C#) from now.
        func expiring(_ seconds: String) -> MockRequest {
            MockRequest.bearer("token-1").answering(
                200, csharp: "\"{\\\"active\\\":true,\\\"exp\\\":\" + (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + \(seconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) + \"}\"")
        }
        add("duration.no-exp", anyOf, .introspected("{\"active\":true}"), introspection)
        add("duration.exp-later", anyOf, expiring("3600"), introspection)
        add("duration.exp-in-10s", anyOf, expiring("10"), introspection)
        add("duration.exp-fraction", anyOf, expiring("20.5"), introspection)
        add("duration.exp-passed", anyOf, expiring("-60"), introspection)
        add("duration.exp-text", anyOf, .introspected("{\"active\":true,\"exp\":\"soon\"}"), introspection)
        add("duration.exp-huge", anyOf, .introspected("{\"active\":true,\"exp\":1e300}"), introspection)
        // Past long's range as an integer (a BigInteger to Json.NET) and long ago (audit V32).
        add("duration.exp-huge-integer", anyOf, .introspected("{\"active\":true,\"exp\":100000000000000000000000}"), introspection)
        add("duration.exp-long-ago", anyOf, .introspected("{\"active\":true,\"exp\":-1e300}"), introspection)

        // Scopes as a space-separated string or an array; a prefix grants nothing.
        let scopes: [(String, String, String)] = [
            ("any", "one-granted", "\"openid items.audit\""), ("any", "other", "\"items.write\""), ("any", "none", "null"),
            ("any", "prefix-only", "\"items.reader items.aud\""), ("any", "array", "[\"openid\",\"items.read\"]"),
            ("any", "array-other", "[\"items.write\"]"), ("any", "array-prefix-only", "[\"items.reade\",\"items.auditor\"]"),
            ("any", "not-text", "5"),
            ("all", "one-granted", "\"items.read\""), ("all", "both-granted", "\"items.audit  items.read\""),
            ("all", "prefix-only", "\"items.read items.audi\""), ("all", "array", "[\"items.audit\",\"items.read\"]"),
            ("all", "array-one", "[\"items.read\"]"),
        ]
        for (match, name, scope) in scopes {
            add(
                "scopes.\(match).\(name)", peerItems(match == "any" ? "any-of" : "all-of"),
                .introspected("{\"active\":true,\"scope\":\(scope)}"), introspection)
        }

        // Delegated scopes or application roles; the audience an introspected token names.
        let permissions = Step("lacks-permissions", { $0.place == "inbound/choose/when[403]@condition" && $0.code.contains("granted1") })
        let tokens: [(String, [(String, String)])] = [
            ("scp", [("scp", "openid items.read")]), ("roles", [("roles", "items.audit")]), ("neither", [("scp", "items.write")]),
            ("role-as-scope", [("scp", "items.audit")]),
            // A role or group is one value, spaces and all (audit V92: a group named "Not
            // items.audit" passed as the role).
            ("role-in-a-name", [("roles", "Not items.audit")]), ("roles-array", [("roles", "Team Leads"), ("roles", "items.audit")]),
        ]
        for (name, claims) in tokens { add("permissions.jwt.\(name)", jwtItems("scopes-or-roles"), .jwt(claims), [permissions]) }
        for (name, answer) in [("role-in-a-name", "\"roles\":\"Not items.audit\""), ("role", "\"roles\":\"items.audit\""), ("roles-array", "\"roles\":[\"Team Leads\",\"items.audit\"]")] {
            add("permissions.introspection.\(name)", peerItems("scopes-or-roles"), .introspected("{\"active\":true,\(answer)}"), introspectionSteps(scopes: false) + [permissions])
        }
        for (name, audience) in [("match", "\"api://exprs\""), ("array", "[\"api://other\",\"api://exprs\"]"), ("other", "\"api://other\""), ("missing", "null")] {
            add(
                "audience.\(name)", anyOf, .introspected("{\"active\":true,\"aud\":\(audience)}"),
                introspectionSteps(scopes: false) + [Step("foreign-audience", Place.foreignAudience)])
        }
        // The audience that names a named value, read from the variable its literal
        // `set-variable` holds once APIM has filled the value in (the audit of expressions:
        // written into the C#, it was compared as the text '{{peer-audience}}').
        add(
            "audience.named", anyOf,
            MockRequest.introspected("{\"active\":true,\"aud\":\"api://exprs-peer\"}").variable(PolicyNames.audiencePrefix + "2", cs("api://exprs-peer")),
            introspectionSteps(scopes: false) + [Step("foreign-audience", Place.foreignAudience)])
        return probes
    }

    // MARK: Session

    enum Outcome: Sendable, Equatable {
        case value(String)
        case null
        case threw(String)
        /// The step did not run: its `when` did not hold, or the request had ended.
        case skipped

        var threw: Bool {
            if case .threw = self { return true }
            return false
        }
    }

    /// The expressions of both projects' bundles, built once for the tests of this class.
    struct Harvest: Sendable {
        var expressions: [Expression]
        var distinct: [ExpressionHarness.Distinct]
    }

    /// The probes as C# statements, and what keeps a probe from running.
    struct Scenarios: Sendable {
        var csharp: [String]
        var problems: [String: String]
    }

    /// One compilation and mono run over the harvest, shared by the tests of this class.
    struct Session: Sendable {
        var harvest: Harvest
        var compileErrors: [ExpressionHarness.CompileError]
        var problems: [String: String]
        /// By `probe/step`.
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

    /// Also without mono.
    static let scenarios = Result<Scenarios, any Error> { try scenarios(probes, in: harvest.get()) }

    static let session = Result<Session, any Error> { try makeSession(harvest.get(), scenarios.get()) }

    /// Each probe as one `Scenario` statement, its steps in policy order.
    static func scenarios(_ probes: [Probe], in harvest: Harvest) -> Scenarios {
        var methods: [String: Int] = [:]
        for (index, distinct) in harvest.distinct.enumerated() { methods[distinct.code] = index }
        var statements: [String] = []
        var problems: [String: String] = [:]
        var labels: Set<String> = []
        probes: for probe in probes {
            guard labels.insert(probe.label).inserted else {
                problems[probe.label] = "the label is used twice"
                continue
            }
            var calls: [String] = []
            var names: Set<String> = []
            var line = 0
            for step in probe.steps {
                let matches = harvest.expressions.filter { $0.file == probe.file && step.selects($0) }.sorted { $0.line < $1.line }
                guard step.every ? !matches.isEmpty : matches.count == 1 else {
                    problems[probe.label] = "step '\(step.name)' selects \(matches.count) expressions of \(probe.file)"
                    continue probes
                }
                if let condition = step.onlyIf, !names.contains(condition) {
                    problems[probe.label] = "step '\(step.name)' sits in '\(condition)', which is no earlier step"
                    continue probes
                }
                for (index, expression) in matches.enumerated() {
                    guard expression.line >= line else {
                        problems[probe.label] = "step '\(step.name)' comes before the step it follows in \(probe.file)"
                        continue probes
                    }
                    line = expression.line
                    let name = step.every ? "\(step.name)-\(index + 1)" : step.name
                    names.insert(name)
                    let arguments = [
                        cs(name), "c => Harvested.E\(methods[expression.code]!)(c)", storedVariable(expression.place).map(cs) ?? "null",
                        step.onlyIf.map(cs) ?? "null", endsRequest(expression.place) ? "true" : "false",
                    ]
                    calls.append("            .Step(" + arguments.joined(separator: ", ") + ")")
                }
                names.insert(step.name)
            }
            statements.append("        new Scenario(\(cs(probe.label)), \(probe.context.csharp))\n" + calls.joined(separator: "\n") + ";")
        }
        return Scenarios(csharp: statements, problems: problems)
    }

    /// The variable a `set-variable` stores its value under.
    static func storedVariable(_ place: String) -> String? {
        guard let last = place.split(separator: "/").last, last.hasPrefix("set-variable["), last.hasSuffix("]@value") else { return nil }
        return String(last.dropFirst("set-variable[".count).dropLast("]@value".count))
    }

    /// Whether the expression is the condition of a `when` that returns a response (the
    /// harvest names such a `when` by its status, `when[403]`).
    static func endsRequest(_ place: String) -> Bool {
        guard let last = place.split(separator: "/").last else { return false }
        return last.hasPrefix("when[") && last.hasSuffix("]@condition")
    }

    private static func makeSession(_ harvest: Harvest, _ scenarios: Scenarios) throws -> Session {
        let started = Date()
        let tools = try ExpressionHarness.Toolchain.find()
        let scratch = try BundleTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let main = scratch.appendingPathComponent("Probes.cs")
        try """
        using System;
        using Apim.Expressions;
        using Apim.Expressions.Mocks;

        public static class Probes
        {
            public static void Main()
            {
        \(scenarios.csharp.joined(separator: "\n"))
            }
        }

        """.write(to: main, atomically: true, encoding: .utf8)
        let program = scratch.appendingPathComponent("probes.exe")
        let errors = try ExpressionHarness.compile(
            harvest.distinct, extra: [ExpressionHarness.support.appendingPathComponent("ApimExpressionMocks.cs"), main], executable: program,
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
                switch fields[1] {
                case "ok": outcomes[fields[0]] = .value(fields[2])
                case "null": outcomes[fields[0]] = .null
                case "skipped": outcomes[fields[0]] = .skipped
                default: outcomes[fields[0]] = .threw(fields[2])
                }
            }
        }
        print("policy expressions: compiled and probed in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        return Session(harvest: harvest, compileErrors: errors, problems: scenarios.problems, outcomes: outcomes)
    }

    // MARK: Helpers

    /// Stops a behaviour test at once, with one failure, when nothing could run.
    func requireProbes() throws {
        guard try Self.session.get().compileErrors.isEmpty else {
            throw HarnessError("the expressions do not compile, so no probe ran; see testEveryEmittedExpressionCompilesAgainstTheAPIMContext")
        }
    }

    func outcome(_ probe: String, _ step: String) throws -> Outcome {
        let session = try Self.session.get()
        if let problem = session.problems[probe] { throw HarnessError("probe '\(probe)': \(problem)") }
        guard let outcome = session.outcomes["\(probe)/\(step)"] else { throw HarnessError("probe '\(probe)' has no step '\(step)'") }
        return outcome
    }

    /// The value a step returned; throwing, returning null or not running fails the calling
    /// test, naming the step that threw when that is why this one did not run.
    func value(_ probe: String, _ step: String) throws -> String {
        let outcome = try outcome(probe, step)
        guard case .value(let text) = outcome else {
            let threw = try Self.session.get().outcomes.first { $0.key.hasPrefix("\(probe)/") && $0.value.threw }
            throw HarnessError("probe '\(probe)', step '\(step)': \(outcome)" + (threw.map { " (after \($0.key): \($0.value))" } ?? ""))
        }
        return text
    }

    func observed(_ steps: (String, String)...) -> String {
        steps.map { step in "\(step.0)/\(step.1) → \((try? outcome(step.0, step.1)).map { "\($0)" } ?? "no outcome")" }.joined(separator: "; ")
    }

    static func distinctLines(_ expressions: [Expression]) -> String {
        ExpressionHarness.distinct(expressions).map { "  \($0.first.location)\n    \($0.code)" }.joined(separator: "\n")
    }
}
