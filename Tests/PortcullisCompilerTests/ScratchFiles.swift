import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes and removes many test files quickly: Foundation's `Data.write` and
/// `removeItem` cost about 3 ms and 0.6 ms a file here, so a test of ten thousand inputs
/// spent half a minute on them, far more than on the lint it tests.
enum ScratchFiles {
    /// Writes `bytes` to `path`, creating or truncating the file.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            guard written > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            offset += written
        }
    }

    /// Removes `folder` and everything in it.
    static func removeTree(_ folder: URL) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/rm")
        process.arguments = ["-rf", "--", folder.path]
        guard (try? process.run()) != nil else { return }
        process.waitUntilExit()
    }
}
