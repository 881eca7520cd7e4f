#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CPortcullisFileSystem
import FoundationEssentials
import Synchronization
import PortcullisDiagnostics
import PortcullisEmit
import PortcullisSupport

/// Writes a bundle so that the output folder is only ever the old bundle or the new one.
///
/// The new bundle is written to a temporary folder beside the output, each file as soon as
/// it is made, and then swapped in with one atomic rename (exchange, where the system has
/// it): an interrupted or failed build, or one whose policies turn out too large, leaves
/// the old bundle as it was, and files the new bundle no longer has are gone.
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
    /// Rethrows ``OversizedPolicies`` as it is, having written nothing.
    @discardableResult
    public static func write(_ bundle: some BundleSource, to output: OutputFolder) throws -> BundleIndex {
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
        // Made here, never found: a link or folder already under this name is someone
        // else's, and writing into it could put the bundle anywhere. Under another name
        // then, one nobody can foretell: a container's builds get the same process id again
        // and again, and folders left under the names that follow from it made every later
        // build fail (found by two audits).
        var staging = ""
        for attempt in 0..<100 {
            let id = "\(getpid())" + (attempt == 0 ? "" : "0\(UInt64.random(in: 1..<UInt64(1e15)))")
            staging = parent + "/" + temporaryName(of: output.name, "new", process: id)
            if mkdir(staging, folderMode) == 0 { break }
            guard errno == EEXIST, attempt < 99 else {
                let reason = errno == EEXIST ? "its staging folder '\(staging)' exists already" : FileSystem.Failure.fromErrno().reason
                throw DriverError.unwritable(output.given, reason: reason)
            }
        }
        // A build stopped half-way leaves no half-written staging folder behind; once it is
        // swapped in, the folder holds the old bundle, which goes all the same.
        let stopping = Interruption.removeIfStopped(folder: staging)
        defer { Interruption.release(stopping) }
        do {
            try FileSystem.writeFile(pieces: [], to: staging + "/" + stagingMark, mode: fileMode)
            let index = try bundle.produce(into: StagingFolder(root: staging))
            // Gone before the bundle is whole where it goes; a build killed from here on
            // leaves a folder that holds only a bundle, which is known by that.
            guard unlink(staging + "/" + stagingMark) == 0 else { throw FileSystem.Failure.fromErrno() }
            try swapIn(staging, for: output)
            return index
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            if error is OversizedPolicies || error is DriverError { throw error }
            if let failure = error as? FileSystem.Failure { throw DriverError.unwritable(output.given, reason: failure.reason) }
            throw DriverError.unwritable(output.given, reason: DriverError.reason(of: error))
        }
    }

    /// Writes each file as it comes, on whichever core made it, creating its folders the
    /// first time a file in them arrives.
    private final class StagingFolder: BundleSink, Sendable {
        let root: String
        /// Folders made so far, relative to `root`.
        private let made = Mutex<Set<Substring>>([""])

        init(root: String) {
            self.root = root
        }

        func receive(_ path: String, _ pieces: [[UInt8]]) throws {
            // A run being stopped removes this folder: nothing more may be written into it.
            guard !Interruption.isStopping else { throw FileSystem.Failure(reason: "the build was stopped") }
            do {
                try makeFolders(of: path)
                try FileSystem.writeFile(pieces: pieces, to: root + "/" + path, mode: fileMode)
            } catch let failure as FileSystem.Failure {
                throw FileSystem.Failure(reason: "\(path): \(failure.reason)")
            }
        }

        /// Makes the folders on the way to `path`, parents first, under the lock, so no
        /// two threads make the same one and none writes into one not made yet.
        private func makeFolders(of path: String) throws {
            let folder = path.lastIndex(of: "/").map { path[..<$0] } ?? ""
            try made.withLock { made in
                guard !made.contains(folder) else { return }
                var missing = [folder]
                while let slash = missing[missing.count - 1].lastIndex(of: "/") {
                    let parent = path[..<slash]
                    guard !made.contains(parent) else { break }
                    missing.append(parent)
                }
                for folder in missing.reversed() {
                    try FileSystem.makeDirectory(root + "/" + folder, mode: folderMode)
                    made.insert(folder)
                }
            }
        }
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
        if output.replaces == .nothing {
            // One rename onto the folder, which the system does only while it is empty: a
            // file put there while the output was made stops it, and is kept.
            guard rename(staging, target) == 0 else {
                let reason = errno == ENOTEMPTY || errno == EEXIST ? "it is not empty; write to a new or empty folder" : FileSystem.Failure.fromErrno().reason
                throw DriverError.refusedOutput(output.given, leadsTo: output.linkTarget, reason: reason)
            }
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

    /// The empty file a staging folder holds while a build writes into it, which tells a
    /// half-written bundle a killed build left from a folder of someone else's under a
    /// name like it.
    private static let stagingMark = ".portcullis-staging"

    /// The name of the temporary folder beside output `name` that process `id` writes the
    /// new bundle to (`new`) or moves the old one aside to (`old`).
    private static func temporaryName(of name: String, _ role: String, process id: String) -> String {
        ".\(name).portcullis-\(role)-\(id)"
    }

    /// Temporary folders of earlier builds that were killed before they finished; only
    /// called under the lock, so no build that is still running owns one. Only folders
    /// named exactly as ``temporaryName(of:_:process:)`` names them are removed, and only
    /// those that hold the staging mark or a bundle alone: a file, link, other name or other
    /// folder beside the output is someone else's. A build killed between the
    /// two renames of ``swapIn(_:for:)`` left the only copy of the previous bundle aside
    /// (`old`) and no output: that bundle is put back first, so that this build, should it
    /// fail, leaves the output as the last finished build wrote it.
    private static func removeLeftovers(in parent: String, of name: String) {
        let entries = ((try? FileSystem.entries(of: parent)) ?? []).filter { $0.kind == .directory }.compactMap(\.name)
        func leftovers(_ role: String) -> [String] {
            let prefix = temporaryName(of: name, role, process: "")
            return entries.filter { entryName in
                let id = entryName.utf8.dropFirst(prefix.utf8.count)
                return entryName.hasPrefix(prefix) && !id.isEmpty && id.allSatisfy { (0x30...0x39).contains($0) }
            }
        }
        // An earlier bundle set aside is whole, so one that is not a bundle Portcullis wrote
        // is someone's folder under a name like it, and is left alone.
        var old = leftovers("old").filter { BundleManifest.holdsOnlyABundle(parent + "/" + $0) }
        // A staging folder holds the mark, empty as a build writes it, and the part of the
        // bundle written so far, until it is a whole bundle; once swapped in, the bundle it
        // replaced. A mark with something in it, or beside other files, is no build's
        // (audits V26 and V37: such folders went with their files).
        let new = leftovers("new").filter { entryName in
            BundleManifest.holdsOnlyAPartialBundle(parent + "/" + entryName, mark: stagingMark) || BundleManifest.holdsOnlyABundle(parent + "/" + entryName)
        }
        if FileSystem.linkKind(of: parent + "/" + name) == nil, let aside = old.first, rename(parent + "/" + aside, parent + "/" + name) == 0 {
            old.removeFirst()
        }
        for entryName in new + old { try? FileManager.default.removeItem(atPath: parent + "/" + entryName) }
    }

    /// How the folder differs from the bundle, in path order: anything but exactly the
    /// bundle's regular files and the folders that hold them, with the modes a build
    /// gives them, is a difference. Symbolic links are never followed. The bundle is made
    /// first and only its index kept; files are compared by size and SHA-256.
    /// Rethrows ``OversizedPolicies``.
    public static func differences(_ bundle: some BundleSource, at output: OutputFolder) throws -> [Difference] {
        try comparison(bundle, at: output).differences
    }

    /// ``differences(_:at:)`` and the index of the bundle compared.
    static func comparison(_ bundle: some BundleSource, at output: OutputFolder) throws -> (index: BundleIndex, differences: [Difference]) {
        let index = try bundle.produce(into: Discard())
        let mask = currentUmask()
        let expectedFile = UInt32(fileMode & ~mask)
        let expectedFolder = UInt32(folderMode & ~mask)
        // The bundle's folders by their bytes, as the file system tells them apart (see
        // `BundleIndex.entry(at:)`). Only asked when the folder holds folders: an empty or
        // new one never needs it.
        lazy var expectedFolders: Set<[UInt8]> = BundleManifest.folders(holding: index.paths.lazy.map { Array($0.utf8) }).union([[]])
        var differences: [Difference] = []
        var files: [String] = []
        switch FileSystem.linkStatus(of: output.path) {
        case nil:
            return (index, index.paths.map { .missing($0) })
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
                // A name found here is the pull request's, not the bundle's: shown escaped,
                // or a line break and `::error` in a file's name would forge a workflow
                // command in the report of what is not produced.
                let shown = (relative.isEmpty ? "" : relative + "/") + DisplayText.escaped(entry.bytes)
                guard let name = entry.name else {
                    differences.append(.unexpected(shown, what: "a name that is not UTF-8"))
                    continue
                }
                let path = relative.isEmpty ? name : relative + "/" + name
                guard let status = FileSystem.linkStatus(of: output.path + "/" + path) else { continue }
                switch status.kind {
                case .directory where expectedFolders.contains(Array(path.utf8)):
                    if status.mode != expectedFolder { differences.append(.mode(path, found: status.mode, expected: expectedFolder)) }
                    pending.append(path)
                case .directory:
                    differences.append(.unexpected(shown, what: "a folder"))
                case .file where index.entry(at: path) != nil:
                    if status.mode != expectedFile { differences.append(.mode(path, found: status.mode, expected: expectedFile)) }
                    files.append(path)
                case .file:
                    differences.append(.unexpected(shown, what: "a file"))
                case .link:
                    differences.append(.unexpected(shown, what: "a symbolic link"))
                case .other:
                    differences.append(.unexpected(shown, what: "not a regular file"))
                }
            }
        }
        let present = files
        let presentSet = Set(present)
        differences += index.paths.filter { !presentSet.contains($0) }.map { .missing($0) }
        let changed = try ParallelMap.map(present.indices) { item -> Result<Bool, DriverError> in
            let path = present[item]
            let entry = index.entry(at: path)!
            do {
                let found = try FileSystem.contents(of: output.path + "/" + path, upTo: entry.size + 1)
                return .success(found.count != entry.size || SHA256.hex(found) != entry.sha256)
            } catch let failure as FileSystem.Failure {
                return .failure(.unreadable(output.path + "/" + path, reason: failure.reason))
            } catch {
                return .failure(.unreadable(output.path + "/" + path, reason: "\(error)"))
            }
        }.map { try $0.get() }
        differences += zip(files, changed).filter(\.1).map { .changed($0.0) }
        // By path, then (for a file with more than one difference) by the text of each:
        // a folder of thousands of differences is sorted without writing each text every time.
        differences.sort { $0.path != $1.path ? $0.path < $1.path : $0.description < $1.description }
        return (index, differences)
    }

    /// Takes each file and keeps nothing: comparing needs only the index.
    private struct Discard: BundleSink {
        func receive(_ path: String, _ pieces: [[UInt8]]) {}
    }

    /// The process's umask, which read alone would also change it.
    private static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }
}
