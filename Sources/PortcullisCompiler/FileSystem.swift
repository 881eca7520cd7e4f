import CPortcullisFileSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file-system calls the driver makes, straight to POSIX: for a thousand small
/// files, Foundation's per-file objects cost more than reading the files.
package enum FileSystem {
    package enum Kind {
        case file
        case directory
        /// A symbolic link, for the calls that do not follow them.
        case link
        /// A FIFO, socket or device: never read, as reading one may block or never end.
        case other
    }

    package struct Failure: Error {
        package let reason: String

        /// Reads `errno` into a message. Workers fail in parallel, and `strerror` may share
        /// one buffer between threads, so this uses the reentrant `strerror_r` (XSI form).
        static func fromErrno() -> Failure { Failure(reason: reason(errno)) }

        /// The system's words for error `code`, such as "Not a directory".
        static func reason(_ code: Int32) -> String {
            var buffer = [CChar](repeating: 0, count: 256)
            guard strerror_r(code, &buffer, buffer.count) == 0 else { return "error \(code)" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// What `path` is, following symbolic links; nil when it does not exist.
    package static func kind(of path: String) -> Kind? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return kind(status.st_mode)
    }

    /// What `path` itself is, a symbolic link included; nil when it does not exist.
    package static func linkKind(of path: String) -> Kind? { linkStatus(of: path)?.kind }

    /// The first folder on the way from `root` to the absolute, standardized `path` (and
    /// `path` itself when `includingLast`) that is a symbolic link leading outside the
    /// folder that holds it, and that folder: a committed link there would take the path
    /// anywhere. Nil when there is none, or `path` is not below `root`.
    package static func linkLeavingItsFolder(on path: String, below root: String, includingLast: Bool = false) -> (link: String, folder: String)? {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard let relative = path.removingPrefix(prefix) else { return nil }
        var folder = prefix == "/" ? "" : String(prefix.dropLast())
        let parts = relative.pathParts()
        for part in includingLast ? parts[...] : parts.dropLast() {
            let next = folder + "/" + part
            if linkKind(of: next) == .link {
                guard let real = realPath(next), let container = realPath(folder.isEmpty ? "/" : folder), real.isPath(inside: container) else {
                    return (next, folder.isEmpty ? "/" : folder)
                }
            }
            folder = next
        }
        return nil
    }

    /// What `path` itself is, a symbolic link included, with its permission bits
    /// (`st_mode & 0o7777`); nil when it does not exist.
    static func linkStatus(of path: String) -> (kind: Kind, mode: UInt32)? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return (kind(status.st_mode), UInt32(status.st_mode & 0o7777))
    }

    /// Whether `path` itself is an empty regular file (a symbolic link is not).
    static func isEmptyFile(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && kind(status.st_mode) == .file && status.st_size == 0
    }

    private static func kind(_ mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .directory
        case S_IFLNK: .link
        default: .other
        }
    }

    /// The absolute path with every symbolic link, `.` and `..` resolved; nil when some
    /// part does not exist.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// One directory entry. `name` is nil when the bytes of the name are not UTF-8.
    package struct Entry {
        package let name: String?
        package let bytes: [UInt8]
        package let kind: Kind
    }

    /// The entries of a directory, symbolic links reported as links, not followed.
    package static func entries(of directory: String) throws -> [Entry] {
        guard let handle = opendir(directory) else { throw Failure.fromErrno() }
        defer { closedir(handle) }
        var result: [Entry] = []
        while let entry = readdir(handle) {
            // The name is read where it lies, up to its terminator: copying the whole
            // 256-byte `d_name` field read past the end of the directory buffer whenever the
            // last entry of a read was shorter than that.
            let nameStart = UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let bytes = Array(UnsafeRawBufferPointer(start: nameStart, count: strlen(nameStart.assumingMemoryBound(to: CChar.self))))
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            let name = String(validating: bytes, as: UTF8.self)
            let kind: Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .link
            case Int32(DT_UNKNOWN):
                // Some file systems leave the type out; ask for it, by the raw name.
                var status = stat()
                let found = (Array(directory.utf8) + [0x2F] + bytes + [0]).withUnsafeBufferPointer {
                    $0.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &status) == 0 }
                }
                kind = found ? Self.kind(status.st_mode) : .other
            default: kind = .other
            }
            result.append(Entry(name: name, bytes: bytes, kind: kind))
        }
        return result
    }

    /// The first `limit` bytes of a regular file (all of it when shorter).
    ///
    /// The last component must not be a symbolic link, so a link swapped in after the
    /// caller checked the path is refused; opening does not block, so a FIFO cannot hang
    /// the run; and what was opened must be a regular file outside the kernel's `/proc`
    /// and `/sys`, whose files look regular but hold the process's environment and more.
    package static func contents(of path: String, upTo limit: Int) throws -> [UInt8] {
        try prefix(of: path, upTo: limit).bytes
    }

    /// ``contents(of:upTo:)`` with the file's whole size, which reports of an oversized
    /// file show.
    package static func prefix(of path: String, upTo limit: Int) throws -> (bytes: [UInt8], size: Int) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw Failure(reason: "it is a symbolic link") }
            throw Failure.fromErrno()
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure.fromErrno() }
        guard kind(status.st_mode) == .file else { throw Failure(reason: "it is not a regular file") }
        switch portcullis_is_kernel_file_system(descriptor) {
        case 0: break
        case 1: throw Failure(reason: "it belongs to the kernel's /proc or /sys file system")
        default: throw Failure.fromErrno()
        }
        let size = Int(status.st_size)
        let bytes = try readBytes(from: descriptor, upTo: limit, expecting: size)
        return (bytes, max(size, bytes.count))
    }

    /// The first `limit` bytes of standard input (all of it when shorter).
    static func standardInput(upTo limit: Int) throws -> [UInt8] {
        try readBytes(from: STDIN_FILENO, upTo: limit, expecting: 0)
    }

    /// Reads until the end or `limit` bytes; `size` is how many are expected, to size the
    /// buffer once for a regular file. The bytes are read into the array's storage as it is
    /// made, not into zeros written first: that was a second pass over every page of a
    /// large estate before anything else could start.
    private static func readBytes(from descriptor: Int32, upTo limit: Int, expecting size: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var wanted = min(max(size, 0) + 1, limit)
        while true {
            var ended = false
            let piece = try [UInt8](unsafeUninitializedCapacity: wanted) { buffer, count in
                count = 0
                while count < buffer.count {
                    let got = read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                    if got < 0 {
                        if errno == EINTR { continue }
                        throw Failure.fromErrno()
                    }
                    if got == 0 {
                        ended = true
                        return
                    }
                    count += got
                }
            }
            if bytes.isEmpty { bytes = piece } else { bytes += piece }
            // A file larger than it said, or standard input, is read on in pieces.
            guard !ended, bytes.count < limit else { return bytes }
            wanted = min(max(bytes.count, 4096), limit - bytes.count)
        }
    }

    /// Creates a folder; one that exists already is fine.
    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws {
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw Failure.fromErrno() }
    }

    /// Creates a file that must not exist yet, not even as a dangling link.
    static func createFile(_ bytes: [UInt8], at path: String, mode: mode_t = 0o644) throws {
        try writeAll([bytes], to: path, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: mode)
    }

    /// Writes a whole file, `pieces` one after another, replacing one that exists.
    static func writeFile(pieces: [[UInt8]], to path: String, mode: mode_t = 0o644) throws {
        try writeAll(pieces, to: path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
    }

    /// Writes `bytes` into what `path` names (a device, a pipe), which must exist: it is
    /// neither created nor truncated.
    static func writeThrough(_ bytes: [UInt8], to path: String) throws {
        try writeAll([bytes], to: path, flags: O_WRONLY | O_NOCTTY | O_CLOEXEC, mode: 0)
    }

    /// Writes `text` whole to standard output or standard error (`stream`); a reader that
    /// has gone ends the writing, not the run.
    package static func writeText(_ text: String, to stream: Int32) {
        writeBytes(Array(text.utf8), to: stream)
    }

    package static func writeBytes(_ bytes: [UInt8], to stream: Int32) {
        try? writeAll([bytes], to: stream)
    }

    private static func writeAll(_ pieces: [[UInt8]], to path: String, flags: Int32, mode: mode_t) throws {
        let descriptor = open(path, flags, mode)
        guard descriptor >= 0 else { throw Failure.fromErrno() }
        defer { close(descriptor) }
        try writeAll(pieces, to: descriptor)
    }

    private static func writeAll(_ pieces: [[UInt8]], to descriptor: Int32) throws {
        for bytes in pieces {
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
}
