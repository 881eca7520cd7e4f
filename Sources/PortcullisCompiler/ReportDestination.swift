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
}
