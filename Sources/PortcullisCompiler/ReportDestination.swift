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
        // A new file inside an input folder is refused as one there already is: it would
        // become part of what the next run, or the publisher, reads (audit V53).
        if !folders.isEmpty {
            let real = resolved(output)
            for folder in folders {
                guard let inside = FileSystem.realPath(folder), real.isPath(inside: inside) else { continue }
                throw DriverError.refusedOutput(output, leadsTo: nil, reason: "it is inside the input '\(folder)'")
            }
        }
        var report = stat()
        guard stat(output, &report) == 0, report.st_mode & S_IFMT == S_IFREG else { return }
        for file in files {
            var status = stat()
            guard stat(file, &status) == 0, status.st_dev == report.st_dev, status.st_ino == report.st_ino else { continue }
            throw DriverError.refusedOutput(output, leadsTo: nil, reason: "it is the input '\(file)'")
        }
    }

    /// The absolute path `output` names, through the deepest folder of it that exists (whose
    /// links are resolved), the rest as written, `..` taken back.
    private static func resolved(_ output: String, workingDirectory: String = FileManager.default.currentDirectoryPath) -> String {
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
        return "/" + resolved.joined(separator: "/")
    }

    /// Writes the report to `output`. A regular file, a symbolic link (never followed) or
    /// nothing yet is replaced atomically; a device or a pipe (`/dev/null`, a FIFO;
    /// `/dev/stdout` is the standard output) is written to, never replaced:
    /// renamed over, `/dev/null` became a file for the whole machine when run as root
    /// (found by an audit). A file the user may not write is not replaced either.
    public static func write(_ text: String, to output: String) throws {
        if output == "/dev/stdout" || output == "/dev/stderr" {
            FileSystem.writeText(text, to: output == "/dev/stdout" ? STDOUT_FILENO : STDERR_FILENO)
            return
        }
        // Judged by the entry itself: a link is replaced, never followed, as a pull request
        // may commit `report.sarif` as a link to a FIFO (a run that hangs) or a device.
        var target = stat()
        if lstat(output, &target) == 0 {
            switch target.st_mode & S_IFMT {
            case S_IFLNK:
                break
            case S_IFDIR:
                throw DriverError.unwritable(output, reason: "it is a folder")
            case S_IFREG:
                guard access(output, W_OK) == 0 else { throw DriverError.unwritable(output, reason: FileSystem.Failure.fromErrno().reason.lowercased()) }
            default:
                do {
                    try FileSystem.writeThrough(Array(text.utf8), to: output)
                } catch let failure as FileSystem.Failure {
                    throw DriverError.unwritable(output, reason: failure.reason.lowercased())
                }
                return
            }
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw DriverError.unwritable(output, reason: DriverError.reason(of: error))
        }
    }

    /// Refuses `output` inside `bundle`, the folder a build or an import writes: the report
    /// would be written over what was just written once it is in place, or leave a folder
    /// no later build replaces. Judged before the build, so through the deepest folder of the path that
    /// exists, as the bundle folder may not exist yet.
    public static func refuse(
        _ output: String, insideBundle bundle: OutputFolder, workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws {
        guard resolved(output, workingDirectory: workingDirectory).isPath(inside: bundle.path) else { return }
        throw DriverError.refusedOutput(output, leadsTo: nil, reason: "it is inside the output folder '\(bundle.given)'")
    }
}
