import CPortcullisFileSystem
import Foundation
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
        case unexpected(String)

        public var description: String {
            switch self {
            case .changed(let path): "changed: \(path)"
            case .missing(let path): "missing: \(path)"
            case .unexpected(let path): "not produced: \(path)"
            }
        }

        var path: String {
            switch self {
            case .changed(let path), .missing(let path), .unexpected(let path): path
            }
        }
    }

    public static func write(_ bundle: DeploymentBundle, to output: String) throws {
        let fileManager = FileManager.default
        let target = (output as NSString).standardizingPath
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: parent.isEmpty ? "." : parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DriverError.unwritable(output, reason: "its parent folder does not exist")
        }
        if fileManager.fileExists(atPath: target, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw DriverError.unwritable(output, reason: "it exists and is not a folder")
        }
        removeLeftovers(in: parent, of: name)
        let process = ProcessInfo.processInfo.processIdentifier
        let staging = (parent as NSString).appendingPathComponent(".\(name).portcullis-new-\(process)")
        do {
            try fileManager.createDirectory(atPath: staging, withIntermediateDirectories: false)
            try writeFiles(bundle, into: staging)
            try swapIn(staging, for: target, parent: parent, name: name)
        } catch {
            try? fileManager.removeItem(atPath: staging)
            if let driverError = error as? DriverError { throw driverError }
            if let failure = error as? FileSystem.Failure { throw DriverError.unwritable(output, reason: failure.reason) }
            throw DriverError.unwritable(output, reason: (error as NSError).localizedDescription)
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
            try FileSystem.makeDirectory(root + "/" + folder)
        }
        let paths = bundle.paths
        let failures = ParallelMap.map(paths.indices) { index -> String? in
            do {
                try FileSystem.writeFile(bundle.files[paths[index]]!, to: root + "/" + paths[index])
                return nil
            } catch {
                return "\(paths[index]): \((error as? FileSystem.Failure)?.reason ?? "\(error)")"
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw FileSystem.Failure(reason: failure) }
    }

    /// Puts `staging` where `target` is; afterwards `staging` holds the old bundle, if any,
    /// and is removed.
    private static func swapIn(_ staging: String, for target: String, parent: String, name: String) throws {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: target) else {
            try fileManager.moveItem(atPath: staging, toPath: target)
            return
        }
        if portcullis_exchange(staging, target) == 0 {
            try? fileManager.removeItem(atPath: staging)
            return
        }
        // No atomic exchange on this file system: two renames, with a short window in
        // which the old bundle sits beside the output under a temporary name.
        let old = (parent as NSString).appendingPathComponent(".\(name).portcullis-old-\(ProcessInfo.processInfo.processIdentifier)")
        try fileManager.moveItem(atPath: target, toPath: old)
        do {
            try fileManager.moveItem(atPath: staging, toPath: target)
        } catch {
            try? fileManager.moveItem(atPath: old, toPath: target)
            throw error
        }
        try? fileManager.removeItem(atPath: old)
    }

    /// Temporary folders of earlier builds that were killed before they finished.
    private static func removeLeftovers(in parent: String, of name: String) {
        let prefix = ".\(name).portcullis-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent)) ?? []
        where entry.hasPrefix(prefix) {
            try? FileManager.default.removeItem(atPath: (parent as NSString).appendingPathComponent(entry))
        }
    }

    /// How the folder differs from the bundle, in path order.
    public static func differences(_ bundle: DeploymentBundle, at output: String) throws -> [Difference] {
        var existing: [String: Data] = [:]
        let root = (output as NSString).standardizingPath
        if let walker = FileManager.default.enumerator(atPath: root) {
            while let relative = walker.nextObject() as? String {
                let full = (root as NSString).appendingPathComponent(relative)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                guard let data = FileManager.default.contents(atPath: full) else {
                    throw DriverError.unreadable(full, reason: "the file cannot be read")
                }
                existing[relative] = data
            }
        }
        var differences: [Difference] = []
        for path in bundle.paths {
            guard let data = existing.removeValue(forKey: path) else {
                differences.append(.missing(path))
                continue
            }
            if !data.elementsEqual(bundle.files[path]!) { differences.append(.changed(path)) }
        }
        differences += existing.keys.map { .unexpected($0) }
        return differences.sorted { $0.path < $1.path }
    }
}
