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
    /// Nothing is followed: every entry is judged by what it is itself.
    ///
    /// Names are compared by their bytes, as the file system tells them apart: Swift's `==`
    /// takes `\u{212A}iosk` (a Kelvin sign) for a listed `Kiosk`.
    static func holdsOnlyABundle(_ folder: String) -> Bool {
        guard var files = listedFiles(in: folder) else { return false }
        files.insert(Array(fileName.utf8))
        let folders = Self.folders(holding: files)
        var pending = [""]
        while let relative = pending.popLast() {
            guard let entries = try? FileSystem.entries(of: relative.isEmpty ? folder : folder + "/" + relative) else { return false }
            for entry in entries {
                guard let name = entry.name else { return false }
                let path = relative.isEmpty ? name : relative + "/" + name
                switch entry.kind {
                case .directory where folders.contains(Array(path.utf8)): pending.append(path)
                case .file where files.contains(Array(path.utf8)): continue
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

    /// The paths `folder/manifest.json` lists, as UTF-8, when it is a regular file naming
    /// Portcullis as its tool.
    private static func listedFiles(in folder: String) -> Set<[UInt8]>? {
        let path = folder + "/" + fileName
        guard FileSystem.linkKind(of: path) == .file,
            let bytes = try? FileSystem.contents(of: path, upTo: sizeLimit),
            let manifest = try? JSONDecoder().decode(ListedManifest.self, from: Data(bytes)), manifest.tool.name == ToolInfo.name
        else { return nil }
        return Set((manifest.files ?? []).compactMap { $0.path.map { Array($0.utf8) } })
    }

    /// What ``listedFiles(in:)`` reads of a manifest.
    private struct ListedManifest: Decodable {
        struct Tool: Decodable { let name: String }
        struct File: Decodable { let path: String? }
        let tool: Tool
        let formatVersion: Int
        let files: [File]?
    }
}
