#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file-system calls the driver makes, straight to POSIX: for a thousand small
/// files, Foundation's per-file objects cost more than reading the files.
enum FileSystem {
    enum Kind {
        case file
        case directory
        case other
    }

    struct Failure: Error {
        let reason: String

        static func fromErrno() -> Failure { Failure(reason: String(cString: strerror(errno))) }
    }

    /// What `path` is, following symbolic links; nil when it does not exist.
    static func kind(of path: String) -> Kind? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// What a path itself is, a symbolic link not followed.
    struct EntryStatus {
        enum Kind {
            case file
            case directory
            case link
            case other
        }

        var kind: Kind
        /// The permission bits (`st_mode & 0o7777`).
        var mode: UInt32
    }

    /// What `path` itself is (`lstat`); nil when it does not exist.
    static func entryStatus(_ path: String) -> EntryStatus? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        let kind: EntryStatus.Kind
        switch status.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .link
        default: kind = .other
        }
        return EntryStatus(kind: kind, mode: UInt32(status.st_mode & 0o7777))
    }

    /// The canonical absolute path, resolved by the kernel (links, `.` and `..`); nil when
    /// some component does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The entries of a directory with their kinds. Symbolic links to directories count as
    /// `.other`, so a walk never follows a link cycle; links to files count as files.
    static func entries(of directory: String) throws -> [(name: String, kind: Kind)] {
        guard let handle = opendir(directory) else { throw Failure.fromErrno() }
        defer { closedir(handle) }
        var result: [(String, Kind)] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let kind: Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = Self.kind(of: directory + "/" + name) == .file ? .file : .other
            default: kind = Self.kind(of: directory + "/" + name) ?? .other
            }
            result.append((name, kind))
        }
        return result
    }

    /// The first `limit` bytes of a file (all of it when shorter).
    static func contents(of path: String, upTo limit: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Failure.fromErrno() }
        defer { close(descriptor) }
        var status = stat()
        let size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        var bytes = [UInt8](repeating: 0, count: min(max(size, 0) + 1, limit))
        var count = 0
        while true {
            if count == bytes.count {
                guard count < limit else { break }
                bytes += [UInt8](repeating: 0, count: min(max(count, 4096), limit - count))
            }
            let wanted = bytes.count - count
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + count, wanted) }
            if got < 0 {
                if errno == EINTR { continue }
                throw Failure.fromErrno()
            }
            if got == 0 { break }
            count += got
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Creates a folder; one that exists already is fine.
    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws {
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw Failure.fromErrno() }
    }

    /// Writes a whole file, replacing one that exists.
    static func writeFile(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard descriptor >= 0 else { throw Failure.fromErrno() }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure.fromErrno()
            }
            offset += written
        }
    }
}
