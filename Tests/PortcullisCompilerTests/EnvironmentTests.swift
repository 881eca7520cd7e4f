import Foundation
import XCTest

/// `kind: Environment` documents, through the executable: what each environment's bundle
/// holds, how a finding of one environment is reported, and what an environment may not do.
final class EnvironmentTests: XCTestCase {
    private var directory: URL!
    private var project: URL { directory.appendingPathComponent("project") }

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        try FileManager.default.copyItem(at: BundleTests.contoso, to: project)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: project.appendingPathComponent(path))
    }

    private func environment(_ name: String, _ body: String) -> String {
        "apiVersion: portcullis/v1\nkind: Environment\nname: \(name)\n" + body
    }

    /// Every file of a bundle as text, by path.
    private func texts(_ folder: URL) throws -> [String: String] {
        var found: [String: String] = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(relative).path) {
                found[relative] = String(decoding: data, as: UTF8.self)
            }
        }
        return found
    }

    /// `diff` without `--env` compared the definitions as written only, so a pull request
    /// that changed nothing but an environment's file (here prod accepting any audience)
    /// passed the documented gate with "no changes" (found by a hostile audit). Each
    /// environment either side declares is compared too, and its changes say which.
    func testDiffComparesEveryEnvironmentUnlessOneIsNamed() throws {
        let head = directory.appendingPathComponent("head")
        try FileManager.default.copyItem(at: project, to: head)
        let prod = head.appendingPathComponent("environments/prod.yaml")
        let text = try String(contentsOf: prod, encoding: .utf8)
        XCTAssertTrue(text.contains("gateway:\n  namedValues:"))
        try text.replacingOccurrences(of: "gateway:\n  namedValues:", with: "gateway:\n  identityProviders:\n    entra: {audiences: [api://anything]}\n  namedValues:")
            .write(to: prod, atomically: true, encoding: .utf8)
        let result = try ToolProcess.run(["diff", "project", "head", "--fail-on", "privilege-increase"], in: directory)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(
            result.stdout.contains("head/environments/prod.yaml:8:25: privilege increase: in environment 'prod', identity provider 'entra' now accepts audience 'api://anything'\n"),
            result.stdout)
        // Redis changes point at the override too, not at the gateway's unchanged 'redis:'
        // (from the audit of environments).
        try String(contentsOf: prod, encoding: .utf8).replacingOccurrences(of: "gateway:\n", with: "gateway:\n  redis: {tls: false, keyPrefix: shared}\n")
            .write(to: prod, atomically: true, encoding: .utf8)
        let redis = try ToolProcess.run(["diff", "project", "head"], in: directory)
        for expected in [
            "head/environments/prod.yaml:7:16: privilege increase: in environment 'prod', Redis connections are no longer encrypted\n",
            "head/environments/prod.yaml:7:34: cache widened: in environment 'prod', Redis keys now start with 'shared', not 'contoso': entries are shared with whatever writes under it\n",
        ] {
            XCTAssertTrue(redis.stdout.contains(expected), "missing: \(expected)in:\n\(redis.stdout)")
        }
        // Named, an environment is compared alone, as before.
        let dev = try ToolProcess.run(["diff", "project", "head", "--env", "dev"], in: directory)
        XCTAssertEqual(dev.status, 0, dev.stdout + dev.stderr)
        XCTAssertFalse(dev.stdout.contains("in environment"), dev.stdout)
    }

    /// A change several environments make, each in its own file, is shown for each, at its
    /// file: the same widening in dev and prod was shown once, as dev's, and prod's file was
    /// never named (found by an audit). One they show alike at one place names them all
    /// (`DiffGateTests`).
    func testDiffShowsAChangeEveryEnvironmentMakesForEach() throws {
        let head = directory.appendingPathComponent("head")
        try FileManager.default.copyItem(at: project, to: head)
        for (name, old, new) in [
            ("dev", "allowedOrigins: [https://shop.dev.contoso.com, http://localhost:5173]",
             "allowedOrigins: [https://shop.dev.contoso.com, http://localhost:5173, https://evil.example]"),
            ("prod", "gateway:\n", "gateway:\n  cors: {allowedOrigins: [https://shop.contoso.com, https://evil.example]}\n"),
        ] {
            let file = head.appendingPathComponent("environments/\(name).yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
            XCTAssertTrue(text.contains(old), name)
            try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
        }
        let result = try ToolProcess.run(["diff", "project", "head", "--fail-on", "privilege-increase"], in: directory)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertEqual(
            result.stdout,
            """
            head/environments/dev.yaml:21:75: privilege increase: in environment 'dev', CORS now allows origin 'https://evil.example'
            head/environments/prod.yaml:7:53: privilege increase: in environment 'prod', CORS now allows origin 'https://evil.example'
            2 changes: 2 privilege increase

            """)
    }

    func testTheSampleBuildsOneBundlePerEnvironmentWithThatEnvironmentsValuesOnly() throws {
        let lint = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        var bundles: [String: [String: String]] = [:]
        for name in ["dev", "test", "prod"] {
            let out = directory.appendingPathComponent("bundle-\(name)")
            let build = try ToolProcess.run(["build", "project", "--env", name, "--out", out.path, "--quiet"], in: directory)
            XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
            bundles[name] = try texts(out)
        }
        let prod = try XCTUnwrap(bundles["prod"])
        let everything = prod.values.joined(separator: "\n")
        XCTAssertTrue(prod["manifest.json"]!.contains(#""environment" : "prod""#))
        XCTAssertTrue(prod["apim/apis/orders/apiInformation.json"]!.contains("https://orders.prod.contoso.com/api"))
        XCTAssertTrue(prod["apim/apis/orders/operations/get-order/policy.xml"]!.contains(#"calls="1200""#), "prod's rate limit")
        XCTAssertTrue(
            prod["apim/named values/redis-connection/namedValueInformation.json"]!
                .contains("https://contoso-prod-kv.vault.azure.net/secrets/redis-connection"))
        XCTAssertTrue(prod["apim/named values/tenant-id/namedValueInformation.json"]!.contains("72f988bf"), "the tenant as written")
        for devValue in ["dev.contoso.com", "contoso-dev", "5f1c2a9e", "localhost", "sandbox.partner"] {
            XCTAssertFalse(everything.contains(devValue), "prod's bundle holds dev's '\(devValue)'")
        }
        let dev = try XCTUnwrap(bundles["dev"])
        XCTAssertTrue(dev["apim/named values/tenant-id/namedValueInformation.json"]!.contains("5f1c2a9e"))
        XCTAssertTrue(dev["apim/apis/orders/operations/get-order/policy.xml"]!.contains(#"calls="60""#))
        XCTAssertFalse(dev.values.joined().contains("contoso-prod-kv"))
    }

    func testAProblemOnlyProdHasIsReportedOnceAtProdsOverrideInEveryFormat() throws {
        // 10m per user is over the 5m guardrail: only prod sets it.
        try write(
            environment("prod", "apis:\n  orders:\n    routes:\n      list-orders:\n        cache: {ttl: 10m}\n"),
            to: "environments/prod.yaml")
        let text = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(text.status, 1)
        let expected = """
            project/environments/prod.yaml:8:22: error: route 'list-orders' caches for 10m, longer than the per-user limit of 5m [CA002]
             8 |         cache: {ttl: 10m}
               |                      ^~~
            project/gateway.yaml:54:14: note: 'guardrails.maxCacheTtl.perUser' is set here
            project/environments/prod.yaml:3:7: note: only in environment 'prod'
            1 error, 0 warnings in 9 files

            """
        XCTAssertEqual(text.stdout, expected)

        let json = try ToolProcess.run(["lint", "project", "--format", "json"], in: directory)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let diagnostics = try XCTUnwrap(report["diagnostics"] as? [[String: Any]])
        XCTAssertEqual(diagnostics.count, 1)
        XCTAssertEqual(diagnostics[0]["code"] as? String, "CA002")
        XCTAssertTrue(json.stdout.contains("only in environment 'prod'"))
        XCTAssertTrue(json.stdout.contains("environments/prod.yaml"))

        let sarif = try ToolProcess.run(["lint", "project", "--format", "sarif"], in: directory)
        let log = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let results = try XCTUnwrap(((log["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        XCTAssertEqual(results.count, 1)
        XCTAssertTrue(sarif.stdout.contains("only in environment 'prod'"))
        XCTAssertTrue(sarif.stdout.contains("environments/prod.yaml"))

        // Checked alone, prod has the finding; dev does not.
        XCTAssertEqual(try ToolProcess.run(["lint", "project", "--env", "prod", "--quiet"], in: directory).status, 1)
        XCTAssertEqual(try ToolProcess.run(["lint", "project", "--env", "dev", "--quiet"], in: directory).status, 0)
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", "project", "--env", "prod", "--out", out.path, "--quiet"], in: directory)
        XCTAssertEqual(build.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// A provider's audiences written as a named value's reference that an environment sets
    /// to nothing built a check of an empty audience in that environment's bundle, and lint
    /// was clean, where the same in a raw check is LP002 (found by the audit of the
    /// forty-second round).
    func testAProviderWhoseAudiencesHoldNothingInAnEnvironmentChecksNoAudience() throws {
        let prod = project.appendingPathComponent("environments/prod.yaml")
        let text = try String(contentsOf: prod, encoding: .utf8)
        XCTAssertTrue(text.contains("api-client-id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"))
        try text.replacingOccurrences(of: "api-client-id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", with: "api-client-id: \"\"")
            .write(to: prod, atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(
            lint.stdout.contains(
                "error: identity provider 'entra' checks no audience, as its 'audiences' hold nothing once named values are put in, so a token its issuer signed for another API passes [LP002]"
            ), lint.stdout)
        XCTAssertTrue(lint.stdout.contains("project/environments/prod.yaml:5:7: note: only in environment 'prod'"), lint.stdout)
        XCTAssertEqual(try ToolProcess.run(["lint", "project", "--env", "dev", "--quiet"], in: directory).status, 0)
        let out = directory.appendingPathComponent("bundle")
        XCTAssertEqual(try ToolProcess.run(["build", "project", "--env", "prod", "--out", out.path, "--quiet"], in: directory).status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testAnInheritedValueAnEnvironmentSetsIsNotedAtTheOverride() throws {
        try write(environment("prod", "apis:\n  orders:\n    rateLimit: none\n"), to: "environments/prod.yaml")
        let result = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(result.status, 1)
        let expected = """
            project/apis/orders.yaml:12:9: error: route 'list-orders' has its rate limit switched off [RL001]
             12 |   - id: list-orders
                |         ^~~~~~~~~~~
            project/environments/prod.yaml:6:16: note: 'rateLimit: none' inherited from API 'orders' here
            project/environments/prod.yaml:3:7: note: only in environment 'prod'

            """
        XCTAssertTrue(result.stdout.hasPrefix(expected), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("3 errors, 0 warnings in 9 files\n"), result.stdout)
    }

    func testAFindingTheEnvironmentsOverrideSaysWhereItDoesNotApply() throws {
        try write(environment("prod", "apis:\n  catalog:\n    backend: http://catalog.prod.contoso.com\n"), to: "environments/prod.yaml")
        let result = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.stdout.contains("project/environments/prod.yaml:6:14: error: 'backend' uses plain http:// [SE003]"),
            result.stdout)
        try write(
            environment("prod", "apis:\n  catalog:\n    backend: https://catalog.prod.contoso.com\n"), to: "environments/prod.yaml")
        var api = try String(contentsOf: project.appendingPathComponent("apis/catalog.yaml"), encoding: .utf8)
        api = api.replacingOccurrences(of: "backend: https://catalog.internal", with: "backend: http://catalog.internal")
        try write(api, to: "apis/catalog.yaml")
        let base = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
        XCTAssertTrue(base.stdout.contains("error: 'backend' uses plain http:// [SE003]"), base.stdout)
        XCTAssertTrue(base.stdout.contains("note: not in environments 'dev', 'prod' and 'test', which override the values involved"), base.stdout)
        XCTAssertEqual(base.stdout.components(separatedBy: "[SE003]").count - 1, 1, "reported once")
    }

    func testASuppressionUsedWithoutAnEnvironmentIsNotUnusedInOneThatOverridesTheValue() throws {
        var api = try String(contentsOf: project.appendingPathComponent("apis/catalog.yaml"), encoding: .utf8)
        api = api.replacingOccurrences(
            of: "backend: https://catalog.internal.contoso.com",
            with: "backend: http://catalog.internal.contoso.com  # portcullis:ignore SE003 -- plain HTTP inside the cluster")
        try write(api, to: "apis/catalog.yaml")
        let result = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 9 files\n", "every environment sets an https backend")
        XCTAssertEqual(result.status, 0)
    }

    func testASuppressionOnlyTheDefinitionsAsWrittenUseIsNotUnusedWhenOneEnvironmentIsChecked() throws {
        var api = try String(contentsOf: project.appendingPathComponent("apis/catalog.yaml"), encoding: .utf8)
        api = api.replacingOccurrences(
            of: "backend: https://catalog.internal.contoso.com",
            with: "backend: http://catalog.internal.contoso.com  # portcullis:ignore SE003 -- plain HTTP inside the cluster")
        try write(api, to: "apis/catalog.yaml")
        // Every environment sets an https backend: only a check of them all can tell.
        let result = try ToolProcess.run(["lint", "project", "--env", "prod", "--warnings-as-errors"], in: directory)
        XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 9 files\n")
        XCTAssertEqual(result.status, 0)
        api = api.replacingOccurrences(of: "backend: http://", with: "backend: https://")
        try write(api, to: "apis/catalog.yaml")
        let unused = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertTrue(unused.stdout.contains("warning: suppression of 'SE003' silenced nothing [SU003]"), unused.stdout)
    }

    func testASuppressionInTheEnvironmentsFileSilencesItsFinding() throws {
        try write(
            environment(
                "prod",
                "apis:\n  orders:\n    routes:\n      list-orders:\n        cache: {ttl: 10m}  # portcullis:ignore CA002 -- agreed with the data owner\n"),
            to: "environments/prod.yaml")
        let result = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 9 files\n")
        XCTAssertEqual(result.status, 0)
    }

    /// A finding an environment's named value causes in a raw policy is placed at the
    /// policy, where a suppression written for the definitions' value silenced it whatever
    /// the environment made of it (audit V98: approved for 2,000 calls, it let 100,000,000
    /// through lint and build). It is silenced at the override instead.
    func testASuppressionForTheDefinitionsValueDoesNotSilenceWhatAnOverrideMakesOfIt() throws {
        let estate = directory.appendingPathComponent("estate")
        try FileManager.default.createDirectory(at: estate.appendingPathComponent("environments"), withIntermediateDirectories: true)
        let files = [
            "gateway.yaml": """
                apiVersion: portcullis/v1
                kind: Gateway
                name: g
                sku: Premium
                namedValues: {calls: "2000"}
                guardrails:
                  maxRateLimit: {calls: 1000, per: 60s}

                """,
            "apis/a.yaml": """
                apiVersion: portcullis/v1
                kind: API
                name: a
                path: a
                backend: https://a.example.com
                routes:
                  - id: feed
                    method: GET
                    path: /feed
                    auth: none
                    public: open data
                    rateLimit: {calls: 10, per: 1s, key: ip}
                    policy: |
                      <policies><inbound><base />
                        <!-- portcullis:ignore RL003 - approved: 2000 a minute for the open-data feed -->
                        <rate-limit calls="{{calls}}" renewal-period="60" />
                      </inbound></policies>

                """,
        ]
        try FileManager.default.createDirectory(at: estate.appendingPathComponent("apis"), withIntermediateDirectories: true)
        for (path, text) in files { try Data(text.utf8).write(to: estate.appendingPathComponent(path)) }
        func prod(_ line: String) throws {
            try Data(environment("prod", "gateway:\n  namedValues:\n    \(line)\n").utf8).write(to: estate.appendingPathComponent("environments/prod.yaml"))
        }
        try prod(#"calls: "100000000""#)
        let lint = try ToolProcess.run(["lint", "estate"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout)
        XCTAssertTrue(
            lint.stdout.contains("estate/apis/a.yaml:16:28: error: raw 'rate-limit' in route 'a/feed' allows 100000000 calls per 1m, more than the guardrail of 1000 calls per 1m [RL003]"),
            lint.stdout)
        XCTAssertTrue(lint.stdout.contains("estate/environments/prod.yaml:3:7: note: only in environment 'prod'"), lint.stdout)
        XCTAssertFalse(lint.stdout.contains("allows 2000 calls"), lint.stdout)
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", "estate", "--env", "prod", "--out", out.path], in: directory)
        XCTAssertEqual(build.status, 1, build.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        // A suppression at the override vouches for it, and is used.
        try prod(#"calls: "100000000"  # portcullis:ignore RL003 -- the feed's launch week"#)
        for arguments in [["lint", "estate"], ["lint", "estate", "--env", "prod"]] {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 3 files\n", arguments.joined(separator: " "))
        }
        // The same value set again by the environment is its own finding too, and `lint` of
        // every environment says so as `lint --env` and `build --env` do (audit V101: it kept
        // the definitions' silenced copy alone, and passed).
        try prod(#"calls: "2000""#)
        for arguments in [["lint", "estate"], ["lint", "estate", "--env", "prod"], ["build", "estate", "--env", "prod", "--out", out.path]] {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertEqual(result.status, 1, arguments.joined(separator: " ") + "\n" + result.stdout)
            XCTAssertTrue(result.stdout.contains("allows 2000 calls per 1m, more than the guardrail of 1000 calls per 1m [RL003]"), result.stdout)
        }
    }

    /// APIM refuses a named value that is empty or only white space: the bundle was built
    /// and the deployment failed after the pull request passed (audit V98).
    func testAnEmptyNamedValueIsRefusedWhereverItIsWritten() throws {
        let prod = project.appendingPathComponent("environments/prod.yaml")
        let text = try String(contentsOf: prod, encoding: .utf8)
        try text.replacingOccurrences(of: "api-client-id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", with: #"api-client-id: """#)
            .write(to: prod, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", "project", "--env", "prod", "--out", out.path], in: directory)
        XCTAssertEqual(build.status, 1, build.stdout)
        XCTAssertTrue(
            build.stdout.contains("project/environments/prod.yaml:8:20: error: named value 'api-client-id' is empty, which APIM does not accept [YS004]"), build.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        try text.write(to: prod, atomically: true, encoding: .utf8)
        let gateway = project.appendingPathComponent("gateway.yaml")
        try (try String(contentsOf: gateway, encoding: .utf8)).replacingOccurrences(
            of: "tenant-id: {value: 72f988bf-86f1-41af-91ab-2d7cd011db47, tags: [identity]}", with: "tenant-id: {value: \"  \", tags: [identity]}"
        ).write(to: gateway, atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertTrue(lint.stdout.contains("error: named value 'tenant-id' is empty, which APIM does not accept [YS004]"), lint.stdout)
    }

    /// Two environments reading one Key Vault secret for Redis and writing under one key
    /// prefix share introspection results and cached responses: a token a test identity
    /// provider made active is served as active in production (audit V100). `lint`, which
    /// checks every environment, reports it where the definitions' prefix is written. A
    /// comment there does not vouch for what an environment's own file sets (audit V108: one
    /// agreed for dev and test silenced prod joining them); one at each place does.
    func testEnvironmentsSharingOneRedisUnderOnePrefixAreRD005() throws {
        let test = project.appendingPathComponent("environments/test.yaml")
        let text = try String(contentsOf: test, encoding: .utf8)
        let shared = text.replacingOccurrences(
            of: "redis-connection: {keyVault: https://contoso-test-kv.vault.azure.net/secrets/redis-connection}",
            with: "redis-connection: {keyVault: https://Contoso-Prod-KV.vault.azure.net/secrets/Redis-Connection}"
        ).replacingOccurrences(of: "keyPrefix: contoso-test", with: "keyPrefix: contoso")
        XCTAssertNotEqual(shared, text)
        try shared.write(to: test, atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout)
        XCTAssertTrue(
            lint.stdout.contains(
                "project/gateway.yaml:45:14: error: environments 'prod' and 'test' share one Redis under key prefix 'contoso' [RD005]"),
            lint.stdout)
        for note in ["prod.yaml:10:34", "test.yaml:11:34", "test.yaml:18:16"] {
            XCTAssertTrue(lint.stdout.contains("project/environments/\(note): note: environment"), lint.stdout)
        }
        XCTAssertFalse(lint.stdout.contains("'dev'"), lint.stdout)
        // A comment beside the definitions' prefix alone does not silence it.
        func vouch(_ path: String, _ line: String) throws {
            let url = project.appendingPathComponent(path)
            let before = try String(contentsOf: url, encoding: .utf8)
            let after = before.replacingOccurrences(of: line + "\n", with: line + "  # portcullis:ignore RD005 -- one cache for both, agreed\n")
            XCTAssertNotEqual(before, after, line)
            try after.write(to: url, atomically: true, encoding: .utf8)
        }
        try vouch("gateway.yaml", "  keyPrefix: contoso")
        let definitionsOnly = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(definitionsOnly.status, 1, definitionsOnly.stdout)
        XCTAssertTrue(definitionsOnly.stdout.contains("[RD005]"), definitionsOnly.stdout)
        try vouch("environments/prod.yaml", "    redis-connection: {keyVault: https://contoso-prod-kv.vault.azure.net/secrets/redis-connection}")
        try vouch("environments/test.yaml", "    redis-connection: {keyVault: https://Contoso-Prod-KV.vault.azure.net/secrets/Redis-Connection}")
        try vouch("environments/test.yaml", "    keyPrefix: contoso")
        let silenced = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(silenced.status, 0, silenced.stdout)
        XCTAssertFalse(silenced.stdout.contains("SU003"), silenced.stdout)
        // Each environment's own prefix mends it; the comments then silence nothing.
        try text.write(to: test, atomically: true, encoding: .utf8)
        let mended = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertTrue(mended.stdout.contains("gateway.yaml:45:23: warning: suppression of 'RD005' silenced nothing [SU003]"), mended.stdout)
        XCTAssertTrue(mended.stdout.contains("prod.yaml:10:101: warning: suppression of 'RD005' silenced nothing [SU003]"), mended.stdout)
        XCTAssertFalse(mended.stdout.contains("[RD005]"), mended.stdout)
        // A run of one environment does not judge them.
        let alone = try ToolProcess.run(["lint", "project", "--env", "prod"], in: directory)
        XCTAssertFalse(alone.stdout.contains("SU003"), alone.stdout)
        // An environment that sets none of its own is vouched for at its name: one added
        // later is not silenced by the comments made before it (audit V110).
        try shared.replacingOccurrences(of: "    keyPrefix: contoso\n", with: "    keyPrefix: contoso  # portcullis:ignore RD005 -- one cache for both, agreed\n")
            .replacingOccurrences(
                of: "Redis-Connection}\n", with: "Redis-Connection}  # portcullis:ignore RD005 -- one cache for both, agreed\n"
            ).write(to: test, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ToolProcess.run(["lint", "project"], in: directory).status, 0)
        // Two added that keep the definitions' Redis: the comment beside its prefix does not
        // vouch for them.
        for name in ["qa", "staging"] {
            try write(environment(name, "apis:\n  orders:\n    backend: https://orders.\(name).contoso.com/api\n"), to: "environments/\(name).yaml")
        }
        let joined = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertTrue(
            joined.stdout.contains("gateway.yaml:45:14: error: environments 'qa' and 'staging' share one Redis under key prefix 'contoso' [RD005]"), joined.stdout)
    }

    func testASuppressionInAnEnvironmentsFileIsNotUnusedWhereThatEnvironmentIsNotChecked() throws {
        try write(
            environment(
                "prod",
                "apis:\n  orders:\n    routes:\n      list-orders:\n        cache: {ttl: 10m}  # portcullis:ignore CA002 -- agreed with the data owner\n"),
            to: "environments/prod.yaml")
        let out = directory.appendingPathComponent("bundle")
        for arguments in [
            ["lint", "project", "--env", "dev", "--warnings-as-errors"],
            ["build", "project", "--out", out.path, "--warnings-as-errors"],
        ] {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 9 files\n", arguments.joined(separator: " "))
            XCTAssertEqual(result.status, 0)
        }
        // Where prod is checked, the suppression is judged.
        try write(
            environment("prod", "apis:\n  orders:\n    routes:\n      list-orders:\n        cache: {ttl: 1m}  # portcullis:ignore CA002 -- agreed with the data owner\n"),
            to: "environments/prod.yaml")
        for arguments in [["lint", "project"], ["lint", "project", "--env", "prod"]] {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertTrue(result.stdout.contains("warning: suppression of 'CA002' silenced nothing [SU003]"), result.stdout)
        }
    }

    func testWhatMayNotDifferAndWhatIsNotDeclaredAreLocatedErrors() throws {
        try write(
            environment(
                "prod",
                """
                gateway:
                  namedValues: {tenant-idd: x}
                  guardrails: {requireRateLimit: false}
                  cors: {allowCredentials: true}
                apis:
                  orders:
                    path: shop
                    routes:
                      get-order: {scopes: [orders.write]}
                      get-ordr: {quota: {calls: 5, per: 1d}}
                  ordrs: {backend: https://x.example}
                products:
                  nobody: {quota: {calls: 5, per: 1d}}

                """), to: "environments/prod.yaml")
        let result = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
        XCTAssertEqual(result.status, 1)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        XCTAssertEqual(
            errors,
            [
                "project/environments/prod.yaml:5:17: error: unknown named value 'tenant-idd' [RF001]",
                "project/environments/prod.yaml:6:3: error: environment 'prod' cannot override 'guardrails', which is the same in every environment [RF007]",
                "project/environments/prod.yaml:7:10: error: environment 'prod' cannot override 'allowCredentials', which is the same in every environment [RF007]",
                "project/environments/prod.yaml:10:5: error: environment 'prod' cannot override 'path', which is the same in every environment [RF007]",
                "project/environments/prod.yaml:12:19: error: environment 'prod' cannot override 'scopes', which is the same in every environment [RF007]",
                "project/environments/prod.yaml:13:7: error: unknown route 'get-ordr' [RF001]",
                "project/environments/prod.yaml:14:3: error: unknown API 'ordrs' [RF001]",
                "project/environments/prod.yaml:16:3: error: unknown product 'nobody' [RF001]",
            ])
        XCTAssertTrue(result.stdout.contains("note: did you mean 'tenant-id'?"))
        XCTAssertTrue(result.stdout.contains("note: here an environment may override 'rateLimit', 'quota', 'cache' or 'backend'"))
    }

    /// A named value's display name and tags are the same everywhere: an environment that
    /// writes them in the long form is refused as for any fixed field (audit V33: tags
    /// were taken silently, and the long form dropped the definitions' display name).
    func testAnEnvironmentSetsANamedValuesValueAlone() throws {
        try write(
            environment("prod", "gateway:\n  namedValues:\n    tenant-id: {value: 11111111-2222-3333-4444-555555555555, displayName: Tenant, tags: [prod]}\n"),
            to: "environments/prod.yaml")
        let result = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(
            result.stdout.split(separator: "\n").filter { $0.contains(": error: ") },
            [
                "project/environments/prod.yaml:6:62: error: environment 'prod' cannot override 'displayName', which is the same in every environment [RF007]",
                "project/environments/prod.yaml:6:83: error: environment 'prod' cannot override 'tags', which is the same in every environment [RF007]",
            ])
    }

    /// A file the reader could not read to its end may declare what an environment
    /// overrides: its APIs, products and backends are not reported unknown then, only the
    /// error itself (the README's promise; found by an audit, where a broken APIs file
    /// made every environment report "unknown API 'orders'" and "unknown product").
    func testWhatAnUnreadFileMayDeclareIsNotReportedUnknown() throws {
        for file in ["apis/orders.yaml", "products.yaml", "backends.yaml"] {
            try FileManager.default.removeItem(at: project)
            try FileManager.default.copyItem(at: BundleTests.contoso, to: project)
            let text = try String(contentsOf: project.appendingPathComponent(file), encoding: .utf8)
            try write(text + "broken: [\n", to: file)
            let result = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
            XCTAssertEqual(result.status, 1, file)
            let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
            XCTAssertEqual(errors.count, 1, "\(file): only the syntax error:\n\(result.stdout)")
            XCTAssertTrue(errors.first?.hasPrefix("project/\(file):") == true, "\(file): \(errors)")
            XCTAssertFalse(result.stdout.contains("[RF001]"), "\(file):\n\(result.stdout)")
        }
    }

    /// A route left out for its errors is no unknown route to the environments that
    /// override it (found by the audit of the fix above: an invalid method made every
    /// environment report "unknown route 'list-orders'").
    func testARouteLeftOutForItsErrorsIsNotReportedUnknown() throws {
        let orders = try String(contentsOf: project.appendingPathComponent("apis/orders.yaml"), encoding: .utf8)
        let broken = orders.replacingOccurrences(of: "  - id: list-orders\n    method: GET", with: "  - id: list-orders\n    method: FETCH")
        XCTAssertNotEqual(broken, orders)
        try write(broken, to: "apis/orders.yaml")
        let result = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        XCTAssertEqual(errors.map { String($0.drop { $0 != " " }.dropFirst()) }, ["error: unknown value 'FETCH' for 'method' [YS004]"], result.stdout)
    }

    func testAnEnvironmentCannotAddACacheOrRedisTheDefinitionsDoNotHave() throws {
        try write(
            environment("prod", "apis:\n  orders:\n    routes:\n      create-order: {cache: {ttl: 1m}}\n"),
            to: "environments/prod.yaml")
        let result = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.stdout.contains(
                "project/environments/prod.yaml:7:22: error: environment 'prod' overrides 'cache', which route 'create-order' does not have [RF007]"),
            result.stdout)
    }

    /// A URL in place of a Backend's name dropped the Backend's managed identity from the
    /// environment's bundle, with `lint` at 0 (an audit); a name in place of a URL would
    /// bring another's credentials. A URL may still change to a URL.
    func testAnEnvironmentKeepsTheBackendARequestGoesThrough() throws {
        try write(
            environment(
                "prod",
                "apis:\n  partner-orders:\n    backend: https://partner-orders.prod.contoso.com\n"
                    + "  orders:\n    backend: partner-orders\n  catalog:\n    backend: https://catalog.prod.contoso.com\n"),
            to: "environments/prod.yaml")
        let result = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(
            result.stdout.split(separator: "\n").filter { $0.contains("[RF007]") },
            [
                "project/environments/prod.yaml:6:14: error: environment 'prod' changes the backend of API 'partner-orders' from 'partner-orders' to 'https://partner-orders.prod.contoso.com', and which Backend a request goes through is the same in every environment [RF007]",
                "project/environments/prod.yaml:8:14: error: environment 'prod' changes the backend of API 'orders' from 'https://orders.internal.contoso.com/api' to 'partner-orders', and which Backend a request goes through is the same in every environment [RF007]",
            ], result.stdout)
        let build = try ToolProcess.run(["build", "project", "--env", "prod", "--out", "bundle"], in: directory)
        XCTAssertEqual(build.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("bundle").path))
    }

    /// A raw policy that names its Backend through a named value (`backend-id="{{target}}"`)
    /// let an environment switch Backends, and with them credentials and TLS checks, by
    /// changing the value, with `lint` at 0 (found by an audit). Such a value stays the same
    /// in every environment; one no Backend is named with still changes.
    func testAnEnvironmentKeepsTheBackendARawPolicyNamesThroughANamedValue() throws {
        let raw = directory.appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: raw.appendingPathComponent("environments"), withIntermediateDirectories: true)
        let gateway = """
            apiVersion: portcullis/v1
            kind: Gateway
            name: g
            namedValues: {orders-target: orders-secure, greeting: hello, orders-ttl: "60"}
            ---
            apiVersion: portcullis/v1
            kind: Backend
            name: orders-secure
            url: https://orders.example.com
            credentials: {managedIdentity: {resource: "api://orders"}}
            ---
            apiVersion: portcullis/v1
            kind: Backend
            name: orders-plain
            url: https://orders.example.com

            """
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: a
            path: a
            backend: https://fallback.example.com
            routes:
              - id: get-thing
                method: GET
                path: /thing
                public: Anyone may read things
                rateLimit: {calls: 10, per: 1s, key: ip}
                policy: |
                  <policies>
                    <inbound>
                      <base />
                      <set-backend-service backend-id="{{Orders-Target}}" />
                      <set-header name="X-Greeting" exists-action="override"><value>{{greeting}}</value></set-header>
                    </inbound>
                  </policies>

            """
        try Data(gateway.utf8).write(to: raw.appendingPathComponent("gateway.yaml"))
        try Data(api.utf8).write(to: raw.appendingPathComponent("api.yaml"))
        // The same value, in the long form, and another named value changed are no switch.
        let same = environment("test", "gateway:\n  namedValues:\n    orders-target: {value: orders-secure}\n    greeting: hi\n")
        try Data(same.utf8).write(to: raw.appendingPathComponent("environments/test.yaml"))
        let clean = try ToolProcess.run(["lint", "raw"], in: directory)
        XCTAssertEqual(clean.status, 0, clean.stdout + clean.stderr)
        let switched = environment("prod", "gateway:\n  namedValues:\n    orders-target: orders-plain\n")
        try Data(switched.utf8).write(to: raw.appendingPathComponent("environments/prod.yaml"))
        let lint = try ToolProcess.run(["lint", "raw"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        let lines = lint.stdout.split(separator: "\n").map(String.init)
        for expected in [
            "raw/environments/prod.yaml:6:20: error: environment 'prod' changes named value 'orders-target', which may choose the Backend a raw policy sends requests through, and which Backend a request goes through is the same in every environment [RF007]",
            "raw/api.yaml:16:44: note: a raw policy may choose the Backend with 'orders-target' here",
        ] {
            XCTAssertTrue(lines.contains(expected), "missing: \(expected)\nin:\n\(lint.stdout)")
        }
        let build = try ToolProcess.run(["build", "raw", "--env", "prod", "--out", "bundle"], in: directory)
        XCTAssertEqual(build.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("bundle").path))
        // The value read into a variable an expression names the Backend with, or tested by
        // the condition of a branch that sets one, chooses it as well (the audit of the fix).
        let statement = #"<set-backend-service backend-id="{{Orders-Target}}" />"#
        for chooser in [
            #"<set-variable name="target" value="{{orders-target}}" /><set-backend-service backend-id="@((string)context.Variables[&quot;target&quot;])" />"#,
            #"<choose><when condition="@(&quot;{{orders-target}}&quot; == &quot;orders-plain&quot;)"><set-backend-service backend-id="orders-plain" /></when></choose>"#,
            // The next audit's: a variable a branch's condition reads, a lookup's default, a
            // switch from the Backend to a URL.
            #"<set-variable name="plain" value="{{orders-target}}" /><choose><when condition="@((string)context.Variables[&quot;plain&quot;] == &quot;orders-plain&quot;)"><set-backend-service backend-id="orders-plain" /></when></choose>"#,
            #"<cache-lookup-value key="routing" default-value="{{orders-target}}" variable-name="target" /><set-backend-service backend-id="@((string)context.Variables[&quot;target&quot;])" />"#,
            #"<set-backend-service backend-id="orders-secure" /><choose><when condition="@(&quot;{{orders-target}}&quot; == &quot;x&quot;)"><set-backend-service base-url="https://orders.example.com" /></when></choose>"#,
            // The round after's: a branch's condition deciding which value a variable the
            // Backend is named by gets.
            #"<set-variable name="b" value="orders-secure" /><choose><when condition="@(&quot;{{orders-target}}&quot; == &quot;plain&quot;)"><set-variable name="b" value="orders-plain" /></when></choose><set-backend-service backend-id="@((string)context.Variables[&quot;b&quot;])" />"#,
            // And a value passed through the cache.
            #"<cache-store-value key="routing" value="{{orders-target}}" duration="60" /><cache-lookup-value key="routing" variable-name="target" /><set-backend-service backend-id="@((string)context.Variables[&quot;target&quot;])" />"#,
            // Or by a store's key, which decides whose value the lookup meets.
            #"<cache-store-value key="routing" value="orders-secure" duration="60" /><cache-store-value key="@(&quot;{{orders-target}}&quot;)" value="orders-plain" duration="60" /><cache-lookup-value key="routing" variable-name="target" /><set-backend-service backend-id="@((string)context.Variables[&quot;target&quot;])" />"#,
        ] {
            try Data(api.replacingOccurrences(of: statement, with: chooser).utf8).write(to: raw.appendingPathComponent("api.yaml"))
            let chosen = try ToolProcess.run(["lint", "raw", "--quiet"], in: directory)
            XCTAssertEqual(chosen.status, 1, chooser)
            XCTAssertTrue(chosen.stdout.contains("changes named value 'orders-target', which may choose the Backend"), chosen.stdout)
        }
        // So does a branch's condition around an `include-fragment` whose fragment writes the
        // variable (the next audit); and, though a fragment may not include one (PX003),
        // through a fragment it includes, around one in a fragment the policy includes, and
        // around fragments including each other, where the search ends.
        let writesB = #"<fragment><set-variable name="b" value="orders-plain" /></fragment>"#
        let includesSetB = #"<fragment><include-fragment fragment-id="set-b" /></fragment>"#
        let writesBAndIncludesSetPlain = #"<fragment><set-variable name="b" value="orders-plain" /><include-fragment fragment-id="set-plain" /></fragment>"#
        let includesSetBWhenAsked =
            #"<fragment><choose><when condition="@(&quot;{{orders-target}}&quot; == &quot;plain&quot;)"><include-fragment fragment-id="set-b" /></when></choose></fragment>"#
        let includedWhenAsked =
            #"<set-variable name="b" value="orders-secure" /><choose><when condition="@(&quot;{{orders-target}}&quot; == &quot;plain&quot;)"><include-fragment fragment-id="set-plain" /></when></choose><set-backend-service backend-id="@((string)context.Variables[&quot;b&quot;])" />"#
        let included =
            #"<set-variable name="b" value="orders-secure" /><include-fragment fragment-id="set-plain" /><set-backend-service backend-id="@((string)context.Variables[&quot;b&quot;])" />"#
        for (chooser, fragments) in [
            (includedWhenAsked, ["set-plain": writesB]), (includedWhenAsked, ["set-plain": includesSetB, "set-b": writesB]),
            (included, ["set-plain": includesSetBWhenAsked, "set-b": writesB]),
            (included, ["set-plain": includesSetBWhenAsked, "set-b": writesBAndIncludesSetPlain]),
        ] {
            let documents = fragments.sorted { $0.key < $1.key }.map { name, policy in
                "apiVersion: portcullis/v1\nkind: PolicyFragment\nname: \(name)\npolicy: '\(policy)'\n"
            }
            try Data(documents.joined(separator: "---\n").utf8).write(to: raw.appendingPathComponent("fragments.yaml"))
            try Data(api.replacingOccurrences(of: statement, with: chooser).utf8).write(to: raw.appendingPathComponent("api.yaml"))
            let chosen = try ToolProcess.run(["lint", "raw", "--quiet"], in: directory)
            XCTAssertEqual(chosen.status, 1, "\(chooser) \(fragments)")
            XCTAssertTrue(chosen.stdout.contains("changes named value 'orders-target', which may choose the Backend"), chosen.stdout)
        }
        try FileManager.default.removeItem(at: raw.appendingPathComponent("fragments.yaml"))
        // A Backend chosen by an expression that reads no named value leaves the others free
        // (the wider rule made every named value in an expression fixed, with no way out).
        let regional = #"<set-variable name="g" value="@(&quot;{{orders-target}}&quot;)" /><set-backend-service backend-id="@(context.Deployment.Region == &quot;westeurope&quot; ? &quot;orders-secure&quot; : &quot;orders-plain&quot;)" />"#
        try Data(api.replacingOccurrences(of: statement, with: regional).utf8).write(to: raw.appendingPathComponent("api.yaml"))
        let free = try ToolProcess.run(["lint", "raw", "--quiet"], in: directory)
        XCTAssertEqual(free.status, 0, free.stdout)
        // Nor does a store's TTL choose the Backend a lookup's value names: only what a store
        // keeps does (an unrelated store's `duration` was an error no one could silence: the
        // next audit).
        let lookup =
            #"<cache-lookup-value key="routing" default-value="orders-secure" variable-name="target" /><set-backend-service backend-id="@((string)context.Variables[&quot;target&quot;])" />"#
        let unrelatedStore =
            #"</inbound><outbound><base /><cache-store-value key="@(&quot;catalog:&quot; + context.Request.Url.Path)" value="@(context.Response.Body.As&lt;string&gt;(preserveContent: true))" duration="{{orders-ttl}}" /></outbound>"#
        let cached = api.replacingOccurrences(of: statement, with: lookup).replacingOccurrences(of: "</inbound>", with: unrelatedStore)
        try Data(cached.utf8).write(to: raw.appendingPathComponent("api.yaml"))
        let ttl = environment("prod", "gateway:\n  namedValues:\n    orders-target: orders-plain\n    orders-ttl: \"300\"\n")
        try Data(ttl.utf8).write(to: raw.appendingPathComponent("environments/prod.yaml"))
        let unrelated = try ToolProcess.run(["lint", "raw", "--quiet"], in: directory)
        XCTAssertEqual(unrelated.status, 0, unrelated.stdout)
    }

    func testEnvironmentsBeyondTheLimitAreALocatedErrorNotHoursOfChecking() throws {
        // Each environment is one more check of the whole project.
        let documents = (1...10_000).map { environment("e\($0)", "apis: {orders: {backend: https://e\($0).example.com}}\n") }
        try write(documents.joined(separator: "---\n"), to: "environments/many.yaml")
        let started = Date()
        let result = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
        XCTAssertEqual(result.status, 1)
        // Environments count in file order: after dev.yaml's, many.yaml's 100th (five lines
        // each) is the 101st.
        XCTAssertEqual(
            result.stdout.split(separator: "\n").filter { $0.contains(": error: ") && !$0.hasSuffix("[RD005]") },
            ["project/environments/many.yaml:\(99 * 5 + 3):7: error: more than 100 environments are declared [YS006]"])
        // The hundred share the definitions' Redis; the message names three of them.
        XCTAssertTrue(
            result.stdout.contains("error: environments 'e1', 'e10', 'e11' and 96 others share one Redis under key prefix 'contoso' [RD005]"),
            result.stdout)
    }

    /// Raw policy XML that reads named values (`{{ttl}}`) was judged on the reference, not
    /// on the value APIM puts in: an environment that changed only the values turned a
    /// token check's keys, a backend and two caches into plain http:// and 30 days with
    /// lint clean and `diff` saying "no changes" (found by a hostile audit). The rules read
    /// the values, a note points at the one that made the finding, and `diff` lists a raw
    /// policy whose named values changed, braces around what is no name (Liquid's) beside
    /// them.
    func testNamedValuesARawPolicyReadsAreJudgedByTheirValuesInEveryEnvironment() throws {
        let raw = directory.appendingPathComponent("raw")
        try FileManager.default.createDirectory(at: raw.appendingPathComponent("environments"), withIntermediateDirectories: true)
        let gateway = """
            apiVersion: portcullis/v1
            kind: Gateway
            name: g
            namedValues: {oidc: "https://login.example.com/.well-known/openid-configuration", backend-url: "https://api.example.com", ttl: "60", token-ttl: "60"}
            guardrails: {maxCacheTtl: {shared: 5m, perUser: 1m}, maxTokenCacheTtl: 5m}

            """
        let api = """
            apiVersion: portcullis/v1
            kind: API
            name: a
            path: a
            backend: https://backend.example.com
            routes:
              - id: get-thing
                method: GET
                path: /thing
                public: Partners bring their own tokens
                rateLimit: {calls: 10, per: 1s, key: ip}
                policy: |
                  <policies>
                    <inbound>
                      <base />
                      <validate-jwt header-name="X-Partner-Token">
                        <openid-config url="{{oidc}}" /><audiences><audience>api://orders</audience></audiences>
                        <required-claims><claim name="scp" match="any"><value>things.read</value></claim></required-claims>
                      </validate-jwt>
                      <cache-lookup vary-by-developer="false" vary-by-developer-groups="false"><vary-by-header>X-Partner-Token</vary-by-header></cache-lookup>
                      <cache-store-value key="token" value="x" duration="{{token-ttl}}" />
                      <set-backend-service base-url="{{backend-url}}" />
                      <set-header name="X-Template" exists-action="override"><value>{{ not a name }}</value></set-header>
                    </inbound>
                    <outbound><base /><cache-store duration="{{ttl}}" /></outbound>
                  </policies>

            """
        try Data(gateway.utf8).write(to: raw.appendingPathComponent("gateway.yaml"))
        try Data(api.utf8).write(to: raw.appendingPathComponent("apis.yaml"))
        try Data(environment("prod", "").utf8).write(to: raw.appendingPathComponent("environments/prod.yaml"))
        let base = directory.appendingPathComponent("rawbase")
        try FileManager.default.copyItem(at: raw, to: base)
        XCTAssertEqual(try ToolProcess.run(["lint", "raw"], in: directory).status, 0)
        let overrides = """
            gateway:
              namedValues:
                oidc: "http://login.attacker.example/.well-known/openid-configuration"
                backend-url: " http://api.example.com"
                ttl: "2592000"
                token-ttl: "2592000"

            """
        try Data(environment("prod", overrides).utf8).write(to: raw.appendingPathComponent("environments/prod.yaml"))
        let lint = try ToolProcess.run(["lint", "raw"], in: directory)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        let lines = lint.stdout.split(separator: "\n").map(String.init)
        for expected in [
            "raw/apis.yaml:17:33: error: raw 'openid-config' in route 'a/get-thing' uses plain http:// [SE003]",
            "raw/environments/prod.yaml:6:11: note: named value 'oidc' is set here",
            "raw/apis.yaml:21:62: error: raw 'cache-store-value' in route 'a/get-thing' keeps values for 30d, longer than the limit of 5m [CA004]",
            "raw/environments/prod.yaml:9:16: note: named value 'token-ttl' is set here",
            "raw/apis.yaml:22:42: error: 'base-url' of raw 'set-backend-service' in route 'a/get-thing' uses plain http:// [SE003]",
            "raw/apis.yaml:25:50: error: raw 'cache-store' in route 'a/get-thing' caches for 30d, longer than the shared limit of 5m [CA002]",
            "raw/environments/prod.yaml:8:10: note: named value 'ttl' is set here",
        ] {
            XCTAssertTrue(lines.contains(expected), "missing: \(expected)\nin:\n\(lint.stdout)")
        }
        // The token check now takes its keys from the attacker's configuration: weighed as
        // such, not only listed as reading named values that changed.
        let diff = try ToolProcess.run(["diff", "rawbase", "raw", "--env", "prod"], in: directory)
        XCTAssertTrue(
            diff.stdout.contains(
                "privilege increase: the raw policy of route 'a/get-thing' lets 'validate-jwt' accept signing keys of 'http://login.attacker.example/.well-known/openid-configuration' through named values that changed"),
            diff.stdout + diff.stderr)
    }

    func testDiffComparesTwoEnvironmentsOfOneTree() throws {
        let result = try ToolProcess.run(["diff", "--env-base", "test", "--env-head", "prod", "project"], in: directory)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(
            lines.contains(
                "project/apis/orders.yaml:24:9: looser limit: route 'orders/get-order' has a looser rate limit: 1200 calls per 60s by user, was 600 calls per 60s by user"),
            result.stdout)
        XCTAssertTrue(
            lines.contains(
                "project/environments/prod.yaml:10:5: cache widened: secret 'redis-connection', Redis's connection, points at a different Key Vault secret: the generated checks trust what that cache holds"),
            result.stdout)
        XCTAssertTrue(lines.contains { $0.contains("privilege increase: identity provider 'partner' asks 'https://idp.partner.example/oauth2/introspect'") })
        XCTAssertTrue(lines.contains { $0.contains("route 'orders/list-orders' caches for 60s instead of 30s") })
        let same = try ToolProcess.run(["diff", "--env-base", "prod", "--env-head", "prod", "project"], in: directory)
        XCTAssertEqual(same.stdout, "no changes to access, limits or caching\n")
        // `--env` reads both sides of a BASE/HEAD comparison with one environment.
        let both = try ToolProcess.run(["diff", "project", "project", "--env", "prod"], in: directory)
        XCTAssertEqual(both.stdout, "no changes to access, limits or caching\n")
        let unknown = try ToolProcess.run(["diff", "--env-base", "qa", "--env-head", "prod", "project"], in: directory)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown environment 'qa'"), unknown.stderr)
        let mixed = try ToolProcess.run(["diff", "--env", "prod", "--env-head", "test", "project"], in: directory)
        XCTAssertEqual(mixed.status, 64)
    }

    func testAnUnknownEnvironmentIsAUsageErrorAndNothingIsWritten() throws {
        let lint = try ToolProcess.run(["lint", "project", "--env", "qa"], in: directory)
        XCTAssertEqual(lint.status, 2)
        XCTAssertEqual(lint.stdout, "")
        XCTAssertEqual(lint.stderr, "portcullis: error: unknown environment 'qa'; the definitions declare 'dev', 'prod', 'test'\n")
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", "project", "--env", "qa", "--out", out.path], in: directory)
        XCTAssertEqual(build.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testASecretWrittenInAnEnvironmentIsMaskedAndNeverBuilt() throws {
        try write(
            environment("prod", "gateway:\n  secrets:\n    redis-connection: {value: \"contoso.redis.cache.windows.net:6380,password=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==,ssl=True\"}\n"),
            to: "environments/prod.yaml")
        let lint = try ToolProcess.run(["lint", "project"], in: directory)
        XCTAssertEqual(lint.status, 1)
        // Reported once, as the literal secret it is in prod, not also as a credential-like value.
        XCTAssertTrue(lint.stdout.contains("error: secret 'redis-connection' is written as a literal 'value' [SE002]"), lint.stdout)
        XCTAssertFalse(lint.stdout.contains("[SE001]"), lint.stdout)
        XCTAssertFalse(lint.stdout.contains("Zm9vYmFy"), "the secret is printed")
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", "project", "--env", "prod", "--out", out.path], in: directory)
        XCTAssertEqual(build.status, 1)
        XCTAssertFalse(build.stdout.contains("Zm9vYmFy") || build.stderr.contains("Zm9vYmFy"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// A reference to a declared secret names it, and holds none: an environment that
    /// pointed Redis's connection or a provider's client secret at another declared secret
    /// linted clean and could never be built, the name taken for a secret value (found by
    /// an audit against the README, which lets an environment override any field of
    /// `redis`). A name declared nowhere is still masked, as it may be the secret itself.
    func testAnEnvironmentMayReferenceAnotherDeclaredSecret() throws {
        try write(
            environment(
                "prod",
                "gateway:\n  redis:\n    connection: {secret: partner-orders-gateway-key}\n  identityProviders:\n    partner: {clientSecret: {secret: redis-connection}}\n"),
            to: "environments/prod.yaml")
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", "project", "--env", "prod", "--out", out.path, "--quiet"], in: directory)
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        XCTAssertTrue(try texts(out).values.contains { $0.contains("{{partner-orders-gateway-key}}") }, "the reference is what Redis connects with")

        try write(environment("prod", "gateway:\n  redis:\n    connection: {secret: Sup3rS3cretName}\n"), to: "environments/prod.yaml")
        let unknown = try ToolProcess.run(["lint", "project", "--env", "prod"], in: directory)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stdout.contains("error: unknown secret name [RF001]"), unknown.stdout)
        XCTAssertFalse(unknown.stdout.contains("Sup3rS3cretName"), unknown.stdout)
    }

    /// Introspection results are cached under the provider's name and key prefix; an
    /// environment that only pointed the provider at another endpoint (a sandbox) shared
    /// its entries with prod when both used one Redis, so a token the sandbox called
    /// active was active in prod (found by an audit against Microsoft's caching reference).
    /// The key names which endpoint answered for which client.
    func testIntrospectionResultsAreKeptApartByTheEndpointThatGaveThem() throws {
        try write(
            environment("sandbox", "gateway:\n  identityProviders:\n    partner: {endpoint: https://sandbox.partner.example/oauth2/introspect}\n"),
            to: "environments/sandbox.yaml")
        func key(_ environment: String) throws -> String {
            let out = directory.appendingPathComponent("bundle-\(environment)")
            let build = try ToolProcess.run(["build", "project", "--env", environment, "--out", out.path, "--quiet"], in: directory)
            XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
            let policy = try String(
                contentsOf: out.appendingPathComponent("apim/apis/partner-orders/operations/list-partner-orders/policy.xml"), encoding: .utf8)
            let start = try XCTUnwrap(policy.range(of: #"cache-lookup-value key="@(""#))
            return String(policy[start.upperBound...].prefix { $0 != "\"" })
        }
        let (prod, sandbox) = (try key("prod"), try key("sandbox"))
        XCTAssertTrue(prod.hasPrefix("contoso:introspection:partner:") && sandbox.hasPrefix("contoso:introspection:partner:"), prod + " " + sandbox)
        XCTAssertNotEqual(prod, sandbox)
        try FileManager.default.removeItem(at: project.appendingPathComponent("environments/sandbox.yaml"))
        XCTAssertEqual(try key("prod"), prod, "the same endpoint and client keep the same entries")

        // An endpoint read from a secret is told apart by the Key Vault secret it is read
        // from: the digest took the reference's text, the same in every environment (the
        // audit of the fix).
        let gateway = project.appendingPathComponent("gateway.yaml")
        try String(contentsOf: gateway, encoding: .utf8)
            .replacingOccurrences(of: "endpoint: https://idp.partner.example/oauth2/introspect", with: "endpoint: https://{{partner-client-secret}}/oauth2/introspect")
            .write(to: gateway, atomically: true, encoding: .utf8)
        try write(
            environment("stage", "gateway:\n  secrets:\n    partner-client-secret: {keyVault: https://contoso-stage-kv.vault.azure.net/secrets/partner-client-secret}\n"),
            to: "environments/stage.yaml")
        XCTAssertNotEqual(try key("prod"), try key("stage"), "prod and stage read the endpoint from different vaults")
    }

    /// What one environment's file writes is that environment's change in `diff` too, once:
    /// the reading of the definitions as written met prod's literals and showed them as the
    /// definitions' own, a credential-like value bare and a literal client secret twice
    /// (audit V120).
    func testDiffShowsALiteralAnEnvironmentWritesAsThatEnvironmentsOnce() throws {
        let gateway = project.appendingPathComponent("gateway.yaml")
        let definitions = try String(contentsOf: gateway, encoding: .utf8)
        XCTAssertTrue(definitions.contains("\nnamedValues:\n"))
        try definitions.replacingOccurrences(of: "\nnamedValues:\n", with: "\nnamedValues:\n  be-user: reporter\n").write(to: gateway, atomically: true, encoding: .utf8)
        let head = directory.appendingPathComponent("head")
        try FileManager.default.copyItem(at: project, to: head)
        let prod = head.appendingPathComponent("environments/prod.yaml")
        let text = try String(contentsOf: prod, encoding: .utf8)
        XCTAssertTrue(text.contains("gateway:\n  namedValues:\n"))
        try text.replacingOccurrences(
            of: "gateway:\n  namedValues:\n",
            with: "gateway:\n  identityProviders:\n    partner: {clientSecret: \"Zx9-Very.Secret_Client~Value01234567\"}\n  namedValues:\n    be-user: \"password=Hunter2-Prod-8xZq\"\n"
        ).write(to: prod, atomically: true, encoding: .utf8)
        let result = try ToolProcess.run(["diff", "project", "head", "--format", "json"], in: directory)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stderr)
        let messages = try XCTUnwrap(object["changes"] as? [[String: Any]]).map { $0["message"] as? String ?? "?" }
        let findings = messages.filter { $0.contains("a new SE001 finding") }
        XCTAssertEqual(
            findings.sorted(),
            [
                "in environment 'prod', a new SE001 finding: 'clientSecret' of provider 'partner' is a literal; it must reference a secret",
                "in environment 'prod', a new SE001 finding: this value looks like a credential",
            ], "\(messages)")
        XCTAssertFalse(result.stdout.contains("Hunter2") || result.stdout.contains("Very.Secret"), result.stdout)
    }

    func testALiteralClientSecretInAnEnvironmentIsReportedOnceAsWhatItIs() throws {
        try write(
            environment("prod", "gateway:\n  identityProviders:\n    partner: {clientSecret: not-in-key-vault}\n"),
            to: "environments/prod.yaml")
        let result = try ToolProcess.run(["lint", "project", "--quiet"], in: directory)
        XCTAssertEqual(result.status, 1)
        // Without prod's overrides the same literal only looks like a credential; prod's
        // variant says what it is, and that is the one finding.
        XCTAssertEqual(
            result.stdout.split(separator: "\n").filter { $0.contains(": error: ") },
            ["project/environments/prod.yaml:6:29: error: 'clientSecret' of provider 'partner' is a literal; it must reference a secret [SE001]"])
        XCTAssertFalse(result.stdout.contains("not in environment"), result.stdout)
    }

    func testASecretAnEnvironmentWritesIsMaskedWhicheverEnvironmentIsChecked() throws {
        // Each line also holds an override that is an error in every variant, so each is
        // quoted whether or not 'leaky' is the environment checked.
        try write(
            environment(
                "leaky",
                """
                gateway:
                  secrets: {redis-connection: {value: hunter2-secrets}, "bad name": {value: hunter2-misnamed}, nope: {}}
                  identityProviders: {partner: {clientSecret: hunter2-client, scopeClaim: scp}}
                  redis: {connection: hunter2-redis, bogus: 1}
                  guardrails: {maxTokenCacheTtl: 1m}

                """), to: "environments/leaky.yaml")
        for arguments in [["lint", "project"], ["lint", "project", "--env", "dev"], ["lint", "project", "--env", "leaky"]] {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertEqual(result.status, 1, arguments.joined(separator: " "))
            let quoted = Set(result.stdout.components(separatedBy: "\n").compactMap { $0.split(separator: "|").first })
            XCTAssertTrue([" 5 ", " 6 ", " 7 "].allSatisfy { quoted.contains($0) }, result.stdout)
            XCTAssertFalse(result.stdout.contains("hunter2"), "\(arguments.joined(separator: " ")) prints a secret:\n\(result.stdout)")
        }
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", "project", "--out", out.path], in: directory)
        XCTAssertEqual(build.status, 1)
        XCTAssertFalse(build.stdout.contains("hunter2") || build.stderr.contains("hunter2"), build.stdout)
    }
}
