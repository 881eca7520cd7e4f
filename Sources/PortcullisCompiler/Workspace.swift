import Foundation
import PortcullisChecker
import PortcullisDiagnostics
import PortcullisSyntax

/// What a run works on: the configuration, if any, and the input files it selects.
public struct Workspace: Sendable {
    public var configuration: LoadedConfiguration?
    public var inputs: [SourceFile]

    /// Finds the configuration (`configPath`, else `portcullis.yaml` in the directory of
    /// the first path), then discovers and reads the inputs it does not exclude.
    public static func load(
        paths: [String], configPath: String?, limits: InputLimits, files: InputFiles = InputFiles()
    ) throws -> Workspace {
        let paths = paths.isEmpty ? ["."] : paths
        var configuration: LoadedConfiguration?
        var configDirectory: String?
        if let path = configPath ?? files.defaultConfiguration(for: paths[0]) {
            let absolute = files.absolutePath(path)
            let bytes = try InputFiles.readPrefix(of: absolute, upTo: limits.maxFileSize + 1)
            configuration = LoadedConfiguration(source: SourceFile(path: files.displayPath(absolute), bytes: bytes))
            configDirectory = (absolute as NSString).deletingLastPathComponent
        }
        var found = try files.discover(paths)
        if let patterns = configuration?.configuration.exclude, !patterns.isEmpty, let directory = configDirectory {
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            found.removeAll { display in
                let absolute = files.absolutePath(display)
                guard absolute.hasPrefix(prefix) else { return false }
                let relative = String(absolute.dropFirst(prefix.count))
                return patterns.contains { Glob.matches($0, relative) }
            }
        }
        guard !found.isEmpty else { throw DriverError.noInputs(paths) }
        return Workspace(configuration: configuration, inputs: try files.read(found, limits: limits))
    }
}
