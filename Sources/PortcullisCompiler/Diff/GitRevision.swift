import Foundation

/// Reads definition files as they were at a Git revision, without touching the work tree.
public enum GitRevision {
    /// Extracts `paths` (relative to the working directory) at `revision` into `folder`,
    /// and returns where each path is in it.
    public static func extract(_ paths: [String], at revision: String, into folder: String) throws -> [String] {
        let root = try git(["rev-parse", "--show-toplevel"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = try git(["rev-parse", "--show-prefix"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let inRepository = paths.map { path -> String in
            let joined = ((prefix.isEmpty ? "" : prefix) as NSString).appendingPathComponent(path)
            return (joined as NSString).standardizingPath
        }
        // After `--end-of-options` git reads the revision and paths as operands even when they
        // start with '-', so a revision such as `--output=/path` cannot become an option.
        // (git archive then takes `--` for a path, so it is not given.)
        let archive = try run(
            "/usr/bin/env", ["git", "-C", root, "archive", "--format=tar", "--end-of-options", revision] + inRepository)
        let unpack = Process()
        unpack.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        unpack.arguments = ["tar", "-x", "-C", folder]
        let input = Pipe()
        unpack.standardInput = input
        try unpack.run()
        input.fileHandleForWriting.write(archive)
        try input.fileHandleForWriting.close()
        unpack.waitUntilExit()
        guard unpack.terminationStatus == 0 else { throw DriverError.unreadable(revision, reason: "the archive could not be unpacked") }
        return inRepository.map { (folder as NSString).appendingPathComponent($0) }
    }

    private static func git(_ arguments: [String]) throws -> String {
        String(decoding: try run("/usr/bin/env", ["git"] + arguments), as: UTF8.self)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw DriverError.unreadable("git", reason: "git could not be started")
        }
        // Standard error is drained on its own thread: a child that fills that pipe while
        // standard output is being read would otherwise wait for us forever.
        let drained = DispatchGroup()
        nonisolated(unsafe) var errorData = Data()
        DispatchQueue.global().async(group: drained) { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        let message = String(decoding: errorData, as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DriverError.unreadable(
                "git " + (arguments.first ?? ""), reason: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return data
    }
}
