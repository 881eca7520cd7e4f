import Foundation
import PortcullisCompiler
import XCTest

/// `portcullis diff`: every kind of change, in every format, and BASE from Git.
final class AccessDiffTests: XCTestCase {
    static let fixtures = GoldenFiles.fixtures.appendingPathComponent("diff")

    func testEveryChangeKindInEveryFormat() throws {
        for (format, golden) in [("text", "expected.txt"), ("json", "expected.json"), ("markdown", "expected.md")] {
            let result = try ToolProcess.run(["diff", "base", "head", "--format", format], in: Self.fixtures)
            XCTAssertEqual(result.status, 0, result.stderr)
            GoldenFiles.assertMatches(result.stdout, golden: Self.fixtures.appendingPathComponent(golden))
        }
    }

    func testFailOnSetsTheExitCode() throws {
        XCTAssertEqual(try ToolProcess.run(["diff", "base", "head", "--fail-on", "looser-limit"], in: Self.fixtures).status, 1)
        XCTAssertEqual(try ToolProcess.run(["diff", "base", "base", "--fail-on", "privilege-increase,looser-limit,cache-widened"], in: Self.fixtures).status, 0)
        XCTAssertEqual(try ToolProcess.run(["diff", "base", "head", "--fail-on", "everything"], in: Self.fixtures).status, 64)
        // An empty value, as a CI variable left unset gives, gated nothing and passed every
        // change (the audit of diff in the thirty-fifth round).
        for empty in ["", ",", " "] {
            let gate = try ToolProcess.run(["diff", "base", "head", "--fail-on", empty], in: Self.fixtures)
            XCTAssertEqual(gate.status, 64, "'\(empty)': " + gate.stdout + gate.stderr)
        }
        let same = try ToolProcess.run(["diff", "base", "base"], in: Self.fixtures)
        XCTAssertEqual(same.stdout, "no changes to access, limits or caching\n")
        // Paths written after it are paths, as the option takes one value each time (it
        // took them as categories, and the command asked for paths).
        XCTAssertEqual(try ToolProcess.run(["diff", "--fail-on", "looser-limit", "base", "head"], in: Self.fixtures).status, 1)
        XCTAssertEqual(try ToolProcess.run(["diff", "--fail-on", "privilege-increase", "--fail-on", "looser-limit", "base", "head"], in: Self.fixtures).status, 1)
    }

    func testBrokenSideExitsTwoAndSaysSoInTheReport() throws {
        let result = try ToolProcess.run(["diff", "Samples/contoso", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "portcullis: error: HEAD has errors, so it cannot be compared\n")
        XCTAssertTrue(result.stdout.hasPrefix("HEAD has errors, so it cannot be compared\nSamples/mistakes/"), result.stdout)
    }

    /// Changes that widen who gets through without touching a route's scopes: a limit keyed
    /// by a header callers choose, a longer trust in introspection answers, a product open
    /// to subscribers without approval or given another API. Each fails a pull request that
    /// fails on privilege increases or looser limits; the reverse of each is reported too.
    func testKeyTokenCacheAndProductChangesAreClassified() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let defs = contoso.url.appendingPathComponent("defs")
        try FileManager.default.copyItem(at: defs, to: contoso.url.appendingPathComponent("head"))
        func edit(_ path: String, _ from: String, _ to: String) throws {
            let url = contoso.url.appendingPathComponent("head/" + path)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(from), "\(path) holds no '\(from)'")
            try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
        }
        try edit("apis/orders.yaml", "rateLimit: {calls: 600, per: 60s, key: user}", "rateLimit: {calls: 600, per: 60s, key: \"header:X-Client\"}")
        try edit("gateway.yaml", "cacheTtl: 60s", "cacheTtl: 5m")
        try edit("products.yaml", "approvalRequired: true", "approvalRequired: false")
        try edit("products.yaml", "apis: [partner-orders, catalog]", "apis: [partner-orders, catalog, orders]")
        let result = try ToolProcess.run(["diff", "defs", "head", "--fail-on", "looser-limit"], in: contoso.url)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        let lines = Set(result.stdout.split(separator: "\n").map(String.init))
        for expected in [
            "head/gateway.yaml:19:15: privilege increase: identity provider 'partner' trusts an introspection answer for 300s instead of 60s, so a revoked token is accepted longer",
            "head/products.yaml:8:19: privilege increase: product 'partners' no longer requires approval: anyone may subscribe",
            "head/products.yaml:7:33: privilege increase: product 'partners' now includes API 'orders': its subscribers may call it",
            "head/apis/orders.yaml:24:9: looser limit: route 'orders/get-order' counts its rate limit by 'header:X-Client' instead of 'user', which callers choose",
        ] {
            XCTAssertTrue(lines.contains(expected), "missing: \(expected)\nin:\n\(result.stdout)")
        }
        let back = try ToolProcess.run(["diff", "head", "defs"], in: contoso.url)
        XCTAssertTrue(back.stdout.contains("privilege decrease: identity provider 'partner' trusts an introspection answer for 60s instead of 300s"), back.stdout)
        XCTAssertTrue(back.stdout.contains("privilege decrease: product 'partners' now requires approval to subscribe"), back.stdout)
        XCTAssertTrue(back.stdout.contains("privilege decrease: product 'partners' no longer includes API 'orders'"), back.stdout)
        XCTAssertTrue(back.stdout.contains("stricter limit: route 'orders/get-order' counts its rate limit by 'user' instead of 'header:X-Client'"), back.stdout)
    }

    /// The options the README promises: every category in the help, the input limits.
    func testHelpListsEveryCategoryAndLimitsApply() throws {
        let help = try ToolProcess.run(["diff", "--help"])
        for category in AccessChange.Category.allCases {
            XCTAssertTrue(help.stdout.contains(category.rawValue), "\(category.rawValue) missing from: \(help.stdout)")
        }
        XCTAssertTrue(help.stdout.contains("--max-file-size"), help.stdout)
        let limited = try ToolProcess.run(["diff", "base", "head", "--max-file-size", "200"], in: Self.fixtures)
        XCTAssertEqual(limited.status, 2)
        XCTAssertTrue(limited.stdout.contains("BASE has errors") && limited.stdout.contains("[YS"), limited.stdout)
        // A side's errors are shown as lint shows them, at most --max-findings of them (the
        // audit of the fix: diff printed every one).
        let cut = try ToolProcess.run(["diff", "base", "head", "--max-file-size", "200", "--max-findings", "1"], in: Self.fixtures)
        XCTAssertEqual(cut.status, 2)
        XCTAssertEqual(cut.stdout.components(separatedBy: "larger than the limit").count - 1, 1, cut.stdout)
        XCTAssertTrue(cut.stdout.contains("error: 1 more finding from here on is not reported (an error): a report shows at most 1 [YS006]"), cut.stdout)
    }

    /// BASE's archive went into memory whole before it was unpacked: a 300 MB file Git
    /// keeps in a few hundred kilobytes took a diff to 359 MB (found by the audit of hostile
    /// inputs). It now streams from git into tar.
    func testGitBaseIsUnpackedWithoutHoldingTheArchive() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let large = contoso.url.appendingPathComponent("defs/notes.bin")
        XCTAssertTrue(FileManager.default.createFile(atPath: large.path, contents: nil))
        let handle = try FileHandle(forWritingTo: large)
        let block = Data(count: 1 << 20)
        for _ in 0..<200 { handle.write(block) }
        try handle.close()
        try contoso.git("add", ".")
        try contoso.git("commit", "-q", "-m", "a large file beside the definitions")
        let result = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs"], in: contoso.url)
        XCTAssertEqual(result.stdout, "no changes to access, limits or caching\n", result.stderr)
        XCTAssertLessThan(result.peakMemoryBytes, 120 << 20, "peak memory")
    }

    /// BASE from a commit of a temporary repository; HEAD from its work tree. Locations are
    /// relative to the working directory, as `lint` shows them, and a removed route's is
    /// marked as being in BASE.
    func testGitBaseReadsTheCommittedVersion() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        let orders = repository.appendingPathComponent("defs/apis/orders.yaml")
        let changed = try String(contentsOf: orders, encoding: .utf8)
            .replacingOccurrences(of: "    scopes: [orders.write]\n    rateLimit: {calls: 20", with: "    scopes: [orders.write, orders.read]\n    rateLimit: {calls: 20")
        try changed.write(to: orders, atomically: true, encoding: .utf8)

        let result = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs", "--fail-on", "privilege-increase"], in: repository)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(
            result.stdout,
            "defs/apis/orders.yaml:30:9: privilege increase: route 'orders/create-order' now accepts scope 'orders.read'\n"
                + "1 change: 1 privilege increase\n")
        let unchanged = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs/apis/catalog.yaml", "defs/gateway.yaml"], in: repository)
        XCTAssertEqual(unchanged.stdout, "no changes to access, limits or caching\n", unchanged.stderr)

        let inside = try ToolProcess.run(["diff", "--git-base", "HEAD", "apis/orders.yaml", "gateway.yaml"], in: repository.appendingPathComponent("defs"))
        XCTAssertEqual(inside.stdout.prefix(21), "apis/orders.yaml:30:9", inside.stdout + inside.stderr)

        let removed = try String(contentsOf: orders, encoding: .utf8)
        // Another id alone is the same route renamed; another path too is another route.
        let withoutRoute = removed.replacingOccurrences(
            of: "  - id: create-order\n    method: POST\n    path: /orders\n", with: "  - id: submit-order\n    method: POST\n    path: /submissions\n")
        try withoutRoute.write(to: orders, atomically: true, encoding: .utf8)
        let json = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs", "--format", "json"], in: repository)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let changes = try XCTUnwrap(object["changes"] as? [[String: Any]])
        let gone = try XCTUnwrap(changes.first { ($0["message"] as? String)?.hasSuffix("was removed") ?? false })
        XCTAssertEqual(gone["side"] as? String, "base")
        XCTAssertEqual(gone["subject"] as? [String: String], ["kind": "route", "name": "orders/create-order"])
        XCTAssertTrue((gone["location"] as? String)?.hasPrefix("defs/apis/orders.yaml:") ?? false, "\(gone)")
    }

    /// BASE is what was committed at REF, whatever the revision's `.gitattributes` say: read
    /// through `git archive`, an `export-ignore` file was missing from BASE (every route of
    /// the head read as added) and `export-subst` rewrote what a file says (here, a comment
    /// into a line that breaks the file).
    func testGitBaseReadsTheBlobsCommittedWhateverTheirAttributes() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let attributes = contoso.url.appendingPathComponent(".gitattributes")
        try "*.yaml export-ignore\n".write(to: attributes, atomically: true, encoding: .utf8)
        try contoso.git("add", ".gitattributes")
        try contoso.git("commit", "-q", "-m", "definitions left out of archives")
        let ignored = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs"], in: contoso.url)
        XCTAssertEqual(ignored.status, 0, ignored.stderr)
        XCTAssertEqual(ignored.stdout, "no changes to access, limits or caching\n", ignored.stderr)

        try "*.yaml export-subst\n".write(to: attributes, atomically: true, encoding: .utf8)
        let gateway = contoso.url.appendingPathComponent("defs/gateway.yaml")
        try (try String(contentsOf: gateway, encoding: .utf8) + "# $Format:%n[unclosed$\n").write(to: gateway, atomically: true, encoding: .utf8)
        try contoso.git("commit", "-q", "-a", "-m", "a comment that archives rewrite")
        let substituted = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs"], in: contoso.url)
        XCTAssertEqual(substituted.status, 0, substituted.stderr)
        XCTAssertEqual(substituted.stdout, "no changes to access, limits or caching\n", substituted.stderr)

        // A replace ref stands another commit in for the one named; BASE is still the one
        // committed (here a stricter limit would have made HEAD's a looser one).
        let orders = contoso.url.appendingPathComponent("defs/apis/orders.yaml")
        let committed = try String(contentsOf: orders, encoding: .utf8)
        try contoso.git("checkout", "-q", "-b", "stricter")
        try committed.replacingOccurrences(of: "rateLimit: {calls: 600, per: 60s, key: user}", with: "rateLimit: {calls: 60, per: 60s, key: user}")
            .write(to: orders, atomically: true, encoding: .utf8)
        try contoso.git("commit", "-q", "-a", "-m", "a stricter limit")
        try contoso.git("checkout", "-q", "-")
        try contoso.git("replace", "HEAD", "stricter")
        let replaced = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs"], in: contoso.url)
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertEqual(replaced.stdout, "no changes to access, limits or caching\n", replaced.stderr)
    }

    /// A link committed at the base is refused, and the message names the revision and
    /// the path as the user gave it: it named the temporary folder the revision was
    /// copied to ("outside '/tmp/portcullis-diff-...'"), which the user never saw (found
    /// by a hostile audit).
    func testALinkAtTheBaseIsNamedAsTheUserKnowsIt() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        try FileManager.default.moveItem(at: repository.appendingPathComponent("defs"), to: repository.appendingPathComponent("real"))
        try FileManager.default.createSymbolicLink(atPath: repository.appendingPathComponent("defs").path, withDestinationPath: "/etc")
        try contoso.git("add", "-A")
        try contoso.git("commit", "-q", "-m", "a link")
        try FileManager.default.removeItem(at: repository.appendingPathComponent("defs"))
        try FileManager.default.moveItem(at: repository.appendingPathComponent("real"), to: repository.appendingPathComponent("defs"))
        let result = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs"], in: repository)
        XCTAssertEqual(result.status, 2, result.stdout)
        XCTAssertEqual(result.stderr, "portcullis: error: at revision 'HEAD', cannot read 'defs': it is a symbolic link that leads outside '.'\n")
    }

    /// The pull request that first adds definitions: the paths are absent at the base,
    /// which is then empty, so every route is new; a path added beside committed ones
    /// leaves those compared as before. `git archive` failed on the new path ("pathspec did
    /// not match") and the comment step had no report (found by an audit of the README).
    func testPathsTheBaseLacksAreNewNotAnError() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        try FileManager.default.copyItem(at: BundleTests.contoso, to: repository.appendingPathComponent("added"))
        let report = repository.appendingPathComponent("access.md")
        let first = try ToolProcess.run(
            ["diff", "--git-base", "HEAD", "added", "--format", "markdown", "--output", report.path], in: repository)
        XCTAssertEqual(first.status, 0, first.stderr)
        let text = try String(contentsOf: report, encoding: .utf8)
        XCTAssertTrue(text.contains("| **privilege increase** | `route 'catalog/list-products' was added; it is public` | `added/apis/catalog.yaml:13:9` |"), text)
        XCTAssertTrue(text.contains("route 'orders/create-order' was added"), text)
        let failing = try ToolProcess.run(["diff", "--git-base", "HEAD", "added", "--fail-on", "privilege-increase"], in: repository)
        XCTAssertEqual(failing.status, 1, failing.stderr)
        // A new file beside the committed ones: only what it adds is a change.
        try "apiVersion: portcullis/v1\nkind: Product\nname: extra\ndisplayName: Extra\napis: [orders]\n"
            .write(to: repository.appendingPathComponent("defs/extra.yaml"), atomically: true, encoding: .utf8)
        let beside = try ToolProcess.run(
            ["diff", "--git-base", "HEAD", "defs/apis", "defs/gateway.yaml", "defs/products.yaml", "defs/backends.yaml", "defs/extra.yaml"],
            in: repository)
        XCTAssertLessThan(beside.status, 2, beside.stderr)
        XCTAssertFalse(beside.stdout.contains("was added; it"), beside.stdout)
        // A folder the revision has, without definitions yet, is an empty BASE too.
        try FileManager.default.createDirectory(at: repository.appendingPathComponent("later"), withIntermediateDirectories: true)
        try "# definitions to come\n".write(to: repository.appendingPathComponent("later/README.md"), atomically: true, encoding: .utf8)
        try contoso.git("add", "later")
        try contoso.git("commit", "-q", "-m", "later")
        for item in try FileManager.default.contentsOfDirectory(atPath: BundleTests.contoso.path) {
            try FileManager.default.copyItem(
                at: BundleTests.contoso.appendingPathComponent(item), to: repository.appendingPathComponent("later/\(item)"))
        }
        let later = try ToolProcess.run(["diff", "--git-base", "HEAD", "later"], in: repository)
        XCTAssertEqual(later.status, 0, later.stderr)
        XCTAssertTrue(later.stdout.contains("route 'orders/create-order' was added"), later.stdout)
        // A tree instead of a commit would find no path and pass for the first definitions.
        let tree = try ToolProcess.run(["diff", "--git-base", "HEAD:defs", "defs"], in: repository)
        XCTAssertEqual(tree.status, 2, tree.stdout)
        XCTAssertEqual(tree.stderr, "portcullis: error: git failed: 'HEAD:defs' is not a commit\n")
        // A commit found by its message is one (peeled after it is found, not searched with '^{commit}').
        let byMessage = try ToolProcess.run(["diff", "--git-base", ":/base", "defs"], in: repository)
        XCTAssertEqual(byMessage.status, 0, byMessage.stderr)
        XCTAssertTrue(byMessage.stdout.contains("product 'extra' was added"), byMessage.stdout)
    }

    /// Git's own message, not a mangled command line.
    func testGitErrorsShowGitsMessage() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        let result = try ToolProcess.run(["diff", "--git-base", "no-such-revision", "defs"], in: repository)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "portcullis: error: git failed: 'no-such-revision' is not a commit\n")
        XCTAssertFalse(result.stderr.contains("git git"), result.stderr)
    }

    /// When BASE has errors, the pull-request comment still gets a report, naming files as
    /// the user knows them, never the temporary folder BASE was read into.
    /// An interrupted `diff --git-base` left its copy of the base in the temporary folder,
    /// and `git archive | tar`, orphaned, went on writing into it; the copy held every file
    /// of the base, a gigabyte of zeros too (found by the audit of hostile input). Now a
    /// stopped run kills them and removes the copy, only input files are extracted, and
    /// one larger than `--max-file-size` is refused before anything is written.
    func testAStoppedGitBaseDiffLeavesNothingBehindAndAHugeBaseFileIsRefused() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        let refused = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs", "--max-file-size", "400"], in: repository)
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("bytes, larger than the limit of 400 ('--max-file-size')"), refused.stderr)
        // A git whose `cat-file` never answers, to stop the run while it extracts.
        let bin = repository.appendingPathComponent("bin")
        let scratch = repository.appendingPathComponent("tmp")
        let started = repository.appendingPathComponent("cat-file.pid")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let git = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map { "\($0)/git" }.first(where: FileManager.default.isExecutableFile) ?? "/usr/bin/git"
        try """
            #!/bin/sh
            for word in "$@"; do if [ "$word" = cat-file ]; then echo $$ > '\(started.path)'; exec sleep 120; fi; done
            exec '\(git)' "$@"

            """.write(to: bin.appendingPathComponent("git"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("git").path)
        let process = Process()
        process.executableURL = ToolProcess.executable
        process.arguments = ["diff", "--git-base", "HEAD", "defs"]
        process.currentDirectoryURL = repository
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["TMPDIR"] = scratch.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        // The shell makes the file before it writes the number: wait for the number (read
        // while the file was still empty, the test failed once in CI).
        func startedCopy() -> Int32? {
            (try? String(contentsOf: started, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        while startedCopy() == nil, process.isRunning, Date() < deadline { usleep(20_000) }
        let copy = try XCTUnwrap(startedCopy())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("portcullis-diff-") }.count, 1)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 128 + SIGTERM)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("portcullis-diff-") }, [])
        // A signal is delivered, and a killed child reaped, a moment later: given a few
        // seconds, the copy is gone, or a zombie, which runs nothing.
        func runs(_ pid: Int32) -> Bool {
            guard kill(pid, 0) == 0 else { return false }
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: ")").last?.split(separator: " ").first
            return state != "Z"
        }
        let gone = Date().addingTimeInterval(10)
        while runs(copy), Date() < gone { usleep(20_000) }
        XCTAssertFalse(runs(copy), "the copy still runs")
        kill(copy, SIGKILL)
    }

    /// `diff --git-base REF .`, `./defs`, `../defs` or `/abs/defs` named paths Git never lists, so the
    /// whole base read as absent and every change as an added route, and the gate passed
    /// (found by the audit of the fixes). Each names the same files as `defs` does now.
    func testGitBasePathsWithDotsNameWhatGitHas() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let orders = contoso.url.appendingPathComponent("defs/apis/orders.yaml")
        let text = try String(contentsOf: orders, encoding: .utf8)
        let raised = text.replacingOccurrences(of: "rateLimit: {calls: 600, per: 60s", with: "rateLimit: {calls: 600000, per: 60s")
        XCTAssertNotEqual(raised, text)
        try raised.write(to: orders, atomically: true, encoding: .utf8)
        // An absolute path, as workflows pass `$GITHUB_WORKSPACE/defs`, read the base as
        // empty too (found by an audit of the file system's use).
        let absolute = contoso.url.appendingPathComponent("defs").path
        for (path, directory) in [(".", contoso.url), ("./defs", contoso.url), ("../defs", contoso.url.appendingPathComponent("defs")), (absolute, contoso.url), (absolute, contoso.url.appendingPathComponent("defs"))] {
            let result = try ToolProcess.run(["diff", "--git-base", "HEAD", path, "--fail-on", "looser-limit"], in: directory)
            XCTAssertEqual(result.status, 1, "\(path): \(result.stdout)\(result.stderr)")
            XCTAssertFalse(result.stdout.contains("was added"), "\(path): \(result.stdout)")
        }
        // The head's folder moved and a committed link left in its place: resolved, the
        // absolute path named the new folder, which the base lacks, and the gate passed
        // (found by the audit of the fix). Read by its parts, it names what the base has.
        try contoso.git("mv", "defs", "defs2")
        XCTAssertEqual(symlink("defs2", contoso.url.appendingPathComponent("defs").path), 0)
        let linked = try ToolProcess.run(["diff", "--git-base", "HEAD", absolute, "--fail-on", "looser-limit"], in: contoso.url)
        XCTAssertEqual(linked.status, 1, linked.stdout + linked.stderr)
        XCTAssertFalse(linked.stdout.contains("was added"), linked.stdout)
    }

    func testBrokenGitBaseWritesAReportWithTheUsersPaths() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        let orders = repository.appendingPathComponent("defs/apis/orders.yaml")
        let good = try String(contentsOf: orders, encoding: .utf8)
        try (good + "  - [unclosed\n").write(to: orders, atomically: true, encoding: .utf8)
        try contoso.git("commit", "-q", "-a", "-m", "broken")
        try good.write(to: orders, atomically: true, encoding: .utf8)
        for format in ["markdown", "json", "text"] {
            let report = repository.appendingPathComponent("report.\(format)")
            let result = try ToolProcess.run(
                ["diff", "--git-base", "HEAD", "defs", "--format", format, "--output", report.path], in: repository)
            XCTAssertEqual(result.status, 2, format)
            XCTAssertEqual(result.stderr, "portcullis: error: BASE has errors, so it cannot be compared\n")
            let written = try String(contentsOf: report, encoding: .utf8)
            XCTAssertTrue(written.contains("BASE has errors, so it cannot be compared"), written)
            XCTAssertTrue(written.contains("defs/apis/orders.yaml:"), written)
            XCTAssertFalse(written.contains("portcullis-diff-"), written)
        }
    }
}
