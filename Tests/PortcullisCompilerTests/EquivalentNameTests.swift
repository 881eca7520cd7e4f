import Foundation
import XCTest

/// Names that Swift's `String` takes for one and the file system for two, through the
/// executable. A Kelvin sign (U+212A) is canonically a `K`; a combining mark after a `/`
/// makes one character of both; a prepended mark (U+0600) before a `.` does the same. Each
/// case below once made the tool skip a file, read one for another, miss a link or size a
/// file wrongly.
final class EquivalentNameTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
    }

    override func tearDown() {
        ScratchFiles.removeTree(directory)
    }

    /// The starter project `init` writes (a gateway, a product, an API), at `name`.
    private func starter(_ name: String = "p") throws -> URL {
        let project = directory.appendingPathComponent(name)
        XCTAssertEqual(try ToolProcess.run(["init", project.path]).status, 0)
        return project
    }

    private func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func api(_ name: String, backend: String, extra: String = "") -> String {
        """
        apiVersion: portcullis/v1
        kind: API
        name: \(name)
        path: \(name)
        backend: \(backend)
        \(extra)routes:
          - {id: list-things, method: GET, path: /things, scopes: [orders.read]}

        """
    }

    /// `Kiosk.yaml` and `\u{212A}iosk.yaml` are two inputs, whatever order the folder lists
    /// them in or the command line names them: both are read, and the plain-http backend
    /// of one is found.
    func testTwoFilesWhoseNamesAreEquivalentAreBothRead() throws {
        let project = try starter()
        try write(api("kiosk", backend: "http://kiosk.internal"), to: project.appendingPathComponent("apis/Kiosk.yaml"))
        try write(api("kiosk2", backend: "https://kiosk2.example.com"), to: project.appendingPathComponent("apis/\u{212A}iosk.yaml"))
        let others = ["gateway.yaml", "products.yaml", "apis/orders.yaml"].map { project.appendingPathComponent($0).path }
        let plain = project.appendingPathComponent("apis/Kiosk.yaml").path
        let kelvin = project.appendingPathComponent("apis/\u{212A}iosk.yaml").path
        for arguments in [[project.path], [plain, kelvin] + others, [kelvin, plain] + others] {
            let result = try ToolProcess.run(["lint"] + arguments)
            XCTAssertEqual(result.status, 1, result.stdout)
            XCTAssertTrue(result.stdout.contains("apis/Kiosk.yaml:5:10: error: 'backend' uses plain http:// [SE003]"), result.stdout)
            XCTAssertTrue(result.stdout.hasSuffix("1 error, 0 warnings in 5 files\n"), result.stdout)
        }
    }

    /// `policy: ../../partner.xml` in `team/\u{301}ops/v1/partner.yaml` names
    /// `team/partner.xml`, as the file system reads it, from wherever the build runs.
    func testEachDotDotClimbsOneFolderAfterACombiningMark() throws {
        let project = try starter("D")
        try write(
            api("partner", backend: "https://partner.example.com", extra: "policy: ../../partner.xml\n"),
            to: project.appendingPathComponent("team/\u{301}ops/v1/partner.yaml"))
        try write(
            "<policies><inbound><base /><ip-filter action=\"allow\"><address>10.0.0.1</address></ip-filter></inbound></policies>\n",
            to: project.appendingPathComponent("team/partner.xml"))
        try write(
            "<policies><inbound><base /><set-header name=\"X-Which\" exists-action=\"override\"><value>wrong</value></set-header></inbound></policies>\n",
            to: project.appendingPathComponent("partner.xml"))
        for (folder, arguments) in [(directory!, ["D", "--out", "out1"]), (project.appendingPathComponent("team"), ["..", "--out", "../../out2"])] {
            let result = try ToolProcess.run(["build"] + arguments + ["--quiet"], in: folder)
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        }
        for out in ["out1", "out2"] {
            let policy = try String(contentsOf: directory.appendingPathComponent("\(out)/apim/apis/partner/policy.xml"), encoding: .utf8)
            XCTAssertTrue(policy.contains("<ip-filter action=\"allow\">"), "\(out): \(policy)")
            XCTAssertFalse(policy.contains("wrong"), "\(out): \(policy)")
        }
    }

    /// A committed link that leads out of the working directory is refused on the way to a
    /// file or a report, also when the next name starts with a combining mark.
    func testALinkOnTheWayIsFoundBeforeACombiningMark() throws {
        let outside = try starter("outside")
        let work = directory.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: outside.appendingPathComponent("apis/orders.yaml"), to: outside.appendingPathComponent("apis/\u{301}x.yaml"))
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("lnk").path, withDestinationPath: "../outside/apis")
        let read = try ToolProcess.run(["lint", "lnk/\u{301}x.yaml"], in: work)
        XCTAssertEqual(read.status, 2, read.stdout)
        XCTAssertEqual(read.stderr, "portcullis: error: cannot read 'lnk/\u{301}x.yaml': it passes through 'lnk', a symbolic link that leads outside '.'\n")
        let report = try ToolProcess.run(["lint", "../outside", "--output", "lnk/\u{301}report.txt"], in: work)
        XCTAssertEqual(report.status, 2, report.stdout)
        XCTAssertTrue(report.stderr.contains("it passes through 'lnk', a symbolic link that leads outside '.'"), report.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: outside.appendingPathComponent("apis/\u{301}report.txt").path))
    }

    /// `fragment-id="\u{212A}iosk-check"` names no fragment APIM has: it is RF001, not the
    /// fragment `Kiosk-check`, whose token check would have counted for the route.
    func testAFragmentIsFoundByTheBytesOfItsID() throws {
        let project = try starter()
        try write(
            """
            apiVersion: portcullis/v1
            kind: PolicyFragment
            name: Kiosk-check
            policy: |
              <fragment>
                <validate-jwt header-name="Authorization" require-scheme="Bearer">
                  <openid-config url="https://login.microsoftonline.com/{{tenant-id}}/v2.0/.well-known/openid-configuration" />
                  <audiences><audience>{{api-client-id}}</audience></audiences>
                  <required-claims><claim name="scp" match="any"><value>orders.read</value></claim></required-claims>
                </validate-jwt>
              </fragment>

            """, to: project.appendingPathComponent("fragments.yaml"))
        for (id, status): (String, Int32) in [("Kiosk-check", 0), ("\u{212A}iosk-check", 1)] {
            try write(
                """
                apiVersion: portcullis/v1
                kind: API
                name: kiosk
                path: kiosk
                backend: https://kiosk.example.com
                auth: none
                routes:
                  - id: list-things
                    method: GET
                    path: /things
                    policy: |
                      <policies><inbound><include-fragment fragment-id="\(id)" /><base /></inbound></policies>

                """, to: project.appendingPathComponent("apis/kiosk.yaml"))
            let result = try ToolProcess.run(["lint", project.path, "--format", "json"])
            XCTAssertEqual(result.status, status, result.stdout)
            XCTAssertEqual(result.stdout.contains("\"RF001\""), status == 1, result.stdout)
            // Named by its code points, which tell it from the fragment's own name.
            XCTAssertEqual(result.stdout.contains("unknown policy fragment '\\\\u{212a}iosk-check'"), status == 1, result.stdout)
        }
    }

    /// A `policy` path spelt with a precomposed `é` names no file `cafe\u{301}.xml` (the
    /// file system holds two names); the note shows both by their code points, which read
    /// the same otherwise.
    func testAPathSpeltWithOtherCodePointsIsToldSo() throws {
        let project = try starter()
        try write(
            "<policies><inbound><base /></inbound></policies>\n", to: project.appendingPathComponent("policies/cafe\u{301}.xml"))
        try write(
            api("cafe", backend: "https://cafe.example.com", extra: "policy: ../policies/caf\u{E9}.xml\n"),
            to: project.appendingPathComponent("apis/cafe.yaml"))
        let result = try ToolProcess.run(["lint", project.path])
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("error: policy file '../policies/caf\u{E9}.xml' of API 'cafe' is not among the inputs [RF001]"), result.stdout)
        XCTAssertTrue(
            result.stdout.contains(
                "note: the input '\(project.path)/policies/cafe\\u{0301}.xml' differs from '\(project.path)/policies/caf\\u{00e9}.xml' only in its code points; write the path with the file's"),
            result.stdout)
    }

    /// The base revision's files are sized before any is extracted, also one whose name has
    /// a prepended mark before its extension (`x\u{600}.yaml`), which `git archive` still
    /// extracts as a `.yaml` file.
    func testTheBaseRevisionSizesAFileWithAMarkBeforeItsExtension() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let large = contoso.url.appendingPathComponent("defs/apis/x\u{600}.yaml")
        try ScratchFiles.write(Array(repeating: UInt8(ascii: "#"), count: 2_000_000), to: large.path)
        try contoso.git("add", "-A")
        try contoso.git("commit", "-q", "-m", "a large file")
        try FileManager.default.removeItem(at: large)
        let result = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs", "--max-file-size", "1000000"], in: contoso.url)
        XCTAssertEqual(result.status, 2, result.stdout)
        XCTAssertEqual(
            result.stderr,
            "portcullis: error: cannot read 'HEAD': 'defs/apis/x\u{600}.yaml' is 2000000 bytes, larger than the limit of 1000000 ('--max-file-size')\n")
    }
}
