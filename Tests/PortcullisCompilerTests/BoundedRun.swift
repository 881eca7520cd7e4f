import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the tool and kills it when it outlives `seconds`, so a regression that hangs fails
/// the test instead of the whole suite.
enum BoundedRun {
    static func run(_ arguments: [String], in directory: URL, seconds: Double) throws -> ToolProcess.Result {
        let process = Process()
        process.executableURL = ToolProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = directory.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errors = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: errors)
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        let start = Date()
        try process.run()
        while process.isRunning, Date().timeIntervalSince(start) < seconds { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            XCTFail("'portcullis \(arguments.joined(separator: " "))' still ran after \(seconds) s")
        }
        process.waitUntilExit()
        return ToolProcess.Result(
            status: process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus,
            stdout: (try? String(contentsOf: output, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errors, encoding: .utf8)) ?? "",
            seconds: Date().timeIntervalSince(start), peakMemoryBytes: 0)
    }
}
