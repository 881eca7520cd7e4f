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
    /// is. A file larger than `maxFileSize` is refused before anything is extracted. Each
    /// file is the blob committed, byte for byte (``copy(_:from:into:revision:maxFileSize:)``).
    public init(_ paths: [String], at revision: String, into folder: String, maxFileSize: Int) throws {
        self.revision = revision
        self.folder = folder
        root = try Self.line(["rev-parse", "--show-toplevel"])
        try Self.requireTheCheckoutsOwnRepository(root: root)
        prefix = try Self.line(["rev-parse", "--show-prefix"])
        // A commit, not any tree-ish: in a tree such as `HEAD:defs` no path is found, and an
        // empty BASE would pass for the first definitions.
        // Resolved first, then peeled: `^{commit}` written after a `:/text` search would
        // become part of the text searched for.
        // Every later step reads that commit by its id: a branch that moves meanwhile
        // cannot give the listing and the files of two commits.
        let object = try Self.line(["rev-parse", "--verify", "--quiet", "--end-of-options", revision], failure: "'\(revision)' is not a commit")
        let commit = try Self.line(["rev-parse", "--verify", "--quiet", "--end-of-options", object + "^{commit}"], failure: "'\(revision)' is not a commit")
        // After `--end-of-options` git reads the revision and paths as operands even when they
        // start with '-', so a revision such as `--output=/path` cannot become an option.
        // Each path is looked up first: `ls-tree` names a path the revision has and prints
        // nothing for one it lacks.
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
            let entry = repository.isEmpty ? "040000 tree" : try Self.line(["-C", root, "ls-tree", "--end-of-options", commit, "--", repository])
            if entry.isEmpty { absent.append(path) } else { named.append((path, repository, entry.split(separator: " ").dropFirst().first == "tree")) }
        }
        // Every blob below what is named, with its size: `ls-tree` takes no pathspec magic,
        // so what it lists is sifted here. A file too large to read is refused, not written.
        let listing =
            named.isEmpty
            ? [] : try Self.git(["-C", root, "ls-tree", "-r", "-l", "-z", "--end-of-options", commit, "--"] + named.map { $0.repository.isEmpty ? "." : $0.repository })
        var read = Set<ExactPath>()
        var blobs: [Blob] = []
        for record in listing.split(separator: 0) {
            guard let tab = record.firstIndex(of: UInt8(ascii: "\t")) else { continue }
            let fields = String(decoding: record[..<tab], as: UTF8.self).split(separator: " ")
            let pathBytes = Array(record[(tab + 1)...])
            let path = String(decoding: pathBytes, as: UTF8.self)
            // Hidden below the folder named, as the walk judges names.
            let inside = named.lazy.compactMap { $0.isFolder ? Self.below($0.repository, path) : nil }.first
            let walked = InputFiles.inputExtensions.contains(where: path.hasByteSuffix) && inside.map { !$0.pathParts().contains { $0.utf8.first == UInt8(ascii: ".") } } == true
            guard fields.count == 4, fields[1] == "blob", walked || named.contains(where: { ExactPath($0.repository) == ExactPath(path) }) else { continue }
            if let size = Int(fields[3]), size > maxFileSize {
                throw DriverError.unreadable(revision, reason: "'\(DisplayText.shown(path))' is \(size) bytes, larger than the limit of \(maxFileSize) ('--max-file-size')")
            }
            read.insert(ExactPath(path))
            blobs.append(Blob(path: pathBytes, object: String(fields[2]), isLink: fields[0] == "120000"))
        }
        // What holds nothing to read is as good as absent.
        self.absent = absent + named.filter { entry in !read.contains { $0 == ExactPath(entry.repository) || (entry.isFolder && Self.below(entry.repository, $0.text) != nil) } }.map(\.path)
        guard !blobs.isEmpty else { return }
        try Self.copy(blobs, from: root, into: folder, revision: revision, maxFileSize: maxFileSize)
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

    /// A file of the revision to extract: its path from the repository's top, byte for
    /// byte as Git lists it, its object, and whether it is a symbolic link.
    private struct Blob {
        var path: [UInt8]
        var object: String
        var isLink: Bool
    }

    /// Writes `blobs` below `folder` as the revision holds them, read with `git cat-file
    /// --batch`: the objects themselves, which the revision's `.gitattributes` do not change
    /// (`git archive` left out an `export-ignore` file and expanded `export-subst`, so
    /// BASE was not what was committed). One object at a time, written as it arrives: a
    /// revision is never held in memory, nor a file larger than `maxFileSize` read.
    /// No path has a `.` or `..` part (below a folder named, one starting with `.` is
    /// hidden and not read; a path named is taken as Git lists it), and symbolic links are
    /// made last, so no file is written through one; the run judges where they lead as it
    /// reads the copy.
    private static func copy(_ blobs: [Blob], from root: String, into folder: String, revision: String, maxFileSize: Int) throws {
        let requests = try ChildProcess.makePipe()
        let answers: (read: Int32, write: Int32)
        do { answers = try ChildProcess.makePipe() } catch {
            close(requests.read)
            close(requests.write)
            throw DriverError.git("git could not be started")
        }
        var started: [ChildProcess] = []
        let stopping: [Interruption.Token]
        do {
            // Stopped from the moment it starts, git may not write on into a folder about to
            // be removed.
            stopping = try Interruption.killIfStopped {
                started.append(try ChildProcess(["git"] + Self.options + ["-C", root, "cat-file", "--batch"], input: requests.read, output: answers.write))
                return started.map(\.id)
            }
        } catch {
            for end in [requests.read, requests.write, answers.read, answers.write] { close(end) }
            throw DriverError.git("git could not be started")
        }
        defer { stopping.forEach(Interruption.release) }
        // Only git holds its ends now: it sees the end of the requests when they are closed.
        close(requests.read)
        close(answers.write)
        let process = started[0]
        var failure: Error?
        do {
            var answer = BatchAnswers(answers.read, revision: revision, maxFileSize: maxFileSize)
            var files = CommittedFiles(folder: folder, revision: revision)
            // Without `--buffer`, git answers each request before it reads the next.
            for blob in blobs.filter({ !$0.isLink }) + blobs.filter(\.isLink) {
                try send(Array((blob.object + "\n").utf8), to: requests.write)
                let size = try answer.header(for: blob)
                if blob.isLink {
                    try files.link(blob.path, to: try answer.body(size))
                } else {
                    try files.file(blob.path) { descriptor in try answer.body(size, into: descriptor) }
                }
            }
        } catch {
            failure = error
            kill(process.id, SIGKILL)
        }
        close(requests.write)
        close(answers.read)
        let status = process.wait()
        if let failure { throw failure }
        guard status == 0 else { throw DriverError.git("git cat-file exited with status \(status)") }
    }

    /// Writes all of `bytes` to `descriptor`.
    fileprivate static func send(_ bytes: [UInt8], to descriptor: Int32) throws {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw DriverError.git("git stopped reading what was sent to it") }
            written += count
        }
    }

    /// What `git cat-file --batch` answers, read a block at a time.
    private struct BatchAnswers {
        let descriptor: Int32
        let revision: String
        let maxFileSize: Int
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var start = 0
        var end = 0

        init(_ descriptor: Int32, revision: String, maxFileSize: Int) {
            self.descriptor = descriptor
            self.revision = revision
            self.maxFileSize = maxFileSize
        }

        /// Reads more into the empty buffer; fails at the end of the answers.
        private mutating func fill() throws {
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw DriverError.git("git cat-file ended before its last answer") }
                (start, end) = (0, count)
                return
            }
        }

        /// The size of `blob` from the line git answers first (`<object> blob <size>`): the
        /// object asked for, a blob, no larger than the limit.
        mutating func header(for blob: Blob) throws -> Int {
            var line: [UInt8] = []
            while true {
                if start == end { try fill() }
                if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                    line += buffer[start..<newline]
                    start = newline + 1
                    break
                }
                line += buffer[start..<end]
                start = end
                guard line.count <= 256 else { throw DriverError.git("git cat-file answered with a line that does not end") }
            }
            let fields = String(decoding: line, as: UTF8.self).split(separator: " ")
            guard fields.count == 3, fields[0] == blob.object, fields[1] == "blob", let size = Int(fields[2]), size >= 0 else {
                throw DriverError.git("git cat-file answered '\(String(decoding: line, as: UTF8.self))' for object '\(blob.object)'")
            }
            guard size <= maxFileSize else {
                throw DriverError.unreadable(
                    revision, reason: "'\(DisplayText.shown(String(decoding: blob.path, as: UTF8.self)))' is \(size) bytes, larger than the limit of \(maxFileSize) ('--max-file-size')")
            }
            return size
        }

        /// The next `size` bytes, which end with the line break after them, passed on a
        /// block at a time.
        private mutating func body(_ size: Int, _ take: (ArraySlice<UInt8>) throws -> Void) throws {
            var left = size
            while left > 0 {
                if start == end { try fill() }
                let count = min(left, end - start)
                try take(buffer[start..<(start + count)])
                start += count
                left -= count
            }
            if start == end { try fill() }
            guard buffer[start] == UInt8(ascii: "\n") else { throw DriverError.git("git cat-file answered an object of another size") }
            start += 1
        }

        /// The next `size` bytes, written to `descriptor`.
        mutating func body(_ size: Int, into descriptor: Int32) throws {
            try body(size) { try GitRevision.send(Array($0), to: descriptor) }
        }

        /// The next `size` bytes.
        mutating func body(_ size: Int) throws -> [UInt8] {
            var bytes: [UInt8] = []
            try body(size) { bytes += $0 }
            return bytes
        }
    }

    /// The copy of the revision's files being written below `folder`.
    private struct CommittedFiles {
        let folder: [UInt8]
        let revision: String
        /// The folders made or found, by their paths below `folder`.
        var folders: Set<[UInt8]> = []

        init(folder: String, revision: String) {
            self.folder = Array(folder.utf8)
            self.revision = revision
        }

        /// A file at `path` holding what `fill` writes to it.
        mutating func file(_ path: [UInt8], _ fill: (Int32) throws -> Void) throws {
            try makeFolders(above: path)
            let descriptor = open(fullPath(path), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw unwritable(path, "a file cannot be written there") }
            defer { close(descriptor) }
            try fill(descriptor)
        }

        /// A symbolic link at `path` that leads to `target`.
        mutating func link(_ path: [UInt8], to target: [UInt8]) throws {
            guard !target.contains(0) else { throw unwritable(path, "it is a symbolic link whose target holds a NUL byte") }
            try makeFolders(above: path)
            guard symlink(target.map { CChar(bitPattern: $0) } + [0], fullPath(path)) == 0 else { throw unwritable(path, "a symbolic link cannot be made there") }
        }

        /// Makes each folder above `path` that is not made yet; one that stands already must
        /// be a folder, not a file or a link.
        private mutating func makeFolders(above path: [UInt8]) throws {
            var parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropLast()
            var above: [UInt8] = []
            while let part = parts.popFirst() {
                above += above.isEmpty ? Array(part) : [UInt8(ascii: "/")] + part
                guard !folders.contains(above) else { continue }
                if mkdir(fullPath(above), 0o755) != 0 {
                    var status = stat()
                    guard errno == EEXIST, lstat(fullPath(above), &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                        throw unwritable(above, "a folder cannot be made there")
                    }
                }
                folders.insert(above)
            }
        }

        private func fullPath(_ path: [UInt8]) -> [CChar] {
            (folder + [UInt8(ascii: "/")] + path + [0]).map { CChar(bitPattern: $0) }
        }

        private func unwritable(_ path: [UInt8], _ reason: String) -> DriverError {
            DriverError.unreadable(revision, reason: "'\(DisplayText.shown(String(decoding: path, as: UTF8.self)))' cannot be copied: \(reason)")
        }
    }

    /// What of `path` lies below `folder` (a repository path, empty for the top), or nil.
    private static func below(_ folder: String, _ path: String) -> String? {
        folder.isEmpty ? path : path.removingPrefix(folder + "/")
    }

    /// What every git run is given. Objects are read as committed, never through the
    /// repository's replace refs (`--no-replace-objects`), which would stand other trees or
    /// blobs in for them. A folder the pull request commits may hold what git takes for a
    /// bare repository (`HEAD`, `objects/`, `refs/`, a `config`): found from a working
    /// directory inside it, its history would be BASE and its configuration git's, which
    /// can run a command (audit V116). Git finds none but one named (`GIT_DIR`) then
    /// (`safe.bareRepository`, which git 2.38 and later read; older ones ignore it, and
    /// ``requireTheCheckoutsOwnRepository(root:)`` stands).
    private static let options = ["--no-replace-objects", "-c", "safe.bareRepository=explicit"]

    /// Refuses a repository other than the checkout's own: its folder must be the `.git`
    /// of the work tree's top, or what a `.git` file there names (a linked work tree, a
    /// submodule). A pull request cannot commit a `.git`, so the repository is not its own
    /// (audit V116: one committed as a bare repository, whose `core.worktree` named the
    /// checkout, was found from a subfolder). Checked before any object is read, which may
    /// make git fetch through a command the repository's configuration names. A `GIT_DIR`
    /// the environment gives is the caller's choice and taken as it is.
    private static func requireTheCheckoutsOwnRepository(root: String) throws {
        guard ProcessInfo.processInfo.environment["GIT_DIR"] == nil else { return }
        let found = try line(["rev-parse", "--absolute-git-dir"])
        let marker = root + "/.git"
        var own = FileSystem.realPath(marker)
        if case .file? = FileSystem.kind(of: marker), let text = try? FileSystem.contents(of: marker, upTo: 4096),
            let named = String(decoding: text, as: UTF8.self).trimmingWhitespace.removingPrefix("gitdir: ")
        {
            own = FileSystem.realPath(named.hasPrefix("/") ? named : root + "/" + named)
        }
        guard let own, own == FileSystem.realPath(found) else {
            throw DriverError.git("the repository found here, '\(found)', is not the checkout's own '.git' in '\(root)'; run diff in a work tree of the repository")
        }
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
            let process = try ChildProcess(["git"] + Self.options + arguments, output: output.write, errors: errors.write)
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
