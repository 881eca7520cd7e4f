import PortcullisDiagnostics

/// The files of a deployable bundle, by path relative to the output folder.
public struct DeploymentBundle: Sendable, Equatable {
    public private(set) var files: [String: [UInt8]] = [:]

    public init() {}

    /// Paths are built from names the language restricts to `[a-z0-9-]`, so none can leave
    /// the bundle; this check makes that a guarantee rather than a consequence.
    mutating func add(_ path: String, _ text: String) {
        add(path, bytes: Array(text.utf8))
    }

    mutating func add(_ path: String, bytes: [UInt8]) {
        precondition(Self.isContained(path), "bundle path '\(path)' would leave the output folder")
        files[path] = bytes
    }

    public static func isContained(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.contains("\\") && !path.contains("\0")
            && path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    public var paths: [String] { files.keys.sorted() }

    mutating func reserve(_ count: Int) {
        files.reserveCapacity(count)
    }
}
