import FoundationEssentials
import PortcullisSupport

/// Recognises a folder as a bundle Portcullis wrote: such a folder may be replaced by the
/// next build, and is never read as input.
enum BundleManifest {
    static let fileName = "manifest.json"

    /// The largest manifest worth reading: a 100,000-route bundle's is about 20 MB.
    private static let sizeLimit = 256 << 20

    /// True when `folder` holds a regular `manifest.json` naming Portcullis as its tool and
    /// nothing else but the regular files it lists and the folders on the way to them.
    /// A manifest alone proves nothing, as anyone can commit one; what it does not list
    /// (a file, a symbolic link, a FIFO) would be lost to a build or hidden from `lint`.
    /// Nothing is followed: every entry is judged by what it is itself. Each listed file
    /// must be where a build writes (`gateway.json`, `apim/`, `infrastructure/`) and, where
    /// it still is, hold what the manifest says it holds (its SHA-256): a manifest forged
    /// beside a user's files had a build delete them, and one beside a publisher
    /// configuration hid it from `lint` (found by an audit). A bundle file the user changed
    /// is theirs too.
    ///
    /// Names are compared by their bytes, as the file system tells them apart: Swift's `==`
    /// takes `\u{212A}iosk` (a Kelvin sign) for a listed `Kiosk`.
    static func holdsOnlyABundle(_ folder: String) -> Bool {
        guard let listed = listedFiles(in: folder), listed.keys.allSatisfy(Self.isBundlePath) else { return false }
        // The folder is walked before a file is read: a link or anything else the bundle
        // does not list refuses it without reading what a listed name leads to.
        var files = Set(listed.keys)
        files.insert(Array(fileName.utf8))
        let folders = Self.folders(holding: files)
        guard holdsOnly(folder, folders: { path, _ in folders.contains(Array(path.utf8)) }, files: { path, _ in files.contains(Array(path.utf8)) }) else {
            return false
        }
        for (path, digest) in listed {
            // A listed file removed since is no loss; one changed is the user's.
            let file = folder + "/" + String(decoding: path, as: UTF8.self)
            guard FileSystem.linkKind(of: file) != nil else { continue }
            guard let bytes = try? FileSystem.contents(of: file, upTo: sizeLimit), SHA256.hex(bytes) == digest else { return false }
        }
        return true
    }

    /// Whether `folder` holds nothing but what a build writes on its way to a bundle: the
    /// empty staging `mark`, the manifest, `gateway.json`, and what lies under `apim/` and
    /// `infrastructure/`. A build killed while writing leaves such a folder; one that holds
    /// anything else is someone's (audit V37: a folder under a staging name went, with
    /// the user's files beside the mark). Links are never followed.
    static func holdsOnlyAPartialBundle(_ folder: String, mark: String) -> Bool {
        guard FileSystem.isEmptyFile(folder + "/" + mark) else { return false }
        let top: Set<String> = [mark, fileName, "gateway.json"]
        return holdsOnly(
            folder, folders: { path, atTop in !atTop || path == "apim" || path == "infrastructure" },
            files: { path, atTop in atTop ? top.contains(path) : isBundlePath(Array(path.utf8)) })
    }

    /// Whether everything under `folder`, walked without following links, is a folder
    /// `keepsFolder` takes (walked in turn) or a file `keepsFile` takes, each asked with its
    /// path relative to `folder` and whether it lies at the top.
    private static func holdsOnly(_ folder: String, folders keepsFolder: (String, Bool) -> Bool, files keepsFile: (String, Bool) -> Bool) -> Bool {
        var pending = [""]
        while let relative = pending.popLast() {
            guard let entries = try? FileSystem.entries(of: relative.isEmpty ? folder : folder + "/" + relative) else { return false }
            for entry in entries {
                guard let name = entry.name else { return false }
                let path = relative.isEmpty ? name : relative + "/" + name
                switch entry.kind {
                case .directory where keepsFolder(path, relative.isEmpty): pending.append(path)
                case .file where keepsFile(path, relative.isEmpty): continue
                default: return false
                }
            }
        }
        return true
    }

    /// The folders on the way to each of `paths` (relative, as UTF-8), by their bytes; the
    /// top folder, the empty path, is not among them. Found byte by byte: a path's
    /// separators are plain ASCII bytes.
    static func folders(holding paths: some Sequence<[UInt8]>) -> Set<[UInt8]> {
        var folders: Set<[UInt8]> = []
        for path in paths {
            var parent = path[...]
            while let slash = parent.lastIndex(of: UInt8(ascii: "/")) {
                parent = parent[..<slash]
                guard folders.insert(Array(parent)).inserted else { break }
            }
        }
        return folders
    }

    /// The paths `folder/manifest.json` lists, as UTF-8, with the SHA-256 it gives each,
    /// when it is a regular file naming Portcullis as its tool.
    private static func listedFiles(in folder: String) -> [[UInt8]: String]? {
        let path = folder + "/" + fileName
        guard FileSystem.linkKind(of: path) == .file,
            let bytes = try? FileSystem.contents(of: path, upTo: sizeLimit),
            let manifest = try? JSONDecoder().decode(ListedManifest.self, from: Data(bytes)), manifest.tool.name == ToolInfo.name
        else { return nil }
        var listed: [[UInt8]: String] = [:]
        for file in manifest.files ?? [] {
            guard let path = file.path, let digest = file.sha256 else { return nil }
            listed[Array(path.utf8)] = digest
        }
        return listed
    }

    /// Whether a build writes `path`: `gateway.json`, or below `apim/` or `infrastructure/`,
    /// without `.` or `..` parts.
    private static func isBundlePath(_ path: [UInt8]) -> Bool {
        let parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0.isEmpty || $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8) }) else { return false }
        guard let first = parts.first else { return false }
        return parts.count == 1 ? first.elementsEqual("gateway.json".utf8) : first.elementsEqual("apim".utf8) || first.elementsEqual("infrastructure".utf8)
    }

    /// What ``listedFiles(in:)`` reads of a manifest.
    private struct ListedManifest: Decodable {
        struct Tool: Decodable { let name: String }
        struct File: Decodable {
            let path: String?
            let sha256: String?
        }
        let tool: Tool
        let formatVersion: Int
        let files: [File]?
    }
}
