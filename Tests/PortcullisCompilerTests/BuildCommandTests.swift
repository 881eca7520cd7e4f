import Foundation
import PortcullisChecker
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `portcullis build` as a user runs it: what it writes, when it refuses, and that the
/// output folder is always a whole bundle.
final class BuildCommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private var contoso: String { BundleTests.contoso.path }

    private func files(under folder: URL) -> [String: Data] {
        var found: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let relative = walker?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(relative).path) { found[relative] = data }
        }
        return found
    }

    func testBuildWritesTheBundleAndCheckFindsDrift() throws {
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", contoso, "--out", out.path, "--quiet"])
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertNotNil(FileManager.default.contents(atPath: out.appendingPathComponent("manifest.json").path))

        let clean = try ToolProcess.run(["build", contoso, "--out", out.path, "--check", "--quiet"])
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertEqual(clean.stderr, "")

        try Data("tampered\n".utf8).write(to: out.appendingPathComponent("gateway.json"))
        try Data("stale\n".utf8).write(to: out.appendingPathComponent("apim/old.xml"))
        try FileManager.default.removeItem(at: out.appendingPathComponent("apim/policy.xml"))
        let before = files(under: out)
        let drift = try ToolProcess.run(["build", contoso, "--out", out.path, "--check", "--quiet"])
        XCTAssertEqual(drift.status, 1)
        XCTAssertEqual(
            drift.stderr,
            "portcullis: not produced: apim/old.xml (a file)\nportcullis: missing: apim/policy.xml\nportcullis: changed: gateway.json\n")
        XCTAssertEqual(files(under: out), before, "--check writes nothing")

        // A file the manifest does not list is not the build's to delete.
        let refused = try ToolProcess.run(["build", contoso, "--out", out.path, "--quiet"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(files(under: out), before, "a refused build writes nothing")
        try FileManager.default.removeItem(at: out.appendingPathComponent("apim/old.xml"))
        // Nor a listed file changed since it was written: the manifest proves it is the
        // build's only while it holds what the manifest says. One removed is no loss.
        let changed = try ToolProcess.run(["build", contoso, "--out", out.path, "--quiet"])
        XCTAssertEqual(changed.status, 2, changed.stderr)
        try FileManager.default.removeItem(at: out.appendingPathComponent("gateway.json"))
        let rebuild = try ToolProcess.run(["build", contoso, "--out", out.path, "--quiet"])
        XCTAssertEqual(rebuild.status, 0)
        XCTAssertEqual(try ToolProcess.run(["build", contoso, "--out", out.path, "--check", "--quiet"]).status, 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporary folders are left beside the output")
    }

    /// A staging folder under the name a build would take (its process id; a container's
    /// builds get the same ids again and again) is someone else's: the build writes under
    /// the next name, where it failed with "exists already" (found by an audit). The names
    /// after it are not foretold: a hundred folders under the names the process id gives
    /// stopped every build (found by the next audit).
    func testAStagingFolderLeftUnderTheBuildsNameIsSteppedAround() throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        let plant = #"mkdir -p .bundle.portcullis-new-$$/apim; i=1; while [ $i -lt 100 ]; do mkdir .bundle.portcullis-new-$$0$i; i=$((i+1)); done; "#
        shell.arguments = ["-c", plant + #"exec "$0" build "$1" --out bundle --quiet"#, ToolProcess.executable.path, contoso]
        shell.currentDirectoryURL = directory
        let errors = Pipe()
        shell.standardError = errors
        try shell.run()
        shell.waitUntilExit()
        XCTAssertEqual(shell.terminationStatus, 0, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        XCTAssertEqual(try ToolProcess.run(["build", contoso, "--out", directory.appendingPathComponent("bundle").path, "--check", "--quiet"]).status, 0)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".bundle.portcullis-new-") }
        XCTAssertEqual(left.count, 100, "the folders that were there stay, as someone else's: \(left)")
    }

    /// A bundle does not name the machine it was built on: a `--config` outside the project
    /// folder is recorded from that folder (`../shared/portcullis.yaml`), so two checkouts in
    /// different places build the same bytes. It was recorded by its absolute path.
    func testAConfigurationOutsideTheProjectIsRecordedWithoutTheMachinesPath() throws {
        var manifests: [Data] = []
        for place in ["one", "two/deeper"] {
            let checkout = directory.appendingPathComponent(place)
            try FileManager.default.createDirectory(at: checkout.appendingPathComponent("shared"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: BundleTests.contoso, to: checkout.appendingPathComponent("defs"))
            try "rules: {RL004: off}\n".write(to: checkout.appendingPathComponent("shared/portcullis.yaml"), atomically: true, encoding: .utf8)
            let build = try ToolProcess.run(["build", "defs", "--config", "shared/portcullis.yaml", "--out", "out", "--quiet"], in: checkout)
            XCTAssertEqual(build.status, 0, build.stderr)
            let manifest = try Data(contentsOf: checkout.appendingPathComponent("out/manifest.json"))
            let inputs = try XCTUnwrap((try JSONSerialization.jsonObject(with: manifest) as? [String: Any])?["inputs"] as? [[String: String]])
            XCTAssertEqual(inputs.first?["path"], "../shared/portcullis.yaml")
            manifests.append(manifest)
        }
        XCTAssertEqual(manifests[0], manifests[1], "the same bundle wherever it was built")
        XCTAssertFalse(String(decoding: manifests[0], as: UTF8.self).contains(directory.path), "no absolute path")

        // The project given through a link, the configuration relative to the working
        // directory: the path climbed through this machine's folders (the audit of the fix).
        let link = directory.appendingPathComponent("linked")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: directory.appendingPathComponent("one").path)
        let linked = try ToolProcess.run(
            ["build", link.appendingPathComponent("defs").path, "--config", "shared/portcullis.yaml", "--out", "again", "--quiet"],
            in: directory.appendingPathComponent("one"))
        XCTAssertEqual(linked.status, 0, linked.stderr)
        let again = try Data(contentsOf: directory.appendingPathComponent("one/again/manifest.json"))
        XCTAssertEqual(again, manifests[0])
    }

    /// Named values and secrets are APIM named values, whose names APIM takes without case:
    /// a pull request adding 'Tenant-ID' (plain or secret) beside 'tenant-id' would replace
    /// the tenant the token checks trust on deploy. Lint, diff and build took it and wrote
    /// both (found by a hostile audit); it is RF002, and nothing is written.
    func testNamedValuesDifferingOnlyInCaseAreOneNameAndRefused() throws {
        let gateway = try String(contentsOf: BundleTests.contoso.appendingPathComponent("gateway.yaml"), encoding: .utf8)
        for (name, addition, message) in [
            ("secret", "  TENANT-ID: {keyVault: https://contoso-kv.vault.azure.net/secrets/other}\n",
                "'tenant-id' is declared both as a named value and as a secret"),
            ("plain", "  Tenant-ID: 11111111-2222-3333-4444-555555555555\n", "named value 'tenant-id' is declared twice"),
        ] {
            let project = directory.appendingPathComponent(name)
            try FileManager.default.copyItem(at: BundleTests.contoso, to: project)
            let section = name == "secret" ? "secrets:\n" : "namedValues:\n"
            try gateway.replacingOccurrences(of: section, with: section + addition)
                .write(to: project.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
            let lint = try ToolProcess.run(["lint", project.path])
            XCTAssertEqual(lint.status, 1, lint.stdout)
            XCTAssertTrue(lint.stdout.contains("error: \(message) [RF002]"), lint.stdout)
            XCTAssertTrue(lint.stdout.contains("APIM ignores case in names"), lint.stdout)
            let out = directory.appendingPathComponent("\(name)-bundle")
            XCTAssertEqual(try ToolProcess.run(["build", project.path, "--out", out.path, "--quiet"]).status, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing written")
        }
        // So a reference spelt in another case names the one named value, as in APIM.
        let respelt = directory.appendingPathComponent("respelt")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: respelt)
        try gateway.replacingOccurrences(of: "{{tenant-id}}", with: "{{Tenant-ID}}")
            .write(to: respelt.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let lint = try ToolProcess.run(["lint", respelt.path])
        XCTAssertEqual(lint.status, 0, lint.stdout)
    }

    /// A report is never written into the bundle a build writes: `--output b/apim/policy.xml`
    /// replaced the new bundle's global policy with the report and exited 0, and
    /// `--output b/report.txt` left a folder every later build refused (found by a hostile
    /// audit). It is refused before anything is built, whether the folder exists or not.
    func testAReportIsNeverWrittenIntoTheBundle() throws {
        let out = directory.appendingPathComponent("bundle")
        for report in ["bundle/apim/policy.xml", "bundle/report.txt", "./missing/../bundle/manifest.json", "bundle"] {
            let refused = try ToolProcess.run(["build", contoso, "--out", "bundle", "--output", report, "--format", "json"], in: directory)
            XCTAssertEqual(refused.status, 2, "\(report): \(refused.stderr)")
            XCTAssertEqual(refused.stderr, "portcullis: error: will not replace '\(report)': it is inside the output folder 'bundle'\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(report): nothing written")
        }
        XCTAssertEqual(try ToolProcess.run(["build", contoso, "--out", "bundle", "--quiet"], in: directory).status, 0)
        let before = files(under: out)
        let refused = try ToolProcess.run(["build", contoso, "--out", "bundle", "--output", "bundle/apim/policy.xml"], in: directory)
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertEqual(files(under: out), before, "the bundle is untouched")
        let beside = try ToolProcess.run(["build", contoso, "--out", "bundle", "--output", "report.txt", "--quiet"], in: directory)
        XCTAssertEqual(beside.status, 0, beside.stderr)
    }

    /// A file changed without changing its size is drift too: `--check` compares the bytes'
    /// digest, not the size alone.
    func testCheckFindsAChangeThatKeepsTheSize() throws {
        let out = directory.appendingPathComponent("bundle")
        XCTAssertEqual(try ToolProcess.run(["build", contoso, "--out", out.path, "--quiet"]).status, 0)
        let policy = out.appendingPathComponent("apim/policy.xml")
        var bytes = try Data(contentsOf: policy)
        let last = bytes.lastIndex { $0 != 0x0A }!
        bytes[last] = bytes[last] == UInt8(ascii: ">") ? UInt8(ascii: "<") : UInt8(ascii: ">")
        try bytes.write(to: policy)
        let drift = try ToolProcess.run(["build", contoso, "--out", out.path, "--check", "--quiet"])
        XCTAssertEqual(drift.status, 1)
        XCTAssertEqual(drift.stderr, "portcullis: changed: apim/policy.xml\n")
    }

    /// Names are told apart by their bytes, as the file system and APIOps tell them apart.
    /// Swift's `==` takes `\u{212A}iosk` (a Kelvin sign) for `Kiosk`: a pull request that
    /// renamed the API's folder so, which APIOps would publish as another API, passed
    /// `--check` as up to date, and a build replaced a folder holding both, deleting the
    /// renamed copy that no manifest lists.
    func testCheckAndReplacementTellNamesApartByTheirBytes() throws {
        let defs = directory.appendingPathComponent("defs")
        try FileManager.default.createDirectory(at: defs, withIntermediateDirectories: true)
        try Data(
            """
            apiVersion: portcullis/v1
            kind: Gateway
            name: gw
            defaults:
              rateLimit: {calls: 100, per: 60s, key: ip}

            """.utf8
        ).write(to: defs.appendingPathComponent("gateway.yaml"))
        try Data(
            """
            apiVersion: portcullis/v1
            kind: API
            name: Kiosk
            path: kiosk
            backend: https://kiosk.example.com
            auth: none
            routes:
              - {id: list, method: GET, path: /items, public: open data}

            """.utf8
        ).write(to: defs.appendingPathComponent("kiosk.yaml"))
        let out = directory.appendingPathComponent("out")
        XCTAssertEqual(try ToolProcess.run(["build", defs.path, "--out", out.path, "--quiet"]).status, 0)
        let apis = out.appendingPathComponent("apim/apis")
        let kelvin = "\u{212A}iosk"
        try FileManager.default.moveItem(at: apis.appendingPathComponent("Kiosk"), to: apis.appendingPathComponent(kelvin))
        let renamed = try ToolProcess.run(["build", defs.path, "--out", out.path, "--check", "--quiet"])
        XCTAssertEqual(renamed.status, 1, renamed.stderr)
        XCTAssertTrue(renamed.stderr.contains("portcullis: missing: apim/apis/Kiosk/policy.xml\n"), renamed.stderr)
        XCTAssertTrue(renamed.stderr.contains("portcullis: not produced: apim/apis/\(kelvin) (a folder)\n"), renamed.stderr)

        // Both copies: the renamed one is not the build's, so the build leaves the folder alone.
        let rebuilt = try ToolProcess.run(["build", defs.path, "--out", directory.appendingPathComponent("again").path, "--quiet"])
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        try FileManager.default.copyItem(
            at: directory.appendingPathComponent("again/apim/apis/Kiosk"), to: apis.appendingPathComponent("Kiosk"))
        let both = try ToolProcess.run(["build", defs.path, "--out", out.path, "--check", "--quiet"])
        XCTAssertEqual(both.stderr, "portcullis: not produced: apim/apis/\(kelvin) (a folder)\n")
        let replaced = try ToolProcess.run(["build", defs.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(replaced.status, 2, replaced.stderr)
        // Listed, not keyed by name: a dictionary of paths takes the two copies for one.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: apis.path).count, 2, "both copies are left")
        XCTAssertTrue(FileManager.default.fileExists(atPath: apis.appendingPathComponent("\(kelvin)/policy.xml").path))
    }

    /// A budget keyed by a claim counts the callers a token names; two providers' tokens
    /// may name one subject, so where an API's routes name two, each provider's callers
    /// count on a counter of their own (audit V23: a partner whose introspection answers
    /// name any subject spent an Entra user's budget). An API of one provider keeps `API:`.
    func testEachIdentityProvidersCallersCountApart() throws {
        let defs = directory.appendingPathComponent("defs")
        try FileManager.default.createDirectory(at: defs, withIntermediateDirectories: true)
        try RuleExample.baseGateway.write(to: defs.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        let route = { (id: String, auth: String) in "  - {id: \(id), method: GET, path: /\(id), scopes: [orders.read], auth: \(auth)}\n" }
        for (name, routes) in [("mixed", route("staff", "entra") + route("partners", "partner")), ("single", route("staff", "entra") + route("more", "entra"))] {
            let api = RuleExample.api(name, fields: "rateLimit: {calls: 10, per: 60s, key: user}\nquota: {calls: 1000, per: 7d, key: user}\n", routes: routes)
            try api.text.write(to: defs.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let out = directory.appendingPathComponent("bundle")
        let build = try ToolProcess.run(["build", defs.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(build.status, 0, build.stderr)
        func counterPrefixes(_ api: String, _ route: String) throws -> [String] {
            let policy = try String(contentsOf: out.appendingPathComponent("apim/apis/\(api)/operations/\(route)/policy.xml"), encoding: .utf8)
            return policy.components(separatedBy: "counter-key=\"@(\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }.filter { !$0.contains("introspection") }
        }
        XCTAssertEqual(try counterPrefixes("mixed", "staff"), ["mixed#by-entra:", "mixed#by-entra#quota:"])
        XCTAssertEqual(try counterPrefixes("mixed", "partners"), ["mixed#by-partner:", "mixed#by-partner#quota:"])
        XCTAssertEqual(try counterPrefixes("single", "staff"), ["single:", "single#quota:"])
        XCTAssertEqual(try counterPrefixes("single", "more"), ["single:", "single#quota:"])
        let runtime = try String(contentsOf: out.appendingPathComponent("gateway.json"), encoding: .utf8)
        XCTAssertTrue(runtime.contains("\"counterKeyPrefix\" : \"mixed#by-partner:\""), "gateway.json gives the runtime another prefix than the policies")
    }

    func testErrorsWriteNothing() throws {
        let out = directory.appendingPathComponent("bundle")
        let result = try ToolProcess.run(["build", "Samples/mistakes", "--out", out.path], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    /// Secret literals stop a build even when their rules are switched off.
    func testSecretLiteralsAreNeverPublished() throws {
        let project = directory.appendingPathComponent("project")
        try FileManager.default.copyItem(at: BundleTests.contoso, to: project)
        let gateway = project.appendingPathComponent("gateway.yaml")
        let text = try String(contentsOf: gateway, encoding: .utf8)
            .replacingOccurrences(of: "clientSecret: {secret: partner-client-secret}", with: "clientSecret: s3cr3t-partner-value")
        try text.write(to: gateway, atomically: true, encoding: .utf8)
        try "rules:\n  SE001: off\n  LP006: off\n".write(to: project.appendingPathComponent("portcullis.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("bundle")
        let result = try ToolProcess.run(["build", "--out", out.path, "--quiet"], in: project)
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertEqual(
            result.stderr,
            "portcullis: error: the inputs hold secret values, which a bundle would publish; nothing was written\n  gateway.yaml:18:19\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertFalse(result.stdout.contains("s3cr3t"))
    }

    func testUnwritableOutputExitsTwoAndKeepsTheOldBundle() throws {
        XCTAssertEqual(try ToolProcess.run(["build", contoso, "--out", "/proc/portcullis/bundle", "--quiet"]).status, 2)
        let missingParent = try ToolProcess.run(["build", contoso, "--out", directory.appendingPathComponent("a/b").path, "--quiet"])
        XCTAssertEqual(missingParent.status, 2)
        XCTAssertTrue(missingParent.stderr.contains("its parent folder does not exist"), missingParent.stderr)

        let out = directory.appendingPathComponent("bundle")
        XCTAssertEqual(try ToolProcess.run(["build", contoso, "--out", out.path, "--quiet"]).status, 0)
        let before = files(under: out)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path) }
        let denied = try ToolProcess.run(["build", contoso, "--out", out.path, "--quiet"])
        if getuid() == 0 {
            // root writes anyway; the point of the check is the exit code for non-root users.
            XCTAssertEqual(denied.status, 0)
        } else {
            XCTAssertEqual(denied.status, 2)
            XCTAssertEqual(files(under: out), before)
        }
    }

    /// A build killed while it writes leaves the previous bundle exactly as it was.
    func testKilledBuildLeavesThePreviousBundleIntact() throws {
        let project = directory.appendingPathComponent("estate")
        try EstateGenerator.write(apis: 150, routes: 20, to: project)
        let out = directory.appendingPathComponent("bundle")
        XCTAssertEqual(try ToolProcess.run(["build", project.path, "--out", out.path, "--quiet"]).status, 0)
        let before = files(under: out)
        XCTAssertGreaterThan(before.count, 3000)

        // Change the inputs so the next bundle differs, then kill that build midway.
        try EstateGenerator.write(apis: 150, routes: 20, to: project, summarySuffix: " (changed)")
        let killed = try ToolProcess.runKilled(["build", project.path, "--out", out.path, "--quiet"]) {
            let staging = (try? FileManager.default.contentsOfDirectory(atPath: self.directory.path))?.first { $0.hasPrefix(".bundle.portcullis-new-") }
            guard let staging else { return false }
            let written = FileManager.default.enumerator(atPath: self.directory.appendingPathComponent(staging).path)?.allObjects.count ?? 0
            return written > 100
        }
        XCTAssertTrue(killed, "the build finished before it could be interrupted")
        XCTAssertEqual(files(under: out), before)

        XCTAssertEqual(try ToolProcess.run(["build", project.path, "--out", out.path, "--quiet"]).status, 0)
        XCTAssertNotEqual(files(under: out), before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "the next build removes what the killed one left")
    }
}

/// A large valid project for tests that need many files.
enum EstateGenerator {
    static func write(apis: Int, routes: Int, to folder: URL, summarySuffix: String = "") throws {
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("apis"), withIntermediateDirectories: true)
        var scopes = ""
        for api in 0..<apis { scopes += "  api\(api).read: {access: read}\n  api\(api).write: {access: write}\n" }
        try """
            apiVersion: portcullis/v1
            kind: Gateway
            name: estate
            identityProviders:
              entra:
                type: jwt
                issuer: https://login.example.com/v2.0
                openidConfig: https://login.example.com/v2.0/.well-known/openid-configuration
                audiences: [api://estate]
            scopes:
            \(scopes)defaults:
              auth: entra
              rateLimit: {calls: 100, per: 60s}

            """.write(to: folder.appendingPathComponent("gateway.yaml"), atomically: true, encoding: .utf8)
        for api in 0..<apis {
            var text = "apiVersion: portcullis/v1\nkind: API\nname: api-\(api)\npath: api-\(api)\nbackend: https://api-\(api).example.com\nroutes:\n"
            for route in 0..<routes {
                let write = route % 2 == 1
                text += "  - id: route-\(route)\n    method: \(write ? "POST" : "GET")\n    path: /items/\(route)\n"
                text += "    summary: Route \(route)\(summarySuffix)\n    scopes: [api\(api).\(write ? "write" : "read")]\n"
            }
            try text.write(to: folder.appendingPathComponent("apis/api-\(api).yaml"), atomically: true, encoding: .utf8)
        }
    }
}

/// What `build` tells the user: progress on a terminal only, a closing line, and a
/// `--check` summary in text and JSON.
final class BuildReportingTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryProject()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// How many regular files are below `folder`.
    private func fileCount(_ folder: String) -> Int {
        let root = directory.appendingPathComponent(folder)
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        return (walker?.allObjects as? [URL] ?? []).filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }.count
    }

    func testBuildEndsWithWhatItWrote() throws {
        let build = try ToolProcess.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertFalse(build.stderr.contains("\r"), "no progress when standard error is not a terminal")
        let count = fileCount("out")
        XCTAssertGreaterThan(count, 10)
        XCTAssertTrue(build.stderr.hasPrefix("portcullis: wrote \(count) files ("), build.stderr)
        XCTAssertTrue(build.stderr.hasSuffix(" MB) to 'out'\n"), build.stderr)
        let quiet = try ToolProcess.run(["build", "defs", "--out", "out", "--quiet"], in: directory)
        XCTAssertEqual(quiet.stderr, "")
    }

    func testProgressIsShownOnATerminalOrWhenAsked() throws {
        let terminal = try Terminal.run(["build", "defs", "--out", "out"], in: directory)
        XCTAssertEqual(terminal.status, 0, terminal.output)
        XCTAssertTrue(terminal.output.contains("portcullis: checking and compiling 9 files..."), terminal.output)
        XCTAssertTrue(terminal.output.contains("\r\u{1B}[K"), "progress is erased")
        XCTAssertTrue(terminal.output.contains("portcullis: wrote "), terminal.output)
        let asked = try ToolProcess.run(["build", "defs", "--out", "out", "--progress"], in: directory)
        XCTAssertTrue(asked.stderr.contains("portcullis: writing "), asked.stderr)
    }

    func testCheckEndsWithASummaryAndSpeaksJSON() throws {
        XCTAssertEqual(try ToolProcess.run(["build", "defs", "--out", "out", "--quiet"], in: directory).status, 0)
        let count = fileCount("out")
        let clean = try ToolProcess.run(["build", "defs", "--out", "out", "--check"], in: directory)
        XCTAssertEqual(clean.status, 0)
        XCTAssertEqual(clean.stderr, "portcullis: 'out' is up to date (\(count) files)\n")

        try Data("tampered\n".utf8).write(to: directory.appendingPathComponent("out/gateway.json"))
        try FileManager.default.removeItem(at: directory.appendingPathComponent("out/apim/policy.xml"))
        let drift = try ToolProcess.run(["build", "defs", "--out", "out", "--check"], in: directory)
        XCTAssertEqual(drift.status, 1)
        XCTAssertEqual(
            drift.stderr,
            "portcullis: missing: apim/policy.xml\nportcullis: changed: gateway.json\nportcullis: 'out' differs from the build in 2 places\n")

        let json = try ToolProcess.run(["build", "defs", "--out", "out", "--check", "--format", "json"], in: directory)
        XCTAssertEqual(json.status, 1)
        XCTAssertEqual(json.stderr, "")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertNotNil(object["diagnostics"])
        let check = try XCTUnwrap(object["check"] as? [String: Any])
        XCTAssertEqual(check["upToDate"] as? Bool, false)
        XCTAssertEqual(check["output"] as? String, "out")
        XCTAssertEqual(check["files"] as? Int, count)
        XCTAssertEqual(
            check["differences"] as? [[String: String]],
            [["change": "missing", "path": "apim/policy.xml"], ["change": "changed", "path": "gateway.json"]])
    }
}
