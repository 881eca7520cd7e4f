#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CPortcullisFileSystem
import Foundation
import PortcullisDiagnostics
import PortcullisEmit
import PortcullisSupport

/// Writes a bundle so that the output folder is only ever the old bundle or the new one.
///
/// The new bundle is written to a temporary folder beside the output and then swapped in
/// with one atomic rename (exchange, where the system has it): an interrupted or failed
/// build leaves the old bundle as it was, and files the new bundle no longer has are gone.
public enum BundleWriter {
    public enum Difference: Equatable, Sendable, CustomStringConvertible {
        case changed(String)
        case missing(String)
        case unexpected(String, what: String)
        case mode(String, found: UInt32, expected: UInt32)

        public var description: String {
            switch self {
            case .changed(let path): "changed: \(path)"
            case .missing(let path): "missing: \(path)"
            case .unexpected(let path, let what): "not produced: \(path) (\(what))"
            case .mode(let path, let found, let expected):
                "mode: \(path) (\(String(found, radix: 8)), expected \(String(expected, radix: 8)))"
            }
        }

        var path: String {
            switch self {
            case .changed(let path), .missing(let path), .unexpected(let path, _), .mode(let path, _, _): path
            }
        }
    }

    /// Modes the bundle's files and folders get (before the umask).
    static let fileMode: mode_t = 0o644
    static let folderMode: mode_t = 0o755

    /// Writes `bundle` to `output`, holding a lock on the parent folder so that concurrent
    /// builds into the same place take turns and never clean up each other's staging folder.
    public static func write(_ bundle: DeploymentBundle, to output: OutputFolder) throws {
        let parent = output.parent
        let lock = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0 else { throw DriverError.unwritable(output.given, reason: FileSystem.Failure.fromErrno().reason) }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw DriverError.unwritable(output.given, reason: FileSystem.Failure.fromErrno().reason) }
        }
        // Judged again under the lock: the folder may have changed since the build began.
        try output.refuseIfForeign()
        removeLeftovers(in: parent, of: output.name)
        let staging = parent + "/" + temporaryName(of: output.name, "new", process: "\(getpid())")
        do {
            try FileSystem.makeDirectory(staging, mode: folderMode)
            try writeFiles(bundle, into: staging)
            try swapIn(staging, for: output)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            if let driverError = error as? DriverError { throw driverError }
            if let failure = error as? FileSystem.Failure { throw DriverError.unwritable(output.given, reason: failure.reason) }
            throw DriverError.unwritable(output.given, reason: (error as NSError).localizedDescription)
        }
    }

    /// Creates every folder once, parents first, then writes the files on all cores.
    private static func writeFiles(_ bundle: DeploymentBundle, into root: String) throws {
        var folders = Set<String>()
        for path in bundle.paths {
            var folder = (path as NSString).deletingLastPathComponent
            while !folder.isEmpty, folders.insert(folder).inserted { folder = (folder as NSString).deletingLastPathComponent }
        }
        for folder in folders.sorted(by: { $0.count < $1.count }) {
            try FileSystem.makeDirectory(root + "/" + folder, mode: folderMode)
        }
        let paths = bundle.paths
        let failures = ParallelMap.map(paths.indices) { index -> String? in
            do {
                try FileSystem.writeFile(bundle.files[paths[index]]!, to: root + "/" + paths[index], mode: fileMode)
                return nil
            } catch {
                return "\(paths[index]): \((error as? FileSystem.Failure)?.reason ?? "\(error)")"
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw FileSystem.Failure(reason: failure) }
    }

    /// Puts `staging` where the output is; afterwards `staging` holds the old bundle, if
    /// any, and is removed.
    private static func swapIn(_ staging: String, for output: OutputFolder) throws {
        let fileManager = FileManager.default
        let target = output.path
        guard FileSystem.linkKind(of: target) != nil else {
            try fileManager.moveItem(atPath: staging, toPath: target)
            return
        }
        if portcullis_exchange(staging, target) == 0 {
            try? fileManager.removeItem(atPath: staging)
            return
        }
        // No atomic exchange on this file system: two renames, with a short window in
        // which the old bundle sits beside the output under a temporary name.
        let old = output.parent + "/" + temporaryName(of: output.name, "old", process: "\(getpid())")
        try fileManager.moveItem(atPath: target, toPath: old)
        do {
            try fileManager.moveItem(atPath: staging, toPath: target)
        } catch {
            try? fileManager.moveItem(atPath: old, toPath: target)
            throw error
        }
        try? fileManager.removeItem(atPath: old)
    }

    /// The name of the temporary folder beside output `name` that process `id` writes the
    /// new bundle to (`new`) or moves the old one aside to (`old`).
    private static func temporaryName(of name: String, _ role: String, process id: String) -> String {
        ".\(name).portcullis-\(role)-\(id)"
    }

    /// Temporary folders of earlier builds that were killed before they finished; only
    /// called under the lock, so no build that is still running owns one. Only folders
    /// named exactly as ``temporaryName(of:_:process:)`` names them are removed: a file,
    /// link or other name beside the output is someone else's.
    private static func removeLeftovers(in parent: String, of name: String) {
        for entry in (try? FileSystem.entries(of: parent)) ?? [] {
            guard entry.kind == .directory, let entryName = entry.name else { continue }
            let isLeftover = ["new", "old"].contains { role in
                let prefix = temporaryName(of: name, role, process: "")
                let id = entryName.utf8.dropFirst(prefix.utf8.count)
                return entryName.hasPrefix(prefix) && !id.isEmpty && id.allSatisfy { (0x30...0x39).contains($0) }
            }
            if isLeftover { try? FileManager.default.removeItem(atPath: parent + "/" + entryName) }
        }
    }

    /// How the folder differs from the bundle, in path order: anything but exactly the
    /// bundle's regular files and the folders that hold them, with the modes a build
    /// gives them, is a difference. Symbolic links are never followed.
    public static func differences(_ bundle: DeploymentBundle, at output: OutputFolder) throws -> [Difference] {
        let mask = currentUmask()
        let expectedFile = UInt32(fileMode & ~mask)
        let expectedFolder = UInt32(folderMode & ~mask)
        var expectedFolders: Set<String> = [""]
        for path in bundle.paths {
            var folder = Substring(path)
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                guard expectedFolders.insert(String(folder)).inserted else { break }
            }
        }
        var differences: [Difference] = []
        var files: [String] = []
        switch FileSystem.linkStatus(of: output.path) {
        case nil:
            return bundle.paths.map { .missing($0) }
        case let status? where status.kind != .directory:
            throw DriverError.unwritable(output.given, reason: "it exists and is not a folder")
        case let status?:
            if status.mode != expectedFolder { differences.append(.mode(".", found: status.mode, expected: expectedFolder)) }
        }
        // A walk of real folders only; each entry is judged by lstat.
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? output.path : output.path + "/" + relative
            let entries: [FileSystem.Entry]
            do {
                entries = try FileSystem.entries(of: folder)
            } catch let failure as FileSystem.Failure {
                throw DriverError.unreadable(folder, reason: failure.reason)
            }
            for entry in entries {
                guard let name = entry.name else {
                    let shown = DisplayText.escaped(entry.bytes)
                    differences.append(.unexpected(relative.isEmpty ? shown : relative + "/" + shown, what: "a name that is not UTF-8"))
                    continue
                }
                let path = relative.isEmpty ? name : relative + "/" + name
                guard let status = FileSystem.linkStatus(of: output.path + "/" + path) else { continue }
                switch status.kind {
                case .directory where expectedFolders.contains(path):
                    if status.mode != expectedFolder { differences.append(.mode(path, found: status.mode, expected: expectedFolder)) }
                    pending.append(path)
                case .directory:
                    differences.append(.unexpected(path, what: "a folder"))
                case .file where bundle.files[path] != nil:
                    if status.mode != expectedFile { differences.append(.mode(path, found: status.mode, expected: expectedFile)) }
                    files.append(path)
                case .file:
                    differences.append(.unexpected(path, what: "a file"))
                case .link:
                    differences.append(.unexpected(path, what: "a symbolic link"))
                case .other:
                    differences.append(.unexpected(path, what: "not a regular file"))
                }
            }
        }
        let present = files
        let presentSet = Set(present)
        differences += bundle.paths.filter { !presentSet.contains($0) }.map { .missing($0) }
        let changed = try ParallelMap.map(present.indices) { index -> Result<Bool, DriverError> in
            let path = present[index]
            let expected = bundle.files[path]!
            do {
                let found = try FileSystem.contents(of: output.path + "/" + path, upTo: expected.count + 1)
                return .success(found != expected)
            } catch let failure as FileSystem.Failure {
                return .failure(.unreadable(output.path + "/" + path, reason: failure.reason))
            } catch {
                return .failure(.unreadable(output.path + "/" + path, reason: "\(error)"))
            }
        }.map { try $0.get() }
        differences += zip(files, changed).filter(\.1).map { .changed($0.0) }
        return differences.sorted { ($0.path, $0.description) < ($1.path, $1.description) }
    }

    /// The process's umask, which read alone would also change it.
    private static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }
}
