import Dispatch
import FoundationEssentials
import PortcullisDiagnostics
import PortcullisSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads definition files as they were at a Git revision, without touching the work tree.
public struct GitRevision: Sendable {
    /// The revision as given, for messages.
    public let revision: String
    /// The folder the files were extracted into.
    let folder: String
    /// The working directory's path inside the repository (`git rev-parse --show-prefix`).
    let prefix: String
    /// The repository's top folder.
    let root: String
    /// The paths, as given, that the revision does not have: added since, as in the pull
    /// request that first adds the definitions. Nothing is extracted for them.
    public let absent: [String]

    /// Extracts the input files of `paths` (relative to the working directory) at
    /// `revision` into `folder`; ``workingDirectory`` is where the working directory's copy
    /// is. A file larger than `maxFileSize` is refused before anything is extracted.
    public init(_ paths: [String], at revision: String, into folder: String, maxFileSize: Int) throws {
        self.revision = revision
        self.folder = folder
        root = try Self.line(["rev-parse", "--show-toplevel"])
        prefix = try Self.line(["rev-parse", "--show-prefix"])
        // A commit, not any tree-ish: in a tree such as `HEAD:defs` no path is found, and an
        // empty BASE would pass for the first definitions.
        // Resolved first, then peeled: `^{commit}` written after a `:/text` search would
        // become part of the text searched for.
        let object = try Self.line(["rev-parse", "--verify", "--quiet", "--end-of-options", revision], failure: "'\(revision)' is not a commit")
        _ = try Self.git(["rev-parse", "--verify", "--quiet", "--end-of-options", object + "^{commit}"], failure: "'\(revision)' is not a commit")
        // After `--end-of-options` git reads the revision and paths as operands even when they
        // start with '-', so a revision such as `--output=/path` cannot become an option.
        // (git archive then takes `--` for a path, so it is not given.) A path the revision
        // lacks would fail the archive, so each is looked up first; `ls-tree` names a path
        // it has and prints nothing for one it lacks.
        let (root, prefix) = (root, prefix)
        // Only what a run may read is extracted: a folder's input files outside hidden
        // folders (as `lint` walks it, by their extension), a file named as it is. A revision
        // may hold anything else, of any size, which Git stores in a few bytes.
        var named: [(path: String, repository: String, isFolder: Bool)] = []
        var absent: [String] = []
        for path in paths {
            guard let repository = Self.repositoryPath(path, prefix: prefix) else {
                throw DriverError.unreadable(path, reason: "it leads outside the repository")
            }
            // The top is a folder; anything else is what `ls-tree` says it is.
            let entry = repository.isEmpty ? "040000 tree" : try Self.line(["-C", root, "ls-tree", "--end-of-options", revision, "--", repository])
            if entry.isEmpty { absent.append(path) } else { named.append((path, repository, entry.split(separator: " ").dropFirst().first == "tree")) }
        }
        // Every blob below what is named, with its size: `ls-tree` takes no pathspec magic,
        // so what it lists is sifted here. A file too large to read is refused, not written.
        let listing =
            named.isEmpty
            ? [] : try Self.git(["-C", root, "ls-tree", "-r", "-l", "-z", "--end-of-options", revision, "--"] + named.map { $0.repository.isEmpty ? "." : $0.repository })
        var read = Set<ExactPath>()
        for record in listing.split(separator: 0) {
            let text = String(decoding: record, as: UTF8.self)
            guard let tab = text.firstIndex(of: "\t") else { continue }
            let fields = text[..<tab].split(separator: " ")
            let path = String(text[text.index(after: tab)...])
            // Hidden below the folder named, as the walk judges names.
            let inside = named.lazy.compactMap { $0.isFolder ? Self.below($0.repository, path) : nil }.first
            let walked = InputFiles.inputExtensions.contains(where: path.hasByteSuffix) && inside.map { !$0.pathParts().contains { $0.utf8.first == UInt8(ascii: ".") } } == true
            guard fields.count == 4, fields[1] == "blob", walked || named.contains(where: { ExactPath($0.repository) == ExactPath(path) }) else { continue }
            if let size = Int(fields[3]), size > maxFileSize {
                throw DriverError.unreadable(revision, reason: "'\(DisplayText.shown(path))' is \(size) bytes, larger than the limit of \(maxFileSize) ('--max-file-size')")
            }
            read.insert(ExactPath(path))
        }
        // One pathspec per folder and extension that has files, as `git archive` fails on
        // one that matches nothing; hidden folders and files are left out.
        var pathspecs: [String] = []
        for entry in named {
            guard entry.isFolder else {
                if read.contains(ExactPath(entry.repository)) { pathspecs.append(":(literal)\(entry.repository)") }
                continue
            }
            // By scalar: a mark after `[` would make one character of both and hide it.
            let escaped = entry.repository.unicodeScalars.reduce(into: "") { result, scalar in
                if "*?[]\\".unicodeScalars.contains(scalar) { result.append("\\") }
                result.unicodeScalars.append(scalar)
            }
            let folder = escaped.isEmpty ? "" : escaped + "/"
            let found = InputFiles.inputExtensions.filter { ext in read.contains { Self.below(entry.repository, $0.text) != nil && $0.text.hasByteSuffix(ext) } }
            pathspecs += found.map { ":(glob)\(folder)**/*\($0)" }
            if !found.isEmpty { pathspecs += [":(exclude,glob)\(folder)**/.*", ":(exclude,glob)\(folder)**/.*/**"] }
        }
        // What holds nothing to read is as good as absent.
        self.absent = absent + named.filter { entry in !read.contains { $0 == ExactPath(entry.repository) || (entry.isFolder && Self.below(entry.repository, $0.text) != nil) } }.map(\.path)
        guard !pathspecs.isEmpty else { return }
        // The archive goes from git straight into tar, never whole into memory: a revision
        // may hold a file of gigabytes that Git stores in a few bytes. Git itself streams a
        // file larger than `core.bigFileThreshold` instead of inflating it in memory.
        let pipe = try ChildProcess.makePipe()
        let archiveArguments =
            ["git", "-c", "core.bigFileThreshold=1m", "-C", root, "archive", "--format=tar", "--end-of-options", revision] + pathspecs
        // Stopped from the moment they start, neither may write on into a folder about to be
        // removed.
        var started: [ChildProcess] = []
        let stopping: [Interruption.Token]
        do {
            stopping = try Interruption.killIfStopped {
                started.append(try ChildProcess(archiveArguments, output: pipe.write))
                started.append(try ChildProcess(["tar", "-x", "-C", folder], input: pipe.read))
                return started.map(\.id)
            }
        } catch {
            close(pipe.read)
            close(pipe.write)
            for child in started {
                kill(child.id, SIGKILL)
                _ = child.wait()
            }
            throw DriverError.git("git could not be started")
        }
        defer { stopping.forEach(Interruption.release) }
        // Only the children hold the pipe's ends now: tar sees the end of the archive when git exits.
        close(pipe.read)
        close(pipe.write)
        let archived = started[0].wait()
        let unpacked = started[1].wait()
        guard archived == 0 else { throw DriverError.git("git archive exited with status \(archived)") }
        guard unpacked == 0 else { throw DriverError.unreadable(revision, reason: "the archive could not be unpacked") }
    }

    /// The working directory's place in the extracted copy: read from there, the paths the
    /// user gave name the files as they were at the revision, and messages name them as
    /// the user gave them.
    public var workingDirectory: String { folder.appendingPathPart(prefix) }

    /// The path a user knows for an extracted file: relative to the working directory when
    /// it lies below it, else absolute in the work tree.
    public func userPath(ofExtracted path: String) -> String {
        guard let inRepository = path.removingPrefix(folder.hasSuffix("/") ? folder : folder + "/") else { return path }
        if let below = inRepository.removingPrefix(prefix) { return below }
        return root.appendingPathPart(inRepository)
    }

    /// `path`, relative to the working directory (`prefix` in the repository), as a path
    /// from the repository's top, as Git lists it: without `.` parts, `..` taken back, and
    /// empty for the top itself (`.` there). Nil when it leads above the top.
    static func repositoryPath(_ path: String, prefix: String) -> String? {
        var parts: [String] = []
        for part in (prefix + "/" + path).pathParts() {
            switch part {
            case ".": continue
            case "..":
                guard parts.popLast() != nil else { return nil }
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    /// What of `path` lies below `folder` (a repository path, empty for the top), or nil.
    private static func below(_ folder: String, _ path: String) -> String? {
        folder.isEmpty ? path : path.removingPrefix(folder + "/")
    }

    /// Runs git and returns its standard output; when it fails, `failure` is the error where
    /// there is one, else git's own message.
    private static func git(_ arguments: [String], failure: String? = nil) throws -> [UInt8] {
        // Every end this makes is closed on every path: the write ends once the child holds
        // them, the read ends here when git cannot be started, else when read to their end.
        var opened: [Int32] = []
        let started: (output: Int32, errors: Int32, process: ChildProcess)? = try? {
            let output = try ChildProcess.makePipe()
            opened += [output.read, output.write]
            let errors = try ChildProcess.makePipe()
            opened += [errors.read, errors.write]
            let process = try ChildProcess(["git"] + arguments, output: output.write, errors: errors.write)
            return (output.read, errors.read, process)
        }()
        for end in opened where end != started?.output && end != started?.errors { close(end) }
        guard let (outputEnd, errorsEnd, process) = started else { throw DriverError.git("git could not be started") }
        // Standard error is drained on its own thread: a child that fills that pipe while
        // standard output is being read would otherwise wait for us forever.
        let drained = DispatchGroup()
        nonisolated(unsafe) var errorBytes: [UInt8] = []
        DispatchQueue.global().async(group: drained) { errorBytes = ChildProcess.readToEnd(errorsEnd) }
        let bytes = ChildProcess.readToEnd(outputEnd)
        drained.wait()
        let status = process.wait()
        guard status == 0 else {
            let message = escapingQuotedPaths(in: String(decoding: errorBytes, as: UTF8.self).trimmingWhitespace)
            throw DriverError.git(failure ?? (message.isEmpty ? "git exited with status \(status)" : message))
        }
        return bytes
    }

    /// Git quotes the working directory and `GIT_DIR` as they are. Escaped here, a line
    /// break in one cannot pass for a line of git's own, whose lines are kept.
    private static func escapingQuotedPaths(in message: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        let quoted = [FileManager.default.currentDirectoryPath] + ["GIT_DIR", "GIT_WORK_TREE"].compactMap { environment[$0] }
        return quoted.reduce(message) { message, path in
            let shown = DisplayText.shown(path)
            return shown == path ? message : message.replacing(path, with: shown)
        }
    }

    /// Git's one line of output, such as a path.
    private static func line(_ arguments: [String], failure: String? = nil) throws -> String {
        String(decoding: try git(arguments, failure: failure), as: UTF8.self).trimmingWhitespace
    }
}
