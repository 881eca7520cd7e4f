import Foundation
import PortcullisChecker
import PortcullisSupport
import XCTest

/// The executable's contract: exit codes, report formats and output options.
final class CommandLineTests: XCTestCase {
    let samples = GoldenFiles.packageRoot.appendingPathComponent("Samples")

    func testCleanSampleExitsZeroWithNoDiagnostics() throws {
        let result = try ToolProcess.run(["lint", "Samples/contoso"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 9 files\n")
    }

    func testMistakesSampleExitsOneWithLocatedDiagnostics() throws {
        let result = try ToolProcess.run(["lint", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(
            result.stdout.hasPrefix("Samples/mistakes/apis/legacy-orders.yaml:5:10: error: "), String(result.stdout.prefix(200)))
        XCTAssertTrue(result.stdout.hasSuffix(" errors, 7 warnings in 3 files\n"), String(result.stdout.suffix(100)))
    }

    func testMissingPathExitsTwo() throws {
        let result = try ToolProcess.run(["lint", "no/such/dir"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "portcullis: error: input path 'no/such/dir' does not exist\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testDirectoryWithoutYAMLExitsTwo() throws {
        let result = try ToolProcess.run(["lint", "Sources/CYAML"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("no '*.yaml' or '*.yml' files found"), result.stderr)
    }

    func testBadUsageExitsSixtyFour() throws {
        XCTAssertEqual(try ToolProcess.run(["lint", "--format", "yaml"]).status, 64)
        XCTAssertEqual(try ToolProcess.run(["lint", "--no-such-flag"]).status, 64)
        XCTAssertEqual(try ToolProcess.run(["frobnicate"]).status, 64)
    }

    func testJSONFormatIsParseableAndCountsFindings() throws {
        let result = try ToolProcess.run(["lint", "--format", "json", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 1)
        let diagnostics = try XCTUnwrap(object["diagnostics"] as? [[String: Any]])
        let summary = try XCTUnwrap(object["summary"] as? [String: Int])
        XCTAssertEqual((summary["errors"] ?? 0) + (summary["warnings"] ?? 0) + (summary["notes"] ?? 0), diagnostics.count)
        XCTAssertEqual(diagnostics.filter { $0["severity"] as? String == "error" }.count, summary["errors"])
        XCTAssertEqual(summary["files"], 3)
        XCTAssertEqual(diagnostics.first?["file"] as? String, "Samples/mistakes/apis/legacy-orders.yaml")
    }

    func testOutputFileReceivesTheReport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.json")
        let result = try ToolProcess.run(
            ["lint", "--format", "json", "--output", report.path, "Samples/contoso"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(try String(contentsOf: report, encoding: .utf8).contains("\"errors\" : 0"))
        let unwritable = try ToolProcess.run(
            ["lint", "--output", "/proc/portcullis/report.txt", "Samples/contoso"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(unwritable.status, 2)
        // The system's reason, not Foundation's sentence around it.
        XCTAssertEqual(unwritable.stderr, "portcullis: error: cannot write '/proc/portcullis/report.txt': no such file or directory\n")
    }

    /// A report is written into a pipe or a device, never renamed over it: as root,
    /// `--output /dev/null` made the machine's `/dev/null` a file (found by an audit).
    /// A FIFO stands for both here, read by `cat`; `/dev/stdout` is the standard output.
    func testAReportIsWrittenIntoAPipeNeverOverIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("report.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        let received = Pipe()
        reader.standardOutput = received
        try reader.run()
        defer { if reader.isRunning { reader.terminate() } }
        let result = try ToolProcess.run(["lint", "--format", "json", "--output", fifo, "Samples/contoso"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(result.status, 0, result.stderr)
        var status = stat()
        XCTAssertEqual(lstat(fifo, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO, "the FIFO was replaced")
        let deadline = Date().addingTimeInterval(10)
        while reader.isRunning, Date() < deadline { usleep(20_000) }
        XCTAssertFalse(reader.isRunning, "the report never reached the pipe's reader")
        XCTAssertTrue(String(decoding: received.fileHandleForReading.availableData, as: UTF8.self).contains("\"errors\" : 0"))
        // A link to a pipe is the link's to replace, never followed: a committed
        // `report.sarif` leading to a FIFO nobody reads hung the run (found by an audit).
        let linked = directory.appendingPathComponent("report.sarif").path
        XCTAssertEqual(symlink(fifo, linked), 0)
        let replaced = try ToolProcess.run(["lint", "--output", linked, "Samples/contoso"], in: GoldenFiles.packageRoot)
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertEqual(lstat(linked, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFREG)
        XCTAssertEqual(lstat(fifo, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO)
        let stdout = try ToolProcess.run(["lint", "--format", "json", "--output", "/dev/stdout", "Samples/contoso"], in: GoldenFiles.packageRoot)
        XCTAssertTrue(stdout.stdout.contains("\"errors\" : 0"), stdout.stdout + stdout.stderr)
    }

    func testColorAndQuietOptions() throws {
        let colored = try ToolProcess.run(["lint", "--color", "always", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertTrue(colored.stdout.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        let plain = try ToolProcess.run(["lint", "--quiet", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertFalse(plain.stdout.contains("\u{1B}["), "auto colour is off when not writing to a terminal")
        XCTAssertFalse(plain.stdout.contains(" errors, "), "--quiet leaves out the summary")
    }

    func testDefaultPathIsTheWorkingDirectory() throws {
        let result = try ToolProcess.run(["lint"], in: samples.appendingPathComponent("contoso"))
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 9 files\n")
    }
}

/// The commands that document rules, and the options that pin configuration and dates.
final class RuleCommandLineTests: XCTestCase {
    func testRulesListsEveryCodeInOrder() throws {
        let result = try ToolProcess.run(["rules"])
        XCTAssertEqual(result.status, 0)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("CODE   SLUG") ?? false)
        let codes = lines.dropFirst().map { String($0.prefix(5)) }
        XCTAssertEqual(codes, RuleRegistry.descriptions.map(\.code.id), "every registered code, in code order")
        XCTAssertEqual(codes, codes.sorted())
        XCTAssertTrue(result.stdout.contains("LP003  write-route-accepts-read-scope         error     a POST, PUT, PATCH or DELETE route"))
    }

    func testExplainShowsRationaleFixAndExamples() throws {
        let result = try ToolProcess.run(["explain", "ca001"])
        XCTAssertEqual(result.status, 0)
        for heading in ["CA001 shared-cache-on-authenticated-route (default severity: error)", "Why it matters", "How to fix", "Reported here", "Not reported here"] {
            XCTAssertTrue(result.stdout.contains(heading), heading)
        }
        XCTAssertTrue(result.stdout.contains("cache: {ttl: 30s, sharing: ↓shared}"))
    }

    func testExplainUnknownCodeIsAUsageErrorWithASuggestion() throws {
        let result = try ToolProcess.run(["explain", "CA01"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("unknown rule code 'CA01'; did you mean 'CA001'?"), result.stderr)
    }

    func testTodayPinsSuppressionExpiryAndIsValidated() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-today-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let gateway = GoldenFiles.fixtures.appendingPathComponent("diagnostics/checker-suppressions/gateway.yaml")
        try FileManager.default.copyItem(at: gateway, to: directory.appendingPathComponent("gateway.yaml"))
        try """
            apiVersion: portcullis/v1
            kind: API
            name: orders
            path: orders
            backend: https://orders.example.com
            routes:
              - id: list-orders
                method: GET
                path: /orders
                scopes: [orders.read]
                # portcullis:ignore CA001 until=2030-06-30 -- shared until the migration
                cache: {ttl: 30s, sharing: shared}
              - {id: create-order, method: POST, path: /orders, scopes: [orders.write]}
            """.write(to: directory.appendingPathComponent("orders.yaml"), atomically: true, encoding: .utf8)
        let before = try ToolProcess.run(["lint", "--today", "2030-06-30"], in: directory)
        XCTAssertEqual(before.status, 0, before.stdout)
        let after = try ToolProcess.run(["lint", "--today", "2030-07-01"], in: directory)
        XCTAssertEqual(after.status, 1)
        XCTAssertTrue(after.stdout.contains("[SU002]") && after.stdout.contains("[CA001]"), after.stdout)
        XCTAssertEqual(try ToolProcess.run(["lint", "--today", "2030-02-30"], in: directory).status, 64)
    }

    /// `--output` naming one of the files the run reads was written over: `lint defs
    /// --output defs/gateway.yaml` replaced the gateway with its report (found by an audit
    /// of the README). It is refused, however the path is spelled, and nothing is written.
    func testAReportIsNeverWrittenOverAnInput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: GoldenFiles.packageRoot.appendingPathComponent("Samples/contoso"), to: directory.appendingPathComponent("defs"))
        try FileManager.default.copyItem(at: GoldenFiles.packageRoot.appendingPathComponent("Samples/contoso"), to: directory.appendingPathComponent("base"))
        try FileManager.default.copyItem(
            at: GoldenFiles.packageRoot.appendingPathComponent("Samples/fabrikam"), to: directory.appendingPathComponent("fab"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tree"), withIntermediateDirectories: true)
        try "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>\n"
            .write(to: directory.appendingPathComponent("tree/policy.xml"), atomically: true, encoding: .utf8)
        try "rules: {LP004: error}\n".write(to: directory.appendingPathComponent("defs/portcullis.yaml"), atomically: true, encoding: .utf8)
        let gateway = try Data(contentsOf: directory.appendingPathComponent("defs/gateway.yaml"))
        let before = try ["fab/specs/invoices.yaml", "tree/policy.xml"].map { try Data(contentsOf: directory.appendingPathComponent($0)) }
        let cases: [(arguments: [String], output: String)] = [
            (["lint", "defs", "--output", "defs/gateway.yaml"], "defs/gateway.yaml"),
            (["lint", "defs", "--output", "./defs/../defs/gateway.yaml"], "./defs/../defs/gateway.yaml"),
            (["lint", "defs", "--output", "defs/portcullis.yaml"], "defs/portcullis.yaml"),
            (["diff", "base", "defs", "--output", "defs/gateway.yaml"], "defs/gateway.yaml"),
            // The OpenAPI document an API names, a side file read (found by the audit of the fix).
            (["lint", "fab", "--output", "fab/specs/invoices.yaml"], "fab/specs/invoices.yaml"),
            (["diff", "base", "fab", "--output", "fab/specs/invoices.yaml"], "fab/specs/invoices.yaml"),
            (["build", "fab", "--out", "bundle", "--output", "fab/specs/invoices.yaml"], "fab/specs/invoices.yaml"),
            (["import", "openapi", "fab/specs/invoices.yaml", "--out", "imported", "--output", "fab/specs/invoices.yaml"], "fab/specs/invoices.yaml"),
            (["import", "tree", "--out", "imported", "--output", "tree/policy.xml"], "tree/policy.xml"),
            // Refused before the project is written (the second audit).
            (["import", "openapi", "fab/specs/invoices.yaml", "--out", "imported", "--config", "defs/portcullis.yaml", "--output", "defs/portcullis.yaml"],
             "defs/portcullis.yaml"),
        ]
        for (arguments, output) in cases {
            let result = try ToolProcess.run(arguments, in: directory)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout)")
            XCTAssertTrue(result.stderr.hasPrefix("portcullis: error: will not replace '\(output)': it is "), result.stderr)
            XCTAssertEqual(try Data(contentsOf: directory.appendingPathComponent("defs/gateway.yaml")), gateway, "\(arguments)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("bundle").path), "\(arguments)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("imported").path), "\(arguments)")
        }
        XCTAssertEqual(try ["fab/specs/invoices.yaml", "tree/policy.xml"].map { try Data(contentsOf: directory.appendingPathComponent($0)) }, before)
        // Standard input stands for the file it names, and its configuration is read.
        let input = try String(contentsOf: directory.appendingPathComponent("defs/gateway.yaml"), encoding: .utf8)
        for output in ["defs/gateway.yaml", "defs/portcullis.yaml"] {
            let piped = try ToolProcess.run(
                ["lint", "-", "--stdin-filename", "defs/gateway.yaml", "--output", output], in: directory, input: Array(input.utf8))
            XCTAssertEqual(piped.status, 2, piped.stdout)
            XCTAssertEqual(piped.stderr, "portcullis: error: will not replace '\(output)': it is the input '\(output)'\n")
        }
        XCTAssertEqual(try String(contentsOf: directory.appendingPathComponent("defs/portcullis.yaml"), encoding: .utf8), "rules: {LP004: error}\n")
        // A report beside the inputs, even in a folder being linted, is written as before,
        // and again: a JSON file found there is not read unless an API names it.
        for _ in 1...2 {
            let beside = try ToolProcess.run(["lint", "defs", "--format", "json", "--output", "defs/report.json"], in: directory)
            XCTAssertEqual(beside.status, 0, beside.stderr)
        }
        XCTAssertTrue(try String(contentsOf: directory.appendingPathComponent("defs/report.json"), encoding: .utf8).contains("\"errors\" : 0"))
    }

    /// The configuration is found in the deepest folder holding every path given, so the
    /// paths' order does not change the findings; it was found beside the first path only,
    /// and `lint defs/apis defs/gateway.yaml` missed `defs/portcullis.yaml` (found by an
    /// audit of the README, which promises the same result in any order).
    func testTheConfigurationDoesNotDependOnThePathsOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-order-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: GoldenFiles.packageRoot.appendingPathComponent("Samples/mistakes"), to: directory.appendingPathComponent("defs"))
        try "rules: {LP001: off, RL001: off}\n".write(to: directory.appendingPathComponent("defs/portcullis.yaml"), atomically: true, encoding: .utf8)
        var reports: [String] = []
        for order in [["defs/apis", "defs/gateway.yaml"], ["defs/gateway.yaml", "defs/apis"]] {
            let result = try ToolProcess.run(["lint", "--format", "json"] + order, in: directory)
            XCTAssertLessThan(result.status, 2, result.stderr)
            XCTAssertFalse(result.stdout.contains("\"LP001\""), result.stdout)
            reports.append(result.stdout)
        }
        let whole = try ToolProcess.run(["lint", "--format", "json", "defs"], in: directory)
        XCTAssertEqual(Set(reports).count, 1, "the same findings in either order")
        XCTAssertFalse(whole.stdout.contains("\"LP001\""), whole.stdout)
    }

    func testConfigOptionAndWarningsAsErrors() throws {
        let directory = GoldenFiles.fixtures.appendingPathComponent("diagnostics/checker-configuration")
        let explicit = try ToolProcess.run(["lint", "--config", "portcullis.yaml", "."], in: directory)
        let implicit = try ToolProcess.run(["lint"], in: directory)
        XCTAssertEqual(explicit.stdout, implicit.stdout)
        XCTAssertTrue(implicit.stdout.hasSuffix("5 errors, 0 warnings, 1 note in 2 files\n"), implicit.stdout)
        let missing = try ToolProcess.run(["lint", "--config", "nowhere.yaml"], in: directory)
        XCTAssertEqual(missing.status, 2)
        // Named as the configuration, not as an input path.
        XCTAssertEqual(missing.stderr, "portcullis: error: cannot read 'nowhere.yaml': it does not exist\n")

        let warnings = try ToolProcess.run(["lint", "--warnings-as-errors", "Samples/mistakes"], in: GoldenFiles.packageRoot)
        XCTAssertTrue(warnings.stdout.hasSuffix(" errors, 0 warnings in 3 files\n"), String(warnings.stdout.suffix(80)))
    }
}

/// What a user meets first: the version, help, colour, and rule names.
final class ConventionTests: XCTestCase {
    /// The version is written in one place; the changelog (past an "Unreleased" entry
    /// gathering what the next version will have) and the README's pre-commit snippet
    /// follow it.
    func testVersionIsWrittenOnce() throws {
        let result = try ToolProcess.run(["--version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "portcullis \(ToolInfo.version)\n")
        let changelog = try String(contentsOf: GoldenFiles.packageRoot.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        let newest = changelog.split(separator: "\n").first { $0.hasPrefix("## ") && !$0.hasPrefix("## Unreleased") }
        XCTAssertEqual(newest, "## \(ToolInfo.version)")
        let readme = try String(contentsOf: GoldenFiles.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("    rev: v\(ToolInfo.version) "), "the README's pre-commit rev is the current version")
    }

    func testNoArgumentsPrintsHelpAndExitsWithUsage() throws {
        let result = try ToolProcess.run([])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("USAGE: portcullis <subcommand>"), result.stderr)
        XCTAssertTrue(result.stderr.contains("lint"), result.stderr)
    }

    func testExplainAcceptsSlugs() throws {
        let byCode = try ToolProcess.run(["explain", "LP003"])
        let bySlug = try ToolProcess.run(["explain", "write-route-accepts-read-scope"])
        XCTAssertEqual(bySlug.status, 0, bySlug.stderr)
        XCTAssertEqual(bySlug.stdout, byCode.stdout)
        let typo = try ToolProcess.run(["explain", "write-route-accepts-read-scop"])
        XCTAssertEqual(typo.status, 64)
        XCTAssertTrue(typo.stderr.contains("did you mean 'write-route-accepts-read-scope'?"), typo.stderr)
    }

    /// no-color.org: NO_COLOR disables colour only when it holds something.
    func testAnEmptyNoColorKeepsColour() throws {
        let root = GoldenFiles.packageRoot
        let unset = try Terminal.run(["lint", "Samples/mistakes"], in: root)
        XCTAssertTrue(unset.output.contains("\u{1B}["), "a terminal gets colour")
        let empty = try Terminal.run(["lint", "Samples/mistakes"], in: root, environment: ["NO_COLOR": ""])
        XCTAssertTrue(empty.output.contains("\u{1B}["), "an empty NO_COLOR does not disable colour")
        let set = try Terminal.run(["lint", "Samples/mistakes"], in: root, environment: ["NO_COLOR": "1"])
        XCTAssertFalse(set.output.contains("\u{1B}["), "NO_COLOR=1 disables colour")
    }
}

/// Shell completions and the data the man page is made from come from the argument
/// parser; both must know every command.
final class CompletionTests: XCTestCase {
    func testCompletionScriptsAndHelpDumpKnowEveryCommand() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try ToolProcess.run(["--generate-completion-script", shell])
            XCTAssertEqual(result.status, 0, "\(shell): \(result.stderr)")
            for command in ["lint", "build", "diff", "init", "rules", "explain"] {
                XCTAssertTrue(result.stdout.contains(command), "\(shell) completion lacks '\(command)'")
            }
        }
        // What `swift package plugin generate-manual` reads to write the man page.
        let dump = try ToolProcess.run(["--experimental-dump-help"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let command = try XCTUnwrap(object["command"] as? [String: Any])
        let names = (command["subcommands"] as? [[String: Any]] ?? []).compactMap { $0["commandName"] as? String }
        XCTAssertEqual(Set(names).intersection(["lint", "build", "diff", "init", "rules", "explain"]).count, 6, "\(names)")
    }
}
