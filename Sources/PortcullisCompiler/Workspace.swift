import FoundationEssentials
import PortcullisChecker
import PortcullisDiagnostics
import PortcullisSupport
import PortcullisSyntax

/// What a run works on: the configuration, if any, and the input files it selects.
public struct Workspace: Sendable {
    public var configuration: LoadedConfiguration?
    public var inputs: [SourceFile]
    /// Each input's path relative to the project folder (the deepest folder holding every
    /// path given), which a bundle records so it depends neither on where the build was
    /// started nor on the order the paths were given in.
    public var projectPaths: [String]
    /// The configuration file's path relative to the project folder, if there is one.
    public var configurationPath: String?
    /// YAML files found in folders that are not Portcullis's (see ``FileRecognition``) nor
    /// publisher configurations, as reports show paths; they are not read.
    public var skipped: [String] = []
    /// The skipped YAML files and the JSON files found in folders, kept so that an API's
    /// `openapi` field can name one (``OpenAPIFiles``); none is parsed unless named, and
    /// JSON files are never definitions, so they are not counted as skipped. APIOps
    /// publisher configurations are here too, not skipped: they are always read
    /// (``PublisherConfigurations``).
    public var sideFiles: [SourceFile] = []
    /// APIOps publisher configurations found in folders, read to be checked against what the
    /// bundle publishes (``PublisherConfigurations``); never definitions, nor side files an
    /// `openapi` field could name.
    public var publisherConfigurations: [SourceFile] = []
    /// The files found that `exclude` removed and that would have been read as definitions
    /// (``whatExcludeRemoves(_:limits:files:)``): `diff` weighs an exclusion the change
    /// itself makes.
    public var excluded: [Exclusion] = []

    /// A file `exclude` removed: its path as reports show it, relative to the
    /// configuration's folder as patterns match it, and the first pattern that matched.
    public struct Exclusion: Sendable {
        public var path: String
        public var relative: String
        public var pattern: String
    }

    /// Every file of a run in file-number order (the configuration first, when there is
    /// one), each with its project-relative path: what a bundle or a diff records.
    public var projectFiles: [SourceFile] {
        var files: [SourceFile] = []
        if let configuration, let path = configurationPath { files.append(SourceFile(path: path, bytes: configuration.source.bytes)) }
        return files + zip(inputs, projectPaths).map { SourceFile(path: $1, bytes: $0.bytes) }
    }

    /// Finds the configuration (`configPath`, else `portcullis.yaml` in the project folder,
    /// the deepest folder holding every path given, so the order of the paths does not
    /// matter), then discovers and reads the inputs it does not exclude.
    public static func load(
        paths: [String], configPath: String?, limits: InputLimits, files: InputFiles = InputFiles()
    ) throws -> Workspace {
        let paths = paths.isEmpty ? ["."] : paths
        let folders = paths.map { path -> String in
            let absolute = files.absolutePath(path)
            return FileSystem.kind(of: absolute) == .directory ? absolute : absolute.parentFolder
        }
        let root = commonFolder(folders)
        let (configuration, configDirectory) = try loadConfiguration(configPath, for: root, limits: limits, files: files)
        var found = try files.discover(paths)
        // The configuration in use is no input; any other file of its name is read as YAML.
        if let configuration {
            let path = files.absolutePath(configuration.source.path)
            found.removeAll { files.absolutePath(ofDiscovered: $0.path) == path }
        }
        var excluded: [(input: InputFiles.Input, exclusion: Exclusion)] = []
        if let patterns = configuration?.configuration.exclude, !patterns.isEmpty, let directory = configDirectory {
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            // A file named on the command line is read all the same: a pull request's gate
            // that lints the files it changes passed one unchecked, silently (audit V70).
            found.removeAll { input in
                guard !input.namedOnCommandLine else { return false }
                let absolute = files.absolutePath(ofDiscovered: input.path)
                guard let relative = absolute.removingPrefix(prefix), let pattern = patterns.first(where: { Glob.matches($0, relative) }) else { return false }
                excluded.append((input, Exclusion(path: input.path, relative: relative, pattern: pattern)))
                return true
            }
        }
        guard !found.isEmpty else { throw DriverError.noInputs(paths) }
        let (excludedConfigurations, exclusions) = try whatExcludeRemoves(excluded, limits: limits, files: files)
        let rootPrefix = root.hasSuffix("/") ? root : root + "/"
        func projectPath(_ absolute: String) -> String {
            absolute.removingPrefix(rootPrefix) ?? absolute
        }
        var inputs: [SourceFile] = []
        var kept: [InputFiles.Input] = []
        var skipped: [String] = []
        var sideFiles: [SourceFile] = []
        var publisherConfigurations: [SourceFile] = []
        let read = try files.read(found, limits: limits) { input, source in
            place(source, namedOnCommandLine: input.namedOnCommandLine, limits: limits)
        }
        publisherConfigurations += excludedConfigurations
        for (input, (source, placement)) in zip(found, read) {
            switch placement {
            case .input:
                inputs.append(source)
                kept.append(input)
            case .side: sideFiles.append(source)
            case .publisherConfiguration: publisherConfigurations.append(source)
            case .skipped(let kept):
                skipped.append(input.path)
                if kept { sideFiles.append(source) }
            case .refused: throw DriverError.notPortcullis(input.path)
            }
        }
        guard !inputs.isEmpty else { throw DriverError.noPortcullisFiles(paths, skipped: skipped.count) }
        return Workspace(
            configuration: configuration, inputs: inputs,
            projectPaths: kept.map { projectPath(files.absolutePath(ofDiscovered: $0.path)) },
            configurationPath: configuration.map { Self.recordedPath(files.absolutePath($0.source.path), from: root) }, skipped: skipped,
            sideFiles: sideFiles, publisherConfigurations: publisherConfigurations, excluded: exclusions)
    }

    /// What the files `exclude` removed are, read as a found file is (one that cannot be
    /// read is left out): a publisher configuration is checked all the same, since the
    /// publisher deploys it with the bundle whatever `exclude` says, which may change in the
    /// same pull request (audit V24; audit V27: one known by its shape under a pattern the
    /// project had went unseen); one that would be an input is an exclusion `diff` weighs;
    /// the others (charts, manifests) were never checked, and their exclusion changes
    /// nothing (audit V27: every excluded chart failed the gate). Each is read to its first
    /// ``glimpse`` bytes, and whole only where those may make a configuration (audit V28:
    /// a folder of large fixtures excluded for its cost took 19 s); one named as the
    /// publisher's that cannot be read stops the run, as it does where not excluded.
    private static func whatExcludeRemoves(
        _ excluded: [(input: InputFiles.Input, exclusion: Exclusion)], limits: InputLimits, files: InputFiles
    ) throws -> (configurations: [SourceFile], exclusions: [Exclusion]) {
        var configurations: [SourceFile] = []
        var exclusions: [Exclusion] = []
        var candidates: [(input: InputFiles.Input, exclusion: Exclusion)] = []
        func judge(_ read: Result<SourceFile, DriverError>, of file: (input: InputFiles.Input, exclusion: Exclusion), whole: Bool) throws {
            let source: SourceFile
            switch read {
            case .success(let read): source = read
            case .failure(let error):
                if PublisherConfigurations.isConfigurationName(file.input.path.utf8) { throw error }
                return
            }
            if !whole, PublisherConfigurations.mayBeConfiguration(source) {
                candidates.append(file)
            } else if whole, PublisherConfigurations.isConfiguration(source, limits: limits) {
                files.warn("'\(source.path)' matches 'exclude' but is checked: as an APIOps publisher configuration it changes what the bundle deploys")
                configurations.append(source)
            } else if [.portcullis, .unjudgeable].contains(FileRecognition.classify(source)) {
                exclusions.append(file.exclusion)
            }
        }
        for (file, read) in zip(excluded, files.readPrefixes(excluded.map(\.input), upTo: glimpse)) { try judge(read, of: file, whole: false) }
        let whole = candidates
        for (file, read) in zip(whole, files.readPrefixes(whole.map(\.input), upTo: limits.maxFileSize + 1)) { try judge(read, of: file, whole: true) }
        return (configurations, exclusions)
    }

    /// How much of a file `exclude` removes is read first.
    private static let glimpse = 1 << 16

    private enum Placement: Sendable {
        /// Read as definitions or raw policy.
        case input
        /// Kept unread for an `openapi` field to name (JSON found in a folder).
        case side
        /// An APIOps publisher configuration, read to be checked.
        case publisherConfiguration
        /// Not Portcullis's; kept unread as a side file when `true`.
        case skipped(Bool)
        /// Named on the command line and not Portcullis's.
        case refused
    }

    /// Where a file goes: one place for the rule, for files found on disk and in memory.
    private static func place(_ source: SourceFile, namedOnCommandLine: Bool, limits: InputLimits) -> Placement {
        if !namedOnCommandLine, source.path.hasByteSuffix(".json") {
            return PublisherConfigurations.isConfiguration(source, limits: limits) ? .publisherConfiguration : .side
        }
        let verdict = FileRecognition.classify(source)
        // A publisher configuration is read after all, however its text is laid out: it can
        // change what the bundle publishes.
        if !namedOnCommandLine, verdict == .foreign || verdict == .empty,
            PublisherConfigurations.isConfiguration(source, limits: limits)
        {
            return .publisherConfiguration
        }
        switch (verdict, namedOnCommandLine) {
        case (.portcullis, _), (.unjudgeable, _), (.empty, true): return .input
        case (.foreign, true): return .refused
        case (.foreign, false): return .skipped(!source.isPolicyXML)
        case (.empty, false): return .skipped(false)
        }
    }

    /// Standard input as the only input, shown as `name` (`<stdin>` when there is none);
    /// the configuration is found as for a file at `name`. Input larger than the size
    /// limit is refused unread beyond the limit.
    public static func standardInput(
        named name: String?, configPath: String?, limits: InputLimits, files: InputFiles = InputFiles()
    ) throws -> Workspace {
        let path = name.map { DisplayText.escaped($0.utf8) } ?? "<stdin>"
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.standardInput(upTo: limits.maxFileSize + 1)
        } catch let failure as FileSystem.Failure {
            throw DriverError.unreadable(path, reason: failure.reason)
        }
        guard bytes.count <= limits.maxFileSize else { throw DriverError.standardInputTooLarge(limit: limits.maxFileSize) }
        let (configuration, _) = try loadConfiguration(configPath, for: name ?? ".", limits: limits, files: files)
        if FileRecognition.classify(SourceFile(path: path, bytes: bytes)) == .foreign { throw DriverError.notPortcullis(path) }
        return Workspace(
            configuration: configuration, inputs: [SourceFile(path: path, bytes: bytes)], projectPaths: [path],
            configurationPath: configuration?.source.path)
    }

    /// `configPath`, else `portcullis.yaml` in the directory of `path` (or in `path`, a
    /// folder), read, with the folder it is in.
    private static func loadConfiguration(
        _ configPath: String?, for path: String, limits: InputLimits, files: InputFiles
    ) throws -> (LoadedConfiguration?, String?) {
        guard let path = configPath ?? files.defaultConfiguration(for: path) else { return (nil, nil) }
        let configuration = LoadedConfiguration(source: try files.file(named: path, limits: limits, as: "a configuration file"))
        return (configuration, files.absolutePath(path).parentFolder)
    }

    /// The configuration's path as a bundle records it, from the project folder: both
    /// resolved, so a path given through a link and one given relative to the working
    /// directory (which the system gives resolved) cannot make it climb through folders
    /// of this machine.
    private static func recordedPath(_ configuration: String, from root: String) -> String {
        guard let inside = configuration.removingPrefix(root == "/" ? "/" : root + "/") else {
            return (FileSystem.realPath(configuration) ?? configuration).path(from: FileSystem.realPath(root) ?? root)
        }
        return inside
    }

    /// The deepest folder that contains every one of `folders`.
    static func commonFolder(_ folders: [String]) -> String {
        // Compared as bytes, as paths are everywhere (``String/removingPrefix(_:)``): the
        // root must be a prefix of every input's bytes for its project path to be relative.
        guard var common = folders.first?.utf8.split(separator: UInt8(ascii: "/")) else { return "/" }
        for folder in folders.dropFirst() {
            let parts = folder.utf8.split(separator: UInt8(ascii: "/"))
            common = Array(zip(common, parts).prefix { $0.elementsEqual($1) }.map(\.0))
        }
        return "/" + common.map { String(Substring($0)) }.joined(separator: "/")
    }
}

extension Workspace {
    /// Files held in memory (an import checking what it is about to write), placed as
    /// discovery places files found in a folder; paths are the project's paths.
    public init(inMemory files: [SourceFile]) {
        inputs = []
        projectPaths = []
        for source in files {
            guard InputFiles.isWalked(source.path) else {
                skipped.append(source.path)
                continue
            }
            switch Self.place(source, namedOnCommandLine: false, limits: InputLimits()) {
            case .input:
                inputs.append(source)
                projectPaths.append(source.path)
            case .side: sideFiles.append(source)
            case .publisherConfiguration: publisherConfigurations.append(source)
            case .skipped(let kept):
                skipped.append(source.path)
                if kept { sideFiles.append(source) }
            case .refused: break
            }
        }
    }
}
