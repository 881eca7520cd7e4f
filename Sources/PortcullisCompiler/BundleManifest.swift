import Foundation
import PortcullisSupport

/// Recognises a folder as a bundle Portcullis wrote, by its `manifest.json`: such a folder
/// may be replaced by the next build, and is never read as input.
enum BundleManifest {
    static let fileName = "manifest.json"

    /// The largest manifest worth reading: a 100,000-route bundle's is about 20 MB.
    private static let sizeLimit = 256 << 20

    /// True when `folder` holds a regular `manifest.json` naming Portcullis as its tool.
    static func marksBundle(_ folder: String) -> Bool {
        let path = folder + "/" + fileName
        guard FileSystem.linkKind(of: path) == .file,
            let bytes = try? FileSystem.contents(of: path, upTo: sizeLimit),
            let document = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let tool = document["tool"] as? [String: Any]
        else { return false }
        return tool["name"] as? String == ToolInfo.name && document["formatVersion"] is Int
    }
}
