import Foundation
import PortcullisDiagnostics
import PortcullisSupport
import PortcullisSyntax

/// Why the driver could not do its job; the CLI exits 2 for these.
public enum DriverError: Error, CustomStringConvertible {
    case pathNotFound(String)
    case unreadable(String, reason: String)
    case noInputs([String])
    case unwritable(String, reason: String)
    /// An output folder whose replacement would destroy something.
    case refusedOutput(String, leadsTo: String?, reason: String)

    public var description: String {
        switch self {
        case .pathNotFound(let path): "input path '\(path)' does not exist"
        case .unreadable(let path, let reason): "cannot read '\(path)': \(reason)"
        case .noInputs(let paths):
            "no '*.yaml' or '*.yml' files found in " + paths.map { "'\($0)'" }.joined(separator: ", ")
        case .unwritable(let path, let reason): "cannot write '\(path)': \(reason)"
        case .refusedOutput(let path, let target?, let reason): "will not replace '\(path)', a link to '\(target)': \(reason)"
        case .refusedOutput(let path, nil, let reason): "will not replace '\(path)': \(reason)"
        }
    }
}

/// Finds and reads input files: the only part of linting that touches the file system.
public struct InputFiles: Sendable {
    /// The configuration file's name, which directory searches skip.
    public static let configurationFileName = "portcullis.yaml"

    let workingDirectory: String

    public init(workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.workingDirectory = workingDirectory
    }

    /// Every input file under `paths`, in sorted order of the paths reports show.
    ///
    /// Directories are searched recursively for `*.yaml` and `*.yml`, skipping hidden
    /// entries, the configuration file and folders holding a bundle Portcullis wrote;
    /// files named explicitly are taken as they are.
    public func discover(_ paths: [String]) throws -> [String] {
        var found = Set<String>()
        for given in paths {
            let path = absolutePath(given)
            switch FileSystem.kind(of: path) {
            case nil:
                throw DriverError.pathNotFound(given)
            case .directory?:
                try collect(in: path, given: given, into: &found)
            default:
                found.insert(displayPath(path))
            }
        }
        guard !found.isEmpty else { throw DriverError.noInputs(paths) }
        return found.sorted()
    }

    /// Walks one directory level at a time; symbolic links to directories are not
    /// followed, so a link cycle cannot make the walk endless. Paths are built by joining
    /// names to the standardized root, so they stay standardized.
    private func collect(in directory: String, given: String, into found: inout Set<String>) throws {
        let entries: [(name: String, kind: FileSystem.Kind)]
        do {
            entries = try FileSystem.entries(of: directory)
        } catch let failure as FileSystem.Failure {
            throw DriverError.unreadable(given, reason: failure.reason)
        }
        // A bundle's specifications are YAML too, but output, never input.
        if entries.contains(where: { $0.name == BundleManifest.fileName }), BundleManifest.marksBundle(directory) { return }
        for entry in entries where !entry.name.hasPrefix(".") {
            let full = directory + "/" + entry.name
            switch entry.kind {
            case .directory:
                try collect(in: full, given: given, into: &found)
            case .file:
                let name = entry.name
                if (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && name != Self.configurationFileName {
                    found.insert(displayPath(full))
                }
            case .other:
                continue
            }
        }
    }

    /// Reads each file, at most one byte past the size limit: enough for the front end to
    /// report an oversized file without loading all of it. Files are read on all cores.
    public func read(_ paths: [String], limits: InputLimits) throws -> [SourceFile] {
        let results = ParallelMap.map(paths.indices) { index -> Result<SourceFile, DriverError> in
            do {
                let bytes = try Self.readPrefix(of: absolutePath(ofDiscovered: paths[index]), upTo: limits.maxFileSize + 1)
                return .success(SourceFile(path: paths[index], bytes: bytes))
            } catch let error as DriverError {
                return .failure(error)
            } catch {
                return .failure(.unreadable(paths[index], reason: "\(error)"))
            }
        }
        return try results.map { try $0.get() }
    }

    static func readPrefix(of path: String, upTo limit: Int) throws -> [UInt8] {
        do {
            return try FileSystem.contents(of: path, upTo: limit)
        } catch let failure as FileSystem.Failure {
            throw DriverError.unreadable(path, reason: failure.reason)
        }
    }

    /// `portcullis.yaml` in the directory of `path` (or in `path`, if it is a directory), if it exists.
    func defaultConfiguration(for path: String) -> String? {
        let absolute = absolutePath(path)
        let directory = FileSystem.kind(of: absolute) == .directory ? absolute : (absolute as NSString).deletingLastPathComponent
        let candidate = directory + "/" + Self.configurationFileName
        return FileSystem.kind(of: candidate) == .file ? candidate : nil
    }

    /// Paths inside the working directory are shown relative to it. `absolute` must
    /// already be standardized, as ``absolutePath(_:)`` makes it.
    func displayPath(_ absolute: String) -> String {
        if absolute.hasPrefix(workingDirectoryPrefix) { return String(absolute.dropFirst(workingDirectoryPrefix.count)) }
        return absolute
    }

    /// The inverse of ``displayPath(_:)`` for paths ``discover(_:)`` returned. They are
    /// standardized already, and standardizing again costs a `readlink` per component of
    /// every input file.
    func absolutePath(ofDiscovered display: String) -> String {
        display.hasPrefix("/") ? display : workingDirectoryPrefix + display
    }

    private var workingDirectoryPrefix: String {
        workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
    }

    func absolutePath(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }
}
