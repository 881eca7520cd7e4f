#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import FoundationEssentials

/// The folder a bundle goes to, resolved the way the kernel resolves it and judged before
/// anything is touched.
///
/// `--out` comes from a command line that may be assembled from a pull request, so the
/// path is taken literally (no `~` expansion), a symbolic link below the working directory
/// that leads outside its own folder is refused, the others are resolved by `realpath`
/// rather than by string manipulation, and a folder is only ever replaced when it is new,
/// empty, or (for a build) a bundle Portcullis wrote before.
public struct OutputFolder: Sendable {
    /// What an existing folder may hold for the output to replace it.
    public enum Replaces: Sendable {
        /// Nothing: the folder must be new or empty (`import`, which writes definitions
        /// someone will edit, and must not take the place of a bundle a build wrote).
        case nothing
        /// A bundle Portcullis wrote before, which a build replaces with the new one.
        case aBundle
    }

    /// The path as the user wrote it, for messages.
    public let given: String
    let replaces: Replaces
    /// Where `given` leads when it is a symbolic link, for messages.
    let linkTarget: String?
    /// The real path of the folder that holds the output.
    let parent: String
    /// The output's own name inside `parent`: never empty, `.` or `..`.
    let name: String

    /// The real path the bundle is written to.
    public var path: String { parent == "/" ? "/" + name : parent + "/" + name }

    /// Resolves `given` against `workingDirectory` without expanding `~`: an existing path
    /// (a symbolic link too) is resolved as a whole, a new one through its parent folder.
    public init(
        resolving given: String, replacing replaces: Replaces = .aBundle,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws {
        guard !given.isEmpty else { throw DriverError.refusedOutput(given, leadsTo: nil, reason: "the path is empty") }
        guard !given.utf8.contains(0) else { throw DriverError.refusedOutput(given, leadsTo: nil, reason: "the path holds a NUL byte") }
        // A link committed below the working directory would take the bundle, or the
        // replacement of another bundle, anywhere the run may write.
        if let reason = InputFiles(workingDirectory: workingDirectory).linkOnTheWay(to: given, includingLast: true) {
            throw DriverError.refusedOutput(given, leadsTo: nil, reason: reason)
        }
        self.given = given
        self.replaces = replaces
        let absolute = given.hasPrefix("/") ? given : workingDirectory + "/" + given
        var status = stat()
        if lstat(absolute, &status) == 0 {
            guard let real = FileSystem.realPath(absolute) else {
                throw DriverError.refusedOutput(given, leadsTo: nil, reason: "it is a symbolic link to nothing")
            }
            linkTarget = FileSystem.linkKind(of: absolute) == .link ? real : nil
            guard real != "/" else { throw DriverError.refusedOutput(given, leadsTo: linkTarget, reason: "it is the root folder") }
            let cut = real.utf8.lastIndex(of: UInt8(ascii: "/"))!
            parent = cut == real.utf8.startIndex ? "/" : String(real[..<cut])
            name = String(real[real.utf8.index(after: cut)...])
            return
        }
        let components = absolute.pathParts()
        guard let last = components.last, last != ".", last != ".." else {
            throw DriverError.unwritable(given, reason: "its parent folder does not exist")
        }
        let parentPath = "/" + components.dropLast().joined(separator: "/")
        guard let realParent = FileSystem.realPath(parentPath), FileSystem.kind(of: realParent) == .directory else {
            throw DriverError.unwritable(given, reason: "its parent folder does not exist")
        }
        parent = realParent
        name = String(last)
        linkTarget = nil
    }

    /// Refuses a folder whose replacement would destroy something: the working directory,
    /// an input or the home folder, or a folder above any of them (the root is refused
    /// when resolved), and a folder that is neither empty nor a bundle.
    public func refuseUnsafeReplacement(inputs: [String], workingDirectory: String = FileManager.default.currentDirectoryPath) throws {
        let target = path
        func holds(_ other: String) -> Bool { other.isPath(inside: target) }
        if let working = FileSystem.realPath(workingDirectory), holds(working) {
            throw DriverError.refusedOutput(
                given, leadsTo: linkTarget, reason: working == target ? "it is the working directory" : "it holds the working directory")
        }
        for input in inputs {
            let absolute = input.hasPrefix("/") ? input : workingDirectory + "/" + input
            guard let real = FileSystem.realPath(absolute), holds(real) else { continue }
            throw DriverError.refusedOutput(
                given, leadsTo: linkTarget, reason: real == target ? "it is the input '\(input)'" : "it holds the input '\(input)'")
        }
        for home in Self.homeFolders() where holds(home) {
            throw DriverError.refusedOutput(given, leadsTo: linkTarget, reason: home == target ? "it is the home folder" : "it holds the home folder")
        }
        try refuseIfForeign()
    }

    /// Refuses a folder inside one of `folders`: what is written there would become part
    /// of an input (an import's definitions written into the APIOps tree they came from).
    public func refuseInside(_ folders: [String], workingDirectory: String = FileManager.default.currentDirectoryPath) throws {
        for folder in folders {
            let absolute = folder.hasPrefix("/") ? folder : workingDirectory + "/" + folder
            guard let real = FileSystem.realPath(absolute), FileSystem.kind(of: real) == .directory else { continue }
            if path.removingPrefix(real == "/" ? "/" : real + "/") != nil {
                throw DriverError.refusedOutput(given, leadsTo: linkTarget, reason: "it is inside the input '\(folder)'")
            }
        }
    }

    /// Refuses an existing folder that is not empty, unless it is purely a Portcullis bundle
    /// and the output replaces one: replacing it would delete files nobody asked Portcullis
    /// to manage.
    func refuseIfForeign() throws {
        switch FileSystem.linkKind(of: path) {
        case nil:
            return
        case .directory?:
            let entries: [FileSystem.Entry]
            do {
                entries = try FileSystem.entries(of: path)
            } catch let failure as FileSystem.Failure {
                throw DriverError.unwritable(given, reason: failure.reason)
            }
            guard !entries.isEmpty else { return }
            switch replaces {
            case .nothing:
                throw DriverError.refusedOutput(given, leadsTo: linkTarget, reason: "it is not empty; write to a new or empty folder")
            case .aBundle:
                guard BundleManifest.holdsOnlyABundle(path) else {
                    throw DriverError.refusedOutput(given, leadsTo: linkTarget, reason: "it is not empty and is not a bundle Portcullis wrote, or holds a file changed since it was written")
                }
            }
        default:
            throw DriverError.unwritable(given, reason: "it exists and is not a folder")
        }
    }

    /// The home folder from `HOME` and from the user database, as real paths.
    private static func homeFolders() -> [String] {
        var candidates: [String] = []
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty { candidates.append(home) }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir { candidates.append(String(cString: directory)) }
        return candidates.compactMap(FileSystem.realPath)
    }
}
