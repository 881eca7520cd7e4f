import Foundation
import PortcullisSyntax

/// Why the driver could not do its job; the CLI exits 2 for these.
public enum DriverError: Error, CustomStringConvertible {
    case pathNotFound(String)
    case unreadable(String, reason: String)
    case noInputs([String])
    case unwritable(String, reason: String)

    public var description: String {
        switch self {
        case .pathNotFound(let path): "input path '\(path)' does not exist"
        case .unreadable(let path, let reason): "cannot read '\(path)': \(reason)"
        case .noInputs(let paths):
            "no '*.yaml' or '*.yml' files found in " + paths.map { "'\($0)'" }.joined(separator: ", ")
        case .unwritable(let path, let reason): "cannot write '\(path)': \(reason)"
        }
    }
}

/// Finds and reads input files: the only part of linting that touches the file system.
public struct InputFiles {
    /// The configuration file's name, which directory searches skip.
    public static let configurationFileName = "portcullis.yaml"

    let workingDirectory: String

    public init(workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.workingDirectory = workingDirectory
    }

    /// Every input file under `paths`, in sorted order of the paths reports show.
    ///
    /// Directories are searched recursively for `*.yaml` and `*.yml`, skipping hidden
    /// entries and the configuration file; files named explicitly are taken as they are.
    public func discover(_ paths: [String]) throws -> [String] {
        var found = Set<String>()
        let fileManager = FileManager.default
        for given in paths {
            let path = absolutePath(given)
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw DriverError.pathNotFound(given)
            }
            guard isDirectory.boolValue else {
                found.insert(displayPath(path))
                continue
            }
            guard let walker = fileManager.enumerator(atPath: path) else {
                throw DriverError.unreadable(given, reason: "the directory cannot be listed")
            }
            while let relative = walker.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    walker.skipDescendants()
                    continue
                }
                guard name.hasSuffix(".yaml") || name.hasSuffix(".yml"), name != Self.configurationFileName else {
                    continue
                }
                let full = (path as NSString).appendingPathComponent(relative)
                fileManager.fileExists(atPath: full, isDirectory: &isDirectory)
                if !isDirectory.boolValue { found.insert(displayPath(full)) }
            }
        }
        guard !found.isEmpty else { throw DriverError.noInputs(paths) }
        return found.sorted()
    }

    /// Reads each file, at most one byte past the size limit: enough for the front end to
    /// report an oversized file without loading all of it.
    public func read(_ paths: [String], limits: InputLimits) throws -> [SourceInput] {
        try paths.map { path in
            SourceInput(path: path, bytes: try Self.readPrefix(of: absolutePath(path), upTo: limits.maxFileSize + 1))
        }
    }

    static func readPrefix(of path: String, upTo limit: Int) throws -> [UInt8] {
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            return [UInt8](try handle.read(upToCount: limit) ?? Data())
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw DriverError.unreadable(path, reason: reason)
        }
    }

    /// Paths inside the working directory are shown relative to it.
    func displayPath(_ path: String) -> String {
        let absolute = absolutePath(path)
        let prefix = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        if absolute.hasPrefix(prefix) { return String(absolute.dropFirst(prefix.count)) }
        return absolute
    }

    func absolutePath(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }
}
