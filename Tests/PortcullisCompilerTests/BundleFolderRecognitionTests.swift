import Foundation
import PortcullisCompiler
import PortcullisEmit
import PortcullisSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A folder counts as a bundle Portcullis wrote only when it holds nothing but what its
/// manifest lists: a committed `manifest.json` neither hides definitions from `lint` nor
/// lets `build` replace a folder of other files; `build` removes only its own leftovers.
final class BundleFolderRecognitionTests: XCTestCase {
    private var directory: URL!
    private var project: URL { directory.appendingPathComponent("project") }

    /// What a hostile pull request commits to pass a folder off as a bundle.
    private static let forgedManifest = #"{"tool":{"name":"portcullis"},"formatVersion":1}"#

    override func setUpWithError() throws {
        directory = try BundleTests.temporaryDirectory()
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: BundleTests.contoso, to: project.appendingPathComponent("defs"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func url(_ path: String) -> URL { project.appendingPathComponent(path) }

    private func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(at: url(path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url(path))
    }

    /// Every path below `folder` with its bytes (links as their target text).
    private func snapshot(_ folder: URL) throws -> [String: Data] {
        var found: [String: Data] = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            let path = folder.appendingPathComponent(relative).path
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                found[relative] = Data("link:\(target)".utf8)
            } else if FileManager.default.fileExists(atPath: path) {
                found[relative] = FileManager.default.contents(atPath: path) ?? Data("folder".utf8)
            } else {
                found[relative] = Data("other".utf8)
            }
        }
        return found
    }

    func testAForgedManifestDoesNotHideDefinitionsFromLint() throws {
        try write(Self.forgedManifest, to: "defs/apis/manifest.json")
        let result = try ToolProcess.run(["lint", "defs"], in: project)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout, "0 errors, 0 warnings in 9 files\n", "the folder with the forged manifest is read like any other")
        XCTAssertEqual(result.stderr, "")

        try write("apiVersion: portcullis/v1\nbroken: [\n", to: "defs/apis/broken.yaml")
        let broken = try ToolProcess.run(["lint", "defs"], in: project)
        XCTAssertEqual(broken.status, 1, broken.stdout + broken.stderr)
        XCTAssertTrue(broken.stdout.contains("defs/apis/broken.yaml:3:1: error:"), broken.stdout)
    }

    /// A forged manifest that lists the files beside it passed the folder off as a bundle:
    /// `lint` skipped a publisher configuration there (RF009 unseen), and `build --out` the
    /// folder deleted a user's files (found by an audit). A bundle's files are where a build
    /// writes them and hold what the manifest says.
    func testAForgedManifestListingItsFolderIsNoBundle() throws {
        func listing(_ files: [(path: String, text: String)]) -> String {
            let entries = files.map { #"{"path": "\#($0.path)", "sha256": "\#(SHA256.hex(Array($0.text.utf8)))"}"# }
            return #"{"tool":{"name":"portcullis"},"formatVersion":1,"files":["# + entries.joined(separator: ",") + "]}"
        }
        let configuration = "apis:\n  - name: orders\n    properties:\n      serviceUrl: https://attacker.example.com\n"
        try write(configuration, to: "defs/deploy/configuration.prod.yaml")
        try write(listing([("configuration.prod.yaml", configuration)]), to: "defs/deploy/manifest.json")
        let lint = try ToolProcess.run(["lint", "defs"], in: project)
        XCTAssertEqual(lint.status, 1, lint.stdout + lint.stderr)
        XCTAssertTrue(lint.stdout.contains("[RF009]"), lint.stdout)

        // Listed where a build writes, but not holding what the manifest says.
        let notes = "my notes"
        try write(notes, to: "folder/apim/notes.md")
        try write(#"{"tool":{"name":"portcullis"},"formatVersion":1,"files":[{"path": "apim/notes.md", "sha256": "00"}]}"#, to: "folder/manifest.json")
        let build = try ToolProcess.run(["build", "defs", "--out", "folder", "--quiet"], in: project)
        XCTAssertEqual(build.status, 2, build.stdout + build.stderr)
        XCTAssertEqual(try String(contentsOf: url("folder/apim/notes.md"), encoding: .utf8), notes)
    }

    func testABundleWithAnythingAddedIsReadAsInput() throws {
        XCTAssertEqual(try ToolProcess.run(["build", "defs", "--out", "defs/bundle", "--quiet"], in: project).status, 0)
        try write("apiVersion: portcullis/v1\nbroken: [\n", to: "defs/bundle/apim/broken.yaml")
        let result = try ToolProcess.run(["lint", "defs"], in: project)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("defs/bundle/apim/broken.yaml:3:1: error:"), result.stdout)
        XCTAssertFalse(result.stderr.contains("bundle Portcullis wrote"), result.stderr)
    }

    func testAGenuineBundleInsideTheInputIsSkippedAloud() throws {
        XCTAssertEqual(try ToolProcess.run(["build", "defs", "--out", "defs/bundle", "--quiet"], in: project).status, 0)
        let result = try ToolProcess.run(["lint", "defs"], in: project)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertFalse(result.stdout.contains("defs/bundle"), result.stdout)
        XCTAssertEqual(
            result.stderr,
            """
            portcullis: warning: skipped 'defs/bundle': it holds a bundle Portcullis wrote
            portcullis: warning: 1 path was skipped and not checked

            """)
    }

    func testBuildRefusesAFolderThatIsNotPurelyABundle() throws {
        // A forged manifest beside other files; then a real bundle with something added.
        try write(Self.forgedManifest, to: "docs/manifest.json")
        try write("# keep\n", to: "docs/notes.md")
        XCTAssertEqual(try ToolProcess.run(["build", "defs", "--out", "real", "--quiet"], in: project).status, 0)
        let additions: [(String, () throws -> Void)] = [
            ("an unlisted file", { try self.write("keep\n", to: "real/apim/notes.txt") }),
            ("an unlisted folder", { try FileManager.default.createDirectory(at: self.url("real/apim/empty"), withIntermediateDirectories: true) }),
            ("a symbolic link", { try FileManager.default.createSymbolicLink(atPath: self.url("real/home").path, withDestinationPath: "..") }),
            ("a FIFO", { XCTAssertEqual(mkfifo(self.url("real/apim/pipe").path, 0o644), 0) }),
        ]
        let docs = try snapshot(url("docs"))
        let refused = try ToolProcess.run(["build", "defs", "--out", "docs", "--quiet"], in: project)
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertEqual(refused.stderr, "portcullis: error: will not replace 'docs': it is not empty and is not a bundle Portcullis wrote, or holds a file changed since it was written\n")
        XCTAssertEqual(try snapshot(url("docs")), docs)

        let pristine = try snapshot(url("real"))
        for (what, add) in additions {
            try add()
            let before = try snapshot(url("real"))
            let result = try ToolProcess.run(["build", "defs", "--out", "real", "--quiet"], in: project)
            XCTAssertEqual(result.status, 2, "\(what): \(result.stderr)")
            XCTAssertEqual(result.stderr, "portcullis: error: will not replace 'real': it is not empty and is not a bundle Portcullis wrote, or holds a file changed since it was written\n", what)
            XCTAssertEqual(try snapshot(url("real")), before, what)
            XCTAssertEqual(try ToolProcess.run(["build", "defs", "--out", "fresh", "--quiet"], in: project).status, 0)
            // Put the bundle back as it was for the next case.
            try FileManager.default.removeItem(at: url("real"))
            try FileManager.default.moveItem(at: url("fresh"), to: url("real"))
            XCTAssertEqual(try snapshot(url("real")), pristine, what)
        }
        XCTAssertEqual(try ToolProcess.run(["build", "defs", "--out", "real", "--quiet"], in: project).status, 0, "a bundle alone is replaced")
    }

    /// An earlier bundle set aside (`old`) is put back or removed only when it is a bundle
    /// Portcullis wrote: a folder of the user's under such a name was renamed to the output
    /// and replaced (found by the audit of hostile input). A staging folder (`new`) is
    /// removed only while it holds the mark a build puts in it first: any folder under
    /// such a name was removed, a pull request's own too (round 23's audit), and the mark
    /// is empty, as a build writes it (audit V26: one with text in it went with its folder),
    /// beside nothing but the part of a bundle written so far (audit V37: a user's files
    /// beside an empty mark went with it).
    func testBuildRemovesOnlyItsOwnLeftovers() throws {
        let leftovers = [".out.portcullis-new-123"]
        let kept = [
            ".out.portcullis-new-", ".out.portcullis-new-12x", ".out.portcullis-notes", ".out.portcullis-old-7.bak", ".out.portcullis-old-46",
            ".out.portcullis-new-124", ".out.portcullis-new-125", ".out.portcullis-new-126",
        ]
        for name in kept {
            try FileManager.default.createDirectory(at: url(name), withIntermediateDirectories: true)
            try write("keep\n", to: name + "/file")
        }
        try FileManager.default.createDirectory(at: url(".out.portcullis-new-123/apim/apis/orders"), withIntermediateDirectories: true)
        try write("<policies />\n", to: ".out.portcullis-new-123/apim/apis/orders/policy.xml")
        try write("{}\n", to: ".out.portcullis-new-123/gateway.json")
        try write("", to: ".out.portcullis-new-123/.portcullis-staging")
        try write("not a build's\n", to: ".out.portcullis-new-125/.portcullis-staging")
        try write("", to: ".out.portcullis-new-126/.portcullis-staging")
        XCTAssertEqual(try ToolProcess.run(["build", "defs", "--out", ".out.portcullis-old-45", "--quiet"], in: project).status, 0)
        try write("keep\n", to: ".out.portcullis-new-9")
        try FileManager.default.createSymbolicLink(atPath: url(".out.portcullis-old-8").path, withDestinationPath: "defs")
        let result = try ToolProcess.run(["build", "defs", "--out", "out", "--quiet"], in: project)
        XCTAssertEqual(result.status, 0, result.stderr)
        let found = try FileManager.default.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix(".") }.sorted()
        XCTAssertEqual(found, (kept + [".out.portcullis-new-9", ".out.portcullis-old-8"]).sorted())
        XCTAssertEqual(try String(contentsOf: url(".out.portcullis-new-9"), encoding: .utf8), "keep\n")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: url(".out.portcullis-old-8").path), "defs")
    }

    /// What an import writes goes in only while the output folder is still empty: a file
    /// put there while the files were made is kept, and the import refused. An import had
    /// swapped the folder out and removed it, the file with it (found by an audit, with a
    /// delay injected into a system call). In process, with a source that writes the file
    /// itself, as another process would have meanwhile.
    func testAFileWrittenIntoAnImportsEmptyOutputMeanwhileIsKept() throws {
        struct Meanwhile: BundleSource {
            let bundle: InMemoryBundle
            let intruder: URL
            func produce(into sink: any BundleSink) throws -> BundleIndex {
                try Data("precious\n".utf8).write(to: intruder)
                return try bundle.produce(into: sink)
            }
        }
        try FileManager.default.createDirectory(at: url("out"), withIntermediateDirectories: true)
        let source = Meanwhile(bundle: try BundleTests.build(url("defs")), intruder: url("out/precious.txt"))
        XCTAssertThrowsError(try BundleWriter.write(source, to: OutputFolder(resolving: url("out").path, replacing: .nothing))) {
            XCTAssertEqual("\($0)", "will not replace '\(url("out").path)': it is not empty; write to a new or empty folder")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url("out").path), ["precious.txt"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: project.path).filter { $0.hasPrefix(".out.") }, [], "no staging left")
    }

    /// A link planted under the name this process's staging folder will have is someone
    /// else's: the build writes under the next name, never through it, and the link is kept.
    /// (In process, as only the test knows its own process id in advance.)
    func testBuildNeverWritesThroughALinkPlantedAsItsStagingFolder() throws {
        let elsewhere = directory.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let planted = url(".out.portcullis-new-\(getpid())").path
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: elsewhere.path)
        XCTAssertNoThrow(try BundleWriter.write(try BundleTests.build(url("defs")), to: OutputFolder(resolving: url("out").path)))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path), [])
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: planted), elsewhere.path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: url("out/manifest.json").path))
    }
}
