import Foundation
import XCTest

/// Runs a Python helper script from `Support/`, skipping the test (with the reason) when
/// Python or a module it needs is not installed, so a plain clone still passes.
enum PythonTool {
    static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support")

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw XCTSkip("python3 is not available: \(error)")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
        if output.status == 127 { throw XCTSkip("python3 is not installed") }
        if output.status == 3 { throw XCTSkip("\(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)); run .ci/run to install it") }
        return output
    }
}
