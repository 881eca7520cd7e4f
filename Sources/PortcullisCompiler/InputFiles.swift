import FoundationEssentials
import Synchronization
import PortcullisDiagnostics
import PortcullisModel
import PortcullisSupport
import PortcullisSyntax

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the driver could not do its job; the CLI exits 2 for these.
public enum DriverError: Error, CustomStringConvertible {
    case pathNotFound(String)
    case unreadable(String, reason: String)
    case noInputs([String])
    case unwritable(String, reason: String)
    /// An output folder whose replacement would destroy something.
    case refusedOutput(String, leadsTo: String?, reason: String)
    /// `--env` names an environment the definitions do not declare.
    case unknownEnvironment(String, declared: [String])
    /// Git failed; its own message, which names what it could not do.
    case git(String)
    /// A file named on the command line that holds YAML, none of it Portcullis's.
    case notPortcullis(String)
    /// Standard input holds more than the size limit allows.
    case standardInputTooLarge(limit: Int)
    /// Every YAML file found was someone else's.
    case noPortcullisFiles([String], skipped: Int)
    /// A failure reading the copy of a Git revision (`diff --git-base`), whose paths are
    /// named as in the working directory.
    indirect case atRevision(String, DriverError)

    /// Shown escaped: paths, a working directory's name and git's own message, which
    /// quotes both, may come from a hostile tree or environment. Git's lines are kept
    /// (its tabs as spaces, its blank lines left out), each escaped and led by `git:`, so
    /// that none can start a workflow command.
    public var description: String {
        guard case .git = self else { return DisplayText.shown(text) }
        return text.split(separator: "\n").map { DisplayText.shown(String($0.replacing("\t", with: "    "))) }
            .joined(separator: "\n  git: ")
    }

    /// The system's reason behind a Foundation error ("no such file or directory"), or
    /// the error as Swift describes it when it names none.
    public static func reason(of error: any Error) -> String {
        let underlying = (error as? CocoaError)?.underlying ?? error
        guard let code = (underlying as? POSIXError)?.code.rawValue else { return String(describing: error) }
        return FileSystem.Failure.reason(code).lowercased()
    }

    private var text: String {
        switch self {
        case .pathNotFound(let path): "input path '\(path)' does not exist"
        case .unreadable(let path, let reason): "cannot read '\(path)': \(reason)"
        case .noInputs(let paths):
            "no '*.yaml' or '*.yml' files found in " + paths.map { "'\($0)'" }.joined(separator: ", ")
        case .unwritable(let path, let reason): "cannot write '\(path)': \(reason)"
        case .refusedOutput(let path, let target?, let reason):
            "will not replace '\(path)', a link to '\(target)': \(reason)"
        case .refusedOutput(let path, nil, let reason): "will not replace '\(path)': \(reason)"
        case .unknownEnvironment(let name, let declared) where declared.isEmpty:
            "unknown environment '\(name)': the definitions declare no 'kind: Environment' document"
        case .unknownEnvironment(let name, let declared):
            "unknown environment '\(name)'; the definitions declare "
                + declared.map { "'\($0)'" }.joined(separator: ", ")
        case .notPortcullis(let path):
            "'\(path)' is not a Portcullis file: none of its documents has 'apiVersion: \(DocumentDecoder.apiVersion)'"
        case .noPortcullisFiles(let paths, let skipped):
            "no Portcullis files found in " + paths.map { "'\($0)'" }.joined(separator: ", ")
                + " (\(skipped) other file\(skipped == 1 ? " was" : "s were") skipped; '--list-skipped' lists them)"
        case .standardInputTooLarge(let limit):
            "standard input holds more than \(limit) bytes, the limit (see '--max-file-size')"
        case .git(let message): "git failed: " + message
        case .atRevision(let revision, let error): "at revision '\(revision)', " + error.text
        }
    }
}

/// Finds and reads input files: the only part of linting that touches the file system.
///
/// Only regular files are read, and only inside the folders given: a symbolic link is
/// followed when the file it leads to lies inside the folder given on the command line
/// (for a path named on the command line, inside the folder holding it) and not below a
/// hidden entry there; links to folders are never followed. FIFOs, sockets, devices and the kernel's `/proc` and `/sys`
/// are never read. Names that are not UTF-8, hold control characters or start with `::`
/// are refused, so every path a report shows is safe to print as it is.
///
/// What a directory search skips is reported through `warn`, one line each and a count;
/// a path named on the command line that cannot be used is a ``DriverError``.
public struct InputFiles: Sendable {
    /// The configuration file's name, which directory searches skip.
    public static let configurationFileName = "portcullis.yaml"

    /// A file to read: the path reports show, and where its bytes are.
    public struct Input: Sendable {
        /// Relative to the working directory when inside it; never holds a control character.
        public let path: String
        /// The absolute path opened: `path`'s, or for a symbolic link the file it leads to.
        let location: String
        /// Named on the command line rather than found in a folder: it is read even when
        /// it does not look like Portcullis's, and is an error when it is clearly not.
        var namedOnCommandLine = false
    }

    let workingDirectory: String
    let warn: @Sendable (String) -> Void

    public init(
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        warn: @escaping @Sendable (String) -> Void = InputFiles.warnOnStandardError
    ) {
        self.workingDirectory = workingDirectory
        self.warn = warn
    }

    public static let warnOnStandardError: @Sendable (String) -> Void = {
        FileSystem.writeText("portcullis: warning: \($0)\n", to: STDERR_FILENO)
    }

    /// Warns on standard error once for each message, led by `lead`: a run that reads the
    /// same files for each environment (`diff`) said each skipped path four times over
    /// (audit V116), and a revision's files are named as the working tree's are.
    static func warningOnce(leadingWith lead: String = "") -> @Sendable (String) -> Void {
        let said = Mutex(Set<String>())
        return { message in
            if said.withLock({ $0.insert(message).inserted }) { warnOnStandardError(lead + message) }
        }
    }

    /// Every input file under `paths`, in the byte order of the paths reports show; two
    /// files are two inputs whenever their names' bytes differ (see ``ExactPath``).
    ///
    /// Directories are searched recursively for `*.yaml`, `*.yml`, `*.xml` and `*.json`, skipping hidden
    /// entries, the configuration file and folders holding only a bundle Portcullis wrote;
    /// files named explicitly are taken whatever
    /// their names, as long as ``named(_:)`` accepts them.
    public func discover(_ paths: [String]) throws -> [Input] {
        var found: [ExactPath: Input] = [:]
        var skipped: [(path: String, reason: String)] = []
        for given in paths {
            let (input, root) = try named(given)
            if let input {
                found[ExactPath(input.path)] = input
            } else if let root {
                try collect(in: absolutePath(given), root: root, given: given, into: &found, skipped: &skipped)
            }
        }
        for entry in skipped.sorted(by: { ExactPath($0.path) < ExactPath($1.path) }) { warn("skipped '\(entry.path)': \(entry.reason)") }
        if !skipped.isEmpty { warn("\(skipped.count) path\(skipped.count == 1 ? " was" : "s were") skipped and not checked") }
        guard !found.isEmpty else { throw DriverError.noInputs(paths) }
        return found.keys.sorted().map { found[$0]! }
    }

    /// A path named on the command line: a file to read, or the real path of a folder to
    /// search. A symbolic link must lead inside the folder that holds it, and so must one
    /// it passes through below the working directory (`defs/apis` where `defs` is a link).
    func named(_ given: String) throws -> (file: Input?, folder: String?) {
        let path = absolutePath(given)
        guard let kind = FileSystem.linkKind(of: path) else { throw DriverError.pathNotFound(given) }
        if let reason = displayPath(path).pathParts().lazy.compactMap({ Self.unprintable($0[...]) }).first {
            throw DriverError.unreadable(given, reason: reason)
        }
        try refuseLinkOnTheWay(to: given)
        var target = path
        if kind == .link {
            let parent = path.parentFolder
            guard let real = FileSystem.realPath(path) else { throw DriverError.pathNotFound(given) }
            guard let container = FileSystem.realPath(parent), real.isPath(inside: container) else {
                throw DriverError.unreadable(given, reason: "it is a symbolic link that leads outside '\(displayPath(parent))'")
            }
            guard !Self.isHidden(real, below: container) else {
                throw DriverError.unreadable(given, reason: "it is a symbolic link to a hidden file")
            }
            target = real
        }
        switch FileSystem.kind(of: target) {
        case .directory?: return (nil, FileSystem.realPath(target) ?? target)
        case .file?: return (Input(path: displayPath(path), location: target, namedOnCommandLine: true), nil)
        default: throw DriverError.unreadable(given, reason: "it is not a regular file")
        }
    }

    /// Refuses `given` when a folder on its way below the working directory is a symbolic
    /// link that leads outside the folder holding it: a committed link would take the path
    /// anywhere.
    package func refuseLinkOnTheWay(to given: String) throws {
        if let reason = linkOnTheWay(to: given) { throw DriverError.unreadable(given, reason: reason) }
    }

    /// Why `given` may not be used, when a folder on its way below the working directory
    /// is a symbolic link leading outside the folder holding it; nil when none is. The path
    /// is judged as it is read here (`..` taken away by the text) and as the system follows
    /// it (`..` after a link leads into the link's target), and an absolute path that
    /// reaches the working directory through a link is judged below it. With
    /// `includingLast`, `given` itself may not be such a link either (an output folder,
    /// which would be written through it).
    package func linkOnTheWay(to given: String, includingLast: Bool = false) -> String? {
        let asWritten = given.hasPrefix("/") ? given : workingDirectoryPrefix + given
        for path in [absolutePath(given), asWritten] {
            guard let root = workingDirectory(on: path) else { continue }
            guard let (link, folder) = FileSystem.linkLeavingItsFolder(on: path, below: root, includingLast: includingLast) else { continue }
            let prefix = root == "/" ? "/" : root + "/"
            let (shownLink, shownFolder) = (link.removingPrefix(prefix) ?? link, folder == root ? "." : folder.removingPrefix(prefix) ?? folder)
            // A link to nothing is refused as one that may lead anywhere, but said as it is
            // (audit V65: a dangling link was said to lead outside).
            if link == path { return FileSystem.kind(of: link) == nil ? "it is a symbolic link to nothing" : "it is a symbolic link that leads outside '\(shownFolder)'" }
            return "it passes through '\(shownLink)', a symbolic link that leads outside '\(shownFolder)'"
        }
        return nil
    }

    /// `path`, absolute, as a path from the working directory, read by its parts: a link
    /// below the working directory stays a link, to be judged where it is read; nil when
    /// the path does not pass through the working directory.
    func relativeToWorkingDirectory(_ path: String) -> String? {
        guard let root = workingDirectory(on: path) else { return nil }
        let below = path.removingPrefix(root == "/" ? "/" : root + "/") ?? ""
        return below.isEmpty ? "." : below
    }

    /// How `path` spells the working directory on its way: as the system names it, or
    /// through a link that leads to it (`$PWD` when the working directory was reached
    /// through one), the deepest such folder; nil when the path does not pass through it.
    func workingDirectory(on path: String) -> String? {
        if path.isPath(inside: workingDirectory) { return workingDirectory }
        let real = FileSystem.realPath(workingDirectory) ?? workingDirectory
        var folder = ""
        var found: String?
        for part in path.pathParts().dropLast() {
            folder += "/" + part
            if FileSystem.realPath(folder) == real { found = folder }
        }
        return found
    }

    /// Walks one directory level at a time. Symbolic links to folders are not followed,
    /// so a link cycle cannot make the walk endless; `root` is the real path of the folder
    /// given, which links to files must stay inside. Paths are built by joining names to
    /// the standardized root, so they stay standardized.
    private func collect(
        in directory: String, root: String, given: String, into found: inout [ExactPath: Input],
        skipped: inout [(path: String, reason: String)]
    ) throws {
        let entries: [FileSystem.Entry]
        do {
            entries = try FileSystem.entries(of: directory)
        } catch let failure as FileSystem.Failure {
            // The folder that failed: the one given, or one found inside it.
            throw DriverError.unreadable(directory == absolutePath(given) ? given : displayPath(directory), reason: failure.reason)
        }
        // A bundle's specifications are YAML too, but output, never input.
        if entries.contains(where: { $0.name == BundleManifest.fileName }), BundleManifest.holdsOnlyABundle(directory) {
            skipped.append((displayPath(directory), "it holds a bundle Portcullis wrote"))
            return
        }
        for entry in entries where entry.bytes.first != UInt8(ascii: ".") {
            func skip(_ reason: String) {
                skipped.append((displayPath(directory + "/" + DisplayText.escaped(entry.bytes)), reason))
            }
            let isInput = Self.isInputName(entry.bytes)
            guard let name = entry.name else {
                if isInput || entry.kind == .directory { skip("its name is not valid UTF-8") }
                continue
            }
            let full = directory + "/" + name
            var kind = entry.kind
            var location = full
            if kind == .link {
                let real = FileSystem.realPath(full)
                let target = real.flatMap(FileSystem.kind(of:))
                let refusal: String? =
                    if target == .directory { "it is a symbolic link to a folder, which is not followed" }
                    else if !isInput { nil }
                    else if real == nil || target == nil { "it is a symbolic link to nothing" }
                    else if !(real?.isPath(inside: root) ?? false) { "it is a symbolic link to a file outside '\(DisplayText.escaped(given.utf8))'" }
                    else if Self.isHidden(real ?? "", below: root) { "it is a symbolic link to a hidden file" }
                    else { nil }
                if let refusal {
                    // The publisher follows the link: what it would read must be checked.
                    if PublisherConfigurations.isConfigurationName(entry.bytes) {
                        throw DriverError.unreadable(
                            displayPath(full), reason: refusal + ", and named as an APIOps publisher configuration, whose overrides must be checked")
                    }
                    skip(refusal)
                    continue
                }
                guard isInput, let real, let target else { continue }
                (kind, location) = (target, real)
            }
            guard kind == .directory || isInput else { continue }
            if let reason = Self.unprintable(name[...]) {
                skip(reason)
                continue
            }
            switch kind {
            case .directory:
                try collect(in: full, root: root, given: given, into: &found, skipped: &skipped)
            case .file:
                let path = displayPath(full)
                found[ExactPath(path)] = Input(path: path, location: location)
            case .link, .other:
                skip("it is not a regular file")
            }
        }
    }

    /// Why a file or folder name cannot be printed where a report shows paths, or nil:
    /// control characters would break or forge a line; a name starting with `::` (after
    /// any white space, which GitHub's runner skips) starts the report's lines that begin
    /// with its path, which GitHub Actions runs as a workflow command (`::error ...::`);
    /// and runners read `##[error]` and `##vso[…]` anywhere in a line (``LogCommandPrefix``).
    static func unprintable(_ name: Substring) -> String? {
        if name.unicodeScalars.contains(where: DisplayText.isControl) { return "its name holds control characters" }
        if name.drop(while: \.isWhitespace).hasPrefix("::") {
            return "its name starts with '::', which GitHub Actions would run as a workflow command"
        }
        if String(name).withUTF8Bytes({ LogCommandPrefix.isHeld(in: $0) }) {
            return "its name holds '##' before '[' or 'vso[', which a CI runner would run as a logging command"
        }
        return nil
    }

    /// The extensions of the files a folder's walk reads (``isInputName(_:)``).
    static let inputExtensions = [".yaml", ".yml", ".xml", ".json"]

    /// `*.yaml` and `*.yml`, `*.xml`, which may hold raw policies, and `*.json`, which may
    /// hold an OpenAPI document an API names; judged on the raw bytes, so names that are not
    /// UTF-8 are recognised too. An APIOps publisher configuration's name is taken in any
    /// letter case (`Configuration.Prod.YAML`), as the publisher reads whatever file it is
    /// pointed at. A `portcullis.yaml` is read like any YAML file unless it is the
    /// configuration in use (``Workspace/load(paths:configPath:limits:files:)``): skipped by
    /// its name, an API imported as `apis/portcullis.yaml` went missing from the bundle (an
    /// audit).
    private static func isInputName(_ bytes: [UInt8]) -> Bool {
        inputExtensions.contains { bytes.reversed().starts(with: $0.utf8.reversed()) } || PublisherConfigurations.isConfigurationName(bytes)
    }

    /// Whether a folder's walk reads the file at `path`, relative to the folder: no hidden
    /// entry on the way, and a name it reads (``isInputName(_:)``). Files made in memory
    /// are judged by it, so that what is checked there is what a walk of them would read.
    package static func isWalked(_ path: String) -> Bool {
        let parts = path.utf8.split(separator: UInt8(ascii: "/"))
        guard let last = parts.last else { return false }
        return !parts.contains { $0.first == UInt8(ascii: ".") } && isInputName(Array(last))
    }

    /// Whether real path `path`, inside `folder`, passes through a hidden entry on the way:
    /// walks skip those (`.git/config` may hold a CI token), so a link must not reach one.
    /// Names are judged by their first byte, as the walk judges them.
    private static func isHidden(_ path: String, below folder: String) -> Bool {
        (path.removingPrefix(folder) ?? path).utf8.split(separator: UInt8(ascii: "/")).contains { $0.first == UInt8(ascii: ".") }
    }

    /// Reads each file, at most one byte past the size limit: enough for the front end to
    /// report an oversized file without loading all of it. Files are read on all cores.
    public func read(_ inputs: [Input], limits: InputLimits) throws -> [SourceFile] {
        try read(inputs, limits: limits) { _, _ in () }.map(\.source)
    }

    /// ``read(_:limits:)``, handing each file to `judge` on the core that read it, so what
    /// depends on a file's bytes alone is worked out in parallel too.
    public func read<Judgement: Sendable>(
        _ inputs: [Input], limits: InputLimits, judging judge: @Sendable (Input, SourceFile) -> Judgement
    ) throws -> [(source: SourceFile, judgement: Judgement)] {
        let results = ParallelMap.map(inputs.indices) { index -> Result<(SourceFile, Judgement), DriverError> in
            do {
                let source = try Self.readPrefix(of: inputs[index], upTo: limits.maxFileSize + 1)
                return .success((source, judge(inputs[index], source)))
            } catch let error as DriverError {
                return .failure(error)
            } catch {
                return .failure(.unreadable(inputs[index].path, reason: "\(error)"))
            }
        }
        return try results.map { try $0.get() }
    }

    /// The first `limit` bytes of each of `inputs`, read on all cores, or why one cannot be
    /// read: for files a run may do without.
    public func readPrefixes(_ inputs: [Input], upTo limit: Int) -> [Result<SourceFile, DriverError>] {
        ParallelMap.map(inputs.indices) { index in
            do {
                return .success(try Self.readPrefix(of: inputs[index], upTo: limit))
            } catch let error as DriverError {
                return .failure(error)
            } catch {
                return .failure(.unreadable(inputs[index].path, reason: "\(error)"))
            }
        }
    }

    /// One file named on the command line, judged as any named input (no folder, FIFO or
    /// link leading out of its folder) and read at most one byte past the size limit; `what`
    /// says what it should be when it is a folder.
    public func file(named given: String, limits: InputLimits, as what: String = "a file") throws -> SourceFile {
        let found: (file: Input?, folder: String?)
        do {
            found = try named(given)
        } catch DriverError.pathNotFound {
            // Named as one file (a configuration, an OpenAPI document), not as an input path.
            throw DriverError.unreadable(given, reason: "it does not exist")
        }
        guard let input = found.file else { throw DriverError.unreadable(given, reason: "it is a folder, not \(what)") }
        return try Self.readPrefix(of: input, upTo: limits.maxFileSize + 1)
    }

    static func readPrefix(of input: Input, upTo limit: Int) throws -> SourceFile {
        do {
            let (bytes, size) = try FileSystem.prefix(of: input.location, upTo: limit)
            return SourceFile(path: input.path, bytes: bytes, size: size)
        } catch let failure as FileSystem.Failure {
            throw DriverError.unreadable(input.path, reason: failure.reason)
        }
    }

    /// `portcullis.yaml` in the directory of `path` (or in `path`, if it is a directory), if
    /// it exists as anything; ``named(_:)`` judges it as a path named on the command line. Given as
    /// reports show paths, so a message about it names what the user knows (for `diff
    /// --git-base`, not the copy in the temporary folder).
    func defaultConfiguration(for path: String) -> String? {
        let absolute = absolutePath(path)
        let directory = FileSystem.kind(of: absolute) == .directory ? absolute : absolute.parentFolder
        let candidate = directory + "/" + Self.configurationFileName
        // A FIFO, a device or a folder of that name is the configuration too, which
        // ``file(named:limits:as:)`` then refuses: skipped, the project would be checked with
        // none, in silence (a folder was, found by an audit).
        return FileSystem.linkKind(of: candidate) != nil ? displayPath(candidate) : nil
    }

    /// Paths inside the working directory are shown relative to it, and the working
    /// directory itself as `.`. `absolute` must
    /// already be standardized, as ``absolutePath(_:)`` makes it.
    func displayPath(_ absolute: String) -> String {
        absolute == workingDirectory ? "." : absolute.removingPrefix(workingDirectoryPrefix) ?? absolute
    }

    /// The inverse of ``displayPath(_:)`` for paths ``discover(_:)`` returned, which are
    /// standardized already.
    func absolutePath(ofDiscovered display: String) -> String {
        display.hasPrefix("/") ? display : workingDirectoryPrefix + display
    }

    private var workingDirectoryPrefix: String {
        workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
    }

    /// `path` made absolute, with `.`, `..` and repeated slashes removed by the text
    /// alone: Foundation's `standardizingPath` also resolves symbolic links, which would
    /// hide a link from the checks of ``named(_:)``.
    func absolutePath(_ path: String) -> String {
        var parts: [String] = []
        for part in (path.hasPrefix("/") ? path : workingDirectoryPrefix + path).pathParts() {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
