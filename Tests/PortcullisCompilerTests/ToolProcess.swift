import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the built `portcullis` executable and measures it as a user would see it:
/// exit status, output, wall time and peak memory (from `wait4`'s resource usage).
enum ToolProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        var peakMemoryBytes: Int
    }

    /// The executable under test: `PORTCULLIS_EXECUTABLE` when set (CI points it at the
    /// release build), else the one SwiftPM built next to the test bundle.
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["PORTCULLIS_EXECUTABLE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("portcullis")
    }

    /// `environment` adds to (or replaces in) the test's own environment; `input` is what
    /// the tool reads on standard input (nothing, by default).
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment overrides: [String: String] = [:], input: [UInt8]? = nil
    ) throws -> Result {
        let path = executable.path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            XCTFail("no portcullis executable at \(path); build it with 'swift build'")
            throw CocoaError(.fileNoSuchFile)
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("stdout").path
        let errPath = scratch.appendingPathComponent("stderr").path

        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let inPath = scratch.appendingPathComponent("stdin").path
        if let input { try Data(input).write(to: URL(fileURLWithPath: inPath)) }
        posix_spawn_file_actions_addopen(&actions, 0, input == nil ? "/dev/null" : inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // The shell changes directory and then replaces itself with the tool, so the
        // process waited for, and measured, is the tool itself.
        let directoryPath = directory?.path ?? FileManager.default.currentDirectoryPath
        let command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directoryPath, path] + arguments
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(overrides) { $1 }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }

        let start = Date()
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard spawned == 0 else {
            XCTFail("posix_spawn failed: \(spawned)")
            throw CocoaError(.executableLoad)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        let seconds = Date().timeIntervalSince(start)
        let exited = status & 0x7F == 0
        return Result(
            status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            seconds: seconds,
            peakMemoryBytes: Int(usage.ru_maxrss) * 1024)
    }

    /// Runs the tool and sends it SIGKILL as soon as `ready` says so; true when it was killed
    /// before it finished on its own.
    static func runKilled(_ arguments: [String], when ready: @escaping () -> Bool) throws -> Bool {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline {
            if ready() {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return process.terminationReason == .uncaughtSignal
            }
            usleep(200)
        }
        process.waitUntilExit()
        return false
    }
}
