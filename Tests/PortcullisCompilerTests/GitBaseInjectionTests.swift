import Foundation
import PortcullisCompiler
import XCTest

/// `diff --git-base REF` hands REF to git: a REF that git would read as an option, such as
/// `--output=FILE`, must never reach it as one.
final class GitBaseInjectionTests: XCTestCase {
    func testGitBaseStartingWithADashIsAUsageErrorAndWritesNothing() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        let target = repository.appendingPathComponent("written-by-git.tar")
        for spelling in [["--git-base=--output=\(target.path)"], ["--git-base", "--output=\(target.path)"], ["--git-base=-o\(target.path)"]] {
            let result = try ToolProcess.run(["diff"] + spelling + ["defs"], in: repository)
            XCTAssertEqual(result.status, 64, "\(spelling): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "\(spelling) made git write \(target.path)")
            try? FileManager.default.removeItem(at: target)
        }
        let result = try ToolProcess.run(["diff", "--git-base=--output=\(target.path)", "defs"], in: repository)
        XCTAssertTrue(result.stderr.contains("a revision cannot start with '-'"), result.stderr)
    }

    /// Below the command line, the revision is passed after `--end-of-options`, so git reads
    /// it as a revision (and fails) rather than as an option.
    func testExtractPassesTheRevisionAsAnOperand() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let repository = contoso.url
        let target = repository.appendingPathComponent("written-by-git.tar")
        let scratch = repository.appendingPathComponent("scratch")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(repository.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }

        XCTAssertThrowsError(try GitRevision(["defs"], at: "--output=\(target.path)", into: scratch.path, maxFileSize: 1 << 20))
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
        let checkout = try GitRevision(["defs/gateway.yaml"], at: "HEAD", into: scratch.path, maxFileSize: 1 << 20)
        let extracted = (checkout.workingDirectory as NSString).appendingPathComponent("defs/gateway.yaml")
        XCTAssertEqual(extracted, scratch.appendingPathComponent("defs/gateway.yaml").path)
        XCTAssertEqual(checkout.userPath(ofExtracted: extracted), "defs/gateway.yaml")
        XCTAssertTrue(FileManager.default.fileExists(atPath: extracted))
    }

    /// A pull request may commit a folder git takes for a bare repository (`HEAD`,
    /// `objects/`, `refs/`, a `config`). Run from inside it, as a CI step with another
    /// working directory is, `diff` read BASE from that repository's history, so the
    /// request's own definitions passed for BASE, and git ran the command its `config`
    /// named to fetch a missing object (audit V116). It is refused; git runs nothing.
    func testARepositoryThePullRequestCommitsIsNeitherReadNorRun() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let defs = contoso.url.appendingPathComponent("defs")
        let planted = contoso.url.appendingPathComponent("planted")
        try contoso.git("init", "-q", "--bare", planted.path)
        try contoso.git("--git-dir", planted.path, "--work-tree", defs.path, "add", "-A")
        try contoso.git("--git-dir", planted.path, "--work-tree", defs.path, "commit", "-q", "-m", "the request's own definitions")
        try contoso.git("--git-dir", planted.path, "update-ref", "refs/remotes/origin/main", "HEAD")
        let marker = contoso.url.appendingPathComponent("ran")
        for (key, value) in [
            ("core.bare", "false"), ("core.worktree", "."), ("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
            ("remote.origin.url", "."), ("remote.origin.promisor", "true"), ("remote.origin.uploadpack", "touch \(marker.path) #"),
        ] {
            try contoso.git("config", "--file", planted.appendingPathComponent("config").path, key, value)
        }
        for entry in ["HEAD", "config", "objects", "refs"] {
            try FileManager.default.copyItem(at: planted.appendingPathComponent(entry), to: defs.appendingPathComponent(entry))
        }
        for revision in ["origin/main", String(repeating: "0123456789", count: 4)] {
            let result = try ToolProcess.run(["diff", "--git-base", revision, "."], in: defs)
            XCTAssertEqual(result.status, 2, "\(revision): \(result.stdout)\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("bare repository") || result.stderr.contains("not the checkout's own"), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "\(revision): git ran the command the planted repository names")
        }
        // Its own repository is still found from a subfolder.
        for entry in ["HEAD", "config", "objects", "refs"] { try FileManager.default.removeItem(at: defs.appendingPathComponent(entry)) }
        let result = try ToolProcess.run(["diff", "--git-base", "HEAD", "."], in: defs)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "no changes to access, limits or caching\n")
    }

    /// A path the revision holds and the run skips is said once, as the revision's: the
    /// base is read again for each environment, and its warnings were said four times over
    /// as if of the working tree (audit V116).
    func testAPathTheRevisionSkipsIsSaidOnceAsTheRevisions() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let link = contoso.url.appendingPathComponent("defs/apis/gone.yaml")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/nonexistent/gone.yaml")
        try contoso.git("add", "defs/apis/gone.yaml")
        try contoso.git("commit", "-q", "-m", "a link to nothing")
        try FileManager.default.removeItem(at: link)
        let result = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs"], in: contoso.url)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(
            result.stderr,
            "portcullis: warning: at revision 'HEAD', skipped 'defs/apis/gone.yaml': it is a symbolic link to nothing\n"
                + "portcullis: warning: at revision 'HEAD', 1 path was skipped and not checked\n")
    }

    /// The base is read from a copy in a scratch folder; what a message says of it names
    /// the paths the user gave, not the copy's.
    func testMessagesAboutTheBaseNameTheUsersPaths() throws {
        let contoso = try ContosoRepository()
        defer { contoso.remove() }
        let gateway = contoso.url.appendingPathComponent("defs/gateway.yaml")
        let text = try Data(contentsOf: gateway)
        try Data("foo: 1\n".utf8).write(to: gateway)
        try contoso.git("commit", "-q", "-a", "-m", "a gateway that is not Portcullis's")
        try text.write(to: gateway)
        let result = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs/gateway.yaml", "defs/apis"], in: contoso.url)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertEqual(
            result.stderr, "portcullis: error: at revision 'HEAD', 'defs/gateway.yaml' is not a Portcullis file: none of its documents has 'apiVersion: portcullis/v1'\n")

        // The configuration the base finds beside its files, named as the user knows it.
        try contoso.git("checkout", "-q", "--", "defs/gateway.yaml")
        try FileManager.default.createSymbolicLink(atPath: contoso.url.appendingPathComponent("defs/portcullis.yaml").path, withDestinationPath: "/etc/hostname")
        try contoso.git("add", "defs/portcullis.yaml")
        try contoso.git("commit", "-q", "-m", "a configuration that leads out of the project")
        let configuration = try ToolProcess.run(["diff", "--git-base", "HEAD", "defs"], in: contoso.url)
        XCTAssertEqual(configuration.status, 2, configuration.stderr)
        XCTAssertEqual(
            configuration.stderr, "portcullis: error: at revision 'HEAD', cannot read 'defs/portcullis.yaml': it is a symbolic link that leads outside 'defs'\n")
    }
}
