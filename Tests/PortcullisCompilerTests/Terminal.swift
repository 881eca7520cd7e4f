import Foundation
import XCTest

/// Runs the tool with a terminal as its standard output and error, through util-linux's
/// `script`, for behaviour that depends on one (colour, progress).
enum Terminal {
    struct Result {
        var status: Int32
        /// Standard output and error together, as the terminal showed them.
        var output: String
    }

    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
        let script = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: script) else { throw XCTSkip("needs util-linux's 'script'") }
        let command = ([ToolProcess.executable.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-qec", command.joined(separator: " "), "/dev/null"]
        process.currentDirectoryURL = directory
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "NO_COLOR")
        merged["TERM"] = "xterm"
        merged.merge(environment) { $1 }
        process.environment = merged
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
