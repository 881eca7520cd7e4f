import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a report is written (`--output`): never over a file the run read, judged by the
/// file itself (device and inode), not by how its path is spelled, so a hard link, a
/// symbolic link or `./a/../a` cannot pass for another file.
public enum ReportDestination {
    /// Refuses `output` when it is one of `files` or lies inside one of `folders`: writing
    /// the report there would replace definitions, a configuration, an OpenAPI document or
    /// an estate being imported with diagnostics.
    public static func refuse(_ output: String, overwritingAnyOf files: [String], orInside folders: [String] = []) throws {
        // A folder on the way that is a link out of its own folder would take the report
        // anywhere, over a file the run never named.
        if let reason = InputFiles().linkOnTheWay(to: output) { throw DriverError.refusedOutput(output, leadsTo: nil, reason: reason) }
        var report = stat()
        guard stat(output, &report) == 0, report.st_mode & S_IFMT == S_IFREG else { return }
        for file in files {
            var status = stat()
            guard stat(file, &status) == 0, status.st_dev == report.st_dev, status.st_ino == report.st_ino else { continue }
            throw DriverError.refusedOutput(output, leadsTo: nil, reason: "it is the input '\(file)'")
        }
        guard !folders.isEmpty, let real = FileSystem.realPath(output) else { return }
        for folder in folders {
            guard let inside = FileSystem.realPath(folder), real.isPath(inside: inside) else { continue }
            throw DriverError.refusedOutput(output, leadsTo: nil, reason: "it is inside the input '\(folder)'")
        }
    }

    /// Refuses `output` inside `bundle`, the folder a build or an import writes: the report
    /// would be written over what was just written once it is in place, or leave a folder
    /// no later build replaces. Judged before the build, so through the deepest folder of the path that
    /// exists, as the bundle folder may not exist yet.
    public static func refuse(
        _ output: String, insideBundle bundle: OutputFolder, workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws {
        var existing = (output.hasPrefix("/") ? output : workingDirectory + "/" + output).pathParts()
        var rest: [String] = []
        var resolved: [String] = []
        while true {
            if let real = FileSystem.realPath("/" + existing.joined(separator: "/")) {
                resolved = real.pathParts()
                break
            }
            guard let last = existing.popLast() else { break }
            rest.insert(last, at: 0)
        }
        for part in rest where part != "." {
            if part == ".." { _ = resolved.popLast() } else { resolved.append(part) }
        }
        guard ("/" + resolved.joined(separator: "/")).isPath(inside: bundle.path) else { return }
        throw DriverError.refusedOutput(output, leadsTo: nil, reason: "it is inside the output folder '\(bundle.given)'")
    }
}
